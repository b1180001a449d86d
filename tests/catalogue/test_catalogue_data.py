"""The bundled catalogue says what the report says: the appendix rows, their eight columns,
the practice examples, the vocabularies of sections 3.1, 3.2 and 7.3, and verbatim text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from data_audit import norm as _norm
from data_audit import verbatim_fields as _verbatim_fields

from conftest import REPORT, require
from jwtool.catalogue.layout import Layout
from jwtool.catalogue.load import load_vocabularies
from jwtool.catalogue.yamlfile import read_yaml

REPO = Path(__file__).resolve().parents[2]
ENTRY_FILES = sorted((REPO / "interventions").glob("*.yaml"))

# Appendix 2 of the report, in the report's order (Tabel B2.1 and Tabel B2.2).
B21 = ["boris-brengt-je-bij-een-baan", "bridge", "doorstroomprogramma-alliantie-mbo-arbeidsmarkt", "kix",
       "ouders-en-loopbaankeuzes", "soepelere-overgang-naar-werk", "transitieroute"]
B22 = ["2getthere", "aanpak-drechtsteden", "de-navigator", "een-nieuw-perspectief", "heilige-boontjes",
       "jongeren-aan-zet", "learn2work", "praktijkleren-met-de-praktijkverklaring", "project-ja", "tops4jobs", "zowhat"]
# Bijlage 1: the seven case studies.
CASES = ["arbeidscoaches", "leren-op-de-werkvloer", "inzet-jongerenconsulenten", "transitiecoach",
         "combinatiefunctionarissen", "nazorggesprekken", "nxt-coach"]
# Practice examples of chapter 5 added by the second pass over the structured fields.
REGIONAL_EXAMPLES_ADDED_IN_SECOND_PASS = ["stage-bij-sociaal-werkbedrijf", "entree-opleiding-voor-pro-leerlingen",
                                          "rmc-trajectbegeleiders-outreachend", "nabellen-oud-studenten-mbo"]
EIGHT_COLUMNS = [("providers", "description"), ("target_group", "description"), ("goals", "description"),
                 ("activities",), ("course", "description"), ("results", "description"), ("evidence", "verdict"),
                 ("working_elements",)]


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_entry_loads_without_problems(path: Path) -> None:
    doc = read_yaml(path, path.name)
    assert doc.problems == []
    assert doc.data["id"] == path.stem
    assert doc.text is not None and doc.text.startswith("# yaml-language-server: $schema=../schemas/intervention.schema.json")


@pytest.mark.parametrize(("table", "ids"), [("B2.1", B21), ("B2.2", B22)])
def test_appendix_table_has_exactly_the_report_rows_in_order(bundled, table: str, ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    rows = sorted((e for e in bundled.entries if e.table == table), key=lambda e: e.order)
    assert [e.id for e in rows] == ids
    assert [e.order for e in rows] == list(range(1, len(ids) + 1))
    assert all(e.kind == "interventie" for e in rows)


@pytest.mark.parametrize("entry_id", B21 + B22)
def test_appendix_row_carries_all_eight_columns(bundled, entry_id: str) -> None:  # type: ignore[no-untyped-def]
    data = bundled.by_id()[entry_id].data
    for path in EIGHT_COLUMNS:
        value = data
        for step in path:
            value = value.get(step) if isinstance(value, dict) else None
        assert value, f"{entry_id}: column {'.'.join(path)} is empty"


def test_the_eighteen_interventions_are_named_as_in_the_appendix(bundled) -> None:  # type: ignore[no-untyped-def]
    names = {e.id: e.name for e in bundled.entries if e.table}
    assert names["boris-brengt-je-bij-een-baan"] == "Boris brengt je bij ‘n baan"
    assert names["zowhat"] == "ZoWh@t"
    assert names["tops4jobs"] == "TOPs4JOBs"
    assert len(names) == 18


def test_the_seven_case_studies_of_bijlage_1_are_practice_examples(bundled) -> None:  # type: ignore[no-untyped-def]
    by_id = bundled.by_id()
    for case in CASES:
        entry = by_id[case]
        assert entry.kind == "praktijkvoorbeeld"
        assert entry.evidence_level == "niet-onderzocht"
        assert "bijlage 1" in entry.provenance["sections"]


def test_regional_practice_examples_of_chapters_4_to_6(bundled) -> None:  # type: ignore[no-untyped-def]
    ids = {e.id for e in bundled.entries if e.kind == "praktijkvoorbeeld"}
    assert {"matchtafels-achterhoek", "rode-loper-achterhoek", "harrie-training", "route-arbeid", "school-als-wijk",
            "leerwerkmakelaars", "vouchers-en-cheques", "transitiecoach-vso-pro",
            # 5.1 sociale werkbedrijven, 5.2 Entree in het mbo voor pro-leerlingen, 5.3 outreachende
            # RMC-trajectbegeleiders ingehuurd door de gemeente, 5.3/6.2 nabellen door het mbo
            "stage-bij-sociaal-werkbedrijf", "entree-opleiding-voor-pro-leerlingen",
            "rmc-trajectbegeleiders-outreachend", "nabellen-oud-studenten-mbo"} <= ids


@pytest.mark.parametrize("entry_id", REGIONAL_EXAMPLES_ADDED_IN_SECOND_PASS)
def test_practice_examples_of_chapter_5_rest_on_the_report_only(bundled, entry_id: str) -> None:  # type: ignore[no-untyped-def]
    entry = bundled.by_id()[entry_id]
    assert entry.kind == "praktijkvoorbeeld"
    assert entry.evidence_level == "niet-onderzocht"
    assert set(entry.provenance["sections"]) & {"5.1", "5.2", "5.3"}
    assert "region" not in entry.data, "the report names none of these regions"
    assert entry.data.get("notes"), "every choice made in a practice example is explained in a note"


def test_section_3_2_boxes_are_linked_to_their_success_factor(bundled) -> None:  # type: ignore[no-untyped-def]
    linked = {(e.id, f) for e in bundled.entries for f in e.factor_ids}
    assert linked >= {
        ("jongeren-aan-zet", "consensus"), ("kix", "heldere-afspraken"),
        ("boris-brengt-je-bij-een-baan", "samenwerking-disciplines"), ("transitieroute", "continuiteit"),
        ("aanpak-drechtsteden", "contact-en-communicatie"),
        ("praktijkleren-met-de-praktijkverklaring", "meerdere-niveaus"), ("soepelere-overgang-naar-werk", "coordinatie"),
    }


def test_vocabularies_hold_the_report_terms() -> None:
    vocab, _, problems = load_vocabularies(Layout(REPO))
    assert problems == []
    elements = vocab["working-elements"]
    # section 3.1: the seven recurring (possibly) working elements
    assert {"individuele-begeleiding", "werkervaring", "loopbaancompetenties", "loopbaanorientatie", "maatwerk",
            "bewijs-van-leren", "nazorg"} <= set(elements.terms)
    # section 7.3: conditions for effective support
    assert {"vertrouwensband", "wegwijs-maken", "persoonlijke-relevantie", "relatie-met-praktijk", "outreachend-werken"} <= set(elements.terms)
    # one idea, one element: the report's phrasings resolve to it
    assert "Persoonlijke begeleiding" in elements.terms["individuele-begeleiding"].phrasings
    assert "Eén op één ondersteuning" in elements.terms["individuele-begeleiding"].phrasings
    assert "intensieve-begeleiding" != "individuele-begeleiding" and "intensieve-begeleiding" in elements.terms
    # section 3.2: nine success factors
    assert len(vocab["success-factors"]) == 9
    levels = vocab["evidence-levels"].ordered()
    assert [t.id for t in levels] == ["niet-onderzocht", "goed-beschreven", "goed-onderbouwd", "eerste-aanwijzingen",
                                      "goede-aanwijzingen", "sterke-aanwijzingen"]


def test_every_phrasing_listed_in_the_vocabulary_is_used_or_from_the_report() -> None:
    vocab, _, _ = load_vocabularies(Layout(REPO))
    assert all(t.phrasings for t in vocab["working-elements"] if "bijlage 2" in t.source)


# --- verbatim: every line of every verbatim field occurs in the report ---------------------------
# (checked with every quote and figure by tests/catalogue/data_audit.py, run per entry in test_data_audit.py)


@pytest.fixture(scope="module")
def report() -> str:
    """The report's text, normalised; the tests that need it skip (fail in CI) without it."""
    require(REPORT.is_file(), f"the source report at {REPORT} (set JWTOOL_REPORT to its path)")
    return _norm(REPORT.read_text(encoding="utf-8"))


# --- structured fields: only what the text says ----------------------------------------------------

_START_WORDS = re.compile(r"gestart|van start|sinds|liep van|bestaat sinds", re.IGNORECASE)


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+", " ".join(text.split()))


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_a_start_year_is_a_year_the_course_text_says_something_started(path: Path) -> None:
    """'In de periode 2019-2021 hebben 27 jongeren deelgenomen' and 'ontwikkeld in 2015' are no start."""
    course = read_yaml(path, path.name).data.get("course") or {}
    start = course.get("start_year")
    if start is None:
        return
    said = [s for s in _sentences(course.get("description") or "") if str(start) in s and _START_WORDS.search(s)]
    assert said, f"start_year {start} is not stated as a start in course.description"


@pytest.mark.parametrize(("entry_id", "words"), [
    ("jongeren-aan-zet", "In de periode 2019-2021 hebben 27 jongeren deelgenomen"),
    ("soepelere-overgang-naar-werk", "In 2018 – 2019 deden zes regio’s mee aan de pilot"),
    ("aanpak-drechtsteden", "Deze aanpak is ontwikkeld in 2015"),
])
def test_a_participation_period_or_development_year_gives_no_start_or_end_year(bundled, entry_id: str, words: str) -> None:  # type: ignore[no-untyped-def]
    data = bundled.by_id()[entry_id].data
    assert words in " ".join(data["course"]["description"].split())
    assert "start_year" not in data["course"] and "end_year" not in data["course"]
    assert any(words in " ".join(n.split()) for n in data["notes"]), "the decision is recorded with the report's words"


# "118 leerlingen aangemeld" counts registrations, "9 mbo-instellingen" institutions (of a parent pilot).
_OTHER_UNITS = re.compile(r"(\d+) (?:\w+ ){0,2}(aangemeld|mbo-instellingen|instellingen|trajecten)")


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_a_count_of_another_unit_is_not_recorded_as_participants_or_schools(path: Path) -> None:
    course = read_yaml(path, path.name).data.get("course") or {}
    scale = course.get("scale") or {}
    other = {int(m.group(1)) for m in _OTHER_UNITS.finditer(" ".join((course.get("description") or "").split()))}
    assert not other & {scale.get("participants"), scale.get("schools")}


@pytest.mark.parametrize("entry_id", ["de-navigator", "transitieroute"])
def test_registrations_and_institutions_of_a_parent_pilot_give_no_scale(bundled, entry_id: str) -> None:  # type: ignore[no-untyped-def]
    assert "scale" not in bundled.by_id()[entry_id].data["course"]


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_the_base_of_a_percentage_counts_the_unit_the_percentage_is_of(path: Path) -> None:
    """'Van de 103 trajecten ... was 39% van de deelnemers': 103 trajectories are no base for participants."""
    for fig in (read_yaml(path, path.name).data.get("results") or {}).get("figures") or []:
        n, quote = fig.get("n"), " ".join(str(fig.get("quote") or "").split())
        if n is not None and re.search(rf"\b{n} trajecten\b", quote):
            assert "traject" in fig["measure"], f"n {n} counts trajecten, the measure is {fig['measure']!r}"


def _texts_outside_providers(data: dict) -> str:  # type: ignore[type-arg]
    fields = {k: v for k, v in _verbatim_fields(data).items() if not k.startswith("providers.")}
    return " ".join([str(data.get("summary") or ""), *fields.values()])


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_a_region_is_named_by_the_text_not_taken_from_a_provider_name(path: Path) -> None:
    """'WSP Noord-Holland Noord' names an organisation; it does not say where ZoWh@t runs."""
    data = read_yaml(path, path.name).data
    elsewhere = _norm(_texts_outside_providers(data))
    described = " ".join(((data.get("providers") or {}).get("description") or "").split())
    for name in (data.get("region") or {}).get("names") or []:
        assert _norm(name) in elsewhere or f"regio {name}" in described, f"region {name!r} only in a provider name"


def test_zowhat_has_no_region_from_its_provider_name(bundled) -> None:  # type: ignore[no-untyped-def]
    data = bundled.by_id()["zowhat"].data
    assert "WSP Noord-Holland Noord" in data["providers"]["organisations"]
    assert "region" not in data


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_an_element_the_report_names_in_parentheses_is_mapped_to_that_element_only(path: Path) -> None:
    """'Continuïteit van de begeleiding (nazorg)': the report names the narrower element itself."""
    vocab, _, _ = load_vocabularies(Layout(REPO))
    by_label = {t.label.lower(): t.id for t in vocab["working-elements"]}
    for item in read_yaml(path, path.name).data.get("working_elements") or []:
        named = re.search(r"\(([^()]+)\)\s*$", item["text"])
        if named and named.group(1).lower() in by_label:
            assert item["elements"] == [by_label[named.group(1).lower()]], item["text"]


@pytest.mark.parametrize(("factor", "words"), [
    ("legitimiteit-en-vertrouwen", "Het belang van legitimiteit en vertrouwen werd echter niet expliciet benoemd in de "
                                   "beschrijvingen of evaluaties van de interventies."),
    ("stabiliteit-en-flexibiliteit", "In geen van de beschrijvingen of evaluaties van de eerdergenoemde interventies "
                                     "werden echter stabiliteit en/of flexibiliteit als succesfactoren genoemd"),
])
def test_a_success_factor_no_intervention_names_says_so_in_its_definition(bundled, report: str, factor: str, words: str) -> None:  # type: ignore[no-untyped-def]
    vocab, _, _ = load_vocabularies(Layout(REPO))
    term = vocab["success-factors"].terms[factor]
    assert _norm(words) in report
    assert words in " ".join(term.definition.split())
    assert "3.2" in term.source
    assert not [e.id for e in bundled.entries if factor in e.factor_ids], "the report: no intervention names it"
