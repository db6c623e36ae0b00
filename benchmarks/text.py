"""Text benchmarks: word wrap of long text, and drawing speech bubbles with and without caching.

    python -m benchmarks.text [--quick]

* wrap: ``game.text.wrap.wrap`` against the usual greedy wrap that measures the
  line-so-far plus each next word (or, for CJK, character) with ``font.size``.
* bubbles: one frame of two typed-out bubbles, cached, against the same frame
  with the text cache and the composed boxes thrown away (what rendering every
  frame would cost).
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from benchmarks.harness import Result, interleaved, main, per_call, summarize
from game.text.wrap import graphemes, is_wide, wrap
from game.widgets.bubble import SpeechBubble
from game.widgets.fonts import load_font
from game.widgets.text import TextCache

__all__ = ["run"]


def naive_wrap(text: str, width: int, measure: object) -> list[str]:
    """The textbook greedy wrap: measure ``line + next piece`` for every piece."""
    size = measure  # a callable returning pixels
    assert callable(size)
    lines: list[str] = []
    line = ""
    pieces: list[str] = []
    word = ""
    for cluster in graphemes(text):
        if is_wide(cluster) or cluster == " ":
            if word:
                pieces.append(word)
            pieces.append(cluster)
            word = ""
        else:
            word += cluster
    if word:
        pieces.append(word)
    for piece in pieces:
        candidate = line + piece
        if line and size(candidate.rstrip()) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line = candidate
    if line:
        lines.append(line.rstrip())
    return lines


def run(quick: bool = False) -> list[Result]:
    """Measure and return the results (``quick``: fewer repeats, for CI smoke runs)."""
    pygame.font.init()
    font = load_font(18)

    def measure(text: str) -> int:
        return font.size(text)[0]

    repeats = 3 if quick else 9
    results: list[Result] = []
    texts = {
        "Latin": ("the quick brown fox jumps over a lazy dog " * 240)[:10_000],
        "Chinese": ("回调就是你把一个函数交给别人，等某件事发生时由它来调用。" * 370)[:10_000],
    }
    for label, text in texts.items():
        samples = interleaved(
            {
                "greedy, font.size per piece": lambda t=text: per_call(
                    lambda: naive_wrap(t, 300, measure), 1
                ),
                "wrap()": lambda t=text: per_call(lambda: wrap(t, 300, measure), 1),
            },
            repeats,
        )
        results += summarize(
            f"wrap 10,000 chars ({label}) to 300 px",
            samples,
            unit="ms",
            scale=1e3,
            baseline="greedy, font.size per piece",
        )

    surface = pygame.Surface((960, 540))
    cache = TextCache(font)
    bubbles = [SpeechBubble(font, cache=cache), SpeechBubble(font, cache=cache)]
    bubbles[0].say("What is a callback, and how does this game use them?")
    bubbles[1].say("回调就是你把一个函数交给别人，等某件事发生时由它来调用。")
    for bubble in bubbles:
        bubble.skip()

    def frame() -> None:
        bubbles[0].draw(surface, (300, 300))
        bubbles[1].draw(surface, (600, 300))

    def uncached_frame() -> None:
        cache._surfaces.clear()
        for bubble in bubbles:
            bubble._surface = None
        frame()

    number = 50 if quick else 300
    samples = interleaved(
        {
            "re-render every frame": lambda: per_call(uncached_frame, number),
            "cached": lambda: per_call(frame, number),
        },
        repeats,
    )
    results += summarize(
        "draw two bubbles", samples, unit="µs/frame", scale=1e6, baseline="re-render every frame"
    )
    return results


if __name__ == "__main__":
    main(run)
