"""Scenes of a branch, written from the locked master script: versioned, never deleted (sql/011).

The live scenes (`superseded_at IS NULL`) are the branch's current work, one per scene number. A new
scene version supersedes them; superseded scenes keep their shots, frames, clips, asset instances and
ledger rows, and are read only as history.
"""

from __future__ import annotations

from uuid import UUID

import psycopg

from db.ledger import LedgerStatus


def write_scene_version(conn: psycopg.Connection, branch_id: UUID, scenes: list[dict], stage_state_id: UUID) -> int:
    """The script's scenes (number, slug, excerpt) become the branch's live scenes; returns how many are live.

    Written from the locked Stage 5 version `stage_state_id`: the live scenes before them are superseded,
    never deleted. Live scenes already written from that version are kept as they are (a repeated lock).
    """
    live = branch_scenes(conn, branch_id)
    if live and all(row["written_from_stage_id"] == stage_state_id for row in live):
        return len(live)
    version = _supersede_live(conn, branch_id)
    with conn.cursor() as cur:
        cur.executemany(
            """INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, version, written_from_stage_id)
               VALUES (%s, %s, %s, %s, %s, %s)""",
            [(branch_id, s["number"], s["slug"], s["excerpt"] or "", version, stage_state_id) for s in scenes],
        )
    return len(scenes)


def _supersede_live(conn: psycopg.Connection, branch_id: UUID) -> int:
    """Mark the branch's live scenes superseded; the number of the scene version to write next."""
    conn.execute("UPDATE scenes SET superseded_at = now() WHERE branch_id = %s AND superseded_at IS NULL", [branch_id])
    row = conn.execute("SELECT coalesce(max(version), 0) + 1 AS next FROM scenes WHERE branch_id = %s",
                       [branch_id]).fetchone()
    return row["next"]


def branch_scenes(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    """The branch's live scenes in film order."""
    return conn.execute(
        "SELECT * FROM scenes WHERE branch_id = %s AND superseded_at IS NULL ORDER BY scene_number", [branch_id]
    ).fetchall()


def scene_history(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    """Every scene version of the branch, newest version first, with what was made for it and spent on it."""
    return conn.execute(
        """SELECT sc.id, sc.version, sc.scene_number, sc.slug, sc.status, sc.created_at, sc.superseded_at,
                  sc.superseded_at IS NULL AS live,
                  (SELECT count(*) FROM shots sh WHERE sh.scene_id = sc.id) AS shots,
                  (SELECT count(*) FROM frames f JOIN shots sh ON sh.id = f.shot_id WHERE sh.scene_id = sc.id) AS frames,
                  (SELECT count(*) FROM videos v JOIN shots sh ON sh.id = v.shot_id WHERE sh.scene_id = sc.id) AS clips,
                  (SELECT count(*) FROM scene_asset_instances i WHERE i.scene_id = sc.id) AS asset_instances,
                  (SELECT coalesce(sum(l.credits) FILTER (WHERE l.status = %(settled)s), 0)
                     FROM cost_ledger l WHERE l.scene_id = sc.id) AS spend_credits
             FROM scenes sc
            WHERE sc.branch_id = %(branch)s
            ORDER BY sc.version DESC, sc.scene_number""",
        {"branch": branch_id, "settled": LedgerStatus.SETTLED},
    ).fetchall()


def live_scene(conn: psycopg.Connection, branch_id: UUID, scene_id: UUID) -> dict | None:
    """One live scene of the branch (None if it is history, another branch's, or not the user's)."""
    return conn.execute("SELECT * FROM scenes WHERE id = %s AND branch_id = %s AND superseded_at IS NULL",
                        [scene_id, branch_id]).fetchone()


def get_scene(conn: psycopg.Connection, scene_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM scenes WHERE id = %s", [scene_id]).fetchone()


def set_status(conn: psycopg.Connection, scene_id: UUID, status: str) -> None:
    conn.execute("UPDATE scenes SET status = %s WHERE id = %s AND status <> %s", [status, scene_id, status])


def set_end_state(conn: psycopg.Connection, scene_id: UUID, summary: str | None, end_frame_id: UUID | None) -> None:
    conn.execute("UPDATE scenes SET end_state_summary = %s, end_frame_id = %s WHERE id = %s",
                 [summary, end_frame_id, scene_id])
