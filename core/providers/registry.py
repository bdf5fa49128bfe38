"""Which providers a studio uses, decided once from settings: real models with a key, else offline.

    AIUTEUR_TEXT_MODEL   unset -> the first of OpenAI, Anthropic, Gemini with a key; none -> offline
    AIUTEUR_IMAGE_MODEL  unset -> Gemini image with a Gemini key, else OpenAI image with an OpenAI key
    AIUTEUR_VIDEO_MODEL  unset -> Veo 3.1 with a Gemini key (or on Vertex when GOOGLE_GENAI_USE_VERTEXAI is set)
    any one "offline" -> the offline engine even when keys are set

A model named explicitly whose provider has no key falls back to offline, and `ModelChoice.reason`
says why, so the UI can show it next to the "offline" label.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.providers.base import ImageProvider, TextProvider, VideoProvider
from core.providers.retrying import VENDORS, RetryPolicy
from core.providers.text_models import parse_model_id
from core.runtime.settings import Settings

DEFAULT_TEXT_MODELS = {
    "openai": "openai:gpt-4o-mini",
    "anthropic": "anthropic:claude-sonnet-4-5",
    "google": "google:gemini-2.5-flash",
}
DEFAULT_IMAGE_MODELS = {"google": "google:gemini-2.5-flash-image", "openai": "openai:gpt-image-1"}
DEFAULT_VIDEO_MODELS = {"google": "google:veo-3.1-generate-preview"}
VERTEX_VIDEO_MODELS = {"google": "google:veo-3.1-generate-001"}  # Vertex names its models without "-preview"
OFFLINE = "offline"
_KEY_NAMES = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "google": "GOOGLE_API_KEY"}


@dataclass(frozen=True)
class ModelChoice:
    """The model a studio calls, or, when offline, the model whose prices the free calls are compared to."""

    model_id: str  # "provider:model"
    online: bool
    reason: str  # one line for the UI

    @property
    def provider(self) -> str:
        return parse_model_id(self.model_id)[0]

    @property
    def model(self) -> str:
        return parse_model_id(self.model_id)[1]


def choose_text_model(settings: Settings) -> ModelChoice:
    """The text model settings ask for, and whether it can run online."""
    return _choose(settings, settings.text_model, DEFAULT_TEXT_MODELS, "AIUTEUR_TEXT_MODEL")


def choose_image_model(settings: Settings) -> ModelChoice:
    """The image model settings ask for, and whether it can run online."""
    return _choose(settings, settings.image_model, DEFAULT_IMAGE_MODELS, "AIUTEUR_IMAGE_MODEL")


def choose_video_model(settings: Settings) -> ModelChoice:
    """The video model settings ask for, and whether it can run online (a Gemini key, or Vertex configured)."""
    if not settings.vertex:
        return _choose(settings, settings.video_model, DEFAULT_VIDEO_MODELS, "AIUTEUR_VIDEO_MODEL")
    asked = settings.video_model or VERTEX_VIDEO_MODELS["google"]
    if asked.strip().lower() == OFFLINE:
        return ModelChoice(VERTEX_VIDEO_MODELS["google"], False, "AIUTEUR_VIDEO_MODEL=offline")
    model_id = "google:" + parse_model_id(asked)[1]
    if not settings.vertex_project:  # Vertex authenticates with the environment's Google credentials, not a key
        return ModelChoice(model_id, False, "GOOGLE_GENAI_USE_VERTEXAI is set but GOOGLE_CLOUD_PROJECT is not")
    return ModelChoice(model_id, True, f"Vertex AI ({settings.vertex_project}, {settings.vertex_location})")


def build_video_provider(settings: Settings) -> VideoProvider:
    """The studio's `VideoProvider`: Veo when a Gemini key or Vertex allows, else the offline animatic."""
    choice = choose_video_model(settings)
    if not choice.online:
        from core.providers.offline_video import OfflineVideoProvider

        return OfflineVideoProvider()
    if choice.provider != "google":
        raise ValueError(f"{VENDORS[choice.provider]} has no video model here; use google:veo-….")
    from core.providers.veo import VeoVideoProvider, VertexTarget

    vertex = VertexTarget(settings.vertex_project, settings.vertex_location) if settings.vertex else None
    return VeoVideoProvider(choice.model, api_key=None if vertex else _api_key(settings, "google"),
                            base_url=settings.google_base_url, vertex=vertex, retry=retry_policy(settings),
                            timeout=settings.provider_timeout_seconds)


def build_text_provider(settings: Settings, *, callbacks: list | None = None) -> TextProvider:
    """The studio's `TextProvider`: a LangChain chat model when a key allows, else the offline writer."""
    choice = choose_text_model(settings)
    if not choice.online:
        from core.providers.offline import OfflineTextProvider

        return OfflineTextProvider()
    from core.providers.text_models import ChatModelTextProvider

    return ChatModelTextProvider(
        choice.model_id, api_key=_api_key(settings, choice.provider), base_url=_base_url(settings, choice.provider),
        retry=retry_policy(settings), timeout=settings.provider_timeout_seconds, callbacks=callbacks,
    )


def build_image_provider(settings: Settings) -> ImageProvider:
    """The studio's `ImageProvider`: Gemini or OpenAI images when a key allows, else the storyboard renderer."""
    choice = choose_image_model(settings)
    if not choice.online:
        from core.providers.offline import OfflineImageProvider

        return OfflineImageProvider()
    options = {"api_key": _api_key(settings, choice.provider), "base_url": _base_url(settings, choice.provider),
               "retry": retry_policy(settings), "timeout": settings.provider_timeout_seconds}
    if choice.provider == "google":
        from core.providers.gemini_image import GeminiImageProvider

        return GeminiImageProvider(choice.model, **options)
    if choice.provider == "openai":
        from core.providers.openai_image import OpenAIImageProvider

        return OpenAIImageProvider(choice.model, **options)
    raise ValueError(f"{VENDORS[choice.provider]} has no image model here; use google:… or openai:… images.")


def retry_policy(settings: Settings) -> RetryPolicy:
    """Attempts and backoff for every real provider call."""
    return RetryPolicy(attempts=settings.provider_attempts, first_delay=settings.provider_backoff_seconds,
                       max_delay=settings.provider_max_backoff_seconds)


def _choose(settings: Settings, asked: str | None, defaults: dict[str, str], setting: str) -> ModelChoice:
    fallback = next(iter(defaults.values()))
    if asked and asked.strip().lower() == OFFLINE:
        return ModelChoice(fallback, False, f"{setting}=offline")
    if asked:
        provider, model = parse_model_id(asked)
        model_id = f"{provider}:{model}"
        if _api_key(settings, provider):
            return ModelChoice(model_id, True, f"{setting} names {model_id}")
        return ModelChoice(model_id, False, f"{setting} names {model_id} but {_KEY_NAMES[provider]} is not set")
    for provider, model_id in defaults.items():
        if _api_key(settings, provider):
            return ModelChoice(model_id, True, f"{_KEY_NAMES[provider]} is set")
    return ModelChoice(fallback, False, "no provider API key is set")


def _api_key(settings: Settings, provider: str) -> str | None:
    secret = {"openai": settings.openai_api_key, "anthropic": settings.anthropic_api_key,
              "google": settings.google_api_key}[provider]
    return secret.get_secret_value() if secret else None


def _base_url(settings: Settings, provider: str) -> str | None:
    return {"openai": settings.openai_base_url, "anthropic": settings.anthropic_base_url,
            "google": settings.google_base_url}[provider]
