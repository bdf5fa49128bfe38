"""Story shape for the offline treatments: three acts, a premise elaborated, stakes raised.

The connecting sentences are frames; what fills them (who, where, the goal, the obstacle) is always
lifted from the creator's text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from core.offline.places import mentioned_places
from core.offline.story import Story, descriptor
from core.offline.text import capitalize_first, ensure_period, quotes, words

_STRONGER = {
    "walks": "strides", "walked": "strode", "runs": "sprints", "ran": "sprinted", "looks": "stares",
    "looked": "stared", "finds": "uncovers", "found": "uncovered", "goes": "races", "went": "raced",
    "takes": "seizes", "took": "seized", "holds": "clutches", "held": "clutched", "asks": "demands",
    "asked": "demanded", "tells": "warns", "told": "warned", "sees": "glimpses", "saw": "glimpsed",
    "moves": "lunges", "moved": "lunged", "opens": "forces open", "opened": "forced open", "says": "insists",
    "comes": "bursts in", "hears": "catches", "heard": "caught", "waits": "waits, barely breathing",
    "quiet": "deathly quiet", "dark": "pitch-dark", "cold": "bitter cold", "small": "fragile",
}
_TENSE_WORDS = frozenset("""
but until suddenly storm danger fear afraid threat dies death lose lost missing secret lie truth fight fire blood
desperate trapped alone last never only gone broken scream chase escape betray confront refuses warning
""".split())
_STAKES = {  # genre -> ways the stakes rise; {p} protagonist, {o} the other, {place} where it happens
    "thriller": ("The clock is running now, and {p} knows it.", "One wrong move and {p} loses everything."),
    "horror": ("Something at {place} is wrong, and it is getting closer.", "{P} can't leave {place} now."),
    "comedy": ("Every fix {p} tries makes things spectacularly worse.", "The lie grows too big for {p} to hide."),
    "romance": ("{P} and {o} can't pretend any longer.", "{P} could lose {o} for good."),
    "mystery": ("Every answer {p} finds hides a sharper question.", "The truth is closer than {p} thinks."),
    "action": ("There is no backing out for {p} now.", "{P} has one chance, and it is slipping away."),
    "science fiction": ("The rules of {p}'s world start to break.", "What {p} unleashed can't be undone."),
    "fantasy": ("The old powers stir around {p}.", "{P} must pay the price the magic asks."),
    "drama": ("What {p} stands to lose is no longer abstract.", "{P} can't go back to how things were."),
}
_STAYING = frozenset("in at on inside within beneath under outside".split())
_DEFAULT_STAKES = ("The stakes rise for {p} with every step.", "{P} can't turn back now.")


@dataclass(frozen=True)
class Cast:
    """Who and where, as a premise states them."""

    protagonist: str  # "Mara", or "the retired lighthouse keeper" when nobody is named
    description: str  # "a retired lighthouse keeper", or ""
    other: str  # who stands in the way (named in the obstacle), else the second character, or ""
    places: tuple[str, ...]  # as the prose says them: "the old lighthouse"
    settings: tuple[str, ...]  # the same with how we get there: "at the old lighthouse", "on a night train"
    goal: str
    obstacle: str
    goal_owner: str = ""  # whose goal it is: the story's protagonist, even when guidance puts another in front


def cast_of(story: Story, focus: str | None = None) -> Cast:
    """The cast and setting of a story; `focus` (a character's name) takes the lead when given."""
    names = [character.name for character in story.characters]
    lead = focus or (story.protagonist.name if story.protagonist else _subject(story))
    rivals = [c.name for c in story.characters_in(story.obstacle) if c.name != lead] if story.obstacle else []
    other = (rivals or [name for name in names if name != lead] or [""])[0]
    character = next((c for c in story.characters if c.name == lead), None)
    found = story.places or tuple(mentioned_places(story.text))
    unique = {place.phrase.lower(): place for place in reversed(found) if place.phrase}
    ordered = sorted(unique.values(), key=lambda place: place.position)
    places = tuple(place.phrase for place in ordered)
    settings = tuple(f"{place.preposition if place.preposition in _STAYING else 'at'} {place.phrase}"
                     for place in ordered)
    described = descriptor(story, character) if character else ""
    described = described[:1].lower() + described[1:] if described.split(" ")[0] in ("A", "An", "The") else described
    obstacle = "" if any(s.text.lower().startswith(("but", "until", "unless", "when", "while", "before"))
                         for s in story.sentences if story.obstacle and story.obstacle in s.text) else story.obstacle
    owner = story.protagonist.name if story.protagonist else lead
    return Cast(lead, described, other, places, settings, story.goal, obstacle, owner)


def expand(story: Story, approach: str, cast: Cast, genres: list[str], rng: random.Random) -> list[str]:
    """A premise elaborated into acts: its own sentences, in order, with the arc they imply."""
    premise = [sentence.text for sentence in story.sentences]
    elaborations = _elaborations(cast, rng)
    if approach == "heightened":
        premise = [intensify(line) for line in premise]
    chunks = thirds(premise)
    acts = [elaborations[0][:1] + chunks[0] + elaborations[0][1:]] + [
        chunk + lines for chunk, lines in zip(chunks[1:], elaborations[1:])]
    if approach == "condensed":  # the premise's first and last sentence, the turn, the ending
        arc = premise[:1] + premise[1:][-1:] + elaborations[1][:1] + elaborations[2][-1:]
        return [" ".join(dict.fromkeys(arc))]
    if approach == "heightened":
        return heighten(acts, cast, genres, rng)
    return [f"Act {number}. {' '.join(act)}" for number, act in zip(("One", "Two", "Three"), acts)]


def heighten(acts: list[list[str]], cast: Cast, genres: list[str], rng: random.Random) -> list[str]:
    """Acts with the genre's stakes raised at the turns: after the first act, and before the end."""
    rise, peak = _stakes(genres, rng)
    fill = _filler(cast)
    acts = [list(act) for act in acts]
    acts[0].append(rise.format(**fill))
    acts[1].append(peak.format(**fill))
    return [f"Act {number}. {' '.join(act)}" for number, act in zip(("One", "Two", "Three"), acts) if act]


def thirds(lines: list[str]) -> list[list[str]]:
    """Lines in three consecutive groups, as even as they come; short lists fill the first acts first."""
    count = len(lines)
    bounds = [0, max(1, round(count / 3)) if count else 0, max(2, round(2 * count / 3)) if count > 1 else count, count]
    return [lines[bounds[index]:bounds[index + 1]] for index in range(3)]


def intensify(text: str) -> str:
    """Stronger verbs outside quoted speech: 'walks' -> 'strides', 'looked' -> 'stared'."""
    spans = quotes(text)
    pattern = re.compile(r"\b(" + "|".join(_STRONGER) + r")\b")

    def swap(match: re.Match) -> str:
        inside = any(start <= match.start() < end for start, end, _ in spans)
        return match.group(0) if inside else _STRONGER[match.group(0)]

    return pattern.sub(swap, text)


def tension(text: str) -> float:
    return sum(word.lower() in _TENSE_WORDS for word in words(text))


def _elaborations(cast: Cast, rng: random.Random) -> list[list[str]]:
    """What each act adds to the premise: the world and want; the obstacle and escalation; the ending."""
    fill = _filler(cast)
    where = f" {cast.settings[0]}" if cast.settings else ""
    described = cast.description and cast.description.lower() not in cast.protagonist.lower()
    who = f", {cast.description}" if described else ""
    one = [f"We find {cast.protagonist}{who}{',' if who else ''}{where}." if where else
           f"We meet {cast.protagonist}{who}."]
    owner = cast.goal_owner or cast.protagonist
    two = [f"But {_clause(cast.obstacle)}."] if cast.obstacle else []
    aim = _short(cast.goal)
    two.append(rng.choice((f"Every attempt to {aim} costs {owner} more than the last.",
                           f"{capitalize_first(owner)} tries to {aim}, and fails, and tries again."))
               if cast.goal else f"{fill['P']} pushes on, and every step costs more than the last.")
    if cast.other:
        later = f" {cast.settings[1]}" if len(cast.settings) > 1 else ""
        two.append(f"{fill['P']} and {cast.other} are forced to face each other{later}.")
    end = f" {cast.settings[-1]}" if cast.settings else ""
    three = [f"At the last moment, {fill['p']} confronts {cast.other or 'what stands in the way'}{end}."]
    three.append(f"In the end, {owner} finds a way to {aim}, and is changed by what it cost."
                 if cast.goal else f"In the end, {fill['p']} is changed by what it cost.")
    return [one, two, three]


def _stakes(genres: list[str], rng: random.Random) -> tuple[str, str]:
    """The rise and the peak: from the first known genre, the peak from the last when there are several."""
    known = [_STAKES[genre.lower()] for genre in genres if genre.lower() in _STAKES] or [_DEFAULT_STAKES]
    first, last = (known[0], known[-1]) if rng.random() < 0.5 else (known[-1], known[0])
    return first[0], last[1]


def _filler(cast: Cast) -> dict[str, str]:
    place = cast.places[0] if cast.places else "the heart of the story"
    return {"p": cast.protagonist, "P": capitalize_first(cast.protagonist), "o": cast.other or "the others",
            "place": place}


def _short(goal: str) -> str:
    """The core of a goal, for repeating it: 'relight the lamp during a storm to guide...' -> 'relight the lamp'."""
    core = re.split(r",|;| (?:to|during|before|after|so|while|in order|because|until|when|and then) ", goal)[0]
    return _clause(core if len(core.split()) >= 2 else goal)


def _clause(text: str) -> str:
    return ensure_period(text).rstrip(".!?")


def _subject(story: Story) -> str:
    """Who a premise is about when nobody is named: 'A retired lighthouse keeper must...' -> that keeper."""
    first = story.sentences[0].text if story.sentences else ""
    match = re.match(r"\s*(?:An?|The|One)\s+([^,.;:!?]{3,60}?)\s+(?:who|must|wants|is|was|has|tries|finds|needs|"
                     r"discovers|learns|sets|decides|\w+s)\b", first)
    return f"the {match.group(1).strip()}" if match else "the protagonist"
