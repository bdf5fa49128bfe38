"""Scenes of a branch, written from the locked master script."""

from __future__ import annotations

from uuid import UUID

import psycopg


def replace_branch_scenes(conn: psycopg.Connection, branch_id: UUID, scenes: list[dict]) -> int:
    """The branch's scenes become the script's (number, slug, excerpt); returns how many."""
    conn.execute("DELETE FROM scenes WHERE branch_id = %s", [branch_id])
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt) VALUES (%s, %s, %s, %s)",
            [(branch_id, s["number"], s["slug"], s["excerpt"] or "") for s in scenes],
        )
    return len(scenes)


def branch_scenes(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    return conn.execute("SELECT * FROM scenes WHERE branch_id = %s ORDER BY scene_number", [branch_id]).fetchall()
