"""Fake providers behind the real protocols (core/providers/base.py), for tests that count calls and money."""

from __future__ import annotations

import dataclasses

from core.errors import ProviderUnavailable
from core.providers.base import ImageProvider, ImageRequest, ImageResult, Usage
from core.runtime.engines import Engines

ONLINE_IMAGE = "google:gemini-2.5-flash-image"  # $0.039 an image in the price book


class CountingImages:
    """An image model priced as Gemini's: draws with the offline renderer, counts every call, can be told to fail."""

    offline = False

    def __init__(self, inner: ImageProvider) -> None:
        self.inner = inner
        self.name, self.model = ONLINE_IMAGE.split(":")
        self.requests: list[ImageRequest] = []
        self.failing = False

    @property
    def calls(self) -> int:
        return len(self.requests)

    def render(self, request: ImageRequest) -> ImageResult:
        self.requests.append(request)
        if self.failing:
            raise ProviderUnavailable("The image model is overloaded (503).")
        drawn = self.inner.render(request)
        return ImageResult(png=drawn.png, provider=self.name, model=self.model, usage=Usage(images=1))


def with_counting_images(engines: Engines) -> tuple[Engines, CountingImages]:
    """The same engines with a counting, online-priced image model (and an estimator that prices it)."""
    images = CountingImages(engines.image)
    models = dataclasses.replace(engines.estimator.models, image=ONLINE_IMAGE)
    estimator = dataclasses.replace(engines.estimator, models=models)
    return dataclasses.replace(engines, image=images, estimator=estimator), images


