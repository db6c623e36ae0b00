"""Which intent a clause means: similarity to example phrasings, typo-tolerant, for both
English and Chinese (no pygame, no randomness).

Every text (an example phrasing, or the player's clause, both normalised by
:func:`game.npc.understand.normalise`) becomes a set of features:

* English words, stemmed with the Snowball English stemmer ("dancing" → "danc"),
  after a misspelt word is corrected to the nearest word of the dialogue's vocabulary
  (optimal-string-alignment distance 1, or 2 for words of 7+ letters, via RapidFuzz:
  "waht" → "what", "calback" → "callback");
* Chinese characters and character bigrams, since Chinese is written without spaces
  (the usual n-gram approach to Chinese retrieval: Nie, Gao et al., "On the use of words
  and n-grams for Chinese information retrieval", IRAL 2000), after a character pair that
  only sounds like one of the examples' (toneless pinyin, pypinyin) is corrected to it.

Each feature weighs its inverse document frequency over the intents (an intent's
examples and keywords are its document), so "what is" says little and "callback"
much. A clause's score for an example blends their cosine similarity with how much
of the example the clause covers (that part discounted by the share of the clause no
example knows); an intent scores its best example. A keyword of
the intent found in the clause adds :data:`KEYWORD_BONUS` (and makes the score at
least :data:`KEYWORD_SCORE`); a pattern that matches makes the score 1. Scores lie
in [0, 1].
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from english_words import get_english_words_set
from pypinyin import lazy_pinyin
from rapidfuzz import process
from rapidfuzz.distance import OSA

from game.npc.brain import has_cjk

__all__ = [
    "KEYWORD_BONUS",
    "Features",
    "IntentIndex",
    "Scored",
    "english_words",
    "features",
    "is_english_word",
    "keyword_patterns",
]

#: Added to an intent's score when one of its keywords is in the clause...
KEYWORD_BONUS = 0.3
#: ...and the least score a keyword gives (just over the dialogue's threshold, 0.5).
KEYWORD_SCORE = 0.55
#: Weight of a single Chinese character against a bigram (bigrams carry the words).
UNIGRAM_WEIGHT = 0.5
#: How much an example's coverage by the clause counts against their cosine.
COVERAGE_WEIGHT = 0.4
#: What an example's coverage counts for in a clause the examples know nothing of; it
#: grows to 1 with the known share of the clause's weight, so "can you recommend a good
#: movie?" is not the example "good", nor "what's 17 times 23?" the example "time".
UNKNOWN_COVERAGE = 0.5
#: Longest word corrected only for two swapped letters (see IntentIndex.correct).
SHORT_WORD = 4
#: Weight of a Chinese character, bigram or pinyin no example has.
UNKNOWN_CJK_WEIGHT = 2.0
_WORD = re.compile(r"[a-z0-9]+")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_stemmer = snowballstemmer.stemmer("english")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Weight factor of a function word: it shapes a sentence, not its topic, so "tell me
#: about dragons" is not "tell me about callbacks", yet "who are you" still differs
#: from "who am i" (all their words are scaled alike).
FUNCTION_WEIGHT = 0.25
_FUNCTION_WORDS = _words(
    """a an the is are am was were be been being do does did done have has had i me my mine
    you your yours we us our he him his she her it its they them their this that these those
    what which who whom whose when where why how can could would will shall should may might
    must to of in on at by for with about from into onto up down out over under again then
    so and or but if not no yes please tell say show give let know want like get got just
    some any all there here very really too also more most one ok oh well now still yet
    just anyway actually exactly again at know which"""
)
_FUNCTION_CJK = _words(
    "的 了 吗 呢 吧 啊 呀 么 是 你 我 他 她 它 们 这 那 个 一 有 在 和 与 就 都 也 "
    "还 很 嘛 给 说 讲 请 能 会 可 以 要 想 什 么 怎 哪 谁 几 多 少 下 上 不 没 过 "
    "着 得 地 把 被 让 对 之 其"
)
_FUNCTION_BIGRAMS = _words(
    "什么 怎么 怎样 可以 能不 一下 一个 这个 那个 你们 我们 他们 是不 有没 告诉 知道 请问 为什 "
    "么是 是什 我的 你的 一些 的是 了吗"
)

Features = frozenset[str]


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Known English words (the GCIDE list of the ``english-words`` package, ~115,000,
    lower case; loaded once, ~40 ms): a word in it is never "corrected"."""
    return frozenset(get_english_words_set(["gcide"], lower=True, alpha=True))


def is_english_word(word: str) -> bool:
    """Whether ``word`` or its base form ("timers", "dancing", "tried") is a known word."""
    words = english_words()
    if word in words:
        return True
    for suffix, replacement in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ing", ""),
        ("ing", "e"),
        ("ed", ""),
        ("ed", "e"),
        ("er", ""),
        ("ly", ""),
    ):
        if word.endswith(suffix) and word[: -len(suffix)] + replacement in words:
            return True
    return False


@lru_cache(maxsize=8192)
def _pinyin(ch: str) -> str:
    return lazy_pinyin(ch)[0]


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def features(text: str) -> Features:
    """The features of a normalised text: ``w:`` stemmed words, ``c:`` Chinese characters
    and ``b:`` Chinese bigrams."""
    found: set[str] = {f"w:{_stem(word)}" for word in _WORD.findall(text)}
    for run in _CJK_RUN.findall(text):
        found.update(f"c:{ch}" for ch in run)
        found.update(f"b:{run[i : i + 2]}" for i in range(len(run) - 1))
    return frozenset(found)


_FUNCTION_FEATURES = frozenset(
    {f"w:{_stem(w)}" for w in _FUNCTION_WORDS}
    | {f"c:{c}" for c in _FUNCTION_CJK}
    | {f"b:{b}" for b in _FUNCTION_BIGRAMS}
)


@dataclass(frozen=True, slots=True)
class Scored:
    """An intent's score for a clause, and whether a keyword or pattern decided it."""

    intent: int
    score: float
    exact: bool


class IntentIndex:
    """The example phrasings of every intent, indexed for scoring clauses.

    ``examples[i]`` are intent ``i``'s phrasings, ``keywords[i]`` its compiled keyword
    patterns and ``patterns[i]`` its regular expressions (all on normalised text).
    """

    def __init__(
        self,
        examples: Sequence[Sequence[str]],
        keywords: Sequence[Sequence[re.Pattern[str]]],
        patterns: Sequence[Sequence[re.Pattern[str]]],
        vocabulary: Iterable[str] = (),
    ) -> None:
        self.keywords = keywords
        self.patterns = patterns
        self._with_keywords = [(i, k) for i, k in enumerate(keywords) if k]
        self._with_patterns = [(i, p) for i, p in enumerate(patterns) if p]
        self._frequency: Counter[str] = Counter(vocabulary)
        for phrasings in examples:
            for text in phrasings:
                self._frequency.update(_WORD.findall(text))
        self.vocabulary = frozenset(self._frequency)
        self._choices = sorted(w for w in self.vocabulary if len(w) >= 3)
        self._spelling: dict[str, str] = {}
        # Known character pairs, and the contexts (neighbour before, neighbour after) each
        # is seen in: a pair seen in two or more contexts is a word (回调), one always
        # seen between the same neighbours straddles two words (什么面包 -> 么面).
        contexts: dict[str, set[tuple[str, str]]] = {}
        for phrasings in examples:
            for text in phrasings:
                for run in _CJK_RUN.findall(text):
                    for i in range(len(run) - 1):
                        around = (run[i - 1 : i], run[i + 2 : i + 3])
                        contexts.setdefault(run[i : i + 2], set()).add(around)
        self._bigrams = frozenset(contexts)
        self._by_sound: dict[str, list[str]] = {}
        for bigram in sorted(b for b, seen in contexts.items() if len(seen) >= 2):
            sound = _pinyin(bigram[0]) + " " + _pinyin(bigram[1])
            self._by_sound.setdefault(sound, []).append(bigram)
        feats = [[features(text) for text in phrasings] for phrasings in examples]
        n = len(feats)
        df: dict[str, int] = {}
        for intent_feats in feats:
            for f in set().union(*intent_feats) if intent_feats else set():
                df[f] = df.get(f, 0) + 1
        self.idf = {f: math.log((n + 1) / (count + 0.5)) for f, count in df.items()}
        # A word no example has is the rarest of all: "tell me about dragons" is not
        # about callbacks just because "tell me about callbacks" is an example.
        self.unknown_weight = math.log((n + 1) / 0.5)
        # Inverted index: feature -> [(intent, example number)].
        self._postings: dict[str, list[tuple[int, int]]] = {}
        self._norms: list[list[float]] = []
        for i, intent_feats in enumerate(feats):
            norms = []
            for j, fs in enumerate(intent_feats):
                norms.append(sum(self.weight(f) ** 2 for f in fs))
                for f in fs:
                    self._postings.setdefault(f, []).append((i, j))
            self._norms.append(norms)

    def knows_characters(self, text: str) -> bool:
        """Whether every Chinese character of ``text`` occurs in some example."""
        return all(f"c:{ch}" in self.idf for run in _CJK_RUN.findall(text) for ch in run)

    def weight(self, feature: str) -> float:
        """The weight of ``feature``: its idf, times :data:`UNIGRAM_WEIGHT` for a Chinese
        character and :data:`FUNCTION_WEIGHT` for a function word."""
        w = self.idf.get(feature)
        if w is None:
            # An unknown word says "not about this"; an unknown Chinese bigram mostly
            # straddles two words (你真厉害 → 真厉) or holds a typo, and says little.
            w = self.unknown_weight if feature.startswith("w:") else UNKNOWN_CJK_WEIGHT
        if feature.startswith("c:"):
            w *= UNIGRAM_WEIGHT
        if feature in _FUNCTION_FEATURES:
            w *= FUNCTION_WEIGHT
        return w

    def _correct_cjk(self, run: str) -> str:
        chars = list(run)
        known = self._bigrams
        for i, ch in enumerate(chars):
            left = chars[i - 1] + ch if i > 0 else None
            right = ch + chars[i + 1] if i + 1 < len(chars) else None
            if (left is not None and left in known) or (right is not None and right in known):
                continue  # a character in a known pair is no typo
            # The same sound with the neighbour kept: 回掉 -> 回调 when 回调 is known.
            for pair, keep in ((left, 0), (right, 1)):
                if pair is None:
                    continue
                other = pair[keep]
                sound = _pinyin(pair[0]) + " " + _pinyin(pair[1])
                found = self._by_sound.get(sound, ())
                fits = [b for b in found if b[keep] == other]
                if len(fits) == 1:
                    chars[i] = fits[0][1 - keep]
                    break
        return "".join(chars)

    def correct(self, text: str) -> str:
        """``text`` with each misspelt word replaced by the nearest word of the examples,
        when one is close enough (1 edit, or 2 for 7+ letters; a word of
        :data:`SHORT_WORD` letters or fewer only for a swap or a dropped letter; among
        equals the one the examples use most); words of the examples, known English words
        (:func:`is_english_word`) and words under 3 letters are kept.
        A Chinese character in no pair the examples have becomes the character that,
        with its neighbour, makes the one known word-like pair (seen in two or more
        contexts) that sounds the same (toneless pinyin): the input-method typo 回掉
        becomes 回调."""
        text = _WORD.sub(lambda m: self._correct_word(m.group()), text)
        return _CJK_RUN.sub(lambda m: self._correct_cjk(m.group()), text)

    def _correct_word(self, word: str) -> str:
        if word in self.vocabulary or len(word) < 3 or not word.isalpha():
            return word
        known = self._spelling.get(word)
        if known is None:
            known = word
            if not is_english_word(word):
                limit = 2 if len(word) >= 7 else 1
                found = process.extract(
                    word, self._choices, scorer=OSA.distance, score_cutoff=limit, limit=None
                )
                if len(word) <= SHORT_WORD:
                    # A short word with one letter changed is as often a word the
                    # dictionary lacks ("wifi" is not "wife") as a typo; two letters
                    # swapped ("waht", "mvoe") or one left out ("evnt") is a typo.
                    found = [c for c in found if _slip(word, c[0])]
                if found:
                    # Nearest first; among equals the word the examples use most
                    # ("waht" is one edit from both "what" and "want").
                    best = min(found, key=lambda c: (c[1], -self._frequency[c[0]], c[0]))
                    known = best[0]
            if len(self._spelling) < 4096:
                self._spelling[word] = known
        return known

    def score(self, text: str) -> list[Scored]:
        """Every intent with a non-zero score for the normalised, corrected clause ``text``,
        best first (ties: the intent written first)."""
        fs = features(text)
        weights = {f: self.weight(f) for f in fs}
        clause_norm = sum(w * w for w in weights.values())
        # The share of the clause the examples know: "recommend a good movie" covers
        # the example "good" completely, but most of it is about something else.
        known = sum(w * w for f, w in weights.items() if f in self.idf) / (clause_norm or 1.0)
        overlap: dict[tuple[int, int], float] = {}
        for f, w in weights.items():
            for key in self._postings.get(f, ()):
                overlap[key] = overlap.get(key, 0.0) + w * w
        best: dict[int, float] = {}
        for (i, j), shared in overlap.items():
            example_norm = self._norms[i][j]
            cosine = shared / math.sqrt(clause_norm * example_norm)
            coverage = shared / example_norm
            covered = coverage * (UNKNOWN_COVERAGE + (1 - UNKNOWN_COVERAGE) * known)
            value = (1 - COVERAGE_WEIGHT) * cosine + COVERAGE_WEIGHT * covered
            if value > best.get(i, 0.0):
                best[i] = value
        exact: set[int] = set()
        for i, compiled in self._with_keywords:
            if any(p.search(text) for p in compiled):
                # Enough to pass the threshold alone; any close example still beats it.
                best[i] = min(1.0, max(best.get(i, 0.0) + KEYWORD_BONUS, KEYWORD_SCORE))
                exact.add(i)
        for i, compiled in self._with_patterns:
            if any(p.search(text) for p in compiled):
                best[i] = 1.0
                exact.add(i)
        ranked = [Scored(i, value, i in exact) for i, value in best.items()]
        ranked.sort(key=lambda s: (-s.score, s.intent))
        return ranked


def _slip(word: str, other: str) -> bool:
    """Whether ``word`` is ``other`` typed with two neighbouring letters swapped or one
    letter left out (not with a letter changed)."""
    if len(other) == len(word) + 1:
        return any(other[:i] + other[i + 1 :] == word for i in range(len(other)))
    if len(word) != len(other):
        return False
    differ = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
    return len(differ) == 2 and differ[1] == differ[0] + 1 and word[differ[0]] == other[differ[1]]


def keyword_patterns(keywords: Sequence[str]) -> list[re.Pattern[str]]:
    """Two alternations for normalised keywords: whole-word English, anywhere-CJK."""
    latin = [k for k in keywords if not has_cjk(k)]
    cjk = [k for k in keywords if has_cjk(k)]
    compiled = []
    if latin:
        words = sorted(latin, key=len, reverse=True)
        body = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
        compiled.append(re.compile(rf"(?<![0-9a-z])(?:{body})(?![0-9a-z])"))
    if cjk:
        compiled.append(re.compile("|".join(map(re.escape, sorted(cjk, key=len, reverse=True)))))
    return compiled
