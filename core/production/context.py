"""What a per-scene stage reads about its scene, loaded from the database: `SceneRef` names the scene a page
or job works on, `load_context` builds the pure `SceneContext` (core.film.scene_context) the stage functions read.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import psycopg

from core.errors import NotFound
from core.film.config import ProjectConfig
from core.film.scene_context import CarriedTags, PreviousScene, SceneAsset, SceneContext
from core.film.screenplay import read_fountain
from core.film.shots import Line
from core.film.statuses import StageStatus
from core.film.video_models import VideoModel
from core.offline.names import same_person
from core.pipeline import owner_of
from db import assets as asset_rows
from db import frames as frame_rows
from db import instances as instance_rows
from db import scene_versions as version_rows
from db import scenes as scene_rows
from db import stages as stage_rows

STYLE_STAGE = owner_of("project_assets").number  # the stage whose version holds the visual style
GONE = "That scene isn't on this branch any more (the script was locked again); reload the script hub."


@dataclass(frozen=True)
class SceneRef:
    """One live scene of a project's branch, as pages and jobs name it."""

    project_id: UUID
    branch_id: UUID
    scene_id: UUID


@dataclass(frozen=True)
class ScriptScene:
    """A scene's own Fountain text read: its dialogue in order and its speakers, in order of first cue."""

    lines: tuple[Line, ...]
    speakers: tuple[str, ...]
    action: tuple[str, ...]


def read_scene(slug: str, excerpt: str) -> ScriptScene:
    """The scene's lines, speakers and action paragraphs, parsed from its heading and excerpt."""
    document = read_fountain(f".{slug}\n\n{excerpt}")
    lines = tuple(Line(speaker=d.character, text=d.text, parenthetical=d.parenthetical[:200])
                  for d in document.dialogue if d.text.strip())
    scene = document.scenes[0] if document.scenes else None
    return ScriptScene(lines, tuple(dict.fromkeys(line.speaker for line in lines)), scene.action if scene else ())


def live_scene(conn: psycopg.Connection, ref: SceneRef) -> dict:
    """The scene's live row, NotFound when it is gone (superseded, another branch's, not the user's)."""
    row = scene_rows.live_scene(conn, ref.branch_id, ref.scene_id)
    if row is None:
        raise NotFound(GONE)
    return row


def load_context(conn: psycopg.Connection, ref: SceneRef, video: VideoModel) -> SceneContext:
    """Everything a per-scene stage reads about the scene, as the user sees it now."""
    scene = live_scene(conn, ref)
    script = read_scene(scene["slug"], scene["script_excerpt"])
    assets = tuple(_scene_asset(row) for row in asset_rows.branch_assets(conn, ref.branch_id))
    scenes = scene_rows.branch_scenes(conn, ref.branch_id)
    before = [s for s in scenes if s["scene_number"] < scene["scene_number"]]
    return SceneContext(
        config=ProjectConfig.model_validate(stage_rows.latest(conn, ref.branch_id, 1)["content"]),
        scene_id=str(scene["id"]), number=scene["scene_number"], slug=scene["slug"],
        excerpt=scene["script_excerpt"], characters=_cast_names(script.speakers, assets, scene["scene_number"]),
        lines=script.lines, assets=assets,
        visual_style=(stage_rows.latest(conn, ref.branch_id, STYLE_STAGE) or {}).get("content", {}).get("visual_style"),
        video=video, previous=_previous(conn, before[-1]) if before else None,
        upstream=_locked_upstream(conn, ref.scene_id), scene_count=len(scenes),
        inherited=inherited_tags(conn, ref.branch_id, scene["scene_number"]), action=script.action,
    )


def inherited_tags(conn: psycopg.Connection, branch_id, number: int) -> tuple[CarriedTags, ...]:
    """Per asset, what the last earlier scene that showed it carries forward (tags carry over scenes it is
    absent from, until a scene showing it clears them)."""
    found: dict[str, CarriedTags] = {}
    seen: set[str] = set()
    for row in instance_rows.instances_before(conn, branch_id, number):  # latest scene first
        asset = str(row["project_asset_id"])
        if asset in seen:
            continue
        seen.add(asset)
        if row["carry_forward"] and row["status_tags"]:
            found[asset] = CarriedTags(asset, tuple(row["status_tags"]), str(row["scene_id"]), row["scene_number"])
    return tuple(found.values())


def _scene_asset(row: dict) -> SceneAsset:
    return SceneAsset(str(row["id"]), row["name"], row["asset_type"], row["description"], row["image_key_url"],
                      tuple(row["scene_numbers"] or ()))


def _cast_names(speakers: tuple[str, ...], assets: tuple[SceneAsset, ...], number: int) -> tuple[str, ...]:
    """The scene's characters: its speakers (as cued), then the cast Stage 5 places in it who never speak here."""
    silent = [a.name.upper() for a in assets if a.asset_type == "character" and number in a.scene_numbers
              and not any(same_person(a.name, cue) for cue in speakers)]
    return tuple(dict.fromkeys([*speakers, *silent]))


def _previous(conn: psycopg.Connection, scene: dict) -> PreviousScene:
    """How the scene before ends: its last lines, the tags its assets carry on, its last frame."""
    carried = tuple(CarriedTags(str(i["project_asset_id"]), tuple(i["status_tags"]), str(scene["id"]),
                                scene["scene_number"])
                    for i in instance_rows.scene_instances(conn, scene["id"]) if i["carry_forward"] and i["status_tags"])
    last = frame_rows.last_frame(conn, scene["id"])
    return PreviousScene(str(scene["id"]), scene["scene_number"], scene["slug"], end_state(scene), carried,
                         last["image_url"] if last else None)


def end_state(scene: dict) -> str:
    """The scene's end state in words: its summary, or its last two paragraphs as written."""
    if scene.get("end_state_summary"):
        return scene["end_state_summary"]
    paragraphs = [p.strip() for p in (scene["script_excerpt"] or "").split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs[-2:])


def _locked_upstream(conn: psycopg.Connection, scene_id: UUID) -> dict[int, dict]:
    """The scene's latest version of each per-scene stage, when it is locked: what later stages build on."""
    return {row["stage_number"]: row["content"] for row in version_rows.latest_per_stage(conn, scene_id)
            if row["status"] == StageStatus.LOCKED}
