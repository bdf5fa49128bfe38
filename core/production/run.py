"""Phase B without the pages: every live scene of a branch taken through its per-scene stages up to N by each
stage's headless step (the registry's `headless`): shot lists, looks (changed looks drawn), prompts generated and
locked; frames drawn, approved and locked; the clips confirmed at their quoted price and rendered; the clips approved;
then the film assembled. The same services the pages use; how `python -m core run --through 12` works."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from core.costs.ledger import dollars
from core.film.statuses import ClipStatus, StageStatus
from core.pipeline import resolve, scene_stages
from core.production import clips as scene_clips
from core.production import edits as scene_edits
from core.production import frames as scene_frames
from core.production import generate as scene_generate
from core.production import instances
from core.production.context import SceneRef
from core.runtime.jobs import JobStatus
from core.runtime.studio import Studio
from core.story.projects import ProjectRef
from db import projects as project_rows
from db import scene_versions as version_rows
from db import shots as shot_rows

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RunOptions:
    animatic: bool = False  # render the clips as the free offline animatic, whatever the video model


def run_scenes(studio: Studio, user_id: UUID, ref: ProjectRef, through: int,
               progress: Progress = lambda _: None, options: RunOptions = RunOptions()) -> list[dict]:
    """Each per-scene stage up to `through`, scene by scene in film order (what is locked already is kept)."""
    lines = []
    for spec in (s for s in scene_stages() if s.available and s.headless and s.number <= through):
        started = time.perf_counter()
        scenes = scene_edits.scene_list(studio, user_id, ref.branch_id)
        for scene in scenes:
            resolve(spec.headless)(studio, user_id, SceneRef(ref.project_id, ref.branch_id, scene["id"]), spec.number,
                                   options)
        line = _line(studio, user_id, ref, spec.number, len(scenes), started)
        lines.append(line)
        progress(f"Stage {spec.label} done for {len(scenes)} scene(s) in {line['seconds']:.2f}s, "
                 f"{dollars(line['credits'])} in credits (shadow {dollars(line['shadow_credits'])})")
    return lines


def generate_and_lock(studio: Studio, user_id: UUID, ref: SceneRef, number: int, options: RunOptions) -> dict:
    """The scene's stage generated (unless its latest version is locked, or a draft to lock) and locked; the
    changed looks of a visual definition drawn first."""
    view = scene_edits.scene_view(studio, user_id, ref, number)
    if view.locked:
        return view.latest
    row = view.latest if view.latest and view.latest["status"] == StageStatus.DRAFT else scene_generate.generate(
        studio, user_id, ref, number, seen_version=view.latest["version"] if view.latest else 0, acknowledged=True)
    if number == instances.STAGE:
        _all_succeeded(instances.queue_instance_images(studio, user_id, ref, inline=True), "scene asset image")
    return scene_edits.lock_scene_stage(studio, user_id, ref, number, row["version"])


def draw_approve_and_lock_frames(studio: Studio, user_id: UUID, ref: SceneRef, number: int, options: RunOptions) -> dict:
    """Every missing frame drawn here in film order, each approved, the frames locked."""
    if scene_edits.scene_view(studio, user_id, ref, number).locked:
        return {}
    _all_succeeded(scene_frames.queue_frames(studio, user_id, ref, inline=True), "frame")
    for slot in scene_frames.frame_board(studio, user_id, ref):
        if slot.frame is not None and not slot.frame["approved"]:
            scene_frames.approve(studio, user_id, ref, slot.frame["id"])
    return scene_frames.lock_frames(studio, user_id, ref)


def confirm_and_render(studio: Studio, user_id: UUID, ref: SceneRef, number: int, options: RunOptions) -> list[dict]:
    """The scene's clips quoted and confirmed at that price (the animatic when asked, or offline), rendered here."""
    quote = scene_clips.quote(studio, user_id, ref, offline=options.animatic)
    if not quote.lines:
        return []
    done = scene_clips.confirm_render(studio, user_id, ref, quote.key, offline=options.animatic, inline=True)
    _all_succeeded(done, "clip")
    return done


def approve_clips(studio: Studio, user_id: UUID, ref: SceneRef, number: int, options: RunOptions) -> None:
    """Each shot's rendered clip approved: the scene is finished."""
    for row in scene_clips.clip_board(studio, user_id, ref):
        clip = row["clip"]
        if clip and clip["status"] == ClipStatus.COMPLETE and not clip["approved"]:
            scene_clips.approve_clip(studio, user_id, ref, clip["id"])


def _all_succeeded(jobs: list[dict], what: str) -> None:
    failed = [j for j in jobs if j.get("status") == JobStatus.FAILED]
    if failed:
        raise RuntimeError(f"{len(failed)} {what}(s) failed: {failed[0].get('error')}")


def _line(studio: Studio, user_id: UUID, ref: ProjectRef, number: int, scenes: int, started: float) -> dict:
    with studio.db.as_user(user_id) as conn:
        spent = project_rows.stage_spend(conn, ref.branch_id, number)
    return {"stage": number, "scenes": scenes, "seconds": round(time.perf_counter() - started, 3),
            "credits": str(spent["credits"]), "shadow_credits": str(spent["shadow_credits"])}


def production_summary(studio: Studio, user_id: UUID, ref: ProjectRef) -> dict:
    """The branch's scenes with their shots and runtime, the film's runtime and the project's spend."""
    with studio.db.as_user(user_id) as conn:
        shots = shot_rows.branch_shots(conn, ref.branch_id)
        versions = {str(v["scene_id"]): v["status"] for v in version_rows.latest_in_branch(conn, ref.branch_id, 7)}
        spend = project_rows.project_spend(conn, ref.project_id)
    scenes: dict[int, dict] = {}
    for shot in shots:
        scene = scenes.setdefault(shot["scene_number"], {"number": shot["scene_number"], "shots": [], "runtime": 0,
                                                         "shot_list": versions.get(str(shot["scene_id"]))})
        scene["shots"].append({"shot_id": shot["shot_id"], "duration": shot["duration"],
                               "camera": shot["camera_spec"], "action": shot["action"],
                               "dialogue": shot["dialogue"] or "", "frame_prompt": shot["frame_prompt"],
                               "video_prompt": shot["video_prompt"], "requires_end_frame": shot["requires_end_frame"]})
        scene["runtime"] += shot["duration"]
    return {"scenes": list(scenes.values()), "shot_count": len(shots),
            "total_runtime": sum(s["runtime"] for s in scenes.values()),
            "spend": str(spend["credits"]), "shadow_spend": str(spend["shadow_credits"] or Decimal(0))}
