"""Pausing: the :class:`Pause` mechanic, and its panel (the controls, ``on_click`` buttons)."""

from __future__ import annotations

from collections.abc import Callable, Collection

import pygame

from game.demo.chat_box import ChatBox
from game.demo.conversations import TEXT_SPEEDS, Conversations
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

__all__ = ["CONTROLS", "Pause", "PausePanel"]

#: Shown on the pause panel, and in the README.
CONTROLS = (
    ("Arrows / WASD", "walk"),
    ("Enter or T", "talk (Enter sends, Esc cancels)"),
    ("J", "quest log"),
    ("H", "conversation log"),
    ("P / Esc", "pause"),
    ("F3", "debug overlay"),
    ("F4", "who reacts to what"),
    ("F10", "one step while paused"),
)

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
    ) -> None:
        self.bus = bus
        #: A line under the controls (the best time and score), read each frame.
        self.footer = footer
        #: Keys that still reach the game under the panel (debug overlay, single step, log).
        self.let_through = frozenset(let_through)
        self.size = size
        self.text = TextCache(font, capacity=64)
        self.menu = Menu(
            [
                Button("Resume", on_resume),
                Button(sound_label, on_sound),
                Button(speed_label, on_speed),
                Button("Quit", on_quit),
            ]
        )
        self.panel = pygame.Rect(0, 0, 760, 380)
        self.panel.center = (size[0] // 2, size[1] // 2)
        self.menu.layout((self.panel.right - 28 - 110, self.panel.centery + 10))
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
        self._backdrop: pygame.Surface | None = None

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

    def draw(self, surface: pygame.Surface) -> None:
        """Dim the game and draw the panel."""
        if not self.visible:
            return
        if self._backdrop is None:
            self._backdrop = self._compose()
        surface.blit(self._backdrop, (0, 0))
        self.menu.draw(surface, self.text)
        footer = self.footer()
        if footer:
            place = (self.panel.left + 28, self.panel.bottom - 40)
            surface.blit(self.text.render(footer, KEY), place)

    def _compose(self) -> pygame.Surface:
        backdrop = pygame.Surface(self.size, pygame.SRCALPHA)
        backdrop.fill(SHADE)
        panel = self.panel
        pygame.draw.rect(backdrop, PANEL, panel, border_radius=16)
        pygame.draw.rect(backdrop, EDGE, panel, width=2, border_radius=16)
        title = self.text.render("Paused", KEY)
        backdrop.blit(title, (panel.left + 28, panel.top + 22))
        y = panel.top + 66
        for keys, what in CONTROLS:
            backdrop.blit(self.text.render(keys, KEY), (panel.left + 28, y))
            backdrop.blit(self.text.render(what, INK), (panel.left + 178, y))
            y += 36
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
    ) -> None:
        super().__init__(context)
        self.chat = chat
        self.people = people
        self.blips = context.blips
        self.panel = PausePanel(
            self.bus,
            font,
            on_resume=self.resume,
            on_sound=self.toggle_sound,
            sound_label=lambda: f"Sound: {'off' if self.blips.muted else 'on'}",
            on_speed=people.cycle_text_speed,
            speed_label=lambda: f"Text speed: {TEXT_SPEEDS[people.text_speed][0]}",
            on_quit=self.quit,
            size=context.size,
            let_through=_keys_of(context.input, ("debug", "wiring", "step", "log", "quests")),
            footer=records.describe if records is not None else str,
        )
        self.on(ActionPressed, self.on_action)
        # The panel is drawn by the panel stack (game/demo/panels.py), over what opened before.

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


def _keys_of(controls: InputMapper, actions: tuple[str, ...]) -> set[int]:
    """The keyboard keys bound to ``actions``."""
    return {
        given.key
        for action in actions
        for given in controls.bindings.actions.get(action, ())
        if isinstance(given, KeyInput)
    }
