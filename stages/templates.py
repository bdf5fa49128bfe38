"""Versioned prompt templates: `stages/prompts/<task>.v<N>.md`, rendered with `string.Template` ($name).

A template's version id is its file name and a short sha256 of its text, "treatment.v1.md@3f2a9c1b0d4e",
so editing a template, even without renaming it, gives a new version id, and every output records the
exact prompt text it was generated from. `load_template("treatment")` picks the highest v<N>.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROMPTS = Path(__file__).parent / "prompts"
_VERSIONED = re.compile(r"^(?P<task>[a-z_]+)\.v(?P<number>\d+)\.md$")


@dataclass(frozen=True)
class PromptTemplate:
    """One prompt template file."""

    file_name: str  # "treatment.v1.md"
    text: str

    @property
    def version(self) -> str:
        """'treatment.v1.md@3f2a9c1b0d4e': the file name and the first 12 hex digits of its text's sha256."""
        return f"{self.file_name}@{hashlib.sha256(self.text.encode('utf-8')).hexdigest()[:12]}"

    def render(self, **values: object) -> str:
        """The final prompt; every $placeholder must be given (KeyError names a missing one)."""
        return string.Template(self.text).substitute({key: str(value) for key, value in values.items()})

    def placeholders(self) -> set[str]:
        return {match.group("named") or match.group("braced") for match in string.Template.pattern.finditer(self.text)
                if match.group("named") or match.group("braced")}


@lru_cache(maxsize=32)
def load_template(name: str, folder: Path = PROMPTS) -> PromptTemplate:
    """A template by task ("treatment": its highest version) or by file ("treatment.v1" or "treatment.v1.md")."""
    file_name = name if name.endswith(".md") else f"{name}.md"
    if not _VERSIONED.match(file_name):
        file_name = _latest(name, folder)
    path = folder / file_name
    if not path.is_file():
        raise FileNotFoundError(f"no prompt template {file_name} in {folder}")
    return PromptTemplate(file_name, path.read_text(encoding="utf-8"))


def template_files(folder: Path = PROMPTS) -> list[str]:
    """Every versioned template file name, sorted."""
    return sorted(path.name for path in folder.glob("*.md") if _VERSIONED.match(path.name))


def _latest(task: str, folder: Path) -> str:
    versions = [(int(match.group("number")), name) for name in template_files(folder)
                if (match := _VERSIONED.match(name)) and match.group("task") == task]
    if not versions:
        raise FileNotFoundError(f"no prompt template for task {task!r} in {folder}")
    return max(versions)[1]
