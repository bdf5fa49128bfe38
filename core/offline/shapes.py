"""The storyboard's drawings: a figure for a character, a set for a location, an object for a prop.

Each reads the asset's name and description as whole words (core.offline.looks, core.offline.wardrobe)
for what to draw, and takes every free choice from the pen's seeded `rng`, so a drawing is a function
of its asset and style.

    draw_prop(pen, box, "Wok", "A blackened iron wok.")   a wok on a lit table, in iron black
"""

from __future__ import annotations

from core.film.style import mix, named_color
from core.offline import coasts, lands, machines, objects, rooms
from core.offline.figures import draw_figure as _draw_figure
from core.offline.looks import prop_kind, set_look, singular, tokens
from core.offline.pen import Box, Pen
from core.offline.wardrobe import cast_look

_SILHOUETTES = {
    "pan": objects.wok, "pot": objects.pot, "cup": objects.cup, "bottle": objects.bottle, "knife": objects.knife,
    "sword": objects.sword, "gun": objects.gun, "book": objects.book, "sheet": objects.sheet,
    "pen": objects.writing_pen, "cane": objects.cane, "lantern": objects.lantern, "candle": objects.candle,
    "key": objects.key, "hammer": objects.hammer, "wrench": objects.wrench, "car": machines.car,
    "boat": machines.boat, "bicycle": machines.bicycle, "plane": machines.plane, "antenna": machines.antenna,
    "guitar": machines.guitar, "piano": machines.piano, "drum": machines.drum, "horn": machines.horn,
    "box": machines.box, "case": machines.case, "cage": machines.cage, "clock": machines.clock,
    "wheel": machines.wheel, "ring": machines.ring, "garment": machines.garment, "camera": machines.camera,
    "phone": machines.phone, "radio": machines.radio, "rope": machines.rope, "flower": machines.flower,
}
_EXTERIORS = {"shore": coasts.shore, "deck": coasts.deck, "island": coasts.island, "headland": coasts.headland,
              "forest": lands.forest, "street": lands.street, "skyline": lands.skyline, "road": lands.road,
              "field": lands.field, "mountain": lands.mountain, "desert": lands.desert, "park": lands.park,
              "tower": lands.tower, "hills": lands.hills}
# the colour a kind of thing usually is, and what a material word makes it
_KIND_COLOURS = {
    "pan": "#2e2e30", "pot": "#6f7479", "cup": "#e9e2d0", "bottle": "#2f6b3a", "knife": "#a9b0b6", "sword": "#a9b0b6",
    "gun": "#3a3d42", "book": "#7a2e2a", "sheet": "#f4eee0", "pen": "#1b1f3a", "cane": "#6b4a2b", "lantern": "#3b3a36",
    "candle": "#efe6d2", "key": "#b8902f", "hammer": "#55595e", "wrench": "#8e979e", "car": "#a33a2e",
    "boat": "#e9e2d0", "bicycle": "#2e6fd1", "plane": "#c9ced3", "antenna": "#e4e6e8", "guitar": "#b06a2c",
    "piano": "#2a1f1a", "drum": "#a33a2e", "horn": "#d4af37", "box": "#b08a5a", "case": "#6b4226", "cage": "#b8902f",
    "clock": "#8a6d2f", "wheel": "#7b5236", "ring": "#d4af37", "garment": "#4d5a6e", "camera": "#2a2a2e",
    "phone": "#1f1f22", "radio": "#7b5236", "rope": "#b59a68", "flower": "#c0392b", "thing": "#8a8378",
}
_MATERIALS = {
    "iron": "#2e2e30", "cast": "#2e2e30", "blackened": "#222224", "steel": "#9aa3ab", "metal": "#8e979e",
    "tin": "#b8bcc0", "chrome": "#d0d5da", "wooden": "#8a5a32", "wood": "#8a5a32", "oak": "#8a5a32",
    "leather": "#6b4226", "paper": "#f2ecd9", "cardboard": "#b08a5a", "glass": "#bcd9e2", "crystal": "#d6ecf2",
    "plastic": "#d9d2c0", "rusty": "#8a4a24", "rusted": "#8a4a24", "pencil": "#e8b923", "porcelain": "#f0ece2",
    "ceramic": "#e9e2d0", "clay": "#b5653a", "stone": "#8a8780", "wicker": "#c49a5a",
}


def draw_prop(pen: Pen, box: Box, name: str, description: str) -> None:
    """The prop on a lit table, drawn as the kind of thing its name says it is (a named card when unknown)."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    table = top + height * 0.8
    pen.oval((left + width * 0.22, top + height * 0.02, right - width * 0.22, table + height * 0.06),
             mix(pen.palette.top, pen.palette.paper, 0.45), outline=False)
    pen.rect((left, table, right, bottom), pen.tone(0.3), outline=False)
    pen.stroke([(left, table), (right, table)], 1.0)
    kind = prop_kind(name, description)
    words = frozenset(word for raw in tokens(f"{name} {description}") for word in (raw, singular(raw)))
    size = height * 0.3
    cx = left + width / 2
    pen.oval((cx - size * 1.1, table - size * 0.07, cx + size * 1.1, table + size * 0.1), pen.tone(0.6), outline=False)
    body = _body_colour(kind, name, description, pen)
    if kind == "thing":
        machines.thing(pen, cx, table, size, body, words, name=name)
    else:
        _SILHOUETTES[kind](pen, cx, table, size, body, words)


def _body_colour(kind: str, name: str, description: str, pen: Pen) -> str:
    """The colour the name gives the prop ("Red umbrella", "Brass key"), or the description right before the
    prop's name ("a rusty iron key"), else its material's, else its kind's usual colour."""
    named, described = tokens(name), tokens(description)
    heads = {singular(word) for word in named}
    spots = [(named, index) for index in range(len(named))]
    spots += [(described, back) for index, word in enumerate(described) if singular(word) in heads
              for back in range(max(0, index - 3), index)]
    for words, index in spots:
        color = named_color(words, index) or _MATERIALS.get(words[index])
        if color:
            return mix(color, pen.palette.ink, 0.08)
    return mix(_KIND_COLOURS[kind], pen.palette.ground, 0.15)


def draw_figure(pen: Pen, box: Box, name: str, description: str) -> None:
    """A character standing by a height ruler, its age, build, clothes and hair read from its description."""
    _draw_figure(pen, box, cast_look(name, description))


def draw_set(pen: Pen, box: Box, name: str, description: str) -> None:
    """A location: the kind of place its name says, inside or out, at the time of day it is seen."""
    look = set_look(name, description)
    words = frozenset(tokens(f"{name} {description}"))
    if look.interior:
        rooms.draw_room(pen, box, look, words)
    else:
        _EXTERIORS.get(look.drawing, lands.hills)(pen, box, look, words)
