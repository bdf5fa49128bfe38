"""The render farm: a film rendered as a graph of RQ jobs, run by real RQ workers over real Redis against the real
database — the dependencies honoured, work that exists not queued again, a cancel that releases every hold, a
provider that keeps failing ending its jobs with the reason while the rest goes on, an emptied Redis rebuilt from the
database, the limits per model, and the panel's figures. Figures asserted: 0 jobs stuck, 0 double charges."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from rq import SimpleWorker

from core.costs.price_book import load_price_book
from core.errors import ProviderRefused
from core.film.statuses import CutStatus
from core.production import farm
from core.production.farm_view import farm_view
from core.providers.offline import OfflineImageProvider
from core.runtime.jobs import JobStatus
from core.runtime.limits import ProviderLimits, parse_limits
from core.runtime.recovery import recover_abandoned
from tests.phase_b import film_through_assets, rows, through
from workers import context

pytestmark = [pytest.mark.db, pytest.mark.worker, pytest.mark.slow]

PRICED = {"version": "test-priced", "providers": {"offline": {
    "storyboard": {"kind": "image", "per_image": "0.02"}, "animatic": {"kind": "video", "per_video_second": "0.05"}}}}


@pytest.fixture
def film(studio, make_user, monkeypatch):
    """Two scenes with their prompts locked, priced offline models, and the workers sharing this studio."""
    made = film_through_assets(studio, make_user())
    through(studio, made, 9, scenes=(1, 2))
    book = load_price_book(PRICED)
    engines = dataclasses.replace(studio.engines, book=book,
                                  estimator=dataclasses.replace(studio.engines.estimator, book=book))
    monkeypatch.setitem(studio.__dict__, "engines", engines)
    monkeypatch.setattr(context, "_studio", studio)
    return made


def drain(studio) -> None:
    SimpleWorker([studio.queue], connection=studio.redis).work(burst=True, with_scheduler=False)


def jobs_of(studio, film) -> list[dict]:
    return rows(studio, film.user.id, "SELECT * FROM generation_jobs WHERE render_id IS NOT NULL ORDER BY created_at")


def stuck(studio, film) -> list[dict]:
    return [j for j in jobs_of(studio, film) if j["status"] in ("queued", "running")]


def ledger(studio, film) -> list[dict]:
    return rows(studio, film.user.id, "SELECT * FROM cost_ledger WHERE stage_number IN (10, 12)")


def test_the_film_renders_as_a_graph_in_dependency_order_charged_exactly_its_quote(studio, film):
    quote = farm.render_quote(studio, film.user.id, film.ref, [film.scene(1).scene_id, film.scene(2).scene_id])
    assert quote.frame_count > 0 and quote.clip_count > 0 and quote.total > 0
    started = farm.render(studio, film.user.id, film.ref, quote.key,
                          [film.scene(1).scene_id, film.scene(2).scene_id])
    graph = {j["id"]: j for j in jobs_of(studio, film)}
    frames = [j for j in graph.values() if j["kind"] == "frame"]
    assert [j["depends_on"] for j in frames[1:]] == [[f["id"]] for f in frames[:-1]]  # each after the one before
    locks = [j for j in graph.values() if j["kind"] == "frames_lock"]
    clips = [j for j in graph.values() if j["kind"] == "farm_clip"]
    assert all(len(c["depends_on"]) == 1 and graph[c["depends_on"][0]]["kind"] == "frames_lock" for c in clips)
    (film_job,) = [j for j in graph.values() if j["kind"] == "film"]
    assert set(film_job["depends_on"]) == {c["id"] for c in clips} and len(locks) == 2
    assert {r["status"] for r in ledger(studio, film)} == {"reserved"}  # every cost held before anything ran
    drain(studio)
    assert {j["status"] for j in jobs_of(studio, film)} == {JobStatus.SUCCEEDED} and not stuck(studio, film)
    made = rows(studio, film.user.id, "SELECT f.id, f.prior_frame_id FROM frames f JOIN shots sh ON sh.id = f.shot_id "
                                      "JOIN scenes sc ON sc.id = sh.scene_id WHERE f.superseded_at IS NULL "
                                      "ORDER BY sc.scene_number, sh.shot_order, f.frame_type DESC")
    assert [f["prior_frame_id"] for f in made[1:]] == [f["id"] for f in made[:-1]]
    charged = ledger(studio, film)
    assert {r["status"] for r in charged if r["credits"]} == {"settled"}
    assert sum(r["credits"] for r in charged if r["status"] == "settled") == quote.total  # no double charge
    cut = rows(studio, film.user.id, "SELECT * FROM film_cuts")
    assert [c["status"] for c in cut] == [CutStatus.COMPLETE] and started["status"] == "running"


def test_work_that_exists_is_not_queued_again(studio, film):
    one = [film.scene(1).scene_id]
    farm.render(studio, film.user.id, film.ref, farm.render_quote(studio, film.user.id, film.ref, one).key, one)
    drain(studio)
    again = farm.render_quote(studio, film.user.id, film.ref, one)
    assert (again.frame_count, again.clip_count, again.total) == (0, 0, Decimal(0))
    both = farm.render_quote(studio, film.user.id, film.ref, [film.scene(1).scene_id, film.scene(2).scene_id])
    assert [len(w.clips) for w in both.work] == [0, len(rows(studio, film.user.id, "SELECT id FROM shots WHERE "
                                                                "scene_id = %s AND superseded_at IS NULL",
                                                                film.scene(2).scene_id))]


def test_cancelling_a_render_removes_its_jobs_and_releases_every_hold(studio, film):
    one = [film.scene(1).scene_id]
    started = farm.render(studio, film.user.id, film.ref, farm.render_quote(studio, film.user.id, film.ref, one).key,
                          one)
    assert farm.cancel_render(studio, film.user.id, started["id"]) == len(jobs_of(studio, film))
    drain(studio)
    assert {j["status"] for j in jobs_of(studio, film)} == {JobStatus.CANCELLED}
    assert {r["status"] for r in ledger(studio, film)} == {"released"}  # nothing charged for work not done
    assert rows(studio, film.user.id, "SELECT count(*) AS n FROM frames")[0]["n"] == 0
    assert rows(studio, film.user.id, "SELECT status FROM renders")[0]["status"] == "cancelled"


def test_a_provider_that_keeps_failing_ends_its_jobs_with_the_reason_and_the_rest_goes_on(studio, film, monkeypatch):
    draw = OfflineImageProvider.render

    def refuses_scene_two(self, request):
        if request.subject.get("scene_number") == 2:
            raise ProviderRefused("The image model declined the frame", ("policy",))
        return draw(self, request)

    monkeypatch.setattr(OfflineImageProvider, "render", refuses_scene_two)
    scenes = [film.scene(1).scene_id, film.scene(2).scene_id]
    farm.render(studio, film.user.id, film.ref, farm.render_quote(studio, film.user.id, film.ref, scenes).key, scenes)
    drain(studio)
    graph = jobs_of(studio, film)
    assert not stuck(studio, film)  # 0 jobs stuck
    failed = [j for j in graph if j["status"] == JobStatus.FAILED]
    assert len(failed) == 1 and "declined" in failed[0]["error"]
    assert all(j["status"] == JobStatus.CANCELLED and j["error"].startswith("Not made: the ")
               for j in graph if j["created_at"] > failed[0]["created_at"] and j["kind"] != "film")
    scene_one_clips = rows(studio, film.user.id, "SELECT v.status FROM videos v JOIN shots sh ON sh.id = v.shot_id "
                                                 "WHERE sh.scene_id = %s", film.scene(1).scene_id)
    assert scene_one_clips and {c["status"] for c in scene_one_clips} == {"complete"}  # the rest went on
    assert [c["status"] for c in rows(studio, film.user.id, "SELECT status FROM film_cuts")] == [CutStatus.COMPLETE]
    assert not [r for r in ledger(studio, film) if r["status"] == "reserved"]  # every hold settled or released


def test_an_emptied_redis_is_rebuilt_from_the_database_in_dependency_order(studio, film):
    one = [film.scene(1).scene_id]
    farm.render(studio, film.user.id, film.ref, farm.render_quote(studio, film.user.id, film.ref, one).key, one)
    studio.redis.flushdb()  # a Redis restarted without its data
    drain(studio)
    assert {j["status"] for j in jobs_of(studio, film)} == {JobStatus.QUEUED}  # nothing on the queue any more
    # every job back on the queue, but the film: it waits off the queue until the clips end, and they put it on
    assert len(recover_abandoned(studio)) == len(jobs_of(studio, film)) - 1
    drain(studio)
    assert {j["status"] for j in jobs_of(studio, film)} == {JobStatus.SUCCEEDED}
    made = rows(studio, film.user.id, "SELECT f.prior_frame_id, f.id FROM frames f JOIN shots sh ON sh.id = f.shot_id "
                                      "WHERE f.superseded_at IS NULL ORDER BY sh.shot_order, f.frame_type DESC")
    assert [f["prior_frame_id"] for f in made[1:]] == [f["id"] for f in made[:-1]]


def test_limits_cap_each_model_across_workers_and_pace_its_requests(studio):
    limits = ProviderLimits(studio.redis, parse_limits("google:veo-*=4/2, offline:*=/"))
    assert limits.rate_limit("google:veo-3.1-generate-preview").concurrency == 4
    assert limits.rate_limit("offline:animatic") is None and limits.rate_limit("openai:gpt-image-1") is None
    now, slept = [1000.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    waits = [limits.wait_for_turn("google:veo-3.1-generate-preview", sleep=sleep, clock=lambda: now[0])
             for _ in range(3)]
    assert waits[:2] == [0, 0] and 59 <= waits[2] <= 60  # two a minute: the third waits for the window
    with pytest.raises(ValueError, match="provider:model=4/10"):
        parse_limits("veo is four")


def test_the_farm_panel_counts_jobs_per_scene_and_estimates_what_is_left(studio, film):
    one = [film.scene(1).scene_id]
    farm.render(studio, film.user.id, film.ref, farm.render_quote(studio, film.user.id, film.ref, one).key, one)
    waiting = farm_view(studio, film.user.id, film.ref.branch_id)
    assert waiting.remaining == len(jobs_of(studio, film)) and waiting.eta_seconds is None  # nothing measured yet
    assert set(waiting.scenes) >= {1}
    drain(studio)
    done = farm_view(studio, film.user.id, film.ref.branch_id)
    assert done.remaining == 0 and done.totals == {"succeeded": len(jobs_of(studio, film))}
    assert done.per_minute > 0 and done.as_json()["renders"][0]["scope"] == "scene"


def _worker(*args: str):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    env = {**os.environ, "AIUTEUR_START_WORKER": "false"}
    return subprocess.Popen([sys.executable, "-m", *args], cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _until(check, seconds: float):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    return None


def test_a_worker_killed_mid_job_is_replaced_within_seconds_and_the_frame_charged_once(studio, film):
    import signal
    import time

    one = [film.scene(1).scene_id]
    farm.render(studio, film.user.id, film.ref, farm.render_quote(studio, film.user.id, film.ref, one).key, one)
    slow = _worker("tests.slow_worker", "30")
    try:
        victim = _until(lambda: next((j for j in jobs_of(studio, film) if j["status"] == "running"), None), 60)
        assert victim is not None and victim["kind"] == "frame", "the slow worker never started a frame"
        slow.send_signal(signal.SIGKILL)  # mid-draw
        killed_at = time.monotonic()
        slow.wait(10)
    finally:
        if slow.poll() is None:
            slow.kill()
    spare = _worker("workers")
    try:
        taken = _until(lambda: next((j for j in jobs_of(studio, film) if j["id"] == victim["id"]
                                     and j["attempts"] >= 2), None), 40)
        assert taken is not None, "the killed worker's job was never taken up again"
        assert time.monotonic() - killed_at < 25  # seconds, not RQ's job timeout
        finished = _until(lambda: not stuck(studio, film), 120)
        assert finished, "the render never finished"
    finally:
        spare.send_signal(signal.SIGTERM)
        spare.wait(30)
    assert {j["status"] for j in jobs_of(studio, film)} == {JobStatus.SUCCEEDED}
    drawn = rows(studio, film.user.id, "SELECT count(*) AS n FROM frames WHERE shot_id = %s AND frame_type = %s",
                 victim["target_id"], victim["payload"]["frame_type"])
    assert drawn[0]["n"] == 1  # the frame drawn once, by the worker that took it up
    shot_frames = rows(studio, film.user.id, "SELECT count(*) AS n FROM frames WHERE shot_id = %s",
                       victim["target_id"])[0]["n"]
    charged = [r for r in ledger(studio, film) if r["shot_id"] == victim["target_id"] and r["stage_number"] == 10
               and r["status"] == "settled"]  # the worker processes price offline work at 0, with its shadow price
    assert len(charged) == shot_frames  # one charge a frame: the killed attempt's hold was settled, not doubled
    assert not [r for r in ledger(studio, film) if r["status"] == "reserved"]


def test_the_eta_waits_until_each_kind_left_has_been_timed_and_reads_in_whole_minutes():
    from datetime import datetime, timedelta, timezone

    from core.production.farm_view import _eta, time_left

    start = datetime(2026, 12, 3, tzinfo=timezone.utc)
    done = lambda kind, seconds: {"kind": kind, "status": JobStatus.SUCCEEDED, "started_at": start,  # noqa: E731
                                  "finished_at": start + timedelta(seconds=seconds)}
    waiting = lambda kind: {"kind": kind, "status": JobStatus.QUEUED, "started_at": None, "finished_at": None}  # noqa: E731
    frames_timed = [done("frame", 2), done("frame", 4), waiting("clip"), waiting("clip"), waiting("clip")]
    assert _eta(frames_timed, workers=1) is None  # three clips would be 9 s if guessed from frames: no guess
    both_timed = frames_timed + [done("clip", 100)]
    assert _eta(both_timed, workers=1) == 300 and _eta(both_timed, workers=4) == 75
    assert _eta([done("frame", 2)], workers=1) is None  # nothing left
    assert (time_left(None), time_left(20), time_left(75), time_left(300)) == (
        "", "under a minute left", "about 1 min left", "about 5 min left")
