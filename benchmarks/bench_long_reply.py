"""A 2,000-token reply streamed into a speech bubble: no frame spikes, no slowdown.

Issue 14 measured the old bubble re-wrapping the whole reply on every token: 46 ms
a token at the end, one frame of ~10 s, a realtime factor of 1.6 and a bubble
374×8278 px tall. This benchmark streams the same length of reply and checks the
two targets of the issue:

* the slowest frame of the streaming run costs at most 3× its median frame;
* the headless realtime factor of the streaming run stays within 20 % of a run of
  the same scene without the long reply (the baseline, interleaved run by run).

Setup: the headless autoplay run (``App(headless=True, seed=1, autoplay=True)``, as
``python -m game --headless --seed 1``), a frame rendered every fixed step. After a
second of warm-up (the first frame paints the village and loads the fonts: not
counted), a fake model (:class:`FakeStream`, deterministic, on game time) delivers
``TOKENS`` tokens through Bruno's :class:`~game.npc.bubble_reply.BubbleReply`, the
same callbacks a LangChain brain's worker thread reaches, at ``RATE`` tokens per
second of game time (a fast model), then ends the reply; each run lasts ``SECONDS``
of game time after the warm-up. The baseline is the same run without the reply.

A frame's cost is the CPU time of this thread around ``App.frame`` (garbage
collector on). The runs are deterministic, so frame *i* does the same work in
every repeat: its cost is the least over the repeats, which removes what the
shared machine adds (another process on the core, a cold cache) and keeps what the
game does (a line rendered, a page turned). The realtime factor is wall time, as
the headless summary reports it, the median over the repeats.

Run alone: ``python -m benchmarks.bench_long_reply [--quick]``.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from benchmarks.harness import Result, interleaved, main, summarize
from game.app import App
from game.engine.loop import FixedUpdate
from game.npc.bubble_reply import BubbleReply
from game.npc.chat import ChatNPC

__all__ = ["TOKENS", "FakeStream", "fake_tokens", "run", "run_scene"]

TOKENS = 2000
RATE = 200.0  # tokens per second of game time
SECONDS = 14.0
WARM_UP = 1.0  # seconds of game time before the stream starts, not counted
SEED = 1
BASELINE = "the same scene, no reply (baseline)"
STREAMING = f"a {TOKENS:,}-token reply streaming into Bruno's bubble"

_REPLY = (
    "a callback is a function you hand to someone else , who calls it later when "
    "something happens . the event bus keeps a list of them per event type ; "
    "回调 就是 你 把 一个 函数 交给 别人 。 timers call theirs on game time 👍 ."
)
_WORDS = _REPLY.split(" ")


def fake_tokens(count: int = TOKENS) -> list[str]:
    """``count`` tokens of a long, mixed English/Chinese reply (a space before words)."""
    tokens = []
    for i in range(count):
        word = _WORDS[i % len(_WORDS)]
        ascii_word = word.isascii() and word not in ",.;"
        tokens.append((" " + word) if ascii_word else word)
        if i % 150 == 149:
            tokens.append("\n")
    return tokens[:count]


class FakeStream:
    """A fake model on game time: ``rate`` tokens a second into ``npc``'s bubble, then end."""

    def __init__(self, app: App, npc: ChatNPC, tokens: list[str], rate: float) -> None:
        self.tokens = tokens
        self.rate = rate
        self.sent = 0
        self.time = 0.0
        self.callbacks = BubbleReply(
            npc.bubble, think_time=0.0, on_done=lambda text: npc.log.add(npc.name, text)
        )
        self.callbacks.on_start()
        app.bus.subscribe(FixedUpdate, self.on_tick)

    def on_tick(self, event: FixedUpdate) -> None:
        if self.sent >= len(self.tokens):
            return
        self.time += event.dt
        due = min(len(self.tokens), int(self.time * self.rate))
        for token in self.tokens[self.sent : due]:
            self.callbacks.on_token(token)
        self.sent = due
        if self.sent == len(self.tokens):
            self.callbacks.on_end("".join(self.tokens))


def run_scene(stream: bool, seconds: float = SECONDS) -> dict[str, Any]:
    """One run: each frame's CPU time in seconds, the realtime factor, the tallest bubble."""
    app = App(headless=True, seed=SEED, autoplay=False, mute=True)
    try:
        baker = next(npc for npc in app.scene.npcs if npc.key == "baker")
        step = app.loop.step
        app.run_ticks(round(WARM_UP / step))
        # Kept in a variable: the bus holds bound methods weakly.
        model = FakeStream(app, baker, fake_tokens(), RATE) if stream else None
        frames = []
        tallest = 0
        started = time.perf_counter()
        for _ in range(round(seconds / step)):
            begin = time.thread_time()
            app.frame(step)
            frames.append(time.thread_time() - begin)
            if baker.bubble.visible:
                tallest = max(tallest, baker.bubble.box_size()[1])
        wall = time.perf_counter() - started
        return {
            "frames": frames,
            "realtime_factor": seconds / wall,
            "tallest_bubble_px": tallest,
            "text_length": len(baker.bubble.text),
            "pages": baker.bubble.pages,
            "state_hash": app.state_hash(),
            "tokens_sent": model.sent if model is not None else 0,
        }
    finally:
        app.close()


def run(quick: bool = False) -> list[Result]:
    """Measure and return the results (``quick``: fewer repeats)."""
    repeats = 3 if quick else 7
    runs: dict[str, list[dict[str, Any]]] = {BASELINE: [], STREAMING: []}

    def sampler(name: str, stream: bool) -> Any:
        def sample() -> float:
            result = run_scene(stream)
            runs[name].append(result)
            return 1.0 / result["realtime_factor"]  # wall seconds per second of game time

        return sample

    run_scene(stream=True, seconds=1.0)  # warm up: imports, fonts, the painted village
    samples = interleaved(
        {BASELINE: sampler(BASELINE, False), STREAMING: sampler(STREAMING, True)}, repeats
    )
    results = summarize(
        f"long reply, {TOKENS:,} tokens streamed over {TOKENS / RATE:g} s",
        samples,
        unit="ms wall per s of game time",
        scale=1e3,
        baseline=BASELINE,
    )
    base_factor = statistics.median(r["realtime_factor"] for r in runs[BASELINE])
    for result in results:
        these = runs[result.variant]
        if len({r["state_hash"] for r in these}) != 1:
            raise RuntimeError(f"bench_long_reply: {result.variant}: runs went different ways")
        frames = [min(costs) for costs in zip(*(r["frames"] for r in these), strict=True)]
        median = statistics.median(frames)
        slowest = max(frames)
        factor = statistics.median(r["realtime_factor"] for r in these)
        result.extra.update(
            {
                "frame_median_ms": round(median * 1e3, 3),
                "frame_p99_ms": round(sorted(frames)[int(len(frames) * 0.99)] * 1e3, 3),
                "slowest_frame_ms": round(slowest * 1e3, 3),
                "slowest_over_median": round(slowest / median, 2),
                "realtime_factor": round(factor, 1),
                "tallest_bubble_px": max(r["tallest_bubble_px"] for r in these),
            }
        )
        if result.variant == STREAMING:
            result.extra["text_length"] = these[-1]["text_length"]
            result.extra["pages"] = these[-1]["pages"]
            result.extra["realtime_factor_vs_baseline"] = round(factor / base_factor, 3)
            result.target = "slowest frame ≤ 3× median; realtime factor ≥ 0.8× the baseline's"
            result.met = slowest <= 3.0 * median and factor >= 0.8 * base_factor
    return results


if __name__ == "__main__":
    main(run)
