"""The headless CLI end to end, in each input mode, as a creator batching ideas would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import opentimelineio as otio
import pytest

from tests.conftest import REPO_ROOT

pytestmark = [pytest.mark.db, pytest.mark.slow]
SAMPLES = REPO_ROOT / "samples"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=REPO_ROOT, env=os.environ, capture_output=True,
                          text=True, timeout=240)


@pytest.mark.parametrize(
    ("story", "mode", "names"),
    [
        ("premise.txt", "expand", ["Odile Varga", "Teo Brandt"]),
        ("salt_road.md", "condense", ["Nell", "Amos Reyes", "Dolores Quint", "Kit"]),
        ("night_ferry.fountain", "import", ["Juno", "Elias"]),
    ],
)
def test_a_story_runs_through_stage_five_in_each_mode(studio, story, mode, names):
    done = run_cli("run", str(SAMPLES / story), "--mode", mode, "--through", "5", "--json", "--user", "batch@example.com")
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert summary["scene_count"] >= 1 and summary["asset_count"] >= len(names)
    assert summary["spend"] == "0.000000" and float(summary["shadow_spend"]) > 0  # offline, shadow-priced
    with studio.db.as_service() as conn:
        stages = conn.execute(
            "SELECT stage_number, status FROM stage_states WHERE branch_id = %s AND status = 'locked' ORDER BY 1",
            [summary["branch_id"]]).fetchall()
        assets = conn.execute("SELECT name, image_key_url FROM project_assets WHERE branch_id = %s",
                              [summary["branch_id"]]).fetchall()
        scenes = conn.execute("SELECT count(*) AS n FROM scenes WHERE branch_id = %s", [summary["branch_id"]]).fetchone()
    locked = sorted({row["stage_number"] for row in stages})
    assert locked == ([1, 4, 5] if mode == "import" else [1, 2, 3, 4, 5])
    asset_names = " ".join(a["name"] for a in assets)
    assert all(name.split()[0] in asset_names for name in names), asset_names
    assert all(a["image_key_url"] for a in assets), "every asset has its reference image"
    assert scenes["n"] == summary["scene_count"]
    with studio.db.as_service() as conn:
        made = conn.execute(
            """SELECT model, final_prompt, prompt_template_version, generation FROM stage_states
                WHERE branch_id = %s AND stage_number = 5 ORDER BY version LIMIT 1""", [summary["branch_id"]]).fetchone()
    assert made["model"] == "offline:draft-writer" and made["final_prompt"] and made["prompt_template_version"]
    assert made["generation"]["input_tokens"] > 0 and made["generation"]["latency_ms"] >= 0  # every call recorded


def test_progress_is_printed_per_stage_with_its_cost(studio):
    done = run_cli("run", str(SAMPLES / "lighthouse.txt"), "--mode", "condense", "--through", "3")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("Stage 2 locked") and "credits" in line for line in lines)
    assert any(line.startswith("Stage 3 locked") for line in lines)
    assert not any(line.startswith("Stage 4") for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "no/such/story.txt", "--mode", "expand"], "no such file"),
        (["run", str(SAMPLES / "premise.txt"), "--mode", "import"], "scene heading"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(studio, args, message):
    done = run_cli(*args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    with studio.db.as_service() as conn:
        assert conn.execute("SELECT count(*) AS n FROM projects").fetchone()["n"] == 0


# Written for these tests: one scene, two speakers, a word of dialogue that looks like a name ("Sister").
CHAPEL = """Title: The Bell Rope

INT. BELL TOWER - DAWN

AGNES climbs the last steps and grips the bell rope.

AGNES
Not yet, Sister.

TOMAS (O.S.)
Agnes! The rope is frayed!

Agnes lets go. The rope snaps and falls past her.
"""


def test_run_through_stage_nine_prints_each_scenes_shots_with_their_prompts(studio, tmp_path):
    script = tmp_path / "bell_rope.fountain"
    script.write_text(CHAPEL, encoding="utf-8")
    done = run_cli("run", str(script), "--mode", "import", "--through", "9", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    [scene] = report["scenes"]
    shots = scene["shots"]
    assert report["shot_count"] == len(shots) >= 2
    assert report["total_runtime"] == scene["runtime"] == sum(s["duration"] for s in shots)
    assert all(s["frame_prompt"] and s["video_prompt"] for s in shots)
    # each line in its own shot, in order, given to its own speaker; "Sister" is a word of dialogue, not a character
    assert [s["dialogue"] for s in shots if s["dialogue"]] == ["AGNES: Not yet, Sister.",
                                                               "TOMAS: Agnes! The rope is frayed!"]
    with studio.db.as_service() as conn:
        cast = {a["name"].upper() for a in conn.execute(
            "SELECT name FROM project_assets WHERE branch_id = %s AND asset_type = 'character'",
            [report["branch_id"]]).fetchall()}
    assert cast == {"AGNES", "TOMAS"}
    assert "film" not in report  # stage 9 makes no film


def test_run_through_stage_twelve_writes_a_film_that_plays_and_its_exports(studio, tmp_path):
    from core.exports.probe import probe

    script = tmp_path / "bell_rope.fountain"
    script.write_text(CHAPEL, encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("run", str(script), "--mode", "import", "--through", "12", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    film = report["film"]
    assert film["missing_scenes"] == [] and film["parts"] == report["shot_count"]
    assert film["seconds"] == pytest.approx(report["total_runtime"], abs=0.5)
    exports = {what: Path(path) for what, path in film["exports"].items()}
    assert set(exports) == {"film", "screenplay", "shot_list", "timeline", "edl", "subtitles", "frames"}
    assert all(path.parent == out and path.stat().st_size > 0 for path in exports.values())
    played = probe(exports["film"])
    assert played.video_codec == "h264" and played.duration == pytest.approx(report["total_runtime"], abs=0.5)
    assert "Agnes lets go" not in exports["subtitles"].read_text() and "The rope is frayed!" in \
        exports["subtitles"].read_text()
    assert "AGNES" in exports["screenplay"].read_text()
    timeline = otio.adapters.read_from_file(str(exports["timeline"]))
    targets = [clip.media_reference.target_url for clip in timeline.find_clips()]
    assert len(targets) == report["shot_count"] and all((out / target).is_file() for target in targets)
