"""Catalogue files that standard tools accept as they are: every entry, source and catalogue.yaml
read by PyYAML's safe_load (a YAML 1.1 reader, what most scripts use) meets its schema under
jsonschema, and check-jsonschema accepts every file. Dates are therefore written in quotes, by
hand, by `jwtool new` and by `jwtool upgrade`, and `jwtool validate` says where one is not."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

SCHEMAS = [("interventions/*.yaml", "intervention.schema.json"), ("sources/*.yaml", "source.schema.json"), ("catalogue.yaml", "catalogue.schema.json")]


@pytest.mark.parametrize(("files", "schema"), SCHEMAS)
@pytest.mark.slow
def test_every_file_loaded_with_safe_load_meets_its_schema_under_jsonschema(repo_root: Path, files: str, schema: str) -> None:
    import jsonschema

    spec = json.loads((repo_root / "schemas" / schema).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(spec)
    validator = cls(spec, format_checker=cls.FORMAT_CHECKER)
    paths = sorted(repo_root.glob(files))
    assert paths
    for path in paths:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]
        assert errors == [], path.name


@pytest.mark.slow
@pytest.mark.parametrize(("files", "schema"), SCHEMAS)
def test_check_jsonschema_accepts_every_file(repo_root: Path, files: str, schema: str) -> None:
    paths = [str(p) for p in sorted(repo_root.glob(files))]
    run = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(repo_root / "schemas" / schema), *paths],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "validation done" in run.stdout


def test_validate_warns_about_a_date_without_quotes_with_its_position_and_fix(run_cli, catalogue_copy: Path, english) -> None:  # type: ignore[no-untyped-def]
    path = catalogue_copy / "interventions" / "zowhat.yaml"
    text = path.read_text(encoding="utf-8")
    date = yaml.safe_load(text)["last_reviewed"]
    assert f'last_reviewed: "{date}"' in text
    path.write_text(text.replace(f'last_reviewed: "{date}"', f"last_reviewed: {date}"), encoding="utf-8")
    line = next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ln.startswith("last_reviewed:"))
    r = run_cli("validate", "--catalogue", catalogue_copy)
    assert r.exit_code == 0  # a warning: jwtool itself reads the date as text
    warning = next(ln for ln in r.stdout.splitlines() + r.stderr.splitlines() if "[unquoted-date]" in ln)
    assert warning.startswith(f"interventions/zowhat.yaml:{line}:16: warning:")
    assert f'write it as "{date}"' in warning
    as_json = json.loads(run_cli("validate", "--format", "json", "--catalogue", catalogue_copy).stdout)
    assert any(p["rule"] == "unquoted-date" and p["line"] == line and p["severity"] == "warning" for p in as_json)


def test_a_sources_date_written_as_a_date_is_one_error_that_gives_the_csl_form(run_cli, catalogue_copy: Path, english) -> None:  # type: ignore[no-untyped-def]
    path = catalogue_copy / "sources" / "aa-et-al-2016.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^issued:.*$", "issued: 2016-03-01", text), encoding="utf-8")
    r = run_cli("validate", "--catalogue", catalogue_copy)
    said = [ln for ln in r.stdout.splitlines() if ln.startswith("sources/aa-et-al-2016.yaml:")]
    assert r.exit_code == 1 and len(said) == 1, said  # not also "quote it", which the schema would refuse too
    assert "write issued: {date-parts: [[2016, 3, 1]]}" in said[0] and "[schema]" in said[0]


def test_upgrade_quotes_every_date_and_keeps_the_rest_of_the_file(run_cli, catalogue_copy: Path) -> None:  # type: ignore[no-untyped-def]
    path = catalogue_copy / "interventions" / "tops4jobs.yaml"
    quoted = path.read_text(encoding="utf-8")
    path.write_text(quoted.replace('"2026-11-29"', "2026-11-29").replace('"2026-11-28"', "2026-11-28"), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != quoted
    r = run_cli("upgrade", "--catalogue", catalogue_copy)
    assert r.exit_code == 0, r.stderr
    assert path.read_text(encoding="utf-8") == quoted  # the dates in quotes again, nothing else touched
    assert isinstance(yaml.safe_load(quoted)["last_reviewed"], str)


def test_new_writes_its_dates_in_quotes(run_cli, catalogue_copy: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("new", "Proef Datum", "--source", "kwetsbare-jongeren-2023", "--last-reviewed", "2026-11-01", "--no-input", "--catalogue", catalogue_copy)
    assert r.exit_code == 0, r.stderr
    text = (catalogue_copy / "interventions" / "proef-datum.yaml").read_text(encoding="utf-8")
    assert 'last_reviewed: "2026-11-01"' in text
    assert yaml.safe_load(text)["last_reviewed"] == "2026-11-01"
    assert "Voorbeeld: \"2026-11-28\"" in " ".join(ln.lstrip("# ") for ln in text.splitlines())  # the example as it must be typed
