"""Every word the command line writes about itself comes from the label catalogue (issue 24,
point 3): help of every command, usage lines and headings (click's own words too), usage errors,
the commands' messages, validate's problems and the library's errors, in Dutch by default and in
English with --lang en or JWTOOL_LANG=en. Rule ids and JSON stay the same in every language.
Global options work before the command and after it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from jwtool.cli import COMMANDS, app, main

# Words that give a text away as the other language. Vocabulary ids (nazorg, tijdens-school,
# praktijkvoorbeeld) and file names are the same in both, so only common function words count.
ENGLISH = {"the", "and", "with", "are", "to", "for", "show", "usage", "options", "error", "default", "required", "no", "not", "such",
           "missing", "invalid", "value", "command", "file", "folder", "entry", "choose", "it", "its", "this", "than", "has", "cannot",
           "does", "only", "write", "remove", "warning", "got", "unexpected", "expected", "found", "must", "should", "please", "see",
           "use", "which", "there", "from", "when", "an", "be", "or", "at", "on", "was", "were", "given"}
DUTCH = {"de", "het", "een", "van", "voor", "niet", "gebruik", "opties", "fout", "standaard", "verplicht", "bestand", "vermeldingen",
         "vermelding", "kies", "waarde", "onbekende", "toon", "zie", "hulp", "geen", "ontbreekt", "verwijder", "regel", "waarschuwing",
         "onverwacht", "verwacht", "gevonden", "moet", "welke", "wordt", "zijn", "bij", "naar", "uit", "ook", "dan", "maar"}


def words(text: str) -> set[str]:
    """The words of a text, leaving out what is the same in both languages: command lines
    ("jwtool show ..."), command names in a list, quoted values, option names, ids (nazorg,
    voor-nameting), field paths (evidence.level), paths, placeholders, environment variables and
    anything holding a digit (a commit id such as ff1886be631d holds "be")."""
    text = re.sub(r"-\n\s+", "-", text)
    text = re.sub(r"jwtool [^\n]*|^  [a-z]+(?=  )", " ", text, flags=re.M)
    text = re.sub(r"\b\w+(\[\d+\])*(\.\w+(\[\d+\])*)+", " ", text)  # field paths: target_group.age.min, results.figures[0].value
    text = re.sub(r"'[^']*'|\"[^\"]*\"|--?[\w-]+|\w+(-\w+)+|\S+/\S*|<[^>]*>|\$?\b[A-Z][A-Z_]*_[A-Z_]+\b(=\S*)?|\w+\|[\w|]+", " ", text)
    text = re.sub(r"\w*\d\w*", " ", text)
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


def test_an_extra_argument_is_worded_by_jwtool(run_cli) -> None:  # type: ignore[no-untyped-def]
    # typer's own copy of click says "Got unexpected extra argument(s) (werk)"
    r = run_cli("search", "vso", "werk")
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1] == "jwtool: fout: onverwacht extra argument (werk)"
    r = run_cli("--lang", "en", "show", "boris", "werk")
    assert r.stderr.splitlines()[-1] == "jwtool: error: unexpected extra argument (werk)"


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


# --- validate's problems: one file of every rule, in both languages -------------------------------

INVALID = Path(__file__).resolve().parents[1] / "fixtures" / "invalid"
EXPECTED: dict[str, list[list[object]]] = yaml.safe_load((INVALID / "expected.yaml").read_text(encoding="utf-8"))
# the first file of each rule (the corpus has a file for every rule a single file can break)
ONE_PER_RULE = sorted({str(problems[0][0]): case for case, problems in sorted(EXPECTED.items(), reverse=True)}.values())
PROBLEM_LINE = re.compile(r"^(?P<where>[^:]+:\d+:\d+): (?P<severity>[^:]+): (?P<message>.*) \[(?P<rule>[a-z-]+)\]$")


def _broken_catalogue(root: Path, cases: list[str]) -> Path:
    for case in cases:
        folder = "sources" if case.startswith("sources/") else "interventions"
        shutil.copyfile(INVALID / case, root / folder / Path(case).name)
    return root


def _problem_lines(stdout: str) -> list[re.Match[str]]:
    lines = stdout.splitlines()
    found = [PROBLEM_LINE.match(line) for line in lines]
    assert lines and all(found), stdout
    return found  # type: ignore[return-value]


@pytest.mark.parametrize("case", ONE_PER_RULE)
@pytest.mark.slow
def test_every_problem_rule_speaks_the_language_of_the_command(case: str, empty_catalogue: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    cat = _broken_catalogue(empty_catalogue, [case])
    dutch = run_cli("validate", "--catalogue", cat)
    english = run_cli("validate", "--catalogue", cat, env={"JWTOOL_LANG": "en"})
    assert dutch.exit_code == english.exit_code == 1, dutch.output
    speaks(dutch.stdout + dutch.stderr, "nl")
    speaks(english.stdout + english.stderr, "en")
    nl, en = _problem_lines(dutch.stdout), _problem_lines(english.stdout)
    assert [(m["where"], m["rule"]) for m in nl] == [(m["where"], m["rule"]) for m in en]  # same problems, same rule ids
    assert {m["severity"] for m in nl} <= {"fout", "waarschuwing"} and {m["severity"] for m in en} <= {"error", "warning"}
    for n, e in zip(nl, en):
        assert n["message"] != e["message"], n.string  # worded in Dutch, not left in English


@pytest.mark.slow
def test_json_and_rule_ids_are_the_same_in_every_language(empty_catalogue: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    cat = _broken_catalogue(empty_catalogue, sorted(EXPECTED))
    outputs = {lang: run_cli("validate", "--catalogue", cat, "--format", "json", "--lang", lang) for lang in ("nl", "en")}
    assert outputs["nl"].stdout == outputs["en"].stdout
    problems = json.loads(outputs["nl"].stdout)
    # all but the rules judged only when every entry file could be read (the corpus holds unreadable ones)
    assert {p["rule"] for p in problems} >= {str(r) for ps in EXPECTED.values() for r, *_ in ps} - {"row-gap", "unused-source"}
    # the JSON holds the English wording, as the English text output does
    english = run_cli("validate", "--catalogue", cat, "--lang", "en").stdout
    for p in problems:
        if p["severity"] != "silenced":
            assert f"{p['message']} [{p['rule']}]" in english


def test_github_annotations_speak_the_language_of_the_command(empty_catalogue: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    cat = _broken_catalogue(empty_catalogue, ["age-range/min-above-max.yaml"])
    nl = run_cli("validate", "--catalogue", cat, "--format", "github").stdout
    en = run_cli("validate", "--catalogue", cat, "--format", "github", "--lang", "en").stdout
    assert nl.startswith("::error file=interventions/min-above-max.yaml,line=9,col=14,title=age-range::target_group.age.min: de minimumleeftijd 27")
    assert en.startswith("::error file=interventions/min-above-max.yaml,line=9,col=14,title=age-range::target_group.age.min: minimum age 27")


# --- the library's errors: one of every class, in both languages ----------------------------------


def _old_catalogue(root: Path, repo: Path) -> Path:
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "v1" / "mini", root / "old")
    shutil.copytree(repo / "schemas", root / "old" / "schemas")
    return root / "old"


def _not_a_repository(root: Path, repo: Path) -> Path:
    cat = root / "cat"
    (cat / "interventions").mkdir(parents=True)
    shutil.copytree(repo / "schemas", cat / "schemas")
    return cat


def _taken_file(root: Path, repo: Path) -> Path:
    (root / "taken.json").write_text("{}", encoding="utf-8")
    return root / "taken.json"


def _broken_template(root: Path, repo: Path) -> Path:
    (root / "tpl").mkdir()
    (root / "tpl" / "appendix.md.j2").write_text("{% if %}\n", encoding="utf-8")
    return root / "tpl"


# (exception class, command line): "{cat}" is a copy of the mini catalogue (a command that would
# write writes there), "{repo}" the bundled catalogue (a git work tree), "{tmp}" an empty folder; a
# callable makes what it needs
LIBRARY_ERRORS = [
    ("CatalogueError", ["list", "--catalogue", "{tmp}"]),
    ("OldFormatError", ["list", "--catalogue", _old_catalogue]),
    ("OutputError", ["render", "appendix", "-o", "{cat}/interventions/x.md", "--catalogue", "{cat}"]),
    ("FileTaken", ["export", "-o", _taken_file, "--catalogue", "{cat}"]),
    ("GitError", ["validate", "--changed-since", "HEAD", "--catalogue", _not_a_repository]),
    ("GitError", ["validate", "--changed-since", "no-such-revision", "--catalogue", "{repo}"]),
    ("ScaffoldError", ["new", "   ", "--no-input", "--catalogue", "{cat}"]),
    ("ScaffoldError", ["new", "Proef", "--phase", "onbekend", "--no-input", "--catalogue", "{cat}"]),
    ("SourceError", ["new", "Proef", "--source", "nergens", "--no-input", "--catalogue", "{cat}"]),
    ("IssueFormError", ["new", "--from-issue", "{tmp}/no-such-issue.md", "--catalogue", "{cat}"]),
    ("AppendixError", ["render", "appendix", "--source", "nergens", "--catalogue", "{cat}"]),
    ("RenderError", ["render", "appendix", "--templates", _broken_template, "--catalogue", "{cat}"]),
    ("UpgradeError", []),
    ("ValueError", ["compare", "alpha", "alpha", "--catalogue", "{cat}"]),
]


@pytest.mark.parametrize(("error", "args"), LIBRARY_ERRORS, ids=[f"{e}-{i}" for i, (e, _) in enumerate(LIBRARY_ERRORS)])
def test_every_library_error_speaks_the_language_of_the_command(error: str, args: list, run_cli, repo_root: Path,  # type: ignore[no-untyped-def, type-arg]
                                                                   mini_catalogue: Path, tmp_path: Path) -> None:
    if error == "UpgradeError":  # an old catalogue whose new source file is taken by something else
        old = _old_catalogue(tmp_path, repo_root)
        (old / "sources").mkdir()
        (old / "sources" / "kwetsbare-jongeren-2023.yaml").write_text("note: PRECIOUS\n", encoding="utf-8")
        args = ["upgrade", "--catalogue", old]
    line = [a(tmp_path, repo_root) if callable(a) else str(a).format(repo=repo_root, cat=mini_catalogue, tmp=tmp_path / "empty") for a in args]
    said = {}
    for lang in ("nl", "en"):
        result = run_cli(*line, env={"JWTOOL_LANG": lang})
        assert result.exit_code in (1, 2), result.output
        assert "Traceback" not in result.output and "internal error" not in result.stderr and "interne fout" not in result.stderr
        speaks(result.stderr, lang)
        assert result.stderr.count("jwtool: fout:" if lang == "nl" else "jwtool: error:") == 1, result.stderr
        said[lang] = result.stderr.partition(":")[2].partition(":")[2]
    assert said["nl"] != said["en"]  # the library's words too, not only "fout:"


def test_a_library_message_is_english_as_text_and_worded_on_request() -> None:
    import copy
    import pickle

    from jwtool.catalogue.layout import CatalogueError
    from jwtool.labels import Message, worded

    said = Message("error.not_a_catalogue", path="/tmp/x")
    assert said == "/tmp/x is not a catalogue: it has no interventions/ folder"  # JSON, logs and str(exc)
    assert said.text("nl") == "/tmp/x is geen catalogus: er is geen map interventions/"
    assert worded(CatalogueError(said), "nl") == said.text("nl") and str(CatalogueError(said)) == said
    for copied in (pickle.loads(pickle.dumps(said)), copy.deepcopy(said)):
        assert copied.text("nl") == said.text("nl")
    hint = Message("problem.vocabulary", value="'x'", term=Message("problem.term.phases"), hint="", name="phases")
    assert hint.text("nl") == "onbekende waarde 'x' voor fase; zie schemas/vocabularies/phases.yaml"  # a value in the same language


@pytest.mark.parametrize("fmt", ["text", "md"])
@pytest.mark.slow
def test_diff_speaks_the_language_of_the_command(run_cli, repo_root: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    said = {lang: run_cli("diff", "HEAD", "--format", fmt, "--catalogue", repo_root, env={"JWTOOL_LANG": lang}) for lang in ("nl", "en")}
    for lang, result in said.items():
        assert result.exit_code == 0, result.stderr
        speaks(result.stdout.splitlines()[0 if fmt == "text" else 1], lang)  # the title and its summary
    assert said["nl"].stdout != said["en"].stdout
