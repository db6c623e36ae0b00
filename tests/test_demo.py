"""The village demo end to end: its wiring, the pause panel, the overlay, resize, autoplay.

Everything is driven the way a player drives it, through posted pygame events
and ``App.run_ticks``; a few tests put the player somewhere directly (setting
its collider) to reach a situation quickly.
"""

from __future__ import annotations

import math
from pathlib import Path

import pygame
import pytest

from game.app import App
from game.demo import conversations
from game.demo import hazard as hazard_module
from game.demo.coins import Coins
from game.demo.entities import Player
from game.demo.overlays import Overlays
from game.demo.pause import Pause
from game.demo.toast import Toast
from game.demo.village import LAYOUT
from game.engine.loop import FixedUpdate
from game.npc.brain import has_cjk
from game.npc.chat import ChatNPC, NpcAction, NpcSpoke
from game.widgets.chat_events import ChatSubmitted
from tests.app_driver import collect_a_coin, hold, key, npc, put_player, run_until, say, tap

SUMMARY_FIELDS = {
    "ticks", "game_time", "frames", "wall_time", "realtime_factor", "events",
    "handler_errors", "npc_replies", "score", "state_hash", "timers_fired",
    "collisions_started", "coins_collected",
}  # fmt: skip

#: A spot on open ground, out of every NPC's talk radius and off the hazard's route.
OPEN_GROUND = (640.0, 400.0)
#: West of the baker's talk radius, on the road: walking right enters it.
WEST_OF_BAKER = (700.0, 250.0)
SECOND = 60  # ticks


# -- coins ------------------------------------------------------------------------


def test_walking_onto_a_coin_scores_it_and_takes_it_away(game: App) -> None:
    before = len(game.scene.coins)
    colliders = len(game.world)
    coin = collect_a_coin(game)
    assert game.scene.scoreboard.score == 10
    assert game.scene.scoreboard.coins_collected == 1
    assert coin not in game.scene.coins
    assert len(game.scene.coins) == before - 1
    assert coin.collider is None
    assert len(game.world) == colliders - 1
    assert not game.world.query_point(*coin.spot, mask=["coin"])


def test_a_collected_coin_respawns_after_its_timer_away_from_the_player(game: App) -> None:
    collect_a_coin(game)
    left = len(game.scene.coins)
    game.run_ticks(4 * SECOND - 40)  # the shortest respawn delay is 4 s
    assert len(game.scene.coins) == left
    game.run_ticks(5 * SECOND + 40)  # the longest is 9 s
    assert len(game.scene.coins) == left + 1
    new = game.scene.coins[-1]
    assert new.collider is not None
    px, py = game.scene.player.position
    assert math.hypot(new.spot[0] - px, new.spot[1] - py) > 80


def test_respawned_coins_never_land_within_80_px_of_the_player(game: App) -> None:
    scene = game.scene
    taken = {c.spot for c in scene.coins}
    free = [s for s in LAYOUT.coin_spots if s not in taken]
    put_player(game, free[0])  # standing right on a free spot
    while True:
        count = len(scene.coins)
        scene.mechanic(Coins).respawn()
        if len(scene.coins) == count:
            break
    px, py = scene.player.position
    assert free[0] not in {c.spot for c in scene.coins}
    for coin in scene.coins[len(taken) :]:
        assert math.hypot(coin.spot[0] - px, coin.spot[1] - py) > 80


# -- the hazard -----------------------------------------------------------------------


def stand_in_the_hazards_way(app: App) -> None:
    """The hazard starts at the west end of the road walking east: stand east of it."""
    hx, hy = app.scene.hazard.position
    put_player(app, (hx + 40, hy))


def test_the_hazard_knocks_the_player_back_and_stuns_for_a_moment(game: App) -> None:
    scene = game.scene
    stand_in_the_hazards_way(game)
    run_until(game, lambda: scene.scoreboard.hazard_hits == 1, 60)
    assert scene.player.velocity[0] > 0  # pushed away from the hazard, eastwards
    assert scene.player.stunned and scene.player.safe
    game.post(key(pygame.KEYDOWN, pygame.K_LEFT))  # no control while stunned
    game.run_ticks(int(hazard_module.STUN_TIME * SECOND) - 2)
    assert scene.player.stunned
    assert scene.player.velocity[0] >= 0
    game.run_ticks(4)
    assert not scene.player.stunned
    game.run_ticks(10)
    assert scene.player.velocity[0] < 0  # control is back: walking west now


def test_no_second_hit_while_safe_then_hits_again(game: App) -> None:
    scene = game.scene
    stand_in_the_hazards_way(game)
    run_until(game, lambda: scene.scoreboard.hazard_hits == 1, 60)
    for _ in range(3):  # touch it again and again while blinking
        put_player(game, OPEN_GROUND)
        stand_on_hazard(game)
    assert scene.scoreboard.hazard_hits == 1
    game.run_ticks(int(hazard_module.SAFE_TIME * SECOND))
    assert not scene.player.safe
    put_player(game, OPEN_GROUND)
    stand_on_hazard(game)
    assert scene.scoreboard.hazard_hits == 2


def stand_on_hazard(app: App) -> None:
    hx, hy = app.scene.hazard.position
    put_player(app, (hx + 2, hy + 2))


def test_hazard_penalty_takes_five_points_even_below_zero(game: App) -> None:
    # The floating "−5" always tells the truth: at 0 the score goes to −5.
    scene = game.scene
    stand_on_hazard(game)
    assert scene.scoreboard.hazard_hits == 1
    assert scene.scoreboard.score == -5
    game.run_ticks(int(hazard_module.SAFE_TIME * SECOND) + 1)
    scene.scoreboard.score = 12
    put_player(game, OPEN_GROUND)
    stand_on_hazard(game)
    assert scene.scoreboard.hazard_hits == 2
    assert scene.scoreboard.score == 7


# -- NPCs: greeting, farewell, talking ----------------------------------------------------


def barks_of(app: App, who: ChatNPC) -> list[str]:
    """Record which intent each of ``who``'s barks (greeting, farewell) came from."""
    said: list[str] = []

    def heard(event: NpcSpoke) -> None:
        if event.npc == who.key and not event.reply:
            assert who.barks.last_match is not None
            assert who.bubble.text == event.text
            said.append(who.barks.last_match.intent_name)

    app.bus.subscribe(NpcSpoke, heard)  # a plain function: held strongly
    return said


def test_walking_up_to_an_npc_greets_once_per_cooldown(game: App) -> None:
    baker = npc(game, "baker")
    put_player(game, WEST_OF_BAKER)
    barks = barks_of(game, baker)

    game.post(key(pygame.KEYDOWN, pygame.K_RIGHT))
    run_until(game, lambda: baker.in_range, SECOND)
    game.post(key(pygame.KEYUP, pygame.K_RIGHT))
    game.run_ticks(1)
    assert barks == ["greeting"]
    assert baker.bubble.visible
    assert game.scene.mechanic(Overlays).hint() == f"Enter: talk to {baker.name}"

    # Out (a farewell once the greeting is over) and straight back in: no second greeting.
    run_until(game, lambda: not baker.bubble.visible, 20 * SECOND)
    hold(game, pygame.K_LEFT, 30)
    assert not baker.in_range
    run_until(game, lambda: not baker.bubble.visible, 20 * SECOND)
    hold(game, pygame.K_RIGHT, 30)
    assert baker.in_range
    assert barks == ["greeting", "farewell"]

    # After the cooldown, coming back greets again.
    hold(game, pygame.K_LEFT, 30)
    game.run_ticks(int(ChatNPC.GREET_COOLDOWN * SECOND))
    hold(game, pygame.K_RIGHT, 30)
    assert barks[-1] == "greeting"
    assert barks.count("greeting") == 2


def test_walking_away_says_farewell(game: App) -> None:
    baker = npc(game, "baker")
    put_player(game, WEST_OF_BAKER)
    hold(game, pygame.K_RIGHT, 30)
    run_until(game, lambda: not baker.bubble.visible, 20 * SECOND)
    spoken: list[NpcSpoke] = []
    game.bus.subscribe(NpcSpoke, spoken.append)
    hold(game, pygame.K_LEFT, 30)
    assert not baker.in_range
    assert len(spoken) == 1 and not spoken[0].reply
    assert baker.barks.last_match is not None
    assert baker.barks.last_match.intent_name == "farewell"
    assert baker.bubble.text == spoken[0].text


def test_chat_in_range_shows_the_players_line_then_thinking_then_the_reply(game: App) -> None:
    guide = npc(game, "guide")
    game.run_ticks(1)
    assert guide.in_range  # the player starts next to the guide
    replies: list[NpcSpoke] = []
    game.bus.subscribe(NpcSpoke, replies.append)
    say(game, "what is a callback?")
    assert game.scene.player_bubble.text == "what is a callback?"
    assert guide.bubble.state == "thinking"
    assert replies and replies[-1].reply
    answer = replies[-1].text
    assert "callback" in answer.lower()
    thinking = run_until(game, lambda: guide.bubble.state != "thinking", SECOND)
    assert thinking >= ChatNPC.THINK_TIME * SECOND - 2
    assert guide.bubble.state == "typing"
    assert guide.bubble.text == answer
    shown = guide.bubble.revealed
    game.run_ticks(SECOND // 2)  # typed on game time: cps characters per second
    assert abs(guide.bubble.revealed - shown - guide.bubble.cps / 2) <= 1
    assert guide.bubble.shown_text == answer[: len(guide.bubble.shown_text)]
    assert list(game.scene.log.lines)[-2:] == [("You", "what is a callback?"), ("Ada", answer)]


def test_out_of_range_the_player_gets_a_localised_hint(game: App) -> None:
    put_player(game, OPEN_GROUND)
    heard: list[NpcSpoke] = []
    game.bus.subscribe(NpcSpoke, heard.append)
    say(game, "hello?")
    assert game.scene.mechanic(Toast).text == conversations.NOT_HEARD["en"]
    assert game.scene.mechanic(Toast).text.startswith("No one is close enough")
    assert game.scene.mechanic(Overlays).hint() == game.scene.mechanic(Toast).text
    say(game, "有人吗？")
    assert game.scene.mechanic(Toast).text == conversations.NOT_HEARD["zh"]
    assert has_cjk(game.scene.mechanic(Toast).text)
    assert not heard
    game.run_ticks(4 * SECOND)
    assert game.scene.mechanic(Toast).text == ""


def test_a_new_message_replaces_the_reply_in_progress(game: App) -> None:
    guide = npc(game, "guide")
    say(game, "what is a callback?")
    game.run_ticks(40)
    assert guide.bubble.state == "typing"
    first = guide.bubble.text
    say(game, "how do timers work?")
    second = guide.bubble.text
    assert second != first
    while guide.bubble.visible:
        assert guide.bubble.text == second
        game.run_ticks(5)


def test_asking_for_a_dance_spins_the_npc_on_a_timer_until_it_ends(game: App) -> None:
    guide = npc(game, "guide")
    actions: list[NpcAction] = []
    game.bus.subscribe(NpcAction, actions.append)
    say(game, "dance!")
    assert actions == [NpcAction("guide", "dance")]
    game.run_ticks(10)
    assert guide.spin != 0.0
    game.run_ticks(int(ChatNPC.DANCE_TIME * SECOND))
    assert guide.spin == 0.0
    assert guide._dance is not None and not guide._dance.active


def test_follow_me_makes_the_npc_follow_for_ten_seconds_then_stop(game: App) -> None:
    guide = npc(game, "guide")
    say(game, "follow me")
    assert guide.following is not None
    home = guide.home
    hold(game, pygame.K_DOWN, 2 * SECOND)  # south along the lane
    assert guide.position[1] > home[1] + 100
    assert guide.in_range  # its talk radius came along
    game.run_ticks(int(ChatNPC.FOLLOW_TIME * SECOND))
    assert guide.following is None
    game.run_ticks(10 * SECOND)
    assert guide.position == home  # walked back home
    resting = guide.position
    game.run_ticks(SECOND)
    assert guide.position == resting


def test_villagers_are_solid_the_player_cannot_walk_through_them(game: App) -> None:
    guide = npc(game, "guide")
    gx, gy = guide.position
    put_player(game, (gx - 60, gy))
    hold(game, pygame.K_RIGHT, SECOND)
    assert game.scene.player.position[0] == gx - Player.SIZE  # stopped against the guide
    assert guide.position == (gx, gy)


def test_the_log_keeps_the_last_50_lines_and_h_toggles_its_panel(game: App) -> None:
    game.run_ticks(1)  # next to the guide
    for n in range(30):
        game.bus.publish(ChatSubmitted(f"line {n}"))
    lines = list(game.scene.log.lines)
    assert len(lines) == 50
    assert lines[-2] == ("You", "line 29")
    assert ("You", "line 4") not in lines
    assert not game.scene.mechanic(Overlays).log_panel.visible
    tap(game, pygame.K_h)
    assert game.scene.mechanic(Overlays).log_panel.visible
    tap(game, pygame.K_h)
    assert not game.scene.mechanic(Overlays).log_panel.visible


def typing_a_long_reply(app: App) -> ChatNPC:
    guide = npc(app, "guide")
    say(app, "what is a callback?")
    run_until(app, lambda: guide.bubble.state == "typing", SECOND)
    app.run_ticks(5)
    assert 0 < guide.bubble.revealed < guide.bubble.total
    return guide


@pytest.mark.parametrize("how", ["space", "click", "enter"])
def test_space_a_click_or_enter_reveal_the_whole_reply_at_once(game: App, how: str) -> None:
    game.run_ticks(1)
    guide = typing_a_long_reply(game)
    if how == "space":
        tap(game, pygame.K_SPACE)
    elif how == "click":
        click(game, (480, 300))
    else:
        tap(game, pygame.K_RETURN)
        assert game.scene.chat.is_open  # Enter also opens the box to answer
    assert guide.bubble.revealed == guide.bubble.total
    assert guide.bubble.state == "reading"


# -- a whole conversation through keys and text ---------------------------------------------


def test_a_conversation_with_the_guide_through_injected_keys_and_text(game: App) -> None:
    guide = npc(game, "guide")
    put_player(game, OPEN_GROUND)
    assert not guide.in_range
    hold(game, pygame.K_UP, 50)  # north along the lane, past the pond
    game.post(key(pygame.KEYDOWN, pygame.K_UP))
    run_until(game, lambda: guide.in_range, 2 * SECOND)
    game.post(key(pygame.KEYUP, pygame.K_UP))
    game.run_ticks(30)

    spoken: list[NpcSpoke] = []
    game.bus.subscribe(NpcSpoke, lambda e: spoken.append(e) if e.reply else None)
    say(game, "what is a callback?")
    assert "callback" in spoken[-1].text.lower()
    assert not has_cjk(spoken[-1].text)
    say(game, "你好")
    assert has_cjk(spoken[-1].text)
    assert guide.name == "艾达"
    say(game, "my name is Sam")
    say(game, "hello")
    assert "Sam" in spoken[-1].text
    game.run_ticks(SECOND)
    assert guide.bubble.text == spoken[-1].text
    assert len(spoken) == 4
    assert game.scene.scoreboard.npc_replies == 4


def test_the_day_turns_on_a_one_second_timer(game: App) -> None:
    noon_ish = game.scene.day.daylight
    game.run_ticks(SECOND - 1)
    assert game.scene.day.daylight == noon_ish  # the timer has not fired yet
    game.run_ticks(1)
    assert game.scene.day.daylight != noon_ish
    assert game.scene.day.clock() == "Day 1 08:06"


# -- pause, its panel, the overlay ----------------------------------------------------------


def mouse(app: App, kind: int, pos: tuple[int, int]) -> None:
    if kind == pygame.MOUSEMOTION:
        app.post(pygame.event.Event(kind, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
    else:
        app.post(pygame.event.Event(kind, pos=pos, button=1))


def click(app: App, pos: tuple[int, int]) -> None:
    """Move there, press and release the left button, then run one frame."""
    for kind in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        mouse(app, kind, pos)
    app.run_ticks(1)


@pytest.mark.parametrize("code", [pygame.K_p, pygame.K_ESCAPE])
def test_p_or_esc_pauses_and_the_same_key_resumes(game: App, code: int) -> None:
    game.run_ticks(3)
    tap(game, code)
    assert game.loop.paused and game.scene.mechanic(Pause).panel.visible
    tick = game.loop.tick
    assert game.run_ticks(30) == 0
    assert game.loop.tick == tick
    tap(game, code)
    assert not game.loop.paused and not game.scene.mechanic(Pause).panel.visible
    assert game.run_ticks(5) == 5


def test_arrow_keys_while_paused_drive_the_menu_not_the_player(game: App) -> None:
    tap(game, pygame.K_p)
    start = game.scene.player.position
    game.post(key(pygame.KEYDOWN, pygame.K_RIGHT))  # a menu key while paused
    game.run_ticks(20)
    assert game.scene.player.position == start


def test_esc_with_the_chat_box_open_closes_the_box_not_the_game(game: App) -> None:
    tap(game, pygame.K_RETURN)
    assert game.scene.chat.is_open
    game.post(pygame.event.Event(pygame.TEXTINPUT, text="never mind"))
    tap(game, pygame.K_ESCAPE)
    assert not game.scene.chat.is_open
    assert not game.loop.paused and not game.scene.mechanic(Pause).panel.visible
    assert game.scene.player_bubble.text == ""
    tap(game, pygame.K_ESCAPE)  # now it pauses
    assert game.loop.paused


def test_pause_buttons_by_keyboard(game: App) -> None:
    panel = game.scene.mechanic(Pause).panel
    tap(game, pygame.K_p)
    assert panel.menu.focused.label == "Resume"
    muted = game.blips.muted
    tap(game, pygame.K_DOWN)
    assert panel.menu.focused.label.startswith("Sound")
    tap(game, pygame.K_RETURN)
    assert game.blips.muted is not muted
    assert panel.menu.focused.label == f"Sound: {'off' if game.blips.muted else 'on'}"
    tap(game, pygame.K_DOWN)
    tap(game, pygame.K_RETURN)
    bubbles = [game.scene.player_bubble, *(n.bubble for n in game.scene.npcs)]
    assert {b.cps for b in bubbles} == {conversations.TEXT_SPEEDS[1][1]}
    assert panel.menu.focused.label == f"Text speed: {conversations.TEXT_SPEEDS[1][0]}"
    tap(game, pygame.K_UP)
    tap(game, pygame.K_UP)
    tap(game, pygame.K_RETURN)  # Resume
    assert not game.loop.paused and not panel.visible
    assert not game.scene.chat.is_open  # that Enter was the menu's, not the chat's
    tap(game, pygame.K_p)
    tap(game, pygame.K_UP)  # wraps round to Quit
    assert panel.menu.focused.label == "Quit"
    tap(game, pygame.K_RETURN)
    assert not game.running


def test_pause_buttons_by_mouse(game: App) -> None:
    panel = game.scene.mechanic(Pause).panel
    resume, sound, speed, quit_button = panel.menu.buttons
    tap(game, pygame.K_ESCAPE)
    mouse(game, pygame.MOUSEMOTION, speed.rect.center)
    game.run_ticks(1)
    assert speed.hovered and panel.menu.focused is speed
    muted = game.blips.muted
    click(game, sound.rect.center)
    assert game.blips.muted is not muted
    for expected in (1, 2, 0):
        click(game, speed.rect.center)
        assert game.scene.people.text_speed == expected
        assert game.scene.player_bubble.cps == conversations.TEXT_SPEEDS[expected][1]
    mouse(game, pygame.MOUSEBUTTONDOWN, resume.rect.center)  # pressed, dragged off, released
    mouse(game, pygame.MOUSEBUTTONUP, (5, 5))
    game.run_ticks(1)
    assert game.loop.paused
    click(game, resume.rect.center)
    assert not game.loop.paused and not panel.visible
    tap(game, pygame.K_p)
    click(game, quit_button.rect.center)
    assert not game.running


def test_f3_toggles_the_debug_overlay_and_its_subscription(game: App) -> None:
    subscriptions = game.bus.subscription_count
    tap(game, pygame.K_F3)
    assert game.scene.mechanic(Overlays).debug.visible and game.scene.mechanic(Overlays).boxes_shown
    assert game.bus.subscription_count == subscriptions + 1
    game.run_ticks(SECOND)
    assert game.scene.mechanic(Overlays).debug.per_second["FixedUpdate"] == SECOND
    assert game.scene.mechanic(Overlays).debug_stats().keys() >= {
        "fps", "ticks this frame", "alpha", "dropped time", "handler errors",
        "subscriptions", "timers", "colliders",
    }  # fmt: skip
    tap(game, pygame.K_F3)
    assert not game.scene.mechanic(Overlays).debug.visible
    assert game.bus.subscription_count == subscriptions


def test_f10_steps_once_while_paused_and_not_otherwise(game: App) -> None:
    tap(game, pygame.K_p)
    tick = game.loop.tick
    steps: list[int] = []
    game.bus.subscribe(FixedUpdate, lambda e: steps.append(e.tick))
    tap(game, pygame.K_F10)
    assert game.loop.tick == tick + 1 and steps == [tick]
    assert game.loop.paused
    tap(game, pygame.K_F10)
    assert game.loop.tick == tick + 2
    tap(game, pygame.K_p, ticks=0)
    tap(game, pygame.K_F10)  # running: F10 adds no step to the frame's one
    assert game.loop.tick == tick + 3


def test_f3_and_h_work_while_paused(game: App) -> None:
    tap(game, pygame.K_p)
    tap(game, pygame.K_F3)
    tap(game, pygame.K_h)
    overlays = game.scene.mechanic(Overlays)
    assert overlays.debug.visible and overlays.log_panel.visible
    tap(game, pygame.K_t)  # the chat key does not open the box under the panel
    assert not game.scene.chat.is_open


# -- window, screenshot ---------------------------------------------------------------------


def test_a_resized_window_letterboxes_and_maps_the_mouse_to_the_canvas(
    app: App, tmp_path: Path
) -> None:
    window = pygame.display.set_mode((1280, 900), pygame.RESIZABLE)
    assert window.get_size() == (1280, 900)
    app.post(pygame.event.Event(pygame.WINDOWSIZECHANGED, x=1280, y=900))
    app.run_ticks(1)
    view = app.viewport
    assert view.area.size == (1280, 720) and view.area.top == 90
    assert app.screen.get_size() == (960, 540)
    assert window.get_at((640, 40))[:3] == (0, 0, 0)  # a bar
    assert window.get_at((640, 450))[:3] != (0, 0, 0)  # the village
    tap(app, pygame.K_p)
    resume = app.scene.mechanic(Pause).panel.menu.buttons[0]
    cx, cy = resume.rect.center
    in_window = (round(view.area.left + cx * view.scale), round(view.area.top + cy * view.scale))
    click(app, in_window)
    assert not app.loop.paused
    out = tmp_path / "resized.png"
    app.save_screenshot(out)
    assert pygame.image.load(str(out)).get_size() == (960, 540)


def colours(image: pygame.Surface, box: pygame.Rect) -> set[tuple[int, int, int]]:
    return {
        tuple(image.get_at((x, y))[:3])  # type: ignore[misc]
        for x in range(box.left, box.right, 3)
        for y in range(box.top, box.bottom, 3)
    }


def test_screenshot_shows_the_village_and_an_npc_bubble(app: App, tmp_path: Path) -> None:
    app.run_ticks(1)
    say(app, "hello")
    app.run_ticks(SECOND)
    guide = npc(app, "guide")
    assert guide.bubble.state in ("typing", "reading")
    out = tmp_path / "shot.png"
    app.save_screenshot(out)
    image = pygame.image.load(str(out))
    assert image.get_size() == (960, 540)
    assert len(colours(image, image.get_rect())) > 20
    placed = guide.bubble.layout(
        (guide.position[0] + ChatNPC.SIZE / 2, guide.position[1] - 4), image.get_rect()
    )
    inside = pygame.Rect(placed.box).inflate(-8, -8)
    fill = guide.bubble.style.fill
    pixels = [image.get_at((x, y))[:3] for x in range(inside.left, inside.right, 2)
              for y in range(inside.top, inside.bottom, 2)]  # fmt: skip
    assert sum(p == fill for p in pixels) > len(pixels) // 2  # the bubble's paper
    assert len(set(pixels)) > 3  # and text on it


# -- autoplay ---------------------------------------------------------------------------------


def test_sixty_seconds_of_autoplay_play_the_whole_game() -> None:
    app = App(headless=True, seed=1, autoplay=True, render=False)
    try:
        app.run_for(60)
        summary = app.summary()
        lines = list(app.scene.log.lines)
    finally:
        app.close()
    assert summary.keys() >= SUMMARY_FIELDS
    assert summary["ticks"] == 60 * SECOND
    assert summary["game_time"] == pytest.approx(60.0)
    assert summary["handler_errors"] == 0
    assert summary["coins_collected"] > 0 and summary["score"] > 0
    assert summary["npc_replies"] > 0
    assert summary["collisions_started"] > 0
    assert summary["timers_fired"] > 0
    assert summary["events"]["ChatSubmitted"] > 0
    said = [text for who, text in lines if who == "You"]
    answers = [text for who, text in lines if who != "You"]
    assert any(has_cjk(t) for t in said) and any(not has_cjk(t) for t in said)
    assert any(has_cjk(t) for t in answers) and any(not has_cjk(t) for t in answers)


def test_autoplay_with_the_same_seed_gives_the_same_state_hash() -> None:
    hashes = []
    for _ in range(2):
        app = App(headless=True, seed=2, autoplay=True, render=False)
        app.run_for(20)
        hashes.append(app.state_hash())
        app.close()
    assert hashes[0] == hashes[1]
