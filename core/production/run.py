"""Phase B without the pages: every live scene of a branch taken through its per-scene stages up to N, each
generated and locked (the changed looks drawn on the way), with progress and cost per stage. The same services the
pages use; how `python -m core run --through 9` and `continue` work."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from uuid import UUID

from core.costs.ledger import dollars
from core.film.statuses import StageStatus
from core.pipeline import scene_stages
from core.production import edits as scene_edits
from core.production import generate as scene_generate
from core.production import instances
from core.production.context import SceneRef
from core.runtime.studio import Studio
from core.story.projects import ProjectRef
from db import projects as project_rows
from db import scene_versions as version_rows
from db import shots as shot_rows

Progress = Callable[[str], None]


def run_scenes(studio: Studio, user_id: UUID, ref: ProjectRef, through: int,
               progress: Progress = lambda _: None) -> list[dict]:
    """Generate and lock each scene's stages up to `through` (what is locked already is kept); per-stage lines."""
    lines = []
    for number in (s.number for s in scene_stages() if s.available and s.generates and s.number <= through):
        started = time.perf_counter()
        scenes = scene_edits.scene_list(studio, user_id, ref.branch_id)
        for scene in scenes:
            make_scene_stage(studio, user_id, SceneRef(ref.project_id, ref.branch_id, scene["id"]), number)
        line = _line(studio, user_id, ref, number, len(scenes), started)
        lines.append(line)
        progress(f"Stage {number} locked for {len(scenes)} scene(s) in {line['seconds']:.2f}s, "
                 f"{dollars(line['credits'])} in credits (shadow {dollars(line['shadow_credits'])})")
    return lines


def make_scene_stage(studio: Studio, user_id: UUID, ref: SceneRef, number: int) -> dict:
    """The scene's stage generated (unless its latest version is locked) and locked; changed looks drawn first."""
    view = scene_edits.scene_view(studio, user_id, ref, number)
    if view.locked:
        return view.latest
    row = view.latest if view.latest and view.latest["status"] == StageStatus.DRAFT else scene_generate.generate(
        studio, user_id, ref, number, seen_version=view.latest["version"] if view.latest else 0, acknowledged=True)
    if number == instances.STAGE:
        failed = [j for j in instances.queue_instance_images(studio, user_id, ref, inline=True)
                  if j["status"] == "failed"]
        if failed:
            raise RuntimeError(f"{len(failed)} scene asset image(s) failed: {failed[0]['error']}")
    return scene_edits.lock_scene_stage(studio, user_id, ref, number, row["version"])


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
