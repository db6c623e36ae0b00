"""Buttons and menus: mouse, keyboard, focus and hover."""

from __future__ import annotations

import itertools

import pygame
import pytest

from game.widgets.button import Button, Menu


def make_menu() -> tuple[Menu, list[str]]:
    clicks: list[str] = []
    buttons = [
        Button(name, lambda n=name: clicks.append(n)) for name in ("Resume", "Sound", "Quit")
    ]
    menu = Menu(buttons)
    menu.layout((480, 270))
    return menu, clicks


def test_buttons_are_stacked_without_overlap() -> None:
    menu, _ = make_menu()
    rects = [b.rect for b in menu.buttons]
    assert all(a.bottom < b.top for a, b in itertools.pairwise(rects))
    assert all(r.centerx == 480 for r in rects)


def test_arrows_move_focus_and_enter_clicks_the_focused_button() -> None:
    menu, clicks = make_menu()
    assert menu.focused.label == "Resume"
    assert menu.key(pygame.K_DOWN)
    assert menu.key(pygame.K_DOWN)
    assert menu.key(pygame.K_DOWN)  # wraps around to the first
    assert menu.key(pygame.K_UP)
    assert menu.key(pygame.K_RETURN)
    assert clicks == ["Quit"]
    assert [b.focused for b in menu.buttons] == [False, False, True]


def test_unrelated_keys_are_not_used() -> None:
    menu, clicks = make_menu()
    assert not menu.key(pygame.K_a)
    assert clicks == []


def test_click_needs_press_and_release_over_the_same_button() -> None:
    menu, clicks = make_menu()
    sound = menu.buttons[1].rect.center
    quit_ = menu.buttons[2].rect.center
    assert menu.pointer_down(sound)
    assert not menu.pointer_up(quit_)  # dragged off: no click
    assert menu.pointer_down(sound)
    assert menu.pointer_up(sound)
    assert clicks == ["Sound"]


def test_hover_highlights_and_takes_focus() -> None:
    menu, _ = make_menu()
    assert menu.pointer_moved(menu.buttons[2].rect.center)
    assert menu.buttons[2].hovered and menu.buttons[2].focused
    assert not menu.pointer_moved((5, 5))
    assert not any(b.hovered for b in menu.buttons)


def test_live_labels_follow_state() -> None:
    state = {"sound": True}
    button = Button(lambda: f"Sound: {'on' if state['sound'] else 'off'}", lambda: None)
    assert button.label == "Sound: on"
    state["sound"] = False
    assert button.label == "Sound: off"


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(TypeError, match="on_click"):
        Button("x", "not callable")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one"):
        Menu([])
