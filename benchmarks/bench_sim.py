"""The headless autoplay: how many times faster than real time the whole demo runs.

Each sample is one run of ``SECONDS`` of game time from a fresh
``App(headless=True, seed=SEED, autoplay=True)``, the same run as
``python -m game --headless --seconds 60 --seed 1 [--no-render]``: the bot
posts pygame events, the app pumps them, the loop runs one fixed step per
frame, and with rendering on every step draws a frame on the dummy driver.
The figure is µs of wall time per tick, from the app's own ``wall_time`` (of
``run_ticks``, so building the app is not counted), with the garbage
collector on, as in a real run; ``extra["realtime_factor"]`` is the app's
``realtime_factor`` (game time ÷ wall time; one tick is 1/60 s, so 300× real
time is 55.6 µs per tick), and the targets are set on it.

Interleaved with it, the floor: a bare ``FixedStepLoop`` on an ``EventBus``
with one ``FixedUpdate`` handler (counting ticks), advanced one step per call
for the same number of ticks. The ratio is how many times the floor's time a
tick of the demo takes.

Every run with the same seed must end in the same ``state_hash``: a run that
does not is an error (the demo would not be deterministic).

Run alone: ``python -m benchmarks.bench_sim [--quick]``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from benchmarks.harness import Result, interleaved, main, summarize
from game.app import App
from game.engine.events import EventBus
from game.engine.loop import FixedStepLoop, FixedUpdate

__all__ = ["bare_loop_seconds", "run", "run_demo"]

SECONDS = 60.0
SEED = 1
FLOOR = "bare FixedStepLoop, 1 handler (floor)"
RENDER = "demo autoplay, a frame every step"
NO_RENDER = "demo autoplay, --no-render"
TARGETS = {RENDER: 30.0, NO_RENDER: 300.0}


def run_demo(render: bool, seconds: float = SECONDS, seed: int = SEED) -> dict[str, Any]:
    """One headless autoplay run from a fresh app; its ``summary()``."""
    app = App(headless=True, seed=seed, autoplay=True, render=render, mute=True)
    try:
        app.run_for(seconds)
        return app.summary()
    finally:
        app.close()


def bare_loop_seconds(ticks: int) -> float:
    """Wall seconds for ``ticks`` steps of a loop whose only work is one counting handler."""
    bus = EventBus(on_error="log")
    loop = FixedStepLoop(bus)
    count = [0]

    def on_tick(event: FixedUpdate) -> None:
        count[0] += 1

    bus.subscribe(FixedUpdate, on_tick)
    step = loop.step
    advance = loop.advance
    started = time.perf_counter()
    for _ in range(ticks):
        advance(step)
    elapsed = time.perf_counter() - started
    if count[0] != ticks:
        raise RuntimeError(f"bench_sim: the bare loop ran {count[0]} steps, not {ticks}")
    return elapsed


def run(quick: bool = False) -> list[Result]:
    """Measure and return the results (``quick``: fewer repeats)."""
    repeats = 3 if quick else 9
    ticks = round(SECONDS * 60)
    summaries: dict[str, list[dict[str, Any]]] = {RENDER: [], NO_RENDER: []}

    def demo(variant: str, render: bool) -> Callable[[], float]:
        def sample() -> float:
            summary = run_demo(render)
            summaries[variant].append(summary)
            return float(summary["wall_time"]) / int(summary["ticks"])

        return sample

    def floor() -> float:
        return bare_loop_seconds(ticks) / ticks

    # Warm up: imports, fonts and the painted village are made on first use.
    run_demo(render=True, seconds=1.0)
    samples = interleaved(
        {FLOOR: floor, RENDER: demo(RENDER, True), NO_RENDER: demo(NO_RENDER, False)},
        repeats,
    )
    results = summarize(
        f"simulation, {SECONDS:g} s of game time",
        samples,
        unit="µs/tick",
        scale=1e6,
        baseline=FLOOR,
    )
    step = 1 / 60
    for result in results:
        # Fewer µs per tick is more game time per second: the spread turns round.
        result.extra["realtime_factor"] = round(step * 1e6 / result.median, 1)
        result.extra["realtime_factor_spread"] = [
            round(step * 1e6 / result.spread[1], 1),
            round(step * 1e6 / result.spread[0], 1),
        ]
        if result.variant in TARGETS:
            _check_and_describe(result, summaries[result.variant])
    return results


def _check_and_describe(result: Result, runs: list[dict[str, Any]]) -> None:
    target = TARGETS[result.variant]
    result.target = f"≥ {target:g}× real time (≤ {1e6 / 60 / target:.1f} µs/tick)"
    result.met = result.extra["realtime_factor"] >= target
    hashes = {run["state_hash"] for run in runs}
    if len(hashes) != 1:
        raise RuntimeError(f"bench_sim: {result.variant}: one seed gave different hashes {hashes}")
    last = runs[-1]
    result.extra.update(
        {
            key: last[key]
            for key in (
                "ticks",
                "handler_errors",
                "npc_replies",
                "coins_collected",
                "collisions_started",
                "timers_fired",
                "state_hash",
            )
        }
    )


if __name__ == "__main__":
    main(run)
