"""Visual style presets and their palettes, shared by the Stage 5 style lock and the storyboard renderer.

A preset names a look in words (for a real image model's prompt) and in colours (for the offline
renderer). The creator's free-text style notes grade the palette ("warm", "cold", "muted", "neon", "sepia",
"monochrome", "teal and orange", "red accents", "blue ink") and set the line weight ("bold lines",
"thick ink", "fine lines"). `named_color` reads clothing and hair colours the same way ("dark blue").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Palette:
    """Colours as '#rrggbb': a sky/wall gradient, the ground, ink for figures, an accent, caption colours."""

    top: str
    bottom: str
    ground: str
    ink: str
    accent: str
    paper: str
    text: str

    def colors(self) -> list[str]:
        return [self.top, self.bottom, self.ground, self.ink, self.accent, self.paper, self.text]


@dataclass(frozen=True)
class StylePreset:
    key: str
    title: str
    words: str  # how a prompt describes the look
    palette: Palette


STYLE_PRESETS: dict[str, StylePreset] = {preset.key: preset for preset in (
    StylePreset("storyboard", "Pencil storyboard", "graphite pencil storyboard sketch, soft grey tones, clean lines",
                Palette("#e9e6df", "#c9c4b8", "#a8a294", "#3b3a36", "#7a5c3e", "#f6f4ef", "#222222")),
    StylePreset("noir", "Film noir", "high-contrast black and white film noir, hard shadows, venetian-blind light",
                Palette("#2b2b2b", "#0d0d0d", "#1a1a1a", "#050505", "#d9b45a", "#111111", "#eeeeee")),
    StylePreset("pastel", "Pastel animation", "soft pastel 2D animation, rounded shapes, gentle light",
                Palette("#bfe3f2", "#f7d6e0", "#cde7b0", "#5a4e7c", "#ff9fb2", "#fff8f0", "#3a3350")),
    StylePreset("technicolor", "Technicolor", "saturated 1950s technicolor, bold primaries, studio lighting",
                Palette("#1f6fd1", "#f2c14e", "#c0392b", "#1b1b3a", "#e74c3c", "#fdf3d8", "#1b1b3a")),
    StylePreset("neon", "Neon night", "neon-lit night city, magenta and cyan glow, wet reflections",
                Palette("#12002b", "#3d0a5c", "#0b0b1e", "#05010f", "#00e5ff", "#0b0b1e", "#f0e6ff")),
    StylePreset("watercolor", "Watercolour", "loose watercolour wash, paper texture, muted earth tones",
                Palette("#d7e3e8", "#efe3cf", "#b7c9a1", "#4d5a5e", "#c76b4a", "#fbf8f1", "#33403f")),
    StylePreset("documentary", "Natural documentary", "natural light documentary realism, true-to-life colour",
                Palette("#9cc3e6", "#e8eef2", "#8a9a5b", "#2f3b2f", "#d98c3f", "#f4f4f0", "#1f2a1f")),
    StylePreset("sepia", "Vintage sepia", "aged sepia photograph, warm browns, film grain",
                Palette("#d9c3a0", "#a88b63", "#7a6244", "#3b2c1e", "#f0dcb4", "#efe2c8", "#2e2216")),
)}
DEFAULT_STYLE = "storyboard"

COLOR_WORDS = {
    "red": "#c0392b", "crimson": "#a0142e", "scarlet": "#d0202a", "maroon": "#6d1a24", "burgundy": "#7a1f33",
    "orange": "#e67e22", "amber": "#f0a030", "gold": "#d4af37", "golden": "#d4af37", "mustard": "#c9a227",
    "yellow": "#f1c40f", "green": "#27ae60", "olive": "#6b7a2a", "khaki": "#b5a36a", "teal": "#138d90",
    "turquoise": "#30c0b0", "cyan": "#00bcd4", "blue": "#2e6fd1", "navy": "#1b2a4a", "denim": "#3b5b86",
    "purple": "#7d3c98", "violet": "#8e44ad", "lilac": "#b49bd0", "lavender": "#b9a7e0", "magenta": "#d0309a",
    "pink": "#f48fb1", "brown": "#7b5236", "tan": "#c19a6b", "beige": "#d8c8a8", "cream": "#f0e6cc",
    "ivory": "#f4eedc", "rust": "#a4461e", "copper": "#b8733a", "bronze": "#a97b3c", "brass": "#c9a43a",
    "grey": "#808080", "gray": "#808080", "charcoal": "#3a3a3e", "silver": "#c0c0c0", "white": "#f5f5f5",
    "black": "#111111",
}
_SHADES = {"dark": 0.45, "deep": 0.35, "light": -0.45, "pale": -0.55, "bright": 0.0}  # toward black (+) or white (-)
_TINTS = {"warm": "#e08a3c", "cold": "#4a78b8", "cool": "#4a78b8", "icy": "#8fb8de", "dark": "#000000",
          "bright": "#ffffff", "moody": "#1c2433", "sunny": "#f6c453", "gloomy": "#3a3f47"}
_LINE_NOUNS = frozenset("line lines linework ink inks outline outlines stroke strokes contour contours pen".split())
_BOLD = frozenset("bold thick heavy strong chunky fat inky".split())
_FINE = frozenset("fine thin delicate hairline light faint spidery scratchy".split())
LINE_WEIGHTS = {"fine": 0.4, "normal": 1.0, "bold": 2.6}  # outline width, relative to the renderer's default


def style_preset(key: str | None) -> StylePreset:
    """The preset for a key or title (case-insensitive); the pencil storyboard when unknown or empty."""
    wanted = (key or "").strip().lower()
    for preset in STYLE_PRESETS.values():
        if wanted in (preset.key, preset.title.lower()):
            return preset
    return STYLE_PRESETS[DEFAULT_STYLE]


def palette_for(style: str | None, notes: str = "") -> Palette:
    """A preset's palette, graded by the style notes: colour words, "warm"/"cold", "muted", "neon", "sepia",
    "monochrome", and a colour named for the lines ("red ink") for the ink."""
    palette = style_preset(style).palette
    words = _note_words(notes)
    ink = [COLOR_WORDS[word] for word, after in zip(words, words[1:] + [""]) if word in COLOR_WORDS
           and after in _LINE_NOUNS]
    colors = [COLOR_WORDS[word] for word, after in zip(words, words[1:] + [""]) if word in COLOR_WORDS
              and after not in _LINE_NOUNS]
    if colors:
        palette = replace(palette, accent=colors[0], ground=mix(palette.ground, colors[-1], 0.35))
    for word in words:
        if word in _TINTS:
            tint = _TINTS[word]
            palette = replace(palette, top=mix(palette.top, tint, 0.3), bottom=mix(palette.bottom, tint, 0.3))
        if word in _GRADES:
            palette = _GRADES[word](palette)
    return replace(palette, ink=ink[0]) if ink else palette


def line_weight(notes: str = "") -> float:
    """How heavy the outlines are, from the notes: "bold lines", "thick ink" (heavy); "fine lines" (light)."""
    words = _note_words(notes)
    for index, word in enumerate(words):
        if word in _LINE_NOUNS:
            near = set(words[max(0, index - 2):index])
            if near & _BOLD:
                return LINE_WEIGHTS["bold"]
            if near & _FINE:
                return LINE_WEIGHTS["fine"]
    return LINE_WEIGHTS["normal"]


def picture_grade(style: str | None, notes: str = "") -> tuple[float, tuple[float, ...] | None, str | None, float]:
    """How a renderer grades a whole picture for the style: (saturation 0..1+, a colour-tone matrix or None,
    a tint colour or None, the tint's strength). Noir and "monochrome" are black and white, sepia is toned,
    "muted" desaturates, "neon" and "vivid" saturate, "warm" / "cold" tint."""
    words = set(_note_words(notes))
    key = style_preset(style).key
    saturation = 0.0 if key == "noir" or words & {"monochrome", "greyscale", "grayscale"} else (
        0.45 if words & {"muted", "desaturated", "faded"} else 1.35 if words & {"neon", "vivid", "saturated"} else 1.0)
    tone = _SEPIA_MATRIX if key == "sepia" or words & {"sepia", "vintage"} else None
    tints = [_TINTS[word] for word in _note_words(notes) if word in _TINTS]
    return saturation, tone, (tints[0] if tints else None), 0.14 if tints else 0.0


_SEPIA_MATRIX = (0.393, 0.769, 0.189, 0, 0.349, 0.686, 0.168, 0, 0.272, 0.534, 0.131, 0)


def named_color(words: list[str], index: int) -> str | None:
    """The colour a word names, shaded by the word before it ("dark blue", "pale green"); None when it names none."""
    color = COLOR_WORDS.get(words[index])
    if color is None:
        return None
    shade = _SHADES.get(words[index - 1]) if index > 0 else None
    if shade:
        return mix(color, "#000000" if shade > 0 else "#ffffff", abs(shade))
    return color


def _note_words(notes: str) -> list[str]:
    return re.findall(r"[a-z]+", notes.lower())


def _graded(palette: Palette, change) -> Palette:
    return Palette(*(change(color) for color in palette.colors()))


def desaturate(color: str, amount: float) -> str:
    """`color` moved `amount` (0..1) of the way toward its own grey."""
    grey = round(luminance(color) * 255)
    return mix(color, f"#{grey:02x}{grey:02x}{grey:02x}", amount)


def _sepia(color: str) -> str:
    red, green, blue = rgb(color)
    toned = (min(255, round(0.393 * red + 0.769 * green + 0.189 * blue)),
             min(255, round(0.349 * red + 0.686 * green + 0.168 * blue)),
             min(255, round(0.272 * red + 0.534 * green + 0.131 * blue)))
    return mix(color, "#" + "".join(f"{value:02x}" for value in toned), 0.75)


def saturate(color: str, amount: float) -> str:
    """`color` pushed `amount` (0..1) further from its own grey, within the gamut."""
    grey = luminance(color) * 255
    return "#" + "".join(f"{max(0, min(255, round(value + (value - grey) * amount))):02x}" for value in rgb(color))


def _neon(palette: Palette) -> Palette:
    glow = palette.accent if max(rgb(palette.accent)) - min(rgb(palette.accent)) > 80 else "#00e5ff"
    return replace(palette, top=mix(palette.top, "#12002b", 0.7), bottom=mix(palette.bottom, "#3d0a5c", 0.7),
                   ground=mix(palette.ground, "#0b0b1e", 0.6), ink=mix(palette.ink, "#05010f", 0.6),
                   accent=saturate(glow, 0.8), paper=mix(palette.paper, "#0b0b1e", 0.8),
                   text=mix(palette.text, "#f0e6ff", 0.8))


_GRADES = {
    "muted": lambda p: _graded(p, lambda c: desaturate(c, 0.6)),
    "desaturated": lambda p: _graded(p, lambda c: desaturate(c, 0.6)),
    "faded": lambda p: _graded(p, lambda c: mix(desaturate(c, 0.5), "#ffffff", 0.15)),
    "pastel": lambda p: _graded(p, lambda c: mix(c, "#ffffff", 0.35)),
    "sepia": lambda p: _graded(p, _sepia),
    "vintage": lambda p: _graded(p, _sepia),
    "monochrome": lambda p: _graded(p, lambda c: desaturate(c, 1.0)),
    "greyscale": lambda p: _graded(p, lambda c: desaturate(c, 1.0)),
    "grayscale": lambda p: _graded(p, lambda c: desaturate(c, 1.0)),
    "neon": _neon,
    "vivid": lambda p: _graded(p, lambda c: saturate(c, 0.6)),
    "saturated": lambda p: _graded(p, lambda c: saturate(c, 0.6)),
}


def rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def mix(first: str, second: str, amount: float) -> str:
    """`first` moved `amount` (0..1) of the way toward `second`."""
    a, b = rgb(first), rgb(second)
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b))


def luminance(color: str) -> float:
    red, green, blue = rgb(color)
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def contrasting(background: str, *candidates: str) -> str:
    """The candidate colour that stands out most against `background`."""
    return max(candidates, key=lambda color: abs(luminance(color) - luminance(background)))
