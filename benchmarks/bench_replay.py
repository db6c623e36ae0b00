"""What recording and replaying cost: the headless autoplay, plain, recorded, and played back.

Run alone: ``python -m benchmarks.bench_replay [--quick]``. Each figure is a ratio to the
plain run, measured interleaved in the same process.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from benchmarks.harness import Result, interleaved, main, summarize
from game.app import App
from game.playback import Playback, Recorder, load_replay

__all__ = ["run"]

SEED = 4


def _plain(ticks: int) -> float:
    app = App(headless=True, seed=SEED, autoplay=True, render=False)
    started = time.perf_counter()
    app.run_ticks(ticks)
    elapsed = time.perf_counter() - started
    app.close()
    return elapsed


def _recorded(ticks: int, path: Path) -> float:
    app = App(headless=True, seed=SEED, autoplay=True, render=False)
    started = time.perf_counter()
    recorder = Recorder(app, path, options={"brain": "rule"})
    app.run_ticks(ticks)
    recorder.finish()
    elapsed = time.perf_counter() - started
    app.close()
    return elapsed


def _replayed(path: Path) -> float:
    app = App(headless=True, seed=SEED, render=False)
    started = time.perf_counter()
    result = Playback(app, load_replay(path)).run()
    elapsed = time.perf_counter() - started
    app.close()
    assert result.ok and result.checked == result.checkpoints, result
    return elapsed


def run(quick: bool = False) -> list[Result]:
    """Headless autoplay without drawing: plain, recorded, and its replay (read + checked)."""
    ticks = 600 if quick else 3600
    repeats = 3 if quick else 9
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.replay"
        _recorded(ticks, path)  # a file for the replay variant to start with
        samples = interleaved(
            {
                "plain run (baseline)": lambda: _plain(ticks),
                "recorded (--record)": lambda: _recorded(ticks, path),
                "played back (--replay)": lambda: _replayed(path),
            },
            repeats,
        )
        size = path.stat().st_size
    results = summarize(
        f"headless autoplay, {ticks} ticks, no drawing",
        samples,
        unit="ms/run",
        scale=1e3,
        baseline="plain run (baseline)",
    )
    for result in results:
        result.extra["replay_bytes"] = size
    return results


if __name__ == "__main__":
    main(run)
