"""Assemblies of the film (`film_cuts`, sql/017): the parts each was made of, its media and length."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb


def insert_cut(conn: psycopg.Connection, branch_id: UUID, parts: list[dict], missing: list[int], dissolve: Decimal,
               target_seconds: int | None) -> dict:
    return conn.execute(
        """INSERT INTO film_cuts (branch_id, parts, missing_scenes, dissolve, target_seconds)
           VALUES (%s, %s, %s, %s, %s) RETURNING *""",
        [branch_id, Jsonb(parts), missing, dissolve, target_seconds]).fetchone()


def get_cut(conn: psycopg.Connection, cut_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM film_cuts WHERE id = %s", [cut_id]).fetchone()


def latest(conn: psycopg.Connection, branch_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM film_cuts WHERE branch_id = %s ORDER BY created_at DESC LIMIT 1",
                        [branch_id]).fetchone()


def latest_complete(conn: psycopg.Connection, branch_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM film_cuts WHERE branch_id = %s AND status = 'complete' "
                        "ORDER BY created_at DESC LIMIT 1", [branch_id]).fetchone()


def set_state(conn: psycopg.Connection, cut_id: UUID, status: str, *, error: str | None = None) -> None:
    conn.execute("UPDATE film_cuts SET status = %s, error = %s WHERE id = %s", [status, error, cut_id])


def complete(conn: psycopg.Connection, cut_id: UUID, media_key: str, seconds: float) -> None:
    conn.execute("""UPDATE film_cuts SET status = 'complete', media_key = %s, seconds = %s, completed_at = now(),
                           error = NULL WHERE id = %s""", [media_key, Decimal(str(round(seconds, 3))), cut_id])
