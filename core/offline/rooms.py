"""Interior sets in one-point perspective, furnished by the kind of room: kitchen, bar, office, bedroom,
corridor, hall, warehouse, cabin, a lighthouse's lamp room, and a plain room for anything else. The
window shows the time of day; at night a lamp throws its light.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.film.style import mix, rgb
from core.offline.landscape import dark
from core.offline.looks import SetLook
from core.offline.pen import Box, Pen

_WINDOW = {"day": "#cfe4f2", "dawn": "#f5c9a8", "dusk": "#f0925a", "night": "#151b38"}
_BACK = {"corridor": 0.16, "hall": 0.34, "warehouse": 0.4}  # half the back wall's width, of the box's width


@dataclass(frozen=True)
class _Room:
    """The room's back wall and the box around it."""

    box: Box
    back: tuple[float, float, float, float]

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


def draw_room(pen: Pen, box: Box, look: SetLook, words: frozenset[str]) -> None:
    """The interior a location's kind calls for."""
    room = _shell(pen, box, look, _BACK.get(look.drawing, 0.22))
    _FURNISH.get(look.drawing, _plain)(pen, room, look, words)
    if look.time == "night":
        left, top, right, _ = box
        x, y = left + (right - left) * pen.rng.uniform(0.4, 0.6), top + room.height * 0.06
        floor = room.back[3] + room.height * 0.22
        pen.shape([(x, y), (x - room.width * 0.14, floor), (x + room.width * 0.14, floor)],
                  (*rgb(pen.palette.accent), 60), outline=False)
        pen.oval((x - 9, y - 9, x + 9, y + 9), "#ffd77a")


def _shell(pen: Pen, box: Box, look: SetLook, half: float) -> _Room:
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    cx = left + width * pen.rng.uniform(0.46, 0.54)
    back = (cx - width * half, top + height * 0.2, cx + width * half, top + height * (0.5 + half * 0.6))
    wall = dark(look, mix(pen.palette.top, pen.palette.ink, 0.12))
    pen.shape([(left, top), (right, top), (back[2], back[1]), (back[0], back[1])], mix(wall, "#000000", 0.2))
    pen.shape([(left, bottom), (right, bottom), (back[2], back[3]), (back[0], back[3])],
              dark(look, mix(pen.palette.ground, pen.palette.ink, 0.2)))
    pen.shape([(left, top), (back[0], back[1]), (back[0], back[3]), (left, bottom)], mix(wall, pen.palette.ink, 0.18))
    pen.shape([(right, top), (back[2], back[1]), (back[2], back[3]), (right, bottom)], mix(wall, pen.palette.ink, 0.28))
    pen.rect(back, wall)
    return _Room(box, back)


def _window(pen: Pen, room: _Room, look: SetLook, x0: float, x1: float, y0: float, y1: float) -> None:
    pen.rect((x0, y0, x1, y1), _WINDOW.get(look.time, _WINDOW["day"]))
    pen.stroke([((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1)], 1.0)
    pen.stroke([(x0, (y0 + y1) / 2), (x1, (y0 + y1) / 2)], 1.0)


def _plain(pen: Pen, room: _Room, look: SetLook, words) -> None:
    """A room: a window, a door on the side wall, a picture, a chair."""
    bx0, by0, bx1, by1 = room.back
    w = bx1 - bx0
    _window(pen, room, look, bx0 + w * 0.55, bx0 + w * 0.85, by0 + (by1 - by0) * 0.15, by0 + (by1 - by0) * 0.55)
    pen.rect((bx0 + w * 0.12, by0 + (by1 - by0) * 0.2, bx0 + w * 0.35, by0 + (by1 - by0) * 0.45), pen.palette.accent)
    left = room.box[0]
    pen.shape([(left + (bx0 - left) * 0.35, room.box[1] + room.height * 0.22), (left + (bx0 - left) * 0.75, by0 + 6),
               (left + (bx0 - left) * 0.75, by1 + 4), (left + (bx0 - left) * 0.35, room.box[3] - room.height * 0.22)],
              mix(pen.palette.ground, "#6b4a2b", 0.5))
    _chair(pen, bx0 + w * 0.3, by1 + room.height * 0.2, room.height * 0.16)


def _chair(pen: Pen, x: float, floor: float, size: float) -> None:
    wood = mix(pen.palette.ink, "#7b5236", 0.5)
    pen.rect((x - size * 0.35, floor - size * 1.2, x - size * 0.25, floor), wood)
    pen.rect((x - size * 0.35, floor - size * 0.55, x + size * 0.35, floor - size * 0.45), wood)
    pen.rect((x + size * 0.25, floor - size * 0.55, x + size * 0.35, floor), wood)


def _kitchen(pen: Pen, room: _Room, look: SetLook, words) -> None:
    """A kitchen: a counter of cupboards along the back, wall cabinets, a stove with a pot, a window."""
    bx0, by0, bx1, by1 = room.back
    w, h = bx1 - bx0, by1 - by0
    counter = by1 - h * 0.35
    _window(pen, room, look, bx0 + w * 0.38, bx0 + w * 0.62, by0 + h * 0.12, counter - h * 0.1)
    pen.rect((bx0, counter, bx1, by1), mix(pen.palette.paper, pen.palette.ink, 0.25))
    pen.rect((bx0, counter - h * 0.04, bx1, counter), mix(pen.palette.ink, pen.palette.ground, 0.3))
    for door in range(6):
        x = bx0 + w * door / 6
        pen.rect((x + 3, counter + h * 0.05, x + w / 6 - 3, by1 - 3), None)
    for x0 in (bx0, bx0 + w * 0.68):
        pen.rect((x0 + 2, by0 + h * 0.05, x0 + w * 0.32, by0 + h * 0.35), mix(pen.palette.paper, pen.palette.ink, 0.15))
    sx = bx0 + w * 0.75
    for ring in range(2):
        pen.oval((sx + ring * w * 0.1, counter - h * 0.06, sx + ring * w * 0.1 + w * 0.07, counter - h * 0.02), "#333333")
    pen.rect((sx, counter - h * 0.2, sx + w * 0.08, counter - h * 0.05), "#6f7479")


def _bar(pen: Pen, room: _Room, look: SetLook, words) -> None:
    """A bar, diner or café: shelves of bottles behind a long counter, stools in front, hanging lamps."""
    bx0, by0, bx1, by1 = room.back
    w, h = bx1 - bx0, by1 - by0
    for shelf in range(2):
        y = by0 + h * (0.3 + shelf * 0.25)
        pen.rect((bx0 + w * 0.05, y, bx1 - w * 0.05, y + h * 0.03), "#6b4a2b")
        for step in range(14):
            x = bx0 + w * (0.08 + step * 0.062)
            pen.rect((x, y - h * 0.13, x + w * 0.03, y), ("#2f6b3a", "#8a3b1e", "#c9a43a")[(step + shelf) % 3])
    top = room.box[3] - room.height * 0.32
    pen.rect((room.box[0] + room.width * 0.08, top, room.box[2] - room.width * 0.08, top + room.height * 0.2),
             mix("#6b4a2b", pen.palette.ink, 0.2))
    pen.rect((room.box[0] + room.width * 0.06, top - room.height * 0.025, room.box[2] - room.width * 0.06, top),
             "#8a5a32")
    for step in range(5):
        x = room.box[0] + room.width * (0.2 + step * 0.15)
        pen.stroke([(x, top + room.height * 0.2), (x, room.box[3] - 4)], 1.5)
        pen.oval((x - room.width * 0.035, top + room.height * 0.18, x + room.width * 0.035, top + room.height * 0.23),
                 "#a33a2e")
    for step in range(3):
        x = bx0 + w * (0.2 + step * 0.3)
        pen.stroke([(x, room.box[1]), (x, by0 - h * 0.05)], 0.6)
        pen.draw.chord((x - 14, by0 - h * 0.1, x + 14, by0 + h * 0.02), 180, 360, fill=rgb(pen.palette.accent))


def _office(pen: Pen, room: _Room, look: SetLook, words) -> None:
    """An office or study: bookshelves on the side wall, a desk with a lamp and papers, a window."""
    bx0, by0, bx1, by1 = room.back
    w, h = bx1 - bx0, by1 - by0
    _window(pen, room, look, bx0 + w * 0.3, bx0 + w * 0.7, by0 + h * 0.12, by0 + h * 0.55)
    left, top = room.box[0], room.box[1]
    for row in range(5):
        t = (row + 1) / 6
        y_near, y_far = top + room.height * (0.1 + t * 0.75), by0 + h * t
        pen.stroke([(left + (bx0 - left) * 0.1, y_near), (bx0, y_far)], 1.2, "#6b4a2b")
        for book in range(8):
            s = book / 8
            x = left + (bx0 - left) * (0.12 + s * 0.85)
            y = y_near + (y_far - y_near) * (0.12 + s * 0.85)
            lift = room.height * 0.1 * (1 - s * 0.7)
            pen.rect((x, y - lift, x + (bx0 - left) * 0.06, y), ("#7a2e2a", "#2f4f6b", "#6b7a2a", "#8a6d2f")[book % 4],
                     outline=False)
    desk = by1 + room.height * 0.05
    pen.rect((bx0 - w * 0.1, desk, bx1 - w * 0.1, desk + room.height * 0.04), "#6b4a2b")
    for x in (bx0 - w * 0.05, bx1 - w * 0.15):
        pen.rect((x, desk + room.height * 0.04, x + w * 0.04, desk + room.height * 0.2), "#6b4a2b")
    pen.rect((bx0 + w * 0.1, desk - room.height * 0.012, bx0 + w * 0.3, desk), "#f4eee0")
    lx = bx1 - w * 0.3
    pen.stroke([(lx, desk), (lx, desk - room.height * 0.12)], 1.5)
    pen.draw.chord((lx - 20, desk - room.height * 0.17, lx + 20, desk - room.height * 0.09), 180, 360,
                   fill=rgb(pen.palette.accent))


def _bedroom(pen: Pen, room: _Room, look: SetLook, words) -> None:
    """A bedroom: a bed coming toward us, a pillow, a bedside table and lamp, curtained window."""
    bx0, by0, bx1, by1 = room.back
    w, h = bx1 - bx0, by1 - by0
    _window(pen, room, look, bx0 + w * 0.6, bx0 + w * 0.9, by0 + h * 0.1, by0 + h * 0.5)
    for x in (bx0 + w * 0.56, bx0 + w * 0.9):
        pen.rect((x, by0 + h * 0.05, x + w * 0.05, by0 + h * 0.6), pen.palette.accent)
    pen.rect((bx0 + w * 0.05, by0 + h * 0.35, bx0 + w * 0.5, by1), "#6b4a2b")
    near = room.box[3] - room.height * 0.05
    pen.shape([(bx0 + w * 0.05, by1 - h * 0.2), (bx0 + w * 0.5, by1 - h * 0.2), (bx0 + w * 0.9, near),
               (room.box[0] + room.width * 0.05, near)], mix(pen.palette.accent, "#ffffff", 0.35))
    pen.oval((bx0 + w * 0.1, by1 - h * 0.32, bx0 + w * 0.45, by1 - h * 0.16), "#f5f1e6")


def _corridor(pen: Pen, room: _Room, look: SetLook, words) -> None:
    """A long corridor: doors receding down both walls, lights along the ceiling."""
    left, top, right, bottom = room.box
    bx0, by0, bx1, by1 = room.back
    for side in (-1, 1):
        edge, end = (left, bx0) if side < 0 else (right, bx1)
        for step in range(4):
            t0, t1 = 0.12 + step * 0.22, 0.2 + step * 0.22
            x0, x1 = edge + (end - edge) * t0, edge + (end - edge) * t1
            y0t, y1t = top + (by0 - top) * t0 + room.height * 0.08 * (1 - t0), top + (by0 - top) * t1 + room.height * 0.08 * (1 - t1)
            y0b, y1b = bottom + (by1 - bottom) * t0, bottom + (by1 - bottom) * t1
            pen.shape([(x0, y0t), (x1, y1t), (x1, y1b), (x0, y0b)], mix(pen.palette.ground, "#6b4a2b", 0.5))
    for step in range(4):
        t = 0.15 + step * 0.22
        y = top + (by0 - top) * t
        x0, x1 = left + (bx0 - left) * t + room.width * 0.3 * (1 - t), right + (bx1 - right) * t - room.width * 0.3 * (1 - t)
        pen.rect((x0, y, x1, y + 6 * (1 - t) + 2), "#fff5d0")


def _hall(pen: Pen, room: _Room, look: SetLook, words) -> None:
    """A hall or church: columns receding on both sides, tall arched windows at the end."""
    left, top, right, bottom = room.box
    bx0, by0, bx1, by1 = room.back
    w, h = bx1 - bx0, by1 - by0
    for step in range(3):
        x = bx0 + w * (0.2 + step * 0.3)
        pen.rect((x - w * 0.06, by0 + h * 0.3, x + w * 0.06, by1 - h * 0.1), _WINDOW.get(look.time, _WINDOW["day"]))
        pen.draw.chord((x - w * 0.06, by0 + h * 0.18, x + w * 0.06, by0 + h * 0.42), 180, 360,
                       fill=rgb(_WINDOW.get(look.time, _WINDOW["day"])), outline=pen.ink, width=pen.line)
    for side in (-1, 1):
        edge, end = (left, bx0) if side < 0 else (right, bx1)
        for step in range(4):
            t = 0.1 + step * 0.25
            x = edge + (end - edge) * t
            thick = room.width * 0.035 * (1 - t * 0.7)
            pen.rect((x - thick, top + (by0 - top) * t, x + thick, bottom + (by1 - bottom) * t), "#d8d2c4")


def _warehouse(pen: Pen, room: _Room, look: SetLook, words) -> None:
    """A warehouse, barn or garage: roof trusses, high windows, stacked crates."""
    bx0, by0, bx1, by1 = room.back
    w, h = bx1 - bx0, by1 - by0
    for step in range(5):
        x = bx0 + w * (0.1 + step * 0.2)
        pen.rect((x - w * 0.05, by0 + h * 0.08, x + w * 0.05, by0 + h * 0.2), _WINDOW.get(look.time, _WINDOW["day"]))
    pen.stroke([(bx0, by0 + h * 0.3), ((bx0 + bx1) / 2, by0), (bx1, by0 + h * 0.3)], 2.0, "#6b4a2b")
    for step in range(1, 6):
        x = bx0 + w * step / 6
        pen.stroke([(x, by0 + h * 0.3 * abs(x - (bx0 + bx1) / 2) / (w / 2)), (x, by0 + h * 0.3)], 1.0, "#6b4a2b")
    size = h * 0.22
    for row, count in ((0, 4), (1, 2)):
        for step in range(count):
            x = bx0 + w * 0.05 + step * size * 1.05 + row * size * 0.5
            y = by1 - size * (row + 1)
            pen.rect((x, y, x + size, y + size), "#b08a5a")
            pen.stroke([(x, y), (x + size, y + size)], 0.6)


def _cabin(pen: Pen, room: _Room, look: SetLook, words) -> None:
    """A ship's cabin or a hut: plank walls, round portholes, a bunk."""
    bx0, by0, bx1, by1 = room.back
    w, h = bx1 - bx0, by1 - by0
    for row in range(1, 8):
        y = by0 + h * row / 8
        pen.stroke([(bx0, y), (bx1, y)], 0.5, "#6b4a2b")
    for step in range(3):
        x, y, r = bx0 + w * (0.25 + step * 0.25), by0 + h * 0.35, h * 0.1
        pen.oval((x - r * 1.25, y - r * 1.25, x + r * 1.25, y + r * 1.25), "#b8902f")
        pen.oval((x - r, y - r, x + r, y + r), _WINDOW.get(look.time, _WINDOW["day"]))
    pen.rect((bx0 - w * 0.05, by1 - h * 0.25, bx0 + w * 0.6, by1 - h * 0.12), "#f0e6cc")
    pen.rect((bx0 - w * 0.05, by1 - h * 0.12, bx0 + w * 0.6, by1), "#6b4a2b")


def _lamp_room(pen: Pen, room: _Room, look: SetLook, words) -> None:
    """A lighthouse's lamp room: panes of glass all round on the sea and sky, the great lens in the middle."""
    bx0, by0, bx1, by1 = room.back
    w, h = bx1 - bx0, by1 - by0
    pane = _WINDOW.get(look.time, _WINDOW["day"])
    pen.rect((bx0, by0, bx1, by1 - h * 0.3), pane)
    pen.rect((bx0, by0 + h * 0.4, bx1, by1 - h * 0.3), dark(look, "#2a6a8f"), outline=False)
    for step in range(6):
        x = bx0 + w * step / 5
        pen.stroke([(x, by0), (x, by1 - h * 0.3)], 1.5)
    cx, lens = (bx0 + bx1) / 2, h * 0.5
    pen.oval((cx - lens * 0.9, by1 - lens * 1.3, cx + lens * 0.9, by1 + lens * 0.2), (*rgb("#fff2b0"), 80), outline=False)
    for ring in range(5):
        y = by1 - lens * (1.0 - ring * 0.18)
        half = lens * (0.35 + 0.12 * min(ring, 4 - ring))
        pen.rect((cx - half, y, cx + half, y + lens * 0.16), mix("#fff2b0", "#c9a43a", ring / 5))
    pen.rect((cx - lens * 0.45, by1 - lens * 0.1, cx + lens * 0.45, by1 + lens * 0.15), "#b8902f")


_FURNISH = {"room": _plain, "kitchen": _kitchen, "bar": _bar, "office": _office, "bedroom": _bedroom,
            "corridor": _corridor, "hall": _hall, "warehouse": _warehouse, "cabin": _cabin, "lamp_room": _lamp_room}
