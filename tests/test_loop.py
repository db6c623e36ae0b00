"""FixedStepLoop: steps, clamp, cap, dropped time, alpha, pause, scale, phase order."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.engine.events import EventBus
from game.engine.loop import FixedStepLoop, FixedUpdate

STEP = 1 / 60


def make_loop(**kwargs: float) -> tuple[FixedStepLoop, list[FixedUpdate]]:
    bus = EventBus(on_error="raise")
    updates: list[FixedUpdate] = []
    bus.subscribe(FixedUpdate, updates.append)
    return FixedStepLoop(bus, **kwargs), updates  # type: ignore[arg-type]


def test_the_loop_module_does_not_import_pygame() -> None:
    import game.engine.events
    import game.engine.loop

    for module in (game.engine.loop, game.engine.events):
        assert "pygame" not in module.__dict__
    source = Path(game.engine.loop.__file__).read_text(encoding="utf-8")
    assert "import pygame" not in source


@pytest.mark.parametrize(
    ("frames", "steps"),
    [
        ([STEP], 1),
        ([STEP / 2, STEP / 2], 1),
        ([0.1], 6),  # 0.1 / (1/60) is 6 up to rounding: must not come out as 5
        ([STEP * 2.5], 2),
        ([STEP * 0.4] * 5, 2),
        ([0.0], 0),
    ],
)
def test_steps_for_given_frame_times(frames: list[float], steps: int) -> None:
    loop, updates = make_loop(step=STEP)
    ran = sum(loop.advance(dt) for dt in frames)
    assert ran == steps == len(updates) == loop.tick


def test_first_step_is_tick_zero_and_dt_is_always_the_step() -> None:
    loop, updates = make_loop(step=STEP)
    loop.advance(0.05)
    assert [u.tick for u in updates] == [0, 1, 2]
    assert all(u.dt == STEP for u in updates)
    assert loop.tick == 3


def test_a_long_frame_is_clamped_to_max_frame_and_the_rest_is_dropped() -> None:
    loop, _ = make_loop(step=0.01, max_frame=0.05, max_steps=100)
    assert loop.advance(1.0) == 5
    assert loop.dropped_time == pytest.approx(0.95)


def test_step_cap_runs_exactly_max_steps_never_one_more() -> None:
    loop, _ = make_loop(step=0.01, max_frame=1.0, max_steps=8)
    assert loop.advance(0.08) == 8
    assert loop.dropped_time == pytest.approx(0.0, abs=1e-12)
    assert loop.advance(0.09) == 8
    assert loop.dropped_time == pytest.approx(0.01)


def test_time_beyond_the_cap_is_not_carried_into_the_next_frame() -> None:
    loop, _ = make_loop(step=0.01, max_frame=1.0, max_steps=4)
    assert loop.advance(0.105) == 4
    # 0.065 s dropped as whole steps; the 0.005 remainder stays for alpha
    assert loop.dropped_time == pytest.approx(0.06)
    assert loop.alpha == pytest.approx(0.5)
    assert loop.advance(0.0) == 0


def test_alpha_is_the_fraction_of_a_step_left_over() -> None:
    loop, _ = make_loop(step=0.01)
    loop.advance(0.0125)
    assert loop.alpha == pytest.approx(0.25)


@given(st.lists(st.floats(min_value=0, max_value=0.5), max_size=50))
def test_alpha_always_in_zero_one_and_steps_never_exceed_the_cap(frames: list[float]) -> None:
    loop, _ = make_loop(step=STEP, max_steps=5)
    for dt in frames:
        assert 0 <= loop.advance(dt) <= 5
        assert 0.0 <= loop.alpha < 1.0


@given(st.lists(st.floats(min_value=0, max_value=0.2), max_size=50))
def test_wall_time_is_conserved_as_steps_plus_dropped_plus_remainder(
    frames: list[float],
) -> None:
    loop, _ = make_loop(step=STEP, max_frame=0.1, max_steps=4)
    for dt in frames:
        loop.advance(dt)
    accounted = loop.tick * STEP + loop.dropped_time + loop.alpha * STEP
    assert accounted == pytest.approx(sum(frames), abs=1e-6)


def test_paused_loop_runs_nothing_and_accumulates_nothing() -> None:
    loop, updates = make_loop(step=STEP)
    loop.paused = True
    assert loop.advance(1.0) == 0
    loop.paused = False
    assert loop.advance(0.0) == 0
    assert updates == []


def test_step_once_runs_one_step_even_while_paused() -> None:
    loop, updates = make_loop(step=STEP)
    loop.paused = True
    loop.step_once()
    assert [u.tick for u in updates] == [0]
    assert loop.tick == 1


@pytest.mark.parametrize(("scale", "steps"), [(0.5, 30), (2.0, 120), (0.0, 0)])
def test_time_scale_scales_game_time(scale: float, steps: int) -> None:
    loop, _ = make_loop(step=STEP)
    loop.time_scale = scale
    for _ in range(60):
        loop.advance(STEP)
    assert loop.tick == steps


def test_bad_numbers_are_rejected_naming_the_argument() -> None:
    loop, _ = make_loop()
    with pytest.raises(ValueError, match="frame_dt"):
        loop.advance(-0.1)
    with pytest.raises(ValueError, match="frame_dt"):
        loop.advance(float("nan"))
    with pytest.raises(ValueError, match="time_scale"):
        loop.time_scale = -1
    with pytest.raises(ValueError, match="step"):
        FixedStepLoop(EventBus(), step=0)
    with pytest.raises(ValueError, match="max_steps"):
        FixedStepLoop(EventBus(), max_steps=0)


def test_time_is_exact_after_a_million_steps() -> None:
    loop, _ = make_loop(step=STEP, max_frame=sys.float_info.max, max_steps=2_000_000)
    bus = loop.bus
    bus.subscribe(FixedUpdate, lambda e: None)  # keep dispatch real but cheap
    for _ in range(1_000_000):
        loop.step_once()
    assert loop.tick == 1_000_000
    assert loop.time == 1_000_000 * STEP
    assert loop.time == pytest.approx(1_000_000 / 60, rel=0, abs=1e-9)


class Recorder:
    def __init__(self, bus: EventBus, log: list[str]) -> None:
        self.bus = bus
        self.log = log

    def publish_tick(self, tick: int, *, paused: bool = False) -> None:
        self.log.append(f"1 input {tick}" + (" at once" if paused else ""))

    def update(self, dt: float | None = None) -> None:
        self.log.append("2 timers" if dt is not None else "4 collisions")
        if dt is None:
            self.bus.post(object())


def test_each_step_runs_the_phases_in_the_documented_order() -> None:
    bus = EventBus(on_error="raise")
    log: list[str] = []
    phases = Recorder(bus, log)
    loop = FixedStepLoop(bus, step=STEP, input=phases, timers=phases, collisions=phases)
    bus.subscribe(FixedUpdate, lambda e: log.append(f"3 update {e.tick}"))
    bus.subscribe(object, lambda e: log.append("5 flush") if type(e) is object else None)
    loop.advance(STEP * 2)
    assert log == [
        "1 input 0", "2 timers", "3 update 0", "4 collisions", "5 flush",
        "1 input 1", "2 timers", "3 update 1", "4 collisions", "5 flush",
    ]  # fmt: skip


# -- flags read again after every step (pause, time scale) --------------------------


def test_a_step_that_pauses_the_game_is_the_last_step_of_its_frame() -> None:
    loop, updates = make_loop(step=STEP)
    loop.bus.subscribe(FixedUpdate, lambda e: setattr(loop, "paused", e.tick == 2))
    assert loop.advance(5 * STEP) == 3
    assert [u.tick for u in updates] == [0, 1, 2]
    assert loop.steps_last_frame == 3


def test_the_steps_a_paused_frame_still_owed_are_not_run_after_unpausing() -> None:
    loop, _ = make_loop(step=0.01, max_steps=10)
    loop.bus.subscribe(FixedUpdate, lambda e: setattr(loop, "paused", e.tick == 0))
    loop.advance(0.055)  # 5.5 steps: one runs, four are paused time, half a step stays
    assert loop.tick == 1
    assert loop.alpha == pytest.approx(0.5)
    loop.paused = False
    assert loop.advance(0.0) == 0  # no burst of the four
    assert loop.advance(0.005) == 1  # the half step left plus this half
    assert loop.dropped_time == 0.0  # paused time is not dropped time


def test_time_scale_set_to_zero_inside_a_step_runs_no_further_step() -> None:
    loop, _ = make_loop(step=STEP)
    loop.bus.subscribe(FixedUpdate, lambda e: setattr(loop, "time_scale", 0.0))
    assert loop.advance(5 * STEP) == 1
    assert loop.advance(1.0) == 0
    assert 0.0 <= loop.alpha < 1.0


@pytest.mark.parametrize(("scale", "steps"), [(0.5, 5), (2.0, 12), (1.0, 8), (0.25, 3)])
def test_time_scale_changed_inside_a_step_rescales_the_steps_the_frame_still_owes(
    scale: float, steps: int
) -> None:
    # 8 steps owed; the change comes in step 1, so 6 are owed at the old scale.
    loop, _ = make_loop(step=0.01, max_steps=12, max_frame=1.0)
    loop.bus.subscribe(
        FixedUpdate, lambda e: setattr(loop, "time_scale", scale) if e.tick == 1 else None
    )
    assert loop.advance(0.08) == steps
    assert loop.steps_last_frame == steps


def test_doubling_the_time_scale_inside_a_step_still_respects_max_steps() -> None:
    loop, _ = make_loop(step=0.01, max_steps=4, max_frame=1.0)
    loop.bus.subscribe(FixedUpdate, lambda e: setattr(loop, "time_scale", 10.0))
    assert loop.advance(0.04) == 4
    assert 0.0 <= loop.alpha < 1.0


def test_a_timer_that_pauses_the_game_stops_the_frame_after_its_step() -> None:
    from game.engine.timers import Timers

    bus = EventBus(on_error="raise")
    timers = Timers(bus)
    loop = FixedStepLoop(bus, step=0.01, timers=timers, max_steps=10)
    timers.after(0.02, setattr, loop, "paused", True)
    assert loop.advance(0.08) == 2
    assert timers.time == loop.time == pytest.approx(0.02)


@given(
    st.lists(st.floats(min_value=0, max_value=0.3), min_size=1, max_size=20),
    st.integers(min_value=0, max_value=40),
)
def test_no_step_runs_in_a_frame_after_the_step_that_paused(
    frames: list[float], pause_at: int
) -> None:
    loop, updates = make_loop(step=STEP, max_steps=5)
    loop.bus.subscribe(
        FixedUpdate, lambda e: setattr(loop, "paused", True) if e.tick == pause_at else None
    )
    for dt in frames:
        loop.advance(dt)
        assert 0.0 <= loop.alpha < 1.0
    assert loop.tick == min(pause_at + 1, loop.tick)
    assert [u.tick for u in updates] == list(range(loop.tick))


# -- input when no step runs -----------------------------------------------------------


class InputLog:
    def __init__(self) -> None:
        self.calls: list[tuple[int, bool]] = []

    def publish_tick(self, tick: int, *, paused: bool = False) -> None:
        self.calls.append((tick, paused))


@pytest.mark.parametrize(
    ("paused", "scale", "frame"),
    [(True, 1.0, STEP), (False, 0.0, STEP), (False, 0.1, STEP), (False, 1.0, STEP / 3)],
)
def test_a_frame_that_runs_no_step_delivers_its_input_at_once(
    paused: bool, scale: float, frame: float
) -> None:
    bus = EventBus(on_error="raise")
    phase = InputLog()
    loop = FixedStepLoop(bus, step=STEP, input=phase)
    loop.paused = paused
    loop.time_scale = scale
    posted: list[object] = []
    bus.subscribe(str, posted.append)
    bus.post("posted before the frame")
    assert loop.advance(frame) == 0
    assert phase.calls == [(0, True)]
    assert posted == ["posted before the frame"]  # the bus is flushed too


def test_a_frame_that_runs_a_step_delivers_input_in_phase_one_only() -> None:
    bus = EventBus(on_error="raise")
    phase = InputLog()
    loop = FixedStepLoop(bus, step=STEP, input=phase)
    loop.time_scale = 0.1
    loop.advance(9 * STEP)  # 0.9 of a step: none runs
    loop.advance(STEP)  # reaches the step
    assert phase.calls == [(0, True), (0, False)]


def test_input_delivered_at_once_may_unpause_and_the_frame_then_steps() -> None:
    bus = EventBus(on_error="raise")

    class Unpause:
        def publish_tick(self, tick: int, *, paused: bool = False) -> None:
            loop.paused = False

    loop = FixedStepLoop(bus, step=STEP, input=Unpause())
    loop.paused = True
    assert loop.advance(STEP) == 1


# -- re-entrancy and errors ------------------------------------------------------------


def test_advance_or_step_once_inside_a_step_is_a_runtime_error() -> None:
    loop, _ = make_loop(step=STEP)
    errors: list[str] = []

    def nested(event: FixedUpdate) -> None:
        for call in (lambda: loop.advance(STEP), loop.step_once):
            try:
                call()
            except RuntimeError as exc:
                errors.append(str(exc))

    loop.bus.subscribe(FixedUpdate, nested)
    loop.advance(STEP)
    assert len(errors) == 2
    assert "inside a step" in errors[0] and "loop.paused" in errors[0]
    assert loop.tick == 1


def test_an_error_raised_in_a_step_ends_the_frame_and_the_tick_still_counts() -> None:
    from game.engine.timers import Timers

    bus = EventBus(on_error="raise")
    timers = Timers(bus)
    loop = FixedStepLoop(bus, step=0.01, timers=timers, max_steps=10)

    def boom(event: FixedUpdate) -> None:
        if event.tick == 1:
            raise ValueError("boom")

    bus.subscribe(FixedUpdate, boom)
    with pytest.raises(ValueError, match="boom"):
        loop.advance(0.055)
    assert loop.tick == 2 and loop.steps_last_frame == 2
    assert loop.time == timers.time  # the step's timers ran, so the tick moved on
    assert loop.alpha == pytest.approx(0.5)  # the owed whole steps were dropped
    assert loop.advance(0.005) == 1  # and the loop goes on normally
    assert loop.tick == 3


def test_the_step_is_fixed_for_the_loops_life() -> None:
    loop, _ = make_loop(step=STEP)
    with pytest.raises(AttributeError):
        loop.step = 0.5  # type: ignore[misc]
    assert loop.step == STEP


class PausingPhases:
    """Each phase of a step can be the one that pauses the game."""

    def __init__(self, bus: EventBus, loop_ref: list[FixedStepLoop], phase: str) -> None:
        self.bus = bus
        self.loop_ref = loop_ref
        self.phase = phase

    def pause_if(self, phase: str) -> None:
        if phase == self.phase:
            self.loop_ref[0].paused = True

    def publish_tick(self, tick: int, *, paused: bool = False) -> None:
        self.pause_if("input")

    def update(self, dt: float | None = None) -> None:
        self.pause_if("timers" if dt is not None else "collisions")
        if dt is None:
            self.bus.post("posted")


@pytest.mark.parametrize("phase", ["input", "timers", "logic", "collisions", "flush"])
def test_pausing_from_any_phase_ends_the_frame_after_that_step(phase: str) -> None:
    bus = EventBus(on_error="raise")
    ref: list[FixedStepLoop] = []
    phases = PausingPhases(bus, ref, phase)
    loop = FixedStepLoop(bus, step=STEP, input=phases, timers=phases, collisions=phases)
    ref.append(loop)
    bus.subscribe(FixedUpdate, lambda e: phases.pause_if("logic"))
    bus.subscribe(str, lambda e: phases.pause_if("flush"))
    assert loop.advance(4 * STEP) == 1
    assert loop.tick == 1 and loop.paused


def test_end_frame_inside_a_step_runs_no_further_step_of_that_frame_only() -> None:
    loop, _ = make_loop(step=0.01, max_steps=10)
    loop.bus.subscribe(FixedUpdate, lambda e: loop.end_frame() if e.tick == 1 else None)
    assert loop.advance(0.055) == 2
    assert not loop.paused and loop.alpha == pytest.approx(0.5)
    assert loop.advance(0.035) == 4  # the next frame runs as usual: 0.5 + 3.5 steps
    assert loop.dropped_time == 0.0
    loop.end_frame()  # outside a step: nothing to end
    assert loop.advance(0.01) == 1


def test_phase_times_add_up_each_phase_of_each_step_only_when_asked() -> None:
    bus = EventBus(on_error="raise")
    loop = FixedStepLoop(bus, step=0.1)
    assert loop.phase_times is None
    loop.advance(0.1)  # no profiling: nothing to fill
    loop.phase_times = {}
    assert loop.advance(0.2) == 2
    assert set(loop.phase_times) == {"input", "timers", "update", "collisions", "flush"}
    assert all(seconds >= 0 for seconds in loop.phase_times.values())
