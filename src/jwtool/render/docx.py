"""The appendix as a Word document (python-docx), from the same view model as the templates.

What report writers need from it: real Word tables (not text laid out with tabs), a header row
that Word repeats on every page (``w:tblHeader``), landscape A4 pages, and named paragraph styles
("JW Tabelkop", "JW Tabeltekst", ...) that a report can restyle once for the whole appendix. An
organisation can also put a ``reference.docx`` in its templates folder: its styles, page setup
and headers/footers are used and its body text is dropped (as pandoc's reference-doc does).

Entry text is untrusted: control characters are removed, nothing is interpreted as a field or
formula, and only http(s) URLs become hyperlinks. The bytes are deterministic: fixed zip
timestamps and document properties taken from the catalogue's own date.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jwtool.catalogue.text import http_url
from jwtool.labels import label
from jwtool.render.environment import RenderError
from jwtool.render.fields import clean

STYLE_HEADER = "JW Tabelkop"
STYLE_CELL = "JW Tabeltekst"
STYLE_ITEM = "JW Tabelopsomming"
STYLE_NAME = "JW Interventienaam"
STYLE_SOURCE = "JW Bron"
STYLE_NOTE = "JW Toelichting"
TABLE_STYLE = "Table Grid"

# Column widths in cm for A4 landscape with 1.5 cm margins (26.7 cm of text width).
FULL_WIDTHS = {"interventie": 3.4, "target_group": 3.0, "goals": 3.0, "activities": 4.4, "course": 3.0,
               "results": 3.5, "evidence": 3.0, "working_elements": 3.4}
SUMMARY_WIDTHS = {"interventie": 5.5, "target_group": 6.0, "goals": 6.0, "components": 9.2}
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def docx_text(value: Any) -> str:
    """Text that Word accepts: no control characters (XML 1.0 forbids most of them)."""
    return clean(value)


CORE_PROPERTY_LIMIT = 255  # characters: the Office Open XML core properties allow no more


def _property_text(value: Any) -> str:
    """Text for a core property (title, subject): cut to the format's 255 characters with an
    ellipsis. Only the file's metadata is cut; the document's own text stays whole."""
    text = docx_text(value)
    return text if len(text) <= CORE_PROPERTY_LIMIT else text[:CORE_PROPERTY_LIMIT - 1].rstrip() + "…"


def _paragraphs(text: str) -> list[str]:
    return [" ".join(line.split()) for line in docx_text(text).split("\n") if line.strip()]


def _ensure_styles(doc: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = doc.styles
    names = {s.name for s in styles}

    def para(name: str, size: float, bold: bool = False, base: str = "Normal", after: float = 0.0) -> None:
        if name in names:
            return  # a reference.docx defines it: keep the house style
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = bold
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.space_before = Pt(0)

    para(STYLE_HEADER, 8.5, bold=True)
    para(STYLE_CELL, 8, after=2)
    para(STYLE_ITEM, 8, after=1)
    para(STYLE_NAME, 8.5, bold=True, after=2)
    para(STYLE_SOURCE, 8.5, after=2)
    para(STYLE_NOTE, 9, after=4)
    if STYLE_ITEM not in names:
        fmt = styles[STYLE_ITEM].paragraph_format
        from docx.shared import Cm

        fmt.left_indent = Cm(0.3)
        fmt.first_line_indent = Cm(-0.3)
    if STYLE_NOTE not in names:
        styles[STYLE_NOTE].font.color.rgb = RGBColor(0x3D, 0x3D, 0x3D)


def _landscape(section: Any) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.5))
    for side in ("top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))


def _repeat_header(row: Any) -> None:
    """Mark a row as a header row that Word repeats at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _add_hyperlink(paragraph: Any, url: str, text: str) -> None:
    """A real Word hyperlink (only ever called with a checked http(s) URL)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0B4F9C")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.extend([color, underline])
    run.append(props)
    t = OxmlElement("w:t")
    t.text = docx_text(text)
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _fill_cell(cell: Any, paragraphs: list[tuple[str, str]]) -> None:
    """Write (style, text) paragraphs into a cell, reusing its first empty paragraph."""
    first = True
    for style, text in paragraphs:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.style = style
        p.add_run(text)
    if first:
        cell.paragraphs[0].style = STYLE_CELL


def _clear_body(doc: Any) -> None:
    """Drop a reference document's body content but keep its final section properties."""
    body = doc.element.body
    for child in list(body):
        if child.tag.endswith("}sectPr"):
            continue
        body.remove(child)


def _normalise_zip(data: bytes) -> bytes:
    """Same content, same bytes: fixed timestamps and order in the zip container."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def appendix_docx(context: dict[str, Any], reference: Path | None = None) -> bytes:
    """The appendix view model (:func:`jwtool.render.appendix_context`) as .docx bytes."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    lang = context["lang"]
    try:
        doc = Document(str(reference)) if reference else Document()
    except Exception as exc:  # noqa: BLE001 - python-docx raises several types for a bad file

        raise RenderError(f"{reference}: not a usable Word reference document: {exc}") from None
    if reference:
        _clear_body(doc)
    _ensure_styles(doc)
    for section in doc.sections:
        _landscape(section)

    date = context.get("date") or ""
    props = doc.core_properties
    props.title = _property_text(context["title"])
    props.subject = _property_text(context.get("catalogue_title") or "")
    props.author = "jwtool"
    props.last_modified_by = "jwtool"
    props.revision = 1
    props.comments = ""
    props.keywords = "jeugdwerkloosheid; interventies"
    stamp = datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=timezone.utc) if date else datetime(2000, 1, 1, tzinfo=timezone.utc)
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp

    doc.add_heading(docx_text(context["title"]), level=1)
    report = context.get("report") or {}
    if report.get("citation"):
        doc.add_paragraph(f"{label('source_report', lang)}: {docx_text(report['citation'])}", style=STYLE_NOTE)

    columns = context["columns"]
    widths = SUMMARY_WIDTHS if context["style"] == "summary" else FULL_WIDTHS
    tables = context["tables"]
    if not tables:
        doc.add_paragraph(label("no_rows", lang), style=STYLE_NOTE)
    for table_ctx in tables:
        caption = doc.add_paragraph(f"{label('table.caption', lang)} {table_ctx['id']} {docx_text(table_ctx['title'])}", style="Caption")
        caption.paragraph_format.keep_with_next = True
        table = doc.add_table(rows=1, cols=len(columns))
        try:
            table.style = doc.styles[TABLE_STYLE]
        except KeyError:
            pass  # a reference document without "Table Grid": its default table look applies
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        header = table.rows[0]
        _repeat_header(header)
        for cell, col in zip(header.cells, columns):
            _fill_cell(cell, [(STYLE_HEADER, docx_text(col["label"]))])
        for row_ctx in table_ctx["rows"]:
            cells = table.add_row().cells
            first: list[tuple[str, str]] = [(STYLE_NAME, docx_text(row_ctx["name"]))]
            first += [(STYLE_CELL, p) for p in _paragraphs(row_ctx["providers"])]
            if row_ctx["refs"]:
                refs = " ".join(f"[{r['n']}]" for r in row_ctx["refs"])
                first.append((STYLE_CELL, f"{label('sources', lang)}: {refs}"))
            _fill_cell(cells[0], first)
            for cell, cell_ctx in zip(cells[1:], row_ctx["cells"]):
                if cell_ctx["items"]:
                    _fill_cell(cell, [(STYLE_ITEM, "• " + " ".join(docx_text(i).split())) for i in cell_ctx["items"]])
                else:
                    _fill_cell(cell, [(STYLE_CELL, p) for p in _paragraphs(cell_ctx["text"])])
        for row in table.rows:
            for cell, col in zip(row.cells, columns):
                cell.width = Cm(widths.get(col["key"], 3.0))
        doc.add_paragraph("", style=STYLE_NOTE)

    if context["sources"]:
        doc.add_heading(label("sources", lang), level=2)
        for s in context["sources"]:
            p = doc.add_paragraph(style=STYLE_SOURCE)
            p.paragraph_format.left_indent = Cm(0.8)
            p.paragraph_format.first_line_indent = Cm(-0.8)
            p.add_run(f"[{s['n']}]\t")
            p.add_run(docx_text(s["title"]))
            link = http_url(s["url"])
            if link:
                p.add_run(" ")
                _add_hyperlink(p, link, link)
            elif s["url"] and s["url"] != s["title"]:
                p.add_run(f" ({docx_text(s['url'])})")  # not a web address: shown as text only
            if s.get("note"):
                p.add_run(f" — {docx_text(s['note'])}")
    if date:
        doc.add_paragraph(f"{label('catalogue_date', lang)}: {date}", style=STYLE_NOTE).runs[0].font.size = Pt(8)

    buffer = io.BytesIO()
    doc.save(buffer)
    return _normalise_zip(buffer.getvalue())
