"""Soak: random input streams (keys, text, IME, mouse, focus, gamepads, pastes) never break the
game, and the same stream always gives the same game; a stalled frame is survived."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.app import App
from game.demo.entities import Player
from game.playback import Playback, Recorder, load_replay
from game.scene import HEIGHT, WIDTH

E = pygame.event.Event
MAX_TICKS = 3000
RENDER_EVERY = 25  # frames: enough to draw every odd text state without a slow test

KEYS = [
    pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN, pygame.K_w, pygame.K_a,
    pygame.K_s, pygame.K_d, pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_ESCAPE, pygame.K_t,
    pygame.K_p, pygame.K_h, pygame.K_SPACE, pygame.K_F3, pygame.K_F10, pygame.K_BACKSPACE,
    pygame.K_DELETE, pygame.K_HOME, pygame.K_END, pygame.K_TAB, pygame.K_v, pygame.K_c,
    pygame.K_x, pygame.K_1,
]  # fmt: skip
MODS = [0, 0, pygame.KMOD_LCTRL, pygame.KMOD_LSHIFT, pygame.KMOD_LALT, pygame.KMOD_LMETA]
#: Long and awkward texts, drawn whole (generating 1,000 characters each time is slow).
LONG = [
    "你好，世界！" * 167,  # 1,002 characters of Chinese
    "🎉👍🏽👨‍👩‍👧🇨🇳" * 100,  # emoji: modifiers, ZWJ sequences, flags
    "a" * 1000,
    "line one\r\nline\ttwo\x00\x07 " * 40,  # control characters and line breaks
    "e\u0301" * 500,  # combining accents
]
SAMPLES = ["hello", "你好", "什么是事件总线？", "dance!", "跟我来", "my name is 小明", "{score}"]

texts = st.one_of(
    st.sampled_from(LONG),
    st.sampled_from(SAMPLES),
    st.text(max_size=30),
    st.text(alphabet="你好世界金币🎉👍🏽\u0301 abc", max_size=30),
)
positions = st.tuples(st.integers(-50, WIDTH + 50), st.integers(-50, HEIGHT + 50))


def key_events(key: int, mod: int, down: bool) -> list[E]:
    kind = pygame.KEYDOWN if down else pygame.KEYUP
    return [E(kind, key=key, mod=mod, unicode="", scancode=0)]


def mash(keys: list[int]) -> list[E]:
    """Many keys at once, released in another order."""
    downs = [E(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0) for k in keys]
    ups = [E(pygame.KEYUP, key=k, mod=0, unicode="", scancode=0) for k in reversed(keys)]
    return downs + ups


def mouse(kind: str, pos: tuple[int, int], button: int) -> list[E]:
    if kind == "motion":
        return [E(pygame.MOUSEMOTION, pos=pos, rel=(1, -1), buttons=(button == 1, 0, 0))]
    if kind == "wheel":
        return [E(pygame.MOUSEWHEEL, x=0, y=button - 2, precise_x=0.0, precise_y=button - 2.0)]
    kinds = {"down": pygame.MOUSEBUTTONDOWN, "up": pygame.MOUSEBUTTONUP}
    return [E(kinds[kind], pos=pos, button=button)]


def pad(kind: str, pad_id: int, index: int, value: int) -> list[E]:
    if kind == "axis":
        return [E(pygame.CONTROLLERAXISMOTION, instance_id=pad_id, axis=index, value=value)]
    if kind == "added":
        return [E(pygame.CONTROLLERDEVICEADDED, device_index=pad_id)]
    if kind == "removed":
        return [E(pygame.CONTROLLERDEVICEREMOVED, instance_id=pad_id)]
    kinds = {"down": pygame.CONTROLLERBUTTONDOWN, "up": pygame.CONTROLLERBUTTONUP}
    return [E(kinds[kind], instance_id=pad_id, button=index)]


def chat(words: list[list[object]], send: bool) -> list[object]:
    """Open the chat box, let a frame pass, say things (typed, composed, pasted), maybe send."""
    opening = key_events(pygame.K_RETURN, 0, True) + key_events(pygame.K_RETURN, 0, False)
    said = [item for word in words for item in [*word, ("frames", 1)]]
    closing = key_events(pygame.K_RETURN, 0, True) if send else []
    return [*opening, ("frames", 1), *said, *closing]


# A burst: what is posted before one frame, with two markers for the driver:
# ("paste", text) puts ``text`` on the clipboard and presses Ctrl+V, and
# ("frames", n) runs n frames first (a paste reads the clipboard only once
# the chat box is open, a frame after Enter).
words = st.one_of(
    st.builds(lambda t: [E(pygame.TEXTINPUT, text=t)], texts),
    st.builds(lambda t: [("paste", t)], texts),
    st.builds(lambda t: [E(pygame.TEXTEDITING, text=t, start=1, length=1)], texts),
    st.builds(key_events, st.sampled_from(KEYS), st.sampled_from(MODS), st.just(True)),
)
bursts = st.one_of(
    st.builds(chat, st.lists(words, min_size=1, max_size=6), st.booleans()),
    st.builds(key_events, st.sampled_from(KEYS), st.sampled_from(MODS), st.booleans()),
    st.builds(mash, st.lists(st.sampled_from(KEYS), min_size=5, max_size=30)),
    st.builds(lambda t: [E(pygame.TEXTINPUT, text=t)], texts),
    st.builds(
        lambda t, s, n: [E(pygame.TEXTEDITING, text=t, start=s, length=n)],
        texts,
        st.integers(-2, 40),
        st.integers(0, 5),
    ),
    st.builds(lambda t: [("paste", t)], texts),
    st.builds(
        mouse,
        st.sampled_from(["motion", "down", "up", "wheel"]),
        positions,
        st.integers(1, 5),
    ),
    st.sampled_from([[E(pygame.WINDOWFOCUSLOST)], [E(pygame.WINDOWFOCUSGAINED)]]),
    st.builds(
        lambda n: [E(pygame.WINDOWFOCUSLOST), ("frames", n), E(pygame.WINDOWFOCUSGAINED)],
        st.integers(1, 30),
    ),
    st.builds(
        pad,
        st.sampled_from(["down", "up", "axis", "added", "removed"]),
        st.integers(0, 2),
        st.integers(0, 22),
        st.integers(-32768, 32767),
    ),
)
#: (frames to run first, burst to post): up to 3,000 ticks of play.
streams = st.lists(st.tuples(st.integers(0, 90), bursts), min_size=30, max_size=70)


class Clipboard:
    def __init__(self) -> None:
        self.text = ""

    def get_text(self) -> str:
        return self.text


def inside_the_world(app: App) -> bool:
    x, y = app.scene.player.position
    return 0 <= x <= WIDTH - Player.SIZE and 0 <= y <= HEIGHT - Player.SIZE


def play(stream: list[tuple[int, list[object]]], record: Path | None = None) -> App:
    clipboard = Clipboard()
    app = App(headless=True, seed=11, render=False, clipboard=clipboard)
    recorder = Recorder(app, record) if record is not None else None
    frames = 0

    def frame() -> None:
        nonlocal frames
        app.frame(app.loop.step)  # the app's own frame: pump, steps, no wall clock
        frames += 1
        if record is not None and frames % RENDER_EVERY == 0:
            app.render()  # the other run never draws: drawing must not change the game
        assert inside_the_world(app), app.scene.player.position

    for gap, burst in stream:
        for _ in range(min(gap, MAX_TICKS - frames)):
            frame()
        for event in burst:
            if isinstance(event, tuple) and event[0] == "frames":
                for _ in range(min(event[1], MAX_TICKS - frames)):
                    frame()
            elif isinstance(event, tuple):
                clipboard.text = event[1]
                for kind in (pygame.KEYDOWN, pygame.KEYUP):
                    app.post(E(kind, key=pygame.K_v, mod=pygame.KMOD_LCTRL, unicode=""))
            else:
                assert isinstance(event, pygame.event.Event)
                app.post(event)
    for _ in range(min(30, MAX_TICKS - frames)):  # let the last burst land
        frame()
    if recorder is not None:
        recorder.finish()
    return app


@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(stream=streams)
def test_random_input_never_breaks_the_game_and_replays_to_the_same_state(
    stream: list[tuple[int, list[object]]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("soak") / "soak.replay"
    first = play(stream, record=path)
    summary = first.summary()
    first.close()
    assert summary["handler_errors"] == 0

    second = play(stream)
    assert second.state_hash() == summary["state_hash"]
    second.close()

    # And the recording of the first run plays back to it, checkpoint by checkpoint.
    third = App(headless=True, seed=11, render=False)
    result = Playback(third, load_replay(path)).run()
    assert result.mismatch is None, result.mismatch
    assert result.checked == result.checkpoints
    assert third.state_hash() == summary["state_hash"]
    third.close()


def test_a_stalled_frame_runs_bounded_steps_drops_the_rest_and_the_game_goes_on() -> None:
    app = App(headless=True, seed=1, render=False)
    loop = app.loop
    app.post(E(pygame.KEYDOWN, key=pygame.K_RIGHT, mod=0, unicode=""))
    assert app.frame(loop.step) == 1
    x = app.scene.player.position[0]

    assert app.frame(10.0) == loop.max_steps  # a 10 s stall: the cap, not 600 steps
    dropped = app.summary()["dropped_time"]
    assert dropped == pytest.approx(10.0 - loop.max_steps * loop.step, abs=1e-6)
    stalled_x = app.scene.player.position[0]
    assert stalled_x > x  # the capped steps did run

    assert app.frame(loop.step) == 1  # then one step a frame again: nothing carried over
    assert app.frame(loop.step) == 1
    assert app.scene.player.position[0] > stalled_x
    assert app.summary()["dropped_time"] == dropped
    assert app.summary()["ticks"] == 2 + loop.max_steps + 1
    assert app.bus.handler_errors == 0
    app.close()


@pytest.mark.parametrize("keys", [[pygame.K_LEFT, pygame.K_UP], [pygame.K_RIGHT, pygame.K_DOWN]])
def test_running_into_the_edges_for_twenty_seconds_stays_inside_the_world(keys: list[int]) -> None:
    app = App(headless=True, seed=3, render=False)
    for code in keys:
        app.post(E(pygame.KEYDOWN, key=code, mod=0, unicode=""))
    for _ in range(1200):
        app.frame(app.loop.step)
        assert inside_the_world(app), app.scene.player.position
    app.close()
