"""Choosing a brain with --brain; none of this needs the optional llm extra."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from game.cli import parse_args
from game.engine.events import EventBus
from game.npc.brain import ChatContext, ReplyCallbacks, ReplyRequest
from game.npc.brain_spec import (
    LLM_INSTALL_HINT,
    BrainSpec,
    BrainSpecError,
    MissingExtraError,
    load_factory,
    make_brain,
    parse_brain_spec,
    require_langchain,
)


class EchoBrain:
    """Stands in for the rule brain, which lives on the NPC's side of the wiring."""

    def ask(self, text: str, context: ChatContext, callbacks: ReplyCallbacks) -> ReplyRequest:
        request = ReplyRequest(callbacks)
        request.end(text)
        return request


@pytest.fixture
def no_langchain(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make every ``import langchain_core...`` fail, as without the llm extra."""
    names = [n for n in sys.modules if n == "langchain_core" or n.startswith("langchain_core.")]
    for name in {"langchain_core", *names}:
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules: ImportError
    monkeypatch.delitem(sys.modules, "game.npc.langchain_brain", raising=False)
    yield


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rule", BrainSpec("rule")),
        ("fake-llm", BrainSpec("fake-llm")),
        (" fake-llm ", BrainSpec("fake-llm")),
        ("my_brains:build", BrainSpec("factory", "my_brains", "build")),
        ("pkg.sub.mod:make_model", BrainSpec("factory", "pkg.sub.mod", "make_model")),
    ],
)
def test_valid_specs_parse(text: str, expected: BrainSpec) -> None:
    assert parse_brain_spec(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "llm", "Rule", "mod:", ":fn", "a:b:c", "1mod:fn", "mod:class", "mod:fn()", "a..b:f"],
)
def test_bad_specs_are_rejected_with_the_spec_named(text: str) -> None:
    with pytest.raises(BrainSpecError, match="unknown brain") as info:
        parse_brain_spec(text)
    assert repr(text) in str(info.value)


def test_cli_brain_defaults_to_rule() -> None:
    assert parse_args([]).brain == "rule"


def test_cli_bad_brain_exits_2_naming_the_argument(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        parse_args(["--brain", "gpt"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--brain" in err
    assert "'gpt'" in err
    assert "module:function" in err


def test_rule_spec_builds_the_given_rule_brain_without_langchain(no_langchain: None) -> None:
    brain = make_brain("rule", EventBus(), rule=EchoBrain)
    assert isinstance(brain, EchoBrain)


def test_missing_extra_says_how_to_install(no_langchain: None) -> None:
    with pytest.raises(MissingExtraError) as info:
        require_langchain()
    assert LLM_INSTALL_HINT in str(info.value)
    assert LLM_INSTALL_HINT == 'pip install "callback-quest[llm]"'


def test_importing_the_langchain_brain_without_the_extra_says_how_to_install(
    no_langchain: None,
) -> None:
    with pytest.raises(MissingExtraError, match=r"callback-quest\[llm\]"):
        import game.npc.langchain_brain  # noqa: F401


@pytest.mark.parametrize("spec", ["fake-llm", "json:dumps"])
def test_llm_brains_without_the_extra_fail_clearly(no_langchain: None, spec: str) -> None:
    with pytest.raises(MissingExtraError, match=r"callback-quest\[llm\]"):
        make_brain(spec, EventBus(), rule=EchoBrain)
    with pytest.raises(MissingExtraError, match=r"callback-quest\[llm\]"):
        load_factory("json:dumps")


@pytest.mark.parametrize("spec", ["fake-llm", "json:dumps"])
def test_cli_llm_brain_without_the_extra_exits_2_with_the_install_command(
    no_langchain: None, spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        parse_args(["--brain", spec])
    assert info.value.code == 2
    assert 'pip install "callback-quest[llm]"' in capsys.readouterr().err


def test_the_game_starts_without_importing_langchain() -> None:
    code = (
        "import sys, game, game.app, game.cli, game.npc, game.npc.brain_spec\n"
        "game.cli.parse_args(['--brain', 'rule'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('langchain')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
