"""Phase A generation: stages 2-5 from their locked upstream, through the studio's engines.

    generate(studio, user_id, ref, number, seen_version=..., guidance=..., preview=..., acknowledged=...)
        1. as the user: the gate (upstream locked), the stage's inputs, its estimate held in the ledger
        2. the provider call, outside any transaction (a slow model never holds a connection)
        3. as the user, one transaction: version n+1 with its provenance, the invalidation the
           creator previewed, the stage's own rows (Stage 5's assets), the ledger settled
    A provider failure releases the hold and leaves every earlier version as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

import psycopg

from core.changes import ChangePreview, apply_change, build_preview, change_for_stage_edit, has_downstream_work
from core.engines import Engines
from core.errors import EditConflict, StageNotReady
from core.estimates import Estimate
from core.ledger import ChargedTo, release, reserve, settle
from core.models import ProjectConfig
from core.projects import ProjectRef
from core.runtime import Studio
from core.versions import require_upstream_locked, save_version
from db import assets as asset_rows
from db import stages as stage_rows
from stages.assets import AssetInputs, extract_assets
from stages.beats import Beat, BeatSheetInputs, write_beat_sheet
from stages.provenance import StageDraft
from stages.script import ImportInputs, ScriptInputs, import_screenplay, write_master_script
from stages.treatment import TreatmentInputs, write_treatments

GENERATING = (2, 3, 4, 5)


@dataclass(frozen=True)
class Plan:
    """What generating a stage will read, call and cost."""

    number: int
    inputs: object
    estimate: Estimate | None  # None: no provider call (an imported screenplay)
    imported: bool = False


def project_config(conn: psycopg.Connection, branch_id: UUID) -> ProjectConfig:
    return ProjectConfig.model_validate(stage_rows.latest(conn, branch_id, 1)["content"])


def plan(conn: psycopg.Connection, engines: Engines, branch_id: UUID, number: int) -> Plan:
    """The gate, the inputs and the estimate for generating stage `number` on the branch."""
    if number not in GENERATING:
        raise StageNotReady(f"Stage {number} is not generated here.", number)
    require_upstream_locked(conn, branch_id, number)
    config = project_config(conn, branch_id)
    estimator = engines.estimator
    if number == 2:
        return Plan(2, TreatmentInputs.from_config(config), estimator.treatment(len(config.narrative)))
    if number == 3:
        treatment = _content(conn, branch_id, 2)["prose_treatment"]
        return Plan(3, BeatSheetInputs.from_config(config, treatment), estimator.beat_sheet(len(treatment)))
    if number == 4 and config.input_mode.value == "import":
        return Plan(4, ImportInputs(title=config.title, screenplay=config.narrative), None, imported=True)
    if number == 4:
        beats = [Beat.model_validate(b) for b in _content(conn, branch_id, 3)["beats"]]
        chars = sum(len(b.text) for b in beats)
        return Plan(4, ScriptInputs.from_config(config, beats), estimator.master_script(chars, config.target_length_max))
    script = _content(conn, branch_id, 4)["formatted_script"]
    inputs = AssetInputs(title=config.title, formatted_script=script, source_text=config.narrative)
    return Plan(5, inputs, estimator.asset_extraction(len(script)))


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
        if preview is None:
            preview = build_preview(conn, ref.branch_id, change_for_stage_edit(number, "regenerate"), engines.estimator)
        if has_downstream_work(preview) and not acknowledged:
            raise EditConflict("This regeneration invalidates later work; review the preview and confirm it first.")
        if work.estimate is not None:
            reserve(conn, ref.project_id, work.estimate, key=key, charged_to=ChargedTo(ref.branch_id, number))
    tags = {"project": str(ref.project_id), "branch": str(ref.branch_id), "stage": str(number)}
    try:
        draft = _run(work, engines, guidance, seed, tags)
    except Exception:
        if work.estimate is not None:
            with studio.db.as_user(user_id) as conn:
                release(conn, key)
        raise
    with studio.db.as_user(user_id) as conn:
        charge = None if work.imported else engines.charge("text", draft.provider, draft.model, draft.usage, _ACTIONS[number])
        row = save_version(
            conn, ref.branch_id, number, stage_content(number, draft), seen_version,
            cost_credits=charge.credits if charge else 0, input_versions=_input_versions(conn, ref.branch_id, number),
            **_provenance(draft),
        )
        apply_change(conn, ref.branch_id, change_for_stage_edit(number, "regenerate"), row["id"], preview, acknowledged)
        if number == 5:
            asset_rows.replace_branch_assets(conn, ref.project_id, ref.branch_id, row["content"]["assets"])
        if number == 4 and not work.imported:
            _beats_back_in_sync(conn, ref.branch_id)
        if charge is not None:
            settle(conn, key, charge)
    return row


def _beats_back_in_sync(conn: psycopg.Connection, branch_id: UUID) -> None:
    """A script written from the locked beats matches them again: a beat sheet flagged out of date
    by an earlier hand edit of the script is locked and in sync once more."""
    beats = stage_rows.latest(conn, branch_id, 3)
    if beats is not None and beats["status"] == "outdated":
        stage_rows.set_status(conn, beats["id"], "locked")


_ACTIONS = {2: "treatment", 3: "beat_sheet", 4: "master_script", 5: "asset_extraction"}


def _run(work: Plan, engines: Engines, guidance: str, seed: int, tags: dict) -> StageDraft:
    if work.imported:
        return import_screenplay(work.inputs)
    write = {2: write_treatments, 3: write_beat_sheet, 4: write_master_script, 5: extract_assets}[work.number]
    return write(work.inputs, engines.text, guidance=guidance, seed=seed, tags=tags)


def stage_content(number: int, draft: StageDraft) -> dict:
    """A draft as the stage's versioned content (the seed's content shapes)."""
    output = draft.output.model_dump(mode="json")
    if number == 2:
        return {**output, "selected_variant": None, "prose_treatment": ""}
    if number == 5:  # locked or not is the version's status, never a copy in its content
        return {**output, "visual_style": None}
    return output  # beats out of date with the script: the beat sheet's status (`outdated`), set on the edit


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
