"""Signed-in sessions that survive a refresh: the service (open, claim, resolve, expire, revoke) and the page.

The browser half (a real refresh in Chromium) is in test_browser_journey.py.
"""

from __future__ import annotations

import psycopg
import pytest
from streamlit.runtime.context import ContextProxy
from streamlit.testing.v1 import AppTest

from core.runtime import sessions
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.db
APP = str(REPO_ROOT / "app.py")


def signed_in_token(studio, user, **kwargs) -> str:
    handoff = sessions.open_session(studio.db, user, **kwargs)
    return sessions.claim(studio.db, handoff.ticket)


def test_a_claimed_ticket_gives_a_token_that_names_its_creator(studio, make_user):
    mara = make_user("mara@example.com")
    token = signed_in_token(studio, mara)
    restored = sessions.resolve(studio.db, token)
    assert restored is not None and restored.user == mara


def test_a_ticket_is_claimed_once(studio, make_user):
    handoff = sessions.open_session(studio.db, make_user())
    assert sessions.claim(studio.db, handoff.ticket)
    assert sessions.claim(studio.db, handoff.ticket) is None


def test_an_old_ticket_is_void(studio, make_user):
    handoff = sessions.open_session(studio.db, make_user())
    with studio.db.as_service() as conn:
        conn.execute("UPDATE aiuteur_private.sessions SET created_at = now() - interval '3 minutes' WHERE id = %s",
                     [handoff.session_id])
    assert sessions.claim(studio.db, handoff.ticket) is None


@pytest.mark.parametrize("token", ["", None, "not-a-token", "x" * 500])
def test_a_cookie_nobody_was_given_signs_nobody_in(studio, make_user, token):
    signed_in_token(studio, make_user())
    assert sessions.resolve(studio.db, token) is None


def test_the_database_keeps_only_hashes(studio, make_user):
    handoff = sessions.open_session(studio.db, make_user())
    token = sessions.claim(studio.db, handoff.ticket)
    with studio.db.as_service() as conn:
        stored = conn.execute("SELECT * FROM aiuteur_private.sessions").fetchone()
    assert token not in stored.values() and handoff.ticket not in stored.values()
    assert stored["ticket_hash"] is None and len(stored["token_hash"]) == 64


def test_an_expired_session_signs_nobody_in(studio, make_user):
    token = signed_in_token(studio, make_user())
    with studio.db.as_service() as conn:
        conn.execute("UPDATE aiuteur_private.sessions SET created_at = now() - interval '31 days', "
                     "expires_at = now() - interval '1 day'")
    assert sessions.resolve(studio.db, token) is None


def test_a_session_lasts_thirty_days(studio, make_user):
    signed_in_token(studio, make_user())
    with studio.db.as_service() as conn:
        days = conn.execute("SELECT extract(day FROM expires_at - created_at) AS d FROM aiuteur_private.sessions"
                            ).fetchone()["d"]
    assert days == sessions.SESSION_DAYS == 30


def test_signing_out_revokes_the_session_on_the_server(studio, make_user):
    mara, tomas = make_user(), make_user()
    handoff = sessions.open_session(studio.db, mara)
    token = sessions.claim(studio.db, handoff.ticket)
    assert not sessions.revoke(studio.db, handoff.session_id, tomas.id), "only its own creator ends a session"
    assert sessions.resolve(studio.db, token) is not None
    assert sessions.revoke(studio.db, handoff.session_id, mara.id)
    assert sessions.resolve(studio.db, token) is None


def test_the_sign_out_route_revokes_by_cookie(studio, make_user):
    token = signed_in_token(studio, make_user())
    assert sessions.revoke_token(studio.db, token)
    assert sessions.resolve(studio.db, token) is None and not sessions.revoke_token(studio.db, token)


def test_a_creator_cannot_read_or_forge_sessions(studio, make_user):
    mara = make_user()
    signed_in_token(studio, mara)
    for statement in ("SELECT token_hash FROM aiuteur_private.sessions",
                      "UPDATE aiuteur_private.sessions SET revoked_at = NULL",
                      f"INSERT INTO aiuteur_private.sessions (user_id, token_hash) VALUES ('{mara.id}', 'x')"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), studio.db.as_user(mara.id) as conn:
            conn.execute(statement)


@pytest.fixture
def browser_cookies(monkeypatch):
    """What the browser sent when the tab connected: AppTest has no browser, so this stands in for it."""
    jar: dict[str, str] = {}
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: jar))
    return jar


def test_a_refreshed_tab_is_signed_in_from_its_cookie_and_opens_the_page_at_its_url(studio, make_user,
                                                                                 browser_cookies):
    mara = make_user("mara@example.com")
    browser_cookies[sessions.COOKIE_NAME] = signed_in_token(studio, mara)
    at = AppTest.from_file(APP, default_timeout=60).run()  # a fresh tab: empty session state
    assert not at.exception
    assert [t.value for t in at.title] == ["Your films"]
    assert "Signed in as mara@example.com" in [c.value for c in at.sidebar.caption]
    sign_out = next(b for b in at.sidebar.button if b.label == "Sign out")
    at = sign_out.click().run()
    assert [t.value for t in at.title] == ["Aiuteur"], "signing out signs out, though the old cookie is still sent"
    assert sessions.resolve(studio.db, browser_cookies[sessions.COOKIE_NAME]) is None
    assert [t.value for t in AppTest.from_file(APP, default_timeout=60).run().title] == ["Aiuteur"]


def test_a_revoked_or_unknown_cookie_shows_the_sign_in_page(studio, make_user, browser_cookies):
    browser_cookies[sessions.COOKIE_NAME] = "made-up"
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and [t.value for t in at.title] == ["Aiuteur"]
