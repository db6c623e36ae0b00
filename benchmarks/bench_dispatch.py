"""Dispatch: ns per event for ``EventBus.publish`` against the floor and the field.

Every variant delivers one event to the same handlers: bound methods of live
objects (the realistic case: our bus, pyglet, blinker and psygnal all hold
them weakly) that each do a trivial piece of work. Each variant is a callable
taking the event, timed by the same loop, so a figure is "calling it from a
loop": the floor pays that too.

* ``plain loop (floor)``: ``for h in handlers: h(event)`` over a tuple of bound
  methods held strongly. Nothing can be faster in Python; ratios are against it.
* ``dict by type + loop``: the same after looking the tuple up by ``type(event)``.
* ``EventBus.publish``: ours, with every contract (priorities, base classes,
  weak references, once, cancellation, error policy, depth limit, recording).
* ``EventBus.publish, tracing``: ours after ``start_tracing()`` (what the game
  runs with: per-subscription counts and the recent deliveries, for the
  wiring view and the guide's "what just happened?").
* ``pyglet dispatch_event``, ``blinker send``, ``psygnal emit``: the field.

Run alone: ``python -m benchmarks.bench_dispatch [--quick]``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.harness import (
    Result,
    calibrate,
    interleaved,
    main,
    missing_reason,
    optional,
    paired_ratio,
    per_call,
    skipped,
    summarize,
)
from game.engine.events import Event, EventBus

FLOOR = "plain loop (floor)"
DICT = "dict by type + loop"
OURS = "EventBus.publish"
TRACED = "EventBus.publish, tracing"
PYGLET = "pyglet dispatch_event"
BLINKER = "blinker send"
PSYGNAL = "psygnal emit"

#: ns per event for ``EventBus.publish``, by number of handlers (issue 10).
TARGET_NS = {1: 150.0, 10: 450.0}
#: How many times slower than ours each library should be, at least.
TARGET_SPEEDUP = {PYGLET: 4.0, BLINKER: 8.0, PSYGNAL: 8.0}


@dataclass(frozen=True, slots=True)
class Ping(Event):
    """The event every variant delivers."""

    n: int = 0


class Listener:
    """A live object whose bound method is the handler; it counts its calls."""

    def __init__(self) -> None:
        self.count = 0

    def handle(self, event: object) -> None:
        self.count += 1


def _pyglet_dispatcher(pyglet: Any, listeners: list[Listener]) -> Callable[[Ping], object]:
    pyglet.options["headless"] = True  # never opens a window; set before other imports
    from pyglet.event import EventDispatcher

    class Dispatcher(EventDispatcher):
        pass

    Dispatcher.register_event_type("on_ping")
    dispatcher = Dispatcher()
    for listener in listeners:
        # One frame per handler: each is called in turn until one returns True.
        dispatcher.push_handlers(on_ping=listener.handle)
    return functools.partial(dispatcher.dispatch_event, "on_ping")


def _blinker_signal(blinker: Any, listeners: list[Listener]) -> Callable[[Ping], object]:
    signal = blinker.Signal()
    for listener in listeners:
        signal.connect(listener.handle)  # weak by default; called as handle(sender)
    send: Callable[[Ping], object] = signal.send
    return send


def _psygnal_signal(psygnal: Any, listeners: list[Listener]) -> Callable[[Ping], object]:
    signal = psygnal.SignalInstance((object,))
    for listener in listeners:
        signal.connect(listener.handle)  # bound methods are held weakly
    emit: Callable[[Ping], object] = signal.emit
    return emit


def _variants(count: int) -> tuple[dict[str, Callable[[Ping], object]], list[Result], list[Any]]:
    """The dispatch callables for ``count`` handlers, rows for skipped libraries,
    and the objects that must stay alive while they are measured."""
    case = _case(count)
    listeners = [Listener() for _ in range(count)]
    handlers = tuple(listener.handle for listener in listeners)
    by_type: dict[type, tuple[Callable[[object], None], ...]] = {Ping: handlers}

    def plain_loop(event: Ping) -> None:
        for handler in handlers:
            handler(event)

    def dict_loop(event: Ping) -> None:
        for handler in by_type[type(event)]:
            handler(event)

    bus = EventBus(on_error="raise")
    traced = EventBus(on_error="raise")
    traced.start_tracing()
    for listener in listeners:
        bus.subscribe(Ping, listener.handle)
        traced.subscribe(Ping, listener.handle)

    variants: dict[str, Callable[[Ping], object]] = {
        FLOOR: plain_loop,
        DICT: dict_loop,
        OURS: bus.publish,
        TRACED: traced.publish,
    }
    skips: list[Result] = []
    for name, module, build in (
        (PYGLET, "pyglet", _pyglet_dispatcher),
        (BLINKER, "blinker", _blinker_signal),
        (PSYGNAL, "psygnal", _psygnal_signal),
    ):
        library = optional(module)
        if library is None:
            skips.append(skipped(case, name, missing_reason(module), unit="ns/event"))
        else:
            variants[name] = build(library, listeners)
    _check_delivery(variants, listeners)
    return variants, skips, [listeners, bus, traced]


def _check_delivery(
    variants: dict[str, Callable[[Ping], object]], listeners: list[Listener]
) -> None:
    """Every variant must call every handler exactly once per event."""
    for name, dispatch in variants.items():
        before = [listener.count for listener in listeners]
        dispatch(Ping())
        after = [listener.count for listener in listeners]
        if [a - b for a, b in zip(after, before, strict=True)] != [1] * len(listeners):
            raise AssertionError(f"{name} did not call each of the {len(listeners)} handlers once")


def _case(count: int) -> str:
    return f"dispatch, {count} handler{'s' if count > 1 else ''}"


def _measure(count: int, quick: bool) -> list[Result]:
    case = _case(count)
    variants, skips, keep_alive = _variants(count)
    event = Ping()
    # Many short samples: the machines are shared, and a burst of someone
    # else's work then spoils a few samples instead of moving every median.
    seconds = 0.002 if quick else 0.004
    repeats = 41 if quick else 121

    def sampler(dispatch: Callable[[Ping], object]) -> Callable[[], float]:
        number = calibrate(dispatch, event, seconds=seconds)
        return lambda: per_call(dispatch, number, event)

    samplers = {name: sampler(dispatch) for name, dispatch in variants.items()}
    samples = interleaved(samplers, repeats)
    del keep_alive
    results = summarize(case, samples, unit="ns/event", scale=1e9, baseline=FLOOR)
    for result in results:
        if result.variant == OURS:
            result.target = f"≤ {TARGET_NS[count]:g} ns"
            result.met = result.median <= TARGET_NS[count]
    results.extend(skips)
    for library, speedup in TARGET_SPEEDUP.items():
        if library in samples:
            results.append(
                paired_ratio(
                    case, samples, library, OURS, variant=f"{library} ÷ ours", at_least=speedup
                )
            )
    return results


def run(quick: bool = False) -> list[Result]:
    """ns per event for EventBus.publish with 1 and 10 handlers, against the floor and the field."""
    return _measure(1, quick) + _measure(10, quick)


if __name__ == "__main__":
    main(run)
