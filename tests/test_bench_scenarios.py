"""The scenes the frame, simulation and memory benchmarks measure are what they claim.

Nothing is timed here: these tests pin down the setups, so that a change in the
demo cannot quietly turn a benchmark into a measurement of something else.
"""

from __future__ import annotations

import pytest

from benchmarks.bench_frame import QUESTION, talking_app
from benchmarks.bench_memory import FLAT_KIB_PER_MINUTE, Growth
from benchmarks.bench_sim import bare_loop_seconds


def test_the_frame_benchmark_shows_the_player_and_the_guide_both_reading() -> None:
    app = talking_app()
    try:
        guide = next(npc for npc in app.scene.npcs if npc.key == "guide")
        assert app.scene.player_bubble.state == guide.bubble.state == "reading"
        assert app.scene.player_bubble.shown_text == QUESTION
        assert guide.bubble.text != "" and guide.bubble.revealed == guide.bubble.total
        assert not app.scene.chat.is_open
    finally:
        app.close()


def test_the_bare_loop_floor_runs_exactly_the_ticks_asked_for() -> None:
    assert bare_loop_seconds(120) > 0


def test_growth_is_judged_on_the_minutes_after_the_warm_up() -> None:
    leaking = Growth([100.0, 900.0, 910.0, 920.0, 930.0], warm_up=1)
    assert leaking.deltas == [10.0, 10.0, 10.0]
    assert leaking.slope == pytest.approx(10.0)
    assert leaking.verdict == "growing"
    settled = Growth([100.0, 900.0, 901.0, 900.5, 901.0], warm_up=1)
    assert settled.slope < FLAT_KIB_PER_MINUTE
    assert settled.verdict == "flat"


def test_the_long_reply_benchmark_streams_every_token_into_a_bounded_bubble() -> None:
    from benchmarks.bench_long_reply import TOKENS, run_scene

    result = run_scene(stream=True, seconds=11.0)
    assert result["tokens_sent"] == TOKENS
    assert result["text_length"] > 8000 and result["pages"] > 40
    # Four lines at most, however long the reply (the old bubble grew to 8,278 px).
    assert 0 < result["tallest_bubble_px"] <= 4 * 27 + 16


# -- the stress benchmark: its search and its two baselines ---------------------------


def test_the_stress_search_finds_the_largest_n_within_five_percent() -> None:
    from benchmarks.bench_stress import largest_n

    def cost(n: int) -> float:
        return n / 1000  # 16.7 ms at N = 16,700

    best, probes = largest_n(cost, 3000)
    assert 16_700 * 0.95 <= best <= 16_700
    assert all(p <= 16.7 for n, p in probes.items() if n <= best)
    assert largest_n(lambda n: 100.0, 64)[0] == 0  # nothing fits: no N at all


@pytest.mark.parametrize("name", ["SpriteGroups", "PymunkIndex"])
def test_the_stress_baselines_play_the_same_rules(name: str) -> None:
    """Two seconds of the scene run, and contacts begin and end."""
    import pygame

    if name == "PymunkIndex":
        pytest.importorskip("pymunk")
    import benchmarks.stress_baselines as baselines

    pygame.display.init()
    try:
        scene = getattr(baselines, name)(600)
        for _ in range(120):
            scene.frame()
        assert scene.events > 20
        scene.close()
    finally:
        pygame.display.quit()
