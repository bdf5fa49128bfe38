"""What a Veo operation ended with, in a creator's words: the video, a safety refusal, or an error.

Veo answers a submission with a long-running operation. When it is done it carries either `error`
(a google.rpc.Status) or a response whose samples hold the video; a response with no samples and
`raiMediaFilteredReasons` means the safety filter kept the clip back. The same rejection of an end
frame ("lastFrame") can come at submission (HTTP 400) or as the operation's error.
"""

from __future__ import annotations

from core.errors import EndFrameUnsupported, ProviderBadResponse, ProviderRefused, ProviderUnavailable

# Wordings seen when a model won't interpolate to a last frame (googleapis/js-genai#1265, python-genai#1377).
_END_FRAME_WORDS = ("lastframe", "last_frame", "last frame", "interpolation")
_OTHER_PARAMETERS = ("negative", "resolution", "aspect", "duration", "person", "sample", "prompt", "seed")
# google.rpc codes a later attempt may not meet: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE
_TRANSIENT_RPC_CODES = {4, 8, 10, 13, 14}
_SENT_BUT_UNANSWERED = {"ReadTimeout", "WriteTimeout", "PoolTimeout", "RemoteProtocolError", "ReadError"}


def rejects_end_frame(message: str) -> bool:
    """Whether Veo's refusal is about the end frame (a bare "not supported" counts when no other field is named)."""
    text = (message or "").lower()
    if any(word in text for word in _END_FRAME_WORDS):
        return True
    return ("not supported" in text or "not allowlisted" in text) and not any(
        word in text for word in _OTHER_PARAMETERS)


def end_frame_unsupported(label: str, message: str) -> EndFrameUnsupported:
    return EndFrameUnsupported(
        f"{label} won't take an end frame for this clip ({message.strip()}). "
        "Render it from its start frame alone, or pick a model that interpolates to an end frame.")


def finished_video(operation, *, label: str, used_end_frame: bool):
    """The `types.Video` of a done operation; raises the provider error a creator can act on."""
    if operation.error:
        raise _operation_error(operation.error, label=label, used_end_frame=used_end_frame)
    result = operation.response or operation.result
    samples = [sample for sample in (result.generated_videos if result else None) or [] if sample.video]
    if samples:
        return samples[0].video
    reasons = tuple(str(reason) for reason in (result.rai_media_filtered_reasons if result else None) or [])
    if reasons or (result and result.rai_media_filtered_count):
        raise refused(label, reasons)
    raise ProviderBadResponse(f"{label} finished without a video and without saying why. Render the clip again.")


def refused(label: str, reasons: tuple[str, ...]) -> ProviderRefused:
    said = " ".join(f"“{reason.strip()}”" for reason in reasons) or "no reason given"
    return ProviderRefused(
        f"{label} declined to render this clip under its safety rules: {said}. "
        "Change the video prompt (or the frames) and render again.", reasons)


def _operation_error(error: dict, *, label: str, used_end_frame: bool) -> ProviderBadResponse:
    message, code = str(error.get("message") or "no message"), error.get("code")
    if used_end_frame and rejects_end_frame(message):
        return end_frame_unsupported(label, message)
    failure = ProviderBadResponse(f"{label} could not render the clip: {message}")
    failure.retryable = code in _TRANSIENT_RPC_CODES
    return failure


def stored_in_cloud(label: str, uri: str) -> ProviderBadResponse:
    return ProviderBadResponse(
        f"{label} put the clip in Cloud Storage ({uri}) instead of returning it; Aiuteur reads clips inline. "
        "Remove any output bucket from the Vertex settings and render again.")


def maybe_accepted(exc: BaseException) -> bool:
    """Whether a submission was sent but never answered: Veo may have taken (and will bill) it."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if {base.__name__ for base in type(exc).__mro__} & _SENT_BUT_UNANSWERED:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def unconfirmed_submission(label: str) -> ProviderUnavailable:
    return ProviderUnavailable(
        f"{label} did not confirm the clip in time, so it may or may not have been accepted. It was not sent "
        "again, so you can't pay twice; render the clip again when you are ready.")
