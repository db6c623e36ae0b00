"""What a replay relies on in the input mapper: the tap, injected events, pastes as input."""

from __future__ import annotations

from collections.abc import Sequence

import pygame
import pytest

from game.assets import BINDINGS
from game.engine.events import EventBus
from game.engine.input_events import (
    ActionPressed,
    InputEvent,
    KeyDown,
    KeyUp,
    TextEditing,
    TextInput,
    TextPasted,
)
from game.engine.platform.bindings import load_bindings
from game.engine.platform.input import InputMapper, is_paste
from game.widgets.textbox import TextBox
from tests.app_driver import key

#: The game's own bindings: the engine has no default.
GAME_BINDINGS = load_bindings(BINDINGS)

CTRL, CMD = pygame.KMOD_LCTRL, pygame.KMOD_LMETA


class CountingClipboard:
    def __init__(self, text: str) -> None:
        self.text = text
        self.reads = 0

    def get_text(self) -> str:
        self.reads += 1
        return self.text

    def put_text(self, text: str) -> None:
        self.text = text


class Tap:
    """Records what the mapper reports, and what had been published when it did."""

    def __init__(self, bus: EventBus) -> None:
        self.calls: list[tuple[int, list[InputEvent], bool, int]] = []
        self.published = 0
        bus.subscribe(InputEvent, self.count)

    def count(self, _event: InputEvent) -> None:
        self.published += 1

    def __call__(self, tick: int, events: Sequence[InputEvent], paused: bool) -> None:
        self.calls.append((tick, list(events), paused, self.published))


@pytest.fixture
def clipboard() -> CountingClipboard:
    return CountingClipboard("pasted 你好 🎉")


@pytest.fixture
def mapper(bus: EventBus, clipboard: CountingClipboard) -> InputMapper:
    return InputMapper(bus, GAME_BINDINGS, clipboard=clipboard)


def test_the_tap_sees_each_ticks_events_before_they_are_published(mapper: InputMapper) -> None:
    tap = Tap(mapper.bus)
    mapper.tap = tap
    mapper.feed(key(pygame.KEYDOWN, pygame.K_LEFT), 0)
    mapper.feed(key(pygame.KEYUP, pygame.K_LEFT), 2)
    for tick in range(3):
        mapper.publish_tick(tick)
    mapper.feed(key(pygame.KEYDOWN, pygame.K_p), 3)
    mapper.publish_tick(3, paused=True)
    assert tap.calls == [
        (0, [KeyDown(0, pygame.K_LEFT)], False, 0),  # nothing published yet
        (1, [], False, 2),  # the KeyDown and its ActionPressed
        (2, [KeyUp(2, pygame.K_LEFT)], False, 2),
        (3, [KeyDown(3, pygame.K_p)], True, 4),
    ]


def test_injected_events_are_published_as_they_are_at_their_tick(mapper: InputMapper) -> None:
    with mapper.bus.recording() as trace:
        mapper.inject(KeyDown(4, pygame.K_LEFT, 0, repeat=False))
        mapper.inject(TextPasted(5, "x"))
        mapper.publish_tick(4)
        assert trace.of(TextPasted) == []
        mapper.publish_tick(5)
    assert trace.of(KeyDown) == [KeyDown(4, pygame.K_LEFT)]
    assert trace.of(ActionPressed) == [ActionPressed(4, "move_left", "left")]
    assert trace.of(TextPasted) == [TextPasted(5, "x")]


@pytest.mark.parametrize("mod", [CTRL, pygame.KMOD_RCTRL, CMD, CTRL | pygame.KMOD_LSHIFT])
def test_a_paste_key_reads_the_clipboard_when_fed(
    mapper: InputMapper, clipboard: CountingClipboard, mod: int
) -> None:
    mapper.feed(key(pygame.KEYDOWN, pygame.K_v, mod), 7)
    assert clipboard.reads == 1
    clipboard.text = "changed later"  # handlers run later: they must see the fed text
    with mapper.bus.recording() as trace:
        mapper.publish_tick(7)
    assert [type(e) for e in trace if isinstance(e, (KeyDown, TextPasted))] == [KeyDown, TextPasted]
    assert trace.of(TextPasted) == [TextPasted(7, "pasted 你好 🎉")]


def test_no_paste_for_plain_v_a_held_ctrl_v_an_empty_clipboard_or_none(
    bus: EventBus, mapper: InputMapper, clipboard: CountingClipboard
) -> None:
    mapper.feed(key(pygame.KEYDOWN, pygame.K_v), 0)
    mapper.feed(key(pygame.KEYUP, pygame.K_v), 0)
    mapper.feed(key(pygame.KEYDOWN, pygame.K_c, CTRL), 0)
    assert clipboard.reads == 0
    mapper.feed(key(pygame.KEYDOWN, pygame.K_v, CTRL), 0)
    mapper.feed(key(pygame.KEYDOWN, pygame.K_v, CTRL), 0)  # the OS's key repeat
    assert clipboard.reads == 1
    mapper.feed(key(pygame.KEYUP, pygame.K_v, CTRL), 0)
    clipboard.text = ""
    mapper.feed(key(pygame.KEYDOWN, pygame.K_v, CTRL), 0)
    with bus.recording() as trace:
        mapper.publish_tick(0)
    assert len(trace.of(TextPasted)) == 1

    without = InputMapper(EventBus(on_error="raise"), GAME_BINDINGS)
    assert without.feed(key(pygame.KEYDOWN, pygame.K_v, CTRL), 0) == KeyDown(0, pygame.K_v, CTRL)
    assert is_paste(pygame.K_v, CMD) and not is_paste(pygame.K_v, pygame.KMOD_LALT)


def test_the_chat_box_pastes_the_events_text_and_never_reads_the_clipboard(
    bus: EventBus,
) -> None:
    pygame.font.init()
    clipboard = CountingClipboard("from the clipboard")
    box = TextBox(bus, clipboard=clipboard)
    box.open(0)
    assert bus.publish(KeyDown(1, pygame.K_v, CTRL)) is True  # taken, does nothing
    assert box.text == ""
    assert bus.publish(TextPasted(1, "one\nline")) is True
    assert box.text == "one line"
    assert clipboard.reads == 0
    bus.publish(TextEditing(2, "ni"))  # an input method is composing
    bus.publish(TextPasted(2, "more"))
    assert box.text == "one line"  # the input method owns the keys meanwhile
    box.close(3)
    assert bus.publish(TextPasted(4, "closed")) is False  # a closed box takes nothing
    assert bus.publish(TextInput(4, "x")) is False


def test_the_mapper_state_follows_what_is_held(mapper: InputMapper) -> None:
    empty = mapper.state()
    mapper.feed(key(pygame.KEYDOWN, pygame.K_RIGHT), 0)
    assert mapper.state() == empty  # fed, not yet published
    mapper.publish_tick(0)
    held = mapper.state()
    assert held != empty
    mapper.feed(key(pygame.KEYUP, pygame.K_RIGHT), 1)
    mapper.publish_tick(1)
    assert mapper.state() == empty
