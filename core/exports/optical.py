"""The optical printer: a picture (or a dissolve between two) re-photographed through a moving window, with the
window's sub-pixel place kept, by FFmpeg's own scaler (a few times faster than Pillow's resampling).

    printer = OpticalPrinter(start, end)                  # Pictures of one size; `end` only for a dissolve
    printer.printed((66.8, 37.6, 957.2, 538.4), (1024, 576), share=0.3)
        -> a new Picture: 30 % of `end` over `start`, the window seen at 1024x576 (bilinear)

FFmpeg's scaler only crops on whole pixels, yet a slow move needs the window's fractional place or it judders.
A scaler taking a crop [first, first + width) to `out` pixels samples its output pixel k at
first + (k + 0.5) * width / out - 0.5, so `fit` picks a crop a little wider than the window, and an output a
little larger, for which `width / out` is the window's step and the window's first pixel lands on a whole output
pixel `skip`: the window is then the output from `skip` on, within `TOLERANCE` of a pixel everywhere. Scales too
close to 1 have no such crop within reach; those frames (the first moments of a push-in) fall back to Pillow.
"""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image

from core.exports.picture import MIX_STEPS, Picture, lifted, mix_weight, mixed, plane_view

TOLERANCE = 0.04  # of a pixel, for the crop's start: with the width's, every pixel of the window within 0.06 px
SCALE_TOLERANCE = 0.02  # of a pixel, for the crop's width
REACH = 320  # at most this many extra pixels scaled before (and after) the window
STEADY = 32  # a skip up to this fits an output of one size wherever the window goes
_PIXEL_COST = 0.001  # of a pixel of error: what scaling one more row or column is worth (0.02 px for 20 more)
_MARGIN = 2  # whole output pixels kept either side of the window, so its edge pixels see real neighbours


@dataclass(frozen=True)
class Fit:
    """How the scaler shows a window along one axis: scale source pixels [first, first + width) to `out`
    pixels and keep `count` of them from `skip` on."""

    first: int
    width: int
    out: int
    skip: int


def fit(edge: float, step: float, count: int, *, reach: int = REACH, steady: bool = False) -> Fit | None:
    """The crop and output that show `count` pixels sampled `step` source pixels apart from `edge` on, or None.

    Among the crops that fit, the one that places the window best is taken, unless it costs many more pixels to
    scale: a window a little off in one frame and exact in the next shakes.

    Args:
        edge: where the window starts, in source pixels (fractions kept).
        step: source pixels per output pixel (the window's width / count).
        count: output pixels wanted.
        reach: the most extra output pixels to scale before the window, and after it.
        steady: the window keeps its size from frame to frame (a pan): the output is sized for any skip up to
            STEADY, so the scaler keeps its sizes too and FFmpeg needn't set it up again for every frame (a
            set-up costs about half as much as the scaling).
    """
    skips = np.arange(_MARGIN, reach + 1)
    shared = STEADY + 1 - _MARGIN if steady else 0  # how many of the skips share one output size
    skip = _nearest_whole(edge - skips[:shared] * step, TOLERANCE, cost=0.0) if shared else None
    if skip is not None:
        skip, low = int(skips[skip]), count + STEADY + _MARGIN
    else:
        skip = _nearest_whole(edge - skips[shared:] * step, TOLERANCE)
        if skip is None:
            return None
        skip = int(skips[shared + skip])
        low = skip + count + _MARGIN
    outs = np.arange(low, low + reach)
    out = _nearest_whole(outs * step, SCALE_TOLERANCE)
    return None if out is None else Fit(round(edge - skip * step), round(outs[out] * step), int(outs[out]), skip)


def _nearest_whole(positions: np.ndarray, tolerance: float, cost: float = _PIXEL_COST) -> int | None:
    """The index of the position nearest a whole pixel (within `tolerance`), each index further on costing
    `cost` of a pixel more; None when none is that near."""
    off = np.abs(positions - np.rint(positions))
    score = np.where(off <= tolerance, off + cost * np.arange(len(off)), np.inf)
    best = int(np.argmin(score))
    return best if score[best] < np.inf else None


class OpticalPrinter:
    """Re-photographs a picture, or a dissolve from one picture to another, through any window."""

    def __init__(self, start: Picture, end: Picture | None = None, *, reach: int = REACH) -> None:
        self.size, self.reach, self._pad = start.size, reach, reach + 2 * _MARGIN
        self._end = end
        self._plates = [np.pad(plane, self._pad, mode="edge") for plane in start.planes]
        self._ends = [] if end is None else [np.pad(plane, self._pad, mode="edge") for plane in end.planes]
        self._lifts = [lifted(plate) for plate in self._plates] if end is not None else []
        self._change16 = [np.subtract(e, s, dtype=np.int16) for s, e in zip(self._plates, self._ends)]
        self._scratch = [(np.empty_like(change), np.empty(change.shape, np.uint8)) for change in self._change16]
        self._scalers = [VideoReformatter() for _plane in range(3)]
        self._steps: dict[tuple, float] = {}  # each axis's step in the last print

    def printed(self, box: tuple[float, float, float, float], size: tuple[int, int], share: float = 0.0) -> Picture:
        """A new Picture: `share` (0..1) of the end picture over the start, seen through `box` at `size`.

        Args:
            box: the window (left, top, right, bottom) on the pictures, in their pixels; fractions kept.
            size: the printed picture's width and height (even).
            share: how far the dissolve has gone; 0 without an end picture.
        """
        weight = 0 if self._end is None else mix_weight(share)
        if box == (0.0, 0.0, float(self.size[0]), float(self.size[1])) and size == self.size:
            kept = weight in (0, MIX_STEPS)  # a plate itself: copied, so burning text in never marks it
            return Picture(*(self._own(k, weight, copy=kept) for k in range(3)))
        fits: dict = {}
        return Picture(*(self._plane(k, box, size, weight, fits) for k in range(3)))

    def _plane(self, k: int, box: tuple[float, ...], size: tuple[int, int], weight: int, fits: dict) -> np.ndarray:
        """Plane `k` of the printed picture; `fits` keeps the chroma planes' fits for the second of them."""
        scale = 1 if k == 0 else 2  # chroma planes are half size
        left, top, right, bottom = (edge / scale for edge in box)
        width, height = size[0] // scale, size[1] // scale
        if scale not in fits:
            fits[scale] = (self._fit(left, (right - left) / width, width, ("across", scale)),
                           self._fit(top, (bottom - top) / height, height, ("down", scale)))
        across, down = fits[scale]
        rows, columns = self._span(down, self._plates[k].shape[0]), self._span(across, self._plates[k].shape[1])
        if rows is None or columns is None:  # a scale too near 1 to fit, or a window far outside the picture
            return self._by_pillow(k, (left, top, right, bottom), (width, height), weight)
        crop = self._mixed_crop(k, rows, columns, weight, scratch=True)  # the scaler is done with it at once
        frame = av.VideoFrame.from_numpy_buffer(crop, format="gray")
        scaled = self._scalers[k].reformat(frame, across.out, down.out, interpolation="BILINEAR", threads=1)
        kept = plane_view(scaled.planes[0])[down.skip:down.skip + height, across.skip:across.skip + width]
        return kept.copy() if scaled is frame else kept  # nothing to scale: PyAV hands back the plate itself

    def _fit(self, edge: float, step: float, count: int, axis: tuple) -> Fit | None:
        """`fit`, steady when the window along `axis` has the size it had in the last print."""
        steady, self._steps[axis] = self._steps.get(axis) == step, step
        return fit(edge, step, count, reach=self.reach, steady=steady)

    def _mixed_crop(self, k: int, rows: slice, columns: slice, weight: int, *, scratch: bool = False) -> np.ndarray:
        """Plane `k` of the mix inside the crop: a view of a plate, a new array, or (scratch) the printer's own
        working array, which the next print overwrites."""
        if weight == 0:
            return self._plates[k][rows, columns]
        if weight == MIX_STEPS:
            return self._ends[k][rows, columns]
        lift, change = self._lifts[k][rows, columns], self._change16[k][rows, columns]
        if not scratch:
            return mixed(lift, change, weight)
        work, out = (array[:lift.shape[0], :lift.shape[1]] for array in self._scratch[k])
        return mixed(lift, change, weight, work=work, out=out)

    def _own(self, k: int, weight: int, *, copy: bool) -> np.ndarray:
        """The mix's plane `k` over the pictures' own pixels (without the padding)."""
        plane = self._mixed_crop(k, *self._inner, weight)
        return plane.copy() if copy else plane

    def _span(self, fitted: Fit | None, padded: int) -> slice | None:
        """The fitted crop as a slice of a padded plane `padded` pixels long, or None (no fit, or past the padding)."""
        if fitted is None:
            return None
        first = self._pad + fitted.first
        return slice(first, first + fitted.width) if 0 <= first and first + fitted.width <= padded else None

    @property
    def _inner(self) -> tuple[slice, slice]:
        """The pictures' own pixels inside their padding."""
        return slice(self._pad, -self._pad), slice(self._pad, -self._pad)

    def _by_pillow(self, k: int, box: tuple[float, ...], size: tuple[int, int], weight: int) -> np.ndarray:
        """Pillow's exact bilinear resampling, for a window the scaler can't place."""
        plane = Image.fromarray(self._own(k, weight, copy=False))
        return np.array(plane.resize(size, Image.Resampling.BILINEAR, box=box))
