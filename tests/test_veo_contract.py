"""Contract tests: the Veo provider, through the real google-genai SDK, against a local fake of Veo.

The fake (tests/fake_veo.py) speaks the Gemini API's and Vertex's long-running video wire formats on
127.0.0.1 and counts the submissions it accepted, which is what Google bills. Waits are tiny.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from google.oauth2.credentials import Credentials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import (
    EndFrameUnsupported,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderRefused,
    ProviderUnavailable,
)
from core.providers.base import ClipRequest
from core.providers.retrying import RetryPolicy
from core.providers.veo import VeoVideoProvider, VertexTarget
from core.providers.veo_outcomes import rejects_end_frame
from tests.fake_apis import Fail, Garbage, Slow, tiny_png
from tests.fake_veo import FakeVeo, Filtered, InCloudStorage, OperationFailed, tiny_mp4

ROOT = Path(__file__).resolve().parents[1]
FAST = RetryPolicy(attempts=3, first_delay=0.001, max_delay=0.005)
DAWN, DUSK = tiny_png((230, 150, 60), size=6), tiny_png((30, 40, 120), size=6)  # start and end frames
PIER = "Mara walks the length of the pier as the fog lifts; slow dolly behind her."
GOOGLE_ENV = ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL", "GOOGLE_VERTEX_BASE_URL",
              "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_USE_ENTERPRISE", "GOOGLE_CLOUD_PROJECT",
              "GOOGLE_CLOUD_LOCATION", "GOOGLE_APPLICATION_CREDENTIALS")


@pytest.fixture(autouse=True)
def no_google_env(monkeypatch):
    """Keys or projects in the developer's shell must not steer the SDK in these tests."""
    for name in GOOGLE_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def veo():
    with FakeVeo(tiny_mp4()) as fake:
        yield fake


def gemini(fake: FakeVeo, **options) -> VeoVideoProvider:
    options = {"retry": FAST, "poll_interval": 0.001, "max_wait": 10.0, **options}
    return VeoVideoProvider(api_key="test-veo-key", base_url=fake.url, **options)


def vertex(fake: FakeVeo, **options) -> VeoVideoProvider:
    options = {"retry": FAST, "poll_interval": 0.001, "max_wait": 10.0, **options}
    return VeoVideoProvider("veo-3.1-generate-001", vertex=VertexTarget("aiuteur-films", "us-central1"),
                            credentials=Credentials(token="test-vertex-token"), base_url=fake.url, **options)


def shot(**overrides) -> ClipRequest:
    fields = {"prompt": PIER, "first_frame": DAWN, "last_frame": DUSK, "seconds": 8,
              "negative_prompt": "rain, crowds", "seed": 31}
    return ClipRequest(**{**fields, **overrides})


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- a clip rendered -------------------------------------------------------------------------------


def test_clip_is_downloaded_and_the_request_carries_the_shot(veo):
    clip = gemini(veo).render_clip(shot())

    assert clip.mp4 == tiny_mp4()
    assert (clip.provider, clip.model, clip.usage.video_seconds, clip.used_end_frame) == (
        "google", "veo-3.1-generate-preview", 8.0, True)
    (sent,) = veo.sent("submit")
    instance, parameters = sent.json["instances"][0], sent.json["parameters"]
    assert instance["prompt"] == PIER
    assert instance["image"] == {"bytesBase64Encoded": b64(DAWN), "mimeType": "image/png"}
    assert instance["lastFrame"] == {"bytesBase64Encoded": b64(DUSK), "mimeType": "image/png"}
    assert parameters == {"sampleCount": 1, "durationSeconds": 8, "aspectRatio": "16:9", "resolution": "720p",
                          "negativePrompt": "rain, crowds"}  # no seed: the Gemini API refuses one
    assert {r.headers.get("x-goog-api-key") for r in veo.requests} == {"test-veo-key"}
    assert [len(veo.sent(kind)) for kind in ("submit", "poll", "download")] == [1, 2, 1]


@pytest.mark.parametrize(("seconds", "aspect_ratio", "resolution"), [
    (4, "9:16", "1080p"),
    (6, "16:9", "1080p"),
    (8.0, "9:16", "720p"),
])
def test_length_aspect_and_resolution_are_sent_as_asked(veo, seconds, aspect_ratio, resolution):
    clip = gemini(veo).render_clip(shot(seconds=seconds, aspect_ratio=aspect_ratio, resolution=resolution))

    parameters = veo.accepted[0].json["parameters"]
    assert (parameters["durationSeconds"], parameters["aspectRatio"], parameters["resolution"]) == (
        int(seconds), aspect_ratio, resolution)
    assert clip.usage.video_seconds == seconds


def test_a_shot_without_end_frame_or_negative_prompt_sends_neither(veo):
    clip = gemini(veo).render_clip(shot(last_frame=None, negative_prompt="  "))

    sent = veo.accepted[0].json
    assert "lastFrame" not in sent["instances"][0]
    assert "negativePrompt" not in sent["parameters"]
    assert clip.used_end_frame is False


# --- refused before anything is sent -----------------------------------------------------------------


@pytest.mark.parametrize(("overrides", "says"), [
    ({"seconds": 5}, "4, 6 or 8 seconds"),
    ({"seconds": 10}, "asks for 10 s"),
    ({"seconds": 7.5}, "asks for 7.5 s"),
    ({"aspect_ratio": "4:3"}, "not 4:3"),
    ({"resolution": "4k"}, "not 4k"),
    ({"first_frame": b""}, "start frame"),
    ({"first_frame": b"GIF89a not a frame we take"}, "PNG, JPEG or WebP"),
])
def test_what_veo_cannot_take_is_refused_before_sending(veo, overrides, says):
    with pytest.raises(ValueError, match=says):
        gemini(veo).submit(shot(**overrides))
    assert veo.requests == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seconds=st.floats(min_value=0, max_value=60, allow_nan=False).filter(lambda s: s not in (4, 6, 8)))
def test_no_length_but_4_6_or_8_seconds_ever_reaches_veo(veo, seconds):
    with pytest.raises(ValueError, match="4, 6 or 8 seconds"):
        gemini(veo).submit(shot(seconds=seconds))
    assert veo.requests == []


# --- transient failures ------------------------------------------------------------------------------


def test_rate_limit_on_submit_is_retried_and_one_submission_is_accepted(veo):
    veo.fail_submits(Fail(429))

    clip = gemini(veo).render_clip(shot())

    assert clip.mp4 == tiny_mp4()
    assert (len(veo.sent("submit")), veo.submissions) == (2, 1)


def test_persistent_rate_limit_ends_rate_limited_with_nothing_accepted(veo):
    veo.fail_submits(Fail(429), Fail(429), Fail(429))

    with pytest.raises(ProviderRateLimited, match="Veo .*rate-limiting") as raised:
        gemini(veo).submit(shot())
    assert raised.value.retryable and veo.submissions == 0


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_failed_poll_is_retried_without_resubmitting(veo, status):
    veo.fail_polls(Fail(status), Fail(status))

    clip = gemini(veo).render_clip(shot())

    assert clip.mp4 == tiny_mp4()
    assert veo.submissions == 1


def test_polls_failing_past_the_retries_leave_the_operation_to_poll_again(veo):
    provider = gemini(veo)
    name = provider.submit(shot())
    veo.fail_polls(Fail(500), Fail(500), Fail(500))

    with pytest.raises(ProviderUnavailable, match="HTTP 500") as raised:
        provider.poll(name)
    assert raised.value.retryable
    assert provider.wait(name).mp4 == tiny_mp4()
    assert veo.submissions == 1


def test_a_poll_answered_with_an_error_page_is_polled_again_later(veo):
    provider = gemini(veo)
    name = provider.submit(shot())
    veo.fail_polls(Garbage())

    with pytest.raises(ProviderUnavailable, match="not JSON; it will be polled again"):
        provider.poll(name)
    assert provider.wait(name).mp4 == tiny_mp4()
    assert veo.submissions == 1


def test_a_failed_download_is_retried(veo):
    veo.fail_downloads(Fail(503))

    assert gemini(veo).render_clip(shot()).mp4 == tiny_mp4()
    assert len(veo.sent("download")) == 2


def test_a_clip_file_gone_from_the_gemini_api_says_to_render_again(veo):
    veo.fail_downloads(Fail(404, "File clipop0001x not found."))

    with pytest.raises(ProviderBadResponse, match="no longer has this clip's file; render it again"):
        gemini(veo).render_clip(shot())


def test_a_submission_answered_too_late_is_not_sent_again(veo):
    veo.fail_submits(Slow(1.0, None))  # Veo takes it, but the answer comes after the client gave up

    with pytest.raises(ProviderUnavailable, match="may or may not have been accepted") as raised:
        gemini(veo, timeout=0.2).submit(shot())
    assert raised.value.retryable
    assert len(veo.sent("submit")) == 1


def test_a_clip_still_rendering_past_max_wait_is_handed_back_to_poll_later(veo):
    veo.polls_until_done = 10**6
    provider = gemini(veo, max_wait=0.02)
    name = provider.submit(shot())

    with pytest.raises(ProviderUnavailable, match="still rendering after 0.02 s; it will be polled again") as raised:
        provider.wait(name)
    assert raised.value.retryable and raised.value.operation_name == name
    veo.polls_until_done = 0
    assert provider.wait(name).mp4 == tiny_mp4()
    assert veo.submissions == 1


# --- the operation ends without a clip ---------------------------------------------------------------


def test_safety_filtered_clip_is_refused_with_veos_reasons(veo):
    veo.outcome = Filtered(("The video depicts a minor in a risky situation. Support code: 17301594.",))

    with pytest.raises(ProviderRefused) as raised:
        gemini(veo).render_clip(shot())
    error = raised.value
    assert "Support code: 17301594" in str(error) and "Change the video prompt" in str(error)
    assert error.reasons == ("The video depicts a minor in a risky situation. Support code: 17301594.",)
    assert error.retryable
    assert veo.sent("download") == []


@pytest.mark.parametrize(("code", "retryable"), [(3, False), (13, True), (8, True)])
def test_operation_error_is_a_bad_response_with_veos_message(veo, code, retryable):
    veo.outcome = OperationFailed("The prompt could not be processed: audio track generation failed.", code)

    with pytest.raises(ProviderBadResponse, match="audio track generation failed") as raised:
        gemini(veo).render_clip(shot(last_frame=None))
    assert not isinstance(raised.value, EndFrameUnsupported)
    assert raised.value.retryable is retryable


def test_unknown_operation_says_it_may_have_expired(veo):
    with pytest.raises(ProviderBadResponse, match="no longer knows this render"):
        gemini(veo).poll("models/veo-3.1-generate-preview/operations/op9999x")


# --- the end frame ---------------------------------------------------------------------------------

END_FRAME_REFUSALS = [
    "Your use case is currently not supported. Please refer to Gemini API documentation.",
    "Frame interpolation is not allowlisted for this project.",
    "Request contains an invalid argument: lastFrame isn't supported by this model.",
]


@pytest.mark.parametrize("message", END_FRAME_REFUSALS)
def test_a_model_refusing_the_end_frame_says_so(veo, message):
    veo.rejects_last_frame = message

    with pytest.raises(EndFrameUnsupported, match="won't take an end frame") as raised:
        gemini(veo).render_clip(shot())
    assert message in str(raised.value)
    assert veo.submissions == 0


@pytest.mark.parametrize("refused_at", ["submit", "render"])
def test_fallback_renders_once_more_from_the_start_frame_alone(veo, refused_at):
    veo.rejects_last_frame, veo.last_frame_refused_at = END_FRAME_REFUSALS[0], refused_at

    clip = gemini(veo).render_clip(shot(), fallback_to_start_frame=True)

    assert clip.mp4 == tiny_mp4() and clip.used_end_frame is False
    first, second = veo.sent("submit")
    assert "lastFrame" in first.json["instances"][0] and "lastFrame" not in second.json["instances"][0]
    assert second.json["instances"][0]["image"]["bytesBase64Encoded"] == b64(DAWN)


def test_the_caller_can_resubmit_without_the_end_frame_itself(veo):
    veo.rejects_last_frame = END_FRAME_REFUSALS[1]
    provider = gemini(veo)
    with pytest.raises(EndFrameUnsupported):
        provider.submit(shot())

    name = provider.submit(shot(), with_end_frame=False)

    assert provider.wait(name).used_end_frame is False
    assert veo.submissions == 1


def test_another_parameter_refused_is_not_taken_for_the_end_frame(veo):
    veo.fail_submits(Fail(400, "negativePrompt is not supported by this model."))

    with pytest.raises(ProviderError, match="negativePrompt is not supported") as raised:
        gemini(veo).submit(shot())
    assert not isinstance(raised.value, EndFrameUnsupported)
    assert not raised.value.retryable


@pytest.mark.parametrize(("message", "about_end_frame"), [
    *[(message, True) for message in END_FRAME_REFUSALS],
    ("last_frame must be a PNG", True),
    ("Resolution 1080p is not supported for 4 second clips.", False),
    ("Duration 5 is not supported.", False),
    ("`negativePrompt` isn't supported by this model. Please remove it.", False),  # seen: ArcReel/ArcReel#247
    ("The quota for this project has been exhausted.", False),
])
def test_which_refusals_are_about_the_end_frame(message, about_end_frame):
    assert rejects_end_frame(message) is about_end_frame


# --- a worker dies while polling -------------------------------------------------------------------


def test_a_new_worker_resumes_polling_the_saved_operation(veo):
    veo.polls_until_done = 4
    first_worker = gemini(veo)
    saved_name = first_worker.submit(shot())
    assert first_worker.poll(saved_name) is None and first_worker.poll(saved_name) is None
    del first_worker  # the worker dies; the job row kept the operation name

    replacement = gemini(veo)
    clip = None
    while clip is None:
        clip = replacement.poll(saved_name, seconds=8)

    assert clip.mp4 == tiny_mp4() and clip.usage.video_seconds == 8.0
    assert veo.submissions == 1 and len(veo.sent("submit")) == 1
    assert len(veo.sent("poll")) == 5


def test_a_fresh_process_resumes_by_name_and_bills_the_delivered_length(veo):
    veo.polls_until_done = 1
    saved_name = gemini(veo).submit(shot(seconds=4))
    script = textwrap.dedent(f"""
        from core.providers.retrying import RetryPolicy
        from core.providers.veo import VeoVideoProvider
        provider = VeoVideoProvider(api_key="test-veo-key", base_url={veo.url!r}, poll_interval=0.001,
                                    retry=RetryPolicy(attempts=2, first_delay=0.001))
        clip = provider.wait({saved_name!r})
        print(len(clip.mp4), clip.usage.video_seconds, clip.used_end_frame)
    """)

    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True,
                         cwd=ROOT)

    assert ran.stdout.split() == [str(len(tiny_mp4())), "0.25", "True"]  # nobody told it 4 s: it measures
    assert veo.submissions == 1


# --- Vertex AI -------------------------------------------------------------------------------------


def test_vertex_sends_the_seed_and_returns_the_clip_inline(veo):
    clip = vertex(veo).render_clip(shot(seed=2**32 + 31, seconds=6))

    assert clip.mp4 == tiny_mp4() and clip.usage.video_seconds == 6.0
    (sent,) = veo.sent("submit")
    assert sent.path == ("/v1beta1/projects/aiuteur-films/locations/us-central1/publishers/google/models/"
                         "veo-3.1-generate-001:predictLongRunning")
    assert sent.json["parameters"]["seed"] == 31  # Veo's seed is 32-bit; larger studio seeds wrap
    assert sent.json["instances"][0]["lastFrame"]["bytesBase64Encoded"] == b64(DUSK)
    assert {r.headers.get("authorization") for r in veo.requests} == {"Bearer test-vertex-token"}
    assert veo.sent("download") == []


def test_vertex_operation_is_resumed_by_a_new_provider(veo):
    veo.polls_until_done = 2
    saved_name = vertex(veo).submit(shot())

    clip = vertex(veo).wait(saved_name, seconds=8)

    assert clip.mp4 == tiny_mp4() and veo.submissions == 1
    assert all(r.json == {"operationName": saved_name} for r in veo.sent("poll"))


def test_vertex_clip_left_in_cloud_storage_is_a_clear_error(veo):
    veo.outcome = InCloudStorage("gs://aiuteur-renders/pier.mp4")

    with pytest.raises(ProviderBadResponse, match="Cloud Storage .gs://aiuteur-renders/pier.mp4"):
        vertex(veo).render_clip(shot())


def test_vertex_safety_filter_is_refused_too(veo):
    veo.outcome = Filtered(("Unsafe content detected in the input image.",))

    with pytest.raises(ProviderRefused, match="Unsafe content detected in the input image"):
        vertex(veo).render_clip(shot())


def test_provider_needs_exactly_one_way_in():
    with pytest.raises(ValueError, match="either a Gemini API key or a Vertex AI project"):
        VeoVideoProvider()
    with pytest.raises(ValueError, match="not both"):
        VeoVideoProvider(api_key="k", vertex=VertexTarget("p"))
