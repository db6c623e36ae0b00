"""Command line: ``python -m game`` / ``callback-quest``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from game.engine._checks import non_negative, positive, whole
from game.engine.errors import DataError
from game.interrupt import Interrupted, check_signals, poll_signals, signals_stop_the_run
from game.npc.brain_spec import BrainSpecError, MissingExtraError, brain_argument, load_factory

if TYPE_CHECKING:
    from game.app import App
    from game.playback import Recorder
    from game.records import Records
    from game.scene import SceneFactory

__all__ = ["main", "parse_args"]

log = logging.getLogger("game")

_T = TypeVar("_T")

EXIT_OK = 0
EXIT_USAGE = 2


#: What a user can fix: a broken dialogue, bindings or replay file, a missing extra or font.
_DATA_ERRORS = (DataError, MissingExtraError, FileNotFoundError)
#: ``--replay``: a checkpoint differs (the run went another way than recorded).
EXIT_MISMATCH = 3


def _parsed(parse: Callable[[str], _T], expected: str) -> Callable[[str], _T]:
    """An argparse ``type=``: ``parse(text)``, its ``ValueError`` told as "must be {expected}"."""

    def convert(text: str) -> _T:
        try:
            return parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {expected}, not {text!r}") from None

    return convert


def _count(low: int) -> Callable[[str], int]:
    return _parsed(lambda text: whole("the value", int(text), low), f"a whole number >= {low}")


def _one_to_a_million(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 1_000_000:
        raise ValueError(value)
    return value


_seconds = _parsed(lambda text: non_negative("seconds", float(text)), "a finite number >= 0")
_positive_seconds = _parsed(
    lambda text: positive("seconds", float(text)), "a number of seconds > 0"
)
_entities = _parsed(_one_to_a_million, "a whole number between 1 and 1,000,000")


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


def _persona(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty persona: leave --persona out for the NPC's own")
    return text.strip()


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
    llm = parser.add_argument_group(
        "LangChain brain", "with --brain fake-llm or module:function (docs/langchain.md)"
    )
    llm.add_argument(
        "--persona",
        type=_persona,
        metavar="TEXT",
        help="who the NPCs are, for the model (default: each NPC's persona from its dialogue file)",
    )
    llm.add_argument(
        "--llm-timeout",
        type=_positive_seconds,
        metavar="S",
        help="seconds a reply may stay silent before the NPC gives up (default: 30)",
    )
    llm.add_argument(
        "--history",
        type=_count(0),
        metavar="N",
        help="past exchanges per NPC the model is shown (default: 6; 0: none)",
    )
    llm.add_argument(
        "--max-tokens",
        type=_count(1),
        metavar="N",
        help="token limit of a reply, where the model takes one (default: 200)",
    )
    llm.add_argument(
        "--max-chars",
        type=_count(20),
        metavar="N",
        help="characters a reply is cut to, at a sentence end (default: 280)",
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
        "--stress",
        type=_entities,
        metavar="N",
        help="run the stress scene instead of the village: N bouncing, colliding entities "
        "(F3 shows the frame time, + and - change N); with --headless --json it prints "
        "frame-time percentiles and the per-phase split",
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
        help="talk to an NPC in the terminal (default: guide) through --brain: one line in, "
        "'Name: reply' out, until end of input; no window. No game runs, so live questions "
        "see a fixed state: score 0, 0 coins left, clock 00:00 (change it with --fact)",
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
    """Parse ``argv``; exits with status 2 and a message naming the bad argument.

    A ``--brain module:function`` is imported last, once every other argument
    was accepted: importing a module runs its code.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_replay_args(args)
    if args.brain.count(":") == 1 and _flags_that_do_not_apply(args) is None:
        try:
            load_factory(args.brain)
        except (BrainSpecError, MissingExtraError) as exc:
            parser.error(f"argument --brain: {exc}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the game as the command line asks; return the exit status.

    SIGINT and SIGTERM end any mode with 130 and 143; a closed stdout ends
    it quietly with the status the run would have had.
    """
    try:
        with signals_stop_the_run():
            return _main(argv)
    except Interrupted as exc:
        print(f"callback-quest: stopped by {exc}", file=sys.stderr)
        return exc.status
    except BrokenPipeError:
        _stdout_closed()
        return EXIT_OK


def _stdout_closed() -> None:
    # Whoever read stdout is gone: send what is left (and the interpreter's
    # final flush) to the null device, so nothing complains on the way out.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass


def _out(line: str) -> None:
    """Print ``line`` on stdout; a closed stdout is not an error of the run."""
    try:
        print(line, flush=True)
    except BrokenPipeError:
        _stdout_closed()


def _main(argv: Sequence[str] | None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    _quiet_http_logs(args.verbose)
    problem = _flags_that_do_not_apply(args)
    if problem is not None:
        print(f"callback-quest: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.replay is not None:
            with poll_signals():
                return _run_replay(args)
        if args.stress is not None:
            with poll_signals():
                return _run_stress(args)
        if args.chat is not None:
            from game.npc.terminal import run_chat

            return run_chat(
                args.chat,
                seed=args.seed,
                facts=dict(args.fact),
                brain=args.brain,
                brain_options=_brain_options(args),
            )
        if args.wiring:
            return _run_wiring(args)
        with poll_signals():
            return _run_headless(args) if args.headless else _run_window(args)
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

    return demo_scene(
        args.brain,
        _brain_options(args),
        quests=args.quests,
        records=_records(args, headless=headless),
    )


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
    if args.stress is not None:
        for given, flag in (
            (args.chat is not None, "--chat"),
            (args.replay is not None, "--replay"),
            (args.record is not None, "--record"),
            (args.autoplay, "--autoplay"),
            (args.brain != "rule", "--brain"),
            (args.wiring, "--wiring"),
            (args.quests is not None, "--quests"),
            (args.new, "--new"),
        ):
            if given:
                return f"{flag} does not apply to --stress (the stress scene has no player or NPCs)"
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
    if args.brain == "rule":
        given = [
            f"--{flag.replace('_', '-')}" for flag in _LLM_FLAGS if getattr(args, flag) is not None
        ]
        if given:
            return (
                f"{', '.join(given)} set{'s' if len(given) == 1 else ''} up a LangChain brain: "
                "add --brain fake-llm or --brain module:function"
            )
    return None


def _loading_frame(headless: bool) -> None:
    """Open the window and draw one line before the game is imported.

    Importing numpy and the game and building the scene take a second or more
    on a slow machine; with this the window shows at once, as fast as a bare
    pygame-ce window (``benchmarks/bench_stress.py`` measures both). The App
    then takes the same window over. Logs ``first frame`` (``-v``). Where no
    window can open it draws nothing: the App says why.
    """
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ["SDL_AUDIODRIVER"] = "dummy"
    import pygame

    try:
        pygame.display.init()
        if not headless and pygame.display.get_driver() in ("offscreen", "dummy"):
            return
        screen = pygame.display.set_mode((960, 540), 0 if headless else pygame.RESIZABLE)
        pygame.display.set_caption("Callback Quest")
        pygame.font.init()
        font = pygame.font.Font(None, 30)
        line = font.render("Callback Quest: loading...", True, (236, 240, 232))
    except pygame.error:
        return
    screen.fill((18, 20, 28))
    screen.blit(line, line.get_rect(center=screen.get_rect().center))
    pygame.display.flip()
    log.debug("first frame")


def _run_window(args: argparse.Namespace) -> int:
    _loading_frame(headless=False)
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
        _out(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))
    return EXIT_OK


def _run_headless(args: argparse.Namespace) -> int:
    _loading_frame(headless=True)
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
    stopped: Interrupted | None = None
    try:
        try:
            app.run_for(10.0 if args.seconds is None else args.seconds)
            check_signals()  # one that came during the last frame
        except Interrupted as exc:
            # The summary still comes out, saying so; the recording keeps no end line.
            stopped = exc
        if recorder is not None and stopped is None:
            recorder.finish()
        if args.screenshot:
            app.save_screenshot(args.screenshot)
        summary = app.summary()
        summary["interrupted"] = stopped is not None
    finally:
        if recorder is not None:
            recorder.close()
        app.close()
    if args.json:
        _out(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))
    else:
        _out(
            f"{summary['ticks']} ticks ({summary['game_time']:.2f} s of game time) "
            f"in {summary['wall_time']:.2f} s, {summary['realtime_factor']}x real time; "
            f"score {summary['score']}, handler errors {summary['handler_errors']}, "
            f"state {summary['state_hash']}" + (f" (stopped by {stopped})" if stopped else "")
        )
    if stopped is not None:
        print(f"callback-quest: stopped by {stopped}", file=sys.stderr)
        return stopped.status
    return EXIT_OK


# -- the LangChain brain's options ------------------------------------------------

#: Command-line flag → LangChainBrain keyword.
_LLM_FLAGS = {
    "persona": "persona",
    "llm_timeout": "timeout",
    "history": "history",
    "max_tokens": "max_tokens",
    "max_chars": "max_chars",
}


def _brain_options(args: argparse.Namespace) -> dict[str, object]:
    """The LangChain brain's keywords the command line set (the rest keep their defaults)."""
    return {
        keyword: getattr(args, flag)
        for flag, keyword in _LLM_FLAGS.items()
        if getattr(args, flag) is not None
    }


def _quiet_http_logs(verbose: bool) -> None:
    """HTTP client libraries log every request at INFO (and every byte at DEBUG); a chatting
    NPC makes many requests. ``-v`` shows the requests, never the bytes."""
    level = logging.INFO if verbose else logging.WARNING
    for name in ("httpx", "httpx2", "httpcore", "httpcore2", "openai", "ollama"):
        logging.getLogger(name).setLevel(level)


def _run_stress(args: argparse.Namespace) -> int:
    _loading_frame(headless=args.headless)
    from game.stress import stress_scene

    if not args.headless:
        from game.app import App, NoDisplayError

        try:
            app = App(stress_scene(args.stress), seed=args.seed, mute=True)
        except NoDisplayError as exc:
            print(
                f"callback-quest: no display available ({exc}); running --stress headless",
                file=sys.stderr,
            )
        else:
            try:
                app.run(seconds=args.seconds)
                if args.screenshot:
                    app.save_screenshot(args.screenshot)
                summary = app.summary()
            finally:
                app.close()
            if args.json:
                print(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))
            return EXIT_OK
    from game.stress.run import run_stress

    seconds = 10.0 if args.seconds is None else args.seconds
    summary = run_stress(args.stress, seconds=seconds, seed=args.seed, render=not args.no_render)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))
    else:
        print(
            f"stress N={summary['n']}: {summary['frames']} frames, p50 {summary['p50']:.1f} ms, "
            f"p95 {summary['p95']:.1f} ms, p99 {summary['p99']:.1f} ms, max "
            f"{summary['max']:.1f} ms; {summary['events_delivered']} events"
        )
    return EXIT_OK


def _run_wiring(args: argparse.Namespace) -> int:
    from game.app import App
    from game.engine.wiring import edges, to_mermaid

    # The same village as a headless run (--brain, --quests, --new honoured), undrawn.
    app = App(
        _scene(args, headless=True),
        headless=True,
        seed=args.seed,
        autoplay=True,
        render=False,
        mute=True,
    )
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
    stopped: Interrupted | None = None
    try:
        playback = Playback(app, replay, render=app.render_enabled, watch=not app.headless)
        try:
            result = playback.run()
            check_signals()
        except Interrupted as exc:
            stopped, result = exc, playback.result
            result.stopped = True
            result.ticks = app.loop.tick
        if args.screenshot:
            app.save_screenshot(args.screenshot)
        summary = app.summary()
        summary["interrupted"] = stopped is not None
    finally:
        app.close()
    for warning in result.warnings:
        log.warning("%s: %s", args.replay, warning)
    if args.json:
        summary["replay"] = {"file": str(args.replay), **result.as_json()}
        _out(json.dumps(summary, ensure_ascii=False, separators=(",", ":")))
    elif result.mismatch is not None:
        _out(f"replay {args.replay}: {result.mismatch.describe()}")
    else:
        notes = ""
        if result.stopped:
            notes = f" (stopped at tick {result.ticks})"
        elif not result.complete:
            notes = " (no end line: the recording was cut short)"
        _out(
            f"replay {args.replay}: {result.checked}/{result.checkpoints} checkpoints match "
            f"over {result.ticks} ticks{notes}; state {summary['state_hash']}"
        )
    if stopped is not None:
        print(f"callback-quest: stopped by {stopped}", file=sys.stderr)
        return stopped.status
    return EXIT_OK if result.ok else EXIT_MISMATCH
