"""An immutable snapshot of one branch's work, built from plain data: what invalidation reads.

No database and no I/O here. `db` rows become a `BranchState`; `core.invalidation.resolver` maps a change
to what it invalidates; `apply_marks` gives the state after those marks. Collections are tuples,
sorted on construction (stages by number, scenes by number, shots by order), so two snapshots
of the same work are equal whatever order the rows arrived in.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from core.film.statuses import SceneStatus, StageStatus  # also imported from here

ItemId = Hashable  # a UUID from the database; any hashable id in tests

_FRAME_ORDER = {"start": 0, "end": 1}


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)  # normalising a frozen dataclass in __post_init__


@dataclass(frozen=True)
class StageVersion:
    """The latest version of one stage on the branch."""

    id: ItemId
    stage_number: int
    version: int
    status: StageStatus = StageStatus.DRAFT

    def __post_init__(self) -> None:
        _set(self, "status", StageStatus(self.status))


@dataclass(frozen=True)
class Shot:
    """A shot of a scene; `label` is the shot list's id such as `3A`."""

    id: ItemId
    label: str
    order: int = 0
    invalidated: bool = False


@dataclass(frozen=True)
class Frame:
    """A start or end anchor frame of a shot."""

    id: ItemId
    shot_id: ItemId
    frame_type: str = "start"
    invalidated: bool = False

    def __post_init__(self) -> None:
        if self.frame_type not in _FRAME_ORDER:
            raise ValueError(f"a frame is 'start' or 'end', not {self.frame_type!r}")


@dataclass(frozen=True)
class Clip:
    """A rendered video clip of a shot."""

    id: ItemId
    shot_id: ItemId
    invalidated: bool = False


@dataclass(frozen=True)
class SceneState:
    """One scene's production state; `work_stages` are the stages 7-12 with saved work."""

    id: ItemId
    number: int
    status: SceneStatus = SceneStatus.DRAFT
    shots: tuple[Shot, ...] = ()
    frames: tuple[Frame, ...] = ()
    clips: tuple[Clip, ...] = ()
    work_stages: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        _set(self, "status", SceneStatus(self.status))
        _set(self, "work_stages", frozenset(self.work_stages))
        shots = tuple(sorted(self.shots, key=lambda shot: (shot.order, shot.label, str(shot.id))))
        _set(self, "shots", shots)
        rank = {shot.id: index for index, shot in enumerate(shots)}
        self._check_shots_known(rank)
        frame_key = lambda f: (rank[f.shot_id], _FRAME_ORDER[f.frame_type], str(f.id))  # noqa: E731
        _set(self, "frames", tuple(sorted(self.frames, key=frame_key)))
        _set(self, "clips", tuple(sorted(self.clips, key=lambda c: (rank[c.shot_id], str(c.id)))))

    def _check_shots_known(self, rank: Mapping[ItemId, int]) -> None:
        for item in (*self.frames, *self.clips):
            if item.shot_id not in rank:
                raise ValueError(f"scene {self.number}: {item.id} belongs to a shot not in this scene")

    @property
    def has_work(self) -> bool:
        """True once anything was made for this scene past the script hub."""
        return bool(self.work_stages or self.shots or self.frames or self.clips)

    def shot_label(self, shot_id: ItemId) -> str:
        """The shot list label (`3A`) of one of this scene's shots."""
        return self._labels[shot_id]

    @cached_property
    def _labels(self) -> dict[ItemId, str]:
        return {shot.id: shot.label for shot in self.shots}


@dataclass(frozen=True)
class BranchState:
    """Everything on one branch that a change can invalidate."""

    stages: tuple[StageVersion, ...] = ()
    scenes: tuple[SceneState, ...] = ()

    def __post_init__(self) -> None:
        _set(self, "stages", tuple(sorted(self.stages, key=lambda s: s.stage_number)))
        _set(self, "scenes", tuple(sorted(self.scenes, key=lambda s: s.number)))
        _require_unique("stage number", [s.stage_number for s in self.stages])
        _require_unique("scene number", [s.number for s in self.scenes])

    def scene(self, scene_id: ItemId) -> SceneState | None:
        """The scene with this id, or None."""
        return next((scene for scene in self.scenes if scene.id == scene_id), None)


def _require_unique(what: str, values: list[int]) -> None:
    if len(values) != len(set(values)):
        raise ValueError(f"a branch state has one entry per {what}; got {sorted(values)}")


def apply_marks(state: BranchState, marks: Mapping[ItemId, str]) -> BranchState:
    """The state with each id set to its mark: a status for stages and scenes, a flag otherwise."""
    stages = tuple(_mark_stage(stage, marks) for stage in state.stages)
    return BranchState(stages, tuple(_mark_scene(scene, marks) for scene in state.scenes))


def _mark_stage(stage: StageVersion, marks: Mapping[ItemId, str]) -> StageVersion:
    return replace(stage, status=marks[stage.id]) if stage.id in marks else stage


def _mark_scene(scene: SceneState, marks: Mapping[ItemId, str]) -> SceneState:
    return replace(
        scene,
        status=marks.get(scene.id, scene.status),
        shots=_flag(scene.shots, marks),
        frames=_flag(scene.frames, marks),
        clips=_flag(scene.clips, marks),
    )


def _flag(items: Iterable[Shot | Frame | Clip], marks: Mapping[ItemId, str]) -> tuple:
    return tuple(replace(item, invalidated=True) if item.id in marks else item for item in items)

