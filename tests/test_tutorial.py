"""The tutorial: every example runs headless, and the chapters show its code and output exactly.

Chapters live in ``docs/tutorial/en/`` and ``docs/tutorial/zh-CN/`` under the same file
names. A chapter shows an example as::

    <!-- example: examples/01_callback.py -->
    ```python
    ...the whole file...
    ```

and what it prints as ``<!-- output: examples/01_callback.py -->`` before a ``text``
block. So the prose cannot drift from the code: change an example, and its chapters
must change with it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial"
LANGUAGES = ("en", "zh-CN")
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
# An example block: the marker, then a fenced block right after it.
_BLOCK = re.compile(
    r"<!-- (example|output): (\S+) -->\n```(\w+)\n(.*?)^```$", re.DOTALL | re.MULTILINE
)
# Examples that need an optional extra, and the module that proves it is installed.
_NEEDS = {"08_langchain_stream.py": "langchain_core"}


def chapters(language: str) -> list[Path]:
    return sorted((TUTORIAL / language).glob("[0-9][0-9]-*.md"))


def blocks(chapter: Path) -> list[tuple[str, str, str, str]]:
    """``(kind, path, fence language, body)`` of every marked block, in order."""
    found = _BLOCK.findall(chapter.read_text(encoding="utf-8"))
    return [(kind, path, fence, body) for kind, path, fence, body in found]


def lines(text: str) -> list[str]:
    # Trailing spaces are invisible in a rendered page and editors strip them.
    return [line.rstrip() for line in text.rstrip("\n").split("\n")]


@cache
def run(example: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "PYTHONIOENCODING": "utf-8",
    }
    # From another directory: an example must not depend on where it is started.
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / example)],
        cwd=ROOT / "docs",
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_there_are_eight_chapters_in_each_language_with_the_same_names() -> None:
    names = {language: [c.name for c in chapters(language)] for language in LANGUAGES}
    assert len(names["en"]) == 8
    assert names["en"] == names["zh-CN"]


@pytest.mark.parametrize("name", [c.name for c in chapters("en")])
def test_both_languages_show_the_same_code_in_the_same_order(name: str) -> None:
    en = [b for b in blocks(TUTORIAL / "en" / name)]
    zh = [b for b in blocks(TUTORIAL / "zh-CN" / name)]
    assert [(k, p) for k, p, _, _ in en] == [(k, p) for k, p, _, _ in zh]
    assert any(kind == "example" for kind, _, _, _ in en), f"{name} shows no example"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_chapter_shows_its_examples_exactly(language: str) -> None:
    for chapter in chapters(language):
        for kind, path, fence, body in blocks(chapter):
            if kind != "example":
                continue
            assert fence == "python", f"{chapter.name}: {path} is not in a python block"
            source = (ROOT / path).read_text(encoding="utf-8")
            assert lines(body) == lines(source), (
                f"{language}/{chapter.name} shows a different {path}: copy the file into it"
            )


def test_every_example_is_in_a_chapter() -> None:
    shown = {
        path
        for chapter in chapters("en")
        for kind, path, _, _ in blocks(chapter)
        if kind == "example"
    }
    assert shown == {f"examples/{e.name}" for e in EXAMPLES}


@pytest.mark.parametrize("example", [e.name for e in EXAMPLES])
def test_example_runs_headless_and_prints_what_its_chapters_show(example: str) -> None:
    needed = _NEEDS.get(example)
    if needed is not None and importlib.util.find_spec(needed) is None:
        pytest.skip(f"{example} needs {needed} (the llm extra)")
    result = run(example)
    assert result.returncode == 0, result.stderr
    outputs = [
        (language, chapter.name, body)
        for language in LANGUAGES
        for chapter in chapters(language)
        for kind, path, _, body in blocks(chapter)
        if kind == "output" and path == f"examples/{example}"
    ]
    assert len(outputs) == len(LANGUAGES), f"each language shows {example}'s output once"
    for language, chapter, body in outputs:
        assert lines(body) == lines(result.stdout), (
            f"{language}/{chapter} shows another output than {example} prints"
        )


def test_the_tutorial_and_the_architecture_link_each_other() -> None:
    index = (TUTORIAL / "README.md").read_text(encoding="utf-8")
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "../architecture.md" in index
    assert "tutorial/README.md" in architecture
    for language in LANGUAGES:
        for chapter in chapters(language):
            assert f"{language}/{chapter.name}" in index, f"the index misses {chapter.name}"


def test_every_relative_link_in_the_tutorial_and_readmes_points_to_a_file() -> None:
    pages = [*TUTORIAL.rglob("*.md"), ROOT / "README.md", ROOT / "README.zh-CN.md"]
    broken, checked = [], 0
    for page in pages:
        text = _BLOCK.sub("", page.read_text(encoding="utf-8"))  # code is not links
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            path = target.split("#", 1)[0]
            if not path or "://" in target:
                continue
            checked += 1
            if not (page.parent / path).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []
    assert checked > 100
