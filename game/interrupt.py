"""Ending a run on SIGINT (Ctrl+C) or SIGTERM: an exception the command line turns into a status.

While :func:`signals_stop_the_run` is active, either signal raises
:class:`Interrupted` in the main thread: at once (waiting for a line of
``--chat`` input), or, inside :func:`poll_signals` (the game loop, a
playback), at the start of the next frame, where the loop calls
:func:`check_signals`; a second signal raises at once. The command line
catches it, finishes what it can (a headless run still prints its summary,
with ``"interrupted": true``) and exits with the shell's status for the
signal, 128 + its number: 130 for SIGINT, 143 for SIGTERM. No traceback.

SDL installs its own SIGINT/SIGTERM handlers when pygame starts (they turn
the signal into a QUIT event, which a headless run never reads); it leaves
them alone when the program already handles them, and
``SDL_NO_SIGNAL_HANDLERS`` tells it so explicitly.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["STOP_SIGNALS", "Interrupted", "check_signals", "poll_signals", "signals_stop_the_run"]

#: The signals that end a run.
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """A stop signal arrived. A ``BaseException``, like ``KeyboardInterrupt``, so that
    the bus's ``except Exception`` (a handler's error is logged, the game goes on)
    does not swallow it.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def status(self) -> int:
        """The exit status a shell reports for this signal: 128 + its number."""
        return 128 + self.signum


_pending: list[int] = []
_polling: list[bool] = [False]


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    _pending.append(signum)
    if _polling[0] and len(_pending) == 1:
        # The game loop raises it at the next frame (check_signals): raised here,
        # between any two bytecodes, it could land inside a callback that native
        # code calls (a font read by FreeType, a weakref callback), which prints
        # it and drops it. A second signal raises at once.
        return
    raise Interrupted(signum)


def check_signals() -> None:
    """Raise :class:`Interrupted` if a stop signal arrived; the game loop calls it
    once a frame (``App.frame``, ``Playback``)."""
    if _pending:
        raise Interrupted(_pending[-1])


@contextmanager
def poll_signals() -> Iterator[None]:
    """Within the block, a first stop signal is only noted, for :func:`check_signals`."""
    before = _polling[0]
    _polling[0] = True
    try:
        yield
    finally:
        _polling[0] = before


@contextmanager
def signals_stop_the_run() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted`; restored after.

    Outside the main thread (where Python cannot set handlers) it does nothing.
    """
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _on_signal) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _pending.clear()
