"""Stage 8, Visual definition: each asset as one scene shows it, with the status tags it carries.

    define_visuals(VisualInputs.from_scene(context), provider) -> StageDraft[VisualDefinition]
    apply_instance_edits(definition, rows) -> VisualDefinition     the creator's edits (tags, overrides, drawer)

A scene asset instance starts from the project asset (its description) and the tags the last earlier scene
showing it carries forward; the provider (a model's structured output, or the offline reader of the scene's
action lines) says what the scene adds and clears. Tags here are final: inherited minus cleared, plus added.
"""

from __future__ import annotations

import re
import time
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from core.film.scene_context import SceneAsset, SceneContext
from core.offline.names import same_person
from core.providers.base import TextProvider
from stages.provenance import StageDraft, ask, assemble, text_or_none
from stages.templates import load_template

TASK = "visual_definition"
Tag = Annotated[str, Field(min_length=1, max_length=40)]


def normalize_tag(text: str) -> str:
    """'Torn shirt' -> 'torn_shirt': how a tag is written, whoever typed it."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")[:40]


def normalize_tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(t for t in (normalize_tag(tag) for tag in tags) if t))


class InstanceDraft(BaseModel):
    """What a provider says one scene does to one asset's look."""

    asset: Annotated[str, Field(min_length=1, max_length=120)]
    tags_added: list[Tag] = Field(default_factory=list)
    tags_cleared: list[Tag] = Field(default_factory=list)
    clear_all: bool = False
    carry_forward: bool = True
    description_override: Annotated[str, Field(max_length=2_000)] = ""
    evidence: Annotated[str, Field(max_length=1_000)] = ""


class VisualDraft(BaseModel):
    instances: list[InstanceDraft]


class Instance(BaseModel):
    """One project asset as this scene shows it."""

    asset_id: str
    name: str
    asset_type: str
    description: str = ""  # inherited from the project asset
    description_override: Annotated[str, Field(max_length=2_000)] = ""
    status_tags: list[Tag] = Field(default_factory=list)  # what the asset looks like in this scene
    carry_forward: bool = True
    inherited_tags: list[Tag] = Field(default_factory=list)
    inherited_from_scene_id: str | None = None
    inherited_from_scene_number: int | None = None
    added: list[Tag] = Field(default_factory=list)
    cleared: list[Tag] = Field(default_factory=list)
    evidence: str = ""
    manually_edited: bool = False
    image_key: str | None = None  # the asset's reference image

    @field_validator("status_tags", "inherited_tags", "added", "cleared")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        return normalize_tags(value)

    @property
    def changes_look(self) -> bool:
        """Whether this scene shows the asset differently from its reference image (a tag or an override)."""
        return bool(self.status_tags or self.description_override.strip())


class VisualDefinition(BaseModel):
    """Stage 8's content: the scene's asset instances."""

    instances: list[Instance]


class AssetInScene(BaseModel):
    asset_id: str
    name: str
    asset_type: str
    description: str = ""
    image_key: str | None = None
    inherited_tags: list[str] = Field(default_factory=list)
    inherited_from_scene_id: str | None = None
    inherited_from_scene_number: int | None = None


class VisualInputs(BaseModel):
    """What a scene's visual definition reads: its text, and the assets present with what they inherit."""

    title: str
    scene_number: int
    slug: str
    excerpt: str
    action: list[str] = Field(default_factory=list)
    assets: list[AssetInScene] = Field(default_factory=list)

    @classmethod
    def from_scene(cls, context: SceneContext) -> VisualInputs:
        assets = [_in_scene(asset, context) for asset in present_assets(context)]
        return cls(title=context.config.title, scene_number=context.number, slug=context.slug,
                   excerpt=context.excerpt, action=list(context.action), assets=assets)

    @property
    def feed_chars(self) -> int:
        return len(self.excerpt) + sum(len(a.description) for a in self.assets)


def present_assets(context: SceneContext) -> list[SceneAsset]:
    """The project assets this scene shows: Stage 5 places them here, a character speaks, a location names the
    heading, or a prop is named in the scene's text (whole words)."""
    text = f"{context.slug}\n{context.excerpt}"
    return [a for a in context.assets if context.number in a.scene_numbers or _shown(a, context, text)]


def _shown(asset: SceneAsset, context: SceneContext, text: str) -> bool:
    if asset.asset_type == "character":
        return any(same_person(asset.name, cue) for cue in context.characters)
    return re.search(rf"\b{re.escape(asset.name)}\b", text, re.IGNORECASE) is not None


def _in_scene(asset: SceneAsset, context: SceneContext) -> AssetInScene:
    carried = context.inherited_by(asset.id)
    return AssetInScene(asset_id=asset.id, name=asset.name, asset_type=asset.asset_type,
                        description=asset.description, image_key=asset.image_key,
                        inherited_tags=list(carried.tags) if carried else [],
                        inherited_from_scene_id=carried.from_scene_id if carried else None,
                        inherited_from_scene_number=carried.from_scene_number if carried else None)


def define_visuals(inputs: VisualInputs, provider: TextProvider, guidance: str = "", seed: int = 0,
                   tags: dict | None = None) -> StageDraft[VisualDefinition]:
    """Each present asset's instance: inherited tags, what the scene adds and clears, an override if needed."""
    started = time.perf_counter()
    template = load_template(TASK)
    payload = {**inputs.model_dump(mode="json"), "guidance": guidance}
    listing = "\n".join(f"- {a.name} · {a.asset_type} · {text_or_none(a.description)} · "
                        f"{', '.join(a.inherited_tags) or 'none'}" for a in inputs.assets)
    values = {"title": inputs.title, "scene_number": inputs.scene_number, "slug": inputs.slug,
              "guidance": text_or_none(guidance), "assets": listing or "(none)", "excerpt": inputs.excerpt}
    call = ask(provider, TASK, template, values, payload, VisualDraft, seed, tags)
    definition = VisualDefinition(instances=[_instance(a, _draft_for(a, call[1].output)) for a in inputs.assets])
    return assemble(definition, TASK, template, [call], seed, guidance, payload, started)


def _draft_for(asset: AssetInScene, answer: VisualDraft) -> InstanceDraft:
    """The answer's entry for the asset (names the answer invents are ignored; an asset it skips is unchanged)."""
    return next((d for d in answer.instances if d.asset.strip().lower() == asset.name.lower()),
                InstanceDraft(asset=asset.name))


def _instance(asset: AssetInScene, draft: InstanceDraft) -> Instance:
    cleared = normalize_tags(draft.tags_cleared)
    kept = [] if draft.clear_all else [t for t in asset.inherited_tags if t not in cleared]
    added = normalize_tags(draft.tags_added)
    return Instance(asset_id=asset.asset_id, name=asset.name, asset_type=asset.asset_type,
                    description=asset.description, description_override=draft.description_override.strip(),
                    status_tags=list(dict.fromkeys(kept + added)), carry_forward=draft.carry_forward,
                    inherited_tags=asset.inherited_tags, inherited_from_scene_id=asset.inherited_from_scene_id,
                    inherited_from_scene_number=asset.inherited_from_scene_number, added=added,
                    cleared=asset.inherited_tags if draft.clear_all else cleared, evidence=draft.evidence,
                    image_key=asset.image_key)


def apply_instance_edits(definition: VisualDefinition, rows: list[dict], added: list[AssetInScene] = ()) -> VisualDefinition:
    """The creator's edits as a new definition: rows (asset_id, status_tags, description_override, carry_forward,
    remove) change or drop instances; `added` are assets brought into the scene from the drawer (with what they
    inherit). An instance whose tags, override or carry differ from before is `manually_edited`."""
    by_id = {row["asset_id"]: row for row in rows}
    kept = []
    for instance in definition.instances:
        row = by_id.get(instance.asset_id)
        if row is None:
            kept.append(instance)
        elif not row.get("remove"):
            kept.append(_edited(instance, row))
    present = {i.asset_id for i in kept}
    kept += [_instance(asset, InstanceDraft(asset=asset.name)).model_copy(update={"manually_edited": True})
             for asset in added if asset.asset_id not in present]
    return VisualDefinition.model_validate({"instances": [i.model_dump() for i in kept]})  # checks every field


def _edited(instance: Instance, row: dict) -> Instance:
    tags = row.get("status_tags", instance.status_tags)
    tags = normalize_tags(tags.split(",") if isinstance(tags, str) else list(tags or []))
    override = str(row.get("description_override") if row.get("description_override") is not None
                   else instance.description_override).strip()
    carry = bool(row.get("carry_forward", instance.carry_forward))
    changed = (tags, override, carry) != (instance.status_tags, instance.description_override, instance.carry_forward)
    return instance.model_copy(update={
        "status_tags": tags, "description_override": override, "carry_forward": carry,
        "added": [t for t in tags if t not in instance.inherited_tags],
        "cleared": [t for t in instance.inherited_tags if t not in tags],
        "manually_edited": instance.manually_edited or changed})
