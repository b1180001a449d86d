"""Sources as references: CSL-JSON, APA (citeproc-py with the APA CSL style), BibTeX and RIS.

Source records already use CSL-JSON field names, so CSL-JSON is the record without the
catalogue's own fields; the other formats are made from it by their libraries (citeproc-py,
bibtexparser, rispy), never by string templates, so that a title with ``{``, ``%``, ``&`` or a
line break comes out intact (in the line-based formats, APA text and RIS, a line break becomes
a space).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bibtexparser
import rispy
from bibtexparser.middlewares import LatexEncodingMiddleware
from bibtexparser.model import Entry, Field
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from jwtool.catalogue.sources import Source
from jwtool.query.export import json_text

FORMATS = ("apa", "bibtex", "ris", "csl-json")
EXPORT_FORMATS = ("csl-json", "bibtex", "ris")
STYLE = Path(__file__).resolve().parent / "styles" / "apa.csl"  # CC BY-SA 3.0, see styles/README.md
CSL_FIELDS = ("id", "type", "title", "author", "editor", "issued", "accessed", "publisher", "publisher-place", "genre",
              "container-title", "URL", "DOI", "note", "page", "number", "language")
_BIBTEX_TYPE = {"report": "techreport", "thesis": "phdthesis", "book": "book", "article-journal": "article"}
_RIS_TYPE = {"report": "RPRT", "webpage": "ELEC", "book": "BOOK", "article-journal": "JOUR", "dataset": "DATA", "thesis": "THES"}
_LOCALE = {"nl": "nl-NL", "en": "en-US"}
_SPACE = re.compile(r"\s+")


def csl_item(source: Source) -> dict[str, Any]:
    """The source as one CSL-JSON item (the catalogue's own fields left out)."""
    return {k: source.data[k] for k in CSL_FIELDS if k in source.data}


def csl_json(sources: Sequence[Source]) -> str:
    return json_text([csl_item(s) for s in sources], indent=2) + "\n"


def _one_line(value: Any) -> Any:
    """Strings with every run of whitespace (line breaks too) as one space, for line-based formats."""
    if isinstance(value, str):
        return _SPACE.sub(" ", value).strip()
    if isinstance(value, list):
        return [_one_line(v) for v in value]
    if isinstance(value, dict):
        return {k: _one_line(v) for k, v in value.items()}
    return value


def _year(item: dict[str, Any]) -> str:
    parts = (item.get("issued") or {}).get("date-parts") if isinstance(item.get("issued"), dict) else None
    return str(parts[0][0]) if parts and parts[0] else ""


def _names(item: dict[str, Any]) -> list[str]:
    out = []
    for n in item.get("author") or []:
        if isinstance(n, dict):
            name = n.get("literal") or ", ".join(x for x in (n.get("family"), n.get("given")) if x)
            if name:
                out.append(str(name))
    return out


def _title_as_author(item: dict[str, Any]) -> dict[str, Any]:
    """APA's rule for a work without author or editor: the title (with its description in
    brackets) moves to the author position, and is not repeated after the date. The APA CSL style
    asks for this by substituting the title for the author, which citeproc-py renders without
    suppressing the title later ("Title. (n.d.). Title."); giving citeproc-py the title as the
    author's literal name, and no title, yields APA's form, sorted by title as APA sorts it."""
    if item.get("author") or item.get("editor") or not item.get("title"):
        return item
    out = {k: v for k, v in item.items() if k not in ("title", "genre")}
    genre = f" [{item['genre']}]" if item.get("genre") else ""
    out["author"] = [{"literal": f"{item['title']}{genre}"}]
    return out


def apa(sources: Sequence[Source], lang: str = "nl") -> str:
    """A reference list in APA style (7th edition), one reference a line, in APA's order."""

    items = [_title_as_author(_one_line(csl_item(s))) for s in sources]
    if not items:
        return ""
    style = CitationStylesStyle(str(STYLE), validate=False, locale=_LOCALE.get(lang, "nl-NL"))
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    bib.sort()  # the style's order (APA: by author, or by title where the title is in the author position)
    return "".join(_SPACE.sub(" ", str(ref)).strip() + "\n" for ref in bib.bibliography())


def bibtex(sources: Sequence[Source]) -> str:
    """BibTeX entries (LaTeX special characters encoded by bibtexparser), one per source."""

    library = bibtexparser.Library()
    for s in sources:
        item = csl_item(s)
        kind = _BIBTEX_TYPE.get(str(item.get("type")), "misc")
        fields = [Field("title", item["title"])] if item.get("title") else []
        if _names(item):
            fields.append(Field("author", " and ".join(_names(item))))
        if _year(item):
            fields.append(Field("year", _year(item)))
        if item.get("publisher"):
            fields.append(Field("institution" if kind == "techreport" else "publisher", item["publisher"]))
        for csl, bib in (("publisher-place", "address"), ("genre", "type"), ("DOI", "doi"), ("note", "note")):
            if item.get(csl):
                fields.append(Field(bib, str(item[csl])))
        if item.get("URL"):
            fields.append(Field("url", item["URL"]))
        library.add(Entry(kind, s.id, fields))
    return bibtexparser.write_string(library, prepend_middleware=[LatexEncodingMiddleware(keep_math=False)])


def ris(sources: Sequence[Source]) -> str:
    """RIS records (rispy), one per source; line breaks in values become spaces (RIS is line-based)."""

    records = []
    for s in sources:
        item = _one_line(csl_item(s))
        rec: dict[str, Any] = {"type_of_reference": _RIS_TYPE.get(str(item.get("type")), "GEN"), "id": s.id}
        for csl, key in (("title", "title"), ("publisher", "publisher"), ("publisher-place", "place_published"), ("DOI", "doi")):
            if item.get(csl):
                rec[key] = str(item[csl])
        if _names(item):
            rec["authors"] = _names(item)
        if _year(item):
            rec["year"] = _year(item)
        if item.get("URL"):
            rec["urls"] = [item["URL"]]
        if item.get("note"):
            rec["notes"] = [str(item["note"])]
        records.append(rec)

    class Plain(rispy.RisWriter):  # type: ignore[misc]
        """RIS as reference managers write it: records apart by a blank line, no "1." counter."""

        def set_header(self, count: int) -> str:
            return ""

    return rispy.dumps(records, implementation=Plain)


def render(sources: Sequence[Source], fmt: str, lang: str = "nl") -> str:
    """The sources in one of FORMATS."""
    if fmt == "csl-json":
        return csl_json(sources)
    if fmt == "bibtex":
        return bibtex(sources)
    if fmt == "ris":
        return ris(sources)
    return apa(sources, lang)
