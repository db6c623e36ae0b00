"""Understanding a player's line before anyone answers it (no pygame, no randomness).

The steps, in order (:func:`understand` runs them all)::

    raw line ─► language ─► normalise ─► split into clauses ─► per clause:
                 (zh/en)    NFKC, Traditional→Simplified,       speech act (statement, question,
                            case, contractions, shorthand       request, negated request), the
                                                                answer kind asked for (what, how,
                                                                why, example, code, more, again),
                                                                a follow-up?, the player's name

Choosing the intent is the matcher's job (:mod:`game.npc.matcher`); filling
slots such as the name comes last, and only from a statement: ``我叫什么名字？``
is a question, so it never names anyone.

Traditional Chinese is folded to Simplified with OpenCC's ``tw2sp`` table (the
``opencc`` package), so one set of Simplified example phrasings serves both; the
table also turns Taiwan's words into the mainland's (程式碼 → 代码, 軟體 → 软件).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import opencc

from game.text.cjk import BLOCKS, Kind

__all__ = [
    "KINDS",
    "MAX_CLAUSES",
    "MAX_LINE",
    "Clause",
    "detect_language",
    "extract_name",
    "has_cjk",
    "has_words",
    "normalise",
    "split_clauses",
    "understand",
]

#: Answer kinds a topic can have; "what" is the plain answer. "more" and "again" are
#: follow-ups that pick one of these from the conversation so far.
KINDS = ("what", "how", "why", "example", "code")
#: Longest line read whole; a longer one keeps its start and its end (where the
#: question usually is), so the cost per line stays bounded.
MAX_LINE = 4000
#: Most clauses of one line that are read: the first 4 and the last 16.
MAX_CLAUSES = 20
#: Longest remembered player name, in characters.
MAX_NAME = 20


def _cjk_class(kind: Kind) -> str:
    return "".join(f"\\U{b.first:08x}-\\U{b.last:08x}" for b in BLOCKS if b.kind is kind)


# One regex search instead of a block lookup per character: lines may be 4,000 long.
_CJK_LETTER = re.compile(f"[{_cjk_class(Kind.LETTER)}]")
_CJK_PUNCTUATION = re.compile(f"[{_cjk_class(Kind.PUNCTUATION)}]")
_LATIN_WORDS = re.compile(r"[A-Za-z]{2,}")


def has_cjk(text: str) -> bool:
    """Whether ``text`` has a CJK letter (as :func:`game.text.cjk.has_cjk`, faster)."""
    return _CJK_LETTER.search(text) is not None


# Taiwan-standard Traditional to Simplified with Taiwan's phrases: like t2s, it knows
# that 著 in 跟著/看著 is 着 (t2s keeps it, since 著 is Simplified too, as in 著名),
# and a Taiwanese player's 程式碼 / 計時器 / 物件 meet the examples' 代码 / 计时器 / 对象.
_T2S = opencc.OpenCC("tw2sp")

# Contractions and chat shorthand, written out so examples and lines meet halfway.
_SHORTHAND = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "ya": "you",
    "yu": "you",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "thnx": "thanks",
    "tks": "thanks",
    "ty": "thank you",
    "tysm": "thank you",
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "whats": "what is",
    "wats": "what is",
    "hw": "how",
    "y": "why",
    "im": "i am",
    "ive": "i have",
    "dont": "do not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "doesnt": "does not",
    "isnt": "is not",
    "didnt": "did not",
    "wanna": "want to",
    "gonna": "going to",
    "gimme": "give me",
    "lemme": "let me",
    "cuz": "because",
    "coz": "because",
    "bc": "because",
    "idk": "i do not know",
    "k": "ok",
    "kk": "ok",
    "okay": "ok",
    "okey": "ok",
    "hru": "how are you",
    "sup": "what is up",
    "wassup": "what is up",
    "whatsup": "what is up",
    "btw": "by the way",
    "abt": "about",
    "tho": "though",
    "thru": "through",
    "b4": "before",
    "2day": "today",
    "gr8": "great",
    "pic": "picture",
    "info": "information",
    "expl": "explain",
    "hiya": "hi",
    "heya": "hey",
    "hallo": "hello",
    "helo": "hello",
    "hii": "hi",
    "hiii": "hi",
}
_CONTRACTIONS = (
    (re.compile(r"\b(can)'t\b"), r"\1 not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (re.compile(r"\b(i)'m\b"), r"\1 am"),
    (re.compile(r"\b(\w+)'re\b"), r"\1 are"),
    (re.compile(r"\b(\w+)'ve\b"), r"\1 have"),
    (re.compile(r"\b(\w+)'ll\b"), r"\1 will"),
    (re.compile(r"\b(\w+)'d\b"), r"\1 would"),
    (
        re.compile(r"\b(what|who|where|when|how|it|that|there|here|name|this|he|she|what)'s\b"),
        r"\1 is",
    ),
    (re.compile(r"\blet's\b"), "let us"),
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Colloquial and internet Chinese, written the standard way.
_SHORTHAND_ZH = re.compile(
    "干嘛|干啥|啥|咋|神马|肿么|木有|么有|表酱紫|酱紫|造吗|稀饭|童鞋|在哪儿|哪儿|哈啰|哈罗"
)
_SHORTHAND_ZH_TO = {
    "干嘛": "干什么", "干啥": "干什么", "啥": "什么", "咋": "怎么", "神马": "什么",
    "肿么": "怎么", "木有": "没有", "么有": "没有",
    "表酱紫": "不要这样", "酱紫": "这样", "造吗": "知道吗", "稀饭": "喜欢", "童鞋": "同学",
    "在哪儿": "在哪里", "哪儿": "哪里",
    # Taiwan's and the older spellings of "hello" (哈囉 → 哈啰 after tw2sp).
    "哈啰": "哈喽", "哈罗": "哈喽",
}  # fmt: skip


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """``text`` as matching sees it: NFKC (full-width to plain), Simplified Chinese, lower
    case, straight apostrophes, contractions and shorthand written out, single spaces.

    ``normalise("ＷＨＡＴ'S a calback？")`` is ``"what is a calback?"``; typos are the
    matcher's business (it knows the vocabulary).
    """
    line = unicodedata.normalize("NFKC", text)
    if has_cjk(line):
        line = _T2S.convert(line)
        line = _SHORTHAND_ZH.sub(lambda m: _SHORTHAND_ZH_TO[m.group()], line)
    line = line.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'").casefold()
    for pattern, replacement in _CONTRACTIONS:
        line = pattern.sub(replacement, line)
    line = _WORD.sub(lambda m: _SHORTHAND.get(m.group(), m.group()), line)
    return " ".join(line.split())


def has_words(text: str) -> bool:
    """Whether ``text`` has a letter of any script or punctuation only a Chinese input
    method types: whether it says which language it is in ("88", "?", "👍" do not)."""
    return any(ch.isalpha() for ch in text) or _CJK_PUNCTUATION.search(text) is not None


def detect_language(text: str) -> str:
    """``"zh"`` for a line with Chinese characters, or with CJK / full-width punctuation that
    only a Chinese input method types (``？？``, ``ＯＫ``) and not two English words;
    ``"en"`` otherwise."""
    if has_cjk(text):
        return "zh"
    if _CJK_PUNCTUATION.search(text) is None:
        return "en"
    # Full-width forms: "ＯＫ" or "？？" come from a Chinese input method, but a whole
    # English sentence in full width ("ＨＯＷ ＤＯ ＴＩＭＥＲＳ ＷＯＲＫ") is English.
    return "en" if len(_LATIN_WORDS.findall(unicodedata.normalize("NFKC", text))) >= 2 else "zh"


# -- clauses ------------------------------------------------------------------------------------

# A clause ends at sentence punctuation or a comma (not a decimal point), or before a
# conjunction that starts a new thought ("I'm Priya and I'm new").
_CLAUSE = re.compile(
    r"[^.!?;,，。！？；\n~～…]+(?:[.!?;,，。！？；\n~～…](?<!\d\.(?=\d))[.!?;,，。！？；~～…]*)?"
)
_JOIN = re.compile(
    r"\s+(?:and|but|also|so|then|btw|by the way|plus)\s+"
    r"(?=(?:i am|i'm|im|i|my|what|how|why|where|who|when|can|could|would|will|do|does|is|are|"
    r"tell|show|please|give|explain|let)\b)",
    re.IGNORECASE,
)
# "fine what is an event", "cool how do timers work": an acknowledgement run into the
# question after it is a clause of its own.
_ACK_JOIN = re.compile(
    r"^((?:ok|fine|cool|alright|great|nice|thanks|thank you|hmm|wow|yeah|yes|nope|lol)"
    r"(?:\s+(?:ok|then|thanks))?)\s+"
    r"(?=(?:what|how|why|where|who|when|which|can|could|do|does|is|are|tell|show)\b)"
)
_CJK_JOIN = re.compile(
    r"(?<=[\u4e00-\u9fff])(?:然后|另外|顺便问一下|顺便问下|顺便)(?=[\u4e00-\u9fff])"
)


@dataclass(frozen=True, slots=True)
class Clause:
    """One part of a line: its normalised text and what it does.

    ``act`` is ``"question"``, ``"request"``, ``"negated"`` (a request not to: "stop
    dancing", "别跟着我") or ``"statement"``; ``kind`` the answer kind it asks for
    (one of :data:`KINDS`, or ``"more"`` / ``"again"``, or ``None`` when it names none);
    ``followup`` is true when the clause is only a follow-up ("why?", "举个例子");
    ``name`` the player's name when the clause is an introduction.
    """

    text: str
    original: str
    act: str
    kind: str | None
    followup: bool
    name: str | None
    position: int


def split_clauses(line: str) -> list[tuple[str, str]]:
    """``line`` (normalised) cut into clauses, each as ``(text, ending punctuation)``."""
    line = _JOIN.sub(", ", line)
    line = _ACK_JOIN.sub(r"\1, ", line)
    line = _CJK_JOIN.sub("，", line)
    parts: list[tuple[str, str]] = []
    for piece in _CLAUSE.findall(line):
        body = piece.rstrip(".!?;,，。！？；\n~～… ")
        ending = piece[len(body) :].strip()
        body = body.strip()
        if body:
            parts.append((body, ending))
    return parts


# -- speech acts ----------------------------------------------------------------------------

_QUESTION_EN = re.compile(
    r"^(?:(?:so|and|but|ok|hey|um|uh|well|then|please|ada|bruno)\s+)*"
    r"(?:what|who|whom|whose|where|when|why|how|which|can|could|would|will|shall|should|"
    r"may|might|do|does|did|is|are|am|was|were|have|has|had|any|anything|tell me|explain|"
    r"describe|remind me)\b"
    r"|\b(?:what|who|where|why|how|which)\b.*\?"
    r"|\b(?:right|yes or no|or not)$"
)
_QUESTION_ZH = re.compile(
    r"[吗嘛呢么]$|什么|啥|怎么|怎样|如何|为什么|为何|为啥|几(?:个|枚|点|分|块)|多少|哪|谁|是不是|"
    r"有没有|能不能|会不会|可不可以|行不行|对不对|是否|干嘛|咋"
)
_NEGATED_EN = re.compile(
    r"^(?:(?:ok|okay|please|now|hey|ada|bruno|alright|you can|can you|could you|no|nah|nope|"
    r"actually|wait|um|uh|oh)\s+)*"
    r"(?:stop|quit|cease|halt|enough|no more|do not|never|don't|cut it out|leave me alone|"
    r"go away|go back|stay|wait here|stand still|you can stop)\b"
    r"|\b(?:stop|quit)\s+(?:it|that|now|dancing|following|spinning|moving|walking)\b"
    r"|\bno more\s+\w+ing\b|\bno (?:dancing|following)\b|\bnot follow\b|\bstop\s*$"
    r"|\b(?:enough|stop|quit|cease|no more|cut out|knock off)\b.*\b(?:danc|follow|spin)"
    r"|\bthat is enough\b|\bleave me be\b"
    r"|\b(?:do not|never|not)\b.*\b(?:danc|follow|spin)"
)
_NEGATED_ZH = re.compile(
    r"(?:^|你|请|就)(?:别|不要|不用|甭|不许|不准|停|停止|不必)"
    r"|够了|算了|停下|停一下|别再|不要再|回去吧|站住|待在|留在|呆在"
    r"|(?:不想|不需要|不用|不要|别).{0,6}(?:跟|跳|转)"
)
_REQUEST_EN = re.compile(
    r"^(?:(?:ok|okay|please|now|hey|ada|bruno|come on|go on)\s+)*"
    r"(?:dance|follow|come|show|give|tell|explain|teach|spin|sing|help|let us|lets|walk|go|"
    r"repeat|say|describe|sell|bake|make)\b|\bplease\b"
)
_REQUEST_ZH = re.compile(r"^(?:请|帮我|给我|来|跟|跳|讲|说|教|告诉|陪|过来)|一下$|吧$")


def speech_act(text: str, ending: str) -> str:
    """``"negated"``, ``"question"``, ``"request"`` or ``"statement"`` for a normalised clause."""
    if (_NEGATED_EN.search(text) and not text.startswith("why not")) or _NEGATED_ZH.search(text):
        return "negated"
    if "?" in ending or "？" in ending or _QUESTION_EN.search(text) or _QUESTION_ZH.search(text):
        return "question"
    if _REQUEST_EN.search(text) or _REQUEST_ZH.search(text):
        return "request"
    return "statement"


# -- answer kinds and follow-ups ------------------------------------------------------------

_KIND_MARKERS = (
    (
        "again",
        re.compile(
            r"\b(?:again|repeat|come again|pardon|once more|one more time|did not catch|"
            r"did not get that|say that|what did you say)\b|^(?:what|huh|eh|sorry|come again)$"
            r"|^(?:啊|哈|诶|呃|什么)$"
            r"|\bdo not (?:get|understand) (?:it|that|you)\b|^i do not (?:get|understand)$"
            r"|再说一遍|再说一次|再讲一遍|再讲一次|重复|没听清|没听懂|再来一遍|再来一次|你说什么|刚才说什么|再说一下"
            r"|没懂|不懂|没明白|不明白|看不懂|听不懂"
        ),
    ),
    (
        "code",
        re.compile(
            r"\b(?:code|snippet|source|python|syntax|show me|write it|in code|looks? like)\b"
            r"|代码|源码|怎么写|写一下|写个|写出来|程序|示例代码"
        ),
    ),
    (
        "example",
        re.compile(
            r"\b(?:example|examples|for instance|e\.g|instance|sample|such as|like what|use case)\b"
            r"|例子|举例|比如|例如|示例|实例|举个"
        ),
    ),
    (
        "why",
        re.compile(
            r"\bhow come\b|"
            r"\bwhy\b|\bwhat for\b|\bpoint of\b|\breason\b|\bwhat good\b|\bbenefit|\badvantage|"
            r"\bwhy bother\b|\bwhat is the use\b|\bworth it\b"
            r"|为什么|为何|为啥|干嘛要|有什么好处|好处|意义|原因|有什么用处|优点"
        ),
    ),
    (
        "more",
        re.compile(
            r"\b(?:more|go on|continue|elaborate|keep going|details?|what else|anything else|"
            r"and then|deeper|further|expand|specifically|be more specific)\b|^(?:and|so|and so)$"
            # "I can't find it" after directions: say more about the way there.
            r"|\b(?:can not|could not|still can not) find (?:it|them|that)\b|找不到|没找到"
            r"|更多|多说|多讲|继续|还有呢|然后呢|详细|展开|还有吗|再讲讲|再说说|深入|接着说|接着讲|具体|细说"
        ),
    ),
    (
        "how",
        re.compile(
            # "how do I get to the bell?" asks what to do (the plain answer), not how
            # it works inside.
            r"\bhow\b(?!\s+(?:many|much|long|old|are you|is it going|do you do|about|come|"
            r"(?:do|can|should|would|could) i\b|to\b))"
            r"|\b(?:work|works|working|under the hood|in detail|mechanism|internally)\b"
            r"|怎么(?!样了|了|称呼)|如何|怎样|原理|工作|运作|机制|运行|实现"
        ),
    ),
)
# What is left of a follow-up when its marker and filler words are gone: nothing.
_FILLER = re.compile(
    r"\b(?:can|could|would|will|you|please|give|me|us|an|a|the|some|one|another|of|for|it|that|"
    r"this|them|those|tell|show|say|said|explain|about|more|again|ok|okay|so|and|but|then|hmm|"
    r"um|uh|well|what|how|is|are|does|do|did|does it|really|just|maybe|any|have|got|there|on|"
    r"bit|little|real|quick|short|simple|like|in|to|with|other|different|yet|once|i|want|need|"
    r"see|hear|know|let|oh|wow|huh|sorry|exactly|work|works|an|by|dance|follow|use|used|"
    r"using|do i|should|why not|though|then|actually)\b"
    r"|[你我他她它的了吗呢吧啊呀哦嘛能可以给个一下再来说讲请那这些么还有呢就是什么怎样看瞧展示写段用使它呗啦哈喔噢诶嗯么又点些做到]"
)


def answer_kind(text: str) -> str | None:
    """The answer kind a normalised clause asks for, or ``None`` when it names none."""
    for kind, marker in _KIND_MARKERS:
        if marker.search(text):
            return kind
    return None


def _only_followup(text: str, kind: str | None) -> bool:
    if kind is None:
        return False
    rest = text
    for _, marker in _KIND_MARKERS:
        rest = marker.sub(" ", rest)
    rest = _FILLER.sub(" ", rest)
    return not re.sub(r"[\W_]+", "", rest)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- the player's name ------------------------------------------------------------------------

# Words that follow "I'm" / "我是" without being a name: question words, negations,
# states, adjectives, places, articles and the start of noun phrases.
_NOT_NAMES_EN = _words("""
what who whom whose where when why how which whatever nobody noone no not never none
nothing nope yes yeah yep ok okay alright fine good great well bad sad happy glad cool tired
lost here there home back new old bored hungry thirsty sorry so very just a an the one
stuck done ready confused busy excited going looking trying trapped sure afraid scared
curious interested learning playing new newbie beginner player student teacher programmer
developer human person boy girl man woman kid child adult friend fan guest visitor
traveller traveler stranger chinese english american british french german japanese korean
indian from in at on with out up down away off over still also too really quite pretty
kind nice smart clever dumb stupid awesome amazing alive dead sick ill hurt late early
gonna going to about leaving coming staying waiting hungry starving full sleepy awake
fine thanks thank you your my his her our their this that it is am are was be being
called named right wrong free lonely okay bot robot ai npc someone somebody anyone
everyone myself yourself important unimportant secret anonymous unknown nameless
hot cold warm wet rich poor tall short big small fast slow strong weak young
cute funny serious brave shy calm angry mad upset annoyed worried nervous
better worse best worst fantastic wonderful terrible horrible excellent
back again alone together outside inside hungry
zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
ninety hundred years year old me him her them myself
""")
_NAME_EN = r"(?P<name>[^\W\d_][\w'-]{0,19}(?:\s+[^\W\d_][\w'-]{0,19})??)"
_HELLO_EN = r"^(?:(?:hi|hello|hey|ok|well|so|oh|yo|actually|no|wait|sorry|and|but|by the way)\s+)*"
_TAIL_EN = r"(?:\s+(?:here|speaking|by the way|please|thanks|thank you))?[\W_]*$"
# (pattern, whether the name must be written with a capital): "this is Sam" is an
# introduction, "this is fun" is not.
_INTRO_EN = (
    (
        re.compile(
            rf"{_HELLO_EN}(?:my name is|the name is|name is|my name|my names|names)\s+"
            rf"{_NAME_EN}{_TAIL_EN}"
        ),
        False,
    ),
    (re.compile(rf"{_HELLO_EN}(?:my )?name\s*[:=]\s*{_NAME_EN}{_TAIL_EN}"), False),
    (
        re.compile(rf"{_HELLO_EN}(?:just\s+|you can\s+|please\s+)?call me\s+{_NAME_EN}{_TAIL_EN}"),
        False,
    ),
    (re.compile(rf"{_HELLO_EN}i am\s+{_NAME_EN}{_TAIL_EN}"), False),
    (
        re.compile(
            rf"{_HELLO_EN}(?:people call me|they call me|everyone calls me|i am called|"
            rf"i go by|i am known as|friends call me|my friends call me)\s+{_NAME_EN}{_TAIL_EN}"
        ),
        False,
    ),
    (re.compile(rf"{_HELLO_EN}{_NAME_EN}\s+(?:here|speaking){_TAIL_EN}"), False),
    (re.compile(rf"{_HELLO_EN}(?:this is|it is)\s+{_NAME_EN}{_TAIL_EN}"), True),
)
_ADJECTIVE_ENDINGS = ("ful", "ous", "ive", "able", "ible", "less", "ish", "ese", "ing", "ed")
_NAME_ZH = r"(?P<name>[\u4e00-\u9fffA-Za-z][\u4e00-\u9fff\w'-]{0,9}?)"
_END_ZH = r"(?:[啊呀哦吧呢啦哈喔嘛]|就行|就好|就可以|好了|哦|噢)*$"
_INTRO_ZH = (
    re.compile(
        r"^(?:你好|嗨|哈喽|您好|其实|对了|不过|顺便说一下|不对|错了|更正一下|哦|噢|嗯)?(?:我的名字叫做|我的名字是|我的名字叫|我名字叫|我名字是|我姓名是|"
        r"我叫做|我叫|本人叫|本人|(?:大家|别人|朋友们|朋友|他们|你可以|你就|你)?都?叫我)"
        rf"{_NAME_ZH}{_END_ZH}"
    ),
    re.compile(rf"^(?:你好|嗨|哈喽|您好|其实|对了|不对|错了)?(?:我就是|我是){_NAME_ZH}{_END_ZH}"),
    re.compile(rf"^{_NAME_ZH}(?:在此|在这儿|在这里|来了){_END_ZH}"),
)
_NOT_NAMES_ZH = re.compile(
    r"什么|啥|谁|哪|几|多少|吗|么|不|没|别|无|很|太|好|在|来|去|想|要|会|从|个|一|新|学|玩|"
    r"人$|的|者$|生$|家$|手$|员$|师$|子$|儿$|了|着|过|你|我|他|她|它|这|那|谁|名字|自己|"
    r"中国|美国|英国|日本|朋友|客人|游客|旅行|冒险|程序|开发|老师|同学|小孩|孩子|大人|男|女|机器"
)


def extract_name(original: str, act: str) -> str | None:
    """The name in an introduction clause (``"I'm Priya"``, ``"Sam here"``, ``"我叫小明"``).

    ``original`` is the clause NFKC-folded and converted to Simplified Chinese, case kept.
    Only a statement names anyone, and never with a question word, a negation, an
    adjective or a noun phrase: ``"I'm cool"``, ``"我是中国人"`` and
    ``"my name is not important"`` give ``None``.
    """
    if act not in ("statement", "request"):
        return None
    text = " ".join(original.replace("\u2019", "'").split())
    lowered = normalise(text)
    for pattern, needs_capital in _INTRO_EN:
        found = pattern.match(lowered)
        if found is None:
            continue
        name = found.group("name")
        words = name.split()
        if any(
            w in _NOT_NAMES_EN or (len(w) > 5 and w.endswith(_ADJECTIVE_ENDINGS)) for w in words
        ):
            return None
        # Take the spelling the player used (the normalised line is lower case).
        spelled = re.search(r"\b" + r"\s+".join(map(re.escape, words)) + r"\b", text, re.I)
        shown = spelled.group().split() if spelled else words
        if len(shown) > 1 and not shown[1][0].isupper():
            return None  # "I am Groot now": a second word only as a capitalised surname
        if needs_capital and not shown[0][0].isupper():
            return None
        return _clean_name(" ".join(shown))
    compact = re.sub(r"\s+", "", lowered)
    for pattern in _INTRO_ZH:
        found = pattern.match(compact)
        if found is None:
            continue
        name = found.group("name")
        if _NOT_NAMES_ZH.search(name) or (has_cjk(name) and len(name) > 4):
            return None
        if not has_cjk(name) and name.lower() in _NOT_NAMES_EN:
            return None
        spelled = re.search(re.escape(name), re.sub(r"\s+", "", text), re.IGNORECASE)
        return _clean_name(spelled.group() if spelled else name)
    return None


def _clean_name(raw: str) -> str | None:
    name = raw.strip(" '-")[:MAX_NAME]
    if not name:
        return None
    if name[0].isascii() and name[0].islower():
        name = name[0].upper() + name[1:]
    return name


# -- all of it ---------------------------------------------------------------------------------


def _bounded(text: str) -> str:
    if len(text) <= MAX_LINE:
        return text
    # The question of a long line is usually at its end: keep the start and the end.
    return text[: MAX_LINE // 4] + "\n" + text[-(MAX_LINE - MAX_LINE // 4) :]


def understand(text: str, spell: Callable[[str], str] | None = None) -> tuple[str, list[Clause]]:
    """The language of ``text`` and its clauses, each with its speech act, answer kind,
    follow-up flag and any name it gives. ``spell`` corrects a normalised clause's
    misspelt words (the matcher's :meth:`~game.npc.matcher.IntentIndex.correct`).
    Pure: the same text gives the same result."""
    text = _bounded(text)
    language = detect_language(text)
    folded = unicodedata.normalize("NFKC", text)
    if has_cjk(folded):
        folded = _T2S.convert(folded)
    clauses: list[Clause] = []
    originals = [body for body, _ in split_clauses(" ".join(folded.split()))]
    normalised = split_clauses(normalise(text))
    if len(originals) != len(normalised):
        originals = [body for body, _ in normalised]
    if len(normalised) > MAX_CLAUSES:
        # A rambling line: its opening and its end (where the question usually is).
        keep = [*range(4), *range(len(normalised) - MAX_CLAUSES + 4, len(normalised))]
        normalised = [normalised[i] for i in keep]
        originals = [originals[i] for i in keep]
    for position, ((body, ending), original) in enumerate(zip(normalised, originals, strict=True)):
        if spell is not None:
            body = spell(body)
        act = speech_act(body, ending)
        kind = answer_kind(body)
        clauses.append(
            Clause(
                text=body,
                original=original,
                act=act,
                kind=kind,
                followup=_only_followup(body, kind),
                name=extract_name(original, act),
                position=position,
            )
        )
    return language, clauses
