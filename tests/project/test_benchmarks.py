"""The benchmark tools run (issue 9): not timed here, only that they work on a tiny catalogue."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.slow
def test_generated_catalogues_are_valid(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    from generate import generate

    cat = generate(40, tmp_path / "cat")
    assert len(list((cat / "interventions").glob("*.yaml"))) == 40
    result = run_cli("validate", "--catalogue", cat)
    assert result.exit_code == 0, result.output
    # what is measured is a reviewed catalogue: no level its studies do not carry (at 40 entries some
    # sources are simply not drawn, hence unused)
    problems = json.loads(run_cli("validate", "--format", "json", "--catalogue", cat).stdout)
    assert {p["rule"] for p in problems} <= {"unused-source"}, problems


@pytest.mark.slow
def test_the_benchmark_script_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--sizes", "12", "24", "--runs", "1", "--no-check-jsonschema",
                           "--work", str(tmp_path / "work"), "--out", str(out)], capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    table = out.read_text(encoding="utf-8")
    for row in ("minimal typer app: no-op command", "floor: CSafeLoader loads every file", "jwtool search --target vso (repeated, cached)",
                "first render: fills the cache", "after editing one entry", "repeated: entries from the cache", "## Targets (issues 16 and 28)",
                "## Start-up, with bytecode cache", "## Start-up, without bytecode cache", "jwtool render --help", "× minimal typer app",
                "with bytecode cache: `jwtool --help` ≤ 1.0× minimal typer app", "without bytecode cache: every command's start ≤ 1.3×",
                "repeated `render overview --format html -o page.html` at 12: ≤ 2.5 s", "linear growth of `render`",
                "floor: the site's folders and files made and removed by the file system", "(file system floor "):
        assert row in table, row
    for row in ("jwtool export --format json -o FILE", "jwtool export --format csv -o FILE", "jwtool upgrade", "the site at 24: ≤ 10 s",
                "peak memory of every jwtool command at 24: < 250 MiB", "linear growth of `site`"):  # issue 28 item 6
        assert row in table, row
    for section in table.split("\n## ")[1:]:  # every command once per table
        rows = [line.split(" | ")[0] for line in section.splitlines() if line.startswith("| ") and not line.startswith("| command")]
        assert len(rows) == len(set(rows)), section
