"""Stage 5 assets: reference images rendered as jobs, the visual style, and the global library."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from uuid import UUID

import psycopg

from core.costs.ledger import ChargedTo, is_paid, release, require_room, reserve, settle
from core.errors import InputRejected, NotFound, StageFrozen, StageIncomplete
from core.film.statuses import StageStatus
from core.pipeline import owner_of, stage
from core.runtime import jobs
from core.runtime.engines import Engines, model_key
from core.runtime.jobs import JobStatus
from core.runtime.studio import Studio
from core.story import edits as story_edits
from core.story.projects import ProjectRef
from db import assets as asset_rows
from db import jobs as job_rows
from db import projects as project_rows
from db import stages as stage_rows
from db.jobs import UNFINISHED
from stages.assets import Asset, VisualStyle, draw_asset_reference, reference_identity

STAGE = owner_of("project_assets").number  # the stage whose rows these assets are
ASSET_IMAGE = stage(STAGE).job.kind
ACTIVE = UNFINISHED


@dataclass(frozen=True)
class ImageOrder:
    """One reference-image request: the asset, its style and seed, and its ledger key (the request's identity)."""

    asset_id: UUID
    subject: Asset
    style: VisualStyle
    title: str
    seed: int
    key: str


def visual_style(stage_five: dict | None) -> VisualStyle:
    """The style a Stage 5 version chose (the default pencil storyboard until one is chosen)."""
    return VisualStyle(**((stage_five or {}).get("content", {}).get("visual_style") or {}))


def queue_reference_images(studio: Studio, user_id: UUID, ref: ProjectRef, only: UUID | None = None,
                           *, redraw: bool = False, restyle: bool = False, inline: bool = False) -> list[dict]:
    """One image job per asset with no image and no job in flight (or just `only`); returns the jobs.

    Refused (StageIncomplete) until a visual style is saved: an image is drawn in the chosen style, never
    a default the creator didn't pick. Without `redraw` a job repeats its asset's last request (same seed): a
    retry, or an image already paid for, is served from storage and never paid twice. `redraw` draws again
    with a new seed; `restyle` redraws every image drawn in another style in the current one (same seeds, so the same
    composition in the new look). Both are new requests, refused here (BudgetExceeded) when the budget can't
    hold them. `inline` runs the jobs in this process instead of on the workers (the headless CLI).
    """
    with studio.db.as_user(user_id) as conn:
        style = _chosen_style(conn, ref)
        assets = asset_rows.branch_assets(conn, ref.branch_id)
        jobs_now = job_rows.jobs_for_project(conn, ref.project_id, ASSET_IMAGE)  # newest first
        busy = {j["target_id"] for j in jobs_now if j["status"] in ACTIVE}
        wanted = [a for a in assets if not a["locked"] and a["id"] not in busy
                  and (_drawn_in_other_style(a, jobs_now, style) if restyle else _wanted(a, only))]
        if (redraw or restyle) and wanted:
            require_room(conn, ref.project_id, studio.engines.estimator.asset_images(len(wanted)).total)
    seeds = {a["id"]: _fresh_seed() if redraw else _last_seed(a, jobs_now) for a in wanted}
    if restyle:  # the same composition in the new look: the seed that drew each image
        seeds = {a["id"]: (_drawing_job(a, jobs_now) or {}).get("payload", {}).get("seed", seeds[a["id"]])
                 for a in wanted}
    fields = [{"branch_id": ref.branch_id, "target_id": a["id"], "payload": {"seed": seeds[a["id"]], "style": style}}
              for a in wanted]
    if not inline:
        return [jobs.enqueue(studio, user_id, ref.project_id, ASSET_IMAGE, **f) for f in fields]
    recorded = [jobs.record(studio, user_id, ref.project_id, ASSET_IMAGE, **f) for f in fields]
    return [{**job, **jobs.run(studio, job["id"], user_id)} for job in recorded]


def _wanted(asset: dict, only: UUID | None) -> bool:
    return asset["id"] == only if only else not asset["image_key_url"]


def _drawing_job(asset: dict, jobs_newest_first: list[dict]) -> dict | None:
    """The job that drew the asset's current image (asset rows are rewritten by each save; images are not)."""
    key = asset["image_key_url"]
    return next((j for j in jobs_newest_first if key and j["status"] == JobStatus.SUCCEEDED
                 and (j.get("result") or {}).get("image_key") == key), None)


def _drawn_in_other_style(asset: dict, jobs_newest_first: list[dict], style: dict) -> bool:
    """Its image was drawn in another style (an image pulled from the library has no job here: kept)."""
    drawn = _drawing_job(asset, jobs_newest_first)
    return drawn is not None and ((drawn.get("payload") or {}).get("style") or style) != style


def _chosen_style(conn: psycopg.Connection, ref: ProjectRef) -> dict:
    """The visual style the branch's Stage 5 saved, or StageIncomplete saying to choose one first."""
    chosen = ((stage_rows.latest(conn, ref.branch_id, STAGE) or {}).get("content") or {}).get("visual_style")
    if not chosen:
        raise StageIncomplete("Choose and save a visual style first: reference images are drawn in it.")
    return VisualStyle(**chosen).model_dump()


def drawn_in_another_style(studio: Studio, user_id: UUID, ref: ProjectRef) -> list[dict]:
    """The branch's unlocked assets whose image was drawn in a style other than the one saved now."""
    with studio.db.as_user(user_id) as conn:
        chosen = ((stage_rows.latest(conn, ref.branch_id, STAGE) or {}).get("content") or {}).get("visual_style")
        if not chosen:
            return []
        style = VisualStyle(**chosen).model_dump()
        jobs_now = job_rows.jobs_for_project(conn, ref.project_id, ASSET_IMAGE)
        return [a for a in asset_rows.branch_assets(conn, ref.branch_id)
                if not a["locked"] and _drawn_in_other_style(a, jobs_now, style)]


def render_reference_image(studio: Studio, user_id: UUID, job: dict) -> dict:
    """Render, store and attach one asset's reference image: held before the call, settled with the
    stored image after, released on any failure; a request already paid calls no model."""
    engines = studio.engines
    with studio.db.as_user(user_id) as conn:
        order = _image_order(conn, engines, job)
        held = _hold(conn, studio, job, order.key)
    if is_paid(held):
        return _serve_stored(studio, user_id, order, held)
    key = held["idempotency_key"]
    try:
        draft = draw_asset_reference(order.subject, order.style, engines.image, seed=order.seed,
                                     project_title=order.title)
        image_key = studio.media.put(draft.png, ".png", owner=user_id)
        with studio.db.as_user(user_id) as conn:
            asset_rows.set_asset_image(conn, order.asset_id, image_key)
            settle(conn, key, engines.charge("image", draft.provider, draft.model, draft.usage, "asset_images"),
                   result_key=image_key)
    except Exception:
        with studio.db.as_user(user_id) as conn:
            release(conn, key)
        raise
    return {"image_key": image_key, "model": draft.model, "asset": order.subject.name, "prompt": draft.final_prompt,
            "seed": order.seed, "ledger_key": key}


def _image_order(conn: psycopg.Connection, engines: Engines, job: dict) -> ImageOrder:
    """The request a job makes: the asset as it is now, the branch's style, the job's seed, the model."""
    asset = asset_rows.get_asset(conn, job["target_id"])
    if asset is None:
        raise NotFound("The asset was deleted before its image was rendered.")
    style = visual_style(stage_rows.latest(conn, job["branch_id"], STAGE))
    title = project_rows.get_project(conn, job["project_id"])["title"]
    subject = Asset(name=asset["name"], asset_type=asset["asset_type"], description=asset["description"],
                    scene_numbers=asset["scene_numbers"])
    seed = (job.get("payload") or {}).get("seed", _seed(asset))
    model = model_key(engines.image.name, engines.image.model)
    identity = reference_identity(subject, style, model, seed=seed, project_title=title)
    return ImageOrder(asset["id"], subject, style, title, seed, f"asset_image:{job['project_id']}:{identity[:32]}")


def _hold(conn: psycopg.Connection, studio: Studio, job: dict, key: str) -> dict:
    """Reserve one image; a paid request whose stored image is gone is drawn (and charged) as a new one."""
    held = reserve(conn, job["project_id"], studio.engines.estimator.asset_images(1), key=key,
                   charged_to=ChargedTo(job["branch_id"], STAGE))
    if is_paid(held) and not (held["result_key"] and studio.media.exists(held["result_key"], owner=job["user_id"])):
        return _hold(conn, studio, job, f"{key}:after:{held['id'].hex[:8]}")
    return held


def _serve_stored(studio: Studio, user_id: UUID, order: ImageOrder, paid: dict) -> dict:
    """An identical request: attach the image it already paid for; no model is called, nothing is charged."""
    with studio.db.as_user(user_id) as conn:
        asset_rows.set_asset_image(conn, order.asset_id, paid["result_key"])
    return {"image_key": paid["result_key"], "model": paid["model"], "asset": order.subject.name,
            "seed": order.seed, "ledger_key": paid["idempotency_key"], "served_from_storage": True}


def _seed(asset: dict) -> int:
    """An asset's first seed: the same for the same type and name."""
    return int(hashlib.sha256(f"{asset['asset_type']}:{asset['name']}".encode()).hexdigest()[:8], 16)


def _last_seed(asset: dict, jobs_newest_first: list[dict]) -> int:
    """The seed of the asset's last request (its first seed if it has none): asking again is the same request."""
    last = next((j for j in jobs_newest_first if j["target_id"] == asset["id"]), None)
    return ((last or {}).get("payload") or {}).get("seed", _seed(asset))


def _fresh_seed() -> int:
    """A redraw's seed: a new request, never one already paid."""
    return secrets.randbelow(2**31)


def asset_board(studio: Studio, user_id: UUID, ref: ProjectRef) -> list[dict]:
    """Each asset of the branch with its latest image job (status, error) for the live board."""
    with studio.db.as_user(user_id) as conn:
        assets = asset_rows.branch_assets(conn, ref.branch_id)
        latest_jobs: dict = {}
        for j in job_rows.jobs_for_project(conn, ref.project_id, ASSET_IMAGE):  # newest first
            latest_jobs.setdefault(j["target_id"], j)
    return [{**a, "job": latest_jobs.get(a["id"])} for a in assets]


def promote_to_library(studio: Studio, user_id: UUID, asset_id: UUID) -> dict:
    with studio.db.as_user(user_id) as conn:
        asset = asset_rows.get_asset(conn, asset_id)
        if asset is None:
            raise NotFound("That asset doesn't exist or isn't yours.")
        return asset_rows.promote(conn, asset)


def pull_from_library(studio: Studio, user_id: UUID, ref: ProjectRef, global_asset_id: UUID,
                      *, seen_version: int | None = None) -> dict | None:
    """A library asset (with its image) into the branch as a new Stage 5 version; returns its project_assets row
    (None only if a locked asset of that type and name already holds the place).

    `seen_version` is the Stage 5 version the creator was looking at (default: the latest), so a pull
    never silently overwrites another session's save.
    """
    with studio.db.as_user(user_id) as conn:
        state = stage_rows.latest(conn, ref.branch_id, STAGE)
        item = asset_rows.get_library_asset(conn, global_asset_id)
    if state is None:
        raise NotFound("Extract this project's assets first, then pull from your library into them.")
    if state["status"] == StageStatus.LOCKED:
        raise StageFrozen("Stage 5 is locked on this branch; branch the project to change its assets.")
    if item is None:
        raise NotFound("That library asset doesn't exist or isn't yours.")
    current = state["content"]["assets"]
    if any(a["asset_type"] == item["asset_type"] and a["name"].lower() == item["name"].lower() for a in current):
        raise InputRejected({"library": f"this branch already has a {item['asset_type']} named {item['name']}"})
    pulled = {"name": item["name"], "asset_type": item["asset_type"], "description": item["description"],
              "scene_numbers": [], "global_asset_id": str(item["id"]), "image_key_url": item["image_key_url"]}
    story_edits.save_assets(studio, user_id, ref, state["version"] if seen_version is None else seen_version,
                            [*current, pulled])
    with studio.db.as_user(user_id) as conn:
        rows = asset_rows.branch_assets(conn, ref.branch_id)
    return next((a for a in rows if a["global_asset_id"] == item["id"]), None)


def library(studio: Studio, user_id: UUID) -> list[dict]:
    with studio.db.as_user(user_id) as conn:
        return asset_rows.library(conn)


def rename_library_asset(studio: Studio, user_id: UUID, global_asset_id: UUID, name: str) -> dict:
    """A new name for a library asset; its image and description stay."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InputRejected({"name": "give the asset a name of 1 to 120 characters"})
    with studio.db.as_user(user_id) as conn:
        item = asset_rows.get_library_asset(conn, global_asset_id)
        if item is None:
            raise NotFound("That library asset doesn't exist or isn't yours.")
        clash = next((a for a in asset_rows.library(conn) if a["id"] != item["id"]
                      and a["asset_type"] == item["asset_type"] and a["name"].lower() == name.lower()), None)
        if clash:
            raise InputRejected({"name": f"your library already has a {item['asset_type']} named {clash['name']}"})
        return asset_rows.rename_library_asset(conn, global_asset_id, name)


def delete_library_asset(studio: Studio, user_id: UUID, global_asset_id: UUID) -> str:
    """Remove an asset from the library (films that pulled it keep their copy); returns its name."""
    with studio.db.as_user(user_id) as conn:
        deleted = asset_rows.delete_library_asset(conn, global_asset_id)
    if deleted is None:
        raise NotFound("That library asset doesn't exist or isn't yours.")
    return deleted["name"]


def save_extracted_assets(conn, ref: ProjectRef, row: dict) -> None:
    """A generated Stage 5 version's assets become the branch's asset rows, in the same transaction."""
    asset_rows.replace_branch_assets(conn, ref.project_id, ref.branch_id, row["content"]["assets"])


def complete_for_lock(studio: Studio, user_id: UUID, ref: ProjectRef, row: dict) -> dict:
    """The headless run's Stage 5: the default style saved, every reference image drawn here; the version to lock."""
    row = story_edits.save_assets(studio, user_id, ref, row["version"], row["content"]["assets"],
                                  style={"preset": "storyboard", "notes": ""})
    failed = [j for j in queue_reference_images(studio, user_id, ref, inline=True) if j["status"] == JobStatus.FAILED]
    if failed:
        raise RuntimeError(f"{len(failed)} reference image(s) failed: {failed[0]['error']}")
    return row


def require_drawn(conn, ref: ProjectRef, content: dict) -> None:
    """Assets lock once a style is saved and every asset has its reference image."""
    if not content.get("visual_style"):
        raise StageIncomplete("Choose and save a visual style before locking the assets.")
    missing = [a["name"] for a in asset_rows.branch_assets(conn, ref.branch_id) if not a["image_key_url"]]
    if missing:
        raise StageIncomplete(f"{len(missing)} asset(s) still need a reference image: {', '.join(missing[:5])}.")
