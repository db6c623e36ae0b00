"""Compiling a dialogue file's regular expressions with a bound on what matching may cost.

Python's ``re`` backtracks, and one pattern can make a single chat line take
forever: ``^(a+)+$`` against forty ``a`` and a ``!`` tries 2**40 ways. The
matcher cannot be interrupted (it holds the GIL in C), and a wall-clock time
limit would make the game's answer depend on the machine's speed, which
replays must not. So the bound is put on the pattern, when the file is
loaded, by walking the parse tree Python's own compiler builds:

* a part that may repeat (``*``, ``+``, ``{2,}``, ``{0,5}``...) must not contain
  another part that may repeat, an alternation whose branches are anything
  but distinct plain words, or a backreference. These shapes are what makes
  backtracking exponential ("star height" above one; OWASP, "Regular
  expression Denial of Service"; Davis et al., "The impact of regular
  expression denial of service (ReDoS) in practice", FSE 2018);
* counted repeats are at most :data:`MAX_REPEAT` (``a{4294967296}`` is refused,
  not an ``OverflowError``), a pattern at most :data:`MAX_PATTERN` characters.

What stays allowed is polynomial in the length of the line, which the
matcher cuts at ``dialogue.MAX_INPUT`` characters; but a polynomial can be
steep: ``.*.*x`` takes 1.5 s on 1,000 characters, ``.*.*.*.*x`` hours. So a
pattern that passed is also *measured* once, when it is first loaded, on
probe lines built to make it backtrack (runs of one character, and runs of
the pattern's own words, without a match at the end), at lengths doubling up
to ``max_input``: when a probe takes, or is predicted from the growth so far
to take, more than :data:`MAX_PROBE_SECONDS` of CPU time, the pattern is
refused. Measuring happens at load only, so how the game answers never
depends on the machine's speed; only whether a borderline file loads can.
Errors are :class:`UnsafePattern` with a message saying what to change.
"""

from __future__ import annotations

import importlib
import math
import re
import sys
import time
from typing import Any

__all__ = ["MAX_PATTERN", "MAX_PROBE_SECONDS", "MAX_REPEAT", "UnsafePattern", "compile_bounded"]

#: Longest pattern accepted, in characters.
MAX_PATTERN = 1000
#: Largest count in ``{m}`` / ``{m,n}``.
MAX_REPEAT = 100
#: The most CPU time one probe line of ``max_input`` characters may take (the
#: slowest bundled pattern takes ~0.1 s on its worst probe).
MAX_PROBE_SECONDS = 0.5
# Characters the generic probe lines are made of: a letter, a space, a digit,
# punctuation, a CJK character.
_PROBE_CHARS = "a 0!中"

# Python's own regular-expression parser (re._parser since 3.11, sre_parse before).
_parser: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")
_constants: Any = importlib.import_module(
    "re._constants" if sys.version_info >= (3, 11) else "sre_constants"
)
_REPEATS = {
    _constants.MAX_REPEAT,
    _constants.MIN_REPEAT,
    *([_constants.POSSESSIVE_REPEAT] if hasattr(_constants, "POSSESSIVE_REPEAT") else []),
}
_UNBOUNDED = _constants.MAXREPEAT


class UnsafePattern(ValueError):
    """A pattern that does not compile (``bad``), or whose matching cost is not bounded."""

    def __init__(self, reason: str, *, bad: bool = False) -> None:
        super().__init__(reason)
        self.bad = bad


_measured: dict[tuple[str, int, int], re.Pattern[str]] = {}


def compile_bounded(pattern: str, flags: int = 0, *, max_input: int = 1000) -> re.Pattern[str]:
    """Compile ``pattern`` after checking its shape and measuring it on lines of up to
    ``max_input`` characters; raises :class:`UnsafePattern`. Patterns that passed are
    remembered, so each is measured once per process.
    """
    key = (pattern, flags, max_input)
    known = _measured.get(key)
    if known is not None:
        return known
    if len(pattern) > MAX_PATTERN:
        raise UnsafePattern(f"longer than {MAX_PATTERN} characters")
    try:
        tree = _parser.parse(pattern, flags)
        _check(tree, repeating=False)
        compiled = re.compile(pattern, flags)
    except UnsafePattern:
        raise
    except (re.error, OverflowError, RecursionError, ValueError) as exc:
        raise UnsafePattern(str(exc), bad=True) from None
    for unit in _probe_units(tree):
        _measure(compiled, unit, max_input)
    _measured[key] = compiled
    return compiled


def _probe_units(tree: Any) -> list[str]:
    """What probe lines repeat: single characters, and the pattern's words with a space."""
    words: list[str] = []
    run: list[str] = []

    def walk(items: Any) -> None:
        for op, av in items:
            if op == _constants.LITERAL:
                run.append(chr(av))
                continue
            if run:
                words.append("".join(run))
                run.clear()
            if op in _REPEATS:
                walk(av[2])
            elif op == _constants.SUBPATTERN:
                walk(av[-1])
            elif op == _constants.BRANCH:
                for branch in av[1]:
                    walk(branch)
                    if run:
                        words.append("".join(run))
                        run.clear()

    walk(tree)
    if run:
        words.append("".join(run))
    units = [*_PROBE_CHARS, *(w.strip() + " " for w in words if w.strip())]
    return list(dict.fromkeys(units))[:24]


def _measure(compiled: re.Pattern[str], unit: str, max_input: int) -> None:
    """Refuse ``compiled`` if lines of ``unit`` repeated take too long as they grow."""
    length, last = 4, None
    while True:
        line = (unit * (length // len(unit) + 1))[:length] + "\x00"
        started = time.thread_time()
        compiled.search(line)
        spent = time.thread_time() - started
        if spent > MAX_PROBE_SECONDS:
            raise _too_slow(spent, length, unit)
        if length >= max_input:
            return
        grown = min(length * 2, max_input)
        if last is not None and spent > 1e-3 and last > 0:
            # The growth so far, as a power of the length, predicts the next probe.
            degree = max(1.0, math.log(spent / last) / math.log(2))
            predicted = spent * (grown / length) ** degree
            if predicted > MAX_PROBE_SECONDS:
                raise _too_slow(predicted, grown, unit, predicted=True)
        last, length = spent, grown


def _too_slow(seconds: float, length: int, unit: str, *, predicted: bool = False) -> UnsafePattern:
    how = "would take" if predicted else "took"
    return UnsafePattern(
        f"matching {how} {seconds:.2g} s on a {length}-character line of {unit.strip() or unit!r} "
        "(more than one repeated part that can match the same text, like .*.*x, grows "
        "polynomially); anchor the pattern or put a word between the repeats"
    )


def _check(items: Any, *, repeating: bool) -> None:
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            for count in (low, high):
                if count != _UNBOUNDED and count > MAX_REPEAT:
                    raise UnsafePattern(f"a repeat count of {count} is above {MAX_REPEAT}")
            many = high == _UNBOUNDED or high > 1
            if many and repeating:
                raise UnsafePattern(
                    "a repeated part inside another repeated part, like (a+)+, can take "
                    "exponential time; repeat the inner part only"
                )
            _check(body, repeating=repeating or many)
        elif op == _constants.SUBPATTERN:
            _check(av[-1], repeating=repeating)
        elif op == _constants.BRANCH:
            branches = av[1]
            if repeating:
                _check_words(branches)
            for branch in branches:
                _check(branch, repeating=repeating)
        elif op in (_constants.ASSERT, _constants.ASSERT_NOT):
            _check(av[1], repeating=repeating)
        elif op == getattr(_constants, "ATOMIC_GROUP", None):
            _check(av, repeating=repeating)
        elif op == _constants.GROUPREF_EXISTS:
            for branch in av[1:]:
                if branch is not None:
                    _check(branch, repeating=repeating)
        elif op == _constants.GROUPREF and repeating:
            raise UnsafePattern("a backreference inside a repeated part can take exponential time")


def _check_words(branches: list[Any]) -> None:
    """Inside a repeat, an alternation must be distinct words none of which starts another."""
    words = []
    for branch in branches:
        if not all(op == _constants.LITERAL for op, _ in branch):
            raise UnsafePattern(
                "an alternation of patterns inside a repeated part, like (a|a.)*, can take "
                "exponential time; use a character class or plain words"
            )
        words.append("".join(chr(code) for _, code in branch))
    for i, word in enumerate(words):
        for j, other in enumerate(words):
            if i != j and other.startswith(word):
                raise UnsafePattern(
                    "alternatives that can match the same text inside a repeated part, "
                    "like (a|ab)*, can take exponential time"
                )
