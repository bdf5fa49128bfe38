"""Stage 6, the script hub: every scene of the branch with its production status in plain words, its shots and
runtime, what it has cost and what finishing it will cost, its continuity warnings and its next step; and the
whole film's progress. Three queries whatever the film's size."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from core.costs.dashboard import film_progress
from core.costs.estimates import Estimator
from core.costs.price_book import ZERO
from core.costs.projection import scene_costs
from core.errors import NotFound
from core.film.statuses import SceneStatus, StageStatus
from core.pipeline import Stage, scene_stages
from core.runtime.studio import Studio
from db import cost_views
from db import hub as hub_rows

STATUS_WORDS = {
    SceneStatus.DRAFT: "Not started: its shot list isn't locked yet.",
    SceneStatus.SHOT_LIST_READY: "Shot list locked: visual definition, prompts and frames come next.",
    SceneStatus.FRAMES_LOCKED: "Frames approved and locked: confirm the cost and render its clips.",
    SceneStatus.VIDEO_COMPLETE: "Every clip approved: the scene is finished.",
    SceneStatus.OUTDATED: "Out of date: the script or the assets changed above it; lock Stage 5 again to renew it.",
    SceneStatus.CONTINUITY_BROKEN: "Continuity broken: an earlier scene now hands on a different look; "
                                   "check its visual definition.",
}
# how far along each status is, for the film's progress bar
STEP = {SceneStatus.DRAFT: 0, SceneStatus.SHOT_LIST_READY: 1, SceneStatus.FRAMES_LOCKED: 2,
        SceneStatus.VIDEO_COMPLETE: 3, SceneStatus.OUTDATED: 0, SceneStatus.CONTINUITY_BROKEN: 1}


@dataclass(frozen=True)
class HubScene:
    id: UUID
    number: int
    slug: str
    excerpt: str
    status: SceneStatus
    shots: int
    seconds: int
    spent: Decimal
    shadow_spent: Decimal
    to_finish: Decimal  # at the models that will run
    to_finish_online: Decimal  # what it would cost online (offline work at its shadow price)
    warnings: tuple[str, ...]
    next_stage: Stage | None

    @property
    def explanation(self) -> str:
        return STATUS_WORDS[self.status]


@dataclass(frozen=True)
class Hub:
    scenes: tuple[HubScene, ...]
    target_min: int
    target_max: int

    @property
    def progress(self) -> float:
        """How far the film is, 0..1: each scene's steps (shot list, frames, clips) over all the steps."""
        steps = 3 * len(self.scenes)
        return sum(STEP[s.status] for s in self.scenes) / steps if steps else 0.0

    @property
    def runtime(self) -> int:
        return sum(s.seconds for s in self.scenes)

    def with_status(self, statuses: set[str] | None) -> tuple[HubScene, ...]:
        return tuple(s for s in self.scenes if not statuses or s.status in statuses)


def script_hub(studio: Studio, user_id: UUID, project_id: UUID, branch_id: UUID) -> Hub:
    """The hub for one branch, as the user sees it."""
    with studio.db.as_user(user_id) as conn:
        context = cost_views.branch_context(conn, project_id, branch_id)
        if context is None or context["branch_id"] is None:
            raise NotFound("That project or branch doesn't exist or isn't yours.")
        rows = hub_rows.hub_scenes(conn, branch_id)
        shots = cost_views.shot_progress(conn, branch_id)
    costs, counts = _costs(context, shots, studio.engines.estimator), _shot_counts(shots)
    return Hub(tuple(_scene(row, counts.get(row["id"], _NO_SHOTS), costs.get(row["scene_number"])) for row in rows),
               context["target_length_min"] or 0, context["target_length_max"] or 0)


@dataclass(frozen=True)
class _ShotCount:
    shots: int = 0
    seconds: int = 0
    invalidated: int = 0


_NO_SHOTS = _ShotCount()


def _shot_counts(shots: list[dict]) -> dict[UUID, _ShotCount]:
    """Each scene's live shots, their seconds and how many were invalidated, from the shot progress rows."""
    tallies: dict[UUID, list[int]] = {}
    for row in shots:
        if row["shot_id"] is not None:  # a scene without shots is one row without a shot
            tally = tallies.setdefault(row["scene_id"], [0, 0, 0])
            tally[0] += 1
            tally[1] += row["duration"]
            tally[2] += row["shot_invalidated"]
    return {scene: _ShotCount(*tally) for scene, tally in tallies.items()}


def _costs(context: dict, shots: list[dict], estimator: Estimator) -> dict[int, tuple[Decimal, Decimal]]:
    if context["target_length_max"] is None or not shots:
        return {}
    estimates = scene_costs(film_progress(context, shots), estimator)
    return {number: (e.total, e.total + e.shadow_total) for number, e in estimates.items()}


def _scene(row: dict, shots: _ShotCount, cost: tuple[Decimal, Decimal] | None) -> HubScene:
    stages = {int(k): v for k, v in (row["stages"] or {}).items()}
    status = SceneStatus(row["status"])
    return HubScene(row["id"], row["scene_number"], row["slug"], row["excerpt"] + ("…" if row["excerpt_cut"] else ""),
                    status, shots.shots, shots.seconds, row["credits"] or ZERO, row["shadow_credits"] or ZERO,
                    (cost or (ZERO, ZERO))[0], (cost or (ZERO, ZERO))[1],
                    _warnings(status, stages, shots.invalidated), _next_stage(status, stages))


def _warnings(status: SceneStatus, stages: dict[int, str], invalidated_shots: int) -> tuple[str, ...]:
    found = []
    if status is SceneStatus.CONTINUITY_BROKEN:
        found.append("An earlier scene's end state changed: its carried tags may no longer hold here.")
    outdated = [n for n, s in sorted(stages.items()) if s == StageStatus.OUTDATED]
    found += [f"Stage {n} is out of date with an earlier stage of this scene." for n in outdated]
    if invalidated_shots:
        found.append(f"{invalidated_shots} shot(s) were invalidated by a change above.")
    return tuple(found)


def _next_stage(status: SceneStatus, stages: dict[int, str]) -> Stage | None:
    """The first per-scene stage not locked yet (the visual definition when continuity broke)."""
    built = [s for s in scene_stages() if s.available]
    if status is SceneStatus.CONTINUITY_BROKEN:
        return next((s for s in built if s.owns == ("scene_asset_instances",)), None)
    return next((s for s in built if stages.get(s.number) != StageStatus.LOCKED), built[-1] if built else None)
