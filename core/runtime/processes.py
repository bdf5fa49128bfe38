"""The studio's own processes, recorded in the data folder so `./aiuteur stop` ends exactly those.

    run/studio-<pid>.pid   a `streamlit run` serving the studio
    run/worker-<pid>.pid   an RQ worker (`python -m workers`, started by the studio or by hand)

Each file holds the pid and the process's start time (from /proc where there is one), so a pid the
system has since given to another program is never signalled. Nothing is found by name or pattern.
The embedded servers stop themselves when the last process using them exits (db/embedded.py);
`stop` then shuts down any that are left, by their own pid files and sockets in the same folder.
"""

from __future__ import annotations

import atexit
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from db import embedded

ROLES = ("studio", "worker")


@dataclass(frozen=True)
class Recorded:
    role: str
    pid: int
    started: str
    path: Path

    @property
    def running(self) -> bool:
        """Still this very process (not a later one that was given its pid)."""
        return embedded._alive(self.pid) and _started(self.pid) == self.started


def _started(pid: int) -> str:
    """The process's start time in clock ticks since boot ("" where /proc is missing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def record(data_dir: Path, role: str, pid: int | None = None) -> Path:
    """Record a studio process (this one by default); the file goes when this process exits normally."""
    if role not in ROLES:
        raise ValueError(f"a recorded process is one of {ROLES}, not {role!r}")
    pid = pid or os.getpid()
    folder = data_dir / "run"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{role}-{pid}.pid"
    path.write_text(f"{pid} {_started(pid)}\n")
    if pid == os.getpid():
        atexit.register(path.unlink, missing_ok=True)
    return path


def recorded(data_dir: Path) -> list[Recorded]:
    """The recorded processes still running as the processes recorded (stale files are removed)."""
    alive = []
    for path in sorted((data_dir / "run").glob("*.pid")):
        role, _, _ = path.stem.partition("-")
        try:
            pid_text, _, started = path.read_text().strip().partition(" ")
            pid = int(pid_text)
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
            continue
        process = Recorded(role, pid, started, path)
        if role in ROLES and process.running:
            alive.append(process)
        else:
            path.unlink(missing_ok=True)
    return alive


def stop(data_dir: Path, *, wait_seconds: float = 20.0, say=print) -> list[Recorded]:
    """End the recorded studio and worker processes (SIGTERM, then SIGKILL after `wait_seconds`), then
    the embedded Redis and PostgreSQL of this data folder; returns the processes that were running."""
    running = recorded(data_dir)
    for process in running:
        say(f"Stopping the {process.role} (pid {process.pid})…")
        _signal(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + wait_seconds
    while any(p.running for p in running) and time.monotonic() < deadline:
        time.sleep(0.2)
    for process in running:
        if process.running:
            say(f"The {process.role} (pid {process.pid}) did not stop in {wait_seconds:.0f} s; killing it.")
            _signal(process.pid, signal.SIGKILL)
        process.path.unlink(missing_ok=True)
    if (data_dir / "redis").exists():
        embedded.stop_redis(data_dir)
    if (data_dir / "postgres").exists():
        embedded.stop_postgres(data_dir)
    return running


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def main(argv: list[str] | None = None) -> int:
    """`python -m core.runtime.processes stop`: what `./aiuteur stop` runs."""
    import argparse

    from core.runtime.settings import load_settings

    parser = argparse.ArgumentParser(prog="./aiuteur stop", description="Stop this data folder's studio, "
                                     "workers and embedded servers, by the pids they recorded.")
    parser.add_argument("command", choices=["stop", "status"])
    args = parser.parse_args(argv)
    data_dir = load_settings().data_dir
    if args.command == "status":
        for process in recorded(data_dir):
            print(f"{process.role}\tpid {process.pid}")
        return 0
    stopped = stop(data_dir)
    print(f"Stopped {len(stopped)} process(es) and the embedded servers of {data_dir}." if stopped
          else f"Nothing of Aiuteur's was running from {data_dir}; embedded servers stopped if any were left.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
