"""Stages 11 and 12 for one scene: the exact cost of rendering its clips and the explicit confirmation that queues
them (nothing is queued without it; each clip's charge is held in the ledger as it is quoted, so the charge equals
the estimate); or the free offline animatic instead; then the review: each clip's state, approve, iterate one clip
with guidance (only that shot re-renders and is charged), retry a failed one.

    quote(studio, user, ref, offline=False) -> Quote
    confirm_render(studio, user, ref, quote_key, offline=False)
    clip_board(studio, user, ref), approve_clip(...), iterate_clip(...), retry_clip(...)
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from decimal import Decimal
from uuid import UUID

import psycopg

from core.costs.estimates import Estimate, Estimator, ShotPlan
from core.costs.ledger import BudgetCheck, ChargedTo, budget_check, release, reserve
from core.costs.price_book import ZERO
from core.errors import EditConflict, InputRejected, NotFound, StageIncomplete
from core.film.shots import parse_dialogue_text
from core.film.statuses import CLIP_IN_FLIGHT, ClipStatus, StageStatus
from core.pipeline import Item, producer_of, stage
from core.production import versions
from core.production.context import SceneRef
from core.runtime import jobs
from core.runtime.engines import Engines
from core.runtime.studio import Studio
from core.runtime.work import work
from db import frames as frame_rows
from db import scene_versions as version_rows
from db import shots as shot_rows
from db import videos as video_rows
from stages.clips import ClipOrder, clip_prompt

CONFIRM = 11  # the stage whose versions are the confirmations (it makes nothing a change can invalidate)
STAGE = producer_of(Item.CLIP).number
CLIP = stage(STAGE).job.kind
ANIMATIC = "offline:animatic"


@dataclass(frozen=True)
class QuoteLine:
    shot: UUID
    shot_id: str
    seconds: int
    unit_price: Decimal
    credits: Decimal
    shadow_credits: Decimal


@dataclass(frozen=True)
class Quote:
    """The exact cost of rendering the scene's clips on one model, and the budget before and after."""

    model: str
    lines: tuple[QuoteLine, ...]
    price_book_version: str
    budget: BudgetCheck

    @property
    def total(self) -> Decimal:
        return sum((line.credits for line in self.lines), ZERO)

    @property
    def shadow_total(self) -> Decimal:
        return sum((line.shadow_credits for line in self.lines), ZERO)

    @property
    def seconds(self) -> int:
        return sum(line.seconds for line in self.lines)

    @property
    def remaining_after(self) -> Decimal | None:
        return None if self.budget.remaining is None else self.budget.remaining - self.total

    @property
    def key(self) -> str:
        """What the creator was shown, as a short id: a confirmation of another price is refused."""
        text = "|".join([self.model, self.price_book_version,
                         *(f"{line.shot}:{line.seconds}:{line.credits}" for line in self.lines)])
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def clip_estimator(engines: Engines, offline: bool) -> Estimator:
    """The estimator for the clips: the configured video model, or the free animatic (shadow-priced)."""
    estimator = engines.estimator
    return replace(estimator, models=replace(estimator.models, video=ANIMATIC)) if offline else estimator


def quote(studio: Studio, user_id: UUID, ref: SceneRef, *, offline: bool = False) -> Quote:
    """What rendering the scene's clips still to make costs, shot by shot (seconds x the model's price per second)."""
    with studio.db.as_user(user_id) as conn:
        versions.require_open(conn, ref, CONFIRM)
        return _quote(conn, studio, ref, offline)


def _quote(conn: psycopg.Connection, studio: Studio, ref: SceneRef, offline: bool) -> Quote:
    estimator = clip_estimator(studio.engines, offline)
    lines = []
    for shot in _to_render(conn, ref):
        estimate = estimator.clips([ShotPlan(Decimal(shot["duration"]))])
        item = estimate.items[0]
        lines.append(QuoteLine(shot["id"], shot["shot_id"], shot["duration"], item.unit_price, estimate.total,
                               estimate.shadow_total))
    model = estimator.models.video
    check = budget_check(conn, ref.project_id, sum((line.credits for line in lines), ZERO))
    return Quote(model, tuple(lines), estimator.book.version, check)


def _to_render(conn: psycopg.Connection, ref: SceneRef) -> list[dict]:
    """The live shots without a clip rendered or rendering (a failed or cancelled one is rendered again)."""
    clips = _latest_clips(conn, ref)
    return [s for s in shot_rows.live_shots(conn, ref.scene_id)
            if s["id"] not in clips or clips[s["id"]]["status"] in (ClipStatus.FAILED, ClipStatus.CANCELLED)]


def _latest_clips(conn: psycopg.Connection, ref: SceneRef) -> dict[UUID, dict]:
    latest: dict[UUID, dict] = {}
    for clip in video_rows.shot_clips(conn, ref.scene_id):  # newest first per shot
        latest.setdefault(clip["shot_id"], clip)
    return latest


def confirm_render(studio: Studio, user_id: UUID, ref: SceneRef, quote_key: str, *, offline: bool = False,
                   inline: bool = False) -> list[dict]:
    """Queue the scene's clips at the price the creator confirmed (`quote_key`); refused (EditConflict) when the
    price changed since, BudgetExceeded when the budget can't hold it. Each clip's charge is held as it is queued.
    With nothing left to render it confirms nothing, so an out-of-date confirmation doesn't shut the review."""
    with work(studio, user_id) as conn:
        versions.require_open(conn, ref, CONFIRM)
        shown = _quote(conn, studio, ref, offline)
        if shown.key != quote_key:
            raise EditConflict("The price changed since you looked (the shots or prices changed); review it again.")
        if not shown.lines:
            return _confirm_nothing(conn, ref, shown)
        _record_confirmation(conn, ref, shown)
        queued = [_hold_and_queue(conn, studio, ref, line, shown.model, guidance="", seed=None)
                  for line in shown.lines]
    return _dispatch(studio, user_id, ref, queued, inline)


def _confirm_nothing(conn: psycopg.Connection, ref: SceneRef, shown: Quote) -> list[dict]:
    """Nothing left to render, yet the confirmation went out of date (the frames were locked again unchanged): a
    confirmation of nothing ($0) opens the review again, and the review's lock holds again if every clip still is
    approved. Refused (StageIncomplete) when the confirmation holds already."""
    latest = version_rows.latest(conn, ref.scene_id, CONFIRM)
    if latest is not None and latest["status"] == StageStatus.LOCKED:
        raise StageIncomplete("Every shot of this scene has a clip rendered or rendering already.")
    _record_confirmation(conn, ref, shown)
    _review_state(conn, ref)
    return []


def _record_confirmation(conn: psycopg.Connection, ref: SceneRef, shown: Quote) -> None:
    """The confirmation as a Stage 11 version: what was quoted and accepted, locked at once."""
    latest = version_rows.latest(conn, ref.scene_id, CONFIRM)
    content = {"model": shown.model, "price_book_version": shown.price_book_version, "total": str(shown.total),
               "shadow_total": str(shown.shadow_total), "seconds": shown.seconds,
               "budget_before": None if shown.budget.remaining is None else str(shown.budget.remaining),
               "budget_after": None if shown.remaining_after is None else str(shown.remaining_after),
               "lines": [{"shot_id": line.shot_id, "seconds": line.seconds, "unit_price": str(line.unit_price),
                          "credits": str(line.credits)} for line in shown.lines]}
    row = versions.save_version(conn, ref, CONFIRM, content, latest["version"] if latest else 0,
                                cost_credits=shown.total)
    version_rows.set_status(conn, row["id"], StageStatus.LOCKED)


def _hold_and_queue(conn: psycopg.Connection, studio: Studio, ref: SceneRef, line: QuoteLine, model: str,
                    guidance: str, seed: int | None, *, hold: str | None = None, job_id: UUID | None = None) -> dict:
    """One clip: its request, its charge held in the ledger under the request's identity (taking over a render's
    `hold` for it, in the same transaction), its `videos` row."""
    if hold:
        release(conn, hold)
    shot = shot_rows.get_shot(conn, line.shot)
    order = clip_order(conn, studio, shot, model, guidance=guidance,
                       seed=seed if seed is not None else _default_seed(shot))
    key = f"clip:{ref.project_id}:{order.identity[:32]}"
    estimate = clip_estimator(studio.engines, model == ANIMATIC).clips([ShotPlan(Decimal(shot["duration"]))])
    reserve(conn, ref.project_id, estimate, key=key, charged_to=ChargedTo(ref.branch_id, STAGE, ref.scene_id, shot["id"]))
    return video_rows.insert_clip(conn, {
        "shot_id": shot["id"], "start_frame_id": _frame(conn, shot, "start")["id"],
        "end_frame_id": (_frame(conn, shot, "end") or {}).get("id") if order.last_key else None,
        "video_prompt": order.prompt, "provider": model.partition(":")[0], "model": model, "seconds": shot["duration"],
        "seed": order.seed, "guidance": guidance or None, "ledger_key": key, "job_id": job_id})


def queue_for_job(conn: psycopg.Connection, studio: Studio, ref: SceneRef, shot_id: UUID, model: str, hold: str,
                  job_id: UUID) -> dict:
    """A render's clip, made when its frames are there: the `videos` row, the render's hold become its charge."""
    shot = _live_shot(conn, ref, shot_id)
    line = QuoteLine(shot["id"], shot["shot_id"], shot["duration"], ZERO, ZERO, ZERO)
    return _hold_and_queue(conn, studio, ref, line, model, guidance="", seed=None, hold=hold, job_id=job_id)


def _dispatch(studio: Studio, user_id: UUID, ref: SceneRef, clips: list[dict], inline: bool) -> list[dict]:
    fields = [{"branch_id": ref.branch_id, "target_id": clip["id"],
               "payload": {"scene_id": str(ref.scene_id), "limit": clip["model"]}} for clip in clips]
    if inline:
        recorded = [jobs.record(studio, user_id, ref.project_id, CLIP, **f) for f in fields]
        return [{**job, **jobs.run(studio, job["id"], user_id)} for job in recorded]
    return [jobs.enqueue(studio, user_id, ref.project_id, CLIP, **f) for f in fields]


def _default_seed(shot: dict) -> int:
    return int(hashlib.sha256(f"{shot['scene_id']}:{shot['shot_id']}:clip".encode()).hexdigest()[:8], 16)


def _frame(conn: psycopg.Connection, shot: dict, frame_type: str) -> dict | None:
    frame = frame_rows.live_frame(conn, shot["id"], frame_type)
    if frame is None and frame_type == "start":
        raise StageIncomplete(f"Shot {shot['shot_id']} has no start frame; lock the scene's frames first.")
    return frame


def clip_order(conn: psycopg.Connection, studio: Studio, shot: dict, model: str, *, guidance: str = "",
               seed: int = 0) -> ClipOrder:
    """The request for a shot's clip: its video prompt, its frames (the end frame only where the shot requires one
    and the model takes it), its length and dialogue."""
    start, end = _frame(conn, shot, "start"), _frame(conn, shot, "end")
    takes_end = model == ANIMATIC or studio.engines.video_model.takes_last_frame
    end = end if shot["requires_end_frame"] and takes_end else None
    dialogue = tuple((line.speaker, line.text) for line in parse_dialogue_text(shot["dialogue"] or ""))
    return ClipOrder(shot_id=shot["shot_id"], prompt=clip_prompt(shot["video_prompt"] or shot["action"], guidance),
                     first_frame=studio.media.get(start["image_url"]), first_key=start["image_url"],
                     last_frame=studio.media.get(end["image_url"]) if end else None,
                     last_key=end["image_url"] if end else None, seconds=shot["duration"],
                     camera=shot["camera_spec"], dialogue=dialogue, model=model, seed=seed,
                     aspect_ratio=studio.engines.aspect_ratio, resolution=studio.engines.resolution, guidance=guidance,
                     animatic_width=studio.engines.animatic_width)


# --- review ------------------------------------------------------------------------------------------------------


def clip_board(studio: Studio, user_id: UUID, ref: SceneRef) -> list[dict]:
    """Each live shot with its latest clip (and the complete one it replaces while a new take renders)."""
    with studio.db.as_user(user_id) as conn:
        clips = video_rows.shot_clips(conn, ref.scene_id)
        shots = shot_rows.live_shots(conn, ref.scene_id)
    board = []
    for shot in shots:
        mine = [c for c in clips if c["shot_id"] == shot["id"]]
        latest = mine[0] if mine else None
        playable = next((c for c in mine if c["status"] == ClipStatus.COMPLETE), None)
        board.append({"shot": shot, "clip": latest, "playable": playable})
    return board


def approve_clip(studio: Studio, user_id: UUID, ref: SceneRef, clip_id: UUID, approved: bool = True) -> dict:
    """Approve (or un-approve) a complete clip; when every shot's clip is approved the scene is `video_complete`."""
    with work(studio, user_id) as conn:
        versions.require_open(conn, ref, STAGE)
        row = video_rows.set_approved(conn, clip_id, approved)
        if row is None:
            raise NotFound("That clip isn't this shot's rendered clip any more; reload the review.")
        _review_state(conn, ref)
        return row


def _review_state(conn: psycopg.Connection, ref: SceneRef) -> None:
    """Every shot's latest clip complete and approved: a Stage 12 version names them, locked; otherwise a lock
    that no longer holds is flagged outdated. Then the scene's status follows."""
    latest = _latest_clips(conn, ref)
    shots = shot_rows.live_shots(conn, ref.scene_id)
    done = all(s["id"] in latest and latest[s["id"]]["status"] == ClipStatus.COMPLETE and latest[s["id"]]["approved"]
               for s in shots)
    current = version_rows.latest(conn, ref.scene_id, STAGE)
    if done:
        content = {"clips": [{"shot_id": s["shot_id"], "clip_id": str(latest[s["id"]]["id"]),
                              "media_key": latest[s["id"]]["video_url"]} for s in shots]}
        if current is None or current["content"] != content or current["status"] != StageStatus.LOCKED:
            row = versions.save_version(conn, ref, STAGE, content, current["version"] if current else 0)
            version_rows.set_status(conn, row["id"], StageStatus.LOCKED)
    elif current is not None and current["status"] == StageStatus.LOCKED:
        version_rows.set_status(conn, current["id"], StageStatus.OUTDATED)
    versions.refresh_status(conn, ref)


def iteration_quote(studio: Studio, user_id: UUID, ref: SceneRef, shot_id: UUID) -> Estimate:
    """What one more take of one shot costs (on the configured video model)."""
    with studio.db.as_user(user_id) as conn:
        shot = _live_shot(conn, ref, shot_id)
    return studio.engines.estimator.clips([ShotPlan(Decimal(shot["duration"]))])


def iterate_clip(studio: Studio, user_id: UUID, ref: SceneRef, shot_id: UUID, guidance: str, *,
                 offline: bool = False, inline: bool = False) -> dict:
    """One shot rendered again with the creator's direction: a new request (a new seed), priced and held; only
    that shot re-renders and is charged."""
    if not guidance.strip():
        raise InputRejected({"guidance": "say what should change in this take"})
    with work(studio, user_id) as conn:
        versions.require_open(conn, ref, STAGE)
        shot = _live_shot(conn, ref, shot_id)
        if _latest_clips(conn, ref).get(shot["id"], {}).get("status") in CLIP_IN_FLIGHT:
            raise InputRejected({"clip": f"shot {shot['shot_id']} is rendering already"})
        line = QuoteLine(shot["id"], shot["shot_id"], shot["duration"], ZERO, ZERO, ZERO)
        model = ANIMATIC if offline else clip_estimator(studio.engines, False).models.video
        clip = _hold_and_queue(conn, studio, ref, line, model, guidance=guidance.strip(),
                               seed=secrets.randbelow(2**31))
        _review_state(conn, ref)
    return _dispatch(studio, user_id, ref, [clip], inline)[0]


def retry_clip(studio: Studio, user_id: UUID, ref: SceneRef, clip_id: UUID, *, inline: bool = False) -> dict:
    """A failed clip queued again: the same request, its hold taken again as it is queued (BudgetExceeded, and the
    clip stays failed, when the budget can't hold it any more), charged once when it succeeds."""
    with work(studio, user_id) as conn:
        clip = video_rows.get_clip(conn, clip_id)
        if clip is None or clip["status"] != ClipStatus.FAILED:
            raise NotFound("Only a failed clip can be retried; reload the review.")
        versions.require_open(conn, ref, STAGE)
        _hold_again(conn, studio, ref, clip)
        video_rows.set_state(conn, clip_id, ClipStatus.QUEUED)
    return _dispatch(studio, user_id, ref, [clip], inline)[0]


def _hold_again(conn: psycopg.Connection, studio: Studio, ref: SceneRef, clip: dict) -> None:
    """Hold a failed clip's charge again before it is queued: left to the job, a refusal there would leave the clip
    queued with no job behind it (neither retryable nor iterable)."""
    if clip["ledger_key"]:
        estimate = clip_estimator(studio.engines, clip["model"] == ANIMATIC).clips([ShotPlan(Decimal(clip["seconds"]))])
        reserve(conn, ref.project_id, estimate, key=clip["ledger_key"])


def _live_shot(conn: psycopg.Connection, ref: SceneRef, shot_id: UUID) -> dict:
    shot = shot_rows.get_shot(conn, shot_id)
    if shot is None or shot["scene_id"] != ref.scene_id or shot["superseded_at"] is not None:
        raise NotFound("That shot isn't in this scene's shot list any more; reload.")
    return shot


def release_hold(conn: psycopg.Connection, key: str | None) -> None:
    if key:
        release(conn, key)
