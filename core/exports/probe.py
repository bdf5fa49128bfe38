"""What an MP4 holds, read with PyAV: codecs, size, frame rate, exact frame count (by decoding), durations.

    probe(mp4_bytes_or_path) -> Probe(video_codec="h264", width=1024, height=576, fps=24.0, frames=192,
                                      duration=8.0, audio_codec="aac", audio_duration=8.0, sample_rate=48000)
    duration(mp4_bytes_or_path) -> 8.0      the picture's length from the file's header alone (nothing decoded)
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import av

from core.errors import InputRejected
from core.exports.reels import decoder_threads


@dataclass(frozen=True)
class Probe:
    """A video file's streams as a player sees them; durations in seconds."""

    video_codec: str | None
    width: int
    height: int
    fps: float
    frames: int
    duration: float
    audio_codec: str | None
    audio_duration: float
    sample_rate: int


def probe(mp4: bytes | str | Path) -> Probe:
    """Read a video file's streams; frames are counted by decoding, so the count is exact.

    Args:
        mp4: the file's bytes, or its path.

    Returns:
        Probe; video fields are None/0 for a file without picture, audio ones for a file without sound.

    Raises:
        InputRejected: the bytes aren't a video file PyAV can read.
    """
    source = io.BytesIO(mp4) if isinstance(mp4, bytes | bytearray) else str(mp4)
    try:
        with av.open(source) as container:
            return _probed(container)
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise InputRejected({"video": f"this isn't a video file we can read ({exc.__class__.__name__})"}) from exc


def duration(mp4: bytes | str | Path) -> float:
    """The picture's length in seconds as the file's header gives it (the sound's for a file without picture).

    Raises:
        InputRejected: the bytes aren't a video file PyAV can read.
    """
    source = io.BytesIO(mp4) if isinstance(mp4, bytes | bytearray) else str(mp4)
    try:
        with av.open(source) as container:
            streams = container.streams.video or container.streams.audio
            seconds = _seconds(streams[0]) if streams else 0.0
            return seconds or (container.duration or 0) / av.time_base
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise InputRejected({"video": f"this isn't a video file we can read ({exc.__class__.__name__})"}) from exc


def _probed(container) -> Probe:
    video = container.streams.video[0] if container.streams.video else None
    audio = container.streams.audio[0] if container.streams.audio else None
    fps = float(video.average_rate or video.guessed_rate or 0) if video else 0.0
    duration = _seconds(video) if video else 0.0
    audio_duration = _seconds(audio) if audio else 0.0
    frames = _decoded_frames(container, video) if video else 0
    if video and not duration and fps:
        duration = frames / fps
    return Probe(video_codec=video.codec_context.name if video else None,
                 width=video.width if video else 0, height=video.height if video else 0,
                 fps=fps, frames=frames, duration=duration,
                 audio_codec=audio.codec_context.name if audio else None,
                 audio_duration=audio_duration, sample_rate=audio.sample_rate if audio else 0)


def _decoded_frames(container, video) -> int:
    video.thread_type = decoder_threads(video.width, video.height)
    return sum(1 for _ in container.decode(video))


def _seconds(stream) -> float:
    if stream.duration is not None and stream.time_base:
        return float(stream.duration * stream.time_base)
    return 0.0
