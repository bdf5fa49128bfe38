"""Estimates: what an action will cost before anything is spent. Pure: a price book in, exact Decimals out.

An `Estimate` is a list of line items (what, unit, units, unit price, credits) and their total.
Text is priced from estimated tokens: the prompt at `CHARS_PER_TOKEN` characters a token plus the
template around it, the answer at the size expected for its task. Images are priced per image and
video per generated second, so for those an estimate is exact: `Estimate.charge()` (what a
reservation holds) equals `charge_for_usage(...)` (what the call is charged) whenever the provider
returns the units asked for. Both go through `_line_items`, the one place units meet prices.

Offline models cost 0. Their line items also carry a shadow price: what the same units would cost
on the configured online model of the same kind (`Estimator.online`), so a creator working offline
sees what the film would have cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.costs.price_book import ZERO, ModelPrice, PriceBook
from core.providers.base import Usage

CHARS_PER_TOKEN = 4  # the usual English-prose rule of thumb
PROMPT_TEMPLATE_TOKENS = 600  # system prompt, instructions and output schema around the creator's text
EXPECTED_OUTPUT_TOKENS = {  # a typical answer per task
    "treatment": 1_000,  # one variant, ~750 words of prose
    "beat_sheet": 1_200,
    "master_script": 1_500,  # the floor; scripts grow with the film's length (SCRIPT_TOKENS_PER_MINUTE)
    "asset_extraction": 1_500,
    "shot_list": 1_500,  # one scene
    "visual_definition": 800,  # one scene: each asset's tags and override
    "prompt_segmentation": 1_200,  # one scene
}
SCRIPT_TOKENS_PER_MINUTE = 500  # about a screenplay page a minute, plus the scene list around it
TREATMENT_VARIANTS = 3
DEFAULT_SHOT_SECONDS = 8
CREDIT_QUANTUM = Decimal("0.000001")  # the ledger keeps credits to a millionth of a dollar


@dataclass(frozen=True)
class LineItem:
    """One priced quantity: `units` of `unit` at `unit_price` credits each."""

    what: str
    model_key: str
    unit: str  # "input_token" | "output_token" | "image" | "video_second"
    units: Decimal
    unit_price: Decimal
    credits: Decimal
    shadow_credits: Decimal = ZERO
    shadow_model: str | None = None


@dataclass(frozen=True)
class Charge:
    """One provider call (or one reserved action) as the ledger records it."""

    model_key: str
    unit: str  # "token" | "image" | "video_second"
    units: Decimal
    unit_price: Decimal | None  # None for "token": input and output tokens have different prices
    credits: Decimal
    shadow_credits: Decimal = ZERO
    input_tokens: int = 0
    output_tokens: int = 0
    price_book_version: str = ""
    action: str = ""

    @property
    def provider(self) -> str:
        return self.model_key.partition(":")[0]

    @property
    def model(self) -> str:
        return self.model_key.partition(":")[2]


@dataclass(frozen=True)
class Estimate:
    """What an action is expected to cost, item by item."""

    action: str
    items: tuple[LineItem, ...]
    price_book_version: str

    @property
    def total(self) -> Decimal:
        return sum((item.credits for item in self.items), ZERO)

    @property
    def shadow_total(self) -> Decimal:
        return sum((item.shadow_credits for item in self.items), ZERO)

    def __add__(self, other: Estimate) -> Estimate:
        if other.price_book_version != self.price_book_version:
            raise ValueError("estimates from different price book versions can't be added")
        return Estimate(f"{self.action} + {other.action}", self.items + other.items, self.price_book_version)

    def rows(self) -> list[dict]:
        """The line items as table rows for a page."""
        return [{"what": i.what, "model": i.model_key, "unit": i.unit, "units": i.units, "unit_price": i.unit_price,
                 "credits": i.credits, "shadow_credits": i.shadow_credits} for i in self.items]

    def charge(self) -> Charge:
        """The single ledger charge this estimate reserves; its items must all be one model's."""
        return _charge(self.items, self.price_book_version, self.action)


@dataclass(frozen=True)
class ModelLineup:
    """One model per kind of work, each named `provider:model`."""

    text: str
    image: str
    video: str

    def for_kind(self, kind: str) -> str:
        return {"text": self.text, "image": self.image, "video": self.video}[kind]


OFFLINE_MODELS = ModelLineup("offline:draft-writer", "offline:storyboard", "offline:animatic")
# the estimator's own fallback; the studio's lineup comes from settings (Veo 3.1 by default, core.providers.registry)
DEFAULT_ONLINE_MODELS = ModelLineup("openai:gpt-4o-mini", "google:gemini-2.5-flash-image", "google:veo-3")


@dataclass(frozen=True)
class ShotPlan:
    """What a shot costs to render: its seconds of video and whether it needs an end frame."""

    duration: Decimal = Decimal(DEFAULT_SHOT_SECONDS)
    requires_end_frame: bool = True

    @classmethod
    def from_row(cls, row: Mapping) -> ShotPlan:
        """From a `shots` row (or any mapping with `duration` and `requires_end_frame`)."""
        return cls(_decimal(row.get("duration", DEFAULT_SHOT_SECONDS)), bool(row.get("requires_end_frame", True)))


def planned_shots(target_seconds: int, shot_seconds: int = DEFAULT_SHOT_SECONDS) -> tuple[ShotPlan, ...]:
    """Before a shot list exists: the target length cut into full-length shots (clips render whole)."""
    count = max(1, -(-int(target_seconds) // shot_seconds))
    return tuple(ShotPlan(Decimal(shot_seconds)) for _ in range(count))


def estimated_tokens(chars: int) -> int:
    """Tokens in `chars` characters of prose, rounded up."""
    return -(-max(0, int(chars)) // CHARS_PER_TOKEN)


@dataclass(frozen=True)
class Estimator:
    """Estimates every action for the models that will run (`models`) and the online ones that shadow them."""

    book: PriceBook
    models: ModelLineup = OFFLINE_MODELS
    online: ModelLineup = DEFAULT_ONLINE_MODELS

    def text_call(self, task: str, prompt_chars: int, *, calls: int = 1, output_tokens: int | None = None,
                  what: str | None = None) -> Estimate:
        """`calls` calls of one text task, each reading `prompt_chars` of creator text."""
        per_call_in = PROMPT_TEMPLATE_TOKENS + estimated_tokens(prompt_chars)
        per_call_out = EXPECTED_OUTPUT_TOKENS[task] if output_tokens is None else output_tokens
        label = what or (task if calls == 1 else f"{task} ×{calls}")
        items = self._items("text", label, input_tokens=per_call_in * calls, output_tokens=per_call_out * calls)
        return Estimate(task, items, self.book.version)

    def treatment(self, narrative_chars: int) -> Estimate:
        return self.text_call("treatment", narrative_chars, calls=TREATMENT_VARIANTS,
                              what=f"treatment ({TREATMENT_VARIANTS} variants)")

    def beat_sheet(self, treatment_chars: int) -> Estimate:
        return self.text_call("beat_sheet", treatment_chars)

    def master_script(self, beat_sheet_chars: int, target_seconds: int) -> Estimate:
        minutes = -(-int(target_seconds) // 60)
        expected = max(EXPECTED_OUTPUT_TOKENS["master_script"], minutes * SCRIPT_TOKENS_PER_MINUTE)
        return self.text_call("master_script", beat_sheet_chars, output_tokens=expected)

    def asset_extraction(self, script_chars: int) -> Estimate:
        return self.text_call("asset_extraction", script_chars)

    def shot_list(self, scene_chars: int) -> Estimate:
        return self.text_call("shot_list", scene_chars)

    def prompt_segmentation(self, shot_list_chars: int) -> Estimate:
        return self.text_call("prompt_segmentation", shot_list_chars)

    def asset_images(self, asset_count: int) -> Estimate:
        """One reference image per asset."""
        return Estimate("asset_images", self._items("image", "asset reference images", images=asset_count),
                        self.book.version)

    def frames(self, shots: Iterable[ShotPlan]) -> Estimate:
        """A start frame per shot, and an end frame for each shot that requires one."""
        shots = tuple(shots)
        ends = sum(1 for shot in shots if shot.requires_end_frame)
        items = self._items("image", "start frames", images=len(shots))
        if ends:
            items += self._items("image", "end frames", images=ends)
        return Estimate("frames", items, self.book.version)

    def clips(self, shots: Iterable[ShotPlan]) -> Estimate:
        """Each shot's seconds of video."""
        seconds = sum((_decimal(shot.duration) for shot in shots), ZERO)
        return Estimate("clips", self._items("video", "video seconds", seconds=seconds), self.book.version)

    def _items(self, kind: str, what: str, **units: object) -> tuple[LineItem, ...]:
        price = self.book.price(self.models.for_kind(kind))
        shadow = self.book.price(self.online.for_kind(kind)) if price.offline else None
        return _line_items(price, shadow, what, **units)


def charge_for_usage(book: PriceBook, model_key: str, usage: Usage, *, online_model: str | None = None,
                     action: str = "") -> Charge:
    """What one call that reported `usage` is charged, by the same arithmetic as its estimate.

    Image models are priced per image and video models per second, whatever tokens they also report.
    `online_model` prices the shadow of an offline call.
    """
    price = book.price(model_key)
    shadow = book.price(online_model) if online_model and price.offline else None
    items = _line_items(price, shadow, action, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens,
                        images=usage.images, seconds=_decimal(usage.video_seconds))
    return _charge(items, book.version, action)


def credits_for(units: Decimal, unit_price: Decimal) -> Decimal:
    """Units times price, rounded half-up to the ledger's millionth of a credit."""
    return (Decimal(units) * unit_price).quantize(CREDIT_QUANTUM, rounding=ROUND_HALF_UP)


def _line_items(price: ModelPrice, shadow: ModelPrice | None, what: str, *, input_tokens: int = 0,
                output_tokens: int = 0, images: int = 0, seconds: Decimal = ZERO) -> tuple[LineItem, ...]:
    if shadow is not None and shadow.kind != price.kind:
        raise ValueError(f"{shadow.key} is a {shadow.kind} model; it can't shadow-price {price.key}")
    if price.kind == "text":
        quantities = [("input_token", Decimal(input_tokens), "per_input_token"),
                      ("output_token", Decimal(output_tokens), "per_output_token")]
    elif price.kind == "image":
        quantities = [("image", Decimal(images), "per_image")]
    else:
        quantities = [("video_second", _decimal(seconds), "per_video_second")]
    return tuple(_item(price, shadow, what, unit, units, rate) for unit, units, rate in quantities)


def _item(price: ModelPrice, shadow: ModelPrice | None, what: str, unit: str, units: Decimal, rate: str) -> LineItem:
    shadow_credits = credits_for(units, getattr(shadow, rate)) if shadow else ZERO
    return LineItem(what, price.key, unit, units, getattr(price, rate), credits_for(units, getattr(price, rate)),
                    shadow_credits, shadow.key if shadow else None)


def _charge(items: tuple[LineItem, ...], version: str, action: str) -> Charge:
    models = {item.model_key for item in items}
    if len(models) != 1:
        raise ValueError(f"one charge is one model's; this has {len(models)} ({', '.join(sorted(models))})")
    credits = sum((item.credits for item in items), ZERO)
    shadow = sum((item.shadow_credits for item in items), ZERO)
    units_of = {unit: sum((i.units for i in items if i.unit == unit), ZERO) for unit in {i.unit for i in items}}
    if "input_token" in units_of or "output_token" in units_of:
        tokens_in, tokens_out = int(units_of.get("input_token", 0)), int(units_of.get("output_token", 0))
        return Charge(models.pop(), "token", Decimal(tokens_in + tokens_out), None, credits, shadow,
                      tokens_in, tokens_out, version, action)
    (unit, units), = units_of.items()
    return Charge(models.pop(), unit, units, items[0].unit_price, credits, shadow, price_book_version=version,
                  action=action)


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
