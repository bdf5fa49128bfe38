"""The lower bound on a render's wall time, from the graph of jobs it queued.

    lower_bound(jobs, workers, caps) -> Bound
    lower_bound(jobs, workers, caps, last="film") -> Bound     tighter: nothing runs beside the job that ends it

No schedule can beat the largest of: the longest dependency chain (each job's work, summed along the path), the
total work divided by the workers, and the work on each capped model divided by its cap. A job's work is whatever
the caller says it took: the model's simulated latency alone, or that plus the job's own measured overhead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class GraphJob:
    """A job of the render: its id, its kind, the ids it waits on, its work in seconds, the model it calls."""

    id: str
    kind: str
    after: tuple[str, ...]
    seconds: float
    model: str | None = None  # the limit key its work counts against


@dataclass(frozen=True)
class Bound:
    chain_s: float
    per_worker_s: float
    per_model_s: dict[str, float]

    @property
    def seconds(self) -> float:
        return max(self.chain_s, self.per_worker_s, *self.per_model_s.values())

    @property
    def limited_by(self) -> str:
        """What sets the bound: "chain", "workers" or the capped model's key."""
        named = {"chain": self.chain_s, "workers": self.per_worker_s, **self.per_model_s}
        return max(named, key=named.get)


def lower_bound(jobs: Sequence[GraphJob], workers: int, caps: Mapping[str, int], *, last: str | None = None) -> Bound:
    """The bound for `workers` workers, each model in `caps` running at most its cap of jobs at once.

    Args:
        last: the kind of a job that waits on every other (the film): when given, its work is added after the work
            per worker and per model instead of being shared out, since nothing else can run beside it.

    Raises:
        ValueError: fewer than one worker, or a job waiting on a job that isn't in the graph.
    """
    if workers < 1:
        raise ValueError("a render needs at least one worker")
    tail = sum(job.seconds for job in jobs if job.kind == last)
    per_model: dict[str, float] = {}
    for job in jobs:
        if job.model in caps:
            per_model[job.model] = per_model.get(job.model, 0.0) + job.seconds / caps[job.model]
    shared = sum(job.seconds for job in jobs if job.kind != last) / workers
    return Bound(longest_chain(jobs), shared + tail, {model: work + tail for model, work in per_model.items()})


def longest_chain(jobs: Sequence[GraphJob]) -> float:
    """The most work on any path through the graph (each job after everything it waits on)."""
    by_id = {job.id: job for job in jobs}
    finish: dict[str, float] = {}
    for job in _in_dependency_order(by_id):
        finish[job.id] = job.seconds + max((finish[a] for a in job.after), default=0.0)
    return max(finish.values(), default=0.0)


def _in_dependency_order(by_id: Mapping[str, GraphJob]) -> list[GraphJob]:
    """Kahn's order; a job waiting on an unknown job is a graph this bound can't speak for."""
    unknown = {a for job in by_id.values() for a in job.after if a not in by_id}
    if unknown:
        raise ValueError(f"{len(unknown)} job(s) wait on jobs outside the graph")
    waiting = {job_id: len(set(job.after)) for job_id, job in by_id.items()}
    dependents: dict[str, list[str]] = {job_id: [] for job_id in by_id}
    for job in by_id.values():
        for after in set(job.after):
            dependents[after].append(job.id)
    ready = [job_id for job_id, count in waiting.items() if count == 0]
    ordered = []
    while ready:
        job_id = ready.pop()
        ordered.append(by_id[job_id])
        for dependent in dependents[job_id]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                ready.append(dependent)
    if len(ordered) != len(by_id):
        raise ValueError("the graph has a cycle")
    return ordered
