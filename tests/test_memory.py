"""Memory stays flat over 10 minutes of game time (slow: run with ``pytest -m slow``)."""

from __future__ import annotations

import pytest

from benchmarks.bench_memory import FLAT_KIB_PER_MINUTE, measure_growth


@pytest.mark.slow
def test_ten_minutes_of_autoplay_do_not_grow_the_heap() -> None:
    growth = measure_growth(minutes=10, warm_up=5)
    assert growth.slope < FLAT_KIB_PER_MINUTE, (
        f"the heap grew {growth.slope:.1f} KiB per game minute after the warm-up "
        f"(KiB by minute: {[round(s) for s in growth.sizes_kib]}); "
        f"grown most: {growth.top_growth}"
    )
