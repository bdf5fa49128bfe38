"""The offline reader: who is in a text, and who says what. Table-driven on texts written for these tests."""

from __future__ import annotations

import pytest

from core.film.screenplay import read_fountain
from core.offline import writer
from core.offline.assets import extract_assets
from core.offline.looks import set_look
from core.offline.names import find_characters
from core.offline.speech import Exchange, split_speech
from core.offline.text import has_word, is_title_line, paragraphs, sentences, split_sentences
from core.offline.wardrobe import figure_look

FERRY = """Title: The Ferry

INT. KITCHEN - NIGHT

ANNA SOKOL (40s, tired) stands at the sink. The phone RINGS. She lets it.

ANNA
That is not what I said.

DR. LEE (O.S.)
If you go, I go.

EXT. HARBOR ROAD - NIGHT

The car pulls up. Headlights sweep the fence. JONAH, a boy of ten, sleeps in the back seat.

DR. LEE
It was never about the boat.

ANNA (CONT'D)
Call me when you land.

Lee takes the old hat from the seat and puts it on.

LEE
Where is the ticket?

ANNA (V.O.)
He told me once that the Danish sailor never came back.

INT. FERRY - DAWN

A Parisian cafe poster peels on the wall. Icelandic voices drift from the deck. A deckhand named Tomas coils a rope.

DR. LEE ^
We should have stayed.

ANNA ^
We couldn't.

Mrs. Okafor watches them from the rail.
"""


def _cast(script: str, source: str = "") -> dict[str, list[int]]:
    assets = extract_assets({"formatted_script": script, "source_text": source})["assets"]
    return {asset["name"]: asset["scene_numbers"] for asset in assets if asset["asset_type"] == "character"}


@pytest.mark.parametrize("source", ["", FERRY], ids=["script only", "imported script is its own source"])
def test_a_screenplays_characters_are_its_cues_and_the_people_its_action_introduces(source):
    assert _cast(FERRY, source) == {
        "Anna Sokol": [1, 2, 3],  # cue ANNA, introduced in capitals as ANNA SOKOL
        "Dr. Lee": [1, 2, 3],  # DR. LEE, LEE and "Lee" are one person
        "Jonah": [2],  # introduced in capitals, never speaks
        "Tomas": [3],  # "a deckhand named Tomas"
        "Mrs. Okafor": [3],  # a title plainly makes a person
    }


RADIO_SHOP = """INT. RADIO SHOP - EVENING

ROSE fixes a radio. Her nephew WILL sweeps the floor.

WILL
Will Marcus pay this time?

ROSE
Tell Marcus it needs a valve. I hope he will.

EXT. TOWN HALL - NIGHT

MARCUS waits on the steps. The moon rose over the square and the clock struck nine.

MARCUS
Well?
"""


def test_a_character_only_talked_about_in_a_scene_is_not_in_it():
    """Marcus is named in two lines of the shop scene and is not there; 'will' and 'rose' as words put nobody in a
    scene: Will and Rose are where they act and speak."""
    assert _cast(RADIO_SHOP) == {"Rose": [1], "Will": [1], "Marcus": [2]}


def test_a_heading_from_a_word_processor_and_a_continuous_scene_keep_their_place_and_time():
    """'INT. KITCHEN – NIGHT' (an en dash, as a word processor writes it) is the kitchen at night, and the garden
    'CONTINUOUS' after it is seen at night too, so its reference and its frames are not drawn in daylight."""
    script = ("INT. KITCHEN – NIGHT\n\nA kettle screams. RUTH lifts it off the stove.\n\n"
              "EXT. GARDEN – CONTINUOUS\n\nDANIEL kneels by a hole.\n\nDANIEL\nComing, Mum.\n")
    assets = extract_assets({"formatted_script": script, "source_text": ""})["assets"]
    places = {a["name"]: a["description"] for a in assets if a["asset_type"] == "location"}
    assert list(places) == ["Kitchen", "Garden"]
    assert places["Kitchen"].endswith("Seen at: night.") and places["Garden"].endswith("Seen at: night.")
    assert set_look("Garden", places["Garden"]).time == "night"


@pytest.mark.parametrize(("action", "cast"), [
    ("The car pulls up. A TRUCK follows.", []),
    ("The phone RINGS. Somewhere a door SLAMS.", []),
    ("Icelandic voices drift over the water. A Parisian cafe glows.", []),
    ("MARA (60s) winds the crank. SILAS, in a raincoat, watches.", ["Mara", "Silas"]),
    ("She hands the key to AUNT MAY.", ["Aunt May"]),
    ("That night a woman named Ines knocks.", ["Ines"]),
])
def test_action_adds_a_character_only_when_it_plainly_introduces_a_person(action, cast):
    script = f"INT. HALL - NIGHT\n\n{action}\n\nBOB\nIt is late.\n"
    assert list(_cast(script)) == [*cast, "Bob"]  # in order of appearance


@pytest.mark.parametrize(("cue", "name"), [
    ("ANNA (V.O.)", "Anna"), ("ANNA (CONT'D)", "Anna"), ("DR. LEE (O.S.)", "Dr. Lee"), ("@McCLANE", "McClane"),
])
def test_cue_extensions_are_not_part_of_the_name(cue, name):
    script = f"INT. HALL - NIGHT\n\n{cue}\nThat is all.\n"
    assert _cast(script) == {name: [1]}


@pytest.mark.parametrize(("text", "names"), [
    ("Dr. Lee checks the chart. Lee frowns. DR. LEE signs it.", ["Dr. Lee"]),
    ("Aunt May pours the tea. Later Aunt May laughs.", ["Aunt May"]),
    ("Captain Ahab Reyes walks the deck. Reyes shouts at the gulls.", ["Captain Ahab Reyes"]),
    ("Mrs. Okafor opens the shop. The bell rings for Mrs. Okafor.", ["Mrs. Okafor"]),
    ("Mrs. Okafor and Mr. Okafor argue about the rent.", ["Mrs. Okafor", "Mr. Okafor"]),
    ("The Danish sailor sings. A Parisian cafe opens late. Icelandic voices drift over the water.", []),
    ('"Ask Brandt," said Tomas. Brandt shrugs.', ["Brandt", "Tomas"]),
])
def test_names_of_several_words_and_titles_are_one_character(text, names):
    assert [character.name for character in find_characters(text)] == names


@pytest.mark.parametrize(("text", "cues"), [
    ("Aunt May pours the tea. Aunt May laughs.", ["AUNT MAY"]),
    ("Dr. Lee waits. Dr. Lee leaves.", ["DR. LEE"]),
    ("Mara Quinn waits. Mara sighs.", ["MARA"]),
])
def test_cues_keep_a_title_that_is_part_of_how_a_character_is_called(text, cues):
    assert [character.cue for character in find_characters(text)] == cues


@pytest.mark.parametrize(("text", "options", "found"), [
    ("He told her that the boat was late.", ("hat", "old"), False),
    ("An old man in a grey hat.", ("hat",), True),
    ("Two hats on the hook.", ("hat",), True),
    ("She sat at the bar.", ("bar",), True),
    ("He rolled the barrel.", ("bar",), False),
])
def test_words_are_matched_as_whole_words(text, options, found):
    assert has_word(text, options) is found


def test_a_figure_gets_no_hat_or_stoop_from_words_that_merely_contain_them():
    plain = figure_look("anna. she said that he told her.")
    assert plain == figure_look("anna. she spoke to him.")
    assert plain != figure_look("anna. an old woman in a hat.")


@pytest.mark.parametrize(("paragraph", "expected"), [
    ('"I waited. You never came," Mara said. Then she left.',
     ['"I waited. You never came," Mara said.', "Then she left."]),
    ('"I waited. You never came." Mara left. Tomas stayed.',
     ['"I waited. You never came."', "Mara left.", "Tomas stayed."]),
])
def test_a_quote_is_never_split_into_sentences(paragraph, expected):
    assert split_sentences(paragraph) == expected


STORY = """Ines Varga ran the ferry office on the quay. Her brother Tomas mended nets beside the slipway, and old \
Mr. Brandt kept the lamp.

One evening Ines found the ledger open on her desk. "Someone has been here. The pages are torn," Ines said.

Tomas shrugged. "Nobody comes in at night."

"Then who tore them?" she asked.

"Ask Brandt," said Tomas.

Mr. Brandt came in from the rain and hung up his coat. "I saw a light at midnight. I thought it was you," he said.

"It wasn't me," Ines replied.

"Nor me."

"I can't sleep for the gulls.

The wind rattled the window. "Somebody wants that ledger gone."
"""


@pytest.fixture(scope="module")
def ledger():
    beats = [{"order": number, "text": text} for number, text in enumerate(STORY.split("\n\n"), start=1)]
    script = writer.draft("master_script", {"beats": beats, "title": "Ledger", "source_text": STORY})
    return read_fountain(script["formatted_script"])


def test_each_line_is_spoken_by_the_character_the_prose_says(ledger):
    assert [(line.character, line.text) for line in ledger.dialogue] == [
        ("INES", "Someone has been here. The pages are torn."),  # one quote across two sentences
        ("TOMAS", "Nobody comes in at night."),  # the character the sentence before names
        ("INES", "Then who tore them?"),  # "she asked": the last woman named
        ("TOMAS", "Ask Brandt."),  # "said Tomas"
        ("MR. BRANDT", "I saw a light at midnight. I thought it was you."),  # "he said" after Mr. Brandt
        ("INES", "It wasn't me."),
        ("MR. BRANDT", "Nor me."),  # untagged in an ongoing exchange: the other speaker
        ("INES", "I can't sleep for the gulls."),  # a quote never closed is still speech
    ]


def test_a_line_nobody_can_be_said_to_speak_stays_in_the_action(ledger):
    action = [text for scene in ledger.scenes for text in scene.action]
    assert any('"Somebody wants that ledger gone."' in text for text in action)
    assert not any(text.lstrip().startswith(('"', "“")) for text in action)  # no stray opening quote


@pytest.mark.parametrize(("sentences", "speakers"), [
    (['Mara turned to Tomas. "Go," she said.'], ["MARA"]),
    (['Mara turned to Tomas. "Stay," he said.'], ["TOMAS"]),
    (["Mara waited for Tomas.", '"Well?" he said.'], ["TOMAS"]),
    (['"Late again," Mara said.', '"The tide," Tomas said.', '"Always the tide."', '"Always."'],
     ["MARA", "TOMAS", "MARA", "TOMAS"]),
    (['"Who is there?"'], []),
    (['"Are you lost?" the boy asked.'], ["BOY"]),
    (["Tomas rowed out.", "He shipped the oars.", '"Here."'], ["TOMAS"]),
    (["Tomas rowed out.", "She lit the lamp.", '"Late."'], ["MARA"]),
])
def test_speakers_follow_the_exchange(sentences, speakers):
    cast = list(find_characters("Mara Quinn lit the lamp. She waited for Tomas. Tomas rowed out. He was late."))
    exchange = Exchange()
    spoken = []
    for sentence in sentences:
        spoken += [speech.cue for speech in split_speech(sentence, cast, None, exchange)[1]]
    assert spoken == speakers


def test_speech_left_in_the_action_is_kept_as_said(ledger):
    action = " ".join(text for scene in ledger.scenes for text in scene.action)
    assert "The wind rattles the window." in action or "The wind rattled the window." in action
    assert '"Somebody wants that ledger gone."' in action  # narration in the present, the quote untouched


@pytest.mark.parametrize(("text", "expected"), [
    ("# The Salt Road\n\nShe ran.", ["She ran."]),
    ("## Part two\nHe *ran* to the __sea__, **fast**.", ["He ran to the sea, fast."]),
    ("One.\n\n---\n\nTwo.", ["One.", "Two."]),
    ("snake_case and 2*3*4 stay as written.", ["snake_case and 2*3*4 stay as written."]),
])
def test_markdown_layout_in_a_pasted_story_is_not_read_as_prose(text, expected):
    assert paragraphs(text) == expected


@pytest.mark.parametrize(("premise", "people", "not_props"), [
    ("A Venetian glassblower must finish the doge's chandelier before the Redentore fireworks, "
     "but her apprentice has sold the furnace.", {"The Glassblower", "The Apprentice"}, {"glassblower", "apprentice"}),
    ("A retired keeper must relight the lamp before the storm reaches the bay, "
     "but the keys are with his estranged daughter.", {"The Keeper", "The Daughter"}, {"keeper", "daughter"}),
])
def test_people_a_premise_names_by_role_are_characters_not_props(premise, people, not_props):
    from core.offline import beats, screenplay, treatments

    base = {"title": "T", "narrative": premise, "input_mode": "expand", "approach": "faithful",
            "target_length_min": 60, "target_length_max": 180, "genres": [], "tonal_guidance": "", "guidance": ""}
    treatment = treatments.write_treatment(base)["prose"]
    sheet = beats.write_beat_sheet({**base, "treatment": treatment})
    script = screenplay.write_master_script({**base, "beats": sheet["beats"], "source_text": premise})["formatted_script"]
    assets = extract_assets({"title": "T", "formatted_script": script, "source_text": premise})["assets"]
    characters = {a["name"] for a in assets if a["asset_type"] == "character"}
    props = {a["name"].lower() for a in assets if a["asset_type"] == "prop"}
    assert people <= characters and "Venetian" not in " ".join(characters)
    assert not any(word in prop for prop in props for word in not_props)


@pytest.mark.parametrize(("story", "places"), [
    ("The flats east of Calder were white. At dawn Ines meant to reach Calder by noon. She bought oil in Calder.", {"Calder"}),
    ('"You will sink before Mercy Wells," Ines said. By dusk they reached Mercy Wells. She stayed at Mercy Wells.',
     {"Mercy Wells"}),
])
def test_a_name_only_ever_travelled_to_is_a_place_not_a_character(story, places):
    names = {c.name for c in find_characters(story)}
    assert not names & places and "Ines" in names


def test_body_parts_and_weather_are_never_props():
    script = ("INT. KITCHEN - NIGHT\n\nNell holds her feet blue with cold to the stove. She lifts the kettle. "
              "She checks the weather.\n")
    props = {a["name"].lower() for a in extract_assets({"title": "T", "formatted_script": script,
                                                        "source_text": ""})["assets"] if a["asset_type"] == "prop"}
    assert "kettle" in props and not any(word in p for p in props for word in ("feet", "weather"))


SOURCE_EXCHANGE = (
    'Ines Marr ran the ferry. Tomas Quill came aboard at dusk.\n\n'
    '"You are late," Ines said.\n\n'
    '"The tide was against me."\n\n'
    '"It always is," she said. Somewhere below, a radio played. "Nobody sails tonight."\n\n'
    'A girl with a dog climbed the gangway. "I\'m Lucia. That\'s Pip."'
)


def _script_from(lines: list[str], source: str) -> str:
    from core.offline import screenplay

    beats = [{"order": i + 1, "text": text} for i, text in enumerate(lines)]
    return screenplay.write_master_script({"title": "T", "beats": beats, "source_text": source,
                                           "target_length_max": 120})["formatted_script"]


def test_a_condensed_draft_keeps_each_line_with_the_speaker_the_whole_story_gives_it():
    # the draft dropped the tags and the turn-taking around these lines; the source still says who spoke
    script = _script_from(['Ines Marr ran the ferry. "The tide was against me."', '"Nobody sails tonight."'],
                          SOURCE_EXCHANGE)
    dialogue = [(line.character, line.text) for line in read_fountain(script).dialogue]
    assert ("TOMAS", "The tide was against me.") in dialogue or ("TOMAS QUILL", "The tide was against me.") in dialogue
    assert all(not text.startswith("The tide") or speaker.startswith("TOMAS") for speaker, text in dialogue)
    # after an aside ('a radio played') the source can't tell who goes on: the line stays in the action, as said
    assert not any(text == "Nobody sails tonight." for _, text in dialogue) and '"Nobody sails tonight."' in script


def test_whoever_names_themselves_says_the_line():
    script = _script_from(['A girl with a dog climbed the gangway. "I\'m Lucia. That\'s Pip."'], SOURCE_EXCHANGE)
    assert [(line.character, line.text) for line in read_fountain(script).dialogue] == [
        ("LUCIA", "I'm Lucia. That's Pip.")]


@pytest.mark.parametrize(("story", "cast", "not_cast"), [
    ('"Hello, Mum," Ines said. "Grandad says you will catch your death," said Tomas.', {"Ines", "Tomas"},
     {"Mum", "Grandad"}),
    ('Mum came in from the rain. "Hello, Mum," Ines said.', {"Mum", "Ines"}, set()),
])
def test_a_kinship_word_only_ever_said_is_how_someone_is_called_not_a_character(story, cast, not_cast):
    names = {c.name for c in find_characters(story)}
    assert cast <= names and not names & not_cast


# Written for this test: a story pasted with its title on the first line, as plain text.
KILN = """The Kiln

Marguerite Osei runs the last pottery on Fenwick Street. Every Thursday she fires the kiln.

"They want the building back by spring," Dario says.
"""


def test_a_plain_title_line_heading_a_story_is_not_part_of_its_first_sentence():
    assert paragraphs(KILN)[0].startswith("Marguerite Osei runs")
    assert sentences(KILN)[0].text == "Marguerite Osei runs the last pottery on Fenwick Street."
    assert [is_title_line(t) for t in ("The Kiln", "Chapter 1", "Once upon a time", "Rain.", '"Wait!"')] == [
        True, True, False, False, False]
    assert paragraphs("The Kiln") == ["The Kiln"]  # a text that is only a title line is kept: it is all there is
