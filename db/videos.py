"""Clips (Stage 12): a `videos` row per render of a shot, queued -> rendering -> complete | failed. An iterated clip
supersedes the shot's clip before it once it completes (kept as history)."""

from __future__ import annotations

from uuid import UUID

import psycopg

_LIVE = "v.superseded_at IS NULL AND v.invalidated_at IS NULL"


def insert_clip(conn: psycopg.Connection, clip: dict) -> dict:
    """A clip queued for a shot (its version one more than the shot's clips before it)."""
    return conn.execute(
        """INSERT INTO videos (shot_id, start_frame_id, end_frame_id, video_prompt, status, provider, model, seconds,
                               seed, guidance, ledger_key, job_id, version)
           VALUES (%(shot_id)s, %(start_frame_id)s, %(end_frame_id)s, %(video_prompt)s, 'queued', %(provider)s,
                   %(model)s, %(seconds)s, %(seed)s, %(guidance)s, %(ledger_key)s, %(job_id)s,
                   (SELECT coalesce(max(version), 0) + 1 FROM videos WHERE shot_id = %(shot_id)s))
        RETURNING *""", {"job_id": None, **clip}).fetchone()


def get_clip(conn: psycopg.Connection, clip_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM videos WHERE id = %s", [clip_id]).fetchone()


def shot_clips(conn: psycopg.Connection, scene_id: UUID) -> list[dict]:
    """The live clips of the scene's live shots, newest first per shot."""
    return conn.execute(
        f"""SELECT v.*, sh.shot_id AS shot_label FROM videos v JOIN shots sh ON sh.id = v.shot_id
             WHERE sh.scene_id = %s AND sh.superseded_at IS NULL AND {_LIVE}
             ORDER BY sh.shot_order, v.created_at DESC""", [scene_id]).fetchall()


def branch_clips(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    """The live clips of every live shot of the branch's live scenes, newest first per shot."""
    return conn.execute(
        f"""SELECT v.* FROM videos v JOIN shots sh ON sh.id = v.shot_id JOIN scenes sc ON sc.id = sh.scene_id
             WHERE sc.branch_id = %s AND sc.superseded_at IS NULL AND sh.superseded_at IS NULL AND {_LIVE}
             ORDER BY v.shot_id, v.created_at DESC""", [branch_id]).fetchall()


def set_state(conn: psycopg.Connection, clip_id: UUID, status: str, *, error: str | None = None) -> dict | None:
    return conn.execute(
        "UPDATE videos SET status = %s, error_message = %s WHERE id = %s RETURNING *", [status, error, clip_id]
    ).fetchone()


def set_operation(conn: psycopg.Connection, clip_id: UUID, name: str, used_end_frame: bool) -> None:
    """The provider accepted the clip: its operation's name, so a replacement worker resumes polling it."""
    conn.execute("UPDATE videos SET operation_name = %s, used_end_frame = %s, status = 'rendering' WHERE id = %s",
                 [name, used_end_frame, clip_id])


def complete(conn: psycopg.Connection, clip_id: UUID, media_key: str, credits, used_end_frame: bool) -> dict:
    """The clip rendered: its media, cost, and the shot's clips before it superseded."""
    row = conn.execute(
        """UPDATE videos SET status = 'complete', video_url = %s, cost_credits = %s, used_end_frame = %s,
                             completed_at = now(), error_message = NULL
            WHERE id = %s RETURNING *""", [media_key, credits, used_end_frame, clip_id]).fetchone()
    conn.execute("UPDATE videos SET superseded_at = now() WHERE shot_id = %s AND id <> %s AND superseded_at IS NULL "
                 "AND created_at < %s", [row["shot_id"], clip_id, row["created_at"]])
    return row


def set_approved(conn: psycopg.Connection, clip_id: UUID, approved: bool) -> dict | None:
    return conn.execute(
        f"UPDATE videos v SET approved = %s WHERE id = %s AND v.status = 'complete' AND {_LIVE} RETURNING *",
        [approved, clip_id]).fetchone()


def forget_operation(conn: psycopg.Connection, clip_id: UUID) -> None:
    """The provider's operation ended without a clip: a retry submits a new one."""
    conn.execute("UPDATE videos SET operation_name = NULL WHERE id = %s", [clip_id])


def job_clip(conn: psycopg.Connection, job_id: UUID) -> dict | None:
    """The clip a render's job made (a job delivered again takes up its own clip)."""
    return conn.execute("SELECT * FROM videos WHERE job_id = %s ORDER BY created_at DESC LIMIT 1", [job_id]).fetchone()
