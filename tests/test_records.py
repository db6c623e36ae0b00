"""Best time and score: a corrupt, missing or unwritable file is a warning, never a crash."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from game.cli import main
from game.records import DATA_DIR_VARIABLE, Records, records_path


def test_the_folder_comes_from_the_variable_else_platformdirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    assert records_path() == tmp_path / "records.json"
    monkeypatch.delenv(DATA_DIR_VARIABLE)
    assert records_path().name == "records.json"
    assert "callback-quest" in str(records_path())


def test_a_missing_file_starts_empty_and_a_run_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "records.json"
    records = Records.load(path)
    assert (records.best_time, records.best_score) == (None, None)
    assert records.offer(300.0, 120) == (True, True)
    assert json.loads(path.read_text()) == {"best_time": 300.0, "best_score": 120}
    assert records.offer(400.0, 200) == (False, True)
    assert records.offer(250.0, 10) == (True, False)
    again = Records.load(path)
    assert (again.best_time, again.best_score) == (250.0, 200)
    assert "4:10" in again.describe() and "200" in again.describe()


@pytest.mark.parametrize(
    "content",
    ["{not json", "[1, 2]", '{"best_time": "fast"}', '{"best_score": 1.5}', "\udcff"],
)
def test_a_corrupt_file_is_a_warning_and_an_empty_start(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "records.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    with caplog.at_level(logging.WARNING):
        records = Records.load(path)
    assert (records.best_time, records.best_score) == (None, None)
    assert str(path) in caplog.text
    assert records.offer(100.0, 5) == (True, True)  # and it is overwritten with good data
    assert Records.load(path).best_score == 5


def test_an_unwritable_place_is_a_warning_and_the_records_stay_for_the_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("")
    records = Records.load(blocker / "records.json")  # its folder is a file: cannot be made
    with caplog.at_level(logging.WARNING):
        assert records.offer(90.0, 40) == (True, True)
    assert "cannot save" in caplog.text
    assert (records.best_time, records.best_score) == (90.0, 40)


def test_a_read_only_file_is_read_and_a_failed_save_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "records.json"
    path.write_text('{"best_time": 500.0, "best_score": 50}')
    path.chmod(0o444)
    records = Records.load(path)
    assert (records.best_time, records.best_score) == (500.0, 50)

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    # As root a 0o444 file is still writable: make the replacement fail as it would for a user.
    monkeypatch.setattr(os, "replace", refuse)
    with caplog.at_level(logging.WARNING):
        assert records.offer(400.0, 60) == (True, True)
    assert "cannot save" in caplog.text
    assert json.loads(path.read_text())["best_score"] == 50


def test_an_unreadable_file_is_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "records.json"
    path.mkdir()  # reading a folder fails with an OSError, for root too
    with caplog.at_level(logging.WARNING):
        records = Records.load(path)
    assert records.best_time is None and "cannot read" in caplog.text


def test_new_forgets_the_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    Records.load(records_path()).offer(100.0, 10)
    assert records_path().exists()
    assert main(["--headless", "--seconds", "0", "--no-render", "--new"]) == 0
    assert not records_path().exists()


def test_a_headless_run_without_the_variable_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATA_DIR_VARIABLE, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["--headless", "--seconds", "0", "--no-render", "--new"]) == 0
    assert not (tmp_path / "data").exists()
