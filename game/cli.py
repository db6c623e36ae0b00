"""Command line: ``python -m game`` / ``callback-quest``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from game.engine._checks import non_negative
from game.engine.errors import DataError
from game.npc.brain_spec import MissingExtraError, brain_argument

if TYPE_CHECKING:
    from game.app import App
    from game.playback import Recorder
    from game.records import Records
    from game.scene import SceneFactory

__all__ = ["main", "parse_args"]

log = logging.getLogger("game")

EXIT_OK = 0
EXIT_USAGE = 2


#: What a user can fix: a broken dialogue, bindings or replay file, a missing extra or font.
_DATA_ERRORS = (DataError, MissingExtraError, FileNotFoundError)
#: ``--replay``: a checkpoint differs (the run went another way than recorded).
EXIT_MISMATCH = 3


def _seconds(text: str) -> float:
    try:
        return non_negative("seconds", float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, not {text!r}") from None


def _png_path(text: str) -> Path:
    path = Path(text)
    folder = path.parent if str(path.parent) else Path(".")
    if path.suffix.lower() != ".png":
        raise argparse.ArgumentTypeError(f"{text!r}: the screenshot is a PNG, name it *.png")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r}: folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise argparse.ArgumentTypeError(f"{text!r}: not writable")
    return path


def _record_path(text: str) -> Path:
    path = Path(text)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r}: folder {str(folder)!r} does not exist")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a folder, not a file")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise argparse.ArgumentTypeError(f"{text!r}: not writable")
    return path


def _fact(text: str) -> tuple[str, str]:
    from game.npc.dialogue import FACTS

    key, sep, value = text.partition("=")
    known = sorted(FACTS)
    if not sep or key not in known:
        raise argparse.ArgumentTypeError(f"{text!r}: expected KEY=VALUE, KEY one of {known}")
    return key, value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callback-quest",
        description="Callback Quest: a small pygame-ce game built on callbacks.",
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no window: run the autoplay bot on SDL's dummy driver as fast as possible",
    )
    parser.add_argument(
        "--seconds",
        type=_seconds,
        default=None,
        metavar="S",
        help="game time a headless run lasts (default: 10); a window run stops after it too",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="RNG seed (default: 0)")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the run's summary as one JSON line (headless, --replay, or when the "
        "window closes)",
    )
    parser.add_argument("--no-render", action="store_true", help="headless: skip drawing frames")
    parser.add_argument(
        "--screenshot", type=_png_path, metavar="PATH", help="save the last frame as a PNG"
    )
    parser.add_argument("--autoplay", action="store_true", help="let the bot play in the window")
    parser.add_argument(
        "--brain",
        type=brain_argument,
        default="rule",
        metavar="SPEC",
        help="who answers in the NPC chat: rule (default, offline), fake-llm (canned "
        "replies streamed through LangChain callbacks) or module:function returning a "
        "LangChain Runnable; the last two need the llm extra (docs/langchain.md)",
    )
    parser.add_argument("--mute", action="store_true", help="no typing blips")
    parser.add_argument(
        "--record",
        type=_record_path,
        metavar="FILE",
        help="write a replay of this run (window, --autoplay or --headless): the input of "
        "every tick and a state-hash checkpoint every second (docs/replay.md)",
    )
    parser.add_argument(
        "--replay",
        metavar="FILE",
        help="play a replay back headless and check its checkpoints: exit 0 if all match, "
        "3 naming the first tick that differs, 2 for a file that cannot be used",
    )
    parser.add_argument(
        "--window", action="store_true", help="--replay: watch it in a window, in real time"
    )
    parser.add_argument(
        "--quests",
        type=Path,
        metavar="FILE",
        help="play another quest line (a TOML file, docs/quests.md); "
        "a malformed one exits 2 naming the file, quest and step",
    )
    parser.add_argument(
        "--new",
        action="store_true",
        help="forget the best time and score before playing (a new player)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages to stderr")
    parser.add_argument(
        "--wiring",
        action="store_true",
        help="print who reacts to what as Mermaid text, read from the live bus after a headless "
        "autoplay of --seconds (default 10): event types, handlers, events delivered",
    )
    parser.add_argument(
        "--chat",
        nargs="?",
        const="guide",
        metavar="NPC",
        help="talk to an NPC in the terminal (default: guide): one line in, 'Name: reply' out, "
        "until end of input; no window. No game runs, so live questions see a fixed state: "
        "score 0, 0 coins left, clock 00:00 (change it with --fact)",
    )
    parser.add_argument(
        "--fact",
        action="append",
        type=_fact,
        default=[],
        metavar="KEY=VALUE",
        help="--chat: set a game fact for live answers, e.g. --fact score=12 (repeatable)",
    )
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``argv``; exits with status 2 and a message naming the bad argument."""
    return build_parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the game as the command line asks; return the exit status."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    _check_replay_args(args)
    problem = _flags_that_do_not_apply(args)
    if problem is not None:
        print(f"callback-quest: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.replay is not None:
            return _run_replay(args)
        if args.chat is not None:
            from game.npc.terminal import run_chat

            return run_chat(args.chat, seed=args.seed, facts=dict(args.fact))
        if args.wiring:
            return _run_wiring(args)
        if args.headless:
            return _run_headless(args)
        return _run_window(args)
    except _DATA_ERRORS as exc:
        # A broken data file (dialogue, bindings, font) is the user's to fix:
        # one line naming the file and the problem, not a traceback.
        print(f"callback-quest: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _records(args: argparse.Namespace, *, headless: bool) -> Records:
    """The best time and score: in the user's data folder, except for a headless run
    (unless ``CALLBACK_QUEST_DATA_DIR`` points somewhere), which keeps them in memory."""
    from game.records import DATA_DIR_VARIABLE, Records, records_path

    use_file = not headless or bool(os.environ.get(DATA_DIR_VARIABLE))
    records = Records.load(records_path() if use_file else None)
    if args.new:
        records.forget()
    return records


def _scene(args: argparse.Namespace, *, headless: bool) -> SceneFactory:
    from game.demo.scene import demo_scene

    return demo_scene(args.brain, quests=args.quests, records=_records(args, headless=headless))


def _flags_that_do_not_apply(args: argparse.Namespace) -> str | None:
    """The first flag given to a mode it means nothing in, as one line; None if all apply.

    A flag silently ignored is a question silently unanswered (``--fact`` without
    ``--chat`` used to change nothing), so each is honoured or refused.
    """
    if args.chat is not None:
        for given, flag in (
            (args.headless, "--headless"),
            (args.seconds is not None, "--seconds"),
            (args.json, "--json"),
            (args.no_render, "--no-render"),
            (args.screenshot is not None, "--screenshot"),
            (args.autoplay, "--autoplay"),
            (args.mute, "--mute"),
        ):
            if given:
                return f"{flag} does not apply to --chat (no game runs: it talks in the terminal)"
    elif args.fact:
        return "--fact goes with --chat (a running game has its own facts)"
    if args.replay is not None and args.seconds is not None:
        return "--seconds does not apply to --replay (it plays the whole file)"
    if args.wiring:  # always headless, so --headless is honoured
        for given, flag in (
            (args.json, "--json"),
            (args.no_render, "--no-render"),
            (args.screenshot is not None, "--screenshot"),
            (args.autoplay, "--autoplay"),
            (args.mute, "--mute"),
            (args.record is not None, "--record"),
        ):
            if given:
                return (
                    f"{flag} does not apply to --wiring (it runs the headless autoplay, "
                    "undrawn, and prints Mermaid)"
                )
    return None


def _run_window(args: argparse.Namespace) -> int:
    from game.app import App, NoDisplayError

    try:
        app = App(
            _scene(args, headless=False), seed=args.seed, autoplay=args.autoplay, mute=args.mute
        )
    except NoDisplayError as exc:
        print(
            f"callback-quest: no display available ({exc}); running the headless autoplay instead",
            file=sys.stderr,
        )
        return _run_headless(args)
    if args.no_render:
        app.close()
        print(
            "callback-quest: --no-render goes with --headless or --replay (a window always draws)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    recorder = _recorder(app, args)
    try:
        app.run(seconds=args.seconds)
        if recorder is not None:
            recorder.finish()
        if args.screenshot:
            app.save_screenshot(args.screenshot)
        summary = app.summary()
    finally:
        if recorder is not None:
            recorder.close()
        app.close()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))
    return EXIT_OK


def _run_headless(args: argparse.Namespace) -> int:
    from game.app import App

    app = App(
        _scene(args, headless=True),
        headless=True,
        seed=args.seed,
        autoplay=True,
        render=not args.no_render,
        mute=True,
    )
    recorder = _recorder(app, args)
    try:
        app.run_for(10.0 if args.seconds is None else args.seconds)
        if recorder is not None:
            recorder.finish()
        if args.screenshot:
            app.save_screenshot(args.screenshot)
        summary = app.summary()
    finally:
        if recorder is not None:
            recorder.close()
        app.close()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))
    else:
        print(
            f"{summary['ticks']} ticks ({summary['game_time']:.2f} s of game time) "
            f"in {summary['wall_time']:.2f} s, {summary['realtime_factor']}x real time; "
            f"score {summary['score']}, handler errors {summary['handler_errors']}, "
            f"state {summary['state_hash']}"
        )
    return EXIT_OK


def _run_wiring(args: argparse.Namespace) -> int:
    from game.app import App
    from game.engine.wiring import edges, to_mermaid

    app = App(headless=True, seed=args.seed, autoplay=True, render=False, brain=args.brain)
    try:
        app.run_for(10.0 if args.seconds is None else args.seconds)
        sys.stdout.write(to_mermaid(edges(app.bus)))
    finally:
        app.close()
    return EXIT_OK


# -- record and replay ------------------------------------------------------------


def _check_replay_args(args: argparse.Namespace) -> None:
    """Refuse combinations that make no sense, as argparse would (exit 2)."""

    def refuse(message: str) -> None:
        build_parser().error(message)

    if args.replay is not None:
        for given, flag in (
            (args.record, "--record"),
            (args.chat, "--chat"),
            (args.autoplay or None, "--autoplay"),
            (args.wiring or None, "--wiring"),
        ):
            if given is not None:
                refuse(f"--replay cannot be combined with {flag}")
        if args.brain != "rule":
            refuse("--replay takes the brain from the file; drop --brain")
        if args.quests is not None:
            refuse("--replay plays the village's quest line; drop --quests")
    elif args.window:
        refuse("--window goes with --replay (a normal run opens a window anyway)")
    if args.wiring and args.chat is not None:
        refuse("--wiring prints a game run's wiring; --chat runs no game")
    if args.record is not None:
        if args.chat is not None:
            refuse("--record records a game run, not --chat")
        if args.quests is not None:
            refuse("--record records the village's quest line (a replay plays it); drop --quests")
        if args.brain != "rule":
            refuse(
                f"--record needs --brain rule: {args.brain!r} answers on the wall clock's "
                "time, so its runs cannot be replayed"
            )


def _recorder(app: App, args: argparse.Namespace) -> Recorder | None:
    if args.record is None:
        return None
    from game.playback import Recorder

    options = {"brain": args.brain, "autoplay": app.autoplay is not None, "headless": app.headless}
    return Recorder(app, args.record, options=options)


def _run_replay(args: argparse.Namespace) -> int:
    from game.app import App, NoDisplayError
    from game.engine.replay import ReplayError
    from game.playback import Playback, load_replay

    try:
        replay = load_replay(args.replay)
    except ReplayError as exc:
        print(f"callback-quest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    app = None
    if args.window:
        try:
            app = App(seed=replay.header.seed, mute=args.mute)
        except NoDisplayError as exc:
            print(
                f"callback-quest: no display available ({exc}); replaying headless instead",
                file=sys.stderr,
            )
    if app is None:
        app = App(headless=True, seed=replay.header.seed, render=not args.no_render, mute=True)
    try:
        playback = Playback(app, replay, render=app.render_enabled, watch=not app.headless)
        result = playback.run()
        if args.screenshot:
            app.save_screenshot(args.screenshot)
        summary = app.summary()
    finally:
        app.close()
    for warning in result.warnings:
        log.warning("%s: %s", args.replay, warning)
    if args.json:
        summary["replay"] = {"file": str(args.replay), **result.as_json()}
        print(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))
    elif result.mismatch is not None:
        print(f"replay {args.replay}: {result.mismatch.describe()}")
    else:
        notes = ""
        if result.stopped:
            notes = f" (stopped at tick {result.ticks})"
        elif not result.complete:
            notes = " (no end line: the recording was cut short)"
        print(
            f"replay {args.replay}: {result.checked}/{result.checkpoints} checkpoints match "
            f"over {result.ticks} ticks{notes}; state {summary['state_hash']}"
        )
    return EXIT_OK if result.ok else EXIT_MISMATCH
