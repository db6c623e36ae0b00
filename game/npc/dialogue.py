"""Dialogue as data: an NPC's intents, patterns and replies from ``assets/dialogue/*.toml``.

A file is validated completely when it is loaded; anything wrong raises one
:class:`DialogueError` naming the file, the intent and the problem, so the
game never starts with a half-loaded brain. The format is described in
``docs/npc.md``. This module imports no pygame.

Matching: the player's line is normalised (NFKC, so full-width letters and
punctuation become plain ones; curly apostrophes become straight), then every
intent's keywords and patterns are searched. English keywords match whole
words in any case; keywords with CJK characters match anywhere, since Chinese
has no spaces. Of the intents that match, the highest ``priority`` wins, then
the longest matched text, then the one written first.

Replies are trusted templates filled with :meth:`str.format_map` from a fixed
set of facts (:data:`PLACEHOLDERS`); the player's text is only ever a *value*
(their name), never a template, so typing ``{score}`` or ``}}{{`` is harmless.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.assets import asset_path
from game.engine._toml import tomllib
from game.engine.errors import DataError
from game.npc.brain import Action, has_cjk
from game.text.cjk import is_cjk_punctuation

__all__ = [
    "ACTIONS",
    "LANGUAGES",
    "PLACEHOLDERS",
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
#: The only names a reply may use in braces.
PLACEHOLDERS = frozenset({"player", "npc", "score", "coins_left", "coins_total", "clock"})
#: What an intent may ask the NPC to do (the NPC turns it into a bus event).
ACTIONS = frozenset(action.value for action in Action)
#: Longest player line that is matched; the rest is ignored (regex cost stays bounded).
MAX_INPUT = 1000
#: Longest remembered player name, in characters.
MAX_NAME = 20

_LATIN_WORD = "0-9A-Za-z\u00c0-\u024f"
_NPC_KEYS = {"name", "name_zh", "stranger", "stranger_zh", "pitch", "persona"}
_INTENT_KEYS = {"priority", "keywords", "patterns", "action", "remember_name", *LANGUAGES}
_TOP_KEYS = {"npc", "fallback", "intents"}


class DialogueError(DataError):
    """A dialogue file is malformed; the message names the file, the intent and the problem."""

    def __init__(self, source: str, where: str | None, problem: str) -> None:
        self.source = source
        self.where = where
        self.problem = problem
        place = f"{source}: {where}" if where else source
        super().__init__(f"{place}: {problem}")


@dataclass(frozen=True, slots=True)
class Intent:
    """One thing the player may mean, with the patterns that recognise it and the replies."""

    name: str
    patterns: tuple[re.Pattern[str], ...]
    replies: Mapping[str, tuple[str, ...]]
    priority: int = 0
    action: str | None = None
    remember_name: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """What :meth:`Dialogue.match` found: the intent (``None`` = fallback) and the language."""

    intent: Intent | None
    language: str
    #: The player's name when a ``remember_name`` intent captured one.
    name: str | None = None

    @property
    def intent_name(self) -> str:
        """The intent's name, or ``"fallback"``."""
        return self.intent.name if self.intent is not None else "fallback"


@dataclass(frozen=True, slots=True)
class Dialogue:
    """An NPC's whole dialogue: who it is, its intents (in file order) and its fallback."""

    key: str
    name: str
    names: Mapping[str, str]
    strangers: Mapping[str, str]
    pitch: float
    intents: tuple[Intent, ...]
    fallback: Mapping[str, tuple[str, ...]]
    source: str = "<string>"
    #: Who the NPC is, for a language model's system prompt (``[npc] persona``; may be empty).
    persona: str = ""

    def match(self, text: str) -> Match:
        """The intent ``text`` means and the language to answer in."""
        line = normalize(text)
        language = "zh" if _chinese_input(text[:MAX_INPUT]) else "en"
        best: tuple[int, int, int] | None = None
        chosen: tuple[Intent, re.Match[str]] | None = None
        for order, intent in enumerate(self.intents):
            for pattern in intent.patterns:
                found = pattern.search(line)
                if found is None:
                    continue
                rank = (intent.priority, found.end() - found.start(), -order)
                if best is None or rank > best:
                    best, chosen = rank, (intent, found)
        if chosen is None:
            return Match(None, language)
        intent, found = chosen
        name = None
        if intent.remember_name and "name" in found.re.groupindex:
            name = _clean_name(found.group("name"))
        return Match(intent, language, name)

    def replies(self, match: Match) -> tuple[str, ...]:
        """The reply templates for ``match`` in its language."""
        table = match.intent.replies if match.intent is not None else self.fallback
        return table[match.language]


def normalize(text: str) -> str:
    """The player's line as matching sees it: NFKC, straight apostrophes, single spaces."""
    line = unicodedata.normalize("NFKC", text[:MAX_INPUT])
    line = line.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(line.split())


def _chinese_input(text: str) -> bool:
    # CJK characters, or CJK / full-width punctuation ("？？", "ＯＫ") that only a
    # Chinese input method types: checked before NFKC folds them to ASCII.
    return has_cjk(text) or any(is_cjk_punctuation(c) for c in text)


def fill(template: str, values: Mapping[str, object]) -> str:
    """Fill a validated reply template; a fact missing from ``values`` shows as ``?``."""
    return template.format_map(_Facts(values))


class _Facts(dict[str, object]):
    def __missing__(self, key: str) -> object:
        return "?"


def _clean_name(raw: str) -> str | None:
    name = raw.strip(" '-")[:MAX_NAME]
    if not name:
        return None
    if name[0].isascii() and name[0].islower():
        name = name[0].upper() + name[1:]
    return name


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
    """Read and validate one dialogue file; raises :class:`DialogueError` on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DialogueError(str(path), None, f"cannot read the file: {exc}") from exc
    return parse_dialogue(text, source=str(path), key=path.stem)


def parse_dialogue(text: str, *, source: str = "<string>", key: str = "npc") -> Dialogue:
    """Validate dialogue TOML ``text``; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The message carries "(at line L, column C)".
        raise DialogueError(source, None, f"TOML syntax error: {exc}") from exc
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

        intents_table = self.table(None, data, "intents")
        if not intents_table:
            raise self.error("[intents]", "no intents: add at least one [intents.NAME] table")
        intents = tuple(
            self.intent(intent_name, body) for intent_name, body in intents_table.items()
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
            persona=persona.strip(),
        )

    def intent(self, name: str, body: object) -> Intent:
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
        remember = body.get("remember_name", False)
        if not isinstance(remember, bool):
            raise self.error(where, f"'remember_name' must be true or false, not {remember!r}")
        keywords = self.strings(where, body, "keywords")
        regexes = self.strings(where, body, "patterns")
        if not keywords and not regexes:
            raise self.error(where, "needs 'keywords' or 'patterns' to be recognised")
        patterns = [*_keyword_patterns(keywords)]
        for regex in regexes:
            try:
                patterns.append(re.compile(regex, re.IGNORECASE))
            except re.error as exc:
                raise self.error(where, f"bad regular expression {regex!r}: {exc}") from exc
        if remember and not any("name" in p.groupindex for p in patterns):
            raise self.error(where, "'remember_name' needs a pattern with a (?P<name>...) group")
        return Intent(
            name=name,
            patterns=tuple(patterns),
            replies=self.replies(where, body),
            priority=priority,
            action=action,
            remember_name=remember,
        )

    def replies(self, where: str, body: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        result: dict[str, tuple[str, ...]] = {}
        for language in LANGUAGES:
            replies = self.strings(where, body, language)
            if not replies:
                raise self.error(where, f"missing replies: '{language}' needs at least one")
            for reply in replies:
                self.check_template(where, language, reply)
            result[language] = tuple(replies)
        return result

    def check_template(self, where: str, language: str, reply: str) -> None:
        try:
            parts = list(string.Formatter().parse(reply))
        except ValueError as exc:
            raise self.error(
                where, f"bad braces in {language} reply {reply!r}: {exc} (write {{{{ for a brace)"
            ) from exc
        for _, name, spec, conversion in parts:
            if name is None:
                continue
            if name not in PLACEHOLDERS:
                raise self.error(
                    where,
                    f"unknown placeholder {{{name}}} in {language} reply {reply!r}; "
                    f"known: {', '.join(sorted(PLACEHOLDERS))}",
                )
            if spec or conversion:
                raise self.error(
                    where, f"placeholder {{{name}}} in {language} reply {reply!r} takes no format"
                )

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


def _keyword_patterns(keywords: Sequence[str]) -> list[re.Pattern[str]]:
    """Two alternations: whole-word English keywords, anywhere-CJK keywords."""
    latin = [k for k in keywords if not has_cjk(k)]
    cjk = [k for k in keywords if has_cjk(k)]
    patterns = []
    if latin:
        # Longest first, so "good morning" wins over "good" and the match length ranks it.
        words = sorted((normalize(k) for k in latin), key=len, reverse=True)
        body = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
        patterns.append(
            re.compile(rf"(?<![{_LATIN_WORD}])(?:{body})(?![{_LATIN_WORD}])", re.IGNORECASE)
        )
    if cjk:
        words = sorted((normalize(k) for k in cjk), key=len, reverse=True)
        patterns.append(re.compile("|".join(map(re.escape, words)), re.IGNORECASE))
    return patterns
