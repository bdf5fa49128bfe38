"""Stand-ins for the image and video models that take a model's time without doing a model's work: each call sleeps
a fixed latency and returns a real, tiny picture (PNG) or clip (H.264 MP4), so everything around the call (the job's
database work, the ledger, the media store, the film's assembly) is real while the model time is simulated.

    LatencyImages(seconds)   an ImageProvider priced and limited as the offline storyboard renderer
    LatencyClips(seconds)    a VideoProvider priced and limited as the offline animatic
"""

from __future__ import annotations

import io
import time
from functools import cache

import av
import numpy as np
from PIL import Image, ImageDraw

from core.providers.base import ClipRequest, ClipResult, ImageRequest, ImageResult, Usage
from core.providers.offline import IMAGE_MODEL, OFFLINE
from core.providers.offline_video import VIDEO_MODEL

SIZE = (64, 36)  # 16:9, even sides for H.264
FPS = 24


@cache
def tiny_png() -> bytes:
    """A 64x36 storyboard-grey frame with a horizon and a figure: a real PNG, made once."""
    picture = Image.new("RGB", SIZE, (214, 210, 200))
    draw = ImageDraw.Draw(picture)
    draw.line([(0, 24), (63, 22)], fill=(120, 116, 108))
    draw.ellipse([28, 10, 34, 16], outline=(60, 58, 54))
    draw.line([(31, 16), (31, 27)], fill=(60, 58, 54))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


@cache
def tiny_mp4(seconds: float) -> bytes:
    """A 64x36 H.264 clip `seconds` long (a slow fade), made once per length."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=FPS, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = *SIZE, "yuv420p"
        frames = max(1, round(seconds * FPS))
        for index in range(frames):
            shade = 80 + round(120 * index / frames)
            picture = np.full((SIZE[1], SIZE[0], 3), shade, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


class LatencyImages:
    """An image model that answers after `seconds`, with the tiny PNG."""

    name, model, offline = OFFLINE, IMAGE_MODEL, True

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def render(self, request: ImageRequest) -> ImageResult:
        time.sleep(self.seconds)
        return ImageResult(tiny_png(), OFFLINE, IMAGE_MODEL, Usage(images=1), latency_ms=self.seconds * 1000)


class LatencyClips:
    """A video model that answers after `seconds`, with a tiny clip of the shot's length."""

    name, model, offline = OFFLINE, VIDEO_MODEL, True

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def render_clip(self, request: ClipRequest) -> ClipResult:
        time.sleep(self.seconds)
        return ClipResult(tiny_mp4(float(request.seconds)), OFFLINE, VIDEO_MODEL,
                          Usage(video_seconds=float(request.seconds)), latency_ms=self.seconds * 1000,
                          used_end_frame=request.last_frame is not None)
