"""Stage 7 offline: a scene's shot list, written from the scene's own Fountain text.

    write_shot_list(inputs, seed) -> {"shots": [ShotDraft as a dict, ...]}

The scene is broken down into action paragraphs and exchanges (breakdown.py), cut into shot-sized pieces
(coverage.py) and given camera setups (setups.py). This module walks the pieces in order, keeping track of who
is in view and who holds what, so each shot gets its characters, props, length and continuity flags. A scene
that opens somewhere new (or opens the film) starts on an establishing wide; a scene that stays where the last
one was doesn't. Every dialogue line is in exactly one shot, in script order; nobody outside the scene's
characters is ever named. The seed only picks among equal choices (a pan left or right, which setup first).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace

from core.film.shots import DEFAULT_SHOT_SECONDS, MAX_SHOTS_PER_SCENE, Prominence, nearest_duration, shot_ids
from core.offline import setups
from core.offline.breakdown import Beat, Heading, break_down, read_heading
from core.offline.coverage import ACTION_WORDS_PER_SECOND, SPOKEN_WORDS_PER_SECOND, Guidance, Piece, cut, read_guidance
from core.offline.shot_cues import (
    comings_and_goings,
    handled,
    names_in,
    opens_with_pronoun,
    pronoun_leads,
    prop_changes,
    props_in,
)
from core.offline.text import split_sentences, title_case

MAX_ACTION_CHARS = 4_000


@dataclass(frozen=True)
class _Scene:
    number: int
    heading: Heading
    previous: Heading | None
    cast: tuple[str, ...]
    props: tuple[str, ...]
    durations: tuple[int, ...]  # ascending
    default: int
    guidance: Guidance


def write_shot_list(inputs: dict, seed: int) -> dict:
    """A scene's shots in film order, drafted from its excerpt and lines (see the Stage 7 inputs contract).

    Args:
        inputs: {"scene_number", "slug", "excerpt", "lines", "characters", "props", "previous_slug",
            "durations", "default_duration", "guidance"}.
        seed: picks among equal choices; the coverage rules hold for every seed.
    Returns:
        {"shots": [{"action", "line_numbers", "characters", "setting", "camera", "duration", "props",
        "continuity_flags"}, ...]}, at least one shot and at most 60.
    """
    scene = _read_scene(inputs)
    beats = break_down(str(inputs.get("excerpt") or ""), [dict(line) for line in inputs.get("lines") or []])
    pieces = cut(beats, scene.guidance, scene.durations[-1], scene.props)
    if len(pieces) >= MAX_SHOTS_PER_SCENE and scene.guidance.cutting != "fewer":
        pieces = cut(beats, replace(scene.guidance, cutting="fewer"), scene.durations[-1], scene.props)
    drafts = _Shooting(scene, beats, seed).shoot(_opened(scene, pieces))
    return {"shots": _marked_repeats(scene.number, _within_limit(drafts, scene.durations))}


def _opened(scene: _Scene, pieces: list[Piece]) -> list[Piece]:
    """The pieces with the establishing wide marked (or added) when the scene opens somewhere new; an empty
    scene is one establishing wide wherever it is."""
    if pieces and scene.heading.same_place(scene.previous):
        return pieces
    first = pieces[0] if pieces else None
    if first is not None and first.action and not first.insert and not handled(first.action, scene.props):
        return [replace(first, establishing=True), *pieces[1:]]
    heading = scene.heading
    place = ", ".join(part for part in (title_case(heading.location), heading.time.lower()) if part)
    return [Piece(action=f"{place}." if place else "", establishing=True, from_heading=True), *pieces]


def _read_scene(inputs: dict) -> _Scene:
    lines = inputs.get("lines") or []
    names = [*(inputs.get("characters") or []), *(line.get("speaker") or "" for line in lines)]
    cast = tuple(dict.fromkeys(upper for name in names if (upper := " ".join(str(name).split()).upper())))
    props = tuple(dict.fromkeys(p for prop in inputs.get("props") or [] if 0 < len(p := " ".join(str(prop).split()))
                                <= 120))
    durations = tuple(sorted({int(d) for d in inputs.get("durations") or [] if 1 <= int(d) <= 60}))
    default = int(inputs.get("default_duration") or DEFAULT_SHOT_SECONDS)
    previous = inputs.get("previous_slug")
    return _Scene(int(inputs.get("scene_number") or 1), read_heading(inputs.get("slug")),
                  read_heading(previous) if previous else None, cast, props,
                  durations or (min(max(default, 1), 60),), default, read_guidance(inputs.get("guidance") or ""))


@dataclass
class _Shooting:
    """Walks a scene's pieces in order, remembering who is in view, who holds what and whose turn it is."""

    scene: _Scene
    beats: list[Beat]
    seed: int
    rng: random.Random = field(init=False)
    ots_first: bool = field(init=False)  # the seed's choice: each speaker's first single is over the shoulder
    in_view: list[str] = field(init=False)
    holding: dict[str, str] = field(default_factory=dict)  # prop -> who holds it
    turns: dict[str, int] = field(default_factory=dict)  # speaker -> singles so far
    spoke: list[str] = field(default_factory=list)  # on-screen speakers, latest last
    subject: str | None = None  # whom the shot just before was about, when it was action
    company: list[str] = field(default_factory=list)  # everyone that action named ('They run.' means them)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.ots_first = self.rng.random() < 0.5
        arriving = {name for beat in self.beats if beat.action
                    for name in comings_and_goings(beat.action, self.scene.cast, None)[0]}
        heard_only = {cue.speaker for beat in self.beats for cue in beat.cues} - {
            cue.speaker for beat in self.beats for cue in beat.cues if cue.on_screen} - {
            name for beat in self.beats if beat.action for name in names_in(beat.action, self.scene.cast)}
        self.in_view = [name for name in self.scene.cast if name not in arriving | heard_only]

    def shoot(self, pieces: list[Piece]) -> list[dict]:
        """The drafts for the pieces, after an establishing wide where the scene opens somewhere new."""
        drafts = [self._shot(piece, pieces[i + 1:]) for i, piece in enumerate(pieces)]
        if pieces and self.scene.heading.same_place(self.scene.previous):
            drafts[0]["continuity_flags"].insert(0, "same place as the scene before")
        return drafts

    def _shot(self, piece: Piece, later: list[Piece]) -> dict:
        if piece.cues:
            return self._spoken(piece, later)
        return self._establishing(piece) if piece.establishing else self._action(piece)

    def _establishing(self, piece: Piece) -> dict:
        named = names_in(piece.action, self.scene.cast)
        background = [name for name in self.in_view if name not in named]
        setup = setups.establishing(piece.action, named, background, self.scene.heading.location,
                                    self.scene.heading.interior == "EXT", self.rng)
        seconds = None if piece.from_heading else piece.words / ACTION_WORDS_PER_SECOND
        self.subject, self.company = (named[0] if named else None), named
        return self._action_draft(piece, setups.nudged(setup, self.scene.guidance), named[0] if named else None,
                                  seconds)

    def _action(self, piece: Piece) -> dict:
        named = names_in(piece.action, self.scene.cast)
        if not named and re.match(r"\W*(?:they|their)\b", piece.action, re.IGNORECASE):
            named = list(self.company)
        lead = self._subject(piece.action, named)
        touched = handled(piece.action, self.scene.props)
        single = piece.insert or len(split_sentences(piece.action)) <= 1
        insert_on = touched[0] if touched and single else None
        background = [name for name in self.in_view if name not in named]
        setup = setups.action(piece.action, named, lead, background, insert_on, self.rng)
        self.subject, self.company = lead, named
        return self._action_draft(piece, setups.nudged(setup, self.scene.guidance), lead,
                                  seconds=piece.words / ACTION_WORDS_PER_SECOND)

    def _subject(self, text: str, named: list[str]) -> str | None:
        """Who the action is about: the first name; for 'She ...' the subject of the action just before (a
        paragraph cut in two), else the one person it can only be."""
        if opens_with_pronoun(text) or pronoun_leads(text, named):
            alone = self.in_view if len(self.in_view) == 1 else self.scene.cast if len(self.scene.cast) == 1 else []
            if self.subject or alone:
                return self.subject or alone[0]
        return named[0] if named else None

    def _action_draft(self, piece: Piece, setup: setups.Setup, lead: str | None, seconds: float | None) -> dict:
        entering, leaving = comings_and_goings(piece.action, self.scene.cast, lead)
        flags = [f"{name} enters" for name in entering] + self._prop_flags(piece.action, lead) + [
            f"{name} exits" for name in leaving]
        draft = self._draft(piece.action, [], setup, self._length(seconds), props_in(piece.action, self.scene.props),
                            flags)
        arrived = [name for name in [*entering, *names_in(piece.action, self.scene.cast)] if name not in leaving]
        self.in_view = [name for name in dict.fromkeys(self.in_view + arrived) if name not in leaving]
        return draft

    def _prop_flags(self, text: str, lead: str | None) -> list[str]:
        flags = []
        for change, prop, who in prop_changes(text, self.scene.props, self.scene.cast, lead):
            if change in ("take", "give") and who:
                self.holding[prop] = who
                flags.append(f"{who} holds {prop}")
            elif change in ("let go", "break"):
                self.holding.pop(prop, None)
                flags.append(f"{prop} broken" if change == "break" else f"{who + ' ' if who else ''}puts down {prop}")
        return flags

    def _spoken(self, piece: Piece, later: list[Piece]) -> dict:
        speakers = list(dict.fromkeys(cue.speaker for cue in piece.cues if cue.on_screen))
        partner = self._partner(speakers, later) if len(speakers) == 1 else None
        ots_turn = False
        if len(speakers) == 1:
            count = self.turns.get(speakers[0], 0)
            self.turns[speakers[0]] = count + 1
            ots_turn = (count % 2 == 0) == self.ots_first
        setup = setups.nudged(setups.dialogue(piece.cues, partner, self.in_view, ots_turn), self.scene.guidance)
        self.spoke += speakers
        self.subject, self.company = None, speakers  # 'They laugh.' after an exchange: the ones who spoke
        self.in_view += [name for name in speakers if name not in self.in_view]
        flags = list(dict.fromkeys(f"{cue.speaker} {cue.off_screen}" for cue in piece.cues if cue.off_screen))
        seconds = piece.words / SPOKEN_WORDS_PER_SECOND
        return self._draft(_said(piece, setup, partner), [cue.number for cue in piece.cues], setup,
                           self._length(seconds, spoken=seconds), [], flags)

    def _partner(self, speakers: list[str], later: list[Piece]) -> str | None:
        """Who a lone speaker talks to: the last other person who spoke in view, else the next one to speak, else
        the only other person there."""
        speaker = speakers[0]
        before = [name for name in reversed(self.spoke) if name != speaker and name in self.in_view]
        after = [cue.speaker for piece in later for cue in piece.cues if cue.on_screen and cue.speaker != speaker]
        there = [name for name in self.in_view if name != speaker]
        return next(iter(before + after + (there if len(there) == 1 else [])), None)

    def _draft(self, action: str, numbers: list[int], setup: setups.Setup, seconds: int, props: list[str],
               flags: list[str]) -> dict:
        framed = [name for name, prominence in setup.characters if prominence != Prominence.BACKGROUND]
        for prop, holder in self.holding.items():
            if holder in framed and not any(prop in flag for flag in flags):
                flags.append(f"{holder} holds {prop}")
                props = props if prop in props else [*props, prop]
        return {"action": _clipped(action), "line_numbers": numbers,
                "characters": [{"name": name, "prominence": p.value} for name, p in setup.characters],
                "setting": self.scene.heading.location[:300], "camera": setup.camera.model_dump(mode="json"),
                "duration": seconds, "props": props, "continuity_flags": flags}

    def _length(self, seconds: float | None, spoken: float = 0.0) -> int:
        """The shortest allowed length that holds the words (the default for a shot without words), moved one
        allowed length by the guidance's tempo, never below what the spoken words need."""
        durations = self.scene.durations
        if seconds is None:
            chosen = nearest_duration(self.scene.default, durations)
        else:
            chosen = next((d for d in durations if d >= seconds), durations[-1])
        index = min(max(durations.index(chosen) + self.scene.guidance.tempo, 0), len(durations) - 1)
        return durations[index] if durations[index] >= min(spoken, durations[-1]) else chosen


def _said(piece: Piece, setup: setups.Setup, partner: str | None) -> str:
    """What we see while lines are spoken, from the cues: who speaks, to whom, how."""
    speakers = [title_case(name) for name in dict.fromkeys(c.speaker for c in piece.cues if c.on_screen)]
    heard = [c for c in piece.cues if not c.on_screen]
    manner = next((c.parenthetical.strip("() ") for c in piece.cues if c.parenthetical.strip("() ")), "")
    if not speakers:
        listener = next((title_case(name) for name, p in setup.characters if p == Prominence.LEAD), "")
        how = "in voice-over" if heard[0].off_screen == "voice-over" else heard[0].off_screen
        voice = f"{title_case(heard[0].speaker)} is heard {how}"
        return f"{listener} listens; {voice}." if listener else f"{voice}."
    if len(speakers) == 1:
        to = f" to {title_case(partner)}" if partner else ""
        return f"{speakers[0]} speaks{to}{', ' + manner if manner else ''}."
    together = " at once" if any(c.together for c in piece.cues) else ""
    return f"{', '.join(speakers[:-1])} and {speakers[-1]} speak{together}."


def _clipped(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ACTION_CHARS else text[:MAX_ACTION_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _within_limit(drafts: list[dict], durations: tuple[int, ...]) -> list[dict]:
    """At most 60 shots: the adjacent pair with the least screen time merges, until the scene fits."""
    drafts = list(drafts)
    while len(drafts) > MAX_SHOTS_PER_SCENE:
        i = min(range(len(drafts) - 1), key=lambda k: drafts[k]["duration"] + drafts[k + 1]["duration"])
        first, second = drafts[i], drafts[i + 1]
        people = {c["name"]: c for c in second["characters"]} | {c["name"]: c for c in first["characters"]}
        drafts[i:i + 2] = [{**first, "action": _clipped(f"{first['action']} {second['action']}"),
                            "line_numbers": first["line_numbers"] + second["line_numbers"],
                            "characters": list(people.values()),
                            "duration": min(durations[-1], nearest_duration(first["duration"] + second["duration"],
                                                                            durations)),
                            "props": list(dict.fromkeys(first["props"] + second["props"])),
                            "continuity_flags": list(dict.fromkeys(first["continuity_flags"]
                                                                   + second["continuity_flags"]))}]
    return drafts


def _marked_repeats(scene_number: int, drafts: list[dict]) -> list[dict]:
    """A shot that returns to an earlier shot's setup (same camera, same people) says so: 'same setup as 3B'."""
    ids = shot_ids(scene_number, len(drafts))
    seen: dict[str, str] = {}
    for shot_id, draft in zip(ids, drafts):
        key = repr((draft["camera"], draft["characters"]))
        if key in seen:
            draft["continuity_flags"].append(f"same setup as {seen[key]}")
        seen[key] = shot_id
    return drafts
