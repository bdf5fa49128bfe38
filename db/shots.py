"""A scene's shots (Stage 7) and their prompts (Stage 9). A new shot list is written as the scene's next
`list_version`: the live shots before it are superseded, never deleted, so their frames and clips stay history."""

from __future__ import annotations

from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

_SHOT_COLUMNS = ("shot_id", "shot_order", "duration", "dialogue", "action", "characters", "setting", "camera_spec",
                 "continuity_flags", "props", "manually_edited")


def write_shot_list(conn: psycopg.Connection, scene_id: UUID, shots: list[dict]) -> list[dict]:
    """The scene's shots (dicts of `_SHOT_COLUMNS`) as its new live shot list; returns the rows in order."""
    conn.execute("UPDATE shots SET superseded_at = now() WHERE scene_id = %s AND superseded_at IS NULL", [scene_id])
    version = conn.execute("SELECT coalesce(max(list_version), 0) + 1 AS next FROM shots WHERE scene_id = %s",
                           [scene_id]).fetchone()["next"]
    names = ", ".join(("scene_id", "list_version", *_SHOT_COLUMNS))
    marks = ", ".join(["%s"] * (len(_SHOT_COLUMNS) + 2))
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO shots ({names}) VALUES ({marks})",
                        [(scene_id, version, *(_value(shot, name) for name in _SHOT_COLUMNS)) for shot in shots])
    return live_shots(conn, scene_id)


def _value(shot: dict, name: str) -> object:
    value = shot[name]
    return Jsonb(value) if name == "characters" else value


def live_shots(conn: psycopg.Connection, scene_id: UUID) -> list[dict]:
    """The scene's live shots in order."""
    return conn.execute("SELECT * FROM shots WHERE scene_id = %s AND superseded_at IS NULL ORDER BY shot_order",
                        [scene_id]).fetchall()


def get_shot(conn: psycopg.Connection, shot_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM shots WHERE id = %s", [shot_id]).fetchone()


def set_prompts(conn: psycopg.Connection, scene_id: UUID, prompts: list[dict]) -> int:
    """Each live shot's frame and video prompts, `requires_end_frame`, references and flags (keyed by shot id)."""
    with conn.cursor() as cur:
        cur.executemany(
            """UPDATE shots SET frame_prompt = %(frame_prompt)s, video_prompt = %(video_prompt)s,
                      requires_end_frame = %(requires_end_frame)s, reference_assets = %(references)s,
                      prompts_edited = %(manually_edited)s, end_frame_note = %(end_frame_note)s
                WHERE scene_id = %(scene)s AND shot_id = %(shot_id)s AND superseded_at IS NULL""",
            [{**p, "scene": scene_id, "references": Jsonb(p["references"])} for p in prompts])
        return cur.rowcount


def clear_prompts(conn: psycopg.Connection, scene_id: UUID) -> None:
    """The scene's live shots without prompts (their prompts are being made again)."""
    conn.execute("""UPDATE shots SET frame_prompt = NULL, video_prompt = NULL, reference_assets = '[]'::jsonb,
                           prompts_edited = false, end_frame_note = NULL
                     WHERE scene_id = %s AND superseded_at IS NULL""", [scene_id])


def branch_shots(conn: psycopg.Connection, branch_id: UUID, scene_id: UUID | None = None) -> list[dict]:
    """The live shots of the branch's live scenes (or of one), in film order, each with its scene's number."""
    return conn.execute(
        """SELECT sc.scene_number, sh.* FROM shots sh JOIN scenes sc ON sc.id = sh.scene_id
            WHERE sc.branch_id = %s AND sc.superseded_at IS NULL AND sh.superseded_at IS NULL
              AND (%s::uuid IS NULL OR sc.id = %s::uuid)
            ORDER BY sc.scene_number, sh.shot_order""", [branch_id, scene_id, scene_id]).fetchall()


def set_end_frame_note(conn: psycopg.Connection, shot_id: UUID, note: str) -> None:
    """Why the shot's clip has no end frame (the model wouldn't take it)."""
    conn.execute("UPDATE shots SET end_frame_note = %s WHERE id = %s", [note, shot_id])
