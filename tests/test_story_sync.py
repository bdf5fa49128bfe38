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
