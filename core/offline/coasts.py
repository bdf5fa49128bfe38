"""The sea sets: a shore (with a pier and boats at a harbour), a ship's deck, an island, a lighthouse on a
headland. Each draws an exterior `SetLook` in the box at its time of day.
"""

from __future__ import annotations

import math

from core.film.style import mix, rgb
from core.offline.landscape import conifer, dark, sea, sky
from core.offline.looks import SetLook
from core.offline.pen import Box, Pen

_HARBOUR = frozenset("pier dock jetty quay wharf harbour harbor landing marina port boardwalk".split())


def shore(pen: Pen, box: Box, look: SetLook, words) -> None:
    """Sea to the horizon, a beach in front; a pier and a moored boat at a harbour; fog when it says so."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.45
    sky(pen, box, look.time, horizon)
    sea(pen, box, look, horizon, bottom)
    sand = dark(look, mix(pen.palette.ground, "#e0c9a0", 0.55))
    coast = [(left, bottom - height * 0.28)] + [(left + width * step / 6, bottom - height * (0.22 + 0.06 * math.sin(
        step * 1.3 + pen.rng.uniform(0, 0.5)))) for step in range(1, 6)] + [(right, bottom - height * 0.12)]
    pen.shape(coast + [(right, bottom), (left, bottom)], sand)
    pen.stroke(coast, 1.5, mix(sand, "#ffffff", 0.6))
    if words & _HARBOUR:
        _pier(pen, box, horizon, look)
    if words & (_HARBOUR | {"boat", "boats", "ferry", "trawler", "ship", "harbour", "harbor"}):
        _moored_boat(pen, left + width * 0.3, horizon + height * 0.18, height * 0.12, look)
    if words & {"fog", "mist", "misty", "foggy", "haze"}:
        for band in range(4):
            y = horizon - height * 0.1 + band * height * 0.08
            pen.rect((left, y, right, y + height * 0.06), (255, 255, 255, 45), outline=False)
            pen.rect((left, y + height * 0.015, right, y + height * 0.045), (255, 255, 255, 35), outline=False)


def _pier(pen: Pen, box: Box, horizon: float, look: SetLook) -> None:
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    far, near = (left + width * 0.66, left + width * 0.72), (left + width * 0.55, left + width * 0.95)
    deck = dark(look, "#8a6a48")
    y_far = horizon + height * 0.06
    pen.shape([(far[0], y_far), (far[1], y_far), (near[1], bottom), (near[0], bottom)], deck)
    for step in range(6):
        t = step / 6
        y = y_far + (bottom - y_far) * t
        x0, x1 = far[0] + (near[0] - far[0]) * t, far[1] + (near[1] - far[1]) * t
        pen.stroke([(x0, y), (x1, y)], 0.7)
    for t in (0.3, 0.65, 1.0):  # pilings under the near edge
        x, y = far[1] + (near[1] - far[1]) * t, y_far + (bottom - y_far) * t
        pen.rect((x - 2 - 3 * t, y - height * 0.04 * t, x + 2 + 3 * t, y + height * 0.05 * t), mix(deck, "#000000", 0.35))


def _moored_boat(pen: Pen, cx: float, waterline: float, size: float, look: SetLook) -> None:
    hull = dark(look, "#c8c2b4")
    pen.shape([(cx - size * 1.6, waterline - size * 0.5), (cx + size * 1.7, waterline - size * 0.55),
               (cx + size * 1.2, waterline), (cx - size * 1.2, waterline)], hull)
    pen.rect((cx - size * 0.5, waterline - size * 1.1, cx + size * 0.4, waterline - size * 0.5), mix(hull, "#000000", 0.2))
    pen.stroke([(cx + size * 0.9, waterline - size * 0.5), (cx + size * 0.9, waterline - size * 2.0)], 1.5)
    if look.time == "night":
        pen.oval((cx - size * 0.2, waterline - size * 0.95, cx, waterline - size * 0.75), "#ffd77a", outline=False)


def deck(pen: Pen, box: Box, look: SetLook, words) -> None:
    """On board: open sea behind a ship's railing, deck planks underfoot, a lifebuoy."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.5
    sky(pen, box, look.time, horizon)
    sea(pen, box, look, horizon, bottom)
    floor = top + height * 0.78
    planks = dark(look, "#9a7a55")
    pen.rect((left, floor, right, bottom), planks)
    for step in range(1, 12):
        x = left + width * step / 12
        pen.stroke([(x, floor), (left + width / 2 + (x - left - width / 2) * 1.6, bottom)], 0.6)
    rail = top + height * 0.58
    pen.rect((left, rail, right, rail + height * 0.025), dark(look, "#e9e2d0"))
    for step in range(9):
        x = left + width * (step + 0.5) / 9
        pen.rect((x - 3, rail, x + 3, floor), dark(look, "#e9e2d0"))
    ring, cx = height * 0.08, left + width * 0.3
    pen.draw.ellipse((cx - ring, rail - ring * 0.2, cx + ring, rail + ring * 1.8), outline=rgb("#e0572b"),
                     width=max(6, round(ring * 0.4)))


def island(pen: Pen, box: Box, look: SetLook, words) -> None:
    """An island across the water: a green mound with trees and a hut, a shore in front."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.5
    sky(pen, box, look.time, horizon)
    sea(pen, box, look, horizon, bottom)
    land = dark(look, mix(pen.palette.ground, "#4f7a3a", 0.5))
    cx = left + width * pen.rng.uniform(0.4, 0.6)
    pen.draw.chord((cx - width * 0.3, horizon - height * 0.18, cx + width * 0.3, horizon + height * 0.1), 180, 360,
                   fill=rgb(land), outline=pen.ink, width=pen.line)
    for step in range(5):
        tx = cx - width * 0.15 + step * width * 0.07
        conifer(pen, tx, horizon - height * 0.02, height * 0.12, mix(land, "#000000", 0.35))


def headland(pen: Pen, box: Box, look: SetLook, words) -> None:
    """A lighthouse on a cliff above the sea, its light sweeping out at night or dusk."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.55
    sky(pen, box, look.time, horizon)
    sea(pen, box, look, horizon, bottom)
    cliff = dark(look, mix(pen.palette.ground, "#6e6a5e", 0.4))
    pen.shape([(left + width * 0.45, bottom), (left + width * 0.52, horizon - height * 0.02),
               (left + width * 0.62, horizon - height * 0.12), (right, horizon - height * 0.14), (right, bottom)], cliff)
    tx, base, tall = left + width * 0.75, horizon - height * 0.12, height * 0.5
    if look.time in ("night", "dusk"):
        pen.shape([(tx, base - tall * 0.92), (left, base - tall * 1.05), (left, base - tall * 0.55)],
                  (*rgb("#fff2b0"), 70), outline=False)
    pen.shape([(tx - width * 0.035, base), (tx + width * 0.035, base), (tx + width * 0.022, base - tall * 0.85),
               (tx - width * 0.022, base - tall * 0.85)], dark(look, "#f2efe6"))
    for band in (0.2, 0.5):
        y0, y1 = base - tall * band, base - tall * (band + 0.15)
        pen.shape([(tx - width * (0.035 - band * 0.015), y0), (tx + width * (0.035 - band * 0.015), y0),
                   (tx + width * (0.033 - band * 0.015 - 0.002), y1), (tx - width * (0.033 - band * 0.015 - 0.002), y1)],
                  dark(look, "#c0392b"))
    lamp = "#fff2b0" if look.time in ("night", "dusk") else mix(pen.palette.top, "#ffffff", 0.4)
    pen.rect((tx - width * 0.024, base - tall * 0.97, tx + width * 0.024, base - tall * 0.85), lamp)
    pen.shape([(tx - width * 0.032, base - tall * 0.97), (tx + width * 0.032, base - tall * 0.97), (tx, base - tall * 1.07)],
              pen.palette.ink)
