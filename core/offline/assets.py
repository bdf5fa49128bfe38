"""Stage 5 offline: the characters, locations and props of a screenplay, with the scenes they are in.

    characters  every speaking cue, every name in the action, and every character the source story names
                (with its full name and how the story introduces it)
    locations   the places in the scene headings
    props       concrete things handled on screen: the object after a verb of handling ("grabs the
                old hand crank", "wears a grey coat"), or a thing the action writes in capitals
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.film.screenplay import FountainScene, read_fountain
from core.offline.breakdown import read_heading
from core.offline.direction import Direction, read_direction
from core.offline.names import TITLES, Character, find_characters, name_pattern, pronoun_for, same_person
from core.offline.premise import is_person_role
from core.offline.props import find_props
from core.offline.story import descriptor, read_story
from core.offline.text import STOPWORDS, capitalize_first, ensure_period, sentences, title_case

_CAPS_INTRO = re.compile(r"\b([A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+){0,2})(?=\s*\(|,|\s+[a-z]|(?P<end>\s*[.!?;]))")
_DETERMINERS = frozenset("the a an his her their its my your our this that mom's dad's".split())
_CONNECTORS = frozenset("and but then as while when until with to at from behind beside toward towards past before "
                        "after for of by near meets sees finds watches follows joins".split())
_HEADING_LINE = re.compile(r"^[ \t]*\.?(?:INT|EXT|EST|INT\.?/EXT|I/E)[. ].*$", re.MULTILINE)
_NOT_PEOPLE = frozenset("""
car cars truck van bus taxi cab train boat ship ferry plane jet bike motorcycle jeep ambulance tractor porsche sedan
bang boom crash thud slam slams screech screeches ring rings buzz beep click knock knocks pop snap crack whoosh roar
thunder gunshot gunshots phone door gun knife letter key keys radio tv
fade cut intercut continuous later moments super title insert flashback montage pov vo os oc cont'd sfx fx end
close angle wide shot series shots back
""".split())
# a heading's time that says "as before": the scene is at the time of the one before it
_GOING_ON = frozenset(("continuous", "same", "same time", "later", "moments later", "a moment later", "continued"))
_KIND_WORDS = {
    "character": frozenset("character characters cast people person faces costume costumes actor actors".split()),
    "location": frozenset("location locations place places set sets setting settings".split()),
    "prop": frozenset("prop props object objects item items thing things".split()),
}


@dataclass
class _Asset:
    name: str
    asset_type: str
    description: str
    scene_numbers: set[int] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)

    def as_dict(self) -> dict:
        return {"name": self.name, "asset_type": self.asset_type, "description": self.description,
                "scene_numbers": sorted(self.scene_numbers)}


def extract_assets(inputs: dict, seed: int = 0) -> dict:
    """{"assets": [{"name", "asset_type", "description", "scene_numbers"}]} from `inputs["formatted_script"]`."""
    document = read_fountain(inputs["formatted_script"])
    source = inputs.get("source_text") or ""
    direction = read_direction(inputs.get("guidance", ""))
    characters = _characters(document, source)
    locations = _locations(document.scenes)
    names = {alias for asset in characters for alias in asset.aliases}
    props = [_Asset(prop.name, "prop", prop.description, set(prop.scene_numbers))
             for prop in find_props(document.scenes, names, direction.words)]
    assets = characters + locations + props
    _direct(assets, direction)
    return {"assets": [asset.as_dict() for asset in assets]}


def _characters(document, source: str) -> list[_Asset]:
    """The cast: every speaking cue, every person the action plainly introduces, every character the story names."""
    scenes = document.scenes
    action = "\n\n".join(text for scene in scenes for text in scene.action)
    story = read_story(source) if _is_prose(source) else None
    found: list[_Asset] = []
    for cue in dict.fromkeys(line.character for line in document.dialogue if line.character.strip()):
        _join(found, _cue_character(cue), story)
    for introduced in _introduced_in_action(action, document):
        _join(found, introduced, story)
    for character in story.characters if story else ():
        _join(found, character, story)
    for asset in found:
        asset.scene_numbers = {scene.number for scene in scenes if _appears(asset, scene)}
        asset.description = _describe_character(asset, scenes, document.dialogue)
    script = "\n".join(scene.excerpt for scene in scenes)
    return sorted(found, key=lambda asset: (min(asset.scene_numbers, default=10**6), _first_seen(asset, script),
                                            found.index(asset)))


def _first_seen(asset: _Asset, script: str) -> int:
    """Where the script first names a character, so the cast lists in order of appearance."""
    return min((match.start() for alias in asset.aliases
                if (match := re.search(rf"\b{name_pattern(alias)}\b", script, re.IGNORECASE))), default=len(script))


def _is_prose(source: str) -> bool:
    """A source story to read as prose: not empty and not itself a screenplay (an imported one is its own source)."""
    return bool(source.strip()) and not _HEADING_LINE.search(source)


def _cue_character(cue: str) -> Character:
    """A character as the cue names them: 'DR. LEE' is 'Dr. Lee', also called 'Lee'."""
    name = " ".join(_name_case(word) for word in cue.split()) if re.fullmatch(r"[\w .'’-]+", cue) else cue
    return Character(name, aliases=_forms(cue), speaks=True, pronoun=pronoun_for(cue))


def _name_case(word: str) -> str:
    """A cue's word as a name is written: 'ANNA' -> 'Anna', "O'BRIEN" -> "O'Brien", 'McCLANE' -> 'McClane'."""
    mixed = re.match(r"([A-Z][a-z]+)([A-Z].*)$", word)
    if mixed:
        return mixed.group(1) + _name_case(mixed.group(2))
    return re.sub(r"[^\W\d_]+", lambda part: part.group(0).capitalize(), word)


def _forms(name: str) -> set[str]:
    """The lower-case forms a name is written in: 'dr. lee', 'dr lee', 'lee'."""
    lowered = " ".join(name.lower().split())
    bare = [part for part in lowered.replace(".", "").split() if part not in TITLES]
    forms = {lowered, lowered.replace(".", "")}
    if bare and not (len(bare) == 1 and bare[0] in STOPWORDS):
        forms.add(" ".join(bare))
    return forms


def _join(found: list[_Asset], character: Character, story) -> None:
    """Add a character, or fold it into the asset that is the same person under another name."""
    names = character.aliases | {character.name.lower()}
    same = next((asset for asset in found if asset.aliases & names or any(
        same_person(name, other) for name in names for other in asset.aliases)), None)
    if same is None:
        intro = descriptor(story, character) if story and story.characters and character in story.characters else ""
        found.append(_Asset(character.name, "character", intro, aliases=set(names)))
        return
    same.aliases |= names
    if len(character.name.split()) > len(same.name.split()):  # 'Anna' becomes 'Anna Sokol'
        same.name = character.name
    if not same.description and story and character in story.characters:
        same.description = descriptor(story, character)


def _introduced_in_action(action: str, document) -> list[Character]:
    """The people the action plainly introduces: in capitals ('JONAH hauls a rope'), with a title
    ('Mrs. Okafor watches'), or by name ('a man named Tomas')."""
    named = [character for character in find_characters(action)
             if character.introduced or pronoun_for(character.name) or character.name.split()[0].lower().rstrip(".")
             in TITLES]
    return [*_introduced_in_capitals(action, _vocabulary(document)), *named]


def _vocabulary(document) -> set[str]:
    """Every word the script writes in lower case: a word used that way ('car', 'bang') is not a name."""
    text = " ".join([*(text for scene in document.scenes for text in scene.action),
                     *(line.text for line in document.dialogue)])
    return {word for word in re.findall(r"[^\W\d_]+", text) if word.islower()}


def _introduced_in_capitals(action: str, lowercase: set[str]) -> list[Character]:
    """Screenplay convention: a character's first appearance in action is in capitals, 'JONAH hauls a rope'."""
    found: dict[str, Character] = {}
    for match in _CAPS_INTRO.finditer(action):
        before = action[:match.start()].split()[-1:]
        name = match.group(1).strip(" .'’-")
        words = name.lower().replace(".", " ").split()
        if words and is_person_role(words[-1]) and all(w not in STOPWORDS for w in words):
            found.setdefault(name.lower(), _role_character(name))  # 'the old KEEPER', later 'the keeper'
            continue
        if not words or (before and before[0].lower().rstrip(",") in _DETERMINERS):
            continue
        if before and re.fullmatch(r"[a-z'’-]+", before[0]) and not re.search(r"(?:s|ed)$", before[0]) and (
                before[0] not in _CONNECTORS):
            continue  # 'the phone RINGS': a sound or a thing after a noun
        titled = words[0] in TITLES and len(words) > 1
        if match.group("end") is not None and not (titled or (before and before[0] in _CONNECTORS)):
            continue  # 'BOOM.', 'The door SLAMS.': a sound, unless it is 'to AUNT MAY.'
        if not titled and any(w in STOPWORDS or w in _NOT_PEOPLE or w in lowercase for w in words):
            continue
        if len(name) > 1 and name.lower() not in found:
            found[name.lower()] = Character(title_case(name), aliases=_forms(name), introduced=True,
                                            pronoun=pronoun_for(name))
    return list(found.values())


def _role_character(name: str) -> Character:
    """A person the script introduces by role: named 'The Keeper', known as 'keeper' and 'the keeper'."""
    role = name.lower()
    return Character(f"The {title_case(name)}", aliases={role, f"the {role}"}, introduced=True,
                     pronoun=pronoun_for(name))


def _appears(asset: _Asset, scene: FountainScene) -> bool:
    """In the scene: speaking in it or named in its action. Named only in someone's line ('Tell Marcus it needs a
    valve') they are talked about, not there."""
    if any(name.lower() in asset.aliases for name in scene.characters):
        return True
    action = "\n".join(scene.action)
    return any(re.search(rf"\b{name_pattern(alias)}\b", action, re.IGNORECASE) for alias in asset.aliases)


def _describe_character(asset: _Asset, scenes: list[FountainScene], dialogue) -> str:
    parts = [ensure_period(capitalize_first(asset.description))] if asset.description else []
    first_seen = _first_sentence_naming(asset.aliases, scenes)
    if first_seen:
        parts.append(f"First seen: {first_seen}")
    spoken = [line for line in dialogue if line.character.lower() in asset.aliases]
    if spoken:
        parts.append(f"{len(spoken)} line{'s' if len(spoken) != 1 else ''} of dialogue, first: \"{spoken[0].text}\"")
    if not asset.scene_numbers:
        parts.append("Named in the source story; not in any scene of this script yet.")
    return " ".join(ensure_period(part) for part in parts) or f"{asset.name}, a character in the script."


def _first_sentence_naming(aliases: set[str], scenes: list[FountainScene]) -> str:
    for scene in scenes:
        for paragraph in scene.action:
            for sentence in sentences(paragraph):
                if any(re.search(rf"\b{name_pattern(alias)}\b", sentence.text, re.IGNORECASE) for alias in aliases):
                    return sentence.text
    return ""


def _locations(scenes: list[FountainScene]) -> list[_Asset]:
    found: dict[str, _Asset] = {}
    times: dict[str, list[str]] = {}
    before = None
    for scene in scenes:
        heading = read_heading(scene.slug)  # "INT. KITCHEN – NIGHT" as a word processor writes it too
        setting, place, time = heading.interior, heading.location, heading.time or None
        if time and " ".join(time.lower().split()) in _GOING_ON:
            time = before  # 'EXT. GARDEN – CONTINUOUS' after 'INT. KITCHEN – NIGHT' is seen at night
        before = time or before
        place = place.strip(" .") or scene.slug
        asset = found.setdefault(place, _Asset(title_case(place), "location", "", aliases={place.lower()}))
        asset.scene_numbers.add(scene.number)
        times.setdefault(place, [])
        if time and time.strip() not in times[place]:
            times[place].append(time.strip())
        if not asset.description:
            asset.description = _describe_location(setting, scene)
    for place, asset in found.items():
        if times[place]:
            asset.description = f"{asset.description} Seen at: {', '.join(t.lower() for t in times[place])}."
    return list(found.values())


def _describe_location(setting: str, scene: FountainScene) -> str:
    kind = {"INT": "Interior", "EXT": "Exterior", "EST": "Establishing exterior"}.get(setting.rstrip("."),
                                                                                     "Interior and exterior")
    first = next((s.text for text in scene.action for s in sentences(text)), "")
    return f"{kind}. {ensure_period(first)}" if first else f"{kind}."


def _direct(assets: list[_Asset], direction: Direction) -> None:
    """Fold the guidance into the descriptions it is about (by name, by kind, or else all of them)."""
    if not direction.given:
        return
    named = [asset for asset in assets if direction.words & set(asset.name.lower().split())]
    kinds = {kind for kind, words in _KIND_WORDS.items() if direction.words & words}
    targets = named or [asset for asset in assets if asset.asset_type in kinds] or assets
    for asset in targets:
        asset.description = f"{asset.description} Direction: {direction.note()}".strip()
