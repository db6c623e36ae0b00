"""Chapter 7: an NPC answers typed text through reply callbacks (on_start, on_token, on_end)."""

import re

from game.engine import EventBus, FixedStepLoop, Timers
from game.npc.brain import ChatContext, ReplyRequest
from game.widgets.chat_events import ChatSubmitted

ANSWERS = {
    "callback": "A callback is a function you hand over, to be called later.",
    "timer": "A timer calls you back after some game time.",
}


class SlowBrain:
    """Answers from ANSWERS, one word every 0.1 s of game time, like a model streaming."""

    def __init__(self, timers):
        self.timers = timers

    def ask(self, text, context, callbacks):
        found = [answer for word, answer in ANSWERS.items() if word in text.lower()]
        words = re.findall(r"\S+\s*", found[0] if found else "Hmm, no idea.")

        def next_word():  # runs on later ticks, once `request` below exists
            if words:
                request.token(words.pop(0))  # the first token also calls on_start
            else:
                request.end()  # on_end with the whole text

        handle = self.timers.every(0.1, next_word, times=len(words) + 1)
        request = ReplyRequest(callbacks, on_cancel=handle.cancel)
        return request


class Npc:
    """Hears ChatSubmitted and shows the reply as it arrives. Implements ReplyCallbacks."""

    def __init__(self, name, brain, bus):
        self.name, self.brain = name, brain
        self.request = None
        bus.subscribe(ChatSubmitted, self.hear)

    def hear(self, event):
        if self.request is not None:
            self.request.cancel()  # the player spoke again: the old reply must never show
        self.request = self.brain.ask(event.text, ChatContext(self.name), self)

    def on_start(self):
        print(f"{self.name}: …")

    def on_token(self, token):
        print(f"{self.name}: {self.request.text.strip()}")

    def on_end(self, text):
        print(f"{self.name} said: {text}")

    def on_error(self, message):
        print(f"{self.name} failed: {message}")


bus = EventBus(on_error="raise")
timers = Timers(bus)
loop = FixedStepLoop(bus, step=1 / 60, timers=timers)
ada = Npc("Ada", SlowBrain(timers), bus)

bus.publish(ChatSubmitted("What is a callback?"))  # what the chat box publishes on Enter
for _ in range(20):
    loop.advance(1 / 60)
bus.publish(ChatSubmitted("and a timer?"))  # interrupts the first answer
for _ in range(60):
    loop.advance(1 / 60)
