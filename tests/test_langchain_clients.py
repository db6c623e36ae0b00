"""The LangChain brain with the real client libraries, against a server on 127.0.0.1.

langchain-openai's ``ChatOpenAI`` and langchain-ollama's ``ChatOllama`` stream
from :class:`tests.llm_server.LoopbackLLMServer`, which speaks their APIs and
injects faults: slow first token, slow tokens, hang, disconnect mid-stream,
HTTP 500 and 429, a malformed chunk, a tool call, a 2,000-token reply, a model
that refuses tools. Only loopback connections are allowed. Waits are bounded
(``WAIT``) and end as soon as what they wait for happens; no test sleeps for
a fixed time except to prove that *nothing more* arrives (0.3 s).
"""

from __future__ import annotations

import io
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langchain_core")
pytest.importorskip("langchain_openai")
pytest.importorskip("langchain_ollama")

from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI

from game.app import App
from game.engine.events import EventBus
from game.engine.loop import FixedStepLoop
from game.npc.brain import ChatContext, ReplyRequest
from game.npc.chat import NpcAction
from game.npc.dialogue import load_npc
from game.npc.langchain_brain import APOLOGY, LOST_THOUGHT, LangChainBrain

sys.path.insert(0, str(Path(__file__).parent))
from llm_server import LoopbackLLMServer, client_sockets
from reply_recorder import Recorder

WAIT = 15.0  # the longest any wait may take before a test fails (never reached when all is well)
GUIDE = load_npc("guide")
CTX = ChatContext("Ada", facts={"score": 3, "coins_left": 7}, npc_key="guide")
CLIENTS = ["openai", "ollama"]


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No tracing, and no connection anywhere but 127.0.0.1."""
    for name in list(os.environ):
        if name.startswith(("LANGCHAIN_", "LANGSMITH_", "OPENAI_", "OLLAMA_")):
            monkeypatch.delenv(name)
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        if not (isinstance(address, tuple) and address[0] in ("127.0.0.1", "localhost")):
            raise OSError(f"tests may only connect to 127.0.0.1, not {address!r}")
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def server() -> Iterator[LoopbackLLMServer]:
    with LoopbackLLMServer(lifetime=60.0) as running:
        yield running


def model_for(client: str, url: str, **options: Any) -> Any:
    """A real client pointed at the loopback server, with short timeouts and no retries."""
    if client == "openai":
        settings: dict[str, Any] = {"max_retries": 0, "timeout": WAIT, **options}
        return ChatOpenAI(base_url=f"{url}/v1", api_key="test-key", model="test-model", **settings)
    return ChatOllama(base_url=url, model="test-model", client_kwargs={"timeout": WAIT}, **options)


@pytest.fixture
def brains() -> Iterator[list[LangChainBrain]]:
    made: list[LangChainBrain] = []
    yield made
    for brain in made:
        brain.close()
        assert brain.join(WAIT), "the brain's thread did not end"


@pytest.fixture
def build(
    server: LoopbackLLMServer, brains: list[LangChainBrain]
) -> Callable[..., tuple[LangChainBrain, FixedStepLoop]]:
    def make(client: str, client_options: dict[str, Any] | None = None, **options: Any) -> Any:
        bus = EventBus(on_error="raise")
        model = model_for(client, server.url, **(client_options or {}))
        brain = LangChainBrain(model, bus, npcs=[GUIDE], **options)
        brains.append(brain)
        return brain, FixedStepLoop(bus)

    return make


def answer(
    brain: LangChainBrain, loop: FixedStepLoop, text: str = "what is a callback?"
) -> tuple[ReplyRequest, Recorder]:
    """Ask, wait for the reply's task to end, run one tick to deliver it."""
    npc = Recorder()
    request = brain.ask(text, CTX, npc)
    assert brain.wait(WAIT), "the reply did not end"
    loop.step_once()
    return request, npc


def until(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` (bounded by WAIT) until it holds."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.005)


def brain_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("npc-brain")]


# -- a good stream ----------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_a_real_client_streams_the_reply_word_by_word_into_the_callbacks(
    build: Any, server: LoopbackLLMServer, client: str
) -> None:
    brain, loop = build(client)
    request, npc = answer(brain, loop)
    assert npc.finals == [("end", server.reply)]
    assert len(npc.tokens) == len(server.reply.split(" "))  # one chunk per word, as sent
    assert "".join(npc.tokens) == server.reply
    assert request.state == "done"
    assert brain.stats.completed == 1
    assert brain.stats.median_first_token is not None


@pytest.mark.parametrize("client", CLIENTS)
def test_the_request_carries_persona_knowledge_facts_tools_and_the_token_limit(
    build: Any, server: LoopbackLLMServer, client: str
) -> None:
    brain, loop = build(client, max_tokens=64)
    answer(brain, loop, "how do timers work?")
    _, path, body = server.requests[-1]
    system = body["messages"][0]["content"]
    assert "You are Ada, the callback guide" in system  # the persona from guide.toml
    assert "timer" in system.split("fits the player's line:")[1].lower()  # the matching entry
    assert "coins_left (coins lying in the village right now" in system
    assert body["messages"][-1]["content"] == "how do timers work?"
    names = sorted(tool["function"]["name"] for tool in body["tools"])
    assert names == ["dance", "follow", "stop_dance", "stop_follow"]
    if client == "openai":
        assert path == "/v1/chat/completions"
        assert body.get("max_tokens", body.get("max_completion_tokens")) == 64
    else:
        assert path == "/api/chat"
        assert body["options"]["num_predict"] == 64


@pytest.mark.parametrize("client", CLIENTS)
def test_a_slow_first_token_still_answers_and_is_measured(
    build: Any, server: LoopbackLLMServer, client: str
) -> None:
    server.mode, server.first_delay = "slow_first", 0.15
    brain, loop = build(client, timeout=WAIT)
    _, npc = answer(brain, loop)
    assert npc.finals == [("end", server.reply)]
    first = brain.stats.median_first_token
    assert first is not None and first >= 0.15


@pytest.mark.parametrize("client", CLIENTS)
def test_slow_tokens_keep_the_reply_alive_since_the_timeout_counts_silence(
    build: Any, server: LoopbackLLMServer, client: str
) -> None:
    server.mode, server.token_delay = "slow_tokens", 0.04
    server.reply = " ".join(f"word{n}" for n in range(25))
    # The whole reply takes ~1 s, more than the timeout; no gap comes near it.
    brain, loop = build(client, timeout=0.6)
    npc = Recorder()
    request = brain.ask("hi", CTX, npc)
    deadline = time.monotonic() + WAIT
    while request.active:
        assert time.monotonic() < deadline
        brain.wait(0.01)
        loop.step_once()  # polls the timeout every tick, as the game does
    assert npc.finals == [("end", server.reply)]


# -- giving up ----------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_a_hung_server_times_out_closes_the_socket_and_is_not_asked_again(
    build: Any, server: LoopbackLLMServer, client: str
) -> None:
    server.mode = "hang"
    # Retries on (as ChatOpenAI's default): giving up must still mean no new request.
    options = {"max_retries": 2} if client == "openai" else {}
    brain, loop = build(client, client_options=options, timeout=0.1)
    npc = Recorder()
    request = brain.ask("are you there?", CTX, npc)
    until(lambda: len(server.requests) == 1, "the request")
    until(lambda: not brain.wait(0.05) and (loop.step_once() or not request.active), "a timeout")
    assert npc.finals == [("error", LOST_THOUGHT["en"])]
    assert brain.stats.timed_out == 1
    assert brain.wait(WAIT)  # the task ended: the read was interrupted, not left hanging
    until(lambda: server.open == 0, "the connection to close")
    assert client_sockets(server.port) in (0, None)
    time.sleep(0.3)  # nothing more may arrive: no retry after the game gave up
    assert len(server.requests) == 1


@pytest.mark.parametrize("client", CLIENTS)
def test_a_stream_dropped_midway_ends_with_one_apology_and_one_log_line(
    build: Any, server: LoopbackLLMServer, client: str, caplog: pytest.LogCaptureFixture
) -> None:
    server.mode = "disconnect"
    brain, loop = build(client)
    with caplog.at_level(logging.INFO):
        _request, npc = answer(brain, loop)
    assert npc.tokens == ["Callbacks", " call"]  # what came before the drop showed
    assert npc.finals == [("error", APOLOGY["en"])]
    assert brain.stats.failed == 1
    mine = [r for r in caplog.records if r.name == "game.npc.langchain_brain"]
    assert len(mine) == 1 and mine[0].levelno == logging.WARNING
    assert mine[0].exc_info is None  # one line, no traceback


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("mode", ["error500", "error429", "malformed"])
def test_server_errors_and_garbage_end_with_the_apology(
    build: Any, server: LoopbackLLMServer, client: str, mode: str
) -> None:
    server.mode = mode
    brain, loop = build(client)
    request, npc = answer(brain, loop, "你好")
    assert npc.finals == [("error", APOLOGY["zh"])]
    assert request.state == "error"
    assert (brain.stats.failed, brain.stats.completed) == (1, 0)


def test_a_rate_limited_request_is_retried_by_the_client_as_configured(
    build: Any, server: LoopbackLLMServer
) -> None:
    server.mode = "error429"
    brain, loop = build("openai", client_options={"max_retries": 1})
    _, npc = answer(brain, loop)
    assert len(server.requests) == 2  # the client's own retry (retry-after: 0), then it gave up
    assert npc.finals == [("error", APOLOGY["en"])]


# -- bounded replies ----------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_a_2000_token_reply_is_cut_at_a_sentence_end_and_its_stream_closed(
    build: Any, server: LoopbackLLMServer, client: str
) -> None:
    server.mode = "long"
    brain, loop = build(client, max_chars=120)
    _request, npc = answer(brain, loop)
    ((kind, text),) = npc.finals
    assert kind == "end"
    assert len(text) <= 120
    assert text.endswith(".")
    assert len("".join(npc.tokens)) <= 120  # the bubble never got more than the cap
    until(lambda: server.open == 0 or brain.wait(0), "the stream to close")
    brain.close()
    until(lambda: server.open == 0, "the server to see the connection close")


# -- tools --------------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_a_tool_call_becomes_the_npcs_action_with_its_own_words(
    build: Any, server: LoopbackLLMServer, client: str
) -> None:
    server.mode = "tool"
    brain, loop = build(client)
    request, npc = answer(brain, loop, "dance!")
    assert request.action == "dance"
    ((kind, text),) = npc.finals
    assert kind == "end"
    dance = next(i for i in GUIDE.intents if i.action == "dance")
    assert text == dance.answers["what"]["en"][0]  # Ada's own line for it


@pytest.mark.parametrize("client", CLIENTS)
def test_a_model_that_refuses_tools_still_chats(
    build: Any, server: LoopbackLLMServer, client: str
) -> None:
    server.mode = "no_tools"
    brain, loop = build(client)
    _request, npc = answer(brain, loop)
    assert npc.finals == [("end", server.reply)]
    assert [bool(body.get("tools")) for _, _, body in server.requests] == [True, False]
    assert not brain.tools  # and it is not offered tools again
    answer(brain, loop)
    assert len(server.requests) == 3


# -- closing ------------------------------------------------------------------------------


@pytest.mark.parametrize("client", CLIENTS)
def test_close_leaves_no_thread_and_no_socket(
    build: Any, server: LoopbackLLMServer, client: str
) -> None:
    brain, loop = build(client)
    for _ in range(3):
        answer(brain, loop)  # kept-alive connections wait in the client's pool
    assert server.open >= 1
    brain.close()
    assert brain.thread is not None and not brain.thread.is_alive()
    assert client_sockets(server.port) in (0, None)
    until(lambda: server.open == 0, "the server to see the connections close")


# -- the game: App with a real client -------------------------------------------------------


@pytest.fixture
def factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: LoopbackLLMServer) -> str:
    """A ``module:function`` spec building ChatOpenAI for the loopback server (defaults kept)."""
    (tmp_path / "loopback_models.py").write_text(
        "import os\n"
        "from langchain_openai import ChatOpenAI\n"
        "def build():\n"
        "    # ChatOpenAI's defaults: 600 s read timeout, 2 retries. The brain bounds them.\n"
        "    return ChatOpenAI(base_url=os.environ['CQ_TEST_LLM_URL'] + '/v1',\n"
        "                      api_key='test-key', model='test-model')\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "loopback_models", raising=False)
    monkeypatch.setenv("CQ_TEST_LLM_URL", server.url)
    return "loopback_models:build"


def test_five_questions_to_a_hung_server_then_close_leave_nothing_behind(
    factory: str, server: LoopbackLLMServer
) -> None:
    server.mode = "hang"
    app = App(headless=True, seed=0, brain=factory)
    try:
        ada = app.scene.npcs[0]
        for number in range(1, 6):
            ada.hear(f"question {number}?")  # each one cancels the one before
            until(lambda n=number: len(server.requests) == n, f"request {number}")  # type: ignore[misc]
    finally:
        app.close()  # returns once the brain's thread has ended (it waits at most 1 s)
    assert brain_threads() == []
    assert client_sockets(server.port) in (0, None)
    until(lambda: server.open == 0, "the server to see every connection close")
    assert app.scene.llm.stats.cancelled == 5  # four superseded, the last one by close()
    server.close()  # a real server dropping hung connections: a retrying client would re-send
    time.sleep(0.3)
    assert len(server.requests) == 5


def test_dance_to_a_tool_calling_model_makes_the_npc_dance(
    factory: str, server: LoopbackLLMServer
) -> None:
    server.mode = "tool"
    app = App(headless=True, seed=0, brain=factory, render=False)
    try:
        ada = app.scene.npcs[0]
        with app.bus.recording() as trace:
            ada.hear("dance!")
            app.run_ticks(2)  # the first frame holds for the reply, the tick delivers it
            assert trace.of(NpcAction) == [NpcAction("guide", "dance")]
        app.run_ticks(5)
        assert ada.spin != 0.0  # the dance timer is turning her
        app.run_ticks(120)
        assert app.summary()["npc_replies"] == 1
    finally:
        app.close()


def test_chat_answers_through_the_brain_with_quiet_logs(
    factory: str,
    server: LoopbackLLMServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from game.cli import main

    for name in ("httpx", "httpx2", "httpcore", "httpcore2", "openai", "ollama"):
        logger = logging.getLogger(name)
        monkeypatch.setattr(logger, "level", logger.level)  # main() sets it; put it back after
    monkeypatch.setattr(sys, "stdin", io.StringIO("hello\nmy name is Sam\n"))
    with caplog.at_level(logging.INFO):
        status = main(["--chat", "guide", "--brain", factory, "--history", "2"])
    assert status == 0
    assert capsys.readouterr().out.splitlines() == [f"Ada: {server.reply}"] * 2
    assert len(server.requests) == 2
    second = server.requests[1][2]["messages"]
    assert [m["content"] for m in second[1:]] == ["hello", server.reply, "my name is Sam"]
    assert "the player's name: Sam" in second[0]["content"]
    assert not [
        r for r in caplog.records if "HTTP Request" in r.getMessage()
    ]  # no INFO per request
