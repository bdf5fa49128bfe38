"""The budget control the dashboard and the costs page share: change the cap, see every change."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pandas as pd
import streamlit as st

from core.costs.budget import budget_history, budget_label, set_budget
from core.errors import InputRejected, NotFound
from core.runtime.auth import User
from core.runtime.studio import Studio


def budget_form(studio: Studio, user: User, project_id: UUID, budget: Decimal | None, *, key: str) -> None:
    """A form to set the project's budget in dollars (0 = no cap); saves, says so, reruns."""
    with st.form(key, enter_to_submit=False):
        amount = st.number_input("New budget in dollars (0 = no cap)", value=float(budget or 0), min_value=None,
                                 step=1.0, key=f"{key}_amount")
        slot = st.empty()
        if st.form_submit_button("Set budget", icon=":material/savings:"):
            _save(studio, user, project_id, amount, slot)


def _save(studio: Studio, user: User, project_id: UUID, amount: float, slot) -> None:
    try:
        change = set_budget(studio.db, user.id, project_id, amount or None)  # the form's 0 is "no cap"
    except (InputRejected, NotFound) as exc:
        slot.error(_message(exc))
        return
    if change is None:
        slot.info("That is the budget already; nothing changed.")
        return
    st.session_state["flash"] = (f"Budget changed from {budget_label(change['old_budget'])} "
                                 f"to {budget_label(change['new_budget'])}.")
    st.rerun()


def _message(exc: Exception) -> str:
    return "; ".join(exc.field_errors.values()) if isinstance(exc, InputRejected) else str(exc)


def budget_changes_table(studio: Studio, user: User, project_id: UUID) -> None:
    """Who changed the budget, when, from what to what."""
    changes = budget_history(studio.db, user.id, project_id)
    if not changes:
        st.caption("The budget has never been changed.")
        return
    st.dataframe(pd.DataFrame({
        "When": [c["created_at"] for c in changes],
        "Who": [user.email if c["changed_by"] == user.id else "another account" for c in changes],
        "From": [budget_label(c["old_budget"]) for c in changes],
        "To": [budget_label(c["new_budget"]) for c in changes],
    }), hide_index=True, width="stretch",
        column_config={"When": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm")})

