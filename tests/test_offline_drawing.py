"""Offline reference images tell assets apart: props by kind, places by setting, characters by their traits,
and the style notes' palette words and line weight show. Pure: Pillow pixel statistics, no services."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageStat

from core.film.style import COLOR_WORDS as C
from core.film.style import LINE_WEIGHTS, line_weight, named_color, palette_for
from core.offline.looks import prop_kind, set_look
from core.offline.storyboard import CAPTION_SHARE, render_reference
from core.offline.wardrobe import figure_look

W, H = 512, 288
PICTURE = (0, 0, W, round(H * (1 - CAPTION_SHARE)))


def _draw(name: str, asset_type: str, description: str = "", style: str = "storyboard", notes: str = "") -> bytes:
    return render_reference({"name": name, "asset_type": asset_type, "description": description, "style": style,
                             "style_notes": notes, "palette": palette_for(style, notes).colors()}, W, H)


def _picture(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB").crop(PICTURE)


def _dark_mask(image: Image.Image, below: int = 90) -> set[tuple[int, int]]:
    grey = image.convert("L")
    return {(x, y) for y in range(8, grey.height) for x in range(grey.width) if grey.getpixel((x, y)) < below}


@pytest.mark.parametrize("name, description, kind", [
    ("Wok", "A blackened iron wok.", "pan"),
    ("Fountain pen", "", "pen"),
    ("Pen", "Left on the desk.", "pen"),
    ("Dish array", "The radio telescope dishes on the ridge.", "antenna"),
    ("Satellite dish", "", "antenna"),
    ("Dish", "A dish of cold noodles.", "cup"),
    ("Car keys", "", "key"),
    ("Knives", "", "knife"),
    ("Kerosene lamp", "", "lantern"),
    ("Birdcage", "Handled in scene 2: he holds it in a wet wool coat.", "cage"),
    ("Old violin", "", "guitar"),
    ("Ferry ticket", "", "sheet"),
    ("Grandfather's revolver", "", "gun"),
    ("Aboard", "Handled in scene 1: a deckhand waves her aboard.", "thing"),
    ("Open", "", "thing"),  # "pen" inside "open" is not a pen
    ("Gizmo", "Nobody knows what it does; she keeps it in a chest.", "thing"),  # a chest in a sentence is ambiguous
])
def test_props_are_read_by_whole_words(name, description, kind):
    assert prop_kind(name, description) == kind


@pytest.mark.parametrize("name, description, drawing, interior, time", [
    ("Harbour Pier", "Exterior. Fog rolls over the black water. Seen at: night.", "shore", False, "night"),
    ("Ferry Saloon", "Interior. Rows of empty seats. Seen at: night, later.", "bar", True, "night"),
    ("Lighthouse - Lamp Room", "Interior.", "lamp_room", True, "day"),
    ("Lighthouse", "Exterior. Seen at: dusk.", "headland", False, "dusk"),
    ("Harbour Office", "Interior. Charts on the wall.", "office", True, "day"),
    ("Mara's Kitchen", "", "kitchen", True, "day"),
    ("Pine Forest", "", "forest", False, "day"),
    ("Main Street", "Exterior. Seen at: night.", "street", False, "night"),
    ("Wheat Field", "Exterior. Seen at: dawn.", "field", False, "dawn"),
    ("Somewhere", "Interior.", "room", True, "day"),
    ("Somewhere", "Exterior.", "hills", False, "day"),
])
def test_locations_are_read_as_a_kind_of_place_inside_or_out(name, description, drawing, interior, time):
    look = set_look(name, description)
    assert (look.drawing, look.interior, look.time) == (drawing, interior, time)


@pytest.mark.parametrize("description, expected", [
    ("An old man in a red coat.", {"age": "old", "long": C["red"], "cane": True}),
    ("A young girl in a blue dress.", {"age": "child", "long": C["blue"], "stoop": 0.0}),
    ("ELIAS MORROW (70s), in a wet wool coat", {"age": "old", "long": ""}),
    ("JUNO PARK (30s, rain jacket)", {"age": "adult", "top": ""}),
    ("a ten-year-old boy in a yellow oilskin", {"age": "child", "top": C["yellow"]}),
    ("a 35-year-old nurse", {"age": "adult", "cane": False}),
    ("He told her that he would stay.", {"age": "adult", "hat": None}),  # "told" is not old, "that" not a hat
    ("A broad-shouldered woman, grey sweater and dark blue jeans, long red hair.",
     {"build": "broad", "top": C["grey"], "bottom": named_color(["dark", "blue"], 1), "hair": C["red"], "long_hair": True}),
    ("A heavy, bearded man in a green cap, glasses.", {"build": "heavy", "hat": C["green"], "beard": True,
                                                       "glasses": True}),
    ("A slight teenager in a red shirt and jeans.", {"age": "teen", "build": "slight", "top": C["red"],
                                                     "bottom": "#3b5b86"}),
])
def test_characters_are_read_for_age_build_clothes_and_hair(description, expected):
    look = figure_look(description)
    assert {key: getattr(look, key) for key in expected} == expected


def test_a_wok_is_not_a_pen_and_a_dish_array_is_not_a_city():
    wok, pen = _picture(_draw("Wok", "prop", "A blackened iron wok.")), _picture(_draw("Pen", "prop", "A fountain pen."))
    diff = sum(ImageStat.Stat(ImageChops.difference(wok, pen)).mean) / 3
    assert diff > 2.0
    first, second = _dark_mask(wok), _dark_mask(pen)
    assert len(first & second) / len(first | second) < 0.6
    dishes = _picture(_draw("Dish array", "prop", "The radio telescope dishes."))
    city = _picture(_draw("Downtown", "location", "Exterior. The city at night."))
    assert sum(ImageStat.Stat(ImageChops.difference(dishes, city)).mean) / 3 > 20


def test_the_same_asset_draws_the_same_bytes():
    assert _draw("Wok", "prop", "A blackened iron wok.") == _draw("Wok", "prop", "A blackened iron wok.")
    assert _draw("Mara", "character", "An old woman in a grey coat.", "noir", "bold lines") == _draw(
        "Mara", "character", "An old woman in a grey coat.", "noir", "bold lines")


def test_an_unknown_prop_is_a_card_that_shows_its_name():
    first, second = _picture(_draw("Gizmo", "prop")), _picture(_draw("Whatsit", "prop"))
    assert first.getbbox() and ImageChops.difference(first, second).getbbox() is not None


def _figure(data: bytes) -> tuple[int, int, float, set[tuple[int, int]]]:
    """The figure's top row, bottom row, how far its head sits right of centre, and its pixels."""
    image = _picture(data)
    pixels = set()
    for y in range(24, image.height):  # below the style tag
        background = image.getpixel((image.width - 12, y))
        for x in range(image.width // 4, image.width - 20):
            if sum(abs(a - b) for a, b in zip(image.getpixel((x, y)), background)) > 60:
                pixels.add((x, y))
    top, bottom = min(y for _, y in pixels), max(y for _, y in pixels)
    head = [x for x, y in pixels if y <= top + (bottom - top) * 0.08]
    return top, bottom, sum(head) / len(head) - image.width / 2, pixels


def _count(data: bytes, pixels, rows: tuple[float, float], top: int, bottom: int, wanted) -> int:
    image = _picture(data)
    low, high = top + (bottom - top) * rows[0], top + (bottom - top) * rows[1]
    return sum(1 for x, y in pixels if low <= y <= high and wanted(*image.getpixel((x, y))))


def test_characters_look_like_their_descriptions():
    old = _draw("Abe", "character", "An old man in a red coat.")
    girl = _draw("Lu", "character", "A young girl in a blue dress.")
    old_top, old_bottom, old_lean, old_pixels = _figure(old)
    girl_top, girl_bottom, girl_lean, girl_pixels = _figure(girl)
    red = _count(old, old_pixels, (0.2, 0.5), old_top, old_bottom, lambda r, g, b: r > 140 and g < 90 and b < 90)
    blue = _count(girl, girl_pixels, (0.2, 0.5), girl_top, girl_bottom, lambda r, g, b: b > 150 and r < 100)
    assert red > 300 and blue > 150
    assert _count(girl, girl_pixels, (0.2, 0.5), girl_top, girl_bottom, lambda r, g, b: r > 140 and g < 90) == 0
    assert girl_top - old_top > PICTURE[3] * 0.1  # the child is much shorter, even than a stooped man
    assert old_lean > abs(girl_lean) + 8  # the old man stoops forward over his cane


def test_broad_and_slight_builds_differ_in_width():
    def width(description):
        _, _, _, pixels = _figure(_draw("X", "character", description))
        rows = {}
        for x, y in pixels:
            rows.setdefault(y, []).append(x)
        return max(max(xs) - min(xs) for y, xs in rows.items() if y < max(rows) - 20)
    assert width("A broad, burly dock worker.") > width("A slight, thin clerk.") + 10


def test_interiors_and_exteriors_differ():
    kitchen = _picture(_draw("Kitchen", "location", "Interior. A pot boils. Seen at: day."))
    beach = _picture(_draw("Beach", "location", "Exterior. Waves on the sand. Seen at: day."))
    assert sum(ImageStat.Stat(ImageChops.difference(kitchen, beach)).mean) / 3 > 20
    sky_red, _, sky_blue = ImageStat.Stat(beach.crop((0, 20, W, 60))).mean
    wall_red, _, wall_blue = ImageStat.Stat(kitchen.crop((0, 20, W, 60))).mean
    assert sky_blue - sky_red > 30 and abs(wall_blue - wall_red) < 20  # a day sky outside, a wall inside


@pytest.mark.parametrize("subject", [("Wok", "prop", "A wok."), ("Harbour", "location", "Exterior. Seen at: day."),
                                     ("Abe", "character", "An old man.")])
def test_warm_sepia_and_cold_blue_notes_shift_the_hue(subject):
    def warmth(notes):
        red, _, blue = ImageStat.Stat(_picture(_draw(*subject, notes=notes))).mean
        return red - blue
    assert warmth("warm sepia") > warmth("cold blue") + 20


def test_bold_lines_draw_more_ink_than_fine_lines():
    def ink(notes):  # at the studio's full size, where a fine line is thinner than the default
        data = render_reference({"name": "Teacup", "asset_type": "prop", "description": "A white porcelain teacup.",
                                 "style_notes": notes})
        return len(_dark_mask(Image.open(io.BytesIO(data)).convert("RGB").crop((0, 0, 1024, 460)), 80))
    assert ink("bold lines, thick ink") > ink("fine lines") * 1.5
    assert ink("bold lines") > ink("") > ink("fine lines")


@pytest.mark.parametrize("notes, weight", [("bold lines", "bold"), ("thick ink", "bold"), ("fine lines", "fine"),
                                           ("thin delicate linework", "fine"), ("bold colours", "normal"), ("", "normal")])
def test_line_weight_words(notes, weight):
    assert line_weight(notes) == LINE_WEIGHTS[weight]


def test_noir_is_black_and_white_and_neon_is_dark():
    noir = _picture(_draw("Abe", "character", "An old man in a red coat.", "noir"))
    assert all(abs(r - g) < 6 and abs(g - b) < 6 for r, g, b in noir.resize((32, 18)).getdata())
    neon = ImageStat.Stat(_picture(_draw("Wok", "prop", "A wok.", "storyboard", "neon"))).mean
    plain = ImageStat.Stat(_picture(_draw("Wok", "prop", "A wok."))).mean
    assert sum(neon) < sum(plain) - 150


def test_every_silhouette_and_set_draws_in_every_style():
    from core.film.style import STYLE_PRESETS
    from core.offline.looks import _PLACE_WORDS, _PROP_WORDS, PLACE_SETTINGS

    props = {kind: word for word, kind in _PROP_WORDS.items()}
    places = {kind: word for word, kind in _PLACE_WORDS.items()}
    subjects = [(word.title(), "prop", "") for word in props.values()] + [("Gizmo", "prop", "")]
    subjects += [(word.title(), "location", f"{setting}. Seen at: {time}.") for kind, word in places.items()
                 for setting, time in (("Interior", "night"), ("Exterior", "dusk"))
                 if PLACE_SETTINGS[kind][setting == "Exterior"]]
    for index, subject in enumerate(subjects):
        style = sorted(STYLE_PRESETS)[index % len(STYLE_PRESETS)]
        image = Image.open(io.BytesIO(render_reference({**dict(zip(("name", "asset_type", "description"), subject)),
                                                        "style": style}, 320, 180)))
        assert image.size == (320, 180)
