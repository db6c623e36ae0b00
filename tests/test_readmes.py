"""README.md and README.zh-CN.md: linked both ways, and listing the same commands and flags."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ROOT / "README.md"
CHINESE = ROOT / "README.zh-CN.md"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
_INLINE_COMMAND = re.compile(r"`((?:python|bash|pip|pytest|callback-quest)\b[^`]*)`")
_FLAG_ROW = re.compile(r"^\| `(-[^`]+)`", re.MULTILINE)


def commands(readme: Path) -> dict[str, set[str]]:
    """The shell commands (fenced bash blocks and inline code), and the flags table's rows."""
    text = readme.read_text(encoding="utf-8")
    shell = set()
    for language, body in _FENCE.findall(text):
        if language in ("bash", "sh", "console"):
            for line in body.splitlines():
                line = line.split("#", 1)[0].strip()  # comments are prose, translated
                if line:
                    shell.add(re.sub(r"\s+", " ", line))
    prose = _FENCE.sub("", text)
    inline = {re.sub(r"\s+", " ", c.strip()) for c in _INLINE_COMMAND.findall(prose)}
    return {"shell": shell, "inline": inline, "flags": set(_FLAG_ROW.findall(text))}


def test_both_readmes_list_the_same_commands_and_flags() -> None:
    english, chinese = commands(ENGLISH), commands(CHINESE)
    assert english["shell"], "README.md shows no shell commands: is the parser broken?"
    assert len(english["flags"]) >= 10
    for kind in ("shell", "inline", "flags"):
        assert english[kind] == chinese[kind], (
            f"{kind}: only in README.md {sorted(english[kind] - chinese[kind])}, "
            f"only in README.zh-CN.md {sorted(chinese[kind] - english[kind])}"
        )


def test_each_readme_links_the_other_at_the_top() -> None:
    english_top = ENGLISH.read_text(encoding="utf-8").split("\n## ", 1)[0]
    chinese_top = CHINESE.read_text(encoding="utf-8").split("\n## ", 1)[0]
    assert "(README.zh-CN.md)" in english_top
    assert "(README.md)" in chinese_top


def test_the_callbacks_section_points_to_every_tutorial_chapter() -> None:
    for readme, language in ((ENGLISH, "en"), (CHINESE, "zh-CN")):
        text = readme.read_text(encoding="utf-8")
        section = re.split(r"\n## ", text)
        callbacks = next(s for s in section if "EventBus" in s and "tutorial/" in s)
        for chapter in sorted((ROOT / "docs" / "tutorial" / language).glob("[0-9][0-9]-*.md")):
            assert f"docs/tutorial/{language}/{chapter.name}" in callbacks, (
                f"{readme.name} does not point to {chapter.name}"
            )
