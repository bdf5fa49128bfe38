"""Projects and branches. Every function takes the caller's connection; the caller owns the transaction."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import psycopg
from psycopg import sql

_PROJECT_COLUMNS = ("title", "budget_credits")  # the film's configuration is Stage 1's, per branch

# The Stage 1 configuration a project's active branch holds (its latest locked version): what the
# dashboard lists beside the title.
_ACTIVE_CONFIG = """
    LEFT JOIN LATERAL (
         SELECT s.content FROM stage_states s
          WHERE s.branch_id = p.active_branch_id AND s.stage_number = 1 AND s.status = 'locked'
          ORDER BY s.version DESC LIMIT 1) one ON true"""


def insert_project(conn: psycopg.Connection, columns: dict[str, object]) -> dict:
    names = [name for name in _PROJECT_COLUMNS if name in columns]
    query = sql.SQL("INSERT INTO projects ({}) VALUES ({}) RETURNING *").format(
        sql.SQL(", ").join(map(sql.Identifier, names)),
        sql.SQL(", ").join(sql.Placeholder() * len(names)),
    )
    return conn.execute(query, [columns[name] for name in names]).fetchone()


def set_title(conn: psycopg.Connection, project_id: UUID, title: str) -> dict | None:
    return conn.execute(
        "UPDATE projects SET title = %s, updated_at = now() WHERE id = %s RETURNING *", [title, project_id]
    ).fetchone()


def title_holder(conn: psycopg.Connection, title: str, other_than: UUID | None = None) -> dict | None:
    """The signed-in user's project already called `title` (case and outer spaces aside), serialised per title."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('title:' || auth.uid() || lower(btrim(%s)), 0))",
                 [title])
    return conn.execute(
        "SELECT id, title FROM projects WHERE lower(btrim(title)) = lower(btrim(%s)) AND id IS DISTINCT FROM %s",
        [title, other_than],
    ).fetchone()


def delete_project(conn: psycopg.Connection, project_id: UUID) -> dict | None:
    """Delete a project and, by cascade, its branches, versions, scenes, assets and ledger rows."""
    return conn.execute("DELETE FROM projects WHERE id = %s RETURNING id, title", [project_id]).fetchone()


def set_budget(conn: psycopg.Connection, project_id: UUID, budget: Decimal | None) -> dict | None:
    return conn.execute(
        "UPDATE projects SET budget_credits = %s, updated_at = now() WHERE id = %s RETURNING *", [budget, project_id]
    ).fetchone()


def insert_budget_change(conn: psycopg.Connection, project_id: UUID, old: Decimal | None, new: Decimal | None) -> dict:
    return conn.execute(
        "INSERT INTO budget_changes (project_id, old_budget, new_budget) VALUES (%s, %s, %s) RETURNING *",
        [project_id, old, new],
    ).fetchone()


def budget_changes(conn: psycopg.Connection, project_id: UUID) -> list[dict]:
    """The project's budget changes, newest first."""
    return conn.execute(
        "SELECT * FROM budget_changes WHERE project_id = %s ORDER BY created_at DESC, id", [project_id]
    ).fetchall()


def get_project_settings(conn: psycopg.Connection, project_id: UUID) -> dict | None:
    """The project row with its active branch's Stage 1 configuration (`config`, None before Stage 1)."""
    return conn.execute(
        f"SELECT p.*, one.content AS config FROM projects p {_ACTIVE_CONFIG} WHERE p.id = %s", [project_id]
    ).fetchone()


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
        f"""SELECT p.id, p.title, one.content ->> 'project_type' AS project_type,
                  one.content ->> 'content_rating' AS content_rating, one.content ->> 'input_mode' AS input_mode,
                  p.created_at, p.budget_credits, p.active_branch_id,
                  coalesce(reached.stage, 1) AS current_stage,
                  (SELECT b.name FROM branches b WHERE b.id = p.active_branch_id) AS branch_name,
                  (SELECT count(*) FROM branches b WHERE b.project_id = p.id) AS branch_count,
                  coalesce(spend.credits, 0) AS spend_credits
             FROM projects p {_ACTIVE_CONFIG}
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
