"""The projected cost to finish the film on a branch. Pure: a snapshot of progress in, priced lines out.

Remaining work is every stage not yet done, times the units it will need, priced by the `Estimator`
(the models that will run, and the online models that shadow-price offline work):

- a global stage (2-5) is done when its latest version is not `invalidated` (a draft was already paid
  for; locking it costs nothing); an undone stage's input is its upstream stage's content when that
  is done (sized as `core.invalidation.changes` sizes regeneration), else the size that stage is expected to write;
- a scene needs a shot list when it has none, is `outdated` or has invalidated shots; prompts when
  any shot lacks them; a frame when its shot has no valid one of that type; a clip when its shot has
  no valid one rendered or rendering; a `continuity_broken` scene redoes its frames and clips;
- before a shot list exists the shots come from the target length (its maximum), 8 s a shot
  (`planned_shots`): the seconds the existing shot lists don't cover, or the whole target while the
  script is still to be written (or rewritten), when it is assumed to have a scene per `SCENE_SECONDS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal

from core.costs import stage_cost
from core.costs.estimates import (
    CHARS_PER_TOKEN,
    DEFAULT_SHOT_SECONDS,
    EXPECTED_OUTPUT_TOKENS,
    Estimate,
    Estimator,
    ShotPlan,
    planned_shots,
)
from core.costs.price_book import ZERO
from core.film.statuses import SceneStatus, StageStatus
from core.pipeline import Item, Per, Scope, feeder, generating_stages, producer_of, scene_source, stage

SCENE_SECONDS = 60  # before the script: one scene a minute of film
ASSUMED_ASSETS = 6  # before Stage 5: a short film's usual few characters, locations and props
# `outdated` is a flag; the version is still valid
DONE = frozenset({StageStatus.DRAFT, StageStatus.LOCKED, StageStatus.OUTDATED})
UNIT_WORDS = {"input_token": "tokens", "output_token": "tokens", "image": "images", "video_second": "s of video"}


@dataclass(frozen=True)
class ShotProgress:
    """One shot of the shot list and what has been made for it."""

    duration: Decimal = Decimal(DEFAULT_SHOT_SECONDS)
    requires_end_frame: bool = True
    prompted: bool = False
    start_frame: bool = False
    end_frame: bool = False
    clip: bool = False
    invalidated: bool = False  # by a global change: its scene's shot list is to be made again

    @property
    def plan(self) -> ShotPlan:
        return ShotPlan(Decimal(self.duration), self.requires_end_frame)


@dataclass(frozen=True)
class SceneProgress:
    """A scene of the script and its shots (none before its shot list)."""

    number: int
    status: str = SceneStatus.DRAFT  # a SceneStatus, or its value as the row has it
    excerpt_chars: int = 0
    shots: tuple[ShotProgress, ...] = ()
    planned: bool = False  # shots planned from the target length: no shot list yet

    @property
    def seconds(self) -> Decimal:
        return sum((Decimal(shot.duration) for shot in self.shots), ZERO)


@dataclass(frozen=True)
class FilmProgress:
    """Everything the projection reads about one branch."""

    target_seconds: int
    narrative_chars: int = 0
    stage_status: dict[int, str] = field(default_factory=dict)  # latest version's status, by stage number
    scenes: tuple[SceneProgress, ...] = ()
    assets: int = 0
    assets_without_image: int = 0
    stage_chars: dict[int, int] = field(default_factory=dict)  # latest version's content size, by stage number

    def done(self, stage_number: int) -> bool:
        return self.stage_status.get(stage_number) in DONE

    def made_chars(self, stage_number: int, expected: int) -> int:
        """The size of a stage's output, the next stage's input: what it holds when done, else `expected`."""
        made = self.stage_chars.get(stage_number) if self.done(stage_number) else None
        return made or expected


@dataclass(frozen=True)
class ProjectionLine:
    """One stage's remaining work, priced."""

    stage_number: int
    what: str
    estimate: Estimate

    @property
    def credits(self) -> Decimal:
        return self.estimate.total

    @property
    def shadow_credits(self) -> Decimal:
        return self.estimate.shadow_total

    @property
    def online_credits(self) -> Decimal:
        """At online prices: the credits of online work plus the shadow price of offline work."""
        return self.credits + self.shadow_credits

    @property
    def quantity(self) -> str:
        """The units to make, in words: `30 images`, `9,600 tokens`, `120 s of video`."""
        units: dict[str, Decimal] = {}
        for item in self.estimate.items:
            word = UNIT_WORDS[item.unit]
            units[word] = units.get(word, ZERO) + item.units
        return ", ".join(f"{amount.normalize():,f} {word}" for word, amount in units.items())


@dataclass(frozen=True)
class Projection:
    """The priced remaining work, stage by stage, and how the shots were counted."""

    lines: tuple[ProjectionLine, ...]
    price_book_version: str
    shots_from_target: int = 0  # shots estimated from the target length, not yet in a shot list

    @property
    def total(self) -> Decimal:
        return sum((line.credits for line in self.lines), ZERO)

    @property
    def shadow_total(self) -> Decimal:
        return sum((line.shadow_credits for line in self.lines), ZERO)

    @property
    def online_total(self) -> Decimal:
        return self.total + self.shadow_total

    def rows(self) -> list[dict]:
        return [{"stage_number": line.stage_number, "what": line.what, "quantity": line.quantity,
                 "credits": line.credits, "shadow_credits": line.shadow_credits,
                 "online_credits": line.online_credits} for line in self.lines]


def project_to_finish(progress: FilmProgress, estimator: Estimator) -> Projection:
    """The cost of every stage still to do on the branch.

    Args:
        progress: what exists on the branch.
        estimator: the price book and the models that will run.
    Returns:
        One line per stage with work left (none when the film is finished).
    """
    scenes, from_target = _scenes_to_make(progress)
    lines = (*_global_lines(progress, estimator, len(scenes)), *_scene_lines(scenes, estimator))
    return Projection(tuple(line for line in lines if line.estimate.items and _has_units(line)),
                      estimator.book.version, from_target)


def scene_costs(progress: FilmProgress, estimator: Estimator) -> dict[int, Estimate]:
    """What finishing each scene costs, by scene number: the scene lines of the film's projection, scene by scene
    (scenes without a shot list sized as the projection sizes them, from the target length)."""
    scenes, _ = _scenes_to_make(progress)
    empty = Estimate("finish the scene", (), estimator.book.version)
    return {scene.number: _sum([line.estimate for line in _scene_lines((scene,), estimator)] or [empty])
            for scene in scenes}


def _has_units(line: ProjectionLine) -> bool:
    return any(item.units for item in line.estimate.items)


def _global_lines(progress: FilmProgress, estimator: Estimator, scene_count: int) -> list[ProjectionLine]:
    """Each global stage's cost parts still to pay: its text call until it is done, its images until drawn."""
    lines = []
    for spec in (s for s in generating_stages() if s.is_global):
        for part in spec.cost:
            if part.per is Per.FEED and not progress.done(spec.number):
                label = part.label.format(variants=part.calls, scenes=scene_count)
                estimate = stage_cost.text_estimate(part, estimator, _feed_chars(progress, spec.number),
                                                    progress.target_seconds)
                lines.append(ProjectionLine(spec.number, label, estimate))
            elif part.per is Per.ASSET:
                images = progress.assets_without_image if progress.done(spec.number) else (progress.assets or ASSUMED_ASSETS)
                lines.append(ProjectionLine(spec.number, part.label.format(images=images),
                                            stage_cost.unit_estimate(part, estimator, images)))
    return lines


def _feed_chars(progress: FilmProgress, number: int) -> int:
    """What a stage will read: the creator's text, or its feeder's output as made (else as expected)."""
    source = feeder(number)
    if source is None or stage(source).scope is Scope.PROJECT:
        return progress.narrative_chars
    return progress.made_chars(source, stage_cost.expected_output_chars(stage(source), progress.target_seconds))


def _scenes_to_make(progress: FilmProgress) -> tuple[tuple[SceneProgress, ...], int]:
    """The branch's scenes, with planned shots for those without a shot list; and how many were planned."""
    scenes = progress.scenes if progress.done(4) and progress.scenes else _planned_scenes(progress.target_seconds)
    unsized = [scene for scene in scenes if not scene.shots]
    if not unsized:
        return scenes, 0
    listed = sum((scene.seconds for scene in scenes), ZERO)
    uncovered = max(Decimal(progress.target_seconds) - listed, Decimal(DEFAULT_SHOT_SECONDS * len(unsized)))
    pool = [ShotProgress(plan.duration, plan.requires_end_frame)
            for plan in planned_shots(int(uncovered.to_integral_value(rounding=ROUND_CEILING)))]
    dealt = iter(_deal(pool, len(unsized)))
    sized = tuple(scene if scene.shots else replace(scene, shots=next(dealt), planned=True) for scene in scenes)
    return sized, len(pool)


def _planned_scenes(target_seconds: int) -> tuple[SceneProgress, ...]:
    count = max(1, -(-int(target_seconds) // SCENE_SECONDS))
    chars = stage_cost.expected_output_chars(scene_source(), target_seconds) // count
    return tuple(SceneProgress(number, SceneStatus.DRAFT, chars) for number in range(1, count + 1))


def _deal(shots: list[ShotProgress], hands: int) -> list[tuple[ShotProgress, ...]]:
    """Share the planned shots among the scenes without a shot list, in turn."""
    return [tuple(shots[index::hands]) for index in range(hands)]


def _scene_lines(scenes: Iterable[SceneProgress], estimator: Estimator) -> list[ProjectionLine]:
    scenes = tuple(scenes)
    listing = [scene for scene in scenes if _needs_shot_list(scene)]
    prompting = [scene for scene in scenes
                 if _needs_shot_list(scene) or not all(shot.prompted for shot in scene.shots)]
    frames = [plan for scene in scenes for plan in _frames_to_make(scene)]
    clips = [shot.plan for scene in scenes for shot in scene.shots if _redo(scene) or not shot.clip]
    lines = []
    if listing:
        estimate = _sum(estimator.shot_list(scene.excerpt_chars) for scene in listing)
        lines.append(ProjectionLine(producer_of(Item.SHOT).number, f"Shot lists ({_scenes(len(listing))})", estimate))
    if prompting:
        shot_list_chars = EXPECTED_OUTPUT_TOKENS["shot_list"] * CHARS_PER_TOKEN
        estimate = estimator.text_call("prompt_segmentation", shot_list_chars, calls=len(prompting))
        lines.append(ProjectionLine(producer_of(Item.PROMPT).number, f"Frame and video prompts ({_scenes(len(prompting))})", estimate))
    if frames:
        lines.append(ProjectionLine(producer_of(Item.FRAME).number, f"Anchor frames ({len(frames)} shots)", estimator.frames(frames)))
    if clips:
        lines.append(ProjectionLine(producer_of(Item.CLIP).number, f"Clips ({len(clips)} shots)", estimator.clips(clips)))
    return lines


def _needs_shot_list(scene: SceneProgress) -> bool:
    return scene.planned or scene.status == SceneStatus.OUTDATED or any(shot.invalidated for shot in scene.shots)


def _redo(scene: SceneProgress) -> bool:
    """Frames and clips made before an upstream change don't count."""
    return scene.status in (SceneStatus.OUTDATED, SceneStatus.CONTINUITY_BROKEN) or any(shot.invalidated for shot in scene.shots)


def _frames_to_make(scene: SceneProgress) -> list[ShotPlan]:
    """A plan per shot missing a frame: its start frame (and maybe its end), or only its end.

    An end frame alone costs one image, as a start frame does, so it is a plan without an end frame.
    """
    plans = []
    for shot in scene.shots:
        start = _redo(scene) or not shot.start_frame
        end = shot.requires_end_frame and (_redo(scene) or not shot.end_frame)
        if start or end:
            plans.append(ShotPlan(Decimal(shot.duration), start and end))
    return plans


def _sum(estimates: Iterable[Estimate]) -> Estimate:
    """One estimate of several calls of one task, all from the same estimator."""
    estimates = list(estimates)
    items = tuple(item for estimate in estimates for item in estimate.items)
    return Estimate(estimates[0].action, items, estimates[0].price_book_version)


def _scenes(count: int) -> str:
    return f"{count} scene" if count == 1 else f"{count} scenes"
