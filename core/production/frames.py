"""Stage 10, frames: a start frame per shot and an end frame where the shot requires one, each an RQ job; each
frame seeded by the one before it (the previous shot's end or start frame, across scenes too), so a frame's job
waits for its prior frame's job (RQ `depends_on`). A live board, approve or regenerate (a new, priced request)
per frame, lock when every frame is approved.

    slots(shots)                          the frames a scene's shots need, in film order
    queue_frames(studio, user, ref, ...)  price, budget-check and queue what is missing (or one frame again)
    frame_board(studio, user, ref)        each slot's live frame, its job and what it waits for
    approve(...), lock_frames(...)
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

import psycopg

from core.costs.estimates import Estimate, ShotPlan
from core.costs.ledger import require_room
from core.errors import InputRejected, NotFound, StageIncomplete
from core.film.statuses import StageStatus
from core.invalidation.changes import ChangePreview, apply_change, build_preview
from core.invalidation.resolver import Change, Scene, SceneEndState
from core.pipeline import Item, followers, producer_of, stage
from core.production import versions
from core.production.context import SceneRef
from core.runtime import jobs
from core.runtime.engines import model_key
from core.runtime.studio import Studio
from core.runtime.work import work
from db import frames as frame_rows
from db import jobs as job_rows
from db import scene_versions as version_rows
from db import scenes as scene_rows
from db import shots as shot_rows
from db.jobs import UNFINISHED, JobStatus

STAGE = producer_of(Item.FRAME).number
FRAME = stage(STAGE).job.kind


@dataclass(frozen=True)
class Slot:
    """One frame a shot needs: its start, or its end."""

    shot: dict  # the live `shots` row
    frame_type: str

    @property
    def key(self) -> tuple[UUID, str]:
        return self.shot["id"], self.frame_type

    @property
    def label(self) -> str:
        return f"{self.shot['shot_id']} {self.frame_type}"


def slots(shots: list[dict]) -> list[Slot]:
    """The frames the shots need, in film order: each start, then its end where the shot requires one."""
    return [Slot(shot, kind) for shot in shots for kind in ("start", "end")
            if kind == "start" or shot["requires_end_frame"]]


def prior_slot(ordered: list[Slot], slot: Slot) -> Slot | None:
    """The frame this one is seeded by within the scene: the one before it in film order (None for the first)."""
    index = ordered.index(slot)
    return ordered[index - 1] if index else None


def default_seed(shot: dict, frame_type: str) -> int:
    """A frame's first seed: the same for the same shot and type, so asking again is the same request."""
    return int(hashlib.sha256(f"{shot['scene_id']}:{shot['shot_id']}:{frame_type}".encode()).hexdigest()[:8], 16)


def frames_estimate(studio: Studio, count: int) -> Estimate:
    """What `count` frames cost on the image model (one image each)."""
    return studio.engines.estimator.frames([ShotPlan(Decimal(0), False)] * count)


def missing(studio: Studio, user_id: UUID, ref: SceneRef) -> list[Slot]:
    """The scene's frames not rendered and not in flight."""
    with studio.db.as_user(user_id) as conn:
        return _missing(conn, ref)


def _missing(conn: psycopg.Connection, ref: SceneRef) -> list[Slot]:
    ordered = slots(shot_rows.live_shots(conn, ref.scene_id))
    busy = _busy(conn, [s.shot["id"] for s in ordered])
    made = _live_frames(conn, ref)
    return [s for s in ordered if s.key not in busy and s.key not in made]


def _live_frames(conn: psycopg.Connection, ref: SceneRef) -> dict[tuple[UUID, str], dict]:
    """The scene's live frames by (shot, frame type), in one query."""
    return {(f["shot_id"], f["frame_type"]): f for f in frame_rows.scene_frames(conn, ref.scene_id)}


def _busy(conn: psycopg.Connection, shot_ids: list[UUID]) -> dict[tuple[UUID, str], dict]:
    """The unfinished frame job of each slot."""
    found = {}
    for job in job_rows.jobs_for_targets(conn, FRAME, shot_ids):
        key = (job["target_id"], job["payload"].get("frame_type"))
        if job["status"] in UNFINISHED:
            found.setdefault(key, job)
    return found


def queue_frames(studio: Studio, user_id: UUID, ref: SceneRef, *, only: tuple[UUID, str] | None = None,
                 guidance: str = "", preview: ChangePreview | None = None, acknowledged: bool = False,
                 inline: bool = False) -> list[dict]:
    """Queue the scene's missing frames (or one frame again, `only`, as a new request with `guidance`).

    Priced and budget-checked before anything is queued (BudgetExceeded); a regeneration goes behind the preview of
    what it invalidates (the shot's clip; later scenes' continuity when it is the scene's last frame).
    """
    with work(studio, user_id) as conn:
        versions.require_open(conn, ref, STAGE)
        ordered = slots(shot_rows.live_shots(conn, ref.scene_id))
        wanted = _wanted(conn, ref, ordered, only)
        if not wanted:
            return []
        require_room(conn, ref.project_id, frames_estimate(studio, len(wanted)).total)
        if only is not None:
            _regenerating(conn, ref, studio, ordered, wanted[0], preview, acknowledged)
        waits = _waits(conn, ref, ordered, wanted)
    return _enqueue(studio, user_id, ref, ordered, wanted, waits, guidance, only is not None, inline)


def _wanted(conn: psycopg.Connection, ref: SceneRef, ordered: list[Slot], only: tuple[UUID, str] | None) -> list[Slot]:
    if only is None:
        return _missing(conn, ref)
    slot = next((s for s in ordered if s.key == (UUID(str(only[0])), only[1])), None)
    if slot is None:
        raise NotFound("That shot isn't in this scene's shot list any more; reload.")
    if slot.key in _busy(conn, [slot.shot["id"]]):
        raise InputRejected({"frame": f"{slot.label} is already being drawn"})
    return [slot]


def _waits(conn: psycopg.Connection, ref: SceneRef, ordered: list[Slot], wanted: list[Slot]) -> dict:
    """What each wanted frame's job must wait for: the in-flight job of its prior frame (the previous scene's last
    frame for the scene's first), when that frame isn't drawn yet."""
    in_flight = _busy(conn, [s.shot["id"] for s in ordered])
    waits = {}
    for slot in wanted:
        prior = prior_slot(ordered, slot)
        waits[slot.key] = in_flight.get(prior.key) if prior else _previous_scene_job(conn, ref)
    return waits


def _previous_scene_job(conn: psycopg.Connection, ref: SceneRef) -> dict | None:
    scene = scene_rows.get_scene(conn, ref.scene_id)
    before = [s for s in scene_rows.branch_scenes(conn, ref.branch_id) if s["scene_number"] < scene["scene_number"]]
    if not before:
        return None
    ordered = slots(shot_rows.live_shots(conn, before[-1]["id"]))
    return _busy(conn, [s.shot["id"] for s in ordered]).get(ordered[-1].key) if ordered else None


def _enqueue(studio: Studio, user_id: UUID, ref: SceneRef, ordered: list[Slot], wanted: list[Slot], waits: dict,
             guidance: str, redraw: bool, inline: bool) -> list[dict]:
    queued: dict[tuple[UUID, str], dict] = {}
    for slot in wanted:
        fields = {"branch_id": ref.branch_id, "target_id": slot.shot["id"],
                  "payload": frame_payload(studio, slot, ref.scene_id, guidance, redraw)}
        if inline:
            row = jobs.record(studio, user_id, ref.project_id, FRAME, **fields)
            queued[slot.key] = {**row, **jobs.run(studio, row["id"], user_id)}
            continue
        prior = prior_slot(ordered, slot)
        after = queued[prior.key] if prior and prior.key in queued else waits.get(slot.key)
        queued[slot.key] = jobs.enqueue(studio, user_id, ref.project_id, FRAME, after=[after] if after else (),
                                        **fields)
    return list(queued.values())


def frame_payload(studio: Studio, slot: Slot, scene_id: UUID, guidance: str = "", redraw: bool = False) -> dict:
    """What a frame job draws: which frame, with what direction and seed, under which model's limits."""
    return {"frame_type": slot.frame_type, "scene_id": str(scene_id), "guidance": guidance.strip(),
            "seed": secrets.randbelow(2**31) if redraw else default_seed(slot.shot, slot.frame_type),
            "limit": model_key(studio.engines.image.name, studio.engines.image.model)}


def _regenerating(conn: psycopg.Connection, ref: SceneRef, studio: Studio, ordered: list[Slot], slot: Slot,
                  preview: ChangePreview | None, acknowledged: bool) -> None:
    """A frame made again: what it invalidates is applied now (as previewed), and a lock of the frames reopens."""
    change = frame_change(conn, ref, ordered, slot)
    preview = preview or build_preview(conn, ref.branch_id, change, studio.engines.estimator)
    apply_change(conn, ref.branch_id, change, None, preview, acknowledged)
    reopen(conn, ref, STAGE)


def frame_change(conn: psycopg.Connection, ref: SceneRef, ordered: list[Slot], slot: Slot) -> Change:
    """A frame made again: its shot's clip; when it is the scene's last frame, also the next scene's continuity."""
    if slot is ordered[-1]:
        scene = scene_rows.get_scene(conn, ref.scene_id)
        after = [s for s in scene_rows.branch_scenes(conn, ref.branch_id) if s["scene_number"] > scene["scene_number"]]
        if after:
            return Change(STAGE, SceneEndState(ref.scene_id, frozenset({after[0]["id"]})), "regenerate")
    return Change(STAGE, Scene(ref.scene_id, frozenset({slot.shot["id"]})), "regenerate")


def regeneration_preview(studio: Studio, user_id: UUID, ref: SceneRef, shot_id: UUID, frame_type: str) -> ChangePreview:
    """What drawing one frame again would invalidate, and what redoing it costs."""
    with studio.db.as_user(user_id) as conn:
        ordered = slots(shot_rows.live_shots(conn, ref.scene_id))
        slot = next((s for s in ordered if s.key == (shot_id, frame_type)), None)
        if slot is None:
            raise NotFound("That shot isn't in this scene's shot list any more; reload.")
        return build_preview(conn, ref.branch_id, frame_change(conn, ref, ordered, slot), studio.engines.estimator)


def reopen(conn: psycopg.Connection, ref: SceneRef, number: int) -> None:
    """A stage's lock no longer holds (its work changed): its latest version and those of the stages that follow it
    are flagged outdated, and the scene's status steps back."""
    version_rows.flag_latest(conn, ref.scene_id, [number, *(s.number for s in followers(number))],
                             StageStatus.OUTDATED, unless=(StageStatus.OUTDATED, StageStatus.INVALIDATED,
                                                           StageStatus.DRAFT))
    versions.refresh_status(conn, ref)


@dataclass(frozen=True)
class BoardSlot:
    label: str
    shot_id: UUID
    frame_type: str
    frame: dict | None
    job: dict | None
    waits_for: str | None  # the prior frame it waits for, while it does

    @property
    def state(self) -> str:
        if self.job and self.job["status"] in UNFINISHED:
            return "drawing" if self.job["status"] == JobStatus.RUNNING else (
                f"waiting for {self.waits_for}" if self.waits_for else "queued")
        newer = self.frame is None or (self.job and self.job["created_at"] > self.frame["created_at"])
        if self.job and self.job["status"] == JobStatus.FAILED and newer:
            return "failed"
        if self.job and self.job["status"] == JobStatus.CANCELLED and newer:
            return "not made"
        if self.frame is None:
            return "not drawn"
        return "approved" if self.frame["approved"] else "to review"


def frame_board(studio: Studio, user_id: UUID, ref: SceneRef) -> list[BoardSlot]:
    """Each frame the scene needs, in film order, with its live frame and its latest job."""
    with studio.db.as_user(user_id) as conn:
        ordered = slots(shot_rows.live_shots(conn, ref.scene_id))
        latest: dict = {}
        for job in job_rows.jobs_for_targets(conn, FRAME, [s.shot["id"] for s in ordered]):
            latest.setdefault((job["target_id"], job["payload"].get("frame_type")), job)
        made = _live_frames(conn, ref)
        frames = {s.key: made.get(s.key) for s in ordered}
    board = []
    for slot in ordered:
        prior = prior_slot(ordered, slot)
        waiting = prior is not None and frames.get(prior.key) is None
        board.append(BoardSlot(slot.label, slot.shot["id"], slot.frame_type, frames[slot.key], latest.get(slot.key),
                               prior.label if waiting else None))
    return board


def approve(studio: Studio, user_id: UUID, ref: SceneRef, frame_id: UUID, approved: bool = True) -> dict:
    with work(studio, user_id) as conn:
        versions.require_open(conn, ref, STAGE)
        row = frame_rows.set_approved(conn, frame_id, approved)
        if row is None:
            raise NotFound("That frame was drawn again or invalidated; reload the board.")
        if not approved:
            reopen(conn, ref, STAGE)
        return row


def lock_frames(studio: Studio, user_id: UUID, ref: SceneRef) -> dict:
    """Lock the scene's frames once every one is drawn and approved: a Stage 10 version naming them, the scene
    `frames_locked` and its end frame (what the next scene's first frame is seeded by) recorded."""
    with work(studio, user_id) as conn:
        versions.require_open(conn, ref, STAGE)
        ordered = slots(shot_rows.live_shots(conn, ref.scene_id))
        frames = [(s, frame_rows.live_frame(conn, *s.key)) for s in ordered]
        waiting = [s.label for s, f in frames if f is None or not f["approved"]]
        if waiting:
            raise StageIncomplete(f"{len(waiting)} frame(s) still to draw or approve: {', '.join(waiting[:6])}.")
        latest = version_rows.latest(conn, ref.scene_id, STAGE)
        content = {"frames": [{"shot_id": s.shot["shot_id"], "frame_type": s.frame_type, "frame_id": str(f["id"]),
                               "image_key": f["image_url"]} for s, f in frames]}
        row = versions.save_version(conn, ref, STAGE, content, latest["version"] if latest else 0)
        version_rows.set_status(conn, row["id"], StageStatus.LOCKED)
        scene_rows.set_end_state(conn, ref.scene_id, None, frames[-1][1]["id"])
        versions.refresh_status(conn, ref)
        return {**row, "status": StageStatus.LOCKED}
