"""A new user's journey in a real browser: sign up, create a project, sign out, sign back in, find it.

Runs the studio as `streamlit run app.py` against the test services and drives headless Chromium.
Skipped when no Chromium is installed (`.ci/run` installs Debian's).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import REPO_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(script: str):
    port = _free_port()
    env = {**os.environ, "AIUTEUR_START_WORKER": "false"}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture
def studio_server(studio):
    yield from _serve("app.py")


@pytest.fixture
def cookie_server(studio):
    """The studio as `./aiuteur start` runs it: server.py, with the routes that set the session cookie."""
    yield from _serve("server.py")


def _browser(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    )


def test_sign_up_create_a_project_sign_out_and_find_it_again(studio_server, studio):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(studio_server)
        page.get_by_role("tab", name="Create account").click()
        page.get_by_label("Email").nth(1).fill("mara@example.com")
        page.get_by_label("Password (at least 8 characters)").fill("lighthouse keeper")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_text("Your films")).to_be_visible(timeout=30_000)

        page.get_by_label("Title").fill("The Lighthouse")
        page.get_by_role("textbox", name="Your premise, story or screenplay").fill(
            "A lighthouse keeper named Mara finds a message in a bottle from her brother Tomas."
        )
        page.get_by_role("button", name="Create project").click()
        expect(page.get_by_text("Created “The Lighthouse”.")).to_be_visible(timeout=30_000)

        page.get_by_role("button", name="Sign out").click()
        page.get_by_label("Email").first.fill("mara@example.com")
        page.get_by_label("Password").first.fill("lighthouse keeper")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Your films")).to_be_visible(timeout=30_000)
        # the sidebar's project picker lists the project found again after signing back in
        expect(page.get_by_role("combobox", name="Project", exact=True)).to_have_value("The Lighthouse", timeout=30_000)
        browser.close()

    with studio.db.as_service() as conn:
        titles = [r["title"] for r in conn.execute("SELECT title FROM projects").fetchall()]
    assert titles == ["The Lighthouse"]


def test_a_refresh_and_a_new_tab_keep_the_creator_signed_in_until_they_sign_out(cookie_server, studio):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = _browser(playwright)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(cookie_server)  # (a server's very first request at a page url gets Streamlit's "Page not found")
        page.get_by_role("tab", name="Create account").click()
        page.get_by_label("Email").nth(1).fill("anna@example.com")
        page.get_by_label("Password (at least 8 characters)").fill("salt and lanterns")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_text("Your films")).to_be_visible(timeout=30_000)
        cookie = next(c for c in _wait_for_cookie(context) if c["name"] == "aiuteur_session")
        assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"

        page.goto(cookie_server + "branch-history")  # a refresh on a signed-in url, not the home page
        expect(page.get_by_text("Signed in as anna@example.com")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        page.reload()
        expect(page.get_by_text("Signed in as anna@example.com")).to_be_visible(timeout=30_000)
        second = context.new_page()  # the next day: a new tab with the same browser profile
        second.goto(cookie_server)
        expect(second.get_by_text("Your films")).to_be_visible(timeout=30_000)

        second.get_by_role("button", name="Sign out").click()
        expect(second.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
        page.reload()  # the other tab's cookie was ended on the server
        expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        browser.close()


def _wait_for_cookie(context, seconds: float = 10) -> list[dict]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        cookies = context.cookies()
        if any(c["name"] == "aiuteur_session" for c in cookies):
            return cookies
        time.sleep(0.2)
    return context.cookies()
