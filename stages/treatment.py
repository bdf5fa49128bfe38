"""Stage 2, Treatment: three prose variants of the creator's material, generated in parallel.

    write_treatments(TreatmentInputs.from_config(config), provider, guidance="darker", seed=0)
      -> StageDraft[TreatmentSet]   variants: faithful, condensed, heightened (one provider call each)
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from core.errors import InputRejected
from core.film.config import MAX_NARRATIVE_CHARS, ContentRating, InputMode, ProjectConfig, ProjectType
from core.providers.base import TextProvider
from stages.provenance import StageDraft, ask, assemble, text_or_none
from stages.templates import load_template

TASK = "treatment"


class Approach(StrEnum):
    FAITHFUL = "faithful"
    CONDENSED = "condensed"
    HEIGHTENED = "heightened"


APPROACHES: dict[Approach, tuple[str, str]] = {  # label, what the variant does
    Approach.FAITHFUL: ("Faithful", "keep the source's order, events and detail; expand a premise into three acts."),
    Approach.CONDENSED: ("Condensed", "only the essential arc (who, what they want, what stands in the way, how it "
                                      "ends), within the target length."),
    Approach.HEIGHTENED: ("Heightened", "the same story with its stakes and tension raised, in the voice of its "
                                        "genre and tone."),
}
_MODE_BRIEFS = {
    InputMode.EXPAND: "a premise to expand into a full story",
    InputMode.CONDENSE: "a long text to condense into a short film",
    InputMode.IMPORT: "a finished screenplay",
}


class Treatment(BaseModel):
    """One prose treatment variant."""

    label: Annotated[str, Field(min_length=1, max_length=80)]
    approach: Approach
    prose: Annotated[str, Field(min_length=1, max_length=40_000)]

    @field_validator("prose")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a treatment needs some prose")
        return value.strip()


class TreatmentSet(BaseModel):
    """Stage 2's content: three variants for the creator to choose from."""

    variants: Annotated[list[Treatment], Field(min_length=3, max_length=3)]


class TreatmentInputs(BaseModel):
    """What a treatment is written from: the Stage 1 configuration and source narrative."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    narrative: Annotated[str, Field(min_length=1, max_length=MAX_NARRATIVE_CHARS)]
    input_mode: InputMode
    target_length_min: int = 60
    target_length_max: int = 180
    project_type: ProjectType = ProjectType.NARRATIVE
    content_rating: ContentRating = ContentRating.PG_13
    genres: list[str] = Field(default_factory=list)
    tonal_guidance: str = ""

    @classmethod
    def from_config(cls, config: ProjectConfig) -> TreatmentInputs:
        return cls.model_validate(config.model_dump(exclude={"budget_credits"}))

    @classmethod
    def from_upstream(cls, config: ProjectConfig, upstream: dict | None) -> TreatmentInputs:
        """Stage 2 reads Stage 1 only: the configuration is its upstream."""
        return cls.from_config(config)

    @property
    def feed_chars(self) -> int:
        """The size of the creator's text the calls read."""
        return len(self.narrative)


def write_treatments(inputs: TreatmentInputs, provider: TextProvider, guidance: str = "", seed: int = 0,
                     tags: dict | None = None) -> StageDraft[TreatmentSet]:
    """Three treatment variants (faithful, condensed, heightened), one provider call each, in parallel.

    Args:
        inputs: the Stage 1 configuration and narrative.
        provider: any `TextProvider`; the offline writer when no key is set.
        guidance: the creator's "why" for a regeneration; empty for a first draft.
        seed: passed to every call; the offline writer is deterministic per seed.
        tags: project, branch and stage, for tracing.

    Returns:
        The `TreatmentSet` and its provenance (one `CallRecord` per variant).
    """
    if inputs.input_mode is InputMode.IMPORT:
        raise InputRejected({"input_mode": "an imported screenplay skips the treatment; it goes straight to Stage 4"})
    started = time.perf_counter()
    template = load_template(TASK)
    payload = inputs.model_dump(mode="json")
    with ThreadPoolExecutor(max_workers=len(APPROACHES)) as pool:
        futures = [pool.submit(_variant, inputs, approach, provider, guidance, seed, tags) for approach in APPROACHES]
        calls = [future.result() for future in futures]
    variants = [Treatment(label=APPROACHES[approach][0], approach=approach, prose=result.output.prose)
                for approach, (_, result) in zip(APPROACHES, calls)]
    return assemble(TreatmentSet(variants=variants), TASK, template, calls, seed, guidance,
                    {**payload, "guidance": guidance}, started)


def _variant(inputs: TreatmentInputs, approach: Approach, provider: TextProvider, guidance: str, seed: int,
             tags: dict | None):
    label, brief = APPROACHES[approach]
    values = {
        "title": inputs.title, "project_type": inputs.project_type.value.replace("_", "-"),
        "target_length_min": inputs.target_length_min, "target_length_max": inputs.target_length_max,
        "content_rating": inputs.content_rating.value, "genres": text_or_none(", ".join(inputs.genres)),
        "tonal_guidance": text_or_none(inputs.tonal_guidance), "mode_brief": _MODE_BRIEFS[inputs.input_mode],
        "approach": approach.value, "approach_label": label, "approach_brief": brief,
        "guidance": text_or_none(guidance), "narrative": inputs.narrative,
    }
    structured = {**inputs.model_dump(mode="json"), "approach": approach.value, "guidance": guidance}
    return ask(provider, TASK, load_template(TASK), values, structured, Treatment, seed, {**(tags or {}),
                                                                                         "variant": approach.value})
