"""`./aiuteur stop`: the studio's processes are recorded in the data folder and ended by those pids only;
the embedded Redis stops when the last process using it exits."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.runtime import processes
from db import embedded
from tests.conftest import REPO_ROOT

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def _gone(process: subprocess.Popen, seconds: float = 10) -> bool:
    try:
        process.wait(seconds)
        return True
    except subprocess.TimeoutExpired:
        return False


@pytest.fixture
def sleepers():
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        started.append(subprocess.Popen(SLEEPER))
        return started[-1]

    yield start
    for process in started:  # only the processes this test started, by their pid
        if process.poll() is None:
            process.kill()
            process.wait()


def test_stop_ends_the_recorded_processes_and_nothing_else(tmp_path, sleepers):
    studio, worker, stranger = sleepers(), sleepers(), sleepers()
    processes.record(tmp_path, "studio", studio.pid)
    processes.record(tmp_path, "worker", worker.pid)
    assert sorted((p.role, p.pid) for p in processes.recorded(tmp_path)) == sorted(
        [("studio", studio.pid), ("worker", worker.pid)])

    said: list[str] = []
    stopped = processes.stop(tmp_path, wait_seconds=5, say=said.append)
    assert {p.pid for p in stopped} == {studio.pid, worker.pid}
    assert _gone(studio) and _gone(worker)
    assert stranger.poll() is None, "a process the studio did not record is never touched"
    assert processes.recorded(tmp_path) == [] and not list((tmp_path / "run").glob("*.pid"))
    assert f"Stopping the worker (pid {worker.pid})…" in said


def test_a_reused_pid_is_never_signalled(tmp_path, sleepers):
    stranger = sleepers()
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / f"worker-{stranger.pid}.pid").write_text(f"{stranger.pid} 1\n")  # another start time
    assert processes.recorded(tmp_path) == []
    processes.stop(tmp_path, wait_seconds=1, say=lambda _: None)
    assert stranger.poll() is None


def test_a_dead_processs_record_is_dropped(tmp_path, sleepers):
    gone = sleepers()
    processes.record(tmp_path, "studio", gone.pid)
    gone.kill()
    gone.wait()
    assert processes.recorded(tmp_path) == []


@pytest.mark.parametrize("role", ["browser", "", "postgres"])
def test_only_studio_roles_are_recorded(tmp_path, role):
    with pytest.raises(ValueError):
        processes.record(tmp_path, role)


def _redis_user(data_dir: Path) -> subprocess.Popen:
    """A process that joins the embedded Redis of `data_dir` and stays until its stdin closes."""
    code = ("import sys; from pathlib import Path; from db import embedded; "
            "embedded.start_redis(Path(sys.argv[1])); print('joined', flush=True); sys.stdin.read()")
    process = subprocess.Popen([sys.executable, "-c", code, str(data_dir)], cwd=REPO_ROOT, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdout.readline().strip() == "joined"
    return process


def _leave(process: subprocess.Popen) -> None:
    process.stdin.close()
    process.wait(10)


def test_the_embedded_redis_stops_when_the_last_process_using_it_exits(tmp_path):
    url = f"unix://{embedded._socket_path(tmp_path / 'redis')}"
    studio, worker = _redis_user(tmp_path), _redis_user(tmp_path)
    try:
        assert embedded._answers(url)
        assert sorted(embedded.redis_users(tmp_path)) == sorted([studio.pid, worker.pid])
        _leave(studio)
        assert embedded._answers(url), "the worker still uses it"
        _leave(worker)
        deadline = time.monotonic() + 5
        while embedded._answers(url) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not embedded._answers(url)
    finally:
        for process in (studio, worker):
            if process.poll() is None:
                process.kill()
        embedded.stop_redis(tmp_path)
