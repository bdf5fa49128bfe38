"""Contract tests for the per-scene stages (7 shot list, 8 visual definition, 9 prompt polish) through each
text provider's official SDK, against the local fakes of OpenAI, Anthropic and Gemini (tests/fake_apis.py).

The scene, its inputs and the model answers are in tests/scene_stage_kit.py. Retry delays are tiny.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ProviderBadResponse
from core.film.shots import Line, nearest_duration, shot_ids
from stages.segmentation import merge, segment_prompts
from stages.shots import write_shot_list
from stages.visuals import define_visuals
from tests.fake_apis import Answer, Fail, Malformed
from tests.scene_stage_kit import (
    PROVIDER_ENV,
    VENDORS,
    VISUAL_ANSWER,
    good_shots,
    polish_answer,
    prompt_inputs,
    scene_lines,
    shot,
    shot_list_inputs,
    visual_inputs,
)

EACH_VENDOR = pytest.mark.parametrize("vendor", VENDORS, ids=[v.name for v in VENDORS])
# langchain-google-genai reads a JSON answer with langchain's lenient parser (parse_partial_json), which would take an
# answer cut off mid-way for a shorter, complete one; the provider checks the text strictly and asks again.
EACH_VENDOR_CUT_OFF = EACH_VENDOR


@pytest.fixture(autouse=True)
def no_real_provider_env(monkeypatch):
    """Keys or tracing in the developer's shell must not leak into these tests."""
    for name in PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)


def shot_list_answer(**changes) -> dict:
    """The good answer with some shots changed: `shot2={...}` overrides fields of the third shot."""
    shots = good_shots()
    for index, fields in changes.items():
        shots[int(index.removeprefix("shot"))] |= fields
    return {"shots": shots}


# --- Stage 7: shot list ----------------------------------------------------------------------------


@EACH_VENDOR
def test_shot_list_answer_carries_the_scene_lines_by_number(vendor):
    with vendor.fake() as api:
        api.script(Answer(shot_list_answer(), input_tokens=1_200, output_tokens=340))
        draft = write_shot_list(shot_list_inputs(), vendor.provider(api), seed=11, tags={"stage": 7})
    shots = draft.output.shots
    lines = scene_lines()
    assert [s.shot_id for s in shots] == ["3A", "3B", "3C", "3D"]
    assert [s.order for s in shots] == [1, 2, 3, 4]
    assert [s.dialogue for s in shots] == [[], lines[0:2], lines[2:3], lines[3:4]]
    assert shots[1].dialogue[1] == Line(speaker="ASTRID", text="Then light it yourself.",
                                        parenthetical="(without turning)")
    assert shots[2].dialogue[0].speaker == "KAJSA" and shots[2].names == ["ASTRID"]  # heard off-screen, not seen
    assert [s.duration for s in shots] == [6, 8, 4, 8]  # 5, 7, 3, 12 snapped to Veo's 4/6/8 (ties go longer)
    assert draft.output.runtime == 26
    assert shots[0].names == ["ASTRID"] and shots[1].camera.text == "two-shot · push-in · eye level"
    assert (draft.usage.input_tokens, draft.usage.output_tokens) == (1_200, 340)
    assert (draft.provider, draft.model) == tuple(vendor.model_id.split(":"))
    [call] = draft.calls
    assert (call.task, call.input_tokens, call.output_tokens, call.seed) == ("shot_list", 1_200, 340, 11)


@EACH_VENDOR
def test_shot_list_request_sends_the_numbered_lines_and_the_characters(vendor):
    with vendor.fake() as api:
        api.script(Answer(shot_list_answer()))
        draft = write_shot_list(shot_list_inputs(), vendor.provider(api))
    [sent] = api.requests
    prompt = vendor.prompt_sent(sent.json)
    assert prompt == draft.final_prompt
    for numbered in ("1. BENEDIKT: The lamp's gone dark again.",
                     "2. ASTRID (without turning): Then light it yourself.",
                     "3. KAJSA: I already did! Twice!",
                     "4. ASTRID: Then who keeps letting the dark in?"):
        assert numbered in prompt
    assert "Characters are only these: BENEDIKT, ASTRID, KAJSA." in prompt
    assert "INT. LIGHTHOUSE KITCHEN - NIGHT" in prompt and "4, 6, 8 seconds" in prompt
    schema = vendor.schema_sent(sent.json)
    assert schema["required"] == ["shots"]
    assert "line_numbers" in str(schema)


@st.composite
def line_splits(draw) -> list[dict]:
    """Any way a model may cut the scene's four lines into shots, with silent shots before them and any length."""
    groups, current = [], [1]
    for number in (2, 3, 4):
        if draw(st.booleans()):
            groups.append(current)
            current = []
        current.append(number)
    groups = [[]] * draw(st.integers(0, 2)) + groups + [current]
    return [shot("A beat of the scene.", group, [{"name": "ASTRID", "prominence": "lead"}], draw(st.integers(1, 60)))
            for group in groups]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drafts=line_splits())
def test_any_clean_split_keeps_every_line_once_in_order(drafts):
    vendor = VENDORS[0]
    with vendor.fake() as api:
        api.script(Answer({"shots": drafts}))
        shots = write_shot_list(shot_list_inputs(), vendor.provider(api)).output.shots
    assert [line for s in shots for line in s.dialogue] == scene_lines()
    assert [s.shot_id for s in shots] == shot_ids(3, len(drafts))
    assert [s.duration for s in shots] == [nearest_duration(d["duration"], (4, 6, 8)) for d in drafts]


BROKEN_SHOT_LISTS = {
    "skips line 3": ({"shot2": {"line_numbers": []}}, "dialogue line(s) 3 are spoken in no shot"),
    "repeats line 2": ({"shot2": {"line_numbers": [2, 3]}}, "dialogue line 2 is placed more than once (in 3B, 3C)"),
    "invents a line": ({"shot3": {"line_numbers": [4, 5]}}, "has 4 dialogue line(s), but 3D (line 5) names one"),
    "reorders lines": ({"shot1": {"line_numbers": [2, 1]}}, "out of script order: line 2 (in 3B) comes before line 1"),
    "invents a character": ({"shot3": {"characters": [{"name": "Old Sven", "prominence": "lead"}]}},
                            "character(s) not in this scene: OLD SVEN"),
}


@EACH_VENDOR
@pytest.mark.parametrize("case", BROKEN_SHOT_LISTS)
def test_shot_list_that_breaks_the_scene_is_refused_in_plain_words(vendor, case):
    changes, problem = BROKEN_SHOT_LISTS[case]
    with vendor.fake() as api:
        api.script(Answer(shot_list_answer(**changes)))
        with pytest.raises(ProviderBadResponse) as caught:
            write_shot_list(shot_list_inputs(), vendor.provider(api))
    message = str(caught.value)
    assert message.startswith("The shot list can't be used: ")
    assert problem in message
    assert "pydantic" not in message.lower() and "Traceback" not in message
    assert caught.value.retryable is False


@EACH_VENDOR
def test_shot_list_in_prose_is_repaired_once(vendor):
    with vendor.fake() as api:
        api.script(Malformed("3A: a wide of the kitchen. 3B: Benedikt comes in."), Answer(shot_list_answer()))
        draft = write_shot_list(shot_list_inputs(), vendor.provider(api))
    assert [s.shot_id for s in draft.output.shots] == ["3A", "3B", "3C", "3D"]
    assert len(api.requests) == 2


@EACH_VENDOR_CUT_OFF
def test_shot_list_cut_off_mid_answer_is_repaired_once(vendor):
    with vendor.fake() as api:
        api.script(Malformed('{"shots": [{"action": "Rain needles'), Answer(shot_list_answer(), input_tokens=900))
        draft = write_shot_list(shot_list_inputs(), vendor.provider(api))
    assert [s.shot_id for s in draft.output.shots] == ["3A", "3B", "3C", "3D"]
    first, repair = api.requests
    repaired = vendor.prompt_sent(repair.json)
    assert repaired.startswith(vendor.prompt_sent(first.json)) and "could not be used" in repaired
    rejected_tokens = 42 if vendor.bills_rejected_answers else 0  # the fake bills 42 for the broken reply
    assert draft.usage.input_tokens == 900 + rejected_tokens


@EACH_VENDOR
def test_shot_list_that_fails_validation_twice_is_a_bad_response(vendor):
    answer = shot_list_answer(shot0={"duration": "long"})
    with vendor.fake() as api:
        api.script(Answer(answer), Answer(answer))
        with pytest.raises(ProviderBadResponse, match="does not fit the expected ShotListDraft format, twice"):
            write_shot_list(shot_list_inputs(), vendor.provider(api))
    assert len(api.requests) == 2


@EACH_VENDOR
def test_rate_limited_shot_list_is_retried(vendor):
    with vendor.fake() as api:
        api.script(Fail(429), Answer(shot_list_answer()))
        draft = write_shot_list(shot_list_inputs(), vendor.provider(api))
    assert len(draft.output.shots) == 4
    assert len(api.requests) == 2


# --- Stage 8: visual definition ---------------------------------------------------------------------


@EACH_VENDOR
def test_visual_definition_applies_the_answer_to_inherited_tags(vendor):
    with vendor.fake() as api:
        api.script(Answer(VISUAL_ANSWER, input_tokens=700, output_tokens=150))
        draft = define_visuals(visual_inputs(), vendor.provider(api))
    by_name = {i.name: i for i in draft.output.instances}
    assert list(by_name) == ["ASTRID", "BENEDIKT", "KAJSA", "Kettle", "Lighthouse Kitchen"]  # nothing invented
    assert by_name["ASTRID"].status_tags == ["soot_stained", "wet_sleeves"]
    ben = by_name["BENEDIKT"]
    assert (ben.status_tags, ben.added, ben.cleared) == (["bandaged_hand", "muddy_knees"], ["muddy_knees"], ["soaked"])
    assert ben.evidence == "peels off the wet coat"
    kettle = by_name["Kettle"]
    assert (kettle.status_tags, kettle.cleared) == (["scrubbed"], ["blackened"])  # clear_all resets the look
    kajsa = by_name["KAJSA"]  # skipped by the answer: exactly what she inherited
    assert (kajsa.status_tags, kajsa.added, kajsa.cleared) == (["lamp_oil_hands"], [], [])
    assert kajsa.inherited_from_scene_number == 2
    assert by_name["Lighthouse Kitchen"].status_tags == []
    assert all("translucent" not in i.status_tags for i in draft.output.instances)
    assert (draft.usage.input_tokens, draft.usage.output_tokens) == (700, 150)


@EACH_VENDOR
def test_visual_definition_request_lists_each_asset_with_what_it_inherits(vendor):
    with vendor.fake() as api:
        api.script(Answer(VISUAL_ANSWER))
        define_visuals(visual_inputs(), vendor.provider(api))
    prompt = vendor.prompt_sent(api.requests[0].json)
    assert "- BENEDIKT · character · Her nephew, twenties, wool coat · soaked, bandaged_hand" in prompt
    assert "- Lighthouse Kitchen · location · Whitewashed stone kitchen under the tower · none" in prompt
    assert "sleeves soaked to the elbow" in prompt
    assert "tags_added" in str(vendor.schema_sent(api.requests[0].json))


@EACH_VENDOR_CUT_OFF
def test_visual_definition_cut_off_mid_answer_is_asked_again_not_half_applied(vendor):
    with vendor.fake() as api:
        api.script(Malformed('{"instances": [{"asset": "BENEDIKT", "tags_added": ["mud'), Answer(VISUAL_ANSWER))
        draft = define_visuals(visual_inputs(), vendor.provider(api))
    assert len(api.requests) == 2
    assert {i.name: i.status_tags for i in draft.output.instances}["BENEDIKT"] == ["bandaged_hand", "muddy_knees"]


# --- Stage 9: prompt polish ---------------------------------------------------------------------------


@EACH_VENDOR
def test_polish_rewords_the_prompts_and_keeps_the_shots(vendor):
    merged = merge(prompt_inputs())
    with vendor.fake() as api:
        api.script(Answer(polish_answer(), input_tokens=2_000, output_tokens=800))
        draft = segment_prompts(prompt_inputs(), vendor.provider(api))
    prompts = draft.output.prompts
    assert [p.shot_id for p in prompts] == ["3A", "3B", "3C", "3D"]  # shot order, whatever order the answer used
    assert all("\n" not in p.frame_prompt + p.video_prompt for p in prompts)
    assert prompts[1].video_prompt == " ".join(merged[1].video_prompt.split())
    assert [(p.requires_end_frame, p.references) for p in prompts] == [(m.requires_end_frame, m.references)
                                                                      for m in merged]
    sent = vendor.prompt_sent(api.requests[0].json)
    assert all(f"[{m.shot_id}]\nFRAME: {m.frame_prompt}" in sent for m in merged)
    assert (draft.usage.input_tokens, draft.usage.output_tokens) == (2_000, 800)
    assert draft.output.video_model == "google:veo-3.1-generate-preview"


@EACH_VENDOR
def test_polish_that_drops_a_shot_is_refused(vendor):
    with vendor.fake() as api:
        api.script(Answer(polish_answer(drop="3C")))
        with pytest.raises(ProviderBadResponse, match="left out shot 3C"):
            segment_prompts(prompt_inputs(), vendor.provider(api))


DROPPED_IN_POLISH = {  # (shot, words cut from its polished prompts), what the refusal says
    "a character": (("3D", "; ASTRID (background): Keeper, sixties, grey braid, oilskin apron"),
                    "shot 3D shows: its frame prompt lost ASTRID."),  # her video prompt still has her line
    "a line": (("3C", "I already did! Twice!"),
               'shot 3C shows: its video prompt lost the line "I already did! Twice!"'),
    "an off-screen speaker": (("3C", "KAJSA: "), "shot 3C shows: its video prompt lost KAJSA."),
}


@EACH_VENDOR
@pytest.mark.parametrize("case", DROPPED_IN_POLISH)
def test_polish_that_drops_a_character_or_a_line_is_refused(vendor, case):
    cut, problem = DROPPED_IN_POLISH[case]
    with vendor.fake() as api:
        api.script(Answer(polish_answer(cut=cut)))
        with pytest.raises(ProviderBadResponse) as caught:
            segment_prompts(prompt_inputs(), vendor.provider(api))
    assert problem in str(caught.value)


def test_polish_may_change_case_and_punctuation_but_keeps_names_and_words():
    answer = polish_answer()
    for prompt in answer["prompts"]:
        prompt["video_prompt"] = prompt["video_prompt"].replace("BENEDIKT", "Benedikt").replace("lamp's", "lamp’s")
    with VENDORS[0].fake() as api:
        api.script(Answer(answer))
        draft = segment_prompts(prompt_inputs(), VENDORS[0].provider(api))
    assert "Benedikt: The lamp’s gone dark again." in draft.output.prompts[1].video_prompt


def test_a_characters_first_line_noted_in_their_description_is_not_drawn():
    """The offline extractor notes a character's first line ('1 line of dialogue, first: "…"'): not something to see,
    and a line of several sentences is left out whole, not from its second sentence on."""
    inputs = prompt_inputs()
    note = ('Keeper, sixties, grey braid. First seen: ASTRID, the old keeper, shakes water from her coat. '
            '1 line of dialogue, first: "One more night. For the record."')
    inputs = inputs.model_copy(update={"instances": [
        i.model_copy(update={"description": note}) if i.name == "ASTRID" else i for i in inputs.instances]})
    astrid = next(m for m in merge(inputs) if "ASTRID" in m.frame_prompt)
    drawn = "ASTRID (lead): Keeper, sixties, grey braid. ASTRID, the old keeper, shakes water from her coat, looking"
    assert drawn in astrid.frame_prompt
    assert "record" not in astrid.frame_prompt + astrid.video_prompt
    assert "line of dialogue" not in astrid.frame_prompt
