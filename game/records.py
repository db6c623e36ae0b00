"""Best time and best score, kept in the user's data folder (found with platformdirs).

``records_path()`` is ``$CALLBACK_QUEST_DATA_DIR/records.json`` when that
variable is set (tests and headless runs point it at a temporary folder), else
``records.json`` in ``platformdirs.user_data_dir("callback-quest")``. A file
that is missing starts empty; one that is corrupt or cannot be read or
written is logged as a warning and the game goes on with what it has: losing
a best time must never end a game.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from game.engine.datafile import DataFileError, check_depth, decode, read_bytes

__all__ = ["DATA_DIR_VARIABLE", "Records", "records_path"]

log = logging.getLogger(__name__)

#: A records file holds two numbers; anything near this size is not one.
MAX_RECORDS_BYTES = 64 * 1024

#: Environment variable that overrides the folder the records live in.
DATA_DIR_VARIABLE = "CALLBACK_QUEST_DATA_DIR"
FILE_NAME = "records.json"


def records_path() -> Path:
    """Where the records file lives (the variable, else the platform's user data folder)."""
    folder = os.environ.get(DATA_DIR_VARIABLE)
    if folder:
        return Path(folder) / FILE_NAME
    return Path(platformdirs.user_data_dir("callback-quest", appauthor=False)) / FILE_NAME


@dataclass
class Records:
    """The best run so far: ``best_time`` in seconds of game time, ``best_score`` in points.

    ``path=None`` keeps them in memory only (what tests and headless runs get
    unless :data:`DATA_DIR_VARIABLE` is set).
    """

    path: Path | None = None
    best_time: float | None = None
    best_score: int | None = None

    @classmethod
    def load(cls, path: Path | None) -> Records:
        """Read ``path``; missing → empty, corrupt or unreadable → empty with a warning."""
        records = cls(path)
        if path is None:
            return records
        if not path.exists():
            return records
        try:
            # Bounded like every data file: a folder, /dev/zero or 100,000 nested
            # brackets in place of the records is a warning, not a crash.
            text = decode(path, read_bytes(path, limit=MAX_RECORDS_BYTES))
            check_depth(path, text, syntax="json")
        except DataFileError as exc:
            log.warning("records: cannot read %s; starting without best times", exc)
            return records
        try:
            data = json.loads(text)
            best_time = data.get("best_time")
            best_score = data.get("best_score")
            if best_time is not None and not (
                isinstance(best_time, (int, float)) and 0 < best_time < 1e9
            ):
                raise ValueError(f"best_time {best_time!r}")
            if best_score is not None and not (
                isinstance(best_score, int) and not isinstance(best_score, bool)
            ):
                raise ValueError(f"best_score {best_score!r}")
        except (ValueError, AttributeError) as exc:
            log.warning("records: %s is corrupt (%s); starting without best times", path, exc)
            return records
        records.best_time = float(best_time) if best_time is not None else None
        records.best_score = best_score
        return records

    def offer(self, seconds: float, score: int) -> tuple[bool, bool]:
        """A finished run: keep what beats the records and save; returns (faster, higher)."""
        faster = self.best_time is None or seconds < self.best_time
        higher = self.best_score is None or score > self.best_score
        if faster:
            self.best_time = seconds
        if higher:
            self.best_score = score
        if faster or higher:
            self.save()
        return faster, higher

    def save(self) -> bool:
        """Write the file (atomically); an unwritable place is a warning. Returns success."""
        if self.path is None:
            return True
        data = {"best_time": self.best_time, "best_score": self.best_score}
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(data), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as exc:
            log.warning(
                "records: cannot save %s (%s); best times are kept for this run", self.path, exc
            )
            return False
        return True

    def forget(self) -> None:
        """``--new``: forget the best time and score, and delete the file."""
        self.best_time = self.best_score = None
        if self.path is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("records: cannot delete %s (%s)", self.path, exc)

    def describe(self, language: str = "en") -> str:
        """One line for the pause panel in ``language`` (``"en"`` or ``"zh"``):
        "Best: time 11:32, score 240" (or "no finished run yet")."""
        zh = language == "zh"
        if self.best_time is None and self.best_score is None:
            return "最佳：还没有完成过" if zh else "Best: no finished run yet"
        time = format_time(self.best_time) if self.best_time is not None else "–"
        score = self.best_score if self.best_score is not None else "–"
        return f"最佳：用时 {time}，得分 {score}" if zh else f"Best: time {time}, score {score}"


def format_time(seconds: float) -> str:
    """``"m:ss"`` of game seconds."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
