"""The stress scene: how many colliding, drawn entities hold 60 FPS (``--stress N``).

:mod:`game.stress.scene` is the scene (a second :class:`game.scene.Scene` for the
App); :mod:`game.stress.run` runs it headless and reports frame-time
percentiles and where each frame's time went.
"""

from game.stress.scene import StressScene, stress_scene

__all__ = ["StressScene", "stress_scene"]
