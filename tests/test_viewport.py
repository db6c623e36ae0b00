"""Letterboxing keeps the aspect and maps the mouse back onto the canvas."""

from __future__ import annotations

import pygame
from hypothesis import given
from hypothesis import strategies as st

from game.engine.platform.viewport import Viewport


def test_wide_window_gets_bars_left_and_right() -> None:
    view = Viewport((960, 540), (1920, 800))
    assert view.area.height == 800
    assert abs(view.area.width / view.area.height - 960 / 540) < 0.01
    assert view.area.left > 0 and view.area.top == 0


def test_tall_window_gets_bars_top_and_bottom() -> None:
    view = Viewport((960, 540), (960, 1000))
    assert view.area.size == (960, 540)
    assert view.area.top == 230


def test_same_size_is_identity_and_maps_positions_unchanged() -> None:
    view = Viewport((960, 540), (960, 540))
    assert view.identity
    assert view.to_canvas((123, 45)) == (123, 45)


@given(
    st.integers(min_value=50, max_value=4000),
    st.integers(min_value=50, max_value=4000),
    st.integers(min_value=0, max_value=959),
    st.integers(min_value=0, max_value=539),
)
def test_canvas_point_shown_in_the_window_maps_back_to_itself(
    ww: int, wh: int, cx: int, cy: int
) -> None:
    view = Viewport((960, 540), (ww, wh))
    wx = view.area.left + (cx + 0.5) * view.scale
    wy = view.area.top + (cy + 0.5) * view.scale
    mx, my = view.to_canvas((wx, wy))
    assert abs(mx - cx) <= 1 and abs(my - cy) <= 1


def test_present_scales_into_the_window() -> None:
    canvas = pygame.Surface((960, 540))
    canvas.fill((200, 10, 10))
    window = pygame.Surface((1000, 1000))
    view = Viewport((960, 540), window.get_size())
    view.present(canvas, window)
    assert window.get_at((500, 500))[:3] == (200, 10, 10)
    assert window.get_at((500, 5))[:3] == (0, 0, 0)
