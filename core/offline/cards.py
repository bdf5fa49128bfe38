"""A title card: the shot's id and what it shows, in plain type, where a film has no picture for a shot yet."""

from __future__ import annotations

import io
import textwrap

from PIL import Image, ImageDraw

from core.offline.pen import font


def card_png(title: str, text: str, width: int = 1024, height: int = 576) -> bytes:
    """A dark card with a title and a few lines of text, as PNG."""
    image = Image.new("RGB", (width, height), (24, 24, 28))
    draw = ImageDraw.Draw(image)
    draw.text((width // 12, height // 4), title, fill=(235, 235, 235), font=font(max(14, height // 10)))
    body = "\n".join(textwrap.wrap(" ".join(text.split()), width=48)[:5])
    draw.multiline_text((width // 12, height // 4 + height // 6), body, fill=(170, 170, 178),
                        font=font(max(10, height // 24)), spacing=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
