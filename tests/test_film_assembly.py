"""Film assembly and probing: parts in order at one size and rate, stills marked, cuts and dissolves, sound kept."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InputRejected
from core.exports.film import FilmPart, assemble_film
from core.exports.probe import duration, probe
from core.offline.animatic import AnimaticRequest, render_animatic
from tests.media import clip, difference, fitted, frames, loudness, png, solid, sound

RED, BLUE, GREEN, GREY = (220, 30, 30), (30, 30, 220), (30, 200, 30), (128, 128, 128)
FPS = 12


def held(color, seconds: float, **kwargs) -> bytes:
    """A clip of one colour lasting `seconds` at 12 fps."""
    return clip([color] * round(seconds * FPS), **kwargs)


def film(parts, **options) -> bytes:
    return assemble_film(parts, fps=FPS, **options)


@pytest.mark.parametrize("dissolve", [0.0, 0.5, 1.0])
def test_the_film_lasts_the_sum_of_its_parts_with_cuts_or_dissolves(dissolve):
    parts = [FilmPart(clip=held(RED, 1.5), seconds=1.5, label="1A"),
             FilmPart(still=png(solid(GREY)), seconds=1.0, label="1B"),
             FilmPart(clip=held(BLUE, 2.0), seconds=2.0, label="2A")]
    found = probe(film(parts, dissolve=dissolve))
    assert (found.video_codec, found.audio_codec, found.sample_rate) == ("h264", "aac", 48_000)
    assert found.frames == round(4.5 * FPS)
    assert abs(found.duration - 4.5) <= 2 / FPS and abs(found.audio_duration - 4.5) <= 2 / FPS


@settings(max_examples=8, deadline=None)
@given(lengths=st.lists(st.floats(0.25, 1.5), min_size=1, max_size=4), dissolve=st.sampled_from([0.0, 0.4]))
def test_any_cut_lasts_the_sum_of_its_parts(lengths, dissolve):
    parts = [FilmPart(still=png(solid(GREY, (32, 18))), seconds=seconds) for seconds in lengths]
    found = probe(assemble_film(parts, fps=FPS, dissolve=dissolve, width=32, height=18))
    assert found.frames == round(sum(lengths) * FPS)
    assert abs(found.duration - sum(lengths)) <= 2 / FPS


def test_parts_play_in_order_and_a_cut_is_clean():
    shot = frames(film([FilmPart(clip=held(RED, 1.0), seconds=1.0), FilmPart(clip=held(BLUE, 1.0), seconds=1.0)]))
    assert shot[FPS - 1][..., 0].mean() > 200 and shot[FPS][..., 2].mean() > 200


def test_a_dissolve_mixes_the_parts_across_the_cut_without_moving_it():
    shot = frames(film([FilmPart(clip=held(RED, 1.0), seconds=1.0), FilmPart(clip=held(BLUE, 1.0), seconds=1.0)],
                       dissolve=0.5))
    red = [frame[..., 0].mean() for frame in shot]
    assert red[0] > 200 and red[-1] < 40
    assert 70 < red[FPS - 1] < 200 and 40 < red[FPS] < 180  # half a second centred on the cut
    assert red[FPS - 4] > 200 and red[FPS + 3] < 40  # outside it, each part is itself
    assert all(a >= b - 3 for a, b in itertools.pairwise(red))


def test_a_still_stands_in_marked_not_rendered():
    still = solid(GREEN, (160, 90))
    shown = frames(film([FilmPart(still=png(still), seconds=1.0, label="3B")], width=160, height=90))
    marked = np.argwhere(np.abs(shown[0] - fitted(still, (160, 90))).max(axis=2) > 40)
    assert len(marked) > 100  # the "3B · not rendered" badge
    assert marked[:, 0].max() < 90 * 0.4  # across the top, clear of where subtitles go
    unlabelled = frames(film([FilmPart(still=png(still), seconds=1.0)], width=160, height=90))[0]
    assert difference(shown[0], unlabelled) > 0.5  # the shot's label is on it too


def test_parts_of_other_sizes_are_fitted_to_the_first_clips_size():
    parts = [FilmPart(still=png(solid(GREY, (300, 300))), seconds=0.5),
             FilmPart(clip=held(RED, 1.0, size=(160, 90)), seconds=1.0),
             FilmPart(clip=held(BLUE, 1.0, size=(256, 144)), seconds=1.0),
             FilmPart(clip=held(GREEN, 1.0, size=(90, 120)), seconds=1.0)]
    made = film(parts)
    found = probe(made)
    assert (found.width, found.height) == (160, 90)
    shot = frames(made)
    portrait = shot[round(2.5 * FPS) + 2]
    assert portrait[:, :40].max() < 40 and portrait[:, 75:85, 1].mean() > 150  # pillarboxed green
    assert shot[round(1.5 * FPS) + 2][..., 2].mean() > 200  # the larger clip fills the frame


def test_a_size_can_be_chosen():
    found = probe(film([FilmPart(clip=held(RED, 1.0), seconds=1.0)], width=64, height=36))
    assert (found.width, found.height) == (64, 36)


def test_a_clip_at_another_frame_rate_keeps_its_timing():
    steps = [(20 * k, 20 * k, 20 * k) for k in range(12)]  # 12 frames at 6 fps: 2 s getting brighter
    shot = frames(film([FilmPart(clip=clip(steps, fps=6), seconds=2.0)]))
    assert len(shot) == 24
    brightness = [frame.mean() for frame in shot]
    assert all(abs(brightness[j] - brightness[j // 2 * 2]) < 4 for j in range(24))  # each held two frames
    assert brightness[-1] > brightness[0] + 150


def test_a_short_clip_holds_its_end_and_a_long_one_is_cut():
    short, long = clip([RED] * 6 + [BLUE] * 6), held(GREEN, 3.0)
    shot = frames(film([FilmPart(clip=short, seconds=2.0), FilmPart(clip=long, seconds=1.0)]))
    assert len(shot) == 36
    assert shot[FPS + 6][..., 2].mean() > 200 and shot[2 * FPS][..., 1].mean() > 150


def test_sound_is_kept_where_a_part_has_it_and_silent_where_it_doesnt():
    parts = [FilmPart(clip=held(RED, 1.0, tone=440), seconds=1.0), FilmPart(still=png(solid(GREY)), seconds=1.0),
             FilmPart(clip=held(BLUE, 1.0), seconds=1.0), FilmPart(clip=held(GREEN, 1.0, tone=660), seconds=1.0)]
    heard = sound(film(parts))
    assert heard.shape[0] == 2  # stereo
    assert loudness(heard, 0.1, 0.9) > 0.1 and loudness(heard, 3.1, 3.9) > 0.1
    assert loudness(heard, 1.1, 1.9) < 0.01 and loudness(heard, 2.1, 2.9) < 0.01


def test_an_animatic_goes_into_the_film_with_its_subtitles():
    request = AnimaticRequest(png(solid(GREY)), None, 1.0, dialogue=(("MARA", "Go now."),), width=160, height=90,
                              fps=FPS, voice=False)
    animatic = render_animatic(request)
    shot = frames(film([FilmPart(clip=animatic, seconds=1.0, label="1A")]))
    assert difference(shot[3], frames(animatic)[3]) < 3


@pytest.mark.parametrize("parts, options, field", [
    ([], {}, "parts"),
    ([FilmPart(seconds=1.0, label="2C")], {}, "part 1 (2C)"),
    ([FilmPart(still=png(solid(GREY)), seconds=0.01)], {}, "part 1"),
    ([FilmPart(still=png(solid(GREY)), seconds=1.0)], {"dissolve": -1}, "dissolve"),
    ([FilmPart(still=png(solid(GREY)), seconds=1.0)], {"width": 161, "height": 90}, "size"),
    ([FilmPart(clip=b"not a video", seconds=1.0, label="4A")], {}, "part 1 (4A)"),
    ([FilmPart(still=b"not a picture", seconds=1.0, label="4B")], {}, "part 1 (4B)"),
])
def test_a_film_that_cant_be_made_is_refused_in_plain_words(parts, options, field):
    with pytest.raises(InputRejected) as refused:
        film(parts, **options)
    assert field in refused.value.field_errors


def test_probe_reads_a_path_and_refuses_what_isnt_video(tmp_path):
    path = tmp_path / "shot.mp4"
    path.write_bytes(held(RED, 1.0))
    found = probe(path)
    assert (found.frames, found.fps, found.width) == (12, 12.0, 160)
    with pytest.raises(InputRejected):
        probe(b"plain text, not a film")


def test_a_films_length_is_read_from_its_header_as_exactly_as_by_decoding_it(tmp_path):
    made = film([FilmPart(clip=held(RED, 1.5), seconds=1.5), FilmPart(still=png(solid(GREY)), seconds=0.75)])
    assert duration(made) == probe(made).duration == pytest.approx(2.25, abs=1 / FPS)
    (tmp_path / "film.mp4").write_bytes(made)
    assert duration(tmp_path / "film.mp4") == duration(made)
    with pytest.raises(InputRejected):
        duration(b"plain text, not a film")
