"""Stage 9 · Prompt segmentation: per shot a frame prompt and a video prompt, merged from the shot, the scene's asset
instances (with their tags) and the locked style by a versioned template. Listed per shot: the reference images that
will be sent, whether the shot needs an end frame, each prompt's length against the model's limit. Edit (edits are
flagged), regenerate (with a model, optionally polished), lock."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.film.statuses import StageStatus
from core.film.video_models import measure_prompt
from core.production import prompts as scene_prompts
from core.production.edits import scene_context
from pages.ui.prose import escaped
from pages.ui.scene_session import open_scene_stage

NUMBER = 9
COLUMNS = ["shot_id", "frame_prompt", "video_prompt", "requires_end_frame", "manually_edited"]

session = open_scene_stage(NUMBER)
studio, user, ref = session.studio, session.user, session.ref

view = session.view()
seen = session.opened_version(view)
seen_version = seen["version"] if seen else 0
context = scene_context(studio, user.id, ref)
can_polish = not studio.engines.text.offline
polish = can_polish and st.toggle("Polish the merged prompts with the text model", key="s9_polish",
                                  help="The merge is free and the same offline and online; the polish rewords it "
                                       "(a priced call) and keeps every character, tag and line.")
options = {"polish": bool(polish)}


def prompt_frame(content: dict) -> pd.DataFrame:
    rows = [{"shot_id": p.shot_id, "frame_prompt": p.frame_prompt, "video_prompt": p.video_prompt,
             "requires_end_frame": p.requires_end_frame, "manually_edited": p.manually_edited}
            for p in scene_prompts.prompts_of(content).prompts]
    return pd.DataFrame(rows, columns=COLUMNS)


def checks(content: dict) -> pd.DataFrame:
    """What each shot sends, and whether its prompts fit the model."""
    prompts = scene_prompts.prompts_of(content)
    rows = []
    for p in prompts.prompts:
        video = measure_prompt(p.video_prompt, prompts.video_token_limit)
        frame = measure_prompt(p.frame_prompt, prompts.frame_token_limit)
        rows.append({"Shot": p.shot_id, "Reference images sent": ", ".join(f"{r.name} ({r.asset_type})"
                                                                           for r in p.references) or "none",
                     "End frame": ("yes" if p.requires_end_frame else "no") + (f" — {p.end_frame_note}"
                                                                              if p.end_frame_note else ""),
                     "Frame prompt": frame.message("frame prompt"), "Video prompt": video.message("video prompt"),
                     "Fits": "yes" if not (video.over or frame.over) else "no — shorten it"})
    return pd.DataFrame(rows)


def read_in_full(content: dict) -> None:
    """Each shot's two prompts as whole paragraphs, side by side: a table cell shows only their first line."""
    with st.expander(":material/article: Read the prompts in full"):
        for p in scene_prompts.prompts_of(content).prompts:
            frame, video = st.columns(2)
            frame.markdown(f"**{p.shot_id} · frame prompt** — {escaped(p.frame_prompt)}")
            video.markdown(f"**{p.shot_id} · video prompt** — {escaped(p.video_prompt)}")


def show_version(version: dict) -> None:
    st.dataframe(prompt_frame(version["content"]), hide_index=True, width="stretch")


regenerate, why = False, ""
if seen is None:
    st.info(f"No prompts for scene {context.number} yet. Each shot gets a frame prompt and a video prompt, merged "
            "from the locked shot list, the scene's looks and the visual style.")
    regenerate = session.first_draft_button("Make the prompts", "The prompts", options)
else:
    locked = seen["status"] == StageStatus.LOCKED
    if seen["status"] == StageStatus.OUTDATED:
        st.warning("**Out of date.** The shot list or the visual definition changed after these prompts were made. "
                   "Regenerate them to bring them in line.", icon=":material/sync_problem:")
    st.caption(f"Version {seen_version} · {seen['status']} · measured against "
               f"{seen['content'].get('video_model') or context.video.key}")
    edited = st.data_editor(
        prompt_frame(seen["content"]), key=session.versioned_key("prompts", seen_version), hide_index=True,
        num_rows="fixed", width="stretch", disabled=True if locked else ["shot_id", "manually_edited"],
        column_config={"shot_id": "Shot",
                       "frame_prompt": st.column_config.TextColumn("Frame prompt", width="large"),
                       "video_prompt": st.column_config.TextColumn("Video prompt", width="large"),
                       "requires_end_frame": st.column_config.CheckboxColumn("End frame"),
                       "manually_edited": st.column_config.CheckboxColumn("Edited")})
    st.dataframe(checks(seen["content"]), hide_index=True, width="stretch")
    read_in_full(seen["content"])
    if not locked:
        rows = edited.to_dict("records")
        save = st.button("Save the prompts", key="s9_save", icon=":material/save:")
        session.change("save", save, lambda preview, ack: scene_prompts.save_prompt_edits(
            studio, user.id, ref, seen_version, rows, preview=preview, acknowledged=ack),
            "Saved the prompts as version {version}.",
            make_preview=lambda: scene_prompts.edit_preview(studio, user.id, ref),
            unchanged=rows == prompt_frame(seen["content"]).to_dict("records"), happened="the prompts were edited")
        if seen["status"] == StageStatus.DRAFT:
            session.lock_button("Lock the prompts", seen_version,
                                "Locked the prompts (version {version}). The scene is ready for its frames.")
    else:
        st.success(f"Prompts locked (version {seen_version}). The scene is ready for its frames.",
                   icon=":material/lock:")
    regenerate, why = session.guidance_box(seen_version, placeholder="e.g. mention the storm in every shot",
                                           estimate_label="New prompts", options=options)

session.regenerate(regenerate, seen_version, why, spinner="Merging the prompts…",
                   message="Made the prompts as version {version}.", options=options)
if seen is not None:
    session.history_section(view, show_version, seen_version)
