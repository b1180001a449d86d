"""The site's wide parts on a phone (390 px) and a desktop (1280 px): the map keeps readable labels
and scrolls in its box, the Bewijskaart's tips and lists stay on the screen, the tables keep their
first column in view, and nothing sticks out of its panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import BROKEN_WORDS

pytestmark = [pytest.mark.browser, pytest.mark.slow]
pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")


@pytest.fixture
def open_page(chromium: Any, site: Path) -> Any:
    """Opens a page of the site (``path``, with ``query``) at a width, as a phone's (390 px) or a
    desktop's (1280 px) screen shows it; the pages close when the test ends."""
    pages: list[Any] = []

    def open_(path: str, width: int, query: str = "") -> Any:
        pages.append(chromium.new_page(viewport={"width": width, "height": 844 if width < 600 else 900}))
        pages[-1].goto((site / path).as_uri() + query)
        return pages[-1]

    yield open_
    for page in pages:
        page.close()


def test_on_a_phone_the_map_keeps_readable_labels_and_scrolls_in_its_box(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("kaart/index.html", 390)
    smallest = page.evaluate("Math.min(...[...document.querySelectorAll('.map svg .jwg-nodes text')].map(t => t.getBoundingClientRect().height))")
    assert smallest >= 11, smallest  # was 4 px: the drawing shrunk to the screen
    box = page.locator(".map-scroll")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert box.evaluate("el => el.scrollLeft > 0")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")  # the box scrolls, not the page
    assert page.locator(".map-hint").is_visible()  # says that it scrolls
    text = page.locator("a[href$='elementen-per-fase/index.html']:not(nav a)")  # the same links as text
    assert text.count() == 1 and text.is_visible()


def test_on_a_desktop_the_map_needs_no_scroll_hint(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("kaart/index.html", 1280)
    box = page.locator(".map-scroll")
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert not page.locator(".map-hint").is_visible()


INSIDE = """(el) => { const r = el.getBoundingClientRect(), box = el.closest('.gap-scroll').getBoundingClientRect();
  const left = Math.max(0, box.left), right = Math.min(document.documentElement.clientWidth, box.right);
  return {left: r.left, right: r.right, inside: r.width > 0 && r.left >= left - 0.5 && r.right <= right + 0.5, box: [left, right]}; }"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_bewijskaart_tips_stay_inside_the_screen_and_the_map(open_page, width: int) -> None:  # type: ignore[no-untyped-def]
    page = open_page("bewijskaart/index.html", width)
    columns = page.locator("#gapmap thead th").count() - 1
    for column in range(columns):  # a mark in every column
        summary = page.locator(f"#gapmap tbody td:nth-child({column + 2}).mark-cell summary").first
        if not summary.count():
            continue
        summary.hover()
        tip = summary.locator(".tip")
        assert tip.is_visible()
        where = tip.evaluate(INSIDE)
        assert where["inside"], (width, column, tip.text_content(), where)
    page.mouse.move(0, 0)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_bewijskaart_list_stays_inside_and_opening_one_closes_the_other(open_page, width: int) -> None:  # type: ignore[no-untyped-def]
    page = open_page("bewijskaart/index.html", width)
    marks = page.locator("#gapmap tbody tr").first.locator("td.mark-cell summary")
    assert marks.count() >= 2
    for i in (0, marks.count() - 1):  # "Individuele begeleiding · Werk", then the row's last mark
        marks.nth(i).click()
        cell_list = marks.nth(i).locator("xpath=..").locator(".cell-list")
        assert cell_list.is_visible()
        where = cell_list.evaluate(INSIDE)
        assert where["inside"], (width, i, where)
        assert page.locator("#gapmap details.mark[open]").count() == 1


@pytest.mark.parametrize("width", [1280, 390])
def test_the_bewijskaart_text_table_fits_a_desktop_and_breaks_no_header_word(open_page, width: int) -> None:  # type: ignore[no-untyped-def]
    page = open_page("bewijskaart/index.html", width)
    page.locator("#gapmap-text > summary").click()
    box = page.locator(".gap-scroll:has(#gapmap-table)")
    if width == 1280:  # was 1251 in 1208
        assert box.evaluate("el => el.scrollWidth <= el.clientWidth"), box.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert page.evaluate(BROKEN_WORDS, "#gapmap-table thead th") == []  # was "Ervaringe|n", "tevreden|heid"


def test_on_a_phone_the_tables_of_elements_per_phase_keep_their_names_in_view(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("elementen-per-fase/index.html", 390)
    for table in ("#gap-phases", "#gap-levels"):
        box = page.locator(f".gap-scroll:has({table})")
        box.scroll_into_view_if_needed()
        assert box.evaluate("el => el.scrollWidth > el.clientWidth")
        box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        assert box.evaluate("el => el.scrollLeft > 0")
        name = page.locator(f"{table} tbody th").first.bounding_box()
        inner = box.evaluate("el => [el.getBoundingClientRect().left, el.clientWidth]")
        assert name and inner[0] - 0.5 <= name["x"] and name["x"] + name["width"] <= 390  # sticks to the left edge
        assert name["width"] <= 0.4 * inner[1], (table, name["width"], inner)  # was 224 of 366: one data column beside it
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_no_control_sticks_out_of_the_filter_panel(open_page, width: int) -> None:  # type: ignore[no-untyped-def]
    page = open_page("index.html", width, "?q=Borris")
    out = page.evaluate("""() => { const f = document.querySelector('.filter').getBoundingClientRect();
      return [...document.querySelectorAll('.filter select, .filter input[type=search], .filter input[type=text], .filter button')]
        .map(e => [e.id || e.tagName, e.getBoundingClientRect()]).filter(([, r]) => r.width && (r.right > f.right || r.left < f.left))
        .map(([id, r]) => [id, r.right, f.right]); }""")
    assert out == []  # was the Sort list at 316 in a panel ending at 308
