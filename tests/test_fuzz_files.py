"""Random truncations and mutations of every kind of file the game reads.

A recorded replay, the bindings, each dialogue file and the font, cut and
corrupted by hypothesis: the game always ends in exit 0, 2 or 3 (a data file:
a loaded file or one ``DataError``), within bounded time, never a traceback.
Run in-process so the suite stays fast; test_signals_and_pipes.py covers
what only a subprocess shows.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.assets import GAME_ACTIONS, GAME_AXES, asset_path
from game.cli import main
from game.engine.errors import DataError
from game.engine.platform.bindings import load_bindings
from game.npc.brain import ChatContext, Unheard
from game.npc.dialogue import dialogue_files, load_dialogue
from game.npc.rule_brain import RuleBrain
from game.npc.terminal import CHAT_FACTS
from game.widgets import fonts

# Fragments that break parsers in interesting ways: nesting, quotes, numbers
# beyond range, non-finite values, booleans as strings, control characters.
NASTY = [
    "[" * 200, "{" * 200, '"', "'''", "\\", "\x00", "\ud800", "NaN", "Infinity", "1e999",
    "-1", "99999999999999999999", "true", '"no"', '"false"', "null", "[]", "{}", "\n", "=",
    "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i",
    "^(a+)+$", "a{4294967296}", "\u202e", "你好",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` cut, with lines dropped, duplicated or swapped, and nasty fragments put in."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "duplicate", "swap", "insert", "replace"]))
        if action == "drop":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            piece = draw(st.sampled_from(NASTY) | st.text(max_size=8))
            cut = at if action == "insert" else min(len(line), at + draw(st.integers(1, 12)))
            lines[i] = line[:at] + piece + line[cut:]
    result = "".join(lines)
    if draw(st.booleans()):
        result = result[: draw(st.integers(0, len(result)))]
    return result


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


# -- replays -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("fuzz") / "short.replay"
    argv = ["--headless", "--seconds", "3", "--seed", "2", "--no-render", "--record", str(path)]
    assert main(argv) == 0
    return path.read_text(encoding="utf-8")


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_replay_ends_in_0_2_or_3_with_at_most_one_line_of_error(
    recorded: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    data: st.DataObject,
) -> None:
    path = write(tmp_path / "fuzzed.replay", data.draw(mutated(recorded)))
    status = main(["--replay", str(path), "--no-render"])
    err = capsys.readouterr().err
    assert status in (0, 2, 3)
    assert "Traceback" not in err
    if status == 2:
        errors = [line for line in err.splitlines() if line.startswith("callback-quest:")]
        assert len(errors) == 1 and str(path) in errors[0]


# -- bindings and dialogue -------------------------------------------------------------


BINDINGS = asset_path("bindings.toml").read_text(encoding="utf-8")
DIALOGUES = {key: path.read_text(encoding="utf-8") for key, path in dialogue_files().items()}


@given(data=st.data())
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_bindings_load_or_raise_one_data_error(tmp_path: Path, data: st.DataObject) -> None:
    path = write(tmp_path / "bindings.toml", data.draw(mutated(BINDINGS)))
    try:
        load_bindings(path, required_actions=GAME_ACTIONS, required_axes=GAME_AXES)
    except DataError as exc:
        assert str(exc).startswith(str(path))


@pytest.mark.parametrize("key", sorted(DIALOGUES))
@given(data=st.data())
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_dialogue_loads_and_answers_or_raises_one_data_error(
    tmp_path: Path, key: str, data: st.DataObject
) -> None:
    path = write(tmp_path / f"{key}.toml", data.draw(mutated(DIALOGUES[key])))
    try:
        dialogue = load_dialogue(path)
    except DataError as exc:
        assert str(exc).startswith(str(path))
        return
    brain = RuleBrain(dialogue, random.Random(0), tokens="whole")
    context = ChatContext(npc_name=dialogue.name, facts=dict(CHAT_FACTS))
    for line in ("hello", "a" * 40 + "!", "我叫小明", "what is a callback?", "why?"):
        heard = Heard()
        brain.ask(line, context, heard)
        assert heard.ended


class Heard(Unheard):
    """Reply callbacks that note that an answer (or an error message) came."""

    ended = False

    def on_end(self, text: str) -> None:
        self.ended = True

    def on_error(self, message: str) -> None:
        self.ended = True


# -- the font ----------------------------------------------------------------------------


FONT = fonts.FONT_PATH.read_bytes()


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.integers(0, len(FONT)),
    flips=st.lists(st.tuples(st.integers(0, len(FONT) - 1), st.integers(1, 255)), max_size=4),
)
def test_a_cut_or_corrupted_font_loads_or_falls_back_and_renders(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cut: int,
    flips: list[tuple[int, int]],
) -> None:
    data = bytearray(FONT)
    for at, mask in flips:
        data[at] ^= mask
    path = tmp_path / "font.otf"
    path.write_bytes(bytes(data[:cut]) if cut < len(FONT) // 2 else bytes(data))
    monkeypatch.setattr(fonts, "FONT_PATH", path)
    fonts.close_fonts()
    try:
        font = fonts.load_font(16)
        assert font.render("Hi 你好 □", True, (0, 0, 0)).get_height() > 0
    finally:
        fonts.close_fonts()
