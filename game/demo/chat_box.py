"""The chat box as a mechanic: the text field at the bottom of the screen."""

from __future__ import annotations

import pygame

from game.demo.language import UiLanguage
from game.scene import DrawLayer, Mechanic, SceneContext
from game.widgets.textbox import TextBox

__all__ = ["ChatBox"]

#: The word before the typed text, in the UI language.
LABEL = {"en": "Say:", "zh": "说："}


class ChatBox(Mechanic):
    """Owns the :class:`~game.widgets.textbox.TextBox` (its subscriptions end on close).

    The box reacts to the ``chat`` action (open), to keys and text while open,
    and publishes ``ChatSubmitted``; see ``docs/input.md``. Its "Say:" follows
    ``language`` (the UI language) when one is given.
    """

    def __init__(
        self, context: SceneContext, font: pygame.font.Font, language: UiLanguage | None = None
    ) -> None:
        super().__init__(context)
        self.box = TextBox(context.bus, font=font, screen_size=context.size)
        self.language = language
        self.draws(DrawLayer.PANELS, self.draw)

    @property
    def is_open(self) -> bool:
        """Whether the box has the keyboard."""
        return self.box.is_open

    @property
    def text(self) -> str:
        """What is typed so far."""
        return self.box.text

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        if self.language is not None:
            self.box.label = LABEL[self.language.code]
        self.box.draw(surface, self.loop.time)

    def close(self) -> None:
        for subscription in self.box.subscriptions:
            subscription.cancel()
        super().close()
