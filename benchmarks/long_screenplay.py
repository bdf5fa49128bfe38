"""A long Fountain screenplay for benchmarks, written from a seed: the same seed, the same script.

    screenplay(seed=7, scenes=40) -> str

A recurring cast of 3-6 characters (introduced in capitals with their age and look the first time they appear),
8-12 locations (every one used), action paragraphs, dialogue with parentheticals and the occasional voice-over,
props handled on screen, and actions that change a look (a fall in the mud, a dive into the river, a torn
sleeve, a wash and a change of clothes) so continuity has tags to carry forward.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# name, pronoun, how the script introduces them
CAST = (
    ("MARA VOSS", "her", "40s, an oilskin coat"), ("TOMAS REID", "his", "20s, a ferryman's cap"),
    ("ELSIE DUNN", "her", "70s, a knitted shawl"), ("REUBEN HALE", "his", "50s, a grey beard"),
    ("NOOR SAAD", "her", "30s, a red scarf"), ("FELIX GRANT", "his", "teens, a patched jacket"),
    ("IDA MOORE", "her", "60s, wire spectacles"), ("CALLUM ROSS", "his", "40s, a tweed waistcoat"),
)
# setting, place, what the camera finds there
PLACES = (
    ("EXT.", "MARSH PATH", "Reeds hiss in the wind along the dyke."),
    ("INT.", "BOATHOUSE", "Oars hang from the rafters above a dark slipway."),
    ("INT.", "FARMHOUSE KITCHEN", "A kettle ticks on the range beside a scrubbed table."),
    ("EXT.", "HARBOUR WALL", "Gulls wheel over the stacked lobster pots."),
    ("INT.", "SIGNAL BOX", "Brass levers stand in a row under a ticking clock."),
    ("EXT.", "APPLE ORCHARD", "Windfalls rot in the long wet grass."),
    ("INT.", "CHAPEL", "Candles gutter below a cracked stained-glass saint."),
    ("EXT.", "RIVER BANK", "Brown water slides past the willow roots."),
    ("INT.", "ATTIC", "Dust turns in a shaft of light between tea chests."),
    ("EXT.", "TOWPATH", "A narrowboat sits low in the canal under a bridge."),
    ("INT.", "TAVERN", "Low beams, a fire, and a dartboard nobody uses."),
    ("EXT.", "CHALK QUARRY", "White cliffs rise over a pool of green water."),
)
TIMES = ("DAY", "NIGHT", "DUSK", "DAWN", "MORNING", "LATER")
PROPS = ("lantern", "brass key", "letter", "coil of rope", "map", "pocket watch", "shovel", "tin box")
HANDLING = ("picks up the {prop}", "grabs the {prop}", "opens the {prop}", "pockets the {prop}", "holds the {prop}")
MOVES = ("crosses to the window", "sits on an upturned crate", "stops dead", "paces", "leans on the door frame",
         "kneels by the wall", "stares at the floor", "turns away")
# the looks that change: (action, what a later scene may undo)
CHANGES = (
    "{name} slips and falls into the mud.",
    "{name} dives into the river and surfaces, gasping.",
    "{name} rips {pos} sleeve on a rusty nail.",
    "{name} washes {pos} face and hands in a bucket and changes into a dry jumper.",
)
LINES = (
    "We can't stay here past dark.", "You knew about this all along.", "Give it to me. Now.",
    "I only wanted to see it again.", "Nobody comes out this far any more.", "Then why are you here?",
    "It isn't yours to keep.", "Listen. Do you hear that?", "I waited three years for this.",
    "Tell me the truth, just once.", "The tide turns in an hour.", "Leave it. It's not worth it.",
    "She said you'd come back.", "I never asked for any of this.", "Keep your voice down.",
)
PARENTHETICALS = ("quietly", "not looking up", "under the breath", "beat", "furious", "almost smiling")
GLANCES = ("{name} looks at the door.", "A gust rattles the glass. {name} flinches.", "{name} says nothing for a long moment.",
           "Somewhere a dog barks. {name} listens.")


@dataclass
class _Writer:
    rng: random.Random
    cast: list[tuple[str, str, str]]
    met: set[str]

    def who(self, person: tuple[str, str, str]) -> str:
        """The full name in capitals with a description the first time, the first name after."""
        name, _, look = person
        if name in self.met:
            return name.split()[0].title()
        self.met.add(name)
        return f"{name} ({look})"


def screenplay(seed: int = 7, scenes: int = 40) -> str:
    """A varied Fountain screenplay of `scenes` scenes, deterministic for the seed."""
    rng = random.Random(seed)
    cast = rng.sample(CAST, rng.randint(3, 6))
    places = rng.sample(PLACES, rng.randint(8, 12))
    order = [places[i % len(places)] for i in range(scenes)]  # every place at least once, then shuffled
    rng.shuffle(order)
    writer = _Writer(rng, cast, set())
    body = [_scene(writer, place, number) for number, place in enumerate(order, start=1)]
    return f"Title: The Long Tide (seed {seed})\nAuthor: Aiuteur benchmarks\n\n" + "\n\n".join(body) + "\n\nFADE OUT.\n"


def _scene(writer: _Writer, place: tuple[str, str, str], number: int) -> str:
    rng = writer.rng
    setting, name, detail = place
    time = TIMES[0] if number == 1 else rng.choice(TIMES)
    present = rng.sample(writer.cast, min(len(writer.cast), rng.randint(1, 3)))
    parts = [f"{setting} {name} - {time}", _arrival(writer, present, detail)]
    if rng.random() < 0.6:
        parts.append(_handling(writer, present))
    if rng.random() < 0.3:
        person = rng.choice(present)
        changes = CHANGES[:2] if setting == "EXT." else CHANGES[2:]  # mud and rivers are outdoors
        parts.append(rng.choice(changes).format(name=writer.who(person), pos=person[1]))
    parts += _dialogue(writer, present)
    if rng.random() < 0.12:
        parts.append(_voice_over(writer))
    return "\n\n".join(parts)


def _arrival(writer: _Writer, present: list, detail: str) -> str:
    first, *others = present
    line = f"{detail} {writer.who(first)} {writer.rng.choice(MOVES)}."
    for person in others:
        line += f" {writer.who(person)} {writer.rng.choice(MOVES)}."
    return line


def _handling(writer: _Writer, present: list) -> str:
    person = writer.rng.choice(present)
    verb = writer.rng.choice(HANDLING).format(prop=writer.rng.choice(PROPS))
    return f"{writer.who(person)} {verb} and {writer.rng.choice(MOVES)}."


def _dialogue(writer: _Writer, present: list) -> list[str]:
    rng, speeches = writer.rng, []
    turns = 1 if len(present) == 1 else rng.randint(2, 5)  # nobody answers themselves
    for turn, line in enumerate(rng.sample(LINES, turns)):
        person = present[turn % len(present)]
        aside = f"({rng.choice(PARENTHETICALS)})\n" if rng.random() < 0.3 else ""
        speeches.append(f"{person[0].split()[0]}\n{aside}{line}")
        if rng.random() < 0.2:  # a beat of action between the lines
            speeches.append(rng.choice(GLANCES).format(name=writer.who(person)))
    return speeches


def _voice_over(writer: _Writer) -> str:
    name = writer.rng.choice(sorted(writer.met))  # someone the audience has met already
    return f"{name.split()[0]} (V.O.)\n{writer.rng.choice(LINES)}"
