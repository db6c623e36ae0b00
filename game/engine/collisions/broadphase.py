"""The broadphase: pure array functions that find overlapping boxes.

No state and no colliders here, only numpy arrays in and out, so each function
is tested alone against brute force (``tests/test_collisions.py``). The world
(:mod:`game.engine.collisions.world`) keeps the boxes and calls these.

Pair keys are ``low << KEY_BITS | high`` in an int64: two slot (or id) numbers
in one sortable integer, the low one first.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["KEY_BITS", "KEY_MASK", "diff_pair_keys", "sorted_pair_keys", "sweep_strips"]

Floats: TypeAlias = npt.NDArray[np.float64]
Ints: TypeAlias = npt.NDArray[np.int64]

# Pair keys are ``low << 32 | high`` in an int64, of slots or of ids.
KEY_BITS = 32
KEY_MASK = (1 << KEY_BITS) - 1
# Strip indices are sorted as uint16 (numpy radix-sorts 16-bit keys in linear time).
_MAX_STRIPS = 60_000
# Strip height as a multiple of the mean box height. The time is flat between
# 1.5 and 4 (benchmarks/bench_collisions.py); lower makes more boxes straddle two
# strips, higher makes more candidates per strip.
_STRIP_FACTOR = 2.5
# Offsets of the sweep tested on whole slices before following survivors only.
_SLICED_OFFSETS = 3
# Entries still in reach after a few offsets are finished by binary search when
# no more than this many are left.
_TAIL = 32


def sorted_pair_keys(a: Ints, b: Ints, top: int) -> Ints:
    """Sorted ``low << 32 | high`` keys of the pairs ``(a[i], b[i])`` of slots below ``top``."""
    low = np.minimum(a, b)
    high = np.maximum(a, b)
    if top <= 1 << 16:
        # Two stable radix passes on 16-bit halves: ~3x faster than np.sort on int64.
        order = np.argsort(high.astype(np.uint16), kind="stable")
        order = order[np.argsort(low[order].astype(np.uint16), kind="stable")]
        return (low[order] << KEY_BITS) | high[order]
    keys = (low << KEY_BITS) | high
    keys.sort()
    return keys


def sweep_strips(xs: Floats, ws: Floats, ys: Floats, hs: Floats) -> tuple[Ints, Ints]:
    """Overlapping pairs (as indices) of boxes sorted by ``xs``, all of them non-empty.

    The world is cut into horizontal strips a few mean box heights tall; a box
    is entered in every strip it spans. A stable sort by strip keeps the x order
    inside each strip, so each strip is swept along x: entry ``i`` meets the
    entries after it in its strip while their left edge is before its right
    edge. A pair found in several strips is kept only in the strip that holds
    the top of its overlap, where at least one of the two boxes begins.
    """
    n = len(xs)
    ymin = float(ys.min())
    bottoms = ys + hs
    extent = float(bottoms.max()) - ymin
    height = max(_STRIP_FACTOR * float(hs.mean()), extent / _MAX_STRIPS)
    scale = 1.0 / height
    top = ((ys - ymin) * scale).astype(np.int64)
    last = ((bottoms - ymin) * scale).astype(np.int64)
    extra = last - top
    most = int(extra.max())
    if most:
        reps = extra + 1
        entry = np.repeat(np.arange(n), reps)
        strip = np.repeat(top, reps)
        if most == 1:  # the usual case: a box spans at most two strips
            strip[np.flatnonzero(entry[1:] == entry[:-1]) + 1] += 1
        else:
            starts = np.cumsum(reps) - reps
            strip += np.arange(len(entry)) - np.repeat(starts, reps)
    else:
        entry = np.arange(n)
        strip = top
    # Strip numbers fit 16 bits, which numpy sorts stably by radix, in linear time.
    by_strip = np.argsort(strip.astype(np.uint16), kind="stable")
    entry = entry[by_strip]
    strip = strip[by_strip]
    first = strip == top[entry]  # the box begins in this strip
    left = xs[entry]
    right = left + ws[entry]
    upper = ys[entry]
    lower = bottoms[entry]
    m = len(entry)
    # Sorted by left edge, an entry meets a later one's right edge too, unless
    # that one's width is below the spacing of floats at its x (x + w == x).
    thin = bool((right == left).any())

    # Entry i meets entry i + k while left[i + k] < right[i] in the same strip;
    # as left only grows inside a strip, once that fails it fails for every
    # larger k. The first offsets cover most entries: test them on whole
    # slices (no gathers); then follow only the entries still in reach.
    found_i: list[Ints] = []
    found_j: list[Ints] = []
    idx = np.zeros(0, dtype=np.int64)
    k = 0
    while k < min(_SLICED_OFFSETS, m - 1):
        k += 1
        go = (left[k:] < right[:-k]) & (strip[k:] == strip[:-k])
        hit = go & (upper[k:] < lower[:-k]) & (upper[:-k] < lower[k:]) & (first[k:] | first[:-k])
        if thin:
            hit &= left[:-k] < right[k:]
        found = np.flatnonzero(hit)
        found_i.append(found)
        found_j.append(found + k)
        idx = np.flatnonzero(go)
        if not len(idx):
            break
    while len(idx):
        if len(idx) <= _TAIL and k >= _SLICED_OFFSETS + 2:
            # A few long reaches left (a wide wall across a crowded strip): one
            # binary search each instead of one numpy round per offset.
            _reach(idx, k, strip, left, right, upper, lower, first, thin, found_i, found_j)
            break
        k += 1
        if idx[-1] >= m - k:
            idx = idx[idx < m - k]
        j = idx + k
        go = (left[j] < right[idx]) & (strip[j] == strip[idx])
        idx = idx[go]
        j = j[go]
        hit = (upper[j] < lower[idx]) & (upper[idx] < lower[j]) & (first[idx] | first[j])
        if thin:
            hit &= left[idx] < right[j]
        found_i.append(idx[hit])
        found_j.append(j[hit])
    return entry[np.concatenate(found_i)], entry[np.concatenate(found_j)]


def _reach(
    idx: Ints,
    k: int,
    strip: Ints,
    left: Floats,
    right: Floats,
    upper: Floats,
    lower: Floats,
    first: npt.NDArray[np.bool_],
    thin: bool,
    found_i: list[Ints],
    found_j: list[Ints],
) -> None:
    """Finish the sweep for entries ``idx`` tested up to offset ``k``."""
    ends = np.searchsorted(strip, strip[idx], side="right")
    for i, end in zip(idx.tolist(), ends.tolist(), strict=True):
        start = i + k + 1
        stop = start + int(np.searchsorted(left[start:end], right[i], side="left"))
        if stop > start:
            j = np.arange(start, stop)
            hit = (upper[j] < lower[i]) & (upper[i] < lower[j]) & (first[i] | first[j])
            if thin:
                hit &= left[i] < right[j]
            j = j[hit]
            found_i.append(np.full(len(j), i, dtype=np.int64))
            found_j.append(j)


def diff_pair_keys(previous: Ints, current: Ints) -> tuple[Ints, Ints, Ints]:
    """``(entered, exited, stayed)`` of two sorted arrays of unique pair keys, each sorted.

    Both arrays are merged by one stable sort (two sorted runs: a linear merge)
    with the origin in the lowest bit; equal neighbours are pairs in both.
    """
    if not len(previous) or not len(current):
        empty = np.zeros(0, dtype=np.int64)
        return current, previous, empty
    both = np.concatenate((previous << 1, (current << 1) | 1))
    both.sort(kind="stable")
    value = both >> 1
    same = value[1:] == value[:-1]
    common = np.zeros(len(both), dtype=bool)
    common[:-1] = same
    common[1:] |= same
    new = (both & 1).astype(bool)
    return value[new & ~common], value[~new & ~common], value[:-1][same]
