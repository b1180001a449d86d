"""`jwtool render appendix|overview`: the report's appendix tables and the reading overview.

The appendix must hold every appendix intervention with all eight columns, in the report's
order and grouping, in Markdown, HTML and Word; the overview every entry with its fields, the
map, the gap map, caveat, source report and date. Output is deterministic, written atomically,
never over a file without --force, and hostile entry text is shown, never obeyed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import HOSTILE_TEXT, require
from jwtool.labels import fields
from jwtool.query.filters import RawFilters, filter_entries, resolve_filters
from jwtool.render.appendix import render_appendix
from jwtool.render.escaping import cell, http_url
from jwtool.render.overview import render_overview

EIGHT = ["Interventie", "Doelgroep", "Doelstelling", "Aanpak / activiteiten", "Verloop", "Resultaten / ervaringen",
         "Effecten / bewijskracht", "(Mogelijk) werkzame elementen"]


def appendix_rows(cat, table: str) -> list:  # type: ignore[no-untyped-def]
    return sorted((e for e in cat.entries if e.table == table), key=lambda e: e.order)


def md_cells(line: str) -> list[str]:
    """The cells of a Markdown table row, splitting on unescaped pipes only."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


class Tables(HTMLParser):
    """Collects tables: caption, header cells (with scope) and rows of (tag, id, text) cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.links: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.meta: list[dict[str, str | None]] = []
        self._cell: list[str] | None = None
        self._in: str | None = None
        self._buf = ""

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "table":
            self.tables.append({"id": a.get("id"), "caption": "", "head": [], "rows": []})
        elif tag == "caption":
            self._in, self._buf = "caption", ""
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append({"id": a.get("id"), "cells": []})
        elif tag in ("th", "td") and self.tables:
            self._cell = [tag, a.get("scope") or "", ""]
        elif tag == "a":
            self.links.append(a)
        elif tag == "script" and a.get("type") == "application/json":
            self._in, self._buf = "data", ""  # data for the script, not a script (the CSP does not run it)
        elif tag in ("script", "style"):
            self._in, self._buf = tag, ""
        elif tag == "meta":
            self.meta.append(a)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "caption" and self._in == "caption":
            self.tables[-1]["caption"] = " ".join(self._buf.split())
            self._in = None
        elif tag in ("th", "td") and self._cell is not None:
            self.tables[-1]["rows"][-1]["cells"].append((self._cell[0], self._cell[1], " ".join(self._cell[2].split())))
            self._cell = None
        elif tag == "script" and self._in == "data":
            self._in = None
        elif tag in ("script", "style") and self._in == tag:
            (self.scripts if tag == "script" else self.styles).append(self._buf)
            self._in = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._cell is not None:
            self._cell[2] += data
        if self._in:
            self._buf += data


def parse(html: str) -> Tables:
    p = Tables()
    p.feed(html)
    return p


def sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


# --- Appendix ---------------------------------------------------------------------------------


def test_markdown_appendix_has_every_appendix_row_with_eight_columns_in_report_order(run_cli, bundled) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "appendix", "--format", "md")
    assert r.exit_code == 0, r.stderr
    b21, b22 = r.stdout.split("## Tabel B2.2 Interventies voor (voortijdige) schoolverlaters")
    assert "## Tabel B2.1 Interventies tijdens de schoolloopbaan" in b21
    for table, text in (("B2.1", b21), ("B2.2", b22)):
        lines = [line for line in text.splitlines() if line.startswith("| ")]
        assert md_cells(lines[0]) == EIGHT
        rows = [md_cells(line) for line in lines[1:] if not line.startswith("| ---")]
        expected = appendix_rows(bundled, table)
        assert len(rows) == len(expected) > 0
        for cells, entry in zip(rows, expected):
            assert len(cells) == 8
            assert cells[0].startswith("**")
            assert all(cells), f"{entry.id}: an empty column"
        names = [re.sub(r"\\(.)", r"\1", cells[0].split("**")[1]) for cells in rows]
        assert names == [e.name for e in expected]


def test_markdown_appendix_numbers_the_sources_as_footnote_links(run_cli, bundled) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "appendix")
    refs = [int(n) for n in re.findall(r"\[\\\[(\d+)\\\]\]\(#bron-\1\)", r.stdout)]
    assert refs and refs[0] == 1
    footnotes = re.findall(r"^(\d+)\. <a id=\"bron-(\d+)\"></a>", r.stdout, flags=re.M)
    assert [int(a) for a, _ in footnotes] == list(range(1, len(footnotes) + 1))
    assert set(refs) == {int(b) for _, b in footnotes}
    boris = bundled.by_id()["boris-brengt-je-bij-een-baan"].sources[0]["url"]
    assert f" <{boris}>" in r.stdout  # an autolink: the address shown once, as its own link


@pytest.mark.slow
def test_the_appendix_source_list_is_the_readers_each_address_once_and_the_date_apart(run_cli, bundled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """No editors' notes ("Linktekst ...") in the list, each URL written once, no empty "()" for
    a source without one, and the closing date a paragraph of its own after a rule."""
    md = run_cli("render", "appendix").stdout
    listed = md.split("## Bronnen", 1)[1]
    items = re.findall(r"^\d+\. .*$", listed, flags=re.M)
    assert len(items) == 20
    assert "Linktekst" not in md and "()" not in md
    for url in {s["url"] for e in bundled.entries for s in e.sources if s.get("url", "").startswith("http")}:
        assert md.count(url) <= 1 or md.count(f"<{url}>") == 1, url
        assert sum(item.count(url) for item in items) <= 1
    assert re.search(r"\n\n---\n\n\*Stand van de catalogus: \d{4}-\d\d-\d\d\.\*\n$", md)
    out = tmp_path / "bijlage.html"
    run_cli("render", "appendix", "--format", "html", "-o", out)
    html_text = re.sub(r"<[^>]+>", "", out.read_text(encoding="utf-8"))
    assert "Linktekst" not in html_text and "()" not in html_text
    for url in {s["url"] for e in bundled.entries for s in e.sources if s.get("url", "").startswith("http")}:
        assert html_text.count(url) <= 1, url
    run_cli("render", "overview", "--format", "html", "-o", tmp_path / "overzicht.html")
    shown = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", (tmp_path / "overzicht.html").read_text(encoding="utf-8"), flags=re.S)
    assert "()" not in re.sub(r"<[^>]+>", "", shown)  # a source without a URL shows no empty brackets


def test_html_appendix_has_semantic_tables_in_report_order(run_cli, bundled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "bijlage.html"
    r = run_cli("render", "appendix", "--format", "html", "-o", out)
    assert r.exit_code == 0, r.stderr
    page = parse(out.read_text(encoding="utf-8"))
    assert [t["caption"] for t in page.tables] == ["Tabel B2.1 Interventies tijdens de schoolloopbaan",
                                                   "Tabel B2.2 Interventies voor (voortijdige) schoolverlaters"]
    for table, tid in zip(page.tables, ("B2.1", "B2.2")):
        head, *rows = table["rows"]
        assert [(tag, scope, text) for tag, scope, text in head["cells"]] == [("th", "col", c) for c in EIGHT]
        assert [row["id"] for row in rows] == ["e-" + e.id for e in appendix_rows(bundled, tid)]
        for row in rows:
            assert [c[:2] for c in row["cells"]] == [("th", "row")] + [("td", "")] * 7
            assert all(c[2] for c in row["cells"])
    externals = [a for a in page.links if (a.get("href") or "").startswith("http")]
    assert externals and all(a.get("rel") == "noopener noreferrer" for a in externals)


def test_summary_style_gives_the_short_tables_of_chapter_3(run_cli, bundled) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "appendix", "--style", "summary")
    assert r.exit_code == 0, r.stderr
    assert "## Tabel 3.1 Interventies tijdens de schoolloopbaan" in r.stdout
    assert "## Tabel 3.2 Interventies voor (voortijdige) schoolverlaters" in r.stdout
    header = next(line for line in r.stdout.splitlines() if line.startswith("| Interventie"))
    assert md_cells(header) == ["Interventie", "Doelgroep", "Doelstelling", "Onderdelen"]
    boris = bundled.by_id()["boris-brengt-je-bij-een-baan"]
    row = next(md_cells(line) for line in r.stdout.splitlines() if "Boris" in line and line.startswith("| "))
    assert row[1] == "Vso/pro met uitstroomprofiel werk" == boris.target_group["summary"]
    assert row[3] == "<br>".join("• " + c for c in boris.component_texts)
    in_summary = [e for e in bundled.entries if e.provenance.get("summary_table")]
    assert sum(1 for line in r.stdout.splitlines() if line.startswith("| **")) == len(in_summary)


def test_search_filters_choose_the_appendix_rows(run_cli, bundled) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "appendix", "--target", "vso", "--phase", "nazorg")
    assert r.exit_code == 0, r.stderr
    wanted = filter_entries(bundled.entries, resolve_filters(RawFilters(target=["vso"], phase=["nazorg"]), bundled.vocab))
    wanted_rows = [e for e in wanted if e.table]
    assert 0 < len(wanted_rows) < len([e for e in bundled.entries if e.table])
    shown = [line for line in r.stdout.splitlines() if line.startswith("| **")]
    assert len(shown) == len(wanted_rows)
    for e in wanted_rows:
        assert any(f"**{cell(e.name)}**" in line for line in shown)


@pytest.mark.parametrize("command", [["render", "overview", "--format", "md"], ["render", "overview", "--format", "html", "-o", "SITE/"], ["render", "appendix"]])
@pytest.mark.slow
def test_a_render_names_the_entries_a_reader_would_see_unfinished(run_cli, catalogue_copy: Path, tmp_path: Path, english, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    args = [str(tmp_path / "site") + "/" if a == "SITE/" else a for a in command]
    assert "not finished" not in run_cli(*args, "--catalogue", catalogue_copy, "--force").stderr  # the bundled catalogue is finished
    zowhat = catalogue_copy / "interventions" / "zowhat.yaml"  # a row of the appendix, a term no vocabulary knows
    zowhat.write_text(re.sub(r"(?m)^phases: .*$", "phases: [nazrog]", zowhat.read_text(encoding="utf-8")), encoding="utf-8")
    assert run_cli("new", "Nog Leeg", "--catalogue", catalogue_copy, "--no-input").exit_code == 0  # placeholders
    result = run_cli(*args, "--catalogue", catalogue_copy, "--force")
    assert result.exit_code == 0, result.stderr
    [line] = [x for x in result.stderr.splitlines() if "not finished" in x]
    named = set(line.split("): ")[1].split(";")[0].split(", "))
    assert named == ({"zowhat"} if command[1] == "appendix" else {"nog-leeg", "zowhat"}), line  # the new entry is no row of the appendix
    assert line.endswith("says what is wrong")


def test_filters_that_match_nothing_warn_and_render_empty_tables(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "appendix", "--kind", "praktijkvoorbeeld")
    assert r.exit_code == 0
    assert "geen vermelding van de tabellen voldoet aan de filters" in r.stderr
    assert "Geen vermeldingen die aan de selectie voldoen." in r.stdout


def test_an_unknown_filter_value_is_a_usage_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "appendix", "--phase", "nazrog")
    assert r.exit_code == 2
    assert "nazorg" in r.stderr


def test_english_labels_keep_the_dutch_content(run_cli, bundled) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "appendix", "--lang", "en")
    assert r.exit_code == 0, r.stderr
    header = next(line for line in r.stdout.splitlines() if line.startswith("| Intervention"))
    assert md_cells(header)[1:3] == ["Target group", "Goal"]
    assert "## Table B2.1 Interventions during the school career" in r.stdout
    assert bundled.by_id()["bridge"].target_group["description"].split(".")[0] in r.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "odt"], "'odt' is geen van de mogelijke waarden; kies uit: md, html, docx, pdf"),
    (["--style", "short"], "onbekende waarde voor --style: 'short'"),
    (["--lang", "de"], "onbekende waarde voor --lang: 'de'"),
    (["--templates", "no-such-folder"], "deze map bestaat niet"),
])
def test_bad_options_are_usage_errors(run_cli, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "appendix", *args)
    assert r.exit_code == 2
    assert message in r.stderr
    assert "Traceback" not in r.output


# --- Word -------------------------------------------------------------------------------------


def _docx(path: Path):  # type: ignore[no-untyped-def]
    from docx import Document

    return Document(str(path))


@pytest.mark.slow
def test_word_appendix_has_real_tables_with_repeating_header_rows_on_landscape_pages(run_cli, bundled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    out = tmp_path / "bijlage.docx"
    r = run_cli("render", "appendix", "--format", "docx", "-o", out)
    assert r.exit_code == 0, r.stderr
    doc = _docx(out)
    assert len(doc.tables) == 2
    for table, tid in zip(doc.tables, ("B2.1", "B2.2")):
        header = table.rows[0]
        flag = header._tr.trPr.find(qn("w:tblHeader"))
        assert flag is not None and flag.get(qn("w:val")) in ("true", "1", None)
        assert [c.text for c in header.cells] == EIGHT
        names = [row.cells[0].paragraphs[0].text for row in table.rows[1:]]
        assert names == [e.name for e in appendix_rows(bundled, tid)]
        for row in table.rows[1:]:
            assert all(c.text.strip() for c in row.cells)
        assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    for section in doc.sections:
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert section.page_width > section.page_height
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == ["Tabel B2.1 Interventies tijdens de schoolloopbaan", "Tabel B2.2 Interventies voor (voortijdige) schoolverlaters"]
    styles = {s.name for s in doc.styles}
    assert {"JW Tabelkop", "JW Tabeltekst", "JW Tabelopsomming", "JW Interventienaam", "JW Bron"} <= styles
    assert doc.tables[0].rows[0].cells[0].paragraphs[0].style.name == "JW Tabelkop"
    links = [rel.target_ref for rel in doc.part.rels.values() if rel.reltype.endswith("/hyperlink")]
    assert links and all(http_url(u) for u in links)


def test_a_reference_docx_that_is_no_word_document_is_named_in_the_language_of_the_command(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "stijl.docx"
    bad.write_text("geen zip", encoding="utf-8")
    r = run_cli("render", "appendix", "-f", "docx", "--reference-docx", bad, "-o", tmp_path / "b.docx")
    assert r.exit_code == 1 and not (tmp_path / "b.docx").exists()
    assert r.stderr == f"jwtool: fout: {bad}: geen bruikbaar Word-voorbeelddocument: het opent niet als Word-document (.docx); sla het in Word op als Word-document (.docx)\n"


def test_a_reference_docx_for_a_format_that_has_no_use_for_it_is_a_usage_error(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ref = tmp_path / "stijl.docx"
    ref.write_bytes(b"")
    r = run_cli("render", "appendix", "-f", "md", "--reference-docx", ref, "-o", tmp_path / "b.md")
    assert r.exit_code == 2 and not (tmp_path / "b.md").exists()
    assert "--reference-docx geldt alleen voor --format docx en pdf, niet voor md" in r.stderr


@pytest.mark.slow
def test_a_reference_docx_in_the_templates_folder_gives_the_house_style(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document
    from docx.shared import Pt

    house = tmp_path / "house"
    house.mkdir()
    ref = Document()
    style = ref.styles.add_style("JW Tabeltekst", 1)
    style.font.size = Pt(11)
    style.font.name = "Comic Neue"
    ref.add_paragraph("Deze tekst hoort niet in de bijlage.")
    ref.save(str(house / "reference.docx"))
    out = tmp_path / "b.docx"
    r = run_cli("render", "appendix", "-f", "docx", "--templates", house, "-o", out)
    assert r.exit_code == 0, r.stderr
    doc = _docx(out)
    assert doc.styles["JW Tabeltekst"].font.name == "Comic Neue"
    assert all("hoort niet" not in p.text for p in doc.paragraphs)
    assert len(doc.tables) == 2


def test_word_text_has_no_control_characters(bundled) -> None:  # type: ignore[no-untyped-def]
    from jwtool.catalogue.model import Entry

    boris = bundled.by_id()["boris-brengt-je-bij-een-baan"]
    data = dict(boris.data, activities="stap\x01 een\x0b twee\x1f drie\x7f\tvier", name="Boris\x00 x")
    data = dict(data, provenance=dict(boris.provenance))
    blob = render_appendix(bundled, [Entry(data, boris.file)], "docx")
    xml = zipfile.ZipFile(io.BytesIO(blob)).read("word/document.xml").decode("utf-8")
    assert "stap een twee drie vier" in xml
    assert "Boris x" in xml
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", xml)


@pytest.mark.slow
def test_word_appendix_converts_to_pdf_with_libreoffice(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require(soffice is not None, "LibreOffice (soffice)")
    assert soffice is not None
    out = tmp_path / "bijlage.docx"
    assert run_cli("render", "appendix", "-f", "docx", "-o", out).exit_code == 0
    profile = tmp_path / "lo-profile"
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(out)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "bijlage.pdf"
    assert pdf.is_file(), proc.stdout + proc.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2
    boxes = {tuple(float(x) for x in m.split()) for m in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes and all(w > h for _, _, w, h in boxes)  # landscape pages


# --- Determinism, atomic output, --force ----------------------------------------------------------


@pytest.mark.parametrize(("command", "fmt"), [("appendix", "md"), ("appendix", "html"), ("appendix", "docx"),
                                              ("overview", "md"), ("overview", "html")])
@pytest.mark.slow
def test_rendering_twice_gives_identical_bytes(run_cli, tmp_path: Path, command: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    assert run_cli("render", command, "-f", fmt, "-o", a).exit_code == 0
    assert run_cli("render", command, "-f", fmt, "-o", b).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert len(a.read_bytes()) > 1000


def test_an_existing_output_is_replaced_only_with_force(run_cli, tmp_path: Path, english) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "bijlage.md"
    out.write_text("oud\n", encoding="utf-8")
    r = run_cli("render", "appendix", "-o", out)
    assert r.exit_code == 2
    assert "already exists; use --force" in r.stderr
    assert out.read_text(encoding="utf-8") == "oud\n"
    r = run_cli("render", "appendix", "-o", out, "--force")
    assert r.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Bijlage 2 Overzicht van interventies")
    assert [p.name for p in tmp_path.iterdir()] == ["bijlage.md"]  # no temporary files left


@pytest.mark.parametrize("folder", ["interventions", "schemas"])
def test_output_is_never_written_into_the_catalogue_data(run_cli, catalogue_copy: Path, folder: str, english) -> None:  # type: ignore[no-untyped-def]
    target = catalogue_copy / folder / "bijlage.md"
    r = run_cli("render", "appendix", "--catalogue", catalogue_copy, "-o", target)
    assert r.exit_code == 2
    assert "refusing to write" in r.stderr
    assert not target.exists()


@pytest.mark.slow
def test_overview_into_a_folder_writes_index_html_and_replaces_it_only_with_force(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    site.mkdir()
    assert run_cli("render", "overview", "-o", site).exit_code == 0
    assert (site / "index.html").is_file()
    assert run_cli("render", "overview", "-o", site).exit_code == 2
    assert run_cli("render", "overview", "-o", site, "--force").exit_code == 0
    assert run_cli("render", "overview", "-f", "md", "-o", site).exit_code == 0
    assert sorted(p.name for p in site.iterdir()) == ["README.md", "bewijskaart", "bewijsniveaus", "elementen-per-fase", "index.html", "interventies", "kaart", "studiekaart"]


# --- Templates ------------------------------------------------------------------------------------


def test_templates_folder_overrides_one_template_and_falls_back_for_the_rest(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    house = tmp_path / "house"
    house.mkdir()
    (house / "appendix.md.j2").write_text("HUISSTIJL {{ count }}\n{% for t in tables %}{{ t.id }}: {{ t.rows|length }}\n{% endfor %}", encoding="utf-8")
    r = run_cli("render", "appendix", "--templates", house)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "HUISSTIJL 18\nB2.1: 7\nB2.2: 11\n"
    r = run_cli("render", "appendix", "--templates", house, "-f", "html")
    assert r.exit_code == 0 and r.stdout.startswith("<!DOCTYPE html>")


def test_an_undefined_variable_in_a_template_is_an_error_naming_the_template(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    house = tmp_path / "house"
    house.mkdir()
    (house / "appendix.md.j2").write_text("regel\n{{ no_such_thing }}\n", encoding="utf-8")
    r = run_cli("render", "appendix", "--templates", house)
    assert r.exit_code == 1
    assert "appendix.md.j2" in r.stderr and "'no_such_thing' bestaat hier niet; controleer de spelling" in r.stderr
    assert "Traceback" not in r.output


def test_a_template_syntax_error_names_file_and_line(run_cli, tmp_path: Path, english) -> None:  # type: ignore[no-untyped-def]
    house = tmp_path / "house"
    house.mkdir()
    (house / "appendix.html.j2").write_text("<p>\n{% for x in %}\n", encoding="utf-8")
    r = run_cli("render", "appendix", "-f", "html", "--templates", house)
    assert r.exit_code == 1
    assert re.search(r"appendix\.html\.j2:2: template syntax error", r.stderr)


def test_html_templates_are_autoescaped_even_in_a_house_template(run_cli, tmp_path: Path, hostile_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    house = tmp_path / "house"
    house.mkdir()
    (house / "appendix.html.j2").write_text("{% for t in tables %}{% for r in t.rows %}<b>{{ r.name }}</b>{% endfor %}{% endfor %}\n", encoding="utf-8")
    r = run_cli("render", "appendix", "-f", "html", "--templates", house, "--catalogue", hostile_catalogue)
    assert r.exit_code == 0, r.stderr
    assert "<script>" not in r.stdout and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.stdout


# --- Overview ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_html_overview_is_one_self_contained_page_with_everything(run_cli, bundled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "overzicht.html"
    r = run_cli("render", "overview", "-o", out)
    assert r.exit_code == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    assert '<html lang="nl">' in html
    # every entry: in the index (linking to its section) and as a section with its fields
    index = next(t for t in page.tables if t["id"] == "index-table")
    assert [row["cells"][0][2].removesuffix(" " + fields.kind(e, "nl")) for row, e in zip(index["rows"][1:], bundled.entries)] == [e.name for e in bundled.entries]
    for e in bundled.entries:
        assert f'<article class="entry" id="e-{e.id}"' in html
        assert f'<a href="#e-{e.id}">' in html
    # evidence gap maps: elements × phases and × evidence levels, cells linking to entries
    gap = {t["id"]: t for t in page.tables if (t["id"] or "").startswith("gap-")}
    assert set(gap) == {"gap-phases", "gap-levels"}
    assert [c[2] for c in gap["gap-phases"]["rows"][0]["cells"][1:]] == [t.label for t in bundled.vocab["phases"]]
    assert len(gap["gap-levels"]["rows"][0]["cells"]) == 1 + len(bundled.vocab["evidence-levels"])
    assert len(gap["gap-phases"]["rows"]) == 1 + len(bundled.vocab["working-elements"])
    # map, caveat, source report, date of the catalogue
    assert "<svg" in html and 'class="jwg-map"' in html
    assert " ".join(bundled.meta["caveat"].split()) in html
    assert bundled.report()["citation"] in html
    newest = max(str(e.data["last_reviewed"]) for e in bundled.entries)
    assert f'<time datetime="{newest}">' in html
    # nothing from the network: no src/href to other files or hosts except outbound links
    assert not re.search(r'\ssrc=', html)
    assert not re.search(r'<link\b', html)
    externals = [a for a in page.links if not (a.get("href") or "").startswith("#")]
    assert externals and all(a["href"].startswith(("https://", "http://")) and a.get("rel") == "noopener noreferrer" for a in externals)


@pytest.mark.slow
def test_html_overview_content_security_policy_pins_its_inline_css_and_script(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "overview")
    page = parse(r.stdout)
    csp = next(m["content"] for m in page.meta if m.get("http-equiv") == "Content-Security-Policy")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "'self' data:"
    assert directives["script-src"] == f"'{sha(page.scripts[0])}'"
    assert directives["style-src"] == f"'{sha(page.styles[0])}'"
    assert "unsafe-inline" not in csp and "http" not in csp
    assert len(page.scripts) == 1


@pytest.mark.slow
def test_html_has_no_inline_event_handlers_or_style_attributes(run_cli) -> None:  # type: ignore[no-untyped-def]
    html = run_cli("render", "overview").stdout
    assert not re.search(r"<[^>]+\son[a-z]+=", html)
    assert not re.search(r"<[^>]+\sstyle=", html)


def test_markdown_overview_renders_on_github(run_cli, bundled) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "overview", "-f", "md")
    assert r.exit_code == 0, r.stderr
    md = r.stdout
    assert "```mermaid\nflowchart LR\n" in md
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', md))
    targets = re.findall(r"\]\(#([^)]+)\)", md)
    assert targets and set(targets) <= anchors
    assert {f"e-{e.id}" for e in bundled.entries} <= anchors
    assert not re.search(r"\]\((?!#|<https?://)", md)  # only in-page anchors and web links
    assert "### Werkzame elementen per fase" in md and "### Werkzame elementen per niveau van bewijskracht" in md
    assert " ".join(bundled.meta["caveat"].split()) in md


@pytest.mark.slow
def test_english_overview_labels(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "overview", "--lang", "en")
    assert '<html lang="en">' in r.stdout and "Evidence gap map" in r.stdout
    assert '<dd lang="nl">' in r.stdout  # the Dutch content is marked as Dutch


def test_an_english_appendix_marks_the_source_s_dutch_part_title_as_dutch(bundled) -> None:  # type: ignore[no-untyped-def]
    en = render_appendix(bundled, bundled.entries, "html", lang="en").decode("utf-8")
    assert '<h1 lang="nl">Bijlage 2 Overzicht van interventies</h1>' in en and '<html lang="en">' in en
    assert "<h1>Bijlage 2 Overzicht van interventies</h1>" in render_appendix(bundled, bundled.entries, "html").decode("utf-8")


@pytest.mark.slow
def test_a_selection_on_the_one_page_overview_says_its_maps_are_the_whole_catalogue_s(bundled) -> None:  # type: ignore[no-untyped-def]
    page = render_overview(bundled, "html").decode("utf-8")
    summary = page[page.index('<div class="selection" id="filter-summary" hidden>'):]
    summary = summary[:summary.index("</div>")]  # shown only with a selection
    assert "tonen de hele catalogus, niet alleen deze selectie" in summary


def test_overview_for_the_mini_catalogue(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "overview", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.count('<article class="entry"') == 5


@pytest.mark.slow
def test_the_library_renders_without_the_command_line(bundled) -> None:  # type: ignore[no-untyped-def]
    md = render_appendix(bundled, bundled.entries, "md").decode("utf-8")
    assert md.startswith("# Bijlage 2 Overzicht van interventies\n")
    assert render_overview(bundled, "html").startswith(b"<!DOCTYPE html>")


def test_render_command_module_imports_no_heavy_libraries() -> None:
    code = "import sys, jwtool.cli; print(sorted(m for m in ('jinja2', 'docx', 'networkx') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- Hostile entries (issue 8) --------------------------------------------------------------------


def test_hostile_text_is_harmless_in_html(run_cli, hostile_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for command in ("appendix", "overview"):
        html = run_cli("render", command, "-f", "html", "--catalogue", hostile_catalogue).stdout
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert not re.search(r"href=\"\s*javascript", html, flags=re.I)
        assert "javascript:alert(1)" in html  # shown as text
        page = parse(html)
        assert len(page.scripts) == (1 if command == "overview" else 0)
        hrefs = [a.get("href") or "" for a in page.links]
        assert all(h.startswith(("#", "https://", "http://")) for h in hrefs)
        assert 'href="https://example.org/x?a=1&amp;b=2"' in html


def test_hostile_text_is_harmless_in_markdown(run_cli, hostile_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    for args in (["appendix"], ["appendix", "--style", "summary"], ["overview", "-f", "md"]):
        md = run_cli("render", *args, "--catalogue", hostile_catalogue).stdout
        assert "<script>" not in md and "\\<script\\>alert(1)\\</script\\>" in md
        assert not re.search(r"(?<!\\)\]\(javascript", md)
        assert "](<javascript" not in md
        assert not re.search(r"^=HYPERLINK", md, flags=re.M)
    md = run_cli("render", "appendix", "--catalogue", hostile_catalogue).stdout
    row = next(line for line in md.splitlines() if line.startswith("| **"))
    assert len(md_cells(row)) == 8  # the | in the text does not add a column


def test_hostile_text_is_harmless_in_word(run_cli, hostile_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "h.docx"
    assert run_cli("render", "appendix", "-f", "docx", "--catalogue", hostile_catalogue, "-o", out).exit_code == 0
    doc = _docx(out)
    row = doc.tables[0].rows[1]
    assert row.cells[0].paragraphs[0].text == HOSTILE_TEXT
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    # no field from entry text (so no HYPERLINK field); the captions' numbers are text, too
    assert "fldSimple" not in xml
    assert re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml) == []
    links = [rel.target_ref for rel in doc.part.rels.values() if rel.reltype.endswith("/hyperlink")]
    assert links == ["https://example.org/x?a=1&b=2"]


@pytest.mark.slow
def test_overview_into_a_new_folder_creates_it(run_cli, tmp_path: Path, english) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "overview", "-o", f"{tmp_path}/site/")
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    r = run_cli("render", "overview", "-o", tmp_path / "missing" / "site")
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_overview_folder_inside_the_catalogue_data_is_refused(run_cli, catalogue_copy: Path, english) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "overview", "--catalogue", catalogue_copy, "-o", catalogue_copy / "interventions" / "site")
    assert r.exit_code == 2 and "refusing to write" in r.stderr
    assert not (catalogue_copy / "interventions" / "site").exists()


def test_an_appendix_missing_a_row_of_the_report_is_refused_naming_the_row_and_the_unreadable_file(run_cli, catalogue_copy: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An entry that cannot be read would silently leave its row out of a report's appendix."""
    with open(catalogue_copy / "interventions" / "learn2work.yaml", "a", encoding="utf-8") as fh:
        fh.write("phases: [nazorg\n")
    out = tmp_path / "bijlage.md"
    r = run_cli("render", "appendix", "-o", out, "--catalogue", catalogue_copy)
    assert r.exit_code == 1 and not out.exists()
    assert "geen vermelding vult tabel B2.2 rij 7 (niet te lezen: interventions/learn2work.yaml)" in r.stderr
    r = run_cli("render", "appendix", "--target", "vso", "-o", out, "--catalogue", catalogue_copy)  # a chosen part
    assert r.exit_code == 0 and out.exists()
