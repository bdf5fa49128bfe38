"""Contract tests: each real adapter, through its official SDK, against a local fake of the API.

The fakes (tests/fake_apis.py) answer on 127.0.0.1 in each vendor's documented wire format; the
adapters reach them by base URL, exactly as they would reach a proxy. Retry delays are tiny.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from pydantic import BaseModel

from core.errors import ProviderBadResponse, ProviderError, ProviderRateLimited, ProviderUnavailable
from core.providers.base import ImageRequest, TextRequest
from core.providers.gemini_image import GeminiImageProvider
from core.providers.openai_image import OpenAIImageProvider
from core.providers.retrying import RetryPolicy
from core.providers.text_models import ChatModelTextProvider
from tests.fake_apis import (
    Answer,
    Fail,
    FakeAnthropic,
    FakeGemini,
    FakeOpenAI,
    Garbage,
    Image,
    Malformed,
    Slow,
    tiny_png,
)

FAST = RetryPolicy(attempts=3, first_delay=0.001, max_delay=0.005)
PROVIDER_ENV = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY", "OPENAI_BASE_URL",
                "ANTHROPIC_BASE_URL", "GOOGLE_GEMINI_BASE_URL", "AIUTEUR_TEXT_MODEL", "AIUTEUR_IMAGE_MODEL",
                "LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2")


class Beat(BaseModel):
    title: str
    beats: list[str]


GOOD = {"title": "Dawn at the pier", "beats": ["Mara waits", "The boat is late"]}


@pytest.fixture(autouse=True)
def no_real_provider_env(monkeypatch):
    """Keys or tracing in the developer's shell must not leak into these tests."""
    for name in PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)


@dataclass(frozen=True)
class Vendor:
    fake: type
    model_id: str
    path: str  # where the SDK posts
    api_root: str = ""  # appended to the fake's URL to make the base URL
    bills_rejected_answers: bool = True  # usage of a reply that failed validation is known

    def provider(self, api, **options) -> ChatModelTextProvider:
        options.setdefault("retry", FAST)
        return ChatModelTextProvider(self.model_id, api_key="test-key", base_url=api.url + self.api_root, **options)


OPENAI = Vendor(FakeOpenAI, "openai:gpt-4o-mini", "/v1/chat/completions", "/v1", bills_rejected_answers=False)
ANTHROPIC = Vendor(FakeAnthropic, "anthropic:claude-sonnet-4-5", "/v1/messages")
GEMINI = Vendor(FakeGemini, "google:gemini-2.5-flash", "/models/gemini-2.5-flash:generateContent")
VENDORS = pytest.mark.parametrize("vendor", [OPENAI, ANTHROPIC, GEMINI], ids=["openai", "anthropic", "gemini"])


def beat_request(**overrides) -> TextRequest[Beat]:
    fields = {"task": "beat_sheet", "prompt": "Write the beats of: Mara waits at the pier.", "inputs": {},
              "schema": Beat, "tags": {"project": "p-1", "branch": "main", "stage": 3}}
    return TextRequest(**{**fields, **overrides})


def prompt_sent(vendor: Vendor, body: dict) -> str:
    if vendor is GEMINI:
        return body["contents"][-1]["parts"][0]["text"]
    content = body["messages"][-1]["content"]
    return content if isinstance(content, str) else content[0]["text"]


def schema_asked_for(vendor: Vendor, body: dict) -> dict:
    """The JSON schema the SDK put on the wire for structured output."""
    if vendor is OPENAI:
        return body["response_format"]["json_schema"]["schema"]
    if vendor is ANTHROPIC:
        assert body["tool_choice"] == {"type": "tool", "name": "Beat"}
        return body["tools"][0]["input_schema"]
    assert body["generationConfig"]["responseMimeType"] == "application/json"
    return body["generationConfig"]["responseJsonSchema"]


# --- text ---------------------------------------------------------------------------------------


@VENDORS
def test_structured_answer_validates_and_reads_token_usage(vendor):
    with vendor.fake() as api:
        api.script(Answer(GOOD, input_tokens=120, output_tokens=45))
        result = vendor.provider(api).generate(beat_request())
    assert result.output == Beat(**GOOD)
    assert (result.usage.input_tokens, result.usage.output_tokens) == (120, 45)
    assert (result.provider, result.model) == tuple(vendor.model_id.split(":"))
    [sent] = api.requests
    assert sent.path.endswith(vendor.path)
    assert schema_asked_for(vendor, sent.json)["required"] == ["title", "beats"]
    assert prompt_sent(vendor, sent.json) == beat_request().prompt


@VENDORS
def test_rate_limit_is_retried_then_succeeds(vendor):
    with vendor.fake() as api:
        api.script(Fail(429), Answer(GOOD))
        result = vendor.provider(api).generate(beat_request())
    assert result.output.title == GOOD["title"]
    assert len(api.requests) == 2


@VENDORS
def test_timeout_is_retried_then_succeeds(vendor):
    with vendor.fake() as api:
        api.script(Slow(0.8, Answer(GOOD)), Answer(GOOD))
        result = vendor.provider(api, timeout=0.25).generate(beat_request())
    assert result.output.title == GOOD["title"]
    assert len(api.requests) == 2


@VENDORS
def test_malformed_answer_gets_one_repair_attempt(vendor):
    with vendor.fake() as api:
        api.script(Malformed('{"title": "Dawn at the pier", '), Answer(GOOD, input_tokens=50, output_tokens=20))
        result = vendor.provider(api).generate(beat_request())
    assert result.output == Beat(**GOOD)
    first, repair = api.requests
    repair_prompt = prompt_sent(vendor, repair.json)
    assert repair_prompt.startswith(beat_request().prompt)
    assert "could not be used" in repair_prompt
    expected_input = 50 + (42 if vendor.bills_rejected_answers else 0)  # the rejected reply was billed too
    assert result.usage.input_tokens == expected_input


@VENDORS
def test_answer_that_fails_twice_is_a_clear_bad_response(vendor):
    with vendor.fake() as api:
        api.script(Answer({"title": 3}), Malformed("Here are some beats: the boat is late."))
        with pytest.raises(ProviderBadResponse) as caught:
            vendor.provider(api).generate(beat_request())
    assert len(api.requests) == 2
    assert "Beat format" in str(caught.value)
    assert caught.value.retryable is False


@VENDORS
def test_body_that_is_not_json_is_asked_again(vendor):
    with vendor.fake() as api:
        api.script(Garbage(), Answer(GOOD))
        result = vendor.provider(api).generate(beat_request())
    assert result.output.title == GOOD["title"]
    assert len(api.requests) == 2


@VENDORS
def test_persistent_server_error_ends_unavailable(vendor):
    with vendor.fake() as api:
        api.after = Fail(500, "Backend melted.")
        with pytest.raises(ProviderUnavailable) as caught:
            vendor.provider(api).generate(beat_request())
    assert len(api.requests) == FAST.attempts
    message = str(caught.value)
    assert "unavailable" in message and "HTTP 500" in message and "Tried 3 times" in message
    assert "Backend melted." in message


@VENDORS
def test_persistent_rate_limit_ends_rate_limited(vendor):
    with vendor.fake() as api:
        api.after = Fail(429)
        with pytest.raises(ProviderRateLimited, match="rate-limiting"):
            vendor.provider(api).generate(beat_request())
    assert len(api.requests) == FAST.attempts


@VENDORS
def test_rejected_key_fails_at_once(vendor):
    with vendor.fake() as api:
        api.script(Fail(401, "Invalid API key."))
        with pytest.raises(ProviderError, match="refused the request") as caught:
            vendor.provider(api).generate(beat_request())
    assert len(api.requests) == 1
    assert caught.value.retryable is False


class RunRecorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.runs: list[dict] = []

    def on_chat_model_start(self, serialized, messages, *, tags=None, metadata=None, **kwargs):
        self.runs.append({"tags": tags or [], "metadata": metadata or {}})


def test_runs_are_tagged_with_project_branch_and_stage():
    recorder = RunRecorder()
    with FakeOpenAI() as api:
        api.script(Answer(GOOD))
        OPENAI.provider(api, callbacks=[recorder]).generate(beat_request())
    [run] = recorder.runs
    assert {"project:p-1", "branch:main", "stage:3", "task:beat_sheet"} <= set(run["tags"])
    assert run["metadata"]["project"] == "p-1" and run["metadata"]["stage"] == 3


def test_openai_request_carries_seed_and_temperature():
    with FakeOpenAI() as api:
        api.script(Answer(GOOD))
        OPENAI.provider(api).generate(beat_request(seed=7, temperature=0.2))
    body = api.requests[0].json
    assert (body["seed"], body["temperature"]) == (7, 0.2)
    assert api.requests[0].headers["authorization"] == "Bearer test-key"


# --- images -------------------------------------------------------------------------------------

FRAME = tiny_png((10, 120, 200))
REFERENCE = tiny_png((240, 200, 40))


def image_request(**overrides) -> ImageRequest:
    fields = {"prompt": "Mara at the pier, dawn, watercolour", "subject": {"name": "Mara"}}
    return ImageRequest(**{**fields, **overrides})


def gemini_images(api, **options) -> GeminiImageProvider:
    return GeminiImageProvider(api_key="test-key", base_url=api.url, retry=FAST, **options)


def test_gemini_image_returns_png_and_sends_the_reference():
    with FakeGemini() as api:
        api.script(Image(FRAME))
        result = gemini_images(api).render(image_request(references=(REFERENCE,)))
    assert result.png == FRAME
    assert result.usage.images == 1
    assert (result.provider, result.model) == ("google", "gemini-2.5-flash-image")
    [sent] = api.requests
    assert sent.path.endswith("/models/gemini-2.5-flash-image:generateContent")
    parts = sent.json["contents"][0]["parts"]
    assert parts[0] == {"text": image_request().prompt}
    blob = parts[1]["inlineData"]
    assert base64.b64decode(blob["data"]) == REFERENCE
    assert (blob.get("mimeType") or blob.get("mime_type")) == "image/png"  # google-genai 3.x sends snake_case
    config = sent.json["generationConfig"]
    assert config["responseModalities"] == ["IMAGE"]
    assert config["imageConfig"]["aspectRatio"] == "16:9"  # 1024 x 576


def test_gemini_image_rate_limit_then_success():
    with FakeGemini() as api:
        api.script(Fail(429), Image(FRAME))
        result = gemini_images(api).render(image_request())
    assert result.png == FRAME
    assert len(api.requests) == 2


def test_gemini_image_persistent_server_error_ends_unavailable():
    with FakeGemini() as api:
        api.after = Fail(503)
        with pytest.raises(ProviderUnavailable, match="HTTP 503"):
            gemini_images(api).render(image_request())
    assert len(api.requests) == FAST.attempts


def test_gemini_image_answer_without_image_is_a_bad_response():
    with FakeGemini() as api:
        api.script(Malformed("I can't draw that."))
        with pytest.raises(ProviderBadResponse, match="no image"):
            gemini_images(api).render(image_request())


def openai_images(api) -> OpenAIImageProvider:
    return OpenAIImageProvider(api_key="test-key", base_url=api.url + "/v1", retry=FAST)


def test_openai_image_decodes_b64_png():
    with FakeOpenAI() as api:
        api.script(Image(FRAME))
        result = openai_images(api).render(image_request())
    assert result.png == FRAME and result.usage.images == 1
    [sent] = api.requests
    assert sent.path == "/v1/images/generations"
    assert (sent.json["model"], sent.json["size"]) == ("gpt-image-1", "1536x1024")


def test_openai_image_with_references_uses_edits_and_uploads_them():
    with FakeOpenAI() as api:
        api.script(Image(FRAME))
        result = openai_images(api).render(image_request(references=(REFERENCE,)))
    assert result.png == FRAME
    [sent] = api.requests
    assert sent.path == "/v1/images/edits"
    assert sent.headers["content-type"].startswith("multipart/form-data")
    assert REFERENCE in sent.body


def test_openai_image_rate_limit_then_success():
    with FakeOpenAI() as api:
        api.script(Fail(429), Image(FRAME))
        assert openai_images(api).render(image_request()).png == FRAME
    assert len(api.requests) == 2
