"""The ledger on the real database: idempotent charges, reservations, the atomic budget, spend reports."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest

from core.costs.estimates import OFFLINE_MODELS, Estimator, ModelLineup, ShotPlan, charge_for_usage
from core.costs.ledger import (
    ChargedTo,
    budget_check,
    ledger_entries,
    record_charge,
    release,
    reserve,
    settle,
    spend_report,
)
from core.costs.price_book import load_price_book
from core.errors import BudgetExceeded, NotFound
from core.providers.base import Usage
from core.story.projects import create_project
from db import ledger as ledger_rows

pytestmark = pytest.mark.db

D = Decimal
BOOK = load_price_book()
ONLINE = ModelLineup("openai:gpt-4o-mini", "google:gemini-2.5-flash-image", "google:veo-3")
PRICED = Estimator(BOOK, models=ONLINE)
SIXTY_CENTS = PRICED.clips([ShotPlan(D("0.8"))])  # 0.8 s of Veo 3 at $0.75 a second


@pytest.fixture
def owner(studio, make_user, project_input):
    """Make a user and a project with the given budget; returns (user, project ref)."""

    def make(budget=None):
        user = make_user()
        return user, create_project(studio.db, user.id, {**project_input, "budget_credits": budget})

    return make


def _spent(studio, user, project_id):
    with studio.db.as_user(user.id) as conn:
        return ledger_rows.spent(conn, project_id)


def _rows(studio, user, project_id):
    return ledger_entries(studio.db, user.id, project_id)


def test_recording_the_same_key_twice_writes_one_row_and_charges_once(studio, owner):
    user, ref = owner()
    charge = PRICED.asset_images(3).charge()
    with studio.db.as_user(user.id) as conn:
        first = record_charge(conn, ref.project_id, charge, key="job-1:assets")
    with studio.db.as_user(user.id) as conn:
        again = record_charge(conn, ref.project_id, charge, key="job-1:assets")
    assert again["id"] == first["id"]
    assert first["status"] == "settled" and first["settled_at"] is not None
    assert len(_rows(studio, user, ref.project_id)) == 1
    assert _spent(studio, user, ref.project_id) == D("0.117")


def test_a_reservation_settles_once_with_the_actual_usage(studio, owner):
    user, ref = owner(budget=5)
    estimate = PRICED.beat_sheet(2000)
    with studio.db.as_user(user.id) as conn:
        held = reserve(conn, ref.project_id, estimate, key="job-2:beats", charged_to=ChargedTo(ref.branch_id, 3))
    assert (held["status"], held["credits"], held["estimated_credits"]) == ("reserved", estimate.total, estimate.total)
    actual = charge_for_usage(BOOK, "openai:gpt-4o-mini", Usage(input_tokens=1500, output_tokens=2000))
    with studio.db.as_user(user.id) as conn:
        settled = settle(conn, "job-2:beats", actual)
    with studio.db.as_user(user.id) as conn:
        assert settle(conn, "job-2:beats", actual)["id"] == settled["id"]
    # text settles at its actual tokens, above the estimate here; its rates live in the price book version
    assert (settled["status"], settled["credits"]) == ("settled", D("0.000225") + D("0.0012"))
    assert (settled["input_tokens"], settled["output_tokens"], settled["unit_price"]) == (1500, 2000, None)
    assert (settled["stage_number"], settled["branch_id"]) == (3, ref.branch_id)
    assert settled["price_book_version"] == BOOK.version
    assert _spent(studio, user, ref.project_id) == settled["credits"]


@pytest.mark.parametrize("estimate, usage", [
    (PRICED.asset_images(4), Usage(images=4)),
    (PRICED.frames([ShotPlan(D(8), True), ShotPlan(D(8), False)]), Usage(images=3)),
    (PRICED.clips([ShotPlan(D(8)), ShotPlan(D(6))]), Usage(video_seconds=14.0)),
], ids=["asset images", "frames", "video seconds"])
def test_image_and_second_priced_work_is_charged_exactly_its_estimate(studio, owner, estimate, usage):
    user, ref = owner(budget=100)
    with studio.db.as_user(user.id) as conn:
        held = reserve(conn, ref.project_id, estimate, key="job-3")
    with studio.db.as_user(user.id) as conn:
        row = settle(conn, "job-3", charge_for_usage(BOOK, estimate.items[0].model_key, usage))
    assert row["credits"] == held["estimated_credits"] == estimate.total
    assert (row["units"], row["unit_price"]) == (held["units"], estimate.items[0].unit_price)
    assert _spent(studio, user, ref.project_id) == estimate.total


def test_over_budget_work_is_refused_before_anything_is_written(studio, owner):
    user, ref = owner(budget=1)
    with studio.db.as_user(user.id) as conn:
        reserve(conn, ref.project_id, SIXTY_CENTS, key="job-4:a")
    with pytest.raises(BudgetExceeded) as refused, studio.db.as_user(user.id) as conn:
        reserve(conn, ref.project_id, SIXTY_CENTS, key="job-4:b")
    assert "costs $0.60" in str(refused.value) and "$0.60 of the project's $1.00 budget" in str(refused.value)
    assert "leaving $0.40" in str(refused.value)
    assert refused.value.check.remaining == D("0.40")
    assert [row["idempotency_key"] for row in _rows(studio, user, ref.project_id)] == ["job-4:a"]


def test_a_project_without_a_budget_has_no_cap(studio, owner):
    user, ref = owner(budget=None)
    with studio.db.as_user(user.id) as conn:
        held = reserve(conn, ref.project_id, PRICED.clips([ShotPlan(D(8))] * 200), key="job-5")
    assert held["credits"] == D(1200)


def test_a_retried_reservation_returns_its_hold_instead_of_holding_twice(studio, owner):
    user, ref = owner(budget=1)
    with studio.db.as_user(user.id) as conn:
        first = reserve(conn, ref.project_id, SIXTY_CENTS, key="job-6")
    with studio.db.as_user(user.id) as conn:  # a second hold would pass the budget; a retry holds nothing new
        assert reserve(conn, ref.project_id, SIXTY_CENTS, key="job-6")["id"] == first["id"]
    assert _spent(studio, user, ref.project_id) == D("0.60")


def test_a_released_call_frees_its_hold_and_its_retry_is_checked_again(studio, owner):
    user, ref = owner(budget=1)
    with studio.db.as_user(user.id) as conn:
        reserve(conn, ref.project_id, SIXTY_CENTS, key="job-7")
    with studio.db.as_user(user.id) as conn:
        assert release(conn, "job-7")["credits"] == 0
    assert _spent(studio, user, ref.project_id) == 0
    with studio.db.as_user(user.id) as conn:
        reserve(conn, ref.project_id, SIXTY_CENTS, key="job-8")
    with pytest.raises(BudgetExceeded), studio.db.as_user(user.id) as conn:
        reserve(conn, ref.project_id, SIXTY_CENTS, key="job-7")
    with studio.db.as_user(user.id) as conn:
        release(conn, "job-8")
        again = reserve(conn, ref.project_id, SIXTY_CENTS, key="job-7")
    assert (again["status"], again["credits"]) == ("reserved", D("0.60"))
    assert len(_rows(studio, user, ref.project_id)) == 2


def test_two_concurrent_jobs_cannot_both_slip_under_the_budget(studio, owner):
    user, ref = owner(budget=1)
    inside = threading.Barrier(2, timeout=10)

    def job(n: int) -> str:
        try:
            with studio.db.as_user(user.id) as conn:
                inside.wait()  # both transactions are open before either reserves
                reserve(conn, ref.project_id, SIXTY_CENTS, key=f"job-9:{n}")
                time.sleep(0.3)  # keep the transaction open: without the lock the other would read 0 spent
            return "reserved"
        except BudgetExceeded as exc:
            return str(exc)

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(job, range(2)))
    assert sorted(outcomes)[-1] == "reserved" and outcomes.count("reserved") == 1
    assert "$0.60 of the project's $1.00 budget" in sorted(outcomes)[0]
    assert _spent(studio, user, ref.project_id) == D("0.60")


def test_offline_work_is_never_refused_and_records_its_shadow_price(studio, owner):
    user, ref = owner(budget=0)
    offline = Estimator(BOOK, models=OFFLINE_MODELS, online=ONLINE).frames([ShotPlan(D(8), True)])
    with studio.db.as_user(user.id) as conn:
        row = reserve(conn, ref.project_id, offline, key="job-10")
        row = settle(conn, "job-10", charge_for_usage(BOOK, "offline:storyboard", Usage(images=2),
                                                      online_model="google:gemini-2.5-flash-image"))
    assert (row["credits"], row["shadow_credits"], row["provider"]) == (0, D("0.078"), "offline")
    with pytest.raises(BudgetExceeded), studio.db.as_user(user.id) as conn:
        reserve(conn, ref.project_id, SIXTY_CENTS, key="job-11")


def test_nobody_charges_or_sees_another_creators_project(studio, owner):
    user, ref = owner(budget=10)
    stranger, theirs = owner()
    with studio.db.as_user(user.id) as conn:
        record_charge(conn, ref.project_id, SIXTY_CENTS.charge(), key="job-12")
    with pytest.raises(NotFound), studio.db.as_user(stranger.id) as conn:
        reserve(conn, ref.project_id, SIXTY_CENTS, key="job-13")
    assert _rows(studio, stranger, ref.project_id) == []
    with pytest.raises(NotFound), studio.db.as_user(stranger.id) as conn:
        settle(conn, "job-12", SIXTY_CENTS.charge())
    with pytest.raises(ValueError, match="already used"), studio.db.as_user(stranger.id) as conn:
        record_charge(conn, theirs.project_id, SIXTY_CENTS.charge(), key="job-12")  # the key is taken, unseen


def test_a_budget_preview_locks_and_holds_nothing(studio, owner):
    user, ref = owner(budget=1)
    with studio.db.as_user(user.id) as conn:
        check = budget_check(conn, ref.project_id, D("1.20"))
    assert (check.fits, check.spent, check.budget) == (False, 0, D(1))
    assert _rows(studio, user, ref.project_id) == []


def _scene(studio, user, branch_id):
    with studio.db.as_user(user.id) as conn:
        return conn.execute(
            """INSERT INTO scenes (branch_id, scene_number, slug, script_excerpt)
               VALUES (%s, 1, 'EXT. REEF - DAWN', 'Mara rows out.') RETURNING id""", [branch_id],
        ).fetchone()["id"]


def test_spend_by_stage_provider_model_branch_scene_and_day(studio, owner):
    user, ref = owner()
    scene_id = _scene(studio, user, ref.branch_id)
    offline = Estimator(BOOK, models=OFFLINE_MODELS, online=ONLINE)
    main, scene = ChargedTo(ref.branch_id, 2), ChargedTo(ref.branch_id, 12, scene_id)
    with studio.db.as_user(user.id) as conn:
        record_charge(conn, ref.project_id, PRICED.treatment(4000).charge(), key="a", charged_to=main)
        record_charge(conn, ref.project_id, offline.treatment(4000).charge(), key="b", charged_to=main)
        record_charge(conn, ref.project_id, PRICED.asset_images(3).charge(), key="c",
                      charged_to=ChargedTo(stage_number=5))
        reserve(conn, ref.project_id, PRICED.clips([ShotPlan(D(8))]), key="d", charged_to=scene)
        reserve(conn, ref.project_id, SIXTY_CENTS, key="e", charged_to=scene)
        release(conn, "e")
    with studio.db.as_service() as conn:
        conn.execute("UPDATE cost_ledger SET created_at = created_at - %s WHERE idempotency_key = 'a'",
                     [timedelta(days=1)])

    def report(group):
        return {row[group]: (row["credits"], row["held_credits"], row["shadow_credits"], row["calls"])
                for row in spend_report(studio.db, user.id, ref.project_id, group)}

    treatment = PRICED.treatment(4000).total  # 4800 x 0.15/1M + 3000 x 0.60/1M
    assert treatment == D("0.00252")
    assert report("stage_number") == {2: (treatment, 0, treatment, 2), 5: (D("0.117"), 0, 0, 1), 12: (0, D(6), 0, 1)}
    assert report("provider") == {"google": (D("0.117"), D(6), 0, 2), "offline": (0, 0, treatment, 1),
                                  "openai": (treatment, 0, 0, 1)}
    assert set(report("model")) == {"google:gemini-2.5-flash-image", "google:veo-3", "offline:draft-writer",
                                    "openai:gpt-4o-mini"}
    assert report("branch_id") == {ref.branch_id: (treatment, D(6), treatment, 3), None: (D("0.117"), 0, 0, 1)}
    assert report("scene_id") == {scene_id: (0, D(6), 0, 1), None: (treatment + D("0.117"), 0, treatment, 3)}
    days = report("day")
    assert len(days) == 2 and [calls for *_, calls in days.values()] == [1, 3]
    with pytest.raises(ValueError, match="grouped by"):
        spend_report(studio.db, user.id, ref.project_id, "user_id")
