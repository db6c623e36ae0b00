"""Typing blips: a short synthesised tone per few revealed characters, pitched per speaker.

No sound files: :func:`blip_samples` makes each blip with numpy (a sine with
a touch of square, and a fast attack and decay so it does not click), and
``pygame.sndarray`` turns it into a ``Sound``. :class:`Blips` owns the mixer;
when no audio device can be opened, or SDL runs its ``dummy`` audio driver
(tests, headless runs), it disables itself with one log line and every call
becomes a no-op. It never raises because of audio.
"""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt
import pygame

from game.engine._checks import positive, whole

__all__ = ["BlipVoice", "Blips", "blip_samples"]

log = logging.getLogger(__name__)

#: Pitch steps a blip may take, by character, so speech sounds varied but repeatable.
_STEPS = (1.0, 1.06, 0.94, 1.12, 1.0)


def blip_samples(
    frequency: float, sample_rate: int = 44100, duration: float = 0.045, volume: float = 0.25
) -> npt.NDArray[np.float32]:
    """One blip as mono float samples in [-volume, volume]."""
    for name, value in (
        ("frequency", frequency),
        ("sample_rate", sample_rate),
        ("duration", duration),
    ):
        if not value > 0:
            raise ValueError(f"{name} must be > 0, not {value!r}")
    count = max(1, int(sample_rate * duration))
    t = np.arange(count, dtype=np.float64) / sample_rate
    phase = 2 * np.pi * frequency * t
    wave = 0.8 * np.sin(phase) + 0.2 * np.sign(np.sin(phase))
    attack = np.minimum(1.0, t / 0.004)
    decay = np.exp(-t / (duration / 3))
    return (volume * wave * attack * decay).astype(np.float32)


class Blips:
    """The blip player. ``Blips(muted=True)`` stays silent; so does a machine with no audio."""

    def __init__(self, *, muted: bool = False, allow_dummy: bool = False) -> None:
        self._allow_dummy = allow_dummy  # tests: exercise the synthesis on the dummy driver
        #: Silences every blip while True (the ``--mute`` switch).
        self.muted = muted
        #: Whether sound can be played at all here (False without an audio device).
        self.enabled = False
        #: How many blips were played (or would have been, when muted), for tests.
        self.played = 0
        self._sounds: dict[int, pygame.mixer.Sound] = {}
        self._format: tuple[int, int, int] | None = None
        self._open()

    def _open(self) -> None:
        try:
            if pygame.mixer.get_init() is None:
                pygame.mixer.init()
            found = pygame.mixer.get_init()
            driver = pygame.mixer.get_driver() if found else None
        except (pygame.error, OSError) as exc:
            log.info("audio: no sound device (%s); blips are off", exc)
            return
        if found is None:
            log.info("audio: the mixer did not start; blips are off")
            return
        if driver == "dummy" and not self._allow_dummy:
            log.info("audio: SDL's dummy audio driver is in use; blips are off")
            return
        self._format = found
        self.enabled = True

    def play(self, frequency: float) -> None:
        """Play one blip at ``frequency`` Hz (rounded to the nearest hertz for caching)."""
        self.played += 1
        if self.muted or not self.enabled:
            return
        try:
            self._sound(round(frequency)).play()
        except (pygame.error, ValueError) as exc:
            # A device that vanished mid-game: go quiet rather than crash.
            log.info("audio: playing a blip failed (%s); blips are off", exc)
            self.enabled = False

    def _sound(self, frequency: int) -> pygame.mixer.Sound:
        sound = self._sounds.get(frequency)
        if sound is None:
            assert self._format is not None
            rate, size, channels = self._format
            samples = blip_samples(float(frequency), rate)
            if size == 32:
                data: npt.NDArray[np.generic] = samples
            elif abs(size) == 8:
                scaled = samples * 127
                data = (scaled + 128).astype(np.uint8) if size > 0 else scaled.astype(np.int8)
            else:
                scaled = samples * 32767
                data = scaled.astype(np.int16) if size < 0 else (scaled + 32768).astype(np.uint16)
            if channels > 1:
                data = np.ascontiguousarray(np.repeat(data[:, None], channels, axis=1))
            sound = self._sounds[frequency] = pygame.sndarray.make_sound(data)
        return sound


class BlipVoice:
    """A speaker's voice: calls :meth:`Blips.play` once per ``every`` revealed characters.

    Hand :meth:`on_reveal` to a :class:`~game.widgets.bubble.SpeechBubble`. Spaces
    and punctuation are silent; the pitch varies a little by character.
    """

    def __init__(self, blips: Blips, pitch: float, *, every: int = 2) -> None:
        self.blips = blips
        self.pitch = positive("pitch", pitch)  # Hz
        self.every = whole("every", every, 1)  # characters
        self._count = 0

    def on_reveal(self, text: str) -> None:
        """Count the newly revealed ``text``; blip on every ``every``-th letter."""
        for ch in text:
            if not ch.isalnum():
                continue
            if self._count % self.every == 0:
                self.blips.play(self.pitch * _STEPS[ord(ch) % len(_STEPS)])
            self._count += 1
