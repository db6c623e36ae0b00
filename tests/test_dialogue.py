"""Dialogue files: intents in English and Chinese, name memory, live numbers, validation."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from game.npc.brain import ChatContext
from game.npc.dialogue import (
    Dialogue,
    DialogueError,
    dialogue_files,
    load_dialogue,
    load_npc,
    parse_dialogue,
)
from game.npc.rule_brain import RuleBrain

FACTS = {"score": 42, "coins_left": 7, "coins_total": 12, "clock": "01:05"}


class Collect:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def on_start(self) -> None:
        self.calls.append(("start", ""))

    def on_token(self, token: str) -> None:
        self.calls.append(("token", token))

    def on_end(self, text: str) -> None:
        self.calls.append(("end", text))

    def on_error(self, message: str) -> None:
        self.calls.append(("error", message))

    @property
    def reply(self) -> str:
        kind, text = self.calls[-1]
        assert kind == "end"
        return text


@pytest.fixture(scope="module")
def guide() -> Dialogue:
    return load_npc("guide")


@pytest.fixture(scope="module")
def baker() -> Dialogue:
    return load_npc("baker")


def ask(brain: RuleBrain, text: str, facts: dict[str, object] | None = None) -> str:
    callbacks = Collect()
    brain.ask(text, ChatContext("Ada", facts=FACTS if facts is None else facts), callbacks)
    return callbacks.reply


GUIDE_CASES = [
    # English
    ("hello", "greeting"),
    ("Hey there!", "greeting"),
    ("good morning, Ada", "greeting"),
    ("bye!", "farewell"),
    ("see you later", "farewell"),
    ("thanks a lot", "thanks"),
    ("Thank you!", "thanks"),
    ("who are you?", "ask_name"),
    ("What's your name?", "ask_name"),
    ("my name is Sam", "tell_name"),
    ("I'm Sam", "tell_name"),
    ("call me Sam", "tell_name"),
    ("Hi, I am Sam.", "tell_name"),
    ("help", "help"),
    ("what is a callback?", "callback"),
    ("How does this game use callbacks?", "game_callbacks"),
    ("explain the event bus", "event_bus"),
    ("how do I subscribe to an event", "event_bus"),
    ("how do timers work?", "timers"),
    ("what about collisions", "collisions"),
    ("what's a fixed timestep?", "loop"),
    ("why a game loop", "loop"),
    ("how many coins are left?", "coins"),
    ("what's my score?", "score"),
    ("what time is it?", "time"),
    ("dance!", "dance"),
    ("can you dance for me", "dance"),
    ("follow me", "follow"),
    ("come with me", "follow"),
    ("asdf qwerty", "fallback"),
    # word-aware: these contain a keyword inside a longer word only
    ("this is shiny", "fallback"),
    ("I'm fine", "player_fine"),
    # full-width letters and curly apostrophes are normalised first
    ("ＨＥＬＬＯ", "greeting"),
    ("I’m Sam", "tell_name"),
    # Chinese
    ("你好", "greeting"),
    ("您好呀", "greeting"),
    ("再见", "farewell"),
    ("拜拜啦", "farewell"),
    ("谢谢你", "thanks"),
    ("你是谁？", "ask_name"),
    ("你叫什么名字", "ask_name"),
    ("我叫小明", "tell_name"),
    ("我是小明", "tell_name"),
    ("叫我小明", "tell_name"),
    ("你好，我叫小明。", "tell_name"),
    ("帮助", "help"),
    ("什么是回调？", "callback"),
    ("这个游戏怎么使用回调？", "game_callbacks"),
    ("事件总线是什么", "event_bus"),
    ("计时器怎么用", "timers"),
    ("碰撞是怎么检测的", "collisions"),
    ("什么是固定步长", "loop"),
    ("还剩几个金币？", "coins"),
    ("我的分数是多少", "score"),
    ("现在几点了？", "time"),
    ("跳个舞吧", "dance"),
    ("跟我来", "follow"),
    ("跟着我", "follow"),
    ("我是谁", "my_name"),
    ("天气不错", "weather"),
    ("量子力学", "fallback"),
]


@pytest.mark.parametrize(("text", "intent"), GUIDE_CASES)
def test_guide_recognises_intent(guide: Dialogue, text: str, intent: str) -> None:
    assert guide.match(text).intent_name == intent


BAKER_CASES = [
    ("hello", "greeting"),
    ("I want some bread", "buy"),
    ("我想买面包", "buy"),
    ("你卖什么？", "menu"),
    ("how much is bread?", "prices"),
    ("what is a callback", "callback"),
    ("计时器是什么", "timers"),
    ("how many coins are left", "coins"),
    ("dance", "dance"),
    ("my name is Lee", "tell_name"),
    ("help", "help"),
    ("asdf qwerty", "fallback"),
]


@pytest.mark.parametrize(("text", "intent"), BAKER_CASES)
def test_baker_has_his_own_intents(baker: Dialogue, text: str, intent: str) -> None:
    assert baker.match(text).intent_name == intent


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hello", "en"),
        ("你好", "zh"),
        ("hello 你好", "zh"),
        ("???", "en"),
        ("。。。", "zh"),
        ("？？", "zh"),
        ("ＯＫ", "zh"),
    ],
)
def test_reply_language_follows_cjk_in_the_input(guide: Dialogue, text: str, language: str) -> None:
    assert guide.match(text).language == language


def test_fallback_answers_in_the_language_of_the_input(guide: Dialogue) -> None:
    brain = RuleBrain(guide, random.Random(0))
    assert ask(brain, "blorp") in [r.replace("{player}", "traveller") for r in guide.fallback["en"]]
    assert ask(brain, "呜呜呜") in [r.replace("{player}", "旅行者") for r in guide.fallback["zh"]]


def test_a_question_nothing_answers_gets_an_honest_dont_know_not_the_fallback(
    guide: Dialogue,
) -> None:
    brain = RuleBrain(guide, random.Random(0))
    unknown_en = [r.replace("{player}", "traveller") for r in guide.unknown["en"]]
    assert ask(brain, "what is the capital of france?") in unknown_en
    assert ask(brain, "whats 17 times 23") in unknown_en
    unknown_zh = [r.replace("{player}", "旅行者") for r in guide.unknown["zh"]]
    assert ask(brain, "美国总统是谁") in unknown_zh
    # A line that is no question still gets the fallback (what the NPC can talk about).
    assert ask(brain, "blorp") in [r.replace("{player}", "traveller") for r in guide.fallback["en"]]


def test_without_unknown_replies_an_unanswerable_question_gets_the_fallback() -> None:
    dialogue = parse_dialogue(VALID, source="t.toml")
    assert dialogue.unknown == {}
    assert ask(RuleBrain(dialogue, random.Random(0)), "what is the capital of france?") == "what?"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("my name is sam", "Sam"),
        ("I'm Sam!", "Sam"),
        ("call me Zoë", "Zoë"),
        ("我叫小明", "小明"),
        ("我是小红！", "小红"),
        ("叫我阿强吧", "阿强"),
        ("my name is 小明", "小明"),
    ],
)
def test_the_told_name_is_remembered_and_used_later(guide: Dialogue, line: str, name: str) -> None:
    brain = RuleBrain(guide, random.Random(3))
    before = ask(brain, "hello")
    assert "traveller" in before
    ask(brain, line)
    assert brain.player_name == name
    assert name in ask(brain, "hello")
    assert name in ask(brain, "你好")


def test_a_later_name_replaces_the_first(guide: Dialogue) -> None:
    brain = RuleBrain(guide, random.Random(3))
    ask(brain, "my name is Sam")
    ask(brain, "我叫小明")
    assert brain.player_name == "小明"


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("how many coins are left?", "7"),
        ("还剩几个金币？", "7"),
        ("what's my score?", "42"),
        ("我的分数是多少？", "42"),
        ("what time is it?", "01:05"),
        ("现在几点？", "01:05"),
    ],
)
def test_live_questions_answer_with_the_numbers_of_the_context(
    guide: Dialogue, question: str, number: str
) -> None:
    for seed in range(4):  # whichever reply is chosen
        assert number in ask(RuleBrain(guide, random.Random(seed)), question)


def test_live_numbers_change_with_the_facts(guide: Dialogue) -> None:
    brain = RuleBrain(guide, random.Random(0))
    assert "3" in ask(brain, "what's my score", {"score": 3})
    assert "99" in ask(brain, "what's my score", {"score": 99})
    assert "?" in ask(brain, "what's my score", {})  # a missing fact shows, it never raises


@pytest.mark.parametrize("text", ["{score}", "}}{{", "{", "{player.__class__}", "my name is {x}"])
def test_braces_in_player_text_are_never_a_template(guide: Dialogue, text: str) -> None:
    brain = RuleBrain(guide, random.Random(0))
    reply = ask(brain, text)
    assert "__class__" not in reply and "{x}" not in reply


def test_a_name_with_braces_is_shown_literally(guide: Dialogue) -> None:
    brain = RuleBrain(guide, random.Random(0))
    brain.player_name = "{score}"
    assert "{score}" in ask(brain, "hello")


def test_every_bundled_file_loads_with_both_languages_everywhere() -> None:
    files = dialogue_files()
    assert {"guide", "baker"} <= set(files)
    for path in files.values():
        dialogue = load_dialogue(path)
        for intent in dialogue.intents:
            assert intent.replies["en"] and intent.replies["zh"], intent.name
        assert dialogue.names["zh"] != dialogue.names["en"]


def test_npcs_load_by_key_or_name_and_unknown_names_list_the_others() -> None:
    assert load_npc("Ada").key == "guide"
    assert load_npc("布鲁诺").key == "baker"
    with pytest.raises(KeyError, match="available: baker, guide"):
        load_npc("nobody")


# -- malformed files -------------------------------------------------------------------------

VALID = """
[npc]
name = "Test"

[fallback]
en = ["what?"]
zh = ["什么？"]

[intents.hello]
keywords = ["hello", "你好"]
en = ["Hi {player}"]
zh = ["你好 {player}"]
"""


def test_a_valid_minimal_file_parses() -> None:
    dialogue = parse_dialogue(VALID, source="t.toml")
    assert dialogue.match("HELLO").intent_name == "hello"


@pytest.mark.parametrize(
    ("edit", "where", "problem"),
    [
        (('en = ["Hi {player}"]', ""), "intent 'hello'", "missing replies: 'en'"),
        (('zh = ["你好 {player}"]', "zh = []"), "intent 'hello'", "missing replies: 'zh'"),
        (('keywords = ["hello", "你好"]', 'patterns = ["(unclosed"]'), "intent 'hello'",
         "bad regular expression '(unclosed': missing ), unterminated subpattern"),
        (("{player}", "{gold}"), "intent 'hello'", "unknown placeholder {gold}"),
        (("{player}", "{player!r}"), "intent 'hello'", "takes no format"),
        (("Hi {player}", "Hi {player"), "intent 'hello'", "bad braces"),
        (('en = ["Hi {player}"]', 'en = "Hi"\nreplys = ["x"]'), "intent 'hello'",
         "unknown key 'replys'"),
        (('keywords = ["hello", "你好"]', "keywords = 3"), "intent 'hello'",
         "'keywords' must be a list of non-empty strings"),
        (('keywords = ["hello", "你好"]', 'keywords = ["hi"]\naction = "fly"'), "intent 'hello'",
         "unknown action 'fly'"),
        (('keywords = ["hello", "你好"]', 'keywords = ["hi"]\npriority = "high"'),
         "intent 'hello'", "'priority' must be an integer"),
        (('keywords = ["hello", "你好"]', ""), "intent 'hello'",
         "needs 'examples', 'keywords' or 'patterns'"),
        (('keywords = ["hello", "你好"]', 'examples = ["hello", "hi"]'), "intent 'hello'",
         "'examples' needs at least one zh phrasing"),
        (('keywords = ["hello", "你好"]', 'keywords = ["hi"]\naction = "dance"'),
         "intent 'hello'", "needs [stop] replies"),
        (('keywords = ["hello", "你好"]', 'keywords = ["hi"]\nneeds = "player"'),
         "intent 'hello'", "needs [unknown] replies"),
        (('keywords = ["hello", "你好"]', 'keywords = ["hi"]\nneeds = "gold"'),
         "intent 'hello'", "unknown 'needs' 'gold'"),
        (('keywords = ["hello", "你好"]', 'keywords = ["hi"]\nneeds = "step:bread"'),
         "intent 'hello'", "or 'step:QUEST/STEP'"),
        (('keywords = ["hello", "你好"]', 'keywords = ["hi"]\nneeds = "step:bread/ask"'),
         "intent 'hello'", "needs [unknown] replies"),
        (("{player}", "{player:one|many}"), "intent 'hello'", "takes no format"),
        (("{player}", "{score:a|b|c|d}"), "intent 'hello'", "zero|one|many"),
        (('zh = ["你好 {player}"]', 'zh = ["你好"]\n[intents.hello.why]\nen = ["x"]'),
         "intent 'hello', [why]", "missing replies: 'zh'"),
        (('zh = ["你好 {player}"]', 'zh = ["你好"]\n[intents.hello.wen]\nen = ["x"]'),
         "intent 'hello'", "unknown key 'wen'"),
        (('name = "Test"', 'name = "Test"\nborrow = "guide"'), "[npc]", "needs a [borrowed] table"),
        (('name = "Test"', 'name = "Test"\nborrow = "guide"\n[borrowed]\nen = ["a"]\nzh = ["b"]'),
         "[borrowed]", "must use {answer}"),
        (('name = "Test"', ""), "[npc]", "missing 'name'"),
        (('name = "Test"', 'name = "Test"\npitch = -3'), "[npc]", "'pitch' must be hertz"),
        (('name = "Test"', 'name = "Test"\ntitles = [3]'), "[npc]",
         "'titles' must be a list of non-empty strings"),
        (('[fallback]\nen = ["what?"]', '[fallback]\nen = []'), "[fallback]", "missing replies"),
        (('[fallback]', '[unknown]\nen = ["no idea"]\n[fallback]'), "[unknown]",
         "missing replies: 'zh'"),
    ],
)  # fmt: skip
def test_malformed_files_name_the_file_the_intent_and_the_problem(
    edit: tuple[str, str], where: str, problem: str
) -> None:
    old, new = edit
    assert old in VALID
    with pytest.raises(DialogueError) as info:
        parse_dialogue(VALID.replace(old, new, 1), source="t.toml")
    message = str(info.value)
    assert message.startswith(f"t.toml: {where}: ")
    assert problem in message


def test_toml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(VALID.replace("[intents.hello]", "[intents.hello"), encoding="utf-8")
    with pytest.raises(
        DialogueError, match=re.escape(str(path)) + r": TOML syntax error: .*line 9"
    ):
        load_dialogue(path)


def test_missing_tables_are_named() -> None:
    with pytest.raises(DialogueError, match=r"t.toml: missing \[intents\] table"):
        parse_dialogue(VALID.split("[intents.hello]")[0], source="t.toml")
    with pytest.raises(DialogueError, match=r"t.toml: missing \[npc\] table"):
        parse_dialogue('[fallback]\nen=["a"]\nzh=["b"]', source="t.toml")


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(DialogueError, match=r"bad\.toml: line 1: not UTF-8 text"):
        load_dialogue(path)


@pytest.mark.parametrize(
    ("npc", "text", "intent"),
    [
        ("baker", "跳支舞吧面包师", "dance"),  # 面包师 is who is asked, not 面包
        ("baker", "面包师，跳个舞", "dance"),
        ("baker", "dance for me, baker", "dance"),
        ("guide", "follow me guide", "follow"),
        ("baker", "where is the baker", "where_bruno"),  # a question about him keeps him
    ],
)
def test_a_request_addressed_with_a_title_is_read_without_it(
    npc: str, text: str, intent: str
) -> None:
    assert load_npc(npc).match(text).intent_name == intent


def test_asking_for_the_name_again_is_not_a_follow_up(guide: Dialogue) -> None:
    match = guide.match("whats my name again")
    assert (match.intent_name, match.followup) == ("my_name", None)


@pytest.mark.parametrize(
    "text", ["can you recommend a good movie?", "what's 17 times 23?", "比特币现在多少钱"]
)
def test_one_known_word_in_a_line_about_something_else_is_not_its_intent(
    guide: Dialogue, text: str
) -> None:
    # "good" is the ack intent's example, "times" the clock's, 现在…多少 the score's.
    assert guide.match(text).intent_name not in {"ack", "time", "score"}


WELCOME = '\n[welcome_back]\nen = ["Back! {quest}"]\nzh = ["回来了！{quest}"]\n'
FREE = '[welcome_back.free]\nen = ["Back!"]\nzh = ["回来了！"]\n'


def test_a_welcome_back_table_parses_with_its_free_play_lines() -> None:
    dialogue = parse_dialogue(VALID + WELCOME + FREE, source="t.toml")
    assert dialogue.welcome_back["en"] == ("Back! {quest}",)
    assert dialogue.welcome_back_free["zh"] == ("回来了！",)
    assert not parse_dialogue(VALID, source="t.toml").welcome_back  # optional


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        (WELCOME.replace("Back! {quest}", "Back!") + FREE, "[welcome_back]", "must use {quest}"),
        (WELCOME, "[welcome_back]", "missing [free] table"),
        (WELCOME + FREE.replace("Back!", "Back! {quests}"), "[welcome_back.free]",
         "unknown placeholder {quests}"),
    ],
)  # fmt: skip
def test_a_bad_welcome_back_table_is_named(text: str, where: str, problem: str) -> None:
    with pytest.raises(DialogueError) as info:
        parse_dialogue(VALID + text, source="t.toml")
    assert str(info.value).startswith(f"t.toml: {where}: ") and problem in str(info.value)
