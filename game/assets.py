"""Where the game's data files are, wherever the package is installed."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ASSETS", "BINDINGS", "GAME_ACTIONS", "GAME_AXES", "asset_path"]

_PACKAGE = Path(__file__).resolve().parent


def _find_assets() -> Path:
    # A wheel carries the data inside the package (game/assets); a source
    # checkout or editable install keeps it beside the package (./assets).
    for candidate in (_PACKAGE / "assets", _PACKAGE.parent / "assets"):
        if candidate.is_dir():
            return candidate
    return _PACKAGE / "assets"


#: The root folder of the bundled data (fonts, dialogue, bindings).
ASSETS = _find_assets()


def asset_path(*parts: str) -> Path:
    """The path of a bundled data file, e.g. ``asset_path("dialogue", "guide.toml")``."""
    return ASSETS.joinpath(*parts)


#: The game's key and gamepad bindings (the engine's ``InputMapper`` has no default).
BINDINGS = asset_path("bindings.toml")
#: The actions the game reacts to: its bindings file must bind every one (without
#: ``chat`` the chat box could not open, without ``pause`` nothing would pause).
GAME_ACTIONS: tuple[str, ...] = (
    "move_left", "move_right", "move_up", "move_down",
    "chat", "confirm", "cancel", "pause", "log", "debug", "step",
)  # fmt: skip
#: The axes the player walks with (without them every tick failed and nobody moved).
GAME_AXES: tuple[str, ...] = ("move_x", "move_y")
