"""The Word appendix as a report needs it (issue 19, point 6), and its PDF.

Columns take the table width in proportion to their text and are never narrower than their
longest word, so LibreOffice (and Word) break no word inside: checked on the PDF LibreOffice
makes, word by word. The document is Dutch (nl-NL), numbers its pages in the footer, captions its
tables with the report's numbers as text (a pasting report's field update leaves them), keeps a row
on one page (one higher than a page continues under its name), repeats the header row, looks sober (one sans-serif
font, no blue Cambria headings) unless a reference document gives the house style, and lists
each source by its citation only.
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from conftest import require
from jwtool.catalogue.load import load_catalogue
from jwtool.render.appendix import render_appendix
from jwtool.render.columns import Text, column_widths, unbreakable, word_width

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_WIDTH = 15138  # twips: A4 landscape less 2 x 1.5 cm margins


@pytest.fixture(scope="module")
def word(bundled) -> bytes:  # type: ignore[no-untyped-def]
    return render_appendix(bundled, bundled.entries, "docx")


def part(docx: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(docx)).read(name).decode("utf-8")


def fields(xml: str) -> list[str]:
    return [" ".join(code.split()) for code in re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)]


def pieces(text: str) -> list[str]:
    """The parts of a text a line may not break inside (it may after a space, hyphen or slash)."""
    return re.findall(r"[^\s\-/]*[-/]+|[^\s\-/]+", text)


def arial_metrics_installed() -> bool:
    """LibreOffice shows Arial as Arial or its metric twin Liberation Sans (fonts-liberation)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return False
    family = subprocess.run([fc_match, "-f", "%{family}", "Arial"], capture_output=True, text=True, check=False).stdout
    return any(name in family for name in ("Arial", "Liberation Sans"))


@pytest.fixture(scope="module")
def pdf_words(bundled, word: bytes, tmp_path_factory: pytest.TempPathFactory) -> list[str]:  # type: ignore[no-untyped-def]
    """The words of the appendix as LibreOffice sets them in its PDF, line by line (pdftotext)."""
    require(shutil.which("soffice") is not None, "LibreOffice (soffice)")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    require(arial_metrics_installed(), "Arial or Liberation Sans (fonts-liberation)")
    pdf = tmp_path_factory.mktemp("pdf") / "bijlage.pdf"
    pdf.write_bytes(render_appendix(bundled, bundled.entries, "pdf"))
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [html.unescape(w) for w in re.findall(r"<word [^>]*>([^<]*)</word>", boxes)]


# --- Columns ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_no_word_in_the_tables_is_broken_inside_in_the_pdf(word: bytes, pdf_words: list[str]) -> None:
    from docx import Document

    doc = Document(io.BytesIO(word))
    in_cells = Counter(p for table in doc.tables for row in table.rows for cell in row.cells for p in pieces(cell.text))
    in_pdf = Counter(p for w in pdf_words for p in pieces(w))
    broken = sorted(w for w, n in in_cells.items() if in_pdf[w] < n)
    assert not broken, f"broken inside in the PDF: {broken[:20]}"
    assert len(in_cells) > 1000


@pytest.mark.slow
def test_columns_share_the_text_width_in_proportion_to_their_text(word: bytes) -> None:
    xml = part(word, "word/document.xml")
    grids = [[int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', grid)] for grid in re.findall(r"<w:tblGrid>(.*?)</w:tblGrid>", xml)]
    assert len(grids) == 2
    for grid in grids:
        assert len(grid) == 8 and sum(grid) == TEXT_WIDTH
        activities, evidence = grid[3], grid[6]  # much text against a short verdict
        assert activities > 1.3 * evidence
        assert max(grid) > 1.3 * min(grid)  # not eight equal columns
    assert re.findall(r'<w:tblW w:type="dxa" w:w="(\d+)"/>', xml) == [str(TEXT_WIDTH)] * 2
    assert '<w:tblLayout w:type="fixed"/>' in xml


def test_a_column_is_never_narrower_than_its_longest_word() -> None:
    long_word = Text("Doorstroomprogramma Participatiemogelijkheden", 8)
    columns = [[Text("kort", 8)], [long_word], [Text("veel tekst " * 400, 8)]]
    widths = column_widths(columns, 6000, padding=7)
    assert sum(widths) == 6000
    assert widths[1] / 20 >= word_width("Participatiemogelijkheden", 8) + 7
    assert widths[2] == max(widths)
    assert unbreakable("loopbaan-begeleiding vso/pro") == ["loopbaan-", "begeleiding", "vso/pro"]


def test_words_are_measured_with_arials_metrics() -> None:
    """Helvetica's AFM widths, which Arial and Liberation Sans share (e.g. ``C 87 ; WX 944 ; N W``)."""
    assert word_width("W", 10) == pytest.approx(9.44) and word_width("i", 10) == pytest.approx(2.22)
    assert word_width("i", 10, bold=True) == pytest.approx(2.78) and word_width("m", 10, bold=True) == pytest.approx(8.89)
    assert word_width("Doorstroomprogramma", 8) == pytest.approx(8 * 0.001 * sum([722, 556, 556, 333, 500, 278, 333, 556, 556, 833, 556, 333, 556, 556, 333, 556, 833, 833, 556]))
    assert word_width("café €", 10) == pytest.approx(0.01 * (500 + 556 + 278 + 556 + 278 + 556))
    assert word_width("≥", 10) == pytest.approx(5.49)  # from the Symbol font, as a PDF writer would set it
    assert word_width("\U0001f600", 10) == pytest.approx(7.61)  # a character the fonts lack: their .notdef width


def test_words_longer_than_the_table_scale_all_columns_alike() -> None:
    columns = [[Text("x" * 200, 8)], [Text("y" * 100, 8)]]
    widths = column_widths(columns, 3000, padding=0)
    assert sum(widths) == 3000
    assert widths[0] == pytest.approx(2 * widths[1], abs=2)


# --- Language, footer, captions, header row --------------------------------------------------------


def test_the_document_language_is_dutch(word: bytes) -> None:
    styles = part(word, "word/styles.xml")
    langs = re.findall(r'<w:lang w:val="([^"]+)"', styles)
    assert langs and set(langs) == {"nl-NL"}
    assert "<w:docDefaults><w:rPrDefault><w:rPr>" in styles and 'w:lang w:val="nl-NL"' in styles.split("</w:docDefaults>")[0]
    assert '<w:themeFontLang w:val="nl-NL"' in part(word, "word/settings.xml")
    assert "<dc:language>nl-NL</dc:language>" in part(word, "docProps/core.xml")
    names = zipfile.ZipFile(io.BytesIO(word)).namelist()
    assert all('w:val="en-US"' not in part(word, n) for n in names if n.endswith(".xml") and n.startswith("word/"))


def test_every_page_has_its_number_in_the_footer(word: bytes) -> None:
    document = part(word, "word/document.xml")
    sections = re.findall(r"<w:sectPr.*?</w:sectPr>", document)
    assert sections and all('<w:footerReference w:type="default"' in s for s in sections)
    footers = [n for n in zipfile.ZipFile(io.BytesIO(word)).namelist() if re.fullmatch(r"word/footer\d+\.xml", n)]
    assert [fields(part(word, n)) for n in footers] == [["PAGE"]]


@pytest.mark.slow
def test_table_captions_carry_the_reports_numbers_as_text(bundled, word: bytes) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    assert fields(part(word, "word/document.xml")) == []  # no SEQ field a report could renumber
    captions = [p.text for p in Document(io.BytesIO(word)).paragraphs if p.style.name == "Caption"]
    assert captions == ["Tabel B2.1 Interventies tijdens de schoolloopbaan", "Tabel B2.2 Interventies voor (voortijdige) schoolverlaters"]
    leavers = [e for e in bundled.entries if e.table == "B2.2"]
    only = [p.text for p in Document(io.BytesIO(render_appendix(bundled, leavers, "docx"))).paragraphs if p.style.name == "Caption"]
    assert only == ["Tabel B2.2 Interventies voor (voortijdige) schoolverlaters"]
    english = [p.text for p in Document(io.BytesIO(render_appendix(bundled, bundled.entries, "docx", lang="en"))).paragraphs if p.style.name == "Caption"]
    assert english == ["Table B2.1 Interventions during the school career", "Table B2.2 Interventions for (early) school leavers"]


def test_the_heading_names_the_appendix_as_the_report_does(bundled, word: bytes) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    def heading(blob: bytes) -> str:
        return next(p.text for p in Document(io.BytesIO(blob)).paragraphs if p.style.name == "Heading 1")

    assert heading(word) == "Bijlage 2 Overzicht van interventies"  # sources/kwetsbare-jongeren-2023.yaml: tables[].part
    assert heading(render_appendix(bundled, bundled.entries, "docx", style="summary")) == "3.1 Interventies"


EARLIER_CAPTION = ('<w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr><w:r><w:t xml:space="preserve">Tabel 3.</w:t></w:r>'
                   '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> SEQ Tabel \\* ARABIC </w:instrText></w:r>'
                   '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
                   '<w:r><w:t xml:space="preserve"> Een tabel van het rapport</w:t></w:r></w:p>')
UPDATE_FIELDS_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub UpdateAndExport(source As String, target As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(source, &quot;_blank&quot;, 0, load())
  doc.getTextFields().refresh()
  doc.refresh()
  Dim store(0) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  store(0).Value = &quot;writer_pdf_Export&quot;
  doc.storeToURL(target, store())
  doc.close(True)
End Sub
</script:module>
"""


def updated_in_libreoffice(docx: Path) -> str:
    """The text of ``docx`` after LibreOffice updated every field (Tools > Update > Fields, as a
    macro in a profile of its own) and exported it as PDF (pdftotext)."""
    profile = docx.parent / "profile"
    soffice = [shutil.which("soffice") or "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    subprocess.run([*soffice, "--terminate_after_init"], capture_output=True, check=True, timeout=300)
    (profile / "user" / "basic" / "Standard" / "Module1.xba").write_text(UPDATE_FIELDS_MACRO, encoding="utf-8")
    pdf = docx.with_suffix(".pdf")
    subprocess.run([*soffice, f'macro:///Standard.Module1.UpdateAndExport("{docx.as_uri()}","{pdf.as_uri()}")'],
                   capture_output=True, check=True, timeout=300)
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_pasted_after_a_reports_own_caption_the_numbers_survive_a_field_update(word: bytes, tmp_path: Path) -> None:
    """The appendix pasted behind a report's "Tabel 3.1" (a SEQ Tabel caption): LibreOffice
    updates every field, and the captions still read B2.1 and B2.2 (a SEQ caption became B2.2, B2.3)."""
    require(shutil.which("soffice") is not None, "LibreOffice (soffice)")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    pasted = tmp_path / "rapport.docx"
    with zipfile.ZipFile(io.BytesIO(word)) as src, zipfile.ZipFile(pasted, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + EARLIER_CAPTION.encode("utf-8"), 1)
            dst.writestr(info, data)
    text = updated_in_libreoffice(pasted)
    assert re.findall(r"Tabel [B\d][\d.]*\d", text) == ["Tabel 3.1", "Tabel B2.1", "Tabel B2.2"]


def test_every_row_is_kept_on_one_page(word: bytes) -> None:
    xml = part(word, "word/document.xml")
    rows = [row for table in re.findall(r"<w:tbl>.*?</w:tbl>", xml) for row in re.findall(r"<w:tr>.*?</w:tr>", table)]
    assert rows and all("<w:cantSplit/>" in row for row in rows)


@pytest.mark.slow
def test_a_row_higher_than_a_page_continues_in_rows_that_name_it(catalogue_copy: Path, tmp_path: Path) -> None:
    """An entry whose activities fill more than a page: its row is cut into rows that each fit a
    page, the later ones headed "<name> (vervolg)", so every page says whose row it shows."""
    import yaml
    from docx import Document

    path = catalogue_copy / "interventions" / "boris-brengt-je-bij-een-baan.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["activities"] = "\n".join(f"- Stap {n}: de jongere en de coach bespreken samen wat er deze week is gebeurd." for n in range(1, 121))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    cat = load_catalogue(catalogue_copy)
    blob = render_appendix(cat, cat.entries, "docx")
    table = Document(io.BytesIO(blob)).tables[0]
    names = [row.cells[0].paragraphs[0].text for row in table.rows[1:]]
    continued = [n for n in names if n.endswith("(vervolg)")]
    assert continued and set(continued) == {f"{data['name']} (vervolg)"}
    assert names[:len(continued) + 1] == [data["name"], *continued]
    steps = [p.text for row in table.rows[1:len(continued) + 2] for p in row.cells[3].paragraphs]
    assert steps == [f"- Stap {n}: de jongere en de coach bespreken samen wat er deze week is gebeurd." for n in range(1, 121)]
    require(shutil.which("soffice") is not None, "LibreOffice (soffice)")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    pdf = tmp_path / "lang.pdf"
    pdf.write_bytes(render_appendix(cat, cat.entries, "pdf"))
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    holding = [i for i, page in enumerate(pages) if "Stap " in page]
    assert len(holding) >= 2
    for i in holding[1:]:  # every later page with its steps says whose row it is
        assert f"{data['name']} (vervolg)" in " ".join(pages[i].split())


def test_only_the_header_row_repeats_on_every_page(word: bytes) -> None:
    xml = part(word, "word/document.xml")
    for table in re.findall(r"<w:tbl>.*?</w:tbl>", xml):
        rows = re.findall(r"<w:tr>.*?</w:tr>", table)
        assert '<w:tblHeader w:val="true"/>' in rows[0]
        assert all("tblHeader" not in row for row in rows[1:])


# --- House style, reference document, sources ---------------------------------------------------------


def test_the_house_style_is_one_sober_sans_serif_font(word: bytes) -> None:
    from docx import Document

    styles = part(word, "word/styles.xml")
    assert "Theme=" not in styles and "theme=" not in styles  # no theme fonts (Cambria, Calibri)
    assert "Cambria" not in styles
    doc = Document(io.BytesIO(word))
    for name in ("Heading 1", "Heading 2", "Caption"):
        style = doc.styles[name]
        assert style.font.color.theme_color is None
        assert str(style.font.color.rgb) == "1A1A1A"
        assert not style.font.italic
    defaults = styles.split("</w:docDefaults>")[0]
    assert re.search(r'<w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial" w:eastAsia="Arial"/>', defaults)


@pytest.mark.slow
def test_a_reference_docx_keeps_its_own_look_and_footer(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document
    from docx.shared import RGBColor

    ref = Document()
    ref.styles["Heading 1"].font.name = "Georgia"
    ref.styles["Heading 1"].font.color.rgb = RGBColor(0x80, 0, 0)
    ref.sections[0].footer.paragraphs[0].text = "Gemeente Voorbeeld"
    reference = tmp_path / "huisstijl.docx"
    ref.save(str(reference))
    out = tmp_path / "b.docx"
    r = run_cli("render", "appendix", "-f", "docx", "--reference-docx", reference, "-o", out)
    assert r.exit_code == 0, r.stderr
    doc = Document(str(out))
    assert doc.styles["Heading 1"].font.name == "Georgia"
    assert str(doc.styles["Heading 1"].font.color.rgb) == "800000"
    assert doc.sections[0].footer.paragraphs[0].text == "Gemeente Voorbeeld"
    assert "PAGE" not in zipfile.ZipFile(out).read("word/footer1.xml").decode("utf-8")
    assert "<dc:language>nl-NL</dc:language>" in zipfile.ZipFile(out).read("docProps/core.xml").decode("utf-8")
    r = run_cli("render", "appendix", "-f", "docx", "--reference-docx", tmp_path / "geen.docx", "-o", tmp_path / "c.docx")
    assert r.exit_code == 2 and "--reference-docx" in r.stderr and "dit bestand bestaat niet" in r.stderr


def test_sources_are_listed_by_their_citation_without_editor_notes(bundled, word: bytes) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    notes = {s["note"] for e in bundled.entries if e.table for s in e.sources if len(str(s.get("note") or "").split()) > 3}
    assert notes  # the catalogue has editor notes on sources
    text = "\n".join(p.text for p in Document(io.BytesIO(word)).paragraphs)
    assert "[1]\t" in text
    assert not [n for n in notes if " ".join(n.split()) in text]


# --- PDF ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_output_is_the_word_appendix_converted_by_libreoffice(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    require(shutil.which("soffice") is not None, "LibreOffice (soffice)")
    out = tmp_path / "bijlage.pdf"
    r = run_cli("render", "appendix", "-f", "pdf", "--style", "summary", "-o", out)
    assert r.exit_code == 0, r.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = {tuple(float(x) for x in m.split()) for m in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes and all(w > h for _, _, w, h in boxes)  # landscape pages
    assert b"/Lang(nl-NL)" in data
    assert [p.name for p in tmp_path.iterdir()] == ["bijlage.pdf"]  # no temporary files left
    again = tmp_path / "again" / "bijlage.pdf"
    again.parent.mkdir()
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # another machine's time zone: the same bytes still
    assert run_cli("render", "appendix", "-f", "pdf", "--style", "summary", "-o", again).exit_code == 0
    assert again.read_bytes() == data  # the same catalogue, the same bytes: LibreOffice's stamps are made reproducible
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True,
                          env={**os.environ, "TZ": "UTC"}).stdout  # and the PDF still reads
    assert re.search(r"CreationDate:\s+\S+ \S+\s+\d+ 00:00:00 \d{4}", info), info


def test_pdf_without_libreoffice_is_a_clear_error(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on PATH
    out = tmp_path / "bijlage.pdf"
    r = run_cli("render", "appendix", "-f", "pdf", "-o", out)
    assert r.exit_code == 1
    assert r.stderr.strip() == ("jwtool: fout: --format pdf heeft LibreOffice (soffice) nodig, dat niet geïnstalleerd is of niet in PATH staat; "
                                "installeer LibreOffice, of maak --format docx en zet dat om")
    assert "Traceback" not in r.output
    assert not out.exists()
