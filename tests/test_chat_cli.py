"""``python -m game --chat``: one line in, ``Name: reply`` out, nothing else on stdout."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.npc.dialogue import parse_dialogue
from game.npc.terminal import run_chat


def chat(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDL_")}
    env.pop("DISPLAY", None)  # no window may be needed
    return subprocess.run(
        [sys.executable, "-m", "game", "--chat", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def test_a_conversation_in_english_and_chinese_end_to_end() -> None:
    lines = "hello\nmy name is Sam\n\n   \nhow many coins are left?\n你好\n什么是回调？\ndance\n"
    result = chat("--fact", "coins_left=5", stdin=lines)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert len(out) == 6  # the empty and blank lines got no reply
    assert all(line.startswith("Ada: ") for line in out)
    assert "Sam" in out[1]
    assert "5" in out[2]
    assert "Sam" in out[3] and any("\u4e00" <= c <= "\u9fff" for c in out[3])
    assert "回调" in out[4]
    assert "Ada would dance" in result.stderr  # actions and logs go to stderr


def test_the_baker_answers_by_key_or_by_name() -> None:
    for npc in ("baker", "Bruno"):
        result = chat(npc, stdin="I want bread\n")
        assert result.returncode == 0
        assert result.stdout.startswith("Bruno: ")


def test_end_of_input_without_a_newline_still_gets_a_reply() -> None:
    result = chat(stdin="bye")
    assert result.returncode == 0 and result.stdout.count("\n") == 1


def test_no_input_no_output() -> None:
    result = chat(stdin="")
    assert result.returncode == 0 and result.stdout == ""


def test_an_unknown_npc_exits_2_naming_those_available() -> None:
    result = chat("nobody", stdin="hi\n")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "no NPC 'nobody'; available: baker, guide" in result.stderr


def test_a_broken_dialogue_file_exits_2_as_in_the_game(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.npc import dialogue

    folder = tmp_path / "dialogue"
    folder.mkdir()
    (folder / "guide.toml").write_text("[npc\n", encoding="utf-8")
    monkeypatch.setattr(dialogue, "asset_path", lambda *parts: tmp_path.joinpath(*parts))
    assert run_chat("guide", stdin=io.StringIO("hi\n"), stdout=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert "guide.toml" in err and "Traceback" not in err


def test_an_unknown_fact_is_a_usage_error() -> None:
    result = chat("--fact", "gold=3", stdin="")
    assert result.returncode == 2 and "--fact" in result.stderr


def test_chat_imports_no_pygame() -> None:
    code = (
        "import io, sys; from game.npc.terminal import run_chat;"
        "sys.exit(run_chat('guide', stdin=io.StringIO('hi\\n'), stdout=io.StringIO())"
        " or ('pygame' in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("line", ["{score}", "}}{{", "{player.__class__.__name__}"])
def test_braces_typed_by_the_player_are_harmless(line: str) -> None:
    out = io.StringIO()
    assert run_chat("guide", stdin=io.StringIO(line + "\n"), stdout=out) == 0
    assert out.getvalue().startswith("Ada: ") and "__" not in out.getvalue()


def test_newlines_inside_a_reply_become_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    import game.npc.terminal as terminal

    source = """
[npc]
name = "Poet"
[fallback]
en = ["roses are red\\nviolets are blue"]
zh = ["床前明月光\\n疑是地上霜"]
[intents.hi]
keywords = ["hi"]
en = ["hi"]
zh = ["嗨"]
"""
    monkeypatch.setattr(terminal, "load_npc", lambda key: parse_dialogue(source))
    out = io.StringIO()
    assert run_chat("poet", stdin=io.StringIO("verse please\n诗\n"), stdout=out) == 0
    assert out.getvalue() == "Poet: roses are red violets are blue\nPoet: 床前明月光 疑是地上霜\n"


def test_stopping_is_logged_on_stderr_like_the_action_itself() -> None:
    result = chat("guide", stdin="dance\nstop dancing\nfollow me\n别跟着我了\n")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 4
    assert "Ada would dance now" in result.stderr
    assert "Ada would stop dancing now" in result.stderr
    assert "Ada would follow now" in result.stderr
    assert "Ada would stop following now" in result.stderr
    assert "stop_" not in result.stdout


def test_the_baker_knows_the_name_he_was_told() -> None:
    result = chat("baker", stdin="Sam here\ndo you remember me?\n我叫什么名字？\n")
    out = result.stdout.splitlines()
    assert all(line.startswith("Bruno: ") for line in out)
    assert "Sam" in out[1] and "Sam" in out[2]


@pytest.mark.parametrize("npc", ["GUIDE", "Guide", "ada", "ADA"])
def test_npc_keys_and_names_are_matched_in_any_case(npc: str) -> None:
    out = io.StringIO()
    assert run_chat(npc, stdin=io.StringIO("hello\n"), stdout=out) == 0
    assert out.getvalue().startswith("Ada: ")


@pytest.mark.parametrize(
    "argv",
    [
        ["--chat", "guide", "--json"],
        ["--chat", "--seconds", "2"],
        ["--chat", "--headless"],
        ["--chat", "--no-render"],
        ["--fact", "score=3"],
        ["--headless", "--fact", "score=3"],
    ],
)
def test_flags_that_do_not_apply_to_the_mode_exit_2_with_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from game.cli import main

    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("callback-quest: --")
