"""One part of the film as pictures and sound at the film's size, frame rate and sample rate, read as it plays.

    clip_pictures(mp4, frames=192, fps=24, size=(1024, 576))  -> 192 Pictures (time-mapped: another frame
                                                                 rate is resampled, a short clip holds its end)
    clip_sound(mp4, samples=384_000)                          -> float32 (2, samples): its sound, or silence
    still_pictures(png, frames, size, label="3B")             -> the still, marked "3B · not rendered"
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import av
import numpy as np

from core.errors import InputRejected
from core.exports.mp4 import SAMPLE_RATE
from core.exports.picture import (
    Picture,
    badge,
    blank,
    letterboxed,
    overlay_of,
    picture_of,
    picture_of_frame,
    read_image,
)

CHANNELS = 2  # the film is stereo: a model's stereo clip keeps its sides, a mono animatic plays on both
NOT_RENDERED = "not rendered"
_SLACK = 0.25  # of a film frame: a clip frame this close to a film frame's time is on time
# FFmpeg's frame threads hand every frame between threads: below this many pixels that costs more than the decoding
# (a 64x36 frame: 117 us with them, 59 us without)
_THREADS_FROM = 640 * 360


def clip_pictures(clip: bytes, frames: int, fps: int, size: tuple[int, int], what: str) -> Iterator[Picture]:
    """Exactly `frames` pictures of the clip at `fps`, each the clip frame showing at that moment.

    Raises:
        InputRejected: `what` names the part whose clip can't be read.
    """
    try:
        with av.open(io.BytesIO(clip)) as container:
            if not container.streams.video:
                raise InputRejected({what: "this clip has no picture"})
            stream = container.streams.video[0]
            stream.thread_type = decoder_threads(stream.width, stream.height)
            yield from _timed(container.decode(stream), frames, fps, size)
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise InputRejected({what: f"this clip isn't a video file we can read ({exc.__class__.__name__})"}) from exc


def decoder_threads(width: int, height: int) -> str:
    """How to thread the decoder of a clip this size: FFmpeg's choice for big pictures, one thread for small."""
    return "AUTO" if width * height >= _THREADS_FROM else "NONE"


def _timed(decoded: Iterator[av.VideoFrame], frames: int, fps: int, size: tuple[int, int]) -> Iterator[Picture]:
    """Film frame j shows the last clip frame due by j / fps; past the clip's end, its last frame holds."""
    upcoming = next(decoded, None)
    origin = upcoming.time if upcoming is not None and upcoming.time is not None else 0.0
    showing, picture = None, blank(*size)
    for index in range(frames):
        due = index / fps + _SLACK / fps
        while upcoming is not None and (upcoming.time or 0.0) - origin <= due:
            showing, upcoming = upcoming, next(decoded, None)
            picture = None
        if picture is None:
            picture = picture_of_frame(showing, *size)
        yield picture


def clip_sound(clip: bytes, samples: int, what: str) -> np.ndarray:
    """The clip's sound as float32 (CHANNELS, samples) at SAMPLE_RATE: cut or padded with silence to fit."""
    sound = np.zeros((CHANNELS, samples), np.float32)
    try:
        with av.open(io.BytesIO(clip)) as container:
            if not container.streams.audio:
                return sound
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=SAMPLE_RATE)
            at = 0
            for frame in container.decode(container.streams.audio[0]):
                for block in resampler.resample(frame):
                    at = _placed(sound, block.to_ndarray(), at)
            for block in resampler.resample(None):
                at = _placed(sound, block.to_ndarray(), at)
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise InputRejected({what: f"this clip's sound can't be read ({exc.__class__.__name__})"}) from exc
    return sound


def _placed(sound: np.ndarray, block: np.ndarray, at: int) -> int:
    room = max(0, min(block.shape[1], sound.shape[1] - at))
    sound[:, at:at + room] = block[:CHANNELS, :room]
    return at + block.shape[1]


def still_pictures(still: bytes, frames: int, size: tuple[int, int], label: str, what: str) -> Iterator[Picture]:
    """The still held for `frames`, with "LABEL · not rendered" across its top, so nobody takes it for a clip."""
    image = letterboxed(read_image(still, what), *size)
    tag = badge(f"{label.strip()} · {NOT_RENDERED}" if label.strip() else NOT_RENDERED, max(10, size[1] // 16))
    picture = picture_of(image)
    overlay_of(tag, (size[0] - tag.width) // 2, max(2, size[1] // 24)).burn(picture)
    for _ in range(frames):
        yield picture


def clip_size(clip: bytes) -> tuple[int, int] | None:
    """A clip's picture size from its header, or None when it has no readable picture."""
    try:
        with av.open(io.BytesIO(clip)) as container:
            stream = container.streams.video[0] if container.streams.video else None
            return (stream.width, stream.height) if stream and stream.width and stream.height else None
    except (av.FFmpegError, ValueError, OSError):
        return None
