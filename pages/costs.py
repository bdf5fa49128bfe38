"""Costs: what the project has spent and held, where, and what finishing the film on this branch will cost."""

from __future__ import annotations

import re
from decimal import Decimal

import altair as alt
import pandas as pd
import streamlit as st

from core.costs.dashboard import Invalidation, SpendRow, cost_dashboard, ledger_csv
from core.costs.ledger import MONEY_FORMAT, dollars
from core.errors import NotFound
from core.pipeline import stage
from pages.ui import session as common
from pages.ui.budget_panel import budget_changes_table, budget_form

KINDS = alt.Scale(domain=["Spent", "Held", "Offline shadow price"], range=["#e45756", "#f2a541", "#72b7b2"])

studio = common.studio()
user = common.require_user()
ref = common.require_project()


def spend_table(rows: tuple[SpendRow, ...], what: str, *, units: bool = False) -> pd.DataFrame:
    table = pd.DataFrame({
        what: [row.label for row in rows],
        "Spent": [float(row.credits) for row in rows],
        "Held": [float(row.held_credits) for row in rows],
        "Offline shadow price": [float(row.shadow_credits) for row in rows],
        "Calls": [row.calls for row in rows],
    })
    if units:
        table["Units"] = [row.quantity for row in rows]
    return table


def show_table(table: pd.DataFrame) -> None:
    money = {name: st.column_config.NumberColumn(name, format=MONEY_FORMAT)
             for name in ("Spent", "Held", "Offline shadow price", "Credits", "At online prices",
                          "Estimated cost")}
    when = {"When": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm")}
    st.dataframe(table, hide_index=True, width="stretch", column_config={**money, **when})


def bar_chart(table: pd.DataFrame, what: str) -> alt.Chart:
    """Spent, held and shadow price side by side per group: offline work shows what it would have cost."""
    long = table.melt(id_vars=[what], value_vars=["Spent", "Held", "Offline shadow price"],
                      var_name="Kind", value_name="Credits")
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y(f"{what}:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)), yOffset="Kind:N",
        x=alt.X("Credits:Q", title="Dollars"),
        color=alt.Color("Kind:N", scale=KINDS, legend=alt.Legend(orient="bottom", title=None)),
        tooltip=[what, "Kind", alt.Tooltip("Credits:Q", format="$.4f")],
    )


def time_chart(rows: tuple[SpendRow, ...]) -> alt.Chart:
    days = pd.DataFrame({"Day": [pd.Timestamp(row.key) for row in rows],
                         "Spent": [float(row.credits) for row in rows],
                         "Held": [float(row.held_credits) for row in rows],
                         "Offline shadow price": [float(row.shadow_credits) for row in rows]})
    cumulative = days.set_index("Day").cumsum().reset_index().melt("Day", var_name="Kind", value_name="Credits")
    return alt.Chart(cumulative).mark_line(point=True).encode(
        x=alt.X("Day:T", title=None), y=alt.Y("Credits:Q", title="Cumulative dollars"),
        color=alt.Color("Kind:N", scale=KINDS, legend=alt.Legend(orient="bottom", title=None)),
        tooltip=[alt.Tooltip("Day:T"), "Kind", alt.Tooltip("Credits:Q", format="$.4f")],
    )


def change_label(entry: Invalidation) -> str:
    """`Stage 7 · Shot list, scene 3 (edited)`: the change an invalidation logged."""
    if entry.stage_number is None:
        return "—"
    where = f", scene {entry.scene_number}" if entry.scene_number is not None else ""
    how = {"edit": " (edited)", "regenerate": " (regenerated)"}.get(entry.change_kind or "", "")
    return f"Stage {stage(entry.stage_number).label}{where}{how}"


def none_or_float(amount: Decimal | None) -> float | None:
    return None if amount is None else float(amount)


st.title("Costs")
try:
    dashboard = cost_dashboard(studio.db, user.id, ref.project_id, ref.branch_id, studio.engines.estimator)
except NotFound as exc:
    st.error(str(exc))
    st.stop()

totals, projection = dashboard.totals, dashboard.projection
st.caption(f"**{dashboard.title}** · spend across all branches · projection for branch **{dashboard.branch_name}** "
           "· amounts in US dollars")

spent, budget, remaining, shadow, ahead = st.columns(5)
spent.metric("Spent", dollars(totals.spent), help="Settled provider calls, all branches.",
             delta=f"+{dollars(totals.held)} held" if totals.held else None, delta_color="off", delta_arrow="off")
budget.metric("Budget", dollars(totals.budget) if totals.budget is not None else "No cap")
remaining.metric("Remaining", dollars(totals.remaining) if totals.remaining is not None else "—",
                 help="The budget less what is spent and held by running jobs.")
shadow.metric("Offline shadow price", dollars(totals.shadow),
              help="What the work done offline would have cost on the configured online models.")
if projection is not None:
    ahead.metric("Projected to finish", dollars(projection.total),
                 delta=f"{dollars(projection.online_total)} at online prices" if projection.shadow_total else None,
                 delta_color="off", delta_arrow="off",
                 help="Every stage still to do on this branch, at the models that will run.")
else:
    ahead.metric("Projected to finish", "—")
if totals.over_budget:
    st.error(f"Over budget by {dollars(totals.over_budget)}: new paid work is refused until the budget is raised (Budget, below).")
if flash := st.session_state.pop("flash", None):
    st.success(flash)

if not dashboard.has_spend:
    st.info("No spend yet: nothing has been generated for this project. Spend appears here by stage, scene, "
            "branch, model and day as the stages run.", icon=":material/savings:")
else:
    by_stage, by_model = spend_table(dashboard.by_stage, "Stage"), spend_table(dashboard.by_model, "Model", units=True)
    left, right = st.columns(2)
    with left:
        st.subheader("By stage")
        st.altair_chart(bar_chart(by_stage, "Stage"), width="stretch")
        show_table(by_stage)
    with right:
        st.subheader("By provider and model")
        st.altair_chart(bar_chart(by_model, "Model"), width="stretch")
        show_table(by_model)
    st.subheader("Over time")
    st.altair_chart(time_chart(dashboard.by_day), width="stretch")
    left, right = st.columns(2)
    with left:
        st.subheader("By branch")
        show_table(spend_table(dashboard.by_branch, "Branch"))
    with right:
        st.subheader("By scene")
        show_table(spend_table(dashboard.by_scene, "Scene"))

st.subheader(f"To finish the film on {dashboard.branch_name}")
if projection is None:
    st.warning(f"No projection: {dashboard.projection_problem}")
elif not projection.lines:
    st.success("Nothing left to make on this branch.")
else:
    if projection.shots_from_target:
        st.caption(f"{projection.shots_from_target} shots have no shot list yet: they are estimated from the "
                   "target length (its maximum) at 8 s a shot.")
    rows = projection.rows()
    show_table(pd.DataFrame({
        "Stage": [stage(row["stage_number"]).label for row in rows], "Work": [row["what"] for row in rows],
        "Quantity": [row["quantity"] for row in rows], "Credits": [float(row["credits"]) for row in rows],
        "At online prices": [float(row["online_credits"]) for row in rows],
    }))
    st.caption(f"Price book {projection.price_book_version}.")

st.subheader("Invalidations")
if not dashboard.invalidations:
    st.info("No invalidations yet: no change has made earlier work stale.")
else:
    online = dashboard.invalidation_estimated_total + dashboard.invalidation_estimated_shadow_total
    st.caption(f"{dashboard.invalidation_count} invalidation(s), estimated at {dollars(online)} at online prices "
               f"({dollars(dashboard.invalidation_estimated_total)} on the models that ran) to regenerate.")
    entries = dashboard.invalidations
    show_table(pd.DataFrame({
        "When": [entry.created_at for entry in entries],
        "Branch": [entry.branch for entry in entries],
        "Type": [entry.invalidation_type.replace("_", " ") for entry in entries],
        "Change": [change_label(entry) for entry in entries],
        "Stage versions": [entry.stage_versions for entry in entries],
        "Scenes": [entry.scenes for entry in entries],
        "Shots": [entry.shots for entry in entries],
        "Frames": [entry.frames for entry in entries],
        "Clips": [entry.clips for entry in entries],
        "Estimated cost": [none_or_float(entry.estimated_cost) for entry in entries],
        "At online prices": [none_or_float(entry.estimated_online_cost) for entry in entries],
        "Acknowledged": [entry.acknowledged for entry in entries],
        "Why": [entry.why for entry in entries],
    }))

st.divider()
budget_col, history_col = st.columns([1, 2])
with budget_col:
    st.subheader("Budget")
    budget_form(studio, user, ref.project_id, totals.budget, key="costs_budget")
with history_col:
    st.subheader("Budget changes")
    budget_changes_table(studio, user, ref.project_id)

file_stem = re.sub(r"[^a-z0-9]+", "-", dashboard.title.lower()).strip("-") or "project"
st.download_button(
    f"Download the ledger as CSV ({totals.entries:,} rows)",
    data=lambda: ledger_csv(studio.db, user.id, ref.project_id),  # made on click, not on every rerun
    file_name=f"{file_stem}-ledger.csv", mime="text/csv", on_click="ignore", icon=":material/download:",
    disabled=not dashboard.has_spend, key="ledger_csv",
)
