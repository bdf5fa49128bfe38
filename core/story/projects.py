"""Projects: create one (its Main branch and Stage 1 version 1), list them, change Stage 1."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import psycopg

from core.costs.budget import as_budget, change_budget
from core.errors import EditConflict, InputRejected, NotFound, StageFrozen
from core.film.config import ProjectConfig, validate_project_config, validate_title
from core.film.statuses import StageStatus
from core.pipeline import STAGES, Stage
from core.story.versions import skipped_stages
from db import branches as branch_rows
from db import projects as project_rows
from db import stages as stage_rows
from db.database import Database

MAIN_BRANCH = "Main"


@dataclass(frozen=True)
class ProjectRef:
    project_id: UUID
    branch_id: UUID


def create_project(db: Database, user_id: UUID, raw: dict[str, object]) -> ProjectRef:
    """Validate Stage 1 input and create the project, its Main branch and Stage 1 v1 in one transaction.

    The film's configuration goes into Stage 1; the project row takes the title and the initial budget.
    """
    config = validate_project_config(raw)
    with db.as_user(user_id) as conn:
        _refuse_taken_title(conn, config.title)
        project = project_rows.insert_project(conn, {"title": config.title})
        if config.budget_credits is not None:  # the initial budget, recorded as the first change
            change_budget(conn, project["id"], as_budget(config.budget_credits))
        branch = project_rows.insert_branch(conn, project["id"], MAIN_BRANCH, is_main=True)
        project_rows.set_active_branch(conn, project["id"], branch["id"])
        stage_rows.insert_version(conn, branch["id"], 1, 1, config.stage_content(), status=StageStatus.LOCKED)
    return ProjectRef(project["id"], branch["id"])


def _refuse_taken_title(conn: psycopg.Connection, title: str, other_than: UUID | None = None) -> None:
    """One film per title per creator, so a double click or a second tab never makes two of the same."""
    holder = project_rows.title_holder(conn, title, other_than)
    if holder is not None:
        raise InputRejected({"title": f"you already have a film called “{holder['title']}”; "
                                      "open it from your films, or give this one another title"})


def rename_project(db: Database, user_id: UUID, project_id: UUID, title: str) -> dict:
    """Give a project a new title (Stage 1's history keeps the title it was created with)."""
    title = validate_title(title)
    with db.as_user(user_id) as conn:
        _refuse_taken_title(conn, title, other_than=project_id)
        renamed = project_rows.set_title(conn, project_id, title)
    if renamed is None:
        raise NotFound("That project doesn't exist or isn't yours.")
    return renamed


def delete_project(db: Database, user_id: UUID, project_id: UUID) -> str:
    """Delete a project with all its branches, versions and assets; returns its title."""
    with db.as_user(user_id) as conn:
        deleted = project_rows.delete_project(conn, project_id)
    if deleted is None:
        raise NotFound("That project doesn't exist or isn't yours.")
    return deleted["title"]


def next_step(db: Database, user_id: UUID, ref: ProjectRef) -> Stage:
    """The stage a creator works on next on this branch: the first built one not yet locked (skipping what
    an imported screenplay skips), else the last built one."""
    with db.as_user(user_id) as conn:
        skipped = skipped_stages(conn, ref.branch_id)
        built = [s for s in STAGES if s.available and s.number not in skipped]
        for spec in built:
            latest = stage_rows.latest(conn, ref.branch_id, spec.number)
            if latest is None or latest["status"] != "locked":
                return spec
    return built[-1]


def list_projects(db: Database, user_id: UUID) -> list[dict]:
    with db.as_user(user_id) as conn:
        return project_rows.list_projects(conn)


def get_project(conn: psycopg.Connection, project_id: UUID) -> dict:
    project = project_rows.get_project(conn, project_id)
    if project is None:
        raise NotFound("That project doesn't exist or isn't yours.")
    return project


def stage_one(db: Database, user_id: UUID, branch_id: UUID) -> dict:
    """The latest Stage 1 version on a branch."""
    with db.as_user(user_id) as conn:
        state = stage_rows.latest(conn, branch_id, 1)
    if state is None:
        raise NotFound("This branch has no Stage 1.")
    return state


def revise_stage_one(db: Database, user_id: UUID, ref: ProjectRef, raw: dict[str, object], seen_version: int) -> dict:
    """Save changed Stage 1 input as a new version, refused once Stage 2 has begun on the branch.

    `seen_version` is the version the creator edited; if another session saved one since, the save
    is refused with EditConflict rather than silently overwriting it. Input identical to that version
    writes nothing and returns it: a version is a change, not a press of the button. A `budget_credits`
    in `raw` changes the project's budget (recorded, as `core.costs.budget.set_budget` does); the budget is
    not part of the version. The project's title follows Main's Stage 1.
    """
    config: ProjectConfig = validate_project_config(raw)
    try:
        with db.as_user(user_id) as conn:
            if stage_rows.begun_after(conn, ref.branch_id, 1):
                raise StageFrozen("Stage 1 can't change once Stage 2 has begun. Branch the project to try other input.")
            latest = stage_rows.latest(conn, ref.branch_id, 1)
            if latest is None:  # row-level security hides other creators' branches
                raise NotFound("That project doesn't exist or isn't yours.")
            if latest["version"] != seen_version:
                raise EditConflict("Stage 1 was changed in another session; reload to see the newer version.")
            changed = _changed_fields(latest["content"], config.stage_content())
            if "budget_credits" in raw and change_budget(conn, ref.project_id, as_budget(config.budget_credits)):
                changed = sorted([*changed, "budget_credits"])
            if not set(changed) - {"budget_credits"}:
                return latest
            if "title" in changed:
                _title_follows_main(conn, ref, config.title)
            return stage_rows.insert_version(
                conn, ref.branch_id, 1, seen_version + 1, config.stage_content(),
                status=StageStatus.LOCKED, overrides={"changed": changed}, inherited_from_stage_id=latest["id"],
            )
    except psycopg.errors.UniqueViolation as exc:
        raise EditConflict("Stage 1 was changed in another session; reload to see the newer version.") from exc
    except psycopg.errors.CheckViolation as exc:
        raise InputRejected({"form": f"the database refused this input ({exc.diag.constraint_name})"}) from exc


def _title_follows_main(conn: psycopg.Connection, ref: ProjectRef, title: str) -> None:
    """Main's Stage 1 names the project; a fork's title is the fork's own."""
    branch = branch_rows.get_branch(conn, ref.branch_id)
    if branch is None or branch["project_id"] != ref.project_id:
        raise NotFound("That project doesn't exist or isn't yours.")
    if branch["is_main"]:
        project_rows.set_title(conn, ref.project_id, title)


def _changed_fields(before: dict, after: dict) -> list[str]:
    return sorted(key for key in after if before.get(key) != after.get(key))


def project_settings(db: Database, user_id: UUID, project_id: UUID) -> dict:
    """The project row (title, budget) with its active branch's Stage 1 configuration as `config`."""
    with db.as_user(user_id) as conn:
        project = project_rows.get_project_settings(conn, project_id)
    if project is None:
        raise NotFound("That project doesn't exist or isn't yours.")
    return project


def project_overview(db: Database, user_id: UUID, project_id: UUID) -> dict:
    """What the sidebar shows for a project: the row, its branches, its spend so far."""
    with db.as_user(user_id) as conn:
        return {
            "project": get_project(conn, project_id),
            "branches": project_rows.list_branches(conn, project_id),
            "spend": project_rows.project_spend(conn, project_id),
        }


def stage_one_history(db: Database, user_id: UUID, branch_id: UUID) -> list[dict]:
    with db.as_user(user_id) as conn:
        return stage_rows.versions(conn, branch_id, 1)


def stage_one_editable(db: Database, user_id: UUID, branch_id: UUID) -> bool:
    with db.as_user(user_id) as conn:
        return not stage_rows.begun_after(conn, branch_id, 1)


def find_project(db: Database, user_id: UUID, id_or_title: str) -> dict:
    """A project of the user's by id or exact title (the newest when titles repeat)."""
    for project in list_projects(db, user_id):
        if str(project["id"]) == id_or_title or project["title"] == id_or_title:
            return project
    raise NotFound(f"No project of yours is called or numbered {id_or_title!r}.")


def find_branch(db: Database, user_id: UUID, project_id: UUID, id_or_name: str) -> dict:
    """A branch of the project by id or name."""
    with db.as_user(user_id) as conn:
        branches = project_rows.list_branches(conn, project_id)
    for branch in branches:
        if str(branch["id"]) == id_or_name or branch["name"] == id_or_name:
            return branch
    raise NotFound(f"The project has no branch called {id_or_name!r}.")
