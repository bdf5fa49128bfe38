"""Stage 5 · Global assets: the characters, locations and props of the locked script, the visual style,
a reference image each (drawn by the workers, watched live), the creator's library, lock to open production."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.film.statuses import StageStatus
from core.film.style import STYLE_PRESETS
from core.pipeline import STAGES, stage
from core.runtime.jobs import JobStatus
from core.story.assets import (
    ACTIVE,
    asset_board,
    drawn_in_another_style,
    library,
    promote_to_library,
    pull_from_library,
    queue_reference_images,
    visual_style,
)
from core.story.edits import save_assets, stage_view
from pages.ui import session as common
from pages.ui.media_view import media_or_reason
from pages.ui.prose import escaped
from pages.ui.stage_frame import engine_caption, estimate_caption, require_stage_open, run_action
from pages.ui.stage_session import StageSession

NUMBER = 5
TYPES = ("character", "location", "prop")
CARDS_PER_ROW = 4

studio = common.studio()
user = common.require_user()
ref = common.require_project()
# Widget keys name the project, not the branch: "branch instead" replays the edit.
session = StageSession(studio, user, ref, NUMBER, prefix="s5", scope=ref.project_id.hex)

st.title("Stage 5 · Global assets")
engine_caption(studio)
require_stage_open(studio, user.id, ref, NUMBER)
view = stage_view(studio, user.id, ref, NUMBER)
script = stage_view(studio, user.id, ref, 4).latest

if flash := st.session_state.pop("flash", None):
    st.success(flash)


def rear_view_mirror() -> None:
    """What the assets are drawn from: the locked script's scenes."""
    scenes = script["content"]["scenes"]
    with st.expander(f"Rear-view mirror · the script's {len(scenes)} scene(s) (Stage 4 v{script['version']}, "
                     f"{script['status']})", icon=":material/history_toggle_off:"):
        st.dataframe(pd.DataFrame({
            "Scene": [s["number"] for s in scenes],
            "Heading": [s["slug"] for s in scenes],
            "Characters": [", ".join(s.get("characters") or []) or "—" for s in scenes],
        }), hide_index=True, width="stretch")


def show_version(version: dict) -> None:
    content = version["content"]
    style = content.get("visual_style")
    st.caption(f"Visual style: {STYLE_PRESETS[style['preset']].title} {style['notes']}" if style
               else "Visual style: not chosen")
    st.dataframe(assets_frame(content["assets"]), hide_index=True, width="stretch",
                 column_order=("name", "asset_type", "description", "scene_numbers"))


def assets_frame(assets: list[dict]) -> pd.DataFrame:
    ordered = sorted(assets, key=lambda a: (TYPES.index(a["asset_type"]), a["name"].lower()))
    return pd.DataFrame({
        "name": [a["name"] for a in ordered],
        "asset_type": [a["asset_type"] for a in ordered],
        "description": [a["description"] for a in ordered],
        "scene_numbers": [list(a.get("scene_numbers") or []) for a in ordered],
        "global_asset_id": [a.get("global_asset_id") for a in ordered],
        "image_key_url": [a.get("image_key_url") for a in ordered],
    }, columns=["name", "asset_type", "description", "scene_numbers", "global_asset_id", "image_key_url"])


def edited_assets(table: pd.DataFrame) -> list[dict]:
    """The editor's rows as assets; rows left blank are dropped, new rows appear in no scene yet."""
    return [
        {"name": _text(row["name"]), "asset_type": _text(row["asset_type"]) or "prop",
         "description": _text(row["description"]), "scene_numbers": _numbers(row["scene_numbers"]),
         "global_asset_id": _text(row["global_asset_id"]) or None, "image_key_url": _text(row["image_key_url"]) or None}
        for row in table.to_dict("records") if _text(row["name"])
    ]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _numbers(value: object) -> list[int]:
    value = value.tolist() if hasattr(value, "tolist") else value  # the editor hands back numpy arrays
    return [int(n) for n in value] if isinstance(value, (list, tuple)) else []


def image_board(polling: bool) -> None:
    """Each asset's image or its job's state; polled every 2 s while jobs are in flight."""
    mine = {(g["asset_type"], g["name"]) for g in library(studio, user.id)
            if g["promoted_from_project_id"] == ref.project_id}

    @st.fragment(run_every=2 if polling else None)
    def board() -> None:
        rows = asset_board(studio, user.id, ref)
        if polling and not any(a["job"] and a["job"]["status"] in ACTIVE for a in rows):
            st.rerun()  # the last job finished: show the whole page again (lock, counts) and stop polling
        ready = sum(1 for a in rows if a["image_key_url"])
        st.progress(ready / len(rows) if rows else 0.0, text=f"{ready} of {len(rows)} reference images ready")
        for start in range(0, len(rows), CARDS_PER_ROW):
            for column, asset in zip(st.columns(CARDS_PER_ROW), rows[start:start + CARDS_PER_ROW]):
                with column, st.container(border=True):
                    asset_card(asset, in_library=(asset["asset_type"], asset["name"]) in mine)

    board()


def asset_card(asset: dict, in_library: bool) -> None:
    job = asset["job"]
    origin = " · from your library" if asset["global_asset_id"] else ""
    st.markdown(f"**{escaped(asset['name'])}**  \n:gray[{asset['asset_type']}{origin}]")
    with media_or_reason():
        if asset["image_key_url"] and studio.media.exists(asset["image_key_url"], owner=user.id):
            st.image(studio.media.for_browser(asset["image_key_url"], owner=user.id), caption=asset["name"],
                     width="stretch")
    if job and job["status"] in ACTIVE:
        st.caption(":material/hourglass_top: " + ("Drawing…" if job["status"] == JobStatus.RUNNING else "Queued"))
    elif job and job["status"] == JobStatus.FAILED:
        st.error(f"Failed: {job['error']}", icon=":material/error:")
        if st.button("Retry", key=f"s5_retry_{asset['id']}", icon=":material/refresh:"):
            redraw(asset, new_seed=False)  # the same request again: charged once, whenever it succeeds
    elif not asset["image_key_url"]:
        st.caption("No image yet")
    elif not asset["locked"] and st.button("Redraw", key=f"s5_redraw_{asset['id']}", type="tertiary",
                                           icon=":material/brush:"):
        redraw(asset, new_seed=True)
    kept = in_library or bool(asset["global_asset_id"])
    if st.button("In my library" if kept else "Add to my library", key=f"s5_promote_{asset['id']}", disabled=kept,
                 type="tertiary", icon=":material/library_add:"):
        if run_action(lambda: promote_to_library(studio, user.id, asset["id"]), retry_key="s5_promote"):
            session.refresh(f"Added {asset['name']} to your library.")


def redraw(asset: dict, new_seed: bool) -> None:
    """Queue the asset's image again: a retry repeats its request, a redraw is a new (charged) one."""
    if run_action(lambda: queue_reference_images(studio, user.id, ref, only=asset["id"], redraw=new_seed),
                  retry_key="s5_redraw"):
        session.refresh(f"Queued a new reference image of {asset['name']}.")


def library_pull() -> None:
    """Pick an asset from the creator's library and bring it (with its image) into this film."""
    items = {str(i["id"]): i for i in library(studio, user.id)}
    with st.container(border=True):
        if not items:
            st.caption(":material/local_library: Your library is empty. “Add to my library” on any asset keeps it "
                       "for your other films.")
            return
        choice = st.selectbox("Pull from my library", list(items), key="s5_library_pick",
                              format_func=lambda gid: _library_label(items[gid]))
        if st.button("Pull into this project", key="s5_pull", icon=":material/download:"):
            pulled = run_action(lambda: pull_from_library(studio, user.id, ref, choice, seen_version=seen_version),
                                retry_key="s5_pull")
            if pulled is not None:
                session.refresh(f"Pulled {pulled['name']} from your library into this project.")


def _library_label(item: dict) -> str:
    return f"{item['name']} · {item['asset_type']}" + ("" if item["image_key_url"] else " (no image)")


rear_view_mirror()
seen = session.opened_version(view)
seen_version = seen["version"] if seen else 0
content = seen["content"] if seen else {}
locked = bool(seen) and seen["status"] == StageStatus.LOCKED

# --- extract the assets -------------------------------------------------------------------------
regenerate, why = False, ""
if seen is None:
    st.info("No assets yet. The characters, locations and props are read from the locked script, with the "
            "scenes each appears in.")
    regenerate = session.first_draft_button("Extract the assets", "Extracting the assets")
else:
    st.caption(f"Version {seen_version} · {seen['status']} · {len(content['assets'])} asset(s)")
    if seen["status"] == StageStatus.INVALIDATED:
        st.warning(f"Version {seen_version} was invalidated by a change upstream. Extract the assets again, or "
                   "restore a version below, to go on.", icon=":material/warning:")

    # --- the assets, editable ------------------------------------------------------------------------
    st.subheader("Assets")
    if locked:
        st.caption("Locked: these are the film's assets on this branch. Branch the project to change them.")
    table = st.data_editor(
        assets_frame(content["assets"]), key=session.versioned_key("assets", seen_version), hide_index=True,
        num_rows="fixed" if locked else "dynamic", disabled=True if locked else ["scene_numbers"],
        column_order=("name", "asset_type", "description", "scene_numbers"), width="stretch",
        column_config={
            "name": st.column_config.TextColumn("Name", required=True, max_chars=120),
            "asset_type": st.column_config.SelectboxColumn("Type", options=TYPES, required=True, default="prop"),
            "description": st.column_config.TextColumn("Description", width="large", max_chars=4000),
            "scene_numbers": st.column_config.ListColumn("Scenes", help="The scenes it appears in (from the script)"),
        },
    )
    if not locked:
        save = st.button("Save assets", key="s5_save", icon=":material/save:")
        session.change(
            "save", save,
            lambda preview, ack: save_assets(studio, user.id, ref, seen_version, edited_assets(table),
                                             preview=preview, acknowledged=ack),
            "Saved the assets as version {version}.",
            unchanged=edited_assets(table) == edited_assets(assets_frame(content["assets"])),
        )

    # --- visual style ------------------------------------------------------------------------------
    st.subheader("Visual style")
    style = content.get("visual_style")
    current = visual_style(seen)
    if style:
        notes_shown = f" · {current.notes}" if current.notes else ""
        st.caption(f"Chosen: **{STYLE_PRESETS[current.preset].title}**{notes_shown}")
    else:
        st.caption("Not chosen yet: pick a preset (and notes, e.g. “warm, red accents”) before drawing the images.")
    with st.form(session.versioned_key("style", seen_version), border=True):
        presets = list(STYLE_PRESETS)
        preset = st.selectbox("Preset", presets, index=presets.index(current.preset), disabled=locked,
                              format_func=lambda key: STYLE_PRESETS[key].title,
                              key=session.versioned_key("preset", seen_version))
        notes = st.text_area("Notes", value=current.notes, max_chars=1000, disabled=locked, height=80,
                             key=session.versioned_key("notes", seen_version),
                             placeholder="e.g. warm, misty, red accents")
        style_saved = st.form_submit_button("Save visual style", disabled=locked, icon=":material/palette:")
    session.change(
        "style", style_saved,
        lambda preview, ack: save_assets(studio, user.id, ref, seen_version, content["assets"],
                                         style={"preset": preset, "notes": notes.strip()},
                                         preview=preview, acknowledged=ack),
        "Saved the visual style as version {version}. Images drawn before keep their look: redraw them to match.",
        unchanged=bool(style) and (preset, notes.strip()) == (current.preset, current.notes),
    )

# --- reference images ---------------------------------------------------------------------------
if seen is not None:
    st.subheader("Reference images")
    board = asset_board(studio, user.id, ref)
    busy = [a for a in board if a["job"] and a["job"]["status"] in ACTIVE]
    to_draw = [a for a in board if not a["image_key_url"] and a not in busy and not a["locked"]]
    style_chosen = bool(content.get("visual_style"))
    if to_draw and not style_chosen:
        st.info("Choose and save a visual style above first: the reference images are drawn in it.",
                icon=":material/palette:")
    if to_draw:
        estimate_caption(studio.engines.estimator.asset_images(len(to_draw)),
                         f"Drawing {len(to_draw)} reference image(s)")
        if st.button(f"Generate reference images ({len(to_draw)})", type="primary", key="s5_images",
                     icon=":material/brush:", disabled=not style_chosen):
            queued = run_action(lambda: queue_reference_images(studio, user.id, ref), retry_key="s5_images")
            if queued is not None:
                session.refresh(f"Queued {len(queued)} reference image(s); they appear below as the workers draw them.")
    busy_ids = {a["id"] for a in busy}
    restyle = [a for a in drawn_in_another_style(studio, user.id, ref) if a["id"] not in busy_ids]
    if restyle and style_chosen:
        st.warning(f"{len(restyle)} image(s) were drawn in an earlier visual style.", icon=":material/palette:")
        estimate_caption(studio.engines.estimator.asset_images(len(restyle)),
                         f"Redrawing {len(restyle)} reference image(s) in {STYLE_PRESETS[visual_style(seen).preset].title}")
        if st.button(f"Redraw all in the current style ({len(restyle)})", key="s5_restyle", icon=":material/brush:"):
            queued = run_action(lambda: queue_reference_images(studio, user.id, ref, restyle=True),
                                retry_key="s5_restyle")
            if queued is not None:
                session.refresh(f"Queued {len(queued)} redraw(s) in the current style.")
    image_board(polling=bool(busy))

    if not locked:
        library_pull()


# --- lock ---------------------------------------------------------------------------------------
if locked:
    scenes = len(script["content"]["scenes"])
    st.success(f"Assets locked (version {seen_version}). The film's {scenes} scene(s) are written.",
               icon=":material/lock:")
    following = stage(NUMBER + 1)
    if following.available:
        st.page_link(following.page, label=f"Go to Stage {following.label}", icon=following.icon)
    else:
        coming = [s.label for s in STAGES if s.number > NUMBER and not s.available]
        st.info(f"**What comes next:** production — Stage {coming[0]} to Stage {coming[-1]} (shot lists, frames, "
                "clips and the finished film) — isn't built in this version of Aiuteur yet, so the story ends "
                "here for now. Your work is kept: download the screenplay from Stage 4 · Master script, add "
                "assets to your library for other films, or branch the project to try another version.",
                icon=":material/construction:")
elif seen is not None and seen["status"] == StageStatus.DRAFT:
    st.caption("Locking needs a saved visual style and a reference image for every asset.")
    session.lock_button("Lock assets", seen_version,
                        "Locked the assets (version {version}). The story is complete through Stage 5.")

# --- regenerate with guidance -------------------------------------------------------------------
if seen is not None and not locked:
    regenerate, why = session.guidance_box(
        seen_version, question="Why extract again? Guidance for the writer", button="Extract again with guidance",
        placeholder="e.g. more props, describe Mara as older", estimate_label="Extracting again",
    )
session.regenerate(regenerate, seen_version, why, spinner="Reading the script for characters, locations and props…",
                   message="Extracted the assets as version {version}.")

# --- history ------------------------------------------------------------------------------------
session.history_section(
    view, show_version, seen_version,
    refusal="Stage 5 is locked on this branch; branch the project to bring back other assets." if locked else None,
)
