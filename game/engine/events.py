"""The event bus: typed events delivered to registered callbacks.

Everything in Callback Quest that reacts to something is a callback subscribed
here: input handlers, timer callbacks, collision callbacks, the NPC's reply
callbacks. The bus is pure Python (no pygame) and is tested without a window.

Contract (see ``docs/architecture.md``):

* Events are frozen dataclasses, one class per kind. A handler subscribed to a
  class also receives instances of its subclasses.
* :meth:`EventBus.publish` dispatches at once: higher priority first, ties in
  subscription order. A handler returning ``True`` marks the event handled and
  stops propagation.
* :meth:`EventBus.post` queues from any thread; :meth:`EventBus.flush` delivers
  the queue in FIFO order on the calling thread.
* Bound methods, and ``functools.partial`` objects wrapping one, are held
  weakly; plain functions and lambdas strongly.
* A handler subscribed during a dispatch first runs on the next dispatch; one
  cancelled during a dispatch is not called afterwards, even in that one.
* Only the game thread (the one that made the bus) changes the subscription
  tables. A subscribe or cancel from another thread, and every weakly held
  handler whose object is collected (the garbage collector may run on any
  thread, at any bytecode), only queue the change; the game thread applies
  the queue at its next subscribe, cancel or flush.
* ``async def`` handlers are refused with ``TypeError``: the bus calls handlers
  synchronously and would never await them.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import logging
import threading
import types
import weakref
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Final, Literal, NamedTuple, TypeVar

from game.engine._checks import whole

__all__ = [
    "HANDLED",
    "CascadeError",
    "Delivery",
    "DispatchDepthError",
    "Event",
    "EventBus",
    "Handler",
    "Modal",
    "Priority",
    "Subscription",
    "Trace",
    "callable_name",
    "check_not_async",
    "weak_method",
]

log = logging.getLogger(__name__)

E = TypeVar("E")
F = TypeVar("F", bound=Callable[..., Any])

_ASYNC_FLAGS = inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR | inspect.CO_ITERABLE_COROUTINE

#: A handler takes the event; returning ``True`` stops propagation.
Handler = Callable[[E], "bool | None"]

#: What a handler returns to say "this event was mine": the handlers after it
#: (lower priority) do not see it, and ``publish`` returns ``True``.
HANDLED: Final = True


class Priority(IntEnum):
    """The input layers, in the order they hear an event (higher first).

    A layer that handles an event (returns :data:`HANDLED`) hides it from the
    layers below: an open text box takes the keys before the game moves the
    player; a modal panel takes them before the text box; focus handling sees
    them before the panel; observers (counters, the debug overlay) see every
    event and never stop one. Ties go in subscription order.
    """

    GAME = 0
    TEXT_ENTRY = 100
    MODAL = 200
    FOCUS = 1_000
    OBSERVER = 1_000_000


# One step of a dispatch plan: (subscription, weak ref to the owner or None, function).
_Planned = tuple["Subscription", "weakref.ReferenceType[Any] | None", Callable[..., object]]


@dataclass(frozen=True, slots=True)
class Event:
    """Base class of every event. Subscribe to it to see all of them."""


class CascadeError(RuntimeError):
    """Raised by :meth:`EventBus.flush` when events keep posting events without end."""


class DispatchDepthError(RecursionError):
    """Raised when handlers publish events from inside handlers too deeply."""


def callable_name(fn: object) -> str:
    """The qualified name of a callable, for logs (``Player.on_key``, ``<lambda>``)."""
    func = fn
    for _ in range(4):  # a partial of a bound method, a layer-pair handler of one, ...
        if isinstance(func, functools.partial):
            func = func.func
        inner = getattr(func, "__func__", func)
        if inner is func:
            break
        func = inner
    module = getattr(func, "__module__", None) or "?"
    qualname = getattr(func, "__qualname__", None) or repr(func)
    return f"{module}.{qualname}"


def check_not_async(what: str, fn: object) -> None:
    """Raise ``TypeError`` if calling ``fn`` would only make a coroutine (or async generator).

    The engine calls callbacks synchronously and never awaits what they
    return, so an ``async def`` callback would silently never run. Covers
    ``async def`` functions and methods, ``functools.partial`` of them, and
    objects whose ``__call__`` is ``async def``.
    """
    kind = type(fn)
    if kind is types.FunctionType or kind is types.MethodType:
        # The common case, in ~100 ns (timers are made often): read the code flags.
        code = getattr(getattr(fn, "__func__", fn), "__code__", None)
        if code is not None and not code.co_flags & _ASYNC_FLAGS:
            return
    # An instance's __call__ may be async; a class's is its constructor.
    call = None if isinstance(fn, type) else getattr(fn, "__call__", None)  # noqa: B004
    if not any(inspect.iscoroutinefunction(f) or inspect.isasyncgenfunction(f) for f in (fn, call)):
        return
    raise TypeError(
        f"{what} {callable_name(fn)} is an async function: the engine calls callbacks "
        "synchronously and never awaits them, so it would never run. Pass a plain function; "
        "to do async work, have it start the coroutine on your event loop "
        "(asyncio.run_coroutine_threadsafe(coro, loop)) and post events back with bus.post()"
    )


class _MethodOf:
    """``partial(method, *args, **kwargs)`` with the object passed at call time.

    ``weak_method`` splits ``partial(obj.method, 1)`` into a weak reference to
    ``obj`` and this, called as ``this(obj, event)`` like an unbound function.
    """

    __slots__ = ("__func__", "args", "keywords")

    def __init__(self, func: Callable[..., object], args: tuple[Any, ...], keywords: Any) -> None:
        self.__func__ = func  # what callable_name reports: the method's own name
        self.args = args
        self.keywords = keywords

    def __call__(self, owner: object, *rest: object) -> object:
        return self.__func__(owner, *self.args, *rest, **self.keywords)


def weak_method(
    callback: Callable[..., object], on_collected: Callable[[Any], object]
) -> tuple[weakref.ReferenceType[Any] | None, Callable[..., object]]:
    """Split ``callback`` into ``(weak reference to its object, function)`` where it is bound.

    A bound method ``obj.m`` gives ``(ref(obj), m.__func__)``, and a
    ``functools.partial(obj.m, *args)`` gives ``(ref(obj), f)`` with
    ``f(obj, *rest)`` calling ``obj.m(*args, *rest)``: call ``func(ref(), ...)``
    while the reference is alive. ``on_collected(ref)`` runs when ``obj`` is
    collected, on whatever thread the garbage collector runs. Anything else
    (a function, a lambda, an object whose class has no ``__weakref__`` slot)
    gives ``(None, callback)``: held strongly. A ``(ref, function)`` pair costs
    ~10 ns a call against ~220 ns for ``weakref.WeakMethod`` (design §6).
    """
    target: object = callback
    args: tuple[Any, ...] = ()
    keywords: Any = None
    if isinstance(callback, functools.partial):
        # A partial of a partial is flattened by functools itself.
        target, args, keywords = callback.func, callback.args, callback.keywords
    owner = getattr(target, "__self__", None)
    if not isinstance(target, types.MethodType) or owner is None:
        return None, callback
    try:
        ref = weakref.ref(owner, on_collected)
    except TypeError:  # the owner has __slots__ without __weakref__
        return None, callback
    func = target.__func__
    if args or keywords:
        return ref, _MethodOf(func, args, keywords)
    return ref, func


class Subscription:
    """A handle on one subscription: ``cancel()`` it, or check whether it is ``active``.

    Returned by :meth:`EventBus.subscribe`. Cancelling twice is harmless.
    """

    # The dispatch loop reads these slots directly: keep them few and flat.
    __slots__ = (
        "__weakref__",
        "_bus",
        "_fast",
        "_func",
        "_ref",
        "active",
        "delivered",
        "event_type",
        "failures",
        "once",
        "priority",
        "seq",
    )

    def __init__(
        self,
        bus: EventBus,
        event_type: type,
        handler: Callable[[Any], object],
        priority: int,
        once: bool,
        seq: int,
    ) -> None:
        self._bus: EventBus | None = bus
        self.event_type = event_type
        self.priority = priority
        self.once = once
        self.seq = seq
        self.active = True
        self.failures = 0
        #: Events delivered to the handler while the bus was tracing (see
        #: :meth:`EventBus.start_tracing`); 0 when it never was.
        self.delivered = 0
        # True while no bookkeeping is due (active, not once, no failure
        # streak): publish then calls the handler on its fast path.
        self._fast = not once
        self._ref, self._func = weak_method(handler, self._owner_collected)

    @property
    def handler(self) -> Callable[..., object] | None:
        """The subscribed callable, or ``None`` once a weakly held owner is gone."""
        if self._ref is None:
            return self._func
        owner = self._ref()
        return None if owner is None else types.MethodType(self._func, owner)

    @property
    def name(self) -> str:
        """Qualified name of the handler, as used in logs."""
        return callable_name(self._func)

    def cancel(self) -> None:
        """End this subscription. Idempotent; safe inside a dispatch and from any thread.

        On the game thread it takes effect at once. From another thread the
        handler is flagged at once (dispatches that start later skip it; one
        already running may still call it) and removed from the tables at the
        game thread's next subscribe, cancel or flush.
        """
        bus = self._end()
        if bus is not None:
            bus._remove(self)

    def _owner_collected(self, _ref: object) -> None:
        # Runs wherever the garbage collector runs: another thread, or the game
        # thread in the middle of any bytecode (even inside the bus's own
        # bookkeeping). So it only flags the subscription and queues its removal.
        bus = self._end()
        if bus is not None:
            bus._inbox.append((False, self))

    def _end(self) -> EventBus | None:
        """Flag this subscription as ended; the bus to tell, the first time only."""
        if not self.active:
            return None
        self.active = False
        self._fast = False
        bus = self._bus
        self._bus = None
        return bus

    def __repr__(self) -> str:
        state = "active" if self.active else "cancelled"
        return (
            f"<Subscription {self.name} to {self.event_type.__name__} "
            f"priority={self.priority} {state}>"
        )


class Delivery(NamedTuple):
    """One event handed to one handler, as :meth:`EventBus.recent_deliveries` lists them."""

    event: Any
    subscription: Subscription


class Modal:
    """A layer of handlers pushed over everything below it; :meth:`pop` takes it away.

    Made by :meth:`EventBus.push_modal`. While pushed, its handlers run at
    its priority (default :attr:`Priority.MODAL`); one that returns
    :data:`HANDLED` keeps the event from the layers underneath.
    """

    __slots__ = ("subscriptions",)

    def __init__(self, subscriptions: tuple[Subscription, ...]) -> None:
        self.subscriptions = subscriptions

    @property
    def active(self) -> bool:
        """True until :meth:`pop`."""
        return any(sub.active for sub in self.subscriptions)

    def pop(self) -> None:
        """Cancel the layer's subscriptions. Idempotent."""
        for sub in self.subscriptions:
            sub.cancel()


class Trace(list[Any]):
    """The events published while :meth:`EventBus.recording` was open, in order."""

    def of(self, event_type: type[E]) -> list[E]:
        """Only the events that are instances of ``event_type``."""
        return [event for event in self if isinstance(event, event_type)]

    def types(self) -> list[str]:
        """The class names of the recorded events, in order."""
        return [type(event).__name__ for event in self]


class EventBus:
    """Dispatches events to subscribed callbacks.

    ``on_error="log"`` (the game's default) logs a raising handler with its
    qualified name and the event, counts it in :attr:`handler_errors`, and
    goes on with the next handler; after ``max_failures`` consecutive failures
    the handler is unsubscribed with a warning. ``on_error="raise"`` (for tests)
    lets the exception propagate out of :meth:`publish`.

    ``max_depth`` bounds nested ``publish`` calls made from handlers, and
    ``max_cascade`` bounds the events that handlers post while a
    :meth:`flush` runs; exceeding either is an error, not a hang.
    """

    def __init__(
        self,
        *,
        on_error: Literal["log", "raise"] = "log",
        max_failures: int | None = None,
        max_depth: int = 64,
        max_cascade: int = 100_000,
    ) -> None:
        if on_error not in ("log", "raise"):
            raise ValueError(f"on_error must be 'log' or 'raise', not {on_error!r}")
        self.on_error = on_error
        self.max_failures = None if max_failures is None else whole("max_failures", max_failures, 1)
        self.max_depth = whole("max_depth", max_depth, 1)
        self.max_cascade = whole("max_cascade", max_cascade)
        #: Handler (and timer callback) exceptions caught under ``on_error="log"``.
        self.handler_errors = 0
        self._by_type: dict[type, list[Subscription]] = {}
        # The game thread: the only one that changes _by_type and _cache.
        self._thread = threading.get_ident()
        # Changes asked for elsewhere (other threads, garbage-collector callbacks),
        # applied in order by the game thread: (True, added) or (False, cancelled).
        self._inbox: deque[tuple[bool, Subscription]] = deque()
        # The dispatch plan per concrete event class: its subscriptions in call
        # order, each with its weak reference (or None) and function read out,
        # which never change after subscribing. Dispatch iterates a tuple, so
        # subscribing mid-dispatch cannot disturb it.
        self._cache: dict[type, tuple[_Planned, ...]] = {}
        # next() on a count is atomic in CPython: other threads subscribe too.
        self._seq = itertools.count(1)
        self._depth = 0
        self._queue: deque[object] = deque()
        self._recorders: list[Trace] = []
        # While tracing: the recent (event, subscription) deliveries, newest last
        # (None: not tracing), and the event classes counted but not kept.
        self._deliveries: deque[tuple[object, Subscription]] | None = None
        self._quiet: tuple[type, ...] = ()

    # -- subscribing -------------------------------------------------------

    def subscribe(
        self,
        event_type: type[E],
        handler: Callable[[E], object],
        *,
        priority: int = 0,
        once: bool = False,
    ) -> Subscription:
        """Call ``handler(event)`` for every published ``event_type`` (or subclass).

        Subscribing the same handler twice makes two subscriptions: it is called
        twice per event, and each is cancelled on its own.

        From another thread than the game thread the subscription is queued and
        takes effect at the game thread's next subscribe, cancel or flush
        (so an event that thread posts after subscribing reaches it).

        Raises ``TypeError`` if ``event_type`` is not a class, ``handler`` is
        not callable or is an ``async def`` function (it would never be awaited).
        """
        if not isinstance(event_type, type):
            raise TypeError(f"event_type must be a class, not {event_type!r}")
        if not callable(handler):
            raise TypeError(f"handler must be callable, not {handler!r}")
        check_not_async("handler", handler)
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise TypeError(f"priority must be an int, not {priority!r}")
        sub = Subscription(self, event_type, handler, priority, once, next(self._seq))
        if threading.get_ident() != self._thread:
            self._inbox.append((True, sub))
            return sub
        if self._inbox:
            self._apply_inbox()
        self._add(sub)
        return sub

    def on(self, event_type: type[E], *, priority: int = 0, once: bool = False) -> Callable[[F], F]:
        """Decorator form of :meth:`subscribe`; returns the function unchanged."""

        def register(handler: F) -> F:
            self.subscribe(event_type, handler, priority=priority, once=once)
            return handler

        return register

    def _add(self, sub: Subscription) -> None:
        self._by_type.setdefault(sub.event_type, []).append(sub)
        self._invalidate(sub.event_type)

    def push_modal(
        self,
        handlers: Mapping[type[Any], Callable[[Any], object]],
        *,
        priority: int = Priority.MODAL,
    ) -> Modal:
        """Subscribe ``{event_type: handler}`` as one layer over the game; return it.

        ``modal.pop()`` ends it. For a pause panel, a dialog, a menu: the
        layer takes the events its handlers return :data:`HANDLED` for.
        Raises ``TypeError`` like :meth:`subscribe`.
        """
        return Modal(
            tuple(
                self.subscribe(event_type, handler, priority=priority)
                for event_type, handler in handlers.items()
            )
        )

    def _remove(self, sub: Subscription) -> None:
        if threading.get_ident() != self._thread:
            self._inbox.append((False, sub))
            return
        if self._inbox:
            self._apply_inbox()
        self._drop(sub)

    def _apply_inbox(self) -> None:
        """Apply, on the game thread, the changes queued by other threads and the GC."""
        inbox = self._inbox
        while inbox:
            try:
                added, sub = inbox.popleft()
            except IndexError:  # pragma: no cover - only this thread pops
                break
            if not added:
                self._drop(sub)
            elif sub.active:  # not cancelled again before it got here
                self._add(sub)

    def _drop(self, sub: Subscription) -> None:
        subs = self._by_type.get(sub.event_type)
        if subs is not None:
            with suppress(ValueError):  # already gone: cancel is idempotent
                subs.remove(sub)
            if not subs:
                del self._by_type[sub.event_type]
        self._invalidate(sub.event_type)

    def _invalidate(self, event_type: type) -> None:
        stale = [t for t in self._cache if issubclass(t, event_type)]
        for t in stale:
            del self._cache[t]

    def _resolve(self, event_type: type) -> tuple[_Planned, ...]:
        plan = self._plan(event_type)
        self._cache[event_type] = plan
        return plan

    def _plan(self, event_type: type) -> tuple[_Planned, ...]:
        subs: list[Subscription] = []
        for klass in event_type.__mro__:
            found = self._by_type.get(klass)
            if found:
                subs.extend(found)
        subs.sort(key=lambda s: (-s.priority, s.seq))
        deliveries = self._deliveries
        if deliveries is None:
            return tuple((s, s._ref, s._func) for s in subs)
        # Tracing swaps counting wrappers into the plan, so the untraced
        # dispatch loop stays exactly as fast as before.
        keep = None if issubclass(event_type, self._quiet) else deliveries
        return tuple((s, s._ref, _traced(s, keep)) for s in subs)

    @property
    def subscription_count(self) -> int:
        """How many subscriptions are active (on the game thread: queued changes applied)."""
        if self._inbox and threading.get_ident() == self._thread:
            self._apply_inbox()
        # tuple() copies in one C call: safe while the game thread changes the dict.
        return sum(1 for subs in tuple(self._by_type.values()) for s in subs if s.active)

    def subscriptions(self, event_type: type) -> tuple[Subscription, ...]:
        """The active subscriptions an ``event_type`` event would reach, in call order."""
        if self._inbox and threading.get_ident() == self._thread:
            self._apply_inbox()
        return tuple(s for s, _, _ in self._handlers(event_type) if s.active)

    def all_subscriptions(self) -> tuple[Subscription, ...]:
        """Every active subscription, in the order they were made (a snapshot, for tools
        such as the wiring view; each one's ``event_type``, ``name`` and ``delivered``)."""
        if self._inbox and threading.get_ident() == self._thread:
            self._apply_inbox()
        subs = [s for group in self._by_type.values() for s in group if s.active]
        subs.sort(key=lambda s: s.seq)
        return tuple(subs)

    # -- tracing (introspection) -------------------------------------------

    def start_tracing(self, capacity: int = 256, *, quiet: tuple[type, ...] = ()) -> None:
        """Count deliveries per subscription and keep the last ``capacity`` of them.

        Deliveries of ``quiet`` event classes (and their subclasses) are
        counted but not kept, so routine events (``FixedUpdate`` every tick)
        do not push the rare ones out. Costs nothing until called: the
        dispatch plans are rebuilt with counting wrappers (about 50 ns a
        handler call). For tools: the wiring view, and the guide who tells
        what just happened. Raises ``ValueError`` for a ``capacity`` below 1
        and ``TypeError`` for a ``quiet`` entry that is not a class.
        """
        if not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"capacity must be a whole number >= 1, not {capacity!r}")
        for kind in quiet:
            if not isinstance(kind, type):
                raise TypeError(f"quiet must hold event classes, not {kind!r}")
        self._deliveries = deque(self._deliveries or (), maxlen=capacity)
        self._quiet = tuple(quiet)
        self._cache.clear()

    def stop_tracing(self) -> None:
        """Stop counting; the counts so far stay on the subscriptions."""
        self._deliveries = None
        self._cache.clear()

    @property
    def tracing(self) -> bool:
        """Whether :meth:`start_tracing` is in effect."""
        return self._deliveries is not None

    def recent_deliveries(self) -> list[Delivery]:
        """The last deliveries while tracing, oldest first (empty when not tracing)."""
        return [Delivery(event, sub) for event, sub in self._deliveries or ()]

    def _handlers(self, event_type: type) -> tuple[_Planned, ...]:
        found = self._cache.get(event_type)
        if found is not None:
            return found
        if threading.get_ident() != self._thread:
            return self._plan(event_type)  # reading only: the cache is the game thread's
        return self._resolve(event_type)

    # -- dispatching -------------------------------------------------------

    def publish(self, event: object) -> bool:
        """Deliver ``event`` now; return whether a handler marked it handled.

        Raises :class:`DispatchDepthError` when nested publishing goes deeper
        than ``max_depth``; with ``on_error="raise"``, re-raises what a handler
        raised.
        """
        if self._recorders:
            for trace in self._recorders:
                trace.append(event)
        try:
            handlers = self._cache[type(event)]
        except KeyError:
            handlers = self._resolve(type(event))
        if not handlers:
            return False
        depth = self._depth
        if depth >= self.max_depth:
            raise DispatchDepthError(
                f"publishing {type(event).__name__} nested deeper than "
                f"max_depth={self.max_depth}: a handler keeps publishing events "
                "that lead back to itself"
            )
        self._depth = depth + 1
        # The hottest loop of the engine (docs/benchmarks.md): the plan hands
        # out ref and func as locals (``sub._func(...)`` would be a method
        # lookup CPython cannot specialise), and one flag picks the fast path.
        try:
            for sub, ref, func in handlers:
                if sub._fast:
                    try:
                        if ref is None:
                            result = func(event)
                        else:
                            owner = ref()
                            if owner is None:  # collected; its callback is due
                                sub.cancel()
                                continue
                            result = func(owner, event)
                    except Exception as exc:
                        self._handler_failed(sub, event, exc)
                        continue
                else:
                    result = self._call_with_bookkeeping(sub, event)
                if result is not None:  # as cheap as ``is True`` for the usual None
                    if result is True:
                        return True
                    if result is not False:
                        self._returned(sub, event, result)
            return False
        finally:
            self._depth = depth

    def _returned(self, sub: Subscription, event: object, result: object) -> None:
        """A handler returned something else than True, False or None."""
        if not inspect.isawaitable(result):
            return  # any other value does not stop propagation
        close = getattr(result, "close", None)
        if close is not None:
            close()  # it will never run: spare the "never awaited" warning
        error = TypeError(
            f"{sub.name} returned {type(result).__name__} {result!r}, which the bus never "
            "awaits: the work in it did not run. Handlers must do their work when called "
            "(see check_not_async for how to start async work from one)"
        )
        self._handler_failed(sub, event, error)

    def _call_with_bookkeeping(self, sub: Subscription, event: object) -> object:
        """The slow path of :meth:`publish`: cancelled, ``once`` or failing handlers."""
        if not sub.active:  # cancelled earlier in this dispatch
            return None
        if sub.once:
            sub.cancel()  # before the call, so a nested publish cannot reach it
        handler = sub.handler
        if handler is None:
            sub.cancel()
            return None
        if self._deliveries is not None:
            sub.delivered += 1
            if not isinstance(event, self._quiet):
                self._deliveries.append((event, sub))
        try:
            result = handler(event)
        except Exception as exc:
            self._handler_failed(sub, event, exc)
            return None
        if sub.failures:  # a success ends the streak of consecutive failures
            sub.failures = 0
            sub._fast = sub.active  # a once handler was cancelled before its call
        return result

    def _handler_failed(self, sub: Subscription, event: object, exc: Exception) -> None:
        if self.on_error == "raise":
            raise exc
        sub.failures += 1
        sub._fast = False  # the next success must reset the streak
        self.report_error(sub.name, event, exc)
        if self.max_failures is not None and sub.failures >= self.max_failures:
            log.warning(
                "unsubscribed %s from %s after %d consecutive failures",
                sub.name,
                sub.event_type.__name__,
                sub.failures,
            )
            sub.cancel()

    def report_error(self, source: str, context: object, exc: BaseException) -> None:
        """Apply the error policy to a failure outside a handler (e.g. a timer callback).

        With ``on_error="raise"`` re-raises ``exc``; otherwise logs it with
        ``source`` and ``context`` and counts it in :attr:`handler_errors`.
        """
        if self.on_error == "raise":
            raise exc
        self.handler_errors += 1
        log.error("%s raised on %r", source, context, exc_info=exc)

    # -- queueing ----------------------------------------------------------

    def post(self, event: object) -> None:
        """Queue ``event`` for the next :meth:`flush`. Safe from any thread."""
        # deque.append is atomic in CPython: posts from several threads keep
        # each thread's order without a lock.
        self._queue.append(event)

    @property
    def pending(self) -> int:
        """How many posted events wait for the next :meth:`flush`."""
        return len(self._queue)

    def flush(self) -> int:
        """Publish queued events in FIFO order; return how many were delivered.

        Events posted while flushing are delivered in the same flush. More than
        ``max_cascade`` of them raises :class:`CascadeError` (or logs it under
        ``on_error="log"``); the events still queued then stay queued.
        """
        if self._inbox:
            self._apply_inbox()
        queue = self._queue
        budget = len(queue) + self.max_cascade
        delivered = 0
        popleft = queue.popleft
        publish = self.publish
        while queue:
            if delivered >= budget:
                kinds = Counter(type(e).__name__ for e in list(queue)[:1000])
                name, _ = kinds.most_common(1)[0]
                error = CascadeError(
                    f"flush delivered {delivered} events and handlers keep posting "
                    f"more (max_cascade={self.max_cascade}); most queued: {name}"
                )
                if self.on_error == "raise":
                    raise error
                self.handler_errors += 1
                log.error("%s", error)
                break
            try:
                event = popleft()
            except IndexError:  # another thread drained it: cannot happen, but be safe
                break
            delivered += 1
            publish(event)
        return delivered

    # -- testing -----------------------------------------------------------

    @contextmanager
    def recording(self) -> Iterator[Trace]:
        """Collect every event published inside the ``with`` block, in order."""
        trace = Trace()
        self._recorders.append(trace)
        try:
            yield trace
        finally:
            self._recorders.remove(trace)


def _traced(
    sub: Subscription, deliveries: deque[tuple[object, Subscription]] | None
) -> Callable[..., object]:
    """``sub``'s function, counting its calls and noting each in ``deliveries`` if given.

    One closure per case, without ``*args``: the traced game pays ~50 ns a call.
    """
    func = sub._func
    if deliveries is None:
        if sub._ref is None:

            def counted(event: object) -> object:
                sub.delivered += 1
                return func(event)

            return counted

        def counted_method(owner: object, event: object) -> object:
            sub.delivered += 1
            return func(owner, event)

        return counted_method
    append = deliveries.append
    if sub._ref is None:

        def traced(event: object) -> object:
            sub.delivered += 1
            append((event, sub))
            return func(event)

        return traced

    def traced_method(owner: object, event: object) -> object:
        sub.delivered += 1
        append((event, sub))
        return func(owner, event)

    return traced_method
