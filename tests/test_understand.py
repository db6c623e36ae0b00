"""Understanding a line before answering it: normalising, clauses, speech acts, names, typos."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.npc.brain import ChatContext, Unheard
from game.npc.dialogue import Dialogue, fill, load_npc
from game.npc.rule_brain import RuleBrain, time_of_day
from game.npc.understand import (
    detect_language,
    extract_name,
    has_cjk,
    has_words,
    normalise,
    understand,
)


@pytest.fixture(scope="module")
def guide() -> Dialogue:
    return load_npc("guide")


@pytest.fixture(scope="module")
def baker() -> Dialogue:
    return load_npc("baker")


def talk(
    dialogue: Dialogue, lines: list[str], facts: dict[str, object] | None = None
) -> list[tuple[str, str, str | None]]:
    """``(intent, answer kind, action)`` and the reply for each line, one conversation."""
    brain = RuleBrain(dialogue, random.Random(0), tokens="whole")
    context = ChatContext(dialogue.name, facts=facts or {"clock": "10:00", "coins_left": 2})
    said = []
    for line in lines:
        request = brain.ask(line, context, Unheard())
        said.append(
            (f"{brain.last_answer[0]}/{brain.last_answer[1]}", request.text, request.action)
        )
    return said


# -- normalising -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("ＷＨＡＴ'S a Timer？", "what is a timer?"),
        ("你們好，什麼是回調？", "你们好,什么是回调?"),
        ("請跟著我", "请跟着我"),  # tw2s: the 著 of 跟著 is 着
        ("ur name pls", "your name please"),
        ("I'm   here", "i am here"),
        ("don't", "do not"),
        ("有啥吃的", "有什么吃的"),
    ],
)
def test_normalise_folds_width_script_case_contractions_and_shorthand(
    raw: str, normal: str
) -> None:
    assert normalise(raw) == normal


@pytest.mark.parametrize(
    ("text", "language"),
    [("hello", "en"), ("你好", "zh"), ("什么是callback", "zh"), ("？？", "zh"), ("ＯＫ", "zh")],
)
def test_the_language_is_chinese_for_cjk_or_full_width_input(text: str, language: str) -> None:
    assert detect_language(text) == language


# -- clauses and speech acts -------------------------------------------------------------------


def test_an_acknowledgement_run_into_a_question_is_a_clause_of_its_own(
    guide: Dialogue,
) -> None:
    assert [c.text for c in understand("fine what is an event")[1]] == ["fine", "what is an event"]
    assert talk(guide, ["ok how do timers work"])[0][0] == "timers/how"
    assert [c.text for c in understand("ok then")[1]] == ["ok then"]


def test_a_compound_line_splits_into_clauses_with_their_acts() -> None:
    _, clauses = understand("你好，什么是回调？")
    assert [(c.text, c.act) for c in clauses] == [("你好", "statement"), ("什么是回调", "question")]
    _, clauses = understand("I'm Priya and I'm new")
    assert [c.text for c in clauses] == ["i am priya", "i am new"]


@pytest.mark.parametrize(
    ("line", "act"),
    [
        ("stop dancing", "negated"),
        ("ok that's enough dancing", "negated"),
        ("don't follow me", "negated"),
        ("不要跟着我了", "negated"),
        ("I don't want you to follow me", "negated"),
        ("我不想让你跟着我", "negated"),
        ("why not dance", "question"),  # a suggestion, not a refusal
        ("别跟着我了", "negated"),
        ("dance!", "request"),
        ("follow me", "request"),
        ("what is a timer", "question"),
        ("我叫什么名字？", "question"),
        ("我叫小明", "statement"),
        ("nah stay here", "negated"),
        ("no, stop", "negated"),
    ],
)
def test_speech_acts(line: str, act: str) -> None:
    assert understand(line)[1][-1].act == act


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("can you give an example?", "example"),
        ("举个例子", "example"),
        ("why?", "why"),
        ("为什么", "why"),
        ("how come?", "why"),
        ("tell me more", "more"),
        ("再说一遍", "again"),
        ("again?", "again"),
        ("show me the code", "code"),
        ("给我看看代码", "code"),
        ("没懂", "again"),
        ("啊？", "again"),
        ("i dont get it", "again"),
        ("i cant find it", "more"),
        ("找不到啊", "more"),
    ],
)
def test_a_bare_follow_up_is_recognised_with_its_kind(line: str, kind: str) -> None:
    clause = understand(line)[1][-1]
    assert clause.followup and clause.kind == kind


def test_a_follow_up_that_names_a_topic_is_not_bare() -> None:
    clause = understand("give me an example of a timer")[1][0]
    assert clause.kind == "example" and not clause.followup


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("my name is sam", "Sam"),
        ("I'm Priya", "Priya"),
        ("Sam here", "Sam"),
        ("call me Zoë", "Zoë"),
        ("My name is Mary Jane", "Mary Jane"),
        ("actually my name is Tom", "Tom"),
        ("其实我叫小明", "小明"),
        ("This is Ravi speaking", "Ravi"),
        ("我叫小明", "小明"),
        ("我是小红！", "小红"),
        ("叫我阿强吧", "阿强"),
        ("我的名字叫做李华", "李华"),
        ("大家都叫我小张", "小张"),
        ("我叫張三", "张三"),
        ("names kai", "Kai"),
        ("不对 我叫小雨", "小雨"),
    ],
)
def test_a_name_is_taken_from_an_introduction(line: str, name: str) -> None:
    assert [c.name for c in understand(line)[1] if c.name] == [name]


@pytest.mark.parametrize(
    "line",
    [
        "我叫什么名字？",
        "我的名字是什么？",
        "我叫啥？",
        "我是中国人",
        "我是学生",
        "我不叫小明",
        "I'm cool",
        "I'm home",
        "I am twenty",
        "my name's what?",
        "My name is not important",
        "I'm not Sam, by the way",
        "I am going home",
        "this is fun",
        "I'm a student",
    ],
)
def test_no_name_from_a_question_negation_adjective_or_noun_phrase(line: str) -> None:
    assert all(c.name is None for c in understand(line)[1])


def test_only_statements_name_anyone() -> None:
    assert extract_name("my name is Sam", "question") is None
    assert extract_name("my name is Sam", "statement") == "Sam"


def test_asking_for_the_name_back_says_it_or_that_it_was_never_told(
    guide: Dialogue, baker: Dialogue
) -> None:
    said = talk(guide, ["我的名字是什么？", "我叫小明", "我叫什么名字？", "what's my name?"])
    assert "小明" not in said[0][1] and said[0][0] == "my_name/unknown"
    assert [s[0] for s in said[1:]] == ["tell_name/what", "my_name/what", "my_name/what"]
    assert "小明" in said[2][1] and "小明" in said[3][1] and "什么" not in said[3][1]
    said = talk(baker, ["Sam here", "do you remember me?"])
    assert "Sam" in said[1][1]


# -- typos -------------------------------------------------------------------------------------


def test_misspelt_words_are_corrected_to_the_examples_vocabulary(guide: Dialogue) -> None:
    assert guide.index.correct("waht is a calback") == "what is a callback"
    assert guide.index.correct("hw do colisions wrk") == "hw do collisions work"
    assert guide.index.correct("give me code") == "give me code"  # real words stay


def test_a_short_word_is_corrected_only_for_a_swap_or_a_dropped_letter(guide: Dialogue) -> None:
    assert guide.index.correct("how do i mvoe") == "how do i move"  # swapped
    assert guide.index.correct("the evnt bus") == "the event bus"  # one left out
    # One letter changed is as likely a word the dictionary lacks: wifi is not wife.
    assert guide.index.correct("the wifi password") == "the wifi password"


def test_a_line_without_words_is_answered_in_the_language_of_the_last(baker: Dialogue) -> None:
    said = talk(baker, ["早啊", "88", "hello", "?"])
    assert said[1][0].startswith("farewell/") and has_cjk(said[1][1])
    assert not has_cjk(said[3][1])
    assert [has_words(t) for t in ("88", "?", "👍", "ok", "好", "？？")] == [
        False, False, False, True, True, True,
    ]  # fmt: skip


def test_a_question_addressed_with_a_title_is_read_without_it(baker: Dialogue) -> None:
    assert talk(baker, ["老闆 麵包怎麼賣"])[0][0] == "prices/what"
    assert talk(baker, ["老板"])[0][0] == "greeting/what"  # the title alone still greets


def test_chinese_homophone_typos_are_corrected_by_sound(guide: Dialogue) -> None:
    assert guide.index.correct("回掉是什么") == "回调是什么"
    assert guide.index.correct("时间总线") == "时间总线"  # known pairs are never touched


# -- choosing and answering --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "intent"),
    [
        ("how does the event loop work?", "event_loop"),
        ("金币有什么用", "coins_about"),
        ("还剩几个金币", "coins"),
        ("what's a trigger?", "trigger"),
        ("你們好，什麼是回調？", "callback"),
        ("waht is a calback", "callback"),
        ("tell me about dragons", "fallback"),
        ("量子力学是什么", "fallback"),
    ],
)
def test_the_meaning_wins_over_a_shared_keyword(guide: Dialogue, line: str, intent: str) -> None:
    assert guide.match(line).intent_name == intent


def test_a_long_line_answers_its_question_at_the_end(guide: Dialogue) -> None:
    line = "I walked around the village and picked up coins. " * 30 + "Anyway, what is a timer?"
    assert len(line) > 1000
    assert guide.match(line).intent_name == "timers"


def test_a_comparison_answers_both_topics(guide: Dialogue) -> None:
    match = guide.match("what's the difference between the loop and the bus?")
    assert (match.intent_name, match.also and match.also.name) == ("loop", "event_bus")
    ((_, reply, _),) = talk(guide, ["事件循环和事件总线有什么区别？"])
    assert "事件循环" in reply and "事件总线" in reply


def test_follow_ups_answer_about_the_last_topic_by_kind(guide: Dialogue) -> None:
    said = talk(guide, ["what is a callback?", "example?", "why?", "show me code", "again?",
                        "tell me more"])  # fmt: skip
    kinds = [s[0] for s in said]
    assert kinds[:5] == ["callback/what", "callback/example", "callback/why", "callback/code",
                         "callback/code"]  # fmt: skip
    assert kinds[5] == "callback/how"  # "more": the first kind not given yet
    assert "`" in said[3][1]


def test_a_follow_up_with_nothing_said_yet_falls_back_or_shows_the_default_topic(
    guide: Dialogue,
) -> None:
    assert talk(guide, ["why?"])[0][0] == "fallback/what"
    assert talk(guide, ["show me some code"])[0][0] == "callback/code"


def test_variety_never_changes_the_answer(guide: Dialogue) -> None:
    said = talk(guide, ["how do collisions work?", "what's a trigger?", "what's a trigger?"])
    assert [s[0] for s in said] == ["collisions/how", "trigger/what", "trigger/what"]
    assert all("walk through" in s[1] for s in said[1:])


def test_negated_requests_stop_what_was_asked(guide: Dialogue) -> None:
    said = talk(guide, ["dance!", "stop dancing", "follow me", "别跟着我了", "dance", "stop"])
    assert [s[2] for s in said] == ["dance", "stop_dance", "follow", "stop_follow", "dance",
                                    "stop_dance"]  # fmt: skip


def test_the_baker_sells_bread_with_prices_and_borrows_adas_topics(baker: Dialogue) -> None:
    said = talk(baker, ["你卖什么？", "how much is bread?", "what is async/await?"])
    assert "面包" in said[0][1]
    assert any(ch.isdigit() for ch in said[1][1])
    assert "await" in said[2][1] and "Ada" in said[2][1]


# -- live facts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clock", "en", "zh"),
    [
        ("08:00", "Good morning", "早上好"),
        ("12:00", "Good afternoon", "下午好"),
        ("20:12", "Good evening", "晚上好"),
        ("Day 2 23:30", "Good evening", "晚上好"),
        ("03:00", "Good evening", "晚上好"),
        ("?", "Hello", "你好"),
    ],
)
def test_the_greeting_follows_the_clock(clock: str, en: str, zh: str) -> None:
    assert time_of_day(clock, "en")[0] == en
    assert time_of_day(clock, "zh")[0] == zh


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, "no coins"), (1, "1 coin"), (2, "2 coins"), ("7", "7 coins"), ("?", "? coins")],
)
def test_numbers_choose_one_or_many(value: object, shown: str) -> None:
    assert fill("{n:no coins|# coin|# coins}", {"n": value}) == shown


def test_live_answers_say_one_coin_not_one_coins(guide: Dialogue) -> None:
    said = talk(guide, ["how many coins are left?", "what's my score?", "hello"],
                {"coins_left": 1, "score": 1, "clock": "20:12"})  # fmt: skip
    assert "1 coin" in said[0][1] and "1 coins" not in said[0][1]
    assert "1 point" in said[1][1] and "1 points" not in said[1][1]
    assert "Good evening" in said[2][1]


# -- properties --------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_line_is_understood_without_error_and_the_same_way_twice(text: str) -> None:
    assert understand(text) == understand(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=5))
def test_the_same_seed_and_lines_give_the_same_conversation(lines: list[str]) -> None:
    dialogue = load_npc("guide")
    assert talk(dialogue, lines) == talk(dialogue, lines)


def test_taiwan_words_become_the_mainland_words_of_the_examples() -> None:
    assert normalise("給我看程式碼") == "给我看代码"
    assert normalise("這個軟體的物件") == "这个软件的对象"
