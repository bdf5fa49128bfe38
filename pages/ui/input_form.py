"""The Stage 1 form, shared by the dashboard (a new project) and the Input page (a revision)."""

from __future__ import annotations

import streamlit as st

from core.errors import InputRejected
from core.film.config import (
    GENRES,
    NARRATIVE_LIMIT,
    UPLOAD_SUFFIXES,
    ContentRating,
    InputMode,
    ProjectType,
    decode_upload,
)

MODE_LABELS = {
    InputMode.EXPAND: "Expand a premise",
    InputMode.CONDENSE: "Condense a long text",
    InputMode.IMPORT: "Import a screenplay",
}
TYPE_LABELS = {
    ProjectType.NARRATIVE: "Narrative",
    ProjectType.COMMERCIAL: "Commercial",
    ProjectType.AUDIO_VISUAL: "Audio-visual",
}

# The browser's file picker offers these. With a MIME type in the list Streamlit leaves the server-side
# check to us, so a file that gets past the picker meets decode_upload's message under the field
# rather than an exception from inside the widget.
UPLOAD_TYPES = [*UPLOAD_SUFFIXES, "text/plain"]


def stage_one_form(key: str, defaults: dict | None = None, *, disabled: bool = False, submit_label: str = "Create project",
                   budget: bool = True):
    """Render the form; return (submitted, raw input, error slots by field).

    `budget` adds a new project's initial budget; after that the budget is a project setting
    (the dashboard and the costs page change it), not part of a Stage 1 version.
    """
    d = defaults or {}
    slots: dict = {}
    with st.form(key, enter_to_submit=False):
        raw: dict = {"title": st.text_input("Title", value=d.get("title", ""), max_chars=200, disabled=disabled)}
        slots["title"] = st.empty()
        left, right = st.columns(2)
        raw["target_length_min"] = left.number_input(
            "Target length, minimum (seconds)", value=int(d.get("target_length_min", 60)), step=5, disabled=disabled
        )
        slots["target_length_min"] = left.empty()
        raw["target_length_max"] = right.number_input(
            "Target length, maximum (seconds)", value=int(d.get("target_length_max", 180)), step=5, disabled=disabled
        )
        slots["target_length_max"] = right.empty()
        raw["project_type"] = left.selectbox(
            "Project type", list(TYPE_LABELS), format_func=TYPE_LABELS.get,
            index=_index(list(TYPE_LABELS), d.get("project_type")), disabled=disabled,
        )
        slots["project_type"] = left.empty()
        raw["content_rating"] = right.selectbox(
            "Rating", list(ContentRating), index=_index(list(ContentRating), d.get("content_rating")), disabled=disabled
        )
        slots["content_rating"] = right.empty()
        raw["genres"] = st.multiselect("Genres", GENRES, default=d.get("genres", []), max_selections=8, disabled=disabled)
        slots["genres"] = st.empty()
        raw["tonal_guidance"] = st.text_area(
            "Tonal guidance", value=d.get("tonal_guidance", ""), height=80, disabled=disabled,
            placeholder="e.g. wry and warm, like a late-summer afternoon",
        )
        slots["tonal_guidance"] = st.empty()
        raw["input_mode"] = st.radio(
            "What are you bringing?", list(MODE_LABELS), format_func=MODE_LABELS.get, horizontal=True,
            index=_index(list(MODE_LABELS), d.get("input_mode")), disabled=disabled,
        )
        slots["input_mode"] = st.empty()
        raw["narrative"] = st.text_area(
            "Your premise, story or screenplay", value=d.get("narrative", ""), height=260, disabled=disabled,
            help=f"Or upload a file below; an upload replaces the text here. {NARRATIVE_LIMIT.capitalize()}, "
                 "typed or uploaded.",
        )
        slots["narrative"] = st.empty()
        upload = st.file_uploader("…or upload it", type=UPLOAD_TYPES, disabled=disabled,
                                  help=f"A {', '.join(UPLOAD_SUFFIXES)} file of {NARRATIVE_LIMIT}, as UTF-8 text.")
        slots["upload"] = st.empty()
        st.caption(f"Typed or uploaded, a narrative can be {NARRATIVE_LIMIT}.")
        if budget:
            raw["budget_credits"] = st.number_input(
                "Budget cap in dollars (0 = no cap)", value=0.0, min_value=None, step=1.0, disabled=disabled,
            )
            slots["budget_credits"] = st.empty()
        slots["form"] = st.empty()
        submitted = st.form_submit_button(submit_label, type="primary", disabled=disabled)
    if submitted and budget:
        raw["budget_credits"] = raw["budget_credits"] or None
    if submitted:
        raw["_upload"] = upload
    return submitted, raw, slots


def with_upload(raw: dict) -> dict:
    """The raw input with an uploaded file's text as the narrative (InputRejected if it can't be read)."""
    raw = dict(raw)
    upload = raw.pop("_upload", None)
    if upload is not None:
        raw["narrative"] = decode_upload(upload.name, upload.getvalue())
    return raw


def _index(options: list, value: object) -> int:
    for position, option in enumerate(options):
        if option == value or getattr(option, "value", None) == value:
            return position
    return 0


__all__ = ["stage_one_form", "with_upload", "InputRejected"]
