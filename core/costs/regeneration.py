"""Pricing what an impact invalidates: the cost to regenerate it, from the branch as previewed.

The current content sizes feed the text calls, the branch's assets the reference images, the
invalidated frames' and clips' shots the images (one or two a shot, by `requires_end_frame`) and
seconds. Flags (a beat sheet out of sync, a scene whose continuity broke) cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.costs import stage_cost
from core.costs.estimates import CHARS_PER_TOKEN, EXPECTED_OUTPUT_TOKENS, Estimate, Estimator
from core.film.branch_state import ItemId
from core.invalidation.resolver import Affected, Impact, InvalidationType, ItemKind, Mark
from core.invalidation.snapshot import BranchSnapshot
from core.pipeline import Item, Per, feeder, producer_of, stage

_SHOT_LIST_CHARS = EXPECTED_OUTPUT_TOKENS["shot_list"] * CHARS_PER_TOKEN  # what prompt segmentation reads


def regeneration_estimates(snapshot: BranchSnapshot, impact: Impact,
                           estimator: Estimator) -> dict[InvalidationType, Estimate]:
    """The cost to regenerate what each invalidation type of the impact invalidates."""
    return {
        kind: combined(f"regenerate ({kind.value})", _regeneration(snapshot, impact.of_type(kind), estimator),
                        estimator)
        for kind in impact.types
    }


def _regeneration(snapshot: BranchSnapshot, items: tuple[Affected, ...], estimator: Estimator) -> list[Estimate]:
    stale: dict[ItemKind, list[Affected]] = {kind: [] for kind in ItemKind}
    for item in items:
        if item.mark is Mark.INVALIDATED:  # outdated scenes are priced by their shots; flags cost nothing
            stale[item.kind].append(item)
    parts = [part for item in stale[ItemKind.STAGE_STATE]
             for part in _stage_regeneration(snapshot, item.stage_number, estimator)]
    parts += _shot_list_regeneration(snapshot, stale[ItemKind.SHOT], estimator)
    frame_shots = _shots_of(snapshot, stale[ItemKind.FRAME])
    clip_shots = _shots_of(snapshot, stale[ItemKind.CLIP])
    if frame_shots:
        parts.append(estimator.frames(snapshot.shot_plans[shot] for shot in frame_shots))
    if clip_shots:
        parts.append(estimator.clips(snapshot.shot_plans[shot] for shot in clip_shots))
    return parts


def _stage_regeneration(snapshot: BranchSnapshot, number: int, estimator: Estimator) -> list[Estimate]:
    """A global stage made again by its cost model, from the current size of what feeds it."""
    feeding = snapshot.stage_chars.get(feeder(number), 0)
    parts = []
    for part in stage(number).cost:
        if part.per is Per.FEED:
            parts.append(stage_cost.text_estimate(part, estimator, feeding, snapshot.target_seconds))
        elif part.per is Per.ASSET and snapshot.asset_count:
            parts.append(stage_cost.unit_estimate(part, estimator, snapshot.asset_count))
    return parts


def _shot_list_regeneration(snapshot: BranchSnapshot, shots: list[Affected], estimator: Estimator) -> list[Estimate]:
    """Scenes whose shots are invalidated need a new shot list and new prompts."""
    scenes = set(item.scene_id for item in shots)
    if not scenes:
        return []
    prompts = producer_of(Item.PROMPT).number
    prompted = sum(1 for scene in snapshot.state.scenes if scene.id in scenes and prompts in scene.work_stages)
    chars = -(-sum(snapshot.scene_chars.get(scene, 0) for scene in scenes) // len(scenes))
    parts = [estimator.text_call("shot_list", chars, calls=len(scenes), what=f"shot lists ({len(scenes)} scenes)")]
    if prompted:
        parts.append(estimator.text_call("prompt_segmentation", _SHOT_LIST_CHARS, calls=prompted,
                                         what=f"frame and video prompts ({prompted} scenes)"))
    return parts


def _shots_of(snapshot: BranchSnapshot, items: Iterable[Affected]) -> list[ItemId]:
    """The shots these frames or clips belong to, each once: a shot is re-rendered whole."""
    return list(dict.fromkeys(snapshot.shot_of[item.id] for item in items))


def combined(action: str, estimates: Iterable[Estimate], estimator: Estimator) -> Estimate:
    return Estimate(action, tuple(line for estimate in estimates for line in estimate.items), estimator.book.version)
