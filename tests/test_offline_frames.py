"""Offline Stage 10 frames read like the shot: framing sets how big the lead is, an end frame shows the camera
move, status tags are drawn on who carries them, and a frame carries its layout so the next one keeps the
places, facing and palette. Pure: Pillow pixel statistics on texts written here, no services."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw, ImageStat, PngImagePlugin

from core.film.shots import Angle, Framing, Movement
from core.offline.frames import LAYOUT_KEY, frame_layout, render_frame
from core.providers.base import ImageRequest
from core.providers.offline import OfflineImageProvider

W, H = 320, 180
PICTURE = (0, 0, W, 150)  # above the caption band (which takes at most 12% of the height, 22 px here)

ODILE = {"name": "ODILE", "description": "a tall baker with red hair, blue shirt and grey trousers", "prominence": "lead",
         "tags": []}
PIM = {"name": "PIM", "description": "a boy of ten with black hair in a green jumper", "prominence": "supporting",
       "tags": []}
KETTLE = {"name": "Copper kettle", "description": "A dented copper kettle.", "tags": []}
BAKERY = {"name": "Bakery Kitchen", "description": "Flour on every surface, ovens along the back wall.", "tags": []}
ORCHARD = {"name": "Apple Orchard", "description": "Exterior. Rows of old trees. Seen at: dusk.", "tags": []}


def _subject(**changes) -> dict:
    subject = {"kind": "frame", "frame_type": "start", "shot_id": "4C", "scene_number": 4,
               "setting": "INT. BAKERY KITCHEN - DAY", "location": BAKERY, "characters": [ODILE, PIM], "props": [],
               "camera": "wide · static · eye level", "action": "Odile kneads the dough.", "style": "storyboard",
               "style_notes": ""}
    subject.update(changes)
    return subject


def _camera(framing: str, movement: str = "static", angle: str = "eye level") -> str:
    return f"{framing} · {movement} · {angle}"


def _with(character: dict, **changes) -> dict:
    return {**character, **changes}


def _render(subject: dict, seed: int = 0, prior: bytes | None = None, size: tuple[int, int] = (W, H)) -> bytes:
    return render_frame(subject, size[0], size[1], seed, prior=prior)


def _picture(png: bytes, box: tuple[int, int, int, int] = PICTURE) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB").crop(box)


def _changed(first: bytes, second: bytes, box=PICTURE, threshold: int = 30) -> Image.Image:
    """A mask of the pixels that differ between two frames."""
    difference = ImageChops.difference(_picture(first, box), _picture(second, box)).convert("L")
    return difference.point(lambda value: 255 if value > threshold else 0)


def _count(mask: Image.Image) -> int:
    return mask.histogram()[255]


def _lead_box(png: bytes, name: str = "ODILE") -> list[float]:
    return next(c["box"] for c in frame_layout(png)["characters"] if c["name"] == name)


def _pixel_box(png: bytes, name: str = "ODILE") -> tuple[int, ...]:
    """The character's box in the picture's pixels."""
    layout = frame_layout(png)
    width, height = layout["picture"]
    return tuple(round(v * s) for v, s in zip(_lead_box(png, name), (width, height, width, height)))


def _place(png: bytes, name: str) -> dict:
    return next(c for c in frame_layout(png)["characters"] if c["name"] == name)


def _pixels_like(image: Image.Image, color: tuple[int, int, int], tolerance: int) -> int:
    """How many pixels are within `tolerance` of `color` on every channel."""
    masks = [band.point(lambda value, c=c: 255 if abs(value - c) <= tolerance else 0)
             for band, c in zip(image.split(), color)]
    return _count(ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2]))


def _centre(box: list[float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _mean_distance(first: bytes, second: bytes) -> float:
    a, b = ImageStat.Stat(_picture(first)).mean, ImageStat.Stat(_picture(second)).mean
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


def _hair_area(framing: str) -> int:
    """The lead's hair in pixels: what changes when only its colour does."""
    red = _render(_subject(camera=_camera(framing)))
    blue = _render(_subject(camera=_camera(framing), characters=[
        _with(ODILE, description="a tall baker with blue hair, blue shirt and grey trousers"), PIM]))
    return _count(_changed(red, blue))


# -- framing ------------------------------------------------------------------------------------------------

def test_the_lead_grows_from_wide_to_medium_to_close_up():
    areas = [_hair_area(framing) for framing in ("wide", "medium", "close-up")]
    assert 0 < areas[0] < areas[1] < areas[2], areas
    boxes = [_lead_box(_render(_subject(camera=_camera(f))))
             for f in ("extreme wide", "wide", "medium", "medium close-up", "close-up")]
    widths = [right - left for left, _, right, _ in boxes]
    assert widths == sorted(widths) and widths[0] < widths[-1] / 3, widths


@pytest.mark.parametrize("framing", ["extreme wide", "wide"])
def test_a_wide_frame_shows_every_figure_whole_inside_the_set(framing):
    png = _render(_subject(camera=_camera(framing)))
    for character in frame_layout(png)["characters"]:
        left, top, right, bottom = character["box"]
        assert 0 < left and right < 1 and 0 < top and bottom < 1, character  # head to feet, inside the picture
        assert bottom - top < 0.6


def test_a_medium_frame_cuts_the_lead_at_the_waist():
    box = _lead_box(_render(_subject(camera=_camera("medium"))))
    assert box[3] == 1.0 and box[1] < 0.35  # the figure runs off the bottom edge, the head well inside


def test_a_close_up_fills_the_frame_with_head_and_shoulders():
    assert _hair_area("close-up") > W * 150 * 0.02
    box = _lead_box(_render(_subject(camera=_camera("close-up"))))
    assert box[2] - box[0] > 0.4 and box[3] == 1.0


@pytest.mark.parametrize("facing, side", [("right", "left"), ("left", "right")])
def test_a_close_up_leaves_looking_room_in_front_of_the_face(facing, side):
    prior = _prior_layout({"ODILE": (0.5, facing)})
    centre = _centre(_lead_box(_render(_subject(camera=_camera("close-up"), characters=[ODILE]), prior=prior)))[0]
    assert (centre < 0.47) if side == "left" else (centre > 0.53), centre


def test_a_low_angle_makes_figures_loom_and_a_high_angle_shrinks_them():
    def height(angle: str) -> float:
        box = _lead_box(_render(_subject(camera=_camera("wide", angle=angle))))
        return box[3] - box[1]
    assert height("high angle") < height("eye level") < height("low angle")


def test_an_insert_shows_the_prop_large_and_no_face():
    insert = _subject(camera=_camera("insert"), props=[KETTLE])
    recoloured = _subject(camera=_camera("insert"), props=[KETTLE], characters=[
        _with(ODILE, description="a tall baker with blue hair, blue shirt and grey trousers"),
        _with(PIM, description="a boy of ten with white hair in a green jumper")])
    assert _count(_changed(_render(insert), _render(recoloured))) == 0  # no hair or face anywhere in the frame
    assert all(c["box"] is None for c in frame_layout(_render(insert))["characters"])
    silver = _subject(camera=_camera("insert"), props=[_with(KETTLE, name="Silver kettle", description="A kettle.")])
    assert _count(_changed(_render(insert), _render(silver))) > W * 150 * 0.05  # the kettle fills a good part


@pytest.mark.parametrize("pim_x, dark_side", [(0.7, "right"), (0.2, "left")])
def test_over_the_shoulder_puts_a_dark_shoulder_on_the_near_characters_side(pim_x, dark_side):
    prior = _prior_layout({"ODILE": (0.45, "right" if pim_x > 0.45 else "left"), "PIM": (pim_x, "left")})
    png = _render(_subject(camera=_camera("over-the-shoulder")), prior=prior)
    grey = _picture(png).convert("L")
    left, right = (ImageStat.Stat(grey.crop(box)).mean[0] for box in ((0, 60, 64, 150), (256, 60, 320, 150)))
    dark, light = (right, left) if dark_side == "right" else (left, right)
    assert dark < light - 25 and dark < 70, (left, right)
    assert _place(png, "PIM")["box"] is None  # the near character is only a shoulder; the lead faces us
    assert _place(png, "ODILE")["box"] is not None


def test_a_two_shot_holds_two_figures_side_by_side():
    png = _render(_subject(camera=_camera("two-shot")))
    odile, pim = _lead_box(png), _lead_box(png, "PIM")
    assert odile[2] <= pim[0] + 0.02 or pim[2] <= odile[0] + 0.02  # side by side, not one behind the other
    both_recoloured = _subject(camera=_camera("two-shot"), characters=[
        _with(ODILE, description="a tall baker with blue hair, blue shirt and grey trousers"),
        _with(PIM, description="a boy of ten with red hair in a green jumper")])
    changed = _changed(png, _render(both_recoloured))
    assert _count(changed.crop((0, 0, W // 2, 150))) > 20 and _count(changed.crop((W // 2, 0, W, 150))) > 20


def _torso(png: bytes, name: str) -> tuple[float, ...]:
    """The mean colour of the middle of a character's figure: chest and belly, where the top is worn."""
    left, top, right, bottom = _pixel_box(png, name)
    width, height = right - left, bottom - top
    chest = (left + width * 0.4, top + height * 0.3, right - width * 0.4, top + height * 0.45)
    return tuple(ImageStat.Stat(Image.open(io.BytesIO(png)).convert("RGB").crop(tuple(map(round, chest)))).mean)


def test_two_people_the_text_does_not_describe_are_not_drawn_as_one_figure_twice():
    """A story that says nothing of how Ines and Luc look: each is still someone to tell apart, and the same
    someone in every shot."""
    ines = {"name": "INES", "description": "", "tags": []}
    luc = {"name": "LUC", "description": "Her brother.", "tags": []}
    two_shot = _render(_subject(camera=_camera("two-shot"), characters=[_with(ines, prominence="lead"),
                                                                         _with(luc, prominence="supporting")]))
    apart = sum(abs(a - b) for a, b in zip(_torso(two_shot, "INES"), _torso(two_shot, "LUC")))
    assert apart > 40, "Ines and Luc wear the same"
    alone = _render(_subject(camera=_camera("medium"), characters=[_with(luc, prominence="lead")]), seed=7)
    again = sum(abs(a - b) for a, b in zip(_torso(alone, "LUC"), _torso(two_shot, "LUC")))
    assert again < 25, "Luc changed clothes between shots"
    by_full_name = _render(_subject(camera=_camera("medium"), characters=[_with(luc, name="Luc Marchand",
                                                                                   prominence="lead")]))
    named = sum(abs(a - b) for a, b in zip(_torso(by_full_name, "LUC MARCHAND"), _torso(two_shot, "LUC")))
    assert named < 25, "Luc changed clothes where the shot calls him by his full name"


# -- camera moves: the end frame -----------------------------------------------------------------------------

def _start_end(framing: str, movement: str, **changes) -> tuple[bytes, bytes]:
    start = _render(_subject(camera=_camera(framing, movement), **changes))
    end = _render(_subject(camera=_camera(framing, movement), frame_type="end", **changes), prior=start)
    return start, end


def test_a_push_in_ends_tighter_on_the_lead():
    start, end = _start_end("wide", "push-in")
    before, after = _lead_box(start), _lead_box(end)
    assert after[3] - after[1] > (before[3] - before[1]) * 1.3


def test_a_pull_out_ends_wider():
    start, end = _start_end("medium", "pull-out")
    assert frame_layout(end)["window"][2] > frame_layout(start)["window"][2] * 1.3
    assert (_lead_box(end)[2] - _lead_box(end)[0]) < (_lead_box(start)[2] - _lead_box(start)[0])


@pytest.mark.parametrize("movement, axis, sign", [
    ("pan left", 0, 1),  # the camera turns left: what it sees slides right
    ("pan right", 0, -1),
    ("tilt up", 1, 1),  # the camera tilts up: what it sees slides down
    ("tilt down", 1, -1),
])
def test_pans_and_tilts_slide_the_picture(movement, axis, sign):
    start, end = _start_end("wide", movement)
    moved = _centre(_lead_box(end))[axis] - _centre(_lead_box(start))[axis]
    assert moved * sign > 0.03, moved
    assert frame_layout(end)["characters"][0]["x"] == frame_layout(start)["characters"][0]["x"]


def test_tracking_follows_the_subject_as_the_set_slides_behind():
    start, end = _start_end("medium", "tracking")
    before, after = _place(start, "ODILE"), _place(end, "ODILE")
    step = after["x"] - before["x"]
    assert abs(step) >= 0.03 and (step > 0) == (before["facing"] == "right")
    assert abs(_centre(after["box"])[0] - _centre(before["box"])[0]) < 0.05  # the camera kept the lead in place
    assert frame_layout(end)["window"][0] != frame_layout(start)["window"][0]


@pytest.mark.parametrize("action, turned", [("Odile walks to the oven.", False), ("Odile turns to the door.", True)])
def test_a_static_end_frame_shows_the_action_not_a_copy(action, turned):
    start, end = _start_end("wide", "static", action=action)
    assert start != end
    assert frame_layout(end)["window"] == frame_layout(start)["window"]
    before, after = _place(start, "ODILE"), _place(end, "ODILE")
    if turned:
        assert after["facing"] != before["facing"] and after["x"] == before["x"]
    else:
        assert after["facing"] == before["facing"] and abs(after["x"] - before["x"]) >= 0.03
    assert _place(end, "PIM") == _place(start, "PIM")


def test_the_actor_is_whoever_the_action_names():
    start, end = _start_end("wide", "static", action="Pim runs off past the ovens.")
    assert _place(end, "PIM")["x"] != _place(start, "PIM")["x"]
    assert _place(end, "ODILE")["x"] == _place(start, "ODILE")["x"]


# -- status tags ---------------------------------------------------------------------------------------------

MUD = (91, 59, 31)


def test_mud_lands_on_the_legs_and_hem():
    clean = _render(_subject())
    muddy = _render(_subject(characters=[_with(ODILE, tags=["muddy"]), PIM]))
    left, top, right, bottom = _pixel_box(clean)
    lower = (left, (top + bottom) // 2, right, bottom)
    upper = (left, top, right, (top + bottom) // 2)
    gained = _pixels_like(_picture(muddy).crop(lower), MUD, 18) - _pixels_like(_picture(clean).crop(lower), MUD, 18)
    assert gained > 15
    assert _count(_changed(clean, muddy).crop(upper)) == 0  # the head and chest stay clean


def test_soaked_is_darker():
    clean = _render(_subject(camera=_camera("medium")))
    soaked = _render(_subject(camera=_camera("medium"), characters=[_with(ODILE, tags=["Soaked"]), PIM]))
    box = _pixel_box(clean)
    assert ImageStat.Stat(_picture(soaked).crop(box).convert("L")).mean[0] < \
        ImageStat.Stat(_picture(clean).crop(box).convert("L")).mean[0] - 10


@pytest.mark.parametrize("tag", ["muddy", "soaked", "bloody", "torn_shirt", "bruised", "burned", "dusty", "bandaged",
                                 "torn shirt", "wet", "scarred", "sweaty", "snowy"])
def test_each_tag_marks_only_the_figure_that_carries_it(tag):
    framing = _camera("wide" if tag == "muddy" else "medium")  # a medium frame cuts the legs off
    clean = _render(_subject(camera=framing))
    tagged = _render(_subject(camera=framing, characters=[_with(ODILE, tags=[tag]), PIM]))
    changed = _changed(clean, tagged, threshold=8)
    assert _count(changed) > 5
    box = _pixel_box(clean)
    outside = changed.copy()
    ImageDraw.Draw(outside).rectangle((box[0] - 1, box[1] - 1, box[2] + 1, box[3] + 1), fill=0)
    assert _count(outside) == 0


@pytest.mark.parametrize("size", [(640, 360), (W, H)])
def test_an_unknown_tag_is_captioned_not_drawn(size):
    clean = _render(_subject(), size=size)
    tagged = _render(_subject(characters=[_with(ODILE, tags=["haunted look"]), PIM]), size=size)
    picture, caption = (0, 0, size[0], size[1] * 5 // 6), (0, size[1] * 9 // 10, size[0], size[1])
    assert _count(_changed(clean, tagged, box=picture, threshold=0)) == 0
    assert _count(_changed(clean, tagged, box=caption, threshold=0)) > 0


@pytest.mark.parametrize("prop, tag, wider", [
    ({"name": "Bottle", "description": "A green glass bottle."}, "broken", True),
    ({"name": "Vase", "description": "A tall vase."}, "shattered", True),
    ({"name": "Bottle", "description": "A green glass bottle."}, "cracked", False),
    ({"name": "Copper kettle", "description": ""}, "muddy", False),
])
def test_prop_tags_change_the_prop(prop, tag, wider):
    whole = _render(_subject(camera=_camera("insert"), props=[prop]))
    tagged = _render(_subject(camera=_camera("insert"), props=[_with(prop, tags=[tag])]))
    assert _count(_changed(whole, tagged)) > 30
    if wider:  # in pieces: the fallen half lies well beside where the whole prop stood
        changed = _changed(whole, tagged).getbbox()
        assert changed[2] - changed[0] > W * 0.25


def test_a_lit_candle_glows_and_an_extinguished_one_does_not():
    def candle(tag: str) -> Image.Image:
        return _picture(_render(_subject(camera=_camera("insert"), props=[{"name": "Candle", "tags": [tag]}])))
    lit, out = candle("lit"), candle("extinguished")
    assert _pixels_like(lit, (255, 184, 48), 40) > _pixels_like(out, (255, 184, 48), 40) + 20


# -- style ---------------------------------------------------------------------------------------------------

def test_noir_is_black_and_white_like_its_reference_images():
    picture = _picture(_render(_subject(style="noir", props=[KETTLE])))
    spread = ImageChops.difference(picture.getchannel("R"), picture.getchannel("B"))
    assert spread.getextrema()[1] <= 2


def test_style_notes_shift_the_frame_like_the_reference_images():
    cold = ImageStat.Stat(_picture(_render(_subject(style_notes="cold blue")))).mean
    warm = ImageStat.Stat(_picture(_render(_subject(style_notes="warm red")))).mean
    assert warm[0] - warm[2] > cold[0] - cold[2] + 10


# -- continuity ----------------------------------------------------------------------------------------------

def _prior_layout(places: dict[str, tuple[float, str]], location: str = "Bakery Kitchen") -> bytes:
    """A PNG written by someone else's frame, carrying only a layout."""
    info = PngImagePlugin.PngInfo()
    info.add_text(LAYOUT_KEY, json.dumps({"location": location, "characters": [
        {"name": name, "x": x, "facing": facing} for name, (x, facing) in places.items()]}))
    buffer = io.BytesIO()
    Image.new("RGB", (32, 18)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def test_the_next_shot_at_one_location_keeps_places_facing_and_palette():
    first = _render(_subject(), seed=1)
    second = _render(_subject(shot_id="4D", camera=_camera("wide", "pan left"), action="Pim sweeps the floor.",
                              props=[KETTLE]), seed=2, prior=first)
    assert _count(_changed(first, second)) > 500  # another shot, not the same picture
    for name in ("ODILE", "PIM"):
        assert abs(_place(second, name)["x"] - _place(first, name)["x"]) < 0.01
        assert _place(second, name)["facing"] == _place(first, name)["facing"]
    assert frame_layout(second)["palette"] == frame_layout(first)["palette"]
    assert frame_layout(second)["horizon"] == frame_layout(first)["horizon"]
    assert _mean_distance(first, second) < 6


def test_screen_direction_holds_when_the_lead_changes():
    first = _render(_subject())
    reversed_roles = [_with(PIM, prominence="lead"), _with(ODILE, prominence="supporting")]
    second = _render(_subject(characters=reversed_roles, camera=_camera("close-up")), prior=first)
    for name in ("ODILE", "PIM"):
        assert _place(second, name)["x"] == _place(first, name)["x"]
        assert _place(second, name)["facing"] == _place(first, name)["facing"]


def test_a_newcomer_takes_a_free_spot_and_faces_the_lead():
    first = _render(_subject())
    baker = {"name": "MONSIEUR LEBLANC", "description": "an old man in a white coat", "prominence": "background"}
    second = _render(_subject(characters=[ODILE, PIM, baker]), prior=first)
    newcomer, odile = _place(second, "MONSIEUR LEBLANC"), _place(second, "ODILE")
    assert min(abs(newcomer["x"] - _place(second, name)["x"]) for name in ("ODILE", "PIM")) > 0.1
    assert (newcomer["facing"] == "right") == (odile["x"] > newcomer["x"])


@pytest.mark.parametrize("location, setting", [(ORCHARD, "EXT. APPLE ORCHARD - DUSK"),
                                               ({"name": "Tailor Shop", "description": "Interior."}, "INT. TAILOR SHOP")])
def test_a_new_location_changes_the_palette(location, setting):
    first = _render(_subject())
    elsewhere = _render(_subject(location=location, setting=setting), prior=first)
    assert frame_layout(elsewhere)["palette"] != frame_layout(first)["palette"]
    assert _mean_distance(first, elsewhere) > 8
    assert frame_layout(elsewhere)["location"] == location["name"]


@pytest.mark.parametrize("seed", range(6))
def test_without_a_prior_the_lead_stands_near_a_third_line(seed):
    lead = _place(_render(_subject(), seed=seed), "ODILE")["x"]
    assert min(abs(lead - 1 / 3), abs(lead - 2 / 3)) <= 0.035


@pytest.mark.parametrize("seed", range(4))
def test_without_a_prior_two_characters_face_each_other(seed):
    png = _render(_subject(), seed=seed)
    odile, pim = _place(png, "ODILE"), _place(png, "PIM")
    toward_pim = "right" if pim["x"] > odile["x"] else "left"
    assert odile["facing"] == toward_pim and pim["facing"] != toward_pim


def test_the_layout_reads_back():
    layout = frame_layout(_render(_subject()))
    assert layout["location"] == "Bakery Kitchen" and layout["shot_id"] == "4C" and layout["frame_type"] == "start"
    assert len(layout["palette"]) == 7 and 0 < layout["horizon"] < 1
    assert [c["name"] for c in layout["characters"]] == ["ODILE", "PIM"]
    assert frame_layout(b"not a png") is None and frame_layout(None) is None
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    assert frame_layout(buffer.getvalue()) is None


# -- determinism and robustness ------------------------------------------------------------------------------

def test_the_same_frame_is_the_same_bytes():
    prior = _render(_subject(), seed=3)
    subject = _subject(camera=_camera("close-up", "push-in"), frame_type="end", props=[KETTLE])
    assert _render(subject, seed=5, prior=prior) == _render(subject, seed=5, prior=prior)


TEN = [{"name": f"Villager {n}", "description": desc, "prominence": "lead" if n == 0 else "background",
        "tags": ["muddy"] if n % 3 == 0 else []}
       for n, desc in enumerate(["a miller", "a child", "an old woman with a cane", "a broad smith", "a girl in red",
                                 "a heavy cook", "a priest in a black robe", "a soldier in a helmet", "a teen",
                                 "a man with glasses"])]


@pytest.mark.parametrize("name, changes, size", [
    ("unknown location", {"location": {"name": "Zorblax Nebula", "description": "", "tags": []}, "setting": ""}, (W, H)),
    ("no location at all", {"location": None, "setting": ""}, (W, H)),
    ("no characters", {"characters": []}, (W, H)),
    ("no characters, close-up", {"characters": [], "camera": "close-up · push-in"}, (W, H)),
    ("ten characters", {"characters": TEN}, (W, H)),
    ("ten characters, two-shot", {"characters": TEN, "camera": "two-shot · pan left"}, (W, H)),
    ("very long names", {"characters": [_with(ODILE, name="ODILE " * 40), _with(PIM, name="P" * 300)],
                         "shot_id": "4C" * 50, "camera": "medium " + "on the hands " * 30}, (W, H)),
    ("tiny", {"props": [KETTLE], "camera": "over-the-shoulder · tracking"}, (64, 36)),
    ("tiny insert", {"props": [KETTLE], "camera": "insert · pull-out", "frame_type": "end"}, (64, 36)),
    ("only a kind", None, (W, H)),
    ("odd values", {"characters": [{"name": "X", "prominence": "star", "tags": [None, 3]}, "not a dict",
                                   {"description": "nameless"}], "props": ["a", {"tags": ["broken"]}],
                    "camera": None, "frame_type": "middle"}, (W, H)),
])
def test_anything_a_shot_list_holds_draws(name, changes, size):
    subject = {"kind": "frame"} if changes is None else _subject(**changes)
    png = _render(subject, size=size)
    image = Image.open(io.BytesIO(png))
    assert image.size == size and image.format == "PNG"
    assert frame_layout(png) is not None


def test_a_frame_smaller_than_64_by_36_is_refused():
    with pytest.raises(ValueError, match="64 x 36"):
        render_frame(_subject(), 63, 36)


@pytest.mark.parametrize("prior", [b"garbage", None, b""])
def test_a_prior_without_a_layout_falls_back_to_the_seeded_arrangement(prior):
    assert frame_layout(_render(_subject(), prior=prior))["characters"] == \
        frame_layout(_render(_subject()))["characters"]


def test_a_prior_layout_with_junk_values_is_ignored_where_it_is_junk():
    junk = _prior_layout({"ODILE": ("left", "up")})  # an x that is not a number
    assert _render(_subject(), prior=junk) == _render(_subject())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(framing=st.sampled_from(list(Framing)), movement=st.sampled_from(list(Movement)),
       angle=st.sampled_from(list(Angle)), end=st.booleans(), cast=st.integers(0, 4), seed=st.integers(0, 10_000))
def test_every_shot_draws_and_hands_its_places_on(framing, movement, angle, end, cast, seed):
    characters = [{"name": f"C{n}", "description": "a sailor", "prominence": ("lead", "supporting", "background")[n % 3]}
                  for n in range(cast)]
    subject = _subject(camera=_camera(framing.value, movement.value, angle.value), characters=characters,
                       frame_type="end" if end else "start", props=[KETTLE])
    first = render_frame(subject, 96, 54, seed)
    layout = frame_layout(first)
    assert all(0 <= c["x"] <= 1 for c in layout["characters"])
    assert all(c["box"] is None or 0 <= c["box"][0] < c["box"][2] <= 1 for c in layout["characters"])
    again = frame_layout(render_frame(_subject(characters=characters), 96, 54, seed + 1, prior=first))
    assert [(c["x"], c["facing"]) for c in again["characters"]] == [(c["x"], c["facing"]) for c in layout["characters"]]


# -- the offline image provider ------------------------------------------------------------------------------

def test_the_offline_provider_draws_frames_seeded_by_the_prior_frame():
    provider = OfflineImageProvider()
    first = provider.render(ImageRequest("frame", _subject(), width=W, height=H, seed=1)).png
    assert first == _render(_subject(), seed=1)
    reference_sheet = provider.render(ImageRequest("sheet", {"name": "Odile", "asset_type": "character",
                                                             "description": ODILE["description"]}, width=W, height=H))
    assert frame_layout(reference_sheet.png) is None  # reference images are drawn as before
    second = provider.render(ImageRequest("frame", _subject(shot_id="4D"), references=(first, reference_sheet.png),
                                          width=W, height=H, seed=9)).png
    assert _place(second, "ODILE")["x"] == _place(first, "ODILE")["x"]
    assert frame_layout(second)["palette"] == frame_layout(first)["palette"]
