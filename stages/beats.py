"""Stage 3, Beat sheet: ordered beats that follow the chosen treatment.

    write_beat_sheet(BeatSheetInputs.from_config(config, treatment_prose), provider) -> StageDraft[BeatSheet]
    apply_beat_edits(sheet, rows)  the creator's table edits -> a new BeatSheet (edited beats flagged)

The model writes only each beat's text and label; ids and order are assigned here, so every beat sheet
has the same shape whoever drafted it.
"""

from __future__ import annotations

import hashlib
import time
from typing import Annotated

from pydantic import BaseModel, Field, field_validator, model_validator

from core.film.config import ContentRating, ProjectConfig
from core.offline.beats import beat_count
from core.offline.direction import read_direction
from core.providers.base import TextProvider
from stages.provenance import StageDraft, ask, assemble, text_or_none
from stages.templates import load_template

TASK = "beat_sheet"
BeatText = Annotated[str, Field(min_length=1, max_length=4_000)]


class Beat(BaseModel):
    """One beat: its place in the order, its text, and whether the creator edited it."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    order: Annotated[int, Field(ge=1)]
    text: BeatText
    manually_edited: bool = False
    label: Annotated[str, Field(max_length=200)] = ""  # its job in the arc: "Setup", "Climax", ...

    @field_validator("text")
    @classmethod
    def _stripped(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a beat needs some text")
        return value.strip()


class BeatSheet(BaseModel):
    """Stage 3's content: the beats, ordered 1..n."""

    beats: Annotated[list[Beat], Field(min_length=1)]

    @model_validator(mode="after")
    def _ordered(self) -> BeatSheet:
        if [beat.order for beat in self.beats] != list(range(1, len(self.beats) + 1)):
            raise ValueError("beats must be numbered 1, 2, 3 ... in the order they are listed")
        if len({beat.id for beat in self.beats}) != len(self.beats):
            raise ValueError("every beat needs its own id")
        return self


class BeatDraft(BaseModel):
    text: BeatText
    label: str = ""


class BeatSheetDraft(BaseModel):
    """What a provider answers: beat texts and labels in story order."""

    beats: Annotated[list[BeatDraft], Field(min_length=1)]


class BeatSheetInputs(BaseModel):
    """What beats are written from: the locked treatment and the project's shape."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    treatment: Annotated[str, Field(min_length=1, max_length=40_000)]
    target_length_min: int = 60
    target_length_max: int = 180
    genres: list[str] = Field(default_factory=list)
    tonal_guidance: str = ""
    content_rating: ContentRating = ContentRating.PG_13

    @classmethod
    def from_config(cls, config: ProjectConfig, treatment: str) -> BeatSheetInputs:
        fields = config.model_dump(include={"title", "target_length_min", "target_length_max", "genres",
                                            "tonal_guidance", "content_rating"})
        return cls.model_validate({**fields, "treatment": treatment})

    @classmethod
    def from_upstream(cls, config: ProjectConfig, upstream: dict) -> BeatSheetInputs:
        """From the locked treatment's content."""
        return cls.from_config(config, upstream["prose_treatment"])

    @property
    def feed_chars(self) -> int:
        return len(self.treatment)


def write_beat_sheet(inputs: BeatSheetInputs, provider: TextProvider, guidance: str = "", seed: int = 0,
                     tags: dict | None = None) -> StageDraft[BeatSheet]:
    """Beats that follow the treatment, in its order.

    Args:
        inputs: the locked treatment and the project's length, genres and tone.
        provider: any `TextProvider`.
        guidance: the creator's "why" for a regeneration.
        seed: passed to the provider.
        tags: project, branch and stage, for tracing.

    Returns:
        The `BeatSheet` (ids and order assigned here) and its provenance.
    """
    started = time.perf_counter()
    template = load_template(TASK)
    payload = {**inputs.model_dump(mode="json"), "guidance": guidance}
    values = {"title": inputs.title, "target_length_min": inputs.target_length_min,
              "target_length_max": inputs.target_length_max,
              "beat_count": beat_count(inputs.target_length_max, read_direction(guidance)),
              "genres": text_or_none(", ".join(inputs.genres)), "tonal_guidance": text_or_none(inputs.tonal_guidance),
              "content_rating": inputs.content_rating.value, "guidance": text_or_none(guidance),
              "treatment": inputs.treatment}
    call = ask(provider, TASK, template, values, payload, BeatSheetDraft, seed, tags)
    sheet = number_beats([(beat.text, beat.label) for beat in call[1].output.beats])
    return assemble(sheet, TASK, template, [call], seed, guidance, payload, started)


def number_beats(drafts: list[tuple[str, str]]) -> BeatSheet:
    """Beats numbered 1..n in the given order, each with an id derived from its order and text."""
    return BeatSheet(beats=[Beat(id=beat_id(order, text), order=order, text=text, label=label)
                            for order, (text, label) in enumerate(drafts, start=1)])


def beat_id(order: int, text: str) -> str:
    """A stable id for a generated beat: 'b03-1f2e3d'."""
    return f"b{order:02d}-{hashlib.sha256(text.strip().encode('utf-8')).hexdigest()[:6]}"


class BeatEdit(BaseModel):
    """One row of the creator's edited beat table; `order` only has to be a number (the row's place orders it)."""

    id: str | None = None
    text: str | None = ""
    label: str | None = ""
    order: Annotated[int, Field(ge=1)] | None = None


class BeatEdits(BaseModel):
    beats: list[BeatEdit]


def apply_beat_edits(sheet: BeatSheet, rows: list[dict]) -> BeatSheet:
    """The creator's edited table (rows of id?, text, label?, order?, in the new order) as a new `BeatSheet`.

    A row whose text differs from its beat's, or a new row (no known id), is `manually_edited`; rows
    with empty text are deleted beats; order is renumbered 1..n. Raises pydantic's ValidationError,
    located by row (`beats`, index, field), for a row or a sheet that isn't valid.
    """
    known = {beat.id: beat for beat in sheet.beats}
    beats: list[dict] = []
    for row in BeatEdits.model_validate({"beats": rows}).beats:
        text = (row.text or "").strip()
        if not text:
            continue
        old = known.get(row.id or "")
        edited = old is None or old.manually_edited or old.text != text
        order = len(beats) + 1
        new_id = old.id if old and old.id not in {b["id"] for b in beats} else beat_id(order, f"{text}#{len(rows)}")
        beats.append({"id": new_id, "order": order, "text": text, "manually_edited": edited,
                      "label": row.label or (old.label if old else "")})
    return BeatSheet.model_validate({"beats": beats})
