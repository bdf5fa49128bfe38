"""The frame job: one anchor frame drawn, stored and recorded, its cost held before the call, settled with the
stored image after, released on any failure; an identical request already paid for is served from storage.

What a frame is drawn from: the shot's frame prompt (Stage 9), the prior frame (the frame before it in film order,
across scenes), the reference images of the shot's scene asset instances (their own look in this scene, else the
asset's), the scene's visual definition (tags) for the offline renderer, and the locked style.
"""

from __future__ import annotations

from uuid import UUID

import psycopg

from core.costs.ledger import ChargedTo, is_paid, release, reserve, settle
from core.errors import NotFound, StageIncomplete
from core.production.context import STYLE_STAGE, SceneRef, live_scene
from core.production.frames import STAGE, frames_estimate, prior_slot, slots
from core.runtime.engines import model_key
from core.runtime.studio import Studio
from db import frames as frame_rows
from db import jobs as job_rows
from db import instances as instance_rows
from db import scenes as scene_rows
from db import shots as shot_rows
from db import stages as stage_rows
from stages.clips import animatic_size
from stages.frames import SIZES, FrameOrder, draw_frame, frame_prompt, frame_subject

GONE = "The shot list changed before this frame was drawn; queue the scene's frames again."
PRIOR_MISSING = ("This frame continues from {prior}, which wasn't drawn. Draw the missing frames again: they are drawn "
                 "in order, each from the one before it.")


def render_frame_job(studio: Studio, user_id: UUID, job: dict) -> dict:
    """Draw one frame (the job's shot and frame type) as its user."""
    engines = studio.engines
    with studio.db.as_user(user_id) as conn:
        order, shot, prior = _order(conn, studio, job)
        key = f"frame:{job['project_id']}:{order.identity[:32]}"
        if (job.get("payload") or {}).get("hold"):
            release(conn, job["payload"]["hold"])  # a render's hold becomes this frame's charge, in one transaction
        held = reserve(conn, job["project_id"], frames_estimate(studio, 1), key=key,
                       charged_to=ChargedTo(job["branch_id"], STAGE, shot["scene_id"], shot["id"]))
        if is_paid(held) and held["result_key"] and studio.media.exists(held["result_key"]):
            row = _record(conn, order, shot, prior, held["result_key"], held["model"], "served", held["credits"], job)
            return {"frame_id": str(row["id"]), "image_key": held["result_key"], "served_from_storage": True}
        if job_rows.is_cancelled(conn, job["id"]):  # cancelled while it waited: nothing drawn, nothing charged
            release(conn, key)
            return {"cancelled": True}
    try:
        studio.limits.wait_for_turn(order.model)  # the model's requests a minute, shared by every worker
        draft = draw_frame(order, engines.image)
        image_key = studio.media.put(draft.png, ".png")
        charge = engines.charge("image", draft.provider, draft.model, draft.usage, "frames")
        with studio.db.as_user(user_id) as conn:
            row = _record(conn, order, shot, prior, image_key, model_key(draft.provider, draft.model), draft.provider,
                          charge.credits, job)
            settle(conn, key, charge, result_key=image_key)
    except Exception:
        with studio.db.as_user(user_id) as conn:
            release(conn, key)
        raise
    return {"frame_id": str(row["id"]), "image_key": image_key, "shot": order.shot_id, "type": order.frame_type,
            "prior_frame_id": str(prior["id"]) if prior else None, "ledger_key": key}


def _record(conn: psycopg.Connection, order: FrameOrder, shot: dict, prior: dict | None, image_key: str, model: str,
            provider: str, credits, job: dict) -> dict:
    live = frame_rows.live_frame(conn, shot["id"], order.frame_type)
    if live is not None and live["job_id"] == job["id"]:
        return live  # this job's frame is the live one already (the job delivered twice)
    return frame_rows.insert_frame(conn, {
        "shot_id": shot["id"], "frame_type": order.frame_type, "prompt": order.prompt,
        "prior_frame_id": prior["id"] if prior else None, "image_url": image_key, "cost_credits": credits,
        "provider": provider, "model": model, "seed": order.seed, "guidance": order.guidance or None,
        "reference_keys": list(order.reference_keys), "job_id": job["id"]})


def _order(conn: psycopg.Connection, studio: Studio, job: dict) -> tuple[FrameOrder, dict, dict | None]:
    """The request the job makes, from the shot and the scene as they are now."""
    payload = job.get("payload") or {}
    shot = shot_rows.get_shot(conn, job["target_id"])
    if shot is None or shot["superseded_at"] is not None or shot["invalidated_at"] is not None:
        raise NotFound(GONE)
    scene = live_scene(conn, SceneRef(job["project_id"], job["branch_id"], shot["scene_id"]))
    ordered = slots(shot_rows.live_shots(conn, shot["scene_id"]))
    slot = next(s for s in ordered if s.key == (shot["id"], payload["frame_type"]))
    prior = _prior_frame(conn, scene, ordered, slot)
    style = ((stage_rows.latest(conn, job["branch_id"], STYLE_STAGE) or {}).get("content") or {}).get("visual_style") or {}
    refs = [r for r in shot["reference_assets"] or [] if r.get("image_key") and studio.media.exists(r["image_key"])]
    refs = _instance_images(conn, shot["scene_id"], refs, studio)
    width, height = frame_size(studio)
    order = FrameOrder(
        shot_id=shot["shot_id"], frame_type=slot.frame_type,
        prompt=frame_prompt(shot["frame_prompt"] or shot["action"], slot.frame_type, shot["camera_spec"],
                            shot["action"], payload.get("guidance", "")),
        subject=_subject(conn, scene, shot, slot.frame_type, style, payload.get("guidance", "")), prior=studio.media.get(prior["image_url"])
        if prior and studio.media.exists(prior["image_url"]) else None, prior_key=prior["image_url"] if prior else None,
        references=tuple(studio.media.get(k) for k in refs), reference_keys=tuple(refs), seed=int(payload["seed"]),
        width=width, height=height, model=model_key(studio.engines.image.name, studio.engines.image.model),
        guidance=payload.get("guidance", ""))
    return order, shot, prior


def frame_size(studio: Studio) -> tuple[int, int]:
    """A frame's size: the image model's usual 16:9 (or 9:16) picture online; offline, the animatic's size (the
    storyboard is drawn at the size its clips are rendered)."""
    engines = studio.engines
    if engines.image.offline:
        return animatic_size(engines.aspect_ratio, engines.animatic_width)
    return SIZES.get(engines.aspect_ratio, SIZES["16:9"])


def _prior_frame(conn: psycopg.Connection, scene: dict, ordered: list, slot) -> dict | None:
    """The frame before this one: in the scene, or the previous scene's last frame for the scene's first."""
    before = prior_slot(ordered, slot)
    if before is not None:
        frame = frame_rows.live_frame(conn, *before.key)
        if frame is None:  # its prior frame's job failed: drawn now, it would silently lose the continuity
            raise StageIncomplete(PRIOR_MISSING.format(prior=before.label))
        return frame
    earlier = [s for s in scene_rows.branch_scenes(conn, scene["branch_id"]) if s["scene_number"] < scene["scene_number"]]
    return frame_rows.last_frame(conn, earlier[-1]["id"]) if earlier else None


def _instance_images(conn: psycopg.Connection, scene_id: UUID, refs: list[dict], studio: Studio) -> list[str]:
    """Each reference's picture: its instance's own look in this scene when drawn, else the asset's."""
    drawn = {str(i["project_asset_id"]): i["image_key_url"] for i in instance_rows.scene_instances(conn, scene_id)
             if i["image_key_url"] and studio.media.exists(i["image_key_url"])}
    return list(dict.fromkeys(drawn.get(r["asset_id"]) or r["image_key"] for r in refs))


def _subject(conn: psycopg.Connection, scene: dict, shot: dict, frame_type: str, style: dict, guidance: str) -> dict:
    """The shot as the offline renderer composes it: the location, the characters at their prominence with their
    tags in this scene, the props, the camera, the action, the style."""
    looks = {i["name"].upper(): i for i in instance_rows.scene_instances(conn, scene["id"])}
    place = next((i for i in looks.values() if i["asset_type"] == "location"
                  and i["name"].upper() in scene["slug"].upper()), None)
    characters = [_look(c["name"], looks, prominence=c["prominence"]) for c in shot["characters"] or []]
    props = [_look(p, looks) for p in shot["props"] or []]
    return frame_subject(frame_type=frame_type, shot_id=shot["shot_id"], scene_number=scene["scene_number"],
                         setting=scene["slug"], location=_look(place["name"], looks) if place else None,
                         characters=characters, props=props, camera=shot["camera_spec"], action=shot["action"],
                         style=style, guidance=guidance)


def _look(name: str, looks: dict, **extra: object) -> dict:
    instance = looks.get(name.upper()) or next((i for key, i in looks.items() if name.upper() in key or key in
                                                name.upper()), None)
    if instance is None:
        return {"name": name, "description": "", "tags": [], **extra}
    return {"name": name, "description": instance["description_override"] or instance["description"],
            "tags": list(instance["status_tags"]), **extra}
