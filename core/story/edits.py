"""Phase A by hand: pick a treatment, edit beats, script and assets, lock, restore an old version.

Every saved edit is a new version that records what changed in `overrides`; a lock freezes the
latest version (the database keeps it that way). Edits that invalidate later work go through the
same preview and apply as regeneration (`core.invalidation.changes`). Each save is one unit of work
(`core.runtime.work`): the version it edits is read, the edit validated, written and its invalidation
applied in one transaction, so a lost race (EditConflict) leaves nothing behind.
"""

from __future__ import annotations

from uuid import UUID

import psycopg
from pydantic import ValidationError

from core.costs.estimates import Estimator
from core.errors import InputRejected, NotFound, StageIncomplete, rejected_input
from core.invalidation.changes import ChangePreview, apply_change, build_preview, change_for_stage_edit
from core.pipeline import resolve, scene_source, stage
from core.runtime.media import is_media_key
from core.runtime.studio import Studio
from core.runtime.work import work
from core.story import versions
from core.story.projects import ProjectRef
from core.story.versions import StageView
from db import assets as asset_rows
from db import scenes as scene_rows
from db import stages as stage_rows
from stages.assets import AssetSet, VisualStyle
from stages.beats import BeatSheet, apply_beat_edits
from stages.script import parse_master_script
from stages.treatment import Treatment


def stage_view(studio: Studio, user_id: UUID, ref: ProjectRef, number: int) -> StageView:
    with studio.db.as_user(user_id) as conn:
        return versions.view(conn, ref.branch_id, number)


def gate(studio: Studio, user_id: UUID, ref: ProjectRef, number: int) -> None:
    """StageNotReady (naming the stage to finish) unless the stage's upstream is locked."""
    with studio.db.as_user(user_id) as conn:
        versions.require_upstream_locked(conn, ref.branch_id, number)


def edit_preview(studio: Studio, user_id: UUID, ref: ProjectRef, number: int) -> ChangePreview:
    with studio.db.as_user(user_id) as conn:
        return build_preview(conn, ref.branch_id, change_for_stage_edit(number, "edit"), studio.engines.estimator)


def _save_edit(conn: psycopg.Connection, estimator: Estimator, ref: ProjectRef, latest: dict, content: dict,
               seen_version: int, changed: dict, preview: ChangePreview | None = None,
               acknowledged: bool = False) -> dict:
    """In the caller's transaction: write an edit of `latest` as a new version, apply what it invalidates,
    keep derived rows in step."""
    number = latest["stage_number"]
    row = versions.save_version(
        conn, ref.branch_id, number, content, seen_version, overrides={"edited": True, **changed},
        prompt_template_version=latest["prompt_template_version"], provider=latest["provider"],
        model=latest["model"], seed=latest["seed"],
    )
    change = change_for_stage_edit(number, "edit")
    preview = preview or build_preview(conn, ref.branch_id, change, estimator)
    apply_change(conn, ref.branch_id, change, row["id"], preview, acknowledged)
    if stage(number).sync_rows:
        resolve(stage(number).sync_rows)(conn, ref, row)
    return row


def _editable(conn: psycopg.Connection, branch_id: UUID, number: int) -> dict:
    versions.require_upstream_locked(conn, branch_id, number)
    latest = stage_rows.latest(conn, branch_id, number)
    if latest is None:
        raise NotFound(f"Stage {number} has nothing to edit yet; generate it first.")
    return latest


def choose_treatment(studio: Studio, user_id: UUID, ref: ProjectRef, seen_version: int, variant: int,
                     prose: str | None = None, **confirm) -> dict:
    """Pick treatment variant `variant` (0-2), optionally with its prose edited; a new version."""
    with work(studio, user_id) as conn:
        latest = _editable(conn, ref.branch_id, 2)
        content = dict(latest["content"])
        chosen, text = _chosen_treatment(content["variants"], variant, prose)
        changed = {"selected_variant": variant, "prose_edited": text != chosen["prose"]}
        edit = {**content, "selected_variant": variant, "prose_treatment": text}
        return _save_edit(conn, studio.engines.estimator, ref, latest, edit, seen_version, changed, **confirm)


def _chosen_treatment(variants: list[dict], variant: int, prose: str | None) -> tuple[dict, str]:
    """The chosen variant and its prose (as given, or as written), InputRejected unless both are sound."""
    if not 0 <= variant < len(variants):
        raise InputRejected({"variant": "choose one of the three treatments"})
    text = (prose if prose is not None else variants[variant]["prose"]).strip()
    if not text:
        raise InputRejected({"prose_treatment": "a treatment can't be empty"})
    try:
        Treatment.model_validate({**variants[variant], "prose": text})
    except ValidationError as exc:
        raise rejected_input(exc, root="prose_treatment") from exc
    return variants[variant], text


def save_beats(studio: Studio, user_id: UUID, ref: ProjectRef, seen_version: int, rows: list[dict], **confirm) -> dict:
    """The edited beat table (reordered, added, deleted rows) as a new version; edited beats are flagged."""
    with work(studio, user_id) as conn:
        latest = _editable(conn, ref.branch_id, 3)
        content = dict(latest["content"])
        try:
            sheet = apply_beat_edits(BeatSheet.model_validate({"beats": content["beats"]}), rows)
        except ValidationError as exc:
            raise rejected_input(exc, root="beats", item="beat") from exc
        beats = sheet.model_dump(mode="json")["beats"]
        edited = [b["id"] for b in beats if b["manually_edited"]]
        return _save_edit(conn, studio.engines.estimator, ref, latest, {**content, "beats": beats}, seen_version,
                          {"beats": edited}, **confirm)


def save_script(studio: Studio, user_id: UUID, ref: ProjectRef, seen_version: int, text: str, **confirm) -> dict:
    """An edited screenplay as a new version (scenes re-parsed); a locked beat sheet goes out of date."""
    if not text.strip():
        raise InputRejected({"formatted_script": "the script can't be empty"})
    try:
        script = parse_master_script(text).model_dump(mode="json")
    except ValidationError as exc:  # too long, say
        raise rejected_input(exc, root="formatted_script") from exc
    with work(studio, user_id) as conn:
        latest = _editable(conn, ref.branch_id, 4)
        return _save_edit(conn, studio.engines.estimator, ref, latest, {**latest["content"], **script}, seen_version,
                          {"formatted_script": True}, **confirm)


def save_assets(studio: Studio, user_id: UUID, ref: ProjectRef, seen_version: int, assets: list[dict],
                style: dict | None = None, **confirm) -> dict:
    """Edited assets (and the chosen visual style) as a new Stage 5 version.

    An asset pulled from the library keeps its link (`global_asset_id`, given or found by type and name)
    and its image through edits. Without `style` the version keeps the style already chosen, or none.
    """
    with work(studio, user_id) as conn:
        latest = _editable(conn, ref.branch_id, 5)
        content = dict(latest["content"])
        rows = asset_rows.branch_assets(conn, ref.branch_id)
        linked = {(r["asset_type"], r["name"]): str(r["global_asset_id"]) for r in rows if r["global_asset_id"]}
        images = {r["image_key_url"] for r in rows + asset_rows.library(conn) if r["image_key_url"]}
        _require_known_images(assets, images)
        try:
            checked = AssetSet.model_validate({"assets": assets}).model_dump(mode="json")["assets"]
            chosen = VisualStyle.model_validate(style).model_dump() if style else content.get("visual_style")
        except ValidationError as exc:
            raise rejected_input(exc, root="assets", item="asset") from exc
        checked = [_library_link(asset, given, linked) for asset, given in zip(checked, assets)]
        changed = {"assets": [a["name"] for a in checked if a not in content["assets"]], "visual_style": chosen}
        edit = {**content, "assets": checked, "visual_style": chosen}
        return _save_edit(conn, studio.engines.estimator, ref, latest, edit, seen_version, changed, **confirm)


def _require_known_images(assets: list[dict], images: set[str]) -> None:
    """InputRejected unless every image key given is a real key this branch or the creator's library holds."""
    for number, asset in enumerate(assets, start=1):
        key = asset.get("image_key_url")
        if key and not is_media_key(key):
            raise InputRejected({"assets": f"asset {number}, image: that is not a reference image key"})
        if key and key not in images:
            raise InputRejected({"assets": f"asset {number}, image: that image is not one of this film's "
                                           "or your library's; pull the asset from your library instead"})


LIBRARY_LINK = ("global_asset_id", "image_key_url")  # beside an asset pulled from the library: where from, its image


def _library_link(asset: dict, given: dict, linked: dict) -> dict:
    carried = {key: str(given[key]) for key in LIBRARY_LINK if given.get(key)}
    link = carried.get("global_asset_id") or linked.get((asset["asset_type"], asset["name"]))
    return {**asset, **carried, **({"global_asset_id": link} if link else {})}


def lock_stage(studio: Studio, user_id: UUID, ref: ProjectRef, number: int, version: int) -> dict:
    """Lock the stage's latest version. Locking Stage 5 locks its assets and opens Phase B: the branch's
    scenes are written from the locked script then (not at Stage 4, so assets can be made without
    touching production work), as a new scene version; the scenes before it are kept, superseded."""
    with studio.db.as_user(user_id) as conn:
        latest = _editable(conn, ref.branch_id, number)
        _require_complete(conn, ref, number, latest["content"])
        locked = versions.lock(conn, ref.branch_id, number, version)
        if stage(number).on_lock:
            resolve(stage(number).on_lock)(conn, ref, locked)
    return locked


def open_production(conn: psycopg.Connection, ref: ProjectRef, locked: dict) -> None:
    """The last global stage locked: its assets lock, and the branch's scenes are written from the locked
    script as a new scene version (the scenes before it are kept, superseded, with all their work)."""
    asset_rows.lock_branch_assets(conn, ref.branch_id)
    script = stage_rows.latest(conn, ref.branch_id, scene_source().number)["content"]
    scene_rows.write_scene_version(conn, ref.branch_id, script["scenes"], locked["id"])


def _require_complete(conn: psycopg.Connection, ref: ProjectRef, number: int, content: dict) -> None:
    if stage(number).lock_check:
        resolve(stage(number).lock_check)(conn, ref, content)


def require_chosen(conn: psycopg.Connection, ref: ProjectRef, content: dict) -> None:
    """A treatment locks once one of the three variants is chosen."""
    if content.get("selected_variant") is None:
        raise StageIncomplete("Choose one of the three treatments before locking.")


def choose_first_treatment(studio: Studio, user_id: UUID, ref: ProjectRef, row: dict) -> dict:
    """The headless run's choice: the first variant, as written."""
    return choose_treatment(studio, user_id, ref, row["version"], 0)


def restore_version(studio: Studio, user_id: UUID, ref: ProjectRef, number: int, version: int, seen_version: int,
                    **confirm) -> dict:
    """An old version back as the newest; what it invalidates is applied as for an edit."""
    with work(studio, user_id) as conn:
        old = next((v for v in stage_rows.versions(conn, ref.branch_id, number) if v["version"] == version), None)
        if old is None:
            raise NotFound(f"Stage {number} has no version {version}.")
        latest = _editable(conn, ref.branch_id, number)
        return _save_edit(conn, studio.engines.estimator, ref, latest, old["content"], seen_version,
                          {"restored_from": version}, **confirm)
