"""Stage 7 by hand and its rows: a scene's shot list edited in the table (change, add, delete, reorder, split,
merge), the live `shots` rows kept in step with each version, the check before a lock, and the runtimes a creator
weighs against the target length."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import psycopg

from core.errors import InputRejected, StageIncomplete
from core.film.scene_context import SceneContext
from core.film.shot_edits import SceneLines, apply_shot_edits
from core.film.shots import Line, Shot, ShotList, coverage_problems, dialogue_text
from core.invalidation.changes import ChangePreview, build_preview
from core.pipeline import Item, producer_of
from core.production import versions
from core.production.changes import apply_scene_change, scene_change
from core.production.context import SceneRef, load_context
from core.production.edits import change_preview
from core.runtime.studio import Studio
from core.runtime.work import work
from db import scene_versions as version_rows
from db import scenes as scene_rows
from db import shots as shot_rows
from stages.shots import ShotListInputs, shot_list_version

STAGE = producer_of(Item.SHOT).number


def scene_lines(context: SceneContext) -> SceneLines:
    """What the scene's shot list must cover."""
    return SceneLines(context.number, context.lines, context.characters, context.video.durations)


def shots_of(content: dict | None) -> list[Shot]:
    return ShotList.model_validate(content).shots if content and content.get("shots") else []


def sync_shots(conn: psycopg.Connection, ref: SceneRef, row: dict) -> None:
    """A new shot-list version's shots become the scene's live shots (the ones before are superseded, kept)."""
    shot_rows.write_shot_list(conn, ref.scene_id, [_row(shot) for shot in shots_of(row["content"])])


def _row(shot: Shot) -> dict:
    return {"shot_id": shot.shot_id, "shot_order": shot.order, "duration": shot.duration,
            "dialogue": dialogue_text(shot.dialogue) or None, "action": shot.action,
            "characters": [c.model_dump(mode="json") for c in shot.characters], "setting": shot.setting,
            "camera_spec": shot.camera.text, "continuity_flags": list(shot.continuity_flags), "props": list(shot.props),
            "manually_edited": shot.manually_edited}


def require_coverage(conn: psycopg.Connection, ref: SceneRef, content: dict) -> None:
    """A shot list locks when it covers every line once, in order, with the scene's characters and lengths the
    video model takes."""
    covers = content.get("coverage") or {}
    problems = coverage_problems(shots_of(content), [Line.model_validate(line) for line in covers.get("lines", [])],
                                 covers.get("characters", []), tuple(covers.get("durations", ())) or None)
    if problems:
        raise StageIncomplete(f"The shot list can't be locked yet: {'; '.join(problems)}.")


def edit_preview(studio: Studio, user_id: UUID, ref: SceneRef) -> ChangePreview:
    """What saving an edited shot list would invalidate (this scene's frames and clips), and what redoing costs."""
    return change_preview(studio, user_id, ref, STAGE)


def save_shot_edits(studio: Studio, user_id: UUID, ref: SceneRef, seen_version: int, rows: list[dict], *,
                    preview: ChangePreview | None = None, acknowledged: bool = False) -> dict:
    """The edited table as a new shot-list version; InputRejected (nothing written) names what is wrong."""
    with work(studio, user_id) as conn:
        versions.require_open(conn, ref, STAGE)
        latest = version_rows.latest(conn, ref.scene_id, STAGE)
        context = load_context(conn, ref, studio.engines.video_model)
        try:
            shots = apply_shot_edits(scene_lines(context), shots_of(latest["content"] if latest else None), rows)
        except ValueError as exc:
            raise InputRejected({"shots": str(exc)}) from None
        content = shot_list_content(shots, context)
        row = versions.save_version(conn, ref, STAGE, content, seen_version, overrides={"edited": True},
                                    **_kept_provenance(latest))
        preview = preview or build_preview(conn, ref.branch_id, scene_change(conn, ref, STAGE, "edit"),
                                           studio.engines.estimator)
        apply_scene_change(conn, ref, STAGE, preview, acknowledged, row)
        sync_shots(conn, ref, row)
        versions.refresh_status(conn, ref)
        return row


def shot_list_content(shots: list[Shot], context: SceneContext) -> dict:
    """A shot list as its version holds it: the shots, and what they had to cover (for the lock check)."""
    return shot_list_version(shots, ShotListInputs.from_scene(context)).model_dump(mode="json")


def _kept_provenance(latest: dict | None) -> dict:
    keep = ("prompt_template_version", "provider", "model", "seed")
    return {name: latest[name] for name in keep} if latest else {}


@dataclass(frozen=True)
class Runtime:
    """The film's length as its shot lists add up, against the target (Stage 1)."""

    scene_seconds: int
    film_seconds: int  # scenes with a shot list
    scenes_listed: int
    scenes: int
    target_min: int
    target_max: int

    @property
    def verdict(self) -> str:
        """How far over or under the target the shot lists come, in words."""
        if self.film_seconds > self.target_max:
            return f"{self.film_seconds - self.target_max} s over the {self.target_max} s maximum"
        if self.film_seconds < self.target_min:
            missing = f" ({self.scenes - self.scenes_listed} scene(s) not listed yet)" if self.scenes_listed < self.scenes else ""
            return f"{self.target_min - self.film_seconds} s under the {self.target_min} s minimum{missing}"
        return f"within the {self.target_min}–{self.target_max} s target"


def film_runtime(conn: psycopg.Connection, ref: SceneRef, context: SceneContext) -> Runtime:
    """This scene's runtime and the film's, from the latest shot list of every live scene."""
    live = {str(s["id"]) for s in scene_rows.branch_scenes(conn, ref.branch_id)}
    latest = [v for v in version_rows.latest_in_branch(conn, ref.branch_id, STAGE) if str(v["scene_id"]) in live]
    seconds = {str(v["scene_id"]): int(v["content"].get("runtime", 0)) for v in latest}
    return Runtime(seconds.get(str(ref.scene_id), 0), sum(seconds.values()), len(seconds), len(live),
                   context.config.target_length_min, context.config.target_length_max)


def scene_runtime(studio: Studio, user_id: UUID, ref: SceneRef) -> Runtime:
    """This scene's runtime and the film's against the target, as the shot lists stand."""
    with studio.db.as_user(user_id) as conn:
        return film_runtime(conn, ref, load_context(conn, ref, studio.engines.video_model))
