"""A modal layer a panel puts up and takes down again: the pause panel's, the ending card's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from game.engine.events import EventBus, Modal, Priority

__all__ = ["ModalSwitch"]


class ModalSwitch:
    """Pushes ``handlers`` on ``bus`` as one modal layer (:meth:`EventBus.push_modal`) and
    pops it, as often as its panel opens and closes.

    :attr:`on` says whether the layer is pushed; :meth:`push` while on and :meth:`pop`
    while off do nothing.
    """

    __slots__ = ("_bus", "_handlers", "_modal", "_priority")

    def __init__(
        self,
        bus: EventBus,
        handlers: Mapping[type[Any], Callable[[Any], object]],
        *,
        priority: int = Priority.MODAL,
    ) -> None:
        self._bus = bus
        self._handlers = handlers
        self._priority = priority
        self._modal: Modal | None = None

    @property
    def on(self) -> bool:
        """Whether the layer is pushed."""
        return self._modal is not None

    def push(self) -> None:
        """Put the layer over the game's handlers."""
        if self._modal is None:
            self._modal = self._bus.push_modal(self._handlers, priority=self._priority)

    def pop(self) -> None:
        """Give the events back to the handlers underneath."""
        if self._modal is not None:
            self._modal.pop()
            self._modal = None
