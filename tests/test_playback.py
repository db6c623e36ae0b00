"""Record a run, play it back: every checkpoint matches, and an edit is found at its tick."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pygame
import pytest

from game.app import App
from game.cli import main
from game.engine import replay as replay_module
from game.engine.input_events import InputEvent, KeyDown, TextPasted
from game.engine.replay import Checkpoint, InputLine, read_replay
from game.playback import Playback, Recorder, load_replay
from tests.app_driver import key

SEED = 5
SECONDS = 10  # 600 ticks: 11 checkpoints (0, 60, ..., 540) and the end


class FakeClipboard:
    def __init__(self, text: str = "") -> None:
        self.text = text
        self.reads = 0

    def get_text(self) -> str:
        self.reads += 1
        return self.text


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An autoplay run recorded through the command line (headless, 10 s of game time)."""
    path = tmp_path_factory.mktemp("replays") / "autoplay.replay"
    argv = ["--headless", "--seconds", str(SECONDS), "--seed", str(SEED), "--no-render"]
    assert main([*argv, "--record", str(path)]) == 0
    return path


def replay_json(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(["--replay", str(path), "--json", "--no-render"])
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return code, json.loads(out)


def test_the_recording_has_a_header_input_and_a_checkpoint_every_second(recorded: Path) -> None:
    loaded = read_replay(recorded)
    assert loaded.header.seed == SEED
    assert loaded.header.options["brain"] == "rule"
    checks = [line for line in loaded.lines if isinstance(line, Checkpoint)]
    assert [c.tick for c in checks] == [*range(0, SECONDS * 60, 60), SECONDS * 60]
    assert loaded.end is not None and loaded.end.tick == SECONDS * 60
    assert {"player", "score", "input", "rng", "tick"} <= loaded.end.parts.keys()
    kinds = {
        type(e).__name__
        for line in loaded.lines
        if isinstance(line, InputLine)
        for e in line.events
    }
    assert {"KeyDown", "KeyUp", "TextInput"} <= kinds  # it walked and it talked


def test_replaying_an_autoplay_run_matches_every_checkpoint(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary = replay_json(recorded, capsys)
    assert code == 0
    end = read_replay(recorded).end
    assert end is not None and summary["state_hash"] == end.check
    assert summary["ticks"] == SECONDS * 60
    assert summary["replay"] == {
        "file": str(recorded),
        "checkpoints": SECONDS + 1,
        "checked": SECONDS + 1,
        "complete": True,
        "stopped": False,
        "first_mismatch": None,
    }
    assert summary["handler_errors"] == 0


def test_the_one_line_summary_says_all_checkpoints_match(
    recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--replay", str(recorded), "--no-render"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"replay {recorded}: 11/11 checkpoints match over 600 ticks;")
    assert out.count("\n") == 1


def run_replay_process(path: Path, hash_seed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "SDL_VIDEODRIVER": "dummy"}
    return subprocess.run(
        [sys.executable, "-m", "game", "--replay", str(path), "--json", "--no-render"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_replays_in_two_fresh_processes_give_the_same_result(recorded: Path) -> None:
    # Different string-hash seeds too: no set of strings may decide an order.
    first, second = run_replay_process(recorded, "1"), run_replay_process(recorded, "2")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["replay"]["checked"] == SECONDS + 1
    for field in ("state_hash", "replay", "events", "score", "npc_replies", "ticks"):
        assert one[field] == two[field]


def edited(recorded: Path, tmp_path: Path, which: int) -> tuple[Path, int]:
    """A copy with one arrow key press turned around: the first (0) or the last (-1) one."""
    opposite = {
        pygame.K_LEFT: pygame.K_RIGHT,
        pygame.K_RIGHT: pygame.K_LEFT,
        pygame.K_UP: pygame.K_DOWN,
        pygame.K_DOWN: pygame.K_UP,
    }
    lines = recorded.read_text(encoding="utf-8").splitlines(keepends=True)
    presses = []  # (line number, index of the event in the line)
    for number, text in enumerate(lines):
        obj = json.loads(text)
        # Not on a checkpoint's tick, and with a checkpoint after it (the end one is at 600).
        if "input" not in obj or obj["tick"] % 60 == 0 or obj["tick"] > 540:
            continue
        for index, (name, fields) in enumerate(obj["input"]):
            if name == "KeyDown" and fields["key"] in opposite:
                presses.append((number, index))
    number, index = presses[which]
    obj = json.loads(lines[number])
    fields = obj["input"][index][1]
    fields["key"] = opposite[fields["key"]]
    lines[number] = json.dumps(obj) + "\n"
    path = tmp_path / "edited.replay"
    path.write_text("".join(lines), encoding="utf-8")
    return path, obj["tick"]


@pytest.mark.parametrize("which", [0, -1])
def test_an_edited_key_is_reported_at_the_first_checkpoint_after_it(
    recorded: Path, tmp_path: Path, which: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path, tick = edited(recorded, tmp_path, which)
    first_after = (tick // 60 + 1) * 60  # a checkpoint holds the state before its tick's input
    code, summary = replay_json(path, capsys)
    assert code == 3
    replay = summary["replay"]
    assert isinstance(replay, dict)
    mismatch = replay["first_mismatch"]
    assert mismatch["tick"] == first_after
    assert "player" in mismatch["parts"]  # it walked the other way
    assert replay["checked"] == first_after // 60 + 1  # the ones before it matched

    assert main(["--replay", str(path), "--no-render"]) == 3
    line = capsys.readouterr().out
    assert line.startswith(f"replay {path}: tick {first_after}: ")
    assert line.rstrip().endswith(" differ")


def test_a_recording_cut_short_by_a_crash_still_replays(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = recorded.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "crashed.replay"
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # no end line
    code, summary = replay_json(path, capsys)
    assert code == 0
    assert summary["replay"]["complete"] is False  # type: ignore[index]
    assert summary["replay"]["checked"] == SECONDS  # type: ignore[index]


def rewrite(recorded: Path, tmp_path: Path, number: int, text: str | None) -> Path:
    lines = recorded.read_text(encoding="utf-8").splitlines(keepends=True)
    if text is None:
        lines[number - 1] = lines[number - 1][:-7]  # cut mid-line, as a crash mid-write
        del lines[number:]
    else:
        lines[number - 1] = text
    path = tmp_path / "bad.replay"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("number", "text", "message"),
    [
        (5, '{"tick": 5, "input": [["KeyDown", {"key": "left"}]]}\n', "KeyDown.key: expected int"),
        (5, '{"tick": 5, "input": [["__import__", {}]]}\n', "unknown input event"),
        (4, "{oops\n", "not valid JSON"),
        (6, None, "truncated line"),
        (
            1,
            '{"replay": "callback-quest", "format": 2, "seed": 5, "step": 0.0166}\n',
            "format 2 is newer",
        ),
        (
            1,
            '{"replay": "callback-quest", "format": 1, "seed": 5, "step": 0.016666666666666666,'
            ' "options": {"brain": "fake-llm"}}\n',
            "not deterministic",
        ),
        (
            1,
            '{"replay": "callback-quest", "format": 1, "seed": 5, "step": 0.02}\n',
            "step",
        ),
    ],
)
def test_a_file_that_cannot_be_used_exits_2_naming_the_line(
    recorded: Path,
    tmp_path: Path,
    number: int,
    text: str | None,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = rewrite(recorded, tmp_path, number, text)
    assert main(["--replay", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{path}:{number}: " in captured.err
    assert message in captured.err


def test_an_oversized_file_exits_2_before_it_is_read(
    recorded: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(replay_module, "MAX_REPLAY_BYTES", 1000)
    assert main(["--replay", str(recorded)]) == 2
    assert "larger than the 1000 byte limit" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--replay", "x.replay", "--record", "y.replay"], "cannot be combined with --record"),
        (["--replay", "x.replay", "--autoplay"], "cannot be combined with --autoplay"),
        pytest.param(
            ["--record", "y.replay", "--brain", "fake-llm"],
            "needs --brain rule",
            marks=pytest.mark.skipif(
                importlib.util.find_spec("langchain_core") is None,
                reason="without the llm extra, --brain fake-llm is refused earlier",
            ),
        ),
        (["--window"], "--window goes with --replay"),
        (["--headless", "--record", "/no/such/folder/y.replay"], "does not exist"),
    ],
)
def test_record_and_replay_arguments_that_make_no_sense_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


# -- scripted runs: pause, paste, single steps --------------------------------------------


def tap(code: int, mod: int = 0) -> list[pygame.event.Event]:
    return [key(pygame.KEYDOWN, code, mod), key(pygame.KEYUP, code, mod)]


SCRIPT: dict[int, list[pygame.event.Event]] = {
    3: [key(pygame.KEYDOWN, pygame.K_RIGHT)],
    40: tap(pygame.K_p),  # pause: the next input is delivered at once, no steps run
    41: [key(pygame.KEYUP, pygame.K_RIGHT), key(pygame.KEYDOWN, pygame.K_DOWN)],
    42: tap(pygame.K_F10),  # one step while paused
    43: [*tap(pygame.K_F10), *tap(pygame.K_p)],  # another, then resume
    70: [key(pygame.KEYUP, pygame.K_DOWN), *tap(pygame.K_RETURN)],  # open the chat box
    72: [
        pygame.event.Event(pygame.TEXTINPUT, text="粘贴: "),
        *tap(pygame.K_v, pygame.KMOD_LCTRL),
    ],
    74: [pygame.event.Event(pygame.TEXTEDITING, text="ni", start=2, length=0)],
    75: [pygame.event.Event(pygame.TEXTINPUT, text="你"), *tap(pygame.K_RETURN)],
    90: [pygame.event.Event(pygame.WINDOWFOCUSLOST)],
    95: [pygame.event.Event(pygame.WINDOWFOCUSGAINED)],
    100: [pygame.event.Event(pygame.CONTROLLERAXISMOTION, instance_id=0, axis=0, value=32767)],
    130: [pygame.event.Event(pygame.CONTROLLERAXISMOTION, instance_id=0, axis=0, value=0)],
}
FRAMES = 200


def play_script(app: App, script: dict[int, list[pygame.event.Event]], frames: int) -> None:
    for frame in range(frames):
        for event in script.get(frame, ()):
            app.post(event)
        app.frame(app.loop.step)


def events_of(lines: Sequence[object], kind: type[InputEvent]) -> list[InputEvent]:
    return [
        e
        for line in lines
        if isinstance(line, InputLine)
        for e in line.events
        if isinstance(e, kind)
    ]


def test_pauses_single_steps_pastes_and_focus_replay_exactly(tmp_path: Path) -> None:
    path = tmp_path / "scripted.replay"
    clipboard = FakeClipboard("🎉 party\nline two")
    app = App(headless=True, seed=9, render=False, clipboard=clipboard)
    recorder = Recorder(app, path, options={"brain": "rule"})
    play_script(app, SCRIPT, FRAMES)
    recorder.finish()
    recorded_hash, ticks = app.state_hash(), app.loop.tick
    chat_log = list(app.scene.log.lines)
    app.close()
    assert FRAMES - 10 < ticks < FRAMES  # some frames were paused, two steps were single
    assert ("You", "粘贴: 🎉 party line two你") in chat_log

    loaded = load_replay(path)
    paused = [line for line in loaded.lines if isinstance(line, InputLine) and line.paused]
    assert len(paused) >= 4  # the frames at 41, 42, 43 and the focus regained
    (pasted,) = events_of(loaded.lines, TextPasted)
    assert isinstance(pasted, TextPasted) and pasted.text == "🎉 party\nline two"
    ctrl_v = [e for e in events_of(loaded.lines, KeyDown) if e.tick == pasted.tick]
    assert [(e.key, e.mod) for e in ctrl_v] == [(pygame.K_v, pygame.KMOD_LCTRL)]  # type: ignore[attr-defined]

    clipboard.text = "something else"  # a replay never reads the clipboard
    again = App(headless=True, seed=9, render=False, clipboard=clipboard)
    reads = clipboard.reads
    result = Playback(again, loaded).run()
    assert clipboard.reads == reads
    assert result.mismatch is None, result.mismatch
    assert (
        result.checked
        == result.checkpoints
        == len([c for c in loaded.lines if isinstance(c, Checkpoint)])
    )
    assert (again.state_hash(), again.loop.tick) == (recorded_hash, ticks)
    again.close()


def test_the_clipboard_is_not_read_while_the_chat_box_is_closed(tmp_path: Path) -> None:
    clipboard = FakeClipboard("secret")
    app = App(headless=True, seed=1, render=False, clipboard=clipboard)
    recorder = Recorder(app, tmp_path / "r.replay")
    play_script(app, {2: tap(pygame.K_v, pygame.KMOD_LCTRL)}, 5)
    recorder.finish()
    app.close()
    assert clipboard.reads == 0
    assert "secret" not in (tmp_path / "r.replay").read_text(encoding="utf-8")


def test_a_replay_that_pauses_where_the_recording_did_not_is_a_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "r.replay"
    app = App(headless=True, seed=2, render=False)
    recorder = Recorder(app, path)
    play_script(app, {10: tap(pygame.K_RIGHT)}, 100)
    recorder.finish()
    app.close()
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, text in enumerate(lines) if '"input":[' in text)
    lines[at] = lines[at].replace(str(pygame.K_RIGHT), str(pygame.K_p))  # now it pauses
    path.write_text("".join(lines), encoding="utf-8")
    again = App(headless=True, seed=2, render=False)
    result = Playback(again, load_replay(path)).run()
    again.close()
    assert result.mismatch is not None
    assert result.mismatch.tick == 11
    assert "paused" in result.mismatch.describe()


def test_with_no_display_window_runs_fall_back_to_headless_and_still_record_and_replay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "fallback.replay"  # conftest's dummy driver: no window can open
    assert main(["--record", str(path), "--seconds", "1", "--no-render"]) == 0
    assert "running the headless autoplay instead" in capsys.readouterr().err
    assert main(["--replay", str(path), "--window", "--no-render"]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("replaying headless instead") == 1
    assert captured.out.startswith(f"replay {path}: 2/2 checkpoints match over 60 ticks;")


def test_closing_the_window_stops_watching(recorded: Path) -> None:
    app = App(headless=True, seed=SEED, render=False)
    app.post(pygame.event.Event(pygame.QUIT))  # the viewer closes the window at once
    result = Playback(app, load_replay(recorded), watch=True).run()
    app.close()
    assert result.stopped and result.ok
    assert result.ticks == 1


def test_a_recording_with_frames_shorter_than_a_step_replays_exactly(tmp_path: Path) -> None:
    # As a window at 144 Hz: most frames run no step and deliver their input at once.
    path = tmp_path / "fast-frames.replay"
    app = App(headless=True, seed=3, autoplay=False, render=False)
    recorder = Recorder(app, path)
    moves = [pygame.K_RIGHT, pygame.K_DOWN, pygame.K_LEFT, pygame.K_UP]
    for frame in range(400):
        if frame % 37 == 0:
            code = moves[(frame // 37) % 4]
            app.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode=""))
        if frame % 37 == 20:
            code = moves[(frame // 37) % 4]
            app.post(pygame.event.Event(pygame.KEYUP, key=code, mod=0, unicode=""))
        app.frame(app.loop.step * 0.4)
    recorder.finish()
    recorded_hash, ticks = app.state_hash(), app.loop.tick
    app.close()
    loaded = load_replay(path)
    assert any(line.paused for line in loaded.lines if isinstance(line, InputLine))
    again = App(headless=True, seed=3, autoplay=False, render=False)
    result = Playback(again, loaded).run()
    assert result.mismatch is None, result.mismatch
    assert result.checked == result.checkpoints == 4  # ticks 0, 60, 120 and the end (160)
    assert (again.state_hash(), again.loop.tick) == (recorded_hash, ticks)
    again.close()
