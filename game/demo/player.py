"""The player character: held actions steer it, the collision world slides it along walls."""

from __future__ import annotations

from collections.abc import Mapping

import pygame

from game.demo.chat_box import ChatBox
from game.demo.entities import Player
from game.demo.looks import OUTLINE, PLAYER_BODY, eyes
from game.demo.village import LAYOUT
from game.engine.loop import FixedUpdate
from game.scene import DrawLayer, Mechanic, SceneContext
from game.widgets.chat_events import ChatOpened

__all__ = ["PlayerCharacter"]


class PlayerCharacter(Mechanic):
    """The player's body (a solid collider) and its movement; owns the ``player`` state part.

    Reacts to ``FixedUpdate`` (steer by the held ``move_x``/``move_y`` axes,
    none while stunned or typing, then ``world.move``) and to ``ChatOpened``
    (the chat box takes the keyboard: let go of what was held).
    """

    def __init__(self, context: SceneContext, chat: ChatBox) -> None:
        super().__init__(context)
        self.controls = context.input
        self.chat = chat
        self.player = Player(LAYOUT.player_start)
        self.body = self.add_collider(
            (*LAYOUT.player_start, Player.SIZE, Player.SIZE),
            layer="player",
            owner=self.player,
        )
        self.on(FixedUpdate, self.move)
        self.on(ChatOpened, self.let_go)
        self.draws(DrawLayer.PLAYER, self.draw)

    @property
    def position(self) -> tuple[float, float]:
        """The player's top-left corner, in pixels."""
        return self.player.position

    def move(self, event: FixedUpdate) -> None:
        """Steer by the held actions (none while stunned or typing), then slide along walls."""
        player = self.player
        if player.stunned or self.chat.is_open:
            ax = ay = 0.0
        else:
            ax, ay = self.controls.axis("move_x"), self.controls.axis("move_y")
        player.steer(ax, ay, event.dt)
        wanted = (player.velocity[0] * event.dt, player.velocity[1] * event.dt)
        got = self.world.move(self.body, *wanted)
        player.moved(self.body.position, wanted, got)

    def let_go(self, event: ChatOpened) -> None:
        """The chat box takes the keyboard: release whatever was held."""
        self.controls.release_all(event.tick)

    def state(self) -> Mapping[str, object]:
        p = self.player
        return {"player": (p.position, p.velocity, p.facing, p.stunned, p.safe)}

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """A rounded box with eyes, blinking while safe after a hit."""
        at = self.player.interpolated(alpha)
        time = self.loop.time + alpha * self.loop.step
        body = pygame.Rect(round(at[0]), round(at[1]), Player.SIZE, Player.SIZE)
        if self.player.safe and int(time * 12) % 2 == 0:
            return
        pygame.draw.rect(surface, PLAYER_BODY, body, border_radius=9)
        pygame.draw.rect(surface, OUTLINE, body, width=2, border_radius=9)
        eyes(surface, body, self.player.facing)
