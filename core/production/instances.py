"""Stage 8 by hand and its rows: a scene's asset instances edited (tags added, removed, cleared; overrides; what
carries forward; the asset drawer), the live `scene_asset_instances` rows kept in step with each version, and a
reference image for each instance whose look differs from its asset's (a job, priced before it is queued; an
identical look is drawn once and served from storage after)."""

from __future__ import annotations

import hashlib
from uuid import UUID

import psycopg
from pydantic import ValidationError

from core.costs.estimates import Estimate
from core.costs.ledger import ChargedTo, is_paid, release, require_room, reserve, settle
from core.errors import InputRejected, NotFound, StageIncomplete, rejected_input
from core.invalidation.changes import ChangePreview, build_preview
from core.pipeline import Item, owner_of, producer_of, stage
from core.production import versions
from core.production.changes import apply_scene_change, scene_change
from core.production.context import SceneRef, load_context
from core.runtime import jobs
from core.runtime.engines import model_key
from core.runtime.studio import Studio
from core.runtime.work import work
from db import assets as asset_rows
from db import instances as instance_rows
from db import jobs as job_rows
from db import scene_versions as version_rows
from db import stages as stage_rows
from db.jobs import UNFINISHED
from stages.assets import Asset, VisualStyle, draw_asset_reference, reference_identity
from stages.visuals import AssetInScene, VisualDefinition, apply_instance_edits

STAGE = producer_of(Item.INSTANCE).number
STYLE_STAGE = owner_of("project_assets").number
INSTANCE_IMAGE = stage(STAGE).job.kind


def definition_of(content: dict | None) -> VisualDefinition:
    return VisualDefinition.model_validate(content or {"instances": []})


def sync_instances(conn: psycopg.Connection, ref: SceneRef, row: dict) -> None:
    """A new visual definition's instances become the scene's live rows; an instance keeps its drawn image only
    while its look (tags and override) is unchanged."""
    old = {str(i["project_asset_id"]): i for i in instance_rows.scene_instances(conn, ref.scene_id)}
    rows = []
    for instance in definition_of(row["content"]).instances:
        before = old.get(instance.asset_id)
        same_look = before is not None and (sorted(before["status_tags"]), before["description_override"] or "") == \
            (sorted(instance.status_tags), instance.description_override)
        rows.append({"project_asset_id": instance.asset_id, "description_override": instance.description_override or None,
                     "status_tags": instance.status_tags, "carry_forward": instance.carry_forward,
                     "inherited_from_scene_id": instance.inherited_from_scene_id,
                     "image_key_url": before["image_key_url"] if same_look else None})
    instance_rows.write_instances(conn, ref.scene_id, rows)


def edit_preview(studio: Studio, user_id: UUID, ref: SceneRef, seen_version: int, rows: list[dict],
                 add: list[str] = ()) -> ChangePreview:
    """What saving these edits would invalidate: this scene's frames and clips, and later scenes' continuity
    when what this scene carries forward changes."""
    with studio.db.as_user(user_id) as conn:
        content = _edited_content(conn, studio, ref, rows, add).model_dump(mode="json")
        return build_preview(conn, ref.branch_id, scene_change(conn, ref, STAGE, "edit", content),
                             studio.engines.estimator)


def save_visual_edits(studio: Studio, user_id: UUID, ref: SceneRef, seen_version: int, rows: list[dict],
                      add: list[str] = (), *, preview: ChangePreview | None = None, acknowledged: bool = False) -> dict:
    """The edited instances (and assets added from the drawer, by project asset id) as a new version."""
    with work(studio, user_id) as conn:
        versions.require_open(conn, ref, STAGE)
        latest = version_rows.latest(conn, ref.scene_id, STAGE)
        content = _edited_content(conn, studio, ref, rows, add).model_dump(mode="json")
        row = versions.save_version(conn, ref, STAGE, content, seen_version, overrides={"edited": True},
                                    **{k: latest[k] for k in ("prompt_template_version", "provider", "model", "seed")}
                                    if latest else {})
        preview = preview or build_preview(conn, ref.branch_id, scene_change(conn, ref, STAGE, "edit", content),
                                           studio.engines.estimator)
        apply_scene_change(conn, ref, STAGE, preview, acknowledged, row)
        sync_instances(conn, ref, row)
        versions.refresh_status(conn, ref, continuity_checked=True)
        return row


def _edited_content(conn: psycopg.Connection, studio: Studio, ref: SceneRef, rows: list[dict],
                    add: list[str]) -> VisualDefinition:
    versions.require_open(conn, ref, STAGE)
    latest = version_rows.latest(conn, ref.scene_id, STAGE)
    if latest is None:
        raise NotFound("This scene has no visual definition yet; generate it first.")
    context = load_context(conn, ref, studio.engines.video_model)
    by_id = {a.id: a for a in context.assets}
    unknown = [a for a in add if a not in by_id]
    if unknown:
        raise InputRejected({"drawer": "that asset isn't one of this branch's assets"})
    added = [AssetInScene(asset_id=a.id, name=a.name, asset_type=a.asset_type, description=a.description,
                          image_key=a.image_key, **_inherits(context.inherited_by(a.id))) for a in map(by_id.get, add)]
    try:
        return apply_instance_edits(definition_of(latest["content"]), rows, added)
    except ValidationError as exc:
        raise rejected_input(exc, root="instances", item="asset") from exc


def _inherits(carried) -> dict:
    if carried is None:
        return {}
    return {"inherited_tags": list(carried.tags), "inherited_from_scene_id": carried.from_scene_id,
            "inherited_from_scene_number": carried.from_scene_number}


# --- instance reference images -------------------------------------------------------------------------------

def wanting_images(conn: psycopg.Connection, ref: SceneRef) -> list[dict]:
    """The scene's instances whose look differs from their asset's and that have no image of that look yet."""
    latest = version_rows.latest(conn, ref.scene_id, STAGE)
    looks = {i.asset_id: i for i in definition_of(latest["content"] if latest else None).instances if i.changes_look}
    return [row for row in instance_rows.scene_instances(conn, ref.scene_id)
            if str(row["project_asset_id"]) in looks and not row["image_key_url"]]


def images_estimate(studio: Studio, user_id: UUID, ref: SceneRef) -> tuple[int, Estimate]:
    """How many instance images are wanted and what drawing them costs."""
    with studio.db.as_user(user_id) as conn:
        wanted = len(wanting_images(conn, ref))
    return wanted, studio.engines.estimator.asset_images(wanted)


def queue_instance_images(studio: Studio, user_id: UUID, ref: SceneRef, *, inline: bool = False) -> list[dict]:
    """One image job per instance that wants one and has none in flight; BudgetExceeded before anything is queued
    when the budget can't hold them all."""
    with studio.db.as_user(user_id) as conn:
        versions.require_open(conn, ref, STAGE)
        busy = {j["target_id"] for j in job_rows.jobs_for_project(conn, ref.project_id, INSTANCE_IMAGE)
                if j["status"] in UNFINISHED}
        wanted = [row for row in wanting_images(conn, ref) if row["id"] not in busy]
        if wanted:
            require_room(conn, ref.project_id, studio.engines.estimator.asset_images(len(wanted)).total)
        style = _style(conn, ref)
    fields = [{"branch_id": ref.branch_id, "target_id": row["id"], "payload": {"scene_id": str(ref.scene_id),
                                                                               "style": style}} for row in wanted]
    if not inline:
        return [jobs.enqueue(studio, user_id, ref.project_id, INSTANCE_IMAGE, **f) for f in fields]
    recorded = [jobs.record(studio, user_id, ref.project_id, INSTANCE_IMAGE, **f) for f in fields]
    return [{**job, **jobs.run(studio, job["id"], user_id)} for job in recorded]


def _style(conn: psycopg.Connection, ref: SceneRef) -> dict:
    chosen = ((stage_rows.latest(conn, ref.branch_id, STYLE_STAGE) or {}).get("content") or {}).get("visual_style")
    if not chosen:
        raise StageIncomplete("The branch has no locked visual style.")
    return VisualStyle(**chosen).model_dump()


def render_instance_image(studio: Studio, user_id: UUID, job: dict) -> dict:
    """Draw one instance's look (its tags and override) in the locked style; held, then settled with the image,
    released on failure; an identical look already paid for is served from storage."""
    engines = studio.engines
    with studio.db.as_user(user_id) as conn:
        instance = instance_rows.get_instance(conn, job["target_id"])
        if instance is None:
            raise NotFound("The scene asset was removed before its image was drawn.")
        subject = _look(instance)
        style = VisualStyle(**(job.get("payload") or {}).get("style", {}))
        seed = int(hashlib.sha256(f"{instance['asset_type']}:{instance['name']}".encode()).hexdigest()[:8], 16)
        model = model_key(engines.image.name, engines.image.model)
        key = f"instance_image:{job['project_id']}:{reference_identity(subject, style, model, seed=seed)[:32]}"
        held = reserve(conn, job["project_id"], engines.estimator.asset_images(1), key=key,
                       charged_to=ChargedTo(job["branch_id"], STAGE, instance["scene_id"]))
        if is_paid(held) and held["result_key"] and studio.media.exists(held["result_key"], owner=user_id):
            instance_rows.set_instance_image(conn, instance["id"], held["result_key"])
            return {"image_key": held["result_key"], "served_from_storage": True, "asset": instance["name"]}
    try:
        draft = draw_asset_reference(subject, style, engines.image, seed=seed)
        image_key = studio.media.put(draft.png, ".png", owner=user_id)
        with studio.db.as_user(user_id) as conn:
            instance_rows.set_instance_image(conn, instance["id"], image_key)
            settle(conn, key, engines.charge("image", draft.provider, draft.model, draft.usage, "asset_images"),
                   result_key=image_key)
    except Exception:
        with studio.db.as_user(user_id) as conn:
            release(conn, key)
        raise
    return {"image_key": image_key, "asset": instance["name"], "prompt": draft.final_prompt, "ledger_key": key}


def _look(instance: dict) -> Asset:
    """The asset as this scene shows it: its override (or description) and its tags in words."""
    words = ", ".join(t.replace("_", " ") for t in instance["status_tags"])
    description = (instance["description_override"] or instance["description"]).strip()
    return Asset(name=instance["name"], asset_type=instance["asset_type"],
                 description=f"{description} In this scene: {words}." if words else description)


def instance_board(studio: Studio, user_id: UUID, ref: SceneRef) -> list[dict]:
    """The scene's instances with their latest image job, for the page."""
    with studio.db.as_user(user_id) as conn:
        rows = instance_rows.scene_instances(conn, ref.scene_id)
        latest: dict = {}
        for j in job_rows.jobs_for_project(conn, ref.project_id, INSTANCE_IMAGE):
            latest.setdefault(j["target_id"], j)
    return [{**row, "job": latest.get(row["id"])} for row in rows]


def drawer(studio: Studio, user_id: UUID, ref: SceneRef) -> list[dict]:
    """The branch's assets not in this scene: what the asset drawer offers to add."""
    with studio.db.as_user(user_id) as conn:
        present = {i["project_asset_id"] for i in instance_rows.scene_instances(conn, ref.scene_id)}
        return [a for a in asset_rows.branch_assets(conn, ref.branch_id) if a["id"] not in present]


