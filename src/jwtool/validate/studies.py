"""Rules for the studies behind an evidence level, and the reviewed markers that silence a warning.

The level (``evidence.level``) and the studies (``evidence.studies``) are two readings of the same
report; when they disagree the validator warns. A level of eerste aanwijzingen or higher rests on
a study that compares (a finding with ``comparison: true``, or a design whose vocabulary term has
``comparison: true``); a study that compares does not sit under niet-onderzocht.

Where the report itself is inconsistent, the entry explains it in a note and silences the warning
with a marker in ``reviewed_warnings`` (``{rule, note, reviewed}``) whose ``note`` is the beginning
of exactly one of the entry's notes. A silenced warning is still reported, as silenced, so the
contradiction stays visible; a marker whose warning no longer fires is itself a warning.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.problems import WARNING, Finding, Problem, short
from jwtool.catalogue.vocabularies import Vocabulary, did_you_mean

if TYPE_CHECKING:
    from jwtool.catalogue.yamlfile import YamlFile

RULES: dict[str, str] = {
    "evidence-level-without-comparison": "The evidence level is eerste aanwijzingen or higher, but no study compares (warning).",
    "comparison-study-not-studied": "A study that compares sits under the evidence level niet-onderzocht (warning).",
    "reviewed-warning": "A reviewed_warnings marker names a rule that cannot be silenced, or a note that is not the beginning of exactly one note.",
    "stale-reviewed-warning": "A reviewed_warnings marker silences a warning that no longer fires (warning).",
}

# The warnings a reviewed marker may silence: the entry's own, about what the report says.
WARNING_RULES = ("evidence-level-without-comparison", "comparison-study-not-studied")
SILENCED = "silenced"  # the severity of a warning a reviewed marker silences
COMPARING_LEVEL = "eerste-aanwijzingen"  # from this level up, a level needs a study that compares
NOT_STUDIED = "niet-onderzocht"
_SILENCE_HINT = "; if the report itself says so"
_HOW_TO_SILENCE = ("if the report itself says so, explain the contradiction in a note and add "
                   "reviewed_warnings: [{rule: %s, note: <the note's first words>, reviewed: YYYY-MM-DD}]")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _studies(data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    evidence = data.get("evidence")
    studies = evidence.get("studies") if isinstance(evidence, dict) else None
    return [(i, s) for i, s in enumerate(_list(studies)) if isinstance(s, dict)]


def figures(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every figure of an entry with its JSON pointer: ``results.figures`` and each finding's ``figure``."""
    results = data.get("results")
    for i, fig in enumerate(_list(results.get("figures") if isinstance(results, dict) else None)):
        if isinstance(fig, dict):
            yield f"/results/figures/{i}", fig
    for i, study in _studies(data):
        for j, finding in enumerate(_list(study.get("findings"))):
            if isinstance(finding, dict) and isinstance(finding.get("figure"), dict):
                yield f"/evidence/studies/{i}/findings/{j}/figure", finding["figure"]


def study_citations(data: dict[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    """The ``cites`` list of every study, with the JSON pointer of that list."""
    for i, study in _studies(data):
        yield f"/evidence/studies/{i}/cites", _list(study.get("cites"))


def study_ids(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(JSON pointer, id) of every study of an entry."""
    return [(f"/evidence/studies/{i}/id", s["id"]) for i, s in _studies(data) if isinstance(s.get("id"), str)]


def comparison_of(study: dict[str, Any], designs: Vocabulary | None) -> str:
    """Why a study counts as comparing ("" when it does not): a finding with ``comparison: true``
    or a design whose vocabulary term compares."""
    for j, finding in enumerate(_list(study.get("findings"))):
        if isinstance(finding, dict) and finding.get("comparison") is True:
            return f"finding {j + 1} has comparison: true"
    for d in _list(study.get("designs")):
        term = designs.terms.get(d) if designs is not None and isinstance(d, str) else None
        if term is not None and term.comparison:
            return f"its design {d!r} compares"
    return ""


def level_findings(data: dict[str, Any], vocab: dict[str, Vocabulary], ok: set[str]) -> Iterator[Finding]:
    """The level against the studies: warnings (see :data:`WARNING_RULES`)."""
    levels = vocab.get("evidence-levels") if "evidence-levels" in ok else None
    evidence = data.get("evidence")
    level = evidence.get("level") if isinstance(evidence, dict) else None
    if levels is None or not isinstance(level, str) or level not in levels.terms:
        return
    designs = vocab.get("study-designs") if "study-designs" in ok else None
    reasons = [(i, s.get("id"), comparison_of(s, designs)) for i, s in _studies(data)]
    rank, threshold = levels.terms[level].rank, levels.terms.get(COMPARING_LEVEL)
    if threshold is not None and rank is not None and threshold.rank is not None and rank >= threshold.rank \
            and not any(why for _, _, why in reasons):
        what = f"none of its {len(reasons)} studies compares" if reasons else "it records no study"
        yield ("evidence-level-without-comparison", "/evidence/level",
               f"level {level!r} says a study found effects with a comparison, but {what} (no finding with comparison: true, no design "
               f"that compares); record the study that compares, or lower the level; " + _HOW_TO_SILENCE % "evidence-level-without-comparison", False)
    if level == NOT_STUDIED:
        for i, sid, why in reasons:
            if why:
                yield ("comparison-study-not-studied", f"/evidence/studies/{i}",
                       f"study {sid!r} compares ({why}) but the level is {NOT_STUDIED!r}; raise the level or correct the study; "
                       + _HOW_TO_SILENCE % "comparison-study-not-studied", False)


def _notes(data: dict[str, Any]) -> list[str]:
    return [n for n in _list(data.get("notes")) if isinstance(n, str)]


def with_reviewed_markers(doc: YamlFile, problems: list[Problem]) -> list[Problem]:
    """``problems`` of one entry with the warnings its reviewed markers silence marked
    :data:`SILENCED`, plus a problem for every marker that is wrong (an error) or stale (a warning)."""
    data = doc.data
    markers = data.get("reviewed_warnings") if isinstance(data, dict) else None
    if not isinstance(markers, list):
        return problems
    out, notes = list(problems), _notes(data)
    for i, marker in enumerate(markers):
        if not isinstance(marker, dict) or not isinstance(marker.get("rule"), str) or not isinstance(marker.get("note"), str) \
                or not marker["note"].strip():
            continue  # the schema says what is missing or empty
        rule, note, where = marker["rule"], marker["note"], f"/reviewed_warnings/{i}"
        if rule not in WARNING_RULES:
            close = difflib.get_close_matches(rule, WARNING_RULES, n=1, cutoff=0.6)
            out.append(doc.problem("reviewed-warning", f"{rule!r} is not a warning a marker can silence{did_you_mean(close)}; "
                                   f"a marker silences one of: {', '.join(WARNING_RULES)}", f"{where}/rule"))
            continue
        begins = [k for k, n in enumerate(notes) if n.startswith(note)]
        if len(begins) != 1:
            found = "begins none of the entry's notes" if not begins else f"begins {len(begins)} notes ({', '.join(f'notes[{k}]' for k in begins)})"
            fix = "copy the first words of the note that explains the contradiction" if not begins else "write more of the note's first words, so they begin that note only"
            out.append(doc.problem("reviewed-warning", f"the marker's note {short(note)} {found}; {fix}", f"{where}/note"))
            continue
        fired = [p for p in out if p.rule == rule and p.severity == WARNING]
        if not fired:
            out.append(doc.problem("stale-reviewed-warning", f"the warning {rule!r} no longer fires for this entry; remove this marker",
                                   where, severity=WARNING))
        reviewed = marker.get("reviewed")
        silenced = f" (reviewed {reviewed}: the report contradicts itself, as the note beginning {note!r} explains)"
        out = [replace(p, severity=SILENCED, message=p.message.split(_SILENCE_HINT)[0] + silenced) if p in fired else p for p in out]
    return out
