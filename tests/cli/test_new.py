"""``jwtool new``: a new entry with every field, Dutch guidance and placeholders that fail
``jwtool validate`` until they are filled; filling them yields a valid entry."""

from __future__ import annotations

import io
import json
import os
import re
import resource
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from jwtool.catalogue.sources import CSL_TYPE
from jwtool.catalogue.yamlfile import build_position_index, read_yaml
from jwtool.contribute.newsource import SOURCE_KINDS
from jwtool.contribute.scaffold import MODELINE, Draft, render
from jwtool.labels import label
from jwtool.validate.rules import PLACEHOLDER

PLACEHOLDER_TEXT = re.compile(r"<vul in: [^>]+>")

# What a researcher would type for each placeholder (list indices written as []).
FILLED: dict[str, Any] = {
    "aliases[]": "Proefaanpak",
    "summary": "Jongeren krijgen na school een coach die hen naar werk begeleidt.",
    "providers.description": "Uitvoerders: gemeente Proefstad.",
    "providers.organisations[]": "gemeente Proefstad",
    "providers.commissioned_by[]": "SZW",
    "providers.developed_by[]": "Movisie",
    "region.scope": "lokaal",
    "region.names[]": "Proefstad",
    "phases[]": "overgang",
    "target_group.description": "Schoolverlaters uit het mbo zonder werk.",
    "target_group.summary": "Schoolverlaters mbo",
    "target_group.education_levels[]": "mbo",
    "target_group.age.min": 16,
    "target_group.age.max": 27,
    "target_group.characteristics[]": "schoolverlater",
    "goals.description": "Jongeren naar werk begeleiden.",
    "goals.summary": "Naar werk",
    "goals.tags[]": "werk",
    "components[].text": "Coaching",
    "components[].elements[]": "individuele-begeleiding",
    "activities": "Een coach zoekt samen met de jongere werk.",
    "course.description": "Gestart in 2019, afgerond in 2021.",
    "course.start_year": 2019,
    "course.end_year": 2021,
    "course.status": "afgerond",
    "course.scale.participants": 40,
    "course.scale.schools": 2,
    "course.scale.municipalities": 1,
    "course.scale.regions": 1,
    "course.scale.year": 2021,
    "course.scale.note": "40 jongeren op twee scholen",
    "results.description": "30 van de 40 jongeren vonden werk.",
    "results.figures[].measure": "jongeren aan het werk",
    "results.figures[].value": 30,
    "results.figures[].unit": "aantal",
    "results.figures[].n": 40,
    "results.figures[].year": 2021,
    "results.figures[].period": "2019 tot 2021",
    "results.figures[].quote": "30 van de 40 jongeren vonden werk.",
    "evidence.verdict": "Goed beschreven.",
    "evidence.level": "goed-beschreven",
    "evidence.control_group": False,
    "evidence.cost_benefit": False,
    "evidence.studies[].id": "proefaanpak-evaluatie-2021",
    "evidence.studies[].title": "Evaluatie Proefaanpak (2021)",
    "evidence.studies[].designs[]": "monitoring",
    "evidence.studies[].description": "De gemeente volgde de 40 jongeren twee jaar.",
    "evidence.studies[].participants": 40,
    "evidence.studies[].period": "2019-2021",
    "evidence.studies[].cites[].source": "kwetsbare-jongeren-2023",
    "evidence.studies[].cites[].sections[]": "bijlage 2",
    "evidence.studies[].cites[].page": "12",
    "evidence.studies[].cites[].quote": "30 van de 40 jongeren vonden werk.",
    "evidence.studies[].cites[].note": "Zie de evaluatie.",
    "evidence.studies[].findings[].outcome": "werk",
    "evidence.studies[].findings[].direction": "positief",
    "evidence.studies[].findings[].comparison": False,
    "evidence.studies[].findings[].figure.measure": "jongeren aan het werk",
    "evidence.studies[].findings[].figure.value": 75,
    "evidence.studies[].findings[].figure.unit": "procent",
    "evidence.studies[].findings[].figure.n": 40,
    "evidence.studies[].findings[].figure.year": 2021,
    "evidence.studies[].findings[].figure.period": "2019 tot 2021",
    "evidence.studies[].findings[].figure.quote": "30 van de 40 jongeren vonden werk.",
    "evidence.studies[].findings[].quote": "30 van de 40 jongeren vonden werk.",
    "evidence.studies[].findings[].note": "75% is 30 van de 40.",
    "evidence.studies[].notes[]": "Uit de evaluatie.",
    "working_elements[].text": "Maatwerk",
    "working_elements[].elements[]": "maatwerk",
    "success_factors[].factor": "coordinatie",
    "success_factors[].title": "Coördinatie: Proefaanpak",
    "success_factors[].example": "De gemeente coördineert.",
    "success_factors[].section": "3.2",
    "cites[].source": "kwetsbare-jongeren-2023",
    "cites[].sections[]": "bijlage 2",
    "cites[].page": "12",
    "cites[].quote": "30 van de 40 jongeren vonden werk.",
    "cites[].note": "Zie de evaluatie.",
    "notes[]": "Testentry.",
    "last_reviewed": "2024-01-05",
}


def entry(path: Path) -> Any:
    """The file as jwtool reads it (dates stay text)."""
    return read_yaml(path, path.name).data


def generic(pointer: str) -> str:
    """``/working_elements/0/elements/0`` → ``working_elements[].elements[]``."""
    out = ""
    for part in pointer.split("/")[1:]:
        out += "[]" if part.isdigit() else (f".{part}" if out else part)
    return out


def placeholders(data: Any, pointer: str = "") -> list[str]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in placeholders(v, f"{pointer}/{k}")]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in placeholders(v, f"{pointer}/{i}")]
    return [pointer] if isinstance(data, str) and PLACEHOLDER.search(data) else []


def fill_in(path: Path) -> None:
    """Replace every placeholder in the file text, as a researcher would: comments stay."""
    text = path.read_text(encoding="utf-8")
    index = build_position_index(text)
    lines = text.split("\n")
    spots = sorted(((index[p][2], index[p][3], p) for p in placeholders(yaml.safe_load(text))), reverse=True)
    for line_no, col, pointer in spots:
        line = lines[line_no - 1]
        _, end = json.JSONDecoder().raw_decode(line, col - 1)
        lines[line_no - 1] = line[: col - 1] + json.dumps(FILLED[generic(pointer)], ensure_ascii=False) + line[end:]
    path.write_text("\n".join(lines), encoding="utf-8")


def schema_paths(schema: dict[str, Any], node: dict[str, Any], prefix: str = "") -> set[str]:
    node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node
    out: set[str] = set()
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return schema_paths(schema, node["items"], prefix + "[]") or {prefix}
    for key, sub in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        out.add(path)
        out |= schema_paths(schema, sub, path)
    return out


def data_paths(data: Any, prefix: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else key
            out.add(path)
            out |= data_paths(value, path)
    elif isinstance(data, list) and data and isinstance(data[0], dict):
        out |= data_paths(data[0], prefix + "[]")
    return out


# ----------------------------------------------------------------------------- the file


def test_new_writes_the_entry_file_and_prints_its_path(empty_catalogue: Path, run_cli) -> None:
    result = run_cli("new", "Proefaanpak Jongerencoach", "--no-input", "--catalogue", empty_catalogue)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "interventions/proefaanpak-jongerencoach.yaml\n"
    text = (empty_catalogue / "interventions" / "proefaanpak-jongerencoach.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE
    data = yaml.safe_load(text)
    assert data["id"] == "proefaanpak-jongerencoach"
    assert data["name"] == "Proefaanpak Jongerencoach"
    assert data["kind"] == "interventie"


def test_the_hinted_validate_command_works_from_the_users_folder(empty_catalogue: Path, tmp_path: Path, run_cli) -> None:
    """The hint is a command to type where the user is: with --catalogue when jwtool would not
    find the catalogue there, and the entry's path relative to that folder."""
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    result = run_cli("new", "Proefaanpak Jongerencoach", "--no-input", "--catalogue", "../empty", cwd=elsewhere)
    assert result.exit_code == 0, result.stderr
    hinted = "jwtool --catalogue ../empty validate ../empty/interventions/proefaanpak-jongerencoach.yaml"
    assert hinted in result.stderr
    check = run_cli(*shlex.split(hinted)[1:], cwd=elsewhere)
    assert check.exit_code == 1 and "interventions/proefaanpak-jongerencoach.yaml" in check.stdout and "[placeholder]" in check.stdout
    inside = run_cli("new", "Tweede Aanpak", "--no-input", cwd=empty_catalogue / "interventions")
    assert inside.exit_code == 0, inside.stderr
    assert "jwtool validate tweede-aanpak.yaml" in inside.stderr


def test_the_new_file_holds_every_field_of_the_schema(empty_catalogue: Path, repo_root: Path, run_cli) -> None:
    run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue)
    data = entry(empty_catalogue / "interventions" / "proefaanpak.yaml")
    schema = json.loads((repo_root / "schemas" / "intervention.schema.json").read_text(encoding="utf-8"))
    # no row is offered unless asked for (a study cites by page or section), no reviewed marker in a new file
    left_out = {p for p in schema_paths(schema, schema) if p.startswith(("cites[].rows", "evidence.studies[].cites[].rows", "reviewed_warnings"))}
    assert {"cites[].rows", "evidence.studies[].cites[].rows", "reviewed_warnings"} <= left_out
    assert data_paths(data) == schema_paths(schema, schema) - left_out


def test_every_field_has_a_dutch_comment_above_it(empty_catalogue: Path, run_cli) -> None:
    run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue)
    lines = (empty_catalogue / "interventions" / "proefaanpak.yaml").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^\s*(- )?[a-z_]+:", line):
            assert lines[i - 1].lstrip().startswith("#"), f"no comment above line {i + 1}: {line}"
    text = "\n".join(lines)
    assert "Voorbeeld: boris-brengt-je-bij-een-baan" in text  # examples come from real entries
    assert "Letterlijke beschrijving van de doelgroep in de bron." in text


def test_the_comments_speak_of_the_source_not_of_one_report(empty_catalogue: Path, run_cli) -> None:
    """Without a claimed table row, no comment names a report's tables, columns or appendix."""
    run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue)
    text = (empty_catalogue / "interventions" / "proefaanpak.yaml").read_text(encoding="utf-8")
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    for word in ("kolom", "bijlage", "tabel 3", "B2.", "het rapport", "Regioplan", "2023"):
        assert word not in comments, word
    assert "de bron" in comments


def test_required_fields_are_marked_verplicht_as_in_the_schema(repo_root: Path) -> None:
    from jwtool.catalogue.layout import Layout
    from jwtool.catalogue.load import load_vocabularies
    from jwtool.contribute.scaffold import template

    schema = json.loads((repo_root / "schemas" / "intervention.schema.json").read_text(encoding="utf-8"))
    vocab, _, _ = load_vocabularies(Layout(repo_root))
    marked = {f.key for f in template(Draft(name="X"), vocab) if f.comment.startswith("(verplicht)")}
    assert marked == set(schema["required"])


def test_the_new_file_fails_validate_naming_each_field_to_fill(empty_catalogue: Path, run_cli, english) -> None:
    run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue)
    result = run_cli("validate", "--catalogue", empty_catalogue)
    assert result.exit_code == 1
    assert "interventions/proefaanpak.yaml:" in result.stdout
    for field in ("summary", "target_group.description", "evidence.level", "working_elements[0].text", "last_reviewed"):
        assert re.search(rf": error: {re.escape(field)}: still holds a placeholder \('<vul in: .*\[placeholder\]$", result.stdout, re.M), field


def test_new_then_filling_the_placeholders_gives_a_valid_entry(empty_catalogue: Path, run_cli) -> None:
    new_source = ["--source-url", "https://example.org/evaluatie.pdf", "--source-title", "Evaluatie Proefaanpak", "--source-kind", "evaluatie"]
    assert run_cli("new", "Proefaanpak", *new_source, "--no-input", "--catalogue", empty_catalogue).exit_code == 0
    path = empty_catalogue / "interventions" / "proefaanpak.yaml"
    fill_in(path)
    text = path.read_text(encoding="utf-8")
    assert "<vul in" not in text.split("\n", 5)[-1]  # the header comment still explains the markers
    assert text.startswith(MODELINE) and "# (verplicht)" in text  # the guidance stays
    result = run_cli("validate", "--catalogue", empty_catalogue)
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""


def test_a_praktijkvoorbeeld_starts_niet_onderzocht_and_claims_no_row(empty_catalogue: Path, run_cli) -> None:
    result = run_cli("new", "Proefpraktijk", "--kind", "praktijkvoorbeeld", "--source", "kwetsbare-jongeren-2023", "--no-input", "--catalogue", empty_catalogue)
    assert result.exit_code == 0, result.stderr
    data = entry(empty_catalogue / "interventions" / "proefpraktijk.yaml")
    assert data["kind"] == "praktijkvoorbeeld"
    assert data["cites"][0]["source"] == "kwetsbare-jongeren-2023" and "rows" not in data["cites"][0]
    assert data["evidence"]["level"] == "niet-onderzocht"


def test_flags_fill_the_key_fields(empty_catalogue: Path, run_cli) -> None:
    result = run_cli(
        "new", "Proefaanpak", "--id", "proef", "--summary", "Een coach voor elke jongere.",
        "--phase", "Tijdens school", "--phase", "overgang,nazorg", "--evidence-level", "eerste aanwijzingen",
        "--source", "kwetsbare-jongeren-2023", "--section", "3.1, bijlage 2",
        "--last-reviewed", "2024-02-03", "--no-input", "--catalogue", empty_catalogue,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "interventions/proef.yaml\n"  # an existing source: no new source file
    data = entry(empty_catalogue / "interventions" / "proef.yaml")
    assert data["id"] == "proef"
    assert data["summary"] == "Een coach voor elke jongere."
    assert data["phases"] == ["tijdens-school", "overgang", "nazorg"]
    assert data["evidence"]["level"] == "eerste-aanwijzingen"
    assert data["cites"][0]["source"] == "kwetsbare-jongeren-2023"
    assert data["cites"][0]["sections"] == ["3.1", "bijlage 2"]
    assert "rows" not in data["cites"][0]
    assert "sources" not in data and "provenance" not in data  # the old format is never written
    assert data["last_reviewed"] == "2024-02-03"


def test_without_a_source_the_citation_is_a_placeholder_not_the_2023_report(empty_catalogue: Path, run_cli) -> None:
    run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue)
    data = entry(empty_catalogue / "interventions" / "proefaanpak.yaml")
    assert PLACEHOLDER_TEXT.fullmatch(data["cites"][0]["source"])
    assert "rows" not in data["cites"][0]


def test_a_new_evaluation_becomes_a_source_file_and_the_entry_cites_it(empty_catalogue: Path, run_cli) -> None:
    result = run_cli("new", "Proefaanpak", "--source-url", "https://example.org/e.pdf", "--source-title", "Evaluatie Proefaanpak",
                     "--source-kind", "evaluatie", "--no-input", "--catalogue", empty_catalogue)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "interventions/proefaanpak.yaml\nsources/evaluatie-proefaanpak.yaml\n"
    record = yaml.safe_load((empty_catalogue / "sources" / "evaluatie-proefaanpak.yaml").read_text(encoding="utf-8"))
    assert record == {"id": "evaluatie-proefaanpak", "type": "report", "kind": "evaluatie", "title": "Evaluatie Proefaanpak", "URL": "https://example.org/e.pdf"}
    data = entry(empty_catalogue / "interventions" / "proefaanpak.yaml")
    assert data["cites"][0]["source"] == "evaluatie-proefaanpak" and "rows" not in data["cites"][0]
    [study] = data["evidence"]["studies"]  # a study skeleton to fill in, citing the new evaluation
    assert study["cites"][0]["source"] == "evaluatie-proefaanpak" and "rows" not in study["cites"][0]
    assert PLACEHOLDER_TEXT.fullmatch(study["id"]) and PLACEHOLDER_TEXT.fullmatch(study["findings"][0]["quote"])


@pytest.mark.parametrize("kind, csl_type", [("evaluatie", "report"), ("rapport", "report"), ("factsheet", "document"),
                                            ("beschrijving", "document"), ("databank", "dataset"), ("website", "webpage")])
def test_a_new_source_gets_the_csl_type_of_its_kind(kind: str, csl_type: str, empty_catalogue: Path, run_cli) -> None:
    """One table for new and upgrade. A beschrijving is a document: the bundled catalogue's
    beschrijvingen are all PDFs describing an intervention, each with type document."""
    result = run_cli("new", "Proefaanpak", "--source-url", "https://example.org/p.pdf", "--source-title", "Over Proefaanpak",
                     "--source-kind", kind, "--no-input", "--catalogue", empty_catalogue)
    assert result.exit_code == 0, result.stderr
    record = yaml.safe_load((empty_catalogue / "sources" / "over-proefaanpak.yaml").read_text(encoding="utf-8"))
    assert (record["kind"], record["type"]) == (kind, csl_type)


def test_the_source_kinds_are_one_list_that_the_schema_and_the_help_agree_with(repo_root: Path) -> None:
    """new offers the kinds of the CSL type table, in its order (help, prompt, issue form); they are
    the kinds source.schema.json allows, and --help names them in that order in both languages."""
    schema = json.loads((repo_root / "schemas" / "source.schema.json").read_text(encoding="utf-8"))
    assert SOURCE_KINDS == tuple(CSL_TYPE)
    assert sorted(SOURCE_KINDS) == sorted(schema["properties"]["kind"]["enum"])
    for lang in ("nl", "en"):
        assert re.findall(rf"\b({'|'.join(SOURCE_KINDS)})\b", label("opt.new.source_kind", lang)) == list(SOURCE_KINDS)


def test_the_new_entry_and_its_new_source_validate_once_filled_in(empty_catalogue: Path, run_cli) -> None:
    run_cli("new", "Proefaanpak", "--source-url", "https://example.org/e.pdf", "--no-input", "--catalogue", empty_catalogue)
    path = empty_catalogue / "interventions" / "proefaanpak.yaml"
    fill_in(path)
    path.write_text(path.read_text(encoding="utf-8").replace('"kwetsbare-jongeren-2023"', '"example-org-e"'), encoding="utf-8")
    source = empty_catalogue / "sources" / "example-org-e.yaml"
    before = run_cli("validate", "--catalogue", empty_catalogue)
    assert before.exit_code == 1
    assert "sources/example-org-e.yaml:" in before.stdout and "[placeholder]" in before.stdout and "[schema]" not in before.stdout
    text = source.read_text(encoding="utf-8")
    for field, value in (("type", "report"), ("kind", "evaluatie"), ("title", "Evaluatie")):
        text = re.sub(rf"^{field}: .*$", f'{field}: "{value}"', text, flags=re.M)
    source.write_text(text, encoding="utf-8")
    after = run_cli("validate", "--catalogue", empty_catalogue)
    assert after.exit_code == 0, after.stdout


def test_a_known_url_reuses_the_existing_source(catalogue_copy: Path, run_cli) -> None:
    before = sorted(p.name for p in (catalogue_copy / "sources").iterdir())
    boris = yaml.safe_load((catalogue_copy / "sources" / "evaluatie-project-boris-brengt-je-bij-een-baan.yaml").read_text(encoding="utf-8"))
    result = run_cli("new", "Proefaanpak", "--source-url", boris["URL"], "--no-input", "--catalogue", catalogue_copy)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (catalogue_copy / "sources").iterdir()) == before
    assert entry(catalogue_copy / "interventions" / "proefaanpak.yaml")["cites"][0]["source"] == boris["id"]


def test_a_known_url_says_which_source_it_reuses_and_warns_about_a_title_it_drops(catalogue_copy: Path, run_cli, english) -> None:
    """A different title for a known URL was dropped silently: now new names the source the entry
    cites and warns with both titles and how to make a new source instead."""
    boris = yaml.safe_load((catalogue_copy / "sources" / "evaluatie-project-boris-brengt-je-bij-een-baan.yaml").read_text(encoding="utf-8"))
    result = run_cli("new", "Nieuwe X", "--source-url", boris["URL"], "--source-title", "Andere titel", "--source-kind", boris["kind"],
                     "--no-input", "--catalogue", catalogue_copy)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "interventions/nieuwe-x.yaml\n"
    text = " ".join(result.stderr.split())
    assert f"the source already exists, the entry cites it: {boris['id']} ('{boris['title']}', sources/{boris['id']}.yaml); no new source was made" in text
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("jwtool: warning:")]
    assert f"you gave 'Andere titel' as the source's title, but the existing source {boris['id']} has '{boris['title']}'" in warning
    assert "make a new file in sources/" in warning  # how to make a new source instead
    assert entry(catalogue_copy / "interventions" / "nieuwe-x.yaml")["cites"][0]["source"] == boris["id"]
    same = run_cli("new", "Nieuwe Y", "--source-url", boris["URL"], "--source-title", boris["title"].upper(), "--no-input", "--catalogue", catalogue_copy)
    assert "warning" not in same.stderr and f"the entry cites it: {boris['id']}" in same.stderr  # the same title: named, no warning


def test_the_reused_source_is_named_in_dutch_too(catalogue_copy: Path, run_cli) -> None:
    boris = yaml.safe_load((catalogue_copy / "sources" / "evaluatie-project-boris-brengt-je-bij-een-baan.yaml").read_text(encoding="utf-8"))
    result = run_cli("new", "Nieuwe X", "--source-url", boris["URL"], "--source-title", "Andere titel", "--no-input", "--catalogue", catalogue_copy)
    text = " ".join(result.stderr.split())
    assert f"de bron bestaat al, de vermelding citeert die: {boris['id']}" in text
    assert f"jwtool: waarschuwing: u gaf als titel van de bron 'Andere titel', maar de bestaande bron {boris['id']} heeft '{boris['title']}'" in text


@pytest.mark.slow
def test_new_names_every_file_it_wrote_and_committing_them_gives_a_clone_that_validates_alike(empty_catalogue: Path, run_cli, english) -> None:
    """CONTRIBUTING step 7 committed only the entry: its new source stayed untracked, validate and
    the pre-commit hook (the working tree) said ok and the pull request's clone failed. new now says
    to commit every file it wrote; doing what it says, the clone validates as the folder does."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=empty_catalogue, check=True, env=env)
    subprocess.run([*git, "add", "-A"], cwd=empty_catalogue, check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", "basis"], cwd=empty_catalogue, check=True, env=env)
    result = run_cli("new", "Proefaanpak", "--source-url", "https://example.org/e.pdf", "--source-title", "Evaluatie Proefaanpak",
                     "--no-input", cwd=empty_catalogue)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "interventions/proefaanpak.yaml\nsources/evaluatie-proefaanpak.yaml\n"
    text = " ".join(result.stderr.split())
    assert "created interventions/proefaanpak.yaml and sources/evaluatie-proefaanpak.yaml with " in text
    said = re.search(r"commit all 2 new files together \(.*\): (git add .*)$", text)
    assert said and shlex.split(said.group(1)) == ["git", "add", "interventions/proefaanpak.yaml", "sources/evaluatie-proefaanpak.yaml"], text
    subprocess.run([*git, *shlex.split(said.group(1))[1:]], cwd=empty_catalogue, check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", "Proefaanpak"], cwd=empty_catalogue, check=True, env=env)
    clone = empty_catalogue.parent / "clone"
    subprocess.run(["git", "clone", "-q", str(empty_catalogue), str(clone)], check=True, env=env)
    here = run_cli("validate", "--format", "json", "--catalogue", empty_catalogue).stdout
    there = run_cli("validate", "--format", "json", "--catalogue", clone).stdout
    assert json.loads(there) == json.loads(here)  # nothing validate saw is missing from the commit
    one = run_cli("new", "Tweede", "--source", "kwetsbare-jongeren-2023", "--no-input", cwd=empty_catalogue)
    assert " ".join(one.stderr.split()).endswith("commit the new file: git add interventions/tweede.yaml")


def test_a_row_is_claimed_only_when_asked_and_only_if_it_exists_and_is_free(catalogue_copy: Path, run_cli, english) -> None:
    base = ["--source", "kwetsbare-jongeren-2023", "--no-input", "--catalogue", catalogue_copy]
    taken = run_cli("new", "Proefaanpak", "--table", "B2.2", "--order", "3", *base)
    assert taken.exit_code == 2 and "row 3 of table B2.2 is already held by interventions/" in taken.stderr
    beyond = run_cli("new", "Proefaanpak", "--table", "B2.2", "--order", "19", *base)
    assert beyond.exit_code == 2 and "table B2.2 of 'kwetsbare-jongeren-2023' has 11 rows, so there is no row 19" in beyond.stderr
    assert list((catalogue_copy / "interventions").glob("proefaanpak*")) == []
    record = catalogue_copy / "sources" / "kwetsbare-jongeren-2023.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("rows: 11", "rows: 12"), encoding="utf-8")
    free = run_cli("new", "Proefaanpak", "--table", "B2.2", "--order", "12", *base)
    assert free.exit_code == 0, free.stderr
    assert entry(catalogue_copy / "interventions" / "proefaanpak.yaml")["cites"][0]["rows"] == [{"table": "B2.2", "row": 12}]
    # a row of a declared table: the comments name the table's columns beside the fields they fill
    lines = (catalogue_copy / "interventions" / "proefaanpak.yaml").read_text(encoding="utf-8").splitlines()
    assert "In tabel B2.2 van de bron: kolom 'Doelgroep'." in comment_above(lines, "target_group", "description")
    assert "In tabel B2.2 van de bron: kolom 'Effecten / bewijskracht'." in comment_above(lines, "evidence", "verdict")
    assert "In tabel B2.2 van de bron: de tekst onder de naam in kolom 'Interventie'." in comment_above(lines, "providers", "description")
    assert "kolom" not in comment_above(lines, "summary")  # no column of B2.2 holds the summary


def comment_above(lines: list[str], *keys: str) -> str:
    """The comment lines directly above the field at ``keys`` (a top-level key, then a key inside it), joined."""
    i = -1
    for depth, k in enumerate(keys):
        i = next(n for n in range(i + 1, len(lines)) if lines[n].startswith(" " * 2 * depth + k + ":"))
    above = []
    while lines[i - 1].lstrip().startswith("#"):
        i -= 1
        above.insert(0, lines[i].strip().removeprefix("# "))
    return " ".join(above)


@pytest.mark.slow
def test_a_praktijkvoorbeeld_may_be_a_row_too_kind_says_what_it_is_not_where_it_comes_from(catalogue_copy: Path, run_cli) -> None:
    record = catalogue_copy / "sources" / "kwetsbare-jongeren-2023.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("rows: 11", "rows: 12"), encoding="utf-8")
    result = run_cli("new", "Proefpraktijk", "--kind", "praktijkvoorbeeld", "--source", "kwetsbare-jongeren-2023", "--table", "B2.2",
                     "--order", "12", "--no-input", "--catalogue", catalogue_copy)
    assert result.exit_code == 0, result.stderr
    data = entry(catalogue_copy / "interventions" / "proefpraktijk.yaml")
    assert data["kind"] == "praktijkvoorbeeld" and data["cites"][0]["rows"] == [{"table": "B2.2", "row": 12}]


def test_column_hints_follow_the_declared_table() -> None:
    from jwtool.contribute.scaffold import column_hints

    full = column_hints("4.1", ("interventie", "target_group", "evidence"), summary=False)
    assert full == {"name": "In tabel 4.1 van de bron: kolom 'Interventie'.",
                    "providers.description": "In tabel 4.1 van de bron: de tekst onder de naam in kolom 'Interventie'.",
                    "target_group.description": "In tabel 4.1 van de bron: kolom 'Doelgroep'.",
                    "evidence.verdict": "In tabel 4.1 van de bron: kolom 'Effecten / bewijskracht'."}
    short = column_hints("2", ("interventie", "target_group", "components"), summary=True)
    assert short["target_group.summary"] == "In tabel 2 van de bron: kolom 'Doelgroep'." and "target_group.description" not in short
    assert short["components"] == "In tabel 2 van de bron: kolom 'Onderdelen'."


def test_text_with_quotes_and_colons_stays_valid_yaml() -> None:
    from jwtool.catalogue.vocabularies import Vocabulary

    vocab = {n: Vocabulary(n) for n in ("phases", "evidence-levels")}
    text = render(Draft(name='Boris: "brengt" je # bij \'n baan', summary="a: b\n- c"), vocab)
    data = yaml.safe_load(text)
    assert data["name"] == 'Boris: "brengt" je # bij \'n baan'
    assert data["summary"] == "a: b\n- c"


# ----------------------------------------------------------------------------- refusals


def test_new_refuses_to_overwrite_an_existing_file(catalogue_copy: Path, run_cli) -> None:
    path = catalogue_copy / "interventions" / "bridge.yaml"
    before = path.read_bytes()
    result = run_cli("new", "Iets anders", "--id", "bridge", "--no-input", "--catalogue", catalogue_copy)
    assert result.exit_code == 1
    assert "interventions/bridge.yaml bestaat al" in result.stderr
    assert path.read_bytes() == before


def test_new_refuses_a_name_that_an_entry_already_uses(catalogue_copy: Path, run_cli) -> None:
    result = run_cli("new", "Boris brengt je bij een baan", "--id", "boris-2", "--no-input", "--catalogue", catalogue_copy)
    assert result.exit_code == 1
    assert "wordt al gebruikt door interventions/boris-brengt-je-bij-een-baan.yaml" in result.stderr
    assert not (catalogue_copy / "interventions" / "boris-2.yaml").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["!!!"], "cannot make an id from this name; pass one with --id"),
    (["X", "--id", "Niet Goed"], "'Niet Goed' is not a valid id"),
    (["X", "--kind", "project"], "unknown --kind value 'project'; choose one of: interventie, praktijkvoorbeeld"),
    (["X", "--phase", "later"], "unknown --phase value 'later'; choose one of: tijdens-school, overgang, nazorg"),
    (["X", "--evidence-level", "super"], "unknown --evidence-level value 'super'"),
    (["X", "--phase", "nazrg"], "unknown --phase value 'nazrg' (did you mean 'nazorg'?)"),  # as search's filters suggest
    (["X", "--evidence-level", "sterk"], "unknown --evidence-level value 'sterk' (did you mean 'sterke-aanwijzingen'?)"),
    (["X", "--source-url", "javascript:alert(1)"], "is not an http(s) URL"),
    (["X", "--source-kind", "boek"], "unknown --source-kind value 'boek'"),
    (["X", "--source", "ander-rapport"], "unknown --source 'ander-rapport'; give an id from sources/ (kwetsbare-jongeren-2023)"),
    (["X", "--report", "ander-rapport"], "unknown --report 'ander-rapport'"),
    (["X", "--source", "kwetsbare-jongeren-2023", "--source-title", "Y"], "not both"),
    (["X", "--source", "kwetsbare-jongeren-2023", "--table", "B3", "--order", "1"], "has no table 'B3' (it declares no tables)"),
    (["X", "--source", "kwetsbare-jongeren-2023", "--table", "B3"], "needs both --table and --order"),
    (["X", "--table", "B2.1", "--order", "1"], "name the source with --source"),
    (["X", "--last-reviewed", "28-11-2026"], "is not a valid date; write YYYY-MM-DD"),
    (["X", "--last-reviewed", "2999-01-01"], "lies in the future"),
    (["   "], "the name is empty"),
])
def test_bad_values_are_usage_errors_and_write_nothing(args: list[str], message: str, empty_catalogue: Path, run_cli, english) -> None:
    result = run_cli("new", *args, "--no-input", "--catalogue", empty_catalogue)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert list((empty_catalogue / "interventions").iterdir()) == []
    assert sorted(p.name for p in (empty_catalogue / "sources").iterdir()) == ["kwetsbare-jongeren-2023.yaml"]


def test_order_must_be_a_positive_row_number(empty_catalogue: Path, run_cli) -> None:
    result = run_cli("new", "X", "--order", "0", "--no-input", "--catalogue", empty_catalogue)
    assert result.exit_code == 2
    assert "--order" in result.stderr


def test_help_has_an_example(run_cli) -> None:
    result = run_cli("new", "--help")
    assert result.exit_code == 0
    assert "Voorbeeld: jwtool new" in result.stdout


# ----------------------------------------------------------------------------- prompts


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_missing_key_fields_are_asked_for(empty_catalogue: Path, run_cli, monkeypatch: pytest.MonkeyPatch, english) -> None:
    answers = [
        "Een coach voor elke jongere.",  # summary
        "later",  # phases: unknown, asked again
        "overgang, nazorg",
        "eerste aanwijzingen",  # evidence level
        "ftp://x",  # source: not http(s), asked again
        "https://example.org/p.pdf",  # source: a new one, by its URL
        "Evaluatie Proef",  # its title
        "evaluatie",  # its kind
        "bijlage 2",  # sections
        "",  # last reviewed: accept today's date
    ]
    monkeypatch.setattr(sys, "stdin", _Terminal("\n".join(answers) + "\n"))
    result = run_cli("new", "Proefaanpak", "--catalogue", empty_catalogue)
    assert result.exit_code == 0, result.stderr
    assert "unknown phase value 'later'" in result.stderr
    assert "'ftp://x' is not an http(s) URL" in result.stderr
    assert "table" not in result.stderr.lower()  # no row of a report is offered
    data = entry(empty_catalogue / "interventions" / "proefaanpak.yaml")
    assert data["summary"] == "Een coach voor elke jongere."
    assert data["phases"] == ["overgang", "nazorg"]
    assert data["evidence"]["level"] == "eerste-aanwijzingen"
    assert data["cites"][0] == {**data["cites"][0], "source": "example-org-p", "sections": ["bijlage 2"]}
    assert "rows" not in data["cites"][0]
    record = yaml.safe_load((empty_catalogue / "sources" / "example-org-p.yaml").read_text(encoding="utf-8"))
    assert record == {"id": "example-org-p", "type": "report", "kind": "evaluatie", "title": "Evaluatie Proef", "URL": "https://example.org/p.pdf"}
    import datetime

    assert data["last_reviewed"] == datetime.date.today().isoformat()


@pytest.mark.slow
def test_on_a_terminal_an_existing_source_id_is_cited_as_it_is(empty_catalogue: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("\n".join(["", "", "", "kwetsbare-jongeren-2023", "", ""]) + "\n"))
    result = run_cli("new", "Proefaanpak", "--catalogue", empty_catalogue)
    assert result.exit_code == 0, result.stderr
    assert entry(empty_catalogue / "interventions" / "proefaanpak.yaml")["cites"][0]["source"] == "kwetsbare-jongeren-2023"
    assert sorted(p.name for p in (empty_catalogue / "sources").iterdir()) == ["kwetsbare-jongeren-2023.yaml"]


def test_an_empty_answer_keeps_the_placeholder(empty_catalogue: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Terminal("\n" * 20))
    result = run_cli("new", "Proefaanpak", "--summary", "Gegeven.", "--catalogue", empty_catalogue)
    assert result.exit_code == 0, result.stderr
    data = entry(empty_catalogue / "interventions" / "proefaanpak.yaml")
    assert data["summary"] == "Gegeven."  # given by flag, not asked
    assert PLACEHOLDER_TEXT.fullmatch(data["phases"][0])
    assert PLACEHOLDER_TEXT.fullmatch(data["evidence"]["level"])


def test_no_input_never_prompts_even_on_a_terminal(empty_catalogue: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = _Terminal("should not be read\n")
    monkeypatch.setattr(sys, "stdin", stdin)
    result = run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue)
    assert result.exit_code == 0
    assert stdin.tell() == 0
    assert PLACEHOLDER_TEXT.fullmatch(entry(empty_catalogue / "interventions" / "proefaanpak.yaml")["summary"])


def test_new_never_writes_into_the_catalogue_bundled_with_the_package(empty_catalogue: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import jwtool.catalogue.layout

    monkeypatch.setattr(jwtool.catalogue.layout, "BUNDLED", empty_catalogue)
    result = run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue)
    assert result.exit_code == 2
    assert "hier is geen catalogus om aan toe te voegen" in result.stderr
    assert list((empty_catalogue / "interventions").iterdir()) == []


def _nested(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        node = {"type": "object", "properties": {"a": node}}
    return node


def _ref_chain(length: int) -> dict[str, Any]:
    """name a $ref to d0, d0 a $ref to d1, ..., d<length> a text."""
    defs: dict[str, Any] = {f"d{i}": {"$ref": f"#/$defs/d{i + 1}"} for i in range(length)}
    return {"properties": {"name": {"$ref": "#/$defs/d0"}}, "$defs": {**defs, f"d{length}": {"type": "string"}}}


# name a $ref to a, a to b, b to a: no value is ever checked there (jsonschema-rs took any)
_REF_LOOP = {"properties": {"name": {"$ref": "#/$defs/a"}}, "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}}


@pytest.mark.parametrize("text", ["null\n", "[]\n", '\n  [1, ""]\n', '{"type": \n', None, '{"properties": null}\n', '{"properties": {"id": null}}\n',
                                  '{"required": 5, "properties": {}}\n', '{"properties": {"name": {"$ref": "#/$defs/nope"}}}\n',
                                  json.dumps(_ref_chain(1200)), json.dumps(_nested(390)), json.dumps(_REF_LOOP)],
                         ids=["null", "list", "list-after-blank-lines", "not-json", "missing", "properties-null", "property-null", "required-number",
                              "dangling-ref", "ref-chain", "deep", "ref-loop"])
def test_an_entry_schema_that_cannot_be_used_stops_new_with_the_problem_validate_reports(
        text: str | None, empty_catalogue: Path, run_cli, monkeypatch: pytest.MonkeyPatch, english) -> None:
    """The schema arrives by pull request: one that is missing, not JSON, not a JSON object, no
    valid JSON Schema, with a $ref to nothing or deeper than 64 levels (a chain of 1,200 $refs
    overflowed Python's stack: RecursionError) or in a loop that checks nothing stops ``new`` with validate's line for it (on stderr; stdout holds only
    written paths) and exit 1, before any question, with no traceback and no file written."""
    schema = empty_catalogue / "schemas" / "intervention.schema.json"
    schema.unlink() if text is None else schema.write_text(text, encoding="utf-8")
    reported = [line for line in run_cli("validate", "--catalogue", empty_catalogue).stdout.splitlines() if line.startswith("schemas/")]
    assert len(reported) == 1 and "[schema-file]" in reported[0]
    stdin = _Terminal("Een coach voor elke jongere.\n" * 10)
    monkeypatch.setattr(sys, "stdin", stdin)
    result = run_cli("new", "Proefaanpak", "--source-title", "Evaluatie Proef", "--source-kind", "evaluatie", "--catalogue", empty_catalogue)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == reported and result.stdout == ""
    assert stdin.tell() == 0
    assert list((empty_catalogue / "interventions").iterdir()) == []
    assert sorted(p.name for p in (empty_catalogue / "sources").iterdir()) == ["kwetsbare-jongeren-2023.yaml"]


@pytest.mark.parametrize("text", ["{}\n", '{"properties": {}}\n', '{"$ref": "#/$defs/entry", "$defs": {"entry": {"type": "object"}}}\n'],
                         ids=["empty", "no-properties", "ref-to-no-properties"])
def test_an_entry_schema_without_fields_stops_new_with_a_schema_file_problem(text: str, empty_catalogue: Path, run_cli, english) -> None:
    """Valid JSON Schema that validate accepts, but with no fields to fill in (new took
    ``schema["properties"]``: KeyError): a problem line in validate's form, exit 1, nothing written."""
    (empty_catalogue / "schemas" / "intervention.schema.json").write_text(text, encoding="utf-8")
    result = run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        'schemas/intervention.schema.json:1:1: error: the schema names no fields under "properties", so jwtool new has nothing to fill in; '
        "list the fields of an entry there, or restore the file from the jwtool release [schema-file]"]
    assert result.stdout == "" and list((empty_catalogue / "interventions").iterdir()) == []


def _multiplying(width: int, levels: int) -> dict[str, Any]:
    """x is d0; d0 has ``width`` fields that are all d1, d1 as many that are all d2, ...: ``width``
    to the power ``levels`` fields, though no $ref repeats on a way down and validate accepts it."""
    defs = {f"d{i}": {"type": "object", "properties": {k: {"$ref": f"#/$defs/d{i + 1}"} for k in "abcdefgh"[:width]}} for i in range(levels)}
    return {"properties": {"id": {"type": "string"}, "x": {"$ref": "#/$defs/d0"}}, "$defs": {**defs, f"d{levels}": {"type": "string"}}}


TOO_MANY_FIELDS = ("schemas/intervention.schema.json:1:1: error: the schema makes more than 2000 fields for a new entry (jwtool's own makes about 100): "
                   "its definitions refer to one another several times over, so their fields multiply; refer to each definition from fewer places, "
                   "or restore the file from the jwtool release [schema-file]")


def test_an_entry_schema_whose_fields_multiply_stops_new_with_a_schema_file_problem(empty_catalogue: Path, run_cli, english) -> None:
    """3 fields a level, 7 levels: 3,279 fields, where the bundled schema makes about 100. new
    stops before any question, with exit 1 and nothing written; validate has nothing against it."""
    (empty_catalogue / "schemas" / "intervention.schema.json").write_text(json.dumps(_multiplying(3, 7)), encoding="utf-8")
    assert "[schema-file]" not in run_cli("validate", "--catalogue", empty_catalogue).stdout
    result = run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [TOO_MANY_FIELDS]
    assert result.stdout == "" and list((empty_catalogue / "interventions").iterdir()) == []


def _bounded() -> None:
    """At most 2 GiB of address space, so that a runaway stops with MemoryError."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.mark.slow
def test_new_stops_quickly_on_a_schema_of_millions_of_fields(empty_catalogue: Path) -> None:
    """8 fields a level, 8 levels: 16 million fields. new ran for a minute and then ran out of
    2 GiB (MemoryError); it now stops at the bound, in a subprocess bounded in time and memory."""
    (empty_catalogue / "schemas" / "intervention.schema.json").write_text(json.dumps(_multiplying(8, 8)), encoding="utf-8")
    with subprocess.Popen([sys.executable, "-m", "jwtool", "new", "Proefaanpak", "--no-input", "--catalogue", str(empty_catalogue)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "JWTOOL_LANG": "en"},
                          preexec_fn=_bounded) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail("new ran away on a schema whose fields multiply")
    assert (proc.returncode, stderr.splitlines(), stdout) == (1, [TOO_MANY_FIELDS], "")
    assert list((empty_catalogue / "interventions").iterdir()) == []


ODD_SCHEMAS = [  # (schema that validate accepts, the entry new writes from it)
    ({"properties": {"x": {"enum": []}}}, {"x": "<vul in: waarde>"}),  # IndexError
    ({"$defs": {"n": {"type": "object", "properties": {"kid": {"$ref": "#/$defs/n"}}}}, "properties": {"x": {"$ref": "#/$defs/n"}}},
     {"x": {"kid": "<vul in: waarde>"}}),  # RecursionError: the $ref inside itself is not expanded again
    ({"$ref": "#/$defs/entry", "$defs": {"entry": {"properties": {"id": {"type": "string"}, "b": True, "t": {"type": "array", "items": {"type": "object"}},
                                                                  "again": {"$ref": "#"}}}}},
     {"id": "proefaanpak", "b": "<vul in: waarde>", "t": ["<vul in: waarde>"], "again": "<vul in: waarde>"}),  # AttributeError, KeyError
    (_nested(30), None),  # past 20 levels a field gets a placeholder (a 390-level schema overflowed Python's stack; now validate refuses it)
]


@pytest.mark.parametrize("schema, expected", ODD_SCHEMAS, ids=["empty-enum", "recursive-defs", "root-ref-true-and-bare-items", "deep"])
def test_new_writes_an_entry_from_any_schema_validate_accepts(schema: dict[str, Any], expected: Any, empty_catalogue: Path, run_cli) -> None:
    path = empty_catalogue / "schemas" / "intervention.schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert "[schema-file]" not in run_cli("validate", "--catalogue", empty_catalogue).stdout
    result = run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue)
    assert result.exit_code == 0, result.stderr
    data = entry(empty_catalogue / "interventions" / "proefaanpak.yaml")
    if expected is None:
        expected = "<vul in: waarde>"
        for _ in range(21):
            expected = {"a": expected}
    assert data == expected
