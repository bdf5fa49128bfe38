"""What the farm panel reads: a branch's render jobs (unfinished, or finished within the hour) with the scene and
shot each is for."""

from __future__ import annotations

from uuid import UUID

import psycopg

FARM_KINDS = ["frame", "frames_lock", "farm_clip", "clip", "film", "instance_image"]


def branch_jobs(conn: psycopg.Connection, branch_id: UUID) -> list[dict]:
    return conn.execute(
        """SELECT j.*, coalesce(sc_shot.scene_number, sc_clip.scene_number, sc.scene_number) AS scene_number,
                  coalesce(sh.shot_id, clip_shot.shot_id) AS shot_label
             FROM generation_jobs j
             LEFT JOIN shots sh ON sh.id = j.target_id
             LEFT JOIN scenes sc_shot ON sc_shot.id = sh.scene_id
             LEFT JOIN videos v ON v.id = j.target_id
             LEFT JOIN shots clip_shot ON clip_shot.id = v.shot_id
             LEFT JOIN scenes sc_clip ON sc_clip.id = clip_shot.scene_id
             LEFT JOIN scenes sc ON sc.id = j.target_id
            WHERE j.branch_id = %s AND j.kind = ANY(%s)
              AND (j.status IN ('queued', 'running') OR j.created_at > now() - interval '1 hour')
            ORDER BY j.created_at""", [branch_id, FARM_KINDS]).fetchall()
