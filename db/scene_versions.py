"""Per-scene stage versions (`scene_stage_versions`, sql/017): a scene's shot list, visual definition, prompts,
frame lock, confirmation and review, each an immutable version as `stage_states` is for the global stages."""

from __future__ import annotations

from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

_PROVENANCE = (
    "prompt_template_version", "final_prompt", "regeneration_guidance", "provider", "model", "seed", "cost_credits",
    "generation",
)


def insert_version(conn: psycopg.Connection, branch_id: UUID, scene_id: UUID, stage_number: int, version: int,
                   content: dict, *, status: str | None = None, overrides: dict | None = None,
                   inherited_from_id: UUID | None = None, input_versions: dict | None = None,
                   **provenance: object) -> dict:
    """Insert version `version` of the scene's stage; a unique violation means another session wrote it first."""
    unknown = set(provenance) - set(_PROVENANCE)
    if unknown:
        raise TypeError(f"unknown provenance fields: {sorted(unknown)}")
    columns = {
        "branch_id": branch_id, "scene_id": scene_id, "stage_number": stage_number, "version": version,
        **({"status": status} if status is not None else {}),
        "content": Jsonb(content), "overrides": Jsonb(overrides) if overrides is not None else None,
        "inherited_from_id": inherited_from_id, "input_versions": Jsonb(input_versions or {}), **provenance,
    }
    if "generation" in columns:
        columns["generation"] = Jsonb(columns["generation"])
    names, marks = ", ".join(columns), ", ".join(["%s"] * len(columns))
    return conn.execute(f"INSERT INTO scene_stage_versions ({names}) VALUES ({marks}) RETURNING *",  # our names
                        list(columns.values())).fetchone()


def latest(conn: psycopg.Connection, scene_id: UUID, stage_number: int) -> dict | None:
    return conn.execute(
        """SELECT * FROM scene_stage_versions WHERE scene_id = %s AND stage_number = %s
            ORDER BY version DESC LIMIT 1""", [scene_id, stage_number]).fetchone()


def versions(conn: psycopg.Connection, scene_id: UUID, stage_number: int) -> list[dict]:
    """Every version of the scene's stage, newest first."""
    return conn.execute(
        "SELECT * FROM scene_stage_versions WHERE scene_id = %s AND stage_number = %s ORDER BY version DESC",
        [scene_id, stage_number]).fetchall()


def latest_per_stage(conn: psycopg.Connection, scene_id: UUID) -> list[dict]:
    """The latest version of each of the scene's stages."""
    return conn.execute(
        """SELECT DISTINCT ON (stage_number) * FROM scene_stage_versions
            WHERE scene_id = %s ORDER BY stage_number, version DESC""", [scene_id]).fetchall()


def latest_in_branch(conn: psycopg.Connection, branch_id: UUID, stage_number: int) -> list[dict]:
    """The latest version of one stage for every scene of the branch that has one (live scenes and history)."""
    return conn.execute(
        """SELECT DISTINCT ON (scene_id) * FROM scene_stage_versions
            WHERE branch_id = %s AND stage_number = %s ORDER BY scene_id, version DESC""",
        [branch_id, stage_number]).fetchall()


def set_status(conn: psycopg.Connection, version_id: UUID, status: str) -> None:
    conn.execute("UPDATE scene_stage_versions SET status = %s WHERE id = %s", [status, version_id])


def flag_latest(conn: psycopg.Connection, scene_id: UUID, stage_numbers: list[int], status: str,
                unless: tuple[str, ...]) -> list[dict]:
    """Set `status` on the latest version of each of `stage_numbers` for the scene, unless it already has one of
    `unless`; returns the rows changed."""
    return conn.execute(
        """UPDATE scene_stage_versions v SET status = %(status)s
             FROM (SELECT DISTINCT ON (stage_number) id FROM scene_stage_versions
                    WHERE scene_id = %(scene)s AND stage_number = ANY(%(stages)s)
                    ORDER BY stage_number, version DESC) newest
            WHERE v.id = newest.id AND NOT (v.status = ANY(%(unless)s))
        RETURNING v.*""",
        {"status": status, "scene": scene_id, "stages": stage_numbers, "unless": list(unless)}).fetchall()


def latest_before(conn: psycopg.Connection, scene_id: UUID, stage_number: int, version: int) -> dict | None:
    """The scene stage's newest version older than `version`."""
    return conn.execute(
        """SELECT * FROM scene_stage_versions WHERE scene_id = %s AND stage_number = %s AND version < %s
            ORDER BY version DESC LIMIT 1""", [scene_id, stage_number, version]).fetchone()
