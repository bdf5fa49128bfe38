"""The scene a per-scene page opens on: the session's own scene, else the one its url names (a refresh, a bookmark),
else the first; and the url then names the scene shown, so the next refresh comes back to it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.runtime.auth import LocalAuth
from tests.conftest import REPO_ROOT, _empty_everything
from tests.phase_b import film_through_assets

pytestmark = pytest.mark.db

SHOTS = "pages/stage_07_shots.py"


@pytest.fixture(scope="module")
def film(booted):
    """One film for the module, on emptied tables: these tests only open a page on it."""
    _empty_everything(booted)
    return film_through_assets(booted, LocalAuth(booted.db).sign_up("ferry@example.com", "a long enough secret"))


def open_shots(film, *, in_session: int | None, in_url: str | None) -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = {"id": str(film.user.id), "email": film.user.email}
    at.session_state["project_id"] = str(film.ref.project_id)
    at.session_state["branch_id"] = str(film.ref.branch_id)
    if in_session is not None:
        at.session_state["scene_number"] = in_session
    at.run()
    at.switch_page(SHOTS)
    if in_url is not None:
        at.query_params["scene"] = in_url
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("in_session", "in_url", "shown"), [
    (None, "3", 3),      # a refresh on scene 3: a new session, the url remembers
    (2, "3", 2),         # this session picked scene 2 since (in the hub, say): its choice wins
    (None, None, 1),     # nothing named: the film's first scene
    (None, "9", 1),      # a scene this branch doesn't have (an old bookmark)
    (None, "two", 1),    # a url typed by hand
    (None, "-2", 1),
])
def test_the_page_opens_on_the_session_scene_else_the_url_scene_else_the_first(film, in_session, in_url, shown):
    at = open_shots(film, in_session=in_session, in_url=in_url)
    assert at.selectbox(key="s7_scene").value == shown
    assert f"No shot list for scene {shown} yet." in " ".join(i.value for i in at.info)
    assert at.query_params["scene"] == str(shown)  # the next refresh comes back here
