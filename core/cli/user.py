"""The account a headless run works as: an existing local account, or one made for the CLI."""

from __future__ import annotations

from core.runtime.auth import User, check_credentials_shape
from db import users
from db.database import Database


def headless_user(db: Database, email: str) -> User:
    """The account with this email; created without a password (it can't sign in to the studio) if new."""
    email = check_credentials_shape(email, "x" * 8)
    with db.as_service() as conn:
        row = users.user_by_email(conn, email) or users.insert_user(conn, email, None)
    return User(row["id"], row["email"])
