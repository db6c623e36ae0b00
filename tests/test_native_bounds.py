"""What reaches native code is bounded; fonts fall back instead of crashing; nothing leaks.

Issue 21: a 10 MB input-method composition crashed inside SDL_ttf; a corrupt,
truncated or empty font aborted or raised; each App left font files open; a
NaN mouse position raised out of the event pump.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from game.app import App
from game.cli import main
from game.engine.platform.input import InputMapper
from game.widgets import fonts
from game.widgets.fonts import MAX_RENDER_CHARS, check_font_data, close_fonts, load_font

GOOD_FONT = fonts.FONT_PATH.read_bytes()


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    close_fonts()
    yield
    close_fonts()


def _flipped(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0x5A for b in data[middle : middle + 64]) + data[middle + 64 :]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "not a font"),
        (GOOD_FONT[:100_000], "truncated"),
        (GOOD_FONT[:30], "truncated"),
        (_flipped(GOOD_FONT), "checksum"),
        (b"<html>not found</html>" * 10, "unknown sfnt version"),
    ],
    ids=["empty", "truncated", "header only", "corrupt", "not a font"],
)
def test_a_bad_font_falls_back_to_the_next_font_with_a_warning(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fresh_fonts: None,
    content: bytes,
    problem: str,
) -> None:
    assert problem in (check_font_data(content) or "")
    bad = tmp_path / "font.otf"
    bad.write_bytes(content)
    monkeypatch.setattr(fonts, "FONT_PATH", bad)
    with caplog.at_level(logging.WARNING, logger="game.widgets.fonts"):
        font = load_font(18)
    assert font.path is None  # pygame's default font took the bundled one's place
    assert "font.otf" in caplog.text and problem in caplog.text
    assert font.render("Hello 你好", True, (0, 0, 0)).get_width() > 0


def test_a_missing_font_falls_back_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_fonts: None
) -> None:
    monkeypatch.setattr(fonts, "FONT_PATH", tmp_path / "gone.otf")
    assert load_font(18).path is None


def test_the_game_runs_and_draws_with_a_corrupt_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_fonts: None
) -> None:
    bad = tmp_path / "font.otf"
    bad.write_bytes(GOOD_FONT[: len(GOOD_FONT) // 3])
    monkeypatch.setattr(fonts, "FONT_PATH", bad)
    app = App(headless=True, seed=1, autoplay=True)
    try:
        app.run_ticks(30)
        assert app.bus.handler_errors == 0
    finally:
        app.close()


def test_the_bundled_font_passes_the_check() -> None:
    assert check_font_data(GOOD_FONT) is None


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts /proc/self/fd")
def test_building_and_closing_30_apps_leaves_no_file_open() -> None:
    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    warm = App(headless=True, seed=1)
    warm.run_ticks(2)
    warm.close()
    before = open_files()
    for seed in range(30):
        app = App(headless=True, seed=seed)
        app.run_ticks(2)
        app.close()
    assert open_files() <= before


# -- input bounded on its way to SDL_ttf -------------------------------------------------


def test_a_10_mb_composition_is_cut_like_typed_text(app: App) -> None:
    app.post(pygame.event.Event(pygame.KEYDOWN, {"key": pygame.K_RETURN, "mod": 0}))
    app.run_ticks(1)
    chat = app.scene.chat  # type: ignore[attr-defined]
    assert chat.is_open
    app.post(pygame.event.Event(pygame.TEXTEDITING, {"text": "漢" * 10_000_000, "start": 3}))
    app.run_ticks(2)  # drawn twice: SDL_ttf saw at most the cut text
    assert 0 < len(chat.composition) <= chat.editor.max_length


def test_a_replay_with_a_huge_composition_plays_without_crashing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh = App(headless=True, seed=1)
    parts = fresh.state_parts()
    fresh.close()
    from game.engine.replay import combine_parts

    lines = [
        {
            "replay": "callback-quest",
            "format": 1,
            "game_version": "0.1.0",
            "seed": 1,
            "step": App.STEP,
            "options": {"brain": "rule"},
        },
        {"tick": 0, "check": combine_parts(parts), "parts": parts},
        {"tick": 0, "input": [["KeyDown", {"key": pygame.K_RETURN, "mod": 0, "repeat": False}]]},
        {"tick": 1, "input": [["TextEditing", {"text": "a" * 10_000_000, "start": 0}]]},
    ]
    path = tmp_path / "ime.replay"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert main(["--replay", str(path)]) == 0  # drawn every step
    assert "1/1 checkpoints match" in capsys.readouterr().out


def test_text_longer_than_the_render_bound_is_cut_before_sdl_ttf(fresh_fonts: None) -> None:
    font = load_font(18)
    long_text = "m" * (MAX_RENDER_CHARS * 50)
    width = font.render(long_text, True, (0, 0, 0)).get_width()
    assert width == font.size("m" * MAX_RENDER_CHARS)[0] == font.size(long_text)[0]


# -- malformed events never reach the game ------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        pygame.event.Event(pygame.MOUSEMOTION, {"pos": (math.nan, 3), "rel": (0, 0)}),
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, {"pos": (math.inf, 3), "button": 1}),
        pygame.event.Event(pygame.MOUSEWHEEL, {"x": 0, "y": 1, "precise_y": math.nan}),
        pygame.event.Event(pygame.MOUSEWHEEL, {"x": 0, "y": 1, "precise_x": -math.inf}),
        pygame.event.Event(pygame.KEYDOWN, {}),
    ],
)
def test_a_malformed_event_is_dropped_at_the_edge(app: App, event: pygame.event.Event) -> None:
    assert InputMapper.convert(event, 0) is None
    app.post(event)
    app.run_ticks(2)
    assert app.bus.handler_errors == 0
