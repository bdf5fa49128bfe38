"""Phase A without the pages: a story in, stages 1..N generated, the first variant chosen, each locked.

This is how creators batch ideas and how the journeys are tested; it uses the same services, engines
and defaults as the studio.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from core.costs.ledger import dollars
from core.film.statuses import StageStatus
from core.pipeline import generating_stages, resolve, scene_source, stage
from core.runtime.auth import User
from core.runtime.studio import Studio
from core.story import edits as story_edits
from core.story import generate as story
from core.story.projects import ProjectRef, create_project
from db import assets as asset_rows
from db import projects as project_rows
from db import stages as stage_rows

Progress = Callable[[str], None]


@dataclass
class RunSummary:
    project_id: UUID
    branch_id: UUID
    stages: list[dict] = field(default_factory=list)  # {stage, version, seconds, credits, shadow_credits}
    scene_count: int = 0
    asset_count: int = 0
    spend: Decimal = Decimal(0)
    shadow_spend: Decimal = Decimal(0)

    def as_json(self) -> dict:
        return {"project_id": str(self.project_id), "branch_id": str(self.branch_id), "scene_count": self.scene_count,
                "asset_count": self.asset_count, "spend": str(self.spend), "shadow_spend": str(self.shadow_spend),
                "stages": self.stages}


def run_story(studio: Studio, user: User, config: dict, through: int, progress: Progress = lambda _: None,
              options: object = None) -> RunSummary:
    """Create the project from Stage 1 input, then generate and lock each generating stage up to `through`."""
    started = time.perf_counter()
    ref = create_project(studio.db, user.id, config)
    summary = RunSummary(ref.project_id, ref.branch_id)
    summary.stages.append(_line(studio, user.id, ref, 1, started))
    progress(f"Stage 1 · Input saved ({config['input_mode']})")
    for number in (s.number for s in generating_stages() if s.is_global and s.number <= through):
        started = time.perf_counter()
        with studio.db.as_user(user.id) as conn:
            skipped = story_edits.versions.skipped_stages(conn, ref.branch_id)
        if number in skipped:
            progress(f"Stage {number} skipped (imported screenplay)")
            continue
        _make_stage(studio, user.id, ref, number)
        line = _line(studio, user.id, ref, number, started)
        summary.stages.append(line)
        progress(f"Stage {number} locked as v{line['version']} in {line['seconds']:.2f}s, "
                 f"{dollars(line['credits'])} in credits (shadow {dollars(line['shadow_credits'])})")
    if through > max(s.number for s in generating_stages() if s.is_global):
        from core.production.run import RunOptions, run_scenes

        summary.stages += run_scenes(studio, user.id, ref, through, progress, options or RunOptions())
    return _totals(studio, user.id, ref, summary)


def _make_stage(studio: Studio, user_id: UUID, ref: ProjectRef, number: int, latest: dict | None = None) -> None:
    """Generate the stage (or take its draft), take the step its spec names before locking (a choice, images),
    lock it."""
    if latest is not None and latest["status"] == StageStatus.DRAFT:
        row = latest
    else:
        row = story.generate(studio, user_id, ref, number, seen_version=latest["version"] if latest else 0,
                             acknowledged=True)
    step = stage(number).before_lock
    if step:
        row = resolve(step)(studio, user_id, ref, row)
    story_edits.lock_stage(studio, user_id, ref, number, row["version"])


def _line(studio: Studio, user_id: UUID, ref: ProjectRef, number: int, started: float) -> dict:
    with studio.db.as_user(user_id) as conn:
        version = stage_rows.latest(conn, ref.branch_id, number)["version"]
        spent = project_rows.stage_spend(conn, ref.branch_id, number)
    return {"stage": number, "version": version, "seconds": round(time.perf_counter() - started, 3),
            "credits": str(spent["credits"]), "shadow_credits": str(spent["shadow_credits"])}


def _totals(studio: Studio, user_id: UUID, ref: ProjectRef, summary: RunSummary) -> RunSummary:
    with studio.db.as_user(user_id) as conn:
        summary.scene_count = len((stage_rows.latest(conn, ref.branch_id, scene_source().number) or {}).get("content", {}).get("scenes", []))
        summary.asset_count = len(asset_rows.branch_assets(conn, ref.branch_id))
        spend = project_rows.project_spend(conn, ref.project_id)
    summary.spend, summary.shadow_spend = spend["credits"], spend["shadow_credits"]
    return summary


def continue_story(studio: Studio, user: User, ref: ProjectRef, through: int,
                   progress: Progress = lambda _: None) -> list[dict]:
    """Generate and lock the global stages of the branch not yet locked, up to `through`."""
    lines = []
    for number in (s.number for s in generating_stages() if s.is_global and s.number <= through):
        started = time.perf_counter()
        with studio.db.as_user(user.id) as conn:
            skipped = story_edits.versions.skipped_stages(conn, ref.branch_id)
            latest = stage_rows.latest(conn, ref.branch_id, number)
        if number in skipped or (latest and latest["status"] == StageStatus.LOCKED):
            continue
        _make_stage(studio, user.id, ref, number, latest)
        lines.append(_line(studio, user.id, ref, number, started))
        progress(f"Stage {number} locked as v{lines[-1]['version']}")
    return lines
