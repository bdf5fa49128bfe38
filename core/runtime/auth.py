"""Sign-in: local accounts (argon2id hashes in auth.users) by default, Supabase Auth when configured.

Either way repeated failed sign-ins are slowed down, per account and per client (`SignInThrottle`):
the failures are kept in the database, beside the accounts, so every studio process and worker
shares them and they survive a Redis restart; a refusal says how long to wait and sleeps no thread.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import AuthError, ConfirmationPending, EmailTaken, InputRejected, InvalidCredentials, TooManyAttempts
from db import sign_in_failures as failures
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
    def sign_in(self, email: str, password: str, client: str = "") -> User: ...


@dataclass(frozen=True)
class SignInLimits:
    """How many failures, within what window, before attempts wait; the wait doubles with each failure after."""

    window_seconds: int = 15 * 60
    per_account: int = 5
    per_client: int = 20  # one client may mistype several accounts; a guesser tries many
    first_wait_seconds: int = 30

    def wait_seconds(self, count: int, limit: int) -> int:
        """The wait after the latest of `count` failures (0 below the limit), at most the window."""
        if count < limit:
            return 0
        return min(self.first_wait_seconds * 2 ** (count - limit), self.window_seconds)


class SignInThrottle:
    """Counts failed sign-ins per email and per client and refuses attempts while they must wait."""

    def __init__(self, db: Database, limits: SignInLimits = SignInLimits()) -> None:
        self.db = db
        self.limits = limits

    def attempt(self, email: str, client: str, check: Callable[[], User]) -> User:
        """Run `check` unless the account or client must wait (TooManyAttempts); record an InvalidCredentials."""
        client_key = hashlib.sha256(client.encode()).hexdigest() if client else ""
        with self.db.as_service() as conn:
            failures.lock_email(conn, email)
            self._refuse_while_waiting(conn, email, client_key)
            try:
                user = check()
            except InvalidCredentials as exc:
                failures.record_failure(conn, email, client_key)
                refused = exc
            else:
                failures.forget_failures(conn, email)
                return user
        raise refused  # after the transaction, so the failure is committed

    def _refuse_while_waiting(self, conn, email: str, client_key: str) -> None:
        counted = [("email", email, self.limits.per_account)]
        if client_key:  # no client id (a script, a test): per account only
            counted.append(("client", client_key, self.limits.per_client))
        for by, value, limit in counted:
            count, latest, now = failures.recent_failures(conn, by, value, self.limits.window_seconds)
            wait = self.limits.wait_seconds(count, limit)
            left = math.ceil(wait - (now - latest).total_seconds()) if wait else 0
            if left > 0:
                raise TooManyAttempts(left)


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

    def __init__(self, db: Database, limits: SignInLimits = SignInLimits()) -> None:
        self.db = db
        self.hasher = PasswordHasher()
        self.throttle = SignInThrottle(db, limits)

    def sign_up(self, email: str, password: str) -> User:
        email = check_credentials_shape(email, password)
        try:
            with self.db.as_service() as conn:
                row = users.insert_user(conn, email, self.hasher.hash(password))
        except psycopg.errors.UniqueViolation as exc:
            raise EmailTaken(email) from exc
        return User(row["id"], row["email"])

    def sign_in(self, email: str, password: str, client: str = "") -> User:
        email = (email or "").strip().lower()
        return self.throttle.attempt(email, client, lambda: self._verify(email, password))

    def _verify(self, email: str, password: str) -> User:
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

    def __init__(self, url: str, key: str, db: Database, limits: SignInLimits = SignInLimits()) -> None:
        self.url = url
        self.key = key
        self.db = db
        self.throttle = SignInThrottle(db, limits)

    def __repr__(self) -> str:
        return f"SupabaseAuth({self.url!r}, key=***)"

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
        if response.session is None:  # the project confirms email first: nobody is signed in, nothing claimed
            raise ConfirmationPending(email)
        return self._mirror(response.user)

    def sign_in(self, email: str, password: str, client: str = "") -> User:
        email = (email or "").strip().lower()
        if not email or not password:
            raise InvalidCredentials()  # supabase-py would refuse these itself, in words of its own
        return self.throttle.attempt(email, client, lambda: self._password_grant(email, password))

    def _password_grant(self, email: str, password: str) -> User:
        try:
            response = self._client().auth.sign_in_with_password({"email": email, "password": password})
        except Exception as exc:
            raise _auth_error(exc, email) from exc
        if response.session is None:
            raise AuthError("Supabase Auth answered without a session; try signing in again.")
        return self._mirror(response.user)

    def _mirror(self, user: object) -> User:
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
    if code == "email_not_confirmed":
        return ConfirmationPending(email, waiting=True)
    message = str(exc)
    if "already" in message.lower() and "regist" in message.lower():
        return EmailTaken(email)
    if "invalid" in message.lower() and "credential" in message.lower():
        return InvalidCredentials()
    if "not confirmed" in message.lower():
        return ConfirmationPending(email, waiting=True)
    return AuthError(f"Supabase Auth refused: {message}")


def authenticator(settings, db: Database) -> Authenticator:
    """The sign-in backend the settings choose."""
    if settings.uses_supabase_auth:
        return SupabaseAuth(settings.supabase_url, settings.supabase_key, db)
    return LocalAuth(db)
