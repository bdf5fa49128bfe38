"""How the farm's workers hand work on: a job whose dependencies are done runs next, whatever RQ's races left behind,
and the frames every clip waits on go before clips already waiting on the queue."""

from __future__ import annotations

import pytest
from rq import Queue

from core.runtime import jobs
from core.runtime.jobs import JobStatus
from core.story.projects import create_project
from workers import context
from workers.__main__ import StudioWorker

pytestmark = [pytest.mark.db, pytest.mark.worker]


@pytest.fixture
def creator(make_user):
    return make_user()


@pytest.fixture
def project(studio, creator, project_input):
    return create_project(studio.db, creator.id, project_input)


def burst(studio, monkeypatch) -> None:
    monkeypatch.setattr(context, "_studio", studio)
    StudioWorker([studio.queue], connection=studio.redis).work(burst=True, with_scheduler=False)


def status(studio, creator, row) -> str:
    return jobs.job(studio, creator.id, row["id"])["status"]


def test_a_job_rq_left_ready_but_off_the_queue_still_runs_in_the_same_pass(studio, creator, project, monkeypatch):
    """RQ 3 queues a finished job's dependents optimistically and, when another worker touches its ready registry at
    that moment, leaves them for a maintenance pass ten minutes later: a farm of four workers stalled on it."""
    first = jobs.enqueue(studio, creator.id, project.project_id, "worker_check")
    then = jobs.enqueue(studio, creator.id, project.project_id, "worker_check", after=[first])
    monkeypatch.setattr(Queue, "enqueue_ready_jobs_by_queue", lambda self, ids: None)  # the race, lost every time
    burst(studio, monkeypatch)
    assert status(studio, creator, first) == JobStatus.SUCCEEDED
    assert status(studio, creator, then) == JobStatus.SUCCEEDED


def test_the_next_frame_goes_before_the_clips_already_waiting(studio, creator, project, monkeypatch):
    """Every clip waits on the chain of frames: a frame queued behind clips would wait a clip's time at each step."""
    first = jobs.enqueue(studio, creator.id, project.project_id, "worker_check")
    frame = jobs.enqueue(studio, creator.id, project.project_id, "frame", after=[first],
                         payload={"frame_type": "start", "seed": 1})
    waiting = [jobs.enqueue(studio, creator.id, project.project_id, "worker_check") for _ in range(3)]
    monkeypatch.setattr(context, "_studio", studio)
    StudioWorker([studio.queue], connection=studio.redis).work(burst=True, max_jobs=1, with_scheduler=False)
    assert status(studio, creator, first) == JobStatus.SUCCEEDED
    assert studio.queue.job_ids == [frame["rq_job_id"], *(w["rq_job_id"] for w in waiting)]


def test_a_first_frame_goes_before_the_clips_already_waiting(studio, creator, project):
    waiting = jobs.enqueue(studio, creator.id, project.project_id, "worker_check")
    frame = jobs.enqueue(studio, creator.id, project.project_id, "frame", payload={"frame_type": "start", "seed": 1})
    assert studio.queue.job_ids == [frame["rq_job_id"], waiting["rq_job_id"]]
