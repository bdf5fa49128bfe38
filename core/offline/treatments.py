"""Stage 2 offline: three prose treatments built from the creator's own sentences.

    faithful    keeps the source's order and detail (a premise becomes its scenes, act by act)
    condensed   the essential arc, within the film's target length
    heightened  the same story restructured for tension: a cold open on its most tense moment, the
                genre's stakes said at the turns (never the creator's words swapped for "stronger" ones)

Condense mode selects sentences (centrality, characters, places, speech, the guidance's words);
expand mode grows the premise into scenes (expansion.py). Guidance shows in both: a character it names
leads (the treatment opens on them, their sentences weigh more, other characters' inner thoughts go),
length words change how much is kept, and emphasised words weigh the sentences that share them.
"""

from __future__ import annotations

import random
import re

from core.offline import arcs, expansion
from core.offline.direction import Direction, read_direction
from core.offline.names import name_pattern
from core.offline.premise import read_premise
from core.offline.story import Story, first_mentions, read_story, sentence_scores
from core.offline.text import Sentence, capitalize_first, content_words, quotes, word_count

APPROACHES = {
    "faithful": "Faithful",
    "condensed": "Condensed",
    "heightened": "Heightened",
}
SECONDS_TO_WORDS = 1.2  # a treatment runs about a word per second of film, condensed
MIN_WORDS, MAX_WORDS = 60, 1_500  # condensed keeps at most 60% of a story, heightened 85%, faithful all
_INNER = frozenset("""
thought thinks think felt feels feel wondered wonders wonder knew knows know remembered remembers remember wanted
wants want feared fears fear hoped hopes hope wished wishes wish realized realizes realised realises believed
believes worried worries loved loves hated hates missed misses imagined imagines dreamed dreams dreamt regretted
regrets doubted doubts suspected suspects longed longs
""".split())


def write_treatment(inputs: dict, seed: int = 0) -> dict:
    """One treatment variant: {"label", "approach", "prose"} for `inputs["approach"]`."""
    approach = inputs.get("approach") or "faithful"
    if approach not in APPROACHES:
        raise ValueError(f"unknown treatment approach {approach!r}; use one of {', '.join(APPROACHES)}")
    story = read_story(inputs["narrative"])
    direction = read_direction(inputs.get("guidance", ""))
    focus = direction.focus([character.name for character in story.characters])
    rng = random.Random(f"{seed}:{approach}")
    if inputs.get("input_mode") == "expand":
        seconds = (int(inputs.get("target_length_min") or 0), int(inputs.get("target_length_max") or 180))
        body = expansion.expand(read_premise(story, focus), approach, direction, inputs.get("genres") or [],
                                seconds, rng)
    else:
        body = _condense(story, approach, direction, focus, _budget(inputs, approach, direction), inputs, rng)
    header = _header(inputs, approach, direction)
    return {"label": APPROACHES[approach], "approach": approach, "prose": "\n\n".join([header, *body])}


def _budget(inputs: dict, approach: str, direction: Direction) -> int:
    seconds = int(inputs.get("target_length_max") or 180)
    condensed = max(MIN_WORDS, min(seconds * SECONDS_TO_WORDS, 700))
    factor = {"faithful": 2.5, "condensed": 1.0, "heightened": 1.7}[approach]
    return int(min(MAX_WORDS, max(condensed * factor, MIN_WORDS)) * direction.length)


def _condense(story: Story, approach: str, direction: Direction, focus: str | None, budget: int, inputs: dict,
              rng: random.Random) -> list[str]:
    chosen = _select(story, approach, direction, focus, budget)
    picked = [story.sentences[index] for index in chosen]
    if focus:
        picked = _point_of_view(story, picked, focus)
    if approach == "faithful":
        return _by_paragraph(picked)
    if approach == "condensed":
        return [" ".join(sentence.text for sentence in picked)]
    return _heightened(story, picked, direction, focus, inputs, rng)


def _heightened(story: Story, picked: list[Sentence], direction: Direction, focus: str | None, inputs: dict,
                rng: random.Random) -> list[str]:
    """A cold open on the most tense moment (of the guidance's, if it names one), then the acts, stakes raised."""
    middle = picked[1:] or picked
    weight = {s.index: arcs.tension(s.text) + 2 * bool(direction.words & _words(s.text)) for s in middle}
    opening = max(middle, key=lambda s: (weight[s.index], -s.index))
    rest = [sentence for sentence in picked if sentence is not opening]
    acts = arcs.thirds([sentence.text for sentence in rest])
    lead = focus or (story.protagonist.name if story.protagonist else "the hero")
    others = [c.name for c in story.characters if c.name != lead]
    places = [place.phrase for place in story.places if place.phrase]
    filler = arcs.Filler(lead, others[0] if others else "", places[0] if places else "")
    return [f"Cold open. {opening.text}"] + arcs.heighten(acts, filler, inputs.get("genres") or [], rng)


def _select(story: Story, approach: str, direction: Direction, focus: str | None, budget: int) -> list[int]:
    """Sentence indices to keep, in story order: ends and character introductions first, then by score."""
    if story.words <= budget and approach == "faithful" and direction.length >= 1:
        return list(range(len(story.sentences)))
    share = {"faithful": 1.0, "condensed": 0.6, "heightened": 0.85}[approach] * direction.length
    budget = min(budget, int(story.words * share))  # a condensed draft is always shorter than the story
    scores = sentence_scores(story, direction.words)
    if approach == "heightened":
        scores = [score + 0.8 * arcs.tension(sentence.text) for score, sentence in zip(scores, story.sentences)]
    if focus:
        scores = [score + 2.5 * _acts(story, sentence, focus) for score, sentence in zip(scores, story.sentences)]
    last = len(story.sentences) - 1
    required = [0, last] + _introductions(story, approach, focus)
    chosen: set[int] = set()
    used = 0
    ranked = sorted(range(len(scores)), key=lambda index: (-scores[index], index))
    for index in dict.fromkeys(required + ranked):
        length = word_count(story.sentences[index].text)
        if index in required[:2] or used + length <= budget:
            chosen.add(index)
            used += length
    return sorted(chosen)


def _introductions(story: Story, approach: str, focus: str | None) -> list[int]:
    """Sentences that first name each character, so nobody named in the story goes missing."""
    mentions = first_mentions(story)
    characters = list(story.characters)
    if approach == "condensed":
        characters = sorted(characters, key=lambda c: -c.mentions)[:3]
    ordered = sorted((mentions[c.name] for c in characters if c.name in mentions))
    return ([mentions[focus]] if focus in mentions else []) + ordered


def _point_of_view(story: Story, picked: list[Sentence], focus: str) -> list[Sentence]:
    """Told from the focus's side: it opens on the first sentence where they act or speak, and other
    characters' inner thoughts ('Jonah wondered...') are left out."""
    kept = [s for s in picked if not any(_inner(story, s, c.name) for c in story.characters if c.name != focus)]
    opening = next((s for s in kept if _acts(story, s, focus)), None)
    if opening is None:
        opening = next((s for s in story.sentences if _acts(story, s, focus)), None)
    if opening is None:
        return kept
    return [Sentence(opening.index, -1, opening.text)] + [s for s in kept if s.index != opening.index]


def _acts(story: Story, sentence: Sentence, name: str) -> bool:
    """Whether a sentence has the character as its subject or speaker: 'Silas folded...', '"Go," Silas said'."""
    aliases = _aliases(story, name)
    narration = re.sub(r"[\"“][^\"”]*[\"”]", " ", sentence.text)
    subject = rf"^\W*(?:[^,.;]{{0,40}},\s+)?(?:{aliases})\b(?:['’]s)?(?!['’]s)"
    spoken = rf"\b(?:{aliases})\s+(?:said|asked|replied|whispered|shouted|called|answered|cried)\b"
    return bool(re.search(subject, narration, re.IGNORECASE) or (quotes(sentence.text) and
                                                                  re.search(spoken, narration, re.IGNORECASE)))


def _inner(story: Story, sentence: Sentence, name: str) -> bool:
    """A sentence about what the character thinks or feels: 'Jonah wondered whether...'."""
    aliases = _aliases(story, name)
    found = re.search(rf"\b(?:{aliases})\s+(?:\w+ly\s+|had\s+|still\s+|never\s+|always\s+)?(\w+)", sentence.text,
                      re.IGNORECASE)
    return bool(found) and found.group(1).lower() in _INNER


def _aliases(story: Story, name: str) -> str:
    character = next((c for c in story.characters if c.name == name), None)
    forms = sorted(character.aliases if character else {name.lower()}, key=len, reverse=True)
    return "|".join(name_pattern(form) for form in forms)


def _words(text: str) -> set[str]:
    return set(content_words(text))


def _by_paragraph(picked: list[Sentence]) -> list[str]:
    paragraphs: dict[int, list[str]] = {}
    for sentence in picked:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence.text)
    return [" ".join(texts) for texts in paragraphs.values()]


def _header(inputs: dict, approach: str, direction: Direction) -> str:
    """The tone line (genres, tonal guidance, and the regeneration guidance, folded in)."""
    genres = ", ".join(genre.lower() for genre in inputs.get("genres") or [])
    tone = " ".join((inputs.get("tonal_guidance") or "").split())
    lead = {"faithful": "", "condensed": "lean ", "heightened": "heightened "}[approach]
    parts = [part for part in (f"{lead}{genres}".strip(), tone) if part]
    line = f"Tone: {'; '.join(parts) if parts else lead.strip() or 'as the source'}."
    if direction.given:
        line += f"\nEmphasis: {direction.note()}"
    return capitalize_first(line)
