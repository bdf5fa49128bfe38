"""Local accounts: sign up, sign in, and the refusals a creator sees."""

from __future__ import annotations

import psycopg
import pytest
from argon2 import PasswordHasher

from core.errors import EmailTaken, InputRejected, InvalidCredentials, TooManyAttempts
from core.runtime.auth import MIN_PASSWORD, LocalAuth

pytestmark = pytest.mark.db

EMAIL = "mara@lighthouse.example"
PASSWORD = "salt-worn and hopeful"


@pytest.fixture
def auth(studio) -> LocalAuth:
    return LocalAuth(studio.db)


def _account_rows(studio) -> list[dict]:
    with studio.db.as_service() as conn:
        return conn.execute("SELECT id, email, encrypted_password, last_sign_in_at FROM auth.users").fetchall()


def test_sign_up_then_sign_in_returns_the_same_account(studio, auth):
    created = auth.sign_up(EMAIL, PASSWORD)
    signed_in = auth.sign_in(EMAIL, PASSWORD)
    assert signed_in == created
    assert created.email == EMAIL
    [row] = _account_rows(studio)
    assert row["id"] == created.id and row["last_sign_in_at"] is not None


def test_sign_in_ignores_case_and_surrounding_spaces_in_the_email(auth):
    created = auth.sign_up(EMAIL, PASSWORD)
    assert auth.sign_in(f"  {EMAIL.upper()} ", PASSWORD) == created


@pytest.mark.parametrize(
    ("email", "password"),
    [
        pytest.param(EMAIL, "not the password", id="wrong password"),
        pytest.param(EMAIL, PASSWORD.upper(), id="password in the wrong case"),
        pytest.param(EMAIL, "", id="empty password"),
        pytest.param("tomas@lighthouse.example", PASSWORD, id="unknown email"),
        pytest.param("", PASSWORD, id="empty email"),
    ],
)
def test_sign_in_with_wrong_credentials_is_refused_without_saying_which(studio, auth, email, password):
    auth.sign_up(EMAIL, PASSWORD)
    with pytest.raises(InvalidCredentials) as refused:
        auth.sign_in(email, password)
    assert str(refused.value) == "That email and password don't match an account."
    assert _account_rows(studio)[0]["last_sign_in_at"] is None


@pytest.mark.parametrize("again", [EMAIL, EMAIL.upper(), f"  {EMAIL}  ", "Mara@Lighthouse.Example"])
def test_an_email_can_only_sign_up_once(studio, auth, again):
    auth.sign_up(EMAIL, PASSWORD)
    with pytest.raises(EmailTaken, match="already exists"):
        auth.sign_up(again, "another long password")
    assert len(_account_rows(studio)) == 1
    auth.sign_in(EMAIL, PASSWORD)  # the first account's password still works


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [
        ("not-an-email", PASSWORD, "email"),
        ("mara@", PASSWORD, "email"),
        ("mara @lighthouse.example", PASSWORD, "email"),
        ("", PASSWORD, "email"),
        (EMAIL, "x" * (MIN_PASSWORD - 1), "password"),
        (EMAIL, "", "password"),
        (EMAIL, "nul\x00byte-password", "password"),
    ],
)
def test_bad_sign_up_input_names_the_field_and_creates_nothing(studio, auth, email, password, field):
    with pytest.raises(InputRejected) as rejected:
        auth.sign_up(email, password)
    assert list(rejected.value.field_errors) == [field]
    assert _account_rows(studio) == []


def test_both_fields_wrong_names_both(auth):
    with pytest.raises(InputRejected) as rejected:
        auth.sign_up("nope", "short")
    assert set(rejected.value.field_errors) == {"email", "password"}


def test_the_password_is_stored_as_an_argon2id_hash(studio, auth):
    auth.sign_up(EMAIL, PASSWORD)
    [row] = _account_rows(studio)
    stored = row["encrypted_password"]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)


def test_the_same_password_hashes_differently_for_two_accounts(studio, auth):
    auth.sign_up(EMAIL, PASSWORD)
    auth.sign_up("tomas@lighthouse.example", PASSWORD)
    first, second = (row["encrypted_password"] for row in _account_rows(studio))
    assert first != second, "each hash has its own salt"


def test_an_account_without_a_password_cannot_be_signed_into(studio, auth):
    """A mirrored Supabase account has no local password: no password, however empty, opens it."""
    with studio.db.as_service() as conn:
        conn.execute("INSERT INTO auth.users (email) VALUES (%s)", [EMAIL])
    for password in ("", PASSWORD):
        with pytest.raises(InvalidCredentials):
            auth.sign_in(EMAIL, password)


# --- repeated failures are slowed down --------------------------------------------------------------


def _fail(auth, times: int, email: str = EMAIL, client: str = "browser-1") -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            auth.sign_in(email, "not the password", client=client)


def _age_failures(studio, seconds: int) -> None:
    """Move every recorded failure `seconds` into the past, as waiting that long would."""
    with studio.db.as_service() as conn:
        conn.execute("UPDATE aiuteur_private.sign_in_failures SET failed_at = failed_at - make_interval(secs => %s)",
                     [seconds])


def test_five_failures_make_the_account_wait_even_for_the_right_password(studio, auth):
    auth.sign_up(EMAIL, PASSWORD)
    _fail(auth, 5)

    with pytest.raises(TooManyAttempts) as refused:
        auth.sign_in(EMAIL, PASSWORD, client="another-browser")
    assert 25 <= refused.value.retry_after <= 30
    assert str(refused.value) == f"Too many attempts; try again in {refused.value.retry_after} seconds."
    assert _account_rows(studio)[0]["last_sign_in_at"] is None  # the password was not even checked

    _age_failures(studio, 31)
    assert auth.sign_in(EMAIL, PASSWORD).email == EMAIL
    _fail(auth, 4)  # a success starts the account's count again
    assert auth.sign_in(EMAIL, PASSWORD).email == EMAIL


def test_the_wait_grows_with_each_failure_after_the_limit(studio, auth):
    auth.sign_up(EMAIL, PASSWORD)
    _fail(auth, 5)
    _age_failures(studio, 31)
    _fail(auth, 1)  # the sixth
    with pytest.raises(TooManyAttempts) as refused:
        auth.sign_in(EMAIL, PASSWORD)
    assert 55 <= refused.value.retry_after <= 60


def test_refused_attempts_are_not_counted_as_failures(studio, auth):
    auth.sign_up(EMAIL, PASSWORD)
    _fail(auth, 5)
    for _ in range(10):
        with pytest.raises(TooManyAttempts):
            auth.sign_in(EMAIL, "still guessing", client="browser-1")
    _age_failures(studio, 31)
    assert auth.sign_in(EMAIL, PASSWORD).email == EMAIL


def test_one_client_guessing_many_accounts_is_slowed_but_others_are_not(studio, auth):
    auth.sign_up(EMAIL, PASSWORD)
    for n in range(20):
        _fail(auth, 1, email=f"guess{n}@lighthouse.example", client="guesser")

    with pytest.raises(TooManyAttempts):
        auth.sign_in(EMAIL, PASSWORD, client="guesser")
    assert auth.sign_in(EMAIL, PASSWORD, client="mara's browser").email == EMAIL


def test_the_app_roles_cannot_read_or_clear_the_failures(studio, auth):
    mara = auth.sign_up(EMAIL, PASSWORD)
    _fail(auth, 2)
    for statement in ("SELECT * FROM aiuteur_private.sign_in_failures",
                      "DELETE FROM aiuteur_private.sign_in_failures"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with studio.db.as_user(mara.id) as conn:
                conn.execute(statement)
    with studio.db.as_service() as conn:
        assert conn.execute("SELECT count(*) AS n FROM aiuteur_private.sign_in_failures").fetchone()["n"] == 2
