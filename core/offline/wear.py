"""Status tags drawn on a figure or a prop: the state a scene leaves them in (Stage 8's `muddy`, `torn_shirt`).

    tag_key("Torn shirt") -> "torn_shirt";  tag_key("wet") -> "soaked"
    wear_figure(layer, body, look, ["muddy", "soaked"], palette, rng) -> the figure's layer, marked
    wear_surface(layer, ["muddy"], rng) -> a prop's layer, marked

A figure can be muddy (brown splotches on legs and hem), soaked (darker, dripping, hair flattened), bloody
(red marks), torn_shirt (a jagged tear showing skin), bruised (a purple patch), burned (soot), dusty (grey
dusting), bandaged (a white band), scarred, sweaty or snowy. Marks are clipped to the figure's silhouette
(each figure is on its own layer), so they never spill onto the set. A tag neither table knows is not
drawn; the frame's caption lists it instead.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from PIL import Image, ImageDraw

from core.film.style import Palette, mix, rgb
from core.offline.cast import Standing, skin
from core.offline.wardrobe import FigureLook

ALIASES = {word: tag for tag, words in {
    "soaked": "wet drenched soaking soaking_wet rain_soaked sodden dripping",
    "muddy": "mud muddied mud_stained mud_caked mud_splattered dirty filthy",
    "bloody": "blood bloodied bleeding blood_stained bloodstained wounded injured",
    "torn_shirt": "torn ripped torn_clothes torn_coat ripped_shirt tattered",
    "bruised": "bruise bruises black_eye battered", "burned": "burnt scorched singed sooty charred",
    "dusty": "dust dust_covered ashen", "bandaged": "bandage bandages bandaged_head bandaged_arm",
    "scarred": "scar scars", "sweaty": "sweat sweating", "snowy": "snow snow_covered frosted frost",
    "broken": "smashed shattered in_pieces broke", "cracked": "crack chipped",
    "lit": "burning alight glowing lighted switched_on", "extinguished": "unlit snuffed blown_out out switched_off",
    "rusty": "rust rusted",
}.items() for word in words.split()}
_MUD, _BLOOD, _SOOT, _DUST = (91, 59, 31, 235), (138, 11, 11, 225), (30, 26, 24, 150), (185, 180, 170, 55)
_BANDAGE, _DRIP = "#f4f1ea", (169, 200, 224, 230)


def tag_key(raw: object) -> str:
    """A tag as the tables know it: lower case, words joined by "_", common synonyms folded ("wet" -> "soaked")."""
    key = "_".join(re.findall(r"[a-z0-9]+", str(raw or "").lower()))
    return ALIASES.get(key, key)


def split_tags(tags: list, drawable: frozenset[str] | set[str]) -> tuple[list[str], list[str]]:
    """(the tags drawn, as keys) and (the tags not drawn, as the creator wrote them), each without repeats."""
    drawn, undrawn = [], []
    for raw in tags or []:
        key = tag_key(raw)
        if key in drawable:
            drawn += [key] if key not in drawn else []
        elif key and str(raw).strip() not in undrawn:
            undrawn.append(" ".join(str(raw).split()))
    return drawn, undrawn


def _on(layer: Image.Image, paint: Callable[[ImageDraw.ImageDraw], None]) -> Image.Image:
    """Marks that `paint` draws, laid over the layer (translucent ones blend) and kept only where the layer is
    opaque: on the figure or prop, never beside it."""
    marks = Image.new("RGBA", layer.size, (0, 0, 0, 0))
    paint(ImageDraw.Draw(marks))
    marked = Image.alpha_composite(layer, marks)
    marked.putalpha(layer.getchannel("A"))
    return marked


def _blots(draw: ImageDraw.ImageDraw, rng: random.Random, box: tuple[float, float, float, float], count: int,
           radius: float, color: tuple[int, ...]) -> None:
    left, top, right, bottom = box
    for _ in range(count):
        x, y = rng.uniform(left, right), rng.uniform(top, bottom)
        rx, ry = radius * rng.uniform(0.6, 1.3), radius * rng.uniform(0.5, 1.0)
        draw.ellipse((x - rx, y - ry, x + rx, y + ry), fill=color)


def _legs(body: Standing) -> tuple[float, float, float, float]:
    return (body.cx - body.hips * 1.9, body.hip_y + (body.ground - body.hip_y) * 0.3, body.cx + body.hips * 1.9,
            body.ground)


def _torso(body: Standing) -> tuple[float, float, float, float]:
    return (body.cx - body.shoulders, body.shoulder_y, body.cx + body.shoulders, body.hip_y)


def _face(body: Standing) -> tuple[float, float, float]:
    """The head's centre x, top and size."""
    return body.cx + body.lean, body.head_top, body.head


def _muddy(layer, body, look, palette, rng):
    return _on(layer, lambda draw: _blots(draw, rng, _legs(body), 18, body.tall * 0.03, _MUD))


def _soaked(layer, body, look, palette, rng):
    alpha = layer.getchannel("A")
    wet = Image.blend(layer.convert("RGB"), Image.new("RGB", layer.size, "#0b1626"), 0.4)
    wet.putalpha(alpha)
    x, top, size = _face(body)
    hair = mix(look.hair or "#3b2a20", "#000000", 0.55)

    def plastered(draw: ImageDraw.ImageDraw) -> None:
        if not look.bald:  # hair flat to the skull, in dark wet strands
            draw.chord((x - size * 0.42, top - size * 0.02, x + size * 0.42, top + size * 0.5), 180, 360, fill=rgb(hair))
            for step in range(-2, 3):
                sx = x + step * size * 0.09
                draw.line([(sx, top + size * 0.1), (sx + step * size * 0.02, top + size * 0.42)], fill=rgb(hair),
                          width=max(1, round(size * 0.04)))
    wet = _on(wet, plastered)
    draw = ImageDraw.Draw(wet, "RGBA")
    drops = [body.hand(side, look.cane) for side in (-1, 1)] + [
        (body.cx + rng.uniform(-1.2, 1.2) * body.hips, body.hip_y + rng.uniform(0.5, 0.9) * (body.ground - body.hip_y))
        for _ in range(4)]
    for dx, dy in drops:
        r = max(1.5, body.tall * 0.008)
        for fall in (1, 2.4):
            draw.ellipse((dx - r, dy + r * fall * 2, dx + r, dy + r * (fall * 2 + 2.4)), fill=_DRIP)
    return wet


def _bloody(layer, body, look, palette, rng):
    x, top, size = _face(body)

    def marks(draw: ImageDraw.ImageDraw) -> None:
        _blots(draw, rng, _torso(body), 6, body.tall * 0.018, _BLOOD)
        draw.line([(x - size * 0.25, top + size * 0.45), (x - size * 0.18, top + size * 0.8)], fill=_BLOOD,
                  width=max(2, round(size * 0.08)))
        hx, hy = body.hand(1, look.cane)
        _blots(draw, rng, (hx - body.tall * 0.02, hy - body.tall * 0.02, hx + body.tall * 0.02, hy + body.tall * 0.02),
               2, body.tall * 0.018, _BLOOD)
    return _on(layer, marks)


def _torn(layer, body, look, palette, rng):
    _, top, _, bottom = _torso(body)
    cx, cy = body.cx + body.lean * 0.7 + rng.uniform(-0.2, 0.2) * body.shoulders, top + (bottom - top) * 0.4
    half, depth = body.shoulders * 0.55, (bottom - top) * 0.16
    upper = [(cx - half + 2 * half * step / 6, cy - depth * (0.2 + 0.8 * (step % 2))) for step in range(7)]
    lower = [(cx + half - 2 * half * step / 5, cy + depth * (0.3 + 0.7 * (step % 2))) for step in range(6)]
    return _on(layer, lambda draw: draw.polygon(upper + lower, fill=rgb(skin(palette)), outline=rgb(palette.ink),
                                                width=max(1, round(body.tall * 0.006))))


def _bruised(layer, body, look, palette, rng):
    x, top, size = _face(body)
    side = rng.choice((-1, 1))
    cx, cy, r = x + side * size * 0.18, top + size * 0.58, size * 0.17
    return _on(layer, lambda draw: draw.ellipse((cx - r, cy - r * 0.8, cx + r, cy + r * 0.8), fill=(91, 42, 110, 190)))


def _burned(layer, body, look, palette, rng):
    def soot(draw: ImageDraw.ImageDraw) -> None:
        _blots(draw, rng, (body.cx - body.shoulders * 1.2, body.head_top, body.cx + body.shoulders * 1.2, body.ground),
               14, body.tall * 0.035, _SOOT)
        hem = body.ground - body.tall * 0.06
        draw.polygon([(body.cx - body.hips * 2, body.ground)] + [
            (body.cx - body.hips * 2 + step * body.hips * 0.4, hem - (step % 2) * body.tall * 0.03) for step in range(11)]
            + [(body.cx + body.hips * 2, body.ground)], fill=(20, 16, 14, 200))
    return _on(layer, soot)


def _dusty(layer, body, look, palette, rng):
    def dust(draw: ImageDraw.ImageDraw) -> None:
        draw.rectangle((0, 0, *layer.size), fill=_DUST)
        _blots(draw, rng, (body.cx - body.shoulders * 1.3, body.head_top, body.cx + body.shoulders * 1.3, body.ground),
               60, max(1.0, body.tall * 0.006), (216, 211, 200, 200))
    return _on(layer, dust)


def _bandaged(layer, body, look, palette, rng):
    x, top, size = _face(body)
    band = (x - size * 0.45, top + size * 0.16, x + size * 0.45, top + size * 0.33)
    return _on(layer, lambda draw: draw.rectangle(band, fill=rgb(_BANDAGE), outline=rgb(mix(_BANDAGE, palette.ink, 0.4)),
                                                  width=max(1, round(size * 0.03))))


def _scarred(layer, body, look, palette, rng):
    x, top, size = _face(body)
    start, end = (x + size * 0.08, top + size * 0.42), (x + size * 0.3, top + size * 0.72)
    pale = rgb(mix(skin(palette), "#ffffff", 0.5))

    def scar(draw: ImageDraw.ImageDraw) -> None:
        draw.line([start, end], fill=pale, width=max(1, round(size * 0.05)))
        for t in (0.3, 0.6):
            sx, sy = start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t
            draw.line([(sx - size * 0.05, sy + size * 0.03), (sx + size * 0.05, sy - size * 0.03)],
                      fill=rgb(palette.ink), width=1)
    return _on(layer, scar)


def _sweaty(layer, body, look, palette, rng):
    x, top, size = _face(body)
    return _on(layer, lambda draw: _blots(draw, rng, (x - size * 0.3, top + size * 0.25, x + size * 0.3, top + size * 0.6),
                                          5, max(1.2, size * 0.035), _DRIP))


def _snowy(layer, body, look, palette, rng):
    def snow(draw: ImageDraw.ImageDraw) -> None:
        x, top, size = _face(body)
        draw.chord((x - size * 0.45, top - size * 0.05, x + size * 0.45, top + size * 0.3), 180, 360, fill=(250, 250, 255))
        _blots(draw, rng, (body.cx - body.shoulders * 1.2, body.shoulder_y - size * 0.1, body.cx + body.shoulders * 1.2,
                           body.shoulder_y + size * 0.5), 30, max(1.2, size * 0.05), (250, 250, 255, 235))
    return _on(layer, snow)


FIGURE_MARKS = {"muddy": _muddy, "soaked": _soaked, "bloody": _bloody, "torn_shirt": _torn, "bruised": _bruised,
                "burned": _burned, "dusty": _dusty, "bandaged": _bandaged, "scarred": _scarred, "sweaty": _sweaty,
                "snowy": _snowy}


def wear_figure(layer: Image.Image, body: Standing, look: FigureLook, tags: list[str], palette: Palette,
                rng: random.Random) -> Image.Image:
    """The figure's layer with each drawable tag's marks (tags as `tag_key` gives them; others are skipped)."""
    for tag in tags:
        if tag in FIGURE_MARKS:
            layer = FIGURE_MARKS[tag](layer, body, look, palette, rng)
    return layer


def _surface(color: tuple[int, ...], count: int, band: tuple[float, float] = (0.0, 1.0)):
    def marks(layer: Image.Image, rng: random.Random) -> Image.Image:
        left, top, right, bottom = layer.getchannel("A").getbbox() or (0, 0, *layer.size)
        span = bottom - top
        box = (left, top + span * band[0], right, top + span * band[1])
        return _on(layer, lambda draw: _blots(draw, rng, box, count, max(1.5, min(right - left, span) * 0.06), color))
    return marks


def _darker(layer: Image.Image, rng: random.Random) -> Image.Image:
    wet = Image.blend(layer.convert("RGB"), Image.new("RGB", layer.size, "#0b1626"), 0.4)
    wet.putalpha(layer.getchannel("A"))
    return wet


SURFACE_MARKS = {"muddy": _surface(_MUD, 10, (0.4, 1.0)), "bloody": _surface(_BLOOD, 6), "soaked": _darker,
                 "dusty": _surface((216, 211, 200, 220), 40), "burned": _surface(_SOOT, 10),
                 "rusty": _surface((150, 70, 30, 200), 16)}


def wear_surface(layer: Image.Image, tags: list[str], rng: random.Random) -> Image.Image:
    """A prop's layer with the marks its surface tags leave (mud, blood, wet, dust, soot, rust)."""
    for tag in tags:
        if tag in SURFACE_MARKS:
            layer = SURFACE_MARKS[tag](layer, rng)
    return layer
