"""The player's UI language: the system's at first, then the one the player types in."""

from __future__ import annotations

import os

from game.npc.brain import has_cjk
from game.scene import Mechanic, SceneContext
from game.widgets.chat_events import ChatSubmitted

__all__ = ["UiLanguage", "system_language"]


def system_language() -> str:
    """``"zh"`` if ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` (first set) is Chinese, else ``"en"``."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


class UiLanguage(Mechanic):
    """``code`` is ``"en"`` or ``"zh"``: what hints, the tracker and Ada's notes are shown in.

    Reacts to ``ChatSubmitted``: a line with Chinese characters switches to
    Chinese, a line without to English. Only what is shown depends on it, so
    it has no part in the state hash.
    """

    def __init__(self, context: SceneContext, code: str | None = None) -> None:
        super().__init__(context)
        self.code = code or system_language()
        self.on(ChatSubmitted, self.follow)

    def follow(self, event: ChatSubmitted) -> None:
        """Speak the language the player just typed in."""
        if event.text.strip():
            self.code = "zh" if has_cjk(event.text) else "en"

    def pick(self, texts: dict[str, str]) -> str:
        """The text in the UI language (English if there is none)."""
        return texts.get(self.code) or texts["en"]
