"""Test services: a real PostgreSQL and a real Redis, never mocks.

By default the same embedded servers a new user gets, in a temporary data folder.
`AIUTEUR_TEST_DATABASE_URL` and `AIUTEUR_TEST_REDIS_URL` point the suite at other servers. Either way
the suite creates its own database (dropped at the end), builds it from `sql/`, and empties every
table and the Redis database before each test.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from core.runtime.auth import LocalAuth, User
from core.runtime.settings import Settings
from core.runtime.studio import Studio, boot
from db import embedded

TEST_DB_PREFIX = "aiuteur_test_"

# The project row with its film configuration, which lives in the active branch's latest Stage 1
# (sql/012 dropped the copy on the project row), under the project row's old column names.
PROJECT_WITH_CONFIG = """
    SELECT p.*, (one.content ->> 'target_length_min')::int AS target_length_min,
           (one.content ->> 'target_length_max')::int AS target_length_max,
           one.content ->> 'project_type' AS project_type, one.content ->> 'content_rating' AS content_rating,
           one.content ->> 'input_mode' AS input_mode, nullif(one.content ->> 'tonal_guidance', '') AS tonal_precision,
           ARRAY(SELECT jsonb_array_elements_text(one.content -> 'genres')) AS genre
      FROM projects p
      LEFT JOIN LATERAL (SELECT content FROM stage_states
                          WHERE branch_id = p.active_branch_id AND stage_number = 1
                          ORDER BY version DESC LIMIT 1) one ON true"""


def _with_database(url: str, name: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(url)
    info["dbname"] = name
    return psycopg.conninfo.make_conninfo(**info)


@pytest.fixture(scope="session")
def service_urls(tmp_path_factory) -> dict:
    """Server URLs for the session: (admin database URL, test database URL, Redis URL, data dir)."""
    data_dir = tmp_path_factory.mktemp("aiuteur-data")
    admin_url = os.environ.get("AIUTEUR_TEST_DATABASE_URL") or embedded.start_postgres(data_dir)
    redis_url = os.environ.get("AIUTEUR_TEST_REDIS_URL") or embedded.start_redis(data_dir)
    name = f"{TEST_DB_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield {"admin": admin_url, "database": _with_database(admin_url, name), "redis": redis_url, "data_dir": data_dir}
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    if not os.environ.get("AIUTEUR_TEST_REDIS_URL"):
        embedded.stop_redis(data_dir)


@pytest.fixture(scope="session")
def test_settings(service_urls) -> Settings:
    env = {
        "DATABASE_URL": service_urls["database"],
        "REDIS_URL": service_urls["redis"],
        "AIUTEUR_DATA_DIR": str(service_urls["data_dir"]),
        "AIUTEUR_START_WORKER": "false",
        "AIUTEUR_QUEUE": f"aiuteur-test-{os.getpid()}",
        "AIUTEUR_ANIMATIC_WIDTH": "256",  # small clips keep the media tests quick; the film journey renders larger
    }
    os.environ.update(env)  # pages under AppTest read settings from the environment, as the app does
    os.environ.pop("SUPABASE_URL", None)
    os.environ.pop("SUPABASE_KEY", None)
    return Settings(_env_file=None)


@pytest.fixture(scope="session")
def booted(test_settings) -> Studio:
    studio = boot(test_settings)
    yield studio
    studio.close()


def _empty_everything(studio: Studio) -> None:
    with studio.db.as_service() as conn:
        tables = [row["tablename"] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
        conn.execute(
            sql.SQL("TRUNCATE {}, auth.users, aiuteur_private.sign_in_failures CASCADE").format(sql.SQL(", ").join(map(sql.Identifier, tables)))
        )
    studio.redis.flushdb()


@pytest.fixture
def studio(booted) -> Studio:
    """The booted studio with empty tables and an empty Redis database."""
    _empty_everything(booted)
    return booted


@pytest.fixture
def make_user(studio):
    """Create a local account; returns the User."""
    auth = LocalAuth(studio.db)
    counter = iter(range(1_000_000))

    def make(email: str | None = None, password: str = "a long enough secret") -> User:
        return auth.sign_up(email or f"creator{next(counter)}@example.com", password)

    return make


SAMPLE_PREMISE = (
    "A lighthouse keeper named Mara finds a message in a bottle from her brother Tomas, "
    "who vanished at sea ten years ago. She rows out to the reef at dawn to find him."
)


@pytest.fixture
def project_input() -> dict:
    """Valid Stage 1 input; tests change one field at a time."""
    return {
        "title": "The Lighthouse",
        "target_length_min": 60,
        "target_length_max": 180,
        "project_type": "narrative",
        "content_rating": "PG",
        "genres": ["Drama", "Mystery"],
        "tonal_guidance": "quiet, salt-worn, hopeful",
        "input_mode": "expand",
        "narrative": SAMPLE_PREMISE,
    }


REPO_ROOT = Path(__file__).resolve().parent.parent
