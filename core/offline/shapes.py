"""The storyboard's drawings: a figure for a character, a set for a location, an object for a prop.

Each reads the asset's words (name and description, lower-case) for what to draw and takes every
free choice from the seeded `rng`, so a drawing is a function of its asset.
"""

from __future__ import annotations

import math
import random

from PIL import ImageDraw

from core.film.style import Palette, contrasting, mix, rgb
from core.offline.text import has_word

Box = tuple[int, int, int, int]

_WATER = ("sea", "ocean", "harbor", "harbour", "beach", "shore", "lake", "river", "dock", "pier", "coast", "bay",
          "trawler", "boat", "ship", "quay", "wharf")
_URBAN = ("street", "city", "town", "alley", "market", "square", "road", "avenue", "plaza", "highway", "sidewalk")
_TREES = ("forest", "woods", "wood", "park", "garden", "orchard", "jungle", "meadow", "trail", "field", "farm")
_TOWERS = ("lighthouse", "tower", "church", "castle", "point", "palace", "cathedral")
_NIGHT = ("night", "midnight", "evening", "dark", "moon")


def _has(words: str, options: tuple[str, ...]) -> bool:
    return has_word(words, options)  # whole words: "hat" is not in "that", nor "old" in "told"


def draw_figure(draw: ImageDraw.ImageDraw, box: Box, palette: Palette, words: str, rng: random.Random) -> None:
    """A standing figure with a height ruler: small for a child, stooped with a cane when old."""
    left, top, right, bottom = box
    height = bottom - top
    for step in range(1, 8):  # the character-sheet ruler
        y = bottom - height * 0.08 - step * height * 0.105
        draw.line((left + height * 0.08, y, left + height * 0.16, y), fill=rgb(mix(palette.ink, palette.top, 0.6)),
                  width=2)
    scale = 0.55 if _has(words, ("child", "boy", "girl", "kid", "young")) else 0.86 if _has(words, ("tall",)) else 0.76
    scale += rng.uniform(-0.03, 0.03)
    stoop = 0.12 if _has(words, ("old", "elderly", "retired", "aged", "grandmother", "grandfather")) else 0.0
    cx = left + (right - left) * rng.choice((0.42, 0.5, 0.58))
    ground = bottom - height * 0.08
    tall = height * scale
    draw.ellipse((cx - tall * 0.22, ground - tall * 0.03, cx + tall * 0.22, ground + tall * 0.03),
                 fill=rgb(mix(palette.ground, palette.ink, 0.5)))
    for offset, color in ((max(3, int(height / 120)), palette.accent), (0, palette.ink)):  # rim light, then body
        _body(draw, cx - offset, ground, tall, stoop, words, rgb(color), rng)
    if stoop:
        draw.line((cx + tall * 0.16, ground, cx + tall * 0.12, ground - tall * 0.5), fill=rgb(palette.ink),
                  width=max(3, int(tall / 60)))


def _body(draw: ImageDraw.ImageDraw, cx: float, ground: float, tall: float, stoop: float, words: str,
          color: tuple[int, int, int], rng: random.Random) -> None:
    head = tall * 0.075
    lean = tall * stoop
    neck = ground - tall + head * 2
    shoulders = tall * rng.uniform(0.13, 0.17)
    hips = shoulders * rng.uniform(0.7, 0.95)
    waist = ground - tall * 0.47
    draw.ellipse((cx + lean - head, ground - tall, cx + lean + head, ground - tall + head * 2.1), fill=color)
    draw.polygon([(cx + lean * 0.8 - shoulders, neck + head * 0.4), (cx + lean * 0.8 + shoulders, neck + head * 0.4),
                  (cx + hips, waist), (cx - hips, waist)], fill=color)
    for side in (-1, 1):  # arms, then legs
        arm = (cx + lean * 0.8 + side * shoulders, neck + head * 0.6, cx + side * shoulders * 1.2, waist + tall * 0.05)
        draw.line(arm, fill=color, width=max(4, int(tall / 22)))
        draw.polygon([(cx + side * hips * 0.15, waist), (cx + side * hips, waist), (cx + side * hips * 0.7, ground),
                      (cx + side * hips * 0.2, ground)], fill=color)
    if _has(words, ("coat", "cloak", "dress", "robe", "gown", "skirt")):
        draw.polygon([(cx - hips, waist - tall * 0.02), (cx + hips, waist - tall * 0.02),
                      (cx + hips * 1.5, ground - tall * 0.2), (cx - hips * 1.5, ground - tall * 0.2)], fill=color)
    if _has(words, ("hat", "cap", "helmet", "hood")):
        top = ground - tall
        draw.rectangle((cx + lean - head * 1.6, top + head * 0.3, cx + lean + head * 1.6, top + head * 0.5), fill=color)
        draw.rectangle((cx + lean - head, top - head * 0.6, cx + lean + head, top + head * 0.4), fill=color)


def draw_set(draw: ImageDraw.ImageDraw, box: Box, palette: Palette, words: str, rng: random.Random) -> None:
    """An interior in one-point perspective, or an exterior landscape, at the time of day it is seen."""
    night = _has(words, _NIGHT)
    if _has(words, ("interior",)) or (not _has(words, ("exterior",)) and not _has(words, _WATER + _URBAN + _TREES)):
        _interior(draw, box, palette, words, night, rng)
    else:
        _exterior(draw, box, palette, words, night, rng)


def _interior(draw: ImageDraw.ImageDraw, box: Box, palette: Palette, words: str, night: bool,
              rng: random.Random) -> None:
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    back = (left + width * rng.uniform(0.3, 0.36), top + height * 0.22, right - width * rng.uniform(0.3, 0.36),
            top + height * 0.66)
    wall, floor = mix(palette.top, palette.ink, 0.15), mix(palette.ground, palette.ink, 0.2)
    draw.polygon([(left, bottom), (right, bottom), (back[2], back[3]), (back[0], back[3])], fill=rgb(floor))
    draw.polygon([(left, top), (back[0], back[1]), (back[0], back[3]), (left, bottom)],
                 fill=rgb(mix(wall, palette.ink, 0.2)))
    draw.polygon([(right, top), (back[2], back[1]), (back[2], back[3]), (right, bottom)],
                 fill=rgb(mix(wall, palette.ink, 0.3)))
    draw.rectangle(back, fill=rgb(wall))
    window_w = (back[2] - back[0]) * 0.3
    wx = back[0] + (back[2] - back[0] - window_w) * rng.uniform(0.1, 0.9)
    sky = mix(palette.ink, palette.accent, 0.2) if night else mix(palette.top, "#ffffff", 0.4)
    draw.rectangle((wx, back[1] + height * 0.06, wx + window_w, back[1] + height * 0.24), fill=rgb(sky),
                   outline=rgb(palette.ink), width=3)
    if night:
        lamp = (left + width * rng.uniform(0.4, 0.6), top + height * 0.08)
        floor_y = back[3] + height * 0.2
        draw.polygon([lamp, (lamp[0] - width * 0.1, floor_y), (lamp[0] + width * 0.1, floor_y)],
                     fill=(*rgb(palette.accent), 70))
        draw.ellipse((lamp[0] - 10, lamp[1] - 10, lamp[0] + 10, lamp[1] + 10), fill=rgb(palette.accent))
    if _has(words, ("kitchen", "diner", "bar", "office", "cafe", "restaurant", "table", "desk", "counter")):
        table_top = back[3] + height * 0.1
        draw.rectangle((left + width * 0.3, table_top, right - width * 0.3, table_top + height * 0.05),
                       fill=rgb(palette.ink))


def _exterior(draw: ImageDraw.ImageDraw, box: Box, palette: Palette, words: str, night: bool,
              rng: random.Random) -> None:
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    sky = mix(palette.top, "#000000", 0.45) if night else palette.top
    light = contrasting(sky, palette.paper, palette.text, palette.accent)
    if night:
        draw.rectangle(box, fill=rgb(sky))
        for _ in range(40):
            x, y = rng.uniform(left, right), rng.uniform(top, top + height * 0.5)
            draw.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=rgb(light))
    body = (left + width * rng.uniform(0.6, 0.85), top + height * rng.uniform(0.1, 0.25))
    radius = height * 0.07
    draw.ellipse((body[0] - radius, body[1] - radius, body[0] + radius, body[1] + radius),
                 fill=rgb(light if night else palette.accent))
    horizon = top + height * rng.uniform(0.55, 0.68)
    for layer in range(3):  # hills, far to near
        shade = mix(palette.ground, palette.ink, 0.15 + layer * 0.25)
        points = [(left, bottom)]
        for step in range(9):
            points.append((left + width * step / 8, horizon + layer * height * 0.07 - rng.uniform(0, height * 0.12)))
        draw.polygon(points + [(right, bottom)], fill=rgb(shade))
        draw.line(points[1:], fill=rgb(mix(shade, light, 0.35)), width=2)  # the ridge, readable in any palette
    if _has(words, _WATER):
        draw.rectangle((left, horizon + height * 0.12, right, bottom), fill=rgb(mix(palette.top, palette.ink, 0.35)))
        for row in range(6):
            y = horizon + height * (0.16 + row * 0.04)
            draw.line((left + rng.uniform(0, width * 0.3), y, right - rng.uniform(0, width * 0.3), y),
                      fill=rgb(mix(palette.top, palette.paper, 0.3)), width=2)
    if _has(words, _URBAN):
        x = left
        while x < right:
            w, h = width * rng.uniform(0.05, 0.1), height * rng.uniform(0.15, 0.4)
            draw.rectangle((x, horizon - h, x + w, bottom), fill=rgb(mix(palette.ink, palette.ground, 0.2)))
            for wy in range(int(horizon - h + 10), int(horizon), 18):
                if rng.random() < (0.6 if night else 0.2):
                    draw.rectangle((x + w * 0.3, wy, x + w * 0.45, wy + 6), fill=rgb(palette.accent))
            x += w + width * 0.01
    if _has(words, _TREES):
        for _ in range(14):
            tx, size = rng.uniform(left, right), height * rng.uniform(0.08, 0.16)
            base = horizon + size * 0.2
            draw.polygon([(tx, horizon - size * 1.6), (tx - size * 0.5, base), (tx + size * 0.5, base)],
                         fill=rgb(mix(palette.ground, palette.ink, 0.55)))
    if _has(words, _TOWERS):
        tx = left + width * rng.uniform(0.15, 0.35)
        peak = horizon - height * 0.45
        draw.polygon([(tx - width * 0.03, horizon + 4), (tx + width * 0.03, horizon + 4), (tx + width * 0.018, peak),
                      (tx - width * 0.018, peak)], fill=rgb(palette.ink))
        draw.rectangle((tx - width * 0.022, horizon - height * 0.52, tx + width * 0.022, horizon - height * 0.45),
                       fill=rgb(palette.accent))


def draw_prop(draw: ImageDraw.ImageDraw, box: Box, palette: Palette, words: str, rng: random.Random) -> None:
    """An object on a lit table; its outline picked by what the prop is."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    table = top + height * 0.78
    draw.ellipse((left + width * 0.25, top + height * 0.05, right - width * 0.25, table + height * 0.05),
                 fill=rgb(mix(palette.top, palette.paper, 0.45)))
    draw.rectangle((left, table, right, bottom), fill=rgb(mix(palette.ground, palette.ink, 0.3)))
    cx, size = left + width / 2, height * 0.32
    draw.ellipse((cx - size * 0.9, table - size * 0.08, cx + size * 0.9, table + size * 0.12),
                 fill=rgb(mix(palette.ground, palette.ink, 0.6)))
    ink, accent = rgb(palette.ink), rgb(palette.accent)
    shape = _prop_shape(words)
    shape(draw, cx, table, size, ink, accent, rng)


def _prop_shape(words: str):
    table = (
        (("lantern", "lamp", "candle", "torch"), _lantern), (("letter", "paper", "book", "map", "note", "photo",
         "document", "envelope", "page", "card", "ticket"), _sheet), (("key",), _key),
        (("knife", "sword", "blade", "dagger"), _blade), (("bottle", "glass", "cup", "mug", "vase", "jar", "tea",
         "coffee"), _vessel), (("crank", "wheel", "clock", "watch", "ring", "coin", "lens", "compass"), _wheel),
        (("coat", "jacket", "dress", "shirt", "hat", "scarf", "cloak"), _garment),
    )
    for options, shape in table:
        if _has(words, options):
            return shape
    return _box if _has(words, ("box", "case", "chest", "crate", "bag", "suitcase", "package", "tape")) else _blob


def _lantern(draw, cx, base, size, ink, accent, rng):
    draw.ellipse((cx - size * 0.9, base - size * 1.9, cx + size * 0.9, base - size * 0.1), fill=(*accent, 60))
    draw.ellipse((cx - size * 0.6, base - size * 1.6, cx + size * 0.6, base - size * 0.4), fill=(*accent, 140))
    draw.rectangle((cx - size * 0.3, base - size * 1.3, cx + size * 0.3, base), outline=ink, width=6)
    roof = base - size * 1.3
    draw.polygon([(cx - size * 0.4, roof), (cx + size * 0.4, roof), (cx, base - size * 1.6)], fill=ink)
    draw.arc((cx - size * 0.25, base - size * 1.9, cx + size * 0.25, base - size * 1.45), 180, 360, fill=ink, width=5)


def _sheet(draw, cx, base, size, ink, accent, rng):
    angle = math.radians(rng.uniform(-12, 12))
    w, h = size * 0.9, size * 1.2
    corners = [(-w, -h), (w, -h), (w, 0), (-w, 0)]
    turn = [(cx + x * math.cos(angle) - y * math.sin(angle), base - 4 + x * math.sin(angle) + y * math.cos(angle))
            for x, y in corners]
    draw.polygon(turn, fill=(245, 240, 228), outline=ink)
    for row in range(1, 7):
        y = base - h + row * h / 7.5
        draw.line((cx - w * 0.75, y, cx + w * rng.uniform(0.3, 0.75), y), fill=ink, width=2)


def _key(draw, cx, base, size, ink, accent, rng):
    draw.ellipse((cx - size * 1.1, base - size * 0.8, cx - size * 0.4, base - size * 0.1), outline=accent, width=10)
    draw.rectangle((cx - size * 0.42, base - size * 0.5, cx + size * 0.9, base - size * 0.38), fill=accent)
    for tooth in range(3):
        x = cx + size * (0.45 + tooth * 0.16)
        draw.rectangle((x, base - size * 0.38, x + size * 0.08, base - size * rng.uniform(0.15, 0.28)), fill=accent)


def _blade(draw, cx, base, size, ink, accent, rng):
    draw.polygon([(cx - size * 1.3, base - size * 0.3), (cx + size * 0.7, base - size * 0.42),
                  (cx + size * 0.7, base - size * 0.18)], fill=(200, 205, 210), outline=ink)
    draw.rectangle((cx + size * 0.7, base - size * 0.5, cx + size * 0.78, base - size * 0.1), fill=ink)
    draw.rectangle((cx + size * 0.78, base - size * 0.36, cx + size * 1.3, base - size * 0.24), fill=accent)


def _vessel(draw, cx, base, size, ink, accent, rng):
    neck = size * rng.uniform(0.15, 0.3)
    draw.polygon([(cx - size * 0.5, base), (cx + size * 0.5, base), (cx + size * 0.55, base - size * 1.0),
                  (cx + neck, base - size * 1.3), (cx + neck, base - size * 1.6), (cx - neck, base - size * 1.6),
                  (cx - neck, base - size * 1.3), (cx - size * 0.55, base - size * 1.0)], fill=ink)
    draw.line((cx - size * 0.3, base - size * 0.9, cx - size * 0.3, base - size * 0.2), fill=accent, width=5)


def _wheel(draw, cx, base, size, ink, accent, rng):
    r, cy = size * 0.75, base - size * 0.8
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ink, width=10)
    for spoke in range(rng.choice((4, 6, 8))):
        a = spoke * math.pi * 2 / 8 + rng.uniform(0, 0.3)
        draw.line((cx, cy, cx + r * math.cos(a), cy + r * math.sin(a)), fill=ink, width=5)
    draw.ellipse((cx - r * 0.15, cy - r * 0.15, cx + r * 0.15, cy + r * 0.15), fill=accent)


def _garment(draw, cx, base, size, ink, accent, rng):
    draw.polygon([(cx - size * 0.5, base - size * 1.6), (cx + size * 0.5, base - size * 1.6),
                  (cx + size * 1.0, base - size * 1.2),
                  (cx + size * 0.7, base - size * 1.0), (cx + size * 0.6, base), (cx - size * 0.6, base),
                  (cx - size * 0.7, base - size * 1.0), (cx - size * 1.0, base - size * 1.2)], fill=ink)
    draw.line((cx, base - size * 1.55, cx, base - size * 0.05), fill=accent, width=4)


def _box(draw, cx, base, size, ink, accent, rng):
    w, h, d = size * 0.9, size * rng.uniform(0.6, 1.0), size * 0.35
    draw.polygon([(cx - w, base), (cx + w, base), (cx + w, base - h), (cx - w, base - h)], fill=ink)
    draw.polygon([(cx - w, base - h), (cx + w, base - h), (cx + w - d, base - h - d), (cx - w - d, base - h - d)],
                 fill=accent)


def _blob(draw, cx, base, size, ink, accent, rng):
    points = []
    for step in range(10):
        a = step * math.pi * 2 / 10
        r = size * rng.uniform(0.55, 0.85)
        points.append((cx + r * math.cos(a), base - size * 0.8 + r * math.sin(a) * 0.9))
    draw.polygon(points, fill=ink, outline=accent)
