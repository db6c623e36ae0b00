"""Pausing: the :class:`Pause` mechanic, and its panel (the controls, ``on_click`` buttons)."""

from __future__ import annotations

from collections.abc import Callable, Collection

import pygame

from game.demo.chat_box import ChatBox
from game.demo.conversations import TEXT_SPEEDS, Conversations
from game.demo.language import UiLanguage
from game.demo.modal import ModalSwitch
from game.engine.events import HANDLED, EventBus
from game.engine.input_events import (
    ActionPressed,
    KeyDown,
    MouseDown,
    MouseMotion,
    MouseUp,
    QuitRequested,
)
from game.engine.platform.bindings import KeyInput
from game.engine.platform.input import InputMapper
from game.records import Records
from game.scene import Mechanic, SceneContext
from game.widgets.button import Button, Menu
from game.widgets.text import TextCache

__all__ = ["CONTROLS", "Pause", "PausePanel", "keys_of"]

#: Every key of the README's Controls table, shown on the pause panel in the UI language:
#: ``(keys, what, keys in Chinese, what in Chinese)``.
CONTROLS = (
    ("Arrows / WASD", "walk", "方向键 / WASD", "走路"),
    ("Enter or T", "talk: Enter sends, Esc cancels", "回车或 T", "说话：回车发送，Esc 取消"),
    ("Space / click", "show a reply whole at once", "空格 / 点击", "立刻显示整句回答"),
    ("J", "quest log", "J", "任务日志"),
    ("H", "conversation log (PgUp / PgDn)", "H", "对话记录（PgUp / PgDn 翻页）"),
    ("F1", "show or hide the controls help", "F1", "显示或隐藏按键面板"),
    ("F2", "with --autoplay: back to the bot", "F2", "配合 --autoplay：交还给机器人"),
    ("P / Esc", "pause; Esc closes the top panel first", "P / Esc", "暂停；Esc 先关闭最上层的面板"),
    ("F3", "debug overlay", "F3", "调试层"),
    ("F4", "who reacts to what", "F4", "接线图：谁对什么做出反应"),
    ("F10", "one step while paused", "F10", "暂停时单步前进"),
)
#: The panel's own words, by UI language.
WORDS = {
    "en": {"title": "Paused", "resume": "Resume", "quit": "Quit"},
    "zh": {"title": "已暂停", "resume": "继续", "quit": "退出"},
}
SPEED_NAMES_ZH = {"normal": "正常", "fast": "快", "slow": "慢"}
#: Pixels: the panel's padding, the title's room, one row of controls, the footer's room.
PAD, TITLE_ROOM, ROW, FOOTER_ROOM = 28, 62, 30, 60
#: Pixels from the panel's left edge to the descriptions (the keys column's width).
KEYS_WIDTH = 178

SHADE = (10, 12, 18, 160)
PANEL = (34, 40, 54)
EDGE = (240, 226, 180)
INK = (240, 240, 234)
KEY = (250, 210, 110)


class PausePanel:
    """Shown while paused; forwards keys and mouse to a :class:`Menu` and stops them there."""

    def __init__(
        self,
        bus: EventBus,
        font: pygame.font.Font,
        *,
        on_resume: Callable[[], object],
        on_sound: Callable[[], object],
        sound_label: Callable[[], str],
        on_speed: Callable[[], object],
        speed_label: Callable[[], str],
        on_quit: Callable[[], object],
        size: tuple[int, int],
        let_through: Collection[int] = (),
        footer: Callable[[], str] = str,
        language: Callable[[], str] = lambda: "en",
    ) -> None:
        self.bus = bus
        #: A line under the controls (the best time and score), read each frame.
        self.footer = footer
        #: The UI language (``"en"`` or ``"zh"``) the panel speaks, read each frame.
        self.language = language
        #: Keys that still reach the game under the panel (debug overlay, single step, log).
        self.let_through = frozenset(let_through)
        self.size = size
        self.text = TextCache(font, capacity=64)
        self.menu = Menu(
            [
                Button(lambda: WORDS[self.language()]["resume"], on_resume),
                Button(sound_label, on_sound),
                Button(speed_label, on_speed),
                Button(lambda: WORDS[self.language()]["quit"], on_quit),
            ]
        )
        # As tall as its rows: the title, every control, the footer, each with room.
        height = TITLE_ROOM + ROW * len(CONTROLS) + FOOTER_ROOM
        self.panel = pygame.Rect(0, 0, 860, height)
        self.panel.center = (size[0] // 2, size[1] // 2)
        button_width = self.menu.buttons[0].rect.width
        self.menu.layout((self.panel.right - PAD - button_width // 2, self.panel.centery))
        #: Where the controls' descriptions must end: left of the buttons.
        self.text_right = self.panel.right - 2 * PAD - button_width
        # Over the chat box (Priority.MODAL): while paused the panel owns the keyboard and mouse.
        self._input = ModalSwitch(
            bus,
            {
                KeyDown: self.on_key,
                MouseMotion: self.on_motion,
                MouseDown: self.on_mouse_down,
                MouseUp: self.on_mouse_up,
            },
        )
        self._backdrop: tuple[str, pygame.Surface] | None = None
        self._shade: pygame.Surface | None = None

    @property
    def visible(self) -> bool:
        """Whether the panel is up (and has the keyboard and mouse)."""
        return self._input.on

    def show(self) -> None:
        """Take the keyboard and mouse, focus Resume."""
        if self.visible:
            return
        self.menu.focus_index = 0
        self.menu.move_focus(0)
        self._input.push()

    def hide(self) -> None:
        """Give the keyboard and mouse back to the game."""
        self._input.pop()

    def on_key(self, event: KeyDown) -> bool:
        """Arrows and Enter drive the menu; other keys stop here, except ``let_through``."""
        if event.key in self.let_through:
            return False
        if event.key in (pygame.K_ESCAPE, pygame.K_p):
            self.menu.buttons[0].click()  # Esc or P again: resume
        else:
            self.menu.key(event.key)
        return HANDLED

    def on_motion(self, event: MouseMotion) -> bool:
        """Hover follows the pointer."""
        self.menu.pointer_moved(event.pos)
        return HANDLED

    def on_mouse_down(self, event: MouseDown) -> bool:
        """Press a button (left button only)."""
        if event.button == 1:
            self.menu.pointer_down(event.pos)
        return HANDLED

    def on_mouse_up(self, event: MouseUp) -> bool:
        """Release over the pressed button clicks it."""
        if event.button == 1:
            self.menu.pointer_up(event.pos)
        return HANDLED

    def draw_shade(self, surface: pygame.Surface) -> None:
        """Only dim the game: the panel while a log lies over it (nothing of it peeks out)."""
        if self._shade is None:
            self._shade = pygame.Surface(self.size, pygame.SRCALPHA)
            self._shade.fill(SHADE)
        surface.blit(self._shade, (0, 0))

    def draw(self, surface: pygame.Surface) -> None:
        """Dim the game and draw the panel."""
        if not self.visible:
            return
        language = self.language()
        if self._backdrop is None or self._backdrop[0] != language:
            self._backdrop = (language, self._compose(language))
        surface.blit(self._backdrop[1], (0, 0))
        self.menu.draw(surface, self.text)
        footer = self.footer()
        if footer:
            place = (self.panel.left + PAD, self.panel.bottom - FOOTER_ROOM + 14)
            surface.blit(self.text.render(footer, KEY), place)

    def rows(self, language: str) -> list[tuple[str, str]]:
        """The controls as the panel lists them in ``language``: ``(keys, what)``."""
        zh = language == "zh"
        return [
            (keys_zh, what_zh) if zh else (keys, what) for keys, what, keys_zh, what_zh in CONTROLS
        ]

    def _compose(self, language: str) -> pygame.Surface:
        backdrop = pygame.Surface(self.size, pygame.SRCALPHA)
        backdrop.fill(SHADE)
        panel = self.panel
        pygame.draw.rect(backdrop, PANEL, panel, border_radius=16)
        pygame.draw.rect(backdrop, EDGE, panel, width=2, border_radius=16)
        title = self.text.render(WORDS[language]["title"], KEY)
        backdrop.blit(title, (panel.left + PAD, panel.top + 20))
        y = panel.top + TITLE_ROOM
        for keys, what in self.rows(language):
            backdrop.blit(self.text.render(keys, KEY), (panel.left + PAD, y))
            backdrop.blit(self.text.render(what, INK), (panel.left + KEYS_WIDTH, y))
            y += ROW
        return backdrop


class Pause(Mechanic):
    """P or Esc stops the loop and shows the panel; F10 steps once while paused.

    Reacts to the ``pause``/``cancel`` actions (not while the chat box is open:
    there Esc cancels the text) and to ``step``. The panel's buttons resume,
    toggle the sound, cycle the text speed and quit.
    """

    def __init__(
        self,
        context: SceneContext,
        *,
        chat: ChatBox,
        people: Conversations,
        font: pygame.font.Font,
        records: Records | None = None,
        language: UiLanguage | None = None,
    ) -> None:
        super().__init__(context)
        self.ui_language = language
        self.chat = chat
        self.people = people
        self.blips = context.blips
        self.panel = PausePanel(
            self.bus,
            font,
            on_resume=self.resume,
            on_sound=self.toggle_sound,
            sound_label=self.sound_label,
            on_speed=people.cycle_text_speed,
            speed_label=self.speed_label,
            on_quit=self.quit,
            size=context.size,
            let_through=keys_of(context.input, ("debug", "wiring", "step", "log", "quests")),
            footer=(lambda: records.describe(self.language())) if records is not None else str,
            language=self.language,
        )
        self.on(ActionPressed, self.on_action)
        # The panel is drawn by the panel stack (game/demo/panels.py), over what opened before.

    def language(self) -> str:
        """The UI language: the one the player types in (English without one)."""
        return self.ui_language.code if self.ui_language is not None else "en"

    def sound_label(self) -> str:
        """ "Sound: on" / "声音：开"."""
        if self.language() == "zh":
            return f"声音：{'关' if self.blips.muted else '开'}"
        return f"Sound: {'off' if self.blips.muted else 'on'}"

    def speed_label(self) -> str:
        """ "Text speed: normal" / "文字速度：正常"."""
        name = TEXT_SPEEDS[self.people.text_speed][0]
        if self.language() == "zh":
            return f"文字速度：{SPEED_NAMES_ZH[name]}"
        return f"Text speed: {name}"

    @property
    def visible(self) -> bool:
        """Whether the panel is up."""
        return self.panel.visible

    def on_action(self, event: ActionPressed) -> None:
        """Pause or resume; one fixed step while paused."""
        if event.action in ("pause", "cancel") and not self.chat.is_open:
            self.pause() if not self.panel.visible else self.resume()
        elif event.action == "step" and self.loop.paused:
            self.loop.step_once()

    def pause(self) -> None:
        """Stop the game and show the panel."""
        self.loop.paused = True
        self.panel.show()

    def resume(self) -> None:
        """Hide the panel and go on."""
        self.panel.hide()
        self.loop.paused = False

    def toggle_sound(self) -> None:
        """Sound on or off."""
        self.blips.muted = not self.blips.muted

    def quit(self) -> None:
        """Ask the app to close."""
        self.bus.publish(QuitRequested(self.loop.tick))

    def close(self) -> None:
        self.panel.hide()
        super().close()


def keys_of(controls: InputMapper, actions: tuple[str, ...]) -> set[int]:
    """The keyboard keys bound to ``actions``."""
    return {
        given.key
        for action in actions
        for given in controls.bindings.actions.get(action, ())
        if isinstance(given, KeyInput)
    }
