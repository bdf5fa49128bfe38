"""Images from Gemini's image model ("Nano Banana") through google-genai `generate_content`.

The prompt goes first, then each reference image (prior frame, asset sheets) as an inline PNG part;
the answer's first inline image part is the picture. Billing is per image.
"""

from __future__ import annotations

import io
import json
import time

from core.errors import ProviderBadResponse
from core.providers.base import ImageRequest, ImageResult, Usage
from core.providers.retrying import RetryPolicy, call_with_retries

DEFAULT_MODEL = "gemini-2.5-flash-image"
ASPECT_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def nearest_aspect_ratio(width: int, height: int) -> str:
    """The supported aspect ratio closest to width:height, e.g. 1024x576 -> "16:9"."""
    target = width / max(height, 1)
    return min(ASPECT_RATIOS, key=lambda ratio: abs(_ratio(ratio) - target))


def _ratio(ratio: str) -> float:
    w, h = ratio.split(":")
    return int(w) / int(h)


class GeminiImageProvider:
    """An `ImageProvider` on Gemini's image model; reference images steer continuity."""

    name = "google"
    offline = False

    def __init__(self, model: str = DEFAULT_MODEL, *, api_key: str, base_url: str | None = None,
                 retry: RetryPolicy = RetryPolicy(), timeout: float = 120.0) -> None:
        """Args:
            model: the Gemini image model, e.g. "gemini-2.5-flash-image".
            api_key: a Gemini API key.
            base_url: the API's address when not Google's own (a proxy, or a test server).
            retry: attempts and backoff for rate limits, 5xx and timeouts.
            timeout: seconds one HTTP request may take.
        """
        from google import genai
        from google.genai import types

        self.model = model
        self._retry = retry
        self._types = types
        options = types.HttpOptions(base_url=base_url, timeout=int(timeout * 1000),
                                    retry_options=types.HttpRetryOptions(attempts=1))  # we retry, not the SDK
        self._client = genai.Client(api_key=api_key, http_options=options)

    def render(self, request: ImageRequest) -> ImageResult:
        """Generate one image for the prompt, carrying the request's reference images along."""
        started = time.perf_counter()
        types = self._types
        contents = [request.prompt, *(types.Part.from_bytes(data=png, mime_type="image/png")
                                      for png in request.references)]
        config = types.GenerateContentConfig(
            response_modalities=["IMAGE"], seed=request.seed,
            image_config=types.ImageConfig(aspect_ratio=nearest_aspect_ratio(request.width, request.height)),
        )
        response = call_with_retries(lambda: self._generate(contents, config), policy=self._retry,
                                     vendor=self.name, model=self.model)
        png = self._image_from(response)
        return ImageResult(png, self.name, self.model, Usage(images=1), (time.perf_counter() - started) * 1000)

    def _generate(self, contents: list, config):
        try:
            return self._client.models.generate_content(model=self.model, contents=contents, config=config)
        except json.JSONDecodeError as exc:
            raise ProviderBadResponse(f"Gemini ({self.model}) sent a reply that is not JSON: {exc}") from exc

    def _image_from(self, response) -> bytes:
        """The first inline image of the answer, as PNG; a clear error when there is none."""
        texts = []
        for candidate in response.candidates or []:
            for part in (candidate.content.parts if candidate.content else None) or []:
                blob = part.inline_data
                if blob is not None and blob.data and (blob.mime_type or "").startswith("image/"):
                    return _as_png(blob.data)
                if part.text:
                    texts.append(part.text.strip())
        reason = _refusal_reason(response) or " ".join(texts)[:300] or "no image in the answer"
        raise ProviderBadResponse(f"Gemini ({self.model}) returned no image: {reason}")


def _refusal_reason(response) -> str:
    feedback = getattr(response, "prompt_feedback", None)
    if feedback is not None and feedback.block_reason:
        return f"the prompt was blocked ({feedback.block_reason})"
    for candidate in response.candidates or []:
        reason = str(candidate.finish_reason or "")
        if reason and not reason.endswith("STOP"):
            return f"generation stopped ({reason})"
    return ""


def _as_png(data: bytes) -> bytes:
    if data.startswith(PNG_SIGNATURE):
        return data
    from PIL import Image  # the model sometimes answers JPEG; the studio stores PNG

    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, format="PNG")
    return out.getvalue()
