"""The LangChain brain: a chat model's tokens reach the NPC through callbacks.

Optional: this module needs the ``llm`` extra (``langchain-core``) and is
imported only when this brain is chosen (see :mod:`game.npc.brain_spec`).

How a reply travels (``docs/langchain.md`` has the full picture)::

    game thread                            worker thread (daemon, one per reply)
    ask() ── starts ─────────────────────► (prompt | runnable).stream(inputs, callbacks=[handler])
                                             on_chat_model_start ─► bus.post(LLMStarted)
                                             on_llm_new_token    ─► bus.post(LLMToken)
                                             on_llm_end / error  ─► bus.post(LLMEnded / LLMFailed)
                                             finally             ─► bus.post(ReplyDone | ReplyFailed
                                                                             | ReplyCancelled)
    loop phase 3, FixedUpdate ─► poll(): time out silent replies
    loop phase 5, bus.flush() ─► ReplyRequest.start / token / end / fail ─► the NPC's callbacks

The worker only ever *posts*; every NPC callback runs on the game thread,
in order, when the loop flushes the bus. Events of a request that is no
longer active (cancelled, timed out) are dropped there, so a stale reply
never shows.

Source of truth: the chunks that ``stream()`` yields. The callback handler's
tokens arrive first (LangChain calls ``on_llm_new_token`` before it yields
the chunk), so they drive the live reveal; but a runnable that does not
stream, or whose output differs from what its model said (an output parser,
a second model call), is corrected by the chunks: text the chunks add beyond
what was shown is revealed as a token, and ``on_end`` always carries the
chunks' whole text.
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from game.engine.events import Event, EventBus
from game.engine.loop import FixedUpdate
from game.npc.brain import ChatContext, ReplyCallbacks, ReplyRequest, has_cjk
from game.npc.brain_spec import MissingExtraError

try:
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.language_models import FakeListChatModel
    from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
    from langchain_core.outputs import ChatGenerationChunk, GenerationChunk, LLMResult
    from langchain_core.prompt_values import PromptValue
    from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
    from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda
except ImportError as exc:  # pragma: no cover - exercised by a test that hides the package
    raise MissingExtraError(str(exc)) from exc

__all__ = [
    "APOLOGY",
    "LOST_THOUGHT",
    "LLMEnded",
    "LLMFailed",
    "LLMStarted",
    "LLMToken",
    "LangChainBrain",
    "LangChainEvent",
    "ReplyCancelled",
    "ReplyDone",
    "ReplyFailed",
    "ReplyFinished",
    "ReplyHandler",
    "default_prompt",
    "fake_llm_runnable",
]

log = logging.getLogger(__name__)

#: What the NPC says when the model goes silent for ``timeout`` seconds.
LOST_THOUGHT = {"en": "…I lost my train of thought.", "zh": "……我走神了，刚才说到哪儿了？"}
#: What the NPC says when the model (or the chain around it) fails.
APOLOGY = {
    "en": "Sorry, my thoughts got tangled. Ask me again?",
    "zh": "抱歉，我的思路乱了。能再问我一次吗？",
}


# -- events: posted from the worker thread, delivered on the game thread ----


@dataclass(frozen=True, slots=True)
class LangChainEvent(Event):
    """Base of the LangChain brain's events; ``request_id`` is the ``ReplyRequest.id``."""

    request_id: int


@dataclass(frozen=True, slots=True)
class LLMStarted(LangChainEvent):
    """A chat model (or LLM) started answering (``on_chat_model_start`` / ``on_llm_start``)."""


@dataclass(frozen=True, slots=True)
class LLMToken(LangChainEvent):
    """The next piece of the reply (``on_llm_new_token``, or a chunk the callbacks missed)."""

    token: str


@dataclass(frozen=True, slots=True)
class LLMEnded(LangChainEvent):
    """One model call ended (``on_llm_end``); the reply ends with :class:`ReplyDone`."""


@dataclass(frozen=True, slots=True)
class LLMFailed(LangChainEvent):
    """One model call failed (``on_llm_error``); the reply ends with :class:`ReplyFailed`."""

    error: str


@dataclass(frozen=True, slots=True)
class ReplyFinished(LangChainEvent):
    """Base of the final events: exactly one of them is posted per request."""


@dataclass(frozen=True, slots=True)
class ReplyDone(ReplyFinished):
    """The stream ended; ``text`` is everything it yielded (the source of truth)."""

    text: str


@dataclass(frozen=True, slots=True)
class ReplyFailed(ReplyFinished):
    """The model, the prompt or the chain raised; ``error`` describes it (for logs)."""

    error: str


@dataclass(frozen=True, slots=True)
class ReplyCancelled(ReplyFinished):
    """The worker stopped early; ``reason`` is ``"cancelled"``, ``"timeout"`` or ``"closed"``."""

    reason: str


# -- one reply in flight ------------------------------------------------------


class _Job:
    """State shared by the game thread and one worker thread (guarded by a lock)."""

    def __init__(
        self, request: ReplyRequest, bus: EventBus, npc: str, text: str, now: float
    ) -> None:
        self.request = request
        self.id = request.id
        self.npc = npc
        self.player_text = text
        self.lang = "zh" if has_cjk(text) else "en"
        #: Game-thread clock reading at the question or the last token delivered.
        self.last_seen = now
        self.stop = threading.Event()
        self.stop_reason = "cancelled"
        self.thread: threading.Thread | None = None
        self._bus = bus
        self._lock = threading.Lock()
        self._shown = ""  # posted as LLMToken so far
        self._heard = ""  # from on_llm_new_token
        self._streamed = ""  # from the chunks: the truth
        self._trust_callbacks = True
        self._live = True

    def cancel(self, reason: str) -> None:
        if not self.stop.is_set():
            self.stop_reason = reason
            self.stop.set()

    @property
    def text(self) -> str:
        with self._lock:
            return self._streamed

    def post(self, event: Event) -> None:
        if not self.stop.is_set():
            self._bus.post(event)

    def heard(self, token: str) -> None:
        """A token from the callback handler (worker thread, or a LangChain executor thread)."""
        with self._lock:
            if self.stop.is_set() or not (self._live and self._trust_callbacks):
                return
            self._heard += token
            if not self._reveal(self._heard):
                # The callbacks disagree with what the chunks showed (e.g. a
                # model call whose output is not the reply): stop following them.
                self._trust_callbacks = False

    def streamed(self, text: str) -> None:
        """A chunk's text from ``stream()`` (worker thread)."""
        with self._lock:
            self._streamed += text
            if self.stop.is_set() or not self._live:
                return
            if not self._reveal(self._streamed):
                # What was shown is not a prefix of the reply: stop revealing
                # live; on_end carries the chunks' text, which replaces it.
                self._live = False
                log.debug("reply %d: callback tokens and chunks disagree", self.id)

    def _reveal(self, seen: str) -> bool:
        """Post what ``seen`` adds to what was shown; False if they disagree."""
        shown = self._shown
        if seen.startswith(shown):
            if len(seen) > len(shown):
                self._shown = seen
                self._bus.post(LLMToken(self.id, seen[len(shown) :]))
            return True
        return shown.startswith(seen)


def _text_of(value: object) -> str:
    """The text of a streamed chunk or a token: str, message (chunk) or generation chunk."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseMessage):
        content = value.content
        # Plain string content is the common case; .text also walks content blocks.
        return content if isinstance(content, str) else str(value.text)
    if isinstance(value, ChatGenerationChunk):
        return str(value.message.text)
    if isinstance(value, GenerationChunk):
        return value.text
    raise TypeError(
        f"the runnable streamed a {type(value).__name__}, not text or a message: "
        "end the chain with a chat model or a StrOutputParser"
    )


class ReplyHandler(BaseCallbackHandler):
    """LangChain callbacks of one reply, turned into events posted to the bus.

    Runs on the worker thread (``run_inline``: called in order, right where
    LangChain fires it) and only posts, never touches the game. Its errors are
    logged by LangChain, never raised into the model (``raise_error = False``).
    """

    run_inline = True
    raise_error = False

    def __init__(self, job: _Job) -> None:
        super().__init__()
        self._job = job

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """A chat model started: the NPC may show that it is thinking."""
        self._job.post(LLMStarted(self._job.id))

    def on_llm_start(
        self,
        serialized: dict[str, Any],
        prompts: list[str],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """A completion model started."""
        self._job.post(LLMStarted(self._job.id))

    def on_llm_new_token(
        self,
        token: str | list[str | dict[str, Any]],
        *,
        chunk: GenerationChunk | ChatGenerationChunk | None = None,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """The next token; empty ones (LangChain's closing chunk) are skipped."""
        # With content blocks (output_version="v1") the token is a list: read the chunk.
        text = token if isinstance(token, str) else _text_of(chunk) if chunk is not None else ""
        if text:
            self._job.heard(text)

    def on_llm_end(
        self,
        response: LLMResult,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """One model call ended (the chain may still go on)."""
        self._job.post(LLMEnded(self._job.id))

    def on_llm_error(
        self,
        error: BaseException,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """One model call failed; the worker posts the final ReplyFailed."""
        self._job.post(LLMFailed(self._job.id, f"{type(error).__name__}: {error}"))


# -- the prompt -----------------------------------------------------------------


def default_prompt() -> ChatPromptTemplate:
    """Persona and live facts in the system message, optional history, then the player.

    Everything that varies is a *variable* (``persona``, ``facts``,
    ``history``, ``input``), never formatted into the template, so a player
    typing ``{name}`` or ``}}{{`` reaches the model as typed.
    """
    return ChatPromptTemplate.from_messages(
        [
            ("system", "{persona}\n\nWhat you can see in the game right now:\n{facts}"),
            MessagesPlaceholder("history", optional=True),
            ("human", "{input}"),
        ]
    )


def default_persona(context: ChatContext) -> str:
    """The NPC's persona when none is given."""
    return (
        f"You are {context.npc_name}, a friendly character in Callback Quest, a small "
        "game that teaches how games are built from callbacks: an event bus, a "
        "fixed-step loop, timers and collisions. Answer in one or two short "
        "sentences, in the language the player writes in."
    )


#: At most this many facts reach the prompt, each cut to this many characters.
MAX_FACTS = 8
MAX_FACT_CHARS = 80


def facts_text(context: ChatContext) -> str:
    """The first few live game facts as ``- name: value`` lines."""
    lines = []
    if context.player_name:
        lines.append(f"- player: {context.player_name}")
    for name, value in itertools.islice(context.facts.items(), MAX_FACTS):
        shown = str(value)
        if len(shown) > MAX_FACT_CHARS:
            shown = shown[: MAX_FACT_CHARS - 1] + "…"
        lines.append(f"- {name}: {shown}")
    return "\n".join(lines) if lines else "- nothing special"


# -- the brain ------------------------------------------------------------------


class LangChainBrain:
    """A brain that streams a LangChain ``Runnable``'s reply into the NPC's callbacks.

    ``runnable`` receives the prompt's output (a chat prompt value), so a chat
    model fits as is; ``prompt`` replaces :func:`default_prompt` (it receives
    the variables ``input``, ``persona``, ``facts`` and ``history``).
    ``persona`` replaces :func:`default_persona`. ``history`` is how many past
    exchanges per NPC the prompt carries (0: none).

    A reply that stays silent for ``timeout`` seconds of ``clock`` (no token
    delivered since the question or the last token) ends with
    :data:`LOST_THOUGHT`; it is checked on the game thread every
    ``FixedUpdate`` (or by calling :meth:`poll`). Raises ``TypeError`` for a
    ``runnable`` or ``prompt`` that is not a ``Runnable``, ``ValueError`` for a
    ``timeout`` that is not a positive number or a negative ``history``.
    """

    def __init__(
        self,
        runnable: Runnable[Any, Any],
        bus: EventBus,
        *,
        persona: str | None = None,
        prompt: Runnable[dict[str, Any], Any] | None = None,
        history: int = 3,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not isinstance(runnable, Runnable):
            raise TypeError(
                "runnable must be a LangChain Runnable (a chat model or a chain), "
                f"not {type(runnable).__name__}"
            )
        if prompt is not None and not isinstance(prompt, Runnable):
            raise TypeError(
                f"prompt must be a Runnable such as a ChatPromptTemplate, not {prompt!r}"
            )
        if not isinstance(timeout, (int, float)) or not (math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        if not isinstance(history, int) or history < 0:
            raise ValueError(f"history must be a whole number >= 0, not {history!r}")
        if persona is not None and not isinstance(persona, str):
            raise TypeError(f"persona must be a string or None, not {persona!r}")
        self.runnable = runnable
        self.bus = bus
        self.persona = persona
        self.timeout = float(timeout)
        self.history = history
        self._clock = clock
        self._chain: Runnable[dict[str, Any], Any] = (prompt or default_prompt()) | runnable
        self._jobs: dict[int, _Job] = {}
        self._threads: list[threading.Thread] = []
        self._past: dict[str, deque[tuple[str, str]]] = {}
        self._closed = False
        # Bound methods: held weakly by the bus, so a dropped brain unsubscribes itself.
        self._subscriptions = [
            bus.subscribe(LLMStarted, self._on_started),
            bus.subscribe(LLMToken, self._on_token),
            bus.subscribe(LLMEnded, self._on_llm_ended),
            bus.subscribe(LLMFailed, self._on_llm_failed),
            bus.subscribe(ReplyDone, self._on_done),
            bus.subscribe(ReplyFailed, self._on_failed),
            bus.subscribe(ReplyCancelled, self._on_cancelled),
            bus.subscribe(FixedUpdate, self._on_tick),
        ]

    # -- the protocol (game thread) ----------------------------------------

    def ask(self, text: str, context: ChatContext, callbacks: ReplyCallbacks) -> ReplyRequest:
        """Start streaming a reply to ``text`` on a worker thread; return at once.

        Raises ``RuntimeError`` after :meth:`close` (its replies could never arrive).
        """
        if self._closed:
            raise RuntimeError("this LangChainBrain is closed: make a new one")
        job: _Job | None = None

        def forget() -> None:  # ReplyRequest.cancel() calls this on the game thread
            if job is not None:
                self._jobs.pop(job.id, None)
                job.cancel("cancelled")

        request = ReplyRequest(callbacks, on_cancel=forget)
        job = _Job(request, self.bus, context.npc_name, text, self._clock())
        inputs = {
            "input": text,
            "persona": self.persona if self.persona is not None else default_persona(context),
            "facts": facts_text(context),
            "history": self._history_messages(context.npc_name),
        }
        config: RunnableConfig = {
            "callbacks": [ReplyHandler(job)],
            "run_name": "callback-quest-npc-reply",
            "tags": ["callback-quest"],
            "metadata": {"npc": context.npc_name, "request_id": job.id},
        }
        self._jobs[job.id] = job
        self._threads = [t for t in self._threads if t.is_alive()]
        job.thread = threading.Thread(
            target=self._work, args=(job, inputs, config), name=f"npc-reply-{job.id}", daemon=True
        )
        self._threads.append(job.thread)
        job.thread.start()
        return request

    def poll(self) -> int:
        """Time out replies silent for ``timeout`` seconds; return how many. Game thread."""
        if not self._jobs:
            return 0
        now = self._clock()
        expired = [job for job in self._jobs.values() if now - job.last_seen >= self.timeout]
        for job in expired:
            del self._jobs[job.id]
            job.cancel("timeout")
            log.warning(
                "reply %d timed out: no token for %.1f s (question %r)",
                job.id,
                now - job.last_seen,
                job.player_text[:60],
            )
            job.request.fail(LOST_THOUGHT[job.lang])
        return len(expired)

    @property
    def pending(self) -> int:
        """How many replies are in flight (not yet ended, failed, timed out or cancelled)."""
        return len(self._jobs)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker threads to finish; return whether all did (shutdown, tests)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in list(self._threads):
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            thread.join(remaining)
        self._threads = [t for t in self._threads if t.is_alive()]
        return not self._threads

    def close(self) -> None:
        """Cancel every reply in flight and unsubscribe from the bus. Idempotent."""
        self._closed = True
        for job in list(self._jobs.values()):
            job.cancel("closed")
            job.request.cancel()
        self._jobs.clear()
        for sub in self._subscriptions:
            sub.cancel()

    # -- the worker thread ----------------------------------------------------

    def _work(self, job: _Job, inputs: dict[str, Any], config: RunnableConfig) -> None:
        final: ReplyFinished = ReplyCancelled(job.id, "interrupted")
        stream: Iterator[Any] | None = None
        try:
            if not job.stop.is_set():
                stream = self._chain.stream(inputs, config=config)
                for chunk in stream:
                    if job.stop.is_set():  # checked between chunks
                        break
                    job.streamed(_text_of(chunk))
            if job.stop.is_set():
                final = ReplyCancelled(job.id, job.stop_reason)
            else:
                final = ReplyDone(job.id, job.text)
        except Exception as exc:
            if job.stop.is_set():
                final = ReplyCancelled(job.id, job.stop_reason)
            else:
                log.warning("reply %d failed: %r", job.id, exc, exc_info=exc)
                final = ReplyFailed(job.id, f"{type(exc).__name__}: {exc}")
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                try:
                    close()  # stops the model's generator (and its HTTP stream)
                except Exception:
                    log.exception("closing the stream of reply %d failed", job.id)
            # Posted even when cancelled: exactly one final event per request.
            self.bus.post(final)

    # -- events, delivered on the game thread by bus.flush() ---------------------

    def _live_job(self, request_id: int) -> _Job | None:
        job = self._jobs.get(request_id)
        if job is None or not job.request.active:
            return None  # stale: cancelled, timed out, or another brain's request
        return job

    def _on_started(self, event: LLMStarted) -> None:
        job = self._live_job(event.request_id)
        if job is not None:
            job.request.start()

    def _on_token(self, event: LLMToken) -> None:
        job = self._live_job(event.request_id)
        if job is not None:
            job.last_seen = self._clock()
            job.request.token(event.token)

    def _on_llm_ended(self, event: LLMEnded) -> None:
        if self._live_job(event.request_id) is not None:
            log.debug("reply %d: model call ended", event.request_id)

    def _on_llm_failed(self, event: LLMFailed) -> None:
        if self._live_job(event.request_id) is not None:
            log.debug("reply %d: model call failed: %s", event.request_id, event.error)

    def _on_done(self, event: ReplyDone) -> None:
        job = self._finish(event.request_id)
        if job is None:
            return
        if not event.text.strip():
            log.warning("reply %d: the model returned an empty reply", job.id)
            job.request.fail(APOLOGY[job.lang])
            return
        job.request.end(event.text)
        self._remember(job, event.text)

    def _on_failed(self, event: ReplyFailed) -> None:
        job = self._finish(event.request_id)
        if job is not None:
            job.request.fail(APOLOGY[job.lang])

    def _on_cancelled(self, event: ReplyCancelled) -> None:
        self._finish(event.request_id)

    def _on_tick(self, _event: FixedUpdate) -> None:
        self.poll()

    def _finish(self, request_id: int) -> _Job | None:
        job = self._jobs.pop(request_id, None)
        if job is None or not job.request.active:
            return None
        return job

    # -- history --------------------------------------------------------------

    def _history_messages(self, npc: str) -> list[BaseMessage]:
        messages: list[BaseMessage] = []
        for question, answer in self._past.get(npc, ()):
            messages += [HumanMessage(question), AIMessage(answer)]
        return messages

    def _remember(self, job: _Job, answer: str) -> None:
        if self.history == 0:
            return
        past = self._past.setdefault(job.npc, deque(maxlen=self.history))
        past.append((job.player_text, answer))

    def __repr__(self) -> str:
        return f"<LangChainBrain {type(self.runnable).__name__} pending={self.pending}>"


# -- the offline demo model -----------------------------------------------------

FAKE_REPLIES_EN: Sequence[str] = (
    "Every coin you grab fires a callback. I just listen for the event.",
    "I never wait for you: I subscribe, and the bus calls me back.",
    "Each word I say is a token from a callback, drained once per tick.",
    "Timers, collisions, your keys: all callbacks on one event bus.",
    "The loop runs in fixed steps; my reply streams in between them.",
)
FAKE_REPLIES_ZH: Sequence[str] = (
    "你每捡起一枚金币，就会触发一个回调。我只是在监听事件。",
    "我从不等你：我订阅了事件，总线会回调我。",
    "我说的每个字都来自一个回调，每一帧取出一次。",
    "计时器、碰撞、你的按键：全都是同一条事件总线上的回调。",
    "游戏循环按固定步长运行，我的回答在步与步之间流出来。",
)


def _last_text(value: object) -> str:
    if isinstance(value, PromptValue):
        messages = value.to_messages()
        return str(messages[-1].text) if messages else ""
    if isinstance(value, Sequence) and value and isinstance(value[-1], BaseMessage):
        return str(value[-1].text)
    return str(value)


def fake_llm_runnable(
    *,
    delay: float = 0.035,
    english: Sequence[str] = FAKE_REPLIES_EN,
    chinese: Sequence[str] = FAKE_REPLIES_ZH,
) -> Runnable[Any, Any]:
    """An offline chat model: canned replies about callbacks, streamed one character at a time.

    Built on langchain-core's ``FakeListChatModel`` (which sleeps ``delay``
    seconds before each character, on the worker thread, so the bubble fills
    at a visible pace); it answers in Chinese when the player writes Chinese.
    Raises ``ValueError`` for a negative ``delay`` or an empty reply list.
    """
    if not (math.isfinite(delay) and delay >= 0):
        raise ValueError(f"delay must be a number of seconds >= 0, not {delay!r}")
    for name, replies in (("english", english), ("chinese", chinese)):
        if not replies:
            raise ValueError(f"{name} must hold at least one reply")
    models = {
        "en": FakeListChatModel(responses=list(english), sleep=delay or None),
        "zh": FakeListChatModel(responses=list(chinese), sleep=delay or None),
    }

    def choose(prompt: object) -> Runnable[Any, Any]:
        return models["zh" if has_cjk(_last_text(prompt)) else "en"]

    return RunnableLambda(choose, name="fake-llm")
