"""The clip job: one shot's clip rendered (Veo, or the offline animatic), stored and recorded, settled against the
charge held when it was confirmed; released, with the reason on the clip, when it fails.

Veo's long-running operation is named on the clip as soon as Veo accepts it: a worker that dies while polling is
replaced by one that polls the same operation — never a second submission, never a second charge. A model that
won't take an end frame gets the clip again from the start frame alone, and the shot says so.
"""

from __future__ import annotations

from uuid import UUID

from core.costs.estimates import ShotPlan
from core.costs.ledger import is_paid, release, reserve, settle
from core.errors import EndFrameUnsupported, NotFound, ProviderBadResponse, ProviderError, ProviderRefused
from core.film.statuses import ClipStatus
from core.production.clips import ANIMATIC, clip_estimator, clip_order
from core.providers.base import ClipResult
from core.providers.offline_video import OfflineVideoProvider
from core.runtime.studio import Studio
from db import jobs as job_rows
from db import shots as shot_rows
from db import videos as video_rows
from stages.clips import clip_request

NO_END_FRAME = "The video model wouldn't take this shot's end frame, so the clip starts from the start frame only."


def render_clip_job(studio: Studio, user_id: UUID, job: dict) -> dict:
    """Render the job's clip as its user; a clip already complete is not rendered again."""
    with studio.db.as_user(user_id) as conn:
        clip = video_rows.get_clip(conn, job["target_id"])
        if clip is None:
            raise NotFound("The clip was removed before it rendered.")
        if clip["status"] == ClipStatus.COMPLETE:
            return {"clip_id": str(clip["id"]), "media_key": clip["video_url"], "already_complete": True}
        shot = shot_rows.get_shot(conn, clip["shot_id"])
        order = clip_order(conn, studio, shot, clip["model"], owner=user_id, guidance=clip["guidance"] or "",
                           seed=clip["seed"])
        estimate = clip_estimator(studio.engines, clip["model"] == ANIMATIC).clips([ShotPlan(clip["seconds"])])
        held = reserve(conn, job["project_id"], estimate, key=clip["ledger_key"])  # the hold confirmed, or again
        if is_paid(held) and held["result_key"] and studio.media.exists(held["result_key"], owner=user_id):
            video_rows.complete(conn, clip["id"], held["result_key"], held["credits"], clip["used_end_frame"] is not False)
            return {"clip_id": str(clip["id"]), "media_key": held["result_key"], "served_from_storage": True}
        if job_rows.is_cancelled(conn, job["id"]) and clip["operation_name"] is None:
            release(conn, clip["ledger_key"])  # cancelled before it was sent: nothing rendered, nothing charged
            video_rows.set_state(conn, clip["id"], ClipStatus.CANCELLED, error="Cancelled before it rendered.")
            return {"clip_id": str(clip["id"]), "cancelled": True}
        video_rows.set_state(conn, clip["id"], ClipStatus.RENDERING)
    try:
        result = _render(studio, user_id, clip, order)
        media_key = studio.media.put(result.mp4, ".mp4", owner=user_id)
        charge = studio.engines.charge("video", result.provider, result.model, result.usage, "clips")
        with studio.db.as_user(user_id) as conn:
            video_rows.complete(conn, clip["id"], media_key, charge.credits, result.used_end_frame)
            settle(conn, clip["ledger_key"], charge, result_key=media_key)
    except ProviderError as exc:
        _failed(studio, user_id, clip, str(exc), keep_operation=not _ended(exc))
        raise
    except Exception as exc:  # the render may well be done at Veo: a retry fetches it, never pays for another
        _failed(studio, user_id, clip, f"internal error: {type(exc).__name__}: {exc}", keep_operation=True)
        raise
    return {"clip_id": str(clip["id"]), "media_key": media_key, "shot": order.shot_id, "model": clip["model"],
            "seconds": order.seconds, "used_end_frame": result.used_end_frame}


def _render(studio: Studio, user_id: UUID, clip: dict, order) -> ClipResult:
    """The clip from its provider: the offline animatic at once; Veo by its operation, resumed when it has one."""
    provider = studio.engines.video
    if provider is None or provider.offline:
        return (provider or OfflineVideoProvider()).render_clip(clip_request(order))
    if clip["model"] == ANIMATIC:  # the animatic asked for on a studio with an online video model
        return OfflineVideoProvider().render_clip(clip_request(order))
    used_end = clip["used_end_frame"] is not False and order.last_frame is not None
    name = clip["operation_name"]
    if name is None:
        name, used_end = _submit(studio, user_id, clip, order, provider, used_end)
    try:
        return provider.wait(name, seconds=order.seconds, used_end_frame=used_end)
    except EndFrameUnsupported:
        name, used_end = _submit(studio, user_id, clip, order, provider, False)
        return provider.wait(name, seconds=order.seconds, used_end_frame=False)


def _submit(studio: Studio, user_id: UUID, clip: dict, order, provider, with_end: bool) -> tuple[str, bool]:
    """Submit the clip and name its operation on the row at once (its own transaction)."""
    try:
        studio.limits.wait_for_turn(clip["model"])  # Veo's requests a minute, shared by every worker
        name = provider.submit(clip_request(order, with_end_frame=with_end), with_end_frame=with_end)
    except EndFrameUnsupported:
        if not with_end:
            raise
        return _submit(studio, user_id, clip, order, provider, False)
    with studio.db.as_user(user_id) as conn:
        video_rows.set_operation(conn, clip["id"], name, with_end)
        if not with_end and order.last_frame is not None:
            shot_rows.set_end_frame_note(conn, clip["shot_id"], NO_END_FRAME)
    return name, with_end


def _ended(exc: ProviderError) -> bool:
    """Whether the provider's operation is over without a clip (refused, in error, expired): only then may a retry
    submit anew. Anything else (still rendering past the wait, polls or the download failing with 503 or 429) says
    nothing about the render, which the provider most likely still holds."""
    return isinstance(exc, (ProviderRefused, ProviderBadResponse))


def _failed(studio: Studio, user_id: UUID, clip: dict, message: str, keep_operation: bool) -> None:
    """The clip ends failed with the reason; its hold is released (nothing charged), a retry holds it again. An
    operation that ended is forgotten so a retry submits anew; any other is kept, so a retry polls it (and fetches
    the clip when done) instead of paying for a second."""
    with studio.db.as_user(user_id) as conn:
        video_rows.set_state(conn, clip["id"], ClipStatus.FAILED, error=message)
        if not keep_operation:
            video_rows.forget_operation(conn, clip["id"])
        release(conn, clip["ledger_key"])
