"""The invalidation preview in the creator's words: what actually happened, how many of what, no raw JSON."""

from __future__ import annotations

import pytest

from core.invalidation.changes import how_many, what_happened
from core.story.projects import create_project
from tests.test_pages_phase_a_story import TREATMENT, beats_locked, open_page, preview_shown, treatment_locked


@pytest.mark.parametrize(("counts", "said"), [
    ({"stage_state": 1}, "1 stage version"),
    ({"stage_state": 2, "scene": 1, "shot": 6}, "2 stage versions, 1 scene, 6 shots"),
    ({"frame": 9, "clip": 1}, "9 frames, 1 clip"),
    ({}, ""),
])
def test_counts_are_said_in_words(counts, said):
    assert how_many(counts) == said


@pytest.mark.parametrize(("stage", "action", "said"), [
    (2, "choose", "a different treatment was chosen"),
    (2, "edit", "the treatment's prose was edited"),
    (3, "save", "the beats were edited"),
    (4, "save", "the script was edited"),
    (5, "style", "a different visual style was chosen"),
    (3, "restore", "an earlier version was brought back"),
    (4, "lock", None),
])
def test_each_page_edit_has_words_for_what_happened(stage, action, said):
    assert what_happened(stage, action) == said


@pytest.mark.db
def test_choosing_another_treatment_under_locked_beats_says_so_without_json(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    treatment_locked(studio, user, ref, variant=0)
    beats_locked(studio, user, ref)
    at = open_page(user, ref, TREATMENT)
    at.button(key="s2_use_1").click().run()
    assert not at.exception and preview_shown(at)
    table = next(d.value for d in at.dataframe if "why" in d.value.columns)
    assert table["why"].tolist() == ["Stage 2 Treatment changed: a different treatment was chosen"] * len(table)
    assert not any("edited by hand" in why for why in table["why"])
    assert set(table["type"]) == {"The whole film"}
    assert all(isinstance(cell, str) and "{" not in cell for cell in table["how_many"])
    assert any("Beat sheet" in " ".join(items) for items in table["items"])
