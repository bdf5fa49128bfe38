"""Story shape for the offline treatments: three acts, tension, and the genre's stakes raised at the turns.

Nothing here rewrites the creator's sentences: a heightened draft differs from a faithful one in its
structure (what it keeps, what it opens on, where the stakes are said), never in swapped words. The stakes
lines are whole sentences, filled with who and where the story is about, agreeing with them in number.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from core.offline.text import capitalize_first, words

_TENSE_WORDS = frozenset("""
but until suddenly storm danger fear afraid threat dies death lose lost missing secret lie truth fight fire blood
desperate trapped alone last never only gone broken scream chase escape betray confront refuses warning
""".split())
_STAKES = {  # genre -> ways the stakes rise; {p} protagonist, {o} the other, {place} where it happens
    "thriller": ("The clock is running now, and {p} <knows|know> it.", "One wrong move and {p} <loses|lose> everything."),
    "horror": ("Something at {place} is wrong, and it is getting closer.", "{P} can't leave {place} now."),
    "comedy": ("Every fix {p} <tries|try> makes things spectacularly worse.", "The lie grows too big for {p} to hide."),
    "romance": ("{P} and {o} can't pretend any longer.", "{P} could lose {o} for good."),
    "mystery": ("Every answer {p} <finds|find> hides a sharper question.", "The truth is closer than {p} <thinks|think>."),
    "action": ("There is no backing out for {p} now.", "{P} <has|have> one chance, and it is slipping away."),
    "science fiction": ("The rules of {p}'s world start to break.", "What {p} unleashed can't be undone."),
    "fantasy": ("The old powers stir around {p}.", "{P} must pay the price the magic asks."),
    "drama": ("What {p} <stands|stand> to lose is no longer abstract.", "{P} can't go back to how things were."),
}
_DEFAULT_STAKES = ("The stakes rise for {p} with every step.", "{P} can't turn back now.")
_AGREEMENT = re.compile(r"<(\w+)\|(\w+)>")


@dataclass(frozen=True)
class Filler:
    """Who and where a stakes line speaks of."""

    protagonist: str  # "Mara", "the keeper"
    other: str = ""
    place: str = ""
    plural: bool = False  # "the two sisters" take 'know', not 'knows'


def heighten(acts: list[list[str]], filler: Filler, genres: list[str], rng: random.Random) -> list[str]:
    """Acts with the genre's stakes said at the turns: after the first act, and before the end."""
    rise, peak = _stakes(genres, rng)
    acts = [list(act) for act in acts]
    acts[0].append(stakes_line(rise, filler))
    acts[min(1, len(acts) - 1)].append(stakes_line(peak, filler))
    return [f"Act {number}. {' '.join(act)}" for number, act in zip(("One", "Two", "Three"), acts) if act]


def stakes_line(template: str, filler: Filler) -> str:
    """A stakes template filled in: '{P} <knows|know> it.' -> 'Mara knows it.'"""
    fill = {"p": filler.protagonist, "P": capitalize_first(filler.protagonist), "o": filler.other or "the others",
            "place": filler.place or "the heart of the story"}
    text = template.format(**fill).replace("s's ", "s' ")
    return _AGREEMENT.sub(lambda match: match.group(2 if filler.plural else 1), text)


def thirds(lines: list) -> list[list]:
    """Lines in three consecutive groups, as even as they come; short lists fill the first acts first."""
    count = len(lines)
    bounds = [0, max(1, round(count / 3)) if count else 0, max(2, round(2 * count / 3)) if count > 1 else count, count]
    return [lines[bounds[index]:bounds[index + 1]] for index in range(3)]


def tension(text: str) -> float:
    return sum(word.lower() in _TENSE_WORDS for word in words(text))


def _stakes(genres: list[str], rng: random.Random) -> tuple[str, str]:
    """The rise and the peak: from the first known genre, the peak from the last when there are several."""
    known = [_STAKES[genre.lower()] for genre in genres if genre.lower() in _STAKES] or [_DEFAULT_STAKES]
    first, last = (known[0], known[-1]) if rng.random() < 0.5 else (known[-1], known[0])
    return first[0], last[1]
