"""The storyboard renderer: a real reference image for an asset, drawn with Pillow, no model involved.

    render_reference({"name": "Mara Quinn", "asset_type": "character", "description": "...",
                      "style": "noir", "style_notes": "warm"}, width=1024, height=576, seed=0) -> PNG bytes

A character is a standing figure shaped by its description (a child is small with a large head, an old
keeper stoops over a cane, a broad build is wide, "a red coat" is red), a location a set by the kind of
place it is (a kitchen, a bar, a lamp room inside; a shore, a forest, a street, a lighthouse on a
headland outside) at the time of day it is seen, a prop its kind's silhouette on a lit table (a wok, a
pen, a dish array), or a card with its name when the kind is unknown. A caption band names the asset.
Colours come from the locked visual style's palette, graded by its notes; "bold lines" or "fine lines"
set the outline weight. The same subject and seed always draw the same image.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import textwrap

from PIL import Image, ImageDraw

from core.film.style import Palette, contrasting, line_weight, mix, palette_for, picture_grade, rgb, style_preset
from core.offline.pen import Pen, font
from core.offline.shapes import draw_figure, draw_prop, draw_set

CAPTION_SHARE = 0.2  # of the height, for the caption band
_UNGRADED = (1.0, None, None, 0.0)


def render_reference(subject: dict, width: int = 1024, height: int = 576, seed: int = 0) -> bytes:
    """A PNG reference image for one asset (see the module docstring for `subject`)."""
    if width < 64 or height < 64:
        raise ValueError("a reference image needs at least 64 x 64 pixels")
    kind = str(subject.get("asset_type") or subject.get("kind") or "prop").lower()
    palette = _palette(subject)
    rng = random.Random(_seed(subject, width, height, seed))
    image = _gradient(width, height, palette)
    draw = ImageDraw.Draw(image, "RGBA")  # RGBA fills blend: light cones and glows are translucent
    picture = (0, 0, width, round(height * (1 - CAPTION_SHARE)))
    pen = Pen(draw, palette, _line_width(height, str(subject.get("style_notes") or "")), rng)
    drawing = {"character": draw_figure, "location": draw_set}.get(kind, draw_prop)
    drawing(pen, picture, str(subject.get("name") or ""), str(subject.get("description") or ""))
    grade = picture_grade(subject.get("style"), str(subject.get("style_notes") or ""))
    if grade != _UNGRADED:
        image.paste(_graded(image.crop(picture), *grade), picture[:2])
        draw = ImageDraw.Draw(image, "RGBA")
    _caption(draw, (0, picture[3], width, height), subject, kind, palette)
    _frame(draw, width, height, palette, style_preset(subject.get("style")).title)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=3)  # flat shapes compress well even at a fast level
    return buffer.getvalue()


def _palette(subject: dict) -> Palette:
    given = subject.get("palette")
    if isinstance(given, dict):
        return Palette(**given)
    if isinstance(given, (list, tuple)) and len(given) == 7:
        return Palette(*given)
    return palette_for(subject.get("style"), str(subject.get("style_notes") or ""))


def _seed(subject: dict, width: int, height: int, seed: int) -> int:
    wanted = {key: subject.get(key) for key in ("name", "asset_type", "kind", "description", "style", "style_notes")}
    digest = hashlib.sha256(json.dumps([wanted, width, height, seed], sort_keys=True, default=str).encode())
    return int.from_bytes(digest.digest()[:8], "big")


def _gradient(width: int, height: int, palette: Palette) -> Image.Image:
    mask = Image.linear_gradient("L").resize((1, height)).resize((width, height), Image.Resampling.NEAREST)
    return Image.composite(Image.new("RGB", (width, height), rgb(palette.bottom)),
                           Image.new("RGB", (width, height), rgb(palette.top)), mask)


def _graded(picture: Image.Image, saturation: float, tone: tuple | None, tint: str | None,
            strength: float) -> Image.Image:
    """The picture in the style's grade: black and white for noir, toned for sepia, muted, saturated, tinted."""
    if saturation != 1.0:
        grey = (0.2126, 0.7152, 0.0722)
        picture = picture.convert("RGB", tuple(
            (1 - saturation) * grey[col] + (saturation if row == col else 0.0) if col < 3 else 0.0
            for row in range(3) for col in range(4)))
    if tone:
        picture = Image.blend(picture, picture.convert("RGB", tone), 0.8)
    if tint:
        picture = Image.blend(picture, Image.new("RGB", picture.size, rgb(tint)), strength)
    return picture


def _line_width(height: int, notes: str) -> int:
    """Outline pixels: about 2 at 576 high, heavier or lighter as the style notes ask."""
    return max(1, round(height / 240 * line_weight(notes)))


def _caption(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], subject: dict, kind: str,
             palette: Palette) -> None:
    left, top, right, bottom = box
    draw.rectangle(box, fill=rgb(palette.paper))
    draw.line((left, top, right, top), fill=rgb(palette.accent), width=max(2, (bottom - top) // 30))
    unit = bottom - top
    pad = max(8, unit // 8)
    name = " ".join(str(subject.get("name") or "Untitled").split())[:60]
    draw.text((left + pad, top + pad), name, fill=rgb(palette.text), font=font(max(12, unit // 3)))
    label = kind.upper()
    chip = font(max(9, unit // 8))
    chip_width = draw.textlength(label, font=chip) + pad
    chip_fill = contrasting(palette.paper, palette.accent, palette.ink)
    draw.rounded_rectangle((right - pad - chip_width, top + pad, right - pad, top + pad + unit // 5),
                           radius=unit // 12, fill=rgb(chip_fill))
    draw.text((right - pad - chip_width + pad // 2, top + pad + unit // 40), label,
              fill=rgb(contrasting(chip_fill, palette.paper, palette.text)), font=chip)
    snippet = " ".join(str(subject.get("description") or "").split())
    small = font(max(9, unit // 9))
    columns = max(20, int((right - left - 2 * pad) / max(1.0, draw.textlength("n", font=small))))
    for number, line in enumerate(textwrap.wrap(snippet, columns)[:2]):
        draw.text((left + pad, top + pad + unit // 3 + pad // 2 + number * (unit // 7)), line,
                  fill=rgb(mix(palette.text, palette.paper, 0.3)), font=small)


def _frame(draw: ImageDraw.ImageDraw, width: int, height: int, palette: Palette, style_title: str) -> None:
    edge = max(2, width // 256)
    draw.rectangle((0, 0, width - 1, height - 1), outline=rgb(palette.ink), width=edge)
    tag = f"offline storyboard · {style_title.lower()}"
    draw.text((edge * 4, edge * 3), tag, fill=rgb(contrasting(palette.top, palette.ink, palette.text, palette.paper)),
              font=font(max(9, height // 48)))
