"""The demo scene: wires the engine parts into a small game."""
