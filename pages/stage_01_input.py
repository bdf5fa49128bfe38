"""Stage 1 · Input: the project's configuration and source narrative, with its versions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import EditConflict, InputRejected, NotFound, StageFrozen
from core.story.projects import revise_stage_one, stage_one_editable, stage_one_history
from pages.ui import session as common
from pages.ui.input_form import stage_one_form, with_upload

studio = common.studio()
user = common.require_user()
ref = common.require_project()

st.title("Stage 1 · Input")
history = stage_one_history(studio.db, user.id, ref.branch_id)
if not history:
    st.error("This branch has no Stage 1, or the project isn't yours. Pick a project in the sidebar.")
    st.stop()
latest = history[0]
# The version this session is editing, kept across reruns: a save made meanwhile in another session
# must then be refused as a conflict, not silently overwritten by this session's older form.
seen_key = f"stage_one_seen:{ref.branch_id}"
seen = next((h for h in history if h["version"] == st.session_state.get(seen_key)), latest)
st.session_state[seen_key] = seen["version"]
if seen["version"] != latest["version"]:
    st.warning(
        f"Version {latest['version']} was saved in another session after you opened version {seen['version']}."
    )
    if st.button(f"Discard my edits and load version {latest['version']}"):
        st.session_state[seen_key] = latest["version"]
        st.rerun()

editable = stage_one_editable(studio.db, user.id, ref.branch_id)
if not editable:
    st.info("Stage 2 has begun on this branch, so Stage 1 is fixed. Branch the project to try other input.")

# One form per version, so loading another version starts from its values, not this one's edits.
submitted, raw, slots = stage_one_form(
    f"stage_one_v{seen['version']}", seen["content"], disabled=not editable,
    submit_label=f"Save as version {seen['version'] + 1}", budget=False,
)
st.caption(":material/savings: The budget is the project's, not a Stage 1 setting: change it any time on the "
           "Costs page or the dashboard.")
if submitted:
    try:
        saved = revise_stage_one(studio.db, user.id, ref, with_upload(raw), seen_version=seen["version"])
    except InputRejected as exc:
        common.show_field_errors(slots, exc.field_errors)
    except (StageFrozen, EditConflict, NotFound) as exc:
        slots["form"].error(str(exc))
    else:
        st.session_state[seen_key] = saved["version"]
        st.session_state["flash"] = (
            f"Saved Stage 1 version {saved['version']}." if saved["version"] > seen["version"]
            else f"Nothing changed, so nothing was saved: Stage 1 is still version {saved['version']}."
        )
        st.rerun()

if flash := st.session_state.pop("flash", None):
    st.success(flash)

st.subheader("Versions")
st.dataframe(
    pd.DataFrame(
        {
            "Version": [h["version"] for h in history],
            "Status": [h["status"] for h in history],
            "Created": [h["created_at"] for h in history],
            "Changed": [", ".join((h["overrides"] or {}).get("changed", [])) or "—" for h in history],
        }
    ),
    hide_index=True,
    width="stretch",
)
