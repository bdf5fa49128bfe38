"""Dashboard: my films (click one to open it), rename or delete one, and a new one (Stage 1)."""

from __future__ import annotations

from uuid import UUID

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from core.costs.ledger import MONEY_FORMAT
from core.errors import InputRejected, NotFound
from core.pipeline import stage
from core.story.projects import ProjectRef, create_project, delete_project, list_projects, next_step, rename_project
from pages.ui import session as common
from pages.ui.budget_panel import budget_form
from pages.ui.input_form import stage_one_form, with_upload
from pages.ui.prose import escaped

studio = common.studio()
user = common.require_user()


def open_film(ref: ProjectRef) -> None:
    """Focus the film and go to the stage it works on next (staying here if that page isn't open to us)."""
    common.focus_project(ref.project_id, ref.branch_id)
    try:
        st.switch_page(next_step(studio.db, user.id, ref).page)
    except StreamlitAPIException:  # run on its own (no navigation), or the stage has no page yet
        st.rerun()


def branch_label(p: dict) -> str:
    others = p["branch_count"] - 1
    return p["branch_name"] + (f" (+{others} other branch{'es' if others > 1 else ''})" if others else "")


def films_table(projects: list[dict]) -> None:
    table = pd.DataFrame(
        {
            "Title": [p["title"] for p in projects],
            "Type": [p["project_type"].replace("_", "-") for p in projects],
            "Branch": [branch_label(p) for p in projects],
            "Current stage": [stage(p["current_stage"]).label for p in projects],
            "Created": [p["created_at"] for p in projects],
            "Spend": [float(p["spend_credits"]) for p in projects],
        }
    )
    st.caption("Click a row to open that film where its work is next. The current stage is the one the "
               "film's active branch has reached.")
    picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                          key="films_table",
                          column_config={"Spend": st.column_config.NumberColumn("Spend", format=MONEY_FORMAT)})
    rows = picked.selection.rows if picked else []
    if rows:
        chosen = projects[rows[0]]
        open_film(ProjectRef(chosen["id"], chosen["active_branch_id"]))


def rename_or_delete(projects: list[dict]) -> None:
    titles = {str(p["id"]): p["title"] for p in projects}
    chosen = st.selectbox("Film", list(titles), format_func=titles.get, key="manage_project")
    with st.form("rename_project", enter_to_submit=False):
        new_title = st.text_input("New title", value=titles[chosen], key=f"rename_title_{chosen}")
        slot = st.empty()
        if st.form_submit_button("Rename", icon=":material/edit:"):
            try:
                renamed = rename_project(studio.db, user.id, UUID(chosen), new_title)
            except (InputRejected, NotFound) as exc:
                slot.error(getattr(exc, "field_errors", {}).get("title") or str(exc))
            else:
                st.session_state["flash"] = f"Renamed to “{escaped(renamed['title'])}”."
                st.rerun()
    sure = st.checkbox(f"Yes, delete “{escaped(titles[chosen])}” with all its branches, versions and assets. "
                       "This can't be undone.", key=f"confirm_delete_{chosen}")
    if st.button("Delete film", icon=":material/delete:", type="primary", disabled=not sure, key="delete_project"):
        title = delete_project(studio.db, user.id, UUID(chosen))
        if st.session_state.get("project_id") == chosen:
            st.session_state.pop("project_id", None)
            st.session_state.pop("branch_id", None)
        st.session_state["flash"] = f"Deleted “{escaped(title)}”."
        st.rerun()


st.title("Your films")
projects = list_projects(studio.db, user.id)
if projects:
    films_table(projects)
    with st.expander("Rename or delete a film", icon=":material/edit_note:"):
        rename_or_delete(projects)
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
        st.session_state["toast"] = f"Created “{escaped(raw['title'].strip())}”."
        open_film(ref)

common.show_flash("toast")  # run on its own, the page stays here after creating a film
common.show_flash()  # after a rerun: the project made, renamed or deleted, or the budget set
