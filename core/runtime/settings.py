"""Typed settings, read once at an entry point (app, worker, CLI) and passed down.

Every field can come from the environment or a `.env` file in the working directory.
Nothing in `core` or `db` reads `os.environ` itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]
HIDDEN = "***"
# scheme://user:password@host — the password runs to the last "@" before the path (it may hold an "@").
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:@/\s]*):(?P<password>[^/\s]*)@", re.IGNORECASE)
_SECRET_PARAM = re.compile(
    r"(?P<name>\b(?:password|passwd|pwd|sslpassword|api[_-]?key|apikey|key|token|secret)\s*=\s*)"
    r"(?P<value>'[^']*'|[^\s&;,'\"]+)", re.IGNORECASE,
)
_SECRET_FIELDS = ("supabase_key", "openai_api_key", "anthropic_api_key", "google_api_key")
_URL_FIELDS = ("database_url", "redis_url", "supabase_url", "openai_base_url", "anthropic_base_url", "google_base_url")


def redact(text: object, *urls: str | None) -> str:
    """`text` with credentials hidden: URL passwords, `password=`/`key=`-style values, and the passwords of
    `urls` wherever they appear (a driver's message may quote part of a malformed connection string)."""
    shown = _SECRET_PARAM.sub(lambda m: m["name"] + HIDDEN, _URL_PASSWORD.sub(rf"\g<head>:{HIDDEN}@", str(text)))
    for password in {p for url in urls for p in _passwords(url)}:
        shown = shown.replace(password, HIDDEN)
    return shown


def _passwords(url: str | None) -> set[str]:
    try:
        password = urlsplit(url).password if url and "://" in url else None
    except ValueError:
        password = None
    found = {m["value"].strip("'") for m in _SECRET_PARAM.finditer(url or "")}
    return {p for p in (password, unquote(password or ""), *found) if p and len(p) >= 3}


class Settings(BaseSettings):
    """Where Aiuteur keeps its data and which services it talks to."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str | None = Field(
        None,
        alias="DATABASE_URL",
        description="PostgreSQL (or Supabase) connection string; unset starts an embedded server.",
    )
    redis_url: str | None = Field(
        None, alias="REDIS_URL", description="Redis URL for the job queue; unset starts an embedded Redis."
    )
    supabase_url: str | None = Field(
        None, alias="SUPABASE_URL", description="Supabase project URL; with SUPABASE_KEY, sign-in uses Supabase Auth."
    )
    supabase_key: str | None = Field(None, alias="SUPABASE_KEY", description="Supabase anon key for Supabase Auth.")
    data_dir: Path = Field(
        REPO_ROOT / ".data",
        alias="AIUTEUR_DATA_DIR",
        description="Folder for the embedded PostgreSQL and Redis, and generated media.",
    )
    start_worker: bool = Field(
        True,
        alias="AIUTEUR_START_WORKER",
        description="Let the studio start one background RQ worker when none is running.",
    )
    queue_name: str = Field("aiuteur", alias="AIUTEUR_QUEUE", description="RQ queue name shared by studio and workers.")

    # Model providers. No key at all means the offline engine does every stage at zero spend.
    text_model: str | None = Field(
        None,
        alias="AIUTEUR_TEXT_MODEL",
        description="'provider:model' for text (openai:gpt-4o-mini, anthropic:claude-sonnet-4-5, "
        "google:gemini-2.5-flash) or 'offline'; unset picks the first provider with a key.",
    )
    image_model: str | None = Field(
        None,
        alias="AIUTEUR_IMAGE_MODEL",
        description="'provider:model' for images (google:gemini-2.5-flash-image, openai:gpt-image-1) or "
        "'offline'; unset prefers Gemini, then OpenAI, when a key is set.",
    )
    video_model: str | None = Field(
        None,
        alias="AIUTEUR_VIDEO_MODEL",
        description="'provider:model' for clips (google:veo-3.1-generate-preview, google:veo-3.1-fast-generate-preview, "
        "on Vertex google:veo-3.1-generate-001) or 'offline'; unset picks Veo 3.1 when a Gemini key or Vertex is set.",
    )
    vertex: bool = Field(
        False,
        validation_alias=AliasChoices("GOOGLE_GENAI_USE_VERTEXAI", "vertex"),
        description="Call Google's models through Vertex AI (project and location below) instead of a Gemini API key.",
    )
    vertex_project: str | None = Field(
        None, validation_alias=AliasChoices("GOOGLE_CLOUD_PROJECT", "vertex_project"),
        description="The Google Cloud project for Vertex AI.",
    )
    vertex_location: str = Field(
        "us-central1", validation_alias=AliasChoices("GOOGLE_CLOUD_LOCATION", "vertex_location"),
        description="The Vertex AI region.",
    )
    video_resolution: Literal["720p", "1080p"] = Field("720p", alias="AIUTEUR_VIDEO_RESOLUTION", description="720p or 1080p clips.")
    aspect_ratio: Literal["16:9", "9:16"] = Field("16:9", alias="AIUTEUR_ASPECT_RATIO", description="16:9 or 9:16 frames and clips.")
    animatic_width: int = Field(
        1024, ge=64, le=1920, alias="AIUTEUR_ANIMATIC_WIDTH",
        description="Width in pixels of the offline animatic's clips (the height follows the aspect ratio).",
    )
    openai_api_key: SecretStr | None = Field(None, alias="OPENAI_API_KEY", description="OpenAI API key.")
    anthropic_api_key: SecretStr | None = Field(None, alias="ANTHROPIC_API_KEY", description="Anthropic API key.")
    google_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("GOOGLE_API_KEY", "GEMINI_API_KEY", "google_api_key"),
        description="Gemini API key (GOOGLE_API_KEY or GEMINI_API_KEY).",
    )
    openai_base_url: str | None = Field(
        None, alias="OPENAI_BASE_URL", description="OpenAI-compatible API address including /v1 (a proxy)."
    )
    anthropic_base_url: str | None = Field(None, alias="ANTHROPIC_BASE_URL", description="Anthropic API address.")
    google_base_url: str | None = Field(None, alias="GOOGLE_GEMINI_BASE_URL", description="Gemini API address.")
    provider_attempts: int = Field(
        4, ge=1, alias="AIUTEUR_PROVIDER_ATTEMPTS",
        description="Tries per provider call (first included) on rate limits, 5xx and timeouts.",
    )
    provider_backoff_seconds: float = Field(
        1.0, ge=0, alias="AIUTEUR_PROVIDER_BACKOFF", description="Wait before the first retry; doubles each retry."
    )
    provider_max_backoff_seconds: float = Field(
        30.0, ge=0, alias="AIUTEUR_PROVIDER_MAX_BACKOFF", description="Longest single wait between retries."
    )
    provider_timeout_seconds: float = Field(
        120.0, gt=0, alias="AIUTEUR_PROVIDER_TIMEOUT", description="Seconds one provider HTTP request may take."
    )

    provider_limits: str = Field(
        "google:veo-*=4/10, google:gemini-*image*=8/60, openai:gpt-image-*=4/50",
        alias="AIUTEUR_PROVIDER_LIMITS",
        description="Per model, jobs calling it at once across every worker / requests a minute: "
        "'provider:model-pattern=4/10, …' (either number may be left out).",
    )
    price_book: Path | None = Field(
        None, alias="AIUTEUR_PRICE_BOOK", description="A price book JSON file to use instead of core/costs/price_book.json."
    )

    @field_validator(
        "database_url", "redis_url", "supabase_url", "supabase_key", "price_book",
        "text_model", "image_model", "video_model", "vertex_project", "openai_api_key", "anthropic_api_key", "google_api_key",
        "openai_base_url", "anthropic_base_url", "google_base_url", mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def __repr_args__(self):
        """What repr() and str() show: every setting, with passwords and keys hidden."""
        for name, value in super().__repr_args__():
            if name in _SECRET_FIELDS and value is not None:
                yield name, HIDDEN
            elif name in _URL_FIELDS and value is not None:
                yield name, redact(value)
            else:
                yield name, value

    @property
    def uses_supabase_auth(self) -> bool:
        return bool(self.supabase_url and self.supabase_key)

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment and `.env`, with explicit overrides on top."""
    return Settings(**overrides)
