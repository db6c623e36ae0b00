"""Timers with 1,000 repeating timers: cost per fired callback and per idle tick.

Compared, in the same process and interleaved, with the floor — a minimal heap
scheduler written here (no cancel, no error policy, no catch-up, summed due
times) — and with pyglet's ``pyglet.clock.Clock`` when pyglet is installed
(``pip install -e ".[bench]"``). Run alone: ``python -m benchmarks.bench_timers``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from heapq import heappush, heapreplace
from typing import Any

from benchmarks.harness import Result, interleaved, main, per_call, summarize
from game.engine.events import EventBus
from game.engine.timers import Timers

__all__ = ["run"]

N_TIMERS = 1_000
STEP = 1 / 60
TARGET = 1.5  # Timers per fired callback, against the heap floor


def noop() -> None:
    """The callback every scheduler calls, so only the scheduling is measured."""


def noop_dt(dt: float) -> None:
    """pyglet passes the elapsed time to every callback."""


class HeapFloor:
    """The least a heap scheduler can do per firing: peek, replace, call."""

    def __init__(self) -> None:
        self.heap: list[tuple[float, int, float, Callable[[], object]]] = []
        self.now = 0.0
        self.seq = 0

    def every(self, interval: float, callback: Callable[[], object]) -> None:
        self.seq += 1
        heappush(self.heap, (self.now + interval, self.seq, interval, callback))

    def update(self, dt: float) -> None:
        self.now = now = self.now + dt
        heap = self.heap
        while heap[0][0] <= now:
            due, seq, interval, callback = heap[0]
            heapreplace(heap, (due + interval, seq, interval, callback))
            callback()


def _intervals(seed: int, low: float, high: float) -> list[float]:
    rng = random.Random(seed)
    return [rng.uniform(low, high) for _ in range(N_TIMERS)]


# Each builder takes the intervals and the callback and returns a tick
# function that advances its scheduler by STEP.
Builder = Callable[[list[float], Callable[..., object]], Callable[[], object]]


def build_timers(intervals: list[float], callback: Callable[[], object]) -> Callable[[], object]:
    timers = Timers(EventBus(on_error="raise"))
    for interval in intervals:
        timers.every(interval, callback)
    update = timers.update

    def tick() -> object:
        return update(STEP)

    return tick


def build_floor(intervals: list[float], callback: Callable[[], object]) -> Callable[[], object]:
    floor = HeapFloor()
    for interval in intervals:
        floor.every(interval, callback)
    update = floor.update

    def tick() -> object:
        return update(STEP)

    return tick


def _pyglet_builder() -> (
    Callable[[list[float], Callable[..., object]], Callable[[], object]] | None
):
    try:
        import pyglet

        pyglet.options["headless"] = True  # no display needed: only the clock is used
        from pyglet.clock import Clock
    except Exception:  # not installed, or no usable backend: skip it
        return None

    def build_pyglet(
        intervals: list[float], callback: Callable[..., object]
    ) -> Callable[[], object]:
        now = [0.0]
        clock = Clock(time_function=lambda: now[0])
        clock.tick()  # the first tick only sets pyglet's start time
        for interval in intervals:
            clock.schedule_interval(callback, interval)
        clock_tick = clock.tick

        def tick() -> object:
            now[0] += STEP
            return clock_tick()

        return tick

    return build_pyglet


def _fires(build: Builder, intervals: list[float], ticks: int, warmup: int) -> int:
    """How many callbacks the measured ticks fire (counted on an identical, untimed copy)."""
    count = [0]

    def counting(*_args: Any) -> None:
        count[0] += 1

    tick = build(intervals, counting)
    for _ in range(warmup):
        tick()
    count[0] = 0
    for _ in range(ticks):
        tick()
    return count[0]


def _sampler(
    build: Builder,
    intervals: list[float],
    ticks: int,
    warmup: int,
    callback: Callable[..., object],
    per: int,
) -> Callable[[], float]:
    """Seconds per unit (fired callback, or tick when ``per`` is 1 per tick) over fresh runs."""

    def sample() -> float:
        tick = build(intervals, callback)
        for _ in range(warmup):
            tick()
        return per_call(tick, ticks) * ticks / per

    return sample


def run(quick: bool = False) -> list[Result]:
    """Per fired callback and per idle tick, Timers against the heap floor and pyglet."""
    # Short samples, many repeats: on a shared machine, noise then hits every
    # variant alike instead of wrecking one long sample.
    repeats = 7 if quick else 41
    ticks = 40 if quick else 100
    warmup = 120  # past every first due time, into the steady state
    builders: dict[str, tuple[Builder, Callable[..., object]]] = {
        "heap floor": (build_floor, noop),
        "Timers": (build_timers, noop),
    }
    pyglet_build = _pyglet_builder()
    if pyglet_build is not None:
        builders["pyglet Clock"] = (pyglet_build, noop_dt)

    # Busy: intervals between 0.05 s and 0.5 s fire ~85 callbacks a tick at 60 Hz.
    busy = _intervals(1, 0.05, 0.5)
    fires = {name: _fires(build, busy, ticks, warmup) for name, (build, cb) in builders.items()}
    samples = interleaved(
        {
            name: _sampler(build, busy, ticks, warmup, cb, fires[name])
            for name, (build, cb) in builders.items()
        },
        repeats,
    )
    results = summarize(
        f"{N_TIMERS} repeating timers, per fired callback",
        samples,
        unit="ns/call",
        scale=1e9,
        baseline="heap floor",
    )
    for result in results:
        result.extra["fired_per_tick"] = round(fires[result.variant] / ticks, 1)
        if result.variant == "Timers":
            result.target = f"<= {TARGET}x heap floor"
            result.met = result.ratio is not None and result.ratio <= TARGET

    # Idle: nothing due for 1,000 s, so each tick only checks the top of the heap.
    idle = _intervals(2, 1000.0, 2000.0)
    samples = interleaved(
        {
            name: _sampler(build, idle, ticks * 10, 0, cb, ticks * 10)
            for name, (build, cb) in builders.items()
        },
        repeats,
    )
    results += summarize(
        f"{N_TIMERS} repeating timers, idle tick",
        samples,
        unit="ns/tick",
        scale=1e9,
        baseline="heap floor",
    )
    return results


if __name__ == "__main__":
    main(run)
