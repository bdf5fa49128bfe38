"""Stage 4, Master script: a Fountain screenplay and the scenes parsed from it.

    write_master_script(ScriptInputs(title=..., beats=sheet.beats), provider) -> StageDraft[MasterScript]
    import_screenplay(ImportInputs(title=..., screenplay=text))              -> StageDraft[MasterScript]
    parse_master_script(text)  an edited script -> MasterScript (InputRejected when it has no scene)

The provider writes only the Fountain text; scenes always come from parsing it (core.film.screenplay, built on
screenplain), so a script and its scene list can't disagree.
"""

from __future__ import annotations

import time
from typing import Annotated

from pydantic import BaseModel, Field

from core.errors import InputRejected, ProviderBadResponse
from core.film.config import MAX_NARRATIVE_CHARS, ContentRating, ProjectConfig
from core.film.screenplay import normalize_screenplay, read_fountain
from core.providers.base import TextProvider, Usage
from stages.beats import Beat
from stages.provenance import StageDraft, ask, assemble, digest, text_or_none
from stages.templates import load_template

TASK = "master_script"
IMPORT_PROVIDER, IMPORT_MODEL, IMPORT_VERSION = "import", "fountain:screenplain", "import:fountain"
MAX_SCRIPT_CHARS = 300_000


class Scene(BaseModel):
    """One scene of the master script."""

    number: Annotated[int, Field(ge=1)]  # 1, 2, 3 ... in script order
    slug: str  # the heading as the Fountain reference renders it: "INT. KITCHEN - DAY"
    heading: str  # the heading line as written (no forcing '.', no '#7#' number)
    excerpt: str  # the scene's text below its heading
    fountain_number: str | None = None  # an explicit scene number in the script ("7", "2-B")
    characters: list[str] = Field(default_factory=list)  # speaking characters, in order of first cue


class MasterScript(BaseModel):
    """Stage 4's content: the screenplay and its scenes."""

    formatted_script: Annotated[str, Field(min_length=1, max_length=MAX_SCRIPT_CHARS)]
    scenes: Annotated[list[Scene], Field(min_length=1)]


class ScriptDraft(BaseModel):
    """What a provider answers: the screenplay as Fountain text."""

    formatted_script: Annotated[str, Field(min_length=1, max_length=MAX_SCRIPT_CHARS)]


class ScriptInputs(BaseModel):
    """What a script is written from: the locked beats, the project's shape and the source text."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    beats: Annotated[list[Beat], Field(min_length=1)]
    target_length_min: int = 60
    target_length_max: int = 180
    genres: list[str] = Field(default_factory=list)
    tonal_guidance: str = ""
    content_rating: ContentRating = ContentRating.PG_13
    source_text: Annotated[str, Field(max_length=MAX_NARRATIVE_CHARS)] = ""

    @classmethod
    def from_config(cls, config: ProjectConfig, beats: list[Beat]) -> ScriptInputs:
        fields = config.model_dump(include={"title", "target_length_min", "target_length_max", "genres",
                                            "tonal_guidance", "content_rating"})
        return cls.model_validate({**fields, "beats": beats, "source_text": config.narrative})

    @classmethod
    def from_upstream(cls, config: ProjectConfig, upstream: dict) -> ScriptInputs:
        """From the locked beat sheet's content."""
        return cls.from_config(config, [Beat.model_validate(b) for b in upstream["beats"]])

    @property
    def feed_chars(self) -> int:
        return sum(len(beat.text) for beat in self.beats)


class ImportInputs(BaseModel):
    """An uploaded screenplay (Fountain, or plain text with INT./EXT. headings)."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    screenplay: Annotated[str, Field(min_length=1, max_length=MAX_SCRIPT_CHARS)]

    @classmethod
    def from_upstream(cls, config: ProjectConfig, upstream: dict | None) -> ImportInputs:
        """The screenplay the creator imported at Stage 1."""
        return cls(title=config.title, screenplay=config.narrative)

    @property
    def feed_chars(self) -> int:
        return len(self.screenplay)


def write_master_script(inputs: ScriptInputs, provider: TextProvider, guidance: str = "", seed: int = 0,
                        tags: dict | None = None) -> StageDraft[MasterScript]:
    """A Fountain screenplay from the beats, and its scenes.

    Args:
        inputs: the locked beats (in order), the project's shape, and the Stage 1 text for reference.
        provider: any `TextProvider`.
        guidance: the creator's "why" for a regeneration.
        seed: passed to the provider.
        tags: project, branch and stage, for tracing.

    Returns:
        The `MasterScript` (scenes parsed from the text) and its provenance.

    Raises:
        ProviderBadResponse: the answer has no scene heading, so it isn't a usable script.
    """
    started = time.perf_counter()
    template = load_template(TASK)
    beats = sorted(inputs.beats, key=lambda beat: beat.order)
    payload = {**inputs.model_dump(mode="json"), "guidance": guidance}
    values = {"title": inputs.title, "target_length_min": inputs.target_length_min,
              "target_length_max": inputs.target_length_max, "genres": text_or_none(", ".join(inputs.genres)),
              "tonal_guidance": text_or_none(inputs.tonal_guidance), "content_rating": inputs.content_rating.value,
              "guidance": text_or_none(guidance), "source_text": text_or_none(inputs.source_text),
              "beats": "\n".join(f"{beat.order}. {beat.text}" for beat in beats)}
    call = ask(provider, TASK, template, values, payload, ScriptDraft, seed, tags)
    script = _parsed(call[1].output.formatted_script, bad_answer=True)
    return assemble(script, TASK, template, [call], seed, guidance, payload, started)


def import_screenplay(inputs: ImportInputs) -> StageDraft[MasterScript]:
    """An uploaded screenplay as Stage 4 content: parsed, not generated (no provider, no cost)."""
    started = time.perf_counter()
    script = parse_master_script(normalize_screenplay(inputs.screenplay))
    return StageDraft[MasterScript](
        output=script, final_prompt="", prompt_template_version=IMPORT_VERSION, provider=IMPORT_PROVIDER,
        model=IMPORT_MODEL, seed=0, usage=Usage(), latency_ms=round((time.perf_counter() - started) * 1000, 3),
        input_digest=digest(inputs.model_dump(mode="json")))


def parse_master_script(text: str) -> MasterScript:
    """A Fountain text (generated, imported or edited) and its scenes; InputRejected without a scene heading."""
    return _parsed(text, bad_answer=False)


def _parsed(text: str, bad_answer: bool) -> MasterScript:
    scenes = [Scene(number=scene.number, slug=scene.slug, heading=scene.heading, excerpt=scene.excerpt,
                    fountain_number=scene.fountain_number, characters=list(scene.characters))
              for scene in read_fountain(text).scenes]
    if not scenes:
        message = ("the script has no scene heading; start each scene with a line like 'INT. KITCHEN - DAY' "
                   "(or a forced heading starting with '.')")
        if bad_answer:
            raise ProviderBadResponse(f"The model's script can't be used: {message}")
        raise InputRejected({"formatted_script": message})
    return MasterScript(formatted_script=text, scenes=scenes)
