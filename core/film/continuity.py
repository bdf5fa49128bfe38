"""Continuity of status tags: what each asset looks like in each scene, carried forward in film order.

    carry_forward(scenes, start)    each scene's tags per asset: inherited - cleared + added
    handed_on(scenes, start)        what each scene hands the next (nothing from an asset that stops carrying)
    inherited_from(scenes, start)   for each inherited tag, the scene its chain of carries began in
    scene_changes(number, instances)  a Stage 8 result (the reader's or a model's) as SceneTagChanges

An asset a scene doesn't mention keeps its tags through that scene: mud doesn't wash off off-screen.
The vocabulary lives in `status_tags` and is re-exported here. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from core.errors import InputRejected
from core.film.status_tags import (
    VOCABULARY,
    StatusTag,
    applies_to,
    describe_tag,
    normalize_tag,
    replaced_by,
    tags_cleared_by,
    tags_for,
)

__all__ = [
    "VOCABULARY",
    "SceneTagChanges",
    "StatusTag",
    "TagChange",
    "applies_to",
    "carry_forward",
    "describe_tag",
    "handed_on",
    "inherited_from",
    "normalize_tag",
    "replaced_by",
    "scene_changes",
    "tags_cleared_by",
    "tags_for",
]

Tags = frozenset[str]
_NOTHING: Mapping = MappingProxyType({})


@dataclass(frozen=True)
class TagChange:
    """What one scene does to one asset's tags. Clears apply before adds."""

    added: Tags = frozenset()
    cleared: Tags = frozenset()  # specific tags the scene ends
    clear_all: bool = False  # the scene ends every inherited tag
    carry_forward: bool = True  # False: this scene's tags stop here; the next scene inherits nothing

    def __post_init__(self) -> None:
        object.__setattr__(self, "added", frozenset(self.added))
        object.__setattr__(self, "cleared", frozenset(self.cleared))

    def kept(self, inherited: Tags) -> Tags:
        """The inherited tags that survive this scene's clears."""
        return frozenset() if self.clear_all else inherited - self.cleared

    def apply(self, inherited: Tags) -> Tags:
        """The asset's tags in this scene, given what it walked in with."""
        return self.kept(inherited) | self.added


_UNCHANGED = TagChange()


@dataclass(frozen=True)
class SceneTagChanges:
    """One scene's tag changes, by asset key (an asset id, or a name offline)."""

    scene_number: int
    changes: Mapping[str, TagChange] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "changes", MappingProxyType(dict(self.changes)))

    def of(self, asset: str) -> TagChange:
        return self.changes.get(asset, _UNCHANGED)


@dataclass(frozen=True)
class _Step:
    """One scene in the fold: the tags in it, what it hands on, and where each of its tags began."""

    tags: dict[str, Tags]
    carried: dict[str, Tags]
    since: dict[str, dict[str, int]]  # asset -> tag -> the scene number its chain began in
    inherited: dict[str, Tags]  # the tags of each asset that came in from before and stayed


def carry_forward(scenes: Sequence[SceneTagChanges],
                  start: Mapping[str, Tags] = _NOTHING) -> list[dict[str, Tags]]:
    """Each scene's status tags per asset, in film order.

    Args:
        scenes: the scenes' changes, in film order.
        start: tags the assets walk into the first scene with (carried out of an earlier scene).

    Returns:
        one dict per scene: asset -> its tags there (assets with no tags are left out).
    """
    return [step.tags for step in _fold(scenes, start)]


def handed_on(scenes: Sequence[SceneTagChanges], start: Mapping[str, Tags] = _NOTHING) -> list[dict[str, Tags]]:
    """What each scene hands the next: its tags, less those of assets whose carry_forward is False."""
    return [step.carried for step in _fold(scenes, start)]


def inherited_from(scenes: Sequence[SceneTagChanges], start: Mapping[str, Tags] = _NOTHING,
                   since: Mapping[str, Mapping[str, int]] = _NOTHING) -> list[dict[str, dict[str, int]]]:
    """For each scene, asset and inherited tag, the number of the scene the chain of carries began in
    ('muddy since scene 2'). Tags a scene adds itself are not inherited and not listed.

    Args:
        scenes: the scenes' changes, in film order.
        start: tags the assets walk into the first scene with.
        since: where each start tag began (asset -> tag -> scene number); by default the scene before the first.
    """
    return [{asset: {tag: step.since[asset][tag] for tag in sorted(tags)}
             for asset, tags in step.inherited.items() if tags} for step in _fold(scenes, start, since)]


def _fold(scenes: Sequence[SceneTagChanges], start: Mapping[str, Tags],
          since: Mapping[str, Mapping[str, int]] = _NOTHING) -> Iterator[_Step]:
    carried = {asset: frozenset(tags) for asset, tags in start.items() if tags}
    before = scenes[0].scene_number - 1 if scenes else 0
    origins = {asset: {tag: since.get(asset, {}).get(tag, before) for tag in tags} for asset, tags in carried.items()}
    for scene in scenes:
        step = _scene_step(scene, carried, origins)
        yield step
        carried, origins = step.carried, {asset: step.since[asset] for asset in step.carried}


def _scene_step(scene: SceneTagChanges, carried: dict[str, Tags], origins: dict[str, dict[str, int]]) -> _Step:
    tags, handed, since, inherited = {}, {}, {}, {}
    for asset in sorted(set(carried) | set(scene.changes)):
        change = scene.of(asset)
        kept, now = change.kept(carried.get(asset, frozenset())), change.apply(carried.get(asset, frozenset()))
        inherited[asset] = kept  # re-adding a tag it already carries doesn't break the chain
        since[asset] = {tag: origins[asset][tag] if tag in kept else scene.scene_number for tag in now}
        if now:
            tags[asset] = now
            if change.carry_forward:
                handed[asset] = now
    return _Step(tags, handed, since, inherited)


def scene_changes(scene_number: int, instances: Sequence[Mapping], key: str = "asset") -> SceneTagChanges:
    """A Stage 8 result as SceneTagChanges: each instance's tags normalized, keyed by `instance[key]`.

    Raises:
        InputRejected: an instance without its asset, or a tag that can't be a tag.
    """
    changes = {}
    for number, instance in enumerate(instances, start=1):
        asset = str(instance.get(key) or "").strip()
        if not asset:
            raise InputRejected({"instances": f"instance {number} doesn't say which asset it is"})
        changes[asset] = TagChange(
            added=frozenset(normalize_tag(tag) for tag in instance.get("tags_added") or ()),
            cleared=frozenset(normalize_tag(tag) for tag in instance.get("tags_cleared") or ()),
            clear_all=bool(instance.get("clear_all", False)),
            carry_forward=bool(instance.get("carry_forward", True)))
    return SceneTagChanges(scene_number, changes)
