"""The CJK blocks of Unicode: one table for every rule that asks "is this Chinese,
Japanese or Korean?" (the reply language, line breaking, streaming tokens, the
input method's punctuation).

Source: the Unicode block list (Blocks.txt, Unicode 15.1); blocks that sit
next to each other are merged where they are treated alike.
"""

from __future__ import annotations

from bisect import bisect_right
from enum import Enum
from typing import NamedTuple

__all__ = ["BLOCKS", "Block", "Kind", "char_class", "has_cjk", "is_cjk", "is_cjk_punctuation"]


class Kind(Enum):
    """What a block holds."""

    LETTER = "letter"  # ideographs, kana, hangul: text in a CJK language
    SYMBOL = "symbol"  # radicals, bopomofo, compatibility jamo, enclosed forms
    PUNCTUATION = "punctuation"  # what a CJK input method types instead of ASCII


class Block(NamedTuple):
    """Code points ``first`` to ``last``, both included."""

    first: int
    last: int
    kind: Kind
    name: str


BLOCKS: tuple[Block, ...] = (
    Block(0x2E80, 0x2FFF, Kind.SYMBOL, "radicals, Kangxi radicals, description characters"),
    Block(0x3000, 0x303F, Kind.PUNCTUATION, "CJK symbols and punctuation"),
    Block(0x3040, 0x30FF, Kind.LETTER, "hiragana, katakana"),
    Block(0x3100, 0x33FF, Kind.SYMBOL, "bopomofo, compatibility jamo, kanbun, enclosed"),
    Block(0x3400, 0x9FFF, Kind.LETTER, "ideographs: extension A, hexagrams, unified"),
    Block(0xAC00, 0xD7AF, Kind.LETTER, "hangul syllables"),
    Block(0xF900, 0xFAFF, Kind.LETTER, "compatibility ideographs"),
    Block(0xFE30, 0xFE4F, Kind.PUNCTUATION, "compatibility forms (vertical punctuation)"),
    Block(0xFF00, 0xFFEF, Kind.PUNCTUATION, "half-width and full-width forms"),
    Block(0x20000, 0x2FFFF, Kind.LETTER, "ideographs: supplementary plane"),
)

_FIRSTS = [block.first for block in BLOCKS]


def _block(ch: str) -> Block | None:
    code = ord(ch)
    i = bisect_right(_FIRSTS, code) - 1
    if i >= 0 and code <= BLOCKS[i].last:
        return BLOCKS[i]
    return None


def is_cjk(ch: str) -> bool:
    """Whether the character ``ch`` is in any CJK block."""
    return _block(ch) is not None


def is_cjk_punctuation(ch: str) -> bool:
    """Whether ``ch`` is CJK or full-width punctuation ("？", "ＯＫ", "。")."""
    block = _block(ch)
    return block is not None and block.kind is Kind.PUNCTUATION


def has_cjk(text: str) -> bool:
    """Whether ``text`` has a Chinese, Japanese or Korean letter (to pick the reply language)."""
    return any(block is not None and block.kind is Kind.LETTER for block in map(_block, text))


def char_class() -> str:
    """The CJK blocks as the inside of a regular-expression ``[...]`` class."""
    return "".join(f"\\U{b.first:08x}-\\U{b.last:08x}" for b in BLOCKS)
