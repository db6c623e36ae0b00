"""Chapter 3: the fixed-step loop: fixed steps, the accumulator, clamping, alpha."""

from game.engine import EventBus, FixedStepLoop, FixedUpdate

bus = EventBus(on_error="raise")
loop = FixedStepLoop(bus, step=1 / 60, max_frame=0.25, max_steps=8)


class Ball:
    """Moves 120 px per second of game time; remembers where it was one step ago."""

    def __init__(self):
        self.previous = self.x = 0.0

    def on_fixed_update(self, event):
        self.previous = self.x
        self.x += 120 * event.dt  # dt is always loop.step


ball = Ball()
bus.subscribe(FixedUpdate, ball.on_fixed_update)

# Wall time between frames is never even: a fast frame, a slow one, a hitch.
for frame_dt in [1 / 60, 1 / 144, 1 / 144, 1 / 30, 0.5]:
    steps = loop.advance(frame_dt)
    drawn_x = ball.previous + (ball.x - ball.previous) * loop.alpha  # blend by alpha
    print(
        f"frame {frame_dt * 1000:5.1f} ms: steps={steps} tick={loop.tick:2d} "
        f"alpha={loop.alpha:.2f} ball at {ball.x:4.1f}, drawn at {drawn_x:4.1f}"
    )
print(f"game time {loop.time:.4f} s, dropped {loop.dropped_time:.4f} s")
