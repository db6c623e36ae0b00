"""The stress scene against plain pygame-ce and pymunk, and the game's start-up.

Three versions of one scene (:mod:`game.stress.scene`; the other two in
:mod:`benchmarks.stress_baselines`), each frame one fixed step plus drawing on
the dummy video driver, flipped:

* ``stress scene (CollisionWorld)``: ours, through the App;
* ``pygame sprite groups``: the way pygame-ce's docs teach it (``Sprite.update``,
  ``groupcollide``, ``Group.draw``);
* ``pymunk spatial index``: our motion and drawing, pymunk's space finding the
  contacts (the ``bench`` extra; skipped without it).

For each, the largest N whose p95 frame time holds 16.7 ms (60 FPS) is found
by search: doubling until a probe misses, then bisection to within 5 %. A probe
warms up for ``WARMUP`` frames and times ``FRAMES``. The search runs twice: by
the wall clock (what a player sees) and by this thread's CPU time (what the
code costs: on a shared machine a frame's wall time is mostly waiting for a
core). Then our scene's frame time at N = 1k, 5k, 10k, 20k (p50 and p95, wall
and CPU). The ratio that matters is ours ÷ sprite groups (target ≥ 25×), all
in one run.

Start-up: the wall time from starting ``python -m game --headless --seconds
0.0167 -v`` to its log line ``first frame`` (the loading frame, drawn before the
game is imported) and to ``first game frame``, against a bare pygame-ce script
that opens a 960×540 window, draws one line of text, flips and says so; the two
alternate, ``STARTS`` times each (target: first frame ≤ 1.5× the bare window).

Run alone: ``python -m benchmarks.bench_stress [--quick]``.
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from benchmarks.harness import MissingLibrary, Result, main, missing_reason, optional, skipped
from benchmarks.stress_baselines import PymunkIndex, SpriteGroups
from game.app import App
from game.stress import stress_scene
from game.stress.run import percentile, profile_frames

__all__ = ["largest_n", "run"]

BUDGET_MS = 1000 / 60
MIN_RATIO_VS_SPRITES = 25.0
MAX_START_RATIO = 1.5
SIZES = (1_000, 5_000, 10_000, 20_000)
WARMUP = 10
FRAMES = 60
STARTS = 5
OURS = "stress scene (CollisionWorld)"
SPRITES = "pygame sprite groups + groupcollide"
PYMUNK = "pymunk spatial index"
ROOT = Path(__file__).resolve().parent.parent

BARE_WINDOW = """
import pygame
pygame.display.init()
pygame.font.init()
screen = pygame.display.set_mode((960, 540))
screen.fill((0, 0, 0))
screen.blit(pygame.font.Font(None, 24).render("Hello", True, (255, 255, 255)), (10, 10))
pygame.display.flip()
import sys
print("first frame", file=sys.stderr, flush=True)
"""


def _ours(n: int, frames: int) -> dict[str, Any]:
    app = App(stress_scene(n), headless=True, seed=1, mute=True)
    try:
        profile_frames(app, WARMUP)
        return profile_frames(app, frames)
    finally:
        app.close()


def _baseline(kind: type[SpriteGroups] | type[PymunkIndex], n: int, frames: int) -> dict[str, Any]:
    pygame.display.init()
    scene = kind(n)
    try:
        for _ in range(WARMUP):
            scene.frame()
        wall, cpu = [], []
        for _ in range(frames):
            started, cpu_started = time.perf_counter(), time.thread_time()
            scene.frame()
            wall.append((time.perf_counter() - started) * 1e3)
            cpu.append((time.thread_time() - cpu_started) * 1e3)
        return {
            "p50": percentile(wall, 50),
            "p95": percentile(wall, 95),
            "cpu": {"p50": percentile(cpu, 50), "p95": percentile(cpu, 95)},
        }
    finally:
        scene.close()
        pygame.display.quit()


def largest_n(
    p95_at: Callable[[int], float], start: int, *, budget: float = BUDGET_MS, limit: int = 400_000
) -> tuple[int, dict[int, float]]:
    """The largest N with ``p95_at(N) <= budget``: doubling from ``start`` (halving while
    even that misses), then bisection to within 5 %. Returns it and every probe."""
    probes: dict[int, float] = {}

    def fits(n: int) -> bool:
        probes[n] = p95_at(n)
        return probes[n] <= budget

    low, high = 0, start
    while high > 1 and not fits(high):
        high //= 2
    if high <= 1:
        return 0, probes
    low, high = high, high * 2
    while high <= limit and fits(high):
        low, high = high, high * 2
    while high - low > max(1, low // 20):
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low, probes


def _case(clock: str) -> str:
    return f"largest N at 60 FPS (p95 ≤ 16.7 ms, {clock} time)"


def _search(name: str, p95_at: Callable[[int], float], start: int, clock: str) -> Result:
    gc.collect()
    try:
        best, probes = largest_n(p95_at, start)
    except MissingLibrary as exc:
        return skipped(_case(clock), name, str(exc), unit="N")
    result = Result(
        case=_case(clock),
        variant=name,
        unit="N",
        median=float(best),
        spread=(float(best), float(best)),
        repeats=len(probes),
    )
    result.extra = {"probes_p95_ms": {n: round(p, 2) for n, p in sorted(probes.items())}}
    return result


def _startup(starts: int) -> list[Result]:
    """Seconds to the first frame: ``python -m game`` against a bare pygame-ce window."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SDL_VIDEODRIVER": "dummy"}
    game = [sys.executable, "-m", "game", "--headless", "--seconds", "0.0167", "-v", "--mute"]
    bare = [sys.executable, "-c", BARE_WINDOW]
    samples: dict[str, list[float]] = {"bare": [], "game": [], "game frame": []}
    for _ in range(starts):
        for name, argv in (("game", game), ("bare", bare)):
            marks = _time_to_lines(argv, env, ("first frame", "first game frame"))
            samples[name].append(marks["first frame"])
            if name == "game":
                samples["game frame"].append(marks["first game frame"])
    base = statistics.median(samples["bare"])
    case = "start-up to the first frame"
    rows = []
    for name, label in (
        ("bare", "bare pygame-ce window, one line of text"),
        ("game", "python -m game: first frame (loading line)"),
        ("game frame", "python -m game: first game frame"),
    ):
        values = samples[name]
        median = statistics.median(values)
        row = Result(
            case=case,
            variant=label,
            unit="ms",
            median=median * 1e3,
            spread=(min(values) * 1e3, max(values) * 1e3),
            repeats=len(values),
            baseline=None if name == "bare" else "bare window",
            ratio=None if name == "bare" else median / base,
        )
        if name == "game":
            row.target = f"≤ {MAX_START_RATIO:g}× bare"
            row.met = median / base <= MAX_START_RATIO
        rows.append(row)
    return rows


def _time_to_lines(
    argv: list[str], env: dict[str, str], marks: tuple[str, ...]
) -> dict[str, float]:
    """Seconds from starting ``argv`` to each stderr line that ends with a mark."""
    started = time.perf_counter()
    seen: dict[str, float] = {}
    with subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            for mark in marks:
                if line.rstrip().endswith(mark) and mark not in seen:
                    seen[mark] = time.perf_counter() - started
        process.wait()
    if "first frame" not in seen:
        raise RuntimeError(f"bench_stress: {argv[1:3]} never logged 'first frame'")
    return seen


def _p95(measure: Callable[[int], dict[str, Any]], clock: str) -> Callable[[int], float]:
    """``p95_at(n)`` for :func:`largest_n`: the wall-clock or the CPU-time p95 in ms."""

    def p95_at(n: int) -> float:
        timing = measure(n)
        return float(timing["p95"] if clock == "wall" else timing["cpu"]["p95"])

    return p95_at


def _largest(frames: int, clock: str) -> list[Result]:
    """The three versions' largest N at 60 FPS by one clock, and ours ÷ sprite groups."""
    versions: list[tuple[str, Callable[[int], dict[str, Any]], int]] = [
        (OURS, lambda n: _ours(n, frames), 8_000),
        (SPRITES, lambda n: _baseline(SpriteGroups, n, frames), 200),
        (PYMUNK, lambda n: _baseline(PymunkIndex, n, frames), 1_000),
    ]
    results = []
    for name, measure, start in versions:
        if name == PYMUNK and optional("pymunk") is None:
            results.append(skipped(_case(clock), name, missing_reason("pymunk"), unit="N"))
            continue
        results.append(_search(name, _p95(measure, clock), start, clock))
    ours, sprites = results[0], results[1]
    if sprites.median > 0:
        ratio = ours.median / sprites.median
        results.append(
            Result(
                case=ours.case,
                variant="ours ÷ sprite groups",
                unit="×",
                median=ratio,
                spread=(ratio, ratio),
                repeats=1,
                target=f"≥ {MIN_RATIO_VS_SPRITES:g}×",
                met=ratio >= MIN_RATIO_VS_SPRITES,
            )
        )
    return results


def run(quick: bool = False) -> list[Result]:
    """Largest N at 60 FPS for the three versions, our frame time by N, start-up."""
    frames = 30 if quick else FRAMES
    results = [*_largest(frames, "wall"), *_largest(frames, "cpu")]
    for n in SIZES[:2] if quick else SIZES:
        timing = _ours(n, frames)
        p95 = float(timing["p95"])
        row = Result(
            case=f"stress scene, N = {n:,}",
            variant="frame time, p95 (wall; spread p50–max)",
            unit="ms",
            median=p95,
            spread=(float(timing["p50"]), float(timing["max"])),
            repeats=frames,
            target="≤ 16.7 ms" if n == 10_000 else None,
            met=p95 <= BUDGET_MS if n == 10_000 else None,
        )
        row.extra = {"cpu": timing["cpu"], "phases": timing["phases"]}
        results.append(row)
    results.extend(_startup(2 if quick else STARTS))
    return results


if __name__ == "__main__":
    main(run)
