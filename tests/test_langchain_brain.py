"""The LangChain brain: model callbacks → bus.post → flush on the game thread → NPC callbacks.

Offline and deterministic: fake chat models only, no sockets, no tracing, no
sleeps. The worker thread is synchronised by joining it (or by a gate the
test opens token by token), then the loop flushes the bus.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("langchain_core")

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import (
    BaseChatModel,
    FakeListChatModel,
    GenericFakeChatModel,
    ParrotFakeChatModel,
)
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.prompt_values import PromptValue
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda

from game.cli import parse_args
from game.engine.events import EventBus
from game.engine.loop import FixedStepLoop
from game.npc.brain import ChatContext, ReplyRequest
from game.npc.brain_spec import BrainSpecError, load_factory, make_brain
from game.npc.langchain_brain import (
    APOLOGY,
    FAKE_REPLIES_EN,
    FAKE_REPLIES_ZH,
    LOST_THOUGHT,
    LangChainBrain,
    LLMFailed,
    LLMStarted,
    LLMToken,
    ReplyCancelled,
    ReplyDone,
    ReplyFailed,
    ReplyFinished,
    ReplyHandler,
    _Job,
    fake_llm_runnable,
)

WAIT = 5.0  # seconds a worker may take before a test fails (never reached when all is well)
CTX = ChatContext("Ada", player_name="Bo", facts={"score": 3, "coins_left": 7})


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No tracing and no network: a test that tries to connect fails loudly."""
    for name in list(os.environ):
        if name.startswith(("LANGCHAIN_", "LANGSMITH_")):
            monkeypatch.delenv(name)

    def refuse(self: socket.socket, *args: object) -> None:
        raise OSError("network access is blocked in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


class Recorder:
    """The NPC side: records every callback and the thread it ran on."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.threads: set[int] = set()

    def _add(self, kind: str, value: str = "") -> None:
        self.threads.add(threading.get_ident())
        self.calls.append((kind, value))

    def on_start(self) -> None:
        self._add("start")

    def on_token(self, token: str) -> None:
        self._add("token", token)

    def on_end(self, text: str) -> None:
        self._add("end", text)

    def on_error(self, message: str) -> None:
        self._add("error", message)

    @property
    def tokens(self) -> list[str]:
        return [value for kind, value in self.calls if kind == "token"]

    @property
    def finals(self) -> list[tuple[str, str]]:
        return [call for call in self.calls if call[0] in ("end", "error")]

    @property
    def bubble(self) -> str:
        """What a bubble revealing the tokens shows."""
        return "".join(self.tokens)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Gate:
    """Lets a test release a model's tokens one by one and see how far the worker got."""

    def __init__(self) -> None:
        self._tokens = threading.Semaphore(0)
        self._changed = threading.Condition()
        self.yielded = 0  # chunks the model produced
        self.pulled = 0  # chunks the worker finished with (it asked for the next one)
        self.closed = False

    def open(self, n: int = 1) -> None:
        self._tokens.release(n)

    def take(self) -> None:
        if not self._tokens.acquire(timeout=WAIT):
            raise TimeoutError("the test never opened the gate")

    async def atake(self) -> None:
        """The same on the brain's event loop: polls, so a cancel interrupts it at once."""
        deadline = time.monotonic() + WAIT
        while not self._tokens.acquire(blocking=False):
            if time.monotonic() > deadline:
                raise TimeoutError("the test never opened the gate")
            await asyncio.sleep(0.001)

    def bump(self, field: str) -> None:
        with self._changed:
            setattr(self, field, getattr(self, field) + 1)
            self._changed.notify_all()

    def wait_pulled(self, n: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.pulled >= n, WAIT)


class GatedChatModel(BaseChatModel):
    """A streaming chat model whose every token waits for ``gate.open()``."""

    tokens: list[str]
    gate: Any

    @property
    def _llm_type(self) -> str:
        return "gated-test-model"

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage("".join(self.tokens)))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        gate: Gate = self.gate
        try:
            for token in self.tokens:
                gate.take()
                gate.bump("yielded")
                yield ChatGenerationChunk(message=AIMessageChunk(content=token))
                gate.bump("pulled")
        finally:
            gate.closed = True

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        gate: Gate = self.gate
        try:
            for token in self.tokens:
                await gate.atake()
                gate.bump("yielded")
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=token))
                if run_manager is not None:
                    await run_manager.on_llm_new_token(token, chunk=chunk)
                yield chunk
                gate.bump("pulled")
        finally:
            gate.closed = True


@pytest.fixture
def loop(bus: EventBus) -> FixedStepLoop:
    return FixedStepLoop(bus)


@pytest.fixture
def brains(bus: EventBus) -> Iterator[list[LangChainBrain]]:
    """Brains made in a test are closed and their workers joined afterwards."""
    made: list[LangChainBrain] = []
    yield made
    for brain in made:
        brain.close()
        assert brain.join(WAIT), "a worker thread did not stop"


@pytest.fixture
def make(bus: EventBus, brains: list[LangChainBrain]) -> Any:
    def build(runnable: Runnable[Any, Any], **options: Any) -> LangChainBrain:
        brain = LangChainBrain(runnable, bus, **options)
        brains.append(brain)
        return brain

    return build


def finish(brain: LangChainBrain, loop: FixedStepLoop) -> None:
    """Let the workers end, then run one tick: phase 5 flushes what they posted."""
    assert brain.join(WAIT), "the worker thread did not finish"
    loop.step_once()


# -- streaming ----------------------------------------------------------------------


def test_fake_list_model_streams_characters_in_order_on_the_game_thread(
    make: Any, bus: EventBus, loop: FixedStepLoop
) -> None:
    brain = make(FakeListChatModel(responses=["Hi, Bo!"]))
    npc = Recorder()
    with bus.recording() as trace:
        request = brain.ask("hello", CTX, npc)
        assert brain.join(WAIT)
        assert npc.calls == []  # the worker only posted: nothing reached the NPC yet
        loop.step_once()
    assert npc.calls == [
        ("start", ""),
        *[("token", ch) for ch in "Hi, Bo!"],
        ("end", "Hi, Bo!"),
    ]
    assert npc.threads == {threading.get_ident()}
    assert request.state == "done"
    assert request.text == "Hi, Bo!"
    assert [type(e) for e in trace.of(ReplyFinished)] == [ReplyDone]
    assert brain.pending == 0


def test_tokens_arrive_tick_by_tick_as_the_worker_produces_them(
    make: Any, loop: FixedStepLoop
) -> None:
    gate = Gate()
    brain = make(GatedChatModel(tokens=["Call", "backs", "!"], gate=gate))
    npc = Recorder()
    brain.ask("hi", CTX, npc)
    for done, expected in [(1, "Call"), (2, "Callbacks")]:
        gate.open()
        gate.wait_pulled(done)
        loop.step_once()
        assert npc.bubble == expected
        assert npc.finals == []
    gate.open()
    finish(brain, loop)
    assert npc.finals == [("end", "Callbacks!")]


def test_generic_fake_chat_model_streams_word_tokens(make: Any, loop: FixedStepLoop) -> None:
    model = GenericFakeChatModel(messages=itertools.cycle(["Callbacks  all the way down"]))
    brain = make(model)
    npc = Recorder()
    brain.ask("what are you?", CTX, npc)
    finish(brain, loop)
    # The double space splits into an empty token, which is skipped.
    assert npc.tokens == ["Callbacks", " ", " ", "all", " ", "the", " ", "way", " ", "down"]
    assert npc.finals == [("end", "Callbacks  all the way down")]


def test_a_runnable_that_does_not_stream_still_shows_its_whole_reply(
    make: Any, loop: FixedStepLoop
) -> None:
    brain = make(RunnableLambda(lambda _prompt: "The whole reply at once."))
    npc = Recorder()
    brain.ask("hi", CTX, npc)
    finish(brain, loop)
    assert npc.calls == [
        ("start", ""),
        ("token", "The whole reply at once."),
        ("end", "The whole reply at once."),
    ]


def test_a_model_with_streaming_disabled_shows_its_whole_reply(
    make: Any, loop: FixedStepLoop
) -> None:
    model = GenericFakeChatModel(messages=iter(["No stream here."]), disable_streaming=True)
    brain = make(model)
    npc = Recorder()
    brain.ask("hi", CTX, npc)
    finish(brain, loop)
    assert npc.tokens == ["No stream here."]
    assert npc.finals == [("end", "No stream here.")]


def test_chunks_add_what_the_callbacks_did_not_say(make: Any, loop: FixedStepLoop) -> None:
    # The model's callbacks say "Hi"; the chain's output, the truth, says "Hi!".
    model = FakeListChatModel(responses=["Hi"])
    brain = make(model | RunnableLambda(lambda message: message.content + "!"))
    npc = Recorder()
    brain.ask("hi", CTX, npc)
    finish(brain, loop)
    assert npc.tokens == ["H", "i", "!"]
    assert npc.finals == [("end", "Hi!")]


def test_when_callbacks_and_chunks_disagree_the_chunks_win(make: Any, loop: FixedStepLoop) -> None:
    model = FakeListChatModel(responses=["quiet"])
    brain = make(model | RunnableLambda(lambda message: message.content.upper()))
    npc = Recorder()
    request = brain.ask("hi", CTX, npc)
    finish(brain, loop)
    assert npc.finals == [("end", "QUIET")]
    assert request.text == "QUIET"
    assert "QUIET" not in npc.bubble  # no garbled mix: the live reveal stopped


# -- failures -------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "lang"), [("hello", "en"), ("你好", "zh")])
def test_an_error_mid_stream_ends_with_one_localised_apology(
    make: Any, bus: EventBus, loop: FixedStepLoop, question: str, lang: str
) -> None:
    brain = make(FakeListChatModel(responses=["abcdef"], error_on_chunk_number=3))
    npc = Recorder()
    with bus.recording() as trace:
        request = brain.ask(question, CTX, npc)
        finish(brain, loop)
        loop.step_once()
    assert npc.tokens == ["a", "b", "c"]
    assert npc.finals == [("error", APOLOGY[lang])]
    assert npc.calls[-1] == ("error", APOLOGY[lang])
    assert request.state == "error"
    assert [type(e) for e in trace.of(ReplyFinished)] == [ReplyFailed]
    assert len(trace.of(LLMFailed)) == 1


def test_a_bad_prompt_variable_fails_before_the_model_with_one_final_event(
    make: Any, bus: EventBus, loop: FixedStepLoop
) -> None:
    prompt = ChatPromptTemplate.from_messages([("human", "{input} {missing}")])
    brain = make(FakeListChatModel(responses=["never"]), prompt=prompt)
    npc = Recorder()
    with bus.recording() as trace:
        brain.ask("hi", CTX, npc)
        finish(brain, loop)
    assert npc.calls == [("start", ""), ("error", APOLOGY["en"])]
    assert trace.of(LLMStarted) == []
    finals = trace.of(ReplyFinished)
    assert len(finals) == 1
    assert isinstance(finals[0], ReplyFailed)
    assert "missing" in finals[0].error


def test_an_exception_in_the_chain_before_the_model_is_one_apology(
    make: Any, bus: EventBus, loop: FixedStepLoop
) -> None:
    def broken(_prompt: object) -> object:
        raise RuntimeError("retriever down")

    brain = make(RunnableLambda(broken) | FakeListChatModel(responses=["never"]))
    npc = Recorder()
    with bus.recording() as trace:
        brain.ask("hi", CTX, npc)
        finish(brain, loop)
    assert npc.finals == [("error", APOLOGY["en"])]
    assert len(trace.of(ReplyFinished)) == 1


def test_an_empty_reply_is_an_apology_not_an_empty_bubble(make: Any, loop: FixedStepLoop) -> None:
    brain = make(RunnableLambda(lambda _prompt: ""))
    npc = Recorder()
    brain.ask("hi", CTX, npc)
    finish(brain, loop)
    assert npc.finals == [("error", APOLOGY["en"])]


# -- cancellation and staleness -----------------------------------------------------------


def test_cancel_mid_stream_shows_no_stale_token_and_stops_the_worker(
    make: Any, bus: EventBus, loop: FixedStepLoop
) -> None:
    gate = Gate()
    brain = make(GatedChatModel(tokens=["one ", "two ", "three ", "four"], gate=gate))
    npc = Recorder()
    with bus.recording() as trace:
        request = brain.ask("count", CTX, npc)
        gate.open()
        gate.wait_pulled(1)  # "one " is through; the model waits before "two "
        loop.step_once()
        assert npc.bubble == "one "
        request.cancel()  # the player walked away: the task is cancelled mid-wait
        finish(brain, loop)
        gate.open(3)  # the model could now produce everything it has: nobody asks
    assert npc.calls == [("start", ""), ("token", "one ")]
    assert request.state == "cancelled"
    assert gate.yielded == 1  # cancelled while waiting for "two ": nothing more was made
    assert gate.closed  # the cancellation ran the model's finally (a real one closes its HTTP)
    assert [type(e) for e in trace.of(ReplyFinished)] == [ReplyCancelled]
    assert brain.pending == 0


def test_tokens_posted_before_a_cancel_never_show(make: Any, loop: FixedStepLoop) -> None:
    brain = make(FakeListChatModel(responses=["old answer", "new answer"]))
    old, new = Recorder(), Recorder()
    stale = brain.ask("first", CTX, old)
    assert brain.join(WAIT)  # the whole old reply waits in the bus queue
    stale.cancel()  # the player spoke again
    brain.ask("second", CTX, new)
    finish(brain, loop)
    assert old.calls == []
    assert new.finals == [("end", "new answer")]


def test_close_cancels_replies_in_flight(make: Any, loop: FixedStepLoop) -> None:
    gate = Gate()
    brain = make(GatedChatModel(tokens=["a", "b"], gate=gate))
    npc = Recorder()
    request = brain.ask("hi", CTX, npc)
    brain.close()
    gate.open(2)
    finish(brain, loop)
    assert request.state == "cancelled"
    assert npc.finals == []
    with pytest.raises(RuntimeError, match="closed"):
        brain.ask("again", CTX, npc)


# -- timeout ---------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "lang"), [("are you there?", "en"), ("你在吗？", "zh")])
def test_a_silent_model_times_out_with_a_localised_line(
    make: Any, bus: EventBus, loop: FixedStepLoop, question: str, lang: str
) -> None:
    clock = FakeClock()
    gate = Gate()
    brain = make(GatedChatModel(tokens=["late"], gate=gate), timeout=30.0, clock=clock)
    npc = Recorder()
    request = brain.ask(question, CTX, npc)
    clock.now = 29.9
    loop.step_once()
    assert npc.finals == []
    clock.now = 30.0
    loop.step_once()  # phase 3 (FixedUpdate) notices the silence
    assert npc.finals == [("error", LOST_THOUGHT[lang])]
    assert request.state == "error"
    gate.open()  # the model answers after all: too late
    with bus.recording() as trace:
        finish(brain, loop)
    assert npc.finals == [("error", LOST_THOUGHT[lang])]
    assert npc.tokens == []
    assert trace.of(ReplyFinished) == [ReplyCancelled(request.id, "timeout")]


def test_each_token_restarts_the_timeout(make: Any, loop: FixedStepLoop) -> None:
    clock = FakeClock()
    gate = Gate()
    brain = make(GatedChatModel(tokens=["slow ", "but sure"], gate=gate), clock=clock)
    npc = Recorder()
    brain.ask("hi", CTX, npc)
    clock.now = 20.0
    gate.open()
    gate.wait_pulled(1)
    loop.step_once()  # the token is delivered at t=20
    clock.now = 49.9
    loop.step_once()
    assert npc.finals == []
    clock.now = 50.0
    loop.step_once()
    assert npc.finals == [("error", LOST_THOUGHT["en"])]
    gate.open()


def test_poll_without_replies_does_not_read_the_clock(make: Any) -> None:
    def clock() -> float:
        raise AssertionError("the clock was read")

    brain = make(FakeListChatModel(responses=["x"]), clock=clock)
    assert brain.poll() == 0


# -- the prompt -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["{name}", "}}{{", "{input}", "{{persona}} {", "用 {花括号}"])
def test_braces_in_player_text_reach_the_model_as_typed(
    make: Any, loop: FixedStepLoop, text: str
) -> None:
    brain = make(ParrotFakeChatModel())  # answers with the last message it got
    npc = Recorder()
    brain.ask(text, CTX, npc)
    finish(brain, loop)
    assert npc.finals == [("end", text)]


def capture_prompt(seen: list[list[BaseMessage]], reply: str = "ok") -> Runnable[Any, Any]:
    def record(prompt: PromptValue) -> str:
        seen.append(prompt.to_messages())
        return reply

    return RunnableLambda(record)


def test_persona_and_facts_with_braces_are_passed_as_variables(
    make: Any, loop: FixedStepLoop
) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen), persona="I am {evil} }}{{")
    context = ChatContext("Ada", facts={"{key}": "{value}", "coins_left": 4})
    brain.ask("hi", context, Recorder())
    finish(brain, loop)
    system = seen[0][0].text
    assert system.startswith("I am {evil} }}{{")
    assert "- {key}: {value}" in system
    assert "- coins_left (coins lying in the village right now, still to pick up): 4" in system
    assert seen[0][-1].text == "hi"


def test_the_default_persona_names_the_npc_and_the_facts(make: Any, loop: FixedStepLoop) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen))
    brain.ask("hi", CTX, Recorder())
    finish(brain, loop)
    system = seen[0][0].text
    assert "You are Ada" in system
    assert "- the player's name: Bo" in system
    assert "- score (the player's score, in points): 3" in system


def test_finished_exchanges_become_history(make: Any, loop: FixedStepLoop) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen, reply="answer"), history=1)
    for question in ["first", "second", "third"]:
        brain.ask(question, CTX, Recorder())
        finish(brain, loop)
    assert [m.text for m in seen[0][1:]] == ["first"]
    assert [m.text for m in seen[2][1:]] == ["second", "answer", "third"]  # history=1


# -- the handler, the fake model, the factories ------------------------------------------


def test_the_handler_runs_inline_and_never_raises_into_the_model() -> None:
    assert ReplyHandler.run_inline is True
    assert ReplyHandler.raise_error is False


@pytest.mark.parametrize(
    ("question", "replies"), [("hi", FAKE_REPLIES_EN), ("你好", FAKE_REPLIES_ZH)]
)
def test_fake_llm_answers_about_callbacks_in_the_players_language(
    make: Any, loop: FixedStepLoop, question: str, replies: tuple[str, ...]
) -> None:
    brain = make(fake_llm_runnable(delay=0))
    npc = Recorder()
    brain.ask(question, CTX, npc)
    finish(brain, loop)
    assert npc.finals == [("end", replies[0])]
    assert len(npc.tokens) == len(replies[0])  # one character per token


def test_fake_llm_rejects_a_negative_delay() -> None:
    with pytest.raises(ValueError, match="delay"):
        fake_llm_runnable(delay=-1)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"history": -1}, "history"),
    ],
)
def test_bad_options_are_named(bus: EventBus, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LangChainBrain(FakeListChatModel(responses=["x"]), bus, **options)


def test_a_runnable_is_required(bus: EventBus) -> None:
    with pytest.raises(TypeError, match="runnable must be a LangChain Runnable"):
        LangChainBrain("gpt", bus)  # type: ignore[arg-type]


@pytest.fixture
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "my_npc_models.py").write_text(
        "from langchain_core.language_models import FakeListChatModel\n"
        "def build():\n"
        "    return FakeListChatModel(responses=['from my factory'])\n"
        "def wrong():\n"
        "    return 'not a runnable'\n"
        "def broken():\n"
        "    import langchain_not_installed_anywhere\n"
        "NOT_CALLABLE = 3\n",
        encoding="utf-8",
    )
    (tmp_path / "my_broken_models.py").write_text(
        "import langchain_not_installed_anywhere\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("my_npc_models", "my_broken_models"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return "my_npc_models"


def test_make_brain_loads_a_users_factory(
    user_module: str, bus: EventBus, brains: list[LangChainBrain], loop: FixedStepLoop
) -> None:
    brain = make_brain(f"{user_module}:build", bus, rule=lambda: pytest.fail("not the rule"))
    assert isinstance(brain, LangChainBrain)
    brains.append(brain)
    npc = Recorder()
    brain.ask("hi", CTX, npc)
    finish(brain, loop)
    assert npc.finals == [("end", "from my factory")]


def test_make_brain_builds_the_fake_llm(bus: EventBus, brains: list[LangChainBrain]) -> None:
    brain = make_brain("fake-llm", bus, rule=lambda: pytest.fail("not the rule"))
    assert isinstance(brain, LangChainBrain)
    brains.append(brain)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_such_module_here:build", "no module named 'no_such_module_here'"),
        ("my_npc_models:missing", "has no 'missing'"),
        ("my_npc_models:NOT_CALLABLE", "is a int, not a function"),
        ("my_broken_models:build", "langchain_not_installed_anywhere"),
    ],
)
def test_load_factory_names_what_is_missing(user_module: str, spec: str, message: str) -> None:
    with pytest.raises(BrainSpecError, match=message):
        load_factory(spec)


@pytest.mark.parametrize(
    ("function", "message"),
    [("wrong", "returned a str, not a LangChain Runnable"), ("broken", "calling it raised")],
)
def test_a_factory_that_does_not_build_a_runnable_is_a_clear_error(
    user_module: str, function: str, message: str
) -> None:
    factory = load_factory(f"{user_module}:{function}")
    with pytest.raises(BrainSpecError, match=message):
        factory()


def test_cli_accepts_fake_llm_and_a_users_factory(user_module: str) -> None:
    assert parse_args(["--brain", "fake-llm"]).brain == "fake-llm"
    assert parse_args(["--brain", f"{user_module}:build"]).brain == f"{user_module}:build"


def test_cli_rejects_a_factory_it_cannot_find(
    user_module: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        parse_args(["--brain", f"{user_module}:missing"])
    assert info.value.code == 2
    assert "has no 'missing'" in capsys.readouterr().err


# -- the reconciliation of callback tokens and chunks, as a property -------------------


def _pieces(text: str, cuts: list[int]) -> list[str]:
    points = sorted({0, len(text), *(c % (len(text) + 1) for c in cuts)})
    return [text[a:b] for a, b in itertools.pairwise(points)]


def _revealed(heard: list[str], streamed: list[str], order: list[bool]) -> list[str]:
    """Feed a job the two sources in the given interleaving; return the tokens it posted."""
    bus = EventBus()
    job = _Job(ReplyRequest(Recorder()), bus, "Ada", "hi", 0.0)
    heard_it, streamed_it = iter(heard), iter(streamed)
    for from_callbacks in order:
        piece = next(heard_it if from_callbacks else streamed_it, None)
        if piece is not None:
            (job.heard if from_callbacks else job.streamed)(piece)
    for piece in heard_it:
        job.heard(piece)
    for piece in streamed_it:
        job.streamed(piece)
    tokens = []
    while bus.pending:
        with bus.recording() as trace:
            bus.flush()
        tokens += [event.token for event in trace.of(LLMToken)]
    return tokens


@given(
    text=st.text(max_size=30),
    token_cuts=st.lists(st.integers(0, 30), max_size=10),
    chunk_cuts=st.lists(st.integers(0, 30), max_size=10),
    order=st.lists(st.booleans(), max_size=40),
)
def test_when_both_sources_agree_the_bubble_shows_the_reply_exactly_once(
    text: str, token_cuts: list[int], chunk_cuts: list[int], order: list[bool]
) -> None:
    tokens = _revealed(_pieces(text, token_cuts), _pieces(text, chunk_cuts), order)
    assert "".join(tokens) == text
    assert all(tokens)  # no empty token


@given(
    heard=st.text(alphabet="ab", max_size=12),
    streamed=st.text(alphabet="ab", max_size=12),
    cuts=st.lists(st.integers(0, 12), max_size=6),
    order=st.lists(st.booleans(), max_size=30),
)
def test_the_bubble_never_shows_text_that_neither_source_said(
    heard: str, streamed: str, cuts: list[int], order: list[bool]
) -> None:
    shown = "".join(_revealed(_pieces(heard, cuts), _pieces(streamed, cuts), order))
    assert streamed.startswith(shown) or heard.startswith(shown)
    if heard == "" or streamed.startswith(heard):  # callbacks missing or behind
        assert shown == streamed


def test_a_chain_that_streams_dicts_fails_with_a_logged_hint(
    make: Any, loop: FixedStepLoop, caplog: pytest.LogCaptureFixture
) -> None:
    brain = make(RunnableLambda(lambda _prompt: {"answer": "hi"}))
    npc = Recorder()
    with caplog.at_level("WARNING", logger="game.npc.langchain_brain"):
        brain.ask("hi", CTX, npc)
        finish(brain, loop)
    assert npc.finals == [("error", APOLOGY["en"])]
    assert "StrOutputParser" in caplog.text


def test_a_timeout_is_logged(
    make: Any, loop: FixedStepLoop, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    gate = Gate()
    brain = make(GatedChatModel(tokens=["late"], gate=gate), timeout=5.0, clock=clock)
    brain.ask("are you there?", CTX, Recorder())
    clock.now = 5.0
    with caplog.at_level("WARNING", logger="game.npc.langchain_brain"):
        loop.step_once()
    assert "timed out" in caplog.text
    gate.open()
