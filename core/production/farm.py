"""The render farm: rendering a scene or the whole film as a graph of RQ jobs that any worker on any machine takes
up — each frame after the frame it is seeded by, each scene's frames approved and locked once drawn, each clip after
its scene's frames, the film after every clip — priced and confirmed first (the holds written as the price shown),
limited per model across every worker, cancellable, and watched live.

    render_quote(studio, user, ref, scenes=None, offline=False) -> RenderQuote     what it costs, nothing held
    render(studio, user, ref, quote_key, ...) -> renders row                       holds, confirmations, the graph
    cancel_render(studio, user, render_id)                                        queued jobs removed, holds released
Work that already exists (a frame drawn, a clip rendered or rendering) is not queued again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

import psycopg

from core.costs.estimates import Estimate, ShotPlan
from core.costs.ledger import ChargedTo, require_room, reserve
from core.errors import EditConflict, NotFound, StageIncomplete
from core.film.statuses import CLIP_IN_FLIGHT, ClipStatus, StageStatus
from core.production import clips as scene_clips
from core.production import frames as scene_frames
from core.production.context import SceneRef
from core.runtime import jobs
from core.runtime.studio import Studio
from core.runtime.work import work
from core.story.projects import ProjectRef
from db import jobs as job_rows
from db import renders as render_rows
from db import scene_versions as version_rows
from db import scenes as scene_rows
from db import shots as shot_rows
from db import videos as video_rows
from db.jobs import UNFINISHED

PROMPTS, FRAMES, CONFIRM, CLIPS = 9, scene_frames.STAGE, scene_clips.CONFIRM, scene_clips.STAGE
LOCK_FRAMES, FARM_CLIP, FILM = "frames_lock", "farm_clip", "film"


@dataclass(frozen=True)
class SceneWork:
    scene: dict
    frames: tuple[scene_frames.Slot, ...]  # missing, in film order
    clips: tuple[dict, ...]  # live shots without a clip rendered or rendering


@dataclass(frozen=True)
class RenderQuote:
    """What a render draws and renders, what it costs on the models that will run, and the key that names it."""

    work: tuple[SceneWork, ...]
    frames: Estimate
    clips: Estimate
    video_model: str

    @property
    def total(self) -> Decimal:
        return self.frames.total + self.clips.total

    @property
    def shadow_total(self) -> Decimal:
        return self.frames.shadow_total + self.clips.shadow_total

    @property
    def key(self) -> str:
        text = "|".join([self.video_model, str(self.total), *(
            f"{w.scene['id']}:{','.join(s.label for s in w.frames)}:{','.join(c['shot_id'] for c in w.clips)}"
            for w in self.work)])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def frame_count(self) -> int:
        return sum(len(w.frames) for w in self.work)

    @property
    def clip_count(self) -> int:
        return sum(len(w.clips) for w in self.work)


def render_quote(studio: Studio, user_id: UUID, ref: ProjectRef, scenes: list[UUID] | None = None, *,
                 offline: bool = False) -> RenderQuote:
    """The frames still to draw and the clips still to render in these scenes (all, by default), priced."""
    with studio.db.as_user(user_id) as conn:
        return _quote(conn, studio, ref, scenes, offline)


def _quote(conn: psycopg.Connection, studio: Studio, ref: ProjectRef, scenes: list[UUID] | None,
           offline: bool) -> RenderQuote:
    chosen = [s for s in scene_rows.branch_scenes(conn, ref.branch_id) if scenes is None or s["id"] in scenes]
    unready = [s["scene_number"] for s in chosen if not _prompts_locked(conn, s["id"])]
    if unready:
        raise StageIncomplete(f"Lock the prompts of scene(s) {', '.join(map(str, unready))} before rendering them.")
    work = tuple(_scene_work(conn, s) for s in chosen)
    estimator = scene_clips.clip_estimator(studio.engines, offline)
    frames = scene_frames.frames_estimate(studio, sum(len(w.frames) for w in work))
    clips = estimator.clips([ShotPlan(Decimal(c["duration"])) for w in work for c in w.clips])
    return RenderQuote(work, frames, clips, estimator.models.video)


def _prompts_locked(conn: psycopg.Connection, scene_id: UUID) -> bool:
    latest = version_rows.latest(conn, scene_id, PROMPTS)
    return latest is not None and latest["status"] == StageStatus.LOCKED


def _scene_work(conn: psycopg.Connection, scene: dict) -> SceneWork:
    ref = SceneRef(None, scene["branch_id"], scene["id"])
    shots = shot_rows.live_shots(conn, scene["id"])
    latest: dict[UUID, dict] = {}
    for clip in video_rows.shot_clips(conn, scene["id"]):
        latest.setdefault(clip["shot_id"], clip)
    clips = tuple(s for s in shots if s["id"] not in latest
                  or latest[s["id"]]["status"] not in (ClipStatus.COMPLETE, *CLIP_IN_FLIGHT))
    return SceneWork(scene, tuple(scene_frames._missing(conn, ref)), clips)


def render(studio: Studio, user_id: UUID, ref: ProjectRef, quote_key: str, scenes: list[UUID] | None = None, *,
           offline: bool = False, assemble: bool = True) -> dict:
    """Render at the price confirmed (`quote_key`): every cost held now (BudgetExceeded before anything is queued),
    each scene's confirmation recorded, the graph of jobs queued; returns the `renders` row."""
    with work(studio, user_id) as conn:
        shown = _quote(conn, studio, ref, scenes, offline)
        if shown.key != quote_key:
            raise EditConflict("The render changed since you looked (frames drawn, clips rendered, prices); review it.")
        require_room(conn, ref.project_id, shown.total)
        row = render_rows.insert_render(conn, ref, "film" if scenes is None else "scene",
                                        [w.scene["id"] for w in shown.work], _quote_json(shown))
        holds = _hold(conn, studio, ref, row["id"], shown)
    return {**row, "jobs": _queue_graph(studio, user_id, ref, row["id"], shown, holds, assemble)}


def _quote_json(quote: RenderQuote) -> dict:
    return {"key": quote.key, "frames": quote.frame_count, "clips": quote.clip_count, "total": str(quote.total),
            "shadow_total": str(quote.shadow_total), "video_model": quote.video_model}


def _hold(conn: psycopg.Connection, studio: Studio, ref: ProjectRef, render_id: UUID, quote: RenderQuote) -> dict:
    """Each frame's and clip's price held under a key of this render, until its job turns it into the charge."""
    holds = {}
    estimator = scene_clips.clip_estimator(studio.engines, quote.video_model == scene_clips.ANIMATIC)
    for item in quote.work:
        for slot in item.frames:
            key = f"hold:{render_id}:frame:{slot.shot['id']}:{slot.frame_type}"
            reserve(conn, ref.project_id, scene_frames.frames_estimate(studio, 1), key=key,
                    charged_to=ChargedTo(ref.branch_id, FRAMES, item.scene["id"], slot.shot["id"]))
            holds[slot.key] = key
        for shot in item.clips:
            key = f"hold:{render_id}:clip:{shot['id']}"
            reserve(conn, ref.project_id, estimator.clips([ShotPlan(Decimal(shot["duration"]))]), key=key,
                    charged_to=ChargedTo(ref.branch_id, CLIPS, item.scene["id"], shot["id"]))
            holds[(shot["id"], "clip")] = key
    return holds


def confirmation(item: SceneWork, quote: RenderQuote, render_id: UUID) -> dict:
    """What the scene's Stage 11 version records of this render (written once its frames are locked)."""
    return {"model": quote.video_model, "render": str(render_id), "seconds": sum(c["duration"] for c in item.clips),
            "lines": [{"shot_id": c["shot_id"], "seconds": c["duration"]} for c in item.clips]}


def record_confirmation(conn: psycopg.Connection, ref: SceneRef, content: dict) -> None:
    """The scene's Stage 11 version, locked: the clips confirmed as part of a render."""
    latest = version_rows.latest(conn, ref.scene_id, CONFIRM)
    row = version_rows.insert_version(conn, ref.branch_id, ref.scene_id, CONFIRM,
                                      (latest["version"] if latest else 0) + 1, content,
                                      inherited_from_id=latest["id"] if latest else None)
    version_rows.set_status(conn, row["id"], StageStatus.LOCKED)


def _queue_graph(studio: Studio, user_id: UUID, ref: ProjectRef, render_id: UUID, quote: RenderQuote, holds: dict,
                 assemble: bool) -> list[dict]:
    """Frames in film order, each after the frame before it; a scene's frame lock after its frames; its clips after
    the lock; the film after every clip (and it assembles even if some fail)."""
    queued: list[dict] = []
    previous: dict | None = _in_flight_before(studio, user_id, quote)
    clip_jobs: list[dict] = []
    for item in quote.work:
        frame_jobs = []
        for slot in item.frames:
            after = [previous] if previous else []
            payload = {**scene_frames.frame_payload(studio, slot, item.scene["id"]), "hold": holds[slot.key]}
            previous = _queue(studio, user_id, ref, render_id, scene_frames.FRAME, slot.shot["id"], payload, after)
            frame_jobs.append(previous)
        lock = _queue(studio, user_id, ref, render_id, LOCK_FRAMES, item.scene["id"],
                      {"scene_id": str(item.scene["id"]), "confirm": confirmation(item, quote, render_id)},
                      frame_jobs) if frame_jobs or item.clips else None
        for shot in item.clips:
            payload = {"scene_id": str(item.scene["id"]), "model": quote.video_model, "limit": quote.video_model,
                       "hold": holds[(shot["id"], "clip")]}
            clip_jobs.append(_queue(studio, user_id, ref, render_id, FARM_CLIP, shot["id"], payload, [lock]))
        queued += frame_jobs + ([lock] if lock else [])
    queued += clip_jobs
    if assemble:
        queued.append(_queue(studio, user_id, ref, render_id, FILM, None, {"dissolve": 0.0}, clip_jobs))
    return queued


def _queue(studio: Studio, user_id: UUID, ref: ProjectRef, render_id: UUID, kind: str, target: UUID | None,
           payload: dict, after: list[dict]) -> dict:
    return jobs.enqueue(studio, user_id, ref.project_id, kind, branch_id=ref.branch_id, target_id=target,
                        payload=payload, after=[a for a in after if a], render_id=render_id)


def _in_flight_before(studio: Studio, user_id: UUID, quote: RenderQuote) -> dict | None:
    """The job drawing the frame before the render's first one, when that frame is still being drawn."""
    first = next((w for w in quote.work if w.frames), None)
    if first is None:
        return None
    with studio.db.as_user(user_id) as conn:
        ordered = scene_frames.slots(shot_rows.live_shots(conn, first.scene["id"]))
        index = ordered.index(next(s for s in ordered if s.key == first.frames[0].key))
        if index == 0:
            return scene_frames._previous_scene_job(conn, SceneRef(None, first.scene["branch_id"],
                                                                   first.scene["id"]))
        return scene_frames._busy(conn, [s.shot["id"] for s in ordered]).get(ordered[index - 1].key)


def cancel_render(studio: Studio, user_id: UUID, render_id: UUID) -> int:
    """Cancel a render: its queued and waiting jobs removed, the holds not yet turned into charges released (a job
    running stops at its next safe point and releases its own). Returns how many jobs were cancelled."""
    with studio.db.as_user(user_id) as conn:
        row = render_rows.get_render(conn, render_id)
        if row is None:
            raise NotFound("That render doesn't exist or isn't yours.")
        waiting = [j for j in job_rows.render_jobs(conn, render_id) if j["status"] in UNFINISHED]
    cancelled = jobs.cancel(studio, user_id, waiting, "Cancelled by the creator.")  # their holds released with them
    with studio.db.as_user(user_id) as conn:
        render_rows.set_status(conn, render_id, "cancelled")
    return cancelled


from core.production import farm_jobs, film  # noqa: E402,F401  (registers the farm's job kinds and the film's)
