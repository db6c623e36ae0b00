"""The benchmark harness and runner: discovery, skipped comparisons, tables, JSON.

No timing is asserted here: samplers are fakes that return fixed numbers.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import benchmarks
from benchmarks import run as runner
from benchmarks.harness import (
    MissingLibrary,
    Result,
    format_table,
    interleaved,
    paired_ratio,
    per_call,
    skipped,
    summarize,
)


def test_per_call_calls_the_function_number_times_with_its_arguments() -> None:
    seen: list[tuple[object, ...]] = []
    per_call(lambda: seen.append(()), 3)
    per_call(lambda a: seen.append((a,)), 2, "x")
    per_call(lambda a, b: seen.append((a, b)), 1, 1, 2)
    assert seen == [(), (), (), ("x",), ("x",), (1, 2)]


def test_interleaved_rotates_the_order_so_no_variant_always_runs_first() -> None:
    order: list[str] = []
    variants = {name: (lambda n=name: order.append(n) or 1.0) for name in "abc"}
    interleaved(variants, 3)
    assert order == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]


def test_a_variant_whose_library_is_missing_is_dropped_and_reported_skipped() -> None:
    def theirs() -> float:
        raise MissingLibrary("pyglet not installed")

    samples = interleaved({"floor": lambda: 1.0, "ours": lambda: 2.0, "theirs": theirs}, 4)
    assert samples["theirs"] == []
    summary = summarize("case", samples, unit="s", scale=1, baseline="floor")
    results = {r.variant: r for r in summary}
    assert results["ours"].ratio == 2.0
    assert results["theirs"].skipped
    assert results["theirs"].as_dict()["median"] is None


def test_paired_ratio_is_the_ratio_of_medians_with_the_range_of_per_repeat_ratios() -> None:
    samples = {"theirs": [10.0, 12.0, 30.0], "ours": [2.0, 2.0, 3.0]}
    result = paired_ratio("case", samples, "theirs", "ours", at_least=4)
    assert result.median == 6.0
    assert result.spread == (5.0, 10.0)
    assert (result.target, result.met) == ("≥ 4×", True)
    assert paired_ratio("case", samples, "theirs", "ours", at_least=8).met is False


def test_the_table_shows_ratio_target_met_and_why_a_row_was_skipped() -> None:
    rows = [
        Result("dispatch", "floor", "ns/event", 100.0, (90.0, 120.0), 5),
        Result(
            "dispatch", "ours", "ns/event", 210.0, (200.0, 250.0), 5,
            baseline="floor", ratio=2.1, target="≤ 150 ns", met=False,
        ),
        skipped("dispatch", "pyglet", "pyglet not installed"),
    ]  # fmt: skip
    table = format_table(rows).splitlines()
    assert table[0].split()[-3:] == ["ratio", "target", "met?"]
    assert "210 ns/event" in table[3] and "2.10× floor" in table[3] and table[3].endswith("NO")
    assert "skipped" in table[4] and "pyglet not installed" in table[4]


@pytest.fixture
def fake_benchmarks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder of bench_*.py modules that the runner sees instead of the real ones."""
    monkeypatch.setattr(benchmarks, "__path__", [*benchmarks.__path__, str(tmp_path)])
    monkeypatch.setattr(runner, "HERE", tmp_path)
    monkeypatch.setattr(runner, "OPTIONAL_LIBRARIES", ("cq_absent_library",))
    yield tmp_path
    for name in [n for n in sys.modules if n.startswith("benchmarks.bench_fake")]:
        del sys.modules[name]


def write(folder: Path, name: str, source: str) -> None:
    (folder / f"{name}.py").write_text(textwrap.dedent(source))


def test_a_module_importing_a_missing_library_still_runs_its_own_cases(
    fake_benchmarks: Path,
) -> None:
    write(
        fake_benchmarks,
        "bench_fake_optional",
        """
        import cq_absent_library
        from cq_absent_library.sub import Thing
        from benchmarks.harness import interleaved, summarize

        def run(quick=False):
            variants = {"ours": lambda: 1.0, "theirs": lambda: Thing().go()}
            samples = interleaved(variants, 3)
            return summarize("fake", samples, unit="s", scale=1, baseline="ours")
        """,
    )
    results, error = runner.run_module("fake_optional", quick=True)
    assert error is None
    by_variant = {r.variant: r for r in results}
    assert by_variant["ours"].median == 1.0
    assert by_variant["theirs"].skipped
    assert "cq_absent_library" not in sys.modules  # the stand-in is gone afterwards


def test_the_runner_writes_machine_info_and_results_and_reports_a_broken_module(
    fake_benchmarks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        fake_benchmarks,
        "bench_fake_ok",
        """
        from benchmarks.harness import Result

        def run(quick=False):
            return [Result("fake", "ours", "ms", 2.0, (1.0, 3.0), 3, target="≤ 4 ms", met=True)]
        """,
    )
    write(fake_benchmarks, "bench_fake_broken", "import cq_not_optional_either\n")
    out = tmp_path / "out" / "results.json"
    status = runner.main(["--quick", "--out", str(out)])
    assert status == 1  # a module failed to import for a reason that is not optional
    report = json.loads(out.read_text())
    assert report["machine"]["cpu_count"] >= 1
    assert report["machine"]["command"] == f"python -m benchmarks --quick --out {out}"
    assert {"python", "platform", "date", "versions"} <= set(report["machine"])
    assert report["modules"]["fake_broken"]["error"]
    assert report["results"] == [
        Result("fake", "ours", "ms", 2.0, (1.0, 3.0), 3, target="≤ 4 ms", met=True).as_dict()
    ]
    assert "fake" in capsys.readouterr().out


def test_only_names_an_unknown_benchmark(
    fake_benchmarks: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(fake_benchmarks, "bench_fake_ok", "def run(quick=False):\n    return []\n")
    with pytest.raises(SystemExit) as exit_info:
        runner.main(["--only", "nope"])
    assert exit_info.value.code == 2
    assert "no benchmark named 'nope' (have: fake_ok)" in capsys.readouterr().err
