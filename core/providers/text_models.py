"""Text generation on real LLMs through LangChain chat models, chosen by a "provider:model" id.

    openai:gpt-4o-mini   anthropic:claude-sonnet-4-5   google:gemini-2.5-flash

The answer is requested with `with_structured_output(schema, include_raw=True)`, so the validated
pydantic object and the raw message (with its token usage) come back together. An answer that does
not validate is asked for once more, with the validation error; a second miss is a
`ProviderBadResponse`. Transient API failures are retried by `retrying.call_with_retries`.

Runs are traced by LangSmith when its standard environment variables turn tracing on
(`LANGSMITH_TRACING=true`, `LANGSMITH_API_KEY`, optionally `LANGSMITH_PROJECT`); each run is tagged
with the request's project, branch and stage.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import partial

from pydantic import BaseModel, ValidationError

from core.errors import ProviderBadResponse
from core.providers.base import Output, TextRequest, TextResult, Usage
from core.providers.retrying import VENDORS, RetryPolicy, call_with_retries

PROVIDER_ALIASES = {"openai": "openai", "anthropic": "anthropic", "google": "google", "gemini": "google",
                    "google_genai": "google", "google-genai": "google"}
_MAX_ECHO = 4000  # characters of a rejected answer sent back in the repair request


def parse_model_id(model_id: str) -> tuple[str, str]:
    """Split "provider:model" into (provider, model); the provider is normalised ("gemini" -> "google")."""
    provider, _, model = model_id.partition(":")
    normalised = PROVIDER_ALIASES.get(provider.strip().lower())
    if normalised is None or not model.strip():
        known = ", ".join(sorted({"openai", "anthropic", "google"}))
        raise ValueError(f"Model id {model_id!r} should look like 'provider:model' with provider one of {known}.")
    return normalised, model.strip()


@dataclass(frozen=True)
class _Answer:
    """One model reply: the validated output, or what was wrong with it."""

    output: BaseModel | None
    usage: Usage
    raw_text: str = ""
    problem: str = ""


class ChatModelTextProvider:
    """A `TextProvider` backed by a LangChain chat model (OpenAI, Anthropic or Gemini)."""

    offline = False

    def __init__(self, model_id: str, *, api_key: str, base_url: str | None = None,
                 retry: RetryPolicy = RetryPolicy(), timeout: float = 120.0, max_tokens: int | None = None,
                 callbacks: list | None = None) -> None:
        """Args:
            model_id: "provider:model", e.g. "openai:gpt-4o-mini".
            api_key: the provider's API key.
            base_url: the API's address when not the vendor's own (a proxy, or a test server).
            retry: attempts and backoff for rate limits, 5xx and timeouts.
            timeout: seconds one HTTP request may take.
            max_tokens: cap on answer length; None keeps the model's default.
            callbacks: extra LangChain callback handlers (LangSmith's tracer needs none of this).
        """
        self.name, self.model = parse_model_id(model_id)
        self._api_key, self._base_url = api_key, base_url
        self._retry, self._timeout, self._max_tokens = retry, timeout, max_tokens
        self._callbacks = list(callbacks or [])

    def generate(self, request: TextRequest[Output]) -> TextResult[Output]:
        """Ask the model, validate into `request.schema`, repair once; usage sums every attempt."""
        started = time.perf_counter()
        runnable = self.chat_model(request).with_structured_output(request.schema, include_raw=True)
        prompt, usage = request.prompt, Usage()
        for attempt in ("first", "repair"):
            config = self._run_config(request, attempt)
            ask = partial(self._ask, runnable, prompt, config, request.schema)
            answer = call_with_retries(ask, policy=self._retry, vendor=self.name, model=self.model)
            usage = _add(usage, answer.usage)
            if answer.output is not None:
                latency = (time.perf_counter() - started) * 1000
                return TextResult(answer.output, self.name, self.model, usage, latency)
            prompt = repair_prompt(request.prompt, answer)
        raise ProviderBadResponse(
            f"{VENDORS[self.name]} ({self.model}) gave an answer that does not fit the expected "
            f"{request.schema.__name__} format, twice (the second time after being told what was wrong): "
            f"{answer.problem[:300]}"
        )

    def chat_model(self, request: TextRequest):
        """The LangChain chat model for one request, with the SDK's own retries switched off."""
        common = {"model": self.model, "api_key": self._api_key, "temperature": request.temperature}
        if self._max_tokens:
            common["max_tokens"] = self._max_tokens
        if self.name == "openai":
            from langchain_openai import ChatOpenAI

            return ChatOpenAI(**common, base_url=self._base_url, timeout=self._timeout, max_retries=0,
                              seed=request.seed)
        if self.name == "anthropic":
            from langchain_anthropic import ChatAnthropic

            return ChatAnthropic(**common, base_url=self._base_url, default_request_timeout=self._timeout,
                                 max_retries=0)
        from langchain_google_genai import ChatGoogleGenerativeAI

        # max_retries=1 means "one attempt" here; 0 would mean the Google SDK's default.
        return ChatGoogleGenerativeAI(**common, base_url=self._base_url, timeout=self._timeout, max_retries=1,
                                      seed=request.seed)

    def _run_config(self, request: TextRequest, attempt: str) -> dict:
        """Tags and metadata LangSmith shows for this run: project, branch, stage, task."""
        labels = {**{str(key): value for key, value in request.tags.items()}, "task": request.task}
        return {
            "run_name": f"aiuteur.{request.task}",
            "tags": [f"{key}:{value}" for key, value in labels.items()] + ["aiuteur", f"attempt:{attempt}"],
            "metadata": {**labels, "attempt": attempt, "seed": request.seed,
                         "schema": request.schema.__name__},
            "callbacks": self._callbacks,
        }

    @staticmethod
    def _ask(runnable, prompt: str, config: dict, schema: type[BaseModel]) -> _Answer:
        """One round trip; a reply that does not validate comes back as an `_Answer` with a problem."""
        try:
            reply = runnable.invoke(prompt, config=config)
        except (ValidationError, json.JSONDecodeError) as exc:  # openai's parse(), or a non-JSON body
            return _Answer(None, Usage(), problem=_one_line(exc))
        raw = reply["raw"]
        usage = _usage(getattr(raw, "usage_metadata", None))
        problem = reply.get("parsing_error") or _cut_off(raw)
        parsed = reply.get("parsed")
        if problem is None and parsed is not None:
            try:
                return _Answer(schema.model_validate(parsed), usage)
            except ValidationError as exc:
                problem = exc
        if problem is None:
            problem = "the answer did not use the required structured format (no tool call or JSON object)"
        return _Answer(None, usage, raw_text=_raw_text(raw), problem=_one_line(problem))


def _cut_off(message) -> str | None:
    """A JSON answer in plain text that doesn't parse strictly (cut off, malformed): some parsers fill in what is
    missing and would take half an answer for a whole one, so say what is wrong and ask again."""
    if getattr(message, "tool_calls", None):
        return None
    text = _raw_text(message).strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    if not text.startswith(("{", "[")):
        return None
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"the JSON answer is cut off or malformed ({exc.msg} at character {exc.pos})"
    return None


def repair_prompt(prompt: str, answer: _Answer) -> str:
    """The original prompt plus what was wrong with the last answer, for the one repair attempt."""
    echo = f"\nYour previous answer was:\n{answer.raw_text[:_MAX_ECHO]}\n" if answer.raw_text else "\n"
    return (
        f"{prompt}\n\n---\nYour previous answer could not be used: {answer.problem[:1500]}\n{echo}"
        "Answer again, giving every required field with the right type and nothing else."
    )


def _usage(metadata: dict | None) -> Usage:
    metadata = metadata or {}
    return Usage(input_tokens=int(metadata.get("input_tokens") or 0),
                 output_tokens=int(metadata.get("output_tokens") or 0))


def _add(total: Usage, more: Usage) -> Usage:
    return Usage(input_tokens=total.input_tokens + more.input_tokens,
                 output_tokens=total.output_tokens + more.output_tokens)


def _raw_text(message) -> str:
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return json.dumps(calls[0].get("args"), ensure_ascii=False)
    refusal = (getattr(message, "additional_kwargs", None) or {}).get("refusal")
    return refusal or getattr(message, "text", "") or str(getattr(message, "content", ""))


def _one_line(problem: object) -> str:
    text = str(problem).split("For troubleshooting, visit")[0]
    return " ".join(line.strip() for line in text.splitlines() if "errors.pydantic.dev" not in line).strip()
