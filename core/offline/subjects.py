"""Who a sentence of action is about: the scene's assets named in it, its pronouns, and the clause subjects.

    cast_of(assets, action)      the scene's assets as the reader looks for them (names, short forms, pronouns)
    mentions(sentence, cast)     each asset named and each pronoun, in order
    clauses(sentence, found)     where a sentence's clauses begin ('Mara laughs as Tomas slips': two)
    Story                        who has been named so far, to say who 'he', 'she' and 'they' are

Names and genders come from the offline reader's names module (find_characters, same_person, pronoun_for).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.offline.names import TITLES, find_characters, name_pattern, pronoun_for, same_person

PREPOSITIONS = frozenset("""
to at in on into onto from with without behind beside besides near by for of toward towards past under over across
through around against among between beyond inside outside upon like than about along beneath below above
""".split())
_SUBJECT_PRONOUNS = frozenset("he she they".split())
_PRONOUNS = _SUBJECT_PRONOUNS | frozenset("it him her his their them himself herself themselves".split())
_CLAUSE_BREAK = re.compile(r"\s*[;:—–]\s*|\s+-\s+|,?\s+(?:and\s+then|and|but|then|as|while|whilst|when|whereupon|"
                           r"until|before|after|because|so|though|although|yet)\s+|,\s+(?=(?:[A-Z][\w'’-]+|he|she|"
                           r"they)\s+[a-z]+(?:s|ed)\b)")
_HE_WORDS = (re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE),
             re.compile(r"\b(?:\w*(?<!wo)men|\w*(?<!wo)man|boy|father|son|husband|brother|uncle|grandfather|"
                        r"nephew|king|prince)\b", re.IGNORECASE))
_SHE_WORDS = (re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE),
              re.compile(r"\b(?:\w*women|\w*woman|girl|mother|daughter|wife|sister|aunt|grandmother|niece|queen|"
                         r"princess)\b", re.IGNORECASE))


@dataclass(frozen=True)
class Asset:
    """A scene asset as the reader looks for it in the action."""

    name: str  # as Stage 5 wrote it: "MARA", "Lantern"
    asset_type: str  # character | prop | location
    aliases: tuple[str, ...]  # lower-case forms to find, longest first
    pronoun: str = ""  # "he" | "she" | "" for a character whose gender the text doesn't give


@dataclass(frozen=True)
class Mention:
    """An asset named, or a pronoun, at a place in a sentence."""

    start: int
    end: int
    asset: Asset | None = None
    pronoun: str = ""  # lower-case, when the mention is a pronoun
    possessive: bool = False  # "Mara's"


def cast_of(assets: list[dict], action: str) -> list[Asset]:
    """The scene's assets with the forms the action may name them by; a form two assets share finds neither."""
    found = find_characters(action) if action.strip() else ()
    forms = [_forms(asset, found) for asset in assets]
    counts: dict[str, int] = {}
    for names in forms:
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    return [Asset(str(asset["name"]), str(asset.get("asset_type", "")),
                  tuple(sorted((n for n in names if counts[n] == 1 or n == names[0]), key=len, reverse=True)),
                  _gender(asset, found)) for asset, names in zip(assets, forms)]


def _forms(asset: dict, found) -> list[str]:
    """'Dr. Lee' -> ['dr. lee', 'dr lee', 'lee']; 'Brass Lantern' -> ['brass lantern', 'lantern']."""
    name = " ".join(str(asset["name"]).lower().split())
    bare = [part for part in name.replace(".", "").split() if part not in TITLES | {"the", "a", "an"}]
    forms = [name, name.replace(".", "")]
    if len(bare) > 1:
        forms.append(bare[0] if asset.get("asset_type") == "character" else bare[-1])
    forms += [" ".join(bare)] if bare else []
    if asset.get("asset_type") == "character":
        forms += [alias for c in found if same_person(c.name, str(asset["name"])) for alias in sorted(c.aliases)]
    return list(dict.fromkeys(form for form in forms if form))


def _gender(asset: dict, found) -> str:
    """The character's pronoun: from a title, else their Stage 5 description (read from the whole story), else
    how this scene's action refers to them."""
    if asset.get("asset_type") != "character":
        return ""
    name = str(asset["name"])
    description = str(asset.get("description") or "")
    # 'her brother': what someone is (brother) says more than a pronoun, which may be someone else's
    he, she = (sum(len(p.findall(description)) * weight for p, weight in zip(words, (1, 2)))
               for words in (_HE_WORDS, _SHE_WORDS))
    described = "he" if he > she else "she" if she > he else ""
    return pronoun_for(name) or described or next(
        (c.pronoun for c in found if same_person(c.name, name) and c.pronoun), "")


def mentions(sentence: str, cast: list[Asset]) -> list[Mention]:
    """Each asset named and each pronoun in a sentence, in order; a longer name wins over a shorter one inside it."""
    found: list[Mention] = []
    taken: set[int] = set()
    spans = sorted(((match.start(), match.end(), asset) for asset in cast for alias in asset.aliases
                    for match in re.finditer(rf"(?<![\w'’-]){name_pattern(alias)}(?![\w-])", sentence, re.IGNORECASE)),
                   key=lambda span: (span[0], -span[1]))
    for start, end, asset in spans:
        if not taken & set(range(start, end)):
            taken |= set(range(start, end))
            found.append(Mention(start, end, asset, possessive=bool(re.match(r"['’]s?\b", sentence[end:end + 2]))))
    for match in re.finditer(r"\b[A-Za-z]+\b", sentence):
        if match.group().lower() in _PRONOUNS and match.start() not in taken:
            found.append(Mention(match.start(), match.end(), pronoun=match.group().lower()))
    return sorted(found, key=lambda mention: mention.start)


def clauses(sentence: str, found: list[Mention]) -> list[int]:
    """Where each clause of a sentence begins; 'Mara and Tomas fall' stays one clause (a compound subject)."""
    starts = [0]
    for match in _CLAUSE_BREAK.finditer(sentence):
        if not _only_names(sentence[starts[-1]:match.start()], found, starts[-1]):
            starts.append(match.end())
    return starts


def _only_names(segment: str, found: list[Mention], offset: int) -> bool:
    named = [m for m in found if m.asset and offset <= m.start < offset + len(segment)]
    rest = segment
    for mention in sorted(named, key=lambda m: m.start, reverse=True):
        rest = rest[:mention.start - offset] + rest[mention.end - offset:]
    return bool(named) and not re.sub(r"[\s,]|\band\b", "", rest)


def after_preposition(sentence: str, clause_start: int, position: int) -> bool:
    """Whether a name sits in a phrase like 'behind the old lantern' (not a subject): up to three words back."""
    before = sentence[clause_start:position].rsplit(",", 1)[-1]
    return any(word.lower() in PREPOSITIONS for word in re.findall(r"[\w'’]+", before)[-3:])


@dataclass
class Story:
    """Who the action has named so far (latest last), the last group named together, and the last subject."""

    named: list[Asset] = field(default_factory=list)
    group: tuple[Asset, ...] = ()
    subject: tuple[Asset, ...] = ()

    def resolve(self, pronoun: str, earlier: list[Asset], exclude: tuple[Asset, ...] = ()) -> tuple[Asset, ...]:
        """Who a pronoun means: the last named of its gender, else the last named whose gender isn't known;
        'they' is the last group named together, 'it' the last prop named."""
        if pronoun in ("they", "them", "their", "themselves"):
            return self.group
        recent = [a for a in [*self.named, *earlier] if a not in exclude]
        if pronoun == "it":
            return tuple(a for a in recent if a.asset_type == "prop")[-1:]
        gender = "he" if pronoun in ("he", "him", "his", "himself") else "she"
        people = [a for a in recent if a.asset_type == "character"]
        for wanted in (gender, ""):
            match = next((a for a in reversed(people) if a.pronoun == wanted), None)
            if match:
                return (match,)
        return ()

    def hear(self, named: list[Asset], subject: tuple[Asset, ...]) -> None:
        """After a sentence: what it named is the latest named, its subject the latest talked about."""
        for asset in [*named, *subject]:
            self.named = [a for a in self.named if a != asset] + [asset]
        together = tuple(dict.fromkeys(a for a in named if a.asset_type == "character"))
        if len(subject) > 1 or len(together) > 1:
            self.group = subject if len(subject) > 1 else together
        if subject:
            self.subject = subject
