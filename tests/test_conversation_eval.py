"""The issue-13 conversation set: its data validates, its judge is fair, the brain scores.

The set and its runner are in ``tests/conversation_eval.py``; the format is in
``tests/conversations/README.md``.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.conversation_eval import (
    CATEGORIES,
    DATA,
    NPCS,
    VOCAB_FILE,
    Conversation,
    EvalDataError,
    EvalSet,
    Judge,
    Line,
    Reply,
    Verdict,
    evaluate,
    load_set,
    normalise_action,
    reply_language,
    report,
    run_cli,
    run_in_process,
    score,
    select,
)

THRESHOLD = 0.90


@pytest.fixture(scope="module")
def evalset() -> EvalSet:
    return load_set()


def test_the_set_is_big_enough_and_covers_every_fault_kind_both_npcs_and_languages(
    evalset: EvalSet,
) -> None:
    lines = evalset.lines
    assert len(lines) >= 280
    assert {line.category for line in lines} == set(CATEGORIES)
    by_npc_and_language = Counter(
        (c.npc, line.language.split("-")[0]) for c in evalset.conversations for line in c.lines
    )
    for npc in NPCS:
        for language in ("en", "zh"):
            assert by_npc_and_language[npc, language] >= 40, (npc, language)
    english = sum(line.language == "en" for line in lines) / len(lines)
    assert 0.4 <= english <= 0.6
    assert sum(line.language == "zh-Hant" for line in lines) >= 15


# -- the data format: every error names the file, the conversation and the line ----------

GOOD_LINE = 'say = "hi"\nlanguage = "en"\ncategory = "social"\nmeaning = "hello back"\n'


def _write_set(folder: Path, body: str) -> Path:
    shutil.copy(DATA / VOCAB_FILE, folder / VOCAB_FILE)
    (folder / "bad.toml").write_text(body, encoding="utf-8")
    return folder


def _conversation(second_line: str, header: str = 'npc = "guide"\n') -> str:
    line = "[[conversation.line]]\n"
    return (
        f'[[conversation]]\nid = "talk"\n{header}\n'
        f"{line}{GOOD_LINE}\n{line}{second_line}\n{line}{GOOD_LINE}"
    )


@pytest.mark.parametrize(
    ("second_line", "problem"),
    [
        (
            GOOD_LINE.replace('"social"', '"smalltalk"'),
            "category 'smalltalk' is not one of",
        ),
        (GOOD_LINE.replace('meaning = "hello back"\n', ""), "'meaning' is missing"),
        (GOOD_LINE + 'any = ["(unclosed"]\n', "bad regular expression '(unclosed'"),
        (GOOD_LINE + 'any = ["@nosuchgroup"]\n', "unknown alternatives '@nosuchgroup'"),
        (GOOD_LINE + 'action = "jump"\n', "action 'jump' is not one of"),
        (GOOD_LINE + 'lang = "fr"\n', "lang 'fr' is not one of"),
        (GOOD_LINE + "fallback = 1\n", "'fallback' must be true or false"),
        (GOOD_LINE + 'anny = ["x"]\n', "unknown key 'anny'"),
        (GOOD_LINE.replace('"en"', '"english"'), "language 'english' is not one of"),
    ],
)
def test_a_bad_line_is_named_by_file_conversation_and_number(
    tmp_path: Path, second_line: str, problem: str
) -> None:
    with pytest.raises(EvalDataError) as error:
        load_set(_write_set(tmp_path, _conversation(second_line)))
    message = str(error.value)
    assert message.startswith("bad.toml: conversation 'talk', line 2: "), message
    assert problem in message


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ('npc = "wizard"\n', "npc 'wizard' is not one of"),
        ('npc = "guide"\nfacts = { gold = 3 }\n', "unknown fact 'gold'"),
        ('npc = "guide"\nmood = "happy"\n', "unknown key 'mood'"),
    ],
)
def test_a_bad_conversation_is_named_by_file_and_id(
    tmp_path: Path, header: str, problem: str
) -> None:
    with pytest.raises(EvalDataError, match=f"^bad.toml: conversation 'talk': {problem}"):
        load_set(_write_set(tmp_path, _conversation(GOOD_LINE, header)))


def test_a_conversation_needs_three_to_ten_lines(tmp_path: Path) -> None:
    body = f'[[conversation]]\nid = "short"\nnpc = "guide"\n[[conversation.line]]\n{GOOD_LINE}'
    with pytest.raises(EvalDataError, match="conversation 'short': needs 3 to 10"):
        load_set(_write_set(tmp_path, body))


def test_toml_syntax_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(EvalDataError, match=r"^bad.toml: .*line 1"):
        load_set(_write_set(tmp_path, "[[conversation]\n"))


def test_an_id_used_twice_is_an_error(tmp_path: Path) -> None:
    body = _conversation(GOOD_LINE)
    with pytest.raises(EvalDataError, match="conversation 'talk': the id is used twice"):
        load_set(_write_set(tmp_path, body + "\n" + body))


# -- the judge: a good reply in other words passes, a wrong one fails --------------------


def _line(**checks: object) -> Line:
    fields: dict[str, object] = {
        "say": "x",
        "language": "en",
        "category": "knowledge",
        "meaning": "m",
        "lang": "en",
    }
    fields.update(checks)
    return Line(**fields)  # type: ignore[arg-type]


def _judge(
    evalset: EvalSet, line: Line, text: str, action: str = "none", npc: str = "guide"
) -> Verdict:
    conversation = Conversation(id="c", npc=npc, lines=(line,), names=("小明",))
    return Judge(evalset).judge(line, conversation, Reply(text, action))


def test_the_reply_language_is_the_script_most_of_it_is_in() -> None:
    assert reply_language("你好，Sam！") == "zh"
    assert reply_language("每个 tick，循环调用 after(2.0, on_done) 和 FixedUpdate。") == "zh"
    assert reply_language("Nice to meet you, 小明!", names=["小明"]) == "en"
    assert reply_language("A callback is a function someone else calls later.") == "en"
    snippet = "用计时器就像这样：\nfrom game import Timers\ntimers = Timers(bus)\n"
    snippet += "timers.after(2.0, lambda: print('boom'))  # two seconds of game time later"
    assert reply_language(snippet) == "zh"


@pytest.mark.parametrize(
    "good",
    [
        "A callback is a function you hand over; it gets called when something happens.",
        "You give the engine a handler and it calls it back later.",
        "Think of it as code that someone else runs for you when the time comes.",
    ],
)
def test_callback_definitions_in_other_words_pass(evalset: EvalSet, good: str) -> None:
    assert _judge(evalset, _line(all=("@callback_def",)), good).passed


def test_a_wrong_topic_a_fallback_or_a_wrong_language_fails(evalset: EvalSet) -> None:
    line = _line(all=("@timer",))
    assert _judge(evalset, line, "Timers call you back after a delay of game time.").passed
    assert not _judge(evalset, line, "There are 3 coins left out there.").passed
    fallback = "Hmm, I'm not sure what you mean, Sam. Ask me about timers!"
    assert not _judge(evalset, line, fallback).passed
    assert not _judge(evalset, line, "计时器会在一段游戏时间之后回调你。").passed


def test_the_npcs_own_fallback_replies_are_recognised(evalset: EvalSet) -> None:
    judge = Judge(evalset)
    assert judge.is_fallback("Hmm? The dough's rising, talk slower!", "baker")
    assert judge.is_fallback("这个我可不太懂。输入“帮助”看看我能聊什么。", "guide")
    assert not judge.is_fallback("I'm Ada, the guide of Callback Village.", "guide")


def test_an_honest_dont_know_passes_an_unknown_line(evalset: EvalSet) -> None:
    line = _line(category="unknown", fallback=True, any=("@dontknow",))
    assert _judge(
        evalset, line, "I don't know the weather, but I can tell you about timers."
    ).passed
    assert _judge(evalset, line, "That's beyond my map, I'm afraid.").passed
    assert not _judge(evalset, line, "It will rain at 3 pm.").passed


def test_actions_and_their_absence_are_checked(evalset: EvalSet) -> None:
    stop = _line(action=("stop",))
    assert _judge(evalset, stop, "Alright, I'll stay here.", normalise_action("stop_follow")).passed
    assert not _judge(evalset, stop, "Lead the way!", normalise_action("follow")).passed
    assert not _judge(evalset, _line(), "A dance? Watch this!", "dance").passed
    assert normalise_action(None) == "none"
    assert normalise_action("Stop dancing") == "stop"


def test_none_and_any_catch_a_wrong_name(evalset: EvalSet) -> None:
    line = _line(language="zh", lang="zh", any=("小明",), none=("什么名字",))
    assert _judge(evalset, line, "你叫小明呀，我记得。").passed
    assert not _judge(evalset, line, "很高兴认识你，什么名字！").passed


# -- the runner ---------------------------------------------------------------------------


def test_the_in_process_run_and_the_chat_command_agree(evalset: EvalSet) -> None:
    # One English and one Chinese conversation with facts and actions, through both paths.
    chosen = [
        c
        for c in evalset.conversations
        if c.id in ("guide-en-evening-one-coin", "baker-zh-actions")
    ]
    assert len(chosen) == 2
    for conversation in chosen:
        assert run_cli(conversation) == run_in_process(conversation)


def test_one_file_of_the_set_can_be_scored_alone(evalset: EvalSet, tmp_path: Path) -> None:
    name = "heldout2_blind.toml"
    chosen = select(evalset, file=f"tests/conversations/{name}")
    shutil.copy(DATA / VOCAB_FILE, tmp_path / VOCAB_FILE)
    shutil.copy(DATA / name, tmp_path / name)
    assert chosen.conversations == load_set(tmp_path).conversations
    assert {c.id for c in select(evalset, file=name, only="baker").conversations} == {
        c.id for c in chosen.conversations if c.npc == "baker"
    }
    with pytest.raises(EvalDataError, match=r"no conversation file 'nope\.toml'; there are "):
        select(evalset, file="nope.toml")


def test_the_report_gives_overall_category_and_language_scores(evalset: EvalSet) -> None:
    subset = EvalSet(evalset.conversations[:3], evalset.vocab, evalset.fallback_markers)
    text = report(evaluate(subset), show=True)
    assert "overall" in text and "by category:" in text and "by language" in text


def test_the_npc_brain_answers_at_least_90_percent_of_the_set(evalset: EvalSet) -> None:
    verdicts = evaluate(evalset)
    assert score(verdicts) >= THRESHOLD, report(verdicts, show=True)
