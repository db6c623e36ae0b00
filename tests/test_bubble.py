"""Speech bubbles: placement at every edge, typewriter on game time, lifecycle, caching."""

from __future__ import annotations

from collections.abc import Iterator

import pygame
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.text.markup import split_code
from game.widgets.bubble import WIDE_READ_WEIGHT, BubbleStyle, SpeechBubble, layout_bubble
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


def test_the_box_grows_line_by_line_with_its_text(font: ChainFont) -> None:
    bubble = SpeechBubble(font, cps=30)
    bubble.say("A fairly long sentence that wraps onto more than one line of the bubble.")
    sizes = [bubble.box_size()]
    while bubble.state == "typing":
        bubble.update(STEP)
        sizes.append(bubble.box_size())
    heights = [h for _, h in sizes]
    line_h = font.get_linesize()
    assert heights[0] == line_h + 2 * STYLE.padding  # one line, not the whole answer's box
    assert heights == sorted(heights) and heights[-1] > heights[0]  # grows, never shrinks
    assert all(w <= STYLE.max_text_width + 2 * STYLE.padding for w, _ in sizes)


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
    # One more character revealed: typing renders nothing new either, the line was
    # rendered whole once and is revealed by clipping.
    npc.update(1 / 30)
    for b, anchor in ((player, (310, 305)), (npc, (590, 298))):
        b.draw(surface, anchor)
    assert cache.renders == lines
    assert player.renders + npc.renders == composed


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


# -- bounded boxes: pages -------------------------------------------------------------------

LONG = " ".join(f"word{i}" for i in range(200))


def test_long_text_is_paged_and_the_box_never_exceeds_max_lines(font: ChainFont) -> None:
    style = BubbleStyle(max_lines=3)
    bubble = SpeechBubble(font, style=style, cps=60)
    bubble.say(LONG)
    assert bubble.pages > 3
    limit = 3 * font.get_linesize() + 2 * style.padding
    seen_pages = set()
    shown = []
    for _ in range(60 * 600):
        bubble.update(STEP)
        if not bubble.visible:
            break
        assert bubble.box_size()[1] <= limit
        seen_pages.add(bubble.page)
        if bubble.state == "reading" and (not shown or shown[-1][0] != bubble.page):
            shown.append((bubble.page, bubble.shown_text))
    assert seen_pages == set(range(bubble.pages)) or not bubble.visible
    # Every word was on some page, in order, and nothing else.
    assert " ".join(text.replace("\n", " ") for _, text in shown) == LONG


def test_skip_reveals_the_page_then_turns_it_then_fades(font: ChainFont) -> None:
    bubble = SpeechBubble(font, style=BubbleStyle(max_lines=2), cps=10)
    bubble.say(LONG)
    bubble.skip()
    assert bubble.state == "reading" and bubble.page == 0
    first = bubble.shown_text
    assert len(first.splitlines()) == 2
    bubble.skip()
    assert bubble.page == 1 and bubble.state == "typing" and bubble.shown_text == ""
    for _ in range(bubble.pages * 2):
        bubble.skip()
    assert bubble.state == "fading" and bubble.page == bubble.pages - 1


def test_pages_turn_after_their_reading_time(font: ChainFont) -> None:
    bubble = SpeechBubble(font, style=BubbleStyle(max_lines=2), cps=1000, read_base=1.0)
    bubble.say(LONG)
    bubble.update(0.5)
    assert bubble.state == "reading" and bubble.page == 0
    bubble.update(bubble.read_time)
    assert bubble.page == 1


def test_the_players_own_line_appears_whole_at_once(font: ChainFont) -> None:
    revealed: list[str] = []
    bubble = SpeechBubble(font, cps=30, on_reveal=revealed.append)
    bubble.say("What is a callback, and how do timers work?", instant=True)
    assert bubble.state == "reading"
    assert bubble.shown_text.replace("\n", " ") == "What is a callback, and how do timers work?"
    paged = SpeechBubble(font, style=BubbleStyle(max_lines=2), cps=30)
    paged.say(LONG, instant=True)
    paged.update(paged.read_time + STEP)
    assert paged.page == 1 and paged.state == "reading"  # the next page, whole as well


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="ab 你。\n,é\u0301👍🏽i", max_size=8),
            st.sampled_from([0.0, 1 / 60, 0.5, 3.0]),
        ),
        max_size=60,
    )
)
def test_streamed_tokens_wrap_exactly_as_the_whole_text(tokens: list[tuple[str, float]]) -> None:
    pygame.font.init()
    font = load_font(18)
    style = BubbleStyle(max_text_width=90, max_lines=2)
    streamed = SpeechBubble(font, style=style, cps=60, read_base=0.2)
    whole = SpeechBubble(font, style=style)
    streamed.think()
    for token, dt in tokens:  # frames fall between tokens: pages turn, lines wrap ahead
        streamed.append(token)
        streamed.update(dt)
        streamed.box_size()
    whole.say("".join(token for token, _ in tokens))
    assert streamed.total == whole.total  # both wrap all of their text for this
    assert streamed._lines == whole._lines
    assert streamed._widths == whole._widths and streamed.total == whole.total


def test_a_token_costs_work_proportional_to_the_token(font: ChainFont) -> None:
    measured: list[int] = []
    # Fast typing and no reading time: the pages turn as fast as the tokens come, so
    # the bubble wraps the whole reply as it streams (the slow case).
    bubble = SpeechBubble(font, cps=10_000, read_base=0.0, read_per_char=0.0)
    real = bubble._measure

    def counting(text: str) -> int:
        measured.append(len(text))
        return real(text)

    bubble._measure = counting  # type: ignore[method-assign]
    bubble.think()
    per_token = []
    for i in range(2000):
        before = sum(measured)
        bubble.append(f"tok{i % 97} ")
        bubble.update(STEP)
        bubble.box_size()
        per_token.append(sum(measured) - before)
    assert len(bubble.text) > 10_000 and bubble.page > 20
    # Characters measured for one token and its frame: a couple of lines, early or late.
    early, late = max(per_token[:200]), max(per_token[-200:])
    assert late <= 2 * early and late < 600


def test_a_long_reply_is_wrapped_only_as_far_as_it_is_shown(font: ChainFont) -> None:
    bubble = SpeechBubble(font, cps=30)
    bubble.think()
    for i in range(2000):
        bubble.append(f" word{i}")
        bubble.update(STEP)
    # Typed at 30 characters a second, the reader is on the first pages: only those,
    # and the next page (wrapped a line a frame ahead of time), are wrapped.
    assert len(bubble._lines) <= (bubble.page + 2) * bubble.style.max_lines + 1
    assert bubble.pages > 50  # asking for every page wraps the rest


# -- how long a bubble stays -------------------------------------------------------------


def seconds_visible(bubble: SpeechBubble, limit: float = 120.0) -> float:
    """Update in fixed steps until the bubble is hidden; return the game time it took."""
    elapsed = 0.0
    while bubble.visible:
        assert elapsed < limit, f"still {bubble.state.value} after {limit} s"
        bubble.update(STEP)
        elapsed += STEP
    return elapsed


def test_a_page_read_along_as_it_typed_is_on_show_for_its_reading_time_not_longer(
    font: ChainFont,
) -> None:
    bubble = SpeechBubble(font, cps=30, read_base=1.5, read_per_char=0.06, read_max=8.0)
    text = "One warm loaf for you, friend! No croissants or cakes today, but it's free."
    bubble.say(text)
    reading = bubble.read_time  # ~6 s; typing it takes ~2.5 s of that
    shown = seconds_visible(bubble)
    assert reading - STEP <= shown - bubble.fade_time <= reading + 2 * STEP


def test_a_skipped_page_still_holds_for_the_reading_it_skipped(font: ChainFont) -> None:
    bubble = SpeechBubble(font, cps=30, read_base=1.0, read_per_char=0.06)
    bubble.say("Tap to reveal me whole, then read me at your own pace, please.")
    bubble.update(0.5)
    bubble.skip()
    assert bubble.state == "reading"
    assert bubble.hold_time == pytest.approx(bubble.read_time - 0.5)


def test_a_chinese_page_gets_more_reading_time_a_character(font: ChainFont) -> None:
    latin, chinese = SpeechBubble(font, read_base=0.0), SpeechBubble(font, read_base=0.0)
    latin.say("abcdefghij")
    chinese.say("你好你好你好你好你好")
    assert chinese.read_time == pytest.approx(WIDE_READ_WEIGHT * latin.read_time)


@given(
    text=st.text(alphabet="ab 你。\n,é👍i", min_size=1, max_size=400),
    cps=st.sampled_from([10.0, 30.0, 60.0]),
    max_lines=st.integers(1, 4),
)
def test_a_finished_bubble_always_fades_within_its_pages_typing_and_reading_time(
    text: str, cps: float, max_lines: int
) -> None:
    pygame.font.init()
    bubble = SpeechBubble(load_font(18), style=BubbleStyle(max_lines=max_lines), cps=cps)
    bubble.say(text)
    pages, total = bubble.pages, bubble.total
    bound = total / cps + pages * (bubble.read_max + 2 * STEP) + bubble.fade_time + STEP
    assert seconds_visible(bubble, limit=bound) <= bound


# -- code between backticks ----------------------------------------------------------------


def test_code_streamed_across_tokens_loses_its_backticks_and_keeps_its_span(
    font: ChainFont,
) -> None:
    bubble = SpeechBubble(font)
    bubble.think()
    for token in ["Try ", "`bus.", "publish(", "Ping())", "`", " now."]:
        bubble.append(token)
        assert "`" not in bubble.text
    bubble.finish()
    assert bubble.text == "Try bus.publish(Ping()) now."
    assert bubble.code == ((4, 23),)
    bubble.finish("Just `x`.")  # a replacement is split again
    assert (bubble.text, bubble.code) == ("Just x.", ((5, 6),))


@given(st.lists(st.sampled_from(["a", " ", "`", "b.c", "(x)", "词"]), max_size=30))
def test_code_spans_always_lie_inside_the_text_in_order(pieces: list[str]) -> None:
    raw = "".join(pieces)
    text, spans = split_code(raw)
    assert text == raw.replace("`", "")
    ends = [i for span in spans for i in span]
    assert ends == sorted(ends) and all(0 <= i <= len(text) for i in ends)
    assert all(a < b for a, b in spans)
    # Growing the text only grows what is shown (a stream never re-wraps from the start).
    assert split_code(raw + "z`w")[0].startswith(text)


def test_a_line_with_code_is_drawn_as_wide_as_the_plain_line(font: ChainFont) -> None:
    cache = TextCache(font)
    plain = cache.render("call on_coin(player) now", (0, 0, 0))
    marked = cache.render_code("call on_coin(player) now", ((5, 20),), (0, 0, 0), STYLE.code)
    assert marked.get_size() == plain.get_size()
    assert marked.get_at((plain.get_width() // 2, 2))[:3] == STYLE.code.fill
