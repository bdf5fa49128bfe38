"""The offline shot list (Stage 7): what a director expects of each scene written in tests/shot_scenes.py, and
the rules every scene keeps for any seed: each line once, in order; nobody invented; lengths the model takes."""

from __future__ import annotations

from itertools import pairwise

import pytest

from core.film.shots import Framing, Movement, Prominence, coverage_problems
from core.offline.text import word_count
from tests.shot_scenes import (
    CHASE,
    CONTINUING,
    DUAL,
    EMPTY,
    HELLO_MUM,
    LONG_SPEECH,
    PROP_HANDLED,
    SCENES,
    THREE_PEOPLE,
    TWO_HANDER,
    VEO,
    VOICE_OVER,
    Scene,
    plan,
    scene_lines,
)

SINGLES = {Framing.MEDIUM_CLOSE, Framing.CLOSE_UP, Framing.OVER_THE_SHOULDER}


def _leads(shot) -> list[str]:
    return [c.name for c in shot.characters if c.prominence == Prominence.LEAD]


@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("name", list(SCENES))
def test_every_line_is_in_one_shot_in_order_and_nobody_is_invented(name, seed):
    scene = SCENES[name]
    result = plan(scene, seed=seed)
    lines = scene_lines(scene.slug, scene.excerpt)
    assert [n for draft in result.drafts for n in draft["line_numbers"]] == list(range(1, len(lines) + 1))
    assert [line.text for shot in result.shots for line in shot.dialogue] == [line["text"] for line in lines]
    assert coverage_problems(result.shots, [s for shot in result.shots for s in shot.dialogue],
                             list(scene.characters), VEO) == []
    assert len({shot.shot_id for shot in result.shots}) == len(result.shots)
    assert [shot.shot_id for shot in result.shots][:2] == ["3A", "3B"][:len(result.shots)]
    assert all(shot.duration in VEO for shot in result.shots)
    assert {name for shot in result.shots for name in shot.names} <= set(scene.characters)
    assert all(set(shot.props) <= set(scene.props) for shot in result.shots)


@pytest.mark.parametrize("scene, opens_wide", [
    (TWO_HANDER, True),  # from the cemetery to the bakery
    (THREE_PEOPLE, True),
    (CHASE, True),  # the film's first scene (no scene before)
    (CONTINUING, False),  # still in the bakery, later
    (Scene("INT. BAKERY - DAWN", "ODD\nMorning.\n\nHELKA\nMorning.", ("ODD", "HELKA"), (), "INT. BAKERY - NIGHT"),
     False),
    (Scene("INT. BAKERY - DAWN", "ODD\nMorning.\n\nHELKA\nMorning.", ("ODD", "HELKA"), (), "EXT. BAKERY - NIGHT"),
     True),  # outside then in: a new space
    (EMPTY, True),
])
def test_a_scene_opens_on_an_establishing_wide_only_where_the_place_is_new(scene, opens_wide):
    shots = plan(scene).shots
    first = shots[0]
    establishing = first.camera.framing in (Framing.WIDE, Framing.EXTREME_WIDE) and "establishing" in first.camera.note
    assert establishing == opens_wide
    assert not any("establishing" in shot.camera.note for shot in shots[1:])
    if opens_wide:
        assert first.camera.movement in (Movement.STATIC, Movement.PAN_LEFT, Movement.PAN_RIGHT, Movement.TRACKING)
        assert first.setting == scene.slug.split(". ", 1)[1].rsplit(" - ", 1)[0]
    else:
        assert "same place as the scene before" in first.continuity_flags


def test_a_scene_with_nothing_in_it_is_one_establishing_shot_even_where_it_continues():
    for previous in ("INT. LAMP ROOM - NIGHT", "EXT. LIGHTHOUSE - DUSK", None):
        shots = plan(Scene("EXT. LIGHTHOUSE - NIGHT", "", ("MARA",), (), previous)).shots
        assert len(shots) == 1 and shots[0].camera.framing in (Framing.WIDE, Framing.EXTREME_WIDE)
        assert "Lighthouse" in shots[0].action and shots[0].dialogue == []


@pytest.mark.parametrize("scene, prop, who", [
    (TWO_HANDER, "rolling pin", "ODD"),
    (TWO_HANDER, "dough", "HELKA"),
    (PROP_HANDLED, "chisel", "IVO"),
    (Scene("EXT. PIER - NIGHT", "GUS waits. His hands on the lantern, he counts the boats.", ("GUS",), ("Lantern",)),
     "Lantern", "GUS"),
])
def test_a_handled_prop_gets_an_insert_on_the_hands_that_hold_it(scene, prop, who):
    inserts = [shot for shot in plan(scene).shots if shot.camera.framing in (Framing.INSERT, Framing.CLOSE_UP)
               and prop in shot.props and not shot.dialogue]
    assert inserts, f"no insert on the {prop}"
    assert who in _leads(inserts[0]) and prop in inserts[0].camera.note


def test_who_takes_up_a_prop_is_seen_holding_it_until_they_put_it_down():
    shots = plan(TWO_HANDER).shots
    taken = next(i for i, shot in enumerate(shots) if "ODD holds rolling pin" in shot.continuity_flags)
    later = [shot for shot in shots[taken:] if "ODD" in shot.names]
    assert later and all("ODD holds rolling pin" in shot.continuity_flags for shot in later)
    assert all("ODD holds rolling pin" not in shot.continuity_flags for shot in shots[:taken])


def test_an_exchange_is_covered_in_singles_and_over_the_shoulders_led_by_whoever_speaks():
    every = plan(TWO_HANDER).shots
    shots = [shot for shot in every if shot.dialogue]
    assert {shot.camera.framing for shot in shots} <= SINGLES
    assert {Framing.OVER_THE_SHOULDER, Framing.MEDIUM_CLOSE} <= {shot.camera.framing for shot in shots}
    for shot in shots:
        assert _leads(shot) == shot.speakers
        if shot.camera.framing == Framing.OVER_THE_SHOULDER:
            listener = ({"HELKA", "ODD"} - set(shot.speakers)).pop()
            assert (listener, Prominence.SUPPORTING) in [(c.name, c.prominence) for c in shot.characters]
    assert all(a.speakers != b.speakers for a, b in pairwise(every) if a.dialogue and b.dialogue)


def test_a_hushed_line_is_played_close():
    shot = plan(TWO_HANDER, seed=0).shot_with_line(1)  # ODD (softly)
    assert shot.camera.framing in (Framing.CLOSE_UP, Framing.OVER_THE_SHOULDER)
    assert any(plan(TWO_HANDER, seed=s).shot_with_line(1).camera.framing == Framing.CLOSE_UP for s in range(6))


def test_two_people_sharing_a_short_exchange_share_a_two_shot():
    shot = plan(CONTINUING).shot_with_line(1)
    assert shot.camera.framing == Framing.TWO_SHOT and len(shot.dialogue) == 2
    assert set(_leads(shot)) == {"ODD", "HELKA"}


def test_three_people_each_get_the_camera_when_they_speak():
    shots = [shot for shot in plan(THREE_PEOPLE).shots if shot.dialogue]
    assert {name for shot in shots for name in _leads(shot)} == {"RUTA", "BASIL", "NOOR"}
    assert all(set(shot.speakers) <= set(_leads(shot)) for shot in shots)
    opening = plan(THREE_PEOPLE).shots[0]
    assert {c.name for c in opening.characters} == {"RUTA", "BASIL", "NOOR"}


def test_dual_dialogue_is_never_parted():
    for seed in range(4):
        for guidance in ("", "more shots", "fewer shots"):
            result = plan(DUAL, seed=seed, guidance=guidance)
            shot = result.shot_with_line(1)
            assert [line.speaker for line in shot.dialogue] == ["FENNA", "JOOST"]
            assert shot.camera.framing in (Framing.TWO_SHOT, Framing.MEDIUM, Framing.WIDE)


def test_a_voice_over_plays_on_whoever_listens():
    shot = plan(VOICE_OVER).shot_with_line(1)
    assert "GRANDAD" not in shot.names and _leads(shot) == ["SISKO"]
    assert "GRANDAD voice-over" in shot.continuity_flags
    assert all("GRANDAD" not in s.names for s in plan(VOICE_OVER).shots)  # a voice, never seen


def test_a_chase_is_tracked_or_handheld_and_who_runs_off_exits():
    shots = plan(CHASE).shots
    assert not any(shot.dialogue for shot in shots)
    assert all(shot.camera.movement in (Movement.TRACKING, Movement.HANDHELD) for shot in shots)
    assert "KOFI exits" in shots[-1].continuity_flags and _leads(shots[-1]) == ["KOFI"]
    assert "STALLHOLDER" not in {name for shot in shots for name in shot.names}  # not one of the scene's cast


def test_a_word_that_looks_like_a_name_is_nobody():
    shots = plan(HELLO_MUM).shots
    named = {c.name for shot in shots for c in shot.characters if c.prominence != Prominence.BACKGROUND}
    assert named == {"DEV"}  # 'Mum' is how Dev calls someone; 'rose' and 'will' are words, not Rose and Will
    assert "Rose" not in " ".join(shot.action for shot in shots[1:])


def test_a_long_exchange_is_cut_so_each_shots_words_fit_its_length():
    text = "\n\n".join(f"{who}\n{'Tell me again about the boat and the night it sank. ' * (1 + i % 2)}"
                       for i, who in enumerate(["PIM", "ZAZA"] * 6))
    shots = plan(Scene("INT. ATTIC - NIGHT", text, ("PIM", "ZAZA"), (), "EXT. ROOF - NIGHT")).shots
    spoken = [shot for shot in shots if shot.dialogue]
    assert len(spoken) >= 6
    for shot in spoken:
        words = sum(word_count(line.text) for line in shot.dialogue)
        assert words / 2.5 <= shot.duration or len(shot.dialogue) == 1
        assert shot.duration == min(d for d in VEO if d >= min(words / 2.5, max(VEO))) or len(shot.dialogue) > 1


def test_a_speech_longer_than_any_shot_stays_whole_at_the_longest_length():
    for durations in (VEO, (5, 10), (8,)):
        result = plan(LONG_SPEECH, durations=durations)
        shot = result.shot_with_line(1)
        assert len(shot.dialogue) == 1 and shot.duration == max(durations)
        assert all(s.duration in durations for s in result.shots)


def test_action_is_timed_at_about_three_words_a_second_but_never_under_the_shortest_length():
    short = plan(Scene("INT. SHED - DAY", "BO sneezes.", ("BO",), (), "INT. SHED - NIGHT")).shots
    assert [shot.duration for shot in short] == [4]
    long_text = "BO sorts the seed packets by colour, then by size, then by the year written on each one in pencil."
    timed = plan(Scene("INT. SHED - DAY", long_text, ("BO",), (), "INT. SHED - NIGHT")).shots
    assert [shot.duration for shot in timed] == [8]  # 20 words: about 7 seconds


# Written for this test: the subject is a pronoun after a few words of time, and the first name is someone else's.
POTTERY = Scene("INT. POTTERY - DAY", """\
MARGUERITE shapes a bowl at the wheel.

Every Thursday she fires the kiln, and every Thursday her nephew DARIO is late.

When he arrives, Marguerite does not look up.""", ("MARGUERITE", "DARIO"), ("kiln",), "EXT. STREET - DAY")


def test_an_action_whose_subject_is_she_stays_on_the_person_before_not_the_first_name_it_mentions():
    shots = plan(POTTERY).shots
    kiln = next(shot for shot in shots if "fires the kiln" in shot.action)
    assert _leads(kiln) == ["MARGUERITE"]
    assert "Dario" not in kiln.camera.note  # the insert is on her hands, not his
    arrives = next(shot for shot in shots if "When he arrives" in shot.action)
    assert _leads(arrives) == ["MARGUERITE"]  # a subordinate 'he' leaves the subject to the name
