"""The offline animatic: a shot's clip made from its anchor frames, with no video model. Pure: bytes in, bytes out.

    render_animatic(AnimaticRequest(start_frame=png, end_frame=png_or_None, seconds=8.0,
                                    camera="wide · push-in · eye level", dialogue=(("MARA", "Go now."),)))
        -> MP4 bytes (H.264 + AAC)

What the clip holds:
- exactly round(seconds * fps) frames of the start frame, letterboxed to width x height, moved the way the
  camera spec says (camera.py: push-in, pull-out, pans, tilts, tracking, handheld, static);
- with an end frame, a dissolve from start to end over the middle half of the shot (the start holds for the
  first quarter, the end for the last), under the same camera move;
- each dialogue line burned in as a subtitle for its share of the shot (by word count), "SPEAKER: text";
- the label ("offline animatic") small in the top-right corner;
- a mono AAC track at 48 kHz: the lines spoken by espeak-ng when it is installed, silence otherwise.
The same request always gives the same pictures (the handheld sway is seeded by the start frame).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from core.errors import InputRejected
from core.exports.mp4 import Mp4Writer
from core.exports.optical import OpticalPrinter
from core.exports.picture import Picture, letterboxed, mix_weight, picture_of, read_image
from core.film.shots import CameraSpec
from core.offline.camera import Box, camera_boxes
from core.offline.captions import label_overlay, line_spans, subtitle_overlay
from core.offline.soundtrack import dialogue_track

DISSOLVE = (0.25, 0.75)  # the part of the shot (start, end) over which the start frame dissolves into the end
MAX_SECONDS = 120
MAX_SIDE = 4096


@dataclass(frozen=True)
class AnimaticRequest:
    """One shot's animatic: its anchor frames (PNG), exact length, camera, dialogue and picture format."""

    start_frame: bytes
    end_frame: bytes | None
    seconds: float
    camera: str = ""  # core.film.shots.CameraSpec text, e.g. "wide · push-in · eye level"
    dialogue: tuple[tuple[str, str], ...] = ()  # (speaker, text), in order
    width: int = 1024
    height: int = 576
    fps: int = 24
    voice: bool = True  # speak the dialogue when a speech engine is installed
    label: str = "offline animatic"

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise InputRejected(problems)

    @property
    def frames(self) -> int:
        return round(self.seconds * self.fps)


def render_animatic(request: AnimaticRequest) -> bytes:
    """The shot's animatic as MP4 bytes (see the module docstring for what it holds).

    Raises:
        InputRejected: a frame isn't a readable image.
    """
    spans = line_spans(request.dialogue, request.seconds)
    pictures = animatic_pictures(request)  # reads the frames now: a bad one is refused before anything is encoded
    with Mp4Writer(request.width, request.height, fps=request.fps, channels=1) as writer:
        writer.add_sound(dialogue_track(request.dialogue, spans, request.seconds, voice=request.voice))
        writer.add_pictures(pictures)
        return writer.finish()


def animatic_pictures(request: AnimaticRequest) -> Iterator[Picture]:
    """The clip's pictures in order, without sound or encoding (for previews and the benchmark).

    Raises:
        InputRejected: a frame isn't a readable image (raised here, before the first picture).
    """
    size = (request.width, request.height)
    start = picture_of(letterboxed(read_image(request.start_frame, "start_frame"), *size))
    end = None if request.end_frame is None else picture_of(
        letterboxed(read_image(request.end_frame, "end_frame"), *size))
    seed = zlib.crc32(request.start_frame)
    boxes = camera_boxes(CameraSpec.parse(request.camera).movement, request.frames, request.fps, size, seed)
    return _pictures(request, OpticalPrinter(start, end), boxes, line_spans(request.dialogue, request.seconds))


def _pictures(request: AnimaticRequest, printer: OpticalPrinter, boxes: list[Box],
              spans: list[tuple[float, float]]) -> Iterator[Picture]:
    """Each frame's picture; a frame that would repeat the previous one is the same object (encoded, not drawn)."""
    size = (request.width, request.height)
    subtitles = [subtitle_overlay(speaker, text, *size) for speaker, text in request.dialogue]
    label = [label_overlay(request.label, *size)] if request.label.strip() else []
    previous_key, picture = None, None
    for index, box in enumerate(boxes):
        share = _dissolved(index, request.frames) if request.end_frame is not None else 0.0
        line = _speaking(index / request.fps, spans)
        key = (box, mix_weight(share), line)
        if key != previous_key:
            picture = printer.printed(box, size, share)  # a new picture of its own: the text is burned into it
            for overlay in ([subtitles[line]] if line is not None else []) + label:
                overlay.burn(picture)
            previous_key = key
        yield picture


def _dissolved(index: int, frames: int) -> float:
    """How far the dissolve has gone at frame `index`: 0 before its window, 1 after, linear inside."""
    progress = index / (frames - 1) if frames > 1 else 0.0
    begin, finish = DISSOLVE
    return min(1.0, max(0.0, (progress - begin) / (finish - begin)))


def _speaking(seconds: float, spans: list[tuple[float, float]]) -> int | None:
    """The line on screen at `seconds` into the shot, or None."""
    return next((number for number, (start, end) in enumerate(spans) if start <= seconds < end), None)


def _problems(request: AnimaticRequest) -> dict[str, str]:
    problems = {}
    if not 1 <= request.fps <= 120:
        problems["fps"] = "use 1 to 120 frames per second"
    if not request.seconds > 0 or request.seconds > MAX_SECONDS:
        problems["seconds"] = f"a shot lasts more than 0 and at most {MAX_SECONDS} seconds"
    elif "fps" not in problems and request.frames < 1:
        problems["seconds"] = f"a shot needs at least one frame: {1 / request.fps:.3f} seconds or more"
    for side in ("width", "height"):
        value = getattr(request, side)
        if not 16 <= value <= MAX_SIDE or value % 2:
            problems[side] = f"use an even number of pixels from 16 to {MAX_SIDE}"
    if not request.start_frame:
        problems["start_frame"] = "a shot needs its start frame"
    if any(not isinstance(line, tuple | list) or len(line) != 2 or not str(line[1]).strip()
           for line in request.dialogue):
        problems["dialogue"] = "each line is (speaker, words), with some words"
    return problems
