"""Stage 7, Shot list: one scene broken into shots, from its own Fountain text.

    write_shot_list(ShotListInputs.from_scene(context), provider) -> StageDraft[ShotListVersion]
    shot_list_version(shots, inputs) -> ShotListVersion        a hand-edited list as a version holds it

The provider (a model's structured output, or the offline writer) answers with shots that name the scene's
dialogue lines by number; ids, order, each shot's lines and the allowed durations are put in here, so every
line is in exactly one shot, in script order, and no shot invents a character, whoever drafted it.
"""

from __future__ import annotations

import time

from pydantic import BaseModel, Field

from core.errors import ProviderBadResponse
from core.film.scene_context import SceneContext
from core.film.shots import Line, Shot, ShotListDraft, shots_from_drafts
from core.providers.base import TextProvider
from stages.provenance import StageDraft, ask, assemble, text_or_none
from stages.templates import load_template

TASK = "shot_list"


class Coverage(BaseModel):
    """What a scene's shot list must cover: its lines in order, its characters, the lengths the model takes."""

    lines: list[Line] = Field(default_factory=list)
    characters: list[str] = Field(default_factory=list)
    durations: list[int] = Field(default_factory=list)


class ShotListVersion(BaseModel):
    """Stage 7's content for one scene."""

    shots: list[Shot]
    runtime: int  # seconds: the sum of the shots
    video_model: str  # the model the durations were chosen for
    coverage: Coverage


class ShotListInputs(BaseModel):
    """What a scene's shot list is written from."""

    title: str
    scene_number: int
    slug: str
    excerpt: str
    lines: list[Line] = Field(default_factory=list)
    characters: list[str] = Field(default_factory=list)
    props: list[str] = Field(default_factory=list)
    previous_slug: str | None = None
    durations: list[int] = Field(default_factory=lambda: [4, 6, 8])
    default_duration: int = 8
    video_model: str = ""

    @classmethod
    def from_scene(cls, context: SceneContext) -> ShotListInputs:
        props = [a.name for a in context.present() if a.asset_type == "prop"]
        return cls(title=context.config.title, scene_number=context.number, slug=context.slug,
                   excerpt=context.excerpt, lines=list(context.lines), characters=list(context.characters),
                   props=props, previous_slug=context.previous.slug if context.previous else None,
                   durations=list(context.video.durations), default_duration=context.video.default_duration,
                   video_model=context.video.key)

    @property
    def feed_chars(self) -> int:
        return len(self.excerpt)

    @property
    def coverage(self) -> Coverage:
        return Coverage(lines=self.lines, characters=self.characters, durations=self.durations)


def write_shot_list(inputs: ShotListInputs, provider: TextProvider, guidance: str = "", seed: int = 0,
                    tags: dict | None = None) -> StageDraft[ShotListVersion]:
    """The scene's shots in film order.

    Raises:
        ProviderBadResponse: the answer leaves a line out, repeats or reorders one, or invents a character.
    """
    started = time.perf_counter()
    template = load_template(TASK)
    numbered = [{"number": n, "speaker": line.speaker, "text": line.text, "parenthetical": line.parenthetical}
                for n, line in enumerate(inputs.lines, 1)]
    payload = {**inputs.model_dump(mode="json", exclude={"lines"}), "lines": numbered, "guidance": guidance}
    values = {"title": inputs.title, "scene_number": inputs.scene_number, "slug": inputs.slug,
              "characters": ", ".join(inputs.characters) or "(nobody)", "props": ", ".join(inputs.props) or "(none)",
              "previous_slug": inputs.previous_slug or "(this is the first scene)",
              "durations": ", ".join(map(str, inputs.durations)), "guidance": text_or_none(guidance),
              "lines": "\n".join(f"{n['number']}. {n['speaker']}{' ' + n['parenthetical'] if n['parenthetical'] else ''}:"
                                 f" {n['text']}" for n in numbered) or "(no dialogue)",
              "excerpt": inputs.excerpt}
    call = ask(provider, TASK, template, values, payload, ShotListDraft, seed, tags)
    try:
        shots = shots_from_drafts(inputs.scene_number, call[1].output.shots, inputs.lines, tuple(inputs.durations),
                                  inputs.characters)
    except ValueError as exc:
        raise ProviderBadResponse(f"The shot list can't be used: {exc}") from exc
    return assemble(shot_list_version(shots, inputs), TASK, template, [call], seed, guidance, payload, started)


def shot_list_version(shots: list[Shot], inputs: ShotListInputs) -> ShotListVersion:
    return ShotListVersion(shots=shots, runtime=sum(s.duration for s in shots), video_model=inputs.video_model,
                           coverage=inputs.coverage)
