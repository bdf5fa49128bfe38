"""Aiuteur from the command line.

    python -m core migrate
    python -m core run STORY --mode expand|condense|import --through 12 --out DIR [--animatic] [--title T] [--json]
    python -m core continue PROJECT --through N [--out DIR] [--branch B] [--animatic] [--json]
    python -m core branches PROJECT [--json]
    python -m core fork PROJECT --from BRANCH --at-stage N --name NAME --why MESSAGE
    python -m core compare PROJECT BRANCH_A BRANCH_B [--json]
    python -m core cost PROJECT [--branch B] [--json]
    python -m core farm PROJECT [--branch B] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from core.costs.ledger import dollars
from core.errors import AiuteurError, InputRejected
from core.film.config import decode_upload
from core.pipeline import STAGES, Item, producer_of
from core.runtime.settings import load_settings
from core.runtime.studio import boot
from db import migrate

CLI_USER = "cli@aiuteur.local"
SHOT_STAGE = producer_of(Item.SHOT).number
LAST_STAGE = producer_of(Item.CLIP).number


def _migrate(args: argparse.Namespace) -> int:
    studio = boot(load_settings(), run_migrations=False)
    with studio.db.pool.connection() as conn:
        applied = migrate.apply_all(conn)
        versions = migrate.applied_versions(conn)
    for migration in applied:
        print(f"applied {migration.version:03d}_{migration.name}")
    print(f"database is at migration {max(versions):03d} ({len(applied)} applied now)")
    return 0


def _run(args: argparse.Namespace) -> int:
    from core.cli.user import headless_user
    from core.story.run import run_story

    path = Path(args.story)
    if not path.is_file():
        raise InputRejected({"story": f"no such file: {args.story}"})
    narrative = decode_upload(path.name if path.suffix else f"{path.name}.txt", path.read_bytes())
    config = {
        "title": args.title or path.stem.replace("_", " ").replace("-", " ").title(),
        "target_length_min": args.min_seconds, "target_length_max": args.max_seconds,
        "project_type": args.type, "content_rating": args.rating, "genres": args.genre or [],
        "tonal_guidance": args.tone or "", "input_mode": args.mode, "narrative": narrative,
    }
    studio = boot(load_settings())
    user = headless_user(studio.db, args.user)
    progress = (lambda _: None) if args.json else print
    summary = run_story(studio, user, config, args.through, progress=progress, options=_options(args))
    report = summary.as_json()
    if args.through >= SHOT_STAGE:
        report |= _production(studio, user, summary.project_id, summary.branch_id)
    if args.through >= LAST_STAGE:
        report |= _film(studio, user, summary.project_id, summary.branch_id, _out(args, config["title"]), progress)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"project {summary.project_id} · {summary.scene_count} scenes · {summary.asset_count} assets · "
              f"spend {dollars(summary.spend)} (offline shadow price {dollars(summary.shadow_spend)})")
        if "shot_count" in report:
            print(f"{report['shot_count']} shots · {report['total_runtime']} s of film")
    return 0


def _out(args: argparse.Namespace, title: str) -> Path:
    """Where the film and its exports go: --out, else a folder named after the film in the current one."""
    from core.production.downloads import file_name

    return Path(args.out) if args.out else Path(file_name(title, "film", ""))


def _options(args: argparse.Namespace):
    from core.production.run import RunOptions

    return RunOptions(animatic=args.animatic)


def _film(studio, user, project_id, branch_id, out: Path, progress) -> dict:
    """The film assembled from every scene's clips, and every export written into `out`."""
    from core.production.exports import write_exports
    from core.production.film import assemble

    started = time.perf_counter()
    cut = assemble(studio, user.id, project_id, branch_id, inline=True)
    written = write_exports(studio, user.id, project_id, branch_id, out)
    progress(f"Film assembled: {float(cut['seconds'] or 0):.1f} s from {len(cut['parts'])} shots in "
             f"{time.perf_counter() - started:.2f}s; exports in {out}")
    for what, path in written.items():
        progress(f"  {what}: {path.name}")
    return {"film": {"seconds": float(cut["seconds"] or 0), "parts": len(cut["parts"]),
                     "missing_scenes": cut["missing_scenes"], "exports": {k: str(v) for k, v in written.items()}}}


def _production(studio, user, project_id, branch_id) -> dict:
    from core.production.run import production_summary
    from core.story.projects import ProjectRef

    return production_summary(studio, user.id, ProjectRef(project_id, branch_id))


def _continue(args: argparse.Namespace) -> int:
    """Take an existing project's branch further: the stages not yet locked, up to --through."""
    from core.production.run import run_scenes
    from core.story.projects import ProjectRef, find_branch
    from core.story.run import continue_story

    studio, user, project = _project_and_user(args)
    branch = find_branch(studio.db, user.id, project["id"], args.branch) if args.branch else None
    ref = ProjectRef(project["id"], branch["id"] if branch else project["active_branch_id"])
    progress = (lambda _: None) if args.json else print
    lines = continue_story(studio, user, ref, args.through, progress)
    if args.through >= SHOT_STAGE:
        lines += run_scenes(studio, user.id, ref, args.through, progress, _options(args))
    report = {"project_id": str(ref.project_id), "branch_id": str(ref.branch_id), "stages": lines}
    if args.through >= SHOT_STAGE:
        report |= _production(studio, user, ref.project_id, ref.branch_id)
    if args.through >= LAST_STAGE:
        report |= _film(studio, user, ref.project_id, ref.branch_id, _out(args, project["title"]), progress)
    _print(report, args.json, [f"{report.get('shot_count', 0)} shots · {report.get('total_runtime', 0)} s of film "
                               f"· spend {dollars(report.get('spend', 0))}"] if args.through >= SHOT_STAGE else [])
    return 0


def _project_and_user(args: argparse.Namespace):
    from core.cli.user import headless_user
    from core.story.projects import find_project

    studio = boot(load_settings())
    user = headless_user(studio.db, args.user)
    return studio, user, find_project(studio.db, user.id, args.project)


def _print(data: object, as_json: bool, lines: list[str]) -> None:
    print(json.dumps(data, indent=2, default=str) if as_json else "\n".join(lines))


def _branches(args: argparse.Namespace) -> int:
    from core.branches.forks import branch_tree

    studio, user, project = _project_and_user(args)
    tree = branch_tree(studio.db, user.id, project["id"])
    lines = [f"{'  ' * b['depth']}{'* ' if b['is_active'] else ''}{b['name']}  (stage {b['stage_reached'] or '-'}, "
             f"spend {dollars(b['spend_credits'])}, forked at {b['branched_at_stage'] or '-'}: {b['commit_message'] or ''})"
             for b in tree]
    _print(tree, args.json, lines)
    return 0


def _fork(args: argparse.Namespace) -> int:
    from core.branches.forks import fork
    from core.story.projects import find_branch

    studio, user, project = _project_and_user(args)
    source = find_branch(studio.db, user.id, project["id"], args.from_branch)
    branch = fork(studio.db, user.id, project["id"], source["id"], args.at_stage, args.name, args.why)
    print(f"forked {branch['name']} ({branch['id']}) from {source['name']} at stage {args.at_stage}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from core.branches.forks import compare
    from core.story.projects import find_branch

    studio, user, project = _project_and_user(args)
    a = find_branch(studio.db, user.id, project["id"], args.branch_a)
    b = find_branch(studio.db, user.id, project["id"], args.branch_b)
    result = compare(studio.db, user.id, a["id"], b["id"])
    lines = [f"stage {d.stage_number} {d.title}: {d.change.value}" for d in result.stages]
    lines += [f"{kind} {d.label}: {d.change.value} {', '.join(d.fields)}"
              for kind, diffs in (("asset", result.assets), ("scene", result.scenes), ("shot", result.shots))
              for d in diffs]
    _print(result.to_dict(), args.json, lines)
    return 0


def _cost(args: argparse.Namespace) -> int:
    from core.costs.dashboard import cost_report

    studio, user, project = _project_and_user(args)
    report = cost_report(studio.db, user.id, project["id"], args.branch, estimator=studio.engines.estimator)
    lines = [f"{key}: {value}" for key, value in report.items()]
    _print(report, args.json, lines)
    return 0


def _farm(args: argparse.Namespace) -> int:
    """What is rendering on a branch: jobs by state per scene, the workers and what each runs, throughput, ETA."""
    from core.production.farm_view import farm_view, time_left
    from core.story.projects import find_branch

    studio, user, project = _project_and_user(args)
    branch = find_branch(studio.db, user.id, project["id"], args.branch) if args.branch else None
    view = farm_view(studio, user.id, branch["id"] if branch else project["active_branch_id"])
    eta = f", {time_left(view.eta_seconds)}" if view.eta_seconds is not None else ""
    lines = [f"{view.remaining} job(s) left, {view.per_minute:.1f} done a minute{eta}"]
    lines += [f"scene {n or 'film'}: " + ", ".join(f"{count} {state}" for state, count in states.items())
              for n, states in view.scenes.items()]
    lines += [f"worker {w.name}: {w.state}" + (f" ({w.doing})" if w.doing else "") for w in view.workers]
    _print(view.as_json(), args.json, lines)
    return 0


def _project_command(commands, name: str, help_text: str, run) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=help_text)
    command.add_argument("project", help="project id or exact title")
    command.add_argument("--user", default=CLI_USER, help=f"the account that owns the project (default {CLI_USER})")
    command.set_defaults(run=run)
    return command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core", description="Aiuteur command line")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the SQL migrations in sql/ that are missing").set_defaults(run=_migrate)
    run = commands.add_parser("run", help="create a project from a story file and run stages 1..N")
    run.add_argument("story", help="a .txt, .md or .fountain file")
    run.add_argument("--mode", choices=["expand", "condense", "import"], required=True)
    last = max(s.number for s in STAGES if s.available)
    run.add_argument("--through", type=int, default=last, choices=range(1, last + 1), metavar="N",
                     help=f"last stage (1-{last})")
    run.add_argument("--title")
    run.add_argument("--user", default=CLI_USER, help=f"the account that owns the project (default {CLI_USER})")
    run.add_argument("--json", action="store_true", help="print a JSON summary only")
    run.add_argument("--out", help=f"with --through {LAST_STAGE}: the folder for the film and its exports "
                     "(default: a folder named after the film, here)")
    run.add_argument("--animatic", action="store_true", help="render clips as the free offline animatic")
    run.add_argument("--min-seconds", type=int, default=60)
    run.add_argument("--max-seconds", type=int, default=180)
    run.add_argument("--type", default="narrative", choices=["narrative", "commercial", "audio_visual"])
    run.add_argument("--rating", default="PG", choices=["G", "PG", "PG-13", "M"])
    run.add_argument("--genre", action="append")
    run.add_argument("--tone")
    run.set_defaults(run=_run)
    _project_command(commands, "branches", "the branch tree with stage reached and spend", _branches).add_argument(
        "--json", action="store_true")
    fork = _project_command(commands, "fork", "fork a branch at a stage", _fork)
    fork.add_argument("--from", dest="from_branch", default="Main", help="branch name or id (default Main)")
    fork.add_argument("--at-stage", type=int, required=True)
    fork.add_argument("--name", required=True)
    fork.add_argument("--why", required=True)
    compare = _project_command(commands, "compare", "compare two branches stage by stage", _compare)
    compare.add_argument("branch_a")
    compare.add_argument("branch_b")
    compare.add_argument("--json", action="store_true")
    farm = _project_command(commands, "farm", "what is rendering: jobs per scene, workers, throughput, ETA", _farm)
    farm.add_argument("--branch", help="branch name or id (default: the active branch)")
    farm.add_argument("--json", action="store_true")
    further = _project_command(commands, "continue", "take an existing project further, up to stage N", _continue)
    further.add_argument("--through", type=int, required=True, choices=range(1, last + 1), metavar="N",
                         help=f"last stage (1-{last})")
    further.add_argument("--branch", help="branch name or id (default: the active branch)")
    further.add_argument("--json", action="store_true")
    further.add_argument("--out", help=f"with --through {LAST_STAGE}: the folder for the film and its exports")
    further.add_argument("--animatic", action="store_true", help="render clips as the free offline animatic")
    cost = _project_command(commands, "cost", "spend by stage and provider, shadow price, projected cost", _cost)
    cost.add_argument("--branch", help="branch name or id (default: the active branch)")
    cost.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except InputRejected as exc:
        for field, message in exc.field_errors.items():
            print(f"error: {field}: {message}", file=sys.stderr)
        return 2
    except AiuteurError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if getattr(exc, "hint", ""):
            print(exc.hint, file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
