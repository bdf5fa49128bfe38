"""Silhouettes of the things a hand holds: cookware, cups, bottles, blades, weapons, books, paper, pens,
lamps, keys and tools. Each draws one prop standing on the table line `base`, about `size` pixels tall.

All take (pen, cx, base, size, body, words): `body` is the prop's colour, `words` its name and
description as tokens, for the few shapes that change with them (a pencil is not a fountain pen).
"""

from __future__ import annotations

import math

from core.film.style import mix
from core.offline.pen import Pen, paint


def wok(pen: Pen, cx, base, s, body, words) -> None:
    """A wide, shallow round-bottomed pan with a long handle."""
    pen.stroke([(cx + s * 0.95, base - s * 0.5), (cx + s * 2.0, base - s * 0.9)], 5.0, pen.palette.ink)
    pen.stroke([(cx + s * 1.45, base - s * 0.68), (cx + s * 2.0, base - s * 0.9)], 3.5, "#7b5236")
    pen.draw.chord((cx - s * 1.15, base - s * 1.05, cx + s * 1.15, base), 0, 180, fill=paint(body), outline=pen.ink,
                   width=pen.line)
    pen.oval((cx - s * 1.15, base - s * 0.6, cx + s * 1.15, base - s * 0.42), mix(body, "#000000", 0.45))
    pen.draw.arc((cx - s * 1.4, base - s * 0.68, cx - s * 1.0, base - s * 0.36), 90, 270, fill=pen.ink,
                 width=max(2, pen.line * 2))


def pot(pen: Pen, cx, base, s, body, words) -> None:
    """A lidded pot with two handles; a kettle or teapot also has a spout."""
    if words & {"kettle", "teapot", "coffeepot"}:
        pen.shape([(cx + s * 0.55, base - s * 0.5), (cx + s * 1.25, base - s * 1.1), (cx + s * 1.3, base - s * 1.0),
                   (cx + s * 0.6, base - s * 0.25)], body)
        pen.draw.arc((cx - s * 0.55, base - s * 1.55, cx + s * 0.55, base - s * 0.7), 180, 360, fill=pen.ink,
                     width=max(3, pen.line * 2))
    else:
        for side in (-1, 1):
            pen.rect((cx + side * s * 0.7 - s * 0.15, base - s * 0.8, cx + side * s * 0.7 + s * 0.15, base - s * 0.7),
                     pen.palette.ink)
    pen.rect((cx - s * 0.7, base - s * 0.95, cx + s * 0.7, base), body)
    pen.oval((cx - s * 0.75, base - s * 1.05, cx + s * 0.75, base - s * 0.85), mix(body, "#ffffff", 0.2))
    pen.oval((cx - s * 0.12, base - s * 1.15, cx + s * 0.12, base - s * 0.98), pen.palette.ink)


def cup(pen: Pen, cx, base, s, body, words) -> None:
    """A cup on a saucer; a bowl, plate or dish is wide and open."""
    if words & {"bowl", "dish", "plate", "saucer"}:
        pen.draw.chord((cx - s * 0.95, base - s * 0.9, cx + s * 0.95, base), 0, 180, fill=paint(body), outline=pen.ink,
                       width=pen.line)
        pen.oval((cx - s * 0.95, base - s * 0.52, cx + s * 0.95, base - s * 0.38), mix(body, "#ffffff", 0.3))
        return
    pen.oval((cx - s * 0.9, base - s * 0.12, cx + s * 0.9, base + s * 0.06), mix(body, "#ffffff", 0.4))
    pen.draw.arc((cx + s * 0.3, base - s * 0.85, cx + s * 0.85, base - s * 0.3), 270, 90, fill=pen.ink,
                 width=max(4, pen.line * 3))
    pen.shape([(cx - s * 0.55, base - s * 1.0), (cx + s * 0.55, base - s * 1.0), (cx + s * 0.42, base - s * 0.08),
               (cx - s * 0.42, base - s * 0.08)], body)
    pen.oval((cx - s * 0.55, base - s * 1.07, cx + s * 0.55, base - s * 0.93), mix(body, "#000000", 0.35))


def bottle(pen: Pen, cx, base, s, body, words) -> None:
    """A bottle with a neck, a label and a cork."""
    neck = s * 0.17
    pen.shape([(cx - s * 0.38, base), (cx + s * 0.38, base), (cx + s * 0.4, base - s * 1.0), (cx + neck, base - s * 1.3),
               (cx + neck, base - s * 1.7), (cx - neck, base - s * 1.7), (cx - neck, base - s * 1.3),
               (cx - s * 0.4, base - s * 1.0)], body)
    pen.rect((cx - neck * 0.9, base - s * 1.85, cx + neck * 0.9, base - s * 1.7), "#a87b4f")
    pen.rect((cx - s * 0.4, base - s * 0.75, cx + s * 0.4, base - s * 0.35), mix(pen.palette.paper, body, 0.15))
    pen.stroke([(cx - s * 0.25, base - s * 0.95), (cx - s * 0.25, base - s * 0.82)], 2.0, "#ffffff")


def knife(pen: Pen, cx, base, s, body, words) -> None:
    """A knife lying on the table: a bright blade and a dark handle."""
    y = base - s * 0.25
    pen.shape([(cx - s * 1.6, y - s * 0.02), (cx + s * 0.3, y - s * 0.2), (cx + s * 0.3, y + s * 0.12),
               (cx - s * 1.2, y + s * 0.08)], mix(body, "#ffffff", 0.3))
    pen.rect((cx + s * 0.3, y - s * 0.26, cx + s * 0.4, y + s * 0.18), pen.palette.ink)
    pen.shape([(cx + s * 0.4, y - s * 0.12), (cx + s * 1.4, y - s * 0.1), (cx + s * 1.45, y + s * 0.08),
               (cx + s * 0.4, y + s * 0.06)], "#4a3020")


def sword(pen: Pen, cx, base, s, body, words) -> None:
    """A sword standing point-down: long blade, crossguard, hilt and pommel."""
    pen.shape([(cx, base), (cx - s * 0.11, base - s * 0.2), (cx - s * 0.11, base - s * 1.6), (cx + s * 0.11, base - s * 1.6),
               (cx + s * 0.11, base - s * 0.2)], mix(body, "#ffffff", 0.35))
    pen.rect((cx - s * 0.5, base - s * 1.7, cx + s * 0.5, base - s * 1.6), "#8a6d2f")
    pen.rect((cx - s * 0.07, base - s * 2.05, cx + s * 0.07, base - s * 1.7), "#4a3020")
    pen.oval((cx - s * 0.12, base - s * 2.2, cx + s * 0.12, base - s * 2.0), "#8a6d2f")


def gun(pen: Pen, cx, base, s, body, words) -> None:
    """A revolver in profile (a long gun when it is a rifle or shotgun)."""
    long_gun = bool(words & {"rifle", "shotgun", "musket"})
    muzzle = cx - s * (2.2 if long_gun else 1.1)
    y = base - s * 0.9
    pen.rect((muzzle, y - s * 0.09, cx + s * 0.2, y + s * 0.09), body)
    if long_gun:
        pen.shape([(cx + s * 0.2, y - s * 0.1), (cx + s * 1.8, y + s * 0.05), (cx + s * 1.8, y + s * 0.45),
                   (cx + s * 0.4, y + s * 0.25)], "#6b4226")
    else:
        pen.rect((cx - s * 0.2, y - s * 0.15, cx + s * 0.35, y + s * 0.2), mix(body, "#ffffff", 0.15))
        pen.shape([(cx + s * 0.15, y + s * 0.12), (cx + s * 0.55, y + s * 0.1), (cx + s * 0.75, y + s * 0.8),
                   (cx + s * 0.4, y + s * 0.85)], "#4a3020")
    pen.draw.arc((cx - s * 0.05, y + s * 0.05, cx + s * 0.3, y + s * 0.45), 0, 180, fill=pen.ink,
                 width=max(2, pen.line))


def book(pen: Pen, cx, base, s, body, words) -> None:
    """A closed hardback seen from above at an angle: cover, page edges, spine and a title band."""
    pen.shape([(cx - s * 1.0, base), (cx + s * 0.9, base), (cx + s * 1.1, base - s * 0.2), (cx - s * 0.8, base - s * 0.2)],
              "#f3ecd8")
    pen.shape([(cx - s * 1.0, base - s * 0.2), (cx + s * 1.1, base - s * 0.2), (cx + s * 1.35, base - s * 0.95),
               (cx - s * 0.75, base - s * 0.95)], body)
    for row in (0.55, 0.7):
        pen.stroke([(cx - s * 0.5 + row * s * 0.1, base - s * row), (cx + s * 0.7 + row * s * 0.1, base - s * row)], 1.5,
                   mix(body, "#ffffff", 0.6))
    pen.shape([(cx - s * 1.0, base - s * 0.2), (cx - s * 0.82, base - s * 0.2), (cx - s * 0.58, base - s * 0.95),
               (cx - s * 0.75, base - s * 0.95)], mix(body, "#000000", 0.35))


def sheet(pen: Pen, cx, base, s, body, words) -> None:
    """A sheet of paper (a letter, a map, a photograph) lying a little askew, written or drawn on."""
    angle = math.radians(pen.rng.uniform(-10, 10))
    w, h = s * 0.9, s * 1.25
    corners = [(-w, -h), (w, -h), (w, 0), (-w, 0)]
    pen.shape([(cx + x * math.cos(angle) - y * math.sin(angle), base - 6 + x * math.sin(angle) + y * math.cos(angle))
               for x, y in corners], "#f4eee0")
    if words & {"map", "chart"}:
        pen.stroke([(cx - w * 0.7, base - h * 0.8), (cx - w * 0.1, base - h * 0.45), (cx + w * 0.2, base - h * 0.7),
                    (cx + w * 0.6, base - h * 0.25)], 1.5, pen.palette.accent)
        pen.stroke([(cx + w * 0.45, base - h * 0.35), (cx + w * 0.75, base - h * 0.15)], 2.0, "#c0392b")
        return
    if words & {"photo", "photograph", "picture", "poster"}:
        pen.rect((cx - w * 0.8, base - h * 0.92, cx + w * 0.8, base - h * 0.2), mix(body, pen.palette.ink, 0.5))
        return
    for row in range(1, 7):
        y = base - h + row * h / 7.5
        pen.stroke([(cx - w * 0.72, y), (cx + w * pen.rng.uniform(0.3, 0.72), y)], 0.8)


def writing_pen(pen: Pen, cx, base, s, body, words) -> None:
    """A pen (or pencil) lying at a slant: a long thin barrel, a nib or sharpened point, a clip."""
    pencil = bool(words & {"pencil", "crayon"})
    x0, y0, x1, y1 = cx - s * 1.5, base - s * 0.18, cx + s * 1.3, base - s * 0.62
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy, t = (x1 - x0) / length, (y1 - y0) / length, s * 0.09
    nx, ny = -uy * t, ux * t
    tip = s * 0.35
    pen.shape([(x0 + ux * tip + nx, y0 + uy * tip + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny),
               (x0 + ux * tip - nx, y0 + uy * tip - ny)], body)
    pen.shape([(x0, y0), (x0 + ux * tip + nx, y0 + uy * tip + ny), (x0 + ux * tip - nx, y0 + uy * tip - ny)],
              "#d9b98c" if pencil else "#d4af37")
    if not pencil:
        clip = 0.72
        pen.stroke([(x0 + ux * length * clip + nx * 1.6, y0 + uy * length * clip + ny * 1.6),
                    (x1 - ux * s * 0.15 + nx * 1.6, y1 - uy * s * 0.15 + ny * 1.6)], 2.0, "#d4af37")


def cane(pen: Pen, cx, base, s, body, words) -> None:
    """A walking stick leaning, with a crook."""
    pen.stroke([(cx - s * 0.3, base), (cx + s * 0.2, base - s * 1.8)], 4.0, body)
    pen.draw.arc((cx + s * 0.2, base - s * 2.1, cx + s * 0.7, base - s * 1.6), 180, 360, fill=paint(body),
                 width=max(6, pen.line * 4))


def lantern(pen: Pen, cx, base, s, body, words) -> None:
    """A lantern glowing on the table: a framed glass, a cap and a carrying ring."""
    glow = pen.palette.accent
    pen.oval((cx - s * 0.95, base - s * 1.9, cx + s * 0.95, base - s * 0.1), (*paint(glow), 60), outline=False)
    pen.rect((cx - s * 0.32, base - s * 1.3, cx + s * 0.32, base), mix("#fff3c4", glow, 0.3))
    pen.oval((cx - s * 0.12, base - s * 0.8, cx + s * 0.12, base - s * 0.4), "#ffb830", outline=False)
    for x in (-0.32, 0.0, 0.32):
        pen.stroke([(cx + s * x, base - s * 1.3), (cx + s * x, base)], 1.5, body)
    pen.shape([(cx - s * 0.45, base - s * 1.3), (cx + s * 0.45, base - s * 1.3), (cx, base - s * 1.62)], body)
    pen.rect((cx - s * 0.42, base - s * 0.1, cx + s * 0.42, base), body)
    pen.draw.arc((cx - s * 0.25, base - s * 1.95, cx + s * 0.25, base - s * 1.5), 180, 360, fill=pen.ink,
                 width=max(3, pen.line * 2))


def candle(pen: Pen, cx, base, s, body, words) -> None:
    """A lit candle in a holder, with its glow."""
    glow = pen.palette.accent
    pen.oval((cx - s * 0.8, base - s * 2.1, cx + s * 0.8, base - s * 0.6), (*paint(glow), 55), outline=False)
    pen.oval((cx - s * 0.6, base - s * 0.16, cx + s * 0.6, base + s * 0.02), "#b8a07a")
    pen.rect((cx - s * 0.16, base - s * 1.2, cx + s * 0.16, base - s * 0.08), mix(body, "#ffffff", 0.6))
    pen.stroke([(cx, base - s * 1.2), (cx, base - s * 1.3)], 1.0)
    pen.shape([(cx, base - s * 1.62), (cx + s * 0.1, base - s * 1.36), (cx, base - s * 1.27), (cx - s * 0.1, base - s * 1.36)],
              "#ffb830", outline=False)


def key(pen: Pen, cx, base, s, body, words) -> None:
    """A large old key: a ring bow, a shaft and teeth."""
    pen.draw.ellipse((cx - s * 1.2, base - s * 0.95, cx - s * 0.45, base - s * 0.2), outline=pen.ink,
                     width=max(8, round(s * 0.12)) + pen.line)
    pen.draw.ellipse((cx - s * 1.2 + pen.line, base - s * 0.95 + pen.line, cx - s * 0.45 - pen.line,
                      base - s * 0.2 - pen.line), outline=paint(body), width=max(6, round(s * 0.1)))
    pen.rect((cx - s * 0.47, base - s * 0.64, cx + s * 1.0, base - s * 0.5), body)
    for tooth in range(3):
        x = cx + s * (0.5 + tooth * 0.17)
        pen.rect((x, base - s * 0.5, x + s * 0.1, base - s * pen.rng.uniform(0.25, 0.38)), body)


def hammer(pen: Pen, cx, base, s, body, words) -> None:
    """A hammer (an axe when it is one) standing on its head's end."""
    pen.shape([(cx - s * 0.08, base), (cx + s * 0.08, base), (cx + s * 0.07, base - s * 1.5), (cx - s * 0.07, base - s * 1.5)],
              "#8a5a32")
    if words & {"axe", "hatchet", "pickaxe"}:
        pen.shape([(cx - s * 0.05, base - s * 1.7), (cx - s * 0.75, base - s * 1.95), (cx - s * 0.7, base - s * 1.2),
                   (cx - s * 0.05, base - s * 1.4)], mix(body, "#ffffff", 0.3))
        return
    pen.rect((cx - s * 0.6, base - s * 1.8, cx + s * 0.3, base - s * 1.5), body)
    pen.rect((cx - s * 0.7, base - s * 1.85, cx - s * 0.55, base - s * 1.45), body)
    pen.shape([(cx + s * 0.3, base - s * 1.8), (cx + s * 0.8, base - s * 2.0), (cx + s * 0.75, base - s * 1.9),
               (cx + s * 0.3, base - s * 1.62)], body)


def wrench(pen: Pen, cx, base, s, body, words) -> None:
    """A spanner lying flat, open jaws at both ends."""
    y = base - s * 0.4
    pen.rect((cx - s * 1.1, y - s * 0.1, cx + s * 1.1, y + s * 0.1), body)
    for side in (-1, 1):
        jaw = cx + side * s * 1.3
        pen.oval((jaw - s * 0.32, y - s * 0.32, jaw + s * 0.32, y + s * 0.32), body)
        pen.rect((jaw + side * s * 0.02 - s * 0.11, y - s * 0.12, jaw + side * s * 0.4, y + s * 0.12),
                 pen.palette.top, outline=False)
