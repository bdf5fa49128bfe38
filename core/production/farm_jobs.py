"""The render farm's own jobs (a render's frames and clips are the stages' frame and clip jobs):

    frames_lock   once a scene's frames are drawn: each approved (the render was confirmed without review; any can be
                  redrawn after) and the frames locked, so the scene's clips may render
    farm_clip     a clip of the render, made when its scene's frames are locked: its `videos` row written, the render's
                  hold become its charge, then rendered as any clip is (Veo or the animatic)
The film job is core.production.film's.
"""

from __future__ import annotations

from uuid import UUID

from core.production import clip_jobs
from core.production import clips as scene_clips
from core.production import frames as scene_frames
from core.production.context import SceneRef
from core.production.farm import FARM_CLIP, LOCK_FRAMES, record_confirmation
from core.production.versions import view
from core.runtime import jobs
from core.runtime.studio import Studio
from core.runtime.work import work
from db import shots as shot_rows
from db import videos as video_rows


@jobs.handler(LOCK_FRAMES)
def lock_scene_frames(studio: Studio, user_id: UUID, job: dict) -> dict:
    """Approve the scene's frames as drawn and lock them (StageIncomplete names any frame still missing)."""
    ref = SceneRef(job["project_id"], job["branch_id"], job["target_id"])
    with studio.db.as_user(user_id) as conn:
        locked = view(conn, ref, scene_frames.STAGE).locked
    if not locked:
        for slot in scene_frames.frame_board(studio, user_id, ref):
            if slot.frame is not None and not slot.frame["approved"]:
                scene_frames.approve(studio, user_id, ref, slot.frame["id"])
        scene_frames.lock_frames(studio, user_id, ref)
    with work(studio, user_id) as conn:  # the render's confirmation, now that the frames it quoted are locked
        record_confirmation(conn, ref, (job["payload"] or {}).get("confirm") or {"render": True, "lines": []})
    return {"frames_locked": True}


@jobs.handler(FARM_CLIP)
def render_farm_clip(studio: Studio, user_id: UUID, job: dict) -> dict:
    """Make and render one clip of a render (a job delivered again takes up the clip it made)."""
    payload = job["payload"] or {}
    with work(studio, user_id) as conn:
        shot = shot_rows.get_shot(conn, job["target_id"])
        ref = SceneRef(job["project_id"], job["branch_id"], shot["scene_id"])
        clip = video_rows.job_clip(conn, job["id"]) or scene_clips.queue_for_job(
            conn, studio, ref, shot["id"], payload["model"], payload["hold"], job["id"])
    return clip_jobs.render_clip_job(studio, user_id, {**job, "target_id": clip["id"]})
