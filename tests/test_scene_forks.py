"""Forking a film made by the real pipeline at a per-scene stage: the fork carries each scene's work up to that stage
and nothing after it, goes on from there on its own, and compare names the shots that now differ. At Stage 12 it
carries the finished film itself."""

from __future__ import annotations

import pytest

from core.branches.compare import compare
from core.branches.forks import fork
from core.film.statuses import SceneStatus
from core.production import clips, film
from core.production import edits as scene_edits
from core.production.run import RunOptions, run_scenes
from core.story.projects import ProjectRef
from tests.phase_b import PhaseBFilm, film_through_assets, make_and_lock, rows, through

pytestmark = [pytest.mark.db, pytest.mark.slow]

# Written for this test: two scenes, a line that sounds like a name ("Captain"), an off-screen voice.
LANTERN_ROW = """Title: Lantern Row

EXT. CANAL TOWPATH - NIGHT

ODILE lights the lanterns one by one along the canal.

ODILE
Not tonight, Captain.

A barge slides past in the dark. A VOICE (O.S.) calls her name.

INT. LOCK KEEPER'S HUT - NIGHT

Odile warms her hands at the brazier. PIET, the old keeper, slides her a bowl of soup.

PIET
Eat. The water will wait.
"""


@pytest.fixture
def lantern_row(studio, make_user) -> PhaseBFilm:
    return film_through_assets(studio, make_user(), LANTERN_ROW, title="Lantern Row")


def on_branch(studio, made: PhaseBFilm, branch_id) -> PhaseBFilm:
    """The same film as seen on another branch: that branch's live scenes."""
    return PhaseBFilm(made.user, ProjectRef(made.ref.project_id, branch_id),
                      tuple(scene_edits.scene_list(studio, made.user.id, branch_id)))


def clip_work(studio, user_id, table: str, branch_id) -> int:
    """How many frames or clips the branch holds."""
    return rows(studio, user_id, f"""SELECT count(*) AS n FROM {table} t JOIN shots sh ON sh.id = t.shot_id
                                      JOIN scenes sc ON sc.id = sh.scene_id WHERE sc.branch_id = %s""",  # noqa: S608
                branch_id)[0]["n"]


def scene_versions(studio, user_id, branch_id) -> dict[int, set[int]]:
    """Each live scene's stages that have versions on the branch: {scene number: {stage numbers}}."""
    found: dict[int, set[int]] = {}
    for row in rows(studio, user_id, """SELECT sc.scene_number, v.stage_number FROM scene_stage_versions v
                                          JOIN scenes sc ON sc.id = v.scene_id
                                         WHERE v.branch_id = %s AND sc.superseded_at IS NULL""", branch_id):
        found.setdefault(row["scene_number"], set()).add(row["stage_number"])
    return found


def live_shot_rows(studio, user_id, branch_id) -> list[dict]:
    return rows(studio, user_id, """SELECT sc.scene_number, sh.shot_id, sh.action, sh.dialogue, sh.duration,
                                           sh.frame_prompt, sh.video_prompt
                                      FROM shots sh JOIN scenes sc ON sc.id = sh.scene_id
                                     WHERE sc.branch_id = %s AND sc.superseded_at IS NULL
                                       AND sh.superseded_at IS NULL
                                     ORDER BY sc.scene_number, sh.shot_order""", branch_id)


def test_a_fork_at_stage_8_carries_shot_lists_and_looks_but_not_prompts_and_goes_on_alone(studio, lantern_row):
    user = lantern_row.user
    through(studio, lantern_row, 9)
    source_shots = live_shot_rows(studio, user.id, lantern_row.ref.branch_id)
    assert source_shots and all(s["frame_prompt"] for s in source_shots)

    branch = fork(studio.db, user.id, lantern_row.ref.project_id, lantern_row.ref.branch_id, 8, "Other look",
                  "try the prompts again")
    assert scene_versions(studio, user.id, branch["id"]) == {1: {7, 8}, 2: {7, 8}}
    forked_shots = live_shot_rows(studio, user.id, branch["id"])
    same = lambda shots: [(s["scene_number"], s["shot_id"], s["action"], s["dialogue"], s["duration"])  # noqa: E731
                          for s in shots]
    assert same(forked_shots) == same(source_shots)
    assert {(s["frame_prompt"], s["video_prompt"]) for s in forked_shots} == {(None, None)}

    # the shots differ in exactly the prompts the fork left behind
    result = compare(studio.db, user.id, lantern_row.ref.branch_id, branch["id"])
    assert len(result.shots) == len(source_shots)
    assert {d.fields for d in result.shots} == {("frame_prompt", "video_prompt")}

    # the fork's Stage 9 is open (its 7 and 8 are locked) and is written there only
    forked = on_branch(studio, lantern_row, branch["id"])
    for number in (1, 2):
        assert scene_edits.scene_view(studio, user.id, forked.scene(number), 8).locked
        make_and_lock(studio, forked, number, 9, guidance="colder light")
    assert all(s["frame_prompt"] for s in live_shot_rows(studio, user.id, branch["id"]))
    assert live_shot_rows(studio, user.id, lantern_row.ref.branch_id) == source_shots  # the source is untouched
    assert scene_versions(studio, user.id, lantern_row.ref.branch_id) == {1: {7, 8, 9}, 2: {7, 8, 9}}


def test_a_fork_at_stage_12_carries_the_film_and_one_at_stage_10_the_frames_but_no_clips(studio, lantern_row):
    user, ref = lantern_row.user, lantern_row.ref
    run_scenes(studio, user.id, ref, 12, options=RunOptions(animatic=True))
    cut = film.assemble(studio, user.id, ref.project_id, ref.branch_id, inline=True)
    assert cut["status"] == "complete"

    whole = fork(studio.db, user.id, ref.project_id, ref.branch_id, 12, "Festival cut", "keep this cut")
    [carried] = rows(studio, user.id, "SELECT * FROM film_cuts WHERE branch_id = %s", whole["id"])
    assert (carried["status"], carried["media_key"], carried["seconds"]) == ("complete", cut["media_key"],
                                                                               cut["seconds"])
    assert {s["status"] for s in rows(studio, user.id, "SELECT status FROM scenes WHERE branch_id = %s "
                                                       "AND superseded_at IS NULL", whole["id"])} == {
        SceneStatus.VIDEO_COMPLETE}

    frames_only = fork(studio.db, user.id, ref.project_id, ref.branch_id, 10, "Recut", "new clips")
    assert clip_work(studio, user.id, "videos", ref.branch_id) > 0
    assert (clip_work(studio, user.id, "frames", frames_only["id"]), clip_work(studio, user.id, "videos",
            frames_only["id"])) == (clip_work(studio, user.id, "frames", ref.branch_id), 0)
    assert not rows(studio, user.id, "SELECT 1 FROM film_cuts WHERE branch_id = %s", frames_only["id"])
    assert scene_versions(studio, user.id, frames_only["id"]) == {1: {7, 8, 9, 10}, 2: {7, 8, 9, 10}}
    statuses = rows(studio, user.id, "SELECT status FROM scenes WHERE branch_id = %s AND superseded_at IS NULL",
                    frames_only["id"])
    assert {s["status"] for s in statuses} == {SceneStatus.FRAMES_LOCKED}
    # the recut's Stage 11 quotes every shot of the scene again; the source keeps its film
    recut = on_branch(studio, lantern_row, frames_only["id"])
    quote = clips.quote(studio, user.id, recut.scene(1), offline=True)
    scene_one = [s for s in live_shot_rows(studio, user.id, ref.branch_id) if s["scene_number"] == 1]
    assert len(quote.lines) == len(scene_one)
    assert film.latest_cut(studio, user.id, ref.branch_id)["media_key"] == cut["media_key"]
