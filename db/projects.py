"""Projects and branches. Every function takes the caller's connection; the caller owns the transaction."""

from __future__ import annotations

from uuid import UUID

import psycopg
from psycopg import sql

_CONFIG_COLUMNS = (
    "title", "target_length_min", "target_length_max", "project_type", "content_rating",
    "genre", "tonal_precision", "input_mode", "budget_credits",
)


def insert_project(conn: psycopg.Connection, columns: dict[str, object]) -> dict:
    names = [name for name in _CONFIG_COLUMNS if name in columns]
    query = sql.SQL("INSERT INTO projects ({}) VALUES ({}) RETURNING *").format(
        sql.SQL(", ").join(map(sql.Identifier, names)),
        sql.SQL(", ").join(sql.Placeholder() * len(names)),
    )
    return conn.execute(query, [columns[name] for name in names]).fetchone()


def update_project_config(conn: psycopg.Connection, project_id: UUID, columns: dict[str, object]) -> dict | None:
    names = [name for name in _CONFIG_COLUMNS if name in columns]
    query = sql.SQL("UPDATE projects SET {}, updated_at = now() WHERE id = %s RETURNING *").format(
        sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(name)) for name in names)
    )
    return conn.execute(query, [*(columns[name] for name in names), project_id]).fetchone()


def insert_branch(
    conn: psycopg.Connection,
    project_id: UUID,
    name: str,
    *,
    is_main: bool = False,
    parent_branch_id: UUID | None = None,
    branched_at_stage: int | None = None,
    commit_message: str | None = None,
) -> dict:
    return conn.execute(
        """INSERT INTO branches (project_id, name, is_main, parent_branch_id, branched_at_stage, commit_message)
           VALUES (%s, %s, %s, %s, %s, %s) RETURNING *""",
        [project_id, name, is_main, parent_branch_id, branched_at_stage, commit_message],
    ).fetchone()


def set_active_branch(conn: psycopg.Connection, project_id: UUID, branch_id: UUID) -> None:
    conn.execute("UPDATE projects SET active_branch_id = %s, updated_at = now() WHERE id = %s", [branch_id, project_id])


def get_project(conn: psycopg.Connection, project_id: UUID) -> dict | None:
    return conn.execute("SELECT * FROM projects WHERE id = %s", [project_id]).fetchone()


def list_projects(conn: psycopg.Connection) -> list[dict]:
    """The signed-in user's projects with the stage their active branch reached and their spend."""
    return conn.execute(
        """SELECT p.id, p.title, p.project_type, p.content_rating, p.input_mode, p.created_at,
                  p.budget_credits, p.active_branch_id,
                  coalesce(reached.stage, 1) AS current_stage,
                  coalesce(spend.credits, 0) AS spend_credits
             FROM projects p
             LEFT JOIN LATERAL (
                  SELECT max(s.stage_number) AS stage FROM stage_states s
                   WHERE s.branch_id = p.active_branch_id AND s.status <> 'invalidated') reached ON true
             LEFT JOIN LATERAL (
                  SELECT sum(c.credits) AS credits FROM cost_ledger c WHERE c.project_id = p.id) spend ON true
            ORDER BY p.created_at DESC"""
    ).fetchall()


def list_branches(conn: psycopg.Connection, project_id: UUID) -> list[dict]:
    return conn.execute(
        "SELECT * FROM branches WHERE project_id = %s ORDER BY is_main DESC, created_at", [project_id]
    ).fetchall()


def project_spend(conn: psycopg.Connection, project_id: UUID) -> dict:
    return conn.execute(
        """SELECT coalesce(sum(credits), 0) AS credits, coalesce(sum(shadow_credits), 0) AS shadow_credits
             FROM cost_ledger WHERE project_id = %s""",
        [project_id],
    ).fetchone()


def stage_spend(conn: psycopg.Connection, branch_id: UUID, stage_number: int) -> dict:
    """Credits and shadow credits charged to one stage of a branch."""
    return conn.execute(
        """SELECT coalesce(sum(credits), 0) AS credits, coalesce(sum(shadow_credits), 0) AS shadow_credits
             FROM cost_ledger WHERE branch_id = %s AND stage_number = %s""",
        [branch_id, stage_number],
    ).fetchone()
