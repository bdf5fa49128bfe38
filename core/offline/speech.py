"""Quoted speech in prose, as screenplay dialogue: who says it, how, and the action around it.

    split_speech('"Run," Mara whispered, and grabbed the lantern.', cast, None)
      -> ("Mara grabbed the lantern.", [Speech("MARA", "Run.", "whispering")])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.offline.names import Character
from core.offline.text import SPEECH_VERBS, capitalize_first, ensure_period, quotes

UNNAMED_SPEAKER = "VOICE"
_MANNERS = {
    "whispered": "whispering", "whispers": "whispering", "shouted": "shouting", "shouts": "shouting",
    "yelled": "yelling", "yells": "yelling", "muttered": "muttering", "mutters": "muttering",
    "murmured": "murmuring", "murmurs": "murmuring", "screamed": "screaming", "screams": "screaming",
    "snapped": "snapping", "snaps": "snapping", "pleaded": "pleading", "pleads": "pleading",
    "laughed": "laughing", "laughs": "laughing", "sighed": "sighing", "sighs": "sighing",
    "begged": "begging", "begs": "begging", "warned": "warning", "warns": "warning",
}
_PRONOUNS = r"he|she|they|I|we|He|She|They|We"
_VERBS = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
_ADDRESSEE = r"(?:\s+to\s+(?:the\s+|her\s+|his\s+|their\s+)?[\w'’]+)?"  # 'whispered to the captain'


@dataclass(frozen=True)
class Speech:
    cue: str  # "MARA"
    line: str  # what is said
    manner: str = ""  # "whispering", for a parenthetical


def split_speech(sentence: str, cast: list[Character], last_named: Character | None) -> tuple[str, list[Speech]]:
    """The sentence's action (speech and speech tags removed) and its speeches, in order."""
    spans = quotes(sentence)
    if not spans:
        return sentence.strip(), []
    segments = _segments(sentence, spans)
    speeches = []
    for number, (start, end, line) in enumerate(spans):
        before, after = segments[number], segments[number + 1]
        tag = _tag_after(after) or _tag_before(before)
        speaker = _speaker(tag, sentence[:start], sentence[end:], cast, last_named)
        speeches.append(Speech(speaker, _spoken(line), _MANNERS.get(tag[1].lower(), "") if tag else ""))
        segments[number] = _strip_tag_before(before)
        segments[number + 1] = _strip_tag_after(after)
    return _action(segments), speeches


def _segments(sentence: str, spans: list[tuple[int, int, str]]) -> list[str]:
    bounds = [0] + [edge for start, end, _ in spans for edge in (start, end)] + [len(sentence)]
    return [sentence[bounds[i]:bounds[i + 1]] for i in range(0, len(bounds), 2)]


def _tag_after(text: str) -> tuple[str, str] | None:
    """'", Mara whispered' or '", said Mara' just after a quote: (who, verb)."""
    match = re.match(rf"\s*[,!?.]?\s*(?:([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?|{_PRONOUNS})\s+({_VERBS})\b"
                     rf"|({_VERBS})\s+([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)\b)", text)
    if not match:
        return None
    return (match.group(1), match.group(2)) if match.group(2) else (match.group(4), match.group(3))


def _tag_before(text: str) -> tuple[str, str] | None:
    """'Mara whispered, "' just before a quote: (who, verb)."""
    match = re.search(rf"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?|{_PRONOUNS})\s+(?:\w+ly\s+)?({_VERBS})"
                      rf"(?:\s+\w+ly)?{_ADDRESSEE}\s*[,:]?\s*$", text)
    return (match.group(1), match.group(2)) if match else None


def _strip_tag_after(text: str) -> str:
    text = re.sub(rf"^\s*[,!?.]?\s*(?:(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?|{_PRONOUNS})\s+(?:{_VERBS})"
                  rf"|(?:{_VERBS})\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)\b(?:\s+\w+ly)?{_ADDRESSEE}\s*[,.]?\s*"
                  rf"(?:and\s+)?",
                  " ", text)
    return text


def _strip_tag_before(text: str) -> str:
    return re.sub(rf"(?:,?\s*(?:and\s+)?)([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?|{_PRONOUNS})\s+(?:\w+ly\s+)?"
                  rf"(?:{_VERBS})(?:\s+\w+ly)?{_ADDRESSEE}\s*[,:]?\s*$", "", text)


def _speaker(tag: tuple[str, str] | None, before: str, after: str, cast: list[Character],
             last_named: Character | None) -> str:
    """The tag's character; else the character named nearest the quote; else the last one named."""
    if tag:
        tagged = _character(tag[0], cast)
        if tagged:
            return tagged.cue
    nearest = _nearest(before, after, cast)
    chosen = nearest or last_named
    return chosen.cue if chosen else UNNAMED_SPEAKER


def _character(name: str, cast: list[Character]) -> Character | None:
    lowered = name.lower()
    return next((c for c in cast if lowered in c.aliases or lowered.split()[0] in c.aliases), None)


def _nearest(before: str, after: str, cast: list[Character]) -> Character | None:
    best: tuple[int, Character] | None = None
    for character in cast:
        for alias in character.aliases:
            for match in re.finditer(rf"\b{re.escape(alias)}\b", before, re.IGNORECASE):
                distance = len(before) - match.end()
                best = min(best, (distance, character), key=lambda item: item[0]) if best else (distance, character)
            match = re.search(rf"\b{re.escape(alias)}\b", after, re.IGNORECASE)
            if match:
                distance = match.start() + 10  # a name after the quote is a weaker claim than one before
                best = min(best, (distance, character), key=lambda item: item[0]) if best else (distance, character)
    return best[1] if best else None


def _spoken(line: str) -> str:
    line = line.strip().rstrip(",;:")
    return ensure_period(capitalize_first(line))


def _action(segments: list[str]) -> str:
    text = " ".join(" ".join(segments).split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"^[,.;:!?\s]+|[,;:\s]+$", "", text)
    text = re.sub(r"([,;:])(?=[.!?])|([,;:])\s*([,;:])", lambda m: m.group(2) or "", text)
    if len(re.findall(r"\w+", text)) < 2:
        return ""
    return ensure_period(capitalize_first(text))
