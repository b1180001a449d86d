"""The command line speaks Dutch by default and English with `--lang en` or `JWTOOL_LANG=en`
(issue 19, point 7): headers, labels and values from the one label catalogue; JSON keeps its ids
and is the same in every language; piped text has a header row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

JSON_COMMANDS = [
    ("list",),
    ("search", "--target", "vso"),
    ("search", "stage"),
    ("show", "alpha"),
    ("compare", "alpha", "beta", "gamma"),
    ("elements",),
    ("elements", "--by", "phase"),
    ("similar", "alpha"),
    ("map",),
]


def test_list_speaks_dutch_by_default(run_cli, mini_catalogue: Path, terminal) -> None:  # type: ignore[no-untyped-def]
    terminal(120)
    r = run_cli("list", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[1].split() == ["Naam", "/", "id", "Soort", "Fasen", "Niveaus", "Bewijskracht"]
    for value in ("Interventie", "Praktijkvoorbeeld", "Tijdens school", "Goed beschreven", "Niet (effect)onderzocht"):
        assert value in r.stdout, value
    for id_ in ("goed-beschreven", "niet-onderzocht", "tijdens-school", "praktijkvoorbeeld"):
        assert id_ not in r.stdout, id_


def test_list_with_lang_en_speaks_english(run_cli, mini_catalogue: Path, terminal) -> None:  # type: ignore[no-untyped-def]
    terminal(120)
    r = run_cli("list", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.stdout.splitlines()[1].split() == ["Name", "/", "id", "Kind", "Phases", "Levels", "Evidence"]
    for value in ("Intervention", "Practice example", "During school", "Well described", "Not studied"):
        assert value in r.stdout, value
    assert "Interventie" not in r.stdout and "Goed beschreven" not in r.stdout


def test_jwtool_lang_and_the_root_option_choose_the_language_and_a_command_s_own_option_wins(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    english = "Id\tName\tKind\tPhases\tLevels\tEvidence"
    dutch = "Id\tNaam\tSoort\tFasen\tNiveaus\tBewijskracht"
    first = lambda r: r.stdout.splitlines()[0]  # noqa: E731
    assert first(run_cli("list", "--catalogue", mini_catalogue, env={"JWTOOL_LANG": "en"})) == english
    assert first(run_cli("--lang", "en", "list", "--catalogue", mini_catalogue, env={"JWTOOL_LANG": "nl"})) == english
    assert first(run_cli("list", "--lang", "nl", "--catalogue", mini_catalogue, env={"JWTOOL_LANG": "en"})) == dutch
    assert first(run_cli("--lang", "en", "list", "--lang", "nl", "--catalogue", mini_catalogue)) == dutch


@pytest.mark.parametrize(("args", "env", "message"), [
    (("list", "--lang", "de"), {}, "onbekende waarde voor --lang: 'de'; kies uit: nl, en"),
    (("--lang", "fr", "list"), {}, "onbekende waarde voor --lang: 'fr'; kies uit: nl, en"),
    (("list",), {"JWTOOL_LANG": "english"}, "JWTOOL_LANG moet een van nl, en zijn, niet 'english'"),
])
def test_an_unknown_language_is_a_usage_error(run_cli, mini_catalogue: Path, args: tuple[str, ...], env: dict[str, str], message: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(*args, "--catalogue", mini_catalogue, env=env)
    assert r.exit_code == 2 and message in r.stderr and r.stdout == ""


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=lambda a: "-".join(a))
def test_json_is_the_same_in_every_language(run_cli, mini_catalogue: Path, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    dutch = run_cli(*args, "-f", "json", "--catalogue", mini_catalogue)
    assert dutch.exit_code == 0, dutch.stderr
    assert run_cli(*args, "-f", "json", "--lang", "en", "--catalogue", mini_catalogue).stdout == dutch.stdout
    assert run_cli(*args, "-f", "json", "--catalogue", mini_catalogue, env={"JWTOOL_LANG": "en"}).stdout == dutch.stdout


def test_json_keeps_ids_and_the_compare_document_its_english_aspect_labels(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    row = json.loads(run_cli("list", "-f", "json", "--catalogue", mini_catalogue).stdout)[0]
    assert (row["kind"], row["phases"], row["evidence_level"]) == ("interventie", ["tijdens-school"], "goed-beschreven")
    doc = json.loads(run_cli("compare", "alpha", "beta", "-f", "json", "--catalogue", mini_catalogue).stdout)
    assert doc["aspects"][0]["label"] == "Providers"  # as scripts have always read it
    assert doc["working_elements"][0]["label"] == "Individuele begeleiding"


@pytest.mark.parametrize(("args", "nl", "en"), [
    (("list",), "Id\tNaam\tSoort\tFasen\tNiveaus\tBewijskracht", "Id\tName\tKind\tPhases\tLevels\tEvidence"),
    (("search", "--kind", "interventie"), "Id\tNaam\tSoort\tFasen\tNiveaus\tBewijskracht", "Id\tName\tKind\tPhases\tLevels\tEvidence"),
    (("search", "stage"), "Id\tNaam\tSoort\tFasen\tNiveaus\tBewijskracht\tVeld\tFragment",
     "Id\tName\tKind\tPhases\tLevels\tEvidence\tField\tSnippet"),
    (("elements",), "AANTAL\tAANDEEL\tWERKZAAM ELEMENT\tVERMELDINGEN", "COUNT\tSHARE\tELEMENT\tENTRIES"),
    (("elements", "--by", "kind"), "WERKZAAM ELEMENT\tInterventie\tPraktijkvoorbeeld\tTOTAAL", "ELEMENT\tIntervention\tPractice example\tTOTAL"),
    (("similar", "alpha"), "#\tSCORE\tID\tNAAM\tGEDEELDE ELEMENTEN", "#\tSCORE\tID\tNAME\tSHARED ELEMENTS"),
])
def test_piped_output_starts_with_a_header_row_in_the_chosen_language(run_cli, mini_catalogue: Path, args: tuple[str, ...], nl: str, en: str) -> None:  # type: ignore[no-untyped-def]
    dutch = run_cli(*args, "--catalogue", mini_catalogue).stdout.splitlines()
    english = run_cli(*args, "--lang", "en", "--catalogue", mini_catalogue).stdout.splitlines()
    assert (dutch[0], english[0]) == (nl, en)
    assert len(dutch) > 1 and all(line.count("\t") == nl.count("\t") for line in dutch)


def test_map_is_worded_in_the_chosen_language(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    dutch = run_cli("map", "--catalogue", mini_catalogue).stdout
    english = run_cli("map", "--lang", "en", "--catalogue", mini_catalogue).stdout
    assert "Clusters: 3 groepen van de 5 vermeldingen die elementen noemen (Louvain, seed 42)\n#\tVERMELDINGEN\tKENMERKENDE ELEMENTEN\tLEDEN\n" in dutch
    assert "Vaakst samen genoemde elementen\nVERMELDINGEN\tSAMEN GENOEMDE ELEMENTEN\tDOOR\n" in dutch
    assert "Clusters: 3 groups of the 5 entries that name elements (Louvain, seed 42)\n#\tENTRIES\tCHARACTERISTIC ELEMENTS\tMEMBERS\n" in english
    assert "Most frequent pairs of elements" in english and "Individual guidance + Gaining work experience" in english


def test_the_map_drawing_is_worded_in_the_chosen_language(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    dutch = run_cli("map", "--export", "svg", "--catalogue", mini_catalogue).stdout
    english = run_cli("map", "--export", "svg", "--lang", "en", "--catalogue", mini_catalogue).stdout
    assert "<title>Vermeldingen en hun werkzame elementen</title>" in dutch
    assert "<title>Entries and their working elements</title>" in english


def test_show_and_compare_speak_the_chosen_language(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    shown = run_cli("show", "alpha", "--catalogue", mini_catalogue).stdout
    assert "Soort: Interventie\n" in shown and "  Niveau van bewijskracht: Goed beschreven\n" in shown and "Fasen\n  - Tijdens school\n" in shown
    shown_en = run_cli("show", "alpha", "--lang", "en", "--catalogue", mini_catalogue).stdout
    assert "Kind: Intervention\n" in shown_en and "  Strength of evidence: Well described\n" in shown_en and "Phases\n  - During school\n" in shown_en
    md = run_cli("show", "alpha", "-f", "md", "--catalogue", mini_catalogue).stdout
    assert "*Interventie · Tijdens school · Goed beschreven*" in md and "**Doelgroep:** " in md
    compared = run_cli("compare", "alpha", "beta", "--catalogue", mini_catalogue).stdout
    assert compared.startswith("Vergelijking: ") and "\nResultaten / ervaringen\n" in compared and "\nLet op: " in compared
    assert "\nFasen\n  Alfa naar werk: Tijdens school\n" in compared
    compared_en = run_cli("compare", "alpha", "beta", "--lang", "en", "--catalogue", mini_catalogue).stdout
    assert "\nPhases\n  Alfa naar werk: During school\n" in compared_en


def test_a_source_s_kind_is_worded_in_the_chosen_language(run_cli, repo_root: Path) -> None:  # type: ignore[no-untyped-def]
    shown = run_cli("show", "boris", "--catalogue", repo_root).stdout
    assert "boris-evaluatie-project.pdf — evaluatie\n" in shown
    shown_en = run_cli("show", "boris", "--lang", "en", "--catalogue", repo_root).stdout
    assert "boris-evaluatie-project.pdf — evaluation\n" in shown_en


@pytest.mark.parametrize("args", [("list",), ("show", "alpha"), ("search", "werk"), ("compare", "alpha", "beta"), ("elements",),
                                  ("similar", "alpha"), ("map",), ("export", "-f", "json"), ("render", "appendix")],
                         ids=lambda a: a[0])
def test_every_command_takes_the_root_lang_option(run_cli, mini_catalogue: Path, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("--lang", "en", *args, "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr


@pytest.mark.slow
def test_render_lang_works_as_before_and_follows_jwtool_lang_when_not_given(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    args = ("render", "overview", "--format", "md", "--catalogue", mini_catalogue)
    dutch, english = run_cli(*args).stdout, run_cli(*args, "--lang", "en").stdout
    assert "Terug naar het overzicht" in dutch and "Back to the overview" in english
    assert run_cli(*args, env={"JWTOOL_LANG": "en"}).stdout == english
    assert run_cli(*args, "--lang", "nl", env={"JWTOOL_LANG": "en"}).stdout == dutch


def test_compare_marks_shared_elements_in_the_language_of_the_command(run_cli) -> None:
    dutch = run_cli("compare", "boris", "learn2work").stdout
    assert "[uniek]" in dutch and "[alle]" in dutch and "[unique]" not in dutch
    assert "[unique]" in run_cli("compare", "boris", "learn2work", "--lang", "en").stdout


@pytest.mark.parametrize("command", [("show", "xyzabc"), ("compare", "alpha", "xyzabc"), ("history", "xyzabc")])
def test_no_such_entry_says_vermelding_in_dutch_entry_in_english_and_exits_1(run_cli, mini_catalogue: Path, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Any entry, an intervention or a practice example, is a "vermelding" (as English says "entry")."""
    r = run_cli(*command, "--catalogue", mini_catalogue, env={"JWTOOL_LANG": "nl"})
    assert (r.exit_code, r.stderr) == (1, "jwtool: fout: geen vermelding 'xyzabc'; 'jwtool list' toont alle vermeldingen\n")
    r = run_cli(*command, "--catalogue", mini_catalogue, env={"JWTOOL_LANG": "en"})
    assert (r.exit_code, r.stderr) == (1, "jwtool: error: no entry 'xyzabc'; run 'jwtool list' to see all entries\n")


@pytest.mark.parametrize("command", [("show", "alpha"), ("compare", "beta", "alpha"), ("history", "alpha"), ("show", "alp")])
def test_an_entry_whose_file_cannot_be_read_is_not_said_to_be_missing(run_cli, mini_catalogue: Path, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """The file is there: the message names it and the command that says what is wrong, not 'jwtool list'."""
    (mini_catalogue / "interventions" / "alpha.yaml").write_text("id: alpha\nphases: [nazorg\n", encoding="utf-8")
    r = run_cli(*command, "--catalogue", mini_catalogue, cwd=mini_catalogue, env={"JWTOOL_LANG": "nl"})
    assert r.exit_code == 1 and r.stderr.splitlines()[-1] == (
        "jwtool: fout: interventions/alpha.yaml kon niet als vermelding gelezen worden; "
        "voer 'jwtool validate interventions/alpha.yaml' uit om te zien wat er mis is, en herstel het")
    r = run_cli(*command, "--catalogue", mini_catalogue, cwd=mini_catalogue, env={"JWTOOL_LANG": "en"})
    assert r.exit_code == 1 and r.stderr.splitlines()[-1] == (
        "jwtool: error: interventions/alpha.yaml could not be read as an entry; "
        "run 'jwtool validate interventions/alpha.yaml' to see what is wrong, and fix it")
