"""Action bindings: which keys and gamepad inputs hold which action.

Loaded from ``assets/bindings.toml`` (see ``docs/input.md``)::

    [actions]
    move_left = ["left", "a", "pad:dpleft", "pad:leftx-"]

    [axes]
    move_x = { negative = "move_left", positive = "move_right", stick = "pad:leftx" }

An input is a key name as ``pygame.key.key_code`` understands it (``"left"``,
``"a"``, ``"return"``, ``"f3"``), a gamepad button ``"pad:<button>"`` or one
direction of a gamepad axis ``"pad:<axis>+"`` / ``"pad:<axis>-"``, with SDL's
button and axis names. A malformed file raises one :class:`BindingsError`
naming the file, the key and what was wrong.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pygame

from game.engine.datafile import DataFileError, read_toml
from game.engine.errors import DataError

__all__ = [
    "PAD_AXES",
    "PAD_BUTTONS",
    "AxisBinding",
    "Bindings",
    "BindingsError",
    "KeyInput",
    "PadAxisInput",
    "PadButtonInput",
    "load_bindings",
    "parse_bindings",
]

#: SDL's game-controller button names, indexed by ``CONTROLLER_BUTTON_*``.
PAD_BUTTONS: tuple[str, ...] = (
    "a", "b", "x", "y", "back", "guide", "start", "leftstick", "rightstick",
    "leftshoulder", "rightshoulder", "dpup", "dpdown", "dpleft", "dpright",
    "misc1", "paddle1", "paddle2", "paddle3", "paddle4", "touchpad",
)  # fmt: skip

#: SDL's game-controller axis names, indexed by ``CONTROLLER_AXIS_*``.
PAD_AXES: tuple[str, ...] = (
    "leftx", "lefty", "rightx", "righty", "lefttrigger", "righttrigger",
)  # fmt: skip

_PAD = "pad:"
_DEFAULT_DEADZONE = 0.2


class BindingsError(DataError):
    """A bindings file (or mapping) is malformed; the message says where and why."""


@dataclass(frozen=True, slots=True)
class KeyInput:
    """A keyboard key; ``spec`` is how the bindings spell it."""

    spec: str
    key: int


@dataclass(frozen=True, slots=True)
class PadButtonInput:
    """A gamepad button (``"pad:a"``)."""

    spec: str
    button: str


@dataclass(frozen=True, slots=True)
class PadAxisInput:
    """One direction of a gamepad axis (``"pad:leftx-"``): held past a threshold."""

    spec: str
    axis: str
    sign: int


Input = KeyInput | PadButtonInput | PadAxisInput


@dataclass(frozen=True, slots=True)
class AxisBinding:
    """A named axis: two opposing actions, optionally an analogue stick axis.

    Keys and buttons give full deflection (-1 or 1); otherwise the stick's
    value counts, rescaled so that ``deadzone`` maps to 0 and full tilt to 1.
    """

    negative: str
    positive: str
    stick: str | None = None
    deadzone: float = _DEFAULT_DEADZONE


@dataclass(frozen=True, slots=True)
class Bindings:
    """Parsed bindings: ``actions[name]`` are its inputs, ``axes[name]`` its axis."""

    actions: Mapping[str, tuple[Input, ...]]
    axes: Mapping[str, AxisBinding]
    source: str = "<bindings>"


def _key_code(name: str) -> int:
    # SDL resolves key names without the video system; pygame warns anyway.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pygame.key.key_code(name)


def parse_input(spec: object, where: str) -> Input:
    """One input spec → a typed input. Raises :class:`BindingsError` naming ``where``."""
    if not isinstance(spec, str):
        raise BindingsError(f"{where}: expected a string, got {type(spec).__name__} {spec!r}")
    text = spec.strip().lower()
    if text.startswith(_PAD):
        name = text[len(_PAD) :]
        if name in PAD_BUTTONS:
            return PadButtonInput(text, name)
        if name[:-1] in PAD_AXES and name[-1:] in ("+", "-"):
            return PadAxisInput(text, name[:-1], 1 if name[-1] == "+" else -1)
        if name in PAD_AXES:
            raise BindingsError(
                f"{where}: pad axis {spec!r} needs a direction: '{text}+' or '{text}-'"
            )
        raise BindingsError(
            f"{where}: unknown pad input {spec!r} (buttons: {', '.join(PAD_BUTTONS)}; "
            f"axes with + or -: {', '.join(PAD_AXES)})"
        )
    try:
        return KeyInput(text, _key_code(text))
    except ValueError:
        raise BindingsError(
            f"{where}: unknown key name {spec!r} (use pygame key names: 'left', 'a', 'return')"
        ) from None


def _parse_axis(name: str, value: object, actions: Mapping[str, object], where: str) -> AxisBinding:
    if not isinstance(value, Mapping):
        raise BindingsError(
            f"{where}: expected a table {{ negative = ..., positive = ... }}, "
            f"got {type(value).__name__}"
        )
    unknown = set(value) - {"negative", "positive", "stick", "deadzone"}
    if unknown:
        raise BindingsError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    ends: list[str] = []
    for end in ("negative", "positive"):
        action = value.get(end)
        if not isinstance(action, str):
            raise BindingsError(f"{where}.{end}: expected an action name, got {action!r}")
        if action not in actions:
            raise BindingsError(f"{where}.{end}: no action named {action!r} in [actions]")
        ends.append(action)
    stick = value.get("stick")
    if stick is not None:
        if not isinstance(stick, str) or stick.strip().lower()[len(_PAD) :] not in PAD_AXES:
            raise BindingsError(
                f"{where}.stick: expected 'pad:<axis>' with axis one of "
                f"{', '.join(PAD_AXES)}, got {stick!r}"
            )
        stick = stick.strip().lower()[len(_PAD) :]
    deadzone = value.get("deadzone", _DEFAULT_DEADZONE)
    if isinstance(deadzone, bool) or not isinstance(deadzone, int | float):
        raise BindingsError(f"{where}.deadzone: expected a number, got {deadzone!r}")
    if not 0 <= deadzone < 1:
        raise BindingsError(f"{where}.deadzone: must be in [0, 1), got {deadzone!r}")
    return AxisBinding(ends[0], ends[1], stick, float(deadzone))


def parse_bindings(
    actions: Mapping[str, Iterable[object]],
    axes: Mapping[str, object] | None = None,
    *,
    source: str = "<bindings>",
    required_actions: Iterable[str] = (),
    required_axes: Iterable[str] = (),
) -> Bindings:
    """Validate plain data (as read from TOML) into :class:`Bindings`.

    Besides each value's type: an input may hold one action only (every
    action is live at once, so Enter on both ``chat`` and ``confirm`` would
    mean two things per press), and ``required_actions`` / ``required_axes``
    must all be present. Raises :class:`BindingsError` naming ``source``, the
    key and the problem.
    """
    if not isinstance(actions, Mapping):
        raise BindingsError(f"{source}: [actions] must be a table, got {type(actions).__name__}")
    parsed: dict[str, tuple[Input, ...]] = {}
    for action, specs in actions.items():
        where = f"{source}: actions.{action}"
        if isinstance(specs, str) or not isinstance(specs, Iterable):
            raise BindingsError(
                f'{where}: expected a list of inputs like ["left", "pad:dpleft"], got {specs!r}'
            )
        inputs = tuple(parse_input(spec, f"{where}[{i}]") for i, spec in enumerate(specs))
        if not inputs:
            raise BindingsError(f"{where}: the list is empty; bind at least one input")
        parsed[action] = inputs
    owner: dict[str, str] = {}
    for action, inputs in parsed.items():
        for given in inputs:
            first = owner.setdefault(given.spec, action)
            if first != action:
                raise BindingsError(
                    f"{source}: actions.{action}: {given.spec!r} is already bound to "
                    f"{first!r}; one input holds one action (each press would mean both)"
                )
    parsed_axes: dict[str, AxisBinding] = {}
    for name, value in (axes or {}).items():
        parsed_axes[name] = _parse_axis(name, value, parsed, f"{source}: axes.{name}")
    for kind, required, present in (
        ("action", required_actions, parsed),
        ("axis", required_axes, parsed_axes),
    ):
        missing = [name for name in required if name not in present]
        if missing:
            table = "actions" if kind == "action" else "axes"
            raise BindingsError(
                f"{source}: [{table}] has no {kind} {missing[0]!r}, which the game needs "
                f"(required: {', '.join(required)})"
            )
    return Bindings(parsed, parsed_axes, source)


def load_bindings(
    path: str | Path,
    *,
    required_actions: Iterable[str] = (),
    required_axes: Iterable[str] = (),
) -> Bindings:
    """Read a bindings TOML file (the game's is ``game.assets.BINDINGS``).

    The file is read within the bounds of :mod:`game.engine.datafile` (size,
    nesting). It must bind every action in ``required_actions`` and axis in
    ``required_axes`` (the game passes ``game.assets.GAME_ACTIONS`` and
    ``GAME_AXES``). Raises :class:`BindingsError` for a missing, unreadable,
    oversized or malformed file; the message names the file, the key and
    what was wrong.
    """
    file = Path(path)
    try:
        data = read_toml(file)
    except DataFileError as exc:
        raise BindingsError(f"{exc} (bindings file)") from None
    unknown = set(data) - {"actions", "axes"}
    if unknown:
        raise BindingsError(
            f"{file}: unknown table {sorted(unknown)[0]!r} (expected [actions] and [axes])"
        )
    if "actions" not in data:
        raise BindingsError(f"{file}: no [actions] table")
    axes = data.get("axes", {})
    if not isinstance(axes, Mapping):
        raise BindingsError(f"{file}: [axes] must be a table, got {type(axes).__name__}")
    return parse_bindings(
        data["actions"],
        axes,
        source=str(file),
        required_actions=tuple(required_actions),
        required_axes=tuple(required_axes),
    )
