"""Stage 7 · Shot list: one scene broken into shots. Generate it from the scene's own text, edit it in the table
(change, add, delete, reorder, split a shot in two, merge two), regenerate with guidance, lock. Shown: the scene's
runtime and the film's against the target length."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.film.shot_edits import COLUMNS, shot_rows
from core.film.statuses import StageStatus
from core.pipeline import stage
from core.production import shot_lists
from core.production.downloads import file_name, shot_list_file
from core.production.edits import scene_context
from pages.ui.prose import escaped
from pages.ui.scene_session import open_scene_stage
from pages.ui.stage_frame import run_action

NUMBER = 7
# What happens and what is said first: at a laptop's width the camera and cast columns would push the action off the
# right edge, where a creator has to scroll to find it.
FIRST = ("shot_id", "order", "duration", "action", "dialogue")
SHOWN = FIRST + tuple(c for c in COLUMNS if c not in FIRST)

session = open_scene_stage(NUMBER)
studio, user, ref = session.studio, session.user, session.ref

view = session.view()
seen = session.opened_version(view)
seen_version = seen["version"] if seen else 0
context = scene_context(studio, user.id, ref)
durations = list(context.video.durations)
st.caption(f":material/movie: Shots are {', '.join(map(str, durations))} s long: the lengths {context.video.label} "
           "renders" + (" (the offline engine plans for it, so the plan renders online unchanged)."
                        if studio.engines.offline else "."))


def shots_frame(content: dict) -> pd.DataFrame:
    return pd.DataFrame(shot_rows(shot_lists.shots_of(content)), columns=COLUMNS)


def show_version(version: dict) -> None:
    st.dataframe(shots_frame(version["content"]), hide_index=True, width="stretch",
                 column_order=[c for c in SHOWN if c in COLUMNS[:10]])


def runtime_caption() -> None:
    runtime = run_action(lambda: shot_lists.scene_runtime(studio, user.id, ref), retry_key="s7_runtime")
    if runtime:
        st.caption(f":material/timer: This scene runs {runtime.scene_seconds} s. The film's shot lists "
                   f"({runtime.scenes_listed} of {runtime.scenes} scenes) add up to {runtime.film_seconds} s: "
                   f"{runtime.verdict}.")


regenerate, why = False, ""
if seen is None:
    st.info(f"No shot list for scene {context.number} yet. It is broken down from the scene's own text: "
            f"{len(context.lines)} line(s) of dialogue, {len(context.characters)} character(s).")
    regenerate = session.first_draft_button("Generate the shot list", "A shot list")
else:
    locked = seen["status"] == StageStatus.LOCKED
    st.caption(f"Version {seen_version} · {seen['status']} · {len(seen['content']['shots'])} shot(s)")
    runtime_caption()
    edited = st.data_editor(
        shots_frame(seen["content"]), key=session.versioned_key("shots", seen_version), hide_index=True,
        num_rows="fixed" if locked else "dynamic", width="stretch", column_order=SHOWN, disabled=True if locked else ["shot_id",
                                                                                                 "manually_edited"],
        column_config={
            "shot_id": st.column_config.TextColumn("Shot", width="small"),
            "order": st.column_config.NumberColumn("Order", min_value=1, step=1, width="small",
                                                   help="Change the number to move the shot"),
            "duration": st.column_config.SelectboxColumn("Seconds", options=durations, required=True, width=95),
            "camera": st.column_config.TextColumn("Camera", help="framing · movement · angle · note"),
            "characters": st.column_config.TextColumn("Characters", help="NAME (lead|supporting|background), …"),
            "dialogue": st.column_config.TextColumn("Dialogue", width="large", help="NAME: words, one line each"),
            "action": st.column_config.TextColumn("Action", width="large"),
            "setting": st.column_config.TextColumn("Setting"),
            "props": st.column_config.TextColumn("Props"),
            "continuity_flags": st.column_config.TextColumn("Continuity"),
            "manually_edited": st.column_config.CheckboxColumn("Edited", width="small"),
            "split": st.column_config.CheckboxColumn("Split", width="small", help="Split this shot in two"),
            "merge_next": st.column_config.CheckboxColumn("Merge ↓", width="small",
                                                          help="Merge this shot with the next one"),
        })
    if not locked:
        rows = edited.to_dict("records")
        save = st.button("Save the shot list", key="s7_save", icon=":material/save:")
        session.change("save", save, lambda preview, ack: shot_lists.save_shot_edits(
            studio, user.id, ref, seen_version, rows, preview=preview, acknowledged=ack),
            "Saved the shot list as version {version}.",
            make_preview=lambda: shot_lists.edit_preview(studio, user.id, ref),
            unchanged=rows == shots_frame(seen["content"]).to_dict("records"), happened="the shot list was edited")
    if locked:
        st.success(f"Shot list locked (version {seen_version}). Next: the scene's visual definition.",
                   icon=":material/lock:")
        st.page_link(stage(8).page, label=f"Go to Stage {stage(8).label}", icon=stage(8).icon)
    else:
        session.lock_button("Lock the shot list", seen_version,
                            "Locked the shot list (version {version}). On to the visual definition.")
    regenerate, why = session.guidance_box(seen_version, placeholder="e.g. more close-ups, fewer shots, slower",
                                           estimate_label="A new shot list")
    st.download_button(f"Scene {context.number}'s shot list (.csv)", shot_list_file(studio, user.id, ref.branch_id,
                                                                                   ref.scene_id),
                       file_name=file_name(f"scene {context.number}", "shot-list", ".csv"), mime="text/csv",
                       icon=":material/download:", key="s7_dl_csv")

session.regenerate(regenerate, seen_version, why, spinner="Breaking the scene into shots…",
                   message="Wrote the shot list as version {version}.")
if seen is not None:
    session.history_section(view, show_version, seen_version)
st.caption(f"Scene {context.number}: {escaped(context.slug)}")
