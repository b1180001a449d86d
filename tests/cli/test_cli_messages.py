"""Every word the command line writes about itself comes from the label catalogue (issue 24,
point 3): help of every command, usage lines and headings (click's own words too), usage errors
and the commands' messages, in Dutch by default and in English with --lang en or JWTOOL_LANG=en.
Global options work before the command and after it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jwtool.cli import COMMANDS, app, main

# Words that give a text away as the other language. Vocabulary ids (nazorg, tijdens-school,
# praktijkvoorbeeld) and file names are the same in both, so only common function words count.
ENGLISH = {"the", "and", "with", "are", "to", "for", "show", "usage", "options", "error", "default", "required", "no", "not", "such",
           "missing", "invalid", "value", "command", "file", "folder", "entry", "choose"}
DUTCH = {"de", "het", "een", "van", "voor", "niet", "gebruik", "opties", "fout", "standaard", "verplicht", "bestand", "vermeldingen",
         "vermelding", "kies", "waarde", "onbekende", "toon", "zie", "hulp"}


def words(text: str) -> set[str]:
    """The words of a text, leaving out what is the same in both languages: command lines
    ("jwtool show ..."), command names in a list, quoted values, option names, ids (nazorg,
    voor-nameting), paths, placeholders and environment variables."""
    text = re.sub(r"-\n\s+", "-", text)
    text = re.sub(r"jwtool [^\n]*|^  [a-z]+(?=  )", " ", text, flags=re.M)
    text = re.sub(r"'[^']*'|\"[^\"]*\"|--?[\w-]+|\w+(-\w+)+|\S+/\S*|<[^>]*>|\$?\b[A-Z][A-Z_]*_[A-Z_]+\b(=\S*)?|\w+\|[\w|]+", " ", text)
    return {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", text)}


def speaks(text: str, lang: str) -> None:
    other = ENGLISH if lang == "nl" else DUTCH
    found = words(text) & other
    assert not found, f"{sorted(found)} in:\n{text}"


HELP = [[name, "--help"] for name in COMMANDS] + [["--help"], ["render", "appendix", "--help"], ["render", "overview", "--help"]]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("args", HELP, ids=lambda a: " ".join(a))
def test_every_help_speaks_one_language(run_cli, args: list[str], lang: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(*args, "--lang", lang)
    assert r.exit_code == 0, r.stderr
    speaks(r.stdout, lang)
    assert ("Gebruik:" if lang == "nl" else "Usage:") in r.stdout


# one of every kind of error: click's (unknown option, missing argument, bad value, unknown
# command, extra argument, an option without its value) and jwtool's own
ERRORS = [
    ["search", "--no-such-option"],
    ["show"],
    ["similar", "boris", "--top", "0"],
    ["search", "--age", "x"],
    ["search", "--format", "xml"],
    ["serch"],
    ["list", "extra"],
    ["search", "--target"],
    ["search", "--age", "200"],
    ["search", "--outcome", "wrk"],
    ["gaps", "--rows", "x"],
    ["compare", "boris"],
    ["render", "appendix", "--templates", "no-such-folder"],
    ["map", "--projection", "entries", "--include", "factors"],
]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("args", ERRORS, ids=lambda a: " ".join(a))
def test_every_kind_of_usage_error_speaks_one_language(run_cli, repo_root: Path, args: list[str], lang: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(*args, "--catalogue", repo_root, env={"JWTOOL_LANG": lang}) if args != ["serch"] else run_cli(*args, env={"JWTOOL_LANG": lang})
    assert r.exit_code == 2, r.stderr
    speaks(r.stderr, lang)
    assert r.stderr.count("jwtool: fout:" if lang == "nl" else "jwtool: error:") == 1, r.stderr


def test_age_out_of_range_says_what_an_age_is(run_cli, repo_root: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("search", "--age", "200", "--catalogue", repo_root)
    assert r.exit_code == 2
    assert r.stderr.strip() == "jwtool: fout: --age 200: een leeftijd is een heel aantal jaren van 0 tot en met 120"


def test_a_mistyped_value_suggests_the_closest_in_dutch(run_cli, repo_root: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("search", "--outcome", "wrk", "--catalogue", repo_root)
    assert "onbekende waarde voor --outcome: 'wrk' (bedoelde u 'werk'?); kies uit: werk," in r.stderr


def test_click_errors_are_worded_by_jwtool(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("search", "--no-such-option")
    assert r.stderr.splitlines() == ["Gebruik: jwtool search [OPTIES] [TEKST]", "Zie 'jwtool search -h' voor hulp.", "",
                                     "jwtool: fout: onbekende optie: --no-such-option"]
    r = run_cli("--lang", "en", "show")
    assert r.stderr.splitlines()[-1] == "jwtool: error: missing argument 'REF'"


@pytest.mark.parametrize("where", ["before", "after", "between"])
def test_global_options_work_before_and_after_the_command(run_cli, mini_catalogue: Path, where: str) -> None:  # type: ignore[no-untyped-def]
    options = ["--catalogue", str(mini_catalogue), "--lang", "en", "--no-cache"]
    command = ["render", "overview", "--format", "md"]
    args = {"before": [*options, *command], "after": [*command, *options], "between": ["render", *options, "overview", "--format", "md"]}[where]
    r = run_cli(*args)
    assert r.exit_code == 0, r.stderr
    assert "Alpha" in r.stdout or "alpha" in r.stdout


def test_the_option_after_the_command_wins(run_cli, mini_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("--catalogue", tmp_path, "list", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    r = run_cli("--catalogue", mini_catalogue, "list", "--catalogue", tmp_path)
    assert r.exit_code == 2 and "is not a catalogue" in r.stderr or "geen catalogus" in r.stderr


def test_each_run_speaks_its_own_command_lines_language(capsys: pytest.CaptureFixture[str]) -> None:
    """One process, several runs (a test session, a script calling the library's app): an
    earlier ``--lang en`` does not make a later run without it speak English."""
    with pytest.raises(SystemExit):
        main(["--lang", "en", "search", "--help"])
    assert "Example:" in capsys.readouterr().out
    result = CliRunner().invoke(app, ["search", "--help"])
    assert result.exit_code == 0
    assert "Voorbeeld:" in result.output
    speaks(result.output, "nl")
