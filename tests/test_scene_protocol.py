"""App runs any scene: the Scene protocol, the factory, and the Mechanic base."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping

import pygame
import pytest

from game.app import App
from game.demo.scene import DemoScene
from game.engine.events import Event
from game.engine.loop import FixedUpdate
from game.scene import Bot, DrawLayer, Mechanic, Post, SceneContext, paint_in_order


class Counter:
    """A scene that counts fixed steps and paints the screen one colour."""

    def __init__(self, context: SceneContext) -> None:
        self.context = context
        self.steps = 0
        self.closed = False
        self.subscription = context.bus.subscribe(FixedUpdate, self.count)

    def count(self, _event: FixedUpdate) -> None:
        self.steps += 1

    def render(self, surface: pygame.Surface, alpha: float) -> None:
        surface.fill((10, 20, 30))

    def state(self) -> Mapping[str, object]:
        return {"steps": self.steps}

    def summary(self) -> Mapping[str, object]:
        return {"steps": self.steps}

    def text_entry_active(self) -> bool:
        return False

    def make_bot(self, post: Post, rng: random.Random) -> Bot | None:
        return None

    def close(self) -> None:
        self.closed = True
        self.subscription.cancel()


def test_app_runs_a_scene_from_any_factory() -> None:
    app = App(Counter, headless=True, seed=3, autoplay=True)
    try:
        scene = app.scene
        assert isinstance(scene, Counter)
        assert app.run_ticks(30) == 30
        assert scene.steps == 30
        summary = app.summary()
        assert summary["steps"] == 30 and "score" not in summary
        assert app.autoplay is None  # this scene has no bot
        assert app.screen.get_at((5, 5))[:3] == (10, 20, 30)
    finally:
        app.close()
    assert scene.closed


def test_the_state_hash_covers_the_scenes_parts() -> None:
    one, other = App(Counter, headless=True), App(Counter, headless=True)
    try:
        one.run_ticks(5)
        other.run_ticks(5)
        assert one.state_hash() == other.state_hash()
        other.scene.steps += 1  # type: ignore[attr-defined]
        assert one.state_hash() != other.state_hash()
    finally:
        one.close()
        other.close()


def test_the_brain_option_belongs_to_the_demo_only() -> None:
    with pytest.raises(ValueError, match="brain='fake-llm'"):
        App(Counter, headless=True, brain="fake-llm")


def test_the_demo_is_a_scene_factory_too() -> None:
    app = App(DemoScene, headless=True, seed=1)
    try:
        reference = App(headless=True, seed=1)
        try:
            app.run_ticks(20)
            reference.run_ticks(20)
            assert app.state_hash() == reference.state_hash()
        finally:
            reference.close()
    finally:
        app.close()


class Lamp(Mechanic):
    """A mechanic that registers one of everything."""

    def __init__(self, context: SceneContext) -> None:
        super().__init__(context)
        self.seen: list[Event] = []
        self.on(FixedUpdate, self.seen.append)
        self.box = self.add_collider((0, 0, 10, 10), layer="lamp")
        self.tick = self.every(0.5, lambda: None, name="lamp")
        self.draws(DrawLayer.SKY, lambda surface, alpha: None)


@pytest.fixture
def bare() -> Iterator[App]:
    """An app running the counting scene: a world with no declared layers."""
    instance = App(Counter, headless=True)
    yield instance
    instance.close()


def test_closing_a_mechanic_lets_go_of_everything_it_registered(bare: App) -> None:
    app = bare
    lamp = Lamp(app.scene.context)  # type: ignore[attr-defined]
    subscriptions = app.bus.subscription_count
    colliders = len(app.world)
    app.run_ticks(1)
    assert len(lamp.seen) == 1
    lamp.close()
    lamp.close()  # idempotent
    app.run_ticks(1)
    assert len(lamp.seen) == 1
    assert app.bus.subscription_count == subscriptions - 1
    assert len(app.world) == colliders - 1 and not lamp.box.alive
    assert not lamp.tick.active
    assert lamp.painters == []


def test_painters_run_by_layer_then_mechanic_then_order_added(bare: App) -> None:
    app = bare
    drawn: list[str] = []
    first, second = Lamp(app.scene.context), Lamp(app.scene.context)  # type: ignore[attr-defined]
    first.painters.clear()
    second.painters.clear()
    second.draws(DrawLayer.GROUND, lambda s, a: drawn.append("second ground"))
    first.draws(DrawLayer.HUD, lambda s, a: drawn.append("first hud"))
    first.draws(DrawLayer.GROUND, lambda s, a: drawn.append("first ground"))
    first.draws(DrawLayer.GROUND, lambda s, a: drawn.append("first ground again"))
    for painter in paint_in_order([first, second]):
        painter(app.screen, 0.0)
    assert drawn == ["first ground", "first ground again", "second ground", "first hud"]


def test_closing_the_demo_lets_go_of_every_collider_subscription_and_timer(bare: App) -> None:
    app = App(headless=True, seed=1, autoplay=True, render=False)
    try:
        app.run_ticks(20 * 60)  # coins collected, greetings said: timers running
        assert app.timers.active_count > 0
        app.scene.close()
        bare.scene.close()
        assert len(app.world) == 0
        assert app.timers.active_count == 0
        assert app.bus.subscription_count == bare.bus.subscription_count  # the App's own
    finally:
        app.close()
