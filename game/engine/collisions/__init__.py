"""Collisions: axis-aligned boxes whose contacts become callbacks.

pygame only polls (``Rect.colliderect``, ``spritecollide``); here a contact
beginning, going on and ending is an event on the bus, like a key press::

    world = CollisionWorld(bus)
    player = world.add((100, 100, 28, 28), layer="player", mask={"wall", "coin"})
    world.add((300, 80, 20, 20), layer="coin", trigger=True)
    world.on_enter("player", "coin", lambda p, coin: world.remove(coin))

    world.move(player, 4, 0)   # slides along walls, never tunnels through them
    world.update()             # phase 4 of each tick: Enter / Stay / Exit

Semantics (``docs/collisions.md`` has the full table and the reasons):

* Two boxes overlap when their interiors do: touching edges do not count, and a
  box with zero width or height overlaps nothing (as ``pygame.Rect.colliderect``).
* A pair is tested only if each one's layer is in the other's mask; ``mask=None``
  means every layer, including layers that do not exist yet.
* Events are computed first, then published: all Exits, then all Enters, then
  (only while someone subscribes to :class:`CollisionStay`) all Stays, each group
  in ``(a.id, b.id)`` order with ``a.id < b.id``.
* Adding, moving or removing colliders inside a callback is safe. New colliders and
  new positions are seen by the next :meth:`CollisionWorld.update`; a removed
  collider gets its Exits at once, and pending Enter/Stay events that name it are
  dropped (an Exit is still delivered for every Enter that was delivered).

The broadphase keeps positions in numpy arrays (struct of arrays, free-list
slots), sorts the boxes by x reusing last tick's order, cuts the world into
horizontal strips and sweeps each strip along x; pair sets are diffed as sorted
int64 keys. A small world (a game level: a few dozen boxes, most of them still)
remembers which colliders were added, moved or resized since the last update
and tests only those again, keeping the other pairs. No pygame here: rects are
read by duck typing (``x, y, w, h``).

The package is three modules: this one is the public API; ``world`` holds the
colliders and the update; ``broadphase`` has the pure array functions.
"""

# The public API is the world module's __all__, re-exported whole.
from game.engine.collisions.world import *  # noqa: F403
from game.engine.collisions.world import __all__ as __all__
