"""RQ job functions: thin, module-level, taking ids only."""

from __future__ import annotations

from uuid import UUID

from rq import get_current_job

from core.production import (
    farm_jobs,  # noqa: F401  (registers the render farm's handlers)
    film,  # noqa: F401  (registers the film handler)
)
from core.runtime import jobs
from core.story import assets  # noqa: F401  (registers the asset_image handler)
from workers import context


def run_generation_job(job_id: str, user_id: str) -> dict:
    """Load the `generation_jobs` row, run its handler as its user, persist the outcome."""
    current = get_current_job()
    return jobs.run(context.studio(), UUID(job_id), UUID(user_id), current.worker_name if current else None)
