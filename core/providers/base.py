"""The provider seam: stages talk to these protocols, never to an SDK.

A stage renders its versioned prompt template and builds a request that carries both the final
prompt (what a real model reads) and the structured inputs (what the offline engine derives its
draft from). Every result carries what the call cost in units, for the ledger, and its provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

Output = TypeVar("Output", bound=BaseModel)


@dataclass(frozen=True)
class Usage:
    """Billable units of one call: tokens for text, images, seconds of video."""

    input_tokens: int = 0
    output_tokens: int = 0
    images: int = 0
    video_seconds: float = 0.0


@dataclass(frozen=True)
class TextRequest(Generic[Output]):
    task: str  # e.g. "treatment", "beat_sheet", "master_script", "asset_extraction"
    prompt: str  # the final prompt, rendered from a versioned template
    inputs: dict  # the structured inputs the prompt was rendered from
    schema: type[Output]  # the pydantic model the answer must validate into
    seed: int = 0
    temperature: float = 0.7
    tags: dict = field(default_factory=dict)  # project, branch, stage: for tracing


@dataclass(frozen=True)
class TextResult(Generic[Output]):
    output: Output
    provider: str  # "offline", "openai", "anthropic", "google"
    model: str
    usage: Usage
    latency_ms: float = 0.0


class TextProvider(Protocol):
    name: str
    model: str
    offline: bool

    def generate(self, request: TextRequest[Output]) -> TextResult[Output]: ...


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    subject: dict  # structured description: name, kind, description, palette, etc.
    references: tuple[bytes, ...] = ()  # PNG bytes of reference images (prior frame, asset sheets)
    width: int = 1024
    height: int = 576
    seed: int = 0


@dataclass(frozen=True)
class ImageResult:
    png: bytes
    provider: str
    model: str
    usage: Usage
    latency_ms: float = 0.0


class ImageProvider(Protocol):
    name: str
    model: str
    offline: bool

    def render(self, request: ImageRequest) -> ImageResult: ...


@dataclass(frozen=True)
class ClipRequest:
    """The video seam (Stage 12): prompt + first frame + optional last frame -> clip."""

    prompt: str
    first_frame: bytes
    last_frame: bytes | None
    seconds: float
    seed: int = 0
    aspect_ratio: str = "16:9"
    resolution: str = "720p"
    negative_prompt: str = ""  # what the clip must not show; empty sends none
    subject: dict = field(default_factory=dict)  # structured shot data the offline animatic reads


@dataclass(frozen=True)
class ClipResult:
    mp4: bytes
    provider: str
    model: str
    usage: Usage
    latency_ms: float = 0.0
    used_end_frame: bool = True  # False when the model refused the end frame and rendered from the start frame


class VideoProvider(Protocol):
    name: str
    model: str
    offline: bool

    def render_clip(self, request: ClipRequest) -> ClipResult: ...
