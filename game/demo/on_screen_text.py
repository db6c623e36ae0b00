"""The layout step for every piece of text on screen: nothing hides an answer.

Once a frame, after the world is drawn and before any text, :class:`OnScreenText`
hands a :class:`~game.widgets.layout.TextLayout` a claim for each piece of text:

==================  ========  ===========================================================
claim               priority  where it wants to be
==================  ========  ===========================================================
HUD strip, open     fixed     where they are (obstacles for everything else)
chat box, open log
the NPC's newest    100       above the NPC (then below, left, right, shifted along)
answer to the player
the player's line   80        above the player, then below, …
other NPC lines     60 − age  above their NPC, …
the hint            40        centred above the chat box, shifted along
floating "+10"      35        where it has risen to, then below, left, right (over
                              a sprite only if nothing else is free, never over a bubble)
name labels         30        under their NPC, then above, left, right (likewise)
==================  ========  ===========================================================

Bubbles keep off the player's sprite and that of the NPC being talked to (the one
answering, else the one in talk range). Conversations draws the bubbles and labels,
FloatingPoints the numbers, and the HUD the hint, where the layout put them; a claim
with no room yields (is not drawn this frame, its timers go on).
:meth:`OnScreenText.visible_text` lists what the frame showed, for
``App.visible_text()`` (the contract in ``docs/architecture.md``).
"""

from __future__ import annotations

from typing import Any

import pygame

from game.demo.chat_box import ChatBox
from game.demo.conversations import Conversations
from game.demo.entities import Player, lerp
from game.demo.feedback import FloatingPoints
from game.demo.overlays import Overlays
from game.npc.chat import ChatNPC
from game.scene import DrawLayer, Mechanic, SceneContext
from game.widgets.bubble import SpeechBubble
from game.widgets.layout import Claim, TextLayout

__all__ = ["OnScreenText", "VisibleText"]

#: ``(kind, owner, rect in screen pixels, text shown)``.
VisibleText = tuple[str, str | None, pygame.Rect, str]

ANSWER, PLAYER, OTHER, HINT, FLOAT, LABEL = 100.0, 80.0, 60.0, 40.0, 35.0, 30.0


class OnScreenText(Mechanic):
    """Solves the text layout each frame; changes no game state (no state-hash part)."""

    def __init__(
        self,
        context: SceneContext,
        *,
        people: Conversations,
        overlays: Overlays,
        chat: ChatBox,
        floats: FloatingPoints | None = None,
    ) -> None:
        super().__init__(context)
        self.people = people
        self.overlays = overlays
        self.chat = chat
        self.floats = floats
        self.layout = TextLayout(pygame.Rect((0, 0), context.size))
        #: Other mechanics' fixed text (the quest tracker, the controls panel): each has
        #: ``text_rects() -> [(kind, rect, text)]`` and a ``yielded`` flag this step sets
        #: when the newest answer has no other room (the mechanic then does not draw).
        self.fixed_text: list[Any] = []
        #: This frame's place of each claim (``None``: it yields), by key.
        self.places: dict[str, pygame.Rect | None] = {}
        self._claims: dict[str, Claim] = {}
        # After the night tint, before any text: the SPEECH and HUD painters use it.
        self.draws(DrawLayer.SKY, self.solve)
        people.placement = self.place_of
        overlays.hint_placement = self.hint_place
        if floats is not None:
            floats.placement = self.place_of

    # -- the layout step ---------------------------------------------------------------

    def claims(self, alpha: float) -> list[Claim]:
        """Every piece of text that wants room this frame."""
        claims: list[Claim] = []
        width, _ = self.context.size
        bar = self.overlays.hud.bar_height  # the strip and its text
        claims.append(Claim("hud:bar", "hud", None, "", (width, bar), (0, 0), 0, fixed=True))
        box = self.chat.box
        if box.is_open:
            rect = box.rect.inflate(0, 0)
            if box.hint:
                rect.union_ip(rect.move(0, -30))
            claims.append(
                Claim("chatbox", "chatbox", None, box.text, rect.size, rect.topleft, 0, fixed=True)
            )
        panel = self.overlays.log_panel
        if panel.visible:
            claims.append(
                Claim("log", "log", None, "", panel.rect.size, panel.rect.topleft, 0, fixed=True)
            )
        for n, (kind, rect, text) in enumerate(self._fixed()):
            claims.append(
                Claim(f"fixed:{n}", kind, None, text, rect.size, rect.topleft, 0, fixed=True)
            )
        people = self.people
        answering = people.answering
        player = people.you.player
        for age, npc in enumerate(sorted(people.npcs, key=lambda n: -n.bubble.started)):
            bubble = npc.bubble
            if not bubble.visible:
                continue
            x, y = lerp(npc.previous, npc.position, alpha)
            priority = ANSWER if npc is answering else OTHER - age
            claims.append(
                self._bubble_claim(
                    f"bubble:{npc.key}", npc.name, bubble, (x, y), ChatNPC.SIZE, priority
                )
            )
        if people.player_bubble.visible:
            at = player.interpolated(alpha)
            claims.append(
                self._bubble_claim(
                    "bubble:you", "You", people.player_bubble, at, Player.SIZE, PLAYER
                )
            )
        hint = self.overlays.hint()
        if hint:
            hud = self.overlays.hud
            w, h = hud.hint_size(hint)
            hx, hy = hud.hint_home(hint)
            claims.append(Claim("hint", "hint", None, hint, (w, h), (hx + w / 2, hy + h), HINT))
        if self.floats is not None:
            claims += self.floats.claims(alpha, FLOAT)
        for npc in people.npcs:
            x, y = lerp(npc.previous, npc.position, alpha)
            label = people.label(npc)
            size = label.get_size()
            centre = x + ChatNPC.SIZE / 2
            claims.append(
                Claim(
                    f"label:{npc.key}",
                    "label",
                    npc.name,
                    npc.name,
                    size,
                    (centre, y - 2),
                    LABEL,
                    prefer="below",
                    below_at=(centre, y + ChatNPC.SIZE + 2),
                    body_width=ChatNPC.SIZE,
                )
            )
        return claims

    @staticmethod
    def _bubble_claim(
        key: str,
        owner: str,
        bubble: SpeechBubble,
        at: tuple[float, float],
        size: int,
        priority: float,
    ) -> Claim:
        x, y = at
        return Claim(
            key,
            "bubble",
            owner,
            bubble.shown_text,
            bubble.box_size(),
            (x + size / 2, y - 4),
            priority,
            below_at=(x + size / 2, y + size + 2),
            gap=bubble.style.tail_height,
            body_width=size,
            over_sprites=False,
        )

    def sprites(self, alpha: float) -> list[pygame.Rect]:
        """The sprites no bubble may cover: the player and the NPC being talked to
        (the one answering, else the one in talk range)."""
        people = self.people
        x, y = people.you.player.interpolated(alpha)
        shown = [pygame.Rect(round(x), round(y), Player.SIZE, Player.SIZE)]
        partner = people.answering or people.nearest_npc()
        if partner is not None:
            x, y = lerp(partner.previous, partner.position, alpha)
            shown.append(pygame.Rect(round(x), round(y), ChatNPC.SIZE, ChatNPC.SIZE))
        return shown

    def _fixed(self) -> list[tuple[str, pygame.Rect, str]]:
        return [
            shown
            for provider in self.fixed_text
            if not provider.yielded
            for shown in provider.text_rects()
        ]

    def solve(self, surface: pygame.Surface, alpha: float) -> None:
        """Place every claim of this frame (called once a frame, before any text is drawn).

        If the newest answer finds no free spot, the other mechanics' panels yield to it
        (they are not drawn this frame) and the layout is solved again without them.
        """
        for provider in self.fixed_text:
            provider.yielded = False
        claims = self.claims(alpha)
        self._claims = {claim.key: claim for claim in claims}
        sprites = self.sprites(alpha)
        self.places = self.layout.solve(claims, sprites)
        answer = next((c for c in claims if c.priority >= ANSWER), None)
        rect = self.places.get(answer.key) if answer is not None else None
        if rect is None:
            return
        crowded = False
        for provider in self.fixed_text:
            if any(rect.colliderect(r) for _, r, _ in provider.text_rects()):
                provider.yielded = crowded = True
        if crowded:
            claims = self.claims(alpha)
            self._claims = {claim.key: claim for claim in claims}
            self.places = self.layout.solve(claims, sprites)

    def place_of(self, key: str) -> pygame.Rect | None:
        """Where the claim ``key`` goes this frame (``None``: not shown)."""
        return self.places.get(key)

    def hint_place(self) -> tuple[int, int] | None:
        rect = self.places.get("hint")
        return rect.topleft if rect is not None else None

    # -- what the frame showed ---------------------------------------------------------

    def visible_text(self) -> list[VisibleText]:
        """Every piece of text the last frame showed: ``(kind, owner, rect, text)``."""
        shown: list[VisibleText] = []
        for key, rect in sorted(self.places.items()):
            claim = self._claims.get(key)
            if claim is None or rect is None or claim.fixed or claim.kind == "hint":
                continue
            shown.append((claim.kind, claim.owner, pygame.Rect(rect), claim.text))
        for kind, rect, text in [*self.overlays.hud.shown, *self._fixed()]:
            shown.append((kind, None, pygame.Rect(rect), text))
        box = self.chat.box
        if box.is_open:
            shown.append(("chatbox", None, pygame.Rect(box.rect), box.text + box.composition))
        panel = self.overlays.log_panel
        if panel.visible:
            text = "\n".join(f"{speaker}: {said}" for speaker, said in panel.shown)
            shown.append(("log", None, pygame.Rect(panel.rect), text))
        return shown
