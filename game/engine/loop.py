"""The fixed-timestep loop: wall time in, fixed simulation steps out.

No pygame here: the caller passes the frame time in, so tests drive the loop
with plain numbers and the simulation never reads the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Protocol

from game.engine._checks import non_negative, positive, whole
from game.engine.events import Event, EventBus

__all__ = [
    "MAX_FRAME_DT",
    "MAX_TIME_SCALE",
    "CollisionPhase",
    "FixedStepLoop",
    "FixedUpdate",
    "InputPhase",
    "TimerPhase",
]

#: A frame longer than this (a day) counts as this long: the excess is only ever
#: dropped, and summing such frames must not make ``dropped_time`` infinite.
MAX_FRAME_DT = 86_400.0
#: The fastest ``time_scale``: beyond it, a frame's scaled time is all dropped anyway.
MAX_TIME_SCALE = 1000.0


@dataclass(frozen=True, slots=True)
class FixedUpdate(Event):
    """Published once per fixed step: ``tick`` is the step's index, ``dt`` the step."""

    tick: int
    dt: float


class InputPhase(Protocol):
    """Phase 1: publishes the input events stamped with ``tick``.

    ``paused=True``: a frame that runs no step delivers its input at once
    (menus, the chat box and the unpause key must not wait for a step).
    """

    def publish_tick(self, tick: int, *, paused: bool = False) -> None: ...


class TimerPhase(Protocol):
    """Phase 2: advances game time by ``dt`` and fires what is due."""

    def update(self, dt: float) -> object: ...


class CollisionPhase(Protocol):
    """Phase 4: finds contacts and publishes enter/stay/exit events."""

    def update(self) -> object: ...


# A frame that lands within this fraction of a step of a whole number of steps
# counts as that many steps, so advance(0.1) at step=1/60 runs 6 steps, not 5
# plus a remainder of 0.99999 steps left over by float rounding.
_STEP_EPSILON = 1e-9


class FixedStepLoop:
    """Consumes wall time in fixed steps of ``step`` seconds.

    Each step runs these phases, in this order (``dt`` is always ``step``):

    1. ``input.publish_tick(tick)``: input events stamped for this tick;
    2. ``timers.update(dt)``: timers fire what is due, in due-time order;
    3. ``FixedUpdate(tick, dt)`` is published: game logic callbacks;
    4. ``collisions.update()``: CollisionEnter / Stay / Exit;
    5. ``bus.flush()``: events posted during the step are delivered.

    Input first, so this tick's logic sees this tick's keys; timers before
    logic, so a timer's effect is visible to the same tick's update; collisions
    after logic, so contacts reflect where things moved this tick; the flush
    last, so everything posted during the step lands before rendering.

    :meth:`advance` scales the frame time by :attr:`time_scale`, clamps it to
    ``max_frame``, and runs at most ``max_steps`` steps. Time cut by either
    limit is added to :attr:`dropped_time` and never carried over (no spiral
    of death); a remainder smaller than one step stays in the accumulator and
    becomes :attr:`alpha`, the blend factor for rendering.

    :attr:`paused` and :attr:`time_scale` are read again after every step, so
    a callback that pauses the game (a pause key, a focus loss, a game over)
    runs no further step of that frame, and a new time scale applies to the
    steps the frame still owes. A frame that runs no step (paused, scale 0, or
    less than a step of time) hands its input to the handlers at once.
    """

    def __init__(
        self,
        bus: EventBus,
        *,
        step: float = 1 / 60,
        max_frame: float = 0.25,
        max_steps: int = 8,
        input: InputPhase | None = None,
        timers: TimerPhase | None = None,
        collisions: CollisionPhase | None = None,
    ) -> None:
        self.bus = bus
        self._step = positive("step", step)
        self.max_frame = positive("max_frame", max_frame)
        self.max_steps = whole("max_steps", max_steps, 1)
        self.input = input
        self.timers = timers
        self.collisions = collisions
        #: When True, :meth:`advance` runs no steps and accumulates nothing.
        self.paused = False
        #: Total wall time (after scaling) discarded by ``max_frame`` or ``max_steps``.
        self.dropped_time = 0.0
        #: Steps run by the last :meth:`advance` call.
        self.steps_last_frame = 0
        self._time_scale = 1.0
        self._tick = 0
        self._accumulator = 0.0
        self._stepping = False
        self._end_frame = False
        #: Profiling, off by default: a dict here gets the wall seconds each phase
        #: of each step took added to ``"input"``, ``"timers"``, ``"update"``,
        #: ``"collisions"`` and ``"flush"`` (the stress scene's per-phase split).
        self.phase_times: dict[str, float] | None = None

    @property
    def step(self) -> float:
        """Game seconds per step, fixed for the loop's life (``time`` is ``tick * step``)."""
        return self._step

    @property
    def tick(self) -> int:
        """How many steps have run; also the index of the next step."""
        return self._tick

    @property
    def time(self) -> float:
        """Game time in seconds: ``tick * step``, computed, so it never drifts."""
        return self._tick * self.step

    @property
    def alpha(self) -> float:
        """How far (0 <= alpha < 1) wall time is between the last step and the next."""
        return min(max(self._accumulator / self.step, 0.0), 1.0 - _STEP_EPSILON)

    @property
    def time_scale(self) -> float:
        """Multiplies the frame time: 0.5 is slow motion, 2 fast forward."""
        return self._time_scale

    @time_scale.setter
    def time_scale(self, value: float) -> None:
        scale = non_negative("time_scale", value)
        if scale > MAX_TIME_SCALE:
            raise ValueError(f"time_scale must be at most {MAX_TIME_SCALE:g}, not {value!r}")
        self._time_scale = scale

    def advance(self, frame_dt: float) -> int:
        """Consume ``frame_dt`` seconds of wall time; return how many steps ran.

        When no step will run this frame (paused, ``time_scale`` 0, or the
        time does not reach a step), the input fed so far is published at once
        (``input.publish_tick(tick, paused=True)``) and the bus flushed, so the
        pause key, menus and the chat box still work. After each step
        :attr:`paused` and :attr:`time_scale` are read again: pausing stops the
        frame there, dropping the whole steps it still owed (paused time is
        not game time; the fraction of a step that makes :attr:`alpha` stays),
        and a new scale rescales those owed steps.

        Raises ``ValueError`` if ``frame_dt`` is negative or not finite, and
        ``RuntimeError`` if called from inside a step. With the bus's
        ``on_error="raise"``, an exception from a step ends the frame there:
        the step counts as run (``tick`` moves on, so ``time`` still equals the
        timers' clock) and the steps the frame still owed are dropped.
        """
        frame_dt = min(non_negative("frame_dt", frame_dt), MAX_FRAME_DT)
        self._not_inside_a_step("advance")
        self._end_frame = False
        if self.paused or not self._reaches_a_step(frame_dt):
            self._publish_input_now()
        if self.paused:
            self.steps_last_frame = 0
            return 0
        scale = self._time_scale
        dt = frame_dt * scale
        if dt > self.max_frame:
            self.dropped_time += dt - self.max_frame
            dt = self.max_frame
        step = self.step
        threshold = step * (1.0 - _STEP_EPSILON)
        accumulator = self._accumulator + dt
        steps = 0
        try:
            while accumulator >= threshold and steps < self.max_steps:
                accumulator -= step
                steps += 1
                self._accumulator = accumulator  # keeps alpha right for code inside a step
                self._run_step()
                # A step's callbacks may have paused the game or changed its speed:
                # what the frame still owes follows the flags as they are now.
                if self._paused_now() or self._end_frame:
                    accumulator = self._fraction(accumulator)
                    break
                if self._time_scale != scale:
                    fraction = self._fraction(accumulator)
                    owed = (accumulator - fraction) * (self._time_scale / scale)
                    accumulator = fraction + owed
                    scale = self._time_scale
        except BaseException:
            self._accumulator = self._fraction(accumulator)
            self.steps_last_frame = steps
            raise
        if accumulator >= threshold:
            whole = int((accumulator + step * _STEP_EPSILON) // step)
            self.dropped_time += whole * step
            accumulator -= whole * step
        self._accumulator = max(accumulator, 0.0)
        self.steps_last_frame = steps
        return steps

    def step_once(self) -> None:
        """Run exactly one step now, even while paused (for debugging).

        Raises ``RuntimeError`` if called from inside a step.
        """
        self._not_inside_a_step("step_once")
        self._run_step()

    def end_frame(self) -> None:
        """Run no further step in the current :meth:`advance` (a quit request, say).

        Like pausing for the rest of the frame, without pausing: the steps the
        frame still owed are dropped (not counted in :attr:`dropped_time`), and
        the next frame runs as usual. Outside a step it does nothing.
        """
        self._end_frame = self._stepping

    def _paused_now(self) -> bool:
        # A call, not ``self.paused`` inline: a step's callbacks change the
        # flag behind the caller's back (and a type checker's narrowing).
        return self.paused

    def _reaches_a_step(self, frame_dt: float) -> bool:
        dt = min(frame_dt * self._time_scale, self.max_frame)
        return self._accumulator + dt >= self.step * (1.0 - _STEP_EPSILON)

    def _fraction(self, accumulator: float) -> float:
        """What is left of ``accumulator`` once its whole steps are taken out."""
        step = self.step
        whole = int((accumulator + step * _STEP_EPSILON) // step)
        return max(accumulator - whole * step, 0.0)

    def _publish_input_now(self) -> None:
        if self.input is not None:
            self.input.publish_tick(self._tick, paused=True)
        self.bus.flush()

    def _not_inside_a_step(self, what: str) -> None:
        if self._stepping:
            raise RuntimeError(
                f"FixedStepLoop.{what}() called from inside a step (tick {self._tick}); "
                "set loop.paused or loop.time_scale instead, they are read after each step"
            )

    def _run_step(self) -> None:
        tick = self._tick
        dt = self.step
        times = self.phase_times
        clock = perf_counter if times is not None else None
        mark = clock() if clock is not None else 0.0
        self._stepping = True
        try:
            if self.input is not None:
                self.input.publish_tick(tick)
            if clock is not None:
                mark = _lap(times, "input", mark, clock)
            if self.timers is not None:
                self.timers.update(dt)
            if clock is not None:
                mark = _lap(times, "timers", mark, clock)
            self.bus.publish(FixedUpdate(tick, dt))
            if clock is not None:
                mark = _lap(times, "update", mark, clock)
            if self.collisions is not None:
                self.collisions.update()
            if clock is not None:
                mark = _lap(times, "collisions", mark, clock)
            self.bus.flush()
            if clock is not None:
                _lap(times, "flush", mark, clock)
        finally:
            # Even when a phase raised: the timers' clock has moved, so the tick has.
            self._tick = tick + 1
            self._stepping = False


def _lap(
    times: dict[str, float] | None, phase: str, mark: float, clock: Callable[[], float]
) -> float:
    """Add the seconds since ``mark`` to ``times[phase]``; return the new mark."""
    now = clock()
    if times is not None:
        times[phase] = times.get(phase, 0.0) + now - mark
    return now
