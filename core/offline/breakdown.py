"""A scene's breakdown for the shot list: its heading read as a place, and its text as beats in script order.

    read_heading("INT. LAMP ROOM - NIGHT")  -> Heading(interior="INT", location="LAMP ROOM", time="NIGHT")
    break_down(excerpt, lines)              -> [Beat(action="MARA climbs ..."), Beat(cues=(Cue(...), ...)), ...]

An action beat is one action paragraph; a dialogue beat is a run of cues with no action between them. The
dialogue comes from the scene's `lines` (the stage's, numbered 1..n); the excerpt only says where each line
sits among the action and how it is delivered (a (V.O.) cue, dual dialogue). A line the excerpt doesn't show
still gets a place, right after the line before it, so every line is in the breakdown once, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screenplain.types import Action, Dialog, DualDialog

from core.film.screenplay import read_fountain

_PREFIX = re.compile(r"^\s*\.?\s*(INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|I\s*/\s*E|INT|EXT|EST)\b\.?\s*", re.IGNORECASE)
_TIMES = frozenset("""
day night morning evening afternoon dawn dusk noon midnight sunrise sunset twilight later continuous same moments moving
moment minutes hours next following early late
""".split())
_OFF_SCREEN = {"V.O.": "voice-over", "VO": "voice-over", "O.S.": "off-screen", "OS": "off-screen",
               "O.C.": "off-screen", "OC": "off-screen"}


@dataclass(frozen=True)
class Heading:
    """A scene heading read as a place: interior or exterior, the location, the time of day."""

    interior: str  # "INT", "EXT", "INT/EXT" or "" when the heading doesn't say
    location: str  # "LAMP ROOM", as the heading names it
    time: str = ""  # "NIGHT"

    def same_place(self, other: Heading | None) -> bool:
        """Whether a scene under this heading continues where `other`'s scene was (same space, any time)."""
        return other is not None and bool(self.location) and (self.interior, self.location.upper()) == (
            other.interior, other.location.upper())


@dataclass(frozen=True)
class Cue:
    """One dialogue line of the scene: its number in the scene's lines and how it is delivered."""

    number: int  # 1-based, in the scene's lines
    speaker: str  # "MARA"
    text: str
    parenthetical: str = ""  # "(quietly)"
    off_screen: str = ""  # "voice-over" or "off-screen" when the cue says (V.O.) / (O.S.)
    together: bool = False  # spoken at once with the cue before it (dual dialogue)

    @property
    def on_screen(self) -> bool:
        return not self.off_screen


@dataclass(frozen=True)
class Beat:
    """An action paragraph, or a run of dialogue cues with no action between them."""

    action: str = ""
    cues: tuple[Cue, ...] = ()


def read_heading(slug: str | None) -> Heading:
    """The place a scene heading names: 'EXT. LIGHTHOUSE - GALLERY - DAWN' -> EXT, 'LIGHTHOUSE - GALLERY', DAWN."""
    text = " ".join(str(slug or "").split())
    match = _PREFIX.match(text)
    interior = re.sub(r"[.\s]", "", match.group(1)).upper().replace("I/E", "INT/EXT") if match else ""
    interior = "INT/EXT" if interior == "EXT/INT" else interior
    parts = [part.strip(" .-") for part in re.split(r"\s+[-–—]+\s+", text[match.end():] if match else text)]
    parts = [part for part in parts if part]
    time = parts.pop() if len(parts) > 1 and _is_time(parts[-1]) else ""
    return Heading(interior, " - ".join(parts), time)


def _is_time(part: str) -> bool:
    return any(word in _TIMES for word in re.findall(r"[a-z]+", part.lower()))


def break_down(excerpt: str, lines: list[dict]) -> list[Beat]:
    """The scene's beats in script order; every one of `lines` is in exactly one beat, in order.

    Args:
        excerpt: the scene's Fountain text below its heading.
        lines: the scene's dialogue, each {"speaker", "text", "parenthetical"}, in script order.
    """
    wanted = [_cue(number, line) for number, line in enumerate(lines, 1)]
    beats, next_line = [], 0
    for item in _script_items(excerpt):
        if isinstance(item, str):
            beats.append(Beat(action=item))
            continue
        placed, next_line = _place(item, wanted, next_line)
        if placed:
            beats.append(Beat(cues=tuple(placed)))
    if next_line < len(wanted):  # lines the excerpt doesn't show close the scene
        beats.append(Beat(cues=tuple(wanted[next_line:])))
    return _joined(beats)


def _cue(number: int, line: dict) -> Cue:
    return Cue(number, " ".join(str(line.get("speaker") or "").split()).upper(),
               " ".join(str(line.get("text") or "").split()), str(line.get("parenthetical") or "").strip())


def _script_items(excerpt: str) -> list:
    """The excerpt's action paragraphs (as text) and speeches (as lists of (cue, speaker, text)), in order."""
    document = read_fountain("\n" + (excerpt or ""))  # the blank first line: never a title page
    speeches = iter(document.dialogue)
    items: list = []
    for paragraph in document.paragraphs:
        if isinstance(paragraph, Action):
            text = " ".join(" ".join(str(line).split()) for line in paragraph.lines).strip()
            if text:
                items.append(text)
        elif isinstance(paragraph, (Dialog, DualDialog)):
            count = 2 if isinstance(paragraph, DualDialog) else 1
            items.append([next(speeches) for _ in range(count)])
    return items


def _place(speeches: list, wanted: list[Cue], start: int) -> tuple[list[Cue], int]:
    """The scene's lines for one speech (or a dual pair) of the excerpt, with any lines skipped before it."""
    placed: list[Cue] = []
    for index, speech in enumerate(speeches):
        key = (speech.character.upper(), " ".join(speech.text.split()))
        found = next((k for k in range(start, len(wanted)) if (wanted[k].speaker, wanted[k].text) == key), None)
        if found is None:
            continue  # a speech the scene's lines don't have: the lines are the truth
        placed += wanted[start:found]
        placed.append(_delivered(wanted[found], speech.cue, together=index > 0 and bool(placed)))
        start = found + 1
    return placed, start


def _delivered(cue: Cue, written: str, together: bool) -> Cue:
    extensions = {ext.strip().upper().replace(" ", "") for ext in re.findall(r"\(([^)]*)\)", written)}
    off_screen = next((_OFF_SCREEN[ext] for ext in sorted(extensions) if ext in _OFF_SCREEN), "")
    return Cue(cue.number, cue.speaker, cue.text, cue.parenthetical, off_screen, together)


def _joined(beats: list[Beat]) -> list[Beat]:
    """Consecutive dialogue beats are one exchange."""
    joined: list[Beat] = []
    for beat in beats:
        if beat.cues and joined and joined[-1].cues:
            joined[-1] = Beat(cues=joined[-1].cues + beat.cues)
        else:
            joined.append(beat)
    return joined
