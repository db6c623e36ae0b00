"""What the App runs: a :class:`Scene`, built by a factory from a :class:`SceneContext`.

The App owns the window, the engine parts and the clock; a scene owns what
happens in them. ``App(scene_factory)`` calls ``scene_factory(context)`` once
the engine parts exist, so a scene never has to be patched after construction::

    class Empty:
        def __init__(self, context: SceneContext) -> None:
            self.context = context
        def render(self, surface, alpha): surface.fill((0, 0, 0))
        def state(self): return {}
        def summary(self): return {}
        def text_entry_active(self): return False
        def make_bot(self, post, rng): return None
        def close(self): pass

    App(Empty, headless=True).run_ticks(60)

A scene is usually made of :class:`Mechanic` parts (the demo's coins, hazard,
NPCs, ...): each owns its colliders, subscriptions, timers, drawing and its
part of the state hash, and :meth:`Mechanic.close` undoes all of it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from game.engine.events import Event, EventBus, Priority, Subscription

if TYPE_CHECKING:
    import pygame

    from game.audio import Blips
    from game.engine.collisions import Collider, CollisionWorld, PairCallback, RectLike
    from game.engine.loop import FixedStepLoop
    from game.engine.platform.input import InputMapper
    from game.engine.timers import TimerHandle, Timers

__all__ = [
    "HEIGHT",
    "WIDTH",
    "Bot",
    "DrawLayer",
    "Mechanic",
    "Painter",
    "Post",
    "Scene",
    "SceneContext",
    "SceneFactory",
]

#: The canvas every scene draws on, in pixels; the window letterboxes it.
WIDTH, HEIGHT = 960, 540

E = TypeVar("E", bound=Event)

#: Posts a pygame event as if it came from the OS (``App.post``).
Post = Callable[["pygame.event.Event"], None]


@dataclass(frozen=True, slots=True)
class SceneContext:
    """The engine parts the App made for a scene, all sharing one ``bus``.

    ``rng`` is the game's seeded RNG (it is part of the state hash);
    ``frame_stats()`` returns the App's frame numbers for a debug overlay.
    """

    bus: EventBus
    loop: FixedStepLoop
    input: InputMapper
    timers: Timers
    world: CollisionWorld
    rng: random.Random
    blips: Blips
    frame_stats: Callable[[], Mapping[str, object]]
    size: tuple[int, int] = (WIDTH, HEIGHT)


class Bot(Protocol):
    """Plays a scene through posted input events (the headless autoplay)."""

    def before_tick(self, tick: int) -> None:
        """Look at the scene and post this tick's input."""

    def release(self) -> None:
        """Let go of every key held (the player takes over); ``before_tick`` resumes play."""


class Scene(Protocol):
    """What the App needs of a scene; nothing else of it is the App's business."""

    def render(self, surface: pygame.Surface, alpha: float) -> None:
        """Draw one frame; ``alpha`` in [0, 1) blends the last two fixed steps."""

    def state(self) -> Mapping[str, object]:
        """The scene's parts of the state hash: name → a value with a stable ``repr``."""

    def summary(self) -> Mapping[str, object]:
        """The scene's fields in the headless JSON summary (``score``, ...)."""

    def text_entry_active(self) -> bool:
        """Whether a text field has the keyboard (a paste reads the clipboard only then)."""

    def make_bot(self, post: Post, rng: random.Random) -> Bot | None:
        """A bot that plays this scene through ``post``, or ``None`` if there is none."""

    def close(self) -> None:
        """Let go of everything: subscriptions, timers, colliders, worker threads."""


#: ``factory(context) -> Scene``: a scene class or a function.
SceneFactory = Callable[[SceneContext], Scene]

#: ``painter(surface, alpha)`` draws one thing.
Painter = Callable[["pygame.Surface", float], None]


class DrawLayer(IntEnum):
    """Back to front: painters draw in layer order, ties in the order they were added."""

    GROUND = 0  # the village, a door, a plate
    ITEMS = 10  # things lying about: coins
    FIGURES = 20  # villagers and the hazard
    PLAYER = 30
    SKY = 40  # the night tint darkens everything under it
    DEBUG_BOXES = 45
    SPEECH = 50  # bubbles stay readable at night
    HUD = 60  # the top strip, the quest tracker
    NOTES = 63  # Ada's note after a quest
    HELP = 66  # the controls panel (F1)
    PANELS = 70  # the chat box
    MODAL = 80  # the panels the player opens (game/demo/panels.py): the last opened on top
    DEBUG = 90


class Mechanic:
    """One part of a scene that owns what it registers, and lets go of it on :meth:`close`.

    Subclasses register through these helpers instead of the engine parts
    directly, so closing a mechanic cancels its subscriptions and timers,
    removes its colliders and stops its drawing. :meth:`state` returns its
    parts of the state hash.
    """

    def __init__(self, context: SceneContext) -> None:
        self.context = context
        self.bus = context.bus
        self.timers = context.timers
        self.world = context.world
        self.loop = context.loop
        #: ``(layer, painter)`` in the order they were added.
        self.painters: list[tuple[DrawLayer, Painter]] = []
        self._subscriptions: list[Subscription] = []
        self._colliders: list[Collider] = []
        self._timer_handles: list[TimerHandle] = []
        self.closed = False

    # -- registering -----------------------------------------------------------

    def on(
        self,
        event_type: type[E],
        handler: Callable[[E], object],
        *,
        priority: int = Priority.GAME,
    ) -> Subscription:
        """``bus.subscribe(event_type, handler)``, cancelled by :meth:`close`."""
        subscription = self.bus.subscribe(event_type, handler, priority=priority)
        self._subscriptions.append(subscription)
        return subscription

    def on_enter(self, layer_a: str, layer_b: str, callback: PairCallback) -> Subscription:
        """``world.on_enter(layer_a, layer_b, callback)``, cancelled by :meth:`close`."""
        subscription = self.world.on_enter(layer_a, layer_b, callback)
        self._subscriptions.append(subscription)
        return subscription

    def on_exit(self, layer_a: str, layer_b: str, callback: PairCallback) -> Subscription:
        """``world.on_exit(layer_a, layer_b, callback)``, cancelled by :meth:`close`."""
        subscription = self.world.on_exit(layer_a, layer_b, callback)
        self._subscriptions.append(subscription)
        return subscription

    def add_collider(self, rect: RectLike, **options: Any) -> Collider:
        """``world.add(rect, **options)``; the collider leaves the world on :meth:`close`."""
        collider = self.world.add(rect, **options)
        self._colliders.append(collider)
        return collider

    def remove_collider(self, collider: Collider) -> None:
        """``world.remove(collider)`` for one of this mechanic's colliders."""
        self.world.remove(collider)
        self._colliders.remove(collider)

    def after(
        self,
        delay: float,
        callback: Callable[..., object],
        *args: object,
        name: str | None = None,
    ) -> TimerHandle:
        """``timers.after(...)``, cancelled by :meth:`close` if it has not fired."""
        return self._keep(self.timers.after(delay, callback, *args, name=name))

    def every(
        self, interval: float, callback: Callable[..., object], *args: object, **options: Any
    ) -> TimerHandle:
        """``timers.every(...)``, cancelled by :meth:`close`."""
        return self._keep(self.timers.every(interval, callback, *args, **options))

    def draws(self, layer: DrawLayer, painter: Painter) -> None:
        """Draw with ``painter(surface, alpha)`` in ``layer`` every frame."""
        self.painters.append((layer, painter))

    def _keep(self, handle: TimerHandle) -> TimerHandle:
        # Fired one-shot timers are dropped as new ones come, so the list stays short.
        self._timer_handles = [h for h in self._timer_handles if h.active or h.paused]
        self._timer_handles.append(handle)
        return handle

    # -- what a scene asks -------------------------------------------------------

    def state(self) -> Mapping[str, object]:
        """This mechanic's parts of the state hash (none by default)."""
        return {}

    def close(self) -> None:
        """Cancel subscriptions and timers, remove colliders, stop drawing. Idempotent."""
        if self.closed:
            return
        self.closed = True
        for subscription in self._subscriptions:
            subscription.cancel()
        for handle in self._timer_handles:
            handle.cancel()
        for collider in self._colliders:
            if collider.alive:
                self.world.remove(collider)
        self._subscriptions.clear()
        self._timer_handles.clear()
        self._colliders.clear()
        self.painters.clear()


def paint_in_order(mechanics: Iterable[Mechanic]) -> list[Painter]:
    """Every mechanic's painters, back to front: by layer, then mechanic, then added order."""
    ordered = [
        (layer, m, n, painter)
        for m, mechanic in enumerate(mechanics)
        for n, (layer, painter) in enumerate(mechanic.painters)
    ]
    ordered.sort(key=lambda item: item[:3])
    return [painter for *_, painter in ordered]
