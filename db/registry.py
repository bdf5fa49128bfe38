"""The stage registry's rows in the database (`aiuteur_private.stage_rows`), read by the fork copy and
"stage reached" (sql/015). Written from `core.pipeline` by every migrating boot."""

from __future__ import annotations

from collections.abc import Iterable

import psycopg


def sync_stage_rows(conn: psycopg.Connection, rows: Iterable[tuple[int, str, bool]]) -> None:
    """Make the table hold exactly `rows`: (stage number, rows it owns, counts for stage reached)."""
    rows = sorted(set(rows))
    conn.execute("DELETE FROM aiuteur_private.stage_rows")
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO aiuteur_private.stage_rows (stage_number, rows, counts_for_reach) VALUES (%s, %s, %s)", rows)


def stage_rows(conn: psycopg.Connection) -> list[tuple[int, str, bool]]:
    return [(r["stage_number"], r["rows"], r["counts_for_reach"]) for r in conn.execute(
        "SELECT stage_number, rows, counts_for_reach FROM aiuteur_private.stage_rows ORDER BY 1, 2").fetchall()]
