"""The stage registry: one spec per stage, and everything else asks it. Order and dependencies live here.

Each `Stage` says what the stage is (number, key, title, scope, upstream, page), how it is made
(`Generation`: the stage function in `stages/`, its inputs, the content it starts from), what slow
work it queues (`Job`), what it costs (`Cost` parts: units × the price of the model doing them),
which rows hold its output (`owns`, also what a fork at or after it carries and what "stage
reached" counts), and what kind of item its output is for invalidation (`item`).
Navigation, gates, generation, invalidation, estimates, the projection to finish, fork, the
headless run, compare and the version history read these specs; none of them branches on a
stage number. Functions are named by dotted path ("stages.treatment:write_treatments") and
resolved on first use, so `core` never imports `stages` at import time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType


class Scope(StrEnum):
    PROJECT = "project"  # the project's input
    GLOBAL = "global"  # one for the whole film, per branch
    SCENES = "scenes"  # every scene at once (the hub)
    SCENE = "scene"  # one scene at a time


class Phase(StrEnum):
    A = "A"  # the global narrative engine, stages 1-5
    B = "B"  # the per-scene production engine, stages 6-12


class Item(StrEnum):
    """What a stage's output is, as invalidation names it."""

    STAGE_STATE = "stage_state"
    SCENE = "scene"
    SHOT = "shot"
    INSTANCE = "scene_asset_instance"
    PROMPT = "prompt"
    FRAME = "frame"
    CLIP = "clip"


class Per(StrEnum):
    """What a cost part counts."""

    FEED = "feed"  # text calls reading what the upstream stage wrote (characters)
    ASSET = "asset"  # one reference image per asset
    SCENE = "scene"  # one text call per scene
    FRAME = "frame"  # one image per start frame, and per end frame a shot requires
    VIDEO_SECOND = "video_second"  # each second of a shot's clip
    INSTANCE = "instance"  # one reference image per scene asset instance whose look changed


@dataclass(frozen=True)
class Cost:
    """One part of a stage's cost model: `task` units counted `per` something, at the model's price."""

    task: str  # the estimator's task (and price-book action): "treatment", "asset_images", "clips", ...
    per: Per
    label: str  # as the projection to finish names it; may use {variants}, {scenes}, {images}
    calls: int = 1  # text calls made together (three treatment variants)
    grows_with_film: bool = False  # the answer grows with the target length (the script)


@dataclass(frozen=True)
class Generation:
    """How a generating stage is made: `write(inputs, provider, guidance=, seed=, tags=) -> StageDraft`."""

    write: str  # dotted path of the stage function in stages/
    inputs: str  # dotted path of its inputs model, built by `.from_upstream(config, upstream_content)` (a global
    #              stage) or `.from_scene(scene_context)` (a per-scene stage)
    content: Mapping[str, object] = field(default_factory=dict)  # what a new version's content starts with
    on_import: Generation | None = None  # made this way instead from an imported screenplay (no model call)


@dataclass(frozen=True)
class Job:
    """Slow work a stage queues on the RQ workers: one `generation_jobs` row of `kind` per unit."""

    kind: str
    handler: str  # dotted path of `handler(studio, user_id, job_row) -> result`


@dataclass(frozen=True)
class Stage:
    number: int
    key: str
    title: str
    scope: Scope
    upstream: tuple[int, ...]
    page: str  # path of the page file, relative to the repository root
    icon: str
    available: bool  # False until the stage is built; shown disabled, never faked
    item: Item | None = None  # what its output is, for invalidation (None: it makes nothing to change)
    owns: tuple[str, ...] = ()  # the tables (or column groups) holding its output; a fork at or after it carries them
    generation: Generation | None = None
    cost: tuple[Cost, ...] = ()
    job: Job | None = None
    skipped_on_import: bool = False  # an imported screenplay goes straight past it
    text: str | None = None  # dotted path of `text(content) -> str`, the readable text compare diffs
    before_lock: str | None = None  # `step(studio, user_id, ref, row) -> row`: what the headless run does before locking
    lock_check: str | None = None  # `check(conn, ref, content)`: raises StageFrozen while the version can't lock
    on_lock: str | None = None  # `step(conn, ref, locked_row)`: what locking it also does, in the same transaction
    sync_rows: str | None = None  # `step(conn, ref, row)`: keeps the rows it owns in step with each new version
    after_generate: str | None = None  # `step(conn, ref, row)`: run with a generated (not hand-edited) version
    edit_marks_outdated: tuple[int, ...] = ()  # a hand edit of this stage flags these upstream stages `outdated`
    writes_scenes: bool = False  # its content holds the film's scenes (the script)
    follows: tuple[int, ...] = ()  # per-scene: a new version of these stages of the scene flags its latest `outdated`
    headless: str | None = None  # per-scene: `step(studio, user_id, scene_ref, options)`, what a headless run does

    @property
    def phase(self) -> Phase:
        return Phase.A if self.scope in (Scope.PROJECT, Scope.GLOBAL) else Phase.B

    @property
    def label(self) -> str:
        return f"{self.number} · {self.title}"

    @property
    def is_global(self) -> bool:
        """Its output is one for the whole film: changing it reaches every later stage and every scene."""
        return self.phase is Phase.A

    @property
    def generates(self) -> bool:
        return self.generation is not None


_TEXTS = "core.film.stage_text"
_RUN = "core.production.run"

STAGES: tuple[Stage, ...] = (
    Stage(1, "input", "Input", Scope.PROJECT, (), "pages/stage_01_input.py", ":material/edit_note:", True,
          item=Item.STAGE_STATE, owns=("stage_states",)),
    Stage(2, "treatment", "Treatment", Scope.GLOBAL, (1,), "pages/stage_02_treatment.py", ":material/description:",
          True, item=Item.STAGE_STATE, owns=("stage_states",),
          generation=Generation("stages.treatment:write_treatments", "stages.treatment:TreatmentInputs",
                                MappingProxyType({"selected_variant": None, "prose_treatment": ""})),
          cost=(Cost("treatment", Per.FEED, "Treatment ({variants} variants)", calls=3),),
          skipped_on_import=True, text=f"{_TEXTS}:treatment_text",
          before_lock="core.story.edits:choose_first_treatment", lock_check="core.story.edits:require_chosen"),
    Stage(3, "beat_sheet", "Beat sheet", Scope.GLOBAL, (2,), "pages/stage_03_beats.py",
          ":material/format_list_numbered:", True, item=Item.STAGE_STATE, owns=("stage_states",),
          generation=Generation("stages.beats:write_beat_sheet", "stages.beats:BeatSheetInputs"),
          cost=(Cost("beat_sheet", Per.FEED, "Beat sheet"),),
          skipped_on_import=True, text=f"{_TEXTS}:beats_text"),
    Stage(4, "master_script", "Master script", Scope.GLOBAL, (3,), "pages/stage_04_script.py", ":material/article:",
          True, item=Item.STAGE_STATE, owns=("stage_states",),
          generation=Generation("stages.script:write_master_script", "stages.script:ScriptInputs",
                                on_import=Generation("stages.script:import_screenplay", "stages.script:ImportInputs")),
          cost=(Cost("master_script", Per.FEED, "Master script (~{scenes} scenes)", grows_with_film=True),),
          text=f"{_TEXTS}:script_text", after_generate="core.story.generate:beats_back_in_sync",
          edit_marks_outdated=(3,), writes_scenes=True),
    Stage(5, "global_assets", "Global assets", Scope.GLOBAL, (4,), "pages/stage_05_assets.py", ":material/groups:",
          True, item=Item.STAGE_STATE, owns=("stage_states", "project_assets"),
          generation=Generation("stages.assets:extract_assets", "stages.assets:AssetInputs",
                                MappingProxyType({"visual_style": None})),
          cost=(Cost("asset_extraction", Per.FEED, "Asset extraction"),
                Cost("asset_images", Per.ASSET, "Asset reference images ({images})")),
          job=Job("asset_image", "core.story.assets:render_reference_image"),
          before_lock="core.story.assets:complete_for_lock", lock_check="core.story.assets:require_drawn",
          on_lock="core.story.edits:open_production", sync_rows="core.story.assets:save_extracted_assets"),
    Stage(6, "script_hub", "Script hub", Scope.SCENES, (5,), "pages/stage_06_hub.py", ":material/view_list:", True,
          item=Item.SCENE, owns=("scenes",)),
    Stage(7, "shot_list", "Shot list", Scope.SCENE, (6,), "pages/stage_07_shots.py", ":material/videocam:", True,
          item=Item.SHOT, owns=("shots",),
          generation=Generation("stages.shots:write_shot_list", "stages.shots:ShotListInputs"),
          cost=(Cost("shot_list", Per.SCENE, "Shot lists ({scenes} scenes)"),),
          text=f"{_TEXTS}:shot_list_text", sync_rows="core.production.shot_lists:sync_shots",
          lock_check="core.production.shot_lists:require_coverage", headless=f"{_RUN}:generate_and_lock"),
    Stage(8, "visual_definition", "Visual definition", Scope.SCENE, (7,), "pages/stage_08_visuals.py",
          ":material/palette:", True, item=Item.INSTANCE, owns=("scene_asset_instances",),
          generation=Generation("stages.visuals:define_visuals", "stages.visuals:VisualInputs"),
          cost=(Cost("visual_definition", Per.SCENE, "Visual definitions ({scenes} scenes)"),
                Cost("asset_images", Per.INSTANCE, "Scene asset images ({images})")),
          job=Job("instance_image", "core.production.instances:render_instance_image"),
          text=f"{_TEXTS}:instances_text", sync_rows="core.production.instances:sync_instances",
          headless=f"{_RUN}:generate_and_lock"),
    Stage(9, "prompts", "Prompt segmentation", Scope.SCENE, (8,), "pages/stage_09_prompts.py", ":material/text_fields:",
          True, item=Item.PROMPT, owns=("shot_prompts",),
          generation=Generation("stages.segmentation:segment_prompts", "stages.segmentation:PromptInputs"),
          cost=(Cost("prompt_segmentation", Per.SCENE, "Frame and video prompts ({scenes} scenes)"),),
          text=f"{_TEXTS}:prompts_text", sync_rows="core.production.prompts:sync_prompts",
          lock_check="core.production.prompts:require_prompts", follows=(7, 8), headless=f"{_RUN}:generate_and_lock"),
    Stage(10, "frames", "Frame generation", Scope.SCENE, (9,), "pages/stage_10_frames.py", ":material/photo_library:",
          True, item=Item.FRAME, owns=("frames",), cost=(Cost("frames", Per.FRAME, "Frames"),),
          job=Job("frame", "core.production.frame_jobs:render_frame_job"), follows=(7, 8, 9),
          headless=f"{_RUN}:draw_approve_and_lock_frames"),
    Stage(11, "confirmation", "Confirmation", Scope.SCENE, (10,), "pages/stage_11_confirm.py", ":material/price_check:",
          True, follows=(7, 8, 9, 10), headless=f"{_RUN}:confirm_and_render"),
    Stage(12, "video_review", "Video review", Scope.SCENE, (11,), "pages/stage_12_video.py", ":material/movie:", True,
          item=Item.CLIP, owns=("videos", "film_cuts"), cost=(Cost("clips", Per.VIDEO_SECOND, "Clips"),),
          job=Job("clip", "core.production.clip_jobs:render_clip_job"), follows=(7, 8, 9, 10),
          headless=f"{_RUN}:approve_clips"),
)

_BY_NUMBER = {stage.number: stage for stage in STAGES}


def stage(number: int) -> Stage:
    """The stage with this number; KeyError for anything outside 1-12."""
    return _BY_NUMBER[number]


def global_stages() -> tuple[Stage, ...]:
    """The stages whose output is one for the whole film (Phase A)."""
    return tuple(s for s in STAGES if s.is_global)


def generating_stages() -> tuple[Stage, ...]:
    """The stages made by a stage function from their locked upstream."""
    return tuple(s for s in STAGES if s.generates)


def scene_stages() -> tuple[Stage, ...]:
    """The stages worked one scene at a time (7-12)."""
    return tuple(s for s in STAGES if s.scope is Scope.SCENE)


def followers(number: int) -> tuple[Stage, ...]:
    """Per-scene stages whose latest version a new version of stage `number` (in the same scene) leaves outdated."""
    return tuple(s for s in STAGES if number in s.follows)


def scene_changeable_stages() -> tuple[Stage, ...]:
    """Per-scene stages whose output a creator can change (the hub and the confirmation make nothing)."""
    return tuple(s for s in STAGES if s.scope is Scope.SCENE and s.item is not None)


def producer_of(item: Item) -> Stage:
    """The stage whose output this kind of item is (the first, for stage versions)."""
    return next(s for s in STAGES if s.item is item)


def scene_source() -> Stage:
    """The stage whose content holds the film's scenes (the script)."""
    return next(s for s in STAGES if s.writes_scenes)


def owner_of(rows: str) -> Stage:
    """The stage whose output these rows are (the last, if several stages write them)."""
    return [s for s in STAGES if rows in s.owns][-1]


def import_skips() -> frozenset[int]:
    """Stages an imported screenplay goes straight past."""
    return frozenset(s.number for s in STAGES if s.skipped_on_import)


def feeder(number: int) -> int | None:
    """The stage whose output a generating stage reads (its first upstream), or None."""
    upstream = stage(number).upstream
    return upstream[0] if upstream else None


def owned_rows() -> tuple[tuple[int, str, bool], ...]:
    """(stage, rows it owns, whether live rows mean the stage is reached) for the database's copy (sql/015).

    A global stage is reached by its versions; a per-scene stage by live rows of what it owns.
    """
    return tuple((s.number, rows, not s.is_global) for s in STAGES for rows in s.owns)


def job_handler(kind: str) -> Callable:
    """The handler a stage registered for jobs of `kind`; KeyError if no stage queues such jobs."""
    spec = next((s.job for s in STAGES if s.job and s.job.kind == kind), None)
    if spec is None:
        raise KeyError(kind)
    return resolve(spec.handler)


def job_kinds() -> frozenset[str]:
    return frozenset(s.job.kind for s in STAGES if s.job)


def missing_parts(spec: Stage, repo_root: Path) -> list[str]:
    """What an available stage still lacks (empty when it is complete): the registry test's checklist."""
    if not spec.available:
        return []
    missing = [] if (repo_root / spec.page).is_file() else [f"page {spec.page}"]
    if spec.scope is not Scope.PROJECT and spec.item is not None and not spec.owns:
        missing.append("the rows it owns")
    if spec.generation is not None:
        missing += _unresolvable("generating function", spec.generation.write)
        missing += _unresolvable("inputs", spec.generation.inputs)
        if not spec.cost:
            missing.append("a cost model")
        inputs = _resolved(spec.generation.inputs)
        builder = "from_scene" if spec.scope is Scope.SCENE else "from_upstream"
        if inputs is not None and not (hasattr(inputs, builder) and hasattr(inputs, "feed_chars")):
            missing.append(f"inputs.{builder} / inputs.feed_chars")
    elif spec.is_global and spec.scope is not Scope.PROJECT:
        missing.append("a generating function")
    if spec.job is not None:
        missing += _unresolvable(f"job handler for {spec.job.kind!r}", spec.job.handler)
    for name in ("text", "before_lock", "lock_check", "on_lock", "sync_rows", "after_generate", "headless"):
        path = getattr(spec, name)
        missing += _unresolvable(name, path) if path else []
    return missing


def _unresolvable(what: str, path: str) -> list[str]:
    return [] if _resolved(path) is not None else [f"{what} ({path})"]


def _resolved(path: str) -> object | None:
    try:
        return resolve(path)
    except (ImportError, AttributeError, ValueError):
        return None


@cache
def resolve(path: str) -> Callable:
    """The object a dotted path names ("package.module:attribute"), imported on first use."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)
