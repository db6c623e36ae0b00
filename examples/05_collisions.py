"""Chapter 5: collisions as callbacks: enter, stay, exit, layers and masks, triggers, sliding."""

from game.engine import CollisionEnter, CollisionWorld, EventBus, FixedStepLoop, FixedUpdate

bus = EventBus(on_error="raise")
world = CollisionWorld(bus, layers=["player", "wall", "coin", "ghost"])
loop = FixedStepLoop(bus, step=1 / 60, collisions=world)  # phase 4 of every step

player = world.add((0, 0, 20, 20), layer="player", mask=["wall", "coin"])
wall = world.add((60, -100, 10, 300), layer="wall")  # solid
coin = world.add((30, 0, 10, 10), layer="coin", trigger=True)  # overlap, never block
ghost = world.add((0, 0, 20, 20), layer="ghost", mask=["ghost"])  # not in player's mask


def picked(player_box, coin_box):  # arguments come in the order the layers were named
    print(f"tick {loop.tick}: enter player/coin, coin at {coin_box.rect.x:.0f}")


world.on_enter("player", "coin", picked)
world.on_exit("player", "coin", lambda p, c: print(f"tick {loop.tick}: exit player/coin"))
stays = []
world.on_stay("player", "coin", lambda p, c: stays.append(loop.tick))  # every tick in between
bus.subscribe(CollisionEnter, lambda e: print(f"  (bus) CollisionEnter {e.a.layer}/{e.b.layer}"))


blocked = []


@bus.on(FixedUpdate)
def walk(event):
    moved = world.move(player, 300 * event.dt, 60 * event.dt)  # right and a little down
    if moved[0] < 300 * event.dt:  # move returns how far it really went
        blocked.append(event.tick)


for _ in range(20):
    loop.advance(1 / 60)
print("stayed on the coin in ticks", stays, "| the wall blocked from tick", blocked[0])
x, y = player.position
print(f"player stopped at x={x:.0f} (the wall is at 60), slid down to y={y:.0f}")
print("what is at (65, 50):", [c.layer for c in world.query_point(65, 50)])
