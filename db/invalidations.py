"""Writing an invalidation: statuses and flags set by id lists, and its `invalidation_logs` rows.

Every function takes the caller's connection and runs in the caller's transaction. Each update is
one statement for any number of rows (`WHERE id = ANY(%s)`), so applying a change to a whole film
costs a handful of round trips, not one per shot. Ids may be UUIDs or their text.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

FLAGGED_TABLES = ("shots", "frames", "videos")  # items flagged by invalidated_at, not by a status
_IDS = ("branch_id", "triggering_stage_state_id", "scene_id")
_ID_ARRAYS = ("invalidated_stage_states", "flagged_stage_states", "invalidated_scenes")
_LOG_COLUMNS = (
    "branch_id", "triggering_stage_state_id", "invalidation_type", "stage_number", "change_kind", "change_scope",
    "scene_id", "invalidated_stage_states", "flagged_stage_states", "invalidated_scenes", "reasons",
    "estimated_regen_cost", "estimated_shadow_cost", "warning_acknowledged",
)


def insert_log(conn: psycopg.Connection, entry: dict) -> dict:
    """One `invalidation_logs` row; `entry` holds the columns above (`reasons` as plain data)."""
    values = {**entry, "reasons": Jsonb(entry.get("reasons", []))}
    values.update({name: [_uuid(i) for i in values[name]] for name in _ID_ARRAYS if name in values})
    values.update({name: _uuid(values[name]) for name in _IDS if values.get(name) is not None})
    names = [name for name in _LOG_COLUMNS if name in values]
    query = sql.SQL("INSERT INTO invalidation_logs ({}) VALUES ({}) RETURNING *").format(
        sql.SQL(", ").join(map(sql.Identifier, names)), sql.SQL(", ").join(sql.Placeholder() * len(names))
    )
    return conn.execute(query, [values[name] for name in names]).fetchone()


def set_stage_status(conn: psycopg.Connection, branch_id: UUID, ids: Sequence[UUID | str], status: str) -> int:
    """Move these stage versions of the branch to `status` (sql/004 lets a locked version's status move)."""
    if not ids:
        return 0
    return conn.execute(
        "UPDATE stage_states SET status = %s WHERE branch_id = %s AND id = ANY(%s::uuid[]) AND status <> %s",
        [status, branch_id, [str(i) for i in ids], status],
    ).rowcount


def set_scene_status(conn: psycopg.Connection, branch_id: UUID, ids: Sequence[UUID | str], status: str) -> int:
    """Move these scenes of the branch to `status`."""
    if not ids:
        return 0
    return conn.execute(
        "UPDATE scenes SET status = %s WHERE branch_id = %s AND id = ANY(%s::uuid[]) AND status <> %s"
        " AND superseded_at IS NULL",
        [status, branch_id, [str(i) for i in ids], status],
    ).rowcount


def flag_invalidated(conn: psycopg.Connection, table: str, ids: Sequence[UUID | str], log_id: UUID) -> int:
    """Flag shots, frames or clips (`videos`) as invalidated by log `log_id`; rows already flagged keep theirs."""
    if table not in FLAGGED_TABLES:
        raise ValueError(f"only {', '.join(FLAGGED_TABLES)} carry an invalidated flag, not {table!r}")
    if not ids:
        return 0
    query = sql.SQL(
        "UPDATE {} SET invalidated_at = now(), invalidation_log_id = %s "
        "WHERE id = ANY(%s::uuid[]) AND invalidated_at IS NULL"
    ).format(sql.Identifier(table))
    return conn.execute(query, [log_id, [str(i) for i in ids]]).rowcount


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
