"""A second catalogue (issue 23, item 7): every command and every render runs on the FICTIONAL
catalogue of tests/fixtures/catalogue-2025, drawn from an invented 2025 evaluation report whose source
declares no tables, and no output for it mentions the 2023 report, "bijlage 2" or "Bijlagetabel".

Each case is one command line; its standard output and every file it writes are searched.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import git_repo, require

# What betrays the 2023 report: its year, its appendix and its tables, its publisher and title.
MENTIONS_2023 = re.compile(r"\b2023\b|(bijlage|appendix)\s*2\b|bijlagetabel|appendix table|regioplan|kwetsbare[ -]jongeren",
                           re.IGNORECASE)

ENTRIES = ["stapstenen-naar-werk", "buurtbaan-coaching", "leerwerkplaats-de-kade", "startbaan-online"]

COMMANDS = [
    ["validate"], ["validate", "--format", "json"], ["validate", "--format", "github"],
    ["list"], ["list", "--format", "json"], ["list", "--format", "csv"],
    *[["show", entry, "--format", fmt] for entry in ENTRIES for fmt in ("text", "json", "yaml", "md")],
    ["show", "stapstenen", "--lang", "en"],
    ["search", "coach"], ["search", "--min-evidence", "eerste-aanwijzingen", "--format", "json"],
    ["search", "--outcome", "werk", "--min-design", "controlegroep", "--format", "csv"],
    ["compare", *ENTRIES], ["compare", *ENTRIES, "--format", "md"], ["compare", *ENTRIES, "--format", "json"],
    *[["export", "--format", fmt] for fmt in ("json", "jsonl", "csv", "csl-json", "bibtex", "ris")],
    *[["cite", ref, "--format", fmt] for ref in ("stapstenen-naar-werk", "werkroutes-2025") for fmt in ("apa", "bibtex", "ris", "csl-json")],
    ["elements"], ["elements", "--format", "json"], ["elements", "--from", "components"],
    ["similar", "stapstenen-naar-werk"], ["similar", "stapstenen-naar-werk", "--format", "json"],
    ["map"], ["map", "--format", "json"],
    *[["map", "--export", fmt] for fmt in ("graphml", "gexf", "json", "dot", "mermaid")],
    ["map", "--export", "svg"],
    *[["gaps", "--format", fmt] for fmt in ("table", "json", "csv", "md")],
    ["upgrade"],
    ["render", "appendix"],
    ["render", "appendix", "--source", "werkroutes-2025", "--format", "html", "-o", "{out}/bijlage.html"],
    ["render", "appendix", "--source", "werkroutes-2025", "--format", "docx", "-o", "{out}/bijlage.docx"],
    ["render", "overview", "--format", "md"],
    ["render", "overview", "--format", "md", "-o", "{out}/md/"],
    ["render", "overview", "--format", "html", "-o", "{out}/overzicht.html"],
    ["render", "overview", "--format", "html", "--lang", "en", "-o", "{out}/overview.html"],
    ["render", "overview", "--format", "html", "-o", "{out}/site/"],
]


def _text_of(path: Path) -> str:
    """What a reader of the file sees: its text (Word: the document's XML; PDF: pdftotext)."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as docx:
            return "\n".join(docx.read(n).decode("utf-8") for n in docx.namelist() if n.endswith(".xml"))
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return path.read_text(encoding="utf-8", errors="replace")


def _mentions(outputs: dict[str, str]) -> list[str]:
    return [f"{name}: …{text[max(0, m.start() - 60):m.end() + 20]}…" for name, text in outputs.items()
            for m in [MENTIONS_2023.search(text)] if m]


def test_the_fixture_is_marked_fictional_and_its_main_source_has_no_tables(catalogue_2025: Path) -> None:
    import yaml

    assert "FICTIEF" in (catalogue_2025 / "README.md").read_text(encoding="utf-8")
    for path in sorted((catalogue_2025 / "interventions").glob("*.yaml")) + sorted((catalogue_2025 / "sources").glob("*.yaml")):
        assert "FICTIEF" in path.read_text(encoding="utf-8").splitlines()[1], path.name
    main = yaml.safe_load((catalogue_2025 / "catalogue.yaml").read_text(encoding="utf-8"))["main_source"]
    record = yaml.safe_load((catalogue_2025 / "sources" / f"{main}.yaml").read_text(encoding="utf-8"))
    assert "tables" not in record
    entries = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (catalogue_2025 / "interventions").glob("*.yaml")]
    assert len(entries) >= 3
    assert {e["kind"] for e in entries} == {"interventie", "praktijkvoorbeeld"}
    assert all(s["findings"] for e in entries for s in e["evidence"]["studies"])
    assert any("working_elements" not in e for e in entries)  # a source may name none


def test_the_fixture_validates_without_a_word(catalogue_2025: Path, run_cli, english) -> None:
    result = run_cli("validate", "--catalogue", catalogue_2025)
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c).replace("{out}/", ""))
@pytest.mark.slow
def test_no_output_mentions_the_2023_report(command: list[str], catalogue_2025: Path, tmp_path: Path, run_cli, english) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args = [a.replace("{out}", str(out)) for a in command]
    result = run_cli(*args, "--catalogue", catalogue_2025)
    assert result.exit_code == 0, result.output
    outputs = {"stdout": result.stdout, "stderr": result.stderr}
    outputs |= {str(p.relative_to(out)): _text_of(p) for p in sorted(out.rglob("*")) if p.is_file()}
    assert any(outputs.values()), "the command printed and wrote nothing"
    assert not _mentions(outputs)


@pytest.mark.slow
def test_the_appendix_as_pdf_does_not_mention_the_2023_report(catalogue_2025: Path, tmp_path: Path, run_cli) -> None:
    require(shutil.which("soffice") is not None or shutil.which("libreoffice") is not None, "LibreOffice")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    result = run_cli("render", "appendix", "--format", "pdf", "-o", tmp_path / "bijlage.pdf", "--catalogue", catalogue_2025)
    assert result.exit_code == 0, result.output
    assert not _mentions({"bijlage.pdf": _text_of(tmp_path / "bijlage.pdf")})


def test_the_ladder_page_shows_no_other_report_s_wordings_as_its_own(catalogue_2025: Path, tmp_path: Path, run_cli) -> None:
    """The bundled evidence levels list how the 2023 report words each verdict; a catalogue without
    that report shows the levels and what they ask, not those wordings as if its sources used them."""
    assert run_cli("render", "overview", "-o", tmp_path / "site", "--catalogue", catalogue_2025).exit_code == 0
    ladder = (tmp_path / "site" / "bewijsniveaus" / "index.html").read_text(encoding="utf-8")
    assert "Effectief volgens goede aanwijzingen" in ladder and "Zo staat het in" not in ladder
    assert "good practice (VNG)" not in ladder and "het rapport over onderzoek" not in ladder


@pytest.mark.parametrize("which", ["catalogue_copy", "catalogue_2025"])
@pytest.mark.slow
def test_evidence_levels_that_do_not_say_where_their_wordings_come_from_show_none(which: str, request: pytest.FixtureRequest, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    """A catalogue's own evidence-levels.yaml written before ``wordings_source`` quotes the 2023
    report, whatever the catalogue's main source: its wordings are credited to no source, so not shown."""
    catalogue: Path = request.getfixturevalue(which)
    levels = catalogue / "schemas" / "vocabularies" / "evidence-levels.yaml"
    if not levels.exists():  # the fictional catalogue uses the bundled vocabularies: give it its own old copy
        levels.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(__file__).resolve().parents[2] / "schemas" / "vocabularies" / "evidence-levels.yaml", levels)
    levels.write_text(re.sub(r"(?m)^wordings_source: .*\n", "", levels.read_text(encoding="utf-8")), encoding="utf-8")
    assert run_cli("render", "overview", "-o", tmp_path / "site", "--catalogue", catalogue).exit_code == 0
    ladder = (tmp_path / "site" / "bewijsniveaus" / "index.html").read_text(encoding="utf-8")
    assert "Effectief volgens goede aanwijzingen" in ladder
    assert "Zo staat het in" not in ladder and "good practice (VNG)" not in ladder


@pytest.mark.slow
def test_new_diff_and_history_do_not_mention_the_2023_report(catalogue_2025: Path, run_cli) -> None:
    """A researcher adds an entry from the 2025 report: the scaffold, diff and history speak of it."""
    require(shutil.which("git") is not None, "git")
    repo = git_repo(catalogue_2025)
    created = run_cli("new", "Werkstart Noord", "--source", "werkroutes-2025", "--section", "4.3", "--no-input", "--catalogue", catalogue_2025)
    assert created.exit_code == 0, created.output
    scaffold = (catalogue_2025 / "interventions" / "werkstart-noord.yaml").read_text(encoding="utf-8")
    repo.edit("interventions/buurtbaan-coaching.yaml", "name: Buurtbaan Coaching", "name: Buurtbaan-coaching")
    repo.commit("Nieuwe entry en een naam")
    outputs = {"new": created.output, "scaffold": scaffold}
    for fmt in ("text", "md", "json"):
        diff = run_cli("diff", "HEAD~1", "--format", fmt, "--catalogue", catalogue_2025)
        assert diff.exit_code == 0, diff.output
        assert "buurtbaan-coaching" in diff.stdout
        outputs[f"diff {fmt}"] = diff.output
    history = run_cli("history", "buurtbaan-coaching", "--catalogue", catalogue_2025)
    assert history.exit_code == 0, history.output
    outputs["history"] = history.output
    assert not _mentions(outputs)
