"""What the offline writer writes: scenes that keep their time, premises that really expand, prose that stays
grammatical, and guidance that visibly changes the draft. Table-driven over texts written for these tests."""

from __future__ import annotations

import re

import pytest

from core.film.screenplay import read_fountain
from core.offline import writer
from core.offline.beats import treatment_sentences
from core.offline.expansion import scene_count
from core.offline.premise import read_premise
from core.offline.story import read_story
from core.offline.tense import to_present
from core.offline.text import sentences

FERRY = """Mara Quinn ran the ferry between the island and the harbor. Every morning she checked the engine and
counted the life jackets.

Tomas Reyes, the harbor master, had watched the sky all week. He feared the storm would close the port for good.
Mara remembered her father's boat going down in a storm like this one.

One afternoon the radio crackled with a warning about the storm. Mara and Tomas argued on the pier about whether
to sail. "We go now," Mara said. "The island has no doctor."

Tomas wondered if she was right. At the far dock, Ines waited with a sick child. The two had
followed the forecast together for years.

That night the storm broke over the water. Mara steered the ferry through the waves while Tomas shouted the
bearings from the harbor tower. The storm tore a window out of the wheelhouse.

At dawn the ferry reached the island. Ines carried the child aboard, and Mara turned for home."""

ORCHARD = """Old Abel Varga kept the orchard on the hill above the town. His daughters, Rosa and Lena, had left years
ago. When the frost warning came, Abel called them both. "The trees won't last the night," he said.

Rosa and Lena drove up from the city that evening. They had argued the whole way. Lena thought the orchard was a
burden; Rosa wanted to save it. The three of them lit fires between the rows until midnight.

The next morning the blossoms were still alive. Abel walked the rows with his daughters and said nothing."""

NIGHT_TALK = [  # a conversation at night that mentions the morning and the dark in passing, then a real jump
    {"order": 1, "text": "That night Mara climbs into the lantern room."},
    {"order": 2, "text": '"I keep thinking about the morning he left," Mara said. The lamp went dark again.'},
    {"order": 3, "text": "Tomas remembered the daylight on the water. He waited by the door."},
    {"order": 4, "text": "The next morning the sea is calm. Mara sleeps against the crank."},
]

KEEPER = "A retired keeper must relight the lamp before the storm reaches the bay."
GLASS = ("A Venetian glassblower has until the festival of Redentore to finish the chandelier her late father "
         "promised the Doge, but the furnace is failing.")
NURSE = ("Ines Duarte, a night-shift nurse, has three days to find the donor who vanished from the ward, while an "
         "old fisherman keeps calling her with warnings.")
SISTERS = "Two estranged sisters must sell their mother's house by the end of the summer."
BAD = [r"\b(?:they|we|i|you|the two|both) has\b", r"\b(?:he|she|it) have\b", r"\b(?:they|we|you) is\b",
       r"\b(?:he|she|it) are\b", r"\bi is\b", r"\b(\w+)\s+\1\b"]


def _treatment(text: str, approach: str, mode: str = "condense", guidance: str = "", seconds=(60, 180)) -> str:
    return writer.draft("treatment", {"narrative": text, "input_mode": mode, "approach": approach,
                                      "guidance": guidance, "target_length_min": seconds[0],
                                      "target_length_max": seconds[1], "genres": ["Drama"], "title": "T"})["prose"]


def _body(prose: str) -> list[str]:
    return treatment_sentences(prose)


def _script(treatment: str, source: str, guidance: str = "", seconds: int = 180) -> str:
    sheet = writer.draft("beat_sheet", {"treatment": treatment, "target_length_max": seconds, "guidance": guidance})
    beats = [{"order": number, "text": beat["text"]} for number, beat in enumerate(sheet["beats"])]
    return writer.draft("master_script", {"beats": beats, "title": "T", "source_text": source,
                                          "target_length_max": seconds, "guidance": guidance})["formatted_script"]


def _slugs(script: str) -> list[str]:
    return [scene.slug for scene in read_fountain(script).scenes]


# -- 1. scenes keep their time ---------------------------------------------------------------------------------

def test_a_night_conversation_stays_night_until_the_text_moves_time_on():
    script = writer.draft("master_script", {"beats": NIGHT_TALK, "title": "Night"})["formatted_script"]
    assert _slugs(script) == ["INT. LANTERN ROOM - NIGHT", "EXT. SEA - DAY"]


@pytest.mark.parametrize(("beats", "slugs"), [
    ([{"order": 1, "text": "Mara waits in the kitchen. It is late at night."},
      {"order": 2, "text": "The kettle whistles. She remembers the sunlight of that summer."}],
     ["INT. KITCHEN - NIGHT"]),  # the scene takes the time its text gives, a memory doesn't cut
    ([{"order": 1, "text": "At dusk Mara walks to the harbor."},
      {"order": 2, "text": "She walks into the Blue Moon Diner. The room is dark and empty."}],
     ["EXT. HARBOR - DUSK", "INT. BLUE MOON DINER - DUSK"]),  # a new place keeps the time it was
    ([{"order": 1, "text": "That night Mara waits on the pier."},
      {"order": 2, "text": "At dawn the boats come home to the pier."}],
     ["EXT. PIER - NIGHT", "EXT. PIER - DAWN"]),  # an explicit time of day moves it on
])
def test_scene_time_follows_the_text(beats, slugs):
    assert _slugs(writer.draft("master_script", {"beats": beats, "title": "T"})["formatted_script"]) == slugs


def test_a_story_that_happens_at_night_does_not_cut_to_day():
    slugs = _slugs(_script(_treatment(FERRY, "faithful"), FERRY))
    night = slugs.index(next(slug for slug in slugs if slug.endswith("NIGHT")))
    dawn = slugs.index(next(slug for slug in slugs if slug.endswith("DAWN")))
    assert night < dawn and all(slug.endswith("NIGHT") for slug in slugs[night:dawn]), slugs


# -- 2. expand means expand ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("premise", "lead", "never"), [
    (KEEPER, "the keeper", ["protagonist"]),
    (GLASS, "the glassblower", ["Venetian confronts", "Venetian decides", "VENETIAN", "We find Venetian"]),
    (NURSE, "Ines", ["protagonist"]),
    (SISTERS, "the sisters", ["the sisters has", "the sisters decides", "the sisters makes"]),
])
def test_expansion_builds_on_the_premises_own_people(premise, lead, never):
    prose = _treatment(premise, "faithful", "expand", seconds=(120, 300))
    script = _script(prose, premise, seconds=300)
    assert lead in prose and lead.lower() != "venetian"
    for phrase in never:
        assert phrase not in prose and phrase not in script, phrase
    decision = next(sentence for sentence in _body(prose) if sentence.startswith("At the last moment"))
    assert lead in decision


@pytest.mark.parametrize(("premise", "facts"), [
    (KEEPER, ["the lighthouse", "the bay", "relight the lamp", "before the storm reaches the bay", "the storm"]),
    (GLASS, ["the workshop", "the festival of Redentore", "finish the chandelier", "the furnace"]),
    (NURSE, ["the ward", "three days", "find the donor", "the fisherman"]),
])
def test_expansion_uses_the_premises_places_stakes_and_deadline(premise, facts):
    prose = _treatment(premise, "faithful", "expand", seconds=(120, 300))
    for fact in facts:
        assert fact in prose, fact


@pytest.mark.parametrize(("seconds", "scenes"), [((30, 90), 3), ((60, 180), 3), ((120, 300), 5), ((300, 420), 9)])
def test_expansion_is_sized_to_the_target_length(seconds, scenes):
    assert scene_count(*seconds) == scenes
    prose = _treatment(KEEPER, "faithful", "expand", seconds=seconds)
    slugs = _slugs(_script(prose, KEEPER, seconds=seconds[1]))
    assert len(slugs) == scenes, slugs
    body = " ".join(_body(prose))
    assert body.index("We find") < body.index("there is almost no time") < body.index("At the last moment")


def test_expansion_reads_named_and_role_people():
    premise = read_premise(read_story(NURSE))
    assert (premise.lead.full, premise.lead.description) == ("Ines Duarte", "a night-shift nurse")
    assert [person.short for person in premise.others] == ["the fisherman", "the donor"]  # who stands in the way first
    glass = read_premise(read_story(GLASS))
    assert (glass.lead.full, glass.deadline, glass.obstacle) == ("the Venetian glassblower",
                                                                "the festival of Redentore", "the furnace is failing")
    assert [person.full for person in glass.others] == []  # her late father is gone: nobody to confront


CLOCKS = ("A night-shift nurse named Odile discovers that the hospital's oldest patient, a retired clockmaker called "
          "Benoit, has been stopping the ward's clocks so that his granddaughter Lucie can visit after hours. Odile "
          "must decide before the morning inspection whether to report him.")


def test_a_premise_with_a_question_to_decide_by_a_deadline():
    premise = read_premise(read_story(CLOCKS))
    assert (premise.lead.full, premise.goal, premise.deadline) == (
        "Odile", "decide whether to report him", "the morning inspection")
    assert [person.full for person in premise.others] == ["Benoit", "Lucie"]  # the oldest patient is Benoit
    prose = _treatment(CLOCKS, "faithful", "expand")
    assert "before the morning inspection." in prose and "inspection whether" not in prose
    assert "decides to decide" not in prose and "Odile decides whether to report him" in prose


# -- 3. no mangled prose ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("past", "present"), [
    ("They had followed the road.", "They have followed the road."),
    ("The two had followed her.", "The two have followed her."),
    ("Mara and Tomas had followed the boat.", "Mara and Tomas have followed the boat."),
    ("We had waited.", "We have waited."),
    ("I was late and was cold.", "I am late and am cold."),
    ("Mara lit the lamp while the boys watched and waited.", "Mara lights the lamp while the boys watch and wait."),
    ("The children ran and hid.", "The children run and hide."),
    ("He found the donor who vanished.", "He finds the donor who vanished."),
])
def test_present_tense_agrees_with_its_subject(past, present):
    assert to_present(past) == present


_RUNS = [(text, mode, approach, guidance)
         for text, mode in ((FERRY, "condense"), (ORCHARD, "condense"), (KEEPER, "expand"), (GLASS, "expand"),
                            (NURSE, "expand"), (SISTERS, "expand"))
         for approach in ("faithful", "condensed", "heightened")
         for guidance in ("", "Tell it from Tomas's point of view; fewer beats", "longer, more about the storm")]


@pytest.mark.parametrize(("text", "mode", "approach", "guidance"), _RUNS)
def test_nothing_written_is_ungrammatical_in_the_known_ways(text, mode, approach, guidance):
    prose = _treatment(text, approach, mode, guidance)
    written = f"{prose}\n{_script(prose, text, guidance)}"
    for bad in BAD:
        found = re.search(bad, written, re.IGNORECASE)
        assert not found, (bad, written[max(0, found.start() - 80):found.end() + 80])


@pytest.mark.parametrize("text", [FERRY, ORCHARD])
def test_variants_differ_in_structure_not_in_swapped_words(text):
    source = {sentence.text for sentence in sentences(text)}
    orders = []
    for approach in ("faithful", "condensed", "heightened"):
        body = _body(_treatment(text, approach))
        for sentence in body:  # a sentence is the creator's own, or a new one: never one with words swapped
            assert sentence in source or max(_overlap(sentence, s) for s in source) < 0.6, sentence
        orders.append([sentence for sentence in body if sentence in source])
    faithful, condensed, heightened = orders
    assert len(condensed) < len(faithful)
    assert heightened != faithful and heightened[0] != faithful[0]  # heightened opens on its most tense moment
    assert heightened != sorted(heightened, key=lambda s: faithful.index(s) if s in faithful else -1)


def _overlap(a: str, b: str) -> float:
    first, second = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(first & second) / max(1, len(first | second))


# -- 4. guidance shows -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("approach", ["faithful", "condensed", "heightened"])
@pytest.mark.parametrize("lead", ["Tomas", "Ines"])
def test_point_of_view_opens_on_the_character_and_drops_others_thoughts(approach, lead):
    plain = _body(_treatment(FERRY, approach))
    told = _body(_treatment(FERRY, approach, guidance=f"Tell it from {lead}'s point of view"))
    first = told[1] if approach == "heightened" else told[0]  # heightened still opens cold, then on them
    assert re.match(rf"(?:[^,]+,\s+)?{lead}\b", first) and lead not in plain[0]
    assert not any(sentence.startswith("Mara remembered") for sentence in told)


def test_point_of_view_in_an_expansion_puts_the_named_person_in_front():
    prose = _treatment(NURSE, "faithful", "expand", guidance="from the fisherman's side")
    assert _body(prose)[0].startswith("We find Ines")  # a role is not a name: the lead stays
    silas = _treatment("A keeper named Mara must relight the lamp before dawn, but her rival Silas wants the "
                       "lighthouse dark.", "faithful", "expand", guidance="Tell it from Silas's point of view")
    assert _body(silas)[0].startswith("We find Silas")


@pytest.mark.parametrize(("text", "mode"), [(FERRY, "condense"), (KEEPER, "expand")])
def test_length_guidance_changes_how_much_is_written(text, mode):
    def words(guidance: str, approach: str = "condensed") -> int:
        return len(" ".join(_body(_treatment(text, approach, mode, guidance, (120, 300)))).split())

    assert words("shorter") < words("") < words("longer, more detail")
    assert words("shorter", "faithful") < words("", "faithful")


def test_fewer_beats_means_fewer_beats():
    prose = _treatment(FERRY, "faithful")

    def beats(guidance: str) -> int:
        return len(writer.draft("beat_sheet", {"treatment": prose, "target_length_max": 180,
                                               "guidance": guidance})["beats"])

    assert beats("Tell it from Tomas's point of view; fewer beats") < beats("") < beats("more beats, more detail")


@pytest.mark.parametrize(("text", "mode"), [(FERRY, "condense"), (KEEPER, "expand"), (GLASS, "expand")])
def test_emphasis_guidance_writes_more_about_it(text, mode):
    def about(guidance: str, word: str) -> int:
        body = _body(_treatment(text, "condensed" if mode == "condense" else "faithful", mode, guidance))
        return sum(word in sentence.lower() for sentence in body)

    word = "storm" if text is not GLASS else "furnace"
    assert about(f"more about the {word}", word) > about("", word)


@pytest.mark.parametrize(("past", "present"), [
    ("The salt flats east of Calder began where the road ended.", "The salt flats east of Calder begin"),
    ("The boys from the village watched and waited.", "The boys from the village watch and wait."),
    ("The letter from the twins arrived.", "The letter from the twins arrives."),
])
def test_the_verb_agrees_with_the_subject_not_with_a_name_after_a_preposition(past, present):
    from core.offline.tense import to_present

    assert to_present(past).startswith(present)


# -- a story written for this test, through treatment and script -------------------------------------------------

RADIOS = """Rose Delacroix fixed radios in a shop on Canal Street. Every evening her nephew Will swept the floor.

"Did the mayor's set come back?" Will asked.

"Tell Marcus it needs a new valve," Rose said without looking up. "And that it costs money."

Will grinned. He pulled on his cap and ran out into the rain.

At the town hall, Marcus Reyes waited at the top of the stairs. He was a thin man in a grey suit.

"Well?" Marcus said.

"She says it needs a valve," said Will. "And money."

Marcus sighed. "Everything needs money. Will, you tell her that."
"""


def test_a_nephew_called_will_gets_his_lines_and_no_one_is_where_they_are_only_talked_about():
    script = read_fountain(_script(_treatment(RADIOS, "faithful"), RADIOS))
    spoken = [(line.character, line.text) for line in script.dialogue]
    assert spoken == [
        ("WILL", "Did the mayor's set come back?"),
        ("ROSE", "Tell Marcus it needs a new valve. And that it costs money."),
        ("MARCUS", "Well?"),
        ("WILL", "She says it needs a valve. And money."),
        ("MARCUS", "Everything needs money. Will, you tell her that."),
    ]
    assert script.dialogue[1].parenthetical.strip("() ") == "without looking up"
    action = " ".join(text for scene in script.scenes for text in scene.action)
    assert "Will grins" in action and "Without looking up" not in action and "grinned" not in action
    assert [scene.characters for scene in script.scenes] == [("WILL", "ROSE"), ("MARCUS", "WILL")]


TICKETS = """I had kept the ferry ticket office for nine years when the stranger came. It was snowing.

He leaned on the counter. "One ticket," he said.

"The last boat has gone," I said. "Same as every night."

He smiled and put a silver key on the counter. "Keep it," he said. "I won't need it."

My brother Emil ran the bakery by the harbour. When I showed him the key that night, he weighed it in his floury hands.

"It's warm," Emil said. "Iron shouldn't be warm."

"Then it's cursed," I said.

He laughed. "Then somebody made it."
"""


def test_a_story_told_in_the_first_person_gives_each_line_to_who_says_it():
    """'I said' is the narrator's line, never the last person named; 'he said' before any man is named is the
    stranger the story met; 'He smiled.' after a closed line is what happens next, not that line's tag; and
    'that night', deep into a scene, cuts to the place the story just named."""
    script = read_fountain(_script(_treatment(TICKETS, "faithful"), TICKETS))
    assert [(line.character, line.text) for line in script.dialogue] == [
        ("STRANGER", "One ticket."),
        ("NARRATOR", "The last boat has gone. Same as every night."),
        ("STRANGER", "Keep it. I won't need it."),
        ("EMIL", "It's warm. Iron shouldn't be warm."),
        ("NARRATOR", "Then it's cursed."),
        ("EMIL", "Then somebody made it."),
    ]
    assert [scene.characters for scene in script.scenes] == [("STRANGER", "NARRATOR"), ("EMIL", "NARRATOR")]
    assert script.scenes[1].slug == "INT. BAKERY - NIGHT"
    assert "He smiles and puts a silver key on the counter." in script.scenes[0].action[-1]
    assert script.scenes[1].action[0].startswith("My brother EMIL runs the bakery by the harbour.")


PORCH = """Nadia and her grandmother Ilse sat on the porch. The radio on the rail crackled.

"Turn it up," Ilse said.

"It's only static," she said.

"Static is how they talk."

Nadia laughed. She turned the dial anyway. "There," she said. "Happy?"

Ilse closed her eyes. "Listen."
"""


def test_two_women_answering_each_other_with_she_said():
    """'she said' right after Ilse's line is Nadia answering, and the bare line after it is Ilse's turn again."""
    script = read_fountain(_script(_treatment(PORCH, "faithful"), PORCH))
    assert [(line.character, line.text) for line in script.dialogue] == [
        ("ILSE", "Turn it up."), ("NADIA", "It's only static."), ("ILSE", "Static is how they talk."),
        ("NADIA", "There. Happy?"), ("ILSE", "Listen.")]
    opening = "NADIA and her grandmother ILSE sit on the porch. The radio on the rail crackles."
    assert script.scenes[0].action[0] == opening


UNDER_THE_PIER = """Maggie found the boy under the pier, soaked to the bone. He couldn't have been more than nine.

'What's your name?' she asked.

'Alfie,' he said. 'Are you the coastguard?'

'Near enough.' Maggie wrapped her scarf round his shoulders. 'Where's the boat, Alfie?'
"""


def test_speech_in_single_quotes_as_british_prose_writes_it():
    """Single-quoted speech is speech (the apostrophes in "What's" stay apostrophes); Maggie, only ever opening a
    sentence, is a character; the 'He' after 'Maggie found the boy' is the boy, so Maggie is 'she'; and the boy
    who answers "What's your name?" with "Alfie" is Alfie, not a BOY beside him."""
    script = read_fountain(_script(_treatment(UNDER_THE_PIER, "faithful"), UNDER_THE_PIER))
    assert [(line.character, line.text) for line in script.dialogue] == [
        ("MAGGIE", "What's your name?"), ("ALFIE", "Alfie. Are you the coastguard?"), ("MAGGIE", "Near enough."),
        ("MAGGIE", "Where's the boat, Alfie?")]
    action = " ".join(script.scenes[0].action)
    assert "'" not in action.replace("couldn't", "") and "Maggie wraps her scarf round his shoulders." in action


def test_a_narrator_who_gives_their_name_speaks_under_it():
    story = ("My name is Tomas and I have kept the Gull Point light for thirty years. Nobody visits in winter.\n\n"
             'One night a girl knocked on the door. "Is this the lighthouse?" she asked.\n\n'
             '"It is," I said. "Come in out of the rain."\n')
    script = read_fountain(_script(_treatment(story, "faithful"), story))
    assert [(line.character, line.text) for line in script.dialogue] == [
        ("GIRL", "Is this the lighthouse?"), ("TOMAS", "It is. Come in out of the rain.")]


def test_a_group_lead_named_in_passing_does_not_confront_itself():
    """'Two brothers, Karim and Yusuf, must sail…to Tangier': the brothers are Karim and Yusuf (nobody they face),
    and Tangier, where the journey goes, is no one."""
    story = ("Two brothers, Karim and Yusuf, must sail their late father's fishing boat to Tangier before the bank "
             "seizes it.")
    premise = read_premise(read_story(story))
    assert (premise.lead.full, [person.full for person in premise.others]) == ("the two brothers", [])
    prose = _treatment(story, "faithful", "expand")
    assert "confront Karim" not in prose and "Tangier" not in [c.name for c in read_story(prose).characters]
    assert "the brothers face the bank" in prose


DINNER = """Dinner at the Okafors' was always loud. Mum carried the pot of jollof to the table while Dad said grace.

"Hope you're hungry," said Mum.

Grace, the youngest, stared at her plate. "I'm not eating the peppers."

"You'll eat what you're given," Dad said.

Grace looked at her brother Tunde for help. He shrugged and passed her the bread.
"""


def test_a_girl_called_grace_at_a_table_where_dad_says_grace():
    """'Grace, the youngest, stared…' is a person though 'grace' is also a word the text uses ('said grace');
    'He shrugged' after 'her brother Tunde' is Tunde, so Grace is 'she'."""
    script = read_fountain(_script(_treatment(DINNER, "faithful"), DINNER))
    assert [(line.character, line.text) for line in script.dialogue] == [
        ("MUM", "Hope you're hungry."), ("GRACE", "I'm not eating the peppers."),
        ("DAD", "You'll eat what you're given.")]
    assert {c.name: c.pronoun for c in read_story(DINNER).characters}["Grace"] == "she"


PHONE = """The phone rang at midnight. Eva picked it up on the second ring.

"Is this Eva Lind?" asked a man's voice.

"Who wants to know?"

"I found your father's boat. It's on the beach at Skagen." The line went dead.

Eva sat on the edge of the bed. Her husband Olof rolled over and squinted at her. "Who was that?"

"Nobody," she said. "Go back to sleep."
"""


def test_a_voice_on_the_phone_is_not_the_woman_who_answers_it():
    """'asked a man's voice' is the caller's line (it went to Eva, the last person named, and left 'Asked a man's
    voice.' in the action); the scene is where Eva is, not the boat the caller talks about."""
    script = read_fountain(_script(_treatment(PHONE, "faithful"), PHONE))
    assert [(line.character, line.text) for line in script.dialogue] == [
        ("VOICE", "Is this Eva Lind?"), ("EVA", "Who wants to know?"),
        ("VOICE", "I found your father's boat. It's on the beach at Skagen."), ("OLOF", "Who was that?"),
        ("EVA", "Nobody. Go back to sleep.")]
    assert script.scenes[0].slug == "INT. EVA'S HOME - NIGHT"
    action = " ".join(script.scenes[0].action)
    assert action.startswith("The phone rings at midnight.") and "asked" not in action.lower()
