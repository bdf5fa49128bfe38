"""The database keeps creators apart and history intact, whatever the app code does.

User A owns a project with a row in every app table. User B, connected the way the app connects
(`as_user`: role `authenticated` plus JWT claims), must not see, change, delete or point into any of it.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg.types.json import Jsonb

from core.story.projects import create_project
from db.database import Database

pytestmark = pytest.mark.db

# A's row in each table, inserted as A. `{x}` is the id of A's row in table x (see `_world`).
A_ROWS = {
    "scenes": ("INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt) "
               "VALUES ({branches}, 1, 'EXT. REEF - DAWN', 'Mara rows out.')"),
    "shots": ("INSERT INTO shots (scene_id, shot_id, shot_order, action, setting, camera_spec) "
              "VALUES ({scenes}, '1A', 1, 'Mara rows.', 'reef', 'wide')"),
    "frames": "INSERT INTO frames (shot_id, frame_type, prompt, image_url) VALUES ({shots}, 'start', 'dawn', 'a.png')",
    "videos": ("INSERT INTO videos (shot_id, start_frame_id, video_prompt, video_url) "
               "VALUES ({shots}, {frames}, 'she rows', 'a.mp4')"),
    "global_assets": "INSERT INTO global_assets (name, asset_type, description) VALUES ('Mara', 'character', 'keeper')",
    "project_assets": ("INSERT INTO project_assets (project_id, branch_id, global_asset_id, name, asset_type, "
                       "description) VALUES ({projects}, {branches}, {global_assets}, 'Mara', 'character', 'keeper')"),
    "scene_asset_instances": ("INSERT INTO scene_asset_instances (scene_id, project_asset_id) "
                              "VALUES ({scenes}, {project_assets})"),
    "invalidation_logs": ("INSERT INTO invalidation_logs (triggering_stage_state_id, branch_id, invalidation_type) "
                          "VALUES ({stage_states}, {branches}, 'global')"),
    "cost_ledger": ("INSERT INTO cost_ledger (project_id, provider, model, unit, units, unit_price, credits, "
                    "idempotency_key) VALUES ({projects}, 'local', 'draft', 'call', 1, 0.5, 0.5, "
                    "gen_random_uuid()::text)"),
    "generation_jobs": "INSERT INTO generation_jobs (project_id, kind) VALUES ({projects}, 'worker_check')",
    "budget_changes": "INSERT INTO budget_changes (project_id, old_budget, new_budget) VALUES ({projects}, NULL, 10)",
    "scene_stage_versions": ("INSERT INTO scene_stage_versions (branch_id, scene_id, stage_number, version, content) "
                             "VALUES ({branches}, {scenes}, 7, 1, '{{}}')"),
    "film_cuts": "INSERT INTO film_cuts (branch_id) VALUES ({branches})",
    "renders": "INSERT INTO renders (project_id, branch_id, scope) VALUES ({projects}, {branches}, 'film')",
}

# A change B tries on every row of a table; each would be accepted if the rows were B's own.
B_UPDATES = {
    "projects": "title = 'stolen'",
    "branches": "name = 'stolen'",
    "stage_states": "status = 'invalidated'",
    "scenes": "slug = 'stolen'",
    "shots": "action = 'stolen'",
    "frames": "prompt = 'stolen'",
    "videos": "video_prompt = 'stolen'",
    "global_assets": "description = 'stolen'",
    "project_assets": "description = 'stolen'",
    "scene_asset_instances": "description_override = 'stolen'",
    "invalidation_logs": "warning_acknowledged = true",
    "cost_ledger": "credits = 0",
    "generation_jobs": "status = 'cancelled'",
    "budget_changes": "new_budget = 0",
    "scene_stage_versions": "regeneration_guidance = 'stolen'",
    "film_cuts": "error = 'stolen'",
    "renders": "status = 'cancelled'",
}

_LEDGER = ("INSERT INTO cost_ledger (project_id, {column}provider, model, unit, units, unit_price, credits, "
           "idempotency_key) VALUES ({project}, {value}'x', 'x', 'call', 1, 1, 1, '{key}')")


def _ledger(project: str, key: str, column: str = "", value: str = "") -> str:
    return _LEDGER.format(project=project, key=key, column=f"{column}, " if column else "",
                          value=f"{value}, " if value else "")


# B's attempts to write a row that points into A's data: A's row as the parent, or as any other
# reference. `{x}` is A's row in table x, `{b_x}` is B's own, `{user_a}` is A's user id.
B_INTRUSIONS = {
    "projects": {
        "owned by A": "INSERT INTO projects (user_id, title) VALUES ({user_a}, 'x')",
        "given to A": "UPDATE projects SET user_id = {user_a} WHERE id = {b_projects}",
        "A's branch active": "UPDATE projects SET active_branch_id = {branches} WHERE id = {b_projects}",
    },
    "branches": {
        "in A's project": "INSERT INTO branches (project_id, name) VALUES ({projects}, 'mine now')",
        "moved to A's project": "UPDATE branches SET project_id = {projects} WHERE id = {b_branches}",
        "forked from A's branch": "INSERT INTO branches (project_id, name, parent_branch_id) "
                                  "VALUES ({b_projects}, 'fork', {branches})",
    },
    "stage_states": {
        "on A's branch": "INSERT INTO stage_states (branch_id, stage_number, version, content) "
                         "VALUES ({branches}, 2, 1, '{{}}')",
        "inherited from A's version": "INSERT INTO stage_states (branch_id, stage_number, version, content, "
                                      "inherited_from_stage_id) VALUES ({b_branches}, 2, 1, '{{}}', {stage_states})",
        "created by A": "INSERT INTO stage_states (branch_id, stage_number, version, content, created_by) "
                        "VALUES ({b_branches}, 2, 1, '{{}}', {user_a})",
    },
    "scenes": {
        "on A's branch": "INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt) "
                         "VALUES ({branches}, 9, 'INT. X', 'x')",
        "ending on A's frame": "INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, end_frame_id) "
                               "VALUES ({b_branches}, 9, 'INT. X', 'x', {frames})",
        "written from A's version": "INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, "
                                    "written_from_stage_id) VALUES ({b_branches}, 9, 'INT. X', 'x', {stage_states})",
    },
    "shots": {
        "in A's scene": "INSERT INTO shots (scene_id, shot_id, shot_order, action, setting, camera_spec) "
                        "VALUES ({scenes}, '9A', 9, 'x', 'x', 'x')",
        "moved to A's scene": "UPDATE shots SET scene_id = {scenes} WHERE id = {b_shots}",
    },
    "frames": {
        "of A's shot": "INSERT INTO frames (shot_id, frame_type, prompt, image_url) VALUES ({shots}, 'end', 'x', 'x')",
        "seeded by A's frame": "INSERT INTO frames (shot_id, frame_type, prompt, image_url, prior_frame_id) "
                               "VALUES ({b_shots}, 'start', 'x', 'x', {frames})",
    },
    "videos": {
        "of A's shot": "INSERT INTO videos (shot_id, start_frame_id, video_prompt, video_url) "
                       "VALUES ({shots}, {frames}, 'x', 'x')",
        # would also stop A from ever deleting that frame, its shot or the project
        "starting on A's frame": "INSERT INTO videos (shot_id, start_frame_id, video_prompt, video_url) "
                                 "VALUES ({b_shots}, {frames}, 'x', 'x')",
        "ending on A's frame": "INSERT INTO videos (shot_id, start_frame_id, end_frame_id, video_prompt, video_url) "
                               "VALUES ({b_shots}, {b_frames}, {frames}, 'x', 'x')",
    },
    "global_assets": {
        "owned by A": "INSERT INTO global_assets (user_id, name, asset_type, description) "
                      "VALUES ({user_a}, 'x', 'prop', 'x')",
        "promoted from A's project": "INSERT INTO global_assets (name, asset_type, description, "
                                     "promoted_from_project_id) VALUES ('x', 'prop', 'x', {projects})",
    },
    "project_assets": {
        "in A's project": "INSERT INTO project_assets (project_id, branch_id, name, asset_type, description) "
                          "VALUES ({projects}, {branches}, 'x', 'prop', 'x')",
        "on A's branch": "INSERT INTO project_assets (project_id, branch_id, name, asset_type, description) "
                         "VALUES ({b_projects}, {branches}, 'x', 'prop', 'x')",
        "from A's library": "INSERT INTO project_assets (project_id, branch_id, global_asset_id, name, asset_type, "
                            "description) VALUES ({b_projects}, {b_branches}, {global_assets}, 'x', 'prop', 'x')",
    },
    "scene_asset_instances": {
        "in A's scene": "INSERT INTO scene_asset_instances (scene_id, project_asset_id) "
                        "VALUES ({scenes}, {project_assets})",
        "of A's asset": "INSERT INTO scene_asset_instances (scene_id, project_asset_id) "
                        "VALUES ({b_scenes}, {project_assets})",
        "inherited from A's scene": "INSERT INTO scene_asset_instances (scene_id, project_asset_id, "
                                    "inherited_from_scene_id) VALUES ({b_scenes}, {b_project_assets}, {scenes})",
    },
    "invalidation_logs": {
        "on A's branch": "INSERT INTO invalidation_logs (triggering_stage_state_id, branch_id, invalidation_type) "
                         "VALUES ({stage_states}, {branches}, 'global')",
        "triggered by A's version": "INSERT INTO invalidation_logs (triggering_stage_state_id, branch_id, "
                                    "invalidation_type) VALUES ({stage_states}, {b_branches}, 'global')",
    },
    "cost_ledger": {
        "charged to A's project": _ledger("{projects}", "b-1"),
        "charged to A's branch": _ledger("{b_projects}", "b-2", "branch_id", "{branches}"),
        "charged to A's scene": _ledger("{b_projects}", "b-3", "scene_id", "{scenes}"),
        "charged to A's shot": _ledger("{b_projects}", "b-4", "shot_id", "{shots}"),
        "charged to A": _ledger("{b_projects}", "b-5", "user_id", "{user_a}"),
    },
    "generation_jobs": {
        "for A's project": "INSERT INTO generation_jobs (project_id, kind) VALUES ({projects}, 'worker_check')",
        "run as A": "INSERT INTO generation_jobs (project_id, kind, user_id) "
                    "VALUES ({b_projects}, 'worker_check', {user_a})",
        "on A's branch": "INSERT INTO generation_jobs (project_id, kind, branch_id) "
                         "VALUES ({b_projects}, 'worker_check', {branches})",
    },
    "budget_changes": {
        "of A's project": "INSERT INTO budget_changes (project_id, new_budget) VALUES ({projects}, 1)",
        "moved to A's project": "UPDATE budget_changes SET project_id = {projects} WHERE id = {b_budget_changes}",
        "made by A": "INSERT INTO budget_changes (project_id, changed_by, new_budget) "
                     "VALUES ({b_projects}, {user_a}, 1)",
    },
    "scene_stage_versions": {
        "in A's scene": "INSERT INTO scene_stage_versions (branch_id, scene_id, stage_number, version, content) "
                        "VALUES ({b_branches}, {scenes}, 7, 2, '{{}}')",
        "on A's branch": "INSERT INTO scene_stage_versions (branch_id, scene_id, stage_number, version, content) "
                         "VALUES ({branches}, {b_scenes}, 7, 2, '{{}}')",
        "inherited from A's version": "INSERT INTO scene_stage_versions (branch_id, scene_id, stage_number, version, "
                                      "content, inherited_from_id) "
                                      "VALUES ({b_branches}, {b_scenes}, 7, 2, '{{}}', {scene_stage_versions})",
        "created by A": "INSERT INTO scene_stage_versions (branch_id, scene_id, stage_number, version, content, "
                        "created_by) VALUES ({b_branches}, {b_scenes}, 7, 2, '{{}}', {user_a})",
    },
    "film_cuts": {
        "on A's branch": "INSERT INTO film_cuts (branch_id) VALUES ({branches})",
        "moved to A's branch": "UPDATE film_cuts SET branch_id = {branches} WHERE id = {b_film_cuts}",
        "made by A": "INSERT INTO film_cuts (branch_id, created_by) VALUES ({b_branches}, {user_a})",
    },
    "renders": {
        "of A's project": "INSERT INTO renders (project_id, branch_id, scope) VALUES ({projects}, {branches}, 'film')",
        "on A's branch": "INSERT INTO renders (project_id, branch_id, scope) VALUES ({b_projects}, {branches}, 'film')",
        "made by A": "INSERT INTO renders (project_id, branch_id, scope, created_by) "
                     "VALUES ({b_projects}, {b_branches}, 'film', {user_a})",
        "a job of it": "INSERT INTO generation_jobs (project_id, kind, render_id) "
                       "VALUES ({b_projects}, 'worker_check', {renders})",
    },
}
INTRUSIONS = [
    pytest.param(table, statement, id=f"{table}: {what}")
    for table, attempts in B_INTRUSIONS.items()
    for what, statement in attempts.items()
]

APP_TABLES = sorted(B_UPDATES)
# B's own rows that B can't delete on their own: locked history, and a frame a clip was rendered from.
UNDELETABLE_ALONE = {"stage_states", "frames", "scenes"}  # scenes: versioned, never deleted (sql/011)
# Room the control needs before B's statements can point at B's own rows (one instance per scene and asset).
MAKE_ROOM = {"scene_asset_instances": "DELETE FROM scene_asset_instances"}


def _world(studio, user, project_input) -> dict[str, object]:
    """One row in every app table, written as `user`; returns table -> id of that row."""
    ref = create_project(studio.db, user.id, project_input)
    ids: dict[str, object] = {"projects": ref.project_id, "branches": ref.branch_id}
    with studio.db.as_user(user.id) as conn:
        ids["stage_states"] = conn.execute("SELECT id FROM stage_states WHERE branch_id = %s",
                                           [ref.branch_id]).fetchone()["id"]
        for table, statement in A_ROWS.items():
            ids[table] = conn.execute(_fill(statement, ids) + " RETURNING id").fetchone()["id"]
    return ids


def _snapshot(studio, user, table: str) -> list[dict]:
    with studio.db.as_user(user.id) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def _fill(statement: str, names: dict[str, object]) -> str:
    return statement.format(**{name: f"'{value}'" for name, value in names.items()})


@pytest.fixture
def two_creators(studio, make_user, project_input):
    """A and B, each with a row in every table; returns (a, b, a_ids, b_ids)."""
    a, b = make_user(), make_user()
    a_ids = _world(studio, a, project_input)
    b_ids = _world(studio, b, {**project_input, "title": "B's own film"})
    return a, b, a_ids, b_ids


def test_every_public_table_is_in_the_matrix_and_has_row_level_security(studio):
    with studio.db.as_service() as conn:
        tables = conn.execute("SELECT tablename, rowsecurity FROM pg_tables WHERE schemaname = 'public'").fetchall()
        policies = {row["tablename"] for row in conn.execute(
            "SELECT tablename FROM pg_policies WHERE schemaname = 'public' AND 'authenticated' = ANY(roles)")}
    names = {row["tablename"] for row in tables}
    assert names == set(APP_TABLES), "a new table needs a row in this RLS matrix (and a policy)"
    assert names == set(B_INTRUSIONS) == set(A_ROWS) | {"projects", "branches", "stage_states"}
    assert [row["tablename"] for row in tables if not row["rowsecurity"]] == []
    assert policies == names


@pytest.mark.parametrize("table", APP_TABLES)
def test_another_creator_cannot_see_change_or_delete_my_rows(studio, two_creators, table):
    a, b, a_ids, b_ids = two_creators
    before = _snapshot(studio, a, table)
    assert a_ids[table] in [row["id"] for row in before], "A sees its own row"
    with studio.db.as_user(b.id) as conn:
        seen = [row["id"] for row in conn.execute(f"SELECT id FROM {table}")]
        updated = conn.execute(f"UPDATE {table} SET {B_UPDATES[table]} WHERE id = %s", [a_ids[table]]).rowcount
        deleted = conn.execute(f"DELETE FROM {table} WHERE id = %s", [a_ids[table]]).rowcount
    assert a_ids[table] not in seen and b_ids[table] in seen
    assert (updated, deleted) == (0, 0)
    assert _snapshot(studio, a, table) == before


@pytest.mark.parametrize("table", APP_TABLES)
def test_sweeping_statements_only_touch_my_own_rows(studio, two_creators, table):
    a, b, a_ids, b_ids = two_creators
    before = _snapshot(studio, a, table)
    with studio.db.as_user(b.id) as conn:
        assert conn.execute(f"UPDATE {table} SET {B_UPDATES[table]}").rowcount == 1  # B's own row only
    if table not in UNDELETABLE_ALONE:
        with studio.db.as_user(b.id) as conn:
            assert conn.execute(f"DELETE FROM {table}").rowcount >= 1
    assert _snapshot(studio, a, table) == before


@pytest.mark.parametrize(("table", "statement"), INTRUSIONS)
def test_another_creator_cannot_write_into_my_data(studio, two_creators, table, statement):
    a, b, a_ids, b_ids = two_creators
    names = {**a_ids, **{f"b_{t}": i for t, i in b_ids.items()}, "user_a": a.id}
    before = _snapshot(studio, a, table)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with studio.db.as_user(b.id) as conn:
            conn.execute(_fill(statement, names))
    assert _snapshot(studio, a, table) == before


@pytest.mark.parametrize(("table", "statement"), INTRUSIONS)
def test_the_same_writes_pointing_at_my_own_rows_are_accepted(studio, two_creators, table, statement):
    """The control for the refusals above: they are about whose rows, not about the statements."""
    a, b, a_ids, b_ids = two_creators
    own = {**b_ids, **{f"b_{t}": i for t, i in b_ids.items()}, "user_a": b.id}
    with studio.db.as_user(b.id) as conn, conn.transaction(force_rollback=True):
        if table in MAKE_ROOM:
            conn.execute(MAKE_ROOM[table])
        assert conn.execute(_fill(statement, own)).rowcount == 1


def test_rows_written_together_may_point_at_each_other(studio, two_creators):
    """A fork copies frames in one statement, each seeded by a copy made by that same statement."""
    a, b, a_ids, b_ids = two_creators
    first, second = uuid.uuid4(), uuid.uuid4()
    with studio.db.as_user(a.id) as conn:
        conn.execute(
            """INSERT INTO frames (id, shot_id, frame_type, prompt, image_url, prior_frame_id)
               VALUES (%(second)s, %(shot)s, 'end', 'dusk', 'b.png', %(first)s),
                      (%(first)s, %(shot)s, 'start', 'dawn', 'a.png', NULL)""",
            {"first": first, "second": second, "shot": a_ids["shots"]},
        )
    assert [row["prior_frame_id"] for row in _snapshot(studio, a, "frames") if row["id"] == second] == [first]


def test_a_creator_cannot_read_the_accounts_table(studio, make_user):
    a = make_user()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with studio.db.as_user(a.id) as conn:
            conn.execute("SELECT email, encrypted_password FROM auth.users")


def test_a_deleted_project_takes_its_rows_in_every_table(studio, two_creators):
    a, b, a_ids, b_ids = two_creators
    with studio.db.as_user(a.id) as conn:
        assert conn.execute("DELETE FROM projects WHERE id = %s", [a_ids["projects"]]).rowcount == 1
    with studio.db.as_service() as conn:  # the owner sees every row, orphans included
        left = {t: conn.execute(f"SELECT count(*) AS n FROM {t} WHERE id = %s", [a_ids[t]]).fetchone()["n"]
                for t in APP_TABLES if t != "global_assets"}  # the library outlives a project
    assert set(left.values()) == {0}
    assert _snapshot(studio, b, "projects")[0]["id"] == b_ids["projects"]


# --- identity on pooled connections -------------------------------------------------------------


@pytest.fixture
def one_connection_pool(studio, service_urls):
    pool = Database(service_urls["database"], max_size=1)
    yield pool
    pool.close()


def _identity(conn) -> dict:
    return conn.execute(
        """SELECT current_setting('request.jwt.claims', true) AS claims, auth.uid() AS uid,
                  current_user, session_user, pg_backend_pid() AS pid"""
    ).fetchone()


def _assert_anonymous(identity: dict) -> None:
    assert identity["claims"] in (None, ""), "claims never outlive their transaction"
    assert identity["uid"] is None
    assert identity["current_user"] == identity["session_user"], "back to the login role"
    assert identity["current_user"] != "authenticated"


def test_identity_never_outlives_its_transaction_on_a_pooled_connection(one_connection_pool, make_user,
                                                                         project_input):
    a, b = make_user(), make_user()
    ref = create_project(one_connection_pool, a.id, project_input)
    with one_connection_pool.as_user(a.id) as conn:
        as_a = _identity(conn)
        assert [row["id"] for row in conn.execute("SELECT id FROM projects")] == [ref.project_id]
    with one_connection_pool.as_user(b.id) as conn:
        as_b = _identity(conn)
        assert conn.execute("SELECT id FROM projects").fetchall() == []
        assert conn.execute("SELECT id FROM stage_states").fetchall() == []
    with one_connection_pool.pool.connection() as conn:
        plain = _identity(conn)
    assert as_a["pid"] == as_b["pid"] == plain["pid"], "one connection served all three"
    assert (as_a["uid"], as_b["uid"]) == (a.id, b.id)
    assert as_a["current_user"] == as_b["current_user"] == "authenticated"
    _assert_anonymous(plain)
    login = psycopg.conninfo.conninfo_to_dict(one_connection_pool.url).get("user")
    assert plain["current_user"] == (login or plain["session_user"])


@pytest.mark.parametrize("failure", ["python", "sql"])
def test_identity_is_dropped_after_a_failed_transaction(one_connection_pool, make_user, project_input, failure):
    a = make_user()
    create_project(one_connection_pool, a.id, project_input)
    with pytest.raises((RuntimeError, psycopg.errors.DivisionByZero)):
        with one_connection_pool.as_user(a.id) as conn:
            if failure == "python":
                raise RuntimeError("a page crashed mid-request")
            conn.execute("SELECT 1 / 0")
    with one_connection_pool.pool.connection() as conn:
        _assert_anonymous(_identity(conn))
        assert conn.execute("SELECT count(*) AS n FROM projects").fetchone()["n"] == 1  # the owner sees all
    with one_connection_pool.as_user(a.id) as conn:
        assert _identity(conn)["uid"] == a.id, "the connection is still usable"


# --- immutable history --------------------------------------------------------------------------


def _stage_one(studio, user, ref) -> dict:
    with studio.db.as_user(user.id) as conn:
        return conn.execute("SELECT * FROM stage_states WHERE branch_id = %s AND version = 1",
                            [ref.branch_id]).fetchone()


@pytest.fixture
def locked_stage(studio, make_user, project_input):
    """A creator and their project, whose Stage 1 version 1 is locked."""
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    assert _stage_one(studio, user, ref)["status"] == "locked"
    return user, ref


REWRITES = {
    "content": ("content = %s", Jsonb({"narrative": "rewritten"})),
    "final_prompt": ("final_prompt = %s", "a different prompt"),
    "version": ("version = %s", 7),
    "prompt_template_version": ("prompt_template_version = %s", "v99"),
}


@pytest.mark.parametrize("column", REWRITES)
def test_a_locked_version_cannot_be_rewritten(studio, locked_stage, column):
    user, ref = locked_stage
    before = _stage_one(studio, user, ref)
    assignment, value = REWRITES[column]
    with pytest.raises(psycopg.errors.RaiseException, match="locked"):
        with studio.db.as_user(user.id) as conn:
            conn.execute(f"UPDATE stage_states SET {assignment} WHERE id = %s", [value, before["id"]])
    assert _stage_one(studio, user, ref) == before


def test_a_locked_version_cannot_be_deleted(studio, locked_stage):
    user, ref = locked_stage
    before = _stage_one(studio, user, ref)
    with pytest.raises(psycopg.errors.RaiseException, match="locked"):
        with studio.db.as_user(user.id) as conn:
            conn.execute("DELETE FROM stage_states WHERE id = %s", [before["id"]])
    assert _stage_one(studio, user, ref) == before


def test_a_locked_version_can_be_invalidated_but_stays_history(studio, locked_stage):
    user, ref = locked_stage
    before = _stage_one(studio, user, ref)
    with studio.db.as_user(user.id) as conn:
        conn.execute("UPDATE stage_states SET status = 'invalidated' WHERE id = %s", [before["id"]])
    assert _stage_one(studio, user, ref) == {**before, "status": "invalidated"}
    # Invalidating must not open a back door: the content, the row and its lock stay as they were.
    attempts = [
        ("UPDATE stage_states SET content = %s WHERE id = %s", [Jsonb({"narrative": "rewritten"}), before["id"]]),
        ("UPDATE stage_states SET status = 'draft' WHERE id = %s", [before["id"]]),
        ("DELETE FROM stage_states WHERE id = %s", [before["id"]]),
    ]
    for statement, params in attempts:
        with pytest.raises(psycopg.errors.RaiseException):
            with studio.db.as_user(user.id) as conn:
                conn.execute(statement, params)
    assert _stage_one(studio, user, ref) == {**before, "status": "invalidated"}


def test_a_draft_version_can_be_locked(studio, locked_stage):
    user, ref = locked_stage
    with studio.db.as_user(user.id) as conn:
        draft = conn.execute(
            "INSERT INTO stage_states (branch_id, stage_number, version, content) VALUES (%s, 2, 1, '{}') RETURNING id",
            [ref.branch_id]).fetchone()["id"]
        conn.execute("UPDATE stage_states SET status = 'locked' WHERE id = %s", [draft])
        assert conn.execute("SELECT status FROM stage_states WHERE id = %s", [draft]).fetchone()["status"] == "locked"


@pytest.mark.parametrize("whole", ["projects", "branches"])
def test_deleting_a_whole_project_or_branch_takes_its_locked_history(studio, locked_stage, whole):
    user, ref = locked_stage
    target = ref.project_id if whole == "projects" else ref.branch_id
    with studio.db.as_user(user.id) as conn:
        assert conn.execute(f"DELETE FROM {whole} WHERE id = %s", [target]).rowcount == 1
    with studio.db.as_user(user.id) as conn:
        assert conn.execute("SELECT count(*) AS n FROM stage_states").fetchone()["n"] == 0
