"""Stage 10 · Frames: per shot a start frame, and an end frame where the shot needs one, each drawn as a job on a
live board (progress, each frame, failures with their reason, per-frame retry). Each frame is seeded by the frame
before it and by the shot's reference images. Approve, or draw again with guidance (a new, priced request); lock
when every frame is approved."""

from __future__ import annotations

import streamlit as st

from core.costs.ledger import dollars
from core.film.statuses import StageStatus
from core.pipeline import stage
from core.production import frames as scene_frames
from pages.ui.media_view import media_or_reason
from pages.ui.scene_session import open_scene_stage
from pages.ui.stage_frame import guarded_change, run_action

NUMBER = 10
COLUMNS = 3

session = open_scene_stage(NUMBER, title="Frames")
studio, user, ref = session.studio, session.user, session.ref

view = session.view()
board = scene_frames.frame_board(studio, user.id, ref)
in_flight = any(slot.state in ("queued", "drawing") or slot.state.startswith("waiting") for slot in board)
missing = scene_frames.missing(studio, user.id, ref)


def draw_missing() -> None:
    """What drawing the frames still missing costs, and the button that queues them."""
    estimate = scene_frames.frames_estimate(studio, len(missing))
    online = f" (offline; online about {dollars(estimate.shadow_total)})" if estimate.shadow_total else ""
    if st.button(f"Draw {len(missing)} frame(s) · {dollars(estimate.total)}{online}", type="primary", key="s10_draw",
                 icon=":material/brush:"):
        queued = run_action(lambda: scene_frames.queue_frames(studio, user.id, ref), retry_key="s10_draw")
        if queued:
            st.session_state["flash"] = f"Queued {len(queued)} frame(s); each waits for the frame before it."
            st.rerun()


def frame_card(slot) -> None:
    st.markdown(f"**{slot.label}** · {slot.state}")
    frame = slot.frame
    with media_or_reason():
        if frame and studio.media.exists(frame["image_url"], owner=user.id):
            st.image(studio.media.for_browser(frame["image_url"], owner=user.id), width="stretch",
                     caption=f"seed {frame['seed']} · drawn {frame['regeneration_count'] + 1} time(s)")
    if slot.state == "failed":
        st.error(f"Failed: {slot.job['error']}", icon=":material/error:")
    elif slot.state == "not made":
        st.warning(slot.job["error"] or "Not made.", icon=":material/block:")
    if frame is None or slot.state in ("queued", "drawing"):
        return
    # The key carries the stored state: an approval made in another tab shows here instead of being undone by it.
    key = f"s10_ok_{frame['id']}_{int(frame['approved'])}"
    approved = st.toggle("Approved", value=bool(frame["approved"]), key=key)
    if approved != bool(frame["approved"]):
        if run_action(lambda: scene_frames.approve(studio, user.id, ref, frame["id"], approved), retry_key="s10_ok"):
            st.rerun()
    redraw(slot)


def redraw(slot) -> None:
    """Draw this frame again with guidance: a new request, behind the preview of what it invalidates."""
    key = f"s10_redraw_{slot.shot_id}_{slot.frame_type}"
    with st.popover("Draw again", icon=":material/refresh:"):
        why = st.text_input("What should change?", key=f"{key}_why", placeholder="e.g. she faces the window")
        estimate = scene_frames.frames_estimate(studio, 1)
        asked = st.button(f"Draw again · {dollars(estimate.total)}", key=f"{key}_go")
    done = guarded_change(key, asked, make_preview=lambda: scene_frames.regeneration_preview(
        studio, user.id, ref, slot.shot_id, slot.frame_type), perform=lambda preview, ack: scene_frames.queue_frames(
        studio, user.id, ref, only=(slot.shot_id, slot.frame_type), guidance=why, preview=preview, acknowledged=ack),
        fork_at=NUMBER, happened="a frame was drawn again")
    if done:
        st.session_state["flash"] = f"Queued {slot.label} again."
        st.rerun()


@st.fragment(run_every=2 if in_flight else None)
def live_board() -> None:
    current = scene_frames.frame_board(studio, user.id, ref)
    still_going = any(s.state in ("queued", "drawing") or s.state.startswith("waiting") for s in current)
    if in_flight and not still_going:
        st.rerun()  # the last frame finished: the whole page again (approve, lock)
    approved = sum(1 for s in current if s.state == "approved")
    st.progress(approved / len(current) if current else 0.0,
                text=f"{approved} of {len(current)} frames approved · "
                     f"{sum(1 for s in current if s.frame)} drawn")
    for start in range(0, len(current), COLUMNS):
        for column, slot in zip(st.columns(COLUMNS), current[start:start + COLUMNS]):
            with column, st.container(border=True):
                frame_card(slot)


if not board:
    st.info("This scene has no shots: lock its shot list first.")
    st.stop()
if missing:
    draw_missing()
live_board()

locked = view.locked
if locked:
    st.success(f"Frames locked (version {view.latest['version']}). Next: confirm the cost of the clips.",
               icon=":material/lock:")
    st.page_link(stage(11).page, label=f"Go to Stage {stage(11).label}", icon=stage(11).icon)
elif board and all(slot.state == "approved" for slot in board):
    if st.button("Lock the frames", type="primary", key="s10_lock", icon=":material/lock:"):
        if run_action(lambda: scene_frames.lock_frames(studio, user.id, ref), retry_key="s10_lock"):
            st.session_state["flash"] = "Locked the frames. The scene is ready for its clips."
            st.rerun()
elif view.latest is not None and view.latest["status"] == StageStatus.OUTDATED:
    st.warning("The frames were locked before a frame or an earlier stage changed: approve them again and lock.",
               icon=":material/sync_problem:")
else:
    st.caption("Lock the frames once every frame is drawn and approved.")
