"""The full demo frame, headless, with two speech bubbles: ms per ``scene.render``.

The demo is driven the way a player drives it: the player stands beside the
guide, presses Enter, types a question and presses Enter again; the guide's
rule brain answers. Once both bubbles show their whole text ("reading"), the
state is frozen and ``DemoScene.render(window, alpha)`` is timed on the dummy
video driver's window, interleaved in one process with the floor:

* ``fill + 10 cached lines (floor)``: ``surface.fill`` and ten blits of text
  lines rendered once, the least a frame with text can cost (design.md §6
  puts it at 0.1 ms on these machines);
* ``demo frame, two bubbles``: the target case (issue 10: ≤ 0.5 ms);
* ``... at night``: the same frame with the darkest night tint
  (``scene.day.daylight = 0``; one multiplying blit of the whole canvas more);
* ``... debug overlay (F3)``: the same frame with the overlay and the
  collider boxes on (through the scene's own "debug" action). With the state
  frozen its text is all cached; while playing, the lines that change (tick,
  alpha, fps) are rendered again each frame.

Run alone: ``python -m benchmarks.bench_frame [--quick]``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from benchmarks.harness import Result, calibrate, interleaved, main, per_call, summarize
from game.app import App
from game.engine.input_events import ActionPressed
from game.npc.chat import ChatNPC
from game.widgets.fonts import load_font

__all__ = ["run", "talking_app"]

TARGET_MS = 0.5
FLOOR = "fill + 10 cached lines (floor)"
FRAME = "demo frame, two bubbles"
NIGHT = "demo frame, two bubbles, at night"
DEBUG = "demo frame, two bubbles, debug overlay (F3)"
QUESTION = "what is a callback?"
ALPHA = 0.5  # halfway between two steps: every moving thing is interpolated


def _key(kind: int, key: int) -> pygame.event.Event:
    return pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0)


def _press_enter(app: App) -> None:
    app.post(_key(pygame.KEYDOWN, pygame.K_RETURN))
    app.post(_key(pygame.KEYUP, pygame.K_RETURN))


def _run_until(app: App, done: Callable[[], bool], what: str, limit: int = 600) -> None:
    for _ in range(limit):
        if done():
            return
        app.run_ticks(1)
    raise RuntimeError(f"bench_frame: {what} did not happen within {limit} ticks")


def talking_app(seed: int = 1) -> App:
    """A headless app where the player has asked the guide something and both bubbles read.

    Raises ``RuntimeError`` naming the step that did not happen if the demo
    no longer behaves as this setup expects.
    """
    app = App(headless=True, seed=seed, autoplay=False, mute=True)
    scene = app.scene
    guide = next(npc for npc in scene.npcs if npc.key == "guide")
    # Beside the guide, inside its talk radius.
    gx, gy = guide.position
    spot = (gx - ChatNPC.SIZE - 14.0, gy + 4.0)
    scene.player_body.position = spot
    scene.player.position = scene.player.previous = spot
    _run_until(app, lambda: guide.in_range, "the player entering the guide's talk radius")
    _press_enter(app)
    app.run_ticks(2)
    app.post(pygame.event.Event(pygame.TEXTINPUT, text=QUESTION))
    app.run_ticks(2)
    _press_enter(app)
    app.run_ticks(1)
    if scene.player_bubble.text != QUESTION:
        raise RuntimeError(f"bench_frame: the player's bubble says {scene.player_bubble.text!r}")
    _run_until(app, lambda: guide.bubble.state in ("typing", "reading"), "the guide's answer")
    for bubble in (scene.player_bubble, guide.bubble):
        if bubble.state == "typing":
            bubble.skip()  # the whole text now, as a click would
    phases = (scene.player_bubble.state, guide.bubble.state)
    if phases != ("reading", "reading"):
        raise RuntimeError(f"bench_frame: bubbles are {phases}, not both reading")
    return app


@contextmanager
def _night(app: App) -> Iterator[None]:
    day = app.scene.day
    saved = day.daylight
    day.daylight = 0.0
    try:
        yield
    finally:
        day.daylight = saved


@contextmanager
def _debug_overlay(app: App) -> Iterator[None]:
    app.bus.publish(ActionPressed(app.loop.tick, "debug"))
    try:
        yield
    finally:
        app.bus.publish(ActionPressed(app.loop.tick, "debug"))


def run(quick: bool = False) -> list[Result]:
    """Measure and return the results (``quick``: fewer repeats)."""
    app = talking_app()
    try:
        return _measure(app, quick)
    finally:
        app.close()


def _measure(app: App, quick: bool) -> list[Result]:
    surface = pygame.display.get_surface()
    assert surface is not None
    scene = app.scene
    font = load_font(18)
    lines = [font.render(f"line {n}: a callback is a function you hand over", True, (250, 250, 240))
             for n in range(10)]  # fmt: skip

    def floor() -> None:
        surface.fill((40, 44, 52))
        for row, line in enumerate(lines):
            surface.blit(line, (20, 20 + 24 * row))

    def frame() -> None:
        scene.render(surface, ALPHA)

    def sampler(
        fn: Callable[[], None],
        number: int,
        around: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> Callable[[], float]:
        def sample() -> float:
            with around():
                return per_call(fn, number)

        return sample

    number = calibrate(frame, seconds=0.004 if quick else 0.02)
    floor_number = calibrate(floor, seconds=0.004 if quick else 0.02)
    repeats = 7 if quick else 41
    samples = interleaved(
        {
            FLOOR: sampler(floor, floor_number),
            FRAME: sampler(frame, number),
            NIGHT: sampler(frame, number, lambda: _night(app)),
            DEBUG: sampler(frame, number, lambda: _debug_overlay(app)),
        },
        repeats,
    )
    results = summarize(
        "frame, 960×540 headless", samples, unit="ms/frame", scale=1e3, baseline=FLOOR
    )
    for result in results:
        if result.variant == FRAME:
            result.target = f"≤ {TARGET_MS} ms"
            result.met = result.median <= TARGET_MS
        if result.variant != FLOOR:
            result.extra["bubbles"] = [scene.player_bubble.shown_text, _guide_text(app)]
    return results


def _guide_text(app: App) -> str:
    return next(npc.bubble.shown_text for npc in app.scene.npcs if npc.key == "guide")


if __name__ == "__main__":
    main(run)
