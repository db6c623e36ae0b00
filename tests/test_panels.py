"""The overlays' stacking: what a panel covers, what Esc closes, what stays visible.

Driven through the App contract with rendered frames: a panel "covers what is under
it completely" when its pixels are the same whether or not something is drawn under it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pygame
import pytest

from game.app import App
from game.demo.help import ControlsHelp
from game.demo.overlays import Overlays
from game.demo.panels import Panels
from game.demo.pause import Pause
from tests.app_driver import tap
from tests.test_demo import click


@pytest.fixture
def app() -> Iterator[App]:
    instance = App(headless=True, seed=1, autoplay=False)
    instance.scene.mechanic(Overlays).wiring.clock = lambda: 0.0  # no "hot" edge fades
    yield instance
    instance.close()


def pixels(app: App, rect: pygame.Rect) -> bytes:
    """The last frame's pixels inside ``rect``, after drawing a fresh frame."""
    app.render()
    return pygame.image.tobytes(app.last_frame.subsurface(rect), "RGB")


def top(app: App) -> str | None:
    panel = app.scene.mechanic(Panels).top
    return None if panel is None else panel.name


def test_the_quest_log_covers_the_controls_help_completely(app: App) -> None:
    help_panel = app.scene.mechanic(ControlsHelp)
    assert help_panel.visible
    tap(app, pygame.K_j)
    quest_log = app.scene.quests.panel.rect
    help_rect = help_panel.text_rects()[0][1]
    overlap = quest_log.inflate(-24, -24).clip(help_rect)  # less its rounded corners
    assert overlap.width > 100 and overlap.height > 50
    with_help = pixels(app, overlap)
    help_panel.visible = False
    assert pixels(app, overlap) == with_help  # nothing of the help shows through


def test_the_wiring_overlay_f4_is_opaque_over_an_open_log(app: App) -> None:
    overlays = app.scene.mechanic(Overlays)
    tap(app, pygame.K_h)
    tap(app, pygame.K_F4)
    assert top(app) == "wiring"
    log = overlays.log_panel.rect.inflate(-24, -24)  # less its rounded corners
    over_the_log = pixels(app, log)
    overlays.log_panel.visible = False
    assert pixels(app, log) == over_the_log  # no ghost of the log's text


@pytest.mark.parametrize(
    ("keys", "closes"),
    [
        ((pygame.K_h,), ["log"]),
        ((pygame.K_j,), ["quests"]),
        ((pygame.K_F4,), ["wiring"]),
        ((pygame.K_j, pygame.K_h, pygame.K_F4), ["wiring", "log", "quests"]),
    ],
)
def test_esc_closes_the_topmost_panel_first_then_pauses(
    app: App, keys: tuple[int, ...], closes: list[str]
) -> None:
    for code in keys:
        tap(app, code)
    for name in closes:
        assert top(app) == name
        tap(app, pygame.K_ESCAPE)
        assert top(app) != name and not app.loop.paused
    assert top(app) is None
    tap(app, pygame.K_ESCAPE)  # nothing left to close: Esc pauses
    assert app.loop.paused and top(app) == "pause"


@pytest.mark.parametrize("log_key", [pygame.K_h, pygame.K_j])
def test_pausing_with_a_log_open_shows_the_pause_panel_on_top(app: App, log_key: int) -> None:
    pause = app.scene.mechanic(Pause)
    tap(app, log_key)
    tap(app, pygame.K_p)  # (Esc would close the log first)
    assert app.loop.paused and top(app) == "pause"
    buttons = pause.panel.menu.buttons[0].rect.unionall([b.rect for b in pause.panel.menu.buttons])
    over_the_log = pixels(app, buttons)
    app.scene.quests.panel.visible = app.scene.mechanic(Overlays).log_panel.visible = False
    assert pixels(app, buttons) == over_the_log  # Resume, Sound, Text speed, Quit all show


def test_a_log_opened_over_the_pause_panel_is_on_top_and_closes_first(app: App) -> None:
    pause = app.scene.mechanic(Pause).panel
    quit_button = pause.menu.buttons[-1]
    tap(app, pygame.K_p)
    tap(app, pygame.K_h)  # H still works while paused: the log opens over the panel
    assert top(app) == "log"
    click(app, quit_button.rect.center)  # under the log: the hidden button gets no click
    tap(app, pygame.K_RETURN)
    assert app.running and app.loop.paused
    tap(app, pygame.K_ESCAPE)  # closes the log, the pause panel stays
    assert top(app) == "pause" and app.loop.paused
    tap(app, pygame.K_ESCAPE)  # and now resumes
    assert top(app) is None and not app.loop.paused
