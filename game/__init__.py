"""Callback Quest: a small pygame-ce game, and the callback engine under it.

The engine parts are importable from here; everything else is in its module::

    from game import EventBus, FixedStepLoop, FixedUpdate
"""

import os

# pygame prints a banner on import; our stdout carries JSON and chat replies.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from game.engine.collisions import (
    Collider,
    CollisionEnter,
    CollisionExit,
    CollisionStay,
    CollisionWorld,
)
from game.engine.events import (
    CascadeError,
    DispatchDepthError,
    Event,
    EventBus,
    Subscription,
    Trace,
)
from game.engine.loop import FixedStepLoop, FixedUpdate
from game.engine.timers import TimerHandle, Timers

__version__ = "0.1.0"

__all__ = [
    "CascadeError",
    "Collider",
    "CollisionEnter",
    "CollisionExit",
    "CollisionStay",
    "CollisionWorld",
    "DispatchDepthError",
    "Event",
    "EventBus",
    "FixedStepLoop",
    "FixedUpdate",
    "Subscription",
    "TimerHandle",
    "Timers",
    "Trace",
    "__version__",
]
