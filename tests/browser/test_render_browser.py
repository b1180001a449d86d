"""The HTML overview in a real browser (headless Chromium): opened from disk, it loads nothing
from anywhere, logs no errors, its filter shows the right rows, its links lead to the entries,
and a hostile entry runs no script."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import BROKEN_WORDS, HOSTILE_TEXT, require, serious_axe_violations
from jwtool.query.filters import RawFilters, filter_entries, resolve_filters
from jwtool.query.search import search

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')").expect
SCREENSHOT = Path("/tmp/jwtool-overview.png")


@dataclass
class Opened:
    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def visible_rows(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#index-table tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.anchor)")


@pytest.fixture
def open_page(chromium) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    pages = []

    def open_(path: Path) -> Opened:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        pages.append(page)
        opened = Opened(page, path.resolve().as_uri())
        page.on("console", lambda m: opened.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.on("requestfailed", lambda r: opened.failed.append(r.url))
        page.on("request", lambda r: opened.requests.append(r.url))

        def on_dialog(d: Any) -> None:
            opened.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(opened.url)
        page.wait_for_load_state("load")
        return opened

    yield open_
    for p in pages:
        p.close()


def ids(cat, **filters: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    f = resolve_filters(RawFilters(**filters), cat.vocab)
    return ["e-" + e.id for e in filter_entries(cat.entries, f)]


def test_overview_works_offline_and_its_filter_and_links_work(run_cli, open_page, bundled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    site.mkdir()
    assert run_cli("render", "overview", "-o", site / "index.html").exit_code == 0  # the one-page form
    o = open_page(site / "index.html")
    page = o.page

    # from disk, nothing else is requested, nothing fails, nothing is logged
    assert o.requests == [o.url]
    assert o.failed == [] and o.errors == []
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert page.is_visible("#filter")  # the script ran under the page's CSP
    everyone = ["e-" + e.id for e in bundled.entries]
    # keyboard: the first Tab reaches the skip link, which is then visible
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.is_visible("a.skip")
    assert o.visible_rows() == everyone
    assert page.inner_text("#filter-count") == f"{len(everyone)} van {len(everyone)} getoond"

    # pick a phase (its facet opens by hand): only entries in that phase stay
    page.click("details[data-facet='phase'] > summary")
    page.check("#facet-phase input[value='nazorg']")
    assert o.visible_rows() == ids(bundled, phase=["nazorg"])
    assert page.inner_text("#filter-count").startswith(f"{len(ids(bundled, phase=['nazorg']))} van ")
    # and a target group on top of it (AND)
    page.click("details[data-facet='target'] > summary")
    page.check("#facet-target input[value='vso']")
    assert o.visible_rows() == ids(bundled, phase=["nazorg"], target=["vso"])
    assert 0 < len(o.visible_rows()) < len(ids(bundled, phase=["nazorg"]))
    # entry sections follow the rows
    hidden = set(everyone) - set(o.visible_rows())
    assert all(page.eval_on_selector(f"#{a}", "el => el.hidden") for a in hidden)
    # clear; pick a working element
    page.click("button[type=reset]")  # the page re-filters after the form has reset, in a timeout
    expect(page.locator("#index-table tbody tr:not([hidden])")).to_have_count(len(everyone))
    element = "ouderbetrokkenheid" if "ouderbetrokkenheid" in bundled.vocab["working-elements"] else bundled.entries[0].element_ids[0]
    page.click("details[data-facet='element'] > summary")
    page.check(f"#facet-element input[value='{element}']")
    assert o.visible_rows() == ids(bundled, element=[element])
    page.uncheck(f"#facet-element input[value='{element}']")
    # type text: accents and case do not matter
    page.fill("#filter-text", "BORIS")
    assert o.visible_rows() == ["e-" + h.entry.id for h in sorted(search(bundled.entries, "boris", bundled.vocab), key=lambda h: h.entry.sort_key())]
    assert "e-boris-brengt-je-bij-een-baan" in o.visible_rows()
    page.fill("#filter-text", "loopbaanorientatie")
    assert "e-boris-brengt-je-bij-een-baan" in o.visible_rows()
    page.fill("#filter-text", "")

    # follow a link from the index to an entry
    page.click("#index-table a[href='#e-learn2work']")
    assert page.evaluate("location.hash") == "#e-learn2work"
    heading = page.locator("#e-learn2work-h")
    assert heading.inner_text() == "Learn2Work"
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 900  # scrolled into view

    # a gap-map cell links to its entries too
    page.click("#gap-phases a[href='#e-boris-brengt-je-bij-een-baan'] >> nth=0")
    assert page.evaluate("location.hash") == "#e-boris-brengt-je-bij-een-baan"

    page.evaluate("window.scrollTo(0, 0)")
    page.check("#facet-phase input[value='tijdens-school']")
    shot = tmp_path / "overview.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    shutil.copy(shot, SCREENSHOT)
    page.screenshot(path=str(tmp_path / "overview-full.png"), full_page=True)
    assert o.errors == [] and o.failed == [] and o.dialogs == []


def test_a_hostile_entry_runs_no_script_in_the_browser(run_cli, open_page, hostile_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for command in ("overview", "appendix"):
        out = tmp_path / f"{command}.html"
        assert run_cli("render", command, "-f", "html", "--catalogue", hostile_catalogue, "-o", out).exit_code == 0
        o = open_page(out)
        page = o.page
        assert o.dialogs == []
        assert page.evaluate("document.querySelectorAll('script:not([type=\"application/json\"])').length") == (1 if command == "overview" else 0)
        assert HOSTILE_TEXT.split(" | ")[0] in page.inner_text("body")  # shown as text
        # clicking the text that looks like a javascript: link does nothing
        links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
        assert not any(h.lower().startswith(("javascript", "data")) for h in links)
        page.click(f"text={HOSTILE_TEXT.split(' | ')[0]} >> nth=0")
        assert o.dialogs == [] and o.errors == [] and o.failed == []
        assert o.requests == [o.url]


@pytest.mark.parametrize("width", [1920, 1280, 1024, 800, 600, 390, 320])
def test_no_word_of_the_html_appendix_breaks_inside_at_any_width(chromium, run_cli, tmp_path: Path, width: int) -> None:  # type: ignore[no-untyped-def]
    """"loopbaancompetenties" and every other word stay whole; a table wider than the screen
    scrolls sideways in its own box, never the page."""
    out = tmp_path / "bijlage.html"
    assert run_cli("render", "appendix", "--format", "html", "-o", out).exit_code == 0
    page = chromium.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(out.as_uri())
        assert "loopbaancompetenties" in page.inner_text("table.appendix")
        assert page.evaluate(BROKEN_WORDS, "table.appendix th, table.appendix td") == []
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        page.close()


@pytest.mark.parametrize("form", ["page.html", "site"])
def test_the_outcome_gap_map_fits_a_phone_scrolls_in_its_own_box_and_axe_finds_nothing_serious(  # type: ignore[no-untyped-def]
        run_cli, chromium, axe_source: str, gapmap_catalogue: Path, tmp_path: Path, form: str) -> None:
    out = tmp_path / form
    assert run_cli("render", "overview", "--catalogue", gapmap_catalogue, "-o", out).exit_code == 0
    path = out if form == "page.html" else out / "bewijskaart" / "index.html"
    for width in (1280, 390):
        context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)  # to inject axe
        try:
            page = context.new_page()
            page.goto(path.as_uri())
            box = page.locator(".gap-scroll:has(#gapmap)")
            box.scroll_into_view_if_needed()
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), width  # the page never scrolls sideways
            if width == 390:  # the table is wider than a phone: it scrolls inside its box
                assert box.evaluate("el => el.scrollWidth > el.clientWidth")
                shot = tmp_path / f"gapmap-{form}-390.png"
                page.screenshot(path=str(shot))
                assert shot.stat().st_size > 10_000
            assert page.locator("#gapmap td.mark-cell circle").count() > 0
            assert serious_axe_violations(page, axe_source) == [], (form, width)
        finally:
            context.close()
    # printed, the map gets a landscape A4 page (1010 CSS px between 1.5 cm margins) and stays within it,
    # its cells' entry lists folded as on screen
    page = chromium.new_page(viewport={"width": 1010, "height": 700})
    try:
        page.goto(path.as_uri())
        page.emulate_media(media="print")
        assert page.evaluate("document.querySelector('#gapmap').getBoundingClientRect().right <= innerWidth")
        assert not page.locator("#gapmap td li").first.is_visible()
        pdf = tmp_path / f"gapmap-{form}.pdf"
        pdf.write_bytes(page.pdf(prefer_css_page_size=True))
    finally:
        page.close()
    require(shutil.which("pdfinfo") is not None, "pdfinfo (apt-get install poppler-utils)")
    with subprocess.Popen(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], stdout=subprocess.PIPE, text=True) as proc:
        sizes = [line.split("size:")[1].split("pts")[0].split(" x ") for line in proc.communicate()[0].splitlines()
                 if line.startswith("Page ") and " size:" in line]  # "Page    2 size: 841.92 x 594.96 pts (A4)"
    assert any(float(w) > float(h) for w, h in sizes)  # a landscape page holds the map
    if form == "site":  # its own page: heading, map and legend together on landscape pages, none left behind
        assert all(float(w) > float(h) for w, h in sizes)
