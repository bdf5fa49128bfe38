"""Generation jobs: a `generation_jobs` row per unit of slow work, run by an RQ worker as its user.

The row is the truth a page shows (queued -> running -> succeeded | failed | cancelled, with the error); RQ only
carries the job id and schedules it. A job may wait for others (`after`: its `depends_on`), which RQ honours with
`depends_on`; the database decides, though: a job whose dependency failed or was cancelled is cancelled with the
reason (and its own dependents after it), unless its kind accepts that (the film assembles with what exists). Jobs
calling a model carry its limit (payload "limit": the model key) and are queued under RQ 3's concurrency key for it.
A succeeded job is never run again: delivering it again returns its stored result.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from uuid import UUID

from rq.job import Dependency

from core.costs.ledger import release
from core.errors import AiuteurError, NotFound
from core.pipeline import job_handler, job_kinds
from core.runtime.studio import Studio
from db import jobs as job_rows
from db import projects as project_rows
from db.jobs import UNFINISHED, JobStatus

Handler = Callable[[Studio, UUID, dict], dict]
HANDLERS: dict[str, Handler] = {}
RQ_FUNCTION = "workers.jobs.run_generation_job"
DEFAULT_TIMEOUT = 600
JOB_TIMEOUTS = {"clip": 1800, "farm_clip": 1800, "film": 3600}  # Veo polls up to 15 min; a film re-encodes everything
# the chain a render's clips wait on (each frame after the one before, each scene's lock after its frames): a free
# worker takes these before clips already waiting, or the chain stalls behind every clip queued ahead of it
AHEAD = frozenset({"frame", "frames_lock"})
ACCEPTS_FAILED_DEPENDENCIES = frozenset({"film"})  # the film assembles with stills where a clip is missing
ENDED = (JobStatus.FAILED, JobStatus.CANCELLED)


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register a studio-internal job kind (a stage's own jobs are declared in its registry spec)."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def record(studio: Studio, user_id: UUID, project_id: UUID, kind: str, *, after: Sequence[dict] = (),
           **fields: object) -> dict:
    """Record a job without queueing it, for a caller that runs it itself (the headless CLI)."""
    if kind not in HANDLERS and kind not in job_kinds():
        raise ValueError(f"no handler for job kind {kind!r}")
    with studio.db.as_user(user_id) as conn:
        return job_rows.insert_job(conn, project_id, kind, depends_on=[a["id"] for a in after], **fields)


def enqueue(studio: Studio, user_id: UUID, project_id: UUID, kind: str, *, after: Sequence[dict] = (),
            **fields: object) -> dict:
    """Record the job and put it on the queue, to run once the jobs `after` it finished; returns the row."""
    row = record(studio, user_id, project_id, kind, after=after, **fields)
    return submit(studio, row, after)


def submit(studio: Studio, row: dict, after: Sequence[dict] = (), *, attempt: str = "") -> dict:
    """Put a recorded job on RQ (again, with `attempt`), after the RQ jobs of its unfinished dependencies. A job that
    goes on whatever its dependencies became (the film) waits off the queue instead: RQ would never start it after a
    cancelled one; the last of them to end puts it on (`wake`)."""
    if row["kind"] in ACCEPTS_FAILED_DEPENDENCIES and any(a.get("status") in UNFINISHED for a in after):
        return row
    waits = [a["rq_job_id"] for a in after if a.get("rq_job_id") and a.get("status", JobStatus.QUEUED) in UNFINISHED]
    limit = (row.get("payload") or {}).get("limit")
    ahead = row["kind"] in AHEAD  # RQ keeps at_front for a job that waits only when its Dependency says so
    rq_job = studio.queue.enqueue(
        RQ_FUNCTION, str(row["id"]), str(row["user_id"]), job_id=f"gen-{row['id']}{attempt}",
        job_timeout=JOB_TIMEOUTS.get(row["kind"], DEFAULT_TIMEOUT), result_ttl=3600,
        depends_on=Dependency(jobs=waits, enqueue_at_front=ahead) if waits else None, at_front=ahead,
        rate_limit=studio.limits.rate_limit(limit) if limit else None,
    )
    with studio.db.as_user(row["user_id"]) as conn:
        job_rows.mark_requeued(conn, row["id"], rq_job.id) if attempt else job_rows.attach_rq_id(conn, row["id"],
                                                                                                   rq_job.id)
    return {**row, "rq_job_id": rq_job.id}


def run(studio: Studio, job_id: UUID, user_id: UUID, worker_name: str | None = None) -> dict:
    """Run one job as its user. Errors end the job `failed` with a message a creator can read (and its dependents
    cancelled with the reason). A succeeded job is not run again: its stored result is returned."""
    with studio.db.as_user(user_id) as conn:
        row = job_rows.get_job(conn, job_id)
        if row is None:
            raise NotFound(f"job {job_id} is not visible to its user")
        blocked = _blocked(conn, row)
        if blocked is None:
            job = job_rows.mark_running(conn, job_id, worker_name)
            done = None if job is not None else job_rows.count_redelivery(conn, job_id)
    if blocked is not None:
        return _cancel_blocked(studio, user_id, row, blocked)
    if done is not None:
        return {"status": JobStatus.SUCCEEDED, **(done["result"] or {})}
    if job is None:
        return {"status": row["status"], "error": row["error"]}  # cancelled meanwhile
    return _perform(studio, user_id, job)


def _perform(studio: Studio, user_id: UUID, job: dict) -> dict:
    try:
        result = handler_for(job["kind"])(studio, user_id, job)
    except AiuteurError as exc:
        _fail(studio, user_id, job, str(exc))
        return {"status": JobStatus.FAILED, "error": str(exc)}
    except Exception as exc:  # a bug, not a creator's problem: keep the reason, let RQ record the trace
        _fail(studio, user_id, job, f"internal error: {type(exc).__name__}: {exc}")
        raise
    with studio.db.as_user(user_id) as conn:
        finished = job_rows.mark_finished(conn, job["id"], result)
    wake(studio, user_id, job["id"])
    if job.get("rq_job_id") and job["rq_job_id"] != f"gen-{job['id']}":  # queued again under a new RQ id:
        resume_dependents(studio, user_id, job)  # what RQ held back on the old one goes on now
    if not finished:  # cancelled while it ran: what it made is kept
        return {"status": JobStatus.CANCELLED, **result}
    return {"status": JobStatus.SUCCEEDED, **result}


def _blocked(conn, row: dict) -> dict | None:
    """The dependency that failed or was cancelled, when this job can't go on without it."""
    if not row["depends_on"] or row["kind"] in ACCEPTS_FAILED_DEPENDENCIES:
        return None
    return next((d for d in job_rows.get_jobs(conn, row["depends_on"]) if d["status"] in ENDED), None)


def _cancel_blocked(studio: Studio, user_id: UUID, row: dict, blocked: dict) -> dict:
    reason = f"Not made: the {_what(blocked)} it waits on {'failed' if blocked['status'] == JobStatus.FAILED else 'was not made'}."
    cancel(studio, user_id, [row], reason)
    return {"status": JobStatus.CANCELLED, "error": reason}


def handler_for(kind: str) -> Handler:
    """The function that does jobs of `kind`: the stage registry's, or a studio-internal one."""
    return HANDLERS[kind] if kind in HANDLERS else job_handler(kind)


def _fail(studio: Studio, user_id: UUID, job: dict, message: str) -> None:
    with studio.db.as_user(user_id) as conn:
        job_rows.mark_failed(conn, job["id"], message)
        release_holds(conn, [job])
    release_dependents(studio, user_id, job["id"], f"the {_what(job)} it waits on failed")


def cancel(studio: Studio, user_id: UUID, rows: Sequence[dict], reason: str) -> int:
    """Cancel unfinished jobs: their rows say why; their RQ jobs are removed (a running one finishes its call and
    finds its row cancelled); the jobs waiting on them are cancelled in turn. Returns how many were cancelled."""
    from rq.exceptions import InvalidJobOperation, NoSuchJobError
    from rq.job import Job

    with studio.db.as_user(user_id) as conn:
        cancelled = job_rows.mark_cancelled(conn, [r["id"] for r in rows], reason)
        release_holds(conn, cancelled)
    for row in cancelled:
        try:
            Job.fetch(row["rq_job_id"], connection=studio.redis).cancel()
        except (NoSuchJobError, InvalidJobOperation, TypeError, ValueError):
            pass  # already gone, or running: it reads its cancelled row when it tries to finish
        release_dependents(studio, user_id, row["id"], f"the {_what(row)} it waits on was not made")
    return len(cancelled)


def release_holds(conn, rows: Sequence[dict]) -> None:
    """The price a job held for its work before it ran (a render's hold), released: nothing is charged for work
    not done. A job that already turned its hold into its charge finds it released already."""
    for row in rows:
        hold = (row.get("payload") or {}).get("hold")
        if hold:
            release(conn, hold)


def _what(row: dict) -> str:
    """A job as a creator names it: "frame", "clip", "frame lock"."""
    return {"farm_clip": "clip", "frames_lock": "frame lock"}.get(row["kind"], row["kind"].replace("_", " "))


def release_dependents(studio: Studio, user_id: UUID, job_id: UUID, why: str) -> None:
    """A job ended without succeeding: the jobs waiting on it are cancelled with `why` (RQ would keep them waiting
    forever), except those that go on without it, which are queued once nothing else holds them back."""
    with studio.db.as_user(user_id) as conn:
        waiting = job_rows.dependents(conn, job_id)
    blocked = [w for w in waiting if w["kind"] not in ACCEPTS_FAILED_DEPENDENCIES]
    if blocked:
        cancel(studio, user_id, blocked, f"Not made: {why}.")
    wake(studio, user_id, job_id)


def wake(studio: Studio, user_id: UUID, job_id: UUID) -> None:
    """A job ended: the jobs that go on whatever their dependencies became, and waited off the queue, go on it once
    nothing they wait on is unfinished."""
    with studio.db.as_user(user_id) as conn:
        waiting = [w for w in job_rows.dependents(conn, job_id) if w["kind"] in ACCEPTS_FAILED_DEPENDENCIES]
        ready = [w for w in waiting
                 if not [d for d in job_rows.get_jobs(conn, w["depends_on"]) if d["status"] in UNFINISHED]]
    for row in ready:
        submit(studio, row, attempt=f"-go{row['attempts']}")


def job(studio: Studio, user_id: UUID, job_id: UUID) -> dict | None:
    with studio.db.as_user(user_id) as conn:
        return job_rows.get_job(conn, job_id)


@handler("worker_check")
def _worker_check(studio: Studio, user_id: UUID, job: dict) -> dict:
    """Prove a worker can act as the user: read the project through row-level security."""
    with studio.db.as_user(user_id) as conn:
        project = project_rows.get_project(conn, job["project_id"])
    if project is None:
        raise NotFound("the worker could not see this project as its owner")
    return {"worker_host": socket.gethostname(), "worker_pid": os.getpid(), "project_title": project["title"]}


from core.runtime.recovery import recover_abandoned, resume_dependents  # noqa: E402,F401  (workers call them here)
