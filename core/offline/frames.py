"""The offline frame renderer (Stage 10): a shot's start or end frame as a storyboard panel, drawn with Pillow.

    render_frame({"kind": "frame", "frame_type": "start", "shot_id": "3B", "setting": "INT. LAMP ROOM - NIGHT",
                  "location": {...}, "characters": [...], "props": [...], "camera": "close-up · push-in · eye level",
                  "action": "...", "style": "noir", "style_notes": "warm"}, 1024, 576, seed=0, prior=None) -> PNG
    frame_layout(png) -> {"location": ..., "palette": [...], "horizon": ..., "characters": [...]} | None

The location's set stands behind (core.offline.shapes, the drawing its reference image has), the characters
on their marks at their prominence, the props in the lead's hands, all seen through the camera spec's
framing (core.offline.framing). An end frame is where the camera move ends (a push-in closer, a pan turned)
or, on a static shot, the action's change (its actor a step on, or turned round).

Continuity: each frame writes its layout into the PNG (text chunk "aiuteur-layout", JSON). Given a prior
frame with a layout, characters in both keep their place across the set and their facing (the 180° rule),
and at the same location the palette, horizon and set are kept. The same subject, size, seed and prior
always give the same bytes.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import replace

from PIL import Image, ImageDraw, PngImagePlugin, UnidentifiedImageError

from core.film.shots import CameraSpec
from core.film.style import Palette, line_weight, mix, palette_for
from core.offline.blocking import cast_key
from core.offline.composition import Setup, compose
from core.offline.hand_props import PROP_TAGS
from core.offline.looks import SetLook, set_look
from core.offline.slate import caption
from core.offline.staging import Staged, characters_of, frame_type, props_of, seeded, stage
from core.offline.wear import FIGURE_MARKS, split_tags

LAYOUT_KEY = "aiuteur-layout"
CAPTION_SHARE = 0.12  # of the height, for the caption band
MIN_SIZE = (64, 36)
_HORIZONS = {"forest": 0.55, "street": 0.45, "skyline": 0.72, "road": 0.5, "field": 0.52, "mountain": 0.7,
             "desert": 0.55, "park": 0.55, "tower": 0.65, "hills": 0.6, "shore": 0.45, "deck": 0.5, "island": 0.5,
             "headland": 0.55}  # where each exterior's drawing puts its horizon; interiors' vanishing point is 0.42
_TIME_TINTS = {"night": ("#1c2448", 0.3), "dusk": ("#f2955a", 0.18), "dawn": ("#f7c9a8", 0.14)}
_PLACE_TINTS = ("#c9a66b", "#6b8fc9", "#7fae7a", "#c97a6b", "#9a7fc9", "#6bb8c9", "#c9c06b", "#a0a0a0")


def render_frame(subject: dict, width: int = 1024, height: int = 576, seed: int = 0,
                 prior: bytes | None = None) -> bytes:
    """A PNG storyboard frame for one shot's start or end (see the module docstring for `subject`).

    Args:
        subject: the frame's shot, cast, props, location, camera text, action and locked style.
        width, height: the frame's size in pixels (at least 64 x 36).
        seed: varies the free choices (where a new cast stands, the set's details), deterministically.
        prior: the previous frame's PNG; its layout, when it has one, keeps places, facing and palette.
    Returns:
        PNG bytes carrying this frame's layout.
    """
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        raise ValueError(f"a frame needs at least {MIN_SIZE[0]} x {MIN_SIZE[1]} pixels")
    earlier = frame_layout(prior) if prior else None
    band = max(9, round(height * CAPTION_SHARE))
    size = (width, height - band)
    camera = CameraSpec.parse(str(subject.get("camera") or ""))
    setup = _setup(subject, earlier, seed, size[1])
    staged = stage(subject, camera, setup, _kept_marks(earlier), seed, size[1] / size[0])
    picture = compose(setup, staged.players, props_of(subject), staged.coverage, size)
    image = Image.new("RGB", (width, height), setup.palette.paper)
    image.paste(picture.image, (0, 0))
    draw = ImageDraw.Draw(image, "RGBA")
    caption(draw, (0, size[1], width, height), subject, camera, setup.palette, _undrawn(subject))
    draw.rectangle((0, 0, width - 1, height - 1), outline=setup.palette.ink, width=max(1, width // 320))
    return _png(image, _layout(subject, camera, setup, staged, picture.boxes, size))


def _png(image: Image.Image, layout: dict) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text(LAYOUT_KEY, json.dumps(layout, sort_keys=True, separators=(",", ":")))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info, compress_level=3)  # flat shapes compress well even at a fast level
    return buffer.getvalue()


def frame_layout(png: bytes | None) -> dict | None:
    """The layout a frame wrote into its PNG, or None for any other image (or none, or unreadable bytes)."""
    if not png:
        return None
    try:
        with Image.open(io.BytesIO(png)) as image:
            text = getattr(image, "text", {}).get(LAYOUT_KEY)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    try:
        layout = json.loads(text) if text else None
    except ValueError:
        return None
    return layout if isinstance(layout, dict) else None


def _place(subject: dict) -> tuple[str, str]:
    """The set's name and description: the location's, else the scene heading's."""
    location = subject.get("location") if isinstance(subject.get("location"), dict) else {}
    name = " ".join(str(location.get("name") or "").split())
    setting = " ".join(str(subject.get("setting") or "").split())
    if name:
        return name, f"{setting}. {location.get('description') or ''}".strip(". ")
    return setting, setting


def _setup(subject: dict, earlier: dict | None, seed: int, picture_height: int) -> Setup:
    """The set in its palette and eye line; kept from the prior frame when it was at the same place."""
    name, description = _place(subject)
    look = set_look(name, description)
    style, notes = subject.get("style"), str(subject.get("style_notes") or "")
    same = bool(earlier) and cast_key(earlier.get("location")) == cast_key(name)
    set_seed = _kept_int(earlier, "set_seed") if same else None
    set_seed = set_seed if set_seed is not None else seeded("set", name, description, style, seed)
    palette = _kept_palette(earlier) if same else None
    palette = palette or location_palette(palette_for(style, notes), look, name)
    horizon = _kept_float(earlier, "horizon") if same else None
    horizon = horizon if horizon is not None else _horizon(look, set_seed)
    line = max(1, round(picture_height / 240 * line_weight(notes)))
    return Setup(name, description, palette, horizon, set_seed, style, notes, line)


def location_palette(base: Palette, look: SetLook, name: str) -> Palette:
    """The locked style's palette as one location sees it: the time of day's light and the place's own cast."""
    tint, amount = _TIME_TINTS.get(look.time, (None, 0.0))
    hue = _PLACE_TINTS[seeded("place", cast_key(name)) % len(_PLACE_TINTS)]

    def lit(color: str, weight: float) -> str:
        return mix(mix(color, tint, amount * weight) if tint else color, hue, 0.16 * weight)
    return replace(base, top=lit(base.top, 1.0), bottom=lit(base.bottom, 1.0), ground=lit(base.ground, 0.8))


def _horizon(look: SetLook, set_seed: int) -> float:
    native = 0.42 if look.interior else _HORIZONS.get(look.drawing, 0.5)
    return round(min(0.5, max(0.36, native)) + random.Random(set_seed).uniform(-0.02, 0.02), 4)


def _kept_int(earlier: dict, key: str) -> int | None:
    value = earlier.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _kept_float(earlier: dict, key: str) -> float | None:
    value = earlier.get(key)
    return float(value) if isinstance(value, (int, float)) and 0.0 < value < 1.0 else None


def _kept_palette(earlier: dict) -> Palette | None:
    colours = earlier.get("palette")
    if isinstance(colours, list) and len(colours) == 7 and all(_is_colour(colour) for colour in colours):
        return Palette(*colours)
    return None


def _is_colour(value: object) -> bool:
    return isinstance(value, str) and len(value) == 7 and value[0] == "#" and all(
        c in "0123456789abcdefABCDEF" for c in value[1:])


def _kept_marks(earlier: dict | None) -> dict[str, tuple[float, int]]:
    """Who the prior frame placed: name -> (place across the set, facing)."""
    kept = {}
    for entry in (earlier or {}).get("characters") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("x"), (int, float)):
            continue
        x = min(0.97, max(0.03, float(entry["x"])))
        kept[cast_key(entry.get("name"))] = (x, -1 if entry.get("facing") == "left" else 1)
    return kept


def _undrawn(subject: dict) -> list[str]:
    """Every status tag the frame could not draw, as "NAME: tag"."""
    found = []
    for things, drawable in ((characters_of(subject), frozenset(FIGURE_MARKS)), (props_of(subject), PROP_TAGS)):
        for thing in things:
            for tag in split_tags(thing.get("tags") or [], drawable)[1]:
                found.append(f"{' '.join(str(thing.get('name') or '').split())}: {tag}")
    return found


def _layout(subject: dict, camera: CameraSpec, setup: Setup, staged: Staged, boxes: dict,
            size: tuple[int, int]) -> dict:
    """What the next frame needs to keep continuity, and what the UI shows: places, facing, palette, horizon."""
    window = staged.coverage.window
    return {
        "version": 1, "shot_id": str(subject.get("shot_id") or ""), "frame_type": frame_type(subject),
        "location": setup.name, "palette": setup.palette.colors(), "horizon": setup.horizon,
        "set_seed": setup.set_seed,
        "camera": {"framing": camera.framing.value, "movement": camera.movement.value, "angle": camera.angle.value},
        "window": [window.x, window.y, window.w],
        "picture": list(size),  # the boxes' frame of reference: the picture above the caption band
        "characters": [{"name": mark.name, "x": round(mark.x, 4), "facing": "right" if mark.facing > 0 else "left",
                        "prominence": mark.prominence, "box": boxes.get(mark.name)} for mark in staged.marks],
    }
