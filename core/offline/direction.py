"""Regeneration guidance ("why") as the offline writer can follow it.

The writer can't obey free text the way a model does, so it takes what it can use and shows the rest:
length words ("shorter", "fewer beats", "more detail") change the length, a character named in the guidance
("from Silas's point of view") leads the draft, the guidance's other words ("more about the storm") weigh the
sentences that share them, and the guidance itself is folded
into the draft's tone or notes, so every regeneration with guidance differs visibly from one without.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.offline.text import content_words, ensure_period, words

_SHORTER = frozenset("shorter shorten tighter tighten brief briefer concise trim cut fewer less compress".split())
_LONGER = frozenset("longer lengthen expand detail detailed richer fuller elaborate extend slower".split())
_DIRECTIVES = _SHORTER | _LONGER | frozenset("""
make keep focus emphasis emphasise emphasize add give less tell told point view perspective pov eyes side
beats beat scenes scene version draft story lot bit
""".split())


@dataclass(frozen=True)
class Direction:
    """What a regeneration was asked to change."""

    text: str = ""
    words: frozenset[str] = frozenset()  # the guidance's meaningful words, lower-case
    length: float = 1.0  # 0.7 for "shorter", 1.4 for "longer"

    @property
    def given(self) -> bool:
        return bool(self.text)

    def focus(self, names: list[str]) -> str | None:
        """The first of `names` the guidance mentions."""
        said = {word.lower().replace("’", "'").removesuffix("'s") for word in words(self.text)}
        for name in names:
            if any(part.lower() in said for part in name.split() if len(part) > 2):
                return name
        return None

    def note(self) -> str:
        """The guidance as one sentence for a draft's notes."""
        return ensure_period(" ".join(self.text.split()))


def read_direction(guidance: str) -> Direction:
    """Read regeneration guidance into a `Direction` (empty guidance changes nothing)."""
    text = " ".join((guidance or "").split())
    if not text:
        return Direction()
    vocabulary = content_words(text)
    shorter = sum(word in _SHORTER for word in vocabulary)
    longer = sum(word in _LONGER for word in vocabulary)
    length = 0.7 if shorter > longer else 1.4 if longer > shorter else 1.0
    return Direction(text, frozenset(word for word in vocabulary if word not in _DIRECTIVES), length)
