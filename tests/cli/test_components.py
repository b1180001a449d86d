"""Components tagged with working elements (issue 18): `--from components|working-elements|all`,
the report's own list of recurring elements (section 3.1) reproduced from the components, and
the upgrade of a version-2 catalogue to version 3."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "fixtures"

# Section 3.1, "Onderdelen en werkzame factoren", in the report's words: the components that recur
# in several interventions "en kunnen daarom gekenmerkt worden als (mogelijk) werkzaam element",
# in the order of how often the report says they recur.
REPORT_3_1 = {
    "individuele-begeleiding": "Individuele begeleiding komt in een groot deel van de bovenstaande interventies terug.",
    "werkervaring": "Werkervaring opdoen komt eveneens terug bij veel interventies, in de vorm van een stage, "
                    "leerwerktraject en/of plaatsing bij een leerbedrijf.",
    "loopbaancompetenties": "Trainen van (loopbaan)competenties: een aantal interventies beoogt de arbeidsmarktkansen "
                            "van de deelnemers te vergroten door (loopbaan)competenties te trainen.",
    "maatwerk": "Maatwerk: bij een aantal interventies wordt expliciet benoemd dat het mogelijk is om maatwerk te leveren.",
    "loopbaanorientatie": "Loopbaanoriëntatie: enkele interventies zetten in op loopbaanoriëntatie.",
    "bewijs-van-leren": "bij twee van de interventies (Boris en Praktijkleren met praktijkverklaring) ontvangen de "
                        "deelnemers na afloop van de interventie een verklaring",
}
# How many, in the report's words: "een groot deel" and "veel" > "een aantal" > "enkele" > "twee".
REPORT_3_1_TIERS = [("individuele-begeleiding", "werkervaring"), ("loopbaancompetenties", "maatwerk"),
                    ("loopbaanorientatie",), ("bewijs-van-leren",)]


def _elements(run_cli, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = run_cli("elements", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _ranking(doc: dict) -> list[tuple[str, int]]:
    return [(e["id"], e["count"]) for e in doc["elements"]]


def test_the_components_reproduce_the_recurring_elements_of_section_3_1(run_cli) -> None:  # type: ignore[no-untyped-def]
    doc = _elements(run_cli, "--kind", "interventie", "--from", "components")
    assert doc["from"] == "components" and doc["entries"] == 18
    counts = dict(_ranking(doc))
    top_two = [eid for eid, _ in _ranking(doc)[:2]]
    assert set(top_two) == set(REPORT_3_1_TIERS[0]), f"section 3.1: {REPORT_3_1['werkervaring']!r}; the components rank {top_two}"
    for higher, lower in zip(REPORT_3_1_TIERS, REPORT_3_1_TIERS[1:]):
        for a in higher:
            for b in lower:
                assert counts[a] > counts[b], f"section 3.1: {REPORT_3_1[a]!r} and {REPORT_3_1[b]!r}; counts {counts[a]} and {counts[b]}"
    # "bij twee van de interventies (Boris en Praktijkleren met praktijkverklaring) ontvangen de deelnemers ... een verklaring"
    bewijs = next(e for e in doc["elements"] if e["id"] == "bewijs-van-leren")
    assert [e["id"] for e in bewijs["entries"]] == ["boris-brengt-je-bij-een-baan", "praktijkleren-met-de-praktijkverklaring"]


def test_work_placements_are_work_experience_and_group_lessons_a_group_form(run_cli) -> None:  # type: ignore[no-untyped-def]
    """3.1 joins "een passende werkplek" to werkervaring; a component naming a form is that form."""
    doc = _elements(run_cli, "--kind", "interventie", "--from", "components")
    holders = {e["id"]: {x["id"] for x in e["entries"]} for e in doc["elements"]}
    assert {"zowhat", "aanpak-drechtsteden"} <= holders["werkervaring"]
    assert not {"doorstroomprogramma-alliantie-mbo-arbeidsmarkt", "een-nieuw-perspectief"} & holders["loopbaancompetenties"]
    assert {"doorstroomprogramma-alliantie-mbo-arbeidsmarkt", "een-nieuw-perspectief"} <= holders["groepsaanpak"]
    assert "learn2work" in holders["loopbaancompetenties"] and "kix" not in holders["loopbaanorientatie"]


def test_loopbaanorientatie_is_on_the_interventions_whose_components_name_it(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("search", "--element", "loopbaanorientatie", "--from", "components", "--format", "json")
    assert result.exit_code == 0, result.stderr
    ids = {row["id"] for row in json.loads(result.stdout)}
    assert ids == {"boris-brengt-je-bij-een-baan", "bridge", "ouders-en-loopbaankeuzes"}
    by_working_elements = {row["id"] for row in json.loads(run_cli("search", "--element", "loopbaanorientatie", "--from", "working-elements",
                                                                   "--format", "json").stdout)}
    assert "bridge" not in by_working_elements and ids <= {row["id"] for row in json.loads(run_cli(
        "search", "--element", "loopbaanorientatie", "--format", "json").stdout)}


def test_working_elements_give_the_old_ranking_and_all_the_union(run_cli, repo_root: Path) -> None:  # type: ignore[no-untyped-def]
    from jwtool.catalogue.load import load_catalogue

    entries = [e for e in load_catalogue(repo_root).entries if e.kind == "interventie"]
    old = _elements(run_cli, "--kind", "interventie", "--from", "working-elements")
    assert old["from"] == "working-elements"
    assert dict(_ranking(old)) == {el: n for el in {x for e in entries for x in e.element_ids}
                                   if (n := sum(el in e.element_ids for e in entries))}
    assert dict(_ranking(old))["werkervaring"] == 4  # 8th place in the issue: the appendix column names it four times
    union = _elements(run_cli, "--kind", "interventie")
    assert union["from"] == "all"
    components = dict(_ranking(_elements(run_cli, "--kind", "interventie", "--from", "components")))
    for use in union["elements"]:
        holders = {e["id"] for e in use["entries"]}
        by_we = {e.id for e in entries if use["id"] in e.element_ids}
        by_comp = {e.id for e in entries if use["id"] in e.elements_from("components")}
        assert holders == by_we | by_comp
        assert use["count"] >= max(dict(_ranking(old)).get(use["id"], 0), components.get(use["id"], 0))


@pytest.mark.parametrize("command", [("elements",), ("similar", "boris"), ("map",), ("search", "--element", "maatwerk")])
def test_an_unknown_source_is_a_usage_error(run_cli, command) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(*command, "--from", "onderdelen")
    assert result.exit_code == 2
    assert "--from" in result.stderr and "components" in result.stderr and "working-elements" in result.stderr


def test_similar_and_map_say_which_source_they_used(run_cli) -> None:  # type: ignore[no-untyped-def]
    alike = json.loads(run_cli("similar", "boris", "--from", "components", "--format", "json").stdout)
    assert alike["from"] == "components"
    assert [e["id"] for e in alike["ref"]["elements"]] == ["loopbaanorientatie", "maatwerk", "werkervaring", "bewijs-van-leren"]
    assert alike["similar"][0]["id"] == "praktijkleren-met-de-praktijkverklaring"
    summary = json.loads(run_cli("map", "--from", "working-elements", "--format", "json").stdout)
    assert summary["from"] == "working-elements"
    graph = json.loads(run_cli("map", "--from", "components", "--export", "json").stdout)
    assert graph["graph"]["elements_from"] == "components"
    boris = [link for link in graph["links"] if link["source"] == "entry:boris-brengt-je-bij-een-baan"]
    assert {link["target"] for link in boris} == {"element:loopbaanorientatie", "element:maatwerk", "element:werkervaring", "element:bewijs-van-leren"}


def test_a_card_shows_each_component_with_the_labels_of_its_elements(run_cli) -> None:  # type: ignore[no-untyped-def]
    text = run_cli("show", "zowhat").stdout
    assert "Jongere in casusoverleg bespreken → Samenwerking tussen partijen rond de jongere" in text
    assert "Passende werkplek → Werkervaring opdoen" in text
    english = run_cli("show", "boris", "--lang", "en").stdout
    assert "Plaatsing bij leerbedrijf → Gaining work experience" in english


def test_a_card_shows_an_untagged_component_with_its_text_only(run_cli, catalogue_copy: Path) -> None:  # type: ignore[no-untyped-def]
    path = catalogue_copy / "interventions" / "zowhat.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - text: Passende werkplek\n    elements: [werkervaring]", "  - text: Passende werkplek\n    elements: []"),
                    encoding="utf-8")
    shown = run_cli("show", "zowhat", "--catalogue", catalogue_copy).stdout
    assert "  - Passende werkplek\n" in shown


def test_every_component_is_a_tagged_record(repo_root: Path) -> None:
    for path in sorted((repo_root / "interventions").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for c in data.get("components") or []:
            assert isinstance(c, dict) and isinstance(c["text"], str) and isinstance(c["elements"], list), path.name


@pytest.mark.slow
def test_upgrade_from_version_2_tags_components_and_turns_study_urls_into_citations(mini_catalogue: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    cat = mini_catalogue
    meta = cat / "catalogue.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("schema_version: 3", "schema_version: 2"), encoding="utf-8")
    for name in ("alpha", "beta"):
        shutil.copy(DATA / "v2" / "interventions" / f"{name}.yaml", cat / "interventions" / f"{name}.yaml")
    refused = run_cli("list", "--catalogue", cat)
    assert refused.exit_code == 1 and "schemaversie 2" in refused.stderr and "jwtool upgrade" in refused.stderr

    assert run_cli("upgrade", "--catalogue", cat).exit_code == 0
    after = {p: p.read_bytes() for p in sorted(cat.rglob("*.yaml"))}
    assert run_cli("validate", "--catalogue", cat).exit_code == 0
    second = run_cli("upgrade", "--catalogue", cat)
    assert "niets om te zetten" in second.stderr
    assert {p: p.read_bytes() for p in sorted(cat.rglob("*.yaml"))} == after

    assert yaml.safe_load(meta.read_text(encoding="utf-8"))["schema_version"] == 3
    assert meta.read_text(encoding="utf-8").startswith("# yaml-language-server")  # comments kept
    alpha = yaml.safe_load((cat / "interventions" / "alpha.yaml").read_text(encoding="utf-8"))
    assert alpha["components"] == [{"text": "Loopbaanoriëntatie", "elements": []}, {"text": "Stage", "elements": []}]
    assert "studies" not in alpha["evidence"]  # its URL is the URL of evaluatie-alfa, which alpha cites
    assert [c["source"] for c in alpha["cites"]] == ["kwetsbare-jongeren-2023", "evaluatie-alfa"]
    assert not (cat / "sources" / "example-org-alfa-evaluatie-pdf.yaml").exists()

    beta_text = (cat / "interventions" / "beta.yaml").read_text(encoding="utf-8")
    assert "# versie 2: een onderdeel was een tekst" in beta_text
    beta = yaml.safe_load(beta_text)
    assert beta["components"] == [{"text": "Trainingen", "elements": []}, {"text": "Stage: twee dagen per week", "elements": []}]
    assert "studies" not in beta["evidence"]
    new = beta["cites"][-1]["source"]
    record = yaml.safe_load((cat / "sources" / f"{new}.yaml").read_text(encoding="utf-8"))
    assert record["URL"] == "https://example.org/beta-monitor.pdf" and record["kind"] == "evaluatie"


def test_the_overview_gap_maps_count_working_elements_and_components(repo_root: Path) -> None:
    from jwtool.catalogue.load import load_catalogue
    from jwtool.render.escaping import anchor_ids
    from jwtool.render.overview import gap_maps

    cat = load_catalogue(repo_root)
    anchors = anchor_ids(cat.entries)

    def totals(source: str) -> dict[str, int]:
        return {row["id"]: row["total"] for row in gap_maps(cat.entries, cat, "nl", anchors, source)["phases"]["rows"] if row["total"]}

    both, old = totals("all"), totals("working-elements")
    assert totals("all") == {row["id"]: row["total"] for row in gap_maps(cat.entries, cat, "nl", anchors)["phases"]["rows"] if row["total"]}
    assert old["werkervaring"] < both["werkervaring"] == len({e.id for e in cat.entries if "werkervaring" in e.elements_from("all")})
    assert "rolmodellen" in both and totals("components")["rolmodellen"] == 1  # 2GetThere's "Opleiden tot jongerencoach"
