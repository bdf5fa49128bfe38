"""The farm panel: what is rendering on a branch — jobs by state per scene, the workers alive and what each runs,
throughput, and an ETA from how long such jobs took here. Shown on the hub and Stage 12; `python -m core farm`
prints the same."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from uuid import UUID

from core.runtime.studio import Studio, workers_alive
from db import farm as farm_rows
from db import renders as render_rows
from db.jobs import UNFINISHED, JobStatus

KIND_WORDS = {"frame": "frame", "frames_lock": "frame lock", "farm_clip": "clip", "clip": "clip", "film": "film",
              "instance_image": "look", "asset_image": "reference image"}
WINDOW = timedelta(minutes=10)  # throughput is measured over the last ten minutes


@dataclass(frozen=True)
class WorkerLine:
    name: str
    state: str  # "busy" | "idle"
    doing: str  # "frame 3B start", "" when idle


@dataclass(frozen=True)
class FarmView:
    scenes: dict[int, dict[str, int]]  # scene number -> {state: jobs}
    totals: dict[str, int]
    workers: tuple[WorkerLine, ...]
    per_minute: float  # jobs finished a minute, lately
    eta_seconds: float | None  # None: nothing left, or nothing measured yet
    renders: tuple[dict, ...] = field(default=())

    @property
    def remaining(self) -> int:
        return sum(self.totals.get(s, 0) for s in UNFINISHED)

    def as_json(self) -> dict:
        return {"scenes": {str(k): v for k, v in self.scenes.items()}, "totals": self.totals,
                "workers": [w.__dict__ for w in self.workers], "per_minute": round(self.per_minute, 2),
                "eta_seconds": None if self.eta_seconds is None else round(self.eta_seconds, 1),
                "remaining": self.remaining,
                "renders": [{"id": str(r["id"]), "scope": r["scope"], "status": r["status"],
                             "created_at": r["created_at"].isoformat()} for r in self.renders]}


def farm_view(studio: Studio, user_id: UUID, branch_id: UUID) -> FarmView:
    """The branch's rendering as it stands (three queries and a look at the workers)."""
    with studio.db.as_user(user_id) as conn:
        rows = farm_rows.branch_jobs(conn, branch_id)
        renders = render_rows.branch_renders(conn, branch_id)
    scenes: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        scenes[row["scene_number"] or 0][row["status"]] += 1
    totals = Counter(row["status"] for row in rows)
    workers = _workers(studio, rows)
    now = datetime.now(timezone.utc)
    recent = [r for r in rows if r["status"] == JobStatus.SUCCEEDED and r["finished_at"] and now - r["finished_at"]
              <= WINDOW]
    return FarmView({n: dict(c) for n, c in sorted(scenes.items())}, dict(totals), workers,
                    len(recent) / (WINDOW.total_seconds() / 60), _eta(rows, max(1, len(workers))), tuple(renders))


def _workers(studio: Studio, rows: list[dict]) -> tuple[WorkerLine, ...]:
    running = {r["rq_job_id"]: r for r in rows if r["status"] == JobStatus.RUNNING}
    lines = []
    for worker in workers_alive(studio):
        current = worker.get_current_job_id()
        job = running.get(current) if current else None
        doing = _label(job) if job else ("another film's job" if current else "")
        lines.append(WorkerLine(worker.name, "busy" if current else "idle", doing))
    return tuple(lines)


def _label(job: dict) -> str:
    what = KIND_WORDS.get(job["kind"], job["kind"])
    detail = " ".join(str(x) for x in (job.get("shot_label"), (job.get("payload") or {}).get("frame_type")) if x)
    return f"{what} {detail}".strip()


def _eta(rows: list[dict], workers: int) -> float | None:
    """Seconds to finish what is left: each kind's measured mean duration, shared over the workers. None until every
    kind still left has finished once here (a clip takes far longer than a frame: guessing from one is worse than
    saying nothing)."""
    took: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if row["status"] == JobStatus.SUCCEEDED and row["started_at"] and row["finished_at"]:
            took[row["kind"]].append((row["finished_at"] - row["started_at"]).total_seconds())
    left = Counter(row["kind"] for row in rows if row["status"] in UNFINISHED)
    if not left or any(kind not in took for kind in left):
        return None
    return sum(count * sum(took[kind]) / len(took[kind]) for kind, count in left.items()) / workers


def time_left(seconds: float | None) -> str:
    """The ETA as a creator reads it: '' when unknown, else a rounded figure."""
    if seconds is None:
        return ""
    if seconds < 60:
        return "under a minute left"
    return f"about {round(seconds / 60)} min left"
