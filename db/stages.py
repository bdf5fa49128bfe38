"""Versioned stage states. A new version is an INSERT; a locked row is never rewritten."""

from __future__ import annotations

from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

_PROVENANCE = (
    "prompt_template_version", "final_prompt", "regeneration_guidance", "provider", "model", "seed", "cost_credits",
    "generation",
)


def insert_version(
    conn: psycopg.Connection,
    branch_id: UUID,
    stage_number: int,
    version: int,
    content: dict,
    *,
    status: str | None = None,
    overrides: dict | None = None,
    inherited_from_stage_id: UUID | None = None,
    input_versions: dict | None = None,
    **provenance: object,
) -> dict:
    """Insert version `version`; a unique violation means someone else wrote it first.

    Without `status` the row takes the column's default, a draft.
    """
    unknown = set(provenance) - set(_PROVENANCE)
    if unknown:
        raise TypeError(f"unknown provenance fields: {sorted(unknown)}")
    columns = {
        "branch_id": branch_id,
        "stage_number": stage_number,
        "version": version,
        **({"status": status} if status is not None else {}),
        "content": Jsonb(content),
        "overrides": Jsonb(overrides) if overrides is not None else None,
        "inherited_from_stage_id": inherited_from_stage_id,
        "input_versions": Jsonb(input_versions or {}),
        **provenance,
    }
    if "generation" in columns:
        columns["generation"] = Jsonb(columns["generation"])
    names = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    return conn.execute(
        f"INSERT INTO stage_states ({names}) VALUES ({marks}) RETURNING *",  # names are ours, not input
        list(columns.values()),
    ).fetchone()


def latest(conn: psycopg.Connection, branch_id: UUID, stage_number: int) -> dict | None:
    return conn.execute(
        """SELECT * FROM stage_states WHERE branch_id = %s AND stage_number = %s
            ORDER BY version DESC LIMIT 1""",
        [branch_id, stage_number],
    ).fetchone()


def versions(conn: psycopg.Connection, branch_id: UUID, stage_number: int) -> list[dict]:
    return conn.execute(
        "SELECT * FROM stage_states WHERE branch_id = %s AND stage_number = %s ORDER BY version DESC",
        [branch_id, stage_number],
    ).fetchall()


def latest_per_stage(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    return conn.execute(
        """SELECT DISTINCT ON (stage_number) * FROM stage_states
            WHERE branch_id = %s ORDER BY stage_number, version DESC""",
        [branch_id],
    ).fetchall()


def set_status(conn: psycopg.Connection, stage_state_id: UUID, status: str) -> None:
    conn.execute("UPDATE stage_states SET status = %s WHERE id = %s", [status, stage_state_id])


def begun_after(conn: psycopg.Connection, branch_id: UUID, stage_number: int) -> bool:
    """Whether any stage later than `stage_number` has a version on this branch."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM stage_states WHERE branch_id = %s AND stage_number > %s) AS begun",
        [branch_id, stage_number],
    ).fetchone()
    return row["begun"]
