"""Callback Quest: a small pygame-ce game, and the callback engine under it.

The core engine parts are importable from here (the whole engine API is in
:mod:`game.engine`); everything else is in its module::

    from game import EventBus, FixedStepLoop, FixedUpdate

Like :mod:`game.engine`, the names load lazily: ``import game`` imports neither
pygame nor numpy.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# pygame prints a banner on import; our stdout carries JSON and chat replies.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

if TYPE_CHECKING:
    from game.engine import (
        CascadeError,
        Collider,
        CollisionEnter,
        CollisionExit,
        CollisionStay,
        CollisionWorld,
        DispatchDepthError,
        Event,
        EventBus,
        FixedStepLoop,
        FixedUpdate,
        Subscription,
        TimerHandle,
        Timers,
        Trace,
    )

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


def __getattr__(name: str) -> Any:
    if name in __all__ and name != "__version__":
        import game.engine

        return getattr(game.engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
