"""The cut as OTIO and as a CMX 3600 EDL, read back with OpenTimelineIO's own readers."""

from __future__ import annotations

import re
from decimal import Decimal

import opentimelineio as otio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InputRejected
from core.exports.cut import Cut, CutShot
from core.exports.timeline import timeline, timeline_edl, timeline_otio
from tests.export_cuts import awkward_cut

_EVENT = re.compile(r"^(\d{3,})\s+(\S+)\s+V\s+C\s+(\S+) (\S+) (\S+) (\S+)$")


@pytest.fixture(scope="module")
def cut() -> Cut:
    return awkward_cut()


def _clips(read_back: otio.schema.Timeline) -> list[otio.schema.Clip]:
    return list(read_back.find_clips())


def test_otio_reads_back_every_shot_with_its_name_length_media_and_metadata(cut):
    read_back = otio.adapters.read_from_string(timeline_otio(cut), adapter_name="otio_json")
    clips = _clips(read_back)
    assert read_back.name == cut.title
    assert [track.kind for track in read_back.tracks] == [otio.schema.TrackKind.Video]
    assert [clip.name for clip in clips] == [shot.shot_id for shot in cut.shots]
    assert [clip.source_range.duration.to_frames() for clip in clips] == [n for _, n in cut.frame_spans]
    assert all(clip.source_range.duration.rate == 24 for clip in clips)
    for shot, clip in zip(cut.shots, clips):
        assert getattr(clip.media_reference, "target_url", None) == (shot.media or shot.still)
        meta = clip.metadata["aiuteur"]
        assert (meta["shot_id"], meta["scene_number"], meta["slug"], meta["model"]) == (
            shot.shot_id, shot.scene_number, shot.slug, shot.model)
        assert (meta["frame_prompt"], meta["video_prompt"]) == (shot.frame_prompt, shot.video_prompt)
        assert Decimal(meta["cost"]) == shot.cost and isinstance(meta["cost"], str)
        assert meta["rendered"] is (shot.media is not None)


def test_a_shot_without_its_clip_plays_its_still_and_one_with_neither_is_marked_missing(cut):
    clips = _clips(timeline(cut))
    assert clips[7].media_reference.target_url == "frames/scene01_1H_start.png"
    assert clips[7].metadata["aiuteur"]["rendered"] is False
    assert isinstance(clips[41].media_reference, otio.schema.MissingReference)


def test_the_clips_sit_back_to_back_and_fill_the_cut(cut):
    built = timeline(cut)
    track = built.tracks[0]
    assert track.duration().to_frames() == cut.frame_count == round(cut.duration * cut.fps)
    ranges = [track.range_of_child_at_index(i) for i in range(len(track))]
    assert all(a.end_time_exclusive() == b.start_time for a, b in zip(ranges, ranges[1:]))


def test_each_scene_starts_with_a_marker_naming_its_heading(cut):
    marked = [(clip.name, marker.name) for clip in timeline(cut).find_clips() for marker in clip.markers]
    assert [name for name, _ in marked] == ["1A", "2A", "3A", "12345678A"]
    assert marked[2][1] == "Scene 3: INT. CAFÉ «LA PLUMA» - SOIR"


def _events(edl: str) -> list[tuple[str, ...]]:
    return [match.groups() for line in edl.splitlines() if (match := _EVENT.match(line))]


def test_the_edl_has_one_cut_per_shot_with_contiguous_record_times_summing_to_the_cut(cut):
    events = _events(timeline_edl(cut))
    assert len(events) == len(cut.shots) == 60
    record = [(otio.opentime.from_timecode(e[4], 24).to_frames(), otio.opentime.from_timecode(e[5], 24).to_frames())
              for e in events]
    assert record[0][0] == 0 and record[-1][1] == round(cut.duration * 24)
    assert all(out == next_in for (_, out), (next_in, _) in zip(record, record[1:]))
    assert [out - start for start, out in record] == [n for _, n in cut.frame_spans]


def test_the_edl_parses_back_with_the_same_clips_media_and_length(cut):
    read_back = otio.adapters.read_from_string(timeline_edl(cut), adapter_name="cmx_3600", rate=24)
    clips = _clips(read_back)
    assert read_back.name == cut.title
    assert len(read_back.tracks) == 1 and read_back.tracks[0].kind == otio.schema.TrackKind.Video
    assert [clip.name for clip in clips] == [shot.shot_id for shot in cut.shots]
    assert read_back.tracks[0].duration().to_frames() == cut.frame_count
    assert [clip.source_range.duration.to_frames() for clip in clips] == [n for _, n in cut.frame_spans]
    for shot, clip in zip(cut.shots, clips):
        expected = (shot.media or shot.still or "").replace("\\", "/")  # the adapter writes forward slashes
        assert getattr(clip.media_reference, "target_url", "") == expected


def test_reel_names_fit_cmx_3600_and_tell_the_shots_apart(cut):
    reels = [event[1] for event in _events(timeline_edl(cut))]
    assert all(re.fullmatch(r"[A-Z0-9]{1,8}", reel) for reel in reels), reels
    assert len(set(reels)) == len(reels)
    assert reels[:3] == ["1A", "1B", "1C"]  # a shot id is its reel where it fits
    assert reels[-2:] == ["AIU00059", "AIU00060"]  # "12345678A" doesn't


@pytest.mark.parametrize("media", ["my clip.mp4", "ÉTÉ.mp4", "plage d'été (final).mov", "x" * 300 + ".mp4",
                                   "C:\\Take 2\\a b.mov", "https://cdn.example.com/v/a b.mp4?sig=1&x=2"])
def test_a_media_name_the_adapter_would_mangle_still_reads_back_as_its_shot(media):
    shots = (CutShot(1, "INT. ROOM - DAY", "1A", 1, 2.0, media="plain.mp4"),
             CutShot(1, "INT. ROOM - DAY", "1B", 2, 3.0, media=media))
    read_back = otio.adapters.read_from_string(timeline_edl(Cut("Reel", shots)), adapter_name="cmx_3600", rate=24)
    assert [(track.name, len(track)) for track in read_back.tracks] == [("V", 2)]
    clip = read_back.tracks[0][1]
    assert (clip.name, clip.metadata["cmx_3600"]["reel"]) == ("1B", "1B")
    assert clip.media_reference.target_url == media.replace("\\", "/")


def test_the_edl_and_otio_are_the_same_text_for_the_same_cut(cut):
    assert timeline_edl(cut) == timeline_edl(awkward_cut())
    assert timeline_otio(cut) == timeline_otio(awkward_cut())


def test_an_empty_cut_has_no_edl_but_a_plain_message():
    with pytest.raises(InputRejected, match="no shots"):
        timeline_edl(Cut("Nothing yet", ()))


@pytest.mark.parametrize("duration", [0, -2.0, float("nan"), float("inf")])
def test_a_shot_must_last_some_time(duration):
    with pytest.raises(InputRejected, match="more than 0 seconds"):
        CutShot(1, "INT. ROOM - DAY", "1A", 1, duration)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=2 / 24, max_value=60, allow_nan=False), min_size=1, max_size=80))
def test_shots_land_on_frames_within_half_a_frame_and_the_total_is_kept(durations):
    cut = Cut("Any", tuple(CutShot(1, "INT. ROOM - DAY", "1A", i + 1, d) for i, d in enumerate(durations)))
    spans = cut.frame_spans
    assert all(count >= 1 for _, count in spans)
    assert all(a + n == b for (a, n), (b, _) in zip(spans, spans[1:]))
    assert all(abs(first - start * 24) <= 0.5 + 1e-6 for (first, _), start in zip(spans, cut.starts))
    assert abs(cut.frame_count - cut.duration * 24) <= 0.5 + 1e-6


def test_a_shot_shorter_than_a_frame_still_gets_one():
    cut = Cut("Blink", tuple(CutShot(1, "INT. ROOM - DAY", f"1{c}", i + 1, 0.01) for i, c in enumerate("AB")))
    assert cut.frame_spans == ((0, 1), (1, 1))
