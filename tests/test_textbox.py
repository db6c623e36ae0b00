"""The chat text box: typing, editing, history, clipboard, limit, IME, and focus of keys."""

from __future__ import annotations

from collections.abc import Iterator

import pygame
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.app import App
from game.engine.events import EventBus
from game.engine.input_events import (
    ActionPressed,
    FocusChanged,
    InputEvent,
    KeyDown,
    TextEditing,
    TextInput,
    TextPasted,
)
from game.engine.platform.input import is_paste
from game.text import graphemes
from game.widgets.chat_events import ChatClosed, ChatOpened, ChatSubmitted
from game.widgets.textbox import HISTORY_SIZE, MAX_LENGTH, TextBox

CTRL = pygame.KMOD_LCTRL


class FakeClipboard:
    def __init__(self, text: str = "") -> None:
        self.text = text

    def get_text(self) -> str:
        return self.text

    def put_text(self, text: str) -> None:
        self.text = text


class FakeTextInput:
    """Records what the box asks of the platform."""

    def __init__(self) -> None:
        self.active = True  # SDL starts with text input on
        self.repeat = False
        self.rects: list[tuple[int, int, int, int]] = []

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False

    def set_rect(self, rect: tuple[int, int, int, int]) -> None:
        self.rects.append(rect)

    def set_key_repeat(self, enabled: bool) -> None:
        self.repeat = enabled


class Harness:
    """A text box on its own bus, fed typed events; records what it sends."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self.clipboard = FakeClipboard()
        self.ime = FakeTextInput()
        self.box = TextBox(bus, clipboard=self.clipboard, text_input=self.ime)
        self.sent: list[str] = []
        bus.subscribe(ChatSubmitted, lambda e: self.sent.append(e.text))
        self.tick = 0

    def send(self, event: InputEvent) -> bool:
        handled = self.bus.publish(event)
        self.bus.flush()
        return handled

    def open(self, source: str = "return") -> None:
        self.send(ActionPressed(self.tick, "chat", source))

    def key(self, code: int, mod: int = 0, repeat: bool = False) -> bool:
        handled = self.send(KeyDown(self.tick, code, mod, repeat))
        if is_paste(code, mod) and not repeat:
            # What the input mapper does when it is fed Ctrl+V: read the clipboard now.
            self.send(TextPasted(self.tick, self.clipboard.get_text()))
        return handled

    def type(self, text: str) -> bool:
        return self.send(TextInput(self.tick, text))

    def compose(self, text: str, start: int | None = None) -> bool:
        return self.send(TextEditing(self.tick, text, len(text) if start is None else start, 0))

    def next_tick(self) -> None:
        self.tick += 1


@pytest.fixture
def h(bus: EventBus) -> Harness:
    pygame.font.init()
    return Harness(bus)


def test_closed_box_takes_nothing_and_keeps_text_input_off(h: Harness) -> None:
    assert not h.box.is_open
    assert not h.ime.active
    assert h.key(pygame.K_a) is False
    assert h.type("a") is False
    assert h.box.text == ""


def test_enter_opens_typing_and_enter_sends(h: Harness) -> None:
    with h.bus.recording() as trace:
        h.open("return")
    assert h.box.is_open and h.ime.active and h.ime.repeat
    assert trace.of(ChatOpened) == [ChatOpened(0)]
    h.next_tick()
    assert h.type("hello ") is True
    h.type("你好")
    assert h.box.text == "hello 你好"
    with h.bus.recording() as trace:
        h.key(pygame.K_RETURN)
    assert h.sent == ["hello 你好"]
    assert trace.of(ChatClosed) == [ChatClosed(1, True)]
    assert not h.box.is_open and not h.ime.active and not h.ime.repeat


def test_t_opens_without_typing_its_own_t(h: Harness) -> None:
    h.open("t")
    assert h.type("t") is True  # the TEXTINPUT of the T that opened the box
    assert h.box.text == ""
    h.type("t")  # a second t is typed
    assert h.box.text == "t"


def test_t_swallow_ends_at_the_next_key_or_tick(h: Harness) -> None:
    h.open("t")
    h.key(pygame.K_h)  # no TEXTINPUT came for the T (text input was off)
    h.type("h")
    assert h.box.text == "h"
    h.key(pygame.K_ESCAPE)
    h.open("t")
    h.next_tick()
    h.type("x")
    assert h.box.text == "x"


def test_enter_opening_swallows_nothing(h: Harness) -> None:
    h.open("return")
    h.type("t")
    assert h.box.text == "t"


def test_editing_keys_move_by_cluster_and_delete(h: Harness) -> None:
    h.open()
    h.type("ae\u0301b")  # a, é (two code points), b
    h.key(pygame.K_LEFT)
    h.key(pygame.K_LEFT)
    assert h.box.caret == 1  # before é, never between e and its accent
    h.key(pygame.K_DELETE)
    assert h.box.text == "ab"
    h.key(pygame.K_END)
    h.key(pygame.K_BACKSPACE)
    assert (h.box.text, h.box.caret) == ("a", 1)
    h.key(pygame.K_HOME)
    h.type("x")
    assert (h.box.text, h.box.caret) == ("xa", 1)
    h.key(pygame.K_RIGHT)
    h.key(pygame.K_RIGHT)  # at the end: stays
    assert h.box.caret == 2


def test_emoji_sequences_are_deleted_whole(h: Harness) -> None:
    h.open()
    h.type("hi \U0001f469\u200d\U0001f4bb\U0001f1e8\U0001f1f3")
    h.key(pygame.K_BACKSPACE)
    assert h.box.text == "hi \U0001f469\u200d\U0001f4bb"
    h.key(pygame.K_BACKSPACE)
    assert h.box.text == "hi "


def test_ctrl_backspace_deletes_a_word_ctrl_delete_the_next(h: Harness) -> None:
    h.open()
    h.type("say hello  world")
    h.key(pygame.K_BACKSPACE, CTRL)
    assert h.box.text == "say hello  "
    h.key(pygame.K_BACKSPACE, CTRL)
    assert h.box.text == "say "
    h.key(pygame.K_HOME)
    h.key(pygame.K_DELETE, CTRL)
    assert h.box.text == " "


def test_ctrl_arrows_jump_words(h: Harness) -> None:
    h.open()
    h.type("one two")
    h.key(pygame.K_LEFT, CTRL)
    assert h.box.caret == 4
    h.key(pygame.K_LEFT, CTRL)
    assert h.box.caret == 0
    h.key(pygame.K_RIGHT, CTRL)
    assert h.box.caret == 3


def test_up_and_down_walk_the_history_and_keep_the_draft(h: Harness) -> None:
    for message in ("first", "second"):
        h.open()
        h.type(message)
        h.key(pygame.K_RETURN)
    h.open()
    h.type("draft")
    h.key(pygame.K_UP)
    assert h.box.text == "second"
    h.key(pygame.K_UP)
    assert h.box.text == "first"
    h.key(pygame.K_UP)  # the oldest: stays
    assert h.box.text == "first"
    h.key(pygame.K_DOWN)
    assert h.box.text == "second"
    h.key(pygame.K_DOWN)
    assert (h.box.text, h.box.caret) == ("draft", 5)
    h.key(pygame.K_UP)
    h.key(pygame.K_RETURN)
    assert h.sent == ["first", "second", "second"]
    assert h.box.history == ["first", "second"]  # a repeat is not stored twice


def test_history_is_bounded(h: Harness) -> None:
    for i in range(HISTORY_SIZE + 5):
        h.open()
        h.type(f"m{i}")
        h.key(pygame.K_RETURN)
    assert len(h.box.history) == HISTORY_SIZE
    assert h.box.history[-1] == f"m{HISTORY_SIZE + 4}"


def test_ctrl_v_pastes_one_line_and_ctrl_c_copies(h: Harness) -> None:
    h.clipboard.text = "line one\r\nline\ttwo\x07"
    h.open()
    h.type("> ")
    h.key(pygame.K_v, CTRL)
    assert h.box.text == "> line one line two"
    h.key(pygame.K_c, CTRL)
    assert h.clipboard.text == "> line one line two"
    h.key(pygame.K_v)  # without Ctrl it is only a key; text comes from TEXTINPUT
    assert h.box.text == "> line one line two"


def test_paste_over_the_limit_is_cut_with_a_hint(h: Harness) -> None:
    h.open()
    h.type("x" * (MAX_LENGTH - 3))
    h.clipboard.text = "e\u0301" * 5  # é é é …: the cut must not split one
    h.key(pygame.K_v, CTRL)
    # Room for 3 code points: one é (2) fits; the next e would fit alone, without
    # its accent, but a cluster is never split.
    assert h.box.text == "x" * (MAX_LENGTH - 3) + "e\u0301"
    assert h.box.hint is not None and str(MAX_LENGTH) in h.box.hint
    h.key(pygame.K_BACKSPACE)
    assert h.box.hint is None


def test_typing_at_the_limit_is_refused_with_a_hint(h: Harness) -> None:
    h.open()
    h.type("y" * MAX_LENGTH)
    assert h.box.hint is None
    h.type("z")
    assert h.box.text == "y" * MAX_LENGTH
    assert h.box.hint is not None
    h.key(pygame.K_RETURN)
    assert h.sent == ["y" * MAX_LENGTH]


def test_ime_composition_is_shown_not_inserted_and_commit_inserts_exactly(h: Harness) -> None:
    h.open()
    h.type("I said ")
    for step in ("n", "ni", "ni h", "ni ha", "ni hao", "你好"):
        assert h.compose(step) is True
        assert h.box.composition == step
        assert h.box.text == "I said "
    h.key(pygame.K_RETURN)  # Enter while composing belongs to the input method
    assert h.sent == [] and h.box.is_open
    h.key(pygame.K_BACKSPACE)
    assert h.box.text == "I said "
    h.type("你好")  # the commit
    assert (h.box.text, h.box.composition) == ("I said 你好", "")
    h.key(pygame.K_RETURN)
    assert h.sent == ["I said 你好"]


def test_escape_discards_text_and_composition(h: Harness) -> None:
    h.open()
    h.type("never mind")
    h.compose("ka")
    with h.bus.recording() as trace:
        h.compose("")  # the input method ends the composition
        h.key(pygame.K_ESCAPE)
    assert trace.of(ChatClosed) == [ChatClosed(0, False)]
    assert h.sent == []
    h.open()
    assert (h.box.text, h.box.composition) == ("", "")


@pytest.mark.parametrize("text", ["", "   ", "\t \u3000"])
def test_enter_on_blank_text_sends_nothing_and_closes(h: Harness, text: str) -> None:
    h.open()
    h.type(text)
    h.key(pygame.K_RETURN)
    assert h.sent == []
    assert not h.box.is_open


def test_sent_text_is_stripped(h: Harness) -> None:
    h.open()
    h.type("  hi there  ")
    h.key(pygame.K_KP_ENTER)
    assert h.sent == ["hi there"]


def test_repeats_act_for_editing_keys_only(h: Harness) -> None:
    h.open()
    h.type("abc")
    h.key(pygame.K_BACKSPACE, repeat=True)
    assert h.box.text == "ab"
    h.key(pygame.K_ESCAPE, repeat=True)  # a held Esc from before does not close
    h.key(pygame.K_RETURN, repeat=True)
    assert h.box.is_open and h.sent == []


def test_focus_loss_drops_the_composition(h: Harness) -> None:
    h.open()
    h.compose("ni")
    h.send(FocusChanged(0, False))
    assert h.box.composition == ""


def test_draw_puts_the_ime_rect_at_the_caret_and_caches_text(h: Harness) -> None:
    surface = pygame.Surface((960, 540))
    h.open()
    h.type("hello")
    h.box.draw(surface, 0.0)
    first = h.ime.rects[-1]
    h.compose("ni", start=2)
    h.box.draw(surface, 0.1)
    second = h.ime.rects[-1]
    assert second[0] > first[0]  # after the composition's cursor
    assert first[1] == h.box.rect.y
    h.type("你")
    h.box.draw(surface, 0.2)
    assert h.box._text is not None
    renders = h.box._text.renders
    h.box.draw(surface, 0.3)
    h.box.draw(surface, 0.9)
    assert h.box._text.renders == renders  # unchanged text is not rendered again


def test_long_text_scrolls_so_the_caret_stays_visible(h: Harness) -> None:
    surface = pygame.Surface((960, 540))
    h.open()
    h.type("w" * MAX_LENGTH)
    h.box.draw(surface, 0.0)
    caret_x = h.ime.rects[-1][0]
    assert h.box.rect.x < caret_x < h.box.rect.right
    h.key(pygame.K_HOME)
    h.box.draw(surface, 0.0)
    assert h.ime.rects[-1][0] < caret_x


def test_caret_blinks_on_game_time(h: Harness) -> None:
    h.open()

    def caret_pixels(time: float) -> int:
        surface = pygame.Surface((960, 540))
        h.box.draw(surface, time)
        x = h.ime.rects[-1][0]
        y = h.box.rect.centery
        return sum(surface.get_at((x + dx, y))[:3] == (255, 255, 255) for dx in (0, 1))

    assert caret_pixels(0.0) > 0
    assert caret_pixels(0.75) == 0
    assert caret_pixels(1.1) > 0


# -- the box in the game -------------------------------------------------------------


@pytest.fixture
def game() -> Iterator[App]:
    app = App(headless=True, seed=1)
    yield app
    app.close()


def press(app: App, code: int, text: str = "", mod: int = 0) -> None:
    app.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=mod, unicode=text))
    if text:
        app.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
    app.post(pygame.event.Event(pygame.KEYUP, key=code, mod=mod, unicode=text))


def test_typing_wasd_in_the_open_box_does_not_move_the_player(game: App) -> None:
    start = game.scene.player.position
    press(game, pygame.K_t, "t")
    game.run_ticks(1)
    assert game.scene.chat.is_open
    for letter in "wasd":
        game.post(pygame.event.Event(pygame.KEYDOWN, key=ord(letter), mod=0, unicode=letter))
        game.post(pygame.event.Event(pygame.TEXTINPUT, text=letter))
    game.run_ticks(30)
    assert game.scene.player.position == start
    assert game.scene.chat.text == "wasd"
    with game.bus.recording() as trace:
        press(game, pygame.K_RETURN)
        game.run_ticks(1)
    assert trace.of(ChatSubmitted) == [ChatSubmitted("wasd")]
    for letter in "wasd":
        game.post(pygame.event.Event(pygame.KEYUP, key=ord(letter), mod=0, unicode=letter))
    game.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_d, mod=0, unicode="d"))
    game.run_ticks(20)
    assert game.scene.player.position[0] > start[0]  # closed: d walks again


def test_opening_the_box_lets_go_of_held_movement(game: App) -> None:
    game.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT, mod=0, unicode=""))
    game.run_ticks(5)
    press(game, pygame.K_RETURN)
    game.run_ticks(30)
    assert game.scene.player.velocity == (0.0, 0.0)
    assert game.scene.chat.is_open


def test_box_is_drawn_on_top_in_the_game(game: App) -> None:
    game.run_ticks(1)
    before = game.screen.get_at((40, 540 - 36))
    press(game, pygame.K_RETURN)
    game.run_ticks(1)
    assert game.screen.get_at((40, 540 - 36)) != before


# -- property: any sequence of events keeps the box sane ----------------------------

PIECES = ["a", " ", "你好", "e\u0301", "\u0301", "\U0001f469\u200d\U0001f4bb", "\U0001f1e8", "\n"]
KEYS = [
    pygame.K_LEFT, pygame.K_RIGHT, pygame.K_HOME, pygame.K_END, pygame.K_BACKSPACE,
    pygame.K_DELETE, pygame.K_UP, pygame.K_DOWN, pygame.K_v, pygame.K_c, pygame.K_RETURN,
    pygame.K_ESCAPE, pygame.K_t,
]  # fmt: skip

actions = st.one_of(
    st.tuples(st.just("text"), st.lists(st.sampled_from(PIECES), max_size=60).map("".join)),
    st.tuples(st.just("compose"), st.sampled_from(["", "n", "ni", "你"])),
    st.tuples(st.just("key"), st.sampled_from(KEYS), st.sampled_from([0, CTRL]), st.booleans()),
    st.tuples(st.just("open"), st.sampled_from(["t", "return", "pad:y"])),
    st.tuples(st.just("tick")),
)


@given(st.lists(actions, max_size=40))
def test_random_text_and_editing_events_keep_the_caret_on_a_boundary(
    steps: list[tuple[object, ...]],
) -> None:
    pygame.font.init()
    h = Harness(EventBus(on_error="raise"))
    h.clipboard.text = "paste \U0001f1e8\U0001f1f3 " * 20
    surface = pygame.Surface((960, 540))
    for step in steps:
        kind = step[0]
        if kind == "text":
            h.type(str(step[1]))
        elif kind == "compose":
            h.compose(str(step[1]))
        elif kind == "key":
            h.key(int(step[1]), int(step[2]), bool(step[3]))  # type: ignore[call-overload]
        elif kind == "open":
            h.open(str(step[1]))
        else:
            h.next_tick()
        box = h.box
        assert 0 <= box.caret <= len(box.text) <= MAX_LENGTH
        assert box.caret in graphemes.boundaries(box.text)
        assert box.is_open or box.text == ""
        box.draw(surface, h.tick / 60)
    assert all(message.strip() == message and message for message in h.sent)


def test_real_platform_seams_work_without_a_window(bus: EventBus) -> None:
    box = TextBox(bus)  # PygameTextInput and PygameClipboard
    box.open(0)
    box.close(0)
    assert not box.is_open
