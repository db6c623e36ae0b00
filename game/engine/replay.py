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

from game.engine.datafile import DataFileError, check_depth, decode, read_bytes
from game.engine.input_events import InputEvent

__all__ = [
    "CHECK_EVERY",
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
#: Steps between two checkpoints unless the header says otherwise (one second at 60 steps).
CHECK_EVERY = 60
#: The longest checkpoint interval a header may declare (a minute at 60 steps a second).
MAX_CHECK_EVERY = 3600
#: Nesting of a replay line: ``{"input": [["MouseMotion", {"pos": [x, y]}]]}`` is 4.
_MAX_LINE_DEPTH = 8
#: SDL's event fields are 32-bit; a larger number cannot come from a recording.
_INT_LIMIT = 2**31


class ReplayError(DataFileError):
    """A replay file that cannot be used; the message names the line and the problem."""


@dataclass(frozen=True, slots=True)
class ReplayHeader:
    """What a replay was recorded with."""

    seed: int
    step: float
    game_version: str
    options: Mapping[str, Any] = field(default_factory=dict)
    format: int = FORMAT_VERSION
    #: Steps between two checkpoints (the reader refuses lines further from the last one).
    every: int = CHECK_EVERY

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
            if not -_INT_LIMIT <= value < _INT_LIMIT:
                raise ValueError(f"{event}.{fname}: {value:.3g} is out of range")
            return value
    elif annotation is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not (math.isfinite(value) and -_INT_LIMIT <= value < _INT_LIMIT):
                raise ValueError(f"{event}.{fname}: must be a finite number, not {value!r}")
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
        # A lone surrogate (it can reach typed text) is written as the JSON
        # escape "\\udc80", which the reader reads back as the same character.
        self._file: IO[str] = self.path.open(
            "w", encoding="utf-8", errors="backslashreplace", newline="\n"
        )
        self._write(
            {
                "replay": MAGIC,
                "format": header.format,
                "game_version": header.game_version,
                "seed": header.seed,
                "step": header.step,
                "options": dict(header.options),
                "every": header.every,
            }
        )

    def _write(self, obj: Mapping[str, Any]) -> None:
        # allow_nan=False: NaN and infinities are refused here, at record time,
        # as the reader would refuse them (ValueError naming nothing better).
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        self._file.write(line + "\n")
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
    """Read and validate a replay file; raises :class:`ReplayError` naming the line.

    Besides each line's shape and types: ticks never go back, no line lies
    more than the header's ``every`` ticks after the last checkpoint (a
    recording writes one every ``every`` steps, so a tick far ahead cannot
    come from one), no two checkpoints share a tick, nothing follows the end line.
    """
    try:
        text = decode(path, read_bytes(path, limit=MAX_REPLAY_BYTES))
    except DataFileError as exc:
        raise ReplayError(path, exc.line, exc.problem) from None
    numbered = list(_numbered_objects(path, text))
    if not numbered:
        raise ReplayError(path, 1, "empty file: expected a replay header")
    header = _header(path, *numbered[0])
    lines: list[InputLine | Checkpoint] = []
    last_tick = 0
    checked_at = 0  # the state before the first step needs no checkpoint to be known
    checkpoints: dict[int, int] = {}
    for number, obj in numbered[1:]:
        if lines and isinstance(lines[-1], Checkpoint) and lines[-1].end:
            raise ReplayError(path, number, "data after the end line")
        line = _body_line(path, number, obj)
        if line.tick < last_tick:
            raise ReplayError(path, number, f"tick {line.tick} goes back before {last_tick}")
        if line.tick - checked_at > header.every:
            raise ReplayError(
                path,
                number,
                f"tick {line.tick} is more than {header.every} ticks after the last "
                f"checkpoint (tick {checked_at}): a recording checks every {header.every}",
            )
        if isinstance(line, Checkpoint):
            if line.tick in checkpoints:
                raise ReplayError(
                    path,
                    number,
                    f"a second checkpoint for tick {line.tick} (the first is on line "
                    f"{checkpoints[line.tick]})",
                )
            checkpoints[line.tick] = number
            checked_at = line.tick
        last_tick = line.tick
        lines.append(line)
    return Replay(header, tuple(lines))


def _numbered_objects(path: str | os.PathLike[str], text: str) -> Iterator[tuple[int, Any]]:
    lines = text.split("\n")
    last = len(lines)
    for number, line in enumerate(lines, start=1):
        if number == last:
            if line.strip():
                # The writer ends every line; a partial last line is a crash mid-write.
                raise ReplayError(path, number, "truncated line (the file ends mid-line)")
            return
        if not line.strip():
            continue
        try:
            check_depth(path, line, limit=_MAX_LINE_DEPTH, syntax="json")
            obj = json.loads(line, parse_constant=_reject_constant)
        except DataFileError as exc:
            raise ReplayError(path, number, exc.problem) from None
        except (ValueError, RecursionError) as exc:
            raise ReplayError(path, number, f"not valid JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise ReplayError(path, number, "each line must be a JSON object")
        yield number, obj


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


_INPUT_KEYS = frozenset({"tick", "input", "paused"})
_CHECKPOINT_KEYS = frozenset({"tick", "check", "parts", "end"})


def _is_int(value: object) -> typing.TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _header(path: str | os.PathLike[str], number: int, obj: dict[str, Any]) -> ReplayHeader:
    if obj.get("replay") != MAGIC:
        raise ReplayError(path, number, "not a Callback Quest replay (no header)")
    version = obj.get("format")
    if not _is_int(version):
        raise ReplayError(path, number, f"format must be an integer, not {version!r:.80}")
    if version > FORMAT_VERSION:
        raise ReplayError(
            path,
            number,
            f"format {version} is newer than this game reads ({FORMAT_VERSION}): update the game",
        )
    if version < 1:
        raise ReplayError(path, number, f"unknown format {version}")
    seed, step = obj.get("seed"), obj.get("step")
    if not _is_int(seed):
        raise ReplayError(path, number, f"seed must be an integer, not {seed!r:.80}")
    if not isinstance(step, (int, float)) or isinstance(step, bool) or not 0 < step <= 1:
        raise ReplayError(path, number, f"step must be seconds in (0, 1], not {step!r:.80}")
    every = obj.get("every", CHECK_EVERY)
    if not _is_int(every) or not 1 <= every <= MAX_CHECK_EVERY:
        raise ReplayError(
            path, number, f"every must be a whole number in 1..{MAX_CHECK_EVERY}, not {every!r:.80}"
        )
    options = obj.get("options", {})
    if not isinstance(options, dict):
        raise ReplayError(path, number, "options must be an object")
    game_version = obj.get("game_version", "?")
    if not isinstance(game_version, str):
        raise ReplayError(path, number, f"game_version must be a string, not {game_version!r:.80}")
    return ReplayHeader(seed, float(step), game_version, options, version, every)


def _flag(path: str | os.PathLike[str], number: int, obj: dict[str, Any], key: str) -> bool:
    # JSON true/false only: bool("no") is True, and "false" would read as paused.
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise ReplayError(path, number, f"{key} must be true or false, not {value!r:.80}")
    return value


def _body_line(
    path: str | os.PathLike[str], number: int, obj: dict[str, Any]
) -> InputLine | Checkpoint:
    tick = obj.get("tick")
    if not _is_int(tick) or tick < 0:
        raise ReplayError(path, number, f"tick must be a whole number >= 0, not {tick!r:.80}")
    kind = "input" if "input" in obj else "checkpoint" if "check" in obj else None
    if kind is None:
        raise ReplayError(path, number, "expected an input or a checkpoint line")
    unknown = set(obj) - (_INPUT_KEYS if kind == "input" else _CHECKPOINT_KEYS)
    if unknown:
        raise ReplayError(path, number, f"unknown key {sorted(unknown)[0]!r:.80} in an {kind} line")
    if kind == "input":
        events = obj["input"]
        if not isinstance(events, list) or not events:
            raise ReplayError(path, number, "input must be a non-empty list of events")
        try:
            parsed = tuple(event_from_json(e, tick) for e in events)
        except (ValueError, TypeError) as exc:
            raise ReplayError(path, number, str(exc)) from None
        return InputLine(tick, parsed, _flag(path, number, obj, "paused"))
    check, parts = obj["check"], obj.get("parts")
    if not isinstance(check, str) or not isinstance(parts, dict) or not parts:
        raise ReplayError(
            path, number, "a checkpoint needs a string check and a non-empty object parts"
        )
    if not all(isinstance(v, str) for v in parts.values()):
        raise ReplayError(path, number, "checkpoint parts must map names to strings")
    return Checkpoint(tick, check, parts, _flag(path, number, obj, "end"))
