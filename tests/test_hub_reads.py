"""The script hub's figures read from the database: live shots only, settled spend only, the warnings and next step
each scene's versions call for, in a handful of statements whatever the film's size."""

from __future__ import annotations

from decimal import Decimal

import pytest

from benchmarks.big_branch import counting_statements
from core.production.hub import script_hub
from core.story.projects import create_project

pytestmark = pytest.mark.db

# scene 1 was rewritten (its version 1 is superseded, with spend of its own) and its shot list redone (list 1's
# shots superseded); one live shot was invalidated; its visual definition's latest version is outdated.
# Scene 2 is untouched. Scene 3's continuity broke.
FILM_SQL = (
    """INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, status, version, superseded_at)
       VALUES (%(branch)s, 1, 'INT. OLD KITCHEN - DAY', 'The first draft.', 'shot_list_ready', 1, now())""",
    """INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, status, version) VALUES
       (%(branch)s, 1, 'INT. KITCHEN - DAY', 'Mara scrubs the table.', 'shot_list_ready', 2),
       (%(branch)s, 2, 'EXT. MARSH PATH - DUSK', 'Reeds hiss.', 'draft', 2),
       (%(branch)s, 3, 'INT. BOATHOUSE - NIGHT', 'Tomas drips on the slipway.', 'continuity_broken', 2)""",
    """INSERT INTO shots (scene_id, shot_id, shot_order, duration, action, setting, camera_spec, list_version,
                          superseded_at, invalidated_at)
       SELECT s.id, v.shot, v.n, v.seconds, 'acts', 'kitchen', 'wide', v.list, v.gone, v.invalid
         FROM scenes s, (VALUES ('1A', 1, 8, 1, now(), NULL::timestamptz), ('1B', 2, 8, 1, now(), NULL),
                                ('1A', 1, 8, 2, NULL, NULL), ('1B', 2, 6, 2, NULL, now()), ('1C', 3, 4, 2, NULL, NULL))
              AS v(shot, n, seconds, list, gone, invalid)
        WHERE s.branch_id = %(branch)s AND s.scene_number = 1 AND s.superseded_at IS NULL""",
    """INSERT INTO shots (scene_id, shot_id, shot_order, duration, action, setting, camera_spec)
       SELECT id, '3A', 1, 8, 'drips', 'boathouse', 'wide' FROM scenes
        WHERE branch_id = %(branch)s AND scene_number = 3""",
    """INSERT INTO scene_stage_versions (branch_id, scene_id, stage_number, version, status, content)
       SELECT %(branch)s, s.id, v.stage, v.version, v.status, '{}'::jsonb
         FROM scenes s JOIN (VALUES (1, 7, 1, 'locked'), (1, 7, 2, 'locked'), (1, 8, 1, 'locked'),
                                    (1, 8, 2, 'outdated'), (3, 7, 1, 'locked'), (3, 8, 1, 'locked'), (3, 9, 1, 'draft'))
              AS v(scene, stage, version, status) ON v.scene = s.scene_number
        WHERE s.branch_id = %(branch)s AND s.superseded_at IS NULL""",
    """INSERT INTO cost_ledger (project_id, branch_id, stage_number, scene_id, provider, model, unit, units, unit_price,
                               credits, shadow_credits, status, idempotency_key, price_book_version)
       SELECT %(project)s, %(branch)s, 7, s.id, 'google', 'gemini', 'image', 1, v.credits, v.credits, v.shadow,
              v.status, 'test:' || v.key, 'test'
         FROM scenes s JOIN (VALUES (1, 2, 0.5, 0.1, 'settled'), (2, 2, 0.25, 0, 'settled'),
                                    (3, 2, 0, 0.3, 'released'), (4, 1, 2.0, 0, 'settled'))
              AS v(key, version, credits, shadow, status) ON v.version = s.version
        WHERE s.branch_id = %(branch)s AND s.scene_number = 1""",
)


@pytest.fixture
def film(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    with studio.db.as_user(user.id) as conn:
        for statement in FILM_SQL:
            conn.execute(statement, {"branch": ref.branch_id, "project": ref.project_id})
    return user, ref


def _hub(studio, film):
    user, ref = film
    return script_hub(studio, user.id, ref.project_id, ref.branch_id)


def test_the_hub_lists_live_scenes_with_their_live_shots_and_settled_spend(studio, film):
    hub = _hub(studio, film)
    rows = [(s.number, s.slug, s.shots, s.seconds, s.spent, s.shadow_spent) for s in hub.scenes]
    assert rows == [(1, "INT. KITCHEN - DAY", 3, 18, Decimal("0.75"), Decimal("0.1")),
                    (2, "EXT. MARSH PATH - DUSK", 0, 0, 0, 0),
                    (3, "INT. BOATHOUSE - NIGHT", 1, 8, 0, 0)]
    assert hub.runtime == 26


@pytest.mark.parametrize("number, warnings, next_stage", [
    (1, ("Stage 8 is out of date with an earlier stage of this scene.",
         "1 shot(s) were invalidated by a change above."), 8),
    (2, (), 7),
    (3, ("An earlier scene's end state changed: its carried tags may no longer hold here.",), 8),
])
def test_each_scene_says_what_is_wrong_and_what_comes_next(studio, film, number, warnings, next_stage):
    scene = next(s for s in _hub(studio, film).scenes if s.number == number)
    assert scene.warnings == warnings
    assert scene.next_stage.number == next_stage


def test_the_hub_reads_in_a_few_statements_whatever_the_films_size(studio, film):
    with counting_statements() as small:
        _hub(studio, film)
    user, ref = film
    with studio.db.as_user(user.id) as conn:
        conn.execute("""INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, status, version)
                        SELECT %s, n, 'INT. ROOM - DAY', 'More.', 'draft', 2 FROM generate_series(4, 60) n""",
                     [ref.branch_id])
    with counting_statements() as large:
        hub = _hub(studio, film)
    assert len(hub.scenes) == 60
    assert large.round_trips == small.round_trips <= 5
    assert large.identity == 2  # as_user's role and claims, once per transaction
