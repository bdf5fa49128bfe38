"""Stage 9, Prompt segmentation: per shot a frame prompt and a video prompt, merged deterministically from the
shot, the scene's asset instances (with their tags) and the locked visual style by versioned templates — the same
merge offline and online. With a model, an optional polish rewrites the merged prompts' wording (recorded like any
generation, checked to keep every shot, character and dialogue line).

    segment_prompts(PromptInputs.from_scene(context, polish=False), provider) -> StageDraft[PromptSet]
    merge(inputs) -> list[ShotPrompt]
"""

from __future__ import annotations

import re
import time
from typing import Annotated

from pydantic import BaseModel, Field

from core.errors import ProviderBadResponse
from core.film.scene_context import SceneContext
from core.film.shots import Movement, Shot, dialogue_text
from core.film.style import style_preset
from core.film.video_models import FRAME_PROMPT_TOKEN_LIMIT, measure_prompt
from core.offline.breakdown import read_heading
from core.offline.names import same_person
from core.providers.base import TextProvider, Usage
from stages.provenance import StageDraft, ask, assemble, digest, text_or_none
from stages.templates import load_template
from stages.visuals import Instance

TASK = "prompt_segmentation"
POLISH_TASK = "prompt_polish"
MERGE_PROVIDER, MERGE_MODEL = "template", "prompt-merge"
# words in an action that say the picture changes within the shot: worth an end frame for the model to reach
_CHANGE = re.compile(r"\b(enter|exit|leave|walk|run|turn|fall|rise|stand|sit|pick|drop|throw|open|close|light|"
                     r"climb|cross|reach|grab|pull|push|jump|kneel|fight|kiss|break|shatter|burn|arrive|reveal)\w*\b",
                     re.IGNORECASE)


class Reference(BaseModel):
    """A reference image sent with a shot: which scene asset instance, and which picture."""

    name: str
    asset_type: str
    asset_id: str
    image_key: str | None = None


class ShotPrompt(BaseModel):
    shot_id: str
    frame_prompt: Annotated[str, Field(min_length=1, max_length=12_000)]
    video_prompt: Annotated[str, Field(min_length=1, max_length=12_000)]
    requires_end_frame: bool = True
    end_frame_note: str = ""  # why there is no end frame, when the model can't take one
    references: list[Reference] = Field(default_factory=list)
    manually_edited: bool = False


class PromptSet(BaseModel):
    """Stage 9's content: a prompt pair per shot, in shot order, and the model they are measured against."""

    prompts: list[ShotPrompt]
    video_model: str = ""
    video_token_limit: int = 1_024
    frame_token_limit: int = FRAME_PROMPT_TOKEN_LIMIT


class VideoTarget(BaseModel):
    key: str
    label: str
    takes_last_frame: bool
    prompt_token_limit: int


class PromptInputs(BaseModel):
    """What prompts are merged from: the scene's locked shot list and visual definition, the style, the model."""

    title: str
    scene_number: int
    slug: str
    shots: list[Shot]
    instances: list[Instance]
    style: dict = Field(default_factory=dict)  # {"preset", "notes"}
    video: VideoTarget
    polish: bool = False

    @classmethod
    def from_scene(cls, context: SceneContext, polish: bool = False) -> PromptInputs:
        shot_list, visuals = context.upstream.get(7) or {}, context.upstream.get(8) or {}
        video = VideoTarget(key=context.video.key, label=context.video.label,
                            takes_last_frame=context.video.takes_last_frame,
                            prompt_token_limit=context.video.prompt_token_limit)
        return cls(title=context.config.title, scene_number=context.number, slug=context.slug,
                   shots=shot_list.get("shots", []), instances=visuals.get("instances", []),
                   style=dict(context.visual_style or {}), video=video, polish=polish)

    @property
    def calls_model(self) -> bool:
        return self.polish

    @property
    def feed_chars(self) -> int:
        return sum(len(p.frame_prompt) + len(p.video_prompt) for p in merge(self))


class PolishedPrompt(BaseModel):
    shot_id: str
    frame_prompt: Annotated[str, Field(min_length=1, max_length=12_000)]
    video_prompt: Annotated[str, Field(min_length=1, max_length=12_000)]


class PolishDraft(BaseModel):
    prompts: list[PolishedPrompt]


def segment_prompts(inputs: PromptInputs, provider: TextProvider, guidance: str = "", seed: int = 0,
                    tags: dict | None = None) -> StageDraft[PromptSet]:
    """The merged prompts (and, with `inputs.polish`, the model's polish of them) with their provenance."""
    started = time.perf_counter()
    merged = merge(inputs)
    limits = {"video_model": inputs.video.key, "video_token_limit": inputs.video.prompt_token_limit}
    if not inputs.polish:
        return StageDraft[PromptSet](
            output=PromptSet(prompts=merged, **limits), final_prompt="", prompt_template_version=template_versions(),
            provider=MERGE_PROVIDER, model=MERGE_MODEL, seed=seed, guidance=guidance, usage=Usage(),
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            input_digest=digest(inputs.model_dump(mode="json")))
    template = load_template(POLISH_TASK)
    payload = {**inputs.model_dump(mode="json"), "guidance": guidance, "merged": [p.model_dump() for p in merged]}
    values = {"scene_number": inputs.scene_number, "title": inputs.title, "image_model": "the image model",
              "video_model": inputs.video.label, "guidance": text_or_none(guidance),
              "video_limit": inputs.video.prompt_token_limit * 4, "frame_limit": FRAME_PROMPT_TOKEN_LIMIT * 4,
              "prompts": "\n\n".join(f"[{p.shot_id}]\nFRAME: {p.frame_prompt}\nVIDEO: {p.video_prompt}" for p in merged)}
    call = ask(provider, POLISH_TASK, template, values, payload, PolishDraft, seed, tags)
    polished = _polished(merged, call[1].output, inputs.shots)
    return assemble(PromptSet(prompts=polished, **limits), POLISH_TASK, template, [call], seed, guidance, payload,
                    started)


def template_versions() -> str:
    return "+".join(load_template(name).version for name in ("frame_prompt", "video_prompt"))


def merge(inputs: PromptInputs) -> list[ShotPrompt]:
    """A frame and a video prompt for each shot, by the versioned templates; the same inputs give the same text."""
    return [_shot_prompt(shot, inputs) for shot in inputs.shots]


def _shot_prompt(shot: Shot, inputs: PromptInputs) -> ShotPrompt:
    cast = _cast(shot, inputs.instances, _shown_from(inputs), inputs.shots.index(shot))
    setting = shot.setting or _place(inputs.slug)
    words = {"framing": shot.camera.framing.value.capitalize(), "setting": setting,
             "time_of_day": _time_of_day(inputs.slug), "action": _sentence(shot.action),
             "characters": "; ".join(_character(c, i) for c, i in cast) or "none in frame",
             "props": "; ".join(_prop(p) for p in _props(shot, inputs.instances)) or "none",
             "camera": shot.camera.text, "style": _style(inputs.style),
             "continuity": "; ".join(shot.continuity_flags) or "match the previous shot's light and placement"}
    frame = load_template("frame_prompt").render(**words)
    end, note = _end_frame(shot, inputs.video)
    framing = shot.camera.framing.value
    video = load_template("video_prompt").render(
        **words, framing_phrase=f"{'an' if framing[0] in 'aeiou' else 'a'} {framing}",
        movement=shot.camera.movement.value.capitalize(), duration=shot.duration, dialogue=_dialogue(shot),
        end_frame=", and end on the end frame" if end else "")
    return ShotPrompt(shot_id=shot.shot_id, frame_prompt=_tidy(frame), video_prompt=_tidy(video),
                      requires_end_frame=end, end_frame_note=note, references=_references(shot, cast, inputs))


def _cast(shot: Shot, instances: list[Instance], shown_from: dict[tuple[str, str], int],
          index: int) -> list[tuple[str, Instance | None]]:
    """The shot's characters with their instance as this shot shows it: tags the scene adds only from the shot
    where its action adds them ("she falls in the mud": muddy from that shot on; inherited tags throughout)."""
    found = []
    for character in shot.characters:
        match = next((i for i in instances if i.asset_type == "character" and same_person(i.name, character.name)),
                     None)
        if match is not None:
            tags = [t for t in match.status_tags if shown_from.get((match.asset_id, t), 0) <= index]
            match = match.model_copy(update={"status_tags": tags})
        found.append((f"{character.name} ({character.prominence.value})", match))
    return found


def _shown_from(inputs: PromptInputs) -> dict[tuple[str, str], int]:
    """For each tag a scene adds, the first shot whose action holds the words that add it (unknown: the first)."""
    first = {}
    for instance in inputs.instances:
        at = _shot_saying(inputs.shots, instance.evidence)
        for tag in instance.added:
            first[(instance.asset_id, tag)] = at
    return first


def _shot_saying(shots: list[Shot], evidence: str) -> int:
    words = _tokens(evidence)
    if not words:
        return 0
    for index, shot in enumerate(shots):
        said = _tokens(shot.action)
        if " ".join(words) in " ".join(said) or len(set(words) & set(said)) >= 0.8 * len(set(words)):
            return index
    return 0


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", (text or "").lower())


def _character(label: str, instance: Instance | None) -> str:
    if instance is None:
        return label
    look = instance.description_override or visual_description(instance.description)
    tags = f", looking {', '.join(t.replace('_', ' ') for t in instance.status_tags)}" if instance.status_tags else ""
    return f"{label}: {_sentence(look).rstrip('.')}{tags}" if look else f"{label}{tags}"


# what a description says that isn't something to see: the offline extractor's notes about the script
_NOT_SEEN = re.compile(r"^(\d+ lines? of dialogue|named in the source story|speaks in scenes?)", re.IGNORECASE)
# the note of a character's first line, whole: the line quoted in it may hold sentences of its own
_FIRST_LINE = re.compile(r"\b\d+ lines? of dialogue, first: (?:\"[^\"]*\"|“[^”]*”)\.?", re.IGNORECASE)


def visual_description(description: str) -> str:
    """An asset's description as a picture needs it: its notes about lines and scenes left out."""
    said = _FIRST_LINE.sub(" ", description or "")
    kept = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", " ".join(said.split()))
            if s and not _NOT_SEEN.match(s)]
    return " ".join(s.removeprefix("First seen: ") for s in kept)


def _props(shot: Shot, instances: list[Instance]) -> list[Instance]:
    wanted = {p.lower() for p in shot.props}
    return [i for i in instances if i.asset_type == "prop" and i.name.lower() in wanted]


def _prop(instance: Instance) -> str:
    tags = f" ({', '.join(t.replace('_', ' ') for t in instance.status_tags)})" if instance.status_tags else ""
    look = instance.description_override or visual_description(instance.description)
    return f"{instance.name}{tags}: {_sentence(look).rstrip('.')}" if look else f"{instance.name}{tags}"


def _location(inputs: PromptInputs) -> Instance | None:
    place = _place(inputs.slug).lower()
    locations = [i for i in inputs.instances if i.asset_type == "location"]
    return next((i for i in locations if i.name.lower() in place or place in i.name.lower()),
                locations[0] if len(locations) == 1 else None)


def _references(shot: Shot, cast: list[tuple[str, Instance | None]], inputs: PromptInputs) -> list[Reference]:
    chosen = [i for _, i in cast if i is not None] + _props(shot, inputs.instances)
    location = _location(inputs)
    chosen += [location] if location is not None else []
    unique = {i.asset_id: i for i in chosen}
    return [Reference(name=i.name, asset_type=i.asset_type, asset_id=i.asset_id, image_key=i.image_key)
            for i in unique.values()]


def _end_frame(shot: Shot, video: VideoTarget) -> tuple[bool, str]:
    """Whether the clip should aim at an end frame: the picture changes within the shot, and the model takes one."""
    if not video.takes_last_frame:
        return False, f"{video.label} doesn't take an end frame: the clip starts from the start frame only."
    moving = shot.camera.movement is not Movement.STATIC or bool(_CHANGE.search(shot.action))
    return moving, ""


def _dialogue(shot: Shot) -> str:
    return f"Dialogue: {dialogue_text(shot.dialogue)}".replace("\n", " / ") if shot.dialogue else "No dialogue."


def _style(style: dict) -> str:
    preset = style_preset(style.get("preset"))
    notes = (style.get("notes") or "").strip()
    return f"{preset.title}: {preset.words}" + (f"; {notes}" if notes else "")


def _place(slug: str) -> str:
    """'EXT. LIGHTHOUSE - GALLERY - DAWN' -> 'Lighthouse - Gallery'; a word processor's 'KITCHEN – NIGHT' too."""
    return read_heading(slug).location.title() or slug


def _time_of_day(slug: str) -> str:
    return read_heading(slug).time.lower() or "time unstated"


def _sentence(text: str) -> str:
    text = " ".join((text or "").split())
    return text if not text or text.endswith((".", "!", "?", "…")) else text + "."


def _tidy(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _polished(merged: list[ShotPrompt], answer: PolishDraft, shots: list[Shot]) -> list[ShotPrompt]:
    """The merged prompts with the model's wording, refused when it drops a shot, a character's name or a line."""
    by_id = {p.shot_id: p for p in answer.prompts}
    polished = []
    for prompt, shot in zip(merged, shots, strict=True):
        better = by_id.get(prompt.shot_id)
        if better is None:
            raise ProviderBadResponse(f"The polish left out shot {prompt.shot_id}; the merged prompts are kept.")
        lost = _lost(shot, prompt, better)
        if lost:
            raise ProviderBadResponse(f"The polish dropped what shot {prompt.shot_id} shows: {'; '.join(lost)}. "
                                      "The merged prompts are kept.")
        polished.append(prompt.model_copy(update={"frame_prompt": better.frame_prompt,
                                                  "video_prompt": better.video_prompt}))
    return polished


def _lost(shot: Shot, merged: ShotPrompt, better: PolishedPrompt) -> list[str]:
    """What a merged prompt names (a character, a speaker, a line's words) that its polished wording no longer does."""
    names = [(name, name) for name in dict.fromkeys(shot.names + shot.speakers)]
    lines = [(line.text, f'the line "{line.text}"') for line in shot.dialogue]
    lost = []
    for what, before, after in (("frame prompt", merged.frame_prompt, better.frame_prompt),
                                ("video prompt", merged.video_prompt, better.video_prompt)):
        gone = [label for words, label in names + lines if _says(before, words) and not _says(after, words)]
        lost += [f"its {what} lost {', '.join(gone)}"] if gone else []
    return lost


def _says(text: str, words: str) -> bool:
    """Whether `text` has `words` in a row, whatever their case and punctuation ("lamp's" = "Lamp’s")."""
    wanted = _words(words)
    return bool(wanted) and f" {wanted} " in f" {_words(text)} "


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def prompt_problems(prompts: PromptSet) -> list[str]:
    """What stops these prompts from being sent: a prompt over the target model's limit, in plain words."""
    problems = []
    for prompt in prompts.prompts:
        for what, text, limit in (("frame prompt", prompt.frame_prompt, prompts.frame_token_limit),
                                  ("video prompt", prompt.video_prompt, prompts.video_token_limit)):
            length = measure_prompt(text, limit)
            if length.over:
                problems.append(f"Shot {prompt.shot_id}: {length.message(what)}")
    return problems
