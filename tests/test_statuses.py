"""Every status enum spells exactly what its table's CHECK constraint allows, read from the real database,
so a migration that adds, drops or renames a status fails here until the enum follows."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

from core.costs.ledger import LedgerStatus
from core.film.statuses import ClipStatus, CutStatus, SceneStatus, StageStatus
from core.runtime.jobs import JobStatus

pytestmark = pytest.mark.db

ENUM_OF_TABLE = {
    "stage_states": StageStatus,
    "scenes": SceneStatus,
    "videos": ClipStatus,
    "generation_jobs": JobStatus,
    "cost_ledger": LedgerStatus,
    "scene_stage_versions": StageStatus,  # a scene's stage versions live as the global stages' do
    "film_cuts": CutStatus,
}
DB_SQL = Path(__file__).resolve().parents[1] / "db"
# a status written into db/'s SQL text (`s.status = 'locked'`, `v.status <> 'failed'`)
SQL_STATUS_LITERAL = re.compile(r"\bstatus\s*(?:=|<>|!=)\s*'(\w+)'")


def allowed_statuses(conn, table: str) -> set[str]:
    """The values the table's CHECK on `status` alone allows (not checks that merely mention it)."""
    rows = conn.execute(
        """SELECT pg_get_constraintdef(c.oid) AS definition
             FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attname = 'status'
            WHERE c.contype = 'c' AND c.conrelid = %s::regclass AND c.conkey = ARRAY[a.attnum]""",
        [f"public.{table}"],
    ).fetchall()
    assert len(rows) == 1, f"{table}: expected one CHECK on status, found {rows}"
    return set(re.findall(r"'(\w+)'::text", rows[0]["definition"]))


@pytest.mark.parametrize("table", sorted(ENUM_OF_TABLE))
def test_enum_matches_check_constraint(studio, table):
    enum: type[StrEnum] = ENUM_OF_TABLE[table]
    with studio.db.as_service() as conn:
        allowed = allowed_statuses(conn, table)
    assert {member.value for member in enum} == allowed


def test_status_literals_in_db_sql_are_known_statuses(studio):
    """`db` sits below `core` and names stage and clip statuses in its SQL; each must still be a real one."""
    known = {member.value for enum in ENUM_OF_TABLE.values() for member in enum}
    used = {word for path in DB_SQL.glob("*.py") for word in SQL_STATUS_LITERAL.findall(path.read_text())}
    assert used, "the pattern should find db's status literals"
    assert used <= known, f"not a status of any table: {sorted(used - known)}"
