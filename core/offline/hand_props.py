"""Props in a frame: the storyboard's prop silhouettes (core.offline.shapes), drawn alone on a transparent layer
so their status tags mark only the prop: broken (in pieces), cracked, lit (a glow and a flame), extinguished
(no glow, a wisp of smoke), and the surface marks core.offline.wear draws (mud, blood, wet, dust, soot, rust).

    prop_layer(prop, palette, line, size=40.0) -> Drawn(layer, anchor=(x, base), tags not drawn)

A prop stands on its base line; `anchor` is where that base's centre is on the layer. A big thing (a car, a
boat, a piano) is drawn bigger beside a figure than a thing a hand holds (`scale`).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw

from core.film.style import Palette, mix, rgb
from core.offline import machines
from core.offline.looks import prop_kind, singular, tokens
from core.offline.pen import Pen
from core.offline.shapes import _SILHOUETTES, _body_colour  # the reference images' prop drawings and colours
from core.offline.wear import SURFACE_MARKS, split_tags, wear_surface

PROP_TAGS = frozenset(SURFACE_MARKS) | {"broken", "cracked", "lit", "extinguished"}
# a prop's size beside a standing figure, in figure heights (a hand-held thing is about 0.1)
_SCALES = {"car": 0.42, "boat": 0.42, "plane": 0.38, "piano": 0.4, "bicycle": 0.32, "antenna": 0.45, "box": 0.2,
           "case": 0.16, "drum": 0.22, "cage": 0.18, "wheel": 0.28, "clock": 0.16, "garment": 0.22, "sword": 0.22,
           "cane": 0.25, "guitar": 0.26, "rope": 0.16}
HELD = 0.1
_LIGHTS = frozenset({"candle", "lantern"})


@dataclass(frozen=True)
class Drawn:
    """A prop drawn on its own layer."""

    layer: Image.Image
    anchor: tuple[float, float]  # the centre of its base line, on the layer
    undrawn: list[str]  # the tags it could not show


def scale(prop: dict) -> float:
    """How big the prop stands beside a figure, in figure heights."""
    return _SCALES.get(prop_kind(str(prop.get("name") or ""), str(prop.get("description") or "")), HELD)


def prop_layer(prop: dict, palette: Palette, line: int, size: float) -> Drawn:
    """The prop on a transparent layer, `size` pixels being the silhouette's unit (about its height)."""
    name, description = str(prop.get("name") or ""), str(prop.get("description") or "")
    drawn, undrawn = split_tags(prop.get("tags") or [], PROP_TAGS)
    rng = _rng(name, description)
    s = max(2.0, size)
    layer = Image.new("RGBA", (round(s * 5.6) + 4, round(s * 3.4) + 4), (0, 0, 0, 0))
    cx, base = layer.width / 2, s * 2.9
    pen = Pen(ImageDraw.Draw(layer, "RGBA"), palette, line, rng)
    kind = prop_kind(name, description)
    words = frozenset(word for raw in tokens(f"{name} {description}") for word in (raw, singular(raw)))
    body = _body_colour(kind, name, description, pen)
    if kind == "thing":
        machines.thing(pen, cx, base, s, body, words, name=name)
    else:
        _SILHOUETTES[kind](pen, cx, base, s, body, words)
    layer = wear_surface(layer, drawn, rng)
    if "extinguished" in drawn:
        layer = _extinguished(layer, kind, cx, base, s, palette)
    elif "lit" in drawn and kind not in _LIGHTS:
        layer = _lit(layer, palette, s)
    if "cracked" in drawn and "broken" not in drawn:
        layer = _cracked(layer, palette, line, rng)
    if "broken" in drawn:
        layer = _in_pieces(layer, palette, line, rng, s, base)
    return Drawn(layer, (cx, base), undrawn)


def _rng(name: str, description: str) -> random.Random:
    digest = hashlib.sha256(f"prop\n{name}\n{description}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _lit(layer: Image.Image, palette: Palette, s: float) -> Image.Image:
    """A glow behind the prop and a flame on its top."""
    left, top, right, _ = layer.getchannel("A").getbbox() or (0, 0, *layer.size)
    x, y = (left + right) / 2, top
    glowing = Image.new("RGBA", layer.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(glowing, "RGBA")
    for reach, alpha in ((1.5, 45), (1.0, 70)):
        draw.ellipse((x - s * reach, y - s * reach, x + s * reach, y + s * reach * 0.8), fill=(*rgb("#ffd77a"), alpha))
    glowing.alpha_composite(layer)
    draw = ImageDraw.Draw(glowing, "RGBA")
    draw.polygon([(x, y - s * 0.45), (x + s * 0.12, y - s * 0.12), (x, y + s * 0.02), (x - s * 0.12, y - s * 0.12)],
                 fill=rgb("#ffb830"))
    return glowing


def _extinguished(layer: Image.Image, kind: str, cx: float, base: float, s: float, palette: Palette) -> Image.Image:
    """No glow (the translucent halo is dropped), the flame gone, a grey wisp of smoke where it was."""
    alpha = layer.getchannel("A").point(lambda value: 0 if value < 100 else value)
    out = layer.copy()
    out.putalpha(alpha)
    draw = ImageDraw.Draw(out, "RGBA")
    if kind == "candle":  # the flame is gone: clear it, leave a burnt wick
        draw.rectangle((cx - s * 0.14, base - s * 1.66, cx + s * 0.14, base - s * 1.25), fill=(0, 0, 0, 0))
        draw.line([(cx, base - s * 1.2), (cx, base - s * 1.32)], fill=rgb(palette.ink), width=max(1, round(s * 0.04)))
        top = base - s * 1.32
    elif kind == "lantern":  # the glass is dark
        draw.ellipse((cx - s * 0.14, base - s * 0.82, cx + s * 0.14, base - s * 0.38), fill=rgb(mix("#fff3c4", "#000000", 0.55)))
        top = base - s * 1.6
    else:
        top = (out.getchannel("A").getbbox() or (0, int(base - s), 0, 0))[1]
    for step in range(4):  # smoke curling up
        y = top - s * 0.18 * (step + 1)
        draw.ellipse((cx - s * 0.08 + (step % 2) * s * 0.1, y - s * 0.08, cx + s * 0.08 + (step % 2) * s * 0.1,
                      y + s * 0.08), fill=(150, 150, 150, 140 - step * 25))
    return out


def _cracked(layer: Image.Image, palette: Palette, line: int, rng: random.Random) -> Image.Image:
    left, top, right, bottom = layer.getchannel("A").getbbox() or (0, 0, *layer.size)
    points = [(left + (right - left) * rng.uniform(0.35, 0.65), top)]
    for step in range(1, 6):
        points.append((points[-1][0] + (right - left) * rng.uniform(-0.12, 0.12), top + (bottom - top) * step / 6))
    out = layer.copy()
    ImageDraw.Draw(out).line(points, fill=rgb(palette.ink), width=max(1, line))
    out.putalpha(layer.getchannel("A"))
    return out


def _in_pieces(layer: Image.Image, palette: Palette, line: int, rng: random.Random, s: float,
               base: float) -> Image.Image:
    """The prop snapped across a jagged line: its foot still standing, its top fallen on its side beside it,
    shards on the ground between them."""
    left, top, right, bottom = layer.getchannel("A").getbbox() or (0, 0, *layer.size)
    snap = top + (bottom - top) * rng.uniform(0.4, 0.55)
    jag = [(left + (right - left) * step / 6 - (2 if step == 0 else 0) + (4 if step == 6 else 0),
            snap + (bottom - top) * (0.09 if step % 2 else -0.05)) for step in range(7)]
    upper = Image.new("L", layer.size, 0)
    ImageDraw.Draw(upper).polygon([(0, 0), (layer.width, 0), (layer.width, jag[-1][1])] + jag[::-1] + [(0, jag[0][1])],
                                  fill=255)
    alpha = layer.getchannel("A")
    foot, crown = layer.copy(), layer.copy()
    foot.putalpha(ImageChops.multiply(alpha, ImageChops.invert(upper)))
    crown.putalpha(ImageChops.multiply(alpha, upper))
    way = rng.choice((-1, 1))
    fallen = crown.rotate(way * -80, resample=Image.Resampling.BICUBIC, center=((left + right) / 2, snap), expand=False)
    box = fallen.getchannel("A").getbbox()
    out = Image.new("RGBA", layer.size, (0, 0, 0, 0))
    out.paste(foot, (0, 0), foot)
    if box:
        dx = (right - left) / 2 + s * 0.35 + (box[2] - box[0]) / 2
        target = ((left + right) / 2 + way * dx, base)
        out.paste(fallen, (round(target[0] - (box[0] + box[2]) / 2), round(target[1] - box[3])), fallen)
    draw = ImageDraw.Draw(out, "RGBA")
    shard = mix(palette.ground, palette.paper, 0.4)
    for _ in range(4):
        x, size = (left + right) / 2 + way * rng.uniform(0.2, 1.0) * s, s * rng.uniform(0.06, 0.12)
        draw.polygon([(x - size, base), (x + size * 0.3, base - size * 1.4), (x + size, base)], fill=rgb(shard),
                     outline=rgb(palette.ink), width=max(1, line // 2))
    return out
