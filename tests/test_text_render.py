"""Text that always renders (issue 14, fault 5): emoji, invisible characters, zero width.

Every string of the fault list is checked in the bundled chain (Noto Sans CJK SC,
pygame's default font, Noto Emoji) and, where a widget may use it, in pygame's
stock font; every invisible character is typed, pasted and composed into the chat
box with both fonts, and drawn.
"""

from __future__ import annotations

import pygame
import pytest

from game.engine.events import EventBus
from game.engine.input_events import ActionPressed, TextEditing, TextInput, TextPasted
from game.text import graphemes
from game.text.wrap import graphemes as wrap_graphemes
from game.widgets.fonts import EMOJI_FONT_PATH, REPLACEMENT, ChainFont, load_font, wants_emoji
from game.widgets.text import TextCache, render_text, text_size
from game.widgets.textbox import TextBox

# Default-ignorable code points a player can paste: zero width space, non-joiner,
# joiner, word joiner, BOM, bidi marks and embeddings/isolates, CGJ, variation
# selectors (standard and ideographic), soft hyphen, Mongolian vowel separator, a tag.
INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
    "\u2069", "\u034f", "\ufe0e", "\ufe0f", "\U000e0100", "\u00ad", "\u180e",
    "\U000e0041",
]  # fmt: skip


@pytest.fixture
def font() -> ChainFont:
    pygame.font.init()
    return load_font(18)


@pytest.fixture
def stock() -> pygame.font.Font:
    pygame.font.init()
    return pygame.font.Font(None, 26)


def pixels(surface: pygame.Surface) -> tuple[tuple[int, int], bytes]:
    return surface.get_size(), pygame.image.tobytes(surface, "RGBA")


def same_drawing(font: pygame.font.Font, a: str, b: str) -> bool:
    return pixels(render_text(font, a, (0, 0, 0))) == pixels(render_text(font, b, (0, 0, 0)))


def test_emoji_come_from_the_bundled_emoji_font_not_boxes(font: ChainFont) -> None:
    runs = font.runs("👋 hi 😀 🍞")
    assert runs == [(2, "👋"), (0, " hi "), (2, "😀"), (0, " "), (2, "🍞")]
    assert font.emoji_index == 2 and font.fallbacks[1][1].path == str(EMOJI_FONT_PATH)
    drawn = font.render("👋", True, (0, 0, 0))
    box = font.render(REPLACEMENT, True, (0, 0, 0))
    assert pixels(drawn) != pixels(box)
    # Ink in the glyph: an outline, not an empty advance.
    assert any(drawn.get_at((x, y)).a for x in range(drawn.get_width()) for y in range(27))


def test_copyright_and_arrow_with_vs16_are_emoji_and_keep_their_text(font: ChainFont) -> None:
    assert font.runs("©️ 2026") == [(2, "©\ufe0f"), (0, " 2026")]
    assert font.runs("↔️") == [(2, "↔\ufe0f")]
    assert REPLACEMENT not in "".join(run for _, run in font.runs("©️ 2026 ↔️"))


def test_keycap_is_one_emoji_and_keeps_its_digit_without_the_emoji_font(font: ChainFont) -> None:
    assert font.runs("1️⃣") == [(2, "1\ufe0f\u20e3")]
    assert font.size("1️⃣")[0] == font.size("2️⃣")[0] > 0
    plain = ChainFont(font.path, 18, font.fallbacks[:1])  # no emoji font in the chain
    assert plain.runs("1️⃣") == [(0, "1")]


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("a\u200bb", "ab"),
        ("\ufeff你好", "你好"),
        ("a\u200eb\u200fc", "abc"),
        ("x\u202bab\u202cy", "xaby"),
        ("x\u2066y\u2069z", "xyz"),
        ("x\u2060y", "xy"),
        ("a\u034fb", "ab"),  # CGJ: the letter before it stays
        ("葛\U000e0100城", "葛城"),  # an ideographic variation sequence the font lacks
        ("co\u00adop", "coop"),
    ],
)
def test_invisible_characters_are_neither_drawn_nor_measured(
    font: ChainFont, stock: pygame.font.Font, text: str, plain: str
) -> None:
    for f in (font, stock):
        assert text_size(f, text) == text_size(f, plain)
        assert same_drawing(f, text, plain)
    assert REPLACEMENT not in "".join(run for _, run in font.runs(text))


def test_a_text_variation_selector_asks_for_the_text_glyph(font: ChainFont) -> None:
    assert not wants_emoji("↔\ufe0e") and wants_emoji("↔\ufe0f") and not wants_emoji("↔")
    assert font.runs("↔\ufe0e") == [(0, "↔")]


@pytest.mark.parametrize("char", INVISIBLE)
def test_a_zero_width_string_renders_in_every_font(
    font: ChainFont, stock: pygame.font.Font, char: str
) -> None:
    for f in (font, stock):
        surface = render_text(f, char, (0, 0, 0))
        assert surface.get_width() == text_size(f, char)[0] == 0
        assert TextCache(f).render(char * 3, (1, 2, 3)).get_width() == 0
    assert font.render(char, True, (0, 0, 0)).get_width() == 0


def test_one_segmenter_for_caret_typewriter_and_wrap() -> None:
    decomposed = "\u1100\u1161\u11a8"  # 각 from jamo
    assert graphemes.clusters(decomposed) == wrap_graphemes(decomposed) == [decomposed]
    assert graphemes.boundaries(decomposed) == (0, 3)


class Box:
    def __init__(self, font: pygame.font.Font | None) -> None:
        self.bus = EventBus(on_error="raise")
        self.box = TextBox(self.bus, font=font, text_input=_NoIme(), clipboard=_NoClip())
        self.bus.publish(ActionPressed(0, "chat", "return"))
        self.surface = pygame.Surface((960, 540))

    def send(self, event: object) -> None:
        self.bus.publish(event)  # type: ignore[arg-type]
        self.box.draw(self.surface, 0.0)


class _NoIme:
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def set_rect(self, rect: tuple[int, int, int, int]) -> None: ...
    def set_key_repeat(self, enabled: bool) -> None: ...


class _NoClip:
    def get_text(self) -> str:
        return ""

    def put_text(self, text: str) -> None: ...


@pytest.mark.parametrize("bundled", [False, True], ids=["stock font", "bundled font"])
@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_typed_pasted_or_composed_into_the_chat_box(
    char: str, bundled: bool
) -> None:
    pygame.font.init()
    box = Box(load_font(18) if bundled else None)
    box.send(TextPasted(0, char))  # a lone invisible character pasted: it draws
    box.send(TextInput(0, "a"))
    box.send(TextInput(0, char))  # typed
    box.send(TextInput(0, "b"))
    box.send(TextPasted(0, f"c{char}d"))  # pasted between letters
    box.send(TextEditing(0, f"e{char}", 2, 0))  # composed
    box.send(TextEditing(0, char, 1, 0))
    text = box.box.text
    assert graphemes.drop_ignorable(text) == "abcd"
    width = text_size(box.box.font, text)[0]
    assert width == text_size(box.box.font, "abcd")[0]
    # The caret never stands inside a cluster and never takes an invisible step.
    marks = graphemes.boundaries(text)
    assert box.box.caret in marks
    visible_steps = [text_size(box.box.font, text[:m])[0] for m in marks]
    if char not in "\u200c\u200d\ufe0e\ufe0f\U000e0100\U000e0041":
        assert len(set(visible_steps)) == len(visible_steps)  # it was not inserted at all
