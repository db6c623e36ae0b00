"""Numbers the engine cannot compute with are refused or clamped at its edges, never a hang.

Issue 21, item 10: ``every(1.0, "coalesce")`` then ``update(1e308)`` looped
forever, as did ``every(1e-300, "skip")``; ``every(5e-324)`` raised on every
later update; ``every(1e-12)`` asked for ~1.7e10 calls a step; two
``move(c, 1e308, 0)`` left a collider at infinity; ``dropped_time`` could
become infinite.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.engine.collisions import CollisionWorld
from game.engine.collisions.world import MAX_COORD
from game.engine.events import EventBus
from game.engine.loop import MAX_FRAME_DT, MAX_TIME_SCALE, FixedStepLoop
from game.engine.timers import MAX_TIME, MIN_INTERVAL, Timers


@pytest.mark.parametrize("policy", ["all", "coalesce", "skip"])
def test_an_update_past_the_last_computable_time_is_refused_not_a_hang(
    bus: EventBus, policy: str
) -> None:
    timers = Timers(bus)
    calls: list[int] = []
    timers.every(1.0, lambda: calls.append(1), catch_up=policy)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="MAX_TIME"):
        timers.update(1e308)
    assert timers.time == 0.0 and calls == []
    timers.update(1.0)  # the clock still works
    assert calls == [1]


@pytest.mark.parametrize("interval", [1e-300, 5e-324, 1e-12, MIN_INTERVAL / 2])
@pytest.mark.parametrize("policy", ["all", "coalesce", "skip"])
def test_an_interval_too_short_to_step_is_refused(
    bus: EventBus, interval: float, policy: str
) -> None:
    timers = Timers(bus)
    with pytest.raises(ValueError, match="interval must be at least"):
        timers.every(interval, lambda: None, catch_up=policy)  # type: ignore[arg-type]
    timers.update(1 / 60)  # nothing was half-added


def test_the_shortest_interval_still_fires_once_per_period(bus: EventBus) -> None:
    timers = Timers(bus)
    handle = timers.every(MIN_INTERVAL, lambda: None)
    timers.update(0.001)
    assert handle.fired == pytest.approx(1000, abs=1)


@given(
    interval=st.floats(MIN_INTERVAL, 1e6),
    start=st.floats(0, MAX_TIME / 2),
    dt=st.floats(0, MAX_TIME / 2),
    policy=st.sampled_from(["coalesce", "skip"]),
)
def test_a_coalescing_timer_fires_at_most_once_per_update_anywhere_on_the_clock(
    interval: float, start: float, dt: float, policy: str
) -> None:
    timers = Timers(EventBus(on_error="raise"))
    timers.update(start)
    handle = timers.every(interval, lambda: None, catch_up=policy)  # type: ignore[arg-type]
    timers.update(dt)
    assert handle.fired <= 1
    # Away from the boundary (float rounding of start + interval), the answer is exact.
    if dt - interval > 1e-6:
        assert handle.fired == 1
    elif interval - dt > 1e-6:
        assert handle.fired == 0


def test_time_can_reach_max_time_and_no_further(bus: EventBus) -> None:
    timers = Timers(bus)
    timers.update(MAX_TIME)
    with pytest.raises(ValueError):
        timers.update(1.0)
    assert timers.time == MAX_TIME


# -- collisions ----------------------------------------------------------------------


def test_moves_that_would_overflow_are_refused_or_clamped(bus: EventBus) -> None:
    world = CollisionWorld(bus)
    box = world.add((0, 0, 10, 10))
    with pytest.raises(ValueError, match="within"):
        world.move(box, 1e308, 0)
    for _ in range(5):
        world.move(box, MAX_COORD, -MAX_COORD)
    assert box.position == (MAX_COORD, -MAX_COORD)
    world.update()
    assert all(math.isfinite(v) for v in box.position)


@pytest.mark.parametrize("value", [(1e308, 0), (0, -1e300), (math.nan, 0), (0, math.inf)])
def test_positions_beyond_the_world_are_refused(bus: EventBus, value: tuple[float, float]) -> None:
    world = CollisionWorld(bus)
    box = world.add((0, 0, 10, 10))
    with pytest.raises(ValueError):
        box.position = value
    assert box.position == (0.0, 0.0)
    with pytest.raises(ValueError):
        world.add((value[0], value[1], 1, 1))


# -- the loop ------------------------------------------------------------------------


def test_dropped_time_stays_finite_whatever_the_frames(bus: EventBus) -> None:
    loop = FixedStepLoop(bus)
    for _ in range(10):
        loop.advance(1e308)
    assert math.isfinite(loop.dropped_time)
    assert loop.dropped_time <= 10 * MAX_FRAME_DT


def test_a_time_scale_beyond_any_use_is_refused(bus: EventBus) -> None:
    loop = FixedStepLoop(bus)
    with pytest.raises(ValueError, match="time_scale"):
        loop.time_scale = 1e308
    loop.time_scale = MAX_TIME_SCALE
    loop.advance(1.0)
    assert math.isfinite(loop.dropped_time)
