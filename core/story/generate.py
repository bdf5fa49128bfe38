"""Phase A generation: stages 2-5 from their locked upstream, through the studio's engines.

    generate(studio, user_id, ref, number, seen_version=..., guidance=..., preview=..., acknowledged=...)
        1. as the user: the gate (upstream locked), the stage's inputs, its estimate held in the ledger
        2. the provider call, outside any transaction (a slow model never holds a connection)
        3. as the user, one transaction: version n+1 with its provenance, the invalidation the
           creator previewed, the stage's own rows (Stage 5's assets), the ledger settled
    A provider failure, or a failure to save what it returned, releases the hold and leaves every
    earlier version as it was. The same request again (same branch, stage, version and guidance) returns
    the version it made without calling the model; a page that saw an older version is refused first.
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
from core.film.config import ProjectConfig
from core.film.statuses import StageStatus
from core.invalidation.changes import (
    ChangePreview,
    apply_change,
    build_preview,
    change_for_stage_edit,
    has_downstream_work,
)
from core.pipeline import Generation, feeder, resolve, stage
from core.runtime.engines import Engines
from core.runtime.studio import Studio
from core.story.projects import ProjectRef
from core.story.versions import require_seen, require_upstream_locked, save_version
from db import stages as stage_rows

if TYPE_CHECKING:
    from stages.provenance import StageDraft


@dataclass(frozen=True)
class Plan:
    """What generating a stage will read, call and cost."""

    number: int
    inputs: object
    estimate: Estimate | None  # None: no provider call (an imported screenplay)
    imported: bool = False

    @property
    def generation(self) -> Generation:
        made = stage(self.number).generation
        return made.on_import if self.imported else made


def project_config(conn: psycopg.Connection, branch_id: UUID) -> ProjectConfig:
    return ProjectConfig.model_validate(stage_rows.latest(conn, branch_id, 1)["content"])


def plan(conn: psycopg.Connection, engines: Engines, branch_id: UUID, number: int) -> Plan:
    """The gate, the inputs and the estimate for generating stage `number` on the branch."""
    spec = stage(number)
    if not spec.generates:
        raise StageNotReady(f"Stage {number} is not generated here.", number)
    require_upstream_locked(conn, branch_id, number)
    config = project_config(conn, branch_id)
    imported = spec.generation.on_import is not None and config.input_mode.value == "import"
    made = spec.generation.on_import if imported else spec.generation
    source = feeder(number)
    upstream = None if imported or source is None or source == 1 else _content(conn, branch_id, source)
    inputs = resolve(made.inputs).from_upstream(config, upstream)
    if imported:
        return Plan(number, inputs, None, imported=True)
    estimate = stage_cost.generation_estimate(spec, engines.estimator, inputs.feed_chars, config.target_length_max)
    return Plan(number, inputs, estimate)


def _content(conn: psycopg.Connection, branch_id: UUID, number: int) -> dict:
    return stage_rows.latest(conn, branch_id, number)["content"]


def generation_estimate(studio: Studio, user_id: UUID, ref: ProjectRef, number: int) -> Estimate | None:
    """What generating stage `number` now would cost, before anything is spent (None: no model call).

    Raises:
        StageNotReady: an upstream stage isn't locked.
    """
    with studio.db.as_user(user_id) as conn:
        return plan(conn, studio.engines, ref.branch_id, number).estimate


def regeneration_preview(studio: Studio, user_id: UUID, ref: ProjectRef, number: int, kind: str = "regenerate") -> ChangePreview:
    """What (re)generating or editing stage `number` would invalidate, and the cost to redo it."""
    with studio.db.as_user(user_id) as conn:
        return build_preview(conn, ref.branch_id, change_for_stage_edit(number, kind), studio.engines.estimator)


def generate(
    studio: Studio,
    user_id: UUID,
    ref: ProjectRef,
    number: int,
    *,
    seen_version: int,
    guidance: str = "",
    preview: ChangePreview | None = None,
    acknowledged: bool = False,
) -> dict:
    """Generate stage `number` as version seen_version+1; returns the new stage_states row.

    Raises:
        StageNotReady: an upstream stage isn't locked.
        EditConflict: another session saved a newer version, or the branch changed since the preview.
        BudgetExceeded: the estimate would take the project over its budget; nothing was called.
        ProviderError: the model failed after its retries; nothing was written or charged.
    """
    engines, seed = studio.engines, seen_version + 1
    key = f"stage:{ref.branch_id}:{number}:v{seed}:{_guidance_key(guidance)}"
    with studio.db.as_user(user_id) as conn:
        work = plan(conn, engines, ref.branch_id, number)
        if work.estimate is not None and is_paid(paid_entry(conn, key)):
            return _version(conn, ref.branch_id, number, seed)  # this very request was made and saved: no second call
        if preview is None:
            preview = build_preview(conn, ref.branch_id, change_for_stage_edit(number, "regenerate"), engines.estimator)
        if has_downstream_work(preview) and not acknowledged:
            raise EditConflict("This regeneration invalidates later work; review the preview and confirm it first.")
        require_seen(conn, ref.branch_id, number, seen_version)  # a stale page pays for nothing it can't save
        held = None
        if work.estimate is not None:
            held = reserve(conn, ref.project_id, work.estimate, key=key, charged_to=ChargedTo(ref.branch_id, number))
    tags = {"project": str(ref.project_id), "branch": str(ref.branch_id), "stage": str(number)}
    try:
        draft = _run(work, engines, guidance, seed, tags)
        with studio.db.as_user(user_id) as conn:
            return _save_draft(conn, engines, ref, work, draft, seen_version, preview, acknowledged,
                               key if held is not None else None)
    except Exception:  # the call failed, or its result could not be saved: the hold never stays open
        if held is not None:
            with studio.db.as_user(user_id) as conn:
                release(conn, key)
        raise


def _save_draft(conn: psycopg.Connection, engines: Engines, ref: ProjectRef, work: Plan, draft: StageDraft,
                seen_version: int, preview: ChangePreview, acknowledged: bool, key: str | None) -> dict:
    """One transaction: version n+1 with its provenance, the previewed invalidation, the stage's rows, the charge."""
    number, spec = work.number, stage(work.number)
    charge = None if work.imported else engines.charge("text", draft.provider, draft.model, draft.usage,
                                                     stage_cost.feed_cost(spec).task)
    row = save_version(
        conn, ref.branch_id, number, stage_content(number, draft), seen_version,
        cost_credits=charge.credits if charge else 0, input_versions=_input_versions(conn, ref.branch_id, number),
        **_provenance(draft),
    )
    apply_change(conn, ref.branch_id, change_for_stage_edit(number, "regenerate"), row["id"], preview, acknowledged)
    for step in (spec.sync_rows, None if work.imported else spec.after_generate):
        if step:
            resolve(step)(conn, ref, row)
    if charge is not None and key is not None:
        settle(conn, key, charge)
    return row


def _version(conn: psycopg.Connection, branch_id: UUID, number: int, version: int) -> dict:
    """A stage version already written (settled with it, in one transaction)."""
    return next(v for v in stage_rows.versions(conn, branch_id, number) if v["version"] == version)


def beats_back_in_sync(conn: psycopg.Connection, ref: ProjectRef, row: dict) -> None:
    """A script written from the locked beats matches them again: a beat sheet flagged out of date
    by an earlier hand edit of the script is locked and in sync once more."""
    for flagged in stage(row["stage_number"]).edit_marks_outdated:
        _back_in_sync(conn, ref.branch_id, flagged)


def _back_in_sync(conn: psycopg.Connection, branch_id: UUID, number: int) -> None:
    upstream = stage_rows.latest(conn, branch_id, number)
    if upstream is not None and upstream["status"] == StageStatus.OUTDATED:
        stage_rows.set_status(conn, upstream["id"], StageStatus.LOCKED)


def _run(work: Plan, engines: Engines, guidance: str, seed: int, tags: dict) -> StageDraft:
    write = resolve(work.generation.write)
    if work.imported:
        return write(work.inputs)
    return write(work.inputs, engines.text, guidance=guidance, seed=seed, tags=tags)


def stage_content(number: int, draft: StageDraft) -> dict:
    """A draft as the stage's versioned content: its output and what the registry says a version starts with."""
    return {**draft.output.model_dump(mode="json"), **stage(number).generation.content}


def _provenance(draft: StageDraft) -> dict:
    return {
        "final_prompt": draft.final_prompt, "prompt_template_version": draft.prompt_template_version,
        "regeneration_guidance": draft.guidance or None, "provider": draft.provider, "model": draft.model,
        "seed": draft.seed,
        "generation": {
            "input_tokens": draft.usage.input_tokens, "output_tokens": draft.usage.output_tokens,
            "latency_ms": draft.latency_ms, "input_digest": draft.input_digest, "identity": draft.identity,
            "calls": [call.model_dump() for call in draft.calls],
        },
    }


def _input_versions(conn: psycopg.Connection, branch_id: UUID, number: int) -> dict:
    """Which upstream versions this one was made from: {stage: version}."""
    return {str(s["stage_number"]): s["version"] for s in stage_rows.latest_per_stage(conn, branch_id) if s["stage_number"] < number}


def _guidance_key(guidance: str) -> str:
    return hashlib.sha256(guidance.strip().encode()).hexdigest()[:12]
