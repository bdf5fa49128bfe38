"""Slow work runs on RQ workers as its creator, and every job ends in a state a page can show."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import psycopg
import pytest
from rq import SimpleWorker

from core.errors import ProviderBadResponse
from core.runtime import jobs
from core.runtime.studio import queue_health
from core.story.projects import create_project
from tests.conftest import REPO_ROOT
from workers import context

pytestmark = [pytest.mark.worker, pytest.mark.db]

WORKER_TIMEOUT = 120  # seconds for a fresh worker process to boot, run the queue and exit


@jobs.handler("test_provider_refuses")
def _provider_refuses(studio, user_id, job) -> dict:
    raise ProviderBadResponse("The image model returned no image for shot 3A.")


@jobs.handler("test_bug")
def _bug(studio, user_id, job) -> dict:
    return {}["missing"]


@pytest.fixture
def creator(make_user):
    return make_user()


@pytest.fixture
def project(studio, creator, project_input):
    return create_project(studio.db, creator.id, project_input)


@pytest.fixture
def in_process(studio, monkeypatch) -> Callable[[], None]:
    """Run the queue to empty with an RQ worker in this process, sharing the test's studio."""
    monkeypatch.setattr(context, "_studio", studio)

    def drain() -> None:
        SimpleWorker([studio.queue], connection=studio.redis).work(burst=True, with_scheduler=False)

    return drain


def _worker_process(*args: str) -> subprocess.Popen:
    """`python -m workers`, configured by the environment conftest set for the test services."""
    return subprocess.Popen(
        [sys.executable, "-m", "workers", *args], cwd=REPO_ROOT, env=dict(os.environ),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _eventually(condition: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_worker_process_runs_a_queued_job_as_its_creator(studio, creator, project):
    queued = jobs.enqueue(studio, creator.id, project.project_id, "worker_check")
    assert jobs.job(studio, creator.id, queued["id"])["status"] == "queued"
    assert queue_health(studio)["queued"] == 1

    worker = _worker_process("--burst")
    output, _ = worker.communicate(timeout=WORKER_TIMEOUT)
    assert worker.returncode == 0, output

    row = jobs.job(studio, creator.id, queued["id"])
    assert (row["status"], row["attempts"], row["error"]) == ("succeeded", 1, None), output
    assert row["result"]["project_title"] == "The Lighthouse"
    assert row["result"]["worker_pid"] not in (os.getpid(), None)
    assert row["rq_job_id"] == queued["rq_job_id"]
    assert row["started_at"] <= row["finished_at"]
    assert queue_health(studio)["queued"] == 0


def test_a_job_waiting_on_another_counts_as_queued_in_the_sidebar(studio, creator, project):
    first = jobs.enqueue(studio, creator.id, project.project_id, "worker_check")
    jobs.enqueue(studio, creator.id, project.project_id, "worker_check", after=[first])
    jobs.enqueue(studio, creator.id, project.project_id, "worker_check", after=[first])
    assert queue_health(studio)["queued"] == 3  # one on the queue, two held back until it has run


def test_a_provider_error_ends_the_job_failed_with_its_message(studio, creator, project, in_process):
    queued = jobs.enqueue(studio, creator.id, project.project_id, "test_provider_refuses")
    in_process()
    row = jobs.job(studio, creator.id, queued["id"])
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert row["error"] == "The image model returned no image for shot 3A."
    assert row["finished_at"] is not None and row["result"] is None


def test_a_bug_in_a_handler_fails_the_job_and_keeps_the_trace_in_rq(studio, creator, project, in_process):
    queued = jobs.enqueue(studio, creator.id, project.project_id, "test_bug")
    in_process()
    row = jobs.job(studio, creator.id, queued["id"])
    assert row["status"] == "failed"
    assert row["error"] == "internal error: KeyError: 'missing'"
    assert queued["rq_job_id"] in studio.queue.failed_job_registry.get_job_ids()


def test_a_succeeded_job_delivered_again_is_counted_and_not_run_again(studio, creator, project, in_process):
    queued = jobs.enqueue(studio, creator.id, project.project_id, "worker_check")
    in_process()
    done = jobs.job(studio, creator.id, queued["id"])
    jobs.run(studio, queued["id"], creator.id)  # what RQ does when a job is requeued
    row = jobs.job(studio, creator.id, queued["id"])
    assert (row["status"], row["attempts"]) == ("succeeded", 2)
    assert (row["result"], row["started_at"], row["finished_at"]) == (done["result"], done["started_at"],
                                                                        done["finished_at"]), "its handler never ran"


def test_a_job_cannot_be_queued_on_someone_elses_project(studio, make_user, project):
    intruder = make_user()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        jobs.enqueue(studio, intruder.id, project.project_id, "worker_check")
    assert queue_health(studio)["queued"] == 0
    with studio.db.as_service() as conn:
        assert conn.execute("SELECT count(*) AS n FROM generation_jobs").fetchone()["n"] == 0


def test_an_unknown_job_kind_is_refused_before_anything_is_written(studio, creator, project):
    with pytest.raises(ValueError, match="no handler"):
        jobs.enqueue(studio, creator.id, project.project_id, "paint_the_moon")
    assert queue_health(studio)["queued"] == 0


def test_queue_health_counts_the_workers_that_are_running(studio):
    assert queue_health(studio) == {"workers": 0, "queued": 0, "reachable": True}
    worker = _worker_process("--name", f"health-check-{os.getpid()}")
    try:
        registered = _eventually(lambda: queue_health(studio)["workers"] == 1)
    finally:
        worker.send_signal(signal.SIGTERM)  # a warm shutdown: RQ unregisters the worker
        output, _ = worker.communicate(timeout=WORKER_TIMEOUT)
    assert registered, output
    assert _eventually(lambda: queue_health(studio)["workers"] == 0), output


def test_a_worker_stopped_while_it_starts_leaves_no_ghost_behind(studio):
    """RQ registers a worker before installing its signal handlers; a stop in between must still unregister it."""
    import threading

    from rq.exceptions import StopRequested

    from workers.__main__ import StudioWorker

    class SlowToSubscribe(StudioWorker):
        def subscribe(self):
            time.sleep(1.0)  # widen the window between registering and RQ's own signal handlers
            super().subscribe()

    def stop_once_registered():
        _eventually(lambda: queue_health(studio)["workers"] == 1, timeout=10)
        os.kill(os.getpid(), signal.SIGTERM)

    worker = SlowToSubscribe([studio.queue], connection=studio.redis, name=f"starting-{os.getpid()}")
    previous = signal.getsignal(signal.SIGTERM)
    threading.Thread(target=stop_once_registered, daemon=True).start()
    try:
        with pytest.raises(StopRequested):
            worker.work(burst=False, with_scheduler=False)
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    assert queue_health(studio)["workers"] == 0
