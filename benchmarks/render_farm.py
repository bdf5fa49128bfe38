"""Benchmark: the render farm — a 12-scene, 60-shot film rendered by 1, 2, 4 and 8 workers, against its lower bound.

    .venv/bin/python -m benchmarks.render_farm [--json] [--workers 1,2,4,8] [--frame-seconds 0.3] [--clip-seconds 5]
                                               [--video-cap 4] [--image-cap 8] [--seed 23] [--logs DIR] [--timeline DIR]
    .venv/bin/python -m benchmarks.render_farm worker --name NAME ...   (what the benchmark starts, one per worker)

Boots the studio on embedded PostgreSQL and Redis in a fresh temporary data folder. For each worker count, untimed:
a new project imports the same generated Fountain screenplay (benchmarks.long_screenplay; seed 23 gives 12 scenes and
60 shots) and takes it through Stage 9 (prompts locked); that many workers start as subprocesses (`... worker`), each
booting the studio from the same settings, its engines' image and video models replaced by latency stand-ins
(benchmarks.latency_models: a fixed sleep, then a real tiny PNG or MP4), and running workers.__main__'s StudioWorker.
Timed: from `farm.render()` of the whole film to its film job's success (finished_at) — every frame drawn in film order
each after the one before, each scene's frames locked, its clips rendered (capped per model across the workers through
AIUTEUR_PROVIDER_LIMITS, as in production), the film assembled.

The lower bound (benchmarks.farm_bound) is the largest of the longest dependency chain, the total work over the
workers, and each capped model's work over its cap, from the graph the render queued. `bound_s` counts each job's own
measured time (the model's latency plus the job's own database, ledger and media work; the film's assembly as
measured); `model_bound_s` counts the latencies and the assembly only; `tight_bound_s` adds the film after the work
shared by the workers, as it must come (nothing runs beside it). The overhead per job is reported.
Targets (the farm issue): at 4 workers wall <= 1.10x the bound and >= 3.5x faster than 1 worker.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.big_branch import settle
from benchmarks.farm_figures import plain, run_figures, summary
from benchmarks.latency_models import LatencyClips, LatencyImages
from benchmarks.long_screenplay import screenplay
from core.cli.user import headless_user
from core.production import farm, farm_jobs, film  # noqa: F401  (farm_jobs and film register the farm's job kinds)
from core.production.run import run_scenes
from core.providers.offline import IMAGE_MODEL
from core.providers.offline_video import VIDEO_MODEL
from core.runtime.jobs import JobStatus
from core.runtime.settings import REPO_ROOT, Settings
from core.runtime.studio import Studio, boot, workers_alive
from core.story.projects import ProjectRef
from core.story.run import run_story
from db import jobs as job_rows
from db.embedded import stop_postgres, stop_redis

# A Gemini image takes ~6 s and a Veo 3.1 clip ~100 s (Google quotes 11 s to 6 min): here 1/20 of that. The caps are
# the studio's defaults for Veo (4 at once) and Gemini images (8); requests a minute are left out (time is scaled).
FRAME_SECONDS, CLIP_SECONDS, VIDEO_CAP, IMAGE_CAP, SEED = 0.3, 5.0, 4, 8, 23
QUEUE = "aiuteur-farm-bench"


def settings_env(folder: str, args: argparse.Namespace) -> dict[str, str]:
    """The settings the benchmark and every worker boot from: offline models, tiny media, the caps per model."""
    return {"AIUTEUR_DATA_DIR": folder, "AIUTEUR_START_WORKER": "false", "AIUTEUR_QUEUE": QUEUE,
            "AIUTEUR_TEXT_MODEL": "offline", "AIUTEUR_IMAGE_MODEL": "offline", "AIUTEUR_VIDEO_MODEL": "offline",
            "AIUTEUR_ANIMATIC_WIDTH": "64",
            # the key a job's cap is looked up by is the model its work is priced as: offline here
            "AIUTEUR_PROVIDER_LIMITS": f"{VIDEO_MODEL}={args.video_cap}, {IMAGE_MODEL}={args.image_cap}"}


def film_through_prompts(studio: Studio, user, script: str, number: int) -> ProjectRef:
    """A new project: the screenplay imported, Stages 1-5, then every scene's Stages 7-9 locked."""
    config = {"title": f"Farm {number}", "target_length_min": 60, "target_length_max": 900,
              "project_type": "narrative", "content_rating": "PG", "genres": ["Drama"], "tonal_guidance": "",
              "input_mode": "import", "narrative": script}
    story = run_story(studio, user, config, through=5)
    ref = ProjectRef(story.project_id, story.branch_id)
    run_scenes(studio, user.id, ref, through=9)
    return ref


def start_workers(env: dict[str, str], args: argparse.Namespace, count: int, logs: Path) -> list[subprocess.Popen]:
    command = [sys.executable, "-m", "benchmarks.render_farm", "worker", "--frame-seconds", str(args.frame_seconds),
               "--clip-seconds", str(args.clip_seconds)]
    started = []
    for number in range(1, count + 1):
        with open(logs / f"worker-{count}-{number}.log", "ab") as out:
            started.append(subprocess.Popen([*command, "--name", f"farm-{count}-{number}"], cwd=REPO_ROOT,
                                            env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL))
    return started


def stop_workers(processes: list[subprocess.Popen]) -> None:
    """A warm stop for each worker this benchmark started (they are idle by now); a kill after 30 s."""
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.05)


def timed_render(studio: Studio, user, ref: ProjectRef, timeout: float) -> tuple[float, float, list[dict]]:
    """Render the whole film; returns the wall seconds to the film's success, the seconds queueing took, the jobs."""
    quote = farm.render_quote(studio, user.id, ref)  # what the creator looks at before pressing render
    started = time.time()
    render = farm.render(studio, user.id, ref, quote.key)
    queued = time.time() - started
    film_job = next(job for job in render["jobs"] if job["kind"] == film.FILM)

    def film_done() -> bool:
        with studio.db.as_user(user.id) as conn:
            return job_rows.get_job(conn, film_job["id"])["status"] not in (JobStatus.QUEUED, JobStatus.RUNNING)

    wait_until(film_done, timeout, "the film")
    with studio.db.as_user(user.id) as conn:
        rows = job_rows.render_jobs(conn, render["id"])
    finished = next(row for row in rows if row["id"] == film_job["id"])
    return finished["finished_at"].timestamp() - started, queued, rows


def one_run(studio: Studio, user, env: dict[str, str], args: argparse.Namespace, workers: int, folder: Path) -> dict:
    ref = film_through_prompts(studio, user, screenplay(args.seed, scenes=12), workers)
    settle(studio)  # statistics as autovacuum keeps them, so each run plans from the rows it has
    processes = start_workers(env, args, workers, folder)
    try:
        wait_until(lambda: len(workers_alive(studio)) == workers, 120, f"{workers} worker(s) to start")
        load = os.getloadavg()[0]
        expected = (args.frame_seconds * 120 + args.clip_seconds * 60) / min(workers, args.video_cap) + 120
        wall, queued, rows = timed_render(studio, user, ref, timeout=expected * 3)
    finally:
        stop_workers(processes)
    if args.timeline:
        write_timeline(Path(args.timeline) / f"timeline-{workers}.json", rows)
    return run_figures(studio, user, ref, rows, workers=workers, wall=wall, queued=queued, load=load, args=args)


def write_timeline(path: Path, rows: list[dict]) -> None:
    """Each job's kind, worker, and start and end in seconds from the first start: to see where a run lost time."""
    origin = min(row["started_at"] for row in rows if row["started_at"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([
        {"kind": row["kind"], "worker": row["worker_name"], "after": len(row["depends_on"] or ()),
         "start": round((row["started_at"] - origin).total_seconds(), 3) if row["started_at"] else None,
         "end": round((row["finished_at"] - origin).total_seconds(), 3) if row["finished_at"] else None}
        for row in rows], indent=1))


def benchmark(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="aiuteur-farm-") as folder:
        env = settings_env(folder, args)
        studio = boot(Settings(_env_file=None, **env))
        try:
            user = headless_user(studio.db, "bench@aiuteur.local")
            logs = Path(args.logs or folder)
            logs.mkdir(parents=True, exist_ok=True)
            runs = [one_run(studio, user, env, args, workers, logs) for workers in args.workers]
        finally:
            studio.close()
            stop_redis(Path(folder))
            stop_postgres(Path(folder))
    return summary(runs, args)


def worker(args: argparse.Namespace) -> int:
    """One farm worker: the studio booted from the environment's settings, its image and video models the latency
    stand-ins, workers.__main__'s StudioWorker on the queue until stopped."""
    from workers import context
    from workers.__main__ import StudioWorker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    studio = boot(Settings(_env_file=None), run_migrations=False)
    studio.engines = dataclasses.replace(studio.engines, image=LatencyImages(args.frame_seconds),
                                         video=LatencyClips(args.clip_seconds))
    context.install(studio)
    try:
        StudioWorker([studio.queue], connection=studio.redis, name=args.name).work(with_scheduler=False)
    finally:
        studio.close()
    return 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.render_farm", description=__doc__.splitlines()[0])
    parser.add_argument("role", nargs="?", choices=["bench", "worker"], default="bench")
    parser.add_argument("--workers", type=lambda text: [int(n) for n in text.split(",")], default=[1, 2, 4, 8],
                        help="worker counts, comma-separated")
    parser.add_argument("--frame-seconds", type=float, default=FRAME_SECONDS, help="the image model's latency")
    parser.add_argument("--clip-seconds", type=float, default=CLIP_SECONDS, help="the video model's latency")
    parser.add_argument("--video-cap", type=int, default=VIDEO_CAP, help="clips rendering at once, across workers")
    parser.add_argument("--image-cap", type=int, default=IMAGE_CAP, help="frames drawing at once, across workers")
    parser.add_argument("--seed", type=int, default=SEED, help="the screenplay generator's seed")
    parser.add_argument("--logs", help="a folder to keep the workers' logs in (else they go with the data folder)")
    parser.add_argument("--timeline", help="a folder to write each run's job timeline to (JSON)")
    parser.add_argument("--name", help="(worker) the worker's name")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.role == "bench" and (min(args.workers) < 1 or min(args.video_cap, args.image_cap) < 1):
        parser.error("worker counts and caps take at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.role == "worker":
        return worker(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: the workers and services are stopped too
    figures = benchmark(args)
    print(json.dumps(figures, indent=2) if args.json else plain(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
