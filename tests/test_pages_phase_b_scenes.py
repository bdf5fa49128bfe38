"""AppTests for Stages 6-9: the script hub, shot list, visual definition and prompts, driven as a creator would
(through the router), asserting what they see and what the real database holds. Earlier stages are made with the
headless runner, the same services the pages call."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.film.statuses import SceneStatus, StageStatus
from tests.app_pages import click, ok, shown
from tests.conftest import REPO_ROOT
from tests.phase_b import film_through_assets, live_shots, make_and_lock, rows

pytestmark = pytest.mark.db

ROUTER = str(REPO_ROOT / "app.py")
HUB, SHOTS, LOOKS, PROMPTS = ("pages/stage_06_hub.py", "pages/stage_07_shots.py", "pages/stage_08_visuals.py",
                              "pages/stage_09_prompts.py")


def open_page(film, page: str, scene: int | None = None) -> AppTest:
    at = AppTest.from_file(ROUTER, default_timeout=60)
    at.session_state["user"] = {"id": str(film.user.id), "email": film.user.email}
    at.session_state["project_id"] = str(film.ref.project_id)
    at.session_state["branch_id"] = str(film.ref.branch_id)
    if scene is not None:
        at.session_state["scene_number"] = scene
    at.run()
    return ok(at.switch_page(page).run())




@pytest.fixture
def film(studio, make_user):
    return film_through_assets(studio, make_user())


def test_the_hub_lists_every_scene_with_its_status_in_words_and_filters_by_status(studio, film):
    make_and_lock(studio, film, 2, 7)
    at = open_page(film, HUB)
    table = at.main.dataframe[0].value
    assert list(table["Scene"]) == [1, 2, 3, 4]
    assert list(table["Status"]) == ["draft", "shot list ready", "draft", "draft"]
    assert table["What it means"][1].startswith("Shot list locked")
    assert table["Shots"][1] == len(live_shots(studio, film, 2)) and table["Runtime (s)"][1] > 0
    assert list(table["Next"]) == ["7 · Shot list", "8 · Visual definition", "7 · Shot list", "7 · Shot list"]
    assert all(cost >= 0 for cost in table["To finish"])
    assert "The film: 0 of 4 scenes finished" in at.main.get("progress")[0].proto.text
    at.main.multiselect[0].set_value(["shot_list_ready"]).run()
    assert list(ok(at).main.dataframe[0].value["Scene"]) == [2]


def test_the_shot_list_page_generates_shows_and_locks_a_scenes_shots(studio, film):
    at = open_page(film, SHOTS, scene=1)
    assert "No shot list for scene 1 yet" in shown(at)
    at = click(at, "Generate the shot list")
    assert "Wrote the shot list as version 1." in shown(at)
    assert "This scene runs" in shown(at) and "Shots are 4, 6, 8 s long" in shown(at)
    shots = live_shots(studio, film, 1)
    assert shots and shots[0]["shot_id"] == "1A"
    at = click(at, "Lock the shot list")
    assert "Shot list locked (version 1)" in shown(at)
    assert rows(studio, film.user.id, "SELECT status FROM scenes WHERE scene_number = 1")[0]["status"] == \
        SceneStatus.SHOT_LIST_READY
    assert "8 · Visual definition" in [link.proto.label.removeprefix("Go to Stage ") for link in at.main.get("page_link")]


def test_the_scene_picker_keeps_the_scene_across_pages(studio, film):
    at = open_page(film, SHOTS, scene=3)
    assert at.main.selectbox[0].value == 3
    at.main.selectbox[0].set_value(4).run()
    at = click(ok(at), "Generate the shot list")
    assert rows(studio, film.user.id, "SELECT s.scene_number FROM scene_stage_versions v "
                                      "JOIN scenes s ON s.id = v.scene_id")[0]["scene_number"] == 4
    assert at.session_state["scene_number"] == 4


def test_the_visual_definition_waits_for_the_shot_list_then_shows_inherited_tags(studio, film):
    at = open_page(film, LOOKS, scene=2)
    assert "Lock the shot list of scene 2 before opening its visual definition." in shown(at)
    for number in (1, 2):
        make_and_lock(studio, film, number, 7)
    make_and_lock(studio, film, 1, 8)
    at = click(open_page(film, LOOKS, scene=2), "Define the scene's look")
    table = at.main.get("arrow_data_frame")
    assert "Wrote the visual definition as version 1." in shown(at)
    definition = rows(studio, film.user.id, "SELECT content FROM scene_stage_versions WHERE stage_number = 8 "
                                            "ORDER BY created_at DESC LIMIT 1")[0]["content"]
    nell = next(i for i in definition["instances"] if i["name"].upper() == "NELL")
    assert nell["inherited_tags"] and "muddy" in nell["status_tags"] and table is not None


def test_a_scene_whose_continuity_broke_says_so_on_its_visual_definition(studio, film):
    for number in (1, 2):
        make_and_lock(studio, film, number, 7)
    with studio.db.as_user(film.user.id) as conn:
        conn.execute("UPDATE scenes SET status = 'continuity_broken' WHERE id = %s", [film.scene(2).scene_id])
    at = open_page(film, LOOKS, scene=2)
    assert "Continuity broken." in shown(at)


def test_the_prompts_page_merges_lists_what_each_shot_sends_and_locks(studio, film):
    make_and_lock(studio, film, 4, 7)
    make_and_lock(studio, film, 4, 8)
    at = click(open_page(film, PROMPTS, scene=4), "Make the prompts")
    assert "Made the prompts as version 1." in shown(at)
    checks = next(frame.value for frame in at.main.dataframe if "Fits" in frame.value.columns)
    assert set(checks["Fits"]) == {"yes"} and all("of 1,024 tokens" in m for m in checks["Video prompt"])
    at = click(at, "Lock the prompts")
    latest = rows(studio, film.user.id, "SELECT status FROM scene_stage_versions WHERE stage_number = 9")
    assert [r["status"] for r in latest] == [StageStatus.LOCKED]
    assert "The scene is ready for its frames" in shown(at)
