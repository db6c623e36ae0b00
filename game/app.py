"""The application: owns pygame, the window and the only ``pygame.event.get()``.

It feeds OS events to the input mapper, drives the fixed-step loop from the
wall clock (or, in tests and headless runs, one step per frame), and renders
once per frame with the loop's ``alpha``: the scene draws on a 960×540 canvas
that is letterboxed into the window, whatever its size.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pygame

from game.assets import BINDINGS, GAME_ACTIONS, GAME_AXES
from game.audio import Blips
from game.engine.collisions import CollisionWorld
from game.engine.events import Event, EventBus, Priority
from game.engine.input_events import InputEvent, QuitRequested
from game.engine.loop import FixedStepLoop, FixedUpdate
from game.engine.platform.bindings import load_bindings
from game.engine.platform.gamepads import Gamepads
from game.engine.platform.input import ClipboardSource, FocusPause, InputMapper
from game.engine.platform.viewport import Viewport
from game.engine.replay import combine_parts
from game.engine.timers import Timers
from game.interrupt import check_signals
from game.scene import HEIGHT, WIDTH, Scene, SceneContext, SceneFactory
from game.widgets.fonts import close_fonts
from game.widgets.textbox import PygameClipboard

__all__ = ["App", "NoDisplayError"]

log = logging.getLogger(__name__)

#: Deliveries the bus keeps for "what just happened?" (routine ones are only counted).
TRACE_CAPACITY = 512

_WINDOWLESS_DRIVERS = frozenset({"offscreen", "dummy"})
#: In a window with ``--autoplay``: any other key takes over from the bot, this one gives it back.
BOT_KEY = pygame.K_F2
BOT_LABEL = {
    True: "The bot is playing: press any key to take over",
    False: "You are playing: F2 lets the bot play",
}
_MOUSE_EVENTS = frozenset({pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION})


def _finite_point(pos: object) -> bool:
    """Whether ``pos`` is an ``(x, y)`` pair of finite numbers."""
    return (
        isinstance(pos, tuple | list)
        and len(pos) == 2
        and all(isinstance(v, int | float) and math.isfinite(v) for v in pos)
    )


class NoDisplayError(RuntimeError):
    """No window can be opened here (no display server, or SDL found no video device)."""


class _ChatClipboard:
    """The clipboard, read only while the scene's text field has the keyboard.

    A paste is recorded in replays with its text; outside a text field there
    is nothing to paste into, so nothing is read (nor recorded).
    """

    def __init__(self, clipboard: ClipboardSource, is_open: Callable[[], bool]) -> None:
        self.clipboard = clipboard
        self.is_open = is_open

    def get_text(self) -> str:
        return self.clipboard.get_text() if self.is_open() else ""


class App:
    """Runs a scene. ``App(headless=True, seed=N)`` (the demo village) is the form tests use.

    ``scene_factory(context)`` builds the scene once the engine parts exist
    (:mod:`game.scene`); without it the App runs the demo village, whose NPCs
    answer through ``brain`` (``"rule"``, ``"fake-llm"`` or ``"module:factory"``;
    another scene takes its options in its own factory, and ``brain`` is then a
    ``ValueError``). ``headless`` selects SDL's dummy video and audio drivers;
    ``autoplay`` attaches the scene's bot, which plays through posted pygame
    events; ``render=False`` skips drawing frames; ``mute`` silences the blips;
    ``clipboard`` replaces the system clipboard pastes read from.
    ``brain_options`` configure the demo's LangChain brain (``persona``,
    ``timeout``, ``history``, ``max_tokens``, …).

    A scene whose answers come from another thread (the demo with a LangChain
    brain) may define ``await_replies() -> bool``: a headless App calls it
    before every frame, so game time stands still while a reply is pending,
    and once more at the end of :meth:`run_for`.
    """

    #: Seconds per fixed step.
    STEP = 1 / 60

    def __init__(
        self,
        scene_factory: SceneFactory | None = None,
        *,
        headless: bool = False,
        seed: int = 0,
        autoplay: bool = False,
        render: bool = True,
        brain: str = "rule",
        brain_options: Mapping[str, Any] | None = None,
        mute: bool = False,
        clipboard: ClipboardSource | None = None,
    ) -> None:
        if headless:
            os.environ["SDL_VIDEODRIVER"] = "dummy"
            os.environ["SDL_AUDIODRIVER"] = "dummy"
        if scene_factory is None:
            from game.demo.scene import demo_scene

            # A bad spec fails before a window opens.
            scene_factory = demo_scene(brain, brain_options)
        elif brain != "rule" or brain_options:
            option = f"brain={brain!r}" if brain != "rule" else "brain_options"
            raise ValueError(f"{option} is the demo's option; pass it to your scene's factory")
        try:
            pygame.display.init()
            driver = pygame.display.get_driver()
            if not headless and driver in _WINDOWLESS_DRIVERS:
                # SDL falls back to these silently; a window there is invisible.
                raise NoDisplayError(f"no display server found, SDL chose {driver!r}")
            flags = 0 if headless else pygame.RESIZABLE
            window = pygame.display.set_mode((WIDTH, HEIGHT), flags)
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
        self.viewport = Viewport((WIDTH, HEIGHT), window.get_size())
        self.canvas = pygame.Surface((WIDTH, HEIGHT)).convert()
        self.last_frame: pygame.Surface = window
        self._frame_times: deque[float] = deque(maxlen=60)

        self.bus = EventBus(on_error="log")
        # Counts per subscription for the wiring view (F4, --wiring), and the
        # recent deliveries the guide explains; every tick's FixedUpdate and the
        # keys typed are counted, not kept, so they do not push the rest out.
        self.bus.start_tracing(TRACE_CAPACITY, quiet=(FixedUpdate, InputEvent))
        self.bus.subscribe(Event, self._count_event, priority=Priority.OBSERVER)
        # Headless runs are played by the bot alone: a real pad must not join in.
        self.gamepads = None if headless else Gamepads()
        chat_clipboard = _ChatClipboard(
            clipboard if clipboard is not None else PygameClipboard(),
            lambda: self.scene.text_entry_active(),
        )
        self.input = InputMapper(
            self.bus,
            load_bindings(BINDINGS, required_actions=GAME_ACTIONS, required_axes=GAME_AXES),
            devices=self.gamepads,
            clipboard=chat_clipboard,
        )
        self.timers = Timers(self.bus)
        self.world = CollisionWorld(self.bus)
        self.loop = FixedStepLoop(
            self.bus, step=self.STEP, input=self.input, timers=self.timers, collisions=self.world
        )
        self.focus_pause = FocusPause(self.bus, self.loop)
        self.blips = Blips(muted=mute)

        self.scene: Scene = scene_factory(
            SceneContext(
                bus=self.bus,
                loop=self.loop,
                input=self.input,
                timers=self.timers,
                world=self.world,
                rng=self.rng,
                blips=self.blips,
                frame_stats=self._frame_stats,
                size=(WIDTH, HEIGHT),
            )
        )
        self.bus.subscribe(QuitRequested, self._on_quit)
        # The bot has its own RNG, so whether it plays does not change the game's draws.
        self.autoplay = (
            self.scene.make_bot(self._bot_post, random.Random(f"autoplay-{seed}"))
            if autoplay
            else None
        )
        hold: Callable[[], bool] | None = getattr(self.scene, "await_replies", None)
        #: Headless only: a window runs in real time while the reply streams in.
        self._await_replies = hold if headless else None
        #: Whether the bot has the controls (in a window a key from the player takes them).
        self.bot_playing = self.autoplay is not None
        self._bot_font: pygame.font.Font | None = None

    # -- callbacks ---------------------------------------------------------

    def _count_event(self, event: Event) -> None:
        self.event_counts[type(event).__name__] += 1

    def _on_quit(self, _event: QuitRequested) -> None:
        self.running = False
        self.loop.end_frame()  # no more ticks after the one that asked to quit

    # -- driving -----------------------------------------------------------

    def post(self, event: pygame.event.Event) -> None:
        """Queue a pygame event as if it came from the OS."""
        pygame.event.post(event)

    def _bot_post(self, event: pygame.event.Event) -> None:
        """The bot's events, marked, so a key from the player can be told from them."""
        pygame.event.post(pygame.event.Event(event.type, {**event.dict, "bot": True}))

    def _hand_over(self, event: pygame.event.Event) -> bool:
        """In a window with the bot: the player's key takes the controls, F2 gives them back.

        Returns whether the event was the F2 that only switches (it goes no further).
        """
        if self.autoplay is None or self.headless or event.type != pygame.KEYDOWN:
            return False
        if event.dict.get("bot"):
            return False
        if event.key == BOT_KEY:
            self.bot_playing = not self.bot_playing
            if not self.bot_playing:
                self.autoplay.release()
            return True
        if self.bot_playing:
            self.bot_playing = False
            self.autoplay.release()
        return False

    def pump(self) -> None:
        """Hand every waiting OS event to the input mapper, stamped with the next tick."""
        tick = self.loop.tick
        for event in pygame.event.get():
            if self._hand_over(event):
                continue
            if event.type in _MOUSE_EVENTS:
                if not _finite_point(event.dict.get("pos")):
                    continue  # a malformed event (posted by code; SDL never sends one)
                # The game thinks in canvas pixels, whatever the window's size.
                event = pygame.event.Event(
                    event.type, {**event.dict, "pos": self.viewport.to_canvas(event.pos)}
                )
            elif event.type == pygame.WINDOWSIZECHANGED:
                window = pygame.display.get_surface()
                if window is not None:
                    self.viewport.resize(window.get_size())
            self.input.feed(event, tick)
        # A frame that runs no step (paused, time scale 0) still delivers this
        # input: FixedStepLoop.advance publishes it at once.

    def frame(self, frame_dt: float) -> int:
        """One frame: gather input, advance the loop by ``frame_dt``, draw. Returns steps run."""
        check_signals()  # a stop signal whose exception a callback swallowed
        if self._await_replies is not None:
            self._await_replies()  # headless: game time waits for a reply in flight
        if self.autoplay is not None and self.bot_playing:
            self.autoplay.before_tick(self.loop.tick)
        self.pump()
        steps = self.loop.advance(frame_dt)
        if self.render_enabled:
            self.render()
            if self.frames == 0:
                log.debug("first game frame")
        self.frames += 1
        return steps

    def run_ticks(self, n: int) -> int:
        """Run ``n`` frames of exactly one step each, without the wall clock.

        Returns the steps run: ``n``, unless the game is paused.
        """
        started = time.perf_counter()
        steps = 0
        try:
            for _ in range(n):
                steps += self.frame(self.loop.step)
                if not self.running:
                    break
        finally:  # a run stopped by a signal still reports its wall time
            self.wall_time += time.perf_counter() - started
        return steps

    def run_for(self, seconds: float) -> None:
        """Run ``seconds`` of game time as fast as possible (the headless run).

        Then, headless, it waits (bounded) for replies still in flight and
        delivers them, so an answer asked for in the last tick counts.
        """
        self.run_ticks(round(seconds / self.loop.step))
        if self._await_replies is not None:
            started = time.perf_counter()
            if self._await_replies():
                self.bus.flush()
            self.wall_time += time.perf_counter() - started

    def run(self, max_fps: int = 144, *, seconds: float | None = None) -> None:
        """The real-time loop: until the window closes or a ``QuitRequested``.

        ``seconds``: stop too once that much game time has run (``--seconds``).
        """
        clock = pygame.time.Clock()
        last = time.perf_counter()
        started = last
        while self.running and (seconds is None or self.loop.time < seconds):
            now = time.perf_counter()
            self._frame_times.append(now - last)
            self.frame(now - last)
            last = now
            clock.tick(max_fps)
        self.wall_time += time.perf_counter() - started

    def render(self) -> None:
        """Draw one frame on the canvas, blending moving things by the loop's ``alpha``."""
        window = pygame.display.get_surface()
        if window is None:
            return
        if self.viewport.identity and window.get_size() == (WIDTH, HEIGHT):
            target = window  # the common case: no copy, no scaling
        else:
            target = self.canvas
        self.scene.render(target, self.loop.alpha)
        if self.autoplay is not None and not self.headless:
            self._draw_bot_label(target)
        if target is not window:
            self.viewport.present(target, window)
        self.last_frame = target
        pygame.display.flip()

    def _draw_bot_label(self, target: pygame.Surface) -> None:
        if self._bot_font is None:
            from game.widgets.fonts import load_font

            self._bot_font = load_font(16)
        label = self._bot_font.render(BOT_LABEL[self.bot_playing], True, (250, 230, 160))
        place = label.get_rect(bottomright=(WIDTH - 10, HEIGHT - 8))
        target.fill((16, 20, 28), place.inflate(12, 6))
        target.blit(label, place)

    @property
    def screen(self) -> pygame.Surface:
        """The 960×540 image of the last frame (the window itself when it is that size)."""
        return self.last_frame

    def _frame_stats(self) -> dict[str, object]:
        times = self._frame_times
        total = sum(times)
        fps = len(times) / total if times and total > 0 else 0.0
        frame_ms = total / len(times) * 1e3 if times else 0.0
        return {
            "fps": f"{fps:.0f}",
            "frame ms": f"{frame_ms:.1f}",
            "ticks this frame": self.loop.steps_last_frame,
        }

    # -- reporting ---------------------------------------------------------

    def visible_text(self) -> list[tuple[str, str | None, pygame.Rect, str]]:
        """Every piece of text on screen in the last frame drawn (a test contract).

        Each is ``(kind, owner, rect, text)``: ``kind`` one of ``"bubble"``, ``"hint"``,
        ``"label"``, ``"hud"``, ``"log"``, ``"chatbox"``, ``"float"``; ``owner`` the speaker's
        display name or ``None``; ``rect`` in screen (canvas) pixels; ``text`` what is
        shown. A scene without a ``visible_text()`` method shows none.
        """
        report = getattr(self.scene, "visible_text", None)
        return list(report()) if report is not None else []

    def state_parts(self) -> dict[str, str]:
        """A digest per part of the game state (so a replay can say which part differs)."""
        parts: dict[str, object] = dict(self.scene.state())
        parts["timers"] = (self.timers.time, self.timers.active_count, self.timers.fired_total)
        parts["tick"] = self.loop.tick
        parts["loop"] = (self.loop.paused, self.loop.time_scale)
        parts["input"] = self.input.state()
        parts["rng"] = self.rng.getstate()
        return {
            name: hashlib.sha256(repr(value).encode()).hexdigest()[:16]
            for name, value in sorted(parts.items())
        }

    def state_hash(self) -> str:
        """A digest of everything that decides the game's future (not of the wall clock)."""
        return combine_parts(self.state_parts())

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
            **self.scene.summary(),
            "timers_fired": self.timers.fired_total,
            "collisions_started": self.event_counts["CollisionEnter"],
            "state_hash": self.state_hash(),
        }

    def save_screenshot(self, path: str | os.PathLike[str]) -> None:
        """Save the last rendered frame (960×540, without letterbox bars) as a PNG."""
        if self.frames == 0 or not self.render_enabled:
            self.render()
        pygame.image.save(self.last_frame, os.fspath(Path(path)))

    def close(self) -> None:
        """Close the scene (its NPCs' brains too); release the fonts, the audio device, the window
        and pygame's subsystems: an App leaves no file open (tests build and close 30)."""
        self.running = False
        self.scene.close()
        if self.gamepads is not None:
            self.gamepads.close()
        close_fonts()
        pygame.font.quit()
        pygame.mixer.quit()  # the audio device the blips opened
        pygame.display.quit()
