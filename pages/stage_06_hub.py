"""Stage 6 · Script hub: every scene of the branch with its production status in plain words, shots and runtime,
spend so far and the cost to finish it, continuity warnings; filter by status, the film's progress, pick a scene
and go to its next stage; download the screenplay and the film's shot list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.costs.ledger import MONEY_FORMAT, about_dollars
from core.film.statuses import SceneStatus
from core.production.downloads import file_name, screenplay_file, shot_list_file
from core.production.hub import STATUS_WORDS, script_hub
from core.story.projects import project_overview
from pages.ui import session as common
from pages.ui.farm_panel import farm_panel
from pages.ui.film_panel import film_panel
from pages.ui.scene_session import focus_scene
from pages.ui.stage_frame import engine_caption, require_stage_open, run_action

NUMBER = 6

studio = common.studio()
user = common.require_user()
ref = common.require_project()

st.title("Stage 6 · Script hub")
engine_caption(studio)
require_stage_open(studio, user.id, ref, NUMBER)
if flash := st.session_state.pop("flash", None):
    st.success(flash)

hub = run_action(lambda: script_hub(studio, user.id, ref.project_id, ref.branch_id), retry_key="s6_hub")
if hub is None:
    st.stop()
if not hub.scenes:
    st.info("No scenes yet: lock Stage 5 and the locked script's scenes appear here.")
    st.stop()

finished = sum(1 for s in hub.scenes if s.status is SceneStatus.VIDEO_COMPLETE)
st.progress(hub.progress, text=f"The film: {finished} of {len(hub.scenes)} scenes finished · shot lists add up to "
                               f"{hub.runtime} s (target {hub.target_min}–{hub.target_max} s)")
to_finish = sum((s.to_finish for s in hub.scenes), start=0)
online = sum((s.to_finish_online for s in hub.scenes), start=0)
spent = sum((s.spent for s in hub.scenes), start=0)
left, middle, right = st.columns(3)
left.metric("Spent on scenes", about_dollars(spent))
middle.metric("To finish every scene", about_dollars(to_finish))
right.metric("To finish, at online prices", about_dollars(online))

statuses = st.multiselect("Show scenes that are", list(SceneStatus), key="s6_filter",
                          format_func=lambda s: s.replace("_", " "))
shown = hub.with_status(set(statuses))
table = pd.DataFrame([{
    "Scene": s.number, "Heading": s.slug, "Status": s.status.replace("_", " "), "What it means": s.explanation,
    "Shots": s.shots, "Runtime (s)": s.seconds, "Spent": float(s.spent), "To finish": float(s.to_finish),
    "Warnings": " ".join(s.warnings), "Next": s.next_stage.label if s.next_stage else "—", "Opens with": s.excerpt,
} for s in shown])
picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                      key="s6_table", column_config={
                          "Spent": st.column_config.NumberColumn(format=MONEY_FORMAT),
                          "To finish": st.column_config.NumberColumn(format=MONEY_FORMAT),
                          "What it means": st.column_config.TextColumn(width="large"),
                          "Opens with": st.column_config.TextColumn(width="large"),
                      })
rows = picked.selection.rows if picked and picked.selection else []
if not shown:
    st.caption("No scene has that status.")
elif rows:
    scene = shown[rows[0]]
    with st.container(border=True):
        st.markdown(f"**Scene {scene.number} · {scene.slug}** — {STATUS_WORDS[scene.status]}")
        for warning in scene.warnings:
            st.warning(warning, icon=":material/warning:")
        if scene.next_stage and st.button(f"Go to Stage {scene.next_stage.label} for scene {scene.number}",
                                          type="primary", key="s6_go", icon=scene.next_stage.icon):
            focus_scene(scene.number)
            st.switch_page(scene.next_stage.page)
else:
    st.caption("Pick a scene in the table to go to its next stage.")

st.subheader("Downloads")
title = project_overview(studio.db, user.id, ref.project_id)["project"]["title"]
fountain = run_action(lambda: screenplay_file(studio, user.id, ref.project_id, ref.branch_id), retry_key="s6_fountain")
one, two = st.columns(2)
if fountain:
    one.download_button("The screenplay (.fountain)", fountain, file_name=file_name(title, "screenplay", ".fountain"),
                        mime="text/plain", icon=":material/download:", key="s6_dl_fountain")
two.download_button("The film's shot list (.csv)", shot_list_file(studio, user.id, ref.branch_id),
                    file_name=file_name(title, "shot-list", ".csv"), mime="text/csv", icon=":material/download:",
                    key="s6_dl_csv")

farm_panel(studio, user, ref, key="s6_farm")
film_panel(studio, user, ref, title, key="s6_film")
