"""A worker whose image model takes its time (`python -m tests.slow_worker SECONDS`): a job runs long enough for a
test to kill the worker in the middle of it. Otherwise the studio's own worker, on the same settings."""

from __future__ import annotations

import dataclasses
import sys
import time

from core.providers.offline import OfflineImageProvider
from core.runtime.settings import load_settings
from workers import context
from workers.__main__ import main


class SlowImages(OfflineImageProvider):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def render(self, request):
        time.sleep(self.seconds)
        return super().render(request)


if __name__ == "__main__":
    studio = context.studio(load_settings())
    slow = dataclasses.replace(studio.engines, image=SlowImages(float(sys.argv[1])))
    studio.__dict__["engines"] = slow
    raise SystemExit(main(sys.argv[2:]))
