"""Retry with backoff around one provider call, and SDK errors turned into `ProviderError`s.

Every real adapter switches its SDK's own retry loop off and calls through `call_with_retries`, so
one policy (attempts, delays) governs OpenAI, Anthropic and Gemini alike and tests can make it
instant. Rate limits (429), server errors (5xx) and timeouts or dropped connections are retried;
anything else the API refuses (a bad key, a bad request) fails at once.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from core.errors import ProviderError, ProviderRateLimited, ProviderUnavailable

T = TypeVar("T")

VENDORS = {"openai": "OpenAI", "anthropic": "Anthropic", "google": "Gemini"}
_TRANSPORT_ERROR_NAMES = {"TransportError", "TimeoutException", "NetworkError", "APIConnectionError"}


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a provider call is retried."""

    attempts: int = 4  # total tries, the first included
    first_delay: float = 1.0  # seconds before the second try; doubles each time
    max_delay: float = 30.0  # cap on one wait

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number `retry` (1-based), with jitter so clients spread out."""
        return min(self.max_delay, self.first_delay * 2 ** (retry - 1)) * random.uniform(0.75, 1.0)


def call_with_retries(call: Callable[[], T], *, policy: RetryPolicy, vendor: str, model: str,
                      sleep: Callable[[float], None] = time.sleep) -> T:
    """Run `call`, retrying transient failures; raise a `ProviderError` with a plain message at the end."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return call()
        except ProviderError:
            raise
        except Exception as exc:
            kind = classify(exc)
            if kind is None:
                raise
            if kind is ProviderError or attempt == policy.attempts:
                raise provider_error(kind, exc, vendor=vendor, model=model, attempts=attempt) from exc
            sleep(policy.delay(attempt))
    raise AssertionError("unreachable: RetryPolicy.attempts must be at least 1")


def classify(exc: BaseException) -> type[ProviderError] | None:
    """Which provider error an SDK exception means; None when it is not an API failure at all."""
    for cause in _chain(exc):
        if _is_rate_limit(cause):
            return ProviderRateLimited
        if _is_transient(cause):
            return ProviderUnavailable
    if _status(exc) is not None:
        return ProviderError  # refused for good: bad key, bad request, unknown model
    return None


def provider_error(kind: type[ProviderError], exc: BaseException, *, vendor: str, model: str,
                   attempts: int) -> ProviderError:
    """The error a creator reads, e.g. "OpenAI (gpt-4o-mini) is rate-limiting requests ..."."""
    name = f"{VENDORS.get(vendor, vendor)} ({model})"
    status = _status(exc)
    detail = _detail(exc)
    tries = f" Tried {attempts} times." if attempts > 1 else ""
    if kind is ProviderRateLimited:
        message = f"{name} is rate-limiting requests (HTTP 429).{tries} Wait a minute, then retry."
    elif kind is ProviderUnavailable:
        what = f"answered HTTP {status}" if status else "did not answer in time or dropped the connection"
        message = f"{name} is unavailable: it {what}.{tries} Retry later."
    else:
        hint = {401: " Check the API key.", 403: " Check the API key's access.", 404: " Check the model name."}
        message = f"{name} refused the request (HTTP {status}): {detail}{hint.get(status, '')}"
        error = ProviderError(message)
        error.retryable = False
        return error
    return kind(f"{message} ({detail})" if detail else message)


def _chain(exc: BaseException):
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _status(exc: BaseException) -> int | None:
    for cause in _chain(exc):
        for attribute in ("status_code", "code"):  # openai/anthropic; google-genai
            value = getattr(cause, attribute, None)
            if isinstance(value, int) and 100 <= value < 600:
                return value
    return None


def _is_rate_limit(exc: BaseException) -> bool:
    return _has_base(exc, "ModelRateLimitError") or _own_status(exc) == 429


def _is_transient(exc: BaseException) -> bool:
    if getattr(exc, "is_retryable", False):  # langchain_core.exceptions.ModelError subclasses
        return True
    status = _own_status(exc)
    if status is not None:
        return status >= 500 or status == 408
    # SDKs raise their own or httpx's transport errors; both wrap the builtin socket errors.
    return isinstance(exc, (TimeoutError, ConnectionError)) or bool(_TRANSPORT_ERROR_NAMES & _base_names(exc))


def _own_status(exc: BaseException) -> int | None:
    for attribute in ("status_code", "code"):
        value = getattr(exc, attribute, None)
        if isinstance(value, int) and 100 <= value < 600:
            return value
    return None


def _base_names(exc: BaseException) -> set[str]:
    return {base.__name__ for base in type(exc).__mro__}


def _has_base(exc: BaseException, name: str) -> bool:
    return name in _base_names(exc)


def _detail(exc: BaseException) -> str:
    """The provider's own short explanation, if it gave one."""
    for cause in _chain(exc):
        body = getattr(cause, "body", None) or getattr(cause, "details", None)
        if isinstance(body, dict):
            error = body.get("error", body)
            if isinstance(error, dict) and error.get("message"):
                return str(error["message"])[:300]
    text = str(exc).strip()
    return text[:300]
