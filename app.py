"""Aiuteur studio: navigation, the sign-in gate and the sidebar. `streamlit run app.py`."""

from __future__ import annotations

from uuid import UUID

import streamlit as st

from core.costs.ledger import dollars
from core.pipeline import STAGES, Phase, Stage
from core.runtime.studio import queue_health
from core.story.projects import list_projects, project_overview
from pages.ui import session as common

st.set_page_config(page_title="Aiuteur", page_icon=":material/movie_filter:", layout="wide")
studio = common.studio()
user = common.current_user()



def _stage_page(s: Stage) -> st.Page:
    return st.Page(s.page, title=s.label, icon=s.icon, url_path=s.key)


# Every url_path differs from its page's file name: Streamlit also lists the files of a folder named
# pages/ as pages, and a name they share can run that file directly, without this gate and sidebar.
STUDIO_PAGES = (
    ("pages/dashboard.py", "Dashboard", ":material/dashboard:", "films"),
    ("pages/branches.py", "Branches", ":material/call_split:", "branch-history"),
    ("pages/costs.py", "Costs", ":material/payments:", "cost-dashboard"),
    ("pages/asset_library.py", "Asset library", ":material/photo_library:", "library"),
)


def _studio_pages() -> list[st.Page]:
    """The studio's own pages; the dashboard is the home page."""
    return [st.Page(file, title=title, icon=icon, url_path=path, default=path == "films")
            for file, title, icon, path in STUDIO_PAGES]


built = [s for s in STAGES if s.available]
common.hand_cookie_to_browser()  # after a sign-in or sign-out: the browser sets or drops the session cookie

if user is None:
    # The sign-in page answers at every studio url too, so a signed-out visit to /films (an expired
    # session, a bookmark) asks to sign in rather than saying "Page not found", and signing in then
    # opens the page at that url. No other page's file is reachable signed out.
    sign_in = "pages/sign_in.py"
    at_studio_urls = [st.Page(sign_in, title="Sign in", url_path=path) for *_, path in STUDIO_PAGES]
    at_stage_urls = [st.Page(sign_in, title="Sign in", url_path=s.key) for s in built]
    st.navigation([st.Page(sign_in, title="Sign in", icon=":material/login:", url_path="signin", default=True),
                   *at_studio_urls, *at_stage_urls], position="hidden").run()
    st.stop()

studio_pages = _studio_pages()
sections = {
    "Studio": studio_pages,
    "Phase A · the story": [_stage_page(s) for s in built if s.phase is Phase.A],
    "Phase B · production": [_stage_page(s) for s in built if s.phase is Phase.B],
}
navigation = st.navigation(sections, expanded=True)  # every stage in sight, not behind "View more"


def project_picker() -> None:
    projects = list_projects(studio.db, user.id)
    if not projects:
        st.caption("No project yet.")
        return
    ids = [str(p["id"]) for p in projects]
    current = st.session_state.get("project_id")
    chosen = st.selectbox(
        "Project", ids, index=ids.index(current) if current in ids else 0,
        format_func=lambda pid: next(p["title"] for p in projects if str(p["id"]) == pid),
    )
    if chosen != current or not st.session_state.get("branch_id"):
        active = next(p for p in projects if str(p["id"]) == chosen)["active_branch_id"]
        common.focus_project(UUID(chosen), active)
    overview = project_overview(studio.db, user.id, UUID(chosen))
    branch = next((b for b in overview["branches"] if str(b["id"]) == st.session_state["branch_id"]), None)
    st.caption(f"Branch: **{branch['name'] if branch else '—'}**")
    spend = overview["spend"]
    budget = overview["project"]["budget_credits"]
    cap = f" of {dollars(budget)}" if budget else ""
    st.metric("Spend so far", f"{dollars(spend['credits'])}{cap}")


with st.sidebar:
    st.caption(f"Signed in as {user.email}")
    project_picker()
    health = queue_health(studio)
    if not health["reachable"]:
        st.error("Job queue unreachable", icon=":material/error:")
    elif health["workers"]:
        st.caption(f":material/check_circle: {health['workers']} worker(s) · {health['queued']} queued")
    else:
        st.warning(f"No render worker running · {health['queued']} queued. Start one with `python -m workers`.")
    engines = studio.engines
    st.caption((":material/offline_bolt: " if engines.offline else ":material/cloud: ") + engines.label)
    with st.expander("Pipeline", expanded=False):
        for s in STAGES:
            st.caption(s.label if s.available else f"~~{s.label}~~ — not available yet")
    if st.button("Sign out", icon=":material/logout:"):
        common.sign_out()
        st.switch_page(studio_pages[0])  # the home url: signing in again opens the dashboard
common.show_flash("toast")  # a page's message from before it switched page (a film just created)
navigation.run()
