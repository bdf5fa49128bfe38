"""Status tags carried forward through scenes, and the vocabulary they come from. Pure: no database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InputRejected
from core.film.continuity import (
    VOCABULARY,
    SceneTagChanges,
    TagChange,
    applies_to,
    carry_forward,
    describe_tag,
    handed_on,
    inherited_from,
    normalize_tag,
    scene_changes,
    tags_cleared_by,
    tags_for,
)

ASSETS = ("mara", "tomas", "lantern")
TAGS = ("muddy", "soaked", "bloody", "glowing_eyes")

changes = st.builds(TagChange, added=st.frozensets(st.sampled_from(TAGS), max_size=2),
                    cleared=st.frozensets(st.sampled_from(TAGS), max_size=2), clear_all=st.booleans() | st.just(False),
                    carry_forward=st.booleans() | st.just(True))
scene_lists = st.lists(st.dictionaries(st.sampled_from(ASSETS), changes, max_size=3), min_size=1, max_size=7).map(
    lambda scenes: [SceneTagChanges(number, scene) for number, scene in enumerate(scenes, start=1)])
starts = st.dictionaries(st.sampled_from(ASSETS), st.frozensets(st.sampled_from(TAGS), max_size=2), max_size=2)


def _scenes(*per_scene: dict) -> list[SceneTagChanges]:
    return [SceneTagChanges(number, scene) for number, scene in enumerate(per_scene, start=1)]


def _tags(result: list[dict], asset: str) -> list[set[str]]:
    return [set(scene.get(asset, frozenset())) for scene in result]


# --- the story of one character, scene by scene -------------------------------------------------------------

def test_mud_stays_on_until_a_scene_washes_it_off():
    scenes = _scenes({}, {"mara": TagChange(added={"muddy"})}, {}, {"tomas": TagChange(added={"bloody"})},
                     {"mara": TagChange(cleared={"muddy"})}, {})
    assert _tags(carry_forward(scenes), "mara") == [set(), {"muddy"}, {"muddy"}, {"muddy"}, set(), set()]
    assert _tags(carry_forward(scenes), "tomas") == [set(), set(), set(), {"bloody"}, {"bloody"}, {"bloody"}]


def test_washing_then_falling_in_the_river_leaves_her_soaked_not_muddy():
    scenes = _scenes({"mara": TagChange(added={"muddy"})},
                     {"mara": TagChange(cleared={"muddy"}, added={"soaked"})})
    assert _tags(carry_forward(scenes), "mara") == [{"muddy"}, {"soaked"}]


def test_a_scene_that_adds_and_clears_the_same_tag_keeps_it_because_clears_come_first():
    scenes = _scenes({"mara": TagChange(added={"muddy"})}, {"mara": TagChange(added={"muddy"}, cleared={"muddy"})})
    assert _tags(carry_forward(scenes), "mara") == [{"muddy"}, {"muddy"}]
    fresh = _scenes({"mara": TagChange(added={"soaked"}, clear_all=True)})
    assert carry_forward(fresh, start={"mara": frozenset({"muddy", "bloody"})}) == [{"mara": frozenset({"soaked"})}]


def test_a_scene_that_stops_carrying_keeps_its_own_tags_and_hands_on_nothing():
    scenes = _scenes({"mara": TagChange(added={"bloody"})}, {"mara": TagChange(added={"soaked"}, carry_forward=False)},
                     {}, {"mara": TagChange(added={"muddy"})})
    assert _tags(carry_forward(scenes), "mara") == [{"bloody"}, {"bloody", "soaked"}, set(), {"muddy"}]
    assert _tags(handed_on(scenes), "mara") == [{"bloody"}, set(), set(), {"muddy"}]


def test_the_tags_an_asset_walks_in_with_come_from_the_start():
    scenes = _scenes({}, {"lantern": TagChange(added={"lit"})})
    result = carry_forward(scenes, start={"mara": frozenset({"muddy"}), "tomas": frozenset()})
    assert result == [{"mara": frozenset({"muddy"})}, {"mara": frozenset({"muddy"}), "lantern": frozenset({"lit"})}]


def test_inherited_from_says_where_each_inherited_tag_began():
    scenes = [SceneTagChanges(2, {"mara": TagChange(added={"muddy"})}),
              SceneTagChanges(3, {"mara": TagChange(added={"soaked", "muddy"})}),  # muddy again: still since 2
              SceneTagChanges(4, {}),
              SceneTagChanges(5, {"mara": TagChange(cleared={"soaked"}, added={"soaked"})}),  # a fresh soaking
              SceneTagChanges(6, {})]
    assert inherited_from(scenes) == [{}, {"mara": {"muddy": 2}}, {"mara": {"muddy": 2, "soaked": 3}},
                                      {"mara": {"muddy": 2}}, {"mara": {"muddy": 2, "soaked": 5}}]


def test_inherited_from_dates_start_tags_by_their_own_scene_or_the_scene_before():
    scenes = [SceneTagChanges(7, {}), SceneTagChanges(8, {})]
    start = {"mara": frozenset({"muddy", "bruised"})}
    assert inherited_from(scenes, start, since={"mara": {"bruised": 3}}) == [
        {"mara": {"bruised": 3, "muddy": 6}}, {"mara": {"bruised": 3, "muddy": 6}}]


def test_a_stage_eight_result_becomes_scene_changes_with_tags_normalized():
    scene = scene_changes(4, [{"asset": "MARA", "tags_added": ["Torn shirt", "soaked"], "tags_cleared": ["MUDDY"]},
                              {"asset": "Lantern", "tags_added": [], "carry_forward": False}])
    assert scene.scene_number == 4
    assert scene.of("MARA") == TagChange(added={"torn_shirt", "soaked"}, cleared={"muddy"})
    assert scene.of("Lantern").carry_forward is False
    assert scene.of("Nobody") == TagChange()
    with pytest.raises(InputRejected, match="instance 2"):
        scene_changes(4, [{"asset": "MARA"}, {"tags_added": ["muddy"]}])


# --- properties -----------------------------------------------------------------------------------------------

def _present(scenes: list[SceneTagChanges], start: dict, index: int, asset: str, tag: str) -> bool:
    """The rule, read backwards: added here, or walked in (carried by the scene before) and not cleared here."""
    change = scenes[index].of(asset)
    if tag in change.added:
        return True
    if change.clear_all or tag in change.cleared:
        return False
    if index == 0:
        return tag in start.get(asset, frozenset())
    return scenes[index - 1].of(asset).carry_forward and _present(scenes, start, index - 1, asset, tag)


@settings(max_examples=200, deadline=None)
@given(scene_lists, starts)
def test_a_tag_is_present_exactly_when_added_here_or_carried_in_and_not_cleared(scenes, start):
    result = carry_forward(scenes, start)
    assert len(result) == len(scenes)
    for index, scene in enumerate(result):
        for asset in ASSETS:
            expected = {tag for tag in TAGS if _present(scenes, start, index, asset, tag)}
            assert set(scene.get(asset, frozenset())) == expected
        assert all(tags for tags in scene.values())  # assets with no tags are left out


@settings(max_examples=200, deadline=None)
@given(scene_lists, st.sampled_from(ASSETS), st.sampled_from(TAGS))
def test_a_cleared_tag_is_gone_from_that_scene_on_until_a_scene_adds_it_again(scenes, asset, tag):
    result = carry_forward(scenes)
    for k, scene in enumerate(scenes):
        change = scene.of(asset)
        if (tag in change.cleared or change.clear_all) and tag not in change.added:
            for j in range(k, len(scenes)):
                if j > k and tag in scenes[j].of(asset).added:
                    break
                assert tag not in result[j].get(asset, frozenset())


@settings(max_examples=200, deadline=None)
@given(scene_lists, starts)
def test_after_a_scene_that_stops_carrying_the_next_scene_has_only_what_it_adds(scenes, start):
    result = carry_forward(scenes, start)
    for k in range(len(scenes) - 1):
        for asset in ASSETS:
            if not scenes[k].of(asset).carry_forward:
                assert result[k + 1].get(asset, frozenset()) == scenes[k + 1].of(asset).added


@settings(max_examples=200, deadline=None)
@given(scene_lists, starts)
def test_unmentioned_scenes_hand_tags_on_unchanged(scenes, start):
    result = carry_forward(scenes, start)
    handed = handed_on(scenes, start)
    for k in range(1, len(scenes)):
        for asset in ASSETS:
            if asset not in scenes[k].changes:
                assert result[k].get(asset, frozenset()) == handed[k - 1].get(asset, frozenset())


@settings(max_examples=150, deadline=None)
@given(scene_lists, starts)
def test_the_same_scenes_give_the_same_tags_whatever_order_a_scene_lists_its_assets(scenes, start):
    reversed_scenes = [SceneTagChanges(s.scene_number, dict(reversed(list(s.changes.items())))) for s in scenes]
    assert carry_forward(scenes, start) == carry_forward(reversed_scenes, dict(reversed(list(start.items()))))
    assert carry_forward(scenes, start) == carry_forward(list(scenes), dict(start))
    assert inherited_from(scenes, start) == inherited_from(reversed_scenes, start)


@settings(max_examples=200, deadline=None)
@given(scene_lists, starts)
def test_every_inherited_tag_began_in_an_earlier_scene_that_added_it_and_never_left_since(scenes, start):
    result, origins = carry_forward(scenes, start), inherited_from(scenes, start)
    numbers = [scene.scene_number for scene in scenes]
    for j, per_asset in enumerate(origins):
        for asset, tags in per_asset.items():
            for tag, origin in tags.items():
                assert origin < numbers[j]
                assert tag in result[j][asset]
                first = numbers.index(origin) if origin in numbers else 0
                if origin in numbers:
                    assert tag in scenes[first].of(asset).added
                else:
                    assert origin == numbers[0] - 1 and tag in start[asset]
                assert all(tag in result[i].get(asset, frozenset()) for i in range(first, j + 1))


# --- the vocabulary -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "stored"), [
    ("Torn shirt", "torn_shirt"), ("torn_shirt", "torn_shirt"), ("MUDDY", "muddy"), ("  Soaked ", "soaked"),
    ("wet", "soaked"), ("black eye", "bruised"), ("Glowing eyes!", "glowing_eyes"), ("burnt", "burned"),
    ("missing-button", "missing_button"), ("scar 2", "scar_2"),
])
def test_normalize_tag_stores_lower_snake_case_and_knows_other_names_for_its_tags(typed, stored):
    assert normalize_tag(typed) == stored


@pytest.mark.parametrize("typed", ["", "   ", "!!", "a" * 41, "really " * 7])
def test_a_tag_that_is_empty_or_longer_than_forty_characters_is_refused_in_plain_words(typed):
    with pytest.raises(InputRejected) as refused:
        normalize_tag(typed)
    assert "tags" in refused.value.field_errors and "pydantic" not in str(refused.value)


def test_the_vocabulary_is_closed_small_and_says_what_each_tag_looks_like():
    assert 12 <= len(VOCABULARY) <= 20
    assert {"muddy", "soaked", "bloody", "torn_shirt", "broken", "lit", "extinguished"} <= set(VOCABULARY)
    for key, tag in VOCABULARY.items():
        assert tag.looks and tag.applies_to <= {"character", "prop", "location"} and tag.applies_to
        assert normalize_tag(key) == key and normalize_tag(tag.label) == key
    assert describe_tag("muddy") == "muddy: mud on clothes and boots"
    assert describe_tag("glowing_eyes") == "glowing eyes"


def test_each_tag_fits_the_assets_it_can_happen_to():
    assert applies_to("torn_shirt", "character") and not applies_to("torn_shirt", "prop")
    assert applies_to("broken", "prop") and not applies_to("broken", "character")
    assert applies_to("glowing_eyes", "location")  # a creator's own tag fits anything
    assert "lit" in tags_for("prop") and "lit" not in tags_for("character") and "smoky" in tags_for("location")
    assert {"muddy", "dusty", "oily", "bloody"} <= tags_cleared_by("wash")
    assert {"torn_shirt", "muddy", "soaked", "bloody"} <= tags_cleared_by("change")
    assert "soaked" in tags_cleared_by("dry") and "broken" not in tags_cleared_by("time")
