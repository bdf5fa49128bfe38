"""`generation_jobs`: the database mirror of work queued on RQ."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb


class JobStatus(StrEnum):
    """A job's life, as `generation_jobs.status` spells it: queued -> running -> succeeded | failed."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


def insert_job(
    conn: psycopg.Connection,
    project_id: UUID,
    kind: str,
    *,
    branch_id: UUID | None = None,
    target_id: UUID | None = None,
    payload: dict | None = None,
    depends_on: list[UUID] | None = None,
    render_id: UUID | None = None,
) -> dict:
    return conn.execute(
        """INSERT INTO generation_jobs (project_id, branch_id, kind, target_id, payload, depends_on, render_id)
           VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING *""",
        [project_id, branch_id, kind, target_id, Jsonb(payload or {}), depends_on or [], render_id],
    ).fetchone()


def attach_rq_id(conn: psycopg.Connection, job_id: UUID, rq_job_id: str) -> None:
    conn.execute("UPDATE generation_jobs SET rq_job_id = %s, updated_at = now() WHERE id = %s", [rq_job_id, job_id])


def get_job(conn: psycopg.Connection, job_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM generation_jobs WHERE id = %s", [job_id]).fetchone()


def mark_running(conn: psycopg.Connection, job_id: UUID, worker_name: str | None = None) -> dict | None:
    """Start an attempt (on `worker_name`); None unless the job is queued: one already running elsewhere, succeeded
    (a succeeded job never runs again) or cancelled is not run by a second delivery."""
    return conn.execute(
        """UPDATE generation_jobs
              SET status = %s, attempts = attempts + 1, started_at = now(), error = NULL, updated_at = now(),
                  worker_name = %s, heartbeat_at = now()
            WHERE id = %s AND status = %s RETURNING *""",
        [JobStatus.RUNNING, worker_name, job_id, JobStatus.QUEUED],
    ).fetchone()


def count_redelivery(conn: psycopg.Connection, job_id: UUID) -> dict | None:
    """A succeeded job delivered again: count the attempt, change nothing else; None if it isn't succeeded."""
    return conn.execute(
        """UPDATE generation_jobs SET attempts = attempts + 1, updated_at = now()
            WHERE id = %s AND status = %s RETURNING *""",
        [job_id, JobStatus.SUCCEEDED],
    ).fetchone()


def mark_finished(conn: psycopg.Connection, job_id: UUID, result: dict) -> bool:
    """The job succeeded with `result`; False when it was cancelled meanwhile (the row keeps saying so)."""
    return conn.execute(
        """UPDATE generation_jobs SET status = %s, result = %s, finished_at = now(), updated_at = now()
            WHERE id = %s AND status <> %s""",
        [JobStatus.SUCCEEDED, Jsonb(result), job_id, JobStatus.CANCELLED],
    ).rowcount == 1


def mark_failed(conn: psycopg.Connection, job_id: UUID, error: str) -> None:
    conn.execute(
        """UPDATE generation_jobs SET status = %s, error = %s, finished_at = now(), updated_at = now()
            WHERE id = %s""",
        [JobStatus.FAILED, error, job_id],
    )


def jobs_for_project(conn: psycopg.Connection, project_id: UUID, kind: str | None = None) -> list[dict]:
    return conn.execute(
        """SELECT * FROM generation_jobs WHERE project_id = %s AND (%s::text IS NULL OR kind = %s)
            ORDER BY created_at DESC""",
        [project_id, kind, kind],
    ).fetchall()


def unfinished_jobs(conn: psycopg.Connection) -> list[dict]:
    """Every job still queued or running, of every user: the worker's recovery sweep runs as the owner."""
    return conn.execute(
        """SELECT id, user_id, kind, status, rq_job_id, attempts, worker_name, started_at, depends_on
             FROM generation_jobs WHERE status = ANY(%s)""",
        [list(UNFINISHED)],
    ).fetchall()


def mark_requeued(conn: psycopg.Connection, job_id: UUID, rq_job_id: str) -> None:
    conn.execute(
        """UPDATE generation_jobs SET status = %s, rq_job_id = %s, error = NULL, updated_at = now()
            WHERE id = %s""",
        [JobStatus.QUEUED, rq_job_id, job_id],
    )


def jobs_for_targets(conn: psycopg.Connection, kind: str, target_ids: list[UUID]) -> list[dict]:
    """The jobs of one kind for these targets (shots, clips), newest first."""
    return conn.execute(
        "SELECT * FROM generation_jobs WHERE kind = %s AND target_id = ANY(%s) ORDER BY created_at DESC",
        [kind, target_ids]).fetchall()


def mark_cancelled(conn: psycopg.Connection, job_ids: list[UUID], reason: str) -> list[dict]:
    """Cancel jobs that haven't finished; returns the rows cancelled."""
    return conn.execute(
        """UPDATE generation_jobs SET status = %s, error = %s, finished_at = now(), updated_at = now()
            WHERE id = ANY(%s) AND status = ANY(%s) RETURNING *""",
        [JobStatus.CANCELLED, reason, job_ids, list(UNFINISHED)]).fetchall()


def get_jobs(conn: psycopg.Connection, job_ids: list[UUID]) -> list[dict]:
    return conn.execute("SELECT * FROM generation_jobs WHERE id = ANY(%s)", [list(job_ids)]).fetchall()


def dependents(conn: psycopg.Connection, job_id: UUID) -> list[dict]:
    """The unfinished jobs waiting on this one."""
    return conn.execute("SELECT * FROM generation_jobs WHERE %s = ANY(depends_on) AND status = ANY(%s)",
                        [job_id, list(UNFINISHED)]).fetchall()


def render_jobs(conn: psycopg.Connection, render_id: UUID) -> list[dict]:
    return conn.execute("SELECT * FROM generation_jobs WHERE render_id = %s ORDER BY created_at", [render_id]).fetchall()


def is_cancelled(conn: psycopg.Connection, job_id: UUID) -> bool:
    row = conn.execute("SELECT status FROM generation_jobs WHERE id = %s", [job_id]).fetchone()
    return row is not None and row["status"] == JobStatus.CANCELLED
