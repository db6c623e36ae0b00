"""The collision world: colliders in numpy arrays, the update that publishes contacts.

The public names are re-exported by :mod:`game.engine.collisions`, whose docstring
states the semantics; the pure pair-finding functions are in
:mod:`game.engine.collisions.broadphase`.
"""

from __future__ import annotations

import inspect
import math
import operator
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt

from game.engine._checks import finite
from game.engine.collisions.broadphase import (
    KEY_BITS,
    KEY_MASK,
    diff_pair_keys,
    sorted_pair_keys,
    sweep_strips,
)
from game.engine.events import Event, EventBus, Subscription, check_not_async, weak_method

__all__ = [
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
]

_Floats: TypeAlias = npt.NDArray[np.float64]
_Ints: TypeAlias = npt.NDArray[np.int64]
_Bits: TypeAlias = npt.NDArray[np.uint64]

#: Layers are bits of a uint64 mask.
MAX_LAYERS = 64
_ALL = np.uint64(0xFFFF_FFFF_FFFF_FFFF)
_MAX_ID = (1 << 31) - 1
#: Coordinates and sizes are refused beyond this many pixels, and moves clamped to
#: it: far beyond any map, and still exact to a millionth of a pixel in a float.
MAX_COORD = 1e9
_PLAIN = frozenset((float, int))  # not bool, not numpy scalars: those take the slow path
# Below this many colliders a plain Python sweep beats numpy's per-call overhead
# (measured crossover: 80-120 boxes).
_SMALL = 100
# In a small world, when at most this many colliders moved since the last update,
# only their pairs are tested again (the others' pairs cannot have changed).
# Measured at 35-100 boxes: 1-2 moved cost 1/5 of a whole sweep and its diff,
# 8 moved about 1/2, and the two meet at 12-16.
_FEW_MOVED = 8


class _XYWH(Protocol):
    @property
    def x(self) -> float: ...
    @property
    def y(self) -> float: ...
    @property
    def w(self) -> float: ...
    @property
    def h(self) -> float: ...


#: A pygame ``Rect``/``FRect``, a :class:`Box`, or anything else with ``x, y, w, h``,
#: or an ``(x, y, w, h)`` sequence.
RectLike: TypeAlias = "_XYWH | Sequence[float]"


class Box(NamedTuple):
    """A read-only rectangle: a 4-tuple ``(x, y, w, h)`` with names.

    ``pygame.FRect(box)`` and ``pygame.Rect(box)`` accept it as it is.
    """

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """``x + w``."""
        return self.x + self.w

    @property
    def bottom(self) -> float:
        """``y + h``."""
        return self.y + self.h

    def overlaps(self, other: RectLike) -> bool:
        """Whether the interiors overlap (touching edges do not; empty boxes never do)."""
        x, y, w, h = _rect_tuple(other, "other")
        return _overlap(self.x, self.y, self.w, self.h, x, y, w, h)


class Collider:
    """One box in a :class:`CollisionWorld`, made by :meth:`CollisionWorld.add`.

    Hashable by identity. ``layer``, ``mask``, ``trigger`` and ``id`` are fixed
    at creation; ``owner`` is yours to set. Move it with ``position = (x, y)``
    (teleport) or :meth:`CollisionWorld.move` (slide along solids).
    """

    __slots__ = (
        "__weakref__",
        "_box",
        "_id",
        "_layer",
        "_mask",
        "_slot",
        "_trigger",
        "_world",
        "owner",
    )

    def __init__(
        self,
        world: CollisionWorld,
        slot: int,
        ident: int,
        layer: str,
        mask: frozenset[str] | None,
        trigger: bool,
        owner: object,
    ) -> None:
        self._world: CollisionWorld | None = world
        self._slot = slot
        self._id = ident
        self._layer = layer
        self._mask = mask
        self._trigger = trigger
        self._box: Box | None = None  # the last rect, kept once removed
        #: Whatever the game wants to find from the collider (the entity, usually).
        self.owner = owner

    @property
    def id(self) -> int:
        """Unique in its world, increasing in order of creation; events are ordered by it."""
        return self._id

    @property
    def layer(self) -> str:
        """The layer this collider is on."""
        return self._layer

    @property
    def mask(self) -> frozenset[str] | None:
        """The layers this collider collides with; ``None`` means every layer."""
        return self._mask

    @property
    def trigger(self) -> bool:
        """A trigger reports overlaps but never blocks :meth:`CollisionWorld.move`."""
        return self._trigger

    @property
    def alive(self) -> bool:
        """False once removed from its world."""
        return self._world is not None

    @property
    def rect(self) -> Box:
        """The current rectangle; after removal, the last one it had."""
        world = self._world
        if world is None:
            assert self._box is not None
            return self._box
        s = self._slot
        return Box(float(world._x[s]), float(world._y[s]), float(world._w[s]), float(world._h[s]))

    @rect.setter
    def rect(self, value: RectLike) -> None:
        self._live("rect")._set_rect(self, _rect_tuple(value, "rect"))

    @property
    def position(self) -> tuple[float, float]:
        """The top-left corner. Setting it teleports (no sliding; see ``move``)."""
        world = self._world
        if world is None:
            assert self._box is not None
            return (self._box.x, self._box.y)
        s = self._slot
        return (float(world._x[s]), float(world._y[s]))

    @position.setter
    def position(self, value: tuple[float, float]) -> None:
        world = self._world
        if world is None:
            raise KeyError(f"cannot set position of {self!r}: it was removed from its world")
        if type(value) is tuple and len(value) == 2:
            x, y = value
            # The common case, checked fast: two plain numbers in range (NaN
            # fails every comparison). Anything else: full checks.
            if (
                type(x) in _PLAIN
                and type(y) in _PLAIN
                and -MAX_COORD <= x <= MAX_COORD
                and -MAX_COORD <= y <= MAX_COORD
            ):
                world._x[self._slot] = x
                world._y[self._slot] = y
                world._moved.add(self._slot)
                return
        x, y = _pair(value, "position")
        world._x[self._slot] = x
        world._y[self._slot] = y
        world._moved.add(self._slot)

    def _live(self, what: str) -> CollisionWorld:
        world = self._world
        if world is None:
            raise KeyError(f"cannot set {what} of {self!r}: it was removed from its world")
        return world

    def __repr__(self) -> str:
        kind = " trigger" if self._trigger else ""
        state = "" if self._world is not None else " removed"
        x, y, w, h = self.rect
        return f"<Collider #{self._id} {self._layer!r}{kind} ({x:g}, {y:g}, {w:g}, {h:g}){state}>"


@dataclass(frozen=True, slots=True)
class CollisionEvent(Event):
    """A pair of colliders; ``a.id < b.id``. Subscribe to this to see all three kinds."""

    a: Collider
    b: Collider


@dataclass(frozen=True, slots=True)
class CollisionEnter(CollisionEvent):
    """``a`` and ``b`` began to overlap since the last update."""


@dataclass(frozen=True, slots=True)
class CollisionStay(CollisionEvent):
    """``a`` and ``b`` overlapped at the last update and still do (published only if wanted)."""


@dataclass(frozen=True, slots=True)
class CollisionExit(CollisionEvent):
    """``a`` and ``b`` stopped overlapping, or one of them was removed."""


class LayerPairWarning(UserWarning):
    """A pair callback whose layers' masks never let them meet: it can never fire."""


class CollisionWorld:
    """Axis-aligned colliders; :meth:`update` publishes their contacts on ``bus``.

    ``layers`` declares the layer names up front; then an unknown name in a
    layer or a mask is a ``ValueError``. Without it any string is a layer.
    At most 64 layers exist in one world.

    ``pairs`` is the layer-pair table (Godot's layer/mask, Unity's collision
    matrix): the ``(layer_a, layer_b)`` pairs that may meet, in either order.
    With it, a collider's ``mask=None`` means "every layer the table pairs
    mine with", a mask naming a layer the table does not pair with is a
    ``ValueError``, and so is :meth:`on_enter` (``on_exit``, ``on_stay``) for
    two layers that never meet. Without a table such a callback could never
    fire: the first :meth:`update` at which both layers have colliders, none
    of which can meet, warns with a :class:`LayerPairWarning`. ``pairs``
    declares its layers (and those of ``layers``). :meth:`declare` does the
    same later, on a world that has seen no layer yet.
    """

    def __init__(
        self,
        bus: EventBus,
        layers: Iterable[str] | None = None,
        pairs: Iterable[tuple[str, str]] | None = None,
    ) -> None:
        if not isinstance(bus, EventBus):
            raise TypeError(f"bus must be an EventBus, not {type(bus).__name__}")
        self.bus = bus
        self._bits: dict[str, int] = {}
        self._declared = False
        # layer bit -> the mask bits the table gives it; None without a table.
        self._rows: dict[int, int] | None = None
        # Callbacks registered without a table, whose layers are not yet known to meet.
        self._unproven: list[tuple[str, str, str]] = []
        # (colliders created, colliders alive) when _unproven was last checked.
        self._proven_at = (-1, -1)
        if layers is not None or pairs is not None:
            self.declare(layers or (), pairs)
        capacity = 64
        # x and y are the columns of one (capacity, 2) array, so that
        # set_positions and positions move a whole batch in one numpy call.
        self._xy: _Floats = np.zeros((capacity, 2))
        self._x: _Floats = self._xy[:, 0]
        self._y: _Floats = self._xy[:, 1]
        self._w: _Floats = np.zeros(capacity)
        self._h: _Floats = np.zeros(capacity)
        self._bit: _Bits = np.zeros(capacity, dtype=np.uint64)
        self._maskbits: _Bits = np.zeros(capacity, dtype=np.uint64)
        self._solid = np.zeros(capacity, dtype=bool)
        self._alive = np.zeros(capacity, dtype=bool)
        self._ids: _Ints = np.zeros(capacity, dtype=np.int64)
        self._objs: list[Collider | None] = [None] * capacity
        self._free: list[int] = []  # a stack: the most recently freed slot is reused first
        self._top = 0  # slots [0, _top) have been used
        self._count = 0
        self._next_id = 0
        self._by_id: dict[int, Collider] = {}
        self._restricted = 0  # colliders whose mask is not "everything"
        self._empty = 0  # colliders with zero width or height
        # Alive slots in last update's x order (sorting from it is nearly linear);
        # slots added since are appended, removed ones filtered out lazily.
        self._xorder: _Ints = np.zeros(0, dtype=np.int64)
        self._added: list[int] = []
        self._removed_since = False
        # Slots added, moved or resized since the last update (see _FEW_MOVED).
        self._moved: set[int] = set()
        # set_positions moved more than _FEW_MOVED at once: the next update sweeps all.
        self._moved_many = False
        # The colliders of the last set_positions/positions call and their slots.
        self._last_batch: tuple[list[Collider], _Ints] | None = None
        # (layer bit, mask bits) -> the alive slots the pair rule lets it meet;
        # emptied whenever a collider is added or removed.
        self._partners: dict[tuple[int, int], list[int]] = {}
        # Sorted slot-pair keys of the pairs overlapping at the last update. A
        # removed collider's pairs leave at once, so a reused slot is never stale.
        self._pairs: _Ints = np.zeros(0, dtype=np.int64)
        self._publishing = False
        self._pending_enters: _Ints | None = None
        self._next_enter = 0
        # Exits an exception (on_error="raise") kept from being delivered: the
        # next update delivers them first, so every delivered Enter gets its Exit.
        self._owed_exits: list[tuple[Collider, Collider]] = []
        #: CollisionEnter events published so far.
        self.started = 0

    # -- layers ------------------------------------------------------------

    @property
    def layers(self) -> tuple[str, ...]:
        """The layer names known so far (declared, or seen in a layer or mask)."""
        return tuple(self._bits)

    @property
    def pairs(self) -> tuple[tuple[str, str], ...] | None:
        """The layer-pair table, each pair in declaration order of its layers; ``None``
        without one."""
        if self._rows is None:
            return None
        names = list(self._bits)
        return tuple(
            (names[a], names[b])
            for a in range(len(names))
            for b in range(a, len(names))
            if self._rows.get(a, 0) >> b & 1
        )

    def declare(
        self, layers: Iterable[str], pairs: Iterable[tuple[str, str]] | None = None
    ) -> None:
        """Declare the layers and, optionally, the layer-pair table (see the class).

        Raises ``RuntimeError`` if this world has seen a layer already (a
        collider, a mask or a callback named one), ``TypeError`` for a pair
        that is not two names, ``ValueError`` for more than 64 layers.
        """
        if self._bits:
            raise RuntimeError("declare() comes before any collider, mask or pair callback")
        if isinstance(layers, str):
            raise TypeError(f"layers must be a collection of names, not the string {layers!r}")
        for name in layers:
            self._register_layer(name, "layers")
        if pairs is not None:
            table: list[tuple[int, int]] = []
            for pair in pairs:
                if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
                    raise TypeError(f"pairs: each pair must be two layer names, not {pair!r}")
                table.append(
                    (self._register_layer(pair[0], "pairs"), self._register_layer(pair[1], "pairs"))
                )
            rows: dict[int, int] = {}
            for a, b in table:
                rows[a] = rows.get(a, 0) | 1 << b
                rows[b] = rows.get(b, 0) | 1 << a
            self._rows = rows
        self._declared = True

    def _check_pair(self, layer_a: str, layer_b: str, method: str) -> None:
        """Raise (with a table) or remember to warn (without) about a pair that cannot meet."""
        a = self._register_layer(layer_a, "layer_a")
        b = self._register_layer(layer_b, "layer_b")
        rows = self._rows
        if rows is None:
            self._unproven.append((layer_a, layer_b, method))
            self._proven_at = (-1, -1)
        elif not rows.get(a, 0) >> b & 1:
            meets = [n for n, bit in self._bits.items() if rows.get(a, 0) >> bit & 1]
            raise ValueError(
                f"{method}({layer_a!r}, {layer_b!r}): the layer-pair table never lets these "
                f"layers meet, so the callback could never fire; {layer_a!r} meets "
                f"{meets or 'nothing'}. Add the pair to the table."
            )

    def _warn_unproven(self) -> None:
        """Warn once for each callback whose layers both have colliders, none able to meet."""
        top = self._top
        alive = self._alive[:top]
        layer_bits = self._bit[:top]
        mask_bits = self._maskbits[:top]
        waiting = []
        for layer_a, layer_b, method in self._unproven:
            bit_a = np.uint64(1 << self._bits[layer_a])
            bit_b = np.uint64(1 << self._bits[layer_b])
            on_a = alive & (layer_bits == bit_a)
            on_b = alive & (layer_bits == bit_b)
            if not (on_a.any() and on_b.any()):
                waiting.append((layer_a, layer_b, method))  # cannot tell yet
                continue
            a_sees_b = (on_a & ((mask_bits & bit_b) != 0)).any()
            b_sees_a = (on_b & ((mask_bits & bit_a) != 0)).any()
            if not (a_sees_b and b_sees_a):
                warnings.warn(
                    f"{method}({layer_a!r}, {layer_b!r}): no {layer_a!r} collider and "
                    f"{layer_b!r} collider have each other's layer in their masks, so the "
                    "callback cannot fire; fix the masks (or declare a layer-pair table "
                    "to make this an error)",
                    LayerPairWarning,
                    stacklevel=3,
                )
        self._unproven = waiting

    def _register_layer(self, name: object, what: str) -> int:
        if not isinstance(name, str):
            raise TypeError(
                f"{what}: a layer name must be a str, not {type(name).__name__} {name!r}"
            )
        bit = self._bits.get(name)
        if bit is not None:
            return bit
        if self._declared and what != "layers":
            known = ", ".join(repr(n) for n in self._bits)
            raise ValueError(f"{what}: unknown layer {name!r}; the declared layers are {known}")
        if len(self._bits) >= MAX_LAYERS:
            raise ValueError(
                f"{what}: layer {name!r} would be one too many: at most {MAX_LAYERS} layers"
            )
        bit = len(self._bits)
        self._bits[name] = bit
        return bit

    def _mask_of(
        self, mask: str | Iterable[str] | None, what: str, layer_bit: int
    ) -> tuple[frozenset[str] | None, int]:
        rows = self._rows
        if mask is None:
            if rows is None:
                return None, int(_ALL)
            row = rows.get(layer_bit, 0)
            return frozenset(n for n, bit in self._bits.items() if row >> bit & 1), row
        names = frozenset((mask,)) if isinstance(mask, str) else frozenset(mask)
        bits = 0
        for name in sorted(names, key=str):
            bits |= 1 << self._register_layer(name, what)
        if rows is not None and bits & ~rows.get(layer_bit, 0):
            layer = next(n for n, bit in self._bits.items() if bit == layer_bit)
            never = sorted(n for n in names if not rows.get(layer_bit, 0) >> self._bits[n] & 1)
            raise ValueError(
                f"{what}: the layer-pair table never lets layer {layer!r} meet {never}; "
                "add the pairs to the table or leave them out of the mask"
            )
        return names, bits

    # -- colliders ---------------------------------------------------------

    def add(
        self,
        rect: RectLike,
        *,
        layer: str = "default",
        mask: str | Iterable[str] | None = None,
        trigger: bool = False,
        owner: object = None,
    ) -> Collider:
        """Add a box; return its :class:`Collider`. It takes part from the next :meth:`update`.

        ``mask`` names the layers it collides with (``None``: all, or all the
        layer-pair table pairs ``layer`` with; a single string is one layer).
        Raises ``ValueError`` for a rect with NaN, infinite or negative values,
        for unknown layers when layers were declared and for a mask the table
        does not allow;
        ``TypeError`` for a rect that is neither ``(x, y, w, h)`` nor has those
        attributes.
        """
        x, y, w, h = _rect_tuple(rect, "rect")
        bit = self._register_layer(layer, "layer")
        names, bits = self._mask_of(mask, "mask", bit)
        if self._next_id > _MAX_ID:
            raise OverflowError("this world has created 2**31 colliders; make a new world")
        if self._free:
            slot = self._free.pop()
        else:
            slot = self._top
            if slot == len(self._x):
                self._grow()
            self._top += 1
        ident = self._next_id
        self._next_id += 1
        collider = Collider(self, slot, ident, layer, names, bool(trigger), owner)
        self._x[slot] = x
        self._y[slot] = y
        self._w[slot] = w
        self._h[slot] = h
        self._bit[slot] = 1 << bit
        self._maskbits[slot] = bits
        self._solid[slot] = not trigger
        self._alive[slot] = True
        self._ids[slot] = ident
        self._objs[slot] = collider
        self._by_id[ident] = collider
        self._count += 1
        if names is not None:
            self._restricted += 1
        if w == 0 or h == 0:
            self._empty += 1
        self._added.append(slot)
        self._moved.add(slot)
        self._partners.clear()
        return collider

    def remove(self, collider: Collider) -> None:
        """Take ``collider`` out now, publishing ``CollisionExit`` for the contacts it had.

        Raises ``KeyError`` naming the collider if it is not in this world
        (removed already, or from another world).
        """
        if not isinstance(collider, Collider):
            raise TypeError(f"remove() takes a Collider, not {type(collider).__name__}")
        if collider._world is not self:
            where = "was removed already" if collider._world is None else "belongs to another world"
            raise KeyError(f"{collider!r} is not in this world: it {where}")
        exits = self._take_contacts(collider)
        collider._box = collider.rect
        slot = collider._slot
        collider._world = None
        self._alive[slot] = False
        self._objs[slot] = None
        del self._by_id[collider._id]
        self._free.append(slot)
        self._count -= 1
        self._removed_since = True
        self._last_batch = None
        self._partners.clear()
        if collider._mask is not None:
            self._restricted -= 1
        if self._w[slot] == 0 or self._h[slot] == 0:
            self._empty -= 1
        self._publish_exits(exits)

    def _publish_exits(self, exits: list[tuple[Collider, Collider]]) -> None:
        """Publish ``exits`` in order; those an exception stops are owed to the next update."""
        publish = self.bus.publish
        set_a, set_b = _SETTERS[CollisionExit]
        for n, (a, b) in enumerate(exits, 1):
            event = _new(CollisionExit)
            set_a(event, a)
            set_b(event, b)
            try:
                publish(event)
            except BaseException:
                self._owed_exits[:0] = exits[n:]
                raise

    def _take_contacts(self, collider: Collider) -> list[tuple[Collider, Collider]]:
        """Drop the collider's pairs from the contact set; return the Exits owed, in order."""
        pairs = self._pairs
        if not len(pairs):
            return []
        slot = collider._slot
        mine = ((pairs >> KEY_BITS) == slot) | ((pairs & KEY_MASK) == slot)
        if not mine.any():
            return []
        self._pairs = pairs[~mine]
        gone = self._id_keys(pairs[mine])
        pending = self._pending_enters
        if pending is not None:
            # An Enter of this update that is not delivered yet never will be
            # (it names a removed collider), so no Exit is owed for it.
            gone = gone[~np.isin(gone, pending[self._next_enter :])]
        return self._resolve(gone)

    def _set_rect(self, collider: Collider, rect: tuple[float, float, float, float]) -> None:
        s = collider._slot
        was_empty = self._w[s] == 0 or self._h[s] == 0
        x, y, w, h = rect
        self._x[s] = x
        self._y[s] = y
        self._w[s] = w
        self._h[s] = h
        self._empty += int(w == 0 or h == 0) - int(was_empty)
        self._moved.add(s)

    def _grow(self) -> None:
        size = len(self._x) * 2
        for name in ("_xy", "_w", "_h", "_bit", "_maskbits", "_solid", "_alive", "_ids"):
            old = getattr(self, name)
            new = np.zeros((size, *old.shape[1:]), dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)
        self._x = self._xy[:, 0]
        self._y = self._xy[:, 1]
        self._objs.extend([None] * (size - len(self._objs)))

    def __len__(self) -> int:
        return self._count

    def __contains__(self, collider: object) -> bool:
        return isinstance(collider, Collider) and collider._world is self

    def __iter__(self) -> Iterator[Collider]:
        """The colliders, in id order."""
        return iter(sorted(self._by_id.values(), key=_by_id))

    # -- moving ------------------------------------------------------------

    def set_positions(self, colliders: Sequence[Collider], positions: npt.ArrayLike) -> None:
        """Teleport many colliders at once: ``colliders[i].position = positions[i]`` for each i.

        ``positions`` is an array-like of shape (N, 2), N = ``len(colliders)``:
        the top-left ``x, y`` of each, in pixels. A float64 numpy array is read
        as it is (no copy); other numbers are converted. Like setting
        ``position`` one by one (a collider named twice ends at its last
        position), but one numpy assignment instead of N attribute sets: for a
        world that moves everything every tick. Nothing is moved unless every
        check passes.

        Raises ``ValueError`` for a wrong shape or a NaN, infinite or
        out-of-range (beyond ±``MAX_COORD``) value (naming the first such
        row), ``TypeError`` for positions that are not numbers or an item that
        is not a :class:`Collider`, and ``KeyError`` for a collider that is not
        in this world.
        """
        slots = self._slots_of(colliders, "set_positions")
        try:
            xy = np.asarray(positions)
        except ValueError as exc:  # ragged rows
            raise ValueError(f"positions must be an (N, 2) array of numbers: {exc}") from None
        if xy.size == 0 and not len(slots):
            return
        if xy.dtype.kind not in "iuf":
            raise TypeError(f"positions must be numbers, not an array of dtype {xy.dtype}")
        if xy.shape != (len(slots), 2):
            raise ValueError(
                f"positions must have shape ({len(slots)}, 2) for {len(slots)} colliders, "
                f"not {xy.shape}"
            )
        xy = xy.astype(np.float64, copy=False)
        # One test for both rules of a single position: NaN compares false too.
        ok = np.abs(xy) <= MAX_COORD
        if not ok.all():
            row = int(np.flatnonzero(~ok.all(axis=1))[0])
            rule = "finite" if not np.isfinite(xy[row]).all() else f"within ±{MAX_COORD:g} pixels"
            raise ValueError(
                f"positions must be {rule}: positions[{row}] is {tuple(xy[row].tolist())} "
                f"(for {colliders[row]!r})"
            )
        self._xy[slots] = xy
        if len(slots) > _FEW_MOVED:
            self._moved_many = True
        else:
            self._moved.update(slots.tolist())

    def positions(self, colliders: Sequence[Collider]) -> _Floats:
        """The top-left ``x, y`` of each collider, as a new float64 array of shape (N, 2).

        Row i is ``colliders[i].position``, in pixels. Raises ``TypeError`` for
        an item that is not a :class:`Collider` and ``KeyError`` for a
        collider that is not in this world.
        """
        return self._xy[self._slots_of(colliders, "positions")]

    def _slots_of(self, colliders: Sequence[Collider], what: str) -> _Ints:
        """The slots of ``colliders``, checked to be live colliders of this world.

        The last batch's slots are remembered: a game that moves the same
        colliders every tick pays one list comparison (a C loop over identities),
        not a lookup per collider. A removal forgets them (a removed collider's
        slot is reused).
        """
        if isinstance(colliders, (Collider, str)) or not isinstance(colliders, Sequence):
            raise TypeError(
                f"{what}() takes a sequence of colliders, not {type(colliders).__name__}"
            )
        batch = self._last_batch
        if batch is not None and len(colliders) == len(batch[0]):
            same = colliders == batch[0] if type(colliders) is list else list(colliders) == batch[0]
            if same:
                return batch[1]
        try:
            # C loops (map, list.count): a Python loop here would cost as much
            # as the collision update it feeds.
            worlds = list(map(_world_of, colliders))
            slots = np.array(list(map(_slot_of, colliders)), dtype=np.int64)
        except AttributeError:
            bad = next(c for c in colliders if not isinstance(c, Collider))
            raise TypeError(
                f"{what}(): every item must be a Collider, not {type(bad).__name__} {bad!r}"
            ) from None
        if worlds.count(self) != len(worlds):
            i = next(i for i, world in enumerate(worlds) if world is not self)
            where = "was removed" if worlds[i] is None else "belongs to another world"
            raise KeyError(f"{what}(): colliders[{i}] {colliders[i]!r} {where}")
        slots.flags.writeable = False
        self._last_batch = (list(colliders), slots)
        return slots

    def move(self, collider: Collider, dx: float, dy: float) -> tuple[float, float]:
        """Move by ``(dx, dy)``, first along x then along y, stopping flush at solids.

        The obstacles are the other non-trigger colliders the pair rule allows
        (each one's layer in the other's mask). The whole path of each axis is
        tested, so no wall is too thin to stop it; obstacles it already
        overlaps do not stop it (so it can get out). A trigger collider moves
        freely. Returns the ``(dx, dy)`` actually moved: exactly the requested
        value on an axis where nothing was in the way.
        """
        world = collider._live("position")
        if world is not self:
            raise KeyError(f"{collider!r} belongs to another world")
        dx, dy = _coordinate("dx", dx), _coordinate("dy", dy)
        s = collider._slot
        self._moved.add(s)
        x, y = float(self._x[s]), float(self._y[s])
        w, h = float(self._w[s]), float(self._h[s])
        if collider._trigger or w == 0 or h == 0:
            self._x[s] = _clamp(x + dx)
            self._y[s] = _clamp(y + dy)
            return (dx, dy)
        nx, blocked_x = self._slide(s, x, y, w, h, dx, axis=0) if dx else (x, False)
        ny, blocked_y = self._slide(s, nx, y, w, h, dy, axis=1) if dy else (y, False)
        cx, cy = _clamp(nx), _clamp(ny)
        self._x[s] = cx
        self._y[s] = cy
        return (cx - x if blocked_x or cx != nx else dx, cy - y if blocked_y or cy != ny else dy)

    def _slide(
        self, s: int, x: float, y: float, w: float, h: float, d: float, axis: int
    ) -> tuple[float, bool]:
        """The new coordinate on ``axis`` after moving by ``d``, and whether a solid stopped it."""
        start, size = (x, w) if axis == 0 else (y, h)
        target = start + d
        # The swept box covers the whole path, a few ulps longer so that no
        # rounding in its own arithmetic can miss an obstacle at the very end.
        margin = 4 * math.ulp(abs(start) + abs(d) + size)
        low, length = min(start, target) - margin, size + abs(d) + 2 * margin
        sweep = (low, y, length, h) if axis == 0 else (x, low, w, length)
        slots = self._overlapping(*sweep, mask_bits=int(self._maskbits[s]), of_slot=s)
        if not len(slots):
            return target, False
        lo = (self._x if axis == 0 else self._y)[slots]
        hi = lo + (self._w if axis == 0 else self._h)[slots]
        if d > 0:
            # Obstacles ahead begin at or after our far edge; one we overlap already
            # does not count, so a collider stuck in a wall can get out.
            ahead = lo >= start + size
            if not ahead.any():
                return target, False
            wall = float(lo[ahead].min())
            if target + size <= wall:
                return target, False
            stop = wall - size
            while stop + size > wall:  # float rounding must not leave an overlap
                stop = math.nextafter(stop, -math.inf)
            return max(stop, start), True
        ahead = hi <= start
        if not ahead.any():
            return target, False
        wall = float(hi[ahead].max())
        if target >= wall:
            return target, False
        return min(wall, start), True

    def _overlapping(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        mask_bits: int | None = None,
        of_slot: int | None = None,
    ) -> _Ints:
        """Slots of live colliders overlapping the box; with ``of_slot``, only its
        solid partners allowed by the pair rule; with ``mask_bits``, only those layers."""
        top = self._top
        if w <= 0 or h <= 0 or top == 0:
            return np.zeros(0, dtype=np.int64)
        if of_slot is not None and top <= _SMALL and mask_bits == self._maskbits[of_slot]:
            # A few dozen boxes: a loop over the partners beats a dozen numpy calls.
            return self._obstacles_in(x, y, w, h, of_slot)
        bx, by, bw, bh = self._x[:top], self._y[:top], self._w[:top], self._h[:top]
        hit = (bx < x + w) & (x < bx + bw) & (by < y + h) & (y < by + bh) & self._alive[:top]
        if self._empty:
            hit &= (bw > 0) & (bh > 0)
        if of_slot is not None:
            hit &= self._solid[:top]
            hit[of_slot] = False
            if self._restricted:
                own = self._bit[of_slot]
                hit &= (self._maskbits[:top] & own) != 0
        if mask_bits is not None and mask_bits != int(_ALL):
            hit &= (self._bit[:top] & np.uint64(mask_bits)) != 0
        return np.flatnonzero(hit)

    def _obstacles_in(self, x: float, y: float, w: float, h: float, slot: int) -> _Ints:
        """What ``_overlapping(x, y, w, h, of_slot=slot)`` finds, by a loop over its partners."""
        top = self._top
        xs, ws = self._x[:top].tolist(), self._w[:top].tolist()
        right, bottom = x + w, y + h
        near = [t for t in self._partners_of(slot) if xs[t] < right and x < xs[t] + ws[t]]
        if not near:
            return np.zeros(0, dtype=np.int64)
        ys, hs, solid = self._y[:top].tolist(), self._h[:top].tolist(), self._solid
        found = [
            t
            for t in near
            if ys[t] < bottom and y < ys[t] + hs[t]
            and ws[t] > 0 and hs[t] > 0 and solid[t] and t != slot
        ]  # fmt: skip
        return np.array(found, dtype=np.int64)

    # -- queries -----------------------------------------------------------

    def obstacles(self, collider: Collider) -> list[Collider]:
        """The solid colliders :meth:`move` stops ``collider`` at, wherever they are, in id
        order: those whose layer and mask let the two meet (``collider`` itself excluded).

        For a planner that needs the walls as they are now (a path-finding grid).
        Raises ``KeyError`` if ``collider`` is not in this world.
        """
        world = collider._world
        if world is not self:
            raise KeyError(f"{collider!r} is not in this world")
        slot = collider._slot
        solid, objs = self._solid, self._objs
        found = [objs[t] for t in self._partners_of(slot) if solid[t] and t != slot]
        return sorted((c for c in found if c is not None), key=_by_id)

    def query_rect(self, rect: RectLike, mask: str | Iterable[str] | None = None) -> list[Collider]:
        """The colliders whose box overlaps ``rect`` (strictly), on the layers in ``mask``.

        Uses the current positions (not those of the last update), in id order.
        """
        x, y, w, h = _rect_tuple(rect, "rect")
        bits = self._query_bits(mask)
        return self._colliders(self._overlapping(x, y, w, h, mask_bits=bits))

    def query_point(
        self, x: float, y: float, mask: str | Iterable[str] | None = None
    ) -> list[Collider]:
        """The colliders containing the point: ``left <= x < right`` and ``top <= y < bottom``.

        That is ``pygame.Rect.collidepoint``'s rule. In id order.
        """
        px, py = finite("x", x), finite("y", y)
        bits = self._query_bits(mask)
        top = self._top
        bx, by = self._x[:top], self._y[:top]
        hit = (bx <= px) & (px < bx + self._w[:top]) & (by <= py) & (py < by + self._h[:top])
        hit &= self._alive[:top]
        if bits is not None and bits != int(_ALL):
            hit &= (self._bit[:top] & np.uint64(bits)) != 0
        return self._colliders(np.flatnonzero(hit))

    def _query_bits(self, mask: str | Iterable[str] | None) -> int | None:
        if mask is None:
            return None
        names = frozenset((mask,)) if isinstance(mask, str) else frozenset(mask)
        bits = 0
        for name in names:
            if not isinstance(name, str):
                raise TypeError(
                    f"mask: a layer name must be a str, not {type(name).__name__} {name!r}"
                )
            if name in self._bits:
                bits |= 1 << self._bits[name]
            elif self._declared:
                raise ValueError(f"mask: unknown layer {name!r}")
        return bits

    def _colliders(self, slots: _Ints) -> list[Collider]:
        objs = self._objs
        found = [objs[s] for s in slots.tolist()]
        return sorted((c for c in found if c is not None), key=_by_id)

    # -- layer-pair callbacks ----------------------------------------------

    def on_enter(self, layer_a: str, layer_b: str, callback: PairCallback) -> Subscription:
        """Call ``callback(collider_on_layer_a, collider_on_layer_b)`` when such a pair begins.

        The arguments come in the order the layers are named, whatever the ids.
        Returns the bus :class:`Subscription`; a bound method is held weakly,
        like every bus handler. Raises ``ValueError`` if the layer-pair table
        never lets the two layers meet (without a table, :meth:`update` warns).
        """
        return self._on(CollisionEnter, layer_a, layer_b, callback)

    def on_exit(self, layer_a: str, layer_b: str, callback: PairCallback) -> Subscription:
        """Like :meth:`on_enter`, when such a pair stops overlapping (or one is removed)."""
        return self._on(CollisionExit, layer_a, layer_b, callback)

    def on_stay(self, layer_a: str, layer_b: str, callback: PairCallback) -> Subscription:
        """Like :meth:`on_enter`, at every update while such a pair goes on overlapping."""
        return self._on(CollisionStay, layer_a, layer_b, callback)

    def _on(
        self, kind: type[CollisionEvent], layer_a: str, layer_b: str, callback: PairCallback
    ) -> Subscription:
        self._check_pair(layer_a, layer_b, _METHODS[kind])
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {callback!r}")
        check_not_async("callback", callback)
        handler = _PairHandler(layer_a, layer_b, callback)
        subscription = self.bus.subscribe(kind, handler)
        handler.attach(subscription)
        return subscription

    # -- the update --------------------------------------------------------

    def update(self) -> None:
        """Find this tick's contacts and publish Exit, Enter, then Stay events.

        Raises ``RuntimeError`` if called from inside one of its own callbacks.
        When a callback raises (the bus's ``on_error="raise"``) the exception
        leaves at once and the pairing holds: the event that raised counts as
        delivered; Exits not yet delivered are delivered first thing in the
        next update; Enters not yet delivered are forgotten, so the next update
        reports them again if the pair still overlaps.
        """
        if self._publishing:
            raise RuntimeError("CollisionWorld.update() was called from a collision callback")
        if self._unproven and self._proven_at != (self._next_id, self._count):
            self._proven_at = (self._next_id, self._count)
            self._warn_unproven()
        moved = self._moved
        if len(moved) <= _FEW_MOVED and self._count <= _SMALL and not self._moved_many:
            current, entered, exited = self._find_pairs_of_moved(sorted(moved))
            if not (
                len(entered)
                or len(exited)
                or self._owed_exits
                or (len(current) and self._stay_wanted())
            ):
                return  # the common tick of a small world: nothing to publish
            stayed = current[~np.isin(current, entered)] if len(entered) else current
        else:
            moved.clear()
            self._moved_many = False
            current = self._find_pairs()
            entered, exited, stayed = diff_pair_keys(self._pairs, current)
        self._pairs = current
        # Events name colliders by id, in (a.id, b.id) order; resolve them now,
        # before a callback can free a slot and reuse it.
        exits = self._resolve(self._id_keys(exited))
        if self._owed_exits:
            exits[:0] = self._owed_exits
            self._owed_exits = []
        enters = self._id_keys(entered)
        stays = self._id_keys(stayed) if len(stayed) and self._stay_wanted() else None
        self._publishing = True
        self._pending_enters = enters
        self._next_enter = 0
        try:
            self._publish_exits(exits)
            self._publish_live(CollisionEnter, enters, entering=True)
            if stays is not None:
                self._publish_live(CollisionStay, stays, entering=False)
        except BaseException:
            # _publish_exits kept the undelivered Exits; if the Enters had not all
            # gone out, the rest are forgotten: no Exit is owed for them.
            self._forget_pairs(enters[self._next_enter :])
            raise
        finally:
            self._publishing = False
            self._pending_enters = None

    def _forget_pairs(self, id_keys: _Ints) -> None:
        """Take pairs out of the contact set, so that the next update finds them anew."""
        if not len(id_keys):
            return
        get = self._by_id.get
        forget = []
        for key in id_keys.tolist():
            a = get(key >> KEY_BITS)
            b = get(key & KEY_MASK)
            if a is None or b is None:  # removed since: its pairs left already
                continue
            low, high = sorted((a._slot, b._slot))
            forget.append((low << KEY_BITS) | high)
            self._moved.update((low, high))  # so that a small world tests them again
        if forget:
            self._pairs = self._pairs[~np.isin(self._pairs, np.array(forget, dtype=np.int64))]

    def _stay_wanted(self) -> bool:
        # A subscription to CollisionStay or to CollisionEvent ("all three kinds")
        # asks for Stays; catch-all observers (a subscription to Event, a
        # recorder) do not: Stays are many, and only someone who asked for them
        # should pay for them.
        return any(
            issubclass(sub.event_type, CollisionEvent)
            for sub in self.bus.subscriptions(CollisionStay)
        )

    def _id_keys(self, slot_keys: _Ints) -> _Ints:
        """Slot-pair keys to sorted ``low_id << 32 | high_id`` keys."""
        if not len(slot_keys):
            return slot_keys
        ids = self._ids
        a = ids[slot_keys >> KEY_BITS]
        b = ids[slot_keys & KEY_MASK]
        keys: _Ints = (np.minimum(a, b) << KEY_BITS) | np.maximum(a, b)
        keys.sort()
        return keys

    def _resolve(self, id_keys: _Ints) -> list[tuple[Collider, Collider]]:
        by_id = self._by_id
        return [(by_id[k >> KEY_BITS], by_id[k & KEY_MASK]) for k in id_keys.tolist()]

    def _publish_live(self, kind: type[CollisionEvent], id_keys: _Ints, *, entering: bool) -> None:
        """Publish pairs whose colliders are both still in the world, in key order."""
        get = self._by_id.get
        publish = self.bus.publish
        # _event inlined: this loop runs for every contact begun (thousands a
        # tick in the stress scene), and a call is a tenth of an event's cost.
        set_a, set_b = _SETTERS[kind]
        delivered = 0
        try:
            for n, key in enumerate(id_keys.tolist(), 1):
                a = get(key >> KEY_BITS)
                b = get(key & KEY_MASK)
                if entering:
                    self._next_enter = n
                if a is None or b is None:  # removed by an earlier callback of this update
                    continue
                delivered += 1
                event = _new(kind)
                set_a(event, a)
                set_b(event, b)
                publish(event)
        finally:
            if entering:
                self.started += delivered

    def _order(self) -> _Ints:
        """The alive slots in last update's x order, then those added since."""
        xorder = self._xorder
        if self._removed_since:
            xorder = xorder[self._alive[xorder]]
            self._removed_since = False
        if self._added:
            # A slot may have been added, removed and reused since the last update.
            added = np.unique(np.array(self._added, dtype=np.int64))
            added = added[self._alive[added]]
            self._added.clear()
            xorder = np.concatenate((xorder[~np.isin(xorder, added)], added))
        self._xorder = xorder
        return xorder

    def _find_pairs_of_moved(self, moved: list[int]) -> tuple[_Ints, _Ints, _Ints]:
        """``(current, entered, exited)`` slot-pair keys, testing only ``moved`` slots.

        A pair of two colliders that did not move since the last update is
        still what it was (and a removed collider's pairs left at once), so
        only the pairs with a moved collider are tested, against every collider.
        """
        self._moved.clear()
        pairs = self._pairs
        if not moved:
            return pairs, pairs[:0], pairs[:0]
        if self._added:
            self._order()  # keeps the order that a whole sweep starts from up to date
        top = self._top
        xs = self._x[:top].tolist()
        ys = self._y[:top].tolist()
        ws = self._w[:top].tolist()
        hs = self._h[:top].tolist()
        found: set[int] = set()
        for s in moved:
            ax, ay, aw, ah = xs[s], ys[s], ws[s], hs[s]
            if aw <= 0 or ah <= 0 or self._objs[s] is None:
                continue
            right = ax + aw
            bottom = ay + ah
            for t in self._partners_of(s):
                bx = xs[t]
                if bx < right and ax < bx + ws[t]:
                    by, bw, bh = ys[t], ws[t], hs[t]
                    if by < bottom and ay < by + bh and bw > 0 and bh > 0 and t != s:
                        found.add((s << KEY_BITS) | t if s < t else (t << KEY_BITS) | s)
        was: set[int] = set()
        kept: list[int] = []
        moved_set = set(moved)
        for key in pairs.tolist():
            if key >> KEY_BITS in moved_set or key & KEY_MASK in moved_set:
                was.add(key)
            else:
                kept.append(key)
        if found == was:
            return pairs, pairs[:0], pairs[:0]
        current = np.array(sorted(kept + list(found)), dtype=np.int64)
        entered = np.array(sorted(found - was), dtype=np.int64)
        exited = np.array(sorted(was - found), dtype=np.int64)
        return current, entered, exited

    def _partners_of(self, slot: int) -> list[int]:
        """The alive slots that ``slot``'s layer and mask allow it to meet (itself maybe)."""
        bit, mask = int(self._bit[slot]), int(self._maskbits[slot])
        found = self._partners.get((bit, mask))
        if found is None:
            top = self._top
            ok = (self._maskbits[:top] & np.uint64(bit)) != 0
            ok &= (self._bit[:top] & np.uint64(mask)) != 0
            ok &= self._alive[:top]
            found = self._partners[bit, mask] = np.flatnonzero(ok).tolist()
        return found

    def _find_pairs(self) -> _Ints:
        """Sorted slot-pair keys (``low_slot << 32 | high_slot``) of every overlapping
        pair the masks allow."""
        xorder = self._order()
        if len(xorder) <= _SMALL:
            return self._find_pairs_small(xorder)
        # Re-sorting last tick's order is nearly linear: things move a little.
        xs = self._x[xorder]
        resort = np.argsort(xs, kind="stable")
        xorder = xorder[resort]
        self._xorder = xorder
        xs = xs[resort]
        ws = self._w[xorder]
        ys = self._y[xorder]
        hs = self._h[xorder]
        slots = xorder
        if self._empty:
            keep = np.flatnonzero((ws > 0) & (hs > 0))
            slots, xs, ws, ys, hs = slots[keep], xs[keep], ws[keep], ys[keep], hs[keep]
            if len(slots) < 2:
                return np.zeros(0, dtype=np.int64)
        a, b = sweep_strips(xs, ws, ys, hs)
        a = slots[a]
        b = slots[b]
        if self._restricted:
            bit = self._bit
            mask = self._maskbits
            ok = ((mask[a] & bit[b]) != 0) & ((mask[b] & bit[a]) != 0)
            a, b = a[ok], b[ok]
        return sorted_pair_keys(a, b, self._top)

    def _find_pairs_small(self, xorder: _Ints) -> _Ints:
        """The same pairs by a plain sort-and-sweep, faster than numpy for a few dozen."""
        slots = xorder.tolist()
        xs = self._x[xorder].tolist()
        boxes = sorted(
            zip(
                xs,
                self._y[xorder].tolist(),
                self._w[xorder].tolist(),
                self._h[xorder].tolist(),
                slots,
                strict=True,
            ),
            key=_first,
        )
        self._xorder = np.array([box[4] for box in boxes], dtype=np.int64)
        restricted = self._restricted
        bits = self._bit[: self._top].tolist()
        masks = self._maskbits[: self._top].tolist()
        keys = []
        count = len(boxes)
        for i in range(count):
            ax, ay, aw, ah, sa = boxes[i]
            if aw <= 0 or ah <= 0:
                continue
            right = ax + aw
            bottom = ay + ah
            for j in range(i + 1, count):
                bx, by, bw, bh, sb = boxes[j]
                if bx >= right:
                    break
                # ax <= bx, but bx + bw may round to bx when bw is below its ulp.
                if by < bottom and ay < by + bh and ax < bx + bw and bw > 0 and bh > 0:
                    if restricted and not (masks[sa] & bits[sb] and masks[sb] & bits[sa]):
                        continue
                    keys.append((sa << KEY_BITS) | sb if sa < sb else (sb << KEY_BITS) | sa)
        keys.sort()
        return np.array(keys, dtype=np.int64)


_world_of = operator.attrgetter("_world")
_slot_of = operator.attrgetter("_slot")


def _first(box: tuple[float, float, float, float, int]) -> float:
    return box[0]


# Events are made as ``_new(kind)`` plus the two slot setters: ``kind(a, b)`` at
# half the cost, as a frozen dataclass's ``__init__`` assigns through
# ``object.__setattr__`` while the slots' own descriptors are direct.
_new = object.__new__
# Each kind's own slot descriptors: on Python 3.10 a slotted dataclass subclass
# declares the inherited fields' slots again, shadowing the base class's.
_SETTERS: dict[type[CollisionEvent], tuple[Any, Any]] = {
    kind: (inspect.getattr_static(kind, "a").__set__, inspect.getattr_static(kind, "b").__set__)
    for kind in (CollisionEnter, CollisionStay, CollisionExit)
}


_METHODS: dict[type[CollisionEvent], str] = {
    CollisionEnter: "on_enter",
    CollisionExit: "on_exit",
    CollisionStay: "on_stay",
}

#: ``callback(collider_a, collider_b)`` for the layer-pair helpers.
PairCallback: TypeAlias = Callable[[Collider, Collider], object]


class _PairHandler:
    """Filters collision events by layer pair and passes the colliders in layer order."""

    # ``__func__`` is what the bus's logs name a failing handler by: the user's callback.
    __slots__ = ("__func__", "_func", "_ref", "_subscription", "calls", "first", "second")

    def __init__(self, first: str, second: str, callback: PairCallback) -> None:
        self.first = first
        self.second = second
        #: How many matching pairs the callback was called for (the wiring view).
        self.calls = 0
        self._subscription: Subscription | None = None
        # A bound method, or a partial of one, is held weakly, as by the bus.
        self._ref: weakref.ReferenceType[Any] | None
        self._func: Callable[..., object]
        self._ref, self._func = weak_method(callback, self._owner_collected)
        # Names the user's function in logs; never the bound method (it would hold its object).
        self.__func__ = getattr(self._func, "__func__", self._func)

    @property
    def layers(self) -> tuple[str, str]:
        """The two layers, in the order the callback receives their colliders."""
        return (self.first, self.second)

    @property
    def callback(self) -> Callable[..., object]:
        """The function the game registered (for a bound method, its function: held weakly)."""
        return self._func

    def attach(self, subscription: Subscription) -> None:
        self._subscription = subscription

    def _owner_collected(self, ref: object) -> None:
        # Any thread, any moment (the garbage collector's): the subscription
        # only flags itself and queues its removal for the game thread.
        if self._subscription is not None:
            self._subscription._owner_collected(ref)

    def __call__(self, event: CollisionEvent) -> None:
        a, b = event.a, event.b
        if a._layer == self.first and b._layer == self.second:
            pass
        elif a._layer == self.second and b._layer == self.first:
            a, b = b, a
        else:
            return
        self.calls += 1
        ref = self._ref
        if ref is None:
            self._func(a, b)
            return
        owner = ref()
        if owner is not None:
            self._func(owner, a, b)


def _by_id(collider: Collider) -> int:
    return collider._id


def _pair(value: object, name: str) -> tuple[float, float]:
    items = tuple(value) if isinstance(value, Iterable) and not isinstance(value, str) else ()
    if len(items) != 2:
        raise TypeError(f"{name} must be a pair of numbers, not {value!r}")
    return _coordinate(f"{name}[0]", items[0]), _coordinate(f"{name}[1]", items[1])


def _clamp(coordinate: float) -> float:
    """A moved coordinate kept within ±MAX_COORD (two moves of 1e308 made it infinite)."""
    return min(max(coordinate, -MAX_COORD), MAX_COORD)


def _coordinate(name: str, value: object) -> float:
    """A finite number of pixels within ±MAX_COORD, or an error naming ``name``."""
    number = finite(name, value)
    if not -MAX_COORD <= number <= MAX_COORD:
        raise ValueError(f"{name} must be within ±{MAX_COORD:g} pixels, not {value!r}")
    return number


def _rect_tuple(rect: object, name: str) -> tuple[float, float, float, float]:
    if all(hasattr(rect, attr) for attr in ("x", "y", "w", "h")) and not isinstance(rect, tuple):
        values: Sequence[object] = (rect.x, rect.y, rect.w, rect.h)  # type: ignore[attr-defined]
    elif isinstance(rect, (tuple, list)) and len(rect) == 4:
        values = rect
    else:
        raise TypeError(f"{name} must be (x, y, w, h) or have x, y, w, h attributes, not {rect!r}")
    x, y, w, h = (_coordinate(f"{name}.{a}", v) for v, a in zip(values, "xywh", strict=True))
    if w < 0 or h < 0:
        raise ValueError(f"{name} must not have a negative size, not w={w:g}, h={h:g} in {rect!r}")
    return x, y, w, h


def _overlap(
    ax: float, ay: float, aw: float, ah: float, bx: float, by: float, bw: float, bh: float
) -> bool:
    return (
        aw > 0 and ah > 0 and bw > 0 and bh > 0
        and ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
    )  # fmt: skip
