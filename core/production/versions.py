"""Per-scene stage versions: the gate to a scene's stage, saving a new version, locking, and the scene's status.

As for the global stages, history is append-only: every generation or saved edit of a scene's shot list, visual
definition or prompts is version n+1 of that scene's stage; a version past draft never changes (the database
refuses). A save names the version the creator was looking at, so two sessions get a conflict, not an overwrite.
A new version leaves the later stages that follow it (the registry's `follows`) `outdated` in that scene: prompts
made from an older shot list are flagged, never silently kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from core.errors import EditConflict, NotFound, StageFrozen, StageNotReady
from core.film.statuses import SceneStatus, StageStatus
from core.pipeline import Scope, Stage, followers, resolve, stage
from core.production.context import SceneRef, live_scene
from core.story import versions as story_versions
from db import scene_versions as version_rows
from db import scenes as scene_rows

HUB = next(s for s in (stage(n) for n in range(1, 13)) if s.scope is Scope.SCENES)  # the script hub
SETTLED = (StageStatus.LOCKED, StageStatus.INVALIDATED)


@dataclass(frozen=True)
class SceneStageView:
    """One scene's stage: the scene, its latest version and its history (newest first)."""

    stage: Stage
    scene: dict
    latest: dict | None
    history: list[dict]

    @property
    def locked(self) -> bool:
        return bool(self.latest) and self.latest["status"] == StageStatus.LOCKED

    @property
    def outdated(self) -> bool:
        return bool(self.latest) and self.latest["status"] == StageStatus.OUTDATED


def view(conn: psycopg.Connection, ref: SceneRef, number: int) -> SceneStageView:
    scene = live_scene(conn, ref)
    history = version_rows.versions(conn, ref.scene_id, number)
    return SceneStageView(stage(number), scene, history[0] if history else None, history)


def require_open(conn: psycopg.Connection, ref: SceneRef, number: int) -> dict:
    """The live scene, once the global stages are locked, the scene is current and its earlier stage is locked;
    StageNotReady (naming what to finish) otherwise."""
    story_versions.require_upstream_locked(conn, ref.branch_id, HUB.number)
    scene = live_scene(conn, ref)
    if scene["status"] == SceneStatus.OUTDATED:
        raise StageNotReady(f"Scene {scene['scene_number']} is out of date: the story changed above it. Lock Stage "
                            f"{HUB.upstream[0]} again to bring the scenes up to date.", HUB.upstream[0])
    for needed in scene_upstream(number):
        latest = version_rows.latest(conn, ref.scene_id, needed)
        if latest is None or latest["status"] != StageStatus.LOCKED:
            raise StageNotReady(f"Lock the {stage(needed).title.lower()} of scene {scene['scene_number']} before "
                                f"opening its {stage(number).title.lower()}.", needed)
    return scene


def scene_upstream(number: int) -> list[int]:
    """The scene's stages that stage `number` builds on, directly or through others, earliest first."""
    found: list[int] = []
    waiting = [n for n in stage(number).upstream if stage(n).scope is Scope.SCENE]
    while waiting:
        current = waiting.pop()
        if current not in found:
            found.append(current)
            waiting += [n for n in stage(current).upstream if stage(n).scope is Scope.SCENE]
    return sorted(found)


def require_seen(conn: psycopg.Connection, ref: SceneRef, number: int, seen_version: int) -> dict | None:
    """The latest version, refused (EditConflict) unless it is the one the creator saw."""
    latest = version_rows.latest(conn, ref.scene_id, number)
    current = latest["version"] if latest else 0
    if current != seen_version:
        raise EditConflict(f"The {stage(number).title.lower()} of this scene changed in another session (now version "
                           f"{current}); reload to see it before saving.")
    return latest


def save_version(conn: psycopg.Connection, ref: SceneRef, number: int, content: dict, seen_version: int,
                 **fields: object) -> dict:
    """Write version seen_version+1 of the scene's stage and flag the stages that follow it outdated."""
    latest = require_seen(conn, ref, number, seen_version)
    fields.setdefault("inherited_from_id", latest["id"] if latest else None)
    try:
        with conn.transaction():  # a savepoint: a lost race leaves the caller's transaction usable
            row = version_rows.insert_version(conn, ref.branch_id, ref.scene_id, number,
                                              (latest["version"] if latest else 0) + 1, content, **fields)
    except psycopg.errors.UniqueViolation as exc:
        raise EditConflict("Another session saved this scene's stage a moment ago; reload.") from exc
    later = [s.number for s in followers(number)]
    if later:
        version_rows.flag_latest(conn, ref.scene_id, later, StageStatus.OUTDATED, unless=(StageStatus.INVALIDATED,
                                                                                          StageStatus.OUTDATED))
    return row


def lock(conn: psycopg.Connection, ref: SceneRef, number: int, version: int) -> dict:
    """Lock the scene stage's latest version (the one the creator saw), after the stage's own checks."""
    latest = version_rows.latest(conn, ref.scene_id, number)
    if latest is None:
        raise NotFound(f"This scene has no {stage(number).title.lower()} to lock yet.")
    if latest["version"] != version:
        raise EditConflict(f"There is a newer version ({latest['version']}); review it before locking.")
    if latest["status"] == StageStatus.LOCKED:
        return latest
    if latest["status"] != StageStatus.DRAFT:
        raise StageFrozen(f"Version {version} is {latest['status']}; regenerate it (or restore and save it) first.")
    spec = stage(number)
    if spec.lock_check:
        resolve(spec.lock_check)(conn, ref, latest["content"])
    version_rows.set_status(conn, latest["id"], StageStatus.LOCKED)
    locked = {**latest, "status": StageStatus.LOCKED}
    if spec.on_lock:
        resolve(spec.on_lock)(conn, ref, locked)
    refresh_status(conn, ref)
    return locked


def refresh_status(conn: psycopg.Connection, ref: SceneRef, *, continuity_checked: bool = False) -> str:
    """The scene's production status from its locked stages; `outdated` stays (the story changed above it), and
    `continuity_broken` stays until the creator has checked the scene's continuity again (a new Stage 8 version)."""
    scene = live_scene(conn, ref)
    held = scene["status"] == SceneStatus.OUTDATED or (scene["status"] == SceneStatus.CONTINUITY_BROKEN
                                                       and not continuity_checked)
    if held:
        return scene["status"]
    status = production_status({row["stage_number"]: row["status"]
                                for row in version_rows.latest_per_stage(conn, ref.scene_id)})
    scene_rows.set_status(conn, ref.scene_id, status)
    return status


# the status a scene reaches when each stage's latest version is locked, furthest first
REACHED = ((12, SceneStatus.VIDEO_COMPLETE), (10, SceneStatus.FRAMES_LOCKED), (7, SceneStatus.SHOT_LIST_READY))


def production_status(latest_status: dict[int, str]) -> SceneStatus:
    """How far a scene got, from the status of each stage's latest version."""
    return next((status for number, status in REACHED if latest_status.get(number) == StageStatus.LOCKED),
                SceneStatus.DRAFT)
