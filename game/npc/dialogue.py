"""Dialogue as data: an NPC's intents, example phrasings and answers from
``assets/dialogue/*.toml``.

A file is validated completely when it is loaded; anything wrong raises one
:class:`DialogueError` naming the file, the intent and the problem, so the game
never starts with a half-loaded brain. The format is described in ``docs/npc.md``.
This module imports no pygame.

Understanding a line (:meth:`Dialogue.match`): the line is normalised and cut into
clauses (:mod:`game.npc.understand`); each clause gets its speech act, answer kind
and any name, then the intent it is most like (:mod:`game.npc.matcher`: example
phrasings, keywords, patterns). Of the clauses, the one that asks something is
answered ("你好，什么是回调？" answers the question, not the greeting). Below
:data:`THRESHOLD` a clause means nothing the NPC knows, and the fallback (which says
what the NPC can talk about) answers.

Replies are trusted templates filled from a fixed set of values (:data:`PLACEHOLDERS`);
the player's text is only ever a *value* (their name), never a template, so typing
``{score}`` or ``}}{{`` is harmless. A number placeholder may choose words by the
number: ``{coins_left:coin|coins}`` is "coin" for 1 and "coins" otherwise, and three
forms are for zero, one and many; ``#`` in a form is the number
(``{coins_left:no coins|one coin|# coins}``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from game.assets import asset_path
from game.engine.datafile import DataFileError, parse_toml, read_text
from game.engine.errors import DataError
from game.npc.brain import LIVE_QUESTIONS, Action, has_cjk
from game.npc.matcher import IntentIndex, keyword_patterns
from game.npc.safe_regex import UnsafePattern, compile_bounded
from game.npc.understand import KINDS, MAX_LINE, Clause, normalise, understand

__all__ = [
    "ACTIONS",
    "ANSWER_TABLES",
    "FACTS",
    "LANGUAGES",
    "NUMBER_FACTS",
    "PLACEHOLDERS",
    "THRESHOLD",
    "Dialogue",
    "DialogueError",
    "Intent",
    "Match",
    "dialogue_files",
    "fill",
    "load_dialogue",
    "load_npc",
    "normalize",
    "parse_dialogue",
]

#: Reply languages; every intent and the fallback need replies in each.
LANGUAGES = ("en", "zh")
#: Largest dialogue file read (the bundled ones are 30-60 KB).
MAX_DIALOGUE_BYTES = 1024 * 1024
#: Live game facts a reply may quote; ``--chat --fact KEY=VALUE`` sets them. ``quest``
#: is the quest step on now ("pick up coins (3/5)"), ``quest_zh`` the same in Chinese:
#: a reply's ``{quest}`` is the one in the reply's language.
#: ``quest_at`` is that step's ``quest id/step id`` ("bread/ask"), for ``needs``.
FACTS = frozenset({"score", "coins_left", "coins_total", "clock", "quest", "quest_zh", "quest_at"})
#: Facts that are numbers, so a placeholder may pick words by them (1 coin, 2 coins).
NUMBER_FACTS = frozenset({"score", "coins_left", "coins_total"})
#: Every name a reply may use in braces: the facts, the player's and the NPC's names,
#: and the time of day from the clock ({greeting}: "Good evening" / "晚上好";
#: {daypart}: "evening" / "晚上").
PLACEHOLDERS = FACTS | {"player", "npc", "greeting", "daypart"}
#: What an intent may ask the NPC to do (the NPC turns it into a bus event); a negated
#: request ("stop dancing") asks for ``stop_`` + the action.
ACTIONS = frozenset(a.value for a in Action if not a.value.startswith("stop_"))
#: Answer tables an intent may have besides its plain ``en``/``zh`` answer ("what"):
#: the kinds a follow-up can ask for, ``stop`` (a negated request of its action) and
#: ``unknown`` (its ``needs`` does not hold yet: the player has not said their name, or
#: the quest line is not at the step it names).
ANSWER_TABLES = (*KINDS[1:], "stop", "unknown")
#: Least score of an intent for a clause to mean it (scores lie in 0..1).
THRESHOLD = 0.5
#: A clause that is only a follow-up ("example?") still means a topic scoring this much.
STRONG = 0.8
#: Least score of each side of a comparison ("X vs Y") for it to name a topic.
SIDE_THRESHOLD = 0.4
_COMPARE = re.compile(
    r"\b(?:what is the difference between|what are the differences between|difference between|"
    r"differences between|the difference|compared? (?:to|with)|compare|versus|vs|"
    r"differs? from|different from|better than|same as|the same thing as)\b"
    r"|有什么区别|有什么不同|有啥区别|的区别|区别是什么|不同在哪|有什么差别|比较一下|对比|区别|不同|一样吗"
)
_SIDES = re.compile(r"\||\s+(?:and|or|from|to|with|than)\s+|和|与|跟|同|还是")
_PRONOUN = re.compile(r"\b(?:it|that|this|they|them|those|these|its|one)\b|它|这|那")


#: Kept for callers of the first version: the normaliser.
normalize = normalise

_NPC_KEYS = {
    "name",
    "name_zh",
    "stranger",
    "stranger_zh",
    "pitch",
    "borrow",
    "default_topic",
    "titles",
    "persona",
}
_INTENT_KEYS = {
    "examples", "keywords", "patterns", "priority", "action", "remember_name", "needs",
    "social", "share", "topic", "live", *LANGUAGES, *ANSWER_TABLES,
}  # fmt: skip
_TOP_KEYS = {"npc", "fallback", "unknown", "borrowed", "intents", "welcome_back"}
_NEEDS = frozenset({"player"})
#: ``needs = "step:bread/ask"``: the intent's plain answers hold only while the quest
#: line is at that step (its ``[unknown]`` answers otherwise, e.g. "not yet").
_STEP_NEED = re.compile(r"step:[\w-]+/[\w-]+")


class DialogueError(DataError):
    """A dialogue file is malformed; the message names the file, the intent and the problem."""

    def __init__(self, source: str, where: str | None, problem: str) -> None:
        self.source = source
        self.where = where
        self.problem = problem
        place = f"{source}: {where}" if where else source
        super().__init__(f"{place}: {problem}")


Replies = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Intent:
    """One thing the player may mean: how to recognise it and the answers by kind.

    ``answers["what"]`` is the plain answer; a topic (``topic``) may add ``how``,
    ``why``, ``example`` and ``code``, which follow-ups ask for. ``names`` are the
    names of the NPC whose words the answers are (another NPC's, when borrowed).
    """

    name: str
    answers: Mapping[str, Replies]
    examples: tuple[str, ...] = ()
    keywords: tuple[re.Pattern[str], ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    priority: int = 0
    action: str | None = None
    remember_name: bool = False
    needs: str | None = None
    social: bool = False
    share: bool = False
    topic: bool = False
    names: Mapping[str, str] = field(default_factory=dict)
    borrowed: bool = False
    #: Answered by the live-answer provider (one of ``LIVE_QUESTIONS``) while the game
    #: runs; the replies are what the NPC says without one (``--chat``).
    live: str | None = None

    @property
    def replies(self) -> Replies:
        """The plain answer ("what") in each language."""
        return self.answers["what"]


@dataclass(frozen=True, slots=True)
class Match:
    """What :meth:`Dialogue.match` understood of a line.

    ``intent`` is ``None`` for the fallback, and for a pure follow-up (``followup``
    is then the kind it asks for: "example", "why", "more", "again", …, which the
    brain answers about the topic of the conversation). ``kind`` is the answer kind
    asked for, ``act`` the speech act of the clause answered, ``name`` a name the
    player gave anywhere in the line, ``score`` the intent's similarity (0..1).
    """

    intent: Intent | None
    language: str
    name: str | None = None
    kind: str | None = None
    act: str = "statement"
    followup: str | None = None
    score: float = 0.0
    clause: str = ""
    #: The second topic of a comparison ("the loop vs the bus"): answered after ``intent``.
    also: Intent | None = None

    @property
    def intent_name(self) -> str:
        """The intent's name, ``"followup"`` or ``"fallback"``."""
        if self.intent is not None:
            return self.intent.name
        return "followup" if self.followup is not None else "fallback"


@dataclass(frozen=True, slots=True)
class _Reading:
    clause: Clause
    intent: Intent | None
    score: float
    followup: str | None
    also: Intent | None = None

    def rank(self) -> tuple[int, bool, int, int]:
        intent = self.intent
        if intent is None and self.followup is None:
            meaning = 0
        elif intent is not None and intent.social:
            meaning = 1
        elif self.followup is not None or self.clause.act in ("question", "request", "negated"):
            meaning = 3
        else:
            meaning = 2
        # Then a clause understood well beats one understood vaguely, whatever their
        # priorities: in a long line the clear question is the one to answer.
        return (
            meaning,
            self.score >= STRONG,
            intent.priority if intent else 0,
            self.clause.position,
        )


# Words that tie a name at the edge of a request into the request itself: "ask the baker",
# "给面包师", "面包师的面包" are about the NPC, not said to it.
_BOUND_EN = frozenset({"the", "a", "to", "about", "for", "with", "of", "at", "is", "and", "like"})
_BOUND_ZH = frozenset("的在是和跟给找问像当")


def _unaddressed(clause: Clause, vocative: set[str]) -> Clause:
    """``clause`` without the NPC's name or title it is addressed with, at either end of a
    request or question: "跳支舞吧面包师" is "跳支舞吧" (not a question about 面包),
    "dance, Bruno", "老板 面包怎么卖"."""
    if clause.act not in ("request", "question"):
        return clause
    text = clause.text
    for word in sorted(vocative, key=len, reverse=True):
        if len(text) <= len(word):
            continue
        if text.endswith(word):
            rest, edge, beside = text[: -len(word)].rstrip(" ,，"), -1, text[-len(word) - 1]
        elif text.startswith(word):
            rest, edge, beside = text[len(word) :].lstrip(" ,，"), 0, text[len(word)]
        else:
            continue
        if not rest:
            continue
        if has_cjk(word):
            if rest[edge] in _BOUND_ZH:
                continue
        # An English name stands as a word: "dancebruno" is not addressed.
        elif beside.isalnum() or rest.split()[edge] in _BOUND_EN:
            continue
        return replace(clause, text=rest)
    return clause


@dataclass(frozen=True, slots=True)
class Dialogue:
    """An NPC's whole dialogue: who it is, its intents (in file order) and its fallback."""

    key: str
    name: str
    names: Mapping[str, str]
    strangers: Mapping[str, str]
    pitch: float
    intents: tuple[Intent, ...]
    fallback: Replies
    source: str = "<string>"
    #: Who the NPC is, for a language model's system prompt (``[npc] persona``; may be empty).
    persona: str = ""
    #: Templates wrapping an answer borrowed from another NPC ({answer} is the answer).
    borrowed: Replies = field(default_factory=dict)
    #: The key of the NPC whose shared intents this one borrows (``[npc] borrow``).
    lender: str | None = None
    #: The topic "show me some code" is about when nothing was talked about yet.
    default_topic: str | None = None
    #: What else the player may call the NPC ("baker", "面包师"), besides its names.
    titles: tuple[str, ...] = ()
    #: Replies to a question no intent matches: an honest "I don't know that" (``[unknown]``;
    #: empty: the fallback answers it too).
    unknown: Replies = field(default_factory=dict)
    #: Its greeting when the player comes back (``[welcome_back]``; {quest} is the quest
    #: step on now), and with no quest left (``[welcome_back.free]``). Empty: it greets
    #: as the first time.
    welcome_back: Replies = field(default_factory=dict)
    welcome_back_free: Replies = field(default_factory=dict)
    index: IntentIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = IntentIndex(
            [[normalise(e) for e in intent.examples] for intent in self.intents],
            [intent.keywords for intent in self.intents],
            [intent.patterns for intent in self.intents],
        )
        object.__setattr__(self, "index", index)

    def intent(self, name: str) -> Intent | None:
        """The intent called ``name``, or ``None``."""
        return next((i for i in self.intents if i.name == name), None)

    def match(self, text: str) -> Match:
        """What ``text`` means, without the conversation so far (the brain adds that)."""
        language, clauses = understand(text, self.index.correct)
        # "good morning, Ada": a clause that only calls the NPC by name means nothing.
        vocative = {normalise(n) for n in (*self.names.values(), *self.titles)}
        clauses = [_unaddressed(clause, vocative) for clause in clauses]
        # A line that is only the name ("老板", "bruno?") is still read: it calls for attention.
        spoken = [clause for clause in clauses if clause.text not in vocative] or clauses
        readings = [self._read(clause) for clause in spoken]
        if not readings:
            return Match(None, language)
        best = max(readings, key=_Reading.rank)
        name = next((r.clause.name for r in reversed(readings) if r.clause.name), None)
        kind, followup = best.clause.kind, best.followup
        if followup is not None:
            # "and a trigger, once more?": the follow-up asks about the topic next to it.
            topical = [r for r in readings if r.intent is not None and r.intent.topic]
            if topical:
                kind, followup = ("what" if followup == "again" else followup), None
                best = max(topical, key=_Reading.rank)
        return Match(
            best.intent,
            language,
            name=name,
            kind=kind,
            act=best.clause.act,
            followup=followup,
            score=best.score,
            clause=best.clause.text,
            also=best.also,
        )

    def _read(self, clause: Clause) -> _Reading:
        if clause.name is not None:
            remember = next((i for i in self.intents if i.remember_name), None)
            if remember is not None:
                return _Reading(clause, remember, 1.0, None)
        compared = self._compare(clause)
        if compared is not None:
            return compared
        ranked = self.index.score(clause.text)
        top = ranked[0] if ranked and ranked[0].score >= THRESHOLD else None
        intent = self.intents[top.intent] if top is not None else None
        weak = intent is None or not intent.topic or top is None or top.score < STRONG
        # "what's my name again?" asks for the name; "再讲一遍好吗" only looks like "你好吗".
        clear = intent is not None and not intent.social and top is not None and top.score >= STRONG
        if (
            clause.followup
            and clause.kind is not None
            and weak
            and not (clause.kind == "again" and clear)
        ):
            return _Reading(clause, None, 0.0, clause.kind)
        if clause.kind == "again" and not clear and (intent is None or not intent.topic):
            # "再讲一遍好吗" is not "你好吗": asking again is a follow-up unless the
            # clause clearly asks for something else.
            return _Reading(clause, None, 0.0, clause.kind)
        if intent is None and clause.kind in ("code", "example", "more"):
            # "代码长什么样", "show me what that looks like in code": about the last topic.
            return _Reading(clause, None, 0.0, clause.kind)
        if intent is None and clause.kind is not None and self._elliptical(clause):
            # "why is it free?", "为什么不要钱？": a question about what was just said.
            return _Reading(clause, None, 0.0, clause.kind)
        if intent is not None and intent.remember_name:
            # An introduction without a name the understanding accepted ("I'm cool"):
            # the next best intent, if any, answers it.
            rest = [s for s in ranked[1:] if s.score >= THRESHOLD]
            intent = self.intents[rest[0].intent] if rest else None
            top = rest[0] if rest else None
        return _Reading(clause, intent, top.score if top is not None else 0.0, None)

    def _compare(self, clause: Clause) -> _Reading | None:
        """Two topics compared ("the loop vs the bus", "回调和 promise 有什么区别"): each
        side is matched on its own, so the comparison words decide nothing."""
        if not _COMPARE.search(clause.text):
            return None
        sides = [s for s in _SIDES.split(_COMPARE.sub("|", clause.text)) if s.strip()]
        if len(sides) != 2:
            return None
        found = []
        for side in sides:
            ranked = self.index.score(side)
            if not ranked or ranked[0].score < SIDE_THRESHOLD:
                return None
            found.append((self.intents[ranked[0].intent], ranked[0].score))
        (first, score), (second, _) = found
        if first is second or not (first.topic and second.topic):
            return None
        return _Reading(clause, first, score, None, also=second)

    def _elliptical(self, clause: Clause) -> bool:
        """Whether a clause leans on what was said before: a pronoun, a "why" of three
        words or fewer ("why so cheap?"), or a short Chinese why/example/code question
        with its topic left out, every character one the examples use (为什么不要钱;
        not 怎么做红烧肉, nor 怎么跟人说话, a new question)."""
        text = clause.text
        if _PRONOUN.search(text):
            return True
        if clause.kind == "why" and not has_cjk(text) and len(text.split()) <= 3:
            return True  # "why so cheap?"
        return (
            has_cjk(text)
            and len(text) <= 6
            and clause.kind != "how"
            and self.index.knows_characters(text)
        )


def fill(template: str, values: Mapping[str, object]) -> str:
    """Fill a validated reply template; a value missing from ``values`` shows as ``?``.

    ``{n:one|many}`` / ``{n:zero|one|many}`` pick a form by the number ``n`` (``#`` in
    the form is the number); a value that is not a whole number takes the last form.
    """
    return _FORMATTER.vformat(template, (), _Facts(values))


class _Facts(dict[str, object]):
    def __missing__(self, key: str) -> object:
        return "?"


class _PluralFormatter(string.Formatter):
    def format_field(self, value: object, format_spec: str) -> str:
        if not format_spec:
            return str(value)
        forms = format_spec.split("|")
        try:
            number = int(str(value).strip())
        except ValueError:
            number = None
        if len(forms) == 3 and number == 0:
            form = forms[0]
        elif number == 1:
            form = forms[-2]
        else:
            form = forms[-1]
        return form.replace("#", str(value))


_FORMATTER = _PluralFormatter()


# -- loading ----------------------------------------------------------------------------------


def dialogue_files() -> dict[str, Path]:
    """The bundled dialogue files by NPC key (the file name without ``.toml``), sorted."""
    folder = asset_path("dialogue")
    return {path.stem: path for path in sorted(folder.glob("*.toml"))}


def load_npc(key: str) -> Dialogue:
    """Load a bundled NPC's dialogue by key (``"guide"``) or by its name (``"Ada"``), any case.

    Raises ``KeyError`` naming the NPCs available when there is no such NPC, and
    :class:`DialogueError` when its file is malformed.
    """
    files = dialogue_files()
    for stem, path in files.items():
        if stem.casefold() == key.casefold():  # as names are: --chat GUIDE is --chat guide
            return load_dialogue(path)
    for path in files.values():
        dialogue = load_dialogue(path)
        if key.casefold() in {n.casefold() for n in dialogue.names.values()}:
            return dialogue
    raise KeyError(f"no NPC {key!r}; available: {', '.join(files) or 'none'}")


def load_dialogue(path: str | Path) -> Dialogue:
    """Read and validate one dialogue file (and the file it borrows from, in the same
    folder); raises :class:`DialogueError` on any problem."""
    path = Path(path)
    dialogue = parse_dialogue(_read(path), source=str(path), key=path.stem)
    lender_key = dialogue.lender
    if lender_key is None:
        return dialogue
    lender_path = path.with_name(f"{lender_key}.toml")
    if lender_key == path.stem or not lender_path.is_file():
        raise DialogueError(
            str(path),
            "[npc]",
            f"'borrow' names {lender_key!r}, but there is no {lender_path.name} beside it",
        )
    lender = parse_dialogue(_read(lender_path), source=str(lender_path), key=lender_key)
    return _with_borrowed(dialogue, lender)


def _read(path: Path) -> str:
    try:
        return read_text(path, limit=MAX_DIALOGUE_BYTES)
    except DataFileError as exc:
        where = f"line {exc.line}" if exc.line is not None else None
        raise DialogueError(str(path), where, exc.problem) from None


def _with_borrowed(dialogue: Dialogue, lender: Dialogue) -> Dialogue:
    own = {intent.name for intent in dialogue.intents}
    extra = tuple(
        _replace(intent, borrowed=True)
        for intent in lender.intents
        if intent.share and intent.name not in own
    )
    return Dialogue(
        key=dialogue.key,
        name=dialogue.name,
        names=dialogue.names,
        strangers=dialogue.strangers,
        pitch=dialogue.pitch,
        intents=dialogue.intents + extra,
        fallback=dialogue.fallback,
        source=dialogue.source,
        persona=dialogue.persona,
        borrowed=dialogue.borrowed,
        lender=dialogue.lender,
        default_topic=dialogue.default_topic or lender.default_topic,
        titles=dialogue.titles,
        unknown=dialogue.unknown,
        welcome_back=dialogue.welcome_back,
        welcome_back_free=dialogue.welcome_back_free,
    )


def _replace(intent: Intent, **changes: Any) -> Intent:
    values = {name: getattr(intent, name) for name in Intent.__slots__}
    values.update(changes)
    return Intent(**values)


def parse_dialogue(text: str, *, source: str = "<string>", key: str = "npc") -> Dialogue:
    """Validate dialogue TOML ``text``; ``source`` names it in errors. A file that
    borrows from another NPC gets the borrowed intents only through
    :func:`load_dialogue`."""
    try:
        data = parse_toml(text, source=source)
    except DataFileError as exc:
        # A syntax error's message carries "(at line L, column C)".
        where = f"line {exc.line}" if exc.line is not None else None
        raise DialogueError(
            source, where, exc.problem.replace("not valid TOML", "TOML syntax error")
        ) from None
    return _Parser(source).dialogue(data, key)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, where: str | None, problem: str) -> DialogueError:
        return DialogueError(self.source, where, problem)

    def dialogue(self, data: dict[str, Any], key: str) -> Dialogue:
        self.unknown_keys(None, data, _TOP_KEYS)
        npc = self.table(None, data, "npc")
        self.unknown_keys("[npc]", npc, _NPC_KEYS)
        name = self.text("[npc]", npc, "name")
        names = {"en": name, "zh": self.text("[npc]", npc, "name_zh", default=name)}
        strangers = {
            "en": self.text("[npc]", npc, "stranger", default="friend"),
            "zh": self.text("[npc]", npc, "stranger_zh", default="朋友"),
        }
        persona = npc.get("persona", "")
        if not isinstance(persona, str):
            raise self.error("[npc]", f"'persona' must be a string, not {persona!r}")
        pitch = npc.get("pitch", 440.0)
        if isinstance(pitch, bool) or not isinstance(pitch, int | float) or not 50 <= pitch <= 4000:
            raise self.error("[npc]", f"'pitch' must be hertz in 50..4000, not {pitch!r}")

        fallback_table = self.table(None, data, "fallback")
        self.unknown_keys("[fallback]", fallback_table, set(LANGUAGES))
        fallback = self.replies("[fallback]", fallback_table)
        unknown: Replies = {}
        if "unknown" in data:
            unknown_table = self.table(None, data, "unknown")
            self.unknown_keys("[unknown]", unknown_table, set(LANGUAGES))
            unknown = self.replies("[unknown]", unknown_table)

        borrowed: Replies = {}
        lender = None
        if "borrow" in npc:
            lender = self.text("[npc]", npc, "borrow")
            if "borrowed" not in data:
                raise self.error("[npc]", "'borrow' needs a [borrowed] table with {answer} replies")
            table = self.table(None, data, "borrowed")
            self.unknown_keys("[borrowed]", table, set(LANGUAGES))
            borrowed = self.replies("[borrowed]", table, extra={"answer"}, needs={"answer"})
        elif "borrowed" in data:
            raise self.error("[borrowed]", "only a file whose [npc] has 'borrow' may have it")

        welcome_back: Replies = {}
        welcome_back_free: Replies = {}
        if "welcome_back" in data:
            table = self.table(None, data, "welcome_back")
            self.unknown_keys("[welcome_back]", table, {*LANGUAGES, "free"})
            welcome_back = self.replies("[welcome_back]", table, extra={"quest"}, needs={"quest"})
            free = self.table("[welcome_back]", table, "free")
            self.unknown_keys("[welcome_back.free]", free, set(LANGUAGES))
            welcome_back_free = self.replies("[welcome_back.free]", free)

        intents_table = self.table(None, data, "intents")
        if not intents_table:
            raise self.error("[intents]", "no intents: add at least one [intents.NAME] table")
        intents = tuple(
            self.intent(intent_name, body, names) for intent_name, body in intents_table.items()
        )
        remembering = [i.name for i in intents if i.remember_name]
        if len(remembering) > 1:
            raise self.error(
                "[intents]", f"only one intent may have remember_name, not {', '.join(remembering)}"
            )
        default_topic = npc.get("default_topic")
        if default_topic is not None:
            topics = {i.name for i in intents if i.topic}
            if default_topic not in topics and "borrow" not in npc:
                raise self.error(
                    "[npc]", f"'default_topic' {default_topic!r} is not a topic intent of this file"
                )
        return Dialogue(
            key=key,
            name=name,
            names=names,
            strangers=strangers,
            pitch=float(pitch),
            intents=intents,
            fallback=fallback,
            source=self.source,
            borrowed=borrowed,
            lender=lender,
            default_topic=default_topic,
            titles=tuple(self.strings("[npc]", npc, "titles")),
            persona=persona.strip(),
            unknown=unknown,
            welcome_back=welcome_back,
            welcome_back_free=welcome_back_free,
        )

    def intent(self, name: str, body: object, names: Mapping[str, str]) -> Intent:
        where = f"intent {name!r}"
        if not isinstance(body, dict):
            raise self.error(where, f"must be a table, not {type(body).__name__}")
        self.unknown_keys(where, body, _INTENT_KEYS)
        priority = body.get("priority", 0)
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise self.error(where, f"'priority' must be an integer, not {priority!r}")
        action = body.get("action")
        if action is not None and action not in ACTIONS:
            raise self.error(
                where, f"unknown action {action!r}; known: {', '.join(sorted(ACTIONS))}"
            )
        flags = {}
        for flag in ("remember_name", "social", "share", "topic"):
            value = body.get(flag, False)
            if not isinstance(value, bool):
                raise self.error(where, f"'{flag}' must be true or false, not {value!r}")
            flags[flag] = value
        live = body.get("live")
        if live is not None and live not in LIVE_QUESTIONS:
            raise self.error(
                where, f"unknown 'live' {live!r}; known: {', '.join(sorted(LIVE_QUESTIONS))}"
            )
        needs = body.get("needs")
        if needs is not None and needs not in _NEEDS and not _STEP_NEED.fullmatch(str(needs)):
            raise self.error(
                where,
                f"unknown 'needs' {needs!r}; known: {', '.join(sorted(_NEEDS))}, "
                "or 'step:QUEST/STEP' (a quest step's ids)",
            )
        examples = self.strings(where, body, "examples")
        if examples:
            for language, has in (
                ("en", not all(has_cjk(e) for e in examples)),
                ("zh", any(has_cjk(e) for e in examples)),
            ):
                if not has:
                    raise self.error(
                        where, f"'examples' needs at least one {language} phrasing (both languages)"
                    )
        keywords = [normalise(k) for k in self.strings(where, body, "keywords")]
        regexes = self.strings(where, body, "patterns")
        if not examples and not keywords and not regexes and not flags["remember_name"]:
            raise self.error(where, "needs 'examples', 'keywords' or 'patterns' to be recognised")
        patterns = []
        for regex in regexes:
            try:
                patterns.append(compile_bounded(regex, re.IGNORECASE, max_input=MAX_LINE))
            except UnsafePattern as exc:
                kind = "bad" if exc.bad else "unsafe"
                raise self.error(where, f"{kind} regular expression {regex!r:.80}: {exc}") from None
        answers: dict[str, Replies] = {"what": self.replies(where, body)}
        for kind in ANSWER_TABLES:
            if kind in body:
                table = body[kind]
                if not isinstance(table, dict):
                    raise self.error(where, f"'{kind}' must be a table with en and zh replies")
                self.unknown_keys(f"{where}, [{kind}]", table, set(LANGUAGES))
                answers[kind] = self.replies(f"{where}, [{kind}]", table)
        if action is not None and "stop" not in answers:
            raise self.error(
                where, "an intent with an 'action' needs [stop] replies (\"stop dancing\")"
            )
        if needs is not None and "unknown" not in answers:
            raise self.error(
                where, f"'needs = {needs!r}' needs [unknown] replies for when it is not known"
            )
        topic = flags["topic"] or any(kind in answers for kind in KINDS[1:])
        return Intent(
            name=name,
            answers=answers,
            examples=tuple(examples),
            keywords=tuple(keyword_patterns(keywords)),
            patterns=tuple(patterns),
            priority=priority,
            action=action,
            remember_name=flags["remember_name"],
            needs=needs,
            social=flags["social"],
            share=flags["share"],
            topic=topic,
            names=names,
            live=live,
        )

    def replies(
        self,
        where: str,
        body: dict[str, Any],
        *,
        extra: set[str] | None = None,
        needs: set[str] | None = None,
    ) -> dict[str, tuple[str, ...]]:
        result: dict[str, tuple[str, ...]] = {}
        for language in LANGUAGES:
            replies = self.strings(where, body, language)
            if not replies:
                raise self.error(where, f"missing replies: '{language}' needs at least one")
            for reply in replies:
                used = self.check_template(where, language, reply, extra or set())
                for name in sorted((needs or set()) - used):
                    raise self.error(where, f"{language} reply {reply!r} must use {{{name}}}")
            result[language] = tuple(replies)
        return result

    def check_template(self, where: str, language: str, reply: str, extra: set[str]) -> set[str]:
        try:
            parts = list(string.Formatter().parse(reply))
        except ValueError as exc:
            raise self.error(
                where, f"bad braces in {language} reply {reply!r}: {exc} (write {{{{ for a brace)"
            ) from exc
        known = PLACEHOLDERS | extra
        used = set()
        for _, name, spec, conversion in parts:
            if name is None:
                continue
            if name not in known:
                raise self.error(
                    where,
                    f"unknown placeholder {{{name}}} in {language} reply {reply!r}; "
                    f"known: {', '.join(sorted(known))}",
                )
            used.add(name)
            if conversion or (spec and name not in NUMBER_FACTS):
                raise self.error(
                    where, f"placeholder {{{name}}} in {language} reply {reply!r} takes no format"
                )
            if spec and not 2 <= len(spec.split("|")) <= 3:
                raise self.error(
                    where,
                    f"placeholder {{{name}:{spec}}} in {language} reply {reply!r}: write "
                    "one|many or zero|one|many forms",
                )
        return used

    def table(self, where: str | None, data: dict[str, Any], key: str) -> dict[str, Any]:
        if key not in data:
            raise self.error(where, f"missing [{key}] table")
        value = data[key]
        if not isinstance(value, dict):
            raise self.error(where, f"'{key}' must be a table, not {type(value).__name__}")
        return value

    def text(self, where: str, data: dict[str, Any], key: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if value is None:
            raise self.error(where, f"missing '{key}'")
        if not isinstance(value, str) or not value.strip():
            raise self.error(where, f"'{key}' must be a non-empty string, not {value!r}")
        return value

    def strings(self, where: str, data: dict[str, Any], key: str) -> list[str]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(where, f"'{key}' must be a list of non-empty strings, not {value!r}")
        return value

    def unknown_keys(self, where: str | None, data: dict[str, Any], known: set[str]) -> None:
        unknown = sorted(set(data) - known)
        if unknown:
            raise self.error(
                where,
                f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                f"expected: {', '.join(sorted(known))}",
            )
