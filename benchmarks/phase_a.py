"""Benchmark: offline stages 1-5 for a 2,000-word story, asset images included.

    .venv/bin/python -m benchmarks.phase_a [--runs 3] [--story samples/salt_road.md]

Boots the studio on embedded PostgreSQL and Redis in a fresh temporary data folder, then runs the
same path as `python -m core run STORY --mode condense --through 5` (create the project, generate and
lock each stage, render every asset's reference image) several times. Reports the wall time of each
run (boot excluded: it is a one-off), its median, and the process's peak resident memory.
Targets (issue 3): under 10 s and under 500 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from core.cli.user import headless_user
from core.runtime.settings import REPO_ROOT, Settings
from core.runtime.studio import boot
from core.story.run import run_story
from db.embedded import stop_postgres, stop_redis


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--story", default=str(REPO_ROOT / "samples" / "salt_road.md"))
    args = parser.parse_args()
    narrative = Path(args.story).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="aiuteur-bench-") as folder:
        studio = boot(Settings(_env_file=None, AIUTEUR_DATA_DIR=folder, AIUTEUR_START_WORKER=False))
        user = headless_user(studio.db, "bench@aiuteur.local")
        times, summaries = [], []
        for run in range(args.runs):
            config = {"title": f"Benchmark {run + 1}", "target_length_min": 60, "target_length_max": 180,
                      "project_type": "narrative", "content_rating": "PG", "genres": ["Drama"],
                      "tonal_guidance": "", "input_mode": "condense", "narrative": narrative}
            started = time.perf_counter()
            summary = run_story(studio, user, config, through=5)
            times.append(time.perf_counter() - started)
            summaries.append(summary)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        studio.close()
        stop_redis(Path(folder))
        stop_postgres(Path(folder))
    last = summaries[-1]
    print(json.dumps({
        "story_words": len(narrative.split()),
        "runs_seconds": [round(t, 3) for t in times],
        "median_seconds": round(statistics.median(times), 3),
        "peak_rss_mb": round(peak_mb, 1),
        "scenes": last.scene_count,
        "assets_with_images": last.asset_count,
        "spend_credits": str(last.spend),
        "shadow_credits": str(last.shadow_spend),
        "stage_seconds": {line["stage"]: line["seconds"] for line in last.stages},
    }, indent=2))


if __name__ == "__main__":
    main()
