"""Replay files: the stamped input of a run, and state-hash checkpoints to check it by.

A replay is JSON Lines (one JSON object per line), written incrementally and
flushed, so a crash still leaves a usable file up to the last tick::

    {"replay": "callback-quest", "format": 1, "game_version": "0.1.0", "seed": 3, "step": …}
    {"tick": 12, "input": [["KeyDown", {"key": 1073741904, "mod": 0, "repeat": false}]]}
    {"tick": 40, "paused": true, "input": [["KeyDown", {"key": 112, "mod": 0, "repeat": false}]]}
    {"tick": 60, "check": "9f1c…", "parts": {"player": "…", "score": "…"}}
    {"tick": 600, "end": true, "check": "…", "parts": {…}}

``input`` lines carry the events published in phase 1 of ``tick``;
``paused`` ones the events delivered at once while the loop was paused (no
step ran). Reading never evaluates anything from the file: events are looked
up by class name among the known input events, and each field is checked
against its declared type. See ``docs/replay.md``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from game.engine.errors import DataError
from game.engine.input_events import InputEvent

__all__ = [
    "FORMAT_VERSION",
    "MAX_REPLAY_BYTES",
    "Checkpoint",
    "InputLine",
    "Replay",
    "ReplayError",
    "ReplayHeader",
    "ReplayWriter",
    "combine_parts",
    "event_from_json",
    "event_to_json",
    "read_replay",
]

FORMAT_VERSION = 1
MAGIC = "callback-quest"
#: Larger files are refused before reading: a replay of hours of play is a few MB.
MAX_REPLAY_BYTES = 100 * 1024 * 1024


class ReplayError(DataError):
    """A replay file that cannot be used; the message names the line and the problem."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, problem: str) -> None:
        where = f"{os.fspath(path)}:{line}" if line is not None else os.fspath(path)
        super().__init__(f"{where}: {problem}")
        self.path = os.fspath(path)
        self.line = line
        self.problem = problem


@dataclass(frozen=True, slots=True)
class ReplayHeader:
    """What a replay was recorded with."""

    seed: int
    step: float
    game_version: str
    options: Mapping[str, Any] = field(default_factory=dict)
    format: int = FORMAT_VERSION

    def step_mismatch(self, step: float) -> str | None:
        """Why a game stepping ``step`` seconds cannot play this replay, or ``None`` if it can.

        Steps match within 1e-12 s: the header stores the float's repr, so a
        difference is another step, never a rounding error.
        """
        if abs(self.step - step) > 1e-12:
            return f"recorded at a step of {self.step} s; this game steps {step} s"
        return None


@dataclass(frozen=True, slots=True)
class InputLine:
    """Input events of one tick; ``paused`` ones were delivered while no step ran."""

    tick: int
    events: tuple[InputEvent, ...]
    paused: bool = False


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The state hash at the start of ``tick`` (after ``tick`` steps), by part."""

    tick: int
    check: str
    parts: Mapping[str, str]
    end: bool = False


@dataclass(frozen=True, slots=True)
class Replay:
    """A whole replay file, read and validated."""

    header: ReplayHeader
    lines: tuple[InputLine | Checkpoint, ...]

    @property
    def end(self) -> Checkpoint | None:
        """The final checkpoint, or ``None`` for a file cut short by a crash."""
        last = self.lines[-1] if self.lines else None
        return last if isinstance(last, Checkpoint) and last.end else None


def _input_event_classes() -> dict[str, type[InputEvent]]:
    found: dict[str, type[InputEvent]] = {}
    pending: list[type[InputEvent]] = [InputEvent]
    while pending:
        klass = pending.pop()
        for sub in klass.__subclasses__():
            pending.append(sub)
            found[sub.__name__] = sub
    return found


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(klass: type) -> dict[str, Any]:
    # Evaluates the class's own annotations (our code), never the file's text.
    hints = _HINTS.get(klass)
    if hints is None:
        hints = _HINTS[klass] = typing.get_type_hints(klass)
    return hints


def event_to_json(event: InputEvent) -> list[Any]:
    """``[class name, {field: value}]`` without the tick (the line carries it)."""
    values = {
        f.name: _plain(getattr(event, f.name))
        for f in dataclasses.fields(event)
        if f.name != "tick"
    }
    return [type(event).__name__, values]


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def event_from_json(data: Any, tick: int) -> InputEvent:
    """Rebuild an input event; raises ``ValueError`` naming what is wrong."""
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], str)):
        raise ValueError(f"an event must be [name, {{fields}}], not {data!r:.80}")
    name, values = data
    klass = _input_event_classes().get(name)
    if klass is None:
        raise ValueError(f"unknown input event {name!r}")
    if not isinstance(values, dict):
        raise ValueError(f"{name}: fields must be an object, not {values!r:.80}")
    kwargs: dict[str, Any] = {"tick": tick}
    declared = {f.name: f for f in dataclasses.fields(klass) if f.name != "tick"}
    hints = _hints(klass)
    unknown = set(values) - set(declared)
    if unknown:
        raise ValueError(f"{name}: unknown field(s) {', '.join(sorted(unknown))}")
    for fname, spec in declared.items():
        if fname not in values:
            if spec.default is dataclasses.MISSING:
                raise ValueError(f"{name}: missing field {fname!r}")
            continue
        kwargs[fname] = _checked(name, fname, hints[fname], values[fname])
    return klass(**kwargs)


def _checked(event: str, fname: str, annotation: object, value: object) -> object:
    """``value`` if it fits the field's declared type (resolved, never read from the file)."""
    if annotation is bool:
        if isinstance(value, bool):
            return value
    elif annotation is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif annotation is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise ValueError(f"{event}.{fname}: must be finite, not {value!r}")
            return float(value)
    elif annotation is str:
        if isinstance(value, str):
            return value
    elif typing.get_origin(annotation) is tuple:
        items = typing.get_args(annotation)
        if isinstance(value, list) and (
            (len(items) == 2 and items[1] is Ellipsis) or len(items) == len(value)
        ):
            kinds = [items[0]] * len(value) if items[-1] is Ellipsis else list(items)
            return tuple(
                _checked(event, f"{fname}[{i}]", kind, item)
                for i, (kind, item) in enumerate(zip(kinds, value, strict=True))
            )
    else:
        raise ValueError(f"{event}.{fname}: cannot read a {annotation!r} field")
    name = getattr(annotation, "__name__", None) or str(annotation)
    raise ValueError(f"{event}.{fname}: expected {name}, not {value!r:.80}")


class ReplayWriter:
    """Writes a replay as the game runs; every line is flushed at once."""

    def __init__(self, path: str | os.PathLike[str], header: ReplayHeader) -> None:
        self.path = Path(path)
        self._file: IO[str] = self.path.open("w", encoding="utf-8", newline="\n")
        self._write(
            {
                "replay": MAGIC,
                "format": header.format,
                "game_version": header.game_version,
                "seed": header.seed,
                "step": header.step,
                "options": dict(header.options),
            }
        )

    def _write(self, obj: Mapping[str, Any]) -> None:
        self._file.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._file.flush()

    def input(self, tick: int, events: list[InputEvent], *, paused: bool = False) -> None:
        """Record the events delivered for ``tick`` (nothing if ``events`` is empty)."""
        if not events:
            return
        line: dict[str, Any] = {"tick": tick, "input": [event_to_json(e) for e in events]}
        if paused:
            line["paused"] = True
        self._write(line)

    def checkpoint(self, tick: int, parts: Mapping[str, str], *, end: bool = False) -> None:
        """Record the state hash after ``tick`` steps."""
        line: dict[str, Any] = {"tick": tick}
        if end:
            line["end"] = True
        line["check"] = combine_parts(parts)
        line["parts"] = dict(parts)
        self._write(line)

    def close(self) -> None:
        """Close the file (what was written stays valid even without this)."""
        self._file.close()


def combine_parts(parts: Mapping[str, str]) -> str:
    """One digest for a set of per-part digests (order-independent)."""
    joined = ";".join(f"{k}={v}" for k, v in sorted(parts.items()))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def read_replay(path: str | os.PathLike[str]) -> Replay:
    """Read and validate a replay file; raises :class:`ReplayError` naming the line."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise ReplayError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if size > MAX_REPLAY_BYTES:
        raise ReplayError(
            path, None, f"{size} bytes is larger than the {MAX_REPLAY_BYTES} byte limit"
        )
    try:
        with open(path, encoding="utf-8") as file:
            numbered = list(_numbered_objects(path, file))
    except UnicodeDecodeError as exc:
        raise ReplayError(path, None, f"not UTF-8 text ({exc.reason})") from None
    if not numbered:
        raise ReplayError(path, 1, "empty file: expected a replay header")
    header = _header(path, *numbered[0])
    lines: list[InputLine | Checkpoint] = []
    last_tick = 0
    for number, obj in numbered[1:]:
        if lines and isinstance(lines[-1], Checkpoint) and lines[-1].end:
            raise ReplayError(path, number, "data after the end line")
        line = _body_line(path, number, obj)
        if line.tick < last_tick:
            raise ReplayError(path, number, f"tick {line.tick} goes back before {last_tick}")
        last_tick = line.tick
        lines.append(line)
    return Replay(header, tuple(lines))


def _numbered_objects(path: str | os.PathLike[str], file: IO[str]) -> Iterator[tuple[int, Any]]:
    for number, text in enumerate(file, start=1):
        if not text.strip():
            continue
        if not text.endswith("\n"):
            # The writer ends every line; a partial last line is a crash mid-write.
            raise ReplayError(path, number, "truncated line (the file ends mid-line)")
        try:
            obj = json.loads(text, parse_constant=_reject_constant)
        except ValueError as exc:
            raise ReplayError(path, number, f"not valid JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise ReplayError(path, number, "each line must be a JSON object")
        yield number, obj


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _header(path: str | os.PathLike[str], number: int, obj: dict[str, Any]) -> ReplayHeader:
    if obj.get("replay") != MAGIC:
        raise ReplayError(path, number, "not a Callback Quest replay (no header)")
    version = obj.get("format")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ReplayError(path, number, f"format must be an integer, not {version!r}")
    if version > FORMAT_VERSION:
        raise ReplayError(
            path,
            number,
            f"format {version} is newer than this game reads ({FORMAT_VERSION}): update the game",
        )
    if version < 1:
        raise ReplayError(path, number, f"unknown format {version}")
    seed, step = obj.get("seed"), obj.get("step")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ReplayError(path, number, f"seed must be an integer, not {seed!r}")
    if not isinstance(step, (int, float)) or isinstance(step, bool) or not step > 0:
        raise ReplayError(path, number, f"step must be a positive number, not {step!r}")
    options = obj.get("options", {})
    if not isinstance(options, dict):
        raise ReplayError(path, number, "options must be an object")
    game_version = obj.get("game_version", "?")
    return ReplayHeader(seed, float(step), str(game_version), options, version)


def _body_line(
    path: str | os.PathLike[str], number: int, obj: dict[str, Any]
) -> InputLine | Checkpoint:
    tick = obj.get("tick")
    if not isinstance(tick, int) or isinstance(tick, bool) or tick < 0:
        raise ReplayError(path, number, f"tick must be a whole number >= 0, not {tick!r}")
    if "input" in obj:
        events = obj["input"]
        if not isinstance(events, list) or not events:
            raise ReplayError(path, number, "input must be a non-empty list of events")
        try:
            parsed = tuple(event_from_json(e, tick) for e in events)
        except (ValueError, TypeError) as exc:
            raise ReplayError(path, number, str(exc)) from None
        return InputLine(tick, parsed, bool(obj.get("paused", False)))
    if "check" in obj:
        check, parts = obj["check"], obj.get("parts", {})
        if not isinstance(check, str) or not isinstance(parts, dict):
            raise ReplayError(path, number, "a checkpoint needs a string check and an object parts")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in parts.items()):
            raise ReplayError(path, number, "checkpoint parts must map names to strings")
        return Checkpoint(tick, check, parts, bool(obj.get("end", False)))
    raise ReplayError(path, number, "expected an input or a checkpoint line")
