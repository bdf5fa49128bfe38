"""Who a trigger in a sentence of action happens to: its clause's subject, or the asset the trigger names.

    subject_of(...)       the name (or resolved pronoun) before the trigger's verb: 'Tomas watches Mara wade in'
    named_in(...)         the asset a trigger's `who` names: 'pushes Tomas into the river', 'rips his sleeve'
    clause_subjects(...)  each clause's subject, for a clause that opens on its verb ('then falls in the river')
    opens_clause(...)     whether a trigger opens its clause (so it has no subject of its own)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from core.offline.subjects import Asset, Mention, Story, after_preposition

Fits = Callable[[Asset], bool]

_CONNECTORS = frozenset("and then but as while whilst when so yet suddenly finally now later instead also still "
                        "soon slowly quickly just again".split())
_DETERMINERS = frozenset("the a an his her their its this that these those my your our".split())


def subject_of(sentence: str, found: list[Mention], clause: int, match: re.Match, fits: Fits, story: Story
               ) -> tuple[Asset, ...]:
    """Who the trigger happens to: the name (or resolved pronoun) right before its verb ('Tomas watches Mara
    wade into the river', 'Tomas, who is bleeding'), else the first before it in its clause that the change can
    happen to; 'Drenched, Mara climbs out': the name right after an opening participle."""
    before = [m for m in found if clause <= m.start < match.start()]
    after = [m for m in found if m.start >= match.end() and not sentence[match.end():m.start].strip(" ,")]
    if not before and sentence[match.end():match.end() + 1] == ",":
        before = after[:1]
    groups = list(_groups(sentence, before, found, clause, story))
    adjacent = [group for group, end in groups if _ADJACENT.fullmatch(sentence[end:match.start()])]
    for group in [*adjacent, *(group for group, _ in groups)]:
        chosen = tuple(asset for asset in group if fits(asset))
        if chosen:
            return chosen
    return ()


# between a subject and its verb: 'Tomas, who is bleeding', 'Mara slowly wades', 'Jonah, still, is cut'
_ADJACENT = re.compile(r"[\s,]*(?:(?:who|which|that|is|was|are|were|has|had|have|been|gets|got|now|still|also|"
                       r"then|just|\w+ly)[\s,]+)*")


def _groups(sentence: str, candidates: list[Mention], found: list[Mention], clause: int, story: Story):
    """Candidate subjects in order, each with where it ends; names joined by 'and' or commas come together."""
    usable = [m for m in candidates if _can_be_subject(m, sentence, found, clause)]
    index = 0
    while index < len(usable):
        group = list(_resolved(usable[index], sentence, found, story))
        while index + 1 < len(usable) and re.fullmatch(r"\s*(?:,\s*)?(?:and\s+)?|\s*,\s*", sentence[
                usable[index].end:usable[index + 1].start]):
            index += 1
            group += _resolved(usable[index], sentence, found, story)
        yield tuple(dict.fromkeys(group)), usable[index].end
        index += 1


def _can_be_subject(mention: Mention, sentence: str, found: list[Mention], clause: int) -> bool:
    """Not an object pronoun, not after a preposition, not an owner of a named thing ("Mara's lantern")."""
    if mention.pronoun and mention.pronoun not in ("he", "she", "they", "it"):
        return False
    if after_preposition(sentence, clause, mention.start):
        return False
    owned = next((m for m in found if m.asset and m.start > mention.end), None)
    return not (mention.possessive and owned and len(sentence[mention.end:owned.start].split()) <= 2)


def _resolved(mention: Mention, sentence: str, found: list[Mention], story: Story,
              exclude: tuple[Asset, ...] = ()) -> tuple[Asset, ...]:
    if mention.asset:
        return (mention.asset,)
    earlier = [m.asset for m in found if m.asset and m.start < mention.start]
    return story.resolve(mention.pronoun, earlier, exclude)


def named_in(match: re.Match, found: list[Mention], fits: Fits, subject: tuple[Asset, ...], story: Story,
           stop: bool) -> tuple[Asset, ...]:
    """The assets a trigger's `who` names: 'Tomas' in 'pushes Tomas into the river', 'Mara and Tomas' in 'the
    rain soaks Mara and Tomas', 'his' (the subject, when it fits) in 'rips his sleeve'; an added tag looks no
    further than the first preposition."""
    start, end = match.span("who")
    text, chosen, previous = match.string, [], None
    for mention in (m for m in found if start <= m.start < end):
        if (stop and after_preposition(text, start, mention.start)) or (chosen and not _joined(text, previous, mention)):
            break
        chosen += _owner(mention, text, found, subject, story, fits)
        previous = mention if chosen else None
    return tuple(dict.fromkeys(chosen))


def _joined(text: str, previous: Mention | None, mention: Mention) -> bool:
    return previous is not None and re.fullmatch(r"\s*,?\s*(?:and\s+)?", text[previous.end:mention.start]) is not None


def _owner(mention: Mention, text: str, found: list[Mention], subject: tuple[Asset, ...], story: Story,
           fits: Fits) -> tuple[Asset, ...]:
    """Who a name or pronoun in a trigger means; 'his' and 'her' are the subject's own when the gender fits."""
    own = mention.pronoun in ("his", "her") and any(a.pronoun in (_gender(mention.pronoun), "") for a in subject)
    people = subject if own else _resolved(mention, text, found, story, exclude=subject)
    return tuple(asset for asset in people if fits(asset))


def _gender(pronoun: str) -> str:
    return "he" if pronoun in ("he", "him", "his", "himself") else "she"


def clause_subjects(sentence: str, found: list[Mention], starts: list[int], story: Story) -> list[tuple]:
    """Each clause's subject, for a clause that opens on its verb ('then falls into the river')."""
    subjects, last = [], story.subject
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(sentence)
        own = next((group for group, _ in _groups(sentence, [m for m in found if start <= m.start < end and _leads(
            sentence, start, m.start)], found, start, story)), ())
        last = own or (last if _verb_first(sentence[start:end]) else ())
        subjects.append(last)
    return subjects


def _leads(sentence: str, clause: int, position: int) -> bool:
    """Whether a name opens its clause: only connectors, determiners or an introductory phrase come before."""
    before = sentence[clause:position].rsplit(",", 1)[-1]
    return all(w.lower() in _CONNECTORS | _DETERMINERS or w.lower().endswith("ly") for w in re.findall(r"\w+", before))


def _verb_first(clause: str) -> bool:
    """'then slips in the mud', 'Slips.': a clause with no subject of its own."""
    words = [w for w in re.findall(r"[\w'’-]+", clause) if w.lower() not in _CONNECTORS]
    if not words or words[0].lower() in _DETERMINERS:
        return False
    second = words[1] if len(words) > 1 else ""
    return not (words[0][0].isupper() and re.fullmatch(r"[a-z]+(?:s|ed)", second))  # 'Jonah slips'


def opens_clause(sentence: str, clause: int, position: int) -> bool:
    return all(w.lower() in _CONNECTORS or w.lower().endswith("ly") for w in re.findall(r"\w+",
                                                                                        sentence[clause:position]))
