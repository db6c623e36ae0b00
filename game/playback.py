"""Record a run into a replay file, and play one back, checking its checkpoints.

The :class:`Recorder` listens at the input mapper's tap: every tick's typed
events are written just before they are published (``input`` lines, or
``paused`` ones when they were delivered while no step ran), and the state
hash, part by part, at the start of every 60th step and at the end.

:class:`Playback` rebuilds the game from the header's seed and feeds the
recorded events into the mapper at their ticks (pygame's queue is bypassed),
stepping the loop in between. It checks each checkpoint at the same point of
the same step where it was taken, so the first differing tick is exact.
See ``docs/replay.md``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pygame

import game
from game.app import App
from game.engine.input_events import InputEvent
from game.engine.replay import (
    CHECK_EVERY,
    Checkpoint,
    InputLine,
    Replay,
    ReplayError,
    ReplayHeader,
    ReplayWriter,
    combine_parts,
    read_replay,
)
from game.interrupt import check_signals

__all__ = [
    "CHECK_EVERY",
    "DETERMINISTIC_BRAINS",
    "Mismatch",
    "Playback",
    "PlaybackResult",
    "Recorder",
    "load_replay",
]

#: Brains whose replies depend on the input alone. Others stream from a worker
#: thread, and when a token lands depends on the wall clock.
DETERMINISTIC_BRAINS = frozenset({"rule"})


def _refuse_brain(brain: object) -> str | None:
    if isinstance(brain, str) and brain in DETERMINISTIC_BRAINS:
        return None
    return (
        f"brain {brain!r} is not deterministic (its replies arrive on the wall clock's "
        f"time), so a run with it cannot be replayed; use --brain rule"
    )


class Recorder:
    """Writes a replay of ``app`` to ``path`` from now on.

    Attach it before the first step. ``options`` go into the header (the
    brain, whether the bot played...). Call :meth:`finish` after the run for
    the end checkpoint; without it (a crash) the file is still valid up to
    its last line.
    """

    def __init__(
        self,
        app: App,
        path: str | os.PathLike[str],
        *,
        options: Mapping[str, Any] | None = None,
        every: int = CHECK_EVERY,
    ) -> None:
        if every < 1:
            raise ValueError(f"every must be at least 1, not {every!r}")
        options = dict(options or {})
        problem = _refuse_brain(options.get("brain", "rule"))
        if problem is not None:
            raise ValueError(problem)
        if app.input.tap is not None:
            raise RuntimeError("the app's input is already recorded or replayed")
        self.app = app
        self.every = every
        header = ReplayHeader(
            seed=app.seed,
            step=app.loop.step,
            game_version=game.__version__,
            options=options,
            every=every,
        )
        self.writer = ReplayWriter(path, header)
        app.input.tap = self._on_input

    def _on_input(self, tick: int, events: Sequence[InputEvent], paused: bool) -> None:
        # Not paused: step ``tick`` is starting, and the state is that of ``tick``
        # steps; the checkpoint goes before this step's input.
        if not paused and tick % self.every == 0:
            self.writer.checkpoint(tick, self.app.state_parts())
        if events:
            self.writer.input(tick, list(events), paused=paused)

    def finish(self) -> None:
        """Write the end checkpoint (the state now) and close the file."""
        if self.app.input.tap == self._on_input:
            self.writer.checkpoint(self.app.loop.tick, self.app.state_parts(), end=True)
        self.close()

    def close(self) -> None:
        """Stop recording and close the file (without an end line if :meth:`finish` did not)."""
        if self.app.input.tap == self._on_input:
            self.app.input.tap = None
        self.writer.close()


def load_replay(path: str | os.PathLike[str], *, step: float = App.STEP) -> Replay:
    """Read a replay and check that this game, stepping ``step`` seconds, can play it.

    Raises :class:`ReplayError` naming the line: a malformed, truncated,
    newer or oversized file, a non-deterministic brain, another step, a file
    without a checkpoint (nothing to check the run against).
    """
    replay = read_replay(path)
    header = replay.header
    if not any(isinstance(line, Checkpoint) for line in replay.lines):
        raise ReplayError(
            path, None, "no checkpoints: nothing to check a playback against (an empty recording)"
        )
    problem = _refuse_brain(header.options.get("brain", "rule"))
    if problem is not None:
        raise ReplayError(path, 1, problem)
    mismatch = header.step_mismatch(step)
    if mismatch is not None:
        raise ReplayError(path, 1, mismatch)
    return replay


@dataclass(frozen=True, slots=True)
class Mismatch:
    """Where a replay first went another way than its recording."""

    tick: int
    #: The state parts whose digests differ (empty when the run itself diverged).
    parts: tuple[str, ...] = ()
    #: What happened, when it is not a differing checkpoint.
    reason: str = ""

    def describe(self) -> str:
        """``"tick 120: player, score differ"``."""
        if self.reason:
            return f"tick {self.tick}: {self.reason}"
        return f"tick {self.tick}: {', '.join(self.parts)} differ"


@dataclass(slots=True)
class PlaybackResult:
    """What a playback found."""

    ticks: int = 0
    #: Checkpoints in the file (the end one included).
    checkpoints: int = 0
    #: Checkpoints compared (all of them, when nothing differed).
    checked: int = 0
    mismatch: Mismatch | None = None
    #: The file has its end line (a recording cut short by a crash has not).
    complete: bool = False
    #: The viewer closed the window before the end.
    stopped: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """At least one checkpoint was compared, and every one compared so far matched.

        A file with no checkpoint proves nothing, so it is never a pass.
        """
        return self.mismatch is None and self.checked > 0

    def as_json(self) -> dict[str, Any]:
        """The fields ``--replay --json`` adds to the summary."""
        mismatch = self.mismatch
        return {
            "checkpoints": self.checkpoints,
            "checked": self.checked,
            "complete": self.complete,
            "stopped": self.stopped,
            "first_mismatch": None
            if mismatch is None
            else {"tick": mismatch.tick, "parts": list(mismatch.parts), "reason": mismatch.reason},
        }


class Playback:
    """Plays ``replay`` into ``app`` (built with the header's seed, no autoplay).

    ``render`` draws a frame per step; ``watch`` also paces the steps to real
    time and stops when the window is closed (or Esc is pressed).
    """

    def __init__(
        self, app: App, replay: Replay, *, render: bool = False, watch: bool = False
    ) -> None:
        header = replay.header
        if header.seed != app.seed:
            raise ValueError(f"the app has seed {app.seed}, the replay {header.seed}")
        mismatch = header.step_mismatch(app.loop.step)
        if mismatch is not None:
            raise ValueError(mismatch)
        if app.autoplay is not None:
            raise ValueError("replay into an app without autoplay: the file is the player")
        if app.input.tap is not None:
            raise RuntimeError("the app's input is already recorded or replayed")
        self.app = app
        self.replay = replay
        self.render = render
        self.watch = watch
        checkpoints = [line for line in replay.lines if isinstance(line, Checkpoint)]
        self._expected = {c.tick: c for c in checkpoints if not c.end}
        self._checked: set[int] = set()
        self.result = PlaybackResult(checkpoints=len(checkpoints), complete=replay.end is not None)
        if header.game_version != game.__version__:
            self.result.warnings.append(
                f"recorded with game version {header.game_version}, this is {game.__version__}"
            )
        self._clock = pygame.time.Clock() if watch else None

    # -- checking ------------------------------------------------------------------

    def _on_input(self, tick: int, events: Sequence[InputEvent], paused: bool) -> None:
        # The recorder took its checkpoint here: at the start of step ``tick``.
        if not paused and tick in self._expected and tick not in self._checked:
            self._compare(self._expected[tick])

    def _compare(self, checkpoint: Checkpoint) -> None:
        self._checked.add(checkpoint.tick)
        if self.result.mismatch is not None:
            return
        self.result.checked += 1
        actual = self.app.state_parts()
        expected = checkpoint.parts
        differ = tuple(
            sorted(
                name
                for name in expected.keys() | actual.keys()
                if expected.get(name) != actual.get(name)
            )
        )
        if not differ and combine_parts(actual) != checkpoint.check:
            differ = ("check",)  # the parts agree but the line's own hash was altered
        if differ:
            self.result.mismatch = Mismatch(checkpoint.tick, differ)

    def _diverged(self, reason: str) -> None:
        if self.result.mismatch is None:
            self.result.mismatch = Mismatch(self.app.loop.tick, reason=reason)

    # -- driving -------------------------------------------------------------------

    def run(self) -> PlaybackResult:
        """Play the whole file (or up to the first mismatch); returns the result."""
        app = self.app
        loop = app.loop
        result = self.result
        app.input.tap = self._on_input
        started = time.perf_counter()
        try:
            for line in self.replay.lines:
                while line.tick > loop.tick and result.mismatch is None and not result.stopped:
                    if loop.paused:
                        self._diverged("the game is paused here, the recording went on")
                        break
                    self._step()
                if result.mismatch is not None or result.stopped:
                    break
                if isinstance(line, Checkpoint):
                    self._checkpoint_line(line)
                else:
                    self._input_line(line)
            if result.mismatch is None and not result.stopped:
                # A file cut short just after a checkpoint: its step never ran here.
                waiting = self._expected.get(loop.tick)
                if waiting is not None and waiting.tick not in self._checked:
                    self._compare(waiting)
        finally:
            app.input.tap = None
            app.wall_time += time.perf_counter() - started
        result.ticks = loop.tick
        return result

    def _checkpoint_line(self, line: Checkpoint) -> None:
        tick = self.app.loop.tick
        if line.end:
            if line.tick == tick:
                self._compare(line)
            else:
                self._diverged(f"the recording ended at tick {line.tick}")
        elif line.tick not in self._checked and line.tick != tick:
            # Checked at the start of its step; if the game got past it without
            # that step starting, the run took another way.
            self._diverged(f"checkpoint {line.tick} was never reached")

    def _input_line(self, line: InputLine) -> None:
        app = self.app
        loop = app.loop
        if line.tick != loop.tick:
            self._diverged(f"input for tick {line.tick} arrives after the game passed it")
            return
        for event in line.events:
            app.input.inject(event)
        if line.paused:
            # Delivered in a frame that ran no step (paused, time scale 0, or a
            # frame shorter than a step): as FixedStepLoop.advance does, at once,
            # and what its handlers posted.
            app.input.publish_tick(loop.tick, paused=True)
            app.bus.flush()

    def _step(self) -> None:
        app = self.app
        check_signals()
        app.loop.step_once()
        if self.render:
            app.render()
        app.frames += 1
        if self._clock is not None:
            for event in pygame.event.get():
                closing = event.type == pygame.QUIT or (
                    event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE
                )
                if closing:
                    self.result.stopped = True
            self._clock.tick(round(1 / app.loop.step))
