"""Drawn over the village: the HUD, the conversation log (H), debug (F3) and wiring (F4)."""

from __future__ import annotations

from collections.abc import Callable

import pygame

from game.demo.chat_box import ChatBox
from game.demo.coins import Coins
from game.demo.conversations import Conversations
from game.demo.daylight import DayNight
from game.demo.language import UiLanguage
from game.demo.pause import Pause
from game.demo.score import Scoreboard
from game.demo.toast import Toast
from game.engine.input_events import ActionPressed, KeyDown, MouseWheel
from game.scene import DrawLayer, Mechanic, SceneContext
from game.widgets.debug import DebugOverlay
from game.widgets.fonts import load_font
from game.widgets.hud import Hud
from game.widgets.log_panel import LogPanel
from game.widgets.wiring_view import WiringOverlay

__all__ = ["LOG_PRIORITY", "Overlays"]

#: The log panel's keys come before the chat box's (100) and the pause panel's (200).
LOG_PRIORITY = 300
#: The conversation log's header, by UI language.
LOG_TITLE = {"en": "Conversation (H to close)", "zh": "对话记录（按 H 关闭）"}


class Overlays(Mechanic):
    """The HUD (score, coins left, clock, a hint), the log panel, the debug and wiring overlays.

    Reacts to the ``log``, ``debug`` and ``wiring`` actions (they work while paused too).
    Shows game state and changes none, so it has no part in the state hash.
    """

    def __init__(
        self,
        context: SceneContext,
        *,
        score: Scoreboard,
        coins: Coins,
        day: DayNight,
        chat: ChatBox,
        people: Conversations,
        pause: Pause,
        toast: Toast,
        font: pygame.font.Font,
        language: UiLanguage,
    ) -> None:
        super().__init__(context)
        self.language = language
        self.score = score
        self.coins = coins
        self.day = day
        self.chat = chat
        self.people = people
        self.pause = pause
        self.toast = toast
        self.frame_stats = context.frame_stats
        width, height = context.size
        self.hud = Hud(load_font(20), width, height)
        # Right of the square, down to just above the chat box's warning line.
        self.log_panel = LogPanel(font, (width - 380, 48, 364, 380))
        self.debug = DebugOverlay(self.bus, self.debug_stats)
        #: Where the layout step put the hint this frame (``None``: no room, not drawn);
        #: unset, the hint sits at its home spot.
        self.hint_placement: Callable[[], tuple[int, int] | None] | None = None
        self.wiring = WiringOverlay(self.bus, font=load_font(15))
        self.on(ActionPressed, self.on_action)
        # Above the chat box and the pause panel (P/Esc), which take keys at 100 and 200:
        # while the log is open its scroll keys and the wheel are its own.
        self.on(KeyDown, self.on_key, priority=LOG_PRIORITY)
        self.on(MouseWheel, self.on_wheel, priority=LOG_PRIORITY)
        self.draws(DrawLayer.DEBUG_BOXES, self.draw_boxes)
        self.draws(DrawLayer.HUD, self.draw_hud)
        # The log, F3 and F4 are panels: game/demo/panels.py stacks and draws them.

    @property
    def boxes_shown(self) -> bool:
        """Collider boxes are drawn while the debug overlay is up."""
        return self.debug.visible

    def on_action(self, event: ActionPressed) -> None:
        """H toggles the log panel, F3 the debug overlay, F4 the wiring."""
        if event.action == "log":
            self.log_panel.toggle()
        elif event.action == "debug":
            self.debug.toggle()
        elif event.action == "wiring":
            self.wiring.toggle()

    def on_key(self, event: KeyDown) -> bool | None:
        """PageUp/PageDown scroll the open log a page, Up/Down an entry (not while typing)."""
        panel = self.log_panel
        if not panel.visible:
            return None
        if event.key == pygame.K_PAGEUP:
            panel.page(+1)
        elif event.key == pygame.K_PAGEDOWN:
            panel.page(-1)
        elif event.key in (pygame.K_UP, pygame.K_DOWN) and not self.chat.is_open:
            panel.scroll(+1 if event.key == pygame.K_UP else -1)
        else:
            return None
        return True

    def on_wheel(self, event: MouseWheel) -> bool | None:
        """The wheel scrolls the open log, an entry a notch (away from you: back in time)."""
        if not self.log_panel.visible or event.y == 0:
            return None
        self.log_panel.scroll(1 if event.y > 0 else -1)
        return True

    def hint(self) -> str:
        """What the HUD suggests now."""
        if self.toast.text:
            return self.toast.text
        zh = self.language.code == "zh"
        if self.loop.paused and not self.pause.visible:
            return (
                "窗口在后台，游戏已暂停：点击或按任意键继续"
                if zh
                else "Paused while the window is in the background: click or press a key"
            )
        if self.chat.is_open or self.loop.paused:
            return ""
        npc = self.people.nearest_npc()
        if npc is None:
            return ""
        # The UI's language names the NPC, whatever language they last spoke.
        name = npc.dialogue.names.get("zh" if zh else "en", npc.dialogue.name)
        return f"按回车和{name}说话" if zh else f"Enter: talk to {name}"

    def debug_stats(self) -> dict[str, object]:
        """Lines for the debug overlay."""
        stats = dict(self.frame_stats())
        timers = self.timers
        stats.update(
            {
                "tick": self.loop.tick,
                "alpha": f"{self.loop.alpha:.2f}",
                "dropped time": f"{self.loop.dropped_time:.3f} s",
                "handler errors": self.bus.handler_errors,
                "subscriptions": self.bus.subscription_count,
                "timers": f"{timers.active_count}, next: "
                + ", ".join(f"{t.name} {t.remaining:.1f}s" for t in timers.upcoming(3)),
                "colliders": len(self.world),
            }
        )
        return stats

    def draw_boxes(self, surface: pygame.Surface, alpha: float) -> None:
        if self.boxes_shown:
            self.debug.draw_boxes(surface, [c.rect for c in self.world])

    def draw_hud(self, surface: pygame.Surface, alpha: float) -> None:
        hint, hint_at = self.hint(), None
        if self.hint_placement is not None:
            hint_at = self.hint_placement()
            if hint_at is None:
                hint = ""  # no room this frame: the answer comes first
        self.hud.draw(
            surface,
            score=self.score.score,
            score_label="分数" if self.language.code == "zh" else "Score",
            clock=self.day.clock(),
            hint=hint,
            hint_at=hint_at,
        )

    def draw_log(self, surface: pygame.Surface, alpha: float) -> None:
        self.log_panel.title = LOG_TITLE[self.language.code]
        log = self.people.log
        self.log_panel.draw(surface, log.lines, log.version)

    def close(self) -> None:
        if self.debug.visible:
            self.debug.toggle()  # its observer subscription ends with it
        super().close()
