"""A scene's change as invalidation sees it: this scene's frames and clips (`local_scene`), and, when what the
scene hands on changes (the status tags its assets carry forward), the later scenes that inherit it
(`continuity_break`).

Before a Stage 8 regeneration nobody knows which tags will change, so its preview names every later scene that
shares an asset with this one; when it is applied, only the scenes that inherit what actually changed are
flagged (a subset of what the creator was shown), or none when nothing carried changed.
"""

from __future__ import annotations

import psycopg

from core.invalidation.changes import ChangePreview, apply_change, build_preview, change_for_stage_edit
from core.invalidation.resolver import Change, Global, SceneEndState
from core.pipeline import owner_of
from core.production.context import SceneRef
from db import assets as asset_rows
from db import instances as instance_rows
from db import scene_versions as version_rows
from db import scenes as scene_rows

HANDS_ON = owner_of("scene_asset_instances").number  # the stage whose versions say what a scene carries forward


def carried(content: dict | None) -> dict[str, frozenset[str]]:
    """What a Stage 8 version hands on: {asset id: the tags it carries forward} (assets carrying nothing left out)."""
    instances = (content or {}).get("instances", [])
    return {str(i["asset_id"]): frozenset(i["status_tags"]) for i in instances
            if i.get("carry_forward", True) and i.get("status_tags")}


def changed_assets(before: dict | None, after: dict | None) -> set[str]:
    """The assets whose carried-forward tags differ between two Stage 8 versions' contents."""
    old, new = carried(before), carried(after)
    return {asset for asset in old.keys() | new.keys() if old.get(asset) != new.get(asset)}


def scene_change(conn: psycopg.Connection, ref: SceneRef, number: int, kind: str = "regenerate",
                 content: dict | None = None) -> Change:
    """The change a scene's new version makes. For Stage 8 with `content` (an edit): an end-state change when
    its carried tags differ from the latest version's; without it (a regeneration), any of this scene's assets."""
    if number != HANDS_ON:
        return change_for_stage_edit(number, kind, scene_id=ref.scene_id)
    if content is None:
        assets = {str(i["project_asset_id"]) for i in instance_rows.scene_instances(conn, ref.scene_id)}
        assets |= _placed_assets(conn, ref)
    else:
        latest = version_rows.latest(conn, ref.scene_id, number)
        assets = changed_assets(latest["content"] if latest else None, content)
    if not assets:
        return change_for_stage_edit(number, kind, scene_id=ref.scene_id)
    return change_for_stage_edit(number, kind, scene_id=ref.scene_id, end_state=True,
                                 reaches=inheritors(conn, ref, assets))


def inheritors(conn: psycopg.Connection, ref: SceneRef, assets: set[str]) -> frozenset[str]:
    """The later live scenes in which any of `assets` appears (an instance, or Stage 5 places it there)."""
    scene = scene_rows.get_scene(conn, ref.scene_id)
    placed = {str(a["id"]): set(a["scene_numbers"] or ()) for a in asset_rows.branch_assets(conn, ref.branch_id)}
    reached = set()
    for later in scene_rows.branch_scenes(conn, ref.branch_id):
        if later["scene_number"] <= scene["scene_number"]:
            continue
        present = {str(i["project_asset_id"]) for i in instance_rows.scene_instances(conn, later["id"])}
        if assets & present or any(later["scene_number"] in placed.get(a, ()) for a in assets):
            reached.add(str(later["id"]))
    return frozenset(reached)


def _placed_assets(conn: psycopg.Connection, ref: SceneRef) -> set[str]:
    number = scene_rows.get_scene(conn, ref.scene_id)["scene_number"]
    return {str(a["id"]) for a in asset_rows.branch_assets(conn, ref.branch_id) if number in (a["scene_numbers"] or ())}


def apply_scene_change(conn: psycopg.Connection, ref: SceneRef, number: int, preview: ChangePreview,
                       acknowledged: bool, row: dict) -> None:
    """Apply what the new version `row` invalidates, as previewed; a Stage 8 version that hands on nothing new
    applies only its local part (what was shown, less the later scenes)."""
    change = preview.impact.change
    if isinstance(change.scope, Global):
        raise ValueError("a scene's version applies a scene's change")
    if number == HANDS_ON and isinstance(change.scope, SceneEndState):
        actual = _what_it_hands_on(conn, ref, number, change, row)
        if actual is not None:  # less than the preview showed: apply that part of it
            preview, change = build_preview(conn, ref.branch_id, actual, preview.estimator), actual
    apply_change(conn, ref.branch_id, change, None, preview, acknowledged)


def _what_it_hands_on(conn: psycopg.Connection, ref: SceneRef, number: int, shown: Change, row: dict) -> Change | None:
    """The change the new Stage 8 version really makes, when it reaches fewer scenes than `shown` (else None)."""
    before = version_rows.latest_before(conn, ref.scene_id, number, row["version"])
    assets = changed_assets(before["content"] if before else None, row["content"])
    if not assets:
        return change_for_stage_edit(number, shown.kind, scene_id=ref.scene_id)
    reaches = inheritors(conn, ref, assets)
    if shown.scope.reaches is not None:
        reaches &= shown.scope.reaches
    if shown.scope.reaches is not None and reaches == shown.scope.reaches:
        return None
    return change_for_stage_edit(number, shown.kind, scene_id=ref.scene_id, end_state=True, reaches=reaches)
