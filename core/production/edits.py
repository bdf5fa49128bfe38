"""The per-scene stages' services a page calls: look at a scene's stage, lock it, restore an old version, list the
scenes to choose from. Each runs one transaction as the user (building blocks are in `versions`)."""

from __future__ import annotations

from uuid import UUID

from core.errors import NotFound
from core.invalidation.changes import ChangePreview, build_preview
from core.pipeline import resolve, stage
from core.production import versions
from core.production.changes import HANDS_ON, apply_scene_change, scene_change
from core.production.context import SceneRef, load_context
from core.production.versions import SceneStageView
from core.runtime.studio import Studio
from core.runtime.work import work
from db import scene_versions as version_rows
from db import scenes as scene_rows


def scene_list(studio: Studio, user_id: UUID, branch_id: UUID) -> list[dict]:
    """The branch's live scenes in film order (id, number, slug, status)."""
    with studio.db.as_user(user_id) as conn:
        return scene_rows.branch_scenes(conn, branch_id)


def scene_view(studio: Studio, user_id: UUID, ref: SceneRef, number: int) -> SceneStageView:
    with studio.db.as_user(user_id) as conn:
        return versions.view(conn, ref, number)


def gate(studio: Studio, user_id: UUID, ref: SceneRef, number: int) -> dict:
    """The live scene, or StageNotReady naming what to finish first."""
    with studio.db.as_user(user_id) as conn:
        return versions.require_open(conn, ref, number)


def scene_context(studio: Studio, user_id: UUID, ref: SceneRef):
    """What the scene's stages read (its lines, cast, the previous scene's end): for pages to show."""
    with studio.db.as_user(user_id) as conn:
        return load_context(conn, ref, studio.engines.video_model)


def lock_scene_stage(studio: Studio, user_id: UUID, ref: SceneRef, number: int, version: int) -> dict:
    """Lock the scene stage's latest version (the one the creator saw)."""
    with work(studio, user_id) as conn:
        versions.require_open(conn, ref, number)
        return versions.lock(conn, ref, number, version)


def change_preview(studio: Studio, user_id: UUID, ref: SceneRef, number: int, kind: str = "edit") -> ChangePreview:
    with studio.db.as_user(user_id) as conn:
        return build_preview(conn, ref.branch_id, scene_change(conn, ref, number, kind), studio.engines.estimator)


def restore_scene_version(studio: Studio, user_id: UUID, ref: SceneRef, number: int, version: int, seen_version: int,
                          *, preview: ChangePreview | None = None, acknowledged: bool = False) -> dict:
    """An old version of the scene's stage back as the newest; what it invalidates is applied as for an edit."""
    with work(studio, user_id) as conn:
        versions.require_open(conn, ref, number)
        old = next((v for v in version_rows.versions(conn, ref.scene_id, number) if v["version"] == version), None)
        if old is None:
            raise NotFound(f"This scene's {stage(number).title.lower()} has no version {version}.")
        row = versions.save_version(conn, ref, number, old["content"], seen_version,
                                    overrides={"restored_from": version},
                                    **{k: old[k] for k in ("prompt_template_version", "provider", "model", "seed")})
        preview = preview or build_preview(conn, ref.branch_id, scene_change(conn, ref, number, "edit", old["content"]),
                                           studio.engines.estimator)
        apply_scene_change(conn, ref, number, preview, acknowledged, row)
        if stage(number).sync_rows:
            resolve(stage(number).sync_rows)(conn, ref, row)
        versions.refresh_status(conn, ref, continuity_checked=number == HANDS_ON)
        return row


def previous_scene_end(studio: Studio, user_id: UUID, ref: SceneRef) -> dict | None:
    """The rear-view mirror: how the scene before this one ends (its last lines, its last frame, what it carries)."""
    with studio.db.as_user(user_id) as conn:
        context = load_context(conn, ref, studio.engines.video_model)
    previous = context.previous
    if previous is None:
        return None
    names = {a.id: a.name for a in context.assets}
    return {"number": previous.number, "slug": previous.slug, "end_state": previous.end_state,
            "end_frame_key": previous.end_frame_key,
            "carried": [{"asset": names.get(c.asset_id, c.asset_id), "tags": list(c.tags)} for c in previous.carried]}

