"""The one ordered registry of the twelve stages. Order and dependencies live here, nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    PROJECT = "project"
    GLOBAL = "global"
    SCENES = "scenes"
    SCENE = "scene"


class Phase(StrEnum):
    A = "A"  # the global narrative engine, stages 1-5
    B = "B"  # the per-scene production engine, stages 6-12


@dataclass(frozen=True)
class Stage:
    number: int
    key: str
    title: str
    scope: Scope
    upstream: tuple[int, ...]
    page: str  # path of the page file, relative to the repository root
    icon: str
    available: bool  # False until the stage is built; shown disabled, never faked

    @property
    def phase(self) -> Phase:
        return Phase.A if self.number <= 5 else Phase.B

    @property
    def label(self) -> str:
        return f"{self.number} · {self.title}"


STAGES: tuple[Stage, ...] = (
    Stage(1, "input", "Input", Scope.PROJECT, (), "pages/stage_01_input.py", ":material/edit_note:", True),
    Stage(2, "treatment", "Treatment", Scope.GLOBAL, (1,), "pages/stage_02_treatment.py", ":material/description:", True),
    Stage(3, "beat_sheet", "Beat sheet", Scope.GLOBAL, (2,), "pages/stage_03_beats.py", ":material/format_list_numbered:", True),
    Stage(4, "master_script", "Master script", Scope.GLOBAL, (3,), "pages/stage_04_script.py", ":material/article:", True),
    Stage(5, "global_assets", "Global assets", Scope.GLOBAL, (4,), "pages/stage_05_assets.py", ":material/groups:", True),
    Stage(6, "script_hub", "Script hub", Scope.SCENES, (5,), "pages/stage_06_hub.py", ":material/view_list:", False),
    Stage(7, "shot_list", "Shot list", Scope.SCENE, (6,), "pages/stage_07_shots.py", ":material/videocam:", False),
    Stage(8, "visual_definition", "Visual definition", Scope.SCENE, (7,), "pages/stage_08_visuals.py", ":material/palette:", False),
    Stage(9, "prompts", "Prompt segmentation", Scope.SCENE, (8,), "pages/stage_09_prompts.py", ":material/text_fields:", False),
    Stage(10, "frames", "Frame generation", Scope.SCENE, (9,), "pages/stage_10_frames.py", ":material/photo_library:", False),
    Stage(11, "confirmation", "Confirmation", Scope.SCENE, (10,), "pages/stage_11_confirm.py", ":material/price_check:", False),
    Stage(12, "video_review", "Video review", Scope.SCENE, (11,), "pages/stage_12_video.py", ":material/movie:", False),
)

_BY_NUMBER = {stage.number: stage for stage in STAGES}


def stage(number: int) -> Stage:
    """The stage with this number; KeyError for anything outside 1-12."""
    return _BY_NUMBER[number]


def downstream_of(number: int) -> tuple[Stage, ...]:
    """Every stage that depends, directly or not, on stage `number`, in pipeline order."""
    reached = {number}
    for candidate in STAGES:
        if any(up in reached for up in candidate.upstream):
            reached.add(candidate.number)
    return tuple(s for s in STAGES if s.number in reached and s.number != number)
