"""A big Phase B branch written straight into the database, and a counter of the SQL statements a call sends.

    seed_branch(studio) -> (user, ProjectRef)     200 scenes, 2,000 prompted shots, per-scene stage versions with
                                                  mixed statuses, a few frames and clips, 10,000 ledger rows
    settle(studio)                                 VACUUM ANALYZE, as autovacuum would have
    counting_statements() -> Tally                 counts psycopg executes while the `with` block runs
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg

from core.runtime.auth import LocalAuth
from core.story.projects import create_project

SCENES, SHOTS_PER_SCENE, LEDGER_ROWS = 200, 10, 10_000
# how far each scene is, by scene number modulo 10: most in progress, some finished, a few in trouble
STATUS_CYCLE = ("draft", "shot_list_ready", "shot_list_ready", "shot_list_ready", "frames_locked", "frames_locked",
                "video_complete", "shot_list_ready", "continuity_broken", "outdated")
SEED_SQL = (
    """INSERT INTO stage_states (branch_id, stage_number, version, status, content)
       SELECT %(branch)s, n, 1, 'locked', jsonb_build_object('text', repeat('words ', 400)) FROM generate_series(2, 5) n""",
    # an earlier version of the first twenty scenes, superseded: history the hub must leave out
    """INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, status, version, superseded_at)
       SELECT %(branch)s, n, 'INT. OLD ROOM ' || n || ' - DAY', 'An older draft.', 'shot_list_ready', 1, now()
         FROM generate_series(1, 20) n""",
    """INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, status, version)
       SELECT %(branch)s, n, 'INT. ROOM ' || n || ' - DAY', repeat('Mara crosses the room and opens the door. ', 12),
              (%(statuses)s::text[])[1 + n %% 10], CASE WHEN n <= 20 THEN 2 ELSE 1 END
         FROM generate_series(1, %(scenes)s) n""",
    # the first fifty scenes' shot lists are at version 2; version 1's shots stay as superseded history
    """INSERT INTO shots (scene_id, shot_id, shot_order, duration, action, setting, camera_spec, list_version,
                          superseded_at)
       SELECT s.id, s.scene_number || chr(64 + k), k, 8, 'an older shot', 'room', 'wide', 1, now()
         FROM scenes s, generate_series(1, 3) k
        WHERE s.branch_id = %(branch)s AND s.superseded_at IS NULL AND s.scene_number <= 50""",
    """INSERT INTO shots (scene_id, shot_id, shot_order, duration, action, setting, camera_spec, frame_prompt,
                          video_prompt, requires_end_frame, invalidated_at, list_version)
       SELECT s.id, s.scene_number || chr(64 + k), k, 4 + k %% 5, 'Mara acts', 'room', 'wide', 'a frame prompt',
              'a video prompt', k %% 3 = 0, CASE WHEN s.status = 'outdated' AND k <= 2 THEN now() END,
              CASE WHEN s.scene_number <= 50 THEN 2 ELSE 1 END
         FROM scenes s, generate_series(1, %(shots)s) k WHERE s.branch_id = %(branch)s AND s.superseded_at IS NULL""",
    """INSERT INTO scene_stage_versions (branch_id, scene_id, stage_number, version, status, content)
       SELECT %(branch)s, s.id, st, v,
              CASE WHEN s.status = 'draft' THEN 'draft'
                   WHEN v = 2 AND s.status = 'continuity_broken' AND st = 8 THEN 'outdated' ELSE 'locked' END,
              jsonb_build_object('scene', s.scene_number)
         FROM scenes s, generate_series(7, 9) st, generate_series(1, 2) v
        WHERE s.branch_id = %(branch)s AND s.superseded_at IS NULL
          AND (s.status <> 'draft' OR (st = 7 AND v = 1))""",
    """INSERT INTO frames (shot_id, frame_type, prompt, image_url)
       SELECT sh.id, t, 'a frame prompt', md5(sh.id::text || t) || '.png'
         FROM shots sh JOIN scenes s ON s.id = sh.scene_id, unnest(ARRAY['start', 'end']) t
        WHERE s.branch_id = %(branch)s AND s.superseded_at IS NULL AND sh.superseded_at IS NULL
          AND s.status IN ('frames_locked', 'video_complete') AND s.scene_number <= 40""",
    """INSERT INTO videos (shot_id, start_frame_id, video_prompt, video_url, status)
       SELECT f.shot_id, f.id, 'a video prompt', md5(f.id::text) || '.mp4', 'complete'
         FROM frames f JOIN shots sh ON sh.id = f.shot_id JOIN scenes s ON s.id = sh.scene_id
        WHERE s.branch_id = %(branch)s AND f.frame_type = 'start' AND s.status = 'video_complete'""",
    """INSERT INTO cost_ledger (project_id, branch_id, stage_number, scene_id, shot_id, provider, model, unit, units,
                               unit_price, credits, shadow_credits, status, idempotency_key, created_at,
                               price_book_version)
       SELECT %(project)s, %(branch)s, (ARRAY[7,8,9,10,10,12])[1 + i %% 6], sh.scene_id, sh.id,
              'google', 'gemini-2.5-flash-image', 'image', 1, 0.039, CASE WHEN i %% 4 = 3 THEN 0 ELSE 0.039 END,
              0.039, CASE WHEN i %% 4 = 3 THEN 'released' ELSE 'settled' END, 'bench:' || %(branch)s || ':' || i,
              now() - (i %% 60) * interval '1 day', 'bench'
         FROM generate_series(1, %(ledger)s) i
         JOIN (SELECT sh.id, sh.scene_id, row_number() OVER (ORDER BY sh.id) - 1 AS k
                 FROM shots sh JOIN scenes s ON s.id = sh.scene_id
                WHERE s.branch_id = %(branch)s AND sh.superseded_at IS NULL) sh
           ON sh.k = i %% (%(scenes)s * %(shots)s)""",
)


def seed_branch(studio):
    """A signed-up creator and a project whose Main branch holds the big Phase B film; statistics gathered."""
    user = LocalAuth(studio.db).sign_up("hub-bench@example.com", "a long enough secret")
    ref = create_project(studio.db, user.id, {
        "title": "Hub benchmark", "target_length_min": 1200, "target_length_max": 2400, "project_type": "narrative",
        "content_rating": "PG", "genres": ["Drama"], "tonal_guidance": "", "input_mode": "expand",
        "narrative": "A lighthouse keeper finds a message in a bottle. " * 20, "budget_credits": 50000})
    values = {"branch": ref.branch_id, "project": ref.project_id, "statuses": list(STATUS_CYCLE),
              "scenes": SCENES, "shots": SHOTS_PER_SCENE, "ledger": LEDGER_ROWS}
    with studio.db.as_user(user.id) as conn:
        for statement in SEED_SQL:
            conn.execute(statement, values)
    settle(studio)
    return user, ref


def settle(studio) -> None:
    """What autovacuum would have done by the time a creator looks: statistics and the visibility map."""
    with studio.db.pool.connection() as conn:  # autocommit: VACUUM can't run in a transaction
        conn.execute("VACUUM ANALYZE")


# what `db.database.Database.as_user` sends at the start of every transaction: identity, not the hub's reading
IDENTITY_STATEMENTS = ("SET LOCAL ROLE authenticated", "SELECT set_config('request.jwt.claims', %s, true)")


@dataclass
class Tally:
    statements: list[str] = field(default_factory=list)
    identity: int = 0

    @property
    def round_trips(self) -> int:
        return len(self.statements)


@contextmanager
def counting_statements() -> Iterator[Tally]:
    """Count every statement sent through psycopg's Connection.execute or Cursor.execute (a connection's execute
    runs a cursor's: counted once) while the block runs; as_user's identity statements are tallied apart."""
    tally, depth = Tally(), [0]
    originals = {cls: cls.execute for cls in (psycopg.Connection, psycopg.Cursor)}

    def wrap(cls):
        def execute(self, query, *args, **kwargs):
            depth[0] += 1
            try:
                if depth[0] == 1:
                    text = query if isinstance(query, str) else str(query)
                    if text in IDENTITY_STATEMENTS:
                        tally.identity += 1
                    else:
                        tally.statements.append(" ".join(text.split())[:80])
                return originals[cls](self, query, *args, **kwargs)
            finally:
                depth[0] -= 1
        return execute

    for cls in originals:
        cls.execute = wrap(cls)
    try:
        yield tally
    finally:
        for cls, original in originals.items():
            cls.execute = original
