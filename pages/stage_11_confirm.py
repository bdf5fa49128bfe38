"""Stage 11 · Confirmation: the exact cost of rendering the scene's clips — each shot's seconds times the video
model's price per second, and the total — the budget before and after, and an explicit confirm. Nothing is queued
without it; the charge held for each clip is the price shown. Or render the free offline animatic of the scene first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.costs.ledger import MONEY_FORMAT, dollars
from core.pipeline import stage
from core.production import clips as scene_clips
from pages.ui.scene_session import open_scene_stage
from pages.ui.stage_frame import run_action

NUMBER = 11

session = open_scene_stage(NUMBER, mirror=False)
studio, user, ref = session.studio, session.user, session.ref

quote = run_action(lambda: scene_clips.quote(studio, user.id, ref), retry_key="s11_quote")
if quote is None:
    st.stop()
if not quote.lines:
    st.success("Every shot of this scene has a clip rendered or rendering.", icon=":material/check_circle:")
    if not session.view().locked:  # the frames were locked again since: the review waits for this page's word
        st.info("The frames were locked again after the clips were confirmed. Nothing new needs rendering: confirm "
                "that to review the clips.", icon=":material/sync_problem:")
        if st.button("Confirm · nothing to render, $0.00", type="primary", key="s11_nothing",
                     icon=":material/check:"):
            if run_action(lambda: scene_clips.confirm_render(studio, user.id, ref, quote.key),
                          retry_key="s11_nothing") is not None:
                st.switch_page(stage(12).page)
        st.stop()
    st.page_link(stage(12).page, label=f"Go to Stage {stage(12).label}", icon=stage(12).icon)
    st.stop()

st.markdown(f"**{len(quote.lines)} clip(s), {quote.seconds} s of video on `{quote.model}`** "
            f"(price book {quote.price_book_version})")
st.dataframe(pd.DataFrame([{"Shot": line.shot_id, "Seconds": line.seconds, "Price a second": float(line.unit_price),
                            "Cost": float(line.credits)} for line in quote.lines]), hide_index=True, width="stretch",
             column_config={"Price a second": st.column_config.NumberColumn(format=MONEY_FORMAT),
                            "Cost": st.column_config.NumberColumn(format=MONEY_FORMAT)})
before, total, after = st.columns(3)
budget = quote.budget
before.metric("Budget left before", "no cap" if budget.remaining is None else dollars(budget.remaining))
total.metric("This scene's clips", dollars(quote.total),
             delta=f"{dollars(quote.shadow_total)} at online prices" if quote.shadow_total else None,
             delta_color="off", delta_arrow="off")  # the online price beside it: no rise, so no up arrow
after.metric("Budget left after", "no cap" if quote.remaining_after is None else dollars(quote.remaining_after))
if not budget.fits:
    st.error(f"Over budget. {budget.message()} Raise the budget on the dashboard or the costs page, or render the "
             "free animatic.", icon=":material/savings:")

confirm, animatic = st.columns(2)
if confirm.button(f"Confirm and render · {dollars(quote.total)}", type="primary", key="s11_confirm",
                  icon=":material/play_circle:", disabled=not budget.fits):
    queued = run_action(lambda: scene_clips.confirm_render(studio, user.id, ref, quote.key), retry_key="s11_confirm")
    if queued:
        st.session_state["flash"] = f"Confirmed {dollars(quote.total)}: {len(queued)} clip(s) queued."
        st.switch_page(stage(12).page)
if not quote.model.startswith("offline:"):
    offline = scene_clips.quote(studio, user.id, ref, offline=True)
    if animatic.button("Render the free offline animatic instead", key="s11_animatic", icon=":material/movie:"):
        queued = run_action(lambda: scene_clips.confirm_render(studio, user.id, ref, offline.key, offline=True),
                            retry_key="s11_animatic")
        if queued:
            st.session_state["flash"] = f"Queued {len(queued)} animatic clip(s) (free)."
            st.switch_page(stage(12).page)
st.caption("The charge held for each clip is exactly its line above; it is released if the clip fails.")
