"""Replay files from anywhere: every bad one is one line naming the file and line, and exit 2.

The kinds of fault of issue 21: files that are not files or have no end
(a folder, /dev/zero, a pipe), nesting deeper than a parser can recurse,
numbers beyond what a recording can hold (a tick a billion steps away),
integrity checks that can be emptied or fooled (no checkpoint, a duplicated
checkpoint, booleans spelled as strings), and writer/reader disagreements
(NaN, lone surrogates).
"""

from __future__ import annotations

import json
import math
import os
import threading
from pathlib import Path

import pytest

from game.cli import main
from game.engine import replay as replay_module
from game.engine.input_events import KeyDown, MouseWheel, TextInput
from game.engine.replay import (
    InputLine,
    ReplayError,
    ReplayHeader,
    ReplayWriter,
    read_replay,
)
from game.playback import PlaybackResult, load_replay

HEADER = {
    "replay": "callback-quest",
    "format": 1,
    "game_version": "0.1.0",
    "seed": 1,
    "step": 1 / 60,
    "options": {"brain": "rule"},
}
PARTS = {"player": "0123456789abcdef"}


def write_lines(path: Path, *lines: object) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in [HEADER, *lines]), encoding="utf-8")
    return path


def check(tick: int, **extra: object) -> dict[str, object]:
    return {"tick": tick, "check": "0123456789abcdef", "parts": PARTS, **extra}


def refused_by_cli(path: Path | str, capsys: pytest.CaptureFixture[str]) -> str:
    """``--replay path`` exits 2 with one line on stderr, nothing on stdout; the line."""
    assert main(["--replay", str(path), "--no-render"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"callback-quest: {path}")
    return lines[0]


# -- files that are not plain files -----------------------------------------------------


def test_a_folder_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "is a folder" in refused_by_cli(tmp_path, capsys)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_read_with_a_cap(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(replay_module, "MAX_REPLAY_BYTES", 4096)
    assert "larger than the 4096 byte limit" in refused_by_cli("/dev/zero", capsys)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_that_never_ends_is_read_with_a_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replay_module, "MAX_REPLAY_BYTES", 10_000)
    fifo = tmp_path / "pipe.replay"
    os.mkfifo(fifo)

    def feed() -> None:
        line = (json.dumps(HEADER) + "\n").encode()
        try:
            with open(fifo, "wb") as out:
                for _ in range(100_000):  # ~13 MB if nobody stopped reading
                    out.write(line)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with pytest.raises(ReplayError, match="larger than the 10000 byte limit"):
        read_replay(fifo)
    writer.join(timeout=10)
    assert not writer.is_alive()


def test_a_missing_file_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "cannot read" in refused_by_cli(tmp_path / "nope.replay", capsys)


# -- nesting and numbers ----------------------------------------------------------------


def test_deep_nesting_is_refused_before_parsing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.replay"
    deep = '{"tick": 0, "input": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    path.write_text(json.dumps(HEADER) + "\n" + deep, encoding="utf-8")
    line = refused_by_cli(path, capsys)
    assert ":2: nested deeper than" in line


def test_a_tick_a_billion_steps_away_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_lines(
        tmp_path / "far.replay",
        check(0),
        {"tick": 1_000_000_000, "input": [["KeyDown", {"key": 97}]]},
    )
    line = refused_by_cli(path, capsys)
    assert ":3: tick 1000000000 is more than 60 ticks after the last checkpoint" in line


def test_ticks_may_run_as_far_as_the_header_declares_between_checkpoints(tmp_path: Path) -> None:
    header = {**HEADER, "every": 120}
    path = tmp_path / "every.replay"
    lines = [header, check(0), {"tick": 120, "input": [["KeyDown", {"key": 97}]]}]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert read_replay(path).header.every == 120


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("key", 10**30, "out of range"),
        ("key", -(2**40), "out of range"),
        ("mod", 1.5, "expected int"),
    ],
)
def test_event_numbers_beyond_what_sdl_sends_are_refused(
    tmp_path: Path, field: str, value: object, message: str
) -> None:
    fields = {"key": 97, "mod": 0, field: value}
    path = write_lines(tmp_path / "n.replay", {"tick": 0, "input": [["KeyDown", fields]]})
    with pytest.raises(ReplayError, match=message):
        read_replay(path)


# -- integrity ------------------------------------------------------------------------


def test_a_replay_without_checkpoints_is_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_lines(tmp_path / "none.replay", {"tick": 3, "input": [["KeyDown", {"key": 97}]]})
    assert "no checkpoints" in refused_by_cli(path, capsys)
    assert not PlaybackResult().ok  # nothing compared proves nothing


def test_a_duplicated_checkpoint_is_refused(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "dup.replay", check(0), check(60), check(60))
    with pytest.raises(ReplayError, match=r"second checkpoint for tick 60 .*line 3") as info:
        read_replay(path)
    assert info.value.line == 4


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"tick": 0, "paused": "false", "input": [["KeyDown", {"key": 97}]]}, "paused must be"),
        ({"tick": 0, "paused": 1, "input": [["KeyDown", {"key": 97}]]}, "paused must be"),
        ({**check(0), "end": "no"}, "end must be true or false"),
        ({**check(0), "end": 0}, "end must be true or false"),
        ({**check(0), "extra": 1}, "unknown key 'extra'"),
        ({"tick": 0, "check": "x", "parts": {}}, "non-empty object parts"),
        ({"tick": True, "input": [["KeyDown", {"key": 97}]]}, "tick must be"),
    ],
)
def test_values_are_type_checked_never_coerced(
    tmp_path: Path, line: dict[str, object], message: str
) -> None:
    path = write_lines(tmp_path / "strict.replay", line)
    with pytest.raises(ReplayError, match=message) as info:
        read_replay(path)
    assert info.value.line == 2


@pytest.mark.parametrize(
    ("key", "value"),
    [("every", 0), ("every", True), ("every", 10**9), ("game_version", 1), ("step", 1e308)],
)
def test_header_values_are_type_checked_and_bounded(
    tmp_path: Path, key: str, value: object
) -> None:
    path = tmp_path / "header.replay"
    path.write_text(json.dumps({**HEADER, key: value}) + "\n", encoding="utf-8")
    with pytest.raises(ReplayError, match=key) as info:
        load_replay(path)
    assert info.value.line == 1


# -- the writer writes only what the reader reads ---------------------------------------


def test_a_nan_wheel_is_refused_at_record_time_not_at_replay(tmp_path: Path) -> None:
    writer = ReplayWriter(
        tmp_path / "nan.replay", ReplayHeader(seed=1, step=1 / 60, game_version="x")
    )
    with pytest.raises(ValueError):
        writer.input(0, [MouseWheel(0, math.nan, 1.0)])
    writer.checkpoint(0, PARTS)
    writer.close()
    assert len(read_replay(tmp_path / "nan.replay").lines) == 1  # what was written reads back


def test_a_lone_surrogate_in_typed_text_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "surrogate.replay"
    writer = ReplayWriter(path, ReplayHeader(seed=1, step=1 / 60, game_version="x"))
    events = [TextInput(0, "a\ud800b\udfff"), KeyDown(0, 97)]
    writer.input(0, events)
    writer.close()
    path.read_bytes().decode("utf-8")  # the file itself is valid UTF-8
    assert read_replay(path).lines == (InputLine(0, tuple(events)),)
