"""The optical printer: camera windows drawn by FFmpeg's scaler land where Pillow's exact resampling puts them."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from core.exports.optical import SCALE_TOLERANCE, TOLERANCE, OpticalPrinter, fit
from core.exports.picture import MIX_STEPS, Picture, lifted, mix_weight, mixed, picture_of
from core.film.shots import Movement
from core.offline.camera import camera_boxes
from tests.media import difference, scene, solid

SIZE = (256, 144)


def exact(picture: Picture, box: tuple[float, ...], size: tuple[int, int]) -> list[np.ndarray]:
    """The window resampled plane by plane with Pillow's bilinear filter, the reference for every frame."""
    halves = (box, tuple(edge / 2 for edge in box), tuple(edge / 2 for edge in box))
    sizes = (size, (size[0] // 2, size[1] // 2), (size[0] // 2, size[1] // 2))
    return [np.asarray(Image.fromarray(plane).resize(s, Image.Resampling.BILINEAR, box=b)).astype(np.int16)
            for plane, b, s in zip(picture.planes, halves, sizes)]


def window(zoom: float, across: float, down: float, size=SIZE) -> tuple[float, ...]:
    w, h = size[0] / zoom, size[1] / zoom
    left, top = (size[0] - w) * across, (size[1] - h) * down
    return left, top, left + w, top + h


def edge_column(row: np.ndarray) -> float:
    """Where a dark-to-light step sits along a row, to a fraction of a pixel (the light's area, counted back)."""
    light = (row.astype(float) - row.min()) / max(1.0, float(row.max() - row.min()))
    return len(row) - light.sum()


@settings(max_examples=300, deadline=None)
@given(edge=st.floats(0, 200), step=st.floats(0.5, 0.985), count=st.integers(8, 1100), steady=st.booleans())
def test_a_fitted_crop_samples_the_window_within_the_tolerance(edge, step, count, steady):
    fitted = fit(edge, step, count, steady=steady)
    if fitted is None:
        return
    scale = fitted.width / fitted.out
    for pixel in (0, count // 2, count - 1):  # where the scaler samples vs where the window wants the sample
        scaler = fitted.first + (fitted.skip + pixel + 0.5) * scale - 0.5
        wanted = edge + (pixel + 0.5) * step - 0.5
        assert abs(scaler - wanted) <= TOLERANCE + SCALE_TOLERANCE + 1e-9
    assert fitted.skip >= 2 and fitted.out >= fitted.skip + count + 2  # real neighbours either side


def test_a_pan_keeps_one_scaler_size_wherever_its_window_goes():
    fits = [fit(edge, 1 / 1.15, 1024, steady=True) for edge in np.linspace(0, 133.5, 200)]
    sizes = Counter((fitted.width, fitted.out) for fitted in fits)
    assert sizes.most_common(1)[0][1] >= 180  # the odd place with no crop near enough costs a set-up


def test_scales_far_from_one_always_fit_and_scales_near_one_are_left_to_pillow():
    assert all(fit(edge, 1 / 1.15, 1024) for edge in np.linspace(0, 133.5, 200))  # every place along a pan
    assert fit(0.25, 0.9995, 1024) is None


@pytest.mark.parametrize("zoom, across, down", [
    (1.15, 0.5, 0.5), (1.15, 0.0, 0.5), (1.15, 1.0, 0.3), (1.10, 0.37, 0.5), (1.06, 0.61, 0.42), (1.03, 0.5, 0.5),
    (1.001, 0.5, 0.5),  # the first moments of a push-in: the scaler can't place it, Pillow does
])
def test_a_window_prints_as_pillow_resamples_it(zoom, across, down):
    picture = picture_of(scene(SIZE))
    box = window(zoom, across, down)
    printed = OpticalPrinter(picture).printed(box, SIZE)
    for plane, reference in zip(printed.planes, exact(picture, box, SIZE)):
        assert plane.shape == reference.shape
        assert difference(plane, reference) < 0.5
        assert np.abs(plane.astype(np.int16) - reference).max() <= 24  # a hard edge a few hundredths off


def test_the_window_is_placed_to_a_tenth_of_a_pixel():
    blocks = np.random.default_rng(5).integers(0, 2, (SIZE[1] // 4, SIZE[0] // 4, 1)) * 255
    picture = picture_of(Image.fromarray(np.repeat(np.repeat(blocks, 4, 0), 4, 1).repeat(3, 2).astype(np.uint8)))
    box = window(1.12, 0.43, 0.5)
    printed = OpticalPrinter(picture).printed(box, SIZE).y
    for shift in (-0.15, 0.15):
        moved = (box[0] + shift, box[1], box[2] + shift, box[3])
        assert difference(printed, exact(picture, box, SIZE)[0]) < difference(printed, exact(picture, moved, SIZE)[0]) / 2


def test_a_slow_push_in_follows_its_exact_path_frame_by_frame():
    """No judder: a sharp edge near the frame's side moves as exact resampling moves it, to a tenth of a pixel."""
    image = solid((0, 0, 0), SIZE)
    ImageDraw.Draw(image).rectangle((20, 0, SIZE[0], SIZE[1]), fill=(255, 255, 255))
    picture = picture_of(image)
    printer = OpticalPrinter(picture)
    boxes = camera_boxes(Movement.PUSH_IN, 192, 24, SIZE, 0)  # 8 seconds at 24 fps
    drawn = [edge_column(printer.printed(box, SIZE).y[72, :60]) for box in boxes]
    wanted = [edge_column(exact(picture, box, SIZE)[0][72, :60]) for box in boxes]
    assert max(abs(a - b) for a, b in zip(drawn, wanted)) < 0.1
    steps = [b - a for a, b in itertools.pairwise(drawn)]
    assert all(step <= 0.02 for step in steps)  # the edge only ever slides out of frame, never back
    assert drawn[-1] < drawn[0] - 2  # and it did move


def test_a_dissolve_is_mixed_before_the_window_is_printed():
    red, blue = picture_of(solid((220, 20, 20), SIZE)), picture_of(solid((20, 20, 220), SIZE))
    printer = OpticalPrinter(red, blue)
    box = window(1.1, 0.3, 0.5)
    halfway = printer.printed(box, SIZE, share=0.5)
    for plane, a, b in zip(halfway.planes, red.planes, blue.planes):
        assert np.abs(plane.astype(int) - (a.astype(int) + b.astype(int)) / 2).max() <= 1
    assert np.array_equal(printer.printed(box, SIZE, share=1.0).u, OpticalPrinter(blue).printed(box, SIZE).u)


@settings(max_examples=200, deadline=None)
@given(pixels=st.lists(st.tuples(st.integers(0, 255), st.integers(0, 255)), min_size=1, max_size=50),
       share=st.floats(0, 1))
def test_a_dissolve_mix_lies_between_its_pictures_and_is_exact_at_its_ends(pixels, share):
    a, b = (np.array([pair[n] for pair in pixels], np.uint8) for n in (0, 1))
    mix = mixed(lifted(a), np.subtract(b, a, dtype=np.int16), mix_weight(share)).astype(int)
    assert np.all(np.minimum(a, b) <= mix) and np.all(mix <= np.maximum(a, b))
    assert np.abs(mix - (a + (b.astype(int) - a) * mix_weight(share) / MIX_STEPS)).max() <= 0.5
    assert np.array_equal(mixed(lifted(a), np.subtract(b, a, dtype=np.int16), 0), a)
    assert np.array_equal(mixed(lifted(a), np.subtract(b, a, dtype=np.int16), MIX_STEPS), b)


def test_printing_the_whole_picture_gives_a_copy_text_can_be_burned_into():
    picture = picture_of(scene(SIZE))
    printed = OpticalPrinter(picture).printed((0.0, 0.0, float(SIZE[0]), float(SIZE[1])), SIZE)
    assert np.array_equal(printed.y, picture.y)
    printed.y[:] = 0
    assert picture.y.max() > 0
