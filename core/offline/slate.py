"""A frame's caption band: shot id, frame type and camera text, then the action, the cast, and any status
tag the drawing could not show. It sits under the picture, so no name is ever painted over a face.
"""

from __future__ import annotations

from PIL import ImageDraw

from core.film.shots import CameraSpec
from core.film.style import Palette, contrasting, mix, rgb, style_preset
from core.offline.pen import font


def caption(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], subject: dict, camera: CameraSpec,
            palette: Palette, undrawn: list[str]) -> None:
    """The caption band in `box`: a heading line, and under it (when there is room) the shot's details."""
    left, top, right, bottom = box
    band = bottom - top
    draw.rectangle(box, fill=rgb(palette.paper))
    draw.line((left, top, right, top), fill=rgb(palette.accent), width=max(1, band // 20))
    pad = max(3, band // 8)
    room = band >= 36
    big = font(max(7, band // 3 if room else band * 3 // 5))
    heading = " · ".join(part for part in (_clean(subject.get("shot_id")) or "shot",
                                           (_clean(subject.get("frame_type")) or "start").upper(),
                                           _clean(subject.get("camera")) or camera.text) if part)
    note = ("not drawn: " + ", ".join(undrawn)) if undrawn else ""
    if not room and note:  # no second line in a thin band: the note follows the heading
        heading = f"{heading} · {note}"
    tag = f"offline frame · {style_preset(subject.get('style')).title.lower()}"
    small = font(max(7, band // 5))
    tag_width = draw.textlength(tag, font=small) if room else 0
    draw.text((left + pad, top + pad), _fit(draw, heading, big, right - left - 3 * pad - tag_width),
              fill=rgb(palette.text), font=big)
    if not room:
        return
    draw.text((right - pad - tag_width, top + pad), tag,
              fill=rgb(contrasting(palette.paper, palette.accent, palette.text)), font=small)
    details = [_clean(subject.get("action")), note or _cast(subject)]
    y = top + pad + band // 3 + pad // 2
    for line in [part for part in details if part][:2]:
        if y + band // 5 > bottom:
            break
        draw.text((left + pad, y), _fit(draw, line, small, right - left - 2 * pad),
                  fill=rgb(mix(palette.text, palette.paper, 0.25)), font=small)
        y += band // 5 + pad // 2


def _clean(value: object) -> str:
    return " ".join(str(value or "").split())


def _cast(subject: dict) -> str:
    names = [_clean(c.get("name")) for c in subject.get("characters") or [] if isinstance(c, dict)]
    return ("cast: " + ", ".join(name for name in names if name)) if any(names) else ""


def _fit(draw: ImageDraw.ImageDraw, text: str, lettering, width: float) -> str:
    """`text` cut (with an ellipsis) to fit `width` pixels."""
    if draw.textlength(text, font=lettering) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if draw.textlength(text[:middle].rstrip() + "…", font=lettering) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…" if low else ""
