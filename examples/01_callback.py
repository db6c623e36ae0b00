"""Chapter 1: a callback is a function you hand over, to be called later, on an event."""

from dataclasses import dataclass

from game.engine import Event, EventBus, Timers


def my_callback(my_function):
    # The seed article's shape: a function handed to a function. But it is
    # called at once, so nothing waits for anything: there is no event yet.
    my_function()


my_callback(lambda: print("called right away"))


class Keyboard:
    """Keeps the functions it is given and calls them when a key goes down."""

    def __init__(self):
        self.listeners = {}

    def on_key(self, key, function):
        self.listeners.setdefault(key, []).append(function)

    def press(self, key):  # the event
        for function in self.listeners.get(key, []):
            function(key)


class Alarm:
    """Calls a function back once `delay` seconds of its clock have passed."""

    def __init__(self):
        self.time = 0.0
        self.waiting = []

    def after(self, delay, function):
        self.waiting.append((self.time + delay, function))

    def advance(self, dt):
        self.time += dt
        due = [(t, f) for t, f in self.waiting if t <= self.time]
        self.waiting = [(t, f) for t, f in self.waiting if t > self.time]
        for _, function in due:
            function()


keyboard, alarm = Keyboard(), Alarm()
keyboard.on_key("space", lambda key: print(f"jump! ({key} went down)"))
alarm.after(0.5, lambda: print(f"ring! at {alarm.time:.2f} s"))
for key in ["a", "space", "b"]:  # a script standing in for the player
    keyboard.press(key)
for _ in range(3):
    alarm.advance(0.25)


# The same two ideas with the engine: events are classes, the bus keeps the
# callbacks, Timers keeps time.
@dataclass(frozen=True, slots=True)
class KeyPressed(Event):
    key: str


bus = EventBus()
timers = Timers(bus)
bus.subscribe(KeyPressed, lambda event: print(f"engine: {event.key} went down"))
timers.after(0.5, lambda: print(f"engine: ring at {timers.time:.2f} s"))
bus.publish(KeyPressed("space"))
for _ in range(3):
    timers.update(0.25)
