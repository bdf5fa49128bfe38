"""A small migration runner: numbered SQL files in `sql/`, applied in order, once each.

What was applied is recorded in `aiuteur_meta.schema_migrations` (outside `public`, so it is not an
app table). Concurrent runners (studio and worker starting together) serialise on an advisory lock.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 7_411_002  # any constant; shared by every migrating process


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


class MigrationDrift(RuntimeError):
    """An applied migration's file changed afterwards."""


def discover(sql_dir: Path = SQL_DIR) -> list[Migration]:
    found = []
    for path in sorted(sql_dir.glob("*.sql")):
        match = _NAME.match(path.name)
        if match:
            found.append(Migration(int(match[1]), match[2], path.read_text()))
    return found


def apply_all(conn: psycopg.Connection, migrations: list[Migration] | None = None) -> list[Migration]:
    """Apply what is missing, each in its own transaction; return what was applied now."""
    applied_now = []
    for migration in migrations if migrations is not None else discover():
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            _ensure_bookkeeping(conn)
            if _already_applied(conn, migration):
                continue
            conn.execute(migration.sql)
            conn.execute(
                "INSERT INTO aiuteur_meta.schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                [migration.version, migration.name, migration.checksum],
            )
            applied_now.append(migration)
    return applied_now


def _ensure_bookkeeping(conn: psycopg.Connection) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS aiuteur_meta")
    conn.execute(
        """CREATE TABLE IF NOT EXISTS aiuteur_meta.schema_migrations (
               version INTEGER PRIMARY KEY,
               name TEXT NOT NULL,
               checksum TEXT NOT NULL,
               applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"""
    )


def _already_applied(conn: psycopg.Connection, migration: Migration) -> bool:
    row = conn.execute(
        "SELECT checksum FROM aiuteur_meta.schema_migrations WHERE version = %s", [migration.version]
    ).fetchone()
    if row is None:
        return False
    checksum = row["checksum"] if isinstance(row, dict) else row[0]
    if checksum != migration.checksum:
        raise MigrationDrift(
            f"migration {migration.version:03d}_{migration.name} changed after it was applied; "
            "add a new numbered migration instead of editing an applied one"
        )
    return True


def applied_versions(conn: psycopg.Connection) -> list[int]:
    _ensure_bookkeeping(conn)
    rows = conn.execute("SELECT version FROM aiuteur_meta.schema_migrations ORDER BY version").fetchall()
    return [row["version"] if isinstance(row, dict) else row[0] for row in rows]
