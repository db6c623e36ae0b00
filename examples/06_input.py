"""Chapter 6: input as events: typed events, actions, the chat box and the IME."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # runs without a window, too
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from game.assets import BINDINGS
from game.engine import ActionPressed, EventBus, FixedStepLoop, InputMapper, KeyDown, load_bindings
from game.widgets.chat_events import ChatSubmitted
from game.widgets.textbox import TextBox

pygame.display.init()
bus = EventBus(on_error="raise")
controls = InputMapper(bus, load_bindings(BINDINGS))  # the game's assets/bindings.toml
loop = FixedStepLoop(bus, step=1 / 60, input=controls)  # phase 1 of every step
chat = TextBox(bus)  # Enter or T opens it; while open it takes the keyboard

bus.subscribe(ActionPressed, lambda e: print(f"tick {e.tick}: action {e.action} ({e.source})"))
bus.subscribe(KeyDown, lambda e: print(f"tick {e.tick}: key {pygame.key.name(e.key)}"))
bus.subscribe(ChatSubmitted, lambda e: print(f"chat box sent {e.text!r}"))


def os_sends(kind, **fields):
    """What pygame.event.get() hands the game: fed now, published in the next step."""
    controls.feed(pygame.event.Event(kind, fields), loop.tick)


os_sends(pygame.KEYDOWN, key=pygame.K_d)
loop.advance(1 / 60)
print("walking right, move_x =", controls.axis("move_x"))
os_sends(pygame.KEYUP, key=pygame.K_d)
os_sends(pygame.KEYDOWN, key=pygame.K_RETURN)  # opens the chat box
os_sends(pygame.KEYUP, key=pygame.K_RETURN)
loop.advance(1 / 60)
os_sends(pygame.KEYDOWN, key=pygame.K_d)  # the chat box takes it: no walking, no print
os_sends(pygame.TEXTINPUT, text="d")  # typed characters come from TEXTINPUT only
os_sends(pygame.TEXTEDITING, text="ni", start=2)  # an input method composing 你
loop.advance(1 / 60)
print(f"box shows {chat.text!r} + composition {chat.composition!r}")
os_sends(pygame.TEXTEDITING, text="")  # composition ends ...
os_sends(pygame.TEXTINPUT, text="你好")  # ... and commits its text
os_sends(pygame.KEYDOWN, key=pygame.K_RETURN)  # sends
loop.advance(1 / 60)
print("still walking?", controls.is_down("move_right"), "| box open?", chat.is_open)
pygame.quit()
