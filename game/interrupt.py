"""Ending a run on SIGINT (Ctrl+C) or SIGTERM: an exception the command line turns into a status.

While :func:`signals_stop_the_run` is active, either signal raises
:class:`Interrupted` in the main thread, wherever it is: in the game loop, in
a playback, or waiting for a line of ``--chat`` input. The command line
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

__all__ = ["STOP_SIGNALS", "Interrupted", "signals_stop_the_run"]

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


def _raise(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextmanager
def signals_stop_the_run() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted`; restored after.

    Outside the main thread (where Python cannot set handlers) it does nothing.
    """
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
