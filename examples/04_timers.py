"""Chapter 4: timers on game time: after, every, cancel, catch-up."""

from game.engine import EventBus, FixedStepLoop, Timers

bus = EventBus(on_error="raise")
timers = Timers(bus)
loop = FixedStepLoop(bus, step=1 / 60, timers=timers)  # phase 2 of every step


def say(text):
    print(f"{timers.time:5.2f} s  {text}")


timers.after(0.5, say, "after 0.5 s: the door opens")
blink = timers.every(0.25, say, "every 0.25 s: blink", times=3)
spawner = timers.every(1.0, say, "every 1.0 s: spawn")
for _ in range(60):  # one second of game time, one frame per step
    loop.advance(1 / 60)
spawner.cancel()
print("blinks:", blink.fired, "| spawner active:", spawner.active)


# One update that spans several periods (a long pause, a debugger stop):
def report(policy):  # `handle` is the loop's timer below, read when it fires
    print(f"  {policy}: called, periods={handle.periods}")


for policy in ["all", "coalesce", "skip"]:
    handle = timers.every(0.1, report, policy, catch_up=policy)
    timers.update(0.35)  # 3 periods are due at once
    handle.cancel()
