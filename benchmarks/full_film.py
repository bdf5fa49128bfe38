"""Benchmark: the whole pipeline offline — a 2,000-word story with a 2-3 minute target through all twelve stages, the
film assembled and every export written.

    .venv/bin/python -m benchmarks.full_film [--runs 1] [--story samples/salt_road.md] [--width 1024] [--json]

Boots the studio on embedded PostgreSQL and Redis in a fresh temporary data folder, then takes the same path as
`python -m core run STORY --mode condense --through 12 --out DIR` (every stage generated and locked, every frame
drawn and approved, every clip rendered as the offline animatic and approved, the film assembled, the exports written)
and reports the wall time of each run (boot excluded), the time each stage took, the film's length, and the process's
peak resident memory. The animatic's own speed against its encoder is `python -m benchmarks.animatic`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from core.cli.user import headless_user
from core.exports.probe import probe
from core.production.exports import write_exports
from core.production.film import assemble
from core.runtime.settings import REPO_ROOT, Settings
from core.runtime.studio import boot
from core.story.run import run_story
from db.embedded import stop_postgres, stop_redis


def one_film(studio, user, narrative: str, run: int, out: Path) -> dict:
    config = {"title": f"Full film {run + 1}", "target_length_min": 120, "target_length_max": 180,
              "project_type": "narrative", "content_rating": "PG", "genres": ["Drama"], "tonal_guidance": "",
              "input_mode": "condense", "narrative": narrative}
    started = time.perf_counter()
    summary = run_story(studio, user, config, through=12)
    stages_done = time.perf_counter()
    assemble(studio, user.id, summary.project_id, summary.branch_id, inline=True)
    written = write_exports(studio, user.id, summary.project_id, summary.branch_id, out / f"film-{run + 1}")
    finished = time.perf_counter()
    film = probe(written["film"])
    return {"seconds": round(finished - started, 2), "stages_seconds": round(stages_done - started, 2),
            "film_and_exports_seconds": round(finished - stages_done, 2),
            "per_stage": {line["stage"]: line["seconds"] for line in summary.stages},
            "scenes": summary.scene_count, "film_seconds": round(film.duration, 2), "film_size": [film.width,
                                                                                                  film.height],
            "spend": str(summary.spend), "shadow_spend": str(summary.shadow_spend)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--story", default=str(REPO_ROOT / "samples" / "salt_road.md"))
    parser.add_argument("--width", type=int, default=1024, help="the animatic's width (AIUTEUR_ANIMATIC_WIDTH)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    narrative = Path(args.story).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="aiuteur-bench-") as folder:
        studio = boot(Settings(_env_file=None, AIUTEUR_DATA_DIR=folder, AIUTEUR_START_WORKER=False,
                               AIUTEUR_ANIMATIC_WIDTH=args.width))
        user = headless_user(studio.db, "bench@aiuteur.local")
        runs = [one_film(studio, user, narrative, run, Path(folder)) for run in range(args.runs)]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        studio.close()
        stop_redis(Path(folder))
        stop_postgres(Path(folder))
    report = {"story_words": len(narrative.split()), "target_seconds": [120, 180], "animatic_width": args.width,
              "load_average": [round(x, 2) for x in os.getloadavg()],
              "median_seconds": statistics.median(r["seconds"] for r in runs), "peak_rss_mb": round(peak_mb, 1),
              "runs": runs}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    last = runs[-1]
    print(f"{report['story_words']} words -> {last['scenes']} scenes, a {last['film_seconds']} s film "
          f"({last['film_size'][0]}x{last['film_size'][1]}), spend {last['spend']} (shadow {last['shadow_spend']})")
    print(f"median {report['median_seconds']} s over {len(runs)} run(s): stages {last['stages_seconds']} s, "
          f"film and exports {last['film_and_exports_seconds']} s; peak memory {report['peak_rss_mb']} MB; "
          f"load average {report['load_average']}")
    print("per stage (s):", ", ".join(f"{k}: {v}" for k, v in last["per_stage"].items()))


if __name__ == "__main__":
    main()
