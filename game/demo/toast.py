"""The toast: a short message above the chat box, taken away by a timer."""

from __future__ import annotations

from game.engine.timers import TimerHandle
from game.scene import Mechanic, SceneContext

__all__ = ["Toast"]


class Toast(Mechanic):
    """Holds the message; the HUD shows it as its hint while it lasts."""

    def __init__(self, context: SceneContext) -> None:
        super().__init__(context)
        self.text = ""
        self._timer: TimerHandle | None = None

    def show(self, text: str, seconds: float = 3.0) -> None:
        """Show ``text`` for ``seconds`` of game time (replacing any message shown)."""
        self.text = text
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.after(seconds, self._clear, name="toast")

    def _clear(self) -> None:
        self.text = ""
        self._timer = None
