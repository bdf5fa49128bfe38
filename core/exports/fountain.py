"""The master script as a Fountain file (.fountain) for Highland, Fade In, WriterSolo, Final Draft's importer.

The script is kept as written; a title page is put in front of it unless it already has one (as
core.film.screenplay reads it), so the scenes read back exactly as they were.
"""

from __future__ import annotations

import re
from datetime import date

from core.film.screenplay import read_fountain

_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
_LINE_ENDS = re.compile(r"\r\n|\r")


def screenplay_fountain(title: str, script: str, *, author: str = "", draft_date: date | None = None) -> str:
    """The screenplay as Fountain text with a title page (Title, Credit, Author, Draft date) in front.

    Args:
        title: the film's title ("Untitled" when blank).
        script: the master script, Fountain text; kept as written, its own title page (if any) kept instead.
        author: who wrote it; without one the Credit and Author lines are left out.
        draft_date: the date of this draft (the script version's); today when not given.
    Returns:
        The Fountain text, with Unix line ends and one final newline.
    """
    body = _LEADING_BLANK_LINES.sub("", _LINE_ENDS.sub("\n", script.lstrip("\ufeff"))).rstrip() + "\n"
    if read_fountain(body).title_page:
        return body
    return title_page(title, author=author, draft_date=draft_date or date.today()) + "\n" + body


def title_page(title: str, *, author: str = "", draft_date: date) -> str:
    """A Fountain title page block, ending in a newline (a blank line must follow it)."""
    lines = [f"Title: {_one_line(title) or 'Untitled'}"]
    if _one_line(author):
        lines += ["Credit: Written by", f"Author: {_one_line(author)}"]
    lines.append(f"Draft date: {draft_date.isoformat()}")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    # A line break inside a value would end the title page early and push the rest into the script.
    return " ".join(text.split())
