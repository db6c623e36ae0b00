"""Chapter 2: an event bus: subscribe, publish, priority, stop, once, cancel, weak methods."""

import gc
from dataclasses import dataclass

from game.engine import Event, EventBus


@dataclass(frozen=True, slots=True)
class Damage(Event):
    amount: int


bus = EventBus(on_error="raise")  # the game logs handler errors; examples and tests raise


@bus.on(Damage)  # the decorator form of bus.subscribe(Damage, log_damage)
def log_damage(event):
    print(f"  log: took {event.amount}")


def shield(event):
    if event.amount < 5:
        print(f"  shield: blocked {event.amount}")
        return True  # handled: the handlers after this one do not run
    return None


bus.subscribe(Damage, shield, priority=10)  # higher priority runs first
bus.subscribe(Damage, lambda event: print("  first blood!"), once=True)

print("handled:", bus.publish(Damage(3)))
print("handled:", bus.publish(Damage(8)))
print("handled:", bus.publish(Damage(9)))  # the once handler is gone

sub = bus.subscribe(Damage, lambda event: print("  never printed"))
sub.cancel()  # idempotent; safe even inside a dispatch
print("cancelled one is active:", sub.active)


class Hero:
    def __init__(self):
        self.hp = 100

    def on_damage(self, event):
        self.hp -= event.amount
        print(f"  hero: hp {self.hp}")


hero = Hero()
bus.subscribe(Damage, hero.on_damage)  # a bound method is held weakly
print("subscriptions:", bus.subscription_count)
bus.publish(Damage(10))
del hero
gc.collect()
print("after the hero is gone:", bus.subscription_count)

bus.post(Damage(20))  # queued, from any thread; nothing runs yet
print("posted, waiting:", bus.pending)
bus.flush()  # the game thread delivers the queue (the loop does it every tick)
