"""The quest engine: data validated at load, each step completed by its own event and only by it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.cli import main
from game.demo.quests import QUEST_FILE
from game.engine.collisions import CollisionEnter, CollisionWorld
from game.engine.events import Event, EventBus
from game.npc.brain import NpcUnderstood
from game.quests import (
    Condition,
    ItemDelivered,
    QuestBook,
    QuestCompleted,
    QuestDataError,
    QuestLine,
    QuestLineCompleted,
    Signal,
    Step,
    StepCompleted,
    StepStatus,
    TimerFired,
    load_quest_line,
    parse_quest_line,
)
from tests.quest_events import canonical

HEAD = 'title = "T"\ntitle_zh = "T"\nexplain = "E"\nexplain_zh = "E"\n'
STEP = 'text = "S"\ntext_zh = "S"\n'


def status(condition: str, text: str = "T") -> str:
    """A ``[[quest.step.status]]`` table with ``condition`` and ``text`` in both languages."""
    return f'[[quest.step.status]]\n{condition}\ntext = "{text}"\ntext_zh = "{text}"\n'


def quest_file(*steps: str, quest_id: str = "q", extra: str = "") -> str:
    """A one-quest file whose steps are ``steps`` (each the step's condition lines)."""
    body = f'[[quest]]\nid = "{quest_id}"\n{HEAD}{extra}'
    for n, lines in enumerate(steps, 1):
        body += f'[[quest.step]]\nid = "s{n}"\n{STEP}{lines}\n'
    return body


# -- the file format ---------------------------------------------------------------------


def test_the_village_quest_line_loads_and_every_quest_has_both_languages() -> None:
    line = load_quest_line(QUEST_FILE)
    assert len(line.quests) >= 5
    for quest in line.quests:
        for texts in (quest.title, quest.explain, *(step.text for step in quest.steps)):
            assert set(texts) == {"en", "zh"} and all(texts.values())


@pytest.mark.parametrize(
    ("text", "quest", "step", "problem"),
    [
        (quest_file('collision = ["player"]'), "q", "s1", "two layer names"),
        (quest_file('timer = "a"\nsignal = "b"'), "q", "s1", "exactly one condition"),
        (quest_file('text_es = "x"\ntimer = "a"'), "q", "s1", "unknown key"),
        (quest_file('timer = "a"\ncount = 0'), "q", "s1", "'count'"),
        (quest_file('intent = { npc = "guide", names = [] }'), "q", "s1", "intent.names"),
        (quest_file('delivered = { item = "x" }'), "q", "s1", "'delivered.to'"),
        (quest_file('timer = "a"\nsource = "b"'), "q", "s1", "'source' belongs"),
        (quest_file('timer = "a"', 'timer = "b"').replace('"s2"', '"s1"'), "q", "s1", "twice"),
        (quest_file('timer = "a"', extra="points = -1\n"), "q", None, "'points'"),
        (quest_file('timer = "a"').replace('explain_zh = "E"\n', ""), "q", None, "explain_zh"),
        (quest_file().replace("", ""), "q", None, "no steps"),
        (quest_file('timer = "a"\nstatus = "x"'), "q", "s1", "'status' must be"),
        (quest_file('timer = "a"\n' + status('x = "t"')), "q", "s1", "unknown key"),
        (quest_file('timer = "a"\n' + status("")), "q", "s1", "exactly one of"),
        (quest_file('timer = "a"\n' + status('timer = ""')), "q", "s1", ".timer' must"),
        (
            quest_file('timer = "a"\n' + status('fired = "t"', text="{seconds}")),
            "q",
            "s1",
            "only {seconds}, in a 'timer' status",
        ),
        (
            quest_file('timer = "a"\n' + status('timer = "t"', text="{minutes}")),
            "q",
            "s1",
            "text has {minutes}",
        ),
    ],
)
def test_a_malformed_quest_names_file_quest_and_step(
    text: str, quest: str, step: str | None, problem: str
) -> None:
    with pytest.raises(QuestDataError) as caught:
        parse_quest_line(text, source="quests.toml")
    error = caught.value
    assert (error.source, error.quest, error.step) == ("quests.toml", quest, step)
    assert problem in error.problem
    assert str(error).startswith(f"quests.toml: quest '{quest}'")
    if step is not None:
        assert f"step '{step}'" in str(error)


def test_a_steps_status_lines_load_in_order_with_both_languages() -> None:
    text = quest_file(
        'timer = "a"\n'
        + status('timer = "door opens"', text="in {seconds} s")
        + status('fired = "door shuts"', text="shut")
    )
    step = parse_quest_line(text).quests[0].steps[0]
    assert step.status == (
        StepStatus("timer", "door opens", {"en": "in {seconds} s", "zh": "in {seconds} s"}),
        StepStatus("fired", "door shuts", {"en": "shut", "zh": "shut"}),
    )


@given(
    left=st.one_of(st.none(), st.floats(0, 1000, allow_nan=False)),
    fired=st.booleans(),
)
def test_the_tracker_text_is_the_first_status_that_applies_with_seconds_rounded_up(
    left: float | None, fired: bool
) -> None:
    texts = {"en": "S", "zh": "步"}
    step = Step(
        "s",
        texts,
        Condition("timer", ("x",)),
        status=(
            StepStatus("timer", "t", {"en": "in {seconds} s", "zh": "{seconds} 秒"}),
            StepStatus("fired", "t", {"en": "shut", "zh": "关"}),
        ),
    )
    names = ["t"] if fired else []
    for language in ("en", "zh"):
        shown = step.tracker_text(language, lambda name: left if name == "t" else None, names)
        if left is not None:  # brute force: the least whole number of seconds >= left
            seconds = next(n for n in range(1002) if n >= left - 1e-9)
            assert shown == step.status[0].text[language].replace("{seconds}", str(seconds))
        elif fired:
            assert shown == step.status[1].text[language]
        else:
            assert shown == texts[language]


def test_broken_toml_and_no_quests_are_errors_too() -> None:
    with pytest.raises(QuestDataError, match="TOML syntax error"):
        parse_quest_line("[[quest]\n", source="x.toml")
    with pytest.raises(QuestDataError, match="no quests"):
        parse_quest_line("", source="x.toml")


def test_a_malformed_quest_file_exits_2_naming_file_quest_and_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(quest_file('timer = "a"', 'collision = ["player", 3]', quest_id="door"))
    status = main(["--headless", "--seconds", "0", "--no-render", "--quests", str(bad)])
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"callback-quest: {bad}: quest 'door', step 's2': ")
    assert "two layer names" in err


def test_an_intent_the_npc_does_not_know_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(quest_file('intent = { npc = "baker", names = ["juggle"] }'))
    assert main(["--headless", "--seconds", "0", "--no-render", "--quests", str(bad)]) == 2
    assert "quest 'q', step 's1': 'baker' knows none of the intents" in capsys.readouterr().err


# -- the engine: a step completes from its event, and only from it -------------------------

WORLD = CollisionWorld(EventBus())
PLAYER = WORLD.add((0, 0, 1, 1), layer="player")
COIN = WORLD.add((0, 0, 1, 1), layer="coin")
PLATE = WORLD.add((0, 0, 1, 1), layer="plate")

#: Events of every kind a step may wait for, matching and not.
EVENTS: dict[str, Event] = {
    "coin": CollisionEnter(PLAYER, COIN),
    "coin, other order": CollisionEnter(COIN, PLAYER),
    "plate": CollisionEnter(PLATE, PLAYER),
    "timer a": TimerFired("a"),
    "timer b": TimerFired("b"),
    "signal a": Signal("a", "player"),
    "signal a from the sun": Signal("a", "sun"),
    "bread from bruno": NpcUnderstood("baker", "bread"),
    "hello to bruno": NpcUnderstood("baker", "greeting"),
    "bread to ada": ItemDelivered("bread", "guide"),
    "bread to bruno": ItemDelivered("bread", "baker"),
}
#: Each step's condition, and which of ``EVENTS`` satisfy it.
STEPS: dict[str, tuple[str, set[str]]] = {
    'collision = ["player", "coin"]': ("c", {"coin", "coin, other order"}),
    'timer = "a"': ("t", {"timer a"}),
    'signal = "a"\nsource = "player"': ("s", {"signal a"}),
    'signal = "a"': ("s", {"signal a", "signal a from the sun"}),
    'intent = { npc = "baker", names = ["bread", "buy"] }': ("i", {"bread from bruno"}),
    'delivered = { item = "bread", to = "guide" }': ("d", {"bread to ada"}),
}


def book_of(text: str, bus: EventBus) -> QuestBook:
    return QuestBook(bus, parse_quest_line(text), tick=lambda: 7)


@pytest.mark.parametrize("condition", list(STEPS))
def test_each_condition_is_met_by_its_events_and_by_no_other(condition: str) -> None:
    _, matching = STEPS[condition]
    for name, event in EVENTS.items():
        bus = EventBus(on_error="raise")
        book = book_of(quest_file(condition), bus)
        with bus.recording() as trace:
            bus.publish(event)
            bus.flush()
        assert book.finished == (name in matching), name
        done = [e for e in trace if isinstance(e, StepCompleted)]
        assert len(done) == (name in matching)


def test_completing_posts_step_quest_and_line_events_in_order_with_the_gift() -> None:
    bus = EventBus(on_error="raise")
    text = quest_file('timer = "a"\ngives = { item = "bread", to = "guide" }', 'timer = "a"')
    book = book_of(text, bus)
    with bus.recording() as trace:
        bus.publish(TimerFired("a"))
        assert book.step_index == 1  # posted, not yet delivered
        bus.flush()
        bus.publish(TimerFired("a"))
        bus.flush()
    kinds = [e for e in trace if not isinstance(e, TimerFired)]
    assert kinds == [
        StepCompleted("q", "s1", 7, ("bread", "guide")),
        StepCompleted("q", "s2", 7, None),
        QuestCompleted("q", 1, 7),
        QuestLineCompleted(7),
    ]
    assert book.finished and book.completed_at_tick == 7


def test_an_event_completes_one_step_never_the_next_one_waiting_for_the_same() -> None:
    bus = EventBus(on_error="raise")
    book = book_of(quest_file('timer = "a"', 'timer = "a"'), bus)
    bus.publish(TimerFired("a"))
    assert (book.step_index, book.progress) == (1, 0)
    bus.publish(TimerFired("a"))
    assert book.finished


def test_only_the_active_step_listens() -> None:
    bus = EventBus(on_error="raise")
    book = book_of(quest_file('timer = "a"', 'timer = "b"'), bus)
    bus.publish(TimerFired("b"))  # the second step's event, too early: counts for nothing
    bus.publish(TimerFired("a"))
    assert book.step_index == 1 and book.progress == 0
    book.close()
    bus.publish(TimerFired("b"))
    assert book.step_index == 1


# Steps that overlap: the same events satisfy several of them, in different counts.
OVERLAPPING = [
    quest_file('signal = "a"', 'signal = "a"\ncount = 2', 'timer = "a"', quest_id="one"),
    quest_file('signal = "a"\nsource = "player"', 'timer = "a"\ncount = 2', quest_id="two"),
]
STREAM = st.lists(
    st.sampled_from(["timer a", "timer b", "signal a", "signal a from the sun", "coin"]),
    max_size=40,
)


def expected(line: QuestLine, names: list[str]) -> tuple[int, int, int, list[tuple[str, str]]]:
    """The oracle: walk the steps in order by hand, no bus."""
    steps: list[tuple[str, Step]] = [(q.id, s) for q in line.quests for s in q.steps]
    index = progress = 0
    done: list[tuple[str, str]] = []
    for name in names:
        if index == len(steps):
            break
        quest_id, step = steps[index]
        if step.condition.matches(EVENTS[name]):
            progress += 1
            if progress == step.count:
                done.append((quest_id, step.id))
                index, progress = index + 1, 0
    # (quest index, step index) of the step at ``index``
    quest_index = step_index = 0
    for quest in line.quests:
        if index >= len(quest.steps):
            index -= len(quest.steps)
            quest_index += 1
        else:
            step_index = index
            break
    return quest_index, step_index, progress, done


@given(names=STREAM, flush_each=st.booleans())
def test_steps_complete_in_order_for_any_order_of_events(
    names: list[str], flush_each: bool
) -> None:
    text = "".join(OVERLAPPING)
    line = parse_quest_line(text)
    bus = EventBus(on_error="raise")
    book = QuestBook(bus, line, tick=lambda: 0)
    with bus.recording() as trace:
        for name in names:
            bus.publish(EVENTS[name])
            if flush_each:
                bus.flush()
        bus.flush()
    quest_index, step_index, progress, done = expected(line, names)
    assert (book.quest_index, book.step_index, book.progress) == (quest_index, step_index, progress)
    assert [(e.quest, e.step) for e in trace if isinstance(e, StepCompleted)] == done
    finished = [e for e in trace if isinstance(e, QuestLineCompleted)]
    assert len(finished) == book.finished == (quest_index == len(line.quests))


def test_every_village_step_completes_from_its_event_and_from_no_other_steps() -> None:
    line = load_quest_line(QUEST_FILE)
    world = CollisionWorld(EventBus())
    steps = [step for quest in line.quests for step in quest.steps]
    events = [canonical(step, world) for step in steps]
    bus = EventBus(on_error="raise")
    book = QuestBook(bus, line, tick=lambda: 0)
    for n, step in enumerate(steps):
        assert book.step is step
        for other in events:
            if not step.condition.matches(other):
                bus.publish(other)
        bus.flush()
        assert (book.step, book.progress) == (step, 0), step.id
        for _ in range(step.count):
            bus.publish(events[n])
        bus.flush()
        assert book.step is not step
    assert book.finished
