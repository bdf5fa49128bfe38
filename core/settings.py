"""Typed settings, read once at an entry point (app, worker, CLI) and passed down.

Every field can come from the environment or a `.env` file in the working directory.
Nothing in `core` or `db` reads `os.environ` itself.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


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

    @field_validator("database_url", "redis_url", "supabase_url", "supabase_key", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def uses_supabase_auth(self) -> bool:
        return bool(self.supabase_url and self.supabase_key)

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment and `.env`, with explicit overrides on top."""
    return Settings(**overrides)
