"""Branches: fork copies, deletion, the tree, timelines and what a comparison reads.

Every function takes the caller's connection; the caller owns the transaction. The fork's copy
and "stage reached" are database functions (`aiuteur_private.copy_into_fork` and `stage_reached`,
created in sql/006, where the why is written, and replaced in sql/010).
"""

from __future__ import annotations

from uuid import UUID

import psycopg


def get_branch(conn: psycopg.Connection, branch_id: UUID, *, for_share: bool = False) -> dict | None:
    """The branch; `for_share` also keeps it from being deleted until the transaction ends."""
    lock = " FOR SHARE" if for_share else ""
    return conn.execute(f"SELECT * FROM branches WHERE id = %s{lock}", [branch_id]).fetchone()


def get_branches(conn: psycopg.Connection, branch_ids: list[UUID]) -> list[dict]:
    return conn.execute("SELECT * FROM branches WHERE id = ANY(%s)", [branch_ids]).fetchall()


def find_by_name(conn: psycopg.Connection, project_id: UUID, name: str) -> dict | None:
    """The project's branch with this name, ignoring case (`main` would be confused with `Main`)."""
    return conn.execute(
        "SELECT * FROM branches WHERE project_id = %s AND lower(name) = lower(%s)", [project_id, name]
    ).fetchone()


def lock_project(conn: psycopg.Connection, project_id: UUID) -> dict | None:
    """The project row, locked until the transaction ends: switching and deleting queue here."""
    return conn.execute("SELECT * FROM projects WHERE id = %s FOR UPDATE", [project_id]).fetchone()


def stage_reached(conn: psycopg.Connection, branch_id: UUID) -> int:
    """The stage the branch has reached (`aiuteur_private.stage_reached`); 0 if none or not the user's."""
    row = conn.execute("SELECT coalesce(aiuteur_private.stage_reached(%s), 0) AS reached", [branch_id]).fetchone()
    return row["reached"]


def copy_into_fork(conn: psycopg.Connection, source: UUID, target: UUID, at_stage: int) -> dict[str, int]:
    """Copy the source's work up to `at_stage` into `target`, a fork just made of it; rows copied per table.

    One statement in `aiuteur_private.copy_into_fork` (sql/006, sql/010), which checks both branches are the
    signed-in user's and `target` is an empty fork of `source` at `at_stage`.
    """
    row = conn.execute(
        "SELECT aiuteur_private.copy_into_fork(%s, %s, %s) AS copied", [source, target, at_stage]
    ).fetchone()
    return row["copied"]


def media_keys(conn: psycopg.Connection, branch_id: UUID) -> list[str]:
    """Every media key the branch's rows use: asset and instance images, frames, clips."""
    rows = conn.execute(
        """SELECT image_key_url AS media_key FROM project_assets WHERE branch_id = %(b)s
           UNION SELECT i.image_key_url FROM scene_asset_instances i JOIN scenes sc ON sc.id = i.scene_id
                  WHERE sc.branch_id = %(b)s
           UNION SELECT f.image_url FROM frames f JOIN shots s ON s.id = f.shot_id JOIN scenes sc ON sc.id = s.scene_id
                  WHERE sc.branch_id = %(b)s
           UNION SELECT v.video_url FROM videos v JOIN shots s ON s.id = v.shot_id JOIN scenes sc ON sc.id = s.scene_id
                  WHERE sc.branch_id = %(b)s""",
        {"b": branch_id},
    ).fetchall()
    return sorted(row["media_key"] for row in rows if row["media_key"])


def keys_in_use(conn: psycopg.Connection, keys: list[str]) -> set[str]:
    """Which of `keys` any row of any user still uses (sql/006 `aiuteur_private.media_keys_in_use`)."""
    rows = conn.execute("SELECT aiuteur_private.media_keys_in_use(%s::text[]) AS media_key", [keys]).fetchall()
    return {row["media_key"] for row in rows}


def delete_branch(conn: psycopg.Connection, branch_id: UUID) -> bool:
    """Delete the branch; its stage versions, scenes, shots, frames, clips and assets cascade with it."""
    return conn.execute("DELETE FROM branches WHERE id = %s", [branch_id]).rowcount == 1


def branch_tree(conn: psycopg.Connection, project_id: UUID) -> list[dict]:
    """The project's branches depth-first (Main first, children by age) with stage reached and spend."""
    return conn.execute(
        """WITH RECURSIVE ranked AS (
                SELECT b.*, row_number() OVER (ORDER BY b.is_main DESC, b.created_at, b.id) AS rank
                  FROM branches b WHERE b.project_id = %(project)s),
           tree AS (
                SELECT r.id, ARRAY[r.rank] AS path, 0 AS depth FROM ranked r
                 WHERE r.parent_branch_id IS NULL OR r.parent_branch_id NOT IN (SELECT id FROM ranked)
                UNION ALL
                SELECT r.id, t.path || r.rank, t.depth + 1 FROM ranked r JOIN tree t ON r.parent_branch_id = t.id),
           spend AS (
                SELECT c.branch_id, sum(c.credits) AS credits, sum(c.shadow_credits) AS shadow_credits
                  FROM cost_ledger c WHERE c.project_id = %(project)s GROUP BY c.branch_id)
           SELECT r.id, r.name, parent.name AS parent_name, r.parent_branch_id, r.branched_at_stage,
                  r.commit_message, r.created_at, r.is_main, r.id = p.active_branch_id AS is_active, t.depth,
                  aiuteur_private.stage_reached(r.id) AS stage_reached,
                  coalesce(spend.credits, 0) AS spend_credits, coalesce(spend.shadow_credits, 0) AS shadow_credits
             FROM ranked r
             JOIN tree t ON t.id = r.id
             JOIN projects p ON p.id = r.project_id
             LEFT JOIN branches parent ON parent.id = r.parent_branch_id
             LEFT JOIN spend ON spend.branch_id = r.id
            ORDER BY t.path""",
        {"project": project_id},
    ).fetchall()


def timeline(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    """Every stage version of the branch by stage then version, with the branch each was inherited from."""
    return conn.execute(
        """SELECT s.id, s.stage_number, s.version, s.status, s.created_at, s.regeneration_guidance,
                  s.provider, s.model, s.cost_credits, s.inherited_from_stage_id,
                  CASE WHEN origin.branch_id <> s.branch_id THEN origin_branch.name END AS inherited_from_branch
             FROM stage_states s
             LEFT JOIN stage_states origin ON origin.id = s.inherited_from_stage_id
             LEFT JOIN branches origin_branch ON origin_branch.id = origin.branch_id
            WHERE s.branch_id = %s
            ORDER BY s.stage_number, s.version""",
        [branch_id],
    ).fetchall()


def latest_stages(conn: psycopg.Connection, branch_ids: list[UUID]) -> list[dict]:
    """The latest version of every stage on each of the branches."""
    return conn.execute(
        """SELECT DISTINCT ON (branch_id, stage_number) branch_id, stage_number, version, status, content
             FROM stage_states WHERE branch_id = ANY(%s) ORDER BY branch_id, stage_number, version DESC""",
        [branch_ids],
    ).fetchall()


def assets(conn: psycopg.Connection, branch_ids: list[UUID]) -> list[dict]:
    return conn.execute(
        """SELECT branch_id, asset_type, name, description, image_key_url FROM project_assets
            WHERE branch_id = ANY(%s) ORDER BY asset_type, name""",
        [branch_ids],
    ).fetchall()


def scenes(conn: psycopg.Connection, branch_ids: list[UUID]) -> list[dict]:
    """The live scenes of each branch, with their scene version and how many superseded versions lie under them."""
    return conn.execute(
        """SELECT sc.branch_id, sc.scene_number, sc.version, sc.slug, sc.script_excerpt, sc.status,
                  sc.end_state_summary,
                  (SELECT count(*) FROM scenes old WHERE old.branch_id = sc.branch_id
                      AND old.scene_number = sc.scene_number AND old.superseded_at IS NOT NULL) AS superseded
             FROM scenes sc
            WHERE sc.branch_id = ANY(%s) AND sc.superseded_at IS NULL ORDER BY sc.scene_number""",
        [branch_ids],
    ).fetchall()


def shots(conn: psycopg.Connection, branch_ids: list[UUID]) -> list[dict]:
    """The live shots of each branch's live scenes."""
    return conn.execute(
        """SELECT sc.branch_id, sc.scene_number, s.shot_id, s.shot_order, s.action, s.dialogue, s.duration,
                  s.camera_spec, s.setting, s.characters, s.frame_prompt, s.video_prompt
             FROM shots s JOIN scenes sc ON sc.id = s.scene_id
            WHERE sc.branch_id = ANY(%s) AND sc.superseded_at IS NULL AND s.superseded_at IS NULL
            ORDER BY sc.scene_number, s.shot_order, s.shot_id""",
        [branch_ids],
    ).fetchall()
