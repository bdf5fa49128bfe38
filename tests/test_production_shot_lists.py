"""Stage 7 through the services: a scene's shot list generated from its own text, edited in the table, versioned,
locked; what the database holds after each step."""

from __future__ import annotations

import pytest
from psycopg.types.json import Jsonb

from core.errors import EditConflict, InputRejected, StageIncomplete, StageNotReady
from core.film.shot_edits import shot_rows
from core.film.shots import parse_dialogue_text
from core.film.statuses import SceneStatus, StageStatus
from core.production import edits as scene_edits
from core.production import generate as scene_generate
from core.production import shot_lists
from tests.phase_b import film_through_assets, live_shots, make_and_lock, rows

pytestmark = pytest.mark.db


@pytest.fixture
def film(studio, make_user):
    return film_through_assets(studio, make_user())


def test_each_scene_gets_shots_covering_its_lines_once_in_order_with_only_its_characters(studio, film):
    spoken = {1: [("NELL", "Of all the nights, Mum."), ("BRAM", "Nell? Is that you down there?")],
              2: [("BRAM", "You'll catch your death."), ("NELL", "I've caught worse.")],
              3: [("NELL", "Better.")], 4: []}
    for number, lines in spoken.items():
        row = scene_generate.generate(studio, film.user.id, film.scene(number), 7, seen_version=0)
        shots = live_shots(studio, film, number)
        said = [(line.speaker, line.text) for shot in shots for line in parse_dialogue_text(shot["dialogue"] or "")]
        assert said == lines  # every line once, in script order, with its own speaker
        names = {c["name"] for shot in shots for c in shot["characters"]}
        assert names <= {"NELL", "BRAM"} and "MUM" not in names  # a word of dialogue is nobody
        assert [s["shot_id"] for s in shots] == [f"{number}{chr(65 + i)}" for i in range(len(shots))]
        assert {s["duration"] for s in shots} <= {4, 6, 8}  # what Veo renders
        assert row["version"] == 1 and row["status"] == StageStatus.DRAFT and row["content"]["runtime"] == sum(
            s["duration"] for s in shots)
    opening = live_shots(studio, film, 1)[0]
    assert opening["camera_spec"].startswith(("wide", "extreme wide"))  # a new place opens wide


def test_a_shot_list_is_priced_and_recorded_against_its_scene(studio, film):
    ref = film.scene(2)
    estimate = scene_generate.generation_estimate(studio, film.user.id, ref, 7)
    assert estimate.total == 0 and estimate.shadow_total > 0  # offline: free, with the online price beside it
    row = scene_generate.generate(studio, film.user.id, ref, 7, seen_version=0)
    ledger = rows(studio, film.user.id, "SELECT * FROM cost_ledger WHERE stage_number = 7")
    assert [(r["scene_id"], r["branch_id"], r["status"], r["credits"]) for r in ledger] == [
        (ref.scene_id, film.ref.branch_id, "settled", 0)]
    assert ledger[0]["shadow_credits"] > 0  # settled at what the call used (tokens), not at the estimate
    assert row["generation"]["input_tokens"] > 0 and row["model"] == "offline:draft-writer"


def test_the_same_request_twice_writes_one_version(studio, film):
    ref = film.scene(1)
    first = scene_generate.generate(studio, film.user.id, ref, 7, seen_version=0, guidance="more close-ups")
    again = scene_generate.generate(studio, film.user.id, ref, 7, seen_version=0, guidance="more close-ups")
    assert again["id"] == first["id"]
    with pytest.raises(EditConflict):  # a page that saw no version asks for a different one: it is stale
        scene_generate.generate(studio, film.user.id, ref, 7, seen_version=0, guidance="wider")
    assert [v["version"] for v in scene_edits.scene_view(studio, film.user.id, ref, 7).history] == [1]


def test_later_stages_wait_for_the_shot_list_lock_which_makes_the_scene_ready(studio, film):
    ref = film.scene(1)
    with pytest.raises(StageNotReady, match="shot list of scene 1"):
        scene_generate.generate(studio, film.user.id, ref, 8, seen_version=0)
    make_and_lock(studio, film, 1, 7)
    assert rows(studio, film.user.id, "SELECT status FROM scenes WHERE id = %s", ref.scene_id)[0]["status"] == \
        SceneStatus.SHOT_LIST_READY
    assert scene_generate.generate(studio, film.user.id, ref, 8, seen_version=0)["version"] == 1


def test_split_merge_reorder_and_add_are_saved_as_a_new_version_with_the_edits_flagged(studio, film):
    ref = film.scene(1)
    first = scene_generate.generate(studio, film.user.id, ref, 7, seen_version=0)
    table = shot_rows(shot_lists.shots_of(first["content"]))
    table[0]["split"] = True  # the establishing shot in two
    table[-1]["order"] = 0  # the last shot first
    table.append({**table[1], "shot_id": None, "order": 99, "dialogue": "", "action": "The lantern gutters.",
                  "split": False})
    saved = shot_lists.save_shot_edits(studio, film.user.id, ref, 1, table)
    shots = live_shots(studio, film, 1)
    assert saved["version"] == 2 and len(shots) == len(first["content"]["shots"]) + 2
    assert [s["shot_id"] for s in shots] == [f"1{chr(65 + i)}" for i in range(len(shots))]  # renumbered in order
    assert shots[0]["action"] == first["content"]["shots"][-1]["action"]
    assert shots[-1]["action"] == "The lantern gutters." and shots[-1]["manually_edited"]
    assert shots[1]["manually_edited"] and shots[2]["manually_edited"]  # the two halves of the split
    merged = shot_rows(shot_lists.shots_of(saved["content"]))
    merged[0]["merge_next"] = True
    shot_lists.save_shot_edits(studio, film.user.id, ref, 2, merged)
    assert len(live_shots(studio, film, 1)) == len(shots) - 1


@pytest.mark.parametrize("damage, message", [
    (lambda t: t[[i for i, r in enumerate(t) if r["dialogue"]][0]].update(dialogue=""), "in no shot"),
    (lambda t: t[0].update(dialogue="NELL: Of all the nights, Mum."), "more than one shot"),
    (lambda t: t[0].update(characters="GHOST (lead)"), "not in this scene: GHOST"),
    (lambda t: t[0].update(duration=5), "takes 4, 6, 8 s shots"),
    (lambda t: t[0].update(characters="Nell (hero)"), "lead|supporting|background"),
])
def test_an_edit_that_breaks_the_scene_says_what_and_writes_nothing(studio, film, damage, message):
    ref = film.scene(1)
    first = scene_generate.generate(studio, film.user.id, ref, 7, seen_version=0)
    table = shot_rows(shot_lists.shots_of(first["content"]))
    damage(table)
    with pytest.raises(InputRejected, match=message):
        shot_lists.save_shot_edits(studio, film.user.id, ref, 1, table)
    assert [v["version"] for v in scene_edits.scene_view(studio, film.user.id, ref, 7).history] == [1]
    assert [s["id"] for s in live_shots(studio, film, 1)] == [s["id"] for s in live_shots(studio, film, 1)]


def test_a_new_shot_list_supersedes_the_old_shots_and_keeps_them(studio, film):
    ref = film.scene(2)
    scene_generate.generate(studio, film.user.id, ref, 7, seen_version=0)
    before = {s["id"] for s in live_shots(studio, film, 2)}
    scene_generate.generate(studio, film.user.id, ref, 7, seen_version=1, guidance="fewer shots")
    kept = rows(studio, film.user.id, "SELECT id, superseded_at, list_version FROM shots WHERE scene_id = %s",
                ref.scene_id)
    assert {r["id"] for r in kept if r["superseded_at"] is not None} == before  # history, not deleted
    assert {r["list_version"] for r in kept if r["superseded_at"] is None} == {2}


def test_a_locked_shot_list_is_history_and_a_lock_needs_the_version_seen(studio, film):
    ref = film.scene(1)
    row = scene_generate.generate(studio, film.user.id, ref, 7, seen_version=0)
    scene_generate.generate(studio, film.user.id, ref, 7, seen_version=1, guidance="slower")
    with pytest.raises(EditConflict, match="newer version"):
        scene_edits.lock_scene_stage(studio, film.user.id, ref, 7, row["version"])
    locked = scene_edits.lock_scene_stage(studio, film.user.id, ref, 7, 2)
    with pytest.raises(Exception, match="locked and cannot be changed"):
        rows(studio, film.user.id, "UPDATE scene_stage_versions SET content = '{}' WHERE id = %s", locked["id"])


def test_a_shot_list_that_no_longer_covers_its_scene_cannot_be_locked(studio, film):
    ref = film.scene(1)
    row = scene_generate.generate(studio, film.user.id, ref, 7, seen_version=0)
    silent = [shot for shot in row["content"]["shots"] if not shot["dialogue"]]  # a draft that lost its lines
    with studio.db.as_user(film.user.id) as conn:
        conn.execute("UPDATE scene_stage_versions SET content = %s WHERE id = %s",
                     [Jsonb({**row["content"], "shots": silent}), row["id"]])
    with pytest.raises(StageIncomplete, match="can't be locked yet: 2 line"):
        scene_edits.lock_scene_stage(studio, film.user.id, ref, 7, 1)
    assert scene_edits.scene_view(studio, film.user.id, ref, 7).latest["status"] == StageStatus.DRAFT


def test_the_runtime_is_weighed_against_the_target(studio, film):
    make_and_lock(studio, film, 1, 7)
    runtime = shot_lists.scene_runtime(studio, film.user.id, film.scene(1))
    assert runtime.scene_seconds == runtime.film_seconds > 0 and (runtime.scenes_listed, runtime.scenes) == (1, 4)
    under = runtime.film_seconds < 30  # the film's target is 30-90 s
    assert ("(3 scene(s) not listed yet)" in runtime.verdict) is under
    through_all = [make_and_lock(studio, film, n, 7) for n in (2, 3, 4)]
    total = shot_lists.scene_runtime(studio, film.user.id, film.scene(1))
    assert total.film_seconds == sum(v["content"]["runtime"] for v in through_all) + runtime.scene_seconds
    assert total.verdict.startswith(("within", f"{abs(total.film_seconds - 90)} s over",
                                     f"{abs(30 - total.film_seconds)} s under"))
