"""Domain models: what a creator may enter, validated before anything is written."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import InputRejected, rejected_input

MAX_NARRATIVE_CHARS = 150_000  # about 25,000 words: a novella to condense, not a library; typed or uploaded
MAX_UPLOAD_BYTES = 4 * MAX_NARRATIVE_CHARS  # the most UTF-8 a file within that limit can take; checked before reading
NARRATIVE_LIMIT = f"up to {MAX_NARRATIVE_CHARS:,} characters (about {MAX_NARRATIVE_CHARS // 6:,} words)"
MAX_FILM_SECONDS = 3_600
MAX_BUDGET = 1_000_000  # dollars; a cap past this is a typo, not a plan
UPLOAD_SUFFIXES = (".txt", ".md", ".fountain")
GENRES = (
    "Drama", "Comedy", "Thriller", "Horror", "Science fiction", "Fantasy", "Romance",
    "Mystery", "Action", "Documentary", "Animation", "Family", "Noir", "Musical", "Western",
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCENE_HEADING = re.compile(r"^\s*(?:\.(?!\.)\S|(?:INT|EXT|EST|INT\./EXT|INT/EXT|I/E)[\. ])", re.IGNORECASE | re.MULTILINE)


class ProjectType(StrEnum):
    NARRATIVE = "narrative"
    COMMERCIAL = "commercial"
    AUDIO_VISUAL = "audio_visual"


class ContentRating(StrEnum):
    G = "G"
    PG = "PG"
    PG_13 = "PG-13"
    M = "M"


class InputMode(StrEnum):
    EXPAND = "expand"  # a premise to expand
    CONDENSE = "condense"  # a long text to condense
    IMPORT = "import"  # a finished screenplay


def _no_control_chars(value: str, what: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(f"{what} contains control characters (such as a NUL byte); paste plain text")
    return value


class ProjectConfig(BaseModel):
    """Stage 1: the project's configuration and source narrative."""

    model_config = ConfigDict(str_strip_whitespace=True, use_enum_values=False)

    title: Annotated[str, Field(min_length=1, max_length=200)]
    target_length_min: Annotated[int, Field(ge=5, le=MAX_FILM_SECONDS)]
    target_length_max: Annotated[int, Field(ge=5, le=MAX_FILM_SECONDS)]
    project_type: ProjectType
    content_rating: ContentRating
    genres: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list, max_length=8)
    tonal_guidance: Annotated[str, Field(max_length=2_000)] = ""
    input_mode: InputMode
    narrative: Annotated[str, Field(min_length=1, max_length=MAX_NARRATIVE_CHARS)]
    budget_credits: Annotated[float, Field(ge=0, le=MAX_BUDGET)] | None = None  # a new project's initial budget

    @field_validator("title")
    @classmethod
    def _plain_title(cls, value: str) -> str:
        # Any printable text, punctuation included (a semicolon, a dash, quotes): SQL parameters and
        # escaping on output keep it harmless, so nothing a creator types is refused for its characters.
        return _no_control_chars(value, "The title")

    @field_validator("narrative", "tonal_guidance")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        return _no_control_chars(value, "The text")

    @field_validator("genres")
    @classmethod
    def _distinct_genres(cls, value: list[str]) -> list[str]:
        for genre in value:
            _no_control_chars(genre, "A genre")
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _coherent(self) -> ProjectConfig:
        if self.target_length_min > self.target_length_max:
            raise ValueError("target_length_max: the maximum length must be at least the minimum")
        if self.input_mode is InputMode.IMPORT and not _SCENE_HEADING.search(self.narrative):
            raise ValueError(
                "narrative: an imported screenplay needs at least one scene heading "
                "(a line starting INT. or EXT., or a forced heading starting with '.')"
            )
        return self

    def project_columns(self) -> dict[str, object]:
        """What a new project's row takes from this input: its title and initial budget."""
        return {"title": self.title, "budget_credits": self.budget_credits}

    def stage_content(self) -> dict[str, object]:
        """Stage 1's versioned content: the film's configuration and source (the budget is the project's)."""
        return self.model_dump(mode="json", exclude={"budget_credits"})


def validate_project_config(raw: dict[str, object]) -> ProjectConfig:
    """Validate Stage 1 input; raise InputRejected with one message per field."""
    try:
        return ProjectConfig.model_validate(raw)
    except ValidationError as exc:
        raise rejected_input(exc, item="entry") from exc


class _Title(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    title: Annotated[str, Field(min_length=1, max_length=200)]

    _plain_title = field_validator("title")(classmethod(lambda cls, value: ProjectConfig._plain_title(value)))


def validate_title(raw: object) -> str:
    """A film's title on its own (a rename), checked as Stage 1 checks it; InputRejected on `title`."""
    try:
        return _Title.model_validate({"title": raw}).title
    except ValidationError as exc:
        raise rejected_input(exc, item="entry") from exc


def decode_upload(name: str, data: bytes) -> str:
    """Text of an uploaded narrative file, or InputRejected saying why it can't be used."""
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise InputRejected({"upload": f"upload a {', '.join(UPLOAD_SUFFIXES)} file"})
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputRejected({"upload": f"the file is {len(data):,} bytes, more than {MAX_NARRATIVE_CHARS:,} "
                                       f"characters can take; the limit is {MAX_NARRATIVE_CHARS:,} characters"})
    if b"\x00" in data:
        raise InputRejected({"upload": "this looks like a binary file, not text"})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputRejected({"upload": "the file is not UTF-8 text"}) from exc
    if len(text) > MAX_NARRATIVE_CHARS:
        raise InputRejected({"upload": f"the file is {len(text):,} characters; the limit is {MAX_NARRATIVE_CHARS:,}"})
    return text
