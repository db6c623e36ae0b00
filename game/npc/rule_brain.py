"""The offline brain: intents from a dialogue file, replies chosen with the game's RNG.

It answers at once, on the caller's thread: ``on_start``, the reply as tokens
(words for Latin text, single characters for CJK, like a streaming model),
then ``on_end``. Given the same RNG state and the same lines it gives the same
replies. Imports no pygame.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from game.npc.brain import ChatContext, ReplyCallbacks, ReplyRequest
from game.npc.dialogue import Dialogue, Intent, Match, fill
from game.npc.understand import has_words
from game.text.cjk import char_class

__all__ = [
    "ACTION_PHRASES",
    "DialogueState",
    "RuleBrain",
    "live_answer",
    "localise",
    "needs_unmet",
    "split_tokens",
    "time_of_day",
]

_TOKEN = re.compile(f"[{char_class()}]|[^\\s{char_class()}]+\\s*|\\s+")  # one CJK char, a word


def split_tokens(text: str) -> list[str]:
    """Streaming-sized pieces of ``text``: a word with its trailing spaces, or one CJK char.

    ``"".join(split_tokens(text)) == text`` always.
    """
    return _TOKEN.findall(text)


#: The order "tell me more" walks through a topic's answers.
MORE_ORDER = ("what", "how", "example", "code", "why")
# When a topic lacks the kind asked for, the nearest kind it has.
_NEAREST = {
    "how": ("how", "what"),
    "why": ("why", "how", "what"),
    "example": ("example", "code", "what"),
    "code": ("code", "example", "what"),
    "what": ("what",),
    "stop": ("stop", "what"),
    "unknown": ("unknown", "what"),
}
#: Action phrases for logs ("Ada would stop following now").
ACTION_PHRASES = {
    "dance": "dance",
    "follow": "follow",
    "stop_dance": "stop dancing",
    "stop_follow": "stop following",
}


@dataclass(slots=True)
class DialogueState:
    """What one conversation has been about, for follow-ups ("why?", "再说一遍")."""

    #: The intent and answer kind of the last reply (for "again").
    last_intent: Intent | None = None
    last_kind: str = "what"
    #: The last topic talked about and the kinds of its answers given so far (for "more").
    topic: Intent | None = None
    given: set[str] = field(default_factory=set)
    #: The action asked for last and not yet stopped (for a bare "stop").
    action: str | None = None
    #: The language of the last reply: a line without words ("88", "?") is answered in it.
    language: str | None = None


def needs_unmet(intent: Intent, context: ChatContext, player: str | None) -> bool:
    """Whether ``intent``'s ``needs`` does not hold: no player name yet, or the quest
    line (the ``quest_at`` fact) at another step than the one it names. Without a
    ``quest_at`` fact (``--chat``: no game running) a step need holds."""
    needs = intent.needs
    if needs == "player":
        return not player
    if needs is not None and needs.startswith("step:"):
        at = context.facts.get("quest_at")
        return at is not None and at != needs.removeprefix("step:")
    return False


def localise(values: dict[str, object], language: str) -> None:
    """Make ``values["quest"]`` the quest step in ``language``: ``quest_zh`` for Chinese."""
    if language == "zh" and "quest_zh" in values:
        values["quest"] = values["quest_zh"]


def live_answer(
    text: str, intent: Intent | None, language: str, context: ChatContext
) -> str | None:
    """The live-answer provider's reply: to the intent's live question if it has one,
    else to whatever the provider recognises in ``text`` ("who listens to KeyDown?").
    ``None`` without a provider or when it has no answer."""
    if context.live is None:
        return None
    question = intent.live if intent is not None else None
    return context.live.answer(text, language, question)


class RuleBrain:
    """Answers from a :class:`~game.npc.dialogue.Dialogue`; remembers the player's name
    and what the conversation is about (:class:`DialogueState`).

    ``tokens="words"`` streams the reply word by word (CJK: character by
    character); ``tokens="whole"`` sends it as one token.
    """

    def __init__(
        self,
        dialogue: Dialogue,
        rng: random.Random,
        *,
        tokens: Literal["words", "whole"] = "words",
    ) -> None:
        if tokens not in ("words", "whole"):
            raise ValueError(f"tokens must be 'words' or 'whole', not {tokens!r}")
        self.dialogue = dialogue
        self.rng = rng
        self.tokens = tokens
        #: The name the player told this NPC ("my name is Sam"), or None.
        self.player_name: str | None = None
        #: The last match, for the log panel and tests.
        self.last_match: Match | None = None
        #: The intent and answer kind of the last reply ("fallback" when none).
        self.last_answer: tuple[str, str] = ("fallback", "what")
        self.state = DialogueState()
        self._last_choice: dict[tuple[str, str, str], int] = {}

    def ask(self, text: str, context: ChatContext, callbacks: ReplyCallbacks) -> ReplyRequest:
        """Answer ``text`` at once through ``callbacks``; returns the finished request."""
        request = ReplyRequest(callbacks)
        match = self.dialogue.match(text)
        self.last_match = match
        if match.name is not None:
            self.player_name = match.name
        intent, kind, action = self._resolve(match, context)
        language = match.language
        if not has_words(text) and self.state.language is not None:
            language = self.state.language
        self.state.language = language
        live = live_answer(text, intent, language, context)
        if live is not None:  # a question about the running game, answered from it
            reply, action = live, None
        else:
            # A question nothing here answers gets an honest "I don't know that", not
            # "I didn't catch that": it was understood, just not known.
            unknown = match.act == "question" and match.followup is None
            reply = self._reply(intent, kind, language, context, unknown=unknown)
        if live is None and match.also is not None and intent is match.intent:
            # A comparison: what each side is, one after the other.
            reply += "\n" + self._reply(match.also, "what", language, context)
        self.last_answer = (intent.name if intent is not None else "fallback", kind)
        request.action = action
        request.intent = intent.name if intent is not None else None
        request.start()
        pieces = split_tokens(reply) if self.tokens == "words" else [reply]
        for piece in pieces:
            request.token(piece)
        request.end(reply)
        return request

    # -- deciding what to answer -------------------------------------------------------------

    def _resolve(self, match: Match, context: ChatContext) -> tuple[Intent | None, str, str | None]:
        state = self.state
        intent, kind, action = match.intent, "what", None
        if match.followup == "again":
            intent, kind = state.last_intent, state.last_kind
        elif match.followup is not None:
            intent = state.topic
            if (
                intent is None
                and self.dialogue.default_topic
                and match.followup in ("code", "example")
            ):
                intent = self.dialogue.intent(self.dialogue.default_topic)
            kind = self._next_kind(intent) if match.followup == "more" else match.followup
        elif (
            match.act == "negated"
            and state.action is not None
            and (intent is None or intent.action is None)
        ):
            # A bare "stop!" stops what the NPC was last asked to do.
            intent = next((i for i in self.dialogue.intents if i.action == state.action), None)
            kind = "stop"
        elif intent is not None:
            if match.act == "negated" and intent.action is not None:
                kind = "stop"
            elif intent.topic and match.kind == "more":
                kind = self._next_kind(intent)
            elif intent.topic and match.kind == "again" and intent is state.topic:
                kind = state.last_kind
            elif intent.topic and match.kind in MORE_ORDER:
                kind = match.kind
        if intent is None:
            return None, "what", None
        if needs_unmet(intent, context, self._name(context)):
            kind = "unknown"
        kind = next(k for k in _NEAREST.get(kind, ("what",)) if k in intent.answers or k == "what")
        if intent.action is not None and kind in ("what", "stop"):
            # "how does your dance work?" is explained, not danced.
            action = f"stop_{intent.action}" if kind == "stop" else intent.action
            state.action = None if kind == "stop" else intent.action
        state.last_intent, state.last_kind = intent, kind
        if intent.topic:
            if intent is not state.topic:
                state.topic, state.given = intent, set()
            state.given.add(kind)
        return intent, kind, action

    def _next_kind(self, intent: Intent | None) -> str:
        if intent is None:
            return "what"
        given = self.state.given if intent is self.state.topic else set()
        have = [k for k in MORE_ORDER if k in intent.answers]
        fresh = [k for k in have if k not in given]
        return fresh[0] if fresh else have[(len(given)) % len(have)]

    # -- saying it ---------------------------------------------------------------------------------

    def _reply(
        self,
        intent: Intent | None,
        kind: str,
        language: str,
        context: ChatContext,
        *,
        unknown: bool = False,
    ) -> str:
        if intent is None:
            name, table = "fallback", self.dialogue.fallback
            if unknown and self.dialogue.unknown:
                name, table = "unknown", self.dialogue.unknown
            return fill(
                self._choose(name, kind, language, table),
                self._values(language, context, self.dialogue.names),
            )
        # A borrowed topic is the lender's explanation, quoted; a borrowed fact (the
        # controls, the coins) is said in the NPC's own name.
        quoted = intent.borrowed and intent.topic
        names = intent.names if quoted else self.dialogue.names
        answer = fill(
            self._choose(intent.name, kind, language, intent.answers[kind]),
            self._values(language, context, names),
        )
        if not quoted:
            return answer
        values = self._values(language, context, self.dialogue.names)
        values["answer"] = answer
        return fill(self._choose("borrowed", "what", language, self.dialogue.borrowed), values)

    def _choose(
        self, name: str, kind: str, language: str, table: Mapping[str, tuple[str, ...]]
    ) -> str:
        replies = table[language]
        key = (name, kind, language)
        if len(replies) == 1:
            index = 0
        else:
            # Never the same wording twice in a row: draw among the others of the same
            # answer, so variety never changes what is said.
            last = self._last_choice.get(key)
            index = self.rng.randrange(len(replies) - (last is not None))
            if last is not None and index >= last:
                index += 1
        self._last_choice[key] = index
        return replies[index]

    def welcome_back(self, context: ChatContext, language: str) -> str | None:
        """The NPC's greeting for a player who comes back, pointing at the quest step on
        now (the ``quest`` facts; with no ``quest_at`` fact, or ``"done"``, no quest is
        left), or ``None`` if its dialogue has no ``[welcome_back]`` (it then greets as
        the first time)."""
        dialogue = self.dialogue
        if not dialogue.welcome_back:
            return None
        values = self._values(language, context, dialogue.names)
        if context.facts.get("quest_at") in (None, "done"):
            return fill(
                self._choose("welcome_back", "free", language, dialogue.welcome_back_free), values
            )
        return fill(self._choose("welcome_back", "quest", language, dialogue.welcome_back), values)

    def _name(self, context: ChatContext) -> str | None:
        return self.player_name or context.player_name

    def _values(
        self, language: str, context: ChatContext, names: Mapping[str, str]
    ) -> dict[str, object]:
        values: dict[str, object] = {
            key: value for key, value in context.facts.items() if isinstance(key, str)
        }
        localise(values, language)
        values["npc"] = names[language]
        values["player"] = self._name(context) or self.dialogue.strangers[language]
        values["greeting"], values["daypart"] = time_of_day(values.get("clock"), language)
        return values


# Hours at which each part of the day begins, and its words.
_DAYPARTS = (
    (5, "morning", "Good morning", "早上", "早上好"),
    (12, "afternoon", "Good afternoon", "下午", "下午好"),
    (18, "evening", "Good evening", "晚上", "晚上好"),
    (22, "night", "Good evening", "深夜", "晚上好"),
)
_HOUR = re.compile(r"(\d{1,2}):(\d{2})(?!.*\d{1,2}:\d{2})")


def time_of_day(clock: object, language: str) -> tuple[str, str]:
    """``(greeting, part of the day)`` for a clock such as ``"20:12"`` or ``"Day 1 08:00"``:
    ``("Good evening", "evening")`` / ``("晚上好", "晚上")``. Mornings begin at 05:00,
    afternoons at 12:00, evenings at 18:00, nights at 22:00. No readable clock gives
    ``("Hello", "day")`` / ``("你好", "白天")``."""
    found = _HOUR.search(str(clock)) if clock is not None else None
    if found is None or int(found.group(1)) > 24:
        return ("Hello", "day") if language == "en" else ("你好", "白天")
    hour = int(found.group(1)) % 24
    # The last part begun by this hour; before 05:00 it is still the night.
    part = next((row for row in reversed(_DAYPARTS) if hour >= row[0]), _DAYPARTS[-1])
    _, en_part, en_greeting, zh_part, zh_greeting = part
    return (en_greeting, en_part) if language == "en" else (zh_greeting, zh_part)
