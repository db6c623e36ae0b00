"""Speech bubbles: placement at every edge, typewriter on game time, lifecycle, caching."""

from __future__ import annotations

from collections.abc import Iterator

import pygame
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.widgets.bubble import BubbleStyle, SpeechBubble, layout_bubble
from game.widgets.fonts import ChainFont, load_font
from game.widgets.text import TextCache

SCREEN = pygame.Rect(0, 0, 960, 540)
STYLE = BubbleStyle()
STEP = 1 / 60


@pytest.fixture
def font() -> Iterator[ChainFont]:
    pygame.font.init()
    yield load_font(18)


def check_layout(size: tuple[int, int], anchor: tuple[float, float]) -> None:
    placed = layout_bubble(size, anchor, SCREEN, STYLE)
    inner = SCREEN.inflate(-2 * STYLE.margin, -2 * STYLE.margin)
    assert inner.contains(placed.box), (anchor, placed.box)
    # The tip is the speaker, pulled inside the screen if the speaker is off it.
    tip_x = min(max(anchor[0], inner.left), inner.right - 1)
    tip_y = min(max(anchor[1], inner.top), inner.bottom - 1)
    assert placed.tip == (round(tip_x), round(tip_y))
    (x0, y0), (x1, y1) = placed.base
    assert y0 == y1 and placed.box.left <= x0 < x1 <= placed.box.right
    # The base lies on the box edge that faces the speaker, and the tip is outside the box.
    if placed.below:
        assert abs(y0 - placed.box.top) <= STYLE.border and placed.tip[1] < placed.box.top
    else:
        assert abs(y0 - placed.box.bottom) <= STYLE.border and placed.tip[1] > placed.box.bottom
    # Pointing: the tail leans toward the speaker's side.
    middle = (x0 + x1) / 2
    assert abs(middle - placed.tip[0]) <= abs(placed.box.centerx - placed.tip[0]) + 1


EDGE_ANCHORS = [
    (480, 300), (0, 300), (959, 300), (480, 0), (480, 539),  # edges
    (0, 0), (959, 0), (0, 539), (959, 539),  # corners
    (-200, 300), (1200, 300), (480, -50), (480, 900), (-30, -30), (2000, 2000),  # off screen
    (5, 20), (955, 20), (480, 80),
]  # fmt: skip


@pytest.mark.parametrize("anchor", EDGE_ANCHORS)
@pytest.mark.parametrize("size", [(60, 30), (276, 120), (200, 60)])
def test_the_bubble_stays_on_screen_and_its_tail_points_at_the_speaker(
    size: tuple[int, int], anchor: tuple[float, float]
) -> None:
    check_layout(size, anchor)


@given(
    st.tuples(st.integers(40, 300), st.integers(30, 200)),
    st.tuples(st.floats(-500, 1500), st.floats(-500, 1000)),
)
def test_any_anchor_keeps_the_bubble_on_screen(
    size: tuple[int, int], anchor: tuple[float, float]
) -> None:
    check_layout(size, anchor)


def test_the_bubble_sits_above_the_speaker_when_there_is_room() -> None:
    placed = layout_bubble((100, 40), (480, 300), SCREEN, STYLE)
    assert not placed.below
    assert placed.box.bottom == 300 - STYLE.tail_height
    assert placed.box.centerx == 480


def test_the_bubble_hangs_below_at_the_top_edge() -> None:
    placed = layout_bubble((100, 40), (480, 10), SCREEN, STYLE)
    assert placed.below and placed.box.top == 10 + STYLE.tail_height


def test_drawing_at_every_edge_draws_inside_the_surface(font: ChainFont) -> None:
    surface = pygame.Surface(SCREEN.size)
    bubble = SpeechBubble(font)
    bubble.say("Hello there! 你好！")
    bubble.skip()
    for anchor in EDGE_ANCHORS:
        surface.fill((0, 0, 0))
        placed = bubble.draw(surface, anchor)
        assert placed is not None
        assert surface.get_at(placed.box.center)[:3] != (0, 0, 0)


# -- typewriter on game time ---------------------------------------------------------------


def test_the_typewriter_reveals_cps_characters_per_second_of_game_time(font: ChainFont) -> None:
    bubble = SpeechBubble(font, cps=30)
    bubble.say("abcdefghij" * 6)  # 60 characters: two seconds
    assert bubble.revealed == 0 and bubble.state == "typing"
    for _ in range(30):  # half a second in fixed steps
        bubble.update(STEP)
    assert bubble.revealed == 15
    for _ in range(60):
        bubble.update(STEP)
    assert bubble.revealed == 45 and bubble.state == "typing"
    for _ in range(30):
        bubble.update(STEP)
    assert bubble.revealed == 60 and bubble.state == "reading"


def test_how_frames_fall_does_not_change_the_timing(font: ChainFont) -> None:
    one, many = SpeechBubble(font, cps=20), SpeechBubble(font, cps=20)
    for b in (one, many):
        b.say("typed out on game time, not wall time")
    one.update(1.0)
    for _ in range(100):
        many.update(0.01)
    assert one.revealed == many.revealed == 20
    assert one.shown_text == many.shown_text


def test_reading_time_grows_with_length_then_the_bubble_fades(font: ChainFont) -> None:
    short = SpeechBubble(font, read_base=1.0, read_per_char=0.1)
    long = SpeechBubble(font, read_base=1.0, read_per_char=0.1)
    short.say("Hi")
    long.say("Hello there, how are you?")
    assert long.read_time > short.read_time
    short.skip()
    assert short.state == "reading" and short.alpha == 255
    short.update(short.read_time - 0.01)
    assert short.state == "reading"
    short.update(0.01 + short.fade_time / 2)
    assert short.state == "fading" and 0 < short.alpha < 255
    short.update(short.fade_time)
    assert short.state == "hidden" and not short.visible and short.alpha == 0


def test_reading_time_is_capped(font: ChainFont) -> None:
    bubble = SpeechBubble(font, read_max=4.0)
    bubble.say("word " * 200)
    assert bubble.read_time == 4.0


def test_skip_reveals_everything_and_a_second_skip_dismisses(font: ChainFont) -> None:
    revealed: list[str] = []
    bubble = SpeechBubble(font, on_reveal=revealed.append)
    bubble.say("你好，世界")
    bubble.update(STEP * 3)
    bubble.skip()
    assert bubble.revealed == bubble.total == 5
    assert "".join(revealed) == "你好，世界"
    bubble.skip()
    assert bubble.state == "fading"


def test_typing_never_splits_an_emoji(font: ChainFont) -> None:
    bubble = SpeechBubble(font, cps=1)
    bubble.say("👍🏽ok")
    bubble.update(1.0)
    assert bubble.shown_text == "👍🏽"


def test_thinking_then_streamed_tokens_then_finish(font: ChainFont) -> None:
    bubble = SpeechBubble(font, cps=10)
    bubble.think()
    assert bubble.state == "thinking" and bubble.visible
    bubble.update(5.0)  # thinking waits for the brain, however long
    assert bubble.state == "thinking"
    bubble.append("Hello ")
    assert bubble.state == "typing"
    bubble.update(10.0)  # caught up with the stream: keeps typing, no time banked
    assert bubble.revealed == len("Hello") and bubble.state == "typing"
    bubble.append("world")
    bubble.update(0.2)
    assert bubble.shown_text == "Hello w"  # the space, then "w": 0.1 s each, not a burst
    bubble.finish()
    bubble.update(0.4)
    assert bubble.shown_text == "Hello world" and bubble.state == "reading"


def test_finish_with_text_replaces_the_stream(font: ChainFont) -> None:
    bubble = SpeechBubble(font)
    bubble.think()
    bubble.finish("Whole reply")
    assert bubble.text == "Whole reply" and not bubble.streaming


def test_hide_clears_a_cancelled_reply(font: ChainFont) -> None:
    bubble = SpeechBubble(font)
    bubble.say("stale")
    bubble.hide()
    assert not bubble.visible and bubble.draw(pygame.Surface((100, 100)), (50, 50)) is None


def test_the_box_does_not_grow_while_a_known_text_types_out(font: ChainFont) -> None:
    bubble = SpeechBubble(font)
    bubble.say("A fairly long sentence that wraps onto more than one line of the bubble.")
    size = bubble.box_size()
    bubble.update(0.5)
    assert bubble.box_size() == size and size[0] <= STYLE.max_text_width + 2 * STYLE.padding


@pytest.mark.parametrize(("name", "value"), [("cps", 0), ("read_base", -1), ("fade_time", -0.1)])
def test_bad_timings_are_named(font: ChainFont, name: str, value: float) -> None:
    with pytest.raises(ValueError, match=name):
        SpeechBubble(font, **{name: value})  # type: ignore[arg-type]


# -- caching -------------------------------------------------------------------------------


def test_a_frame_with_two_bubbles_renders_nothing_that_did_not_change(font: ChainFont) -> None:
    cache = TextCache(font)
    surface = pygame.Surface(SCREEN.size)
    player, npc = SpeechBubble(font, cache=cache), SpeechBubble(font, cache=cache)
    player.say("What is a callback?")
    player.skip()
    npc.say("回调就是你把一个函数交给别人。")
    npc.update(0.2)
    for b, anchor in ((player, (300, 300)), (npc, (600, 300))):
        b.draw(surface, anchor)
    lines, composed = cache.renders, player.renders + npc.renders
    # The next frame: the speakers moved, nothing else changed.
    for b, anchor in ((player, (310, 305)), (npc, (590, 298))):
        b.draw(surface, anchor)
    assert cache.renders == lines
    assert player.renders + npc.renders == composed
    # One more character revealed: only the NPC's changing line is rendered again.
    npc.update(1 / 30)
    for b, anchor in ((player, (310, 305)), (npc, (590, 298))):
        b.draw(surface, anchor)
    assert cache.renders == lines + 1
    assert player.renders + npc.renders == composed + 1


# -- a brain's reply in a bubble --------------------------------------------------------------


def test_the_thinking_bubble_shows_at_least_its_minimum_time(font: ChainFont) -> None:
    bubble = SpeechBubble(font, cps=10)
    bubble.think(0.5)
    bubble.append("Hi")  # an instant brain answers at once
    bubble.finish()
    bubble.update(0.3)
    assert bubble.state == "thinking" and bubble.revealed == 0
    bubble.update(0.3)  # 0.1 s past the minimum: one character typed
    assert bubble.state == "typing" and bubble.shown_text == "H"


def test_an_empty_reply_hides_the_thinking_bubble(font: ChainFont) -> None:
    bubble = SpeechBubble(font)
    bubble.think()
    bubble.finish("")
    assert not bubble.visible


def test_a_rule_brain_reply_goes_through_thinking_typing_and_reading(font: ChainFont) -> None:
    import random

    from game.npc.brain import ChatContext
    from game.npc.bubble_reply import BubbleReply
    from game.npc.dialogue import load_npc
    from game.npc.rule_brain import RuleBrain

    done: list[str] = []
    bubble = SpeechBubble(font, cps=40)
    brain = RuleBrain(load_npc("guide"), random.Random(0))
    brain.ask("你好", ChatContext("Ada"), BubbleReply(bubble, think_time=0.25, on_done=done.append))
    assert bubble.state == "thinking" and done == [bubble.text]
    phases = []
    for _ in range(60 * 20):
        bubble.update(STEP)
        if not phases or phases[-1] != bubble.state:
            phases.append(bubble.state)
    assert phases == ["thinking", "typing", "reading", "fading", "hidden"]
