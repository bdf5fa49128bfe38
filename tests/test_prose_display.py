"""The creator's text and the writer's prose are shown as written: a '# Title' line, '*stars*' or '$5 and $6'
in a story must not turn into a heading, emphasis or a formula on the page."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from pages.ui.prose import escaped

RENDER = MarkdownIt("commonmark").render


@pytest.mark.parametrize("text", [
    "# The Salt Road",
    "He said *no* and _meant_ it.",
    "1. first\n- second\n> quoted",
    "See [the map](http://example.com) and `code`.",
    "<b>bold</b> ~~gone~~ | a | b |",
])
def test_markdown_in_a_story_renders_as_plain_text(text):
    html = RENDER(escaped(text))
    for tag in ("<h1", "<em", "<strong", "<ol", "<ul", "<blockquote", "<a ", "<code", "<b>"):
        assert tag not in html, (text, html)


def test_ordinary_prose_is_left_as_written():
    prose = "At the last moment Tomas lights the old lamp. It's 5 a.m.; the sea (grey) waits!"
    assert escaped(prose) == prose


def test_dollar_amounts_cannot_open_a_formula():
    assert escaped("It cost $5 and then $6.") == r"It cost \$5 and then \$6."
