"""Small pictures, clips and decoders for the media tests (animatic, film assembly)."""

from __future__ import annotations

import io

import av
import numpy as np
from PIL import Image, ImageDraw

from core.exports.mp4 import SAMPLE_RATE, Mp4Writer
from core.exports.picture import letterboxed, picture_of


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def solid(color: tuple[int, int, int], size: tuple[int, int] = (160, 90)) -> Image.Image:
    return Image.new("RGB", size, color)


def scene(size: tuple[int, int] = (256, 144)) -> Image.Image:
    """A picture with detail everywhere and no symmetry, so a crop of one part can't pass for another."""
    width, height = size
    x, y = np.meshgrid(np.linspace(0, 1, width), np.linspace(0, 1, height))
    pixels = np.stack([255 * x, 255 * y, 255 * (1 - x) * (1 - y)], axis=-1).astype(np.uint8)
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    for i in range(9):  # discs growing from left to right, bars from top to bottom
        cx, cy, r = (i + 0.5) * width / 9, height * (0.2 + 0.07 * i), 3 + i * width / 140
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(250, 240 - 25 * i, 20 * i), outline=(0, 0, 0))
        draw.rectangle((width * 0.05, i * height / 9, width * (0.08 + 0.02 * i), i * height / 9 + 3), fill=(0, 0, 0))
    return image


def frames(mp4: bytes) -> list[np.ndarray]:
    """Every decoded frame as an RGB array (height, width, 3), int16 so differences don't wrap."""
    with av.open(io.BytesIO(mp4)) as container:
        return [frame.to_ndarray(format="rgb24").astype(np.int16) for frame in container.decode(video=0)]


def sound(mp4: bytes) -> np.ndarray:
    """The decoded sound, (channels, samples) float32 at its own rate."""
    with av.open(io.BytesIO(mp4)) as container:
        blocks = [frame.to_ndarray() for frame in container.decode(audio=0)]
    return np.concatenate(blocks, axis=1) if blocks else np.zeros((1, 0), np.float32)


def loudness(samples: np.ndarray, start: float, end: float) -> float:
    """Root-mean-square level between two times (seconds)."""
    part = samples[:, round(start * SAMPLE_RATE):round(end * SAMPLE_RATE)]
    return float(np.sqrt(np.mean(part ** 2))) if part.size else 0.0


def clip(colors: list[tuple[int, int, int]], *, size: tuple[int, int] = (160, 90), fps: int = 12,
         tone: float | None = None) -> bytes:
    """A clip made directly with the writer: frame k painted colors[k], with a sine tone (Hz) or silence."""
    writer = Mp4Writer(*size, fps=fps, channels=1)
    samples = round(len(colors) / fps * SAMPLE_RATE)
    t = np.arange(samples) / SAMPLE_RATE
    writer.add_sound((0.3 * np.sin(2 * np.pi * tone * t) if tone else np.zeros(samples)).astype(np.float32))
    for color in colors:
        writer.add_picture(picture_of(solid(color, size)))
    return writer.finish()


def fitted(image: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """What the renderer starts from: the image letterboxed to `size`, as an int16 RGB array."""
    return np.asarray(letterboxed(image, *size)).astype(np.int16)


def difference(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference per channel value."""
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())
