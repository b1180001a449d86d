"""Text that reaches a terminal is safe to read there (issue 15): control characters are refused
by validation and shown as visible escapes by every command; no NaN reaches JSON; output works
in any encoding; the `show` card wraps at any width without losing a word."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import Result

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# hidden text, a terminal hyperlink to another site, a window title, a bell, a NUL, an 8-bit CSI
HOSTILE = "Zichtbaar \x1b[8mverborgen\x1b[0m \x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\ \x1b]0;titel\x07 bel\x07 nul\x00 csi\x9b2J einde"


def raw_controls(text: str) -> list[str]:
    """The control characters in ``text`` that a terminal would obey (CSV's "\\r\\n" line ends aside)."""
    return CONTROLS.findall(text.replace("\r\n", "\n"))


def entry(eid: str, text: str) -> dict[str, object]:
    return {
        "id": eid, "name": f"{text} {eid}", "aliases": [f"{eid} {text}"], "kind": "praktijkvoorbeeld", "summary": text,
        "providers": {"description": text, "organisations": [text]},
        "phases": ["overgang"],
        "target_group": {"description": text, "education_levels": ["vso"]},
        "goals": {"description": text, "tags": ["werk"]},
        "components": [text], "activities": text + "\n" + text,
        "results": {"description": text, "figures": [{"measure": text, "value": 3, "unit": "aantal"}]},
        "evidence": {"verdict": text, "level": "niet-onderzocht"},
        "working_elements": [{"text": text, "elements": ["maatwerk"]}],
        "sources": [{"title": text, "url": "https://example.org/x", "kind": "website"}],
        "provenance": {"report": "kwetsbare-jongeren-2023", "sections": ["5.2"]},
        "notes": [text], "last_reviewed": "2026-01-02",
    }


@pytest.fixture
def control_catalogue(empty_catalogue: Path) -> Path:
    """Two entries with escape sequences in every text field (the YAML holds them as "\\e"
    escapes) and an entry file whose name holds an escape sequence."""
    folder = empty_catalogue / "interventions"
    for eid in ("stuurtekens", "tweede"):
        (folder / f"{eid}.yaml").write_text(yaml.safe_dump(entry(eid, HOSTILE), allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert "\\e[8m" in (folder / "stuurtekens.yaml").read_text(encoding="utf-8")  # written as an escape, not raw
    (folder / "rood\x1b[31m.yaml").write_text("id: rood\n", encoding="utf-8")
    return empty_catalogue


# --- validation ---------------------------------------------------------------------------------


def test_validation_refuses_control_characters_at_their_position(control_catalogue: Path, run_cli: Callable[..., Result], english) -> None:
    result = run_cli("validate", "--catalogue", control_catalogue)
    assert result.exit_code == 1
    assert "interventions/stuurtekens.yaml:2:7: error: name: text holds the control character U+001B (ESC)" in result.stdout
    assert "remove it" in result.stdout and "[control-character]" in result.stdout
    assert "interventions/rood\\u001b[31m.yaml" in result.stdout  # the file name, shown not obeyed
    assert raw_controls(result.output) == []


@pytest.mark.parametrize("text", ["k: \"a\\x07\"\n", "k: \"\\0\"\n", "k: \"\\x9b\"\n", "k: \"\\u001b\"\n", "k: \"\\r\"\n", "\"\\e\": 1\n", "k: [\"\\x7f\"]\n"])
def test_every_spelling_of_a_control_character_is_a_problem(tmp_path: Path, text: str) -> None:
    from jwtool.catalogue.yamlfile import read_yaml

    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    assert [(p.rule, p.line) for p in read_yaml(tmp_path / "x.yaml", "x.yaml").problems] == [("control-character", 1)]


def test_tabs_and_line_breaks_are_plain_text(tmp_path: Path) -> None:
    from jwtool.catalogue.yamlfile import read_yaml

    (tmp_path / "x.yaml").write_text('k: "a\\tb\\nc"\nblok: |\n  regel een\n  regel twee\n', encoding="utf-8")
    assert read_yaml(tmp_path / "x.yaml", "x.yaml").problems == []


# --- what the commands print --------------------------------------------------------------------

PIPED = [
    ["list"], ["list", "--format", "csv"], ["list", "--format", "json"],
    ["search", "verborgen"], ["search", "verborgen", "--format", "csv"], ["search", "--target", "vso"],
    ["show", "stuurtekens"], ["show", "stuurtekens", "--format", "md"], ["show", "stuurtekens", "--format", "json"],
    ["show", "stuurtekens", "--format", "yaml"], ["compare", "stuurtekens", "tweede"], ["compare", "stuurtekens", "tweede", "--format", "md"],
    ["elements"], ["elements", "--by", "phase"], ["map"], ["similar", "stuurtekens"], ["export", "--format", "csv"],
]


@pytest.mark.parametrize("args", PIPED, ids=" ".join)
def test_no_command_prints_a_raw_control_character(args: list[str], control_catalogue: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli(*args, "--catalogue", control_catalogue)
    assert result.exit_code in (0, 1), result.output
    assert "interne fout" not in result.output
    assert raw_controls(result.output) == []


@pytest.mark.parametrize("args", [["list"], ["search", "verborgen"], ["show", "stuurtekens"], ["compare", "stuurtekens", "tweede"], ["elements"]], ids=" ".join)
def test_on_a_terminal_control_characters_are_visible_escapes(args: list[str], control_catalogue: Path, run_cli: Callable[..., Result], terminal: Callable[[int], None]) -> None:
    terminal(120)
    result = run_cli(*args, "--catalogue", control_catalogue)
    assert result.exit_code in (0, 1), result.output
    assert raw_controls(result.output) == []
    if args[0] != "elements":
        assert "\\u001b[8m" in result.stdout


def test_json_keeps_the_text_and_stays_json(control_catalogue: Path, run_cli: Callable[..., Result]) -> None:
    shown = run_cli("show", "stuurtekens", "--format", "json", "--catalogue", control_catalogue)
    assert raw_controls(shown.stdout) == []
    assert json.loads(shown.stdout)["summary"] == HOSTILE  # the escapes are JSON's: same text


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_rendered_pages_hold_no_raw_control_character(fmt: str, control_catalogue: Path, tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    target = tmp_path / f"overzicht.{fmt}"
    result = run_cli("render", "overview", "--format", fmt, "-o", target, "--catalogue", control_catalogue)
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert "verborgen" in page and raw_controls(page) == []


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("fmt", ["text", "md", "json"])
@pytest.mark.slow
def test_diff_prints_no_raw_control_character(fmt: str, catalogue_copy: Path, run_cli: Callable[..., Result]) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    git = ["git", "-C", str(catalogue_copy), "-c", "user.name=Ada", "-c", "user.email=ada@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], check=True, env=env)
    subprocess.run([*git, "add", "-A"], check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", "Catalogus"], check=True, env=env)
    boris = catalogue_copy / "interventions" / "boris-brengt-je-bij-een-baan.yaml"
    boris.write_text(boris.read_text(encoding="utf-8").replace("name: Boris brengt je bij ‘n baan", 'name: "Boris \\e[8mverborgen\\e[0m"'), encoding="utf-8")
    result = run_cli("diff", "HEAD", "--format", fmt, "--catalogue", catalogue_copy)
    assert result.exit_code == 0, result.output
    assert "verborgen" in result.stdout and raw_controls(result.output) == []


# --- values that are not values -----------------------------------------------------------------


@pytest.fixture
def nan_catalogue(empty_catalogue: Path) -> Path:
    """One entry whose figures are .nan and .inf: a catalogue that was not validated."""
    figures = '\nresults:\n  figures:\n    - {measure: Uitstroom, value: .nan, unit: procent}\n    - {measure: Deelnemers, value: .inf, unit: aantal}\n'
    minimal = (Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    (empty_catalogue / "interventions" / "minimal.yaml").write_text(minimal + figures, encoding="utf-8")
    return empty_catalogue


@pytest.mark.parametrize("args", [["show", "minimal", "--format", "json"], ["export", "--format", "json"], ["export", "--format", "jsonl"]], ids=" ".join)
def test_json_output_never_holds_nan_or_infinity(args: list[str], nan_catalogue: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli(*args, "--catalogue", nan_catalogue)
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    assert result.exit_code == 1 and "interne fout" not in result.stderr
    assert "jwtool: fout: een getal is NaN of oneindig (.nan of .inf in een vermelding), wat JSON niet kan bevatten; voer 'jwtool validate' uit" in result.stderr


def test_an_export_file_is_not_written_with_nan(nan_catalogue: Path, tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("export", "--format", "json", "-o", tmp_path / "uit.json", "--catalogue", nan_catalogue)
    assert result.exit_code == 1 and "wat JSON niet kan bevatten" in result.stderr
    assert list(tmp_path.glob("uit.json*")) == [] and list(tmp_path.glob(".uit.json*")) == []


def test_validate_names_the_nan_and_inf_figures(nan_catalogue: Path, run_cli: Callable[..., Result], english) -> None:
    result = run_cli("validate", "--catalogue", nan_catalogue)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ", 3)[2] for line in lines] == ["results.figures[0].value", "results.figures[1].value"]
    assert ".nan is not a number" in lines[0] and ".inf is not a number" in lines[1] and all(line.endswith("[number]") for line in lines)


# --- any terminal -------------------------------------------------------------------------------


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "cp1252"}, {"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C"}], ids=lambda e: " ".join(f"{k}={v}" for k, v in e.items()))
@pytest.mark.parametrize("args", [["list"], ["show", "boris"], ["search", "orientatie"], ["compare", "boris", "learn2work"], ["elements"]], ids=" ".join)
@pytest.mark.slow
def test_output_in_an_encoding_without_every_character(args: list[str], env: dict[str, str], repo_root: Path) -> None:
    encoding = env.get("PYTHONIOENCODING", "utf-8")
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIOENCODING", "PYTHONUTF8"))}
    with subprocess.Popen([sys.executable, "-m", "jwtool", *args], cwd=repo_root, env={**clean_env, **env},
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr.decode("utf-8", "replace")
    assert b"interne fout" not in stderr and b"Traceback" not in stderr
    text = stdout.decode(encoding)  # all of it is in the terminal's encoding
    if args[0] == "show":  # Boris brengt je bij ‘n baan: in ASCII the quote is an escape, the rest is kept
        assert ("\\u2018n baan" if encoding == "ascii" else "‘n baan") in text


# --- the show card ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [20, 40, 80])
@pytest.mark.parametrize("ref", ["learn2work", "project-ja", "zowhat"])  # each with a URL of 134-195 characters
def test_the_show_card_wraps_and_keeps_every_word(ref: str, width: int, repo_root: Path, run_cli: Callable[..., Result], terminal: Callable[[int], None]) -> None:
    from jwtool.catalogue.load import load_catalogue
    from jwtool.render.views import card

    cat = load_catalogue(repo_root)
    entry = next(e for e in cat.entries if e.id == ref)
    terminal(width)
    result = run_cli("show", ref, cwd=repo_root)
    assert result.exit_code == 0, result.stderr
    long = [line.strip() for line in result.stdout.splitlines() if len(line) > width]
    assert all(re.fullmatch(r"https?://\S+", line) for line in long), long  # only a URL, on a line of its own, runs past the edge
    joined = "".join(result.stdout.split())  # a wrapped line joins up again
    words = entry.name.split() + [entry.id]
    for _, fields in card(entry, cat.vocab):
        for label, value in fields:
            words += label.split() + [w for v in (value if isinstance(value, list) else [value]) for w in v.split()]
    assert [w for w in words if w not in joined] == []
    assert any(len(w) > 120 for w in words)  # a long URL is among them


def test_the_show_card_on_a_cp1252_terminal_draws_its_rule_in_ascii(repo_root: Path) -> None:
    import pty  # a real terminal, so show draws its rich card

    main, sub = pty.openpty()
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "COLUMNS": "60", "NO_COLOR": "1"}
    with subprocess.Popen([sys.executable, "-m", "jwtool", "show", "kix"], stdout=sub, stderr=subprocess.PIPE, env=env, cwd=repo_root) as proc:
        os.close(sub)
        chunks = []
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not data:
                break
            chunks.append(data)
        proc.communicate(timeout=60)
    os.close(main)
    card = b"".join(chunks).decode("cp1252")
    assert proc.returncode == 0
    assert "\\u2500" not in card and "-" * 40 in card
