"""The offline draft writer: one rule-based author per text task, all reading the creator's own text.

    treatment         -> {"label", "approach", "prose"}                 (treatments.py)
    beat_sheet        -> {"beats": [{"text", "label"}]}                 (beats.py)
    master_script     -> {"formatted_script"}                           (screenplay.py)
    asset_extraction  -> {"assets": [{"name", "asset_type", ...}]}      (assets.py)
    visual_definition -> {"instances": [{"asset", "tags_added", ...}]}  (continuity.py)

Each takes the request's structured inputs (plus "guidance") and a seed, and gives the same draft for
the same inputs, every time.
"""

from __future__ import annotations

from collections.abc import Callable

from core.offline.assets import extract_assets
from core.offline.beats import write_beat_sheet
from core.offline.continuity import read_tag_changes
from core.offline.screenplay import write_master_script
from core.offline.treatments import write_treatment

TASKS: dict[str, Callable[[dict, int], dict]] = {
    "treatment": write_treatment,
    "beat_sheet": write_beat_sheet,
    "master_script": write_master_script,
    "asset_extraction": extract_assets,
    "visual_definition": read_tag_changes,
}


def draft(task: str, inputs: dict, seed: int = 0) -> dict:
    """The offline writer's draft for one task; KeyError names the tasks it knows."""
    if task not in TASKS:
        raise KeyError(f"the offline writer has no task {task!r}; it writes {', '.join(TASKS)}")
    return TASKS[task](inputs, seed)
