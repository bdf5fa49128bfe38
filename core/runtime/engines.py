"""The engines a studio generates with: text, image and video providers, the price book and the estimator.

Chosen once from settings: real models where keys allow, else the offline engine (labelled as such).
Offline calls cost 0 and carry the shadow price of the online models the settings name.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.costs.estimates import DEFAULT_ONLINE_MODELS, OFFLINE_MODELS, Charge, Estimator, ModelLineup, charge_for_usage
from core.costs.price_book import PriceBook, load_price_book
from core.film.video_models import VideoModel, planning_model
from core.providers.base import ImageProvider, TextProvider, Usage, VideoProvider
from core.providers.registry import (
    ModelChoice,
    build_image_provider,
    build_text_provider,
    build_video_provider,
    choose_image_model,
    choose_text_model,
    choose_video_model,
)
from core.runtime.settings import Settings


@dataclass(frozen=True)
class Engines:
    text: TextProvider
    image: ImageProvider
    book: PriceBook
    estimator: Estimator
    text_choice: ModelChoice
    image_choice: ModelChoice
    video: VideoProvider | None = None
    video_choice: ModelChoice | None = None
    aspect_ratio: str = "16:9"
    resolution: str = "720p"
    animatic_width: int = 1024

    @property
    def offline(self) -> bool:
        return bool(self.text.offline and self.image.offline and (self.video is None or self.video.offline))

    @property
    def video_model(self) -> VideoModel:
        """What the configured video model accepts (offline: the online model the work is priced as), so a
        shot list planned offline renders online unchanged."""
        return planning_model(self.estimator.models.video, self.estimator.online.video)

    @property
    def label(self) -> str:
        """One line for the sidebar: which engine writes and draws."""
        video = self.estimator.online.video
        if self.offline:
            return (f"Offline engine (free; priced as {self.text_choice.model_id} / {self.image_choice.model_id} / "
                    f"{video})")
        video_label = f"{video}" if self.video is not None and not self.video.offline else "offline animatic"
        return f"Text: {self.text_choice.model_id} · Images: {self.image_choice.model_id} · Video: {video_label}"

    def charge(self, kind: str, provider: str, model: str, usage: Usage, action: str) -> Charge:
        """What one finished call costs, by the price book (with the shadow price of offline work)."""
        key = model_key(provider, model)
        return charge_for_usage(self.book, key, usage, online_model=self.estimator.online.for_kind(kind), action=action)


def model_key(provider: str, model: str) -> str:
    """`provider:model` as the price book names it."""
    return model if model.startswith(f"{provider}:") else f"{provider}:{model}"


def studio_estimator(settings: Settings, book: PriceBook | None = None) -> Estimator:
    """The estimator for the models the settings choose; offline work is shadowed by the online choice.

    Offline clips (animatics) are shadow-priced at the video model the settings name (Veo 3.1 by default).
    """
    text, image, video = choose_text_model(settings), choose_image_model(settings), choose_video_model(settings)
    models = ModelLineup(text.model_id if text.online else OFFLINE_MODELS.text,
                         image.model_id if image.online else OFFLINE_MODELS.image,
                         video.model_id if video.online else OFFLINE_MODELS.video)
    online = ModelLineup(text.model_id, image.model_id, video.model_id or DEFAULT_ONLINE_MODELS.video)
    return Estimator(book or load_price_book(settings.price_book), models=models, online=online)


def build_engines(settings: Settings) -> Engines:
    estimator = studio_estimator(settings)
    return Engines(build_text_provider(settings), build_image_provider(settings), estimator.book, estimator,
                   choose_text_model(settings), choose_image_model(settings), build_video_provider(settings),
                   choose_video_model(settings), settings.aspect_ratio, settings.video_resolution,
                   settings.animatic_width)
