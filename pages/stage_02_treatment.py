"""Stage 2 · Treatment: three prose treatments of Stage 1 side by side; pick one, edit it, regenerate
with guidance, lock it to go on to the beat sheet."""

from __future__ import annotations

import streamlit as st

from core.pipeline import stage
from core.projects import stage_one
from core.story import generate, generation_estimate, regeneration_preview
from core.story_edits import choose_treatment, edit_preview, lock_stage, restore_version, stage_view
from pages import common
from pages.stage_common import engine_caption, estimate_caption, guarded_change, require_stage_open, run_action
from pages.versions_panel import versions_panel

NUMBER = 2
MIRROR_CHARS = 600

studio = common.studio()
user = common.require_user()
ref = common.require_project()

st.title("Stage 2 · Treatment")
engine_caption(studio)
view = stage_view(studio, user.id, ref, NUMBER)
if NUMBER in view.skipped:
    st.info("Skipped — an imported screenplay goes straight to Stage 4.", icon=":material/skip_next:")
    if stage(4).available:
        st.page_link(stage(4).page, label=f"Go to Stage {stage(4).label}", icon=stage(4).icon)
    st.stop()
require_stage_open(studio, user.id, ref, NUMBER)

if flash := st.session_state.pop("flash", None):
    st.success(flash)


def rear_view_mirror() -> None:
    """What Stage 1 ended with: the film's shape and the start of its source."""
    first = stage_one(studio.db, user.id, ref.branch_id)["content"]
    genres = ", ".join(first["genres"]) or "no genre"
    st.caption(
        f":material/history_toggle_off: **Stage 1:** “{first['title']}” · {first['input_mode']} · "
        f"{first['target_length_min']}–{first['target_length_max']} s · {genres} · "
        f"{first['tonal_guidance'] or 'no tonal guidance'}"
    )
    with st.expander("The source narrative"):
        narrative = first["narrative"]
        st.text(narrative[:MIRROR_CHARS] + ("…" if len(narrative) > MIRROR_CHARS else ""))


# The version this session works from, kept across reruns: a save made meanwhile in another session
# must then be refused as a conflict, not silently overwritten from this session's older view.
seen_key = f"stage_two_seen:{ref.branch_id}"


def opened_version() -> dict | None:
    if view.latest is None:
        return None
    seen = next((v for v in view.history if v["version"] == st.session_state.get(seen_key)), view.latest)
    st.session_state[seen_key] = seen["version"]
    if seen is not view.latest:
        st.warning(f"Version {view.latest['version']} was saved in another session after you opened "
                   f"version {seen['version']}.", icon=":material/sync_problem:")
        if st.button(f"Load version {view.latest['version']}", key="s2_load_latest"):
            st.session_state[seen_key] = view.latest["version"]
            st.rerun()
    return seen


def done(row: dict | None, message: str) -> None:
    """After a change (`row`, the version it wrote; nothing when none was made): remember that version,
    say what happened, show it."""
    if not row:
        return
    st.session_state[seen_key] = row["version"]
    st.session_state["flash"] = message.format(version=row["version"])
    st.rerun()


def show_version(version: dict) -> None:
    content = version["content"]
    if content.get("selected_variant") is None:
        for variant in content["variants"]:
            st.markdown(f"**{variant['label']}** — {variant['prose'][:300]}…")
        return
    st.markdown(f"**Chosen: {content['variants'][content['selected_variant']]['label']}**")
    st.markdown(content["prose_treatment"])


rear_view_mirror()
seen = opened_version()
seen_version = seen["version"] if seen else 0
content = seen["content"] if seen else {}
chosen = content.get("selected_variant")

# --- the three treatments -----------------------------------------------------------------------
regenerate = False
why = ""
if seen is None:
    st.info("No treatments yet. The writer drafts three from your Stage 1 input: faithful, condensed "
            "and heightened.")
    estimate_caption(generation_estimate(studio, user.id, ref, NUMBER), "Three treatments")
    regenerate = st.button("Generate treatments", type="primary", key="s2_generate", icon=":material/auto_awesome:")
else:
    st.caption(f"Version {seen_version} · {seen['status']}")
    picked = None
    for index, (column, variant) in enumerate(zip(st.columns(3), content["variants"])):
        with column, st.container(border=True):
            st.subheader(variant["label"])
            st.caption(variant["approach"])
            with st.container(height=360, border=False):  # long treatments scroll, the buttons stay level
                st.markdown(variant["prose"])
            label = "Chosen" if chosen == index else "Use this one"
            if st.button(label, key=f"s2_use_{index}", disabled=chosen == index, width="stretch",
                         icon=":material/check_circle:" if chosen == index else None):
                picked = index
    if picked is not None:
        st.session_state["s2_pick"] = picked
    done(guarded_change(
        "s2_choose", picked is not None,
        make_preview=lambda: edit_preview(studio, user.id, ref, NUMBER),
        perform=lambda preview, ack: choose_treatment(studio, user.id, ref, seen_version, st.session_state["s2_pick"],
                                                      preview=preview, acknowledged=ack),
        fork_at=NUMBER,
    ), "Chose a treatment: version {version}.")

# --- the chosen treatment, editable -------------------------------------------------------------
if chosen is not None:
    st.subheader(f"Your treatment · from “{content['variants'][chosen]['label']}”")
    prose = st.text_area("Treatment", value=content["prose_treatment"], height=320,
                         key=f"s2_prose_v{seen_version}")
    save = st.button("Save edit", key="s2_save_edit", icon=":material/save:")
    if save and prose.strip() == content["prose_treatment"].strip():
        st.info("Nothing changed, so nothing was saved.")
        save = False
    done(guarded_change(
        "s2_edit", save,
        make_preview=lambda: edit_preview(studio, user.id, ref, NUMBER),
        perform=lambda preview, ack: choose_treatment(studio, user.id, ref, seen_version, chosen, prose=prose,
                                                      preview=preview, acknowledged=ack),
        fork_at=NUMBER,
    ), "Saved your edit as version {version}.")

# --- lock ---------------------------------------------------------------------------------------
if seen is not None and seen["status"] == "locked":
    st.success(f"Treatment locked (version {seen_version}). The beat sheet is written from it; a change here "
               "makes a new version and the locked one stays in the history.", icon=":material/lock:")
    st.page_link(stage(3).page, label=f"Go to Stage {stage(3).label}", icon=stage(3).icon)
elif seen is not None and seen["status"] != "draft":
    st.warning(f"Version {seen_version} is {seen['status']}; regenerate or restore a version to go on.")
elif chosen is not None:
    lock = st.button("Lock treatment", type="primary", key="s2_lock", icon=":material/lock:")
    done(lock and run_action(lambda: lock_stage(studio, user.id, ref, NUMBER, seen_version), retry_key="s2_lock"),
         "Locked the treatment (version {version}). On to the beat sheet.")
elif seen is not None:
    st.caption("Use one of the three treatments to edit it, lock it and go on to the beat sheet.")

# --- regenerate with guidance -------------------------------------------------------------------
if seen is not None:
    with st.container(border=True):
        why = st.text_input("Why regenerate? Guidance for the writer", key=f"s2_why_v{seen_version}",
                            placeholder="e.g. darker, more about Tomas, end at sea")
        estimate_caption(generation_estimate(studio, user.id, ref, NUMBER), "Three new treatments")
        regenerate = st.button("Regenerate with guidance", key="s2_regenerate", icon=":material/refresh:")


def write_treatments(preview, acknowledged: bool) -> dict:
    with st.spinner("Writing three treatments…"):
        return generate(studio, user.id, ref, NUMBER, seen_version=seen_version, guidance=why.strip(),
                        preview=preview, acknowledged=acknowledged)


done(guarded_change(
    "s2_generate", regenerate,
    make_preview=lambda: regeneration_preview(studio, user.id, ref, NUMBER),
    perform=write_treatments, fork_at=NUMBER,
), "Wrote three treatments as version {version}.")

# --- history ------------------------------------------------------------------------------------
asked: list[int] = []
versions_panel(view, show_version, asked.append)
if asked:
    st.session_state["s2_restore"] = asked[0]
done(guarded_change(
    "s2_restore", bool(asked),
    make_preview=lambda: edit_preview(studio, user.id, ref, NUMBER),
    perform=lambda preview, ack: restore_version(studio, user.id, ref, NUMBER, st.session_state["s2_restore"],
                                                 seen_version, preview=preview, acknowledged=ack),
    fork_at=NUMBER,
), f"Restored version {st.session_state.get('s2_restore')} as version {{version}}.")
