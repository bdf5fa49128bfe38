"""The film: every shot's part in order, as one MP4 (H.264 + AAC stereo), streamed part by part.

    assemble_film([FilmPart(clip=mp4, seconds=8), FilmPart(still=png, seconds=6, label="3B")], dissolve=0.5)
        -> MP4 bytes, 14 s long

- Clips are decoded and re-encoded at one size (default: the first clip's, else 1024x576; others are
  letterboxed) and frame rate; their sound is kept, silence where a part has none.
- A part without a clip holds its still for its seconds, marked "3B · not rendered".
- Cuts by default. `dissolve` seconds make each join a dissolve centred on the cut, taken from inside the
  two parts: over the dissolve's first half the outgoing part plays under the incoming part's first
  picture, over its second half the incoming part plays over the outgoing part's last picture. Every part
  keeps its own place in time (its sound stays in sync) and the film lasts exactly the sum of the parts.
  The sound fades out and in across the join the same way.
- Parts start on the frame nearest their start time, so the film's length is the parts' sum to the frame.
- The sound is encoded in a child process while the pictures are encoded here (core.exports.soundtrack); should
  that process stall, the film is made again in this one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from core.errors import InputRejected
from core.exports.mp4 import SAMPLE_RATE, Mp4Writer
from core.exports.picture import Picture, blended
from core.exports.reels import CHANNELS, clip_pictures, clip_size, clip_sound, still_pictures
from core.exports.soundtrack import SoundStalled, encoded_aside

DEFAULT_SIZE = (1024, 576)
MAX_DISSOLVE = 4.0  # seconds
_DECLICK = 0.005  # seconds of fade at every join, so a cut never clicks


@dataclass(frozen=True, kw_only=True)
class FilmPart:
    """One shot's place in the film: its clip (MP4), or else its still (PNG), shown for `seconds`."""

    clip: bytes | None = None
    still: bytes | None = None
    seconds: float
    label: str = ""  # the shot id, "3B": shown on a still


@dataclass(frozen=True)
class _Reel:
    """A part placed on the film's timeline: its frames and samples, and its dissolves in (frames each side)."""

    part: FilmPart
    what: str  # how a message names it: "part 4 (3B)"
    frames: int
    samples: int
    fade_in: int
    fade_out: int


def assemble_film(parts: Sequence[FilmPart], *, width: int | None = None, height: int | None = None,
                  fps: int = 24, dissolve: float = 0.0) -> bytes:
    """The film as MP4 bytes (see the module docstring).

    Args:
        parts: the shots' parts in film order.
        width, height: the film's picture size (even); by default the first clip's, else 1024x576.
        fps: the film's frame rate.
        dissolve: seconds of each dissolve between parts; 0 cuts.

    Raises:
        InputRejected: no parts, a part with neither clip nor still, a length under a frame, a clip or
            still that can't be read, an odd size.
    """
    parts = list(parts)
    _check(parts, fps, dissolve)
    size = _film_size(parts, width, height)
    reels = _reels(parts, fps, dissolve)
    try:
        return _encoded(reels, fps, size, aside=True)
    except SoundStalled:
        return _encoded(reels, fps, size, aside=False)


def _encoded(reels: list[_Reel], fps: int, size: tuple[int, int], *, aside: bool) -> bytes:
    """The film's MP4: its sound encoded by a child process (`aside`, where one can be forked) or here."""
    blocks = (lambda: (_sound(reel, fps) for reel in reels)) if aside else None
    with (encoded_aside(blocks, CHANNELS) as sound, Mp4Writer(*size, fps=fps, channels=CHANNELS) as writer):
        if sound is None:  # one process for both
            writer.add_pictures(_film(reels, fps, size, with_sound=True))
        else:
            writer.add_pictures(_film(reels, fps, size), sound=sound.ready)
            writer.add_sound_packets(sound.rest())
        return writer.finish()


def _reels(parts: list[FilmPart], fps: int, dissolve: float) -> list[_Reel]:
    """Each part's frames and samples from the film's running time, so rounding never adds up."""
    times = [0.0, *accumulate(part.seconds for part in parts)]
    frames = [round(b * fps) - round(a * fps) for a, b in itertools.pairwise(times)]
    samples = [round(b * SAMPLE_RATE) - round(a * SAMPLE_RATE) for a, b in itertools.pairwise(times)]
    half = round(dissolve * fps / 2)
    joins = [0] + [min(half, a // 2, b // 2) for a, b in itertools.pairwise(frames)] + [0]
    return [_Reel(part, _named(i + 1, part), frames[i], samples[i], joins[i], joins[i + 1])
            for i, part in enumerate(parts)]


def _named(number: int, part: FilmPart) -> str:
    return f"part {number}" + (f" ({part.label.strip()})" if part.label.strip() else "")


def _film(reels: list[_Reel], fps: int, size: tuple[int, int], *,
          with_sound: bool = False) -> Iterator[Picture | np.ndarray]:
    """The film's pictures in order; `with_sound`, each part preceded by its sound (the writer queues it where it
    falls)."""
    showing = _pictures(reels[0], fps, size)
    last: Picture | None = None
    for number, reel in enumerate(reels):
        if with_sound:
            yield _sound(reel, fps)
        following = _pictures(reels[number + 1], fps, size) if number + 1 < len(reels) else None
        incoming = None
        for index, picture in enumerate(showing):
            own = picture
            if index < reel.fade_in:  # the second half of the dissolve in: the last part's end holds under
                picture = blended(last, own, (reel.fade_in + index + 0.5) / (2 * reel.fade_in))
            elif index >= reel.frames - reel.fade_out:
                if incoming is None:
                    incoming = next(following)
                done = index - (reel.frames - reel.fade_out)
                picture = blended(own, incoming, (done + 0.5) / (2 * reel.fade_out))
            last = own
            yield picture
        showing = itertools.chain([incoming], following) if incoming is not None else following


def _pictures(reel: _Reel, fps: int, size: tuple[int, int]) -> Iterator[Picture]:
    part = reel.part
    if part.clip is not None:
        return clip_pictures(part.clip, reel.frames, fps, size, reel.what)
    return still_pictures(part.still, reel.frames, size, part.label, reel.what)


def _sound(reel: _Reel, fps: int) -> np.ndarray:
    """The part's sound, faded through its dissolves and de-clicked at its cuts."""
    part = reel.part
    sound = clip_sound(part.clip, reel.samples, reel.what) if part.clip is not None else np.zeros(
        (CHANNELS, reel.samples), np.float32)
    fade_in = max(round(reel.fade_in / fps * SAMPLE_RATE), round(_DECLICK * SAMPLE_RATE))
    fade_out = max(round(reel.fade_out / fps * SAMPLE_RATE), round(_DECLICK * SAMPLE_RATE))
    fade_in, fade_out = min(fade_in, reel.samples // 2), min(fade_out, reel.samples // 2)
    sound[:, :fade_in] *= np.linspace(0.0, 1.0, fade_in, dtype=np.float32)
    sound[:, reel.samples - fade_out:] *= np.linspace(1.0, 0.0, fade_out, dtype=np.float32)
    return sound


def _film_size(parts: list[FilmPart], width: int | None, height: int | None) -> tuple[int, int]:
    first = next((size for part in parts if part.clip is not None and (size := clip_size(part.clip))), None)
    base = first or DEFAULT_SIZE
    chosen = (width or base[0], height or base[1])
    if width or height:
        if any(side % 2 or not 16 <= side <= 4096 for side in chosen):
            raise InputRejected({"size": "use an even number of pixels from 16 to 4096 for width and height"})
        return chosen
    return chosen[0] - chosen[0] % 2, chosen[1] - chosen[1] % 2


def _check(parts: list[FilmPart], fps: int, dissolve: float) -> None:
    problems = {}
    if not parts:
        problems["parts"] = "a film needs at least one part"
    if not 1 <= fps <= 120:
        problems["fps"] = "use 1 to 120 frames per second"
    if not 0 <= dissolve <= MAX_DISSOLVE:
        problems["dissolve"] = f"use 0 (cuts) to {MAX_DISSOLVE:g} seconds"
    for number, part in enumerate(parts, 1):
        where = _named(number, part)
        if part.clip is None and part.still is None:
            problems[where] = "it needs a clip or a still to show"
        elif not part.seconds * fps >= 1:
            problems[where] = f"it must last at least one frame ({1 / fps:.3f} s)"
    if problems:
        raise InputRejected(problems)
