"""Issue 8: hostile content stays harmless in every output, output never damages the catalogue,
and the process ends cleanly (one line per error, --debug for a traceback, 130 on Ctrl-C)."""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import HOSTILE_TEXT, default_signals
from jwtool.render.output import OutputError, write_atomic

# --- outputs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    ["render", "appendix"], ["render", "overview"], ["export"], ["map", "--export", "json"],
])
def test_an_existing_output_is_refused_before_the_catalogue_is_read(run_cli, mini_catalogue: Path, tmp_path: Path, command: list[str]) -> None:
    # a 10,000-entry catalogue takes seconds to read; the refusal must not wait for it (the
    # broken file would make reading the catalogue warn)
    (mini_catalogue / "interventions" / "kapot.yaml").write_text("id: [\n", encoding="utf-8")
    out = tmp_path / "bestaat.out"
    out.write_text("houden\n", encoding="utf-8")
    r = run_cli(*command, "-o", out, "--catalogue", mini_catalogue)
    assert r.exit_code == 2
    assert r.stderr.strip() == f"jwtool: fout: {out} already exists; use --force to overwrite it"
    assert out.read_text(encoding="utf-8") == "houden\n"


def test_hostile_text_is_a_literal_value_in_csv_exports(run_cli, hostile_catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert run_cli("export", "--format", "csv", "--catalogue", hostile_catalogue, "-o", out).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    cells = [v for row in rows for v in row.values() if v]
    assert all(not c.startswith(("=", "+", "-", "@")) for c in cells)
    assert any(c.startswith("'=HYPERLINK") or "=HYPERLINK" in c for c in cells)


def test_hostile_text_is_escaped_in_list_and_show_markdown(run_cli, hostile_catalogue: Path) -> None:
    md = run_cli("show", "hostile", "--format", "md", "--catalogue", hostile_catalogue).stdout
    assert "<script>" not in md
    assert not re.search(r"(?<!\\)\]\(javascript:", md)  # only the escaped form \](... remains


def test_hostile_text_stays_text_in_json(run_cli, hostile_catalogue: Path) -> None:
    import json

    doc = json.loads(run_cli("show", "hostile", "--format", "json", "--catalogue", hostile_catalogue).stdout)
    assert doc["name"] == HOSTILE_TEXT


# --- writing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["interventions/x.md", "schemas/x.md", "schemas/vocabularies/x.md", "templates/x.md", "catalogue.yaml"])
def test_output_never_goes_into_the_catalogue(run_cli, catalogue_copy: Path, where: str) -> None:
    target = catalogue_copy / where
    before = target.read_bytes() if target.exists() else None
    for args in (["export", "--format", "json"], ["render", "appendix", "--format", "md"]):
        result = run_cli(*args, "--catalogue", catalogue_copy, "-o", target, "--force")
        assert result.exit_code == 2, (args, result.output)
        assert "refusing to write" in result.stderr
    assert (target.read_bytes() if target.exists() else None) == before


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "overzicht.md"
    target.write_text("oud\n", encoding="utf-8")

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "nieuw\n" * 1000, force=True)
    assert target.read_text(encoding="utf-8") == "oud\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["overzicht.md"]


def test_a_stream_that_fails_half_way_leaves_the_old_file_and_is_closed(tmp_path: Path) -> None:
    target = tmp_path / "overzicht.html"
    target.write_text("oud\n", encoding="utf-8")
    closed = []

    def page():  # type: ignore[no-untyped-def]
        try:
            yield "<html>"
            yield "nieuw " * 1000
            raise RuntimeError("template broke")
        finally:
            closed.append(True)

    with pytest.raises(RuntimeError):
        write_atomic(target, page(), force=True)
    assert target.read_text(encoding="utf-8") == "oud\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["overzicht.html"]
    assert closed == [True]
    write_atomic(target, iter(["<html>", "nieuw", "</html>\n"]), force=True)
    assert target.read_text(encoding="utf-8") == "<html>nieuw</html>\n"


def test_existing_output_is_replaced_only_with_force(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    write_atomic(target, "een")
    with pytest.raises(OutputError, match="--force"):
        write_atomic(target, "twee")
    write_atomic(target, "twee", force=True)
    assert target.read_text(encoding="utf-8") == "twee"


# --- the process --------------------------------------------------------------------------------


def test_an_internal_error_is_one_line_without_debug_and_a_traceback_with_it(run_cli, mini_catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jwtool.cli.common

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("kapot")

    monkeypatch.setattr(jwtool.cli.common, "load_catalogue", boom)
    result = run_cli("list", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == ["jwtool: interne fout: RuntimeError: kapot (voer opnieuw uit met --debug voor een traceback, en meld het alstublieft)"]
    from jwtool.cli import main

    with pytest.raises(RuntimeError, match="kapot"):
        main(["--debug", "list", "--catalogue", str(mini_catalogue)])


def test_ctrl_c_inside_a_command_exits_130(run_cli, mini_catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jwtool.cli.common

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(jwtool.cli.common, "load_catalogue", interrupted)
    result = run_cli("list", "--catalogue", mini_catalogue)
    assert result.exit_code == 130
    assert "Traceback" not in result.output and "jwtool: onderbroken" in result.stderr


@pytest.mark.slow
def test_sigint_during_a_render_exits_130_and_leaves_nothing_behind(tmp_path: Path) -> None:
    # The render writes into a pipe nobody reads: once the first bytes arrive the process is
    # mid-render and soon blocked on the full pipe, so the signal lands there on every run.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from generate import generate

    cat = generate(400, tmp_path / "cat")
    env = {**os.environ, "JWTOOL_CACHE_DIR": str(tmp_path / "cache")}
    with subprocess.Popen([sys.executable, "-m", "jwtool", "render", "overview", "--format", "html", "--catalogue", str(cat)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=default_signals) as proc:
        assert proc.stdout is not None
        first = proc.stdout.read(1)
        proc.send_signal(signal.SIGINT)
        rest, stderr = proc.communicate(timeout=120)
    assert first == b"<" and len(rest) < 5_000_000
    assert proc.returncode == 130, stderr
    assert stderr.decode().strip().splitlines()[-1] == "jwtool: onderbroken"
    assert b"Traceback" not in stderr
    assert [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")] == []


def test_an_interrupted_write_leaves_neither_the_file_nor_a_temporary_file(tmp_path: Path) -> None:
    def chunks() -> Iterator[str]:
        yield "<html>"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "index.html", chunks())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_reader_that_goes_away_ends_the_process_quietly(repo_root: Path) -> None:
    with subprocess.Popen([sys.executable, "-m", "jwtool", "export", "--format", "json", "--catalogue", str(repo_root)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.read(10)
        proc.stdout.close()  # like `| head -c 10`
        assert proc.wait(timeout=60) in (0, -signal.SIGPIPE)
        assert proc.stderr.read() == b""
