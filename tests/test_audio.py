"""Typing blips: synthesised, silent and harmless where there is no sound."""

from __future__ import annotations

import logging

import numpy as np
import pygame
import pytest

from game.audio import Blips, BlipVoice, blip_samples


def test_a_blip_is_short_bounded_and_starts_and_ends_quietly() -> None:
    samples = blip_samples(440.0, 22050, duration=0.05, volume=0.3)
    assert samples.shape == (int(22050 * 0.05),) and samples.dtype == np.float32
    assert np.abs(samples).max() <= 0.3
    assert abs(samples[0]) < 0.01 and abs(samples[-1]) < 0.05  # no click
    # Higher pitch, more zero crossings.
    low = np.count_nonzero(np.diff(np.sign(blip_samples(200.0))))
    high = np.count_nonzero(np.diff(np.sign(blip_samples(800.0))))
    assert high > 3 * low


def test_bad_blip_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="frequency"):
        blip_samples(0.0)


def test_under_the_dummy_driver_blips_switch_off_with_one_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="game.audio"):
        blips = Blips()
    assert not blips.enabled
    assert len(caplog.records) == 1 and "blips are off" in caplog.records[0].getMessage()
    blips.play(440.0)  # a no-op, never raises
    assert blips.played == 1


def test_a_machine_without_a_sound_device_disables_blips(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_device(*args: object, **kwargs: object) -> None:
        raise pygame.error("No available audio device")

    monkeypatch.setattr(pygame.mixer, "get_init", lambda: None)
    monkeypatch.setattr(pygame.mixer, "init", no_device)
    blips = Blips()
    assert not blips.enabled
    blips.play(300.0)


def test_sounds_are_made_with_sndarray_in_the_mixers_format() -> None:
    blips = Blips(allow_dummy=True)
    assert blips.enabled
    blips.play(440.0)
    blips.play(440.2)  # the same hertz: the cached sound
    assert len(blips._sounds) == 1
    sound = blips._sounds[440]
    rate = pygame.mixer.get_init()[0]
    assert sound.get_length() == pytest.approx(0.045, abs=2 / rate)


def test_muted_blips_play_nothing() -> None:
    blips = Blips(muted=True, allow_dummy=True)
    blips.play(440.0)
    assert blips._sounds == {}


def test_a_voice_blips_every_few_letters_and_skips_spaces_and_punctuation() -> None:
    blips = Blips(muted=True)
    voice = BlipVoice(blips, 330.0, every=3)
    voice.on_reveal("abc d, ef")  # letters a b c d e f: blips on a and d
    assert blips.played == 2
    voice.on_reveal("你好世界")  # the count goes on across reveals: blips on 你 and 界
    assert blips.played == 4


def test_voice_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="pitch"):
        BlipVoice(Blips(muted=True), 0)
    with pytest.raises(ValueError, match="every"):
        BlipVoice(Blips(muted=True), 200, every=0)


def test_a_bad_blip_parameter_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="duration must be > 0, not 0"):
        blip_samples(440.0, duration=0)
