"""`jwtool list`, `show` and `search` on the command line: formats, filters, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from jwtool.catalogue.load import load_catalogue
from jwtool.catalogue.yamlfile import read_yaml

MINI_ORDER = ["alpha", "beta", "gamma", "delta", "epsilon"]

# Checked by hand against target_group.education_levels of every file in interventions/.
VSO_ENTRIES = ["boris-brengt-je-bij-een-baan", "aanpak-drechtsteden", "zowhat", "combinatiefunctionarissen",
               "matchtafels-achterhoek", "route-arbeid", "stage-bij-sociaal-werkbedrijf", "transitiecoach-vso-pro"]
# mbo-2 also finds entries that name "mbo" without a level; each of these has phase nazorg.
MBO2_NAZORG_ENTRIES = ["soepelere-overgang-naar-werk", "transitieroute", "zowhat", "nabellen-oud-studenten-mbo", "nazorggesprekken",
                       "nxt-coach", "route-arbeid"]
# Every entry whose text contains "oriëntatie" (grep -il 'oriëntatie\|orientatie' interventions/).
ORIENTATIE_ENTRIES = {"boris-brengt-je-bij-een-baan", "bridge", "doorstroomprogramma-alliantie-mbo-arbeidsmarkt", "kix", "transitieroute",
                      "ouders-en-loopbaankeuzes"}  # its component "Samen met ouders LOB-opdrachten maken" is tagged loopbaanorientatie


def ids(stdout: str) -> list[str]:
    return [row["id"] for row in json.loads(stdout)]


# --- the real catalogue: the sets the issue asks to pin ------------------------------------------


def test_search_target_vso_finds_exactly_the_vso_entries(run_cli, repo_root: Path) -> None:
    r = run_cli("search", "--target", "vso", "--format", "json", "--catalogue", repo_root)
    assert r.exit_code == 0, r.stderr
    assert ids(r.stdout) == VSO_ENTRIES


def test_search_target_mbo2_and_phase_nazorg(run_cli, repo_root: Path) -> None:
    r = run_cli("search", "--target", "mbo-2", "--phase", "nazorg", "-f", "json", "--catalogue", repo_root)
    assert r.exit_code == 0, r.stderr
    assert ids(r.stdout) == MBO2_NAZORG_ENTRIES


def test_search_text_orientatie_finds_orientatie_with_diaeresis(run_cli, repo_root: Path) -> None:
    r = run_cli("search", "orientatie", "-f", "json", "--catalogue", repo_root)
    rows = json.loads(r.stdout)
    assert {row["id"] for row in rows} == ORIENTATIE_ENTRIES
    assert all("oriëntatie" in row["match"]["snippet"].lower() for row in rows)
    tiers = [row["match"]["tier"] for row in rows]
    assert tiers == sorted(tiers, key=["name", "element", "body"].index)  # element hits first


# --- list ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "fields"), [("nl", ["Naam", "Notities"]), ("en", ["Name", "Notes"])])
def test_a_hit_names_its_field_as_people_know_it_and_json_keeps_the_path(run_cli, repo_root: Path, lang: str, fields: list[str]) -> None:  # type: ignore[no-untyped-def]
    rows = [line.split("\t") for line in run_cli("--lang", lang, "search", "boris", "--catalogue", repo_root).stdout.splitlines()[1:]]
    assert [r[0] for r in rows][:2] == ["boris-brengt-je-bij-een-baan", "kix"]  # K!X notes name Boris (3.1 on bewijs)
    assert [r[-2] for r in rows][:2] == fields
    paths = [r["match"]["field"] for r in json.loads(run_cli("search", "boris", "-f", "json", "--catalogue", repo_root).stdout)]
    assert paths[0] == "name" and paths[1].startswith("notes[")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_field_of_an_entry_a_hit_can_be_in_has_a_name(repo_root: Path, lang: str) -> None:
    from jwtool.query.search import text_fields
    from jwtool.render.rows import field_label

    searched = {path.split(".")[0].split("[")[0] for e in load_catalogue(repo_root).entries for path, _ in text_fields(e.data)}
    assert "cites" in searched
    assert {top: field_label(f"{top}[0].source", lang) for top in searched if "[" in field_label(f"{top}[0].source", lang)} == {}


def test_list_json_has_the_summary_columns_in_report_order(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("list", "--format", "json", "--catalogue", mini_catalogue)
    assert r.exit_code == 0 and r.stderr == ""
    rows = json.loads(r.stdout)
    assert [row["id"] for row in rows] == MINI_ORDER
    assert rows[0] == {"id": "alpha", "name": "Alfa naar werk", "kind": "interventie", "phases": ["tijdens-school"],
                       "education_levels": ["vso", "pro"], "evidence_level": "goed-beschreven"}


def test_list_piped_is_a_header_line_and_one_tab_separated_line_per_entry(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("list", "--catalogue", mini_catalogue)
    lines = r.stdout.splitlines()
    assert lines[0] == "Id\tNaam\tSoort\tFasen\tNiveaus\tBewijskracht"
    assert lines[1] == "alpha\tAlfa naar werk\tInterventie\tTijdens school\tvso, pro\tGoed beschreven"
    assert [line.split("\t")[0] for line in lines[1:]] == MINI_ORDER


def test_list_csv(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("list", "-f", "csv", "--catalogue", mini_catalogue)
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["id", "name", "kind", "phases", "education_levels", "evidence_level"]
    assert rows[1] == ["alpha", "Alfa naar werk", "interventie", "tijdens-school", "vso | pro", "goed-beschreven"]
    assert len(rows) == 6


def test_list_on_a_wide_terminal_is_a_table(run_cli, mini_catalogue: Path, terminal) -> None:
    terminal(120)
    r = run_cli("list", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.exit_code == 0
    header = r.stdout.splitlines()[1].split()
    assert header == ["Name", "/", "id", "Kind", "Phases", "Levels", "Evidence"]
    assert "Alfa naar werk" in r.stdout and "Well described" in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 120


def test_list_on_a_narrow_terminal_lists_entries_without_squeezing_words(run_cli, mini_catalogue: Path, terminal) -> None:
    terminal(60)
    r = run_cli("list", "--catalogue", mini_catalogue)
    lines = [line.rstrip() for line in r.stdout.splitlines()]
    assert lines[:2] == ["Alfa naar werk  alpha", "  Interventie · Tijdens school · vso, pro · Goed beschreven"]
    assert max(len(line) for line in lines) <= 60


def test_output_is_deterministic(run_cli, repo_root: Path) -> None:
    first = run_cli("search", "werk", "-f", "json", "--catalogue", repo_root).stdout
    assert first == run_cli("search", "werk", "-f", "json", "--catalogue", repo_root).stdout


def test_unknown_format_is_a_usage_error(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("list", "--format", "xml", "--catalogue", mini_catalogue)
    assert r.exit_code == 2
    assert "ongeldige waarde voor '--format' / '-f'" in r.stderr and "'xml' is geen van de mogelijke waarden; kies uit: text, json, csv" in r.stderr


# --- show ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["alpha", "Alfa", "alfa naar werk", "ALF"])
def test_show_accepts_id_alias_name_and_prefix(run_cli, mini_catalogue: Path, ref: str) -> None:
    r = run_cli("show", ref, "-f", "json", "--catalogue", mini_catalogue)
    assert r.exit_code == 0
    assert json.loads(r.stdout)["id"] == "alpha"


def test_show_json_is_the_whole_entry(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("show", "beta", "-f", "json", "--catalogue", mini_catalogue)
    on_disk = read_yaml(mini_catalogue / "interventions" / "beta.yaml", "beta.yaml").data
    assert json.loads(r.stdout) == on_disk
    assert "Bèta" in r.stdout  # UTF-8, not \u escapes


def test_show_yaml_round_trips(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("show", "gamma", "--format", "yaml", "--catalogue", mini_catalogue)
    on_disk = read_yaml(mini_catalogue / "interventions" / "gamma.yaml", "gamma.yaml").data
    assert yaml.safe_load(r.stdout) == on_disk
    assert r.stdout.startswith("id: gamma\nname: Gamma Route\n")


def test_show_markdown_is_the_overview_s_section_with_escaped_text(run_cli, mini_catalogue: Path) -> None:
    path = mini_catalogue / "interventions" / "epsilon.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "summary: Een handgemaakt praktijkvoorbeeld van een training voor gediplomeerde mbo'ers.",
        "summary: \"Klik [hier](javascript:alert(1)) <script>x</script> | **vet**\""), encoding="utf-8")
    r = run_cli("show", "epsilon", "-f", "md", "--catalogue", mini_catalogue)
    assert r.stdout.startswith("# Epsilon Training\n")
    assert "**(Mogelijk) werkzame elementen:**\n\n- Sollicitatietraining (Trainen van (loopbaan)competenties)" in r.stdout
    assert "[Terug naar het overzicht]" not in r.stdout  # a document of its own: no index to go back to
    assert r"Klik \[hier\](javascript:alert(1)) \<script\>x\</script\> \| \*\*vet\*\*" in r.stdout
    assert "<script>" not in r.stdout


@pytest.mark.slow
def test_show_markdown_links_only_http_urls(run_cli, mini_catalogue: Path) -> None:
    # as on the overview: an http(s) address is a link, anything else stays text
    r = run_cli("show", "alpha", "-f", "md", "--catalogue", mini_catalogue)
    assert "[Evaluatie Alfa](<https://example.org/alfa-evaluatie.pdf>)" in r.stdout
    path = mini_catalogue / "sources" / "evaluatie-alfa.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("https://example.org/alfa-evaluatie.pdf", "javascript:alert(1)"), encoding="utf-8")
    r = run_cli("show", "alpha", "-f", "md", "--catalogue", mini_catalogue)
    assert "](" not in r.stdout and "javascript" not in r.stdout and "1. Evaluatie Alfa\n" in r.stdout


def test_show_puts_each_study_and_its_findings_next_to_the_level(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("show", "alpha", "--catalogue", mini_catalogue)
    level, study, elements = (r.stdout.index(x) for x in ("Niveau van bewijskracht: Goed beschreven", "Studie: Evaluatie Alfa (2016)", "(Mogelijk) werkzame elementen"))
    assert level < study < elements
    card = r.stdout[study:elements]
    assert "Id: alpha-evaluatie-2016" in card
    assert "Opzet: Vergelijking met een controle- of vergelijkingsgroep, Monitoring- of resultaatcijfers" in card
    assert "Deelnemers: 40" in card and "Periode: 2015-2016" in card
    assert "- Evaluatie Alfa, p. 4" in card  # the source it cites, by title
    assert "- Werk: positief, met vergelijking — naar werk: 75 % (n=40, 2016) — “30 van de 40 leerlingen (75%) vonden werk.”" in card
    assert "- Ervaringen en tevredenheid: onduidelijk, zonder vergelijking — “Goed beschreven.”" in card
    en = run_cli("show", "alpha", "--lang", "en", "--catalogue", mini_catalogue).stdout
    assert "Study: Evaluatie Alfa (2016)" in en and "- Work: positive, with comparison — " in en and "Design: Comparison or control group" in en


def test_show_json_keeps_the_study_ids(run_cli, mini_catalogue: Path) -> None:
    doc = json.loads(run_cli("show", "alpha", "-f", "json", "--catalogue", mini_catalogue).stdout)
    [study] = doc["evidence"]["studies"]
    assert study["id"] == "alpha-evaluatie-2016" and study["designs"] == ["controlegroep", "monitoring"]
    assert [(f["outcome"], f["direction"], f["comparison"]) for f in study["findings"]] == [("werk", "positief", True), ("ervaringen", "onduidelijk", False)]
    assert study["cites"] == [{"source": "evaluatie-alfa", "page": "4"}]


def test_show_piped_is_plain_text(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("show", "alpha", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.stdout.startswith("Alfa naar werk (alpha)\n")
    assert "  Strength of evidence: Well described" in r.stdout
    assert "(Possibly) working elements\n  - Individuele begeleiding → " in r.stdout
    assert "\x1b[" not in r.stdout


def test_show_on_a_terminal_is_a_card(run_cli, mini_catalogue: Path, terminal) -> None:
    terminal(70)
    r = run_cli("show", "alpha", "--lang", "en", "--catalogue", mini_catalogue)
    assert "Alfa naar werk  (alpha)" in r.stdout and "Target group" in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 70


def test_show_unknown_reference_suggests_and_exits_1(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("show", "gama", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "jwtool: error: no entry 'gama'; did you mean 'gamma' (Gamma Route)" in r.stderr


def test_show_ambiguous_reference_exits_1(run_cli, repo_root: Path) -> None:
    r = run_cli("show", "transitie", "--lang", "en", "--catalogue", repo_root)
    assert r.exit_code == 1
    assert "'transitie' matches 3 entries; did you mean" in r.stderr
    for candidate in ("'transitiecoach'", "'transitiecoach-vso-pro'", "'transitieroute'"):
        assert candidate in r.stderr


def test_show_bad_format(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("show", "alpha", "-f", "csv", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "'csv' is geen van de mogelijke waarden; kies uit: text, json, yaml, md" in r.stderr


# --- search: every filter ------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    (["--target", "vso"], ["alpha", "delta"]),
    (["--target", "praktijkonderwijs"], ["alpha"]),
    (["--target", "mbo2"], ["beta", "epsilon"]),  # mbo-2, or mbo without a level
    (["--target", "mbo-1"], ["gamma", "epsilon"]),  # synonym of entree
    (["--target", "migratieachtergrond"], ["beta"]),
    (["--target", "vso", "--target", "migratieachtergrond"], ["alpha", "beta", "delta"]),  # OR
    (["--phase", "nazorg"], ["beta", "gamma", "epsilon"]),
    (["--phase", "tijdens-school", "--phase", "overgang"], ["alpha", "gamma", "delta"]),
    (["--element", "maatwerk"], ["beta", "gamma"]),
    (["--goal", "werk"], ["alpha", "beta"]),
    (["--min-evidence", "goed-beschreven"], ["alpha", "beta"]),
    (["--min-evidence", "eerste-aanwijzingen"], ["beta"]),
    (["--age", "17"], ["alpha", "beta"]),
    (["--age", "25"], ["beta"]),
    (["--provider", "beta"], ["beta"]),  # "Gemeente Bèta", accents ignored
    (["--provider", "ocw"], ["alpha"]),  # commissioned_by counts
    (["--kind", "praktijkvoorbeeld"], ["delta", "epsilon"]),
    (["--region", "achterhoek"], ["beta"]),
    (["--region", "landelijk"], ["alpha"]),
    (["--phase", "nazorg", "--kind", "interventie"], ["beta", "gamma"]),  # AND
    (["--target", "vso", "--phase", "nazorg"], []),
])
def test_search_filters(run_cli, mini_catalogue: Path, args: list[str], expected: list[str]) -> None:
    r = run_cli("search", *args, "-f", "json", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    assert ids(r.stdout) == expected


@pytest.mark.parametrize(("option", "value", "valid"), [
    ("--target", "vmbo-t", "po, vmbo, vso, pro"),
    ("--phase", "later", "tijdens-school, overgang, nazorg"),
    ("--element", "toverstaf", "maatwerk"),
    ("--goal", "geluk", "werk"),
    ("--min-evidence", "bewezen", "niet-onderzocht, goed-beschreven"),
    ("--kind", "project", "interventie, praktijkvoorbeeld"),
    ("--age", "200", "van 0 tot en met 120"),
])
def test_unknown_filter_value_is_a_usage_error_listing_valid_values(run_cli, mini_catalogue: Path, option: str, value: str, valid: str) -> None:
    r = run_cli("search", option, value, "--catalogue", mini_catalogue)
    assert r.exit_code == 2
    assert (f"onbekende waarde voor {option}: {value!r}" in r.stderr or f"{option} {value}: een leeftijd" in r.stderr) and valid in r.stderr
    assert r.stdout == ""


def test_search_text_ranks_and_shows_snippets(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("search", "orientatie", "-f", "json", "--catalogue", mini_catalogue)
    rows = json.loads(r.stdout)
    assert [(row["id"], row["match"]["tier"]) for row in rows] == [("gamma", "element"), ("alpha", "body"), ("beta", "body")]
    assert rows[1]["match"] == {"tier": "body", "field": "summary",
                                "snippet": "…pro-leerlingen, met oriëntatie op werk."}
    assert list(rows[0]) == ["id", "name", "kind", "phases", "education_levels", "evidence_level", "score", "match"]


def test_search_csv_has_match_columns(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("search", "stage", "-f", "csv", "--catalogue", mini_catalogue)
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0][-4:] == ["score", "match_tier", "match_field", "snippet"]
    # working-element hits ("Stage", "Stages") before alpha's component "Stage"
    assert [(row[0], row[-3]) for row in rows[1:]] == [("beta", "element"), ("delta", "element"), ("alpha", "body")]


def test_search_piped_text_has_field_and_snippet(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("search", "sollicitatie", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.stdout == ("Id\tName\tKind\tPhases\tLevels\tEvidence\tField\tSnippet\n"
                        "epsilon\tEpsilon Training\tPractice example\tAfter the transition (aftercare)\tmbo\tNot studied\t(Possibly) working elements\tSollicitatietraining\n")  # the field by its name


def test_search_on_a_terminal_is_a_table_with_the_match(run_cli, mini_catalogue: Path, terminal) -> None:
    terminal(160)
    r = run_cli("search", "sollicitatie", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.stdout.splitlines()[1].split()[-1] == "Match"
    assert "Sollicitatietraining" in r.stdout and "(Possibly)" in r.stdout
    assert "1 of 5 entries match" in r.stderr


def test_search_on_a_narrow_terminal_shows_the_snippet_under_the_entry(run_cli, mini_catalogue: Path, terminal) -> None:
    terminal(80)
    r = run_cli("search", "sollicitatie", "--catalogue", mini_catalogue)
    assert [line.rstrip() for line in r.stdout.splitlines()] == [
        "Epsilon Training  epsilon",
        "  Praktijkvoorbeeld · Na de overgang (nazorg) · mbo · Niet (effect)onderzocht",
        "  Sollicitatietraining  ((Mogelijk) werkzame elementen)",
    ]


def test_search_without_matches_says_so_on_stderr(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("search", "zeppelin", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.exit_code == 0 and r.stdout == ""
    assert "no entries match" in r.stderr
    assert json.loads(run_cli("search", "zeppelin", "-f", "json", "--catalogue", mini_catalogue).stdout) == []


def test_missing_catalogue_is_a_usage_error(run_cli, tmp_path: Path, english) -> None:
    r = run_cli("list", "--catalogue", tmp_path / "nowhere")
    assert r.exit_code == 2 and "nowhere does not exist" in r.stderr
    r = run_cli("list", "--catalogue", tmp_path)
    assert r.exit_code == 2 and "is not a catalogue" in r.stderr


@pytest.mark.parametrize("command", ["list", "show", "search", "compare", "export"])
def test_every_command_has_help_with_an_example(run_cli, command: str) -> None:
    r = run_cli(command, "--help")
    assert r.exit_code == 0
    assert f"Voorbeeld: jwtool {command}" in " ".join(r.stdout.split())


def test_every_format_option_lists_its_values_in_help(run_cli) -> None:
    # --format values come from each command's reporters (a click.Choice), so --help names them
    for command, values in ((["list"], "text|json|csv"), (["show"], "text|json|yaml|md"), (["compare"], "text|json|md"),
                            (["validate"], "text|json|github"), (["diff"], "text|md|json"), (["elements"], "text|json")):
        r = run_cli(*command, "--help")
        assert r.exit_code == 0 and f"<{values}>" in " ".join(r.stdout.split()), command
