"""The chat box as a mechanic: the text field at the bottom of the screen."""

from __future__ import annotations

import pygame

from game.scene import DrawLayer, Mechanic, SceneContext
from game.widgets.textbox import TextBox

__all__ = ["ChatBox"]


class ChatBox(Mechanic):
    """Owns the :class:`~game.widgets.textbox.TextBox` (its subscriptions end on close).

    The box reacts to the ``chat`` action (open), to keys and text while open,
    and publishes ``ChatSubmitted``; see ``docs/input.md``.
    """

    def __init__(self, context: SceneContext, font: pygame.font.Font) -> None:
        super().__init__(context)
        self.box = TextBox(context.bus, font=font, screen_size=context.size)
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
        self.box.draw(surface, self.loop.time)

    def close(self) -> None:
        for subscription in self.box.subscriptions:
            subscription.cancel()
        super().close()
