"""The benchmark's screenplay generator: a varied, readable 40-scene script, the same for the same seed."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.long_screenplay import PLACES, screenplay
from core.film.screenplay import read_fountain
from core.offline.tag_triggers import TRIGGERS

SEEDS = st.integers(min_value=0, max_value=10_000)


def _places(document) -> set[str]:
    return {re.sub(r"\s+-\s+[A-Z]+$", "", scene.slug) for scene in document.scenes}


def test_the_same_seed_writes_the_same_script_and_another_seed_another():
    assert screenplay(7) == screenplay(7)
    assert screenplay(7) != screenplay(8)


@settings(max_examples=25, deadline=None)
@given(SEEDS)
def test_forty_scenes_a_recurring_cast_and_every_location_used(seed):
    document = read_fountain(screenplay(seed))
    speakers = {line.character for line in document.dialogue}
    assert len(document.scenes) == 40
    assert 3 <= len(speakers) <= 6
    assert 8 <= len(_places(document)) <= 12
    assert _places(document) <= {f"{setting} {place}" for setting, place, _ in PLACES}


@settings(max_examples=25, deadline=None)
@given(SEEDS)
def test_each_character_is_introduced_in_capitals_once_before_speaking(seed):
    script = screenplay(seed)
    document = read_fountain(script)
    for speaker in {line.character for line in document.dialogue}:
        introductions = re.findall(rf"\b{speaker} [A-Z]+ \(", script)
        first_cue = script.index(f"\n{speaker}\n") if f"\n{speaker}\n" in script else len(script)
        assert len(introductions) == 1, speaker
        assert script.index(introductions[0]) < first_cue, speaker


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_dialogue_has_parentheticals_and_voice_over(seed):
    document = read_fountain(screenplay(seed))
    assert any(line.parenthetical for line in document.dialogue)
    assert any("V.O." in line.cue for line in document.dialogue)
    assert all(a.character != b.character for scene in document.scenes  # nobody answers themselves
               for a, b in zip(_scene_lines(document, scene.number), _scene_lines(document, scene.number)[1:]))


def _scene_lines(document, number):
    return [line for line in document.dialogue if line.scene_number == number and "V.O." not in line.cue]


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_props_are_handled_and_looks_change(seed):
    action = " ".join(a for scene in read_fountain(screenplay(seed)).scenes for a in scene.action)
    assert re.search(r"\b(?:picks up|grabs|opens|pockets|holds) the ", action)
    tags = {trigger.adds or f"clears {trigger.clears}" for trigger in TRIGGERS if trigger.pattern.search(action)}
    assert len(tags) >= 2, tags
