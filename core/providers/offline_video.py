"""The offline engine's video: an animatic of the shot from its anchor frames (core.offline.animatic), free and
labelled as the offline engine. A `VideoProvider` like Veo, so a scene renders the same way with or without keys."""

from __future__ import annotations

import time

from core.providers.base import ClipRequest, ClipResult, Usage

OFFLINE = "offline"
VIDEO_MODEL = "offline:animatic"


class OfflineVideoProvider:
    """Renders a shot's clip as an H.264 animatic: its camera move, a dissolve to the end frame, the dialogue
    as subtitles (and spoken, when a speech engine is installed)."""

    name = OFFLINE
    model = VIDEO_MODEL
    offline = True

    def render_clip(self, request: ClipRequest) -> ClipResult:
        from core.offline.animatic import AnimaticRequest, render_animatic

        started = time.perf_counter()
        subject = dict(request.subject or {})
        mp4 = render_animatic(AnimaticRequest(
            start_frame=request.first_frame, end_frame=request.last_frame, seconds=request.seconds,
            camera=str(subject.get("camera") or ""), dialogue=tuple(tuple(line) for line in subject.get("dialogue", ())),
            width=int(subject.get("width") or 1024), height=int(subject.get("height") or 576),
            fps=int(subject.get("fps") or 24), voice=bool(subject.get("voice", True))))
        return ClipResult(mp4, OFFLINE, VIDEO_MODEL, Usage(video_seconds=request.seconds),
                          round((time.perf_counter() - started) * 1000, 3), used_end_frame=request.last_frame is not None)
