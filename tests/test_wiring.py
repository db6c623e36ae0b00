"""The live wiring: the bus's tracing and subscription snapshot, edges, Mermaid, --wiring."""

from __future__ import annotations

import gc
import re
from collections import Counter
from dataclasses import dataclass

import pygame
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.app import App
from game.cli import main
from game.demo.overlays import Overlays
from game.engine.collisions import CollisionWorld
from game.engine.events import Event, EventBus
from game.engine.wiring import Edge, RecentlyFired, edges, qualified_name, to_mermaid
from game.widgets.chat_events import ChatSubmitted
from tests.app_driver import collect_a_coin, tap


@dataclass(frozen=True, slots=True)
class Ping(Event):
    n: int = 0


@dataclass(frozen=True, slots=True)
class Pong(Ping):
    pass


class Listener:
    def __init__(self) -> None:
        self.calls = 0

    def hear(self, event: Ping) -> None:
        self.calls += 1


def parse_mermaid(text: str) -> dict[tuple[str, str], int]:
    """``{(source label, handler label): count}`` of a flowchart from :func:`to_mermaid`."""
    labels = {
        node: label.replace("#lt;", "<").replace("#gt;", ">").replace("#quot;", '"')
        for node, label in re.findall(r'^\s+(\w+)\["([^"]*)"\]$', text, re.MULTILINE)
    }
    links = re.findall(r"^\s+(\w+) -->\|(\d+)\| (\w+)$", text, re.MULTILINE)
    return {(labels[a], labels[b]): int(n) for a, n, b in links}


# -- the bus: snapshot and tracing -----------------------------------------------------


def test_all_subscriptions_lists_the_active_ones_in_subscription_order(bus: EventBus) -> None:
    first = bus.subscribe(Pong, print)
    second = bus.subscribe(Ping, repr, priority=5)
    third = bus.subscribe(Event, str)
    second.cancel()
    assert bus.all_subscriptions() == (first, third)


def test_a_bus_that_is_not_tracing_counts_nothing_and_keeps_nothing(bus: EventBus) -> None:
    sub = bus.subscribe(Ping, lambda e: None)
    bus.publish(Ping())
    assert (sub.delivered, bus.recent_deliveries(), bus.tracing) == (0, [], False)


def test_tracing_counts_what_was_delivered_not_what_was_stopped_or_cancelled(
    bus: EventBus,
) -> None:
    bus.start_tracing()
    listener = Listener()
    stopper = bus.subscribe(Ping, lambda e: e.n == 1, priority=10)  # True stops n == 1
    weak = bus.subscribe(Ping, listener.hear)
    once = bus.subscribe(Ping, lambda e: None, once=True)
    for n in range(4):
        bus.publish(Ping(n))
    assert (stopper.delivered, weak.delivered, once.delivered) == (4, 3, 1)
    assert weak.delivered == listener.calls


def test_recent_deliveries_keep_the_newest_and_skip_quiet_classes(bus: EventBus) -> None:
    bus.start_tracing(3, quiet=(Pong,))
    sub = bus.subscribe(Ping, lambda e: None)
    for n in range(5):
        bus.publish(Ping(n))
    bus.publish(Pong(9))  # counted, not kept
    assert [d.event.n for d in bus.recent_deliveries()] == [2, 3, 4]
    assert all(d.subscription is sub for d in bus.recent_deliveries())
    assert sub.delivered == 6


def test_stop_tracing_keeps_the_counts_and_counts_no_more(bus: EventBus) -> None:
    bus.start_tracing()
    sub = bus.subscribe(Ping, lambda e: None)
    bus.publish(Ping())
    bus.stop_tracing()
    bus.publish(Ping())
    assert (sub.delivered, bus.tracing) == (1, False)


def test_start_tracing_names_a_bad_argument(bus: EventBus) -> None:
    with pytest.raises(ValueError, match="capacity"):
        bus.start_tracing(0)
    with pytest.raises(TypeError, match="quiet"):
        bus.start_tracing(quiet=("FixedUpdate",))  # type: ignore[arg-type]


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.booleans(), st.integers(-1, 1)), min_size=1, max_size=6
    ),
    st.lists(st.integers(0, 2), max_size=30),
)
def test_delivered_counts_equal_the_calls_each_handler_saw(
    handlers: list[tuple[int, bool, int]], events: list[int]
) -> None:
    """Brute force as oracle: every handler counts its own calls."""
    bus = EventBus(on_error="raise")
    bus.start_tracing(8)
    calls: Counter[int] = Counter()
    subs = []
    for index, (stop_at, once, priority) in enumerate(handlers):

        def handler(event: Ping, index: int = index, stop_at: int = stop_at) -> bool:
            calls[index] += 1
            return event.n == stop_at

        subs.append(bus.subscribe(Ping, handler, once=once, priority=priority))
    for n in events:
        bus.publish(Ping(n))
    assert [s.delivered for s in subs] == [calls[i] for i in range(len(handlers))]
    assert len(bus.recent_deliveries()) == min(8, sum(calls.values()))


def test_a_bound_method_stays_weak_while_traced(bus: EventBus) -> None:
    bus.start_tracing()
    listener = Listener()
    bus.subscribe(Ping, listener.hear)
    bus.publish(Ping())
    bus.recent_deliveries().clear()
    del listener
    gc.collect()
    bus.publish(Ping())
    assert edges(bus) == []


# -- edges and Mermaid ------------------------------------------------------------------


def test_edges_name_handlers_and_layer_pairs(bus: EventBus) -> None:
    bus.start_tracing()
    world = CollisionWorld(bus)
    listener = Listener()
    bus.subscribe(Ping, listener.hear)
    world.on_enter("player", "coin", lambda p, c: None)
    world.add((0, 0, 10, 10), layer="player")
    world.add((5, 5, 10, 10), layer="coin")
    world.add((5, 5, 10, 10), layer="wall")  # player/wall: delivered, but not a coin pair
    world.update()
    bus.publish(Ping())
    found = {(e.source, e.handler): e.delivered for e in edges(bus)}
    assert found == {
        ("Ping", "Listener.hear"): 1,
        (
            "CollisionEnter(player, coin)",
            "test_edges_name_handlers_and_layer_pairs.<locals>.<lambda>",
        ): 1,
    }


def test_mermaid_lists_every_edge_with_its_count_and_escapes_labels() -> None:
    wiring = [
        Edge("ChatSubmitted", "Conversations.say", 3, 0, 1),
        Edge("Event", "f.<locals>.<lambda>", 7, 0, 2),
        Edge("Event", "Conversations.say", 0, 0, 3),
    ]
    text = to_mermaid(wiring, hot={2})
    assert text.startswith("flowchart LR\n")
    assert "#lt;lambda#gt;" in text
    assert parse_mermaid(text) == {
        ("ChatSubmitted", "Conversations.say"): 3,
        ("Event", "f.<locals>.<lambda>"): 7,
        ("Event", "Conversations.say"): 0,
    }
    assert "linkStyle 1 stroke" in text


def test_qualified_name_of_methods_functions_and_callable_objects() -> None:
    assert qualified_name(Listener().hear) == "Listener.hear"
    assert qualified_name(parse_mermaid) == "parse_mermaid"
    assert qualified_name(Listener()) == "Listener"


# -- the game ---------------------------------------------------------------------------


def test_a_new_subscription_appears_in_the_games_wiring_with_its_count(app: App) -> None:
    heard: list[str] = []

    def overhear(event: ChatSubmitted) -> None:
        heard.append(event.text)

    before = parse_mermaid(to_mermaid(edges(app.bus)))
    assert ("ChatSubmitted", "Conversations.say") in before
    assert not any(handler.endswith("overhear") for _, handler in before)
    app.bus.subscribe(ChatSubmitted, overhear)
    for event in (
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0),
        pygame.event.Event(pygame.KEYUP, key=pygame.K_RETURN, mod=0),
        pygame.event.Event(pygame.TEXTINPUT, text="hi"),
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0),
    ):
        app.post(event)
        app.run_ticks(1)
    after = parse_mermaid(to_mermaid(edges(app.bus)))
    name = "test_a_new_subscription_appears_in_the_games_wiring_with_its_count.<locals>.overhear"
    assert heard == ["hi"]
    assert after[("ChatSubmitted", name)] == 1
    assert after[("ChatSubmitted", "Conversations.say")] == 1


def test_wiring_flag_prints_mermaid_with_the_coin_and_say_edges(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--wiring", "--seconds", "20", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    wiring = parse_mermaid(out)
    assert out.startswith("flowchart LR\n")
    assert wiring[("CollisionEnter(player, coin)", "Coins.collect")] >= 1
    assert ("ChatSubmitted", "Conversations.say") in wiring
    assert wiring[("FixedUpdate", "PlayerCharacter.move")] == 1200


# -- recently fired, and the F4 overlay ---------------------------------------------------


def test_recently_fired_marks_edges_whose_count_grew_for_one_window() -> None:
    recent = RecentlyFired(window=1.0)
    a, b = Edge("Ping", "f", 0, 0, 1), Edge("Ping", "g", 5, 0, 2)
    assert recent.update([a, b], now=0.0) == set()  # first sight: when it fired is unknown
    fired = Edge("Ping", "f", 1, 0, 1)
    assert recent.update([fired, b], now=0.5) == {1}
    assert recent.update([fired, b], now=1.4) == {1}
    assert recent.update([fired, b], now=1.5) == set()
    assert recent.update([b], now=1.6) == set()  # a cancelled edge is forgotten
    with pytest.raises(ValueError, match="window"):
        RecentlyFired(window=0)


def test_f4_shows_the_wiring_and_highlights_the_coin_edge_for_a_second(
    game: App,
) -> None:
    overlay = game.scene.mechanic(Overlays).wiring
    now = [100.0]
    overlay.clock = lambda: now[0]
    game.render_enabled = True
    tap(game, pygame.K_F4)
    assert overlay.visible
    collect_a_coin(game)
    coin_edge = next(e for e in overlay.shown if e.handler == "Coins.collect")
    assert coin_edge.source == "CollisionEnter(player, coin)"
    assert coin_edge.delivered == 1
    assert coin_edge.key in overlay.hot
    assert next(e for e in overlay.shown if e.handler == "PlayerCharacter.move").key in overlay.hot
    now[0] += 1.0
    game.run_ticks(1)
    assert coin_edge.key not in overlay.hot
    tap(game, pygame.K_F4)
    assert not overlay.visible


def test_f4_works_under_the_pause_panel(game: App) -> None:
    overlay = game.scene.mechanic(Overlays).wiring
    tap(game, pygame.K_p)
    assert game.loop.paused
    tap(game, pygame.K_F4)
    assert overlay.visible


@pytest.mark.parametrize("extra", [["--chat"], ["--replay", "x.cqr"]])
def test_wiring_refuses_modes_that_run_no_game(
    extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--wiring", *extra])
    assert stopped.value.code == 2
    assert "--wiring" in capsys.readouterr().err


def test_wiring_runs_ten_seconds_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--wiring"]) == 0
    wiring = parse_mermaid(capsys.readouterr().out)
    assert wiring[("FixedUpdate", "PlayerCharacter.move")] == 600


@pytest.mark.parametrize("flag", ["--json", "--no-render", "--autoplay", "--mute"])
def test_wiring_refuses_flags_that_do_not_apply(
    flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--wiring", flag]) == 2
    assert f"{flag} does not apply to --wiring" in capsys.readouterr().err


def test_the_overlay_fills_columns_without_splitting_an_event_types_group() -> None:
    from game.widgets.wiring_view import _columns

    shown = [Edge(f"E{n // 3}", f"h{n}", 0, 0, n) for n in range(44)]  # groups of 3
    columns = _columns(shown, fits=27)
    assert len(columns) == 2
    assert [e for column in columns for e in column] == shown
    assert all(len(column) <= 27 for column in columns)
    starts = [column[0].source for column in columns]
    assert all(column[0].key % 3 == 0 for column in columns), starts
    assert _columns(shown[:10], fits=27) == [shown[:10]]
