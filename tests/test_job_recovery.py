"""A killed worker's job is recovered, and the retried job is never charged twice."""

from __future__ import annotations

import pytest
from rq import SimpleWorker
from rq.job import Job

from core.runtime import jobs
from core.story import assets
from core.story import edits as story_edits
from core.story import generate as story
from core.story.projects import ProjectRef
from core.story.run import run_story

pytestmark = [pytest.mark.db, pytest.mark.worker]


@pytest.fixture
def assets_waiting_for_images(studio, make_user, project_input):
    user = make_user()
    summary = run_story(studio, user, {**project_input, "input_mode": "condense"}, through=4)
    ref = ProjectRef(summary.project_id, summary.branch_id)
    row = story.generate(studio, user.id, ref, 5, seen_version=0)
    story_edits.save_assets(studio, user.id, ref, row["version"], row["content"]["assets"], style={"preset": "noir"})
    return user, ref


def burst(studio) -> None:
    SimpleWorker([studio.queue], connection=studio.redis).work(burst=True)


def ledger_rows_for(studio, user, job_id) -> list[dict]:
    with studio.db.as_user(user.id) as conn:
        target = conn.execute("SELECT target_id FROM generation_jobs WHERE id = %s", [job_id]).fetchone()["target_id"]
        return conn.execute("SELECT status, credits, shadow_credits FROM cost_ledger WHERE idempotency_key LIKE %s",
                            [f"asset_image:{target}:%"]).fetchall()


def test_a_job_whose_worker_died_is_queued_again_and_charged_once(studio, assets_waiting_for_images):
    user, ref = assets_waiting_for_images
    queued = assets.queue_reference_images(studio, user.id, ref)
    burst(studio)
    victim = queued[0]["id"]
    assert [r["status"] for r in ledger_rows_for(studio, user, victim)] == ["settled"]

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


def test_jobs_still_alive_on_the_queue_are_left_alone(studio, assets_waiting_for_images):
    user, ref = assets_waiting_for_images
    queued = assets.queue_reference_images(studio, user.id, ref)
    assert jobs.recover_abandoned(studio) == []
    assert studio.queue.count == len(queued)
