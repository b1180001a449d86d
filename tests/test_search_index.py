"""The search index behind `jwtool list` and `jwtool search` without TEXT: it answers exactly as
loading the catalogue does, is never stale, and a damaged index is ignored and rebuilt."""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import at_once
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jwtool import search_index
from jwtool.catalogue import load_catalogue
from jwtool.limits import Limits
from jwtool.model import Entry
from jwtool.query import (
    Filters,
    RawFilters,
    filter_entries,
    provider_text,
    region_text,
    resolve_filters,
)
from jwtool.views import ROW_FORMATS, render_rows, summary

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).resolve().parent / "data" / "mini"
CONTEXT = search_index.context_of(Limits())


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("JWTOOL_CACHE_DIR", str(folder))
    monkeypatch.delenv("JWTOOL_NO_CACHE", raising=False)
    monkeypatch.delenv("JWTOOL_MAX_FILE_SIZE", raising=False)
    return folder


def in_memory(entries: list[Entry], vocab: Any) -> search_index.SearchIndex:
    """The index as it would be written, read back from its bytes."""
    return search_index.parse(search_index.build(entries, vocab, CONTEXT, "digest"), CONTEXT, "digest")


def index_file(root: Path) -> Path:
    return search_index.index_path(root)


def fast_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make loading the catalogue fail, so only an answer from the index can succeed."""
    import jwtool.catalogue

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the catalogue was loaded although the index is fresh")

    monkeypatch.setattr(jwtool.catalogue, "load_catalogue", refuse)


def later(path: Path, seconds: int = 10) -> None:
    """Give a file a clearly different mtime (file systems stamp in coarse ticks)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


# --- the index answers exactly as query.matches -------------------------------------------------


def _loaded(root: Path) -> tuple[list[Entry], Any, search_index.SearchIndex]:
    cat = load_catalogue(root, use_cache=False, summary=True)
    return cat.entries, cat.vocab, in_memory(cat.entries, cat.vocab)


BUNDLED = _loaded(REPO)
SMALL = _loaded(MINI)


def _values(vocab: Any, name: str) -> list[str]:
    terms = list(vocab[name])
    return [t.id for t in terms] + [t.label for t in terms] + [s for t in terms for s in t.synonyms]


@st.composite
def raw_filters(draw: st.DrawFn, entries: list[Entry], vocab: Any) -> RawFilters:
    """Any combination of filters, with values the vocabularies know (ids, labels, synonyms)."""
    texts = [provider_text(e) for e in entries] + [region_text(e) for e in entries]
    substrings = st.sampled_from(texts).flatmap(lambda t: st.integers(0, max(len(t) - 1, 0)).map(lambda i: t[i:i + 5])) if texts else st.just("x")
    some = lambda values: st.lists(st.sampled_from(values), max_size=3) if values else st.just([])
    chosen = draw(st.sets(st.sampled_from(["target", "phase", "element", "goal", "min_evidence", "age", "provider", "kind", "region"]), max_size=4))
    raw = RawFilters()
    if "target" in chosen:
        raw.target = draw(some(_values(vocab, "education-levels") + _values(vocab, "target-characteristics")))
    if "phase" in chosen:
        raw.phase = draw(some(_values(vocab, "phases")))
    if "element" in chosen:
        raw.element = draw(some(_values(vocab, "working-elements")))
    if "goal" in chosen:
        raw.goal = draw(some(_values(vocab, "goal-tags")))
    if "min_evidence" in chosen:
        raw.min_evidence = draw(st.sampled_from([t.id for t in vocab["evidence-levels"]]))
    if "age" in chosen:
        raw.age = draw(st.lists(st.integers(0, 40), max_size=2))
    if "provider" in chosen:
        raw.provider = draw(st.lists(st.one_of(substrings, st.text(max_size=3)), max_size=2))
    if "kind" in chosen:
        raw.kind = draw(some(["interventie", "praktijkvoorbeeld", "praktijk", "bijlage"]))
    if "region" in chosen:
        raw.region = draw(st.lists(st.one_of(substrings, st.sampled_from(["landelijk", "regionaal", "lokaal"])), max_size=2))
    return raw


def _agrees(entries: list[Entry], index: search_index.SearchIndex, f: Filters) -> None:
    found = index.select(f)
    expected = filter_entries(entries, f)
    assert [entries[i] for i in found] == expected
    assert index.rows(found) == [summary(e) for e in expected]
    for fmt in ROW_FORMATS:
        assert index.render(found, fmt) == render_rows([summary(e) for e in expected], fmt, False)


@pytest.mark.parametrize("loaded", [BUNDLED, SMALL], ids=["bundled catalogue", "mini catalogue"])
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_select_is_filter_entries(loaded, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    entries, vocab, index = loaded
    raw = data.draw(raw_filters(entries, vocab))
    _agrees(entries, index, resolve_filters(raw, index.vocab))


# Odd but loadable entries: missing fields, non-strings in lists, open age ranges, booleans.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=6)  # YAML never yields lone surrogates
ODD = st.one_of(st.none(), st.booleans(), st.integers(-3, 30), TEXT, st.sampled_from(["vso", "pro", "mbo", "mbo-2", "nazorg", "werk", "beperking"]))
ODD_LIST = st.one_of(ODD, st.lists(ODD, max_size=4))


@st.composite
def odd_entries(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": draw(TEXT.filter(bool)), "kind": draw(st.sampled_from(["interventie", "praktijkvoorbeeld", "", 3]))}
    for key, value in {
        "phases": ODD_LIST,
        "target_group": st.fixed_dictionaries({}, optional={"education_levels": ODD_LIST, "characteristics": ODD_LIST,
                                                            "age": st.one_of(ODD, st.fixed_dictionaries({}, optional={"min": ODD, "max": ODD}))}),
        "goals": st.fixed_dictionaries({}, optional={"tags": ODD_LIST}),
        "evidence": st.fixed_dictionaries({}, optional={"level": st.one_of(ODD, st.sampled_from(["goed-beschreven", "niet-onderzocht"]))}),
        "providers": st.fixed_dictionaries({}, optional={"organisations": ODD_LIST, "description": ODD}),
        "region": st.fixed_dictionaries({}, optional={"scope": ODD, "names": ODD_LIST}),
        "working_elements": st.lists(st.fixed_dictionaries({}, optional={"elements": ODD_LIST}), max_size=3),
    }.items():
        if draw(st.booleans()):
            entry[key] = draw(value)
    return entry


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datas=st.lists(odd_entries(), max_size=8), data=st.data())
def test_select_is_filter_entries_on_odd_entries(datas: list[dict[str, Any]], data: st.DataObject) -> None:
    _, vocab, _ = SMALL
    entries = [Entry(d, f"interventions/{i}.yaml") for i, d in enumerate(datas)]
    index = in_memory(entries, vocab)
    raw = data.draw(raw_filters(entries, vocab))
    _agrees(entries, index, resolve_filters(raw, index.vocab))


def test_the_vocabularies_come_back_as_they_were() -> None:
    _, vocab, index = BUNDLED
    assert list(index.vocab) == list(vocab)
    for name, v in vocab.items():
        assert index.vocab[name] == v


def test_a_level_filter_builds_only_the_vocabularies_it_needs() -> None:
    _, _, index = _loaded(MINI)
    resolve_filters(RawFilters(target=["vso"]), index.vocab)
    assert "working-elements" not in index.vocab._built  # type: ignore[attr-defined]


# --- the command line: the same bytes with and without the index ---------------------------------

COMMANDS = [
    ["list"],
    ["search", "--target", "vso"],
    ["search", "--target", "mbo-2", "--phase", "nazorg"],
    ["search", "--target", "pro", "--target", "migratieachtergrond", "--min-evidence", "goed-beschreven"],
    ["search", "--age", "16", "--kind", "interventie", "--region", "landelijk"],
    ["search", "--provider", "gemeente", "--goal", "werk", "--element", "nazorg"],
    ["search", "--target", "vso", "--phase", "nazorg", "--age", "99"],  # nothing matches
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
@pytest.mark.parametrize("fmt", ROW_FORMATS)
def test_fast_path_slow_path_and_no_cache_print_the_same(args: list[str], fmt: str, run_cli, catalogue_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    command = [*args, "--format", fmt, "--catalogue", catalogue_copy]
    slow = run_cli(*command)  # no index yet: loads the catalogue and writes the index
    assert index_file(catalogue_copy).is_file()
    uncached = run_cli("--no-cache", *command)
    with monkeypatch.context() as m:
        fast_path_only(m)
        fast = run_cli(*command)
    assert fast.exit_code == slow.exit_code == uncached.exit_code
    assert fast.stdout == slow.stdout == uncached.stdout
    assert fast.stderr == slow.stderr == uncached.stderr


@pytest.mark.parametrize("args", [["list"], ["search", "--target", "vso"]])
def test_the_terminal_table_is_the_same_from_the_index(args: list[str], run_cli, terminal: Callable[[int], None], mini_catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal(120)
    slow = run_cli(*args, "--catalogue", mini_catalogue)
    with monkeypatch.context() as m:
        fast_path_only(m)
        fast = run_cli(*args, "--catalogue", mini_catalogue)
    assert fast.stdout == slow.stdout and "Alfa naar werk" in fast.stdout
    assert fast.stderr == slow.stderr


def test_an_unknown_filter_value_is_still_a_usage_error(run_cli, mini_catalogue: Path) -> None:
    run_cli("list", "--catalogue", mini_catalogue)
    result = run_cli("search", "--target", "vsoo", "--catalogue", mini_catalogue)
    assert result.exit_code == 2
    assert "unknown --target value 'vsoo' (did you mean 'vso'?)" in result.stderr


# --- never stale --------------------------------------------------------------------------------


def names(run_cli: Callable[..., Any], root: Path, *args: str) -> list[str]:
    return [line.split("\t")[1] for line in run_cli(*args, "--catalogue", root).stdout.splitlines()]


def ids(run_cli: Callable[..., Any], root: Path, *args: str) -> list[str]:
    return [line.split("\t")[0] for line in run_cli(*args, "--catalogue", root).stdout.splitlines()]


def test_an_edited_file_is_read_again(run_cli, mini_catalogue: Path) -> None:
    assert "Gamma Route" in names(run_cli, mini_catalogue, "list")
    path = mini_catalogue / "interventions" / "gamma.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Gamma Route", "name: Gamma Route Nieuw"), encoding="utf-8")
    later(path)
    assert "Gamma Route Nieuw" in names(run_cli, mini_catalogue, "list")


def test_an_edit_that_keeps_the_size_is_noticed_by_its_mtime(run_cli, mini_catalogue: Path) -> None:
    assert "gamma" not in ids(run_cli, mini_catalogue, "search", "--target", "vso")
    path = mini_catalogue / "interventions" / "gamma.yaml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("education_levels: [entree]", "education_levels: [vso]   ")
    assert len(edited) == len(text) != len(edited.replace("[vso]   ", "[vso]"))
    path.write_text(edited, encoding="utf-8")
    later(path)
    assert "gamma" in ids(run_cli, mini_catalogue, "search", "--target", "vso")


def test_added_and_removed_files_are_noticed(run_cli, mini_catalogue: Path) -> None:
    assert ids(run_cli, mini_catalogue, "list") == ["alpha", "beta", "gamma", "delta", "epsilon"]
    src = (mini_catalogue / "interventions" / "epsilon.yaml").read_text(encoding="utf-8")
    (mini_catalogue / "interventions" / "zeta.yaml").write_text(src.replace("epsilon", "zeta").replace("Epsilon", "Zeta"), encoding="utf-8")
    assert "zeta" in ids(run_cli, mini_catalogue, "list")
    (mini_catalogue / "interventions" / "delta.yaml").unlink()
    assert "delta" not in ids(run_cli, mini_catalogue, "list")


def test_touching_a_file_makes_the_index_stale(mini_catalogue: Path) -> None:
    search_index.open_summaries(mini_catalogue, Limits())
    fresh = search_index.snapshot(mini_catalogue)
    assert fresh is not None and search_index.read(mini_catalogue, CONTEXT, fresh.digest) is not None
    later(mini_catalogue / "interventions" / "beta.yaml")
    touched = search_index.snapshot(mini_catalogue)
    assert touched is not None and touched.digest != fresh.digest
    assert search_index.read(mini_catalogue, CONTEXT, touched.digest) is None


def test_a_changed_vocabulary_is_noticed(run_cli, mini_catalogue: Path) -> None:
    assert run_cli("search", "--target", "speciaalschool", "--catalogue", mini_catalogue).exit_code == 2
    path = mini_catalogue / "schemas" / "vocabularies" / "education-levels.yaml"
    text = path.read_text(encoding="utf-8")
    assert "synonyms: [voortgezet-speciaal-onderwijs, " in text
    path.write_text(text.replace("synonyms: [voortgezet-speciaal-onderwijs, ", "synonyms: [speciaalschool, voortgezet-speciaal-onderwijs, "), encoding="utf-8")
    later(path)
    assert ids(run_cli, mini_catalogue, "search", "--target", "speciaalschool") == ids(run_cli, mini_catalogue, "search", "--target", "vso") == ["alpha", "delta"]


def test_another_size_limit_is_another_index(run_cli, mini_catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_cli("list", "--catalogue", mini_catalogue)
    snap = search_index.snapshot(mini_catalogue)
    assert snap is not None
    assert search_index.read(mini_catalogue, search_index.context_of(Limits(max_file_size=400)), snap.digest) is None
    result = run_cli("list", "--catalogue", mini_catalogue, env={"JWTOOL_MAX_FILE_SIZE": "400"})
    assert result.stdout == "" and "5 file(s) have problems" in result.stderr


def test_broken_files_are_never_hidden_behind_the_index(run_cli, mini_catalogue: Path) -> None:
    (mini_catalogue / "interventions" / "kapot.yaml").write_text("id: kapot\nname: [\n", encoding="utf-8")
    for _ in range(2):
        result = run_cli("search", "--target", "vso", "--catalogue", mini_catalogue)
        assert "1 file(s) have problems and may be incomplete (interventions/kapot.yaml)" in result.stderr
    assert not index_file(mini_catalogue).exists()


def test_no_cache_neither_reads_nor_writes_the_index(run_cli, mini_catalogue: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_cli("--no-cache", "list", "--catalogue", mini_catalogue)
    assert not private_cache.exists()
    run_cli("list", "--catalogue", mini_catalogue)
    assert index_file(mini_catalogue).exists()
    # a stale index is not read: with the index file corrupted, --no-cache still answers
    index_file(mini_catalogue).write_bytes(b"not an index")
    assert "Gamma Route" in run_cli("--no-cache", "list", "--catalogue", mini_catalogue).stdout
    assert "Gamma Route" in run_cli("list", "--catalogue", mini_catalogue, env={"JWTOOL_NO_CACHE": "1"}).stdout
    assert index_file(mini_catalogue).read_bytes() == b"not an index"


# --- damaged, foreign and concurrent index files --------------------------------------------------


def _damage_header(data: bytes) -> bytes:
    return data.replace(b'"format":%d' % search_index.INDEX_FORMAT, b'"format":99', 1)


def _damage_context(data: bytes) -> bytes:
    return data.replace(b"max_file_size=", b"max_file_size=9", 1)


def _flip_a_row_byte(data: bytes) -> bytes:
    at = data.index(b"Alfa naar werk\t")
    return data[:at] + b"E" + data[at + 1:]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "garbage": lambda data: b"\x00\xffnot an index\n{]",
    "empty": lambda data: b"",
    "truncated": lambda data: data[: len(data) // 2],
    "one byte short": lambda data: data[:-1],
    "one byte more": lambda data: data + b"\n",
    "foreign version": _damage_header,
    "foreign context": _damage_context,
    "a flipped byte in a row": _flip_a_row_byte,
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_or_foreign_index_is_ignored_and_rebuilt(damage: str, run_cli, mini_catalogue: Path) -> None:
    expected = run_cli("list", "--catalogue", mini_catalogue)
    path = index_file(mini_catalogue)
    good = path.read_bytes()
    path.write_bytes(DAMAGE[damage](good))
    result = run_cli("list", "--catalogue", mini_catalogue)
    assert (result.exit_code, result.stdout, result.stderr) == (expected.exit_code, expected.stdout, expected.stderr)
    assert path.read_bytes() == good  # rebuilt


def test_a_damaged_section_found_mid_query_falls_back_to_the_catalogue(mini_catalogue: Path) -> None:
    search_index.open_summaries(mini_catalogue, Limits())
    path = index_file(mini_catalogue)
    good = path.read_bytes()
    path.write_bytes(_flip_a_row_byte(good))
    found = search_index.open_summaries(mini_catalogue, Limits())
    assert isinstance(found, search_index.SearchIndex)  # the header and the digest are fine
    vso = found.select(resolve_filters(RawFilters(target=["vso"]), found.vocab))
    assert found.render(vso, "text") == "alpha\tAlfa naar werk\tinterventie\ttijdens-school\tvso, pro\tgoed-beschreven\n" + \
        "delta\tDelta Coach\tpraktijkvoorbeeld\tovergang\tvso\tniet-onderzocht\n"
    assert path.read_bytes() == good  # rewritten by the fallback


def test_the_index_is_written_whole_or_not_at_all(mini_catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    search_index.open_summaries(mini_catalogue, Limits())
    path = index_file(mini_catalogue)
    before = path.read_bytes()
    later(mini_catalogue / "interventions" / "alpha.yaml")  # the next run writes a new index

    class DiskFull(io.BufferedWriter):
        def write(self, data: Any) -> int:
            super().write(bytes(data)[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *_, **__: DiskFull(io.FileIO(fd, "w")))
    found = search_index.open_summaries(mini_catalogue, Limits())
    monkeypatch.undo()
    assert [r["id"] for r in found.rows()] == ["alpha", "beta", "gamma", "delta", "epsilon"]  # answers anyway
    assert path.read_bytes() == before  # the old index, whole; never half of the new one
    assert [f.name for f in path.parent.iterdir() if f.name.endswith(".tmp")] == []


def test_two_processes_at_once_leave_a_complete_index(mini_catalogue: Path) -> None:
    def work() -> None:
        found = search_index.open_summaries(mini_catalogue, Limits())
        assert [r["id"] for r in found.rows()] == ["alpha", "beta", "gamma", "delta", "epsilon"]

    assert at_once(work) == []
    path = index_file(mini_catalogue)
    assert not [f for f in os.listdir(path.parent) if f.endswith(".tmp")]
    snap = search_index.snapshot(mini_catalogue)
    assert snap is not None and search_index.read(mini_catalogue, CONTEXT, snap.digest) is not None


# --- the printed rows: the same text as jwtool has always written --------------------------------

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12) | st.sampled_from(['"', "\\", "\n", "\t", "\r\n", "=1+1", "é", "', '", ""])


@st.composite
def printed_rows(draw: st.DrawFn, with_match: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"id": draw(ANY_TEXT), "name": draw(ANY_TEXT), "kind": draw(ANY_TEXT),
                           "phases": draw(st.lists(ANY_TEXT, max_size=3)), "education_levels": draw(st.lists(ANY_TEXT, max_size=3)),
                           "evidence_level": draw(ANY_TEXT)}
    if with_match:
        row.update(score=draw(st.integers(0, 500)), match={"tier": draw(ANY_TEXT), "field": draw(ANY_TEXT), "snippet": draw(ANY_TEXT)})
    return row


def reference(rows: list[dict[str, Any]], fmt: str, with_match: bool) -> str:
    """How list and search printed rows before the search index (the CLI's own loop)."""
    from jwtool.export import csv_table, dumps
    from jwtool.views import flat_row, row_header

    if fmt == "json":
        return dumps(rows).rstrip("\n") + "\n"
    if fmt == "csv":
        return csv_table(row_header(with_match), [flat_row(r) for r in rows])
    lines = []
    for r in rows:
        cells = flat_row({k: (", ".join(v) if isinstance(v, list) else v) for k, v in r.items() if k not in ("score",)})
        if with_match:
            cells = cells[:6] + cells[7:]
        lines.append("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")
    return "".join(lines)


@settings(max_examples=300, deadline=None)
@given(with_match=st.booleans(), data=st.data())
def test_rows_print_as_they_always_did(with_match: bool, data: st.DataObject) -> None:
    rows = data.draw(st.lists(printed_rows(with_match), max_size=4))
    for fmt in ROW_FORMATS:
        assert render_rows(rows, fmt, with_match) == reference(rows, fmt, with_match)


# --- after an edit: only what changed is worked out again ----------------------------------------


def _state(root: Path) -> tuple[list[Entry], Any, dict[str, Any]]:
    cat = load_catalogue(root, use_cache=False, summary=True)
    snap = search_index.snapshot(root)
    assert snap is not None
    return cat.entries, cat.vocab, snap.stamps()


def test_a_rebuild_after_edits_copies_unchanged_entries_and_gives_the_same_bytes(mini_catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entries, vocab, stamps = _state(mini_catalogue)
    previous = search_index.parse(search_index.build(entries, vocab, CONTEXT, "before", stamps), CONTEXT, None)
    folder = mini_catalogue / "interventions"
    gamma = folder / "gamma.yaml"
    gamma.write_text(gamma.read_text(encoding="utf-8").replace("name: Gamma Route", "name: Gamma Route Nieuw"), encoding="utf-8")
    later(gamma)
    (folder / "zeta.yaml").write_text((folder / "epsilon.yaml").read_text(encoding="utf-8").replace("epsilon", "zeta").replace("Epsilon", "Zeta"), encoding="utf-8")
    (folder / "delta.yaml").unlink()
    entries, vocab, stamps = _state(mini_catalogue)

    import jwtool.views

    worked_out: list[str] = []
    real_summary = jwtool.views.summary
    monkeypatch.setattr(jwtool.views, "summary", lambda e: worked_out.append(e.id) or real_summary(e))
    again = search_index.build(entries, vocab, CONTEXT, "after", stamps, previous)
    assert sorted(worked_out) == ["gamma", "zeta"]
    assert again == search_index.build(entries, vocab, CONTEXT, "after", stamps)


def test_a_damaged_earlier_index_is_not_copied_from(mini_catalogue: Path) -> None:
    entries, vocab, stamps = _state(mini_catalogue)
    good = search_index.build(entries, vocab, CONTEXT, "d", stamps)
    damaged = search_index.parse(_flip_a_row_byte(good), CONTEXT, None)
    assert search_index.build(entries, vocab, CONTEXT, "d", stamps, damaged) == good


def test_after_an_edit_the_command_line_rebuilds_from_the_earlier_index(run_cli, mini_catalogue: Path) -> None:
    before = run_cli("search", "--target", "vso", "--format", "json", "--catalogue", mini_catalogue)
    delta = mini_catalogue / "interventions" / "delta.yaml"
    delta.write_text(delta.read_text(encoding="utf-8").replace("name: Delta Coach", "name: Delta Coach 2"), encoding="utf-8")
    later(delta)
    after = run_cli("search", "--target", "vso", "--format", "json", "--catalogue", mini_catalogue)
    assert after.stdout == before.stdout.replace('"Delta Coach"', '"Delta Coach 2"') != before.stdout
    assert after.stdout == run_cli("--no-cache", "search", "--target", "vso", "--format", "json", "--catalogue", mini_catalogue).stdout
    snap = search_index.snapshot(mini_catalogue)
    assert snap is not None and search_index.read(mini_catalogue, CONTEXT, snap.digest) is not None
