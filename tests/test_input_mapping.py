"""InputMapper: pygame events → typed, stamped events; actions from keys and pads; focus."""

from __future__ import annotations

from collections.abc import Iterator

import pygame
import pytest

from game.app import App
from game.assets import BINDINGS
from game.engine.events import EventBus
from game.engine.input_events import (
    ActionPressed,
    ActionReleased,
    FocusChanged,
    GamepadAdded,
    GamepadAxisMotion,
    GamepadButtonDown,
    GamepadButtonUp,
    GamepadRemoved,
    InputEvent,
    KeyDown,
    KeyUp,
    MouseDown,
    MouseMotion,
    MouseUp,
    MouseWheel,
    QuitRequested,
    TextEditing,
    TextInput,
    WindowResized,
)
from game.engine.loop import FixedStepLoop
from game.engine.platform.bindings import load_bindings
from game.engine.platform.gamepads import Gamepads
from game.engine.platform.input import STICK_PRESS, STICK_RELEASE, FocusPause, InputMapper
from tests.app_driver import key

#: The game's own bindings: the engine has no default.
GAME_BINDINGS = load_bindings(BINDINGS)

Event = pygame.event.Event
AXIS_MAX = 32767


def axis_event(pad: int, axis: int, value: float) -> pygame.event.Event:
    return Event(
        pygame.CONTROLLERAXISMOTION, instance_id=pad, axis=axis, value=round(value * AXIS_MAX)
    )


def button(kind: int, pad: int, index: int) -> pygame.event.Event:
    return Event(kind, instance_id=pad, button=index)


@pytest.fixture
def mapper(bus: EventBus) -> InputMapper:
    return InputMapper(bus, GAME_BINDINGS)


def run(mapper: InputMapper, *events: pygame.event.Event, tick: int = 0) -> list[object]:
    """Feed events for ``tick`` and publish that tick; return everything published."""
    with mapper.bus.recording() as trace:
        for event in events:
            mapper.feed(event, tick)
        mapper.publish_tick(tick)
    return list(trace)


# -- conversion ------------------------------------------------------------------

CONVERSIONS: list[tuple[pygame.event.Event, InputEvent]] = [
    (
        key(pygame.KEYDOWN, pygame.K_a, pygame.KMOD_LSHIFT),
        KeyDown(7, pygame.K_a, pygame.KMOD_LSHIFT),
    ),
    (key(pygame.KEYUP, pygame.K_a), KeyUp(7, pygame.K_a)),
    (Event(pygame.TEXTINPUT, text="你好"), TextInput(7, "你好")),
    (Event(pygame.TEXTEDITING, text="ni", start=2, length=0), TextEditing(7, "ni", 2, 0)),
    (
        Event(pygame.MOUSEMOTION, pos=(10, 20), rel=(1, -2), buttons=(1, 0, 0), touch=False),
        MouseMotion(7, (10, 20), (1, -2), (True, False, False)),
    ),
    (Event(pygame.MOUSEBUTTONDOWN, pos=(3, 4), button=1), MouseDown(7, (3, 4), 1)),
    (Event(pygame.MOUSEBUTTONUP, pos=(3, 4), button=3), MouseUp(7, (3, 4), 3)),
    (
        Event(pygame.MOUSEWHEEL, x=0, y=1, precise_x=0.0, precise_y=1.5, flipped=False),
        MouseWheel(7, 0.0, 1.5),
    ),
    (
        Event(pygame.MOUSEWHEEL, x=0, y=-1, precise_x=0.0, precise_y=-1.0, flipped=True),
        MouseWheel(7, 0.0, 1.0),
    ),
    (Event(pygame.WINDOWSIZECHANGED, x=800, y=600), WindowResized(7, (800, 600))),
    (Event(pygame.WINDOWFOCUSLOST), FocusChanged(7, False)),
    (Event(pygame.WINDOWFOCUSGAINED), FocusChanged(7, True)),
    (Event(pygame.QUIT), QuitRequested(7)),
    (Event(pygame.CONTROLLERDEVICEADDED, device_index=0, guid="x"), GamepadAdded(7, 0)),
    (Event(pygame.CONTROLLERDEVICEREMOVED, instance_id=3), GamepadRemoved(7, 3)),
    (
        button(pygame.CONTROLLERBUTTONDOWN, 3, pygame.CONTROLLER_BUTTON_DPAD_LEFT),
        GamepadButtonDown(7, 3, "dpleft"),
    ),
    (button(pygame.CONTROLLERBUTTONUP, 3, pygame.CONTROLLER_BUTTON_A), GamepadButtonUp(7, 3, "a")),
    (axis_event(3, pygame.CONTROLLER_AXIS_LEFTX, -1.0), GamepadAxisMotion(7, 3, "leftx", -1.0)),
    (
        Event(
            pygame.CONTROLLERAXISMOTION,
            instance_id=3,
            axis=pygame.CONTROLLER_AXIS_LEFTY,
            value=-32768,
        ),
        GamepadAxisMotion(7, 3, "lefty", -1.0),
    ),
]


@pytest.mark.parametrize(("raw", "typed"), CONVERSIONS, ids=lambda v: type(v).__name__)
def test_every_event_kind_converts_to_its_typed_event(
    raw: pygame.event.Event, typed: InputEvent
) -> None:
    assert InputMapper.convert(raw, 7) == typed


def test_typed_events_hold_no_pygame_objects() -> None:
    def plain(value: object) -> bool:
        if isinstance(value, tuple):
            return all(plain(v) for v in value)
        return type(value) in (int, float, str, bool)

    for raw, _ in CONVERSIONS:
        typed = InputMapper.convert(raw, 7)
        assert typed is not None
        assert all(plain(getattr(typed, field)) for field in typed.__dataclass_fields__)


def test_events_we_do_not_use_convert_to_none() -> None:
    assert InputMapper.convert(Event(pygame.WINDOWMOVED, x=1, y=2), 0) is None
    assert InputMapper.convert(Event(pygame.USEREVENT), 0) is None


def test_a_keydown_for_a_key_already_down_is_marked_repeat(mapper: InputMapper) -> None:
    first = mapper.feed(key(pygame.KEYDOWN, pygame.K_BACKSPACE), 0)
    again = mapper.feed(key(pygame.KEYDOWN, pygame.K_BACKSPACE), 0)
    mapper.feed(key(pygame.KEYUP, pygame.K_BACKSPACE), 0)
    fresh = mapper.feed(key(pygame.KEYDOWN, pygame.K_BACKSPACE), 0)
    assert isinstance(first, KeyDown) and isinstance(again, KeyDown) and isinstance(fresh, KeyDown)
    assert (first.repeat, again.repeat, fresh.repeat) == (False, True, False)


# -- stamping and phase 1 ------------------------------------------------------------


def test_events_are_published_in_the_tick_they_are_stamped_with(mapper: InputMapper) -> None:
    mapper.feed(Event(pygame.TEXTINPUT, text="early"), 2)
    mapper.feed(Event(pygame.TEXTINPUT, text="late"), 3)
    with mapper.bus.recording() as trace:
        mapper.publish_tick(2)
    assert [e.text for e in trace.of(TextInput)] == ["early"]
    with mapper.bus.recording() as trace:
        mapper.publish_tick(3)
    assert [e.text for e in trace.of(TextInput)] == ["late"]


def test_input_is_published_in_phase_one_before_fixed_update(bus: EventBus) -> None:
    mapper = InputMapper(bus, GAME_BINDINGS)
    loop = FixedStepLoop(bus, input=mapper)
    mapper.feed(key(pygame.KEYDOWN, pygame.K_LEFT), 0)
    with bus.recording() as trace:
        loop.step_once()
    assert trace.types()[:3] == ["KeyDown", "ActionPressed", "FixedUpdate"]


# -- actions from keys -----------------------------------------------------------------


def test_key_presses_and_releases_its_actions(mapper: InputMapper) -> None:
    down = run(mapper, key(pygame.KEYDOWN, pygame.K_a))
    assert ActionPressed(0, "move_left", "a") in down
    assert mapper.is_down("move_left")
    up = run(mapper, key(pygame.KEYUP, pygame.K_a), tick=1)
    assert ActionReleased(1, "move_left") in up
    assert not mapper.is_down("move_left")


def test_two_keys_for_one_action_release_it_only_when_both_are_up(mapper: InputMapper) -> None:
    run(mapper, key(pygame.KEYDOWN, pygame.K_a), key(pygame.KEYDOWN, pygame.K_LEFT))
    trace = run(mapper, key(pygame.KEYUP, pygame.K_a))
    assert not [e for e in trace if isinstance(e, ActionReleased)]
    assert mapper.is_down("move_left")
    trace = run(mapper, key(pygame.KEYUP, pygame.K_LEFT))
    assert [e for e in trace if isinstance(e, ActionReleased)] == [ActionReleased(0, "move_left")]


def test_a_key_a_handler_took_presses_no_action(mapper: InputMapper) -> None:
    mapper.bus.subscribe(KeyDown, lambda e: True, priority=10)
    trace = run(mapper, key(pygame.KEYDOWN, pygame.K_a))
    assert not [e for e in trace if isinstance(e, ActionPressed)]
    assert not mapper.is_down("move_left")
    run(mapper, key(pygame.KEYUP, pygame.K_a))  # its release is harmless
    assert not mapper.is_down("move_left")


def test_axis_of_two_actions_and_named_axis_from_keys(mapper: InputMapper) -> None:
    run(mapper, key(pygame.KEYDOWN, pygame.K_RIGHT))
    assert mapper.axis("move_left", "move_right") == 1.0
    assert mapper.axis("move_x") == 1.0
    run(mapper, key(pygame.KEYDOWN, pygame.K_LEFT))
    assert mapper.axis("move_x") == 0.0


def test_unknown_action_or_axis_is_a_key_error_naming_it(mapper: InputMapper) -> None:
    with pytest.raises(KeyError, match="jump"):
        mapper.is_down("jump")
    with pytest.raises(KeyError, match="move_z"):
        mapper.axis("move_z")


# -- gamepads --------------------------------------------------------------------------


def test_pad_button_presses_and_releases_its_action(mapper: InputMapper) -> None:
    down = run(mapper, button(pygame.CONTROLLERBUTTONDOWN, 0, pygame.CONTROLLER_BUTTON_DPAD_LEFT))
    assert ActionPressed(0, "move_left", "pad:dpleft") in down
    up = run(mapper, button(pygame.CONTROLLERBUTTONUP, 0, pygame.CONTROLLER_BUTTON_DPAD_LEFT))
    assert ActionReleased(0, "move_left") in up


def test_stick_presses_past_half_and_releases_with_hysteresis(mapper: InputMapper) -> None:
    leftx = pygame.CONTROLLER_AXIS_LEFTX
    run(mapper, axis_event(0, leftx, -(STICK_PRESS - 0.05)))
    assert not mapper.is_down("move_left")
    run(mapper, axis_event(0, leftx, -(STICK_PRESS + 0.05)))
    assert mapper.is_down("move_left")
    run(mapper, axis_event(0, leftx, -(STICK_RELEASE + 0.05)))  # between: still held
    assert mapper.is_down("move_left")
    run(mapper, axis_event(0, leftx, -(STICK_RELEASE - 0.05)))
    assert not mapper.is_down("move_left")
    run(mapper, axis_event(0, leftx, 1.0))
    assert mapper.is_down("move_right")


def test_named_axis_reads_the_stick_through_the_deadzone(mapper: InputMapper) -> None:
    leftx = pygame.CONTROLLER_AXIS_LEFTX
    run(mapper, axis_event(0, leftx, 0.1))
    assert mapper.axis("move_x") == 0.0  # inside the 0.2 deadzone
    run(mapper, axis_event(0, leftx, 0.6))
    assert mapper.axis("move_x") == pytest.approx((0.6 - 0.2) / 0.8, abs=1e-4)
    run(mapper, axis_event(0, leftx, -1.0))
    assert mapper.axis("move_x") == -1.0
    # A key of the pair wins over the stick, in full.
    run(mapper, key(pygame.KEYDOWN, pygame.K_RIGHT))
    assert mapper.axis("move_x") == 1.0


def test_unplugging_a_pad_releases_what_it_held(mapper: InputMapper) -> None:
    run(mapper, button(pygame.CONTROLLERBUTTONDOWN, 4, pygame.CONTROLLER_BUTTON_DPAD_UP))
    run(mapper, axis_event(4, pygame.CONTROLLER_AXIS_LEFTX, 0.9))
    run(mapper, key(pygame.KEYDOWN, pygame.K_s))
    trace = run(mapper, Event(pygame.CONTROLLERDEVICEREMOVED, instance_id=4))
    released = {e.action for e in trace if isinstance(e, ActionReleased)}
    assert released == {"move_up", "move_right"}
    assert mapper.is_down("move_down")  # the keyboard is not the pad
    assert mapper.axis("move_x") == 0.0


def test_two_pads_hold_an_action_until_both_let_go(mapper: InputMapper) -> None:
    a = pygame.CONTROLLER_BUTTON_DPAD_LEFT
    run(
        mapper, button(pygame.CONTROLLERBUTTONDOWN, 0, a), button(pygame.CONTROLLERBUTTONDOWN, 1, a)
    )
    run(mapper, button(pygame.CONTROLLERBUTTONUP, 0, a))
    assert mapper.is_down("move_left")
    run(mapper, button(pygame.CONTROLLERBUTTONUP, 1, a))
    assert not mapper.is_down("move_left")


def test_gamepads_without_a_device_ignore_hotplug_events() -> None:
    pads = Gamepads()
    try:
        pads.handle(Event(pygame.CONTROLLERDEVICEADDED, device_index=0, guid=""))
        pads.handle(Event(pygame.CONTROLLERDEVICEREMOVED, instance_id=0))
        pads.handle(key(pygame.KEYDOWN, pygame.K_a))
        assert pads.connected == {}
    finally:
        pads.close()


def test_mapper_with_gamepads_handles_hotplug_and_pad_input(bus: EventBus) -> None:
    pads = Gamepads()
    mapper = InputMapper(bus, GAME_BINDINGS, devices=pads)
    trace = run(
        mapper,
        Event(pygame.CONTROLLERDEVICEADDED, device_index=0, guid=""),
        button(pygame.CONTROLLERBUTTONDOWN, 0, pygame.CONTROLLER_BUTTON_DPAD_RIGHT),
    )
    assert GamepadAdded(0, 0) in trace
    assert mapper.is_down("move_right")
    pads.close()


# -- focus -----------------------------------------------------------------------------


def test_focus_loss_releases_every_held_action(mapper: InputMapper) -> None:
    run(mapper, key(pygame.KEYDOWN, pygame.K_a), key(pygame.KEYDOWN, pygame.K_w))
    run(mapper, button(pygame.CONTROLLERBUTTONDOWN, 0, pygame.CONTROLLER_BUTTON_DPAD_RIGHT))
    trace = run(mapper, Event(pygame.WINDOWFOCUSLOST))
    released = [e.action for e in trace if isinstance(e, ActionReleased)]
    assert sorted(released) == ["move_left", "move_right", "move_up"]
    assert not any(mapper.is_down(a) for a in ("move_left", "move_right", "move_up"))
    # The key-up that happened elsewhere never comes; pressing again works.
    run(mapper, key(pygame.KEYDOWN, pygame.K_a))
    assert mapper.is_down("move_left")


class FakeLoop:
    paused = False


def test_focus_pause_pauses_and_resumes_only_what_it_paused(bus: EventBus) -> None:
    loop = FakeLoop()
    pause = FocusPause(bus, loop)
    bus.publish(FocusChanged(0, False))
    assert loop.paused
    bus.publish(FocusChanged(0, True))
    assert not loop.paused
    loop.paused = True  # the player paused
    bus.publish(FocusChanged(1, False))
    bus.publish(FocusChanged(1, True))
    assert loop.paused
    del pause


def test_a_key_or_click_resumes_a_focus_pause_because_input_proves_focus(bus: EventBus) -> None:
    loop = FakeLoop()
    pause = FocusPause(bus, loop)
    bus.publish(FocusChanged(0, False))
    assert pause.paused_by_focus and loop.paused
    bus.publish(KeyDown(0, pygame.K_a))
    assert not pause.paused_by_focus and not loop.paused
    bus.publish(FocusChanged(1, False))
    bus.publish(MouseDown(1, (5, 5), 1))
    assert not loop.paused
    loop.paused = True  # the player's own pause is not the focus pause's to lift
    bus.publish(KeyDown(2, pygame.K_a))
    assert loop.paused


@pytest.fixture
def game() -> Iterator[App]:
    app = App(headless=True, seed=1)
    yield app
    app.close()


def test_app_focus_loss_stops_the_player_and_pauses_until_focus_returns(game: App) -> None:
    game.post(key(pygame.KEYDOWN, pygame.K_RIGHT))
    game.run_ticks(10)
    game.post(Event(pygame.WINDOWFOCUSLOST))
    assert game.run_ticks(1) == 1  # the tick that sees the loss still runs
    assert game.loop.paused
    assert not game.input.is_down("move_right")
    frozen = game.scene.player.position
    assert game.run_ticks(5) == 0
    assert game.scene.player.position == frozen
    game.post(Event(pygame.WINDOWFOCUSGAINED))
    assert game.run_ticks(3) == 3
    assert not game.loop.paused
    game.run_ticks(20)
    assert game.scene.player.velocity == (0.0, 0.0)  # no stuck key


def test_app_pad_moves_the_player(game: App) -> None:
    start = game.scene.player.position
    game.post(axis_event(0, pygame.CONTROLLER_AXIS_LEFTY, 1.0))
    game.run_ticks(20)
    assert game.scene.player.position[1] > start[1] + 20


# -- errors under on_error="raise" ------------------------------------------------


def test_under_raise_the_events_after_the_raising_one_are_published_next_time(
    mapper: InputMapper,
) -> None:
    bus = mapper.bus
    seen: list[int] = []

    def on_key(event: KeyDown) -> None:
        if event.key == pygame.K_a and not seen:
            seen.append(-1)
            raise ValueError("first key")
        seen.append(event.key)

    bus.subscribe(KeyDown, on_key)
    for code in (pygame.K_a, pygame.K_b, pygame.K_c):
        mapper.feed(key(pygame.KEYDOWN, code), 0)
    with pytest.raises(ValueError, match="first key"):
        mapper.publish_tick(0)
    mapper.publish_tick(1)
    assert seen == [-1, pygame.K_b, pygame.K_c]


def test_under_raise_a_key_whose_keydown_raised_never_gets_a_lone_release(
    mapper: InputMapper,
) -> None:
    bus = mapper.bus
    actions: list[object] = []
    bus.subscribe(ActionPressed, actions.append)
    bus.subscribe(ActionReleased, actions.append)
    failing = bus.subscribe(KeyDown, lambda e: 1 / 0)
    mapper.feed(key(pygame.KEYDOWN, pygame.K_LEFT), 0)
    with pytest.raises(ZeroDivisionError):
        mapper.publish_tick(0)
    failing.cancel()
    run(mapper, key(pygame.KEYUP, pygame.K_LEFT), tick=1)
    assert actions == []
    assert not mapper.is_down("move_left")
