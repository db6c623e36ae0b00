"""ChatNPC: an NPC that greets you when you come near and answers what you type.

It is made of callbacks on the engine's parts: a trigger collider is its talk
radius (the scene routes ``CollisionEnter``/``Exit`` to :meth:`ChatNPC.player_entered`
and :meth:`ChatNPC.player_left`), a timer is its greeting cooldown, its
brain's reply arrives through :class:`~game.npc.bubble_reply.BubbleReply`,
and finished replies and requested actions are published on the bus.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NoReturn

from game.engine.collisions import Collider, CollisionWorld
from game.engine.events import Event, EventBus
from game.engine.timers import TimerHandle, Timers
from game.npc.brain import (
    Action,
    Brain,
    ChatContext,
    LiveAnswers,
    NpcUnderstood,
    ReplyRequest,
    ReplyState,
    Unheard,
    has_cjk,
)
from game.npc.bubble_reply import BubbleReply
from game.npc.dialogue import Dialogue
from game.npc.rule_brain import RuleBrain
from game.widgets.bubble import SpeechBubble

__all__ = ["ChatNPC", "ConversationLog", "NpcAction", "NpcSpoke", "NpcUnderstood"]

Vec = tuple[float, float]


@dataclass(frozen=True, slots=True)
class NpcSpoke(Event):
    """An NPC finished a line (a reply, an apology, a greeting or a farewell)."""

    npc: str
    text: str
    reply: bool  # True for an answer to the player, False for a greeting or farewell
    #: True for an apology instead of an answer (the brain failed or timed out).
    failed: bool = False


@dataclass(frozen=True, slots=True)
class NpcAction(Event):
    """The player asked an NPC to do something (:class:`~game.npc.brain.Action`)."""

    npc: str
    action: Action


class ConversationLog:
    """The last ``size`` lines said, as ``(speaker, text)``, for the log panel (H)."""

    def __init__(self, size: int = 50) -> None:
        self.lines: deque[tuple[str, str]] = deque(maxlen=size)
        #: Grows with every line, so a panel knows when to redraw.
        self.version = 0

    def add(self, speaker: str, text: str) -> None:
        """Remember a line."""
        self.lines.append((speaker, text))
        self.version += 1


class ChatNPC:
    """A villager with a brain, a speech bubble and a talk radius.

    ``facts()`` returns the live game numbers the brain may quote (score,
    coins left, clock); ``live`` answers questions from the running game
    (the guide's "what just happened?"). The chat ``brain`` may be slow (a language model);
    greetings and farewells always come from the NPC's own dialogue file.

    ``layer`` is the collision layer of its solid body, ``talk_layer`` that of
    its talk radius (a trigger); ``mask`` and ``talk_mask`` are their masks
    (``None``: what the world's layer-pair table allows, or every layer).
    The scene routes the player's enter/exit of ``talk_layer`` here.
    """

    SIZE = 28
    TALK_RADIUS = 72.0
    GREET_COOLDOWN = 20.0  # game seconds before the same NPC greets again
    FOLLOW_TIME = 10.0
    FOLLOW_GAP = 44.0  # how close a following NPC walks behind the player
    SPEED = 150.0
    DANCE_TIME = 3.0  # seconds: long enough to see a few hops
    THINK_TIME = 0.4

    def __init__(
        self,
        dialogue: Dialogue,
        *,
        bus: EventBus,
        timers: Timers,
        world: CollisionWorld,
        position: Vec,
        brain: Brain,
        barks: RuleBrain,
        bubble: SpeechBubble,
        facts: Callable[[], Mapping[str, object]],
        log: ConversationLog,
        layer: str,
        talk_layer: str,
        mask: Iterable[str] | None = None,
        talk_mask: Iterable[str] | None = None,
        live: LiveAnswers | None = None,
    ) -> None:
        self.key = dialogue.key
        self.live = live
        self.dialogue = dialogue
        self.bus = bus
        self.timers = timers
        self.world = world
        self.brain = brain
        self.barks = barks
        self.bubble = bubble
        self.facts = facts
        self.log = log
        self.position: Vec = position
        self.previous: Vec = position
        self.home: Vec = position
        self.facing: Vec = (0.0, 1.0)
        self.body: Collider = world.add(
            (*position, self.SIZE, self.SIZE), layer=layer, mask=mask, owner=self
        )
        self.zone: Collider = world.add(
            self._zone_rect(), layer=talk_layer, mask=talk_mask, trigger=True, owner=self
        )
        self.in_range = False
        #: The language the player last used with this NPC ("en" or "zh").
        self.language = "en"
        self.spin = 0.0  # radians, while dancing
        #: The timer that ends following, while the NPC follows the player.
        self.following: TimerHandle | None = None
        self._greet_ready = True
        self._greeted = False  # once greeted, a player who comes back is welcomed back
        self._request: ReplyRequest | None = None
        self._dance: TimerHandle | None = None
        self._cooldown: TimerHandle | None = None
        self._greeting: TimerHandle | None = None

    @property
    def name(self) -> str:
        """The NPC's name in the language the player last used."""
        return self.dialogue.names.get(self.language, self.dialogue.name)

    def _zone_rect(self) -> tuple[float, float, float, float]:
        x, y = self.position
        reach = self.TALK_RADIUS
        return (x - reach, y - reach, self.SIZE + 2 * reach, self.SIZE + 2 * reach)

    # -- what the scene routes here ------------------------------------------------

    def player_entered(self) -> None:
        """The player came within talking distance: greet, unless greeted lately."""
        self.in_range = True
        if self._greet_ready and not self.bubble.visible:
            self._greet_ready = False
            self._cooldown = self.timers.after(
                self.GREET_COOLDOWN, self._cooldown_over, name=f"{self.key} greet"
            )
            # Greet at the next tick: what walking up did in this one (the coin picked
            # up on the way, the bread delivered) is done by then, and a welcome back
            # names the quest step as it is now, not as it was a moment ago.
            self._greeting = self.timers.after(0.0, self._greet, name=f"{self.key} greeting")

    def _greet(self) -> None:
        if not self.in_range or self.bubble.visible:
            return  # walked off again, or a reply already speaks
        again = self._welcome_back() if self._greeted else None
        if again is not None:
            self._announce(again)
        else:
            self._bark("hello" if self.language == "en" else "你好")
        self._greeted = True

    def player_left(self) -> None:
        """The player walked away: drop any reply in progress and say goodbye."""
        self.in_range = False
        if self.following is not None:
            return  # a follower is not left behind
        interrupted = self._request is not None and self._request.active
        self._cancel_reply()
        if interrupted or not self.bubble.visible:
            self._bark("bye" if self.language == "en" else "再见")

    def hear(self, text: str, player_name: str | None = None) -> ReplyRequest:
        """The player said ``text`` to this NPC: interrupt any reply and answer it."""
        self.language = "zh" if has_cjk(text) else "en"
        self._cancel_reply()
        context = ChatContext(
            self.name, player_name, dict(self.facts()), self.live, npc_key=self.key
        )
        callbacks = BubbleReply(
            self.bubble,
            think_time=self.THINK_TIME,
            on_done=self._replied,
            on_failed=self._apologised,
        )
        self._request = None
        request = self.brain.ask(text, context, callbacks)
        self._request = request
        if not request.active:  # a brain that answered at once (the rule brain)
            self._act(request)
        return request

    @property
    def awaiting_reply(self) -> bool:
        """Whether the player's last line is still being answered (its end callback is due)."""
        return self._request is not None and self._request.active

    def on_fixed_update(self, dt: float, player: Vec) -> None:
        """Each step: walk after the player while following (home after), let the bubble type."""
        self.previous = self.position
        if self.following is not None:
            self._walk_towards(player, dt, self.FOLLOW_GAP)
        elif self.position != self.home:
            self._walk_towards(self.home, dt, 0.0)
        self.bubble.update(dt)

    # -- actions ---------------------------------------------------------------

    def perform(self, action: Action) -> None:
        """Do what the player asked; mypy checks that every :class:`Action` is handled."""
        if action is Action.DANCE:
            self.dance()
        elif action is Action.FOLLOW:
            self.follow()
        elif action is Action.STOP_DANCE:
            self.stop_dancing()
        elif action is Action.STOP_FOLLOW:
            self.stop_following()
        else:
            _unhandled(action)

    def dance(self) -> None:
        """Spin for a moment: a repeating timer turns the NPC a little each time."""
        if self._dance is not None:
            self._dance.cancel()
        steps = 36
        self._dance = self.timers.every(
            self.DANCE_TIME / steps, self._spin_step, steps, times=steps, name=f"{self.key} dance"
        )

    @property
    def dancing(self) -> bool:
        """Whether the dance's timer is still running."""
        return self._dance is not None and self._dance.active

    def _spin_step(self, steps: int) -> None:
        self.spin = (self.spin + 2 * math.tau / steps) % math.tau
        assert self._dance is not None
        if not self._dance.active:  # that was the last step
            self.spin = 0.0

    def stop_dancing(self) -> None:
        """Stop a dance at once (the player said "stop dancing"): cancel its timer, face front."""
        if self._dance is not None:
            self._dance.cancel()
            self._dance = None
        self.spin = 0.0

    def follow(self) -> None:
        """Follow the player for a while, then walk home: a timer ends it."""
        if self.following is not None:
            self.following.cancel()  # asked again: ten seconds from now
        self.following = self.timers.after(
            self.FOLLOW_TIME, self.stop_following, name=f"{self.key} follow"
        )

    def stop_following(self) -> None:
        """Stop following (the timer ran out, or the player said "stop following me");
        the NPC walks back home."""
        if self.following is not None:
            self.following.cancel()  # a no-op when the timer itself called this
        self.following = None

    # -- inside -------------------------------------------------------------------

    def _walk_towards(self, target: Vec, dt: float, gap: float) -> None:
        x, y = self.position
        dx, dy = target[0] - x, target[1] - y
        distance = math.hypot(dx, dy)
        if distance <= gap:
            return
        step = min(self.SPEED * dt, distance - gap)
        self.facing = (dx / distance, dy / distance)
        if gap == 0 and step == distance:
            self.body.position = target  # arrived: exactly there, not a rounding error away
        else:
            self.world.move(self.body, dx / distance * step, dy / distance * step)
        self.position = self.body.position
        self.zone.position = self._zone_rect()[:2]

    def _cancel_reply(self) -> None:
        if self._request is not None and self._request.active:
            self._request.cancel()
            self.bubble.hide()
        self._request = None

    def _replied(self, text: str) -> None:
        self.log.add(self.name, text)
        self.bus.publish(NpcSpoke(self.key, text, reply=True))
        if self._request is not None:  # a streaming brain: the request is known by now
            self._act(self._request)

    def _apologised(self, message: str) -> None:
        self.log.add(self.name, message)
        self.bus.publish(NpcSpoke(self.key, message, reply=True, failed=True))

    def _act(self, request: ReplyRequest) -> None:
        if request.intent is not None and request.state is ReplyState.DONE:
            intent, request.intent = request.intent, None  # once, like the action
            self.bus.publish(NpcUnderstood(self.key, intent))
        action = request.action
        if action is not None and request.state is ReplyState.DONE:
            request.action = None  # once, whichever path gets here first
            self.bus.publish(NpcAction(self.key, Action(action)))

    def _bark(self, phrase: str) -> None:
        context = ChatContext(self.name, None, dict(self.facts()), npc_key=self.key)
        self._announce(self.barks.ask(phrase, context, Unheard()).text)

    def _welcome_back(self) -> str | None:
        """The greeting for a player who comes back: where their quest is now (the
        ``quest`` facts), not the first greeting again (its advice may be long stale);
        ``None`` if the dialogue has none."""
        context = ChatContext(self.name, None, dict(self.facts()), npc_key=self.key)
        return self.barks.welcome_back(context, self.language)

    def _announce(self, text: str) -> None:
        self.bubble.say(text)
        self.log.add(self.name, text)
        self.bus.publish(NpcSpoke(self.key, text, reply=False))

    def _cooldown_over(self) -> None:
        self._greet_ready = True
        self._cooldown = None

    def close(self) -> None:
        """Leave the world: drop any reply, stop its timers and its brain, remove its colliders."""
        self._cancel_reply()
        for handle in (self._dance, self.following, self._cooldown, self._greeting):
            if handle is not None:
                handle.cancel()
        close_brain = getattr(self.brain, "close", None)  # a LangChain brain's thread
        if close_brain is not None:
            close_brain()
        for collider in (self.body, self.zone):
            if collider.alive:
                self.world.remove(collider)

    def state(self) -> tuple[object, ...]:
        """What decides this NPC's future, for the state hash."""
        return (
            self.position,
            self.in_range,
            self.language,
            round(self.spin, 9),
            self.following is not None,
            self._greet_ready,
            self._greeted,
            self.bubble.state.value,
            self.bubble.text,
            self.barks.player_name,
        )


def _unhandled(action: NoReturn) -> NoReturn:
    """Only reached if an :class:`Action` has no branch above (mypy reports it first)."""
    raise AssertionError(f"ChatNPC.perform does not handle {action!r}")
