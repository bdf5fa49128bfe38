"""What the cost dashboard reads: one query per view, each a single round trip. The caller owns the transaction.

    branch_context   the project, the branch in focus, its stages' statuses and its assets
    shot_progress    the branch's scenes and shots, and which frames and clips exist
    spend_summary    the ledger summed by stage, scene, branch, provider/model, day and in total,
                     one GROUPING SETS scan; each row says its `dimension`
    invalidation_log the project's invalidations, newest first, with counts and their overall totals
    ledger_csv       every ledger row as CSV, written by the server (COPY)
"""

from __future__ import annotations

from uuid import UUID

import psycopg
from psycopg import sql

from db.ledger import LedgerStatus

INVALIDATION_LOG_LIMIT = 200  # newest entries shown; the totals count them all
_LEDGER = {"released": LedgerStatus.RELEASED, "settled": LedgerStatus.SETTLED, "reserved": LedgerStatus.RESERVED}


def branch_context(conn: psycopg.Connection, project_id: UUID, branch: UUID | str | None) -> dict | None:
    """The project and one of its branches (an id, a name, or None for the active branch).

    None when the project isn't visible; `branch_id` is None when the branch isn't in it. `stages`
    maps each stage number (as text) to its latest version's `status` and content size (`chars`,
    measured as `db.snapshots` does, so projection and regeneration estimates read the same sizes).
    """
    return conn.execute(
        """SELECT p.id AS project_id, p.title, p.budget_credits,
                  (SELECT (content ->> 'target_length_max')::int FROM stage_states
                    WHERE branch_id = b.id AND stage_number = 1 AND status = 'locked'
                    ORDER BY version DESC LIMIT 1) AS target_length_max,
                  (SELECT (content ->> 'target_length_min')::int FROM stage_states
                    WHERE branch_id = b.id AND stage_number = 1 AND status = 'locked'
                    ORDER BY version DESC LIMIT 1) AS target_length_min,
                  b.id AS branch_id, b.name AS branch_name,
                  (SELECT coalesce(json_object_agg(s.stage_number,
                                                   json_build_object('status', s.status, 'chars', s.chars)), '{}')
                     FROM (SELECT DISTINCT ON (stage_number) stage_number, status, length(content::text) AS chars
                             FROM stage_states WHERE branch_id = b.id ORDER BY stage_number, version DESC) s
                  ) AS stages,
                  (SELECT length(content ->> 'narrative') FROM stage_states
                    WHERE branch_id = b.id AND stage_number = 1 ORDER BY version DESC LIMIT 1) AS narrative_chars,
                  (SELECT count(*) FROM project_assets WHERE branch_id = b.id) AS assets,
                  (SELECT count(*) FROM project_assets
                    WHERE branch_id = b.id AND image_key_url IS NULL) AS assets_without_image
             FROM projects p
             LEFT JOIN LATERAL (
                  SELECT id, name FROM branches
                   WHERE project_id = p.id
                     AND CASE WHEN %(branch)s::text IS NULL THEN id = p.active_branch_id OR is_main
                              ELSE id::text = %(branch)s::text OR name = %(branch)s::text END
                   ORDER BY id = p.active_branch_id DESC NULLS LAST, is_main DESC
                   LIMIT 1) b ON true
            WHERE p.id = %(project)s""",
        {"project": project_id, "branch": None if branch is None else str(branch)},
    ).fetchone()


def shot_progress(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    """One row per live shot of the branch's live scenes, in film order; a scene without shots is one row with a
    NULL shot.

    A frame counts when one of its type exists and isn't invalidated; a clip likewise when it is
    rendered, rendering or queued (a failed one has to be made again).
    """
    return conn.execute(
        """SELECT sc.id AS scene_id, sc.scene_number, sc.status AS scene_status,
                  length(sc.script_excerpt) AS excerpt_chars,
                  sh.id AS shot_id, sh.duration, sh.requires_end_frame,
                  sh.invalidated_at IS NOT NULL AS shot_invalidated,
                  (sh.frame_prompt IS NOT NULL AND sh.video_prompt IS NOT NULL) AS prompted,
                  EXISTS (SELECT FROM frames f WHERE f.shot_id = sh.id AND f.frame_type = 'start'
                                                 AND f.invalidated_at IS NULL AND f.superseded_at IS NULL) AS start_frame,
                  EXISTS (SELECT FROM frames f WHERE f.shot_id = sh.id AND f.frame_type = 'end'
                                                 AND f.invalidated_at IS NULL AND f.superseded_at IS NULL) AS end_frame,
                  EXISTS (SELECT FROM videos v WHERE v.shot_id = sh.id AND v.status NOT IN ('failed', 'cancelled')
                                                 AND v.invalidated_at IS NULL AND v.superseded_at IS NULL) AS clip
             FROM scenes sc
             LEFT JOIN shots sh ON sh.scene_id = sc.id AND sh.superseded_at IS NULL
            WHERE sc.branch_id = %s AND sc.superseded_at IS NULL
            ORDER BY sc.scene_number, sh.shot_order, sh.shot_id""",
        [branch_id],
    ).fetchall()


def spend_summary(conn: psycopg.Connection, project_id: UUID) -> list[dict]:
    """The project's ledger summed six ways in one scan; `dimension` is stage, scene, branch, model, day or total.

    Each row: `credits` settled, `held_credits` in open reservations, `shadow_credits` (what offline
    work would have cost online), `calls` (not released), `units` and `unit` (model rows), `entries`
    (every row, released included), and the labels of its group.
    """
    return conn.execute(
        """WITH sums AS (
             SELECT CASE WHEN GROUPING(stage_number) = 0 THEN 'stage'
                         WHEN GROUPING(scene_id) = 0 THEN 'scene'
                         WHEN GROUPING(branch_id) = 0 THEN 'branch'
                         WHEN GROUPING(provider, model, unit) = 0 THEN 'model'
                         WHEN GROUPING(day) = 0 THEN 'day'
                         ELSE 'total' END AS dimension,
                    stage_number, scene_id, branch_id, provider, model, unit, day,
                    coalesce(sum(units) FILTER (WHERE status <> %(released)s), 0) AS units,
                    coalesce(sum(credits) FILTER (WHERE status = %(settled)s), 0) AS credits,
                    coalesce(sum(credits) FILTER (WHERE status = %(reserved)s), 0) AS held_credits,
                    coalesce(sum(shadow_credits) FILTER (WHERE status <> %(released)s), 0) AS shadow_credits,
                    count(*) FILTER (WHERE status <> %(released)s) AS calls,
                    count(*) AS entries
               FROM (SELECT *, (created_at AT TIME ZONE 'UTC')::date AS day
                       FROM cost_ledger WHERE project_id = %(project)s) l
              GROUP BY GROUPING SETS ((stage_number), (scene_id), (branch_id), (provider, model, unit), (day), ()))
           -- labels join the few summed rows, not every ledger row
           SELECT sums.*, sc.scene_number, sc.slug AS scene_slug, sb.name AS scene_branch, b.name AS branch_name,
                  sc.version AS scene_version, sc.superseded_at IS NOT NULL AS scene_superseded
             FROM sums
             LEFT JOIN branches b ON b.id = sums.branch_id
             LEFT JOIN scenes sc ON sc.id = sums.scene_id
             LEFT JOIN branches sb ON sb.id = sc.branch_id
            ORDER BY dimension, stage_number NULLS LAST, provider, model, day,
                     b.is_main DESC NULLS LAST, b.name NULLS LAST,
                     sb.is_main DESC NULLS LAST, sb.name NULLS LAST, sc.scene_number NULLS LAST,
                     sc.version DESC NULLS LAST""",
        {"project": project_id, **_LEDGER},
    ).fetchall()


def invalidation_log(conn: psycopg.Connection, project_id: UUID, limit: int = INVALIDATION_LOG_LIMIT) -> list[dict]:
    """The project's invalidations, newest first, at most `limit`; `entries` and `estimated_total` cover all.

    Counts of shots, frames and clips come from the log's reason groups (`core.invalidation.changes.reason_groups`);
    `why` joins their distinct reasons (plain strings are read too).
    """
    return conn.execute(
        """SELECT il.id, il.created_at, b.name AS branch_name, il.invalidation_type,
                  coalesce(il.stage_number, ts.stage_number) AS stage_number, il.change_kind,
                  sc.scene_number,
                  cardinality(il.invalidated_stage_states) AS stage_versions,
                  cardinality(il.flagged_stage_states) AS flagged_stage_versions,
                  cardinality(il.invalidated_scenes) AS scenes,
                  r.shots, r.frames, r.clips, r.why,
                  il.estimated_regen_cost, il.estimated_shadow_cost, il.warning_acknowledged,
                  count(*) OVER () AS entries,
                  coalesce(sum(il.estimated_regen_cost) OVER (), 0) AS estimated_total,
                  sum(il.estimated_shadow_cost) OVER () AS estimated_shadow_total
             FROM invalidation_logs il
             JOIN branches b ON b.id = il.branch_id
             LEFT JOIN stage_states ts ON ts.id = il.triggering_stage_state_id
             LEFT JOIN scenes sc ON sc.id = il.scene_id
             LEFT JOIN LATERAL (
                  SELECT coalesce(sum((g -> 'counts' ->> 'shot')::int), 0) AS shots,
                         coalesce(sum((g -> 'counts' ->> 'frame')::int), 0) AS frames,
                         coalesce(sum((g -> 'counts' ->> 'clip')::int), 0) AS clips,
                         string_agg(DISTINCT coalesce(g ->> 'why', g #>> '{}'), '; ') AS why
                    FROM jsonb_array_elements(CASE jsonb_typeof(il.reasons) WHEN 'array' THEN il.reasons
                                                   ELSE '[]'::jsonb END) g) r ON true
            WHERE b.project_id = %s
            ORDER BY il.created_at DESC, il.id
            LIMIT %s""",
        [project_id, limit],
    ).fetchall()


LEDGER_CSV_COLUMNS = (
    "created", "branch", "stage", "scene", "provider", "model", "unit", "units", "unit_price", "credits",
    "shadow_credits", "status", "idempotency_key", "action", "input_tokens", "output_tokens", "price_book_version",
)


def ledger_csv(conn: psycopg.Connection, project_id: UUID) -> str:
    """Every ledger row of the project, oldest first, as CSV with a header (LEDGER_CSV_COLUMNS).

    Times are UTC (ISO 8601), money exact. Text a spreadsheet would run as a formula (a branch
    named `=SUM(...)`) is prefixed with an apostrophe.
    """
    query = sql.SQL(
        """COPY (
             SELECT to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created,
                    CASE WHEN left(b.name, 1) IN ('=', '+', '-', '@') THEN '''' || b.name ELSE b.name END AS branch,
                    l.stage_number AS stage, sc.scene_number AS scene, l.provider, l.model, l.unit,
                    trim_scale(l.units) AS units, trim_scale(l.unit_price) AS unit_price,
                    trim_scale(l.credits) AS credits, trim_scale(l.shadow_credits) AS shadow_credits,
                    l.status, l.idempotency_key, l.action, l.input_tokens, l.output_tokens, l.price_book_version
               FROM cost_ledger l
               LEFT JOIN branches b ON b.id = l.branch_id
               LEFT JOIN scenes sc ON sc.id = l.scene_id
              WHERE l.project_id = {project}
              ORDER BY l.created_at, l.id
           ) TO STDOUT WITH (FORMAT csv, HEADER)"""
    ).format(project=sql.Literal(UUID(str(project_id))))
    with conn.cursor() as cursor, cursor.copy(query) as copy:
        return b"".join(bytes(chunk) for chunk in copy).decode("utf-8")
