"""The LangChain brain: model callbacks → bus.post → flush on the game thread → NPC callbacks.

Offline and deterministic: fake chat models only, no sockets, no tracing, no
sleeps. The brain's thread is met with ``brain.wait()`` / ``join()`` (or by a gate the
test opens token by token), then the loop flushes the bus.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
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
from game.npc.dialogue import load_npc
from game.npc.grounding import cut_reply
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
from game.npc.rule_brain import RuleBrain

sys.path.insert(0, str(Path(__file__).parent))
from reply_recorder import Recorder

WAIT = 5.0  # seconds a reply may take before a test fails (never reached when all is well)
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


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Gate:
    """Lets a test release a model's tokens one by one and see how far the brain got."""

    def __init__(self) -> None:
        self._tokens = threading.Semaphore(0)
        self._changed = threading.Condition()
        self.yielded = 0  # chunks the model produced
        self.pulled = 0  # chunks the brain finished with (it asked for the next one)
        self.closed = False

    def open(self, n: int = 1) -> None:
        self._tokens.release(n)

    def take(self) -> None:
        if not self._tokens.acquire(timeout=WAIT):
            raise TimeoutError("the test never opened the gate")

    async def atake(self) -> None:
        """The same on the brain's event loop: polls, so a cancel interrupts it at once."""
        deadline = time.monotonic() + WAIT
        await asyncio.sleep(0)  # like a network read: each chunk comes after a suspension
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
    """Brains made in a test are closed and their threads joined afterwards."""
    made: list[LangChainBrain] = []
    yield made
    for brain in made:
        brain.close()
        assert brain.join(WAIT), "the brain's thread did not stop"


@pytest.fixture
def make(bus: EventBus, brains: list[LangChainBrain]) -> Any:
    def build(runnable: Runnable[Any, Any], **options: Any) -> LangChainBrain:
        brain = LangChainBrain(runnable, bus, **options)
        brains.append(brain)
        return brain

    return build


def finish(brain: LangChainBrain, loop: FixedStepLoop) -> None:
    """Let the replies end, then run one tick: phase 5 flushes what they posted."""
    assert brain.join(WAIT), "the reply did not finish"
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
        assert npc.calls == []  # the brain's thread only posted: nothing reached the NPC yet
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


def test_tokens_arrive_tick_by_tick_as_the_model_produces_them(
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


def test_cancel_mid_stream_shows_no_stale_token_and_stops_the_model(
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
    with bus.recording() as trace:  # the task's final event may come in either tick
        request = brain.ask(question, CTX, npc)
        clock.now = 29.9
        loop.step_once()
        assert npc.finals == []
        clock.now = 30.0
        loop.step_once()  # phase 3 (FixedUpdate) notices the silence
        assert npc.finals == [("error", LOST_THOUGHT[lang])]
        assert request.state == "error"
        gate.open()  # the model answers after all: too late
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


# -- bounded replies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short.", 20, "Short."),
        ("One sentence. Two sentences. Three sentences.", 30, "One sentence. Two sentences."),
        ("第一句。第二句很长很长很长。第三句。", 12, "第一句。"),
        ("He said “stop!” and left the room quickly", 20, "He said “stop!”"),
        ("no sentence end here at all just words", 20, "no sentence end…"),
        ("x" * 50, 20, "x" * 19 + "…"),
    ],
)
def test_cut_reply_ends_at_a_sentence_end_within_the_cap(
    text: str, limit: int, expected: str
) -> None:
    assert cut_reply(text, limit) == expected


@given(text=st.text(max_size=400), limit=st.integers(2, 300))
def test_a_cut_reply_never_exceeds_the_cap_and_keeps_the_start(text: str, limit: int) -> None:
    cut = cut_reply(text, limit)
    assert len(cut) <= limit
    assert text.startswith(cut.removesuffix("…").rstrip()) or cut == text


@example(reply="word0 word1. word2 word3 word4", sizes=[6, 7, 7], cap=20)
@given(
    reply=st.text(alphabet="ab .。!", min_size=20, max_size=150),
    sizes=st.lists(st.integers(1, 8), min_size=1, max_size=20),
    cap=st.integers(20, 60),
)
def test_the_capped_reply_is_the_same_however_the_model_chunks_it(
    reply: str, sizes: list[int], cap: int
) -> None:
    # The brain stops reading at the first chunk after which the job is full; a
    # stream that stopped exactly at the cap once ended a reply mid-sentence.
    job = _Job(ReplyRequest(Recorder()), EventBus(), "Ada", "talk", 0.0, max_chars=cap)
    start = 0
    for size in itertools.cycle(sizes):
        job.streamed(AIMessageChunk(content=reply[start : start + size]))
        start += size
        if job.full or start >= len(reply):
            break
    assert job.text == cut_reply(reply, cap)


def test_a_long_reply_stops_the_model_at_the_cap(make: Any, loop: FixedStepLoop) -> None:
    gate = Gate()
    words = [f"Word number {i}. " for i in range(200)]
    brain = make(GatedChatModel(tokens=words, gate=gate), max_chars=40)
    npc = Recorder()
    brain.ask("talk a lot", CTX, npc)
    gate.open(len(words))
    finish(brain, loop)
    assert npc.finals == [("end", "Word number 0. Word number 1.")]
    assert len(npc.bubble) <= 40
    assert gate.yielded < 10  # the model was stopped, not drained
    brain.close()
    assert gate.closed  # its stream was closed (at the latest when the brain's loop ended)


def test_max_tokens_is_set_where_the_model_has_a_limit_and_left_alone_otherwise(
    bus: EventBus,
) -> None:
    class Limited(GenericFakeChatModel):
        max_tokens: int | None = None

    limited = LangChainBrain(Limited(messages=iter(["x"])), bus, max_tokens=50)
    assert limited.runnable.max_tokens == 50  # type: ignore[attr-defined]
    own = LangChainBrain(Limited(messages=iter(["x"]), max_tokens=9), bus, max_tokens=50)
    assert own.runnable.max_tokens == 9  # type: ignore[attr-defined]  # the user's setting wins
    plain = FakeListChatModel(responses=["x"])
    assert LangChainBrain(plain, bus, max_tokens=50).runnable is plain
    for brain in (limited, own):
        brain.close()


# -- grounding: persona, knowledge, facts, memory -------------------------------------------

GUIDE = load_npc("guide")
BAKER = load_npc("baker")


def ask_and_capture(
    brain: LangChainBrain,
    loop: FixedStepLoop,
    seen: list[list[BaseMessage]],
    text: str,
    ctx: ChatContext,
) -> list[BaseMessage]:
    brain.ask(text, ctx, Recorder())
    finish(brain, loop)
    return seen[-1]


def test_each_npc_speaks_with_the_persona_from_its_dialogue_file(
    make: Any, loop: FixedStepLoop
) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen), npcs=[GUIDE, BAKER])
    ada = ask_and_capture(brain, loop, seen, "hi", ChatContext("Ada", npc_key="guide"))
    bruno = ask_and_capture(brain, loop, seen, "hi", ChatContext("Bruno", npc_key="baker"))
    assert ada[0].text.startswith(GUIDE.persona)
    assert bruno[0].text.startswith(BAKER.persona)
    assert "baker" in BAKER.persona and "baker" not in GUIDE.persona


def test_a_persona_given_to_the_brain_replaces_the_files(make: Any, loop: FixedStepLoop) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen), npcs=[GUIDE], persona="You are a pirate.")
    system = ask_and_capture(brain, loop, seen, "hi", ChatContext("Ada", npc_key="guide"))[0]
    assert system.text.startswith("You are a pirate.")


@pytest.mark.parametrize(
    ("line", "intent"), [("how do timers work?", "timer"), ("还剩几个金币？", "coins")]
)
def test_the_rule_brains_best_matching_entry_grounds_the_answer(
    make: Any, loop: FixedStepLoop, line: str, intent: str
) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen), npcs=[GUIDE])
    facts = {"coins_left": 7, "score": 3}
    system = ask_and_capture(
        brain, loop, seen, line, ChatContext("Ada", facts=facts, npc_key="guide")
    )
    knowledge_part = (
        system[0].text.split("fits the player's line:")[1].split("The game right now:")[0]
    )
    # What the rule brain itself answers is among what the model is given.
    rules = RuleBrain(GUIDE, random.Random(0))
    said = rules.ask(line, ChatContext("Ada", facts=facts, npc_key="guide"), Recorder()).text
    assert f"- {said}" in knowledge_part
    assert intent in said.lower() or "7" in said  # the topic, or the live number


class StubLive:
    """A live-answer provider that knows one answer, per language."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str | None]] = []

    def answer(self, text: str, language: str, question: str | None = None) -> str | None:
        self.asked.append((text, language, question))
        if question == "what_happened" or "happened" in text or "发生" in text:
            return "coin" if language == "en" else "金币"
        return None


@pytest.mark.parametrize(
    ("line", "said"), [("what just happened?", "coin"), ("刚才发生了什么？", "金币")]
)
def test_what_just_happened_is_grounded_in_the_live_answer_as_the_rule_brain_answers_it(
    make: Any, loop: FixedStepLoop, line: str, said: str
) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen), npcs=[GUIDE])
    live = StubLive()
    ctx = ChatContext("Ada", npc_key="guide", live=live)
    system = ask_and_capture(brain, loop, seen, line, ctx)[0].text
    knowledge_part = system.split("fits the player's line:")[1].split("The game right now:")[0]
    assert knowledge_part.strip() == f"- {said}"  # the bus's answer, not the topic's replies
    rules = RuleBrain(GUIDE, random.Random(0))
    assert rules.ask(line, ctx, Recorder()).text == said  # the same answer the rule brain gives


def test_a_line_the_live_provider_does_not_answer_keeps_the_topics_knowledge(
    make: Any, loop: FixedStepLoop
) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen), npcs=[GUIDE])
    ctx = ChatContext("Ada", npc_key="guide", live=StubLive())
    system = ask_and_capture(brain, loop, seen, "how do timers work?", ctx)[0].text
    assert "timer" in system.split("fits the player's line:")[1].lower()


def test_a_line_nothing_matches_gets_no_made_up_knowledge(make: Any, loop: FixedStepLoop) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen), npcs=[GUIDE])
    system = ask_and_capture(brain, loop, seen, "qwzx", ChatContext("Ada", npc_key="guide"))[0]
    assert "- nothing in particular" in system.text


def test_memory_follows_the_npc_not_its_name_in_a_language(make: Any, loop: FixedStepLoop) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen, reply="answer"), npcs=[GUIDE, BAKER])
    ask_and_capture(brain, loop, seen, "hello", ChatContext("Ada", npc_key="guide"))
    in_chinese = ask_and_capture(brain, loop, seen, "你好", ChatContext("艾达", npc_key="guide"))
    assert [m.text for m in in_chinese[1:]] == ["hello", "answer", "你好"]
    bruno = ask_and_capture(brain, loop, seen, "hi", ChatContext("Bruno", npc_key="baker"))
    assert [m.text for m in bruno[1:]] == ["hi"]  # Bruno did not hear Ada's conversation
    # Without a key, the dialogue's names in every language still find the NPC.
    by_name = ask_and_capture(brain, loop, seen, "again", ChatContext("艾达"))
    assert [m.text for m in by_name[1:3]] == ["hello", "answer"]


@pytest.mark.parametrize("length", [0, 1, 4])
def test_history_length_is_configurable(make: Any, loop: FixedStepLoop, length: int) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen, reply="a"), npcs=[GUIDE], history=length)
    ctx = ChatContext("Ada", npc_key="guide")
    for n in range(6):
        ask_and_capture(brain, loop, seen, f"q{n}", ctx)
    assert len(seen[-1]) == 2 + 2 * length  # system, the last `length` exchanges, the line
    assert len(brain.history_of("guide").messages) == 2 * length


@pytest.mark.parametrize(("line", "name"), [("my name is Sam", "Sam"), ("我叫小明", "小明")])
def test_the_players_name_is_remembered_per_npc_and_told_to_the_model(
    make: Any, loop: FixedStepLoop, line: str, name: str
) -> None:
    seen: list[list[BaseMessage]] = []
    brain = make(capture_prompt(seen), npcs=[GUIDE, BAKER])
    ask_and_capture(brain, loop, seen, line, ChatContext("Ada", npc_key="guide"))
    later = ask_and_capture(
        brain, loop, seen, "what is my name?", ChatContext("Ada", npc_key="guide")
    )
    assert f"- the player's name: {name}" in later[0].text
    bruno = ask_and_capture(brain, loop, seen, "hi", ChatContext("Bruno", npc_key="baker"))
    assert "- the player's name: not told yet" in bruno[0].text  # he was not told


def test_a_model_without_tool_calling_still_chats(make: Any, loop: FixedStepLoop) -> None:
    brain = make(FakeListChatModel(responses=["I cannot dance, but hello!"]))
    assert not brain.tools
    npc = Recorder()
    request = brain.ask("dance!", CTX, npc)
    finish(brain, loop)
    assert npc.finals == [("end", "I cannot dance, but hello!")]
    assert request.action is None


def test_replies_are_counted_by_how_they_ended(make: Any, loop: FixedStepLoop) -> None:
    gate = Gate()
    brain = make(GatedChatModel(tokens=["a", "b"], gate=gate))
    dropped = brain.ask("one", CTX, Recorder())
    dropped.cancel()
    finish(brain, loop)
    brain2 = make(FakeListChatModel(responses=["ok"], error_on_chunk_number=None))
    brain2.ask("two", CTX, Recorder())
    finish(brain2, loop)
    assert (brain.stats.cancelled, brain.stats.completed) == (1, 0)
    assert (brain2.stats.completed, brain2.stats.failed) == (1, 0)
    assert brain2.stats.median_first_token is not None


def test_close_ends_the_brains_thread_within_a_second(make: Any, loop: FixedStepLoop) -> None:
    gate = Gate()
    brain = make(GatedChatModel(tokens=["never"], gate=gate))
    request = brain.ask("hi", CTX, Recorder())
    assert brain.thread is not None and brain.thread.is_alive()
    brain.close()
    assert not brain.thread.is_alive()
    assert request.state == "cancelled"
    assert brain.stats.cancelled == 1


# -- headless runs of the game with an LLM brain ---------------------------------------------


@pytest.fixture
def fake_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module of factories: the fake model instant, slow, and failing."""
    (tmp_path / "headless_models.py").write_text(
        "from langchain_core.language_models import FakeListChatModel\n"
        "from game.npc.langchain_brain import fake_llm_runnable\n"
        "def instant():\n"
        "    return fake_llm_runnable(delay=0)\n"
        "def slow():\n"
        "    return fake_llm_runnable(delay=0.002)  # far slower than the game runs\n"
        "def broken():\n"
        "    return FakeListChatModel(responses=['x' * 50], error_on_chunk_number=3)\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "headless_models", raising=False)
    return "headless_models"


def headless_run(spec: str, seconds: float = 40.0) -> dict[str, Any]:
    from game.app import App

    app = App(headless=True, seed=2, autoplay=True, render=False, brain=spec)
    try:
        app.run_for(seconds)
        return app.summary()
    finally:
        app.close()


def test_a_headless_run_means_the_same_with_a_fast_or_a_slow_model(fake_models: str) -> None:
    # 150 s: the bot plays the quest line (its talk steps wait for the NPC to have
    # understood), finishes it, then chats on its rounds.
    fast = headless_run(f"{fake_models}:instant", seconds=125.0)
    slow = headless_run(f"{fake_models}:slow", seconds=125.0)
    assert fast["npc_replies"] >= 3
    assert fast["game_completed"]  # the model's NPCs report what they understood
    assert (fast["npc_failed"], fast["npc_timed_out"], fast["npc_cancelled"]) == (0, 0, 0)
    assert fast["npc_first_token_median"] is not None
    for key in ("state_hash", "npc_replies", "ticks", "score", "completed_at_tick"):
        assert fast[key] == slow[key], key  # game time stood still while the model answered


def test_the_first_minute_with_the_fake_model_holds_at_least_three_answers() -> None:
    # The check: `--headless --seconds 60 --seed 2 --brain fake-llm`. The bot
    # plays the quest line first and talks to each NPC it brings it to.
    summary = headless_run("fake-llm", seconds=60.0)
    assert summary["npc_replies"] >= 3
    assert (summary["npc_failed"], summary["npc_timed_out"], summary["npc_cancelled"]) == (0, 0, 0)


def test_apologies_are_not_counted_as_replies(fake_models: str) -> None:
    summary = headless_run(f"{fake_models}:broken", seconds=20.0)
    assert summary["npc_replies"] == 0
    assert summary["npc_failed"] >= 1


def test_the_rule_brains_summary_has_no_llm_fields() -> None:
    summary = headless_run("rule", seconds=1.0)
    assert "npc_failed" not in summary


def test_cli_options_configure_the_brain_and_need_an_llm_brain(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from game.cli import _brain_options

    args = parse_args(
        ["--brain", "fake-llm", "--persona", "You are a cat.", "--llm-timeout", "5",
         "--history", "0", "--max-tokens", "64", "--max-chars", "100"]
    )  # fmt: skip
    assert _brain_options(args) == {
        "persona": "You are a cat.",
        "timeout": 5.0,
        "history": 0,
        "max_tokens": 64,
        "max_chars": 100,
    }
    for bad in (["--history", "-1"], ["--max-tokens", "0"], ["--llm-timeout", "0"]):
        with pytest.raises(SystemExit):
            parse_args(["--brain", "fake-llm", *bad])


def test_llm_options_without_an_llm_brain_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    from game.cli import main

    assert main(["--chat", "--max-tokens", "10"]) == 2
    assert "--max-tokens sets up a LangChain brain" in capsys.readouterr().err


def test_chat_answers_through_the_chosen_brain(fake_models: str) -> None:
    import io

    from game.npc.terminal import run_chat

    out = io.StringIO()
    status = run_chat(
        "guide", stdin=io.StringIO("hello\n你好\n"), stdout=out, brain=f"{fake_models}:instant"
    )
    assert status == 0
    assert out.getvalue().splitlines() == [
        f"Ada: {FAKE_REPLIES_EN[0]}",
        f"Ada: {FAKE_REPLIES_ZH[0]}",
    ]


def test_the_npc_reports_the_rule_brains_understanding_of_an_answered_line(
    make: Any, loop: FixedStepLoop
) -> None:
    brain = make(FakeListChatModel(responses=["Timers call you back later."]), npcs=[GUIDE])
    ctx = ChatContext("Ada", npc_key="guide")
    request = brain.ask("how do timers work?", ctx, Recorder())
    finish(brain, loop)
    expected = RuleBrain(GUIDE, random.Random(0)).ask("how do timers work?", ctx, Recorder())
    assert request.intent == expected.intent is not None  # a quest step may wait for it
    failing = make(FakeListChatModel(responses=["abc"], error_on_chunk_number=0), npcs=[GUIDE])
    failed = failing.ask("how do timers work?", ctx, Recorder())
    finish(failing, loop)
    assert failed.intent is None  # an apology understood nothing
