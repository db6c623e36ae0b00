"""First-minute help: the controls on screen until the player has walked and talked (F1: hide)."""

from __future__ import annotations

import pygame

from game.demo.chat_box import ChatBox
from game.demo.language import UiLanguage
from game.engine.input_events import ActionPressed
from game.scene import DrawLayer, Mechanic, SceneContext
from game.widgets.chat_events import ChatSubmitted
from game.widgets.fonts import load_font
from game.widgets.text import TextCache

__all__ = ["ROWS", "ControlsHelp"]

#: ``(keys, what, what in Chinese, the thing that ticks it off)``.
ROWS = (
    ("Arrows / WASD", "walk", "走路", "walked"),
    ("Enter", "talk to someone near you", "和附近的人说话", "talked"),
    ("", "type, Enter says it", "输入，再按回车说出", "talked"),
    ("J", "quests", "任务", ""),
    ("H", "conversation log", "对话记录", ""),
    ("P / Esc", "pause, all keys", "暂停，全部按键", ""),
    ("F1", "hide this help", "隐藏帮助", ""),
)
#: The keys named in Chinese where they have a Chinese name (as on the pause panel).
KEYS_ZH = {"Arrows / WASD": "方向键 / WASD", "Enter": "回车"}
TITLE = {"en": "How to play", "zh": "怎么玩"}
PANEL = (16, 20, 28, 232)
EDGE = (240, 226, 180)
KEY = (250, 210, 110)
INK = (240, 240, 234)
DONE = (150, 210, 140)
#: Pixels between the panel and the open chat box: room for the box's warning line.
OVER_THE_BOX = 32
_MOVES = frozenset({"move_left", "move_right", "move_up", "move_down"})


class ControlsHelp(Mechanic):
    """Shown from the start; reacts to the ``move_*`` actions and ``ChatSubmitted``
    (ticking off "walk" and "talk": both done, it goes) and to ``help`` (F1:
    hide or show it). While the ``chat`` box is open the panel stands above it,
    so what the player types stays in sight. Only drawing depends on it: no part
    in the state hash.
    """

    def __init__(
        self, context: SceneContext, language: UiLanguage, chat: ChatBox | None = None
    ) -> None:
        super().__init__(context)
        self.language = language
        self.chat = chat
        self.visible = True
        #: Set by the layout step for a frame where an answer needs the panel's room.
        self.yielded = False
        self.done: set[str] = set()
        self.text = TextCache(load_font(17), capacity=64)
        self._panel: tuple[tuple[str, frozenset[str]], pygame.Surface] | None = None
        self.on(ActionPressed, self.on_action)
        self.on(ChatSubmitted, self.talked)
        self.draws(DrawLayer.HELP, self.draw)

    def on_action(self, event: ActionPressed) -> None:
        """Walking ticks off a row; F1 toggles the panel."""
        if event.action in _MOVES:
            self._tick_off("walked")
        elif event.action == "help":
            self.visible = not self.visible

    def talked(self, _event: ChatSubmitted) -> None:
        """Saying something ticks off the talking row."""
        self._tick_off("talked")

    def _tick_off(self, what: str) -> None:
        if what in self.done:
            return
        self.done.add(what)
        if {"walked", "talked"} <= self.done:
            self.visible = False

    def text_rects(self) -> list[tuple[str, pygame.Rect, str]]:
        """The panel as the last frame drew it, for the layout step."""
        if not self.visible:
            return []
        return [("hud", self._place(self._panel_surface()), "")]

    def _place(self, panel: pygame.Surface) -> pygame.Rect:
        # Bottom left, narrow: left of the hint line ("Enter: talk to Ada"), below the
        # west road, so the slime on it stays in sight; above the open chat box (and its
        # "200 characters at most" line), which spans the screen's width.
        bottom = self.context.size[1] - 10
        if self.chat is not None and self.chat.is_open:
            bottom = self.chat.box.rect.top - OVER_THE_BOX
        return panel.get_rect(left=10, bottom=bottom)

    def _panel_surface(self) -> pygame.Surface:
        key = (self.language.code, frozenset(self.done))
        if self._panel is None or self._panel[0] != key:
            self._panel = (key, self._compose(zh=self.language.code == "zh"))
        return self._panel[1]

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """A panel at the bottom left, above the hint line: each control, ticked once done."""
        if not self.visible or self.yielded:
            return  # hidden, or giving its room to an answer this frame
        panel = self._panel_surface()
        surface.blit(panel, self._place(panel))

    def _compose(self, *, zh: bool) -> pygame.Surface:
        line = 22
        panel = pygame.Surface((370, 38 + line * len(ROWS)), pygame.SRCALPHA)
        pygame.draw.rect(panel, PANEL, panel.get_rect(), border_radius=12)
        pygame.draw.rect(panel, EDGE, panel.get_rect(), width=2, border_radius=12)
        panel.blit(self.text.render(TITLE["zh" if zh else "en"], KEY), (14, 8))
        y = 32
        for keys, what, what_zh, ticks in ROWS:
            done = ticks in self.done
            if keys:
                mark = "●" if done else "○"
                label = KEYS_ZH.get(keys, keys) if zh else keys
                panel.blit(self.text.render(f"{mark} {label}", DONE if done else KEY), (14, y))
            panel.blit(self.text.render(what_zh if zh else what, DONE if done else INK), (160, y))
            y += line
        return panel
