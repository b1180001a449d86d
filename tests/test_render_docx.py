"""The Word appendix as a report needs it (issue 19, point 6), and its PDF.

Columns take the table width in proportion to their text and are never narrower than their
longest word, so LibreOffice (and Word) break no word inside: checked on the PDF LibreOffice
makes, word by word. The document is Dutch (nl-NL), numbers its pages in the footer, numbers its
tables with Word caption fields (SEQ Tabel), repeats the header row, looks sober (one sans-serif
font, no blue Cambria headings) unless a reference document gives the house style, and lists
each source by its citation only.
"""

from __future__ import annotations

import html
import io
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
def cat():  # type: ignore[no-untyped-def]
    return load_catalogue(Path(__file__).resolve().parent.parent)


@pytest.fixture(scope="module")
def word(cat) -> bytes:  # type: ignore[no-untyped-def]
    return render_appendix(cat, cat.entries, "docx")


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
def pdf_words(cat, word: bytes, tmp_path_factory: pytest.TempPathFactory) -> list[str]:  # type: ignore[no-untyped-def]
    """The words of the appendix as LibreOffice sets them in its PDF, line by line (pdftotext)."""
    require(shutil.which("soffice") is not None, "LibreOffice (soffice)")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    require(arial_metrics_installed(), "Arial or Liberation Sans (fonts-liberation)")
    pdf = tmp_path_factory.mktemp("pdf") / "bijlage.pdf"
    pdf.write_bytes(render_appendix(cat, cat.entries, "pdf"))
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [html.unescape(w) for w in re.findall(r"<word [^>]*>([^<]*)</word>", boxes)]


# --- Columns ---------------------------------------------------------------------------------------


def test_no_word_in_the_tables_is_broken_inside_in_the_pdf(word: bytes, pdf_words: list[str]) -> None:
    from docx import Document

    doc = Document(io.BytesIO(word))
    in_cells = Counter(p for table in doc.tables for row in table.rows for cell in row.cells for p in pieces(cell.text))
    in_pdf = Counter(p for w in pdf_words for p in pieces(w))
    broken = sorted(w for w, n in in_cells.items() if in_pdf[w] < n)
    assert not broken, f"broken inside in the PDF: {broken[:20]}"
    assert len(in_cells) > 1000


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


def test_table_captions_are_word_caption_fields(cat, word: bytes) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    assert fields(part(word, "word/document.xml")) == ["SEQ Tabel \\* ARABIC", "SEQ Tabel \\* ARABIC"]
    captions = [p.text for p in Document(io.BytesIO(word)).paragraphs if p.style.name == "Caption"]
    assert captions == ["Tabel B2.1 Interventies tijdens de schoolloopbaan", "Tabel B2.2 Interventies voor (voortijdige) schoolverlaters"]
    # only table B2.2 shown: its field starts the count at 2, so Word shows "B2.2", not "B2.1"
    leavers = [e for e in cat.entries if e.table == "B2.2"]
    assert fields(part(render_appendix(cat, leavers, "docx"), "word/document.xml")) == ["SEQ Tabel \\* ARABIC \\r 2"]
    summary = render_appendix(cat, cat.entries, "docx", style="summary")
    assert fields(part(summary, "word/document.xml")) == ["SEQ Tabel \\* ARABIC", "SEQ Tabel \\* ARABIC"]


def test_english_labels_number_tables_with_an_english_caption_field(cat) -> None:  # type: ignore[no-untyped-def]
    blob = render_appendix(cat, cat.entries, "docx", lang="en")
    assert fields(part(blob, "word/document.xml")) == ["SEQ Table \\* ARABIC", "SEQ Table \\* ARABIC"]


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


def test_sources_are_listed_by_their_citation_without_editor_notes(cat, word: bytes) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    notes = {s["note"] for e in cat.entries if e.table for s in e.sources if len(str(s.get("note") or "").split()) > 3}
    assert notes  # the catalogue has editor notes on sources
    text = "\n".join(p.text for p in Document(io.BytesIO(word)).paragraphs)
    assert "[1]\t" in text
    assert not [n for n in notes if " ".join(n.split()) in text]


# --- PDF ---------------------------------------------------------------------------------------------


def test_pdf_output_is_the_word_appendix_converted_by_libreoffice(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
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


def test_pdf_without_libreoffice_is_a_clear_error(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on PATH
    out = tmp_path / "bijlage.pdf"
    r = run_cli("render", "appendix", "-f", "pdf", "-o", out)
    assert r.exit_code == 1
    assert r.stderr.strip() == ("jwtool: fout: --format pdf needs LibreOffice (soffice), which is not installed or not on PATH; "
                                "install LibreOffice, or render --format docx and convert that")
    assert "Traceback" not in r.output
    assert not out.exists()
