"""The guide explains the game's wiring: "what just happened?" and "who listens to X?".

A live-answer provider: a brain consults :meth:`BusExplainer.answer` with the
player's line (``ChatContext.live``), and gets either a reply or ``None`` (not
a question for it). The answers are read from the running bus, never from a
hand-kept list:

* "what just happened?" walks the bus's recent deliveries
  (:meth:`EventBus.recent_deliveries`, kept while the bus traces) back to the
  latest event that is not part of talking, and says who published it and
  which handlers, subscribed to it, did what: *"You walked into a coin: the
  collision world published CollisionEnter(player, coin), and Coins.collect,
  subscribed to it, added 10 points, ..."*;
* "who listens to X?" lists the live subscriptions an X event would reach,
  in call order, with their counts.

The plain words (who publishes what, what a layer's collider is, what a
handler does) are data: ``assets/explain.toml``. Imports no pygame.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.assets import asset_path
from game.engine.datafile import DataFileError, read_toml
from game.engine.errors import DataError
from game.engine.events import Event, EventBus, Subscription
from game.engine.wiring import edge_of, handler_name, layer_pair
from game.npc.brain import has_cjk

__all__ = ["BusExplainer", "ExplainError", "ExplainWords", "load_words"]

LANGUAGES = ("en", "zh")
_TABLES = ("publishers", "things", "happenings", "handlers")

# "what just happened?", "what happened just now", "刚才发生了什么？", "刚刚怎么了"
_WHAT_HAPPENED = re.compile(
    r"\bwhat\s+(?:just\s+)?happened\b|\bwhat\s+was\s+that\b|\bwhat\s+did\s+i\s+just\s+do\b"
    r"|(?:刚才|刚刚|方才)\s*(?:发生了|发生|出了|是)?\s*(?:什么|啥|怎么)"
    r"|发生了(?:什么|啥)",
    re.IGNORECASE,
)
# "who listens to X?", "who handles X", "who reacts to X", "谁在监听 X？", "X 有谁订阅？"
_WHO_LISTENS = (
    re.compile(
        r"\bwho(?:'s|\s+is|\s+are)?\s+(?:listening|listens|reacts?|reacting|subscribed|subscribes"
        r"|handles?|handling|hears?)\b(?:\s+(?:to|for|on))?\s+(?P<x>[^?!.]+)",
        re.IGNORECASE,
    ),
    re.compile(r"谁\s*(?:在)?\s*(?:监听|订阅|响应|处理|接收|听)(?:了)?\s*(?P<x>[^？?！!。]+)"),
    re.compile(r"(?P<x>[^，,？?]+?)\s*(?:有|被)?谁\s*(?:在)?\s*(?:监听|订阅|响应|处理|接收)"),
)
# What the player may call an event, besides its class name.
_ALIASES = {
    "collision": "CollisionEnter",
    "collisions": "CollisionEnter",
    "coin": "CollisionEnter",
    "coins": "CollisionEnter",
    "碰撞": "CollisionEnter",
    "金币": "CollisionEnter",
    "chat": "ChatSubmitted",
    "what i type": "ChatSubmitted",
    "聊天": "ChatSubmitted",
    "tick": "FixedUpdate",
    "ticks": "FixedUpdate",
    "every tick": "FixedUpdate",
    "the loop": "FixedUpdate",
    "update": "FixedUpdate",
    "每个tick": "FixedUpdate",
    "每一步": "FixedUpdate",
    "keys": "KeyDown",
    "key": "KeyDown",
    "a key": "KeyDown",
    "按键": "KeyDown",
    "typing": "TextInput",
    "text": "TextInput",
    "打字": "TextInput",
    "mouse": "MouseDown",
    "clicks": "MouseDown",
    "a click": "MouseDown",
    "点击": "MouseDown",
    "鼠标": "MouseDown",
    "actions": "ActionPressed",
    "动作": "ActionPressed",
}


class ExplainError(DataError):
    """``assets/explain.toml`` is malformed; the message says where."""


@dataclass(frozen=True, slots=True)
class ExplainWords:
    """The plain words of ``assets/explain.toml``: ``table -> key -> language -> text``."""

    publishers: Mapping[str, Mapping[str, str]]
    things: Mapping[str, Mapping[str, str]]
    happenings: Mapping[str, Mapping[str, str]]
    handlers: Mapping[str, Mapping[str, str]]
    skip: frozenset[str]


def load_words(path: str | Path | None = None) -> ExplainWords:
    """Read and check the words file (default: the bundled one).

    Raises :class:`ExplainError` naming the table and key of a missing language
    or a value that is not text.
    """
    path = Path(path) if path is not None else asset_path("explain.toml")
    try:
        data = read_toml(path)
    except DataFileError as exc:
        raise ExplainError(str(exc)) from exc
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for name in _TABLES:
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise ExplainError(f"{path}: [{name}] must be a table")
        for key, texts in table.items():
            if not isinstance(texts, dict) or any(
                not isinstance(texts.get(lang), str) for lang in LANGUAGES
            ):
                raise ExplainError(f"{path}: [{name}] {key!r} needs en and zh texts")
        tables[name] = table
    skip = data.get("skip", {}).get("events", [])
    if not isinstance(skip, list) or not all(isinstance(s, str) for s in skip):
        raise ExplainError(f"{path}: [skip] events must be a list of names")
    return ExplainWords(**tables, skip=frozenset(skip))


def _format(template: str, **values: str) -> str:
    # Templates are trusted data; values are names from the game, never the player's text.
    return template.format_map(values)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


class BusExplainer:
    """Answers questions about the wiring of ``bus`` in English (``"en"``) or Chinese (``"zh"``).

    The bus must be tracing (:meth:`EventBus.start_tracing`) for "what just
    happened?" to have anything to tell; "who listens to X?" needs only its
    subscriptions. ``words`` defaults to ``assets/explain.toml``.
    """

    def __init__(self, bus: EventBus, words: ExplainWords | None = None) -> None:
        self.bus = bus
        self.words = words if words is not None else load_words()

    # -- the provider --------------------------------------------------------------

    def answer(self, text: str, language: str, question: str | None = None) -> str | None:
        """The reply to ``text``, or ``None`` if it is not a question for this provider.

        ``question`` (``"what_happened"`` or ``"who_listens"``) is what the brain's
        intent table recognised; without it the provider recognises the exact
        forms itself ("what just happened?", "who listens to KeyDown?").
        """
        line = unicodedata.normalize("NFKC", text)
        if question == "what_happened":
            return self.what_just_happened(language)
        for pattern in _WHO_LISTENS:
            found = pattern.search(line)
            if found is not None:
                reply = self.who_listens(found.group("x"), language)
                if reply is not None:
                    return reply
        if question == "who_listens":
            named = self._mentioned_event(line)
            if named is not None:
                return self.who_listens(named, language)
            return self._which_event(language)
        if question is None and _WHAT_HAPPENED.search(line):
            return self.what_just_happened(language)
        return None

    # -- what just happened ----------------------------------------------------------

    def what_just_happened(self, language: str) -> str:
        """The latest event that is not part of talking, told in ``language``."""
        lang = _language(language)
        event, reached = self._latest_happening()
        if event is None:
            return {
                "en": "Nothing much since you last looked: the loop ticked, and you typed.",
                "zh": "没发生什么特别的：循环照常一步步走，你在打字而已。",
            }[lang]
        label = self._event_label(event)
        publisher = self._word("publishers", _candidates(event), lang)
        happening = self._happening(event, lang)
        parts = []
        for sub in reached:
            does = self._handler_effect(sub, event, lang)
            name = handler_name(sub.handler)
            if lang == "en":
                parts.append(f"{name}, subscribed to it, {does}")
            else:
                parts.append(f"订阅了它的 {name} {does}")
        if lang == "en":
            who = publisher or "the game"
            told = f"{happening}: {who} published {label}"
            if not parts:
                return f"{told}, and no one was listening."
            return f"{told}, and " + "; and ".join(parts) + "."
        who = publisher or "游戏"
        told = f"{happening}：{who}发布了 {label}"
        if not parts:
            return f"{told}，但没有人在监听。"
        return f"{told}，" + "；".join(parts) + "。"

    def _latest_happening(self) -> tuple[object | None, list[Subscription]]:
        """The newest event worth telling, and the subscriptions it reached, in call order."""
        deliveries = self.bus.recent_deliveries()
        for index in range(len(deliveries) - 1, -1, -1):
            event = deliveries[index].event
            if self._is_talk(event):
                continue
            reached = [
                d.subscription
                for d in deliveries
                if d.event is event and self._reacted(d.subscription, event)
            ]
            if reached:
                return event, reached
        return None, []

    def _is_talk(self, event: object) -> bool:
        return any(name in self.words.skip for name in _candidates(event))

    @staticmethod
    def _reacted(sub: Subscription, event: object) -> bool:
        """A handler that did something: not a monitor of every event, not a filter that
        let a pair of other layers pass."""
        if sub.event_type is Event:
            return False
        filtered = layer_pair(sub.handler)
        pair = _layers(event)
        if filtered is not None and pair is not None:
            return filtered.layers in (pair, pair[::-1])
        return True

    def _event_label(self, event: object) -> str:
        pair = _layers(event)
        if pair is not None:
            return f"{type(event).__name__}({pair[0]}, {pair[1]})"
        text = repr(event)
        return text if len(text) <= 60 else type(event).__name__

    def _happening(self, event: object, lang: str) -> str:
        a, b = self._things(event, lang)
        template = self._word("happenings", _candidates(event), lang)
        if template is not None:
            return _format(template, a=a, b=b)
        return {"en": "Something happened", "zh": "刚才发生了一件事"}[lang]

    def _things(self, event: object, lang: str) -> tuple[str, str]:
        colliders = _colliders(event)
        if colliders is None:
            return "", ""
        return (self._thing(colliders[0], lang), self._thing(colliders[1], lang))

    def _thing(self, collider: Any, lang: str) -> str:
        template = self.words.things.get(collider.layer, {}).get(lang)
        owner = _owner_name(collider, lang)
        if template is None:
            return owner or collider.layer
        return _format(template, owner=owner or collider.layer)

    def _handler_effect(self, sub: Subscription, event: object, lang: str) -> str:
        words = self.words.handlers.get(handler_name(sub.handler))
        colliders = _colliders(event)
        owner = ""
        if colliders is not None:
            other = colliders[1]  # the player's side comes first
            owner = _owner_name(other, lang) or other.layer
        if words is not None:
            return _format(words[lang], owner=owner)
        return {"en": "ran", "zh": "运行了"}[lang]

    def _word(self, table: str, keys: Iterable[str], lang: str) -> str | None:
        entries: Mapping[str, Mapping[str, str]] = getattr(self.words, table)
        for key in keys:
            if key in entries:
                return entries[key][lang]
        return None

    # -- who listens -------------------------------------------------------------------

    def who_listens(self, name: str, language: str) -> str | None:
        """Who an event called ``name`` reaches, in call order; ``None`` if no such event.

        For a family with no listeners of its own (``CollisionEvent``), each of its
        kinds that has some (``CollisionEnter``, ``CollisionExit``) is told.
        """
        lang = _language(language)
        kind = self._event_class(name)
        if kind is None:
            return None
        kinds = [kind]
        if not self._has_listeners(kind):
            family = sorted(
                (k for k in _event_classes() if k is not kind and issubclass(k, kind)),
                key=lambda k: k.__name__,
            )
            kinds = [k for k in family if self._has_listeners(k)] or kinds
        parts = [self._listeners_of(k, lang) for k in kinds]
        # Observers of every event (subscribed to the base class) see it before them.
        monitors = [
            handler_name(s.handler) for s in self.bus.subscriptions(kind) if s.event_type is Event
        ]
        names = ", ".join(monitors)
        if not self._has_listeners(kinds[0]):
            return {
                "en": f"No handler listens to {kind.__name__} right now"
                + (f" (only {names}, which sees every event)." if monitors else "."),
                "zh": f"现在没有处理函数监听 {kind.__name__}"
                + (f"（只有会看到每一个事件的 {names}）。" if monitors else "。"),
            }[lang]
        if lang == "en":
            watching = (
                f" Before them, {names} {'sees' if len(monitors) == 1 else 'see'} every event."
                if monitors
                else ""
            )
            return " ".join(parts) + f"{watching} Press F4 to see all the wiring."
        watching = f"在它们之前，{names} 会先看到每一个事件。" if monitors else ""
        return "".join(parts) + f"{watching}按 F4 可以看到全部接线。"

    def _listeners_of(self, kind: type, lang: str) -> str:
        """One sentence: the handlers a ``kind`` event reaches, in call order, with counts."""
        listed = []
        for sub in self.bus.subscriptions(kind):
            edge = edge_of(sub) if sub.event_type is not Event else None
            if edge is None:
                continue
            pair = edge.source[len(kind.__name__) :]  # "(player, coin)" for a layer pair
            target = f"{pair} → {edge.handler}" if pair else edge.handler
            if lang == "en":
                listed.append(f"{target} ({edge.delivered:,} so far)")
            else:
                listed.append(f"{target}（到目前为止 {edge.delivered:,} 次）")
        if lang == "en":
            count = "1 handler:" if len(listed) == 1 else f"{len(listed)} handlers, in call order:"
            return f"{kind.__name__} goes to {count} " + "; ".join(listed) + "."
        head = f"{kind.__name__} 会按调用顺序送到 {len(listed)} 个处理函数："
        return head + "；".join(listed) + "。"

    def _has_listeners(self, kind: type) -> bool:
        return any(s.event_type is not Event for s in self.bus.subscriptions(kind))

    def _mentioned_event(self, line: str) -> str | None:
        """An event class name or alias anywhere in ``line`` ("which handlers react to
        coins"), the longest first; ``None`` if there is none."""
        text = _norm(line)
        compact = re.sub(r"[\s_]", "", text)
        names = [_norm(k.__name__) for k in _event_classes()]
        for name in sorted(names, key=len, reverse=True):
            if len(name) > 4 and name in compact:
                return name
        for alias in sorted(_ALIASES, key=len, reverse=True):
            pattern = re.escape(alias) if has_cjk(alias) else rf"\b{re.escape(alias)}\b"
            if re.search(pattern, text):
                return alias
        return None

    @staticmethod
    def _which_event(lang: str) -> str:
        return {
            "en": "Which event? Name one and I'll tell you who listens to it: ChatSubmitted, "
            "CollisionEnter, FixedUpdate, KeyDown, TextInput or ActionPressed, say.",
            "zh": "哪个事件？说出一个名字，我就告诉你谁在监听它：比如 ChatSubmitted、"
            "CollisionEnter、FixedUpdate、KeyDown、TextInput 或 ActionPressed。",
        }[lang]

    def _event_class(self, name: str) -> type | None:
        wanted = _norm(name).strip(" \"'`“”‘’")
        wanted = re.sub(r"^(?:the|an?)\s+", "", wanted)
        wanted = re.sub(r"\s+(?:events?|事件)$", "", wanted)
        wanted = wanted.removesuffix("事件").strip()
        known = {_norm(k.__name__): k for k in _event_classes()}
        compact = wanted.replace(" ", "").replace("_", "")
        if compact in known:
            return known[compact]
        alias = _ALIASES.get(wanted) or _ALIASES.get(compact)
        return known.get(_norm(alias)) if alias is not None else None


def _event_classes() -> list[type]:
    """Every loaded event class: those its module names (a slotted dataclass replaces
    the class it was made from, and the old one lingers among ``__subclasses__``)."""
    found: list[type] = []
    todo = [Event]
    while todo:
        kind = todo.pop()
        module = sys.modules.get(kind.__module__)
        if getattr(module, kind.__qualname__, None) is kind:
            found.append(kind)
        todo.extend(kind.__subclasses__())
    return found


def _language(language: str) -> str:
    return "zh" if language.startswith("zh") else "en"


def _colliders(event: object) -> tuple[Any, Any] | None:
    a, b = getattr(event, "a", None), getattr(event, "b", None)
    if a is None or b is None or not hasattr(a, "layer") or not hasattr(b, "layer"):
        return None
    # The player's side first, as the layer-pair callbacks name them.
    if b.layer == "player" and a.layer != "player":
        a, b = b, a
    return a, b


def _layers(event: object) -> tuple[str, str] | None:
    colliders = _colliders(event)
    return None if colliders is None else (colliders[0].layer, colliders[1].layer)


def _candidates(event: object) -> list[str]:
    """Keys for the tables, most specific first: ``Class(a, b)``, ``Class(a, *)``, ``Class``."""
    names = [k.__name__ for k in type(event).__mro__ if k is not object]
    pair = _layers(event)
    keys = []
    for name in names:
        if pair is not None:
            keys += [f"{name}({pair[0]}, {pair[1]})", f"{name}({pair[0]}, *)"]
        keys.append(name)
    return keys


def _owner_name(collider: Any, lang: str) -> str:
    owner = getattr(collider, "owner", None)
    names = getattr(getattr(owner, "dialogue", None), "names", None)
    if isinstance(names, Mapping) and isinstance(names.get(lang), str):
        return str(names[lang])
    name = getattr(owner, "name", None)
    return name if isinstance(name, str) else ""
