"""Stage 5, Global assets: characters, props and locations from the script, and a reference image each.

    extract_assets(AssetInputs(title=..., formatted_script=..., source_text=...), provider) -> StageDraft[AssetSet]
    draw_asset_reference(asset, VisualStyle(preset="noir", notes="warm"), image_provider) -> ImageDraft
    reference_identity(asset, style, model, seed) -> str   (the request's identity, for the ledger key)

Whoever extracts, the answer is checked against the script: scene numbers must be real scenes (an asset
without any gets the scenes that name it), and every speaking character is listed.
"""

from __future__ import annotations

import re
import time
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.film.config import MAX_NARRATIVE_CHARS, ProjectConfig
from core.film.screenplay import FountainScene, read_fountain
from core.film.style import STYLE_PRESETS, palette_for, style_preset
from core.providers.base import ImageProvider, ImageRequest, TextProvider, Usage
from stages.provenance import StageDraft, ask, assemble, digest, text_or_none
from stages.script import MAX_SCRIPT_CHARS
from stages.templates import PromptTemplate, load_template

TASK = "asset_extraction"
IMAGE_TASK = "asset_image"
_COMPOSITIONS = {
    "character": "full-body character reference, standing, neutral pose, facing three-quarters",
    "location": "wide establishing view of the location, no people",
    "prop": "the object alone on a neutral surface, lit from the side",
}


class AssetType(StrEnum):
    CHARACTER = "character"
    PROP = "prop"
    LOCATION = "location"


class Asset(BaseModel):
    """One global asset and the scenes it appears in."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    asset_type: AssetType
    description: Annotated[str, Field(max_length=4_000)] = ""
    scene_numbers: list[Annotated[int, Field(ge=1)]] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("scene_numbers")
    @classmethod
    def _sorted(cls, value: list[int]) -> list[int]:
        return sorted(set(value))


class AssetSet(BaseModel):
    """Stage 5's extracted assets."""

    assets: list[Asset]

    @model_validator(mode="after")
    def _distinct(self) -> AssetSet:
        keys = [(asset.asset_type, asset.name.lower()) for asset in self.assets]
        if len(set(keys)) != len(keys):
            raise ValueError("each asset may be listed once per type")
        return self

    def of_type(self, asset_type: AssetType) -> list[Asset]:
        return [asset for asset in self.assets if asset.asset_type is asset_type]


class AssetInputs(BaseModel):
    """What assets are extracted from: the locked script, and the Stage 1 text for descriptions."""

    title: Annotated[str, Field(min_length=1, max_length=200)]
    formatted_script: Annotated[str, Field(min_length=1, max_length=MAX_SCRIPT_CHARS)]
    source_text: Annotated[str, Field(max_length=MAX_NARRATIVE_CHARS)] = ""

    @classmethod
    def from_upstream(cls, config: ProjectConfig, upstream: dict) -> AssetInputs:
        """From the locked script's content, with the Stage 1 text for descriptions."""
        return cls(title=config.title, formatted_script=upstream["formatted_script"], source_text=config.narrative)

    @property
    def feed_chars(self) -> int:
        return len(self.formatted_script)


class VisualStyle(BaseModel):
    """The locked visual style: a preset and the creator's free-text notes."""

    model_config = ConfigDict(frozen=True)

    preset: str = "storyboard"
    notes: Annotated[str, Field(max_length=1_000)] = ""

    @field_validator("preset")
    @classmethod
    def _known(cls, value: str) -> str:
        key = style_preset(value).key
        if value.strip().lower() not in (key, style_preset(value).title.lower()):
            raise ValueError(f"unknown style preset {value!r}; choose one of {', '.join(STYLE_PRESETS)}")
        return key


class ImageDraft(BaseModel):
    """A reference image and its provenance."""

    model_config = ConfigDict(frozen=True)

    png: bytes = Field(repr=False)
    final_prompt: str
    prompt_template_version: str
    provider: str
    model: str
    seed: int
    width: int
    height: int
    usage: Usage = Usage()
    latency_ms: float = 0.0
    input_digest: str


def extract_assets(inputs: AssetInputs, provider: TextProvider, guidance: str = "", seed: int = 0,
                   tags: dict | None = None) -> StageDraft[AssetSet]:
    """The characters, props and locations of a script, with the scenes each appears in.

    Args:
        inputs: the locked script and the Stage 1 text (for how characters are introduced).
        provider: any `TextProvider`.
        guidance: the creator's "why" for a regeneration.
        seed: passed to the provider.
        tags: project, branch and stage, for tracing.

    Returns:
        The `AssetSet`, checked against the script's scenes and speakers, and its provenance.
    """
    started = time.perf_counter()
    template = load_template(TASK)
    payload = {**inputs.model_dump(mode="json"), "guidance": guidance}
    values = {"title": inputs.title, "formatted_script": inputs.formatted_script,
              "source_text": text_or_none(inputs.source_text), "guidance": text_or_none(guidance)}
    call = ask(provider, TASK, template, values, payload, AssetSet, seed, tags)
    checked = checked_assets(call[1].output, inputs.formatted_script)
    return assemble(checked, TASK, template, [call], seed, guidance, payload, started)


def checked_assets(answer: AssetSet, formatted_script: str) -> AssetSet:
    """An answer made consistent with the script: real scene numbers, and every speaking character listed."""
    document = read_fountain(formatted_script)
    real = {scene.number for scene in document.scenes}
    assets = []
    for asset in answer.assets:
        numbers = [number for number in asset.scene_numbers if number in real] or _naming(asset.name, document.scenes)
        assets.append(asset.model_copy(update={"scene_numbers": sorted(set(numbers))}))
    characters = [asset for asset in assets if asset.asset_type is AssetType.CHARACTER]
    for cue in dict.fromkeys(line.character for line in document.dialogue):
        if not any(_same_person(cue, asset.name) for asset in characters):
            numbers = sorted({line.scene_number for line in document.dialogue
                              if line.character == cue and line.scene_number})
            missing = Asset(name=cue.title() if cue.isupper() else cue, asset_type=AssetType.CHARACTER,
                            description=f"Speaks in scene{'s' if len(numbers) != 1 else ''} "
                                        f"{', '.join(map(str, numbers)) or 'before the first heading'}.",
                            scene_numbers=numbers)
            characters.append(missing)
            assets.append(missing)
    return AssetSet(assets=assets)


def draw_asset_reference(asset: Asset, style: VisualStyle, provider: ImageProvider, seed: int = 0,
                         width: int = 1024, height: int = 576, project_title: str = "",
                         references: tuple[bytes, ...] = ()) -> ImageDraft:
    """A reference image of one asset in the locked style.

    Args:
        asset: the asset to draw (its name, type and description are the subject).
        style: the locked visual style (preset and notes); its palette goes to the renderer.
        provider: any `ImageProvider`; the storyboard renderer when offline.
        seed, width, height: the image request's seed and size.
        project_title: the film's title, for the prompt.
        references: PNG bytes of images to match (a real model uses them; the renderer ignores them).
    """
    template, prompt, subject = _reference_prompt(asset, style, project_title)
    result = provider.render(ImageRequest(prompt=prompt, subject=subject, references=references, width=width,
                                          height=height, seed=seed))
    return ImageDraft(png=result.png, final_prompt=prompt, prompt_template_version=template.version,
                      provider=result.provider, model=result.model, seed=seed, width=width, height=height,
                      usage=result.usage, latency_ms=result.latency_ms,
                      input_digest=digest({"subject": subject, "width": width, "height": height, "seed": seed}))


def reference_identity(asset: Asset, style: VisualStyle, model: str, seed: int = 0, width: int = 1024,
                       height: int = 576, project_title: str = "") -> str:
    """The identity of one reference-image request: the same inputs, model, template version and seed
    give the same digest, so the ledger can tell an identical request from a new one."""
    template, prompt, subject = _reference_prompt(asset, style, project_title)
    return digest({"prompt": prompt, "subject": subject, "template": template.version, "model": model,
                   "seed": seed, "width": width, "height": height})


def _reference_prompt(asset: Asset, style: VisualStyle, project_title: str) -> tuple[PromptTemplate, str, dict]:
    """The versioned template, the final prompt and the structured subject of one reference image."""
    template = load_template(IMAGE_TASK)
    preset = style_preset(style.preset)
    palette = palette_for(style.preset, style.notes)
    prompt = template.render(project_title=project_title or "untitled", asset_type=asset.asset_type.value,
                             name=asset.name, description=asset.description or asset.name,
                             style_words=preset.words, style_notes=style.notes.strip(),
                             palette=", ".join(palette.colors()[:5]), composition=_COMPOSITIONS[asset.asset_type.value])
    subject = {"name": asset.name, "asset_type": asset.asset_type.value, "description": asset.description,
               "style": preset.key, "style_notes": style.notes, "palette": palette.colors()}
    return template, prompt, subject


def _naming(name: str, scenes: list[FountainScene]) -> list[int]:
    pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    return [scene.number for scene in scenes if pattern.search(scene.excerpt) or pattern.search(scene.slug)]


def _same_person(cue: str, name: str) -> bool:
    cue_words, name_words = set(cue.lower().split()), set(name.lower().replace(".", "").split())
    return bool(cue_words) and (cue_words <= name_words or cue.lower() == name.lower())
