"""The NPC conversation evaluation (issue 13): does a reply say what a player needs?

The set lives in ``tests/conversations/*.toml``: short conversations with Ada (``guide``)
and Bruno (``baker``), each line with the meaning a good reply must have, written down
before any reply was seen. A line passes when every check of it holds; the score is
the share of lines that pass, overall, per category and per language.

Each conversation runs against a fresh brain, either in this process through the
:class:`~game.npc.brain.Brain` protocol (``--via brain``, the default, built exactly as
``python -m game --chat`` builds it) or through the real command line, one
``python -m game --chat NPC --seed N --fact KEY=VALUE…`` process per conversation
(``--via cli``). ``--via both`` runs both and reports any line where they disagree.

Usage::

    python -m tests.conversation_eval              # the scores
    python -m tests.conversation_eval --show       # and every failing line with its reply
    python -m tests.conversation_eval --via both   # both paths; disagreements listed

The format (read by :func:`load_set`, which names file, conversation and line in every
error) is described in ``tests/conversations/README.md``.
"""

from __future__ import annotations

import argparse
import io
import logging
import random
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "conversations"
VOCAB_FILE = "vocab.toml"

#: The fault kinds of issue 13 (1–10), then lines that are none of them.
CATEGORIES = (
    "name-capture",  # 1 a question, negation or adjective taken as the player's name
    "name-recall",  # 2 asking for one's name back
    "context",  # 3 follow-ups: example, why, more, again
    "compound",  # 4 a greeting (or thanks, a name) plus a question
    "negation",  # 5 stop dancing, don't follow me
    "meaning",  # 6 the meaning, not the longest keyword
    "variety",  # 7 the right answer again, not another topic's
    "gaps",  # 8 what the NPCs did not know
    "time-numbers",  # 9 time of day, 1 and many
    "robustness",  # 10 Traditional Chinese, typos, shorthand, informal introductions
    "knowledge",  # what the NPC plainly should know
    "social",  # small talk
    "unknown",  # what the NPC cannot know: an honest "I don't know / ask me about X"
)
#: The player's language: English, Simplified and Traditional Chinese, or both in one line.
LANGUAGES = ("en", "zh", "zh-Hant", "mixed")
NPCS = ("guide", "baker")
#: What a reply asks the NPC to do. "stop" is any action named stop…/unfollow/halt…;
#: "any" does not check.
ACTIONS = ("dance", "follow", "stop", "none", "any")
REPLY_LANGS = ("en", "zh", "any")
DEFAULT_REPLY_LANG = {"en": "en", "zh": "zh", "zh-Hant": "zh", "mixed": "any"}
#: The only facts ``--fact`` accepts today (game/cli.py: the dialogue placeholders).
FACT_KEYS = ("score", "coins_left", "coins_total", "clock")

_CONVERSATION_KEYS = {"id", "npc", "facts", "names", "seed", "line"}
_LINE_KEYS = {"say", "language", "category", "meaning", "any", "all", "none", "lang"}
_LINE_KEYS |= {"action", "fallback"}
_DONTKNOW = "@dontknow"


class EvalDataError(ValueError):
    """A conversation file is wrong; the message names file, conversation and line."""


@dataclass(frozen=True)
class Line:
    """One player line and what a good reply to it must (and must not) say."""

    say: str
    language: str
    category: str
    meaning: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    lang: str = "any"
    action: tuple[str, ...] = ("none",)
    fallback: bool = False
    where: str = ""


@dataclass(frozen=True)
class Conversation:
    """Lines said in order to one NPC that starts fresh, with the game facts of the moment."""

    id: str
    npc: str
    lines: tuple[Line, ...]
    facts: Mapping[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()
    seed: int = 0
    where: str = ""


@dataclass(frozen=True)
class EvalSet:
    """The conversations, and the named alternatives (``@name``) their checks use."""

    conversations: tuple[Conversation, ...]
    vocab: Mapping[str, tuple[str, ...]]
    #: Phrases that mark a reply as "I did not understand", beside the NPC's own fallbacks.
    fallback_markers: tuple[str, ...]

    @property
    def lines(self) -> list[Line]:
        return [line for conversation in self.conversations for line in conversation.lines]


@dataclass(frozen=True)
class Reply:
    """What the NPC said to a line and the action (normalised) it asked for."""

    text: str
    action: str = "none"


@dataclass(frozen=True)
class Verdict:
    line: Line
    conversation: Conversation
    reply: Reply
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


# -- loading and validating ------------------------------------------------------------


def _strings(value: object, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise EvalDataError(f"{where}: '{key}' must be a non-empty string or a list of them")
    return tuple(value)


def _check_patterns(patterns: Iterable[str], vocab: Mapping[str, object], where: str) -> None:
    for pattern in patterns:
        if pattern.startswith("@"):
            if pattern != _DONTKNOW and pattern[1:] not in vocab:
                known = ", ".join(sorted(vocab))
                raise EvalDataError(f"{where}: unknown alternatives {pattern!r}; known: {known}")
            continue
        try:
            re.compile(pattern)
        except re.error as exc:
            raise EvalDataError(f"{where}: bad regular expression {pattern!r}: {exc}") from None


def _line(raw: object, vocab: Mapping[str, object], where: str) -> Line:
    if not isinstance(raw, dict):
        raise EvalDataError(f"{where}: a line must be a table")
    unknown = set(raw) - _LINE_KEYS
    if unknown:
        expected = ", ".join(sorted(_LINE_KEYS))
        raise EvalDataError(f"{where}: unknown key {sorted(unknown)[0]!r}; expected: {expected}")
    for key in ("say", "language", "category", "meaning"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise EvalDataError(f"{where}: '{key}' is missing (a non-empty string)")
    say = raw["say"]
    if "\n" in say or say != say.strip():
        raise EvalDataError(f"{where}: 'say' must be one line without outer spaces")
    if raw["language"] not in LANGUAGES:
        raise EvalDataError(f"{where}: language {raw['language']!r} is not one of {LANGUAGES}")
    if raw["category"] not in CATEGORIES:
        raise EvalDataError(f"{where}: category {raw['category']!r} is not one of {CATEGORIES}")
    checks = {key: _strings(raw[key], where, key) for key in ("any", "all", "none") if key in raw}
    for patterns in checks.values():
        _check_patterns(patterns, vocab, where)
    lang = raw.get("lang", DEFAULT_REPLY_LANG[raw["language"]])
    if lang not in REPLY_LANGS:
        raise EvalDataError(f"{where}: lang {lang!r} is not one of {REPLY_LANGS}")
    action = _strings(raw.get("action", "none"), where, "action")
    if bad := [a for a in action if a not in ACTIONS]:
        raise EvalDataError(f"{where}: action {bad[0]!r} is not one of {ACTIONS}")
    fallback = raw.get("fallback", False)
    if not isinstance(fallback, bool):
        raise EvalDataError(f"{where}: 'fallback' must be true or false")
    return Line(
        say=say,
        language=raw["language"],
        category=raw["category"],
        meaning=raw["meaning"],
        lang=lang,
        action=action,
        fallback=fallback,
        where=where,
        **checks,
    )


def _conversation(raw: object, vocab: Mapping[str, object], where: str) -> Conversation:
    if not isinstance(raw, dict):
        raise EvalDataError(f"{where}: a conversation must be a table")
    if not isinstance(raw.get("id"), str) or not raw["id"]:
        raise EvalDataError(f"{where}: 'id' is missing (a non-empty string)")
    where = f"{where.rsplit(':', 1)[0]}: conversation {raw['id']!r}"
    unknown = set(raw) - _CONVERSATION_KEYS
    if unknown:
        expected = ", ".join(sorted(_CONVERSATION_KEYS))
        raise EvalDataError(f"{where}: unknown key {sorted(unknown)[0]!r}; expected: {expected}")
    if raw.get("npc") not in NPCS:
        raise EvalDataError(f"{where}: npc {raw.get('npc')!r} is not one of {NPCS}")
    facts = raw.get("facts", {})
    if not isinstance(facts, dict):
        raise EvalDataError(f"{where}: 'facts' must be a table")
    for key, value in facts.items():
        if key not in FACT_KEYS:
            raise EvalDataError(f"{where}: unknown fact {key!r}; --fact accepts {FACT_KEYS}")
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise EvalDataError(f"{where}: fact {key!r} must be a string or a whole number")
    names = _strings(raw["names"], where, "names") if "names" in raw else ()
    seed = raw.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise EvalDataError(f"{where}: 'seed' must be a whole number")
    lines = raw.get("line")
    if not isinstance(lines, list) or not 3 <= len(lines) <= 10:
        raise EvalDataError(f"{where}: needs 3 to 10 [[conversation.line]] tables")
    return Conversation(
        id=raw["id"],
        npc=raw["npc"],
        facts={key: str(value) for key, value in facts.items()},
        names=names,
        seed=seed,
        lines=tuple(_line(line, vocab, f"{where}, line {i}") for i, line in enumerate(lines, 1)),
        where=where,
    )


def _read_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise EvalDataError(f"{path.name}: {exc}") from None


def _vocab(path: Path) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    data = _read_toml(path)
    groups = data.get("alternatives")
    if not isinstance(groups, dict):
        raise EvalDataError(f"{path.name}: needs an [alternatives] table")
    vocab = {name: _strings(v, f"{path.name}: {name}", name) for name, v in groups.items()}
    markers = _strings(data.get("fallback_markers"), f"{path.name}", "fallback_markers")
    for name, patterns in vocab.items():
        _check_patterns(patterns, {}, f"{path.name}: alternatives {name!r}")
    _check_patterns(markers, {}, f"{path.name}: fallback_markers")
    return vocab, markers


def load_set(folder: Path = DATA) -> EvalSet:
    """Read and validate every conversation file in ``folder`` (and its ``vocab.toml``)."""
    vocab, markers = _vocab(folder / VOCAB_FILE)
    conversations: list[Conversation] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.name == VOCAB_FILE:
            continue
        data = _read_toml(path)
        if set(data) != {"conversation"} or not isinstance(data["conversation"], list):
            raise EvalDataError(f"{path.name}: expected only [[conversation]] tables")
        for i, raw in enumerate(data["conversation"], 1):
            conversation = _conversation(raw, vocab, f"{path.name}: conversation {i}")
            if conversation.id in seen:
                raise EvalDataError(
                    f"{conversation.where}: the id is used twice (also in {seen[conversation.id]})"
                )
            seen[conversation.id] = path.name
            conversations.append(conversation)
    if not conversations:
        raise EvalDataError(f"{folder}: no conversations")
    return EvalSet(tuple(conversations), vocab, markers)


# -- judging a reply ------------------------------------------------------------------


def normalise(text: str) -> str:
    """NFKC and single spaces, as ``--chat`` prints a reply (full-width becomes ASCII)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
#: Chinese characters enough for a sentence: a reply with this many is Chinese whatever
#: code it quotes (an English one has at most a name or a quoted word or two).
_CJK_SENTENCE = 8
_CODE = re.compile(r"`[^`]*`|\b\w+\([^()]*\)|\b\w*_\w*\b|\b\w+\.\w+\b")


def reply_language(text: str, names: Iterable[str] = ()) -> str:
    """ "zh" or "en": the script most of the reply is in (code and the player's names aside).

    A Chinese reply may quote code (``after(2.0, callback)``) and an English one the
    player's Chinese name, so those are removed first; then Chinese characters are
    counted against Latin words: "你好，Sam！" is Chinese, "Hi, Li Lei, welcome!" English,
    and eight or more Chinese characters make a reply Chinese whatever code it shows.
    """
    for name in names:
        text = text.replace(name, " ")
    text = _CODE.sub(" ", text)
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    # A Chinese sentence around a code snippet still makes a Chinese reply.
    return "zh" if cjk >= _CJK_SENTENCE or (cjk and cjk >= latin) else "en"


def _template_regex(template: str) -> re.Pattern[str]:
    # A fallback reply as written in the dialogue file, placeholders matching anything.
    parts = re.split(r"\{[a-z_]+\}", template.replace("{{", "{").replace("}}", "}"))
    body = r".{0,40}?".join(re.escape(normalise(part)) for part in parts)
    return re.compile(rf"^\s*{body}\s*$", re.IGNORECASE | re.DOTALL)


def _strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings_in(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings_in(item)]
    return []


def npc_fallbacks(npc: str) -> list[re.Pattern[str]]:
    """The NPC's own fallback replies, read from its dialogue file if it has a [fallback]."""
    path = ROOT / "assets" / "dialogue" / f"{npc}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    return [_template_regex(t) for t in _strings_in(data.get("fallback", {})) if t.strip()]


class Judge:
    """Checks replies against lines: regular expressions, any case, on the normalised reply."""

    def __init__(self, evalset: EvalSet) -> None:
        self.vocab = evalset.vocab
        self.markers = [re.compile(m, re.IGNORECASE) for m in evalset.fallback_markers]
        self._fallbacks = {npc: npc_fallbacks(npc) for npc in NPCS}
        self._cache: dict[str, re.Pattern[str]] = {}

    def _regex(self, pattern: str) -> re.Pattern[str]:
        if pattern not in self._cache:
            self._cache[pattern] = re.compile(pattern, re.IGNORECASE)
        return self._cache[pattern]

    def is_fallback(self, text: str, npc: str) -> bool:
        """Whether ``text`` says "I did not understand" (the NPC's fallback or its like)."""
        text = normalise(text)
        return any(p.search(text) for p in self.markers) or any(
            p.match(text) for p in self._fallbacks[npc]
        )

    def found(self, pattern: str, text: str, npc: str) -> bool:
        """Whether ``pattern`` (a regex, or ``@name`` for any of a group) occurs in ``text``."""
        if pattern == _DONTKNOW:
            return self.is_fallback(text, npc) or any(
                self._regex(p).search(text) for p in self.vocab["dontknow"]
            )
        if pattern.startswith("@"):
            return any(self._regex(p).search(text) for p in self.vocab[pattern[1:]])
        return bool(self._regex(pattern).search(text))

    def judge(self, line: Line, conversation: Conversation, reply: Reply) -> Verdict:
        npc = conversation.npc
        text = normalise(reply.text)
        problems: list[str] = []
        if not text:
            problems.append("no reply")
        if line.lang != "any" and (got := reply_language(text, conversation.names)) != line.lang:
            problems.append(f"reply in {got}, expected {line.lang}")
        if not line.fallback and self.is_fallback(text, npc):
            problems.append("a fallback where the NPC should understand")
        if line.any and not any(self.found(p, text, npc) for p in line.any):
            problems.append(f"none of {list(line.any)}")
        problems += [f"missing {p!r}" for p in line.all if not self.found(p, text, npc)]
        problems += [f"must not say {p!r}" for p in line.none if self.found(p, text, npc)]
        if "any" not in line.action and reply.action not in line.action:
            problems.append(f"action {reply.action}, expected {' or '.join(line.action)}")
        return Verdict(line, conversation, reply, tuple(problems))


_STOP = re.compile(r"^(?:stop|unfollow|halt|cancel|end|quit|stay)", re.IGNORECASE)


def normalise_action(action: object) -> str:
    """The brain's action as a check names it: dance, follow, stop (any stop…) or none."""
    if action is None or action == "":
        return "none"
    name = str(action).strip().lower()
    return "stop" if _STOP.match(name) else name


# -- running conversations ---------------------------------------------------------------

Runner = Callable[[Conversation], list[Reply]]


def _collector() -> Any:
    """Reply callbacks that keep the final text (or the apology), as the terminal chat does."""
    from game.npc.brain import Unheard

    class Collect(Unheard):
        text: str | None = None

        def on_end(self, text: str) -> None:
            self.text = text

        def on_error(self, message: str) -> None:
            self.text = message

    return Collect()


def run_in_process(conversation: Conversation) -> list[Reply]:
    """A fresh brain, built as ``--chat`` builds it, asked each line through ``Brain.ask``.

    This mirrors ``game.npc.terminal.run_chat`` (the brain, its seed, the facts over
    ``CHAT_FACTS``); ``--via both`` and ``test_both_paths_agree`` catch any drift.
    """
    from game.npc.brain import ChatContext
    from game.npc.dialogue import load_npc
    from game.npc.rule_brain import RuleBrain
    from game.npc.terminal import CHAT_FACTS

    dialogue = load_npc(conversation.npc)
    brain = RuleBrain(dialogue, random.Random(conversation.seed), tokens="whole")
    context = ChatContext(npc_name=dialogue.name, facts={**CHAT_FACTS, **conversation.facts})
    replies = []
    for line in conversation.lines:
        callbacks = _collector()
        request = brain.ask(line.say, context, callbacks)
        if request.active:
            raise RuntimeError(f"{conversation.where}: the brain did not answer at once")
        text = " ".join((callbacks.text or "").split())
        replies.append(Reply(text, normalise_action(request.action)))
    return replies


_ACTION_LOG = re.compile(r"\bwould (.+?) now\s*$")
_LOG_LEVEL = re.compile(r"^(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) ")


def cli_command(conversation: Conversation) -> list[str]:
    """The ``python -m game --chat`` command line for ``conversation``."""
    command = [sys.executable, "-m", "game", "--chat", conversation.npc]
    command += ["--seed", str(conversation.seed)]
    for key, value in conversation.facts.items():
        command += ["--fact", f"{key}={value}"]
    return command


def run_cli(conversation: Conversation) -> list[Reply]:
    """One ``python -m game --chat`` process for the conversation; replies from stdout.

    stderr is merged into stdout so each action log line (``Ada would dance now``) stays
    in order before the reply it belongs to (both streams flush per line).
    """
    result = subprocess.run(
        cli_command(conversation),
        input="".join(line.say + "\n" for line in conversation.lines),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{conversation.where}: --chat exited {result.returncode}: "
            f"{result.stdout.strip()[-500:]}"
        )
    replies: list[Reply] = []
    action = "none"
    for out in result.stdout.splitlines():
        if _LOG_LEVEL.match(out):
            if found := _ACTION_LOG.search(out):
                action = normalise_action(found.group(1))
            continue
        name, sep, text = out.partition(": ")
        if sep and name and " " not in name:
            replies.append(Reply(text, action))
            action = "none"
    if len(replies) != len(conversation.lines):
        raise RuntimeError(
            f"{conversation.where}: {len(conversation.lines)} lines but {len(replies)} replies"
        )
    return replies


RUNNERS: dict[str, Runner] = {"brain": run_in_process, "cli": run_cli}


def evaluate(evalset: EvalSet, runner: Runner = run_in_process) -> list[Verdict]:
    """Run every conversation with ``runner`` and judge every reply."""
    judge = Judge(evalset)
    verdicts = []
    for conversation in evalset.conversations:
        replies = runner(conversation)
        for line, reply in zip(conversation.lines, replies, strict=True):
            verdicts.append(judge.judge(line, conversation, reply))
    return verdicts


# -- reporting -------------------------------------------------------------------------


def score(verdicts: Sequence[Verdict]) -> float:
    """The share of lines that passed, 0..1."""
    return sum(v.passed for v in verdicts) / len(verdicts) if verdicts else 0.0


def breakdown(verdicts: Sequence[Verdict], key: Callable[[Verdict], str]) -> dict[str, list[int]]:
    """``{group: [passed, total]}``."""
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for verdict in verdicts:
        counts = groups[key(verdict)]
        counts[0] += verdict.passed
        counts[1] += 1
    return dict(groups)


def _row(name: str, passed: int, total: int) -> str:
    return f"  {name:<14} {passed:>4}/{total:<4} {100 * passed / total:5.1f} %"


def report(verdicts: Sequence[Verdict], *, show: bool = False, via: str = "brain") -> str:
    """The scores as text; with ``show``, every failing line with its reply and why."""
    conversations = {v.conversation.id for v in verdicts}
    passed = sum(v.passed for v in verdicts)
    out = [
        f"conversation eval (via {via}): {len(verdicts)} lines in {len(conversations)} "
        "conversations",
        _row("overall", passed, len(verdicts)),
        "by category:",
    ]
    by_category = breakdown(verdicts, lambda v: v.line.category)
    out += [_row(c, *by_category[c]) for c in CATEGORIES if c in by_category]
    out.append("by language (of the player's line):")
    by_language = breakdown(verdicts, lambda v: v.line.language)
    out += [_row(lang, *by_language[lang]) for lang in LANGUAGES if lang in by_language]
    out.append("by NPC:")
    by_npc = breakdown(verdicts, lambda v: v.conversation.npc)
    out += [_row(npc, *by_npc[npc]) for npc in NPCS if npc in by_npc]
    failing = [v for v in verdicts if not v.passed]
    if show and failing:
        out.append(f"failing lines ({len(failing)}):")
        for v in failing:
            out += [
                f"- {v.line.where} [{v.line.category}, {v.line.language}]",
                f"    player: {v.line.say[:200]}",
                f"    wanted: {v.line.meaning}",
                f"    reply:  {v.reply.text}"
                + (f"  (action {v.reply.action})" if v.reply.action != "none" else ""),
                f"    why:    {'; '.join(v.problems)}",
            ]
    elif failing:
        out.append(f"{len(failing)} lines failed; --show lists them with their replies")
    return "\n".join(out)


def disagreements(a: Sequence[Verdict], b: Sequence[Verdict]) -> list[str]:
    """Lines whose reply or action differs between two runs of the same set."""
    return [
        f"{x.line.where}: {x.reply} != {y.reply}"
        for x, y in zip(a, b, strict=True)
        if x.reply != y.reply
    ]


def select(evalset: EvalSet, *, file: str = "", only: str = "") -> EvalSet:
    """The conversations of one file of the set (``file``: its name, e.g.
    ``heldout3_blind.toml``) whose id contains ``only`` or whose NPC is ``only``; an
    empty argument selects everything. Raises :class:`EvalDataError` naming the files
    there are when ``file`` is none of them."""
    chosen = evalset.conversations
    if file:
        name = Path(file).name
        files = sorted(p.name for p in DATA.glob("*.toml") if p.name != VOCAB_FILE)
        if name not in files:
            raise EvalDataError(f"no conversation file {name!r}; there are {', '.join(files)}")
        chosen = tuple(c for c in chosen if c.where.startswith(f"{name}:"))
    if only:
        chosen = tuple(c for c in chosen if only in c.id or only == c.npc)
    return EvalSet(chosen, evalset.vocab, evalset.fallback_markers)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.conversation_eval",
        description=("Score the NPC brain on the issue-13 conversation set."),
    )
    parser.add_argument(
        "--via",
        choices=("brain", "cli", "both"),
        default="brain",
        help="in-process Brain.ask (default), python -m game --chat, or both",
    )
    parser.add_argument("--show", action="store_true", help="list failing lines with replies")
    parser.add_argument(
        "--only",
        metavar="TEXT",
        default="",
        help="only conversations whose id or npc contains TEXT",
    )
    parser.add_argument(
        "--file",
        metavar="NAME",
        default="",
        help="only the conversations of one file of the set (e.g. heldout3_blind.toml)",
    )
    parser.add_argument(
        "--min",
        type=float,
        default=0.0,
        metavar="PERCENT",
        help="exit 1 when the overall score is below PERCENT",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        evalset = select(load_set(), file=args.file, only=args.only)
    except EvalDataError as exc:
        print(f"conversation eval: {exc}", file=sys.stderr)
        return 2
    vias = ("brain", "cli") if args.via == "both" else (args.via,)
    results = {via: evaluate(evalset, RUNNERS[via]) for via in vias}
    for via, verdicts in results.items():
        print(report(verdicts, show=args.show, via=via))
    if len(results) == 2:
        differ = disagreements(results["brain"], results["cli"])
        print(f"brain and cli disagree on {len(differ)} lines")
        for item in differ:
            print(f"  {item}")
        if differ:
            return 1
    overall = score(results[vias[0]])
    return 1 if 100 * overall < args.min else 0


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    sys.exit(main())
