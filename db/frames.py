"""Anchor frames (Stage 10): a start frame per shot and an end frame where the shot requires one. A frame row
exists once its image is rendered; a regenerated frame supersedes the one before (kept as history)."""

from __future__ import annotations

from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

_LIVE = "f.superseded_at IS NULL AND f.invalidated_at IS NULL"


def last_frame(conn: psycopg.Connection, scene_id: UUID) -> dict | None:
    """The scene's last live frame in film order (the last shot's end frame, else its start frame)."""
    return conn.execute(
        f"""SELECT f.* FROM frames f JOIN shots sh ON sh.id = f.shot_id
             WHERE sh.scene_id = %s AND sh.superseded_at IS NULL AND {_LIVE}
             ORDER BY sh.shot_order DESC, (f.frame_type = 'end') DESC, f.created_at DESC LIMIT 1""",
        [scene_id]).fetchone()


def scene_frames(conn: psycopg.Connection, scene_id: UUID) -> list[dict]:
    """The live frames of the scene's live shots, in film order, each with its shot's id label."""
    return conn.execute(
        f"""SELECT f.*, sh.shot_id AS shot_label, sh.shot_order FROM frames f JOIN shots sh ON sh.id = f.shot_id
             WHERE sh.scene_id = %s AND sh.superseded_at IS NULL AND {_LIVE}
             ORDER BY sh.shot_order, (f.frame_type = 'end'), f.created_at""",
        [scene_id]).fetchall()


def live_frame(conn: psycopg.Connection, shot_id: UUID, frame_type: str) -> dict | None:
    return conn.execute(
        f"""SELECT f.* FROM frames f WHERE f.shot_id = %s AND f.frame_type = %s AND {_LIVE}
             ORDER BY f.created_at DESC LIMIT 1""", [shot_id, frame_type]).fetchone()


def branch_start_frames(conn: psycopg.Connection, branch_id: UUID) -> dict[UUID, dict]:
    """The newest live start frame of every live shot of the branch's live scenes, by shot id."""
    rows = conn.execute(
        f"""SELECT DISTINCT ON (f.shot_id) f.* FROM frames f JOIN shots sh ON sh.id = f.shot_id
              JOIN scenes sc ON sc.id = sh.scene_id
             WHERE sc.branch_id = %s AND sc.superseded_at IS NULL AND sh.superseded_at IS NULL
               AND f.frame_type = 'start' AND {_LIVE}
             ORDER BY f.shot_id, f.created_at DESC""", [branch_id]).fetchall()
    return {row["shot_id"]: row for row in rows}


def insert_frame(conn: psycopg.Connection, frame: dict) -> dict:
    """A newly rendered frame; the shot's live frame of that type before it is superseded (kept as history)."""
    previous = conn.execute(
        """UPDATE frames SET superseded_at = now()
            WHERE shot_id = %(shot_id)s AND frame_type = %(frame_type)s AND superseded_at IS NULL
        RETURNING regeneration_count""", frame).fetchall()
    count = max((r["regeneration_count"] for r in previous), default=-1) + 1
    return conn.execute(
        """INSERT INTO frames (shot_id, frame_type, prompt, prior_frame_id, image_url, regeneration_count, cost_credits,
                               provider, model, seed, guidance, reference_keys, job_id)
           VALUES (%(shot_id)s, %(frame_type)s, %(prompt)s, %(prior_frame_id)s, %(image_url)s, %(count)s,
                   %(cost_credits)s, %(provider)s, %(model)s, %(seed)s, %(guidance)s, %(reference_keys)s, %(job_id)s)
        RETURNING *""", {**frame, "count": count, "reference_keys": Jsonb(frame["reference_keys"])}).fetchone()


def set_approved(conn: psycopg.Connection, frame_id: UUID, approved: bool) -> dict | None:
    return conn.execute(f"UPDATE frames f SET approved = %s WHERE id = %s AND {_LIVE} RETURNING *",
                        [approved, frame_id]).fetchone()


def get_frame(conn: psycopg.Connection, frame_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM frames WHERE id = %s", [frame_id]).fetchone()
