"""Grapheme clusters: the caret's legal places, checked against the regex module's \\X."""

from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

from game.text.graphemes import (
    boundaries,
    clip,
    next_boundary,
    previous_boundary,
    snap,
    word_end,
    word_start,
)

# Characters from every rule the segmenter implements (and none it skips).
ALPHABET = [
    "a", "Z", " ", ".", "!", "你", "好", "あ", "カ", "\uff9e",  # halfwidth voicing mark
    "\u0301", "\u0308", "\u093f", "\u0915",  # combining, spacing mark, Devanagari
    "\u200d", "\u200c", "\ufe0f",  # ZWJ, ZWNJ, VS16
    "\U0001f44d", "\U0001f468", "\U0001f469", "\U0001f4bb", "\u2764", "\U0001f3fd",
    "\U0001f1e8", "\U0001f1f3",  # regional indicators
    "\U0001f3f4", "\U000e0067", "\U000e007f",  # tag sequence pieces
    "\u1100", "\u1161", "\u11a8", "\uac00", "\uac01",  # Hangul jamo and syllables
    "\r", "\n", "\t",
]  # fmt: skip

texts = st.lists(st.sampled_from(ALPHABET), max_size=12).map("".join)


def reference(text: str) -> list[int]:
    return [0, *(m.end() for m in regex.finditer(r"\X", text))]


@given(texts)
def test_boundaries_match_extended_grapheme_clusters(text: str) -> None:
    assert list(boundaries(text)) == reference(text)


def test_examples_that_are_one_cluster_each() -> None:
    for cluster in (
        "e\u0301",  # e + combining acute
        "\U0001f44d\U0001f3fd",  # thumbs up, skin tone
        "\U0001f469\u200d\U0001f4bb",  # woman technologist (ZWJ)
        "\u2764\ufe0f",  # heart + VS16
        "\U0001f1e8\U0001f1f3",  # flag: CN
        "\u1100\u1161\u11a8",  # 각 from jamo
        "\r\n",
        "\ud83d\ude00",  # a surrogate pair (from surrogatepass decoding)
    ):
        assert boundaries(cluster) == (0, len(cluster)), ascii(cluster)


def test_flags_pair_up() -> None:
    flags = "\U0001f1e8\U0001f1f3\U0001f1ef\U0001f1f5\U0001f1e8"  # CN JP and a lone C
    assert boundaries(flags) == (0, 2, 4, 5)


@given(texts, st.integers(-3, 15))
def test_moves_land_on_boundaries_and_progress(text: str, index: int) -> None:
    marks = boundaries(text)
    at = snap(text, index)
    assert at in marks
    assert next_boundary(text, at) in marks
    assert previous_boundary(text, at) in marks
    if at < len(text):
        assert next_boundary(text, at) > at
    if at > 0:
        assert previous_boundary(text, at) < at
    assert word_start(text, at) in marks and word_start(text, at) <= at
    assert word_end(text, at) in marks and word_end(text, at) >= at


def test_words() -> None:
    text = "hello, world  你好"
    assert word_start(text, len(text)) == text.index("你")
    assert word_start(text, text.index("你")) == text.index("world")
    assert word_start(text, text.index(",") + 1) == text.index(",")
    assert word_end(text, 0) == 5
    assert word_end(text, 5) == 6


@given(texts, st.integers(0, 14))
def test_clip_never_cuts_a_cluster(text: str, limit: int) -> None:
    cut = clip(text, limit)
    assert len(cut) <= limit
    assert text.startswith(cut)
    assert len(cut) in boundaries(text)
