"""Pictures as the encoder takes them: YUV 4:2:0 planes held as numpy arrays, so camera moves (optical.py),
dissolves and burned-in text work on the encoder's own layout, with no RGB round trip and no Pillow per frame.

    read_image(data, what)              a PNG's pixels as RGB, or InputRejected naming `what`
    letterboxed(image, width, height)   the image fitted inside width x height, black bars where aspects differ
    picture_of(image)                   an RGB image as a Picture
    blended(a, b, share)                a dissolve's picture: `share` of b over a
    overlay_of(rgba, x, y)              something to burn in (a subtitle, a label), blended by its alpha
    badge(text, size)                   a small label: light text on a translucent dark box
    video_frame(picture) / picture_of_frame(frame, width, height)   to and from PyAV frames
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from core.errors import InputRejected

_BLACK_YUV = (16, 128, 128)  # limited-range black
MIX_STEPS = 128  # a dissolve's steps: 7-bit weights keep a * (128 - weight) + b * weight inside int16
_ALPHA = 128  # overlay opacity steps: 7 bits keep (picture * (128 - alpha) + overlay * alpha) inside uint16


@dataclass(frozen=True, eq=False)
class Picture:
    """One frame's planes (uint8 arrays): y at full size, u and v at half width and height (sizes are even)."""

    y: np.ndarray
    u: np.ndarray
    v: np.ndarray

    @property
    def size(self) -> tuple[int, int]:
        return self.y.shape[1], self.y.shape[0]

    @property
    def planes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.y, self.u, self.v

    def copy(self) -> Picture:
        return Picture(*(plane.copy() for plane in self.planes))


@dataclass(frozen=True, eq=False)
class Overlay:
    """Something burned into pictures at (x, y): per plane, its colour already weighted by its opacity, and
    what is left of the picture under it (both out of _ALPHA)."""

    weighted: tuple[np.ndarray, np.ndarray, np.ndarray]
    kept: tuple[np.ndarray, np.ndarray, np.ndarray]
    x: int
    y: int

    def burn(self, picture: Picture) -> None:
        """Blend into `picture` in place (copy a picture you keep first); a part outside the picture is cut off."""
        for k, plane in enumerate(picture.planes):
            scale = 1 if k == 0 else 2
            _burned(plane, self.weighted[k], self.kept[k], self.x // scale, self.y // scale)


def read_image(data: bytes, what: str) -> Image.Image:
    """The pixels of an image file (PNG) as RGB, transparency over black.

    Raises:
        InputRejected: `what` names the field when the bytes aren't an image Pillow can read.
    """
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, TypeError) as exc:
        raise InputRejected({what: "this isn't an image we can read (a PNG is expected)"}) from exc
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", image.size, (0, 0, 0, 255)), image).convert("RGB")
    return image.convert("RGB")


def letterboxed(image: Image.Image, width: int, height: int) -> Image.Image:
    """`image` scaled to fit inside width x height, its aspect kept, centred on black."""
    scale = min(width / image.width, height / image.height)
    fitted = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if fitted == (width, height):
        return image if image.size == fitted else image.resize(fitted, Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (width, height))
    canvas.paste(image.resize(fitted, Image.Resampling.LANCZOS), ((width - fitted[0]) // 2, (height - fitted[1]) // 2))
    return canvas


def picture_of(image: Image.Image) -> Picture:
    """An RGB image (even width and height) as a Picture, converted the way the encoder expects."""
    return _planes(av.VideoFrame.from_image(image.convert("RGB")).reformat(format="yuv420p"))


def picture_of_frame(frame: av.VideoFrame, width: int, height: int) -> Picture:
    """A decoded frame fitted inside width x height (aspect kept, black bars), as a Picture.

    A frame already of that size and layout is not copied: the Picture's planes are the frame's own, so copy
    the picture before drawing on it.
    """
    scale = min(width / frame.width, height / frame.height)
    fitted = (_even(frame.width * scale, width), _even(frame.height * scale, height))
    fitted_frame = frame.reformat(fitted[0], fitted[1], "yuv420p", interpolation="BILINEAR")
    picture = Picture(*(plane_view(plane) for plane in fitted_frame.planes))
    if fitted == (width, height):
        return picture
    canvas = blank(width, height)
    left, top = (width - fitted[0]) // 4 * 2, (height - fitted[1]) // 4 * 2
    for k, (plane, part) in enumerate(zip(canvas.planes, picture.planes)):
        scale = 1 if k == 0 else 2
        plane[top // scale:top // scale + part.shape[0], left // scale:left // scale + part.shape[1]] = part
    return canvas


def blank(width: int, height: int) -> Picture:
    """A black picture."""
    y, u, v = _BLACK_YUV
    return Picture(np.full((height, width), y, np.uint8), np.full((height // 2, width // 2), u, np.uint8),
                   np.full((height // 2, width // 2), v, np.uint8))


def blended(a: Picture, b: Picture, share: float) -> Picture:
    """`share` (0..1) of b over a: one frame of a dissolve (a new Picture)."""
    weight = mix_weight(share)
    return Picture(*(mixed(lifted(x), np.subtract(y, x, dtype=np.int16), weight) for x, y in zip(a.planes, b.planes)))


def mix_weight(share: float) -> int:
    """A dissolve's share (0..1) in MIX_STEPS."""
    return round(min(1.0, max(0.0, share)) * MIX_STEPS)


def lifted(base: np.ndarray) -> np.ndarray:
    """base * MIX_STEPS + MIX_STEPS / 2 as int16: the outgoing picture, ready for `mixed`."""
    lift = np.multiply(base, MIX_STEPS, dtype=np.int16)
    lift += MIX_STEPS // 2
    return lift


def mixed(lift: np.ndarray, change: np.ndarray, weight: int, *, work: np.ndarray | None = None,
          out: np.ndarray | None = None) -> np.ndarray:
    """A dissolve's mix as uint8: the outgoing picture (`lifted`) plus `weight` / MIX_STEPS of the change to the
    incoming one (incoming - outgoing, int16), rounded. Three passes over the pixels, none of them a copy.

    Args:
        work, out: int16 and uint8 arrays of lift's shape to work in and write to (new ones by default).
    """
    work = np.multiply(change, weight, out=work, dtype=np.int16)  # within int16: the sum is at most 255 * 128 + 64
    work += lift
    out = np.empty(lift.shape, np.uint8) if out is None else out
    return np.right_shift(work, MIX_STEPS.bit_length() - 1, out=out, casting="unsafe")


def video_frame(picture: Picture) -> av.VideoFrame:
    """A PyAV frame holding the picture's planes (copied)."""
    frame = av.VideoFrame(picture.size[0], picture.size[1], "yuv420p")
    for plane, pixels in zip(frame.planes, picture.planes):
        plane_view(plane)[:] = pixels
    return frame


def overlay_of(rgba: Image.Image, x: int, y: int) -> Overlay:
    """An RGBA image to burn in with its top-left at about (x, y) (snapped to even pixels for the chroma planes)."""
    width, height = rgba.width + rgba.width % 2, rgba.height + rgba.height % 2
    padded = Image.new("RGBA", (width, height))
    padded.paste(rgba, (0, 0))
    alpha = padded.getchannel("A")
    alphas = [alpha, alpha.resize((width // 2, height // 2), Image.Resampling.BOX)]
    opacity = [(np.asarray(a, np.uint16) * _ALPHA + 127) // 255 for a in alphas]
    colours = picture_of(padded.convert("RGB")).planes
    weighted = tuple(colour * opacity[min(k, 1)] for k, colour in enumerate(colours))
    kept = tuple(_ALPHA - opacity[min(k, 1)] for k in range(3))
    return Overlay(weighted, kept, x - x % 2, y - y % 2)


def badge(text: str, size: int) -> Image.Image:
    """`text` in light letters `size` pixels high on a translucent dark box, as RGBA."""
    font = face(size)
    left, top, right, bottom = font.getbbox(text)
    pad = max(2, size // 3)
    box = Image.new("RGBA", (right - left + 2 * pad, bottom - top + 2 * pad))
    draw = ImageDraw.Draw(box)
    draw.rounded_rectangle((0, 0, box.width - 1, box.height - 1), radius=pad, fill=(0, 0, 0, 150))
    draw.text((pad - left, pad - top), text, font=font, fill=(255, 255, 255, 230))
    return box


@lru_cache(maxsize=16)
def face(size: int) -> ImageFont.ImageFont:
    """Pillow's bundled font at `size` pixels (its fixed bitmap font where FreeType is missing)."""
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):
        return ImageFont.load_default()


def _planes(frame: av.VideoFrame) -> Picture:
    return Picture(*(plane_view(plane).copy() for plane in frame.planes))


def _burned(plane: np.ndarray, weighted: np.ndarray, kept: np.ndarray, x: int, y: int) -> None:
    """plane = plane * kept + weighted (out of _ALPHA) where the overlay lies over it, in place."""
    top, left = max(0, y), max(0, x)
    bottom, right = min(plane.shape[0], y + weighted.shape[0]), min(plane.shape[1], x + weighted.shape[1])
    if bottom <= top or right <= left:
        return
    under = plane[top:bottom, left:right]
    cut = (slice(top - y, bottom - y), slice(left - x, right - x))
    mix = np.multiply(under, kept[cut], dtype=np.uint16)
    mix += weighted[cut]
    mix += _ALPHA // 2
    mix >>= _ALPHA.bit_length() - 1
    under[:] = mix


def plane_view(plane) -> np.ndarray:
    """A plane's pixels as a writable array, without the padding at the end of each row."""
    return np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)[:, :plane.width]


def _even(length: float, limit: int) -> int:
    return max(2, min(limit, round(length / 2) * 2))
