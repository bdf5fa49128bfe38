"""Clips from Veo through google-genai: prompt + start frame (+ end frame), a long-running operation, an MP4.

A render is two steps so a worker can die in between: `submit` sends the shot and returns the
operation's name, which the job saves at once; `poll(name)` asks about that operation and, when it
is done, downloads the clip. A replacement worker builds a new provider and polls the saved name,
so Veo sees (and bills) one submission. `render_clip` does both for callers that can simply wait.

The Gemini API refuses some parameters before sending (seed, generate_audio, fps, ...), so they are
sent on Vertex only; the Gemini API hands the clip out as a file to download, Vertex inline.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from core.errors import EndFrameUnsupported, ProviderBadResponse, ProviderError, ProviderUnavailable
from core.film.video_models import video_model
from core.providers import veo_outcomes as outcomes
from core.providers.base import ClipRequest, ClipResult, Usage
from core.providers.retrying import RetryPolicy, call_with_retries

DEFAULT_MODEL = "veo-3.1-generate-preview"
_IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"RIFF": "image/webp"}
_SEED_RANGE = 2**32  # Veo's seed is an unsigned 32-bit number


@dataclass(frozen=True)
class VertexTarget:
    """The Google Cloud project and region Veo runs in on Vertex AI."""

    project: str
    location: str = "us-central1"


@dataclass(frozen=True)
class _Submitted:
    seconds: float
    used_end_frame: bool
    at: float  # time.monotonic() when Veo accepted it


class VeoVideoProvider:
    """A `VideoProvider` on Veo, on the Gemini API (api_key) or on Vertex AI (vertex=VertexTarget(...))."""

    name = "google"
    offline = False

    def __init__(self, model: str = DEFAULT_MODEL, *, api_key: str | None = None, base_url: str | None = None,
                 vertex: VertexTarget | None = None, credentials=None, retry: RetryPolicy = RetryPolicy(),
                 timeout: float = 60.0, poll_interval: float = 10.0, max_wait: float = 900.0) -> None:
        """Args:
            model: the Veo model, e.g. "veo-3.1-generate-preview" (Gemini API) or "veo-3.1-generate-001" (Vertex).
            api_key: a Gemini API key; give this or `vertex`.
            base_url: the API's address when not Google's own (a proxy, or a test server).
            vertex: the project and region for Vertex AI.
            credentials: google-auth credentials for Vertex; None finds them in the environment, as the SDK does.
            retry: attempts and backoff for rate limits, 5xx and timeouts.
            timeout: seconds one HTTP request may take.
            poll_interval: seconds between polls while waiting for a clip.
            max_wait: seconds `render_clip`/`wait` keep polling before handing the operation back as still rendering.
        """
        if (api_key is None) == (vertex is None):
            raise ValueError("Veo needs either a Gemini API key or a Vertex AI project, not both or neither")
        from google import genai
        from google.genai import types

        self.model = model
        self.vertex = vertex
        self.poll_interval, self.max_wait = poll_interval, max_wait
        self._retry, self._types = retry, types
        self._label = f"Veo ({model})"
        self._submitted: dict[str, _Submitted] = {}
        options = types.HttpOptions(base_url=base_url, timeout=int(timeout * 1000),
                                    retry_options=types.HttpRetryOptions(attempts=1))  # we retry, not the SDK
        if vertex is None:
            self._client = genai.Client(vertexai=False, api_key=api_key, http_options=options)
        else:
            self._client = genai.Client(vertexai=True, project=vertex.project, location=vertex.location,
                                        credentials=credentials, http_options=options)

    def submit(self, request: ClipRequest, *, with_end_frame: bool = True) -> str:
        """Send one clip to Veo and return its operation's name: save it before polling.

        Args:
            request: the shot's prompt, frames, length (4, 6 or 8 s), aspect ratio and resolution.
            with_end_frame: False sends the start frame only, e.g. after `EndFrameUnsupported`.
        Returns:
            The operation name, e.g. "models/veo-3.1-generate-preview/operations/abc123".
        Raises:
            ValueError: before sending, for a length, aspect ratio, resolution or frame Veo can't take.
            EndFrameUnsupported: the model refused the end frame; submit again with `with_end_frame=False`.
        """
        used_end_frame = with_end_frame and request.last_frame is not None
        source, config = self._compose(request, used_end_frame)
        operation = call_with_retries(lambda: self._send(source, config, used_end_frame), policy=self._retry,
                                      vendor="Veo", model=self.model)
        if not operation.name:
            raise ProviderBadResponse(f"{self._label} accepted the clip but gave no operation name to follow.")
        self._submitted[operation.name] = _Submitted(request.seconds, used_end_frame, time.monotonic())
        return operation.name

    def poll(self, operation_name: str, *, seconds: float | None = None,
             used_end_frame: bool | None = None) -> ClipResult | None:
        """Ask Veo once about an operation; None while it renders, the downloaded clip when done.

        Args:
            operation_name: what `submit` returned, possibly in another process.
            seconds: the clip's requested length, billed per second; defaults to what this provider
                submitted, else the length Veo delivered.
            used_end_frame: whether the submission carried an end frame; defaults likewise (else True).
        Raises:
            ProviderRefused, EndFrameUnsupported, ProviderBadResponse: the operation ended without a clip.
        """
        saved = self._types.GenerateVideosOperation(name=operation_name)  # all a fresh process needs
        operation = call_with_retries(lambda: self._check(saved), policy=self._retry, vendor="Veo", model=self.model)
        if not operation.done:
            return None
        known = self._submitted.get(operation_name)
        used_end_frame = used_end_frame if used_end_frame is not None else (known.used_end_frame if known else True)
        video = outcomes.finished_video(operation, label=self._label, used_end_frame=used_end_frame)
        mp4 = self._fetch(video)
        seconds = seconds if seconds is not None else (known.seconds if known else _measured_seconds(mp4))
        latency = (time.monotonic() - known.at) * 1000 if known else 0.0
        return ClipResult(mp4, self.name, self.model, Usage(video_seconds=float(seconds)), latency, used_end_frame)

    def wait(self, operation_name: str, *, seconds: float | None = None,
             used_end_frame: bool | None = None) -> ClipResult:
        """Poll every `poll_interval` until the clip is done; past `max_wait` raise ProviderUnavailable.

        The operation goes on rendering at Veo after that error: poll its name again later.
        """
        deadline = time.monotonic() + self.max_wait
        while True:
            clip = self.poll(operation_name, seconds=seconds, used_end_frame=used_end_frame)
            if clip is not None:
                return clip
            left = deadline - time.monotonic()
            if left <= 0:
                raise _still_rendering(self._label, self.max_wait, operation_name)
            time.sleep(min(self.poll_interval, left))

    def render_clip(self, request: ClipRequest, *, fallback_to_start_frame: bool = False) -> ClipResult:
        """Submit and wait for one clip (the `VideoProvider` protocol).

        With `fallback_to_start_frame`, a model that refuses the end frame gets the clip once more
        without it, and the result says `used_end_frame=False`.
        """
        try:
            return self.wait(self.submit(request))
        except EndFrameUnsupported:
            if not fallback_to_start_frame or request.last_frame is None:
                raise
            return self.wait(self.submit(request, with_end_frame=False))

    def _compose(self, request: ClipRequest, with_end_frame: bool):
        """The SDK's source and config for a request; ValueError for anything Veo would refuse."""
        _check_request(request, self.model)
        types = self._types
        source = types.GenerateVideosSource(prompt=request.prompt or None, image=self._image(request.first_frame))
        config = types.GenerateVideosConfig(
            number_of_videos=1, duration_seconds=int(request.seconds), aspect_ratio=request.aspect_ratio,
            resolution=request.resolution, negative_prompt=request.negative_prompt.strip() or None,
            last_frame=self._image(request.last_frame) if with_end_frame else None,
            seed=request.seed % _SEED_RANGE if self.vertex else None)  # the Gemini API refuses a seed
        return source, config

    def _image(self, data: bytes):
        return self._types.Image(image_bytes=data, mime_type=_mime_type(data))

    def _send(self, source, config, used_end_frame: bool):
        from google.genai import errors

        try:
            return self._client.models.generate_videos(model=self.model, source=source, config=config)
        except errors.ClientError as exc:
            if exc.code == 400 and used_end_frame and outcomes.rejects_end_frame(exc.message or ""):
                raise outcomes.end_frame_unsupported(self._label, exc.message or "") from exc
            raise
        except json.JSONDecodeError as exc:
            raise ProviderBadResponse(f"{self._label} sent a reply that is not JSON: {exc}") from exc
        except Exception as exc:
            if outcomes.maybe_accepted(exc):  # retrying could submit (and bill) the clip twice
                raise outcomes.unconfirmed_submission(self._label) from exc
            raise

    def _check(self, operation):
        from google.genai import errors

        try:
            return self._client.operations.get(operation)
        except json.JSONDecodeError as exc:  # a proxy's error page, most likely; the operation is still there
            raise ProviderUnavailable(f"{self._label} sent a reply that is not JSON; it will be polled again.") from exc
        except errors.ClientError as exc:
            if exc.code == 404:
                raise ProviderBadResponse(
                    f"{self._label} no longer knows this render ({operation.name}); it may have expired. "
                    "Render the clip again.") from exc
            raise

    def _fetch(self, video) -> bytes:
        """The clip's bytes: inline on Vertex, a file download on the Gemini API."""
        if video.video_bytes:
            return video.video_bytes
        uri = video.uri or ""
        if self.vertex is not None or not uri.startswith("https://"):
            raise outcomes.stored_in_cloud(self._label, uri or "no address")
        return call_with_retries(lambda: self._download(video), policy=self._retry, vendor="Veo", model=self.model)

    def _download(self, video) -> bytes:
        from google.genai import errors

        try:
            return self._client.files.download(file=video)
        except errors.ClientError as exc:
            if exc.code == 404:  # the Gemini API keeps generated clips for two days
                raise ProviderBadResponse(f"{self._label} no longer has this clip's file; render it again.") from exc
            raise


def _check_request(request: ClipRequest, model: str) -> None:
    spec = video_model(f"google:{model}")
    if request.seconds not in spec.durations:
        lengths = ", ".join(str(d) for d in spec.durations[:-1]) + f" or {spec.durations[-1]}"
        raise ValueError(f"Veo renders clips of {lengths} seconds; this shot asks for {request.seconds:g} s")
    if request.aspect_ratio not in spec.aspect_ratios:
        raise ValueError(f"Veo frames clips {' or '.join(spec.aspect_ratios)}, not {request.aspect_ratio}")
    if request.resolution not in spec.resolutions:
        raise ValueError(f"Veo renders at {' or '.join(spec.resolutions)}, not {request.resolution}")
    if not request.first_frame:
        raise ValueError("a clip needs its start frame; generate the shot's frames first")


def _mime_type(image: bytes) -> str:
    for signature, mime_type in _IMAGE_SIGNATURES.items():
        if image.startswith(signature):
            return mime_type
    raise ValueError("a frame must be a PNG, JPEG or WebP image")


def _still_rendering(label: str, max_wait: float, operation_name: str) -> ProviderError:
    error = ProviderUnavailable(f"{label} is still rendering after {max_wait:g} s; it will be polled again.")
    error.operation_name = operation_name  # the caller keeps it to resume, never to resubmit
    return error


def _measured_seconds(mp4: bytes) -> float:
    """The clip's length as delivered, when nobody says what was asked for (a worker that lost track)."""
    import io

    import av

    with av.open(io.BytesIO(mp4)) as container:
        return round(container.duration / av.time_base, 2) if container.duration else 0.0
