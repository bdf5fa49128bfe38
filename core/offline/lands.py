"""The land sets: forest, street, skyline, road, field, mountains, desert, park, a tower or castle, and
plain hills for an exterior nothing more is known about. Each draws an exterior `SetLook` in the box.
"""

from __future__ import annotations

import math

from core.film.style import mix, rgb
from core.offline.landscape import conifer, dark, ground, sky
from core.offline.looks import SetLook
from core.offline.pen import Box, Pen


def forest(pen: Pen, box: Box, look: SetLook, words) -> None:
    """Rows of trees, far ones paler and smaller, with a path leading in."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.55
    sky(pen, box, look.time, horizon)
    ground(pen, box, horizon, dark(look, mix(pen.palette.ground, "#4f6b35", 0.45)))
    path = dark(look, mix(pen.palette.ground, "#b59a68", 0.5))
    pen.shape([(left + width * 0.48, horizon), (left + width * 0.52, horizon), (left + width * 0.7, bottom),
               (left + width * 0.3, bottom)], path, outline=False)
    for row in range(3):
        shade = dark(look, mix("#2f5a2a", pen.palette.top, 0.45 - row * 0.2))
        size = height * (0.16 + row * 0.1)
        y = horizon + row * height * 0.12
        for step in range(9 - row * 2):
            x = left + width * (step + pen.rng.uniform(0.1, 0.9)) / (9 - row * 2)
            if abs(x - (left + width / 2)) < width * (0.04 + row * 0.06):
                continue  # keep the path clear
            conifer(pen, x, y, size, shade)


def street(pen: Pen, box: Box, look: SetLook, words) -> None:
    """A street in one-point perspective: the road, pavements, façades with windows, street lamps."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    vx, vy = left + width * pen.rng.uniform(0.45, 0.55), top + height * 0.45
    sky(pen, box, look.time, vy)
    ground(pen, box, vy, dark(look, mix(pen.palette.ground, "#55575c", 0.5)))
    pen.shape([(vx - width * 0.01, vy), (vx + width * 0.01, vy), (left + width * 0.82, bottom), (left + width * 0.18, bottom)],
              dark(look, "#3e4045"))
    pen.stroke([(vx, vy), (left + width * 0.5, bottom)], 1.0, "#e8e0c0")
    lit = 0.55 if look.time == "night" else 0.0
    for side in (-1, 1):
        edge = left if side < 0 else right
        near = vx + side * width * 0.34
        wall = dark(look, mix(pen.palette.ground, "#9a7b62" if side < 0 else "#8a8f96", 0.5))
        pen.shape([(edge, top), (near, top + height * 0.05), (vx + side * width * 0.04, vy - height * 0.2),
                   (vx + side * width * 0.04, vy), (near, bottom - height * 0.18), (edge, bottom - height * 0.15)], wall)
        for col in range(4):
            t = col / 4
            x = edge + (vx + side * width * 0.05 - edge) * (t + 0.08)
            for row in range(3):
                y0 = top + height * (0.12 + row * 0.17) * (1 - t * 0.6) + (vy - top) * t * 0.55
                size = height * 0.07 * (1 - t * 0.75)
                lamp = pen.rng.random() < lit
                pen.rect((x, y0, x + side * size * 0.8, y0 + size), "#ffd77a" if lamp else dark(look, "#b8c8d6"))
        post = edge + (vx - edge) * 0.2
        pen.stroke([(post, bottom - height * 0.17), (post, top + height * 0.3)], 1.6)
        pen.oval((post - 7, top + height * 0.3 - 7, post + 7, top + height * 0.3 + 7), "#ffd77a")


def skyline(pen: Pen, box: Box, look: SetLook, words) -> None:
    """A city skyline of towers and blocks, windows lit at night, a roof ledge in front when on a rooftop."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.72
    sky(pen, box, look.time, horizon)
    for layer in range(2):
        x = left
        shade = dark(look, mix(pen.palette.ink, pen.palette.top, 0.55 - layer * 0.35))
        while x < right:
            w, h = width * pen.rng.uniform(0.05, 0.1), height * pen.rng.uniform(0.2, 0.5 - layer * 0.12)
            pen.rect((x, horizon - h, x + w, bottom), shade)
            for wy in range(int(horizon - h + 10), int(horizon), 16):
                if pen.rng.random() < (0.5 if look.time == "night" else 0.15):
                    pen.rect((x + w * 0.3, wy, x + w * 0.45, wy + 6), pen.palette.accent, outline=False)
            x += w + width * 0.012
    pen.rect((left, bottom - height * 0.12, right, bottom), dark(look, mix(pen.palette.ground, "#6e6a5e", 0.4)))


def road(pen: Pen, box: Box, look: SetLook, words) -> None:
    """An open road running to the horizon, a dashed centre line, telegraph poles alongside."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.5
    vx = left + width * 0.5
    sky(pen, box, look.time, horizon)
    ground(pen, box, horizon, dark(look, mix(pen.palette.ground, "#8a9a5b", 0.35)))
    pen.shape([(vx - 2, horizon), (vx + 2, horizon), (left + width * 0.85, bottom), (left + width * 0.15, bottom)],
              dark(look, "#4a4a4e"))
    for step in range(8):
        t0, t1 = (step / 8) ** 2, ((step + 0.5) / 8) ** 2
        pen.stroke([(vx, horizon + (bottom - horizon) * t0), (vx, horizon + (bottom - horizon) * t1)], 1 + 2 * t1,
                   "#f1e3a0")
    for step in range(6):
        t = ((step + 1) / 6) ** 2
        x, y = vx + width * 0.45 * t, horizon + (bottom - horizon) * t
        pen.stroke([(x, y), (x, y - height * 0.45 * t - 4)], 0.5 + t)
        pen.stroke([(x - width * 0.03 * t, y - height * 0.4 * t), (x + width * 0.03 * t, y - height * 0.4 * t)], 0.5 + t)


def field(pen: Pen, box: Box, look: SetLook, words) -> None:
    """Flat fields to a low horizon: furrows running away, a fence, a lone tree."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.52
    sky(pen, box, look.time, horizon)
    ground(pen, box, horizon, dark(look, mix(pen.palette.ground, "#b5a05a", 0.45)))
    vx = left + width * pen.rng.uniform(0.3, 0.7)
    for step in range(-12, 13):
        pen.stroke([(vx + step * width * 0.004, horizon), (vx + step * width * 0.09, bottom)], 0.6,
                   dark(look, mix(pen.palette.ground, "#7a6a3a", 0.5)))
    fence = horizon + height * 0.22
    pen.stroke([(left, fence), (right, fence - height * 0.04)], 1.2, "#6b4a2b")
    for step in range(12):
        x = left + width * step / 11
        pen.stroke([(x, fence - height * 0.04 * step / 11 - height * 0.05), (x, fence - height * 0.04 * step / 11
                    + height * 0.03)], 1.5, "#6b4a2b")
    tx = left + width * pen.rng.choice((0.2, 0.78))
    pen.rect((tx - 4, horizon - height * 0.16, tx + 4, horizon + 2), "#4a3020")
    pen.oval((tx - height * 0.09, horizon - height * 0.3, tx + height * 0.09, horizon - height * 0.12),
             dark(look, "#4f6b35"))


def mountain(pen: Pen, box: Box, look: SetLook, words) -> None:
    """Mountain peaks with snow caps over a valley."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.7
    sky(pen, box, look.time, horizon)
    ground(pen, box, horizon, dark(look, mix(pen.palette.ground, "#5f7a45", 0.4)))
    for peak in range(3):
        px, py = left + width * (0.2 + peak * 0.3 + pen.rng.uniform(-0.05, 0.05)), top + height * pen.rng.uniform(0.1, 0.3)
        span = width * 0.3
        rock = dark(look, mix("#6e6a72", pen.palette.top, 0.25 + peak * 0.1))
        pen.shape([(px - span, horizon), (px, py), (px + span, horizon)], rock)
        cap = (horizon - py) * 0.25
        pen.shape([(px - span * cap / (horizon - py), py + cap), (px, py), (px + span * cap / (horizon - py), py + cap)],
                  "#f5f5f5")


def desert(pen: Pen, box: Box, look: SetLook, words) -> None:
    """Rolling dunes under a big sun, a cactus."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.55
    sky(pen, box, look.time, horizon)
    for layer in range(3):
        sand = dark(look, mix("#e0b878", pen.palette.ground, 0.2 + layer * 0.12))
        points = [(left + width * step / 20, horizon + layer * height * 0.12 - height * 0.06 * math.sin(
            step * 0.6 + layer * 2 + pen.rng.uniform(0, 0.3))) for step in range(21)]
        pen.shape([(left, bottom)] + points + [(right, bottom)], sand)
    cx, base = left + width * 0.25, bottom - height * 0.1
    pen.rect((cx - 8, base - height * 0.3, cx + 8, base), "#4f7a3a")
    pen.rect((cx - 30, base - height * 0.2, cx - 8, base - height * 0.17), "#4f7a3a")
    pen.rect((cx - 30, base - height * 0.28, cx - 22, base - height * 0.17), "#4f7a3a")


def park(pen: Pen, box: Box, look: SetLook, words) -> None:
    """A park or garden: lawn, round trees, a winding path, a bench and a lamp."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.55
    sky(pen, box, look.time, horizon)
    ground(pen, box, horizon, dark(look, mix(pen.palette.ground, "#6a9a45", 0.5)))
    pen.shape([(left + width * 0.45, horizon), (left + width * 0.5, horizon), (left + width * 0.35, horizon + height * 0.2),
               (left + width * 0.65, bottom), (left + width * 0.4, bottom), (left + width * 0.25, horizon + height * 0.2)],
              dark(look, "#d8c8a0"))
    for step in range(6):
        tx = left + width * (step + 0.5) / 6
        size = height * pen.rng.uniform(0.08, 0.13)
        pen.rect((tx - 4, horizon - size, tx + 4, horizon + 4), "#4a3020")
        pen.oval((tx - size, horizon - size * 2.6, tx + size, horizon - size * 0.8), dark(look, "#3f7a35"))
    bx, by = left + width * 0.72, bottom - height * 0.2
    pen.rect((bx, by, bx + width * 0.14, by + height * 0.025), "#7b5236")
    pen.rect((bx, by - height * 0.07, bx + width * 0.14, by - height * 0.05), "#7b5236")
    for x in (bx + 6, bx + width * 0.14 - 6):
        pen.stroke([(x, by), (x, by + height * 0.07)], 1.5)


def tower(pen: Pen, box: Box, look: SetLook, words) -> None:
    """A tower on a hill: a castle keep with battlements, or a steeple for a church."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * 0.65
    sky(pen, box, look.time, horizon)
    hill = dark(look, mix(pen.palette.ground, "#5f7a45", 0.35))
    pen.draw.chord((left - width * 0.1, horizon - height * 0.2, right + width * 0.1, bottom + height * 0.6), 180, 360,
                   fill=rgb(hill), outline=pen.ink, width=pen.line)
    tx, base = left + width * pen.rng.uniform(0.4, 0.6), horizon - height * 0.18
    stone = dark(look, mix("#9a968c", pen.palette.top, 0.2))
    pen.rect((tx - width * 0.05, base - height * 0.45, tx + width * 0.05, base + height * 0.05), stone)
    if words & {"steeple", "church", "chapel", "cathedral"}:
        pen.shape([(tx - width * 0.055, base - height * 0.45), (tx + width * 0.055, base - height * 0.45),
                   (tx, base - height * 0.75)], mix(stone, "#000000", 0.2))
    else:
        for step in range(4):
            x = tx - width * 0.05 + step * width * 0.1 / 3.5
            pen.rect((x, base - height * 0.5, x + width * 0.018, base - height * 0.45), stone)
    pen.draw.chord((tx - width * 0.015, base - height * 0.35, tx + width * 0.015, base - height * 0.25), 180, 360,
                   fill=(20, 20, 30))
    pen.rect((tx - width * 0.015, base - height * 0.3, tx + width * 0.015, base - height * 0.22), (20, 20, 30))


def hills(pen: Pen, box: Box, look: SetLook, words) -> None:
    """Rolling hills under the sky: an exterior nothing more is known about."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    horizon = top + height * pen.rng.uniform(0.55, 0.65)
    sky(pen, box, look.time, horizon)
    for layer in range(3):
        shade = dark(look, mix(pen.palette.ground, pen.palette.ink, 0.15 + layer * 0.25))
        points = [(left + width * step / 8, horizon + layer * height * 0.08 - pen.rng.uniform(0, height * 0.12))
                  for step in range(9)]
        pen.shape([(left, bottom)] + points + [(right, bottom)], shade)
