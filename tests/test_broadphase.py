"""The broadphase alone: pure array functions, checked against brute force."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from game.engine.collisions.broadphase import (
    KEY_BITS,
    diff_pair_keys,
    sorted_pair_keys,
    sweep_strips,
)

coordinate = st.integers(-200, 200).map(float)
size = st.integers(1, 120).map(float)
boxes = st.lists(st.tuples(coordinate, coordinate, size, size), min_size=2, max_size=60)


def brute(found: list[tuple[float, float, float, float]]) -> set[tuple[int, int]]:
    pairs = set()
    for i, (ax, ay, aw, ah) in enumerate(found):
        for j in range(i + 1, len(found)):
            bx, by, bw, bh = found[j]
            if ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah:
                pairs.add((i, j))
    return pairs


@given(boxes)
def test_sweep_strips_finds_exactly_the_overlapping_pairs(given_boxes: list) -> None:
    order = sorted(range(len(given_boxes)), key=lambda i: given_boxes[i][0])
    xs, ys, ws, hs = (np.array([given_boxes[i][k] for i in order]) for k in range(4))
    a, b = sweep_strips(xs, ws, ys, hs)
    found = {(min(order[i], order[j]), max(order[i], order[j])) for i, j in zip(a, b, strict=True)}
    assert len(found) == len(a)  # no pair twice, even across strips
    assert found == brute(given_boxes)


pair_sets = st.sets(st.tuples(st.integers(0, 40), st.integers(0, 40)).filter(lambda p: p[0] < p[1]))


def keys(pairs: set[tuple[int, int]]) -> np.ndarray:
    return np.array(sorted((a << KEY_BITS) | b for a, b in pairs), dtype=np.int64)


@given(pair_sets, pair_sets)
def test_diff_pair_keys_is_the_set_difference_both_ways_and_the_intersection(
    before: set[tuple[int, int]], after: set[tuple[int, int]]
) -> None:
    entered, exited, stayed = diff_pair_keys(keys(before), keys(after))
    assert entered.tolist() == keys(after - before).tolist()
    assert exited.tolist() == keys(before - after).tolist()
    assert stayed.tolist() == keys(before & after).tolist()


@given(st.lists(st.tuples(st.integers(0, 70_000), st.integers(0, 70_000)), max_size=50))
def test_sorted_pair_keys_puts_the_low_index_first_and_sorts(pairs: list) -> None:
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    top = max([*a.tolist(), *b.tolist(), 0]) + 1
    expected = sorted((min(x, y) << KEY_BITS) | max(x, y) for x, y in pairs)
    assert sorted_pair_keys(a, b, top).tolist() == expected
