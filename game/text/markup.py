"""Code in a line of speech: Markdown's inline code spans (`` `like this` ``).

A reply may quote code between backticks. :func:`split_code` takes the backticks out
and says where the code is, so the bubble and the conversation log can set it apart
(a distinct ink on a tinted run) instead of showing the backticks.

Rules (a subset of CommonMark's code spans, https://spec.commonmark.org/0.31.2/#code-spans):
a backtick opens a span and the next backtick closes it; the backticks are not
shown. A span not closed yet runs to the end of the text, so a reply streamed token
by token is code from its opening backtick on, before its closing one arrives; and
the text without backticks only grows as the text grows.
"""

from __future__ import annotations

__all__ = ["Span", "code_runs", "split_code"]

#: ``(start, end)``: code points ``start`` up to ``end`` (exclusive) of the text shown.
Span = tuple[int, int]


def split_code(text: str) -> tuple[str, tuple[Span, ...]]:
    """``text`` without its backticks, and the code spans in that text, in order.

    >>> split_code("say `hi()` now")
    ('say hi() now', ((4, 8),))
    """
    if "`" not in text:
        return text, ()
    parts = text.split("`")
    shown: list[str] = []
    spans: list[Span] = []
    at = 0
    for n, part in enumerate(parts):
        if n % 2 and part:  # between an opening and a closing (or the end)
            spans.append((at, at + len(part)))
        shown.append(part)
        at += len(part)
    return "".join(shown), tuple(spans)


def code_runs(start: int, end: int, spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """The parts of ``spans`` inside ``start..end``, relative to ``start``."""
    runs = []
    for a, b in spans:
        if b <= start:
            continue
        if a >= end:
            break
        runs.append((max(a, start) - start, min(b, end) - start))
    return tuple(runs)
