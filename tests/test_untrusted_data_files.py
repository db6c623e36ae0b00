"""Bindings and dialogue files: bounded reading, type checks, and what makes the game unplayable.

Every bad file is one :class:`DataError` naming the file and the key (or
line), and through the command line one line on stderr and exit 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import game.app
from game.assets import GAME_ACTIONS, GAME_AXES, asset_path
from game.cli import main
from game.engine.datafile import MAX_DEPTH, DataFileError, check_depth, read_text
from game.engine.platform.bindings import BindingsError, load_bindings, parse_bindings
from game.npc import dialogue as dialogue_module
from game.npc.dialogue import DialogueError, load_dialogue, parse_dialogue
from game.npc.safe_regex import UnsafePattern, compile_bounded

BINDINGS = asset_path("bindings.toml").read_text(encoding="utf-8")


def load_game_bindings(path: Path) -> object:
    """As the game loads its bindings: every action and axis it reacts to required."""
    return load_bindings(path, required_actions=GAME_ACTIONS, required_axes=GAME_AXES)


GUIDE = asset_path("dialogue", "guide.toml").read_text(encoding="utf-8")


def with_pattern(pattern: str) -> str:
    """The guide's dialogue with ``pattern`` added to its greeting intent."""
    header = "[intents.greeting]\n"
    assert header in GUIDE
    return GUIDE.replace(header, f"{header}patterns = ['''{pattern}''']\n", 1)


def write(tmp_path: Path, text: str, name: str = "bindings.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the shared reader ------------------------------------------------------------------


def test_nesting_is_measured_before_parsing_for_brackets_and_dotted_keys() -> None:
    for text in (
        "a = " + "[" * 100_000 + "]" * 100_000,
        "a = " + "{b = " * 100_000 + "1" + "}" * 100_000,
        "a" + ".a" * 100_000 + " = 1",
        "[" + "a." * 100_000 + "a]",
    ):
        with pytest.raises(DataFileError, match=f"deeper than {MAX_DEPTH}"):
            check_depth("f.toml", text)


def test_brackets_and_dots_inside_strings_comments_and_numbers_are_not_nesting() -> None:
    text = (
        'a = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["\n'
        "b = '....................................................'\n"
        "# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
        'c = """\n{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\n"""\n'
        "d = [" + ", ".join(["1.5"] * 100) + "]\n"
    )
    check_depth("f.toml", text)


def test_a_folder_and_an_oversized_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="is a folder"):
        read_text(tmp_path, limit=100)
    big = write(tmp_path, "x" * 101)
    with pytest.raises(DataFileError, match="larger than the 100 byte limit"):
        read_text(big, limit=100)


# -- bindings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # Without [axes] every tick logged a handler error and the player could not move.
        (lambda t: t.split("[axes]")[0], "[axes] has no axis 'move_x'"),
        (lambda t: t.replace("move_y = {", "walk_y = {"), "[axes] has no axis 'move_y'"),
        (lambda t: t.replace('\nchat = ["return"', '\ntalk = ["return"'), "no action 'chat'"),
        (lambda t: t.replace('pause = ["p", ', "pause = ["), None),
        (lambda t: t.replace('\npause = ["p", "pad:start"]', ""), "no action 'pause'"),
        (
            lambda t: t.replace('confirm = ["space"', 'confirm = ["return", "space"'),
            "actions.confirm: 'return' is already bound to 'chat'",
        ),
        (
            lambda t: t.replace('debug = ["f3"', 'debug = ["f3", "P"'),
            "actions.debug: 'p' is already bound to 'pause'",
        ),
        (lambda t: t.replace("deadzone = 0.2 }", "deadzone = nan }", 1), "deadzone"),
        (lambda t: t.replace("deadzone = 0.2 }", "deadzone = true }", 1), "deadzone"),
        (lambda t: t + "x = " + "[" * 50_000 + "]" * 50_000, "nested deeper"),
    ],
)
def test_bindings_that_would_make_the_game_unplayable_are_refused(
    tmp_path: Path, edit: object, message: str | None
) -> None:
    assert callable(edit)
    path = write(tmp_path, edit(BINDINGS))
    if message is None:  # the neighbour that stays fine: one input fewer
        load_game_bindings(path)
        return
    with pytest.raises(BindingsError) as error:
        load_game_bindings(path)
    assert str(error.value).startswith(str(path))
    assert message in str(error.value)


def test_a_library_user_chooses_which_actions_are_required() -> None:
    bindings = parse_bindings({"jump": ["space"]})
    assert list(bindings.actions) == ["jump"]
    with pytest.raises(BindingsError, match="no action 'fire'"):
        parse_bindings({"jump": ["space"]}, required_actions=["jump", "fire"])


def test_broken_bindings_end_the_game_with_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = write(tmp_path, BINDINGS.split("[axes]")[0])
    monkeypatch.setattr(game.app, "BINDINGS", broken)
    assert main(["--headless", "--seconds", "0.1", "--no-render"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bindings.toml" in err[0] and "move_x" in err[0]


# -- dialogue -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("^(a+)+$", "unsafe regular expression"),
        ("(a|aa)*b", "unsafe regular expression"),
        ("(x*)*y", "unsafe regular expression"),
        ("(.*a){20}", "unsafe regular expression"),
        ("a{4294967296}", "bad regular expression"),
        ("a{500}", "repeat count of 500"),
        ("(unclosed", "bad regular expression"),
        ("a" * 2000, "longer than 1000"),
        # Polynomial, not exponential: refused by measuring it on growing probe lines.
        (".*.*.*x", "would take"),
        (r"\w+\w+\w+!", "matching"),
        (".*" * 10 + "x", "would take"),
    ],
)
def test_a_pattern_that_could_hang_or_crash_the_matcher_is_refused_at_load(
    pattern: str, message: str
) -> None:
    text = with_pattern(pattern)
    with pytest.raises(DialogueError, match="intent 'greeting'") as error:
        parse_dialogue(text, source="guide.toml")
    assert message in str(error.value)


def test_the_patterns_that_stay_allowed_are_the_bounded_shapes() -> None:
    for pattern in (r"(ab|cd)*", r"x{0,19}", r"(?:(?:hi|hello)\W+)?name", r"\bhow\b.*\bleft\b"):
        compile_bounded(pattern)
    with pytest.raises(UnsafePattern):
        compile_bounded(r"(a)\1*")


def test_the_bundled_dialogue_files_pass_the_bounds() -> None:
    for path in dialogue_module.dialogue_files().values():
        load_dialogue(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = " + "[" * 100_000 + "]" * 100_000, "line 1: nested deeper"),
        ("a" + ".a" * 100_000 + " = 1", "line 1: nested deeper"),
        ("[npc\n", "TOML syntax error"),
    ],
)
def test_dialogue_files_are_bounded_before_parsing(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text, "deep.toml")
    with pytest.raises(DialogueError, match=message) as error:
        load_dialogue(path)
    assert str(error.value).startswith(str(path))


def test_a_broken_dialogue_file_ends_chat_with_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "dialogue"
    folder.mkdir()
    write(folder, with_pattern("^(a+)+$"), "guide.toml")
    monkeypatch.setattr(dialogue_module, "asset_path", lambda *parts: tmp_path.joinpath(*parts))
    assert main(["--chat", "guide"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "guide.toml" in err[0] and "unsafe regular expression" in err[0]


# -- quests and saved records ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["x = " + "[" * 100_000 + "]" * 100_000, "a" + ".a" * 100_000 + " = 1", "[quest\n"],
)
def test_a_quest_file_is_bounded_like_every_data_file(tmp_path: Path, text: str) -> None:
    from game.quests.model import QuestDataError, load_quest_line

    path = write(tmp_path, text, "quests.toml")
    with pytest.raises(QuestDataError) as error:
        load_quest_line(path)
    assert str(error.value).startswith(str(path))


@pytest.mark.parametrize("content", ["[" * 10_000 + "]" * 10_000, "{" * 20_000])
def test_saved_records_nested_too_deep_are_a_warning_not_a_crash(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    from game.records import Records

    path = write(tmp_path, content, "records.json")
    records = Records.load(path)
    assert records.best_time is None and "nested deeper" in caplog.text
