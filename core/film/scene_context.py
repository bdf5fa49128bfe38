"""What a per-scene stage (7-12) reads about its scene: the scene, the branch's assets and style, the video
model, how the previous scene ends, and the scene's own earlier stages. Pure data; `core.production` builds it
from the database, a stage function in `stages/` reads it (`Inputs.from_scene(context)`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.film.config import ProjectConfig
from core.film.shots import Line
from core.film.video_models import VideoModel


@dataclass(frozen=True)
class SceneAsset:
    """A project asset (Stage 5) as a scene's stages see it."""

    id: str
    name: str
    asset_type: str  # "character" | "prop" | "location"
    description: str
    image_key: str | None = None  # its reference image in the media store
    scene_numbers: tuple[int, ...] = ()  # the scenes Stage 5 found it in


@dataclass(frozen=True)
class CarriedTags:
    """Status tags an asset carries out of an earlier scene (Stage 8's carry-forward)."""

    asset_id: str
    tags: tuple[str, ...]
    from_scene_id: str
    from_scene_number: int


@dataclass(frozen=True)
class PreviousScene:
    """How the scene before ends: the rear-view mirror and what continuity hands on."""

    id: str
    number: int
    slug: str
    end_state: str  # its last lines of action/dialogue (or its end_state_summary)
    carried: tuple[CarriedTags, ...] = ()  # tags live at its end that carry forward
    end_frame_key: str | None = None  # its last frame, once Stage 10 made one


@dataclass(frozen=True)
class SceneContext:
    config: ProjectConfig
    scene_id: str
    number: int
    slug: str  # "INT. KITCHEN - DAY"
    excerpt: str  # the scene's Fountain text below its heading
    characters: tuple[str, ...]  # speaking characters, in order of first cue
    lines: tuple[Line, ...]  # its dialogue in script order
    assets: tuple[SceneAsset, ...]  # every project asset of the branch
    visual_style: Mapping[str, str] | None  # the locked Stage 5 style: {"preset", "notes"}
    video: VideoModel  # the model the plan is for (offline: the online model the work is priced as)
    previous: PreviousScene | None = None
    upstream: Mapping[int, dict] = field(default_factory=dict)  # this scene's latest locked content, by stage
    scene_count: int = 1
    inherited: tuple[CarriedTags, ...] = ()  # per asset, the tags the last earlier scene showing it carries forward
    action: tuple[str, ...] = ()  # the scene's action paragraphs, in order

    def inherited_by(self, asset_id: str) -> CarriedTags | None:
        """What this asset inherits from the last earlier scene that showed it (None: nothing)."""
        return next((c for c in self.inherited if c.asset_id == asset_id), None)

    @property
    def cast(self) -> tuple[SceneAsset, ...]:
        """The character assets present in this scene (by Stage 5's scene numbers or a cue)."""
        cued = {name.upper() for name in self.characters}
        return tuple(a for a in self.assets if a.asset_type == "character"
                     and (self.number in a.scene_numbers or a.name.upper() in cued))

    def present(self) -> tuple[SceneAsset, ...]:
        """Every project asset present in this scene: Stage 5's scene numbers, or a cue for characters."""
        cued = {name.upper() for name in self.characters}
        return tuple(a for a in self.assets if self.number in a.scene_numbers
                     or (a.asset_type == "character" and a.name.upper() in cued))
