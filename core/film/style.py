"""Visual style presets and their palettes, shared by the Stage 5 style lock and the storyboard renderer.

A preset names a look in words (for a real image model's prompt) and in colours (for the offline
renderer). Colour words in the creator's free-text style notes tint the palette: "warm", "cold",
"teal and orange", "red accents".
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

_COLOR_WORDS = {
    "red": "#c0392b", "crimson": "#a0142e", "orange": "#e67e22", "amber": "#f0a030", "gold": "#d4af37",
    "yellow": "#f1c40f", "green": "#27ae60", "teal": "#138d90", "cyan": "#00bcd4", "blue": "#2e6fd1",
    "navy": "#1b2a4a", "purple": "#7d3c98", "violet": "#8e44ad", "magenta": "#d0309a", "pink": "#f48fb1",
    "brown": "#7b5236", "grey": "#808080", "gray": "#808080", "silver": "#c0c0c0", "white": "#f5f5f5",
    "black": "#111111",
}
_TINTS = {"warm": "#e08a3c", "cold": "#4a78b8", "cool": "#4a78b8", "dark": "#000000", "bright": "#ffffff",
          "moody": "#1c2433", "sunny": "#f6c453", "gloomy": "#3a3f47"}


def style_preset(key: str | None) -> StylePreset:
    """The preset for a key or title (case-insensitive); the pencil storyboard when unknown or empty."""
    wanted = (key or "").strip().lower()
    for preset in STYLE_PRESETS.values():
        if wanted in (preset.key, preset.title.lower()):
            return preset
    return STYLE_PRESETS[DEFAULT_STYLE]


def palette_for(style: str | None, notes: str = "") -> Palette:
    """A preset's palette, tinted by colour words in the style notes."""
    palette = style_preset(style).palette
    words = re.findall(r"[a-z]+", notes.lower())
    colors = [_COLOR_WORDS[word] for word in words if word in _COLOR_WORDS]
    if colors:
        palette = replace(palette, accent=colors[0], ground=mix(palette.ground, colors[-1], 0.35))
    for word in words:
        if word in _TINTS:
            tint = _TINTS[word]
            palette = replace(palette, top=mix(palette.top, tint, 0.3), bottom=mix(palette.bottom, tint, 0.3))
    return palette


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
