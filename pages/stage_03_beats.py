"""Stage 3 · Beat sheet: the beats of the locked treatment in a table; edit, reorder, add and delete
them (edited beats are flagged), regenerate with guidance, lock them to go on to the script."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from core.film.statuses import StageStatus
from core.pipeline import stage
from core.story.edits import save_beats, stage_view
from pages.ui import session as common
from pages.ui.prose import show_prose
from pages.ui.stage_frame import engine_caption, require_stage_open, stop_if_skipped
from pages.ui.stage_session import StageSession

NUMBER = 3
COLUMNS = ["id", "order", "label", "text", "manually_edited"]

studio = common.studio()
user = common.require_user()
ref = common.require_project()
session = StageSession(studio, user, ref, NUMBER, prefix="s3")

st.title("Stage 3 · Beat sheet")
engine_caption(studio)
view = stage_view(studio, user.id, ref, NUMBER)
stop_if_skipped(view)
require_stage_open(studio, user.id, ref, NUMBER)

if flash := st.session_state.pop("flash", None):
    st.success(flash)


def rear_view_mirror() -> None:
    """What Stage 2 ended with: the locked treatment."""
    treatment = stage_view(studio, user.id, ref, 2).latest
    content = treatment["content"]
    label = content["variants"][content["selected_variant"]]["label"]
    st.caption(f":material/history_toggle_off: **Stage 2:** the “{label}” treatment, version {treatment['version']} "
               f"({treatment['status']})")
    with st.expander("The treatment these beats follow"):
        show_prose(content["prose_treatment"])


def beat_table(beats: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(sorted(beats, key=lambda b: b["order"]), columns=COLUMNS)


def show_version(version: dict) -> None:
    st.dataframe(beat_table(version["content"]["beats"]), hide_index=True, width="stretch",
                 column_order=COLUMNS[1:])


def _blank(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def beat_rows(edited: pd.DataFrame, beats: list[dict]) -> list[dict]:
    """The edited table as beats in their new order.

    Rows go by their order number; on a tie, a beat moved up goes before the one already there, a
    beat moved down after it, and a new row (no id) takes the number it was given, or goes last.
    """
    was = {b["id"]: b["order"] for b in beats}
    keyed = []
    for position, row in enumerate(edited.to_dict("records")):
        known = None if _blank(row["id"]) else row["id"]
        order = _sort_order(row["order"])
        moved = -1 if known is None else (order > was.get(known, order)) - (order < was.get(known, order))
        keyed.append(((order, moved, position), {
            "id": known, "text": "" if _blank(row["text"]) else str(row["text"]),
            "label": "" if _blank(row["label"]) else str(row["label"]),
            "order": None if _blank(row["order"]) else row["order"],  # checked by save_beats
        }))
    return [row for _, row in sorted(keyed, key=lambda pair: pair[0])]


def _sort_order(value: object) -> float:
    """Where a row sorts: its order number, or last when it has none (or not a number: save refuses it)."""
    try:
        return math.inf if _blank(value) else float(value)
    except (TypeError, ValueError):
        return math.inf


def unchanged(rows: list[dict], beats: list[dict]) -> bool:
    before = [(b["id"], b["text"], b["label"]) for b in sorted(beats, key=lambda b: b["order"])]
    return [(r["id"], r["text"].strip(), r["label"]) for r in rows] == before


rear_view_mirror()
seen = session.opened_version(view)
seen_version = seen["version"] if seen else 0
content = seen["content"] if seen else {}

if view.out_of_date(seen):
    st.warning("**Out of date with the script.** The master script was edited after these beats were locked, "
               "so they no longer describe it. The script goes on as it is; edit the beats to match it, or "
               "regenerate them (you'll see what that invalidates before anything changes).",
               icon=":material/sync_problem:")
elif seen is not None and seen["status"] == StageStatus.INVALIDATED:
    st.warning("**Invalidated.** The treatment changed after these beats were written. Regenerate them from "
               "the new treatment, or edit and save them as a new version.", icon=":material/warning:")

# --- the beats ----------------------------------------------------------------------------------
regenerate, why = False, ""
if seen is None:
    st.info("No beat sheet yet. The writer breaks the locked treatment into ordered beats.")
    regenerate = session.first_draft_button("Generate beat sheet", "A beat sheet")
else:
    st.caption(f"Version {seen_version} · {seen['status']} · edit a cell, change an order number to move a beat, "
               "add or delete rows, then save.")
    edited = st.data_editor(
        beat_table(content["beats"]), key=session.versioned_key("beats", seen_version), num_rows="dynamic",
        hide_index=True, width="stretch", column_order=COLUMNS[1:], disabled=["manually_edited"],
        column_config={
            "order": st.column_config.NumberColumn("Order", min_value=1, step=1, width="small",
                                                   help="Change the number to move the beat"),
            "label": st.column_config.TextColumn("Label", width="small"),
            "text": st.column_config.TextColumn("Beat", width="large"),
            "manually_edited": st.column_config.CheckboxColumn("Edited by hand", width="small"),
        },
    )
    rows = beat_rows(edited, content["beats"])
    save = st.button("Save beats", key="s3_save", icon=":material/save:")
    session.change(
        "save", save,
        lambda preview, ack: save_beats(studio, user.id, ref, seen_version, rows,
                                        preview=preview, acknowledged=ack),
        "Saved the beats as version {version}.",
        unchanged=unchanged(rows, content["beats"]),
    )

# --- lock ---------------------------------------------------------------------------------------
if seen is not None and seen["status"] == StageStatus.LOCKED:
    st.success(f"Beat sheet locked (version {seen_version}). The master script is written from it.",
               icon=":material/lock:")
    if stage(4).available:
        st.page_link(stage(4).page, label=f"Go to Stage {stage(4).label}", icon=stage(4).icon)
elif seen is not None and seen["status"] == StageStatus.DRAFT:
    session.lock_button("Lock beat sheet", seen_version,
                        "Locked the beat sheet (version {version}). On to the master script.")

# --- regenerate with guidance -------------------------------------------------------------------
if seen is not None:
    regenerate, why = session.guidance_box(
        seen_version, placeholder="e.g. fewer beats, open on the reef, slower ending", estimate_label="A new beat sheet"
    )
session.regenerate(regenerate, seen_version, why, spinner="Writing the beat sheet…",
                   message="Wrote the beat sheet as version {version}.")

# --- history ------------------------------------------------------------------------------------
session.history_section(view, show_version, seen_version)
