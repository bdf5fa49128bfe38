"""Supabase Auth sign-in through the real supabase-py client, against a local GoTrue stand-in.

``FakeGoTrue`` is a real HTTP server on 127.0.0.1 (``http.server`` in a thread, ephemeral port)
that keeps its own accounts and answers the two Supabase Auth (GoTrue) endpoints SupabaseAuth uses,
in their documented wire format:

  POST /auth/v1/signup                    200 session {access_token, token_type, expires_in,
                                          expires_at, refresh_token, user}; 422 user_already_exists
  POST /auth/v1/token?grant_type=password 200 session (same shape); 400 invalid_credentials

With ``confirm_email=True`` the project requires email confirmation, as GoTrue does with autoconfirm
off: sign-up answers 200 with the bare user (no session, ``confirmation_sent_at`` set); a second
sign-up for a taken address answers the same shape with a fresh id (GoTrue hides which addresses
exist); a password sign-in before ``confirm(email)`` is 400 ``email_not_confirmed``.

Errors come in GoTrue's legacy body ``{"code": 400, "error_code": ..., "msg": ...}`` by default;
``error_format="2024-01-01"`` answers as GoTrue does for clients that send
``X-Supabase-Api-Version: 2024-01-01`` (supabase-py does): ``{"code": ..., "message": ...}`` with
that header on the response. Every request is recorded so a test can read what the SDK sent.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pytest

from core.errors import AuthError, ConfirmationPending, EmailTaken, InputRejected, InvalidCredentials, TooManyAttempts
from core.runtime.auth import MIN_PASSWORD, LocalAuth, SupabaseAuth, authenticator
from core.runtime.settings import Settings
from tests.fake_apis import LocalServer

pytestmark = pytest.mark.db

EMAIL = "mara@lighthouse.example"
PASSWORD = "salt-worn and hopeful"


def _b64url(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def fake_jwt(claims: dict) -> str:
    """A JWT-shaped token (header.payload.signature) whose signature is not real."""
    return f"{_b64url({'alg': 'HS256', 'typ': 'JWT'})}.{_b64url(claims)}.{_b64url({'sig': 'fake'})}"


ANON_KEY = fake_jwt({"iss": "supabase-demo", "role": "anon", "exp": 1983812996})


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    headers: dict  # lower-case names
    json: dict | None


class FakeGoTrue(LocalServer):
    """Supabase Auth (GoTrue) answering sign-up and password sign-in in its wire format."""

    def __init__(self, error_format: str = "legacy", confirm_email: bool = False) -> None:
        self.error_format = error_format
        self.confirm_email = confirm_email
        self.requests: list[Seen] = []
        self.accounts: dict[str, dict] = {}  # email -> {"id", "password", "created_at"}
        super().__init__()

    def add_account(self, email: str, password: str) -> str:
        """An account made elsewhere (another app on the same Supabase project); returns its id."""
        user_id = str(uuid.uuid4())
        self.accounts[email] = {"id": user_id, "password": password, "created_at": _now(), "confirmed": True}
        return user_id

    def confirm(self, email: str) -> None:
        """The creator opened the link in the confirmation email."""
        self.accounts[email]["confirmed"] = True

    # --- GoTrue behaviour -------------------------------------------------------------------------

    def answer(self, seen: Seen) -> tuple[int, dict]:
        body = seen.json or {}
        email, password = (body.get("email") or "").strip().lower(), body.get("password") or ""
        if seen.path == "/auth/v1/signup":
            if self.confirm_email:
                return self.sign_up_to_confirm(email, password)
            if email in self.accounts:
                return self.error(422, "user_already_exists", "User already registered")
            self.add_account(email, password)
            return 200, self.session(email)
        if seen.path == "/auth/v1/token" and seen.query.get("grant_type") == ["password"]:
            account = self.accounts.get(email)
            if account is None or account["password"] != password:
                return self.error(400, "invalid_credentials", "Invalid login credentials")
            if not account["confirmed"]:
                return self.error(400, "email_not_confirmed", "Email not confirmed")
            account["last_sign_in_at"] = _now()
            return 200, self.session(email)
        return self.error(404, "not_found", "Not found")

    def sign_up_to_confirm(self, email: str, password: str) -> tuple[int, dict]:
        """The bare user and no session; a taken address gets a look-alike user with a fresh id."""
        if email not in self.accounts:
            self.add_account(email, password)
            self.accounts[email]["confirmed"] = False
            user = self.user(email)
        else:
            user = self.user(email) | {"id": str(uuid.uuid4()), "identities": []}
        return 200, user | {"email_confirmed_at": None, "confirmed_at": None, "confirmation_sent_at": _now()}

    def error(self, status: int, code: str, message: str) -> tuple[int, dict]:
        if self.error_format == "2024-01-01":
            return status, {"code": code, "message": message}
        return status, {"code": status, "error_code": code, "msg": message}

    def session(self, email: str) -> dict:
        account, now = self.accounts[email], int(time.time())
        access_token = fake_jwt({"aud": "authenticated", "exp": now + 3600, "iat": now, "sub": account["id"],
                                 "email": email, "role": "authenticated", "session_id": str(uuid.uuid4())})
        return {"access_token": access_token, "token_type": "bearer", "expires_in": 3600,
                "expires_at": now + 3600, "refresh_token": uuid.uuid4().hex[:12], "user": self.user(email)}

    def user(self, email: str) -> dict:
        account = self.accounts[email]
        return {
            "id": account["id"],
            "aud": "authenticated",
            "role": "authenticated",
            "email": email,
            "email_confirmed_at": account["created_at"],
            "phone": "",
            "confirmed_at": account["created_at"],
            "last_sign_in_at": account.get("last_sign_in_at", account["created_at"]),
            "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": {"email": email, "email_verified": True, "phone_verified": False,
                              "sub": account["id"]},
            "identities": [{
                "identity_id": str(uuid.uuid5(uuid.NAMESPACE_URL, account["id"])),
                "id": account["id"],
                "user_id": account["id"],
                "identity_data": {"email": email, "email_verified": False, "phone_verified": False,
                                  "sub": account["id"]},
                "provider": "email",
                "last_sign_in_at": account["created_at"],
                "created_at": account["created_at"],
                "updated_at": account["created_at"],
                "email": email,
            }],
            "created_at": account["created_at"],
            "updated_at": _now(),
            "is_anonymous": False,
        }

    # --- HTTP ---------------------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                parts = urlsplit(self.path)
                seen = Seen("POST", parts.path, parse_qs(parts.query),
                            {key.lower(): value for key, value in self.headers.items()}, body)
                with api._lock:
                    api.requests.append(seen)
                    status, answer = api.answer(seen)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                if api.error_format == "2024-01-01":
                    self.send_header("x-supabase-api-version", "2024-01-01")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def gotrue(request):
    """A fake GoTrue; tests parametrize ``gotrue`` indirectly with an error format."""
    with FakeGoTrue(error_format=getattr(request, "param", "legacy")) as api:
        yield api


both_error_formats = pytest.mark.parametrize("gotrue", ["legacy", "2024-01-01"], indirect=True)


@pytest.fixture
def auth(studio, gotrue) -> SupabaseAuth:
    return SupabaseAuth(gotrue.url, ANON_KEY, studio.db)


def _local_users(studio) -> list[dict]:
    with studio.db.as_service() as conn:
        return conn.execute("SELECT id, email, encrypted_password FROM auth.users ORDER BY email").fetchall()


def test_sign_up_returns_the_server_user_and_mirrors_it_into_auth_users(studio, gotrue, auth):
    created = auth.sign_up(f"  {EMAIL.upper()} ", PASSWORD)

    server_id = gotrue.accounts[EMAIL]["id"]
    assert created.id == UUID(server_id)
    assert created.email == EMAIL
    [row] = _local_users(studio)
    assert (row["id"], row["email"]) == (created.id, EMAIL)
    assert row["encrypted_password"] is None  # the password lives with Supabase, never here


def test_sign_in_returns_the_same_user_without_mirroring_twice(studio, gotrue, auth):
    created = auth.sign_up(EMAIL, PASSWORD)
    signed_in = auth.sign_in(f" {EMAIL.upper()}", PASSWORD)

    assert signed_in == created
    assert len(_local_users(studio)) == 1
    assert [(seen.path, seen.query) for seen in gotrue.requests] == [
        ("/auth/v1/signup", {}),
        ("/auth/v1/token", {"grant_type": ["password"]}),
    ]


def test_sign_in_mirrors_an_account_made_elsewhere(studio, gotrue, auth):
    user_id = gotrue.add_account(EMAIL, PASSWORD)

    signed_in = auth.sign_in(EMAIL, PASSWORD)

    assert signed_in.id == UUID(user_id)
    assert [(row["id"], row["email"]) for row in _local_users(studio)] == [(UUID(user_id), EMAIL)]


def test_a_fresh_client_signs_in_the_same_user(studio, gotrue, auth):
    created = auth.sign_up(EMAIL, PASSWORD)
    again = SupabaseAuth(gotrue.url, ANON_KEY, studio.db).sign_in(EMAIL, PASSWORD)
    assert again == created


@both_error_formats
@pytest.mark.parametrize(
    ("email", "password"),
    [
        pytest.param(EMAIL, "not the password", id="wrong password"),
        pytest.param("tomas@lighthouse.example", PASSWORD, id="unknown email"),
    ],
)
def test_wrong_credentials_raise_invalid_credentials(studio, gotrue, auth, email, password):
    auth.sign_up(EMAIL, PASSWORD)
    with pytest.raises(InvalidCredentials):
        auth.sign_in(email, password)
    assert gotrue.requests[-1].path == "/auth/v1/token"
    assert len(_local_users(studio)) == 1


@both_error_formats
def test_a_duplicate_sign_up_raises_email_taken(studio, gotrue, auth):
    first = auth.sign_up(EMAIL, PASSWORD)
    with pytest.raises(EmailTaken) as taken:
        auth.sign_up(EMAIL.upper(), "another long secret")
    assert EMAIL in str(taken.value)
    assert [row["id"] for row in _local_users(studio)] == [first.id]
    assert len(gotrue.requests) == 2


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        pytest.param("not-an-email", PASSWORD, "email", id="bad email"),
        pytest.param("", PASSWORD, "email", id="empty email"),
        pytest.param(EMAIL, "x" * (MIN_PASSWORD - 1), "password", id="short password"),
        pytest.param(EMAIL, "", "password", id="empty password"),
    ],
)
def test_bad_input_is_rejected_before_any_request(studio, gotrue, auth, email, password, field):
    with pytest.raises(InputRejected) as rejected:
        auth.sign_up(email, password)
    assert field in rejected.value.field_errors
    assert gotrue.requests == []
    assert _local_users(studio) == []


def test_the_server_sees_the_anon_key_and_a_json_body(gotrue, auth):
    auth.sign_up(EMAIL, PASSWORD)
    auth.sign_in(EMAIL, PASSWORD)

    for seen in gotrue.requests:
        assert seen.headers["apikey"] == ANON_KEY
        assert seen.headers["content-type"].startswith("application/json")
        assert seen.json["email"] == EMAIL
        assert seen.json["password"] == PASSWORD
        assert seen.headers["authorization"] == f"Bearer {ANON_KEY}"  # never a signed-in user's token


def test_one_instance_serving_two_creators_keeps_neither_session(studio, gotrue, auth):
    """The app shares one authenticator between browser sessions (st.cache_resource)."""
    mara = auth.sign_up(EMAIL, PASSWORD)
    tomas = auth.sign_up("tomas@lighthouse.example", "a different long secret")
    assert auth.sign_in(EMAIL, PASSWORD) == mara
    assert auth.sign_in("tomas@lighthouse.example", "a different long secret") == tomas
    assert mara.id != tomas.id
    assert {seen.headers["authorization"] for seen in gotrue.requests} == {f"Bearer {ANON_KEY}"}
    assert [row["id"] for row in _local_users(studio)] == [mara.id, tomas.id]


@pytest.mark.parametrize(("email", "password"), [("", PASSWORD), (EMAIL, ""), (None, None)])
def test_an_empty_sign_in_is_refused_without_a_request(gotrue, auth, email, password):
    with pytest.raises(InvalidCredentials):
        auth.sign_in(email, password)
    assert gotrue.requests == []


@both_error_formats
def test_an_unexpected_refusal_is_an_auth_error_naming_the_server_message(studio, gotrue, auth):
    gotrue.answer = lambda seen: gotrue.error(429, "over_request_rate_limit", "Request rate limit reached")
    with pytest.raises(AuthError) as refused:
        auth.sign_up(EMAIL, PASSWORD)
    assert not isinstance(refused.value, (EmailTaken, InvalidCredentials))
    assert "Request rate limit reached" in str(refused.value)
    assert _local_users(studio) == []


def test_signing_in_leaves_no_background_refresh_timer(gotrue, auth):
    auth.sign_up(EMAIL, PASSWORD)
    auth.sign_in(EMAIL, PASSWORD)
    timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]
    assert timers == []  # a non-daemon refresh timer would keep a finished process alive for an hour


def test_authenticator_picks_supabase_auth_when_url_and_key_are_set(studio, gotrue, service_urls):
    settings = Settings(_env_file=None, SUPABASE_URL=gotrue.url, SUPABASE_KEY=ANON_KEY,
                        DATABASE_URL=service_urls["database"])
    chosen = authenticator(settings, studio.db)
    assert isinstance(chosen, SupabaseAuth)
    assert chosen.sign_up(EMAIL, PASSWORD).id == UUID(gotrue.accounts[EMAIL]["id"])
    assert gotrue.requests[0].headers["apikey"] == ANON_KEY


@pytest.mark.parametrize("missing", ["SUPABASE_URL", "SUPABASE_KEY"])
def test_authenticator_stays_local_without_both_settings(studio, gotrue, service_urls, missing):
    values = {"SUPABASE_URL": gotrue.url, "SUPABASE_KEY": ANON_KEY, missing: ""}
    settings = Settings(_env_file=None, DATABASE_URL=service_urls["database"], **values)
    assert isinstance(authenticator(settings, studio.db), LocalAuth)


# --- a project that confirms email first ---------------------------------------------------------


@pytest.fixture
def confirming(studio):
    """A fake GoTrue whose project requires email confirmation, and a SupabaseAuth on it."""
    with FakeGoTrue(confirm_email=True) as api:
        yield api, SupabaseAuth(api.url, ANON_KEY, studio.db)


def test_sign_up_needing_confirmation_signs_nobody_in_and_claims_nothing(studio, confirming):
    gotrue, auth = confirming
    with pytest.raises(ConfirmationPending) as pending:
        auth.sign_up(EMAIL, PASSWORD)
    assert "check your email" in str(pending.value) and EMAIL in str(pending.value)
    assert _local_users(studio) == []

    with pytest.raises(ConfirmationPending, match="isn't confirmed yet"):
        auth.sign_in(EMAIL, PASSWORD)
    assert _local_users(studio) == []

    gotrue.confirm(EMAIL)
    signed_in = auth.sign_in(EMAIL, PASSWORD)
    assert signed_in.id == UUID(gotrue.accounts[EMAIL]["id"])
    assert [row["id"] for row in _local_users(studio)] == [signed_in.id]


def test_signing_up_with_someone_elses_address_claims_nothing(studio, confirming):
    gotrue, auth = confirming
    owner = gotrue.add_account(EMAIL, PASSWORD)  # confirmed, made elsewhere
    with pytest.raises(ConfirmationPending):
        auth.sign_up(EMAIL, "the squatter's own secret")
    assert _local_users(studio) == []
    assert auth.sign_in(EMAIL, PASSWORD).id == UUID(owner)


def test_repeated_wrong_passwords_are_refused_before_reaching_supabase(studio, gotrue, auth):
    auth.sign_up(EMAIL, PASSWORD)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            auth.sign_in(EMAIL, "not the password", client="browser-1")
    asked = len(gotrue.requests)

    with pytest.raises(TooManyAttempts, match=r"^Too many attempts; try again in \d+ seconds\.$"):
        auth.sign_in(EMAIL, PASSWORD, client="browser-2")
    assert len(gotrue.requests) == asked
