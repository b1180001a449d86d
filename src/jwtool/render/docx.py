"""The appendix as a Word document (python-docx), from the same view model as the templates.

Real Word tables whose columns follow their text (no word broken inside), a header row repeated
on every page, rows kept on one page (a row higher than a page continues in rows headed
"<name> (vervolg)"), plain-text captions that keep the report's numbers, page numbers, Dutch as
the document language, landscape A4, and named paragraph styles ("JW Tabelkop", ...) that a report
can restyle once. A ``reference.docx`` (templates folder or ``--reference-docx``) gives its styles,
page setup and headers/footers instead; its body text is dropped, as pandoc's reference-doc does.

Entry text is untrusted: control characters are removed, nothing in it becomes a field or formula,
and only http(s) URLs become hyperlinks. The bytes are deterministic: fixed zip timestamps and
document properties from the catalogue's own date.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

from jwtool.catalogue.text import http_url
from jwtool.labels import Message, label
from jwtool.labels.fields import clean as docx_text  # Word takes no control characters (XML 1.0 forbids most)
from jwtool.render.columns import Text, column_widths
from jwtool.render.docxrows import PAGE_SHARE, Cell, Metrics, fitting_rows, paragraph_height
from jwtool.render.environment import RenderError

STYLE_HEADER = "JW Tabelkop"
STYLE_CELL = "JW Tabeltekst"
STYLE_ITEM = "JW Tabelopsomming"
STYLE_NAME = "JW Interventienaam"
STYLE_SOURCE = "JW Bron"
STYLE_NOTE = "JW Toelichting"
TABLE_STYLE = "Table Grid"

# The entry text is Dutch whatever the label language, so the document is Dutch for spelling.
DOCUMENT_LANGUAGE = "nl-NL"
HOUSE_FONT = "Arial"  # sans-serif on every Word; LibreOffice shows Liberation Sans or DejaVu Sans
HOUSE_COLOR = (0x1A, 0x1A, 0x1A)
CELL_MARGIN = 57  # twips (0.1 cm) left and right in a table cell: narrow, as in the report's tables
CELL_PADDING = 2 * CELL_MARGIN / 20 + 1.5  # points a cell's text is narrower than its column (margins, borders)
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


CORE_PROPERTY_LIMIT = 255  # characters: the Office Open XML core properties allow no more


def _property_text(value: Any) -> str:
    """Text for a core property (title, subject): cut to the format's 255 characters with an
    ellipsis. Only the file's metadata is cut; the document's own text stays whole."""
    text = docx_text(value)
    return text if len(text) <= CORE_PROPERTY_LIMIT else text[:CORE_PROPERTY_LIMIT - 1].rstrip() + "…"


def _paragraphs(text: str) -> list[str]:
    return [" ".join(line.split()) for line in docx_text(text).split("\n") if line.strip()]


# --- Styles and language ------------------------------------------------------------------------


def _ensure_styles(doc: Any) -> None:
    """Add jwtool's named styles (and Word's Caption and Footer) where the document lacks them."""
    styles = doc.styles
    names = {s.name for s in styles}

    def para(name: str, size: float, bold: bool = False, after: float = 0.0) -> Any:
        if name in names:
            return None  # a reference.docx defines it: keep the house style
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = bold
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.space_before = Pt(0)
        return style

    para("Caption", 9, bold=True, after=3)
    para("Footer", 8)
    para(STYLE_HEADER, 8.5, bold=True)
    para(STYLE_CELL, 8, after=2)
    if item := para(STYLE_ITEM, 8, after=1):
        item.paragraph_format.left_indent, item.paragraph_format.first_line_indent = Cm(0.3), Cm(-0.3)
    para(STYLE_NAME, 8.5, bold=True, after=2)
    para(STYLE_SOURCE, 8.5, after=2)
    if note := para(STYLE_NOTE, 9, after=4):
        note.font.color.rgb = RGBColor(0x3D, 0x3D, 0x3D)


def _house_style(doc: Any) -> None:
    """A sober look instead of python-docx's template (Cambria, blue headings): one sans-serif
    font, dark grey headings and captions. Not applied over a reference.docx."""
    for fonts in doc.styles.element.iter(qn("w:rFonts")):  # theme fonts (Cambria, Calibri) → Arial
        themed = [key for key in fonts.attrib if key.lower().endswith("theme")]
        if themed or fonts.getparent().getparent().tag == qn("w:rPrDefault"):
            for key in themed:
                del fonts.attrib[key]
            for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
                fonts.set(qn(f"w:{slot}"), HOUSE_FONT)
    styles = doc.styles
    styles["Normal"].font.size = Pt(10)
    looks = {"Title": (16, 0, 8), "Heading 1": (14, 0, 6), "Heading 2": (11, 12, 4), "Caption": (9, 8, 3)}
    for name, (size, before, after) in looks.items():
        style = styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(*HOUSE_COLOR)
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        border = style.element.find(f"{qn('w:pPr')}/{qn('w:pBdr')}")
        if border is not None:  # the template's blue rule under the title
            border.getparent().remove(border)
    styles["Caption"].paragraph_format.keep_with_next = True


def _element(tag: str, attrs: dict[str, str] | None = None, *children: Any, text: str | None = None) -> Any:
    """An Office Open XML element with its attributes (``{"w:val": "true"}``), children or text."""
    element = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        element.set(qn(name), value)
    element.extend(children)
    if text is not None:
        element.text = text
    return element


def _child(parent: Any, tag: str, first: bool = False) -> Any:
    """``parent``'s child element ``tag`` (for example "w:lang"), added if missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.insert(0, found) if first else parent.append(found)
    return found


def _language(doc: Any) -> None:
    """Dutch as the language of every style, of the document defaults and of the core properties,
    so Word and LibreOffice check spelling (and choose quotes and hyphenation) as Dutch."""
    styles = doc.styles.element
    defaults = _child(_child(_child(styles, "w:docDefaults", first=True), "w:rPrDefault", first=True), "w:rPr")
    _child(defaults, "w:lang")
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), DOCUMENT_LANGUAGE)
    settings = doc.settings.element
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), DOCUMENT_LANGUAGE)
    proof = settings.find(qn("w:proofState"))
    if proof is not None:  # "already checked": would keep Word from checking the Dutch text
        settings.remove(proof)
    doc.core_properties.language = DOCUMENT_LANGUAGE
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):  # Word 2010's second copy of the styles (en-US)
            doc.part.drop_rel(r_id)


# --- Page setup, fields --------------------------------------------------------------------------


def _page_numbers(section: Any) -> None:
    """The page number centred in the footer, unless the reference has a footer: a Word field
    (``PAGE``) showing "1" until Word or LibreOffice computes it again."""
    if not section.footer.is_linked_to_previous:
        return  # the reference document's own footer
    paragraph = section.footer.paragraphs[0]
    paragraph.style = "Footer"
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for tag, attrs, text in (("w:fldChar", {"w:fldCharType": "begin"}, None), ("w:instrText", {"xml:space": "preserve"}, " PAGE "),
                             ("w:fldChar", {"w:fldCharType": "separate"}, None), ("w:t", None, "1"), ("w:fldChar", {"w:fldCharType": "end"}, None)):
        paragraph._p.append(_element("w:r", None, _element(tag, attrs, text=text)))


# --- Tables --------------------------------------------------------------------------------------


def _add_hyperlink(paragraph: Any, url: str, text: str) -> None:
    """A real Word hyperlink (only ever called with a checked http(s) URL)."""
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    t = _element("w:t", {"xml:space": "preserve"}, text=docx_text(text))
    props = _element("w:rPr", None, _element("w:color", {"w:val": "0B4F9C"}), _element("w:u", {"w:val": "single"}))
    paragraph._p.append(_element("w:hyperlink", {"r:id": r_id}, _element("w:r", None, props, t)))


def _style_metrics(doc: Any, name: str) -> tuple[float, bool, float, float]:
    """Font size (points), bold, left indent and space after (points) of a paragraph style,
    following its base styles; a reference.docx may set them differently from jwtool's own styles."""
    chain = []
    style = doc.styles[name]
    while style is not None:
        chain.append(style)
        style = style.base_style

    def first(get: Callable[[Any], Any]) -> Any:  # from the nearest style that sets it
        return next((v for v in map(get, chain) if v is not None), None)

    size, bold = first(lambda s: s.font.size), first(lambda s: s.font.bold)
    indent, after = first(lambda s: s.paragraph_format.left_indent), first(lambda s: s.paragraph_format.space_after)
    return size.pt if size else 11.0, bool(bold), max(indent.pt if indent else 0.0, 0.0), after.pt if after else 0.0


def _add_table(doc: Any, header: list[Cell], rows: list[tuple[str, list[Cell]]], width: int, height: int,
               continued: Callable[[str], str]) -> None:
    """A table whose header row repeats on every page and whose columns share ``width`` (twips)
    in proportion to their text, each at least as wide as its longest word. Every row is kept on
    one page; a row higher than a page (``height`` twips of text) becomes several that each name
    their intervention (``continued``)."""
    every = [header, *(cells for _, cells in rows)]
    metrics: Metrics = {name: _style_metrics(doc, name) for name in {s for row in every for cell in row for s, _ in cell}}
    metrics.setdefault(STYLE_NAME, _style_metrics(doc, STYLE_NAME))
    columns = [[Text(text, *metrics[style][:3]) for row in every for style, text in row[i]] for i in range(len(header))]
    widths = column_widths(columns, width, CELL_PADDING)
    text_widths = [w / 20 - CELL_PADDING for w in widths]
    header_height = max(sum(paragraph_height(s, t, w, metrics) for s, t in cell) for cell, w in zip(header, text_widths))
    budget = height / 20 * PAGE_SHARE - header_height

    table = doc.add_table(rows=1, cols=len(header))
    try:
        table.style = doc.styles[TABLE_STYLE]
    except KeyError:
        pass  # a reference document without "Table Grid": its default table look applies
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    props = table._tbl.tblPr  # a fixed width, narrow left and right cell margins
    table_width = props.find(qn("w:tblW"))
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(width))
    margins = _element("w:tblCellMar", None, *(_element(f"w:{side}", {"w:w": str(CELL_MARGIN), "w:type": "dxa"}) for side in ("left", "right")))
    look = props.find(qn("w:tblLook"))
    look.addprevious(margins) if look is not None else props.append(margins)

    def fill(row: Any, cells: list[Cell]) -> None:
        """Word and LibreOffice move a row that does not fit the rest of a page to the next one
        whole; each cell's (style, text) paragraphs go in its first empty paragraph and after."""
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, paragraphs in zip(row.cells, cells):
            for i, (style, text) in enumerate(paragraphs):
                p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                p.style = style
                p.add_run(text)
            if not paragraphs:
                cell.paragraphs[0].style = STYLE_CELL

    table.rows[0]._tr.get_or_add_trPr().append(_element("w:tblHeader", {"w:val": "true"}))  # repeated on every page
    fill(table.rows[0], header)
    for name, cells in rows:
        for part in fitting_rows(name, cells, text_widths, budget, metrics, continued, STYLE_NAME):
            fill(table.add_row(), part)
    for column, twips in zip(table.columns, widths):
        column.width = Twips(twips)
    for row in table.rows:
        for cell, twips in zip(row.cells, widths):
            cell.width = Twips(twips)


def _row_cells(row_ctx: dict[str, Any], lang: str) -> list[Cell]:
    """The cells of one intervention's row: name, providers and source numbers, then its columns."""
    first: Cell = [(STYLE_NAME, docx_text(row_ctx["name"]))]
    first += [(STYLE_CELL, p) for p in _paragraphs(row_ctx["providers"])]
    if row_ctx["refs"]:
        refs = " ".join(f"[{r['n']}]" for r in row_ctx["refs"])
        first.append((STYLE_CELL, f"{label('sources', lang)}: {refs}"))
    return [first, *([(STYLE_ITEM, "• " + " ".join(docx_text(i).split())) for i in c["items"]] if c["items"]  # a bullet per item
                     else [(STYLE_CELL, p) for p in _paragraphs(c["text"])] for c in row_ctx["cells"])]


# --- The document --------------------------------------------------------------------------------


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


def _properties(doc: Any, context: dict[str, Any]) -> None:
    date = context.get("date") or ""
    props = doc.core_properties
    props.title = _property_text(context["title"])
    props.subject = _property_text(context.get("catalogue_title") or "")
    props.author = props.last_modified_by = "jwtool"
    props.revision = 1
    props.comments = ""
    props.keywords = "jeugdwerkloosheid; interventies"
    stamp = datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=timezone.utc) if date else datetime(2000, 1, 1, tzinfo=timezone.utc)
    props.created = props.modified = props.last_printed = stamp


def appendix_docx(context: dict[str, Any], reference: Path | None = None) -> bytes:
    """The appendix view model (:func:`jwtool.render.appendix.appendix_context`) as .docx bytes."""
    lang = context["lang"]
    try:
        doc = Document(str(reference)) if reference else Document()
    except Exception:  # noqa: BLE001 - python-docx raises several types (in English) for a bad file
        raise RenderError(Message("error.docx.reference", file=str(reference))) from None
    if reference:  # its body goes, its final section properties stay
        for child in list(doc.element.body):
            if not child.tag.endswith("}sectPr"):
                doc.element.body.remove(child)
    else:
        _house_style(doc)
    _ensure_styles(doc)
    _language(doc)
    for section in doc.sections:  # landscape A4
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(1.5)
        _page_numbers(section)
    _properties(doc, context)

    doc.add_heading(docx_text(context["title"]), level=1)
    report = context.get("report") or {}
    if report.get("citation"):
        doc.add_paragraph(f"{label('source_report', lang)}: {docx_text(report['citation'])}", style=STYLE_NOTE)

    section = doc.sections[-1]
    width = (section.page_width - section.left_margin - section.right_margin) // 635  # EMU → twips
    height = (section.page_height - section.top_margin - section.bottom_margin) // 635
    tables = context["tables"]
    if not tables:
        doc.add_paragraph(label("no_rows", lang), style=STYLE_NOTE)
    for table_ctx in tables:
        # "Tabel B2.1 <title>" in Word's Caption style, its number plain text: pasted into a report that
        # numbers its own tables with ``SEQ Tabel`` fields, an updated field would count the report's
        # tables too and renumber the appendix (B2.1 becoming B2.3); a table of figures still collects it
        caption = doc.add_paragraph(style="Caption")
        caption.paragraph_format.keep_with_next = True
        caption.add_run(" ".join(filter(None, map(docx_text, (label("table.caption", lang), table_ctx["id"], table_ctx["title"])))))
        header = [[(STYLE_HEADER, docx_text(col["label"]))] for col in table_ctx["columns"]]  # the first names the table's kind
        rows = [(docx_text(row["name"]), _row_cells(row, lang)) for row in table_ctx["rows"]]
        _add_table(doc, header, rows, width, height, lambda name: docx_text(label("table.continued", lang, name=name)))
        doc.add_paragraph("", style=STYLE_NOTE)

    if context["sources"]:
        doc.add_heading(label("sources", lang), level=2)
        for s in context["sources"]:  # the citation only: editor notes are not for readers
            p = doc.add_paragraph(style=STYLE_SOURCE)
            p.paragraph_format.left_indent, p.paragraph_format.first_line_indent = Cm(0.8), Cm(-0.8)
            p.add_run(f"[{s['n']}]\t")
            p.add_run(docx_text(s["title"]))
            link = http_url(s["url"])
            if link:
                p.add_run(" ")
                _add_hyperlink(p, link, link)
            elif s["url"] and s["url"] != s["title"]:
                p.add_run(f" ({docx_text(s['url'])})")  # not a web address: shown as text only
    if date := context.get("date"):
        doc.add_paragraph(f"{label('catalogue_date', lang)}: {date}", style=STYLE_NOTE).runs[0].font.size = Pt(8)

    buffer = io.BytesIO()
    doc.save(buffer)
    return _normalise_zip(buffer.getvalue())
