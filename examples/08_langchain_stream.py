"""Chapter 8: the NPC streams a LangChain chat model's tokens through a callback handler.

Needs langchain-core: pip install -e ".[llm]" from the repository's root (Python 3.11+).
The fake model runs offline.
"""

import threading
from dataclasses import dataclass

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from game.engine import Event, EventBus, FixedStepLoop
from game.npc.brain import ChatContext
from game.npc.langchain_brain import LangChainBrain


@dataclass(frozen=True, slots=True)
class Token(Event):
    text: str
    made_on: str  # the thread that produced it


@dataclass(frozen=True, slots=True)
class Finished(Event):
    pass


class PostTokens(BaseCallbackHandler):
    """LangChain calls this on the worker thread: it only posts, the game thread delivers."""

    def __init__(self, bus):
        self.bus = bus

    def on_llm_new_token(self, token, **kwargs):
        if token.strip():  # the fake model streams each space as a token of its own
            self.bus.post(Token(token, threading.current_thread().name))

    def on_llm_end(self, response, **kwargs):
        self.bus.post(Finished())


bus = EventBus(on_error="raise")
loop = FixedStepLoop(bus, step=1 / 60)  # phase 5 of every step: bus.flush()
heard, done = [], []


@bus.on(Token)
def show(event):
    heard.append(event.text)
    print(f"made on {event.made_on}, shown on {threading.current_thread().name}: {event.text}")


bus.subscribe(Finished, lambda event: done.append(True))

model = GenericFakeChatModel(messages=iter([AIMessage("Tokens cross threads by post.")]))


def talk():  # the worker thread: stream() makes the model call on_llm_new_token
    for _chunk in model.stream("hi", config={"callbacks": [PostTokens(bus)]}):
        pass


worker = threading.Thread(target=talk, name="worker")
worker.start()
while not done:  # the game's frames go on while the model talks
    loop.advance(1 / 60)
    worker.join(timeout=1 / 60)  # stands in for waiting for the next frame
print("the NPC said:", " ".join(heard))


# The game's LangChainBrain does the same for Ada, behind chapter 7's callbacks.
class Printer:
    def on_start(self):
        print("Ada: …")

    def on_token(self, token):
        pass

    def on_end(self, text):
        print("Ada said:", text)

    def on_error(self, message):
        print("Ada failed:", message)


model = GenericFakeChatModel(messages=iter([AIMessage("A callback is a function called later.")]))
brain = LangChainBrain(model, bus)
request = brain.ask("what is a callback?", ChatContext("Ada"), Printer())
while request.active:
    loop.advance(1 / 60)
    brain.join(timeout=1 / 60)
brain.close()
