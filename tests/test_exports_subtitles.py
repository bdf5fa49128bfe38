"""Dialogue subtitles (SRT, WebVTT) read back with pysubs2: every line, inside its shot, in order."""

from __future__ import annotations

import html

import pysubs2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.exports.cut import Cut, CutShot
from core.exports.subtitles import MIN_LINE_MS, dialogue_srt, dialogue_vtt, line_spans
from tests.export_cuts import awkward_cut


@pytest.fixture(scope="module")
def cut() -> Cut:
    return awkward_cut()


def _expected(cut: Cut) -> list[tuple[str, int, int, int]]:
    """(text, shot start ms, shot end ms, lines in the shot) for every spoken line, in cut order."""
    found = []
    for shot, (start, end) in zip(cut.shots, cut.seconds_spans()):
        for speaker, words in shot.dialogue:
            found.append((f"{speaker}: {words}", round(start * 1000), round(end * 1000), len(shot.dialogue)))
    return found


@pytest.mark.parametrize("write, fmt, unescape", [(dialogue_srt, "srt", str), (dialogue_vtt, "vtt", html.unescape)])
def test_every_line_is_a_subtitle_inside_its_shot_in_order_without_overlap(cut, write, fmt, unescape):
    events = list(pysubs2.SSAFile.from_string(write(cut), format_=fmt, keep_html_tags=True))
    expected = _expected(cut)
    assert len(expected) > 50
    assert [unescape(event.text) for event in events] == [text for text, *_ in expected]
    for event, (_, start, end, count) in zip(events, expected):
        assert start <= event.start < event.end <= end
        if end - start >= MIN_LINE_MS * count:
            assert event.end - event.start >= MIN_LINE_MS
    assert all(a.end <= b.start for a, b in zip(events, events[1:]))


def test_webvtt_escapes_what_its_spec_reserves_and_keeps_the_words(cut):
    vtt = dialogue_vtt(cut)
    assert vtt.startswith("WEBVTT")
    assert "MARA: @home, {quietly} &amp; &lt;softly&gt;: =1+2 isn't a plan." in vtt
    assert "<softly>" not in vtt


def test_srt_keeps_braces_quotes_and_unicode_as_written(cut):
    srt = dialogue_srt(cut)
    assert "MARA: @home, {quietly} & <softly>: =1+2 isn't a plan." in srt
    assert "李明: 好的, 我们走吧." in srt
    assert 'MARA: Wait, you said "tomorrow", didn\'t you?' in srt


def _one_shot(seconds: float, *lines: tuple[str, str]) -> Cut:
    return Cut("Lines", (CutShot(1, "INT. ROOM - DAY", "1A", 1, seconds, dialogue=tuple(lines)),))


@pytest.mark.parametrize("seconds, lines, lengths_ms", [
    (8, [("A", " ".join(["word"] * 10)), ("B", " ".join(["word"] * 30))], [2000, 6000]),  # by words
    (2.5, [("A", "one two three four"), ("B", "Hi")], [1700, 800]),  # the short line is held 0.8 s
    (4, [("A", "x " * 50), ("B", "No."), ("C", "Yes.")], [2400, 800, 800]),
    (1, [("A", "Run"), ("B", "Now"), ("C", "Go")], [333, 334, 333]),  # no room for 0.8 s each: shared equally
    (3, [("A", "Just one line, however long it runs on and on.")], [3000]),
])
def test_a_shots_lines_share_its_length_by_their_words(seconds, lines, lengths_ms):
    events = pysubs2.SSAFile.from_string(dialogue_srt(_one_shot(seconds, *lines)), format_="srt")
    assert [event.end - event.start for event in events] == lengths_ms
    assert events[0].start == 0 and events[-1].end == seconds * 1000


def test_a_second_shot_s_lines_start_where_that_shot_starts():
    shots = (CutShot(1, "INT. ROOM - DAY", "1A", 1, 2.5), CutShot(1, "INT. ROOM - DAY", "1B", 2, 4,
                                                                   dialogue=(("MARA", "Later."),)))
    (event,) = pysubs2.SSAFile.from_string(dialogue_srt(Cut("Two", shots)), format_="srt")
    assert (event.start, event.end, event.text) == (2500, 6500, "MARA: Later.")


def test_blank_lines_are_skipped_and_a_line_without_a_speaker_has_no_colon():
    cut = _one_shot(4, ("MARA", "   "), ("", "Somewhere, a dog barks."), ("JO", "Quiet\nnow."))
    events = pysubs2.SSAFile.from_string(dialogue_srt(cut), format_="srt")
    assert [event.text for event in events] == ["Somewhere, a dog barks.", "JO: Quiet now."]


def test_a_cut_without_dialogue_gives_an_empty_but_valid_file():
    cut = _one_shot(8)
    assert len(pysubs2.SSAFile.from_string(dialogue_srt(cut), format_="srt")) == 0
    assert dialogue_vtt(cut).startswith("WEBVTT")


@settings(max_examples=200, deadline=None)
@given(start=st.integers(0, 10_000_000), length=st.integers(1, 60_000),
       words=st.lists(st.integers(0, 200), min_size=1, max_size=12))
def test_line_spans_fill_the_shot_back_to_back_and_more_words_never_get_less_time(start, length, words):
    spans = line_spans(start, start + length, words)
    assert spans[0][0] == start and spans[-1][1] == start + length
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    lengths = [end - begin for begin, end in spans]
    if length >= MIN_LINE_MS * len(words):
        assert min(lengths) >= MIN_LINE_MS
    for i, j in [(i, j) for i in range(len(words)) for j in range(len(words)) if max(1, words[i]) > max(1, words[j])]:
        assert lengths[i] >= lengths[j] - 1  # a millisecond of rounding at most
