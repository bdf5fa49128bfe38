"""Preview, then apply: what a change would invalidate on a branch, what redoing that costs, then doing it.

    preview_change(db, user_id, branch_id, change, estimator) -> ChangePreview      writes nothing
        the branch's work loaded in four queries (`db.snapshots`), `core.invalidation.resolver.invalidate`
        run on it, and the estimate of regenerating what it invalidates, per invalidation type.
    has_downstream_work(preview)                                                   show the dialog?
    apply_change(conn, branch_id, change, triggering_stage_state_id, preview, acknowledged)
        in the caller's transaction, beside the new version it writes: lock the branch, snapshot it
        again and recompute the impact, refuse with EditConflict if the branch now holds work the
        preview didn't show, then write the statuses and flags and one `invalidation_logs` row per
        invalidation type (its estimated cost, its shadow price, whether the warning was acknowledged).
    Cancel is simply not calling apply_change.

A stage service calls apply_change after inserting the new version (its id is the trigger) and
before writing the new version's own downstream rows (a regenerated script's scenes), which would
otherwise be new work the preview never showed.

Regeneration is priced from the branch as previewed: the current content sizes feed the text calls,
the branch's assets the reference images, the invalidated frames' and clips' shots the images (one
or two a shot, by `requires_end_frame`) and seconds. apply_change logs the price of what it applies
at those same sizes, so the log holds the figure the creator acknowledged. Flags (a beat sheet out
of sync, a scene whose continuity broke) cost nothing until the creator chooses to redo them.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from uuid import UUID

import psycopg

from core.costs.estimates import Estimate, Estimator
from core.costs.regeneration import combined, regeneration_estimates
from core.errors import EditConflict, NotFound
from core.film.branch_state import ItemId
from core.invalidation.resolver import (
    Affected,
    Change,
    ChangeKind,
    Global,
    Impact,
    InvalidationType,
    ItemKind,
    Mark,
    Scene,
    SceneEndState,
    invalidate,
    preview_rows,
    summarize,
)
from core.invalidation.snapshot import BranchSnapshot, load_snapshot
from db import invalidations as invalidation_rows
from db.database import Database

_FLAG_TABLES = {ItemKind.SHOT: "shots", ItemKind.FRAME: "frames", ItemKind.CLIP: "videos"}
_SCOPES = {Global: "global", Scene: "scene", SceneEndState: "scene_end_state"}


@dataclass(frozen=True)
class ChangePreview:
    """What a change would do: the impact, its table, and the cost to regenerate what it invalidates.

    The impact's ids are the rows' UUIDs as text (see `db.snapshots`).
    """

    branch_id: UUID
    impact: Impact
    estimates: Mapping[InvalidationType, Estimate]  # one per invalidation type in the impact
    estimator: Estimator
    snapshot: BranchSnapshot = field(repr=False)  # apply_change prices what it applies at these sizes

    @cached_property
    def rows(self) -> list[dict[str, str]]:
        """One row per item: what, kind, becomes, type, why."""
        return preview_rows(self.impact)

    @cached_property
    def estimate(self) -> Estimate:
        """Every invalidation type's regeneration estimate as one."""
        return combined("regenerate", self.estimates.values(), self.estimator)

    @property
    def credits(self) -> Decimal:
        return self.estimate.total

    @property
    def shadow_credits(self) -> Decimal:
        """What the same regeneration costs on the online models, when offline ones are priced."""
        return self.estimate.shadow_total

    @property
    def counts(self) -> dict[ItemKind, int]:
        return summarize(self.impact)

    @cached_property
    def key(self) -> str:
        """What the creator reviewed as a short id (branch, change, every item and its mark): a page keeps
        this in session state, rebuilds the preview from the database and compares."""
        shown = sorted(f"{item.kind.value}:{item.id}:{item.mark.value}" for item in self.impact.items)
        text = "|".join([str(self.branch_id), repr(self.impact.change), *shown])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def creator_rows(self, happened: str | None = None) -> list[dict]:
        """The summary in the creator's words: what happened (`happened`, see `what_happened`), how many of
        what, and which; no ids, no JSON."""
        verb = self.impact.change.verb
        return [{"type": REACH_WORDS[InvalidationType(row["type"])], "becomes": row["becomes"].replace("_", " "),
                 "why": row["why"].replace(verb, f"changed: {happened}") if happened else row["why"],
                 "how_many": how_many(row["counts"]), "items": row["items"]}
                for row in self.summary_rows()]

    def summary_rows(self) -> list[dict]:
        """The impact grouped by type, reason and mark, with a count per kind: the short table."""
        return [{"type": kind.value, **entry} for kind in self.impact.types
                for entry in reason_groups(self.impact.of_type(kind))]


@dataclass(frozen=True)
class AppliedChange:
    """What apply_change wrote: the impact it applied and its `invalidation_logs` rows."""

    impact: Impact
    logs: tuple[dict, ...]


KIND_WORDS = {  # (one, many), as a creator says them
    ItemKind.STAGE_STATE: ("stage version", "stage versions"),
    ItemKind.SCENE: ("scene", "scenes"),
    ItemKind.SHOT: ("shot", "shots"),
    ItemKind.FRAME: ("frame", "frames"),
    ItemKind.CLIP: ("clip", "clips"),
}

REACH_WORDS = {
    InvalidationType.GLOBAL: "The whole film",
    InvalidationType.LOCAL_SCENE: "This scene",
    InvalidationType.CONTINUITY_BREAK: "Later scenes (continuity)",
}

# What an edit on a stage page actually did, by (stage, the page's name for the action); None: any stage.
WHAT_HAPPENED = {
    (2, "choose"): "a different treatment was chosen",
    (2, "edit"): "the treatment's prose was edited",
    (3, "save"): "the beats were edited",
    (4, "save"): "the script was edited",
    (5, "save"): "the assets were edited",
    (5, "style"): "a different visual style was chosen",
    (None, "restore"): "an earlier version was brought back",
}


def what_happened(stage_number: int, action: str) -> str | None:
    """The creator's words for a page's edit (e.g. "a different treatment was chosen"), or None."""
    return WHAT_HAPPENED.get((stage_number, action)) or WHAT_HAPPENED.get((None, action))


def how_many(counts: dict[str, int]) -> str:
    """{"stage_state": 2, "scene": 1} -> "2 stage versions, 1 scene"."""
    return ", ".join(f"{n} {KIND_WORDS[ItemKind(kind)][0 if n == 1 else 1]}" for kind, n in counts.items())


def change_for_stage_edit(stage_number: int, kind: ChangeKind | str, *, scene_id: UUID | None = None,
                          end_state: bool = False, reaches: Iterable[UUID] | None = None) -> Change:
    """The change a stage service is about to make: a global stage, or one scene's stage.

    Args:
        stage_number: 1-5 for a global stage; 7, 8, 9, 10 or 12 with `scene_id`.
        kind: "regenerate" or "edit" (by hand).
        scene_id: the scene whose work changes; None for a global stage.
        end_state: the change alters how the scene ends (its final frame, asset tags carried forward).
        reaches: with `end_state`, the later scenes that inherit what changed (None: every later scene).
    """
    if scene_id is None:
        if end_state:
            raise ValueError("an end-state change is a scene's; name the scene")
        return Change(stage_number, Global(), kind)
    if end_state:
        return Change(stage_number, SceneEndState(scene_id, None if reaches is None else frozenset(reaches)), kind)
    return Change(stage_number, Scene(scene_id), kind)


def has_downstream_work(preview: ChangePreview) -> bool:
    """Whether the change invalidates anything, so the page must show the preview before going on.

    Call apply_change either way (acknowledged=False when no dialog was shown): a change that
    invalidates nothing may still flag something upstream, such as a hand-edited script's beat sheet.
    """
    return bool(preview.impact.invalidated_ids)


def preview_change(db: Database, user_id: UUID, branch_id: UUID, change: Change, estimator: Estimator) -> ChangePreview:
    """What `change` would invalidate on the branch and the estimated cost to regenerate it; writes nothing.

    Raises:
        NotFound: the branch (or the change's scene) doesn't exist or isn't the user's.
    """
    with db.as_user(user_id) as conn:
        return build_preview(conn, branch_id, change, estimator)


def build_preview(conn: psycopg.Connection, branch_id: UUID, change: Change, estimator: Estimator) -> ChangePreview:
    """preview_change inside the caller's transaction."""
    change = _keyed(change)
    snapshot = load_snapshot(conn, branch_id, scene_id=_scene_of(change))
    impact = invalidate(snapshot.state, change)
    estimates = regeneration_estimates(snapshot, impact, estimator)
    return ChangePreview(branch_id, impact, estimates, estimator, snapshot)


def apply_change(conn: psycopg.Connection, branch_id: UUID, change: Change, triggering_stage_state_id: UUID | None,
                 preview: ChangePreview, acknowledged: bool) -> AppliedChange:
    """Apply `change`'s invalidation in the caller's transaction, as the preview showed it.

    Args:
        conn: the caller's connection, inside the transaction that also writes the new version.
        branch_id: the branch changed.
        change: the change; the same one the preview was made for.
        triggering_stage_state_id: the new stage version; None only for a scene's change.
        preview: what the creator was shown.
        acknowledged: whether the creator confirmed the preview's warning.
    Returns:
        The impact applied (empty when everything was already marked) and the log rows written.
    Raises:
        EditConflict: the branch now holds work the preview didn't list; nothing is written.
        NotFound: the branch or scene doesn't exist or isn't the user's.
    """
    change = _keyed(change)
    _require_same_change(preview, branch_id, change, triggering_stage_state_id)
    snapshot = load_snapshot(conn, branch_id, scene_id=_scene_of(change), lock=True)
    impact = invalidate(snapshot.state, change)
    _require_previewed(impact, preview)
    # priced at the preview's sizes: the same items cost what the creator was shown, fewer cost less
    estimates = regeneration_estimates(preview.snapshot, impact, preview.estimator)
    logs = tuple(
        _write(conn, branch_id, impact, kind, estimates[kind],
               {"triggering_stage_state_id": triggering_stage_state_id, "warning_acknowledged": acknowledged})
        for kind in impact.types
    )
    return AppliedChange(impact, logs)


def _keyed(change: Change) -> Change:
    """The change with its scene named the way a snapshot names it: by the id's text."""
    if isinstance(change.scope, Global):
        return change
    try:
        scene_id = str(UUID(str(change.scope.scene_id)))
        reaches = getattr(change.scope, "reaches", None)
        reaches = None if reaches is None else frozenset(str(UUID(str(s))) for s in reaches)
    except ValueError:
        raise NotFound("That scene isn't on this branch any more; reload the script hub.") from None
    if isinstance(change.scope, SceneEndState):
        return replace(change, scope=SceneEndState(scene_id, reaches))
    shots = change.scope.shots
    return replace(change, scope=Scene(scene_id, None if shots is None else frozenset(str(UUID(str(s))) for s in shots)))


def _scene_of(change: Change) -> ItemId | None:
    """The one scene whose shots, frames and clips a change can touch; None when it can touch them all."""
    return None if isinstance(change.scope, Global) else change.scope.scene_id


# --- writing an impact -----------------------------------------------------------------------

def reason_groups(items: Iterable[Affected]) -> list[dict]:
    """Items grouped by reason and mark: a count per kind, and the labels of stage versions and scenes."""
    groups: dict[tuple[str, str], dict] = {}
    for item in items:
        group = groups.setdefault((item.reason, item.mark.value),
                                  {"why": item.reason, "becomes": item.mark.value, "counts": Counter(), "items": []})
        group["counts"][item.kind.value] += 1
        if item.kind in (ItemKind.STAGE_STATE, ItemKind.SCENE):
            group["items"].append(item.label)
    return [{**group, "counts": dict(group["counts"])} for group in groups.values()]


def _require_same_change(preview: ChangePreview, branch_id: UUID, change: Change, trigger: UUID | None) -> None:
    if preview.branch_id != branch_id or preview.impact.change != change:
        raise ValueError("apply_change needs the preview of this very change on this branch")
    if trigger is None and isinstance(change.scope, Global):
        raise ValueError("a global stage's change is triggered by its new version; pass its id")


def _require_previewed(impact: Impact, preview: ChangePreview) -> None:
    """Everything about to change must have been shown; less is fine (another session got there first)."""
    shown = {(item.id, item.mark) for item in preview.impact.items}
    unseen = [item for item in impact.items if (item.id, item.mark) not in shown]
    if unseen:
        raise EditConflict(
            f"This branch changed since the preview: {len(unseen)} more item(s) would be affected "
            f"(first: {unseen[0].label}). Nothing was changed; review the new preview."
        )


def _write(conn: psycopg.Connection, branch_id: UUID, impact: Impact, kind: InvalidationType,
           estimate: Estimate, fields: dict) -> dict:
    """One invalidation type: its log row, then the statuses and flags of its items, a statement per group."""
    items = impact.of_type(kind)
    ids: dict[tuple[ItemKind, Mark], list[ItemId]] = defaultdict(list)
    for item in items:
        ids[item.kind, item.mark].append(item.id)
    stages = ItemKind.STAGE_STATE
    log = invalidation_rows.insert_log(conn, {
        **fields, **_change_columns(impact.change), "branch_id": branch_id, "invalidation_type": kind.value,
        "invalidated_stage_states": ids[stages, Mark.INVALIDATED], "flagged_stage_states": ids[stages, Mark.OUTDATED],
        "invalidated_scenes": list(dict.fromkeys(i.scene_id for i in items if i.scene_id is not None)),
        "reasons": reason_groups(items), "estimated_regen_cost": estimate.total,
        "estimated_shadow_cost": estimate.shadow_total,
    })
    for (item_kind, mark), group in ids.items():
        if item_kind is stages:
            invalidation_rows.set_stage_status(conn, branch_id, group, mark.value)
        elif item_kind is ItemKind.SCENE:
            invalidation_rows.set_scene_status(conn, branch_id, group, mark.value)
        else:
            invalidation_rows.flag_invalidated(conn, _FLAG_TABLES[item_kind], group, log["id"])
    return log


def _change_columns(change: Change) -> dict:
    scene_id = None if isinstance(change.scope, Global) else change.scope.scene_id
    return {"stage_number": change.stage_number, "change_kind": change.kind.value,
            "change_scope": _SCOPES[type(change.scope)], "scene_id": scene_id}
