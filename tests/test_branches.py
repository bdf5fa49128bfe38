"""Branches on the real database: fork, switch, delete, the tree, timelines and compare."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import psycopg
import pytest

from core.branches import forks as branches
from core.branches.compare import RowChange, StageChange, stage_text
from core.errors import InputRejected, NotFound, StageFrozen, StageNotReady
from core.story.projects import create_project
from db import branches as branch_rows
from db import stages as stage_rows

pytestmark = pytest.mark.db

TREATMENT = {"prose_treatment": "Mara finds the bottle.\nShe rows out at dawn.", "selected_variant": 0}
BEATS = {"beats": [
    {"id": "b2", "order": 2, "text": "She rows to the reef.", "manually_edited": False},
    {"id": "b1", "order": 1, "text": "A bottle washes up.", "manually_edited": False},
]}
SCRIPT = {"formatted_script": "EXT. REEF - DAWN\n\nMara rows.", "scenes": []}
CONTENT = {2: TREATMENT, 3: BEATS, 4: SCRIPT}
ASSETS = (("character", "Mara", "keeper, forties", "mara.png"), ("location", "Reef", "black rocks", "reef.png"))
BRANCH_TABLES = ("stage_states", "project_assets", "scenes", "shots", "scene_asset_instances", "frames", "videos")


@pytest.fixture
def film(studio, make_user, project_input):
    """A creator and a project; returns (user, project ref). Stage 1 v1 is on Main."""
    user = make_user()
    return user, create_project(studio.db, user.id, project_input)


def _build_stages(studio, user, branch_id, upto: int) -> None:
    """Stages 2..upto on the branch, locked; Stage 2 has a second, draft version with provenance."""
    with studio.db.as_user(user.id) as conn:
        for number in range(2, upto + 1):
            stage_rows.insert_version(conn, branch_id, number, 1, CONTENT.get(number, {"stage": number}),
                                      status="locked", model="local:draft", cost_credits=Decimal("0.5"))
        if upto >= 2:
            draft = stage_rows.insert_version(conn, branch_id, 2, 2, {**TREATMENT, "selected_variant": 1},
                                              regeneration_guidance="darker", provider="local", model="local:draft",
                                              seed=7)
            conn.execute("""UPDATE stage_states SET generation = '{"input_tokens": 812, "latency_ms": 40}'
                             WHERE id = %s""", [draft["id"]])


def _add_asset(conn, ref, branch_id, asset_type, name, description, image_key) -> dict:
    return conn.execute(
        """INSERT INTO project_assets (project_id, branch_id, name, asset_type, description, image_key_url)
           VALUES (%s, %s, %s, %s, %s, %s) RETURNING *""",
        [ref.project_id, branch_id, name, asset_type, description, image_key],
    ).fetchone()


def _build_production(studio, user, ref, branch_id) -> None:
    """Assets, two scenes, three shots, asset instances, start/end frames chained, clips, end frames."""
    with studio.db.as_user(user.id) as conn:
        assets = [_add_asset(conn, ref, branch_id, *asset) for asset in ASSETS]
        previous_frame = None
        for number, shot_labels in ((1, ("1A", "1B")), (2, ("2A",))):
            scene = conn.execute(
                """INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt, status)
                   VALUES (%s, %s, %s, 'Mara rows.', 'video_complete') RETURNING id""",
                [branch_id, number, f"EXT. REEF {number} - DAWN"],
            ).fetchone()["id"]
            for asset in assets:
                conn.execute(
                    """INSERT INTO scene_asset_instances (scene_id, project_asset_id, image_key_url,
                              status_tags, inherited_from_scene_id)
                       SELECT %s, %s, %s, '{wet}', (SELECT id FROM scenes WHERE branch_id = %s AND scene_number = 1)""",
                    [scene, asset["id"], f"instance-{number}-{asset['name']}.png", branch_id],
                )
            for order, label in enumerate(shot_labels):
                previous_frame = _shoot(conn, scene, label, order, previous_frame)
            conn.execute("UPDATE scenes SET end_frame_id = %s WHERE id = %s", [previous_frame, scene])


def _shoot(conn, scene_id, label: str, order: int, prior_frame) -> UUID:
    shot = conn.execute(
        """INSERT INTO shots (scene_id, shot_id, shot_order, action, setting, camera_spec, frame_prompt,
                  video_prompt, frames_approved, video_approved)
           VALUES (%s, %s, %s, 'Mara rows.', 'reef', 'wide', 'a rowboat', 'she rows', true, true) RETURNING id""",
        [scene_id, label, order],
    ).fetchone()["id"]
    frames = {}
    for frame_type in ("start", "end"):
        frames[frame_type] = conn.execute(
            """INSERT INTO frames (shot_id, frame_type, prompt, image_url, prior_frame_id)
               VALUES (%s, %s, 'dawn', %s, %s) RETURNING id""",
            [shot, frame_type, f"frame-{label}-{frame_type}.png", prior_frame],
        ).fetchone()["id"]
        prior_frame = frames[frame_type]
    conn.execute(
        """INSERT INTO videos (shot_id, start_frame_id, end_frame_id, video_prompt, video_url, status)
           VALUES (%s, %s, %s, 'she rows', %s, 'complete')""",
        [shot, frames["start"], frames["end"], f"clip-{label}.mp4"],
    )
    return frames["end"]


BRANCH_SHOTS = "SELECT s.id FROM shots s JOIN scenes sc ON sc.id = s.scene_id WHERE sc.branch_id = %s"
ORDER = {
    "stage_states": "stage_number, version", "project_assets": "asset_type, name", "scenes": "scene_number",
    "shots": "shot_id", "scene_asset_instances": "image_key_url", "frames": "image_url", "videos": "video_url",
}


def _rows(studio, user, table: str, branch_id) -> list[dict]:
    """The table's rows on one branch in a natural order, found through their scene if they have no branch."""
    through = {
        "stage_states": "t.branch_id = %s", "project_assets": "t.branch_id = %s", "scenes": "t.branch_id = %s",
        "shots": "t.scene_id IN (SELECT id FROM scenes WHERE branch_id = %s)",
        "scene_asset_instances": "t.scene_id IN (SELECT id FROM scenes WHERE branch_id = %s)",
        "frames": f"t.shot_id IN ({BRANCH_SHOTS})",
        "videos": f"t.shot_id IN ({BRANCH_SHOTS})",
    }
    with studio.db.as_user(user.id) as conn:
        return conn.execute(f"SELECT t.* FROM {table} t WHERE {through[table]} ORDER BY {ORDER[table]}",
                            [branch_id]).fetchall()


def _counts(studio, user, branch_id) -> dict[str, int]:
    return {table: len(_rows(studio, user, table, branch_id)) for table in BRANCH_TABLES}


def _fork(studio, user, ref, at_stage, name="Noir", why="try a darker ending", source=None) -> dict:
    return branches.fork(studio.db, user.id, ref.project_id, source or ref.branch_id, at_stage, name, why)


# --- fork ---------------------------------------------------------------------------------------

def test_fork_at_stage_1_copies_stage_1_only_and_records_why(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 3)
    branch = _fork(studio, user, ref, 1)
    assert (branch["parent_branch_id"], branch["branched_at_stage"], branch["commit_message"]) == (
        ref.branch_id, 1, "try a darker ending")
    assert not branch["is_main"]
    [copied] = _rows(studio, user, "stage_states", branch["id"])
    [source] = [r for r in _rows(studio, user, "stage_states", ref.branch_id) if r["stage_number"] == 1]
    assert (copied["version"], copied["status"], copied["content"]) == (1, "locked", source["content"])
    assert copied["inherited_from_stage_id"] == source["id"] and copied["id"] != source["id"]
    assert _counts(studio, user, branch["id"]) == {**dict.fromkeys(BRANCH_TABLES, 0), "stage_states": 1}


def test_fork_at_stage_5_copies_every_version_and_the_assets_sharing_their_images(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 6)
    _build_production(studio, user, ref, ref.branch_id)
    branch = _fork(studio, user, ref, 5)

    provenance = ("stage_number", "version", "status", "content", "regeneration_guidance", "provider", "model",
                  "seed", "cost_credits", "created_at", "created_by", "input_versions", "overrides", "generation")
    source = [r for r in _rows(studio, user, "stage_states", ref.branch_id) if r["stage_number"] <= 5]
    copied = _rows(studio, user, "stage_states", branch["id"])
    key = lambda row: (row["stage_number"], row["version"])  # noqa: E731
    assert [[r[f] for f in provenance] for r in sorted(copied, key=key)] == [
        [r[f] for f in provenance] for r in sorted(source, key=key)]
    assert {r["inherited_from_stage_id"] for r in copied} == {r["id"] for r in source}
    stage_two = sorted((r["version"], r["status"]) for r in copied if r["stage_number"] == 2)
    assert stage_two == [(1, "locked"), (2, "draft")]

    main_assets, fork_assets = (_rows(studio, user, "project_assets", b) for b in (ref.branch_id, branch["id"]))
    images = lambda rows: [(a["name"], a["image_key_url"]) for a in rows]  # noqa: E731
    assert images(fork_assets) == images(main_assets)
    assert not {a["id"] for a in fork_assets} & {a["id"] for a in main_assets}
    assert _counts(studio, user, branch["id"]) == {
        **dict.fromkeys(BRANCH_TABLES, 0), "stage_states": len(source), "project_assets": 2}


def test_fork_at_stage_7_copies_scenes_and_shots_with_new_ids_but_no_later_work(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 7)
    _build_production(studio, user, ref, ref.branch_id)
    branch = _fork(studio, user, ref, 7)

    scenes = _rows(studio, user, "scenes", branch["id"])
    main_scenes = _rows(studio, user, "scenes", ref.branch_id)
    assert sorted((s["scene_number"], s["slug"]) for s in scenes) == sorted(
        (s["scene_number"], s["slug"]) for s in main_scenes)
    assert not {s["id"] for s in scenes} & {s["id"] for s in main_scenes}
    # the fork holds no frames or clips, so its scenes don't claim them
    assert {s["status"] for s in scenes} == {"shot_list_ready"} and {s["end_frame_id"] for s in scenes} == {None}

    shots = _rows(studio, user, "shots", branch["id"])
    assert sorted(s["shot_id"] for s in shots) == ["1A", "1B", "2A"]
    assert {s["scene_id"] for s in shots} == {s["id"] for s in scenes}
    assert not {s["id"] for s in shots} & {s["id"] for s in _rows(studio, user, "shots", ref.branch_id)}
    assert {(s["frame_prompt"], s["frames_approved"], s["video_approved"]) for s in shots} == {(None, False, False)}
    assert _counts(studio, user, branch["id"])["frames"] == 0
    assert _counts(studio, user, ref.branch_id)["shots"] == 3  # Main untouched


def test_fork_at_stage_12_carries_the_whole_production_with_every_reference_remapped(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 12)
    _build_production(studio, user, ref, ref.branch_id)
    branch = _fork(studio, user, ref, 12)
    assert _counts(studio, user, branch["id"]) == _counts(studio, user, ref.branch_id)

    own = {table: {r["id"] for r in _rows(studio, user, table, branch["id"])} for table in BRANCH_TABLES}
    scenes = _rows(studio, user, "scenes", branch["id"])
    assert {s["status"] for s in scenes} == {"video_complete"} and {s["end_frame_id"] for s in scenes} <= own["frames"]
    instances = _rows(studio, user, "scene_asset_instances", branch["id"])
    assert {i["project_asset_id"] for i in instances} == own["project_assets"]
    assert {i["inherited_from_scene_id"] for i in instances} < own["scenes"]
    frames = _rows(studio, user, "frames", branch["id"])
    assert {f["prior_frame_id"] for f in frames} - {None} < own["frames"]
    videos = _rows(studio, user, "videos", branch["id"])
    assert {v["start_frame_id"] for v in videos} | {v["end_frame_id"] for v in videos} <= own["frames"]
    media = lambda b: sorted(f["image_url"] for f in _rows(studio, user, "frames", b))  # noqa: E731
    assert media(branch["id"]) == media(ref.branch_id)


def test_a_fork_of_a_fork_and_forking_at_the_last_stage_reached(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 4)
    first = _fork(studio, user, ref, 4)
    second = _fork(studio, user, ref, 3, name="Noir, shorter", source=first["id"])
    assert second["parent_branch_id"] == first["id"]
    assert {r["stage_number"] for r in _rows(studio, user, "stage_states", second["id"])} == {1, 2, 3}


def test_forking_past_the_stage_reached_is_refused_and_writes_nothing(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 2)
    with pytest.raises(StageNotReady, match="Main has reached Stage 2 · Treatment") as refused:
        _fork(studio, user, ref, 3)
    assert refused.value.needed_stage == 3
    assert [b["name"] for b in branches.branch_tree(studio.db, user.id, ref.project_id)] == ["Main"]


def test_an_invalidated_version_does_not_count_as_reached(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 3)
    with studio.db.as_user(user.id) as conn:
        stage_rows.set_status(conn, stage_rows.latest(conn, ref.branch_id, 3)["id"], "invalidated")
    with pytest.raises(StageNotReady):
        _fork(studio, user, ref, 3)


def test_scene_work_counts_as_reached_without_stage_versions_until_it_is_invalidated(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 5)
    _build_production(studio, user, ref, ref.branch_id)  # scenes to clips, but no versions of stages 6-12

    def reached() -> int:
        tree = branches.branch_tree(studio.db, user.id, ref.project_id)
        return next(b["stage_reached"] for b in tree if b["is_main"])

    def run(statement: str) -> None:
        with studio.db.as_user(user.id) as conn:
            conn.execute(statement, [ref.branch_id])

    assert reached() == 12
    assert _counts(studio, user, _fork(studio, user, ref, 12)["id"])["videos"] == 3
    run(f"UPDATE videos SET invalidated_at = now() WHERE shot_id IN ({BRANCH_SHOTS})")
    assert reached() == 10
    run(f"UPDATE frames SET invalidated_at = now() WHERE shot_id IN ({BRANCH_SHOTS})")
    assert reached() == 9
    run("UPDATE scenes SET status = 'outdated' WHERE branch_id = %s")
    assert reached() == 5
    with pytest.raises(StageNotReady):
        _fork(studio, user, ref, 6, name="Too far")


@pytest.mark.parametrize("name", ["Noir", "noir", " NOIR ", "main"])
def test_a_name_the_project_already_uses_is_refused_and_nothing_is_written(studio, film, name):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 2)
    _fork(studio, user, ref, 2)
    before = {b["id"]: _counts(studio, user, b["id"]) for b in branches.branch_tree(studio.db, user.id, ref.project_id)}
    with pytest.raises(InputRejected) as refused:
        _fork(studio, user, ref, 2, name=name)
    assert set(refused.value.field_errors) == {"name"} and "already has a branch" in refused.value.field_errors["name"]
    after = {b["id"]: _counts(studio, user, b["id"]) for b in branches.branch_tree(studio.db, user.id, ref.project_id)}
    assert after == before


def test_the_same_name_is_fine_in_another_project(studio, film, project_input):
    user, ref = film
    other = create_project(studio.db, user.id, {**project_input, "title": "Another film"})
    _fork(studio, user, ref, 1)
    assert _fork(studio, user, other, 1)["name"] == "Noir"


@pytest.mark.parametrize(("name", "why", "at_stage", "field"), [
    ("", "why not", 1, "name"),
    ("   ", "why not", 1, "name"),
    ("x" * 101, "why not", 1, "name"),
    ("tab\there", "why not", 1, "name"),
    ("Noir", "", 1, "why"),
    ("Noir", "  ", 1, "why"),
    ("Noir", "y" * 501, 1, "why"),
    ("Noir", "why not", 0, "at_stage"),
    ("Noir", "why not", 13, "at_stage"),
])
def test_bad_fork_input_names_its_field(studio, film, name, why, at_stage, field):
    user, ref = film
    with pytest.raises(InputRejected) as refused:
        _fork(studio, user, ref, at_stage, name=name, why=why)
    assert set(refused.value.field_errors) == {field}


def test_limits_are_inclusive_and_names_are_trimmed(studio, film):
    user, ref = film
    branch = _fork(studio, user, ref, 1, name=f"  {'x' * 100}  ", why="y" * 500)
    assert branch["name"] == "x" * 100 and len(branch["commit_message"]) == 500


# --- switch and delete --------------------------------------------------------------------------

def _active(studio, user, ref):
    return {b["name"] for b in branches.branch_tree(studio.db, user.id, ref.project_id) if b["is_active"]}


def test_fork_does_not_switch_and_switch_does(studio, film):
    user, ref = film
    branch = _fork(studio, user, ref, 1)
    assert _active(studio, user, ref) == {"Main"}
    assert branches.switch_branch(studio.db, user.id, ref.project_id, branch["id"])["name"] == "Noir"
    assert _active(studio, user, ref) == {"Noir"}


def test_switching_to_a_branch_of_another_project_is_not_found(studio, film, project_input):
    user, ref = film
    other = create_project(studio.db, user.id, {**project_input, "title": "Another film"})
    with pytest.raises(NotFound):
        branches.switch_branch(studio.db, user.id, ref.project_id, other.branch_id)
    assert _active(studio, user, ref) == {"Main"}


def test_main_cannot_be_deleted(studio, film):
    user, ref = film
    branch = _fork(studio, user, ref, 1)
    branches.switch_branch(studio.db, user.id, ref.project_id, branch["id"])
    with pytest.raises(StageFrozen, match="Main is the project's main line"):
        branches.delete_branch(studio.db, user.id, ref.project_id, ref.branch_id)
    assert len(branches.branch_tree(studio.db, user.id, ref.project_id)) == 2


def test_the_active_branch_cannot_be_deleted_until_you_switch_away(studio, film):
    user, ref = film
    branch = _fork(studio, user, ref, 1)
    branches.switch_branch(studio.db, user.id, ref.project_id, branch["id"])
    with pytest.raises(branches.BranchProtected, match="switch to another branch"):
        branches.delete_branch(studio.db, user.id, ref.project_id, branch["id"])
    branches.switch_branch(studio.db, user.id, ref.project_id, ref.branch_id)
    assert branches.delete_branch(studio.db, user.id, ref.project_id, branch["id"]) == []


def test_deleting_a_fork_keeps_main_and_children_and_returns_only_media_nothing_else_uses(
    studio, film, make_user, project_input
):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 12)
    _build_production(studio, user, ref, ref.branch_id)
    fork = _fork(studio, user, ref, 12)
    child = _fork(studio, user, ref, 5, name="Noir child", source=fork["id"])
    other_project = create_project(studio.db, user.id, {**project_input, "title": "Another film"})
    stranger = make_user()
    stranger_ref = create_project(studio.db, stranger.id, project_input)
    with studio.db.as_user(user.id) as conn:
        _add_asset(conn, ref, fork["id"], "prop", "Bottle", "green glass", "bottle.png")  # the fork's alone
        _add_asset(conn, ref, fork["id"], "prop", "Oar", "ash wood", "oar.png")  # also in another project
        _add_asset(conn, other_project, other_project.branch_id, "prop", "Oar", "ash wood", "oar.png")
        _add_asset(conn, ref, fork["id"], "prop", "Net", "torn", "net.png")  # also the stranger's (same bytes)
        conn.execute("UPDATE frames SET image_url = 'regenerated.png' WHERE image_url = 'frame-1A-start.png' "
                     "AND shot_id IN (SELECT s.id FROM shots s JOIN scenes sc ON sc.id = s.scene_id "
                     "WHERE sc.branch_id = %s)", [fork["id"]])
    with studio.db.as_user(stranger.id) as conn:
        _add_asset(conn, stranger_ref, stranger_ref.branch_id, "prop", "Net", "a net", "net.png")
    main_before = _counts(studio, user, ref.branch_id)

    orphaned = branches.delete_branch(studio.db, user.id, ref.project_id, fork["id"])

    assert orphaned == ["bottle.png", "regenerated.png"]  # mara.png, reef.png... live on in Main and the child
    assert _counts(studio, user, ref.branch_id) == main_before
    assert _counts(studio, user, fork["id"]) == dict.fromkeys(BRANCH_TABLES, 0)
    tree = {b["name"]: b for b in branches.branch_tree(studio.db, user.id, ref.project_id)}
    assert set(tree) == {"Main", "Noir child"} and tree["Noir child"]["parent_name"] is None
    assert tree["Noir child"]["stage_reached"] == 5
    assert {r["stage_number"] for r in _rows(studio, user, "stage_states", child["id"])} == {1, 2, 3, 4, 5}


def test_deleting_keeps_the_ledger_of_what_the_branch_spent(studio, film):
    user, ref = film
    fork = _fork(studio, user, ref, 1)
    _charge(studio, user, ref, fork["id"], "0.25", "spent-on-fork")
    branches.delete_branch(studio.db, user.id, ref.project_id, fork["id"])
    with studio.db.as_user(user.id) as conn:
        row = conn.execute("SELECT branch_id, credits FROM cost_ledger WHERE project_id = %s",
                           [ref.project_id]).fetchone()
    assert (row["branch_id"], row["credits"]) == (None, Decimal("0.25"))


# --- the tree and timelines ---------------------------------------------------------------------

def _charge(studio, user, ref, branch_id, credits: str, key: str, shadow: str = "0") -> None:
    with studio.db.as_user(user.id) as conn:
        conn.execute(
            """INSERT INTO cost_ledger (project_id, branch_id, provider, model, unit, units, unit_price, credits,
                      shadow_credits, idempotency_key)
               VALUES (%s, %s, 'openai', 'gpt', 'image', 1, %s, %s, %s, %s)""",
            [ref.project_id, branch_id, credits, credits, shadow, f"{user.id}-{key}"],
        )


def test_the_tree_shows_parents_stage_reached_and_spend_depth_first(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 4)
    noir = _fork(studio, user, ref, 2)
    bright = _fork(studio, user, ref, 3, name="Bright", why="a lighter tone")
    darker = _fork(studio, user, ref, 1, name="Noir darker", why="even darker", source=noir["id"])
    with studio.db.as_user(user.id) as conn:  # invalidated work doesn't count as reached
        stage_rows.insert_version(conn, bright["id"], 4, 1, {}, status="invalidated")
    _charge(studio, user, ref, ref.branch_id, "1.50", "a")
    _charge(studio, user, ref, ref.branch_id, "0.25", "b")
    _charge(studio, user, ref, noir["id"], "0.40", "c", shadow="0.10")

    tree = branches.branch_tree(studio.db, user.id, ref.project_id)
    assert [(b["name"], b["parent_name"], b["branched_at_stage"], b["depth"], b["stage_reached"], b["spend_credits"])
            for b in tree] == [
        ("Main", None, None, 0, 4, Decimal("1.75")),
        ("Noir", "Main", 2, 1, 2, Decimal("0.40")),
        ("Noir darker", "Noir", 1, 2, 1, Decimal("0")),
        ("Bright", "Main", 3, 1, 3, Decimal("0")),
    ]
    assert tree[1]["commit_message"] == "try a darker ending" and tree[1]["shadow_credits"] == Decimal("0.10")
    assert [b["is_active"] for b in tree] == [True, False, False, False] and tree[2]["id"] == darker["id"]


def test_the_timeline_lists_every_version_in_order_with_its_provenance(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 3)
    noir = _fork(studio, user, ref, 2)
    with studio.db.as_user(user.id) as conn:
        stage_rows.insert_version(conn, noir["id"], 2, 3, TREATMENT, regeneration_guidance="more rain",
                                  model="openai:gpt-4o-mini", cost_credits=Decimal("0.02"))
    rows = branches.timeline(studio.db, user.id, noir["id"])
    assert [(r["stage_number"], r["version"], r["status"], r["regeneration_guidance"], r["inherited_from_branch"])
            for r in rows] == [
        (1, 1, "locked", None, "Main"), (2, 1, "locked", None, "Main"), (2, 2, "draft", "darker", "Main"),
        (2, 3, "draft", "more rain", None),
    ]
    assert (rows[-1]["model"], rows[-1]["cost_credits"]) == ("openai:gpt-4o-mini", Decimal("0.02"))
    assert [r["stage_number"] for r in branches.timeline(studio.db, user.id, ref.branch_id)] == [1, 2, 2, 3]


# --- compare ------------------------------------------------------------------------------------

def test_compare_finds_a_changed_treatment_an_added_asset_and_a_changed_shot(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 12)
    _build_production(studio, user, ref, ref.branch_id)
    noir = _fork(studio, user, ref, 12)
    with studio.db.as_user(user.id) as conn:
        stage_rows.insert_version(conn, noir["id"], 2, 3, {"prose_treatment": "Mara finds the bottle.\n"
                                                                               "She never rows out."})
        _add_asset(conn, ref, noir["id"], "prop", "Bottle", "green glass", "bottle.png")
        conn.execute("UPDATE shots SET action = 'Mara hesitates.', duration = 4 WHERE shot_id = '1B' "
                     "AND scene_id IN (SELECT id FROM scenes WHERE branch_id = %s)", [noir["id"]])
        conn.execute("UPDATE scenes SET slug = 'EXT. SHORE - DUSK' WHERE branch_id = %s AND scene_number = 2",
                     [noir["id"]])

    result = branches.compare(studio.db, user.id, ref.branch_id, noir["id"])

    assert (result.branch_a, result.branch_b, result.differing_stages) == ("Main", "Noir", (2,))
    treatment = result.stages[1]
    assert (treatment.change, treatment.version_a, treatment.version_b) == (StageChange.CHANGED, 2, 3)
    assert "-She rows out at dawn." in treatment.text_diff and "+She never rows out." in treatment.text_diff
    assert " Mara finds the bottle." in treatment.text_diff
    assert {s.change for s in result.stages if s.stage_number != 2} == {StageChange.SAME}
    assert {s.text_diff for s in result.stages if s.stage_number != 2} == {""}
    [asset] = result.assets
    assert (asset.key, asset.change, asset.a, asset.b["image_key_url"]) == (
        ("prop", "Bottle"), RowChange.ADDED, None, "bottle.png")
    [shot] = result.shots
    assert (shot.key, shot.change, shot.fields) == ((1, "1B"), RowChange.CHANGED, ("action", "duration"))
    assert (shot.a["action"], shot.b["action"]) == ("Mara rows.", "Mara hesitates.")
    [scene] = result.scenes
    assert (scene.label, scene.fields, scene.b["slug"]) == ("Scene 2", ("slug",), "EXT. SHORE - DUSK")
    assert result.to_dict()["differing_stages"] == [2]


def test_a_fork_at_stage_7_differs_from_its_source_in_the_work_it_left_behind(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 12)
    _build_production(studio, user, ref, ref.branch_id)
    noir = _fork(studio, user, ref, 7)
    result = branches.compare(studio.db, user.id, ref.branch_id, noir["id"])
    assert result.differing_stages == (8, 9, 10, 11, 12)
    assert {s.change for s in result.stages[7:]} == {StageChange.ONLY_IN_A}
    assert {s.fields for s in result.scenes} == {("status",)}  # video_complete on Main, shot_list_ready here
    assert {s.fields for s in result.shots} == {("frame_prompt", "video_prompt")} and len(result.shots) == 3
    assert result.assets == ()


def test_compare_reports_stages_present_on_one_side_and_beat_and_script_diffs(studio, film):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 2)
    noir = _fork(studio, user, ref, 2)
    _build_stages_from(studio, user, noir["id"], 3, 4)
    result = branches.compare(studio.db, user.id, ref.branch_id, noir["id"])
    assert [s.change for s in result.stages[:5]] == [
        StageChange.SAME, StageChange.SAME, StageChange.ONLY_IN_B, StageChange.ONLY_IN_B, StageChange.IN_NEITHER]
    assert "+A bottle washes up.\n+She rows to the reef." in result.stages[2].text_diff
    assert "+EXT. REEF - DAWN" in result.stages[3].text_diff
    assert not branches.compare(studio.db, user.id, noir["id"], noir["id"]).differs


def _build_stages_from(studio, user, branch_id, first: int, last: int) -> None:
    with studio.db.as_user(user.id) as conn:
        for number in range(first, last + 1):
            stage_rows.insert_version(conn, branch_id, number, 1, CONTENT.get(number, {"stage": number}))


def test_comparing_branches_of_two_projects_is_refused(studio, film, project_input):
    user, ref = film
    other = create_project(studio.db, user.id, {**project_input, "title": "Another film"})
    with pytest.raises(InputRejected):
        branches.compare(studio.db, user.id, ref.branch_id, other.branch_id)


@pytest.mark.parametrize(("number", "content", "text"), [
    (2, TREATMENT, "Mara finds the bottle.\nShe rows out at dawn."),
    (2, {"variants": ["one", "two"], "selected_variant": 1}, "two"),
    (2, {"variants": [{"text": "one"}, {"prose": "two"}], "selected_variant": 1}, "two"),
    (2, {"variants": ["one"], "selected_variant": 5}, ""),
    (2, {"prose_treatment": None}, ""),
    (3, BEATS, "A bottle washes up.\nShe rows to the reef."),
    (3, {"beats": [{"text": "b"}, {"order": None, "text": "a"}, "junk"]}, "b\na"),
    (3, {"beats": None}, ""),
    (4, SCRIPT, "EXT. REEF - DAWN\n\nMara rows."),
    (4, {"formatted_script": 42}, ""),
    (4, None, ""),
    (5, {"anything": "at all"}, ""),
    (2, {}, ""),
])
def test_stage_text_reads_the_human_text_and_tolerates_missing_keys(number, content, text):
    assert stage_text(number, content) == text


# --- other creators -----------------------------------------------------------------------------

def test_another_creator_can_not_fork_see_switch_compare_or_delete(studio, film, make_user, project_input):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 2)
    noir = _fork(studio, user, ref, 2)
    intruder = make_user()
    own = create_project(studio.db, intruder.id, project_input)
    attempts = [
        lambda: branches.fork(studio.db, intruder.id, ref.project_id, ref.branch_id, 1, "Mine", "stealing"),
        lambda: branches.fork(studio.db, intruder.id, own.project_id, ref.branch_id, 1, "Mine", "stealing"),
        lambda: branches.branch_tree(studio.db, intruder.id, ref.project_id),
        lambda: branches.timeline(studio.db, intruder.id, noir["id"]),
        lambda: branches.switch_branch(studio.db, intruder.id, ref.project_id, noir["id"]),
        lambda: branches.switch_branch(studio.db, intruder.id, own.project_id, noir["id"]),
        lambda: branches.compare(studio.db, intruder.id, ref.branch_id, noir["id"]),
        lambda: branches.compare(studio.db, intruder.id, own.branch_id, noir["id"]),
        lambda: branches.delete_branch(studio.db, intruder.id, ref.project_id, noir["id"]),
        lambda: branches.delete_branch(studio.db, intruder.id, own.project_id, noir["id"]),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert [b["name"] for b in branches.branch_tree(studio.db, user.id, ref.project_id)] == ["Main", "Noir"]
    assert _active(studio, user, ref) == {"Main"}
    assert [b["name"] for b in branches.branch_tree(studio.db, intruder.id, own.project_id)] == ["Main"]


# --- the database side of a fork ----------------------------------------------------------------

# Every column of every table a fork copies. A new column fails this test until someone decides
# whether a fork carries it (in `aiuteur_private.copy_into_fork`: CREATE OR REPLACE it in a new
# migration, as sql/010 does).
COPIED_COLUMNS = {
    "stage_states": {"id", "branch_id", "stage_number", "version", "status", "inherited_from_stage_id", "overrides",
                     "content", "prompt_template_version", "final_prompt", "regeneration_guidance", "provider",
                     "model", "seed", "input_versions", "generation", "cost_credits", "created_at", "created_by"},
    "project_assets": {"id", "project_id", "branch_id", "global_asset_id", "name", "asset_type", "description",
                       "image_key_url", "scene_numbers", "locked", "created_at"},
    "scenes": {"id", "branch_id", "scene_number", "slug", "script_excerpt", "status", "end_state_summary",
               "end_frame_id", "created_at", "version", "superseded_at", "written_from_stage_id"},
    "shots": {"id", "scene_id", "shot_id", "shot_order", "duration", "dialogue", "action", "characters", "setting",
              "camera_spec", "continuity_flags", "frame_prompt", "video_prompt", "requires_end_frame",
              "frames_approved", "video_approved", "invalidated_at", "invalidation_log_id", "created_at",
              "list_version", "superseded_at", "props", "manually_edited", "prompts_edited", "reference_assets",
              "end_frame_note"},
    "scene_asset_instances": {"id", "scene_id", "project_asset_id", "description_override", "image_key_url",
                              "status_tags", "carry_forward", "inherited_from_scene_id", "created_at"},
    "frames": {"id", "shot_id", "frame_type", "prompt", "prior_frame_id", "image_url", "approved",
               "regeneration_count", "invalidated_at", "invalidation_log_id", "created_at", "cost_credits",
               "provider", "model", "seed", "guidance", "reference_keys", "superseded_at",
               "job_id"},  # a job stays with the branch that ran it: the fork's copy names none
    "videos": {"id", "shot_id", "start_frame_id", "end_frame_id", "video_prompt", "video_url", "approved", "status",
               "error_message", "invalidated_at", "invalidation_log_id", "created_at", "completed_at",
               "cost_credits", "version", "provider", "model", "seconds", "seed", "guidance", "operation_name",
               "used_end_frame", "ledger_key", "superseded_at", "job_id"},
    "scene_stage_versions": {"id", "branch_id", "scene_id", "stage_number", "version", "status", "content",
                             "overrides", "inherited_from_id", "prompt_template_version", "final_prompt",
                             "regeneration_guidance", "provider", "model", "seed", "input_versions", "generation",
                             "cost_credits", "created_at", "created_by"},
    "film_cuts": {"id", "branch_id", "status", "media_key", "seconds", "target_seconds", "dissolve", "parts",
                  "missing_scenes", "error", "created_at", "completed_at", "created_by",
                  "job_id"},  # not carried, as above
}


def test_every_column_of_a_copied_table_is_one_the_fork_knows(studio):
    with studio.db.as_service() as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = ANY(%s)", [list(COPIED_COLUMNS)]).fetchall()
    found = {table: {r["column_name"] for r in rows if r["table_name"] == table} for table in COPIED_COLUMNS}
    assert found == COPIED_COLUMNS


def test_the_database_functions_work_only_on_the_callers_own_branches(studio, film, make_user, project_input):
    user, ref = film
    _build_stages(studio, user, ref.branch_id, 2)
    noir = _fork(studio, user, ref, 2)
    intruder = make_user()
    own = create_project(studio.db, intruder.id, project_input)
    with studio.db.as_user(intruder.id) as conn:
        target = conn.execute("INSERT INTO branches (project_id, name, branched_at_stage) VALUES (%s, 'x', 2) "
                              "RETURNING id", [own.project_id]).fetchone()["id"]
    attempts = [
        (intruder, ref.branch_id, target),  # someone else's source
        (user, ref.branch_id, noir["id"]),  # already filled
        (user, noir["id"], ref.branch_id),  # Main is no fork of Noir
    ]
    for who, source, into in attempts:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with studio.db.as_user(who.id) as conn:
                branch_rows.copy_into_fork(conn, source, into, 2)
    assert _counts(studio, user, noir["id"])["stage_states"] == 3
    with studio.db.as_user(intruder.id) as conn:  # nor does it say how far someone else's branch got
        assert branch_rows.stage_reached(conn, ref.branch_id) == 0


def test_media_still_used_by_anyone_is_in_use_and_nothing_else_is_revealed(studio, film, make_user, project_input):
    user, ref = film
    stranger = make_user()
    theirs = create_project(studio.db, stranger.id, project_input)
    with studio.db.as_user(stranger.id) as conn:
        _add_asset(conn, theirs, theirs.branch_id, "prop", "Net", "a net", "net.png")
    with studio.db.as_user(user.id) as conn:
        assert branch_rows.keys_in_use(conn, ["net.png", "unknown.png"]) == {"net.png"}
        assert conn.execute("SELECT count(*) AS n FROM project_assets").fetchone()["n"] == 0
