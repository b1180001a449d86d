"""Data audit: every quote and figure of the catalogue checked against the report's text.

The catalogue must say what the 2023 report says (BRIEF: "faithful data"). This module holds the
checks; `tests/catalogue/test_data_audit.py` runs them per entry under pytest (in CI with the report from
../shared/seed), and it runs on its own as a script:

    python tests/catalogue/data_audit.py [REPORT.txt]      # exit 1 and one line per problem

Checked, per entry:
- verbatim fields (descriptions, summaries, activities, verdict, components, working elements,
  success-factor examples, a scale's note): every line occurs in the report; the entry's own
  `summary` too where the entry is a practice example (an intervention's summary joins the
  words of several table cells and is "in the source's words where possible", ENTRY-FORMAT.md);
- quotes (results.figures, studies' findings and their figures, cites): each occurs in the report;
- figures: the value, its base `n`, `year` and `period` are said by the figure's quote or by the
  text it comes from (results.description, the study's description); a finding's figure is one of
  the entry's results.figures; a course.scale number is said by course.description or scale.note.

The report is a PDF extraction: columns interleave and words hyphenate across lines, so text is
compared with case, spaces, punctuation and hyphens removed (`norm`).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
# As tests/conftest.py: JWTOOL_REPORT, or ../shared/seed/ beside the clone.
DEFAULT_REPORT = Path(os.environ.get("JWTOOL_REPORT") or REPO.parent / "shared" / "seed" / "000_32bff5beeb345958.txt")

# Verbatim fields edited on purpose, each explained in the entry's notes.
KNOWN_EDITS = {
    # footnote marker "30" removed from inside the quoted passage
    ("transitiecoach", "target_group.description"), ("transitiecoach", "activities"),
    # footnote marker "23" after "Extra begeleiding en nazorg mbo" removed
    ("toekomstplan-extra-begeleiding-mbo", "activities"), ("toekomstplan-extra-begeleiding-mbo", "summary"),
}

# Scale numbers that are the sum of numbers the course text states, with those words (noted in the entry).
KNOWN_SUMS = {("ouders-en-loopbaankeuzes", "course.scale.schools"): (6, "vier vmbo-scholen en twee mbo-scholen")}

# Numbers the report writes as words.
_WORDS = {1: ("een", "één"), 2: ("twee",), 3: ("drie",), 4: ("vier",), 5: ("vijf",), 6: ("zes",), 7: ("zeven",),
          8: ("acht",), 9: ("negen",), 10: ("tien",), 11: ("elf",), 12: ("twaalf",), 15: ("vijftien",),
          20: ("twintig",), 50: ("helft",), 66.7: ("twee derde",)}


@dataclass(frozen=True)
class Problem:
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"interventions/{self.entry}.yaml: {self.field}: {self.message}"


def norm(text: str) -> str:
    """Lower case, without spaces, punctuation or hyphens: how text is compared with the PDF extraction."""
    return re.sub(r"[\W_]+", "", text.lower())


def flat(text: object) -> str:
    return " ".join(str(text or "").split())


def says(text: str, number: float | int) -> bool:
    """Whether `text` states `number`: as digits (66.7 or 66,7) or as a word the report uses."""
    value = float(number)
    digits = f"{value:g}"
    forms = {digits, digits.replace(".", ",")}
    if any(re.search(rf"(?<![\d,.]){re.escape(f)}(?![\d]|[,.]\d)", text) for f in forms):
        return True
    words = _WORDS.get(int(value) if value.is_integer() else value, ())
    return any(re.search(rf"\b{w}\b", text, re.IGNORECASE) for w in words)


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", flat(text))


def _dig(data: object, *path: str) -> object:
    for step in path:
        data = data.get(step) if isinstance(data, dict) else None
    return data


def verbatim_fields(data: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """The fields that hold the report's words, by a readable path."""
    g = lambda *p: _dig(data, *p)  # noqa: E731
    fields = {
        "providers.description": g("providers", "description"), "target_group.description": g("target_group", "description"),
        "target_group.summary": g("target_group", "summary"), "goals.description": g("goals", "description"),
        "goals.summary": g("goals", "summary"), "activities": g("activities"), "course.description": g("course", "description"),
        "results.description": g("results", "description"), "evidence.verdict": g("evidence", "verdict"),
        "course.scale.note": g("course", "scale", "note"),
    }
    if data.get("kind") == "praktijkvoorbeeld":
        fields["summary"] = data.get("summary")
    for i, c in enumerate(data.get("components") or []):
        fields[f"components[{i}]"] = c.get("text") if isinstance(c, dict) else c
    fields.update({f"working_elements[{i}]": w.get("text") for i, w in enumerate(data.get("working_elements") or [])})
    fields.update({f"success_factors[{i}]": s.get("example") for i, s in enumerate(data.get("success_factors") or [])})
    for i, s in enumerate(_dig(data, "evidence", "studies") or []):
        fields[f"evidence.studies[{i}].description"] = s.get("description")
    return {k: v for k, v in fields.items() if isinstance(v, str)}


def quotes(data: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """Every `quote` of the entry, by path."""
    found: dict[str, str] = {}
    for i, fig in enumerate(_dig(data, "results", "figures") or []):
        found[f"results.figures[{i}].quote"] = fig.get("quote")
    for i, s in enumerate(_dig(data, "evidence", "studies") or []):
        for j, f in enumerate(s.get("findings") or []):
            found[f"evidence.studies[{i}].findings[{j}].quote"] = f.get("quote")
            found[f"evidence.studies[{i}].findings[{j}].figure.quote"] = (f.get("figure") or {}).get("quote")
        for j, c in enumerate(s.get("cites") or []):
            found[f"evidence.studies[{i}].cites[{j}].quote"] = c.get("quote")
    for i, c in enumerate(data.get("cites") or []):
        found[f"cites[{i}].quote"] = c.get("quote")
    return {k: v for k, v in found.items() if isinstance(v, str)}


def _figure_problems(entry: str, path: str, fig: dict, quote: str, context: str) -> list[Problem]:  # type: ignore[type-arg]
    problems = []
    if "value" in fig and not says(quote, fig["value"]):
        problems.append(Problem(entry, f"{path}.value", f"{fig['value']} is not said by its quote {quote!r}"))
    for key in ("n", "year"):
        if key in fig and not says(quote + " " + context, fig[key]):
            problems.append(Problem(entry, f"{path}.{key}", f"{fig[key]} is said neither by the quote nor by the text it is from"))
    if "period" in fig and norm(fig["period"]) not in norm(quote + " " + context):
        problems.append(Problem(entry, f"{path}.period", f"{fig['period']!r} is not in the quote or the text it is from"))
    return problems


def audit_entry(entry: str, data: dict, report: str) -> list[Problem]:  # type: ignore[type-arg]
    """The problems of one entry; `report` is the report's text normalised with `norm`."""
    problems: list[Problem] = []
    for field, text in verbatim_fields(data).items():
        if (entry, field) in KNOWN_EDITS:
            continue
        # a study's description joins sentences of several columns: compare it sentence by sentence
        parts = _sentences(text) if field.startswith("evidence.studies") else text.split("\n")
        for line in parts:
            if norm(line) and norm(line) not in report:
                problems.append(Problem(entry, field, f"not in the report: {line[:80]!r}"))
    for field, text in quotes(data).items():
        if norm(text) not in report:
            problems.append(Problem(entry, field, f"quote not in the report: {flat(text)[:80]!r}"))

    results_text = flat(_dig(data, "results", "description"))
    result_figures = _dig(data, "results", "figures") or []
    for i, fig in enumerate(result_figures):
        problems += _figure_problems(entry, f"results.figures[{i}]", fig, flat(fig.get("quote")), results_text)
    known = {(flat(f.get("measure")), f.get("value")) for f in result_figures}
    for i, s in enumerate(_dig(data, "evidence", "studies") or []):
        for j, f in enumerate(s.get("findings") or []):
            fig = f.get("figure")
            if not fig:
                continue
            path = f"evidence.studies[{i}].findings[{j}].figure"
            problems += _figure_problems(entry, path, fig, flat(fig.get("quote") or f.get("quote")), flat(s.get("description")))
            if result_figures and (flat(fig.get("measure")), fig.get("value")) not in known:
                problems.append(Problem(entry, path, f"{fig.get('measure')!r} = {fig.get('value')} is none of results.figures"))

    course = data.get("course") or {}
    scale = course.get("scale") or {}
    said = flat(course.get("description")) + " " + flat(scale.get("note"))
    for key, value in scale.items():
        summed = KNOWN_SUMS.get((entry, f"course.scale.{key}"))
        if summed and summed == (value, summed[1]) and summed[1] in said:
            continue
        if key not in ("note", "year") and isinstance(value, (int, float)) and not says(said, value):
            problems.append(Problem(entry, f"course.scale.{key}", f"{value} is not said by course.description or scale.note"))
    if "year" in scale and not says(said, scale["year"]):
        problems.append(Problem(entry, "course.scale.year", f"{scale['year']} is not said by course.description"))
    return problems


def audit(repo: Path, report_text: str) -> list[Problem]:
    report = norm(report_text)
    problems: list[Problem] = []
    for path in sorted((repo / "interventions").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        problems += audit_entry(path.stem, data, report)
    return problems


def main(argv: list[str]) -> int:
    report = Path(argv[0]) if argv else DEFAULT_REPORT
    if not report.is_file():
        print(f"data_audit: no report at {report} (give its path as the argument)", file=sys.stderr)
        return 2
    problems = audit(REPO, report.read_text(encoding="utf-8"))
    for p in problems:
        print(p)
    print(f"data_audit: {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
