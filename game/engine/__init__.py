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

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ loads these
    from game.engine.collisions import (
        MAX_LAYERS,
        Box,
        Collider,
        CollisionEnter,
        CollisionEvent,
        CollisionExit,
        CollisionStay,
        CollisionWorld,
        PairCallback,
        RectLike,
    )
    from game.engine.errors import (
        DataError,
    )
    from game.engine.events import (
        CascadeError,
        DispatchDepthError,
        Event,
        EventBus,
        Handler,
        Subscription,
        Trace,
        callable_name,
    )
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
    from game.engine.loop import (
        CollisionPhase,
        FixedStepLoop,
        FixedUpdate,
        InputPhase,
        TimerPhase,
    )
    from game.engine.platform.bindings import (
        PAD_AXES,
        PAD_BUTTONS,
        AxisBinding,
        Bindings,
        BindingsError,
        KeyInput,
        PadAxisInput,
        PadButtonInput,
        load_bindings,
        parse_bindings,
    )
    from game.engine.platform.gamepads import (
        Gamepads,
    )
    from game.engine.platform.input import (
        STICK_PRESS,
        STICK_RELEASE,
        ClipboardSource,
        DeviceHandler,
        FocusPause,
        InputMapper,
        InputTap,
        Pausable,
        is_paste,
    )
    from game.engine.platform.viewport import (
        Viewport,
    )
    from game.engine.replay import (
        FORMAT_VERSION,
        MAX_REPLAY_BYTES,
        Checkpoint,
        InputLine,
        Replay,
        ReplayError,
        ReplayHeader,
        ReplayWriter,
        combine_parts,
        event_from_json,
        event_to_json,
        read_replay,
    )
    from game.engine.timers import (
        CatchUp,
        TimerHandle,
        Timers,
    )

# name -> the module that defines it
_EXPORTS: dict[str, str] = {
    # the bus
    "CascadeError": "game.engine.events",
    "DispatchDepthError": "game.engine.events",
    "Event": "game.engine.events",
    "EventBus": "game.engine.events",
    "Handler": "game.engine.events",
    "Subscription": "game.engine.events",
    "Trace": "game.engine.events",
    "callable_name": "game.engine.events",
    # the fixed-step loop and its phase events
    "CollisionPhase": "game.engine.loop",
    "FixedStepLoop": "game.engine.loop",
    "FixedUpdate": "game.engine.loop",
    "InputPhase": "game.engine.loop",
    "TimerPhase": "game.engine.loop",
    # game-time timers
    "CatchUp": "game.engine.timers",
    "TimerHandle": "game.engine.timers",
    "Timers": "game.engine.timers",
    # collisions (numpy)
    "MAX_LAYERS": "game.engine.collisions",
    "Box": "game.engine.collisions",
    "Collider": "game.engine.collisions",
    "CollisionEnter": "game.engine.collisions",
    "CollisionEvent": "game.engine.collisions",
    "CollisionExit": "game.engine.collisions",
    "CollisionStay": "game.engine.collisions",
    "CollisionWorld": "game.engine.collisions",
    "PairCallback": "game.engine.collisions",
    "RectLike": "game.engine.collisions",
    # errors shared by the data readers
    "DataError": "game.engine.errors",
    # typed input events (no pygame)
    "ActionPressed": "game.engine.input_events",
    "ActionReleased": "game.engine.input_events",
    "FocusChanged": "game.engine.input_events",
    "GamepadAdded": "game.engine.input_events",
    "GamepadAxisMotion": "game.engine.input_events",
    "GamepadButtonDown": "game.engine.input_events",
    "GamepadButtonUp": "game.engine.input_events",
    "GamepadRemoved": "game.engine.input_events",
    "InputEvent": "game.engine.input_events",
    "KeyDown": "game.engine.input_events",
    "KeyUp": "game.engine.input_events",
    "MouseDown": "game.engine.input_events",
    "MouseMotion": "game.engine.input_events",
    "MouseUp": "game.engine.input_events",
    "MouseWheel": "game.engine.input_events",
    "QuitRequested": "game.engine.input_events",
    "TextEditing": "game.engine.input_events",
    "TextInput": "game.engine.input_events",
    "TextPasted": "game.engine.input_events",
    "WindowResized": "game.engine.input_events",
    # replay files
    "FORMAT_VERSION": "game.engine.replay",
    "MAX_REPLAY_BYTES": "game.engine.replay",
    "Checkpoint": "game.engine.replay",
    "InputLine": "game.engine.replay",
    "Replay": "game.engine.replay",
    "ReplayError": "game.engine.replay",
    "ReplayHeader": "game.engine.replay",
    "ReplayWriter": "game.engine.replay",
    "combine_parts": "game.engine.replay",
    "event_from_json": "game.engine.replay",
    "event_to_json": "game.engine.replay",
    "read_replay": "game.engine.replay",
    # the input stack (pygame)
    "STICK_PRESS": "game.engine.platform.input",
    "STICK_RELEASE": "game.engine.platform.input",
    "ClipboardSource": "game.engine.platform.input",
    "DeviceHandler": "game.engine.platform.input",
    "FocusPause": "game.engine.platform.input",
    "InputMapper": "game.engine.platform.input",
    "InputTap": "game.engine.platform.input",
    "Pausable": "game.engine.platform.input",
    "is_paste": "game.engine.platform.input",
    # key and gamepad bindings (pygame)
    "PAD_AXES": "game.engine.platform.bindings",
    "PAD_BUTTONS": "game.engine.platform.bindings",
    "AxisBinding": "game.engine.platform.bindings",
    "Bindings": "game.engine.platform.bindings",
    "BindingsError": "game.engine.platform.bindings",
    "KeyInput": "game.engine.platform.bindings",
    "PadAxisInput": "game.engine.platform.bindings",
    "PadButtonInput": "game.engine.platform.bindings",
    "load_bindings": "game.engine.platform.bindings",
    "parse_bindings": "game.engine.platform.bindings",
    # gamepads (pygame)
    "Gamepads": "game.engine.platform.gamepads",
    # the letterboxed window (pygame)
    "Viewport": "game.engine.platform.viewport",
}

# Literal, so type checkers see the re-exports; a test checks it equals _EXPORTS.
__all__ = [
    "FORMAT_VERSION",
    "MAX_LAYERS",
    "MAX_REPLAY_BYTES",
    "PAD_AXES",
    "PAD_BUTTONS",
    "STICK_PRESS",
    "STICK_RELEASE",
    "ActionPressed",
    "ActionReleased",
    "AxisBinding",
    "Bindings",
    "BindingsError",
    "Box",
    "CascadeError",
    "CatchUp",
    "Checkpoint",
    "ClipboardSource",
    "Collider",
    "CollisionEnter",
    "CollisionEvent",
    "CollisionExit",
    "CollisionPhase",
    "CollisionStay",
    "CollisionWorld",
    "DataError",
    "DeviceHandler",
    "DispatchDepthError",
    "Event",
    "EventBus",
    "FixedStepLoop",
    "FixedUpdate",
    "FocusChanged",
    "FocusPause",
    "GamepadAdded",
    "GamepadAxisMotion",
    "GamepadButtonDown",
    "GamepadButtonUp",
    "GamepadRemoved",
    "Gamepads",
    "Handler",
    "InputEvent",
    "InputLine",
    "InputMapper",
    "InputPhase",
    "InputTap",
    "KeyDown",
    "KeyInput",
    "KeyUp",
    "MouseDown",
    "MouseMotion",
    "MouseUp",
    "MouseWheel",
    "PadAxisInput",
    "PadButtonInput",
    "PairCallback",
    "Pausable",
    "QuitRequested",
    "RectLike",
    "Replay",
    "ReplayError",
    "ReplayHeader",
    "ReplayWriter",
    "Subscription",
    "TextEditing",
    "TextInput",
    "TextPasted",
    "TimerHandle",
    "TimerPhase",
    "Timers",
    "Trace",
    "Viewport",
    "WindowResized",
    "callable_name",
    "combine_parts",
    "event_from_json",
    "event_to_json",
    "is_paste",
    "load_bindings",
    "parse_bindings",
    "read_replay",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is a plain global: no second call
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
