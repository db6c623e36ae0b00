"""Game-time timers: "later" and "every so often" as callbacks, exact and in order.

The clock here is game time, advanced only by :meth:`Timers.update` (phase 2
of every fixed step), never the wall clock: a paused loop pauses every timer,
``time_scale`` speeds them up, and a test drives them with plain numbers.

Contract (see ``docs/timers.md``):

* The n-th firing of ``every(interval)`` is due at exactly ``start + n * interval``,
  computed, not summed, so 100,000 firings do not drift.
* Due timers fire in due-time order, ties in creation order.
* When one update spans several periods, ``catch_up`` decides: ``"all"`` calls
  once per period, ``"coalesce"`` calls once and sets ``handle.periods``,
  ``"skip"`` calls once and drops the rest.
* Callbacks run through the bus's error policy; a repeating timer that fails
  ``bus.max_failures`` times in a row is cancelled with a warning.
* Adding, cancelling, pausing or resuming timers inside a timer callback is
  safe; a timer added (or resumed) inside a callback fires at the earliest in
  the next :meth:`Timers.update`, never in the same pass.
"""

from __future__ import annotations

import inspect
import logging
import math
import sys
from collections.abc import Callable
from functools import partial
from heapq import heapify, heappop, heappush, heapreplace
from typing import Any, Literal

from game.engine._checks import non_negative, positive
from game.engine.events import EventBus, callable_name, check_not_async

__all__ = ["MAX_TIME", "MIN_INTERVAL", "CatchUp", "TimerHandle", "Timers"]

log = logging.getLogger(__name__)

#: What a repeating timer does when one update spans several of its periods.
CatchUp = Literal["all", "coalesce", "skip"]

_ALL, _COALESCE, _SKIP = 0, 1, 2
_POLICIES: dict[str, int] = {"all": _ALL, "coalesce": _COALESCE, "skip": _SKIP}

# A timer due within a nanosecond after the clock counts as due: 23 steps of
# 1/60 come to 0.3833333333333333, a rounding short of 23/60, and must reach it.
_EPSILON = 1e-9
_INF = math.inf
#: The shortest ``every`` interval, in seconds: at most ~16,700 calls in one
#: 60 Hz step. Shorter ones (1e-12 asked for 1.7e10 calls a step) are refused.
MIN_INTERVAL = 1e-6
#: The latest game time the clock reaches, in seconds (~8.5 years): beyond it,
#: float rounding makes consecutive periods of MIN_INTERVAL equal, and a
#: catch-up could never get past them. ``update`` refuses to go further.
MAX_TIME = float(2**28)
# The call limit of a timer without ``times=``: an int, so the per-fire
# comparison stays int against int.
_UNLIMITED = sys.maxsize
# Cancelled entries stay in the heap until popped (lazy deletion); the heap is
# rebuilt without them once they are more than half of it and more than this.
_COMPACT_MIN = 64

_Entry = tuple[float, int, "TimerHandle"]


def _released() -> None:
    """Stands in for the callback of a cancelled timer, so it holds no references."""


class TimerHandle:
    """One scheduled callback: ``cancel()``, ``pause()``, ``resume()`` it, or inspect it.

    Returned by :meth:`Timers.after` and :meth:`Timers.every`. ``active`` is
    True while it is scheduled (not paused, cancelled or finished); ``fired``
    counts calls; ``periods`` is how many periods the current call stands for
    (more than 1 only with ``catch_up="coalesce"``); ``last_due`` is the game
    time the latest call was due at, so ``timers.time - handle.last_due`` is
    how late it ran (a hair negative, above -1 ns, when float rounding left
    the clock just short of the due time it counts as reached).
    """

    # The firing loop reads these slots directly: keep them few and flat.
    __slots__ = (
        "_anchor",
        "_call",
        "_callback",
        "_entry",
        "_fail_mark",
        "_failures",
        "_interval",
        "_koff",
        "_limit",
        "_name",
        "_policy",
        "_remaining",
        "_seq",
        "_timers",
        "active",
        "fired",
        "last_due",
        "paused",
        "periods",
    )

    def __init__(
        self,
        timers: Timers,
        seq: int,
        callback: Callable[..., object],
        args: tuple[Any, ...],
        interval: float,
        limit: int,
        policy: int,
        name: str | None,
    ) -> None:
        self._timers = timers
        self._seq = seq
        self._callback = callback
        # A partial is called in C; ``callback(*())`` costs more than ``call()``.
        self._call: Callable[[], object] = partial(callback, *args) if args else callback
        self._interval = interval
        self._limit = limit
        self._policy = policy
        self._name = name
        # Due times are _anchor + k * _interval, computed, never summed: the
        # anchor is the creation (or resume) time and k = fired + _koff the
        # index of the next period (an offset, so the hot path stores nothing).
        self._anchor = timers._time
        self._koff = 1
        self._entry: _Entry | None = None
        self._remaining = 0.0
        # Consecutive failures without a per-call reset: _fail_mark is the
        # call number of the latest failure.
        self._failures = 0
        self._fail_mark = -1
        #: True while scheduled: not paused, cancelled or finished.
        self.active = True
        #: True while paused; :meth:`resume` continues it.
        self.paused = False
        #: How many times the callback has been called.
        self.fired = 0
        #: How many periods the current (or latest) call stands for.
        self.periods = 1
        #: The game time the current (or latest) call was due at; None before the first.
        self.last_due: float | None = None

    @property
    def name(self) -> str:
        """The ``name=`` given, or the callback's qualified name (for logs and the overlay)."""
        return self._name if self._name is not None else callable_name(self._callback)

    @property
    def remaining(self) -> float:
        """Game seconds until the next call (frozen while paused; 0 once done)."""
        entry = self._entry
        if entry is not None:
            return max(0.0, entry[0] - self._timers._time)
        return self._remaining if self.paused else 0.0

    @property
    def failures(self) -> int:
        """How many of the latest calls failed in a row."""
        return self._failures if self._fail_mark == self.fired else 0

    def cancel(self) -> None:
        """Stop this timer for good. Idempotent; safe inside any timer callback.

        The callback and its arguments are released at once (the heap entry
        may linger until it is popped or compacted away, but holds nothing).
        """
        if self._entry is not None:
            self._timers._unschedule(self)
        if self._callback is not _released:
            if self._name is None:
                self._name = callable_name(self._callback)
            self._callback = self._call = _released
        self.active = False
        self.paused = False
        self._remaining = 0.0

    def pause(self) -> None:
        """Stop the clock for this timer, keeping its remaining time. No-op unless active."""
        entry = self._entry
        if entry is None:
            return
        self._remaining = max(0.0, entry[0] - self._timers._time)
        self._timers._unschedule(self)
        self.active = False
        self.paused = True

    def resume(self) -> None:
        """Continue a paused timer: next call after its remaining time. No-op unless paused.

        Later periods follow from there (the schedule shifts by the pause).
        """
        if not self.paused:
            return
        self.paused = False
        self.active = True
        timers = self._timers
        self._anchor = timers._time + self._remaining
        self._koff = -self.fired
        timers._schedule(self, self._anchor)

    def __repr__(self) -> str:
        state = "active" if self.active else "paused" if self.paused else "done"
        return f"<TimerHandle {self.name} {state} fired={self.fired}>"


class Timers:
    """Game-time timers on a heap, fired in due-time order by :meth:`update`.

    Callbacks run through ``bus``'s error policy (``bus.report_error``): under
    ``on_error="log"`` a raising callback is logged and counted in
    ``bus.handler_errors`` and the other timers still fire; under ``"raise"``
    the exception leaves :meth:`update` (the timers stay consistent, and what
    was still due fires on the next update).
    """

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        #: Callbacks called since creation (for the debug overlay and the summary).
        self.fired_total = 0
        self._heap: list[_Entry] = []
        # Entries scheduled during a pass wait here until the pass ends.
        self._pending: list[_Entry] = []
        self._firing = False
        self._stale = 0  # cancelled or paused entries still in the heap or pending
        self._active = 0
        self._seq = 0
        # The clock: a run of equal steps is computed as start + n * dt, so a
        # loop's timers.time equals loop.time exactly (tick * step).
        self._time = 0.0
        self._seg_start = 0.0
        self._seg_dt = -1.0
        self._seg_n = 0

    @property
    def time(self) -> float:
        """Game seconds advanced by :meth:`update` so far."""
        return self._time

    @property
    def active_count(self) -> int:
        """How many timers are scheduled (paused, cancelled and finished ones excluded)."""
        return self._active

    def upcoming(self, limit: int | None = None) -> list[TimerHandle]:
        """The scheduled timers, soonest first (at most ``limit``): for the debug overlay."""
        live = sorted(e for e in (*self._heap, *self._pending) if e[2]._entry is e)
        return [entry[2] for entry in live[:limit]]

    # -- scheduling ----------------------------------------------------------

    def after(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        name: str | None = None,
    ) -> TimerHandle:
        """Call ``callback(*args)`` once, ``delay`` game seconds from now.

        Re-arming ``after`` from its own callback drifts: each new delay starts
        when the callback ran, up to one step late (at 60 Hz, ``after(0.21)``
        re-armed runs 9,692 times in 2,100 s). Use :meth:`every` for a rhythm.

        Raises ``ValueError`` if ``delay`` is negative, NaN or infinite, and
        ``TypeError`` if it is not a number, ``callback`` is not callable or is
        an ``async def`` function (it would never be awaited).
        """
        if delay.__class__ is not float or not 0.0 <= delay < _INF:
            delay = non_negative("delay", delay)
        if not callable(callback) or (name is not None and name.__class__ is not str):
            _check(callback, name)
        check_not_async("callback", callback)
        return self._add(callback, args, delay, 1, _ALL, name)

    def every(
        self,
        interval: float,
        callback: Callable[..., object],
        *args: Any,
        times: int | None = None,
        catch_up: CatchUp = "all",
        name: str | None = None,
    ) -> TimerHandle:
        """Call ``callback(*args)`` every ``interval`` game seconds, ``times`` times or forever.

        The n-th call is due at ``start + n * interval``. ``catch_up`` says
        what happens when one update spans several periods (see the module
        docstring). Raises ``ValueError`` if ``interval`` is not a finite
        number >= :data:`MIN_INTERVAL`, ``times`` is < 1 or ``catch_up`` is unknown; ``TypeError``
        if ``times`` is not an int or ``callback`` is not callable or is ``async def``.
        """
        if interval.__class__ is not float or not MIN_INTERVAL <= interval < _INF:
            interval = positive("interval", interval)
            if interval < MIN_INTERVAL:
                raise ValueError(f"interval must be at least {MIN_INTERVAL} s, not {interval!r}")
        if times is None:
            limit = _UNLIMITED
        elif isinstance(times, bool) or not isinstance(times, int):
            raise TypeError(f"times must be an int or None, not {type(times).__name__} {times!r}")
        elif times < 1:
            raise ValueError(f"times must be at least 1, not {times!r}")
        else:
            limit = times
        policy = _POLICIES.get(catch_up) if isinstance(catch_up, str) else None
        if policy is None:
            raise ValueError(f"catch_up must be 'all', 'coalesce' or 'skip', not {catch_up!r}")
        if not callable(callback) or (name is not None and name.__class__ is not str):
            _check(callback, name)
        check_not_async("callback", callback)
        return self._add(callback, args, interval, limit, policy, name)

    def _add(
        self,
        callback: Callable[..., object],
        args: tuple[Any, ...],
        interval: float,
        limit: int,
        policy: int,
        name: str | None,
    ) -> TimerHandle:
        # _schedule, inlined: creating timers is common (every bullet, every hit).
        self._seq = seq = self._seq + 1
        handle = TimerHandle(self, seq, callback, args, interval, limit, policy, name)
        entry = (handle._anchor + interval, seq, handle)
        handle._entry = entry
        self._active += 1
        if self._firing:
            self._pending.append(entry)
        else:
            heappush(self._heap, entry)
        return handle

    def _schedule(self, handle: TimerHandle, due: float) -> None:
        entry = (due, handle._seq, handle)
        handle._entry = entry
        self._active += 1
        if self._firing:
            self._pending.append(entry)
        else:
            heappush(self._heap, entry)

    def _unschedule(self, handle: TimerHandle) -> None:
        # Lazy deletion: the entry stays where it is and is skipped when popped.
        handle._entry = None
        self._active -= 1
        self._stale = stale = self._stale + 1
        if stale > _COMPACT_MIN and 2 * stale > len(self._heap) + len(self._pending):
            self._compact()

    def _compact(self) -> None:
        # In place: a pass in progress holds the same list objects.
        heap = self._heap
        heap[:] = [entry for entry in heap if entry[2]._entry is entry]
        heapify(heap)
        pending = self._pending
        pending[:] = [entry for entry in pending if entry[2]._entry is entry]
        self._stale = 0

    # -- firing --------------------------------------------------------------

    def update(self, dt: float) -> int:
        """Advance game time by ``dt`` seconds and fire what is due; return how many fired.

        Raises ``ValueError`` if ``dt`` is negative or not finite or would take
        the clock past :data:`MAX_TIME`, and ``RuntimeError`` if called from
        inside a timer callback.
        """
        if dt.__class__ is not float or not 0.0 <= dt < _INF:
            dt = non_negative("dt", dt)
        if self._time + dt > MAX_TIME:
            raise ValueError(f"dt {dt!r} takes the clock past MAX_TIME ({MAX_TIME:g} s)")
        if self._firing:
            raise RuntimeError("Timers.update() called from inside a timer callback")
        if dt == self._seg_dt:
            n = self._seg_n + 1
            self._seg_n = n
            now = self._seg_start + n * dt
        elif dt == 0.0:
            now = self._time
        else:
            self._seg_start = start = self._time
            self._seg_dt = dt
            self._seg_n = 1
            now = start + dt
        self._time = now
        heap = self._heap
        horizon = now + _EPSILON
        if not heap or heap[0][0] > horizon:
            return 0
        return self._fire(heap, horizon)

    def _fire(self, heap: list[_Entry], horizon: float) -> int:
        # The hot path. Each due entry is replaced by the timer's next entry
        # *before* its callback runs, so the heap is consistent whatever the
        # callback does (cancel, pause, add timers, raise).
        fired = 0
        replace = heapreplace  # a local: this runs once per fired callback
        self._firing = True
        try:
            while heap:
                entry = heap[0]
                due, seq, handle = entry
                if due > horizon:
                    break
                if handle._entry is not entry:  # cancelled or paused: drop it
                    heappop(heap)
                    self._stale -= 1
                    continue
                calls = handle.fired + 1
                handle.fired = calls
                handle.last_due = due
                if calls < handle._limit:
                    k = calls + handle._koff
                    if handle._policy:
                        k = _catch_up(handle, k, horizon)
                        handle._koff = k - calls
                    entry = (handle._anchor + k * handle._interval, seq, handle)
                    handle._entry = entry
                    replace(heap, entry)
                else:
                    heappop(heap)
                    handle._entry = None
                    handle.active = False
                    self._active -= 1
                fired += 1
                try:
                    result = handle._call()
                except Exception as exc:
                    self._failed(handle, exc)
                else:
                    if result is not None and inspect.isawaitable(result):
                        self._never_awaited(handle, result)
        finally:
            self._firing = False
            self.fired_total += fired
            if self._pending:
                self._push_pending()
        return fired

    def _push_pending(self) -> None:
        heap = self._heap
        for entry in self._pending:
            if entry[2]._entry is entry:
                heappush(heap, entry)
            else:
                self._stale -= 1
        self._pending.clear()

    def _never_awaited(self, handle: TimerHandle, result: object) -> None:
        close = getattr(result, "close", None)
        if close is not None:
            close()  # it will never run: spare the "never awaited" warning
        self._failed(
            handle,
            TypeError(
                f"timer {handle.name} returned {type(result).__name__} {result!r}, which "
                "is never awaited: the work in it did not run"
            ),
        )

    def _failed(self, handle: TimerHandle, exc: Exception) -> None:
        calls = handle.fired
        handle._failures = handle._failures + 1 if handle._fail_mark == calls - 1 else 1
        handle._fail_mark = calls
        self.bus.report_error(handle.name, handle, exc)  # re-raises under "raise"
        limit = self.bus.max_failures
        if limit is not None and handle._failures >= limit and handle._entry is not None:
            log.warning(
                "cancelled timer %s after %d consecutive failures", handle.name, handle._failures
            )
            handle.cancel()

    def __repr__(self) -> str:
        return f"<Timers time={self._time!r} active={self._active} fired={self.fired_total}>"


def _check(callback: object, name: object) -> None:
    """Raise the error for a bad ``callback`` or ``name``."""
    if not callable(callback):
        raise TypeError(f"callback must be callable, not {callback!r}")
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a str or None, not {type(name).__name__} {name!r}")


def _catch_up(handle: TimerHandle, k: int, horizon: float) -> int:
    """For coalesce and skip: the index of the first period after ``horizon``.

    ``k - 1`` is the period being called now; every period up to ``horizon``
    is folded into this one call (coalesce reports how many in ``periods``).
    """
    anchor = handle._anchor
    interval = handle._interval
    last = max(k - 1, int((horizon - anchor) / interval))
    # The division rounds: settle on the exact computed due times.
    while anchor + (last + 1) * interval <= horizon:
        last += 1
    while last >= k and anchor + last * interval > horizon:
        last -= 1
    if handle._policy == _COALESCE:
        handle.periods = last - k + 2
    return last + 1
