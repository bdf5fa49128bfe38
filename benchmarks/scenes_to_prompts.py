"""Benchmark: offline stages 6-9 for a 40-scene screenplay, and the script hub's data load on a 200-scene branch.

    .venv/bin/python -m benchmarks.scenes_to_prompts [--json] [--runs 3] [--hub-runs 30] [--forks 3] [--seed 7]

Boots the studio on embedded PostgreSQL and Redis in a fresh temporary data folder, then:
  1. writes a varied 40-scene Fountain screenplay from the seed (benchmarks.long_screenplay), imports it and
     takes it through Stage 5 (untimed), and times `run_scenes(..., through=9)`: every scene's shot list,
     visual definition (changed looks drawn offline) and prompts, each locked. `--runs` fresh projects (the
     first on a database that has never held a shot); the median wall time, the process's peak resident
     memory, and the film's scenes, shots and runtime.
  2. writes a 200-scene, 2,000-shot branch straight into the database (benchmarks.big_branch) and times
     `script_hub(...)` `--hub-runs` times, counting the SQL statements one call sends (as_user's two identity
     statements excluded; BEGIN and COMMIT are not sent through execute and aren't counted either), then
     again after `--forks` whole-film forks of it (row-level security makes a user's total size matter).
Targets for the hub: at most 5 round trips, under 150 ms (the first median).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

from benchmarks.big_branch import SCENES, SHOTS_PER_SCENE, counting_statements, seed_branch, settle
from benchmarks.long_screenplay import screenplay
from core.branches.forks import fork
from core.cli.user import headless_user
from core.production.hub import script_hub
from core.production.run import production_summary, run_scenes
from core.runtime.settings import Settings
from core.runtime.studio import boot
from core.story.projects import ProjectRef
from core.story.run import run_story
from db.embedded import stop_postgres, stop_redis

HUB_TARGET_MS, HUB_TARGET_TRIPS = 150, 5


def scenes_to_prompts(studio, runs: int, seed: int) -> dict:
    """Figure 1: the median time of stages 6-9 over `runs` fresh imports of the same screenplay."""
    script, user, times, cpu = screenplay(seed), headless_user(studio.db, "bench@aiuteur.local"), [], []
    for run in range(runs):
        config = {"title": f"The Long Tide {run + 1}", "target_length_min": 600, "target_length_max": 1800,
                  "project_type": "narrative", "content_rating": "PG", "genres": ["Drama"], "tonal_guidance": "",
                  "input_mode": "import", "narrative": script}
        story = run_story(studio, user, config, through=5)
        ref = ProjectRef(story.project_id, story.branch_id)
        # statistics as autovacuum keeps them (it looks every minute): without this a run plans from the row
        # counts of a minute ago; the first run still meets empty shot and version tables, as a new studio does
        settle(studio)
        started, started_cpu = time.perf_counter(), time.process_time()
        lines = run_scenes(studio, user.id, ref, through=9)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    film = production_summary(studio, user.id, ref)
    return {"screenplay_words": len(script.split()), "runs_seconds": [round(t, 2) for t in times],
            "median_seconds": round(statistics.median(times), 2),
            "client_cpu_median_seconds": round(statistics.median(cpu), 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "scenes": len(film["scenes"]), "shots": film["shot_count"], "runtime_seconds": film["total_runtime"],
            "stage_seconds": {line["stage"]: line["seconds"] for line in lines}}


def hub_load(studio, runs: int, forks: int) -> dict:
    """Figure 2: the script hub on the big branch, its median time and the statements one call sends; then again
    once the creator owns `forks` more whole-film branches (row-level security reads everything a user owns)."""
    user, ref = seed_branch(studio)
    load = partial(script_hub, studio, user.id, ref.project_id, ref.branch_id)
    for _ in range(3):
        load()  # warm the pool, the server's caches and psycopg's prepared statements
    wall, cpu, hub = _timed(runs, load)
    with counting_statements() as tally:
        load()
    for number in range(forks):
        fork(studio.db, user.id, ref.project_id, ref.branch_id, 12, f"Fork {number + 1}", "benchmark")
    settle(studio)
    after, _, _ = _timed(runs, load)
    return {"scenes": len(hub.scenes), "shots": sum(s.shots for s in hub.scenes), "runs": runs,
            "median_ms": _median(wall), "min_ms": round(min(wall), 1), "max_ms": round(max(wall), 1),
            "client_cpu_median_ms": _median(cpu), "forks": forks, "median_ms_after_forks": _median(after),
            "sql_round_trips": tally.round_trips, "identity_statements_excluded": tally.identity,
            "statements": tally.statements,
            "meets_targets": tally.round_trips <= HUB_TARGET_TRIPS and _median(wall) < HUB_TARGET_MS}


def _timed(runs: int, action) -> tuple[list[float], list[float], object]:
    """Wall and this process's CPU milliseconds of each run, and the last result."""
    wall, cpu, result = [], [], None
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = action()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu, result


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def _plain(figures: dict) -> str:
    one, hub = figures["scenes_to_prompts"], figures["script_hub"]
    return "\n".join([
        f"Stages 6-9 offline, {one['scenes']}-scene screenplay ({one['screenplay_words']:,} words):",
        (f"  median {one['median_seconds']} s over runs {one['runs_seconds']} ({one['client_cpu_median_seconds']} s "
         f"this process's CPU); per stage (last run) {one['stage_seconds']}"),
        f"  {one['shots']} shots, {one['runtime_seconds']} s of film; peak memory {one['peak_rss_mb']} MB",
        f"Script hub, {hub['scenes']} scenes / {hub['shots']} shots ({SCENES}x{SHOTS_PER_SCENE} seeded):",
        (f"  median {hub['median_ms']} ms (min {hub['min_ms']}, max {hub['max_ms']} ms, {hub['runs']} runs; target "
         f"< {HUB_TARGET_MS} ms), of which {hub['client_cpu_median_ms']} ms this process's CPU"),
        f"  median {hub['median_ms_after_forks']} ms once the creator owns {hub['forks']} more whole-film branches",
        (f"  {hub['sql_round_trips']} SQL round trips (target <= {HUB_TARGET_TRIPS}; "
         f"{hub['identity_statements_excluded']} as_user identity statements excluded)"),
        *(f"    {statement}" for statement in hub["statements"]),
        f"Machine load (1, 5, 15 min) at the end: {figures['load_average']} on {figures['cores']} cores",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh projects taken through stages 6-9")
    parser.add_argument("--hub-runs", type=int, default=30, help="timed loads of the script hub")
    parser.add_argument("--forks", type=int, default=3, help="whole-film forks made before the hub is timed again")
    parser.add_argument("--seed", type=int, default=7, help="the screenplay generator's seed")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if min(args.runs, args.hub_runs) < 1 or args.forks < 0:
        parser.error("--runs and --hub-runs take at least 1, --forks at least 0")
    with tempfile.TemporaryDirectory(prefix="aiuteur-bench-") as folder:
        studio = boot(Settings(_env_file=None, AIUTEUR_DATA_DIR=folder, AIUTEUR_START_WORKER=False))
        try:
            figures = {"scenes_to_prompts": scenes_to_prompts(studio, args.runs, args.seed),
                       "script_hub": hub_load(studio, args.hub_runs, args.forks),
                       # timings on a shared machine: what else was running says how to read them
                       "load_average": [round(load, 2) for load in os.getloadavg()], "cores": os.cpu_count()}
        finally:
            studio.close()
            stop_redis(Path(folder))
            stop_postgres(Path(folder))
    print(json.dumps(figures, indent=2) if args.json else _plain(figures))


if __name__ == "__main__":
    main()
