"""The storyboard's pen: filled shapes outlined in the palette's ink at the style's line weight.

Every drawing goes through a `Pen`, so "bold lines" and "fine lines" in the style notes change every
outline alike, and every free choice comes from its seeded `rng`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from PIL import ImageDraw, ImageFont

from core.film.style import Palette, mix, rgb

Box = tuple[int, int, int, int]
Color = str | tuple[int, ...]


def paint(color: Color) -> tuple[int, ...]:
    """A fill Pillow takes: '#rrggbb' as RGB, a tuple (RGB or RGBA) as given."""
    return rgb(color) if isinstance(color, str) else color


@dataclass(frozen=True)
class Pen:
    """Draws on one image with one palette and line width (pixels)."""

    draw: ImageDraw.ImageDraw
    palette: Palette
    line: int
    rng: random.Random

    @property
    def ink(self) -> tuple[int, int, int]:
        return rgb(self.palette.ink)

    def shape(self, points: list[tuple[float, float]], fill: Color, outline: bool = True) -> None:
        """A filled polygon, outlined in ink."""
        self.draw.polygon(points, fill=paint(fill), outline=self.ink if outline else None,
                          width=self.line if outline else 1)

    def oval(self, box: tuple[float, ...], fill: Color | None, outline: bool = True) -> None:
        self.draw.ellipse(_ordered(box), fill=paint(fill) if fill else None, outline=self.ink if outline else None,
                          width=self.line if outline else 1)

    def rect(self, box: tuple[float, ...], fill: Color | None, outline: bool = True) -> None:
        self.draw.rectangle(_ordered(box), fill=paint(fill) if fill else None, outline=self.ink if outline else None,
                            width=self.line if outline else 1)

    def stroke(self, points: list[tuple[float, float]], weight: float = 1.0, color: Color | None = None) -> None:
        """An ink line `weight` times the line width (a fixed minimum of one pixel)."""
        self.draw.line(points, fill=paint(color) if color else self.ink, width=max(1, round(self.line * weight)),
                       joint="curve")

    def tone(self, amount: float, toward: str | None = None) -> str:
        """A palette tone between the ground and the ink (or `toward`)."""
        return mix(self.palette.ground, toward or self.palette.ink, amount)


def _ordered(box: tuple[float, ...]) -> tuple[float, float, float, float]:
    """A box with its corners in Pillow's order, whichever way a drawing computed them."""
    x0, y0, x1, y1 = box
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.ImageFont:
    """Pillow's default font at `size` pixels (the fixed bitmap font where FreeType is missing)."""
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):
        return ImageFont.load_default()
