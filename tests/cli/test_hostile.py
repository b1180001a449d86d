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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import HOSTILE_TEXT, default_signals
from jwtool.catalogue.files import OutputError, write_atomic

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
    assert r.stderr.strip() == f"jwtool: fout: {out} bestaat al; overschrijf het met --force"
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
def test_output_never_goes_into_the_catalogue(run_cli, catalogue_copy: Path, where: str, english) -> None:
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
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
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


# --- the second attack (issue 27): a catalogue from a stranger ----------------------------------

SECRET = "GEHEIM-TOKEN-4711"


@pytest.fixture
def v1_catalogue(tmp_path: Path, repo_root: Path) -> Path:
    """A catalogue of schema version 1 (tests/fixtures/v1/mini), waiting for `jwtool upgrade`."""
    import shutil

    cat = tmp_path / "old"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "v1" / "mini", cat)
    shutil.copytree(repo_root / "schemas", cat / "schemas")
    return cat


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.mark.parametrize("held", ["id: iets-anders\nnote: PRECIOUS\n", "note: PRECIOUS\n", "- PRECIOUS\n"], ids=["other-id", "no-id", "no-mapping"])
def test_upgrade_never_replaces_a_source_file_it_did_not_create(run_cli, v1_catalogue: Path, held: str) -> None:
    # alpha's inline source "Evaluatie Alfa" would become sources/evaluatie-alfa.yaml
    (v1_catalogue / "sources").mkdir()
    precious = v1_catalogue / "sources" / "evaluatie-alfa.yaml"
    precious.write_text(held, encoding="utf-8")
    result = run_cli("upgrade", "--catalogue", v1_catalogue)
    assert result.exit_code == 0, result.output
    assert precious.read_text(encoding="utf-8") == held
    assert "sources/evaluatie-alfa.yaml" not in result.stderr
    assert "sources/evaluatie-alfa-2.yaml" in result.stderr
    assert "evaluatie-alfa-2" in (v1_catalogue / "interventions" / "alpha.yaml").read_text(encoding="utf-8")


def test_upgrade_stops_before_writing_when_the_report_file_holds_something_else(run_cli, v1_catalogue: Path, english) -> None:
    (v1_catalogue / "sources").mkdir()
    (v1_catalogue / "sources" / "kwetsbare-jongeren-2023.yaml").write_text("note: PRECIOUS\n", encoding="utf-8")
    before = snapshot(v1_catalogue)
    result = run_cli("upgrade", "--catalogue", v1_catalogue)
    assert result.exit_code == 1
    assert "sources/kwetsbare-jongeren-2023.yaml already exists" in result.stderr and "nothing has been written" in result.stderr
    assert snapshot(v1_catalogue) == before


@pytest.mark.parametrize(("content", "rule"), [
    ("id: alpha\nnest: " + "[" * 300 + "]" * 300 + "\n", "nesting"),
    ("id: alpha\nnote: |\n" + "  a\n" * 1_400_000, "file-size"),
    ("id: alpha\na: &a [x, x]\nb: *a\n", "yaml-alias"),
], ids=["300-levels-deep", "4-mb", "alias"])
def test_upgrade_reads_every_file_through_the_safe_reader(run_cli, v1_catalogue: Path, content: str, rule: str) -> None:
    (v1_catalogue / "interventions" / "alpha.yaml").write_text(content, encoding="utf-8")
    before = snapshot(v1_catalogue)
    result = run_cli("upgrade", "--catalogue", v1_catalogue)
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "interventions/alpha.yaml:" in result.stderr and f"[{rule}]" in result.stderr
    assert result.stderr.count("fout") == 1, result.stderr  # "jwtool: fout: FILE:LINE:COL: what [rule]; ...", one "fout"
    assert snapshot(v1_catalogue) == before


def test_upgrade_leaves_a_looping_or_outside_source_link_alone(run_cli, v1_catalogue: Path, tmp_path: Path) -> None:
    sources = v1_catalogue / "sources"
    sources.mkdir()
    (sources / "loop.yaml").symlink_to("loop.yaml")
    (tmp_path / "elders.yaml").write_text(f"id: elders\ntitle: {SECRET}\nURL: https://example.org/alfa-evaluatie.pdf\n", encoding="utf-8")
    (sources / "elders.yaml").symlink_to(tmp_path / "elders.yaml")
    result = run_cli("upgrade", "--catalogue", v1_catalogue)
    assert result.exit_code == 0, result.output
    alpha = (v1_catalogue / "interventions" / "alpha.yaml").read_text(encoding="utf-8")
    assert "source: elders" not in alpha  # the record outside the catalogue was never read, so not reused
    assert (sources / "loop.yaml").is_symlink() and (sources / "elders.yaml").is_symlink()


def test_a_source_link_out_of_the_catalogue_is_refused_and_never_read(run_cli, mini_catalogue: Path, tmp_path: Path, english) -> None:
    from jwtool.catalogue.load import load_catalogue

    (tmp_path / "elders.yaml").write_text(f"id: elders\ntype: report\nkind: evaluatie\ntitle: {SECRET}\n", encoding="utf-8")
    (mini_catalogue / "sources" / "elders.yaml").symlink_to(tmp_path / "elders.yaml")
    (mini_catalogue / "sources" / "passwd.yaml").symlink_to("/etc/passwd")
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    for name, target in (("elders", tmp_path / "elders.yaml"), ("passwd", Path("/etc/passwd"))):
        assert (f"sources/{name}.yaml:1:1: error: symbolic link points outside the catalogue ({target}); "
                "replace it with the file itself [symlink]") in result.stdout
    assert "root:" not in result.output and SECRET not in result.output
    assert "elders" not in load_catalogue(mini_catalogue, use_cache=False).library.sources
    exported = run_cli("export", "--format", "json", "--catalogue", mini_catalogue)
    assert SECRET not in exported.stdout and "root:" not in exported.stdout


@pytest.mark.parametrize("command", [["list"], ["export", "--format", "csl-json"], ["cite", "alpha"]])
def test_a_source_link_out_of_the_catalogue_is_named_by_every_reading_command(run_cli, mini_catalogue: Path, tmp_path: Path,
                                                                             command: list[str], english) -> None:
    """As for an entry: a source left out (a link out of the catalogue, a loop) is never silently missing."""
    (tmp_path / "elders.yaml").write_text(f"id: elders\ntype: report\nkind: evaluatie\ntitle: {SECRET}\n", encoding="utf-8")
    (mini_catalogue / "sources" / "elders.yaml").symlink_to(tmp_path / "elders.yaml")
    (mini_catalogue / "sources" / "loop.yaml").symlink_to("loop.yaml")
    result = run_cli(*command, "--catalogue", mini_catalogue)
    assert SECRET not in result.output
    assert "warning: 2 files have problems and may be incomplete (sources/elders.yaml, sources/loop.yaml)" in result.stderr


def test_a_schema_or_vocabulary_link_out_of_the_catalogue_is_refused(run_cli, mini_catalogue: Path, tmp_path: Path, english) -> None:
    (tmp_path / "levels.yaml").write_text(f"vocabulary: evidence-levels\nterms: [{{id: {SECRET.lower()}}}]\n", encoding="utf-8")
    vocab = mini_catalogue / "schemas" / "vocabularies" / "evidence-levels.yaml"
    vocab.unlink()
    vocab.symlink_to(tmp_path / "levels.yaml")
    schema = mini_catalogue / "schemas" / "source.schema.json"
    (tmp_path / "s.json").write_text(schema.read_text(encoding="utf-8"), encoding="utf-8")
    schema.unlink()
    schema.symlink_to(tmp_path / "s.json")
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert "schemas/vocabularies/evidence-levels.yaml:1:1: error: symbolic link points outside the catalogue" in result.stdout
    assert "schemas/source.schema.json:1:1: error: symbolic link points outside the catalogue" in result.stdout
    assert SECRET.lower() not in result.output


def _secret_file(tmp_path: Path) -> Path:
    secret = tmp_path / "environ"
    secret.write_text(f"GITHUB_TOKEN={SECRET}\n", encoding="utf-8")
    return secret


def test_a_template_link_out_of_the_catalogue_is_refused_naming_the_file(run_cli, catalogue_copy: Path, tmp_path: Path, english) -> None:
    partials = catalogue_copy / "templates" / "partials"
    (partials / "env.md.j2").symlink_to(_secret_file(tmp_path))
    entry = partials / "entry.md.j2"
    entry.write_text('{% include "partials/env.md.j2" %}\n' + entry.read_text(encoding="utf-8"), encoding="utf-8")
    validated = run_cli("validate", "--catalogue", catalogue_copy)
    assert "templates/partials/env.md.j2:1:1: error: symbolic link points outside its templates folder" in validated.stdout
    result = run_cli("--no-cache", "render", "overview", "--format", "md", "--catalogue", catalogue_copy)
    assert result.exit_code == 1 and "internal error" not in result.output
    assert SECRET not in result.output
    assert f"{partials / 'env.md.j2'}: symbolic link points outside its templates folder {catalogue_copy / 'templates'} ({tmp_path / 'environ'})" in result.stderr


def test_a_template_link_to_the_catalogues_git_config_is_named_by_validate_and_refused_by_render(run_cli, catalogue_copy: Path, english) -> None:
    """A template (raw text, unlike an entry) may be a link only inside its templates folder: a
    clone's .git/config is inside the catalogue and holds CI's token (actions/checkout)."""
    (catalogue_copy / ".git").mkdir()
    (catalogue_copy / ".git" / "config").write_text(f'[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic {SECRET}\n', encoding="utf-8")
    partials = catalogue_copy / "templates" / "partials"
    (partials / "env.md.j2").symlink_to("../../.git/config")
    entry = partials / "entry.md.j2"
    entry.write_text('{% include "partials/env.md.j2" %}\n' + entry.read_text(encoding="utf-8"), encoding="utf-8")
    says = f"symbolic link points outside its templates folder {catalogue_copy / 'templates'} ({catalogue_copy / '.git' / 'config'})"
    validated = run_cli("validate", "--catalogue", catalogue_copy)
    assert validated.exit_code == 1 and f"templates/partials/env.md.j2:1:1: error: {says}" in validated.stdout
    result = run_cli("--no-cache", "render", "overview", "--format", "md", "--catalogue", catalogue_copy)
    assert result.exit_code == 1 and SECRET not in result.output and f"{partials / 'env.md.j2'}: {says}" in result.stderr


def test_a_template_link_out_of_the_templates_option_folder_is_refused(run_cli, mini_catalogue: Path, tmp_path: Path, english) -> None:
    house = tmp_path / "house"
    house.mkdir()
    (house / "env.md.j2").symlink_to(_secret_file(tmp_path))
    (house / "appendix.md.j2").write_text('# Bijlage\n{% include "env.md.j2" %}\n', encoding="utf-8")
    result = run_cli("render", "appendix", "--format", "md", "--templates", house, "--catalogue", mini_catalogue)
    assert result.exit_code == 1 and SECRET not in result.output and "internal error" not in result.output
    assert f"{house / 'env.md.j2'}: symbolic link points outside its templates folder" in result.stderr


@pytest.mark.parametrize("asset", ["overview.css", "overview.js"])
def test_an_inlined_asset_linked_out_of_the_catalogue_is_refused(run_cli, catalogue_copy: Path, tmp_path: Path, asset: str, english) -> None:
    target = catalogue_copy / "templates" / asset
    target.unlink()
    target.symlink_to(_secret_file(tmp_path))
    result = run_cli("--no-cache", "render", "overview", "--format", "html", "--catalogue", catalogue_copy)
    assert result.exit_code == 1 and SECRET not in result.output
    assert f"{target}: symbolic link points outside its templates folder" in result.stderr


def test_a_templates_folder_that_is_a_link_out_of_the_catalogue_is_refused(run_cli, mini_catalogue: Path, tmp_path: Path, english) -> None:
    import shutil

    elsewhere = tmp_path / "elders"
    shutil.copytree(Path(__file__).resolve().parents[2] / "templates", elsewhere)
    (mini_catalogue / "templates").symlink_to(elsewhere)
    result = run_cli("render", "overview", "--format", "md", "--catalogue", mini_catalogue)
    assert result.exit_code == 1 and "templates: symbolic link points outside the catalogue" in result.stderr


def test_a_hostile_git_config_runs_nothing(run_cli, mini_catalogue: Path, tmp_path: Path) -> None:
    """core.fsmonitor, filter.X.clean/smudge/process (also one marked required), diff.X.textconv
    and diff.external from the repository's own .git/config and attributes never run."""
    import shutil

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    marker = tmp_path / "ran"
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(mini_catalogue), "-c", "user.name=A", "-c", "user.email=a@b", *args], check=True, capture_output=True, env=env)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "start")
    run = f"sh -c 'echo $0 >> {marker}; cat'"
    with open(mini_catalogue / ".git" / "config", "a", encoding="utf-8") as fh:
        fh.write(f'[core]\n\tfsmonitor = "{run} fsmonitor"\n'
                 f'[filter "evil"]\n\tclean = "{run} clean"\n\tsmudge = "{run} smudge"\n\tprocess = "{run} process"\n\trequired = true\n'
                 f'[diff "evil"]\n\ttextconv = "{run} textconv"\n\tcommand = "{run} command"\n'
                 f'[diff]\n\texternal = "{run} external"\n')
    (mini_catalogue / ".git" / "info" / "attributes").write_text("* filter=evil diff=evil\n", encoding="utf-8")
    alpha = mini_catalogue / "interventions" / "alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    result = run_cli("validate", "--changed-since", "HEAD", "--catalogue", mini_catalogue)
    assert result.exit_code == 0, result.output
    assert not marker.exists(), marker.read_text(encoding="utf-8")
    assert run_cli("diff", "HEAD", "--catalogue", mini_catalogue).exit_code in (0, 1)
    assert run_cli("history", "alpha", "--catalogue", mini_catalogue).exit_code == 0
    assert not marker.exists(), marker.read_text(encoding="utf-8")
    # the same repository without jwtool's guard runs them: the test can fail
    subprocess.run(["git", "-C", str(mini_catalogue), "diff", "HEAD"], capture_output=True, env=env)
    assert marker.exists()


@pytest.mark.parametrize("kind", ["site", "file"])
def test_what_a_killed_render_left_behind_is_removed_by_the_next_and_only_then(tmp_path: Path, kind: str) -> None:
    from jwtool.catalogue.files import sweep_stale

    target = tmp_path / ("site" if kind == "site" else "overzicht.html")
    writer = ("write_folder_atomic(target, [('index.html', pages())])" if kind == "site" else "write_atomic(target, pages())")
    script = ("import sys, time\nfrom pathlib import Path\nfrom jwtool.catalogue.files import write_atomic, write_folder_atomic\n"
              f"target = Path({str(target)!r})\n"
              "def pages():\n    yield 'x' * 1_000_000\n    print('ready', flush=True)\n    time.sleep(600)\n    yield ''\n"
              f"{writer}\n")
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        (left,) = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert sweep_stale(tmp_path, target.name) == []  # its run is still at work
        proc.kill()
    assert (tmp_path / left).exists()
    assert sweep_stale(tmp_path, target.name) == [left]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_next_site_render_removes_a_killed_renders_temporary_folder(run_cli, mini_catalogue: Path, tmp_path: Path) -> None:
    stale = tmp_path / ".site.k1ll3d00.tmp"
    stale.mkdir()
    (stale / "index.html").write_text("half\n", encoding="utf-8")
    assert run_cli("render", "overview", "--format", "html", "-o", tmp_path / "site", "--catalogue", mini_catalogue).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_site_pages_collected_before_rendering_link_from_where_each_page_is(mini_catalogue: Path) -> None:
    """Pages render lazily: each must carry its own way to the site's top, not share one."""
    from jwtool.catalogue.load import load_catalogue
    from jwtool.render.site import site_files

    pages = site_files(load_catalogue(mini_catalogue, use_cache=False))
    texts = {path: "".join(make()) for path, make in pages}
    assert 'href="interventies/alpha/index.html"' in texts["index.html"]
    assert "../" not in texts["index.html"]
    assert 'href="../../index.html"' in texts["interventies/alpha/index.html"]
    assert 'href="../index.html"' in texts["kaart/index.html"] and "../../" not in texts["kaart/index.html"]


def test_the_library_leaves_the_garbage_collector_as_it_found_it(mini_catalogue: Path) -> None:
    """A notebook or server that uses jwtool as a library: a reference cycle made before a load
    is still collected after it, and the collector is on and nothing frozen."""
    import gc
    import weakref

    from jwtool.catalogue.load import load_catalogue
    from jwtool.validate.rules import validate

    gc.unfreeze()
    gc.enable()

    class Node:
        pass

    cycle = Node()
    cycle.me = cycle  # type: ignore[attr-defined]
    alive = weakref.ref(cycle)
    del cycle
    load_catalogue(mini_catalogue, use_cache=False)
    load_catalogue(mini_catalogue)
    load_catalogue(mini_catalogue)  # from the cache
    validate(mini_catalogue)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.collect()
    assert alive() is None


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                     st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=8))
_KEYS = st.one_of(st.text(alphabet="abcxyz-_", min_size=1, max_size=6), st.integers(min_value=-5, max_value=3000),
                  st.sampled_from([2019, 1.5, True, None, "2019", "true", "1.5"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)), max_leaves=12)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(_KEYS, _VALUES, max_size=5))
def test_the_cache_gives_exactly_what_a_fresh_parse_gives(empty_catalogue: Path, tmp_path: Path, body: dict[object, object]) -> None:
    """Any YAML mapping, also with keys such as 2019:, 1.5: or true:, comes back from the cache
    with the same keys, types and order as from its file."""
    import yaml

    from jwtool.catalogue.load import load_catalogue

    before = os.environ["JWTOOL_CACHE_DIR"]  # the session's (conftest); restored, not removed
    os.environ["JWTOOL_CACHE_DIR"] = str(tmp_path / "cache")
    try:
        (empty_catalogue / "interventions" / "x.yaml").write_text(yaml.safe_dump({"id": "x", **body}, allow_unicode=True, sort_keys=False), encoding="utf-8")
        fresh = [repr(e.data) for e in load_catalogue(empty_catalogue, use_cache=False).entries]
        for _ in range(2):  # the second load is served from the cache
            assert [repr(e.data) for e in load_catalogue(empty_catalogue).entries] == fresh
    finally:
        os.environ["JWTOOL_CACHE_DIR"] = before


def test_a_number_key_comes_back_from_the_cache_as_a_number(empty_catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jwtool.catalogue.load import load_catalogue

    monkeypatch.setenv("JWTOOL_CACHE_DIR", str(tmp_path / "cache"))
    (empty_catalogue / "interventions" / "x.yaml").write_text("id: x\ncounts:\n  2019: 12\n  2020: 14\n", encoding="utf-8")
    for _ in range(3):
        assert load_catalogue(empty_catalogue).entries[0].data["counts"] == {2019: 12, 2020: 14}


@pytest.mark.parametrize("change", ["depth", "yaml-version", "loader"])
def test_the_cache_key_names_everything_that_shapes_a_parse(change: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    import jwtool.catalogue.yamlfile as yamlfile
    from jwtool.catalogue.limits import Limits

    before = yamlfile.reader_key(Limits())
    if change == "depth":
        assert yamlfile.reader_key(Limits(max_depth=10)) != before
        return
    if change == "yaml-version":
        monkeypatch.setattr(yaml, "__version__", "0.0")
    else:
        monkeypatch.setattr(yamlfile, "_BaseLoader", yaml.SafeLoader if yamlfile._BaseLoader is not yaml.SafeLoader else yaml.Loader)
    assert yamlfile.reader_key(Limits()) != before


def _house(tmp_path: Path, body: str) -> Path:
    house = tmp_path / "house"
    house.mkdir()
    (house / "appendix.md.j2").write_text("# Bijlage\n" + body + "\n", encoding="utf-8")
    return house


@pytest.mark.slow
def test_a_template_that_runs_without_end_is_stopped_at_its_time_bound(run_cli, mini_catalogue: Path, tmp_path: Path, english) -> None:
    import time

    house = _house(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    started = time.monotonic()
    result = run_cli("render", "appendix", "--format", "md", "--templates", house, "--catalogue", mini_catalogue,
                     env={"JWTOOL_TEMPLATE_SECONDS": "2"})
    assert time.monotonic() - started < 30
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "template appendix.md.j2: stopped: it took longer than 2 seconds" in result.stderr and "JWTOOL_TEMPLATE_SECONDS" in result.stderr


@pytest.mark.parametrize(("body", "says"), [
    ('{{ ("a" * 400000000)|length }}', "repeating a value of length 1 400,000,000 times needs more than the memory bound of 64 MiB"),
    ("{{ 10 ** 100000000 }}", "10 ** 100000000 is a number of more than 1,000,000 bits"),
    ('{% set ns = namespace(x="a") %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}{{ ns.x|length }}',
     "stopped: it needed more than 64 MiB of memory"),
], ids=["repeat", "power", "doubling"])
def test_a_template_that_takes_too_much_memory_is_stopped_at_its_memory_bound(run_cli, mini_catalogue: Path, tmp_path: Path, body: str, says: str, english) -> None:
    result = run_cli("render", "appendix", "--format", "md", "--templates", _house(tmp_path, body), "--catalogue", mini_catalogue,
                     env={"JWTOOL_TEMPLATE_MEMORY": "64"})
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "template appendix.md.j2" in result.stderr and says in result.stderr


@pytest.mark.slow
def test_a_template_under_a_process_memory_limit_is_a_clear_error_not_a_memory_error(mini_catalogue: Path, tmp_path: Path, english) -> None:
    import resource

    house = _house(tmp_path, '{{ "a"|center(3000000000)|length }}')

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))  # `ulimit -v`

    proc = subprocess.run([sys.executable, "-m", "jwtool", "render", "appendix", "--format", "md", "--templates", str(house),
                           "--catalogue", str(mini_catalogue)], capture_output=True, text=True, preexec_fn=limited, timeout=120,
                          env={**os.environ, "JWTOOL_TEMPLATE_MEMORY": "8192"})  # the system's limit is the lower one
    assert proc.returncode == 1, proc.stderr
    assert "MemoryError" not in proc.stderr and "internal error" not in proc.stderr
    assert "template appendix.md.j2: stopped: it needed more memory than the system allows" in proc.stderr


@pytest.mark.parametrize("body", ['{{ "a"|center(300000000)|length }}', '{{ "a".ljust(300000000)|length }}',
                                  '{{ "%300000000s"|format("a")|length }}', '{{ "x"|indent(300000000, true)|length }}'],
                         ids=["center", "ljust", "format", "indent"])
@pytest.mark.slow
def test_one_step_of_a_template_cannot_take_more_than_its_memory_bound(mini_catalogue: Path, tmp_path: Path, body: str) -> None:
    """One call that makes a huge text in C is over before the watchdog looks: the console
    script's process bounds its address space while a template runs, so it never gets the memory."""
    proc = subprocess.run([sys.executable, "-m", "jwtool", "--lang", "en", "render", "appendix", "--format", "md",
                           "--templates", str(_house(tmp_path, body)), "--catalogue", str(mini_catalogue)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "JWTOOL_TEMPLATE_MEMORY": "64"})
    assert proc.returncode == 1, proc.stdout[-300:]
    assert "internal error" not in proc.stderr
    assert "template appendix.md.j2: stopped: it needed more than 64 MiB of memory" in proc.stderr


def test_the_library_renders_without_touching_the_process_limits(mini_catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import resource

    from jwtool.catalogue.load import load_catalogue
    from jwtool.render.appendix import render_appendix

    def refuse(*args: object) -> None:
        raise AssertionError(f"the library set a process limit: {args}")

    monkeypatch.setattr(resource, "setrlimit", refuse)
    cat = load_catalogue(mini_catalogue, use_cache=False)
    assert render_appendix(cat, cat.entries, "md")


@pytest.mark.slow
def test_a_memory_bound_larger_than_any_process_limit_sets_none(mini_catalogue: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "jwtool", "--lang", "en", "render", "appendix", "--format", "md", "--catalogue", str(mini_catalogue)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "JWTOOL_TEMPLATE_MEMORY": "1e14"})
    assert proc.returncode == 0, proc.stderr  # was: OverflowError from setrlimit, blamed on the template


def test_a_template_bound_that_is_no_number_is_an_error_naming_it(run_cli, mini_catalogue: Path, english) -> None:
    result = run_cli("render", "appendix", "--format", "md", "--catalogue", mini_catalogue, env={"JWTOOL_TEMPLATE_SECONDS": "lang"})
    assert result.exit_code != 0 and "$JWTOOL_TEMPLATE_SECONDS=lang is not a positive number" in result.stderr


@pytest.mark.parametrize("command", [["list"], ["search", "alfa"], ["show", "alpha", "--format", "md"], ["show", "alpha"],
                                     ["render", "overview", "--format", "html"], ["render", "appendix", "--format", "md"],
                                     ["export", "--format", "csv"]], ids=" ".join)
def test_invisible_and_direction_characters_are_shown_escaped_in_every_output(run_cli, mini_catalogue: Path, command: list[str]) -> None:
    alpha = mini_catalogue / "interventions" / "alpha.yaml"
    text = alpha.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name:"))
    alpha.write_text(text.replace(name, name + " \u202eleeb\u202c \u2066x\u2069 zero\u200bwidth \ufeffbom"), encoding="utf-8")
    result = run_cli(*command, "--catalogue", mini_catalogue)
    assert result.exit_code == 0, result.output
    assert not any(c in result.stdout.removeprefix("\ufeff") for c in "\u202e\u202c\u2066\u2069\u200b\ufeff")  # (CSV starts with a BOM for Excel)
    assert "\\u202e" in result.stdout


def test_an_unknown_finding_outcome_is_an_error_not_a_column_of_the_gap_map(run_cli, gapmap_catalogue: Path, english) -> None:
    from conftest import put_studies, study

    odd = study("vreemd", ["controlegroep"], "werk", "werkk")
    odd["findings"][0]["outcome"] = ["werk"]  # type: ignore[index]
    put_studies(gapmap_catalogue, {"alpha": [odd]})
    validated = run_cli("validate", "--catalogue", gapmap_catalogue)
    assert validated.exit_code == 1
    assert "'werkk' is not a known outcome" in validated.stdout and "expected a text, got a list ['werk']" in validated.stdout
    for fmt in ("csv", "md", "json"):
        shown = run_cli("gaps", "--format", fmt, "--catalogue", gapmap_catalogue)
        assert shown.exit_code == 0, shown.output
        assert "['werk']" not in shown.stdout and "[&#39;werk&#39;]" not in shown.stdout and "werkk" not in shown.stdout


@pytest.mark.slow
def test_an_id_too_long_for_a_file_name_is_an_error_and_the_site_still_renders(run_cli, mini_catalogue: Path, tmp_path: Path, english) -> None:
    long_id = "a" * 300
    beta = mini_catalogue / "interventions" / "beta.yaml"
    (mini_catalogue / "interventions" / "gamma.yaml").write_text(
        (mini_catalogue / "interventions" / "gamma.yaml").read_text(encoding="utf-8").replace("id: gamma", f"id: {long_id}"), encoding="utf-8")
    validated = run_cli("validate", "--catalogue", mini_catalogue)
    assert validated.exit_code == 1 and "interventions/gamma.yaml:1:5: error: id:" in validated.stdout and "too long" in validated.stdout
    site = run_cli("render", "overview", "--format", "html", "-o", tmp_path / "site", "--catalogue", mini_catalogue)
    assert site.exit_code == 0, site.output
    pages = [p for p in (tmp_path / "site" / "interventies").iterdir()]
    assert len(pages) == 5 and all(len(p.name) <= 100 for p in pages)
    assert beta.exists()
