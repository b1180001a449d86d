"""Every validation rule: a broken file yields the right rule at the right file:line:column,
a file on the edge of the rule passes, and no input ever produces a traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from jwtool.catalogue.yamlfile import read_yaml
from jwtool.validate.rules import RULES, validate

pytestmark = pytest.mark.usefixtures("english")  # these tests read the English wording of messages

DATA = Path(__file__).resolve().parents[1] / "fixtures"
REPO = DATA.parent.parent
EXPECTED: dict[str, list[list[object]]] = yaml.safe_load((DATA / "invalid" / "expected.yaml").read_text(encoding="utf-8"))


def problems_of(root: Path) -> list[tuple[str, str, int, int]]:
    return [(p.file, p.rule, p.line, p.column) for p in validate(root).problems]


def place(case: str, root: Path) -> str:
    """Copy a corpus file into the catalogue: cases under sources/ are source files, the others
    entries. Returns the file's path relative to the catalogue."""
    folder = "sources" if case.startswith("sources/") else "interventions"
    shutil.copyfile(DATA / "invalid" / case, root / folder / Path(case).name)
    return f"{folder}/{Path(case).name}"


@pytest.mark.parametrize("case", sorted(EXPECTED))
@pytest.mark.slow
def test_broken_file_is_reported_at_its_position(case: str, empty_catalogue: Path, run_cli) -> None:
    rel = place(case, empty_catalogue)
    expected = sorted((rel, rule, line, col) for rule, line, col in EXPECTED[case])
    assert sorted(problems_of(empty_catalogue)) == expected
    result = run_cli("validate", "--catalogue", empty_catalogue)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    rule, line, col = EXPECTED[case][0]
    assert f"{rel}:{line}:{col}: error: " in result.stdout
    assert f"[{rule}]" in result.stdout


def test_every_corpus_file_is_listed_in_the_manifest() -> None:
    on_disk = {p.relative_to(DATA / "invalid").as_posix() for p in (DATA / "invalid").rglob("*.yaml") if p.name != "expected.yaml"}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize(("name", "sources"), [("minimal.yaml", []), ("boundaries.yaml", ["studie.yaml"])])
def test_files_on_the_edge_of_every_rule_pass(name: str, sources: list[str], empty_catalogue: Path) -> None:
    shutil.copyfile(DATA / "valid" / name, empty_catalogue / "interventions" / name)
    for source in sources:
        shutil.copyfile(DATA / "valid" / "sources" / source, empty_catalogue / "sources" / source)
    assert problems_of(empty_catalogue) == []


def test_the_real_catalogue_is_valid(repo_root: Path, run_cli) -> None:
    result = run_cli("validate", cwd=repo_root)
    assert result.stdout == ""
    assert result.exit_code == 0, result.stderr
    assert "ok: 0 errors" in result.stderr


def test_mini_catalogue_is_valid(mini_catalogue: Path) -> None:
    problems = validate(mini_catalogue).problems
    assert [(p.file, p.rule, p.severity) for p in problems] == [("interventions/beta.yaml", "evidence-level-not-carried", "silenced")]


# --- rules that need more than one file, or a file made at test time ---------------------------


def add(root: Path, name: str, text: str) -> Path:
    path = root / "interventions" / name
    path.write_text(text, encoding="utf-8")
    return path


def minimal(entry_id: str, name: str | None = None) -> str:
    text = (DATA / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    return text.replace("id: minimal", f"id: {entry_id}").replace("Minimaal voorbeeld", name or f"Voorbeeld {entry_id}")


def test_two_entries_with_one_id(empty_catalogue: Path) -> None:
    add(empty_catalogue, "een.yaml", minimal("een"))
    add(empty_catalogue, "twee.yaml", minimal("een", "Andere naam"))
    found = problems_of(empty_catalogue)
    assert ("interventions/twee.yaml", "unique-id", 1, 5) in found
    assert ("interventions/twee.yaml", "id-filename", 1, 5) in found
    [problem] = [p for p in validate(empty_catalogue).problems if p.rule == "unique-id"]
    assert problem.message == "id 'een' is also used by interventions/een.yaml; an id must be unique in the catalogue: give each entry the id of its own file name"
    assert problem.message.text("nl") == ("het id 'een' wordt ook gebruikt door interventions/een.yaml; een id moet uniek zijn in de catalogus: "  # type: ignore[attr-defined]
                                          "geef elke vermelding het id van haar eigen bestandsnaam")


def test_a_name_or_alias_identifies_one_entry(empty_catalogue: Path) -> None:
    add(empty_catalogue, "een.yaml", minimal("een", "Jongeren aan Zet"))
    add(empty_catalogue, "twee.yaml", minimal("twee").replace("kind:", "aliases: [jongeren aan zét]\nkind:"))
    assert problems_of(empty_catalogue) == [("interventions/twee.yaml", "unique-alias", 3, 11)]


def test_a_placeholder_is_no_name_alias_or_study_id_of_two_entries(empty_catalogue: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """Two fresh files of `jwtool new` both hold '<vul in: andere namen>' as an alias and '<vul in: id>'
    as a study id: each is a 'placeholder' problem of its own, not also a name or id of two entries."""
    for name in ("A one", "B two"):
        assert run_cli("new", name, "--no-input", "--catalogue", empty_catalogue).exit_code == 0
    problems = validate(empty_catalogue).problems
    assert {p.rule for p in problems if p.rule.startswith("unique-")} == set()
    assert any(p.rule == "placeholder" and p.path == "/aliases/0" for p in problems)


def test_two_entries_cannot_claim_one_row_of_a_table(empty_catalogue: Path) -> None:
    (empty_catalogue / "sources" / "rapport.yaml").write_text(
        "id: rapport\ntype: report\nkind: rapport\ntitle: Rapport\ntables:\n  - {id: T1, title: Interventies, rows: 1, columns: [interventie]}\n",
        encoding="utf-8")
    row = "  - source: rapport\n    rows: [{table: T1, row: 1}]\n"
    for name in ("een", "twee"):
        add(empty_catalogue, f"{name}.yaml", minimal(name).replace("kind: praktijkvoorbeeld", "kind: interventie").replace("cites:\n", "cites:\n" + row))
    assert problems_of(empty_catalogue) == [("interventions/twee.yaml", "unique-order", 16, 29)]


# --- a value two entries share, when only some files are checked ------------------------------
# A contributor checks the file they add (`validate FILE`, `--changed-since`); its name sorts
# before the entry it clashes with ("aa-nieuw" < "zz-oud") and must still be told.

STUDY = """  studies:
    - id: {sid}
      designs: [monitoring]
      description: De jongeren zijn gevolgd.
      cites:
        - source: kwetsbare-jongeren-2023
          sections: ["5.2"]
      findings:
        - outcome: werk
          direction: positief
          comparison: false
          quote: Zes van de tien jongeren vonden werk.
"""
ROW = "  - source: rapport\n    rows: [{table: T1, row: 1}]\n"


def sharing(root: Path, what: str, entry_id: str) -> str:
    """An entry ``entry_id`` that holds the one value of ``what`` every entry made so holds."""
    text = minimal(entry_id)
    if what == "id":
        return text.replace(f"id: {entry_id}", "id: gedeeld", 1)
    if what == "alias":
        return text.replace("kind:", "aliases: [Boris]\nkind:")
    if what == "study id":
        return text.replace("  level: niet-onderzocht\n", "  level: niet-onderzocht\n" + STUDY.format(sid="gedeelde-evaluatie"))
    (root / "sources" / "rapport.yaml").write_text(
        "id: rapport\ntype: report\nkind: rapport\ntitle: Rapport\ntables:\n  - {id: T1, title: Interventies, rows: 1, columns: [interventie]}\n",
        encoding="utf-8")
    return text.replace("kind: praktijkvoorbeeld", "kind: interventie").replace("cites:\n", "cites:\n" + ROW)


# what is shared -> (rule, line and column of the value in the file, the message's start)
SHARED = {
    "id": ("unique-id", 1, 5, "id 'gedeeld' is also used by interventions/{other}"),
    "alias": ("unique-alias", 3, 11, "'Boris' also names interventions/{other} (Boris); "),
    "study id": ("unique-id", 12, 11, "study id 'gedeelde-evaluatie' is also used in interventions/{other}"),
    "row": ("unique-order", 16, 29, "row 1 of table T1 of 'rapport' is also claimed by interventions/{other}"),
}


def clashes(root: Path, paths: list[Path] | None = None, added: list[Path] | None = None) -> list[tuple[str, str, int, int, str]]:
    return [(p.file, p.rule, p.line, p.column, str(p.message)) for p in validate(root, paths, added=added).problems if p.rule in ("unique-id", "unique-alias", "unique-order")]


@pytest.mark.parametrize("what", sorted(SHARED))
def test_a_checked_file_that_sorts_first_is_told_it_shares_a_value_with_an_unchecked_one(what: str, empty_catalogue: Path) -> None:
    old = add(empty_catalogue, "zz-oud.yaml", sharing(empty_catalogue, what, "zz-oud"))
    new = add(empty_catalogue, "aa-nieuw.yaml", sharing(empty_catalogue, what, "aa-nieuw"))
    rule, line, column, message = SHARED[what]
    [(file, found_rule, found_line, found_column, text)] = clashes(empty_catalogue, [new])
    assert (file, found_rule, found_line, found_column) == ("interventions/aa-nieuw.yaml", rule, line, column)
    assert text.startswith(message.format(other="zz-oud.yaml"))
    [(file, *_, text)] = clashes(empty_catalogue, [old])  # the other way round: the old file is the one checked
    assert file == "interventions/zz-oud.yaml" and text.startswith(message.format(other="aa-nieuw.yaml"))


@pytest.mark.parametrize("what", sorted(SHARED))
def test_a_full_run_reports_a_shared_value_once_on_the_added_file_when_it_is_known(what: str, empty_catalogue: Path) -> None:
    add(empty_catalogue, "zz-oud.yaml", sharing(empty_catalogue, what, "zz-oud"))
    new = add(empty_catalogue, "aa-nieuw.yaml", sharing(empty_catalogue, what, "aa-nieuw"))
    rule, line, column, message = SHARED[what]
    [(file, *_)] = clashes(empty_catalogue)  # no file is known to be new: the later one, as always
    assert file == "interventions/zz-oud.yaml"
    for paths in (None, [new, empty_catalogue / "interventions" / "zz-oud.yaml"]):  # both checked, one of them added
        [(file, found_rule, found_line, found_column, text)] = clashes(empty_catalogue, paths, added=[new])
        assert (file, found_rule, found_line, found_column) == ("interventions/aa-nieuw.yaml", rule, line, column)
        assert text.startswith(message.format(other="zz-oud.yaml"))


def test_a_name_of_three_entries_is_one_problem_in_each_checked_file_that_repeats_it(empty_catalogue: Path) -> None:
    for stem in ("bb-oud", "cc-oud"):
        add(empty_catalogue, f"{stem}.yaml", sharing(empty_catalogue, "alias", stem))
    new = add(empty_catalogue, "aa-nieuw.yaml", sharing(empty_catalogue, "alias", "aa-nieuw"))
    assert [(f, line) for f, _, line, *_ in clashes(empty_catalogue, [new])] == [("interventions/aa-nieuw.yaml", 3)]
    assert [f for f, *_ in clashes(empty_catalogue)] == ["interventions/bb-oud.yaml", "interventions/cc-oud.yaml"]
    assert [f for f, *_ in clashes(empty_catalogue, added=[new])] == ["interventions/aa-nieuw.yaml", "interventions/cc-oud.yaml"]


def test_file_names_with_spaces_or_non_ascii_letters(empty_catalogue: Path) -> None:
    add(empty_catalogue, "met spatie.yaml", minimal("met spatie"))
    add(empty_catalogue, "één.yaml", minimal("een"))
    found = problems_of(empty_catalogue)
    assert ("interventions/met spatie.yaml", "file-name", 1, 1) in found
    assert ("interventions/één.yaml", "file-name", 1, 1) in found


def test_symlink_outside_the_catalogue_is_refused_and_not_read(empty_catalogue: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("wachtwoord: geheim\n", encoding="utf-8")
    (empty_catalogue / "interventions" / "link.yaml").symlink_to(secret)
    found = validate(empty_catalogue).problems
    assert [(p.file, p.rule, p.line, p.column) for p in found] == [("interventions/link.yaml", "symlink", 1, 1)]
    assert "geheim" not in found[0].message


def test_file_size_cap_is_configurable(empty_catalogue: Path, run_cli) -> None:
    add(empty_catalogue, "minimal.yaml", minimal("minimal"))
    assert run_cli("validate", "--catalogue", empty_catalogue).exit_code == 0
    small = run_cli("validate", "--catalogue", empty_catalogue, "--max-file-size", "100")
    assert small.exit_code == 1
    assert "interventions/minimal.yaml:1:1: error: file is" in small.stdout and "[file-size]" in small.stdout
    env = run_cli("validate", "--catalogue", empty_catalogue, env={"JWTOOL_MAX_FILE_SIZE": "100"})
    assert env.exit_code == 1


@pytest.mark.parametrize("value", ["99999999999999999999", "abc", "-5", "0", "1.5", "1073741825"])
def test_a_max_file_size_that_is_no_size_is_a_usage_error(value: str, empty_catalogue: Path, run_cli) -> None:
    option = run_cli("validate", "--catalogue", empty_catalogue, f"--max-file-size={value}", env={"JWTOOL_LANG": "nl"})
    assert option.exit_code == 2 and "ongeldige waarde voor '--max-file-size'" in option.stderr, option.output
    for command in (["validate"], ["list"]):
        env = run_cli(*command, "--catalogue", empty_catalogue, env={"JWTOOL_MAX_FILE_SIZE": value})
        assert env.exit_code == 2, env.output
        assert f"jwtool: fout: JWTOOL_MAX_FILE_SIZE moet een heel aantal bytes van 1 tot 1073741824 (1 GiB) zijn, niet {value!r}" in env.stderr
    assert "interne fout" not in option.output + env.output


def test_a_path_outside_the_catalogue_is_a_usage_error_never_an_ok(empty_catalogue: Path, tmp_path: Path, run_cli) -> None:
    """Nothing would check a file that is no file of the catalogue: saying "ok" would be a lie."""
    broken = tmp_path / "x.yaml"
    broken.write_text("id: x\nname: 12\n", encoding="utf-8")
    other = tmp_path / "other"
    (other / "interventions").mkdir(parents=True)
    shutil.copyfile(broken, other / "interventions" / "x.yaml")
    (empty_catalogue / "docs").mkdir()
    for path, cwd in ((broken, None), (empty_catalogue / "docs", None), (Path("docs"), empty_catalogue), (Path("/etc/passwd"), None)):
        result = run_cli("validate", "--catalogue", empty_catalogue, path, cwd=cwd)
        assert result.exit_code == 2 and result.stdout == "", result.output
        assert f"{path} is not a file or folder of the catalogue at {empty_catalogue}" in result.stderr and "--catalogue DIR" in result.stderr
        assert "ok" not in result.stderr
    json_run = run_cli("validate", "--format", "json", "--catalogue", empty_catalogue, broken)
    assert json_run.exit_code == 2 and json_run.stdout == ""
    foreign = run_cli("validate", "--catalogue", empty_catalogue, Path("../other/interventions/x.yaml"), cwd=empty_catalogue.parent / "empty")
    assert foreign.exit_code == 2
    assert "belongs to the catalogue at ../other" in foreign.stderr
    assert "jwtool --catalogue ../other validate ../other/interventions/x.yaml" in foreign.stderr
    own = run_cli("--catalogue", "../other", "validate", "../other/interventions/x.yaml", cwd=empty_catalogue)
    assert own.exit_code == 1 and "interventions/x.yaml" in own.stdout


def test_a_source_schema_or_catalogue_file_checks_the_whole_catalogue(empty_catalogue: Path, run_cli) -> None:
    add(empty_catalogue, "broken.yaml", "id: broken\n")
    for path in ("sources", "schemas", "catalogue.yaml", ".", "interventions"):
        result = run_cli("validate", "--catalogue", empty_catalogue, empty_catalogue / path)
        assert result.exit_code == 1 and "interventions/broken.yaml" in result.stdout, (path, result.output)


def test_the_largest_max_file_size_is_one_gib(empty_catalogue: Path, run_cli) -> None:
    add(empty_catalogue, "minimal.yaml", minimal("minimal"))
    assert run_cli("validate", "--catalogue", empty_catalogue, "--max-file-size", "1073741824").exit_code == 0


def test_a_broken_vocabulary_file_is_reported_and_the_rest_still_checked(empty_catalogue: Path) -> None:
    vocab = empty_catalogue / "schemas" / "vocabularies" / "phases.yaml"
    vocab.write_text(vocab.read_text(encoding="utf-8").replace("  - id: overgang", "  - id: tijdens-school"), encoding="utf-8")
    add(empty_catalogue, "minimal.yaml", minimal("minimal").replace("level: niet-onderzocht", "level: sterk"))
    found = problems_of(empty_catalogue)
    assert ("schemas/vocabularies/phases.yaml", "vocabulary-file", 11, 9) in found
    assert ("interventions/minimal.yaml", "vocabulary", 10, 10) in found


def test_a_vocabulary_that_is_not_yaml(empty_catalogue: Path) -> None:
    (empty_catalogue / "schemas" / "vocabularies" / "goal-tags.yaml").write_text("terms: [\n", encoding="utf-8")
    found = problems_of(empty_catalogue)
    assert [f for f in found if f[0].endswith("goal-tags.yaml")][0][1] == "yaml-syntax"


def test_a_missing_vocabulary(empty_catalogue: Path) -> None:
    (empty_catalogue / "schemas" / "vocabularies" / "success-factors.yaml").unlink()
    assert ("schemas/vocabularies/success-factors.yaml", "vocabulary-file", 1, 1) in problems_of(empty_catalogue)


def test_a_broken_schema_file(empty_catalogue: Path) -> None:
    (empty_catalogue / "schemas" / "intervention.schema.json").write_text('{"type": "object",\n  oops}', encoding="utf-8")
    found = problems_of(empty_catalogue)
    assert found[0][:2] == ("schemas/intervention.schema.json", "schema-file")
    assert found[0][2] == 2


def test_a_broken_catalogue_file(empty_catalogue: Path) -> None:
    (empty_catalogue / "catalogue.yaml").write_text("schema_version: 3\ntitle: Een catalogus\nmain_source: [geen, id]\n", encoding="utf-8")
    assert ("catalogue.yaml", "schema", 3, 14) in problems_of(empty_catalogue)


def test_a_catalogue_yaml_that_cannot_be_read_is_reported_by_the_commands_that_read_it(mini_catalogue: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """Not silently left out: list and compare go on (without its title and caveat) but say where
    catalogue.yaml is broken; render appendix, which needs its main source, says that, not "no source ''"."""
    (mini_catalogue / "catalogue.yaml").write_text("foo: [\n", encoding="utf-8")
    for command in (["list"], ["compare", "alpha", "beta"]):
        result = run_cli(*command, "--catalogue", mini_catalogue)
        assert result.exit_code == 0 and re.search(
            r"^jwtool: warning: catalogue\.yaml:\d+:\d+: not valid YAML: .+; until that is fixed, jwtool uses nothing of catalogue\.yaml \(title, main source, caveat\)$",
            result.stderr, re.MULTILINE), (command, result.stderr)
    result = run_cli("render", "appendix", "--catalogue", mini_catalogue)
    assert result.exit_code == 2 and "no source ''" not in result.stderr
    assert result.stderr.splitlines()[-1] == ("jwtool: error: catalogue.yaml could not be read, so the main source to render is unknown; "
                                              "fix catalogue.yaml ('jwtool validate' says what is wrong) or give --source ID")
    dutch = run_cli("render", "appendix", "--catalogue", mini_catalogue, env={"JWTOOL_LANG": "nl"}).stderr.splitlines()
    assert re.match(r"jwtool: waarschuwing: catalogue\.yaml:\d+:\d+: geen geldige YAML: .+; tot dat hersteld is, gebruikt jwtool niets uit catalogue\.yaml", dutch[0])
    assert dutch[-1] == ("jwtool: fout: catalogue.yaml kon niet gelezen worden, dus het hoofdrapport om weer te geven is onbekend; "
                         "herstel catalogue.yaml ('jwtool validate' zegt wat er mis is) of geef --source ID")


def test_a_catalogue_without_catalogue_yaml_is_valid_and_render_appendix_says_how_to_name_its_main_source(mini_catalogue: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """catalogue.yaml is optional (export writes "catalogue": {}); only render appendix without
    --source needs the main source it names."""
    meta = mini_catalogue / "catalogue.yaml"
    meta.unlink()
    assert run_cli("validate", "--catalogue", mini_catalogue).exit_code == 0
    listed = run_cli("list", "--catalogue", mini_catalogue)
    assert listed.exit_code == 0 and listed.stderr == ""
    result = run_cli("render", "appendix", "--catalogue", mini_catalogue)
    assert (result.exit_code, result.stderr) == (2, "jwtool: error: the catalogue has no catalogue.yaml to name the main source to render; "
                                                    "add one with 'schema_version: 3', 'title: …' and 'main_source: ID' "
                                                    "(a source entries cite: evaluatie-alfa, kwetsbare-jongeren-2023) or give --source ID\n")
    assert run_cli("render", "appendix", "--source", "kwetsbare-jongeren-2023", "--catalogue", mini_catalogue).exit_code == 0
    meta.write_text("schema_version: 3\ntitle: Mini\n", encoding="utf-8")
    result = run_cli("render", "appendix", "--catalogue", mini_catalogue, env={"JWTOOL_LANG": "nl"})
    assert (result.exit_code, result.stderr) == (2, "jwtool: fout: catalogue.yaml noemt geen hoofdrapport om weer te geven; voeg 'main_source: ID' toe "
                                                    "(een bron waarnaar vermeldingen verwijzen: evaluatie-alfa, kwetsbare-jongeren-2023) of geef --source ID\n")


def test_a_catalogue_of_an_older_format_gets_one_problem_naming_the_upgrade(empty_catalogue: Path) -> None:
    (empty_catalogue / "catalogue.yaml").write_text("title: Een catalogus\nreports: []\n", encoding="utf-8")
    add(empty_catalogue, "minimal.yaml", minimal("minimal"))
    [problem] = validate(empty_catalogue).problems
    assert (problem.file, problem.rule, problem.line, problem.column) == ("catalogue.yaml", "old-format", 1, 1)
    assert "jwtool upgrade" in problem.message


@pytest.mark.parametrize("declared, words", [
    ("99", ("schema version 99, newer than the version 3 this jwtool reads", "update jwtool")),
    ('"3"', ("schema_version must be a whole number such as 3, not \"3\"", "without quotes")),
])
def test_a_catalogue_newer_than_jwtool_or_a_quoted_version_is_refused_by_every_command(declared: str, words: tuple[str, ...], empty_catalogue: Path, run_cli) -> None:
    (empty_catalogue / "catalogue.yaml").write_text(f"schema_version: {declared}\ntitle: Een catalogus\nmain_source: kwetsbare-jongeren-2023\n", encoding="utf-8")
    add(empty_catalogue, "minimal.yaml", minimal("minimal"))
    [problem] = validate(empty_catalogue).problems
    assert (problem.file, problem.rule, problem.line, problem.column) == ("catalogue.yaml", "format-version", 1, 17)
    assert all(w in problem.message for w in words) and "jwtool upgrade" not in problem.message and "version 1" not in problem.message
    before = (empty_catalogue / "catalogue.yaml").read_text(encoding="utf-8")
    for command in (["list"], ["show", "minimal"], ["upgrade"], ["new", "Nog Een", "--no-input"], ["export", "--format", "json"]):
        result = run_cli(*command, "--catalogue", empty_catalogue)
        assert result.exit_code == 1, (command, result.output)
        assert all(w in result.stderr for w in words) and "internal error" not in result.stderr, (command, result.stderr)
    assert (empty_catalogue / "catalogue.yaml").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in (empty_catalogue / "interventions").iterdir()) == ["minimal.yaml"]


@pytest.mark.parametrize("text, place, dutch", [
    ("a: [1, 2\nb: 3\n", (2, 2), "de lijst tussen [ ] die op regel 1 begint, wordt niet gesloten of mist een komma"),
    ("a: {x: 1\nb: 3\n", (2, 2), "de verzameling tussen { } die op regel 1 begint"),
    ("a:\n\tb: 1\n", (2, 1), "vervang de tab door spaties"),
    ("a: 1\n\tb: 2\n", (2, 1), "vervang de tab door spaties"),
    ("a: b: c\n", (1, 5), "zet tekst met ': ' tussen aanhalingstekens"),
    ("a: 1\nb\nc: 2\n", (2, 1), "zet ':' achter de veldnaam"),
    ("a: *x\n", (1, 4), "zet tekst die met '*' begint tussen aanhalingstekens"),
    ("a: @x\n", (1, 4), "een waarde kan niet met '@' beginnen; zet de waarde tussen aanhalingstekens"),
    ("a: ]\n", (1, 4), "een waarde kan niet met ']' beginnen"),
    ("a:\n  b: 1\n c: 2\n", (3, 2), "laat velden van één niveau in dezelfde kolom beginnen"),
    ("- a\nb: 1\n", (2, 1), "staat een regel zonder '- '"),
    ('a: "\\q"\n', (1, 5), "schrijf '\\\\' voor een backslash"),
    ("a: 1\n--- x\n", (2, 1), "het bestand is één document"),
    ('a: "abc\n', (1, 4), "wordt nergens gesloten (YAML loopt er pas op regel 2 op vast)"),
    ('a: "abc\n---\nb: 1\n', (1, 4), "wordt nergens gesloten (YAML loopt er pas op regel 2 op vast)"),
    ('a: "abc\nb: 1\nc: "x"\n', (1, 4), "wordt nergens gesloten (YAML loopt er pas op regel 3 op vast)"),
    ('organisations: ["Stichting Schoor]\n', (1, 17), "de tekst tussen aanhalingstekens die hier begint, wordt nergens gesloten"),
    ("foo: [\n", (1, 6), "de lijst tussen [ ] die hier begint, wordt nergens gesloten; zet ']' achter de laatste waarde"),
    ("a: [1, [2, 3]\n", (1, 4), "de lijst tussen [ ] die hier begint, wordt nergens gesloten"),
    ("a: {x: [1]\n", (1, 4), "de verzameling tussen { } die hier begint, wordt nergens gesloten; zet '}' achter het laatste veld"),
    ('a: "abc\n  def"x\n', (2, 7), "na een waarde tussen aanhalingstekens staat nog tekst"),
    ('a:\n  b: "abc\n  c: 1\n  d: "x"\n', (2, 6), "wordt nergens gesloten (YAML loopt er pas op regel 4 op vast)"),
])
def test_common_yaml_mistakes_are_worded_with_a_fix_not_in_pyyamls_english(text: str, place: tuple[int, int], dutch: str, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    [problem] = read_yaml(path, "x.yaml").problems
    assert (problem.rule, problem.line, problem.column) == ("yaml-syntax", *place)
    worded = problem.format("nl")
    assert dutch in worded, worded
    assert not re.search(r"while |found |expected |could not|not allowed", worded), worded
    assert not re.search(r"while |found |expected |could not", problem.format("en")), problem.format("en")


def test_a_rare_yaml_mistake_quotes_the_parser_and_still_says_where_to_look(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: &\n", encoding="utf-8")
    [problem] = read_yaml(path, "x.yaml").problems
    assert problem.format("nl").endswith('geen geldige YAML: "while scanning an anchor, did not find expected alphabetic or numeric character"; controleer deze regel en de regels erboven [yaml-syntax]')


# A realistic entry whose prose holds quotes and apostrophes that open nothing: in folded text
# (also after "word: ", as a field would), in a comment and in plain text (d'r, Schoor's).
PROSE = minimal("proza").replace("Een korte samenvatting.", "Jongeren gaan d'r op uit in Schoor's werkplaats.") + """\
notes:
  # citaat: "letterlijk, en 't klopt
  - >-
    Taal van het rapport ongewijzigd overgenomen: "door een kwalificatie te halen en door
    voldoende voorbereid zijn".
  - >-
    De coach zegt: 'we gaan d'r samen voor'. Zie de links "Evaluatie" en
    "Zie ook de evaluatie." in de kolom 'Resultaten'.
"""
AFTER = PROSE.count("\n") + 1  # the first line of a tail added to PROSE


@pytest.mark.parametrize("tail, place, dutch, english", [
    ("tags: [a, b\n", (AFTER, 7), "de lijst tussen [ ] die hier begint, wordt nergens gesloten; zet ']' achter de laatste waarde",
     "the list in [ ] that starts here is never closed; put ']' after its last value"),
    ("x: {a: 1\n", (AFTER, 4), "de verzameling tussen { } die hier begint, wordt nergens gesloten; zet '}' achter het laatste veld",
     "the mapping in { } that starts here is never closed; put '}' after its last field"),
    ('x: "open\n', (AFTER, 4), f"de tekst tussen aanhalingstekens die hier begint, wordt nergens gesloten (YAML loopt er pas op regel {AFTER + 1} op vast)",
     f"quoted text that starts here is never closed (YAML only trips over it at line {AFTER + 1}); add the closing quote"),
    ("x: 'open\n", (AFTER, 4), "de tekst tussen aanhalingstekens die hier begint, wordt nergens gesloten", "quoted text that starts here is never closed"),
    ("---\nid: x\n", (AFTER, 1), "het bestand is één document: verwijder de '---' en wat erna komt, of zet dat in een eigen bestand",
     "the file is one document: remove the '---' and what follows it, or move that into a file of its own"),
])
def test_a_broken_tail_after_prose_with_quotes_names_its_own_line_and_cause(tail: str, place: tuple[int, int], dutch: str, english: str,
                                                                          empty_catalogue: Path) -> None:
    add(empty_catalogue, "proza.yaml", PROSE)
    assert problems_of(empty_catalogue) == []
    add(empty_catalogue, "proza.yaml", PROSE + tail)
    [problem] = validate(empty_catalogue).problems
    assert (problem.file, problem.rule, problem.line, problem.column) == ("interventions/proza.yaml", "yaml-syntax", *place)
    assert dutch in problem.format("nl"), problem.format("nl")
    assert english in problem.format("en"), problem.format("en")


def test_every_rule_id_is_exercised_by_a_test() -> None:
    in_corpus = {rule for problems in EXPECTED.values() for rule, _, _ in problems}
    elsewhere = {"unique-id", "unique-alias", "unique-order", "file-name", "symlink", "file-size", "vocabulary-file", "schema-file", "unreadable", "catalogue-file", "format-version",
                 "evidence-level-not-carried", "comparison-study-not-studied", "evidence-flag-contradicts-design", "stale-reviewed-warning",  # warnings: tests/cli/test_studies.py
                 "unquoted-date"}  # a warning: tests/readers/test_standard_readers.py
    assert set(RULES) <= in_corpus | elsewhere


# --- resource bounds ----------------------------------------------------------------------------


def test_billion_laughs_is_refused_without_expanding_it(empty_catalogue: Path) -> None:
    shutil.copyfile(DATA / "invalid" / "yaml-alias" / "billion-laughs.yaml", empty_catalogue / "interventions" / "laughs.yaml")
    assert problems_of(empty_catalogue) == [("interventions/laughs.yaml", "yaml-alias", 1, 4)]


@pytest.mark.slow
def test_reading_entries_leaves_no_reference_cycles_behind() -> None:
    # loading runs with the collector paused (it is faster); a cycle per file would keep every
    # file's parse tree alive until the end: at 10,000 entries hundreds of MB
    import gc

    from jwtool.catalogue.yamlfile import read_yaml

    files = sorted((REPO / "interventions").glob("*.yaml")) + sorted((DATA / "invalid").rglob("*.yaml"))
    gc.collect()
    gc.disable()
    try:
        for path in files:
            read_yaml(path, path.name)
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.parametrize("spelling", ["<<", "!!merge k", "!<tag:yaml.org,2002:merge> k", "!!m%65rge k"])
def test_a_merge_key_is_refused_in_every_spelling_even_without_an_anchor(empty_catalogue: Path, spelling: str) -> None:
    add(empty_catalogue, "samen.yaml", f"id: samen\nname: Mbo & W&I\n{spelling}: {{summary: tekst}}\n")
    assert problems_of(empty_catalogue) == [("interventions/samen.yaml", "yaml-alias", 3, 1)]


def test_an_ampersand_in_text_is_no_anchor(empty_catalogue: Path) -> None:
    add(empty_catalogue, "en.yaml", "id: en\nname: Mbo & W&I\nsummary: 'a&b, & c'\n")
    assert all(rule != "yaml-alias" for _, rule, _, _ in problems_of(empty_catalogue))


def test_half_a_million_nested_brackets_do_not_crash_the_process(empty_catalogue: Path) -> None:
    # libyaml's composer recurses in C: without the guard this is a segmentation fault
    add(empty_catalogue, "deep.yaml", "id: deep\nsummary: " + "[" * 500_000 + "]" * 500_000 + "\n")
    proc = subprocess.run([sys.executable, "-m", "jwtool", "validate", "--catalogue", str(empty_catalogue), "--format", "json"],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "JWTOOL_MAX_FILE_SIZE": "2000000"})
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)[0]["rule"] == "nesting"


def test_unreadable_file_is_one_line_not_a_traceback(empty_catalogue: Path, run_cli) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    path = add(empty_catalogue, "geheim.yaml", minimal("geheim"))
    path.chmod(0)
    result = run_cli("validate", "--catalogue", empty_catalogue)
    assert "[unreadable]" in result.stdout and result.exit_code == 1


def test_json_format_is_an_array_of_positioned_problems(empty_catalogue: Path, run_cli) -> None:
    shutil.copyfile(DATA / "invalid" / "vocabulary" / "unknown-level.yaml", empty_catalogue / "interventions" / "unknown-level.yaml")
    result = run_cli("validate", "--format", "json", "--catalogue", empty_catalogue)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{
        "file": "interventions/unknown-level.yaml", "line": 10, "column": 10, "severity": "error", "rule": "vocabulary",
        "path": "/evidence/level",
        "message": "'sterk' is not a known level (did you mean 'sterke-aanwijzingen'?); see schemas/vocabularies/evidence-levels.yaml",
    }]
    assert result.stderr.startswith("jwtool: 1 error,")


def test_one_run_over_the_whole_corpus_reports_every_file(empty_catalogue: Path, run_cli) -> None:
    """A broken file never stops the others from being checked. (Unclaimed rows and uncited sources
    are judged only when every entry file could be read, which is not so here: each of those cases
    is checked on its own by test_broken_file_is_reported_at_its_position.)"""
    expected = []
    for case, problems in EXPECTED.items():
        rel = place(case, empty_catalogue)
        expected += [(rel, rule, line, col) for rule, line, col in problems if rule not in ("row-gap", "unused-source")]
    assert len({Path(c).name for c in EXPECTED}) == len(EXPECTED), "corpus file names must be unique"
    assert sorted(problems_of(empty_catalogue)) == sorted(expected)
    result = run_cli("validate", "--catalogue", empty_catalogue)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.stdout.splitlines()) == len(expected)


def test_a_problem_in_a_link_inside_the_catalogue_is_placed_at_the_link(mini_catalogue: Path) -> None:
    """A source (like catalogue.yaml or a schema) read through a link to another file of the
    catalogue: its problems name the link, the file the reviewer sees in the pull request."""
    (mini_catalogue / "sources" / "copy.yaml").symlink_to("../interventions/alpha.yaml")
    files = {p.file for p in validate(mini_catalogue).problems}
    assert "sources/copy.yaml" in files and "interventions/alpha.yaml" not in files


def test_a_review_date_in_the_future_is_named_once(mini_catalogue: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = mini_catalogue / "interventions" / "alpha.yaml"
    path.write_text(re.sub(r"(?m)^last_reviewed: .*$", 'last_reviewed: "2999-01-01"', path.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert "last_reviewed: 2999-01-01 lies in the future; write the day it was reviewed [year]" in result.stdout + result.stderr


def test_a_source_whose_id_is_not_its_file_name_is_named_by_its_file(catalogue_copy: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # one cause, said where it is: the citations point at the file, no "add sources/hanzen-2015.yaml" (it is there), no unused source
    path = catalogue_copy / "sources" / "hanzen-2015.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: hanzen-2015", "id: hanzen"), encoding="utf-8")
    result = run_cli("validate", "--format", "json", "--catalogue", catalogue_copy)
    problems = [(p["file"], p["rule"], p["message"]) for p in json.loads(result.stdout) if p["severity"] != "silenced"]
    assert sorted({(f, r) for f, r, _ in problems}) == [("interventions/kix.yaml", "citation"), ("sources/hanzen-2015.yaml", "id-filename")]
    assert all("the source 'hanzen-2015' is sources/hanzen-2015.yaml, but that file has the id 'hanzen'" in m for _, r, m in problems if r == "citation")


def test_a_date_that_is_no_date_is_one_error(mini_catalogue: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # the schema's date format and the year rule word it alike: said once
    path = mini_catalogue / "interventions" / "alpha.yaml"
    path.write_text(re.sub(r"(?m)^last_reviewed: .*$", 'last_reviewed: "7-12-2026"', path.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    said = [line for line in result.stdout.splitlines() if "last_reviewed" in line]
    assert len(said) == 1 and said[0].startswith("interventions/alpha.yaml:72:16: error: last_reviewed: '7-12-2026' is not a valid date; write YYYY-MM-DD")


@pytest.mark.parametrize("summary", ["todo, aanvullen", "Tbd", '"TO\\x44O"', '"\\u007b\\u007b naam }}"'])
def test_a_placeholder_is_found_in_any_case_and_behind_an_escape(empty_catalogue: Path, summary: str) -> None:
    """The placeholder check ignores case, and so does the quick look at the file's text that skips
    files without one; an escape in a quoted string can spell a placeholder the text does not show."""
    add(empty_catalogue, "een.yaml", minimal("een").replace("summary: Een korte samenvatting.", f"summary: {summary}"))
    assert ("interventions/een.yaml", "placeholder", 4, 10) in problems_of(empty_catalogue)
