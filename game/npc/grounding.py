"""What a language model is told about an NPC: persona, relevant knowledge, live facts.

A small model answers well only from what it is given, so the LangChain
brain grounds every question in the NPC's own dialogue file: the persona
written there, the replies of the rule brain's best-matching intent for the
line (filled with the live facts, in the player's language), and the live
facts themselves, each named for what it really counts. It also keeps
the reply short: :func:`cut_reply` cuts a long answer at a sentence end.

Pure Python, no LangChain and no pygame: the prompt's *text* is made here,
the LangChain brain only puts it into messages.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping

from game.npc.brain import ChatContext
from game.npc.dialogue import Dialogue, Match, fill
from game.npc.rule_brain import localise, needs_unmet, time_of_day

__all__ = [
    "FACT_LABELS",
    "MAX_FACTS",
    "MAX_FACT_CHARS",
    "MAX_KNOWLEDGE",
    "action_line",
    "cut_reply",
    "facts_text",
    "fill_values",
    "knowledge",
    "persona_of",
]

#: What each live fact counts, so the model quotes the right number for the right question.
FACT_LABELS: Mapping[str, str] = {
    "score": "the player's score, in points",
    "coins_left": "coins lying in the village right now, still to pick up",
    # The name says "total": the total the player has picked up, not the coins in the game.
    "coins_total": "coins the player has picked up in all, not the coins in the village",
    "clock": "the village clock, HH:MM",
    "quest": "what the player's quest asks of them now",
    "quest_zh": "the same quest step, in Chinese",
    "quest_at": "the quest and step on now, as quest id/step id",
}
#: At most this many facts reach the prompt, each cut to this many characters.
MAX_FACTS = 8
MAX_FACT_CHARS = 80
#: At most this many of the matching intent's replies are given as knowledge.
MAX_KNOWLEDGE = 3

_SENTENCE_END = re.compile(r"[.!?。！？…]+[\"'”’」』）)\]]*")


def persona_of(dialogue: Dialogue | None, context: ChatContext) -> str:
    """The NPC's persona: its dialogue file's ``persona``, else a short default naming it."""
    if dialogue is not None and dialogue.persona:
        return dialogue.persona
    return (
        f"You are {context.npc_name}, a friendly villager in Callback Quest, a small game "
        "that teaches how games are built from callbacks: an event bus, a fixed-step loop, "
        "timers and collisions."
    )


def knowledge(
    dialogue: Dialogue | None, match: Match | None, context: ChatContext, player: str | None = None
) -> list[str]:
    """What the NPC knows that fits ``text``: its best-matching intent's answers, filled.

    Uses the rule brain's own understanding (:meth:`Dialogue.match`), so the model
    and the offline brain agree on what a line is about: the answers of the kind
    asked for ("how", "why", "example", "code"; else the plain one), in the
    player's language, with the live facts in them. ``match`` is
    ``dialogue.match(line)``. Empty when nothing matches (the fallback is not
    knowledge), for a bare follow-up (the history has the topic), or without a
    dialogue.
    """
    if dialogue is None or match is None:
        return []
    intent = match.intent
    if intent is None:
        return []
    kind = match.kind if match.kind is not None and match.kind in intent.answers else "what"
    if needs_unmet(intent, context, player or context.player_name):
        kind = "unknown" if "unknown" in intent.answers else kind
    values = fill_values(dialogue, context, player, match.language, intent.names or None)
    return [fill(reply, values) for reply in intent.answers[kind][match.language][:MAX_KNOWLEDGE]]


def action_line(
    dialogue: Dialogue | None,
    action: str,
    context: ChatContext,
    player: str | None,
    language: str,
) -> str | None:
    """The NPC's own words from its dialogue file for ``action`` (an :class:`Action`
    value: "dance", "stop_dance", …), filled; ``None`` when the file has none."""
    if dialogue is None:
        return None
    for intent in dialogue.intents:
        if intent.action == action:
            table = intent.answers.get("what")
        elif intent.action is not None and action == f"stop_{intent.action}":
            table = intent.answers.get("stop")
        else:
            continue
        if table:
            values = fill_values(dialogue, context, player, language)
            return fill(table[language][0], values)
    return None


def fill_values(
    dialogue: Dialogue,
    context: ChatContext,
    player: str | None,
    language: str,
    names: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """The values a reply template of ``dialogue`` is filled with, as the rule brain's."""
    values: dict[str, object] = {k: v for k, v in context.facts.items() if isinstance(k, str)}
    localise(values, language)
    values["npc"] = (names or dialogue.names)[language]
    values["player"] = player or context.player_name or dialogue.strangers[language]
    values["greeting"], values["daypart"] = time_of_day(values.get("clock"), language)
    return values


def facts_text(context: ChatContext, player: str | None = None) -> str:
    """The player's name and the live facts as ``- name (what it counts): value`` lines."""
    lines = []
    name = player or context.player_name
    lines.append(f"- the player's name: {name}" if name else "- the player's name: not told yet")
    for key, value in itertools.islice(context.facts.items(), MAX_FACTS):
        shown = str(value)
        if len(shown) > MAX_FACT_CHARS:
            shown = shown[: MAX_FACT_CHARS - 1] + "…"
        label = FACT_LABELS.get(str(key))
        lines.append(f"- {key} ({label}): {shown}" if label else f"- {key}: {shown}")
    return "\n".join(lines)


def cut_reply(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a sentence end where there is one.

    A reply within the limit is returned unchanged. Otherwise it ends at the
    last sentence end (``. ! ? 。 ！ ？ …`` with closing quotes) in the first
    ``limit`` characters, if that keeps at least a third of them; else at the
    last space, with "…"; else it is cut hard, with "…". Raises ``ValueError``
    for a ``limit`` below 2.
    """
    if limit < 2:
        raise ValueError(f"limit must be at least 2 characters, not {limit!r}")
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= limit // 3:
        return head[: ends[-1]].rstrip()
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= limit // 3:
        return head[:space].rstrip() + "…"
    return head + "…"
