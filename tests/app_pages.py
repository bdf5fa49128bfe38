"""What the page tests share: driving a page through Streamlit's AppTest and reading what it shows."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

SHOWN = ("markdown", "caption", "info", "success", "warning")


def ok(at: AppTest) -> AppTest:
    """The page ran without an exception or an error box."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def click(at: AppTest, label: str) -> AppTest:
    """Click the main area's button with this label, and check the page that comes back."""
    return ok(next(b for b in at.main.button if b.label == label).click().run())


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.main.button]


def shown(at: AppTest, *kinds: str) -> str:
    """The text of the main area's elements of these kinds (by default, what a reader sees as prose)."""
    return " ".join(str(e.value) for kind in kinds or SHOWN for e in getattr(at.main, kind))
