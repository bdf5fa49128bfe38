"""What the script hub (Stage 6) reads about every live scene of a branch, set-based: one query whatever the film's
size (db.cost_views gives the branch's stages and its shots' progress, from which the hub counts each scene's shots).

Each scene's stage statuses and spend are looked up by the scene's id (LATERAL, through the indexes on
`scene_stage_versions (scene_id, stage_number, version)` and sql/018's covering index on the ledger), so the
read grows with the branch, not with every version and ledger row the creator owns across all branches.
"""

from __future__ import annotations

from uuid import UUID

import psycopg

from db.ledger import LedgerStatus

EXCERPT_CHARS = 240


def hub_scenes(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    """Each live scene in order: number, slug, the start of its text, status, the status of the latest version of
    each of its per-scene stages ({"7": "locked", ...}), and its settled spend (`credits`, `shadow_credits`, NULL
    when it has none)."""
    return conn.execute(
        """SELECT sc.id, sc.scene_number, sc.slug, left(sc.script_excerpt, %(chars)s) AS excerpt,
                  length(sc.script_excerpt) > %(chars)s AS excerpt_cut, sc.status,
                  coalesce(st.stages, '{}'::json) AS stages, spend.credits, spend.shadow_credits
             FROM scenes sc
             LEFT JOIN LATERAL (
                  SELECT json_object_agg(latest.stage_number, latest.status) AS stages
                    FROM (SELECT DISTINCT ON (v.stage_number) v.stage_number, v.status
                            FROM scene_stage_versions v WHERE v.scene_id = sc.id
                           ORDER BY v.stage_number, v.version DESC) latest) st ON true
             LEFT JOIN LATERAL (
                  SELECT sum(l.credits) AS credits, sum(l.shadow_credits) AS shadow_credits
                    FROM cost_ledger l WHERE l.scene_id = sc.id AND l.status = %(settled)s) spend ON true
            WHERE sc.branch_id = %(branch)s AND sc.superseded_at IS NULL
            ORDER BY sc.scene_number""",
        {"branch": branch_id, "chars": EXCERPT_CHARS, "settled": LedgerStatus.SETTLED}).fetchall()
