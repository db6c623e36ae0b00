"""Memory over 10 minutes of game time: does the headless autoplay's heap stay flat?

One run of ``MINUTES`` minutes of game time (36,000 ticks) from a fresh
``App(headless=True, seed=1, autoplay=True, render=False)`` under
``tracemalloc``, with a snapshot after every 60 s of game time. The figure is
the growth of the traced heap per game minute after ``WARM_UP`` minutes: the
median of the minute-to-minute differences, with their spread; the least-squares
slope over those minutes decides the verdict, "flat" when it is below
``FLAT_KIB_PER_MINUTE``, else "growing".

The warm-up is half the run because the heap does grow, boundedly, for the
first minutes: the bot goes through all of its conversations in the first
three minutes, and the NPCs' answers quote the score and the clock, so new
strings keep filling the text caches (``TextCache``, the font's run cache,
the glyph probe), each with a capacity, until they mostly repeat (measured in
a fresh process: +460 KiB building the first minute, +40 KiB the second, then
2–9 KiB a minute until minute 5, then 0–3). Nothing is asserted here (the slow test
``tests/test_memory.py`` asserts a bound); ``extra`` lists the heap size at
each minute and the source lines whose allocations grew most since the warm-up.

tracemalloc slows every allocation down, so this run takes several times the
wall time of ``bench_sim``'s; its timings mean nothing.

Run alone: ``python -m benchmarks.bench_memory [--quick]``.
"""

from __future__ import annotations

import gc
import itertools
import os
import statistics
import tracemalloc
from dataclasses import dataclass, field

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from benchmarks.harness import Result, main
from game.app import App

__all__ = ["Growth", "measure_growth", "run"]

MINUTES = 10
WARM_UP = 5  # minutes: see above
FLAT_KIB_PER_MINUTE = 4.0
SEED = 1
TICKS_PER_MINUTE = 60 * 60

_IGNORED = (
    tracemalloc.Filter(False, tracemalloc.__file__),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap_external>"),
    tracemalloc.Filter(False, "<unknown>"),
)


@dataclass
class Growth:
    """Heap sizes (KiB) at each game minute, and what they say."""

    sizes_kib: list[float]  # after minute 0 (the app built), 1, 2, …
    warm_up: int
    top_growth: list[str] = field(default_factory=list)  # "file:line +N KiB"

    @property
    def deltas(self) -> list[float]:
        """KiB gained in each minute after the warm-up."""
        after = self.sizes_kib[self.warm_up :]
        return [b - a for a, b in itertools.pairwise(after)]

    @property
    def slope(self) -> float:
        """Least-squares growth in KiB per minute over the minutes after the warm-up."""
        after = self.sizes_kib[self.warm_up :]
        if len(after) < 2:
            return 0.0
        return statistics.linear_regression(range(len(after)), after).slope

    @property
    def verdict(self) -> str:
        """``"flat"`` or ``"growing"``."""
        return "flat" if self.slope < FLAT_KIB_PER_MINUTE else "growing"


def measure_growth(
    minutes: int = MINUTES, warm_up: int = WARM_UP, seed: int = SEED, render: bool = False
) -> Growth:
    """Run the autoplay for ``minutes`` of game time under tracemalloc; snapshot every minute."""
    if minutes <= warm_up:
        raise ValueError(f"minutes ({minutes}) must be more than warm_up ({warm_up})")
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    app = App(headless=True, seed=seed, autoplay=True, render=render, mute=True)
    try:
        snapshots = [_snapshot()]
        for _ in range(minutes):
            app.run_ticks(TICKS_PER_MINUTE)
            snapshots.append(_snapshot())
        sizes = [_kib(sum(stat.size for stat in snap.statistics("filename"))) for snap in snapshots]
        top = [
            f"{stat.traceback[0]} {_kib(stat.size_diff):+.1f} KiB"
            for stat in snapshots[-1].compare_to(snapshots[warm_up], "lineno")[:5]
            if stat.size_diff > 0
        ]
        return Growth(sizes, warm_up, top)
    finally:
        app.close()
        if not was_tracing:
            tracemalloc.stop()


def _snapshot() -> tracemalloc.Snapshot:
    gc.collect()  # what is still reachable, not what waits for the collector
    return tracemalloc.take_snapshot().filter_traces(_IGNORED)


def _kib(size: int) -> float:
    return size / 1024


def run(quick: bool = False) -> list[Result]:
    """Measure and return the result (``quick``: 7 minutes of game time, the same warm-up)."""
    minutes, warm_up = (7, WARM_UP) if quick else (MINUTES, WARM_UP)
    growth = measure_growth(minutes, warm_up)
    deltas = growth.deltas
    result = Result(
        case=f"memory, {minutes} min of game time (tracemalloc)",
        variant=f"heap growth per minute after {warm_up} min",
        unit="KiB/min",
        median=statistics.median(deltas),
        spread=(min(deltas), max(deltas)),
        repeats=len(deltas),
        target=f"flat (slope < {FLAT_KIB_PER_MINUTE:g} KiB/min)",
        met=growth.verdict == "flat",
        extra={
            "verdict": growth.verdict,
            "slope_kib_per_min": round(growth.slope, 2),
            "heap_kib_by_minute": [round(size, 1) for size in growth.sizes_kib],
            "top_growth_since_warm_up": growth.top_growth,
        },
    )
    return [result]


if __name__ == "__main__":
    main(run)
