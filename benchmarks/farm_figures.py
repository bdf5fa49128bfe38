"""The render-farm benchmark's figures: one run's from the jobs the render queued, the summary, the plain table.

    run_figures(studio, user, ref, rows, workers=, wall=, queued=, load=, args=) -> dict
    summary(runs, args) -> dict         {"runs": [...], "targets": {...}, "parameters": {...}}
    plain(figures) -> str
"""

from __future__ import annotations

import os
import statistics
from collections import Counter

from benchmarks.farm_bound import GraphJob, lower_bound
from core.providers.offline import IMAGE_MODEL
from core.providers.offline_video import VIDEO_MODEL
from core.runtime.jobs import JobStatus

TARGET_WORKERS, TARGET_RATIO, TARGET_SPEEDUP = 4, 1.10, 3.5
LATENCY = {"frame": "frame_seconds", "farm_clip": "clip_seconds"}  # the model time each kind's job simulates
WORD = {"frame": "frame", "farm_clip": "clip", "frames_lock": "lock", "film": "film"}


def run_figures(studio, user, ref, rows: list[dict], *, workers: int, wall: float, queued: float, load: float,
                args) -> dict:
    """What one run shows: wall time against both bounds, the overhead per job, the dispatch delays, the faults."""
    own = {row["id"]: (row["finished_at"] - row["started_at"]).total_seconds() for row in rows
           if row["started_at"] and row["finished_at"]}
    latency = {row["id"]: _latency(row, own, args) for row in rows}
    caps = {VIDEO_MODEL: args.video_cap, IMAGE_MODEL: args.image_cap}
    measured = lower_bound(_graph(rows, own), workers, caps)
    model_only = lower_bound(_graph(rows, latency), workers, caps)
    tight = lower_bound(_graph(rows, own), workers, caps, last="film")
    return {"workers": workers, "wall_s": round(wall, 2), "bound_s": round(measured.seconds, 2),
            "ratio": round(wall / measured.seconds, 3), "limited_by": measured.limited_by,
            "chain_s": round(measured.chain_s, 2), "per_worker_s": round(measured.per_worker_s, 2),
            "per_model_s": {k: round(v, 2) for k, v in measured.per_model_s.items()},
            "model_bound_s": round(model_only.seconds, 2), "model_ratio": round(wall / model_only.seconds, 3),
            "tight_bound_s": round(tight.seconds, 2), "tight_ratio": round(wall / tight.seconds, 3),
            "queue_graph_s": round(queued, 2), "film_assembly_s": round(_own_of(rows, own, "film"), 2),
            "overhead_ms": {WORD[kind]: round(1000 * statistics.mean(own[r["id"]] - latency[r["id"]] for r in group), 1)
                            for kind, group in _by_kind(rows).items() if kind != "film"},
            "dispatch_ms": _dispatch(rows), "worker_idle_s": round(workers * wall - sum(own.values()), 2),
            "jobs": dict(Counter(WORD.get(r["kind"], r["kind"]) for r in rows)),
            **_faults(studio, user, ref, rows), "load_before": round(load, 2)}


def _latency(row: dict, own: dict, args) -> float:
    """The model time of the job (the film's is its assembly, measured; a lock calls no model)."""
    if row["kind"] == "film":
        return own.get(row["id"], 0.0)
    return getattr(args, LATENCY[row["kind"]]) if row["kind"] in LATENCY else 0.0


def _graph(rows: list[dict], seconds: dict) -> list[GraphJob]:
    return [GraphJob(str(row["id"]), row["kind"], tuple(str(d) for d in row["depends_on"] or ()),
                     seconds.get(row["id"], 0.0), (row["payload"] or {}).get("limit")) for row in rows]


def _by_kind(rows: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        if row["started_at"] and row["finished_at"]:
            groups.setdefault(row["kind"], []).append(row)
    return groups


def _own_of(rows: list[dict], own: dict, kind: str) -> float:
    return sum(own.get(row["id"], 0.0) for row in rows if row["kind"] == kind)


def _dispatch(rows: list[dict]) -> dict:
    """How long a job waited to start once everything it waits on was done (RQ's dependents, a free worker, its
    model's cap): the median and the 90th percentile per kind, in ms."""
    finished = {row["id"]: row["finished_at"] for row in rows}
    delays: dict[str, list[float]] = {}
    for row in rows:
        if row["depends_on"] and row["started_at"] and all(finished.get(d) for d in row["depends_on"]):
            ready = max(finished[d] for d in row["depends_on"])
            delays.setdefault(WORD.get(row["kind"], row["kind"]), []).append(
                (row["started_at"] - ready).total_seconds() * 1000)
    return {kind: {"median": round(statistics.median(v), 1), "p90": round(_p90(v), 1)} for kind, v in delays.items()}


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def _faults(studio, user, ref, rows: list[dict]) -> dict:
    """The farm issue's fault figures, as this run left them: jobs not succeeded, work charged more than once."""
    made = Counter(row["kind"] for row in rows if row["status"] == JobStatus.SUCCEEDED)
    with studio.db.as_user(user.id) as conn:
        settled = conn.execute(
            "SELECT stage_number, count(*) AS n FROM cost_ledger WHERE branch_id = %s AND status = 'settled' "
            "AND stage_number IN (10, 12) GROUP BY stage_number", [ref.branch_id]).fetchall()
    charged = {row["stage_number"]: row["n"] for row in settled}
    return {"jobs_not_succeeded": sum(1 for row in rows if row["status"] != JobStatus.SUCCEEDED),
            "double_charges": max(0, charged.get(10, 0) - made["frame"]) + max(0, charged.get(12, 0) - made["farm_clip"])}


def summary(runs: list[dict], args) -> dict:
    """The runs with their speed-up over one worker, the targets met or not, and the parameters."""
    one = next((run["wall_s"] for run in runs if run["workers"] == 1), None)
    for run in runs:
        run["speedup"] = round(one / run["wall_s"], 2) if one else None
    at = next((run for run in runs if run["workers"] == TARGET_WORKERS), None)
    targets = {"workers": TARGET_WORKERS, "ratio_at_most": TARGET_RATIO, "speedup_at_least": TARGET_SPEEDUP,
               "ratio_met": at is not None and at["ratio"] <= TARGET_RATIO,
               "speedup_met": at is not None and (at["speedup"] or 0) >= TARGET_SPEEDUP}
    parameters = {"frame_seconds": args.frame_seconds, "clip_seconds": args.clip_seconds,
                  "video_cap": {VIDEO_MODEL: args.video_cap}, "image_cap": {IMAGE_MODEL: args.image_cap},
                  "screenplay_seed": args.seed, "cores": os.cpu_count(),
                  "load_average_at_end": [round(v, 2) for v in os.getloadavg()]}
    return {"runs": runs, "targets": targets, "parameters": parameters}


def plain(figures: dict) -> str:
    runs, p, t = figures["runs"], figures["parameters"], figures["targets"]
    first = runs[0]["jobs"]
    lines = [
        (f"Render farm: {first.get('lock', 0)} scenes, {first.get('clip', 0)} shots = {first.get('frame', 0)} frames, "
         f"{first.get('clip', 0)} clips, {first.get('lock', 0)} frame locks, 1 film; latency: frame "
         f"{p['frame_seconds']} s, clip {p['clip_seconds']} s; caps {p['video_cap']} {p['image_cap']}"),
        (f"{'workers':>7} {'wall s':>7} {'bound s':>7} {'ratio':>6} {'by':>16} {'speed-up':>8} {'model-only':>10} "
         f"{'tight':>6} {'queue s':>7} {'film s':>6} {'idle s':>7} {'load':>5}"),
    ]
    for r in runs:
        lines.append(f"{r['workers']:>7} {r['wall_s']:>7} {r['bound_s']:>7} {r['ratio']:>6} {r['limited_by']:>16} "
                     f"{r['speedup'] or '':>8} {r['model_bound_s']:>10} {r['tight_ratio']:>6} {r['queue_graph_s']:>7} "
                     f"{r['film_assembly_s']:>6} {r['worker_idle_s']:>7} {r['load_before']:>5}")
    for r in runs:
        lines.append(f"  {r['workers']} worker(s): overhead per job (ms, own time beyond the model) {r['overhead_ms']}; "
                     f"dispatch delay (ms) {r['dispatch_ms']}; not succeeded {r['jobs_not_succeeded']}, "
                     f"double charges {r['double_charges']}")
    lines.append("  bound: the largest of the longest chain, the work per worker, each model's work per its cap (each job's "
                 "own time); model-only: the same from the latencies and the film's assembly alone; tight: wall over the "
                 "bound with the film after all other work, as it must be; idle: worker-seconds outside any job")
    lines.append(f"Targets at {t['workers']} workers: wall <= {t['ratio_at_most']}x bound: "
                 f"{'met' if t['ratio_met'] else 'MISSED'}; >= {t['speedup_at_least']}x faster than 1 worker: "
                 f"{'met' if t['speedup_met'] else 'MISSED'}")
    lines.append(f"Machine load (1, 5, 15 min) at the end: {p['load_average_at_end']} on {p['cores']} cores")
    return "\n".join(lines)
