"""The overview as a site (`render overview --format html -o DIR`): its pages and paths, editor
notes kept from readers, a byte-identical re-render, a folder written whole and never over
another folder, the one-page form and Markdown still there, and the Pages workflow."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

from jwtool.catalogue.text import fold
from jwtool.query.filters import RawFilters, filter_entries, resolve_filters
from jwtool.render.filterdata import filter_data

REPO = Path(__file__).resolve().parents[2]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_the_site_has_an_index_a_page_per_entry_the_maps_and_the_evidence_ladder(run_cli, bundled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "site"
    assert run_cli("render", "overview", "-o", out).exit_code == 0
    files = _files(out)
    assert {"index.html", "kaart/index.html", "bewijskaart/index.html", "elementen-per-fase/index.html", "studiekaart/index.html", "bewijsniveaus/index.html"} <= set(files)
    assert {f"interventies/{e.id}/index.html" for e in bundled.entries} <= set(files)
    ladder = files["bewijsniveaus/index.html"].decode()
    assert "Erkenningscommissie" in ladder and "geen oordeel of erkenning" in ladder
    # the verdicts' wordings are credited to the report they come from (wordings_source), by its citation
    assert "Zo staat het in Kwetsbare jongeren van school naar werk (Regioplan, 2023):" in ladder and "“good practice (VNG)”" in ladder
    for t in bundled.vocab["evidence-levels"]:
        assert str(escape(" ".join(t.definition.split()))) in ladder
    for name, data in files.items():
        text = data.decode()
        assert 'http-equiv="Content-Security-Policy"' in text and "default-src &#39;none&#39;" in text, name
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text.split("<body>")[0]), name  # nothing loaded from outside


@pytest.mark.slow
def test_editor_notes_are_collapsed_and_not_in_the_readers_text(run_cli, bundled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "site"
    assert run_cli("render", "overview", "-o", out).exit_code == 0
    noted = [e for e in bundled.entries if e.data.get("notes") or any(s.get("note") for s in e.sources)]
    assert noted
    for e in noted:
        page = (out / "interventies" / e.id / "index.html").read_text()
        reader, _, editor = page.partition('<details class="editor">')
        assert "<summary>Notities voor redactie</summary>" in editor
        assert "<dt>Notities</dt>" not in reader  # the notes field, and a source's note after its link
        assert not re.search(r"</a>(\s*<span class=\"url\">.*?</span>)? — <span", reader)
        assert "Herkomst: " not in reader and "kwetsbare-jongeren-2023" not in reader


@pytest.mark.slow
def test_a_rerender_is_byte_identical(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("render", "overview", "-o", tmp_path / "a").exit_code == 0
    assert run_cli("render", "overview", "-o", tmp_path / "b").exit_code == 0
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


@pytest.mark.slow
def test_the_folder_is_written_whole_and_replaced_only_with_force(run_cli, tmp_path: Path, english) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "site"
    assert run_cli("render", "overview", "-o", out).exit_code == 0
    first = _files(out)
    again = run_cli("render", "overview", "-o", out)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run_cli("render", "overview", "-o", out, "--force").exit_code == 0
    assert _files(out) == first
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    refused = run_cli("render", "overview", "-o", other, "--force")
    assert refused.exit_code == 2 and "not a site written by jwtool" in refused.stderr
    assert (other / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "site"]  # no temporary folder left


@pytest.mark.slow
def test_one_page_and_markdown_still_work(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("render", "overview", "-o", tmp_path / "all.html").exit_code == 0
    page = (tmp_path / "all.html").read_text()
    assert 'id="filter-data"' in page and 'id="bewijsniveaus"' in page and 'href="#e-learn2work"' in page
    assert run_cli("render", "overview", "--format", "md", "-o", tmp_path / "md").exit_code == 0
    assert (tmp_path / "md" / "README.md").read_text().startswith("#")


def test_the_filter_data_is_what_the_cli_selects_and_searches(bundled) -> None:  # type: ignore[no-untyped-def]
    data = filter_data(bundled, bundled.entries)
    for value, ids in data["facets"]["target"].items():
        assert ids == [e.id for e in filter_entries(bundled.entries, resolve_filters(RawFilters(target=[value]), bundled.vocab))]
    assert data["spellings"]["target"]["mbo2"] == "mbo-2"
    assert all(t == fold(t) for t in data["text"].values())
    json.dumps(data)


def test_the_pages_workflow_builds_the_site_and_deploys_it_on_every_push_to_main() -> None:
    wf = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text())
    assert wf[True]["push"]["branches"] == ["main"]  # YAML reads the key `on` as True
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    uses = [s.get("uses", "").split("@")[0] for s in build["steps"]]
    assert "actions/configure-pages" in uses and "actions/upload-pages-artifact" in uses
    assert [s.get("uses", "").split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any("jwtool render overview --format html -o _site" in s.get("run", "") for s in build["steps"])


@pytest.mark.slow
def test_a_trailing_slash_makes_a_folder_even_when_the_name_has_a_dot(run_cli, tmp_path: Path) -> None:
    site = tmp_path / "site.v2"
    assert run_cli("render", "overview", "-o", f"{site}/").exit_code == 0
    assert (site / "index.html").is_file()
    notes = tmp_path / "release-1.0"
    assert run_cli("render", "overview", "--format", "md", "-o", f"{notes}/").exit_code == 0
    assert (notes / "README.md").is_file()


def test_the_streamed_filter_json_is_the_json_of_the_whole_filter_data(bundled) -> None:  # type: ignore[no-untyped-def]
    from jwtool.render.filterdata import as_json, filter_data, page_texts

    whole = as_json(filter_data(bundled, bundled.entries))
    assert as_json(filter_data(bundled, bundled.entries, with_text=False), page_texts(bundled, bundled.entries)) == whole
    assert whole.isascii() and "<" not in whole and json.loads(whole)["text"]


def test_the_site_s_addresses_are_spelled_in_one_table(repo_root: Path) -> None:
    # folders and anchors are addresses people link to: the same in every language, named once
    # (jwtool.render.environment.ADDRESSES); templates and scripts go through it
    from jwtool.render.environment import ADDRESSES

    files = [*(repo_root / "templates").rglob("*.j2"), *(repo_root / "templates").rglob("*.js")]
    assert len(files) > 20
    spelled = [f"{p.name}: {folder}" for p in files for name, folder in ADDRESSES.items()
               if name != "index" and re.search(rf"(?<![\w-]){re.escape(folder)}(?![\w-])", p.read_text(encoding="utf-8"))]
    assert spelled == []
    assert ADDRESSES == {"index": "index", "map": "kaart", "gaps": "elementen-per-fase", "gapmap": "bewijskaart", "evidence": "bewijsniveaus",
                         "entries": "interventies"}  # the URLs stay as they are


@pytest.mark.slow
def test_a_catalogue_s_own_templates_without_moved_js_still_send_an_old_link_on(run_cli, catalogue_copy: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Templates copied before the old folder's page had its script: the page forwards by its meta
    refresh alone (without the link's selection) instead of the whole site failing on a missing asset."""
    (catalogue_copy / "templates" / "moved.js").unlink()
    assert run_cli("render", "overview", "-o", tmp_path / "site", "--catalogue", catalogue_copy).exit_code == 0
    moved = (tmp_path / "site" / "studiekaart" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=../bewijskaart/index.html"' in moved and "<script" not in moved


def _index_cells(page: str) -> dict[str, str]:
    """The Doelgroep cell (with its tag) of each row of the site's index, by entry id."""
    return {m[1]: m[2] for m in re.finditer(r'<tr data-id="([^"]+)".*?</th>\s*(<td[^>]*>.*?</td>)', page, re.S)}


@pytest.mark.slow
def test_the_index_names_a_target_group_for_every_entry_that_has_one_in_html_and_markdown(run_cli, bundled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # summary, else education levels, else characteristics and ages in words, else the description's first words
    described = {e.id for e in bundled.entries if any(e.target_group.get(k) for k in ("summary", "description", "education_levels", "characteristics", "age"))}
    assert {"rode-loper-achterhoek", "jongerenpunten", "harrie-training"} <= described
    assert run_cli("render", "overview", "-o", tmp_path / "nl").exit_code == 0
    nl = _index_cells((tmp_path / "nl" / "index.html").read_text())
    assert all(not re.fullmatch(r"<td[^>]*></td>", nl[i]) for i in described), [i for i in described if re.fullmatch(r"<td[^>]*></td>", nl[i])]
    assert nl["rode-loper-achterhoek"] == "<td>16 tot en met 27 jaar</td>"  # its ages, worded as on its page
    assert nl["jongerenpunten"] == "<td>de jongere</td>"  # the description as the report words it
    md = run_cli("render", "overview", "--format", "md").stdout
    assert "| [Rode Loper](#e-rode-loper-achterhoek) | Praktijkvoorbeeld | Tijdens school, Na de overgang (nazorg) | 16 tot en met 27 jaar |" in md
    assert "| [Jongerenpunten](#e-jongerenpunten) | Praktijkvoorbeeld | Na de overgang (nazorg) | de jongere |" in md
    # in English, words of jwtool's own (ages, labels) are not marked Dutch; the report's words are
    assert run_cli("--lang", "en", "render", "overview", "-o", tmp_path / "en").exit_code == 0
    en = _index_cells((tmp_path / "en" / "index.html").read_text())
    assert en["rode-loper-achterhoek"] == "<td>16 to 27 years</td>" and en["harrie-training"] == "<td>Disability</td>"
    assert en["jongerenpunten"] == '<td lang="nl">de jongere</td>'


@pytest.mark.slow
def test_the_english_site_marks_the_source_s_dutch_words_and_only_those(run_cli, bundled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from jwtool.render.entry import entry_document

    assert run_cli("--lang", "en", "render", "overview", "-o", tmp_path / "all.html").exit_code == 0
    page = (tmp_path / "all.html").read_text()
    # catalogue.yaml's caveat and its source are the report's words
    assert '<p class="caveat-source">— <span lang="nl">Kwetsbare jongeren van school naar werk (Regioplan, 2023), paragraaf 3.1, Resultaten en effecten.</span></p>' in page
    # where to find it: jwtool's words in English, the report's section names marked Dutch
    entry = next(e for e in bundled.entries if e.id == "2getthere")
    html = entry_document(bundled, entry, "html", "en")
    assert '<dd>Appendix table B2.2, row 1; Table 3.1, row 8; Sections: <span lang="nl">3.1, bijlage 2</span></dd>' in html
    assert "Appendix table B2.2, row 1; Table 3.1, row 8; Sections: 3.1, bijlage 2" in entry_document(bundled, entry, "md", "en")
    # the appendix's heading is the report's own (Bijlage 2 Overzicht van interventies), marked so
    appendix = run_cli("--lang", "en", "render", "appendix", "--format", "html").stdout
    assert '<h1 lang="nl">Bijlage 2 Overzicht van interventies</h1>' in appendix and "<caption" in appendix


def test_pages_rendered_by_worker_processes_are_the_pages_rendered_in_one(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from jwtool.catalogue import workers

    monkeypatch.setattr(workers, "MIN_JOBS", 1)  # the bundled catalogue is too small to be worth workers
    for jobs in ("1", "2"):
        assert run_cli("render", "overview", "-o", tmp_path / jobs, env={"JWTOOL_JOBS": jobs}).exit_code == 0
    assert _files(tmp_path / "1") == _files(tmp_path / "2")


def test_a_worker_stops_an_entry_page_template_at_its_time_bound(run_cli, catalogue_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, english) -> None:  # type: ignore[no-untyped-def]
    import time

    from jwtool.catalogue import workers

    monkeypatch.setattr(workers, "MIN_JOBS", 1)
    entry = catalogue_copy / "templates" / "site" / "entry.html.j2"
    entry.write_text(entry.read_text(encoding="utf-8").replace("{{ entry.section }}", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"), encoding="utf-8")
    started = time.monotonic()
    result = run_cli("render", "overview", "-o", tmp_path / "site", "--catalogue", catalogue_copy, env={"JWTOOL_JOBS": "2", "JWTOOL_TEMPLATE_SECONDS": "1"})
    assert time.monotonic() - started < 30
    assert result.exit_code == 1 and "template site/entry.html.j2: stopped: it took longer than 1 seconds" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue"]  # no site, no temporary folder left
