"""Conversations: the villagers, their speech bubbles, and the player's words to them."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping

import pygame

from game.audio import BlipVoice
from game.demo.chat_box import ChatBox
from game.demo.entities import Player, lerp
from game.demo.looks import OUTLINE, eyes
from game.demo.player import PlayerCharacter
from game.demo.score import Scoreboard
from game.demo.toast import Toast
from game.demo.village import LAYOUT
from game.engine.collisions import Collider
from game.engine.input_events import ActionPressed, MouseDown
from game.engine.loop import FixedUpdate
from game.npc.brain import Brain, has_cjk
from game.npc.chat import ChatNPC, ConversationLog, NpcAction, NpcSpoke
from game.npc.dialogue import load_npc
from game.npc.explain import BusExplainer
from game.npc.rule_brain import RuleBrain
from game.quests.events import Signal
from game.scene import DrawLayer, Mechanic, SceneContext
from game.widgets.bubble import BubbleStyle, SpeechBubble
from game.widgets.chat_events import ChatSubmitted
from game.widgets.fonts import load_font
from game.widgets.text import TextCache

__all__ = ["NOT_HEARD", "TEXT_SPEEDS", "Conversations"]

#: The villagers, by dialogue file (``assets/dialogue/<key>.toml``).
VILLAGERS = ("guide", "baker")
TEXT_SPEEDS = (("normal", 30.0), ("fast", 60.0), ("slow", 15.0))  # characters per second
NOT_HEARD = {
    "en": "No one is close enough to hear you.",
    "zh": "附近没有人能听到你说话。",
}
NPC_LOOKS = {
    "guide": ((138, 96, 196), (244, 214, 170)),
    "baker": ((250, 250, 244), (232, 190, 150)),
}
NAME_INK = (255, 252, 240)
NAME_SHADOW = (40, 34, 30)

#: ``brain(rules)``: the chat brain of an NPC, given its rule brain (for greetings).
BrainFactory = Callable[[RuleBrain], Brain]


class Conversations(Mechanic):
    """The NPCs (each a solid body and a talk-radius trigger) and every bubble.

    Owns the ``npcs`` and ``chat`` state parts. Reacts to:

    * ``world.on_enter/on_exit("player", "talk")``: greet (a cooldown timer),
      say goodbye, cancel a reply in progress;
    * ``ChatSubmitted``: the nearest NPC in range hears it and asks its brain
      (no one near: a toast says so);
    * ``NpcAction``: "dance" is a repeating spin timer, "follow" a 10 s timer;
      "stop_dance" / "stop_follow" cancel them;
    * ``NpcSpoke``: counts the answers on the scoreboard;
    * ``FixedUpdate``: NPCs walk (following), bubbles type on game time;
    * the ``confirm``/``chat`` actions and a click: skip the typewriter.
    """

    def __init__(
        self,
        context: SceneContext,
        *,
        you: PlayerCharacter,
        chat: ChatBox,
        score: Scoreboard,
        toast: Toast,
        font: pygame.font.Font,
        facts: Callable[[], Mapping[str, object]],
        brain: BrainFactory | None = None,
    ) -> None:
        super().__init__(context)
        self.rng = context.rng
        self.blips = context.blips
        self.you = you
        self.chat = chat
        self.score = score
        self.toast = toast
        self.font = font
        self.facts = facts
        self.text_speed = 0
        self.log = ConversationLog(50)
        # The guide answers "what just happened?" and "who listens to X?" from the bus.
        self.explainer = BusExplainer(self.bus)
        self.player_bubble = self._bubble()
        self.npcs = [self._npc(key, brain) for key in VILLAGERS]
        self._labels = TextCache(load_font(14), capacity=32)

        self.on(FixedUpdate, self.tick_people)
        self.on_enter("player", "talk", self.approach)
        self.on_exit("player", "talk", self.leave)
        self.on(ChatSubmitted, self.say)
        self.on(NpcAction, self.perform)
        self.on(NpcSpoke, self.count_reply)
        self.on(Signal, self.hear_signal)
        self.on(ActionPressed, self.on_action)
        self.on(MouseDown, self.on_click)
        self.draws(DrawLayer.FIGURES, self.draw_villagers)
        self.draws(DrawLayer.SPEECH, self.draw_bubbles)

    # -- building -------------------------------------------------------------------

    def _bubble(self, voice: BlipVoice | None = None, width: int = 240) -> SpeechBubble:
        return SpeechBubble(
            self.font,
            style=BubbleStyle(max_text_width=width),
            cps=TEXT_SPEEDS[self.text_speed][1],
            on_reveal=voice.on_reveal if voice is not None else None,
        )

    def _npc(self, key: str, brain: BrainFactory | None) -> ChatNPC:
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
            layer="npc",
            talk_layer="talk",
            live=self.explainer if key == "guide" else None,
        )

    # -- callbacks ----------------------------------------------------------------------

    def tick_people(self, event: FixedUpdate) -> None:
        """NPCs walk (when following) and every bubble types on game time."""
        for npc in self.npcs:
            npc.on_fixed_update(event.dt, self.you.position)
        self.player_bubble.update(event.dt)

    def approach(self, _player: Collider, zone: Collider) -> None:
        """The player walked into an NPC's talk radius."""
        npc = zone.owner
        assert isinstance(npc, ChatNPC)
        npc.player_entered()

    def leave(self, _player: Collider, zone: Collider) -> None:
        """The player walked out of an NPC's talk radius."""
        npc = zone.owner
        assert isinstance(npc, ChatNPC)
        npc.player_left()

    def say(self, event: ChatSubmitted) -> None:
        """The player said something: the nearest NPC in range hears it."""
        self.player_bubble.say(event.text, instant=True)  # the player knows what they said
        self.log.add("You", event.text)
        listener = self.nearest_npc()
        if listener is None:
            self.toast.show(NOT_HEARD["zh" if has_cjk(event.text) else "en"])
            return
        listener.hear(event.text)

    def perform(self, event: NpcAction) -> None:
        """An NPC was asked to do something."""
        npc = next(n for n in self.npcs if n.key == event.npc)
        npc.perform(event.action)

    def hear_signal(self, event: Signal) -> None:
        """The bell rang: each villager turns to it a moment later and dances."""
        if event.name != "bell":
            return
        for n, npc in enumerate(self.npcs):
            self.after(0.3 + 0.4 * n, self._bell_heard, npc, name=f"{npc.key} hears the bell")

    def _bell_heard(self, npc: ChatNPC) -> None:
        npc.dance()
        self.bus.publish(Signal("bell_heard", npc.key))

    def count_reply(self, event: NpcSpoke) -> None:
        """Count the NPCs' answers (for the summary); an apology is not one."""
        if event.reply and not event.failed:
            self.score.npc_replies += 1

    def on_action(self, event: ActionPressed) -> None:
        """Space skips the typewriter; Enter skips it as it opens the chat box."""
        if event.action in ("confirm", "chat"):
            self.skip_bubbles()

    def on_click(self, _event: MouseDown) -> None:
        """A click skips the typewriter."""
        self.skip_bubbles()

    def skip_bubbles(self) -> None:
        """Reveal every bubble's whole text now."""
        for bubble in self.bubbles():
            bubble.skip()

    def cycle_text_speed(self) -> None:
        """Normal, fast, slow: how fast bubbles type."""
        self.text_speed = (self.text_speed + 1) % len(TEXT_SPEEDS)
        cps = TEXT_SPEEDS[self.text_speed][1]
        for bubble in self.bubbles():
            bubble.cps = cps

    # -- questions -----------------------------------------------------------------------

    def bubbles(self) -> Iterator[SpeechBubble]:
        """Every speech bubble: the NPCs', then the player's."""
        for npc in self.npcs:
            yield npc.bubble
        yield self.player_bubble

    def nearest_npc(self) -> ChatNPC | None:
        """The NPC whose talk radius the player is in, nearest first."""
        near = [npc for npc in self.npcs if npc.in_range]
        px, py = self.you.position
        return min(
            near,
            key=lambda n: (math.hypot(n.position[0] - px, n.position[1] - py), n.key),
            default=None,
        )

    def state(self) -> Mapping[str, object]:
        chat = self.chat
        return {
            "npcs": [npc.state() for npc in self.npcs],
            "chat": (chat.is_open, chat.text, self.player_bubble.text),
        }

    def close(self) -> None:
        """Close the NPCs too: their replies, timers, brains (a LangChain brain's thread and
        connections) and colliders."""
        if self.closed:
            return
        super().close()
        for npc in self.npcs:
            npc.close()

    # -- drawing ---------------------------------------------------------------------------

    def draw_villagers(self, surface: pygame.Surface, alpha: float) -> None:
        """Each NPC: a robe, a face, eyes, a name label; dancing, it hops, sways and sings."""
        time = self.loop.time + alpha * self.loop.step
        for npc in self.npcs:
            x, y = lerp(npc.previous, npc.position, alpha)
            body = pygame.Rect(round(x), round(y), ChatNPC.SIZE, ChatNPC.SIZE)
            if npc.dancing:
                self._draw_dancer(surface, npc, body, time)
            else:
                self._draw_figure(surface, npc, body, npc.facing)
            label = self._labels.render(npc.name, NAME_INK)
            shadow = self._labels.render(npc.name, NAME_SHADOW)
            place = label.get_rect(midtop=(body.centerx, body.bottom + 2))
            surface.blit(shadow, place.move(1, 1))
            surface.blit(label, place)

    def _draw_figure(
        self, surface: pygame.Surface, npc: ChatNPC, body: pygame.Rect, facing: tuple[float, float]
    ) -> None:
        robe, face = NPC_LOOKS.get(npc.key, ((120, 160, 200), (240, 210, 180)))
        pygame.draw.rect(surface, robe, body, border_radius=10)
        pygame.draw.rect(surface, OUTLINE, body, width=2, border_radius=10)
        head = pygame.Rect(0, 0, 18, 14)
        head.midtop = (body.centerx, body.top + 3)
        pygame.draw.ellipse(surface, face, head)
        eyes(surface, body, facing)

    def _draw_dancer(
        self, surface: pygame.Surface, npc: ChatNPC, body: pygame.Rect, time: float
    ) -> None:
        """Hop on every beat, lean left and right, arms up, notes rising: a dance."""
        beat = time * 2.5 * math.tau  # 2.5 hops a second
        hop = round(abs(math.sin(beat / 2)) * 14)
        lean = math.sin(beat / 4) * 18  # degrees
        size = ChatNPC.SIZE + 16
        sprite = pygame.Surface((size, size), pygame.SRCALPHA)
        figure = pygame.Rect(8, 8, ChatNPC.SIZE, ChatNPC.SIZE)
        robe = NPC_LOOKS.get(npc.key, ((120, 160, 200), (240, 210, 180)))[0]
        for side in (-1, 1):  # arms waving above the head
            shoulder = (figure.centerx + side * 10, figure.top + 14)
            hand = (figure.centerx + side * 16, figure.top - 4 + round(math.sin(beat) * 4 * side))
            pygame.draw.line(sprite, OUTLINE, shoulder, hand, 5)
            pygame.draw.line(sprite, robe, shoulder, hand, 3)
        self._draw_figure(sprite, npc, figure, (math.sin(npc.spin), 1.0))
        turned = pygame.transform.rotate(sprite, lean)
        surface.blit(turned, turned.get_rect(center=(body.centerx, body.centery - hop)))
        for n in range(2):  # notes drifting up on alternate sides
            rise = (time * 1.2 + n * 0.5) % 1.0
            side = 1 if n == 0 else -1
            nx = body.centerx + side * (20 + round(rise * 6))
            ny = body.top - 6 - round(rise * 30)
            pygame.draw.circle(surface, OUTLINE, (nx, ny), 4)
            pygame.draw.line(surface, OUTLINE, (nx + 3, ny), (nx + 3, ny - 12), 2)
            pygame.draw.line(surface, OUTLINE, (nx + 3, ny - 12), (nx + 8, ny - 9), 2)

    def draw_bubbles(self, surface: pygame.Surface, alpha: float) -> None:
        """Every bubble; of two people talking, the lower one's words hang below them,
        so the bubbles never cover each other (or the other speaker)."""
        listener = self.nearest_npc()
        player = self.you.player
        player_lower = listener is not None and listener.position[1] < player.position[1]
        for npc in self.npcs:
            x, y = lerp(npc.previous, npc.position, alpha)
            if npc is listener and not player_lower:
                npc.bubble.draw(surface, (x + ChatNPC.SIZE / 2, y + ChatNPC.SIZE + 18), below=True)
            else:
                npc.bubble.draw(surface, (x + ChatNPC.SIZE / 2, y - 4))
        at = player.interpolated(alpha)
        if player_lower:
            feet = (at[0] + Player.SIZE / 2, at[1] + Player.SIZE + 2)
            self.player_bubble.draw(surface, feet, below=True)
        else:
            self.player_bubble.draw(surface, (at[0] + Player.SIZE / 2, at[1] - 4))
