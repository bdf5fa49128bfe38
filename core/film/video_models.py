"""What each video model accepts: shot lengths, an end frame, prompt length. Pure: no I/O.

Stage 7 offers only the durations the configured video model takes (offline: the online model the work is
priced as, so a plan made offline renders online unchanged); Stage 9 defaults `requires_end_frame` from
whether the model takes a last frame, and measures prompts against its limit.

Sources: Vertex AI's Veo 3 / 3.1 model pages and the google-genai 2.34 `GenerateVideosConfig` (lengths 4, 6
or 8 s; `last_frame` for image-to-video; prompts up to 1,024 tokens); see ../shared/PHASE_B_FACTS.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class VideoModel:
    key: str  # "provider:model" as the price book names it
    label: str
    durations: tuple[int, ...]  # the clip lengths it renders, in seconds
    default_duration: int
    takes_last_frame: bool  # interpolates to an end frame (`GenerateVideosConfig.last_frame`)
    prompt_token_limit: int
    aspect_ratios: tuple[str, ...] = ("16:9", "9:16")
    resolutions: tuple[str, ...] = ("720p", "1080p")
    offline: bool = False

    @property
    def prompt_char_limit(self) -> int:
        return self.prompt_token_limit * CHARS_PER_TOKEN

    def nearest_duration(self, seconds: float) -> int:
        """The accepted length closest to `seconds` (ties go to the longer, so nothing is cut short)."""
        return min(self.durations, key=lambda d: (abs(d - seconds), -d))


@dataclass(frozen=True)
class PromptLength:
    """A prompt measured against a model's limit."""

    chars: int
    tokens: int
    limit_tokens: int

    @property
    def over(self) -> bool:
        return self.tokens > self.limit_tokens

    def message(self, what: str = "prompt") -> str:
        if not self.over:
            return f"{what}: about {self.tokens:,} of {self.limit_tokens:,} tokens"
        cut = (self.tokens - self.limit_tokens) * CHARS_PER_TOKEN
        return (f"{what} is too long for the model: about {self.tokens:,} tokens, its limit is "
                f"{self.limit_tokens:,}; shorten it by about {cut:,} characters")


_VEO = dict(durations=(4, 6, 8), default_duration=8, prompt_token_limit=1_024)

VIDEO_MODELS: dict[str, VideoModel] = {m.key: m for m in (
    VideoModel("google:veo-3.1-generate-preview", "Veo 3.1", takes_last_frame=True, **_VEO),
    VideoModel("google:veo-3.1-fast-generate-preview", "Veo 3.1 Fast", takes_last_frame=True, **_VEO),
    VideoModel("google:veo-3.1-generate-001", "Veo 3.1 (Vertex)", takes_last_frame=True, **_VEO),
    VideoModel("google:veo-3.1-fast-generate-001", "Veo 3.1 Fast (Vertex)", takes_last_frame=True, **_VEO),
    VideoModel("google:veo-3", "Veo 3", takes_last_frame=False, **_VEO),
    VideoModel("google:veo-3-fast", "Veo 3 Fast", takes_last_frame=False, **_VEO),
)}
_ALIASES = {"google:veo-3.0-generate-001": "google:veo-3", "google:veo-3.0-generate-preview": "google:veo-3",
            "google:veo-3.0-fast-generate-001": "google:veo-3-fast"}
DEFAULT_VIDEO_MODEL = "google:veo-3.1-generate-preview"
FALLBACK = VideoModel("unknown", "an unknown video model", (4, 6, 8), 8, False, 1_024)

# frame prompts go to an image model (Gemini 2.5 Flash Image reads far more; keep prompts a readable page)
FRAME_PROMPT_TOKEN_LIMIT = 2_000


def video_model(key: str | None) -> VideoModel:
    """The spec of a video model by price-book key; a model we don't know gets Veo's lengths and no end frame."""
    key = _ALIASES.get(key or "", key or "")
    return VIDEO_MODELS.get(key) or FALLBACK.__class__(**{**FALLBACK.__dict__, "key": key or "unknown"})


def planning_model(video_key: str, online_video_key: str) -> VideoModel:
    """The model a plan is made for: the configured one, or offline the online model the work is priced as."""
    return video_model(online_video_key if video_key.startswith("offline:") else video_key)


def measure_prompt(text: str, limit_tokens: int) -> PromptLength:
    chars = len(text or "")
    return PromptLength(chars, math.ceil(chars / CHARS_PER_TOKEN), limit_tokens)
