"""Shots: the Stage 7 shot list's pure model, shared by the offline engine, the models' structured output,
the data editor, the database rows and every later stage. Pure: no I/O.

    Shot             one shot: id ("3A"), order, duration, dialogue lines, action, characters with
                     prominence, setting, camera, props, continuity flags
    ShotList         a scene's shots, in order
    CameraSpec       framing · movement · angle (· note), stored as readable text ("wide · static · eye level")
    dialogue_text / parse_dialogue_text   a shot's lines as the `shots.dialogue` column holds them
    shot_ids(scene_number, count)         "3A", "3B", … "3Z", "3AA", …
    coverage_problems(...)                what breaks "every line exactly once, in order; no invented character"
    ShotDraft / ShotListDraft             a shot as a writer drafts it (offline engine, a model's structured output)
    shots_from_drafts(...)                drafts -> Shots: ids, order, dialogue from line numbers, durations snapped
"""

from __future__ import annotations

import re
from enum import StrEnum
from itertools import pairwise
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_SHOT_SECONDS = 8
MAX_SHOTS_PER_SCENE = 60


class Prominence(StrEnum):
    """How much of the frame a character takes."""

    LEAD = "lead"  # the shot is about them: front, large
    SUPPORTING = "supporting"  # in the shot, beside or behind the lead
    BACKGROUND = "background"  # present, small or out of focus


class Framing(StrEnum):
    EXTREME_WIDE = "extreme wide"
    WIDE = "wide"  # establishing a place
    MEDIUM = "medium"
    MEDIUM_CLOSE = "medium close-up"
    CLOSE_UP = "close-up"
    OVER_THE_SHOULDER = "over-the-shoulder"
    TWO_SHOT = "two-shot"
    INSERT = "insert"  # a prop, a detail


class Movement(StrEnum):
    STATIC = "static"
    PUSH_IN = "push-in"
    PULL_OUT = "pull-out"
    PAN_LEFT = "pan left"
    PAN_RIGHT = "pan right"
    TILT_UP = "tilt up"
    TILT_DOWN = "tilt down"
    TRACKING = "tracking"
    HANDHELD = "handheld"


class Angle(StrEnum):
    EYE_LEVEL = "eye level"
    HIGH = "high angle"
    LOW = "low angle"
    OVERHEAD = "overhead"


_SEPARATOR = " · "


class CameraSpec(BaseModel):
    """Framing, movement and angle; `text` is how the `shots.camera_spec` column holds it, `parse` reads it back."""

    model_config = ConfigDict(frozen=True)

    framing: Framing = Framing.MEDIUM
    movement: Movement = Movement.STATIC
    angle: Angle = Angle.EYE_LEVEL
    note: Annotated[str, Field(max_length=200)] = ""  # "on Mara's hands", "through the window"

    @property
    def text(self) -> str:
        parts = [self.framing.value, self.movement.value, self.angle.value]
        return _SEPARATOR.join(parts + ([" ".join(self.note.split())] if self.note.strip() else []))

    @classmethod
    def parse(cls, text: str) -> CameraSpec:
        """A camera spec from its text; words it knows anywhere in the text, the rest kept as the note.

        "wide · static · eye level" -> (wide, static, eye level); "close-up push-in on the key" -> close-up,
        push-in, eye level, note "on the key". Unknown text is all note, on a medium static shot.
        """
        rest = " " + " ".join(str(text or "").replace("·", " ").split()) + " "
        found = {}
        for enum in (Framing, Movement, Angle):
            for member in sorted(enum, key=lambda m: -len(m.value)):  # "medium close-up" before "medium"
                at = rest.lower().find(f" {member.value} ")
                if at >= 0:  # matched in any case, the rest kept as written ("over Bram's shoulder")
                    found[enum] = member
                    rest = rest[:at] + " " + rest[at + len(member.value) + 2:]
                    break
        return cls(framing=found.get(Framing, Framing.MEDIUM), movement=found.get(Movement, Movement.STATIC),
                   angle=found.get(Angle, Angle.EYE_LEVEL), note=" ".join(rest.split())[:200])


class Line(BaseModel):
    """One dialogue line as the script gives it."""

    model_config = ConfigDict(frozen=True)

    speaker: Annotated[str, Field(min_length=1, max_length=120)]  # the cue's name, without extensions: "MARA"
    text: Annotated[str, Field(min_length=1, max_length=4_000)]
    parenthetical: Annotated[str, Field(max_length=200)] = ""  # "(quietly)", as written, with its brackets

    @field_validator("speaker")
    @classmethod
    def _speaker(cls, value: str) -> str:
        return " ".join(value.split()).upper()


class ShotCharacter(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=120)]  # as the scene's cues and assets name them: "MARA"
    prominence: Prominence = Prominence.SUPPORTING

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return " ".join(value.split()).upper()


class Shot(BaseModel):
    """One shot of a scene."""

    shot_id: Annotated[str, Field(pattern=r"^\d+[A-Z]+$", max_length=12)]  # "3A"
    order: Annotated[int, Field(ge=1)]
    duration: Annotated[int, Field(ge=1, le=60)] = DEFAULT_SHOT_SECONDS  # seconds; one the video model accepts
    dialogue: list[Line] = Field(default_factory=list)
    action: Annotated[str, Field(max_length=4_000)] = ""
    characters: list[ShotCharacter] = Field(default_factory=list)
    setting: Annotated[str, Field(max_length=300)] = ""  # the location as the scene heading names it
    camera: CameraSpec = CameraSpec()
    props: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(default_factory=list)
    continuity_flags: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(default_factory=list)
    manually_edited: bool = False

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(line.speaker for line in self.dialogue))

    @property
    def names(self) -> list[str]:
        return [character.name for character in self.characters]


class ShotList(BaseModel):
    """A scene's shots, in order (`order` 1..n, ids "<scene>A", "<scene>B", …)."""

    shots: Annotated[list[Shot], Field(min_length=1, max_length=MAX_SHOTS_PER_SCENE)]

    @property
    def runtime(self) -> int:
        """The scene's length in seconds: the sum of its shots."""
        return sum(shot.duration for shot in self.shots)


def shot_letters(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA", 27 -> "AB": spreadsheet-column letters."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def shot_ids(scene_number: int, count: int) -> list[str]:
    """The ids of a scene's shots in order: "3A", "3B", …"""
    return [f"{scene_number}{shot_letters(i)}" for i in range(count)]


def renumbered(scene_number: int, shots: list[Shot]) -> list[Shot]:
    """The shots in their list order with `order` 1..n and ids "<scene>A"…: after an add, delete, reorder,
    split or merge."""
    ids = shot_ids(scene_number, len(shots))
    return [shot.model_copy(update={"order": i + 1, "shot_id": ids[i]}) for i, shot in enumerate(shots)]


_DIALOGUE_LINE = re.compile(r"^\s*(?P<speaker>[^:()\n]+?)\s*(?P<paren>\([^)]*\))?\s*:\s*(?P<text>.+?)\s*$")


def dialogue_text(lines: list[Line]) -> str:
    """A shot's lines as the `shots.dialogue` column and the data editor hold them: "MARA (quietly): Go." per line."""
    return "\n".join(f"{line.speaker}{' ' + line.parenthetical if line.parenthetical else ''}: {line.text}"
                     for line in lines)


def parse_dialogue_text(text: str) -> list[Line]:
    """Lines from `dialogue_text`'s form; ValueError names a line without "NAME: words"."""
    lines = []
    for number, raw in enumerate(str(text or "").splitlines(), 1):
        if not raw.strip():
            continue
        match = _DIALOGUE_LINE.match(raw)
        if match is None:
            raise ValueError(f"dialogue line {number} ({raw.strip()[:40]!r}) needs the form 'NAME: what they say'")
        lines.append(Line(speaker=match["speaker"], text=match["text"], parenthetical=match["paren"] or ""))
    return lines


def _said(line: Line) -> tuple[str, str]:
    return line.speaker, " ".join(line.text.split())


def coverage_problems(shots: list[Shot], scene_lines: list[Line], scene_characters: list[str],
                      durations: tuple[int, ...] | None = None) -> list[str]:
    """What is wrong with a shot list against its scene, in plain words (empty: nothing).

    Every line of the scene appears in exactly one shot, in script order; no shot names a character the
    scene (`scene_characters`: its speakers and the cast present) doesn't have; ids are unique; durations are
    ones the video model accepts (`durations`, None: any).
    """
    problems = []
    ids = [shot.shot_id for shot in shots]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        problems.append(f"shot ids repeat: {', '.join(repeated)}")
    spoken = [_said(line) for shot in shots for line in shot.dialogue]
    wanted = [_said(line) for line in scene_lines]
    if spoken != wanted:
        missing = [f"{s}: {t[:40]}" for s, t in wanted if (s, t) not in spoken]
        extra = [f"{s}: {t[:40]}" for s, t in spoken if (s, t) not in wanted]
        twice = sorted({f"{s}: {t[:40]}" for s, t in spoken if spoken.count((s, t)) > wanted.count((s, t))})
        if missing:
            problems.append(f"{len(missing)} line(s) of the scene are in no shot (first: {missing[0]!r})")
        if extra:
            problems.append(f"{len(extra)} line(s) aren't in the scene's script (first: {extra[0]!r})")
        if twice and not extra:
            problems.append(f"line(s) appear in more than one shot (first: {twice[0]!r})")
        if not (missing or extra or twice):
            problems.append("the scene's lines are out of script order")
    known = {" ".join(name.split()).upper() for name in scene_characters}
    invented = sorted({name for shot in shots for name in shot.names + shot.speakers if name not in known})
    if invented:
        problems.append(f"character(s) not in this scene: {', '.join(invented)}")
    if durations:
        wrong = [f"{shot.shot_id} ({shot.duration} s)" for shot in shots if shot.duration not in durations]
        if wrong:
            allowed = ", ".join(f"{d}" for d in durations)
            problems.append(f"the video model takes {allowed} s shots; not {', '.join(wrong)}")
    return problems


class ShotDraft(BaseModel):
    """One shot as a writer drafts it (the offline engine or a model's structured output), before ids."""

    action: Annotated[str, Field(max_length=4_000, description="what we see, in the scene's own words")] = ""
    line_numbers: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list, description="the scene's dialogue lines (1-based, script order) spoken in this shot")
    characters: list[ShotCharacter] = Field(default_factory=list, description="who is in frame, with prominence")
    setting: Annotated[str, Field(max_length=300, description="the location as the scene heading names it")] = ""
    camera: CameraSpec = CameraSpec()
    duration: Annotated[int, Field(ge=1, le=60, description="seconds; one the video model accepts")] = (
        DEFAULT_SHOT_SECONDS)
    props: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(
        default_factory=list, description="the scene's props seen or handled in this shot")
    continuity_flags: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(
        default_factory=list, description='short plain flags: "MARA enters", "holds bottle", "same setup as 3B"')


class ShotListDraft(BaseModel):
    """A scene's drafted shots, in film order."""

    shots: Annotated[list[ShotDraft], Field(min_length=1, max_length=MAX_SHOTS_PER_SCENE)]


def nearest_duration(seconds: float, durations: tuple[int, ...]) -> int:
    """The allowed length closest to `seconds` (ties go to the longer, so nothing is cut short)."""
    return min(durations, key=lambda d: (abs(d - seconds), -d)) if durations else max(1, min(60, round(seconds)))


def shots_from_drafts(scene_number: int, drafts: list[ShotDraft], lines: list[Line], durations: tuple[int, ...],
                      characters: list[str] | None = None) -> list[Shot]:
    """A scene's shots from drafts: ids "3A"… and order, each shot's dialogue from its line numbers, durations
    snapped to the nearest allowed one.

    Args:
        drafts: ShotDrafts (or their dicts) in film order.
        lines: the scene's dialogue in script order; `line_numbers` count from 1 into it.
        durations: the lengths the video model accepts (empty: any).
        characters: the scene's characters (speakers and cast present); None skips the "nobody invented" check.
    Returns:
        The shots, in order. ValueError, in a plain sentence, when the drafts miss, repeat or reorder a line,
        name a character the scene doesn't have, or have no shots (or more than 60).
    """
    drafts = [ShotDraft.model_validate(draft) for draft in drafts]
    if not drafts or len(drafts) > MAX_SHOTS_PER_SCENE:
        raise ValueError(f"a scene needs 1 to {MAX_SHOTS_PER_SCENE} shots; this draft has {len(drafts)}")
    ids = shot_ids(scene_number, len(drafts))
    problem = _line_number_problem(ids, drafts, len(lines))
    if problem:
        raise ValueError(problem)
    shots = [_shot(ids[i], i + 1, draft, lines, durations) for i, draft in enumerate(drafts)]
    known = [*(characters or []), *(line.speaker for line in lines)]
    problems = coverage_problems(shots, lines, known, durations or None) if characters is not None else []
    if problems:
        raise ValueError("; ".join(problems))
    return shots


def _line_number_problem(ids: list[str], drafts: list[ShotDraft], count: int) -> str:
    """Why the drafts' line numbers don't give every line exactly once in script order ("" when they do)."""
    placed = [(shot_id, number) for shot_id, draft in zip(ids, drafts) for number in draft.line_numbers]
    numbers = [number for _, number in placed]
    beyond = [f"{shot_id} (line {number})" for shot_id, number in placed if number > count]
    if beyond:
        return f"the scene has {count} dialogue line(s), but {', '.join(beyond)} names one it doesn't have"
    twice = sorted({number for number in numbers if numbers.count(number) > 1})
    if twice:
        where = dict.fromkeys(shot_id for shot_id, number in placed if number == twice[0])
        return f"dialogue line {twice[0]} is placed more than once (in {', '.join(where)}); a line is spoken once"
    missing = [number for number in range(1, count + 1) if number not in numbers]
    if missing:
        return f"dialogue line(s) {', '.join(map(str, missing))} are spoken in no shot"
    if numbers != sorted(numbers):
        (first, early), (then, late) = next(pair for pair in pairwise(placed) if pair[1][1] < pair[0][1])
        return f"the dialogue is out of script order: line {early} (in {first}) comes before line {late} (in {then})"
    return ""


def _shot(shot_id: str, order: int, draft: ShotDraft, lines: list[Line], durations: tuple[int, ...]) -> Shot:
    unique: dict[str, ShotCharacter] = {}
    for character in draft.characters:
        unique.setdefault(character.name, character)  # a name twice: its first prominence stands
    return Shot(shot_id=shot_id, order=order, duration=nearest_duration(draft.duration, durations),
                dialogue=[lines[number - 1] for number in draft.line_numbers], action=draft.action,
                characters=list(unique.values()), setting=draft.setting, camera=draft.camera, props=list(draft.props),
                continuity_flags=list(draft.continuity_flags))
