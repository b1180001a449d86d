"""The cache of parsed entries: the same answers as without it, never stale, and a damaged or
busy cache only costs time."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import jwtool
from conftest import at_once, default_signals
from jwtool.catalogue import cache
from jwtool.catalogue.limits import Limits
from jwtool.catalogue.load import load_catalogue


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("JWTOOL_CACHE_DIR", str(folder))
    monkeypatch.delenv("JWTOOL_NO_CACHE", raising=False)
    monkeypatch.delenv("JWTOOL_MAX_FILE_SIZE", raising=False)
    return folder


@pytest.fixture
def parsed_files(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """Start counting: the returned list fills with the catalogue files parsed from then on."""

    def start() -> list[str]:
        import jwtool.catalogue.load
        import jwtool.catalogue.yamlfile

        parsed: list[str] = []
        real = jwtool.catalogue.yamlfile.read_yaml

        def counting(file: Path, rel: str, *args: object, **kw: object):  # type: ignore[no-untyped-def]
            if rel.startswith("interventions/"):
                parsed.append(rel)
            return real(file, rel, *args, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(jwtool.catalogue.yamlfile, "read_yaml", counting)
        monkeypatch.setattr(jwtool.catalogue.load, "read_yaml", counting)  # where the loader calls it
        return parsed

    return start


def ids(root: Path, **kw: object) -> list[str]:
    return [e.id for e in load_catalogue(root, **kw).entries]  # type: ignore[arg-type]


def stored_files(root: Path) -> list[str]:
    with sqlite3.connect(cache.cache_path(root)) as db:
        return [f for (f,) in db.execute("SELECT file FROM entries ORDER BY file")]


def later(path: Path, seconds: int = 10) -> None:
    """Give a file a clearly different mtime (file systems stamp in coarse ticks)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def cli_column(run_cli: Callable[..., Any], root: Path, column: int, *args: str) -> list[str]:
    """One column of piped `list`/`search` text, below its header line."""
    return [line.split("\t")[column] for line in run_cli(*args, "--catalogue", root).stdout.splitlines()[1:]]


# --- the library: load_catalogue ----------------------------------------------------------------


def test_cached_and_uncached_loads_agree(mini_catalogue: Path) -> None:
    plain = load_catalogue(mini_catalogue, use_cache=False)
    first = load_catalogue(mini_catalogue)  # fills the cache
    second = load_catalogue(mini_catalogue)  # served from it
    assert [e.data for e in first.entries] == [e.data for e in second.entries] == [e.data for e in plain.entries]
    summaries = load_catalogue(mini_catalogue, summary=True)
    assert [e.data for e in summaries.entries] == [e.data for e in load_catalogue(mini_catalogue, summary=True, use_cache=False).entries]


def test_summaries_hold_what_filters_need_and_not_the_long_texts(mini_catalogue: Path) -> None:
    load_catalogue(mini_catalogue)
    alpha = next(e for e in load_catalogue(mini_catalogue, summary=True).entries if e.id == "alpha")
    assert alpha.education_levels == ["vso", "pro"] and alpha.element_ids == ["individuele-begeleiding", "werkervaring", "nazorg"]
    assert alpha.age == (15, 18) and alpha.evidence_level == "goed-beschreven"
    assert "activities" not in alpha.data and "results" not in alpha.data


def test_a_second_load_parses_nothing_and_after_an_edit_only_that_file(mini_catalogue: Path, parsed_files: Callable[[], list[str]]) -> None:
    load_catalogue(mini_catalogue)
    parsed = parsed_files()
    load_catalogue(mini_catalogue, summary=True)
    load_catalogue(mini_catalogue)
    assert parsed == []
    path = mini_catalogue / "interventions" / "gamma.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Gamma Route", "name: Gamma Route Nieuw"), encoding="utf-8")
    summaries = load_catalogue(mini_catalogue, summary=True)
    assert parsed == ["interventions/gamma.yaml"]
    assert {e.id: e.name for e in summaries.entries}["gamma"] == "Gamma Route Nieuw"
    assert {e.id: e.name for e in load_catalogue(mini_catalogue).entries}["gamma"] == "Gamma Route Nieuw"
    assert parsed == ["interventions/gamma.yaml"]  # the full load found it stored too


def test_added_and_removed_files_are_noticed(mini_catalogue: Path) -> None:
    assert "zeta" not in ids(mini_catalogue, summary=True)
    src = (mini_catalogue / "interventions" / "epsilon.yaml").read_text(encoding="utf-8")
    (mini_catalogue / "interventions" / "zeta.yaml").write_text(src.replace("epsilon", "zeta").replace("Epsilon", "Zeta"), encoding="utf-8")
    (mini_catalogue / "interventions" / "delta.yaml").unlink()
    now = ids(mini_catalogue, summary=True)
    assert "zeta" in now and "delta" not in now
    assert "interventions/delta.yaml" not in stored_files(mini_catalogue)


def test_broken_files_are_not_cached(mini_catalogue: Path) -> None:
    (mini_catalogue / "interventions" / "kapot.yaml").write_text("id: kapot\nname: [\n", encoding="utf-8")
    assert load_catalogue(mini_catalogue).broken == ["interventions/kapot.yaml"]
    assert "interventions/kapot.yaml" not in stored_files(mini_catalogue) and len(stored_files(mini_catalogue)) == 5
    assert load_catalogue(mini_catalogue).broken == ["interventions/kapot.yaml"]


def test_another_key_starts_afresh(mini_catalogue: Path, parsed_files: Callable[[], list[str]]) -> None:
    # the key names jwtool's code and the load limits: another code digest is another key
    assert cache.cache_key("max_file_size=1") != cache.cache_key("max_file_size=2")
    load_catalogue(mini_catalogue)
    parsed = parsed_files()
    assert load_catalogue(mini_catalogue, Limits(max_file_size=400)).broken  # every file is over 400 bytes
    assert len(parsed) == 5 and stored_files(mini_catalogue) == []
    parsed.clear()
    assert not load_catalogue(mini_catalogue).broken
    assert len(parsed) == 5


def test_no_cache_leaves_no_files(mini_catalogue: Path, private_cache: Path) -> None:
    load_catalogue(mini_catalogue, use_cache=False)
    load_catalogue(mini_catalogue, use_cache=False, summary=True)
    assert not private_cache.exists()


def test_the_cache_never_writes_into_the_catalogue(mini_catalogue: Path) -> None:
    before = sorted(p.relative_to(mini_catalogue) for p in mini_catalogue.rglob("*"))
    load_catalogue(mini_catalogue)
    load_catalogue(mini_catalogue, summary=True)
    assert sorted(p.relative_to(mini_catalogue) for p in mini_catalogue.rglob("*")) == before


@pytest.mark.parametrize("damage", [b"{not json", b"", b"SQLite format 3\0" + b"\xff" * 4000])
def test_a_corrupt_cache_is_recreated(mini_catalogue: Path, private_cache: Path, damage: bytes) -> None:
    load_catalogue(mini_catalogue, summary=True)
    for f in private_cache.iterdir():
        f.write_bytes(damage)
    assert len(ids(mini_catalogue, summary=True)) == 5
    assert len(stored_files(mini_catalogue)) == 5  # a sound database again


def test_damaged_text_in_a_sound_database_is_read_from_the_files(mini_catalogue: Path) -> None:
    expected = [e.data for e in load_catalogue(mini_catalogue).entries]
    with sqlite3.connect(cache.cache_path(mini_catalogue)) as db:
        db.execute("UPDATE entries SET data = '{\"id\": ' WHERE file = 'interventions/beta.yaml'")
    assert [e.data for e in load_catalogue(mini_catalogue).entries] == expected
    assert [e.data for e in load_catalogue(mini_catalogue).entries] == expected  # and stored again


def test_an_unusable_cache_folder_only_costs_time(mini_catalogue: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("JWTOOL_CACHE_DIR", str(blocker / "cache"))
    assert len(ids(mini_catalogue)) == 5


def test_a_locked_cache_only_costs_time(mini_catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_catalogue(mini_catalogue)
    path = mini_catalogue / "interventions" / "gamma.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Gamma Route", "name: Gamma Route Nieuw"), encoding="utf-8")
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **kw: real(*a, **{**kw, "timeout": 0}))
    with sqlite3.connect(cache.cache_path(mini_catalogue)) as other:
        other.execute("BEGIN EXCLUSIVE")  # another process holds the database
        names = {e.id: e.name for e in load_catalogue(mini_catalogue).entries}
        other.rollback()
    assert names["gamma"] == "Gamma Route Nieuw"
    assert len(stored_files(mini_catalogue)) == 5  # busy is not damaged: nothing was deleted


@pytest.mark.slow
def test_many_loads_at_once_leave_a_complete_cache(mini_catalogue: Path) -> None:
    def work() -> None:
        assert len(load_catalogue(mini_catalogue, summary=True).entries) == 5

    assert at_once(work) == []
    assert stored_files(mini_catalogue) == [f"interventions/{n}.yaml" for n in ("alpha", "beta", "delta", "epsilon", "gamma")]


@pytest.mark.slow
def test_several_processes_at_once_agree(mini_catalogue: Path, private_cache: Path) -> None:
    env = {**os.environ, "JWTOOL_CACHE_DIR": str(private_cache)}
    command = [sys.executable, "-m", "jwtool", "list", "--format", "json", "--catalogue", str(mini_catalogue)]
    with contextlib.ExitStack() as running:  # every process waited for and its pipes closed, whatever fails
        procs = [running.enter_context(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)) for _ in range(4)]
        results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in results]
    outputs = {out for out, _ in results}
    assert len(outputs) == 1 and len(json.loads(outputs.pop())) == 5
    assert len(stored_files(mini_catalogue)) == 5


# Runs jwtool's entry point, stopping it inside the cache's write transaction (at the first
# summary it makes of a freshly parsed entry): it says "writing" and waits for a line on stdin.
HOLD_WHILE_WRITING = """
import sys
import jwtool.catalogue.cache

real = jwtool.catalogue.cache.summary_view

def held(data):
    sys.stderr.write("writing\\n")
    sys.stderr.flush()
    sys.stdin.readline()
    return real(data)

jwtool.catalogue.cache.summary_view = held
from jwtool.cli import main
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_while_the_cache_is_written_leaves_a_sound_cache(mini_catalogue: Path, private_cache: Path, signum: int) -> None:
    env = {**os.environ, "JWTOOL_CACHE_DIR": str(private_cache)}
    argv = [sys.executable, "-c", HOLD_WHILE_WRITING, "export", "--catalogue", str(mini_catalogue)]
    with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=default_signals) as proc:
        assert proc.stderr is not None
        assert proc.stderr.readline() == b"writing\n"
        proc.send_signal(signum)
        _, stderr = proc.communicate()
    assert proc.returncode == 128 + signum, stderr
    assert stderr.decode() == f"jwtool: beëindigd door {signal.Signals(signum).name}\n"
    assert stored_files(mini_catalogue) == []  # the transaction was rolled back whole
    assert len(ids(mini_catalogue)) == 5 and len(stored_files(mini_catalogue)) == 5


# --- the command line: never stale, the same bytes with and without the cache --------------------

COMMANDS = [
    ["list"],
    ["search", "--target", "vso"],
    ["search", "--target", "mbo-2", "--phase", "nazorg"],
    ["search", "--target", "pro", "--target", "migratieachtergrond", "--min-evidence", "goed-beschreven"],
    ["search", "--age", "16", "--kind", "interventie", "--region", "landelijk"],
    ["search", "--provider", "gemeente", "--goal", "werk", "--element", "nazorg"],
    ["search", "orientatie", "--target", "vso"],
    ["search", "--target", "vso", "--phase", "nazorg", "--age", "99"],  # nothing matches
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
@pytest.mark.slow
def test_cold_warm_and_no_cache_print_the_same(args: list[str], fmt: str, run_cli, repo_root: Path) -> None:  # type: ignore[no-untyped-def]
    command = [*args, "--format", fmt, "--catalogue", repo_root]  # read only; the cache is private_cache, empty at the start
    cold = run_cli(*command)  # fills the cache
    warm = run_cli(*command)
    uncached = run_cli("--no-cache", *command)
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr) == (uncached.exit_code, uncached.stdout, uncached.stderr)


def test_an_edit_that_keeps_the_size_is_noticed(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    assert "gamma" not in cli_column(run_cli, mini_catalogue, 0, "search", "--target", "vso")
    path = mini_catalogue / "interventions" / "gamma.yaml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("education_levels: [entree]", "education_levels: [vso]   ")
    assert len(edited) == len(text) != len(edited.replace("[vso]   ", "[vso]"))
    path.write_text(edited, encoding="utf-8")
    later(path)
    assert "gamma" in cli_column(run_cli, mini_catalogue, 0, "search", "--target", "vso")


def test_a_file_rewritten_in_place_with_its_mtime_restored_is_read_again(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    assert "Gamma Route" in cli_column(run_cli, mini_catalogue, 1, "list")
    path = mini_catalogue / "interventions" / "gamma.yaml"
    st = path.stat()
    with path.open("r+", encoding="utf-8") as fh:  # same size, same inode
        text = fh.read()
        fh.seek(0)
        fh.write(text.replace("name: Gamma Route", "name: Gamma Rauta"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # as `cp -p` or an editor might
    assert (path.stat().st_size, path.stat().st_mtime_ns, path.stat().st_ino) == (st.st_size, st.st_mtime_ns, st.st_ino)
    assert "Gamma Rauta" in cli_column(run_cli, mini_catalogue, 1, "list")


def test_a_changed_vocabulary_is_noticed(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("search", "--target", "speciaalschool", "--catalogue", mini_catalogue).exit_code == 2
    path = mini_catalogue / "schemas" / "vocabularies" / "education-levels.yaml"
    text = path.read_text(encoding="utf-8")
    assert "synonyms: [voortgezet-speciaal-onderwijs, " in text
    path.write_text(text.replace("synonyms: [voortgezet-speciaal-onderwijs, ", "synonyms: [speciaalschool, voortgezet-speciaal-onderwijs, "), encoding="utf-8")
    assert cli_column(run_cli, mini_catalogue, 0, "search", "--target", "speciaalschool") == ["alpha", "delta"]


def test_another_size_limit_is_noticed(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    run_cli("list", "--catalogue", mini_catalogue)
    result = run_cli("list", "--catalogue", mini_catalogue, env={"JWTOOL_MAX_FILE_SIZE": "400"})
    assert result.stdout == "" and "6 bestanden hebben problemen" in result.stderr  # the five entries and the report's source


def test_broken_files_are_never_hidden_behind_the_cache(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    (mini_catalogue / "interventions" / "kapot.yaml").write_text("id: kapot\nname: [\n", encoding="utf-8")
    for _ in range(2):
        result = run_cli("search", "--target", "vso", "--catalogue", mini_catalogue)
        assert "1 bestand heeft problemen en is misschien onvolledig (interventions/kapot.yaml)" in result.stderr


def test_a_file_that_cannot_be_read_at_all_is_named_too(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    (mini_catalogue / "interventions" / "lus.yaml").symlink_to("lus.yaml")  # a link to itself: never readable
    result = run_cli("list", "--catalogue", mini_catalogue)
    assert result.exit_code == 0 and "1 bestand heeft problemen en is misschien onvolledig (interventions/lus.yaml)" in result.stderr


def test_validate_reads_parsed_entries_from_the_cache_and_never_writes_it(run_cli, mini_catalogue: Path, private_cache: Path,  # type: ignore[no-untyped-def]
                                                                        parsed_files: Callable[[], list[str]]) -> None:
    (mini_catalogue / "interventions" / "kapot.yaml").write_text("id: kapot\nname: [\n", encoding="utf-8")
    path = mini_catalogue / "interventions" / "gamma.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Gamma Route", "name: Gamma Route  # TODO"), encoding="utf-8")
    alpha = mini_catalogue / "interventions" / "alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("education_levels: [vso, pro]", "education_levels: [vso, pro, hbo-master]"), encoding="utf-8")

    def outputs() -> list[tuple[int, str, str]]:
        return [(r.exit_code, r.stdout, r.stderr) for r in (run_cli("validate", *fmt, "--catalogue", mini_catalogue) for fmt in ([], ["--format", "json"]))]

    uncached = outputs()
    assert not private_cache.exists()  # no database is made for validate
    assert "hbo-master" in uncached[0][1] and uncached[0][0] == 1
    run_cli("list", "--catalogue", mini_catalogue)  # stores the clean parses
    stored = stored_files(mini_catalogue)
    parsed = parsed_files()
    assert outputs() == uncached  # the unknown term is found, at its line, in a stored entry too
    assert sorted(set(parsed)) == ["interventions/kapot.yaml"] and "interventions/alpha.yaml" in stored
    assert stored_files(mini_catalogue) == stored
    later(alpha)
    parsed.clear()
    assert outputs() == uncached
    assert sorted(set(parsed)) == ["interventions/alpha.yaml", "interventions/kapot.yaml"]


@pytest.mark.parametrize("how", [["--no-cache"], []], ids=["--no-cache", "JWTOOL_NO_CACHE=1"])
def test_no_cache_neither_reads_nor_writes_the_cache(how: list[str], run_cli, mini_catalogue: Path, private_cache: Path, parsed_files: Callable[[], list[str]]) -> None:  # type: ignore[no-untyped-def]
    env = {} if how else {"JWTOOL_NO_CACHE": "1"}
    assert run_cli(*how, "list", "--catalogue", mini_catalogue, env=env).exit_code == 0
    assert not private_cache.exists()
    run_cli("list", "--catalogue", mini_catalogue)  # now there is a cache
    parsed = parsed_files()
    assert run_cli(*how, "list", "--catalogue", mini_catalogue, env=env).exit_code == 0
    assert len(parsed) == 5


def test_show_and_compare_read_only_the_files_they_name(run_cli, mini_catalogue: Path, parsed_files: Callable[[], list[str]]) -> None:  # type: ignore[no-untyped-def]
    # at 10,000 entries loading every entry for one card took seconds; the summaries find the ref
    before = run_cli("show", "gamma", "--format", "json", "--catalogue", mini_catalogue).stdout  # also fills the cache
    parsed = parsed_files()
    shown = run_cli("show", "gamma", "--format", "json", "--catalogue", mini_catalogue)
    assert shown.exit_code == 0 and shown.stdout == before
    assert json.loads(shown.stdout)["id"] == "gamma"
    assert parsed == ["interventions/gamma.yaml"]
    parsed.clear()
    assert run_cli("compare", "alpha", "beta", "--catalogue", mini_catalogue).exit_code == 0
    assert parsed == ["interventions/alpha.yaml", "interventions/beta.yaml"]


# --- a change to jwtool itself, a template or a label shows at once --------------------------------


@pytest.mark.slow
def test_a_changed_template_label_or_python_function_shows_in_the_next_command(catalogue_copy: Path, tmp_path: Path) -> None:
    """jwtool run from a copy of its package, as an editable install would be; every command
    uses the cache, and each change shows in the very next command."""
    site = tmp_path / "site"
    shutil.copytree(Path(jwtool.__file__).parent, site / "jwtool", ignore=shutil.ignore_patterns("__pycache__", "_catalogue"))
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1", "JWTOOL_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("JWTOOL_NO_CACHE", None)

    def jwtool_says(*args: str) -> str:
        command = [sys.executable, "-m", "jwtool", *args, "--catalogue", str(catalogue_copy)]
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True, encoding="utf-8") as p:
            out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        return out

    def edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    overview = ("render", "overview", "--format", "md")
    assert "Boris brengt je bij ‘n baan\t" in jwtool_says("list")
    before = jwtool_says(*overview)
    assert "HUISSTIJL" not in before and "Nazorg na school" not in before

    edit(catalogue_copy / "templates" / "overview.md.j2", "{{ title }}", "{{ title }} HUISSTIJL")
    assert "HUISSTIJL" in jwtool_says(*overview)

    edit(catalogue_copy / "schemas" / "vocabularies" / "phases.yaml", "label: Na de overgang (nazorg)", "label: Nazorg na school")
    assert "Nazorg na school" in jwtool_says(*overview)
    jwtool_says("list")  # whatever list keeps is up to date with the catalogue now

    edit(site / "jwtool" / "render" / "rows.py", '"\\t".join(c.replace', '" | ".join(c.replace')  # the row format of list
    assert "boris-brengt-je-bij-een-baan | Boris brengt je bij ‘n baan | " in jwtool_says("list")

    edit(site / "jwtool" / "catalogue" / "model.py", "        out[key] = value\n", "        out[key] = value.upper() if key == 'name' and isinstance(value, str) else value\n")
    assert "BORIS BRENGT JE BIJ ‘N BAAN" in jwtool_says("list")  # parsed entries kept from before: made again
