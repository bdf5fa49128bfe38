"""One truth for settings: the film's configuration is each branch's own Stage 1; the budget is the
project's, changed at any time, every change recorded and checked against what is already spent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from streamlit.testing.v1 import AppTest

from core.branches.forks import fork, switch_branch
from core.costs.budget import budget_history, set_budget
from core.costs.dashboard import cost_dashboard
from core.costs.estimates import OFFLINE_MODELS, Estimator, ModelLineup, ShotPlan
from core.costs.ledger import reserve
from core.costs.price_book import load_price_book
from core.errors import BudgetExceeded, InputRejected, NotFound
from core.invalidation.changes import load_snapshot
from core.story.projects import ProjectRef, create_project, list_projects, revise_stage_one
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.db

D = Decimal
BOOK = load_price_book()
ONLINE = ModelLineup("openai:gpt-4o-mini", "google:gemini-2.5-flash-image", "google:veo-3")
PRICED = Estimator(BOOK, models=ONLINE, online=ONLINE)
OFFLINE = Estimator(BOOK, models=OFFLINE_MODELS, online=ONLINE)
FRAMES = PRICED.frames([ShotPlan(D(8), True)])  # two images, $0.078
COSTS_PAGE = str(REPO_ROOT / "pages" / "costs.py")


def _budget(studio, user, ref) -> Decimal | None:
    return next(p["budget_credits"] for p in list_projects(studio.db, user.id) if p["id"] == ref.project_id)


def _hold(studio, user, ref, key: str) -> dict:
    with studio.db.as_user(user.id) as conn:
        return reserve(conn, ref.project_id, FRAMES, key=key)


# --- the budget -----------------------------------------------------------------------------------


def test_the_budget_is_raised_lowered_and_removed_with_every_change_recorded(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, {**project_input, "budget_credits": 0.05})
    with pytest.raises(BudgetExceeded):
        _hold(studio, user, ref, "frames-1")

    raised = set_budget(studio.db, user.id, ref.project_id, 10)
    assert (raised["old_budget"], raised["new_budget"], raised["changed_by"]) == (D("0.05"), D(10), user.id)
    assert _hold(studio, user, ref, "frames-1")["status"] == "reserved"  # the check reads the new budget

    set_budget(studio.db, user.id, ref.project_id, "2.5")
    set_budget(studio.db, user.id, ref.project_id, None)
    assert _budget(studio, user, ref) is None
    assert set_budget(studio.db, user.id, ref.project_id, None) is None  # the same budget is no change
    history = budget_history(studio.db, user.id, ref.project_id)
    assert [(h["old_budget"], h["new_budget"]) for h in history] == [
        (D("2.5"), None), (D(10), D("2.5")), (D("0.05"), D(10)), (None, D("0.05"))]  # newest first
    assert {h["changed_by"] for h in history} == {user.id}


def test_a_budget_below_what_is_spent_and_held_is_refused_and_changes_nothing(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, {**project_input, "budget_credits": 1})
    _hold(studio, user, ref, "frames-1")  # $0.078 held

    with pytest.raises(InputRejected) as refused:
        set_budget(studio.db, user.id, ref.project_id, "0.05")
    assert refused.value.field_errors["budget_credits"].startswith(
        "$0.078 is already spent or held, so the budget can't be $0.05")
    assert _budget(studio, user, ref) == D(1) and len(budget_history(studio.db, user.id, ref.project_id)) == 1

    with pytest.raises(InputRejected, match="0 or more"):
        set_budget(studio.db, user.id, ref.project_id, -3)
    assert set_budget(studio.db, user.id, ref.project_id, "0.078")["new_budget"] == D("0.078")  # exactly enough


def test_nobody_changes_another_creators_budget(studio, make_user, project_input):
    owner, other = make_user(), make_user()
    ref = create_project(studio.db, owner.id, {**project_input, "budget_credits": 5})
    with pytest.raises(NotFound):
        set_budget(studio.db, other.id, ref.project_id, 500)
    assert _budget(studio, owner, ref) == D(5)
    assert budget_history(studio.db, other.id, ref.project_id) == []


def test_the_budget_can_be_raised_after_stage_two_froze_stage_one(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, {**project_input, "budget_credits": 0.05})
    with studio.db.as_user(user.id) as conn:
        conn.execute("INSERT INTO stage_states (branch_id, stage_number, version, content) VALUES (%s, 2, 1, '{}')",
                     [ref.branch_id])
    set_budget(studio.db, user.id, ref.project_id, 20)
    assert _budget(studio, user, ref) == D(20)


# --- the film's configuration, per branch ----------------------------------------------------------


def test_a_fork_with_another_target_length_projects_and_estimates_from_its_own_stage_one(
        studio, make_user, project_input):
    user = make_user()
    main = create_project(studio.db, user.id, {**project_input, "target_length_min": 60, "target_length_max": 120})
    branch = fork(studio.db, user.id, main.project_id, main.branch_id, 1, "Feature", "a ten-minute cut")
    longer = ProjectRef(main.project_id, branch["id"])
    revise_stage_one(studio.db, user.id, longer, {**project_input, "title": "The Long Lighthouse",
                                                  "target_length_min": 300, "target_length_max": 600}, seen_version=1)

    on_main = cost_dashboard(studio.db, user.id, main.project_id, main.branch_id, PRICED).projection
    on_fork = cost_dashboard(studio.db, user.id, main.project_id, longer.branch_id, PRICED).projection
    assert (on_main.shots_from_target, on_fork.shots_from_target) == (15, 75)  # 120 s and 600 s at 8 s a shot
    assert on_fork.total > on_main.total
    with studio.db.as_user(user.id) as conn:
        assert load_snapshot(conn, main.branch_id).target_seconds == 120  # what invalidation estimates price
        assert load_snapshot(conn, longer.branch_id).target_seconds == 600

    [project] = list_projects(studio.db, user.id)
    assert project["title"] == "The Lighthouse"  # Main's Stage 1 names the project; the fork's title is its own


def test_the_dashboard_lists_the_active_branchs_configuration(studio, make_user, project_input):
    user = make_user()
    main = create_project(studio.db, user.id, project_input)
    branch = fork(studio.db, user.id, main.project_id, main.branch_id, 1, "Ad", "a thirty-second spot")
    revise_stage_one(studio.db, user.id, ProjectRef(main.project_id, branch["id"]),
                     {**project_input, "project_type": "commercial"}, seen_version=1)
    assert list_projects(studio.db, user.id)[0]["project_type"] == "narrative"
    switch_branch(studio.db, user.id, main.project_id, branch["id"])
    assert list_projects(studio.db, user.id)[0]["project_type"] == "commercial"


# --- the costs page ----------------------------------------------------------------------------------


def _costs_page(user, ref) -> AppTest:
    at = AppTest.from_file(COSTS_PAGE, default_timeout=60)
    at.session_state["user"] = {"id": str(user.id), "email": user.email}
    at.session_state["project_id"] = str(ref.project_id)
    at.session_state["branch_id"] = str(ref.branch_id)
    return at.run()


def _set_on_page(at: AppTest, amount: float) -> AppTest:
    next(n for n in at.number_input if n.label == "New budget in dollars (0 = no cap)").set_value(amount)
    next(b for b in at.button if b.label == "Set budget").click().run()
    assert not at.exception, at.exception
    return at


def test_the_costs_page_raises_the_budget_after_a_refusal_and_shows_the_change(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, {**project_input, "budget_credits": 0.05})
    with pytest.raises(BudgetExceeded):
        _hold(studio, user, ref, "frames-1")
    at = _costs_page(user, ref)
    assert {m.label: m.value for m in at.metric}["Budget"] == "$0.05"

    _set_on_page(at, 25.0)

    assert "Budget changed from $0.05 to $25.00." in [s.value for s in at.success]
    assert {m.label: m.value for m in at.metric}["Budget"] == "$25.00"
    history = at.dataframe[-1].value
    assert history[["Who", "From", "To"]].values.tolist()[0] == [user.email, "$0.05", "$25.00"]
    assert _hold(studio, user, ref, "frames-1")["status"] == "reserved"


def test_the_costs_page_refuses_a_budget_below_the_spend(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, {**project_input, "budget_credits": 1})
    _hold(studio, user, ref, "frames-1")
    at = _set_on_page(_costs_page(user, ref), 0.01)
    assert any("already spent or held" in e.value for e in at.error)
    assert {m.label: m.value for m in at.metric}["Budget"] == "$1.00"
    assert _budget(studio, user, ref) == D(1)


def test_the_dashboard_sets_a_projects_budget(studio, make_user, project_input):
    user = make_user()
    ref = create_project(studio.db, user.id, project_input)
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "dashboard.py"), default_timeout=60)
    at.session_state["user"] = {"id": str(user.id), "email": user.email}
    _set_on_page(at.run(), 40.0)
    assert "Budget changed from no cap to $40.00." in [t.value for t in at.toast]
    assert _budget(studio, user, ref) == D(40)
    # issue 8: the current stage is per branch and the row says which branch
    assert list(at.dataframe[0].value.columns) == ["Title", "Type", "Branch", "Current stage", "Created", "Spend"]
