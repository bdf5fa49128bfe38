"""Stage 2 offline: three prose treatments built from the creator's own sentences.

    faithful    keeps the source's order and detail (a premise becomes a three-act outline around it)
    condensed   the essential arc, within the film's target length
    heightened  the same story with its stakes raised, in the voice of its genre and tone

Condense mode selects sentences (centrality, characters, places, speech, the guidance's words);
expand mode spreads a premise's sentences over three acts and elaborates them from what the premise
states: who, where, what they want and what stands in the way.
"""

from __future__ import annotations

import random

from core.offline import arcs
from core.offline.direction import Direction, read_direction
from core.offline.story import Story, first_mentions, read_story, sentence_scores
from core.offline.text import capitalize_first, word_count

APPROACHES = {
    "faithful": "Faithful",
    "condensed": "Condensed",
    "heightened": "Heightened",
}
SECONDS_TO_WORDS = 1.2  # a treatment runs about a word per second of film, condensed
MIN_WORDS, MAX_WORDS = 60, 1_500


def write_treatment(inputs: dict, seed: int = 0) -> dict:
    """One treatment variant: {"label", "approach", "prose"} for `inputs["approach"]`."""
    approach = inputs.get("approach") or "faithful"
    if approach not in APPROACHES:
        raise ValueError(f"unknown treatment approach {approach!r}; use one of {', '.join(APPROACHES)}")
    story = read_story(inputs["narrative"])
    direction = read_direction(inputs.get("guidance", ""))
    rng = random.Random(f"{seed}:{approach}")
    if inputs.get("input_mode") == "expand":
        body = arcs.expand(story, approach, _cast(story, direction), inputs.get("genres") or [], rng)
    else:
        body = _condense(story, approach, direction, _budget(inputs, approach, direction), inputs, rng)
    header = _header(inputs, approach, direction)
    return {"label": APPROACHES[approach], "approach": approach, "prose": "\n\n".join([header, *body])}


def _budget(inputs: dict, approach: str, direction: Direction) -> int:
    seconds = int(inputs.get("target_length_max") or 180)
    condensed = max(MIN_WORDS, min(seconds * SECONDS_TO_WORDS, 700))
    factor = {"faithful": 2.5, "condensed": 1.0, "heightened": 1.7}[approach]
    return int(min(MAX_WORDS, max(condensed * factor, MIN_WORDS)) * direction.length)


def _cast(story: Story, direction: Direction) -> arcs.Cast:
    names = [character.name for character in story.characters]
    return arcs.cast_of(story, direction.focus(names))


def _condense(story: Story, approach: str, direction: Direction, budget: int, inputs: dict,
              rng: random.Random) -> list[str]:
    chosen = _select(story, approach, direction, budget)
    picked = [story.sentences[index] for index in chosen]
    if approach == "faithful":
        return _by_paragraph(picked)
    if approach == "condensed":
        return [" ".join(sentence.text for sentence in picked)]
    cast = _cast(story, direction)
    acts = arcs.thirds([arcs.intensify(sentence.text) for sentence in picked])
    return arcs.heighten(acts, cast, inputs.get("genres") or [], rng)


def _select(story: Story, approach: str, direction: Direction, budget: int) -> list[int]:
    """Sentence indices to keep, in story order: ends and character introductions first, then by score."""
    if story.words <= budget and approach == "faithful":
        return list(range(len(story.sentences)))
    scores = sentence_scores(story, direction.words)
    if approach == "heightened":
        scores = [score + 0.8 * arcs.tension(sentence.text) for score, sentence in zip(scores, story.sentences)]
    last = len(story.sentences) - 1
    required = [0, last] + _introductions(story, approach, direction)
    chosen: set[int] = set()
    used = 0
    ranked = sorted(range(len(scores)), key=lambda index: (-scores[index], index))
    for index in dict.fromkeys(required + ranked):
        length = word_count(story.sentences[index].text)
        if index in required[:2] or used + length <= budget:
            chosen.add(index)
            used += length
    return sorted(chosen)


def _introductions(story: Story, approach: str, direction: Direction) -> list[int]:
    """Sentences that first name each character, so nobody named in the story goes missing."""
    mentions = first_mentions(story)
    characters = list(story.characters)
    if approach == "condensed":
        characters = sorted(characters, key=lambda c: -c.mentions)[:3]
    focus = direction.focus([character.name for character in story.characters])
    ordered = sorted((mentions[c.name] for c in characters if c.name in mentions))
    return ([mentions[focus]] if focus in mentions else []) + ordered


def _by_paragraph(picked: list) -> list[str]:
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
