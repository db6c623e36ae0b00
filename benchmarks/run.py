"""One command for every benchmark: ``python -m benchmarks [--quick] [--only NAME ...]``.

Finds the ``benchmarks/bench_*.py`` modules present, runs each one's
``run(quick)`` in this process, prints one table and writes the results with a
description of the machine to ``benchmarks/results.json``.

The comparison libraries (pyglet, blinker, psygnal, pymunk; the ``bench``
extra) are optional. A module should import them with
:func:`benchmarks.harness.optional`; one that imports them at the top anyway
is imported again with stand-ins for the missing library, so its own cases
still run and the comparisons that touch the stand-ins are reported as skipped.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import importlib.abc
import importlib.machinery
import importlib.metadata
import json
import os
import platform
import shlex
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.harness import MissingLibrary, Result, format_table, missing_reason, skipped

#: Libraries that only serve as comparisons: a run goes on without them.
OPTIONAL_LIBRARIES = ("pyglet", "blinker", "psygnal", "pymunk")
#: Distributions whose versions describe a run.
VERSIONS = ("callback-quest", "pygame-ce", "numpy", *OPTIONAL_LIBRARIES)
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results.json"


def discover() -> list[str]:
    """Short names (``dispatch`` for ``bench_dispatch.py``) of the modules present, sorted."""
    return sorted(path.stem.removeprefix("bench_") for path in HERE.glob("bench_*.py"))


# -- optional libraries -----------------------------------------------------


class _Absent:
    """Anything taken from a missing library: using it raises :class:`MissingLibrary`."""

    def __init__(self, library: str, name: str) -> None:
        self._library = library
        self._name = name

    def __getattr__(self, attr: str) -> _Absent:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Absent(self._library, f"{self._name}.{attr}")

    def _missing(self, *args: object, **kwargs: object) -> Any:
        raise MissingLibrary(missing_reason(self._library), name=self._library)

    __call__ = __getitem__ = __setitem__ = __iter__ = __mro_entries__ = _missing


class _AbsentModule(ModuleType):
    def __init__(self, name: str) -> None:
        super().__init__(name, f"stand-in: {missing_reason(name.split('.')[0])}")
        self.__path__: list[str] = []  # a package, so that submodules import too

    def __getattr__(self, attr: str) -> _Absent:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Absent(self.__name__.split(".")[0], f"{self.__name__}.{attr}")


class _StandIns(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, libraries: set[str]) -> None:
        self.libraries = libraries

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.split(".")[0] in self.libraries:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return _AbsentModule(spec.name)

    def exec_module(self, module: ModuleType) -> None:
        pass


@contextmanager
def stand_ins(libraries: set[str]) -> Iterator[None]:
    """While open, importing one of ``libraries`` gives a stand-in module."""
    finder = _StandIns(libraries)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name in [n for n in sys.modules if n.split(".")[0] in libraries]:
            if isinstance(sys.modules[name], _AbsentModule):
                del sys.modules[name]


def _missing_optional(exc: ImportError) -> str | None:
    root = (exc.name or "").split(".")[0]
    return root if root in OPTIONAL_LIBRARIES else None


def run_module(name: str, quick: bool) -> tuple[list[Result], str | None]:
    """Import ``benchmarks.bench_<name>`` and run it: its results, and an error if it failed."""
    modname = f"benchmarks.bench_{name}"
    absent: set[str] = set()
    while True:
        try:
            with stand_ins(absent):
                module = importlib.import_module(modname)
                return list(module.run(quick)), None
        except MissingLibrary as exc:
            reason = missing_reason(exc.name or "?")
            return [skipped(name, "(whole module)", reason)], None
        except ImportError as exc:
            library = _missing_optional(exc)
            if library is None or library in absent:
                return [], _describe(exc)
            absent.add(library)  # import again with a stand-in for it
            sys.modules.pop(modname, None)
        except Exception as exc:
            return [], _describe(exc)


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)).rstrip()


# -- the machine --------------------------------------------------------------


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info(argv: Sequence[str]) -> dict[str, Any]:
    """What a reader needs to weigh the numbers: cores, CPU, Python, versions, load."""
    return {
        "cpu_count": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "versions": {name: _version(name) for name in VERSIONS},
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": shlex.join(["python", "-m", "benchmarks", *argv]),
    }


# -- the command ----------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    available = discover()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure Callback Quest against a floor and the field; print a table.",
    )
    parser.add_argument("--quick", action="store_true", help="fewer, shorter repeats (~30 s)")
    parser.add_argument(
        "--only",
        nargs="+",
        action="extend",
        metavar="NAME",
        help=f"run only these benchmarks (of: {', '.join(available) or 'none found'})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="where to write the JSON results (default: benchmarks/results.json)",
    )
    args = parser.parse_args(argv)
    names = [n.removeprefix("bench_") for n in args.only] if args.only else available
    unknown = [n for n in names if n not in available]
    if unknown:
        parser.error(
            f"--only: no benchmark named {', '.join(map(repr, unknown))} "
            f"(have: {', '.join(available) or 'none'})"
        )
    args.names = list(dict.fromkeys(names))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; 0 if every module ran (met targets or not), 1 if one failed."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    # Modules that draw need pygame headless; set before anything imports it.
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    info = machine_info(argv)
    print(
        f"{info['cpu_count']} cores, {info['cpu']}, Python {info['python']}"
        f"{', quick' if args.quick else ''}",
        file=sys.stderr,
    )
    results: list[Result] = []
    modules: dict[str, dict[str, Any]] = {}
    for name in args.names:
        print(f"running {name} …", end=" ", file=sys.stderr, flush=True)
        start = time.perf_counter()
        found, error = run_module(name, args.quick)
        seconds = time.perf_counter() - start
        print(f"{seconds:.1f} s{' FAILED' if error else ''}", file=sys.stderr)
        if error:
            print(error, file=sys.stderr)
        results.extend(found)
        modules[name] = {"seconds": round(seconds, 2), "error": error}
    info["load_average_after"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    print(format_table(results))
    report = {
        "machine": info,
        "quick": args.quick,
        "modules": modules,
        "results": [r.as_dict() for r in results],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
    return 1 if any(m["error"] for m in modules.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
