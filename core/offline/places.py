"""Where and when: places named in prose, interior or exterior, and the time of day.

    find_places("Mara climbs to the old lighthouse at dusk.") -> [Place("OLD LIGHTHOUSE", "EXT", "lighthouse")]
    time_of_day("at dusk") -> "DUSK"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_INTERIORS = """
kitchen bedroom bathroom living-room dining-room office apartment flat house home hallway corridor staircase stairwell
classroom library church chapel cathedral hospital ward clinic station bar pub diner cafe café restaurant shop store
bakery bookshop bookstore warehouse garage basement attic cellar lab laboratory studio hotel motel room cabin cottage
hut car truck van taxi train bus ship-cabin elevator lift lobby museum theater theatre cinema prison cell courtroom
factory barn tent cockpit gym gymnasium school castle palace tower lighthouse mansion farmhouse inn tavern hall
ballroom nursery study den workshop greenhouse chamber vault bunker spaceship subway gallery salon casino
police-station train-station
""".split()
_EXTERIORS = """
street road alley park forest woods wood beach shore harbor harbour dock docks pier field garden yard backyard rooftop
roof bridge river lake sea ocean coast mountain mountains hill hills desert village square market parking-lot
cemetery graveyard highway cliff cliffs meadow farm city town camp campsite playground courtyard porch balcony
platform island valley canyon jungle swamp marsh riverbank lakeside seafront boardwalk quay wharf crossroads
battlefield ruins orchard vineyard trail path driveway sidewalk pavement plaza stadium countryside prairie glacier
town-square boat ship trawler ferry yacht canoe raft deck bay cove creek bus-stop bus-shelter taxi-rank
""".split()
_NAMED_ONLY = """
point bay cove heights falls springs creek ridge bluff landing manor hall lane avenue court gardens terrace port
""".split()  # places only when capitalised: "Gull Point", "Mill Lane" (not "at that point")
PLACE_NOUNS: dict[str, str] = {noun.replace("-", " "): "INT" for noun in _INTERIORS}
PLACE_NOUNS.update({noun.replace("-", " "): "EXT" for noun in _EXTERIORS})
NAMED_PLACE_NOUNS = {**{noun: "EXT" for noun in _NAMED_ONLY}, "manor": "INT", **PLACE_NOUNS}

_TIMES = (
    ("NIGHT", "night nights midnight nighttime nightfall evening tonight"),
    ("DAWN", "dawn daybreak sunrise first-light"),
    ("DUSK", "dusk sunset twilight"),
    ("DAY", "day morning noon midday afternoon"),
)
_TIME_WORDS = {word.replace("-", " "): label for label, listed in _TIMES for word in listed.split()}
_TIME_NOUNS = "|".join(sorted(_TIME_WORDS, key=len, reverse=True))
# a time of day is set by a phrase that places the scene in it, not by any word about light or dark:
# "that night", "at dawn", "the next morning", "in the afternoon", "Night falls", "tonight", "On the night the
# service closed", "one cold morning", "It was a moonless night"
# "on the night", "on a cold winter night": up to two describing words, none a time or a little word
_ON_A = (rf"(?:\s+(?!(?:{_TIME_NOUNS}|the|a|an|and|or|of|to|in|at|on|by|for|with|from|that|this|it|is|was|his|her)\b)"
         rf"[a-z][\w'-]*){{0,2}}")
_TIME_CUE = re.compile(
    rf"\b(?:(?:on\s+(?:the|that|this|a|an){_ON_A}|(?<![a-z]\s)one{_ON_A}|it\s+(?:is|was)\s+(?:a|an){_ON_A}"
    rf"|that|this|one|the\s+next|the\s+following|later\s+that|early\s+(?:that|the\s+next)|late\s+(?:that|at)"
    rf"|at|in\s+the|in\s+the\s+late|in\s+the\s+early|during\s+the|all|by|it\s+is(?:\s+late|\s+early)?)\s+)"
    rf"(?P<noun>{_TIME_NOUNS})\b"
    rf"|^\W*(?P<opener>{_TIME_NOUNS})\s+(?:falls|fell|breaks|broke|comes|came|is\s+falling|is\s+breaking|arrives|arrived)\b"
    rf"|\b(?P<alone>tonight)\b",
    re.IGNORECASE)
_NOT_NOW = re.compile(r"\b(?:every|each|any|before|until|till|by|since|remembers?|remembered)\s+(?:\w+\s+){0,2}$",
                      re.IGNORECASE)
_ARRIVING = r"in|at|inside|into|to|toward|towards|onto|on|across|through|outside|within|beneath|under|reaches|enters"
_DETERMINER = r"the|a|an|his|her|their|its|our|my|your|this|that|[A-Z][\w]*['’]s"
_MODIFIER = r"(?!(?:the|a|an|and|or|of|to|in|at|on|by|for|with|from|that|this|it|is|was)\b)[a-z][\w'-]*"
_NOUNS = "|".join(sorted((re.escape(noun) for noun in PLACE_NOUNS), key=len, reverse=True))
_PLACE = re.compile(
    rf"\b(?P<prep>{_ARRIVING})\s+(?P<det>{_DETERMINER})\s+(?P<mods>(?:{_MODIFIER}\s+){{0,2}})"
    rf"(?P<noun>{_NOUNS})s?\b(?!['’]s)",
    re.IGNORECASE,
)
_ANY_PLACE = re.compile(
    rf"\b(?P<prep>)(?P<det>{_DETERMINER})\s+(?P<mods>(?:{_MODIFIER}\s+){{0,2}})(?P<noun>{_NOUNS})s?\b(?!['’]s)"
    r"(?!\s+\w*(?:er|or|ist|ian|man|woman|master|keeper)\b)",
    re.IGNORECASE,
)
_NAMED = "|".join(sorted((re.escape(noun) for noun in _NAMED_ONLY), key=len, reverse=True))
_PROPER_PLACE = re.compile(rf"\b((?:[A-Z][\w'’]*\s+){{1,3}})((?i:{_NOUNS})|{_NAMED.title()}|{_NAMED})\b(?!['’]s)")
_GAZE = frozenset("""
look looks looked looking stare stares stared staring gaze gazes gazed gazing glance glances glanced glancing peer
peers peered peering point points pointed pointing squint squints squinted squinting nod nods nodded nodding wave waves
waved waving
""".split())
_HABITS = frozenset("lived lives live worked works work born grew used owns owned kept keeps ran runs".split())
_EVERY = re.compile(r"\b(?:every|each|any|before|until|till|by)\s+(?:the\s+)?$", re.IGNORECASE)
_JUMP = re.compile(r"^\W*(?:(?:a|an|one|two|three|four|five|six|seven|some|several|many|the\s+next)\s+)?"
                   r"(?:(?:minutes?|hours?|days?|weeks?|months?|years?|morning|night|day|evening)\s+)?"
                   r"(?:later|after|passes?|pass)\b|^\W*the\s+next\s+(?:morning|day|night|evening)\b",
                   re.IGNORECASE)
_TRANSFORMING = frozenset("it them turn turns turned turning transform transformed converted convert made".split())
_LEADING = frozenset("the a an at in to into inside from near".split())
_NOT_MODIFIERS = frozenset("way other same next very own back front way edge middle end rest top side".split())


@dataclass(frozen=True)
class Place:
    """A place where a scene can happen."""

    name: str  # as a scene heading names it: "MARA'S KITCHEN"
    setting: str  # "INT" or "EXT"
    noun: str  # the head noun that identifies the place: "kitchen"
    position: int = 0  # where in the text it was found
    phrase: str = ""  # as the prose says it: "the old lighthouse", "Mara's kitchen"
    preposition: str = ""  # how the prose gets there: "at", "into", "on"; "" when it only mentions it
    proper: bool = False  # named outright ("the Blue Moon Diner") or by its owner ("Mara's kitchen")

    @property
    def bare(self) -> bool:
        """Only the kind of place: 'the diner', not 'the Blue Moon Diner' or 'the old lighthouse'."""
        return self.name == self.noun.upper()


class Gazetteer:
    """Gives a bare mention the name the text already gave that place: 'the diner' -> BLUE MOON DINER."""

    def __init__(self, text: str) -> None:
        self._proper: dict[str, Place] = {}
        for place in mentioned_places(text):
            if place.proper:
                self._proper.setdefault(place.noun, place)
        self._recent: dict[str, Place] = {}

    def canonical(self, place: Place) -> Place:
        if not place.bare:
            self._recent[place.noun] = place
            return place
        return self._recent.get(place.noun) or self._proper.get(place.noun) or place


def find_places(text: str) -> list[Place]:
    """Places a sentence puts us in, in order: 'at the old lighthouse', 'into Mara's kitchen', 'Harbor Street'."""
    found = {place.position: place for place in map(_common, _PLACE.finditer(text)) if place}
    found.update({place.position: place for place in map(_proper, _PROPER_PLACE.finditer(text))
                  if place and place.preposition})
    return [found[position] for position in sorted(found)]


def mentioned_places(text: str) -> list[Place]:
    """Every place a text mentions, with or without a preposition ('wants the lighthouse demolished')."""
    found = {place.position: place for place in map(_common, _ANY_PLACE.finditer(text)) if place}
    found.update({place.position: place for place in find_places(text)})
    found.update({place.position: place for place in map(_proper, _PROPER_PLACE.finditer(text)) if place})
    return [found[position] for position in sorted(found)]


def time_of_day(text: str) -> str | None:
    """DAY, NIGHT, DAWN or DUSK when the text sets the time ('that night', 'at dusk'), else None.

    Words about light ('the lamp went dark', 'moonlight') and deadlines ('before dawn', 'every evening')
    say nothing about when this scene is.
    """
    for match in _TIME_CUE.finditer(text):
        noun = (match.group("noun") or match.group("opener") or match.group("alone")).lower()
        if match.group(0)[:1].isupper() and match.start() and not match.group("opener"):
            continue  # "the Blue Moon Diner", "At Night Shift Bar": a name, not a time
        if not _NOT_NOW.search(text[:match.start()]) and not match.group(0).lower().startswith("by "):
            return _TIME_WORDS[" ".join(noun.split())]
    return None


def time_jump(text: str) -> bool:
    """Whether a sentence opens by moving time on: 'A week later', 'Years later', 'The next morning'."""
    return bool(_JUMP.search(text))


def setting_of(noun: str) -> str:
    return PLACE_NOUNS.get(noun.lower(), "EXT")


def _common(match: re.Match) -> Place | None:
    before = match.string[max(0, match.start() - 30):match.start()].lower().split()
    if match.group("prep").lower() == "into" and before[-1:] and before[-1] in _TRANSFORMING:
        return None  # "turn it into a hotel" goes nowhere
    if match.group("prep") and _HABITS & set(before[-3:]):
        return None  # "lived in a rented room" describes a life, not where a scene is
    if match.group("prep") and _GAZE & set(before[-2:]):
        return None  # "looks at the empty harbour", "stares out across the bay": seen from here, not gone to
    noun = match.group("noun").lower()
    determiner = match.group("det")
    modifiers = [word for word in match.group("mods").split() if word.lower() not in _NOT_MODIFIERS]
    if len(modifiers) != len(match.group("mods").split()):
        modifiers = []
    owner = [determiner] if determiner[:1].isupper() and determiner[-2:].lower() in ("'s", "’s") else []
    if determiner.lower() in ("a", "an"):
        modifiers = []  # "a quiet kitchen" is the kitchen; "the old lighthouse" keeps its name
    name = " ".join(owner + modifiers + [match.group("noun")]).upper().replace("’", "'")
    article = determiner.lower() if determiner.lower() in ("the", "a", "an", "his", "her", "their", "its", "our",
                                                          "my", "your", "this", "that") else determiner
    phrase = " ".join([article] + match.group("mods").split() + [match.group("noun")])
    return Place(name, PLACE_NOUNS[noun], noun, match.start("noun"), phrase, match.group("prep").lower(), bool(owner))


def _proper(match: re.Match) -> Place | None:
    """'Harbor Street', 'the Blue Moon Diner', or a named owner's place: "Mara's kitchen"."""
    words = match.group(1).split()
    while words and words[0].lower() in _LEADING:
        words = words[1:]
    noun = match.group(2)
    if not words or (noun.islower() and not re.search(r"['’]s$", words[-1])):
        return None
    if noun.lower() in _NAMED_ONLY and not noun[0].isupper():
        return None
    name = " ".join(words + [noun]).upper().replace("’", "'")
    named_outright = (noun.lower() in ("street", "road", "park", "square", "highway", *_NAMED_ONLY)
                      or re.search(r"['’]s$", words[-1]))
    article = "" if named_outright else "the "
    before = re.findall(r"[A-Za-z]+", match.string[max(0, match.start() - 20):match.start()].lower())
    before += [word.lower() for word in match.group(1).split()[:1] if word.lower() in _LEADING]
    before = [word for word in before if word not in ("the", "a", "an")]
    preposition = before[-1] if before and re.fullmatch(_ARRIVING, before[-1]) else ""
    if _HABITS & set(before[-4:]):
        preposition = ""
    phrase = article + " ".join(words + [noun])
    return Place(name, NAMED_PLACE_NOUNS[noun.lower()], noun.lower(), match.start(2), phrase, preposition, proper=True)
