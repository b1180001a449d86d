"""Docs that are tested, and the tool as users run it: the installed console script, typer's
CliRunner, and a wheel that carries the catalogue for use outside any checkout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jwtool.cli import COMMANDS as REGISTERED
from jwtool.cli import app

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(REGISTERED)
SCRIPT = Path(sys.executable).parent / "jwtool"


def test_every_command_is_documented_in_the_readme() -> None:
    assert COMMANDS, "no commands registered"
    for name in COMMANDS:
        assert f"jwtool {name}" in README, name


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Voorbeeld:" in result.output or name == "render"
    assert "--catalogue" in result.output


def test_readme_quick_start_is_two_make_targets() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make demo" in quick and "make test" in quick
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "\ndemo:" in makefile and "\ntest:" in makefile
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_dependency_is_pinned_in_the_constraints_file_and_every_install_uses_it() -> None:
    """CI, `make demo`/`make test` and the Pages build install the tested versions; pyproject.toml
    keeps lower bounds only (the weekly newest.yml workflow installs without the pins)."""
    import re
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0] for d in project["dependencies"] + project["optional-dependencies"]["test"]]
    pins = dict(line.split("==") for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#"))
    norm = {re.sub(r"[-_.]+", "-", name).lower() for name in pins}
    missing = [name for name in wanted if re.sub(r"[-_.]+", "-", name).lower() not in norm]
    assert not missing, f"add these to constraints.txt (make constraints): {missing}"
    assert "-c $(CONSTRAINTS)" in (REPO / "Makefile").read_text(encoding="utf-8")
    for workflow in ("ci.yml", "pages.yml"):
        assert "pip install -c constraints.txt" in (REPO / ".github" / "workflows" / workflow).read_text(encoding="utf-8"), workflow
    assert "schedule:" in (REPO / ".github" / "workflows" / "newest.yml").read_text(encoding="utf-8")


def test_typer_cli_runner_validates_the_catalogue() -> None:
    result = CliRunner().invoke(app, ["validate", "--catalogue", str(REPO)])
    assert result.exit_code == 0


@pytest.mark.slow
@pytest.mark.skipif(not SCRIPT.exists(), reason="jwtool is not installed in this environment")
def test_the_installed_console_script(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    version = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True, env=env, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("jwtool ")
    # run from inside the catalogue: found by walking up from the working directory
    ok = subprocess.run([str(SCRIPT), "validate"], capture_output=True, text=True, env=env, cwd=REPO / "interventions", timeout=120)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([str(SCRIPT), "validate", "--no-such-option"], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2
    missing = subprocess.run([str(SCRIPT), "validate", str(tmp_path / "nope.yaml"), "--catalogue", str(REPO)], capture_output=True, text=True, env=env, timeout=60)
    assert missing.returncode == 2 and "bestand of map bestaat niet" in missing.stderr
    via_module = subprocess.run([sys.executable, "-m", "jwtool", "list", "--format", "json", "--catalogue", str(REPO)], capture_output=True, text=True, env=env, timeout=60)
    assert via_module.returncode == 0 and '"id": "learn2work"' in via_module.stdout


def test_the_catalogue_is_found_from_env_and_option(tmp_path: Path, mini_catalogue: Path, run_cli) -> None:
    by_env = run_cli("list", "--format", "csv", cwd=tmp_path, env={"JWTOOL_CATALOGUE": str(mini_catalogue)})
    assert by_env.exit_code == 0 and by_env.stdout.count("\n") == 6  # header + 5 entries
    not_a_catalogue = run_cli("list", "--catalogue", tmp_path)
    assert not_a_catalogue.exit_code == 2 and "is geen catalogus" in not_a_catalogue.stderr


def test_a_catalogue_path_that_does_not_exist_is_said_not_to_exist(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """Not "is no catalogue: it has no interventions/ folder", which sends one looking for a folder that is not there."""
    missing = tmp_path / "nergens"
    r = run_cli("list", "--catalogue", missing, env={"JWTOOL_LANG": "nl"})
    assert (r.exit_code, r.stderr) == (2, f"jwtool: fout: {missing} bestaat niet; geef de map van een catalogus (een map met interventions/)\n")
    r = run_cli("list", env={"JWTOOL_LANG": "en", "JWTOOL_CATALOGUE": str(missing)})
    assert (r.exit_code, r.stderr) == (2, f"jwtool: error: $JWTOOL_CATALOGUE={missing} does not exist; give the folder of a catalogue (a folder with interventions/)\n")


def test_outside_any_checkout_the_bundled_catalogue_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jwtool.catalogue.layout as catalogue

    bundled = tmp_path / "site-packages" / "jwtool" / "_catalogue"
    (bundled / "interventions").mkdir(parents=True)
    monkeypatch.setattr(catalogue, "BUNDLED", bundled)
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    assert catalogue.find_root(cwd=elsewhere) == bundled


@pytest.mark.slow
def test_the_wheel_bundles_the_catalogue(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(REPO)],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 and "hatchling" in proc.stderr:
        pytest.skip("hatchling is not installed for a build without isolation")
    assert proc.returncode == 0, proc.stderr
    wheel = next(tmp_path.glob("jwtool-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    entries = {p.name for p in (REPO / "interventions").glob("*.yaml")}
    assert {f"jwtool/_catalogue/interventions/{n}" for n in entries} <= names
    assert "jwtool/_catalogue/schemas/intervention.schema.json" in names
    assert "jwtool/_catalogue/schemas/vocabularies/working-elements.yaml" in names
    assert "jwtool/_catalogue/catalogue.yaml" in names
    assert any(n.startswith("jwtool/_catalogue/templates/") for n in names)


def test_the_readme_python_example_runs(repo_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = (repo_root / "README.md").read_text(encoding="utf-8")
    code = text.split("## Using jwtool from Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(repo_root)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    printed = capsys.readouterr().out.splitlines()
    assert "Boris brengt je bij ‘n baan" in printed[0] and printed[1].startswith("[")


def _transcripts(text: str) -> list[tuple[str, str]]:
    """Each ``$ jwtool …`` line of the README's ```text blocks with the lines shown below it."""
    out: list[tuple[str, str]] = []
    for block in re.findall(r"```text\n(.*?)```", text, flags=re.S):
        for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, shown = part.partition("\n")
            out.append((command, shown))
    return out


# the validate example shows a broken entry that the bundled catalogue does not hold
ILLUSTRATIONS = {"jwtool validate", "jwtool validate --lang en"}


@pytest.mark.parametrize(("command", "shown"), [t for t in _transcripts(README) if t[0] not in ILLUSTRATIONS])
@pytest.mark.slow
def test_the_readme_s_example_output_is_what_jwtool_prints(command: str, shown: str) -> None:
    """The transcripts in the README are run as written on the bundled catalogue, piped."""
    env = {**os.environ, "NO_COLOR": "1", "JWTOOL_NO_CACHE": "1"}
    env.pop("JWTOOL_LANG", None)
    line = command.replace("jwtool ", f"{sys.executable} -m jwtool ", 1)
    result = subprocess.run(["sh", "-c", line + " 2>&1"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout == shown
