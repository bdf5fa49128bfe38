"""Invalidation: the rules of issue 4 on a small readable film, then its invariants under hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import NotFound
from core.film.branch_state import BranchState, Clip, Frame, SceneState, SceneStatus, Shot, StageStatus, StageVersion
from core.invalidation.resolver import (
    SCENE_STAGES,
    Change,
    ChangeKind,
    Global,
    InvalidationType,
    ItemKind,
    Mark,
    Scene,
    SceneEndState,
    apply,
    invalidate,
    preview_rows,
    summarize,
)

REGEN, EDIT = ChangeKind.REGENERATE, ChangeKind.EDIT


# --- a small film: five locked global stages, two scenes in production, a third not begun -----

def shot_scene(number: int, letters: str, status: str = "video_complete") -> SceneState:
    """A scene whose every shot has a start and end frame and one clip."""
    shots = tuple(Shot(f"shot {number}{x}", f"{number}{x}", order=i) for i, x in enumerate(letters))
    frames = tuple(Frame(f"frame {s.label} {t}", s.id, t) for s in shots for t in ("start", "end"))
    clips = tuple(Clip(f"clip {s.label}", s.id) for s in shots)
    return SceneState(f"scene {number}", number, status, shots, frames, clips, frozenset({7, 8, 9, 10, 12}))


def film(**overrides) -> BranchState:
    stages = {n: StageVersion(f"stage {n}", n, 1, "locked") for n in range(1, 6)}
    stages.update({int(k.removeprefix("stage")): v for k, v in overrides.items() if k.startswith("stage")})
    scenes = [shot_scene(1, "AB"), shot_scene(2, "A"), SceneState("scene 3", 3)]
    scenes = [overrides.get(f"scene{s.number}", s) for s in scenes]
    return BranchState(tuple(stages.values()), tuple(scenes))


PHASE_B = (
    "scene 1", "shot 1A", "shot 1B", "frame 1A start", "frame 1A end", "frame 1B start", "frame 1B end",
    "clip 1A", "clip 1B",
    "scene 2", "shot 2A", "frame 2A start", "frame 2A end", "clip 2A",
    "scene 3",
)


def ids(impact) -> tuple:
    return impact.ids()


# --- global stages -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [REGEN, EDIT])
@pytest.mark.parametrize(
    "stage_number, later",
    [
        (1, ("stage 2", "stage 3", "stage 4", "stage 5")),
        (2, ("stage 3", "stage 4", "stage 5")),
        (3, ("stage 4", "stage 5")),
        (5, ()),
    ],
)
def test_a_global_stage_invalidates_later_stages_and_all_of_phase_b(stage_number, later, kind):
    impact = invalidate(film(), Change(stage_number, Global(), kind))
    assert ids(impact) == later + PHASE_B
    assert {item.invalidation_type for item in impact.items} == {InvalidationType.GLOBAL}


def test_regenerating_the_beat_sheet_says_so_on_every_item():
    impact = invalidate(film(), Change(3))
    assert impact.reasons == ("Stage 3 Beat sheet was regenerated",)
    marks = {item.id: item.mark for item in impact.items}
    assert marks["stage 4"] is marks["shot 1A"] is marks["clip 2A"] is Mark.INVALIDATED
    assert marks["scene 1"] is marks["scene 3"] is Mark.OUTDATED


def test_editing_the_script_flags_the_beat_sheet_outdated_and_invalidates_what_follows():
    impact = invalidate(film(), Change(4, Global(), EDIT))
    assert ids(impact) == ("stage 3", "stage 5") + PHASE_B
    beats = impact.items[0]
    assert (beats.mark, beats.is_flag, beats.label) == (Mark.OUTDATED, True, "3 · Beat sheet v1")
    assert beats.reason == "Stage 4 Master script was edited by hand; the beat sheet no longer matches it"
    assert "stage 3" not in impact.invalidated_ids


def test_regenerating_the_script_leaves_the_beat_sheet_alone():
    assert ids(invalidate(film(), Change(4))) == ("stage 5",) + PHASE_B


def test_editing_the_beat_sheet_invalidates_the_script_and_flags_nothing_upstream():
    impact = invalidate(film(), Change(3, Global(), EDIT))
    assert ids(impact)[:2] == ("stage 4", "stage 5")
    assert impact.reasons == ("Stage 3 Beat sheet was edited by hand",)


def test_a_stage_one_change_before_stage_two_touches_nothing_that_does_not_exist():
    early = BranchState((StageVersion("stage 1", 1, 2, "draft"),))
    assert ids(invalidate(early, Change(1, Global(), EDIT))) == ()


# --- one scene -----------------------------------------------------------------------------

SCENE_1_FRAMES = ("frame 1A start", "frame 1A end", "frame 1B start", "frame 1B end")
SCENE_1_CLIPS = ("clip 1A", "clip 1B")


@pytest.mark.parametrize(
    "stage_number, expected",
    [
        (7, SCENE_1_FRAMES + SCENE_1_CLIPS),  # shot list
        (8, SCENE_1_FRAMES + SCENE_1_CLIPS),  # asset instances
        (9, SCENE_1_FRAMES + SCENE_1_CLIPS),  # prompts
        (10, SCENE_1_CLIPS),  # frames
        (12, ()),  # a clip re-rendered: nothing follows it
    ],
)
def test_a_scene_change_invalidates_that_scenes_frames_and_clips_only(stage_number, expected):
    impact = invalidate(film(), Change(stage_number, Scene("scene 1")))
    assert ids(impact) == expected
    assert {item.invalidation_type for item in impact.items} <= {InvalidationType.LOCAL_SCENE}
    assert {item.scene_id for item in impact.items} <= {"scene 1"}


def test_a_scene_reason_names_the_stage_and_the_scene():
    impact = invalidate(film(), Change(8, Scene("scene 2"), EDIT))
    assert impact.reasons == ("Stage 8 Visual definition of scene 2 was edited by hand",)


def test_an_end_state_change_flags_later_scenes_that_have_work():
    before = film(scene3=shot_scene(3, "A", "shot_list_ready"))
    impact = invalidate(before, Change(10, SceneEndState("scene 1")))
    assert ids(impact) == SCENE_1_CLIPS + ("scene 2", "scene 3")
    flag = impact.items[-1]
    assert (flag.kind, flag.mark, flag.invalidation_type) == (
        ItemKind.SCENE, Mark.CONTINUITY_BROKEN, InvalidationType.CONTINUITY_BREAK)
    assert flag.reason == "The end state of scene 1 changed: Stage 10 Frame generation of scene 1 was regenerated"
    assert impact.types == (InvalidationType.LOCAL_SCENE, InvalidationType.CONTINUITY_BREAK)


def test_a_scene_not_begun_has_no_continuity_to_break():
    impact = invalidate(film(), Change(8, SceneEndState("scene 2"), EDIT))
    assert ids(impact) == ("frame 2A start", "frame 2A end", "clip 2A")


def test_the_last_scenes_end_state_breaks_nothing_after_it():
    impact = invalidate(film(), Change(8, SceneEndState("scene 3")))
    assert ids(impact) == ()


# --- already marked: listed once, and the stronger mark wins --------------------------------

def test_items_already_marked_are_not_listed_again():
    stale = film(stage4=StageVersion("stage 4", 4, 1, "invalidated"),
                 scene2=SceneState("scene 2", 2, "outdated"))
    assert ids(invalidate(stale, Change(3))) == ("stage 5",) + PHASE_B[:9] + ("scene 3",)


def test_an_invalidated_beat_sheet_is_not_downgraded_to_outdated():
    stale = film(stage3=StageVersion("stage 3", 3, 1, "invalidated"))
    assert "stage 3" not in ids(invalidate(stale, Change(4, Global(), EDIT)))


def test_a_global_change_turns_an_outdated_beat_sheet_and_a_broken_scene_into_invalidated_and_outdated():
    stale = film(stage3=StageVersion("stage 3", 3, 1, "outdated"), scene2=shot_scene(2, "A", "continuity_broken"))
    marks = {item.id: item.mark for item in invalidate(stale, Change(2)).items}
    assert (marks["stage 3"], marks["scene 2"]) == (Mark.INVALIDATED, Mark.OUTDATED)


def test_continuity_never_downgrades_an_outdated_scene():
    stale = film(scene2=shot_scene(2, "A", "outdated"))
    assert "scene 2" not in ids(invalidate(stale, Change(10, SceneEndState("scene 1"))))


# --- apply, summary, preview ---------------------------------------------------------------

def test_apply_writes_the_marks_and_nothing_else():
    before = film()
    after = apply(before, invalidate(before, Change(4, Global(), EDIT)))
    assert [s.status for s in after.stages] == ["locked", "locked", "outdated", "locked", "invalidated"]
    assert {s.status for s in after.scenes} == {SceneStatus.OUTDATED}
    assert all(shot.invalidated for scene in after.scenes for shot in scene.shots)
    assert invalidate(after, Change(4, Global(), EDIT)).items == ()


def test_the_summary_counts_every_kind():
    impact = invalidate(film(), Change(4, Global(), EDIT))
    assert summarize(impact) == {"stage_state": 2, "scene": 3, "shot": 3, "frame": 6, "clip": 3}
    assert summarize(invalidate(film(), Change(12, Scene("scene 1")))) == dict.fromkeys(ItemKind, 0)


def test_preview_rows_read_as_a_table():
    rows = preview_rows(invalidate(film(), Change(10, Scene("scene 2"), EDIT)))
    assert rows == [{"what": "Clip 2A", "kind": "clip", "becomes": "invalidated", "type": "local_scene",
                     "why": "Stage 10 Frame generation of scene 2 was edited by hand"}]


# --- what can't be asked -------------------------------------------------------------------

@pytest.mark.parametrize("stage_number, scope", [
    (6, Global()), (7, Global()), (0, Global()), (3, Scene("scene 1")), (6, Scene("scene 1")),
    (11, SceneEndState("scene 1")), (13, Scene("scene 1")),
])
def test_a_change_must_fit_its_scope(stage_number, scope):
    with pytest.raises(ValueError):
        Change(stage_number, scope)


def test_a_change_to_a_scene_not_on_the_branch_is_not_found():
    with pytest.raises(NotFound):
        invalidate(film(), Change(7, Scene("scene 99")))


def test_a_snapshot_refuses_frames_of_another_scenes_shot_and_duplicate_numbers():
    with pytest.raises(ValueError):
        SceneState("scene 1", 1, shots=(Shot("a", "1A"),), frames=(Frame("f", "elsewhere"),))
    with pytest.raises(ValueError):
        BranchState(scenes=(SceneState("x", 1), SceneState("y", 1)))


# --- properties ----------------------------------------------------------------------------

relaxed = settings(deadline=None)  # pure and fast, but a loaded CI machine shouldn't fail it on time

@st.composite
def scenes(draw, number: int) -> SceneState:
    letters = "ABC"[: draw(st.integers(0, 3))]
    shots = [Shot(f"shot {number}{x}", f"{number}{x}", i, draw(st.booleans())) for i, x in enumerate(letters)]
    frames = [Frame(f"frame {s.label} {t}", s.id, t, draw(st.booleans()))
              for s in shots for t in ("start", "end") if draw(st.booleans())]
    clips = [Clip(f"clip {s.label} v{v}", s.id, draw(st.booleans()))
             for s in shots for v in range(draw(st.integers(0, 2)))]
    work = draw(st.frozensets(st.sampled_from(SCENE_STAGES)))
    return SceneState(f"scene {number}", number, draw(st.sampled_from(SceneStatus)), shots, frames, clips, work)


@st.composite
def branch_states(draw, min_scenes: int = 0) -> BranchState:
    stages = [StageVersion(f"stage {n}", n, draw(st.integers(1, 3)), draw(st.sampled_from(StageStatus)))
              for n in sorted(draw(st.sets(st.integers(1, 5))))]
    numbers = draw(st.lists(st.integers(1, 9), unique=True, min_size=min_scenes, max_size=4))
    return BranchState(tuple(stages), tuple(draw(scenes(n)) for n in numbers))


KINDS = st.sampled_from(ChangeKind)
global_changes = st.builds(Change, st.integers(1, 5), st.just(Global()), KINDS)


def scene_changes(state: BranchState) -> st.SearchStrategy[Change]:
    scope = st.sampled_from([s.id for s in state.scenes]).flatmap(
        lambda scene_id: st.sampled_from([Scene(scene_id), SceneEndState(scene_id)]))
    return st.builds(Change, st.sampled_from(SCENE_STAGES), scope, KINDS)


def changes(state: BranchState) -> st.SearchStrategy[Change]:
    return st.one_of(global_changes, scene_changes(state)) if state.scenes else global_changes


state_and_change = branch_states().flatmap(lambda s: st.tuples(st.just(s), changes(s)))
state_and_scene_change = branch_states(min_scenes=1).flatmap(
    lambda s: st.tuples(st.just(s), scene_changes(s)))


def shuffled(data, state: BranchState) -> BranchState:
    """The same work, every collection in another order."""
    def perm(items):
        return tuple(data.draw(st.permutations(items)))
    scene_list = [SceneState(s.id, s.number, s.status, perm(s.shots), perm(s.frames), perm(s.clips), s.work_stages)
                  for s in state.scenes]
    return BranchState(perm(state.stages), perm(scene_list))


@relaxed
@given(state_and_change, st.data())
def test_invalidation_is_deterministic_whatever_order_the_rows_arrive_in(case, data):
    state, change = case
    assert invalidate(state, change) == invalidate(state, change) == invalidate(shuffled(data, state), change)


@relaxed
@given(state_and_change)
def test_invalidation_is_idempotent(case):
    state, change = case
    after = apply(state, invalidate(state, change))
    assert invalidate(after, change).items == ()


@relaxed
@given(state_and_change)
def test_every_item_exists_is_listed_once_and_is_really_changed(case):
    state, change = case
    impact = invalidate(state, change)
    every_id = impact.ids()
    assert len(every_id) == len(set(every_id))
    after = apply(state, impact)
    changed = {a.id for a, b in zip(_items(state), _items(after)) if a != b}
    assert changed == set(every_id)


@relaxed
@given(state_and_change)
def test_invalidation_is_closed_downstream(case):
    state, change = case
    impact = invalidate(state, change)
    if isinstance(change.scope, Global):
        for item in impact.items:
            upstream_flag = change.stage_number == 4 and change.kind is EDIT and item.stage_number == 3
            assert item.stage_number > change.stage_number or (upstream_flag and item.is_flag)
        return
    changed = state.scene(change.scope.scene_id)
    for item in impact.items:
        if item.scene_id == changed.id:
            assert item.kind in (ItemKind.FRAME, ItemKind.CLIP) and item.stage_number > change.stage_number
        else:
            assert isinstance(change.scope, SceneEndState) and item.mark is Mark.CONTINUITY_BROKEN
            assert state.scene(item.scene_id).number > changed.number


@relaxed
@given(branch_states(), global_changes)
def test_a_global_change_leaves_all_of_phase_b_stale(state, change):
    after = apply(state, invalidate(state, change))
    assert all(s.status is StageStatus.INVALIDATED for s in after.stages if s.stage_number > change.stage_number)
    assert all(scene.status is SceneStatus.OUTDATED for scene in after.scenes)
    assert all(item.invalidated for scene in after.scenes for item in (*scene.shots, *scene.frames, *scene.clips))


@relaxed
@given(branch_states(), global_changes, global_changes)
def test_an_earlier_global_change_invalidates_a_superset(state, one, other):
    earlier, later = sorted((one, other), key=lambda change: change.stage_number)
    assert invalidate(state, earlier).invalidated_ids >= invalidate(state, later).invalidated_ids


@relaxed
@given(state_and_scene_change, st.sampled_from(SCENE_STAGES))
def test_an_earlier_scene_change_invalidates_a_superset(case, other_stage):
    state, change = case
    earlier, later = sorted((change.stage_number, other_stage))
    wide = invalidate(state, Change(earlier, change.scope, change.kind)).invalidated_ids
    assert wide >= invalidate(state, Change(later, change.scope, change.kind)).invalidated_ids


def _items(state: BranchState) -> list:
    """Every stage version, scene, shot, frame and clip, in a fixed order, for comparing two states."""
    items = list(state.stages)
    for scene in state.scenes:
        items += [SceneState(scene.id, scene.number, scene.status), *scene.shots, *scene.frames, *scene.clips]
    return items
