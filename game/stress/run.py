"""Run the stress scene headless and report its frame times (``--stress N --headless``).

Each frame is one fixed step and one drawing, timed by the wall clock
(``time.perf_counter``) and by this thread's CPU time (``time.thread_time``): on
a shared machine the wall time includes waiting for a core, the CPU time does
not. Percentiles are nearest-rank over every frame of the run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from game.app import App
from game.stress.scene import stress_scene

__all__ = ["PHASES", "percentile", "profile_frames", "run_stress"]

#: The per-phase split: the loop's five phases, plus pumping OS events (counted
#: as input) and drawing.
PHASES = ("input", "timers", "update", "collisions", "flush", "render")


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q <= 100) of ``values``.

    Raises ``ValueError`` for no values or ``q`` outside (0, 100].
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 < q <= 100:
        raise ValueError(f"q must be in (0, 100], not {q!r}")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def profile_frames(app: App, frames: int) -> dict[str, Any]:
    """Run ``frames`` frames of one step each; their times in ms and the phase split.

    Returns ``p50``, ``p95``, ``p99``, ``max`` (wall ms per frame), the same
    of CPU time under ``cpu``, and ``phases``: the mean wall ms per frame of
    each of :data:`PHASES`.
    """
    loop = app.loop
    phases = dict.fromkeys(PHASES, 0.0)
    loop.phase_times = phases
    wall: list[float] = []
    cpu: list[float] = []
    perf, thread = time.perf_counter, time.thread_time
    try:
        for _ in range(frames):
            started, cpu_started = perf(), thread()
            app.pump()
            pumped = perf()
            loop.advance(loop.step)
            stepped = perf()
            if app.render_enabled:
                app.render()
            ended = perf()
            app.frames += 1
            phases["input"] += pumped - started
            phases["render"] += ended - stepped
            wall.append(ended - started)
            cpu.append(thread() - cpu_started)
            if not app.running:
                break
    finally:
        loop.phase_times = None
    app.wall_time += sum(wall)
    count = max(1, len(wall))
    return {
        **_percentiles(wall),
        "cpu": _percentiles(cpu),
        "phases": {name: round(seconds / count * 1e3, 3) for name, seconds in phases.items()},
    }


def _percentiles(seconds: Sequence[float]) -> dict[str, float]:
    if not seconds:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    ms = [s * 1e3 for s in seconds]
    return {
        "p50": round(percentile(ms, 50), 3),
        "p95": round(percentile(ms, 95), 3),
        "p99": round(percentile(ms, 99), 3),
        "max": round(max(ms), 3),
    }


def run_stress(n: int, *, seconds: float, seed: int = 0, render: bool = True) -> dict[str, Any]:
    """The headless stress run's JSON object: the App's summary plus the frame times.

    ``n`` entities for ``seconds`` of game time (one step per frame). Adds to
    :meth:`App.summary`: ``p50``, ``p95``, ``p99``, ``max`` (ms), ``cpu``,
    ``phases`` and ``events_delivered`` (events published on the bus).
    """
    app = App(stress_scene(n), headless=True, seed=seed, render=render, mute=True)
    try:
        frames = round(seconds / app.loop.step)
        timing = profile_frames(app, frames)
        summary = app.summary()
    finally:
        app.close()
    summary.update(timing)
    summary["events_delivered"] = sum(summary["events"].values())
    return summary
