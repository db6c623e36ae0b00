"""The App contract and the headless command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pygame
import pytest

from game.app import App
from game.cli import main
from game.demo.pause import Pause
from game.engine.input_events import ActionPressed, KeyDown, QuitRequested
from tests.app_driver import key

SUMMARY_FIELDS = {
    "ticks", "game_time", "frames", "wall_time", "realtime_factor", "events",
    "handler_errors", "npc_replies", "score", "state_hash",
}  # fmt: skip


def test_held_arrow_moves_the_player_through_fixed_update(app: App) -> None:
    start = app.scene.player.position
    app.post(key(pygame.KEYDOWN, pygame.K_RIGHT))
    app.run_ticks(30)
    moved = app.scene.player.position
    assert moved[0] > start[0] + 40
    assert moved[1] == start[1]
    app.post(key(pygame.KEYUP, pygame.K_RIGHT))
    app.run_ticks(30)
    stopped = app.scene.player.position
    app.run_ticks(5)
    assert app.scene.player.position == stopped


def test_wasd_moves_the_player_too(app: App) -> None:
    start = app.scene.player.position
    app.post(key(pygame.KEYDOWN, pygame.K_w))
    app.run_ticks(20)
    assert app.scene.player.position[1] < start[1]


def test_input_events_are_stamped_and_published_in_the_tick_they_apply_to(app: App) -> None:
    app.run_ticks(3)
    with app.bus.recording() as trace:
        app.post(key(pygame.KEYDOWN, pygame.K_LEFT))
        app.run_ticks(1)
    (down,) = trace.of(KeyDown)
    assert down.tick == 3
    assert trace.of(ActionPressed)[0].action == "move_left"


def test_run_ticks_advances_exactly_n_steps(app: App) -> None:
    assert app.run_ticks(17) == 17
    assert app.loop.tick == 17
    assert app.summary()["frames"] == 17


def test_quit_requested_stops_the_app(app: App) -> None:
    app.post(pygame.event.Event(pygame.QUIT))
    app.run_ticks(5)
    assert not app.running
    assert app.event_counts[QuitRequested.__name__] == 1


def test_summary_has_the_contract_fields_and_is_json(app: App) -> None:
    app.run_ticks(10)
    summary = app.summary()
    assert summary.keys() >= SUMMARY_FIELDS
    assert summary["events"]["FixedUpdate"] == 10
    json.dumps(summary)


def run_autoplay(seed: int, ticks: int = 600) -> str:
    app = App(headless=True, seed=seed, autoplay=True)
    try:
        app.run_ticks(ticks)
        return app.state_hash()
    finally:
        app.close()


def test_same_seed_same_state_hash_different_seed_differs() -> None:
    assert run_autoplay(3) == run_autoplay(3)
    assert run_autoplay(3) != run_autoplay(4)


def test_rendering_does_not_change_the_simulation() -> None:
    drawn = App(headless=True, seed=5, autoplay=True)
    drawn.run_ticks(300)
    hashes = [drawn.state_hash()]
    drawn.close()
    skipped = App(headless=True, seed=5, autoplay=True, render=False)
    skipped.run_ticks(300)
    hashes.append(skipped.state_hash())
    skipped.close()
    assert hashes[0] == hashes[1]


def test_screenshot_is_written_and_not_blank(app: App, tmp_path: Path) -> None:
    app.run_ticks(2)
    out = tmp_path / "shot.png"
    app.save_screenshot(out)
    image = pygame.image.load(str(out))
    assert image.get_size() == (960, 540)
    colors = {image.get_at((x, y))[:3] for x in range(0, 960, 37) for y in range(0, 540, 29)}
    assert len(colors) > 2


def test_cli_headless_json_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--headless", "--seconds", "2", "--seed", "7", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    summary = json.loads(out)
    assert summary.keys() >= SUMMARY_FIELDS
    assert summary["ticks"] == 120


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--headless", "--seconds", "-1"], "--seconds"),
        (["--headless", "--seconds", "nan"], "--seconds"),
        (["--headless", "--screenshot", "/no/such/folder/x.png"], "does not exist"),
        (["--headless", "--screenshot", "shot.jpg"], "PNG"),
        (["--bogus"], "unrecognized"),
    ],
)
def test_bad_arguments_exit_2_naming_the_problem(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_python_dash_m_game_headless_prints_one_json_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "game", "--headless", "--seconds", "1", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # any working directory
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert summary["ticks"] == 60
    assert summary["handler_errors"] == 0


def test_a_broken_dialogue_file_is_one_clear_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from game.assets import asset_path
    from game.npc import dialogue

    folder = tmp_path / "dialogue"
    shutil.copytree(asset_path("dialogue"), folder)
    guide = folder / "guide.toml"
    guide.write_text(
        guide.read_text(encoding="utf-8").replace(
            "remember_name = true", 'remember_name = true\npatterns = ["(unclosed"]', 1
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(dialogue, "asset_path", lambda *parts: tmp_path.joinpath(*parts))
    assert main(["--headless", "--seconds", "0.1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "guide.toml" in err[0]
    assert "intent 'tell_name'" in err[0]
    assert "bad regular expression" in err[0]
    assert "Traceback" not in err[0]


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="elsewhere SDL finds the desktop without DISPLAY"
)
def test_without_a_display_the_game_says_so_in_one_line_and_runs_headless(
    tmp_path: Path,
) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("SDL_VIDEODRIVER", None)  # let SDL look for a screen, as on a server
    result = subprocess.run(
        [sys.executable, "-m", "game", "--seconds", "0.5", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if "no display" in line]
    assert len(notices) == 1
    assert "running the headless autoplay instead" in notices[0]
    assert json.loads(result.stdout)["ticks"] == 30


def test_pause_pressed_in_a_many_step_frame_runs_no_step_after_its_own() -> None:
    app = App(headless=True, seed=1, autoplay=False, render=False)
    app.run_ticks(3)
    app.post(key(pygame.KEYDOWN, pygame.K_p))
    assert app.frame(5 * app.loop.step) == 1  # tick 3 ran (it holds the key); 4-7 did not
    assert app.loop.paused and app.loop.tick == 4
    assert app.scene.mechanic(Pause).panel.visible
    app.close()


@pytest.mark.parametrize("scale", [0.0, 0.1])
def test_with_the_time_scale_at_zero_or_slow_a_key_reaches_the_game_in_its_frame(
    scale: float,
) -> None:
    app = App(headless=True, seed=1, autoplay=False, render=False)
    app.loop.time_scale = scale
    app.post(key(pygame.KEYDOWN, pygame.K_p))
    app.post(key(pygame.KEYUP, pygame.K_p))
    assert app.frame(app.loop.step) == 0
    assert app.loop.paused  # the pause key worked though no step ran
    app.post(key(pygame.KEYDOWN, pygame.K_p))
    app.frame(app.loop.step)
    assert not app.loop.paused  # and so does unpausing
    app.close()


class FakeWindowApp:
    """Stands in for a window App (the test display has no windows)."""

    made: ClassVar[list[FakeWindowApp]] = []

    def __init__(self, scene_factory: object = None, **kwargs: object) -> None:
        self.autoplay = None
        self.headless = False
        self.ran_for: float | None = None
        self.closed = False
        FakeWindowApp.made.append(self)

    def run(self, max_fps: int = 144, *, seconds: float | None = None) -> None:
        self.ran_for = seconds

    def summary(self) -> dict[str, object]:
        return {"ticks": 120}

    def close(self) -> None:
        self.closed = True


def test_a_window_run_honours_seconds_and_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import game.app

    monkeypatch.setattr(game.app, "App", FakeWindowApp)
    FakeWindowApp.made.clear()
    assert main(["--seconds", "2", "--json"]) == 0
    (window,) = FakeWindowApp.made
    assert window.ran_for == 2.0 and window.closed
    assert json.loads(capsys.readouterr().out) == {"ticks": 120}


def test_a_window_run_refuses_no_render_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import game.app

    monkeypatch.setattr(game.app, "App", FakeWindowApp)
    FakeWindowApp.made.clear()
    assert main(["--no-render", "--json", "--seconds", "2"]) == 2
    assert FakeWindowApp.made[0].closed and FakeWindowApp.made[0].ran_for is None
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "--no-render goes with --headless" in captured.err


def test_run_stops_after_the_given_game_seconds() -> None:
    app = App(headless=True, seed=1, autoplay=False, render=False)
    app.run(max_fps=0, seconds=0.05)  # real time: a twentieth of a second
    assert 0.05 <= app.loop.time < 0.05 + 9 * app.loop.step
    app.close()


def test_replay_refuses_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--replay", "any.replay", "--seconds", "2"]) == 2
    assert "--seconds does not apply to --replay" in capsys.readouterr().err


def test_a_quit_request_runs_no_tick_after_its_own() -> None:
    app = App(headless=True, seed=1, autoplay=False, render=False)
    app.post(pygame.event.Event(pygame.QUIT))
    assert app.frame(5 * app.loop.step) == 1
    assert not app.running and app.loop.tick == 1
    app.close()
