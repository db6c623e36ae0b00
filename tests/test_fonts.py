"""The bundled font covers the dialogue and common Chinese; what it lacks never crashes."""

from __future__ import annotations

from collections.abc import Iterator

import pygame
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.assets import asset_path
from game.widgets.fonts import (
    EMOJI_FONT_PATH,
    FONT_PATH,
    REPLACEMENT,
    ChainFont,
    GlyphProbe,
    load_font,
)


@pytest.fixture
def font() -> Iterator[ChainFont]:
    pygame.font.init()
    yield load_font(18)


def dialogue_characters() -> set[str]:
    chars: set[str] = set()
    for path in asset_path("dialogue").glob("*.toml"):
        chars.update(path.read_text(encoding="utf-8"))
    return {c for c in chars if c.isprintable() and not c.isspace()}


def test_every_character_of_the_dialogue_is_in_the_bundled_font() -> None:
    probe = GlyphProbe(FONT_PATH)
    chars = dialogue_characters()
    assert len(chars) > 500  # the files really hold Chinese
    missing = sorted(c for c in chars if not probe.has(c))
    assert missing == [], f"rerun scripts/subset_font.py; missing: {''.join(missing)}"


def test_the_font_covers_the_3755_level_one_gb2312_characters() -> None:
    # GB 2312 level 1 (rows 0xB0..0xD7) is the classic list of common hanzi, a
    # superset of the 3,500 characters of the modern common-character list.
    probe = GlyphProbe(FONT_PATH)
    level_one = []
    for row in range(0xB0, 0xD8):
        for col in range(0xA1, 0xFF):
            try:
                level_one.append(bytes((row, col)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    assert len(level_one) == 3755
    assert all(probe.has(c) for c in level_one)


def test_the_font_is_small_and_has_its_licence_beside_it() -> None:
    assert FONT_PATH.stat().st_size < 6_000_000
    licence = (FONT_PATH.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "NotoSansCJKsc-Subset.otf" in licence
    assert EMOJI_FONT_PATH.stat().st_size < 1_000_000
    emoji_licence = (EMOJI_FONT_PATH.parent / "NotoEmoji-OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in emoji_licence
    assert "NotoEmoji-Regular.ttf" in emoji_licence


def test_the_probe_tells_missing_glyphs_apart() -> None:
    probe = GlyphProbe(FONT_PATH)
    assert probe.has("A") and probe.has("回") and probe.has("，")
    assert not probe.has("😀")
    assert GlyphProbe(EMOJI_FONT_PATH).has("😀")


@pytest.mark.parametrize(
    "text",
    ["hello 你好", "emoji 😀👍🏽", "nul\x00byte", "lone \ud800 surrogate", "Łukasz", "क्षत्रिय", ""],
)
def test_rendering_never_raises_and_size_matches_the_surface(font: ChainFont, text: str) -> None:
    surface = font.render(text, True, (0, 0, 0))
    assert surface.get_size() == font.size(text)


def test_missing_glyphs_become_one_replacement_box_per_cluster(font: ChainFont) -> None:
    # Egyptian hieroglyphs and Vai: in no font of the chain.
    assert font.runs("a\U00013000\ua500\u0301b") == [(0, f"a{REPLACEMENT}{REPLACEMENT}b")]
    assert font.runs("x\x00y") == [(0, f"x{REPLACEMENT}y")]


def test_pygames_default_font_fills_in_where_it_has_the_glyph(font: ChainFont) -> None:
    # Noto Sans CJK lacks "Ł"; pygame's default font has it.
    assert font.runs("Łukasz") == [(1, "Ł"), (0, "ukasz")]
    assert font.render("Łukasz", True, (0, 0, 0), (255, 255, 255)).get_width() > 40


def test_a_decomposed_accent_is_drawn_precomposed(font: ChainFont) -> None:
    assert font.runs("e\u0301") == [(0, "é")]


@given(st.text(max_size=30))
def test_any_text_at_all_renders(text: str) -> None:
    pygame.font.init()
    font = load_font(14)
    assert font.render(text, True, (255, 255, 255)).get_width() == font.size(text)[0]


def test_fonts_survive_pygame_quit() -> None:
    pygame.font.init()
    before = load_font(16)
    pygame.quit()
    pygame.font.init()
    after = load_font(16)
    assert after is not before
    assert after.size("你好")[0] > 0 and after.has_glyph("你")
