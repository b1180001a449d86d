"""How one field of an entry reads, the same in every output: ``show``, ``compare``, Markdown,
HTML and Word.

Each function takes the entry (or the field's raw value) and a language and returns plain text;
the words around the values come from :mod:`jwtool.labels`. Escaping for Markdown, HTML or a
terminal is left to the output. Values of the wrong type (the schema forbids them, but a file
being edited may hold them) are left out rather than shown raw.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.model import Entry
from jwtool.labels import label, label_or, labels, plural

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Study
    from jwtool.catalogue.sources import Source
    from jwtool.catalogue.vocabularies import Vocabulary

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def clean(value: Any) -> str:
    """Text without control characters (tabs become spaces, line ends become ``\\n``)."""
    text = "" if value is None else str(value)
    if text.isprintable():  # most values: no line end, tab or control character (all unprintable)
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def clauses(parts: Iterable[str]) -> str:
    """Parts of one line separated by "; ", or by a space after a part that ends a sentence
    ("… werk. Studie …", not "… werk.; Studie …")."""
    out = ""
    for part in parts:
        out += (" " if out.endswith((".", "!", "?")) else "; ") + part if out else part
    return out


def text(value: Any) -> str:
    """A scalar as clean text without surrounding blanks; "" for anything else (lists, maps, booleans)."""
    return clean(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def texts(value: Any) -> list[str]:
    """The non-empty scalars of a list as clean text; [] for anything that is not a list."""
    return [s for s in (text(v) for v in value) if s] if isinstance(value, list) else []


def line(value: Any) -> str:
    """A scalar as clean text on one line (runs of blanks and line ends become one space)."""
    return " ".join(text(value).split())


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def age(entry: Entry, lang: str) -> str:
    """The target group's ages: "16 tot en met 27 jaar", "vanaf 16 jaar", ... ("" when not stated)."""
    lo, hi = entry.age
    key = "age.range" if lo is not None and hi is not None else "age.min" if lo is not None else "age.max" if hi is not None else ""
    return label(key, lang, min=lo, max=hi) if key else ""


def period(course: Any, lang: str) -> str:
    """The years an entry ran (``course.start_year``/``end_year``): "2010–2016", "sinds 2010", ..."""
    start, end = _int(as_dict(course).get("start_year")), _int(as_dict(course).get("end_year"))
    key = "period.range" if start and end else "period.start" if start else "period.end" if end else ""
    return label(key, lang, start=start, end=end) if key else ""


def region(entry: Entry, lang: str) -> str:
    """Where it runs: the scope in words, then the names as written ("regionaal, Achterhoek")."""
    reg = entry.region
    scope = line(reg.get("scope"))
    names = reg.get("names")
    names = names if isinstance(names, list) else [names]
    parts = [label_or(f"scope.{scope}", lang, scope) if scope else "", *(line(n) for n in names)]
    return ", ".join(p for p in parts if p)


def scale(course: Any, lang: str) -> list[str]:
    """The course's numbers in words ("651 deelnemers", ..., "peiljaar 2016"); [] when there are none."""
    numbers = as_dict(as_dict(course).get("scale"))
    items = [f"{v} {label_or('scale.' + k, lang, k)}" for k, v in numbers.items() if k != "year" and _int(v) is not None]
    year = _int(numbers.get("year"))
    if items and year is not None:
        items.append(f"{label('scale.year', lang)} {year}")
    return items


def status(course: Any, lang: str) -> str:
    value = line(as_dict(course).get("status"))
    return label_or(f"status.{value}", lang, value) if value else ""


def kind(entry: Entry, lang: str) -> str:
    return label_or(f"kind.{entry.kind}", lang, entry.kind)


def yes_no(value: Any, lang: str) -> str:
    """"ja"/"nee" for a boolean, "" for anything else (not stated)."""
    return label("yes", lang) if value is True else label("no", lang) if value is False else ""


def figures(entry: Entry, lang: str) -> list[dict[str, str]]:
    """Each figure of ``results.figures`` as text fields: measure, value, unit (in words), n, year, period, quote."""
    return [figure(f, lang) for f in as_dict(entry.data.get("results")).get("figures") or [] if isinstance(f, dict)]


def figure(f: dict[str, Any], lang: str) -> dict[str, str]:
    """One figure (of the results, or of a study's finding) as text fields."""
    unit = line(f.get("unit"))
    return {"measure": text(f.get("measure")), "value": text(f.get("value")),
            "unit": label_or(f"unit.{unit}", lang, unit) if unit else "", "n": text(f.get("n")),
            "year": text(f.get("year")), "period": text(f.get("period")), "quote": text(f.get("quote"))}


def study_title(study: Study, entry: Entry, lang: str) -> tuple[str, bool]:
    """A study's title and whether it is the record's own: its ``title``; without one, a title in
    jwtool's words from what the record says, never the id: "Studie naar <entry> (<year>)", the
    year being its period or the one year its figures give ("Studie naar <entry>" without)."""
    own = line(study.title)
    if own:
        return own, True
    years = {text(f.figure.get("year")) for f in study.findings if f.figure} - {""}
    year = line(study.period) or (years.pop() if len(years) == 1 else "")
    name = line(entry.name) or entry.id
    return (label("study.untitled.year", lang, name=name, year=year) if year else label("study.untitled", lang, name=name)), False


def studies(entry: Entry, vocab: dict[str, Vocabulary], lang: str) -> list[dict[str, Any]]:
    """Each study behind the evidence level, as every output shows it: id, title (:func:`study_title`;
    ``title_is_source`` when the record gives it), design labels, participants, period, the sources it cites (title, URL, page,
    sections) and its findings (outcome and direction as labels, with or without comparison,
    the figure on one line, the verbatim quote). Ids are kept beside the labels."""
    out = []
    for s in entry.studies:
        sources = []
        for c in s.cites:
            sid = text(c.get("source"))
            record = entry.library.get(sid)
            sources.append({"id": sid, "title": text(record.data.get("title")) or sid if record else sid,
                            "url": record.url if record else "", "page": text(c.get("page")), "sections": texts(c.get("sections"))})
        findings = [{"outcome_id": f.outcome, "outcome": vocab_label(vocab, "outcome-domains", f.outcome, lang),
                     "direction_id": f.direction, "direction": label_or(f"direction.{f.direction.replace('-', '_')}", lang, f.direction),
                     "compared": bool(f.comparison),
                     "comparison": label("finding.with_comparison" if f.comparison else "finding.without_comparison", lang),
                     "figure": figure_line(figure(f.figure, lang), lang) if f.figure else "", "quote": text(f.quote)}
                    for f in s.findings]
        title, own = study_title(s, entry, lang)
        out.append({"id": s.id, "title": title, "title_is_source": own, "description": text(s.description),
                    "designs": [vocab_label(vocab, "study-designs", d, lang) for d in s.designs],
                    "participants": text(s.participants) if s.participants is not None else "", "period": text(s.period),
                    "sources": sources, "findings": findings})
    return out


def finding_line(f: dict[str, str], lang: str) -> str:
    """One finding on one line: "Werk: positief, met vergelijking — naar werk: 75 % (n=40) — “…”"."""
    head = label("finding.line", lang, outcome=f["outcome"], direction=f["direction"], comparison=f["comparison"])
    quote = label("finding.quote", lang, quote=f["quote"]) if f["quote"] else ""
    return " — ".join(x for x in (head, f["figure"], quote) if x)


def figure_line(figure: dict[str, str], lang: str) -> str:
    """One figure on one line: "praktijkverklaringen afgegeven: 208 (n=651, 2016, mei 2015 tot februari 2016)"."""
    extra = ", ".join(x for x in (label("fig.n_is", lang, n=figure["n"]) if figure["n"] else "", figure["year"], figure["period"]) if x)
    value = " ".join(x for x in (figure["value"], figure["unit"]) if x)
    return " ".join(f"{figure['measure']}: {value}".split()) + (f" ({' '.join(extra.split())})" if extra else "")


def caveat(meta: dict[str, Any], lang: str, entries: Iterable[Entry] | None = None) -> tuple[str, str]:
    """The catalogue's caveat on comparing results and its source, as catalogue.yaml quotes them
    from its main source; without one, or for ``entries`` none of which cites that main source (a
    comparison of entries from other sources, which it does not speak of), jwtool's own general
    caveat in ``lang`` (``caveat.default``), which cites no source."""
    own = line(meta.get("caveat"))
    if entries is not None and not any(meta.get("main_source") in e.cited for e in entries):
        own = ""
    return (own, line(meta.get("caveat_source"))) if own else (label("caveat.default", lang), "")


def vocab_label(vocab: dict[str, Vocabulary], name: str, term: str, lang: str) -> str:
    """The label of a vocabulary term in ``lang`` (the id when the vocabulary is missing)."""
    v = vocab.get(name)
    return clean(v.label(term, lang)) if v is not None else term


def catalogue_date(entries: Iterable[Entry]) -> str:
    """The newest ``last_reviewed`` of the entries: the date the output was rendered from."""
    dates = [d for d in (text(e.data.get("last_reviewed")) for e in entries) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)]
    return max(dates) if dates else ""


def short_citation(source: Source, lang: str) -> str:
    """A source as a caption names it: its title, then its authors (or publisher) and year
    ("Evaluatierapport Werkroutes 2025 (Vermeulen & Osei, 2025)"); a title that already ends in
    that year ("Hanzen (2015)") does not get it a second time."""
    families = [str(a.get("family") or a.get("literal") or "") for a in source.data.get("author") or [] if isinstance(a, dict)]
    families = [f for f in families if f]
    who = (" & ".join(families) if len(families) <= 2 else label("citation.et_al", lang, name=families[0])) or text(source.data.get("publisher"))
    title = text(source.data.get("title")) or source.id
    year = report_year(source.data)
    after = ", ".join(x for x in (who, "" if year == title_year(title) else year) if x)
    return f"{title} ({after})" if after else title


_TITLE_YEAR = re.compile(r"\((?:[^()]*\D)?(\d{4})\)$")  # "Aa et al. (2016)", "Een goed gesprek (ECBO, 2018)"


def title_year(title: str) -> str:
    """The year a title ends in, in brackets of its own ("Aa et al. (2016)", "Een goed gesprek
    (ECBO, 2018)"): a placeholder title that names its work by author and year; else ""."""
    m = _TITLE_YEAR.search(title)
    return m.group(1) if m else ""


def report_year(record: dict[str, Any]) -> str:
    """The year a source record was issued (CSL ``issued.date-parts``), "" when it does not say."""
    issued = record.get("issued") if isinstance(record.get("issued"), dict) else {}
    parts = issued.get("date-parts") if isinstance(issued.get("date-parts"), list) else []
    return text(parts[0][0] if parts and isinstance(parts[0], list) and parts[0] else "")


def report(cat: Catalogue, source_id: str | None = None) -> dict[str, str]:
    """A report (default: the catalogue's main report), as strings for the page header and the source list."""
    r = cat.report(source_id)
    return {"title": text(r.get("title")), "citation": text(r.get("citation")), "year": report_year(r),
            "publisher": text(r.get("publisher")), "id": text(r.get("id"))}


def origins(cat: Catalogue, entries: Iterable[Entry], lang: str) -> list[dict[str, str]]:
    """The sources the entries come from (the first source each cites), most entries first: the
    source's id, its citation (its title when it has none) and how many entries of each kind."""
    counts: dict[str, dict[str, int]] = {}
    for e in entries:
        first = text(e.cites[0].get("source")) if e.cites else ""
        if first:
            kinds = counts.setdefault(first, {})
            kinds[e.kind] = kinds.get(e.kind, 0) + 1
    out = []
    for sid, kinds in sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        r = report(cat, sid) if cat.library.get(sid) is not None else {"citation": "", "title": ""}
        words = [plural(f"count.{k}", n, lang) if f"count.{k}.one" in labels(lang) else f"{n} {k}" for k, n in sorted(kinds.items())]
        out.append({"id": sid, "citation": r["citation"] or r["title"] or sid, "count": ", ".join(words)})
    return out


def contradictions(entry: Entry, lang: str) -> str:
    """Where the report contradicts itself about the entry's evidence, in one line ("" if nowhere)."""
    return "; ".join(label("evidence.contradiction", lang, note=n) for n in entry.contradictions)
