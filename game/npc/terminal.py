"""``python -m game --chat [NPC]``: talk to an NPC's brain in the terminal, no window needed.

One line in, one line out: ``Name: reply`` on stdout (newlines inside a reply
become spaces), nothing else on stdout. A prompt (on stderr) only when stdin
is a terminal; an empty line gets no reply; end of input ends with status 0.
Actions the reply asks for are logged to stderr ("Ada would dance now",
"Ada would stop following now").

``brain`` is a ``--brain`` spec: the rule brain answers at once; a LangChain
brain streams on its own thread, and each line waits for its whole reply (at
most the brain's ``timeout`` of silence) before the next is read.

There is no game running, so live questions see :data:`CHAT_FACTS` (score 0,
no coins, clock 00:00), changed with ``--fact KEY=VALUE``. Imports no pygame.
"""

from __future__ import annotations

import io
import logging
import random
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from game.engine.events import EventBus
from game.npc.brain import Brain, ChatContext, ReplyRequest
from game.npc.brain_spec import make_brain
from game.npc.dialogue import Dialogue, DialogueError, dialogue_files, load_npc
from game.npc.rule_brain import ACTION_PHRASES, RuleBrain

__all__ = ["CHAT_FACTS", "run_chat"]

log = logging.getLogger(__name__)

#: The game state ``--chat`` answers live questions from.
CHAT_FACTS: Mapping[str, object] = {
    "score": 0,
    "coins_left": 0,
    "coins_total": 0,
    "clock": "00:00",
    # A new game's first step (assets/quests/village.toml), as the village says it.
    "quest": "walk to Ada in the square, press Enter, type hello, press Enter",
    "quest_zh": "走到广场上的艾达身边，按回车，输入“你好”，再按回车",
}

EXIT_OK = 0
#: As the rest of the command line: an unknown NPC or a broken dialogue file.
EXIT_USAGE = 2


class _Collect:
    """Reply callbacks that keep the final text (the terminal shows whole lines)."""

    def __init__(self) -> None:
        self.text: str | None = None

    def on_start(self) -> None:
        pass

    def on_token(self, token: str) -> None:
        pass

    def on_end(self, text: str) -> None:
        self.text = text

    def on_error(self, message: str) -> None:
        self.text = message


def _utf8(stream: TextIO) -> None:
    # Pipes on some systems default to a legacy code page; chat text is Chinese too.
    if isinstance(stream, io.TextIOWrapper) and not stream.isatty():
        stream.reconfigure(encoding="utf-8", errors="replace")


def run_chat(
    npc: str,
    *,
    seed: int = 0,
    facts: Mapping[str, object] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    brain: str = "rule",
    brain_options: Mapping[str, Any] | None = None,
) -> int:
    """Converse with ``npc`` (key or name) over ``stdin``/``stdout``; returns the exit status.

    ``brain`` and ``brain_options`` choose who answers as
    :func:`~game.npc.brain_spec.make_brain` does. Raises what it raises for a
    spec that cannot be built (:class:`~game.npc.brain_spec.BrainSpecError`,
    :class:`~game.npc.brain_spec.MissingExtraError`).
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    _utf8(stdin)
    _utf8(stdout)
    try:
        dialogue = load_npc(npc)
    except KeyError:
        available = ", ".join(dialogue_files()) or "none"
        print(f"callback-quest: no NPC {npc!r}; available: {available}", file=sys.stderr)
        return EXIT_USAGE
    except DialogueError as exc:
        print(f"callback-quest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    rules = RuleBrain(dialogue, random.Random(seed), tokens="whole")
    bus = EventBus(on_error="log")
    chosen = make_brain(brain, bus, rule=lambda: rules, npcs=[dialogue], **(brain_options or {}))
    context = ChatContext(
        npc_name=dialogue.name, facts={**CHAT_FACTS, **(facts or {})}, npc_key=dialogue.key
    )
    try:
        return _converse(dialogue, chosen, bus, context, stdin, stdout)
    finally:
        close = getattr(chosen, "close", None)  # a LangChain brain's thread
        if close is not None:
            close()


def _converse(
    dialogue: Dialogue,
    brain: Brain,
    bus: EventBus,
    context: ChatContext,
    stdin: TextIO,
    stdout: TextIO,
) -> int:
    interactive = stdin.isatty()
    if interactive:
        print(f"Talking to {dialogue.name}. End with Ctrl-D.", file=sys.stderr)
    while True:
        if interactive:
            print("> ", end="", file=sys.stderr, flush=True)
        line = stdin.readline()
        if not line:
            return EXIT_OK
        text = line.strip()
        if not text:
            continue
        callbacks = _Collect()
        request = brain.ask(text, context, callbacks)
        _await(brain, bus, request)
        if request.action is not None:
            phrase = ACTION_PHRASES.get(request.action, request.action)
            log.info("%s would %s now", dialogue.name, phrase)
        if callbacks.text is not None:
            reply = " ".join(callbacks.text.split())
            print(f"{dialogue.name}: {reply}", file=stdout, flush=True)


def _await(brain: Brain, bus: EventBus, request: ReplyRequest) -> None:
    """Deliver a streaming brain's reply: wait for its thread, then flush the bus, until done.

    The rule brain has answered already. A LangChain brain's ``wait`` is bounded
    by its ``timeout``; ``poll`` then ends a reply that stayed silent that long.
    """
    wait = getattr(brain, "wait", None)
    poll = getattr(brain, "poll", None)
    timeout = getattr(brain, "timeout", 30.0)
    while request.active and wait is not None and poll is not None:
        wait(timeout)
        bus.flush()
        poll()
