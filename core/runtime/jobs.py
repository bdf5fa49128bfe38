"""Generation jobs: a `generation_jobs` row per unit of slow work, run by an RQ worker as its user.

The row is the truth a page shows (queued -> running -> succeeded | failed, with the error); RQ only
carries the job id. Handlers are registered by kind and receive the studio, the user and the row.
A succeeded job is never run again: delivering it again returns its stored result.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from uuid import UUID

from core.errors import AiuteurError, NotFound
from core.pipeline import job_handler, job_kinds
from core.runtime.studio import Studio
from db import jobs as job_rows
from db import projects as project_rows
from db.jobs import JobStatus  # noqa: F401  (re-exported: the statuses pages and workers compare with)

Handler = Callable[[Studio, UUID, dict], dict]
HANDLERS: dict[str, Handler] = {}
RQ_FUNCTION = "workers.jobs.run_generation_job"
DEFAULT_TIMEOUT = 600
JOB_TIMEOUTS = {"clip": 1800, "film": 3600}  # a Veo render polls for up to 15 minutes; a film re-encodes every clip


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register a studio-internal job kind (a stage's own jobs are declared in its registry spec)."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def record(studio: Studio, user_id: UUID, project_id: UUID, kind: str, **fields: object) -> dict:
    """Record a job without queueing it, for a caller that runs it itself (the headless CLI)."""
    if kind not in HANDLERS and kind not in job_kinds():
        raise ValueError(f"no handler for job kind {kind!r}")
    with studio.db.as_user(user_id) as conn:
        return job_rows.insert_job(conn, project_id, kind, **fields)


def enqueue(
    studio: Studio,
    user_id: UUID,
    project_id: UUID,
    kind: str,
    *,
    branch_id: UUID | None = None,
    target_id: UUID | None = None,
    payload: dict | None = None,
    depends_on: list[str] | None = None,
) -> dict:
    """Record the job, then put it on the queue (after the RQ jobs it `depends_on`); returns the row."""
    row = record(studio, user_id, project_id, kind, branch_id=branch_id, target_id=target_id, payload=payload)
    rq_job = studio.queue.enqueue(
        RQ_FUNCTION, str(row["id"]), str(user_id), job_id=f"gen-{row['id']}",
        job_timeout=JOB_TIMEOUTS.get(kind, DEFAULT_TIMEOUT),
        result_ttl=3600, depends_on=depends_on or None,
    )
    with studio.db.as_user(user_id) as conn:
        job_rows.attach_rq_id(conn, row["id"], rq_job.id)
    return {**row, "rq_job_id": rq_job.id}


def recover_abandoned(studio: Studio) -> list[UUID]:
    """Queue again every job the database still calls queued or running whose RQ job is gone or dead
    (a killed worker, a Redis that lost its data). Holds in the ledger are keyed by the work, not
    the attempt, so the retried job settles the same reservation and is never charged twice."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job
    from rq.job import JobStatus as RQStatus

    lost = {RQStatus.FAILED, RQStatus.STOPPED, RQStatus.CANCELED}
    with studio.db.as_service() as conn:
        candidates = job_rows.unfinished_jobs(conn)
    recovered = []
    for row in candidates:
        try:
            alive = Job.fetch(row["rq_job_id"], connection=studio.redis).get_status(refresh=True) not in lost
        except (NoSuchJobError, TypeError, ValueError):
            alive = False
        if not alive:
            _requeue(studio, row)
            recovered.append(row["id"])
    return recovered


def _requeue(studio: Studio, row: dict) -> None:
    rq_job = studio.queue.enqueue(
        RQ_FUNCTION, str(row["id"]), str(row["user_id"]), job_id=f"gen-{row['id']}-r{row['attempts']}",
        job_timeout=JOB_TIMEOUTS.get(row["kind"], DEFAULT_TIMEOUT), result_ttl=3600,
    )
    with studio.db.as_user(row["user_id"]) as conn:
        job_rows.mark_requeued(conn, row["id"], rq_job.id)


def run(studio: Studio, job_id: UUID, user_id: UUID) -> dict:
    """Run one job as its user. Errors end the job `failed` with a message a creator can read.

    A job that already succeeded is not run again (no handler, no provider): its stored result is returned.
    """
    with studio.db.as_user(user_id) as conn:
        job = job_rows.mark_running(conn, job_id)
        done = None if job is not None else job_rows.count_redelivery(conn, job_id)
    if done is not None:
        return {"status": JobStatus.SUCCEEDED, **(done["result"] or {})}
    if job is None:
        with studio.db.as_user(user_id) as conn:
            row = job_rows.get_job(conn, job_id)
        if row is not None and row["status"] == JobStatus.CANCELLED:
            return {"status": JobStatus.CANCELLED, "error": row["error"]}
        raise NotFound(f"job {job_id} is not visible to its user")
    try:
        result = handler_for(job["kind"])(studio, user_id, job)
    except AiuteurError as exc:
        _fail(studio, user_id, job_id, str(exc))
        return {"status": JobStatus.FAILED, "error": str(exc)}
    except Exception as exc:  # a bug, not a creator's problem: keep the reason, let RQ record the trace
        _fail(studio, user_id, job_id, f"internal error: {type(exc).__name__}: {exc}")
        raise
    with studio.db.as_user(user_id) as conn:
        job_rows.mark_finished(conn, job_id, result)
    return {"status": JobStatus.SUCCEEDED, **result}


def handler_for(kind: str) -> Handler:
    """The function that does jobs of `kind`: the stage registry's, or a studio-internal one."""
    return HANDLERS[kind] if kind in HANDLERS else job_handler(kind)


def _fail(studio: Studio, user_id: UUID, job_id: UUID, message: str) -> None:
    with studio.db.as_user(user_id) as conn:
        job_rows.mark_failed(conn, job_id, message)


def cancel(studio: Studio, user_id: UUID, rows: list[dict], reason: str) -> int:
    """Cancel unfinished jobs: their rows say why; queued or waiting RQ jobs are removed (a running one finishes
    its call and finds its row cancelled). Returns how many were cancelled."""
    from rq.exceptions import InvalidJobOperation, NoSuchJobError
    from rq.job import Job

    with studio.db.as_user(user_id) as conn:
        cancelled = job_rows.mark_cancelled(conn, [r["id"] for r in rows], reason)
    for row in cancelled:
        try:
            Job.fetch(row["rq_job_id"], connection=studio.redis).cancel()
        except (NoSuchJobError, InvalidJobOperation, TypeError, ValueError):
            pass  # already gone, or running: it reads its cancelled row when it tries to finish
    return len(cancelled)


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
