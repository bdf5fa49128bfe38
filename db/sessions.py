"""Signed-in browser sessions in `aiuteur_private.sessions`: the queries the sign-in server makes, as the owner."""

from __future__ import annotations

from uuid import UUID

import psycopg

HANDOFF_SECONDS = 120  # a ticket the browser has not claimed by then is void


def open_session(conn: psycopg.Connection, user_id: UUID, ticket_hash: str, lifetime_days: int) -> UUID:
    """A session waiting for its browser to claim the ticket; returns its id."""
    return conn.execute(
        """INSERT INTO aiuteur_private.sessions (user_id, ticket_hash, expires_at)
           VALUES (%s, %s, now() + make_interval(days => %s)) RETURNING id""",
        [user_id, ticket_hash, lifetime_days],
    ).fetchone()["id"]


def claim_ticket(conn: psycopg.Connection, ticket_hash: str, token_hash: str) -> UUID | None:
    """Swap a fresh, unclaimed ticket for the token's hash, once; the session's id, or None."""
    row = conn.execute(
        """UPDATE aiuteur_private.sessions SET token_hash = %s, ticket_hash = NULL
            WHERE ticket_hash = %s AND revoked_at IS NULL AND expires_at > now()
              AND created_at > now() - make_interval(secs => %s)
        RETURNING id""",
        [token_hash, ticket_hash, HANDOFF_SECONDS],
    ).fetchone()
    return row["id"] if row else None


def live_session(conn: psycopg.Connection, token_hash: str) -> dict | None:
    """The unrevoked, unexpired session holding this token, with its user's email."""
    return conn.execute(
        """SELECT s.id, s.user_id, u.email, s.expires_at
             FROM aiuteur_private.sessions s JOIN auth.users u ON u.id = s.user_id
            WHERE s.token_hash = %s AND s.revoked_at IS NULL AND s.expires_at > now()""",
        [token_hash],
    ).fetchone()


def revoke(conn: psycopg.Connection, session_id: UUID, user_id: UUID) -> bool:
    return conn.execute(
        """UPDATE aiuteur_private.sessions SET revoked_at = now()
            WHERE id = %s AND user_id = %s AND revoked_at IS NULL""",
        [session_id, user_id],
    ).rowcount == 1


def revoke_token(conn: psycopg.Connection, token_hash: str) -> bool:
    return conn.execute(
        "UPDATE aiuteur_private.sessions SET revoked_at = now() WHERE token_hash = %s AND revoked_at IS NULL",
        [token_hash],
    ).rowcount == 1
