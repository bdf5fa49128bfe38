"""The project's budget: a setting the creator changes at any time, every change kept (who, when, old -> new).

The budget lives on the project row only; `core.costs.ledger.reserve` reads it there, under the same
row lock this module takes, so a change and a reservation never interleave. `None` is "no cap".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from uuid import UUID

import psycopg

from core.costs.ledger import dollars
from core.errors import InputRejected, NotFound
from core.film.config import MAX_BUDGET
from db import ledger as ledger_rows
from db import projects as project_rows
from db.database import Database

FIELD = "budget_credits"


def as_budget(raw: object) -> Decimal | None:
    """A budget from what the creator gave: None (or blank) is no cap; otherwise dollars, 0 to MAX_BUDGET."""
    if raw is None or raw == "":
        return None
    try:
        amount = Decimal(str(raw))
    except InvalidOperation:
        raise InputRejected({FIELD: "enter an amount in dollars, such as 25"}) from None
    if not amount.is_finite() or amount < 0:
        raise InputRejected({FIELD: "use 0 or more"})
    if amount > MAX_BUDGET:
        raise InputRejected({FIELD: f"use {MAX_BUDGET:,} or less"})
    return amount.quantize(Decimal("0.0001"))


def change_budget(conn: psycopg.Connection, project_id: UUID, budget: Decimal | None) -> dict | None:
    """Set the budget inside the caller's transaction and record the change; None when it was already that.

    Raises:
        InputRejected: the new budget is below what is already spent or held.
        NotFound: no such project, or not the signed-in user's.
    """
    project = ledger_rows.lock_project(conn, project_id)
    if project is None:
        raise NotFound("That project doesn't exist or isn't yours.")
    old = project["budget_credits"]
    if old == budget:
        return None
    committed = ledger_rows.spent(conn, project_id)
    if budget is not None and budget < committed:
        raise InputRejected({FIELD: f"{dollars(committed)} is already spent or held, so the budget can't be "
                                    f"{dollars(budget)}; set {dollars(committed)} or more, or 0 for no cap"})
    project_rows.set_budget(conn, project_id, budget)
    return project_rows.insert_budget_change(conn, project_id, old, budget)


def set_budget(db: Database, user_id: UUID, project_id: UUID, raw: object) -> dict | None:
    """Change the project's budget as the creator; returns the recorded change (None: nothing changed).

    Raises:
        InputRejected: not an amount, or below what is already spent or held; nothing changes.
        NotFound: no such project, or not the user's.
    """
    budget = as_budget(raw)
    with db.as_user(user_id) as conn:
        return change_budget(conn, project_id, budget)


def budget_history(db: Database, user_id: UUID, project_id: UUID) -> list[dict]:
    """Every change of the project's budget, newest first: changed_by, created_at, old_budget, new_budget."""
    with db.as_user(user_id) as conn:
        return project_rows.budget_changes(conn, project_id)


def budget_label(budget: Decimal | None) -> str:
    return "no cap" if budget is None else dollars(budget)
