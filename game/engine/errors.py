"""The error every malformed data file or setting raises, so one place can report them all."""

from __future__ import annotations

__all__ = ["DataError"]


class DataError(ValueError):
    """A data file or setting the user can fix; the message names it and what is wrong.

    Dialogue files, key bindings, replay files and brain specs raise subclasses
    of this; the command line prints the message in one line and exits with 2.
    """
