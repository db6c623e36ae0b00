"""The stress scene: its contacts equal brute force, it is deterministic, N changes live,
and ``--stress N --headless --json`` reports frame times."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pygame
import pytest

from game.app import App
from game.cli import main
from game.engine.collisions import Box, Collider, CollisionEnter, CollisionEvent, CollisionExit
from game.engine.loop import FixedUpdate
from game.stress import StressScene, stress_scene
from game.stress.run import percentile


@pytest.fixture
def stress() -> Iterator[App]:
    app = App(stress_scene(400), headless=True, seed=5)
    yield app
    app.close()


def scene_of(app: App) -> StressScene:
    assert isinstance(app.scene, StressScene)
    return app.scene


def overlap(r: Box, s: Box) -> bool:
    if min(r.w, r.h, s.w, s.h) <= 0:
        return False
    return r.x < s.x + s.w and s.x < r.x + r.w and r.y < s.y + s.h and s.y < r.y + r.h


def brute_pairs(boxes: dict[Collider, Box], table: set[frozenset[str]]) -> set[tuple[int, int]]:
    items = sorted(boxes.items(), key=lambda item: item[0].id)
    return {
        (a.id, b.id)
        for n, (a, ra) in enumerate(items)
        for b, rb in items[n + 1 :]
        if frozenset((a.layer, b.layer)) in table and overlap(ra, rb)
    }


def test_the_contacts_equal_brute_force_every_tick(stress: App) -> None:
    """Enter/Exit events keep a contact set; at each update it equals brute force over the
    boxes as they were when the update ran (callbacks may move things afterwards)."""
    world = stress.world
    table = {frozenset(pair) for pair in world.pairs or ()}
    touching: set[tuple[int, int]] = set()
    snapshot: dict[Collider, Box] = {}

    def track(event: CollisionEvent) -> None:
        pair = (event.a.id, event.b.id)
        if isinstance(event, CollisionEnter):
            assert pair not in touching
            touching.add(pair)
        elif isinstance(event, CollisionExit):
            touching.discard(pair)

    def take_snapshot(_event: FixedUpdate) -> None:
        snapshot.clear()
        snapshot.update((c, c.rect) for c in world)

    stress.bus.subscribe(CollisionEvent, track)
    stress.bus.subscribe(FixedUpdate, take_snapshot, priority=-1)  # after the scene moved all
    scene = scene_of(stress)
    for _ in range(90):
        stress.run_ticks(1)
        assert touching == brute_pairs(snapshot, table)
    # Everything the scene does happened along the way.
    assert scene.bounces and scene.paints
    assert touching


def test_splits_despawns_and_respawns_happen_and_keep_the_contacts_right() -> None:
    """A crowded pool (many blobs hit, balls fall in holes) over 4 s of game time."""
    app = App(stress_scene(3000), headless=True, seed=2, render=False)
    try:
        app.run_ticks(240)
        scene = scene_of(app)
        assert scene.splits > 0 and scene.despawns > 0 and scene.respawns > 0
        # Despawned entities keep an empty box: never in a contact.
        for i in range(scene.n):
            collider = scene.colliders[i]
            assert (collider.rect.w > 0) == bool(scene.active[i])
        assert app.bus.handler_errors == 0
    finally:
        app.close()


def test_same_seed_same_state_hash_and_another_seed_another() -> None:
    hashes = []
    for seed in (11, 11, 12):
        app = App(stress_scene(300), headless=True, seed=seed)
        try:
            app.run_ticks(120)
            hashes.append(app.state_hash())
        finally:
            app.close()
    assert hashes[0] == hashes[1] != hashes[2]


def test_plus_and_minus_change_n_live_and_f3_shows_the_overlay(stress: App) -> None:
    scene = scene_of(stress)
    for key in (pygame.K_PLUS, pygame.K_PLUS, pygame.K_MINUS):
        stress.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
        stress.run_ticks(1)
    assert scene.n == 500
    assert len(scene.pos) == len(scene.sprites) == 500
    stress.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F3, mod=0, unicode="", scancode=0))
    stress.run_ticks(1)
    assert scene.overlay
    panel = pygame.Rect(6, 6, 360, 68)
    shown = pygame.image.tobytes(stress.screen.subsurface(panel), "RGB")
    scene.overlay = False
    stress.render()  # the same state, drawn again without the overlay
    assert pygame.image.tobytes(stress.screen.subsurface(panel), "RGB") != shown


def test_the_pool_never_goes_below_one_entity(stress: App) -> None:
    scene = scene_of(stress)
    scene.resize(0)
    assert scene.n == 1
    stress.run_ticks(5)
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        stress_scene(0)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 100) == 100.0
    assert percentile([3.0], 99) == 3.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_cli_stress_headless_json_reports_frame_times_and_the_phase_split(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--stress", "200", "--headless", "--seconds", "0.5", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n"] == 200
    assert summary["frames"] == summary["ticks"] == 30
    assert 0 < summary["p50"] <= summary["p95"] <= summary["p99"] <= summary["max"]
    assert set(summary["phases"]) == {
        "input", "timers", "update", "collisions", "flush", "render"
    }  # fmt: skip
    assert summary["events_delivered"] == sum(summary["events"].values()) > 30
    assert set(summary["cpu"]) == {"p50", "p95", "p99", "max"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--stress", "0", "--headless"], "between 1 and 1,000,000"),
        (["--stress", "ten", "--headless"], "must be a whole number between 1 and 1,000,000"),
    ],
)
def test_cli_refuses_a_bad_n(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_refuses_flags_that_mean_nothing_to_the_stress_scene(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--stress", "10", "--headless", "--autoplay"]) == 2
    assert "--autoplay does not apply to --stress" in capsys.readouterr().err


def test_bounces_applied_together_equal_one_swap_per_contact_in_order(stress: App) -> None:
    """The batched swap of a tick's bounces is the sequential swaps, chains included."""
    scene = scene_of(stress)
    rng = np.random.default_rng(4)
    for _ in range(20):
        pairs = [tuple(rng.choice(12, 2, replace=False).tolist()) for _ in range(15)]
        vel = rng.uniform(-1, 1, (12, 2))
        expected = vel.copy()
        for i, j in pairs:
            expected[[i, j]] = expected[[j, i]]
        scene._bouncing = [k for pair in pairs for k in pair]
        scene._bounce(vel)
        assert vel.tolist() == expected.tolist()
        assert scene._bouncing == []
