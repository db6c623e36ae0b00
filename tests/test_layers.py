"""The folders are the layers of docs/architecture.md: imports point downwards only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GAME = Path(__file__).resolve().parent.parent / "game"

# Lower numbers are lower layers; a module imports only from its own layer or below.
LAYERS = {
    "game.engine.platform": 1,
    "game.engine": 0,
    "game.text": 1,
    "game.widgets": 2,
    "game.npc": 3,
    "game.quests": 3,  # the quest engine: the core's events and the brain's NpcUnderstood
    "game.scene": 3,
    "game.assets": 1,  # where the data files are: a leaf any layer above may use
    "game.records": 1,  # the best time and score in the user's data folder: a leaf too
    "game.audio": 3,
    "game.demo": 4,
}
ENTRY = 5  # app, cli, playback, __main__
#: Modules that must not import pygame (the pure core, text algorithms, the brains).
NO_PYGAME = ("game.engine.", "game.text.", "game.scene", "game.npc.brain", "game.npc.rule_brain",
             "game.npc.dialogue", "game.npc.brain_spec", "game.npc.understand",
             "game.npc.matcher", "game.quests.", "game.records")  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(GAME.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(name: str) -> int:
    for prefix, layer in LAYERS.items():
        if name == prefix or name.startswith(prefix + "."):
            return layer
    return ENTRY


def imports(path: Path) -> list[str]:
    """What the module imports at run time (not under ``if TYPE_CHECKING:``)."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULES = sorted(GAME.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_a_module_imports_only_from_its_layer_or_below(path: Path) -> None:
    name = module_name(path)
    if name in ("game", "game.engine"):
        return  # the lazy namespaces re-export from below and from the platform beside
    upward = [
        imported
        for imported in imports(path)
        if imported.startswith("game") and layer_of(imported) > layer_of(name)
    ]
    assert not upward, f"{name} imports {upward} from a higher layer"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_the_pure_layers_import_no_pygame(path: Path) -> None:
    name = module_name(path)
    if name.startswith("game.engine.platform") or not name.startswith(NO_PYGAME):
        return
    assert not [m for m in imports(path) if m.split(".")[0] == "pygame"], name
