"""Speech for the offline animatic, with Debian's espeak-ng when it is installed; silence when it isn't.

    speech_engine()                       -> "/usr/bin/espeak-ng", or None (tests patch this to force silence)
    voice_for("MARA")                     -> Voice("en-gb+f2", pitch=62): the same speaker always sounds the same
    speak("Go.", voice, words_per_minute=170) -> float32 mono samples at 48 kHz (empty when nothing can speak)

Nothing here fails for lack of a speech engine: an animatic without voices is still an animatic.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from functools import lru_cache

import av
import numpy as np

SAMPLE_RATE = 48_000
ENGINES = ("espeak-ng", "espeak")
MIN_WPM, MAX_WPM = 130, 280  # slower drags, faster can't be followed
_TIMEOUT = 30  # seconds for one line; espeak-ng speaks a paragraph in well under one


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice (language + variant) and its pitch (0-99)."""

    name: str
    pitch: int


VOICES = (
    Voice("en-us+m3", 42), Voice("en-gb+f2", 62), Voice("en-gb-scotland+m1", 34),
    Voice("en-us+f4", 70), Voice("en-029+m2", 50), Voice("en-gb-x-rp+f3", 56),
)


def speech_engine() -> str | None:
    """The speech engine's path on this machine, or None when none is installed."""
    return next((path for name in ENGINES if (path := shutil.which(name))), None)


def voice_for(speaker: str) -> Voice:
    """The voice a speaker always gets (chosen from their name, so it is the same in every shot and run)."""
    return VOICES[zlib.crc32(" ".join(speaker.split()).upper().encode()) % len(VOICES)]


def speak(text: str, voice: Voice, *, words_per_minute: int = 170) -> np.ndarray:
    """The text spoken in `voice`, as float32 mono samples at SAMPLE_RATE; empty when nothing can speak.

    Args:
        text: what is said (read as plain text, never as options or markup).
        voice: from `voice_for`.
        words_per_minute: speaking rate, kept within MIN_WPM..MAX_WPM.
    """
    engine = speech_engine()
    if engine is None or not text.strip():
        return np.zeros(0, np.float32)
    return _spoken(engine, " ".join(text.split()), voice, max(MIN_WPM, min(MAX_WPM, int(words_per_minute))))


@lru_cache(maxsize=256)
def _spoken(engine: str, text: str, voice: Voice, wpm: int) -> np.ndarray:
    command = [engine, "--stdout", "--stdin", "-v", voice.name, "-p", str(voice.pitch), "-s", str(wpm)]
    try:
        done = subprocess.run(command, input=text.encode(), capture_output=True, timeout=_TIMEOUT, check=True)
        samples = _resampled(*_wav(done.stdout))
    except (OSError, subprocess.SubprocessError, ValueError, av.FFmpegError):
        samples = np.zeros(0, np.float32)  # a line that can't be spoken is silent, never a failed clip
    samples.flags.writeable = False  # cached: shared by every caller
    return samples


def _wav(data: bytes) -> tuple[np.ndarray, int]:
    """16-bit PCM samples (first channel) and their rate from a WAV espeak-ng streamed (its sizes may be unset)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAV")
    position, rate, channels = 12, 0, 1
    while position + 8 <= len(data):
        kind, size = data[position:position + 4], struct.unpack("<I", data[position + 4:position + 8])[0]
        body = data[position + 8:position + 8 + size]
        if kind == b"fmt ":
            _format, channels, rate = struct.unpack("<HHI", body[:8])
        elif kind == b"data":
            pcm = np.frombuffer(body[: len(body) // (2 * channels) * 2 * channels], "<i2")
            return pcm.reshape(-1, channels)[:, 0], rate
        position += 8 + size + size % 2
    raise ValueError("WAV without data")


def _resampled(pcm: np.ndarray, rate: int) -> np.ndarray:
    """16-bit mono at `rate` as float32 at SAMPLE_RATE (FFmpeg's resampler)."""
    if not rate or not len(pcm):
        return np.zeros(0, np.float32)
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(pcm, np.int16)[None, :], format="s16", layout="mono")
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    frames = resampler.resample(frame) + resampler.resample(None)
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.float32)
