"""Dashboard: my projects, and a new one (Stage 1)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import InputRejected
from core.pipeline import stage
from core.story.projects import create_project, list_projects
from pages.ui import session as common
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
            "Spend (credits)": [float(p["spend_credits"]) for p in projects],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
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
    st.toast(flash, icon=":material/movie:")
