"""AppTests for the dashboard's issue-8 snags: a new film opens on its next step, no double films, rows
open their film, rename and delete with confirmation, the branch beside the current stage; and the
asset library's rename and delete.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.branches.forks import fork, switch_branch
from core.errors import InputRejected
from core.film.config import MAX_NARRATIVE_CHARS, InputMode, decode_upload, validate_project_config
from core.story.assets import library
from core.story.projects import create_project, list_projects
from core.story.run import run_story
from db import assets as asset_db
from pages.ui.prose import escaped as plain
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.db
APP = str(REPO_ROOT / "app.py")
DASHBOARD = "pages/dashboard.py"
FOUNTAIN = "INT. BOATHOUSE - NIGHT\n\nIlse coils the rope.\n\nILSE\nThe tide won't wait.\n"
PREMISE = "Two sisters who run a ferry must decide whether to sail into a storm to fetch a doctor."


def studio_as(user) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["user"] = {"id": str(user.id), "email": user.email}
    return at.run()


def new_film(at: AppTest, title: str, narrative: str, mode: str | None = None) -> AppTest:
    next(w for w in at.text_input if w.label == "Title").input(title)
    if mode:
        next(w for w in at.radio if w.label == "What are you bringing?").set_value(InputMode(mode))
    next(w for w in at.text_area if w.label.startswith("Your premise")).input(narrative)
    return next(b for b in at.button if b.label == "Create project").click().run()


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


@pytest.mark.parametrize(("mode", "narrative", "lands_on"), [
    (None, PREMISE, "Stage 2 · Treatment"),
    ("condense", PREMISE + " They argue all night. " * 5, "Stage 2 · Treatment"),
    ("import", FOUNTAIN, "Stage 4 · Master script"),
])
def test_a_new_film_opens_on_its_next_step(studio, make_user, mode, narrative, lands_on):
    user = make_user()
    at = new_film(studio_as(user), "The Ferry; Night Crossing", narrative, mode)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert titles(at) == [lands_on]
    (film,) = list_projects(studio.db, user.id)
    assert at.session_state["project_id"] == str(film["id"])
    assert film["title"] == "The Ferry; Night Crossing"


@pytest.mark.parametrize("again", ["Salt Road", "  salt road ", "SALT ROAD"])
def test_the_same_title_twice_is_refused_and_makes_one_film(studio, make_user, again):
    user = make_user()
    new_film(studio_as(user), "Salt Road", PREMISE)
    at = new_film(studio_as(user).switch_page(DASHBOARD).run(), again, PREMISE)
    assert titles(at) == ["Your films"]
    assert any("you already have a film called “Salt Road”" in e.value for e in at.error)
    assert [p["title"] for p in list_projects(studio.db, user.id)] == ["Salt Road"]


def test_another_creator_may_use_the_same_title(studio, make_user, project_input):
    create_project(studio.db, make_user().id, project_input)
    create_project(studio.db, (other := make_user()).id, project_input)
    assert [p["title"] for p in list_projects(studio.db, other.id)] == [project_input["title"]]


def test_a_row_opens_its_film_where_the_work_is(studio, make_user, project_input):
    user = make_user()
    made = run_story(studio, user, {**project_input, "title": "First Light"}, through=3)  # the script is next
    create_project(studio.db, user.id, {**project_input, "title": "Second Light"})
    at = studio_as(user).switch_page(DASHBOARD).run()
    table = at.dataframe[0].value
    row = table["Title"].tolist().index("First Light")
    assert table["Current stage"][row] == "3 · Beat sheet" and table["Branch"][row] == "Main"
    at.session_state["films_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at = at.run()
    assert not at.exception and titles(at) == ["Stage 4 · Master script"]
    assert (at.session_state["project_id"], at.session_state["branch_id"]) == (str(made.project_id),
                                                                              str(made.branch_id))


def test_the_current_stage_is_the_active_branchs_and_names_it(studio, make_user, project_input):
    user = make_user()
    ref = run_story(studio, user, project_input, through=3)
    alt = fork(studio.db, user.id, ref.project_id, ref.branch_id, 2, "Quieter", "a gentler treatment")
    switch_branch(studio.db, user.id, ref.project_id, alt["id"])
    table = studio_as(user).switch_page(DASHBOARD).run().dataframe[0].value
    assert table[["Branch", "Current stage"]].values.tolist() == [["Quieter (+1 other branch)", "2 · Treatment"]]



@pytest.mark.parametrize(("new_title", "shown"), [
    ("Salt Road; Part 2 -- \"Home\" <again>", None),
    ("Other Film", "you already have a film called “Other Film”"),
    ("   ", "this can't be empty"),
])
def test_renaming_a_film(studio, make_user, project_input, new_title, shown):
    user = make_user()
    ref = create_project(studio.db, user.id, {**project_input, "title": "Salt Road"})
    create_project(studio.db, user.id, {**project_input, "title": "Other Film"})
    at = studio_as(user).switch_page(DASHBOARD).run()
    at.selectbox(key="manage_project").set_value(str(ref.project_id)).run()
    at.text_input(key=f"rename_title_{ref.project_id}").input(new_title)
    at = next(b for b in at.button if b.label == "Rename").click().run()
    stored = sorted(p["title"] for p in list_projects(studio.db, user.id))
    if shown is None:
        assert stored == sorted([new_title.strip(), "Other Film"])
        assert f"Renamed to “{plain(new_title.strip())}”." in [t.value for t in at.toast]
        assert new_title.strip() in at.dataframe[0].value["Title"].tolist()
    else:
        assert stored == ["Other Film", "Salt Road"]
        assert any(shown in e.value for e in at.error)


def test_deleting_a_film_needs_a_confirmation(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, {**project_input, "title": "Salt Road"})
    at = studio_as(user).switch_page(DASHBOARD).run()
    delete = at.button(key="delete_project")
    assert delete.disabled, "nothing is deleted by one click"
    at.checkbox(key=f"confirm_delete_{ref.project_id}").check().run()
    at = at.button(key="delete_project").click().run()
    assert list_projects(studio.db, user.id) == []
    assert "Deleted “Salt Road”." in [t.value for t in at.toast]
    assert "No projects yet" in at.info[0].value


def test_library_assets_can_be_renamed_keeping_their_image_and_deleted(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    with studio.db.as_user(user.id) as conn:
        kept = asset_db.promote(conn, {"name": "Mara", "asset_type": "character", "description": "the keeper",
                                       "image_key_url": None, "project_id": ref.project_id})
        asset_db.promote(conn, {"name": "Tomas", "asset_type": "character", "description": "her brother",
                                "image_key_url": None, "project_id": ref.project_id})
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "asset_library.py"), default_timeout=60)
    at.session_state["user"] = {"id": str(user.id), "email": user.email}
    at = at.run()
    at.text_input(key=f"name_{kept['id']}").input("Tomas")
    at = at.button(key=f"rename_{kept['id']}").click().run()
    assert any("already has a character named Tomas" in e.value for e in at.error)
    at.text_input(key=f"name_{kept['id']}").input("Mara Keel")
    at = at.button(key=f"rename_{kept['id']}").click().run()
    renamed = next(a for a in library(studio, user.id) if a["id"] == kept["id"])
    assert (renamed["name"], renamed["description"]) == ("Mara Keel", "the keeper")
    assert at.button(key=f"delete_{kept['id']}").disabled
    at.checkbox(key=f"sure_{kept['id']}").check().run()
    at = at.button(key=f"delete_{kept['id']}").click().run()
    assert [a["name"] for a in library(studio, user.id)] == ["Tomas"]
    assert "Removed Mara Keel from your library." in [t.value for t in at.toast]


@pytest.mark.parametrize(("text", "fits"), [
    ("é" * MAX_NARRATIVE_CHARS, True),  # 300,000 bytes of UTF-8: the limit is characters, not bytes
    ("字" * MAX_NARRATIVE_CHARS, True),
    ("a" * MAX_NARRATIVE_CHARS, True),
    ("a" * (MAX_NARRATIVE_CHARS + 1), False),
    ("Mara rows. " * 20_000, False),
])
def test_one_narrative_limit_typed_or_uploaded(project_input, text, fits):
    typed = uploaded = None
    try:
        validate_project_config({**project_input, "input_mode": "condense", "narrative": text})
    except InputRejected as exc:
        typed = exc.field_errors["narrative"]
    try:
        decode_upload("story.txt", text.encode())
    except InputRejected as exc:
        uploaded = exc.field_errors["upload"]
    if fits:
        assert typed is uploaded is None
    else:
        assert f"{len(text):,} characters; the limit is {MAX_NARRATIVE_CHARS:,}" in typed
        assert f"{len(text):,} characters; the limit is {MAX_NARRATIVE_CHARS:,}" in uploaded


def test_the_limit_is_shown_where_the_creator_types_and_uploads(studio, make_user):
    at = studio_as(make_user())
    said = "up to 150,000 characters (about 25,000 words)"
    assert said in next(w for w in at.text_area if w.label.startswith("Your premise")).help.lower()
    assert said in at.get("file_uploader")[0].proto.help
    assert any(said in c.value for c in at.caption)
