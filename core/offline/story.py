"""What a story is about, read from its text: who, where, what they want, what stands in the way,
and how central each sentence is. The treatment, beat and script writers all start here.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from core.offline.names import Character, find_characters, name_pattern
from core.offline.places import Place, find_places
from core.offline.text import Sentence, as_double_quotes, content_words, quotes, sentences, word_count

_GOAL = re.compile(r"\b(?:wants? to|must|tries to|try to|needs? to|hopes? to|sets? out to|decides? to|has to|have to|"
                   r"plans? to|vows? to|longs? to|struggles? to|is determined to|races? to|fights? to)\s+([^.;!?]+)",
                   re.IGNORECASE)
_OBSTACLE = re.compile(r"(?:^|[,;]\s*|\s)(?:but|until|unless|only to|while|before|when)\s+([^.;!?]{8,})",
                       re.IGNORECASE)
_RELATIONS = ("son|daughter|mother|father|brother|sister|wife|husband|friend|rival|partner|boss|neighbou?r|uncle|"
              "aunt|cousin|grandmother|grandfather|colleague|lover|girlfriend|boyfriend|child|mentor|enemy")
_DRAMATIC = frozenset("""
dies die death kill killed kills discovers discovered reveals revealed secret betray betrays betrayed escape escapes
escaped storm fire lost loses finds found confronts confronted attack attacked chase chased fight fights fought
truth lie lies danger threat missing vanished disappears decides decided refuses refused saves saved rescue rescued
""".split())


@dataclass(frozen=True)
class Story:
    """A text read once: its sentences, characters and places, and the arc a premise states."""

    text: str
    sentences: tuple[Sentence, ...]
    characters: tuple[Character, ...]
    places: tuple[Place, ...]
    keywords: Counter
    goal: str  # "relight the lamp before the storm" (from 'must ...', 'wants to ...'), or ""
    obstacle: str  # "her rival wants the lighthouse gone" (from 'but ...', 'until ...'), or ""

    @property
    def protagonist(self) -> Character | None:
        ranked = sorted(self.characters, key=lambda c: (-c.mentions, c.first_sentence, c.first_offset))
        return ranked[0] if ranked else None

    @property
    def words(self) -> int:
        return word_count(self.text)

    def characters_in(self, text: str) -> list[Character]:
        """The story's characters mentioned in a piece of text, in order of mention."""
        found = [(position, character) for character in self.characters
                 if (position := _first_mention(text, character)) >= 0]
        return [character for _, character in sorted(found, key=lambda item: item[0])]


@lru_cache(maxsize=32)
def read_story(text: str) -> Story:
    """Read a text into a `Story` (cached: three treatment variants read the same narrative)."""
    text = as_double_quotes(text)
    found = sentences(text)
    return Story(text, found, find_characters(text), tuple(find_places(text)), Counter(content_words(text)),
                 _first_clause(_GOAL, text), _first_clause(_OBSTACLE, text))


def sentence_scores(story: Story, emphasis: frozenset[str] = frozenset()) -> list[float]:
    """How central each sentence is: shared vocabulary, characters, places, speech, position, emphasis."""
    total = len(story.sentences)
    top = story.keywords.most_common(1)[0][1] if story.keywords else 1
    scores = []
    for sentence in story.sentences:
        vocabulary = content_words(sentence.text)
        score = sum(story.keywords[word] / top for word in sorted(set(vocabulary))) / math.sqrt(len(vocabulary) + 1)
        score += 0.6 * len(story.characters_in(sentence.text))
        score += 0.4 * bool(find_places(sentence.text)) + 0.4 * bool(quotes(sentence.text))
        score += 0.5 * sum(word in _DRAMATIC for word in vocabulary)
        score += 3.0 * sum(word in emphasis for word in set(vocabulary))
        score += 2.0 * (sentence.index in (0, total - 1)) + 0.3 * _opens_paragraph(story, sentence)
        scores.append(score)
    return scores


def first_mentions(story: Story) -> dict[str, int]:
    """Character name -> index of the sentence that first mentions it."""
    result = {}
    for character in story.characters:
        for sentence in story.sentences:
            if _first_mention(sentence.text, character) >= 0:
                result[character.name] = sentence.index
                break
    return result


def descriptor(story: Story, character: Character) -> str:
    """How the text introduces a character: 'a retired lighthouse keeper' (appositive, 'X is a', 'a ... named X')."""
    for alias in sorted(character.aliases, key=lambda alias: (-len(alias), alias)):
        name = name_pattern(alias)
        patterns = (
            rf"\b((?:an?|the)\s+(?:(?!(?:an?|the)\b)[\w'’-]+\s+){{0,4}}?[\w'’-]+)\s+(?:named|called)\s+{name}\b",
            rf"\b{name},\s+((?:an?|the|his|her|their)\s+[^,.;:!?\"“]{{3,80}})[,.;]",
            rf"\b{name}\s+(?:is|was)\s+((?:an?|the)\s+[^,.;:!?\"“]{{3,80}})",
            rf"\b((?:his|her|their|my|our|the)\s+(?:[a-z]+\s+){{0,2}}(?:{_RELATIONS}))\s+{name}\b",
        )
        for pattern in patterns:
            match = re.search(pattern, story.text, re.IGNORECASE)
            if match:
                return " ".join(match.group(1).split())
    return ""


def _first_mention(text: str, character: Character) -> int:
    positions = [match.start() for alias in character.aliases
                 if (match := re.search(rf"\b{name_pattern(alias)}\b", text, re.IGNORECASE))]
    return min(positions) if positions else -1


def _first_clause(pattern: re.Pattern, text: str) -> str:
    match = pattern.search(text)
    return " ".join(match.group(1).split()).rstrip(",") if match else ""


def _opens_paragraph(story: Story, sentence: Sentence) -> bool:
    return sentence.index == 0 or story.sentences[sentence.index - 1].paragraph != sentence.paragraph
