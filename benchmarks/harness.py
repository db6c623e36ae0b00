"""Timing helpers: medians over repeats, spreads, and ratios measured in one run.

These machines are shared and noisy, so every comparison is a ratio against a
baseline measured in the same process, interleaved repeat by repeat.

A benchmark module exposes ``run(quick: bool = False) -> list[Result]`` and ends
with ``if __name__ == "__main__": main(run)`` so that ``python -m
benchmarks.<module> [--quick]`` prints its own table. Comparison libraries are
optional: import them with :func:`optional` and report a missing one with
:func:`skipped`, so the module's own cases still run without them.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import math
import statistics
import time
import types
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from types import ModuleType
from typing import Any

__all__ = [
    "MissingLibrary",
    "Result",
    "calibrate",
    "format_table",
    "interleaved",
    "main",
    "missing_reason",
    "optional",
    "paired_ratio",
    "per_call",
    "skipped",
    "summarize",
]

#: What to install for the comparison libraries.
INSTALL_HINT = "pip install -e '.[bench]'"


class MissingLibrary(ImportError):
    """An optional comparison library is not installed; its variant is skipped."""


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
    skipped: str | None = None  # why this variant was not measured

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: a NaN (an unmeasured figure) becomes ``None``."""
        data = asdict(self)
        for key in ("median", "ratio"):
            if isinstance(data[key], float) and math.isnan(data[key]):
                data[key] = None
        data["spread"] = [None if math.isnan(v) else v for v in self.spread]
        return data


def _loop_0(fn: Callable[..., object], number: int, args: tuple[object, ...]) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return time.perf_counter() - start


def _loop_1(fn: Callable[..., object], number: int, args: tuple[object, ...]) -> float:
    (arg,) = args
    start = time.perf_counter()
    for _ in range(number):
        fn(arg)
    return time.perf_counter() - start


def _loop_n(fn: Callable[..., object], number: int, args: tuple[object, ...]) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn(*args)
    return time.perf_counter() - start


def _fresh(loop: Callable[..., float]) -> Callable[..., float]:
    # CPython 3.11+ specialises each call site for the kind of callable it
    # sees. One loop shared by every variant would be specialised for one and
    # deoptimised for the next (a bound method after a plain function runs
    # ~2x slower here), so each measurement gets its own copy of the code.
    return types.FunctionType(loop.__code__.replace(), loop.__globals__)


def per_call(fn: Callable[..., object], number: int, *args: object) -> float:
    """Seconds per call of ``fn(*args)``, over ``number`` calls, with the GC paused.

    With one argument the loop calls ``fn(arg)`` directly, so that nanosecond
    figures do not include unpacking ``*args``.
    """
    loop = _fresh(_loop_0 if not args else _loop_1 if len(args) == 1 else _loop_n)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return loop(fn, number, args) / number
    finally:
        if enabled:
            gc.enable()


def calibrate(fn: Callable[..., object], *args: object, seconds: float = 0.01) -> int:
    """How many calls of ``fn(*args)`` take about ``seconds`` (at least 1)."""
    number = 1
    while True:
        elapsed = per_call(fn, number, *args) * number
        if elapsed >= 0.002 or number >= 1 << 24:
            return max(1, round(number * seconds / max(elapsed, 1e-9)))
        number *= 4


def interleaved(variants: dict[str, Callable[[], float]], repeats: int) -> dict[str, list[float]]:
    """Run each variant's sampler once per repeat, in turn, so drift hits all alike.

    Each sampler returns one measurement (e.g. seconds per call); the result
    maps variant name to its list of samples.

    A sampler that raises :class:`MissingLibrary` is dropped (its list stays
    empty) and :func:`summarize` reports that variant as skipped.
    The order rotates by one variant each repeat, so none always runs right
    after the same neighbour (whose leftovers in the caches it would inherit).
    """
    samples: dict[str, list[float]] = {name: [] for name in variants}
    active = dict(variants)
    for repeat in range(repeats):
        order = list(active.items())
        shift = repeat % len(order) if order else 0
        for name, sampler in order[shift:] + order[:shift]:
            try:
                samples[name].append(sampler())
            except MissingLibrary:
                del active[name]
                samples[name].clear()
    return samples


def summarize(
    case: str,
    samples: dict[str, list[float]],
    *,
    unit: str,
    scale: float,
    baseline: str | None = None,
) -> list[Result]:
    """Results for each variant: median × ``scale`` in ``unit``, ratio to ``baseline``.

    A variant without samples (see :func:`interleaved`) is reported as skipped.
    """
    base = statistics.median(samples[baseline]) if baseline and samples[baseline] else None
    results = []
    for name, values in samples.items():
        if not values:
            results.append(skipped(case, name, "comparison library not installed", unit=unit))
            continue
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


def skipped(case: str, variant: str, reason: str, *, unit: str = "") -> Result:
    """A row for a variant that could not be measured, saying why."""
    nan = math.nan
    return Result(case, variant, unit, nan, (nan, nan), 0, skipped=reason)


def paired_ratio(
    case: str,
    samples: dict[str, list[float]],
    numerator: str,
    denominator: str,
    *,
    variant: str | None = None,
    at_least: float | None = None,
) -> Result:
    """How many times ``numerator``'s median is ``denominator``'s, e.g. "pyglet ÷ ours".

    The spread is the range of the per-repeat ratios: interleaved samples come
    in pairs measured moments apart, so their ratio cancels slow drifts of the
    machine. ``at_least`` sets the target (``≥ at_least ×``) and whether it is met.
    """
    name = variant or f"{numerator} ÷ {denominator}"
    top, bottom = samples.get(numerator, []), samples.get(denominator, [])
    if not top or not bottom:
        missing = numerator if not top else denominator
        return skipped(case, name, f"{missing} not measured", unit="×")
    pairs = [a / b for a, b in zip(top, bottom, strict=True)]
    ratio = statistics.median(top) / statistics.median(bottom)
    result = Result(
        case=case,
        variant=name,
        unit="×",
        median=ratio,
        spread=(min(pairs), max(pairs)),
        repeats=len(pairs),
    )
    if at_least is not None:
        result.target = f"≥ {at_least:g}×"
        result.met = ratio >= at_least
    return result


def optional(name: str) -> ModuleType | None:
    """Import an optional comparison library, or return ``None`` if it is missing."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def missing_reason(name: str) -> str:
    """The skip reason for a missing optional library."""
    return f"{name} not installed ({INSTALL_HINT})"


def _number(value: float) -> str:
    if math.isnan(value):
        return "–"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_table(results: Sequence[Result]) -> str:
    """A plain-text table: case, variant, median, spread, ratio, target, met?"""
    header = ("case", "variant", "median", "spread (min–max)", "ratio", "target", "met?")
    rows = [header]
    for r in results:
        if r.skipped:
            rows.append((r.case, r.variant, "skipped", r.skipped, "", "", ""))
            continue
        unit = "" if r.unit == "×" else f" {r.unit}"
        median = f"{_number(r.median)}{'×' if r.unit == '×' else unit}"
        spread = f"{_number(r.spread[0])}–{_number(r.spread[1])}"
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}× {r.baseline}"
        met = "" if r.met is None else ("yes" if r.met else "NO")
        rows.append((r.case, r.variant, median, spread, ratio, r.target or "", met))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def main(run: Callable[[bool], list[Result]], argv: Sequence[str] | None = None) -> None:
    """Entry point of one benchmark module: ``python -m benchmarks.<module> [--quick]``."""
    parser = argparse.ArgumentParser(description=(run.__doc__ or "").strip() or None)
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    args = parser.parse_args(argv)
    results = run(args.quick)
    print(format_table(results))
    for r in results:
        if r.extra:
            print(f"{r.case} / {r.variant}: {r.extra}")
