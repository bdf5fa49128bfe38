"""Anchor frames (Stage 10): a start frame per shot and an end frame where the shot requires one. A frame row
exists once its image is rendered; a regenerated frame supersedes the one before (kept as history)."""

from __future__ import annotations

from uuid import UUID

import psycopg

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
