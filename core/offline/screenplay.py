"""Stage 4 offline: a Fountain screenplay written from the beats, sentence by sentence.

    scene headings  a new scene wherever a sentence moves us to a place ("into Mara's kitchen"), or the
                    text sets a new time of day ("that night", "the next morning"); a scene keeps its time
                    otherwise (a word like "dark" or "morning" in passing is not a cut); INT./EXT. from the
                    kind of place
    action          the beat's sentences without their speech, in the present tense, each character's
                    name in capitals the first time they appear
    dialogue        the quoted speech, spoken by the character its tag names ('Mara whispered'), else by
                    the character named nearest before it; a manner of speaking becomes a parenthetical
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from core.offline.direction import Direction, read_direction
from core.offline.names import Character, name_pattern
from core.offline.places import Gazetteer, Place, find_places, mentioned_places, time_jump, time_of_day
from core.offline.premise import not_people, read_premise
from core.offline.speech import Exchange, Speech, split_speech
from core.offline.story import read_story
from core.offline.tense import to_present
from core.offline.text import outside_quotes, paragraphs, quotes, sentences, split_sentences, without_quotes

SECONDS_PER_SCENE = 8  # past one scene per eight seconds of film, new scenes wait for a new beat
PREMISE_SENTENCES = 3  # a source this short is a premise: its people may be named by role only
MIN_SCENES = 3
_INTENT = re.compile(r"\b(?:before|until|unless|if|once|must|wants? to|needs? to|hopes? to|plans? to|has to|have to|"
                     r"tries to|dreams? of|would|will)\b", re.IGNORECASE)
_SETTLED = 3  # sentences into a scene, after which 'that evening' moves time on instead of saying when it is
_LATER_THAT = re.compile(r"\b(?:later\s+)?that\s+(?:night|evening|afternoon|morning)\b", re.IGNORECASE)
_SHORT_JUMP = re.compile(r"^\W*(?:(?:a|an|one|two|three|a\s+few|some)\s+)?(?:minutes?|hours?|moments?)\s+later\b|"
                         r"^\W*later\s+that\b", re.IGNORECASE)
_LOOKS_LIKE_HEADING = re.compile(r"^(?:INT|EXT|EST|INT\.?/EXT|I/E)[. ]", re.IGNORECASE)


@dataclass
class _Scene:
    setting: str  # INT or EXT
    location: str
    time: str
    lines: list[str] = field(default_factory=list)
    stated: bool = True  # False while the time is only assumed (DAY): the first time the text gives is adopted

    @property
    def heading(self) -> str:
        return f"{self.setting}. {self.location} - {self.time}"


def write_master_script(inputs: dict, seed: int = 0) -> dict:
    """{"formatted_script": Fountain text} from `inputs["beats"]` (each with "text", in "order")."""
    beats = sorted(inputs["beats"], key=lambda beat: beat.get("order", 0))
    beat_text = "\n\n".join(beat["text"] for beat in beats if beat.get("text", "").strip())
    if not beat_text:
        raise ValueError("the beat sheet is empty; a script needs at least one beat")
    cast = cast_for(beat_text, inputs.get("source_text") or "")
    direction = read_direction(inputs.get("guidance", ""))
    units = [(number, sentence.text) for number, beat in enumerate(beats) for sentence in sentences(beat["text"])]
    limit = max(MIN_SCENES, round(int(inputs.get("target_length_max") or 180) / SECONDS_PER_SCENE))
    scenes = plan_scenes(units, beat_text, inputs.get("source_text") or "", cast, limit)
    writer = _Writer(cast, direction, premise_roles(inputs.get("source_text") or ""),
                     source_speakers(inputs.get("source_text") or ""))
    body = [writer.scene(scene) for scene in scenes]
    return {"formatted_script": "\n\n".join([_title_page(inputs.get("title") or "Untitled", direction), *body,
                                             "> FADE OUT."]) + "\n"}


def source_speakers(source: str) -> dict[str, str | None]:
    """Who speaks each quoted line of the source story, read in order with the whole exchange and the whole
    cast around it; None for a line nobody can be said to speak."""
    known: dict[str, str | None] = {}
    story = read_story(source)
    cast = [c for c in story.characters if c.name not in not_people(story)]
    exchange, last_named = Exchange(), None
    for paragraph in paragraphs(source):
        for sentence in split_sentences(paragraph):
            _, speeches = split_speech(sentence, cast, last_named, exchange)
            for speech in speeches:
                known.setdefault(_line_key(speech.line), speech.cue)
            for _, _, line in quotes(sentence):
                known.setdefault(_line_key(_spoken_form(line)), None)
            named = [c for c in cast if mentioned(c, without_quotes(sentence))]
            last_named = named[-1] if named else last_named
    return known


def _spoken_form(line: str) -> str:
    line = line.strip().rstrip(",;:")
    return line[:1].upper() + line[1:]


def _line_key(line: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", line.lower()).split())


def premise_roles(source: str) -> tuple[str, ...]:
    """The role words of the unnamed people a premise (a few sentences) is about: 'glassblower', 'apprentice'."""
    story = read_story(source)
    if not source.strip() or len(story.sentences) > PREMISE_SENTENCES:
        return ()
    premise = read_premise(story)
    return tuple(dict.fromkeys(p.role for p in (premise.lead, *premise.others) if p.role and not p.named))


def cast_for(text: str, source: str) -> list[Character]:
    """The characters of a text: those the source names (with their full names) plus any new ones."""
    told, written = read_story(source), read_story(text)
    describing = not_people(told) | not_people(written)  # "Venetian" in "a Venetian glassblower"
    known = [character for character in told.characters if mentioned(character, text) and character.name not in describing]
    extra = [c for c in written.characters
             if not any(c.aliases & k.aliases for k in known) and c.name not in describing]
    return known + extra


def plan_scenes(units: list[tuple[int, str]], text: str, source: str, cast: list[Character],
                limit: int = 10**6) -> list[_Scene]:
    """(beat number, sentence) pairs grouped into scenes: a new scene when a sentence moves to a new place
    or time of day; past `limit` scenes, only where a new beat begins."""
    gazetteer = Gazetteer(f"{source}\n\n{text}")
    scenes: list[_Scene] = []
    for index, (beat, unit) in enumerate(units):
        narration = without_quotes(unit)
        if len(scenes) >= limit and index and units[index - 1][0] == beat:
            scenes[-1].lines.append(unit)  # enough scenes for the film's length: stay until the beat ends
            continue
        place = next((place for place in find_places(narration) if not _intended(narration, place)), None)
        place = gazetteer.canonical(place) if place else None
        time = time_of_day(narration)
        current = scenes[-1] if scenes else None
        if current is None:
            where = place or gazetteer.canonical(_opening_place(unit, text, source, cast))
            scenes.append(_Scene(where.setting, where.name, time or "DAY", stated=bool(time)))
        elif place and place.name != current.location:
            scenes.append(_Scene(place.setting, place.name, time or current.time, stated=bool(time) or current.stated))
        elif current.lines and time_jump(narration):  # "A week later": where we are next, if it's said
            ahead = mentioned_places(" ".join(without_quotes(u) for _, u in units[index:index + 2]))
            where = gazetteer.canonical(ahead[0]) if ahead else None
            setting, location = (where.setting, where.name) if where else (current.setting, current.location)
            within_the_day = bool(_SHORT_JUMP.search(narration)) and current.stated  # "An hour later": still known
            scenes.append(_Scene(setting, location, time or current.time, stated=bool(time) or within_the_day))
        elif time and not current.stated and len(current.lines) >= _SETTLED and _LATER_THAT.search(narration):
            # 'When I told her about the watch that evening': deep in a scene, time has moved on, maybe elsewhere
            where = _moved_to(narration, current, gazetteer)
            told = units[index - 1][1] if index and current.lines[-1] == units[index - 1][1] else ""
            if where is None and told and not quotes(told):  # 'My sister Agnes ran the bakery.' leads there
                where = _moved_to(told, current, gazetteer)
                carried = [current.lines.pop()] if where else []
            else:
                carried = []
            setting, location = (where.setting, where.name) if where else (current.setting, current.location)
            scenes.append(_Scene(setting, location, time, carried))
        elif time and not current.stated:  # the first time the scene's text gives is when it happens
            current.time, current.stated = time, True
        elif current.lines and time and time != current.time:
            scenes.append(_Scene(current.setting, current.location, time))
        scenes[-1].lines.append(unit)
    return scenes


def _moved_to(text: str, current: _Scene, gazetteer: Gazetteer) -> Place | None:
    """The first place a sentence mentions that isn't where the scene is."""
    return next((place for place in map(gazetteer.canonical, mentioned_places(without_quotes(text)))
                 if place.name != current.location), None)


def _intended(narration: str, place: Place) -> bool:
    """A place someone means to reach or a condition names ('must sail to the harbor', 'before the storm reaches
    the bay') is not where the scene is."""
    clause = re.split(r"[,;:]", narration[:place.position])[-1]
    return bool(_INTENT.search(clause))


def _opening_place(first: str, text: str, source: str, cast: list[Character]) -> Place:
    """Where the first scene is: a place its first sentence mentions, else the first the beats or source name."""
    for candidates in (mentioned_places(without_quotes(first)), find_places(without_quotes(text)),
                       mentioned_places(without_quotes(text)), mentioned_places(without_quotes(source))):
        if candidates:
            return candidates[0]
    owner = f"{cast[0].cue}'S " if cast else ""
    return Place(f"{owner}HOME" if owner else "UNNAMED PLACE", "INT", "home")


class _Writer:
    """Renders scenes, remembering who was last named and who has been introduced in capitals."""

    def __init__(self, cast: list[Character], direction: Direction, roles: tuple[str, ...] = (),
                 known: dict[str, str | None] | None = None) -> None:
        self.cast, self.direction = cast, direction
        self.roles = roles  # people a premise names by role ("the glassblower"), introduced in capitals too
        self.known = known or {}  # who speaks each line of the source story, read with its whole context
        self.introduced: set[str] = set()
        self.last_named: Character | None = None
        self.exchange = Exchange()

    def scene(self, scene: _Scene) -> str:
        blocks: list[tuple[str, str, str]] = []  # (kind, speaker, text)
        self.exchange.cut()
        for unit in scene.lines:
            action, speeches = split_speech(unit, self.cast, self.last_named, self.exchange)
            self._remember(unit)
            speeches, reported = self._as_the_source_has_them(speeches)
            action = " ".join(part for part in (action, *reported) if part)
            if action:
                self._add(blocks, ("action", "", outside_quotes(action, self._action)))
            for speech in speeches:
                self._add(blocks, ("dialogue", speech.cue, _dialogue_text(speech)))
        return "\n\n".join([scene.heading, *(_render(block) for block in blocks)])

    def _as_the_source_has_them(self, speeches: list[Speech]) -> tuple[list[Speech], list[str]]:
        """Each line's speaker as the whole source story tells it (a condensed draft loses who was talking);
        a line the source itself can't give to anyone stays in the action, as said."""
        kept, reported = [], []
        for speech in speeches:
            key = _line_key(speech.line)
            if key not in self.known:
                kept.append(speech)
            elif self.known[key] is None:
                reported.append(f'"{speech.line}"')
            else:
                kept.append(replace(speech, cue=self.known[key]))
        return kept, reported

    def _action(self, text: str) -> str:
        text = to_present(text)
        for character in self.cast:
            if character.name not in self.introduced:
                text, found = _capitalise_first(text, character)
                if found:
                    self.introduced.add(character.name)
        for role in self.roles:
            if role not in self.introduced and re.search(rf"\b{re.escape(role)}\b", text, re.IGNORECASE):
                text = _upper_word(text, role)
                self.introduced.add(role)
        for word in sorted(self.direction.words):
            text = _upper_word(text, word)
        return text

    def _remember(self, unit: str) -> None:
        narration = without_quotes(unit)
        named = [c for c in self.cast if mentioned(c, narration)]
        if named:
            self.last_named = max(named, key=lambda c: _last_position(c, narration))

    @staticmethod
    def _add(blocks: list, block: tuple[str, str, str]) -> None:
        kind, speaker, text = block
        if blocks and blocks[-1][0] == kind and blocks[-1][1] == speaker and (kind == "dialogue" or
                                                                          blocks[-1][2].count(".") < 3):
            previous = blocks.pop()
            block = (kind, speaker, f"{previous[2]} {text}")
        blocks.append(block)


def _render(block: tuple[str, str, str]) -> str:
    kind, speaker, text = block
    if kind == "action":  # '!' forces action where Fountain would read a heading, cue or other markup
        forced = text.isupper() or text[:1] in ".#=>~[@" or _LOOKS_LIKE_HEADING.match(text)
        return f"!{text}" if forced else text
    return f"{speaker}\n{text}"


def _dialogue_text(speech: Speech) -> str:
    return f"({speech.manner})\n{speech.line}" if speech.manner else speech.line


def _title_page(title: str, direction: Direction) -> str:
    lines = [f"Title: {' '.join(title.split())}"]
    if direction.given:
        lines.append(f"Notes: Revised for: {direction.note()}")
    return "\n".join(lines)


def mentioned(character: Character, text: str) -> bool:
    """Whether a text names the character by any of its names."""
    return _last_position(character, text) >= 0


def _last_position(character: Character, text: str) -> int:
    ends = [match.end() for alias in character.aliases
            for match in re.finditer(rf"\b{name_pattern(alias)}\b", text, re.IGNORECASE)]
    return max(ends, default=-1)


def _capitalise_first(text: str, character: Character) -> tuple[str, bool]:
    for alias in sorted(character.aliases, key=lambda alias: (-len(alias), alias)):
        match = re.search(rf"\b{name_pattern(alias)}\b", text, re.IGNORECASE)
        if match:
            return text[:match.start()] + match.group(0).upper() + text[match.end():], True
    return text, False


def _upper_word(text: str, word: str) -> str:
    return re.sub(rf"\b{re.escape(word)}\b", word.upper(), text, count=1, flags=re.IGNORECASE)

