"""The beat sheet goes out of date when the script is edited by hand, and back in sync when the
script is written from the beats again."""

from __future__ import annotations

import pytest

from core.story import edits as story_edits
from core.story import generate as story
from core.story.projects import ProjectRef
from core.story.run import run_story

pytestmark = pytest.mark.db


def beat_sheet_status(studio, user, ref) -> str:
    return story_edits.stage_view(studio, user.id, ref, 3).latest["status"]


def test_rewriting_the_script_from_the_beats_brings_them_back_in_sync(studio, make_user, project_input):
    user = make_user()
    summary = run_story(studio, user, {**project_input, "input_mode": "condense"}, through=3)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    script = story.generate(studio, user.id, ref, 4, seen_version=0)

    edited = script["content"]["formatted_script"] + "\n\nEXT. REEF - DAWN\n\nMara waits for the tide.\n"
    story_edits.save_script(studio, user.id, ref, script["version"], edited)
    assert beat_sheet_status(studio, user, ref) == "outdated"

    story.generate(studio, user.id, ref, 4, seen_version=script["version"] + 1, guidance="follow the beats")
    assert beat_sheet_status(studio, user, ref) == "locked"


def test_no_version_carries_a_copy_of_its_state_and_assets_locked_is_the_stage_five_status(
        studio, make_user, project_input):
    user = make_user()
    summary = run_story(studio, user, {**project_input, "input_mode": "condense"}, through=5)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    for number in (3, 4, 5):  # the old "sync_status": "synced" and "assets_locked": False, never true
        content = story_edits.stage_view(studio, user.id, ref, number).latest["content"]
        assert not {"sync_status", "assets_locked"} & set(content)
    assets = story_edits.stage_view(studio, user.id, ref, 5)
    assert assets.locked and assets.latest["status"] == "locked"

    story.generate(studio, user.id, ref, 5, seen_version=assets.latest["version"], guidance="fewer props",
                   acknowledged=True)
    assert not story_edits.stage_view(studio, user.id, ref, 5).locked  # a new draft: the assets are open again


def test_the_beats_page_drops_its_banner_once_the_script_follows_the_beats_again(studio, make_user, project_input):
    from tests.test_pages_phase_a_story import BEATS, open_page

    user = make_user()
    summary = run_story(studio, user, {**project_input, "input_mode": "condense"}, through=3)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    script = story.generate(studio, user.id, ref, 4, seen_version=0)
    story_edits.save_script(studio, user.id, ref, script["version"],
                            script["content"]["formatted_script"] + "\n\nEXT. REEF - DAWN\n\nThe tide turns.\n")
    at = open_page(user, ref, BEATS)
    assert any("Out of date with the script" in w.value for w in at.warning)

    story.generate(studio, user.id, ref, 4, seen_version=script["version"] + 1, guidance="follow the beats")
    at.run()
    assert not any("Out of date with the script" in w.value for w in at.warning)
    assert any("Beat sheet locked" in s.value for s in at.success)
