"""Pictures as the encoder takes them: YUV 4:2:0 planes held as Pillow 'L' images, so camera moves, dissolves
and burned-in text run in Pillow's C code on the encoder's own layout, with no RGB round trip per frame.

    read_image(data, what)              a PNG's pixels as RGB, or InputRejected naming `what`
    letterboxed(image, width, height)   the image fitted inside width x height, black bars where aspects differ
    picture_of(image)                   an RGB image as a Picture
    Picture.resized(box, size)          the part inside `box` (sub-pixel, canvas pixels), resampled to `size`
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


@dataclass(frozen=True)
class Picture:
    """One frame's planes: y at full size, u and v at half width and height (sizes are even)."""

    y: Image.Image
    u: Image.Image
    v: Image.Image

    @property
    def size(self) -> tuple[int, int]:
        return self.y.size

    def copy(self) -> Picture:
        return Picture(self.y.copy(), self.u.copy(), self.v.copy())

    def resized(self, box: tuple[float, float, float, float], size: tuple[int, int]) -> Picture:
        """The region `box` (left, top, right, bottom; fractions of a pixel kept) resampled to `size`."""
        half_box = tuple(edge / 2 for edge in box)
        half_size = (size[0] // 2, size[1] // 2)
        return Picture(self.y.resize(size, Image.Resampling.BILINEAR, box=box),
                       self.u.resize(half_size, Image.Resampling.BILINEAR, box=half_box),
                       self.v.resize(half_size, Image.Resampling.BILINEAR, box=half_box))


@dataclass(frozen=True)
class Overlay:
    """Something burned into pictures at (x, y): its own planes and how opaque each pixel is."""

    picture: Picture
    mask: Image.Image
    chroma_mask: Image.Image
    x: int
    y: int

    def burn(self, picture: Picture) -> None:
        """Blend into `picture` in place (copy a picture you keep first)."""
        picture.y.paste(self.picture.y, (self.x, self.y), self.mask)
        picture.u.paste(self.picture.u, (self.x // 2, self.y // 2), self.chroma_mask)
        picture.v.paste(self.picture.v, (self.x // 2, self.y // 2), self.chroma_mask)


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
    """A decoded frame fitted inside width x height (aspect kept, black bars), as a Picture."""
    scale = min(width / frame.width, height / frame.height)
    fitted = (_even(frame.width * scale, width), _even(frame.height * scale, height))
    picture = _planes(frame.reformat(fitted[0], fitted[1], "yuv420p", interpolation="BILINEAR"))
    if fitted == (width, height):
        return picture
    canvas = blank(width, height)
    left, top = (width - fitted[0]) // 4 * 2, (height - fitted[1]) // 4 * 2
    canvas.y.paste(picture.y, (left, top))
    canvas.u.paste(picture.u, (left // 2, top // 2))
    canvas.v.paste(picture.v, (left // 2, top // 2))
    return canvas


def blank(width: int, height: int) -> Picture:
    """A black picture."""
    y, u, v = _BLACK_YUV
    return Picture(Image.new("L", (width, height), y), Image.new("L", (width // 2, height // 2), u),
                   Image.new("L", (width // 2, height // 2), v))


def blended(a: Picture, b: Picture, share: float) -> Picture:
    """`share` (0..1) of b over a: one frame of a dissolve."""
    return Picture(Image.blend(a.y, b.y, share), Image.blend(a.u, b.u, share), Image.blend(a.v, b.v, share))


def video_frame(picture: Picture) -> av.VideoFrame:
    """A PyAV frame holding the picture's planes (copied)."""
    frame = av.VideoFrame(picture.size[0], picture.size[1], "yuv420p")
    for plane, image in zip(frame.planes, (picture.y, picture.u, picture.v)):
        if plane.line_size == plane.width:
            plane.update(image.tobytes())  # one copy, where rows carry no padding (the usual case)
        else:
            _plane_view(plane)[:] = np.asarray(image)
    return frame


def overlay_of(rgba: Image.Image, x: int, y: int) -> Overlay:
    """An RGBA image to burn in with its top-left at about (x, y) (snapped to even pixels for the chroma planes)."""
    width, height = rgba.width + rgba.width % 2, rgba.height + rgba.height % 2
    padded = Image.new("RGBA", (width, height))
    padded.paste(rgba, (0, 0))
    alpha = padded.getchannel("A")
    half = alpha.resize((width // 2, height // 2), Image.Resampling.BOX)
    return Overlay(picture_of(padded.convert("RGB")), alpha, half, x - x % 2, y - y % 2)


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
    return Picture(*(Image.fromarray(_plane_view(plane).copy()) for plane in frame.planes))


def _plane_view(plane) -> np.ndarray:
    """A plane's pixels as a writable array, without the padding at the end of each row."""
    return np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)[:, :plane.width]


def _even(length: float, limit: int) -> int:
    return max(2, min(limit, round(length / 2) * 2))
