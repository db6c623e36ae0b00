"""The debug overlay observes only while visible and counts events per second."""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from game.engine.events import Event, EventBus
from game.engine.loop import FixedStepLoop
from game.widgets.debug import DebugOverlay


@dataclass(frozen=True, slots=True)
class Ping(Event):
    n: int = 0


def test_overlay_counts_events_per_second_and_keeps_the_last_ten() -> None:
    bus = EventBus(on_error="raise")
    loop = FixedStepLoop(bus, step=1 / 60)
    overlay = DebugOverlay(bus, lambda: {"tick": loop.tick})
    assert bus.subscription_count == 0
    overlay.toggle()
    for n in range(120):
        bus.publish(Ping(n))
        loop.step_once()
    assert overlay.per_second["FixedUpdate"] == 60
    assert overlay.per_second["Ping"] == 60
    assert len(overlay.last_events) == 10
    assert "Ping(n=119)" in overlay.last_events[-1]
    overlay.toggle()
    assert bus.subscription_count == 0
    assert not overlay.per_second


def test_overlay_draws_when_visible() -> None:
    pygame.font.init()
    bus = EventBus()
    overlay = DebugOverlay(bus, lambda: {"fps": 60, "alpha": "0.25"})
    surface = pygame.Surface((960, 540))
    overlay.draw(surface)
    assert surface.get_at((20, 50))[:3] == (0, 0, 0)
    overlay.toggle()
    bus.publish(Ping())
    overlay.draw(surface)
    assert surface.get_at((20, 50))[:3] != (0, 0, 0)
