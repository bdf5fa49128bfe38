"""Stage 2 · Treatment: three prose treatments of Stage 1 side by side; pick one, edit it, regenerate
with guidance, lock it to go on to the beat sheet."""

from __future__ import annotations

import streamlit as st

from core.film.statuses import StageStatus
from core.pipeline import stage
from core.story.edits import choose_treatment, stage_view
from core.story.projects import stage_one
from pages.ui import session as common
from pages.ui.prose import escaped, show_prose
from pages.ui.stage_frame import engine_caption, require_stage_open, stop_if_skipped
from pages.ui.stage_session import StageSession

NUMBER = 2
MIRROR_CHARS = 600

studio = common.studio()
user = common.require_user()
ref = common.require_project()
session = StageSession(studio, user, ref, NUMBER, prefix="s2")

st.title("Stage 2 · Treatment")
engine_caption(studio)
view = stage_view(studio, user.id, ref, NUMBER)
stop_if_skipped(view)
require_stage_open(studio, user.id, ref, NUMBER)

if flash := st.session_state.pop("flash", None):
    st.success(flash)


def rear_view_mirror() -> None:
    """What Stage 1 ended with: the film's shape and the start of its source."""
    first = stage_one(studio.db, user.id, ref.branch_id)["content"]
    genres = ", ".join(first["genres"]) or "no genre"
    st.caption(
        f":material/history_toggle_off: **Stage 1:** “{escaped(first['title'])}” · {first['input_mode']} · "
        f"{first['target_length_min']}–{first['target_length_max']} s · {genres} · "
        f"{first['tonal_guidance'] or 'no tonal guidance'}"
    )
    with st.expander("The source narrative"):
        narrative = first["narrative"]
        st.text(narrative[:MIRROR_CHARS] + ("…" if len(narrative) > MIRROR_CHARS else ""))


def show_version(version: dict) -> None:
    content = version["content"]
    if content.get("selected_variant") is None:
        for variant in content["variants"]:
            st.markdown(f"**{escaped(variant['label'])}** — {escaped(variant['prose'][:300])}…")
        return
    st.markdown(f"**Chosen: {escaped(content['variants'][content['selected_variant']]['label'])}**")
    show_prose(content["prose_treatment"])


rear_view_mirror()
seen = session.opened_version(view)
seen_version = seen["version"] if seen else 0
content = seen["content"] if seen else {}
chosen = content.get("selected_variant")

# --- the three treatments -----------------------------------------------------------------------
regenerate, why = False, ""
if seen is None:
    st.info("No treatments yet. The writer drafts three from your Stage 1 input: faithful, condensed "
            "and heightened.")
    regenerate = session.first_draft_button("Generate treatments", "Three treatments")
else:
    st.caption(f"Version {seen_version} · {seen['status']}")
    picked = None
    for index, (column, variant) in enumerate(zip(st.columns(3), content["variants"])):
        with column, st.container(border=True):
            st.subheader(variant["label"])
            st.caption(variant["approach"])
            with st.container(height=360, border=False):  # long treatments scroll, the buttons stay level
                show_prose(variant["prose"])
            label = "Chosen" if chosen == index else "Use this one"
            if st.button(label, key=f"s2_use_{index}", disabled=chosen == index, width="stretch",
                         icon=":material/check_circle:" if chosen == index else None):
                picked = index
    if picked is not None:
        st.session_state["s2_pick"] = picked
    session.change(
        "choose", picked is not None,
        lambda preview, ack: choose_treatment(studio, user.id, ref, seen_version, st.session_state["s2_pick"],
                                              preview=preview, acknowledged=ack),
        "Chose a treatment: version {version}.",
    )

# --- the chosen treatment, editable -------------------------------------------------------------
if chosen is not None:
    st.subheader(f"Your treatment · from “{content['variants'][chosen]['label']}”")
    prose = st.text_area("Treatment", value=content["prose_treatment"], height=320,
                         key=session.versioned_key("prose", seen_version))
    save = st.button("Save edit", key="s2_save_edit", icon=":material/save:")
    session.change(
        "edit", save,
        lambda preview, ack: choose_treatment(studio, user.id, ref, seen_version, chosen, prose=prose,
                                              preview=preview, acknowledged=ack),
        "Saved your edit as version {version}.",
        unchanged=prose.strip() == content["prose_treatment"].strip(),
    )

# --- lock ---------------------------------------------------------------------------------------
if seen is not None and seen["status"] == StageStatus.LOCKED:
    st.success(f"Treatment locked (version {seen_version}). The beat sheet is written from it; a change here "
               "makes a new version and the locked one stays in the history.", icon=":material/lock:")
    st.page_link(stage(3).page, label=f"Go to Stage {stage(3).label}", icon=stage(3).icon)
elif seen is not None and seen["status"] != StageStatus.DRAFT:
    st.warning(f"Version {seen_version} is {seen['status']}; regenerate or restore a version to go on.")
elif chosen is not None:
    session.lock_button("Lock treatment", seen_version,
                        "Locked the treatment (version {version}). On to the beat sheet.")
elif seen is not None:
    st.caption("Use one of the three treatments to edit it, lock it and go on to the beat sheet.")

# --- regenerate with guidance -------------------------------------------------------------------
if seen is not None:
    regenerate, why = session.guidance_box(seen_version, placeholder="e.g. darker, more about Tomas, end at sea",
                                           estimate_label="Three new treatments")
session.regenerate(regenerate, seen_version, why, spinner="Writing three treatments…",
                   message="Wrote three treatments as version {version}.")

# --- history ------------------------------------------------------------------------------------
session.history_section(view, show_version, seen_version)
