"""The creator's and the writer's text shown as written: never read as Markdown, colour directives or LaTeX."""

from __future__ import annotations

import re

import streamlit as st

_INLINE = re.compile(r"([\\`*_\[\]<>~$|])")  # emphasis, code, links, HTML, strike, LaTeX, tables
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+\.)", re.MULTILINE)  # headings, quotes, lists, rules


def escaped(text: str) -> str:
    """`text` with what Markdown (or Streamlit's `:color[...]`, `$...$`) would act on escaped; words and
    sentence punctuation left as they are."""
    return _LINE_START.sub(_escape_marker, _INLINE.sub(r"\\\1", text))


def _escape_marker(match: re.Match) -> str:
    indent, marker = match[1], match[2]
    return indent + (marker[:-1] + "\\." if marker[0].isdigit() else "\\" + marker)


def show_prose(text: str) -> None:
    """Paragraphs of prose as the writer wrote them, line breaks kept."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    st.markdown("\n\n".join("  \n".join(escaped(line) for line in p.splitlines()) for p in paragraphs))
