"""pygame events in, typed and tick-stamped input events out.

The app feeds every pygame event to :meth:`InputMapper.feed` with the tick it
applies to; the loop calls :meth:`InputMapper.publish_tick` in phase 1 of that
tick. Converting at feed time and publishing at step time is what makes a
replay of the same stamped events give the same game.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pygame

from game.engine.events import EventBus
from game.engine.input_events import (
    ActionPressed,
    ActionReleased,
    FocusChanged,
    InputEvent,
    KeyDown,
    KeyUp,
    QuitRequested,
    TextInput,
)

__all__ = ["DEFAULT_BINDINGS", "InputMapper"]

#: Action name -> key names (as ``pygame.key.key_code`` understands them).
DEFAULT_BINDINGS: Mapping[str, tuple[str, ...]] = {
    "move_left": ("left", "a"),
    "move_right": ("right", "d"),
    "move_up": ("up", "w"),
    "move_down": ("down", "s"),
}


class InputMapper:
    """Turns pygame events into typed input events and tracks held actions."""

    def __init__(
        self, bus: EventBus, bindings: Mapping[str, Iterable[str]] = DEFAULT_BINDINGS
    ) -> None:
        self.bus = bus
        self._actions_of_key: dict[int, list[str]] = {}
        for action, keys in bindings.items():
            for name in keys:
                try:
                    code = pygame.key.key_code(name)
                except ValueError:
                    raise ValueError(f"binding {action!r}: unknown key name {name!r}") from None
                self._actions_of_key.setdefault(code, []).append(action)
        self._pending: list[InputEvent] = []
        self._held_keys: set[int] = set()
        self._action_keys: dict[str, set[int]] = {action: set() for action in bindings}

    # -- feeding -----------------------------------------------------------

    def feed(self, event: pygame.event.Event, tick: int) -> InputEvent | None:
        """Convert a pygame event and queue it for ``tick``; return the typed event."""
        typed = self.convert(event, tick)
        if typed is not None:
            self._pending.append(typed)
        return typed

    @staticmethod
    def convert(event: pygame.event.Event, tick: int) -> InputEvent | None:
        """The typed event for a pygame event, or ``None`` for kinds we ignore."""
        kind = event.type
        if kind == pygame.KEYDOWN:
            return KeyDown(
                tick, event.key, event.dict.get("mod", 0), bool(event.dict.get("repeat", False))
            )
        if kind == pygame.KEYUP:
            return KeyUp(tick, event.key, event.dict.get("mod", 0))
        if kind == pygame.TEXTINPUT:
            return TextInput(tick, event.text)
        if kind == pygame.WINDOWFOCUSLOST:
            return FocusChanged(tick, False)
        if kind == pygame.WINDOWFOCUSGAINED:
            return FocusChanged(tick, True)
        if kind == pygame.QUIT:
            return QuitRequested(tick)
        return None

    # -- publishing (phase 1 of the tick) ----------------------------------

    def publish_tick(self, tick: int) -> None:
        """Publish every queued event stamped with ``tick`` or earlier, in order."""
        if not self._pending:
            return
        due = [e for e in self._pending if e.tick <= tick]
        self._pending = [e for e in self._pending if e.tick > tick]
        for event in due:
            self._publish(event, tick)

    def _publish(self, event: InputEvent, tick: int) -> None:
        handled = self.bus.publish(event)
        if isinstance(event, KeyDown):
            # A key taken by a handler (the open chat box) moves nothing.
            if not handled and not event.repeat and event.key not in self._held_keys:
                self._held_keys.add(event.key)
                for action in self._actions_of_key.get(event.key, ()):
                    self._press(action, event.key, tick)
        elif isinstance(event, KeyUp):
            if event.key in self._held_keys:
                self._held_keys.discard(event.key)
                for action in self._actions_of_key.get(event.key, ()):
                    self._release(action, event.key, tick)
        elif isinstance(event, FocusChanged) and not event.focused:
            self.release_all(tick)

    def _press(self, action: str, key: int, tick: int) -> None:
        keys = self._action_keys[action]
        keys.add(key)
        if len(keys) == 1:
            self.bus.publish(ActionPressed(tick, action))

    def _release(self, action: str, key: int, tick: int) -> None:
        keys = self._action_keys[action]
        if key in keys:
            keys.discard(key)
            if not keys:
                self.bus.publish(ActionReleased(tick, action))

    def release_all(self, tick: int) -> None:
        """Release every held key and action (on focus loss: no stuck keys)."""
        for key in sorted(self._held_keys):
            for action in self._actions_of_key.get(key, ()):
                self._release(action, key, tick)
        self._held_keys.clear()

    # -- polling -----------------------------------------------------------

    def is_down(self, action: str) -> bool:
        """Whether ``action`` is held. Raises ``KeyError`` for an unbound action."""
        try:
            return bool(self._action_keys[action])
        except KeyError:
            raise KeyError(f"no binding for action {action!r}") from None

    def axis(self, negative: str, positive: str) -> float:
        """-1, 0 or 1 from two opposing actions (e.g. ``"move_left"``, ``"move_right"``)."""
        return float(self.is_down(positive)) - float(self.is_down(negative))
