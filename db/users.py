"""Local accounts in `auth.users`: the queries a sign-in server makes, run as the owner."""

from __future__ import annotations

from uuid import UUID

import psycopg


def insert_user(conn: psycopg.Connection, email: str, password_hash: str) -> dict:
    return conn.execute(
        "INSERT INTO auth.users (email, encrypted_password) VALUES (%s, %s) RETURNING id, email, created_at",
        [email, password_hash],
    ).fetchone()


def user_by_email(conn: psycopg.Connection, email: str) -> dict | None:
    return conn.execute(
        "SELECT id, email, encrypted_password FROM auth.users WHERE lower(email) = lower(%s)", [email]
    ).fetchone()


def record_sign_in(conn: psycopg.Connection, user_id: UUID, password_hash: str | None = None) -> None:
    conn.execute(
        """UPDATE auth.users
              SET last_sign_in_at = now(), encrypted_password = coalesce(%s, encrypted_password)
            WHERE id = %s""",
        [password_hash, user_id],
    )


def ensure_user(conn: psycopg.Connection, user_id: UUID, email: str) -> None:
    """Mirror a Supabase Auth user where auth.users is ours (plain PostgreSQL behind Supabase Auth)."""
    # On Supabase the row is already there and auth.users is not ours to write: only read it.
    if conn.execute("SELECT 1 FROM auth.users WHERE id = %s", [user_id]).fetchone() is None:
        conn.execute("INSERT INTO auth.users (id, email) VALUES (%s, %s)", [user_id, email])
