"""Studies behind the evidence level: validated like citations, checked against the level (a
warning, silenced only by a reviewed marker naming the note that explains it), and shown with
their findings next to the level in `show`, the overview and the site, escaped everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import HOSTILE_TEXT
from jwtool.validate.rules import validate

DATA = Path(__file__).resolve().parents[1] / "fixtures"
STUDIES = DATA / "studies"


def add(root: Path, name: str, text: str) -> Path:
    path = root / "interventions" / name
    path.write_text(text, encoding="utf-8")
    return path


def case(name: str, entry_id: str | None = None) -> str:
    """A fixture entry with one study, renamed to ``entry_id`` (its study id follows)."""
    text = (STUDIES / f"{name}.yaml").read_text(encoding="utf-8")
    return text.replace(name, entry_id) if entry_id else text


def found(root: Path) -> list[tuple[str, str, str, int, int]]:
    return [(p.file, p.severity, p.rule, p.line, p.column) for p in validate(root).problems]


# --- citations and ids -------------------------------------------------------------------------


def test_a_study_citing_a_table_its_source_does_not_declare_is_an_error_at_its_line(empty_catalogue: Path) -> None:
    text = case("comparison-not-studied").replace('          sections: ["5.2"]\n      findings', '          rows: [{table: B9.9, row: 1}]\n      findings', 1)
    add(empty_catalogue, "comparison-not-studied.yaml", text)
    [problem] = [p for p in validate(empty_catalogue).problems if p.rule == "citation"]
    assert (problem.line, problem.column, problem.path) == (17, 26, "/evidence/studies/0/cites/0/rows/0/table")
    assert "has no table 'B9.9'" in problem.message


def test_a_study_id_is_unique_across_the_catalogue_and_the_error_names_both_files(empty_catalogue: Path) -> None:
    add(empty_catalogue, "een.yaml", case("stale-marker", "een"))
    add(empty_catalogue, "twee.yaml", case("stale-marker", "twee").replace("twee-evaluatie", "een-evaluatie"))
    [problem] = [p for p in validate(empty_catalogue).problems if p.rule == "unique-id"]
    assert (problem.file, problem.line, problem.column, problem.severity) == ("interventions/twee.yaml", 12, 11, "error")
    assert "study id 'een-evaluatie' is also used in interventions/een.yaml" in problem.message


def test_a_study_id_twice_in_one_entry_is_an_error_at_the_second(empty_catalogue: Path) -> None:
    text = case("stale-marker")
    study = text[text.index("    - id:"):text.index("working_elements:")]
    add(empty_catalogue, "stale-marker.yaml", text.replace(study, study + study))
    [problem] = [p for p in validate(empty_catalogue).problems if p.rule == "unique-id"]
    assert problem.line == 12 + study.count("\n") and "also used in this entry" in problem.message


def test_a_source_cited_only_by_a_study_is_not_unused(empty_catalogue: Path) -> None:
    (empty_catalogue / "sources" / "evaluatie.yaml").write_text("id: evaluatie\ntype: report\nkind: evaluatie\ntitle: Evaluatie\n", encoding="utf-8")
    add(empty_catalogue, "stale-marker.yaml", case("stale-marker").replace("        - source: kwetsbare-jongeren-2023\n          sections", "        - source: evaluatie\n          sections", 1))
    assert [r for _, _, r, _, _ in found(empty_catalogue)] == ["stale-reviewed-warning"]


# --- the level against the studies --------------------------------------------------------------


def test_a_level_of_first_indications_on_monitoring_figures_only_is_a_warning_with_reason_and_fix(empty_catalogue: Path, run_cli, english) -> None:
    add(empty_catalogue, "level-without-comparison.yaml", case("level-without-comparison"))
    assert found(empty_catalogue) == [("interventions/level-without-comparison.yaml", "warning", "evidence-level-not-carried", 10, 10)]
    result = run_cli("validate", "--catalogue", empty_catalogue)
    assert result.exit_code == 0  # a warning, not an error
    assert ("warning: evidence.level: level 'eerste-aanwijzingen' asks for at least 1 study with a design (voor-nameting, "
            "vergelijking-andere-projecten, controlegroep or gerandomiseerd) or a finding with comparison: true, and a finding 'positief'") in result.stdout
    assert "but none of its 1 studies does; record the studies the source describes, or lower the level below 'eerste-aanwijzingen'" in result.stdout
    assert "reviewed_warnings: [{rule: evidence-level-not-carried, note:" in result.stdout  # how to silence it


def study_text(sid: str, designs: str, direction: str = "positief", comparison: str = "false") -> str:
    return (f"    - id: {sid}\n      designs: [{designs}]\n      description: Een studie.\n      cites:\n        - source: kwetsbare-jongeren-2023\n"
            f"          sections: [\"5.2\"]\n      findings:\n        - outcome: werk\n          direction: {direction}\n"
            f"          comparison: {comparison}\n          quote: Citaat van {sid}.\n")


def with_studies(level: str, *studies: str) -> str:
    text = case("level-without-comparison").replace("level: eerste-aanwijzingen", f"level: {level}")
    return text[:text.index("    - id:")] + "".join(studies) + text[text.index("working_elements:"):]


# The ladder's criteria (evidence-levels.yaml) on held-out cases: level, the studies, and the level
# the warning proposes (None: no warning).
LADDER_CASES = [
    # sterke aanwijzingen asks for two controlled studies: one carries goede aanwijzingen
    ("sterke-aanwijzingen", [("controlegroep", "positief")], "goede-aanwijzingen"),
    ("sterke-aanwijzingen", [("controlegroep", "positief"), ("gerandomiseerd", "positief")], None),
    ("sterke-aanwijzingen", [("controlegroep", "positief"), ("kwalitatief", "positief")], "goede-aanwijzingen"),
    ("sterke-aanwijzingen", [("voor-nameting", "positief")], "eerste-aanwijzingen"),
    # goede aanwijzingen asks for a study with a control group: a benchmark or pre-post carries eerste
    ("goede-aanwijzingen", [("vergelijking-andere-projecten", "positief")], "eerste-aanwijzingen"),
    ("goede-aanwijzingen", [("voor-nameting, monitoring", "positief")], "eerste-aanwijzingen"),
    ("goede-aanwijzingen", [("controlegroep", "geen-effect")], ""),  # a control group that found no effect carries no level of effect
    ("goede-aanwijzingen", [("gerandomiseerd", "positief")], None),
    # eerste aanwijzingen asks for a study that measures change: pre-post, benchmark or comparison
    ("eerste-aanwijzingen", [("voor-nameting", "positief")], None),
    ("eerste-aanwijzingen", [("monitoring", "positief")], ""),
    ("eerste-aanwijzingen", [("kwalitatief", "positief"), ("monitoring", "positief")], ""),
    # the levels below rest on description and theory: nothing is asked of the studies
    ("goed-onderbouwd", [], None),
    ("goed-beschreven", [("monitoring", "positief")], None),
]


@pytest.mark.parametrize(("level", "planned", "proposed"), LADDER_CASES, ids=lambda v: str(v))
def test_the_ladder_s_criteria_decide_whether_the_studies_carry_the_level(empty_catalogue: Path, level: str, planned: list[tuple[str, str]], proposed: str | None) -> None:
    studies = [study_text(f"ladder-{i}", designs, direction) for i, (designs, direction) in enumerate(planned)]
    add(empty_catalogue, "level-without-comparison.yaml", with_studies(level, *studies))
    problems = [p for p in validate(empty_catalogue).problems if p.rule == "evidence-level-not-carried"]
    if proposed is None:
        assert problems == []
    else:
        [problem] = problems
        assert problem.severity == "warning" and problem.path == "/evidence/level"
        expected = f"or lower the level to {proposed!r}, which its studies carry" if proposed else "its studies carry no level of effect"
        assert expected in problem.message


def test_a_finding_that_compares_counts_for_first_indications_but_not_for_good_ones(empty_catalogue: Path) -> None:
    comparing = study_text("ladder-0", "monitoring", comparison="true")
    add(empty_catalogue, "level-without-comparison.yaml", with_studies("eerste-aanwijzingen", comparing))
    assert [p.rule for p in validate(empty_catalogue).problems] == []
    add(empty_catalogue, "level-without-comparison.yaml", with_studies("goede-aanwijzingen", comparing))
    [problem] = validate(empty_catalogue).problems
    assert problem.rule == "evidence-level-not-carried" and "lower the level to 'eerste-aanwijzingen'" in problem.message


def test_the_criteria_are_data_a_catalogue_may_change(empty_catalogue: Path) -> None:
    """Another ladder: the catalogue's own evidence-levels.yaml decides, not the code."""
    vocab = empty_catalogue / "schemas" / "vocabularies" / "evidence-levels.yaml"
    vocab.write_text(vocab.read_text(encoding="utf-8").replace("      studies: 2\n", "      studies: 1\n"), encoding="utf-8")
    add(empty_catalogue, "level-without-comparison.yaml", with_studies("sterke-aanwijzingen", study_text("ladder-0", "controlegroep")))
    assert [p.rule for p in validate(empty_catalogue).problems] == []


def test_every_level_states_its_criteria_and_names_only_known_designs(repo_root: Path) -> None:
    import yaml

    vocab = lambda name: yaml.safe_load((repo_root / "schemas" / "vocabularies" / f"{name}.yaml").read_text(encoding="utf-8"))  # noqa: E731
    designs = {t["id"] for t in vocab("study-designs")["terms"]}
    levels = sorted(vocab("evidence-levels")["terms"], key=lambda t: t["rank"])
    asked = [t["criteria"]["studies"] for t in levels]
    assert asked == sorted(asked) and asked[-1] == 2  # the ladder never asks less higher up
    for term in levels:
        assert term["criteria"]["requires"].strip()
        assert set(term["criteria"].get("designs", [])) <= designs, term["id"]


def test_a_criterion_naming_an_unknown_design_is_an_error_in_the_vocabulary(empty_catalogue: Path) -> None:
    vocab = empty_catalogue / "schemas" / "vocabularies" / "evidence-levels.yaml"
    vocab.write_text(vocab.read_text(encoding="utf-8").replace("designs: [controlegroep, gerandomiseerd]", "designs: [controlgroep, gerandomiseerd]", 1), encoding="utf-8")
    [problem] = validate(empty_catalogue).problems
    assert (problem.file, problem.rule) == ("schemas/vocabularies/evidence-levels.yaml", "vocabulary-file")
    assert "'controlgroep' is not a design in study-designs.yaml (did you mean 'controlegroep'?)" in problem.message


def test_a_marker_naming_the_old_rule_says_what_it_is_now(empty_catalogue: Path) -> None:
    add(empty_catalogue, "level-without-comparison.yaml", marked("level-without-comparison", rule="evidence-level-without-comparison"))
    [error] = [p for p in validate(empty_catalogue).problems if p.severity == "error"]
    assert error.rule == "reviewed-warning" and "did you mean 'evidence-level-not-carried'" in error.message


def test_a_level_above_niet_onderzocht_without_any_study_is_a_warning(empty_catalogue: Path) -> None:
    text = case("level-without-comparison")
    add(empty_catalogue, "level-without-comparison.yaml", text[:text.index("  studies:")] + text[text.index("working_elements:"):])
    [problem] = validate(empty_catalogue).problems
    assert problem.rule == "evidence-level-not-carried" and "it records no study" in problem.message


def test_a_comparing_study_under_niet_onderzocht_is_a_warning_at_the_study(empty_catalogue: Path) -> None:
    add(empty_catalogue, "comparison-not-studied.yaml", case("comparison-not-studied"))
    [problem] = validate(empty_catalogue).problems
    assert (problem.severity, problem.rule, problem.line, problem.column) == ("warning", "comparison-study-not-studied", 12, 7)
    assert "study 'comparison-not-studied-evaluatie' compares (its design 'controlegroep' compares)" in problem.message


@pytest.mark.parametrize(("design", "flag"), [("controlegroep", "control_group"), ("gerandomiseerd", "control_group"), ("kosten-baten", "cost_benefit")])
def test_a_flag_that_says_false_beside_a_design_that_implies_it_is_a_warning_at_the_flag(empty_catalogue: Path, design: str, flag: str) -> None:
    text = case("comparison-not-studied").replace("designs: [controlegroep]", f"designs: [{design}]")
    add(empty_catalogue, "flag.yaml", text.replace("  level: niet-onderzocht\n", f"  level: niet-onderzocht\n  {flag}: false\n"))
    problems = [p for p in validate(empty_catalogue).problems if p.rule == "evidence-flag-contradicts-design"]
    assert [(p.severity, p.line, p.column) for p in problems] == [("warning", 11, 3 + len(flag) + 2)]
    assert f"false, yet study 'comparison-not-studied-evaluatie' has the design '{design}', which makes {flag} true; set {flag}: true" in problems[0].message
    add(empty_catalogue, "flag.yaml", text.replace("  level: niet-onderzocht\n", f"  level: niet-onderzocht\n  {flag}: true\n"))
    assert not [p for p in validate(empty_catalogue).problems if p.rule == "evidence-flag-contradicts-design"]


def test_a_design_without_a_flag_it_implies_is_no_contradiction(empty_catalogue: Path) -> None:
    # control_group left out says nothing; monitoring implies neither flag
    add(empty_catalogue, "flag.yaml", case("comparison-not-studied").replace("designs: [controlegroep]", "designs: [monitoring]")
        .replace("  level: niet-onderzocht\n", "  level: niet-onderzocht\n  control_group: false\n  cost_benefit: false\n"))
    add(empty_catalogue, "unflagged.yaml", case("comparison-not-studied", "unflagged"))
    assert not [p for p in validate(empty_catalogue).problems if p.rule == "evidence-flag-contradicts-design"]


# --- reviewed markers ----------------------------------------------------------------------------

NOTE = '  - "Bewijskracht: het rapport noemt een controlegroep maar beoordeelt het niveau als niet onderzocht."\n'


def marked(name: str, note: str = "Bewijskracht:", rule: str = "comparison-study-not-studied", notes: str = NOTE) -> str:
    text = case(name)
    return text.replace("last_reviewed:", f"notes:\n{notes}reviewed_warnings:\n  - {{rule: {rule}, note: \"{note}\", reviewed: \"2026-11-28\"}}\nlast_reviewed:")


def test_a_reviewed_marker_silences_the_warning_which_stays_visible_in_json_and_the_summary(empty_catalogue: Path, run_cli, english) -> None:
    add(empty_catalogue, "comparison-not-studied.yaml", marked("comparison-not-studied"))
    assert found(empty_catalogue) == [("interventions/comparison-not-studied.yaml", "silenced", "comparison-study-not-studied", 12, 7)]
    text = run_cli("validate", "--catalogue", empty_catalogue)
    assert (text.exit_code, text.stdout) == (0, "")
    assert "jwtool: ok: 0 errors, 0 warnings, 1 reviewed warning silenced in " in text.stderr
    assert text.stderr.endswith(" files checked (--show-reviewed lists the silenced ones)\n")
    shown = run_cli("validate", "--show-reviewed", "--catalogue", empty_catalogue)
    assert shown.exit_code == 0 and shown.stdout.startswith("interventions/comparison-not-studied.yaml:12:7: warning (reviewed): ")
    [item] = json.loads(run_cli("validate", "--format", "json", "--catalogue", empty_catalogue).stdout)
    assert (item["severity"], item["rule"]) == ("silenced", "comparison-study-not-studied")
    assert "(reviewed 2026-11-28: the source contradicts itself, as the note beginning 'Bewijskracht:' explains)" in item["message"]
    assert run_cli("validate", "--format", "github", "--catalogue", empty_catalogue).stdout == ""


def test_a_marker_silences_its_own_entry_only(empty_catalogue: Path) -> None:
    add(empty_catalogue, "comparison-not-studied.yaml", marked("comparison-not-studied"))
    add(empty_catalogue, "ander.yaml", case("comparison-not-studied", "ander"))
    assert sorted((f, s) for f, s, _, _, _ in found(empty_catalogue)) == [
        ("interventions/ander.yaml", "warning"), ("interventions/comparison-not-studied.yaml", "silenced")]


@pytest.mark.parametrize(("note", "notes", "rule", "words"), [
    ("Tegenstrijdig:", NOTE, "reviewed-warning", "begins none of the entry's notes; copy the first words of the note"),
    ("Bewijskracht:", NOTE + '  - "Bewijskracht: nog een notitie."\n', "reviewed-warning", "begins 2 notes (notes[0], notes[1]); write more of the note's first words"),
    ("", NOTE, "empty-string", "text is empty"),
])
def test_a_marker_must_name_exactly_one_note_or_it_is_an_error_and_silences_nothing(empty_catalogue: Path, note: str, notes: str, rule: str, words: str) -> None:
    add(empty_catalogue, "comparison-not-studied.yaml", marked("comparison-not-studied", note=note, notes=notes))
    problems = validate(empty_catalogue).problems
    [error] = [p for p in problems if p.severity == "error"]
    assert error.rule == rule and error.path == "/reviewed_warnings/0/note" and words in error.message
    assert [p.severity for p in problems if p.rule == "comparison-study-not-studied"] == ["warning"]


def test_a_marker_for_a_rule_that_is_no_warning_is_an_error_with_a_suggestion(empty_catalogue: Path) -> None:
    add(empty_catalogue, "comparison-not-studied.yaml", marked("comparison-not-studied", rule="comparison-study-not-studie"))
    [error] = [p for p in validate(empty_catalogue).problems if p.severity == "error"]
    assert error.rule == "reviewed-warning" and error.path == "/reviewed_warnings/0/rule"
    assert "did you mean 'comparison-study-not-studied'" in error.message


def test_a_marker_whose_warning_no_longer_fires_is_a_warning_to_remove_it(empty_catalogue: Path) -> None:
    add(empty_catalogue, "stale-marker.yaml", case("stale-marker"))
    [problem] = validate(empty_catalogue).problems
    assert (problem.severity, problem.rule, problem.line, problem.column) == ("warning", "stale-reviewed-warning", 32, 5)
    assert "no longer fires for this entry; remove this marker" in problem.message


def test_the_mini_catalogue_has_one_reviewed_warning(mini_catalogue: Path, run_cli, english) -> None:
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert (result.exit_code, result.stdout) == (0, "")
    assert "1 reviewed warning silenced" in result.stderr


# --- display ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_overview_shows_each_study_as_a_table_of_findings(mini_catalogue: Path, run_cli) -> None:
    html = run_cli("render", "overview", "-f", "html", "--catalogue", mini_catalogue).stdout
    study = html[html.index('<div class="study" data-study="alpha-evaluatie-2016">'):]
    study = study[:study.index("</div>")]
    assert '<strong>Evaluatie Alfa (2016)</strong> <span class="study-id">(alpha-evaluatie-2016)</span>' in study
    assert "Opzet: Vergelijking met een controle- of vergelijkingsgroep, Monitoring- of resultaatcijfers · Deelnemers: 40 · Periode: " in study
    assert 'Bron: <a href="https://example.org/alfa-evaluatie.pdf" rel="noopener noreferrer">Evaluatie Alfa</a>, p. 4' in study
    assert ('<tr data-outcome="werk" data-direction="positief"><th scope="row">Werk</th><td data-label="Richting">positief</td>'
            '<td data-label="Vergelijking">met vergelijking</td><td data-label="Cijfer">naar werk: 75 % (n=40, 2016)</td>'
            '<td data-label="Citaat">30 van de 40 leerlingen (75%) vonden werk.</td></tr>') in study  # data-label: a finding is a card on a phone
    md = run_cli("render", "overview", "-f", "md", "--lang", "en", "--catalogue", mini_catalogue).stdout
    assert "- **Evaluatie Alfa (2016)** (alpha-evaluatie-2016) · Design: Comparison or control group, Monitoring figures · Participants: 40" in md
    assert "  | Work | positive | with comparison | naar werk: 75 % (n=40, 2016) | 30 van de 40 leerlingen (75%) vonden werk. |" in md


def test_the_site_page_of_an_entry_shows_its_studies(mini_catalogue: Path, run_cli, tmp_path: Path) -> None:
    assert run_cli("render", "overview", "-o", tmp_path / "site", "--catalogue", mini_catalogue).exit_code == 0
    page = (tmp_path / "site" / "interventies" / "beta" / "index.html").read_text(encoding="utf-8")
    assert '<div class="study" data-study="beta-gesprekken">' in page and '<td data-label="Vergelijking">zonder vergelijking</td>' in page


@pytest.mark.slow
def test_a_figures_table_has_a_column_only_where_some_figure_has_a_value(mini_catalogue: Path, run_cli, tmp_path: Path) -> None:
    assert run_cli("render", "overview", "-o", tmp_path / "site", "--catalogue", mini_catalogue).exit_code == 0
    page = (tmp_path / "site" / "interventies" / "alpha" / "index.html").read_text(encoding="utf-8")
    head = page.split('<table class="figures">', 1)[1].split("</thead>", 1)[0]
    assert [h.split("<")[0] for h in head.split('<th scope="col">')[1:]] == ["Maat", "Waarde", "N", "Jaar"]  # no figure has a period
    assert '<td data-label="Waarde">75 %</td><td data-label="N">40</td><td data-label="Jaar">2016</td>' in page  # a card on a phone


def test_no_output_shows_a_list_of_study_urls_any_more(repo_root: Path) -> None:
    templates = " ".join(p.read_text(encoding="utf-8") for p in (repo_root / "templates").rglob("*.j2"))
    assert "s.url|link }}</li>" not in templates and "- {{ s.url|link }}" not in templates


@pytest.mark.slow
def test_a_hostile_study_is_text_in_every_output(hostile_catalogue: Path, run_cli, tmp_path: Path) -> None:
    text = run_cli("show", "hostile", "--catalogue", hostile_catalogue).stdout
    assert f"Studie: {HOSTILE_TEXT}" in text and f"“{HOSTILE_TEXT}”" in text  # plain text keeps it as written
    md = run_cli("show", "hostile", "-f", "md", "--catalogue", hostile_catalogue).stdout
    overview_md = run_cli("render", "overview", "-f", "md", "--catalogue", hostile_catalogue).stdout
    for out in (md, overview_md):
        assert "<script>" not in out and not re.search(r"(?<!\\)\]\(javascript:", out)
    assert run_cli("render", "overview", "-o", tmp_path / "site", "--catalogue", hostile_catalogue).exit_code == 0
    pages = [run_cli("render", "overview", "-f", "html", "--catalogue", hostile_catalogue).stdout,
             (tmp_path / "site" / "interventies" / "hostile" / "index.html").read_text(encoding="utf-8")]
    for html in pages:
        study = html[html.index('<div class="study"'):]
        study = study[:study.index("</div>")]
        assert "<script>" not in study and study.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5  # title, description, source, figure, quote
        assert "javascript:" in study and not re.search(r"href=\"\s*javascript", study, flags=re.I)


def test_the_marker_and_its_review_are_documented(repo_root: Path) -> None:
    fmt = " ".join((repo_root / "schemas" / "ENTRY-FORMAT.md").read_text(encoding="utf-8").split())
    for rule in ("evidence-level-not-carried", "comparison-study-not-studied", "reviewed-warning", "stale-reviewed-warning"):
        assert f"`{rule}`" in fmt
    assert "reviewed_warnings:" in fmt and "1 reviewed warning silenced" in fmt and '"severity": "silenced"' in fmt
    contributing = " ".join((repo_root / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    assert "**Reviewed warnings**: for every `reviewed_warnings` marker, read the note it names against the report" in contributing


def test_a_finding_s_figure_year_is_checked_like_a_result_s(empty_catalogue: Path) -> None:
    text = case("stale-marker").replace("          quote: Zes van de tien jongeren vonden werk.\n",
                                        "          quote: Zes van de tien jongeren vonden werk.\n          figure: {measure: naar werk, value: 6, unit: aantal, n: 10, year: 1900}\n")
    add(empty_catalogue, "stale-marker.yaml", text)
    [problem] = [p for p in validate(empty_catalogue).problems if p.rule == "year"]
    assert problem.path == "/evidence/studies/0/findings/0/figure/year" and "year 1900 is implausible" in problem.message


def test_a_reviewed_contradiction_stands_next_to_the_level_in_show_and_the_overview(mini_catalogue: Path, run_cli) -> None:
    card = run_cli("show", "beta", "--catalogue", mini_catalogue).stdout
    level, contradiction = card.split("Niveau van bewijskracht: ", 1)[1].splitlines()[:2]
    assert contradiction.strip().startswith("Tegenstrijdig in de bron: de bron spreekt zichzelf tegen over de bewijskracht; zie de notitie die begint met “")
    assert "Tegenstrijdig" not in run_cli("show", "alpha", "--catalogue", mini_catalogue).stdout  # no marker, no line
    page = run_cli("render", "overview", "--format", "md", "--catalogue", mini_catalogue).stdout
    assert page.count("**Tegenstrijdig in de bron:**") == 1


def test_a_studys_sources_say_what_their_locators_are(run_cli) -> None:  # type: ignore[no-untyped-def]
    card = " ".join(run_cli("show", "learn2work").stdout.split())
    assert "Kwetsbare jongeren van school naar werk, in bijlage 2" in card  # not a bare "..., bijlage 2" or "..., 4.2"
    page = run_cli("show", "learn2work", "--format", "md").stdout
    assert ", in bijlage 2" in page


UNTITLED = {"2getthere-resultaten-2014": ("Studie naar 2GetThere (2014)", "Study of 2GetThere (2014)"),
            "aanpak-drechtsteden-resultaten-2016": ("Studie naar Aanpak in de regio Drechtsteden (2016)", "Study of Aanpak in de regio Drechtsteden (2016)"),
            "de-navigator-resultaten-2014": ("Studie naar De Navigator (2014)", "Study of De Navigator (2014)"),
            "project-ja-resultaten-2018": ("Studie naar Project JA (2018)", "Study of Project JA (2018)"),
            "zowhat-resultaten-2017": ("Studie naar ZoWh@t (2017)", "Study of ZoWh@t (2017)")}


@pytest.mark.slow
def test_a_study_without_a_title_is_named_in_words_not_by_its_id_wherever_a_title_shows(bundled) -> None:  # type: ignore[no-untyped-def]
    # the record's own title never invented: "Studie naar <entry> (<year of its figures>)", the id beside it
    from jwtool.render import gapmap
    from jwtool.render.entry import entry_document
    from jwtool.render.escaping import anchor_ids

    anchors = anchor_ids(bundled.entries)
    untitled = {s.id: e for e in bundled.entries for s in e.studies if not s.title}
    assert set(untitled) == set(UNTITLED)
    for lang, i in (("nl", 0), ("en", 1)):
        page = gapmap.page_data(bundled.entries, bundled, lang, anchors)
        shown = {s["key"]: s["title"] for e in page["entries"].values() for s in e["studies"]}
        cells = {s["title"] for r in gapmap.view(bundled.entries, bundled, lang, anchors)["rows"] for c in r["cells"] for x in c["entries"] for s in x["studies"]}
        for sid, entry in untitled.items():
            title = UNTITLED[sid][i]
            assert shown[sid] == title and title in cells and sid not in cells
            md = entry_document(bundled, entry, "md", lang)
            assert f"- **{title}** ({sid})" in md and f"**{sid}**" not in md
            html = entry_document(bundled, entry, "html", lang)
            assert f'<p class="study-title"><strong>{title}</strong> <span class="study-id">({sid})</span></p>' in html


def test_an_untitled_study_is_named_the_same_in_a_render_from_summaries(run_cli, bundled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # render overview reads summaries for its maps: the gap map's pop-up names a study as its entry's page does
    assert run_cli("render", "overview", "-o", tmp_path / "all.html").exit_code == 0
    page = (tmp_path / "all.html").read_text()
    for title, _ in UNTITLED.values():
        assert f"<li>{title} <span class=\"designs\">" in page
