"""Camera moves for the offline animatic: where the frame's window sits on the drawn picture, frame by frame.

    camera_boxes(Movement.PUSH_IN, frames=168, fps=24, size=(1024, 576), seed=7)
        -> [(0.0, 0.0, 1024.0, 576.0), ..., (66.8, 37.6, 957.2, 538.4)]   # left, top, right, bottom

A push-in narrows the window to 1/1.15 of the picture (a 15 % zoom), a pull-out widens it back; pans, tilts
and tracking slide a window that has that room to move; handheld wanders a little around the centre on a
seeded path; static keeps the whole picture. Moves ease in and out, as a camera operator would. Pure.
"""

from __future__ import annotations

import math
import random

from core.film.shots import Movement

Box = tuple[float, float, float, float]

MOVE_ZOOM = 1.15  # how far a push-in goes, and how much room a pan or tilt has to travel
TRACK_ZOOM = 1.10  # a tracking shot slides less than a pan turns
SHAKE_ZOOM = 1.06  # handheld keeps a little room at the edges to wander into
SHAKE_REACH = 0.7  # of that room
_SHAKE_HERTZ = (0.35, 0.8, 1.7)  # a slow sway, a breath, a tremor


def camera_boxes(movement: Movement, frames: int, fps: int, size: tuple[int, int], seed: int = 0) -> list[Box]:
    """The crop window of each frame on a picture of `size`, in its pixels (fractions kept for smooth motion).

    Args:
        movement: the shot's camera movement (CameraSpec.movement).
        frames: how many frames the shot has.
        fps: frames per second (handheld sways in seconds, whatever the shot's length).
        size: the picture's width and height.
        seed: varies the handheld path; the same seed gives the same path.
    """
    if movement == Movement.HANDHELD:
        sway = _sway(random.Random(seed))
        return [_window(size, SHAKE_ZOOM, 0.5 + sway(i / fps, 0), 0.5 + sway(i / fps, 1)) for i in range(frames)]
    return [_framed(movement, size, _eased(i / (frames - 1)) if frames > 1 else 0.0) for i in range(frames)]


def _framed(movement: Movement, size: tuple[int, int], p: float) -> Box:
    """The window `p` (0..1) of the way through a move."""
    match movement:
        case Movement.PUSH_IN:
            return _window(size, 1 + (MOVE_ZOOM - 1) * p, 0.5, 0.5)
        case Movement.PULL_OUT:
            return _window(size, MOVE_ZOOM - (MOVE_ZOOM - 1) * p, 0.5, 0.5)
        case Movement.PAN_LEFT:  # the camera turns left: the window travels from the right edge to the left
            return _window(size, MOVE_ZOOM, 1 - p, 0.5)
        case Movement.PAN_RIGHT:
            return _window(size, MOVE_ZOOM, p, 0.5)
        case Movement.TILT_UP:
            return _window(size, MOVE_ZOOM, 0.5, 1 - p)
        case Movement.TILT_DOWN:
            return _window(size, MOVE_ZOOM, 0.5, p)
        case Movement.TRACKING:
            return _window(size, TRACK_ZOOM, p, 0.5)
    return 0.0, 0.0, float(size[0]), float(size[1])


def _window(size: tuple[int, int], zoom: float, across: float, down: float) -> Box:
    """A window 1/zoom of the picture; `across` and `down` place it from one edge (0) to the other (1)."""
    width, height = size
    w, h = width / zoom, height / zoom
    left, top = (width - w) * min(1.0, max(0.0, across)), (height - h) * min(1.0, max(0.0, down))
    return left, top, left + w, top + h


def _eased(p: float) -> float:
    """Slow out of rest, slow into rest (smoothstep)."""
    return p * p * (3 - 2 * p)


def _sway(rng: random.Random):
    """A smooth seeded wander: sway(seconds, axis) in [-SHAKE_REACH/2, SHAKE_REACH/2] of the window's room."""
    phases = [[rng.uniform(0, 2 * math.pi) for _ in _SHAKE_HERTZ] for _axis in range(2)]
    weights = (0.6, 0.3, 0.1)

    def sway(seconds: float, axis: int) -> float:
        wave = sum(w * math.sin(2 * math.pi * hz * seconds + phase)
                   for w, hz, phase in zip(weights, _SHAKE_HERTZ, phases[axis]))
        return SHAKE_REACH / 2 * wave

    return sway
