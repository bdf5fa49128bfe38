"""Nothing stuck: the database mirror puts back on the queue every job RQ lost, in dependency order.

    heartbeat(studio, worker_name)   a worker says it is alive (every few seconds, from a thread)
    reap(studio)                     a running job whose worker stopped beating (killed, its machine gone) is queued
                                     again within seconds, not after RQ's job timeout
    recover_abandoned(studio)        every unfinished job whose RQ job is gone or dead (a Redis restarted empty, a
                                     killed worker) is queued again, after the dependencies it still waits on
    enqueue_ready(queue)             jobs RQ found ready (their dependencies done) but left off the queue are put on it

Holds in the ledger are keyed by the work, not the attempt, so a recovered job settles the same reservation and is
never charged twice; a Veo render resumes by its operation's name.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from uuid import UUID

from core.runtime.studio import Studio
from db import jobs as job_rows
from db.jobs import UNFINISHED, JobStatus

ALIVE_KEY = "aiuteur:worker-alive:{name}"
BEAT_SECONDS = 2
ALIVE_SECONDS = 6  # a worker silent this long is dead
_LOST = {"failed", "stopped", "canceled"}


def heartbeat(studio: Studio, worker_name: str) -> None:
    studio.redis.set(ALIVE_KEY.format(name=worker_name), str(time.time()), ex=ALIVE_SECONDS)


def alive(studio: Studio, worker_name: str | None) -> bool:
    return bool(worker_name) and bool(studio.redis.exists(ALIVE_KEY.format(name=worker_name)))


def reap(studio: Studio, *, grace: float = ALIVE_SECONDS) -> list[UUID]:
    """Queue again each running job whose worker is no longer alive (its rate-limit slot freed)."""
    with studio.db.as_service() as conn:
        running = [r for r in job_rows.unfinished_jobs(conn) if r["status"] == JobStatus.RUNNING]
    dead = [r for r in running if not alive(studio, r["worker_name"])
            and (r["started_at"] is None or time.time() - r["started_at"].timestamp() > grace)]
    for row in dead:
        _free_slot(studio, row["rq_job_id"])
    return requeue(studio, dead)


def recover_abandoned(studio: Studio) -> list[UUID]:
    """Queue again every unfinished job whose RQ job is gone or dead (a killed worker, a Redis that lost its data)."""
    with studio.db.as_service() as conn:
        candidates = job_rows.unfinished_jobs(conn)
    open_ids = {row["id"] for row in candidates}
    lost = [row for row in candidates if not _on_queue(studio, row) and not _waits_off_queue(row, open_ids)]
    return requeue(studio, lost)


def _waits_off_queue(row: dict, unfinished: set) -> bool:
    """A job that goes on whatever its dependencies became waits off the queue while any is unfinished."""
    from core.runtime.jobs import ACCEPTS_FAILED_DEPENDENCIES

    return row["kind"] in ACCEPTS_FAILED_DEPENDENCIES and bool(set(row["depends_on"] or ()) & unfinished)


def requeue(studio: Studio, rows: Sequence[dict]) -> list[UUID]:
    """Put jobs back on RQ in dependency order, each after the dependencies it still waits on."""
    from core.runtime.jobs import submit

    requeued = []
    for row in _in_dependency_order(rows):
        with studio.db.as_service() as conn:
            fresh = job_rows.get_job(conn, row["id"])
            after = job_rows.get_jobs(conn, fresh["depends_on"]) if fresh["depends_on"] else []
        if fresh["status"] not in UNFINISHED:
            continue
        submit(studio, fresh, after, attempt=f"-r{fresh['attempts']}-{int(time.time() * 1000) % 100000}")
        requeued.append(fresh["id"])
    return requeued


def enqueue_ready(queue, *, tries: int = 5) -> int:
    """Put on the queue the jobs RQ marked ready but didn't queue; returns how many. RQ 3 queues a finished job's
    dependents optimistically and skips one whenever another worker touches the ready registry at the same moment,
    leaving it for the worker's maintenance pass, every 10 minutes: a farm of several workers stalled on it."""
    registry = queue.ready_job_registry
    moved = 0
    for _ in range(tries):
        if not queue.connection.zcard(registry.key):
            break
        moved += len(registry.cleanup())
    return moved


def _in_dependency_order(rows: Sequence[dict]) -> list[dict]:
    """Rows sorted so each comes after the rows it depends on (among these)."""
    pending = {row["id"]: row for row in rows}
    ordered: list[dict] = []
    while pending:
        ready = [r for r in pending.values() if not set(r.get("depends_on") or ()) & pending.keys()]
        for row in ready or list(pending.values()):  # a cycle can't be made, but never loop forever
            ordered.append(pending.pop(row["id"]))
    return ordered


def _on_queue(studio: Studio, row: dict) -> bool:
    """Whether RQ still holds the job alive (queued, waiting, started, or held back by a rate limit)."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        status = Job.fetch(row["rq_job_id"], connection=studio.redis).get_status(refresh=True)
    except (NoSuchJobError, TypeError, ValueError):
        return False
    return status is not None and str(getattr(status, "value", status)) not in _LOST


def _free_slot(studio: Studio, rq_job_id: str | None) -> None:
    """A dead worker's job leaves its rate-limit slot taken: give it back."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job
    from rq.rate_limit import release_slot

    try:
        job = Job.fetch(rq_job_id, connection=studio.redis)
        if job.has_rate_limit:
            release_slot(job)
    except (NoSuchJobError, TypeError, ValueError):
        pass


def resume_dependents(studio: Studio, user_id, job: dict) -> list[UUID]:
    """A job that was queued again (a dead worker's, a lost one's) has a new RQ id: the jobs RQ holds back waiting
    on its old one would wait forever. Once it succeeds, those whose dependencies have all succeeded go on the queue."""
    from core.runtime.jobs import ACCEPTS_FAILED_DEPENDENCIES, submit

    with studio.db.as_user(user_id) as conn:
        waiting = [w for w in job_rows.dependents(conn, job["id"]) if w["kind"] not in ACCEPTS_FAILED_DEPENDENCIES]
        ready = [w for w in waiting
                 if all(d["status"] == JobStatus.SUCCEEDED for d in job_rows.get_jobs(conn, w["depends_on"]))]
    resumed = []
    for row in ready:
        if _waits_on_another(studio, row, job["rq_job_id"]):
            _forget(studio, row["rq_job_id"])
            submit(studio, row, attempt=f"-after{int(time.time() * 1000) % 100000}")
            resumed.append(row["id"])
    return resumed


def _waits_on_another(studio: Studio, row: dict, rq_job_id: str | None) -> bool:
    """Whether RQ holds the job back on an RQ job other than `rq_job_id` (or doesn't hold it at all)."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        held = Job.fetch(row["rq_job_id"], connection=studio.redis)
    except (NoSuchJobError, TypeError, ValueError):
        return True
    status = str(getattr(held.get_status(refresh=True), "value", ""))
    return status == "deferred" and rq_job_id not in set(held._dependency_ids or ())


def _forget(studio: Studio, rq_job_id: str | None) -> None:
    from rq.exceptions import InvalidJobOperation, NoSuchJobError
    from rq.job import Job

    try:
        Job.fetch(rq_job_id, connection=studio.redis).cancel()
    except (NoSuchJobError, InvalidJobOperation, TypeError, ValueError):
        pass
