"""Blocking: where each character stands across the set and which way they face, kept from shot to shot.

    block([{"name": "Mara", "prominence": "lead"}, {"name": "Tom"}], kept={}, rng=rng)
        -> [Mark("MARA", x=0.35, facing=1, prominence="lead", index=0), Mark("TOM", x=0.62, facing=-1, ...)]

`x` is a character's place across the set (0 left .. 1 right), the same whatever the camera frames, so
screen direction holds across cuts (the 180° rule): whoever the prior frame placed keeps their place and
facing; a newcomer takes the freest spot (the lead near a third line, a supporting player near the lead)
and faces the others.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

PROMINENCES = ("lead", "supporting", "background")
_THIRDS = (1 / 3, 2 / 3)
_SPOTS = [round(0.06 + step * 0.01, 2) for step in range(89)]  # where a newcomer may stand, 0.06 .. 0.94
_STEP = 0.05  # how far a step across the set is
_TURNS = frozenset("turn turns turning turned faces spins spin whirls looks glances".split())


@dataclass(frozen=True)
class Mark:
    """One character's mark on the set."""

    name: str  # as the shot names them, upper-case, spaces collapsed
    x: float  # place across the set, 0 left .. 1 right
    facing: int  # +1 facing screen right, -1 facing screen left
    prominence: str  # lead | supporting | background
    index: int  # their position in the shot's character list


def cast_key(name: object) -> str:
    """A character's name as marks and layouts hold it: upper-case, spaces collapsed."""
    return " ".join(str(name or "").split()).upper()


def prominence_of(character: dict) -> str:
    """The character's prominence, "supporting" when it is missing or unknown."""
    given = str(character.get("prominence") or "").strip().lower()
    return given if given in PROMINENCES else "supporting"


def lead_index(characters: list[dict]) -> int | None:
    """Who the shot is about: the first lead, else the first supporting player, else the first named."""
    if not characters:
        return None
    for wanted in PROMINENCES:
        for index, character in enumerate(characters):
            if prominence_of(character) == wanted:
                return index
    return 0


def block(characters: list[dict], kept: dict[str, tuple[float, int]], rng: random.Random) -> list[Mark]:
    """Every character's mark: kept ones where the prior frame had them, newcomers at the freest spot.

    Args:
        characters: the shot's characters (name, prominence), in the shot's order.
        kept: name (as `cast_key` spells it) -> (x, facing) from the prior frame's layout.
        rng: the seeded choices (which third the lead takes, ties between spots).
    Returns:
        One mark per character, in the shot's order.
    """
    lead = lead_index(characters)
    order = sorted(range(len(characters)), key=lambda i: (i != lead, PROMINENCES.index(prominence_of(characters[i])), i))
    placed: dict[int, tuple[float, int | None]] = {}
    for index in order:
        name = cast_key(characters[index].get("name"))
        if name in kept and index not in placed:
            placed[index] = kept[name]
    lead_x = placed[lead][0] if lead in placed else None
    for index in order:
        if index in placed:
            continue
        taken = [x for x, _ in placed.values()]
        x = _lead_spot(taken, rng) if index == lead else _spot(taken, prominence_of(characters[index]), lead_x, rng)
        placed[index] = (x, None)
        lead_x = x if index == lead else lead_x
    return [Mark(cast_key(characters[i].get("name")), placed[i][0], placed[i][1] or _facing(i, placed, lead),
                 prominence_of(characters[i]), i) for i in range(len(characters))]


def _lead_spot(taken: list[float], rng: random.Random) -> float:
    """A third line, the one farther from whoever already stands there (the seed decides on an empty set)."""
    jitter = rng.uniform(-0.03, 0.03)
    first, second = rng.sample(_THIRDS, 2)
    if taken and _room(second, taken) > _room(first, taken):
        first = second
    return round(first + jitter, 3)


def _spot(taken: list[float], prominence: str, lead_x: float | None, rng: random.Random) -> float:
    """The spot with the most room around it; a supporting player also keeps close to the lead."""
    pull = 0.6 if prominence == "supporting" and lead_x is not None else 0.0
    scores = [(min(_room(x, taken), 0.3) - pull * abs(x - (lead_x or 0.5)) + rng.uniform(0, 0.004), x) for x in _SPOTS]
    return max(scores)[1]


def _room(x: float, taken: list[float]) -> float:
    return min((abs(x - other) for other in taken), default=1.0)


def _facing(index: int, placed: dict[int, tuple[float, int | None]], lead: int | None) -> int:
    """A newcomer faces the lead; the lead faces the others (or, alone, across the frame's centre)."""
    x = placed[index][0]
    if index == lead or lead is None:
        others = [spot for other, (spot, _) in placed.items() if other != index]
        target = sum(others) / len(others) if others else 0.5
    else:
        target = placed[lead][0]
    if abs(target - x) < 1e-6:
        target = 0.5 if abs(x - 0.5) > 1e-6 else 1.0
    return 1 if target > x else -1


def actor(marks: list[Mark], action: str, lead: int | None) -> int | None:
    """The position (in `marks`) of who the action is about: the first named in it, else the lead."""
    text = f" {' '.join(re.findall(r'[a-z0-9]+', action.lower()))} "
    named = [(text.find(f" {mark.name.lower().split()[0]} "), position) for position, mark in enumerate(marks)
             if mark.name and f" {mark.name.lower().split()[0]} " in text]
    if named:
        return min(named)[1]
    return next((position for position, mark in enumerate(marks) if mark.index == lead), None)


def after_action(marks: list[Mark], action: str, who: int | None, distance: float = _STEP) -> list[Mark]:
    """The marks once the action has happened: its actor turns round when it says so, else takes a step."""
    if who is None:
        return marks
    mark = marks[who]
    if _TURNS & set(re.findall(r"[a-z]+", action.lower())):
        moved = replace(mark, facing=-mark.facing)
    else:
        moved = replace(mark, x=stepped(mark.x, mark.facing, distance))
    return [moved if position == who else other for position, other in enumerate(marks)]


def stepped(x: float, facing: int, distance: float) -> float:
    """`x` moved `distance` the way the character faces (back the other way at the set's edge)."""
    target = x + facing * distance
    return round(target if 0.03 <= target <= 0.97 else x - facing * distance, 4)
