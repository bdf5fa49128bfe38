"""Renders (sql/019): a confirmed render of a scene or of the film, whose jobs name it."""

from __future__ import annotations

from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb


def insert_render(conn: psycopg.Connection, ref, scope: str, scene_ids: list[UUID], quote: dict) -> dict:
    return conn.execute(
        """INSERT INTO renders (project_id, branch_id, scope, scene_ids, quote) VALUES (%s, %s, %s, %s, %s)
        RETURNING *""", [ref.project_id, ref.branch_id, scope, scene_ids, Jsonb(quote)]).fetchone()


def get_render(conn: psycopg.Connection, render_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM renders WHERE id = %s", [render_id]).fetchone()


def branch_renders(conn: psycopg.Connection, branch_id: UUID, limit: int = 5) -> list[dict]:
    return conn.execute("SELECT * FROM renders WHERE branch_id = %s ORDER BY created_at DESC LIMIT %s",
                        [branch_id, limit]).fetchall()


def set_status(conn: psycopg.Connection, render_id: UUID, status: str) -> None:
    conn.execute("UPDATE renders SET status = %s, finished_at = CASE WHEN %s = 'running' THEN NULL ELSE now() END "
                 "WHERE id = %s", [status, status, render_id])
