"""The application: owns pygame, the window and the only ``pygame.event.get()``.

It feeds OS events to the input mapper, drives the fixed-step loop from the
wall clock (or, in tests and headless runs, one step per frame), and renders
once per frame with the loop's ``alpha``.
"""

from __future__ import annotations

import hashlib
import os
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pygame

from game.demo.autoplay import Autoplay
from game.demo.scene import HEIGHT, WIDTH, DemoScene
from game.engine.collisions import CollisionWorld
from game.engine.events import Event, EventBus
from game.engine.input import InputMapper
from game.engine.input_events import QuitRequested
from game.engine.loop import FixedStepLoop

__all__ = ["App", "NoDisplayError"]

#: Priority of observers that must see every event before anyone can stop it.
MONITOR_PRIORITY = 1_000_000

_WINDOWLESS_DRIVERS = frozenset({"offscreen", "dummy"})


class NoDisplayError(RuntimeError):
    """No window can be opened here (no display server, or SDL found no video device)."""


class App:
    """The game. ``App(headless=True, seed=N)`` is the form tests use.

    ``headless`` selects SDL's dummy video and audio drivers; ``autoplay``
    attaches the bot that plays through posted pygame events; ``render=False``
    skips drawing frames.
    """

    def __init__(
        self,
        *,
        headless: bool = False,
        seed: int = 0,
        autoplay: bool = False,
        render: bool = True,
    ) -> None:
        if headless:
            os.environ["SDL_VIDEODRIVER"] = "dummy"
            os.environ["SDL_AUDIODRIVER"] = "dummy"
        try:
            pygame.display.init()
            driver = pygame.display.get_driver()
            if not headless and driver in _WINDOWLESS_DRIVERS:
                # SDL falls back to these silently; a window there is invisible.
                raise NoDisplayError(f"no display server found, SDL chose {driver!r}")
            self.screen = pygame.display.set_mode((WIDTH, HEIGHT))
        except (pygame.error, NoDisplayError) as exc:
            pygame.display.quit()
            if isinstance(exc, NoDisplayError):
                raise
            raise NoDisplayError(str(exc) or "SDL could not open a window") from exc
        pygame.display.set_caption("Callback Quest")
        pygame.font.init()
        # Start from an empty queue: the OS's start-up window events are not
        # input, and a test's App must see only the events it posts.
        pygame.event.clear()

        self.headless = headless
        self.seed = seed
        self.render_enabled = render
        self.running = True
        self.frames = 0
        self.wall_time = 0.0
        self.rng = random.Random(seed)
        self.event_counts: Counter[str] = Counter()

        self.bus = EventBus(on_error="log")
        self.bus.subscribe(Event, self._count_event, priority=MONITOR_PRIORITY)
        self.input = InputMapper(self.bus)
        self.collisions = CollisionWorld(self.bus)
        self.loop = FixedStepLoop(self.bus, input=self.input, collisions=self.collisions)
        self.scene = DemoScene(
            self.bus, self.loop, self.input, self.rng, collisions=self.collisions
        )
        self.bus.subscribe(QuitRequested, self._on_quit)
        self.autoplay = Autoplay(self.post, random.Random(f"autoplay-{seed}")) if autoplay else None

    # -- callbacks ---------------------------------------------------------

    def _count_event(self, event: Event) -> None:
        self.event_counts[type(event).__name__] += 1

    def _on_quit(self, _event: QuitRequested) -> None:
        self.running = False

    # -- driving -----------------------------------------------------------

    def post(self, event: pygame.event.Event) -> None:
        """Queue a pygame event as if it came from the OS."""
        pygame.event.post(event)

    def pump(self) -> None:
        """Hand every waiting OS event to the input mapper, stamped with the next tick."""
        tick = self.loop.tick
        for event in pygame.event.get():
            self.input.feed(event, tick)
        if self.loop.paused:
            # No steps run while paused, but menus and the unpause key still
            # need their input: deliver it now.
            self.input.publish_tick(tick)

    def frame(self, frame_dt: float) -> int:
        """One frame: gather input, advance the loop by ``frame_dt``, draw. Returns steps run."""
        if self.autoplay is not None:
            self.autoplay.before_tick(self.loop.tick)
        self.pump()
        steps = self.loop.advance(frame_dt)
        if self.render_enabled:
            self.render()
        self.frames += 1
        return steps

    def run_ticks(self, n: int) -> int:
        """Run ``n`` frames of exactly one step each, without the wall clock.

        Returns the steps run: ``n``, unless the game is paused.
        """
        started = time.perf_counter()
        steps = 0
        for _ in range(n):
            steps += self.frame(self.loop.step)
            if not self.running:
                break
        self.wall_time += time.perf_counter() - started
        return steps

    def run_for(self, seconds: float) -> None:
        """Run ``seconds`` of game time as fast as possible (the headless run)."""
        self.run_ticks(round(seconds / self.loop.step))

    def run(self, max_fps: int = 144) -> None:
        """The real-time loop: until the window closes or a ``QuitRequested``."""
        clock = pygame.time.Clock()
        last = time.perf_counter()
        started = last
        while self.running:
            now = time.perf_counter()
            self.frame(now - last)
            last = now
            clock.tick(max_fps)
        self.wall_time += time.perf_counter() - started

    def render(self) -> None:
        """Draw one frame, blending moving things by the loop's ``alpha``."""
        self.scene.render(self.screen, self.loop.alpha)
        pygame.display.flip()

    # -- reporting ---------------------------------------------------------

    def state_hash(self) -> str:
        """A digest of everything that decides the game's future (not of the wall clock)."""
        state = (self.loop.tick, self.scene.state(), self.rng.getstate())
        return hashlib.sha256(repr(state).encode()).hexdigest()[:16]

    def summary(self) -> dict[str, Any]:
        """The headless run's report (one JSON object)."""
        game_time = self.loop.time
        wall = self.wall_time
        return {
            "seed": self.seed,
            "ticks": self.loop.tick,
            "game_time": round(game_time, 6),
            "frames": self.frames,
            "wall_time": round(wall, 6),
            "realtime_factor": round(game_time / wall, 2) if wall > 0 else None,
            "dropped_time": round(self.loop.dropped_time, 6),
            "events": dict(sorted(self.event_counts.items())),
            "handler_errors": self.bus.handler_errors,
            "npc_replies": self.scene.npc_replies,
            "score": self.scene.score,
            "state_hash": self.state_hash(),
            "collisions_started": self.collisions.started,
        }

    def save_screenshot(self, path: str | os.PathLike[str]) -> None:
        """Save the last rendered frame as a PNG."""
        if self.frames == 0 or not self.render_enabled:
            self.render()
        pygame.image.save(self.screen, os.fspath(Path(path)))

    def close(self) -> None:
        """Release the window and pygame's subsystems."""
        self.running = False
        pygame.font.quit()
        pygame.display.quit()
