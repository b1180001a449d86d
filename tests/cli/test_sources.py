"""Sources as records, entries that cite them, the report's own appendix, the upgrade and citations."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from jwtool.catalogue.load import load_catalogue

DATA = Path(__file__).resolve().parents[1] / "fixtures"
HOSTILE_TITLE = "Werk {en} 50% & meer\nover twee regels"


def _write(path: Path, data: dict) -> None:  # type: ignore[type-arg]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _new_intervention(cat: Path, rows: list | None = None, source: str = "evaluatie-2025") -> None:  # type: ignore[type-arg]
    _write(cat / "sources" / "evaluatie-2025.yaml", {"id": "evaluatie-2025", "type": "report", "kind": "evaluatie",
                                                     "title": "Evaluatie Werkroute 2025", "URL": "https://example.org/werkroute-2025.pdf"})
    cite: dict = {"source": source, "page": "12"}  # type: ignore[type-arg]
    if rows is not None:
        cite["rows"] = rows
    _write(cat / "interventions" / "werkroute.yaml", {
        "id": "werkroute", "name": "Werkroute", "kind": "interventie", "summary": "Begeleiding van school naar werk.",
        "phases": ["nazorg"], "target_group": {"description": "Schoolverlaters uit het vso.", "education_levels": ["vso"]},
        "evidence": {"level": "niet-onderzocht", "studies": [{
            "id": "werkroute-evaluatie-2025", "designs": ["monitoring"], "description": "De jongeren zijn een jaar gevolgd.",
            "cites": [{"source": "evaluatie-2025", "page": "12"}],
            "findings": [{"outcome": "werk", "direction": "positief", "comparison": False, "quote": "Twaalf jongeren vonden werk."}]}]},
        "working_elements": [{"text": "Maatwerk", "elements": ["maatwerk"]}], "cites": [cite], "last_reviewed": "2026-01-02"})


@pytest.mark.slow
def test_a_new_intervention_citing_only_a_new_evaluation_is_everywhere_but_the_2023_appendix(catalogue_copy: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    _new_intervention(catalogue_copy)
    assert run_cli("validate", "--catalogue", catalogue_copy).exit_code == 0
    assert "werkroute" in run_cli("list", "--catalogue", catalogue_copy).stdout
    assert "werkroute" in run_cli("search", "werkroute", "--catalogue", catalogue_copy).stdout
    assert "werkroute" in run_cli("map", "--format", "json", "--catalogue", catalogue_copy).stdout
    overview = run_cli("render", "overview", "--format", "md", "--catalogue", catalogue_copy).stdout
    assert "Werkroute" in overview and "evaluatie-2025" in overview  # where it comes from
    assert "werkroute-evaluatie-2025" in overview and "Evaluatie Werkroute 2025" in overview  # the study and the source it cites
    appendix = run_cli("render", "appendix", "--catalogue", catalogue_copy).stdout
    assert "Werkroute" not in appendix and "werkroute-2025" not in appendix


def test_the_2023_appendix_renders_its_18_rows_in_the_report_order(run_cli) -> None:  # type: ignore[no-untyped-def]
    md = run_cli("render", "appendix").stdout
    rows = [line for line in md.splitlines() if line.startswith("| **")]
    assert len(rows) == 18
    assert rows[0].startswith("| **Boris brengt je bij ‘n baan**")
    assert [r.split("**")[1] for r in rows][6:8] == ["Transitieroute", "2GetThere"]
    assert len(re.findall(r'^\d+\. <a id="bron-\d+"></a>Aa et al\. \(2016\)$', md, flags=re.M)) == 1  # one source, listed once
    assert run_cli("render", "appendix", "--source", "kwetsbare-jongeren-2023").stdout == md


def test_render_appendix_of_a_source_without_tables_lists_the_entries_citing_it(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("render", "appendix", "--source", "aa-et-al-2016")
    assert result.exit_code == 0, result.stderr
    assert "## Tabel 1 Interventies beschreven in " in result.stdout and "| **" in result.stdout


@pytest.mark.parametrize("source", ["aa-et-al-2016", "hanzen-2015"])
def test_a_caption_names_a_title_that_ends_in_its_year_without_a_second_year(run_cli, source: str) -> None:  # type: ignore[no-untyped-def]
    title = load_catalogue(REPO).library.get(source).data["title"]  # "Hanzen (2015)", a placeholder title
    result = run_cli("render", "appendix", "--source", source)
    assert f"## Tabel 1 Interventies beschreven in {title}\n" in result.stdout, result.stdout[:300]


def test_render_appendix_of_a_source_nobody_cites_or_without_the_tables_asked_is_a_usage_error(run_cli, catalogue_copy: Path, english) -> None:  # type: ignore[no-untyped-def]
    (catalogue_copy / "sources" / "nergens-2024.yaml").write_text("id: nergens-2024\ntype: report\nkind: rapport\ntitle: Nergens\n", encoding="utf-8")
    result = run_cli("render", "appendix", "--source", "nergens-2024", "--catalogue", catalogue_copy)
    assert result.exit_code == 2 and "no entry cites source 'nergens-2024'" in result.stderr
    result = run_cli("render", "appendix", "--source", "geen-2024", "--catalogue", catalogue_copy)
    assert result.exit_code == 2 and "no source 'geen-2024' in sources/" in result.stderr


@pytest.mark.parametrize(("rows", "source", "rule", "words"), [
    (None, "evaluatie-2026", "citation", "source 'evaluatie-2026' is not in sources/"),
    ([{"table": "B9.9", "row": 1}], "kwetsbare-jongeren-2023", "citation", "has no table 'B9.9'"),
    ([{"table": "B2.2", "row": 19}], "kwetsbare-jongeren-2023", "citation", "has 11 rows, so there is no row 19"),
    ([{"table": "B2.2", "row": 4}], "kwetsbare-jongeren-2023", "unique-order", "row 4 of table B2.2 of 'kwetsbare-jongeren-2023' is also claimed by"),
])
def test_a_wrong_locator_is_explained_at_its_line(catalogue_copy: Path, run_cli, rows, source, rule, words, english) -> None:  # type: ignore[no-untyped-def]
    _new_intervention(catalogue_copy, rows, source)
    result = run_cli("validate", "--catalogue", catalogue_copy)
    assert result.exit_code == 1
    found = [line for line in result.stdout.splitlines() if f"[{rule}]" in line and words in line]
    assert found and found[0].startswith(("interventions/werkroute.yaml:", "interventions/een-nieuw-perspectief.yaml:")), result.stdout


def test_a_declared_row_nobody_claims_and_a_source_nobody_cites_are_reported(catalogue_copy: Path, run_cli, english) -> None:  # type: ignore[no-untyped-def]
    (catalogue_copy / "interventions" / "zowhat.yaml").unlink()
    _write(catalogue_copy / "sources" / "niemand.yaml", {"id": "niemand", "type": "webpage", "kind": "website", "title": "Niemand citeert mij"})
    out = run_cli("validate", "--catalogue", catalogue_copy).stdout
    assert "no entry is row 11" in out and "[row-gap]" in out and "sources/kwetsbare-jongeren-2023.yaml:" in out
    assert "sources/niemand.yaml:1:1: warning: no entry cites 'niemand'" in out


def test_no_row_gap_or_unused_source_is_blamed_on_the_sources_while_an_entry_file_cannot_be_read(catalogue_copy: Path, run_cli, english) -> None:  # type: ignore[no-untyped-def]
    """learn2work.yaml claims rows and cites a source: while it cannot be read, "add the entry for
    that row" and "remove the source file" would be wrong fixes. Its own error is the one line."""
    path = catalogue_copy / "interventions" / "learn2work.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("phases: [nazorg]\n", "phases: [nazorg\n", 1), encoding="utf-8")
    result = run_cli("validate", "--catalogue", catalogue_copy)
    assert result.exit_code == 1
    assert [line.split(":")[0] + " " + line.rsplit(" ", 1)[1] for line in result.stdout.splitlines()] == ["interventions/learn2work.yaml [yaml-syntax]"]


def test_a_doi_or_url_that_is_not_one_is_an_error_at_its_line(catalogue_copy: Path, run_cli, english) -> None:  # type: ignore[no-untyped-def]
    _new_intervention(catalogue_copy)
    path = catalogue_copy / "sources" / "evaluatie-2025.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("URL: https://", "URL: ftp://") + "DOI: doi:10/abc\n", encoding="utf-8")
    out = run_cli("validate", "--catalogue", catalogue_copy).stdout
    assert "sources/evaluatie-2025.yaml:5:6: error: URL:" in out and "[url]" in out
    assert "sources/evaluatie-2025.yaml:6:6: error: DOI: 'doi:10/abc' is not a DOI" in out


def test_upgrade_migrates_an_old_catalogue_and_a_second_run_changes_nothing(tmp_path: Path, repo_root: Path, run_cli, english) -> None:  # type: ignore[no-untyped-def]
    cat = tmp_path / "old"
    shutil.copytree(DATA / "v1" / "mini", cat)
    shutil.copytree(repo_root / "schemas", cat / "schemas")
    refused = run_cli("list", "--catalogue", cat)
    assert refused.exit_code == 1 and "jwtool upgrade" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert run_cli("upgrade", "--catalogue", cat).exit_code == 0
    after = {p: p.read_bytes() for p in sorted(cat.rglob("*.yaml"))}
    assert run_cli("validate", "--catalogue", cat).exit_code == 0
    assert run_cli("upgrade", "--catalogue", cat).exit_code == 0
    assert {p: p.read_bytes() for p in sorted(cat.rglob("*.yaml"))} == after
    alpha = (cat / "interventions" / "alpha.yaml").read_text(encoding="utf-8")
    assert alpha.startswith("# yaml-language-server") and "provenance" not in alpha and "rows:" in alpha


@pytest.mark.slow
def test_the_bundled_catalogue_is_already_upgraded(catalogue_copy: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    before = {p: p.read_bytes() for p in sorted(catalogue_copy.rglob("*.yaml"))}
    assert "niets om te zetten" in run_cli("upgrade", "--catalogue", catalogue_copy).stderr
    assert {p: p.read_bytes() for p in sorted(catalogue_copy.rglob("*.yaml"))} == before


def test_cite_boris_parses_as_bibtex_and_ris(run_cli) -> None:  # type: ignore[no-untyped-def]
    import rispy
    from pybtex.database import parse_string

    bib = parse_string(run_cli("cite", "boris", "--format", "bibtex").stdout, "bibtex")
    assert set(bib.entries) == {"kwetsbare-jongeren-2023", "evaluatie-project-boris-brengt-je-bij-een-baan"}
    ris = rispy.loads(run_cli("cite", "boris", "--format", "ris").stdout)
    assert sorted(r["title"] for r in ris) == ["Evaluatie project Boris brengt je bij een baan", "Kwetsbare jongeren van school naar werk"]
    apa = run_cli("cite", "boris").stdout
    assert "Kwetsbare jongeren van school naar werk" in apa and "(2023)" in apa


def _source(**fields: object) -> object:
    from jwtool.catalogue.sources import Source

    data = {"type": "report", "issued": {"date-parts": [[2019]]}, **fields}
    return Source({k: v for k, v in data.items() if v is not None})


def test_apa_puts_the_title_of_a_work_without_author_first_and_names_it_once() -> None:
    from jwtool.render.citations import apa

    work = _source(id="e", title="Evaluatie Proefaanpak", genre="Eindrapport", publisher="Movisie", URL="https://example.org/e.pdf")
    assert apa([work]) == "Evaluatie Proefaanpak [Eindrapport]. (2019). Movisie. https://example.org/e.pdf\n"
    authored = _source(id="j", title="Evaluatie Proefaanpak", author=[{"family": "Jansen", "given": "Anna"}], publisher="Movisie")
    assert apa([authored]) == "Jansen, A. (2019). Evaluatie Proefaanpak. Movisie.\n"


def test_apa_lists_references_alphabetically_by_what_stands_first() -> None:
    from jwtool.render.citations import apa

    refs = [_source(id="z", title="Zeta", author=[{"family": "Zwart", "given": "Z."}]), _source(id="m", title="Midden"),
            _source(id="a", title="Alfa", author=[{"family": "Aarts", "given": "A."}])]
    assert [line.split(".")[0] for line in apa(refs).splitlines()] == ["Aarts, A", "Midden", "Zwart, Z"]


@pytest.mark.parametrize(("lang", "retrieved"), [("nl", "Geraadpleegd 3 mei 2023, van"), ("en", "Retrieved May 3, 2023, from")])
def test_an_undated_web_source_says_retrieved_only_with_its_retrieval_date(lang: str, retrieved: str) -> None:
    from jwtool.render.citations import apa

    url = "https://example.org/pagina"
    undated = _source(id="w", type="webpage", title="Pagina", URL=url, issued=None)
    assert apa([undated], lang) == f"Pagina. ({'z.d.' if lang == 'nl' else 'n.d.'}). {url}\n"
    accessed = _source(id="w", type="webpage", title="Pagina", URL=url, issued=None, accessed={"date-parts": [[2023, 5, 3]]})
    assert apa([accessed], lang) == f"Pagina. ({'z.d.' if lang == 'nl' else 'n.d.'}). {retrieved} {url}\n"


def test_cite_boris_in_apa_names_each_title_once(run_cli) -> None:  # type: ignore[no-untyped-def]
    lines = run_cli("cite", "boris").stdout.splitlines()
    assert lines == [
        "Evaluatie project Boris brengt je bij een baan. (z.d.). https://www.oberon.eu/media/cprl1hyc/boris-evaluatie-project.pdf",
        "Kwetsbare jongeren van school naar werk [Eindrapport]. (2023). Regioplan.",
    ]


@pytest.mark.slow
def test_a_title_with_braces_percent_ampersand_and_a_line_break_survives_every_format(catalogue_copy: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    import rispy
    from tests.readers.test_citation_readers import _pybtex_read

    _new_intervention(catalogue_copy)
    path = catalogue_copy / "sources" / "evaluatie-2025.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    _write(path, dict(data, title=HOSTILE_TITLE))
    one_line = " ".join(HOSTILE_TITLE.split())
    assert json.loads(run_cli("cite", "werkroute", "--format", "csl-json", "--catalogue", catalogue_copy).stdout)[0]["title"] == HOSTILE_TITLE
    bib = _pybtex_read(run_cli("cite", "werkroute", "--format", "bibtex", "--catalogue", catalogue_copy).stdout)
    assert [r["title"] for r in bib.values()] == [one_line]  # BibTeX reads a line break as a space
    assert rispy.loads(run_cli("cite", "werkroute", "--format", "ris", "--catalogue", catalogue_copy).stdout)[0]["title"] == one_line
    assert one_line in run_cli("cite", "werkroute", "--catalogue", catalogue_copy).stdout


@pytest.mark.parametrize("fmt", ["csl-json", "bibtex", "ris"])
def test_export_writes_every_source(fmt: str, run_cli, repo_root: Path) -> None:  # type: ignore[no-untyped-def]
    out = run_cli("export", "--format", fmt).stdout
    for path in (repo_root / "sources").glob("*.yaml"):
        assert path.stem in out


@pytest.mark.slow
def test_export_with_filters_writes_the_sources_the_matching_entries_cite(run_cli) -> None:  # type: ignore[no-untyped-def]
    ids = json.loads(run_cli("search", "--target", "vso", "--format", "json").stdout)
    shown = [json.loads(run_cli("show", i["id"], "--format", "json").stdout) for i in ids]
    cited = {c["source"] for e in shown for c in e["cites"] + [c for s in e["evidence"].get("studies", []) for c in s.get("cites", [])]}
    result = run_cli("export", "--format", "csl-json", "--target", "vso")
    assert result.exit_code == 0
    assert {item["id"] for item in json.loads(result.stdout)} == cited  # not every source: the filter is not ignored
    assert len(cited) < len(json.loads(run_cli("export", "--format", "csl-json").stdout))


def test_a_source_only_a_study_cites_is_among_the_entrys_references(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    alpha = mini_catalogue / "interventions" / "alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("  - source: evaluatie-alfa\n", ""), encoding="utf-8")
    assert run_cli("validate", "--catalogue", mini_catalogue).exit_code == 0  # a study's citation is a citation
    for args in (("cite", "alpha", "--format", "csl-json"), ("export", "--format", "csl-json", "--kind", "interventie")):
        ids = {item["id"] for item in json.loads(run_cli(*args, "--catalogue", mini_catalogue).stdout)}
        assert "evaluatie-alfa" in ids, args


def test_citation_cff_is_valid_citation_file_format(repo_root: Path) -> None:
    import jsonschema

    import jwtool

    schema = json.loads((DATA / "cff-schema-1.2.0.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((repo_root / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(cff)
    assert cff["version"] == jwtool.__version__
