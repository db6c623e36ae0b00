"""Timers: exact due times, catch-up policies, pause, loop, ordering, re-entrancy, errors."""

from __future__ import annotations

import gc
import logging
import math
import random
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import game.engine.timers as timers_module
from game.engine.events import EventBus
from game.engine.loop import FixedStepLoop
from game.engine.timers import _COMPACT_MIN, TimerHandle, Timers


def make_timers(bus: EventBus | None = None) -> Timers:
    return Timers(bus if bus is not None else EventBus(on_error="raise"))


def recorder(log: list[Any], label: object) -> Callable[[], None]:
    """A callback that appends ``label`` to ``log``."""

    def callback() -> None:
        log.append(label)

    return callback


def test_the_timers_module_does_not_import_pygame() -> None:
    import game.engine.timers

    assert "pygame" not in game.engine.timers.__dict__
    source = Path(game.engine.timers.__file__).read_text(encoding="utf-8")
    assert "import pygame" not in source


def test_game_exports_timers_and_timer_handle() -> None:
    import game

    assert game.Timers is Timers
    assert game.TimerHandle is TimerHandle


# -- due times ---------------------------------------------------------------


def test_after_fires_once_when_its_delay_has_passed() -> None:
    timers = make_timers()
    calls: list[tuple[str, int]] = []
    handle = timers.after(0.5, lambda a, b: calls.append((a, b)), "x", 7)
    timers.update(0.25)
    assert calls == []
    assert handle.remaining == 0.25
    timers.update(0.25)
    assert calls == [("x", 7)]
    assert handle.fired == 1
    assert not handle.active
    assert handle.remaining == 0.0
    timers.update(10.0)
    assert calls == [("x", 7)]


def test_every_0_1_over_100_000_periods_fires_at_exactly_start_plus_n_intervals() -> None:
    timers = make_timers()
    timers.update(0.05)
    timers.update(0.3)
    start = timers.time  # not a round number: due times must still be exact
    dues: list[float | None] = []
    handle: TimerHandle = timers.every(0.1, lambda: dues.append(handle.last_due))
    for _ in range(100_000):
        timers.update(0.1)
    assert handle.fired == len(dues) == 100_000
    assert dues == [start + n * 0.1 for n in range(1, 100_001)]
    assert handle.last_due == start + 100_000 * 0.1
    assert timers.fired_total == 100_000


def test_a_run_of_equal_steps_keeps_the_clock_exact() -> None:
    timers = make_timers()
    handle = timers.every(0.1, lambda: None)
    for _ in range(60_000):
        timers.update(1 / 60)
    # summing 1/60 sixty thousand times drifts; the clock computes n * dt
    assert timers.time == 60_000 * (1 / 60)
    assert handle.fired == 10_000


def test_every_call_runs_in_the_first_update_that_reaches_its_due_time() -> None:
    timers = make_timers()
    late: list[float] = []
    handle: TimerHandle = timers.every(0.07, lambda: late.append(timers.time - handle.last_due))
    for _ in range(6_000):
        timers.update(1 / 60)
    assert handle.fired == math.floor(100 / 0.07 + 1e-9)
    assert all(-1e-9 <= lateness < 1 / 60 for lateness in late)


def test_a_timer_due_within_float_rounding_of_the_clock_fires() -> None:
    timers = make_timers()
    fired: list[str] = []
    timers.after(0.1, recorder(fired, "decimal"))
    timers.after(23 / 60, recorder(fired, "23 steps"))
    timers.update(0.01)
    timers.update(0.09)  # 0.01 + 0.09 == 0.09999999999999999 < 0.1
    assert fired == ["decimal"]
    timers2 = make_timers()
    timers2.after(23 / 60, recorder(fired, "23 steps"))
    for _ in range(23):  # 23 * (1/60) == 0.3833333333333333 < 23 / 60
        timers2.update(1 / 60)
    assert fired == ["decimal", "23 steps"]


def test_after_zero_fires_on_the_next_update_even_with_dt_zero() -> None:
    timers = make_timers()
    fired: list[str] = []
    timers.after(0, recorder(fired, "now"))
    assert fired == []
    timers.update(0.0)
    assert fired == ["now"]


def test_times_limits_the_calls_of_every() -> None:
    timers = make_timers()
    fired: list[int] = []
    handle = timers.every(0.5, lambda: fired.append(handle.fired), times=3)
    timers.update(1.0)
    assert fired == [1, 2]
    assert handle.active
    timers.update(5.0)
    assert fired == [1, 2, 3]
    assert not handle.active
    assert timers.active_count == 0


# -- catch-up ------------------------------------------------------------------


def test_catch_up_all_calls_once_per_period_in_order() -> None:
    timers = make_timers()
    dues: list[float | None] = []
    handle: TimerHandle = timers.every(0.25, lambda: dues.append(handle.last_due))
    timers.update(1.0)  # interval shorter than the step
    assert dues == [0.25, 0.5, 0.75, 1.0]
    assert handle.periods == 1


def test_catch_up_coalesce_calls_once_and_reports_the_periods() -> None:
    timers = make_timers()
    seen: list[tuple[int, float | None]] = []
    handle: TimerHandle = timers.every(
        0.25, lambda: seen.append((handle.periods, handle.last_due)), catch_up="coalesce"
    )
    timers.update(1.0)
    assert seen == [(4, 0.25)]
    assert handle.fired == 1
    assert handle.remaining == 0.25  # back on the grid: next due at 1.25
    timers.update(0.25)
    assert seen == [(4, 0.25), (1, 1.25)]


def test_catch_up_skip_calls_once_and_drops_the_rest_keeping_the_grid() -> None:
    timers = make_timers()
    seen: list[tuple[int, float | None]] = []
    handle: TimerHandle = timers.every(
        0.25, lambda: seen.append((handle.periods, handle.last_due)), catch_up="skip"
    )
    timers.update(1.0)
    assert seen == [(1, 0.25)]
    assert handle.remaining == 0.25
    timers.update(0.3)
    assert seen == [(1, 0.25), (1, 1.25)]
    assert handle.remaining == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("catch_up", "calls", "periods"),
    [("all", 8, [1] * 8), ("coalesce", 1, [8]), ("skip", 1, [1])],
)
def test_a_stalled_frame_follows_the_catch_up_policy(
    catch_up: str, calls: int, periods: list[int]
) -> None:
    timers = make_timers()
    seen: list[int] = []
    handle: TimerHandle = timers.every(
        0.25,
        lambda: seen.append(handle.periods),
        catch_up=catch_up,  # type: ignore[arg-type]
    )
    timers.update(0.25)
    timers.update(0.25)
    seen.clear()
    timers.update(2.0)  # a stall: eight periods in one update
    assert len(seen) == calls
    assert seen == periods
    # every policy stays on the start + n * interval grid
    assert handle.remaining == 0.25
    timers.update(0.25)
    assert handle.last_due == 2.75


@pytest.mark.parametrize(
    ("catch_up", "calls_per_step", "periods"),
    [("all", 4, 1), ("coalesce", 1, 4), ("skip", 1, 1)],
)
def test_catch_up_through_the_loop_with_an_interval_shorter_than_the_step(
    catch_up: str, calls_per_step: int, periods: int
) -> None:
    bus = EventBus(on_error="raise")
    timers = Timers(bus)
    loop = FixedStepLoop(bus, step=0.125, max_frame=1.0, max_steps=8, timers=timers)
    seen: list[int] = []
    handle: TimerHandle = timers.every(
        0.03125,
        lambda: seen.append(handle.periods),
        catch_up=catch_up,  # type: ignore[arg-type]
    )
    loop.advance(0.125)
    assert seen == [periods] * calls_per_step
    seen.clear()
    assert loop.advance(1.0) == 8  # a stalled frame: the step cap, then dt == step
    assert seen == [periods] * (8 * calls_per_step)
    assert timers.time == loop.time == 1.125


def test_times_counts_calls_not_coalesced_periods() -> None:
    timers = make_timers()
    handle = timers.every(0.25, lambda: None, times=2, catch_up="coalesce")
    timers.update(1.0)
    assert (handle.fired, handle.periods, handle.active) == (1, 4, True)
    timers.update(1.0)
    assert (handle.fired, handle.active) == (2, False)


# -- pause, the loop, time scale -------------------------------------------------


def test_a_paused_handle_keeps_its_remaining_time() -> None:
    timers = make_timers()
    fired: list[float] = []
    handle = timers.every(1.0, lambda: fired.append(timers.time))
    timers.update(0.25)
    handle.pause()
    assert (handle.active, handle.paused, handle.remaining) == (False, True, 0.75)
    assert timers.active_count == 0
    timers.update(5.0)
    assert fired == []
    assert handle.remaining == 0.75
    handle.resume()
    assert (handle.active, handle.paused) == (True, False)
    timers.update(0.5)
    assert fired == []
    timers.update(0.25)
    assert fired == [6.0]
    timers.update(1.0)
    assert fired == [6.0, 7.0]  # later periods follow from the resume


def test_pause_and_resume_are_no_ops_when_they_do_not_apply() -> None:
    timers = make_timers()
    handle = timers.after(1.0, lambda: None)
    handle.resume()  # not paused
    assert handle.active
    handle.pause()
    handle.pause()  # already paused
    assert handle.remaining == 1.0
    handle.cancel()
    handle.resume()  # cancelled stays cancelled
    assert not handle.active
    assert not handle.paused
    timers.update(2.0)
    assert handle.fired == 0


def test_cancel_is_idempotent_and_releases_the_callback() -> None:
    class Enemy:
        def shoot(self) -> None:
            pass

    timers = make_timers()
    enemy = Enemy()
    ref = weakref.ref(enemy)
    handle = timers.after(3600.0, enemy.shoot)
    del enemy
    handle.cancel()
    handle.cancel()
    gc.collect()
    assert ref() is None  # the lingering heap entry holds nothing of it
    assert "Enemy.shoot" in handle.name
    assert timers.active_count == 0


def test_a_paused_loop_pauses_every_timer() -> None:
    bus = EventBus(on_error="raise")
    timers = Timers(bus)
    loop = FixedStepLoop(bus, step=1 / 60, timers=timers)
    fired: list[int] = []
    timers.every(0.5, lambda: fired.append(loop.tick))
    for _ in range(15):
        loop.advance(1 / 60)
    loop.paused = True
    for _ in range(120):
        loop.advance(1 / 60)
    assert fired == []
    assert timers.time == 15 * (1 / 60)
    loop.paused = False
    for _ in range(15):
        loop.advance(1 / 60)
    assert fired == [29]  # the 30th step reaches 0.5 s
    loop.paused = True
    loop.step_once()  # debugging still steps the timers
    assert timers.time == loop.time


@pytest.mark.parametrize(("scale", "frames"), [(0.5, 60), (2.0, 15)])
def test_time_scale_speeds_timers_up_or_down(scale: float, frames: int) -> None:
    bus = EventBus(on_error="raise")
    timers = Timers(bus)
    loop = FixedStepLoop(bus, step=1 / 60, timers=timers)
    loop.time_scale = scale
    handle = timers.after(0.5, lambda: None)
    for _ in range(frames - 1):
        loop.advance(1 / 60)
    assert handle.fired == 0
    loop.advance(1 / 60)
    assert handle.fired == 1
    assert timers.time == loop.time == 30 * (1 / 60)


# -- ordering --------------------------------------------------------------------


def test_due_timers_fire_in_due_time_order_ties_in_creation_order() -> None:
    timers = make_timers()
    order: list[str] = []
    timers.after(0.5, recorder(order, "a@0.5"))
    timers.every(0.25, recorder(order, "b@0.25,0.5"), times=2)
    timers.after(0.25, recorder(order, "c@0.25"))
    timers.after(0.5, recorder(order, "d@0.5"))
    timers.after(0.125, recorder(order, "e@0.125"))
    timers.update(1.0)
    assert order == ["e@0.125", "b@0.25,0.5", "c@0.25", "a@0.5", "b@0.25,0.5", "d@0.5"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["after", "every"]),
            st.sampled_from([0.0, 0.1, 0.125, 0.25, 1 / 3, 0.5, 1.0]),
            st.one_of(st.none(), st.integers(1, 4)),
        ),
        min_size=1,
        max_size=12,
    ),
    st.lists(st.sampled_from([0.0, 1 / 60, 0.05, 0.1, 0.25, 0.7]), min_size=1, max_size=12),
)
def test_random_schedules_fire_in_sorted_due_time_order(
    schedule: list[tuple[str, float, int | None]], steps: list[float]
) -> None:
    timers = make_timers()
    fired: list[tuple[float, int]] = []
    expected: list[tuple[float, int]] = []
    handles: list[TimerHandle] = []
    for index, (kind, value, times) in enumerate(schedule):

        def callback(index: int = index) -> None:
            due = handles[index].last_due
            assert due is not None
            fired.append((due, index))

        if kind == "after":
            handles.append(timers.after(value, callback))
            expected.append((value, index))
        else:
            interval = value or 0.5
            handles.append(timers.every(interval, callback, times=times))
            expected += [(n * interval, index) for n in range(1, (times or 40) + 1)]
    for dt in steps:
        timers.update(dt)
    horizon = timers.time + 1e-9
    assert fired == sorted(e for e in expected if e[0] <= horizon)


@given(st.integers(0, 2**32 - 1))
def test_bookkeeping_stays_consistent_under_any_mix_of_operations(seed: int) -> None:
    # Operations drawn from a seeded RNG: 200 per example, enough to reach
    # compaction and the mid-pass paths that short hypothesis lists rarely do.
    rng = random.Random(seed)
    timers = make_timers()
    handles: list[TimerHandle] = []
    ops = [
        (
            rng.choice(["after", "every", "every", "cancel", "pause", "resume", "update"]),
            rng.randrange(1000),
            rng.choice([0.0, 0.05, 0.1, 0.25, 1.0]),
            rng.choice([None, "cancel", "pause", "resume", "spawn"]),
        )
        for _ in range(200)
    ]

    def act(action: str | None, index: int) -> Callable[[], None]:
        def callback() -> None:  # what a timer does to another one, mid-pass
            if action == "spawn":
                handles.append(timers.after(0.0, noop))
            elif action is not None:
                getattr(handles[index % len(handles)], action)()

        return callback

    def check() -> None:
        heap = timers._heap
        live = [entry for entry in heap if entry[2]._entry is entry]
        assert timers._stale == len(heap) - len(live)
        assert timers.active_count == len(live) == sum(h.active for h in handles)
        assert all(h._entry is not None for h in handles if h.active)
        assert not any(h.active and h.paused for h in handles)

    compact_min = timers_module._COMPACT_MIN
    timers_module._COMPACT_MIN = 2  # compact often, also in the middle of passes
    try:
        for op, index, value, action in ops:
            if op == "after":
                handles.append(timers.after(value, act(action, index)))
            elif op == "every":
                interval = value or 0.1
                handles.append(timers.every(interval, act(action, index), times=index % 3 or None))
            elif op == "update":
                timers.update(value)
            elif handles:
                getattr(handles[index % len(handles)], op)()
            check()
    finally:
        timers_module._COMPACT_MIN = compact_min


# -- re-entrancy -----------------------------------------------------------------


def test_a_timer_added_inside_a_callback_fires_in_the_next_update_never_the_same() -> None:
    timers = make_timers()
    order: list[str] = []

    def spawn() -> None:
        order.append("spawn")
        timers.after(0, recorder(order, "child"))
        timers.every(0.001, recorder(order, "fast"), times=1)

    timers.after(0.5, spawn)
    timers.update(1.0)
    assert order == ["spawn"]
    timers.update(0.0)
    assert order == ["spawn", "child"]
    timers.update(0.001)
    assert order == ["spawn", "child", "fast"]


def test_a_timer_cancelled_or_paused_inside_a_callback_is_not_called_in_that_pass() -> None:
    timers = make_timers()
    order: list[str] = []
    victim = timers.after(0.5, recorder(order, "victim"))
    sleeper = timers.every(0.5, recorder(order, "sleeper"))

    def first() -> None:
        order.append("first")
        victim.cancel()
        sleeper.pause()

    timers.after(0.25, first)
    timers.update(1.0)
    assert order == ["first"]
    sleeper.resume()
    timers.update(0.25)
    assert order == ["first", "sleeper"]


def test_a_repeating_timer_can_cancel_or_pause_itself() -> None:
    timers = make_timers()
    stopper: TimerHandle = timers.every(0.1, lambda: stopper.cancel())
    pauser: TimerHandle = timers.every(0.25, lambda: pauser.pause())
    timers.update(1.0)
    assert stopper.fired == 1
    assert not stopper.active
    assert pauser.fired == 1
    assert pauser.paused
    # its next period (0.5) was already due when it paused at 1.0: it is owed now
    assert pauser.remaining == 0.0
    pauser.resume()
    timers.update(0.0)
    assert pauser.fired == 2
    assert timers.active_count == 0


def test_a_timer_resumed_inside_a_callback_waits_for_the_next_update() -> None:
    timers = make_timers()
    order: list[str] = []
    napper = timers.after(0.1, recorder(order, "napper"))
    napper.pause()
    timers.after(0.1, lambda: napper.resume())
    timers.update(1.0)
    assert order == []
    timers.update(0.1)
    assert order == ["napper"]


def test_update_from_inside_a_callback_is_an_error() -> None:
    timers = make_timers()
    timers.after(0.1, lambda: timers.update(0.1))
    with pytest.raises(RuntimeError, match="inside a timer callback"):
        timers.update(0.1)
    assert timers.time == 0.1
    timers.update(0.1)  # the timers are usable afterwards


# -- errors ----------------------------------------------------------------------


def fail() -> None:
    raise ZeroDivisionError("boom")


def test_a_raising_callback_is_logged_and_the_other_timers_still_fire(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = EventBus(on_error="log")
    timers = Timers(bus)
    order: list[str] = []
    timers.after(0.1, fail, name="bomb")
    timers.after(0.2, recorder(order, "after bomb"))
    with caplog.at_level(logging.ERROR):
        assert timers.update(0.5) == 2
    assert order == ["after bomb"]
    assert bus.handler_errors == 1
    assert "bomb" in caplog.text


def test_under_raise_the_error_propagates_and_what_is_due_fires_next_update() -> None:
    timers = make_timers()
    order: list[str] = []
    timers.after(0.1, fail)
    timers.after(0.2, recorder(order, "next"))
    with pytest.raises(ZeroDivisionError, match="boom"):
        timers.update(0.5)
    assert order == []
    assert timers.update(0.0) == 1
    assert order == ["next"]
    assert timers.fired_total == 2


def test_a_repeating_timer_failing_max_failures_times_in_a_row_is_cancelled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = EventBus(on_error="log", max_failures=3)
    timers = Timers(bus)
    outcomes = iter([True, True, False, True, True, True, True])

    def flaky() -> None:
        if next(outcomes):
            raise ValueError("flaky")

    handle = timers.every(0.1, flaky, name="flaky")
    with caplog.at_level(logging.WARNING):
        for _ in range(5):
            timers.update(0.1)
        assert handle.active  # fail, fail, ok, fail, fail: never three in a row
        assert handle.failures == 2
        timers.update(0.1)
    assert not handle.active
    assert handle.fired == 6
    assert bus.handler_errors == 5
    assert "cancelled timer flaky after 3 consecutive failures" in caplog.text
    timers.update(1.0)
    assert handle.fired == 6


# -- validation ------------------------------------------------------------------


def noop() -> None:
    pass


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda t: t.after(-0.1, noop), ValueError, "delay"),
        (lambda t: t.after(math.nan, noop), ValueError, "delay"),
        (lambda t: t.after(math.inf, noop), ValueError, "delay"),
        (lambda t: t.after("1", noop), TypeError, "delay"),
        (lambda t: t.after(1.0, "noop"), TypeError, "callback"),
        (lambda t: t.after(1.0, noop, name=3), TypeError, "name"),
        (lambda t: t.every(0, noop), ValueError, "interval"),
        (lambda t: t.every(-1.0, noop), ValueError, "interval"),
        (lambda t: t.every(math.nan, noop), ValueError, "interval"),
        (lambda t: t.every(math.inf, noop), ValueError, "interval"),
        (lambda t: t.every(True, noop), TypeError, "interval"),
        (lambda t: t.every(1.0, None), TypeError, "callback"),
        (lambda t: t.every(1.0, noop, times=0), ValueError, "times"),
        (lambda t: t.every(1.0, noop, times=-2), ValueError, "times"),
        (lambda t: t.every(1.0, noop, times=1.5), TypeError, "times"),
        (lambda t: t.every(1.0, noop, times=True), TypeError, "times"),
        (lambda t: t.every(1.0, noop, catch_up="late"), ValueError, "catch_up"),
        (lambda t: t.update(-1 / 60), ValueError, "dt"),
        (lambda t: t.update(math.nan), ValueError, "dt"),
        (lambda t: t.update(None), TypeError, "dt"),
    ],
)
def test_bad_arguments_raise_errors_naming_the_argument(
    call: Callable[[Timers], object], error: type[Exception], name: str
) -> None:
    timers = make_timers()
    with pytest.raises(error, match=rf"^{name} "):
        call(timers)
    assert timers.active_count == 0
    assert timers.time == 0.0


def test_whole_numbers_are_accepted_for_times_and_durations() -> None:
    timers = make_timers()
    handle = timers.every(1, lambda: None, times=2)
    timers.update(2)
    assert handle.fired == 2


# -- memory ----------------------------------------------------------------------


def test_a_million_create_cancel_cycles_keep_the_heap_bounded() -> None:
    timers = make_timers()
    live = [timers.every(0.5, noop) for _ in range(10)]
    bound = 2 * (len(live) + _COMPACT_MIN)
    largest = 0
    after = timers.after
    for _ in range(1_000):
        for _ in range(1_000):
            after(1.0, noop).cancel()
        largest = max(largest, len(timers._heap))
    assert largest <= bound
    assert len(timers._heap) <= bound
    assert timers.active_count == len(live)
    timers.update(0.5)
    assert all(handle.fired == 1 for handle in live)


def test_finished_timers_leave_the_heap() -> None:
    timers = make_timers()
    for _ in range(1_000):
        timers.after(0.0, noop)
        timers.every(0.1, noop, times=2)
    timers.update(0.2)
    assert timers._heap == []
    assert timers.active_count == 0
    assert timers.fired_total == 3_000


# -- the demo --------------------------------------------------------------------


def test_the_demo_day_turns_on_a_timer_in_game_time(app: Any) -> None:
    assert app.loop.timers is app.timers
    start = app.scene.day.daylight
    app.run_ticks(59)
    assert app.scene.day.daylight == start  # the "daylight" timer first fires at 1.0 s
    app.run_ticks(1)
    moved = app.scene.day.daylight
    assert moved != start
    app.loop.paused = True
    app.run_ticks(120)
    assert app.scene.day.daylight == moved  # a paused loop pauses every timer


def test_upcoming_lists_scheduled_timers_soonest_first_by_name() -> None:
    timers = Timers(EventBus(on_error="raise"))
    timers.after(2.0, lambda: None, name="later")
    soon = timers.every(0.5, lambda: None, name="blink")
    gone = timers.after(0.1, lambda: None, name="cancelled")
    gone.cancel()
    paused = timers.after(0.2, lambda: None, name="paused")
    paused.pause()
    assert [t.name for t in timers.upcoming()] == ["blink", "later"]
    assert timers.upcoming(1) == [soon]


# -- documented edges ---------------------------------------------------------------


def test_rearming_after_from_its_own_callback_drifts_while_every_does_not() -> None:
    # The peers' case: 0.21 s at 60 Hz for 2,100 s. A re-armed after() starts its
    # next delay from the step it ran in (late by up to a step), so the lateness
    # adds up; every() computes start + n * interval.
    timers = make_timers()
    rearmed: list[float] = []

    def again() -> None:
        rearmed.append(timers.time)
        timers.after(0.21, again)

    timers.after(0.21, again)
    grid = timers.every(0.21, lambda: None)
    for _ in range(2100 * 60):
        timers.update(1 / 60)
    assert grid.fired == 10_000
    assert len(rearmed) == 9_692  # every period is rounded up to 13 steps: 0.2167 s
    assert rearmed[1] - rearmed[0] == pytest.approx(13 / 60)


def test_lateness_can_be_negative_by_float_rounding_only() -> None:
    timers = make_timers()
    handle = timers.after(23 / 60, lambda: None)
    for _ in range(23):
        timers.update(1 / 60)
    assert handle.fired == 1 and handle.last_due == 23 / 60
    late = timers.time - handle.last_due
    assert -1e-9 <= late < 0  # 23 * (1/60) rounds just below 23/60, and still fires


def test_a_one_shot_timer_that_raises_is_finished_and_not_called_again() -> None:
    timers = make_timers()
    calls: list[int] = []

    def once() -> None:
        calls.append(1)
        raise ValueError("once")

    handle = timers.after(0.1, once)
    with pytest.raises(ValueError):
        timers.update(0.2)
    timers.update(1.0)
    assert calls == [1] and not handle.active and timers.active_count == 0


async def async_callback() -> None:  # pragma: no cover - refused, never run
    pass


@pytest.mark.parametrize("make", ["after", "every"])
def test_an_async_callback_is_refused_saying_what_to_do(make: str) -> None:
    import functools

    timers = make_timers()
    for callback in (async_callback, functools.partial(async_callback)):
        with pytest.raises(TypeError, match="async function") as info:
            getattr(timers, make)(1.0, callback)
        assert "never awaits" in str(info.value)
    assert timers.active_count == 0


def test_a_callback_returning_a_coroutine_is_reported_not_dropped() -> None:
    import warnings

    bus = EventBus(on_error="log")
    timers = Timers(bus)
    timers.after(0.1, lambda: async_callback())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the coroutine is closed: no "never awaited"
        timers.update(0.2)
        gc.collect()
    assert bus.handler_errors == 1
    strict = make_timers()
    strict.after(0.1, lambda: async_callback())
    with pytest.raises(TypeError, match="never awaited"):
        strict.update(0.2)
