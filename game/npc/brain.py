"""The brain protocol: how an NPC asks for a reply and receives it through callbacks.

Every brain, the offline rule brain and the streaming LangChain brain alike,
hands its answer to a :class:`ReplyRequest`, which calls the NPC's
:class:`ReplyCallbacks` on the game thread, in order::

    on_start()  then  on_token(text) * n  then exactly one of  on_end(text) | on_error(message)

A cancelled request (the player spoke again, or walked away) calls nothing
more, so a stale reply never reaches the screen. Brains import no pygame.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

# Re-exported: the NPC code asks the brain module which language a line is in.
from game.engine.events import Event
from game.text.cjk import has_cjk

__all__ = [
    "LIVE_QUESTIONS",
    "Action",
    "Brain",
    "ChatContext",
    "LiveAnswers",
    "NpcUnderstood",
    "ReplyCallbacks",
    "ReplyRequest",
    "ReplyState",
    "Unheard",
    "has_cjk",
]

log = logging.getLogger(__name__)


class Action(str, Enum):
    """What a reply may ask its NPC to do: the registry the dialogue files are checked
    against (an unknown ``action`` is a data error) and the NPC dispatches on."""

    DANCE = "dance"
    FOLLOW = "follow"
    #: A negated request ("stop dancing", "别跟着我了"): what a brain asks instead of the
    #: action itself; dialogue files name only the action and give [stop] replies.
    STOP_DANCE = "stop_dance"
    STOP_FOLLOW = "stop_follow"


class ReplyState(str, Enum):
    """A :class:`ReplyRequest`'s life: ``PENDING`` → ``STARTED`` → ``DONE``, ``ERROR``
    or ``CANCELLED``. Members equal their values (``ReplyState.DONE == "done"``)."""

    PENDING = "pending"
    STARTED = "started"
    DONE = "done"
    ERROR = "error"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class NpcUnderstood(Event):
    """An NPC's brain understood the player's line as ``intent`` and finished answering it.

    ``ChatNPC`` publishes it from the reply's end (``ReplyRequest.intent``); a quest step
    may wait for it. Here, with the protocol, so the quest engine needs no pygame.
    """

    npc: str
    intent: str


class ReplyCallbacks(Protocol):
    """What an NPC implements to receive a reply (named like LangChain's callbacks)."""

    def on_start(self) -> None:
        """The brain began answering (show a thinking bubble)."""

    def on_token(self, token: str) -> None:
        """The next piece of the reply."""

    def on_end(self, text: str) -> None:
        """The reply is complete; ``text`` is all of it."""

    def on_error(self, message: str) -> None:
        """The brain failed; ``message`` is a short apology to show the player."""


#: The questions a live-answer provider is asked by name: a dialogue intent with
#: ``live = "what_happened"`` is answered by the provider, not by its own replies.
LIVE_QUESTIONS = frozenset({"what_happened", "who_listens"})


class LiveAnswers(Protocol):
    """Answers computed from the running game, which a brain consults before its own.

    ``answer(text, language, question)`` returns the reply to the player's
    ``text`` in ``language`` (``"en"`` or ``"zh"``), or ``None`` when it has
    none. ``question`` is one of :data:`LIVE_QUESTIONS` when the brain already
    knows what was asked (its intent table said so); ``None`` asks the provider
    to recognise the question itself. The guide's "what just happened?" is one
    (:class:`game.npc.explain.BusExplainer`).
    """

    def answer(self, text: str, language: str, question: str | None = None) -> str | None: ...


@dataclass(frozen=True, slots=True)
class ChatContext:
    """What a brain may know when it answers: who speaks, and live game facts."""

    npc_name: str
    player_name: str | None = None
    #: Live numbers for answers such as "how many coins are left?" (score, coins_left, clock…)
    facts: Mapping[str, object] = field(default_factory=dict)
    #: Questions answered from the running game (None: this NPC has none).
    live: LiveAnswers | None = None
    #: The NPC's identity (its dialogue key, "guide"), the same whatever language
    #: ``npc_name`` is in; brains key their memory by it. ``None``: use ``npc_name``.
    npc_key: str | None = None


class Unheard:
    """Callbacks that ignore everything, for when only the finished request's text matters."""

    def on_start(self) -> None:
        """Ignored."""

    def on_token(self, token: str) -> None:
        """Ignored."""

    def on_end(self, text: str) -> None:
        """Ignored."""

    def on_error(self, message: str) -> None:
        """Ignored."""


class Brain(Protocol):
    """Anything that can answer the player."""

    def ask(self, text: str, context: ChatContext, callbacks: ReplyCallbacks) -> ReplyRequest:
        """Start answering ``text``; the reply arrives through ``callbacks``."""
        ...


_ids = itertools.count(1)


class ReplyRequest:
    """One reply in progress. Guards the callback order and drops stale replies.

    Brains call :meth:`start`, :meth:`token`, :meth:`end` and :meth:`fail` on the
    game thread; the request forwards them to the callbacks only while it is
    active, starts implicitly on the first token, and lets exactly one final
    call through. :meth:`cancel` silences it for good.
    """

    def __init__(
        self, callbacks: ReplyCallbacks, *, on_cancel: Callable[[], None] | None = None
    ) -> None:
        self.id = next(_ids)
        self.callbacks = callbacks
        self._on_cancel = on_cancel
        #: ``PENDING``, ``STARTED``, then one of ``DONE``, ``ERROR``, ``CANCELLED``.
        self.state = ReplyState.PENDING
        self.text = ""
        #: What the reply asks the NPC to do ("dance", "follow"), set by the brain before
        #: :meth:`end`; the NPC turns it into a bus event.
        self.action: str | None = None
        #: The intent the brain understood the line as (``None``: not understood, or a
        #: brain that does not say), set before :meth:`end`; the NPC publishes it.
        self.intent: str | None = None

    @property
    def active(self) -> bool:
        """True until the reply ends, fails or is cancelled."""
        return self.state in (ReplyState.PENDING, ReplyState.STARTED)

    def start(self) -> None:
        """Deliver ``on_start`` once (later calls do nothing)."""
        if self.state is ReplyState.PENDING:
            self.state = ReplyState.STARTED
            self.callbacks.on_start()

    def token(self, token: str) -> None:
        """Deliver a piece of the reply; empty tokens are skipped."""
        if not self.active or not token:
            return
        self.start()
        self.text += token
        self.callbacks.on_token(token)

    def end(self, text: str | None = None) -> None:
        """Finish with ``text`` (default: the tokens so far)."""
        if not self.active:
            return
        self.start()
        self.state = ReplyState.DONE
        if text is not None:
            self.text = text
        self.callbacks.on_end(self.text)

    def fail(self, message: str) -> None:
        """Finish with an apology ``message`` for the player."""
        if not self.active:
            return
        self.start()
        self.state = ReplyState.ERROR
        self.callbacks.on_error(message)

    def cancel(self) -> None:
        """Stop: nothing more reaches the callbacks. Idempotent."""
        if not self.active:
            return
        self.state = ReplyState.CANCELLED
        if self._on_cancel is not None:
            try:
                self._on_cancel()
            except Exception:  # a brain's clean-up must not break the caller
                log.exception("cancelling reply %d failed", self.id)

    def __repr__(self) -> str:
        return f"<ReplyRequest {self.id} {self.state.value} {self.text[:20]!r}>"
