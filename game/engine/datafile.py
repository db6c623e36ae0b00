"""One rule for every file the game reads: bounded before it is parsed.

Replays, dialogue, key bindings and the font come from files a player can
edit, download or break. Each is read through this module, which refuses,
with a :class:`DataFileError` naming the file (and the line, when there is
one), anything that would otherwise escape as a traceback, a hang or an
exhausted memory:

* a folder, a missing or unreadable file;
* more bytes than the kind of file needs. The file is read with a cap
  (``limit + 1`` bytes at most), never by trusting its reported size, so
  ``/dev/zero``, a pipe or a growing file cannot fill the memory;
* text that is not UTF-8 (the message names the line);
* nesting deeper than :data:`MAX_DEPTH` (arrays, tables, objects, dotted
  keys), measured by a scan of the text before any parser recurses into it.

What the parsed values mean is checked by each loader (types, ranges,
cross-references); those errors name the key. No pygame, stdlib only. See
``docs/files.md``.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from game.engine._toml import tomllib
from game.engine.errors import DataError

__all__ = [
    "MAX_DEPTH",
    "MAX_TOML_BYTES",
    "DataFileError",
    "check_depth",
    "read_bytes",
    "read_text",
    "read_toml",
]

#: The deepest nesting a data file may have (the bundled files use 3).
MAX_DEPTH = 32
#: Dialogue and bindings files: the bundled ones are ~10 KB.
MAX_TOML_BYTES = 1024 * 1024


class DataFileError(DataError):
    """A data file that cannot be used: ``"path:line: problem"`` (``line`` may be ``None``)."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, problem: str) -> None:
        where = f"{os.fspath(path)}:{line}" if line is not None else os.fspath(path)
        super().__init__(f"{where}: {problem}")
        self.path = os.fspath(path)
        self.line = line
        self.problem = problem


def read_bytes(path: str | os.PathLike[str], *, limit: int) -> bytes:
    """The bytes of ``path``, at most ``limit`` of them.

    Raises :class:`DataFileError` for a folder, a file that cannot be opened,
    and one with more than ``limit`` bytes (found by reading ``limit + 1``
    bytes, so devices and pipes are bounded too).
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise DataFileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise DataFileError(path, None, "is a folder, not a file")
    if stat.S_ISREG(mode) and os.path.getsize(path) > limit:
        raise DataFileError(path, None, f"larger than the {limit} byte limit")
    try:
        with open(path, "rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise DataFileError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise DataFileError(path, None, f"larger than the {limit} byte limit")
    return data


def decode(path: str | os.PathLike[str], data: bytes) -> str:
    """``data`` as UTF-8 text; raises :class:`DataFileError` naming the first bad line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataFileError(path, line, f"not UTF-8 text ({exc.reason})") from None


def read_text(path: str | os.PathLike[str], *, limit: int) -> str:
    """:func:`read_bytes`, decoded as UTF-8 (a leading BOM is dropped)."""
    text = decode(path, read_bytes(path, limit=limit))
    return text.removeprefix("\ufeff")


# TOML strings and comments (their brackets and dots are not structure), then
# numbers with a decimal point (their dots are not key separators).
_TOML_SKIP = re.compile(
    r"'''[\s\S]*?'''"
    r'|"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""'
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[+-]?\d[\d_]*\.\d[\d_]*(?:[eE][+-]?\d+)?"
)
_JSON_SKIP = re.compile(r'"(?:[^"\\]|\\.)*"')
_STRUCTURE = re.compile(r"\n|[\[\]{}]|[^\[\]{}=,\n]+")


def check_depth(
    path: str | os.PathLike[str], text: str, *, limit: int = MAX_DEPTH, syntax: str = "toml"
) -> None:
    """Refuse ``text`` nested deeper than ``limit`` before a parser recurses into it.

    Counts open ``[``/``{`` outside strings and comments, plus, for TOML
    (``syntax="toml"``; else JSON), the parts of a dotted key (``a.b.c = 1``
    nests three tables). Raises :class:`DataFileError` naming the line where
    the limit is passed. The count is conservative: text a parser would
    reject anyway may be refused here first.
    """
    toml = syntax == "toml"
    dots = text.count(".") if toml else 0
    if text.count("[") + text.count("{") + dots <= limit:
        return  # cannot be deeper: most lines of a replay stop here
    skip = _TOML_SKIP if toml else _JSON_SKIP
    stripped = skip.sub(lambda m: "\n" * m.group().count("\n"), text)
    depth = 0
    line = 1
    for match in _STRUCTURE.finditer(stripped):
        token = match.group()
        if token == "\n":
            line += 1
            continue
        if token in "[{":
            depth += 1
            nested = depth
        elif token in "]}":
            depth -= 1
            continue
        else:
            nested = depth + (token.count(".") if toml else 0)
        if nested > limit:
            raise DataFileError(path, line, f"nested deeper than {limit} levels")


def read_toml(path: str | os.PathLike[str], *, limit: int = MAX_TOML_BYTES) -> dict[str, Any]:
    """Read a TOML data file within the size and depth bounds.

    Raises :class:`DataFileError` for everything :func:`read_text` and
    :func:`check_depth` refuse, and for TOML syntax errors (the message
    carries tomllib's "at line L, column C").
    """
    text = read_text(path, limit=limit)
    return parse_toml(text, source=Path(path))


def parse_toml(text: str, *, source: str | os.PathLike[str] = "<string>") -> dict[str, Any]:
    """Parse TOML ``text`` (already read) within the depth bound; ``source`` names it."""
    check_depth(source, text)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(source, None, f"not valid TOML: {exc}") from None
    except RecursionError:  # pragma: no cover - check_depth refuses such text first
        raise DataFileError(source, None, f"nested deeper than {MAX_DEPTH} levels") from None
