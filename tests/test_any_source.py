"""Every source gets the same treatment (issue 23, items 2 and 3): an appendix for any source that
entries cite, and products that say where each entry comes from. Checked on a catalogue drawn
from a fictional 2025 evaluation report (tests/data/fictional-2025) and on the 2023 tables."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from conftest import require

FICTIONAL = "fictief-evaluatie-2025"
CAPTION_1 = "Interventies beschreven in Stapstenen naar werk, een fictieve evaluatie (Fictief Onderzoeksbureau, 2025)"
CAPTION_2 = "Praktijkvoorbeelden beschreven in Stapstenen naar werk, een fictieve evaluatie (Fictief Onderzoeksbureau, 2025)"
FULL_HEADER = ["Doelgroep", "Doelstelling", "Aanpak / activiteiten", "Verloop", "Resultaten / ervaringen",
               "Effecten / bewijskracht", "(Mogelijk) werkzame elementen"]
# What only the 2023 report's entries may say
REPORT_2023 = ("bijlage 2", "Bijlagetabel", "Regioplan", "Kwetsbare jongeren", "(appendix 2)")


# --- an appendix for any source ---------------------------------------------------------------------


def test_a_source_without_tables_gets_a_table_per_kind_of_the_entries_that_cite_it(run_cli, fictional_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("render", "appendix", "--source", FICTIONAL, "--catalogue", fictional_catalogue)
    assert r.exit_code == 0, r.stderr
    md = r.stdout
    assert f"## Tabel 1 {CAPTION_1}\n" in md and f"## Tabel 2 {CAPTION_2}\n" in md
    tables = md.split("## Tabel ")[1:]
    assert [line.split("**")[1] for line in tables[0].splitlines() if line.startswith("| **")] == ["Buurtcoach Nergenshuizen", "Stapstenen naar werk"]
    assert [line.split("**")[1] for line in tables[1].splitlines() if line.startswith("| **")] == ["Werkplaats West"]
    assert "| Interventie | " + " | ".join(FULL_HEADER) + " |" in tables[0]  # the columns of the declared tables
    assert "| Praktijkvoorbeeld | " + " | ".join(FULL_HEADER) + " |" in tables[1]  # the first column names the table's kind
    assert "Eerste aanwijzingen voor effectiviteit.<br>Niveau van bewijskracht: Effectief volgens eerste aanwijzingen" in md
    assert "Bronrapport: Fictief Onderzoeksbureau (2025). Stapstenen naar werk" in md
    assert run_cli("render", "appendix", "--catalogue", fictional_catalogue).stdout == md  # the main source by default


def test_the_summary_style_of_a_source_without_tables_has_the_summary_columns(run_cli, fictional_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    md = run_cli("render", "appendix", "--style", "summary", "--catalogue", fictional_catalogue).stdout
    assert "| Interventie | Doelgroep | Doelstelling | Onderdelen |" in md and f"## Tabel 2 {CAPTION_2}" in md


def test_filters_keep_the_tables_numbered_as_shown(run_cli, fictional_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    md = run_cli("render", "appendix", "--kind", "praktijkvoorbeeld", "--catalogue", fictional_catalogue).stdout
    assert f"## Tabel 1 {CAPTION_2}" in md and "Tabel 2" not in md


def test_the_html_and_word_appendix_of_a_source_without_tables(run_cli, fictional_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    html = run_cli("render", "appendix", "-f", "html", "--catalogue", fictional_catalogue).stdout
    assert f"<caption>Tabel 1 {CAPTION_1}</caption>" in html and '<th scope="col">Praktijkvoorbeeld</th>' in html
    out = tmp_path / "bijlage.docx"
    assert run_cli("render", "appendix", "-f", "docx", "-o", out, "--catalogue", fictional_catalogue).exit_code == 0
    doc = Document(io.BytesIO(out.read_bytes()))
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == [f"Tabel 1 {CAPTION_1}", f"Tabel 2 {CAPTION_2}"]
    assert [t.rows[0].cells[0].text for t in doc.tables] == ["Interventie", "Praktijkvoorbeeld"]
    assert [c.text for c in doc.tables[0].rows[0].cells[1:]] == FULL_HEADER
    assert "Niveau van bewijskracht: Goed beschreven" in doc.tables[0].rows[1].cells[6].text


def test_the_pdf_appendix_of_a_source_without_tables(run_cli, fictional_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    require(shutil.which("soffice") is not None, "LibreOffice (soffice)")
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    import subprocess

    out = tmp_path / "bijlage.pdf"
    assert run_cli("render", "appendix", "-f", "pdf", "-o", out, "--catalogue", fictional_catalogue).exit_code == 0
    text = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Tabel 1 Interventies beschreven in Stapstenen naar werk" in text and "Werkplaats West" in text


def test_the_2023_tables_show_the_level_s_label_beside_the_verdict(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    md = run_cli("render", "appendix", "--catalogue", mini_catalogue).stdout
    assert "| Goed beschreven.<br>Niveau van bewijskracht: Goed beschreven |" in md
    en = run_cli("render", "appendix", "--lang", "en", "--catalogue", mini_catalogue).stdout
    assert "Goed beschreven.<br>Strength of evidence: Well described" in en
    assert "## Tabel B2.1 Interventies tijdens de schoolloopbaan" in md  # declared tables keep their captions


# --- products say where each entry comes from --------------------------------------------------------


def _every_output(run_cli, root: Path, tmp_path: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    outputs = {}
    for fmt in ("md", "html"):
        outputs[f"overview.{fmt}"] = run_cli("render", "overview", "-f", fmt, "-o", tmp_path / f"overview.{fmt}", "--catalogue", root).stderr
        outputs[f"overview.{fmt}"] = (tmp_path / f"overview.{fmt}").read_text(encoding="utf-8")
        outputs[f"appendix.{fmt}"] = run_cli("render", "appendix", "-f", fmt, "--catalogue", root).stdout
    assert run_cli("render", "overview", "-o", tmp_path / "site", "--catalogue", root).exit_code == 0
    for page in sorted((tmp_path / "site").rglob("*.html")):
        outputs[str(page.relative_to(tmp_path))] = page.read_text(encoding="utf-8")
    for ref in ("stapstenen-naar-werk", "buurtcoach-nergenshuizen", "werkplaats-west"):
        for fmt in ("text", "md"):
            outputs[f"show {ref} {fmt}"] = run_cli("show", ref, "-f", fmt, "--catalogue", root).stdout
    outputs["compare"] = run_cli("compare", "stapstenen-naar-werk", "werkplaats-west", "--catalogue", root).stdout
    return outputs


def test_no_output_of_a_catalogue_from_another_source_speaks_of_the_2023_report(run_cli, fictional_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outputs = _every_output(run_cli, fictional_catalogue, tmp_path)
    assert all(outputs.values())
    found = {(name, word) for name, text in outputs.items() for word in REPORT_2023 if word.lower() in text.lower()
             and not (name.endswith("index.html") and word == "bijlage 2")}
    # the site's search data knows "bijlage" as a synonym of the kind interventie (the query vocabulary, not text)
    assert found == set()


def test_the_site_intro_names_the_sources_entries_come_from_with_counts(run_cli, fictional_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    md = run_cli("render", "overview", "-f", "md", "--catalogue", fictional_catalogue).stdout
    assert "**Ontleend aan:** Fictief Onderzoeksbureau (2025). Stapstenen naar werk, een fictieve evaluatie. Nergenshuizen. (2 interventies, 1 praktijkvoorbeeld)" in md
    assert "Verzonnen interventies en praktijkvoorbeelden uit een fictief evaluatierapport" in md  # the catalogue's own description


def test_each_entry_s_vindplaats_comes_from_its_citations(run_cli, fictional_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    card = run_cli("show", "stapstenen-naar-werk", "--catalogue", fictional_catalogue).stdout
    assert "Vindplaats\n  - Paragrafen: 3.2; p. 12\n" in card
    md = run_cli("show", "stapstenen-naar-werk", "-f", "md", "--catalogue", fictional_catalogue).stdout
    assert "**Vindplaats:** Paragrafen: 3.2; p. 12" in md


def test_an_entry_from_another_source_is_credited_to_it(run_cli, mini_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fictional = Path(__file__).parent / "data" / "fictional-2025"
    shutil.copy(fictional / "sources" / f"{FICTIONAL}.yaml", mini_catalogue / "sources")
    shutil.copy(fictional / "interventions" / "stapstenen-naar-werk.yaml", mini_catalogue / "interventions")
    card = run_cli("show", "stapstenen-naar-werk", "--catalogue", mini_catalogue).stdout
    assert "Vindplaats\n  - Stapstenen naar werk, een fictieve evaluatie: Paragrafen: 3.2; p. 12\n" in card
    assert "Bijlagetabel" not in card
    assert "Vindplaats\n  - Bijlagetabel B2.1, rij 1; Tabel 3.1, rij 1; Paragrafen: bijlage 2\n" in run_cli("show", "alpha", "--catalogue", mini_catalogue).stdout
    md = run_cli("render", "overview", "-f", "md", "--catalogue", mini_catalogue).stdout
    origins = [line for line in md.splitlines() if line.startswith("**Ontleend aan:**")]
    assert len(origins) == 2 and origins[1].startswith("**Ontleend aan:** Fictief Onderzoeksbureau (2025)") and origins[1].endswith("(1 interventie)  ")


@pytest.mark.parametrize(("add_other", "legend"), [(False, "Interventie (rij in bijlagetabel B2.1, B2.2)"), (True, "Interventie")])
def test_the_map_legend_names_the_appendix_tables_only_when_every_entry_of_the_kind_is_a_row(
        mini_catalogue: Path, add_other: bool, legend: str) -> None:
    from jwtool.catalogue.load import load_catalogue
    from jwtool.render.overview import map_svg

    if add_other:
        fictional = Path(__file__).parent / "data" / "fictional-2025"
        shutil.copy(fictional / "sources" / f"{FICTIONAL}.yaml", mini_catalogue / "sources")
        shutil.copy(fictional / "interventions" / "stapstenen-naar-werk.yaml", mini_catalogue / "interventions")
    cat = load_catalogue(mini_catalogue)
    svg = map_svg(cat.entries, cat, "nl")
    assert f">{legend}</text>" in svg and ">Praktijkvoorbeeld</text>" in svg
