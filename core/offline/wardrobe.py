"""How a character looks, read from its description: age, height, build, posture, clothes and hair.

    figure_look("An old man in a red coat.") -> FigureLook(age="old", stoop=0.1, long="#c0392b", ...)

A colour belongs to the garment it is written before ("a dark blue wool coat", "grey sweater"); a garment
named without a colour is worn in the palette's colours. Ages come from words ("child", "elderly") or
numbers ("(70s)", "a 9-year-old", "in her sixties").
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, replace

from core.film.style import named_color
from core.offline.looks import singular, tokens
from core.offline.names import TITLES


def _table(**kinds: str) -> dict[str, str]:
    return {word: kind for kind, words in kinds.items() for word in words.split()}


_AGES = _table(child="child kid boy girl toddler baby infant schoolboy schoolgirl",
               teen="teen teenager teenage adolescent youth", young="young youthful",
               old="old elderly aged ancient retired grandfather grandmother grandma grandpa granny wrinkled widow "
                   "widower")
_BUILDS = _table(slight="slight slim thin slender skinny wiry frail petite lean gaunt lanky bony",
                 broad="broad muscular burly stocky athletic brawny hulking strapping",
                 heavy="heavy fat stout portly plump heavyset overweight rotund chubby")
_GARMENTS = _table(top="jacket sweater jumper shirt blouse hoodie cardigan vest waistcoat tunic top tee pullover "
                       "fleece blazer parka anorak oilskin windbreaker jersey",
                   long="coat overcoat raincoat trenchcoat greatcoat cloak cape robe gown dress frock habit duster",
                   bottom="trousers pants jeans skirt shorts slacks leggings",
                   suit="suit uniform overalls boilersuit jumpsuit",
                   hat="hat cap beanie helmet hood beret bonnet fedora turban headscarf", scarf="scarf shawl tie")
_ANKLE_LENGTH = frozenset("robe gown cloak habit cape".split())
_WORN_COLOURS = {"jeans": "#3b5b86", "oilskin": "#e8b923", "denim": "#3b5b86"}
_HAIR_WORDS = {"blonde": "#e3c16f", "blond": "#e3c16f", "redhead": "#b5532a", "ginger": "#c0642a",
               "brunette": "#5a3a22", "auburn": "#8a3b1e"}
_HEIGHTS = {"child": 0.5, "teen": 0.68, "young": 0.78, "adult": 0.78, "old": 0.72}
_DECADES = {"twenties": 25, "thirties": 35, "forties": 45, "fifties": 55, "sixties": 65, "seventies": 75,
            "eighties": 85, "nineties": 95}
_NUMBERS = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_BREAKS = frozenset("and with in or a an the his her their its over under on of".split())
_AGE_NUMBER = re.compile(r"\b(\d{1,2})0s\b|\b(\d{1,3})[- ](?:year|yr)s?[- ]old\b|\baged? (\d{1,3})\b|\((\d{1,2})\)")


@dataclass(frozen=True)
class FigureLook:
    """A character's figure: colours are '#rrggbb', "" for a garment worn in the palette's colour, None for none."""

    age: str = "adult"
    build: str = "average"
    height: float = 0.78  # of the picture's height
    stoop: float = 0.0
    top: str | None = None
    bottom: str | None = None
    long: str | None = None
    long_to_ankle: bool = False
    hat: str | None = None
    scarf: str | None = None
    hair: str | None = None
    long_hair: bool = False
    bald: bool = False
    beard: bool = False
    glasses: bool = False
    cane: bool = False


def figure_look(description: str) -> FigureLook:
    """The figure a character description calls for (see the module docstring)."""
    words = tokens(description)
    plain = set(words) | {singular(word) for word in words}
    age = _age(description, words)
    build = next((_BUILDS[word] for word in words if word in _BUILDS), "average")
    height = _HEIGHTS[age] + 0.08 * bool(plain & {"tall", "towering", "lanky"}) - 0.07 * bool(
        plain & {"short", "petite", "tiny"})
    stoop = 0.18 if plain & {"hunched", "stooped", "stooping", "bent"} else 0.15 if age == "old" else 0.0
    worn = _garments(words)
    return FigureLook(age=age, build=build, height=max(0.4, min(0.9, height)), stoop=stoop, **worn,
                      hair=_hair(words, age), long_hair=bool(plain & {"ponytail", "braid", "plait", "bun", "curl"})
                      or _before(words, ("hair",), "long"), bald="bald" in plain,
                      beard=bool(plain & {"beard", "bearded", "moustache", "mustache", "stubble"}),
                      glasses=bool(plain & {"glasses", "spectacles", "specs"}),
                      cane=bool(plain & {"cane", "crutch"}) or _before(words, ("stick",), "walking") or age == "old")


# what a character wears and how their hair is when the text doesn't say: chosen by name, so two people the text leaves
# undescribed are not drawn as one figure twice, and each looks the same in every frame and on their sheet
_UNSAID_HAIR = ("#2b1d14", "#4a3020", "#6b4a2b", "#9a5b30", "#c9a45c", "#1c1c1c")
_UNSAID_TOPS = ("#5b6e8c", "#7a4b3a", "#4f6b4a", "#8a7a5a", "#6a4f7a", "#3f5f66", "#9a5a3a", "#5f5f6b")


def cast_look(name: str, description: str) -> FigureLook:
    """A character's figure: what the description says (see `figure_look`), and for hair and a top it leaves
    unsaid, a choice made by the name alone."""
    look = figure_look(description)
    digest = hashlib.sha256(f"look\n{_called(name)}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    hair, top = rng.choice(_UNSAID_HAIR), rng.choice(_UNSAID_TOPS)
    return replace(look, hair=look.hair or (None if look.bald else hair),
                   top=top if look.top is None and look.long is None else look.top)


def _called(name: str) -> str:
    """The name a character goes by, the same in every shot: 'ROSE' where she speaks, 'Rose Delacroix' where she
    doesn't, 'Dr. Lee' and 'LEE' -> 'rose', 'lee'."""
    words = name.lower().replace(".", " ").split()
    return next((word for word in words if word not in TITLES), " ".join(words))


def _age(description: str, words: list[str]) -> str:
    number = _age_number(description.lower(), words)
    if number is not None:
        return "child" if number < 13 else "teen" if number < 20 else "young" if number < 30 else (
            "old" if number >= 60 else "adult")
    told = [word for index, word in enumerate(words) if not (word == "old" and index and words[index - 1] in (
        "year", "years", "yr"))]  # "a thirty-year-old" is an age, not "old"
    found = {_AGES[word] for word in told if word in _AGES}
    return next((age for age in ("child", "teen", "old", "young") if age in found), "adult")


def _age_number(text: str, words: list[str]) -> int | None:
    match = _AGE_NUMBER.search(text)
    if match:
        digits = next(group for group in match.groups() if group)
        return int(digits) * (10 if match.group(1) else 1) + (5 if match.group(1) else 0)
    for index, word in enumerate(words):
        if word in _DECADES:
            return _DECADES[word]
        if word in _NUMBERS and words[index + 1:index + 3] in (["year", "old"], ["years", "old"]):
            return _NUMBERS[word]
    return None


def _garments(words: list[str]) -> dict:
    worn: dict = {}
    for index, word in enumerate(words):
        part = _GARMENTS.get(word) or _GARMENTS.get(singular(word))
        if not part:
            continue
        color = _colour_before(words, index) or _WORN_COLOURS.get(word, "")
        slots = ("top", "bottom") if part == "suit" else (part,)
        for slot in slots:
            if not worn.get(slot):  # the first colour named for a part wins
                worn[slot] = color
        if part == "long":
            worn["long_to_ankle"] = worn.get("long_to_ankle") or word in _ANKLE_LENGTH
    return worn


def _colour_before(words: list[str], index: int, reach: int = 3) -> str | None:
    """The colour written within `reach` words before a garment, stopping at a break ("a red shirt and jeans")."""
    for back in range(index - 1, max(-1, index - 1 - reach), -1):
        if words[back] in _BREAKS or words[back] in _GARMENTS:
            return None
        color = named_color(words, back)
        if color:
            return color
    return None


def _hair(words: list[str], age: str) -> str | None:
    for index, word in enumerate(words):
        if word in _HAIR_WORDS:
            return _HAIR_WORDS[word]
        if word in ("hair", "haired", "beard", "bearded"):
            color = _colour_before(words, index, reach=2)
            if color:
                return color
    return "#c9c9c9" if age == "old" else None


def _before(words: list[str], nouns: tuple[str, ...], adjective: str) -> bool:
    return any(word in nouns and adjective in words[max(0, index - 2):index] for index, word in enumerate(words))
