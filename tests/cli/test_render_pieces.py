"""Rendering with the cache: the page is the same bytes as a render from scratch, whatever
changed (an entry, a template, a label), and a broken cache only costs time."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jwtool.catalogue.cache import cache_path
from jwtool.catalogue.load import load_catalogue
from jwtool.catalogue.model import Entry
from jwtool.catalogue.text import fold
from jwtool.render.overview import (
    GAP_LIST_MAX,
    MAP_ENTRIES_MAX,
    gap_maps,
    map_alt,
    map_svg,
    mermaid_map,
    overview_chunks,
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, so every test starts with an empty cache."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("JWTOOL_CACHE_DIR", str(folder))
    return folder


def render(run_cli, catalogue: Path, *extra: str, fmt: str = "html") -> str:  # type: ignore[no-untyped-def]
    result = run_cli("render", "overview", "--format", fmt, "--catalogue", catalogue, *extra)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def fresh(run_cli, catalogue: Path, *extra: str, fmt: str = "html") -> str:  # type: ignore[no-untyped-def]
    result = run_cli("--no-cache", "render", "overview", "--format", fmt, "--catalogue", catalogue, *extra)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.slow
def test_a_page_from_cached_entries_is_byte_identical_to_a_fresh_render(run_cli, catalogue_copy: Path, cache_dir: Path, fmt: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    first = render(run_cli, catalogue_copy, "--lang", lang, fmt=fmt)
    again = render(run_cli, catalogue_copy, "--lang", lang, fmt=fmt)
    assert first == again == fresh(run_cli, catalogue_copy, "--lang", lang, fmt=fmt)
    assert cache_path(catalogue_copy).is_file()


@pytest.mark.slow
def test_changing_one_entry_shows_in_the_next_render(run_cli, catalogue_copy: Path, cache_dir: Path) -> None:  # type: ignore[no-untyped-def]
    render(run_cli, catalogue_copy)
    path = catalogue_copy / "interventions" / "boris-brengt-je-bij-een-baan.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Boris brengt je bij ‘n baan", "name: Boris brengt je bij ‘n baan (herzien)"), encoding="utf-8")
    page = render(run_cli, catalogue_copy)
    assert "Boris brengt je bij ‘n baan (herzien)" in page
    cat = load_catalogue(catalogue_copy, use_cache=False)
    assert page == "".join(overview_chunks(cat, "html"))


@pytest.mark.slow
def test_an_edited_template_is_used_at_once(run_cli, catalogue_copy: Path, cache_dir: Path) -> None:  # type: ignore[no-untyped-def]
    render(run_cli, catalogue_copy)
    partial = catalogue_copy / "templates" / "partials" / "entry.html.j2"
    partial.write_text(partial.read_text(encoding="utf-8").replace('<p class="back">', '<p class="back huisstijl">'), encoding="utf-8")
    page = render(run_cli, catalogue_copy)
    assert page.count('<p class="back huisstijl">') == len(list((catalogue_copy / "interventions").glob("*.yaml")))
    assert page == fresh(run_cli, catalogue_copy)


@pytest.mark.slow
def test_a_house_templates_folder_is_used_and_then_left(run_cli, catalogue_copy: Path, cache_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    house = tmp_path / "huisstijl" / "partials"
    house.mkdir(parents=True)
    (house / "index-row.html.j2").write_text('<tr data-anchor="{{ e.anchor }}" data-phases="" data-targets="" data-elements="" data-search=""><th scope="row">HUIS {{ e.name }}</th></tr>\n', encoding="utf-8")
    plain = render(run_cli, catalogue_copy)
    housed = render(run_cli, catalogue_copy, "--templates", house.parent)
    assert "HUIS " not in plain and "HUIS Boris brengt je bij ‘n baan" in housed
    assert render(run_cli, catalogue_copy) == plain


@pytest.mark.slow
def test_a_changed_vocabulary_label_is_shown_at_once(run_cli, catalogue_copy: Path, cache_dir: Path) -> None:  # type: ignore[no-untyped-def]
    before = render(run_cli, catalogue_copy)
    vocab = catalogue_copy / "schemas" / "vocabularies" / "phases.yaml"
    text = vocab.read_text(encoding="utf-8")
    assert "label: Na de overgang (nazorg)" in text
    vocab.write_text(text.replace("label: Na de overgang (nazorg)", "label: Nazorg na school"), encoding="utf-8")
    after = render(run_cli, catalogue_copy)
    assert "Nazorg na school" in after and "Nazorg na school" not in before
    assert after == fresh(run_cli, catalogue_copy)


@pytest.mark.slow
def test_a_corrupt_cache_is_started_afresh(run_cli, catalogue_copy: Path, cache_dir: Path) -> None:  # type: ignore[no-untyped-def]
    expected = fresh(run_cli, catalogue_copy)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache_path(catalogue_copy).write_bytes(b"this is not a database\0" * 200)
    assert render(run_cli, catalogue_copy) == expected
    assert render(run_cli, catalogue_copy) == expected


@pytest.mark.slow
def test_an_unusable_cache_folder_only_costs_time(run_cli, catalogue_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("JWTOOL_CACHE_DIR", str(blocker / "cache"))
    result = run_cli("render", "overview", "--catalogue", catalogue_copy)
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    assert result.stdout == fresh(run_cli, catalogue_copy)


@pytest.mark.slow
def test_two_renders_at_once_write_the_same_page(run_cli, catalogue_copy: Path, cache_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "JWTOOL_CACHE_DIR": str(cache_dir)}
    outs = [tmp_path / f"page-{i}.html" for i in range(3)]
    with contextlib.ExitStack() as running:  # every process waited for and its pipes closed, whatever fails
        procs = [running.enter_context(subprocess.Popen(
            [sys.executable, "-m", "jwtool", "render", "overview", "--catalogue", str(catalogue_copy), "-o", str(o)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)) for o in outs]
        results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [stderr for _, stderr in results]
    expected = fresh(run_cli, catalogue_copy)
    assert all(o.read_text(encoding="utf-8") == expected for o in outs)


# --- Large catalogues: what the page shows -------------------------------------------------------


@pytest.fixture(scope="module")
def many() -> tuple[list[Entry], object]:
    """The bundled entries repeated under new ids: more entries than the page lists or draws."""
    from jwtool.catalogue.layout import find_root

    cat = load_catalogue(find_root(None))
    entries = [Entry({**e.data, "id": f"{e.id}-{i}"}, e.file) for i in range(8) for e in cat.entries]
    assert len(entries) > MAP_ENTRIES_MAX
    return entries, cat


def test_a_gap_map_cell_names_its_first_entries_and_counts_the_rest(many) -> None:  # type: ignore[no-untyped-def]
    from jwtool.render.escaping import anchor_ids

    entries, cat = many
    grid = gap_maps(entries, cat, "nl", anchor_ids(entries))
    cells = [c for row in grid["phases"]["rows"] for c in row["cells"]]
    big = max(cells, key=lambda c: c["count"])
    assert big["count"] > GAP_LIST_MAX
    assert len(big["entries"]) == GAP_LIST_MAX and big["more"] == big["count"] - GAP_LIST_MAX
    for row in grid["levels"]["rows"]:
        expected = {e.id for e in entries if row["id"] in e.elements_from("all")}  # the overview maps working elements and components
        assert row["total"] == len(expected)


def test_a_large_catalogue_maps_the_elements_not_every_entry(many) -> None:  # type: ignore[no-untyped-def]
    entries, cat = many
    svg = map_svg(entries, cat, "nl")
    assert svg.startswith("<svg") and "Boris" not in svg
    assert "Werkzame elementen die samen" in map_alt(entries, "nl")
    few = entries[:MAP_ENTRIES_MAX]
    assert "Boris brengt je bij" in map_svg(few, cat, "nl")


def test_the_markdown_map_of_a_large_catalogue_draws_the_elements_too(many) -> None:  # type: ignore[no-untyped-def]
    entries, cat = many
    mermaid = mermaid_map(entries, cat, "nl")
    assert mermaid.startswith("flowchart") and "Boris" not in mermaid and "---|" in mermaid  # weighted element pairs
    assert "Boris brengt je bij" in mermaid_map(entries[:MAP_ENTRIES_MAX], cat, "nl")
    assert map_alt(entries, "nl", "map.mermaid_note") == map_alt(entries, "nl")
    assert map_alt(entries[:MAP_ENTRIES_MAX], "nl", "map.mermaid_note").startswith("Vermeldingen (links)")


def _fold_reference(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@given(st.text())
def test_one_fold_for_every_search_drops_every_combining_mark_and_folds_case(text: str) -> None:
    fold.cache_clear()
    assert fold(text) == _fold_reference(text)


def test_the_fold_reads_sharp_s_as_ss_like_casefold() -> None:
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert fold("Oriëntatie") == "orientatie"


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_sections_rendered_by_worker_processes_make_the_page_rendered_in_one(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:  # type: ignore[no-untyped-def]
    from jwtool.catalogue import workers

    monkeypatch.setattr(workers, "MIN_JOBS", 1)  # the bundled catalogue is too small to be worth workers
    pages = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"{jobs}.{fmt}"
        assert run_cli("render", "overview", "--format", fmt, "-o", out, env={"JWTOOL_JOBS": jobs}).exit_code == 0
        pages[jobs] = out.read_bytes()
    assert pages["1"] == pages["2"] and pages["1"].count(b'class="entry"' if fmt == "html" else b"\n### ") > 40


def test_a_worker_stops_a_section_template_at_its_time_bound(run_cli, catalogue_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english) -> None:  # type: ignore[no-untyped-def]
    import time

    from jwtool.catalogue import workers

    monkeypatch.setattr(workers, "MIN_JOBS", 1)
    section = catalogue_copy / "templates" / "partials" / "entry.html.j2"
    section.write_text("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n", encoding="utf-8")
    started = time.monotonic()
    result = run_cli("render", "overview", "--format", "html", "-o", tmp_path / "page.html", "--catalogue", catalogue_copy,
                     env={"JWTOOL_JOBS": "2", "JWTOOL_TEMPLATE_SECONDS": "1"})
    assert time.monotonic() - started < 30
    # the page's own bound counts the time it waits for its sections, so it may be the one that stops
    assert result.exit_code == 1 and re.search(r"template (overview|partials/entry)\.html\.j2: stopped: it took longer than 1 seconds", result.stderr)
    assert not (tmp_path / "page.html").exists()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_section_template_that_does_not_parse_is_reported_at_its_line(run_cli, catalogue_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english, jobs: str) -> None:  # type: ignore[no-untyped-def]
    from jwtool.catalogue import workers

    monkeypatch.setattr(workers, "MIN_JOBS", 1)
    (catalogue_copy / "templates" / "partials" / "entry.html.j2").write_text("<p>\n{% if %}\n", encoding="utf-8")
    result = run_cli("render", "overview", "--format", "html", "-o", tmp_path / "page.html", "--catalogue", catalogue_copy, env={"JWTOOL_JOBS": jobs})
    assert result.exit_code == 1 and "internal error" not in result.stderr
    assert "templates/partials/entry.html.j2:2:" in result.stderr and not (tmp_path / "page.html").exists()
