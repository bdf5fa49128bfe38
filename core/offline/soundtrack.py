"""A shot's sound for the offline animatic: each dialogue line spoken from the start of its span, in its
speaker's voice, at a pace that fits the span; silence where nobody speaks, or when nothing can speak.

    dialogue_track((("MARA", "Go now."),), [(0.0, 4.0)], seconds=4.0) -> float32 mono, 4 s at 48 kHz
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.offline import voice as speech

_BREATH = 1.15  # a line is paced to fill a little less than its span
_FADE = 0.01  # seconds: a line cut by the end of the shot fades instead of clicking


def dialogue_track(dialogue: Sequence[tuple[str, str]], spans: Sequence[tuple[float, float]], seconds: float,
                   *, voice: bool = True) -> np.ndarray:
    """The shot's sound: `round(seconds * 48000)` float32 samples in [-1, 1].

    Args:
        dialogue: (speaker, text) lines in order.
        spans: each line's (start, end) in seconds, as the subtitles show it.
        seconds: the shot's length; speech running past it is cut.
        voice: False keeps the shot silent even when a speech engine is installed.
    """
    track = np.zeros(round(seconds * speech.SAMPLE_RATE), np.float32)
    if not voice or speech.speech_engine() is None:
        return track
    for (speaker, text), (start, end) in zip(dialogue, spans):
        pace = len(text.split()) * 60 / max(end - start, 0.1) * _BREATH
        said = speech.speak(text, speech.voice_for(speaker), words_per_minute=round(pace))
        at = round(start * speech.SAMPLE_RATE)
        room = max(0, min(len(said), len(track) - at))
        track[at:at + room] += said[:room]
        if room < len(said):
            _fade_out(track[:at + room])
    return np.clip(track, -1.0, 1.0, out=track)


def _fade_out(samples: np.ndarray) -> None:
    """Fade the last few milliseconds to silence, in place."""
    length = min(len(samples), round(_FADE * speech.SAMPLE_RATE))
    if length:
        samples[-length:] *= np.linspace(1.0, 0.0, length, dtype=np.float32)
