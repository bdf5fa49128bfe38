"""Preview, then apply, on the real database: a five-stage branch with three scenes in production."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

import psycopg
import pytest

from core.costs.estimates import DEFAULT_ONLINE_MODELS, Estimator
from core.costs.price_book import load_price_book
from core.errors import EditConflict, NotFound
from core.invalidation.changes import (
    apply_change,
    build_preview,
    change_for_stage_edit,
    has_downstream_work,
    load_snapshot,
    preview_change,
)
from core.invalidation.resolver import Change, ChangeKind, Global, InvalidationType, ItemKind, Scene, SceneEndState
from core.story.projects import create_project
from core.story.versions import save_version
from db import stages as stage_rows

pytestmark = pytest.mark.db

BOOK = load_price_book()
ONLINE = Estimator(BOOK, models=DEFAULT_ONLINE_MODELS)
OFFLINE = Estimator(BOOK)  # offline models, shadow-priced on the default online ones
GLOBAL_CONTENT = {
    2: {"treatment": "Mara rows to the reef at dawn. " * 40},
    3: {"beats": [{"text": f"Beat {n}: the sea gives something back."} for n in range(12)]},
    4: {"fountain": "INT. LIGHTHOUSE - NIGHT\n\nMara reads the letter.\n" * 30},
    5: {"assets": [{"name": "Mara"}, {"name": "Tomas"}, {"name": "The lighthouse"}], "style": "ink wash"},
}
SHOTS = (("A", 8, True), ("B", 6, False))  # label, seconds, requires an end frame


@dataclass
class Film:
    """Ids of everything the fixture made, for assertions."""

    db: object
    user_id: UUID
    project_id: UUID
    branch_id: UUID
    stages: dict[int, UUID]
    scenes: list[UUID]
    shots: dict[UUID, list[UUID]]  # by scene
    frames: dict[UUID, list[UUID]]
    clips: dict[UUID, list[UUID]]

    def run(self, sql: str, params: list | None = None) -> list[dict]:
        with self.db.as_user(self.user_id) as conn:
            return conn.execute(sql, params or []).fetchall()

    def apply(self, change: Change, preview, *, trigger: UUID | None = None, acknowledged: bool = True):
        with self.db.as_user(self.user_id) as conn:
            return apply_change(conn, self.branch_id, change, trigger, preview, acknowledged)

    def new_version(self, number: int, content: dict) -> UUID:
        with self.db.as_user(self.user_id) as conn:
            return save_version(conn, self.branch_id, number, content, seen_version=1)["id"]


def _one(conn, sql: str, params: list) -> UUID:
    return conn.execute(sql + " RETURNING id", params).fetchone()["id"]


def _scene(conn, film: Film, number: int, asset_ids: list[UUID]) -> None:
    scene = _one(conn, "INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, status) "
                       "VALUES (%s, %s, %s, %s, 'video_complete')",
                 [film.branch_id, number, f"EXT. REEF - DAWN {number}", "Mara rows out past the breakers. " * 10])
    for asset in asset_ids:
        conn.execute("INSERT INTO scene_asset_instances (scene_id, project_asset_id) VALUES (%s, %s)", [scene, asset])
    film.scenes.append(scene)
    film.shots[scene], film.frames[scene], film.clips[scene] = [], [], []
    for order, (label, seconds, needs_end) in enumerate(SHOTS):
        shot = _one(conn, "INSERT INTO shots (scene_id, shot_id, shot_order, duration, action, setting, camera_spec, "
                          "requires_end_frame, frame_prompt, video_prompt) VALUES (%s, %s, %s, %s, 'rows', 'reef', "
                          "'wide', %s, 'a rowing boat', 'she rows')",
                    [scene, f"{number}{label}", order, seconds, needs_end])
        kinds = ("start", "end") if needs_end else ("start",)
        frames = [_one(conn, "INSERT INTO frames (shot_id, frame_type, prompt, image_url) VALUES (%s, %s, 'p', %s)",
                       [shot, kind, f"sha256:{shot}{kind}"]) for kind in kinds]
        clip = _one(conn, "INSERT INTO videos (shot_id, start_frame_id, end_frame_id, video_prompt, video_url, status) "
                          "VALUES (%s, %s, %s, 'she rows', %s, 'complete')",
                    [shot, frames[0], frames[1] if needs_end else None, f"sha256:{shot}clip"])
        film.shots[scene].append(shot)
        film.frames[scene] += frames
        film.clips[scene].append(clip)


@pytest.fixture
def film(studio, make_user, project_input) -> Film:
    """Stages 1-5 locked, three assets, three finished scenes of two shots (3 frames, 2 clips each)."""
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    made = Film(studio.db, user.id, ref.project_id, ref.branch_id, {}, [], {}, {}, {})
    with studio.db.as_user(user.id) as conn:
        made.stages[1] = stage_rows.latest(conn, ref.branch_id, 1)["id"]
        for number, content in GLOBAL_CONTENT.items():
            made.stages[number] = stage_rows.insert_version(conn, ref.branch_id, number, 1, content,
                                                            status="locked")["id"]
        assets = [_one(conn, "INSERT INTO project_assets (project_id, branch_id, name, asset_type, description) "
                             "VALUES (%s, %s, %s, 'character', 'a sailor')", [ref.project_id, ref.branch_id, name])
                  for name in ("Mara", "Tomas", "Keeper")]
        for number in (1, 2, 3):
            _scene(conn, made, number, assets[:2])
    return made


def text(ids) -> set[str]:
    """Ids as a snapshot and its impact name them."""
    return {str(i) for i in ids}


def everything(film: Film, table: str) -> list[UUID]:
    return [i for scene in film.scenes for i in getattr(film, table)[scene]]


def state_of(film: Film) -> dict:
    """Every status and flag the change could touch, and the log, for before/after comparisons."""
    return {
        "stages": film.run("SELECT id, status FROM stage_states WHERE branch_id = %s ORDER BY id", [film.branch_id]),
        "scenes": film.run("SELECT id, status FROM scenes WHERE branch_id = %s ORDER BY id", [film.branch_id]),
        **{table: film.run(f"SELECT id, invalidated_at, invalidation_log_id FROM {table} ORDER BY id")
           for table in ("shots", "frames", "videos")},
        "logs": film.run("SELECT count(*) AS n FROM invalidation_logs")[0]["n"],
    }


def invalidated(film: Film, table: str) -> set[UUID]:
    return {row["id"] for row in film.run(f"SELECT id FROM {table} WHERE invalidated_at IS NOT NULL")}


def statuses(film: Film, table: str) -> dict[UUID, str]:
    return {row["id"]: row["status"] for row in film.run(f"SELECT id, status FROM {table}")}


def logs(film: Film) -> list[dict]:
    return film.run("SELECT * FROM invalidation_logs ORDER BY created_at, invalidation_type")


def units(estimate, unit: str) -> Decimal:
    return sum((item.units for item in estimate.items if item.unit == unit), Decimal(0))


# --- the snapshot ------------------------------------------------------------------------------

class CountingConnection:
    """The real connection, counting the statements sent through it."""

    def __init__(self, conn) -> None:
        self.conn, self.statements = conn, 0

    def execute(self, *args, **kwargs):
        self.statements += 1
        return self.conn.execute(*args, **kwargs)

    def cursor(self, *args, **kwargs):
        return CountingConnection.Cursor(self, self.conn.cursor(*args, **kwargs))

    class Cursor:
        def __init__(self, counter, cursor) -> None:
            self.counter, self.cursor = counter, cursor

        def execute(self, *args, **kwargs):
            self.counter.statements += 1
            return self.cursor.execute(*args, **kwargs)


def test_the_snapshot_reads_the_whole_branch_in_four_queries(film):
    with film.db.as_user(film.user_id) as conn:
        counting = CountingConnection(conn)
        snapshot = load_snapshot(counting, film.branch_id)
    assert counting.statements == 4
    state = snapshot.state
    assert [(s.stage_number, s.version, s.status.value) for s in state.stages] == [
        (n, 1, "locked") for n in range(1, 6)]
    assert [scene.number for scene in state.scenes] == [1, 2, 3]
    first = state.scenes[0]
    assert [shot.label for shot in first.shots] == ["1A", "1B"]
    assert [f.frame_type for f in first.frames] == ["start", "end", "start"]
    assert len(first.clips) == 2 and first.work_stages == {7, 8, 9, 10, 12}
    assert snapshot.asset_count == 3 and snapshot.target_seconds == 180


def test_a_scenes_snapshot_loads_only_its_own_shots_but_knows_where_every_scene_has_work(film):
    with film.db.as_user(film.user_id) as conn:
        counting = CountingConnection(conn)
        snapshot = load_snapshot(counting, film.branch_id, scene_id=str(film.scenes[1]))
    assert counting.statements == 4
    first, second, third = snapshot.state.scenes
    assert (len(first.shots), len(second.shots), len(third.shots)) == (0, 2, 0)
    assert len(second.frames) == 3 and len(second.clips) == 2
    assert first.has_work and third.work_stages == {7, 8, 9} and second.work_stages == {7, 8, 9, 10, 12}


def test_a_change_to_a_scene_not_on_the_branch_is_not_found(film):
    for scene_id in ("not a scene", "00000000-0000-4000-8000-000000000000"):
        with pytest.raises(NotFound):
            preview_change(film.db, film.user_id, film.branch_id, Change(8, Scene(scene_id)), ONLINE)


def test_someone_elses_branch_has_no_snapshot_and_no_preview(film, make_user):
    stranger = make_user()
    with pytest.raises(NotFound):
        preview_change(film.db, stranger.id, film.branch_id, Change(3), ONLINE)
    with film.db.as_user(stranger.id) as conn, pytest.raises(NotFound):
        load_snapshot(conn, film.branch_id, lock=True)


def test_a_log_can_only_name_a_scene_of_its_own_branch(film, make_user, project_input):
    stranger = make_user()
    theirs = create_project(film.db, stranger.id, project_input)
    with film.db.as_user(stranger.id) as conn:
        trigger = stage_rows.latest(conn, theirs.branch_id, 1)["id"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege), film.db.as_user(stranger.id) as conn:
        conn.execute("INSERT INTO invalidation_logs (branch_id, triggering_stage_state_id, invalidation_type, scene_id) "
                     "VALUES (%s, %s, 'local_scene', %s)", [theirs.branch_id, trigger, film.scenes[0]])


# --- preview -------------------------------------------------------------------------------------

def test_previewing_a_beat_sheet_regeneration_lists_everything_downstream_with_reasons_and_cost(film):
    preview = preview_change(film.db, film.user_id, film.branch_id, change_for_stage_edit(3, "regenerate"), ONLINE)
    assert has_downstream_work(preview)
    assert preview.impact.ids(ItemKind.STAGE_STATE) == (str(film.stages[4]), str(film.stages[5]))
    assert set(preview.impact.ids(ItemKind.SCENE)) == text(film.scenes)
    for kind, table in ((ItemKind.SHOT, "shots"), (ItemKind.FRAME, "frames"), (ItemKind.CLIP, "clips")):
        assert set(preview.impact.ids(kind)) == text(everything(film, table))
    assert preview.counts == {ItemKind.STAGE_STATE: 2, ItemKind.SCENE: 3, ItemKind.SHOT: 6, ItemKind.FRAME: 9,
                              ItemKind.CLIP: 6}
    assert {row["why"] for row in preview.rows} == {"Stage 3 Beat sheet was regenerated"}
    assert preview.rows[0]["what"] == "4 · Master script v1" and preview.rows[0]["becomes"] == "invalidated"
    assert list(preview.estimates) == [InvalidationType.GLOBAL]
    # three asset images, then a start frame per shot and an end frame for each A shot; 3 x (8 + 6) seconds
    assert units(preview.estimate, "image") == 3 + 6 + 3
    assert units(preview.estimate, "video_second") == 42
    assert units(preview.estimate, "output_token") > 0  # script, asset extraction, shot lists, prompts
    assert preview.credits > Decimal("31.5") + Decimal("0.468")
    assert preview.credits == sum(item.credits for item in preview.estimate.items)


def test_an_offline_lineup_costs_nothing_and_carries_the_online_shadow_price(film):
    change = change_for_stage_edit(3, "regenerate")
    online = preview_change(film.db, film.user_id, film.branch_id, change, ONLINE)
    offline = preview_change(film.db, film.user_id, film.branch_id, change, OFFLINE)
    assert offline.credits == 0
    assert offline.shadow_credits == online.credits > 0


def test_the_summary_groups_the_impact_by_reason_with_counts(film):
    preview = preview_change(film.db, film.user_id, film.branch_id, Change(4, Global(), "edit"), ONLINE)
    summary = preview.summary_rows()
    assert [(row["becomes"], row["counts"]) for row in summary] == [
        ("outdated", {"stage_state": 1}),
        ("invalidated", {"stage_state": 1, "shot": 6, "frame": 9, "clip": 6}),
        ("outdated", {"scene": 3}),
    ]
    assert summary[0]["items"] == ["3 · Beat sheet v1"]


def test_a_fresh_project_has_nothing_downstream_so_no_dialog(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    preview = preview_change(studio.db, user.id, ref.branch_id, Change(1, Global(), "edit"), ONLINE)
    assert not has_downstream_work(preview) and len(preview.impact) == 0 and preview.credits == 0


# --- apply -------------------------------------------------------------------------------------

def test_applying_a_beat_sheet_regeneration_writes_statuses_flags_and_one_log_row(film):
    change = Change(3)
    preview = preview_change(film.db, film.user_id, film.branch_id, change, ONLINE)
    version_2 = film.new_version(3, {"beats": [{"text": "A new first beat."}]})
    applied = film.apply(change, preview, trigger=version_2)

    stages = statuses(film, "stage_states")
    assert [stages[film.stages[n]] for n in range(1, 6)] == ["locked"] * 3 + ["invalidated"] * 2
    assert stages[version_2] == "draft"
    assert set(statuses(film, "scenes").values()) == {"outdated"}
    for table, ids in (("shots", "shots"), ("frames", "frames"), ("videos", "clips")):
        assert invalidated(film, table) == set(everything(film, ids))
    (log,) = logs(film)
    assert (log["invalidation_type"], log["triggering_stage_state_id"], log["branch_id"]) == (
        "global", version_2, film.branch_id)
    assert (log["stage_number"], log["change_kind"], log["change_scope"]) == (3, "regenerate", "global")
    assert log["invalidated_stage_states"] == [film.stages[4], film.stages[5]]
    assert log["invalidated_scenes"] == film.scenes and log["flagged_stage_states"] == []
    assert log["estimated_regen_cost"] == preview.credits > 0
    assert log["warning_acknowledged"] is True
    assert log["reasons"] == [
        {"why": "Stage 3 Beat sheet was regenerated", "becomes": "invalidated",
         "counts": {"stage_state": 2, "shot": 6, "frame": 9, "clip": 6},
         "items": ["4 · Master script v1", "5 · Global assets v1"]},
        {"why": "Stage 3 Beat sheet was regenerated", "becomes": "outdated", "counts": {"scene": 3},
         "items": ["Scene 1", "Scene 2", "Scene 3"]},
    ]
    flagged_by = film.run("SELECT DISTINCT invalidation_log_id AS log FROM frames")
    assert flagged_by == [{"log": log["id"]}]
    assert applied.logs[0]["id"] == log["id"]


def test_applying_again_invalidates_nothing_new(film):
    change = Change(3)
    first = preview_change(film.db, film.user_id, film.branch_id, change, ONLINE)
    film.apply(change, first, trigger=film.new_version(3, {"beats": []}))
    after_first = state_of(film)

    again = preview_change(film.db, film.user_id, film.branch_id, change, ONLINE)
    assert not has_downstream_work(again) and again.credits == 0
    assert film.apply(change, again, trigger=film.stages[3]).logs == ()
    assert film.apply(change, first, trigger=film.stages[3]).logs == ()  # a stale preview of work now done
    assert state_of(film) == after_first


def test_a_scene_change_invalidates_only_that_scenes_frames_and_clips(film):
    scene = film.scenes[1]
    change = change_for_stage_edit(8, "edit", scene_id=scene)
    preview = preview_change(film.db, film.user_id, film.branch_id, change, ONLINE)
    assert set(preview.impact.ids()) == text(film.frames[scene]) | text(film.clips[scene])
    assert units(preview.estimate, "image") == 3 and units(preview.estimate, "video_second") == 14
    before_stages, before_scenes = statuses(film, "stage_states"), statuses(film, "scenes")

    film.apply(change, preview)
    assert invalidated(film, "frames") == set(film.frames[scene])
    assert invalidated(film, "videos") == set(film.clips[scene])
    assert invalidated(film, "shots") == set()
    assert statuses(film, "stage_states") == before_stages and statuses(film, "scenes") == before_scenes
    (log,) = logs(film)
    assert (log["invalidation_type"], log["scene_id"], log["stage_number"], log["change_scope"]) == (
        "local_scene", scene, 8, "scene")
    assert log["triggering_stage_state_id"] is None and log["invalidated_scenes"] == [scene]
    assert log["estimated_regen_cost"] == preview.credits == Decimal(3) * Decimal("0.039") + 14 * Decimal("0.75")


def test_a_scene_end_state_change_flags_later_scenes_continuity_broken(film):
    first, second, third = film.scenes
    change = change_for_stage_edit(10, "regenerate", scene_id=first, end_state=True)
    preview = preview_change(film.db, film.user_id, film.branch_id, change, ONLINE)
    assert preview.impact.types == (InvalidationType.LOCAL_SCENE, InvalidationType.CONTINUITY_BREAK)

    film.apply(change, preview)
    assert statuses(film, "scenes") == {first: "video_complete", second: "continuity_broken",
                                        third: "continuity_broken"}
    assert invalidated(film, "videos") == set(film.clips[first])  # new frames: its clips must be re-rendered
    assert invalidated(film, "frames") == set()
    by_type = {log["invalidation_type"]: log for log in logs(film)}
    assert len(by_type) == len(logs(film)) == 2
    local, broken = by_type["local_scene"], by_type["continuity_break"]
    assert (local["invalidation_type"], local["invalidated_scenes"]) == ("local_scene", [first])
    assert (broken["invalidation_type"], broken["invalidated_scenes"]) == ("continuity_break", [second, third])
    assert broken["estimated_regen_cost"] == 0 and broken["scene_id"] == first
    assert broken["reasons"][0]["why"].startswith("The end state of scene 1 changed")


def test_an_end_state_change_leaves_a_later_scene_not_begun_alone(film):
    (row,) = film.run("INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt) "
                      "VALUES (%s, 4, 'EXT. SHORE - DUSK', 'Tomas walks ashore.') RETURNING id", [film.branch_id])
    later = row["id"]
    change = Change(8, SceneEndState(film.scenes[0]), "edit")
    preview = preview_change(film.db, film.user_id, film.branch_id, change, ONLINE)
    assert set(preview.impact.ids(ItemKind.SCENE)) == text(film.scenes[1:])
    film.apply(change, preview)
    assert statuses(film, "scenes")[later] == "draft"


def test_editing_the_script_marks_the_beat_sheet_outdated_never_invalidated(film):
    change = change_for_stage_edit(4, ChangeKind.EDIT)
    preview = preview_change(film.db, film.user_id, film.branch_id, change, ONLINE)
    film.apply(change, preview, trigger=film.new_version(4, {"fountain": "INT. LIGHTHOUSE - DAY"}))
    stages = statuses(film, "stage_states")
    assert stages[film.stages[3]] == "outdated"
    assert stages[film.stages[5]] == "invalidated"
    assert stages[film.stages[2]] == stages[film.stages[4]] == "locked"
    (log,) = logs(film)
    assert log["flagged_stage_states"] == [film.stages[3]]
    assert log["invalidated_stage_states"] == [film.stages[5]]


def test_cancel_is_not_applying_and_changes_nothing(film):
    before = state_of(film)
    for change in (Change(2), Change(4, Global(), "edit"), Change(10, SceneEndState(film.scenes[0]))):
        preview_change(film.db, film.user_id, film.branch_id, change, ONLINE)
    assert state_of(film) == before
    assert before["logs"] == 0 and not invalidated(film, "frames")


def test_work_added_after_the_preview_refuses_the_apply_and_writes_nothing(film):
    scene = film.scenes[2]
    change = Change(8, Scene(scene))
    preview = preview_change(film.db, film.user_id, film.branch_id, change, ONLINE)
    shot, start = film.shots[scene][1], film.frames[scene][2]
    film.run("INSERT INTO videos (shot_id, start_frame_id, video_prompt, video_url, status, version) "
             "VALUES (%s, %s, 'again', 'sha256:again', 'complete', 2) RETURNING id", [shot, start])
    before = state_of(film)
    with pytest.raises(EditConflict, match="changed since the preview"):
        film.apply(change, preview)
    assert state_of(film) == before


def test_two_sessions_applying_at_once_write_it_once(film):
    change = Change(8, Scene(film.scenes[0]))
    preview = preview_change(film.db, film.user_id, film.branch_id, change, ONLINE)
    first_applied, release, applied = threading.Event(), threading.Event(), {}

    def session(name: str) -> None:
        with film.db.as_user(film.user_id) as conn:
            applied[name] = apply_change(conn, film.branch_id, change, None, preview, True)
            first_applied.set()
            release.wait(10)  # the first session holds its transaction open

    first = threading.Thread(target=session, args=("first",))
    first.start()
    assert first_applied.wait(10)
    second = threading.Thread(target=session, args=("second",))
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for the branch
    release.set()
    first.join(10), second.join(10)
    assert len(applied["first"].logs) == 1 and applied["second"].logs == ()
    assert len(logs(film)) == 1


def test_apply_needs_the_preview_of_the_same_change_on_the_same_branch(film):
    preview = preview_change(film.db, film.user_id, film.branch_id, Change(3), ONLINE)
    with pytest.raises(ValueError, match="this very change"):
        film.apply(Change(2), preview, trigger=film.stages[2])
    with pytest.raises(ValueError, match="new version"):
        film.apply(Change(3), preview, trigger=None)
    assert logs(film) == []


def test_an_unacknowledged_apply_is_logged_as_such(film):
    change = Change(5)
    with film.db.as_user(film.user_id) as conn:
        preview = build_preview(conn, film.branch_id, change, OFFLINE)
        trigger = save_version(conn, film.branch_id, 5, {"assets": []}, seen_version=1)["id"]
        apply_change(conn, film.branch_id, change, trigger, preview, acknowledged=False)
    (log,) = logs(film)
    assert log["warning_acknowledged"] is False
    assert log["estimated_regen_cost"] == 0 and log["estimated_shadow_cost"] == preview.shadow_credits > 0


# --- the change helper -----------------------------------------------------------------------

@pytest.mark.parametrize("args, kwargs, expected", [
    ((3, "regenerate"), {}, Change(3, Global(), ChangeKind.REGENERATE)),
    ((4, ChangeKind.EDIT), {}, Change(4, Global(), ChangeKind.EDIT)),
    ((8, "edit"), {"scene_id": "s1"}, Change(8, Scene("s1"), ChangeKind.EDIT)),
    ((10, "regenerate"), {"scene_id": "s1", "end_state": True}, Change(10, SceneEndState("s1"))),
])
def test_change_for_stage_edit_names_the_change(args, kwargs, expected):
    assert change_for_stage_edit(*args, **kwargs) == expected


@pytest.mark.parametrize("args, kwargs", [
    ((7, "edit"), {}),  # a scene stage needs its scene
    ((3, "edit"), {"scene_id": "s1"}),  # a global stage has none
    ((6, "edit"), {"scene_id": "s1"}),  # the hub makes nothing to invalidate
    ((3, "edit"), {"end_state": True}),
    ((3, "rewrite"), {}),
])
def test_change_for_stage_edit_refuses_what_is_not_a_change(args, kwargs):
    with pytest.raises(ValueError):
        change_for_stage_edit(*args, **kwargs)
