"""Every source gets the same treatment (issue 23, items 2 and 3): an appendix for any source that
entries cite, and products that say where each entry comes from. Checked on the fictional 2025
catalogue (tests/fixtures/catalogue-2025, whose main source declares no tables) and on the 2023 tables.
That no output of the fictional catalogue mentions the 2023 report is tests/cli/test_catalogue_2025.py."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CATALOGUE_2025, require

MAIN = "werkroutes-2025"
CAPTION_1 = "Interventies beschreven in Evaluatierapport Werkroutes 2025 (Vermeulen & Osei, 2025)"
CAPTION_2 = "Praktijkvoorbeelden beschreven in Evaluatierapport Werkroutes 2025 (Vermeulen & Osei, 2025)"
FULL_HEADER = ["Doelgroep", "Doelstelling", "Aanpak / activiteiten", "Verloop", "Resultaten / ervaringen",
               "Effecten / bewijskracht", "(Mogelijk) werkzame elementen"]
APA = "Vermeulen, T., & Osei, A. (2025). Evaluatierapport Werkroutes 2025. Onderzoeksbureau Denkbeeld."


def _names(table: str) -> list[str]:
    return [line.split("**")[1] for line in table.splitlines() if line.startswith("| **")]


# --- an appendix for any source ---------------------------------------------------------------------


def test_a_source_without_tables_gets_a_table_per_kind_of_the_entries_that_cite_it(run_cli, catalogue_2025: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "appendix", "--source", MAIN, "--catalogue", catalogue_2025)
    assert r.exit_code == 0, r.stderr
    md = r.stdout
    assert f"## Tabel 1 {CAPTION_1}\n" in md and f"## Tabel 2 {CAPTION_2}\n" in md
    tables = md.split("## Tabel ")[1:]
    assert _names(tables[0]) == ["Buurtbaan Coaching", "Stapstenen naar werk", "Startbaan Online"]
    assert _names(tables[1]) == ["Leerwerkplaats De Kade"]
    assert "| Interventie | " + " | ".join(FULL_HEADER) + " |" in tables[0]  # the columns of the declared tables
    assert "| Praktijkvoorbeeld | " + " | ".join(FULL_HEADER) + " |" in tables[1]  # the first column names the table's kind
    assert "Stapstenen meer jongeren aan werk helpt.<br>Niveau van bewijskracht: Effectief volgens goede aanwijzingen |" in md
    assert f"Bron: {APA}" in md  # no citation in the record: APA from its fields
    assert md.startswith("# Overzicht van interventies en praktijkvoorbeelden\n")  # the heading names the kinds shown
    assert run_cli("render", "appendix", "--catalogue", catalogue_2025).stdout == md  # the main source by default


def test_a_source_cited_by_one_entry_gets_one_table(run_cli, catalogue_2025: Path) -> None:  # type: ignore[no-untyped-def]
    md = run_cli("render", "appendix", "--source", "effectstudie-stapstenen-2024", "--catalogue", catalogue_2025).stdout
    assert "## Tabel 1 Interventies beschreven in Stapstenen naar werk vergeleken met de gewone route (Baran, 2024)\n" in md
    assert "Tabel 2" not in md and _names(md) == ["Stapstenen naar werk"]
    assert md.startswith("# Overzicht van interventies\n")


def test_the_summary_style_of_a_source_without_tables_has_the_summary_columns(run_cli, catalogue_2025: Path) -> None:  # type: ignore[no-untyped-def]
    md = run_cli("render", "appendix", "--style", "summary", "--catalogue", catalogue_2025).stdout
    assert "| Interventie | Doelgroep | Doelstelling | Onderdelen |" in md and f"## Tabel 2 {CAPTION_2}" in md
    assert md.startswith("# Interventies en praktijkvoorbeelden in het kort\n")


def test_filters_keep_the_tables_numbered_as_shown(run_cli, catalogue_2025: Path) -> None:  # type: ignore[no-untyped-def]
    md = run_cli("render", "appendix", "--kind", "praktijkvoorbeeld", "--catalogue", catalogue_2025).stdout
    assert f"## Tabel 1 {CAPTION_2}" in md and "Tabel 2" not in md
    assert md.startswith("# Overzicht van praktijkvoorbeelden\n")
    english = run_cli("render", "appendix", "--kind", "praktijkvoorbeeld", "--lang", "en", "--catalogue", catalogue_2025).stdout
    assert english.startswith("# Overview of practice examples\n")


def test_the_html_and_word_appendix_of_a_source_without_tables(run_cli, catalogue_2025: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    html = run_cli("render", "appendix", "-f", "html", "--catalogue", catalogue_2025).stdout
    assert f"<caption id=\"caption-1\">Tabel 1 {CAPTION_1.replace('&', '&amp;')}</caption>" in html and '<th scope="col">Praktijkvoorbeeld</th>' in html
    out = tmp_path / "bijlage.docx"
    assert run_cli("render", "appendix", "-f", "docx", "-o", out, "--catalogue", catalogue_2025).exit_code == 0
    doc = Document(io.BytesIO(out.read_bytes()))
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == [f"Tabel 1 {CAPTION_1}", f"Tabel 2 {CAPTION_2}"]
    assert [t.rows[0].cells[0].text for t in doc.tables] == ["Interventie", "Praktijkvoorbeeld"]
    assert [c.text for c in doc.tables[0].rows[0].cells[1:]] == FULL_HEADER
    assert "Niveau van bewijskracht: Effectief volgens eerste aanwijzingen" in doc.tables[0].rows[1].cells[6].text


@pytest.mark.slow
def test_the_pdf_appendix_of_a_source_without_tables(run_cli, catalogue_2025: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    require(shutil.which("soffice") is not None, "LibreOffice (soffice)")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    out = tmp_path / "bijlage.pdf"
    assert run_cli("render", "appendix", "-f", "pdf", "-o", out, "--catalogue", catalogue_2025).exit_code == 0
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert f"Tabel 1 {CAPTION_1}" in text and "Leerwerkplaats De Kade" in text


def test_the_2023_tables_show_the_level_s_label_beside_the_verdict(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    md = run_cli("render", "appendix", "--catalogue", mini_catalogue).stdout
    assert "| Goed beschreven.<br>Niveau van bewijskracht: Goed beschreven |" in md
    en = run_cli("render", "appendix", "--lang", "en", "--catalogue", mini_catalogue).stdout
    assert "Goed beschreven.<br>Strength of evidence: Well described" in en
    assert "## Tabel B2.1 Interventies tijdens de schoolloopbaan" in md  # declared tables keep their captions


# --- products say where each entry comes from --------------------------------------------------------


@pytest.mark.slow
def test_the_intro_names_the_sources_entries_come_from_with_counts(run_cli, catalogue_2025: Path) -> None:  # type: ignore[no-untyped-def]
    md = run_cli("render", "overview", "-f", "md", "--catalogue", catalogue_2025).stdout
    assert f"**Ontleend aan:** {APA} https://example.org/fictief/werkroutes-2025.pdf (3 interventies, 1 praktijkvoorbeeld)" in md
    assert "Fictieve interventies en praktijkvoorbeelden uit het verzonnen" in md  # the catalogue's own description
    html = run_cli("render", "overview", "-f", "html", "--lang", "en", "--catalogue", catalogue_2025).stdout
    assert "<dt>Drawn from</dt><dd><cite>Vermeulen, T., &amp; Osei, A. (2025)." in html and "(3 interventions, 1 practice example)</dd>" in html


def test_each_entry_s_vindplaats_comes_from_its_citations(run_cli, catalogue_2025: Path) -> None:  # type: ignore[no-untyped-def]
    card = run_cli("show", "stapstenen-naar-werk", "--catalogue", catalogue_2025).stdout
    assert "Vindplaats\n  - Paragrafen: 4.1, 4.2; p. 31-38\n" in card
    md = run_cli("show", "stapstenen-naar-werk", "-f", "md", "--catalogue", catalogue_2025).stdout
    assert "**Vindplaats:** Paragrafen: 4.1, 4.2; p. 31-38" in md


@pytest.mark.slow
def test_the_editor_notes_name_the_source_id_as_a_source_not_a_report(run_cli, catalogue_2025: Path) -> None:  # type: ignore[no-untyped-def]
    html = run_cli("render", "overview", "-f", "html", "--catalogue", catalogue_2025).stdout
    assert "<dt>Bron (id in de catalogus)</dt>" in html and "Rapport (id in de catalogus)" not in html
    english = run_cli("render", "overview", "-f", "html", "--lang", "en", "--catalogue", catalogue_2025).stdout
    assert "<dt>Source (id in the catalogue)</dt>" in english


def test_list_puts_an_intervention_that_is_no_row_among_the_other_entries_by_id_as_its_help_says(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    _add_2025_entry(mini_catalogue)
    ids = [line.split("\t")[0] for line in run_cli("list", "--catalogue", mini_catalogue).stdout.splitlines()[1:]]
    rows = [i for i in ids if any(c.get("rows") for c in json.loads(run_cli("show", i, "--format", "json", "--catalogue", mini_catalogue).stdout)["cites"])]
    assert ids[:len(rows)] == rows and ids[len(rows):] == sorted(ids[len(rows):]) and "startbaan-online" in ids[len(rows):]
    usage = " ".join(run_cli("list", "--help").stdout.split())
    assert "dan elke andere vermelding op id" in usage and "dan de praktijkvoorbeelden" not in usage


def _add_2025_entry(root: Path) -> None:
    shutil.copy(CATALOGUE_2025 / "sources" / f"{MAIN}.yaml", root / "sources")
    shutil.copy(CATALOGUE_2025 / "interventions" / "startbaan-online.yaml", root / "interventions")


def test_an_entry_from_another_source_is_credited_to_it(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    _add_2025_entry(mini_catalogue)
    card = run_cli("show", "startbaan-online", "--catalogue", mini_catalogue).stdout
    assert "Vindplaats\n  - Evaluatierapport Werkroutes 2025: Paragrafen: 5.3\n" in card and "Bijlagetabel" not in card
    alpha = run_cli("show", "alpha", "--catalogue", mini_catalogue).stdout
    assert "Vindplaats\n  - Bijlagetabel B2.1, rij 1; Tabel 3.1, rij 1; Paragrafen: bijlage 2\n" in alpha  # the main report goes unnamed
    md = run_cli("render", "overview", "-f", "md", "--catalogue", mini_catalogue).stdout
    origins = [line for line in md.splitlines() if line.startswith("**Ontleend aan:**")]
    assert len(origins) == 2 and origins[1].startswith(f"**Ontleend aan:** {APA}") and origins[1].endswith("(1 interventie)  ")


@pytest.mark.parametrize(("add_other", "legend"), [(False, "Interventie (rij in bijlagetabel B2.1, B2.2)"), (True, "Interventie")])
def test_the_map_legend_names_the_appendix_tables_only_when_every_entry_of_the_kind_is_a_row(
        mini_catalogue: Path, add_other: bool, legend: str) -> None:
    from jwtool.catalogue.load import load_catalogue
    from jwtool.render.overview import map_svg

    if add_other:
        _add_2025_entry(mini_catalogue)
    cat = load_catalogue(mini_catalogue)
    svg = map_svg(cat.entries, cat, "nl")
    assert f">{legend}</text>" in svg and ">Praktijkvoorbeeld</text>" in svg
