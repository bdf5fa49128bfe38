"""Stage 1 · Input: the project's configuration and source narrative, with its versions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import EditConflict, InputRejected, StageFrozen
from core.projects import revise_stage_one, stage_one_editable, stage_one_history
from pages import common
from pages.stage1_form import stage_one_form, with_upload

studio = common.studio()
user = common.require_user()
ref = common.require_project()

history = stage_one_history(studio.db, user.id, ref.branch_id)
latest = history[0]
st.title("Stage 1 · Input")
editable = stage_one_editable(studio.db, user.id, ref.branch_id)
if not editable:
    st.info("Stage 2 has begun on this branch, so Stage 1 is fixed. Branch the project to try other input.")

submitted, raw, slots = stage_one_form(
    "stage_one", latest["content"], disabled=not editable, submit_label=f"Save as version {latest['version'] + 1}"
)
if submitted:
    try:
        saved = revise_stage_one(studio.db, user.id, ref, with_upload(raw), seen_version=latest["version"])
    except InputRejected as exc:
        common.show_field_errors(slots, exc.field_errors)
    except (StageFrozen, EditConflict) as exc:
        slots["form"].error(str(exc))
    else:
        st.session_state["flash"] = f"Saved Stage 1 version {saved['version']}."
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
