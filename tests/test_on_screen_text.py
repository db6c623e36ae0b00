"""Nothing hides an answer: the overlap scenarios of issue 14, checked on every frame.

Every test drives the real App (``app.post``, ``app.run_ticks``) and checks each
frame with ``App.visible_text()``: no bubble touches another bubble, a name label, a
floating "+10" or the hint, nor the player's sprite or the sprite of the NPC being
talked to; no label sits on its own NPC; the newest reply of the NPC the player spoke
to lies fully on screen and no other text touches it, so the player's own bubble
never covers it. Also: a label pushed aside comes back, code reads as code.
"""

from __future__ import annotations

from functools import partial

import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.app import App
from game.demo.entities import Player
from game.demo.feedback import FLOAT_TIME
from game.demo.overlays import Overlays
from game.npc.chat import ChatNPC
from game.widgets import bubble as bubble_module
from game.widgets import log_panel
from game.widgets.layout import KINDS, Claim, TextLayout
from tests import app_driver
from tests.app_driver import npc, tap

SCREEN = pygame.Rect(0, 0, 960, 540)
SECOND = 60
LONG_LINE = (
    "Ada, I have been walking around the village all morning and I still do not "
    "understand how a callback knows when to run, who calls it, and what happens "
    "when two of them want the same event?"
)  # ~190 characters


def sprite(
    at: tuple[float, float], previous: tuple[float, float], size: int, alpha: float
) -> pygame.Rect:
    x = previous[0] + (at[0] - previous[0]) * alpha
    y = previous[1] + (at[1] - previous[1]) * alpha
    return pygame.Rect(round(x), round(y), size, size)


def check(app: App) -> None:
    """The frame's promises: no bubble's text touches another text (bubble, label,
    floating number, hint), nor the player's sprite or the NPC's being talked to; no
    label sits on its own NPC; the newest answer is whole and uncovered."""
    shown = app.visible_text()
    assert all(kind in KINDS for kind, *_ in shown)
    movable = [e for e in shown if e[0] in ("bubble", "label", "float", "hint")]
    for i, a in enumerate(movable):
        for b in movable[i + 1 :]:
            if "bubble" in (a[0], b[0]) or a[0] == b[0] == "float":
                assert not a[2].colliderect(b[2]), (a, b, shown)
    people, alpha = app.scene.people, app.loop.alpha
    player = app.scene.player
    keep_visible = [sprite(player.position, player.previous, Player.SIZE, alpha)]
    partner = people.answering or people.nearest_npc()
    if partner is not None:
        keep_visible.append(sprite(partner.position, partner.previous, ChatNPC.SIZE, alpha))
    for kind, owner, rect, text in shown:
        if kind == "bubble":
            assert rect.collidelist(keep_visible) == -1, (owner, text, rect, keep_visible)
        if kind == "label":
            who = next(n for n in app.scene.npcs if n.name == owner)
            body = sprite(who.position, who.previous, ChatNPC.SIZE, alpha)
            assert not rect.colliderect(body), (owner, rect, body)
    answering = app.scene.people.answering
    if answering is None or not answering.bubble.visible:
        return
    answer = [e for e in shown if e[0] == "bubble" and e[1] == answering.name]
    assert len(answer) == 1, shown  # it is shown: the newest answer never yields
    rect = answer[0][2]
    assert SCREEN.contains(rect)
    for entry in shown:
        if entry is not answer[0]:
            assert not rect.colliderect(entry[2]), (entry, answer[0])


def frames(app: App, ticks: int) -> None:
    for _ in range(ticks):
        app.run_ticks(1)
        check(app)


# The player's input, with every frame it runs checked.
hold = partial(app_driver.hold, run=frames)
say = partial(app_driver.say, run=frames)


def test_a_long_line_to_ada_never_covers_her_answer(app: App) -> None:
    hold(app, pygame.K_UP, 20)  # from the start, up to Ada
    assert npc(app, "guide").in_range
    say(app, LONG_LINE)
    assert app.scene.people.answering is npc(app, "guide")
    frames(app, 12 * SECOND)  # her answer types, is read, fades; checked every frame


def test_walking_right_to_bruno_keeps_his_greeting_off_adas(app: App) -> None:
    frames(app, SECOND)
    hold(app, pygame.K_RIGHT, 3 * SECOND)
    frames(app, 8 * SECOND)


def test_bruno_following_to_ada_never_covers_her_answer(app: App) -> None:
    hold(app, pygame.K_RIGHT, 130)  # to Bruno
    say(app, "follow me")
    frames(app, SECOND)
    hold(app, pygame.K_LEFT, 110)  # back to Ada, Bruno behind
    say(app, "what is a callback?")
    frames(app, 10 * SECOND)


def put_player(app: App, at: tuple[float, float]) -> None:
    app_driver.put_player(app, at)
    check(app)


def test_bruno_answering_the_player_just_below_him_keeps_both_bubbles_and_sprites_clear(
    app: App,
) -> None:
    baker = npc(app, "baker")
    put_player(app, (baker.position[0] + 4, baker.position[1] + ChatNPC.SIZE + 6))
    frames(app, 2 * SECOND)  # his greeting, never over the player
    say(app, "I want to buy bread")
    assert app.scene.people.answering is baker
    frames(app, 8 * SECOND)


def test_a_question_from_below_left_of_ada_never_covers_her_or_her_answer(app: App) -> None:
    guide = npc(app, "guide")
    put_player(app, (guide.position[0] - 92, guide.position[1] + 86))
    frames(app, SECOND)
    say(app, "how many coins are left and what time is it")
    assert app.scene.people.answering is guide
    frames(app, 10 * SECOND)


def test_the_quest_points_float_clear_of_the_players_hello_bubble(app: App) -> None:
    hold(app, pygame.K_UP, 20)
    say(app, "hello")  # quest 1 done: +20 where the player stands, under their bubble
    seen = set()
    for _ in range(2 * SECOND):
        frames(app, 1)
        seen |= {text for kind, _, _, text in app.visible_text() if kind == "float"}
    assert "+20" in seen


def label_of(app: App, who: ChatNPC) -> pygame.Rect:
    return next(
        r for kind, owner, r, _ in app.visible_text() if kind == "label" and owner == who.name
    )


def label_home(who: ChatNPC) -> tuple[int, int]:
    return (round(who.position[0] + ChatNPC.SIZE / 2), round(who.position[1]) + ChatNPC.SIZE + 2)


def test_adas_label_returns_under_her_once_the_points_floating_by_are_gone(app: App) -> None:
    guide = npc(app, "guide")
    put_player(app, (guide.position[0] + 160, guide.position[1] + 60))  # out of talk range
    frames(app, 10 * SECOND)  # greetings, if any, are over
    assert label_of(app, guide).midtop == label_home(guide)
    under_ada = (guide.position[0] + ChatNPC.SIZE / 2, guide.position[1] + ChatNPC.SIZE + 24)
    moved = False
    for _ in range(3):  # coins picked up near her, one after another
        app.scene.scoreboard.add(10, under_ada)
        for _ in range(SECOND // 3):
            frames(app, 1)
            moved |= label_of(app, guide).midtop != label_home(guide)
    assert moved  # the numbers took her label's place for a moment
    frames(app, round(FLOAT_TIME * SECOND) + 1)
    assert not [e for e in app.visible_text() if e[0] == "float"]
    assert label_of(app, guide).midtop == label_home(guide)


def test_the_hint_speaks_the_ui_language_whatever_the_npc_last_spoke(app: App) -> None:
    hold(app, pygame.K_UP, 20)
    say(app, "你好")  # the UI follows the player into Chinese
    frames(app, 6 * SECOND)
    hints = [text for kind, _, _, text in app.visible_text() if kind == "hint"]
    assert hints == ["按回车和艾达说话"]
    assert "艾达" in [text for kind, _, _, text in app.visible_text() if kind == "label"]
    # An English UI with Ada still speaking Chinese (she last heard Chinese): her
    # label follows the conversation, the hint the UI.
    language = next(m for m in app.scene.mechanics if type(m).__name__ == "UiLanguage")
    language.code = "en"  # type: ignore[attr-defined]
    frames(app, 2)
    assert npc(app, "guide").name == "艾达"
    hints = [text for kind, _, _, text in app.visible_text() if kind == "hint"]
    assert hints == ["Enter: talk to Ada"]


def test_a_name_label_moves_off_the_player_standing_on_its_spot_and_stays_readable(
    app: App,
) -> None:
    guide = npc(app, "guide")
    label_at = (guide.position[0] + 2, guide.position[1] + ChatNPC.SIZE + 4)
    app.scene.player_body.position = label_at
    app.scene.player.position = app.scene.player.previous = label_at
    frames(app, 2)
    label = next(
        r for kind, owner, r, _ in app.visible_text() if kind == "label" and owner == "Ada"
    )
    player = pygame.Rect(round(label_at[0]), round(label_at[1]), Player.SIZE, Player.SIZE)
    assert not label.colliderect(player)  # the player stays visible
    # The label's ink is on screen (light pixels): drawn over the world, not under it.
    ink = [app.screen.get_at((x, label.centery))[:3] for x in range(label.left, label.right)]
    assert any(min(c) > 200 for c in ink)


def test_the_log_is_opaque_above_the_pause_panel_scrolls_and_names_every_speaker(app: App) -> None:
    log = app.scene.log
    for i in range(30):
        log.add("Ada" if i % 2 else "You", f"line {i}: " + "word " * (i % 7))
    tap(app, pygame.K_p)  # pause first, then open the log over it
    tap(app, pygame.K_h)
    app.render()
    panel = app.scene.mechanic(Overlays).log_panel
    assert panel.visible and app.loop.paused
    newest = list(panel.shown)
    last_speaker, last_text = app.scene.log.lines[-1]
    assert newest[-1] == (last_speaker, last_text.strip())
    assert len(newest) >= 3 and all(speaker in ("Ada", "You") for speaker, _ in newest)
    # Opaque: the panel's inside is one colour, whatever is under it.
    inside = panel.rect.inflate(-8, -8)
    corner = app.screen.get_at((inside.left + 2, inside.bottom - 2))[:3]
    assert corner == (18, 22, 30)
    for code in (pygame.K_PAGEUP, pygame.K_UP):
        tap(app, code)
        app.render()
    assert panel.offset > 1 and panel.shown != newest
    app.post(
        pygame.event.Event(
            pygame.MOUSEWHEEL, x=0, y=-1, flipped=False, precise_x=0.0, precise_y=-1.0
        )
    )
    app.run_ticks(1)
    app.render()
    assert panel.shown[0][0] in ("Ada", "You")  # the top entry keeps its speaker
    assert any(kind == "log" for kind, *_ in app.visible_text())


# -- the solver on its own -------------------------------------------------------------


def test_the_highest_claim_is_placed_first_and_lower_ones_move_or_yield() -> None:
    layout = TextLayout(SCREEN)
    answer = Claim("a", "bubble", "Ada", "hi", (300, 100), (480, 200), 100, gap=12)
    other = Claim("b", "bubble", "Bruno", "yo", (300, 100), (500, 200), 60, gap=12)
    places = layout.solve([other, answer])
    assert places["a"] is not None and places["b"] is not None
    assert not places["a"].colliderect(places["b"])
    assert places["a"].bottom == 200 - 12  # the answer kept its preferred spot


def test_placement_is_stable_from_frame_to_frame() -> None:
    layout = TextLayout(SCREEN)
    claims = [
        Claim("a", "bubble", "Ada", "", (200, 60), (400, 300), 100, gap=12),
        Claim("b", "bubble", "Bruno", "", (200, 60), (420, 300), 60, gap=12),
    ]
    first = layout.solve(claims)
    moved = [Claim("a", "bubble", "Ada", "", (200, 60), (401, 300), 100, gap=12), claims[1]]
    second = layout.solve(moved)
    assert second["b"] == first["b"]  # b keeps its side and shift: no jitter


def test_a_displaced_claim_goes_home_as_soon_as_its_place_is_free() -> None:
    layout = TextLayout(SCREEN)
    label = Claim("label", "label", "Ada", "Ada", (40, 16), (480, 200), 30, prefer="below")
    home = layout.solve([label])["label"]
    blocker = Claim("b", "float", None, "+10", (40, 30), (480, 230), 35)
    for _ in range(3):
        aside = layout.solve([label, blocker])["label"]
        assert aside is not None and aside != home
    assert layout.solve([label])["label"] == home


def test_left_and_right_keep_clear_of_the_owners_sprite() -> None:
    layout = TextLayout(SCREEN)
    body = pygame.Rect(466, 186, 28, 28)  # the owner, centred on x = 480
    above = Claim("a", "bubble", None, "", (300, 180), (480, 182), 100)  # fills above,
    below = Claim("b", "bubble", None, "", (300, 320), (480, 218), 90)  # and below
    label = Claim(
        "l",
        "label",
        "Ada",
        "Ada",
        (40, 16),
        (480, 182),
        30,
        prefer="below",
        below_at=(480, 218),
        body_width=28,
    )
    places = layout.solve([above, below, label])
    assert places["l"] is not None and not places["l"].colliderect(body)


def test_a_bubble_keeps_off_the_sprites_it_is_given() -> None:
    layout = TextLayout(SCREEN)
    you = pygame.Rect(470, 150, 28, 28)  # the player, just above the speaker's head
    bubble = Claim(
        "a", "bubble", "Ada", "hi", (200, 60), (480, 200), 100, gap=12, over_sprites=False
    )
    rect = layout.solve([bubble], [you])["a"]
    assert rect is not None and not rect.colliderect(you)
    # A label prefers a spot that leaves the sprite visible ...
    label = Claim("l", "label", "Ada", "Ada", (40, 16), (484, 170), 30)
    placed = layout.solve([label], [you])["l"]
    assert placed is not None and not placed.colliderect(you)
    # ... and covers it only when no other spot is free.
    tight = TextLayout(pygame.Rect(460, 140, 48, 48), margin=0)
    cornered = Claim("l", "label", "Ada", "Ada", (40, 16), (484, 170), 30)
    placed = tight.solve([cornered], [you])["l"]
    assert placed is not None and placed.colliderect(you)


def test_a_claim_with_no_room_yields() -> None:
    layout = TextLayout(pygame.Rect(0, 0, 200, 100))
    big = Claim("a", "bubble", None, "", (190, 90), (100, 95), 100)
    small = Claim("b", "label", None, "", (150, 50), (100, 50), 10)
    places = layout.solve([big, small])
    assert places["a"] is not None and places["b"] is None


def test_bad_claims_are_named() -> None:
    with pytest.raises(ValueError, match="kind"):
        Claim("a", "speech", None, "", (1, 1), (0, 0), 1)
    with pytest.raises(ValueError, match="unique"):
        TextLayout(SCREEN).solve([Claim("a", "hint", None, "", (1, 1), (0, 0), 1)] * 2)


# -- any positions ------------------------------------------------------------------------

positions = st.tuples(st.integers(20, 900), st.integers(50, 480))


@settings(max_examples=25, deadline=None)
@given(positions, positions, positions)
def test_any_positions_of_the_player_and_both_npcs(
    you: tuple[int, int], guide_at: tuple[int, int], baker_at: tuple[int, int]
) -> None:
    app = App(headless=True, seed=1, autoplay=False)
    try:
        guide, baker = npc(app, "guide"), npc(app, "baker")
        for who, at in ((guide, guide_at), (baker, baker_at)):
            who.body.position = at
            who.position = who.previous = who.home = (float(at[0]), float(at[1]))
        app.scene.player_body.position = you
        app.scene.player.position = app.scene.player.previous = (float(you[0]), float(you[1]))
        baker.bubble.say("Fresh bread! " * 8)
        app.scene.player_bubble.say(LONG_LINE, instant=True)
        app.scene.people.answering = guide
        guide.bubble.say("A callback is a function you hand to someone else. " * 3)
        frames(app, 90)
    finally:
        app.close()


# -- code in a reply -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "line"),
    [("show me the code", "A callback in code:"), ("给我看代码", "回调的代码是这样：")],
)
def test_code_in_adas_answer_reads_as_code_in_her_bubble_and_the_log(
    app: App, question: str, line: str
) -> None:
    hold(app, pygame.K_UP, 20)
    say(app, question)
    guide = npc(app, "guide")
    frames(app, 4 * SECOND)
    shown = [
        t for kind, owner, _, t in app.visible_text() if kind == "bubble" and owner == guide.name
    ]
    assert shown and shown[0].startswith(line) and "`" not in shown[0]
    assert "def on_coin(player, coin): score.add(10)" in guide.bubble.text
    start = guide.bubble.text.index("def on_coin")
    assert (start, start + len("def on_coin(player, coin): score.add(10)")) in guide.bubble.code
    # The code is set apart on screen: its tint shows inside her bubble.
    box = next(
        r for kind, owner, r, _ in app.visible_text() if kind == "bubble" and owner == guide.name
    )
    tint = bubble_module.CODE.fill
    pixels = {
        app.screen.get_at((x, y))[:3]
        for x in range(box.left, box.right, 2)
        for y in range(box.top, box.bottom, 2)
    }
    assert tint in pixels
    # The H log: the same words, no backticks, the code on its own tint.
    tap(app, pygame.K_h, run=frames)
    log = next(t for kind, _, _, t in app.visible_text() if kind == "log")
    assert "def on_coin(player, coin):" in log and "`" not in log
    panel = next(r for kind, _, r, _ in app.visible_text() if kind == "log")
    pixels = {
        app.screen.get_at((x, y))[:3]
        for x in range(panel.left, panel.right, 2)
        for y in range(panel.top, panel.bottom, 2)
    }
    assert log_panel.CODE.fill in pixels


def test_the_layout_is_the_same_every_run_for_the_same_play() -> None:
    def play() -> list[list[tuple[str, str | None, tuple[int, int, int, int], str]]]:
        app = App(headless=True, seed=1, autoplay=False)
        try:
            seen = []

            def run(app: App, ticks: int) -> None:
                for _ in range(ticks):
                    app.run_ticks(1)
                    seen.append([(k, o, tuple(r), t) for k, o, r, t in app.visible_text()])

            app_driver.hold(app, pygame.K_UP, 20, run=run)
            app_driver.say(app, "hello", run=run)  # "+20" floats by her label and bubbles
            run(app, SECOND)
            return seen
        finally:
            app.close()

    assert play() == play()
