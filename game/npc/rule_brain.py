"""The offline brain: intents from a dialogue file, replies chosen with the game's RNG.

It answers at once, on the caller's thread: ``on_start``, the reply as tokens
(words for Latin text, single characters for CJK, like a streaming model),
then ``on_end``. Given the same RNG state and the same lines it gives the same
replies. Imports no pygame.
"""

from __future__ import annotations

import random
import re
from typing import Literal

from game.npc.brain import ChatContext, ReplyCallbacks, ReplyRequest
from game.npc.dialogue import Dialogue, Match, fill
from game.text.cjk import char_class

__all__ = ["RuleBrain", "split_tokens"]

_TOKEN = re.compile(f"[{char_class()}]|[^\\s{char_class()}]+\\s*|\\s+")  # one CJK char, a word


def split_tokens(text: str) -> list[str]:
    """Streaming-sized pieces of ``text``: a word with its trailing spaces, or one CJK char.

    ``"".join(split_tokens(text)) == text`` always.
    """
    return _TOKEN.findall(text)


class RuleBrain:
    """Answers from a :class:`~game.npc.dialogue.Dialogue`; remembers the player's name.

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
        self._last_choice: dict[str, int] = {}

    def ask(self, text: str, context: ChatContext, callbacks: ReplyCallbacks) -> ReplyRequest:
        """Answer ``text`` at once through ``callbacks``; returns the finished request."""
        request = ReplyRequest(callbacks)
        match = self.dialogue.match(text)
        self.last_match = match
        if match.name is not None:
            self.player_name = match.name
        reply = fill(self._choose(match), self._values(match.language, context))
        request.action = match.intent.action if match.intent is not None else None
        request.start()
        pieces = split_tokens(reply) if self.tokens == "words" else [reply]
        for piece in pieces:
            request.token(piece)
        request.end(reply)
        return request

    def _choose(self, match: Match) -> str:
        replies = self.dialogue.replies(match)
        key = f"{match.intent_name}/{match.language}"
        if len(replies) == 1:
            index = 0
        else:
            # Never the same reply twice in a row: draw among the others.
            last = self._last_choice.get(key)
            index = self.rng.randrange(len(replies) - (last is not None))
            if last is not None and index >= last:
                index += 1
        self._last_choice[key] = index
        return replies[index]

    def _values(self, language: str, context: ChatContext) -> dict[str, object]:
        values: dict[str, object] = {
            key: value for key, value in context.facts.items() if isinstance(key, str)
        }
        values["npc"] = self.dialogue.names[language]
        values["player"] = (
            self.player_name or context.player_name or self.dialogue.strangers[language]
        )
        return values
