"""The film: every live scene's shots in order, assembled into one MP4 (cuts, or short dissolves) as a job. Each
shot is its approved clip, else its latest rendered clip, else its start frame held as a still labelled "not
rendered" (else a card), so the cut can be watched early; the scenes not finished yet are listed.

    assemble(studio, user, project_id, branch_id, dissolve=0.0) -> film_cuts row (queued; `inline` renders here)
    latest_cut(studio, user, branch_id) -> the newest film_cuts row
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import psycopg

from core.errors import NotFound, StageIncomplete
from core.exports.film import FilmPart, assemble_film
from core.exports.probe import duration
from core.film.statuses import ClipStatus, CutStatus, SceneStatus
from core.offline.cards import card_png
from core.runtime import jobs
from core.runtime.studio import Studio
from db import film_cuts as cut_rows
from db import frames as frame_rows
from db import scenes as scene_rows
from db import shots as shot_rows
from db import stages as stage_rows
from db import videos as video_rows

FILM = "film"
MAX_DISSOLVE = 1.0


def film_parts(conn: psycopg.Connection, branch_id: UUID) -> tuple[list[dict], list[int]]:
    """What the film is made of now, shot by shot, and the numbers of the scenes not finished (four queries)."""
    clips: dict[UUID, list[dict]] = {}
    for clip in video_rows.branch_clips(conn, branch_id):
        clips.setdefault(clip["shot_id"], []).append(clip)
    stills = frame_rows.branch_start_frames(conn, branch_id)
    shots: dict[UUID, list[dict]] = {}
    for shot in shot_rows.branch_shots(conn, branch_id):
        shots.setdefault(shot["scene_id"], []).append(shot)
    parts, missing = [], []
    for scene in scene_rows.branch_scenes(conn, branch_id):
        own = shots.get(scene["id"], [])
        parts += [_part(scene, shot, clips.get(shot["id"], []), stills.get(shot["id"])) for shot in own]
        if scene["status"] != SceneStatus.VIDEO_COMPLETE or not own:
            missing.append(scene["scene_number"])
    return parts, missing


def _part(scene: dict, shot: dict, clips: list[dict], still: dict | None) -> dict:
    done = [c for c in clips if c["status"] == ClipStatus.COMPLETE and c["video_url"]]
    chosen = next((c for c in done if c["approved"]), done[0] if done else None)
    base = {"scene_number": scene["scene_number"], "slug": scene["slug"], "shot": str(shot["id"]),
            "shot_id": shot["shot_id"], "seconds": shot["duration"]}
    if chosen is not None:
        return {**base, "kind": "clip", "media": chosen["video_url"], "approved": chosen["approved"],
                "clip_id": str(chosen["id"]), "model": chosen["model"], "cost": str(chosen["cost_credits"] or 0)}
    if still is not None:
        return {**base, "kind": "still", "media": still["image_url"]}
    return {**base, "kind": "card", "text": shot["action"]}


def assemble(studio: Studio, user_id: UUID, project_id: UUID, branch_id: UUID, *, dissolve: float = 0.0,
             inline: bool = False) -> dict:
    """Queue an assembly of the film as it stands (the parts are fixed now); returns the film_cuts row."""
    dissolve = max(0.0, min(MAX_DISSOLVE, float(dissolve)))
    with studio.db.as_user(user_id) as conn:
        parts, missing = film_parts(conn, branch_id)
        if not parts:
            raise StageIncomplete("No scene has a shot list yet: there is nothing to assemble.")
        target = stage_rows.latest(conn, branch_id, 1)["content"]["target_length_max"]
        cut = cut_rows.insert_cut(conn, branch_id, parts, missing, Decimal(str(dissolve)), target)
    fields = {"branch_id": branch_id, "target_id": cut["id"], "payload": {"dissolve": dissolve}}
    if inline:
        job = jobs.record(studio, user_id, project_id, FILM, **fields)
        jobs.run(studio, job["id"], user_id)
    else:
        jobs.enqueue(studio, user_id, project_id, FILM, **fields)
    with studio.db.as_user(user_id) as conn:
        return cut_rows.get_cut(conn, cut["id"])


@jobs.handler(FILM)
def render_film_job(studio: Studio, user_id: UUID, job: dict) -> dict:
    """Assemble one film cut from its parts: clips re-encoded at one size, stills held and labelled."""
    with studio.db.as_user(user_id) as conn:
        cut = cut_rows.get_cut(conn, job["target_id"]) if job["target_id"] else _new_cut(conn, job)
        if cut is None:
            raise NotFound("That film cut was deleted before it was assembled.")
        cut_rows.set_state(conn, cut["id"], CutStatus.RENDERING)
    try:
        mp4 = assemble_film([_film_part(studio, user_id, part) for part in cut["parts"]],
                            dissolve=float(cut["dissolve"]))
        media_key = studio.media.put(mp4, ".mp4", owner=user_id)
        seconds = duration(mp4)
    except Exception as exc:
        with studio.db.as_user(user_id) as conn:
            cut_rows.set_state(conn, cut["id"], CutStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    with studio.db.as_user(user_id) as conn:
        cut_rows.complete(conn, cut["id"], media_key, seconds)
    return {"cut_id": str(cut["id"]), "media_key": media_key, "seconds": seconds, "parts": len(cut["parts"])}


def _new_cut(conn: psycopg.Connection, job: dict) -> dict:
    """A render's film: its parts as they stand when every clip it waited on is done."""
    parts, missing = film_parts(conn, job["branch_id"])
    target = stage_rows.latest(conn, job["branch_id"], 1)["content"]["target_length_max"]
    dissolve = Decimal(str((job.get("payload") or {}).get("dissolve", 0)))
    return cut_rows.insert_cut(conn, job["branch_id"], parts, missing, dissolve, target)


def _film_part(studio: Studio, user_id: UUID, part: dict) -> FilmPart:
    seconds, label = float(part["seconds"]), part["shot_id"]
    if part["kind"] == "clip" and studio.media.exists(part["media"], owner=user_id):
        return FilmPart(clip=studio.media.get(part["media"], owner=user_id), seconds=seconds, label=label)
    if part["kind"] == "still" and studio.media.exists(part["media"], owner=user_id):
        return FilmPart(still=studio.media.get(part["media"], owner=user_id), seconds=seconds, label=label)
    return FilmPart(still=card_png(f"{label} · not rendered", part.get("text") or part.get("slug") or ""),
                    seconds=seconds, label=label)


def latest_cut(studio: Studio, user_id: UUID, branch_id: UUID) -> dict | None:
    with studio.db.as_user(user_id) as conn:
        return cut_rows.latest(conn, branch_id)
