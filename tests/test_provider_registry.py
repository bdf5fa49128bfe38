"""The provider registry: keys pick real models, no keys pick the offline engine."""

from __future__ import annotations

import pytest

from core.providers.gemini_image import GeminiImageProvider
from core.providers.openai_image import OpenAIImageProvider
from core.providers.registry import build_image_provider, build_text_provider, choose_image_model, choose_text_model
from core.providers.text_models import ChatModelTextProvider, parse_model_id
from core.runtime.settings import Settings
from tests.fake_apis import Answer, FakeOpenAI
from tests.test_provider_contracts import GOOD, PROVIDER_ENV, Beat, beat_request


@pytest.fixture(autouse=True)
def no_real_provider_env(monkeypatch):
    for name in PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.mark.parametrize(("values", "model_id", "online"), [
    ({}, "openai:gpt-4o-mini", False),
    ({"OPENAI_API_KEY": "k"}, "openai:gpt-4o-mini", True),
    ({"ANTHROPIC_API_KEY": "k"}, "anthropic:claude-sonnet-4-5", True),
    ({"GEMINI_API_KEY": "k"}, "google:gemini-2.5-flash", True),
    ({"OPENAI_API_KEY": "k", "GOOGLE_API_KEY": "k"}, "openai:gpt-4o-mini", True),
    ({"GOOGLE_API_KEY": "k", "AIUTEUR_TEXT_MODEL": "gemini:gemini-2.5-pro"}, "google:gemini-2.5-pro", True),
    ({"OPENAI_API_KEY": "k", "AIUTEUR_TEXT_MODEL": "anthropic:claude-3-5-haiku"}, "anthropic:claude-3-5-haiku", False),
    ({"OPENAI_API_KEY": "k", "AIUTEUR_TEXT_MODEL": "offline"}, "openai:gpt-4o-mini", False),
    ({"OPENAI_API_KEY": "  ", "AIUTEUR_TEXT_MODEL": ""}, "openai:gpt-4o-mini", False),
])
def test_text_model_choice(values, model_id, online):
    choice = choose_text_model(settings(**values))
    assert (choice.model_id, choice.online) == (model_id, online)
    assert choice.reason


@pytest.mark.parametrize(("values", "model_id", "online"), [
    ({}, "google:gemini-2.5-flash-image", False),
    ({"OPENAI_API_KEY": "k"}, "openai:gpt-image-1", True),
    ({"OPENAI_API_KEY": "k", "GEMINI_API_KEY": "k"}, "google:gemini-2.5-flash-image", True),
    ({"GEMINI_API_KEY": "k", "AIUTEUR_IMAGE_MODEL": "openai:gpt-image-1"}, "openai:gpt-image-1", False),
])
def test_image_model_choice(values, model_id, online):
    choice = choose_image_model(settings(**values))
    assert (choice.model_id, choice.online) == (model_id, online)


def test_a_named_model_without_its_key_says_why_it_runs_offline():
    choice = choose_text_model(settings(OPENAI_API_KEY="k", AIUTEUR_TEXT_MODEL="anthropic:claude-3-5-haiku"))
    assert "ANTHROPIC_API_KEY is not set" in choice.reason


@pytest.mark.parametrize("bad", ["gpt-4o-mini", "mistral:large", "openai:"])
def test_model_ids_must_name_a_known_provider(bad):
    with pytest.raises(ValueError, match="provider:model"):
        parse_model_id(bad)


def test_keys_build_the_real_adapters():
    text = build_text_provider(settings(ANTHROPIC_API_KEY="k", AIUTEUR_PROVIDER_ATTEMPTS=2))
    assert isinstance(text, ChatModelTextProvider) and not text.offline
    assert (text.name, text.model) == ("anthropic", "claude-sonnet-4-5")
    assert isinstance(build_image_provider(settings(GEMINI_API_KEY="k")), GeminiImageProvider)
    assert isinstance(build_image_provider(settings(OPENAI_API_KEY="k")), OpenAIImageProvider)


def test_no_keys_build_the_offline_engine():
    offline = pytest.importorskip("core.providers.offline")
    text, image = build_text_provider(settings()), build_image_provider(settings())
    assert isinstance(text, offline.OfflineTextProvider) and text.offline
    assert isinstance(image, offline.OfflineImageProvider) and image.offline


def test_settings_base_url_and_retry_reach_the_sdk(monkeypatch):
    with FakeOpenAI() as api:
        api.script(Answer({"oops": 1}), Answer(GOOD))  # exercise the repair path through the registry too
        monkeypatch.setenv("OPENAI_API_KEY", "from-env")
        monkeypatch.setenv("OPENAI_BASE_URL", api.url + "/v1")
        provider = build_text_provider(Settings(_env_file=None, AIUTEUR_PROVIDER_BACKOFF=0))
        result = provider.generate(beat_request())
    assert result.output == Beat(**GOOD)
    assert api.requests[0].headers["authorization"] == "Bearer from-env"
