"""Failed sign-ins in `aiuteur_private.sign_in_failures`: what the sign-in throttle counts, run as the owner."""

from __future__ import annotations

from datetime import datetime

import psycopg
from psycopg import sql

COUNTED_BY = ("email", "client")


def record_failure(conn: psycopg.Connection, email: str, client: str) -> None:
    conn.execute("INSERT INTO aiuteur_private.sign_in_failures (email, client) VALUES (%s, %s)", [email, client])


def recent_failures(conn: psycopg.Connection, by: str, value: str,
                    window_seconds: int) -> tuple[int, datetime | None, datetime]:
    """(failures within the window, the latest one's time, the database's now) for one email or one client."""
    if by not in COUNTED_BY:
        raise ValueError(f"failures are counted by {' or '.join(COUNTED_BY)}, not {by!r}")
    row = conn.execute(
        sql.SQL("""SELECT count(*) AS n, max(failed_at) AS latest, now() AS now
                     FROM aiuteur_private.sign_in_failures
                    WHERE {} = %s AND failed_at > now() - make_interval(secs => %s)""").format(sql.Identifier(by)),
        [value, window_seconds],
    ).fetchone()
    return row["n"], row["latest"], row["now"]


def forget_failures(conn: psycopg.Connection, email: str) -> None:
    """A successful sign-in clears the account's count (not the client's)."""
    conn.execute("DELETE FROM aiuteur_private.sign_in_failures WHERE email = %s", [email])


def lock_email(conn: psycopg.Connection, email: str) -> None:
    """Serialise attempts on one account for the transaction, so concurrent guesses can't slip past the count."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('sign_in:' || %s, 0))", [email])
