"""A branch's work as invalidation reads it: a `BranchState` and the sizes its regeneration is priced from.

`load_snapshot` builds it from the database in four queries (`db.snapshots`); `BranchSnapshot` is
plain data, read by the resolver's callers (`core.invalidation.changes`) and by the regeneration
pricing (`core.costs.regeneration`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from uuid import UUID

import psycopg

from core.costs.estimates import ShotPlan
from core.errors import NotFound
from core.film.branch_state import BranchState, Clip, Frame, ItemId, SceneState, Shot, StageVersion
from core.pipeline import Item, owner_of, producer_of
from db import snapshots as snapshot_rows


@dataclass(frozen=True)
class BranchSnapshot:
    """A branch's `BranchState` and the sizes its regeneration is priced from; ids are the rows' UUIDs as text.

    For a scene's change only that scene's shots, frames and clips are loaded (see `load_snapshot`).
    """

    state: BranchState
    project_id: UUID
    target_seconds: int
    stage_chars: Mapping[int, int]  # the latest version's content size, by stage number
    asset_count: int
    scene_chars: Mapping[ItemId, int]  # each scene's script excerpt size
    shot_plans: Mapping[ItemId, ShotPlan]
    shot_of: Mapping[ItemId, ItemId]  # each frame's and clip's shot


def load_snapshot(conn: psycopg.Connection, branch_id: UUID, *, scene_id: ItemId | None = None,
                  lock: bool = False) -> BranchSnapshot:
    """The branch's work as a BranchState plus pricing sizes.

    Args:
        conn: the caller's connection.
        branch_id: the branch.
        scene_id: load the shots, frames and clips of this scene only. The other scenes still say whether
            they have work (shots, asset instances, prompts: frames and clips need shots), which is all
            a scene's change asks of them; their `work_stages` then leave out 10 and 12.
        lock: hold the branch against other appliers until the transaction ends.
    """
    facts = snapshot_rows.branch_facts(conn, branch_id, lock=lock)
    if facts is None:
        raise NotFound("That branch doesn't exist or isn't yours.")
    stages = snapshot_rows.latest_stages(conn, branch_id)
    scenes = snapshot_rows.scenes(conn, branch_id)
    made = _PhaseB(snapshot_rows.phase_b_items(conn, branch_id, scene_id))
    listed = max((row["listed_assets"] for row in stages if row["stage_number"] == owner_of("project_assets").number),
                 default=0)
    state = BranchState(tuple(StageVersion(r["id"], r["stage_number"], r["version"], r["status"]) for r in stages),
                        tuple(made.scene_state(row) for row in scenes))
    return BranchSnapshot(
        state, facts["project_id"], facts["target_length_max"],
        {row["stage_number"]: row["content_chars"] for row in stages}, max(facts["asset_rows"], listed),
        {row["id"]: row["excerpt_chars"] for row in scenes}, made.shot_plans, made.shot_of,
    )


class _PhaseB:
    """The branch's shots, frames and clips sorted by scene in one pass over their rows."""

    def __init__(self, rows: list[tuple]) -> None:
        self.by_scene: dict[ItemId, dict[str, list]] = defaultdict(lambda: {"shot": [], "frame": [], "clip": []})
        self.shot_plans: dict[ItemId, ShotPlan] = {}
        self.shot_of: dict[ItemId, ItemId] = {}
        for row in rows:
            self._add(row)

    def _add(self, row: tuple) -> None:
        made = self.by_scene[row.scene_id]
        if row.kind == "shot":
            made["shot"].append(Shot(row.id, row.label, row.shot_order, row.invalidated))
            self.shot_plans[row.id] = _plan(row.duration, row.requires_end_frame)
            return
        self.shot_of[row.id] = row.shot_id
        if row.kind == "frame":
            made["frame"].append(Frame(row.id, row.shot_id, row.frame_type, row.invalidated))
        else:
            made["clip"].append(Clip(row.id, row.shot_id, row.invalidated))

    def scene_state(self, row: dict) -> SceneState:
        made = self.by_scene[row["id"]]
        return SceneState(row["id"], row["scene_number"], row["status"], made["shot"], made["frame"], made["clip"],
                          _work_stages(row, made))


@lru_cache(maxsize=256)
def _plan(duration: int, requires_end_frame: bool) -> ShotPlan:
    """Shots mostly share a few lengths: one ShotPlan each."""
    return ShotPlan.from_row({"duration": duration, "requires_end_frame": requires_end_frame})


def _work_stages(scene_row: dict, made: Mapping[str, list]) -> frozenset[int]:
    """The stages whose output the scene holds (what a later change there would undo)."""
    present = {Item.SHOT: scene_row["has_shots"], Item.INSTANCE: scene_row["has_instances"],
               Item.PROMPT: scene_row["has_prompts"], Item.FRAME: made["frame"], Item.CLIP: made["clip"]}
    return frozenset(producer_of(item).number for item, there in present.items() if there)
