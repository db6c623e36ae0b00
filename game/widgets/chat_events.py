"""Events of the chat text box. Pure dataclasses (no pygame): the NPC layer imports them."""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.events import Event

__all__ = ["ChatClosed", "ChatOpened", "ChatSubmitted"]


@dataclass(frozen=True, slots=True)
class ChatSubmitted(Event):
    """The player sent ``text`` (never empty or only whitespace; outer spaces stripped)."""

    text: str


@dataclass(frozen=True, slots=True)
class ChatOpened(Event):
    """The chat box opened in ``tick``: it now takes the keyboard."""

    tick: int


@dataclass(frozen=True, slots=True)
class ChatClosed(Event):
    """The chat box closed in ``tick``; ``sent`` says whether a message went out."""

    tick: int
    sent: bool
