"""Sign-in: local accounts (argon2id hashes in auth.users) by default, Supabase Auth when configured."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import AuthError, EmailTaken, InputRejected, InvalidCredentials
from db import users
from db.database import Database

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    id: UUID
    email: str


class Authenticator(Protocol):
    def sign_up(self, email: str, password: str) -> User: ...
    def sign_in(self, email: str, password: str) -> User: ...


def check_credentials_shape(email: str, password: str) -> str:
    """Normalised email, or InputRejected naming the field that is wrong."""
    email = (email or "").strip().lower()
    errors = {}
    if not _EMAIL.match(email) or len(email) > 254:
        errors["email"] = "enter an email address like name@studio.com"
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = f"use at least {MIN_PASSWORD} characters"
    elif len(password) > 1024 or "\x00" in password:
        errors["password"] = "that password can't be used"
    if errors:
        raise InputRejected(errors)
    return email


class LocalAuth:
    """Accounts kept in this database's auth.users, passwords under argon2id."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.hasher = PasswordHasher()

    def sign_up(self, email: str, password: str) -> User:
        email = check_credentials_shape(email, password)
        try:
            with self.db.as_service() as conn:
                row = users.insert_user(conn, email, self.hasher.hash(password))
        except psycopg.errors.UniqueViolation as exc:
            raise EmailTaken(email) from exc
        return User(row["id"], row["email"])

    def sign_in(self, email: str, password: str) -> User:
        email = (email or "").strip().lower()
        with self.db.as_service() as conn:
            row = users.user_by_email(conn, email)
            if row is None or not row["encrypted_password"]:
                raise InvalidCredentials()
            try:
                self.hasher.verify(row["encrypted_password"], password or "")
            except (VerificationError, InvalidHashError) as exc:
                raise InvalidCredentials() from exc
            rehash = self.hasher.hash(password) if self.hasher.check_needs_rehash(row["encrypted_password"]) else None
            users.record_sign_in(conn, row["id"], rehash)
        return User(row["id"], row["email"])


class SupabaseAuth:
    """Supabase Auth (GoTrue) through supabase-py; data still goes through the database as that user."""

    def __init__(self, url: str, key: str, db: Database) -> None:
        self.url = url
        self.key = key
        self.db = db

    def _client(self):
        """A client for one call. One instance serves every browser session (st.cache_resource), so a
        shared client would keep the last user's session, send its token as the next user's bearer
        and run a refresh timer for it; this one keeps nothing and starts no timer."""
        from supabase import ClientOptions, create_client

        return create_client(self.url, self.key, ClientOptions(auto_refresh_token=False, persist_session=False))

    def sign_up(self, email: str, password: str) -> User:
        email = check_credentials_shape(email, password)
        try:
            response = self._client().auth.sign_up({"email": email, "password": password})
        except Exception as exc:  # supabase-py raises AuthApiError and friends
            raise _auth_error(exc, email) from exc
        return self._mirror(response.user)

    def sign_in(self, email: str, password: str) -> User:
        email = (email or "").strip().lower()
        if not email or not password:
            raise InvalidCredentials()  # supabase-py would refuse these itself, in words of its own
        try:
            response = self._client().auth.sign_in_with_password({"email": email, "password": password})
        except Exception as exc:
            raise _auth_error(exc, email) from exc
        return self._mirror(response.user)

    def _mirror(self, user: object) -> User:
        if user is None:
            raise AuthError("Supabase did not return a user; check your email to confirm the account.")
        signed_in = User(UUID(str(user.id)), user.email)
        with self.db.as_service() as conn:
            users.ensure_user(conn, signed_in.id, signed_in.email)
        return signed_in


def _auth_error(exc: Exception, email: str) -> AuthError:
    code = getattr(exc, "code", None)  # GoTrue's error_code, e.g. "user_already_exists"
    if code in ("user_already_exists", "email_exists"):
        return EmailTaken(email)
    if code == "invalid_credentials":
        return InvalidCredentials()
    message = str(exc)
    if "already" in message.lower() and "regist" in message.lower():
        return EmailTaken(email)
    if "invalid" in message.lower() and "credential" in message.lower():
        return InvalidCredentials()
    return AuthError(f"Supabase Auth refused: {message}")


def authenticator(settings, db: Database) -> Authenticator:
    """The sign-in backend the settings choose."""
    if settings.uses_supabase_auth:
        return SupabaseAuth(settings.supabase_url, settings.supabase_key, db)
    return LocalAuth(db)
