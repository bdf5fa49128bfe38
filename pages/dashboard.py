"""Dashboard: my projects, and a new one (Stage 1)."""

from __future__ import annotations

from uuid import UUID

import pandas as pd
import streamlit as st

from core.costs.ledger import MONEY_FORMAT
from core.errors import InputRejected
from core.pipeline import stage
from core.story.projects import create_project, list_projects
from pages.ui import session as common
from pages.ui.budget_panel import budget_form
from pages.ui.input_form import stage_one_form, with_upload

studio = common.studio()
user = common.require_user()

st.title("Your films")
projects = list_projects(studio.db, user.id)
if projects:
    table = pd.DataFrame(
        {
            "Title": [p["title"] for p in projects],
            "Type": [p["project_type"].replace("_", "-") for p in projects],
            "Current stage": [stage(p["current_stage"]).label for p in projects],
            "Created": [p["created_at"] for p in projects],
            "Spend": [float(p["spend_credits"]) for p in projects],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Spend": st.column_config.NumberColumn("Spend", format=MONEY_FORMAT)})
    with st.expander("Budget of a project", icon=":material/savings:"):
        titles = {str(p["id"]): p["title"] for p in projects}
        chosen = st.selectbox("Project", list(titles), format_func=titles.get, key="budget_project")
        budget = next(p["budget_credits"] for p in projects if str(p["id"]) == chosen)
        budget_form(studio, user, UUID(chosen), budget, key=f"dashboard_budget_{chosen}")
else:
    st.info("No projects yet. Start one below: a premise, a story or a screenplay.")

st.header("New project", anchor="new-project")
submitted, raw, slots = stage_one_form("new_project")
if submitted:
    try:
        ref = create_project(studio.db, user.id, with_upload(raw))
    except InputRejected as exc:
        common.show_field_errors(slots, exc.field_errors)
    else:
        common.focus_project(ref.project_id, ref.branch_id)
        st.session_state["flash"] = f"Created “{raw['title'].strip()}”."
        st.rerun()

if flash := st.session_state.pop("flash", None):
    st.toast(flash, icon=":material/movie:")  # after a rerun: the project made or the budget set
