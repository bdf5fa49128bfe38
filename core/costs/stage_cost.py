"""A stage's cost model priced: the registry's `Cost` parts times the estimator's prices. Pure.

Every reader of a stage's cost (the estimate before generating, the cost to regenerate what a change
invalidates, the projection to finish) prices it here, from the stage spec, so they agree.
"""

from __future__ import annotations

from core.costs.estimates import (
    CHARS_PER_TOKEN,
    EXPECTED_OUTPUT_TOKENS,
    SCRIPT_TOKENS_PER_MINUTE,
    Estimate,
    Estimator,
)
from core.pipeline import Cost, Per, Stage


def feed_cost(spec: Stage) -> Cost | None:
    """The stage's text call that reads its upstream (what generating it calls a model for)."""
    return next((part for part in spec.cost if part.per is Per.FEED), None)


def text_estimate(part: Cost, estimator: Estimator, feed_chars: int, target_seconds: int) -> Estimate:
    """`part.calls` calls of the part's task reading `feed_chars` characters."""
    what = f"{part.task} ({part.calls} variants)" if part.calls > 1 else None
    return estimator.text_call(part.task, feed_chars, calls=part.calls, what=what,
                               output_tokens=expected_output_tokens(part, target_seconds))


def generation_estimate(spec: Stage, estimator: Estimator, feed_chars: int, target_seconds: int) -> Estimate | None:
    """What generating the stage's version costs (None: it calls no model)."""
    part = feed_cost(spec)
    return None if part is None else text_estimate(part, estimator, feed_chars, target_seconds)


def expected_output_tokens(part: Cost, target_seconds: int) -> int:
    """The size of one answer: the task's usual size, or for the script, a page a minute of film."""
    usual = EXPECTED_OUTPUT_TOKENS[part.task]
    if not part.grows_with_film:
        return usual
    return max(usual, -(-int(target_seconds) // 60) * SCRIPT_TOKENS_PER_MINUTE)


def expected_output_chars(spec: Stage, target_seconds: int) -> int:
    """What the stage is expected to write, in characters (what the next stage will read)."""
    part = feed_cost(spec)
    return 0 if part is None else expected_output_tokens(part, target_seconds) * CHARS_PER_TOKEN


def scene_cost(spec: Stage) -> Cost | None:
    """The per-scene stage's text call (one a scene: a shot list, a visual definition, a prompt polish)."""
    return next((part for part in spec.cost if part.per is Per.SCENE), None)


def scene_estimate(spec: Stage, estimator: Estimator, feed_chars: int) -> Estimate | None:
    """What generating one scene's version of the stage costs, reading `feed_chars` of the scene (None: no call)."""
    part = scene_cost(spec)
    return None if part is None else estimator.text_call(part.task, feed_chars)


def unit_estimate(part: Cost, estimator: Estimator, count: int) -> Estimate:
    """A per-unit part (one image per asset, ...) for `count` units."""
    if part.per in (Per.ASSET, Per.INSTANCE):
        return estimator.asset_images(count)
    raise ValueError(f"{part.per} parts are priced from shot plans, not a count")
