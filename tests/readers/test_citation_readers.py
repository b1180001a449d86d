"""Every reference export, read back by the programs people use it with: BibTeX by biber (with
biblatex's data model checked), pybtex and pandoc; RIS by rispy and pandoc; CSL-JSON by pandoc,
citeproc-py and the official CSL-JSON schema. Each reader must give back the source's fields,
also for hostile titles that would end a BibTeX field or start an entry of their own."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import DATA, require

from jwtool.catalogue.sources import Source
from jwtool.render import citations

HOSTILE = [
    "Rapport {deel 3",  # a brace that never closes
    "x } @misc(pwn, title={t}, url={https://evil.example}) {",  # would end the field and start an entry
    "Werk {en} 50% & meer\nover – twee “regels”: \\ ~ ^ $ # _",  # LaTeX's specials, UTF-8 dashes and quotes
]


def _hostile_sources() -> list[Source]:
    people = [{"literal": "Department for Work and Pensions"}, {"family": "Aa", "given": "Jan", "non-dropping-particle": "van der"},
              {"family": "Jansen", "given": "Anna"}]
    out = [Source({"id": f"hostile-{i}", "type": "report", "title": title, "author": people,
                   "publisher": "Regioplan, Amsterdam and Partners", "genre": "Eindrapport",
                   "issued": {"date-parts": [[2019, 10, 31]]}, "URL": "https://example.org/rapport_1%20a.pdf"})
           for i, title in enumerate(HOSTILE)]
    # biblatex has no publisher for @online and @misc: their publisher is an organization
    out.append(Source({"id": "webpage", "type": "webpage", "title": "Pagina", "publisher": "Divosa, Utrecht", "URL": "https://example.org/p"}))
    out.append(Source({"id": "document", "type": "document", "title": "Notitie", "author": people[:1], "publisher": "Movisie",
                       "issued": {"date-parts": [[2018]]}}))
    return out


def _bundled_sources(repo_root: Path) -> list[Source]:
    from jwtool.catalogue.load import load_catalogue

    cat = load_catalogue(repo_root, use_cache=False)
    return [cat.library.sources[k] for k in sorted(cat.library.sources)]


def _expected(source: Source) -> dict[str, Any]:
    """What every reader should give back: the source's own fields, white space as one space."""
    d = source.data
    one = " ".join
    out: dict[str, Any] = {"title": one(str(d["title"]).split())}
    if d.get("author"):
        out["author"] = [n.get("literal") or " ".join(str(n[k]) for k in ("given", "non-dropping-particle", "family") if n.get(k)) for n in d["author"]]
    if d.get("issued"):
        out["year"] = str(d["issued"]["date-parts"][0][0])
    if d.get("publisher"):
        out["publisher"] = d["publisher"]
    if d.get("URL"):
        out["url"] = d["URL"]
    return out


def _without_lone_braces(text: str) -> str:
    """``text`` without the braces that have no partner: pandoc, alone among the readers, drops
    the \\textbraceleft{} and \\textbraceright{} such a brace is written as (see citations.latex_text)."""
    paired = citations.paired_braces(text)
    return "".join(ch for i, ch in enumerate(text) if ch not in "{}" or i in paired)


# --- the readers ----------------------------------------------------------------------------------


def _pandoc() -> str:
    try:
        import pypandoc

        path = pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        path = shutil.which("pandoc") or ""
    require(bool(path), "pandoc (pip install pypandoc-binary)")
    return str(path)


def _pandoc_read(text: str, fmt: str, tmp_path: Path) -> dict[str, dict[str, Any]]:
    """pandoc's reading, as CSL-JSON, reduced to the compared fields."""
    src = tmp_path / f"in.{fmt}"
    src.write_text(text, encoding="utf-8")
    run = subprocess.run([_pandoc(), "-f", fmt, "-t", "csljson", str(src)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out = {}
    for item in json.loads(run.stdout):
        rec: dict[str, Any] = {"title": item.get("title", "")}
        if item.get("author"):
            rec["author"] = [n.get("literal") or " ".join(n[k] for k in ("given", "dropping-particle", "non-dropping-particle", "family") if n.get(k))
                             for n in item["author"]]
        if item.get("issued"):
            rec["year"] = str(item["issued"]["date-parts"][0][0])
        if item.get("publisher"):
            rec["publisher"] = item["publisher"]
        if item.get("URL"):
            rec["url"] = item["URL"]
        out[item["id"]] = rec
    return out


def _latex_to_text(value: str) -> str:
    """What LaTeX prints for a field's value (pylatexenc, told the three text-mode brace and
    caret commands it lacks), for readers that hand back the LaTeX as written."""
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    db.add_context_category("jwtool-tests", prepend=True, macros=[
        MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"), MacroTextSpec("textasciicircum", "^")])
    return LatexNodes2Text(latex_context=db, math_mode="verbatim").latex_to_text(value).strip()


def _pybtex_read(text: str) -> dict[str, dict[str, Any]]:
    from pybtex.database import parse_string

    out = {}
    for key, entry in parse_string(text, "bibtex").entries.items():
        f = entry.fields
        rec: dict[str, Any] = {"title": _latex_to_text(f["title"])}
        if "author" in entry.persons:
            rec["author"] = [_latex_to_text(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names)) for p in entry.persons["author"]]
        if "date" in f:
            rec["year"] = f["date"][:4]
        for field in ("institution", "organization", "publisher"):
            if field in f:
                rec["publisher"] = _latex_to_text(f[field])
        if "url" in f:
            rec["url"] = f["url"]  # verbatim: not LaTeX
        out[key] = rec
    return out


def _biber_read(text: str, tmp_path: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """biber's reading (tool mode, biblatexml out) and its data-model warnings."""
    import xml.etree.ElementTree as ET

    biber = shutil.which("biber")
    require(biber is not None, "biber (apt-get install biber)")
    src, dest = tmp_path / "refs.bib", tmp_path / "refs.bltxml"
    src.write_text(text, encoding="utf-8")
    run = subprocess.run([str(biber), "--tool", "--validate-datamodel", "--output-format=biblatexml", "--output-encoding=UTF-8",
                          src.name, "-O", dest.name], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    log = run.stdout + run.stderr
    assert run.returncode == 0 and "ERROR" not in log, log
    ns = {"b": "http://biblatex-biber.sourceforge.net/biblatexml"}
    out = {}
    for entry in ET.parse(dest).getroot().findall("b:entry", ns):
        rec: dict[str, Any] = {}
        title = entry.find("b:title", ns)
        rec["title"] = _latex_to_text(title.text or "") if title is not None else ""
        names = entry.find("b:names[@type='author']", ns)
        if names is not None:
            rec["author"] = []
            for name in names.findall("b:name", ns):
                parts = {p.get("type"): " ".join(x.text or "" for x in p.findall("b:namepart", ns)) or (p.text or "") for p in name.findall("b:namepart", ns)}
                rec["author"].append(_latex_to_text(" ".join(parts[k] for k in ("given", "prefix", "family") if parts.get(k))))
        date = entry.find("b:date", ns)
        if date is not None:
            rec["year"] = (date.text or "")[:4]
        for field in ("institution", "organization", "publisher"):
            items = entry.findall(f"b:{field}/b:list/b:item", ns)
            if items:
                assert len(items) == 1, f"{field} read as {len(items)} items"
                rec["publisher"] = _latex_to_text(items[0].text or "")
        url = entry.find("b:url", ns)
        if url is not None:
            rec["url"] = url.text
        out[entry.get("id")] = rec
    warnings = [line for line in log.splitlines() if "WARN" in line]
    return out, warnings


def _check(readings: dict[str, dict[str, Any]], sources: list[Source], who: str, adjust: Any = None) -> None:
    assert set(readings) == {s.id for s in sources}, f"{who}: entries {sorted(readings)}"
    for s in sources:
        want = _expected(s)
        if adjust:
            want = adjust(want)
        got = {k: v for k, v in readings[s.id].items() if k in want}
        assert got == want, f"{who} read {s.id} as {readings[s.id]}"


# --- BibTeX ---------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("which", ["hostile", "bundled"])
def test_bibtex_reads_back_the_same_in_biber_pybtex_and_pandoc(which: str, tmp_path: Path, repo_root: Path) -> None:
    sources = _hostile_sources() if which == "hostile" else _bundled_sources(repo_root)
    text = citations.bibtex(sources)
    assert r"\url{" not in text and "textendash" not in text
    _check(_pybtex_read(text), sources, "pybtex")
    biber, warnings = _biber_read(text, tmp_path)
    _check(biber, sources, "biber")

    def pandoc_view(want: dict[str, Any]) -> dict[str, Any]:
        return want | {"title": _without_lone_braces(want["title"])}

    _check(_pandoc_read(text, "bibtex", tmp_path), sources, "pandoc", pandoc_view)
    # biblatex's data model: the only complaints are fields the source does not have
    by_id = {s.id: s.data for s in sources}
    csl_for = {"date, year": "issued", "author, editor": "author", "author": "author", "institution": "publisher", "type": "genre",
               "date": "issued", "url": "URL", "title": "title", "editor": "editor", "url, doi, eprint": "URL"}
    for line in warnings:
        if "WARNINGS:" in line:
            continue
        m = re.search(r"Entry '([^']+)'.*Missing mandatory field (?:- one of )?'([^']+)'", line)
        assert m, f"biber --validate-datamodel: {line}"
        assert csl_for[m.group(2)] not in by_id[m.group(1)], line


def test_bibtex_braces_organisations_and_keeps_utf8() -> None:
    text = citations.bibtex(_hostile_sources()[:1])
    assert "author = {{Department for Work and Pensions} and van der Aa, Jan and Jansen, Anna}," in text
    assert "institution = {{Regioplan, Amsterdam and Partners}}," in text
    assert "url = {https://example.org/rapport_1%20a.pdf}," in text
    assert r"title = {{Rapport \textbraceleft{}deel 3}}," in text
    hostile = citations.bibtex(_hostile_sources()[1:3])
    assert hostile.count("@") == 2 + 1  # two entries, and the title's "@misc" as text
    assert "– twee “regels”" in hostile


# --- RIS and CSL-JSON -----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("which", ["hostile", "bundled"])
def test_ris_reads_back_the_same_in_rispy_and_pandoc(which: str, tmp_path: Path, repo_root: Path) -> None:
    import rispy

    sources = _hostile_sources() if which == "hostile" else _bundled_sources(repo_root)
    text = citations.ris(sources)
    readings = {}
    for rec in rispy.loads(text):
        r: dict[str, Any] = {"title": rec.get("title", "")}
        if rec.get("authors"):  # "Family, Given" for people; RIS's trailing comma marks an organisation
            r["author"] = [a[:-1] if a.endswith(",") else " ".join(reversed([p.strip() for p in a.split(",", 1)])) for a in rec["authors"]]
        for key, field in (("year", "year"), ("publisher", "publisher")):
            if rec.get(key):
                r[field] = rec[key]
        if rec.get("urls"):
            r["url"] = rec["urls"][0]
        readings[rec["id"]] = r
    _check(readings, sources, "rispy")
    _check(_pandoc_read(text, "ris", tmp_path), sources, "pandoc")


@pytest.mark.slow
@pytest.mark.parametrize("which", ["hostile", "bundled"])
def test_csl_json_meets_the_official_schema_and_reads_back_in_pandoc_and_citeproc(which: str, tmp_path: Path, repo_root: Path) -> None:
    import jsonschema
    from citeproc.source.json import CiteProcJSON

    sources = _hostile_sources() if which == "hostile" else _bundled_sources(repo_root)
    text = citations.csl_json(sources)
    schema = json.loads((DATA / "csl-data.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(json.loads(text))

    _check(_pandoc_read(text, "csljson", tmp_path), sources, "pandoc")  # pandoc reads a line break as a space
    cited = CiteProcJSON(json.loads(text))
    assert sorted(cited) == sorted(s.id for s in sources)
    for s in sources:
        assert str(cited[s.id]["title"]) == s.data["title"]


# --- APA ------------------------------------------------------------------------------------------


def test_apa_never_repeats_a_year_the_title_already_gives() -> None:
    from jwtool.render.citations import apa

    placeholder = Source({"id": "aa", "type": "report", "title": "Aa et al. (2016)", "issued": {"date-parts": [[2016]]}})
    undated = Source({"id": "bo", "type": "report", "title": "Boelhouwer et al. (2019)"})
    named = Source({"id": "ec", "type": "report", "title": "Een goed gesprek over de toekomst (ECBO, 2018)", "URL": "https://example.org/e"})
    other_year = Source({"id": "ot", "type": "report", "title": "Plan (2016)", "issued": {"date-parts": [[2017]]}})
    assert apa([placeholder, undated, named, other_year]).splitlines() == [
        "Aa et al. (2016).",
        "Boelhouwer et al. (2019).",
        "Een goed gesprek over de toekomst (ECBO, 2018). https://example.org/e",
        "Plan (2016). (2017).",
    ]
