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
import unicodedata
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


_FENCED = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)


def heading_anchors(page: Path) -> set[str]:
    """The ``#fragment`` GitHub gives each heading of ``page``: lower case, spaces to
    hyphens, punctuation (ASCII and CJK) dropped, letters of every script kept, ``-1``
    ``-2`` for repeats."""
    anchors: set[str] = set()
    repeats: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6} (.+)$", _FENCED.sub("", page.read_text("utf-8")), re.M):
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
        slug = "".join(
            "-" if c == " " else c
            for c in text
            if c in " -_" or unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Mn"
        )
        anchors.add(f"{slug}-{repeats[slug]}" if slug in repeats else slug)
        repeats[slug] = repeats.get(slug, 0) + 1
    return anchors


def test_every_relative_link_in_the_tutorial_and_readmes_points_to_a_file() -> None:
    """Files and images exist, and a ``#fragment`` into a Markdown page names one of its
    headings (the Chinese pages link Chinese headings, which a renamed title breaks)."""
    pages = [*TUTORIAL.rglob("*.md"), ROOT / "README.md", ROOT / "README.zh-CN.md"]
    broken, checked, fragments = [], 0, 0
    for page in pages:
        text = _FENCED.sub("", page.read_text(encoding="utf-8"))  # code is not links
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if "://" in target:
                continue
            path, _, fragment = target.partition("#")
            linked = page.parent / path if path else page
            checked += 1
            if not linked.exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
            elif fragment and linked.suffix == ".md":
                fragments += 1
                if fragment not in heading_anchors(linked):
                    broken.append(f"{page.relative_to(ROOT)} -> {target} (no such heading)")
    assert broken == []
    assert checked > 100
    assert fragments > 10
