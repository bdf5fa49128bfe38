"""The cast in a frame: the character sheet's figure (core.offline.figures) standing on the set, turned the
way it faces, at the size the camera's distance gives it; the dark shoulder an over-the-shoulder shot looks
past; the hands an insert shows.

Each figure is drawn on its own transparent layer, so its status tags (core.offline.wear) mark only the
figure, and its bounding box is exact.
"""

from __future__ import annotations

import hashlib
import random

from PIL import Image, ImageDraw

from core.film.style import Palette, mix
from core.offline.figures import _HEAD, _SHOULDERS, _SKIN, _WAIST, _Body, _dress  # the sheet's figure, no ruler
from core.offline.pen import Pen
from core.offline.wardrobe import FigureLook


class Standing(_Body):
    """A figure's parts in pixels; a stoop leans toward where it faces (the sheet's figure always leans right)."""

    @property
    def head_top(self) -> float:
        return self.ground - self.tall + abs(self.lean) * 0.6

    def hand(self, side: int, cane: bool) -> tuple[float, float]:
        """Where the hand on `side` (-1 screen left, +1 right) hangs, as the sheet's figure draws it."""
        reach = cane and side == 1
        x = self.cx + side * self.shoulders * (1.7 if reach else 1.2 + self.swing)
        return x, self.hip_y - self.tall * (0.02 if reach else -0.04)


def figure_rng(name: str) -> random.Random:
    """The seeded choices for one character's figure (its build's small variations, where its marks fall), by
    name alone, so it is drawn the same in every frame and a change of clothes doesn't reshape it."""
    digest = hashlib.sha256(f"figure\n{name}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def standing(look: FigureLook, cx: float, ground: float, tall: float, facing: int, rng: random.Random) -> Standing:
    """The body of a figure standing at (cx, ground), `tall` pixels high, built as the sheet builds it."""
    head = tall * _HEAD[look.age]
    shoulders = tall * (0.16 if look.age == "child" else 0.13) * _SHOULDERS[look.build] * rng.uniform(0.96, 1.04)
    hips = tall * 0.1 * _WAIST[look.build] * rng.uniform(0.96, 1.04)
    lean = tall * look.stoop * (1 if facing > 0 else -1)
    return Standing(cx, ground, tall, head, lean, shoulders, hips, rng.uniform(-0.08, 0.12))


def figure_layer(size: tuple[int, int], palette: Palette, line: int, body: Standing, look: FigureLook,
                 facing: int, rng: random.Random) -> Image.Image:
    """The figure alone on a transparent layer the size of the picture."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    pen = Pen(ImageDraw.Draw(layer, "RGBA"), palette, line, rng)
    _dress(pen, body, look)
    _profile(pen, body, facing)
    return layer


def _profile(pen: Pen, body: Standing, facing: int) -> None:
    """A nose and mouth turned the way the figure faces, so a frontal figure reads as looking somewhere."""
    x, top, size = body.cx + body.lean, body.head_top, body.head
    nose = x + facing * size * 0.12
    pen.stroke([(nose, top + size * 0.5), (nose + facing * size * 0.12, top + size * 0.66), (nose, top + size * 0.7)],
               0.8)
    pen.stroke([(x + facing * size * 0.02, top + size * 0.82), (x + facing * size * 0.2, top + size * 0.8)], 0.8)


def skin(palette: Palette) -> str:
    """The skin tone the sheet's figure has in this palette."""
    return mix(_SKIN, palette.paper, 0.2)


def clothes(look: FigureLook, palette: Palette) -> str:
    """The colour that covers most of the figure: the long coat, else the top, else the palette's default."""
    worn = look.long if look.long is not None else look.top
    return mix(worn, palette.ink, 0.08) if worn else mix(palette.accent, palette.ink, 0.35)


def over_the_shoulder(pen: Pen, size: tuple[int, int], side: int, look: FigureLook) -> None:
    """A near figure's back of the head and shoulder, dark, filling one side of the frame (`side` -1 is left)."""
    width, height = size
    cx = width * (0.1 if side < 0 else 0.9)
    coat = mix(clothes(look, pen.palette), pen.palette.ink, 0.8)
    neck = mix(skin(pen.palette), pen.palette.ink, 0.75)
    hair = neck if look.bald else mix(look.hair or "#3b2a20", pen.palette.ink, 0.75)
    spread = width * 0.34
    pen.shape([(cx - spread * 1.2, height + 2), (cx - spread, height * 0.8), (cx - spread * 0.5, height * 0.64),
               (cx + spread * 0.5, height * 0.64), (cx + spread, height * 0.8), (cx + spread * 1.2, height + 2)], coat)
    radius = height * 0.25
    pen.rect((cx - radius * 0.5, height * 0.45, cx + radius * 0.5, height * 0.68), neck)
    pen.oval((cx - radius * 0.88, height * 0.42 - radius, cx + radius * 0.88, height * 0.42 + radius), hair)


def hands(pen: Pen, cx: float, base: float, reach: float, look: FigureLook, bottom: float) -> None:
    """Two hands reaching in from the bottom of an insert to either side of what it shows."""
    sleeve = clothes(look, pen.palette)
    for side in (-1, 1):
        hx, hy = cx + side * reach, base - reach * 0.25
        elbow = (cx + side * reach * 1.6, bottom + reach * 0.2)
        thick = reach * 0.38
        pen.shape([(elbow[0] - thick, elbow[1]), (hx - thick * 0.55, hy), (hx + thick * 0.55, hy),
                   (elbow[0] + thick, elbow[1])], sleeve)
        pen.oval((hx - thick * 0.6, hy - thick * 0.7, hx + thick * 0.6, hy + thick * 0.5), skin(pen.palette))
