"""The cost dashboard: where a project's money went, what is held, and what finishing the film will cost.

`cost_dashboard` loads everything in one transaction and four round trips (`db.cost_views`): the
branch in focus with its progress, its shots, the ledger summed six ways in one scan, the
invalidation log. Spend is the whole project's (the budget is the project's); the projection is the
branch's. `ledger_csv` is the download, made only when asked for. `cost_report` is the same
summary as plain JSON-able data, for `python -m core cost PROJECT --json`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from uuid import UUID

import psycopg

from core.costs.estimates import Estimator
from core.costs.price_book import ZERO, UnpricedModel, default_price_book
from core.costs.projection import FilmProgress, Projection, SceneProgress, ShotProgress, project_to_finish
from core.errors import NotFound
from core.pipeline import stage
from db import cost_views
from db.database import Database

UNIT_WORDS = {"token": "tokens", "image": "images", "video_second": "s of video"}  # the ledger's units


@dataclass(frozen=True)
class SpendRow:
    """Spend of one group: settled credits, open holds, the shadow price of offline work, calls."""

    key: object  # stage number, scene id, branch id, "provider:model" or date; None for "not recorded"
    label: str
    credits: Decimal
    held_credits: Decimal
    shadow_credits: Decimal
    calls: int
    units: Decimal = ZERO
    unit: str = ""

    @property
    def quantity(self) -> str:
        """The units bought, in words: `30 images`, `9,600 tokens`, `120 s of video`."""
        return f"{self.units.normalize():,f} {UNIT_WORDS.get(self.unit, self.unit)}" if self.unit else ""


@dataclass(frozen=True)
class Totals:
    """The project's money: spent (settled), held (reserved), offline shadow price, budget (None: no cap)."""

    spent: Decimal = ZERO
    held: Decimal = ZERO
    shadow: Decimal = ZERO
    budget: Decimal | None = None
    calls: int = 0
    entries: int = 0  # ledger rows, released ones included: the rows of the CSV

    @property
    def committed(self) -> Decimal:
        return self.spent + self.held

    @property
    def remaining(self) -> Decimal | None:
        """Budget left after spend and holds; None without a cap; never below zero."""
        return None if self.budget is None else max(self.budget - self.committed, ZERO)

    @property
    def over_budget(self) -> Decimal:
        return ZERO if self.budget is None else max(self.committed - self.budget, ZERO)


@dataclass(frozen=True)
class Invalidation:
    """One invalidation log entry: the change, what it made stale, what redoing that was estimated to cost."""

    created_at: object
    branch: str
    invalidation_type: str
    stage_number: int | None  # the stage that changed
    change_kind: str | None  # "regenerate" | "edit"; None in logs written before the change was recorded
    scene_number: int | None  # for a scene's change
    stage_versions: int
    flagged_stage_versions: int  # out of sync (a beat sheet after a hand-edited script), not invalidated
    scenes: int
    shots: int
    frames: int
    clips: int
    estimated_cost: Decimal | None
    estimated_shadow_cost: Decimal
    acknowledged: bool
    why: str

    @property
    def estimated_online_cost(self) -> Decimal | None:
        """At online prices: the estimate plus the shadow price of its offline part."""
        return None if self.estimated_cost is None else self.estimated_cost + self.estimated_shadow_cost


@dataclass(frozen=True)
class CostDashboard:
    """Everything the cost page shows."""

    project_id: UUID
    title: str
    branch_id: UUID
    branch_name: str
    totals: Totals
    by_stage: tuple[SpendRow, ...]
    by_scene: tuple[SpendRow, ...]
    by_branch: tuple[SpendRow, ...]
    by_model: tuple[SpendRow, ...]
    by_day: tuple[SpendRow, ...]
    invalidations: tuple[Invalidation, ...]
    invalidation_count: int
    invalidation_estimated_total: Decimal
    invalidation_estimated_shadow_total: Decimal
    projection: Projection | None
    projection_problem: str = ""  # why there is no projection (a model the price book doesn't price)

    @property
    def has_spend(self) -> bool:
        """True once the ledger has any row, even a free (offline) or released one."""
        return self.totals.entries > 0


def cost_dashboard(db: Database, user_id: UUID, project_id: UUID, branch_id: UUID | str | None,
                   estimator: Estimator) -> CostDashboard:
    """The dashboard of a project, with the projection for one of its branches.

    Args:
        db: the studio's database.
        user_id: the signed-in user; row-level security hides other users' projects.
        project_id: the project.
        branch_id: the branch to project (an id or a name); None for the project's active branch.
        estimator: the price book and the models that will run.
    Returns:
        The dashboard, loaded in one transaction and four SQL round trips.
    Raises:
        NotFound: no such project (or not the user's), or no such branch in it.
    """
    with db.as_user(user_id) as conn:
        return load_dashboard(conn, project_id, branch_id, estimator)


def load_dashboard(conn: psycopg.Connection, project_id: UUID, branch_id: UUID | str | None,
                   estimator: Estimator) -> CostDashboard:
    """`cost_dashboard` inside the caller's transaction."""
    context = _context(conn, project_id, branch_id)
    progress = film_progress(context, cost_views.shot_progress(conn, context["branch_id"]))
    spend = _by_dimension(cost_views.spend_summary(conn, project_id))
    log = cost_views.invalidation_log(conn, project_id)
    projection, problem = _projection(progress, estimator)
    return CostDashboard(
        project_id=context["project_id"], title=context["title"], branch_id=context["branch_id"],
        branch_name=context["branch_name"], totals=_totals(spend["total"], context["budget_credits"]),
        by_stage=tuple(_spend_row(row, row["stage_number"], _stage_label(row["stage_number"]))
                       for row in spend["stage"]),
        by_scene=tuple(_spend_row(row, row["scene_id"], _scene_label(row)) for row in spend["scene"]),
        by_branch=tuple(_spend_row(row, row["branch_id"], row["branch_name"] or "(no branch recorded)")
                        for row in spend["branch"]),
        by_model=tuple(_model_row(row) for row in spend["model"]),
        by_day=tuple(_spend_row(row, row["day"], row["day"].isoformat()) for row in spend["day"]),
        invalidations=tuple(_invalidation(row) for row in log),
        invalidation_count=log[0]["entries"] if log else 0,
        invalidation_estimated_total=log[0]["estimated_total"] if log else ZERO,
        invalidation_estimated_shadow_total=log[0]["estimated_shadow_total"] if log else ZERO,
        projection=projection, projection_problem=problem,
    )


def ledger_csv(db: Database, user_id: UUID, project_id: UUID) -> str:
    """Every ledger row of the project as CSV (columns: `db.cost_views.LEDGER_CSV_COLUMNS`)."""
    with db.as_user(user_id) as conn:
        return cost_views.ledger_csv(conn, project_id)


def cost_report(db: Database, user_id: UUID, project_id: UUID, branch_id: UUID | str | None = None, *,
                estimator: Estimator | None = None) -> dict:
    """Spend by stage and by provider/model, the shadow price of offline work and the projected cost to finish.

    JSON-able: money as exact decimal strings in credits (1 credit = 1 US dollar), ids as strings.
    `branch_id` is an id or a name; None projects the active branch. Without `estimator`, the
    repo's price book with the offline engine shadowed by the default online models.
    """
    dashboard = cost_dashboard(db, user_id, project_id, branch_id, estimator or Estimator(default_price_book()))
    totals, projection = dashboard.totals, dashboard.projection
    return {
        "project": {"id": str(dashboard.project_id), "title": dashboard.title},
        "branch": {"id": str(dashboard.branch_id), "name": dashboard.branch_name},
        "currency": "credits (1 credit = 1 USD)",
        "spent": _exact(totals.spent), "held": _exact(totals.held), "offline_shadow_price": _exact(totals.shadow),
        "budget": _exact(totals.budget), "remaining": _exact(totals.remaining), "calls": totals.calls,
        "by_stage": [_json_row(row, stage=row.key) for row in dashboard.by_stage],
        "by_provider": [_json_row(row, provider=provider) for provider, row in _by_provider(dashboard.by_model)],
        "by_model": [_json_row(row, model=row.key, units=_exact(row.units), unit=row.unit)
                     for row in dashboard.by_model],
        "projected_to_finish": _projection_json(projection, dashboard.projection_problem),
    }


def film_progress(context: dict, shot_rows: list[dict]) -> FilmProgress:
    """The projection's view of a branch, from the `branch_context` and `shot_progress` rows (in scene order)."""
    scenes = tuple(_scene_progress(list(rows)) for _, rows in groupby(shot_rows, key=itemgetter("scene_id")))
    stages = {int(number): latest for number, latest in context["stages"].items()}
    return FilmProgress(
        target_seconds=context["target_length_max"], narrative_chars=context["narrative_chars"] or 0,
        stage_status={number: latest["status"] for number, latest in stages.items()},
        stage_chars={number: latest["chars"] for number, latest in stages.items()}, scenes=scenes,
        assets=context["assets"], assets_without_image=context["assets_without_image"],
    )


def _scene_progress(rows: list[dict]) -> SceneProgress:
    first = rows[0]
    shots = tuple(
        ShotProgress(Decimal(row["duration"]), row["requires_end_frame"], row["prompted"], row["start_frame"],
                     row["end_frame"], row["clip"], row["shot_invalidated"])
        for row in rows if row["shot_id"] is not None
    )
    return SceneProgress(first["scene_number"], first["scene_status"], first["excerpt_chars"] or 0, shots)


def _context(conn: psycopg.Connection, project_id: UUID, branch_id: UUID | str | None) -> dict:
    context = cost_views.branch_context(conn, project_id, branch_id)
    if context is None:
        raise NotFound("That project doesn't exist or isn't yours.")
    if context["branch_id"] is None:
        raise NotFound(f"The project has no branch {branch_id!s}.")
    return context


def _projection(progress: FilmProgress, estimator: Estimator) -> tuple[Projection | None, str]:
    if progress.target_seconds is None:  # the length to project from is the branch's own Stage 1
        return None, "this branch has no Stage 1 yet, so it has no target length to project from."
    try:
        return project_to_finish(progress, estimator), ""
    except UnpricedModel as exc:  # a settings mistake: show the rest of the dashboard, and say what's wrong
        return None, str(exc)


def _by_dimension(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {name: [] for name in ("stage", "scene", "branch", "model", "day", "total")}
    for row in rows:
        grouped[row["dimension"]].append(row)
    return grouped


def _totals(total_rows: list[dict], budget: Decimal | None) -> Totals:
    if not total_rows:  # GROUPING SETS has no grand total row when the ledger is empty
        return Totals(budget=budget)
    row = total_rows[0]
    return Totals(row["credits"], row["held_credits"], row["shadow_credits"], budget, row["calls"], row["entries"])


def _spend_row(row: dict, key: object, label: str) -> SpendRow:
    return SpendRow(key, label, row["credits"], row["held_credits"], row["shadow_credits"], row["calls"])


def _model_row(row: dict) -> SpendRow:
    key = f"{row['provider']}:{row['model']}"
    return SpendRow(key, key, row["credits"], row["held_credits"], row["shadow_credits"], row["calls"],
                    row["units"], row["unit"])


def _stage_label(number: int | None) -> str:
    return stage(number).label if number is not None else "(no stage recorded)"


def _scene_label(row: dict) -> str:
    if row["scene_id"] is None:
        return "(no scene: global work)"
    if row["scene_number"] is None:
        return "(a deleted scene)"
    label = f"{row['scene_branch']} · scene {row['scene_number']} · {row['scene_slug']}"
    return f"{label} (superseded v{row['scene_version']})" if row.get("scene_superseded") else label


def _invalidation(row: dict) -> Invalidation:
    return Invalidation(
        row["created_at"], row["branch_name"], row["invalidation_type"], row["stage_number"], row["change_kind"],
        row["scene_number"], row["stage_versions"], row["flagged_stage_versions"], row["scenes"], row["shots"],
        row["frames"], row["clips"], row["estimated_regen_cost"], row["estimated_shadow_cost"],
        row["warning_acknowledged"], row["why"] or "",
    )


def _by_provider(models: tuple[SpendRow, ...]) -> list[tuple[str, SpendRow]]:
    providers: dict[str, SpendRow] = {}
    for row in models:
        provider = str(row.key).partition(":")[0]
        seen = providers.get(provider)
        providers[provider] = row if seen is None else SpendRow(
            provider, provider, seen.credits + row.credits, seen.held_credits + row.held_credits,
            seen.shadow_credits + row.shadow_credits, seen.calls + row.calls)
    return sorted(providers.items())


def _exact(amount: Decimal | None) -> str | None:
    """An exact decimal as text (`0.117`, `90`); JSON numbers would be floats."""
    return None if amount is None else f"{amount.normalize():f}" if amount else "0"


def _json_row(row: SpendRow, **keys: object) -> dict:
    return {**{name: _json_key(value) for name, value in keys.items()}, "label": row.label,
            "credits": _exact(row.credits), "held": _exact(row.held_credits),
            "offline_shadow_price": _exact(row.shadow_credits), "calls": row.calls}


def _json_key(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else str(value) if isinstance(value, UUID) else value


def _projection_json(projection: Projection | None, problem: str) -> dict:
    if projection is None:
        return {"error": problem}
    return {
        "price_book_version": projection.price_book_version, "credits": _exact(projection.total),
        "offline_shadow_price": _exact(projection.shadow_total), "at_online_prices": _exact(projection.online_total),
        "shots_estimated_from_target_length": projection.shots_from_target,
        "lines": [{"stage": row["stage_number"], "what": row["what"], "quantity": row["quantity"],
                   "credits": _exact(row["credits"]), "offline_shadow_price": _exact(row["shadow_credits"])}
                  for row in projection.rows()],
    }
