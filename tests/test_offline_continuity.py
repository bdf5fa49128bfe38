"""The offline Stage 8 reader: status tags read from a scene's action lines. Table-driven on action written
for these tests; pure, no database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.film.continuity import VOCABULARY, applies_to
from core.offline import writer
from core.offline.continuity import read_tag_changes

CAST = [
    {"name": "INES", "asset_type": "character", "description": "Ines Duarte, a ferry pilot in her fifties"},
    {"name": "JONAH", "asset_type": "character", "description": "Jonah, her nephew, a boy of ten"},
    {"name": "Mr. Brandt", "asset_type": "character", "description": "The quarry owner"},
    {"name": "KIT", "asset_type": "character", "description": "A deckhand"},  # the text never says he or she
    {"name": "Lantern", "asset_type": "prop", "description": "A storm lantern"},
    {"name": "Whisky Bottle", "asset_type": "prop", "description": "Brandt's bottle"},
    {"name": "Quarry", "asset_type": "location", "description": "A flooded slate quarry"},
]


def _read(action: str, inherited: dict | None = None, guidance: str = "", slug: str = "EXT. QUARRY - DAY") -> dict:
    assets = [{**asset, "inherited_tags": (inherited or {}).get(asset["name"], [])} for asset in CAST]
    return read_tag_changes({"scene_number": 4, "slug": slug, "excerpt": "", "action": action.split("\n\n"),
                             "assets": assets, "guidance": guidance}, seed=0)


def _changes(action: str, inherited: dict | None = None, **options) -> dict[str, tuple]:
    """asset -> (tags added, tags cleared), for the assets that changed."""
    return {i["asset"]: (tuple(i["tags_added"]), tuple(i["tags_cleared"]))
            for i in _read(action, inherited, **options)["instances"] if i["tags_added"] or i["tags_cleared"]}


@pytest.mark.parametrize(("action", "expected"), [
    ("Ines loses her footing on the bank and falls into the mud.", {"INES": "muddy"}),
    ("Ines laughs as Jonah slips in the mud.", {"JONAH": "muddy"}),
    ("Jonah crawls through the mud toward Ines.", {"JONAH": "muddy"}),
    ("Behind Jonah, Ines sprawls in the mud.", {"INES": "muddy"}),
    ("Mr. Brandt shoves Jonah into the river.", {"JONAH": "soaked"}),
    ("Ines and Jonah wade into the river.", {"INES": "soaked", "JONAH": "soaked"}),
    ("Drenched, Jonah hauls himself onto the jetty.", {"JONAH": "soaked"}),
    ("The rain soaks Ines and Kit.", {"INES": "soaked", "KIT": "soaked"}),
    ("Brandt rips Jonah's sleeve.", {"JONAH": "torn_shirt"}),
    ("Ines climbs the fence. Her coat is torn.", {"INES": "torn_shirt"}),
    ("Brandt punches Kit.", {"KIT": "bruised"}),
    ("Jonah cuts his hand on the slate.", {"JONAH": "bloody"}),
    ("Ines cuts the rope.", {}),
    ("Kit watches Jonah wade into the river.", {"JONAH": "soaked"}),  # Jonah is who wades
    ("Ines helps Kit, who is bleeding.", {"KIT": "bloody"}),
    ("Ines and Jonah wade out. They come back covered in mud.", {"INES": "muddy", "JONAH": "muddy"}),
    ("Kit is covered in soot.", {"KIT": "sooty"}),
    ("Ines wipes her brow, drenched in sweat.", {"INES": "sweaty"}),
])
def test_a_change_goes_to_the_character_the_sentence_is_about(action, expected):
    assert _changes(action) == {asset: ((tag,), ()) for asset, tag in expected.items()}


@pytest.mark.parametrize(("action", "who"), [
    ("Ines hauls Jonah up the bank. He slips in the mud.", "JONAH"),  # he: the boy, not Ines
    ("Jonah hands Ines the rope. She wades into the river.", "INES"),
    ("Brandt watches Ines from the ridge. She slips in the mud.", "INES"),
    ("Ines watches Brandt from the ridge. He slips in the mud.", "Mr. Brandt"),  # 'Mr.' says he
    ("Ines waves to Kit on the pier. Then he dives into the harbour.", "KIT"),  # no he named: the last named
    ("Jonah runs for the boat. Slips. Falls face first into the mud.", "JONAH"),
])
def test_pronouns_and_fragments_mean_the_character_just_named(action, who):
    changed = _changes(action)
    assert list(changed) == [who], changed


@pytest.mark.parametrize("action", [
    "Ines doesn't fall in the mud.",
    "Jonah nearly slips into the river.",
    "Kit climbs out of the pit. Not a drop of mud on him.",
    "Ines never gets wet.",
    "Brandt tries to push Jonah into the river.",
    "Ines would rather die than fall into the mud.",
])
def test_what_does_not_happen_changes_nothing(action):
    assert _changes(action) == {}


def test_a_scene_that_says_nothing_changes_nothing_and_lists_every_asset_in_order():
    inherited = {"INES": ["muddy"], "Lantern": ["lit"]}
    result = _read("Ines sits on the crate and counts the fares. Jonah sleeps.", inherited)["instances"]
    assert [i["asset"] for i in result] == [asset["name"] for asset in CAST]
    assert all(not i["tags_added"] and not i["tags_cleared"] and not i["evidence"] for i in result)
    assert all(i["carry_forward"] is True and i["clear_all"] is False for i in result)


@pytest.mark.parametrize(("action", "inherited", "expected"), [
    ("Ines washes off the mud at the pump.", {"INES": ["muddy", "soaked"]}, {"INES": ((), ("muddy",))}),
    ("Ines hoses off.", {"INES": ["muddy", "dusty", "soaked"]}, {"INES": ((), ("dusty", "muddy"))}),
    ("Jonah dries off by the stove.", {"JONAH": ["soaked", "muddy"]}, {"JONAH": ((), ("soaked",))}),
    ("Kit warms his hands by the fire.", {"KIT": ["soaked"]}, {"KIT": ((), ("soaked",))}),
    ("Jonah changes into a clean shirt.", {"JONAH": ["torn_shirt", "muddy", "bruised"]},
     {"JONAH": ((), ("muddy", "torn_shirt"))}),
    ("Ines bandages Jonah's arm.", {"JONAH": ["bloody"]}, {"JONAH": (("bandaged",), ("bloody",))}),
    ("Ines wipes the blood from Jonah's face.", {"JONAH": ["bloody", "muddy"]}, {"JONAH": ((), ("bloody",))}),
    ("Ines washes off the mud, then falls into the river.", {"INES": ["muddy"]},
     {"INES": (("soaked",), ("muddy",))}),
    ("Ines falls into the river, then washes off the mud.", {"INES": ["muddy"]},
     {"INES": (("soaked",), ("muddy",))}),
    ("Ines washes the dishes.", {"INES": ["muddy"]}, {}),
    ("Jonah falls into the mud. Later he hoses off.", {}, {}),  # muddy and clean again within the scene
])
def test_washing_changing_drying_and_bandaging_clear_what_they_should(action, inherited, expected):
    assert _changes(action, inherited) == expected


@pytest.mark.parametrize(("action", "inherited", "expected"), [
    ("The lantern goes out.", {}, (("extinguished",), ())),
    ("Ines watches the lantern gutter out.", {}, (("extinguished",), ())),
    ("Kit blows out the lantern.", {"Lantern": ["lit"]}, (("extinguished",), ("lit",))),
    ("Brandt lights the lantern.", {"Lantern": ["extinguished"]}, (("lit",), ("extinguished",))),
    ("Ines's lantern falls into the mud.", {}, (("muddy",), ())),
    ("Kit holds the lantern up to the wind. It goes out.", {}, (("extinguished",), ())),
    ("Ines puts out her hand.", {"Lantern": ["lit"]}, None),
])
def test_props_are_lit_put_out_and_dirtied_by_name(action, inherited, expected):
    changed = _changes(action, inherited)
    assert changed == ({"Lantern": expected} if expected else {})


@pytest.mark.parametrize("action", ["The bottle shatters on the slate.", "Brandt smashes the whisky bottle.",
                                    "Brandt tosses the bottle to Kit, and it shatters."])
def test_a_broken_prop_is_broken_and_the_one_who_broke_it_is_not(action):
    assert _changes(action) == {"Whisky Bottle": (("broken",), ())}


def test_the_scene_location_fills_with_smoke_without_being_named():
    assert _changes("Smoke fills the cutting shed.") == {"Quarry": (("smoky",), ())}


def test_dialogue_is_never_read_for_tags():
    fountain = ('Ines sits on the crate.\n\nJONAH\nI fell in the mud and now I\'m soaked.\n\n'
                'INES\n(bleeding)\nThe lantern went out. Go wash.\n')
    result = read_tag_changes({"scene_number": 4, "slug": "INT. CUTTING SHED - NIGHT", "excerpt": fountain,
                               "assets": CAST, "guidance": ""}, seed=0)
    assert all(not i["tags_added"] for i in result["instances"])
    assert _changes('Ines grins. "I fell in the mud, I am soaked to the skin," she says.') == {}


def test_evidence_quotes_the_words_that_made_the_change():
    [ines] = [i for i in _read("Ines wades into the river. Jonah waits.")["instances"] if i["asset"] == "INES"]
    assert ines["evidence"] == "Ines wades into the river"


def test_guidance_against_tags_adds_none_but_still_reads_what_clears():
    action = "Ines washes off the mud, then falls into the river. The lantern goes out."
    assert _changes(action, {"INES": ["muddy"]}, guidance="No continuity tags, please.") == {
        "INES": ((), ("muddy",))}


def test_weeks_later_the_dirt_is_gone_but_bruises_and_breakages_remain():
    inherited = {"INES": ["muddy", "bruised"], "Whisky Bottle": ["broken"], "Quarry": ["smoky"]}
    assert _changes("Ines walks the rim of the pit.", inherited, slug="EXT. QUARRY - THREE WEEKS LATER") == {
        "INES": ((), ("muddy",)), "Quarry": ((), ("smoky",))}


def test_the_reader_is_the_visual_definition_task_and_the_same_every_time():
    inputs = {"scene_number": 2, "slug": "EXT. QUARRY - DAY", "assets": CAST, "guidance": "",
              "action": ["Jonah slips into the river. Ines pulls him out, and her sleeve tears on the wire."]}
    first = writer.draft("visual_definition", inputs, seed=1)
    assert first == writer.draft("visual_definition", dict(inputs), seed=99) == read_tag_changes(inputs, 5)
    assert [i["tags_added"] for i in first["instances"][:2]] == [["torn_shirt"], ["soaked"]]


_IN_A_FRESH_PROCESS = """
import json, sys
from core.offline.continuity import read_tag_changes
print(json.dumps(read_tag_changes(json.loads(sys.argv[1]), 0), sort_keys=True))
"""


def test_the_reading_does_not_depend_on_the_process_hash_seed():
    import json
    inputs = json.dumps({"slug": "EXT. QUARRY - DAY", "assets": CAST, "action": [
        "Ines and Jonah wade into the river, then dry off by the fire. Kit washes off the mud and cuts his hand."]})
    root = Path(__file__).resolve().parents[1]
    outputs = {subprocess.run([sys.executable, "-c", _IN_A_FRESH_PROCESS, inputs], capture_output=True, text=True,
                              check=True, cwd=root, env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}).stdout
               for seed in ("1", "2", "3")}
    assert len(outputs) == 1


_WORDS = ("Ines", "Jonah", "Kit", "Brandt", "he", "she", "the", "lantern", "bottle", "falls", "into", "mud", "river",
          "washes", "off", "rips", "his", "her", "sleeve", "not", "blood", "lights", "goes", "out", "and", "then",
          "smoke", "fills", "shatters", "soaked", "bandages", "arm", ",", ".", "quarry", "changes", "clean", "shirt")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=30), st.lists(st.sampled_from(sorted(VOCABULARY)),
                                                                            max_size=3))
def test_the_reader_only_adds_known_tags_that_fit_and_only_clears_what_was_there(words, inherited):
    action = " ".join(words).replace(" ,", ",").replace(" .", ".")
    result = _read(action, {asset["name"]: inherited for asset in CAST})["instances"]
    for instance, asset in zip(result, CAST):
        assert all(tag in VOCABULARY and applies_to(tag, asset["asset_type"]) for tag in instance["tags_added"])
        assert set(instance["tags_cleared"]) <= set(inherited)
        assert not set(instance["tags_added"]) & (set(inherited) - set(instance["tags_cleared"]))
        assert instance["evidence"] or not (instance["tags_added"] or instance["tags_cleared"])


def test_an_asset_without_a_name_still_gets_its_instance_in_place():
    assets = [{"name": "", "asset_type": "character"}, {"name": "JONAH", "asset_type": "character"}]
    result = read_tag_changes({"assets": assets, "action": ["Jonah slips in the mud."]}, 0)["instances"]
    assert [(i["asset"], i["tags_added"]) for i in result] == [("", []), ("JONAH", ["muddy"])]
