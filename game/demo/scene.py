"""The demo village. Read ``__init__`` as the table of contents: what reacts to what.

Every mechanic is a callback on the bus: input moves the player in
``FixedUpdate``; the collision world reports coins, the hazard and the NPCs'
talk radius; timers respawn coins, turn the day and end an NPC's dance; the
chat box publishes what the player types and the NPCs answer through their
brains' callbacks.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Callable
from typing import Any

import pygame

from game.audio import Blips, BlipVoice
from game.demo.entities import Coin, Hazard, Player, lerp
from game.demo.pause import PausePanel
from game.demo.village import LAYOUT, paint_village
from game.engine.bindings import KeyInput
from game.engine.collisions import Collider, CollisionWorld
from game.engine.events import EventBus
from game.engine.input import InputMapper
from game.engine.input_events import ActionPressed, MouseDown, QuitRequested
from game.engine.loop import FixedStepLoop, FixedUpdate
from game.engine.timers import TimerHandle, Timers
from game.npc.brain import Brain, has_cjk
from game.npc.chat import ChatNPC, ConversationLog, NpcAction, NpcSpoke
from game.npc.dialogue import load_npc
from game.npc.rule_brain import RuleBrain
from game.ui.bubble import BubbleStyle, SpeechBubble
from game.ui.chat_events import ChatOpened, ChatSubmitted
from game.ui.debug import DebugOverlay
from game.ui.fonts import load_font
from game.ui.hud import Hud
from game.ui.log_panel import LogPanel
from game.ui.text import TextCache
from game.ui.textbox import TextBox

__all__ = ["HEIGHT", "WIDTH", "DemoScene"]

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 960, 540
COINS_ON_MAP = 8
COIN_RESPAWN = (4.0, 9.0)  # game seconds, drawn from the seeded RNG
COIN_POINTS = 10
HAZARD_PENALTY = 5
KNOCKBACK_SPEED = 420.0
STUN_TIME = 0.35  # seconds without control after a knock-back
SAFE_TIME = 1.2  # seconds the hazard cannot hit again
DAY_LENGTH = 240.0  # game seconds per day
DAY_START_HOUR = 8.0
NIGHT_TINT = (70, 80, 150)
TEXT_SPEEDS = (("normal", 30.0), ("fast", 60.0), ("slow", 15.0))
NOT_HEARD = {
    "en": "No one is close enough to hear you.",
    "zh": "附近没有人能听到你说话。",
}

PLAYER_BODY = (242, 201, 76)
OUTLINE = (52, 40, 34)
NPC_LOOKS = {
    "guide": ((138, 96, 196), (244, 214, 170)),
    "baker": ((250, 250, 244), (232, 190, 150)),
}
HAZARD_BODY = (214, 66, 74)
GOLD = (246, 196, 64)
GOLD_EDGE = (170, 118, 30)
NAME_INK = (255, 252, 240)
NAME_SHADOW = (40, 34, 30)


class DemoScene:
    """The village: a player, coins, a patrolling hazard, two NPCs and a day that turns."""

    def __init__(
        self,
        bus: EventBus,
        loop: FixedStepLoop,
        controls: InputMapper,
        rng: random.Random,
        *,
        timers: Timers,
        world: CollisionWorld,
        brain: Callable[[RuleBrain], Brain] | None = None,
        blips: Blips | None = None,
    ) -> None:
        self.bus = bus
        self.loop = loop
        self.controls = controls
        self.rng = rng
        self.timers = timers
        self.world = world
        self.blips = blips if blips is not None else Blips(muted=True)
        self.score = 0
        self.coins_collected = 0
        self.hazard_hits = 0
        self.npc_replies = 0
        self.daylight = 1.0  # 1 is noon, 0 is midnight; set by turn_the_day()
        self.text_speed = 0
        self.font = load_font(18)
        self.log = ConversationLog(50)

        # -- who is here -----------------------------------------------------
        for rect in LAYOUT.solids():
            world.add(rect, layer="wall", mask=["player", "npc"])
        world.add((-40, -40, WIDTH + 80, 40), layer="wall")  # the village's edges
        world.add((-40, HEIGHT, WIDTH + 80, 40), layer="wall")
        world.add((-40, 0, 40, HEIGHT), layer="wall")
        world.add((WIDTH, 0, 40, HEIGHT), layer="wall")

        self.player = Player(LAYOUT.player_start)
        self.player_body = world.add(
            (*LAYOUT.player_start, Player.SIZE, Player.SIZE),
            layer="player",
            mask=["wall", "npc", "coin", "hazard", "talk"],
            owner=self.player,
        )
        self.player_bubble = self._bubble()
        self.stunned = False
        self.safe = False

        self.coins: list[Coin] = []
        free_spots = list(LAYOUT.coin_spots)
        rng.shuffle(free_spots)
        for spot in free_spots[:COINS_ON_MAP]:
            self._place_coin(Coin(spot))

        self.hazard = Hazard(LAYOUT.hazard_route)
        self.hazard_body = world.add(
            (*self.hazard.position, Hazard.SIZE, Hazard.SIZE),
            layer="hazard",
            mask=["player"],
            trigger=True,
            owner=self.hazard,
        )

        self.npcs = [self._npc(key, brain) for key in ("guide", "baker")]

        # -- what reacts to what ---------------------------------------------
        on = bus.subscribe
        on(FixedUpdate, self.move_player)  # held actions → velocity → slide along walls
        on(FixedUpdate, self.patrol_hazard)
        on(FixedUpdate, self.tick_people)  # NPCs walk, bubbles type, on game time
        world.on_enter("player", "coin", self.collect_coin)  # → score, respawn timer
        world.on_enter("player", "hazard", self.knock_back)  # → push, stun timer
        world.on_enter("player", "talk", self.approach_npc)  # → greeting
        world.on_exit("player", "talk", self.leave_npc)  # → farewell
        on(ChatOpened, self.on_chat_opened)  # stop walking while typing
        on(ChatSubmitted, self.say)  # → the nearest NPC hears it
        on(NpcAction, self.perform)  # "dance" → spin timer, "follow" → follow timer
        on(NpcSpoke, self.count_reply)
        on(ActionPressed, self.on_action)  # pause, log, debug overlay, step, skip
        on(MouseDown, self.on_click)  # a click skips the typewriter
        timers.every(1.0, self.turn_the_day, name="daylight")  # the day/night tint
        self.turn_the_day()

        # -- what is drawn on top ----------------------------------------------
        self.chat = TextBox(bus, font=self.font, screen_size=(WIDTH, HEIGHT))
        self.hud = Hud(load_font(20), WIDTH, HEIGHT)
        self.log_panel = LogPanel(self.font, (WIDTH - 380, 48, 364, 330))
        self.debug = DebugOverlay(bus, self.debug_stats)
        self.pause_panel = PausePanel(
            bus,
            load_font(20),
            on_resume=self.resume,
            on_sound=self.toggle_sound,
            sound_label=lambda: f"Sound: {'off' if self.blips.muted else 'on'}",
            on_speed=self.cycle_text_speed,
            speed_label=lambda: f"Text speed: {TEXT_SPEEDS[self.text_speed][0]}",
            on_quit=self.quit,
            let_through=_keys_of(controls, ("debug", "step", "log")),
        )
        self.toast = ""
        self._toast_timer: TimerHandle | None = None
        self.boxes_shown = False
        self._background: pygame.Surface | None = None
        self._tints: dict[int, pygame.Surface] = {}
        self._labels = TextCache(load_font(14), capacity=32)
        self.frame_stats: Callable[[], dict[str, object]] = dict

    # -- building ------------------------------------------------------------------

    def _bubble(self, voice: BlipVoice | None = None, width: int = 240) -> SpeechBubble:
        return SpeechBubble(
            self.font,
            style=BubbleStyle(max_text_width=width),
            cps=TEXT_SPEEDS[self.text_speed][1],
            on_reveal=voice.on_reveal if voice is not None else None,
        )

    def _npc(self, key: str, brain: Callable[[RuleBrain], Brain] | None) -> ChatNPC:
        dialogue = load_npc(key)
        rules = RuleBrain(dialogue, self.rng)
        return ChatNPC(
            dialogue,
            bus=self.bus,
            timers=self.timers,
            world=self.world,
            position=LAYOUT.npc_spots[key],
            brain=brain(rules) if brain is not None else rules,
            barks=rules,
            # Wide, so a long answer fits above the NPC in a few lines.
            bubble=self._bubble(BlipVoice(self.blips, dialogue.pitch), width=360),
            facts=self.facts,
            log=self.log,
        )

    def _place_coin(self, coin: Coin) -> None:
        coin.collider = self.world.add(
            coin.rect, layer="coin", mask=["player"], trigger=True, owner=coin
        )
        self.coins.append(coin)

    # -- callbacks: the game's rules ---------------------------------------------------

    def move_player(self, event: FixedUpdate) -> None:
        """Steer by the held actions (none while stunned or typing), then slide along walls."""
        if self.stunned or self.chat.is_open:
            ax = ay = 0.0
        else:
            ax, ay = self.controls.axis("move_x"), self.controls.axis("move_y")
        self.player.steer(ax, ay, event.dt)
        wanted = (self.player.velocity[0] * event.dt, self.player.velocity[1] * event.dt)
        got = self.world.move(self.player_body, *wanted)
        self.player.moved(self.player_body.position, wanted, got)

    def patrol_hazard(self, event: FixedUpdate) -> None:
        """The hazard walks its route back and forth."""
        self.hazard.patrol(event.dt)
        self.hazard_body.position = self.hazard.position

    def tick_people(self, event: FixedUpdate) -> None:
        """NPCs walk (when following) and every bubble types on game time."""
        for npc in self.npcs:
            npc.on_fixed_update(event.dt, self.player.position)
        self.player_bubble.update(event.dt)

    def collect_coin(self, _player: Collider, coin_body: Collider) -> None:
        """A coin touched: score it, take it away, and schedule a new one elsewhere."""
        coin = coin_body.owner
        assert isinstance(coin, Coin)
        self.world.remove(coin_body)
        coin.collider = None
        self.coins.remove(coin)
        self.score += COIN_POINTS
        self.coins_collected += 1
        self.timers.after(self.rng.uniform(*COIN_RESPAWN), self.respawn_coin, name="coin respawn")

    def respawn_coin(self) -> None:
        """A coin appears on a free spot away from the player."""
        taken = {coin.spot for coin in self.coins}
        px, py = self.player.position
        spots = [
            s for s in LAYOUT.coin_spots if s not in taken and math.hypot(s[0] - px, s[1] - py) > 80
        ]
        if spots:
            self._place_coin(Coin(self.rng.choice(spots)))

    def knock_back(self, _player: Collider, _hazard: Collider) -> None:
        """The hazard hit: push the player away and take control for a moment."""
        if self.safe:
            return
        hx = self.hazard.position[0] + Hazard.SIZE / 2
        hy = self.hazard.position[1] + Hazard.SIZE / 2
        px = self.player.position[0] + Player.SIZE / 2
        py = self.player.position[1] + Player.SIZE / 2
        away = (px - hx, py - hy) if (px, py) != (hx, hy) else (0.0, 1.0)
        self.player.push(away, KNOCKBACK_SPEED)
        self.score = max(self.score - HAZARD_PENALTY, 0)
        self.hazard_hits += 1
        self.stunned = self.safe = True
        self.timers.after(STUN_TIME, self._recover, name="stun")
        self.timers.after(SAFE_TIME, self._unsafe, name="safe")

    def _recover(self) -> None:
        self.stunned = False

    def _unsafe(self) -> None:
        self.safe = False

    def approach_npc(self, _player: Collider, zone: Collider) -> None:
        """The player walked into an NPC's talk radius."""
        npc = zone.owner
        assert isinstance(npc, ChatNPC)
        npc.player_entered()

    def leave_npc(self, _player: Collider, zone: Collider) -> None:
        """The player walked out of an NPC's talk radius."""
        npc = zone.owner
        assert isinstance(npc, ChatNPC)
        npc.player_left()

    def on_chat_opened(self, event: ChatOpened) -> None:
        """The chat box takes the keyboard: let go of whatever was held."""
        self.controls.release_all(event.tick)

    def say(self, event: ChatSubmitted) -> None:
        """The player said something: the nearest NPC in range hears it."""
        self.player_bubble.say(event.text)
        self.log.add("You", event.text)
        listener = self.nearest_npc()
        if listener is None:
            self.show_toast(NOT_HEARD["zh" if has_cjk(event.text) else "en"])
            return
        listener.hear(event.text)

    def perform(self, event: NpcAction) -> None:
        """An NPC was asked to do something."""
        npc = next(n for n in self.npcs if n.key == event.npc)
        if event.action == "dance":
            npc.dance()
        elif event.action == "follow":
            npc.follow()
        elif event.action == "stop":
            npc.stop()

    def count_reply(self, event: NpcSpoke) -> None:
        """Count the NPCs' answers (for the summary); an apology is not one."""
        if event.reply and not event.failed:
            self.npc_replies += 1

    def turn_the_day(self) -> None:
        """Every game second: move the sun (daylight follows a cosine over the day)."""
        hour = self.hour()
        self.daylight = 0.5 + 0.5 * math.cos((hour - 13.0) / 24.0 * math.tau)

    def on_action(self, event: ActionPressed) -> None:
        """Keys that are about the game rather than the world."""
        action = event.action
        if action in ("pause", "cancel") and not self.chat.is_open:
            self.pause() if not self.pause_panel.visible else self.resume()
        elif action == "log":
            self.log_panel.toggle()
        elif action == "debug":
            self.debug.toggle()
            self.boxes_shown = self.debug.visible
        elif action == "step" and self.loop.paused:
            self.loop.step_once()
        elif action in ("confirm", "chat"):  # Space skips; Enter skips as it opens the chat
            self.skip_bubbles()

    def on_click(self, event: MouseDown) -> None:
        """A click skips the typewriter."""
        self.skip_bubbles()

    def skip_bubbles(self) -> None:
        """Reveal every bubble's whole text now."""
        for npc in self.npcs:
            npc.bubble.skip()
        self.player_bubble.skip()

    # -- the pause panel's buttons --------------------------------------------------------

    def pause(self) -> None:
        """Stop the game and show the panel."""
        self.loop.paused = True
        self.pause_panel.show()

    def resume(self) -> None:
        """Hide the panel and go on."""
        self.pause_panel.hide()
        self.loop.paused = False

    def toggle_sound(self) -> None:
        """Sound on or off."""
        self.blips.muted = not self.blips.muted

    def cycle_text_speed(self) -> None:
        """Normal, fast, slow: how fast bubbles type."""
        self.text_speed = (self.text_speed + 1) % len(TEXT_SPEEDS)
        cps = TEXT_SPEEDS[self.text_speed][1]
        for bubble in [self.player_bubble, *(npc.bubble for npc in self.npcs)]:
            bubble.cps = cps

    def quit(self) -> None:
        """Ask the app to close."""
        self.bus.publish(QuitRequested(self.loop.tick))

    # -- questions the rest of the game asks ----------------------------------------------

    def nearest_npc(self) -> ChatNPC | None:
        """The NPC whose talk radius the player is in, nearest first."""
        near = [npc for npc in self.npcs if npc.in_range]
        px, py = self.player.position
        return min(
            near,
            key=lambda n: (math.hypot(n.position[0] - px, n.position[1] - py), n.key),
            default=None,
        )

    def hour(self) -> float:
        """The village clock in hours (0–24), from game time."""
        return (DAY_START_HOUR + self.loop.time / DAY_LENGTH * 24.0) % 24.0

    def clock(self) -> str:
        """The village clock as text, "Day 1 08:00"."""
        total = DAY_START_HOUR * 60 + self.loop.time / DAY_LENGTH * 24 * 60
        day, minutes = divmod(int(total), 24 * 60)
        return f"Day {day + 1} {minutes // 60:02d}:{minutes % 60:02d}"

    def facts(self) -> dict[str, object]:
        """Live numbers the NPCs may quote."""
        return {
            "score": self.score,
            "coins_left": len(self.coins),
            "coins_collected": self.coins_collected,
            # Every coin that has appeared: those picked up and those still lying there.
            "coins_total": self.coins_collected + len(self.coins),
            "clock": self.clock()[-5:],
        }

    def show_toast(self, text: str, seconds: float = 3.0) -> None:
        """A short message above the chat box."""
        self.toast = text
        if self._toast_timer is not None:
            self._toast_timer.cancel()
        self._toast_timer = self.timers.after(seconds, self._clear_toast, name="toast")

    def _clear_toast(self) -> None:
        self.toast = ""
        self._toast_timer = None

    def hint(self) -> str:
        """What the HUD suggests now."""
        if self.toast:
            return self.toast
        if self.loop.paused and not self.pause_panel.visible:
            return "Paused while the window is in the background: click or press a key"
        if self.chat.is_open or self.loop.paused:
            return ""
        npc = self.nearest_npc()
        return f"Enter: talk to {npc.name}" if npc is not None else ""

    def debug_stats(self) -> dict[str, object]:
        """Lines for the debug overlay."""
        stats = dict(self.frame_stats())
        stats.update(
            {
                "tick": self.loop.tick,
                "alpha": f"{self.loop.alpha:.2f}",
                "dropped time": f"{self.loop.dropped_time:.3f} s",
                "handler errors": self.bus.handler_errors,
                "subscriptions": self.bus.subscription_count,
                "timers": f"{self.timers.active_count}, next: "
                + ", ".join(f"{t.name} {t.remaining:.1f}s" for t in self.timers.upcoming(3)),
                "colliders": len(self.world),
            }
        )
        return stats

    # -- state ---------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything that decides what happens next, by part, for the state hash."""
        return {
            "player": (
                self.player.position,
                self.player.velocity,
                self.player.facing,
                self.stunned,
                self.safe,
            ),
            "score": (self.score, self.coins_collected, self.hazard_hits, self.npc_replies),
            "coins": sorted(coin.spot for coin in self.coins),
            "hazard": (self.hazard.position, self.hazard.target, self.hazard.direction),
            "npcs": [npc.state() for npc in self.npcs],
            "timers": (self.timers.time, self.timers.active_count, self.timers.fired_total),
            "chat": (self.chat.is_open, self.chat.text, self.player_bubble.text),
        }

    # -- drawing -------------------------------------------------------------------------

    def render(self, surface: pygame.Surface, alpha: float) -> None:
        """Draw the village, blending moving things between steps by ``alpha``."""
        if self._background is None:
            self._background = paint_village().convert()
        surface.blit(self._background, (0, 0))
        time = self.loop.time + alpha * self.loop.step
        for coin in self.coins:
            self._draw_coin(surface, coin, time)
        for npc in self.npcs:
            self._draw_npc(surface, npc, alpha)
        self._draw_hazard(surface, self.hazard.interpolated(alpha), time)
        player_at = self.player.interpolated(alpha)
        self._draw_player(surface, player_at, time)
        self._draw_tint(surface)
        if self.boxes_shown:
            self.debug.draw_boxes(surface, [c.rect for c in self.world])
        # Two people talking: the lower one's words hang below them, so the
        # bubbles never cover each other (or the other speaker).
        listener = self.nearest_npc()
        player_lower = listener is not None and listener.position[1] < self.player.position[1]
        for npc in self.npcs:
            x, y = lerp(npc.previous, npc.position, alpha)
            if npc is listener and not player_lower:
                npc.bubble.draw(surface, (x + ChatNPC.SIZE / 2, y + ChatNPC.SIZE + 18), below=True)
            else:
                npc.bubble.draw(surface, (x + ChatNPC.SIZE / 2, y - 4))
        if player_lower:
            feet = (player_at[0] + Player.SIZE / 2, player_at[1] + Player.SIZE + 2)
            self.player_bubble.draw(surface, feet, below=True)
        else:
            self.player_bubble.draw(surface, (player_at[0] + Player.SIZE / 2, player_at[1] - 4))
        self.hud.draw(
            surface,
            score=self.score,
            coins_left=len(self.coins),
            clock=self.clock(),
            hint=self.hint(),
        )
        self.chat.draw(surface, self.loop.time)
        self.log_panel.draw(surface, self.log.lines, self.log.version)
        self.pause_panel.draw(surface)
        self.debug.draw(surface)

    def _draw_coin(self, surface: pygame.Surface, coin: Coin, time: float) -> None:
        x, y = coin.spot
        bob = math.sin(time * 4.0 + x * 0.05) * 2.5
        squeeze = abs(math.cos(time * 2.0 + y * 0.05))
        width = max(2, round(Coin.SIZE * (0.35 + 0.65 * squeeze)))
        rect = pygame.Rect(0, 0, width, Coin.SIZE)
        rect.center = (round(x), round(y + bob))
        pygame.draw.ellipse(surface, GOLD, rect)
        pygame.draw.ellipse(surface, GOLD_EDGE, rect, width=2)

    def _draw_player(self, surface: pygame.Surface, at: tuple[float, float], time: float) -> None:
        body = pygame.Rect(round(at[0]), round(at[1]), Player.SIZE, Player.SIZE)
        blink = self.safe and int(time * 12) % 2 == 0
        if not blink:
            pygame.draw.rect(surface, PLAYER_BODY, body, border_radius=9)
            pygame.draw.rect(surface, OUTLINE, body, width=2, border_radius=9)
            _eyes(surface, body, self.player.facing)

    def _draw_npc(self, surface: pygame.Surface, npc: ChatNPC, alpha: float) -> None:
        x, y = lerp(npc.previous, npc.position, alpha)
        robe, face = NPC_LOOKS.get(npc.key, ((120, 160, 200), (240, 210, 180)))
        body = pygame.Rect(round(x), round(y), ChatNPC.SIZE, ChatNPC.SIZE)
        facing = (math.sin(npc.spin), math.cos(npc.spin)) if npc.spin else npc.facing
        pygame.draw.rect(surface, robe, body, border_radius=10)
        pygame.draw.rect(surface, OUTLINE, body, width=2, border_radius=10)
        head = pygame.Rect(0, 0, 18, 14)
        head.midtop = (body.centerx, body.top + 3)
        pygame.draw.ellipse(surface, face, head)
        _eyes(surface, body, facing)
        label = self._labels.render(npc.name, NAME_INK)
        shadow = self._labels.render(npc.name, NAME_SHADOW)
        place = label.get_rect(midtop=(body.centerx, body.bottom + 2))
        surface.blit(shadow, place.move(1, 1))
        surface.blit(label, place)

    def _draw_hazard(self, surface: pygame.Surface, at: tuple[float, float], time: float) -> None:
        centre = (round(at[0] + Hazard.SIZE / 2), round(at[1] + Hazard.SIZE / 2))
        squash = 1.0 + 0.12 * math.sin(time * 9.0)
        rect = pygame.Rect(0, 0, round(Hazard.SIZE * squash), round(Hazard.SIZE / squash))
        rect.midbottom = (centre[0], centre[1] + Hazard.SIZE // 2)
        pygame.draw.ellipse(surface, HAZARD_BODY, rect)
        pygame.draw.ellipse(surface, OUTLINE, rect, width=2)
        for side in (-1, 1):
            eye = (rect.centerx + side * 5, rect.centery - 2)
            pygame.draw.circle(surface, (255, 255, 255), eye, 4)
            pygame.draw.circle(surface, OUTLINE, (eye[0] + side, eye[1] + 1), 2)

    def _draw_tint(self, surface: pygame.Surface) -> None:
        darkness = round((1.0 - self.daylight) * 10) - 4  # dusk and night only
        if darkness <= 0:
            return
        tint = self._tints.get(darkness)
        if tint is None:
            tint = pygame.Surface((WIDTH, HEIGHT)).convert()
            level = darkness / 6
            tint.fill(tuple(round(255 - (255 - c) * level * 0.75) for c in NIGHT_TINT))
            self._tints[darkness] = tint
        surface.blit(tint, (0, 0), special_flags=pygame.BLEND_RGB_MULT)


def _keys_of(controls: InputMapper, actions: tuple[str, ...]) -> set[int]:
    """The keyboard keys bound to ``actions``."""
    return {
        given.key
        for action in actions
        for given in controls.bindings.actions.get(action, ())
        if isinstance(given, KeyInput)
    }


def _eyes(surface: pygame.Surface, body: pygame.Rect, facing: tuple[float, float]) -> None:
    fx, fy = facing
    look = (round(fx * 4), round(fy * 3))
    for side in (-1, 1):
        eye = (body.centerx + side * 6 + look[0], body.centery + look[1])
        pygame.draw.circle(surface, (255, 255, 255), eye, 4)
        pygame.draw.circle(surface, OUTLINE, (eye[0] + look[0] // 2, eye[1] + look[1] // 2), 2)
