"""The offline animatic: real H.264/AAC clips from a shot's frames, camera moves, dissolves, subtitles, voices."""

from __future__ import annotations

import itertools
import shutil
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from core.errors import InputRejected
from core.exports.probe import probe
from core.offline import voice
from core.offline.animatic import AnimaticRequest, animatic_pictures, render_animatic
from core.offline.camera import MOVE_ZOOM, TRACK_ZOOM
from core.offline.captions import label_overlay, line_spans, subtitle_overlay, subtitle_text
from tests.media import difference, frames, loudness, png, scene, solid, sound

SIZE = (256, 144)
GREY = (128, 128, 128)
has_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng isn't installed")


def animatic(start: Image.Image, end: Image.Image | None = None, seconds: float = 1.0, **fields) -> bytes:
    fields = {"width": SIZE[0], "height": SIZE[1], "fps": 12, "label": "", "voice": False} | fields
    return render_animatic(AnimaticRequest(png(start), png(end) if end else None, seconds, **fields))


@pytest.fixture
def silent_machine(monkeypatch):
    """A machine without a speech engine."""
    monkeypatch.setattr(voice, "speech_engine", lambda: None)


# --- length, codecs, sound -------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds, fps, size", [
    (1.0, 12, (160, 90)), (1.5, 12, (256, 144)), (0.75, 24, (160, 90)), (2.0, 10, (256, 144)), (1.37, 12, (64, 36)),
])
def test_a_clip_is_h264_with_aac_sound_and_exactly_its_frames(seconds, fps, size):
    clip = animatic(solid(GREY, size), seconds=seconds, fps=fps, width=size[0], height=size[1])
    found = probe(clip)
    assert (found.video_codec, found.width, found.height, found.fps) == ("h264", size[0], size[1], fps)
    assert found.frames == round(seconds * fps) == len(frames(clip))
    assert abs(found.duration - seconds) <= 1 / fps
    assert (found.audio_codec, found.sample_rate) == ("aac", 48_000)
    assert abs(found.audio_duration - seconds) <= 1 / fps


@settings(max_examples=12, deadline=None)
@given(seconds=st.floats(0.1, 2.0), fps=st.sampled_from([6, 12, 24, 25, 30]))
def test_any_length_gets_the_frames_it_rounds_to(seconds, fps):
    found = probe(animatic(solid(GREY, (32, 18)), seconds=seconds, fps=fps, width=32, height=18))
    assert found.frames == round(seconds * fps)
    assert abs(found.duration - seconds) <= 1 / fps


def test_without_a_speech_engine_the_clip_still_has_a_silent_track(silent_machine):
    clip = animatic(solid(GREY), seconds=1.5, dialogue=(("MARA", "Light the lamp before the boats come in."),),
                    voice=True)
    found = probe(clip)
    assert found.audio_codec == "aac" and abs(found.audio_duration - 1.5) <= 1 / 12
    assert np.abs(sound(clip)).max() < 1e-3


@has_espeak
def test_each_line_is_spoken_from_the_start_of_its_share():
    lines = (("MARA", "Light the lamp."), ("TOM", "The wick is wet and the oil is nearly gone tonight."))
    clip = animatic(solid(GREY), seconds=4.0, dialogue=lines, voice=True)
    spans = line_spans(lines, 4.0)
    heard = sound(clip)
    assert loudness(heard, spans[0][0], spans[0][0] + 0.6) > 0.02
    assert loudness(heard, spans[1][0] + 0.05, spans[1][0] + 0.6) > 0.02
    assert loudness(heard, 0, 4) > 10 * loudness(sound(animatic(solid(GREY), seconds=4.0, dialogue=lines)), 0, 4)


@has_espeak
def test_a_clip_without_voice_is_silent_even_with_an_engine():
    clip = animatic(solid(GREY), seconds=1.0, dialogue=(("MARA", "Go."),), voice=False)
    assert np.abs(sound(clip)).max() < 1e-3


def test_a_speaker_keeps_one_voice_and_a_cast_gets_several():
    cast = ["MARA", "TOM", "THE KEEPER", "ADA", "OLD JOE", "NELL"]
    assert voice.voice_for("Mara") == voice.voice_for("  MARA ")
    assert len({voice.voice_for(name) for name in cast}) >= 3


def test_nothing_speaks_without_an_engine(silent_machine):
    assert voice.speak("Hello there.", voice.VOICES[0]).size == 0


@has_espeak
def test_speech_is_48khz_samples_and_longer_for_more_words():
    short = voice.speak("Go.", voice.VOICES[1])
    long = voice.speak("Go down to the harbour and tell them the lamp is out.", voice.VOICES[1])
    assert short.dtype == np.float32 and 0 < short.size < long.size
    assert 0.05 < np.abs(long).max() <= 1.0
    assert voice.speak("--help", voice.VOICES[1]).size < long.size  # text is read aloud, never taken as options


def test_a_streamed_wav_with_unset_sizes_is_read():
    pcm = (np.sin(np.arange(2205) / 5) * 8000).astype("<i2")
    header = b"RIFF" + struct.pack("<I", 0x7FFFFFFF) + b"WAVE" + b"fmt " + struct.pack(
        "<IHHIIHH", 16, 1, 1, 22050, 44100, 2, 16) + b"data" + struct.pack("<I", 0x7FFFFFFF)
    samples, rate = voice._wav(header + pcm.tobytes())
    assert rate == 22050 and np.array_equal(samples, pcm)
    assert abs(len(voice._resampled(samples, rate)) - 4800) <= 2  # 0.1 s at 48 kHz


# --- camera moves -----------------------------------------------------------------------------------------


def _box(zoom: float, across: float, down: float) -> tuple[float, ...]:
    """A window 1/zoom of the frame, placed from one edge (0) to the other (1)."""
    w, h = SIZE[0] / zoom, SIZE[1] / zoom
    left, top = (SIZE[0] - w) * across, (SIZE[1] - h) * down
    return left, top, left + w, top + h


WHOLE, CENTRE = _box(1, 0.5, 0.5), _box(MOVE_ZOOM, 0.5, 0.5)
MOVES = [  # camera text, its first window, its last window
    ("wide · static · eye level", WHOLE, WHOLE),
    ("close-up · push-in · eye level", WHOLE, CENTRE),
    ("wide · pull-out", CENTRE, WHOLE),
    ("pan left", _box(MOVE_ZOOM, 1, 0.5), _box(MOVE_ZOOM, 0, 0.5)),
    ("pan right", _box(MOVE_ZOOM, 0, 0.5), _box(MOVE_ZOOM, 1, 0.5)),
    ("tilt up", _box(MOVE_ZOOM, 0.5, 1), _box(MOVE_ZOOM, 0.5, 0)),
    ("tilt down", _box(MOVE_ZOOM, 0.5, 0), _box(MOVE_ZOOM, 0.5, 1)),
    ("medium tracking", _box(TRACK_ZOOM, 0, 0.5), _box(TRACK_ZOOM, 1, 0.5)),
]
CANDIDATES = sorted({box for _camera, first, last in MOVES for box in (first, last)})


def _seen_through(box: tuple[float, ...]) -> np.ndarray:
    return np.asarray(scene(SIZE).resize(SIZE, Image.Resampling.BILINEAR, box=box)).astype(np.int16)


@pytest.mark.parametrize("camera, first_box, last_box", MOVES, ids=[move[0] for move in MOVES])
def test_the_camera_moves_as_its_spec_says(camera, first_box, last_box):
    shot = frames(animatic(scene(SIZE), seconds=1.0, camera=camera))
    for frame, box in ((shot[0], first_box), (shot[-1], last_box)):
        expected = difference(frame, _seen_through(box))
        nearest_other = min(difference(frame, _seen_through(other)) for other in CANDIDATES if other != box)
        assert expected < 6 and expected < nearest_other / 2, (camera, box, expected, nearest_other)


def test_a_push_in_ends_on_a_zoom_of_where_it_began():
    shot = frames(animatic(scene(SIZE), seconds=1.5, camera="close-up · push-in · eye level"))
    first = Image.fromarray(shot[0].astype(np.uint8))
    zoomed = np.asarray(first.resize(SIZE, Image.Resampling.BILINEAR, box=CENTRE)).astype(np.int16)
    assert difference(shot[-1], zoomed) < 6 < difference(shot[-1], shot[0])
    drift = [difference(frame, shot[0]) for frame in shot]
    assert all(later >= earlier - 0.5 for earlier, later in itertools.pairwise(drift))  # it goes in, never back


def test_handheld_wanders_near_the_centre_and_repeats_exactly():
    clip = animatic(scene(SIZE), seconds=2.0, camera="medium · handheld")
    shot = frames(clip)
    assert len({frame.tobytes() for frame in shot}) > len(shot) // 2  # it moves
    assert all(difference(frame, _seen_through(CENTRE)) < difference(frame, _seen_through(_box(MOVE_ZOOM, 1, 1)))
               for frame in shot)
    assert clip == animatic(scene(SIZE), seconds=2.0, camera="medium · handheld")


def test_a_frame_of_another_shape_is_letterboxed():
    shot = frames(animatic(solid((240, 240, 240), (120, 90)), width=160, height=90))
    assert shot[0][:, :12].max() < 30 and shot[0][:, -12:].max() < 30  # bars at the sides
    assert shot[0][:, 40:120].min() > 200


# --- dissolve, subtitles, label ---------------------------------------------------------------------------


def test_the_start_frame_dissolves_into_the_end_frame_over_the_middle_of_the_shot():
    shot = frames(animatic(solid((220, 20, 20), SIZE), solid((20, 20, 220), SIZE), seconds=2.0))
    red, blue = [frame[..., 0].mean() for frame in shot], [frame[..., 2].mean() for frame in shot]
    assert red[0] > 200 and blue[0] < 40 and red[-1] < 40 and blue[-1] > 200
    assert red[4] > 200 and blue[-5] > 200  # the start holds for the first quarter, the end for the last
    middle = len(shot) // 2
    assert 60 < red[middle] < 180 and 60 < blue[middle] < 180
    assert all(a >= b - 3 for a, b in itertools.pairwise(red))  # it only ever goes one way


def test_a_subtitle_marks_only_the_bottom_band_and_only_while_its_line_is_on():
    lines = (("MARA", "Light it."), ("TOM", "The wick is wet and the oil is nearly gone."))
    plain, spoken = frames(animatic(solid(GREY, SIZE), seconds=2.0)), frames(
        animatic(solid(GREY, SIZE), seconds=2.0, dialogue=lines))
    band = int(SIZE[1] * 0.6)
    for quiet, marked in zip(plain, spoken):
        assert np.abs(quiet[:band] - marked[:band]).max() <= 8
        assert difference(quiet[band:], marked[band:]) > 1.5
    change = next(i for i, frame in enumerate(spoken) if difference(frame[band:], spoken[0][band:]) > 2)
    assert abs(change - round(24 * line_spans(lines, 2.0)[0][1] / 2.0)) <= 1  # its share, by word count
    assert all(difference(frame[band:], spoken[-1][band:]) < 3 for frame in spoken[change:])


@pytest.mark.parametrize("camera", ["close-up · push-in", "wide · pull-out", "pan left", "medium · handheld"])
def test_burned_in_text_never_marks_the_moving_picture_under_it(camera):
    """The subtitle and the label stay in their boxes: no trace of them is carried into the picture the camera
    moves over (outside their boxes, every picture is the one the shot has without text)."""
    lines = (("MARA", "Light the lamp before the boats come in."),)
    shot = {"start_frame": png(scene(SIZE)), "end_frame": None, "seconds": 8.0, "camera": camera, "width": SIZE[0],
            "height": SIZE[1], "fps": 24, "voice": False}  # 8 s: a push-in starts slowly enough to barely scale
    bare = animatic_pictures(AnimaticRequest(**shot, label=""))
    texted = animatic_pictures(AnimaticRequest(**shot, label="offline animatic", dialogue=lines))
    outside = np.ones((SIZE[1], SIZE[0]), bool)
    for box in (subtitle_overlay(*lines[0], *SIZE), label_overlay("offline animatic", *SIZE)):
        outside[box.y:box.y + box.kept[0].shape[0], box.x:box.x + box.kept[0].shape[1]] = False
    for quiet, marked in zip(bare, texted, strict=True):
        assert np.array_equal(quiet.y[outside], marked.y[outside])
        assert np.array_equal(quiet.v[outside[::2, ::2]], marked.v[outside[::2, ::2]])


def test_a_subtitle_too_big_for_a_tiny_frame_is_cut_at_its_edges():
    clip = animatic(solid(GREY, (32, 18)), width=32, height=18, camera="push-in", label="offline animatic",
                    dialogue=(("MARA", "Light the lamp before the boats come in."),))
    shot = frames(clip)
    assert len(shot) == 12 and shot[0].shape == (18, 32, 3)
    assert np.abs(shot[0] - GREY).max() > 40  # the text shows, as much of it as fits


def test_a_long_line_wraps_onto_more_rows_inside_the_frame():
    long = "The lamp has been dark three nights and nobody in the village will say why, not even the keeper."
    short_rows, long_rows = [
        np.flatnonzero(np.abs(frames(animatic(solid(GREY, SIZE), dialogue=(("MARA", text),)))[0]
                              - frames(animatic(solid(GREY, SIZE)))[0]).max(axis=(1, 2)) > 20)
        for text in ("Go.", long)]
    assert long_rows.min() < short_rows.min() and long_rows.max() < SIZE[1]
    assert subtitle_text("mara", "  Go   now. ") == "MARA: Go now." and subtitle_text("", "Go.") == "Go."


def test_the_clip_is_labelled_as_the_offline_engine_in_a_corner():
    bare, labelled = frames(animatic(solid(GREY, SIZE)))[0], frames(
        animatic(solid(GREY, SIZE), label="offline animatic"))[0]
    changed = np.argwhere(np.abs(bare - labelled).max(axis=2) > 20)
    assert changed.size and changed[:, 0].max() < SIZE[1] * 0.2 and changed[:, 1].min() > SIZE[0] * 0.5


# --- bad input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fields, field", [
    ({"start_frame": b"not a picture"}, "start_frame"),
    ({"end_frame": b"\x89PNG broken"}, "end_frame"),
    ({"seconds": 0}, "seconds"),
    ({"seconds": 0.01}, "seconds"),
    ({"width": 161}, "width"),
    ({"fps": 0}, "fps"),
    ({"dialogue": (("MARA", "  "),)}, "dialogue"),
])
def test_bad_requests_are_refused_in_plain_words(fields, field):
    request = {"start_frame": png(solid(GREY)), "end_frame": None, "seconds": 1.0, "width": 160, "height": 90} | fields
    with pytest.raises(InputRejected) as refused:
        render_animatic(AnimaticRequest(**request))
    assert field in refused.value.field_errors
