"""SIGINT and SIGTERM end every mode cleanly (130, 143, no traceback); a closed stdout is quiet.

A few of these run the game in a subprocess, since a signal's exit status and
what reaches stderr are only seen from outside.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.app import App
from game.engine.input_events import QuitRequested
from game.interrupt import Interrupted, poll_signals, signals_stop_the_run

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def start(*args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "game", *args],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_a_headless_run_which_says_so_in_its_summary(
    signum: signal.Signals, status: int, tmp_path: Path
) -> None:
    record = tmp_path / "run.replay"
    game = start(
        "--headless", "--seconds", "100000", "--no-render", "--json", "--record", str(record)
    )
    deadline = time.monotonic() + 60
    # The first checkpoint is written as the first step starts: the loop is running.
    while not (record.exists() and record.read_text(encoding="utf-8").count("\n") >= 2):
        assert time.monotonic() < deadline and game.poll() is None
        time.sleep(0.01)
    game.send_signal(signum)
    out, err = game.communicate(timeout=60)
    assert game.returncode == status
    summary = json.loads(out)
    assert summary["interrupted"] is True
    assert 0 <= summary["ticks"] < 6_000_000  # stopped long before the end
    assert summary["wall_time"] > 0
    assert "Traceback" not in err
    assert f"stopped by {signum.name}" in err


def test_ctrl_c_in_the_terminal_chat_exits_130_without_a_traceback() -> None:
    chat = start("--chat", stdin=subprocess.PIPE)
    assert chat.stdin is not None and chat.stdout is not None
    chat.stdin.write("hello\n")
    chat.stdin.flush()
    assert chat.stdout.readline().startswith("Ada: ")  # now it waits for the next line
    chat.send_signal(signal.SIGINT)
    _, err = chat.communicate(timeout=30)
    assert chat.returncode == 130
    assert "Traceback" not in err


def test_a_closed_stdout_is_a_quiet_exit() -> None:
    game = start("--headless", "--seconds", "1", "--no-render", "--json")
    assert game.stdout is not None
    game.stdout.close()  # the reader went away (`| true`)
    game.wait(timeout=60)
    assert game.stderr is not None
    err = game.stderr.read()
    game.stderr.close()
    assert game.returncode == 0
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_the_window_loop_ends_on_a_signal_at_the_next_frame() -> None:
    app = App(headless=True, seed=1)
    app.timers.after(0.05, lambda: signal.raise_signal(signal.SIGINT))
    app.timers.after(2.0, app.bus.post, QuitRequested(0))  # ends the test if the signal is lost
    try:
        with pytest.raises(Interrupted) as info, signals_stop_the_run(), poll_signals():
            app.run()  # the real-time loop: the frame finishes, the next one stops
        assert app.loop.time < 1.0
    finally:
        app.close()
    assert info.value.status == 130
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_outside_the_game_loop_a_signal_raises_at_once() -> None:
    with pytest.raises(Interrupted) as info, signals_stop_the_run():
        signal.raise_signal(signal.SIGTERM)
        pytest.fail("not reached")
    assert info.value.status == 143


def test_a_brain_module_is_imported_only_once_the_arguments_are_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("langchain_core")
    from game.cli import main

    marker = tmp_path / "ran"
    (tmp_path / "sneaky_brain.py").write_text(
        f"open({str(marker)!r}, 'w').close()\ndef build(): pass\n", encoding="utf-8"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        with pytest.raises(SystemExit) as info:
            main(["--brain", "sneaky_brain:build", "--record", "x.replay"])
        assert info.value.code == 2
        assert not marker.exists()
        with pytest.raises(SystemExit):
            main(["--brain", "sneaky_brain:build", "--no-such-flag"])
        assert not marker.exists()
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("sneaky_brain", None)
    capsys.readouterr()
