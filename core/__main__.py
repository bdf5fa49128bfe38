"""Aiuteur from the command line: `python -m core migrate | status`."""

from __future__ import annotations

import argparse
import sys

from core.errors import AiuteurError
from core.runtime import boot
from core.settings import load_settings
from db import migrate


def _migrate(args: argparse.Namespace) -> int:
    studio = boot(load_settings(), run_migrations=False)
    with studio.db.pool.connection() as conn:
        applied = migrate.apply_all(conn)
        versions = migrate.applied_versions(conn)
    for migration in applied:
        print(f"applied {migration.version:03d}_{migration.name}")
    print(f"database is at migration {max(versions):03d} ({len(applied)} applied now)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core", description="Aiuteur command line")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the SQL migrations in sql/ that are missing").set_defaults(run=_migrate)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except AiuteurError as exc:
        print(f"error: {exc}", file=sys.stderr)
        hint = getattr(exc, "hint", "")
        if hint:
            print(hint, file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
