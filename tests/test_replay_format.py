"""Replay files: round trip, and clear errors (with line numbers) for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.engine import replay
from game.engine.input_events import KeyDown, TextInput
from game.engine.replay import (
    Checkpoint,
    InputLine,
    ReplayError,
    ReplayHeader,
    ReplayWriter,
    read_replay,
)


def write_sample(path: Path) -> None:
    writer = ReplayWriter(path, ReplayHeader(seed=3, step=1 / 60, game_version="0.1.0"))
    writer.input(5, [KeyDown(5, 97, 0, False), TextInput(5, "你好 🎉 {name} }}{{")])
    writer.input(9, [KeyDown(9, 112)], paused=True)
    writer.checkpoint(60, {"player": "aa", "score": "bb"})
    writer.checkpoint(120, {"player": "cc", "score": "dd"}, end=True)
    writer.close()


def test_round_trip_keeps_events_ticks_and_checkpoints(tmp_path: Path) -> None:
    path = tmp_path / "run.replay"
    write_sample(path)
    loaded = read_replay(path)
    assert loaded.header.seed == 3
    assert loaded.header.step == 1 / 60
    first, paused, check, end = loaded.lines
    assert first == InputLine(5, (KeyDown(5, 97, 0, False), TextInput(5, "你好 🎉 {name} }}{{")))
    assert paused == InputLine(9, (KeyDown(9, 112),), paused=True)
    assert isinstance(check, Checkpoint) and check.parts == {"player": "aa", "score": "bb"}
    assert loaded.end == end


def test_a_file_cut_after_a_line_is_usable_up_to_that_line(tmp_path: Path) -> None:
    path = tmp_path / "crash.replay"
    writer = ReplayWriter(path, ReplayHeader(seed=1, step=1 / 60, game_version="0.1.0"))
    writer.input(2, [KeyDown(2, 97)])  # flushed at once: no close() needed
    loaded = read_replay(path)
    assert loaded.lines == (InputLine(2, (KeyDown(2, 97),)),)
    assert loaded.end is None
    writer.close()


def corrupt(tmp_path: Path, line_no: int, text: str) -> Path:
    path = tmp_path / "bad.replay"
    write_sample(path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line_no - 1] = text
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line_no", "text", "message"),
    [
        (1, '{"hello": 1}\n', "not a Callback Quest replay"),
        (1, '{"replay": "callback-quest", "format": 99, "seed": 1, "step": 0.1}\n', "newer"),
        (1, '{"replay": "callback-quest", "format": 1, "seed": "x", "step": 0.1}\n', "seed"),
        (2, "{not json\n", "not valid JSON"),
        (2, "[1, 2]\n", "JSON object"),
        (2, '{"tick": -1, "input": [["KeyDown", {"key": 1}]]}\n', "tick"),
        (2, '{"tick": 5, "input": [["Explode", {}]]}\n', "unknown input event 'Explode'"),
        (2, '{"tick": 5, "input": [["KeyDown", {"key": "a"}]]}\n', "KeyDown.key: expected int"),
        (2, '{"tick": 5, "input": [["KeyDown", {"key": 1, "evil": 2}]]}\n', "unknown field"),
        (2, '{"tick": 5, "input": [["KeyDown", {}]]}\n', "missing field 'key'"),
        (2, '{"tick": 5, "input": [["KeyDown", {"key": NaN}]]}\n', "not valid JSON"),
        (3, '{"tick": 1, "input": [["KeyDown", {"key": 1}]]}\n', "goes back"),
        (4, '{"tick": 60}\n', "expected an input or a checkpoint"),
    ],
)
def test_malformed_lines_name_the_line_and_the_problem(
    tmp_path: Path, line_no: int, text: str, message: str
) -> None:
    path = corrupt(tmp_path, line_no, text)
    with pytest.raises(ReplayError, match=message) as info:
        read_replay(path)
    assert info.value.line == line_no
    assert f"bad.replay:{line_no}:" in str(info.value)


def test_truncated_last_line_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "cut.replay"
    write_sample(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:-10], encoding="utf-8")
    with pytest.raises(ReplayError, match="truncated") as info:
        read_replay(path)
    assert info.value.line == 5


def test_data_after_the_end_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "more.replay"
    write_sample(path)
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps({"tick": 130, "input": [["KeyDown", {"key": 1}]]}) + "\n")
    with pytest.raises(ReplayError, match="after the end"):
        read_replay(path)


def test_oversized_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.replay"
    write_sample(path)
    monkeypatch.setattr(replay, "MAX_REPLAY_BYTES", 100)
    with pytest.raises(ReplayError, match="larger than the 100 byte limit"):
        read_replay(path)


def test_missing_empty_and_binary_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="cannot read"):
        read_replay(tmp_path / "nope.replay")
    empty = tmp_path / "empty.replay"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ReplayError, match="empty file"):
        read_replay(empty)
    binary = tmp_path / "bin.replay"
    binary.write_bytes(b"\xff\xfe\x00garbage\n")
    with pytest.raises(ReplayError, match="UTF-8"):
        read_replay(binary)


def test_every_input_event_kind_round_trips(tmp_path: Path) -> None:
    from game.engine import input_events as ie

    events = [
        ie.KeyDown(3, 97, 64, True),
        ie.KeyUp(3, 97),
        ie.TextInput(3, "é👍🏽"),
        ie.TextEditing(3, "ni", 2, 0),
        ie.MouseDown(3, (10, 20), 1),
        ie.MouseUp(3, (10, 20), 1),
        ie.MouseMotion(3, (11, 21), (1, 1), (True, False, False)),
        ie.MouseWheel(3, 0.0, -1.5),
        ie.WindowResized(3, (1280, 720)),
        ie.FocusChanged(3, False),
        ie.QuitRequested(3),
        ie.GamepadAxisMotion(3, 0, "leftx", -0.75),
    ]
    path = tmp_path / "all.replay"
    writer = ReplayWriter(path, ReplayHeader(seed=1, step=1 / 60, game_version="0.1.0"))
    writer.input(3, events)
    writer.close()
    (line,) = read_replay(path).lines
    assert isinstance(line, InputLine)
    assert list(line.events) == events


def test_a_tuple_field_with_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    path = corrupt(
        tmp_path, 2, '{"tick": 5, "input": [["MouseDown", {"pos": [1], "button": 1}]]}\n'
    )
    with pytest.raises(ReplayError, match=r"MouseDown.pos: expected"):
        read_replay(path)
