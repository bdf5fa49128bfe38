"""What leaves the studio for other tools, from a branch's assembled film: the film MP4, the screenplay as Fountain,
the shot list as CSV, the cut as an OpenTimelineIO timeline and a CMX 3600 EDL, the dialogue as SRT, the frames as
PNGs in a zip. Built by core.exports from the film cut's parts (what the MP4 holds, shot by shot) and the branch's
rows; media is referenced where the studio's store keeps it (or where `write_exports` copied it)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from uuid import UUID

from core.errors import NotFound
from core.exports.cut import Cut, CutShot
from core.exports.frames import frame_name, frames_zip
from core.exports.subtitles import dialogue_srt
from core.exports.timeline import timeline_edl, timeline_otio
from core.film.shots import parse_dialogue_text
from core.film.statuses import CutStatus
from core.production.downloads import file_name, screenplay_file, shot_list_file
from core.runtime.studio import Studio
from db import film_cuts as cut_rows
from db import frames as frame_rows
from db import projects as project_rows
from db import shots as shot_rows


def film_cut(studio: Studio, user_id: UUID, branch_id: UUID, cut_id: UUID | None = None) -> dict:
    """A complete film cut of the branch (the newest, unless `cut_id`); NotFound when there is none."""
    with studio.db.as_user(user_id) as conn:
        cut = cut_rows.get_cut(conn, cut_id) if cut_id else cut_rows.latest_complete(conn, branch_id)
    if cut is None or cut["status"] != CutStatus.COMPLETE or cut["branch_id"] != branch_id:
        raise NotFound("This branch has no assembled film yet: assemble it first.")
    return cut


def cut_of(studio: Studio, user_id: UUID, project_id: UUID, cut: dict, media_path=None) -> Cut:
    """The film cut as plain data for the exports; `media_path(key)` says where each media file is referenced."""
    where = media_path or (lambda key: str(studio.media.path(key, owner=user_id)))
    with studio.db.as_user(user_id) as conn:
        title = project_rows.get_project(conn, project_id)["title"]
        shots = {str(s["id"]): s for s in shot_rows.branch_shots(conn, cut["branch_id"])}
        shots |= {p["shot"]: shot_rows.get_shot(conn, UUID(p["shot"])) for p in cut["parts"] if p["shot"] not in shots}
        stills = {p["shot"]: frame_rows.live_frame(conn, UUID(p["shot"]), "start") for p in cut["parts"]}
    return Cut(title, tuple(_cut_shot(part, shots[part["shot"]], stills[part["shot"]], where) for part in cut["parts"]))


def _cut_shot(part: dict, shot: dict, still: dict | None, where) -> CutShot:
    dialogue = tuple((line.speaker, line.text) for line in parse_dialogue_text(shot["dialogue"] or ""))
    return CutShot(
        scene_number=part["scene_number"], slug=part["slug"], shot_id=part["shot_id"], order=shot["shot_order"],
        duration=float(part["seconds"]), dialogue=dialogue, action=shot["action"], camera=shot["camera_spec"],
        characters=tuple(c["name"] for c in shot["characters"] or []), frame_prompt=shot["frame_prompt"] or "",
        video_prompt=shot["video_prompt"] or "", model=part.get("model") or "not rendered",
        cost=Decimal(part.get("cost") or 0), media=where(part["media"]) if part["kind"] == "clip" else None,
        still=where(still["image_url"]) if still else None)


def frames_archive(studio: Studio, user_id: UUID, branch_id: UUID) -> bytes:
    """Every live frame of the branch as a PNG in a zip, named by scene, shot and anchor."""
    with studio.db.as_user(user_id) as conn:
        shots = shot_rows.branch_shots(conn, branch_id)
        frames = [(shot, frame_rows.live_frame(conn, shot["id"], kind)) for shot in shots for kind in ("start", "end")]
    return frames_zip((frame_name(shot["scene_number"], shot["shot_id"], frame["frame_type"]),
                       studio.media.get(frame["image_url"], owner=user_id)) for shot, frame in frames
                      if frame and studio.media.exists(frame["image_url"], owner=user_id))


def write_exports(studio: Studio, user_id: UUID, project_id: UUID, branch_id: UUID, out: Path) -> dict[str, Path]:
    """The film and every export of the branch's newest film cut, written into `out` (media copied beside the
    timeline, so the folder opens in an editor on its own)."""
    out.mkdir(parents=True, exist_ok=True)
    cut = film_cut(studio, user_id, branch_id)
    with studio.db.as_user(user_id) as conn:
        title = project_rows.get_project(conn, project_id)["title"]
    media = out / "media"
    media.mkdir(exist_ok=True)

    def copied(key: str) -> str:
        target = media / key
        if not target.exists():
            target.write_bytes(studio.media.get(key, owner=user_id))
        return f"media/{key}"

    timeline = cut_of(studio, user_id, project_id, cut, copied)
    files = {
        "film": (file_name(title, "film", ".mp4"), studio.media.get(cut["media_key"], owner=user_id)),
        "screenplay": (file_name(title, "screenplay", ".fountain"),
                       screenplay_file(studio, user_id, project_id, branch_id).encode()),
        "shot_list": (file_name(title, "shot-list", ".csv"), shot_list_file(studio, user_id, branch_id)),
        "timeline": (file_name(title, "timeline", ".otio"), timeline_otio(timeline).encode()),
        "edl": (file_name(title, "cut", ".edl"), timeline_edl(timeline).encode()),
        "subtitles": (file_name(title, "dialogue", ".srt"), dialogue_srt(timeline).encode()),
        "frames": (file_name(title, "frames", ".zip"), frames_archive(studio, user_id, branch_id)),
    }
    written = {}
    for what, (name, data) in files.items():
        (out / name).write_bytes(data)
        written[what] = out / name
    return written
