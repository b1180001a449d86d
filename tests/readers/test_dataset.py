"""The catalogue as a dataset: `jwtool export --format datapackage` is a Frictionless data package
that `frictionless` validates (types, primary and foreign keys), `--format sqlite` the same tables
in SQLite with foreign keys and full-text search that Datasette serves, and the README's three
questions give the same answers in SQL, pandas and R."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import REPO, require


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled catalogue as catalogue-data/ and catalogue.sqlite, the README's names."""
    out = tmp_path_factory.mktemp("dataset")
    for fmt, name in (("datapackage", "catalogue-data"), ("sqlite", "catalogue.sqlite")):
        run = subprocess.run([sys.executable, "-m", "jwtool", "export", "--format", fmt, "-o", str(out / name), "--catalogue", str(REPO)],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
    return out


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.mark.slow
def test_the_data_package_passes_frictionless_validate(exported: Path) -> None:
    from frictionless import validate

    report = validate(str(exported / "catalogue-data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]
    descriptor = json.loads((exported / "catalogue-data" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["licenses"][0]["name"] == "MIT"
    by_name = {r["name"]: r for r in descriptor["resources"]}
    assert {"entries", "sources", "citations", "studies", "findings", "components", "element_tags", "education_levels", "characteristics"} <= set(by_name)
    assert by_name["findings"]["schema"]["foreignKeys"][0]["reference"] == {"resource": "studies", "fields": ["entry_id", "study_id"]}


@pytest.mark.slow
def test_frictionless_finds_a_finding_that_points_to_no_study(exported: Path, tmp_path: Path) -> None:
    from frictionless import validate

    broken = tmp_path / "broken"
    shutil.copytree(exported / "catalogue-data", broken)
    studies = broken / "data" / "studies.csv"
    lines = studies.read_text(encoding="utf-8").splitlines(keepends=True)
    studies.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")  # one study gone, its findings stay
    report = validate(str(broken / "datapackage.json"))
    assert not report.valid and "foreign-key" in {row[0] for row in report.flatten(["type"])}


@pytest.mark.slow
def test_tidy_tables_hold_what_the_entries_say(exported: Path, repo_root: Path) -> None:
    import yaml

    data = exported / "catalogue-data" / "data"
    boris = yaml.safe_load((repo_root / "interventions" / "boris-brengt-je-bij-een-baan.yaml").read_text(encoding="utf-8"))
    tags = [(r["section"], r["position"], r["element"]) for r in _csv_rows(data / "element_tags.csv") if r["entry_id"] == boris["id"]]
    expected = [(section, str(i), el) for section in ("components", "working_elements")
                for i, item in enumerate(boris.get(section) or [], 1) for el in item["elements"]]
    assert tags == expected
    texts = [r["text"] for r in _csv_rows(data / "components.csv") if r["entry_id"] == boris["id"] and r["section"] == "working_elements"]
    assert "Samenwerking met erkend leerbedrijf" in texts
    entries = {r["id"]: r for r in _csv_rows(data / "entries.csv")}
    assert len(entries) == len(list((repo_root / "interventions").glob("*.yaml")))
    assert entries[boris["id"]]["last_reviewed"] == boris["last_reviewed"]
    listed = yaml.safe_load((repo_root / "interventions" / "de-navigator.yaml").read_text(encoding="utf-8"))
    assert listed["activities"].startswith("- ") and entries["de-navigator"]["activities"] == listed["activities"]  # the text as written


def test_sqlite_has_the_same_tables_foreign_keys_and_full_text_search(exported: Path) -> None:
    con = sqlite3.connect(exported / "catalogue.sqlite")
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%'")}
        csvs = {p.stem for p in (exported / "catalogue-data" / "data").glob("*.csv")}
        assert csvs <= tables
        for name in csvs:  # the same rows with the same texts: a data package is data, not a spreadsheet to defuse
            con.row_factory = sqlite3.Row
            stored = [{k: "" if r[k] is None else str(r[k]) for k in r.keys()} for r in con.execute(f'SELECT * FROM "{name}"')]
            con.row_factory = None
            rows = _csv_rows(exported / "catalogue-data" / "data" / f"{name}.csv")
            texts = [{k: v for k, v in r.items() if k in {"text", "activities", "name", "title"}} for r in rows]
            assert texts == [{k: v for k, v in r.items() if k in {"text", "activities", "name", "title"}} for r in stored], name
        assert con.execute("SELECT COUNT(*) FROM pragma_foreign_key_list('findings')").fetchone()[0] >= 2
        hits = [r[0] for r in con.execute("SELECT e.id FROM entries_fts JOIN entries e ON e.rowid = entries_fts.rowid WHERE entries_fts MATCH 'leerbedrijf'")]
        assert "boris-brengt-je-bij-een-baan" in hits
    finally:
        con.close()


@pytest.mark.slow
def test_datasette_serves_the_database_with_search(exported: Path) -> None:
    from datasette.app import Datasette

    async def get() -> tuple[dict, dict]:  # type: ignore[type-arg]
        ds = Datasette([str(exported / "catalogue.sqlite")])
        found = await ds.client.get("/catalogue/entries.json?_search=leerbedrijf&_shape=objects")
        findings = await ds.client.get("/catalogue/findings.json?outcome=werk&_shape=objects")
        assert found.status_code == 200 and findings.status_code == 200
        return found.json(), findings.json()

    # In a thread of its own: a session's Playwright browser (sync API) keeps an event loop running
    # in the main thread, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(1) as pool:
        found, findings = pool.submit(lambda: asyncio.run(get())).result()
    assert "boris-brengt-je-bij-een-baan" in [r["id"] for r in found["rows"]]
    assert findings["rows"] and all(r["outcome"] == "werk" for r in findings["rows"])


@pytest.mark.slow
def test_the_same_catalogue_gives_the_same_bytes(exported: Path, repo_root: Path, tmp_path: Path) -> None:
    for fmt, name in (("datapackage", "again"), ("sqlite", "again.sqlite")):
        run = subprocess.run([sys.executable, "-m", "jwtool", "export", "--format", fmt, "-o", str(tmp_path / name), "--catalogue", str(repo_root)],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
    assert (tmp_path / "again.sqlite").read_bytes() == (exported / "catalogue.sqlite").read_bytes()
    for path in (exported / "catalogue-data").rglob("*"):
        if path.is_file():
            assert (tmp_path / "again" / path.relative_to(exported / "catalogue-data")).read_bytes() == path.read_bytes()


def test_a_folder_jwtool_did_not_write_is_never_replaced(run_cli, tmp_path: Path, mini_catalogue: Path, english) -> None:  # type: ignore[no-untyped-def]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    r = run_cli("export", "--format", "datapackage", "-o", mine, "--force", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "not a data package written by jwtool" in r.stderr and (mine / "notes.txt").read_text(encoding="utf-8") == "keep"
    pkg = tmp_path / "pkg"
    assert run_cli("export", "--format", "datapackage", "-o", pkg, "--catalogue", mini_catalogue).exit_code == 0
    again = run_cli("export", "--format", "datapackage", "-o", pkg, "--catalogue", mini_catalogue)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert run_cli("export", "--format", "datapackage", "-o", pkg, "--force", "--catalogue", mini_catalogue).exit_code == 0
    assert run_cli("export", "--format", "sqlite", "--catalogue", mini_catalogue).exit_code == 2  # a database is never printed
    db = tmp_path / "c.sqlite"
    db.write_text("keep", encoding="utf-8")
    assert run_cli("export", "--format", "sqlite", "-o", db, "--catalogue", mini_catalogue).exit_code == 2 and db.read_text(encoding="utf-8") == "keep"
    assert run_cli("export", "--format", "datapackage", "-o", mini_catalogue / "interventions" / "x", "--catalogue", mini_catalogue).exit_code == 2


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_force_replaces_a_site_only_with_a_site_and_a_data_package_only_with_a_data_package(run_cli, tmp_path: Path, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    site, pkg = tmp_path / "site", tmp_path / "pkg"
    assert run_cli("render", "overview", "--format", "html", "-o", f"{site}/", "--catalogue", mini_catalogue).exit_code == 0
    assert run_cli("export", "--format", "datapackage", "-o", pkg, "--catalogue", mini_catalogue).exit_code == 0
    sites, packages = _tree(site), _tree(pkg)
    r = run_cli("export", "--format", "datapackage", "-o", site, "--force", "--catalogue", mini_catalogue)
    assert (r.exit_code, r.stderr) == (2, f"jwtool: fout: {site} is geen datapakket dat jwtool schreef (geen datapackage.json van jwtool); "
                                          "ook met --force wordt die map niet vervangen: kies een andere map\n")
    r = run_cli("render", "overview", "--format", "html", "-o", f"{pkg}/", "--force", "--catalogue", mini_catalogue)
    assert (r.exit_code, r.stderr) == (2, f"jwtool: fout: {pkg} is geen site die jwtool schreef (geen index.html van jwtool); "
                                          "ook met --force wordt die map niet vervangen: kies een andere map\n")
    assert (_tree(site), _tree(pkg)) == (sites, packages)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini", "pkg", "site"]  # no temporary folder left
    # each still replaces its own kind
    assert run_cli("export", "--format", "datapackage", "-o", pkg, "--force", "--catalogue", mini_catalogue).exit_code == 0
    assert run_cli("render", "overview", "--format", "html", "-o", f"{site}/", "--force", "--catalogue", mini_catalogue).exit_code == 0
    assert (_tree(site), _tree(pkg)) == (sites, packages)


def test_the_refusal_of_a_folder_of_the_other_kind_speaks_english(run_cli, tmp_path: Path, mini_catalogue: Path, english) -> None:  # type: ignore[no-untyped-def]
    pkg = tmp_path / "pkg"
    assert run_cli("export", "--format", "datapackage", "-o", pkg, "--catalogue", mini_catalogue).exit_code == 0
    r = run_cli("render", "overview", "-o", f"{pkg}/", "--force", "--catalogue", mini_catalogue)
    assert (r.exit_code, r.stderr) == (2, f"jwtool: error: {pkg} is not a site written by jwtool (no index.html from jwtool); "
                                          "refusing to replace it even with --force: choose another folder\n")



# --- every fact the JSON export holds: a finding's figure, a source's date of issue ----------------


def _fields(package: Path) -> dict[str, list[tuple[str, str]]]:
    """(column, Frictionless type) of each table, as datapackage.json declares them."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: [(f["name"], f["type"]) for f in r["schema"]["fields"]] for r in descriptor["resources"]}


def _figure(cells: dict[str, Any], types: dict[str, str]) -> dict[str, Any] | None:
    """A finding's figure from its figure_* cells (CSV text or SQLite values), typed as declared; None when all are empty."""
    as_type = {"integer": int, "number": float, "string": str}
    fig = {name.removeprefix("figure_"): as_type[types[name]](v) for name, v in cells.items()
           if name.startswith("figure_") and v not in ("", None)}
    return fig or None


def test_a_figure_has_the_same_columns_in_figures_and_findings_one_for_every_field_of_the_schema(exported: Path, repo_root: Path) -> None:
    schema = json.loads((repo_root / "schemas" / "intervention.schema.json").read_text(encoding="utf-8"))
    fields = _fields(exported / "catalogue-data")
    in_figures = [(name, kind) for name, kind in fields["figures"] if name not in ("entry_id", "position")]
    in_findings = [(name.removeprefix("figure_"), kind) for name, kind in fields["findings"] if name.startswith("figure_")]
    assert [name for name, _ in in_figures] == list(schema["$defs"]["figure"]["properties"])
    assert in_findings == in_figures


def test_every_finding_holds_its_figure_as_the_json_export_does(exported: Path, repo_root: Path, tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "jwtool", "export", "--format", "json", "-o", str(tmp_path / "export.json"), "--catalogue", str(repo_root)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    export = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))
    expected = {(e["id"], study["id"], str(pos)): finding.get("figure") for e in export["entries"]
                for study in (e.get("evidence") or {}).get("studies") or [] for pos, finding in enumerate(study["findings"], 1)}
    assert sum(fig is not None for fig in expected.values()) >= 10  # the bundled catalogue's findings with a figure
    types = dict(_fields(exported / "catalogue-data")["findings"])
    in_csv = {(r["entry_id"], r["study_id"], r["position"]): _figure(r, types) for r in _csv_rows(exported / "catalogue-data" / "data" / "findings.csv")}
    assert in_csv == expected
    con = sqlite3.connect(exported / "catalogue.sqlite")
    con.row_factory = sqlite3.Row
    try:
        in_sqlite = {(r["entry_id"], r["study_id"], str(r["position"])): _figure(dict(r), types) for r in con.execute("SELECT * FROM findings")}
    finally:
        con.close()
    assert in_sqlite == expected


def test_a_source_keeps_its_date_of_issue_beside_its_year(run_cli, mini_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sources = mini_catalogue / "sources"
    report = sources / "kwetsbare-jongeren-2023.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("issued: {date-parts: [[2023]]}", "issued: {date-parts: [[2026, 9]]}"), encoding="utf-8")
    with (sources / "evaluatie-alfa.yaml").open("a", encoding="utf-8") as f:
        f.write("issued: {date-parts: [[2019, 10, 31], [2020, 2]]}\n")  # a range: from a day to a month
    (sources / "jaarverslag.yaml").write_text("id: jaarverslag\ntype: report\nkind: rapport\ntitle: Jaarverslag\nissued: {date-parts: [[2015]]}\n",
                                              encoding="utf-8")
    (sources / "zonder-datum.yaml").write_text("id: zonder-datum\ntype: report\nkind: rapport\ntitle: Zonder datum\n", encoding="utf-8")
    for fmt, name in (("datapackage", "pkg"), ("sqlite", "c.sqlite"), ("json", "export.json")):
        r = run_cli("export", "--format", fmt, "-o", tmp_path / name, "--catalogue", mini_catalogue)
        assert r.exit_code == 0, r.stderr
    expected = {"evaluatie-alfa": ("2019", "2019-10-31/2020-02"), "jaarverslag": ("2015", "2015"),
                "kwetsbare-jongeren-2023": ("2026", "2026-09"), "zonder-datum": ("", "")}
    assert {r["id"]: (r["issued_year"], r["issued"]) for r in _csv_rows(tmp_path / "pkg" / "data" / "sources.csv")} == expected
    con = sqlite3.connect(tmp_path / "c.sqlite")
    try:
        stored = {i: ("" if y is None else str(y), d or "") for i, y, d in con.execute("SELECT id, issued_year, issued FROM sources")}
    finally:
        con.close()
    assert stored == expected
    cited = json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))["sources"]
    assert set(cited) == {"evaluatie-alfa", "kwetsbare-jongeren-2023"}
    for source_id, record in cited.items():  # the JSON export's CSL date, read back from the text
        parts = [[int(n) for n in d.split("-")] for d in expected[source_id][1].split("/")]
        assert record["issued"] == {"date-parts": parts}


# --- the README's questions -------------------------------------------------------------------


def _readme_questions(repo_root: Path) -> list[dict[str, str]]:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `jwtool export --format datapackage|sqlite`", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```(sql|python|r)\n(.*?)```", section, re.S)
    assert [lang for lang, _ in blocks] == ["sql", "python", "r"] * 3
    return [dict(blocks[i:i + 3]) for i in range(0, 9, 3)]


def _rows(text: str) -> list[tuple[str, ...]]:
    return [tuple(r) for r in csv.reader(io.StringIO(text.strip())) if r][1:]


@pytest.mark.slow
@pytest.mark.parametrize("question", [0, 1, 2])
def test_the_readme_questions_have_one_answer_in_sql_pandas_and_r(question: int, exported: Path, repo_root: Path) -> None:
    code = _readme_questions(repo_root)[question]
    con = sqlite3.connect(exported / "catalogue.sqlite")
    try:
        sql = [tuple(str(v) for v in row) for row in con.execute(code["sql"])]
    finally:
        con.close()
    assert sql
    pandas = subprocess.run([sys.executable, "-c", code["python"]], cwd=exported, capture_output=True, text=True, timeout=300)
    assert pandas.returncode == 0, pandas.stderr
    assert _rows(pandas.stdout) == sql
    require(shutil.which("Rscript") is not None, "R (apt-get install r-base-core)")
    r = subprocess.run(["Rscript", "-e", code["r"]], cwd=exported, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert _rows(r.stdout) == sql


def test_docs_describe_every_table_and_column(repo_root: Path) -> None:
    from jwtool.query.dataset import markdown

    assert (repo_root / "docs" / "dataset-format.md").read_text(encoding="utf-8") == markdown(), "regenerate: python -m jwtool.query.dataset > docs/dataset-format.md"
