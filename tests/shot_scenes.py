"""Scenes written for the shot list tests, and a helper that plans one the way Stage 7 will: the scene's lines
read by read_fountain, the offline writer's drafts, then shots_from_drafts."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.film.screenplay import read_fountain
from core.film.shots import Line, Shot, shots_from_drafts
from core.offline import writer

VEO = (4, 6, 8)


@dataclass(frozen=True)
class Scene:
    slug: str
    excerpt: str
    characters: tuple[str, ...]
    props: tuple[str, ...] = ()
    previous: str | None = None


@dataclass
class Plan:
    scene: Scene
    inputs: dict
    drafts: list[dict]
    shots: list[Shot] = field(default_factory=list)

    def shot_with_line(self, number: int) -> Shot:
        return next(shot for shot, draft in zip(self.shots, self.drafts) if number in draft["line_numbers"])


def scene_lines(slug: str, excerpt: str) -> list[dict]:
    """The scene's dialogue exactly as read_fountain gives it (the stage function's `lines`)."""
    spoken = read_fountain(f"{slug}\n\n{excerpt}").dialogue
    return [{"number": i, "speaker": line.character, "text": line.text, "parenthetical": line.parenthetical}
            for i, line in enumerate(spoken, 1)]


def plan(scene: Scene, seed: int = 0, guidance: str = "", durations: tuple[int, ...] = VEO,
         number: int = 3) -> Plan:
    lines = scene_lines(scene.slug, scene.excerpt)
    inputs = {"scene_number": number, "slug": scene.slug, "excerpt": scene.excerpt, "lines": lines,
              "characters": list(scene.characters), "props": list(scene.props), "previous_slug": scene.previous,
              "durations": list(durations), "default_duration": max(durations), "guidance": guidance}
    drafts = writer.draft("shot_list", inputs, seed)["shots"]
    script = [Line(speaker=line["speaker"], text=line["text"], parenthetical=line["parenthetical"]) for line in lines]
    shots = shots_from_drafts(number, drafts, script, durations, list(scene.characters))
    return Plan(scene, inputs, drafts, shots)


TWO_HANDER = Scene("INT. BAKERY - NIGHT", """\
Flour dust hangs under a single bulb. The ovens tick as they cool.

HELKA kneads dough at the long table. ODD watches from the doorway, coat still on.

ODD
(softly)
You kept the lights on.

HELKA
(without looking up)
Somebody has to bake for the funeral.

ODD
He hated bread.

HELKA
He hated everything, Odd. He still came in every morning.

ODD
Then I'll stay and help.

HELKA
You never could braid a loaf.

Odd picks up the rolling pin and weighs it in his hand. He grins at her.

HELKA
Fine. Wash your hands first.""", ("HELKA", "ODD"), ("rolling pin", "dough"), "EXT. CEMETERY - DAY")

THREE_PEOPLE = Scene("INT. GARAGE - DAY", """\
A car on blocks. RUTA, BASIL and the kid, NOOR, stand around the open engine.

RUTA
It's the gasket.

BASIL
It's never the gasket.

NOOR
It's the gasket, Basil.

BASIL
Fine. Two against one.

RUTA
Three against one. The car agrees.""", ("RUTA", "BASIL", "NOOR"), (), "INT. KITCHEN - NIGHT")

DUAL = Scene("EXT. FERRY DECK - DAWN", """\
FENNA and JOOST lean on the rail as the island appears.

FENNA
There it is.

JOOST ^
There it is.

They laugh.""", ("FENNA", "JOOST"), (), "INT. FERRY CABIN - NIGHT")

VOICE_OVER = Scene("INT. HOSPITAL CORRIDOR - NIGHT", """\
SISKO sits alone on a plastic chair, a paper cup going cold in her hands.

GRANDAD (V.O.)
Never wait in corridors, love. Nothing good comes down a corridor.

Sisko almost smiles.""", ("SISKO", "GRANDAD"), ("paper cup",), "EXT. HOSPITAL - NIGHT")

CHASE = Scene("EXT. MARKET STREET - DAY", """\
KOFI bolts between the stalls, a stolen melon under one arm.

A STALLHOLDER shouts. ABENA gives chase, shoving past a cart of oranges.

Kofi runs down the steps to the river and vanishes under the bridge.""", ("KOFI", "ABENA"), (), None)

HELLO_MUM = Scene("INT. HALLWAY - EVENING", """\
DEV lets himself in. The sun rose on a different house, he thinks; will it ever feel like home?

DEV
Hello, Mum. I brought the will. We should read it together.

A long silence from upstairs.""", ("DEV", "ROSE", "WILL"), (), "EXT. STREET - EVENING")

PROP_HANDLED = Scene("INT. WORKSHOP - DAY", """\
IVO sweeps shavings off the bench. Sunlight through the sawdust.

He grabs the chisel, then sets it down again.""", ("IVO",), ("chisel",), "EXT. YARD - DAY")

CONTINUING = Scene("INT. BAKERY - LATER", """\
Helka slides the trays into the oven.

ODD
How long?

HELKA
Forty minutes. Sit down.""", ("HELKA", "ODD"), (), "INT. BAKERY - NIGHT")

LONG_SPEECH = Scene("INT. COUNCIL HALL - DAY", """\
MAYOR GRUBB rises.

MAYOR GRUBB
For thirty years this town has stood with its back to the sea, and for thirty years the sea has taken a little
more each winter: the jetty, the bathing huts, the road to the lighthouse, the Pelletiers' garden and finally the
Pelletiers themselves. I will not stand here and promise you a wall. I will promise you the truth, which is that
we move, together, before it moves us.""", ("MAYOR GRUBB", "CLERK"), (), "EXT. SEA WALL - DAY")

EMPTY = Scene("EXT. LIGHTHOUSE - NIGHT", "", ("MARA",), (), "INT. LAMP ROOM - NIGHT")

SCENES = {"two-hander": TWO_HANDER, "three people": THREE_PEOPLE, "dual dialogue": DUAL, "voice-over": VOICE_OVER,
          "chase": CHASE, "hello mum": HELLO_MUM, "prop handled": PROP_HANDLED, "continuing": CONTINUING,
          "long speech": LONG_SPEECH, "empty": EMPTY}
