"""A deterministic bot that plays through the real input path (posted pygame events).

It looks at the scene the way a player looks at the screen, decides where to
go, and presses arrow keys, Enter and types text as pygame events: the game
cannot tell it from a person. First it plays the quest line, reading the
tracker's step as a player reads it; when the completion card shows it presses
Enter; then, in free play, its errands: pick up coins, keep away from the
hazard, walk to each NPC and talk, in English and in Chinese.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pygame

from game.demo.door import PlateDoor
from game.demo.entities import Coin, Hazard, Player
from game.engine.collisions import Box
from game.scene import HEIGHT, WIDTH
from game.widgets.bubble import BubbleState

if TYPE_CHECKING:
    from game.demo.scene import DemoScene
    from game.npc.chat import ChatNPC

__all__ = ["CONVERSATIONS", "Autoplay"]

Post = Callable[[pygame.event.Event], None]
Cell = tuple[int, int]

CELL = 12  # px: the navigation grid
COLUMNS, ROWS = WIDTH // CELL, HEIGHT // CELL
HAZARD_CLEARANCE = 56.0  # px kept between the bot's plan and the hazard
REPLAN_EVERY = 20  # ticks
# With no way to the goal (the hazard stands in the only passage) a search
# visits every reachable cell; the hazard takes ~9 ticks to cross a cell, so
# searching again every few ticks rather than every tick loses nothing.
RETRY_EVERY = 6  # ticks
STUCK_TICKS = 45
GIVE_UP_TICKS = 900  # an errand that takes longer than 15 s is dropped
STEP_ASIDE = 48.0  # px: how far the bot steps off a trigger to walk onto it again

#: What the bot says, per NPC, one visit's worth per entry, round robin.
CONVERSATIONS: dict[str, list[list[str]]] = {
    "guide": [
        ["hello", "my name is Sam", "what is a callback?"],
        ["你好", "什么是事件总线？", "还剩几个金币？"],
        ["how do timers work?", "dance!", "thanks"],
        ["我叫小明", "碰撞是怎么回事？", "跟我来"],
    ],
    "baker": [  # Chinese first: the first minute of a run holds both languages
        ["你好", "现在几点了？", "谢谢"],
        ["hi there", "what's my score?", "bye"],
    ],
}

#: What the bot says to an NPC the first time the quest line brings it there, after
#: the line the step wants: a new player greets someone and then asks a thing or
#: two. It also makes the first minute of a run hold several answers in both
#: languages, which the headless summary's ``npc_replies`` reports.
#: Ada hears Chinese and Bruno English, so the quest line's first half is shown in
#: Chinese and its second half, the completion card included, in English.
INTRODUCTIONS: dict[str, list[str]] = {
    "guide": ["我叫小明", "什么是回调？"],
    "baker": ["what time is it?"],
}

#: What the bot types for a quest step that waits for one of these intents.
INTENT_LINES: dict[str, str] = {
    "greeting": "你好",  # the first minute of a run holds both languages
    "buy": "I want to buy bread",
    "bread": "I want to buy bread",
    "menu": "what do you sell?",
}
#: Ticks the bot looks at the completion card before pressing Enter (as a person reads it).
CARD_TICKS = 360

#: An NPC's bubble in these states is still answering: the bot waits.
_BUSY = (BubbleState.THINKING, BubbleState.TYPING)

_ARROWS = {
    "left": pygame.K_LEFT,
    "right": pygame.K_RIGHT,
    "up": pygame.K_UP,
    "down": pygame.K_DOWN,
}


class Autoplay:
    """Runs errands in a fixed order; every choice comes from the scene and a seeded RNG."""

    def __init__(self, post: Post, rng: random.Random, scene: DemoScene) -> None:
        self.post = post
        self.rng = rng
        self.scene = scene
        self.held: set[int] = set()
        self.said = 0
        # The walls' grid, kept while the solid colliders stay where they are.
        self._grid_key: tuple[Box, ...] | None = None
        self._grid = b""
        self._errands = self._plan()
        self._path: list[Cell] = []
        self._goal: Cell | None = None
        self._next_plan = 0
        self._retry_at = 0
        self._last_position: tuple[float, float] | None = None
        self._still_since = 0
        self._wait_until = 0
        self._chat: deque[tuple[int, pygame.event.Event]] = deque()
        self._visits = {key: 0 for key in CONVERSATIONS}
        self._introduced: set[str] = set()

    # -- what the app calls -------------------------------------------------------

    def go_to(self, point: tuple[float, float]) -> None:
        """Drop the errands: walk until the player's centre is in ``point``'s grid cell
        (12 px), then stand there. For tests and scripted scenes."""
        self._errands = self._stand_at(_cell_of(point))
        self._path = []
        self._next_plan = 0
        self._chat.clear()
        self._wait_until = 0

    def _stand_at(self, goal: Cell) -> Iterator[None]:
        while True:
            here = _cell_of(_centre(self.scene.player.position, Player.SIZE))
            self._goal = None if here == goal else goal
            yield

    def before_tick(self, tick: int) -> None:
        """Look at the game and post this tick's input."""
        scene = self.scene
        if self._chat:
            self._type(tick)
            return
        if tick < self._wait_until or scene.loop.paused:
            self._release_all()
            return
        next(self._errands)
        self._walk(tick)

    def release(self) -> None:
        """The player takes over: let go of every key, drop what was being typed."""
        self._chat.clear()
        self._release_all()

    # -- errands ------------------------------------------------------------------

    def _plan(self) -> Iterator[None]:
        """The bot's day, as a generator: each ``yield`` is one tick of deciding."""
        scene = self.scene
        book = scene.quests.book
        while not book.finished:
            yield from self._quest_step()
        yield from self._close_card()
        order = ["guide", "coins", "baker", "coins", "guide", "coins"]
        for errand in _cycle(order):
            if errand == "coins":
                yield from self._collect_coins(3)
            else:
                npc = self._npc(errand)
                yield from self._walk_to(npc)
                if not npc.in_range:
                    continue  # gave up on the way: no talking to no one
                lines = CONVERSATIONS[errand][self._visits[errand] % len(CONVERSATIONS[errand])]
                self._visits[errand] += 1
                for line in lines:
                    yield from self._talk(npc, line)

    # -- the quest line: do what the tracker says -----------------------------------

    def _quest_step(self) -> Iterator[None]:
        """One try at the active step, chosen by its condition, as a player reads the tracker."""
        scene = self.scene
        book = scene.quests.book
        step = book.step
        assert step is not None
        condition = step.condition
        where = (book.quest_index, book.step_index)
        if condition.kind == "intent":
            npc = self._npc(condition.who or "")
            yield from self._walk_to(npc)
            if npc.in_range:
                said = next((INTENT_LINES[n] for n in condition.names if n in INTENT_LINES), "hi")
                yield from self._talk(npc, said)
                if npc.key not in self._introduced:
                    self._introduced.add(npc.key)
                    for line in INTRODUCTIONS.get(npc.key, []):
                        yield from self._talk(npc, line)
        elif condition.kind == "delivered":
            npc = self._npc(condition.who or "")
            yield from self._walk_to(npc)
        elif condition.kind == "collision" and condition.names[1] == "coin":
            yield from self._collect_coins(1)
        elif condition.kind == "collision" and condition.names[1] == "doorway":
            door = scene.mechanic(PlateDoor)
            if not door.is_open and door.opening is None:  # shut again: the plate first
                yield from self._walk_onto(
                    self._trigger_of("plate"), where, until=door.pressed_down
                )
            yield from self._walk_onto(self._trigger_of("doorway"), where)
        elif condition.kind == "collision":
            yield from self._walk_onto(self._trigger_of(condition.names[1]), where)
        elif condition.names == ("bell",):
            yield from self._walk_onto(self._trigger_of("bell"), where)
        elif condition.names == ("lamp_lit",):
            if scene.day.dark:
                yield from self._walk_onto(self._trigger_of("lamp"), where)
            else:
                yield from self._collect_coins(1)  # until dusk
        else:  # a step that waits for others (the bell heard, the lamplighter's timer)
            self._goal = None
            while (book.quest_index, book.step_index) == where:
                yield

    def _trigger_of(self, layer: str) -> tuple[float, float]:
        """The centre of the nearest collider on ``layer``, as the player sees the thing."""
        px, py = _centre(self.scene.player.position, Player.SIZE)
        centres = [
            (box.x + box.w / 2, box.y + box.h / 2)
            for box in (c.rect for c in self.scene.context.world if c.layer == layer)
        ]
        if not centres:
            raise LookupError(f"the bot cannot find anything on layer {layer!r}")
        return min(centres, key=lambda c: (math.dist(c, (px, py)), c))

    def _walk_onto(
        self,
        point: tuple[float, float],
        where: tuple[int, int],
        until: Callable[[], bool] = lambda: False,
    ) -> Iterator[None]:
        """Walk to ``point`` until the step moves on, ``until()``, or a while has passed.

        A trigger reacts when the player *enters* it: standing on one that did
        nothing (the bell resting, the lamps in daylight), the bot steps off
        and back on, as a player would.
        """
        scene = self.scene
        book = scene.quests.book
        give_up = scene.loop.tick + GIVE_UP_TICKS
        goal = _cell_of(point)
        aside = _cell_of((point[0], point[1] + STEP_ASIDE))
        arrived = None
        while (
            (book.quest_index, book.step_index) == where
            and scene.loop.tick < give_up
            and not until()
        ):
            here = _cell_of(_centre(scene.player.position, Player.SIZE))
            if here == goal and arrived is None:
                arrived = scene.loop.tick
            if arrived is not None and scene.loop.tick - arrived > 30:
                self._goal = aside
                if here == aside:
                    arrived = None
            else:
                self._goal = goal
            yield
        self._goal = None

    def _close_card(self) -> Iterator[None]:
        """Look at the completion card a moment, then Enter: free play.

        One press, then a second's patience: in a window several frames pass
        before the tick that delivers it, and a second Enter would open the chat.
        """
        scene = self.scene
        self._goal = None
        shown = scene.loop.tick
        pressed = -CARD_TICKS
        while scene.ending.visible:
            tick = scene.loop.tick
            if tick - shown >= CARD_TICKS and tick - pressed >= 60 and not self._chat:
                self._press(pygame.K_RETURN)
                pressed = tick
            yield

    # -- errands --------------------------------------------------------------------

    def _npc(self, key: str) -> ChatNPC:
        return next(n for n in self.scene.npcs if n.key == key)

    def _collect_coins(self, how_many: int) -> Iterator[None]:
        scene = self.scene
        for _ in range(how_many):
            coin = self._nearest_coin()
            if coin is None:
                self._goal = None
                yield
                return
            give_up = scene.loop.tick + GIVE_UP_TICKS
            while coin in scene.coins and scene.loop.tick < give_up:
                self._goal = _cell_of(coin.spot)
                yield

    def _walk_to(self, npc: ChatNPC) -> Iterator[None]:
        """Walk up to ``npc`` (within its talk radius and 60 px), or give up after a while."""
        scene = self.scene
        give_up = scene.loop.tick + GIVE_UP_TICKS
        while (not npc.in_range or self._distance_to(npc) > 60) and scene.loop.tick < give_up:
            self._goal = _cell_of(_centre(npc.position, npc.SIZE))
            yield
        self._goal = None

    def _talk(self, npc: ChatNPC, line: str) -> Iterator[None]:
        """Let ``npc`` finish what it is saying (a quest's explanation), say ``line``,
        wait for the answer to be typed out, then read it for a second."""
        while npc.bubble.state in _BUSY:
            yield
        self._say(line)
        yield
        # Until the reply's end callback (a model may take a while to start) and
        # until its bubble has typed it.
        while self._chat or npc.awaiting_reply or npc.bubble.state in _BUSY:
            yield
        self._wait_until = self.scene.loop.tick + 60
        yield

    def _nearest_coin(self) -> Coin | None:
        px, py = _centre(self.scene.player.position, Player.SIZE)
        coins = sorted(
            self.scene.coins,
            key=lambda c: (math.hypot(c.spot[0] - px, c.spot[1] - py), c.spot),
        )
        return coins[0] if coins else None

    def _distance_to(self, npc: ChatNPC) -> float:
        px, py = _centre(self.scene.player.position, Player.SIZE)
        nx, ny = _centre(npc.position, npc.SIZE)
        return math.hypot(nx - px, ny - py)

    # -- talking: Enter opens the box, the text arrives as TEXTINPUT, Enter sends --------

    def _say(self, text: str) -> None:
        self._release_all()
        tick = self.scene.loop.tick
        self._chat.extend(
            [
                (tick, _key(pygame.KEYDOWN, pygame.K_RETURN)),
                (tick, _key(pygame.KEYUP, pygame.K_RETURN)),
                (tick + 2, pygame.event.Event(pygame.TEXTINPUT, text=text)),
                (tick + 4, _key(pygame.KEYDOWN, pygame.K_RETURN)),
                (tick + 4, _key(pygame.KEYUP, pygame.K_RETURN)),
            ]
        )
        self.said += 1

    def _press(self, key: int) -> None:
        tick = self.scene.loop.tick
        self._chat.extend([(tick, _key(pygame.KEYDOWN, key)), (tick, _key(pygame.KEYUP, key))])

    def _type(self, tick: int) -> None:
        while self._chat and self._chat[0][0] <= tick:
            self.post(self._chat.popleft()[1])

    # -- walking: a grid path around walls and the hazard, followed with arrow keys ----

    def _walk(self, tick: int) -> None:
        scene = self.scene
        here = _centre(scene.player.position, Player.SIZE)
        if self._goal is None:
            self._release_all()
            return
        if self._last_position is not None and math.dist(here, self._last_position) < 0.5:
            self._still_since += 1
        else:
            self._still_since = 0
        self._last_position = here
        stuck = self._still_since > STUCK_TICKS
        if tick >= self._next_plan or (not self._path and tick >= self._retry_at) or stuck:
            start = _cell_of(here)
            self._path = self._find_path(start, self._goal)
            self._next_plan = tick + REPLAN_EVERY
            no_way = not self._path and start != self._goal
            self._retry_at = tick + RETRY_EVERY if no_way else 0
            if stuck:
                self._still_since = 0
                self._wait_until = tick + self.rng.randrange(5, 20)  # let the knock-back settle
        while self._path and math.dist(here, _cell_centre(self._path[0])) < CELL * 0.6:
            self._path.pop(0)
        target = _cell_centre(self._path[0]) if self._path else None
        wanted: set[int] = set()
        if target is not None:
            dx, dy = target[0] - here[0], target[1] - here[1]
            if dx < -2:
                wanted.add(_ARROWS["left"])
            elif dx > 2:
                wanted.add(_ARROWS["right"])
            if dy < -2:
                wanted.add(_ARROWS["up"])
            elif dy > 2:
                wanted.add(_ARROWS["down"])
        self._hold(wanted)

    def _walls(self, goal: Cell) -> bytearray:
        """1 for each cell the player's centre cannot be, asked of the collision world.

        Every solid collider that stops the player (walls, the map's edges, a
        closed door, villagers) blocks the cells it covers, grown by half the
        player; the one whose centre is the ``goal`` (the villager we walk to)
        does not. A new wall or door in the world is in the next plan.
        """
        world = self.scene.context.world
        boxes = tuple(
            box
            for box in (c.rect for c in world.obstacles(self.scene.player_body))
            if _cell_of((box.x + box.w / 2, box.y + box.h / 2)) != goal
        )
        if boxes != self._grid_key:
            grid = bytearray(COLUMNS * ROWS)
            for box in boxes:
                _block_box(grid, box)
            self._grid_key, self._grid = boxes, bytes(grid)
        return bytearray(self._grid)  # a copy: the hazard is for this plan only

    def _find_path(self, start: Cell, goal: Cell) -> list[Cell]:
        """Breadth-first search on the grid around walls, villagers and the hazard."""
        if start == goal:
            return []
        columns, rows = COLUMNS, ROWS
        blocked = self._walls(goal)
        hx, hy = _centre(self.scene.hazard.position, Hazard.SIZE)
        hi, hj = _cell_of((hx, hy))
        reach = math.ceil(HAZARD_CLEARANCE / CELL)
        for j in range(max(hj - reach, 0), min(hj + reach + 1, rows)):
            for i in range(max(hi - reach, 0), min(hi + reach + 1, columns)):
                if math.dist(_cell_centre((i, j)), (hx, hy)) < HAZARD_CLEARANCE:
                    blocked[j * columns + i] = 1
        source = _index(start)
        target = _index(goal)
        if not (0 <= source < len(blocked) and 0 <= target < len(blocked)):
            return []
        blocked[target] = 0
        blocked[source] = 1  # from here on "blocked" also means "already reached"
        came = [-1] * len(blocked)
        came[source] = source
        frontier = deque([source])
        neighbours = _NEIGHBOURS
        while frontier:
            cell = frontier.popleft()
            if cell == target:
                break
            for nxt in neighbours[cell]:
                if not blocked[nxt]:
                    blocked[nxt] = 1
                    came[nxt] = cell
                    frontier.append(nxt)
        if came[target] < 0:
            return []
        path: list[Cell] = []
        back = target
        while back != source:
            path.append((back % columns, back // columns))
            back = came[back]
        path.reverse()
        return path

    # -- keys ---------------------------------------------------------------------

    def _hold(self, wanted: set[int]) -> None:
        for key in sorted(self.held - wanted):
            self.post(_key(pygame.KEYUP, key))
        for key in sorted(wanted - self.held):
            self.post(_key(pygame.KEYDOWN, key))
        self.held = wanted

    def _release_all(self) -> None:
        self._hold(set())


def _key(kind: int, key: int) -> pygame.event.Event:
    return pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0)


def _cycle(items: list[str]) -> Iterator[str]:
    while True:
        yield from items


def _centre(position: tuple[float, float], size: float) -> tuple[float, float]:
    return (position[0] + size / 2, position[1] + size / 2)


def _cell_of(point: tuple[float, float]) -> Cell:
    return (int(point[0] // CELL), int(point[1] // CELL))


def _cell_centre(cell: Cell) -> tuple[float, float]:
    return (cell[0] * CELL + CELL / 2, cell[1] * CELL + CELL / 2)


def _index(cell: Cell) -> int:
    i, j = cell
    return j * COLUMNS + i if 0 <= i < COLUMNS and 0 <= j < ROWS else -1


def _neighbours(cell: int) -> tuple[int, ...]:
    """The cells right, left, below and above ``cell`` that are on the grid."""
    x, y = cell % COLUMNS, cell // COLUMNS
    steps = ((x + 1 < COLUMNS, 1), (x > 0, -1), (y + 1 < ROWS, COLUMNS), (y > 0, -COLUMNS))
    return tuple(cell + step for inside, step in steps if inside)


#: Each cell's neighbours, computed once: the search's inner loop only looks them up.
_NEIGHBOURS = tuple(_neighbours(cell) for cell in range(COLUMNS * ROWS))


def _block_box(blocked: bytearray, box: tuple[float, float, float, float]) -> None:
    """Mark the cells where the player's centre would overlap ``box`` (x, y, w, h)."""
    grow = Player.SIZE / 2 + 3
    x0, y0, x1, y1 = box[0] - grow, box[1] - grow, box[0] + box[2] + grow, box[1] + box[3] + grow
    for j in range(max(int(y0 // CELL), 0), min(int(y1 // CELL) + 1, ROWS)):
        for i in range(max(int(x0 // CELL), 0), min(int(x1 // CELL) + 1, COLUMNS)):
            cx, cy = _cell_centre((i, j))
            if x0 < cx < x1 and y0 < cy < y1:
                blocked[j * COLUMNS + i] = 1
