"""The stage registry is the spine: every available stage has all its parts, and the rest of the studio
derives from it (navigation, gates, invalidation, costs, fork, stage reached, jobs, the headless run)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from core import pipeline
from core.costs import stage_cost
from core.costs.estimates import Estimator
from core.costs.price_book import load_price_book
from core.invalidation import resolver
from core.pipeline import STAGES, Item, Per, Scope, missing_parts, owned_rows, stage
from core.story import versions
from db import registry as registry_rows

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("spec", [s for s in STAGES if s.available], ids=lambda s: s.key)
def test_every_available_stage_has_all_its_parts(spec):
    assert missing_parts(spec, REPO_ROOT) == []


def test_a_stage_missing_a_part_is_reported_by_name():
    treatment = stage(2)
    broken = [
        (dataclasses.replace(treatment, page="pages/stage_02_gone.py"), "page pages/stage_02_gone.py"),
        (dataclasses.replace(treatment, cost=()), "a cost model"),
        (dataclasses.replace(treatment, generation=dataclasses.replace(
            treatment.generation, write="stages.treatment:no_such_function")), "generating function"),
        (dataclasses.replace(treatment, generation=None), "a generating function"),
        (dataclasses.replace(stage(5), job=pipeline.Job("asset_image", "core.story.assets:gone")), "job handler"),
        (dataclasses.replace(stage(5), owns=()), "the rows it owns"),
        (dataclasses.replace(treatment, lock_check="core.story.edits:gone"), "lock_check"),
    ]
    for spec, part in broken:
        assert any(part in item for item in missing_parts(spec, REPO_ROOT)), (part, missing_parts(spec, REPO_ROOT))
    unbuilt = dataclasses.replace(stage(12), available=False, page="pages/not_built_yet.py")
    assert not unbuilt.available and missing_parts(unbuilt, REPO_ROOT) == []  # not offered, so not checked
    # a per-scene stage builds its inputs from the scene's context, not from an upstream stage's content
    scene_stage = dataclasses.replace(stage(7), generation=dataclasses.replace(
        stage(7).generation, inputs="stages.beats:BeatSheetInputs"))
    assert "inputs.from_scene / inputs.feed_chars" in missing_parts(scene_stage, REPO_ROOT)


def test_stages_are_ordered_and_upstream_points_back():
    assert [s.number for s in STAGES] == list(range(1, 13))
    assert len({s.key for s in STAGES}) == 12
    for spec in STAGES:
        assert all(up < spec.number for up in spec.upstream), spec.key


def test_invalidation_reads_its_stage_groups_from_the_registry():
    assert resolver.GLOBAL_STAGES == (1, 2, 3, 4, 5)
    assert resolver.SCENE_STAGES == (7, 8, 9, 10, 12)  # the hub and the confirmation make nothing to change
    assert (resolver.SCENE_STAGE, resolver.SHOT_STAGE, resolver.FRAME_STAGE, resolver.CLIP_STAGE) == (6, 7, 10, 12)
    assert pipeline.producer_of(Item.PROMPT).number == 9
    assert versions.IMPORT_SKIPS == frozenset({2, 3})
    assert pipeline.scene_source().number == 4 and stage(4).edit_marks_outdated == (3,)


def test_each_generating_stage_is_priced_by_its_cost_model_as_the_estimator_prices_it():
    estimator = Estimator(load_price_book())
    expected = {2: estimator.treatment(5_000), 3: estimator.beat_sheet(5_000),
                4: estimator.master_script(5_000, 600), 5: estimator.asset_extraction(5_000)}
    for number, estimate in expected.items():
        assert stage_cost.generation_estimate(stage(number), estimator, 5_000, 600) == estimate
    assert [part.per for part in stage(5).cost] == [Per.FEED, Per.ASSET]
    assert stage_cost.expected_output_chars(stage(4), 600) > stage_cost.expected_output_chars(stage(4), 60)


@pytest.mark.db
def test_the_database_holds_the_registrys_rows_after_boot(studio):
    with studio.db.as_service() as conn:
        assert registry_rows.stage_rows(conn) == sorted(owned_rows())
    reached_by_rows = {number for number, _, counts in owned_rows() if counts}
    assert reached_by_rows == {s.number for s in STAGES if s.scope is Scope.SCENE and s.owns} | {6}


def test_job_kinds_come_from_the_stages_that_queue_them():
    assert pipeline.job_kinds() == {"asset_image", "instance_image", "frame", "clip"}
    assert pipeline.job_handler("asset_image").__name__ == "render_reference_image"
    assert pipeline.job_handler("instance_image").__name__ == "render_instance_image"
    assert pipeline.job_handler("frame").__name__ == "render_frame_job"
    assert pipeline.job_handler("clip").__name__ == "render_clip_job"
    with pytest.raises(KeyError):
        pipeline.job_handler("no_such_kind")


LOWER = ("core.errors", "core.film", "core.providers", "core.offline", "core.pipeline")


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_stage_functions_build_only_on_the_pure_layer_of_core():
    for path in sorted((REPO_ROOT / "stages").glob("*.py")):
        core_imports = {m for m in _imports(path, top_level_only=False) if m.split(".")[0] == "core"}
        assert all(m.startswith(LOWER) for m in core_imports), (path.name, core_imports)


def test_the_pure_layer_and_the_registry_never_import_stages_services_or_the_database():
    for package in ("film", "providers", "offline"):
        for path in sorted((REPO_ROOT / "core" / package).rglob("*.py")):
            for module in _imports(path, top_level_only=False):
                assert module.split(".")[0] not in ("stages", "db", "pages", "workers"), (path, module)
                assert not module.startswith(("core.story.generate", "core.costs", "core.runtime.studio")), (path, module)
    for module in _imports(REPO_ROOT / "core" / "pipeline.py", top_level_only=False):
        assert module.split(".")[0] not in ("stages", "db", "core"), module  # it names functions by path


def test_nothing_imports_pages():
    for folder in ("core", "stages", "db", "workers"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            assert not any(m.split(".")[0] == "pages" for m in _imports(path, top_level_only=False)), path
