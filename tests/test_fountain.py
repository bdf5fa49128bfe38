"""Fountain parsing agrees with the reference parser's expected HTML (tests/data/fountain, from screenplain)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from core.film import screenplay as fountain

CASES = Path(__file__).parent / "data" / "fountain"
WITH_HTML = sorted(path.stem for path in CASES.glob("*.fountain") if path.with_suffix(".html").exists())


class _Expected(HTMLParser):
    """Scene headings (<h6>, number in span.scnuml) and character cues (p.character) of an expected page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[str, str | None]] = []
        self.characters: list[str] = []
        self._in: list[str] = []  # open elements we collect text for
        self._text = ""
        self._number: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "h6":
            self._in.append("h6")
            self._text, self._number = "", None
        elif tag == "span" and "scnuml" in classes:
            self._in.append("scnuml")
            self._number = ""
        elif tag == "span" and "scnumr" in classes:
            self._in.append("scnumr")
        elif tag == "p" and "character" in classes:
            self._in.append("character")
            self._text = ""
        elif self._in:
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self._in:
            return
        closing = self._in.pop()
        if closing == "h6":
            self.headings.append((self._text.strip(), self._number))
        elif closing == "character":
            self.characters.append(self._text.strip())

    def handle_data(self, data: str) -> None:
        if not self._in:
            return
        if self._in[-1] == "scnuml":
            self._number = (self._number or "") + data
        elif self._in[-1] == "scnumr":
            return
        else:
            self._text += data


def _expected(name: str) -> _Expected:
    parser = _Expected()
    parser.feed(CASES.joinpath(f"{name}.html").read_text(encoding="utf-8").replace("\xa0", " "))
    return parser


def _source(name: str) -> str:
    return CASES.joinpath(f"{name}.fountain").read_text(encoding="utf-8")  # a BOM, if any, stays in the text


def test_the_reference_cases_are_there():
    assert len(WITH_HTML) >= 15
    assert {"scene-numbers", "sections", "boneyard", "utf-8-bom", "page-break"} <= set(WITH_HTML)


@pytest.mark.parametrize("name", WITH_HTML)
def test_scene_headings_and_numbers_match_the_reference(name):
    expected = _expected(name).headings
    scenes = fountain.scenes(_source(name))
    assert [(scene.slug, scene.fountain_number) for scene in scenes] == expected
    assert [scene.number for scene in scenes] == list(range(1, len(expected) + 1))


@pytest.mark.parametrize("name", WITH_HTML)
def test_character_cues_match_the_reference(name):
    assert [line.cue for line in fountain.dialogue(_source(name))] == _expected(name).characters


@pytest.mark.parametrize(("cue", "name"), [
    ("HANS (on the radio)", "HANS"),
    ("GUY^", "GUY"),
    ("@McCLANE", "McCLANE"),
    ("MARA (V.O.) (CONT'D)", "MARA"),
    ("DR. OKAFOR", "DR. OKAFOR"),
])
def test_character_name_drops_extensions_and_markers(cue, name):
    assert fountain.character_name(cue) == name


def test_scene_numbers_text_and_excerpts():
    scenes = fountain.scenes(_source("scene-numbers"))
    assert [scene.fountain_number for scene in scenes] == ["1", "2", None, None, "2-B"]
    assert scenes[0].heading == "INT. THE FIRST PLACE - DAY"
    assert scenes[1].excerpt == "This is scene 2."
    assert scenes[4].excerpt == "This scene has number 2-B."


def test_dialogue_knows_its_scene_and_speakers():
    document = fountain.read_fountain(_source("simple"))
    assert [(line.scene_number, line.character, line.text) for line in document.dialogue] == [
        (1, "GUY", "So what's up?"), (1, "GURL", "Nothing much. Just thinking. And you?"), (1, "GUY", "Nothing.")]
    assert document.scenes[0].characters == ("GUY", "GURL")
    assert document.scenes[0].action[0] == "GUY and GURL walk down the street."
    assert fountain.characters(_source("simple")) == ["GUY", "GURL"]


def test_parentheticals_are_kept_apart_from_speech():
    (line,) = fountain.dialogue(_source("parenthetical"))
    assert (line.character, line.parenthetical, line.text) == ("JOHN DOE", "(screaming)", "Hello!!!")


def test_dual_dialogue_gives_both_speakers():
    assert [line.character for line in fountain.dialogue(_source("dual-dialogue"))] == ["GIRL", "GUY"]


def test_title_page_is_read_and_not_a_scene():
    document = fountain.read_fountain(_source("title-page"))
    assert document.title_page["Title"] == ["My Screenplay"]
    assert document.scenes == []


@pytest.mark.parametrize(("text", "slug", "heading"), [
    ("\ufeffINT. HOUSE - DAY\n\nHello.", "INT. HOUSE - DAY", "INT. HOUSE - DAY"),
    ("INT. HOUSE - DAY\r\n\r\nHello.", "INT. HOUSE - DAY", "INT. HOUSE - DAY"),
    ("int. house - day\n\nHello.", "INT. HOUSE - DAY", "int. house - day"),
    (".house - day #4#\n\nHello.", "HOUSE - DAY", "house - day"),
])
def test_bom_line_endings_case_and_forced_headings(text, slug, heading):
    (scene,) = fountain.scenes(text)
    assert (scene.slug, scene.heading, scene.excerpt) == (slug, heading, "Hello.")


def test_bom_bytes_decode_either_way():
    raw = CASES.joinpath("utf-8-bom.fountain").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    for text in (raw.decode("utf-8"), raw.decode("utf-8-sig")):
        assert [scene.slug for scene in fountain.scenes(text)] == ["EXT. SOMEWHERE - DAY"]


def test_plain_text_screenplays_with_indented_headings_are_normalized():
    plain = ("        INT. DINER - NIGHT\r\n\r\n    Rain on the glass.\r\n\r\n"
             "                MARA\r\n        Coffee.\r\n")
    assert fountain.scenes(plain) == []  # indented, it isn't Fountain yet
    (scene,) = fountain.scenes(fountain.normalize_screenplay(plain))
    assert scene.slug == "INT. DINER - NIGHT"
    assert scene.characters == ("MARA",)


def test_boneyard_is_not_a_scene():
    assert [scene.slug for scene in fountain.scenes(_source("boneyard"))] == ["EXT. PALATIAL MANSION - DAY"]
