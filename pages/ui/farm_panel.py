"""The render farm on a page (the hub for the film, Stage 12 for a scene): render at a confirmed price, what is
rendering now (jobs by state per scene, the workers and what each runs, throughput, ETA), cancel."""

from __future__ import annotations

from uuid import UUID

import pandas as pd
import streamlit as st

from core.costs.ledger import dollars
from core.production import farm
from core.production.farm_view import farm_view, time_left
from core.runtime.auth import User
from core.runtime.studio import Studio
from core.story.projects import ProjectRef
from pages.ui.stage_frame import run_action


def farm_panel(studio: Studio, user: User, ref: ProjectRef, *, key: str, scene: UUID | None = None) -> None:
    """Render the film (or one scene) on the workers, and watch it."""
    what = "this scene" if scene else "the whole film"
    st.subheader("Render farm")
    with st.container(border=True):
        animatic = not studio.engines.estimator.models.video.startswith("offline:") and st.toggle(
            "As the free offline animatic", key=f"{key}_animatic")
        quote = run_action(lambda: farm.render_quote(studio, user.id, ref, [scene] if scene else None,
                                                     offline=animatic), retry_key=f"{key}_quote")
        if quote is not None and (quote.frame_count or quote.clip_count):
            online = f" (online about {dollars(quote.shadow_total)})" if quote.shadow_total else ""
            st.markdown(f"Render {what}: **{quote.frame_count} frame(s)** and **{quote.clip_count} clip(s)** on "
                        f"`{quote.video_model}` — **{dollars(quote.total)}**{online}. Frames are approved as they are "
                        "drawn; review and redraw any afterwards.")
            if st.button(f"Confirm and render · {dollars(quote.total)}", type="primary", key=f"{key}_render",
                         icon=":material/rocket_launch:"):
                started = run_action(lambda: farm.render(studio, user.id, ref, quote.key, [scene] if scene else None,
                                                         offline=animatic), retry_key=f"{key}_render")
                if started:
                    st.session_state["flash"] = f"Rendering {what}: {len(started['jobs'])} job(s) queued."
                    st.rerun()
        elif quote is not None:
            st.caption(f"Nothing left to render in {what}: every frame is drawn and every clip rendered or rendering.")
    _live(studio, user, ref, key)


def _live(studio: Studio, user: User, ref: ProjectRef, key: str) -> None:
    view = farm_view(studio, user.id, ref.branch_id)

    @st.fragment(run_every=2 if view.remaining else None)
    def live() -> None:
        now = farm_view(studio, user.id, ref.branch_id)
        if view.remaining and not now.remaining:
            st.rerun()
        done = now.totals.get("succeeded", 0)
        total = sum(now.totals.values())
        if total:
            eta = f" · {time_left(now.eta_seconds)}" if now.eta_seconds is not None else ""
            st.progress(done / total, text=f"{done} of {total} job(s) done · {now.per_minute:.1f} a minute{eta}")
            st.dataframe(pd.DataFrame([{"Scene": n or "film", **states} for n, states in now.scenes.items()]).fillna(0),
                         hide_index=True, width="stretch")
        st.dataframe(pd.DataFrame([w.__dict__ for w in now.workers], columns=["name", "state", "doing"]),
                     hide_index=True, width="stretch")
        running = next((r for r in now.renders if r["status"] == "running"), None)
        if running and now.remaining and st.button("Cancel the render", key=f"{key}_cancel", icon=":material/stop:"):
            cancelled = run_action(lambda: farm.cancel_render(studio, user.id, running["id"]),
                                   retry_key=f"{key}_cancel")
            st.session_state["flash"] = f"Cancelled {cancelled or 0} job(s); their holds were released."
            st.rerun()

    live()
