"""What an asset looks like, read from its name and description as whole words, for the storyboard.

    prop_kind("Wok", "A blackened iron wok.")            -> "pan"
    set_look("Harbour Pier", "Exterior. ... Seen at: night.") -> SetLook("shore", interior=False, time="night")

Words are tokens, never substrings ("hat" is not in "that", "old" is not in "told"); the name is read
before the description, and its last matching word first ("Car keys" is keys, "Lighthouse kitchen" a
kitchen). Quoted dialogue in a description says nothing about how its speaker looks, so it is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
_TOKEN = re.compile(r"[a-z0-9]+")


def _table(**kinds: str) -> dict[str, str]:
    return {word: kind for kind, words in kinds.items() for word in words.split()}


_PROP_WORDS = _table(
    pan="wok pan skillet griddle", pot="pot kettle teapot cauldron saucepan stockpot coffeepot",
    cup="cup mug teacup bowl goblet chalice tankard beaker jar vase urn pitcher plate saucer",
    bottle="bottle flask vial wine whisky whiskey beer decanter canteen potion perfume",
    knife="knife blade dagger razor scalpel cleaver machete penknife switchblade",
    sword="sword sabre saber rapier katana spear cutlass", gun="gun pistol revolver rifle shotgun handgun musket",
    book="book diary journal notebook ledger album bible novel sketchbook logbook manual",
    sheet="letter paper map photo photograph document envelope page ticket newspaper postcard telegram poster",
    pen="pen pencil quill crayon chalk marker paintbrush stylus", cane="cane crutch staff",
    lantern="lantern lamp torch flashlight bulb spotlight", candle="candle candlestick candelabra",
    car="car truck van taxi jeep sedan bus lorry pickup", boat="boat ship trawler ferry dinghy canoe yacht raft rowboat",
    bicycle="bicycle bike motorbike motorcycle scooter", plane="plane aeroplane airplane aircraft jet glider",
    key="key keyring", hammer="hammer mallet axe hatchet pickaxe sledgehammer",
    wrench="wrench spanner pliers screwdriver crowbar", antenna="antenna aerial radar mast transmitter satellite",
    guitar="guitar violin cello fiddle banjo ukulele lute viola", piano="piano keyboard organ harpsichord accordion",
    drum="drum tambourine", horn="trumpet horn trombone saxophone tuba bugle cornet",
    box="box crate chest package parcel trunk casket coffin toolbox", cage="cage birdcage",
    case="suitcase briefcase case luggage bag satchel purse handbag backpack rucksack",
    clock="clock watch wristwatch stopwatch compass gauge timer", wheel="wheel crank helm tyre tire",
    ring="ring coin medal medallion locket badge necklace pendant",
    garment="coat jacket dress shirt scarf cloak sweater jumper gown uniform hat", camera="camera camcorder",
    phone="phone telephone cellphone smartphone", radio="radio transistor walkie recorder cassette",
    rope="rope chain cable net hose", flower="flower rose bouquet lily tulip",
)
_PROP_PHRASES = {("satellite", "dish"): "antenna", ("radio", "telescope"): "antenna", ("dish", "array"): "antenna",
                 ("radar", "dish"): "antenna", ("fountain", "pen"): "pen", ("frying", "pan"): "pan",
                 ("walking", "stick"): "cane", ("tape", "recorder"): "radio", ("music", "box"): "box",
                 ("hand", "crank"): "wheel", ("oil", "lamp"): "lantern", ("picture", "frame"): "sheet"}
_SIGNAL_WORDS = frozenset("array satellite radio radar antenna telescope signal receiver station dishes".split())
# words too ambiguous to trust in a description sentence (a chest is also a body part, a watch a verb)
_NAME_ONLY = frozenset("case chest trunk watch glass cap bag plant match note card bass organ pan will horn".split())

_PLACE_WORDS = _table(
    lighthouse="lighthouse beacon", shore="sea ocean beach shore coast harbour harbor bay pier dock quay wharf jetty "
    "marina port seafront cliff cliffs boardwalk landing", deck="deck ferry ship trawler yacht boat",
    island="island islet", forest="forest woods wood woodland jungle grove orchard thicket",
    street="street alley avenue square plaza market sidewalk boulevard lane neighborhood neighbourhood",
    skyline="city town downtown skyline rooftop roof", road="road highway motorway freeway",
    field="field fields meadow farm farmland pasture prairie countryside plain vineyard",
    mountain="mountain mountains hill hills peak valley ridge canyon", desert="desert dunes wasteland",
    park="park garden yard backyard lawn cemetery graveyard", tower="tower castle fort fortress steeple",
    kitchen="kitchen galley scullery pantry", bar="bar pub diner cafe restaurant saloon tavern canteen inn",
    office="office study library classroom archive studio", bedroom="bedroom nursery dormitory hotel motel",
    corridor="corridor hallway hospital ward lobby", hall="hall church chapel cathedral temple ballroom courtroom "
    "theatre theater museum", warehouse="warehouse barn garage workshop shed factory hangar basement cellar attic",
    cabin="cabin cockpit wheelhouse bunkroom", room="room house home apartment flat parlour parlor lounge",
)
_PLACE_PHRASES = {("lamp", "room"): "lighthouse", ("living", "room"): "room", ("control", "room"): "office"}
# which drawings a kind of place has: its interior, its exterior
PLACE_SETTINGS = {
    "lighthouse": ("lamp_room", "headland"), "shore": (None, "shore"), "deck": ("cabin", "deck"),
    "island": (None, "island"), "forest": ("cabin", "forest"), "street": (None, "street"),
    "skyline": (None, "skyline"), "road": (None, "road"), "field": ("warehouse", "field"),
    "mountain": ("cabin", "mountain"), "desert": (None, "desert"), "park": (None, "park"), "tower": ("hall", "tower"),
    "kitchen": ("kitchen", None), "bar": ("bar", "street"), "office": ("office", "skyline"), "bedroom": ("bedroom", None),
    "corridor": ("corridor", None), "hall": ("hall", "tower"), "warehouse": ("warehouse", "field"),
    "cabin": ("cabin", "forest"), "room": ("room", "street"),
}
_TIMES = _table(night="night midnight tonight moonlight moonlit", dusk="dusk evening sunset twilight",
                dawn="dawn sunrise daybreak", day="day morning noon afternoon daylight")


@dataclass(frozen=True)
class SetLook:
    """A location: which kind of place, seen inside or out, at which time of day."""

    kind: str
    interior: bool
    time: str = "day"

    @property
    def drawing(self) -> str:
        inside, outside = PLACE_SETTINGS.get(self.kind, (None, None))
        return (inside or "room") if self.interior else (outside or "hills")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of `text` with its quoted speech left out."""
    return _TOKEN.findall(_QUOTED.sub(" ", text.lower()))


def singular(word: str) -> str:
    """A plain singular for a plural noun ("knives" -> "knife", "dishes" -> "dish", "keys" -> "key")."""
    if word.endswith("ves") and len(word) > 4:
        return word[:-3] + "fe" if word[:-3] + "fe" in _PROP_WORDS else word[:-3] + "f"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _find(words: list[str], table: dict[str, str], phrases: dict, skip: frozenset = frozenset(),
          backwards: bool = False) -> str | None:
    plain = [singular(word) for word in words]
    for first, second in zip(plain, plain[1:]):
        if (first, second) in phrases:
            return phrases[(first, second)]
    for word, stem in (reversed if backwards else iter)(list(zip(words, plain))):
        found = table.get(word) or table.get(stem)
        if found and word not in skip and stem not in skip:
            return found
    return None


def prop_kind(name: str, description: str = "") -> str:
    """The silhouette to draw for a prop, from its name (last word first), else its description; "thing" if none."""
    named, described = tokens(name), tokens(description)
    if "dish" in map(singular, named + described):
        return "antenna" if _SIGNAL_WORDS & set(named + described) else "cup"
    return (_find(named, _PROP_WORDS, _PROP_PHRASES, backwards=True)
            or _find(described, _PROP_WORDS, _PROP_PHRASES, skip=_NAME_ONLY) or "thing")


def set_look(name: str, description: str = "") -> SetLook:
    """The kind of place a location is, whether it is seen inside, and its time of day."""
    named, described = tokens(name), tokens(description)
    interior = _interior(named, described)
    kind = (_place_kind(named, interior, True, True) or _place_kind(described, interior, False, True)
            or _place_kind(named, interior, True, False) or _place_kind(described, interior, False, False))
    kind = kind or ("room" if interior is not False else "hills")
    if interior is None:
        interior = PLACE_SETTINGS.get(kind, (None, None))[1] is None
    return SetLook(kind, interior, _time(described + named))


def _place_kind(words: list[str], interior: bool | None, backwards: bool, fitting: bool) -> str | None:
    """The first kind of place the words name (last first for a name); when `fitting`, only one that has a
    drawing for the setting (an "INT. HARBOUR OFFICE" is an office, not a shore)."""
    plain = [singular(word) for word in words]
    found = [_PLACE_PHRASES[pair] for pair in zip(plain, plain[1:]) if pair in _PLACE_PHRASES]
    found += [_PLACE_WORDS[stem] for stem in (plain[::-1] if backwards else plain) if stem in _PLACE_WORDS]
    for kind in found:
        if not fitting or interior is None or PLACE_SETTINGS[kind][0 if interior else 1]:
            return kind
    return None


def _interior(named: list[str], described: list[str]) -> bool | None:
    """Inside or out, as the slug or description says ("INT.", "Exterior.", "outside"); None when it doesn't."""
    lead = described[:3]
    if lead[:1] in (["interior"], ["int"]) and "exterior" not in lead:
        return True
    if "exterior" in lead[:2] or lead[:1] == ["ext"]:
        return False
    if named[:1] in (["int"], ["ext"]):
        return named[0] == "int"
    words = set(named + described)
    if words & {"inside", "indoors", "interior"}:
        return True
    if words & {"outside", "outdoors", "exterior"}:
        return False
    return None


def _time(words: list[str]) -> str:
    if "seen" in words:  # the location writer's "Seen at: night, later." lists when it is seen, first first
        words = words[words.index("seen"):] + words
    return next((_TIMES[word] for word in words if word in _TIMES), "day")
