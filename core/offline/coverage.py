"""Coverage: how a scene's beats are cut into shot-sized pieces, and what the creator's guidance changes.

    read_guidance("fewer shots, more close-ups") -> Guidance(cutting="fewer", closer=True, ...)
    cut(beats, guidance, longest)                -> [Piece(action=...), Piece(cues=(...)), ...]

An action paragraph is one piece, cut at sentences when its words outrun the longest shot (about 3 words a
second) and around a sentence that handles a prop (that sentence becomes an insert). A short exchange between
two people is one piece (a two-shot); a longer one is cut at each change of speaker, a few lines a piece, so
each piece's words fit the longest shot (about 2.5 spoken words a second). A line is never split; a dual
dialogue pair is never parted; a voice-over or off-screen line is its own piece, since we see someone else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from core.offline.breakdown import Beat, Cue
from core.offline.shot_cues import handled
from core.offline.text import split_sentences, word_count

SPOKEN_WORDS_PER_SECOND = 2.5
ACTION_WORDS_PER_SECOND = 3.0
TWO_SHOT_BLOCKS = 3  # an exchange of up to three speeches between two people plays in one two-shot

_GUIDANCE = {  # phrase -> (setting, value); the first phrase found for a setting wins
    "fewer shots": ("cutting", "fewer"), "fewer cuts": ("cutting", "fewer"), "longer takes": ("cutting", "fewer"),
    "less coverage": ("cutting", "fewer"), "less cutting": ("cutting", "fewer"), "merge": ("cutting", "fewer"),
    "more shots": ("cutting", "more"), "more coverage": ("cutting", "more"), "more cuts": ("cutting", "more"),
    "faster cutting": ("cutting", "more"), "more angles": ("cutting", "more"), "split": ("cutting", "more"),
    "fewer close": ("closer", False), "less close": ("closer", False), "no close": ("closer", False),
    "close-up": ("closer", True), "close up": ("closer", True), "closeup": ("closer", True),
    "closer": ("closer", True), "tighter": ("closer", True), "intimate": ("closer", True),
    "wider": ("wider", True), "wide shots": ("wider", True), "more wides": ("wider", True),
    "handheld": ("handheld", True), "hand-held": ("handheld", True), "shaky": ("handheld", True),
    "static": ("static", True), "locked off": ("static", True), "locked-off": ("static", True),
    "tripod": ("static", True), "still camera": ("static", True),
    "slower": ("tempo", 1), "linger": ("tempo", 1), "longer shots": ("tempo", 1),
    "let it breathe": ("tempo", 1), "faster": ("tempo", -1), "quicker": ("tempo", -1), "snappier": ("tempo", -1),
    "shorter shots": ("tempo", -1), "pacier": ("tempo", -1),
}


@dataclass(frozen=True)
class Guidance:
    """What regeneration guidance asks of a shot list; the defaults change nothing."""

    cutting: str = ""  # "fewer": merge into longer takes; "more": cut exchanges and paragraphs finer
    closer: bool | None = None  # True: singles go to close-ups; False: no close-ups but inserts
    wider: bool = False  # mediums open out to wides
    handheld: bool = False
    static: bool = False  # a locked-off camera: no moves
    tempo: int = 0  # +1: each shot one allowed length longer; -1: one shorter where its words allow


def read_guidance(text: str) -> Guidance:
    """The guidance's camera and cutting wishes, from phrases it knows; anything else changes nothing."""
    lowered = " ".join(str(text or "").lower().split()) + " "
    settings: dict = {}
    for phrase, (setting, value) in _GUIDANCE.items():
        if setting not in settings and re.search(rf"(?<![\w-]){re.escape(phrase)}", lowered):
            settings[setting] = value
    if settings.get("cutting") == "fewer" and "longer takes" in lowered:
        settings.setdefault("tempo", 1)  # a longer take is also a slower one
    return Guidance(**settings)


@dataclass(frozen=True)
class Piece:
    """What one shot covers: a stretch of action, or some of an exchange's cues."""

    action: str = ""
    cues: tuple[Cue, ...] = ()
    insert: bool = False  # a sentence with a hand on a prop, cut out to be seen close
    establishing: bool = False  # the wide that opens the scene on its place
    from_heading: bool = False  # no action opens the scene: its heading gives what we see

    @property
    def words(self) -> int:
        return word_count(self.action) + sum(word_count(cue.text) for cue in self.cues)


def cut(beats: list[Beat], guidance: Guidance, longest: int, props: tuple[str, ...]) -> list[Piece]:
    """The scene's beats cut into pieces, one per shot, in script order.

    Args:
        beats: the scene's breakdown.
        longest: the longest shot the video model takes, in seconds.
        props: the scene's props (a sentence handling one is its own insert).
    """
    action_room = longest * ACTION_WORDS_PER_SECOND
    spoken_room = longest * SPOKEN_WORDS_PER_SECOND
    pieces: list[Piece] = []
    for beat in beats:
        if beat.cues:
            pieces += [Piece(cues=group) for group in _cut_exchange(beat.cues, guidance.cutting, spoken_room)]
        elif guidance.cutting == "fewer" and pieces and pieces[-1].action and not pieces[-1].insert and (
                pieces[-1].words + word_count(beat.action) <= action_room):
            pieces[-1] = Piece(action=f"{pieces[-1].action} {beat.action}")
        else:
            pieces += _cut_paragraph(beat.action, guidance.cutting, action_room, props)
    return pieces


def _cut_paragraph(paragraph: str, cutting: str, room: float, props: tuple[str, ...]) -> list[Piece]:
    sentences = split_sentences(paragraph) or [paragraph]
    if cutting == "more":
        return [Piece(action=s, insert=bool(handled(s, props))) for s in sentences]
    if cutting == "fewer" or len(sentences) == 1:
        runs = [sentences]
    else:
        runs = _around_inserts(sentences, props)
    pieces = []
    for run in runs:
        if len(run) == 1 and len(sentences) > 1 and handled(run[0], props):
            pieces.append(Piece(action=run[0], insert=True))
            continue
        pieces += [Piece(action=" ".join(group)) for group in pack(run, word_count, room)]
    return pieces


def _around_inserts(sentences: list[str], props: tuple[str, ...]) -> list[list[str]]:
    """Runs of sentences, with each sentence that handles a prop in a run of its own."""
    runs: list[list[str]] = [[]]
    for sentence in sentences:
        if handled(sentence, props):
            runs += [[sentence], []]
        else:
            runs[-1].append(sentence)
    return [run for run in runs if run]


def _cut_exchange(cues: tuple[Cue, ...], cutting: str, room: float) -> list[tuple[Cue, ...]]:
    blocks = _blocks(cues)
    if cutting == "more":
        return blocks
    if cutting != "fewer" and _one_two_shot(blocks, room):
        return [tuple(cue for block in blocks for cue in block)]
    groups = _runs(blocks, by_speaker=cutting != "fewer")
    return [tuple(cue for block in packed for cue in block)
            for group in groups for packed in pack(group, _spoken_words, room)]


def _blocks(cues: tuple[Cue, ...]) -> list[tuple[Cue, ...]]:
    """Speeches that can't be parted: one cue, or a dual dialogue pair."""
    blocks: list[tuple[Cue, ...]] = []
    for cue in cues:
        if cue.together and blocks:
            blocks[-1] = blocks[-1] + (cue,)
        else:
            blocks.append((cue,))
    return blocks


def _one_two_shot(blocks: list[tuple[Cue, ...]], room: float) -> bool:
    """Whether a short exchange between at most two people, all in view, plays best in one shot."""
    cues = [cue for block in blocks for cue in block]
    speakers = {cue.speaker for cue in cues}
    return (len(blocks) <= TWO_SHOT_BLOCKS and len(speakers) <= 2 and all(cue.on_screen for cue in cues)
            and sum(word_count(cue.text) for cue in cues) <= room)


def _runs(blocks: list[tuple[Cue, ...]], by_speaker: bool) -> list[list[tuple[Cue, ...]]]:
    """Blocks grouped for packing: a voice-over apart from what is said in view, and (by_speaker) each
    speaker's consecutive speeches apart from the next speaker's."""
    runs: list[list[tuple[Cue, ...]]] = []
    for block in blocks:
        if runs and _key(block, by_speaker) == _key(runs[-1][-1], by_speaker):
            runs[-1].append(block)
        else:
            runs.append([block])
    return runs


def _key(block: tuple[Cue, ...], by_speaker: bool) -> tuple:
    off = tuple(cue.off_screen for cue in block)
    return (off, tuple(cue.speaker for cue in block), len(block)) if by_speaker else (any(off),)


def _spoken_words(block: tuple[Cue, ...]) -> int:
    return sum(word_count(cue.text) for cue in block)


def pack(items: list, size: Callable[[object], float], room: float) -> list[list]:
    """Consecutive items in groups whose sizes add up to at most `room`; an item bigger than that stands alone."""
    groups: list[list] = []
    total = 0.0
    for item in items:
        if groups and total + size(item) <= room:
            groups[-1].append(item)
            total += size(item)
        else:
            groups.append([item])
            total = size(item)
    return groups
