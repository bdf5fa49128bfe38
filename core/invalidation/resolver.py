"""Deterministic invalidation: what a change makes stale on a branch, and why. Pure: no I/O.

`invalidate(state, change)` maps a `BranchState` and a `Change` to an `Impact`:
  - a global stage (1-5) regenerated or edited: every later stage version `invalidated`, every
    scene `outdated`, every shot, frame and clip invalidated (type `global`);
  - Stage 4 edited by hand: Stage 3 also flagged `outdated` (out of sync, never invalidated);
  - a scene's shot list, asset instances or prompts (7-9): that scene's frames and clips; its
    frames (10): its clips (type `local_scene`); nothing else;
  - a scene's end state (`SceneEndState`): the same, plus every later scene that has work (and inherits what
    changed, when the change says which) flagged `continuity_broken` (type `continuity_break`); a scene not
    begun has nothing to break.
Items already carrying the mark, or a stronger one, are left out, so applying an impact and
asking again yields nothing new. Items come in pipeline order: stage versions by number, then
scene by scene (scene, shots, frames, clips).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from core.errors import NotFound
from core.film.branch_state import (
    BranchState,
    ItemId,
    SceneState,
    SceneStatus,
    StageStatus,
    StageVersion,
    apply_marks,
)
from core.pipeline import Item, global_stages, producer_of, scene_changeable_stages, stage

GLOBAL_STAGES = tuple(s.number for s in global_stages())
SCENE_STAGES = tuple(s.number for s in scene_changeable_stages())  # the hub and the confirmation make nothing
# the stage whose output each kind of item is
SCENE_STAGE, SHOT_STAGE, FRAME_STAGE, CLIP_STAGE = (producer_of(i).number for i in (Item.SCENE, Item.SHOT,
                                                                                    Item.FRAME, Item.CLIP))


class ChangeKind(StrEnum):
    REGENERATE = "regenerate"
    EDIT = "edit"  # a manual edit by the creator


class ItemKind(StrEnum):
    STAGE_STATE = "stage_state"
    SCENE = "scene"
    SHOT = "shot"
    FRAME = "frame"
    CLIP = "clip"


class Mark(StrEnum):
    """What a change writes on an item: a stage or scene status, or for shots, frames and clips a flag."""

    INVALIDATED = StageStatus.INVALIDATED.value
    OUTDATED = StageStatus.OUTDATED.value  # == SceneStatus.OUTDATED
    CONTINUITY_BROKEN = SceneStatus.CONTINUITY_BROKEN.value


class InvalidationType(StrEnum):
    GLOBAL = "global"
    LOCAL_SCENE = "local_scene"
    CONTINUITY_BREAK = "continuity_break"


@dataclass(frozen=True)
class Global:
    """The change is to a global stage: the whole film depends on it."""


@dataclass(frozen=True)
class Scene:
    """The change is to one scene's work; `shots`, when given, to those shots' work only (a frame made again)."""

    scene_id: ItemId
    shots: frozenset[ItemId] | None = None


@dataclass(frozen=True)
class SceneEndState:
    """The change is to one scene's work and alters how it ends (final frame, carried tags).

    `reaches`: the later scenes that inherit what changed (None: every later scene).
    """

    scene_id: ItemId
    reaches: frozenset[ItemId] | None = None


Scope = Global | Scene | SceneEndState


@dataclass(frozen=True)
class Change:
    """A regeneration or manual edit of one stage, globally or in one scene."""

    stage_number: int
    scope: Scope = Global()
    kind: ChangeKind = ChangeKind.REGENERATE

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ChangeKind(self.kind))
        allowed = GLOBAL_STAGES if isinstance(self.scope, Global) else SCENE_STAGES
        if self.stage_number not in allowed:
            raise ValueError(f"a {type(self.scope).__name__} change is to stage {list(allowed)}, "
                             f"not {self.stage_number}")

    @property
    def verb(self) -> str:
        """How the stage changed, as a reason says it."""
        return "was edited by hand" if self.kind is ChangeKind.EDIT else "was regenerated"


class Affected(NamedTuple):
    """One item a change touches: what it becomes, which kind of invalidation, and why.

    A named tuple, not a dataclass: a whole-film change makes thousands, and tuples are built in C.
    """

    kind: ItemKind
    id: ItemId
    label: str
    mark: Mark
    invalidation_type: InvalidationType
    reason: str
    stage_number: int  # the stage whose output this item is
    scene_id: ItemId | None = None

    @property
    def is_flag(self) -> bool:
        """True for an upstream stage flagged out of sync: a warning, not an invalidation."""
        return self.kind is ItemKind.STAGE_STATE and self.mark is Mark.OUTDATED


@dataclass(frozen=True)
class Impact:
    """Everything one change touches, in pipeline order."""

    change: Change
    items: tuple[Affected, ...] = ()

    def __len__(self) -> int:
        return len(self.items)

    def ids(self, kind: ItemKind | None = None) -> tuple[ItemId, ...]:
        """Ids of the affected items, of one kind or all, in order."""
        return tuple(item.id for item in self.items if kind is None or item.kind is kind)

    @property
    def invalidated_ids(self) -> frozenset[ItemId]:
        """Ids of every item made stale, leaving out upstream out-of-sync flags."""
        return frozenset(item.id for item in self.items if not item.is_flag)

    @property
    def types(self) -> tuple[InvalidationType, ...]:
        """The invalidation types present, one `invalidation_logs` row each."""
        present = {item.invalidation_type for item in self.items}
        return tuple(kind for kind in InvalidationType if kind in present)

    def of_type(self, invalidation_type: InvalidationType) -> tuple[Affected, ...]:
        """The items of one invalidation type."""
        return tuple(item for item in self.items if item.invalidation_type is invalidation_type)

    @property
    def reasons(self) -> tuple[str, ...]:
        """The distinct reasons, in order."""
        return tuple(dict.fromkeys(item.reason for item in self.items))


def invalidate(state: BranchState, change: Change) -> Impact:
    """Everything `change` invalidates or flags on the branch in `state`, each with its reason.

    Args:
        state: the branch's current work.
        change: the stage, scope and kind of the change about to be made.
    Returns:
        The impact; empty when nothing downstream exists or all of it is already marked.
    Raises:
        NotFound: the change names a scene that is not on this branch.
    """
    if isinstance(change.scope, Global):
        return Impact(change, (*_upstream_flags(state, change), *_global_items(state, change)))
    scene = state.scene(change.scope.scene_id)
    if scene is None:
        raise NotFound("That scene isn't on this branch any more; reload the script hub.")
    items = _local_items(scene, change)
    if isinstance(change.scope, SceneEndState):
        items += _continuity_items(state, scene, change)
    return Impact(change, items)


def apply(state: BranchState, impact: Impact) -> BranchState:
    """The branch state after the impact's marks are applied."""
    return apply_marks(state, {item.id: item.mark.value for item in impact.items})


def summarize(impact: Impact) -> dict[ItemKind, int]:
    """How many items of each kind the impact touches, every kind listed, for the preview."""
    counts = Counter(item.kind for item in impact.items)
    return {kind: counts[kind] for kind in ItemKind}


def preview_rows(impact: Impact) -> list[dict[str, str]]:
    """The impact as table rows: what, becomes, type, why."""
    return [
        {"what": item.label, "kind": item.kind.value, "becomes": item.mark.value,
         "type": item.invalidation_type.value, "why": item.reason}
        for item in impact.items
    ]


def _stage_cause(change: Change) -> str:
    return f"Stage {change.stage_number} {stage(change.stage_number).title} {change.verb}"


def _scene_cause(scene: SceneState, change: Change) -> str:
    number = change.stage_number
    return f"Stage {number} {stage(number).title} of scene {scene.number} {change.verb}"


def _upstream_flags(state: BranchState, change: Change) -> tuple[Affected, ...]:
    """A hand edit of a stage that others feed (the script) leaves them out of sync: flag, never invalidate."""
    flagged = stage(change.stage_number).edit_marks_outdated
    if not flagged or change.kind is not ChangeKind.EDIT:
        return ()
    return tuple(
        _stage_item(version, Mark.OUTDATED,
                    f"{_stage_cause(change)}; the {stage(version.stage_number).title.lower()} no longer matches it")
        for version in state.stages
        if version.stage_number in flagged and version.status in (StageStatus.DRAFT, StageStatus.LOCKED)
    )


def _global_items(state: BranchState, change: Change) -> tuple[Affected, ...]:
    reason = _stage_cause(change)
    later = tuple(
        _stage_item(version, Mark.INVALIDATED, reason)
        for version in state.stages
        if version.stage_number > change.stage_number and version.status is not StageStatus.INVALIDATED
    )
    return later + tuple(item for scene in state.scenes for item in _whole_scene(scene, reason))


def _stage_item(version: StageVersion, mark: Mark, reason: str) -> Affected:
    label = f"{stage(version.stage_number).label} v{version.version}"
    return Affected(ItemKind.STAGE_STATE, version.id, label, mark, InvalidationType.GLOBAL, reason,
                    version.stage_number)


def _whole_scene(scene: SceneState, reason: str) -> tuple[Affected, ...]:
    """A scene under a global change: the scene outdated, all its shots, frames and clips invalidated."""
    head = ()
    if scene.status is not SceneStatus.OUTDATED:
        head = (Affected(ItemKind.SCENE, scene.id, f"Scene {scene.number}", Mark.OUTDATED,
                         InvalidationType.GLOBAL, reason, SCENE_STAGE, scene.id),)
    shots = tuple(
        Affected(ItemKind.SHOT, shot.id, f"Shot {shot.label}", Mark.INVALIDATED, InvalidationType.GLOBAL,
                 reason, SHOT_STAGE, scene.id)
        for shot in scene.shots if not shot.invalidated
    )
    how = InvalidationType.GLOBAL
    return head + shots + _frames(scene, reason, how) + _clips(scene, reason, how)


def _frames(scene: SceneState, reason: str, how: InvalidationType) -> tuple[Affected, ...]:
    return tuple(
        Affected(ItemKind.FRAME, frame.id, f"Frame {scene.shot_label(frame.shot_id)} {frame.frame_type}",
                 Mark.INVALIDATED, how, reason, FRAME_STAGE, scene.id)
        for frame in scene.frames if not frame.invalidated
    )


def _clips(scene: SceneState, reason: str, how: InvalidationType) -> tuple[Affected, ...]:
    return tuple(
        Affected(ItemKind.CLIP, clip.id, f"Clip {scene.shot_label(clip.shot_id)}", Mark.INVALIDATED,
                 how, reason, CLIP_STAGE, scene.id)
        for clip in scene.clips if not clip.invalidated
    )


def _local_items(scene: SceneState, change: Change) -> tuple[Affected, ...]:
    """A scene's own frames and clips made after the changed stage (of the changed shots, when it names them)."""
    reason = _scene_cause(scene, change)
    frames = _frames(scene, reason, InvalidationType.LOCAL_SCENE) if change.stage_number < FRAME_STAGE else ()
    clips = _clips(scene, reason, InvalidationType.LOCAL_SCENE) if change.stage_number < CLIP_STAGE else ()
    shots = getattr(change.scope, "shots", None)
    if shots is None:
        return frames + clips
    owner = {**{f.id: f.shot_id for f in scene.frames}, **{c.id: c.shot_id for c in scene.clips}}
    return tuple(item for item in frames + clips if owner[item.id] in shots)


def _continuity_items(state: BranchState, changed: SceneState, change: Change) -> tuple[Affected, ...]:
    """Later scenes with work were made from the old end state: flag them, never a scene not begun."""
    reason = f"The end state of scene {changed.number} changed: {_scene_cause(changed, change)}"
    settled = (SceneStatus.OUTDATED, SceneStatus.CONTINUITY_BROKEN)  # outdated is the stronger mark
    return tuple(
        Affected(ItemKind.SCENE, scene.id, f"Scene {scene.number}", Mark.CONTINUITY_BROKEN,
                 InvalidationType.CONTINUITY_BREAK, reason, SCENE_STAGE, scene.id)
        for scene in state.scenes
        if scene.number > changed.number and scene.has_work and scene.status not in settled
        and (change.scope.reaches is None or scene.id in change.scope.reaches)
    )
