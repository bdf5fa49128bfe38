"""What the offline animatic burns into its pictures: dialogue as subtitles, and the engine's own label.

    line_spans((("MARA", "Go now."), ("TOM", "Not without the key.")), seconds=6.0)
        -> [(0.0, 2.0), (2.0, 6.0)]          # each line's share of the shot, by word count
    subtitle_overlay("MARA", "Go now.", 1024, 576)  -> an Overlay: wrapped, centred, near the bottom
    label_overlay("offline animatic", 1024, 576)    -> an Overlay: small, in the top-right corner
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw

from core.exports.picture import Overlay, badge, face, overlay_of

SUBTITLE_WIDTH = 0.86  # of the frame, for the wrapped text
MAX_SUBTITLE_ROWS = 3  # more than this and the letters shrink rather than climb the frame
_MARGIN = 0.14  # of the height, under the subtitle box: above the storyboard frame's caption band (12%)


def line_spans(dialogue: Sequence[tuple[str, str]], seconds: float) -> list[tuple[float, float]]:
    """Each line's (start, end) in seconds: the whole shot shared out in order, by each line's word count."""
    words = [max(1, len(text.split())) for _speaker, text in dialogue]
    total, spans, said = sum(words), [], 0
    for count in words:
        spans.append((seconds * said / total, seconds * (said + count) / total))
        said += count
    return spans


def subtitle_text(speaker: str, text: str) -> str:
    """How a line reads on screen: "MARA: Go now.", or just the words when nobody is named."""
    words = " ".join(text.split())
    return f"{' '.join(speaker.split()).upper()}: {words}" if speaker.strip() else words


def subtitle_overlay(speaker: str, text: str, width: int, height: int) -> Overlay:
    """A line as a subtitle: light letters outlined in black on a translucent box, centred near the bottom."""
    size, rows = _fitted_rows(subtitle_text(speaker, text), width, height)
    font, pad = face(size), max(2, size // 3)
    stroke = max(1, size // 14)
    row_height = size + size // 4
    box = Image.new("RGBA", (min(width, max(_row_width(row, size) for row in rows) + 2 * pad + 2 * stroke),
                             row_height * len(rows) + 2 * pad))
    draw = ImageDraw.Draw(box)
    draw.rounded_rectangle((0, 0, box.width - 1, box.height - 1), radius=pad, fill=(0, 0, 0, 140))
    for number, row in enumerate(rows):
        left = (box.width - _row_width(row, size)) / 2
        draw.text((left, pad + number * row_height), row, font=font, fill=(255, 255, 255, 255),
                  stroke_width=stroke, stroke_fill=(0, 0, 0, 255))
    return overlay_of(box, (width - box.width) // 2, height - box.height - round(height * _MARGIN))


def label_overlay(label: str, width: int, height: int) -> Overlay:
    """The engine's label, small in the top-right corner, so nobody mistakes an animatic for a render."""
    tag = badge(label, max(8, height // 40))
    inset = max(2, height // 60)
    return overlay_of(tag, width - tag.width - inset, inset)


def _fitted_rows(text: str, width: int, height: int) -> tuple[int, list[str]]:
    """The largest letter size (from height/18 down) at which the text wraps into MAX_SUBTITLE_ROWS rows."""
    size = max(8, height // 18)
    while True:
        rows = _wrapped(text, size, width * SUBTITLE_WIDTH)
        if len(rows) <= MAX_SUBTITLE_ROWS:
            return size, rows
        if size <= 8:  # a speech too long for any readable size: its end is cut, and says so
            return size, rows[:MAX_SUBTITLE_ROWS - 1] + [rows[MAX_SUBTITLE_ROWS - 1] + " …"]
        size -= max(1, size // 8)


def _wrapped(text: str, size: int, limit: float) -> list[str]:
    """Greedy word wrap at `limit` pixels (a word longer than the limit gets a row of its own)."""
    rows: list[str] = []
    for word in text.split():
        candidate = f"{rows[-1]} {word}" if rows else word
        if rows and _row_width(candidate, size) <= limit:
            rows[-1] = candidate
        else:
            rows.append(word)
    return rows


def _row_width(row: str, size: int) -> int:
    return round(face(size).getlength(row))
