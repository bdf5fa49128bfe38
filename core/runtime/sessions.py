"""Signed-in sessions that outlive a browser refresh: a random token in a secure, http-only cookie.

    sign in (page)        -> open_session: a row with a one-time ticket (two minutes), its id kept in the page
    browser POSTs ticket  -> claim: the studio's endpoint draws the token, stores its sha256, sets the cookie
    refresh / next day    -> resolve: the cookie's token names the user, until it expires or is revoked
    sign out              -> revoke: the row is ended on the server; the endpoint also clears the cookie

The database keeps only sha256 hashes, so a leaked table signs nobody in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from uuid import UUID

from core.runtime.auth import User
from db import sessions as rows
from db.database import Database

COOKIE_NAME = "aiuteur_session"
SESSION_DAYS = 30


@dataclass(frozen=True)
class Handoff:
    """A session waiting for its browser: the id the page keeps and the ticket the browser claims."""

    session_id: UUID
    ticket: str


@dataclass(frozen=True)
class SignedInSession:
    session_id: UUID
    user: User


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(db: Database, user: User, lifetime_days: int = SESSION_DAYS) -> Handoff:
    """Start a session for `user`; its browser claims it with the returned ticket."""
    ticket = secrets.token_urlsafe(32)
    with db.as_service() as conn:
        session_id = rows.open_session(conn, user.id, _digest(ticket), lifetime_days)
    return Handoff(session_id, ticket)


def claim(db: Database, ticket: str) -> str | None:
    """The cookie token for a fresh ticket (claimable once), or None."""
    if not ticket or len(ticket) > 128:
        return None
    token = secrets.token_urlsafe(32)
    with db.as_service() as conn:
        claimed = rows.claim_ticket(conn, _digest(ticket), _digest(token))
    return token if claimed else None


def resolve(db: Database, token: str | None) -> SignedInSession | None:
    """Who this cookie's token signs in, or None (unknown, expired or revoked)."""
    if not token or len(token) > 128:
        return None
    with db.as_service() as conn:
        row = rows.live_session(conn, _digest(token))
    return SignedInSession(row["id"], User(row["user_id"], row["email"])) if row else None


def revoke(db: Database, session_id: UUID, user_id: UUID) -> bool:
    """End a session on the server: its cookie signs nobody in any more."""
    with db.as_service() as conn:
        return rows.revoke(conn, session_id, user_id)


def revoke_token(db: Database, token: str | None) -> bool:
    """End the session a cookie's token names (the sign-out endpoint's half)."""
    if not token or len(token) > 128:
        return False
    with db.as_service() as conn:
        return rows.revoke_token(conn, _digest(token))
