"""Sources as references: CSL-JSON, APA (citeproc-py with the APA CSL style), BibTeX and RIS.

Source records already use CSL-JSON field names, so CSL-JSON is the record without the
catalogue's own fields; APA and RIS are made from it by their libraries (citeproc-py, rispy),
BibTeX by :func:`bibtex` with the escaping documented at :func:`latex_text`, so that a title with
``{``, ``%``, ``&`` or a line break comes out intact (in the line-based formats, APA text and
RIS, a line break becomes a space). tests/readers/test_citation_readers.py reads each format back with
independent readers (biber, pybtex, pandoc, rispy, citeproc-py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from jwtool.catalogue.sources import Source
from jwtool.labels import fields
from jwtool.query.export import json_text

FORMATS = ("apa", "bibtex", "ris", "csl-json")
EXPORT_FORMATS = ("csl-json", "bibtex", "ris")
STYLE = Path(__file__).resolve().parent / "styles" / "apa.csl"  # CC BY-SA 3.0, see styles/README.md
CSL_FIELDS = ("id", "type", "title", "author", "editor", "issued", "accessed", "publisher", "publisher-place", "genre",
              "container-title", "URL", "DOI", "note", "page", "number", "language")
_RIS_TYPE = {"report": "RPRT", "webpage": "ELEC", "book": "BOOK", "article-journal": "JOUR", "dataset": "DATA", "thesis": "THES"}
_LOCALE = {"nl": "nl-NL", "en": "en-US"}


def csl_item(source: Source) -> dict[str, Any]:
    """The source as one CSL-JSON item (the catalogue's own fields left out)."""
    return {k: source.data[k] for k in CSL_FIELDS if k in source.data}


def csl_json(sources: Sequence[Source]) -> str:
    return json_text([csl_item(s) for s in sources], indent=2) + "\n"


def _one_line(value: Any) -> Any:
    """Strings with every run of whitespace (line breaks too) as one space, for line-based formats."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_one_line(v) for v in value]
    if isinstance(value, dict):
        return {k: _one_line(v) for k, v in value.items()}
    return value


def _year(item: dict[str, Any]) -> str:
    parts = (item.get("issued") or {}).get("date-parts") if isinstance(item.get("issued"), dict) else None
    return str(parts[0][0]) if parts and parts[0] else ""


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
    dated = {i["id"]: _dated_title(i) for i in items}
    refs = []
    for cited, ref in zip(bib.items, bib.bibliography()):
        text = " ".join(str(ref).split())
        head = dated[cited.key]
        if head and text.startswith(head):  # "Aa et al. (2016)." rather than "Aa et al. (2016). (2016)."
            text = head + _DATE_AFTER_HEAD.sub(".", text[len(head):], count=1)
        refs.append(text + "\n")
    return "".join(refs)


_DATE_AFTER_HEAD = re.compile(r"^\. \([^()]*\)\.")


def _dated_title(item: dict[str, Any]) -> str:
    """The author-position title of a work whose title already ends in its year (a placeholder
    such as "Aa et al. (2016)", or "(Movisie, 2019)" after the name), when the work has no other
    date or that same year: APA's date after it would only repeat the year, or say "(n.d.)" of a
    work whose year stands right there. Empty for every other work."""
    names = item.get("author") or []
    literal = str(names[0].get("literal", "")) if len(names) == 1 and isinstance(names[0], dict) else ""
    own = fields.title_year(literal)
    if not own or item.get("title"):
        return ""
    year = _year(item)
    return literal if not year or year == own else ""


# --- BibTeX ---------------------------------------------------------------------------------------
# biblatex's entry types and field names, which biber and pandoc read (and pybtex parses): a CSL
# type without its own biblatex type is @misc.
_BIBTEX_TYPE = {"report": "report", "webpage": "online", "document": "misc", "dataset": "dataset",
                "book": "book", "article-journal": "article", "thesis": "thesis"}
# The field biblatex's data model gives a publisher in each type (biber --validate-datamodel calls
# any other "Invalid field"); pandoc reads each of them back as the publisher.
_BIBTEX_PUBLISHER = {"report": "institution", "thesis": "institution", "online": "organization", "misc": "organization"}
_BIBLATEX_LANG = {"nl": "dutch", "en": "english", "de": "german", "fr": "french"}
# LaTeX's special characters as text-mode commands. Braces are the hard case: BibTeX, biber and
# pybtex count every brace in a value, escaped or not, so a lone "\{" runs the value on into the
# next entry; pandoc, on the other hand, reads only "\{" and "\}" as brace characters. Braces that
# pair up in the text are therefore written "\{" ... "\}" (balanced for every reader, read as
# braces by all), and a brace without a partner as \textbraceleft{} or \textbraceright{}, which
# every reader parses and LaTeX prints, but which pandoc leaves out of its text.
_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
          "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_LONE_BRACE = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
_LATEX_SPECIAL = re.compile(r"[\\&%$#_~^{}]")
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")


def paired_braces(text: str) -> set[int]:
    """The positions of the braces in ``text`` that have a partner ("{" before its "}")."""
    paired: set[int] = set()
    opened: list[int] = []
    for i, ch in enumerate(text):
        if ch == "{":
            opened.append(i)
        elif ch == "}" and opened:
            paired.update((opened.pop(), i))
    return paired


def latex_text(text: str) -> str:
    """``text`` as the value of a BibTeX field: UTF-8 kept as it is (biber, pandoc and pybtex read
    it; no ``{\\textendash}``), white space as one space, LaTeX's special characters escaped, braces
    balanced (see _LONE_BRACE), so a title can neither end its field nor start an entry."""
    text = " ".join(text.split())
    paired = paired_braces(text)

    def one(m: re.Match[str]) -> str:
        ch = m.group()
        if ch in _LONE_BRACE:
            return "\\" + ch if m.start() in paired else _LONE_BRACE[ch]
        return _LATEX[ch]

    return _LATEX_SPECIAL.sub(one, text)


def _safe_url(url: str) -> str:
    """A URL as BibTeX's verbatim ``url`` field and RIS's UR want it: bare (no ``\\url``), with
    anything that is not a URL character (braces, a backslash, spaces) percent-encoded, so it can
    neither unbalance a BibTeX entry nor be cut at a space."""
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), url.strip())


def _bib_name(name: dict[str, Any]) -> str:
    """One CSL name as a BibTeX name: an organisation (``literal``) in braces, so it stays one name
    ("{Department for Work and Pensions}"); a person as "von Last, Jr, First", each part braced
    when it holds a comma or the word "and", which would split it."""
    def part(value: Any) -> str:
        text = latex_text(str(value))
        return "{" + text + "}" if "," in text or re.search(r"\band\b", text, re.I) else text

    if name.get("literal"):
        return "{" + latex_text(str(name["literal"])) + "}"
    family = " ".join(part(name[k]) for k in ("dropping-particle", "non-dropping-particle", "family") if name.get(k))
    return ", ".join(x for x in (family, *(part(name[k]) for k in ("suffix", "given") if name.get(k))) if x)


def _bib_date(value: Any) -> str:
    """A CSL date as biblatex's ISO 8601 ``date`` (2019, 2019-10, 2019-10-31, or a range a/b)."""
    parts = value.get("date-parts") if isinstance(value, dict) else None
    if not parts:
        return ""
    return "/".join("-".join(f"{int(n):04d}" if i == 0 else f"{int(n):02d}" for i, n in enumerate(p)) for p in parts if p)


def bibtex(sources: Sequence[Source]) -> str:
    """BibTeX (biblatex fields), one entry per source, escaped by :func:`latex_text`.

    Written here rather than by a library: the escaping is the whole job (bibtexparser's encoder
    wrote a lone ``\\{`` that biber reads as an open brace, ``\\url{...}`` inside ``url`` and
    ``{\\textendash}``), and the entry around it is a line per field."""
    out = []
    for s in sources:
        item = csl_item(s)
        kind = _BIBTEX_TYPE.get(str(item.get("type")), "misc")
        fields: list[tuple[str, str]] = []
        for role in ("author", "editor"):
            names = [n for n in item.get(role) or [] if isinstance(n, dict)]
            if names:
                fields.append((role, " and ".join(_bib_name(n) for n in names)))
        # braced: the title's inner braces keep the source's capitals; publisher and place are
        # biblatex lists, split at "and", so braced each is one item
        for csl, bib, braced in (("title", "title", True), ("container-title", "journaltitle" if kind == "article" else "booktitle", False),
                                 ("genre", "type", False), ("publisher", _BIBTEX_PUBLISHER.get(kind, "publisher"), True),
                                 ("publisher-place", "location", True), ("number", "number", False), ("page", "pages", False), ("note", "note", False)):
            if item.get(csl):
                text = latex_text(str(item[csl]))
                fields.append((bib, "{" + text + "}" if braced else text))
        if issued := _bib_date(item.get("issued")):
            fields.append(("date", issued))
        if item.get("language"):
            lang = str(item["language"])
            fields.append(("langid", _BIBLATEX_LANG[lang]) if lang in _BIBLATEX_LANG else ("language", latex_text(lang)))
        fields += [(bib, _safe_url(str(item[csl]))) for csl, bib in (("DOI", "doi"), ("URL", "url")) if item.get(csl)]
        if accessed := _bib_date(item.get("accessed")):
            fields.append(("urldate", accessed))
        body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
        out.append(f"@{kind}{{{s.id},\n{body}}}\n")
    return "\n".join(out)


def _ris_name(name: dict[str, Any]) -> str:
    """One CSL name as RIS writes it: "van der Aa, Jan"; an organisation with RIS's trailing comma
    ("Department for Work and Pensions,"), which tells readers it is one name, not a person's."""
    if name.get("literal"):
        return f"{name['literal']},"
    family = " ".join(str(name[k]) for k in ("dropping-particle", "non-dropping-particle", "family") if name.get(k))
    return ", ".join(x for x in (family, str(name.get("given") or ""), str(name.get("suffix") or "")) if x)


def ris(sources: Sequence[Source]) -> str:
    """RIS records (rispy), one per source; line breaks in values become spaces (RIS is line-based)."""
    records = []
    for s in sources:
        item = _one_line(csl_item(s))
        rec: dict[str, Any] = {"type_of_reference": _RIS_TYPE.get(str(item.get("type")), "GEN"), "id": s.id}
        for csl, key in (("title", "title"), ("publisher", "publisher"), ("publisher-place", "place_published"), ("DOI", "doi")):
            if item.get(csl):
                rec[key] = str(item[csl])
        for csl, key in (("author", "authors"), ("editor", "secondary_authors")):
            names = [_ris_name(n) for n in item.get(csl) or [] if isinstance(n, dict)]
            if names:
                rec[key] = names
        if year := _year(item):
            rec["year"] = year
        parts = item["issued"]["date-parts"][0] if year else []
        if len(parts) > 1:  # RIS's DA: YYYY/MM/DD/ (an empty day when only the month is known)
            rec["date"] = "/".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:3])] + [""] * (4 - len(parts[:3])))
        if item.get("URL"):
            rec["urls"] = [_safe_url(str(item["URL"]))]
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
    writers = {"csl-json": csl_json, "bibtex": bibtex, "ris": ris}
    return writers[fmt](sources) if fmt in writers else apa(sources, lang)
