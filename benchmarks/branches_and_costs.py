"""Benchmark: fork, invalidation preview with cost, and the cost dashboard on a big film.

    .venv/bin/python -m benchmarks.branches_and_costs [--runs 7]

Seeds, in a fresh embedded PostgreSQL, a project whose Main branch has stages 1-5 locked, 200 scenes,
2,000 shots, 4,000 frames, 1,200 clips and 10,000 ledger rows, then reports medians of `--runs` runs:
  - invalidation preview with regeneration cost for a Stage 3 regeneration (target < 100 ms)
  - cost dashboard data load, and its SQL round trips (target < 150 ms, at most 5 round trips)
  - fork of the whole branch at Stage 12 (target < 250 ms)
and the preview and dashboard again once the forks exist (the user then owns `runs` more whole films).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from core.branches.forks import fork
from core.costs.dashboard import load_dashboard
from core.invalidation.changes import change_for_stage_edit, preview_change
from core.runtime.auth import LocalAuth
from core.runtime.settings import Settings
from core.runtime.studio import boot
from core.story.projects import create_project
from db.embedded import stop_postgres, stop_redis

SEED_SQL = (
    """INSERT INTO stage_states (branch_id, stage_number, version, status, content)
       SELECT %(branch)s, n, 1, 'locked', jsonb_build_object('text', repeat('words ', 400)) FROM generate_series(2, 5) n""",
    """INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, status)
       SELECT %(branch)s, n, 'INT. ROOM ' || n || ' - DAY', repeat('Action. ', 40), 'shot_list_ready'
         FROM generate_series(1, 200) n""",
    """INSERT INTO shots (scene_id, shot_id, shot_order, duration, action, setting, camera_spec, frame_prompt,
                          video_prompt, requires_end_frame)
       SELECT s.id, s.scene_number || chr(64 + k), k, 8, 'acts', 'room', 'wide', 'p', 'p', true
         FROM scenes s, generate_series(1, 10) k WHERE s.branch_id = %(branch)s""",
    """INSERT INTO frames (shot_id, frame_type, prompt, image_url)
       SELECT sh.id, t, 'p', md5(sh.id::text || t) || '.png'
         FROM shots sh JOIN scenes s ON s.id = sh.scene_id, unnest(ARRAY['start', 'end']) t
        WHERE s.branch_id = %(branch)s""",
    """INSERT INTO videos (shot_id, start_frame_id, video_prompt, video_url, status)
       SELECT f.shot_id, f.id, 'p', md5(f.id::text) || '.mp4', 'complete'
         FROM frames f JOIN shots sh ON sh.id = f.shot_id JOIN scenes s ON s.id = sh.scene_id
        WHERE s.branch_id = %(branch)s AND f.frame_type = 'start' AND s.scene_number <= 120""",
    """INSERT INTO cost_ledger (project_id, branch_id, stage_number, scene_id, shot_id, provider, model, unit, units,
                               unit_price, credits, shadow_credits, status, idempotency_key, created_at,
                               price_book_version)
       SELECT %(project)s, %(branch)s, (ARRAY[2,3,4,5,7,9,10,10,12,12])[1 + i %% 10], sh.scene_id, sh.id,
              'google', 'gemini-2.5-flash-image', 'image', 1, 0.039, 0.039, 0, 'settled', 'bench:' || i,
              now() - (i %% 60) * interval '1 day', 'bench'
         FROM generate_series(1, 10000) i
         JOIN (SELECT sh.id, sh.scene_id, row_number() OVER (ORDER BY sh.id) - 1 AS k
                 FROM shots sh JOIN scenes s ON s.id = sh.scene_id WHERE s.branch_id = %(branch)s) sh
           ON sh.k = i %% 2000""",
)


class CountingConnection:
    """A connection that counts the statements sent through it (each execute is one round trip)."""

    def __init__(self, conn) -> None:
        self.conn, self.count = conn, 0

    def execute(self, *args, **kwargs):
        self.count += 1
        return self.conn.execute(*args, **kwargs)

    def cursor(self, *args, **kwargs):
        self.count += 1
        return self.conn.cursor(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.conn, name)


def seed(studio):
    user = LocalAuth(studio.db).sign_up("bench@example.com", "a long enough secret")
    ref = create_project(studio.db, user.id, {
        "title": "Benchmark film", "target_length_min": 900, "target_length_max": 1600, "project_type": "narrative",
        "content_rating": "PG", "genres": ["Drama"], "tonal_guidance": "", "input_mode": "expand",
        "narrative": "A lighthouse keeper finds a message in a bottle. " * 20, "budget_credits": 50000})
    with studio.db.as_user(user.id) as conn:
        for statement in SEED_SQL:
            conn.execute(statement, {"branch": ref.branch_id, "project": ref.project_id})
    with studio.db.as_service() as conn:
        conn.execute("ANALYZE")  # what autovacuum would have done by the time a creator looks
    return user, ref


def timed(runs: int, action) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aiuteur-bench-") as folder:
        studio = boot(Settings(_env_file=None, AIUTEUR_DATA_DIR=folder, AIUTEUR_START_WORKER=False))
        user, ref = seed(studio)
        change = change_for_stage_edit(3, "regenerate")
        estimator = studio.engines.estimator
        trips = []

        def preview():
            return preview_change(studio.db, user.id, ref.branch_id, change, estimator)

        def dashboard():
            with studio.db.as_user(user.id) as conn:
                counting = CountingConnection(conn)
                load_dashboard(counting, ref.project_id, ref.branch_id, estimator)
                trips.append(counting.count)

        timed(2, preview), timed(2, dashboard)  # warm the pool and the server's caches
        preview_ms, dashboard_ms = timed(args.runs, preview), timed(args.runs, dashboard)
        names = iter(range(10_000))
        fork_ms = timed(args.runs, lambda: fork(studio.db, user.id, ref.project_id, ref.branch_id, 12,
                                                 f"Fork {next(names)}", "benchmark"))
        # the same two reads once the creator owns 1 + runs whole-film branches (row-level security
        # sees every row the user owns, so a user's total size matters, not only this branch's)
        preview_after_ms, dashboard_after_ms = timed(args.runs, preview), timed(args.runs, dashboard)
        result = preview()
        studio.close()
        stop_redis(Path(folder))
        stop_postgres(Path(folder))
    median = lambda values: round(statistics.median(values), 1)  # noqa: E731
    print(json.dumps({
        "film": {"scenes": 200, "shots": 2000, "frames": 4000, "clips": 1200, "ledger_rows": 10000},
        "fork_ms": {"median": median(fork_ms), "runs": [round(t, 1) for t in fork_ms]},
        "preview_ms": {"median": median(preview_ms), "runs": [round(t, 1) for t in preview_ms],
                       "median_after_forks": median(preview_after_ms), "items": len(result.impact.items),
                       "estimated_cost": str(result.credits), "estimated_shadow_cost": str(result.shadow_credits)},
        "dashboard_ms": {"median": median(dashboard_ms), "runs": [round(t, 1) for t in dashboard_ms],
                         "median_after_forks": median(dashboard_after_ms), "sql_round_trips": max(trips)},
    }, indent=2))


if __name__ == "__main__":
    main()
