"""Silhouettes of larger or built things: vehicles, dishes and antennas, instruments, boxes and cases,
cages, dials and wheels, rings, garments, cameras, telephones, radios, rope and flowers; and the
fallback, a labelled card that names a prop the vocabulary doesn't know.

Same signature as `core.offline.objects`: (pen, cx, base, size, body, words).
"""

from __future__ import annotations

import math

from core.film.style import contrasting, mix
from core.offline.pen import Pen, font, paint


def car(pen: Pen, cx, base, s, body, words) -> None:
    """A car (a van or truck is taller) in profile, on two wheels."""
    tall = 0.3 if words & {"van", "truck", "lorry", "bus"} else 0.0
    y = base - s * 0.3
    pen.shape([(cx - s * 1.7, y), (cx + s * 1.7, y), (cx + s * 1.75, y - s * 0.45), (cx + s * 1.2, y - s * 0.55),
               (cx + s * 0.7, y - s * (1.05 + tall)), (cx - s * 0.9, y - s * (1.05 + tall)),
               (cx - s * 1.3, y - s * 0.55), (cx - s * 1.7, y - s * 0.5)], body)
    for x0, x1 in ((-0.8, -0.1), (0.0, 0.6)):
        pen.shape([(cx + s * x0, y - s * 0.6), (cx + s * x1, y - s * 0.6), (cx + s * (x1 - 0.05), y - s * (0.95 + tall)),
                   (cx + s * (x0 + 0.1), y - s * (0.95 + tall))], mix(pen.palette.top, "#ffffff", 0.4))
    for x in (-1.05, 1.05):
        pen.oval((cx + s * x - s * 0.33, base - s * 0.62, cx + s * x + s * 0.33, base + s * 0.04), pen.palette.ink)
        pen.oval((cx + s * x - s * 0.13, base - s * 0.42, cx + s * x + s * 0.13, base - s * 0.16), "#b0b0b0")
    pen.oval((cx + s * 1.55, y - s * 0.42, cx + s * 1.72, y - s * 0.28), "#ffe38a")


def boat(pen: Pen, cx, base, s, body, words) -> None:
    """A boat on a strip of water: hull, wheelhouse and mast."""
    pen.rect((cx - s * 2.2, base - s * 0.2, cx + s * 2.2, base), mix(pen.palette.top, "#1d4f7a", 0.5), outline=False)
    pen.shape([(cx - s * 1.8, base - s * 0.75), (cx + s * 1.9, base - s * 0.85), (cx + s * 1.3, base - s * 0.1),
               (cx - s * 1.4, base - s * 0.1)], body)
    pen.stroke([(cx - s * 1.65, base - s * 0.55), (cx + s * 1.75, base - s * 0.62)], 1.5, "#ffffff")
    pen.rect((cx - s * 0.5, base - s * 1.3, cx + s * 0.3, base - s * 0.78), mix(pen.palette.paper, body, 0.2))
    pen.rect((cx - s * 0.38, base - s * 1.18, cx + s * 0.18, base - s * 1.0), mix(pen.palette.top, "#ffffff", 0.3))
    pen.stroke([(cx + s * 0.9, base - s * 0.8), (cx + s * 0.9, base - s * 2.1)], 2.0)
    pen.stroke([(cx + s * 0.9, base - s * 2.05), (cx - s * 1.6, base - s * 0.8)], 0.7)


def bicycle(pen: Pen, cx, base, s, body, words) -> None:
    """A bicycle in profile: two wheels, a diamond frame, a saddle and handlebars."""
    r, hub = s * 0.55, base - s * 0.55
    back, front = (cx - s * 0.95, hub), (cx + s * 0.95, hub)
    for x, y in (back, front):
        pen.draw.ellipse((x - r, y - r, x + r, y + r), outline=pen.ink, width=max(3, pen.line * 2))
    seat, bars, crank = (cx - s * 0.3, hub - s * 0.75), (cx + s * 0.65, hub - s * 0.8), (cx, hub)
    for a, b in ((back, seat), (seat, crank), (crank, back), (seat, bars), (bars, front), (crank, bars)):
        pen.stroke([a, b], 2.5, body)
    pen.stroke([(seat[0] - s * 0.2, seat[1] - s * 0.05), (seat[0] + s * 0.15, seat[1] - s * 0.05)], 3.5)
    pen.stroke([(bars[0], bars[1]), (bars[0] + s * 0.2, bars[1] - s * 0.15)], 2.5)


def plane(pen: Pen, cx, base, s, body, words) -> None:
    """An aeroplane in profile above the table: fuselage, wing, tail fin."""
    y = base - s * 1.0
    pen.shape([(cx - s * 0.2, y), (cx + s * 0.6, y + s * 0.05), (cx - s * 0.6, y + s * 0.75)], mix(body, "#000000", 0.2))
    pen.oval((cx - s * 1.9, y - s * 0.22, cx + s * 1.9, y + s * 0.22), body)
    pen.shape([(cx - s * 1.5, y), (cx - s * 1.9, y - s * 0.75), (cx - s * 1.6, y - s * 0.75), (cx - s * 1.1, y)], body)
    for step in range(5):
        x = cx - s * 0.6 + step * s * 0.35
        pen.oval((x - s * 0.07, y - s * 0.08, x + s * 0.07, y + s * 0.04), mix(pen.palette.top, "#ffffff", 0.5))


def antenna(pen: Pen, cx, base, s, body, words) -> None:
    """A dish antenna on its mount, tipped to the sky; an array is a row of them, far ones smaller."""
    many = bool(words & {"array", "dishes", "antennas", "antennae", "aerials", "field"})
    placed = [(-1.7, 0.55), (0.0, 0.75), (1.6, 0.6)] if many else [(0.0, 1.0)]
    for offset, scale in placed:
        _dish(pen, cx + s * offset, base, s * scale, body)


def _dish(pen: Pen, cx, base, s, body) -> None:
    pen.shape([(cx - s * 0.35, base), (cx + s * 0.35, base), (cx + s * 0.1, base - s * 0.9), (cx - s * 0.1, base - s * 0.9)],
              mix(body, "#000000", 0.3))
    tilt, cy = math.radians(-35), base - s * 1.35
    rim = [(cx + s * 0.9 * math.cos(t) * math.cos(tilt) - s * 0.3 * math.sin(t) * math.sin(tilt),
            cy + s * 0.9 * math.cos(t) * math.sin(tilt) + s * 0.3 * math.sin(t) * math.cos(tilt))
           for t in (step * math.pi / 12 for step in range(24))]
    pen.shape(rim, body)
    focus = (cx + s * 0.45, cy - s * 0.7)
    for t in (0.3, math.pi + 0.3):
        edge = (cx + s * 0.85 * math.cos(t) * math.cos(tilt), cy + s * 0.85 * math.cos(t) * math.sin(tilt))
        pen.stroke([edge, focus], 1.2)
    pen.oval((focus[0] - s * 0.08, focus[1] - s * 0.08, focus[0] + s * 0.08, focus[1] + s * 0.08), pen.palette.accent)


def guitar(pen: Pen, cx, base, s, body, words) -> None:
    """A guitar (or violin) standing up: a waisted body, a sound hole, a long neck."""
    pen.rect((cx - s * 0.08, base - s * 2.0, cx + s * 0.08, base - s * 0.9), "#3b2a1e")
    pen.rect((cx - s * 0.13, base - s * 2.25, cx + s * 0.13, base - s * 2.0), "#3b2a1e")
    pen.oval((cx - s * 0.42, base - s * 1.25, cx + s * 0.42, base - s * 0.55), body)
    pen.oval((cx - s * 0.55, base - s * 0.85, cx + s * 0.55, base), body)
    pen.oval((cx - s * 0.14, base - s * 0.78, cx + s * 0.14, base - s * 0.5), pen.palette.ink)
    pen.stroke([(cx, base - s * 2.15), (cx, base - s * 0.2)], 0.5, "#e8e0d0")


def piano(pen: Pen, cx, base, s, body, words) -> None:
    """An upright piano: a tall case with a keyboard of white and black keys."""
    pen.rect((cx - s * 1.4, base - s * 1.6, cx + s * 1.4, base), body)
    pen.rect((cx - s * 1.3, base - s * 0.95, cx + s * 1.3, base - s * 0.7), "#f5f1e6")
    for key in range(22):
        x = cx - s * 1.3 + key * s * 2.6 / 22
        pen.stroke([(x, base - s * 0.95), (x, base - s * 0.7)], 0.5)
        if key % 7 not in (2, 6):
            pen.draw.rectangle((x + s * 0.07, base - s * 0.95, x + s * 0.14, base - s * 0.8), fill=pen.ink)


def drum(pen: Pen, cx, base, s, body, words) -> None:
    """A drum: a shell with zigzag lacing, a skin and two sticks."""
    pen.rect((cx - s * 0.8, base - s * 0.95, cx + s * 0.8, base - s * 0.1), body)
    pen.oval((cx - s * 0.8, base - s * 0.2, cx + s * 0.8, base), body)
    zig = [(cx - s * 0.8 + step * s * 0.2, base - s * (0.95 if step % 2 else 0.15)) for step in range(9)]
    pen.stroke(zig, 1.0, "#f5f1e6")
    pen.oval((cx - s * 0.8, base - s * 1.1, cx + s * 0.8, base - s * 0.8), "#efe6d2")
    for side in (-1, 1):
        pen.stroke([(cx + side * s * 0.2, base - s * 1.05), (cx + side * s * 0.9, base - s * 1.8)], 2.0, "#8a5a32")


def horn(pen: Pen, cx, base, s, body, words) -> None:
    """A trumpet in profile: mouthpiece, tubing, valves and a flared bell."""
    y = base - s * 0.9
    pen.shape([(cx + s * 0.9, y - s * 0.08), (cx + s * 1.6, y - s * 0.45), (cx + s * 1.6, y + s * 0.45),
               (cx + s * 0.9, y + s * 0.08)], body)
    pen.rect((cx - s * 1.3, y - s * 0.07, cx + s * 0.95, y + s * 0.07), body)
    pen.draw.rounded_rectangle((cx - s * 0.8, y - s * 0.07, cx + s * 0.5, y + s * 0.45), radius=s * 0.2,
                               outline=paint(body), width=max(4, round(s * 0.1)))
    for step in range(3):
        x = cx - s * 0.3 + step * s * 0.25
        pen.rect((x - s * 0.06, y - s * 0.4, x + s * 0.06, y + s * 0.3), mix(body, "#ffffff", 0.2))


def box(pen: Pen, cx, base, s, body, words) -> None:
    """A box in three-quarter view: front, lid and side, with a band of tape."""
    w, h, d = s * 0.9, s * 0.85, s * 0.35
    pen.shape([(cx - w, base), (cx + w, base), (cx + w, base - h), (cx - w, base - h)], body)
    pen.shape([(cx + w, base), (cx + w + d, base - d), (cx + w + d, base - h - d), (cx + w, base - h)],
              mix(body, "#000000", 0.25))
    pen.shape([(cx - w, base - h), (cx + w, base - h), (cx + w + d, base - h - d), (cx - w + d, base - h - d)],
              mix(body, "#ffffff", 0.2))
    pen.rect((cx - s * 0.12, base - h, cx + s * 0.12, base), mix(body, "#ffffff", 0.45))


def case(pen: Pen, cx, base, s, body, words) -> None:
    """A suitcase or bag standing up: rounded body, handle, two straps."""
    pen.draw.rounded_rectangle((cx - s * 1.1, base - s * 1.05, cx + s * 1.1, base), radius=s * 0.15, fill=paint(body),
                               outline=pen.ink, width=pen.line)
    pen.draw.arc((cx - s * 0.35, base - s * 1.35, cx + s * 0.35, base - s * 0.85), 180, 360, fill=pen.ink,
                 width=max(4, pen.line * 3))
    for x in (-0.6, 0.6):
        pen.rect((cx + s * x - s * 0.08, base - s * 1.05, cx + s * x + s * 0.08, base), mix(body, "#000000", 0.3))


def cage(pen: Pen, cx, base, s, body, words) -> None:
    """A birdcage: a domed top of wire bars on a round base, with a hanging ring."""
    top, w = base - s * 1.7, s * 0.75
    pen.draw.arc((cx - w, top, cx + w, top + s * 0.9), 180, 360, fill=paint(body), width=max(3, pen.line * 2))
    for step in range(9):
        x = cx - w + step * w * 2 / 8
        lift = s * 0.45 * max(0.0, 1 - ((x - cx) / w) ** 2) ** 0.5
        pen.stroke([(x, top + s * 0.45 - lift), (x, base - s * 0.15)], 1.0, body)
    pen.rect((cx - w * 1.08, base - s * 0.18, cx + w * 1.08, base), body)
    pen.draw.ellipse((cx - s * 0.12, top - s * 0.22, cx + s * 0.12, top + s * 0.02), outline=paint(body),
                     width=max(3, pen.line * 2))


def clock(pen: Pen, cx, base, s, body, words) -> None:
    """A dial: a clock or watch face with twelve marks and two hands (a compass has a needle)."""
    r, cy = s * 0.8, base - s * 0.95
    pen.oval((cx - r, cy - r, cx + r, cy + r), body)
    pen.oval((cx - r * 0.85, cy - r * 0.85, cx + r * 0.85, cy + r * 0.85), "#f5f1e6")
    for mark in range(12):
        a = mark * math.pi / 6
        pen.stroke([(cx + r * 0.72 * math.cos(a), cy + r * 0.72 * math.sin(a)),
                    (cx + r * 0.82 * math.cos(a), cy + r * 0.82 * math.sin(a))], 1.0)
    if "compass" in words:
        pen.shape([(cx, cy - r * 0.7), (cx + r * 0.12, cy), (cx, cy + r * 0.7), (cx - r * 0.12, cy)], "#c0392b")
    else:
        pen.stroke([(cx, cy), (cx + r * 0.35, cy - r * 0.35)], 2.5)
        pen.stroke([(cx, cy), (cx, cy - r * 0.65)], 1.5)
    pen.draw.ellipse((cx - s * 0.14, cy - r - s * 0.25, cx + s * 0.14, cy - r + s * 0.02), outline=paint(body),
                     width=max(3, pen.line * 2))


def wheel(pen: Pen, cx, base, s, body, words) -> None:
    """A spoked wheel (a ship's helm has handles past the rim)."""
    r, cy = s * 0.75, base - s * 0.9
    helm = "helm" in words
    for spoke in range(8):
        a = spoke * math.pi / 4
        reach = 1.25 if helm else 1.0
        pen.stroke([(cx, cy), (cx + r * reach * math.cos(a), cy + r * reach * math.sin(a))], 2.0, body)
    pen.draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=paint(body), width=max(6, pen.line * 3))
    pen.oval((cx - r * 0.18, cy - r * 0.18, cx + r * 0.18, cy + r * 0.18), pen.palette.accent)


def ring(pen: Pen, cx, base, s, body, words) -> None:
    """A ring with a stone, or a coin or medal: small and bright on the table."""
    if words & {"coin", "medal", "medallion", "badge"}:
        pen.oval((cx - s * 0.5, base - s * 1.1, cx + s * 0.5, base - s * 0.1), body)
        pen.oval((cx - s * 0.35, base - s * 0.95, cx + s * 0.35, base - s * 0.25), None)
        return
    pen.draw.ellipse((cx - s * 0.45, base - s * 0.9, cx + s * 0.45, base - s * 0.05), outline=paint(body),
                     width=max(6, round(s * 0.1)))
    pen.shape([(cx, base - s * 1.2), (cx + s * 0.15, base - s * 1.02), (cx, base - s * 0.86), (cx - s * 0.15, base - s * 1.02)],
              pen.palette.accent)


def garment(pen: Pen, cx, base, s, body, words) -> None:
    """A garment hanging from a hanger: shoulders, sleeves, buttons."""
    top = base - s * 1.75
    pen.stroke([(cx, top - s * 0.3), (cx, top - s * 0.05)], 1.5)
    pen.stroke([(cx - s * 0.55, top + s * 0.05), (cx, top - s * 0.05), (cx + s * 0.55, top + s * 0.05)], 2.0)
    pen.shape([(cx - s * 0.5, top), (cx + s * 0.5, top), (cx + s * 1.0, top + s * 0.5), (cx + s * 0.75, top + s * 0.7),
               (cx + s * 0.6, top + s * 0.5), (cx + s * 0.6, base - s * 0.05), (cx - s * 0.6, base - s * 0.05),
               (cx - s * 0.6, top + s * 0.5), (cx - s * 0.75, top + s * 0.7), (cx - s * 1.0, top + s * 0.5)], body)
    for step in range(4):
        y = top + s * (0.35 + step * 0.3)
        pen.oval((cx - s * 0.05, y - s * 0.05, cx + s * 0.05, y + s * 0.05), pen.palette.accent)


def camera(pen: Pen, cx, base, s, body, words) -> None:
    """A camera: a body, a viewfinder hump, a big lens and a flash window."""
    pen.rect((cx - s * 0.5, base - s * 1.35, cx + s * 0.2, base - s * 1.1), body)
    pen.draw.rounded_rectangle((cx - s * 1.0, base - s * 1.1, cx + s * 1.0, base - s * 0.05), radius=s * 0.1,
                               fill=paint(body), outline=pen.ink, width=pen.line)
    pen.oval((cx - s * 0.45, base - s * 1.0, cx + s * 0.45, base - s * 0.1), mix(body, "#000000", 0.4))
    pen.oval((cx - s * 0.25, base - s * 0.8, cx + s * 0.25, base - s * 0.3), "#4d6a8a")
    pen.rect((cx + s * 0.55, base - s * 0.95, cx + s * 0.85, base - s * 0.78), "#f5f1e6")


def phone(pen: Pen, cx, base, s, body, words) -> None:
    """A desk telephone: a sloped base, a dial, a handset on its cradle."""
    pen.shape([(cx - s * 0.9, base), (cx + s * 0.9, base), (cx + s * 0.6, base - s * 0.75), (cx - s * 0.6, base - s * 0.75)],
              body)
    pen.oval((cx - s * 0.32, base - s * 0.62, cx + s * 0.32, base - s * 0.08), "#f5f1e6")
    pen.oval((cx - s * 0.1, base - s * 0.45, cx + s * 0.1, base - s * 0.25), body)
    pen.draw.rounded_rectangle((cx - s * 0.95, base - s * 1.05, cx + s * 0.95, base - s * 0.8), radius=s * 0.12,
                               fill=paint(body), outline=pen.ink, width=pen.line)


def radio(pen: Pen, cx, base, s, body, words) -> None:
    """A radio set: a cabinet with a speaker grille, a tuning dial, knobs and an aerial."""
    pen.stroke([(cx + s * 0.7, base - s * 1.1), (cx + s * 1.2, base - s * 2.0)], 1.5)
    pen.draw.rounded_rectangle((cx - s * 1.1, base - s * 1.1, cx + s * 1.1, base), radius=s * 0.1, fill=paint(body),
                               outline=pen.ink, width=pen.line)
    pen.oval((cx - s * 0.95, base - s * 0.95, cx - s * 0.15, base - s * 0.15), mix(body, "#000000", 0.35))
    for row in range(5):
        y = base - s * (0.8 - row * 0.13)
        pen.stroke([(cx - s * 0.85, y), (cx - s * 0.25, y)], 0.6, mix(body, "#ffffff", 0.3))
    pen.rect((cx + s * 0.1, base - s * 0.9, cx + s * 0.95, base - s * 0.6), "#f0dca0")
    for x in (0.3, 0.75):
        pen.oval((cx + s * x - s * 0.1, base - s * 0.4, cx + s * x + s * 0.1, base - s * 0.2), pen.palette.ink)


def rope(pen: Pen, cx, base, s, body, words) -> None:
    """A coil of rope (or chain) with a loose end."""
    for ring_ in range(5):
        w, h = s * (1.0 - ring_ * 0.15), s * (0.4 - ring_ * 0.05)
        y = base - s * 0.25 - ring_ * s * 0.1
        pen.draw.ellipse((cx - w, y - h, cx + w, y + h), outline=paint(body), width=max(5, round(s * 0.09)))
    pen.stroke([(cx + s * 0.9, base - s * 0.3), (cx + s * 1.5, base - s * 0.1), (cx + s * 1.9, base - s * 0.2)], 3.0,
               body)


def flower(pen: Pen, cx, base, s, body, words) -> None:
    """Flowers in a vase: stems, leaves and round blossoms."""
    heads = [(-0.45, 1.7), (0.0, 1.95), (0.45, 1.65)]
    for dx, up in heads:
        pen.stroke([(cx, base - s * 0.9), (cx + s * dx, base - s * up)], 1.5, "#3d7a3a")
    for dx, up in heads:
        x, y, r = cx + s * dx, base - s * up, s * 0.2
        for petal in range(5):
            a = petal * math.pi * 2 / 5
            pen.oval((x + r * math.cos(a) - r * 0.6, y + r * math.sin(a) - r * 0.6, x + r * math.cos(a) + r * 0.6,
                      y + r * math.sin(a) + r * 0.6), body)
        pen.oval((x - r * 0.45, y - r * 0.45, x + r * 0.45, y + r * 0.45), "#f1c40f")
    pen.shape([(cx - s * 0.35, base), (cx + s * 0.35, base), (cx + s * 0.45, base - s * 0.6), (cx + s * 0.2, base - s * 0.95),
               (cx - s * 0.2, base - s * 0.95), (cx - s * 0.45, base - s * 0.6)], mix(pen.palette.accent, "#ffffff", 0.2))


def thing(pen: Pen, cx, base, s, body, words, name: str = "") -> None:
    """The fallback: a display plinth with a standing card that names the prop."""
    pen.rect((cx - s * 0.8, base - s * 0.5, cx + s * 0.8, base), mix(body, "#ffffff", 0.2))
    pen.rect((cx - s * 0.95, base - s * 0.6, cx + s * 0.95, base - s * 0.5), body)
    label = " ".join(name.split())[:24] or "prop"
    lettering = font(max(10, round(s * 0.28)))
    card = pen.palette.paper
    width = max(s * 1.2, pen.draw.textlength(label, font=lettering) + s * 0.4)
    pen.shape([(cx - width / 2, base - s * 0.6), (cx + width / 2, base - s * 0.6), (cx + width / 2 - s * 0.1, base - s * 1.4),
               (cx - width / 2 + s * 0.1, base - s * 1.4)], card)
    pen.draw.text((cx, base - s * 1.0), label, fill=paint(contrasting(card, pen.palette.ink, pen.palette.text)),
                  font=lettering, anchor="mm")
