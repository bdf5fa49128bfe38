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
from core.offline.direction import Direction, read_direction
from core.offline.names import Character, find_characters
from core.offline.props import find_props
from core.offline.story import descriptor, read_story
from core.offline.text import STOPWORDS, capitalize_first, ensure_period, sentences, title_case

_CAPS_INTRO = re.compile(r"\b([A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+){0,2})(?=\s*\(|,|\s+[a-z])")
_DETERMINERS = frozenset("the a an his her their its my your our this that mom's dad's".split())
_SLUG = re.compile(r"^(?P<setting>INT\.?/EXT|INT/EXT|I/E|INT|EXT|EST)[.\s]+(?P<place>.*?)(?:\s+-\s+(?P<time>[^-]+))?$")
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
    scenes = document.scenes
    action = "\n\n".join(text for scene in scenes for text in scene.action)
    story = read_story(source) if source.strip() else None
    known = list(story.characters) if story else []
    for candidate in [*find_characters(action), *_introduced_in_capitals(action)]:
        if not any(candidate.aliases & character.aliases for character in known):
            known.append(candidate)
    found: list[_Asset] = []
    for cue in dict.fromkeys(line.character for line in document.dialogue):
        character = next((c for c in known if cue.lower() in c.aliases or c.cue == cue.upper()), None)
        found.append(_character_asset(character, cue, story))
    for character in known:
        if not any(character.aliases & asset.aliases for asset in found):
            found.append(_character_asset(character, character.cue, story))
    for asset in found:
        asset.scene_numbers = {scene.number for scene in scenes if _appears(asset, scene)}
        asset.description = _describe_character(asset, scenes, document.dialogue)
    return sorted(found, key=lambda asset: (min(asset.scene_numbers, default=10**6), found.index(asset)))


def _introduced_in_capitals(action: str) -> list[Character]:
    """Screenplay convention: a character's first appearance in action is in capitals, 'JONAH hauls a rope'."""
    found: dict[str, Character] = {}
    for match in _CAPS_INTRO.finditer(action):
        before = action[:match.start()].split()[-1:]
        name = match.group(1)
        words = name.lower().replace(".", "").split()
        if (before and before[0].lower().rstrip(",") in _DETERMINERS) or any(w in STOPWORDS for w in words):
            continue
        if len(name) > 1 and name.lower() not in found:
            found[name.lower()] = Character(title_case(name), aliases={name.lower()}, introduced=True)
    return list(found.values())


def _character_asset(character: Character | None, cue: str, story) -> _Asset:
    aliases = {cue.lower()} | (character.aliases if character else set())
    name = character.name if character else (title_case(cue) if cue.replace(" ", "").isalpha() else cue)
    intro = descriptor(story, character) if story and character else ""
    return _Asset(name, "character", intro, aliases=aliases)


def _appears(asset: _Asset, scene: FountainScene) -> bool:
    if any(name.lower() in asset.aliases for name in scene.characters):
        return True
    return any(re.search(rf"\b{re.escape(alias)}\b", scene.excerpt, re.IGNORECASE) for alias in asset.aliases)


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
                if any(re.search(rf"\b{re.escape(alias)}\b", sentence.text, re.IGNORECASE) for alias in aliases):
                    return sentence.text
    return ""


def _locations(scenes: list[FountainScene]) -> list[_Asset]:
    found: dict[str, _Asset] = {}
    times: dict[str, list[str]] = {}
    for scene in scenes:
        match = _SLUG.match(scene.slug.strip())
        setting, place, time = (match.group("setting"), match.group("place"), match.group("time")) if match else (
            "", scene.slug, None)
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
