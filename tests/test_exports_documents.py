"""The shot list CSV (read back with csv.reader) and the Fountain screenplay (read back with our reader)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.exports.fountain import screenplay_fountain
from core.exports.shot_list import COLUMNS, shot_list_csv
from core.film.screenplay import read_fountain
from core.film.shots import Angle, CameraSpec, Framing, Line, Movement, Prominence, Shot, ShotCharacter
from tests.export_cuts import LONG_SLUG


def _read(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(COLUMNS)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("typed, shown", [
    ("=1+2", "'=1+2"),
    ("  =1+2", "'  =1+2"),
    ("=HYPERLINK(\"http://evil.example\",\"Click\")", "'=HYPERLINK(\"http://evil.example\",\"Click\")"),
    ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1,2)", "'@SUM(1,2)"),
    ("\t=1+2", "'\t=1+2"),
    ("\r=1+2", "'\r=1+2"),
    ("\n  @x", "'\n  @x"),
    ("＝1+2", "'＝1+2"),
    ("-- what?", "'-- what?"),
    ("@home", "'@home"),
    ("She says: =no", "She says: =no"),  # a formula sign inside the text is harmless
    ("1+2", "1+2"),
    ("Hello, \"friend\"", "Hello, \"friend\""),
    ("", ""),
])
def test_a_cell_a_spreadsheet_would_run_gets_a_quote_in_front_and_keeps_its_text(typed, shown):
    (row,) = _read(shot_list_csv([{"action": typed, "setting": typed, "frame_prompt": typed}]))
    assert row["action"] == row["setting"] == row["frame_prompt"] == shown


def test_real_numbers_and_yes_no_are_written_plainly():
    (row,) = _read(shot_list_csv([{"scene": 3, "order": 2, "duration_s": 8.0, "requires_end_frame": True}]))
    assert (row["scene"], row["order"], row["duration_s"], row["requires_end_frame"]) == ("3", "2", "8", "yes")
    (row,) = _read(shot_list_csv([{"duration_s": 2.5, "requires_end_frame": False, "order": -1}]))
    assert (row["duration_s"], row["requires_end_frame"], row["order"]) == ("2.5", "no", "-1")


def _stage_seven_shot() -> Shot:
    return Shot(
        shot_id="12C", order=3, duration=6,
        dialogue=[Line(speaker="José", text="-- what? Say \"that\", again.", parenthetical="(quietly)"),
                  Line(speaker="李明", text="@home, at eight")],
        action="She opens the door.\nRain comes in.", setting=LONG_SLUG,
        characters=[ShotCharacter(name="José", prominence=Prominence.LEAD),
                    ShotCharacter(name="李明", prominence=Prominence.BACKGROUND)],
        camera=CameraSpec(framing=Framing.WIDE, movement=Movement.PUSH_IN, angle=Angle.LOW, note="through rain"),
        continuity_flags=["wet coat", "door open, lamp lit"])


@pytest.mark.parametrize("as_row", [
    lambda shot: shot.model_dump(),  # what the database row holds, as a mapping
    lambda shot: {**dict(shot), "scene": 12, "shot": shot.shot_id, "duration_s": shot.duration},  # the objects
], ids=["dumped", "objects"])
def test_a_stage_seven_shot_reads_as_a_spreadsheet_row(as_row):
    row = as_row(_stage_seven_shot()) | {"scene": 12, "frame_prompt": "Wide, rain", "requires_end_frame": True}
    (read,) = _read(shot_list_csv([row]))
    assert (read["scene"], read["shot"], read["order"], read["duration_s"]) == ("12", "12C", "3", "6")
    assert read["dialogue"] == "JOSÉ (quietly): -- what? Say \"that\", again.\n李明: @home, at eight"
    assert read["characters"] == "JOSÉ (lead); 李明 (background)"
    assert read["camera"] == "wide · push-in · low angle · through rain"
    assert read["action"] == "She opens the door.\nRain comes in."
    assert read["setting"] == LONG_SLUG and read["continuity_flags"] == "wet coat; door open, lamp lit"
    assert (read["video_prompt"], read["requires_end_frame"]) == ("", "yes")


def test_dialogue_as_speaker_words_pairs_and_one_row_per_shot_in_the_order_given():
    rows = [{"shot": f"1{letter}", "dialogue": [("MARA", "Go, now."), ("JO", "=NOW()")]} for letter in "ABC"]
    read = _read(shot_list_csv(rows))
    assert [row["shot"] for row in read] == ["1A", "1B", "1C"]
    assert read[0]["dialogue"] == "MARA: Go, now.\nJO: =NOW()"  # only a cell's first character can start a formula


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_text_reads_back_whole_and_never_starts_a_formula(text):
    (row,) = _read(shot_list_csv([{"action": text}]))
    cell = row["action"]
    assert not cell.lstrip().startswith(("=", "+", "-", "@")) and not cell.startswith(("\t", "\r"))
    assert cell in (text, "'" + text)


SCRIPT = """INT. KITCHEN - DAY

Mara sets two cups on the table, one chipped.

MARA
(quietly)
You said "tomorrow", didn't you?

JOSÉ
Yes: tomorrow, at eight, by the pier.

EXT. THE PIER - NIGHT

Rain. The lamps sway.

李明
好的.
"""


def test_the_screenplay_gets_a_title_page_and_reads_back_with_the_same_scenes():
    text = screenplay_fountain("Der Leuchtturm: a \"ghost\" story", SCRIPT, author="Zoë Ñandú",
                               draft_date=date(2026, 12, 14))
    document = read_fountain(text)
    assert document.title_page == {"Title": ["Der Leuchtturm: a \"ghost\" story"], "Credit": ["Written by"],
                                   "Author": ["Zoë Ñandú"], "Draft date": ["2026-12-14"]}
    assert document.scenes == read_fountain(SCRIPT).scenes
    assert [scene.slug for scene in document.scenes] == ["INT. KITCHEN - DAY", "EXT. THE PIER - NIGHT"]
    assert document.dialogue == read_fountain(SCRIPT).dialogue


def test_a_script_that_has_its_own_title_page_keeps_it():
    own = "Title: The Pier\nAuthor: Mara\n\n" + SCRIPT
    text = screenplay_fountain("Something else", own, author="Nobody", draft_date=date(2026, 1, 1))
    assert text == own
    assert read_fountain(text).title_page["Title"] == ["The Pier"]


def test_byte_order_mark_windows_line_ends_and_leading_blank_lines_change_no_scene():
    messy = "\ufeff\r\n\r\n" + SCRIPT.replace("\n", "\r\n")
    text = screenplay_fountain("Pier", messy, draft_date=date(2026, 1, 1))
    assert "\r" not in text and text.endswith("\n") and not text.endswith("\n\n")
    assert read_fountain(text).scenes == read_fountain(SCRIPT).scenes


def test_a_title_on_several_lines_stays_on_the_title_page_and_no_author_means_no_credit():
    text = screenplay_fountain("The\nPier   at  night", SCRIPT, draft_date=date(2026, 1, 1))
    assert read_fountain(text).title_page == {"Title": ["The Pier at night"], "Draft date": ["2026-01-01"]}
    assert read_fountain(text).scenes == read_fountain(SCRIPT).scenes
    assert screenplay_fountain("  ", SCRIPT, draft_date=date(2026, 1, 1)).startswith("Title: Untitled\n")


def test_a_script_opening_with_a_transition_is_not_mistaken_for_a_title_page():
    script = "FADE IN:\n\n" + SCRIPT
    document = read_fountain(screenplay_fountain("Pier", script, draft_date=date(2026, 1, 1)))
    assert document.title_page["Title"] == ["Pier"]
    assert document.scenes == read_fountain(script).scenes
