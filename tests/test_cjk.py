"""One table of CJK blocks serves language detection, line breaking and tokens."""

from __future__ import annotations

import itertools
import re

from game.npc.rule_brain import split_tokens
from game.text.cjk import BLOCKS, Kind, char_class, has_cjk, is_cjk, is_cjk_punctuation
from game.text.wrap import is_wide


def old_has_cjk(ch: str) -> bool:
    """The language test as it was written before the table (the oracle)."""
    return (
        "\u3040" <= ch <= "\u30ff"
        or "\u3400" <= ch <= "\u9fff"
        or "\uac00" <= ch <= "\ud7af"
        or "\uf900" <= ch <= "\ufaff"
        or "\U00020000" <= ch <= "\U0002ffff"
    )


def old_is_wide(ch: str) -> bool:
    """The line-break test as it was written before the table (the oracle)."""
    code = ord(ch)
    if code < 0x2E80:
        return 0x2600 <= code <= 0x27BF
    return (
        code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF
        or code >= 0x1F000
    )


def test_the_blocks_are_sorted_and_do_not_overlap() -> None:
    for before, after in itertools.pairwise(BLOCKS):
        assert before.first <= before.last < after.first


def test_every_code_point_answers_as_the_old_language_and_line_break_rules_did() -> None:
    # The whole basic plane, then each edge above it (where the rules change).
    edges = {0x1F000, 0x20000, 0x2FFFF, 0x30000, 0x10FFFF}
    above = {code + d for code in edges for d in (-1, 0, 1) if code + d <= 0x10FFFF}
    for code in [*range(0xD800), *range(0xE000, 0x10000), *sorted(above)]:
        ch = chr(code)
        assert has_cjk(ch) == old_has_cjk(ch), hex(code)
        assert is_wide(ch) == old_is_wide(ch), hex(code)


def test_punctuation_is_what_an_input_method_types_instead_of_ascii() -> None:
    assert all(is_cjk_punctuation(c) for c in "，。？！：；「」（）ＯＫ︰")
    assert not any(is_cjk_punctuation(c) for c in ",.?!你a")
    assert not has_cjk("？？") and is_cjk("？")


def test_the_regex_class_is_every_block_and_tokens_are_one_cjk_character_each() -> None:
    pattern = re.compile(f"[{char_class()}]")
    for block in BLOCKS:
        assert pattern.fullmatch(chr(block.first)) and pattern.fullmatch(chr(block.last))
    assert not pattern.search("hello, world")
    assert split_tokens("hi 你好，world") == ["hi ", "你", "好", "，", "world"]
    assert {b.kind for b in BLOCKS} == set(Kind)
