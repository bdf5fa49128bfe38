"""The offline engine behind the provider protocols: free, deterministic, and labelled as offline.

    OfflineTextProvider   request.task + request.inputs -> the rule-based draft writer (core.offline.writer)
    OfflineImageProvider  request.subject -> the storyboard renderer (core.offline.storyboard), or for a
                          subject of kind "frame" the frame renderer (core.offline.frames), seeded by the
                          prior frame in request.references[0]

Token usage is estimated (characters / 4, the usual rule of thumb) so the ledger can show what the same
call would have cost on the configured online model.
"""

from __future__ import annotations

import json
import math
import time

from pydantic import ValidationError

from core.errors import ProviderBadResponse
from core.offline import frames, storyboard, writer
from core.providers.base import ImageRequest, ImageResult, Output, TextRequest, TextResult, Usage

OFFLINE = "offline"
TEXT_MODEL = "offline:draft-writer"
IMAGE_MODEL = "offline:storyboard"
FRAME_KIND = "frame"
CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """Tokens a model would count for `text`, by the characters / 4 rule of thumb."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


class OfflineTextProvider:
    """A `TextProvider` that drafts from the creator's own text with rules, not a model."""

    name = OFFLINE
    model = TEXT_MODEL
    offline = True

    def generate(self, request: TextRequest[Output]) -> TextResult[Output]:
        """Draft `request.task` from `request.inputs`; the answer is validated into `request.schema`."""
        started = time.perf_counter()
        try:
            answer = writer.draft(request.task, request.inputs, request.seed)
        except (KeyError, ValueError) as exc:
            raise ProviderBadResponse(f"The offline writer couldn't draft this: {_reason(exc)}") from exc
        try:
            output = request.schema.model_validate(answer)
        except ValidationError as exc:
            raise ProviderBadResponse(f"The offline writer's draft didn't fit the {request.task} form: {exc}") from exc
        usage = Usage(input_tokens=estimate_tokens(request.prompt),
                      output_tokens=estimate_tokens(json.dumps(answer, ensure_ascii=False)))
        return TextResult(output, OFFLINE, TEXT_MODEL, usage, _elapsed_ms(started))


class OfflineImageProvider:
    """An `ImageProvider` that draws storyboard reference images and shot frames with Pillow."""

    name = OFFLINE
    model = IMAGE_MODEL
    offline = True

    def render(self, request: ImageRequest) -> ImageResult:
        """Draw `request.subject` as a PNG: a shot's frame when its kind is "frame" (the first reference is the
        prior frame), else an asset's reference image (name, asset_type, description, style, style_notes)."""
        started = time.perf_counter()
        subject = dict(request.subject)
        try:
            if subject.get("kind") == FRAME_KIND:
                prior = request.references[0] if request.references else None
                png = frames.render_frame(subject, request.width, request.height, request.seed, prior=prior)
            else:
                png = storyboard.render_reference(subject, request.width, request.height, request.seed)
        except (TypeError, ValueError) as exc:
            raise ProviderBadResponse(f"The storyboard renderer couldn't draw this: {exc}") from exc
        return ImageResult(png, OFFLINE, IMAGE_MODEL, Usage(images=1), _elapsed_ms(started))


def _reason(exc: Exception) -> str:
    return str(exc.args[0]) if exc.args else type(exc).__name__


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
