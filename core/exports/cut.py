"""The cut as plain data: the shots of the film in order, each with its length in the cut and its media.

Every export reads this one shape, so the timeline, the EDL and the subtitles agree on where each shot
starts. Shots land on whole frames: `frame_spans` rounds each shot's cumulative end to the nearest frame
(a shot never shrinks below one frame), so the record times of an EDL are contiguous and add up to the
cut's length, and subtitles are timed against the same frames an editor sees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core.errors import InputRejected


@dataclass(frozen=True)
class CutShot:
    """One shot as it stands in the cut."""

    scene_number: int
    slug: str  # the scene heading: "INT. KITCHEN - DAY"
    shot_id: str  # "3B"
    order: int  # the shot's place in its scene, from 1
    duration: float  # seconds in the cut
    dialogue: tuple[tuple[str, str], ...] = ()  # (speaker, words), in the order spoken
    action: str = ""
    camera: str = ""
    characters: tuple[str, ...] = ()
    frame_prompt: str = ""
    video_prompt: str = ""
    model: str = ""  # "google:veo-3.1-generate-preview", "offline:animatic"
    cost: Decimal = Decimal(0)
    media: str | None = None  # the clip's path or URL; None while it isn't rendered
    still: str | None = None  # the start frame's path, standing in when there is no clip

    def __post_init__(self) -> None:
        if not (isinstance(self.duration, (int, float)) and math.isfinite(self.duration) and self.duration > 0):
            raise InputRejected({f"shot {self.shot_id}": "its length in the cut must be more than 0 seconds"})

    @property
    def rendered(self) -> bool:
        """Whether the shot has its own clip (otherwise its still stands in)."""
        return self.media is not None

    @property
    def source(self) -> str | None:
        """What plays for this shot: the clip, else the still, else nothing."""
        return self.media if self.media is not None else self.still


@dataclass(frozen=True)
class Cut:
    """The film's shots in cut order, at a frame rate."""

    title: str
    shots: tuple[CutShot, ...]
    fps: int = 24

    def __post_init__(self) -> None:
        if not isinstance(self.fps, int) or self.fps <= 0:
            raise InputRejected({"fps": "the frame rate must be a whole number above 0"})

    @property
    def starts(self) -> tuple[float, ...]:
        """The start of each shot in seconds: the sum of the shots before it."""
        return tuple(float(start) for start in _cumulative(self.shots)[:-1])

    @property
    def duration(self) -> float:
        """The cut's length in seconds: the sum of its shots."""
        return math.fsum(shot.duration for shot in self.shots)

    @property
    def frame_spans(self) -> tuple[tuple[int, int], ...]:
        """(first frame, frame count) of each shot, contiguous from frame 0."""
        spans, previous = [], 0
        for end in _cumulative(self.shots)[1:]:
            boundary = max(round(end * self.fps), previous + 1)
            spans.append((previous, boundary - previous))
            previous = boundary
        return tuple(spans)

    @property
    def frame_count(self) -> int:
        """The cut's length in whole frames (the end of the last span)."""
        spans = self.frame_spans
        return spans[-1][0] + spans[-1][1] if spans else 0

    def seconds_spans(self) -> tuple[tuple[float, float], ...]:
        """(start, end) of each shot in seconds, on the cut's frames."""
        return tuple((first / self.fps, (first + count) / self.fps) for first, count in self.frame_spans)


def _cumulative(shots: tuple[CutShot, ...]) -> list[Fraction]:
    """0, then the running total of the shots' lengths, exact (no float drift over 60 shots)."""
    totals = [Fraction(0)]
    for shot in shots:
        totals.append(totals[-1] + Fraction(shot.duration))
    return totals
