"""A local stand-in for Veo, speaking the wire format google-genai 2.x uses, on 127.0.0.1.

A real HTTP server in a thread (see tests/fake_apis.py for the pattern). The SDK reaches it through
`HttpOptions(base_url=...)`. Every request is recorded; accepted submissions are counted.

    with FakeVeo(tiny_mp4()) as veo:
        veo.polls_until_done = 2
        veo.fail_submits(Fail(429))
        ...  # VeoVideoProvider(api_key="test-key", base_url=veo.url)
        assert veo.submissions == 1

Gemini API (x-goog-api-key):
  POST /v1beta/models/{m}:predictLongRunning      -> {"name": "models/{m}/operations/{id}"}
  GET  /v1beta/models/{m}/operations/{id}         -> {"done": false} ... then done: the response's
       generateVideoResponse.generatedSamples[].video.uri = "https://…/v1beta/files/{file}:download?alt=media"
       (the SDK only reads a file id out of an https URI; it downloads from its own base URL)
  GET  /v1beta/files/{file}:download?alt=media    -> the MP4 bytes
Vertex AI (Authorization: Bearer):
  POST /v1beta1/projects/{p}/locations/{l}/publishers/google/models/{m}:predictLongRunning
       -> {"name": "projects/{p}/locations/{l}/publishers/google/models/{m}/operations/{id}"}
  POST /v1beta1/projects/{p}/locations/{l}/publishers/google/models/{m}:fetchPredictOperation
       body {"operationName": …} -> done: response.videos[] = {"bytesBase64Encoded", "mimeType"}

What an operation ends with is `outcome` at submission: `Rendered()` (default), `Filtered(reasons)`,
`OperationFailed(message, code)`, `InCloudStorage(uri)` (Vertex only). `rejects_last_frame` refuses
every submission carrying `lastFrame` with that message: a 400 at once, or, with
`last_frame_refused_at = "render"`, as the operation's error. `fail_submits`/`fail_polls`/`fail_downloads`
queue HTTP failures (`Fail(status)`, `Garbage()`, `Slow(seconds, Fail(...))`) served before the next submissions or polls;
`Slow(seconds, None)` on a submission accepts it but answers late.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import time
from collections import deque
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler

from tests.fake_apis import Fail, Garbage, LocalServer, Recorded, Slow

GOOGLE_STATUS = {400: "INVALID_ARGUMENT", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
                 503: "UNAVAILABLE"}
_SUBMIT = re.compile(r"^/(?P<version>v1beta1?)/(?P<parent>.*models/(?P<model>[^/:]+)):predictLongRunning$")
_FETCH = re.compile(r"^/v1beta1/(?P<parent>.*models/[^/:]+):fetchPredictOperation$")
_OPERATION = re.compile(r"^/v1beta/(?P<name>models/[^/]+/operations/(?P<id>[a-z0-9]+))$")
_DOWNLOAD = re.compile(r"^/v1beta/files/(?P<id>[a-z0-9]+):download$")


@dataclass(frozen=True)
class Rendered:
    pass


@dataclass(frozen=True)
class Filtered:
    reasons: tuple[str, ...] = ("The prompt was blocked by our safety filters. Support code: 58061214.",)
    count: int = 1


@dataclass(frozen=True)
class OperationFailed:
    message: str
    code: int = 3  # google.rpc INVALID_ARGUMENT


@dataclass(frozen=True)
class InCloudStorage:
    uri: str = "gs://studio-bucket/renders/clip.mp4"


@dataclass
class Operation:
    name: str
    outcome: object
    vertex: bool
    polls: int = 0
    file_id: str = ""


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"
    delay: float = 0.0


class FakeVeo(LocalServer):
    """Veo's long-running video API; scriptable, recording every request."""

    def __init__(self, mp4: bytes) -> None:
        self.mp4 = mp4
        self.requests: list[Recorded] = []
        self.operations: dict[str, Operation] = {}
        self.accepted: list[Recorded] = []  # the submissions that became operations
        self.polls_until_done = 1  # polls answered "not done" before the one that is done
        self.outcome: object = Rendered()
        self.rejects_last_frame: str | None = None
        self.last_frame_refused_at = "submit"  # or "render": the operation ends with the refusal as its error
        self._submit_failures: deque = deque()
        self._poll_failures: deque = deque()
        self._download_failures: deque = deque()
        self._ids = itertools.count(1)
        super().__init__()

    def fail_submits(self, *steps: Fail | Slow | Garbage) -> FakeVeo:
        self._submit_failures.extend(steps)
        return self

    def fail_polls(self, *steps: Fail | Slow | Garbage) -> FakeVeo:
        self._poll_failures.extend(steps)
        return self

    def fail_downloads(self, *steps: Fail | Slow | Garbage) -> FakeVeo:
        self._download_failures.extend(steps)
        return self

    @property
    def submissions(self) -> int:
        """Submissions Veo accepted (and would bill)."""
        return len(self.operations)

    def sent(self, kind: str) -> list[Recorded]:
        """Recorded requests of one kind: "submit", "poll" or "download"."""
        return [request for request in self.requests if _kind(request) == kind]

    def _answer(self, request: Recorded) -> Answer:
        with self._lock:
            self.requests.append(request)
            kind = _kind(request)
            if kind == "submit":
                return self._submit(request)
            if kind == "poll":
                return self._poll(request)
            if kind == "download":
                return self._download(request)
            return _error(404, f"The fake Veo has no route for {request.method} {request.path}.")

    def _submit(self, request: Recorded) -> Answer:
        step, delay = (self._submit_failures.popleft() if self._submit_failures else None), 0.0
        if isinstance(step, Slow):  # Slow(s, Fail(...)) fails late; Slow(s, None) accepts late
            step, delay = step.then, step.seconds
        answer = _failure(step) if step is not None else self._accept(request)
        answer.delay = delay
        return answer

    def _accept(self, request: Recorded) -> Answer:
        instance = ((request.json or {}).get("instances") or [{}])[0]
        outcome = self.outcome
        if self.rejects_last_frame and "lastFrame" in instance:
            if self.last_frame_refused_at == "submit":
                return _error(400, self.rejects_last_frame)
            outcome = OperationFailed(self.rejects_last_frame)
        match = _SUBMIT.match(request.path.split("?")[0])
        name = f"{match['parent']}/operations/op{next(self._ids):04d}x"
        self.operations[name] = Operation(name, outcome, vertex=match["version"] == "v1beta1")
        self.accepted.append(request)
        return _json(200, {"name": name})

    def _poll(self, request: Recorded) -> Answer:
        if self._poll_failures:
            return _failure(self._poll_failures.popleft())
        name = _polled_name(request)
        operation = self.operations.get(name)
        if operation is None:
            return _error(404, f"Operation {name} not found.")
        operation.polls += 1
        if operation.polls <= self.polls_until_done:
            return _json(200, {"name": name, "done": False, "metadata": {}})
        return _json(200, self._finished(operation))

    def _finished(self, operation: Operation) -> dict:
        outcome, done = operation.outcome, {"name": operation.name, "done": True}
        if isinstance(outcome, OperationFailed):
            return {**done, "error": {"code": outcome.code, "message": outcome.message}}
        if isinstance(outcome, Filtered):
            body = {"raiMediaFilteredCount": outcome.count, "raiMediaFilteredReasons": list(outcome.reasons)}
        elif operation.vertex:
            video = ({"gcsUri": outcome.uri} if isinstance(outcome, InCloudStorage)
                     else {"bytesBase64Encoded": base64.b64encode(self.mp4).decode()})
            body = {"raiMediaFilteredCount": 0, "videos": [{**video, "mimeType": "video/mp4"}]}
        else:
            operation.file_id = operation.file_id or f"clip{operation.name.rsplit('/', 1)[-1]}"
            uri = f"https://generativelanguage.googleapis.com/v1beta/files/{operation.file_id}:download?alt=media"
            body = {"generatedSamples": [{"video": {"uri": uri}}]}
        if operation.vertex:
            return {**done, "response": {"@type": "type.googleapis.com/cloud.ai.large_models.vision."
                                                  "GenerateVideoResponse", **body}}
        return {**done, "response": {"@type": "type.googleapis.com/google.ai.generativelanguage.v1beta."
                                              "PredictLongRunningResponse", "generateVideoResponse": body}}

    def _download(self, request: Recorded) -> Answer:
        if self._download_failures:
            return _failure(self._download_failures.popleft())
        file_id = _DOWNLOAD.match(request.path.split("?")[0])["id"]
        if not any(op.file_id == file_id for op in self.operations.values()):
            return _error(404, f"File {file_id} not found.")
        return Answer(200, self.mp4, "video/mp4")

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._serve(b"")

            def do_POST(self) -> None:  # noqa: N802
                self._serve(self.rfile.read(int(self.headers.get("content-length") or 0)))

            def _serve(self, body: bytes) -> None:
                headers = {key.lower(): value for key, value in self.headers.items()}
                answer = api._answer(Recorded(self.command, self.path, headers, body, _json_or_none(body)))
                time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("content-type", answer.content_type)
                    self.send_header("content-length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _kind(request: Recorded) -> str:
    path = request.path.split("?")[0]
    if request.method == "POST" and _SUBMIT.match(path):
        return "submit"
    if (request.method == "GET" and _OPERATION.match(path)) or (request.method == "POST" and _FETCH.match(path)):
        return "poll"
    if request.method == "GET" and _DOWNLOAD.match(path):
        return "download"
    return "unknown"


def _polled_name(request: Recorded) -> str:
    if request.method == "POST":  # Vertex names the operation in the body
        return (request.json or {}).get("operationName", "")
    return _OPERATION.match(request.path.split("?")[0])["name"]


def _failure(step: Fail | Slow | Garbage) -> Answer:
    if isinstance(step, Slow):
        answer = _failure(step.then)
        answer.delay = step.seconds
        return answer
    if isinstance(step, Garbage):
        return Answer(200, step.body, "text/html")
    return _error(step.status, step.message or f"Fake Veo says {step.status}.")


def _error(status: int, message: str) -> Answer:
    return _json(status, {"error": {"code": status, "message": message,
                                    "status": GOOGLE_STATUS.get(status, "UNKNOWN")}})


def _json(status: int, body: dict) -> Answer:
    return Answer(status, json.dumps(body).encode())


def _json_or_none(body: bytes) -> dict | None:
    try:
        return json.loads(body)
    except ValueError:
        return None


@cache
def tiny_mp4(frames: int = 6, width: int = 64, height: int = 36) -> bytes:
    """A real, playable H.264 MP4 of a few 64x36 frames (a colour sweep), made with PyAV."""
    import io

    import av
    import numpy as np

    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(frames):
            pixels = np.full((height, width, 3), (40 * index % 256, 90, 200 - 30 * index % 256), dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        container.mux(stream.encode())
    return out.getvalue()
