"""What the per-scene stage contract tests share: the three vendors' SDK seams, one scene written for them
(three people, a parenthetical, an off-screen line), the stage inputs built from it and model answers about it.

The scene's dialogue is read from its Fountain text the way Stage 4 reads it, so the numbered lines the tests
expect are the ones a creator's script would give.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.film.screenplay import read_fountain
from core.film.shots import Line, Shot, shots_from_drafts
from core.providers.retrying import RetryPolicy
from core.providers.text_models import ChatModelTextProvider
from stages.segmentation import PromptInputs, VideoTarget, merge
from stages.shots import ShotListInputs
from stages.visuals import AssetInScene, Instance, VisualInputs
from tests.fake_apis import FakeAnthropic, FakeGemini, FakeOpenAI

FAST = RetryPolicy(attempts=3, first_delay=0.001, max_delay=0.005)
PROVIDER_ENV = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY", "OPENAI_BASE_URL",
                "ANTHROPIC_BASE_URL", "GOOGLE_GEMINI_BASE_URL", "LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2")


@dataclass(frozen=True)
class Vendor:
    """One text provider reached through its official SDK, pointed at its local fake."""

    name: str
    fake: type
    model_id: str
    api_root: str = ""  # appended to the fake's URL to make the base URL
    bills_rejected_answers: bool = True  # usage of a reply that failed validation is known

    def provider(self, api) -> ChatModelTextProvider:
        return ChatModelTextProvider(self.model_id, api_key="test-key", base_url=api.url + self.api_root, retry=FAST)

    def prompt_sent(self, body: dict) -> str:
        if self.fake is FakeGemini:
            return body["contents"][-1]["parts"][0]["text"]
        content = body["messages"][-1]["content"]
        return content if isinstance(content, str) else content[0]["text"]

    def schema_sent(self, body: dict) -> dict:
        """The JSON schema the SDK put on the wire for structured output."""
        if self.fake is FakeOpenAI:
            return body["response_format"]["json_schema"]["schema"]
        if self.fake is FakeAnthropic:
            return body["tools"][0]["input_schema"]
        return body["generationConfig"]["responseJsonSchema"]


VENDORS = (Vendor("openai", FakeOpenAI, "openai:gpt-4o-mini", "/v1", bills_rejected_answers=False),
           Vendor("anthropic", FakeAnthropic, "anthropic:claude-sonnet-4-5"),
           Vendor("gemini", FakeGemini, "google:gemini-2.5-flash"))

# --- the scene -----------------------------------------------------------------------------------

SCENE_NUMBER = 3
SLUG = "INT. LIGHTHOUSE KITCHEN - NIGHT"
EXCERPT = """\
Rain needles the window. ASTRID scrubs a blackened kettle at the sink, sleeves soaked to the elbow.

BENEDIKT shoulders in from the storm, coat torn at the seam, mud to the knees.

BENEDIKT
The lamp's gone dark again.

ASTRID
(without turning)
Then light it yourself.

KAJSA (O.S.)
I already did! Twice!

Benedikt peels off the wet coat and drops it by the stove.

ASTRID
Then who keeps letting the dark in?
"""
CHARACTERS = ["BENEDIKT", "ASTRID", "KAJSA"]


def scene_lines() -> list[Line]:
    """The scene's dialogue as Stage 4's reader gives it: speaker without "(O.S.)", parenthetical kept."""
    spoken = read_fountain(f"{SLUG}\n\n{EXCERPT}").dialogue
    return [Line(speaker=d.character, text=d.text, parenthetical=d.parenthetical) for d in spoken]


def shot_list_inputs() -> ShotListInputs:
    return ShotListInputs(title="The Keeper's Lamp", scene_number=SCENE_NUMBER, slug=SLUG, excerpt=EXCERPT,
                          lines=scene_lines(), characters=CHARACTERS, props=["kettle", "lamp"],
                          previous_slug="EXT. LIGHTHOUSE GALLERY - NIGHT", durations=[4, 6, 8],
                          video_model="google:veo-3.1-generate-preview")


def _character(name: str, prominence: str = "lead") -> dict:
    return {"name": name, "prominence": prominence}


def _camera(framing: str, movement: str = "static") -> dict:
    return {"framing": framing, "movement": movement, "angle": "eye level", "note": ""}


def shot(action: str, lines: list[int], cast: list[dict], duration: int, framing: str = "medium", **more) -> dict:
    """One drafted shot as a model answers it (ShotDraft's fields)."""
    return {"action": action, "line_numbers": lines, "characters": cast, "setting": "LIGHTHOUSE KITCHEN",
            "camera": _camera(framing, more.pop("movement", "static")), "duration": duration, **more}


def good_shots() -> list[dict]:
    """Every line once, in order; KAJSA heard, not seen; durations off the model's 4/6/8 on purpose."""
    return [
        shot("Rain needles the window. Astrid scrubs a blackened kettle at the sink.", [], [_character("Astrid")],
             5, "wide", props=["kettle"]),
        shot("Benedikt shoulders in from the storm, mud to the knees.", [1, 2],
             [_character("BENEDIKT"), _character("ASTRID", "supporting")], 7, "two-shot", movement="push-in"),
        shot("Astrid looks up at the ceiling.", [3], [_character("ASTRID")], 3, "close-up",
             continuity_flags=["KAJSA off-screen, upstairs"]),
        shot("Benedikt peels off the wet coat and drops it by the stove.", [4],
             [_character("BENEDIKT"), _character("ASTRID", "background")], 12),
    ]


# --- visual definition -----------------------------------------------------------------------------


def _asset(asset_id: str, name: str, kind: str, description: str, inherited: list[str]) -> AssetInScene:
    return AssetInScene(asset_id=asset_id, name=name, asset_type=kind, description=description,
                        inherited_tags=inherited, inherited_from_scene_id="scene-2" if inherited else None,
                        inherited_from_scene_number=2 if inherited else None)


def visual_inputs() -> VisualInputs:
    assets = [_asset("a-astrid", "ASTRID", "character", "Keeper, sixties, grey braid, oilskin apron", ["soot_stained"]),
              _asset("a-ben", "BENEDIKT", "character", "Her nephew, twenties, wool coat", ["soaked", "bandaged_hand"]),
              _asset("a-kajsa", "KAJSA", "character", "Twelve, yellow raincoat", ["lamp_oil_hands"]),
              _asset("a-kettle", "Kettle", "prop", "A dented copper kettle", ["blackened"]),
              _asset("a-kitchen", "Lighthouse Kitchen", "location", "Whitewashed stone kitchen under the tower", [])]
    action = [paragraph for paragraph in EXCERPT.split("\n\n") if paragraph[:1].isupper() and "\n" not in paragraph]
    return VisualInputs(title="The Keeper's Lamp", scene_number=SCENE_NUMBER, slug=SLUG, excerpt=EXCERPT,
                        action=action, assets=assets)


VISUAL_ANSWER = {"instances": [
    {"asset": "Astrid", "tags_added": ["Wet sleeves"], "evidence": "sleeves soaked to the elbow"},
    {"asset": " benedikt ", "tags_added": ["muddy_knees"], "tags_cleared": ["soaked"],
     "evidence": "peels off the wet coat"},
    {"asset": "kettle", "clear_all": True, "tags_added": ["scrubbed"], "evidence": "scrubs a blackened kettle"},
    {"asset": "The Ghost Keeper", "tags_added": ["translucent"], "evidence": "who keeps letting the dark in"},
]}  # KAJSA and the kitchen are skipped


# --- prompts -------------------------------------------------------------------------------------


def scene_shots() -> list[Shot]:
    return shots_from_drafts(SCENE_NUMBER, good_shots(), scene_lines(), (4, 6, 8), CHARACTERS)


def _instance(asset: AssetInScene, tags: list[str]) -> Instance:
    return Instance(asset_id=asset.asset_id, name=asset.name, asset_type=asset.asset_type,
                    description=asset.description, status_tags=tags, inherited_tags=asset.inherited_tags)


def prompt_inputs() -> PromptInputs:
    looks = {"ASTRID": ["soot_stained", "wet_sleeves"], "BENEDIKT": ["bandaged_hand", "muddy_knees"]}
    instances = [_instance(a, looks.get(a.name, a.inherited_tags)) for a in visual_inputs().assets]
    video = VideoTarget(key="google:veo-3.1-generate-preview", label="Veo 3.1", takes_last_frame=True,
                        prompt_token_limit=1_024)
    return PromptInputs(title="The Keeper's Lamp", scene_number=SCENE_NUMBER, slug=SLUG, shots=scene_shots(),
                        instances=instances, style={"preset": "watercolor", "notes": "storm light"}, video=video,
                        polish=True)


def polish_answer(drop: str = "", cut: tuple[str, str] = ("", "")) -> dict:
    """Each merged prompt as one paragraph, in reverse shot order; `drop` leaves a shot out, `cut` removes a
    phrase (shot id, words) from that shot's prompts."""
    prompts = []
    for merged in reversed(merge(prompt_inputs())):
        frame, video = (" ".join(text.split()) for text in (merged.frame_prompt, merged.video_prompt))
        if merged.shot_id == cut[0]:
            frame, video = frame.replace(cut[1], ""), video.replace(cut[1], "")
        if merged.shot_id != drop:
            prompts.append({"shot_id": merged.shot_id, "frame_prompt": frame, "video_prompt": video})
    return {"prompts": prompts}
