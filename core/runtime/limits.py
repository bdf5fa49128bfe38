"""Provider limits shared by every worker: how many jobs may call a model at once (RQ 3's `RateLimit`, a concurrency
key in Redis), and how many requests a minute it may be sent (a sliding window in Redis, waited for before each
call). Set per model with AIUTEUR_PROVIDER_LIMITS, e.g. "google:veo-*=4/10, google:gemini-*-image=8/60": concurrency,
then requests a minute (either may be left out: "4/" or "/10"). A 429 the provider still answers is retried with
backoff inside the job (core.providers.retrying), which keeps its place.
"""

from __future__ import annotations

import fnmatch
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import redis
from rq import RateLimit

# Vertex's Veo page: 10 requests a minute; an image model's per-minute quota is larger
DEFAULT_LIMITS = "google:veo-*=4/10, google:gemini-*image*=8/60, openai:gpt-image-*=4/50"  # settings' default
_WINDOW = 60.0
_KEY = "aiuteur:rpm:{model}"

# KEYS[1]: the window; ARGV: now, window, limit, member. Returns 0 when admitted, else seconds to wait.
_TAKE_TURN = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    redis.call('EXPIRE', KEYS[1], math.ceil(window) + 1)
    return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(oldest[2] + window - now)
"""


@dataclass(frozen=True)
class Limit:
    concurrency: int | None = None  # jobs calling the model at once, across every worker
    per_minute: int | None = None  # requests sent to it a minute


def parse_limits(text: str | None) -> dict[str, Limit]:
    """'pattern=C/R, …' -> {pattern: Limit}; ValueError names an entry it can't read."""
    limits = {}
    for entry in (e.strip() for e in (text or "").split(",") if e.strip()):
        pattern, equals, numbers = entry.partition("=")
        concurrency, _, per_minute = numbers.partition("/")
        try:
            if not equals or not pattern.strip():
                raise ValueError(entry)
            limits[pattern.strip()] = Limit(int(concurrency) if concurrency.strip() else None,
                                            int(per_minute) if per_minute.strip() else None)
        except ValueError:
            raise ValueError(f"provider limit {entry!r} should look like 'provider:model=4/10'") from None
    return limits


class ProviderLimits:
    """The limits of every model, and the Redis they are kept in."""

    def __init__(self, connection: redis.Redis, limits: dict[str, Limit]) -> None:
        self.connection = connection
        self.limits = limits
        self._take = connection.register_script(_TAKE_TURN)

    def limit(self, model_key: str) -> Limit:
        """The first pattern the model matches (no limit for the offline engine unless named)."""
        return next((limit for pattern, limit in self.limits.items() if fnmatch.fnmatch(model_key, pattern)), Limit())

    def rate_limit(self, model_key: str) -> RateLimit | None:
        """RQ's concurrency key for jobs calling this model, or None when it has no cap."""
        cap = self.limit(model_key).concurrency
        return RateLimit(key=f"aiuteur-{model_key.replace(':', '-')}", concurrency=cap) if cap else None

    def wait_for_turn(self, model_key: str, *, sleep: Callable[[float], None] = time.sleep,
                      clock: Callable[[], float] = time.time) -> float:
        """Wait until the model may be sent one more request this minute; returns the seconds waited."""
        per_minute = self.limit(model_key).per_minute
        waited = 0.0
        while per_minute:
            now = clock()
            wait = float(self._take(keys=[_KEY.format(model=model_key)],
                                    args=[now, _WINDOW, per_minute, f"{now}:{uuid.uuid4().hex}"]))
            if wait <= 0:
                break
            sleep(min(wait, _WINDOW))
            waited += wait
        return waited
