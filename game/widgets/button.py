"""Buttons and a keyboard-and-mouse menu of them, each press an ``on_click`` callback."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pygame

from game.widgets.text import TextCache

__all__ = ["Button", "Menu"]

Color = tuple[int, int, int]

FACE = (62, 70, 92)
FACE_HOVER = (82, 94, 124)
FACE_PRESSED = (48, 54, 72)
EDGE = (28, 30, 40)
FOCUS = (250, 210, 90)
LABEL = (240, 240, 236)


class Button:
    """A labelled rectangle that calls ``on_click()`` when clicked or activated.

    ``label`` may be a callable so a button can show live state
    ("Sound: on"); it is re-rendered only when the text changes.
    """

    def __init__(
        self,
        label: str | Callable[[], str],
        on_click: Callable[[], object],
        rect: tuple[int, int, int, int] | pygame.Rect = (0, 0, 220, 40),
    ) -> None:
        if not callable(on_click):
            raise TypeError(f"on_click must be callable, not {on_click!r}")
        self._label = label
        self.on_click = on_click
        self.rect = pygame.Rect(rect)
        self.hovered = False
        self.focused = False
        self.pressed = False

    @property
    def label(self) -> str:
        """The text shown now."""
        return self._label() if callable(self._label) else self._label

    def click(self) -> None:
        """Run the callback (as a mouse click or Enter on the focused button would)."""
        self.on_click()

    def draw(self, surface: pygame.Surface, text: TextCache) -> None:
        """Draw the face, the focus ring and the label."""
        face = FACE_PRESSED if self.pressed else FACE_HOVER if self.hovered else FACE
        pygame.draw.rect(surface, face, self.rect, border_radius=8)
        pygame.draw.rect(surface, EDGE, self.rect, width=2, border_radius=8)
        if self.focused:
            pygame.draw.rect(surface, FOCUS, self.rect.inflate(6, 6), width=3, border_radius=10)
        rendered = text.render(self.label, LABEL)
        surface.blit(rendered, rendered.get_rect(center=self.rect.center))


class Menu:
    """A vertical stack of buttons usable with the mouse and with arrows + Enter.

    The owner forwards input: :meth:`pointer_moved`, :meth:`pointer_down`,
    :meth:`pointer_up` with positions in the menu's coordinates, and
    :meth:`key` with pygame key codes. Each returns whether it used the input,
    so a bus handler can return that value to stop propagation.
    """

    def __init__(self, buttons: Sequence[Button], *, focus: int = 0) -> None:
        if not buttons:
            raise ValueError("a menu needs at least one button")
        self.buttons = list(buttons)
        self.focus_index = focus % len(self.buttons)
        self._sync_focus()

    def layout(self, center: tuple[int, int], gap: int = 12) -> None:
        """Stack the buttons centred on ``center``."""
        total = sum(b.rect.height for b in self.buttons) + gap * (len(self.buttons) - 1)
        top = center[1] - total // 2
        for button in self.buttons:
            button.rect.midtop = (center[0], top)
            top += button.rect.height + gap

    @property
    def focused(self) -> Button:
        """The button Enter would press."""
        return self.buttons[self.focus_index]

    def _sync_focus(self) -> None:
        for index, button in enumerate(self.buttons):
            button.focused = index == self.focus_index

    def move_focus(self, delta: int) -> None:
        """Move keyboard focus by ``delta`` buttons, wrapping around."""
        self.focus_index = (self.focus_index + delta) % len(self.buttons)
        self._sync_focus()

    def pointer_moved(self, pos: tuple[int, int]) -> bool:
        """Hover follows the pointer, and so does focus (one highlighted button, not two)."""
        hit = False
        for index, button in enumerate(self.buttons):
            button.hovered = button.rect.collidepoint(pos)
            if button.hovered:
                hit = True
                self.focus_index = index
        if not hit:
            for button in self.buttons:
                button.pressed = False
        self._sync_focus()
        return hit

    def pointer_down(self, pos: tuple[int, int]) -> bool:
        """Press the button under the pointer (the click happens on release over it)."""
        used = False
        for button in self.buttons:
            button.pressed = button.rect.collidepoint(pos)
            used = used or button.pressed
        return used

    def pointer_up(self, pos: tuple[int, int]) -> bool:
        """Click the pressed button if the pointer is still over it."""
        for button in self.buttons:
            if button.pressed:
                button.pressed = False
                if button.rect.collidepoint(pos):
                    button.click()
                    return True
        return False

    def key(self, key: int) -> bool:
        """Arrows move focus; Enter, keypad Enter or Space clicks the focused button."""
        if key in (pygame.K_UP, pygame.K_LEFT):
            self.move_focus(-1)
        elif key in (pygame.K_DOWN, pygame.K_RIGHT, pygame.K_TAB):
            self.move_focus(1)
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            self.focused.click()
        else:
            return False
        return True

    def draw(self, surface: pygame.Surface, text: TextCache) -> None:
        """Draw every button."""
        for button in self.buttons:
            button.draw(surface, text)
