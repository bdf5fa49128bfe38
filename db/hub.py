"""What the script hub (Stage 6) reads about every live scene of a branch, set-based: a handful of queries whatever
the film's size (db.cost_views gives the branch's stages and its shots' progress)."""

from __future__ import annotations

from uuid import UUID

import psycopg

from db.ledger import LedgerStatus

EXCERPT_CHARS = 240


def hub_scenes(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    """Each live scene: number, slug, the start of its text, status, live shots and seconds, and the status of
    the latest version of each of its per-scene stages ({"7": "locked", ...})."""
    return conn.execute(
        """WITH live AS (SELECT * FROM scenes WHERE branch_id = %(branch)s AND superseded_at IS NULL),
                shot_sums AS (
                    SELECT sh.scene_id, count(*) AS shots, coalesce(sum(sh.duration), 0) AS seconds,
                           count(*) FILTER (WHERE sh.invalidated_at IS NOT NULL) AS invalidated_shots
                      FROM shots sh JOIN live ON live.id = sh.scene_id WHERE sh.superseded_at IS NULL
                     GROUP BY sh.scene_id),
                latest AS (
                    SELECT DISTINCT ON (v.scene_id, v.stage_number) v.scene_id, v.stage_number, v.status
                      FROM scene_stage_versions v JOIN live ON live.id = v.scene_id
                     ORDER BY v.scene_id, v.stage_number, v.version DESC),
                stages AS (SELECT scene_id, json_object_agg(stage_number, status) AS stages FROM latest GROUP BY scene_id)
           SELECT live.id, live.scene_number, live.slug, left(live.script_excerpt, %(chars)s) AS excerpt,
                  length(live.script_excerpt) > %(chars)s AS excerpt_cut, live.status,
                  coalesce(s.shots, 0) AS shots, coalesce(s.seconds, 0) AS seconds,
                  coalesce(s.invalidated_shots, 0) AS invalidated_shots, coalesce(st.stages, '{}'::json) AS stages
             FROM live LEFT JOIN shot_sums s ON s.scene_id = live.id LEFT JOIN stages st ON st.scene_id = live.id
            ORDER BY live.scene_number""",
        {"branch": branch_id, "chars": EXCERPT_CHARS}).fetchall()


def scene_spend(conn: psycopg.Connection, branch_id: UUID) -> dict[UUID, dict]:
    """Settled spend (and its offline shadow price) per live scene of the branch."""
    rows = conn.execute(
        """SELECT l.scene_id, sum(l.credits) AS credits, sum(l.shadow_credits) AS shadow_credits
             FROM cost_ledger l JOIN scenes sc ON sc.id = l.scene_id
            WHERE sc.branch_id = %s AND sc.superseded_at IS NULL AND l.status = %s
            GROUP BY l.scene_id""", [branch_id, LedgerStatus.SETTLED]).fetchall()
    return {row["scene_id"]: row for row in rows}
