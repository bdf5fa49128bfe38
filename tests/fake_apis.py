"""Local stand-ins for the model APIs, speaking each one's documented wire format on 127.0.0.1.

Each fake is a real HTTP server (``http.server`` in a thread, ephemeral port) that the official
SDK reaches through its base-URL override. A test scripts what the "model" does next, one step per
request, and afterwards reads what the SDK actually sent:

    with FakeOpenAI() as api:
        api.script(Fail(429), Answer({"title": "Dawn"}))
        ...  # call the adapter with base_url=api.url + "/v1"
        assert len(api.requests) == 2

Steps: ``Answer(data)`` is a well-formed structured answer in whatever shape the SDK asked for
(tool call, JSON-schema text, function call); ``Malformed(text)`` is a broken answer in the same
place; ``Image(png)`` is generated image data; ``Fail(status)`` is the API's documented error body;
``Garbage()`` is a 200 whose body is not JSON; ``Slow(seconds, step)`` answers late. When the script
runs out, the ``after`` step answers (a 500 by default, so a stray request is loud).

Wire formats:
  OpenAI      POST /v1/chat/completions, /v1/images/generations, /v1/images/edits (multipart)
  Anthropic   POST /v1/messages
  Gemini      POST /v1beta/models/{model}:generateContent
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Answer:
    data: dict
    input_tokens: int = 42
    output_tokens: int = 17


@dataclass(frozen=True)
class Malformed:
    text: str = '{"title": "Dawn", '  # cut off mid-object


@dataclass(frozen=True)
class Image:
    png: bytes
    input_tokens: int = 30
    output_tokens: int = 1290


@dataclass(frozen=True)
class Fail:
    status: int
    message: str = ""


@dataclass(frozen=True)
class Garbage:
    body: bytes = b"<html>502 Bad Gateway</html>"


@dataclass(frozen=True)
class Slow:
    seconds: float
    then: object


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict  # lower-case names
    body: bytes
    json: dict | None = field(default=None)


class LocalServer:
    """An HTTP server on 127.0.0.1 at an ephemeral port, serving in a thread while used as a context."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError


class FakeAPI(LocalServer):
    """A scripted HTTP server; subclasses render steps in one vendor's wire format."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._steps: deque = deque()
        self.after: object = Fail(500, "the fake API has no scripted answer left")
        super().__init__()

    def script(self, *steps: object) -> FakeAPI:
        self._steps.extend(steps)
        return self

    def render(self, request: Recorded, step: object) -> tuple[int, dict]:
        raise NotImplementedError

    def _next_step(self, request: Recorded) -> object:
        with self._lock:
            self.requests.append(request)
            return self._steps.popleft() if self._steps else self.after

    def _respond(self, request: Recorded) -> tuple[int, bytes, float]:
        step, delay = self._next_step(request), 0.0
        if isinstance(step, Slow):
            step, delay = step.then, step.seconds
        if isinstance(step, Garbage):
            return 200, step.body, delay
        status, body = self.render(request, step)
        return status, json.dumps(body).encode(), delay

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {key.lower(): value for key, value in self.headers.items()}
                recorded = Recorded("POST", self.path, headers, body, _json_or_none(body))
                status, payload, delay = api._respond(recorded)
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test); nothing to deliver

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _json_or_none(body: bytes) -> dict | None:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _b64(png: bytes) -> str:
    return base64.b64encode(png).decode()


class FakeOpenAI(FakeAPI):
    """OpenAI Chat Completions and Images (https://platform.openai.com/docs/api-reference)."""

    ERRORS = {429: ("rate_limit_exceeded", "requests"), 500: ("server_error", None), 503: ("server_error", None)}

    def render(self, request: Recorded, step: object) -> tuple[int, dict]:
        if isinstance(step, Fail):
            kind, code = self.ERRORS.get(step.status, ("invalid_request_error", None))
            message = step.message or f"Fake OpenAI says {step.status}."
            return step.status, {"error": {"message": message, "type": kind, "param": None, "code": code}}
        if request.path.startswith("/v1/images/"):
            return 200, {"created": int(time.time()), "data": [{"b64_json": _b64(step.png)}],
                         "usage": {"input_tokens": step.input_tokens, "output_tokens": step.output_tokens,
                                   "total_tokens": step.input_tokens + step.output_tokens}}
        return 200, self._chat_completion(request.json, step)

    def _chat_completion(self, asked: dict, step: Answer | Malformed) -> dict:
        text = json.dumps(step.data) if isinstance(step, Answer) else step.text
        message: dict = {"role": "assistant", "content": text, "refusal": None}
        finish = "stop"
        if asked.get("tools") and "response_format" not in asked:
            name = _openai_tool_name(asked)
            message["content"] = None
            message["tool_calls"] = [{"id": "call_fake1", "type": "function",
                                      "function": {"name": name, "arguments": text}}]
            finish = "tool_calls"
        usage = step if isinstance(step, Answer) else Answer({})
        return {
            "id": "chatcmpl-fake1", "object": "chat.completion", "created": int(time.time()),
            "model": asked.get("model", "gpt-4o-mini"), "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": {"prompt_tokens": usage.input_tokens, "completion_tokens": usage.output_tokens,
                      "total_tokens": usage.input_tokens + usage.output_tokens},
        }


def _openai_tool_name(asked: dict) -> str:
    choice = asked.get("tool_choice")
    if isinstance(choice, dict):
        return choice["function"]["name"]
    return asked["tools"][0]["function"]["name"]


class FakeAnthropic(FakeAPI):
    """Anthropic Messages API (https://docs.anthropic.com/en/api/messages)."""

    ERRORS = {429: "rate_limit_error", 500: "api_error", 529: "overloaded_error", 400: "invalid_request_error"}

    def render(self, request: Recorded, step: object) -> tuple[int, dict]:
        if isinstance(step, Fail):
            message = step.message or f"Fake Anthropic says {step.status}."
            kind = self.ERRORS.get(step.status, "api_error")
            return step.status, {"type": "error", "error": {"type": kind, "message": message}}
        asked = request.json
        usage = step if isinstance(step, Answer) else Answer({})
        content, stop = self._content(asked, step)
        return 200, {
            "id": "msg_fake01", "type": "message", "role": "assistant", "model": asked["model"],
            "content": content, "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens},
        }

    @staticmethod
    def _content(asked: dict, step: Answer | Malformed) -> tuple[list, str]:
        if isinstance(step, Malformed):  # the model ignored the tool and wrote prose
            return [{"type": "text", "text": step.text}], "end_turn"
        if asked.get("tools"):
            choice = asked.get("tool_choice") or {}
            name = choice.get("name") or asked["tools"][0]["name"]
            return [{"type": "tool_use", "id": "toolu_fake01", "name": name, "input": step.data}], "tool_use"
        return [{"type": "text", "text": json.dumps(step.data)}], "end_turn"


class FakeGemini(FakeAPI):
    """Gemini API generateContent (https://ai.google.dev/api/generate-content)."""

    ERRORS = {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 400: "INVALID_ARGUMENT"}

    def render(self, request: Recorded, step: object) -> tuple[int, dict]:
        if isinstance(step, Fail):
            message = step.message or f"Fake Gemini says {step.status}."
            status = self.ERRORS.get(step.status, "UNKNOWN")
            return step.status, {"error": {"code": step.status, "message": message, "status": status}}
        model = request.path.split("/models/")[-1].split(":")[0]
        usage = step if isinstance(step, (Answer, Image)) else Answer({})
        return 200, {
            "candidates": [{"content": {"role": "model", "parts": self._parts(request.json, step)},
                            "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": usage.input_tokens, "candidatesTokenCount": usage.output_tokens,
                              "totalTokenCount": usage.input_tokens + usage.output_tokens},
            "modelVersion": model, "responseId": "fake-response-1",
        }

    @staticmethod
    def _parts(asked: dict, step: object) -> list:
        if isinstance(step, Image):
            return [{"text": "Here is the frame."}, {"inlineData": {"mimeType": "image/png", "data": _b64(step.png)}}]
        text = json.dumps(step.data) if isinstance(step, Answer) else step.text
        declarations = [d for tool in asked.get("tools") or [] for d in tool.get("functionDeclarations") or []]
        if declarations and isinstance(step, Answer):
            return [{"functionCall": {"name": declarations[0]["name"], "args": step.data}}]
        return [{"text": text}]


def tiny_png(rgb: tuple[int, int, int] = (200, 60, 30), size: int = 4) -> bytes:
    """A real, decodable PNG of one colour (no Pillow needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
