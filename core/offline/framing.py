"""The offline camera: which part of the set a framing sees, and how a camera move changes it.

The set is drawn once in "set units" (0..1 across, 0..1 down); a `Window` is the part the lens sees, the
same fraction of the set's width as of its height, so the picture keeps its shape at any zoom.

    stand(0.93, 0.42, 0.78, "eye level")                   a figure's height, its eyes on the eye line
    window_for(Framing.CLOSE_UP, lead, [], facing=1)       the lead's head and shoulders
    camera_path(window, Movement.PUSH_IN, target)          (start window, end window)

Framings, widest first: extreme wide and wide see the whole set (small full figures), medium cuts the
lead at the waist, medium close-up at the chest, close-up at the shoulders; a two-shot holds the first
two characters side by side; over-the-shoulder frames the far character past a near shoulder; an insert
looks down at the props.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from core.film.shots import Framing, Movement

# how far back each prominence stands (where their feet meet the floor, down the set), per framing
_WIDE_DEPTHS = {"lead": 0.8, "supporting": 0.77, "background": 0.71}
_DEPTHS = {Framing.EXTREME_WIDE: {"lead": 0.73, "supporting": 0.71, "background": 0.68}, Framing.WIDE: _WIDE_DEPTHS}
_NEAR_DEPTHS = {"lead": 0.93, "supporting": 0.86, "background": 0.76}
_EYE = 0.93  # eyes sit this far up a standing figure
_ANGLE_EYES = {"high angle": 0.3, "overhead": 0.45, "low angle": -0.2}  # where eyes fall, from the eye line down
# (window height in figure heights, margin above the head): medium to the waist, close-up to the shoulders
_CLOSE = {Framing.MEDIUM: (0.62, 0.08), Framing.MEDIUM_CLOSE: (0.44, 0.06), Framing.CLOSE_UP: (0.3, 0.045),
          Framing.OVER_THE_SHOULDER: (0.5, 0.07)}
_LOOKING_ROOM = {Framing.MEDIUM: 0.38, Framing.MEDIUM_CLOSE: 0.4, Framing.CLOSE_UP: 0.42, Framing.OVER_THE_SHOULDER: 0.36}
INSERT_WIDTH = 0.34  # of the set's width, what an insert's lens sees
_ROOMY = frozenset({Movement.PAN_LEFT, Movement.PAN_RIGHT, Movement.TILT_UP, Movement.TILT_DOWN, Movement.TRACKING,
                    Movement.HANDHELD})


@dataclass(frozen=True)
class Stand:
    """A standing figure in set units: place across, where its feet are, how tall it is."""

    x: float
    ground: float
    tall: float
    lean: float = 0.0  # how far a stoop puts the head ahead of the feet, set units across

    @property
    def head_x(self) -> float:
        return self.x + self.lean

    @property
    def head_top(self) -> float:
        return self.ground - self.tall

    @property
    def head_y(self) -> float:
        return self.ground - self.tall * 0.9

    @property
    def hand_y(self) -> float:
        return self.ground - self.tall * 0.42


@dataclass(frozen=True)
class Window:
    """What the lens sees: its top-left corner and its width, in set units (its height is the same fraction)."""

    x: float = 0.0
    y: float = 0.0
    w: float = 1.0

    def clamped(self) -> Window:
        """The window kept inside the set (the camera never sees past the set's edges)."""
        w = min(1.0, max(0.02, self.w))
        return Window(round(min(max(self.x, 0.0), 1.0 - w), 6), round(min(max(self.y, 0.0), 1.0 - w), 6), round(w, 6))

    def zoomed(self, factor: float, tx: float, ty: float) -> Window:
        """The window `factor` times as wide, with (tx, ty) staying where it was on screen."""
        return Window(tx - (tx - self.x) * factor, ty - (ty - self.y) * factor, self.w * factor).clamped()

    def shifted(self, dx: float, dy: float = 0.0) -> Window:
        return Window(self.x + dx, self.y + dy, self.w).clamped()

    def screen(self, x: float, y: float, size: tuple[int, int]) -> tuple[float, float]:
        """Where a point of the set lands in a picture of `size` pixels."""
        return (x - self.x) / self.w * size[0], (y - self.y) / self.w * size[1]

    def pixels(self, length: float, size: tuple[int, int]) -> float:
        """A vertical length in set units, in pixels."""
        return length / self.w * size[1]


def depth(prominence: str, framing: Framing) -> float:
    """Where a figure's feet are (set units down): wide framings stage the cast deeper in the set."""
    return _DEPTHS.get(framing, _NEAR_DEPTHS)[prominence]


def stand(x: float, ground: float, eye_line: float, look_height: float, angle: str, lean: float = 0.0,
          aspect: float = 0.5) -> Stand:
    """A figure at `ground`, sized so an adult's eyes sit on the camera's eye line (below it from high up).

    Args:
        x: its place across the set.
        ground: where its feet are.
        eye_line: the camera's eye line (the horizon), set units down.
        look_height: the figure's height as its look reads it (0.78 for an adult; a child is shorter).
        angle: the camera angle's text ("eye level", "high angle", "low angle", "overhead").
        lean: the stoop, in the figure's heights, signed the way it faces.
        aspect: the picture's height over its width (a set unit down in set units across).
    """
    eyes = eye_line + _ANGLE_EYES.get(angle, 0.0) * (ground - eye_line)
    adult = max(0.05, (ground - eyes) / _EYE)
    tall = adult * look_height / 0.78
    return Stand(x, ground, tall, lean * tall * aspect)


def window_for(framing: Framing, lead: Stand | None, partner: Stand | None, facing: int, everyone: list[Stand],
               movement: Movement) -> Window:
    """The window a framing sees, before any camera move.

    Args:
        framing: the camera spec's framing.
        lead: the lead's stand (None when nobody is in the shot).
        partner: the second character's stand, for a two-shot.
        facing: which way the lead faces (+1 right), for looking room.
        everyone: every stand, so a wide shot centres on the group.
        movement: the camera move (a move that needs room keeps the window off the set's full width).
    """
    window = _window(framing, lead, partner, facing, everyone)
    cap = 0.8 if movement in _ROOMY or movement == Movement.PULL_OUT else 1.0
    if window.w <= cap:
        return window
    wide = lead is None or framing in (Framing.EXTREME_WIDE, Framing.WIDE)
    return window.zoomed(cap / window.w, window.x + window.w / 2, window.y + (window.w if wide else 0.0))


def _window(framing: Framing, lead: Stand | None, partner: Stand | None, facing: int,
            everyone: list[Stand]) -> Window:
    if lead is None or framing in (Framing.EXTREME_WIDE, Framing.WIDE):
        xs = [s.x for s in everyone] or [0.5]
        w = 1.0 if framing == Framing.EXTREME_WIDE or lead is None else min(1.0, max(0.9, max(xs) - min(xs) + 0.14))
        centre = (max(xs) + min(xs)) / 2
        return Window(centre - w / 2, 1.0 - w, w).clamped()
    if framing == Framing.INSERT:
        return Window(lead.head_x - INSERT_WIDTH / 2, lead.hand_y - INSERT_WIDTH / 2, INSERT_WIDTH).clamped()
    if framing == Framing.TWO_SHOT and partner is not None:
        w = min(1.0, max(lead.tall * 0.8, abs(lead.x - partner.x) + 0.24))
        top = min(lead.head_top, partner.head_top) - lead.tall * 0.08
        return Window((lead.head_x + partner.head_x) / 2 - w / 2, top, w).clamped()
    height, margin = _CLOSE.get(framing, _CLOSE[Framing.MEDIUM])
    w = lead.tall * height
    room = _LOOKING_ROOM.get(framing, 0.38)
    return Window(lead.head_x - w * (room if facing > 0 else 1 - room), lead.head_top - lead.tall * margin, w).clamped()


def camera_path(window: Window, movement: Movement, target: tuple[float, float], rng: random.Random,
                step: float = 0.0) -> tuple[Window, Window]:
    """The start and end windows of a camera move over the shot.

    Args:
        window: the framing's window.
        movement: push-in and pull-out zoom on `target`, pans and tilts turn, tracking follows the subject
            `step` across, handheld drifts by a seeded few per cent, static holds.
        target: what a push-in closes on (the lead's head, or the prop).
        rng: the seeded choices (a handheld drift).
        step: how far the subject travels across the set (tracking).
    """
    tx, ty = target
    travel = window.w * 0.22
    if movement == Movement.PUSH_IN:
        return window, window.zoomed(0.7, tx, ty)
    if movement == Movement.PULL_OUT:
        start = window.zoomed(0.75, tx, ty) if window.w >= 0.8 else window
        return start, start.zoomed(1 / 0.7, tx, ty)
    if movement in (Movement.PAN_LEFT, Movement.PAN_RIGHT):
        way = -1 if movement == Movement.PAN_LEFT else 1
        return window.shifted(-way * travel / 2), window.shifted(way * travel / 2)
    if movement in (Movement.TILT_UP, Movement.TILT_DOWN):
        way = -1 if movement == Movement.TILT_UP else 1
        return window.shifted(0.0, -way * travel / 2), window.shifted(0.0, way * travel / 2)
    if movement == Movement.TRACKING:
        return window, window.shifted(step)
    if movement == Movement.HANDHELD:
        drift = window.w * 0.04
        return window, Window(window.x + rng.uniform(-drift, drift), window.y + rng.uniform(-drift, drift) * 0.6,
                              window.w * 0.97).clamped()
    return window, window
