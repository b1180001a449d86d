"""Every HTML jwtool writes is valid HTML and accessible: each page of the site, the one-page
overview and the HTML appendix pass the Nu Html Checker (vnu, the W3C validator) without an error,
and axe-core finds no serious or critical violation on the one-page overview and the appendix
(the site's page types are checked in tests/browser/test_site_browser.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import serious_axe_violations

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory, studied_catalogue: Path) -> Path:
    """The site, the one-page overview and the appendix (full and summary, Dutch and English) of
    the catalogue with studies, so the evidence map has marks in it."""
    from typer.testing import CliRunner

    from jwtool.cli import app

    out = tmp_path_factory.mktemp("html")
    runs = [["render", "overview", "--format", "html", "-o", str(out / "site")],
            ["render", "overview", "--format", "html", "-o", str(out / "overzicht.html")],
            ["render", "overview", "--format", "html", "--lang", "en", "-o", str(out / "overview-en.html")],
            ["render", "appendix", "--format", "html", "-o", str(out / "bijlage.html")],
            ["render", "appendix", "--format", "html", "--style", "summary", "-o", str(out / "samenvatting.html")],
            ["render", "appendix", "--format", "html", "--lang", "en", "-o", str(out / "appendix-en.html")]]
    for args in runs:
        result = CliRunner().invoke(app, [*args, "--catalogue", str(studied_catalogue)])
        assert result.exit_code == 0, result.output
    return out


def test_every_page_passes_the_nu_html_checker(vnu: Callable[[list[Path]], list[str]], outputs: Path) -> None:
    pages = sorted(outputs.rglob("*.html"))
    assert len(pages) > 40  # every entry's page, the site's pages, the overview and the appendices
    assert vnu(pages) == []


def test_the_checker_finds_an_error_when_there_is_one(vnu: Callable[[list[Path]], list[str]], tmp_path: Path) -> None:
    bad = tmp_path / "fout.html"
    bad.write_text('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>x</title></head>'
                   '<body><div aria-label="kaart">x</div></body></html>', encoding="utf-8")
    errors = vnu([bad])
    assert len(errors) == 1 and "aria-label" in errors[0]


@pytest.mark.browser
@pytest.mark.parametrize("name", ["overzicht.html", "bijlage.html"])
def test_axe_finds_nothing_serious_on_the_overview_and_the_appendix(chromium, axe_source: str, outputs: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    for width in (1280, 390):
        context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)  # to inject axe
        try:
            page = context.new_page()
            page.goto((outputs / name).as_uri())
            assert serious_axe_violations(page, axe_source) == [], (name, width)
        finally:
            context.close()
