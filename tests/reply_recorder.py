"""The NPC side of the brain protocol for tests: records every callback, and on which thread."""

from __future__ import annotations

import threading

__all__ = ["Recorder"]


class Recorder:
    """:class:`~game.npc.brain.ReplyCallbacks` that record ``(kind, value)`` calls in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.threads: set[int] = set()

    def _add(self, kind: str, value: str = "") -> None:
        self.threads.add(threading.get_ident())
        self.calls.append((kind, value))

    def on_start(self) -> None:
        self._add("start")

    def on_token(self, token: str) -> None:
        self._add("token", token)

    def on_end(self, text: str) -> None:
        self._add("end", text)

    def on_error(self, message: str) -> None:
        self._add("error", message)

    @property
    def tokens(self) -> list[str]:
        return [value for kind, value in self.calls if kind == "token"]

    @property
    def finals(self) -> list[tuple[str, str]]:
        return [call for call in self.calls if call[0] in ("end", "error")]

    @property
    def bubble(self) -> str:
        """What a bubble revealing the tokens shows."""
        return "".join(self.tokens)
