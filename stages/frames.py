"""Stage 10, anchor frames: a shot's start frame (and end frame, where it needs one) from its frame prompt, seeded by
the prior frame and by the reference images of the shot's characters and location.

    frame_order(shot, frame_type, ...) -> FrameOrder          the request, its identity for the ledger
    draw_frame(order, provider) -> ImageDraft                  the picture from any ImageProvider

Online the prompt goes to the image model with the prior frame first and the references after it (Gemini's
`generate_content` with image parts); offline the storyboard renderer composes the shot from the structured
`subject` and keeps the prior frame's placement and palette (it reads the layout the prior frame carries).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.film.shots import CameraSpec, Movement
from core.film.style import style_preset
from core.providers.base import ImageProvider, ImageRequest
from stages.assets import ImageDraft
from stages.provenance import digest

TEMPLATE_VERSION = "frame.v1"
SIZES = {"16:9": (1024, 576), "9:16": (576, 1024)}
_END_MOVES = {Movement.PUSH_IN: "closer, as the push-in ends", Movement.PULL_OUT: "wider, as the pull-out ends",
              Movement.PAN_LEFT: "after panning left", Movement.PAN_RIGHT: "after panning right",
              Movement.TILT_UP: "after tilting up", Movement.TILT_DOWN: "after tilting down",
              Movement.TRACKING: "after tracking with the subject", Movement.HANDHELD: "a moment later, handheld",
              Movement.STATIC: "a moment later, the camera still"}


@dataclass(frozen=True)
class FrameOrder:
    """One frame request: what to draw, what it is seeded by, and the seed."""

    shot_id: str  # "3B"
    frame_type: str  # "start" | "end"
    prompt: str
    subject: dict  # the structured shot the offline renderer composes
    prior: bytes | None = None  # the prior frame's PNG
    prior_key: str | None = None
    references: tuple[bytes, ...] = ()  # the shot's instance images (characters, location, props)
    reference_keys: tuple[str, ...] = ()
    seed: int = 0
    width: int = 1024
    height: int = 576
    model: str = ""
    guidance: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def identity(self) -> str:
        """The request's identity: the same prompt, subject, prior, references, model, seed and size give the same
        digest, so an identical request is served from storage, never paid twice."""
        return digest({"template": TEMPLATE_VERSION, "prompt": self.prompt, "subject": self.subject,
                       "prior": self.prior_key, "references": list(self.reference_keys), "model": self.model,
                       "seed": self.seed, "size": [self.width, self.height]})


def frame_prompt(shot_prompt: str, frame_type: str, camera: str, action: str, guidance: str = "") -> str:
    """The prompt for one anchor frame: the shot's frame prompt, and for an end frame where the shot ends up."""
    prompt = shot_prompt.strip()
    if frame_type == "end":
        move = _END_MOVES[CameraSpec.parse(camera).movement]
        prompt += f"\nThis is the LAST frame of the shot, {move}: {action.strip() or 'the action complete'}."
    if guidance.strip():
        prompt += f"\nDirection for this frame: {guidance.strip()}"
    return prompt + "\nMatch the first image given (the previous frame) in light, palette and where people stand."


def frame_subject(*, frame_type: str, shot_id: str, scene_number: int, setting: str, location: dict | None,
                  characters: list[dict], props: list[dict], camera: str, action: str, style: dict,
                  guidance: str = "") -> dict:
    """What the offline renderer composes (and what a frame's identity includes)."""
    return {"kind": "frame", "frame_type": frame_type, "shot_id": shot_id, "scene_number": scene_number,
            "setting": setting, "location": location, "characters": characters, "props": props, "camera": camera,
            "action": action, "style": style_preset(style.get("preset")).key, "style_notes": style.get("notes") or "",
            "guidance": guidance.strip()}


def draw_frame(order: FrameOrder, provider: ImageProvider) -> ImageDraft:
    """The frame from any ImageProvider: the prior frame first among the images it is given, then the references."""
    images = ((order.prior,) if order.prior else ()) + order.references
    result = provider.render(ImageRequest(prompt=order.prompt, subject=order.subject, references=images,
                                          width=order.width, height=order.height, seed=order.seed))
    return ImageDraft(png=result.png, final_prompt=order.prompt, prompt_template_version=TEMPLATE_VERSION,
                      provider=result.provider, model=result.model, seed=order.seed, width=order.width,
                      height=order.height, usage=result.usage, latency_ms=result.latency_ms,
                      input_digest=order.identity)
