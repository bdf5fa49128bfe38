"""The cost dashboard on the real database: grouped spend, the invalidation log, the projection to finish,
the CSV and the JSON report, the round trips it takes, and the page as a creator sees it."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from datetime import timedelta
from decimal import Decimal

import pytest
from psycopg.types.json import Jsonb
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from core.costs.dashboard import cost_dashboard, cost_report, ledger_csv, load_dashboard
from core.costs.estimates import OFFLINE_MODELS, Estimator, ModelLineup, ShotPlan
from core.costs.ledger import ChargedTo, dollars, record_charge, release, reserve
from core.costs.price_book import load_price_book
from core.costs.projection import FilmProgress, SceneProgress, ShotProgress, project_to_finish
from core.errors import NotFound
from core.runtime.engines import studio_estimator
from core.runtime.settings import Settings
from core.story.projects import create_project
from db import invalidations as invalidation_rows
from db import projects as project_rows
from db import stages as stage_rows
from db.cost_views import LEDGER_CSV_COLUMNS
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.db

D = Decimal
BOOK = load_price_book()
ONLINE = ModelLineup("openai:gpt-4o-mini", "google:gemini-2.5-flash-image", "google:veo-3")
PRICED = Estimator(BOOK, models=ONLINE, online=ONLINE)
OFFLINE = Estimator(BOOK, models=OFFLINE_MODELS, online=ONLINE)
IMAGE, SECOND = D("0.039"), D("0.75")  # gemini-2.5-flash-image per image, veo-3 per second
COSTS_PAGE = str(REPO_ROOT / "pages" / "costs.py")


@pytest.fixture
def owner(studio, make_user, project_input):
    """A user and a 120-second project with a $50 budget: (user, ref)."""
    user = make_user()
    ref = create_project(studio.db, user.id, {**project_input, "target_length_min": 60, "target_length_max": 120,
                                               "budget_credits": 50})
    return user, ref


def _branch(studio, user, ref, name):
    with studio.db.as_user(user.id) as conn:
        return project_rows.insert_branch(conn, ref.project_id, name, parent_branch_id=ref.branch_id,
                                          branched_at_stage=2, commit_message="try a darker ending")["id"]


def _scene(conn, branch_id, number, *, status="draft", slug="EXT. REEF - DAWN"):
    return conn.execute(
        """INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, status)
           VALUES (%s, %s, %s, 'Mara rows out to the reef.', %s) RETURNING id""",
        [branch_id, number, slug, status],
    ).fetchone()["id"]


def _shot(conn, scene_id, label, order, *, duration=8, end_frame=True, prompted=True):
    prompt = "a small boat at dawn" if prompted else None
    return conn.execute(
        """INSERT INTO shots (scene_id, shot_id, shot_order, duration, action, setting, camera_spec,
                              requires_end_frame, frame_prompt, video_prompt)
           VALUES (%s, %s, %s, %s, 'Mara rows.', 'reef', 'wide', %s, %s, %s) RETURNING id""",
        [scene_id, label, order, duration, end_frame, prompt, prompt],
    ).fetchone()["id"]


def _frame(conn, shot_id, frame_type):
    return conn.execute(
        "INSERT INTO frames (shot_id, frame_type, prompt, image_url) VALUES (%s, %s, 'p', %s) RETURNING id",
        [shot_id, frame_type, f"sha256:{shot_id}:{frame_type}"],
    ).fetchone()["id"]


def _clip(conn, shot_id, start_frame_id, status="complete"):
    conn.execute(
        """INSERT INTO videos (shot_id, start_frame_id, video_prompt, video_url, status)
           VALUES (%s, %s, 'p', %s, %s)""", [shot_id, start_frame_id, f"sha256:{shot_id}:clip", status],
    )


def _lock(conn, branch_id, *stages, status="locked"):
    return [stage_rows.insert_version(conn, branch_id, number, 1, {"text": "x" * 100}, status=status)["id"]
            for number in stages]


def _seed_spend(studio, user, ref):
    """Ledger rows on two branches, four stages, three providers, offline work with a shadow price."""
    alt = _branch(studio, user, ref, "Darker ending")
    with studio.db.as_user(user.id) as conn:
        scene = _scene(conn, ref.branch_id, 1)
        main, dark = ChargedTo(ref.branch_id, 2), ChargedTo(alt, 2)
        record_charge(conn, ref.project_id, PRICED.treatment(4000).charge(), key="treatment", charged_to=main)
        record_charge(conn, ref.project_id, OFFLINE.treatment(4000).charge(), key="treatment-offline",
                      charged_to=dark)
        record_charge(conn, ref.project_id, PRICED.asset_images(3).charge(), key="assets",
                      charged_to=ChargedTo(ref.branch_id, 5))
        record_charge(conn, ref.project_id, OFFLINE.frames([ShotPlan(D(8))]).charge(), key="frames-offline",
                      charged_to=ChargedTo(ref.branch_id, 10, scene))
        reserve(conn, ref.project_id, PRICED.clips([ShotPlan(D(8))]), key="clip",
                charged_to=ChargedTo(ref.branch_id, 12, scene))
        reserve(conn, ref.project_id, PRICED.clips([ShotPlan(D(4))]), key="clip-failed",
                charged_to=ChargedTo(ref.branch_id, 12, scene))
        release(conn, "clip-failed")
    with studio.db.as_service() as conn:  # yesterday's treatment, for the time series
        conn.execute("UPDATE cost_ledger SET created_at = created_at - %s WHERE idempotency_key = 'treatment'",
                     [timedelta(days=1)])
    return alt, scene


def _sums(rows):
    return {row.key: (row.credits, row.held_credits, row.shadow_credits, row.calls) for row in rows}


def test_spend_is_summed_by_stage_scene_branch_model_and_day(studio, owner):
    user, ref = owner
    alt, scene = _seed_spend(studio, user, ref)
    board = cost_dashboard(studio.db, user.id, ref.project_id, ref.branch_id, OFFLINE)
    treatment, frames_shadow = PRICED.treatment(4000).total, D(2) * IMAGE
    assert treatment == D("0.00252")
    assert _sums(board.by_stage) == {2: (treatment, 0, treatment, 2), 5: (3 * IMAGE, 0, 0, 1),
                                     10: (0, 0, frames_shadow, 1), 12: (0, D(6), 0, 1)}
    assert [row.label for row in board.by_stage] == ["2 · Treatment", "5 · Global assets", "10 · Frame generation",
                                                     "12 · Video review"]
    assert _sums(board.by_branch) == {ref.branch_id: (treatment + 3 * IMAGE, D(6), frames_shadow, 4),
                                      alt: (0, 0, treatment, 1)}
    assert [row.label for row in board.by_branch] == ["Main", "Darker ending"]
    assert _sums(board.by_model) == {
        "google:gemini-2.5-flash-image": (3 * IMAGE, 0, 0, 1), "google:veo-3": (0, D(6), 0, 1),
        "offline:draft-writer": (0, 0, treatment, 1), "offline:storyboard": (0, 0, frames_shadow, 1),
        "openai:gpt-4o-mini": (treatment, 0, 0, 1)}
    assert {row.key: (row.units, row.unit) for row in board.by_model}["google:veo-3"] == (D(8), "video_second")
    assert _sums(board.by_scene) == {scene: (0, D(6), frames_shadow, 2),
                                     None: (treatment + 3 * IMAGE, 0, treatment, 3)}
    assert board.by_scene[0].label == "Main · scene 1 · EXT. REEF - DAWN"
    assert [row.calls for row in board.by_day] == [1, 4] and board.by_day[0].key < board.by_day[1].key
    totals = board.totals
    assert (totals.spent, totals.held, totals.shadow) == (treatment + 3 * IMAGE, D(6), treatment + frames_shadow)
    assert (totals.budget, totals.remaining, totals.calls, totals.entries) == (
        D(50), D(50) - D(6) - treatment - 3 * IMAGE, 5, 6)


class RoundTrips:
    """Counts what a connection sends the server with libpq's own trace: one Query or Sync per round trip."""

    def __init__(self, conn):
        self.conn, self.file = conn, tempfile.NamedTemporaryFile("w+", suffix=".trace")

    def __enter__(self):
        self.conn.pgconn.trace(os.dup(self.file.fileno()))
        return self

    def __exit__(self, *exc):
        self.conn.pgconn.untrace()
        self.file.seek(0)
        fields = [line.rstrip("\n").split("\t") for line in self.file]  # time, F/B, length, message, ...
        self.sent = [f[3] for f in fields if len(f) > 3 and f[1] == "F"]
        self.count = sum(1 for message in self.sent if message in ("Query", "Sync"))


def test_the_dashboard_loads_in_at_most_five_round_trips_in_one_transaction(studio, owner):
    user, ref = owner
    _seed_spend(studio, user, ref)
    with studio.db.as_user(user.id) as conn:
        conn.execute("INSERT INTO invalidation_logs (triggering_stage_state_id, branch_id, invalidation_type) "
                     "SELECT id, branch_id, 'global' FROM stage_states WHERE branch_id = %s", [ref.branch_id])
        with RoundTrips(conn) as trips:
            board = load_dashboard(conn, ref.project_id, ref.branch_id, OFFLINE)
    assert board.has_spend and board.invalidation_count == 1 and board.projection.lines
    assert trips.count <= 5, trips.sent
    assert trips.count == 4


def test_invalidations_are_listed_with_branch_counts_and_estimated_cost(studio, owner):
    user, ref = owner
    alt = _branch(studio, user, ref, "Darker ending")
    with studio.db.as_user(user.id) as conn:
        trigger, beats, script = _lock(conn, ref.branch_id, 2, 3, 4)
        scenes = [_scene(conn, alt, n) for n in (1, 2)]
        conn.execute(  # an entry as the first invalidations were written: plain reasons, no change columns
            """INSERT INTO invalidation_logs (triggering_stage_state_id, branch_id, invalidation_type,
                      invalidated_stage_states, reasons, estimated_regen_cost, warning_acknowledged, created_at)
               VALUES (%s, %s, 'global', %s, %s, 12.50, true, now() - interval '1 hour')""",
            [trigger, ref.branch_id, [beats, script], Jsonb(["Stage 2 Treatment was regenerated"] * 2)],
        )
        invalidation_rows.insert_log(conn, {  # as core.invalidation.changes writes them: reason groups with counts
            "branch_id": alt, "invalidation_type": "local_scene", "stage_number": 7, "change_kind": "edit",
            "change_scope": "scene", "scene_id": scenes[0], "invalidated_scenes": scenes[:1],
            "reasons": [{"why": "Stage 7 Shot list of scene 1 was edited by hand", "becomes": "invalidated",
                         "counts": {"frame": 6, "clip": 3}, "items": []}],
            "estimated_regen_cost": D(0), "estimated_shadow_cost": D("2.484"), "warning_acknowledged": False,
        })
    board = cost_dashboard(studio.db, user.id, ref.project_id, ref.branch_id, OFFLINE)
    newest, oldest = board.invalidations
    assert (newest.branch, newest.invalidation_type, newest.stage_number, newest.change_kind, newest.scene_number) == (
        "Darker ending", "local_scene", 7, "edit", 1)
    assert (newest.stage_versions, newest.scenes, newest.shots, newest.frames, newest.clips) == (0, 1, 0, 6, 3)
    assert (newest.estimated_cost, newest.estimated_online_cost, newest.acknowledged) == (0, D("2.484"), False)
    assert newest.why == "Stage 7 Shot list of scene 1 was edited by hand"
    assert (oldest.branch, oldest.stage_number, oldest.change_kind, oldest.stage_versions, oldest.acknowledged) == (
        "Main", 2, None, 2, True)
    assert oldest.why == "Stage 2 Treatment was regenerated" and oldest.frames == 0
    assert (board.invalidation_count, board.invalidation_estimated_total) == (2, D("12.50"))
    assert board.invalidation_estimated_shadow_total == D("2.484")


def _line(projection, stage_number):
    return {line.stage_number: line for line in projection.lines}.get(stage_number)


def test_a_120_second_film_without_a_shot_list_projects_15_shots_of_frames_and_clips(studio, owner):
    user, ref = owner
    priced = cost_dashboard(studio.db, user.id, ref.project_id, ref.branch_id, PRICED).projection
    frames, clips = _line(priced, 10), _line(priced, 12)
    assert priced.shots_from_target == 15
    assert (frames.quantity, frames.credits) == ("30 images", 30 * IMAGE)  # a start and an end frame each
    assert (clips.quantity, clips.credits) == ("120 s of video", 120 * SECOND)
    assert [line.stage_number for line in priced.lines] == [2, 3, 4, 5, 5, 7, 9, 10, 12]
    assert priced.total == sum(line.credits for line in priced.lines) and priced.shadow_total == 0
    offline = cost_dashboard(studio.db, user.id, ref.project_id, ref.branch_id, OFFLINE).projection
    assert offline.total == 0 and offline.shadow_total == priced.total  # free offline, priced at online rates
    assert _line(offline, 12).shadow_credits == 120 * SECOND


def test_locked_stages_and_made_frames_and_clips_are_not_projected_again(studio, owner):
    user, ref = owner

    def projection():
        return cost_dashboard(studio.db, user.id, ref.project_id, ref.branch_id, PRICED).projection

    start = projection()
    with studio.db.as_user(user.id) as conn:
        _lock(conn, ref.branch_id, 2, 3)
        beats = conn.execute("SELECT length(content::text) AS n FROM stage_states WHERE stage_number = 3").fetchone()
    after_story = projection()
    assert [line.stage_number for line in after_story.lines] == [4, 5, 5, 7, 9, 10, 12]
    assert _line(after_story, 4).estimate == PRICED.master_script(beats["n"], 120)  # from the real beat sheet
    assert after_story.total < start.total - _line(start, 2).credits - _line(start, 3).credits
    with studio.db.as_user(user.id) as conn:
        _lock(conn, ref.branch_id, 4, 5)
        one = _scene(conn, ref.branch_id, 1)
        _scene(conn, ref.branch_id, 2, slug="INT. LIGHTHOUSE - NIGHT")
        first = _shot(conn, one, "1A", 1)  # made: both frames and its clip
        _clip(conn, first, _frame(conn, first, "start"))
        _frame(conn, first, "end")
        second = _shot(conn, one, "1B", 2, duration=6, end_frame=False)  # made: its start frame; clip failed
        _clip(conn, second, _frame(conn, second, "start"), status="failed")
        _shot(conn, one, "1C", 3, prompted=False)  # nothing made yet
    made = projection()
    # scene 2 has no shot list: the 120 s target less scene 1's 22 s is 98 s, planned as 13 shots of 8 s
    assert made.shots_from_target == 13
    assert [line.stage_number for line in made.lines] == [7, 9, 10, 12]
    assert _line(made, 7).what == "Shot lists (1 scene)" and _line(made, 9).what.endswith("(2 scenes)")
    assert _line(made, 10).credits == (2 + 13 * 2) * IMAGE  # 1C's start and end, and scene 2's
    assert _line(made, 12).credits == (6 + 8 + 13 * 8) * SECOND  # 1B again (failed), 1C, scene 2
    assert made.total < after_story.total < start.total
    with studio.db.as_user(user.id) as conn:  # an edit of 1A's prompts invalidated its frames and clip
        conn.execute("UPDATE frames SET invalidated_at = now() WHERE shot_id = %s", [first])
        conn.execute("UPDATE videos SET invalidated_at = now() WHERE shot_id = %s", [first])
    again = projection()
    assert _line(again, 10).credits == _line(made, 10).credits + 2 * IMAGE
    assert _line(again, 12).credits == _line(made, 12).credits + 8 * SECOND
    with studio.db.as_user(user.id) as conn:  # a global change invalidated scene 1's shots: all of it again
        conn.execute("UPDATE shots SET invalidated_at = now() WHERE scene_id = %s", [one])
    assert _line(projection(), 7).what == "Shot lists (2 scenes)"


PLANNED = ShotProgress()  # an 8-second shot with an end frame, nothing made


@pytest.mark.parametrize("scene, frames, seconds", [
    (SceneProgress(1, "draft", 100, (ShotProgress(D(8), True, True, True, True, True),)), 0, 0),
    (SceneProgress(1, "draft", 100, (ShotProgress(D(8), True, True, True, False, True),)), 1, 0),  # end frame only
    (SceneProgress(1, "draft", 100, (ShotProgress(D(5), False, True, False, False, False),)), 1, 5),
    (SceneProgress(1, "continuity_broken", 100, (ShotProgress(D(8), True, True, True, True, True),)), 2, 8),
    (SceneProgress(1, "outdated", 100, (ShotProgress(D(8), True, True, True, True, True),)), 2, 8),
], ids=["all made", "end frame missing", "no frames or clip", "continuity broken", "outdated"])
def test_a_scenes_remaining_frames_and_seconds(scene, frames, seconds):
    progress = FilmProgress(8, 500, stage_status={n: "locked" for n in range(1, 6)}, scenes=(scene,))
    projection = project_to_finish(progress, PRICED)
    frame_line, clip_line = _line(projection, 10), _line(projection, 12)
    assert (frame_line.credits if frame_line else 0) == frames * IMAGE
    assert (clip_line.credits if clip_line else 0) == seconds * SECOND
    assert (_line(projection, 7) is not None) == (scene.status == "outdated")


def test_an_invalidated_stage_is_projected_again_and_a_finished_film_costs_nothing_more():
    made = ShotProgress(D(8), True, True, True, True, True)
    scene = SceneProgress(1, "video_complete", 9, (made,))
    finished = FilmProgress(8, 500, stage_status={n: "locked" for n in range(1, 6)}, scenes=(scene,))
    assert project_to_finish(finished, PRICED).lines == ()
    redo = FilmProgress(8, 500, stage_status={**finished.stage_status, 3: "invalidated", 4: "outdated"},
                        scenes=finished.scenes)
    assert [line.stage_number for line in project_to_finish(redo, PRICED).lines] == [3]


def test_the_ledger_csv_has_every_row_of_the_project(studio, owner, make_user, project_input):
    user, ref = owner
    alt, scene = _seed_spend(studio, user, ref)
    with studio.db.as_user(user.id) as conn:
        conn.execute("UPDATE branches SET name = '=HYPERLINK(1)' WHERE id = %s", [alt])
    stranger = make_user()
    theirs = create_project(studio.db, stranger.id, project_input)
    with studio.db.as_user(stranger.id) as conn:
        record_charge(conn, theirs.project_id, PRICED.asset_images(1).charge(), key="theirs")
    rows = list(csv.DictReader(io.StringIO(ledger_csv(studio.db, user.id, ref.project_id))))
    assert tuple(rows[0]) == LEDGER_CSV_COLUMNS
    assert rows[0]["idempotency_key"] == "treatment"  # yesterday's; the rest share one transaction's time
    assert sorted(row["idempotency_key"] for row in rows) == [
        "assets", "clip", "clip-failed", "frames-offline", "treatment", "treatment-offline"]
    rows = {row["idempotency_key"]: row for row in rows}
    clip = rows["clip"]
    assert (clip["branch"], clip["stage"], clip["scene"], clip["provider"], clip["model"]) == (
        "Main", "12", "1", "google", "veo-3")
    assert (clip["unit"], clip["units"], clip["unit_price"], clip["credits"], clip["status"]) == (
        "video_second", "8", "0.75", "6", "reserved")
    offline = rows["treatment-offline"]
    assert offline["branch"] == "'=HYPERLINK(1)" and (offline["credits"], offline["shadow_credits"]) == ("0", "0.00252")
    assert (rows["clip-failed"]["status"], rows["clip-failed"]["credits"]) == ("released", "0")
    assert rows["treatment"]["created"].endswith("Z") and rows["treatment"]["created"] < clip["created"]


def test_the_cost_report_is_plain_json_for_the_command_line(studio, owner):
    user, ref = owner
    _seed_spend(studio, user, ref)
    report = json.loads(json.dumps(cost_report(studio.db, user.id, ref.project_id, estimator=OFFLINE)))
    assert report["branch"]["name"] == "Main" and report["spent"] == "0.11952" and report["held"] == "6"
    assert report["offline_shadow_price"] == "0.08052"
    assert {row["provider"]: row["credits"] for row in report["by_provider"]} == {
        "google": "0.117", "offline": "0", "openai": "0.00252"}
    assert [row["stage"] for row in report["by_stage"]] == [2, 5, 10, 12]
    finish = report["projected_to_finish"]
    assert finish["credits"] == "0" and D(finish["offline_shadow_price"]) > 90  # 120 s of Veo 3 alone is $90
    on_alt = cost_report(studio.db, user.id, ref.project_id, "Darker ending", estimator=OFFLINE)
    assert on_alt["branch"]["name"] == "Darker ending" and on_alt["spent"] == report["spent"]


def test_nobody_sees_another_creators_costs_and_a_missing_branch_is_named(studio, owner, make_user):
    user, ref = owner
    _seed_spend(studio, user, ref)
    with pytest.raises(NotFound, match="isn't yours"):
        cost_dashboard(studio.db, make_user().id, ref.project_id, ref.branch_id, OFFLINE)
    with pytest.raises(NotFound, match="no branch Nowhere"):
        cost_report(studio.db, user.id, ref.project_id, "Nowhere")


def test_the_studio_estimator_is_offline_without_keys_and_shadows_with_the_online_choice(monkeypatch):
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY", "AIUTEUR_TEXT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    estimator = studio_estimator(Settings(_env_file=None, AIUTEUR_IMAGE_MODEL="openai:gpt-image-1"))
    assert (estimator.models, estimator.online.image) == (OFFLINE_MODELS, "openai:gpt-image-1")
    keyed = studio_estimator(Settings(_env_file=None, GOOGLE_API_KEY="k"))
    # a Gemini key renders clips on Veo 3.1 since Stage 12 was built (before it, clips could only be animatics)
    assert (keyed.models.text, keyed.models.image, keyed.models.video) == (
        "google:gemini-2.5-flash", "google:gemini-2.5-flash-image", "google:veo-3.1-generate-preview")
    assert studio_estimator(Settings(_env_file=None, GOOGLE_API_KEY="k", AIUTEUR_VIDEO_MODEL="offline")
                            ).models.video == "offline:animatic"


# --- the page ---------------------------------------------------------------------------------------------------


def _page(user, ref) -> AppTest:
    at = AppTest.from_file(COSTS_PAGE, default_timeout=60)
    at.session_state["user"] = {"id": str(user.id), "email": user.email}
    at.session_state["project_id"] = str(ref.project_id)
    at.session_state["branch_id"] = str(ref.branch_id)
    return at


@pytest.fixture
def downloads(monkeypatch):
    """What each download button would hand the browser: its deferred data callable, by file name."""
    made: dict = {}
    register = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = (data_callable, mimetype)
        return register(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return made


def test_the_page_shows_spend_the_projection_and_offers_the_ledger_as_csv(studio, owner, downloads):
    user, ref = owner
    _, scene = _seed_spend(studio, user, ref)
    with studio.db.as_user(user.id) as conn:
        invalidation_rows.insert_log(conn, {
            "branch_id": ref.branch_id, "invalidation_type": "local_scene", "stage_number": 7, "change_kind": "edit",
            "change_scope": "scene", "scene_id": scene, "invalidated_scenes": [scene],
            "reasons": [{"why": "Stage 7 Shot list of scene 1 was edited by hand", "counts": {"frame": 2}}],
            "estimated_regen_cost": D(0), "estimated_shadow_cost": D("0.078"), "warning_acknowledged": True,
        })
    at = _page(user, ref).run()
    assert not at.exception
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics["Spent"] == "$0.11952" and metrics["Budget"] == "$50.00"
    assert metrics["Remaining"] == "$43.88048" and metrics["Offline shadow price"] == "$0.08052"
    ahead = cost_dashboard(studio.db, user.id, ref.project_id, ref.branch_id,
                           studio_estimator(studio.settings)).projection  # offline unless the environment has keys
    finish = next(metric for metric in at.metric if metric.label == "Projected to finish")
    assert finish.value == dollars(ahead.total) and ahead.online_total > 48  # 120 s of Veo 3.1 is $48 of it
    assert finish.delta == (f"{dollars(ahead.online_total)} at online prices" if ahead.shadow_total else None)
    assert next(metric for metric in at.metric if metric.label == "Spent").delta == "+$6.00 held"
    assert not [box for box in at.info if "No spend yet" in box.value]
    tables = [element.value for element in at.dataframe]
    assert list(tables[0]["Stage"]) == ["2 · Treatment", "5 · Global assets", "10 · Frame generation",
                                        "12 · Video review"]
    assert "google:veo-3" in list(tables[1]["Model"])
    assert len(at.get("vega_lite_chart")) == 3
    log = next(table for table in tables if "Why" in table.columns)
    assert log.iloc[0][["Change", "Frames", "At online prices"]].tolist() == [
        "Stage 7 · Shot list, scene 1 (edited)", 2, 0.078]
    button = at.get("download_button")[0]
    assert "6 rows" in button.proto.label and not button.proto.disabled
    data, mimetype = downloads["the-lighthouse-ledger.csv"]
    rows = list(csv.DictReader(io.StringIO(data())))
    assert mimetype == "text/csv" and len(rows) == 6 and {row["status"] for row in rows} == {
        "settled", "reserved", "released"}


def test_an_empty_project_says_there_is_no_spend_yet(studio, owner):
    user, ref = owner
    at = _page(user, ref).run()
    assert not at.exception
    assert any("No spend yet" in box.value for box in at.info)
    assert any("No invalidations yet" in box.value for box in at.info)
    assert {metric.label: metric.value for metric in at.metric}["Spent"] == "$0.00"
    assert at.get("download_button")[0].proto.disabled
    assert any(table.value["Work"].str.startswith("Clips").any() for table in at.dataframe)  # still projected
