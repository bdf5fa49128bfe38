"""Reading Fountain screenplays: scenes, characters and dialogue, through screenplain's parser.

screenplain decides what every paragraph is (scene heading, dialogue, action, ...), so headings and
scene numbers agree with its reference output. It keeps no line positions, so `read_fountain` feeds it
one paragraph at a time and notes where each scene heading starts; a scene's excerpt is the text from
its heading to the next one.

    scenes(text)     -> [FountainScene(number=1, slug="INT. KITCHEN - DAY", fountain_number=None, ...)]
    dialogue(text)   -> [DialogueLine(scene_number=1, character="MARA", cue="MARA (V.O.)", text=...)]
    characters(text) -> ["MARA", "JONAH"]   speaking characters, first cue first
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from screenplain.parsers import fountain as screenplain
from screenplain.types import Action, Dialog, DualDialog, Slug

_BOM = "\ufeff"
_INDENTED_HEADING = re.compile(r"^[ \t]+((?:INT|EXT|EST|INT\.?/EXT|I/E)[. ].*)$", re.IGNORECASE | re.MULTILINE)
_CUE_EXTENSION = re.compile(r"\s*\(.*?\)\s*")  # (V.O.), (CONT'D), (on the radio)


@dataclass(frozen=True)
class FountainScene:
    """One scene: its place in the script, its heading and the text under it."""

    number: int  # 1, 2, 3 ... in script order
    slug: str  # the heading as screenplain renders it, e.g. "INT. KITCHEN - DAY"
    heading: str  # the heading line as written, without a forcing '.' or a '#7#' scene number
    fountain_number: str | None  # an explicit scene number ("7", "2-B"), if the script gives one
    excerpt: str  # the scene's text below the heading, as written
    characters: tuple[str, ...] = ()  # speaking characters, in order of first cue
    action: tuple[str, ...] = ()  # the scene's action paragraphs, as plain text


@dataclass(frozen=True)
class DialogueLine:
    """One speech: who says it, in which scene, with any parenthetical."""

    scene_number: int | None  # None before the first scene heading
    character: str  # the speaker's name, without extensions: "HANS"
    cue: str  # the character line as written: "HANS (on the radio)"
    text: str
    parenthetical: str = ""


@dataclass
class FountainDocument:
    """A parsed screenplay: title page, screenplain paragraphs and the scenes with their excerpts."""

    title_page: dict[str, list[str]]
    paragraphs: list = field(default_factory=list)
    scenes: list[FountainScene] = field(default_factory=list)
    dialogue: list[DialogueLine] = field(default_factory=list)


def clean_source(text: str) -> str:
    """The text with a UTF-8 byte-order mark removed and boneyard (/* ... */) comments cut."""
    return screenplain.boneyard_re.sub("", text.lstrip(_BOM))


def normalize_screenplay(text: str) -> str:
    """A plain-text screenplay as Fountain: no BOM, Unix line ends, indented scene headings unindented."""
    text = screenplain.linebreak_re.sub("\n", text.lstrip(_BOM))
    return _INDENTED_HEADING.sub(lambda match: match.group(1), text)


def read_fountain(text: str) -> FountainDocument:
    """Parse Fountain text into paragraphs, scenes (with excerpts) and dialogue."""
    lines = [screenplain._preprocess_line(line) for line in screenplain.linebreak_re.split(clean_source(text))]
    title_lines = _leading_block(lines)
    title_page = screenplain.parse_title_page(title_lines) if title_lines else None
    body = lines[len(title_lines):] if title_page else lines
    document = FountainDocument(title_page or {})
    heading_starts = _parse_body(body, document.paragraphs)
    document.scenes = _scenes(body, heading_starts)
    document.dialogue = _dialogue(document.paragraphs)
    actions = _actions(document.paragraphs)
    document.scenes = [_with_content(scene, document.dialogue, actions.get(scene.number, ()))
                       for scene in document.scenes]
    return document


def scenes(text: str) -> list[FountainScene]:
    """The scenes of a Fountain screenplay, in order."""
    return read_fountain(text).scenes


def dialogue(text: str) -> list[DialogueLine]:
    """Every speech in a Fountain screenplay, in order (both sides of dual dialogue)."""
    return read_fountain(text).dialogue


def characters(text: str) -> list[str]:
    """The speaking characters of a Fountain screenplay, in order of their first cue."""
    return list(dict.fromkeys(line.character for line in dialogue(text)))


def character_name(cue: str) -> str:
    """The name in a character cue: '@McCLANE (V.O.)' -> 'McCLANE', 'GUY^' -> 'GUY'."""
    name = cue.strip().removeprefix("@").rstrip("^").strip()
    return _CUE_EXTENSION.sub(" ", name).strip()


def _leading_block(lines: list[str]) -> list[str]:
    block = []
    for line in lines:
        if line == "":
            break
        block.append(line)
    return block


def _parse_body(body: list[str], paragraphs: list) -> list[tuple[Slug, int]]:
    """Feed screenplain one paragraph at a time; return each scene heading with its first line index."""
    headings: list[tuple[Slug, int]] = []
    for start, group in _paragraph_groups(body):
        as_string = screenplain.note_re.sub("", "\n".join(group))
        if screenplain._is_blank(as_string):
            continue
        count = len(paragraphs)
        screenplain.InputParagraph(as_string.split("\n")).update_list(paragraphs)
        if len(paragraphs) > count and isinstance(paragraphs[-1], Slug):
            headings.append((paragraphs[-1], start))
    return headings


def _paragraph_groups(lines: list[str]):
    """(index of first line, lines) for each run of non-blank lines, as screenplain groups them."""
    start, group = 0, []
    for index, line in enumerate(lines):
        if screenplain._is_blank(line):
            if group:
                yield start, group
            group = []
        else:
            if not group:
                start = index
            group.append(line)
    if group:
        yield start, group


def _scenes(body: list[str], headings: list[tuple[Slug, int]]) -> list[FountainScene]:
    result = []
    for index, (slug, start) in enumerate(headings):
        end = headings[index + 1][1] if index + 1 < len(headings) else len(body)
        excerpt = "\n".join(body[start + 1:end]).strip("\n")
        number = str(slug.scene_number) if slug.scene_number else None
        result.append(FountainScene(index + 1, str(slug.line), _heading_as_written(body[start]), number,
                                    excerpt))
    return result


def _heading_as_written(line: str) -> str:
    text = line.strip()
    if text.startswith(".") and not text.startswith(".."):
        text = text[1:].lstrip()
    match = screenplain.scene_number_re.match(text)
    return match.group(1).strip() if match else text


def _dialogue(paragraphs: list) -> list[DialogueLine]:
    lines: list[DialogueLine] = []
    scene_number = None
    for paragraph in paragraphs:
        if isinstance(paragraph, Slug):
            scene_number = 1 if scene_number is None else scene_number + 1
        speeches = (paragraph.left, paragraph.right) if isinstance(paragraph, DualDialog) else (paragraph,)
        for speech in speeches:
            if isinstance(speech, Dialog):
                lines.append(_speech(speech, scene_number))
    return lines


def _speech(speech: Dialog, scene_number: int | None) -> DialogueLine:
    cue = str(speech.character)
    parentheticals = [str(text) for is_paren, text in speech.blocks if is_paren]
    spoken = [str(text) for is_paren, text in speech.blocks if not is_paren]
    return DialogueLine(scene_number, character_name(cue), cue, " ".join(line for line in spoken if line.strip()),
                        " ".join(parentheticals))


def _actions(paragraphs: list) -> dict[int, tuple[str, ...]]:
    found: dict[int, list[str]] = {}
    scene_number = 0
    for paragraph in paragraphs:
        if isinstance(paragraph, Slug):
            scene_number += 1
        elif isinstance(paragraph, Action) and scene_number:
            found.setdefault(scene_number, []).append(" ".join(str(line).strip() for line in paragraph.lines))
    return {number: tuple(texts) for number, texts in found.items()}


def _with_content(scene: FountainScene, lines: list[DialogueLine], action: tuple[str, ...]) -> FountainScene:
    speakers = tuple(dict.fromkeys(line.character for line in lines if line.scene_number == scene.number))
    return FountainScene(scene.number, scene.slug, scene.heading, scene.fountain_number, scene.excerpt, speakers,
                         action)
