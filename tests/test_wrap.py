"""Word wrap: Latin at spaces, CJK anywhere, kinsoku, hard breaks, clusters, widths, speed."""

from __future__ import annotations

import itertools

import pygame
import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.text.wrap import CLOSING, OPENING, graphemes, is_wide, wrap
from game.widgets.fonts import load_font


def mono(text: str) -> int:
    """10 px per cluster, 20 px for CJK and emoji: easy to reason about."""
    return sum(20 if is_wide(c) else 10 for c in graphemes(text))


class CountingMeasure:
    def __init__(self) -> None:
        self.calls = 0
        self.chars = 0

    def __call__(self, text: str) -> int:
        self.calls += 1
        self.chars += len(text)
        return mono(text)


def test_latin_breaks_at_spaces_and_drops_them() -> None:
    assert wrap("the quick brown fox jumps", 100, mono) == ["the quick", "brown fox", "jumps"]


def test_several_spaces_between_words_vanish_at_the_break() -> None:
    assert wrap("aaaa     bbbb", 60, mono) == ["aaaa", "bbbb"]


def test_cjk_breaks_between_any_two_characters() -> None:
    assert wrap("一二三四五六七", 60, mono) == ["一二三", "四五六", "七"]


def test_mixed_text_breaks_between_cjk_and_latin() -> None:
    assert wrap("我爱Python和pygame", 100, mono) == ["我爱Python", "和pygame"]


@pytest.mark.parametrize("mark", sorted("，。！？、」』）》…,.!?"))
def test_closing_punctuation_never_starts_a_line(mark: str) -> None:
    # Three characters fit; the fourth is punctuation, so the third moves down with it.
    lines = wrap("一二三" + mark + "四", 60, mono)
    assert lines[0] == "一二"
    assert lines[1].startswith("三" + mark)


def test_opening_punctuation_never_ends_a_line() -> None:
    # 「 fits on the first line, but it moves down with 三; 」 pulls 四 down too.
    assert wrap("一二「三四」", 60, mono) == ["一二", "「三", "四」"]


def test_a_word_wider_than_the_line_is_hard_broken() -> None:
    assert wrap("supercalifragilistic is long", 50, mono) == [
        "super", "calif", "ragil", "istic", "is", "long",
    ]  # fmt: skip


def test_a_hard_break_keeps_punctuation_off_the_next_line() -> None:
    assert wrap("abcde,", 50, mono) == ["abcd", "e,"]
    assert wrap("abcd!!!", 50, mono) == ["abc", "d!!!"]
    assert wrap("abcd(ef", 50, mono) == ["abcd", "(ef"]


def test_newlines_start_lines_and_empty_paragraphs_stay() -> None:
    assert wrap("a\n\nb\r\nc", 100, mono) == ["a", "", "b", "c"]
    assert wrap("", 100, mono) == []


def test_emoji_and_combining_marks_are_never_split() -> None:
    family = "👨\u200d👩\u200d👧"
    text = f"e\u0301e\u0301e\u0301 {family}{family}👍🏽🇨🇳"
    lines = wrap(text, 40, mono)
    kept = [c for line in lines for c in graphemes(line) if c != " "]
    assert kept == [c for c in graphemes(text) if c != " "]
    assert lines == ["e\u0301e\u0301e\u0301", f"{family}{family}", "👍🏽🇨🇳"]


def test_graphemes_cluster_marks_zwj_flags_and_skin_tones() -> None:
    text = "e\u0301👍🏽👨\u200d👩\u200d👧🇨🇳🇯🇵x"
    assert list(graphemes(text)) == ["e\u0301", "👍🏽", "👨\u200d👩\u200d👧", "🇨🇳", "🇯🇵", "x"]


def test_width_must_be_positive() -> None:
    with pytest.raises(ValueError, match="width must be > 0"):
        wrap("a", 0, mono)


@pytest.mark.parametrize(
    "text",
    ["word " * 2000, "汉字测试，" * 2000, "x" * 10_000, ("mixed 中文 text, 好！ " * 600)[:10_000]],
)
def test_ten_thousand_characters_wrap_in_linear_work(text: str) -> None:
    measure = CountingMeasure()
    lines = wrap(text, 300, measure)
    assert all(mono(line) <= 300 for line in lines)
    # Each distinct cluster measured once, each line once: linear, never quadratic.
    assert measure.calls <= len(set(text)) + len(lines) + 1
    assert measure.chars <= 2 * len(text)


texts = st.lists(
    st.sampled_from(
        ["a", "b", "Word", "longerword", " ", " ", "  ", "中", "文", "字", "，", "。", "！",
         "「", "」", ",", ".", "e\u0301", "😀", "👍🏽", "-", "\n"]
    ),
    max_size=60,
).map("".join)  # fmt: skip


def legal_start(clusters: list[str], k: int) -> bool:
    """May a line start at cluster ``k``? (the kinsoku rules)"""
    return not (
        clusters[k].isspace() or clusters[k][0] in CLOSING or clusters[k - 1][-1] in OPENING
    )


@given(texts, st.integers(min_value=20, max_value=200))
def test_no_line_is_wider_than_the_limit_and_nothing_is_lost(text: str, width: int) -> None:
    lines = wrap(text, width, mono)
    for line in lines:
        assert mono(line) <= width
    # Only spaces at breaks (and trailing spaces) are dropped.
    assert "".join(lines).replace(" ", "") == text.replace("\n", "").replace(" ", "")


@given(texts, st.integers(min_value=20, max_value=200))
def test_kinsoku_holds_unless_the_line_offers_no_other_break(text: str, width: int) -> None:
    for paragraph in text.split("\n"):
        lines = wrap(paragraph, width, mono)
        for previous, line in itertools.pairwise(lines):
            joined = list(graphemes(previous)) + list(graphemes(line))[:1]
            if not legal_start(joined, len(joined) - 1):
                # Allowed only when no earlier cluster of the line could have started one.
                assert not any(legal_start(joined, k) for k in range(1, len(joined) - 1))


@given(
    st.lists(
        st.sampled_from([*"abc XYZ你好世界，。！「」😀é", "e\u0301", "👍🏽", "Łu"]), max_size=80
    ).map("".join),
    st.integers(min_value=30, max_value=240),
)
def test_widths_measured_with_the_real_font_never_exceed_the_limit(text: str, width: int) -> None:
    pygame.font.init()
    font = load_font(18)
    for line in wrap(text, width, lambda t: font.size(t)[0]):
        clusters = list(graphemes(line))
        assert font.size(line)[0] <= width or len(clusters) == 1


def test_a_chinese_name_in_an_english_sentence_is_not_broken_mid_name() -> None:
    def measure(text: str) -> int:
        return 10 * len(text)

    text = "Nice to meet you 艾达 and welcome"
    for width in range(100, 330, 10):
        lines = wrap(text, width, measure)
        assert any("艾达" in line for line in lines), (width, lines)
    # Mostly Chinese text still breaks between any two characters.
    assert wrap("你好艾达欢迎你", 40, measure) == ["你好艾达", "欢迎你"]


def test_code_wider_than_the_line_breaks_at_its_punctuation_not_inside_a_name() -> None:
    assert wrap("future.add_done_callback(lambda f: print(f.result()))", 200, mono) == [
        "future.", "add_done_callback", "(lambda f:", "print(f.result()))",
    ]  # fmt: skip


identifiers = st.text("abcxyz_019", min_size=1, max_size=12)


@given(
    st.lists(
        st.tuples(identifiers, st.sampled_from([".", "(", ", ", "=", ")."])), min_size=1, max_size=8
    ),
    st.integers(160, 300),
)
def test_code_is_never_broken_inside_an_identifier_that_fits_a_line(
    parts: list[tuple[str, str]], width: int
) -> None:
    text = "".join(name + mark for name, mark in parts)
    lines = wrap(text, width, mono)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost
    at = 0
    for line in lines[:-1]:
        at = text.index(line, at) + len(line)
        before, after = text[at - 1], text[at] if at < len(text) else ""
        inside = (before.isalnum() or before == "_") and (after.isalnum() or after == "_")
        assert not inside, (
            text,
            lines,
        )  # a name with the marks around it fits: (1 + 12 + 2) * 10 px
