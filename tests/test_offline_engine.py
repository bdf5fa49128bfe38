"""The offline engine piece by piece: reading prose, writing drafts, drawing storyboards, and the providers."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from core.errors import ProviderBadResponse
from core.film.screenplay import read_fountain
from core.film.style import STYLE_PRESETS, palette_for, style_preset
from core.offline import writer
from core.offline.beats import arc_labels, beat_count, treatment_sentences
from core.offline.direction import read_direction
from core.offline.names import find_characters
from core.offline.places import find_places, mentioned_places, time_jump, time_of_day
from core.offline.props import find_props
from core.offline.speech import Exchange, split_speech
from core.offline.storyboard import render_reference
from core.offline.tense import to_present
from core.offline.text import split_sentences
from core.providers.base import ImageRequest, TextRequest
from core.providers.offline import OfflineImageProvider, OfflineTextProvider, estimate_tokens
from stages.templates import PromptTemplate, load_template, template_files
from stages.treatment import Treatment


@pytest.mark.parametrize(("paragraph", "expected"), [
    ("Mara ran. Jonah followed.", ["Mara ran.", "Jonah followed."]),
    ("Dr. Okafor arrived at 9. Mr. Reyes waited.", ["Dr. Okafor arrived at 9.", "Mr. Reyes waited."]),
    ('"Run!" Mara shouted. They ran.', ['"Run!" Mara shouted.', "They ran."]),
    ('"Let them," Jonah replied. "It took enough." He left.',
     ['"Let them," Jonah replied. "It took enough."', "He left."]),
    ("J. R. Hart signed. It rained", ["J. R. Hart signed.", "It rained"]),
])
def test_sentences_keep_abbreviations_and_speech_together(paragraph, expected):
    assert split_sentences(paragraph) == expected


@pytest.mark.parametrize(("text", "names"), [
    ("A fisherman named Jonah mends nets. Later, Jonah sails.", ["Jonah"]),
    ("Mara Quinn kept the light. Every night Mara climbed the stairs.", ["Mara Quinn"]),
    ("Her son Jonah and her rival, Silas, argue.", ["Jonah", "Silas"]),
    ('"Stay," Wren said.', ["Wren"]),
    ("Dr. Okafor waits. Then Dr. Okafor leaves.", ["Dr. Okafor"]),
    ("They sailed to Lisbon. In Lisbon they parted.", []),
    ("He worked on a trawler called the Marigold. The Marigold sank.", []),
    ("This is going to be BAD. Suddenly the lights die.", []),
    ("The storm came. It was Tuesday in March.", []),
    ("Mara waits. Mara sighs. Rain falls. Rain hammers.", ["Mara"]),
    ('"Keep it lit," Ines said. "Keep it burning."', ["Ines"]),
    # a hyphenated name is one name: no 'Aubin' from the Saint-Aubin ferry, no 'Luc' split off Jean-Luc
    ("Ines Moreau ran the booth at the Saint-Aubin ferry. Later, Ines counted the till.", ["Ines Moreau"]),
    ('Jean-Luc Picard waits on the quay. "Go," said Jean-Luc.', ["Jean-Luc Picard"]),
    # names that are words too: the capital mid-sentence, or before a past-tense or speech verb, makes the name
    ('Her nephew Will swept the floor. "Will you help?" Rose asked.', ["Will", "Rose"]),
    ('"Is it done?" Will asked. Aunt May nodded.', ["Will", "Aunt May"]),
    ("Will the ferry come? Ines waited. Ines sighed. May I say it will?", ["Ines"]),
    # where a journey goes is a place; someone walked to is a person
    ("Two brothers, Karim and Yusuf, must sail the boat to Tangier.", ["Karim", "Yusuf"]),
    ("Twenty-eight tins. Twenty-eight years of oil, and Amos Reyes paid for none.", ["Amos Reyes"]),
    ("Tomas waited. Tomas drove the truck to Lisbon. Later he walked to Ana and kissed her.", ["Tomas", "Ana"]),
])
def test_characters_are_names_the_text_uses(text, names):
    assert [character.name for character in find_characters(text)] == names


def test_characters_are_ordered_by_first_mention_and_know_their_cue():
    (mara, jonah) = find_characters("Mara Quinn waits for Jonah. Jonah is late. Mara sighs.")
    assert (mara.name, mara.cue, jonah.cue) == ("Mara Quinn", "MARA", "JONAH")
    assert mara.aliases == {"mara quinn", "mara"} and mara.mentions == 2


@pytest.mark.parametrize(("sentence", "names", "time"), [
    ("Mara climbs to the old lighthouse at dusk.", ["OLD LIGHTHOUSE"], "DUSK"),
    ("They meet at the Blue Moon Diner on Harbor Street.", ["BLUE MOON DINER", "HARBOR STREET"], None),
    ("She walks into Mara's kitchen that night.", ["MARA'S KITCHEN"], "NIGHT"),
    ("In a quiet kitchen, Jonah waits.", ["KITCHEN"], None),
    ("Every evening she lived in a rented room.", [], None),
    ("The council wants to turn it into a hotel before dawn.", [], None),
    ("At that point the market square empties.", [], None),
    ("Teodor went to the market square in the morning.", ["MARKET SQUARE"], "DAY"),
    ("On the night the service closed, Ines counted the tickets.", [], "NIGHT"),
    ("One cold winter morning the bakery stayed shut.", [], "DAY"),
    ("It was a moonless night on the quay.", ["QUAY"], "NIGHT"),
    ("On the day shift nobody sleeps; Tova dreams of the evening train.", [], "DAY"),
    ("She had worked every night shift since spring.", [], None),
    ("No one saw the night watchman leave.", [], None),
    ("Ines looks at the empty harbour and nods.", [], None),
    ("The twins waited at the bus stop outside the school.", ["BUS STOP", "SCHOOL"], None),
    ("Mara stares out across the bay, then walks to the pier.", ["PIER"], None),
])
def test_places_and_times_of_day(sentence, names, time):
    assert [place.name for place in find_places(sentence)] == names
    assert time_of_day(sentence) == time


def test_places_know_interior_exterior_and_how_prose_says_them():
    (diner, street) = find_places("They meet at the Blue Moon Diner on Harbor Street.")
    assert (diner.setting, diner.phrase, diner.preposition) == ("INT", "the Blue Moon Diner", "at")
    assert (street.setting, street.phrase) == ("EXT", "Harbor Street")
    assert [place.name for place in mentioned_places("Silas wants the lighthouse demolished.")] == ["LIGHTHOUSE"]


@pytest.mark.parametrize(("sentence", "jump"), [
    ("A week later Silas returned.", True), ("Years later, the light still burns.", True),
    ("The next morning the sea is calm.", True), ("She arrived later.", False), ("Mara waits.", False),
])
def test_time_jumps(sentence, jump):
    assert time_jump(sentence) is jump


@pytest.mark.parametrize(("past", "present"), [
    ("Mara opened the door and walked in.", "Mara opens the door and walks in."),
    ("Mara and Jonah met him at the door.", "Mara and Jonah meet him at the door."),
    ("She wound the crank until her arms burned.", "She winds the crank until her arms burn."),
    ("The great lens began to turn.", "The great lens begins to turn."),
    ("Every evening she climbed the stairs, polished the lantern and watched the boats.",
     "Every evening she climbs the stairs, polishes the lantern and watches the boats."),
    ("He worked on a trawler called the Marigold.", "He works on a trawler called the Marigold."),
    ("They were late.", "They are late."),
    ("Rain, then silence.", "Rain, then silence."),
    ("On the night the service closed, Ines counted the tickets.",
     "On the night the service closes, Ines counts the tickets."),
    ("Luc set a cup beside the till and sat down.", "Luc sets a cup beside the till and sits down."),
    ("Theo, the old captain, came in shaking water from his coat.",
     "Theo, the old captain, comes in shaking water from his coat."),
    ("She shrugged and stirred the soup.", "She shrugs and stirs the soup."),
    ("Will grinned, winked and hummed a tune.", "Will grins, winks and hums a tune."),
    ("The twins, Pia and Jonas, waited at the bus stop.", "The twins, Pia and Jonas, wait at the bus stop."),
    ("They set off at dawn.", "They set off at dawn."),
    ("Each night she climbed the stair and trimmed the wick.", "Each night she climbs the stair and trims the wick."),
])
def test_action_is_put_in_the_present_tense(past, present):
    assert to_present(past) == present


@pytest.mark.parametrize(("sentence", "action", "speeches"), [
    ('"Run," Mara whispered, and grabbed the lantern.', "Mara grabbed the lantern.", [("MARA", "Run.", "whispering")]),
    ('Jonah looked up. "Let them."', "Jonah looked up.", [("JONAH", "Let them.", "")]),
    ('"She\'s lit it," he whispered to the captain.', "", [("JONAH", "She's lit it.", "whispering")]),
    ('"Go," said Mara.', "", [("MARA", "Go.", "")]),
    ('A voice calls out: "Who is there?"', "A voice calls out.", [("VOICE", "Who is there?", "")]),
    ('Said her son Jonah, leaning in the doorway, "Nobody crosses in winter."',
     "Her son Jonah, leaning in the doorway.", [("JONAH", "Nobody crosses in winter.", "")]),
    ('Whispered Mara: "Not yet."', "", [("MARA", "Not yet.", "whispering")]),
    ('"Tell Jonah it needs a valve," Mara said without looking up. "And money."', "",
     [("MARA", "Tell Jonah it needs a valve.", "without looking up"), ("MARA", "And money.", "")]),
    ('"Not yet," Jonah said, turning the page to the light.', "Jonah, turning the page to the light.",
     [("JONAH", "Not yet.", "")]),
    ('"Why now?" Mara asked at last.', "", [("MARA", "Why now?", "")]),
    ('"Fine," said Jonah with a shrug, and left the shop.', "Jonah left the shop.",
     [("JONAH", "Fine.", "with a shrug")]),
])
def test_quoted_speech_becomes_dialogue_for_the_right_speaker(sentence, action, speeches):
    cast = list(find_characters("Mara Quinn and her son Jonah wait. Mara sighs. Jonah sighs."))
    last = cast[1] if "he whispered" in sentence else None
    found_action, found = split_speech(sentence, cast if "voice" not in sentence.lower() else [], last)
    assert found_action == action
    assert [(speech.cue, speech.line, speech.manner) for speech in found] == speeches


@pytest.mark.parametrize(("sentence", "action", "speeches"), [
    ('"Are you lost?" the boy asked.', "", [("BOY", "Are you lost?", "")]),
    ('"Go," the old keeper said quietly, and closed the door.', "The old keeper closed the door.",
     [("KEEPER", "Go.", "")]),
    ('"Coffee," the twins said together.', "", [("TWINS", "Coffee.", "")]),
])
def test_a_speaker_known_by_what_they_are_leaves_no_tag_behind(sentence, action, speeches):
    found_action, found = split_speech(sentence, [], None, Exchange())
    assert found_action == action
    assert [(speech.cue, speech.line, speech.manner) for speech in found] == speeches


def test_props_are_things_handled_in_the_action():
    script = ("INT. LIGHTHOUSE - NIGHT\n\nMARA grabs the old hand crank from the cellar. She winds the crank.\n\n"
              "EXT. HARBOR - NIGHT\n\nSilas measures the pier with a yellow tape and folds the papers again. "
              "He looks at his hands.\n\nBRICK gets into Mom's PORSCHE.\n")
    props = find_props(read_fountain(script).scenes, {"mara", "silas", "brick"})
    assert [(prop.name, prop.scene_numbers) for prop in props] == [
        ("Old hand crank", (1,)), ("Yellow tape", (2,)), ("Papers", (2,)), ("Porsche", (2,))]
    assert "Handled 2 times" in props[0].description


@pytest.mark.parametrize(("count", "labels"), [
    (1, ["Setup"]), (3, ["Setup", "Confrontation", "Resolution"]),
    (5, ["Setup", "Inciting incident", "Rising action", "Climax", "Resolution"]),
    (8, ["Setup", "Inciting incident", "Rising action", "Midpoint", "Complication", "Crisis", "Climax",
         "Resolution"]),
])
def test_arc_labels(count, labels):
    assert arc_labels(count) == labels


@pytest.mark.parametrize(("seconds", "guidance", "beats"), [
    (60, "", 5), (120, "", 8), (180, "", 12), (600, "", 16), (180, "make it shorter", 8), (120, "more detail", 11),
])
def test_beat_count_follows_length_and_guidance(seconds, guidance, beats):
    assert beat_count(seconds, read_direction(guidance)) == beats


def test_treatment_sentences_leave_out_tone_lines_and_act_markers():
    prose = "Tone: quiet.\nEmphasis: the storm.\n\nAct One. Mara waits. Act Two — Jonah comes.\n\nAct Three: End."
    assert treatment_sentences(prose) == ["Mara waits.", "Jonah comes.", "End."]


@pytest.mark.parametrize(("guidance", "length", "words"), [
    ("", 1.0, frozenset()), ("Shorter, please", 0.7, frozenset()),
    ("More detail about the storm", 1.4, frozenset({"storm"})), ("focus on Silas", 1.0, frozenset({"silas"})),
])
def test_guidance_is_read_for_length_and_emphasis(guidance, length, words):
    direction = read_direction(guidance)
    assert (direction.length, direction.words, direction.given) == (length, words, bool(guidance))


STORY_INPUTS = {"narrative": "Mara Quinn kept the lighthouse. Jonah, her son, sailed the Marigold at night. "
                             '"Come home," Mara whispered.', "input_mode": "condense", "target_length_max": 60,
                "genres": ["Drama"], "title": "Light"}


@pytest.mark.parametrize(("task", "inputs"), [
    ("treatment", {**STORY_INPUTS, "approach": "heightened"}),
    ("beat_sheet", {"treatment": "Mara waits. Jonah sails. The storm breaks. Mara lights the lamp. Jonah sees it."}),
    ("master_script", {"beats": [{"order": 1, "text": "Mara climbs into the lantern room at night."},
                                 {"order": 2, "text": '"Come home," Mara whispered.'}], "title": "Light"}),
    ("asset_extraction", {"formatted_script": "INT. ROOM - DAY\n\nMARA lights the lamp.\n\nMARA\nHome.\n"}),
])
def test_every_task_drafts_the_same_way_twice_and_guidance_shows(task, inputs):
    first = writer.draft(task, inputs, seed=3)
    assert first == writer.draft(task, dict(inputs), seed=3)
    assert writer.draft(task, {**inputs, "guidance": "darker, with the lamp in focus"}, seed=3) != first


def test_unknown_tasks_and_empty_beats_are_refused():
    with pytest.raises(KeyError, match="no_such_task"):
        writer.draft("no_such_task", {})
    with pytest.raises(ValueError):
        writer.draft("master_script", {"beats": [{"order": 1, "text": "  "}]})


def _request(task: str, inputs: dict, schema=Treatment, prompt: str = "x" * 401) -> TextRequest:
    return TextRequest(task=task, prompt=prompt, inputs=inputs, schema=schema, seed=0)


def test_offline_text_provider_validates_and_estimates_tokens():
    provider = OfflineTextProvider()
    result = provider.generate(_request("treatment", {**STORY_INPUTS, "approach": "faithful"}))
    assert isinstance(result.output, Treatment) and result.output.label == "Faithful"
    assert (result.provider, result.model, provider.offline) == ("offline", "offline:draft-writer", True)
    assert result.usage.input_tokens == 101 == estimate_tokens("x" * 401)
    answer = writer.draft("treatment", {**STORY_INPUTS, "approach": "faithful"})
    assert result.usage.output_tokens == math.ceil(len(json.dumps(answer, ensure_ascii=False)) / 4)


def test_offline_text_provider_turns_failures_into_provider_errors():
    provider = OfflineTextProvider()
    with pytest.raises(ProviderBadResponse, match="no task"):
        provider.generate(_request("no_such_task", {}))
    with pytest.raises(ProviderBadResponse, match="approach"):
        provider.generate(_request("treatment", {**STORY_INPUTS, "approach": "operatic"}))


SUBJECTS = [
    {"name": "Mara Quinn", "asset_type": "character", "description": "An old keeper in a long coat and a hat."},
    {"name": "Jonah", "asset_type": "character", "description": "Her son, young and tall."},
    {"name": "Harbor", "asset_type": "location", "description": "Exterior. Boats at the pier. Seen at: night."},
    {"name": "Kitchen", "asset_type": "location", "description": "Interior. A table by the window."},
    {"name": "Brass lantern", "asset_type": "prop", "description": "Handled in scene 1."},
    {"name": "Letter", "asset_type": "prop", "description": "Folded twice."},
    {"name": "Something else", "asset_type": "prop", "description": ""},
]


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("style", sorted(STYLE_PRESETS))
def test_storyboards_are_real_distinct_pngs_in_every_style(style):
    images = [render_reference({**subject, "style": style}) for subject in SUBJECTS]
    for data in images:
        image = _png(data)
        assert (image.format, image.size, image.mode) == ("PNG", (1024, 576), "RGB")
        assert len(set(image.resize((32, 18)).getdata())) > 3  # a picture, not a flat fill
    assert len(set(images)) == len(SUBJECTS)


def test_storyboards_are_deterministic_and_seeded():
    subject = SUBJECTS[0]
    assert render_reference(subject, seed=1) == render_reference(dict(subject), seed=1)
    assert render_reference(subject, seed=1) != render_reference(subject, seed=2)
    assert _png(render_reference(subject, width=320, height=180)).size == (320, 180)
    with pytest.raises(ValueError):
        render_reference(subject, width=10, height=10)


def test_offline_image_provider_draws_the_request():
    provider = OfflineImageProvider()
    result = provider.render(ImageRequest(prompt="ignored", subject={**SUBJECTS[2], "style": "noir"}, width=640,
                                          height=360, seed=4))
    assert _png(result.png).size == (640, 360)
    assert (result.provider, result.model, result.usage.images, provider.offline) == ("offline", "offline:storyboard",
                                                                                      1, True)
    with pytest.raises(ProviderBadResponse):
        provider.render(ImageRequest(prompt="", subject=SUBJECTS[0], width=8, height=8))


def test_style_presets_and_notes_make_the_palette():
    assert style_preset("Film noir").key == "noir" and style_preset("unknown").key == "storyboard"
    plain, tinted = palette_for("pastel"), palette_for("pastel", "warm, with red accents")
    assert tinted.accent == "#c0392b" and tinted.top != plain.top
    assert render_reference({**SUBJECTS[4], "style": "pastel"}) != render_reference(
        {**SUBJECTS[4], "style": "pastel", "style_notes": "warm, with red accents"})


def test_template_versions_are_file_name_and_text_hash(tmp_path):
    (tmp_path / "treatment.v1.md").write_text("Write $what.", encoding="utf-8")
    (tmp_path / "treatment.v2.md").write_text("Write $what, better.", encoding="utf-8")
    latest = load_template("treatment", tmp_path)
    assert latest.file_name == "treatment.v2.md" and latest.render(what="it") == "Write it, better."
    assert latest.version.startswith("treatment.v2.md@") and len(latest.version.split("@")[1]) == 12
    edited = PromptTemplate("treatment.v2.md", "Write $what, best.")
    assert edited.version != latest.version and edited.version.startswith("treatment.v2.md@")
    with pytest.raises(KeyError):
        latest.render()


def test_every_stage_has_a_prompt_template():
    assert {name.split(".")[0] for name in template_files()} == {
        "treatment", "beat_sheet", "master_script", "asset_extraction", "asset_image",
        "shot_list", "visual_definition", "frame_prompt", "video_prompt", "prompt_polish"}  # stages 7-9
    assert "narrative" in load_template("treatment").placeholders()


_DRAFT_IN_A_FRESH_PROCESS = """
import hashlib, json, sys
from core.offline import writer
inputs = json.loads(sys.argv[1])
drafts = [writer.draft(task, inputs[task], seed=1) for task in sorted(inputs)]
print(hashlib.sha256(json.dumps(drafts, sort_keys=True).encode()).hexdigest())
"""


def test_drafts_do_not_depend_on_the_process_hash_seed():
    inputs = json.dumps({"treatment": {**STORY_INPUTS, "approach": "condensed", "guidance": "the storm"},
                         "master_script": {"beats": [{"order": 1, "text": STORY_INPUTS["narrative"]}], "title": "L"}})
    root = Path(__file__).resolve().parents[1]
    digests = {subprocess.run([sys.executable, "-c", _DRAFT_IN_A_FRESH_PROCESS, inputs], cwd=root, check=True,
                              capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}).stdout
               for seed in ("1", "2")}
    assert len(digests) == 1


def test_beats_that_look_like_fountain_markup_stay_action():
    beats = [{"order": 1, "text": "Int. design matters here. # hashtags happen. HELP ME NOW. > not a transition."}]
    script = writer.draft("master_script", {"beats": beats, "title": "Markup"})["formatted_script"]
    document = read_fountain(script)
    assert [scene.slug for scene in document.scenes] == ["INT. UNNAMED PLACE - DAY"]
    assert document.scenes[0].action == ("Int. design matters here. # hashtags happen.",
                                         "HELP ME NOW. > not a transition.")


def test_a_name_that_qualifies_a_place_is_a_place_not_a_character():
    from core.offline.names import find_characters

    text = ("Mara Quill had kept the Gannet Rock lighthouse for eleven winters. "
            "She showed the letter to old Finn Harrow. \"Tides don't lie,\" Finn said.")
    assert [c.name for c in find_characters(text)] == ["Mara Quill", "Finn Harrow"]
