"""AppTest: the branch page as a creator uses it — fork, switch, compare, delete — and what the database then holds."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.story import edits as story_edits
from core.story.projects import ProjectRef
from core.story.run import run_story
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.db
APP = str(REPO_ROOT / "app.py")


@pytest.fixture
def film(studio, make_user, project_input):
    user = make_user()
    summary = run_story(studio, user, {**project_input, "input_mode": "condense"}, through=3)
    return user, ProjectRef(summary.project_id, summary.branch_id)


def open_page(user, ref: ProjectRef, page: str = "pages/branches.py") -> AppTest:
    """The studio signed in as `user`, focused on `ref`, showing `page`."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["user"] = {"id": str(user.id), "email": user.email}
    at.session_state["project_id"] = str(ref.project_id)
    at.session_state["branch_id"] = str(ref.branch_id)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def branches(studio, user, ref) -> dict:
    with studio.db.as_user(user.id) as conn:
        rows = conn.execute("SELECT * FROM branches WHERE project_id = %s", [ref.project_id]).fetchall()
    return {row["name"]: row for row in rows}


def fork_on_page(at: AppTest, stage_number: int, name: str, why: str) -> AppTest:
    at.selectbox(key="fork_at").set_value(stage_number)
    at.text_input(key="fork_name").set_value(name)
    at.text_input(key="fork_why").set_value(why)
    at.button(key="FormSubmitter:fork-Fork from the current branch").click().run()
    assert not at.exception, at.exception
    return at


def test_fork_switch_compare_and_delete(studio, film):
    user, ref = film
    at = open_page(user, ref)
    assert at.title[0].value == "Branches"
    assert at.dataframe[0].value["Branch"].str.contains("Main").any()

    fork_on_page(at, 2, "Bleaker", "try a bleaker ending")
    assert any("Forked “Bleaker” at Stage 2" in s.value for s in at.success)
    rows = branches(studio, user, ref)
    assert rows["Bleaker"]["parent_branch_id"] == ref.branch_id and rows["Bleaker"]["branched_at_stage"] == 2
    with studio.db.as_user(user.id) as conn:
        stages = {r["stage_number"] for r in conn.execute(
            "SELECT stage_number FROM stage_states WHERE branch_id = %s", [rows["Bleaker"]["id"]]).fetchall()}
    assert stages == {1, 2}, "the fork holds everything up to Stage 2 and nothing after"

    at.selectbox(key="switch_to").set_value(str(rows["Bleaker"]["id"])).run()
    at.button(key="switch").click().run()
    assert at.session_state["branch_id"] == str(rows["Bleaker"]["id"])
    assert branches(studio, user, ref)["Main"]["project_id"] == ref.project_id
    with studio.db.as_user(user.id) as conn:
        active = conn.execute("SELECT active_branch_id FROM projects WHERE id = %s", [ref.project_id]).fetchone()
    assert active["active_branch_id"] == rows["Bleaker"]["id"]

    # compare Bleaker (no beat sheet) with Main: Stage 3 differs
    at.selectbox(key="cmp_a").set_value(str(ref.branch_id))
    at.selectbox(key="cmp_b").set_value(str(rows["Bleaker"]["id"])).run()
    compared = at.dataframe[-1].value
    beat_row = compared[compared["Stage"].str.contains("Beat sheet")]
    assert "only in a" in beat_row["Change"].iloc[0]

    # Main can't be deleted; switch back to Main, then delete the fork after confirming
    at.selectbox(key="switch_to").set_value(str(ref.branch_id)).run()
    at.button(key="switch").click().run()
    assert at.selectbox(key="doomed").options == ["Bleaker"]
    assert at.button(key="delete").disabled, "deleting needs the confirmation box"
    at.checkbox(key="sure_delete").check().run()
    at.button(key="delete").click().run()
    assert any("Deleted “Bleaker”" in s.value for s in at.success)
    assert set(branches(studio, user, ref)) == {"Main"}


def test_a_duplicate_branch_name_is_refused_and_nothing_is_written(studio, film):
    user, ref = film
    at = open_page(user, ref)
    fork_on_page(at, 1, "Main", "same name as main")
    assert at.error or at.warning
    assert set(branches(studio, user, ref)) == {"Main"}


def test_a_change_that_invalidates_later_work_offers_to_branch_instead(studio, film):
    user, ref = film
    at = open_page(user, ref, "pages/stage_02_treatment.py")
    view = story_edits.stage_view(studio, user.id, ref, 2)
    assert view.locked
    next(w for w in at.text_input if w.key.startswith("s2_why_v")).set_value("darker, end at sea")
    at.button(key="s2_regenerate").click().run()
    assert any("invalidates later work" in w.value for w in at.warning)
    with studio.db.as_user(user.id) as conn:
        count = conn.execute("SELECT count(*) AS n FROM stage_states").fetchone()["n"]
    assert count == len(view.history) + 2  # nothing written yet: stage 1 and 3 versions untouched
