"""The overlays' stacking: what a panel covers, what Esc closes, what stays visible.

Driven through the App contract with rendered frames: a panel "covers what is under
it completely" when its pixels are the same whether or not something is drawn under it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from game.app import App
from game.demo.help import ControlsHelp
from game.demo.overlays import Overlays
from game.demo.panels import Panels
from game.demo.pause import EDGE, FOOTER_ROOM, KEYS_WIDTH, PAD, ROW, TITLE_ROOM, Pause
from game.demo.quests import NOTE_TIME
from game.engine.wiring import Edge
from game.npc.brain import has_cjk
from game.widgets.wiring_view import MARGIN, MIN_ROW, fit_columns
from game.widgets.wiring_view import ROW as WIRING_ROW
from tests.app_driver import say, tap
from tests.quest_events import canonical_events
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


def colours(app: App, rect: pygame.Rect) -> list[tuple[int, int, int]]:
    """The colours of a fresh frame's pixels inside ``rect``."""
    app.render()
    return [
        app.last_frame.get_at((x, y))[:3]
        for x in range(rect.left, rect.right)
        for y in range(rect.top, rect.bottom)
    ]


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
    left_edge = pause.panel.inflate(0, -40).move(1, 0)
    left_edge.width = 1
    assert EDGE in set(colours(app, left_edge))  # the panel's border is there ...
    tap(app, pygame.K_h)  # H still works while paused: the log opens over the panel
    assert top(app) == "log"
    assert EDGE not in set(colours(app, left_edge))  # ... and does not peek out round the log
    click(app, quit_button.rect.center)  # under the log: the hidden button gets no click
    tap(app, pygame.K_RETURN)
    assert app.running and app.loop.paused
    assert pause.menu.focused is pause.menu.buttons[0]  # nor the pointer's hover: Resume
    tap(app, pygame.K_ESCAPE)  # closes the log, the pause panel stays
    assert top(app) == "pause" and app.loop.paused
    tap(app, pygame.K_ESCAPE)  # and now resumes
    assert top(app) is None and not app.loop.paused


def test_what_the_player_types_stays_visible_while_the_controls_help_is_up(app: App) -> None:
    help_panel = app.scene.mechanic(ControlsHelp)
    tap(app, pygame.K_RETURN)
    app.post(pygame.event.Event(pygame.TEXTINPUT, text="hello"))
    app.run_ticks(1)
    assert help_panel.visible and app.scene.chat.is_open
    box = app.scene.chat.rect
    typed = pixels(app, box)
    shown = app.visible_text()
    assert ("chatbox", None, box, "hello") in shown
    assert not any(rect.colliderect(box) for kind, _, rect, _ in shown if kind == "hud")
    help_panel.visible = False
    assert pixels(app, box) == typed  # the panel stands above the box, not over it
    help_panel.visible = True
    tap(app, pygame.K_ESCAPE)  # the box closes: the panel goes back down
    assert help_panel.text_rects()[0][1].bottom == app.screen.get_height() - 10


def finish_the_quest_line(app: App) -> None:
    """Every step done by its own event, as the quest engine's tests do."""
    for event in canonical_events(app.scene.quests.book.line, app.world):
        app.bus.publish(event)
        app.bus.flush()
    app.run_ticks(1)


def test_adas_last_note_waits_under_the_completion_card_and_shows_whole_after(app: App) -> None:
    quests = app.scene.quests
    finish_the_quest_line(app)
    assert app.scene.ending.visible and quests.note is not None
    last = quests.note
    app.run_ticks(int(NOTE_TIME * 60) + 60)  # the card stays up longer than the note would
    card = pixels(app, app.screen.get_rect())
    quests.note = None
    assert pixels(app, app.screen.get_rect()) == card  # no fragment of the note peeks out
    quests.note = last
    tap(app, pygame.K_RETURN)  # free play: the note, whole, for its full time
    assert not app.scene.ending.visible and quests.note_shown
    app.render()
    note = quests.text_rects()[-1][1]
    assert app.screen.get_rect().contains(note) and note.height > 60
    assert not any(note.colliderect(r) for k, _, r, _ in app.visible_text() if k == "bubble")
    app.run_ticks(int(NOTE_TIME * 60) - 5)
    assert quests.note_shown
    app.run_ticks(10)
    assert quests.note is None


def readme_control_keys() -> list[str]:
    """The keys the README's Controls table names (its first column), one by one."""
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = text.split("## Controls", 1)[1].split("\n\n", 2)[1]
    keys: list[str] = []
    for row in table.splitlines()[2:]:
        first = row.split("|")[1]
        keys += re.findall(
            r"\bF\d{1,2}\b|\b(?:Enter|Esc|Space|WASD|arrows|click)\b|\b[A-Z]\b", first
        )
    return keys


def test_the_pause_panel_lists_every_key_of_the_readmes_controls_table(app: App) -> None:
    panel = app.scene.mechanic(Pause).panel
    keys = readme_control_keys()
    assert {"F1", "F2", "F10", "J", "H", "P", "Esc", "Space", "click"} <= set(keys)
    listed = " / ".join(k for k, _ in panel.rows("en")).lower()
    for name in keys:
        assert re.search(rf"\b{re.escape(name.lower())}\b", listed), name
    assert len(panel.rows("zh")) == len(panel.rows("en"))


@pytest.mark.parametrize(("said", "language"), [("hello", "en"), ("你好", "zh")])
def test_the_pause_panel_grows_with_its_rows_and_speaks_the_ui_language(
    app: App, said: str, language: str
) -> None:
    app.scene.records.offer(112.0, 395)
    say(app, said)
    tap(app, pygame.K_p)
    pause = app.scene.mechanic(Pause).panel
    assert pause.language() == language
    footer = pause.footer()
    assert ("1:52" in footer and "395" in footer) and has_cjk(footer) == (language == "zh")
    assert not has_cjk(footer) or "Best" not in footer  # one language, not both
    font, panel = pause.text.font, pause.panel
    assert app.screen.get_rect().contains(panel)
    rows = pause.rows(language)
    last_row = panel.top + TITLE_ROOM + ROW * (len(rows) - 1) + font.get_linesize()
    footer_top = panel.bottom - FOOTER_ROOM + 14
    assert footer_top - last_row >= 8  # the footer has room above ...
    assert panel.bottom - (footer_top + font.get_linesize()) >= 12  # ... and below
    buttons = pause.menu.buttons
    assert all(panel.contains(b.rect) for b in buttons)

    def width(text: str) -> int:
        return pause.text.render(text, (255, 255, 255)).get_width()

    for keys, what in rows:  # every row clear of the buttons
        assert panel.left + KEYS_WIDTH + width(what) <= pause.text_right, what
        assert width(keys) < KEYS_WIDTH - PAD, keys
    labels = [b.label for b in buttons]
    assert all(has_cjk(label) == (language == "zh") for label in labels), labels


LONG = (
    "Timers keep a heap ordered by due time. Each tick the loop advances the timer clock "
    "by one fixed step and fires everything now due, in due-time order."
)


def fill_the_log(app: App, entries: int) -> None:
    for n in range(entries):
        app.scene.log.add("Ada" if n % 2 else "You", f"{n}: {LONG}")


@pytest.mark.parametrize(("said", "title"), [("hello", "Conversation"), ("你好", "对话记录")])
def test_the_conversation_log_header_fits_the_panel_in_both_languages(
    app: App, said: str, title: str
) -> None:
    say(app, said)
    fill_the_log(app, 12)
    tap(app, pygame.K_h)
    app.render()
    panel = app.scene.mechanic(Overlays).log_panel
    total = len(app.scene.log.lines)
    assert panel.header[0].startswith(title)
    assert f"{total}/{total}" in " ".join(panel.header) and "PgUp/PgDn" in panel.header[-1]
    for line in panel.header:
        assert panel.text.render(line, (255, 255, 255)).get_width() <= panel.rect.width - 28


def test_the_conversation_log_fills_up_from_the_newest_at_the_bottom(app: App) -> None:
    tap(app, pygame.K_h)
    app.run_ticks(1)  # Ada's greeting (the tick after the player is in her range) comes first
    fill_the_log(app, 12)
    app.scene.log.add("You", "the newest line")
    app.render()
    panel = app.scene.mechanic(Overlays).log_panel
    assert panel.shown[-1] == ("You", "the newest line")  # newest at the bottom
    assert len(panel.shown) >= 3  # older entries above it, not one line and a blank panel
    assert panel.rows_shown >= panel.rows_room - 1  # as many as fit
    lines = list(app.scene.log.lines)
    top = lines[len(lines) - len(panel.shown)]
    assert panel.shown[0][0] == top[0] and top[1].endswith(panel.shown[0][1])
    assert panel.shown[0] != top  # the entry at the top is cut at its top, keeping its speaker
    tap(app, pygame.K_PAGEUP)  # a page back: it comes down to the bottom, whole
    app.render()
    assert panel.shown[-1] == top and panel.rows_shown >= panel.rows_room - 1
    tap(app, pygame.K_PAGEDOWN)
    app.render()
    assert panel.shown[-1] == ("You", "the newest line")


@pytest.mark.parametrize("panel_key", [pygame.K_h, pygame.K_j, pygame.K_p])
def test_adas_note_hides_while_a_panel_is_open_instead_of_peeking_out(
    app: App, panel_key: int
) -> None:
    quests = app.scene.quests
    say(app, "hello")  # quest 1 done: Ada's note comes
    app.render()
    assert quests.note_shown
    note = quests.text_rects()[-1][1]
    tap(app, panel_key)
    app.render()
    assert not quests.note_shown and len(quests.text_rects()) == 1  # the tracker only
    tap(app, panel_key)
    app.render()
    assert quests.note_shown and quests.text_rects()[-1][1] == note


def test_the_wiring_overlay_keeps_to_two_readable_columns_over_the_pause_panel(app: App) -> None:
    tap(app, pygame.K_p)  # the pause panel's own subscriptions join the view
    tap(app, pygame.K_F4)
    app.render()
    shown = app.scene.mechanic(Overlays).wiring.shown
    room = app.screen.get_height() - (2 * MARGIN + WIRING_ROW + 8) - 2 * MARGIN
    assert len(fit_columns(shown, room)) <= 2
    # Rows close up before a third column squeezes every name, down to MIN_ROW.
    edges = [Edge(f"E{n}", f"h{n}", 0, 0, n) for n in range(2 * (room // MIN_ROW))]
    columns = fit_columns(edges, room)
    assert len(columns) == 2 and max(map(len, columns)) * MIN_ROW <= room
    assert len(fit_columns([*edges, *edges[:4]], room)) == 3  # past that: a third column


@pytest.mark.parametrize("render", [True, False])
def test_what_esc_closes_does_not_depend_on_frames_being_drawn(render: bool) -> None:
    app = App(headless=True, seed=1, autoplay=False, render=render)
    try:
        for code in (pygame.K_h, pygame.K_j, pygame.K_F4, pygame.K_ESCAPE, pygame.K_p):
            tap(app, code)  # H, J, F4; Esc closes F4; P pauses over J
        assert [p.name for p in app.scene.mechanic(Panels).stacked()] == ["log", "quests", "pause"]
        tap(app, pygame.K_ESCAPE)  # resumes
        tap(app, pygame.K_ESCAPE)  # closes J, the last opened
        assert top(app) == "log" and not app.loop.paused
    finally:
        app.close()


def test_the_chat_box_says_say_in_the_ui_language(app: App) -> None:
    from game.demo.chat_box import ChatBox

    box = app.scene.mechanic(ChatBox).box
    say(app, "你好")  # the UI follows the language the player types in
    tap(app, pygame.K_RETURN)  # open the box again
    app.render()
    assert box.is_open and box.label == "说："
    tap(app, pygame.K_ESCAPE)
    say(app, "hello")
    tap(app, pygame.K_RETURN)
    app.render()
    assert box.label == "Say:"
