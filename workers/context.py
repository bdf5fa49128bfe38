"""The studio a worker process shares across the jobs it runs, booted once from settings."""

from __future__ import annotations

import threading

from core.runtime.settings import Settings, load_settings
from core.runtime.studio import Studio, boot

_studio: Studio | None = None
_lock = threading.Lock()


def install(studio: Studio) -> None:
    global _studio
    _studio = studio


def studio(settings: Settings | None = None) -> Studio:
    global _studio
    with _lock:
        if _studio is None:
            _studio = boot(settings or load_settings())
        return _studio
