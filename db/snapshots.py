"""What invalidation reads about one branch, in four set-based queries whatever the film's size.

    branch_facts   the branch, its own Stage 1 target length, its asset count (optionally locking the branch)
    latest_stages  the latest version of each global stage (1-5), with the size of its content
    scenes         every live scene: status, excerpt size, whether it has shots, asset instances, prompts
    phase_b_items  the shots, frames and clips of the branch's live scenes (or of one), one row each, by `kind`

Superseded scenes (sql/011), and superseded shots, frames and clips (sql/017), are history: invalidation never
reads or marks them.

Every function takes the caller's connection; row-level security decides what the user sees, so a
branch that isn't theirs has no facts. Ids of stage versions, scenes, shots, frames and clips come
as text: a whole film's snapshot hashes and compares them tens of thousands of times, which costs
several times more with `uuid.UUID` objects (hashed in Python) than with strings.
"""

from __future__ import annotations

from uuid import UUID

import psycopg
from psycopg.rows import namedtuple_row

_FACTS = """
    SELECT b.id, b.project_id,
           (one.content ->> 'target_length_min')::int AS target_length_min,
           (one.content ->> 'target_length_max')::int AS target_length_max,
           (SELECT count(*) FROM project_assets a WHERE a.branch_id = b.id) AS asset_rows
      FROM branches b
      LEFT JOIN LATERAL (  -- the branch's own configuration: its latest locked Stage 1
           SELECT s.content FROM stage_states s
            WHERE s.branch_id = b.id AND s.stage_number = 1 AND s.status = 'locked'
            ORDER BY s.version DESC LIMIT 1) one ON true
     WHERE b.id = %s"""

# Blocks other appliers on this branch until the transaction ends; NO KEY so rows that merely
# reference the branch (new versions, scenes, logs) can still be inserted meanwhile.
_LOCK = " FOR NO KEY UPDATE OF b"


def branch_facts(conn: psycopg.Connection, branch_id: UUID, *, lock: bool = False) -> dict | None:
    """The branch with its Stage 1 target length and asset count; None if missing or not the user's."""
    return conn.execute(_FACTS + (_LOCK if lock else ""), [branch_id]).fetchone()


def latest_stages(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    """The latest version of stages 1-5: id, number, version, status, content size, assets it lists."""
    return conn.execute(
        """SELECT DISTINCT ON (stage_number)
                  id::text AS id, stage_number, version, status, length(content::text) AS content_chars,
                  CASE WHEN jsonb_typeof(content -> 'assets') = 'array'
                       THEN jsonb_array_length(content -> 'assets') ELSE 0 END AS listed_assets
             FROM stage_states
            WHERE branch_id = %s AND stage_number BETWEEN 1 AND 5
            ORDER BY stage_number, version DESC""",
        [branch_id],
    ).fetchall()


def scenes(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    """Every live scene of the branch: id, number, status, excerpt size, and whether it has shots (Stage 7),
    asset instances (8) and prompts (9). Frames and clips hang off shots, so a scene without shots has none."""
    return conn.execute(
        """WITH shot_work AS (
               SELECT sh.scene_id, bool_or(sh.frame_prompt IS NOT NULL OR sh.video_prompt IS NOT NULL) AS prompted
                 FROM shots sh JOIN scenes s ON s.id = sh.scene_id
                WHERE s.branch_id = %(branch)s AND s.superseded_at IS NULL AND sh.superseded_at IS NULL
                GROUP BY sh.scene_id)
           SELECT s.id::text AS id, s.scene_number, s.status, length(s.script_excerpt) AS excerpt_chars,
                  w.scene_id IS NOT NULL AS has_shots, coalesce(w.prompted, false) AS has_prompts,
                  EXISTS (SELECT 1 FROM scene_asset_instances i WHERE i.scene_id = s.id) AS has_instances
             FROM scenes s LEFT JOIN shot_work w ON w.scene_id = s.id
            WHERE s.branch_id = %(branch)s AND s.superseded_at IS NULL""",
        {"branch": branch_id},
    ).fetchall()


_ONE_SCENE = " AND s.id = %(scene)s::uuid"


def phase_b_items(conn: psycopg.Connection, branch_id: UUID, scene_id: UUID | str | None = None) -> list[tuple]:
    """The shots, frames and clips of the branch's live scenes, or of its one scene `scene_id`; `kind` says which.

    Rows are named tuples (`row.kind`, `row.shot_id`): a whole film is thousands of rows, and building
    a dict for each costs more than the query itself.
    """
    which = _ONE_SCENE if scene_id is not None else ""
    return conn.cursor(row_factory=namedtuple_row).execute(
        """WITH branch_shots AS (
               SELECT sh.* FROM shots sh JOIN scenes s ON s.id = sh.scene_id
                WHERE s.branch_id = %(branch)s AND s.superseded_at IS NULL AND sh.superseded_at IS NULL"""
        + which + """)
           SELECT 'shot' AS kind, id::text AS id, scene_id::text AS scene_id, NULL AS shot_id, shot_id AS label,
                  shot_order, duration, requires_end_frame, NULL AS frame_type,
                  invalidated_at IS NOT NULL AS invalidated
             FROM branch_shots
           UNION ALL
           SELECT 'frame', f.id::text, sh.scene_id::text, f.shot_id::text, NULL, NULL, NULL, NULL,
                  f.frame_type, f.invalidated_at IS NOT NULL
             FROM frames f JOIN branch_shots sh ON sh.id = f.shot_id WHERE f.superseded_at IS NULL
           UNION ALL
           SELECT 'clip', v.id::text, sh.scene_id::text, v.shot_id::text, NULL, NULL, NULL, NULL,
                  NULL, v.invalidated_at IS NOT NULL
             FROM videos v JOIN branch_shots sh ON sh.id = v.shot_id WHERE v.superseded_at IS NULL""",
        {"branch": branch_id, "scene": None if scene_id is None else str(scene_id)},
    ).fetchall()
