"""AppTests for app.py: the sign-in gate, the router over the stage registry, the sidebar, a database that is down.

Each test drives the studio as a creator would, then checks what they see and what the database holds.
"""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.pipeline import STAGES
from core.story.projects import create_project
from db import users
from tests.conftest import REPO_ROOT, SAMPLE_PREMISE

APP = str(REPO_ROOT / "app.py")
PASSWORD = "salt-worn lighthouse"


def studio_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def credentials(at: AppTest, form: str, email: str, password: str) -> AppTest:
    """Fill the sign-in or sign-up form (`form` is the key prefix) and press its button."""
    at.text_input(key=f"{form}_email").input(email)
    at.text_input(key=f"{form}_password").input(password)
    label = "Sign in" if form == "sign_in" else "Create account"
    return next(b for b in at.button if b.label == label).click().run()


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def assert_signed_out(at: AppTest) -> None:
    """Only the sign-in page renders: its title, its two forms, nothing in the sidebar."""
    assert not at.exception
    assert titles(at) == ["Aiuteur"]
    assert [b.label for b in at.button] == ["Sign in", "Create account"]
    assert not at.sidebar.children and not at.dataframe
    assert "user" not in at.session_state
    for path in sorted((REPO_ROOT / "pages").glob("*.py")):
        if path.name != "sign_in.py":
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"pages/{path.name}")


def account(studio, email: str) -> dict | None:
    with studio.db.as_service() as conn:  # auth.users belongs to the auth service, not to a user
        return users.user_by_email(conn, email)


def test_signed_out_only_the_sign_in_page_renders(studio):
    assert_signed_out(studio_app())


def test_sign_up_create_a_film_sign_out_and_find_it_again(studio):
    at = credentials(studio_app(), "sign_up", "Mara@Example.com", PASSWORD)

    assert not at.exception and titles(at) == ["Your films"]
    assert at.sidebar.caption[0].value == "Signed in as mara@example.com"
    mara = account(studio, "mara@example.com")
    assert mara is not None and mara["encrypted_password"] != PASSWORD
    assert at.session_state["user"] == {"id": str(mara["id"]), "email": "mara@example.com"}

    next(w for w in at.text_input if w.label == "Title").input("The Lighthouse")
    next(w for w in at.text_area if w.label.startswith("Your premise")).input(SAMPLE_PREMISE)
    next(b for b in at.button if b.label == "Create project").click().run()
    assert titles(at) == ["Stage 2 · Treatment"]  # issue 8: a new film opens on its next step
    at.switch_page("pages/dashboard.py").run()
    assert at.dataframe[0].value["Title"].tolist() == ["The Lighthouse"]

    next(b for b in at.sidebar.button if b.label == "Sign out").click().run()
    assert_signed_out(at)

    at = credentials(at, "sign_in", "mara@example.com", "not the password")
    assert [e.value for e in at.error] == ["That email and password don't match an account."]
    assert_signed_out(at)

    at = credentials(at, "sign_in", " MARA@example.com ", PASSWORD)
    assert not at.exception and titles(at) == ["Your films"]
    table = at.dataframe[0].value
    assert table[["Title", "Current stage"]].values.tolist() == [["The Lighthouse", "1 · Input"]]
    with studio.db.as_user(mara["id"]) as conn:
        assert [p["title"] for p in conn.execute("SELECT title FROM projects").fetchall()] == ["The Lighthouse"]


def test_one_creator_never_sees_anothers_films(studio, make_user, project_input):
    other = make_user("tomas@example.com")
    create_project(studio.db, other.id, project_input)
    at = credentials(studio_app(), "sign_up", "mara@example.com", PASSWORD)
    assert titles(at) == ["Your films"] and not at.dataframe
    assert "No projects yet" in at.info[0].value


@pytest.mark.parametrize(
    ("email", "password", "shown"),
    [
        ("not-an-email", PASSWORD, ["Email: enter an email address like name@studio.com"]),
        ("mara@example.com", "short", ["Password: use at least 8 characters"]),
        ("", "", ["Email: enter an email address like name@studio.com", "Password: use at least 8 characters"]),
        ("mara@example.com", "eight\x00chars", ["Password: that password can't be used"]),
    ],
    ids=["bad email", "short password", "both empty", "NUL in password"],
)
def test_bad_sign_up_is_refused_and_creates_no_account(studio, email, password, shown):
    at = credentials(studio_app(), "sign_up", email, password)
    assert [e.value for e in at.error] == shown
    assert_signed_out(at)
    with studio.db.as_service() as conn:
        assert conn.execute("SELECT count(*) AS n FROM auth.users").fetchone()["n"] == 0


def test_signing_up_twice_with_one_email_is_refused(studio, make_user):
    make_user("mara@example.com")
    at = credentials(studio_app(), "sign_up", "mara@example.com", PASSWORD)
    assert [e.value for e in at.error] == ["An account with mara@example.com already exists. Sign in instead."]
    assert_signed_out(at)


def test_unknown_account_cannot_sign_in(studio):
    at = credentials(studio_app(), "sign_in", "nobody@example.com", PASSWORD)
    assert [e.value for e in at.error] == ["That email and password don't match an account."]
    assert_signed_out(at)


def test_a_page_opened_without_signing_in_asks_for_it(studio):
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "dashboard.py"), default_timeout=60).run()
    assert not at.exception and [w.value for w in at.warning] == ["Sign in to continue."]
    assert not titles(at)


def test_a_database_that_cant_be_reached_is_explained_not_a_traceback(studio, monkeypatch):
    st.cache_resource.clear()  # the booted studio of earlier tests would hide the outage
    try:
        with monkeypatch.context() as env:
            env.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nope")
            at = studio_app()
    finally:
        st.cache_resource.clear()

    assert not at.exception
    (error,) = at.error
    assert "Aiuteur can't start" in error.value and "Can't reach the database" in error.value
    assert any("DATABASE_URL" in i.value for i in at.info)
    assert not at.text_input and not at.button


# --- the router and the sidebar, signed in -----------------------------------------------------------


def signed_in(user, **ids: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["user"] = {"id": str(user.id), "email": user.email}
    for key, value in ids.items():
        at.session_state[key] = value
    return at.run()


def test_every_available_stage_has_a_page_file():
    assert STAGES[0].available
    missing = [s.page for s in STAGES if s.available and not (REPO_ROOT / s.page).is_file()]
    assert not missing


def test_the_router_offers_exactly_the_available_stages(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    at = signed_in(user, project_id=str(ref.project_id), branch_id=str(ref.branch_id))
    for stage in STAGES:
        if stage.available:
            at.switch_page(stage.page).run()
            assert not at.exception and at.title[0].value.startswith(f"Stage {stage.number}"), stage.page
        elif (REPO_ROOT / stage.page).is_file():  # a page being built is not offered until it is marked available
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(stage.page)
    for helper in ("pages/ui/session.py", "pages/ui/input_form.py"):  # modules the pages share, not pages
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(helper)
    at.switch_page("pages/dashboard.py").run()
    assert titles(at) == ["Your films"]
    assert [c.value for c in at.sidebar.caption][:2] == [f"Signed in as {user.email}", "Branch: **Main**"]


def test_the_sidebar_picks_the_project_every_stage_page_works_on(studio, make_user, project_input):
    user = make_user()
    lighthouse = create_project(studio.db, user.id, project_input)
    wish = create_project(studio.db, user.id, project_input | {"title": "Jenny's Wish"})
    at = signed_in(user)

    picker = at.sidebar.selectbox[0]
    assert picker.label == "Project" and picker.value == str(wish.project_id)  # the newest first
    assert (at.session_state["project_id"], at.session_state["branch_id"]) == (
        str(wish.project_id), str(wish.branch_id))

    at.sidebar.selectbox[0].set_value(str(lighthouse.project_id)).run()
    assert (at.session_state["project_id"], at.session_state["branch_id"]) == (
        str(lighthouse.project_id), str(lighthouse.branch_id))
    at.switch_page("pages/stage_01_input.py").run()
    assert next(w for w in at.text_input if w.label == "Title").value == "The Lighthouse"
    assert at.sidebar.selectbox[0].value == str(lighthouse.project_id)


# --- safe edges: confirmation, repeated failures, no secrets on the page ------------------------------


def test_five_wrong_passwords_make_the_sixth_attempt_wait(studio, make_user):
    make_user("mara@example.com", PASSWORD)
    at = studio_app()
    for _ in range(5):
        at = credentials(at, "sign_in", "mara@example.com", "not the password")
        assert [e.value for e in at.error] == ["That email and password don't match an account."]

    at = credentials(at, "sign_in", "mara@example.com", PASSWORD)
    (refusal,) = [e.value for e in at.error]
    assert refusal.startswith("Too many attempts; try again in ") and refusal.endswith(" seconds.")
    assert_signed_out(at)


def test_sign_up_on_a_project_that_confirms_email_signs_nobody_in(studio, monkeypatch):
    from tests.test_supabase_auth import ANON_KEY, FakeGoTrue

    st.cache_resource.clear()  # the studio and authenticator of earlier tests are local-auth ones
    try:
        with FakeGoTrue(confirm_email=True) as gotrue, monkeypatch.context() as env:
            env.setenv("SUPABASE_URL", gotrue.url)
            env.setenv("SUPABASE_KEY", ANON_KEY)
            at = credentials(studio_app(), "sign_up", "mara@example.com", PASSWORD)
    finally:
        st.cache_resource.clear()

    assert not at.error
    assert [i.value for i in at.info] == [
        "Almost there: check your email (mara@example.com) to confirm the account, then sign in."]
    assert_signed_out(at)
    assert account(studio, "mara@example.com") is None


@pytest.mark.parametrize(
    ("variable", "url", "said"),
    [
        ("DATABASE_URL", "postgresql://mara:hunter2-db-secret@127.0.0.1:1/nope", "Can't reach the database"),
        ("DATABASE_URL", "postgresql://mara:hunter2-db-secret@127.0.0.1:notaport/nope", "Can't reach the database"),
        ("REDIS_URL", "redis://:hunter2-redis-secret@127.0.0.1:1/0", "Can't reach Redis at redis://:***@127.0.0.1:1/0"),
    ],
    ids=["database refused", "database url malformed", "redis refused"],
)
def test_an_unreachable_service_is_explained_without_its_password(studio, monkeypatch, variable, url, said):
    st.cache_resource.clear()
    try:
        with monkeypatch.context() as env:
            env.setenv(variable, url)
            at = studio_app()
    finally:
        st.cache_resource.clear()

    assert not at.exception
    (error,) = at.error
    assert "Aiuteur can't start" in error.value and said in error.value
    shown = "\n".join(str(e.value) for kind in ("error", "info", "warning", "markdown", "caption")
                      for e in getattr(at, kind))
    assert "hunter2" not in shown
