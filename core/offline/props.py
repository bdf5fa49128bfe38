"""Props: the concrete things a screenplay's action handles.

A prop is the object of a verb of handling ("grabs the old hand crank", "wears a grey coat", "with a
yellow tape"), or a thing the action writes in capitals after an article ("Mom's PORSCHE"), minus
people, body parts, places and abstractions. The most handled come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.film.screenplay import FountainScene
from core.offline.places import PLACE_NOUNS
from core.offline.premise import is_person_role
from core.offline.text import STOPWORDS, capitalize_first, ensure_period, sentences

MAX_PROPS = 12
_HANDLING = """
hold grab pick carry open light drop take hand give throw pocket read clutch lift unlock lock wave raise fire load
find hide wear pull write drink polish fix repair ring dial check examine study seize snatch toss set place put wrap
tear burn fold unfold sign pour fill switch wind crank measure use push shake swing draw aim point break smash
catch hug clasp grip press tap touch offer show hang bury dig open close slam kick sharpen clean wipe count
""".split()
_IRREGULAR = {"held", "took", "taken", "gave", "given", "threw", "thrown", "found", "hid", "hidden", "wore", "worn",
              "wrote", "written", "drank", "drunk", "lit", "tore", "torn", "shook", "swung", "drew", "drawn", "caught",
              "broke", "broken", "rang", "hung", "dug", "put", "set", "read", "wound", "shut"}
_NOT_PROPS = frozenset("""
hand hands arm arms head heads face faces eye eyes hair finger fingers shoulder shoulders back leg legs foot feet
knee knees lip lips mouth voice breath heart chest body skin tear tears smile look glance moment time chance
step steps turn way decision courage attention silence word words nothing something anything everything care
mother father son daughter brother sister wife husband friend man woman boy girl child children captain people
crowd family baby stranger rest end side edge middle top bottom front light dark darkness air water sky sea wind
rain storm fire night day morning evening afternoon place places life lives world truth lie lies idea question
answer story name news mind thoughts power effort fight pace seat ground floor wall walls weather aboard ahead
""".split())
_BODY = frozenset("hand hands arm arms head face eye eyes hair finger fingers shoulder shoulders back leg legs foot feet "
                  "knee knees lip lips mouth chest skin".split())
_COLOURS = frozenset("blue red green white black grey gray pale numb raw wet cold bare".split())
_TRAILING = frozenset("twice once again back away home asleep awake alone together aside open shut closed".split())
_ARTICLE = r"(?:the|a|an|his|her|their|its|my|your|our|this|that|these|those|some|[A-Z][\w]*['’]s)"
_AFTER = (r"(?=\s*(?:[,.;:!?\"”)]|$|\s(?:from|to|and|in|on|at|into|with|for|of|off|up|down|out|as|toward|towards|"
          r"across|over|under|behind|beside|until|while|before|after|then|but|again|back|away|that|which|who|"
          r"tight|tightly|open|closed|aside|around|through|onto|against|is|are|was|were)\b))")


def _forms(base: str) -> set[str]:
    stem = base[:-1] if base.endswith("e") else base
    third = base + ("es" if base.endswith(("s", "sh", "ch", "x")) else "s")
    past = base + "d" if base.endswith("e") else base + "ed"
    if base.endswith("p") and base in ("drop", "tap", "grip", "clasp"):
        past = base + ("ped" if base != "clasp" else "ed")
    return {base, third, past, stem + "ing"}


_VERB_FORMS = sorted({form for base in _HANDLING for form in _forms(base)} | _IRREGULAR, key=len, reverse=True)
_HANDLED = re.compile(
    rf"\b(?:{'|'.join(_VERB_FORMS)}|with)\b(?:\s+(?:up|out|down|on|off|back|over|away|open))?\s+{_ARTICLE}\s+"
    rf"(?P<thing>(?:[a-z][\w-]*\s+){{0,2}}[a-z][\w-]*){_AFTER}", re.IGNORECASE)
_CAPITALS = re.compile(rf"\b{_ARTICLE}\s+(?P<thing>[A-Z]{{3,}}(?:\s+[A-Z]{{3,}})?)\b(?!\s+[A-Z]{{2,}})")


@dataclass(frozen=True)
class Prop:
    name: str
    description: str
    scene_numbers: tuple[int, ...]


def find_props(scenes: list[FountainScene], names: set[str], emphasis: frozenset[str] = frozenset()) -> list[Prop]:
    """The props handled in the scenes' action, most handled first (a word the guidance stresses counts triple)."""
    seen: dict[str, dict] = {}
    for scene in scenes:
        for paragraph in scene.action:
            for sentence in sentences(paragraph):
                for thing in _things(sentence.text, names):
                    first = (scene.number, sentence.text)
                    entry = seen.setdefault(_key(thing), {"name": thing, "count": 0, "first": first})
                    entry["count"] += 1 + 2 * bool(emphasis & set(thing.split()))
    ranked = sorted(seen.items(), key=lambda item: (-item[1]["count"], item[1]["first"][0]))[:MAX_PROPS]
    ranked.sort(key=lambda item: item[1]["first"][0])
    return [_prop(key, entry, scenes) for key, entry in ranked]


def _things(sentence: str, names: set[str]) -> list[str]:
    found = [match.group("thing") for match in _HANDLED.finditer(sentence)]
    found += [match.group("thing").lower() for match in _CAPITALS.finditer(sentence)]
    return [thing for thing in (_clean(raw, names) for raw in found) if thing]


def _clean(raw: str, names: set[str]) -> str:
    words = raw.lower().split()
    while words and (words[0] in STOPWORDS or words[0].endswith("ly")):
        words = words[1:]
    cut = next((index for index, word in enumerate(words) if index and word in STOPWORDS), len(words))
    words = words[:cut]  # "papers and walks" -> "papers"
    while words and (words[-1] in _TRAILING or words[-1].endswith("ly")):
        words = words[:-1]  # "letter twice" -> "letter"
    if not words:
        return ""
    head = words[-1]
    if head in _COLOURS and any(word in _BODY for word in words):
        return ""  # "her feet blue with cold" is a body, not a prop; a "hand crank" is a prop
    if (head in STOPWORDS or is_person_role(head) or is_person_role(_singular(head)) or head in _NOT_PROPS or _singular(head) in _NOT_PROPS or head in PLACE_NOUNS
            or _singular(head) in PLACE_NOUNS or head.endswith(("ing", "ly")) or len(head) < 3
            or any(word in names for word in words) or " ".join(words) in names):
        return ""
    return " ".join(word for word in words if word not in STOPWORDS)


def _key(thing: str) -> str:
    return _singular(thing.split()[-1])


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _prop(key: str, entry: dict, scenes: list[FountainScene]) -> Prop:
    pattern = re.compile(rf"\b{re.escape(key)}(?:s|es)?\b", re.IGNORECASE)
    numbers = tuple(scene.number for scene in scenes if pattern.search(scene.excerpt))
    number, sentence = entry["first"]
    handled = "Handled" if entry["count"] == 1 else f"Handled {entry['count']} times, first"
    description = f"{capitalize_first(entry['name'])}. {handled} in scene {number}: {ensure_period(sentence)}"
    return Prop(capitalize_first(entry["name"]), description, numbers or (number,))
