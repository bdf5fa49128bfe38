"""A frame's picture: the location's set seen through the camera's window, the cast standing on their marks,
the props in the lead's hands or beside them, and the over-the-shoulder foreground, in the style's grade.

    compose(setup, players, props, shot, size) -> Picture(image, boxes of who is seen where)

The set is drawn with the same seeded choices in every shot at its location, only moved and scaled by the
window, so a cut between two framings of one place shows one place.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFilter

from core.film.shots import Framing
from core.film.style import Palette, mix, picture_grade, rgb
from core.offline.cast import figure_layer, figure_rng, hands, over_the_shoulder, standing
from core.offline.framing import INSERT_WIDTH, Stand, Window
from core.offline.hand_props import HELD, prop_layer, scale
from core.offline.pen import Pen
from core.offline.shapes import draw_set
from core.offline.storyboard import _graded  # the reference images' grade, so frames match them
from core.offline.wardrobe import FigureLook
from core.offline.wear import FIGURE_MARKS, split_tags, wear_figure

_UNGRADED = (1.0, None, None, 0.0)


@dataclass(frozen=True)
class Setup:
    """The location as the camera finds it: which set, in which palette, from which seed."""

    name: str
    description: str
    palette: Palette
    horizon: float
    set_seed: int
    style: str | None
    notes: str
    line: int


@dataclass(frozen=True)
class Player:
    """A character on their mark: who, where they stand (set units), how they look, what state they are in."""

    name: str
    stand: Stand
    facing: int
    look: FigureLook
    tags: list
    lead: bool = False


@dataclass(frozen=True)
class Coverage:
    """What the camera does in this frame: its framing, its window, and who the foreground shoulder belongs to."""

    framing: Framing
    window: Window
    shoulder: Player | None = None  # over-the-shoulder: the near figure, seen from behind
    hands: bool = False  # an insert that shows the lead's hands


@dataclass
class Picture:
    image: Image.Image
    boxes: dict[str, list[float] | None] = field(default_factory=dict)  # name -> its box on screen, 0..1


def compose(setup: Setup, players: list[Player], props: list[dict], shot: Coverage, size: tuple[int, int]) -> Picture:
    """The picture for one frame (see the module docstring)."""
    image = _backdrop(size, setup.palette)
    draw = ImageDraw.Draw(image, "RGBA")
    left, top = shot.window.screen(0.0, 0.0, size)
    right, bottom = shot.window.screen(1.0, 1.0, size)
    draw_set(Pen(draw, setup.palette, setup.line, random.Random(setup.set_seed)), (left, top, right, bottom),
             setup.name, setup.description)
    picture = Picture(image)
    if shot.framing == Framing.INSERT:
        _insert(picture, setup, players, props, shot, size)
    else:
        _stage(picture, setup, players, props, shot, size)
    if shot.shoulder is not None:
        pen = Pen(ImageDraw.Draw(picture.image, "RGBA"), setup.palette, setup.line, random.Random(setup.set_seed))
        side = -1 if shot.shoulder.stand.x <= _lead_x(players, shot) else 1
        over_the_shoulder(pen, size, side, shot.shoulder.look)
    grade = picture_grade(setup.style, setup.notes)
    if grade != _UNGRADED:
        picture.image = _graded(picture.image, *grade)
    return picture


def _backdrop(size: tuple[int, int], palette: Palette) -> Image.Image:
    mask = Image.linear_gradient("L").resize((1, size[1])).resize(size, Image.Resampling.NEAREST)
    return Image.composite(Image.new("RGB", size, rgb(palette.bottom)), Image.new("RGB", size, rgb(palette.top)), mask)


def _lead_x(players: list[Player], shot: Coverage) -> float:
    facing = [player.stand.x for player in players if player.lead and player is not shot.shoulder]
    return facing[0] if facing else shot.window.x + shot.window.w / 2


def _stage(picture: Picture, setup: Setup, players: list[Player], props: list[dict], shot: Coverage,
           size: tuple[int, int]) -> None:
    """The cast far to near, each with what they hold; props stand mid-floor when nobody is there to hold them."""
    holder = next((player for player in players if player.lead and player is not shot.shoulder), None)
    for player in sorted(players, key=lambda one: (one.stand.ground, one.lead)):
        if player is shot.shoulder:
            continue
        body = _figure(picture, setup, player, shot.window, size)
        if player is holder and body is not None:
            _held(picture.image, setup, player, body, props, size)
    if holder is None and props:
        spot = Stand(0.5, 0.86, 0.3)
        x, y = shot.window.screen(spot.x, spot.ground, size)
        for number, prop in enumerate(props):
            s = shot.window.pixels(spot.tall, size) * scale(prop) * 1.3
            _place(picture.image, setup, prop, x + (number - (len(props) - 1) / 2) * s * 3, y, s)


def _figure(picture: Picture, setup: Setup, player: Player, window: Window, size: tuple[int, int]):
    """One figure, shadow first, on its own layer with its tags; its on-screen box recorded by name."""
    x, ground = window.screen(player.stand.x, player.stand.ground, size)
    tall = window.pixels(player.stand.tall, size)
    if x + tall < 0 or x - tall > size[0] or ground - tall > size[1]:
        picture.boxes[player.name] = None
        return None
    rng = figure_rng(player.name)
    body = standing(player.look, x, ground, tall, player.facing, rng)
    shade = ImageDraw.Draw(picture.image, "RGBA")
    spread = tall * 0.22
    shade.ellipse((x - spread, ground - tall * 0.025, x + spread, ground + tall * 0.025),
                  fill=(*rgb(mix(setup.palette.ground, setup.palette.ink, 0.6)), 110))
    layer = figure_layer(size, setup.palette, setup.line, body, player.look, player.facing, rng)
    drawn, _ = split_tags(player.tags, frozenset(FIGURE_MARKS))
    layer = wear_figure(layer, body, player.look, drawn, setup.palette, rng)
    box = layer.getchannel("A").getbbox()
    picture.boxes[player.name] = [round(value / size[index % 2], 4) for index, value in enumerate(box)] if box else None
    picture.image.paste(layer, (0, 0), layer)
    return body


def _held(image: Image.Image, setup: Setup, player: Player, body, props: list[dict], size: tuple[int, int]) -> None:
    """The first props in the lead's hands (the facing hand first), big things and the rest beside them."""
    hands_free = [player.facing, -player.facing]
    for number, prop in enumerate(props):
        share = scale(prop)
        s = body.tall * share
        if share <= HELD and hands_free:
            hx, hy = body.hand(hands_free.pop(0), player.look.cane)
            _place(image, setup, prop, hx, hy + s * 0.35, s)
            continue
        beside = body.cx + player.facing * (body.shoulders * 2.2 + s * 1.4 + number * s * 0.6)
        _place(image, setup, prop, beside, body.ground, s)


def _place(image: Image.Image, setup: Setup, prop: dict, x: float, base: float, s: float) -> None:
    drawn = prop_layer(prop, setup.palette, setup.line, s)
    image.paste(drawn.layer, (round(x - drawn.anchor[0]), round(base - drawn.anchor[1])), drawn.layer)


def _insert(picture: Picture, setup: Setup, players: list[Player], props: list[dict], shot: Coverage,
            size: tuple[int, int]) -> None:
    """A close look at the props on a surface, the set soft behind; the lead's hands when the shot says so."""
    width, height = size
    picture.image = picture.image.filter(ImageFilter.GaussianBlur(max(1, height // 60)))
    draw = ImageDraw.Draw(picture.image, "RGBA")
    surface = height * 0.68
    draw.rectangle((0, surface, width, height), fill=rgb(mix(setup.palette.ground, setup.palette.ink, 0.25)))
    draw.line((0, surface, width, surface), fill=rgb(setup.palette.ink), width=max(1, setup.line))
    s = height * 0.26 * INSERT_WIDTH / shot.window.w  # a push-in on an insert brings the props closer
    cx, base = width / 2, height * 0.86
    lead = next((player for player in players if player.lead), players[0] if players else None)
    if shot.hands and lead is not None:
        hands(Pen(draw, setup.palette, setup.line, random.Random(setup.set_seed)), cx, base, s * 1.1, lead.look,
              height)
    for number, prop in enumerate(props[:5]):
        if number == 0:
            _place(picture.image, setup, prop, cx, base, s)
        else:
            side = -1 if number % 2 else 1
            _place(picture.image, setup, prop, cx + side * width * (0.28 + 0.1 * ((number - 1) // 2)), base - height * 0.06,
                   s * 0.45)
    for player in players:
        picture.boxes[player.name] = None
