"""Timing helpers: medians over repeats, spreads, and ratios measured in one run.

These machines are shared and noisy, so every comparison is a ratio against a
baseline measured in the same process, interleaved repeat by repeat.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Result", "interleaved", "per_call", "summarize"]


@dataclass
class Result:
    """One measured figure: a median with its spread, and an optional ratio to a baseline."""

    case: str  # e.g. "dispatch, 1 handler"
    variant: str  # e.g. "EventBus.publish"
    unit: str  # "ns/event", "ms/tick", …
    median: float
    spread: tuple[float, float]  # (min, max) over repeats
    repeats: int
    baseline: str | None = None
    ratio: float | None = None  # median / baseline median
    target: str | None = None
    met: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def per_call(fn: Callable[[], object], number: int) -> float:
    """Seconds per call of ``fn``, over ``number`` calls, with the GC paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - start) / number
    finally:
        if enabled:
            gc.enable()


def interleaved(variants: dict[str, Callable[[], float]], repeats: int) -> dict[str, list[float]]:
    """Run each variant's sampler once per repeat, in turn, so drift hits all alike.

    Each sampler returns one measurement (e.g. seconds per call); the result
    maps variant name to its list of samples.
    """
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, sampler in variants.items():
            samples[name].append(sampler())
    return samples


def summarize(
    case: str,
    samples: dict[str, list[float]],
    *,
    unit: str,
    scale: float,
    baseline: str | None = None,
) -> list[Result]:
    """Results for each variant: median × ``scale`` in ``unit``, ratio to ``baseline``."""
    base = statistics.median(samples[baseline]) if baseline else None
    results = []
    for name, values in samples.items():
        median = statistics.median(values)
        results.append(
            Result(
                case=case,
                variant=name,
                unit=unit,
                median=median * scale,
                spread=(min(values) * scale, max(values) * scale),
                repeats=len(values),
                baseline=baseline if baseline and name != baseline else None,
                ratio=(median / base) if base and name != baseline else None,
            )
        )
    return results
