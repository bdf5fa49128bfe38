"""Scenes are versioned, never deleted: re-locking the assets after a changed script writes new live
scenes and keeps the old ones, with their shots, frames, clips, asset instances and ledger rows."""

from __future__ import annotations

from uuid import UUID

import psycopg
import pytest

from core.branches.compare import compare
from core.branches.forks import delete_branch, fork, scene_history, switch_branch
from core.costs.dashboard import cost_dashboard, film_progress
from core.costs.estimates import DEFAULT_ONLINE_MODELS, Estimator, ShotPlan
from core.costs.ledger import ChargedTo, record_charge
from core.costs.price_book import load_price_book
from core.invalidation.changes import load_snapshot
from core.story import assets
from core.story import edits as story_edits
from core.story import generate as story
from core.story.projects import ProjectRef
from core.story.run import run_story
from db import branches as branch_rows
from db import cost_views
from tests.test_pages_branches import open_page

pytestmark = pytest.mark.db

PRICED = Estimator(load_price_book(), models=DEFAULT_ONLINE_MODELS)
ADDED_SCENE = "\n\nEXT. THE REEF - DAWN\n\nMara rows out past the breakers and waits for the tide.\n"
WORK_TABLES = ("scenes", "shots", "frames", "videos", "scene_asset_instances", "cost_ledger")


def rows(studio, user, sql: str, *params) -> list[dict]:
    with studio.db.as_user(user.id) as conn:
        return conn.execute(sql, list(params)).fetchall()


def counts(studio, user) -> dict[str, int]:
    """How many rows of each kind of production work the user has, on every branch."""
    return {table: rows(studio, user, f"SELECT count(*) AS n FROM {table}")[0]["n"] for table in WORK_TABLES}


def _one(conn, sql: str, params: list) -> UUID:
    return conn.execute(sql + " RETURNING id", params).fetchone()["id"]


def make_scene_work(studio, user, ref: ProjectRef) -> None:
    """For every live scene: an asset instance, one shot with a start frame and a rendered clip, and the
    paid clip's ledger row charged to the scene and shot. Scenes become `video_complete`."""
    with studio.db.as_user(user.id) as conn:
        asset = conn.execute("SELECT id FROM project_assets WHERE branch_id = %s LIMIT 1", [ref.branch_id]).fetchone()
        for scene in conn.execute("SELECT id, scene_number FROM scenes WHERE branch_id = %s AND superseded_at IS NULL",
                                  [ref.branch_id]).fetchall():
            conn.execute("UPDATE scenes SET status = 'video_complete' WHERE id = %s", [scene["id"]])
            conn.execute("INSERT INTO scene_asset_instances (scene_id, project_asset_id) VALUES (%s, %s)",
                         [scene["id"], asset["id"]])
            shot = _one(conn, "INSERT INTO shots (scene_id, shot_id, shot_order, action, setting, camera_spec, "
                              "frame_prompt, video_prompt) VALUES (%s, %s, 0, 'rows', 'reef', 'wide', 'boat', 'rows')",
                        [scene["id"], f"{scene['scene_number']}A"])
            frame = _one(conn, "INSERT INTO frames (shot_id, frame_type, prompt, image_url) "
                               "VALUES (%s, 'start', 'p', %s)", [shot, f"sha256:{shot}start"])
            conn.execute("INSERT INTO videos (shot_id, start_frame_id, video_prompt, video_url, status) "
                         "VALUES (%s, %s, 'rows', %s, 'complete')", [shot, frame, f"sha256:{shot}clip"])
            record_charge(conn, ref.project_id, PRICED.clips([ShotPlan(8)]).charge(), key=f"clip:{shot}",
                          charged_to=ChargedTo(ref.branch_id, 12, scene["id"], shot))


def relock_with_changed_script(studio, user, ref: ProjectRef) -> None:
    """Edit the script by hand (a global change), lock it, write the assets again and lock them."""
    script = story_edits.stage_view(studio, user.id, ref, 4).latest
    edited = script["content"]["formatted_script"] + ADDED_SCENE
    saved = story_edits.save_script(studio, user.id, ref, script["version"], edited, acknowledged=True)
    story_edits.lock_stage(studio, user.id, ref, 4, saved["version"])
    seen = story_edits.stage_view(studio, user.id, ref, 5).latest["version"]
    drafted = story.generate(studio, user.id, ref, 5, seen_version=seen)
    drafted = story_edits.save_assets(studio, user.id, ref, drafted["version"], drafted["content"]["assets"],
                                      style={"preset": "storyboard", "notes": ""})
    assets.queue_reference_images(studio, user.id, ref, inline=True)
    story_edits.lock_stage(studio, user.id, ref, 5, drafted["version"])


@pytest.fixture
def produced(studio, make_user, project_input):
    """Stages 1-5 locked by the headless run, every scene produced through a rendered, paid clip."""
    user = make_user()
    summary = run_story(studio, user, {**project_input, "input_mode": "condense"}, through=5)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    make_scene_work(studio, user, ref)
    return user, ref


def live_scenes(studio, user, branch_id) -> list[dict]:
    return rows(studio, user, "SELECT * FROM scenes WHERE branch_id = %s AND superseded_at IS NULL "
                              "ORDER BY scene_number", branch_id)


def test_a_relock_after_a_changed_script_supersedes_the_scenes_and_keeps_all_their_work(studio, produced):
    user, ref = produced
    old = live_scenes(studio, user, ref.branch_id)
    before = counts(studio, user)
    ledger_before = rows(studio, user, "SELECT id, scene_id, shot_id FROM cost_ledger WHERE scene_id IS NOT NULL")
    assert len(ledger_before) == len(old) > 0

    relock_with_changed_script(studio, user, ref)

    after = counts(studio, user)
    new = live_scenes(studio, user, ref.branch_id)
    assert len(new) == len(old) + 1  # the added scene
    assert after["cost_ledger"] > before["cost_ledger"]  # the new Stage 5 version's own calls
    assert {**after, "cost_ledger": 0} == {**before, "scenes": before["scenes"] + len(new), "cost_ledger": 0}
    kept = rows(studio, user, "SELECT * FROM scenes WHERE id = ANY(%s)", [s["id"] for s in old])
    assert {(s["version"], s["status"]) for s in kept} == {(1, "outdated")}
    assert all(s["superseded_at"] is not None for s in kept)
    for table in ("shots", "frames", "videos"):
        flags = rows(studio, user, f"SELECT invalidated_at FROM {table}")
        assert flags and all(f["invalidated_at"] is not None for f in flags)  # the global change's flags
    assert rows(studio, user, "SELECT id, scene_id, shot_id FROM cost_ledger WHERE scene_id IS NOT NULL") == ledger_before
    locked_assets = story_edits.stage_view(studio, user.id, ref, 5).latest
    assert {(s["version"], s["status"], s["written_from_stage_id"]) for s in new} == {(2, "draft", locked_assets["id"])}
    script = story_edits.stage_view(studio, user.id, ref, 4).latest["content"]["scenes"]
    assert [s["slug"] for s in new] == [s["slug"] for s in script]


def test_live_readers_see_only_the_new_scenes_and_history_sees_both(studio, produced):
    user, ref = produced
    old_ids = {str(s["id"]) for s in live_scenes(studio, user, ref.branch_id)}
    with studio.db.as_user(user.id) as conn:
        assert branch_rows.stage_reached(conn, ref.branch_id) == 12
    relock_with_changed_script(studio, user, ref)
    new = live_scenes(studio, user, ref.branch_id)

    with studio.db.as_user(user.id) as conn:
        snapshot = load_snapshot(conn, ref.branch_id)
        assert branch_rows.stage_reached(conn, ref.branch_id) == 6  # the new scenes have no work yet
        progress = film_progress(cost_views.branch_context(conn, ref.project_id, ref.branch_id),
                                 cost_views.shot_progress(conn, ref.branch_id))
    assert {s.id for s in snapshot.state.scenes} == {str(s["id"]) for s in new}
    assert not any(s.shots or s.frames or s.clips for s in snapshot.state.scenes)
    assert [s.number for s in progress.scenes] == [s["scene_number"] for s in new]

    history = scene_history(studio.db, user.id, ref.branch_id)
    assert [(h["version"], h["live"]) for h in history] == [(2, True)] * len(new) + [(1, False)] * len(old_ids)
    assert all((h["shots"], h["frames"], h["clips"], h["asset_instances"]) == (1, 1, 1, 1)
               for h in history if not h["live"])
    assert all(h["spend_credits"] > 0 for h in history if not h["live"])

    dashboard = cost_dashboard(studio.db, user.id, ref.project_id, ref.branch_id, PRICED)
    by_scene = {str(row.key): row.label for row in dashboard.by_scene if row.key is not None}
    assert set(by_scene) == old_ids  # the old scenes' spend, still linked to them
    assert all(label.endswith("(superseded v1)") for label in by_scene.values())


def test_locking_the_same_assets_again_keeps_the_live_scenes_and_their_work(studio, produced):
    user, ref = produced
    old = live_scenes(studio, user, ref.branch_id)
    before = counts(studio, user)
    version = story_edits.stage_view(studio, user.id, ref, 5).latest["version"]
    story_edits.lock_stage(studio, user.id, ref, 5, version)
    assert live_scenes(studio, user, ref.branch_id) == old
    assert counts(studio, user) == before


def test_scenes_are_never_deleted_and_superseded_ones_never_change(studio, produced):
    user, ref = produced
    old = live_scenes(studio, user, ref.branch_id)
    with pytest.raises(psycopg.errors.RaiseException, match="cannot be deleted"):
        rows(studio, user, "DELETE FROM scenes WHERE branch_id = %s", ref.branch_id)
    relock_with_changed_script(studio, user, ref)
    with pytest.raises(psycopg.errors.RaiseException, match="superseded history"):
        rows(studio, user, "UPDATE scenes SET status = 'draft' WHERE id = %s", old[0]["id"])
    with pytest.raises(psycopg.errors.UniqueViolation):  # one live scene per number
        rows(studio, user, "INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt) "
                           "VALUES (%s, 1, 'INT. DUPLICATE - DAY', '')", ref.branch_id)


def test_compare_and_fork_carry_scene_versions(studio, produced):
    user, ref = produced
    before = fork(studio.db, user.id, ref.project_id, ref.branch_id, 12, "Before the rewrite", "keep the cut")
    relock_with_changed_script(studio, user, ref)

    result = compare(studio.db, user.id, before["id"], ref.branch_id)
    old_numbers = {s["scene_number"] for s in live_scenes(studio, user, before["id"])}
    assert all("version" in d.fields for d in result.scenes if d.key[0] in old_numbers)
    assert {d.key[0] for d in result.shots} == old_numbers  # the fork's shots; the rewrite has none live
    assert {d.change.value for d in result.shots} == {"removed"}

    after = fork(studio.db, user.id, ref.project_id, ref.branch_id, 6, "After the rewrite", "new scenes")
    forked = rows(studio, user, "SELECT * FROM scenes WHERE branch_id = %s ORDER BY version, scene_number", after["id"])
    source = rows(studio, user, "SELECT * FROM scenes WHERE branch_id = %s ORDER BY version, scene_number", ref.branch_id)
    assert [(s["version"], s["scene_number"], s["superseded_at"]) for s in forked] == \
           [(s["version"], s["scene_number"], s["superseded_at"]) for s in source]  # every version, history too
    fork_five = rows(studio, user, "SELECT id, inherited_from_stage_id FROM stage_states "
                                   "WHERE branch_id = %s AND stage_number = 5", after["id"])
    remapped = {f["inherited_from_stage_id"]: f["id"] for f in fork_five}
    assert all(f["written_from_stage_id"] == remapped[s["written_from_stage_id"]] for f, s in zip(forked, source))
    assert not compare(studio.db, user.id, after["id"], ref.branch_id).scenes

    switch_branch(studio.db, user.id, ref.project_id, after["id"])
    delete_branch(studio.db, user.id, ref.project_id, before["id"])  # a whole branch still goes, with its scenes
    assert rows(studio, user, "SELECT count(*) AS n FROM scenes WHERE branch_id = %s", before["id"])[0]["n"] == 0


def test_the_branch_page_lists_superseded_scene_versions_with_their_work(studio, produced):
    user, ref = produced
    old = live_scenes(studio, user, ref.branch_id)
    relock_with_changed_script(studio, user, ref)
    at = open_page(user, ref)
    (table,) = [d.value for d in at.dataframe if "Clips" in d.value.columns]
    superseded = table[table["State"] == "superseded"]
    assert sorted(superseded["Scene"]) == [s["scene_number"] for s in old]
    assert set(superseded["Version"]) == {1} and set(superseded["Clips"]) == {1} and (superseded["Spend"] > 0).all()
    assert (table["State"] == "live").sum() == len(old) + 1
