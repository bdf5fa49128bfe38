"""A killed worker's job is recovered, and the retried job is never charged twice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rq import SimpleWorker
from rq.job import Job

from core.runtime import jobs
from core.story import assets
from core.story import edits as story_edits
from core.story import generate as story
from core.story.projects import ProjectRef
from core.story.run import run_story
from tests.fake_providers import with_counting_images
from workers import context

pytestmark = [pytest.mark.db, pytest.mark.worker]


@pytest.fixture
def assets_waiting_for_images(studio, make_user, project_input):
    user = make_user()
    summary = run_story(studio, user, {**project_input, "input_mode": "condense"}, through=4)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    row = story.generate(studio, user.id, ref, 5, seen_version=0)
    story_edits.save_assets(studio, user.id, ref, row["version"], row["content"]["assets"], style={"preset": "noir"})
    return user, ref


@pytest.fixture
def images(studio, monkeypatch):
    """The studio the workers share draws with a counting image model priced as an online one."""
    engines, counting = with_counting_images(studio.engines)
    monkeypatch.setitem(studio.__dict__, "engines", engines)
    monkeypatch.setattr(context, "_studio", studio)
    return counting


def burst(studio) -> None:
    SimpleWorker([studio.queue], connection=studio.redis).work(burst=True)


def ledger_rows_for(studio, user, job_id) -> list[dict]:
    """The ledger rows of the request the job made (its result names the key)."""
    with studio.db.as_user(user.id) as conn:
        key = conn.execute("SELECT result->>'ledger_key' AS k FROM generation_jobs WHERE id = %s", [job_id]).fetchone()["k"]
        return conn.execute("SELECT status, credits, shadow_credits FROM cost_ledger WHERE idempotency_key = %s",
                            [key]).fetchall()


def drawn_for(images, studio, user, job_id) -> int:
    """How many times the image model was asked to draw the job's asset."""
    with studio.db.as_user(user.id) as conn:
        name = conn.execute("SELECT a.name FROM generation_jobs j JOIN project_assets a ON a.id = j.target_id "
                            "WHERE j.id = %s", [job_id]).fetchone()["name"]
    return sum(1 for request in images.requests if request.subject["name"] == name)


def test_a_job_whose_worker_died_is_queued_again_and_charged_once(studio, assets_waiting_for_images, images):
    user, ref = assets_waiting_for_images
    queued = assets.queue_reference_images(studio, user.id, ref)
    burst(studio)
    victim = queued[0]["id"]
    assert [r["status"] for r in ledger_rows_for(studio, user, victim)] == ["settled"]
    assert drawn_for(images, studio, user, victim) == 1

    # the worker running it is killed -9 and Redis loses the job: the database still says running
    with studio.db.as_service() as conn:
        conn.execute("UPDATE generation_jobs SET status = 'running' WHERE id = %s", [victim])
    Job.fetch(queued[0]["rq_job_id"], connection=studio.redis).delete()

    assert jobs.recover_abandoned(studio) == [victim]
    assert jobs.job(studio, user.id, victim)["status"] == "queued"
    burst(studio)

    finished = jobs.job(studio, user.id, victim)
    assert finished["status"] == "succeeded" and finished["attempts"] == 2
    rows = ledger_rows_for(studio, user, victim)
    assert [r["status"] for r in rows] == ["settled"], "the retried render reused its reservation"
    assert drawn_for(images, studio, user, victim) == 1, "the recovered job served the image it already paid for"
    assert [r["credits"] for r in rows] == [Decimal("0.039")], "charged once, at one image's price"
    assert images.calls == len(queued)


def test_jobs_still_alive_on_the_queue_are_left_alone(studio, assets_waiting_for_images):
    user, ref = assets_waiting_for_images
    queued = assets.queue_reference_images(studio, user.id, ref)
    assert jobs.recover_abandoned(studio) == []
    assert studio.queue.count == len(queued)
