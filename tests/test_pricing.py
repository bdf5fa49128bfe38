"""The price book and the estimators: pure, exact Decimal arithmetic, no database."""

import json
from decimal import Decimal

import pytest

from core.costs.estimates import (
    DEFAULT_ONLINE_MODELS,
    OFFLINE_MODELS,
    Estimator,
    ModelLineup,
    ShotPlan,
    charge_for_usage,
    estimated_tokens,
    planned_shots,
)
from core.costs.price_book import InvalidPriceBook, UnpricedModel, load_price_book, split_model_key
from core.providers.base import Usage

D = Decimal
BOOK = load_price_book()
ONLINE = ModelLineup("google:gemini-2.5-flash", "openai:gpt-image-1", "google:veo-3")


# --- the price book ---------------------------------------------------------------------------

def test_the_repo_price_book_loads_with_a_version_in_dollars():
    assert BOOK.version == "2026-12-01"  # the version that added Veo 3.1 (issue 10); 2025-07-01 is kept below
    assert BOOK.currency == "USD"


def test_the_earlier_book_is_kept_for_the_rows_charged_under_it_and_the_new_one_only_adds():
    from core.costs.price_book import PAST_PRICE_BOOKS

    old = load_price_book(PAST_PRICE_BOOKS / "2025-07-01.json")
    assert old.version == "2025-07-01"
    assert {p.key: p for p in old.models} == {p.key: p for p in BOOK.models if p.key in {m.key for m in old.models}}
    added = {p.key for p in BOOK.models} - {p.key for p in old.models}
    assert added == {"google:veo-3.1-generate-preview", "google:veo-3.1-fast-generate-preview"}
    assert BOOK.price("google:veo-3.1-generate-001").per_video_second == D("0.40")  # Vertex's name, same model
    assert BOOK.price("google:veo-3.1-fast-generate-preview").per_video_second == D("0.15")
    assert all("source" in BOOK.price(key).note for key in added)


@pytest.mark.parametrize("key, kind, field, price", [
    ("openai:gpt-4o-mini", "text", "input_per_1m", "0.15"),
    ("openai:gpt-4o-mini", "text", "output_per_1m", "0.60"),
    ("openai:gpt-4.1-mini", "text", "output_per_1m", "1.60"),
    ("anthropic:claude-sonnet-4", "text", "output_per_1m", "15.00"),
    ("anthropic:claude-haiku", "text", "input_per_1m", "0.80"),  # an alias of claude-3-5-haiku
    ("google:gemini-2.5-flash", "text", "output_per_1m", "2.50"),
    ("google:gemini-2.5-flash-image", "image", "per_image", "0.039"),
    ("openai:gpt-image-1", "image", "per_image", "0.063"),
    ("google:veo-3", "video", "per_video_second", "0.75"),
    ("offline:draft-writer", "text", "output_per_1m", "0"),
    ("offline:storyboard", "image", "per_image", "0"),
    ("offline:animatic", "video", "per_video_second", "0"),
])
def test_the_book_prices_each_model_exactly(key, kind, field, price):
    model = BOOK.price(key)
    assert model.kind == kind
    assert getattr(model, field) == D(price)
    assert isinstance(getattr(model, field), Decimal)


def test_dated_api_ids_find_their_model():
    assert BOOK.price("anthropic:claude-sonnet-4-20250514").key == "anthropic:claude-sonnet-4"
    assert BOOK.price("anthropic:claude-sonnet-4-5").key == "anthropic:claude-sonnet-4"


def test_an_unknown_model_names_itself_and_the_known_ones():
    with pytest.raises(UnpricedModel, match=r"'openai:gpt-9'.*openai:gpt-4o-mini"):
        BOOK.price("openai:gpt-9")


def test_a_dict_override_patches_one_price_and_gets_its_own_version():
    book = load_price_book({"providers": {"openai": {"gpt-4o-mini": {"input_per_1m": 0.1}}}})
    assert book.price("openai:gpt-4o-mini").input_per_1m == D("0.1")  # the float 0.1, read as written
    assert book.price("openai:gpt-4o-mini").output_per_1m == D("0.60")  # untouched
    assert book.price("google:veo-3").per_video_second == D("0.75")
    assert book.version.startswith("2026-12-01+override.")
    assert load_price_book({"providers": {"openai": {"gpt-4o-mini": {"input_per_1m": 0.1}}}}).version == book.version
    assert load_price_book({"version": "studio-2", "providers": {}}).version == "studio-2"


def test_a_dict_override_can_add_a_model():
    book = load_price_book({"providers": {"acme": {"reel": {"kind": "video", "per_video_second": "0.05"}}}})
    assert book.price("acme:reel").per_video_second == D("0.05")


def test_a_path_override_is_a_whole_book(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"version": "house-1", "providers": {"google": {"veo-3": {
        "kind": "video", "per_video_second": "0.40"}}}}))
    book = load_price_book(path)
    assert (book.version, book.price("google:veo-3").per_video_second) == ("house-1", D("0.40"))
    with pytest.raises(UnpricedModel):
        book.price("openai:gpt-4o-mini")


@pytest.mark.parametrize("raw, problem", [
    ({"providers": {"x": {"y": {"kind": "text"}}}}, "version"),
    ({"version": "v", "providers": {"x": {"y": {"kind": "audio"}}}}, "kind"),
    ({"version": "v", "providers": {"x": {"y": {"kind": "image", "per_image": "-1"}}}}, "zero or more"),
    ({"version": "v", "providers": {"x": {"y": {"kind": "image", "per_image": "cheap"}}}}, "not a number"),
    ({"version": "v", "providers": {"x": {"y": {"kind": "image", "per_image": True}}}}, "must be a number"),
])
def test_a_bad_price_book_is_refused_with_the_field_at_fault(tmp_path, raw, problem):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(InvalidPriceBook, match=problem):
        load_price_book(path)


def test_model_keys_split_into_provider_and_model():
    assert split_model_key("offline:storyboard") == ("offline", "storyboard")
    with pytest.raises(ValueError):
        split_model_key("gpt-4o-mini")


# --- estimators --------------------------------------------------------------------------------

def test_tokens_are_characters_over_four_rounded_up():
    assert [estimated_tokens(n) for n in (0, 1, 4, 5, 4000)] == [0, 1, 1, 2, 1000]


SHOTS = (ShotPlan(D(8), True), ShotPlan(D(8), False), ShotPlan(D(4), True))

# (name, estimate on ONLINE models, expected line items as (unit, units), expected total)
ONLINE_CASES = [
    # 3 variants x (600 template + 1000 prompt tokens) in, 3 x 1000 out, on gemini-2.5-flash
    ("treatment", lambda e: e.treatment(4000), [("input_token", 4800), ("output_token", 3000)],
     D("0.00144") + D("0.0075")),
    ("beat sheet", lambda e: e.beat_sheet(2000), [("input_token", 1100), ("output_token", 1200)],
     D("0.00033") + D("0.003")),
    # a 3-minute film: 3 x 500 tokens stays at the 1,500 floor; a 10-minute one grows to 5,000
    ("short script", lambda e: e.master_script(400, 180), [("input_token", 700), ("output_token", 1500)],
     D("0.00021") + D("0.00375")),
    ("long script", lambda e: e.master_script(400, 600), [("input_token", 700), ("output_token", 5000)],
     D("0.00021") + D("0.0125")),
    ("asset extraction", lambda e: e.asset_extraction(8000), [("input_token", 2600), ("output_token", 1500)],
     D("0.00078") + D("0.00375")),
    ("one image per asset", lambda e: e.asset_images(5), [("image", 5)], D("0.315")),
    ("start frame per shot, end frame when required", lambda e: e.frames(SHOTS), [("image", 3), ("image", 2)],
     D("0.315")),
    ("seconds of video per shot", lambda e: e.clips(SHOTS), [("video_second", 20)], D("15.00")),
    ("shots planned from the target length", lambda e: e.clips(planned_shots(60)), [("video_second", 64)],
     D("48.00")),
]


@pytest.mark.parametrize("name, estimate, items, total", ONLINE_CASES, ids=[case[0] for case in ONLINE_CASES])
def test_online_estimates(name, estimate, items, total):
    result = estimate(Estimator(BOOK, models=ONLINE, online=ONLINE))
    assert [(item.unit, item.units) for item in result.items] == [(unit, D(units)) for unit, units in items]
    assert result.total == total
    assert result.shadow_total == 0  # online work has no shadow: it is the real price
    assert result.price_book_version == BOOK.version
    assert all(item.credits == (item.units * item.unit_price).quantize(D("0.000001")) for item in result.items)


@pytest.mark.parametrize("name, estimate, items, total", ONLINE_CASES, ids=[case[0] for case in ONLINE_CASES])
def test_offline_estimates_cost_nothing_and_carry_the_online_shadow_price(name, estimate, items, total):
    result = estimate(Estimator(BOOK, models=OFFLINE_MODELS, online=ONLINE))
    assert result.total == 0
    assert result.shadow_total == total
    assert {item.model_key.split(":")[0] for item in result.items} == {"offline"}
    assert {item.shadow_model for item in result.items} <= set(vars(ONLINE).values())


def test_the_shadow_follows_the_configured_online_models():
    cheap = Estimator(BOOK, online=DEFAULT_ONLINE_MODELS).frames(SHOTS)  # gemini image at 0.039
    dear = Estimator(BOOK, online=ONLINE).frames(SHOTS)  # gpt-image-1 at 0.063
    assert (cheap.shadow_total, dear.shadow_total) == (D("0.195"), D("0.315"))


def test_planned_shots_cover_the_target_length_in_eight_second_shots():
    assert [len(planned_shots(s)) for s in (1, 8, 9, 60, 180)] == [1, 1, 2, 8, 23]
    assert ShotPlan.from_row({"duration": 6, "requires_end_frame": False}) == ShotPlan(D(6), False)


@pytest.mark.parametrize("estimate, usage", [
    (lambda e: e.asset_images(7), Usage(images=7)),
    (lambda e: e.frames(SHOTS), Usage(images=5)),
    (lambda e: e.clips(SHOTS), Usage(video_seconds=20.0)),
    (lambda e: e.clips([ShotPlan(D("5.5"))]), Usage(video_seconds=5.5)),
])
@pytest.mark.parametrize("models", [ONLINE, DEFAULT_ONLINE_MODELS, OFFLINE_MODELS])
def test_image_and_second_prices_charge_exactly_the_estimate(estimate, usage, models):
    planned = estimate(Estimator(BOOK, models=models, online=ONLINE))
    charge = charge_for_usage(BOOK, planned.items[0].model_key, usage, online_model=planned.items[0].shadow_model,
                              action=planned.action)
    assert charge == planned.charge()
    assert (charge.credits, charge.shadow_credits) == (planned.total, planned.shadow_total)


def test_a_text_charge_keeps_both_token_counts_and_no_single_unit_price():
    charge = charge_for_usage(BOOK, "anthropic:claude-sonnet-4", Usage(input_tokens=2000, output_tokens=1000))
    assert (charge.unit, charge.units, charge.unit_price) == ("token", D(3000), None)
    assert (charge.input_tokens, charge.output_tokens) == (2000, 1000)
    assert charge.credits == D("0.006") + D("0.015")


def test_estimates_add_up_but_one_charge_is_one_model():
    both = Estimator(BOOK, models=ONLINE).asset_images(2) + Estimator(BOOK, models=ONLINE).clips(SHOTS)
    assert both.total == D("0.126") + D("15.00")
    assert len(both.rows()) == 2
    with pytest.raises(ValueError, match="one model"):
        both.charge()
