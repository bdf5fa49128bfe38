"""The ledger service: hold the estimate before a provider is called, settle the actual after, never charge twice.

Every provider call has one idempotency key, built by the caller from stable ids (for example
`f"job:{job_id}:frame:{shot_id}:end"`), so a retried job derives the same key. The functions that
take `conn` run inside the caller's transaction, beside the rows the generation itself writes.

    reserve(conn, project_id, estimate, key=...)         before the provider is called
        1. lock the project row (SELECT ... FOR UPDATE): every reservation for the project queues
           on this lock, so two jobs can't both read the spend before either one writes;
        2. the key is already in the ledger -> return that row, holding and charging nothing more:
           'settled' means this exact request was paid already: the caller serves its stored result
           (`result_key`) and calls no provider; 'reserved' is a retry of a call in flight or cut
           off; a 'released' row is held again, with the budget checked again;
        3. sum the ledger (settled credits plus open holds) and raise BudgetExceeded when
           spent + estimate > budget_credits (NULL budget: no cap; a zero estimate always passes);
        4. insert a 'reserved' row whose credits hold the estimate.
       The caller commits; only then does it call the provider (unless `is_paid(row)`).
    settle(conn, key, actual, result_key=...)            after the call, with what it produced
        the row becomes 'settled' with the actual usage and credits; settling again changes nothing.
    release(conn, key)                                   the call or saving its result failed
        the row becomes 'released' at 0 credits. Every reservation ends settled or released: the
        caller releases on any exception after `reserve`, a failure to save the result included.
    record_charge(conn, project_id, charge, key=...)     a call already made (offline work, imports)
        one 'settled' row: INSERT ... ON CONFLICT (idempotency_key) DO NOTHING, then SELECT.

For image- and second-priced work the hold equals the charge exactly (same price book, same
arithmetic in `core.costs.estimates`). Token-priced text can settle above its estimate: the money is spent
by then, so settling never refuses; the next reservation sees it. A worker killed between reserve and
settle leaves its hold counted against the budget until the retried job, finding the reservation by
its key, settles or releases it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

import psycopg

from core.costs.estimates import Charge, Estimate
from core.errors import BudgetExceeded, NotFound
from db import ledger as ledger_rows
from db import projects as project_rows
from db.database import Database
from db.ledger import LedgerStatus  # noqa: F401  (re-exported: the statuses callers compare with)

SPEND_GROUPS = tuple(ledger_rows.SPEND_GROUPS)


@dataclass(frozen=True)
class ChargedTo:
    """Where in the film a charge belongs, for the dashboards."""

    branch_id: UUID | None = None
    stage_number: int | None = None
    scene_id: UUID | None = None
    shot_id: UUID | None = None


@dataclass(frozen=True)
class BudgetCheck:
    """Spend so far (settled and held), an estimate, and the project's cap (None: no cap)."""

    spent: Decimal
    estimate: Decimal
    budget: Decimal | None

    @property
    def fits(self) -> bool:
        return self.budget is None or self.estimate <= 0 or self.spent + self.estimate <= self.budget

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else max(self.budget - self.spent, Decimal(0))

    def message(self) -> str:
        if self.budget is None:
            return f"This costs {dollars(self.estimate)}; the project has no budget cap."
        return (f"This costs {dollars(self.estimate)}, and {dollars(self.spent)} of the project's "
                f"{dollars(self.budget)} budget is already spent or held, leaving {dollars(self.remaining)}.")


MONEY_FORMAT = "$%.4f"  # money in a table column (1 credit = 1 US dollar); text calls cost fractions of a cent


def dollars(credits: Decimal | float | int) -> str:
    """Credits as dollars: cents when exact, else every significant digit (text calls cost fractions of a cent).

    The one way money is written in the studio; table columns use MONEY_FORMAT.
    """
    credits = Decimal(str(credits))
    cents = credits.quantize(Decimal("0.01"))
    return f"${cents:,.2f}" if cents == credits else f"${credits.normalize():,f}"


def about_dollars(credits: Decimal | float | int) -> str:
    """Credits to the cent, for a headline (a figure to weigh, not a charge): "$39.34", "under $0.01"."""
    credits = Decimal(str(credits))
    cents = credits.quantize(Decimal("0.01"))
    return "under $0.01" if 0 < credits < Decimal("0.005") else f"${cents:,.2f}"


def reserve(conn: psycopg.Connection, project_id: UUID, estimate: Estimate | Charge, *, key: str,
            charged_to: ChargedTo = ChargedTo()) -> dict:
    """Hold `estimate` against the project's budget, atomically, before the provider is called.

    Args:
        conn: the caller's connection, inside its transaction (the project stays locked until it ends).
        project_id: the project paying.
        estimate: one model's estimate (or the Charge it makes); its credits are what is held.
        key: the call's idempotency key.
        charged_to: branch, stage, scene and shot, for the dashboards.
    Returns:
        The ledger row: 'reserved', or whatever the key already holds when this is a retry;
        'settled' (see `is_paid`) when this very request was paid already.
    Raises:
        BudgetExceeded: spent + estimate would pass the budget; nothing is written.
        NotFound: no such project, or not the signed-in user's.
    """
    charge = estimate.charge() if isinstance(estimate, Estimate) else estimate
    project = ledger_rows.lock_project(conn, project_id)
    if project is None:
        raise NotFound("That project doesn't exist or isn't yours.")
    existing = ledger_rows.get_entry(conn, key)
    if existing is not None and _same_project(existing, project_id, key)["status"] != LedgerStatus.RELEASED:
        return existing
    _require_room(BudgetCheck(ledger_rows.spent(conn, project_id), charge.credits, project["budget_credits"]))
    if existing is not None:
        return ledger_rows.reserve_again(conn, key, _usage(charge), charge.credits)
    entry = {**_entry(project_id, charge, key, charged_to), "status": LedgerStatus.RESERVED,
             "estimated_credits": charge.credits}
    return ledger_rows.insert_entry(conn, entry) or _existing(conn, key, project_id)


def is_paid(row: dict | None) -> bool:
    """This request was made and settled already: serve its stored result, call no provider."""
    return row is not None and row["status"] == LedgerStatus.SETTLED


def paid_entry(conn: psycopg.Connection, key: str) -> dict | None:
    """The settled row of a request already made (None if it wasn't, or isn't settled): nothing is locked."""
    row = ledger_rows.get_entry(conn, key)
    return row if is_paid(row) else None


def settle(conn: psycopg.Connection, key: str, actual: Charge, *, result_key: str | None = None) -> dict:
    """Settle a reservation with what the call actually used (and the media key it produced, if any);
    a row already settled is returned unchanged."""
    row = ledger_rows.settle_entry(conn, key, _usage(actual), result_key)
    if row is not None:
        return row
    existing = ledger_rows.get_entry(conn, key)
    if existing is None:
        raise NotFound(f"There is no reservation {key!r} to settle.")
    return existing


def release(conn: psycopg.Connection, key: str) -> dict:
    """Release a reservation whose call billed nothing; settled rows are returned unchanged."""
    row = ledger_rows.release_entry(conn, key)
    if row is not None:
        return row
    existing = ledger_rows.get_entry(conn, key)
    if existing is None:
        raise NotFound(f"There is no reservation {key!r} to release.")
    return existing


def record_charge(conn: psycopg.Connection, project_id: UUID, charge: Charge, *, key: str,
                  charged_to: ChargedTo = ChargedTo()) -> dict:
    """Record a call already made as one settled row; recording the same key again returns that row."""
    entry = {**_entry(project_id, charge, key, charged_to), "status": LedgerStatus.SETTLED, "estimated_credits": None}
    return ledger_rows.insert_entry(conn, entry) or _existing(conn, key, project_id)


def budget_check(conn: psycopg.Connection, project_id: UUID, estimate_credits: Decimal) -> BudgetCheck:
    """Would this estimate fit? A preview for pages: nothing is locked or held."""
    project = project_rows.get_project(conn, project_id)
    if project is None:
        raise NotFound("That project doesn't exist or isn't yours.")
    return BudgetCheck(ledger_rows.spent(conn, project_id), Decimal(estimate_credits), project["budget_credits"])


def require_room(conn: psycopg.Connection, project_id: UUID, estimate_credits: Decimal) -> BudgetCheck:
    """Refuse, before anything is queued, work the budget can't hold (BudgetExceeded); holds nothing."""
    check = budget_check(conn, project_id, estimate_credits)
    _require_room(check)
    return check


def budget_preview(db: Database, user_id: UUID, project_id: UUID, estimate: Estimate) -> BudgetCheck:
    with db.as_user(user_id) as conn:
        return budget_check(conn, project_id, estimate.total)


def spend_report(db: Database, user_id: UUID, project_id: UUID, group: str) -> list[dict]:
    """Spend grouped by one of SPEND_GROUPS (stage_number, provider, model, branch_id, scene_id, day)."""
    with db.as_user(user_id) as conn:
        return ledger_rows.spend_by(conn, project_id, group)


def ledger_entries(db: Database, user_id: UUID, project_id: UUID) -> list[dict]:
    with db.as_user(user_id) as conn:
        return ledger_rows.entries(conn, project_id)


def _require_room(check: BudgetCheck) -> None:
    if not check.fits:
        error = BudgetExceeded(f"Over budget. {check.message()}")
        error.check = check
        raise error


def _entry(project_id: UUID, charge: Charge, key: str, charged_to: ChargedTo) -> dict:
    return {
        "project_id": project_id, "branch_id": charged_to.branch_id, "stage_number": charged_to.stage_number,
        "scene_id": charged_to.scene_id, "shot_id": charged_to.shot_id, "provider": charge.provider,
        "model": charge.model, "action": charge.action or None, "idempotency_key": key, **_usage(charge),
    }


def _usage(charge: Charge) -> dict:
    return {
        "unit": charge.unit, "units": charge.units, "unit_price": charge.unit_price, "credits": charge.credits,
        "shadow_credits": charge.shadow_credits, "input_tokens": charge.input_tokens,
        "output_tokens": charge.output_tokens, "price_book_version": charge.price_book_version or None,
    }


def _existing(conn: psycopg.Connection, key: str, project_id: UUID) -> dict:
    row = ledger_rows.get_entry(conn, key)
    if row is None:  # the key exists, but row-level security hides it: another user's call
        raise ValueError(f"idempotency key {key!r} is already used by another project")
    return _same_project(row, project_id, key)


def _same_project(row: dict, project_id: UUID, key: str) -> dict:
    if row["project_id"] != project_id:
        raise ValueError(f"idempotency key {key!r} is already used by another project")
    return row
