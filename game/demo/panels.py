"""The panels a player opens over the village, stacked in the order they were opened.

Under them, in a fixed order (:class:`~game.scene.DrawLayer`): the world, the HUD
strip and the quest tracker, the hint and Ada's note, the controls help, the chat
box. Over those, every panel that covers the game (the quest log J, the
conversation log H, the pause panel, the debug overlay F3, the wiring F4, the
completion card) is drawn in the order it was opened, the last one on top, as a
window manager does: a fixed order between panels that open in either order
would hide one of them under the other in one of the orders (pausing with the
log open, or F4 open). Esc closes the topmost panel first.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import pygame

from game.demo.chat_box import ChatBox
from game.engine.events import HANDLED
from game.engine.input_events import ActionPressed, KeyDown, MouseDown, MouseMotion, MouseUp
from game.scene import DrawLayer, Mechanic, Painter, SceneContext

__all__ = ["Panel", "Panels"]

#: Above the pause panel's (200) and the completion card's layers, level with the log's
#: scroll keys: Esc must reach a log opened over the pause panel before the panel does.
ESC_PRIORITY = 300
#: The keys that drive a menu (game/widgets/button.py ``Menu.key``).
MENU_KEYS = frozenset(
    {
        pygame.K_UP,
        pygame.K_DOWN,
        pygame.K_LEFT,
        pygame.K_RIGHT,
        pygame.K_TAB,
        pygame.K_RETURN,
        pygame.K_KP_ENTER,
        pygame.K_SPACE,
    }
)


@dataclass(frozen=True, slots=True, eq=False)  # each panel is itself (compared by identity)
class Panel:
    """One panel: ``name``, ``is_open()``, ``draw(surface, alpha)``, and how it closes.

    ``close``: what Esc calls while it is on top (``None``: Esc passes it by).
    ``modal``: it takes the keyboard and mouse itself while on top (the pause panel,
    the completion card), so Esc is left to its own handler. ``covers``: it hides the
    village (False for the F3 overlay, which is there to watch it). ``draw_under``:
    what it draws while a panel that covers the village lies over it (default: itself),
    so a bigger panel under a smaller one does not peek out round it in fragments.
    """

    name: str
    is_open: Callable[[], bool]
    draw: Painter
    close: Callable[[], object] | None = None
    modal: bool = False
    covers: bool = True
    draw_under: Painter | None = None


class Panels(Mechanic):
    """Draws the open panels bottom to top, in the order they opened; Esc closes the top one.

    Reacts to every key and click first (to stack what opened since, and for Esc:
    the ``cancel`` keys and action), and, while a panel covers the pause panel, stops
    the mouse and the menu keys: a click on a log must not press a button hidden
    under it, nor the pointer move its focus. Only drawing and the panels' own
    visibility depend on it: no part in the state hash.
    """

    def __init__(
        self, context: SceneContext, *, chat: ChatBox, cancel_keys: Collection[int]
    ) -> None:
        super().__init__(context)
        self.chat = chat
        self.cancel_keys = frozenset(cancel_keys)
        self.panels: list[Panel] = []
        #: The open panels, bottom to top.
        self.order: list[Panel] = []
        # Panels open on keys (and the card on the last quest): each key and click first
        # puts what opened since on top, so the stack holds the order they opened in.
        self.on(KeyDown, self.on_key, priority=ESC_PRIORITY)
        self.on(MouseDown, self.on_mouse, priority=ESC_PRIORITY)
        self.on(MouseUp, self.on_mouse, priority=ESC_PRIORITY)
        self.on(MouseMotion, self.on_mouse, priority=ESC_PRIORITY)  # hover moves a menu's focus
        self.on(ActionPressed, self.on_cancel, priority=1)  # before the pause key's handler
        self.draws(DrawLayer.MODAL, self.draw)

    def add(self, *panels: Panel) -> None:
        """Stack these panels too (their order here breaks ties: two opened between two keys)."""
        self.panels.extend(panels)
        self.sync()

    def stacked(self) -> list[Panel]:
        """The open panels, bottom to top: those opened since the last input on top."""
        still = [panel for panel in self.order if panel.is_open()]
        return still + [p for p in self.panels if p.is_open() and p not in still]

    def sync(self) -> None:
        """Forget the panels that closed; put the ones that opened since on top.

        Called on input only, never while drawing, so what Esc closes does not
        depend on which frames were drawn (a headless run draws none)."""
        self.order = self.stacked()

    def covering(self) -> bool:
        """A panel that covers the village is open."""
        return any(panel.covers for panel in self.stacked())

    @property
    def top(self) -> Panel | None:
        """The panel drawn last (on top), or ``None``."""
        stacked = self.stacked()
        return stacked[-1] if stacked else None

    def _covers_a_modal(self) -> bool:
        """A panel that takes no input lies over one that does (the pause panel)."""
        self.sync()
        order = self.order
        return bool(order) and not order[-1].modal and any(p.modal for p in order)

    def close_top(self) -> bool | None:
        """Close the topmost panel Esc closes; ``None`` if that is for someone else."""
        if self.chat.is_open:
            return None  # Esc cancels the typing first
        self.sync()
        for panel in reversed(self.order):
            if panel.modal:
                return None  # its own handler takes Esc: resume, or close the card
            if panel.close is not None:
                panel.close()
                self.sync()
                return HANDLED
        return None  # nothing to close: Esc pauses

    def on_cancel(self, event: ActionPressed) -> bool | None:
        """The ``cancel`` action (a gamepad's B; Esc when no panel took it) closes the top panel."""
        return self.close_top() if event.action == "cancel" else None

    def on_key(self, event: KeyDown) -> bool | None:
        """Esc closes the topmost panel, before the pause panel under it hears it;
        the keys of a covered menu stop here."""
        self.sync()
        if event.key in self.cancel_keys:
            return self.close_top()
        if event.key in MENU_KEYS and self._covers_a_modal():
            return HANDLED
        return None

    def on_mouse(self, _event: MouseDown | MouseUp | MouseMotion) -> bool | None:
        """While a panel covers the pause panel, its buttons get no clicks nor hover."""
        return HANDLED if self._covers_a_modal() else None

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        stacked = self.stacked()
        for n, panel in enumerate(stacked):
            covered = any(above.covers for above in stacked[n + 1 :])
            painter = panel.draw_under if covered and panel.draw_under is not None else panel.draw
            painter(surface, alpha)
