"""Status tags: the closed vocabulary of how an asset looks after what happened to it ('muddy', 'torn_shirt').

    VOCABULARY                       every known tag, by key
    normalize_tag("Torn shirt")      -> "torn_shirt" (a creator's own tag is kept, in lower snake case)
    describe_tag("muddy")            -> "muddy: mud on clothes and boots"
    tags_for("prop")                 the known tags a prop can carry
    tags_cleared_by("wash")          the tags washing takes away

The offline reader only ever adds tags from this vocabulary; a creator may type any tag. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import InputRejected

MAX_TAG_LENGTH = 40
CHARACTER, PROP, LOCATION = "character", "prop", "location"


@dataclass(frozen=True)
class StatusTag:
    """One known status tag: what it is called, what it looks like on screen, and what ends it."""

    key: str  # "torn_shirt"
    looks: str  # "shirt ripped at the sleeve or the front": what a frame prompt shows
    applies_to: frozenset[str]  # asset types that can carry it
    cleared_by: frozenset[str] = frozenset()  # actions that end it: wash, change, dry, mend, time
    replaces: frozenset[str] = frozenset()  # tags it takes the place of: 'bandaged' replaces 'bloody'
    also: tuple[str, ...] = ()  # other words a creator may type for it

    @property
    def label(self) -> str:
        return self.key.replace("_", " ")

    @property
    def plain(self) -> str:
        """'muddy: mud on clothes and boots'."""
        return f"{self.label}: {self.looks}"


def _tag(key: str, looks: str, applies_to: str, cleared_by: str = "", replaces: str = "", also: str = "") -> StatusTag:
    return StatusTag(key, looks, frozenset(applies_to.split()), frozenset(cleared_by.split()),
                     frozenset(replaces.split()), tuple(word.replace("_", " ") for word in also.split()))


_PERSON_AND_THING = f"{CHARACTER} {PROP}"
# 'time' is a jump of days or more ("Three weeks later"): dirt, wet and fresh blood are gone by then; bruises,
# bandages, breakages and burns are not (a creator clears those when the story says so).
VOCABULARY: dict[str, StatusTag] = {tag.key: tag for tag in (
    _tag("muddy", "mud on clothes and boots", _PERSON_AND_THING, "wash change time", also="mud mud_covered"),
    _tag("soaked", "wet through: clothes clinging, hair dripping", _PERSON_AND_THING, "change dry time",
         also="wet drenched"),
    _tag("bloody", "blood on skin and clothes", _PERSON_AND_THING, "wash change time", also="blood bloodied"),
    _tag("torn_shirt", "shirt ripped at the sleeve or the front", CHARACTER, "change mend", also="torn ripped_shirt"),
    _tag("bruised", "bruises on the face and arms", CHARACTER, also="bruise black_eye"),
    _tag("burned", "scorch marks: singed cloth, blackened edges", f"{CHARACTER} {PROP} {LOCATION}",
         also="burnt scorched"),
    _tag("dusty", "a grey coat of dust on clothes and hair", _PERSON_AND_THING, "wash change time", also="dust"),
    _tag("bandaged", "a white bandage over a wound", CHARACTER, replaces="bloody", also="bandage"),
    _tag("sweaty", "sweat on the face, damp patches on clothes", CHARACTER, "wash time", also="sweating"),
    _tag("snowy", "snow on shoulders, hair and ground", f"{CHARACTER} {LOCATION}", "dry time", also="snow"),
    _tag("oily", "black smears of oil and grease", _PERSON_AND_THING, "wash change time", also="greasy grease"),
    _tag("sooty", "soot-blackened face and hands", CHARACTER, "wash time", also="soot ash"),
    _tag("broken", "cracked or in pieces", PROP, "mend", also="smashed shattered"),
    _tag("lit", "burning, giving off light", PROP, replaces="extinguished", also="alight burning"),
    _tag("extinguished", "gone out: dark, a thread of smoke", PROP, replaces="lit", also="unlit out"),
    _tag("smoky", "smoke hanging in the air", LOCATION, "time", also="smoke"),
    _tag("flooded", "standing water across the floor", LOCATION, "time", also="flood"),
)}
_ALSO = {alias: tag.key for tag in VOCABULARY.values() for alias in (tag.also + (tag.label,))}


def normalize_tag(text: str) -> str:
    """A tag as stored: lower snake case; a known tag's other names become the tag ('Torn shirt' -> 'torn_shirt').

    Raises:
        InputRejected: the tag is empty or longer than 40 characters.
    """
    words = re.findall(r"[^\W_]+", text.lower())
    plain = " ".join(words)
    if not plain:
        raise InputRejected({"tags": "a status tag needs at least one letter or digit"})
    key = _ALSO.get(plain, "_".join(words))
    if len(key) > MAX_TAG_LENGTH:
        raise InputRejected({"tags": f"“{text.strip()[:50]}” is {len(key)} characters; keep a status tag to "
                                     f"{MAX_TAG_LENGTH}"})
    return key


def describe_tag(tag: str) -> str:
    """What a tag looks like in plain words: 'muddy: mud on clothes and boots'; a creator's own tag as written."""
    known = VOCABULARY.get(tag)
    return known.plain if known else tag.replace("_", " ")


def applies_to(tag: str, asset_type: str) -> bool:
    """Whether an asset of this type can carry the tag; a creator's own tag fits any asset."""
    known = VOCABULARY.get(tag)
    return known is None or asset_type in known.applies_to


def tags_for(asset_type: str) -> tuple[str, ...]:
    """The known tags an asset of this type can carry, in vocabulary order."""
    return tuple(key for key, tag in VOCABULARY.items() if asset_type in tag.applies_to)


def tags_cleared_by(action: str) -> frozenset[str]:
    """The known tags an action ends: 'wash', 'change' (clothes), 'dry', 'mend', 'time' (a jump of days)."""
    return frozenset(key for key, tag in VOCABULARY.items() if action in tag.cleared_by)


def replaced_by(tag: str) -> frozenset[str]:
    """The tags that go when this one comes: lighting a lantern ends 'extinguished'."""
    known = VOCABULARY.get(tag)
    return known.replaces if known else frozenset()
