"""Compare two branches stage by stage: which stages differ, a text diff of the treatment, beats and
script, the assets added, removed or changed, and the scenes and shots that differ.

Read "added" and "removed" as going from branch A to branch B: added is in B only. The comparison
itself is pure (`build_comparison` over plain rows); `compare` loads the rows in one transaction.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from core.errors import InputRejected, NotFound
from core.pipeline import STAGES, resolve, stage
from db import branches as branch_rows
from db.database import Database

ASSET_FIELDS = ("description", "image_key_url")
SCENE_FIELDS = ("version", "slug", "script_excerpt", "status", "end_state_summary")  # live scenes only
SHOT_FIELDS = (
    "action", "dialogue", "duration", "camera_spec", "setting", "characters", "frame_prompt", "video_prompt",
)


class StageChange(StrEnum):
    SAME = "same"
    CHANGED = "changed"
    ONLY_IN_A = "only_in_a"
    ONLY_IN_B = "only_in_b"
    IN_NEITHER = "in_neither"


class RowChange(StrEnum):
    ADDED = "added"  # in B only
    REMOVED = "removed"  # in A only
    CHANGED = "changed"


@dataclass(frozen=True)
class StageDiff:
    """One stage's latest versions on the two branches; `text_diff` is a unified diff (stages 2-4)."""

    stage_number: int
    title: str
    change: StageChange
    version_a: int | None
    version_b: int | None
    text_diff: str = ""

    @property
    def differs(self) -> bool:
        return self.change not in (StageChange.SAME, StageChange.IN_NEITHER)


@dataclass(frozen=True)
class RowDiff:
    """An asset, scene or shot that differs; `fields` names what changed, `a` and `b` the compared values."""

    key: tuple
    label: str
    change: RowChange
    fields: tuple[str, ...]
    a: dict | None
    b: dict | None


@dataclass(frozen=True)
class BranchComparison:
    branch_a: str
    branch_b: str
    stages: tuple[StageDiff, ...]
    assets: tuple[RowDiff, ...]
    scenes: tuple[RowDiff, ...]
    shots: tuple[RowDiff, ...]

    @property
    def differing_stages(self) -> tuple[int, ...]:
        return tuple(diff.stage_number for diff in self.stages if diff.differs)

    @property
    def differs(self) -> bool:
        return bool(self.differing_stages or self.assets or self.scenes or self.shots)

    def to_dict(self) -> dict:
        """Plain data for JSON."""
        return {**dataclasses.asdict(self), "differing_stages": list(self.differing_stages)}


def compare(db: Database, user_id: UUID, branch_a: UUID, branch_b: UUID) -> BranchComparison:
    """Compare two branches of one project.

    Raises NotFound when either branch isn't the user's, InputRejected for branches of two projects.
    """
    ids = [branch_a, branch_b]
    with db.as_user(user_id) as conn:
        found = {row["id"]: row for row in branch_rows.get_branches(conn, ids)}
        if set(ids) - set(found):
            raise NotFound("That branch doesn't exist or isn't yours.")
        if found[branch_a]["project_id"] != found[branch_b]["project_id"]:
            raise InputRejected({"branch_b": "compare two branches of the same project"})
        return build_comparison(
            found[branch_a], found[branch_b],
            stages=branch_rows.latest_stages(conn, ids), assets=branch_rows.assets(conn, ids),
            scenes=branch_rows.scenes(conn, ids), shots=branch_rows.shots(conn, ids),
        )


def build_comparison(
    branch_a: Mapping, branch_b: Mapping, *, stages: Iterable[Mapping], assets: Iterable[Mapping],
    scenes: Iterable[Mapping], shots: Iterable[Mapping],
) -> BranchComparison:
    """The comparison of two branches from rows that each carry a `branch_id`."""
    a, b = branch_a["id"], branch_b["id"]
    split = lambda rows, key: _split(rows, a, b, key)  # noqa: E731
    return BranchComparison(
        branch_a["name"], branch_b["name"],
        stages=_stage_diffs(*split(stages, lambda r: r["stage_number"]), branch_a["name"], branch_b["name"]),
        assets=diff_rows(*split(assets, lambda r: (r["asset_type"], r["name"])), ASSET_FIELDS, _asset_label),
        scenes=diff_rows(*split(scenes, lambda r: (r["scene_number"],)), SCENE_FIELDS, _scene_label),
        shots=diff_rows(*split(shots, lambda r: (r["scene_number"], r["shot_id"])), SHOT_FIELDS, _shot_label),
    )


def _split(rows: Iterable[Mapping], a: object, b: object, key: Callable[[Mapping], object]) -> tuple[dict, dict]:
    sides: dict[object, dict] = {a: {}, b: {}}
    for row in rows:
        if row["branch_id"] in sides:
            sides[row["branch_id"]][key(row)] = row
    return sides[a], sides[b]


def _stage_diffs(a: Mapping[int, Mapping], b: Mapping[int, Mapping], name_a: str, name_b: str) -> tuple[StageDiff, ...]:
    return tuple(
        _stage_diff(s.number, s.title, a.get(s.number), b.get(s.number), name_a, name_b) for s in STAGES
    )


def _stage_diff(number: int, title: str, a: Mapping | None, b: Mapping | None, name_a: str, name_b: str) -> StageDiff:
    if a is None or b is None:
        change = StageChange.IN_NEITHER if a is b else StageChange.ONLY_IN_B if a is None else StageChange.ONLY_IN_A
    else:
        change = StageChange.SAME if a["content"] == b["content"] else StageChange.CHANGED
    text_diff = ""
    if change is not StageChange.SAME and stage(number).text:
        text_a, text_b = (stage_text(number, row["content"]) if row else "" for row in (a, b))
        text_diff = unified_diff(text_a, text_b, f"{name_a}: {title}", f"{name_b}: {title}")
    version = lambda row: row["version"] if row else None  # noqa: E731
    return StageDiff(number, title, change, version(a), version(b), text_diff)


def stage_text(stage_number: int, content: Mapping | None) -> str:
    """The human text of a stage's content, by the reader its spec names; "" for a stage without one."""
    reader = stage(stage_number).text
    return resolve(reader)(content if isinstance(content, Mapping) else {}) if reader else ""


def unified_diff(text_a: str, text_b: str, label_a: str, label_b: str) -> str:
    """A unified diff of two texts line by line; "" when they are equal."""
    lines = difflib.unified_diff(text_a.splitlines(), text_b.splitlines(), label_a, label_b, lineterm="")
    return "\n".join(lines)


def diff_rows(
    a: Mapping[tuple, Mapping], b: Mapping[tuple, Mapping], fields: tuple[str, ...], label: Callable[[tuple], str]
) -> tuple[RowDiff, ...]:
    """Rows keyed alike on both sides: those only in B (added), only in A (removed), or with fields changed."""
    diffs = []
    for key in sorted(set(a) | set(b)):
        values_a, values_b = (_pick(side.get(key), fields) for side in (a, b))
        if values_a is None or values_b is None:
            change = RowChange.ADDED if values_a is None else RowChange.REMOVED
            diffs.append(RowDiff(key, label(key), change, (), values_a, values_b))
            continue
        changed = tuple(field for field in fields if values_a[field] != values_b[field])
        if changed:
            diffs.append(RowDiff(key, label(key), RowChange.CHANGED, changed, values_a, values_b))
    return tuple(diffs)


def _pick(row: Mapping | None, fields: tuple[str, ...]) -> dict | None:
    return None if row is None else {field: row.get(field) for field in fields}


def _asset_label(key: tuple) -> str:
    return f"{key[0]} {key[1]}"


def _scene_label(key: tuple) -> str:
    return f"Scene {key[0]}"


def _shot_label(key: tuple) -> str:
    return f"Scene {key[0]} · shot {key[1]}"
