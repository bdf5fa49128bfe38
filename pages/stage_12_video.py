"""Stage 12 · Video review: the scene's clips rendering live (queued → rendering → complete | failed, with the
message); play each, approve it, iterate one clip with guidance (only that shot re-renders and is charged), retry a
failed one. The scene is finished when every clip is approved. Below: the film, assembled from every scene."""

from __future__ import annotations

import streamlit as st

from core.costs.ledger import dollars
from core.film.statuses import CLIP_IN_FLIGHT, ClipStatus, SceneStatus
from core.production import clips as scene_clips
from core.story.projects import project_overview
from pages.ui import session as common
from pages.ui.farm_panel import farm_panel
from pages.ui.film_panel import film_panel
from pages.ui.media_view import media_or_reason
from pages.ui.scene_session import open_scene_stage
from pages.ui.stage_frame import run_action

NUMBER = 12

session = open_scene_stage(NUMBER, mirror=False)
studio, user, ref = session.studio, session.user, session.ref
project = common.require_project()

board = scene_clips.clip_board(studio, user.id, ref)
in_flight = any(row["clip"] and row["clip"]["status"] in CLIP_IN_FLIGHT for row in board)


def clip_card(row: dict) -> None:
    shot, clip, playable = row["shot"], row["clip"], row["playable"]
    st.markdown(f"**{shot['shot_id']}** · {shot['duration']} s · {clip['status'] if clip else 'no clip'}")
    with media_or_reason():
        if playable and studio.media.exists(playable["video_url"], owner=user.id):
            st.video(studio.media.for_browser(playable["video_url"], owner=user.id))
            st.caption(f"{playable['model']} · take {playable['version']}" + (
                f" · {dollars(playable['cost_credits'])}" if playable["cost_credits"] else ""))
    if shot["end_frame_note"]:
        st.caption(f":material/info: {shot['end_frame_note']}")
    if clip is None:
        return
    if clip["status"] in CLIP_IN_FLIGHT:
        rendering = f"On {clip['model'] or 'the video model'} now; it plays here when done."
        st.caption(":material/hourglass_top: " + (rendering if clip["status"] == ClipStatus.RENDERING
                                                   else "Waiting for a render worker."))
    elif clip["status"] == ClipStatus.FAILED:
        st.error(f"Failed: {clip['error_message']}", icon=":material/error:")
        if st.button("Retry", key=f"s12_retry_{clip['id']}", icon=":material/refresh:"):
            if run_action(lambda: scene_clips.retry_clip(studio, user.id, ref, clip["id"]), retry_key="s12_retry"):
                st.rerun()
    elif clip["status"] == ClipStatus.COMPLETE:
        # The key carries the stored state: an approval made in another tab shows here instead of being undone by it.
        key = f"s12_ok_{clip['id']}_{int(clip['approved'])}"
        approved = st.toggle("Approved", value=bool(clip["approved"]), key=key)
        if approved != bool(clip["approved"]):
            if run_action(lambda: scene_clips.approve_clip(studio, user.id, ref, clip["id"], approved),
                          retry_key="s12_ok"):
                st.rerun()
        iterate(shot)


def iterate(shot: dict) -> None:
    """One more take of this shot with the creator's direction: priced, confirmed, only this shot charged."""
    with st.popover("Iterate with guidance", icon=":material/edit:"):
        why = st.text_input("What should change in this take?", key=f"s12_why_{shot['id']}")
        price = scene_clips.iteration_quote(studio, user.id, ref, shot["id"])
        if st.button(f"Confirm and render this take · {dollars(price.total)}", key=f"s12_take_{shot['id']}"):
            if run_action(lambda: scene_clips.iterate_clip(studio, user.id, ref, shot["id"], why),
                          retry_key="s12_take"):
                st.session_state["flash"] = f"Queued a new take of {shot['shot_id']}."
                st.rerun()


@st.fragment(run_every=2 if in_flight else None)
def live_board() -> None:
    current = scene_clips.clip_board(studio, user.id, ref)
    if in_flight and not any(r["clip"] and r["clip"]["status"] in CLIP_IN_FLIGHT for r in current):
        st.rerun()
    done = sum(1 for r in current if r["clip"] and r["clip"]["status"] == ClipStatus.COMPLETE and r["clip"]["approved"])
    st.progress(done / len(current) if current else 0.0, text=f"{done} of {len(current)} clips approved")
    for start in range(0, len(current), 2):
        for column, row in zip(st.columns(2), current[start:start + 2]):
            with column, st.container(border=True):
                clip_card(row)


live_board()
if session.view().scene["status"] == SceneStatus.VIDEO_COMPLETE:
    st.success("Every clip of this scene is approved: the scene is finished.", icon=":material/check_circle:")

overview = project_overview(studio.db, user.id, project.project_id)
farm_panel(studio, user, project, key="s12_farm", scene=ref.scene_id)
film_panel(studio, user, project, overview["project"]["title"], key="s12_film")
