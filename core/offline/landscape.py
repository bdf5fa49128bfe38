"""What every exterior set stands on: a sky at its time of day, the ground, the sea, a tree."""

from __future__ import annotations

from core.film.style import mix, rgb
from core.offline.looks import SetLook
from core.offline.pen import Box, Pen

_SKIES = {"day": ("#7fb3e0", "#dcebf5"), "dusk": ("#3d3566", "#f2955a"), "dawn": ("#8fa7d6", "#f7c9a8"),
          "night": ("#070b1e", "#1c2448")}
_WATER = "#2a6a8f"


def sky(pen: Pen, box: Box, time: str, horizon: float) -> None:
    """The sky down to the horizon: its colours, sun or moon, stars at night."""
    left, top, right, _ = box
    high, low = (mix(color, pen.palette.top, 0.35) for color in _SKIES.get(time, _SKIES["day"]))
    bands = 10
    for band in range(bands):
        y0 = top + (horizon - top) * band / bands
        pen.rect((left, y0, right, top + (horizon - top) * (band + 1) / bands + 1), mix(high, low, band / (bands - 1)),
                 outline=False)
    width, height = right - left, horizon - top
    x = left + width * pen.rng.uniform(0.62, 0.85)
    if time == "night":
        for _ in range(50):
            sx, sy = pen.rng.uniform(left, right), pen.rng.uniform(top, horizon - height * 0.2)
            pen.oval((sx - 1.2, sy - 1.2, sx + 1.2, sy + 1.2), "#f5f0dc", outline=False)
        y, r = top + height * 0.25, height * 0.1
        pen.oval((x - r, y - r, x + r, y + r), "#f3eed6", outline=False)
        pen.oval((x - r * 0.55, y - r * 1.05, x + r * 1.3, y + r * 0.75), high, outline=False)  # the crescent
        return
    y = horizon - height * (0.12 if time in ("dusk", "dawn") else 0.7)
    r = height * (0.16 if time in ("dusk", "dawn") else 0.1)
    pen.oval((x - r * 1.6, y - r * 1.6, x + r * 1.6, y + r * 1.6), (*rgb(pen.palette.accent), 40), outline=False)
    pen.oval((x - r, y - r, x + r, y + r), "#ffd77a" if time == "day" else "#ff9a4a", outline=False)


def ground(pen: Pen, box: Box, horizon: float, color: str) -> None:
    """The land from the horizon down."""
    left, _, right, bottom = box
    pen.rect((left, horizon, right, bottom), color, outline=False)
    pen.stroke([(left, horizon), (right, horizon)], 0.8)


def dark(look: SetLook, color: str) -> str:
    """A colour as it looks at the set's time of day (darker and bluer at night)."""
    return mix(color, "#0a0f24", 0.55) if look.time == "night" else color


def sea(pen: Pen, box: Box, look: SetLook, horizon: float, low: float) -> None:
    """Water from the horizon down to `low`, with rows of wavelets."""
    left, _, right, _ = box
    water = dark(look, mix(_WATER, pen.palette.top, 0.3))
    pen.rect((left, horizon, right, low), water, outline=False)
    for row in range(8):
        y = horizon + (low - horizon) * (row + 0.5) / 8
        span = (right - left) * (0.04 + row * 0.015)
        for _ in range(3 + row):
            x = pen.rng.uniform(left, right - span)
            pen.draw.arc((x, y - 4, x + span, y + 4), 200, 340, fill=rgb(mix(water, "#ffffff", 0.45)),
                         width=max(1, pen.line // 2 + 1))
    pen.stroke([(left, horizon), (right, horizon)], 0.8)


def conifer(pen: Pen, x: float, ground: float, size: float, color: str) -> None:
    """A fir tree standing on `ground`, `size` pixels tall."""
    pen.rect((x - size * 0.05, ground - size * 0.3, x + size * 0.05, ground), "#4a3020")
    for tier in range(3):
        y = ground - size * (0.25 + tier * 0.3)
        pen.shape([(x, y - size * 0.55), (x - size * (0.38 - tier * 0.08), y), (x + size * (0.38 - tier * 0.08), y)],
                  color)
