"""Images from OpenAI's image API (gpt-image-1), the alternative to Gemini.

Without references: POST /v1/images/generations. With reference images (prior frame, asset
sheets): POST /v1/images/edits, which takes them as multipart PNG files. Both answer base64 PNG.
"""

from __future__ import annotations

import base64
import binascii
import json
import time

from core.errors import ProviderBadResponse
from core.providers.base import ImageRequest, ImageResult, Usage
from core.providers.retrying import RetryPolicy, call_with_retries

DEFAULT_MODEL = "gpt-image-1"


def image_size(width: int, height: int) -> str:
    """gpt-image-1's size closest in shape to width x height: landscape, portrait or square."""
    if width > height * 1.2:
        return "1536x1024"
    if height > width * 1.2:
        return "1024x1536"
    return "1024x1024"


class OpenAIImageProvider:
    """An `ImageProvider` on OpenAI's image models."""

    name = "openai"
    offline = False

    def __init__(self, model: str = DEFAULT_MODEL, *, api_key: str, base_url: str | None = None,
                 retry: RetryPolicy = RetryPolicy(), timeout: float = 120.0) -> None:
        """Args:
            model: the image model, e.g. "gpt-image-1".
            api_key: an OpenAI API key.
            base_url: the API's address including /v1 when not OpenAI's own (a proxy, or a test server).
            retry: attempts and backoff for rate limits, 5xx and timeouts.
            timeout: seconds one HTTP request may take.
        """
        from openai import OpenAI

        self.model = model
        self._retry = retry
        self._client = OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)

    def render(self, request: ImageRequest) -> ImageResult:
        """Generate one image; reference images go through the edits endpoint."""
        started = time.perf_counter()
        response = call_with_retries(lambda: self._call(request), policy=self._retry,
                                     vendor=self.name, model=self.model)
        png = self._decode(response)
        return ImageResult(png, self.name, self.model, Usage(images=1), (time.perf_counter() - started) * 1000)

    def _call(self, request: ImageRequest):
        params = {"model": self.model, "prompt": request.prompt, "n": 1,
                  "size": image_size(request.width, request.height)}
        if self.model.startswith("dall-e"):
            params["response_format"] = "b64_json"  # gpt-image models always answer base64
        try:
            if request.references:
                files = [(f"reference-{i}.png", png, "image/png") for i, png in enumerate(request.references, 1)]
                return self._client.images.edit(image=files, **params)
            return self._client.images.generate(**params)
        except json.JSONDecodeError as exc:
            raise ProviderBadResponse(f"OpenAI ({self.model}) sent a reply that is not JSON: {exc}") from exc

    def _decode(self, response) -> bytes:
        data = response.data or []
        encoded = data[0].b64_json if data else None
        if not encoded:
            raise ProviderBadResponse(f"OpenAI ({self.model}) returned no image data.")
        try:
            return base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ProviderBadResponse(f"OpenAI ({self.model}) returned image data that is not base64.") from exc
