"""Stage 12, clips: a shot's clip from its video prompt, its start frame and (where the model takes one) its end
frame, for its exact duration.

    clip_order(...) -> ClipOrder          the request and its identity (the ledger key: never paid twice)
    clip_request(order) -> ClipRequest    what a VideoProvider (Veo, or the offline animatic) is given
"""

from __future__ import annotations

from dataclasses import dataclass

from core.providers.base import ClipRequest
from stages.provenance import digest

TEMPLATE_VERSION = "clip.v1"


@dataclass(frozen=True)
class ClipOrder:
    """One clip request."""

    shot_id: str  # "3B"
    prompt: str
    first_frame: bytes
    first_key: str
    last_frame: bytes | None
    last_key: str | None
    seconds: int
    camera: str
    dialogue: tuple[tuple[str, str], ...]
    model: str  # "google:veo-3.1-generate-preview" | "offline:animatic"
    seed: int = 0
    aspect_ratio: str = "16:9"
    resolution: str = "720p"
    guidance: str = ""
    animatic_width: int = 1024  # the offline animatic's size (a real model renders at `resolution`)

    @property
    def identity(self) -> str:
        """Same prompt, frames, length, model, seed and format: the same clip (served from storage, paid once)."""
        return digest({"template": TEMPLATE_VERSION, "prompt": self.prompt, "first": self.first_key,
                       "last": self.last_key, "seconds": self.seconds, "model": self.model, "seed": self.seed,
                       "aspect": self.aspect_ratio, "resolution": self.resolution, "camera": self.camera,
                       "dialogue": [list(d) for d in self.dialogue]})


def clip_prompt(video_prompt: str, guidance: str = "") -> str:
    """The shot's video prompt, with the creator's direction when a clip is iterated."""
    prompt = video_prompt.strip()
    return prompt + (f"\nDirection for this take: {guidance.strip()}" if guidance.strip() else "")


def clip_request(order: ClipOrder, *, with_end_frame: bool = True) -> ClipRequest:
    """The provider's request: prompt, first frame, last frame (when taken), seconds, format; the animatic reads
    the camera and the dialogue from `subject`."""
    width, height = animatic_size(order.aspect_ratio, order.animatic_width)
    return ClipRequest(prompt=order.prompt, first_frame=order.first_frame,
                       last_frame=order.last_frame if with_end_frame else None, seconds=order.seconds,
                       seed=order.seed, aspect_ratio=order.aspect_ratio, resolution=order.resolution,
                       subject={"camera": order.camera, "dialogue": [list(d) for d in order.dialogue],
                                "width": width, "height": height, "fps": 24, "shot_id": order.shot_id})


def animatic_size(aspect_ratio: str, width: int) -> tuple[int, int]:
    """The animatic's frame size for the aspect ratio, from its width (even sides, as H.264 wants)."""
    across, down = (int(n) for n in aspect_ratio.split(":"))
    long_side = width - width % 2
    short_side = round(long_side * min(across, down) / max(across, down))
    short_side -= short_side % 2
    return (long_side, short_side) if across >= down else (short_side, long_side)
