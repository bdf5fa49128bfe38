"""`cost_ledger`: one row per provider call. Every function takes the caller's connection and transaction."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from uuid import UUID

import psycopg
from psycopg import sql


class LedgerStatus(StrEnum):
    """A ledger row's life: held before the call, then settled with the actual or released at zero."""

    RESERVED = "reserved"
    SETTLED = "settled"
    RELEASED = "released"


_ENTRY_COLUMNS = (
    "project_id", "branch_id", "stage_number", "scene_id", "shot_id", "provider", "model", "unit", "units",
    "unit_price", "credits", "shadow_credits", "estimated_credits", "input_tokens", "output_tokens",
    "price_book_version", "action", "status", "idempotency_key",
)
_USAGE_COLUMNS = (
    "unit", "units", "unit_price", "credits", "shadow_credits", "input_tokens", "output_tokens", "price_book_version",
    "result_key",
)
SPEND_GROUPS = {
    "stage_number": sql.SQL("stage_number"),
    "provider": sql.SQL("provider"),
    "model": sql.SQL("provider || ':' || model"),
    "branch_id": sql.SQL("branch_id"),
    "scene_id": sql.SQL("scene_id"),
    "day": sql.SQL("(created_at AT TIME ZONE 'UTC')::date"),
}
_COUNTED = f"status <> '{LedgerStatus.RELEASED}'"


def insert_entry(conn: psycopg.Connection, entry: dict) -> dict | None:
    """Insert a ledger row; None when a row with its idempotency key already exists (nothing written).

    A row inserted 'settled' is stamped settled now.
    """
    names = [name for name in _ENTRY_COLUMNS if name in entry]
    settled = entry.get("status", LedgerStatus.SETTLED) == LedgerStatus.SETTLED
    columns = [*map(sql.Identifier, names), *([sql.Identifier("settled_at")] if settled else [])]
    values = [*(sql.Placeholder() * len(names)), *([sql.SQL("now()")] if settled else [])]
    query = sql.SQL(
        "INSERT INTO cost_ledger ({}) VALUES ({}) ON CONFLICT (idempotency_key) DO NOTHING RETURNING *"
    ).format(sql.SQL(", ").join(columns), sql.SQL(", ").join(values))
    return conn.execute(query, [entry[name] for name in names]).fetchone()


def get_entry(conn: psycopg.Connection, idempotency_key: str) -> dict | None:
    return conn.execute("SELECT * FROM cost_ledger WHERE idempotency_key = %s", [idempotency_key]).fetchone()


def lock_project(conn: psycopg.Connection, project_id: UUID) -> dict | None:
    """Lock the project row until the transaction ends; every budget decision for it queues here."""
    return conn.execute(
        "SELECT id, budget_credits FROM projects WHERE id = %s FOR UPDATE", [project_id]
    ).fetchone()


def spent(conn: psycopg.Connection, project_id: UUID) -> Decimal:
    """Credits settled plus credits held by open reservations."""
    row = conn.execute(
        f"SELECT coalesce(sum(credits), 0) AS credits FROM cost_ledger WHERE project_id = %s AND {_COUNTED}",
        [project_id],
    ).fetchone()
    return row["credits"]


def settle_entry(conn: psycopg.Connection, idempotency_key: str, usage: dict,
                 result_key: str | None = None) -> dict | None:
    """A reserved row becomes settled with its actual usage and what it produced; None if it isn't reserved."""
    return _update_reserved(conn, idempotency_key, LedgerStatus.SETTLED, {**usage, "result_key": result_key},
                            settled_at=True)


def release_entry(conn: psycopg.Connection, idempotency_key: str) -> dict | None:
    """A reserved row whose call never billed is released at zero credits; None if it isn't reserved."""
    return _update_reserved(conn, idempotency_key, LedgerStatus.RELEASED, {"credits": Decimal(0), "shadow_credits": Decimal(0)})


def reserve_again(
    conn: psycopg.Connection, idempotency_key: str, usage: dict, estimated_credits: Decimal
) -> dict | None:
    """A released row is held again for a retry of the same call; None if it isn't released."""
    assignments = [*_assignments(usage), sql.SQL("estimated_credits = %s"), sql.SQL("status = %s")]
    query = sql.SQL("UPDATE cost_ledger SET {} WHERE idempotency_key = %s AND status = %s RETURNING *").format(
        sql.SQL(", ").join(assignments)
    )
    values = [*_values(usage), estimated_credits, LedgerStatus.RESERVED, idempotency_key, LedgerStatus.RELEASED]
    return conn.execute(query, values).fetchone()


def _update_reserved(
    conn: psycopg.Connection, key: str, status: LedgerStatus, usage: dict, *, settled_at: bool = False
) -> dict | None:
    assignments = [*_assignments(usage), sql.SQL("status = %s")]
    if settled_at:
        assignments.append(sql.SQL("settled_at = now()"))
    query = sql.SQL("UPDATE cost_ledger SET {} WHERE idempotency_key = %s AND status = %s RETURNING *").format(
        sql.SQL(", ").join(assignments)
    )
    return conn.execute(query, [*_values(usage), status, key, LedgerStatus.RESERVED]).fetchone()


def _assignments(usage: dict) -> list[sql.Composable]:
    return [sql.SQL("{} = %s").format(sql.Identifier(name)) for name in _USAGE_COLUMNS if name in usage]


def _values(usage: dict) -> list[object]:
    return [usage[name] for name in _USAGE_COLUMNS if name in usage]


def spend_by(conn: psycopg.Connection, project_id: UUID, group: str) -> list[dict]:
    """Spend of a project grouped by one of SPEND_GROUPS, in group order.

    Each row: the group's value under the group's name, `credits` (settled), `held_credits` (open
    reservations), `shadow_credits` (what offline work would have cost online) and `calls`.
    """
    if group not in SPEND_GROUPS:
        raise ValueError(f"spend can be grouped by {', '.join(SPEND_GROUPS)}, not {group!r}")
    query = sql.SQL(
        """SELECT {expr} AS {name},
                  coalesce(sum(credits) FILTER (WHERE status = {settled}), 0) AS credits,
                  coalesce(sum(credits) FILTER (WHERE status = {reserved}), 0) AS held_credits,
                  coalesce(sum(shadow_credits) FILTER (WHERE {counted}), 0) AS shadow_credits,
                  count(*) FILTER (WHERE {counted}) AS calls
             FROM cost_ledger WHERE project_id = %s
            GROUP BY 1 ORDER BY 1 NULLS LAST"""
    ).format(expr=SPEND_GROUPS[group], name=sql.Identifier(group), counted=sql.SQL(_COUNTED),
             settled=sql.Literal(LedgerStatus.SETTLED.value), reserved=sql.Literal(LedgerStatus.RESERVED.value))
    return conn.execute(query, [project_id]).fetchall()


def entries(conn: psycopg.Connection, project_id: UUID) -> list[dict]:
    """Every ledger row of a project, oldest first (the CSV download)."""
    return conn.execute(
        "SELECT * FROM cost_ledger WHERE project_id = %s ORDER BY created_at, id", [project_id]
    ).fetchall()
