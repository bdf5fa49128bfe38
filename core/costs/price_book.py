"""The price book: what every provider's model costs, versioned.

Credits are US dollars (1 credit = $1.00), so budgets, estimates and the ledger need no exchange
rate. Prices load as exact `Decimal`s, never floats.

The book that ships in the repo is `core/costs/price_book.json`. Settings may override it, read once at an
entry point and passed to `load_price_book`:

- a path: a complete price book of your own (it must declare its own `version`);
- a dict: a patch laid over the repo's book, provider by provider and model by model, e.g.
  `{"providers": {"openai": {"gpt-4o-mini": {"input_per_1m": "0.10"}}}}`. Its version is the one
  it declares, else `<repo version>+override.<hash of the patch>`, so a ledger row always says
  which prices it was charged under.

Models are named `provider:model` (`openai:gpt-4o-mini`, `offline:storyboard`), or by one of the
aliases the book lists (dated API ids such as `claude-sonnet-4-20250514`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

PRICE_BOOK_PATH = Path(__file__).with_name("price_book.json")
PAST_PRICE_BOOKS = Path(__file__).with_name("price_books")  # earlier versions, kept for the rows charged under them
OFFLINE_PROVIDER = "offline"
KINDS = ("text", "image", "video")
TOKENS_PER_PRICE = Decimal(1_000_000)  # token prices are quoted per 1M tokens
ZERO = Decimal(0)
_PRICE_FIELDS = ("input_per_1m", "output_per_1m", "per_image", "per_video_second")


class UnpricedModel(LookupError):
    """A model the price book has no price for; a configuration mistake, so say which one and what exists."""


class InvalidPriceBook(ValueError):
    """A price book (file or override) that doesn't parse: names the field at fault."""


@dataclass(frozen=True)
class ModelPrice:
    """What one model costs: per 1M input/output tokens, per image, per generated second of video."""

    provider: str
    model: str
    kind: str
    input_per_1m: Decimal = ZERO
    output_per_1m: Decimal = ZERO
    per_image: Decimal = ZERO
    per_video_second: Decimal = ZERO
    aliases: tuple[str, ...] = ()
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.model}"

    @property
    def offline(self) -> bool:
        return self.provider == OFFLINE_PROVIDER

    @property
    def per_input_token(self) -> Decimal:
        return self.input_per_1m / TOKENS_PER_PRICE

    @property
    def per_output_token(self) -> Decimal:
        return self.output_per_1m / TOKENS_PER_PRICE


@dataclass(frozen=True)
class PriceBook:
    """A versioned set of model prices; `price("openai:gpt-4o-mini")` looks one up."""

    version: str
    currency: str
    models: tuple[ModelPrice, ...]
    _index: dict[str, ModelPrice] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for price in self.models:
            for name in (price.model, *price.aliases):
                self._index[f"{price.provider}:{name}"] = price

    def price(self, model_key: str) -> ModelPrice:
        """The price of `provider:model` (or an alias); UnpricedModel if the book doesn't list it."""
        try:
            return self._index[model_key]
        except KeyError:
            known = ", ".join(sorted(price.key for price in self.models))
            raise UnpricedModel(
                f"The price book ({self.version}) has no price for {model_key!r}. Known models: {known}."
            ) from None

    def of_kind(self, kind: str) -> tuple[ModelPrice, ...]:
        return tuple(price for price in self.models if price.kind == kind)


def split_model_key(model_key: str) -> tuple[str, str]:
    """`"openai:gpt-4o-mini"` -> `("openai", "gpt-4o-mini")`."""
    provider, sep, model = model_key.partition(":")
    if not sep or not provider or not model:
        raise ValueError(f"model names look like 'provider:model', not {model_key!r}")
    return provider, model


def load_price_book(source: Path | str | Mapping | None = None) -> PriceBook:
    """The price book to charge with.

    Args:
        source: None for the repo's book; a path to a complete book; or a dict patched over the repo's book.
    Returns:
        The parsed, validated PriceBook.
    """
    if source is None:
        return default_price_book()
    if isinstance(source, Mapping):
        return parse_price_book(_patched(_read(PRICE_BOOK_PATH), source))
    return parse_price_book(_read(Path(source)))


@lru_cache(maxsize=1)
def default_price_book() -> PriceBook:
    return parse_price_book(_read(PRICE_BOOK_PATH))


def parse_price_book(raw: Mapping) -> PriceBook:
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        raise InvalidPriceBook("a price book needs a non-empty 'version' string")
    providers = raw.get("providers")
    if not isinstance(providers, Mapping) or not providers:
        raise InvalidPriceBook("a price book needs 'providers': {provider: {model: prices}}")
    models = tuple(
        _model_price(provider, model, entry)
        for provider, entries in providers.items()
        for model, entry in entries.items()
    )
    return PriceBook(version.strip(), str(raw.get("currency", "USD")), models)


def _model_price(provider: str, model: str, entry: Mapping) -> ModelPrice:
    where = f"{provider}:{model}"
    kind = entry.get("kind")
    if kind not in KINDS:
        raise InvalidPriceBook(f"{where}: 'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
    prices = {name: _money(entry.get(name, 0), f"{where}.{name}") for name in _PRICE_FIELDS}
    aliases = tuple(entry.get("aliases", ()))
    return ModelPrice(provider, model, kind, **prices, aliases=aliases, note=str(entry.get("note", "")))


def _money(value: object, where: str) -> Decimal:
    """An exact, non-negative price. Floats go through `str` so 0.1 means 0.1, not its binary neighbour."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise InvalidPriceBook(f"{where}: a price must be a number, not {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidPriceBook(f"{where}: {value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidPriceBook(f"{where}: a price must be zero or more, not {value!r}")
    return amount


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except FileNotFoundError:
        raise InvalidPriceBook(f"no price book at {path}") from None
    except json.JSONDecodeError as exc:
        raise InvalidPriceBook(f"{path} is not valid JSON: {exc}") from None


def _patched(base: dict, patch: Mapping) -> dict:
    merged = dict(base)
    providers = {provider: dict(models) for provider, models in base["providers"].items()}
    for provider, models in (patch.get("providers") or {}).items():
        target = providers.setdefault(provider, {})
        for model, entry in models.items():
            target[model] = {**target.get(model, {}), **entry}
    merged["providers"] = providers
    merged["version"] = patch.get("version") or f"{base['version']}+override.{_digest(patch)}"
    return merged


def _digest(patch: Mapping) -> str:
    canonical = json.dumps(patch, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:8]
