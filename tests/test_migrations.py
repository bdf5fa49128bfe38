"""Migrations build the schema from sql/ and are idempotent."""

import psycopg
import pytest

from db import migrate

pytestmark = pytest.mark.db


def test_applying_again_changes_nothing(studio):
    with studio.db.pool.connection() as conn:
        before = migrate.applied_versions(conn)
        assert migrate.apply_all(conn) == []
        assert migrate.applied_versions(conn) == before == [m.version for m in migrate.discover()]


def test_migrations_apply_to_an_empty_database(service_urls):
    name = "aiuteur_empty_check"
    from tests.conftest import _with_database

    with psycopg.connect(service_urls["admin"], autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        with psycopg.connect(_with_database(service_urls["admin"], name), autocommit=True) as conn:
            applied = migrate.apply_all(conn)
            assert [m.version for m in applied] == [m.version for m in migrate.discover()]
            assert migrate.apply_all(conn) == []
            tables = conn.execute(
                "SELECT tablename, rowsecurity FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
            assert {t for t, _ in tables} >= {
                "projects", "branches", "stage_states", "scenes", "shots", "frames", "videos", "global_assets",
                "project_assets", "scene_asset_instances", "invalidation_logs", "cost_ledger", "generation_jobs",
            }
            assert all(rls for _, rls in tables), "every app table has row-level security on"
    finally:
        with psycopg.connect(service_urls["admin"], autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_an_edited_applied_migration_is_refused(studio):
    first = migrate.discover()[0]
    edited = migrate.Migration(first.version, first.name, first.sql + "\n-- edited")
    with studio.db.pool.connection() as conn, pytest.raises(migrate.MigrationDrift):
        migrate.apply_all(conn, [edited])
