"""The collision world: pairs equal brute force, events equal pair-set differences,
sliding without tunnelling, layer rules, callbacks that change the world, bad input."""

from __future__ import annotations

import functools
import gc
import math
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import numpy as np
import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.engine.collisions import (
    Box,
    Collider,
    CollisionEnter,
    CollisionEvent,
    CollisionExit,
    CollisionStay,
    CollisionWorld,
    LayerPairWarning,
)
from game.engine.collisions import world as collisions_module
from game.engine.events import Event, EventBus
from tests.app_driver import hold, key, put_player

LAYERS = ("a", "b", "c")

# -- helpers ---------------------------------------------------------------


def overlap(r: Box, s: Box) -> bool:
    """The definition, written out: interiors overlap, empty boxes never do."""
    if min(r.w, r.h, s.w, s.h) <= 0:
        return False
    return r.x < s.x + s.w and s.x < r.x + r.w and r.y < s.y + s.h and s.y < r.y + r.h


def allowed(a: Collider, b: Collider) -> bool:
    return (a.mask is None or b.layer in a.mask) and (b.mask is None or a.layer in b.mask)


def brute_pairs(world: CollisionWorld) -> set[tuple[int, int]]:
    colliders = list(world)
    found = set()
    for i, a in enumerate(colliders):
        for b in colliders[i + 1 :]:
            if allowed(a, b) and overlap(a.rect, b.rect):
                found.add((a.id, b.id))
    return found


def ids(events: list[CollisionEvent]) -> list[tuple[int, int]]:
    return [(e.a.id, e.b.id) for e in events]


#: How ``update()`` finds pairs: (``_SMALL``, ``_FEW_MOVED``) forcing each way.
MODES = {
    "python": (10_000, -1),  # a whole sort-and-sweep in Python, every update
    "numpy": (1, -1),  # the numpy strips, every update
    "incremental": (10_000, 10_000),  # only the moved colliders' pairs, every update
}
#: Modes that switch between ways from one update to the next.
SWITCHING = {
    "few moved": (10_000, 2),  # incremental with at most 2 moved, else a whole sweep
    "few moved, few colliders": (15, 2),  # and numpy strips above 15 colliders
}


@contextmanager
def sweep_mode(mode: str) -> Iterator[None]:
    """Force one way of finding pairs while the block runs."""
    saved = collisions_module._SMALL, collisions_module._FEW_MOVED
    collisions_module._SMALL, collisions_module._FEW_MOVED = {**MODES, **SWITCHING}[mode]
    try:
        yield
    finally:
        collisions_module._SMALL, collisions_module._FEW_MOVED = saved


@pytest.fixture(params=list(MODES))
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run a test through each way ``update()`` can find the pairs."""
    small, few = MODES[request.param]
    monkeypatch.setattr(collisions_module, "_SMALL", small)
    monkeypatch.setattr(collisions_module, "_FEW_MOVED", few)
    yield request.param


@pytest.fixture
def world(bus: EventBus, path: str) -> CollisionWorld:
    return CollisionWorld(bus)


# -- strategies ------------------------------------------------------------

# Small integer coordinates make touching edges and exact overlaps common;
# tall boxes make the numpy path enter boxes in several strips.
coords = st.integers(-20, 60).map(float) | st.floats(-20, 60, allow_nan=False)
sizes = st.sampled_from([0.0, 1.0, 2.0, 5.0, 10.0, 40.0]) | st.floats(0, 30, allow_nan=False)
boxes = st.tuples(coords, coords, sizes, sizes)
masks = st.none() | st.frozensets(st.sampled_from(LAYERS), max_size=3)
specs = st.tuples(boxes, st.sampled_from(LAYERS), masks, st.booleans())


def add_all(
    world: CollisionWorld,
    items: list[tuple[tuple[float, float, float, float], str, frozenset[str] | None, bool]],
) -> list[Collider]:
    return [
        world.add(rect, layer=layer, mask=mask, trigger=trigger)
        for rect, layer, mask, trigger in items
    ]


# -- pairs equal brute force -----------------------------------------------


@pytest.mark.parametrize("mode", list(MODES))
@given(items=st.lists(specs, max_size=60))
def test_reported_pairs_equal_brute_force(
    items: list[tuple[tuple[float, float, float, float], str, frozenset[str] | None, bool]],
    mode: str,
) -> None:
    bus = EventBus(on_error="raise")
    world = CollisionWorld(bus)
    add_all(world, items)
    with sweep_mode(mode), bus.recording() as trace:
        world.update()
    reported = ids(trace.of(CollisionEnter))
    assert reported == sorted(brute_pairs(world))
    assert all(a < b for a, b in reported)


moves = st.lists(
    st.tuples(
        st.sampled_from(["move", "move", "move", "remove", "add", "resize"]),
        st.integers(0, 1000),
        boxes,
    ),
    max_size=8,
)


@pytest.mark.parametrize("mode", list(MODES))
@given(items=st.lists(specs, min_size=1, max_size=30), steps=st.lists(moves, max_size=6))
def test_enter_and_exit_are_the_differences_of_successive_pair_sets(
    items: list[tuple[tuple[float, float, float, float], str, frozenset[str] | None, bool]],
    steps: list[list[tuple[str, int, tuple[float, float, float, float]]]],
    mode: str,
) -> None:
    with sweep_mode(mode):
        check_events_are_pair_set_differences(items, steps)


def check_events_are_pair_set_differences(
    items: list[tuple[tuple[float, float, float, float], str, frozenset[str] | None, bool]],
    steps: list[list[tuple[str, int, tuple[float, float, float, float]]]],
) -> None:
    bus = EventBus(on_error="raise")
    world = CollisionWorld(bus)
    live = add_all(world, items)
    world.update()
    before = brute_pairs(world)
    for step in steps:
        removed_exits: set[tuple[int, int]] = set()
        with bus.recording() as trace:
            for action, pick, rect in step:
                if action == "add" or not live:
                    live.append(world.add(rect, layer=LAYERS[pick % 3]))
                    continue
                target = live[pick % len(live)]
                if action == "move":
                    target.position = rect[:2]
                elif action == "resize":
                    target.rect = rect
                else:
                    live.remove(target)
                    mine = {p for p in before if target.id in p}
                    world.remove(target)
                    removed_exits |= mine
                    before -= mine
            assert set(ids(trace.of(CollisionExit))) == removed_exits
            exits_at_removal = len(trace)
            world.update()
        after = brute_pairs(world)
        events = trace[exits_at_removal:]
        assert ids([e for e in events if isinstance(e, CollisionEnter)]) == sorted(after - before)
        assert ids([e for e in events if isinstance(e, CollisionExit)]) == sorted(before - after)
        before = after


# Scripts for a village-like world: a few movers among many static boxes.
script_steps = st.lists(
    st.tuples(
        st.sampled_from(["teleport", "slide", "slide", "resize", "add", "remove", "update"]),
        st.integers(0, 1000),
        boxes,
    ),
    max_size=40,
)


@given(
    statics=st.lists(specs, max_size=25),
    movers=st.lists(specs, min_size=1, max_size=6),
    script=script_steps,
)
def test_testing_only_moved_colliders_equals_brute_force_and_a_whole_sweep(
    statics: list[tuple[tuple[float, float, float, float], str, frozenset[str] | None, bool]],
    movers: list[tuple[tuple[float, float, float, float], str, frozenset[str] | None, bool]],
    script: list[tuple[str, int, tuple[float, float, float, float]]],
) -> None:
    """Worlds get the same calls; some re-test only what moved, the reference sweeps all."""
    worlds: dict[str, CollisionWorld] = {}
    traces: dict[str, list[CollisionEvent]] = {}
    contacts: dict[str, set[tuple[int, int]]] = {}
    live: dict[str, list[Collider]] = {}
    moving: dict[str, list[Collider]] = {}
    for mode in ("python", "incremental", *SWITCHING):
        bus = EventBus(on_error="raise")
        world = worlds[mode] = CollisionWorld(bus)
        trace = traces[mode] = []
        touching = contacts[mode] = set()

        def seen(event: CollisionEvent, trace: list[CollisionEvent] = trace,
                 touching: set[tuple[int, int]] = touching) -> None:  # fmt: skip
            trace.append(event)
            pair = (event.a.id, event.b.id)
            if isinstance(event, CollisionEnter):
                touching.add(pair)
            elif isinstance(event, CollisionExit):
                touching.discard(pair)
            else:
                assert pair in touching  # a Stay only for a pair that began

        bus.subscribe(CollisionEvent, seen)  # all three kinds, Stays included
        live[mode] = add_all(world, statics)
        moving[mode] = add_all(world, movers)
        live[mode] += moving[mode]

    def update() -> None:
        for mode, world in worlds.items():
            with sweep_mode(mode):
                world.update()
        reference = [(type(e), e.a.id, e.b.id) for e in traces["python"]]
        for mode, trace in traces.items():
            assert [(type(e), e.a.id, e.b.id) for e in trace] == reference, mode
            assert contacts[mode] == brute_pairs(worlds[mode]), mode

    update()
    for action, pick, (x, y, w, h) in script:
        for mode, world in worlds.items():
            if action == "update":
                continue
            if action == "add" or not moving[mode]:
                collider = world.add((x, y, w, h), layer=LAYERS[pick % 3])
                moving[mode].append(collider)
                live[mode].append(collider)
                continue
            if action == "remove":
                target = live[mode].pop(pick % len(live[mode]))
                if target in moving[mode]:
                    moving[mode].remove(target)
                world.remove(target)
                continue
            target = moving[mode][pick % len(moving[mode])]
            if action == "teleport":
                target.position = (x, y)
            elif action == "resize":
                target.rect = (x, y, w, h)
            else:
                world.move(target, x - 20, y - 20)
        if action == "update" or pick % 3 == 0:
            update()
    update()


@given(
    walls=st.lists(specs, max_size=25),
    mover=specs,
    steps=st.lists(st.tuples(coords, coords), max_size=10),
)
def test_move_never_ends_inside_a_solid_and_both_obstacle_searches_agree(
    walls: list[tuple[tuple[float, float, float, float], str, frozenset[str] | None, bool]],
    mover: tuple[tuple[float, float, float, float], str, frozenset[str] | None, bool],
    steps: list[tuple[float, float]],
) -> None:
    """A loop over the mover's partners (few colliders) and numpy (many) find the same walls."""
    rect, layer, mask, _ = mover
    worlds, bodies = [], []
    for _ in range(2):
        world = CollisionWorld(EventBus(on_error="raise"))
        add_all(world, walls)
        worlds.append(world)
        bodies.append(world.add(rect, layer=layer, mask=mask))
    body = bodies[0]
    solids = [c for c in worlds[0] if c is not body and not c.trigger and allowed(body, c)]
    for dx, dy in steps:
        before = {c for c in solids if overlap(body.rect, c.rect)}
        x, y = body.position
        with sweep_mode("python"):
            moved = worlds[0].move(body, dx - 20, dy - 20)
        with sweep_mode("numpy"):
            assert worlds[1].move(bodies[1], dx - 20, dy - 20) == moved
        assert bodies[1].position == body.position
        for got, wanted in zip(moved, (dx - 20, dy - 20), strict=True):
            # Never further than asked, never backwards (up to rounding).
            assert -1e-9 <= got / wanted <= 1 + 1e-9 if wanted else got == 0
        assert body.position == pytest.approx((x + moved[0], y + moved[1]))
        assert {c for c in solids if overlap(body.rect, c.rect)} <= before


def test_a_box_thinner_than_a_float_step_at_its_x_overlaps_like_brute_force(
    bus: EventBus, world: CollisionWorld
) -> None:
    # 1.0 + 6.6e-224 == 1.0: the thin box's right edge equals its left edge.
    world.add((1.0, 0.0, 1.0, 1.0))
    world.add((1.0, 0.0, 6.555181654921315e-224, 1.0))
    world.add((0.5, 0.0, 1.0, 1.0))
    with bus.recording() as trace:
        world.update()
    assert ids(trace.of(CollisionEnter)) == sorted(brute_pairs(world)) == [(0, 2), (1, 2)]


def test_many_boxes_in_many_strips_match_brute_force(bus: EventBus) -> None:
    import random

    rng = random.Random(4)
    world = CollisionWorld(bus)
    for _ in range(400):
        w, h = rng.uniform(2, 20), rng.choice([rng.uniform(2, 20), rng.uniform(50, 200)])
        world.add((rng.uniform(0, 400), rng.uniform(0, 400), w, h))
    for wall in [(0, -5, 400, 10), (0, 200, 300, 3), (-5, 0, 10, 400), (395, 0, 10, 400)]:
        world.add(wall)  # long reaches across crowded strips
    with bus.recording() as trace:
        world.update()
    assert set(ids(trace.of(CollisionEnter))) == brute_pairs(world)
    assert len(trace) > 100


# -- overlap rules ---------------------------------------------------------


def test_touching_edges_do_not_overlap_like_pygame_colliderect(
    bus: EventBus, world: CollisionWorld
) -> None:
    left = world.add((0, 0, 10, 10))
    world.add((10, 0, 10, 10))  # shares the edge x = 10
    world.add((0, 10, 10, 10))  # shares the edge y = 10
    world.add((10, 10, 5, 5))  # shares the corner
    with bus.recording() as trace:
        world.update()
    assert trace.of(CollisionEnter) == []
    assert pygame.Rect(0, 0, 10, 10).colliderect(pygame.Rect(10, 0, 10, 10)) is False
    left.position = (0.5, 0.5)
    with bus.recording() as trace:
        world.update()
    assert len(trace.of(CollisionEnter)) == 3


def test_an_empty_box_overlaps_nothing(bus: EventBus, world: CollisionWorld) -> None:
    world.add((0, 0, 10, 10))
    line = world.add((5, 0, 0, 10))
    with bus.recording() as trace:
        world.update()
        line.rect = (5, 0, 1, 10)
        world.update()
    assert ids(trace.of(CollisionEnter)) == [(0, 1)]


def test_a_pair_is_tested_only_if_each_layer_is_in_the_others_mask(
    bus: EventBus, world: CollisionWorld
) -> None:
    player = world.add((0, 0, 10, 10), layer="player", mask={"wall"})
    world.add((5, 5, 10, 10), layer="wall")  # mask None: every layer
    world.add((5, 5, 10, 10), layer="coin")  # not in the player's mask
    world.add((5, 5, 10, 10), layer="ghost", mask=set())  # collides with nothing
    world.add((5, 5, 10, 10), layer="wall", mask="coin")  # the player is not in its mask
    with bus.recording() as trace:
        world.update()
    pairs = ids(trace.of(CollisionEnter))
    assert (player.id, 1) in pairs
    assert not any(player.id in p and p != (player.id, 1) for p in pairs)
    assert (2, 4) in pairs  # the coin and the coin-minded wall


def test_trigger_reports_overlap_but_move_passes_through_it(
    bus: EventBus, world: CollisionWorld
) -> None:
    player = world.add((0, 0, 10, 10), layer="player")
    zone = world.add((20, 0, 10, 10), layer="zone", trigger=True)
    wall = world.add((40, 0, 10, 10), layer="wall")
    assert world.move(player, 15, 0) == (15, 0)  # into the trigger
    with bus.recording() as trace:
        world.update()
    assert ids(trace.of(CollisionEnter)) == [(player.id, zone.id)]
    assert world.move(player, 100, 0) == (15, 0)  # through it, stopped by the wall
    assert player.rect.right == wall.rect.x
    with bus.recording() as trace:
        world.update()
    assert ids(trace.of(CollisionExit)) == [(player.id, zone.id)]


# -- moving ----------------------------------------------------------------


def test_move_slides_along_a_wall(world: CollisionWorld) -> None:
    world.add((0, 100, 300, 20), layer="wall")  # a floor
    player = world.add((10, 80, 20, 20), layer="player")  # standing on it
    moved = world.move(player, 30, 12)  # pushes down-right: slides right, stays on top
    assert moved == (30, 0)
    assert player.position == (40, 80)


def test_move_into_a_corner_stops_on_both_axes(world: CollisionWorld) -> None:
    world.add((0, 100, 200, 20))  # floor
    world.add((100, 0, 20, 120))  # right wall
    player = world.add((60, 60, 20, 20))
    assert world.move(player, 50, 50) == (20, 20)
    assert player.rect.right == 100
    assert player.rect.bottom == 100
    assert world.move(player, 5, 5) == (0, 0)
    assert world.move(player, -5, -5) == (-5, -5)  # free to leave


@pytest.mark.parametrize(("dx", "dy"), [(5000, 0), (-5000, 0), (0, 5000), (0, -5000)])
def test_no_tunnelling_through_a_one_pixel_wall_at_any_speed(
    world: CollisionWorld, dx: float, dy: float
) -> None:
    world.add((100, 100, 1, 1000) if dx else (100, 100, 1000, 1))
    start = (-900.0, 500.0) if dx > 0 else (1200.0, 500.0) if dx < 0 else (500.0, -900.0)
    if dy < 0:
        start = (500.0, 1200.0)
    player = world.add((*start, 10, 10))
    world.move(player, dx, dy)
    assert world.query_rect(player.rect) == [player]
    if dx > 0:
        assert player.rect.right == 100
    elif dx < 0:
        assert player.position[0] == 101
    elif dy > 0:
        assert player.rect.bottom == 100
    else:
        assert player.position[1] == 101


def test_move_stops_flush_even_when_float_rounding_would_overlap(world: CollisionWorld) -> None:
    wall = world.add((0.30000000000000004, 0, 10, 10))
    player = world.add((-5, 0, 0.1, 10))
    world.move(player, 10, 0)
    x, _, w, _ = player.rect
    assert x + w <= wall.rect.x
    assert not overlap(player.rect, wall.rect)


def test_move_ignores_obstacles_outside_the_pair_rule_and_those_already_overlapped(
    world: CollisionWorld,
) -> None:
    ghost = world.add((0, 0, 10, 10), layer="ghost", mask={"wall"})
    world.add((20, 0, 10, 10), layer="player")
    world.add((5, 0, 10, 10), layer="wall")  # already overlapping the ghost
    assert world.move(ghost, 30, 0) == (30, 0)


def test_position_setter_teleports_and_move_returns_what_was_moved(
    world: CollisionWorld,
) -> None:
    box = world.add((0, 0, 10, 10))
    box.position = (500, 500)
    assert box.position == (500, 500)
    assert box.rect == Box(500, 500, 10, 10)
    assert world.move(box, 1.5, -2) == (1.5, -2)


# -- events: order, stay, helpers ------------------------------------------


def test_events_come_exits_first_then_enters_each_in_id_order(
    bus: EventBus, world: CollisionWorld
) -> None:
    boxes = [world.add((i * 100.0, 0, 10, 10)) for i in range(4)]
    others = [world.add((i * 100.0 + 5, 0, 10, 10)) for i in range(4)]
    world.update()
    for i in (3, 1):
        others[i].position = (1000.0 * i, 5000)
    boxes[2].position = (-5000, 5000)
    others[0].position = (boxes[0].position[0] - 5, 0)  # still touching its box
    late = world.add((boxes[3].position[0] + 2, 0, 3, 3))
    with bus.recording() as trace:
        world.update()
    assert trace.types() == ["CollisionExit"] * 3 + ["CollisionEnter"]
    assert ids(trace) == [(1, 5), (2, 6), (3, 7), (3, late.id)]
    assert all(e.a.id < e.b.id for e in trace)


def test_same_scene_gives_the_same_event_order_whatever_the_order_of_adding(
    bus: EventBus, world: CollisionWorld
) -> None:
    import random

    rects = [(random.Random(i).uniform(0, 60), float(i % 7) * 6, 12.0, 9.0) for i in range(40)]
    traces = []
    for order in (range(40), reversed(range(40))):
        other = CollisionWorld(bus)
        made = {i: other.add(rects[i], owner=i) for i in order}
        with bus.recording() as trace:
            other.update()
        traces.append(sorted(tuple(sorted((e.a.owner, e.b.owner))) for e in trace))
        assert ids(trace) == sorted(ids(trace))
        del made
    assert traces[0] == traces[1]


def test_stay_is_published_only_while_someone_subscribes_to_it(
    bus: EventBus, world: CollisionWorld
) -> None:
    bus.subscribe(Event, lambda e: None)  # a catch-all observer does not count
    world.add((0, 0, 10, 10))
    world.add((5, 5, 10, 10))
    with bus.recording() as trace:
        world.update()
        world.update()
    assert trace.types() == ["CollisionEnter"]
    stays: list[CollisionStay] = []
    subscription = bus.subscribe(CollisionStay, stays.append)
    world.update()
    world.update()
    assert ids(stays) == [(0, 1), (0, 1)]
    subscription.cancel()
    world.update()
    assert len(stays) == 2


def test_stay_starts_the_update_after_enter(bus: EventBus, world: CollisionWorld) -> None:
    seen: list[str] = []
    world.on_stay("default", "default", lambda a, b: seen.append("stay"))
    world.on_enter("default", "default", lambda a, b: seen.append("enter"))
    world.add((0, 0, 10, 10))
    world.add((5, 5, 10, 10))
    world.update()
    world.update()
    assert seen == ["enter", "stay"]


def test_layer_pair_helpers_pass_colliders_in_the_order_the_layers_are_named(
    bus: EventBus, world: CollisionWorld
) -> None:
    coin = world.add((0, 0, 10, 10), layer="coin")  # lower id than the player
    player = world.add((5, 5, 10, 10), layer="player")
    world.add((5, 5, 10, 10), layer="wall")
    calls: list[tuple[str, Collider, Collider]] = []
    world.on_enter("player", "coin", lambda p, c: calls.append(("enter", p, c)))
    world.on_exit("player", "coin", lambda p, c: calls.append(("exit", p, c)))
    world.on_enter("coin", "player", lambda c, p: calls.append(("reverse", c, p)))
    world.update()
    player.position = (100, 100)
    world.update()
    assert calls == [
        ("enter", player, coin),
        ("reverse", coin, player),
        ("exit", player, coin),
    ]


def test_layer_pair_helper_holds_a_bound_method_weakly(
    bus: EventBus, world: CollisionWorld
) -> None:
    class Listener:
        def __init__(self) -> None:
            self.calls = 0

        def touched(self, a: Collider, b: Collider) -> None:
            self.calls += 1

    listener = Listener()
    subscription = world.on_enter("default", "default", listener.touched)
    world.add((0, 0, 10, 10))
    world.add((5, 5, 10, 10))
    world.update()
    assert listener.calls == 1
    del listener
    gc.collect()
    assert not subscription.active


def test_layer_pair_helper_cancels_like_any_subscription(
    bus: EventBus, world: CollisionWorld
) -> None:
    calls: list[Collider] = []
    subscription = world.on_enter("default", "default", lambda a, b: calls.append(a))
    subscription.cancel()
    world.add((0, 0, 10, 10))
    world.add((5, 5, 10, 10))
    world.update()
    assert calls == []


# -- changing the world from callbacks ---------------------------------------


def test_removal_during_a_callback_is_safe_and_owes_exactly_the_delivered_enters(
    bus: EventBus, world: CollisionWorld
) -> None:
    player = world.add((0, 0, 10, 10), layer="player")
    coins = [world.add((2.0 + i, 2, 4, 4), layer="coin") for i in range(3)]
    wall = world.add((7.5, 0, 10, 10), layer="wall")

    def take(p: Collider, coin: Collider) -> None:
        world.remove(coin)
        if coin is coins[0]:
            world.remove(p)  # the player leaves too, in the middle of the Enters

    world.on_enter("player", "coin", take)
    with bus.recording() as trace:
        world.update()
    history: dict[tuple[Collider, Collider], list[str]] = {}
    for event in trace:
        history.setdefault((event.a, event.b), []).append(type(event).__name__)
    # Never an Exit without its Enter, nor an Enter naming a removed collider.
    assert history == {
        (player, coins[0]): ["CollisionEnter", "CollisionExit"],
        (coins[1], coins[2]): ["CollisionEnter"],
        (coins[2], wall): ["CollisionEnter"],
    }
    assert not player.alive and not coins[0].alive and coins[1].alive
    with bus.recording() as trace:
        world.update()
    assert trace.of(CollisionEnter) == []


def test_colliders_added_or_moved_in_a_callback_are_seen_next_update(
    bus: EventBus, world: CollisionWorld
) -> None:
    world.add((0, 0, 10, 10), layer="player")
    world.add((5, 5, 10, 10), layer="door")
    made: list[Collider] = []
    world.on_enter("player", "door", lambda p, d: made.append(world.add((6, 6, 2, 2))))
    with bus.recording() as trace:
        world.update()
    assert len(trace.of(CollisionEnter)) == 1
    with bus.recording() as trace:
        world.update()
    assert ids(trace.of(CollisionEnter)) == [(0, made[0].id), (1, made[0].id)]


def test_remove_outside_update_publishes_exit_for_current_contacts(
    bus: EventBus, world: CollisionWorld
) -> None:
    a = world.add((0, 0, 10, 10))
    b = world.add((5, 5, 10, 10))
    c = world.add((8, 8, 10, 10))
    world.update()
    with bus.recording() as trace:
        world.remove(b)
    assert ids(trace) == [(0, 1), (1, 2)]
    assert trace.types() == ["CollisionExit", "CollisionExit"]
    assert trace[0].b.rect == Box(5, 5, 10, 10)  # still readable once removed
    with bus.recording() as trace:
        world.update()
    assert trace == []
    assert a.alive and c.alive and b not in world and len(world) == 2


def test_a_reused_slot_does_not_inherit_contacts(bus: EventBus, world: CollisionWorld) -> None:
    world.add((0, 0, 10, 10))
    b = world.add((5, 5, 10, 10))
    world.update()
    world.remove(b)
    c = world.add((500, 500, 10, 10))  # takes b's slot
    with bus.recording() as trace:
        world.update()
    assert trace == []
    c.position = (5, 5)
    with bus.recording() as trace:
        world.update()
    assert ids(trace) == [(0, c.id)]


def test_update_from_a_collision_callback_is_an_error(bus: EventBus, world: CollisionWorld) -> None:
    world.add((0, 0, 10, 10))
    world.add((5, 5, 10, 10))
    world.on_enter("default", "default", lambda a, b: world.update())
    with pytest.raises(RuntimeError, match="from a collision callback"):
        world.update()


def test_a_raising_collision_callback_goes_through_the_bus_error_policy(path: str) -> None:
    bus = EventBus(on_error="log")
    world = CollisionWorld(bus)
    world.on_enter("default", "default", lambda a, b: 1 / 0)
    world.add((0, 0, 10, 10))
    world.add((5, 5, 10, 10))
    world.update()
    assert bus.handler_errors == 1


# -- queries -----------------------------------------------------------------


def test_query_rect_finds_strict_overlaps_on_the_masked_layers(world: CollisionWorld) -> None:
    wall = world.add((0, 0, 10, 10), layer="wall")
    coin = world.add((20, 0, 10, 10), layer="coin", trigger=True)
    world.add((40, 0, 10, 10), layer="wall")  # touches the query's right edge only
    assert world.query_rect((5, 5, 35, 2)) == [wall, coin]
    assert world.query_rect(pygame.FRect(5, 5, 35, 2), mask={"coin"}) == [coin]
    assert world.query_rect(pygame.Rect(5, 5, 35, 2), mask="wall") == [wall]
    assert world.query_rect((5, 5, 35, 2), mask={"nothing-here"}) == []
    assert world.query_rect((5, 5, 0, 2)) == []


def test_query_point_is_half_open_like_collidepoint(world: CollisionWorld) -> None:
    box = world.add((0, 0, 10, 10), layer="x")
    assert world.query_point(0, 0) == [box]
    assert world.query_point(10, 5) == []
    assert world.query_point(9.999, 9.999, mask="x") == [box]
    assert world.query_point(5, 5, mask="y") == []
    assert pygame.Rect(0, 0, 10, 10).collidepoint(10, 5) is False
    world.remove(box)
    assert world.query_point(5, 5) == []


def test_queries_see_current_positions_not_the_last_update(world: CollisionWorld) -> None:
    box = world.add((0, 0, 10, 10))
    world.update()
    box.position = (100, 100)
    assert world.query_point(105, 105) == [box]
    assert world.query_point(5, 5) == []


# -- colliders and bad input -------------------------------------------------


def test_colliders_are_hashable_by_identity_and_accept_rect_likes(world: CollisionWorld) -> None:
    first = world.add(pygame.Rect(1, 2, 3, 4), owner="hero")
    second = world.add(pygame.FRect(1.5, 2, 3, 4))
    third = world.add(Box(1, 2, 3, 4))
    assert len({first, second, third, first}) == 3
    assert first.rect == (1, 2, 3, 4) and first.owner == "hero"
    assert pygame.FRect(second.rect) == pygame.FRect(1.5, 2, 3, 4)
    assert first.layer == "default" and first.mask is None and not first.trigger
    assert list(world) == [first, second, third]
    assert "hero" in repr(first) or "#0" in repr(first)


@pytest.mark.parametrize(
    ("rect", "error", "message"),
    [
        ((math.nan, 0, 1, 1), ValueError, "rect.x must be finite"),
        ((0, math.inf, 1, 1), ValueError, "rect.y must be finite"),
        ((0, 0, -1, 1), ValueError, "negative size"),
        ((0, 0, 1, -0.5), ValueError, "negative size"),
        ((0, 0, 1), TypeError, "rect must be"),
        ((0, 0, "1", 1), TypeError, "rect.w must be a number"),
        ("abcd", TypeError, "rect must be"),
    ],
)
def test_bad_rects_are_refused_naming_what_is_wrong(
    world: CollisionWorld, rect: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        world.add(rect)  # type: ignore[arg-type]
    assert len(world) == 0


def test_bad_positions_and_moves_are_refused(world: CollisionWorld) -> None:
    box = world.add((0, 0, 1, 1))
    with pytest.raises(ValueError, match=r"position\[0\] must be finite"):
        box.position = (math.nan, 0)
    with pytest.raises(ValueError, match="dy must be finite"):
        world.move(box, 0, math.inf)
    with pytest.raises(ValueError, match="negative size"):
        box.rect = (0, 0, -1, 1)
    with pytest.raises(ValueError, match="y must be finite"):
        world.query_point(0, math.nan)
    assert box.rect == (0, 0, 1, 1)


def test_declared_layers_refuse_unknown_names(bus: EventBus) -> None:
    world = CollisionWorld(bus, layers=["player", "wall"])
    with pytest.raises(ValueError, match="layer: unknown layer 'walls'"):
        world.add((0, 0, 1, 1), layer="walls")
    with pytest.raises(ValueError, match="mask: unknown layer 'coin'"):
        world.add((0, 0, 1, 1), layer="player", mask={"wall", "coin"})
    with pytest.raises(ValueError, match="layer_b: unknown layer 'coin'"):
        world.on_enter("player", "coin", lambda a, b: None)
    with pytest.raises(ValueError, match="unknown layer 'coin'"):
        world.query_rect((0, 0, 1, 1), mask="coin")
    assert world.layers == ("player", "wall")


def test_undeclared_layers_may_be_named_in_a_mask_before_they_exist(bus: EventBus) -> None:
    world = CollisionWorld(bus)
    player = world.add((0, 0, 10, 10), layer="player", mask={"coin"})
    coin = world.add((5, 5, 10, 10), layer="coin")
    with bus.recording() as trace:
        world.update()
    assert ids(trace) == [(player.id, coin.id)]


def test_at_most_64_layers(bus: EventBus) -> None:
    world = CollisionWorld(bus)
    for i in range(64):
        world.add((0, 0, 1, 1), layer=f"layer{i}")
    with pytest.raises(ValueError, match="at most 64"):
        world.add((0, 0, 1, 1), layer="one-more")


def test_removing_twice_is_a_key_error_naming_the_collider(bus: EventBus) -> None:
    world = CollisionWorld(bus)
    box = world.add((0, 0, 1, 1), layer="crate")
    world.remove(box)
    with pytest.raises(KeyError, match=r"crate.*removed already"):
        world.remove(box)
    with pytest.raises(KeyError, match="removed"):
        box.position = (1, 1)
    other = CollisionWorld(bus).add((0, 0, 1, 1))
    with pytest.raises(KeyError, match="another world"):
        world.remove(other)
    assert box.position == (0, 0)


def test_bad_layer_and_mask_types(bus: EventBus) -> None:
    world = CollisionWorld(bus)
    with pytest.raises(TypeError, match="layer name must be a str"):
        world.add((0, 0, 1, 1), layer=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="layers must be a collection"):
        CollisionWorld(bus, layers="player")
    with pytest.raises(TypeError, match="bus must be an EventBus"):
        CollisionWorld(object())  # type: ignore[arg-type]


# -- the demo scene ----------------------------------------------------------


def test_the_player_stops_flush_against_the_village_edge(app: object) -> None:
    from game.app import App
    from game.scene import WIDTH

    assert isinstance(app, App)
    put_player(app, (700.0, 355.0))
    hold(app, pygame.K_RIGHT, 120)
    x, _ = app.scene.player.position
    assert x + app.scene.player.SIZE == WIDTH
    assert app.scene.player.velocity == (0.0, 0.0)


def test_the_player_slides_along_a_house_it_walks_into(app: object) -> None:
    from game.app import App

    assert isinstance(app, App)
    roof = 380.0  # the top of the south-west house
    put_player(app, (120.0, 330.0))
    hold(app, pygame.K_DOWN, 40)
    x, y = app.scene.player.position
    assert y + app.scene.player.SIZE == roof  # standing against it
    app.post(key(pygame.KEYDOWN, pygame.K_DOWN))
    hold(app, pygame.K_RIGHT, 24)
    assert app.scene.player.position[0] > x + 30  # slides along it
    assert app.scene.player.position[1] == y


def test_walking_into_a_talk_radius_is_a_collision_enter_counted_in_the_summary(
    app: object,
) -> None:
    from game.app import App
    from game.engine.collisions import CollisionEnter, CollisionExit

    assert isinstance(app, App)
    guide = app.scene.npcs[0]
    put_player(app, (690.0, 160.0))
    with app.bus.recording() as trace:
        hold(app, pygame.K_LEFT, 20)
        assert guide.in_range
        hold(app, pygame.K_RIGHT, 30)
    assert not guide.in_range
    talk_enters = [e for e in trace.of(CollisionEnter) if e.b.layer == "talk"]
    talk_exits = [e for e in trace.of(CollisionExit) if e.b.layer == "talk"]
    assert len(talk_enters) == len(talk_exits) == 1
    summary = app.summary()
    assert summary["collisions_started"] == len(trace.of(CollisionEnter)) >= 1


def test_box_overlaps_like_colliderect_touching_edges_and_empty_boxes_do_not() -> None:
    from game.engine.collisions import Box

    box = Box(0.0, 0.0, 10.0, 10.0)
    assert box.overlaps((5, 5, 10, 10))
    assert not box.overlaps((10, 0, 5, 5))  # touching the right edge
    assert not box.overlaps((2, 2, 0, 5))  # no width
    assert box.overlaps(pygame.Rect(9, 9, 3, 3)) == pygame.Rect(0, 0, 10, 10).colliderect(
        pygame.Rect(9, 9, 3, 3)
    )


# -- who gets Stays -----------------------------------------------------------


def test_a_collision_event_subscriber_gets_enter_stay_and_exit(
    bus: EventBus, world: CollisionWorld
) -> None:
    seen: list[str] = []
    bus.subscribe(CollisionEvent, lambda e: seen.append(type(e).__name__))
    a = world.add((0, 0, 10, 10))
    world.add((5, 5, 10, 10))
    world.update()
    world.update()
    a.position = (100, 100)
    world.update()
    assert seen == ["CollisionEnter", "CollisionStay", "CollisionExit"]


def test_an_event_subscriber_or_a_recording_alone_does_not_turn_stays_on(
    bus: EventBus, world: CollisionWorld
) -> None:
    world.add((0, 0, 10, 10))
    world.add((5, 5, 10, 10))
    bus.subscribe(Event, lambda e: None)
    with bus.recording() as trace:
        world.update()
        world.update()
    assert trace.types() == ["CollisionEnter"]


# -- on_error="raise" keeps Enter and Exit paired ------------------------------


def pairing_log(bus: EventBus) -> dict[tuple[int, int], list[str]]:
    """What a well-behaved listener, called before any other, sees per pair."""
    history: dict[tuple[int, int], list[str]] = {}

    def seen(event: CollisionEvent) -> None:
        if not isinstance(event, CollisionStay):
            history.setdefault((event.a.id, event.b.id), []).append(type(event).__name__[9:])

    bus.subscribe(CollisionEvent, seen, priority=100)
    return history


def two_pairs(world: CollisionWorld) -> list[Collider]:
    """Colliders 0, 1 overlap, and 2, 3, far from them."""
    return [world.add((x, y, 10, 10)) for x, y in ((0, 0), (5, 5), (50, 0), (55, 5))]


def test_under_raise_an_enter_not_delivered_comes_next_update_and_no_lone_exit(
    bus: EventBus, world: CollisionWorld
) -> None:
    history = pairing_log(bus)
    a, b, c, d = two_pairs(world)
    failing = bus.subscribe(CollisionEnter, lambda e: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        world.update()  # (a, b) raised: (c, d) was not delivered
    assert history == {(a.id, b.id): ["Enter"]}
    failing.cancel()
    world.update()  # (c, d) still overlaps: its Enter comes now
    assert history == {(a.id, b.id): ["Enter"], (c.id, d.id): ["Enter"]}
    for n, collider in enumerate((a, b, c, d)):
        collider.position = (200 + 100 * n, 0)
    world.update()
    assert history == {(a.id, b.id): ["Enter", "Exit"], (c.id, d.id): ["Enter", "Exit"]}


def test_under_raise_an_enter_not_delivered_for_a_pair_gone_since_owes_nothing(
    bus: EventBus, world: CollisionWorld
) -> None:
    history = pairing_log(bus)
    d = two_pairs(world)[3]
    failing = bus.subscribe(CollisionEnter, lambda e: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        world.update()
    failing.cancel()
    d.position = (300, 300)  # (c, d) ended before anyone saw it begin
    world.update()
    world.update()
    assert history == {(0, 1): ["Enter"]}


def test_under_raise_exits_not_delivered_come_first_in_the_next_update(
    bus: EventBus, world: CollisionWorld
) -> None:
    history = pairing_log(bus)
    a, _, c, _ = two_pairs(world)
    world.update()
    failing = bus.subscribe(CollisionExit, lambda e: 1 / 0)
    a.position = (500, 500)
    c.position = (600, 600)
    with pytest.raises(ZeroDivisionError):
        world.update()
    failing.cancel()
    assert history == {(0, 1): ["Enter", "Exit"], (2, 3): ["Enter"]}
    c.position = (50, 0)  # back in contact: the owed Exit still comes first
    world.update()
    assert history == {(0, 1): ["Enter", "Exit"], (2, 3): ["Enter", "Exit", "Enter"]}


def test_under_raise_exits_of_a_removal_not_delivered_come_in_the_next_update(
    bus: EventBus, world: CollisionWorld
) -> None:
    history = pairing_log(bus)
    hub = world.add((0, 0, 30, 30))
    world.add((5, 5, 5, 5))
    world.add((15, 15, 5, 5))
    world.update()
    failing = bus.subscribe(CollisionExit, lambda e: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        world.remove(hub)
    failing.cancel()
    assert history == {(0, 1): ["Enter", "Exit"], (0, 2): ["Enter"]}
    world.update()
    assert history == {(0, 1): ["Enter", "Exit"], (0, 2): ["Enter", "Exit"]}


@settings(max_examples=60)
@given(
    movers=st.lists(boxes, min_size=2, max_size=8),
    moves=st.lists(st.lists(st.tuples(coords, coords), min_size=8, max_size=8), max_size=8),
    fail_on=st.sets(st.integers(0, 60), max_size=10),
    mode=st.sampled_from(list(MODES) + list(SWITCHING)),
)
def test_under_raise_every_pair_alternates_enter_and_exit_and_ends_as_brute_force(
    movers: list[tuple[float, float, float, float]],
    moves: list[list[tuple[float, float]]],
    fail_on: set[int],
    mode: str,
) -> None:
    bus = EventBus(on_error="raise")
    world = CollisionWorld(bus)
    history = pairing_log(bus)
    calls = [0]

    def sometimes(event: CollisionEvent) -> None:
        calls[0] += 1
        if calls[0] in fail_on:
            raise ValueError("a failing listener")

    failing = bus.subscribe(CollisionEvent, sometimes)
    colliders = [world.add(box) for box in movers]
    with sweep_mode(mode):
        for step in [[], *moves]:
            for collider, (x, y) in zip(colliders, step, strict=False):
                collider.position = (x, y)
            with suppress(ValueError):
                world.update()
        failing.cancel()
        world.update()  # what was owed is delivered, what was forgotten found again
    touching = set()
    for pair, kinds in history.items():
        assert kinds[::2] == ["Enter"] * len(kinds[::2]), (pair, kinds)
        assert kinds[1::2] == ["Exit"] * len(kinds[1::2]), (pair, kinds)
        if kinds[-1] == "Enter":
            touching.add(pair)
    assert touching == brute_pairs(world)


# -- weak holding, async callbacks, threads ----------------------------------------


def test_layer_pair_helper_holds_a_partial_of_a_bound_method_weakly(
    bus: EventBus, world: CollisionWorld
) -> None:
    class Listener:
        def __init__(self) -> None:
            self.calls: list[tuple[str, int, int]] = []

        def touched(self, tag: str, a: Collider, b: Collider) -> None:
            self.calls.append((tag, a.id, b.id))

    listener = Listener()
    subscription = world.on_enter("default", "default", functools.partial(listener.touched, "t"))
    world.add((0, 0, 10, 10))
    world.add((5, 5, 10, 10))
    world.update()
    assert listener.calls == [("t", 0, 1)]
    assert "Listener.touched" in subscription.name
    del listener
    gc.collect()
    assert not subscription.active


def test_an_async_pair_callback_is_refused(world: CollisionWorld) -> None:
    async def touched(a: Collider, b: Collider) -> None:  # pragma: no cover - refused
        pass

    for on in (world.on_enter, world.on_exit, world.on_stay):
        with pytest.raises(TypeError, match="async function"):
            on("default", "default", touched)
    assert world.bus.subscription_count == 0


def test_a_pair_callback_owner_collected_on_another_thread_changes_nothing_there(
    bus: EventBus, world: CollisionWorld
) -> None:
    class Listener:
        def touched(self, a: Collider, b: Collider) -> None:  # pragma: no cover - gone
            raise AssertionError("called after its object was collected")

    box = [Listener()]
    subscription = world.on_enter("default", "default", box[0].touched)
    changes: list[int] = []
    original = bus._drop

    def spy(sub: Any) -> None:
        changes.append(threading.get_ident())
        original(sub)

    bus._drop = spy  # type: ignore[method-assign]
    worker = threading.Thread(target=box.clear)
    worker.start()
    worker.join()
    assert not subscription.active and changes == []  # flagged there, removed here
    world.add((0, 0, 10, 10))
    world.add((5, 5, 10, 10))
    world.update()
    bus.flush()
    assert changes == [threading.get_ident()]
    assert bus.subscription_count == 0


def test_a_raising_exit_callback_under_log_lets_the_other_exits_through(path: str) -> None:
    bus = EventBus(on_error="log")
    world = CollisionWorld(bus)
    history = pairing_log(bus)
    world.on_exit("default", "default", lambda a, b: 1 / 0)
    hub = world.add((0, 0, 30, 30))
    world.add((5, 5, 5, 5))
    world.add((15, 15, 5, 5))
    world.update()
    hub.position = (100, 100)
    world.update()
    assert history == {(0, 1): ["Enter", "Exit"], (0, 2): ["Enter", "Exit"]}
    assert bus.handler_errors == 2


# -- the layer-pair table ---------------------------------------------------------------


def table_world(bus: EventBus) -> CollisionWorld:
    return CollisionWorld(
        bus,
        layers=["wall", "player", "coin", "ghost"],
        pairs=[("player", "wall"), ("player", "coin")],
    )


def test_a_pair_callback_for_layers_the_table_never_pairs_is_an_error(bus: EventBus) -> None:
    world = table_world(bus)
    with pytest.raises(ValueError, match=r"on_enter\('coin', 'wall'\).*'coin' meets \['player'\]"):
        world.on_enter("coin", "wall", lambda a, b: None)
    with pytest.raises(ValueError, match=r"on_exit\('ghost', 'player'\).*'ghost' meets nothing"):
        world.on_exit("ghost", "player", lambda a, b: None)
    with pytest.raises(ValueError, match="on_stay"):
        world.on_stay("wall", "wall", lambda a, b: None)
    world.on_enter("coin", "player", lambda a, b: None)  # either order


def test_with_a_table_mask_none_means_the_tables_row(bus: EventBus) -> None:
    world = table_world(bus)
    player = world.add((0, 0, 10, 10), layer="player")
    wall = world.add((5, 0, 10, 10), layer="wall")
    world.add((0, 5, 10, 10), layer="ghost")  # overlaps both, meets neither
    assert player.mask == {"wall", "coin"}
    assert wall.mask == {"player"}
    with bus.recording() as trace:
        world.update()
    assert [(e.a, e.b) for e in trace.of(CollisionEnter)] == [(player, wall)]


def test_with_a_table_a_mask_naming_a_layer_it_never_meets_is_an_error(bus: EventBus) -> None:
    world = table_world(bus)
    world.add((0, 0, 1, 1), layer="player", mask=["wall"])  # narrower than the row: fine
    with pytest.raises(ValueError, match=r"never lets layer 'coin' meet \['wall'\]"):
        world.add((0, 0, 1, 1), layer="coin", mask=["player", "wall"])


def test_the_table_reads_back_and_declares_its_layers(bus: EventBus) -> None:
    world = CollisionWorld(bus, pairs=[("a", "b"), ("b", "b")])
    assert world.layers == ("a", "b")
    assert world.pairs == (("a", "b"), ("b", "b"))
    with pytest.raises(ValueError, match="unknown layer 'c'"):
        world.add((0, 0, 1, 1), layer="c")
    assert CollisionWorld(bus).pairs is None


def test_declare_comes_first_and_pairs_are_two_names(bus: EventBus) -> None:
    world = CollisionWorld(bus)
    world.add((0, 0, 1, 1), layer="x")
    with pytest.raises(RuntimeError, match="before any collider"):
        world.declare(["x"], [("x", "x")])
    with pytest.raises(TypeError, match="two layer names"):
        CollisionWorld(bus, pairs=["ab"])  # type: ignore[list-item]


def test_without_a_table_a_callback_that_can_never_fire_warns_at_the_first_update(
    bus: EventBus,
) -> None:
    world = CollisionWorld(bus)
    world.on_enter("player", "coin", lambda a, b: None)
    world.add((0, 0, 10, 10), layer="player", mask=["wall"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        world.update()  # no coin yet: nothing to say
    world.add((0, 0, 10, 10), layer="coin")
    with pytest.warns(LayerPairWarning, match=r"on_enter\('player', 'coin'\)"):
        world.update()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        world.update()  # once


def test_without_a_table_a_callback_that_can_fire_does_not_warn(bus: EventBus) -> None:
    world = CollisionWorld(bus)
    fired: list[object] = []
    world.on_enter("player", "coin", lambda a, b: fired.append(b))
    world.add((0, 0, 10, 10), layer="player", mask=["wall", "coin"])
    world.add((0, 0, 10, 10), layer="coin", mask=["player"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        world.update()
    assert len(fired) == 1


def test_obstacles_are_the_solids_move_stops_at(bus: EventBus) -> None:
    world = CollisionWorld(bus)
    mover = world.add((0, 0, 10, 10), layer="player", mask=["wall", "coin"])
    wall = world.add((100, 0, 10, 10), layer="wall")
    world.add((50, 0, 10, 10), layer="coin", trigger=True)  # passed through
    world.add((70, 0, 10, 10), layer="wall", mask=["npc"])  # does not see the player
    world.add((80, 0, 10, 10), layer="npc")  # not in the mover's mask
    far = world.add((900, 900, 10, 10), layer="wall")
    assert world.obstacles(mover) == [wall, far]
    world.remove(far)
    assert world.obstacles(mover) == [wall]
    with pytest.raises(KeyError, match="not in this world"):
        world.obstacles(far)


# -- set_positions / positions: the batch path equals the single one --------------

batch_steps = st.lists(
    st.lists(st.tuples(st.integers(0, 1000), coords, coords), max_size=14), max_size=5
)


@pytest.mark.parametrize("mode", [*MODES, *SWITCHING])
@given(items=st.lists(specs, min_size=1, max_size=40), steps=batch_steps)
def test_set_positions_equals_setting_each_position_and_pairs_equal_brute_force(
    items: list[tuple[tuple[float, float, float, float], str, frozenset[str] | None, bool]],
    steps: list[list[tuple[int, float, float]]],
    mode: str,
) -> None:
    """Two worlds get the same moves, one through set_positions, one collider at a time."""
    buses = {"batch": EventBus(on_error="raise"), "single": EventBus(on_error="raise")}
    worlds = {name: CollisionWorld(bus) for name, bus in buses.items()}
    live = {name: add_all(world, items) for name, world in worlds.items()}
    for step in [[], *steps]:
        # A collider may be named twice: the last position wins, as one at a time.
        picks = [pick % len(items) for pick, _, _ in step]
        xy = np.array([(x, y) for _, x, y in step], dtype=np.float64).reshape(-1, 2)
        worlds["batch"].set_positions([live["batch"][i] for i in picks], xy)
        for i, (x, y) in zip(picks, xy.tolist(), strict=True):
            live["single"][i].position = (x, y)
        traces = {}
        for name, world in worlds.items():
            with sweep_mode(mode), buses[name].recording() as trace:
                world.update()
            traces[name] = [(type(e), e.a.id, e.b.id) for e in trace]
        assert traces["batch"] == traces["single"]
        for name, world in worlds.items():
            positions = world.positions(live[name])
            assert positions.shape == (len(items), 2)
            assert positions.tolist() == [list(c.position) for c in live[name]]
        assert brute_pairs(worlds["batch"]) == brute_pairs(worlds["single"])
        assert worlds["batch"].positions(live["batch"]).tolist() == (
            worlds["single"].positions(live["single"]).tolist()
        )


def test_set_positions_takes_lists_ints_and_numpy_arrays_alike(bus: EventBus) -> None:
    world = CollisionWorld(bus)
    colliders = [world.add((0, 0, 10, 10)) for _ in range(3)]
    world.set_positions(colliders, [(1, 2), (3.5, 4), (5, 6)])
    assert [c.position for c in colliders] == [(1.0, 2.0), (3.5, 4.0), (5.0, 6.0)]
    world.set_positions(colliders, np.arange(6, dtype=np.int32).reshape(3, 2))
    assert [c.position for c in colliders] == [(0.0, 1.0), (2.0, 3.0), (4.0, 5.0)]
    world.set_positions(tuple(colliders[:2]), np.array([[7.0, 8.0], [9.0, 10.0]]))
    assert world.positions(colliders).tolist() == [[7, 8], [9, 10], [4, 5]]
    world.set_positions([], np.zeros((0, 2)))
    assert world.positions([]).shape == (0, 2)


def test_positions_is_a_copy_that_does_not_move_anything(bus: EventBus) -> None:
    world = CollisionWorld(bus)
    collider = world.add((1, 2, 10, 10))
    read = world.positions([collider])
    read[0] = (50, 50)
    assert collider.position == (1.0, 2.0)


@pytest.mark.parametrize(
    ("positions", "error", "message"),
    [
        ([(1, 2), (math.nan, 0)], ValueError, r"positions\[1\] is \(nan, 0.0\)"),
        ([(1, 2), (0, math.inf)], ValueError, r"must be finite: positions\[1\]"),
        ([(1, 2)], ValueError, r"shape \(2, 2\) for 2 colliders, not \(1, 2\)"),
        ([1, 2, 3, 4], ValueError, r"shape \(2, 2\) for 2 colliders, not \(4,\)"),
        ([(1, 2, 3), (4, 5, 6)], ValueError, r"not \(2, 3\)"),
        ([(1, 2), (3,)], ValueError, r"an \(N, 2\) array of numbers"),
        ([(1, 2), (0, 2e9)], ValueError, r"within ±1e\+09 pixels: positions\[1\]"),
        ([("a", "b"), ("c", "d")], TypeError, "must be numbers"),
        ([(True, False), (True, True)], TypeError, "must be numbers"),
    ],
)
def test_set_positions_rejects_bad_positions_and_moves_nothing(
    bus: EventBus, positions: object, error: type[Exception], message: str
) -> None:
    world = CollisionWorld(bus)
    colliders = [world.add((0, 0, 10, 10)), world.add((20, 0, 10, 10))]
    with pytest.raises(error, match=message):
        world.set_positions(colliders, positions)  # type: ignore[arg-type]
    assert [c.position for c in colliders] == [(0.0, 0.0), (20.0, 0.0)]


def test_set_positions_and_positions_name_a_collider_that_is_not_in_the_world(
    bus: EventBus,
) -> None:
    world = CollisionWorld(bus)
    other = CollisionWorld(bus).add((0, 0, 1, 1))
    kept, gone = world.add((0, 0, 10, 10)), world.add((20, 0, 10, 10))
    world.remove(gone)
    with pytest.raises(KeyError, match=r"colliders\[1\] .*#1.* was removed"):
        world.set_positions([kept, gone], [(1, 1), (2, 2)])
    with pytest.raises(KeyError, match=r"colliders\[0\] .* belongs to another world"):
        world.positions([other])
    with pytest.raises(TypeError, match="every item must be a Collider, not tuple"):
        world.set_positions([kept, (1, 2)], [(1, 1), (2, 2)])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="sequence of colliders, not Collider"):
        world.positions(kept)  # type: ignore[arg-type]
    assert kept.position == (0.0, 0.0)


def test_set_positions_follows_a_list_changed_in_place_and_a_removal(bus: EventBus) -> None:
    """The batch's slots are remembered between calls; a change to the list or the world
    must never move the wrong collider."""
    world = CollisionWorld(bus)
    a, b, c = (world.add((0, 0, 10, 10)) for _ in range(3))
    batch = [a, b]
    world.set_positions(batch, [(1, 1), (2, 2)])
    batch[1] = c  # the same list object, another collider
    world.set_positions(batch, [(3, 3), (4, 4)])
    assert [a.position, b.position, c.position] == [(3, 3), (2, 2), (4, 4)]
    world.remove(a)
    d = world.add((0, 0, 10, 10))  # takes a's slot
    with pytest.raises(KeyError, match="was removed"):
        world.set_positions(batch, [(5, 5), (6, 6)])
    world.set_positions((d, c), [(7, 7), (8, 8)])
    assert (d.position, c.position, b.position) == ((7, 7), (8, 8), (2, 2))
