"""Stages 8 and 9 through the services, and what each per-scene change invalidates: tags that carry forward from
scene to scene until a scene clears them, prompts that follow the shot list and the looks, and the preview of every
stage 6-9 change (this scene's frames and clips; later scenes' continuity when what a scene hands on changes; the
whole of Phase B for a change above it)."""

from __future__ import annotations

import pytest

from core.errors import StageIncomplete, StageNotReady
from core.film.statuses import SceneStatus, StageStatus
from core.invalidation.resolver import InvalidationType, ItemKind
from core.production import edits as scene_edits
from core.production import generate as scene_generate
from core.production import instances, prompts
from core.story import edits as story_edits
from tests.phase_b import add_frames_and_clips, film_through_assets, live_shots, make_and_lock, rows, through

pytestmark = pytest.mark.db


@pytest.fixture
def film(studio, make_user):
    return film_through_assets(studio, make_user())


def definition(studio, film, number: int) -> dict:
    latest = scene_edits.scene_view(studio, film.user.id, film.scene(number), 8).latest
    return {i["name"].upper(): i for i in latest["content"]["instances"]}


def test_tags_read_from_the_action_carry_forward_until_a_scene_clears_them(studio, film):
    through(studio, film, 8)
    nell = [definition(studio, film, n).get("NELL") for n in (1, 2, 3)]
    assert "muddy" in nell[0]["status_tags"] and nell[0]["evidence"]  # she falls into the mud
    assert "muddy" in nell[1]["inherited_tags"] and nell[1]["inherited_from_scene_number"] == 1
    assert "muddy" in nell[1]["status_tags"]  # still muddy by the stove
    assert "muddy" in nell[2]["inherited_tags"] and "muddy" not in nell[2]["status_tags"]  # washed and changed
    assert "NELL" not in definition(studio, film, 4)  # the jetty is Bram's alone
    live = rows(studio, film.user.id, """SELECT s.scene_number, i.status_tags, i.inherited_from_scene_id
                                          FROM scene_asset_instances i JOIN scenes s ON s.id = i.scene_id
                                          JOIN project_assets a ON a.id = i.project_asset_id
                                         WHERE upper(a.name) = 'NELL' ORDER BY s.scene_number""")
    assert [("muddy" in r["status_tags"], r["inherited_from_scene_id"]) for r in live] == [
        (True, None), (True, film.scene(1).scene_id), (False, film.scene(2).scene_id)]


def test_a_tag_the_creator_clears_in_scene_two_stops_there(studio, film):
    through(studio, film, 8, scenes=(1, 2))
    ref = film.scene(2)
    row = scene_edits.scene_view(studio, film.user.id, ref, 8).latest
    edits = [{"asset_id": i["asset_id"], "status_tags": [t for t in i["status_tags"] if t != "muddy"]}
             for i in row["content"]["instances"] if i["name"].upper() == "NELL"]
    saved = instances.save_visual_edits(studio, film.user.id, ref, row["version"], edits)
    assert saved["version"] == row["version"] + 1
    nell = next(i for i in saved["content"]["instances"] if i["name"].upper() == "NELL")
    assert "muddy" not in nell["status_tags"] and nell["manually_edited"] and nell["cleared"] == ["muddy"]
    make_and_lock(studio, film, 3, 7)
    third = scene_generate.generate(studio, film.user.id, film.scene(3), 8, seen_version=0)
    nell3 = next(i for i in third["content"]["instances"] if i["name"].upper() == "NELL")
    assert "muddy" not in nell3["inherited_tags"]  # what scene 2 hands on now


def test_a_changed_look_gets_its_own_image_priced_first_and_drawn_once(studio, film):
    through(studio, film, 8, scenes=(1,))
    count, estimate = instances.images_estimate(studio, film.user.id, film.scene(1))
    assert count >= 1 and estimate.total == 0 and estimate.shadow_total > 0
    done = instances.queue_instance_images(studio, film.user.id, film.scene(1), inline=True)
    assert {j["status"] for j in done} == {"succeeded"}
    drawn = rows(studio, film.user.id, "SELECT image_key_url, status_tags FROM scene_asset_instances "
                                       "WHERE scene_id = %s AND status_tags <> '{}'", film.scene(1).scene_id)
    assert drawn and all(r["image_key_url"] and studio.media.exists(r["image_key_url"]) for r in drawn)
    assert instances.images_estimate(studio, film.user.id, film.scene(1))[0] == 0


def test_prompts_merge_the_shot_the_looks_and_the_style_and_follow_their_changes(studio, film):
    through(studio, film, 9, scenes=(1,))
    shots = live_shots(studio, film, 1)
    assert all(s["frame_prompt"] and s["video_prompt"] for s in shots)
    with_nell = [s for s in shots if any(c["name"] == "NELL" for c in s["characters"])]
    fall = next(i for i, s in enumerate(with_nell) if "falls into the mud" in s["action"])
    # muddy from the shot where she falls, not before it; every prompt in the locked style
    assert ["muddy" in s["frame_prompt"] for s in with_nell] == [i >= fall for i in range(len(with_nell))]
    assert all("Pencil storyboard" in s["frame_prompt"] for s in shots)
    assert "NELL" in {r["name"].upper() for r in with_nell[0]["reference_assets"]}
    # a new shot list leaves the prompts out of date; they can't be locked until made again
    ref = film.scene(1)
    scene_generate.generate(studio, film.user.id, ref, 7, seen_version=1, guidance="fewer shots", acknowledged=True)
    assert scene_edits.scene_view(studio, film.user.id, ref, 9).latest["status"] == StageStatus.OUTDATED
    with pytest.raises(StageNotReady, match="shot list"):
        scene_generate.generate(studio, film.user.id, ref, 9, seen_version=1)


def test_a_prompt_over_the_models_limit_is_refused_at_the_lock_with_what_to_cut(studio, film):
    through(studio, film, 8, scenes=(1,))
    ref = film.scene(1)
    row = scene_generate.generate(studio, film.user.id, ref, 9, seen_version=0)
    first = row["content"]["prompts"][0]["shot_id"]
    saved = prompts.save_prompt_edits(studio, film.user.id, ref, 1, [{"shot_id": first, "video_prompt": "x" * 5_000}])
    assert saved["content"]["prompts"][0]["manually_edited"]
    with pytest.raises(StageIncomplete, match=f"Shot {first}: video prompt is too long .* shorten it by about 904"):
        scene_edits.lock_scene_stage(studio, film.user.id, ref, 9, saved["version"])


# --- what each change invalidates ------------------------------------------------------------------------------


@pytest.fixture
def shot_film(studio, film):
    """Every scene through Stage 8, with frames and clips made for each (as Stages 10 and 12 will)."""
    through(studio, film, 8)
    for number in (1, 2, 3, 4):
        add_frames_and_clips(studio, film, number)
    return film


def _flagged(studio, film, table: str) -> dict[int, int]:
    found = rows(studio, film.user.id, f"""SELECT sc.scene_number, count(*) AS n FROM {table} t
                                             JOIN shots sh ON sh.id = t.shot_id JOIN scenes sc ON sc.id = sh.scene_id
                                            WHERE t.invalidated_at IS NOT NULL GROUP BY sc.scene_number""")
    return {r["scene_number"]: r["n"] for r in found}


def test_a_new_shot_list_invalidates_only_that_scenes_frames_and_clips(studio, shot_film):
    film, ref = shot_film, shot_film.scene(2)
    preview = scene_generate.regeneration_preview(studio, film.user.id, ref, 7)
    assert preview.impact.types == (InvalidationType.LOCAL_SCENE,)
    assert preview.counts[ItemKind.FRAME] == preview.counts[ItemKind.CLIP] == len(live_shots(studio, film, 2))
    assert preview.credits == 0 and preview.shadow_credits > 0  # redoing them priced online
    scene_generate.generate(studio, film.user.id, ref, 7, seen_version=1, guidance="slower", preview=preview,
                            acknowledged=True)
    assert _flagged(studio, film, "frames") == _flagged(studio, film, "videos") == {2: preview.counts[ItemKind.FRAME]}
    assert {r["scene_number"]: r["status"] for r in rows(studio, film.user.id, "SELECT * FROM scenes")}[3] == \
        SceneStatus.SHOT_LIST_READY


def test_changing_what_a_scene_carries_forward_flags_the_later_scenes_that_inherit_it(studio, shot_film):
    film, ref = shot_film, shot_film.scene(1)
    row = scene_edits.scene_view(studio, film.user.id, ref, 8).latest
    nell = next(i for i in row["content"]["instances"] if i["name"].upper() == "NELL")
    edits = [{"asset_id": nell["asset_id"], "status_tags": ["soaked"]}]  # soaked, not muddy
    preview = instances.edit_preview(studio, film.user.id, ref, row["version"], edits)
    assert preview.impact.types == (InvalidationType.LOCAL_SCENE, InvalidationType.CONTINUITY_BREAK)
    broken = {item.label for item in preview.impact.of_type(InvalidationType.CONTINUITY_BREAK)}
    assert broken == {"Scene 2", "Scene 3"}  # Nell is in both; the jetty (scene 4) is Bram's alone
    instances.save_visual_edits(studio, film.user.id, ref, row["version"], edits, preview=preview, acknowledged=True)
    statuses = {r["scene_number"]: r["status"] for r in rows(studio, film.user.id, "SELECT * FROM scenes")}
    assert (statuses[2], statuses[3], statuses[4]) == (SceneStatus.CONTINUITY_BROKEN, SceneStatus.CONTINUITY_BROKEN,
                                                       SceneStatus.SHOT_LIST_READY)
    # checking scene 2's continuity again (a new definition) clears its flag; it now inherits "soaked"
    again = scene_generate.generate(studio, film.user.id, film.scene(2), 8, seen_version=1, acknowledged=True)
    assert "soaked" in next(i for i in again["content"]["instances"] if i["name"].upper() == "NELL")["inherited_tags"]
    assert rows(studio, film.user.id, "SELECT status FROM scenes WHERE id = %s",
                film.scene(2).scene_id)[0]["status"] != SceneStatus.CONTINUITY_BROKEN


def test_a_look_edit_that_hands_on_nothing_new_stays_in_its_scene(studio, shot_film):
    film, ref = shot_film, shot_film.scene(1)
    row = scene_edits.scene_view(studio, film.user.id, ref, 8).latest
    lantern = next((i for i in row["content"]["instances"] if i["asset_type"] != "character"), None)
    target = lantern or row["content"]["instances"][0]
    edits = [{"asset_id": target["asset_id"], "description_override": "dented and sooty", "carry_forward": True,
              "status_tags": target["status_tags"]}]
    preview = instances.edit_preview(studio, film.user.id, ref, row["version"], edits)
    assert preview.impact.types == (InvalidationType.LOCAL_SCENE,)
    instances.save_visual_edits(studio, film.user.id, ref, row["version"], edits, preview=preview, acknowledged=True)
    assert set(_flagged(studio, film, "frames")) == {1}


def test_a_prompt_edit_invalidates_that_scenes_frames_and_clips(studio, shot_film):
    film, ref = shot_film, shot_film.scene(4)
    make_and_lock(studio, film, 4, 9)
    preview = prompts.edit_preview(studio, film.user.id, ref)
    row = scene_edits.scene_view(studio, film.user.id, ref, 9).latest
    first = row["content"]["prompts"][0]
    prompts.save_prompt_edits(studio, film.user.id, ref, row["version"],
                              [{"shot_id": first["shot_id"], "frame_prompt": first["frame_prompt"] + " Rain."}],
                              preview=preview, acknowledged=True)
    assert set(_flagged(studio, film, "frames")) == set(_flagged(studio, film, "videos")) == {4}


def test_a_change_above_the_scenes_outdates_them_and_closes_their_stages(studio, shot_film):
    film = shot_film
    stage_five = story_edits.stage_view(studio, film.user.id, film.ref, 5).latest
    preview = story_edits.edit_preview(studio, film.user.id, film.ref, 5)
    assert InvalidationType.GLOBAL in preview.impact.types and preview.counts[ItemKind.SCENE] == 4
    story_edits.save_assets(studio, film.user.id, film.ref, stage_five["version"], stage_five["content"]["assets"],
                            preview=preview, acknowledged=True)
    assert {r["status"] for r in rows(studio, film.user.id, "SELECT status FROM scenes")} == {SceneStatus.OUTDATED}
    with pytest.raises(StageNotReady, match="Lock Stage 5"):
        scene_generate.generate(studio, film.user.id, film.scene(1), 7, seen_version=1)
    new = story_edits.stage_view(studio, film.user.id, film.ref, 5).latest
    story_edits.lock_stage(studio, film.user.id, film.ref, 5, new["version"])  # writes the next scene version
    live = scene_edits.scene_list(studio, film.user.id, film.ref.branch_id)
    assert {s["status"] for s in live} == {SceneStatus.DRAFT} and not {s["id"] for s in live} & {
        s["id"] for s in film.scenes}
    kept = rows(studio, film.user.id, "SELECT v.stage_number FROM scene_stage_versions v JOIN scenes s "
                                      "ON s.id = v.scene_id WHERE s.superseded_at IS NOT NULL")
    assert sorted(r["stage_number"] for r in kept) == [7] * 4 + [8] * 4  # the old scenes' work, kept as history
