"""The stress scene: N bouncing entities whose contacts are callbacks, drawn at 60 FPS.

Three kinds of entity move in the 960×540 canvas, bouncing off its edges:

* red and blue balls (2×2 px, 47.5 % each), on layers ``"red"`` and ``"blue"``:
  a red ball that meets a blue one bounces off it (``on_enter``: the two swap
  velocities, an elastic collision of equal masses along their line) and both
  flash white while they touch (``on_exit`` turns them back);
* blobs (6×6 px, 5 %, half of them spare in the pool): a ball that meets a blob
  bounces back, and the blob splits: a spare blob appears beside it, moving the
  other way, and a timer takes it away again 4 s later.

And a few static zones: three paint pools (a ball entering one takes its
colour, leaving it gives the team colour back) and two holes (a ball that falls
in despawns; a timer respawns it at an edge 2 s later).

Everything moves in one numpy step per tick and reaches the collision world by
:meth:`CollisionWorld.set_positions`; all reactions are callbacks of the
CollisionEnter and CollisionExit events, routed by layer pair (one handler per
event class: at thousands of contacts a tick, ten ``world.on_enter``
registrations would each be called for every event only to look at its layers).
The entities are a fixed pool: a despawned one keeps its collider with an empty
box (it overlaps nothing), so the batch of colliders stays the same list and
moving it costs one numpy assignment. Drawing blends the last two steps by
``alpha`` and blits pre-rendered sprites with one ``Surface.fblits`` call. F3
shows the frame time and N; + and − change N live.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pygame

from game.engine.collisions import Collider, CollisionEnter, CollisionExit, PairCallback
from game.engine.input_events import ActionPressed, KeyDown
from game.engine.loop import FixedUpdate
from game.engine.timers import TimerHandle
from game.scene import Bot, Post, SceneContext, SceneFactory

__all__ = ["KINDS", "LAYERS", "PAIRS", "StressScene", "stress_scene"]

RED, BLUE, BLOB = 0, 1, 2
#: Layer of each kind, by kind number.
KINDS = ("red", "blue", "blob")
LAYERS = ("red", "blue", "blob", "paint", "hole")
#: The layer pairs that meet (the world's layer-pair table): red never tests red.
PAIRS = (
    ("red", "blue"),
    ("red", "blob"),
    ("blue", "blob"),
    ("red", "paint"),
    ("blue", "paint"),
    ("red", "hole"),
    ("blue", "hole"),
)
BALL_SIZE = 2
BLOB_SIZE = 6
BALL_SPEED = (12.0, 30.0)  # px per second of game time
BLOB_SPEED = (6.0, 15.0)
RESPAWN_AFTER = 2.0  # s: a ball that fell in a hole comes back
SPLIT_LIFETIME = 4.0  # s: a blob split off lives this long
#: Paint pools (x, y, w, h) and their colours; holes (x, y, w, h).
PAINT = (
    ((140, 90, 150, 110), (240, 200, 60)),
    ((640, 120, 170, 100), (90, 210, 120)),
    ((380, 360, 190, 110), (190, 110, 230)),
)
HOLES = ((460, 110, 28, 28), (170, 400, 28, 28))
BACKGROUND = (18, 20, 28)
TEAM = ((230, 70, 70), (80, 140, 240), (120, 220, 200))  # red, blue, blob
FLASH = (250, 250, 250)
FLASHING = 3  # the look of a ball touching one of the other team
INK = (236, 240, 232)

_Floats = npt.NDArray[np.float64]


class StressScene:
    """N pooled entities, their contacts as callbacks; implements :class:`game.scene.Scene`.

    ``n`` (at least 1) is the pool size: every entity has a collider, despawned
    or spare ones an empty box. Raises ``ValueError`` for ``n < 1``.
    """

    def __init__(self, context: SceneContext, *, n: int = 10_000) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be an int >= 1, not {n!r}")
        self.context = context
        self.bus = context.bus
        self.world = context.world
        self.timers = context.timers
        self.loop = context.loop
        self.width, self.height = context.size
        # numpy's generator, seeded from the game's RNG: the state hash covers both.
        self.rng = np.random.default_rng(context.rng.getrandbits(63))
        self.world.declare(LAYERS, PAIRS)
        self.step = context.loop.step
        # The pool, struct of arrays: entity i is row i everywhere.
        self.pos: _Floats = np.zeros((0, 2))
        self.prev: _Floats = np.zeros((0, 2))
        self.vel: _Floats = np.zeros((0, 2))
        self.limit: _Floats = np.zeros((0, 2))  # canvas size minus the entity's size
        # Per entity, read by the callbacks one at a time: Python lists, as indexing
        # a numpy array for one element costs several times a list's.
        self.kind: list[int] = []
        self.active: list[bool] = []
        self.colliders: list[Collider] = []
        self.sizes: list[int] = []
        self.touching: list[int] = []  # contacts with the other team now (flash while > 0)
        self.paint: list[int] = []  # the paint pool it is in, or -1
        self.looks: list[int] = []  # index into self._sprites' table
        self.sprites: list[pygame.Surface] = []  # what render blits for each entity
        self._timers: dict[int, TimerHandle] = {}
        self._bouncing: list[int] = []  # pairs that met, flat: i0, j0, i1, j1, ...
        self.bounces = self.splits = self.despawns = self.respawns = self.paints = 0
        self._table = _sprite_table()
        self._flash = self._table[FLASHING]
        for number, (rect, _) in enumerate(PAINT):
            self.world.add(rect, layer="paint", trigger=True, owner=number)
        for rect in HOLES:
            self.world.add(rect, layer="hole", trigger=True)
        self.resize(n)
        self.subscriptions = [
            self.bus.subscribe(FixedUpdate, self.on_fixed_update),
            self.bus.subscribe(ActionPressed, self.on_action),
            self.bus.subscribe(KeyDown, self.on_key),
            self.bus.subscribe(CollisionEnter, self.on_enter),
            self.bus.subscribe(CollisionExit, self.on_exit),
        ]
        # What each layer pair does, routed by one handler per event class: with
        # thousands of contacts a tick, ten world.on_enter/on_exit registrations
        # would each be called for every event to look at its layers.
        self.entering = _routes(
            {
                ("red", "blue"): self.on_balls_meet,
                ("red", "blob"): self.on_blob_hit,
                ("blue", "blob"): self.on_blob_hit,
                ("red", "paint"): self.on_paint_enter,
                ("blue", "paint"): self.on_paint_enter,
                ("red", "hole"): self.on_hole,
                ("blue", "hole"): self.on_hole,
            }
        )
        self.exiting = _routes(
            {
                ("red", "blue"): self.on_balls_part,
                ("red", "paint"): self.on_paint_exit,
                ("blue", "paint"): self.on_paint_exit,
            }
        )
        self.overlay = False
        self._font: pygame.font.Font | None = None
        self._frame_ms = 0.0
        self._last_render = 0.0

    @property
    def n(self) -> int:
        """The pool size: entities alive or waiting to (re)spawn."""
        return len(self.colliders)

    # -- the pool --------------------------------------------------------------

    def resize(self, n: int) -> None:
        """Grow or shrink the pool to ``n`` entities (at least 1); the kinds keep their
        shares: of every 40 entities 19 are red, 19 blue, 2 blobs (one of them spare)."""
        n = max(1, n)
        if n < self.n:
            self._shrink(n)
        elif n > self.n:
            self._grow(n)

    def _grow(self, n: int) -> None:
        start = self.n
        count = n - start
        index = np.arange(start, n)
        kind = np.where(index % 40 < 19, RED, np.where(index % 40 < 38, BLUE, BLOB)).astype(np.int8)
        size = np.where(kind == BLOB, BLOB_SIZE, BALL_SIZE)
        limit = np.column_stack((self.width - size, self.height - size)).astype(np.float64)
        pos = self.rng.uniform(0.0, 1.0, (count, 2)) * limit
        vel = self._velocities(kind)
        active = ~((kind == BLOB) & (index % 40 == 39))  # one blob in two is spare
        vel[~active] = 0.0
        self.pos = np.concatenate((self.pos, pos))
        self.prev = np.concatenate((self.prev, pos))
        self.vel = np.concatenate((self.vel, vel))
        self.limit = np.concatenate((self.limit, limit))
        self.kind += kind.tolist()
        self.active += active.tolist()
        add = self.world.add
        for i, k, s, (x, y), on in zip(
            range(start, n),
            kind.tolist(),
            size.tolist(),
            pos.tolist(),
            active.tolist(),
            strict=True,
        ):
            self.colliders.append(
                add((x, y, s if on else 0, s if on else 0), layer=KINDS[k], owner=i)
            )
            self.sizes.append(s)
            self.touching.append(0)
            self.paint.append(-1)
            self.looks.append(k)
            self.sprites.append(self._table[k] if on else self._table[-1])

    def _shrink(self, n: int) -> None:
        for i in range(self.n - 1, n - 1, -1):
            handle = self._timers.pop(i, None)
            if handle is not None:
                handle.cancel()
            # Its Exits run the callbacks now, while row i still exists.
            self.world.remove(self.colliders[i])
            del self.colliders[i], self.sizes[i], self.touching[i], self.paint[i]
            del self.looks[i], self.sprites[i]
        for name in ("pos", "prev", "vel", "limit"):
            setattr(self, name, getattr(self, name)[:n].copy())
        del self.kind[n:], self.active[n:]

    def _velocities(self, kind: npt.NDArray[np.int8]) -> _Floats:
        count = len(kind)
        slow = kind == BLOB
        speed = np.where(
            slow, self.rng.uniform(*BLOB_SPEED, count), self.rng.uniform(*BALL_SPEED, count)
        )
        angle = self.rng.uniform(0.0, 2 * np.pi, count)
        return np.column_stack((np.cos(angle), np.sin(angle))) * speed[:, None]

    def _set_look(self, i: int) -> None:
        if not self.active[i]:
            look = -1
        elif self.touching[i] > 0:
            look = FLASHING
        elif self.paint[i] >= 0:
            look = 4 + self.paint[i]
        else:
            look = self.kind[i]
        self.looks[i] = look
        self.sprites[i] = self._table[look]

    def _despawn(self, i: int) -> None:
        self.active[i] = False
        self.vel[i] = 0.0
        x, y = self.pos[i].tolist()
        self.colliders[i].rect = (x, y, 0.0, 0.0)  # overlaps nothing: its Exits come next update
        self._set_look(i)
        self.despawns += 1

    def _spawn(self, i: int, x: float, y: float, vx: float, vy: float) -> None:
        x = min(max(x, 0.0), float(self.limit[i, 0]))
        y = min(max(y, 0.0), float(self.limit[i, 1]))
        self.active[i] = True
        self.pos[i] = self.prev[i] = (x, y)
        self.vel[i] = (vx, vy)
        s = self.sizes[i]
        self.colliders[i].rect = (x, y, s, s)
        self._set_look(i)

    # -- callbacks ---------------------------------------------------------------

    def on_enter(self, event: CollisionEnter) -> None:
        """Call the pair's entering callback with the colliders in the table's layer order."""
        a, b = event.a, event.b
        route = self.entering.get((a.layer, b.layer))
        if route is not None:
            callback, swapped = route
            callback(*((b, a) if swapped else (a, b)))

    def on_exit(self, event: CollisionExit) -> None:
        """Call the pair's exiting callback with the colliders in the table's layer order."""
        a, b = event.a, event.b
        route = self.exiting.get((a.layer, b.layer))
        if route is not None:
            callback, swapped = route
            callback(*((b, a) if swapped else (a, b)))

    def on_fixed_update(self, event: FixedUpdate) -> None:
        """Move every entity one step, bounce off the canvas edges, hand the positions over."""
        pos, vel = self.pos, self.vel
        if self._bouncing:
            self._bounce(vel)
        self.prev[:] = pos
        pos += vel * event.dt
        low = pos < 0.0
        high = pos > self.limit
        if low.any() or high.any():
            vel[low] = np.abs(vel[low])
            vel[high] = -np.abs(vel[high])
            np.clip(pos, 0.0, self.limit, out=pos)
        self.world.set_positions(self.colliders, pos)

    def _bounce(self, vel: _Floats) -> None:
        """Swap the velocities of the pairs that met in the last update, in their order.

        Each round swaps, at once, the pairs sharing no entity with an earlier
        pair still waiting: such a pair commutes with everything before it. So a
        ball that met two others swaps with the first, then with the second,
        exactly as one swap per callback would, in a few rounds.
        """
        pairs = np.array(self._bouncing, dtype=np.int64).reshape(-1, 2)
        self._bouncing.clear()
        while len(pairs):
            flat = pairs.ravel()
            _, first = np.unique(flat, return_index=True)  # each entity's first place
            seen = np.zeros(len(flat), dtype=bool)
            seen[first] = True
            now = seen.reshape(-1, 2).all(axis=1)
            i, j = pairs[now, 0], pairs[now, 1]
            vel[i], vel[j] = vel[j], vel[i].copy()
            pairs = pairs[~now]

    def on_balls_meet(self, red: Collider, blue: Collider) -> None:
        """A red and a blue ball touch: they swap velocities (bounce) and flash."""
        i, j = red.owner, blue.owner
        assert isinstance(i, int) and isinstance(j, int)
        # Applied by the next step, all at once (on_fixed_update): one numpy
        # operation for the thousand bounces of a tick instead of a thousand.
        self._bouncing.append(i)
        self._bouncing.append(j)
        self.bounces += 1
        touching, active = self.touching, self.active
        for k in (i, j):
            touching[k] += 1
            if active[k]:  # (it may have fallen in a hole earlier in this update)
                self.looks[k] = FLASHING
                self.sprites[k] = self._flash

    def on_balls_part(self, red: Collider, blue: Collider) -> None:
        """They stopped touching (or one despawned): the flash ends when no contact is left."""
        touching = self.touching
        for c in (red, blue):
            i = c.owner
            assert isinstance(i, int)
            touching[i] -= 1
            if not touching[i]:
                self._set_look(i)

    def on_blob_hit(self, ball: Collider, blob: Collider) -> None:
        """A ball hits a blob: the ball bounces back, the blob splits if a spare one is free."""
        i, b = ball.owner, blob.owner
        assert isinstance(i, int) and isinstance(b, int)
        self.vel[i] = -self.vel[i]
        spare = self._spare_blob(b)
        if spare is None:
            return
        x, y = self.pos[b].tolist()
        vx, vy = self.vel[b].tolist()
        self._spawn(spare, x + BLOB_SIZE, y, -vx, -vy)
        self.splits += 1
        self._timers[spare] = self.timers.after(
            SPLIT_LIFETIME, self._end_split, spare, name="split ends"
        )

    def _spare_blob(self, near: int) -> int | None:
        # The spare of a blob is its neighbour in the pool (of every 40: rows 38 and 39).
        spare = near + 1 if near % 40 == 38 else near - 1
        if 0 <= spare < self.n and self.kind[spare] == BLOB and not self.active[spare]:
            return spare
        return None

    def _end_split(self, i: int) -> None:
        self._timers.pop(i, None)
        self._despawn(i)

    def on_paint_enter(self, ball: Collider, pool: Collider) -> None:
        """A ball enters a paint pool: it takes the pool's colour."""
        i = ball.owner
        assert isinstance(i, int)
        assert isinstance(pool.owner, int)
        self.paint[i] = pool.owner
        self.paints += 1
        self._set_look(i)

    def on_paint_exit(self, ball: Collider, pool: Collider) -> None:
        """It left the pool (or despawned in it): the team colour comes back."""
        i = ball.owner
        assert isinstance(i, int)
        if self.paint[i] == pool.owner:
            self.paint[i] = -1
            self._set_look(i)

    def on_hole(self, ball: Collider, _hole: Collider) -> None:
        """A ball falls in a hole: it despawns, and a timer respawns it at an edge."""
        i = ball.owner
        assert isinstance(i, int)
        self._despawn(i)
        self._timers[i] = self.timers.after(RESPAWN_AFTER, self._respawn, i, name="respawn")

    def _respawn(self, i: int) -> None:
        self._timers.pop(i, None)
        rng = self.rng
        x, y = (rng.uniform(0.0, 1.0, 2) * self.limit[i]).tolist()
        if rng.integers(2):
            x = 0.0 if rng.integers(2) else float(self.limit[i, 0])
        else:
            y = 0.0 if rng.integers(2) else float(self.limit[i, 1])
        vx, vy = self._velocities(np.array(self.kind[i : i + 1], dtype=np.int8))[0].tolist()
        self._spawn(i, x, y, vx, vy)
        self.respawns += 1

    def on_action(self, event: ActionPressed) -> None:
        """F3 (the ``debug`` action) shows or hides the overlay."""
        if event.action == "debug":
            self.overlay = not self.overlay

    def on_key(self, event: KeyDown) -> None:
        """+ and − grow or shrink the pool by a tenth (at least 100)."""
        step = max(100, self.n // 10)
        if event.key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
            self.resize(self.n + step)
        elif event.key in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.resize(self.n - step)

    # -- the Scene protocol ------------------------------------------------------

    def render(self, surface: pygame.Surface, alpha: float) -> None:
        """Zones, then every entity at ``prev + (pos - prev) * alpha``, in one fblits."""
        surface.fill(BACKGROUND)
        for rect, colour in PAINT:
            pygame.draw.rect(surface, _dim(colour), rect)
        for rect in HOLES:
            pygame.draw.rect(surface, (0, 0, 0), rect)
        prev = self.prev
        at = prev + (self.pos - prev) * alpha
        # A flat list of ints paired up lazily: (N, 2).tolist() would make N lists
        # alive at once, which the garbage collector then walks (a 20 ms pause
        # every few frames at N = 10,000); these pairs die as fblits takes them.
        flat = iter(at.astype(np.int32).ravel().tolist())
        surface.fblits(zip(self.sprites, zip(flat, flat, strict=True), strict=True))
        if self.overlay:
            self._draw_overlay(surface)

    def _draw_overlay(self, surface: pygame.Surface) -> None:
        if self._font is None:
            self._font = pygame.font.Font(None, 22)
        stats = self.context.frame_stats()
        active = sum(self.active)
        lines = [
            f"frame {stats.get('frame ms', '?')} ms   fps {stats.get('fps', '?')}",
            f"N {self.n:,} ({active:,} active)   + / - change N",
            f"bounces {self.bounces:,}  splits {self.splits:,}  despawns {self.despawns:,}",
        ]
        panel = pygame.Surface((360, 8 + 20 * len(lines)), pygame.SRCALPHA)
        panel.fill((0, 0, 0, 170))
        surface.blit(panel, (6, 6))
        for row, text in enumerate(lines):
            surface.blit(self._font.render(text, True, INK), (12, 10 + 20 * row))

    def state(self) -> Mapping[str, object]:
        """The pool (positions, velocities, who is active and how each looks) as a digest."""
        digest = hashlib.sha256()
        for array in (self.pos, self.vel):
            digest.update(np.ascontiguousarray(array).tobytes())
        lists = (self.active, self.kind, self.looks, self.touching, self.paint)
        digest.update(repr(lists).encode())
        return {
            "stress": digest.hexdigest(),
            "stress_rng": repr(self.rng.bit_generator.state),
            "stress_counts": (self.bounces, self.splits, self.despawns, self.respawns),
        }

    def summary(self) -> Mapping[str, object]:
        """``n``, active entities and what happened to them, for the headless JSON."""
        return {
            "n": self.n,
            "active": sum(self.active),
            "bounces": self.bounces,
            "splits": self.splits,
            "despawns": self.despawns,
            "respawns": self.respawns,
            "paints": self.paints,
        }

    def text_entry_active(self) -> bool:
        """No text field here."""
        return False

    def make_bot(self, post: Post, rng: random.Random) -> Bot | None:
        """Nobody needs to play: the entities move by themselves."""
        return None

    def close(self) -> None:
        """Cancel subscriptions and timers, remove every collider."""
        for subscription in self.subscriptions:
            subscription.cancel()
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        for collider in list(self.world):
            self.world.remove(collider)
        self.colliders.clear()


def stress_scene(n: int) -> SceneFactory:
    """A factory for ``App(stress_scene(n))``; raises ``ValueError`` for ``n < 1`` at once."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an int >= 1, not {n!r}")

    def build(context: SceneContext) -> StressScene:
        return StressScene(context, n=n)

    return build


#: (layer of a, layer of b) → (callback, whether it takes them as (b, a)).
_Routes = dict[tuple[str, str], tuple[PairCallback, bool]]


def _routes(table: Mapping[tuple[str, str], PairCallback]) -> _Routes:
    """Both orders of each layer pair, so that routing an event is one lookup."""
    routes: _Routes = {}
    for (first, second), callback in table.items():
        routes[first, second] = (callback, False)
        routes[second, first] = (callback, True)
    return routes


def _dim(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    r, g, b = colour
    return (r // 4, g // 4, b // 4)


def _sprite_table() -> dict[int, pygame.Surface]:
    """Pre-rendered sprites by look: kinds 0-2, 3 the flash, 4+ the paints, -1 nothing."""
    table: dict[int, pygame.Surface] = {-1: pygame.Surface((0, 0))}
    colours: list[tuple[tuple[int, int, int], int]] = [
        (TEAM[RED], BALL_SIZE),
        (TEAM[BLUE], BALL_SIZE),
        (TEAM[BLOB], BLOB_SIZE),
        (FLASH, BALL_SIZE),
        *((colour, BALL_SIZE) for _, colour in PAINT),
    ]
    for look, (colour, size) in enumerate(colours):
        sprite = pygame.Surface((size, size))
        sprite.fill(colour)
        table[look] = _converted(sprite)
    return table


def _converted(sprite: pygame.Surface) -> pygame.Surface:
    # The display's pixel format blits fastest; without a display (a test) keep it.
    return sprite.convert() if pygame.display.get_surface() is not None else sprite
