"""What every generating stage page shares: the gate (and the skip for an imported screenplay), the
engine and cost captions, the invalidation preview every change goes behind, and clear provider errors
with a retry. What a page does with its versions is in `pages.ui.stage_session`."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.costs.estimates import Estimate
from core.costs.ledger import dollars
from core.errors import (
    AiuteurError,
    BudgetExceeded,
    EditConflict,
    ProviderError,
    StageFrozen,
    StageIncomplete,
    StageNotReady,
)
from core.invalidation.changes import ChangePreview, has_downstream_work
from core.pipeline import STAGES, scene_source, stage
from core.runtime.studio import Studio
from core.story.edits import gate
from core.story.projects import ProjectRef
from core.story.versions import StageView

STAGE_PAGES = {s.number: s.page for s in STAGES}


def require_stage_open(studio: Studio, user_id, ref: ProjectRef, number: int) -> None:
    """Stop the page with a clear message and a link when an upstream stage isn't locked."""
    stop_while_gated(lambda: gate(studio, user_id, ref, number))


def stop_while_gated(check: Callable[[], None]) -> None:
    """Run a stage's gate; while it refuses, stop the page with what to finish first and a link there."""
    try:
        check()
    except StageNotReady as exc:
        st.warning(str(exc), icon=":material/lock_open:")
        needed = stage(exc.needed_stage)
        if needed.available:
            st.page_link(needed.page, label=f"Go to Stage {needed.label}", icon=needed.icon)
        st.stop()


def opened_version(view, seen_key: str, load_key: str) -> dict | None:
    """The version this session works from (a stage's or a scene stage's view), kept across reruns under
    `seen_key`: a save made meanwhile in another session must then be refused as a conflict, not silently
    overwritten from this older view. Offers to load the newer one."""
    if view.latest is None:
        return None
    wanted = st.session_state.get(seen_key)
    seen = next((v for v in view.history if v["version"] == wanted), view.latest)
    st.session_state[seen_key] = seen["version"]
    if seen is not view.latest:
        st.warning(f"Version {view.latest['version']} was saved in another session after you opened "
                   f"version {seen['version']}.", icon=":material/sync_problem:")
        if st.button(f"Load version {view.latest['version']}", key=load_key):
            st.session_state[seen_key] = view.latest["version"]
            st.rerun()
    return seen


def show_done(row: dict | None, seen_key: str, message: str) -> None:
    """After a change (`row`, the version it wrote; nothing when none was made): remember that version under
    `seen_key`, say what happened (`message` formats `{version}`), show it."""
    if not row:
        return
    st.session_state[seen_key] = row["version"]
    st.session_state["flash"] = message.format(version=row["version"])
    st.rerun()


def stop_if_skipped(view: StageView) -> None:
    """Stop the page of a stage an imported screenplay skips, pointing on to the script."""
    if view.stage.number not in view.skipped:
        return
    script = scene_source()
    st.info(f"Skipped — an imported screenplay goes straight to Stage {script.number}.", icon=":material/skip_next:")
    if script.available:
        st.page_link(script.page, label=f"Go to Stage {script.label}", icon=script.icon)
    st.stop()


def engine_caption(studio: Studio) -> None:
    engines = studio.engines
    icon = ":material/offline_bolt:" if engines.offline else ":material/cloud:"
    st.caption(f"{icon} {engines.label}")


def estimate_caption(estimate: Estimate | None, what: str) -> None:
    """The cost of a generation before it is asked for (offline: free, with the online price beside it)."""
    if estimate is None:
        st.caption(f":material/savings: {what}: no model call, free.")
        return
    shadow = f" (offline; online it would be about {dollars(estimate.shadow_total)})" if estimate.shadow_total else ""
    st.caption(f":material/savings: {what}: estimated {dollars(estimate.total)}{shadow}.")


def preview_table(preview: ChangePreview, happened: str | None = None) -> None:
    """What would be invalidated, why (in the creator's words: `happened`), and what redoing it costs."""
    st.dataframe(pd.DataFrame(preview.creator_rows(happened), columns=["type", "becomes", "why", "how_many", "items"]),
                 hide_index=True, width="stretch", column_config={
                     "type": st.column_config.TextColumn("What"),
                     "becomes": st.column_config.TextColumn("Becomes"),
                     "why": st.column_config.TextColumn("Why", width="large"),
                     "how_many": st.column_config.TextColumn("How many"),
                     "items": st.column_config.ListColumn("Which"),
                 })
    total = sum((e.total for e in preview.estimates.values()), start=0)
    shadow = sum((e.shadow_total for e in preview.estimates.values()), start=0)
    st.markdown(f"**Estimated cost to regenerate it:** {dollars(total)}"
                + (f" (offline; online it would be about {dollars(shadow)})" if shadow else ""))


def run_action(action: Callable[[], object], *, retry_key: str) -> object | None:
    """Run a core action; show what went wrong plainly (with a retry for provider failures)."""
    try:
        return action()
    except ProviderError as exc:
        st.error(f"The model failed: {exc}", icon=":material/error:")
        st.caption("Nothing was saved or charged; your earlier versions are intact.")
        if exc.retryable:
            st.button("Retry", key=f"retry_{retry_key}", icon=":material/refresh:", on_click=_replay, args=(retry_key,))
    except BudgetExceeded as exc:
        st.error(str(exc), icon=":material/savings:")
    except (EditConflict, StageFrozen, StageIncomplete, StageNotReady) as exc:
        st.warning(str(exc))
    except AiuteurError as exc:
        st.error(str(exc))
    return None


def _replay(key: str) -> None:
    """Retry: guarded_change(key, ...) runs the change again on the rerun the click starts."""
    st.session_state[f"replay_{key}"] = True


def guarded_change(
    key: str,
    requested: bool,
    make_preview: Callable[[], ChangePreview],
    perform: Callable[[ChangePreview, bool], object],
    *,
    fork_at: int,
    happened: str | None = None,
) -> object | None:
    """Preview, then apply. When the change invalidates nothing it runs at once; otherwise the page
    shows what it would invalidate and what redoing that costs, and the creator proceeds, branches
    instead (fork here, then make the change on the new branch) or cancels (nothing changes).

    Returns what `perform` returned, once it ran.
    """
    pending = f"pending_{key}"  # holds the reviewed preview's key, never the preview: it is rebuilt each run
    requested = requested or st.session_state.pop(f"replay_{key}", False)  # after "branch instead"
    if not requested and pending not in st.session_state:
        return None
    preview = run_action(make_preview, retry_key=key)
    if preview is None:
        return None
    if requested and not has_downstream_work(preview):
        st.session_state.pop(pending, None)
        return run_action(lambda: perform(preview, False), retry_key=key)
    reviewed = preview.key if requested else st.session_state[pending]
    st.session_state[pending] = preview.key
    with st.container(border=True):
        st.warning("This change invalidates later work. Review it before anything changes:", icon=":material/warning:")
        if reviewed != preview.key:
            st.info("The branch changed since you reviewed this change; this is what it would do now.",
                    icon=":material/sync_problem:")
        preview_table(preview, happened)
        proceed, cancel = st.columns(2)
        if proceed.button("Proceed", key=f"{key}_proceed", type="primary", icon=":material/check:") \
                and reviewed == preview.key:
            st.session_state.pop(pending, None)
            return run_action(lambda: perform(preview, True), retry_key=key)
        if cancel.button("Cancel", key=f"{key}_cancel", icon=":material/close:"):
            st.session_state.pop(pending, None)
            st.rerun()
        with st.form(f"{key}_fork"):
            st.markdown("**…or branch instead:** keep this branch as it is and make the change on a new one.")
            name = st.text_input("New branch name", key=f"{key}_fork_name")
            why = st.text_input("Why (the branch's message)", key=f"{key}_fork_why")
            if st.form_submit_button("Branch and make the change here", icon=":material/call_split:"):
                _branch_then(key, name, why, fork_at)
    return None


def _branch_then(key: str, name: str, why: str, fork_at: int) -> None:
    """Fork at `fork_at`, switch to the fork, and replay the change there on the next run."""
    from core.branches.forks import fork, switch_branch
    from pages.ui import session as common

    studio, user, ref = common.studio(), common.require_user(), common.require_project()

    def fork_and_switch():
        branch = fork(studio.db, user.id, ref.project_id, ref.branch_id, fork_at, name, why)
        switch_branch(studio.db, user.id, ref.project_id, branch["id"])
        return branch

    branch = run_action(fork_and_switch, retry_key=f"{key}_fork")
    if branch is None:
        return
    st.session_state.pop(f"pending_{key}", None)
    st.session_state[f"replay_{key}"] = True
    common.focus_project(ref.project_id, branch["id"])
    st.session_state["flash"] = f"Forked “{branch['name']}” and switched to it; the change is made there."
    st.rerun()
