"""Shot drafts into shots (ids, dialogue, snapped lengths, plain errors), guidance that nudges the offline shot
list, determinism, and, under hypothesis, the coverage rules for generated scenes, any seed, any durations."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.film.shots import Framing, Line, Movement, ShotDraft, ShotListDraft, nearest_duration, shots_from_drafts
from core.offline import writer
from tests.shot_scenes import CHASE, DUAL, SCENES, THREE_PEOPLE, TWO_HANDER, Scene, plan, scene_lines

LINES = [Line(speaker="MARA", text="You came back."), Line(speaker="TOMAS", text="Someone had to."),
         Line(speaker="MARA", text="You came back.")]  # the same words twice: only numbers tell them apart


def test_drafts_become_shots_with_ids_order_dialogue_and_allowed_lengths():
    drafts = [{"line_numbers": [1, 2], "duration": 5, "characters": [{"name": "mara", "prominence": "lead"}]},
              ShotDraft(line_numbers=[3], duration=9, camera={"framing": "close-up"}), {"action": "Rain."}]
    shots = shots_from_drafts(12, drafts, LINES, (4, 6, 8), ["MARA", "TOMAS"])
    assert [(s.shot_id, s.order) for s in shots] == [("12A", 1), ("12B", 2), ("12C", 3)]
    assert [[line.speaker for line in s.dialogue] for s in shots] == [["MARA", "TOMAS"], ["MARA"], []]
    assert [s.duration for s in shots] == [6, 8, 8]  # 5 s lies between 4 and 6: the longer, so nothing is cut
    assert shots[0].names == ["MARA"] and shots[1].camera.framing == Framing.CLOSE_UP


@pytest.mark.parametrize("numbers, message", [
    ([[1], [3]], "line(s) 2 are spoken in no shot"),
    ([[1, 2], [2, 3]], "line 2 is placed more than once (in 3A, 3B)"),
    ([[1], [3], [2]], "out of script order: line 3 (in 3B) comes before line 2 (in 3C)"),
    ([[1, 2, 3, 4]], "the scene has 3 dialogue line(s), but 3A (line 4)"),
])
def test_drafts_that_miss_repeat_or_reorder_a_line_are_refused_in_plain_words(numbers, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        shots_from_drafts(3, [{"line_numbers": n} for n in numbers], LINES, (4, 6, 8), ["MARA", "TOMAS"])


def test_drafts_naming_someone_outside_the_scene_or_no_shot_at_all_are_refused():
    invented = [{"line_numbers": [1, 2, 3], "characters": [{"name": "Jonah"}]}]
    with pytest.raises(ValueError, match="not in this scene: JONAH"):
        shots_from_drafts(3, invented, LINES, (4, 6, 8), ["MARA", "TOMAS"])
    assert shots_from_drafts(3, invented, LINES, (4, 6, 8))[0].names == ["JONAH"]  # no cast given: not checked
    with pytest.raises(ValueError, match="1 to 60 shots"):
        shots_from_drafts(3, [], [], (4, 6, 8), ["MARA"])
    assert ShotListDraft.model_json_schema()["properties"]["shots"]["maxItems"] == 60


@pytest.mark.parametrize("seconds, durations, snapped", [
    (3, (4, 6, 8), 4), (7, (4, 6, 8), 8), (30, (4, 6, 8), 8), (6, (5, 10), 5), (8, (5, 10), 10), (9, (), 9)])
def test_lengths_snap_to_the_nearest_the_video_model_takes(seconds, durations, snapped):
    assert nearest_duration(seconds, durations) == snapped


def _count(result, framings) -> int:
    return sum(shot.camera.framing in framings for shot in result.shots)


@pytest.mark.parametrize("guidance, changed", [
    ("fewer shots", lambda before, after: len(after.shots) < len(before.shots)),
    ("Longer takes, please", lambda before, after: len(after.shots) < len(before.shots)),
    ("more coverage", lambda before, after: len(after.shots) > len(before.shots)),
    ("more close-ups", lambda b, a: _count(a, {Framing.CLOSE_UP}) > _count(b, {Framing.CLOSE_UP})),
    ("handheld", lambda b, a: all(s.camera.movement == Movement.HANDHELD for s in a.shots
                                  if s.camera.framing != Framing.INSERT)),
    ("slower", lambda b, a: sum(s.duration for s in a.shots) > sum(s.duration for s in b.shots)),
    ("wider", lambda b, a: _count(a, {Framing.WIDE}) > _count(b, {Framing.WIDE})),
])
def test_guidance_nudges_the_shot_list_the_way_it_asks(guidance, changed):
    before, after = plan(TWO_HANDER), plan(TWO_HANDER, guidance=guidance)
    assert changed(before, after)
    assert [n for d in after.drafts for n in d["line_numbers"]] == list(range(1, 8))


def test_guidance_the_writer_cannot_follow_changes_nothing():
    assert plan(TWO_HANDER, guidance="make it sing like Fellini").drafts == plan(TWO_HANDER).drafts


@pytest.mark.parametrize("name", list(SCENES))
def test_the_same_scene_and_seed_give_the_same_shot_list(name):
    assert plan(SCENES[name], seed=5).drafts == plan(SCENES[name], seed=5).drafts


def test_seeds_vary_free_choices_only():
    lists = [plan(TWO_HANDER, seed=seed) for seed in range(8)]
    assert len({repr(p.drafts) for p in lists}) > 1
    assert len({tuple(tuple(d["line_numbers"]) for d in p.drafts) for p in lists}) == 1


def test_the_writer_knows_the_task_and_keeps_within_sixty_shots():
    assert "shot_list" in writer.TASKS
    many = "\n\n".join(f"{who}\n{'word ' * 20}{i}." for i, who in enumerate(["AL", "BEA", "CY"] * 40))
    result = plan(Scene("INT. HALL - DAY", many, ("AL", "BEA", "CY")), guidance="more shots")
    assert len(result.shots) == 60 and sum(len(s.dialogue) for s in result.shots) == 120


# Generated scenes: action paragraphs and dialogue blocks from a small cast, under any seed and durations.
CAST = ["MARA", "TOMAS", "INES", "DR. OKAFOR"]
WORDS = ("the lamp rope bottle stairs walks runs looks down picks up realizes she he they slowly into door "
         "enters leaves mum will hello again storm window").split()
_sentence = st.lists(st.sampled_from(WORDS + ["Mara", "Tomas", "INES", "Okafor"]), min_size=1, max_size=14).map(
    lambda words: " ".join(words).capitalize() + ".")
_action = st.lists(_sentence, min_size=1, max_size=4).map(" ".join)
_speech = st.tuples(st.sampled_from(CAST), st.sampled_from(["", " (V.O.)", " (O.S.)", " ^"]),
                    st.sampled_from(["", "(quietly)\n", "(to Tomas)\n"]),
                    st.lists(st.sampled_from(WORDS), min_size=1, max_size=40)).map(
    lambda p: f"{p[0]}{p[1]}\n{p[2]}{' '.join(p[3]).capitalize()}.")
_excerpt = st.lists(st.one_of(_action, _speech), max_size=25).map("\n\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(excerpt=_excerpt, seed=st.integers(0, 2**32), props=st.lists(st.sampled_from(["bottle", "rope", "Lamp"])),
       durations=st.lists(st.integers(1, 20), min_size=1, max_size=4).map(lambda d: tuple(sorted(set(d)))),
       present=st.lists(st.sampled_from(CAST), max_size=4), guidance=st.sampled_from(
           ["", "fewer shots", "more shots", "more close-ups, handheld", "slower", "wider, static"]),
       previous=st.sampled_from([None, "INT. LAMP ROOM - NIGHT", "EXT. REEF - DAY"]))
def test_generated_scenes_always_cover_every_line_once_in_order_and_invent_nobody(
        excerpt, seed, props, durations, present, guidance, previous):
    slug = "INT. LAMP ROOM - DAY"
    lines = scene_lines(slug, excerpt)
    characters = list(dict.fromkeys(present + [line["speaker"] for line in lines]))
    inputs = {"scene_number": 4, "slug": slug, "excerpt": excerpt, "lines": lines, "characters": characters,
              "props": props, "previous_slug": previous, "durations": list(durations), "default_duration": 8,
              "guidance": guidance}
    drafts = writer.draft("shot_list", inputs, seed)["shots"]
    script = [Line(speaker=line["speaker"], text=line["text"], parenthetical=line["parenthetical"]) for line in lines]
    shots = shots_from_drafts(4, drafts, script, durations, characters)
    assert 1 <= len(shots) <= 60
    assert [line.text for shot in shots for line in shot.dialogue] == [line["text"] for line in lines]
    assert all(shot.duration in durations for shot in shots)
    assert {name for shot in shots for name in shot.names} <= set(characters)
    assert drafts == writer.draft("shot_list", inputs, seed)["shots"]


def test_lines_the_excerpt_does_not_show_still_get_a_shot_in_order():
    lines = scene_lines(THREE_PEOPLE.slug, THREE_PEOPLE.excerpt)
    inputs = {"scene_number": 2, "slug": "INT. GARAGE - DAY", "excerpt": CHASE.excerpt, "lines": lines,
              "characters": list(THREE_PEOPLE.characters), "props": [], "previous_slug": None,
              "durations": [4, 6, 8], "default_duration": 8, "guidance": ""}
    drafts = writer.draft("shot_list", inputs, 0)["shots"]
    assert [n for d in drafts for n in d["line_numbers"]] == [1, 2, 3, 4, 5]
    assert not ({c["name"] for d in drafts for c in d["characters"]} - set(THREE_PEOPLE.characters))
    assert plan(DUAL).drafts[0]["setting"] == "FERRY DECK"
