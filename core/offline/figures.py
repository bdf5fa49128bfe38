"""A character sheet: the character standing by a height ruler, drawn from its `FigureLook`.

A child is small with a large head, an old figure stoops over a cane, a broad or heavy build is wide at
the shoulders or waist; the clothes and hair are in the colours the description names.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.film.style import mix, rgb
from core.offline.pen import Box, Pen
from core.offline.wardrobe import FigureLook

_HEAD = {"child": 0.2, "teen": 0.15, "young": 0.135, "adult": 0.135, "old": 0.14}  # of the figure's height
_SHOULDERS = {"slight": 0.8, "average": 1.0, "broad": 1.3, "heavy": 1.2}
_WAIST = {"slight": 0.8, "average": 1.0, "broad": 1.05, "heavy": 1.5}
_SKIN = "#e2b48e"


@dataclass(frozen=True)
class _Body:
    """Where the parts of one standing figure are, in pixels."""

    cx: float
    ground: float
    tall: float
    head: float
    lean: float
    shoulders: float
    hips: float
    swing: float  # how far the arms hang out from the body, a seeded part of the pose

    @property
    def head_top(self) -> float:
        return self.ground - self.tall + self.lean * 0.6

    @property
    def neck(self) -> float:
        return self.head_top + self.head

    @property
    def shoulder_y(self) -> float:
        return self.neck + self.head * 0.2

    @property
    def hip_y(self) -> float:
        return self.ground - self.tall * 0.46


def draw_figure(pen: Pen, box: Box, look: FigureLook) -> None:
    """The character standing on a marked floor beside a height ruler."""
    left, top, right, bottom = box
    height = bottom - top
    ground = bottom - height * 0.07
    for step in range(1, 9):  # the character-sheet ruler, one mark per eighth of an adult's height
        y = ground - step * height * 0.78 / 8
        pen.stroke([(left + height * 0.08, y), (left + height * (0.2 if step % 2 == 0 else 0.14), y)], 0.8,
                   mix(pen.palette.ink, pen.palette.top, 0.45))
    tall = height * look.height
    pen.oval((left + (right - left) / 2 - tall * 0.25, ground - tall * 0.03, left + (right - left) / 2 + tall * 0.25,
              ground + tall * 0.03), pen.tone(0.45), outline=False)
    head = tall * _HEAD[look.age]
    shoulders = tall * (0.16 if look.age == "child" else 0.13) * _SHOULDERS[look.build] * pen.rng.uniform(0.96, 1.04)
    body = _Body(left + (right - left) / 2, ground, tall, head, tall * look.stoop, shoulders,
                 tall * 0.1 * _WAIST[look.build] * pen.rng.uniform(0.96, 1.04), pen.rng.uniform(-0.08, 0.12))
    _dress(pen, body, look)


def _dress(pen: Pen, body: _Body, look: FigureLook) -> None:
    palette = pen.palette
    top = _worn(look.top, mix(palette.accent, palette.ink, 0.35), pen)
    bottom = _worn(look.bottom, mix(palette.ink, palette.ground, 0.3), pen)
    coat = _worn(look.long, mix(palette.ink, palette.accent, 0.3), pen) if look.long is not None else None
    hair = _worn(look.hair, mix("#3b2a20", palette.ink, 0.3), pen)
    skin = mix(_SKIN, palette.paper, 0.2)
    if look.long_hair and not look.bald:
        _long_hair(pen, body, hair)
    _legs(pen, body, bottom, coat is not None and look.long_to_ankle)
    _torso(pen, body, coat or top, top if coat else None)
    if look.build == "heavy":
        belly = body.hips * 1.35
        y = body.hip_y - body.tall * 0.1
        pen.oval((body.cx - belly, y - body.tall * 0.1, body.cx + belly, y + body.tall * 0.1), coat or top)
    if coat:
        _skirt(pen, body, coat, look.long_to_ankle)
    _arms(pen, body, coat or top, skin, look.cane)
    _head(pen, body, skin, hair, look)
    if look.scarf is not None:
        scarf = _worn(look.scarf, palette.accent, pen)
        x, y = body.cx + body.lean * 0.75, body.neck
        pen.shape([(x - body.head * 0.5, y), (x + body.head * 0.5, y), (x + body.head * 0.4, y + body.head * 0.35),
                   (x - body.head * 0.4, y + body.head * 0.35)], scarf)


def _worn(color: str | None, default: str, pen: Pen) -> str:
    """A named colour, a touch toward the ink so it sits in the style; else the palette's default."""
    return mix(color, pen.palette.ink, 0.08) if color else default


def _legs(pen: Pen, body: _Body, color: str, hidden: bool) -> None:
    gap = body.hips * 0.12
    for side in (-1, 1):
        outer, inner = body.cx + side * body.hips, body.cx + side * gap
        ankle_out, ankle_in = body.cx + side * body.hips * 0.75, body.cx + side * gap * 1.6
        if not hidden:
            pen.shape([(inner, body.hip_y), (outer, body.hip_y), (ankle_out, body.ground - body.tall * 0.03),
                       (ankle_in, body.ground - body.tall * 0.03)], color)
        toe = body.cx + side * body.hips * 1.05
        pen.shape([(ankle_in, body.ground - body.tall * 0.045), (ankle_out, body.ground - body.tall * 0.045),
                   (toe, body.ground), (ankle_in, body.ground)], pen.palette.ink)


def _torso(pen: Pen, body: _Body, color: str, under: str | None) -> None:
    shift = body.lean * 0.7
    points = [(body.cx + shift - body.shoulders, body.shoulder_y), (body.cx + shift + body.shoulders, body.shoulder_y),
              (body.cx + body.hips * 1.08, body.hip_y + body.tall * 0.02),
              (body.cx - body.hips * 1.08, body.hip_y + body.tall * 0.02)]
    pen.shape(points, color)
    if under:  # the top worn under an open coat
        width = body.shoulders * 0.22
        pen.shape([(body.cx + shift - width, body.shoulder_y), (body.cx + shift + width, body.shoulder_y),
                   (body.cx, body.hip_y - body.tall * 0.05)], under)


def _skirt(pen: Pen, body: _Body, color: str, to_ankle: bool) -> None:
    hem = body.ground - body.tall * (0.05 if to_ankle else 0.22)
    flare = body.hips * (1.7 if to_ankle else 1.5)
    pen.shape([(body.cx - body.hips * 1.08, body.hip_y), (body.cx + body.hips * 1.08, body.hip_y),
               (body.cx + flare, hem), (body.cx - flare, hem)], color)


def _arms(pen: Pen, body: _Body, sleeve: str, skin: str, cane: bool) -> None:
    shift, thick = body.lean * 0.7, max(4.0, body.shoulders * 0.42)
    for side in (-1, 1):
        sx, sy = body.cx + shift + side * body.shoulders * 0.92, body.shoulder_y + thick * 0.4
        reach = cane and side == 1
        hx = body.cx + side * body.shoulders * (1.7 if reach else 1.2 + body.swing)
        hy = body.hip_y - body.tall * (0.02 if reach else -0.04)
        pen.shape(_limb(sx, sy, hx, hy, thick), sleeve)
        pen.oval((hx - thick * 0.5, hy - thick * 0.45, hx + thick * 0.5, hy + thick * 0.55), skin)
        if reach:
            pen.stroke([(hx, hy), (hx + body.tall * 0.04, body.ground)], 2.2, mix(pen.palette.ink, "#6b4a2b", 0.4))
            pen.stroke([(hx - thick * 0.6, hy), (hx + thick * 0.2, hy)], 2.2, mix(pen.palette.ink, "#6b4a2b", 0.4))


def _limb(x0: float, y0: float, x1: float, y1: float, thick: float) -> list[tuple[float, float]]:
    dx, dy = x1 - x0, y1 - y0
    length = max(1.0, (dx * dx + dy * dy) ** 0.5)
    nx, ny = -dy / length * thick / 2, dx / length * thick / 2
    return [(x0 + nx, y0 + ny), (x1 + nx * 0.8, y1 + ny * 0.8), (x1 - nx * 0.8, y1 - ny * 0.8), (x0 - nx, y0 - ny)]


def _long_hair(pen: Pen, body: _Body, hair: str) -> None:
    x, width = body.cx + body.lean, body.head * 0.5
    pen.shape([(x - width, body.head_top + body.head * 0.3), (x + width, body.head_top + body.head * 0.3),
               (x + width * 1.1, body.shoulder_y + body.head * 0.9), (x - width * 1.1, body.shoulder_y + body.head * 0.9)],
              hair)


def _head(pen: Pen, body: _Body, skin: str, hair: str, look: FigureLook) -> None:
    x, top, size = body.cx + body.lean, body.head_top, body.head
    half = size * 0.4
    pen.rect((x - half * 0.35 - body.lean * 0.05, top + size * 0.8, x + half * 0.35, body.shoulder_y + 2), skin)
    pen.oval((x - half, top, x + half, top + size), skin)
    if not look.bald:
        pen.draw.chord((x - half, top, x + half, top + size * 0.8), 180, 360, fill=rgb(hair), outline=pen.ink,
                       width=pen.line)
    if look.beard:
        pen.draw.chord((x - half, top + size * 0.35, x + half, top + size), 20, 160, fill=rgb(hair), outline=pen.ink,
                       width=pen.line)
    eye = max(1.5, size * 0.05)
    for side in (-1, 1):
        ex, ey = x + side * half * 0.4, top + size * 0.5
        pen.oval((ex - eye, ey - eye, ex + eye, ey + eye), pen.palette.ink, outline=False)
        if look.glasses:
            pen.draw.ellipse((ex - eye * 3, ey - eye * 3, ex + eye * 3, ey + eye * 3), outline=pen.ink,
                             width=max(1, pen.line))
    if look.hat is not None:
        hat = _worn(look.hat, mix(pen.palette.ink, pen.palette.accent, 0.2), pen)
        pen.rect((x - half * 1.5, top + size * 0.12, x + half * 1.5, top + size * 0.22), hat)
        pen.rect((x - half * 0.95, top - size * 0.3, x + half * 0.95, top + size * 0.15), hat)
