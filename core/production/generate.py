"""Per-scene generation: a scene's shot list (7), visual definition (8) or prompts (9) from its locked upstream.

    generate(studio, user_id, ref, number, seen_version=..., guidance=..., preview=..., acknowledged=...)
        1. as the user: the gate, the scene's context, the stage's inputs, its estimate held in the ledger
           (charged to the branch, stage and scene)
        2. the provider call, outside any transaction
        3. as the user, one transaction: version n+1 with its provenance, the invalidation the creator previewed
           (this scene's frames and clips; later scenes' continuity when what it hands on changed), the live rows
           (shots, instances, prompts), the stage's followers flagged, the scene's status, the ledger settled
    A failure releases the hold and leaves every earlier version as it was; the same request again returns the
    version it made without calling the model.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

import psycopg

from core.costs import stage_cost
from core.costs.estimates import Estimate
from core.costs.ledger import ChargedTo, is_paid, paid_entry, release, reserve, settle
from core.errors import EditConflict, StageNotReady
from core.film.scene_context import SceneContext
from core.invalidation.changes import ChangePreview, build_preview, has_downstream_work
from core.pipeline import resolve, stage
from core.production import versions
from core.production.changes import HANDS_ON, apply_scene_change, scene_change
from core.production.context import SceneRef, load_context
from core.runtime.engines import Engines
from core.runtime.studio import Studio
from db import scene_versions as version_rows

if TYPE_CHECKING:
    from stages.provenance import StageDraft


@dataclass(frozen=True)
class ScenePlan:
    """What generating one scene's stage will read, call and cost."""

    number: int
    context: SceneContext
    inputs: object
    estimate: Estimate | None  # None: no model call (the offline prompt merge)


def plan(conn: psycopg.Connection, engines: Engines, ref: SceneRef, number: int, options: dict | None = None) -> ScenePlan:
    """The gate, the scene's context, the stage's inputs (with `options`, e.g. a prompt polish) and its estimate."""
    spec = stage(number)
    if not spec.generates:
        raise StageNotReady(f"Stage {number} is not generated here.", number)
    versions.require_open(conn, ref, number)
    context = load_context(conn, ref, engines.video_model)
    inputs = resolve(spec.generation.inputs).from_scene(context, **(options or {}))
    calls = getattr(inputs, "calls_model", True)
    estimate = stage_cost.scene_estimate(spec, engines.estimator, inputs.feed_chars) if calls else None
    return ScenePlan(number, context, inputs, estimate)


def generation_estimate(studio: Studio, user_id: UUID, ref: SceneRef, number: int,
                        options: dict | None = None) -> Estimate | None:
    """What generating this scene's stage now would cost (None: no model call). StageNotReady when gated."""
    with studio.db.as_user(user_id) as conn:
        return plan(conn, studio.engines, ref, number, options).estimate


def regeneration_preview(studio: Studio, user_id: UUID, ref: SceneRef, number: int,
                         kind: str = "regenerate") -> ChangePreview:
    """What (re)generating this scene's stage would invalidate, and the cost to redo it."""
    with studio.db.as_user(user_id) as conn:
        return build_preview(conn, ref.branch_id, scene_change(conn, ref, number, kind), studio.engines.estimator)


def generate(studio: Studio, user_id: UUID, ref: SceneRef, number: int, *, seen_version: int, guidance: str = "",
             preview: ChangePreview | None = None, acknowledged: bool = False, options: dict | None = None) -> dict:
    """Generate the scene's stage `number` as version seen_version+1; returns the new version row.

    Raises:
        StageNotReady: the global stages or the scene's earlier stage aren't locked.
        EditConflict: another session saved a newer version, or the branch changed since the preview.
        BudgetExceeded: the estimate would take the project over its budget; nothing was called.
        ProviderError: the model failed after its retries; nothing was written or charged.
    """
    engines, seed = studio.engines, seen_version + 1
    key = f"scene:{ref.scene_id}:{number}:v{seed}:{_request_key(guidance, options)}"
    with studio.db.as_user(user_id) as conn:
        work = plan(conn, engines, ref, number, options)
        if work.estimate is not None and is_paid(paid_entry(conn, key)):
            return _version(conn, ref, number, seed)  # this very request was made and saved: no second call
        preview = preview or build_preview(conn, ref.branch_id, scene_change(conn, ref, number), engines.estimator)
        if has_downstream_work(preview) and not acknowledged:
            raise EditConflict("This regeneration invalidates later work; review the preview and confirm it first.")
        versions.require_seen(conn, ref, number, seen_version)
        held = work.estimate is not None and reserve(
            conn, ref.project_id, work.estimate, key=key, charged_to=ChargedTo(ref.branch_id, number, ref.scene_id))
    tags = {"project": str(ref.project_id), "branch": str(ref.branch_id), "stage": str(number),
            "scene": str(ref.scene_id)}
    try:
        write = resolve(stage(number).generation.write)
        draft = write(work.inputs, engines.text, guidance=guidance, seed=seed, tags=tags)
        with studio.db.as_user(user_id) as conn:
            return _save_draft(conn, engines, ref, work, draft, seen_version, preview, acknowledged,
                               key if held else None)
    except Exception:  # the call failed, or its result could not be saved: the hold never stays open
        if held:
            with studio.db.as_user(user_id) as conn:
                release(conn, key)
        raise


def _save_draft(conn: psycopg.Connection, engines: Engines, ref: SceneRef, work: ScenePlan, draft: StageDraft,
                seen_version: int, preview: ChangePreview, acknowledged: bool, key: str | None) -> dict:
    """One transaction: the version, the previewed invalidation, the live rows, the status, the charge."""
    spec = stage(work.number)
    part = stage_cost.scene_cost(spec)
    charge = engines.charge("text", draft.provider, draft.model, draft.usage, part.task) if key and part else None
    row = versions.save_version(
        conn, ref, work.number, draft.output.model_dump(mode="json"), seen_version,
        cost_credits=charge.credits if charge else 0, input_versions=input_versions(conn, ref, work.number),
        **provenance(draft))
    apply_scene_change(conn, ref, work.number, preview, acknowledged, row)  # before the rows: the old shots' work
    if spec.sync_rows:
        resolve(spec.sync_rows)(conn, ref, row)
    versions.refresh_status(conn, ref, continuity_checked=work.number == HANDS_ON)
    if charge is not None:
        settle(conn, key, charge)
    return row


def _version(conn: psycopg.Connection, ref: SceneRef, number: int, version: int) -> dict:
    return next(v for v in version_rows.versions(conn, ref.scene_id, number) if v["version"] == version)


def input_versions(conn: psycopg.Connection, ref: SceneRef, number: int) -> dict:
    """Which of the scene's earlier versions this one was made from: {stage: version}."""
    return {str(r["stage_number"]): r["version"] for r in version_rows.latest_per_stage(conn, ref.scene_id)
            if r["stage_number"] < number}


def provenance(draft: StageDraft) -> dict:
    return {
        "final_prompt": draft.final_prompt, "prompt_template_version": draft.prompt_template_version,
        "regeneration_guidance": draft.guidance or None, "provider": draft.provider, "model": draft.model,
        "seed": draft.seed,
        "generation": {"input_tokens": draft.usage.input_tokens, "output_tokens": draft.usage.output_tokens,
                       "latency_ms": draft.latency_ms, "input_digest": draft.input_digest,
                       "identity": draft.identity, "calls": [call.model_dump() for call in draft.calls]},
    }


def _request_key(guidance: str, options: dict | None) -> str:
    text = guidance.strip() + "|" + "|".join(f"{k}={v}" for k, v in sorted((options or {}).items()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]
