"""Stage 8 · Visual definition: each asset as this scene shows it — its inherited description, an override, status
tags (muddy, torn_shirt, …) that carry forward to later scenes until a scene clears them. Add, remove and clear tags;
the asset drawer adds or removes assets; a changed look gets its own reference image (priced first); lock."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.costs.ledger import dollars
from core.film.statuses import SceneStatus, StageStatus
from core.pipeline import stage
from core.production import instances
from core.production.edits import scene_context
from core.runtime.jobs import JobStatus
from db.jobs import UNFINISHED
from pages.ui.media_view import media_or_reason
from pages.ui.prose import escaped
from pages.ui.scene_session import open_scene_stage
from pages.ui.stage_frame import run_action

NUMBER = 8
COLUMNS = ["asset_id", "name", "asset_type", "inherited", "status_tags", "description_override", "carry_forward",
           "remove", "evidence", "manually_edited"]

session = open_scene_stage(NUMBER)
studio, user, ref = session.studio, session.user, session.ref

view = session.view()
seen = session.opened_version(view)
seen_version = seen["version"] if seen else 0
context = scene_context(studio, user.id, ref)

if view.scene["status"] == SceneStatus.CONTINUITY_BROKEN:
    st.warning("**Continuity broken.** An earlier scene now hands on a different look than when this scene was "
               "defined. Regenerate the definition (it reads the new inherited tags), or check the tags below and "
               "save them: either marks the continuity checked.", icon=":material/sync_problem:")


def instance_frame(content: dict) -> pd.DataFrame:
    rows = [{"asset_id": i.asset_id, "name": i.name, "asset_type": i.asset_type,
             "inherited": _inherited(i), "status_tags": ", ".join(i.status_tags),
             "description_override": i.description_override, "carry_forward": i.carry_forward, "remove": False,
             "evidence": i.evidence, "manually_edited": i.manually_edited}
            for i in instances.definition_of(content).instances]
    return pd.DataFrame(rows, columns=COLUMNS)


def _inherited(instance) -> str:
    if not instance.inherited_tags:
        return "—"
    return f"{', '.join(instance.inherited_tags)} (from scene {instance.inherited_from_scene_number})"


def show_version(version: dict) -> None:
    st.dataframe(instance_frame(version["content"]), hide_index=True, width="stretch", column_order=COLUMNS[1:7])


def image_board() -> None:
    """The scene's assets whose look changes, with their image or its job; polled while jobs are in flight."""
    count, estimate = instances.images_estimate(studio, user.id, ref)
    if count:
        cost = dollars(estimate.total) + (f" (offline; online about {dollars(estimate.shadow_total)})"
                                          if estimate.shadow_total else "")
        if st.button(f"Draw {count} changed look(s) · {cost}", key="s8_draw", icon=":material/brush:"):
            if run_action(lambda: instances.queue_instance_images(studio, user.id, ref), retry_key="s8_draw"):
                st.session_state["flash"] = f"Queued {count} scene asset image(s)."
                st.rerun()

    @st.fragment(run_every=2 if polling else None)
    def board() -> None:
        rows = [r for r in instances.instance_board(studio, user.id, ref)
                if r["status_tags"] or r["description_override"]]
        if polling and not any(r["job"] and r["job"]["status"] in UNFINISHED for r in rows):
            st.rerun()
        for column, row in zip(st.columns(4) * (len(rows) // 4 + 1), rows):
            with column, st.container(border=True):
                st.markdown(f"**{escaped(row['name'])}** · {', '.join(row['status_tags']) or 'override'}")
                key = row["image_key_url"] or row["asset_image_key"]
                with media_or_reason():
                    if key and studio.media.exists(key, owner=user.id):
                        st.image(studio.media.for_browser(key, owner=user.id), width="stretch",
                                 caption="this scene's look" if row["image_key_url"] else "the asset (not redrawn yet)")
                job = row["job"]
                if job and job["status"] in UNFINISHED:
                    st.caption(":material/hourglass_top: Drawing…")
                elif job and job["status"] == JobStatus.FAILED:
                    st.error(f"Failed: {job['error']}", icon=":material/error:")

    board()


regenerate, why = False, ""
if seen is None:
    st.info(f"No visual definition for scene {context.number} yet. Each asset in the scene gets its look here: "
            "what it inherits from earlier scenes, and what this scene's action does to it.")
    regenerate = session.first_draft_button("Define the scene's look", "A visual definition")
else:
    locked = seen["status"] == StageStatus.LOCKED
    st.caption(f"Version {seen_version} · {seen['status']} · {len(seen['content']['instances'])} asset(s) in the scene")
    edited = st.data_editor(
        instance_frame(seen["content"]), key=session.versioned_key("instances", seen_version), hide_index=True,
        num_rows="fixed", width="stretch", column_order=COLUMNS[1:],
        disabled=True if locked else ["name", "asset_type", "inherited", "evidence", "manually_edited"],
        column_config={
            "name": "Asset", "asset_type": "Type", "inherited": "Inherited",
            "status_tags": st.column_config.TextColumn("Tags in this scene", help="comma-separated; empty clears all"),
            "description_override": st.column_config.TextColumn("Looks different here", width="medium"),
            "carry_forward": st.column_config.CheckboxColumn("Carries on", help="later scenes inherit these tags"),
            "remove": st.column_config.CheckboxColumn("Remove", help="not in this scene after all"),
            "evidence": st.column_config.TextColumn("Because the scene says", width="large"),
            "manually_edited": st.column_config.CheckboxColumn("Edited"),
        })
    if not locked:
        drawer = {str(a["id"]): a for a in instances.drawer(studio, user.id, ref)}
        add = st.multiselect("Asset drawer: add to this scene", list(drawer), key=session.versioned_key("add", seen_version),
                             format_func=lambda a: f"{drawer[a]['name']} · {drawer[a]['asset_type']}")
        rows = edited.to_dict("records")
        save = st.button("Save the visual definition", key="s8_save", icon=":material/save:")
        session.change("save", save, lambda preview, ack: instances.save_visual_edits(
            studio, user.id, ref, seen_version, rows, add, preview=preview, acknowledged=ack),
            "Saved the visual definition as version {version}.",
            make_preview=lambda: instances.edit_preview(studio, user.id, ref, seen_version, rows, add),
            unchanged=not add and rows == instance_frame(seen["content"]).to_dict("records"),
            happened="the scene's looks were edited")
        session.lock_button("Lock the visual definition", seen_version,
                            "Locked the visual definition (version {version}). On to the prompts.")
    else:
        st.success(f"Visual definition locked (version {seen_version}). Next: the prompts.", icon=":material/lock:")
        st.page_link(stage(9).page, label=f"Go to Stage {stage(9).label}", icon=stage(9).icon)
    polling = any(r["job"] and r["job"]["status"] in UNFINISHED for r in instances.instance_board(studio, user.id, ref))
    st.subheader("Looks that change in this scene")
    image_board()
    regenerate, why = session.guidance_box(seen_version, placeholder="e.g. she stays dry, no continuity tags",
                                           estimate_label="A new visual definition")

session.regenerate(regenerate, seen_version, why, spinner="Reading the scene's looks…",
                   message="Wrote the visual definition as version {version}.")
if seen is not None:
    session.history_section(view, show_version, seen_version)
