"""pygame events in, typed and tick-stamped input events out.

The app feeds every pygame event to :meth:`InputMapper.feed` with the tick it
applies to; the loop calls :meth:`InputMapper.publish_tick` in phase 1 of that
tick. Converting at feed time and publishing at step time is what makes a
replay of the same stamped events give the same game.

Actions (``"move_left"``, ``"chat"``) come from :mod:`game.engine.platform.bindings`:
after each key, button or axis event is published, the mapper presses or
releases the actions bound to it, unless a handler returned ``True`` for the
event (the open chat box takes its keys: typing "wasd" moves no one).

Everything the game learns from the platform arrives this way, as data:
even a paste (Ctrl+V) reads the clipboard at feed time and becomes a
:class:`~game.engine.input_events.TextPasted` event. A :attr:`InputMapper.tap`
sees each tick's events just before they are published; that is what a
replay records (see ``docs/replay.md``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol

import pygame

from game.engine.events import EventBus, Priority
from game.engine.input_events import (
    ActionPressed,
    ActionReleased,
    FocusChanged,
    GamepadAdded,
    GamepadAxisMotion,
    GamepadButtonDown,
    GamepadButtonUp,
    GamepadRemoved,
    InputEvent,
    KeyDown,
    KeyUp,
    MouseDown,
    MouseMotion,
    MouseUp,
    MouseWheel,
    QuitRequested,
    TextEditing,
    TextInput,
    TextPasted,
    WindowResized,
)
from game.engine.platform.bindings import (
    PAD_AXES,
    PAD_BUTTONS,
    Bindings,
    KeyInput,
    PadButtonInput,
    parse_bindings,
)

__all__ = [
    "SHORTCUT_MODS",
    "STICK_PRESS",
    "STICK_RELEASE",
    "ClipboardSource",
    "DeviceHandler",
    "FocusPause",
    "InputMapper",
    "InputTap",
    "Pausable",
    "is_paste",
]

#: A stick bound as ``"pad:leftx-"`` holds its action from this far out...
STICK_PRESS = 0.5
#: ...until it comes back inside this (hysteresis: no flicker at the edge).
STICK_RELEASE = 0.4

#: The keyboard's device id in held sources; gamepads use their instance ids (>= 0).
_KEYBOARD = -1

# (device, spec): one physical input holding an action.
_Source = tuple[int, str]

#: Ctrl, or Cmd on macOS: the modifiers of the paste shortcut.
#: Ctrl, or Cmd on macOS: the modifier of editing shortcuts (paste, copy, select all).
SHORTCUT_MODS = pygame.KMOD_CTRL | pygame.KMOD_META

#: ``tap(tick, events, paused)``: called by :meth:`InputMapper.publish_tick` just
#: before it publishes ``events`` (possibly none). ``paused`` is True when they
#: are delivered at once in a frame that runs no step (the loop is paused, its
#: time scale is 0, or the frame is shorter than a step), False in phase 1 of
#: step ``tick``.
InputTap = Callable[[int, Sequence[InputEvent], bool], None]


def is_paste(key: int, mod: int) -> bool:
    """Whether a key with modifiers ``mod`` is the paste shortcut (Ctrl+V, Cmd+V)."""
    return key == pygame.K_v and bool(mod & SHORTCUT_MODS)


class ClipboardSource(Protocol):
    """Where a paste takes its text from (the app passes the system clipboard)."""

    def get_text(self) -> str: ...


class DeviceHandler(Protocol):
    """Sees every raw pygame event before conversion (opens and closes gamepads)."""

    def handle(self, event: pygame.event.Event) -> None: ...


def _point(value: Sequence[float]) -> tuple[int, int]:
    # int() refuses NaN (ValueError) and infinities (OverflowError): convert drops the event.
    return (int(value[0]), int(value[1]))


class InputMapper:
    """Turns pygame events into typed input events and tracks held actions.

    ``bindings`` is a :class:`~game.engine.platform.bindings.Bindings` (from
    ``load_bindings(path)``) or a plain mapping of action name to input specs.
    The engine has no default: the game passes its own. ``devices`` (the app's
    :class:`~game.engine.platform.gamepads.Gamepads`) sees raw events first.
    ``clipboard`` is read when a paste key is fed (no clipboard: no pastes).
    """

    def __init__(
        self,
        bus: EventBus,
        bindings: Bindings | Mapping[str, Iterable[str]],
        *,
        devices: DeviceHandler | None = None,
        clipboard: ClipboardSource | None = None,
    ) -> None:
        self.bus = bus
        self.devices = devices
        self.clipboard = clipboard
        #: Sees every tick's events before they are published (a replay recorder).
        self.tap: InputTap | None = None
        if not isinstance(bindings, Bindings):
            bindings = parse_bindings(bindings)
        self.bindings = bindings
        self._by_key: dict[int, list[tuple[str, str]]] = {}
        self._by_button: dict[str, list[tuple[str, str]]] = {}
        self._by_axis: dict[str, list[tuple[str, str, int]]] = {}
        for action, inputs in bindings.actions.items():
            for given in inputs:
                if isinstance(given, KeyInput):
                    self._by_key.setdefault(given.key, []).append((action, given.spec))
                elif isinstance(given, PadButtonInput):
                    self._by_button.setdefault(given.button, []).append((action, given.spec))
                else:  # PadAxisInput
                    entry = (action, given.spec, given.sign)
                    self._by_axis.setdefault(given.axis, []).append(entry)
        self._pending: list[InputEvent] = []
        # Feed side: which keys are physically down, to mark OS repeats.
        self._down_at_feed: set[int] = set()
        # Publish side: what the game has seen.
        self._held_keys: set[int] = set()
        self._held_buttons: set[tuple[int, str]] = set()
        self._held_directions: set[tuple[int, str, int]] = set()
        self._axis_values: dict[tuple[int, str], float] = {}
        self._held: dict[str, set[_Source]] = {action: set() for action in bindings.actions}

    # -- feeding -----------------------------------------------------------

    def feed(self, event: pygame.event.Event, tick: int) -> InputEvent | None:
        """Convert a pygame event and queue it for ``tick``; return the typed event.

        A ``KEYDOWN`` for a key that is already down is marked ``repeat``
        (pygame's own key repeat does not say so). A paste key (Ctrl+V) that
        is not a repeat also queues a :class:`TextPasted` with the clipboard's
        text, read now: the text is input, like the key, and a replay must
        carry it. Returns the key's event, not the paste.
        """
        if self.devices is not None:
            self.devices.handle(event)
        typed = self.convert(event, tick)
        if typed is None:
            return None
        if isinstance(typed, KeyDown):
            if typed.key in self._down_at_feed and not typed.repeat:
                typed = dataclasses.replace(typed, repeat=True)
            self._down_at_feed.add(typed.key)
            if not typed.repeat and self.clipboard is not None and is_paste(typed.key, typed.mod):
                self._pending.append(typed)
                text = self.clipboard.get_text()
                if text:
                    self._pending.append(TextPasted(tick, text))
                return typed
        elif isinstance(typed, KeyUp):
            self._down_at_feed.discard(typed.key)
        elif isinstance(typed, FocusChanged) and not typed.focused:
            self._down_at_feed.clear()
        self._pending.append(typed)
        return typed

    @staticmethod
    def convert(event: pygame.event.Event, tick: int) -> InputEvent | None:
        """The typed event for a pygame event, or ``None`` for kinds we ignore.

        Pure: depends on the event and ``tick`` only, and the result holds no
        pygame object (positions are tuples of ints), so it can be recorded.
        A malformed event (missing fields, a NaN or infinite position or
        wheel; SDL never sends one, code may post one) is ``None`` too, so
        it never reaches the game, nor a replay file.
        """
        try:
            return InputMapper._convert(event, tick)
        except (AttributeError, TypeError, ValueError, OverflowError, IndexError):
            return None

    @staticmethod
    def _convert(event: pygame.event.Event, tick: int) -> InputEvent | None:
        kind = event.type
        get = event.dict.get
        if kind == pygame.KEYDOWN:
            return KeyDown(tick, event.key, get("mod", 0), bool(get("repeat", False)))
        if kind == pygame.KEYUP:
            return KeyUp(tick, event.key, get("mod", 0))
        if kind == pygame.TEXTINPUT:
            return TextInput(tick, event.text)
        if kind == pygame.TEXTEDITING:
            return TextEditing(tick, event.text, int(get("start", 0)), int(get("length", 0)))
        if kind == pygame.MOUSEMOTION:
            buttons = tuple(bool(b) for b in get("buttons", (0, 0, 0))[:3])
            return MouseMotion(
                tick,
                _point(event.pos),
                _point(get("rel", (0, 0))),
                (buttons[0], buttons[1], buttons[2]),
            )
        if kind == pygame.MOUSEBUTTONDOWN:
            return MouseDown(tick, _point(event.pos), int(event.button))
        if kind == pygame.MOUSEBUTTONUP:
            return MouseUp(tick, _point(event.pos), int(event.button))
        if kind == pygame.MOUSEWHEEL:
            x = float(get("precise_x", get("x", 0)))
            y = float(get("precise_y", get("y", 0)))
            if not (math.isfinite(x) and math.isfinite(y)):
                return None
            if get("flipped", False):
                x, y = -x, -y
            return MouseWheel(tick, x + 0.0, y + 0.0)  # + 0.0 turns -0.0 into 0.0
        if kind == pygame.CONTROLLERBUTTONDOWN or kind == pygame.CONTROLLERBUTTONUP:
            index = int(event.button)
            name = PAD_BUTTONS[index] if 0 <= index < len(PAD_BUTTONS) else f"button{index}"
            if kind == pygame.CONTROLLERBUTTONDOWN:
                return GamepadButtonDown(tick, int(event.instance_id), name)
            return GamepadButtonUp(tick, int(event.instance_id), name)
        if kind == pygame.CONTROLLERAXISMOTION:
            index = int(event.axis)
            name = PAD_AXES[index] if 0 <= index < len(PAD_AXES) else f"axis{index}"
            # SDL reports -32768..32767; scale so that full tilt is exactly ±1.
            value = max(-1.0, min(1.0, int(event.value) / 32767))
            return GamepadAxisMotion(tick, int(event.instance_id), name, value)
        if kind == pygame.CONTROLLERDEVICEADDED:
            return GamepadAdded(tick, int(event.device_index))
        if kind == pygame.CONTROLLERDEVICEREMOVED:
            return GamepadRemoved(tick, int(event.instance_id))
        if kind == pygame.WINDOWSIZECHANGED:
            return WindowResized(tick, (int(event.x), int(event.y)))
        if kind == pygame.WINDOWFOCUSLOST:
            return FocusChanged(tick, False)
        if kind == pygame.WINDOWFOCUSGAINED:
            return FocusChanged(tick, True)
        if kind == pygame.QUIT:
            return QuitRequested(tick)
        return None

    # -- publishing (phase 1 of the tick) ----------------------------------

    def inject(self, event: InputEvent) -> None:
        """Queue an already typed event for its own tick (a replay's input).

        Nothing is converted and no device sees it: the event is delivered
        exactly as it was recorded.
        """
        self._pending.append(event)

    def publish_tick(self, tick: int, *, paused: bool = False) -> None:
        """Publish every queued event stamped with ``tick`` or earlier, in order.

        ``paused``: the loop delivers input at once in a frame that runs no
        step (paused, time scale 0, a frame shorter than a step); the
        :attr:`tap` is told so. When a handler raises (the bus's
        ``on_error="raise"``), the events after the one that raised stay
        queued, in order, for the next call.
        """
        tap = self.tap
        if not self._pending:
            if tap is not None:
                tap(tick, (), paused)
            return
        due = [e for e in self._pending if e.tick <= tick]
        self._pending = [e for e in self._pending if e.tick > tick]
        if tap is not None:
            tap(tick, due, paused)
        for n, event in enumerate(due, 1):
            try:
                self._publish(event, tick)
            except BaseException:
                self._pending[:0] = due[n:]
                raise

    def _publish(self, event: InputEvent, tick: int) -> None:
        handled = self.bus.publish(event)
        if isinstance(event, KeyDown):
            # A key taken by a handler (the open chat box) moves nothing.
            if not handled and not event.repeat and event.key not in self._held_keys:
                self._held_keys.add(event.key)
                for action, spec in self._by_key.get(event.key, ()):
                    self._press(action, (_KEYBOARD, spec), tick)
        elif isinstance(event, KeyUp):
            if event.key in self._held_keys:
                self._held_keys.discard(event.key)
                for action, spec in self._by_key.get(event.key, ()):
                    self._release(action, (_KEYBOARD, spec), tick)
        elif isinstance(event, GamepadButtonDown):
            held = (event.pad, event.button)
            if not handled and held not in self._held_buttons:
                self._held_buttons.add(held)
                for action, spec in self._by_button.get(event.button, ()):
                    self._press(action, (event.pad, spec), tick)
        elif isinstance(event, GamepadButtonUp):
            held = (event.pad, event.button)
            if held in self._held_buttons:
                self._held_buttons.discard(held)
                for action, spec in self._by_button.get(event.button, ()):
                    self._release(action, (event.pad, spec), tick)
        elif isinstance(event, GamepadAxisMotion):
            if not handled:
                self._move_axis(event.pad, event.axis, event.value, tick)
        elif isinstance(event, GamepadRemoved):
            self._release_device(event.pad, tick)
        elif isinstance(event, FocusChanged) and not event.focused:
            self.release_all(tick)

    def _move_axis(self, pad: int, axis: str, value: float, tick: int) -> None:
        self._axis_values[(pad, axis)] = value
        for action, spec, sign in self._by_axis.get(axis, ()):
            direction = (pad, axis, sign)
            lean = value * sign
            if direction in self._held_directions:
                if lean < STICK_RELEASE:
                    self._held_directions.discard(direction)
                    self._release(action, (pad, spec), tick)
            elif lean >= STICK_PRESS:
                self._held_directions.add(direction)
                self._press(action, (pad, spec), tick)

    def _press(self, action: str, source: _Source, tick: int) -> None:
        sources = self._held[action]
        if source in sources:
            return
        sources.add(source)
        if len(sources) == 1:
            self.bus.publish(ActionPressed(tick, action, source[1]))

    def _release(self, action: str, source: _Source, tick: int) -> None:
        sources = self._held[action]
        if source in sources:
            sources.discard(source)
            if not sources:
                self.bus.publish(ActionReleased(tick, action))

    def _release_device(self, device: int, tick: int) -> None:
        for action, sources in self._held.items():
            for source in sorted(s for s in sources if s[0] == device):
                self._release(action, source, tick)
        self._held_buttons = {b for b in self._held_buttons if b[0] != device}
        self._held_directions = {d for d in self._held_directions if d[0] != device}
        self._axis_values = {k: v for k, v in self._axis_values.items() if k[0] != device}

    def release_all(self, tick: int) -> None:
        """Release every held key, button, stick and action (on focus loss: no stuck keys)."""
        for action, sources in self._held.items():
            for source in sorted(sources):
                self._release(action, source, tick)
        self._held_keys.clear()
        self._held_buttons.clear()
        self._held_directions.clear()
        self._axis_values.clear()

    # -- polling -----------------------------------------------------------

    def state(self) -> tuple[object, ...]:
        """What is held (keys, buttons, sticks, actions), in a fixed order, for the state hash."""
        return (
            sorted(self._held_keys),
            sorted(self._held_buttons),
            sorted(self._held_directions),
            sorted(self._axis_values.items()),
            sorted((action, sorted(sources)) for action, sources in self._held.items()),
        )

    def is_down(self, action: str) -> bool:
        """Whether ``action`` is held. Raises ``KeyError`` for an unbound action."""
        try:
            return bool(self._held[action])
        except KeyError:
            raise KeyError(f"no binding for action {action!r}") from None

    def stick(self, axis: str) -> float:
        """The raw value of a gamepad axis (``"leftx"``), the largest over all pads; 0 without."""
        best = 0.0
        for (_pad, name), value in self._axis_values.items():
            if name == axis and abs(value) > abs(best):
                best = value
        return best

    def axis(self, name: str, positive: str | None = None) -> float:
        """A value in [-1, 1]: a named axis from the bindings (``axis("move_x")``),
        or two opposing actions (``axis("move_left", "move_right")``: -1, 0 or 1).

        For a named axis, keys and buttons of its two actions give full
        deflection; when none is held, its stick counts, rescaled so the
        deadzone reads 0 and full tilt 1. Raises ``KeyError`` for an unknown
        axis or action.
        """
        if positive is not None:
            return float(self.is_down(positive)) - float(self.is_down(name))
        try:
            binding = self.bindings.axes[name]
        except KeyError:
            raise KeyError(f"no axis named {name!r} in the bindings") from None
        stick = binding.stick
        own = {f"pad:{stick}-", f"pad:{stick}+"} if stick is not None else set()

        def held(action: str) -> int:
            return int(any(spec not in own for _device, spec in self._held[action]))

        digital = held(binding.positive) - held(binding.negative)
        if digital or stick is None:
            return float(digital)
        value = self.stick(stick)
        magnitude = abs(value)
        if magnitude <= binding.deadzone:
            return 0.0
        scaled = min((magnitude - binding.deadzone) / (1.0 - binding.deadzone), 1.0)
        return math.copysign(scaled, value)


class Pausable(Protocol):
    """Anything with a ``paused`` flag (the :class:`~game.engine.loop.FixedStepLoop`)."""

    paused: bool


class FocusPause:
    """Pauses ``loop`` when the window loses focus; resumes when focus returns.

    Resumes only if it was the focus loss that paused it: a game the player
    paused stays paused. A key press or a click also resumes it: input
    arriving proves the window has focus, whatever the window manager said
    (without one, as under Xvfb, focus-in may never be reported). Hold a
    reference to it: the bus holds its methods weakly.
    """

    def __init__(self, bus: EventBus, loop: Pausable) -> None:
        self.loop = loop
        self._paused_by_focus = False
        self.subscriptions = [
            bus.subscribe(FocusChanged, self.on_focus_changed),
            # Sees keys and clicks before any handler can take them.
            bus.subscribe(KeyDown, self.on_input, priority=Priority.FOCUS),
            bus.subscribe(MouseDown, self.on_input, priority=Priority.FOCUS),
        ]

    @property
    def paused_by_focus(self) -> bool:
        """Whether the game is paused because the window lost focus."""
        return self._paused_by_focus

    def on_input(self, _event: KeyDown | MouseDown) -> None:
        """Input while paused by focus loss: the window has focus after all."""
        if self._paused_by_focus:
            self._paused_by_focus = False
            self.loop.paused = False

    def on_focus_changed(self, event: FocusChanged) -> None:
        """Pause on loss, resume on gain (if we paused)."""
        if not event.focused:
            if not self.loop.paused:
                self.loop.paused = True
                self._paused_by_focus = True
        elif self._paused_by_focus:
            self._paused_by_focus = False
            self.loop.paused = False
