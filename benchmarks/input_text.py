"""Costs on the input path: mapping a key, segmenting text, one keystroke in the chat box.

Run alone: ``python -m benchmarks.input_text [--quick]``. Each figure is a ratio to a
baseline measured interleaved in the same run.
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame
import regex

from benchmarks.harness import Result, interleaved, main, per_call, summarize
from game.assets import BINDINGS
from game.engine.events import EventBus
from game.engine.input_events import KeyDown, KeyUp, TextInput
from game.engine.platform.bindings import load_bindings
from game.engine.platform.input import InputMapper
from game.text.graphemes import _boundaries
from game.widgets.textbox import TextBox

#: The game's own bindings: the engine has no default.
GAME_BINDINGS = load_bindings(BINDINGS)

__all__ = ["run"]

MIXED = ("Hello 你好 café e\u0301 \U0001f469\u200d\U0001f4bb \U0001f1e8\U0001f1f3 ") * 8
TEXT_200 = MIXED[:200]


class _NoPlatform:
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def set_rect(self, rect: tuple[int, int, int, int]) -> None: ...
    def set_key_repeat(self, enabled: bool) -> None: ...
    def get_text(self) -> str:
        return ""

    def put_text(self, text: str) -> None: ...


def _segmentation(repeats: int, number: int) -> list[Result]:
    cluster = regex.compile(r"\X")
    samples = interleaved(
        {
            "regex \\X (baseline)": lambda: per_call(lambda: cluster.findall(TEXT_200), number),
            "graphemes.boundaries, uncached": lambda: per_call(
                lambda: _boundaries.__wrapped__(TEXT_200), number
            ),
        },
        repeats,
    )
    return summarize(
        "segment 200 mixed code points",
        samples,
        unit="µs/call",
        scale=1e6,
        baseline="regex \\X (baseline)",
    )


def _mapping(repeats: int, number: int) -> list[Result]:
    bus = EventBus()
    bus.subscribe(KeyDown, lambda e: None)
    mapper = InputMapper(bus, GAME_BINDINGS)
    down = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_a, mod=0, unicode="a")
    up = pygame.event.Event(pygame.KEYUP, key=pygame.K_a, mod=0, unicode="a")
    typed = (KeyDown(0, pygame.K_a), KeyUp(0, pygame.K_a))

    def publish_only() -> None:
        bus.publish(typed[0])
        bus.publish(typed[1])

    def through_mapper() -> None:
        mapper.feed(down, 0)
        mapper.feed(up, 0)
        mapper.publish_tick(0)

    samples = interleaved(
        {
            "bus.publish typed (baseline)": lambda: per_call(publish_only, number),
            "feed + publish_tick + actions": lambda: per_call(through_mapper, number),
        },
        repeats,
    )
    return summarize(
        "key down + up",
        samples,
        unit="µs/pair",
        scale=1e6,
        baseline="bus.publish typed (baseline)",
    )


def _keystroke(repeats: int, number: int) -> list[Result]:
    bus = EventBus()
    fake = _NoPlatform()
    box = TextBox(bus, clipboard=fake, text_input=fake)
    box.open(0)
    box.editor.set(TEXT_200[:150])
    quiet = EventBus()
    quiet.subscribe(TextInput, lambda e: True, priority=100)
    event, backspace = TextInput(0, "x"), KeyDown(0, pygame.K_BACKSPACE)

    def noop_handler() -> None:
        quiet.publish(event)
        quiet.publish(event)

    def type_and_delete() -> None:
        # Each real keystroke makes a new text, segmented once (the text before
        # the key was segmented by the key before): two misses per pair.
        _boundaries.cache_clear()
        bus.publish(event)
        bus.publish(backspace)

    samples = interleaved(
        {
            "bus to a no-op handler (baseline)": lambda: per_call(noop_handler, number),
            "TextBox type + Backspace, 150 chars": lambda: per_call(type_and_delete, number),
        },
        repeats,
    )
    return summarize(
        "chat box keystroke",
        samples,
        unit="µs/pair",
        scale=1e6,
        baseline="bus to a no-op handler (baseline)",
    )


def _draw(repeats: int, number: int) -> list[Result]:
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((960, 540))
    fake = _NoPlatform()
    box = TextBox(EventBus(), clipboard=fake, text_input=fake)
    box.open(0)
    box.editor.set(TEXT_200)
    box.editor.caret = 100
    box.draw(screen, 0.0)
    text = box.font.render(TEXT_200, True, (255, 255, 255))
    frame = [0]

    def draw() -> None:
        frame[0] += 1
        box.draw(screen, frame[0] / 60)

    samples = interleaved(
        {
            "one blit of the rendered line (baseline)": lambda: per_call(
                lambda: screen.blit(text, (0, 0)), number
            ),
            "TextBox.draw, 200 chars unchanged": lambda: per_call(draw, number),
        },
        repeats,
    )
    return summarize(
        "chat box frame",
        samples,
        unit="µs/frame",
        scale=1e6,
        baseline="one blit of the rendered line (baseline)",
    )


def run(quick: bool = False) -> list[Result]:
    """Measure the four cases; ``quick`` for a smoke run."""
    repeats, number = (3, 200) if quick else (15, 2000)
    return (
        _segmentation(repeats, number)
        + _mapping(repeats, number)
        + _keystroke(repeats, number)
        + _draw(repeats, number // 4)
    )


if __name__ == "__main__":
    main(run)
