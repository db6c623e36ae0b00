"""What the LangChain brain's callback path costs, next to LangChain's own streaming.

Run alone: ``python -m benchmarks.bench_langchain`` (needs the ``llm`` extra).

* worker side, per token of a 200-character reply streamed by ``FakeListChatModel``:
  the model's ``stream()`` alone (baseline), the prompt and model chain (without and
  with a no-op callback handler: LangChain's own cost of a callback), and the whole
  brain round trip (``ask`` → worker thread with the callback handler → ``bus.flush``
  → the NPC's callbacks);
* game side, per token: ``bus.flush`` delivering ``LLMToken`` events through the brain
  to the NPC's ``on_token``, against flushing plain events to a no-op handler.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from benchmarks.harness import Result, interleaved, main, per_call, summarize
from game.engine.events import Event, EventBus
from game.npc.brain import ChatContext
from game.npc.brain import Unheard as Quiet  # an NPC that ignores everything

REPLY = ("Callbacks all the way down. " * 8)[:200]
CONTEXT = ChatContext("Ada", facts={"score": 3})


@dataclass(frozen=True, slots=True)
class Plain(Event):
    value: str


def _worker_side(quick: bool) -> list[Result]:
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.language_models import FakeListChatModel
    from langchain_core.messages import HumanMessage
    from langchain_core.runnables import RunnableConfig

    from game.npc.langchain_brain import LangChainBrain, default_prompt

    model = FakeListChatModel(responses=[REPLY])
    chain = default_prompt() | model
    inputs = {
        "input": "hi",
        "persona": "You are Ada.",
        "guidance": "Answer briefly.",
        "knowledge": "- nothing in particular",
        "facts": "- score: 3",
    }
    messages = [HumanMessage("hi")]
    bus = EventBus()
    brain = LangChainBrain(model, bus)
    npc = Quiet()

    def model_alone() -> None:
        for _ in model.stream(messages):
            pass

    def prompt_and_model() -> None:
        for _ in chain.stream(inputs):
            pass

    class NoOp(BaseCallbackHandler):
        run_inline = True

        def on_llm_new_token(self, token: Any, **kwargs: Any) -> None:
            pass

    noop: RunnableConfig = {"callbacks": [NoOp()]}

    def with_noop_handler() -> None:
        for _ in chain.stream(inputs, config=noop):
            pass

    def brain_round_trip() -> None:
        brain.ask("hi", CONTEXT, npc)
        brain.join()
        bus.flush()

    number = 3 if quick else 20
    variants = {
        "model.stream() alone": lambda: per_call(model_alone, number) / len(REPLY),
        "prompt | model .stream()": lambda: per_call(prompt_and_model, number) / len(REPLY),
        "… with a no-op handler": lambda: per_call(with_noop_handler, number) / len(REPLY),
        "brain: ask → event loop → flush": lambda: per_call(brain_round_trip, number) / len(REPLY),
    }
    samples = interleaved(variants, repeats=3 if quick else 9)
    brain.close()
    return summarize(
        "stream a 200-token reply (per token)",
        samples,
        unit="µs/token",
        scale=1e6,
        baseline="model.stream() alone",
    )


def _game_side(quick: bool) -> list[Result]:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, BaseMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    from game.npc.langchain_brain import LangChainBrain, LLMToken

    release = threading.Event()

    class Waiting(BaseChatModel):
        """Never answers until released: keeps one request active while we time."""

        @property
        def _llm_type(self) -> str:
            return "waiting"

        def _generate(self, messages: list[BaseMessage], *a: Any, **k: Any) -> ChatResult:
            release.wait()
            return ChatResult(generations=[ChatGeneration(message=AIMessage("done"))])

    bus = EventBus()
    brain = LangChainBrain(Waiting(), bus)
    request = brain.ask("hi", CONTEXT, Quiet())
    tokens = 1_000

    def through_brain() -> float:
        for _ in range(tokens):
            bus.post(LLMToken(request.id, "x"))
        return per_call(bus.flush, 1) / tokens

    plain_bus = EventBus()
    plain_bus.subscribe(Plain, lambda event: None)

    def plain_events() -> float:
        for _ in range(tokens):
            plain_bus.post(Plain("x"))
        return per_call(plain_bus.flush, 1) / tokens

    samples = interleaved(
        {"flush → no-op handler": plain_events, "flush → brain → on_token": through_brain},
        repeats=5 if quick else 31,
    )
    release.set()
    brain.close()
    brain.join(5)
    return summarize(
        "game thread, per token delivered",
        samples,
        unit="ns/token",
        scale=1e9,
        baseline="flush → no-op handler",
    )


def run(quick: bool = False) -> list[Result]:
    """Both cases; ``quick`` for a smoke run."""
    return _worker_side(quick) + _game_side(quick)


if __name__ == "__main__":
    main(run)
