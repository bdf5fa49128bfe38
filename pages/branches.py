"""Branches: the tree, each branch's timeline, fork, switch, compare, delete."""

from __future__ import annotations

from uuid import UUID

import pandas as pd
import streamlit as st

from core.branches.forks import branch_tree, compare, delete_branch, fork, scene_history, switch_branch, timeline
from core.costs.ledger import MONEY_FORMAT
from core.pipeline import STAGES, stage
from pages.ui import session as common
from pages.ui.stage_frame import run_action

studio = common.studio()
user = common.require_user()
ref = common.require_project()

st.title("Branches")
tree = run_action(lambda: branch_tree(studio.db, user.id, ref.project_id), retry_key="tree") or []
if flash := st.session_state.pop("flash", None):
    st.success(flash)
names = {str(b["id"]): b["name"] for b in tree}
current = next((b for b in tree if str(b["id"]) == str(ref.branch_id)), None)

st.dataframe(
    pd.DataFrame({
        "Branch": [("  " * b["depth"]) + ("● " if b["is_active"] else "") + b["name"] for b in tree],
        "Parent": [b["parent_name"] or "—" for b in tree],
        "Forked at": [stage(b["branched_at_stage"]).label if b["branched_at_stage"] else "—" for b in tree],
        "Why": [b["commit_message"] or "" for b in tree],
        "Created": [b["created_at"] for b in tree],
        "Stage reached": [stage(b["stage_reached"]).label if b["stage_reached"] else "—" for b in tree],
        "Spend": [float(b["spend_credits"]) for b in tree],
    }),
    hide_index=True, width="stretch", column_config={"Spend": st.column_config.NumberColumn("Spend", format=MONEY_FORMAT)},
)

switch_col, fork_col = st.columns(2)
with switch_col, st.container(border=True):
    st.subheader("Switch")
    target = st.selectbox("Work on branch", list(names), format_func=names.get, key="switch_to",
                          index=list(names).index(str(ref.branch_id)) if str(ref.branch_id) in names else 0)
    if st.button("Switch", key="switch", icon=":material/swap_horiz:", disabled=target == str(ref.branch_id)):
        if run_action(lambda: switch_branch(studio.db, user.id, ref.project_id, UUID(target)), retry_key="switch"):
            common.focus_project(ref.project_id, UUID(target))
            st.session_state["flash"] = f"Now on “{names[target]}”; every page follows it."
            st.rerun()

with fork_col, st.form("fork"):
    st.subheader("Fork")
    reached = current["stage_reached"] if current else 1
    at = st.selectbox("Fork at stage", [s.number for s in STAGES if s.number <= (reached or 1)],
                      index=max(0, (reached or 1) - 1), format_func=lambda n: stage(n).label, key="fork_at")
    name = st.text_input("New branch name", key="fork_name")
    why = st.text_input("Why (the branch's message)", key="fork_why")
    if st.form_submit_button("Fork from the current branch", icon=":material/call_split:"):
        made = run_action(lambda: fork(studio.db, user.id, ref.project_id, ref.branch_id, at, name, why), retry_key="fork")
        if made:
            st.session_state["flash"] = f"Forked “{made['name']}” at Stage {at}. Switch to it to work there."
            st.rerun()

st.subheader("Timeline")
shown = st.selectbox("Branch", list(names), format_func=names.get, key="timeline_branch",
                     index=list(names).index(str(ref.branch_id)) if str(ref.branch_id) in names else 0)
rows = run_action(lambda: timeline(studio.db, user.id, UUID(shown)), retry_key="timeline") or []
st.dataframe(
    pd.DataFrame({
        "Stage": [stage(r["stage_number"]).label for r in rows], "Version": [r["version"] for r in rows],
        "Status": [r["status"] for r in rows], "Created": [r["created_at"] for r in rows],
        "Guidance": [r["regeneration_guidance"] or "" for r in rows], "Model": [r["model"] or "—" for r in rows],
        "Cost": [float(r["cost_credits"]) for r in rows],
        "From branch": [r["inherited_from_branch"] or "" for r in rows],
    }),
    hide_index=True, width="stretch", column_config={"Cost": st.column_config.NumberColumn("Cost", format=MONEY_FORMAT)},
)

scene_versions = run_action(lambda: scene_history(studio.db, user.id, UUID(shown)), retry_key="scene_history") or []
if scene_versions:
    st.markdown("**Scene versions** · a re-locked script supersedes scenes; their work and spend are kept")
    st.dataframe(
        pd.DataFrame({
            "Scene": [r["scene_number"] for r in scene_versions], "Version": [r["version"] for r in scene_versions],
            "Heading": [r["slug"] for r in scene_versions],
            "State": ["live" if r["live"] else "superseded" for r in scene_versions],
            "Status": [r["status"] for r in scene_versions],
            "Shots": [r["shots"] for r in scene_versions], "Frames": [r["frames"] for r in scene_versions],
            "Clips": [r["clips"] for r in scene_versions],
            "Spend": [float(r["spend_credits"]) for r in scene_versions],
        }),
        hide_index=True, width="stretch",
    )

st.subheader("Compare")
if len(names) < 2:
    st.caption("Fork a branch to compare it with this one.")
else:
    left, right = st.columns(2)
    a = left.selectbox("Branch A", list(names), format_func=names.get, key="cmp_a")
    b = right.selectbox("Branch B", list(names), format_func=names.get, key="cmp_b", index=1)
    result = run_action(lambda: compare(studio.db, user.id, UUID(a), UUID(b)), retry_key="compare") if a != b else None
    if result is not None:
        st.dataframe(pd.DataFrame([{"Stage": stage(d.stage_number).label, "Change": d.change.value.replace("_", " "),
                                    f"{result.branch_a} v": d.version_a, f"{result.branch_b} v": d.version_b}
                                   for d in result.stages]), hide_index=True, width="stretch")
        for d in result.stages:
            if d.text_diff:
                with st.expander(f"Text diff · {stage(d.stage_number).label}"):
                    st.code(d.text_diff, language="diff")
        for title, diffs in (("Assets", result.assets), ("Scenes", result.scenes), ("Shots", result.shots)):
            if diffs:
                st.markdown(f"**{title} that differ**")
                st.dataframe(pd.DataFrame([{"What": d.label, "Change": d.change.value, "Fields": ", ".join(d.fields)}
                                           for d in diffs]), hide_index=True, width="stretch")
        if not result.differs:
            st.info("These branches hold the same work.")

st.subheader("Delete")
deletable = [bid for bid in names if bid != str(ref.branch_id) and not next(b for b in tree if str(b["id"]) == bid)["is_main"]]
if not deletable:
    st.caption("Main and the branch you're on can't be deleted.")
else:
    doomed = st.selectbox("Branch to delete", deletable, format_func=names.get, key="doomed")
    sure = st.checkbox(f"Yes, delete “{names[doomed]}” and everything on it", key="sure_delete")
    if st.button("Delete branch", key="delete", icon=":material/delete:", disabled=not sure, type="primary"):
        orphaned = run_action(lambda: delete_branch(studio.db, user.id, ref.project_id, UUID(doomed)), retry_key="delete")
        if orphaned is not None:
            st.session_state["flash"] = (f"Deleted “{names[doomed]}”. Media still used elsewhere was kept"
                                         f"{f'; {len(orphaned)} file(s) are no longer used' if orphaned else ''}.")
            st.rerun()
