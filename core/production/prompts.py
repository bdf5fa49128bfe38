"""Stage 9 by hand and its rows: a scene's frame and video prompts edited (edits flagged), the live shots'
prompt columns kept in step with each version, and the check before a lock (every shot prompted, none over the
target model's limit)."""

from __future__ import annotations

from uuid import UUID

import psycopg
from pydantic import ValidationError

from core.errors import InputRejected, NotFound, StageIncomplete, rejected_input
from core.invalidation.changes import ChangePreview, build_preview
from core.pipeline import Item, producer_of
from core.production import versions
from core.production.changes import apply_scene_change, scene_change
from core.production.context import SceneRef
from core.production.edits import change_preview
from core.runtime.studio import Studio
from core.runtime.work import work
from db import scene_versions as version_rows
from db import shots as shot_rows
from stages.segmentation import PromptSet, prompt_problems

STAGE = producer_of(Item.PROMPT).number


def prompts_of(content: dict | None) -> PromptSet:
    return PromptSet.model_validate(content or {"prompts": []})


def sync_prompts(conn: psycopg.Connection, ref: SceneRef, row: dict) -> None:
    """A new prompts version's prompts go onto the scene's live shots."""
    shot_rows.set_prompts(conn, ref.scene_id, [
        {"shot_id": p.shot_id, "frame_prompt": p.frame_prompt, "video_prompt": p.video_prompt,
         "requires_end_frame": p.requires_end_frame, "references": [r.model_dump() for r in p.references],
         "manually_edited": p.manually_edited, "end_frame_note": p.end_frame_note or None}
        for p in prompts_of(row["content"]).prompts])


def require_prompts(conn: psycopg.Connection, ref: SceneRef, content: dict) -> None:
    """Prompts lock when every live shot has a pair and none is longer than its model takes."""
    prompts = prompts_of(content)
    live = [s["shot_id"] for s in shot_rows.live_shots(conn, ref.scene_id)]
    missing = [shot for shot in live if shot not in {p.shot_id for p in prompts.prompts}]
    problems = ([f"shot(s) {', '.join(missing)} have no prompts (the shot list changed): regenerate them"]
                if missing else []) + prompt_problems(prompts)
    if problems:
        raise StageIncomplete("The prompts can't be locked yet: " + "; ".join(problems) + ".")


def edit_preview(studio: Studio, user_id: UUID, ref: SceneRef) -> ChangePreview:
    return change_preview(studio, user_id, ref, STAGE)


def save_prompt_edits(studio: Studio, user_id: UUID, ref: SceneRef, seen_version: int, rows: list[dict], *,
                      preview: ChangePreview | None = None, acknowledged: bool = False) -> dict:
    """Edited prompts (rows of shot_id, frame_prompt, video_prompt, requires_end_frame) as a new version."""
    with work(studio, user_id) as conn:
        versions.require_open(conn, ref, STAGE)
        latest = version_rows.latest(conn, ref.scene_id, STAGE)
        if latest is None:
            raise NotFound("This scene has no prompts yet; generate them first.")
        content = _edited(prompts_of(latest["content"]), rows).model_dump(mode="json")
        row = versions.save_version(conn, ref, STAGE, content, seen_version, overrides={"edited": True},
                                    **{k: latest[k] for k in ("prompt_template_version", "provider", "model", "seed")})
        preview = preview or build_preview(conn, ref.branch_id, scene_change(conn, ref, STAGE, "edit"),
                                           studio.engines.estimator)
        apply_scene_change(conn, ref, STAGE, preview, acknowledged, row)
        sync_prompts(conn, ref, row)
        versions.refresh_status(conn, ref)
        return row


def _edited(prompts: PromptSet, rows: list[dict]) -> PromptSet:
    by_id = {str(r.get("shot_id")): r for r in rows}
    unknown = sorted(set(by_id) - {p.shot_id for p in prompts.prompts})
    if unknown:
        raise InputRejected({"prompts": f"shot(s) {', '.join(unknown)} aren't in this scene's prompts"})
    edited = []
    for prompt in prompts.prompts:
        row = by_id.get(prompt.shot_id, {})
        changes = {name: row[name] for name in ("frame_prompt", "video_prompt", "requires_end_frame")
                   if name in row and row[name] is not None}
        changes = {k: (v.strip() if isinstance(v, str) else bool(v)) for k, v in changes.items()}
        changed = any(getattr(prompt, k) != v for k, v in changes.items())
        edited.append({**prompt.model_dump(), **changes, "manually_edited": prompt.manually_edited or changed})
    try:
        return PromptSet.model_validate({**prompts.model_dump(), "prompts": edited})
    except ValidationError as exc:
        raise rejected_input(exc, root="prompts", item="shot") from exc
