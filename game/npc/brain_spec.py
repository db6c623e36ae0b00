"""Choosing the NPC's brain by name: ``--brain rule | fake-llm | module:function``.

This module imports no LangChain. The LangChain brain's module
(:mod:`game.npc.langchain_brain`) is imported only when a spec asks for it, so
the game and its tests start without the optional ``llm`` extra installed.

* ``rule``: the offline rule brain (the default).
* ``fake-llm``: LangChain's fake chat model streaming canned replies at a
  visible pace, through the same callbacks a real model uses. Needs the extra.
* ``module:function``: ``function()`` (no arguments) returns a LangChain
  ``Runnable``, typically a chat model (see ``docs/langchain.md``). The module
  is imported as Python imports it: ``python -m game`` puts the current
  directory on the path.
"""

from __future__ import annotations

import argparse
import importlib
import keyword
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from game.engine.errors import DataError
from game.npc.brain import Brain

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

    from game.engine.events import EventBus

__all__ = [
    "LLM_INSTALL_HINT",
    "BrainSpec",
    "BrainSpecError",
    "MissingExtraError",
    "brain_argument",
    "load_factory",
    "make_brain",
    "parse_brain_spec",
    "require_langchain",
]

#: What to run when the ``llm`` extra is missing.
LLM_INSTALL_HINT = 'pip install "callback-quest[llm]"'


class BrainSpecError(DataError):
    """A ``--brain`` spec that cannot be used; the message says what is wrong."""


class MissingExtraError(ImportError):
    """The LangChain brain was chosen but ``langchain-core`` (the ``llm`` extra) is missing."""

    def __init__(self, detail: str = "") -> None:
        why = f" ({detail})" if detail else ""
        # langchain-core 1.8 is for Python 3.11+: on 3.10 the extra installs nothing.
        python = "" if sys.version_info >= (3, 11) else " on Python 3.11 or newer"
        super().__init__(
            f"the LangChain brain needs the optional 'llm' extra{why}; "
            f"install it{python} with: {LLM_INSTALL_HINT}"
        )


@dataclass(frozen=True, slots=True)
class BrainSpec:
    """A parsed ``--brain`` value: its ``kind`` and, for factories, where the function lives."""

    kind: Literal["rule", "fake-llm", "factory"]
    module: str = ""
    function: str = ""

    def __str__(self) -> str:
        return f"{self.module}:{self.function}" if self.kind == "factory" else self.kind


def _is_dotted_name(text: str) -> bool:
    parts = text.split(".")
    return all(part.isidentifier() and not keyword.iskeyword(part) for part in parts)


def parse_brain_spec(text: str) -> BrainSpec:
    """Parse ``rule``, ``fake-llm`` or ``module:function`` (syntax only, nothing is imported).

    Raises :class:`BrainSpecError` naming the spec when it is none of these.
    """
    if not isinstance(text, str):
        raise BrainSpecError(f"a brain spec is a string, not {text!r}")
    spec = text.strip()
    if spec == "rule":
        return BrainSpec("rule")
    if spec == "fake-llm":
        return BrainSpec("fake-llm")
    if spec.count(":") == 1:
        module, function = spec.split(":")
        if _is_dotted_name(module) and function.isidentifier() and not keyword.iskeyword(function):
            return BrainSpec("factory", module, function)
    raise BrainSpecError(
        f"unknown brain {text!r}: use 'rule', 'fake-llm' or 'module:function' "
        "(a Python module and a function in it that returns a LangChain Runnable)"
    )


def require_langchain() -> None:
    """Raise :class:`MissingExtraError` (with the install command) unless langchain-core imports."""
    try:
        importlib.import_module("langchain_core.runnables")
    except ImportError as exc:
        raise MissingExtraError(str(exc)) from exc


def load_factory(spec: str | BrainSpec) -> Callable[[], Runnable[Any, Any]]:
    """Import the user's ``module:function`` and return a factory that checks what it builds.

    Calling the returned factory calls the user's function and raises
    :class:`BrainSpecError` if that does not return a LangChain ``Runnable``.
    Raises :class:`MissingExtraError` when the ``llm`` extra is missing, and
    :class:`BrainSpecError` when the module cannot be imported, has no such
    attribute, or the attribute is not callable.
    """
    parsed = spec if isinstance(spec, BrainSpec) else parse_brain_spec(spec)
    if parsed.kind != "factory":
        raise BrainSpecError(f"{str(parsed)!r} is not a 'module:function' spec")
    require_langchain()
    where = f"factory {str(parsed)!r}"
    try:
        module = importlib.import_module(parsed.module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (
            parsed.module == exc.name or parsed.module.startswith(exc.name + ".")
        ):
            raise BrainSpecError(
                f"{where}: no module named {parsed.module!r} "
                "(is it on the Python path? `python -m game` adds the current directory)"
            ) from exc
        raise BrainSpecError(
            f"{where}: importing {parsed.module!r} failed: {exc} "
            "(install the package that module needs)"
        ) from exc
    except Exception as exc:
        raise BrainSpecError(
            f"{where}: importing {parsed.module!r} raised {type(exc).__name__}: {exc}"
        ) from exc
    function = getattr(module, parsed.function, None)
    if function is None:
        raise BrainSpecError(f"{where}: module {parsed.module!r} has no {parsed.function!r}")
    if not callable(function):
        raise BrainSpecError(
            f"{where}: {parsed.module}.{parsed.function} is a "
            f"{type(function).__name__}, not a function returning a Runnable"
        )
    user_factory: Callable[[], object] = function

    def factory() -> Runnable[Any, Any]:
        from langchain_core.runnables import Runnable

        try:
            built = user_factory()
        except Exception as exc:
            raise BrainSpecError(f"{where}: calling it raised {type(exc).__name__}: {exc}") from exc
        if not isinstance(built, Runnable):
            raise BrainSpecError(
                f"{where}: {parsed.module}.{parsed.function}() returned a "
                f"{type(built).__name__}, not a LangChain Runnable (a chat model or a chain)"
            )
        return built

    return factory


def brain_argument(text: str) -> str:
    """``argparse`` type of ``--brain``: checks the spec's syntax, so a bad one exits with 2.

    For ``fake-llm`` and ``module:function`` it also checks that the ``llm``
    extra is installed. It imports no user module: the command line does
    that with :func:`load_factory` once every argument was accepted, since
    importing a module runs its code.
    """
    try:
        spec = parse_brain_spec(text)
        if spec.kind != "rule":
            require_langchain()
    except (BrainSpecError, MissingExtraError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return str(spec)


def make_brain(
    spec: str | BrainSpec,
    bus: EventBus,
    *,
    rule: Callable[[], Brain],
    **options: Any,
) -> Brain:
    """Build the brain ``spec`` names; ``rule`` builds the rule brain (the NPC wiring owns it).

    ``options`` go to :class:`~game.npc.langchain_brain.LangChainBrain`
    (``persona``, ``timeout``, ``history``, ``max_tokens``, ``max_chars``,
    ``tools``, ``npcs``, ``clock``, …) and are ignored for the rule brain.
    Raises :class:`BrainSpecError` or :class:`MissingExtraError` as
    :func:`load_factory` does, and what ``LangChainBrain`` raises for a bad option.
    """
    parsed = spec if isinstance(spec, BrainSpec) else parse_brain_spec(spec)
    if parsed.kind == "rule":
        return rule()
    require_langchain()
    from game.npc.langchain_brain import LangChainBrain, fake_llm_runnable

    runnable = fake_llm_runnable() if parsed.kind == "fake-llm" else load_factory(parsed)()
    return LangChainBrain(runnable, bus, **options)
