"""The engine: event bus, fixed-step loop, timers, collisions, replay, input.

It knows nothing of the demo. Every public name is importable from here::

    from game.engine import CollisionWorld, EventBus, FixedStepLoop, InputMapper, Timers

Names are loaded lazily (PEP 562, a module ``__getattr__``): ``import game.engine``
imports neither pygame nor numpy; the first use of a name imports its module, so
``EventBus`` costs only the standard library, ``CollisionWorld`` brings numpy and
``InputMapper`` brings pygame. ``AttributeError`` names a name that is not here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ loads names
    from game.engine.collisions import *  # noqa: F403
    from game.engine.errors import *  # noqa: F403
    from game.engine.events import *  # noqa: F403
    from game.engine.input_events import *  # noqa: F403
    from game.engine.loop import *  # noqa: F403
    from game.engine.platform.bindings import *  # noqa: F403
    from game.engine.platform.gamepads import *  # noqa: F403
    from game.engine.platform.input import *  # noqa: F403
    from game.engine.platform.viewport import *  # noqa: F403
    from game.engine.replay import *  # noqa: F403
    from game.engine.timers import *  # noqa: F403
    from game.engine.wiring import *  # noqa: F403

#: module -> the public names it gives this namespace
_MODULES: dict[str, tuple[str, ...]] = {
    # the bus, its input layers
    "game.engine.events": (
        "HANDLED",
        "CascadeError",
        "Delivery",
        "DispatchDepthError",
        "Event",
        "EventBus",
        "Handler",
        "Modal",
        "Priority",
        "Subscription",
        "Trace",
        "callable_name",
    ),
    # the fixed-step loop and its phase events
    "game.engine.loop": (
        "CollisionPhase",
        "FixedStepLoop",
        "FixedUpdate",
        "InputPhase",
        "TimerPhase",
    ),
    # game-time timers
    "game.engine.timers": (
        "CatchUp",
        "TimerHandle",
        "Timers",
    ),
    # collisions (numpy)
    "game.engine.collisions": (
        "MAX_LAYERS",
        "Box",
        "Collider",
        "CollisionEnter",
        "CollisionEvent",
        "CollisionExit",
        "CollisionStay",
        "CollisionWorld",
        "LayerPairWarning",
        "PairCallback",
        "RectLike",
    ),
    # the live wiring: who reacts to what (F4, --wiring)
    "game.engine.wiring": (
        "Edge",
        "RecentlyFired",
        "edges",
        "to_mermaid",
    ),
    # errors shared by the data readers
    "game.engine.errors": ("DataError",),
    # typed input events (no pygame)
    "game.engine.input_events": (
        "ActionPressed",
        "ActionReleased",
        "FocusChanged",
        "GamepadAdded",
        "GamepadAxisMotion",
        "GamepadButtonDown",
        "GamepadButtonUp",
        "GamepadRemoved",
        "InputEvent",
        "KeyDown",
        "KeyUp",
        "MouseDown",
        "MouseMotion",
        "MouseUp",
        "MouseWheel",
        "QuitRequested",
        "TextEditing",
        "TextInput",
        "TextPasted",
        "WindowResized",
    ),
    # replay files
    "game.engine.replay": (
        "FORMAT_VERSION",
        "MAX_REPLAY_BYTES",
        "Checkpoint",
        "InputLine",
        "Replay",
        "ReplayError",
        "ReplayHeader",
        "ReplayWriter",
        "combine_parts",
        "event_from_json",
        "event_to_json",
        "read_replay",
    ),
    # the input stack (pygame)
    "game.engine.platform.input": (
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
    ),
    # key and gamepad bindings (pygame)
    "game.engine.platform.bindings": (
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
    ),
    # gamepads (pygame)
    "game.engine.platform.gamepads": ("Gamepads",),
    # the letterboxed window (pygame)
    "game.engine.platform.viewport": ("Viewport",),
}
_EXPORTS = {name: module for module, names in _MODULES.items() for name in names}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is a plain global: no second call
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
