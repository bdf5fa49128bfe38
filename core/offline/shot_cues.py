"""What a piece of screen action tells the camera, read from its own words.

    names_in(text, cast)      the scene's characters the action names, in order of first mention
    props_in / handled        the scene's props it shows, and the ones a hand is on ("picks up the bottle")
    prop_changes              who comes to hold a prop, who lets it go, what breaks
    comings_and_goings        who enters and who exits
    pace / realises / angle   someone walking or running; a moment of realisation; looking down or up

Names count only as whole words written with a capital ("Mara", "MARA", "Mara's"), so an ordinary word that
is also a name ("will", "rose") is no one; a pronoun adds nobody.
"""

from __future__ import annotations

import re
from functools import lru_cache

from core.film.shots import Angle
from core.offline.names import TITLES
from core.offline.text import STOPWORDS, split_sentences, words

_TAKE = "pick grab hold take lift carry clutch seize snatch cradle grip grasp".split()
_LET_GO = "drop set put toss throw pocket leave lay".split()
_GIVE = "hand give pass offer".split()
_BREAK = "break smash shatter crush".split()
_USE = """
open close light pour drink raise lower turn twist catch squeeze wipe polish fill empty shake read unfold fold wind
crank load unlock lock strike tap touch press uncork cork rub wrap examine inspect study check fix repair sharpen
clean ring dial sign tear clasp swing aim point fire slam kick weigh stroke finger trim adjust unwrap hug knead
stir chop slice
""".split()
_IRREGULAR = {"held": "hold", "took": "take", "taken": "take", "caught": "catch", "threw": "throw", "thrown": "throw",
              "shook": "shake", "lit": "light", "drank": "drink", "wound": "wind", "struck": "strike", "tore": "tear",
              "torn": "tear", "swung": "swing", "gave": "give", "given": "give", "broke": "break",
              "broken": "break", "left": "leave", "laid": "lay", "put": "put", "set": "set", "read": "read"}
_PARTICLE = r"(?:\s+(?:up|down|out|off|over|on|back|away|open|aside|around))?"
_POSSESSOR = r"(?:the|a|an|his|her|their|its|my|your|our|this|that|[\w]+['’]s)"
_WALK = re.compile(r"\b(?:walk|stride|strode|march|pace|wander|stroll|follow|climb|limp|trudge|wade|stagger|"
                   r"creep|crept|prowl|circle)(?:s|es|ed|d|ing)?\b", re.IGNORECASE)
_RUN = re.compile(r"\b(?:run|runs|running|ran|sprint|race|dash|chase|flee|fled|bolt|scramble|hurry|hurries|hurried|"
                  r"rush|charge|leap|leapt|pursue|tear(?:s)? (?:down|across|through))(?:s|es|ed|d|ing)?\b",
                  re.IGNORECASE)
_REALISE = re.compile(r"\b(?:reali[sz]|understand|understood|recogni[sz]|notic|dawns? on|freez|froze|stares?|"
                      r"staring|gasp|remember|it hits|stops? dead|suddenly|can't believe)\w*", re.IGNORECASE)
_HIGH = re.compile(r"\b(?:looks? down|looking down|peers? down|down at|far below|from above|overhead|from the "
                   r"(?:tower|top|roof|rooftop|gallery|cliff|balcony|ridge|bridge|window above))\b", re.IGNORECASE)
_LOW = re.compile(r"\b(?:looks? up|looking up|up at|towers? over|towering|looms?|looming|high above|the tower|"
                  r"soars?)\b", re.IGNORECASE)
_ENTER = re.compile(r"\b(?:enters?|entering|comes? in|walks? in|steps? in|arrives?|arriving|bursts? in|"
                    r"appears?|slips? in|hurries in|runs? in|climbs? in)\b", re.IGNORECASE)
_EXIT = re.compile(r"\b(?:exits?|exiting|leaves(?! the \w+ (?:on|in|at|behind))|walks? out|goes out|steps? out|"
                   r"disappears?|vanish(?:es)?|slips? out|storms? out|hurries out|runs? out|walks? away|is gone)\b", re.IGNORECASE)
_PRONOUN_OPENING = re.compile(r"^\W*(?:he|she|they|his|her|their)\b", re.IGNORECASE)
_PRONOUN_AFTER_WORDS = re.compile(r"^\W*((?:[\w'’-]+,?\s+){1,3}?)(?:he|she|they)\s", re.IGNORECASE)
_SUBORDINATE = re.compile(r"\b(?:when|whenever|as|if|after|before|while|because|though|although|until|once|since|"
                          r"where|unless|and|but|or|says|said|asks|asked|tells|told|thinks|knows)\b", re.IGNORECASE)


def _forms(base: str) -> set[str]:
    """base, -s/-es, -ed/-d, -ing, with a doubled consonant where English doubles it (grip -> gripped)."""
    stem = base.removesuffix("e")
    double = base + base[-1] if re.search(r"[^aeiou][aeiou][bdgmnpt]$", base) else base
    return {base, f"{base}s", f"{base}es", f"{stem}ed", f"{base}d", f"{stem}ing", f"{double}ed", f"{double}ing",
            f"{base[:-1]}ies" if base.endswith("y") else base, f"{base[:-1]}ied" if base.endswith("y") else base}


def _verbs(bases: list[str]) -> str:
    forms = {form for base in bases for form in _forms(base)}
    forms |= {word for word, base in _IRREGULAR.items() if base in bases}
    return "|".join(sorted(forms, key=len, reverse=True))


_FAMILIES = {"take": _verbs(_TAKE), "let go": _verbs(_LET_GO), "give": _verbs(_GIVE), "break": _verbs(_BREAK)}
_ANY_HANDLING = _verbs(_TAKE + _LET_GO + _GIVE + _BREAK + _USE)


@lru_cache(maxsize=512)
def _prop_pattern(prop: str) -> str:
    words = [re.escape(word) for word in prop.split()]
    head = words[-1] if words else ""
    full = r"\s+".join(words)
    return rf"(?:{full}|{head})(?:e?s)?" if len(words) > 1 and len(prop.split()[-1]) > 3 else rf"{full}(?:e?s)?"


def _aliases(name: str, cast: tuple[str, ...]) -> list[str]:
    """'DR. OKAFOR' is named by 'Dr. Okafor' or 'Okafor'; a word that is another character's name isn't an alias."""
    words = [word.strip(".,") for word in name.split()]
    parts = [word for word in words if len(word) > 2 and word.lower() not in TITLES | STOPWORDS]
    others = {other.upper() for other in cast if other.upper() != name.upper()}
    return [name] + ([part for part in parts if part.upper() not in others] if len(words) > 1 else [])


def _first_mention(text: str, name: str, cast: tuple[str, ...]) -> int | None:
    positions = []
    for alias in _aliases(name, cast):
        pattern = r"\s+".join(re.escape(word) for word in alias.split())
        for match in re.finditer(rf"(?<![\w'’-]){pattern}(?![\w-])", text, re.IGNORECASE):
            if match.group(0)[0].isupper():
                positions.append(match.start())
                break
    return min(positions) if positions else None


def names_in(text: str, cast: tuple[str, ...]) -> list[str]:
    """The characters of `cast` the text names (whole words, written with a capital), first mention first."""
    found = [(position, name) for name in cast if (position := _first_mention(text, name, cast)) is not None]
    return [name for _, name in sorted(found)]


def opens_with_pronoun(text: str) -> bool:
    return bool(_PRONOUN_OPENING.match(text))


def pronoun_leads(text: str, named: list[str]) -> bool:
    """Whether a pronoun is the subject of the text's first clause after a few words of time or place ("Every
    Thursday she fires the kiln, and her nephew Dario is late"): then the action goes on with the person before,
    not the first one it names. A subordinate opening ("When he arrives, Mara smiles") or a name first doesn't."""
    match = _PRONOUN_AFTER_WORDS.match(text)
    if not match or _SUBORDINATE.search(match.group(1)):
        return False
    return not any(re.search(rf"\b{re.escape(name)}\b", match.group(1), re.IGNORECASE) for name in named)


def props_in(text: str, props: tuple[str, ...]) -> list[str]:
    """The scene's props the text shows, in order of first mention."""
    found = [(match.start(), prop) for prop in props
             if (match := re.search(rf"\b{_prop_pattern(prop)}\b", text, re.IGNORECASE))]
    return [prop for _, prop in sorted(found)]


def handled(text: str, props: tuple[str, ...]) -> list[str]:
    """The scene's props a hand is on: 'picks up the bottle', 'her hands on the lantern', 'with the key'."""
    return [prop for prop in props_in(text, props) if re.search(_handling(prop), text, re.IGNORECASE)]


def _handling(prop: str, verbs: str = _ANY_HANDLING) -> str:
    thing = _prop_pattern(prop)
    by_verb = rf"\b(?:{verbs})\b{_PARTICLE}(?:\s+[\w'’-]+){{0,3}}?\s+{thing}\b"
    by_hand = rf"\bhands?\s+(?:on|around|round|over|at|to)\s+(?:[\w'’-]+\s+){{0,3}}?{thing}\b"
    by_with = rf"\bwith\s+{_POSSESSOR}\s+(?:[\w'’-]+\s+){{0,2}}?{thing}\b"
    return f"{by_verb}|{by_hand}|{by_with}" if verbs == _ANY_HANDLING else by_verb


def prop_changes(text: str, props: tuple[str, ...], cast: tuple[str, ...], subject: str | None
                 ) -> list[tuple[str, str, str | None]]:
    """(change, prop, who) for each prop the action takes up, lets go of, gives or breaks, sentence by sentence:
    ("take", "bottle", "MARA"), ("give", "key", "TOMAS") (who now holds it), ("let go", "lamp", None)."""
    changes = []
    for sentence in split_sentences(text):
        named = names_in(sentence, cast)
        doer = subject if opens_with_pronoun(sentence) else named[0] if named else None
        for prop in props_in(sentence, props):
            for change, verbs in _FAMILIES.items():
                broken = change == "break" and re.search(rf"\b{_prop_pattern(prop)}\s+(?:{verbs})\b", sentence, re.IGNORECASE)
                if broken or re.search(_handling(prop, verbs), sentence, re.IGNORECASE):
                    receiver = next((name for name in named if name != doer), None)
                    changes.append((change, prop, receiver if change == "give" else doer))
                    break
    return changes


def comings_and_goings(text: str, cast: tuple[str, ...], subject: str | None) -> tuple[list[str], list[str]]:
    """(who enters, who exits): the character named last before the verb in its sentence, else the subject when
    the sentence opens with a pronoun ('She leaves.'); 'A light appears.' brings nobody in."""
    entering, leaving = [], []
    for sentence in split_sentences(text):
        for pattern, found in ((_ENTER, entering), (_EXIT, leaving)):
            for match in pattern.finditer(sentence):
                who = _doer(sentence[:match.start()], cast, subject)
                if who and who not in found:
                    found.append(who)
    return entering, leaving


def _doer(before: str, cast: tuple[str, ...], subject: str | None) -> str | None:
    """Who does the verb that follows `before`: the last name, unless another subject comes between
    ('Fenna waits as the island appears'); after 'and', whoever opens the sentence; the subject when the
    sentence opens with a pronoun."""
    named = names_in(before, cast)
    if re.search(r"\band\s*$", before):  # 'Kofi runs to the river and vanishes': the sentence's subject
        opener = next((name for name in named if before.lstrip(" \"'(").upper().startswith(name.upper())), None)
        return opener or (subject if opens_with_pronoun(before) else None)
    if not named:
        return subject if opens_with_pronoun(before) and len(words(before)) <= 3 else None
    gap = before[before.upper().rfind(named[-1].split()[-1]) + len(named[-1].split()[-1]):]
    if len(words(gap)) > 3 or re.search(r"\b(?:the|a|an|as|while|when|until|his|her|its|their)\b", gap, re.IGNORECASE):
        return None
    return named[-1]


def pace(text: str) -> str:
    """'run' when someone runs, flees or chases, 'walk' when they walk or climb, '' when nobody moves so."""
    return "run" if _RUN.search(text) else "walk" if _WALK.search(text) else ""


def realises(text: str) -> bool:
    return bool(_REALISE.search(text))


def angle(text: str) -> Angle:
    """High when the action looks down from somewhere, low when it looks up at something, else eye level."""
    return Angle.HIGH if _HIGH.search(text) else Angle.LOW if _LOW.search(text) else Angle.EYE_LEVEL
