"""The film, wherever a page shows it (Stage 12 and the hub): assemble it (cuts or short dissolves), watch it, its
length against the target, the scenes still missing, and every export to download."""

from __future__ import annotations

import streamlit as st

from core.errors import AiuteurError
from core.film.statuses import CutStatus
from core.production import exports
from core.production.downloads import file_name
from core.production.film import assemble, latest_cut
from core.runtime.auth import User
from core.runtime.studio import Studio
from core.story.projects import ProjectRef
from pages.ui.media_view import media_or_reason
from pages.ui.stage_frame import run_action

IN_FLIGHT = (CutStatus.QUEUED, CutStatus.RENDERING)


def film_panel(studio: Studio, user: User, ref: ProjectRef, title: str, *, key: str) -> None:
    """The branch's film: the newest cut, assembling a new one, and the downloads of the newest complete one."""
    st.subheader("The film")
    cut = latest_cut(studio, user.id, ref.branch_id)
    with st.form(f"{key}_assemble", border=False):
        dissolve = st.slider("Dissolve between shots (seconds; 0 = cuts)", 0.0, 1.0, 0.0, 0.25, key=f"{key}_dissolve")
        if st.form_submit_button("Assemble the film", icon=":material/movie_edit:"):
            if run_action(lambda: assemble(studio, user.id, ref.project_id, ref.branch_id, dissolve=dissolve),
                          retry_key=f"{key}_assemble"):
                st.session_state["flash"] = "Assembling the film: it appears here when it is ready."
                st.rerun()
    if cut is None:
        st.caption("Not assembled yet. Assembling now shows every shot: its clip, or its frame labelled "
                   "“not rendered”, so the cut can be seen early.")
        return
    _cut_state(studio, user, ref, cut, key)
    _downloads(studio, user, ref, title, key)


def _cut_state(studio: Studio, user: User, ref: ProjectRef, cut: dict, key: str) -> None:
    @st.fragment(run_every=2 if cut["status"] in IN_FLIGHT else None)
    def state() -> None:
        now = latest_cut(studio, user.id, ref.branch_id)
        if cut["status"] in IN_FLIGHT and now["status"] not in IN_FLIGHT:
            st.rerun()
        if now["status"] in IN_FLIGHT:
            st.info(f"Assembling {len(now['parts'])} shots…", icon=":material/hourglass_top:")
        elif now["status"] == CutStatus.FAILED:
            st.error(f"The assembly failed: {now['error']}", icon=":material/error:")
        else:
            _watch(studio, user, now)

    state()


def _watch(studio: Studio, user: User, cut: dict) -> None:
    seconds, target = float(cut["seconds"] or 0), cut["target_seconds"] or 0
    stills = sum(1 for p in cut["parts"] if p["kind"] != "clip")
    with media_or_reason():
        st.video(studio.media.for_browser(cut["media_key"], owner=user.id))
    against = f"{seconds - target:+.0f} s against the {target} s target" if target else ""
    st.caption(f"{seconds:.1f} s · {len(cut['parts'])} shots · {against}"
               + (f" · {stills} shot(s) not rendered yet (shown as their frame)" if stills else ""))
    if cut["missing_scenes"]:
        st.warning(f"Scenes not finished yet: {', '.join(map(str, cut['missing_scenes']))}.", icon=":material/pending:")


def _downloads(studio: Studio, user: User, ref: ProjectRef, title: str, key: str) -> None:
    try:
        cut = exports.film_cut(studio, user.id, ref.branch_id)
        timeline = exports.cut_of(studio, user.id, ref.project_id, cut)
    except AiuteurError:
        return
    files = [
        ("The film (.mp4)", lambda: studio.media.get(cut["media_key"], owner=user.id), file_name(title, "film", ".mp4"),
         "video/mp4"),
        ("Timeline (.otio)", lambda: exports.timeline_otio(timeline), file_name(title, "timeline", ".otio"),
         "application/json"),
        ("Edit list (.edl)", lambda: exports.timeline_edl(timeline), file_name(title, "cut", ".edl"),
         "text/plain"),
        ("Subtitles (.srt)", lambda: exports.dialogue_srt(timeline), file_name(title, "dialogue", ".srt"), "text/plain"),
        ("Frames (.zip)", lambda: exports.frames_archive(studio, user.id, ref.branch_id),
         file_name(title, "frames", ".zip"), "application/zip"),
    ]
    for column, (label, data, name, mime) in zip(st.columns(len(files)), files):
        column.download_button(label, data, file_name=name, mime=mime, key=f"{key}_dl_{name}",
                               icon=":material/download:")
