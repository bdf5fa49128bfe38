"""Boot: from settings to a running studio (database, migrations, queue). Called by every entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import psycopg
import redis
from rq import Queue, Worker

from core.errors import ServiceUnavailable
from core.pipeline import owned_rows
from core.runtime.engines import Engines, build_engines
from core.runtime.limits import ProviderLimits, parse_limits
from core.runtime.media import MediaStore, open_media_store
from core.runtime.settings import REPO_ROOT, Settings, redact
from db import embedded, migrate
from db import registry as registry_rows
from db.database import Database, check_reachable


@dataclass
class Studio:
    """The services one process shares: settings, database pool and job queue."""

    settings: Settings
    db: Database
    redis: redis.Redis
    queue: Queue

    @cached_property
    def engines(self) -> Engines:
        """Text and image providers, price book and estimator, chosen once from settings."""
        return build_engines(self.settings)

    @cached_property
    def limits(self) -> ProviderLimits:
        """Each model's limits (concurrency across workers, requests a minute), kept in the studio's Redis."""
        return ProviderLimits(self.redis, parse_limits(self.settings.provider_limits))

    @cached_property
    def media(self) -> MediaStore:
        """The media store the settings choose: the local folder, or Supabase Storage."""
        return open_media_store(self.settings)

    @property
    def embedded_database(self) -> bool:
        return self.settings.database_url is None

    def close(self) -> None:
        self.db.close()
        self.redis.close()


def boot(settings: Settings, *, run_migrations: bool = True) -> Studio:
    """Start or join the database and Redis the settings name, apply migrations, return the studio."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database_url = settings.database_url or embedded.start_postgres(settings.data_dir)
    _require_database(database_url, embedded_server=settings.database_url is None)
    db = Database(database_url)
    if run_migrations:
        with db.pool.connection() as conn:
            migrate.apply_all(conn)
        with db.as_service() as conn:  # the fork copy and "stage reached" read the registry's rows
            registry_rows.sync_stage_rows(conn, owned_rows())
    connection = _connect_redis(settings.redis_url or embedded.start_redis(settings.data_dir))
    studio = Studio(settings, db, connection, Queue(settings.queue_name, connection=connection))
    try:
        studio.media  # noqa: B018  (a media store misconfigured or out of reach is said at start, not mid-render)
    except ServiceUnavailable:
        studio.close()
        raise
    return studio


def _require_database(url: str, *, embedded_server: bool) -> None:
    try:
        check_reachable(url)
    except psycopg.Error as exc:
        hint = (
            "The embedded PostgreSQL did not answer; check the data folder (AIUTEUR_DATA_DIR) is writable."
            if embedded_server
            else "Check DATABASE_URL: host, port, database name, user and password, and that the server "
            "accepts connections from this machine. Unset it to use the embedded PostgreSQL."
        )
        # `from None`: the driver's own message may quote the connection string; only its redacted line goes on
        raise ServiceUnavailable(f"Can't reach the database: {redact(_first_line(exc), url)}", hint) from None


def _connect_redis(url: str) -> redis.Redis:
    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=3)
        connection.ping()
    except (redis.RedisError, OSError, ValueError) as exc:  # ValueError: not a redis:// URL at all
        raise ServiceUnavailable(
            f"Can't reach Redis at {redact(url, url)}: {redact(_first_line(exc), url)}",
            "Check REDIS_URL, or unset it to use the embedded Redis.",
        ) from None
    return connection


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def workers_alive(studio: Studio) -> list[Worker]:
    """RQ workers currently registered on the studio's queue."""
    return [w for w in Worker.all(connection=studio.redis) if studio.settings.queue_name in w.queue_names()]


def start_background_worker(settings: Settings) -> subprocess.Popen:
    """Start `python -m workers` detached, sharing this process's data folder and settings."""
    log = settings.data_dir / "worker.log"
    env = {**os.environ, "AIUTEUR_DATA_DIR": str(settings.data_dir)}
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "workers"],
            cwd=Path(REPO_ROOT),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def queue_health(studio: Studio) -> dict:
    """Worker count and queued job count, for the sidebar: jobs on the queue and those held back until the job they
    wait on (a frame's prior frame) has finished."""
    try:
        queued = studio.queue.count + studio.queue.deferred_job_registry.count
        return {"workers": len(workers_alive(studio)), "queued": queued, "reachable": True}
    except (redis.ConnectionError, OSError):
        return {"workers": 0, "queued": 0, "reachable": False}
