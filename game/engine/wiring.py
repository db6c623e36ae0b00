"""Who reacts to what: the live wiring of an :class:`~game.engine.events.EventBus`.

Read from the running bus, not from a hand-kept list: every active
subscription becomes an :class:`Edge` from an event class to a handler (by
qualified name), with the number of events delivered to it while the bus was
tracing (:meth:`EventBus.start_tracing`). A collision world's layer-pair
callbacks (``world.on_enter("player", "coin", ...)``) are one bus subscription
each that filters by layers; they are shown as the pair they listen for,
``CollisionEnter(player, coin)``, going to the callback the game gave, with
the number of matching pairs it was called for.

:func:`to_mermaid` prints the edges as a Mermaid flowchart
(``python -m game --wiring``); the F4 overlay draws the same edges in the
window. Pure Python, no pygame.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

from game.engine.events import EventBus, Subscription

__all__ = [
    "Edge",
    "LayerPairFilter",
    "RecentlyFired",
    "edge_of",
    "edges",
    "handler_name",
    "layer_pair",
    "qualified_name",
    "to_mermaid",
]


class LayerPairFilter(Protocol):
    """What a collision world's layer-pair handler tells about itself."""

    @property
    def layers(self) -> tuple[str, str]:
        """The two layers, in the order the callback receives their colliders."""
        ...

    @property
    def callback(self) -> object:
        """The callback the game registered."""
        ...

    @property
    def calls(self) -> int:
        """How many matching pairs it was called for."""
        ...


@dataclass(frozen=True, slots=True)
class Edge:
    """One subscription: ``source`` events go to ``handler``.

    ``source`` is an event class name (``"ChatSubmitted"``), or for a layer-pair
    callback the class with its layers (``"CollisionEnter(player, coin)"``).
    ``handler`` is the callback's qualified name (``"DemoScene.say"``).
    ``delivered`` counts the events it received while the bus was tracing.
    ``key`` identifies the subscription while it lives (its subscription order).
    """

    source: str
    handler: str
    delivered: int
    priority: int
    key: int


def qualified_name(fn: object) -> str:
    """``Class.method`` or ``function`` (a lambda: ``outer.<locals>.<lambda>``)."""
    func = getattr(fn, "__func__", fn)
    name = getattr(func, "__qualname__", None)
    return name if isinstance(name, str) else type(fn).__qualname__


def layer_pair(handler: object) -> LayerPairFilter | None:
    """``handler`` if it is a collision world's layer-pair filter, else ``None``."""
    layers = getattr(handler, "layers", None)
    if isinstance(layers, tuple) and hasattr(handler, "callback") and hasattr(handler, "calls"):
        return handler  # type: ignore[return-value]  # it has the three attributes
    return None


def edge_of(sub: Subscription) -> Edge | None:
    """The edge of one subscription, or ``None`` if its handler's owner is gone."""
    handler = sub.handler
    if handler is None:
        return None
    kind = sub.event_type.__name__
    pair = layer_pair(handler)
    if pair is not None:
        first, second = pair.layers
        source, delivered = f"{kind}({first}, {second})", pair.calls
    else:
        source, delivered = kind, sub.delivered
    return Edge(source, handler_name(handler), delivered, sub.priority, sub.seq)


def handler_name(handler: object) -> str:
    """The qualified name of a handler; of the game's callback for a layer-pair filter."""
    pair = layer_pair(handler)
    return qualified_name(pair.callback if pair is not None else handler)


def edges(bus: EventBus) -> list[Edge]:
    """Every live subscription of ``bus`` as an edge, grouped by source in call order."""
    found = [e for e in map(edge_of, bus.all_subscriptions()) if e is not None]
    found.sort(key=lambda e: (e.source, -e.priority, e.key))
    return found


def to_mermaid(wiring: Iterable[Edge], *, hot: Collection[int] = ()) -> str:
    """A Mermaid flowchart: event classes on the left, handlers on the right.

    Each edge is labelled with its delivered count; edges whose ``key`` is in
    ``hot`` are drawn thick and red (the window highlights what fired in the
    last second the same way).
    """
    wiring = list(wiring)
    sources = list(dict.fromkeys(e.source for e in wiring))
    handlers = list(dict.fromkeys(e.handler for e in wiring))
    source_id = {name: f"E{i}" for i, name in enumerate(sources)}
    handler_id = {name: f"H{i}" for i, name in enumerate(handlers)}
    out = [
        "flowchart LR",
        "  %% Callback Quest: who reacts to what, read from the live bus subscriptions.",
        "  %% Edge labels: events delivered so far.",
        "  subgraph events [events]",
        *(f'    {source_id[name]}["{_label(name)}"]' for name in sources),
        "  end",
        "  subgraph handlers [handlers]",
        *(f'    {handler_id[name]}["{_label(name)}"]' for name in handlers),
        "  end",
    ]
    hot_links = []
    for index, edge in enumerate(wiring):
        out.append(f"  {source_id[edge.source]} -->|{edge.delivered}| {handler_id[edge.handler]}")
        if edge.key in hot:
            hot_links.append(str(index))
    if hot_links:
        out.append(f"  linkStyle {','.join(hot_links)} stroke:#d33,stroke-width:3px")
    return "\n".join(out) + "\n"


class RecentlyFired:
    """Which edges delivered an event within the last ``window`` seconds.

    Feed it the edges now and then with the current time (:meth:`update`); an
    edge whose count grew since the previous update fired at that time. An
    edge seen for the first time is not counted as firing: when it delivered
    its events is unknown. Times are whatever clock the caller uses (the
    window overlay: seconds of wall time).
    """

    def __init__(self, window: float = 1.0) -> None:
        if not window > 0:
            raise ValueError(f"window must be a positive number of seconds, not {window!r}")
        self.window = window
        self._counts: dict[int, int] = {}
        self._fired_at: dict[int, float] = {}

    def update(self, wiring: Iterable[Edge], now: float) -> set[int]:
        """Note the counts of ``wiring`` at ``now``; return the keys of the edges still hot."""
        counts = {}
        for edge in wiring:
            before = self._counts.get(edge.key)
            if before is not None and edge.delivered > before:
                self._fired_at[edge.key] = now
            counts[edge.key] = edge.delivered
        self._counts = counts  # edges that are gone are forgotten
        self._fired_at = {
            k: t for k, t in self._fired_at.items() if k in counts and now - t < self.window
        }
        return set(self._fired_at)


def _label(text: str) -> str:
    # Mermaid reads quotes and angle brackets in labels as markup: entity codes.
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
