"""The LangChain brain: a chat model's tokens reach the NPC through callbacks.

Optional: this module needs the ``llm`` extra (``langchain-core``) and is
imported only when this brain is chosen (see :mod:`game.npc.brain_spec`).

How a reply travels (``docs/langchain.md`` has the full picture)::

    game thread                          the brain's thread (one asyncio event loop)
    ask() ── call_soon_threadsafe ─────► task: (prompt | model).astream(inputs, callbacks=[handler])
                                           on_chat_model_start ─► bus.post(LLMStarted)
                                           on_llm_new_token    ─► bus.post(LLMToken)
                                           on_llm_end / error  ─► bus.post(LLMEnded / LLMFailed)
                                           finally             ─► bus.post(ReplyDone | ReplyFailed
                                                                           | ReplyCancelled)
    loop phase 3, FixedUpdate ─► poll(): time out silent replies (cancels the task)
    loop phase 5, bus.flush() ─► ReplyRequest.start / token / end / fail ─► the NPC's callbacks

The brain's thread only ever *posts*; every NPC callback runs on the game
thread, in order, when the loop flushes the bus. Cancelling a reply (the
player spoke again, walked away, the reply timed out, the game closed)
cancels its asyncio task, which interrupts even a read that is waiting for a
hung server and closes the HTTP stream; no retry is sent after that.

Source of truth: the chunks that ``astream()`` yields. The callback handler's
tokens arrive first (LangChain calls ``on_llm_new_token`` before it yields
the chunk), so they drive the live reveal; but a runnable that does not
stream, or whose output differs from what its model said (an output parser,
a second model call), is corrected by the chunks: text the chunks add beyond
what was shown is revealed as a token, and ``on_end`` always carries the
chunks' whole text (cut to ``max_chars`` at a sentence end).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import math
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

from game.engine.events import Event, EventBus
from game.engine.loop import FixedUpdate
from game.npc.brain import Action, ChatContext, ReplyCallbacks, ReplyRequest, has_cjk
from game.npc.brain_spec import MissingExtraError
from game.npc.dialogue import Dialogue
from game.npc.grounding import action_line, cut_reply, facts_text, knowledge, persona_of
from game.npc.rule_brain import live_answer

try:
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.language_models import FakeListChatModel
    from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
    from langchain_core.outputs import ChatGenerationChunk, GenerationChunk, LLMResult
    from langchain_core.prompt_values import PromptValue
    from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
    from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda
    from langchain_core.tools import BaseTool, StructuredTool
except ImportError as exc:  # pragma: no cover - exercised by a test that hides the package
    raise MissingExtraError(str(exc)) from exc

__all__ = [
    "ACKNOWLEDGE",
    "APOLOGY",
    "LOST_THOUGHT",
    "NPC_ACTIONS",
    "LLMEnded",
    "LLMFailed",
    "LLMStarted",
    "LLMToken",
    "LangChainBrain",
    "LangChainEvent",
    "MessageHistory",
    "NpcMemory",
    "ReplyCancelled",
    "ReplyDone",
    "ReplyFailed",
    "ReplyFinished",
    "ReplyHandler",
    "ReplyStats",
    "default_prompt",
    "fake_llm_runnable",
    "npc_tools",
]

log = logging.getLogger(__name__)

#: What the NPC says when the model goes silent for ``timeout`` seconds.
LOST_THOUGHT = {"en": "…I lost my train of thought.", "zh": "……我走神了，刚才说到哪儿了？"}
#: What the NPC says when the model (or the chain around it) fails.
APOLOGY = {
    "en": "Sorry, my thoughts got tangled. Ask me again?",
    "zh": "抱歉，我的思路乱了。能再问我一次吗？",
}
#: The actions a model may ask for with a tool call; the NPC performs them as the rule brain's.
NPC_ACTIONS = tuple(action.value for action in Action)
#: What the NPC says when the model called a tool but said nothing (and the dialogue has no line).
ACKNOWLEDGE = {
    "dance": {"en": "Watch this!", "zh": "看我的！"},
    "follow": {"en": "Lead the way, I'm right behind you.", "zh": "走吧，我跟着你。"},
    "stop_dance": {"en": "All right, no more dancing.", "zh": "好，我不跳了。"},
    "stop_follow": {"en": "All right, I'll stay here.", "zh": "好，我就待在这儿。"},
}


# -- events: posted from the brain's thread, delivered on the game thread ----


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
    """The stream ended; ``text`` is what it yielded (cut to the cap), ``action`` a tool called."""

    text: str
    action: str | None = None


@dataclass(frozen=True, slots=True)
class ReplyFailed(ReplyFinished):
    """The model, the prompt or the chain raised; ``error`` describes it (for logs)."""

    error: str


@dataclass(frozen=True, slots=True)
class ReplyCancelled(ReplyFinished):
    """The task stopped early; ``reason`` is ``"cancelled"``, ``"timeout"`` or ``"closed"``."""

    reason: str


@dataclass(slots=True)
class ReplyStats:
    """How the brain's replies ended, counted on the game thread (for the headless summary)."""

    #: Answers delivered with ``on_end`` (not apologies).
    completed: int = 0
    #: Replies that ended with the apology: the model or the chain raised, or said nothing.
    failed: int = 0
    #: Replies that went silent for ``timeout`` seconds.
    timed_out: int = 0
    #: Replies dropped while in flight: the player spoke again or left, or the brain closed.
    cancelled: int = 0
    #: Seconds from the question to the first token, per reply that had one.
    first_token: list[float] = field(default_factory=list)

    @property
    def median_first_token(self) -> float | None:
        """Median seconds to the first token, or ``None`` before any token."""
        return statistics.median(self.first_token) if self.first_token else None


# -- one reply in flight ------------------------------------------------------


class _Job:
    """State shared by the game thread and the brain's thread for one reply (locked)."""

    def __init__(
        self,
        request: ReplyRequest,
        bus: EventBus,
        npc: str,
        text: str,
        now: float,
        *,
        max_chars: int = 10**9,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.request = request
        self.id = request.id
        self.npc = npc
        self.player_text = text
        self.lang = "zh" if has_cjk(text) else "en"
        self.max_chars = max_chars
        self.asked_at = now
        #: Clock reading at the question or the last token (written by both threads).
        self.last_seen = now
        self.first_token_at: float | None = None
        #: The intent the rule brain's understanding found in the line, reported on success.
        self.intent: str | None = None
        self.stop = threading.Event()
        self.stop_reason = "cancelled"
        #: Set when the task has ended and its final event is posted.
        self.finished = threading.Event()
        self.final_posted = False
        self.task: asyncio.Task[None] | None = None
        self._clock = clock
        self._bus = bus
        self._lock = threading.Lock()
        self._shown = ""  # posted as LLMToken so far
        self._heard = ""  # from on_llm_new_token
        self._streamed = ""  # from the chunks: the truth
        self._message: AIMessageChunk | None = None  # the chunks as one message (tool calls)
        self._trust_callbacks = True
        self._live = True

    def cancel(self, reason: str) -> None:
        if not self.stop.is_set():
            self.stop_reason = reason
            self.stop.set()

    @property
    def text(self) -> str:
        """The reply so far, from the chunks, cut to ``max_chars`` at a sentence end."""
        with self._lock:
            return cut_reply(self._streamed, self.max_chars)

    @property
    def full(self) -> bool:
        """The chunks went past ``max_chars``: the stream may stop.

        Past, not up to: a reply exactly ``max_chars`` long may be whole or may go
        on, and only the next character tells. Once past, :attr:`text` depends on
        the first ``max_chars`` characters alone, so the cut reply is the same
        however the model chunked it and however far the stream ran ahead.
        """
        return len(self._streamed) > self.max_chars

    @property
    def shown_anything(self) -> bool:
        return bool(self._shown)

    def action(self) -> str | None:
        """The first NPC action the model asked for with a tool call, if any."""
        message = self._message
        for call in message.tool_calls if message is not None else ():
            if call.get("name") in NPC_ACTIONS:
                return str(call["name"])
        return None

    def restart(self) -> None:
        """Forget a failed attempt that showed nothing (before trying again)."""
        with self._lock:
            self._heard = self._streamed = ""
            self._message = None
            self._trust_callbacks = self._live = True

    def post(self, event: Event) -> None:
        if not self.stop.is_set():
            self._bus.post(event)

    def heard(self, token: str) -> None:
        """A token from the callback handler (the brain's thread, or a LangChain executor)."""
        with self._lock:
            if self.stop.is_set() or not (self._live and self._trust_callbacks):
                return
            self._heard += token
            if not self._reveal(self._heard):
                # The callbacks disagree with what the chunks showed (e.g. a
                # model call whose output is not the reply): stop following them.
                self._trust_callbacks = False

    def streamed(self, chunk: object) -> None:
        """A chunk from ``astream()`` (the brain's thread): its text, and its tool calls."""
        if isinstance(chunk, AIMessageChunk):
            self._message = chunk if self._message is None else self._message + chunk
        text = _text_of(chunk)
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
        seen = seen[: self.max_chars]
        shown = self._shown
        if seen.startswith(shown):
            if len(seen) > len(shown):
                self._shown = seen
                now = self._clock()
                self.last_seen = now
                if self.first_token_at is None:
                    self.first_token_at = now
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


def _describe(exc: BaseException) -> str:
    """One short line for the log: the error's type and the first line of its message."""
    lines = str(exc).strip().splitlines()
    message = lines[0][:200] if lines else ""
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


class ReplyHandler(BaseCallbackHandler):
    """LangChain callbacks of one reply, turned into events posted to the bus.

    Runs on the brain's thread (``run_inline``: called in order, right where
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
        """One model call failed; the reply's task posts the final ReplyFailed."""
        self._job.post(LLMFailed(self._job.id, f"{type(error).__name__}: {error}"))


# -- the prompt and the tools -------------------------------------------------------


def default_prompt() -> ChatPromptTemplate:
    """Persona, guidance, knowledge and live facts in the system message, history, the player.

    Everything that varies is a *variable* (``persona``, ``guidance``,
    ``knowledge``, ``facts``, ``history``, ``input``), never formatted into
    the template, so a player typing ``{name}`` or ``}}{{`` reaches the model
    as typed.
    """
    return ChatPromptTemplate.from_messages(
        [
            (
                "system",
                "{persona}\n\n{guidance}\n\n"
                "What you know that fits the player's line:\n{knowledge}\n\n"
                "The game right now:\n{facts}",
            ),
            MessagesPlaceholder("history", optional=True),
            ("human", "{input}"),
        ]
    )


def guidance(max_chars: int, tools: bool) -> str:
    """How to answer: short, in the player's language, from the facts given, tools if bound."""
    text = (
        f"Answer in one to three short sentences (at most {max_chars} characters), in the "
        "language the player writes in (English or Chinese). For anything about the game "
        "use only what is written below; if you do not know, say so in character."
    )
    if tools:
        text += (
            " When the player asks you to dance, to follow them, or to stop dancing or "
            "following, call the matching tool, and say a few words too."
        )
    return text


#: When the model should call each action's tool (its description).
_TOOL_DESCRIPTIONS = {
    Action.DANCE: "Dance on the spot for a moment. Call it when the player asks you to dance.",
    Action.FOLLOW: "Follow the player around for a while. Call it when the player asks you "
    "to follow them or to come along.",
    Action.STOP_DANCE: "Stop dancing. Call it when the player asks you to stop dancing.",
    Action.STOP_FOLLOW: "Stop following the player and walk home. Call it when the player "
    "asks you to stop following them, or to stay.",
}


def npc_tools() -> list[BaseTool]:
    """The NPC's actions (:class:`~game.npc.brain.Action`) as LangChain tools, one each.

    The model calls them; the brain never runs them: the call's name becomes the
    reply's ``action`` and the NPC performs it, as it does the rule brain's.
    """
    return [
        StructuredTool.from_function(
            func=lambda: "ok", name=action.value, description=_TOOL_DESCRIPTIONS[action]
        )
        for action in Action
    ]


#: Names of the token-limit field of the common chat model integrations.
_TOKEN_LIMIT_FIELDS = ("max_tokens", "num_predict", "max_output_tokens", "max_new_tokens")


def _limit_tokens(model: Runnable[Any, Any], max_tokens: int | None) -> Runnable[Any, Any]:
    """``model`` with its token limit set to ``max_tokens``, where it has one and it is unset."""
    fields = getattr(type(model), "model_fields", {})
    if max_tokens is None or not hasattr(model, "model_copy"):
        return model
    for name in _TOKEN_LIMIT_FIELDS:
        if name in fields and getattr(model, name, None) is None:
            # A shallow copy: the same HTTP clients, one more setting.
            copied: Runnable[Any, Any] = model.model_copy(update={name: max_tokens})
            return copied
    return model


def _bind_tools(model: Runnable[Any, Any]) -> Runnable[Any, Any] | None:
    """``model.bind_tools(npc_tools())``, or ``None`` for a model without tool calling."""
    bind = getattr(model, "bind_tools", None)
    if bind is None:
        return None
    try:
        bound: Runnable[Any, Any] = bind(npc_tools())
    except NotImplementedError:
        return None  # BaseChatModel's default: this model has no tool calling
    except Exception as exc:
        log.info("the model takes no tools (%s); the NPC chats without actions", _describe(exc))
        return None
    return bound


def _refused_tools(exc: BaseException) -> bool:
    # Ollama answers 400 "<model> does not support tools"; OpenAI-style servers
    # say "tools" or "tool_choice" is not supported. Either way, chat without.
    message = str(exc).lower()
    return "tool" in message and ("support" in message or "not allowed" in message)


def _async_http_clients(*roots: object) -> list[Any]:
    """The async HTTP clients a model holds (its SDK client's, a few attributes down).

    Both ``httpx.AsyncClient`` and ``httpx2.AsyncClient`` (the fork newer
    ``openai`` releases use) count; a library missing here is skipped.
    """
    kinds: list[type] = []
    for name in ("httpx", "httpx2"):
        try:
            kinds.append(importlib.import_module(name).AsyncClient)
        except (ImportError, AttributeError):
            continue
    if not kinds:
        return []
    client_types = tuple(kinds)
    found: list[Any] = []
    seen: set[int] = set()

    def visit(obj: object, depth: int) -> None:
        if id(obj) in seen or depth > 4 or isinstance(obj, (str, bytes, int, float, type)):
            return
        seen.add(id(obj))
        if isinstance(obj, client_types):
            found.append(obj)
            return
        values: list[object] = []
        if isinstance(obj, (list, tuple)):
            values += obj
        for holder in (getattr(obj, "__dict__", None), getattr(obj, "__pydantic_private__", None)):
            if isinstance(holder, dict):
                values += holder.values()
        for value in values:
            visit(value, depth + 1)

    for root in roots:
        visit(root, 0)
    return found


async def _close_idle_connections(clients: Iterable[Any]) -> None:
    """Close the pooled (kept-alive) connections of ``clients``; the clients stay usable.

    A pooled connection belongs to the event loop that opened it, which ends
    with the brain; closing the pool (not the client, which another model may
    share: langchain-openai caches one per base URL) leaves no socket open.
    """
    for client in clients:
        transports = [getattr(client, "_transport", None)]
        transports += list(getattr(client, "_mounts", {}).values())
        for transport in transports:
            pool = getattr(transport, "_pool", None)
            if pool is None or not hasattr(pool, "aclose"):
                continue
            try:
                await pool.aclose()
            except Exception as exc:  # best effort: the loop ends anyway
                log.debug("closing an HTTP connection pool failed: %s", _describe(exc))


# -- memory ---------------------------------------------------------------------


class MessageHistory(Protocol):
    """The message-history interface of LangChain's ``BaseChatMessageHistory``.

    Any of LangChain's chat message histories fits (a database-backed one, for
    memory across runs); the brain only reads ``messages`` and calls
    ``add_messages``. (langchain-core 1.6.4 deprecated the base class itself
    in favour of LangGraph's persistence; the brain keeps to the interface, so
    it neither needs LangGraph nor warns.)
    """

    @property
    def messages(self) -> list[BaseMessage]:
        """The messages so far, oldest first."""
        ...

    def add_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Append ``messages``."""
        ...


class NpcMemory:
    """An NPC's conversation, in memory: the last ``size`` messages (a bounded deque).

    Has ``BaseChatMessageHistory``'s interface: ``messages``, ``add_message``,
    ``add_messages``, ``clear``. Raises ``ValueError`` for a negative ``size``.
    """

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError(f"size must be >= 0 messages, not {size!r}")
        self._messages: deque[BaseMessage] = deque(maxlen=size)

    @property
    def messages(self) -> list[BaseMessage]:
        """The messages kept, oldest first."""
        return list(self._messages)

    def add_message(self, message: BaseMessage) -> None:
        """Append one message (the oldest falls out when full)."""
        self._messages.append(message)

    def add_messages(self, messages: Sequence[BaseMessage]) -> None:
        """Append ``messages`` in order."""
        self._messages.extend(messages)

    def clear(self) -> None:
        """Forget everything."""
        self._messages.clear()


# -- the brain ------------------------------------------------------------------


class LangChainBrain:
    """A brain that streams a LangChain ``Runnable``'s reply into the NPC's callbacks.

    ``runnable`` receives the prompt's output (a chat prompt value), so a chat
    model fits as is; ``prompt`` replaces :func:`default_prompt` (it receives
    the variables ``input``, ``persona``, ``guidance``, ``knowledge``,
    ``facts`` and ``history``).

    Grounding: for an NPC registered with :meth:`add_npc` (its
    :class:`~game.npc.dialogue.Dialogue`), the persona comes from the dialogue
    file, the knowledge from the replies of the rule brain's best-matching
    intent, and the player's name from the line that told it; ``persona``
    replaces the persona for every NPC. ``history`` is how many past exchanges
    per NPC identity (its dialogue key, whatever the language) the prompt
    carries (0: none), kept in a :class:`MessageHistory` (LangChain's
    message-history interface) per NPC made by ``history_factory(npc_key)``;
    by default an :class:`NpcMemory` of ``2 * history`` messages.
    :meth:`history_of` returns it.

    Bounds: ``max_tokens`` is set on the model when it has a token-limit field
    left unset (``max_tokens``, ``num_predict``, …); ``max_chars`` cuts the
    reply at a sentence end and stops the stream there. ``tools=True`` offers
    the NPC's actions (:func:`npc_tools`) to a model that supports tool calling
    (``bind_tools``); a model without it just chats.

    A reply that stays silent for ``timeout`` seconds of ``clock`` (no token
    since the question or the last token) ends with :data:`LOST_THOUGHT` and
    its task is cancelled; it is checked on the game thread every
    ``FixedUpdate`` (or by calling :meth:`poll`). This holds whatever the
    model's own client timeouts and retries are.

    Raises ``TypeError`` for a ``runnable`` or ``prompt`` that is not a
    ``Runnable`` or a ``persona`` that is not a string, ``ValueError`` for a
    ``timeout`` that is not a positive number, a negative ``history``, or a
    ``max_tokens`` / ``max_chars`` below 1 / 20.
    """

    #: Seconds :meth:`close` waits for the brain's thread to end.
    CLOSE_TIMEOUT = 1.0

    def __init__(
        self,
        runnable: Runnable[Any, Any],
        bus: EventBus,
        *,
        persona: str | None = None,
        prompt: Runnable[dict[str, Any], Any] | None = None,
        history: int = 6,
        timeout: float = 30.0,
        max_tokens: int | None = 200,
        max_chars: int = 280,
        tools: bool = True,
        npcs: Iterable[Dialogue] = (),
        history_factory: Callable[[str], MessageHistory] | None = None,
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
        if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens < 1):
            raise ValueError(f"max_tokens must be a whole number >= 1 or None, not {max_tokens!r}")
        if not isinstance(max_chars, int) or max_chars < 20:
            raise ValueError(f"max_chars must be a whole number >= 20, not {max_chars!r}")
        if persona is not None and not isinstance(persona, str):
            raise TypeError(f"persona must be a string or None, not {persona!r}")
        self.bus = bus
        self.persona = persona
        self.timeout = float(timeout)
        self.history = history
        self.max_tokens = max_tokens
        self.max_chars = max_chars
        self.runnable = _limit_tokens(runnable, max_tokens)
        self.stats = ReplyStats()
        self._clock = clock
        self._prompt = prompt or default_prompt()
        self._chain: Runnable[dict[str, Any], Any] = self._prompt | self.runnable
        self._tool_model = _bind_tools(self.runnable) if tools else None
        self._tool_chain = None if self._tool_model is None else self._prompt | self._tool_model
        self._npcs: dict[str, Dialogue] = {}
        self._player_names: dict[str, str] = {}
        self._histories: dict[str, MessageHistory] = {}
        self._history_factory = history_factory or (lambda _key: NpcMemory(2 * history))
        self._jobs: dict[int, _Job] = {}  # active requests (game thread)
        self._running: list[_Job] = []  # jobs whose task has not ended yet (game thread)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._closed = False
        #: When True, a reply's model call starts at the next :meth:`wait`, not in
        #: :meth:`ask`: a headless run asks during a tick and waits between ticks,
        #: so nothing the model says can slip into the tick in which it was asked
        #: (how much would depends on the machine's speed).
        self.defer_start = False
        self._deferred: list[tuple[_Job, dict[str, Any], RunnableConfig, bool]] = []
        for dialogue in npcs:
            self.add_npc(dialogue)
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

    @property
    def tools(self) -> bool:
        """Whether the model is offered the NPC's actions as tools."""
        return self._tool_chain is not None

    def add_npc(self, dialogue: Dialogue) -> None:
        """Ground the replies of the NPC ``dialogue.key`` in its dialogue file."""
        self._npcs[dialogue.key] = dialogue

    def history_of(self, npc_key: str) -> MessageHistory:
        """The message history of the NPC ``npc_key`` (made on first use)."""
        found = self._histories.get(npc_key)
        if found is None:
            found = self._histories[npc_key] = self._history_factory(npc_key)
        return found

    # -- the protocol (game thread) ----------------------------------------

    def ask(self, text: str, context: ChatContext, callbacks: ReplyCallbacks) -> ReplyRequest:
        """Start streaming a reply to ``text`` on the brain's thread; return at once.

        Raises ``RuntimeError`` after :meth:`close` (its replies could never arrive).
        """
        if self._closed:
            raise RuntimeError("this LangChainBrain is closed: make a new one")
        job: _Job | None = None

        def forget() -> None:  # ReplyRequest.cancel() calls this on the game thread
            if job is not None and self._jobs.pop(job.id, None) is not None:
                self.stats.cancelled += 1
                self._stop(job, "closed" if self._closed else "cancelled")

        request = ReplyRequest(callbacks, on_cancel=forget)
        key = self._identity(context)
        dialogue = self._npcs.get(key)
        # The rule brain's understanding of the line: its topic grounds the answer,
        # a name it gives ("my name is Sam") is remembered, and its intent is what
        # the NPC reports having understood (a quest step may wait for it).
        match = dialogue.match(text) if dialogue is not None else None
        if match is not None and match.name:
            self._player_names[key] = match.name
        player = self._player_names.get(key) or context.player_name
        job = _Job(
            request,
            self.bus,
            key,
            text,
            self._clock(),
            max_chars=self.max_chars,
            clock=self._clock,
        )
        job.intent = match.intent.name if match is not None and match.intent is not None else None
        # "what just happened?" is answered from the running bus, as the rule brain
        # answers it; the model is given that answer instead of the topic's.
        language = match.language if match is not None else job.lang
        live = live_answer(text, match.intent if match is not None else None, language, context)
        known = [live] if live is not None else knowledge(dialogue, match, context, player)
        use_tools = self._tool_chain is not None
        inputs = {
            "input": text,
            "persona": self.persona if self.persona is not None else persona_of(dialogue, context),
            "guidance": guidance(self.max_chars, use_tools),
            "knowledge": "\n".join(f"- {line}" for line in known)
            or "- nothing in particular: answer from who you are, briefly",
            "facts": facts_text(context, player),
            "history": self._history_messages(key),
        }
        config: RunnableConfig = {
            "callbacks": [ReplyHandler(job)],
            "run_name": "callback-quest-npc-reply",
            "tags": ["callback-quest"],
            "metadata": {"npc": key, "request_id": job.id},
        }
        self._jobs[job.id] = job
        self._running = [j for j in self._running if not j.finished.is_set()]
        self._running.append(job)
        if self.defer_start:
            self._deferred.append((job, inputs, config, use_tools))
        else:
            self._ensure_loop().call_soon_threadsafe(self._start, job, inputs, config, use_tools)
        return request

    def poll(self) -> int:
        """Time out replies silent for ``timeout`` seconds; return how many. Game thread."""
        if not self._jobs:
            return 0
        now = self._clock()
        expired = [job for job in self._jobs.values() if now - job.last_seen >= self.timeout]
        for job in expired:
            del self._jobs[job.id]
            self._stop(job, "timeout")
            self.stats.timed_out += 1
            self._timing(job)
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

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every reply's task has ended and posted its final event, or ``timeout``
        seconds of wall time passed; return whether all ended.

        The final events still wait in the bus queue: the next ``bus.flush()``
        (phase 5 of the next tick) delivers them. Headless runs call this
        between ticks so a reply takes no game time, and tests to meet the
        brain's thread without sleeping. Replies deferred by
        :attr:`defer_start` start now.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        deferred, self._deferred = self._deferred, []
        for job, inputs, config, use_tools in deferred:
            self._ensure_loop().call_soon_threadsafe(self._start, job, inputs, config, use_tools)
        for job in list(self._running):
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            job.finished.wait(remaining)
        self._running = [j for j in self._running if not j.finished.is_set()]
        return not self._running

    def join(self, timeout: float | None = None) -> bool:
        """Like :meth:`wait`; after :meth:`close` also wait for the brain's thread to end."""
        deadline = None if timeout is None else time.monotonic() + timeout
        ended = self.wait(timeout)
        thread = self._thread
        if self._closed and thread is not None:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            ended = ended and not thread.is_alive()
        return ended

    @property
    def thread(self) -> threading.Thread | None:
        """The brain's event-loop thread (started by the first :meth:`ask`), or ``None``."""
        return self._thread

    def close(self) -> None:
        """Cancel every reply in flight, close the model's idle HTTP connections, end the thread.

        Waits at most :attr:`CLOSE_TIMEOUT` seconds for the thread. Idempotent.
        """
        if self._closed:
            return
        self._closed = True
        for job in list(self._jobs.values()):
            job.request.cancel()  # counted as cancelled; cancels the task
        self._jobs.clear()
        for job, *_ in self._deferred:  # never started: nothing to stop
            job.finished.set()
        self._deferred.clear()
        for sub in self._subscriptions:
            sub.cancel()
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        except RuntimeError:  # the loop already ended
            return
        thread.join(self.CLOSE_TIMEOUT)
        if thread.is_alive():
            log.warning(
                "the LangChain brain's thread did not end within %.1f s", self.CLOSE_TIMEOUT
            )

    # -- the brain's thread ----------------------------------------------------

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            # A model without async support runs its sync code here (LangChain's
            # run_in_executor); such a call cannot be interrupted, a real client's can.
            self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="npc-brain-sync")
            loop.set_default_executor(self._executor)
            self._thread = threading.Thread(
                target=self._run_loop, args=(loop,), name="npc-brain", daemon=True
            )
            self._loop = loop
            self._thread.start()
        return self._loop

    def _run_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()
                if self._executor is not None:
                    # Idle helper threads end at once; a sync model still inside
                    # a call keeps this thread (close() then logs a warning).
                    self._executor.shutdown(wait=True, cancel_futures=True)

    async def _shutdown(self) -> None:
        current = asyncio.current_task()
        for task in asyncio.all_tasks():
            if task is not current and task.get_name().startswith("npc-reply-"):
                task.cancel()
        # Let the rest finish too: among them the loop's own tasks that close
        # async generators a cancelled reply left suspended (the SDK's stream).
        others = [task for task in asyncio.all_tasks() if task is not current]
        if others:
            _, stuck = await asyncio.wait(others, timeout=self.CLOSE_TIMEOUT / 2)
            for task in stuck:
                log.debug("closing: cancelling %r", task)
                task.cancel()
        await _close_idle_connections(_async_http_clients(self.runnable, self._tool_model))
        asyncio.get_running_loop().stop()

    def _stop(self, job: _Job, reason: str) -> None:
        """Stop ``job``: no more of its events are posted, and its task is cancelled."""
        job.cancel(reason)
        loop = self._loop
        if loop is not None and not loop.is_closed():
            # RuntimeError: the loop closed meanwhile, and the task ended with it.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._cancel_task, job)

    @staticmethod
    def _cancel_task(job: _Job) -> None:
        if job.task is not None:
            job.task.cancel()

    def _start(
        self, job: _Job, inputs: dict[str, Any], config: RunnableConfig, use_tools: bool
    ) -> None:
        """On the brain's thread: start the reply's task (unless it was cancelled already)."""
        if job.stop.is_set():
            self._post_final(job, ReplyCancelled(job.id, job.stop_reason))
            job.finished.set()
            return
        task = asyncio.get_running_loop().create_task(
            self._reply(job, inputs, config, use_tools), name=f"npc-reply-{job.id}"
        )
        job.task = task

        def ended(_task: asyncio.Task[None]) -> None:
            # A task cancelled before its first step never ran its finally.
            self._post_final(job, ReplyCancelled(job.id, job.stop_reason))
            job.finished.set()

        task.add_done_callback(ended)

    def _post_final(self, job: _Job, final: ReplyFinished) -> None:
        if not job.final_posted:
            job.final_posted = True
            self.bus.post(final)  # even when cancelled: exactly one final event per request

    async def _reply(
        self, job: _Job, inputs: dict[str, Any], config: RunnableConfig, use_tools: bool
    ) -> None:
        final: ReplyFinished = ReplyCancelled(job.id, "interrupted")
        try:
            chain = self._tool_chain if use_tools and self._tool_chain is not None else self._chain
            try:
                await self._stream(job, chain, inputs, config)
            except Exception as exc:
                if chain is self._chain or job.shown_anything or not _refused_tools(exc):
                    raise
                log.warning("the model refused tools (%s); chatting without them", _describe(exc))
                self._tool_chain = None
                job.restart()
                inputs = {**inputs, "guidance": guidance(self.max_chars, tools=False)}
                await self._stream(job, self._chain, inputs, config)
            if job.stop.is_set():
                final = ReplyCancelled(job.id, job.stop_reason)
            else:
                final = ReplyDone(job.id, job.text, job.action())
        except asyncio.CancelledError:
            final = ReplyCancelled(job.id, job.stop_reason)
            raise
        except Exception as exc:
            if job.stop.is_set():
                final = ReplyCancelled(job.id, job.stop_reason)
            else:
                # One line: the error is the server's or the model's, not a bug here.
                log.warning("reply %d failed: %s", job.id, _describe(exc))
                final = ReplyFailed(job.id, _describe(exc))
        finally:
            self._post_final(job, final)

    @staticmethod
    async def _stream(
        job: _Job, chain: Runnable[Any, Any], inputs: dict[str, Any], config: RunnableConfig
    ) -> None:
        """Stream ``chain`` into ``job`` until it ends, fails, or reaches ``max_chars``.

        The chunks are read by a child task. At the cap it is *cancelled* while
        it waits for the next chunk, so the cancellation runs up through every
        generator below (the model's, its SDK's, the HTTP response's), each of
        which closes what it opened: the HTTP stream ends there and then.
        Closing a generator suspended at ``yield`` would leave the ones under
        it to the garbage collector.
        """
        full = asyncio.Event()

        async def consume() -> None:
            async for chunk in chain.astream(inputs, config=config):
                job.streamed(chunk)
                if job.full:
                    full.set()

        reader = asyncio.ensure_future(consume())
        capped = asyncio.ensure_future(full.wait())
        try:
            await asyncio.wait({reader, capped}, return_when=asyncio.FIRST_COMPLETED)
        finally:  # also when this reply itself is cancelled
            capped.cancel()
            if not reader.done():
                reader.cancel()
                await asyncio.wait({reader})
        if not full.is_set():
            reader.result()  # raises what the stream raised

    # -- events, delivered on the game thread by bus.flush() ---------------------

    def _identity(self, context: ChatContext) -> str:
        if context.npc_key is not None:
            return context.npc_key
        for key, dialogue in self._npcs.items():  # "Ada" and "艾达" are one NPC
            if context.npc_name in dialogue.names.values():
                return key
        return context.npc_name

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
        text = event.text.strip()
        if not text and event.action is not None:
            text = self._acknowledgement(job, event.action)
        if not text:
            log.warning("reply %d: the model returned an empty reply", job.id)
            self.stats.failed += 1
            job.request.fail(APOLOGY[job.lang])
            return
        job.request.action = event.action
        job.request.intent = job.intent
        self.stats.completed += 1
        job.request.end(text)
        self._remember(job, text)

    def _on_failed(self, event: ReplyFailed) -> None:
        job = self._finish(event.request_id)
        if job is not None:
            self.stats.failed += 1
            job.request.fail(APOLOGY[job.lang])

    def _on_cancelled(self, event: ReplyCancelled) -> None:
        self._finish(event.request_id)

    def _on_tick(self, _event: FixedUpdate) -> None:
        self.poll()

    def _finish(self, request_id: int) -> _Job | None:
        job = self._jobs.pop(request_id, None)
        if job is None or not job.request.active:
            return None
        self._timing(job)
        return job

    def _timing(self, job: _Job) -> None:
        if job.first_token_at is not None:
            self.stats.first_token.append(job.first_token_at - job.asked_at)

    def _acknowledgement(self, job: _Job, action: str) -> str:
        """The NPC's words for a tool call that came without any: its own line, else a short one."""
        context = ChatContext(job.npc, npc_key=job.npc)
        line = action_line(
            self._npcs.get(job.npc), action, context, self._player_names.get(job.npc), job.lang
        )
        return line if line is not None else ACKNOWLEDGE[action][job.lang]

    # -- history --------------------------------------------------------------

    def _history_messages(self, npc: str) -> list[BaseMessage]:
        if self.history == 0:
            return []
        return list(self.history_of(npc).messages[-2 * self.history :])

    def _remember(self, job: _Job, answer: str) -> None:
        if self.history == 0:
            return
        self.history_of(job.npc).add_messages([HumanMessage(job.player_text), AIMessage(answer)])

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
    seconds, with ``asyncio.sleep``, before each character, so the bubble fills
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

    async def achoose(prompt: object) -> Runnable[Any, Any]:
        return choose(prompt)  # async too, so astream needs no helper thread

    return RunnableLambda(choose, afunc=achoose, name="fake-llm")
