"""Gamepads: open each pad SDL reports, close it when it is unplugged.

SDL sends game-controller events only for pads that are open. This class opens
a pad on ``CONTROLLERDEVICEADDED`` (sent at start for pads already plugged in,
and whenever one is plugged in later) and closes it on
``CONTROLLERDEVICEREMOVED``. The :class:`~game.engine.platform.input.InputMapper` calls
:meth:`Gamepads.handle` with every raw event; the typed events and the actions
come from the mapper, so everything here is about devices, nothing about play.

With no pad, or no controller support in SDL, nothing happens and nothing breaks.
"""

from __future__ import annotations

import logging

import pygame
from pygame._sdl2 import controller

__all__ = ["Gamepads"]

log = logging.getLogger(__name__)


class Gamepads:
    """The open gamepads, by SDL instance id. ``Gamepads()`` starts SDL's controller support."""

    def __init__(self) -> None:
        self._open: dict[int, controller.Controller] = {}
        try:
            controller.init()
        except pygame.error as exc:  # an SDL built without it: play with the keyboard
            log.info("gamepads unavailable: %s", exc)
            self.available = False
        else:
            self.available = True

    @property
    def connected(self) -> dict[int, str]:
        """Instance id -> name of each open pad."""
        return {pad: device.name for pad, device in self._open.items()}

    def handle(self, event: pygame.event.Event) -> None:
        """Open or close a pad for a device event; ignore any other event."""
        if event.type == pygame.CONTROLLERDEVICEADDED:
            self._open_pad(int(event.device_index))
        elif event.type == pygame.CONTROLLERDEVICEREMOVED:
            device = self._open.pop(int(event.instance_id), None)
            if device is not None:
                log.info("gamepad %d unplugged", event.instance_id)
                device.quit()

    def _open_pad(self, device_index: int) -> None:
        if not self.available:
            return
        try:
            device = controller.Controller(device_index)
            pad = device.as_joystick().get_instance_id()
        except pygame.error as exc:
            # Unplugged again before we got to it, or not a game controller.
            log.warning("could not open gamepad %d: %s", device_index, exc)
            return
        if pad in self._open:  # SDL may report a pad twice at start
            device.quit()
            return
        self._open[pad] = device
        log.info("gamepad %d connected: %s", pad, device.name)

    def close(self) -> None:
        """Close every open pad."""
        for device in self._open.values():
            device.quit()
        self._open.clear()
