"""Git-style branches: fork at a stage with a message, switch, delete, the tree and a timeline.

A fork starts with everything its source holds up to the fork stage: every version of those
stages (numbers, statuses and provenance kept, each pointing at the version it came from), and
from Stage 5 on the assets, from 6 the scenes (every scene version, superseded ones too, sql/011), 7 shots, 8 scene asset
instances, 10 frames and 12 clips. Media is shared by key, never copied. A scene or shot never claims work the fork
doesn't carry (a `video_complete` scene forked at Stage 7 is `shot_list_ready`). Spend stays in
the ledger of the branch that spent it. A fork never switches the project to itself;
`switch_branch` does. The copy is one statement in the database (sql/006 `copy_into_fork`).

Deleting refuses Main and the active branch (switch first: a deletion never moves the project
somewhere the creator didn't choose). It returns the media keys nothing uses any more, for a
garbage collector to remove; it never deletes files itself. `compare` lives in
`core.branches.compare`.
"""

from __future__ import annotations

import re
from uuid import UUID

import psycopg

from core.branches.compare import BranchComparison, compare, stage_text  # noqa: F401  (the public API)
from core.errors import InputRejected, NotFound, StageFrozen, StageNotReady
from core.pipeline import stage
from db import branches as branch_rows
from db import projects as project_rows
from db import scenes as scene_rows
from db.database import Database

NAME_MAX = 100
WHY_MAX = 500
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BranchProtected(StageFrozen):
    """A branch that can't be deleted: Main, or the branch the project is on."""


def fork(
    db: Database, user_id: UUID, project_id: UUID, from_branch_id: UUID, at_stage: int, name: str, why: str
) -> dict:
    """Create a branch from `from_branch_id` holding its work up to and including `at_stage`.

    Raises InputRejected (`name`, `why`, `at_stage`) for bad input or a name the project already
    uses, NotFound for a branch that isn't the user's or isn't in the project, and StageNotReady
    when the source hasn't reached `at_stage`. Nothing is written when it raises.

    Returns:
        The new branch row.
    """
    name, why = _validate_fork(name, why, at_stage)
    with db.as_user(user_id) as conn:
        source = _branch_of(conn, project_id, from_branch_id, for_share=True)  # not deleted while copied
        _require_reached(conn, source, at_stage)
        branch = _insert_branch(conn, source, at_stage, name, why)
        branch_rows.copy_into_fork(conn, source["id"], branch["id"], at_stage)
    return branch


def _validate_fork(name: str, why: str, at_stage: int) -> tuple[str, str]:
    errors = {}
    name, why = (name or "").strip(), (why or "").strip()
    if not 1 <= len(name) <= NAME_MAX:
        errors["name"] = f"a branch name is 1 to {NAME_MAX} characters"
    elif _CONTROL.search(name):
        errors["name"] = "a branch name is one line of plain text"
    if not 1 <= len(why) <= WHY_MAX:
        errors["why"] = f"say why you are branching, in 1 to {WHY_MAX} characters"
    if not isinstance(at_stage, int) or isinstance(at_stage, bool) or not 1 <= at_stage <= 12:
        errors["at_stage"] = "fork at a stage from 1 to 12"
    if errors:
        raise InputRejected(errors)
    return name, why


def _branch_of(conn: psycopg.Connection, project_id: UUID, branch_id: UUID, *, for_share: bool = False) -> dict:
    branch = branch_rows.get_branch(conn, branch_id, for_share=for_share)
    if branch is None or branch["project_id"] != project_id:
        raise NotFound("That branch doesn't exist in this project, or isn't yours.")
    return branch


def _require_reached(conn: psycopg.Connection, source: dict, at_stage: int) -> None:
    reached = branch_rows.stage_reached(conn, source["id"])
    if at_stage > reached:
        where = f"Stage {stage(reached).label}" if reached else "no stage yet"
        raise StageNotReady(
            f"{source['name']} has reached {where}; fork at a stage it has reached, not Stage {at_stage}.",
            at_stage,
        )


def _insert_branch(conn: psycopg.Connection, source: dict, at_stage: int, name: str, why: str) -> dict:
    taken = branch_rows.find_by_name(conn, source["project_id"], name)
    if taken is not None:
        raise InputRejected({"name": f"this project already has a branch named {taken['name']!r}; pick another name"})
    try:
        with conn.transaction():  # a savepoint: losing a race for the name is the same clear error
            return project_rows.insert_branch(
                conn, source["project_id"], name,
                parent_branch_id=source["id"], branched_at_stage=at_stage, commit_message=why,
            )
    except psycopg.errors.UniqueViolation as exc:
        raise InputRejected({"name": f"this project already has a branch named {name!r}; pick another name"}) from exc


def switch_branch(db: Database, user_id: UUID, project_id: UUID, branch_id: UUID) -> dict:
    """Make `branch_id` the project's active branch; every page follows it. Returns the branch row."""
    with db.as_user(user_id) as conn:
        branch_rows.lock_project(conn, project_id)  # first: a branch deleted meanwhile is then NotFound
        branch = _branch_of(conn, project_id, branch_id)
        project_rows.set_active_branch(conn, project_id, branch_id)
    return branch


def delete_branch(db: Database, user_id: UUID, project_id: UUID, branch_id: UUID) -> list[str]:
    """Delete a branch and everything on it; its child branches live on without a parent.

    Raises BranchProtected for Main or the active branch (switch first), NotFound for a branch
    that isn't the user's or isn't in the project.

    Returns:
        The branch's media keys that no row of any branch, project or user uses any more, sorted:
        a garbage collector may remove those files. Nothing is deleted from storage here.
    """
    with db.as_user(user_id) as conn:
        project = branch_rows.lock_project(conn, project_id)  # a concurrent switch waits for the delete
        if project is None:
            raise NotFound("That project doesn't exist or isn't yours.")
        branch = _branch_of(conn, project_id, branch_id)
        if branch["is_main"]:
            raise BranchProtected(f"{branch['name']} is the project's main line and can't be deleted.")
        if project["active_branch_id"] == branch["id"]:
            raise BranchProtected(
                f"{branch['name']} is the active branch; switch to another branch before deleting it."
            )
        keys = branch_rows.media_keys(conn, branch["id"])
        branch_rows.delete_branch(conn, branch["id"])
        return sorted(set(keys) - branch_rows.keys_in_use(conn, keys)) if keys else []


def branch_tree(db: Database, user_id: UUID, project_id: UUID) -> list[dict]:
    """The project's branches, parents before children (one query).

    Returns:
        Rows with id, name, parent_name, parent_branch_id, branched_at_stage, commit_message,
        created_at, is_main, is_active, depth (0 for a root), stage_reached, spend_credits and
        shadow_credits (the shadow price of offline work).
    """
    with db.as_user(user_id) as conn:
        rows = branch_rows.branch_tree(conn, project_id)
    if not rows:  # every project has Main: no rows means no project the user can see
        raise NotFound("That project doesn't exist or isn't yours.")
    return rows


def timeline(db: Database, user_id: UUID, branch_id: UUID) -> list[dict]:
    """Every stage version of a branch in stage then version order.

    Returns:
        Rows with id, stage_number, version, status, created_at, regeneration_guidance, provider,
        model, cost_credits, inherited_from_stage_id and inherited_from_branch (the name of the
        branch a forked version came from, else None).
    """
    with db.as_user(user_id) as conn:
        if branch_rows.get_branch(conn, branch_id) is None:
            raise NotFound("That branch doesn't exist or isn't yours.")
        return branch_rows.timeline(conn, branch_id)


def scene_history(db: Database, user_id: UUID, branch_id: UUID) -> list[dict]:
    """Every scene version of a branch, newest first; superseded ones keep their work and spend.

    Returns:
        Rows with id, version, scene_number, slug, status, created_at, superseded_at, live, and the
        counts of shots, frames, clips and asset instances made for it and its settled spend_credits.
    """
    with db.as_user(user_id) as conn:
        if branch_rows.get_branch(conn, branch_id) is None:
            raise NotFound("That branch doesn't exist or isn't yours.")
        return scene_rows.scene_history(conn, branch_id)
