"""What answering one chat line costs: the rule brain's understanding, next to a keyword scan.

Run alone: ``python -m benchmarks.bench_chat``.

The lines are the evaluation set's (``tests/conversations/*.toml``: ~300 player lines in
English, Chinese and Traditional Chinese, said in their conversations), answered the way
``python -m game --chat NPC`` answers them: ``run_chat`` in process, a fresh brain per
conversation, stdin and stdout as in-memory text. Loading the dialogue files is done once,
outside the timing (``--chat`` does it once per run, before the first line).

* ``--chat``, per line: the whole terminal path (normalise, split, classify, correct,
  match, state, reply, print). Target: under 5 ms a line on average (issue 13).
* baseline, per line: the first version's matcher, one keyword regex alternation per
  intent searched over the NFKC-folded line (what the brain did before it understood).
"""

from __future__ import annotations

import io
import re
import sys
import unicodedata
from pathlib import Path

from benchmarks.harness import Result, interleaved, main, summarize
from game.npc import terminal
from game.npc.dialogue import Dialogue, load_npc

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONVERSATIONS = Path(__file__).resolve().parent.parent / "tests" / "conversations"
TARGET_MS = 5.0

Conversation = tuple[str, dict[str, str], list[str]]


def conversations() -> list[Conversation]:
    """``(npc, facts, lines)`` of every conversation of the evaluation set."""
    found = []
    for path in sorted(CONVERSATIONS.glob("*.toml")):
        if path.name == "vocab.toml":
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for conversation in data.get("conversation", []):
            facts = {str(k): str(v) for k, v in conversation.get("facts", {}).items()}
            lines = [line["say"] for line in conversation["line"]]
            found.append((conversation["npc"], facts, lines))
    return found


def _keyword_scan(dialogue: Dialogue) -> list[re.Pattern[str]]:
    # Every example and keyword of an intent as one alternation: the first version's cost.
    patterns = []
    for intent in dialogue.intents:
        words = sorted({*intent.examples, intent.name}, key=len, reverse=True)
        patterns.append(re.compile("|".join(map(re.escape, words)), re.IGNORECASE))
    return patterns


def run(quick: bool = False) -> list[Result]:
    """Per-line cost of ``--chat`` on the evaluation set, against a keyword scan."""
    convs = conversations()
    n_lines = sum(len(lines) for _, _, lines in convs)
    dialogues = {key: load_npc(key) for key in {npc for npc, _, _ in convs}}
    scans = {key: _keyword_scan(d) for key, d in dialogues.items()}
    real_load = terminal.load_npc

    def chat() -> float:
        import time

        terminal.load_npc = dialogues.__getitem__  # type: ignore[assignment]
        try:
            start = time.perf_counter()
            for npc, facts, lines in convs:
                stdin = io.StringIO("".join(line + "\n" for line in lines))
                terminal.run_chat(npc, facts=facts, stdin=stdin, stdout=io.StringIO())
            return (time.perf_counter() - start) / n_lines
        finally:
            terminal.load_npc = real_load

    def keyword_scan() -> float:
        import time

        start = time.perf_counter()
        for npc, _, lines in convs:
            patterns = scans[npc]
            for line in lines:
                folded = unicodedata.normalize("NFKC", line)
                for pattern in patterns:
                    pattern.search(folded)
        return (time.perf_counter() - start) / n_lines

    chat()  # warm the caches (stems, spellings), as any run does after its first lines
    samples = interleaved(
        {"keyword scan (first version)": keyword_scan, "--chat (run_chat, rule brain)": chat},
        repeats=3 if quick else 11,
    )
    results = summarize(
        f"chat, per line ({n_lines} eval lines)",
        samples,
        unit="ms/line",
        scale=1e3,
        baseline="keyword scan (first version)",
    )
    for result in results:
        if result.variant.startswith("--chat"):
            result.target = f"< {TARGET_MS:g} ms"
            result.met = result.median < TARGET_MS
    return results


if __name__ == "__main__":
    main(run)
