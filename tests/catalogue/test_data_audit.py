"""The second data audit (issue 26): the catalogue says exactly what the report says.

Every quote, figure and verbatim field is checked against the report's text by
`tests/catalogue/data_audit.py` (also a script); the other tests here pin each kind of fix: evidence levels
come from the verdict's wording through the published mapping, one statement is one finding, a
design or study the report does not name is not recorded, a target group is a description and
not a question, references to a source stay out of the verbatim columns, and the practice
examples of chapters 4-6 that the report describes concretely are entries.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from data_audit import Problem, audit_entry, flat, norm, says

from conftest import REPORT, require

REPO = Path(__file__).resolve().parents[2]
ENTRY_FILES = sorted((REPO / "interventions").glob("*.yaml"))
VOCAB = REPO / "schemas" / "vocabularies"


@pytest.fixture(scope="module")
def report() -> str:
    """The report's text, normalised; the tests that need it skip (fail in CI) without it."""
    require(REPORT.is_file(), f"the source report at {REPORT} (set JWTOOL_REPORT to its path)")
    return norm(REPORT.read_text(encoding="utf-8"))


def _data(entry_id: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((REPO / "interventions" / f"{entry_id}.yaml").read_text(encoding="utf-8"))


def _studies(data: dict) -> list[dict]:  # type: ignore[type-arg]
    return (data.get("evidence") or {}).get("studies") or []


# --- the audit: quotes, figures and verbatim text against the report ------------------------------


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_every_quote_figure_and_verbatim_field_is_what_the_report_says(path: Path, report: str) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [str(p) for p in audit_entry(path.stem, data, report)] == []


AUDIT_REPORT = norm("Project in Leiden, Leiderdorp, Oegstgeest en Zoeterwoude. In 2016 waren 15 van de 80 deelnemers "
                    "aan het werk. Twee derde heeft werk gevonden. Het project bestaat sinds 2010.")


def _entry(**fields: object) -> dict:  # type: ignore[type-arg]
    return {"id": "x", "course": {"description": "Het project bestaat sinds 2010."},
            "results": {"description": "In 2016 waren 15 van de 80 deelnemers aan het werk.",
                        "figures": [{"measure": "aan het werk", "value": 15, "unit": "aantal", "n": 80, "year": 2016,
                                     "quote": "In 2016 waren 15 van de 80 deelnemers aan het werk."}]}, **fields}


def _fields(problems: list[Problem]) -> set[str]:
    return {p.field for p in problems}


def test_the_audit_passes_an_entry_that_says_what_the_report_says() -> None:
    assert audit_entry("x", _entry(), AUDIT_REPORT) == []


@pytest.mark.parametrize(("change", "field"), [
    # a quote with a word the report does not have
    (lambda d: d["results"]["figures"][0].update(quote="In 2016 waren 16 van de 80 deelnemers aan het werk."),
     "results.figures[0].quote"),
    # a value its quote does not state, a base and a year nobody states
    (lambda d: d["results"]["figures"][0].update(value=16), "results.figures[0].value"),
    (lambda d: d["results"]["figures"][0].update(n=90), "results.figures[0].n"),
    (lambda d: d["results"]["figures"][0].update(year=2017), "results.figures[0].year"),
    # a scale derived from elsewhere in the text (Project JA's four municipalities of its target group)
    (lambda d: d["course"].update(scale={"municipalities": 4}), "course.scale.municipalities"),
    # a finding's figure that is none of the entry's results.figures
    (lambda d: d.update(evidence={"studies": [{"description": "In 2016 waren 15 van de 80 deelnemers aan het werk.",
                                               "findings": [{"outcome": "werk", "quote": "In 2016 waren 15 van de 80 deelnemers aan het werk.",
                                                             "figure": {"measure": "aan de slag", "value": 15}}]}]}),
     "evidence.studies[0].findings[0].figure"),
    # a verbatim field the report does not contain
    (lambda d: d.update(activities="Jongeren krijgen een laptop."), "activities"),
    # a practice example's summary and a scale's note are the report's words too
    (lambda d: d.update(kind="praktijkvoorbeeld", summary="Jongeren krijgen een laptop."), "summary"),
    (lambda d: d["course"].update(scale={"regions": 2, "note": "In twee regio's krijgen jongeren een laptop."}),
     "course.scale.note"),
])
def test_the_audit_finds_what_the_report_does_not_say(change, field: str) -> None:  # type: ignore[no-untyped-def]
    data = _entry()
    change(data)
    assert field in _fields(audit_entry("x", data, AUDIT_REPORT))


def test_an_interventions_summary_joins_cells_and_is_not_held_to_one_passage() -> None:
    """ENTRY-FORMAT.md: an intervention's summary is "in the source's words where possible" (it joins
    the cells of tables 3.1/3.2 and bijlage 2); a practice example's summary is one passage."""
    data = _entry(kind="interventie", summary="Het project bestaat sinds 2010, twee derde heeft werk gevonden.")
    assert "summary" not in _fields(audit_entry("x", data, AUDIT_REPORT))
    assert "summary" in _fields(audit_entry("x", {**data, "kind": "praktijkvoorbeeld"}, AUDIT_REPORT))


def test_numbers_are_read_as_the_report_writes_them() -> None:
    assert says("Twee derde van de jongeren", 66.7) and says("drie deelnemers", 3) and says("(64%)", 64)
    assert not says("164 deelnemers", 64) and not says("6,4%", 64) and says("een aandeel van 66,7%", 66.7)


def test_the_audit_runs_as_a_script_and_fails_without_a_report(tmp_path: Path) -> None:
    script = REPO / "tests" / "catalogue" / "data_audit.py"
    missing = subprocess.run([sys.executable, script, str(tmp_path / "geen.txt")], capture_output=True, text=True)
    assert missing.returncode == 2 and "no report" in missing.stderr
    require(REPORT.is_file(), f"the source report at {REPORT}")
    ok = subprocess.run([sys.executable, script, str(REPORT)], capture_output=True, text=True)
    assert (ok.returncode, ok.stdout, ok.stderr.strip()) == (0, "", "data_audit: 0 problem(s)")


# --- evidence levels: the verdict's wording through the published mapping --------------------------


def _levels() -> list[dict]:  # type: ignore[type-arg]
    return yaml.safe_load((VOCAB / "evidence-levels.yaml").read_text(encoding="utf-8"))["terms"]


def test_each_report_wording_belongs_to_one_level_only() -> None:
    wordings = Counter(w.lower() for t in _levels() for w in t.get("report_wordings") or [])
    assert [w for w, n in wordings.items() if n > 1] == []


def test_process_evaluations_and_positive_experiences_do_not_make_an_entry_well_described() -> None:
    described = next(t for t in _levels() if t["id"] == "goed-beschreven")
    assert not {"procesevaluatie", "positieve ervaringen"} & {w.lower() for w in described["report_wordings"]}


def _has_verdict(path: Path) -> bool:
    """Whether the entry has an evidence verdict; read with libyaml where installed, since every
    pytest process runs this at import (the pure-Python reader takes a quarter of a second here)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return bool(data and (data.get("evidence") or {}).get("verdict"))


@pytest.mark.parametrize("path", [p for p in ENTRY_FILES if _has_verdict(p)], ids=lambda p: p.stem)
def test_a_verdict_holds_a_wording_of_its_own_level_and_of_no_other(path: Path) -> None:
    """The mapping agrees with its entries: 'Nog niet onderzocht.' is niet-onderzocht whatever the
    results column says (K!X, Bridge, Praktijkleren); a verdict naming no level is niet-onderzocht."""
    evidence = yaml.safe_load(path.read_text(encoding="utf-8"))["evidence"]
    verdict = flat(evidence["verdict"]).lower()
    named = {t["id"] for t in _levels() if any(w.lower() in verdict for w in t.get("report_wordings") or [])}
    assert named == {evidence["level"]} or (not named and evidence["level"] == "niet-onderzocht"), (named, evidence["level"])


@pytest.mark.parametrize("entry_id", ["kix", "bridge", "praktijkleren-met-de-praktijkverklaring", "learn2work"])
def test_entries_whose_verdict_names_no_effect_are_not_studied(entry_id: str) -> None:
    assert _data(entry_id)["evidence"]["level"] == "niet-onderzocht"


def test_learn2work_keeps_its_comparison_as_a_reviewed_contradiction_without_a_control_group() -> None:
    data = _data("learn2work")
    assert data["evidence"]["control_group"] is False
    assert "vergelijking-andere-projecten" in _studies(data)[0]["designs"]
    [marker] = data["reviewed_warnings"]
    assert marker["rule"] == "comparison-study-not-studied"
    note = next(n for n in data["notes"] if n.startswith(marker["note"]))
    # the note quotes the report's own words on both sides of the contradiction
    assert "een vergelijking tussen interventies of met een" in flat(note) and "geen uitspraken" in note


@pytest.mark.slow
def test_control_group_is_true_only_over_a_study_with_a_group_that_did_not_get_the_intervention() -> None:
    designs = {t["id"]: t for t in yaml.safe_load((VOCAB / "study-designs.yaml").read_text(encoding="utf-8"))["terms"]}
    control_rank = designs["controlegroep"]["rank"]
    for path in ENTRY_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        ranks = [designs[d]["rank"] for s in _studies(data) for d in s["designs"]]
        if (data.get("evidence") or {}).get("control_group"):
            assert max(ranks, default=0) >= control_rank, path.stem


# --- designs, studies and findings: one statement, one finding ----------------------------------------


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_one_statement_is_one_finding(path: Path) -> None:
    """Two findings of a study on the same quote need different figures (72% werk, 80% opleiding);
    the same statement in two studies of an entry is one statement counted twice."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for s in _studies(data):
        keys = Counter((flat(f["quote"]), yaml.safe_dump(f.get("figure"), sort_keys=True)) for f in s["findings"]
                       if f.get("figure"))
        assert [k[0][:60] for k, n in keys.items() if n > 1] == [], s["id"]
        for f in s["findings"]:
            q = flat(f["quote"])
            assert seen.setdefault(q, s["id"]) == s["id"], f"{q[:60]!r} is a finding of {seen[q]} and of {s['id']}"


@pytest.mark.parametrize("entry_id", ["2getthere", "doorstroomprogramma-alliantie-mbo-arbeidsmarkt", "een-nieuw-perspectief",
                                      "jongeren-aan-zet", "zowhat"])
def test_a_figure_of_work_and_education_together_is_one_finding(entry_id: str) -> None:
    outcomes = [f["outcome"] for s in _studies(_data(entry_id)) for f in s["findings"] if f.get("figure")]
    assert "werk-of-onderwijs" in outcomes and not {"werk", "onderwijs"} <= set(outcomes)


def test_the_three_kix_evaluations_described_together_are_one_record_with_one_finding() -> None:
    studies = _studies(_data("kix"))
    together = [s for s in studies if "drie kwalitatieve evaluaties" in flat(s["description"]).lower()]
    assert len(together) == 1 and len(together[0]["findings"]) == 1
    assert together[0]["title"] == "Drie kwalitatieve evaluaties"


def test_a_design_the_report_does_not_name_is_not_recorded() -> None:
    """'Elke deelnemer stijgt bovendien op de zelfredzaamheidmatrix' says nothing of how it was measured."""
    [study] = _studies(_data("een-nieuw-perspectief"))
    assert study["designs"] == ["theoretisch", "monitoring"]
    assert "zelfredzaamheid" in {f["outcome"] for f in study["findings"]}


def test_a_source_cited_behind_an_example_is_no_study() -> None:
    data = _data("jongeren-aan-zet")
    assert all(c["source"] != "boelhouwer-et-al-2019" for s in _studies(data) for c in s["cites"])
    assert "boelhouwer-et-al-2019" in {c["source"] for c in data["cites"]}
    assert "(Boelhouwer et al., 2019)" in flat(data["success_factors"][0]["example"])


def test_a_general_lesson_is_no_finding() -> None:
    findings = [f for s in _studies(_data("soepelere-overgang-naar-werk")) for f in s["findings"]]
    assert not [f for f in findings if "langdurig transitietraject" in flat(f["quote"])]
    assert all(f["outcome"] != "werk" for f in findings)


# --- the small ones -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_a_target_group_is_a_description_not_a_question(path: Path) -> None:
    target = yaml.safe_load(path.read_text(encoding="utf-8"))["target_group"]
    assert not flat(target["description"]).endswith("?")


LINK_TEXTS = ("Zie evaluatie", "Zie ook de evaluatie", "Zie de factsheet", "Zie de interventiebeschrijving")


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_references_to_a_source_stay_out_of_the_verbatim_columns_and_in_its_note(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    columns = {"results.description": (data.get("results") or {}).get("description"),
               "evidence.verdict": (data.get("evidence") or {}).get("verdict"),
               **{s["id"]: s["description"] for s in _studies(data)}}
    for field, text in columns.items():
        text = flat(text)
        assert not any(link in text for link in LINK_TEXTS), field
        assert not text.endswith((" Bron", " Evaluatie", " Beschrijving")), field
    if any("Aa et al. (2016)" in flat(s.get("title")) for s in _studies(data)):
        notes = [flat(c.get("note")) for c in data["cites"] if c["source"] == "aa-et-al-2016"]
        assert notes and "Zie evaluatie van Aa et al. (2016)" in notes[0]


def test_project_ja_counts_no_municipalities_the_report_does_not_count() -> None:
    assert "scale" not in _data("project-ja")["course"]


def test_the_transitiecoach_for_vso_pro_holds_its_own_practice_only() -> None:
    assert "life-coaching" not in _data("transitiecoach-vso-pro")["activities"]


@pytest.mark.parametrize(("entry_id", "words"), [
    ("learn2work", "Oplossen van randvoorwaarden (bijv. huisvesting)\" is meerdere-leefgebieden"),
    ("kix", "niet getagd als bewijs-van-leren"),
    ("kix", "niet ook loopbaanorientatie"),
])
def test_a_defensible_reading_carries_its_note(entry_id: str, words: str) -> None:
    assert any(words in flat(n) for n in _data(entry_id)["notes"])


# --- practice examples of chapters 4-6 ----------------------------------------------------------------

ADDED_IN_SECOND_AUDIT = {
    "vsv-makelaars-casemanagers": "5.1", "jongerencoaches-wi-op-school": "5.1", "jongerenadviseur-op-mbo-locatie": "4.1",
    "jongerenpunten": "4.1", "toekomstplan-extra-begeleiding-mbo": "5.1",
}


@pytest.mark.parametrize(("entry_id", "section"), ADDED_IN_SECOND_AUDIT.items())
def test_the_practice_examples_of_the_second_audit_rest_on_the_report(bundled, entry_id: str, section: str) -> None:  # type: ignore[no-untyped-def]
    entry = bundled.by_id()[entry_id]
    assert entry.kind == "praktijkvoorbeeld" and entry.evidence_level == "niet-onderzocht"
    assert section in entry.provenance["sections"]
    assert "region" not in entry.data, "the report names none of their regions"
    assert any("tweede audit" in flat(n) for n in entry.data["notes"])


def test_each_practice_example_left_out_is_recorded_with_its_reason() -> None:
    mapping = flat((VOCAB / "MAPPING.md").read_text(encoding="utf-8"))
    left_out = mapping[mapping.index("Left out:"):]
    assert "Life-coaching pilots for mbo and vso/pro" in left_out
    assert "Transitiecoaches op Entree-niveau in two regions" in left_out
    for entry_id in ADDED_IN_SECOND_AUDIT:
        assert f"`{entry_id}`" in mapping
