"""The overview site in headless Chromium: the page answers every filter exactly as `jwtool
search` does, no page scrolls sideways on a phone, axe-core finds nothing serious, and the
filters work with the keyboard alone."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from conftest import BROKEN_WORDS, require, serious_axe_violations
from jwtool.catalogue.load import load_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')").expect

PAGE_TYPES = {"index": "index.html", "entry": "interventies/boris-brengt-je-bij-een-baan/index.html",
              "map": "kaart/index.html", "gaps": "elementen-per-fase/index.html", "ladder": "bewijsniveaus/index.html",
              "gapmap": "bewijskaart/index.html",
              "entry-with-studies": "interventies/learn2work/index.html"}  # a findings table, a card per finding on a phone

# (CLI filter options as the URL names them, search text): each is asked of the CLI and of the page
COMBINATIONS: list[tuple[list[tuple[str, str]], str]] = [
    ([("target", "mbo-2")], ""),
    ([("target", "entree")], ""),
    ([("target", "mbo")], ""),
    ([], "nazorg"),
    ([("target", "vso"), ("target", "pro")], ""),
    ([("target", "vso"), ("target", "pro"), ("phase", "nazorg")], ""),
    ([("target", "vso"), ("target", "pro"), ("min-evidence", "goed-beschreven")], ""),
    ([("min-evidence", "eerste-aanwijzingen")], ""),
    ([("min-evidence", "goed-onderbouwd"), ("kind", "interventie")], ""),
    ([("kind", "praktijkvoorbeeld")], ""),
    ([("phase", "tijdens-school"), ("phase", "overgang")], ""),
    ([("element", "nazorg")], ""),
    ([("element", "maatwerk"), ("element", "sociaal-netwerk")], ""),
    ([("target", "mbo2")], ""),  # a spelling the CLI resolves (synonym/key), in the URL too
    ([("target", "migratieachtergrond")], ""),
    ([("target", "vso"), ("target", "migratieachtergrond")], ""),
    ([], "loopbaanorientatie"),
    ([], "BORIS"),
    ([], "Oriëntatie werk"),
    ([], "jongeren school"),
    ([("phase", "nazorg")], "coach"),
    ([("target", "pro"), ("kind", "interventie"), ("phase", "overgang")], "werk"),
    ([], "straße"),  # folds to "strasse", as in Python; finds nothing in this catalogue
    ([("min-evidence", "sterke-aanwijzingen")], ""),
    # outcome and study design (the site is built from `studied_catalogue`, which has studies)
    ([("outcome", "werk")], ""),
    ([("outcome", "work")], ""),  # an English synonym, as --outcome work
    ([("outcome", "werk"), ("outcome", "ervaringen")], ""),
    ([("outcome", "werk"), ("target", "vso")], ""),
    ([("outcome", "kosten-baten"), ("kind", "interventie")], ""),
    ([("outcome", "startkwalificatie")], "praktijk"),
    ([("outcome", "welzijn-participatie"), ("outcome", "vaardigheden"), ("phase", "nazorg")], ""),
    ([("min-design", "comparison")], ""),  # a synonym of controlegroep
    ([("min-design", "kwalitatief")], ""),
    ([("min-design", "theoretisch")], ""),
    ([("min-design", "monitoring"), ("phase", "nazorg")], ""),
    ([("min-design", "gerandomiseerd"), ("outcome", "werk")], ""),
    ([("min-design", "controlegroep"), ("outcome", "werk"), ("min-evidence", "eerste-aanwijzingen")], ""),
    # forgiving search: only when the exact text finds nothing, on what the filters leave
    ([], "Borris"),
    ([], "transitecoach"),
    ([], "praktijkverklaing"),
    ([], "lern2work"),
    ([], "Borris baan"),  # "baan" must still occur as written
    ([], "Borris zeppelin"),  # a word like no name: nothing
    ([], "kx"),  # too short to forgive
    ([("kind", "interventie")], "transitecoach"),  # the names like it are practice examples
    ([("outcome", "werk")], "lern2work"),
]


@pytest.fixture
def page(chromium) -> Any:  # type: ignore[no-untyped-def]
    p = chromium.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    yield p
    p.close()
    assert errors == []


def cli_ids(run_cli, options: list[tuple[str, str]], text: str, catalogue: Path) -> list[str]:  # type: ignore[no-untyped-def]
    args = ["search", *([text] if text else []), "--format", "json", "--catalogue", str(catalogue)]
    for name, value in options:
        args += [f"--{name}", value]
    result = run_cli(*args)
    assert result.exit_code in (0, 1), result.output
    return sorted(row["id"] for row in json.loads(result.stdout or "[]"))


def shown_ids(page: Any) -> list[str]:
    return sorted(page.eval_on_selector_all("#index-table tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.id)"))


@pytest.mark.parametrize(("options", "text"), COMBINATIONS, ids=lambda v: str(v))
def test_the_page_answers_every_filter_as_the_cli_does(run_cli, page, site: Path, studied_catalogue: Path, options, text) -> None:  # type: ignore[no-untyped-def]
    expected = cli_ids(run_cli, options, text, studied_catalogue)
    query = urlencode(options + ([("q", text)] if text else []))
    page.goto((site / "index.html").as_uri() + ("?" + query if query else ""))
    expect(page.locator("#filter-count")).to_have_text(f"{len(expected)} van {page.locator('#index-table tbody tr').count()} getoond")
    assert shown_ids(page) == expected


def test_twenty_combinations_at_least() -> None:
    assert len(COMBINATIONS) >= 20


def test_the_outcome_and_design_combinations_select_something_and_not_everything(run_cli, studied_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    total = len(cli_ids(run_cli, [], "", studied_catalogue))
    sizes = [len(cli_ids(run_cli, o, t, studied_catalogue)) for o, t in COMBINATIONS if any(n in ("outcome", "min-design") for n, _ in o)]
    assert sum(0 < n < total for n in sizes) >= 8


def test_a_forgiven_typo_says_so_on_the_page_as_the_cli_does(run_cli, page, site: Path, studied_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    assert "deze namen lijken erop" in run_cli("search", "Borris", "--catalogue", studied_catalogue).stderr
    page.goto((site / "index.html").as_uri() + "?q=Borris")
    expect(page.locator("#filter-fuzzy")).to_have_text("Geen vermelding bevat 'Borris' zo geschreven; deze namen lijken erop.")
    page.goto((site / "index.html").as_uri() + "?q=boris")  # written as in the catalogue: no guess, no note
    expect(page.locator("#filter-fuzzy")).to_be_hidden()


@pytest.mark.parametrize("options", [
    # no practice example has a randomised study (the test studies give one to een-nieuw-perspectief)
    [("kind", "praktijkvoorbeeld"), ("min-design", "gerandomiseerd"), ("phase", "nazorg")],  # drop kind or design
    [("kind", "praktijkvoorbeeld"), ("min-design", "gerandomiseerd"), ("target", "vsv")],  # no one filter helps
])
def test_an_empty_answer_says_which_facet_to_drop_with_the_cli_counts(run_cli, page, site: Path, studied_catalogue: Path, options) -> None:  # type: ignore[no-untyped-def]
    import re

    r = run_cli("search", *[a for n, v in options for a in (f"--{n}", v)], "--catalogue", studied_catalogue)
    assert r.stdout.splitlines()[1:] == []
    cli_counts = [int(n) for n in re.findall(r": (\d+) vermelding", r.stderr)]
    page.goto((site / "index.html").as_uri() + "?" + urlencode(options))
    expect(page.locator("#filter-none")).to_be_visible()
    shown = page.locator("#filter-without").text_content() or ""
    assert [int(n) for n in re.findall(r": (\d+) getoond", shown)] == cli_counts
    if options[-1][0] == "phase":
        assert len(cli_counts) == 2
    if not cli_counts:
        assert "ook zonder een van de filters is er niets gevonden" in r.stderr
        assert shown == "Ook zonder een van de filters is er niets gevonden."


def test_every_row_and_entry_carries_its_id_and_the_filter_state_is_the_url(page, site: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto((site / "index.html").as_uri())
    for facet in ("target", "phase", "min-evidence"):
        page.click(f"details[data-facet='{facet}'] > summary")
    page.check("#facet-target input[value='vso']")
    page.check("#facet-target input[value='pro']")
    page.check("#facet-phase input[value='nazorg']")
    page.check("#facet-min-evidence input[value='goed-beschreven']")
    expect(page).to_have_url((site / "index.html").as_uri() + "?target=vso&target=pro&phase=nazorg&min-evidence=goed-beschreven")
    assert all(page.eval_on_selector_all("#index-table tbody tr", "rows => rows.map(r => !!r.dataset.id)"))
    page.goto((site / PAGE_TYPES["entry"]).as_uri())
    assert page.get_attribute("article.entry", "data-id") == "boris-brengt-je-bij-een-baan"


def test_the_filters_work_with_the_keyboard_alone(page, site: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto((site / "index.html").as_uri())
    page.focus("#filter-text")
    page.keyboard.type("nazorg")
    total = page.locator("#index-table tbody tr").count()
    expect(page.locator("#filter-count")).not_to_have_text(f"{total} van {total} getoond")
    page.keyboard.press("Tab")  # to the target-group facet's summary, closed
    assert page.evaluate("document.activeElement.parentElement.dataset.facet") == "target"
    expect(page.locator("details[data-facet='target']")).not_to_have_attribute("open", "")
    page.keyboard.press("Enter")  # opens it
    expect(page.locator("details[data-facet='target']")).to_have_attribute("open", "")
    page.keyboard.press("Tab")  # to its first checkbox
    first = page.evaluate("document.activeElement.name + '=' + document.activeElement.value")
    assert first.startswith("target=")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"[?&]target="))
    expect(page.locator("details[data-facet='target'] summary")).to_have_text("Doelgroep (1 gekozen)")
    expect(page.locator("details[data-facet='target']")).to_have_attribute("open", "")  # stays open while in use
    page.keyboard.press("Space")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")  # Space on the summary closes it again
    expect(page.locator("details[data-facet='target']")).not_to_have_attribute("open", "")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    expect(page.locator("#filter-count")).to_have_text(f"{total} van {total} getoond")
    # the sort menu and the reset button answer to the keyboard too
    page.focus("#sort")
    page.keyboard.press("ArrowDown")  # order -> name
    expect(page).to_have_url(re.compile(r"sort=name"))
    page.click("details[data-facet='phase'] > summary")
    page.check("#facet-phase input[value='nazorg']")
    page.focus("button[type=reset]")
    page.keyboard.press("Enter")
    expect(page.locator("#filter-count")).to_have_text(f"{total} van {total} getoond")


def first_row_top(page: Any) -> float:
    return page.evaluate("[...document.querySelectorAll('#index-table tbody tr')].find(r => !r.hidden).getBoundingClientRect().top")


@pytest.mark.parametrize("query", ["", "?outcome=work&target=vso"])
def test_on_a_desktop_screen_the_first_result_shows_without_scrolling(page, site: Path, query: str) -> None:  # type: ignore[no-untyped-def]
    page.goto((site / "index.html").as_uri() + query)
    expect(page.locator("#filter-count")).to_be_visible()
    row = page.locator("#index-table tbody tr:not([hidden])").first
    box = row.bounding_box()
    assert box is not None and box["y"] + min(box["height"], 40) <= 900, box  # its name shows on the first screen
    assert page.evaluate("scrollY") == 0


def test_on_a_phone_the_results_start_within_two_screens(chromium, site: Path) -> None:  # type: ignore[no-untyped-def]
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto((site / "index.html").as_uri())
        expect(page.locator("#filter-count")).to_be_visible()
        assert first_row_top(page) < 2 * 844 - 40
    finally:
        page.close()


def test_on_a_phone_a_link_with_a_selection_shows_its_first_result_on_the_first_screen(run_cli, chromium, site: Path, studied_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    """The facets fold behind one "Filters (n)" control and the page opens at the results, which
    say what is selected; the introduction is one scroll up."""
    expected = cli_ids(run_cli, [("target", "vso"), ("outcome", "werk")], "", studied_catalogue)
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto((site / "index.html").as_uri() + "?target=vso&outcome=werk")
        expect(page.locator("#filter-count")).to_be_visible()
        assert 0 <= first_row_top(page) and first_row_top(page) + 40 <= 844
        fold = page.locator("#facets-fold")
        expect(fold.locator("> summary")).to_have_text("Filters (2)")
        expect(fold).not_to_have_attribute("open", "")
        expect(page.locator("#filter-summary")).to_be_in_viewport()
        fold.locator("> summary").click()  # the facets are one tap away, the link's facets opened
        expect(page.locator("#facet-target input[value='vso']")).to_be_checked()
        assert shown_ids(page) == expected
    finally:
        page.close()


def test_a_printed_index_says_what_it_shows(run_cli, page, site: Path, studied_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    expected = cli_ids(run_cli, [("target", "vso"), ("outcome", "werk")], "", studied_catalogue)
    page.goto((site / "index.html").as_uri() + "?target=vso&outcome=werk")
    total = page.locator("#index-table tbody tr").count()
    words = (f"Selectie: Doelgroep: Voortgezet speciaal onderwijs (vso); Uitkomst (bevinding van een studie): Werk. "
             f"{len(expected)} van {total} getoond.")
    expect(page.locator("#filter-summary")).to_have_text(re.compile(re.escape(words)))
    expect(page.locator("#index-h")).to_have_text("Interventies en praktijkvoorbeelden in deze selectie")
    page.emulate_media(media="print")
    expect(page.locator("#filter-summary")).to_be_visible()
    expect(page.locator("#filter")).to_be_hidden()  # the form is not printed, its state is
    page.set_viewport_size({"width": 1280, "height": 900})  # a wide page: the filter's column is not kept empty
    assert page.locator(".filter-results").bounding_box()["x"] < page.locator("#index-h").bounding_box()["x"] + 5
    require(shutil.which("pdftotext") is not None, "pdftotext (apt-get install poppler-utils)")
    pdf = tmp_path / "index.pdf"
    pdf.write_bytes(page.pdf())
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert words in text and "in deze selectie" in text
    page.emulate_media(media="screen")
    page.goto((site / "index.html").as_uri())  # no selection: nothing to state, the heading as written
    expect(page.locator("#filter-count")).to_be_visible()
    expect(page.locator("#filter-summary")).to_be_hidden()
    expect(page.locator("#index-h")).to_have_text("Alle interventies en praktijkvoorbeelden")


# The Bewijskaart with the index's filters in its link, against `jwtool gaps` with the same options.
MAP_COMBINATIONS: list[list[tuple[str, str]]] = [
    [], [("target", "vso")], [("phase", "nazorg")], [("kind", "praktijkvoorbeeld")], [("element", "maatwerk")],
    [("outcome", "werk")], [("min-design", "controlegroep")], [("target", "vso"), ("outcome", "werk")],
    [("target", "mbo2")], [("phase", "tijdens-school"), ("phase", "overgang")], [("outcome", "work"), ("min-design", "kwalitatief")],
    [("element", "nazorg"), ("kind", "interventie")], [("target", "pro"), ("min-design", "monitoring")],
    [("element", "maatwerk"), ("element", "nazorg"), ("outcome", "ervaringen")],
]


def gaps_doc(run_cli, options: list[tuple[str, str]], catalogue: Path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    args = ["gaps", "--format", "json", "--catalogue", str(catalogue)]
    for name, value in options:
        args += [f"--{name}", value]
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("options", MAP_COMBINATIONS, ids=lambda v: urlencode(v) or "all")
def test_the_bewijskaart_takes_the_index_filters_and_agrees_with_gaps(run_cli, page, site: Path, studied_catalogue: Path, options) -> None:  # type: ignore[no-untyped-def]
    from jwtool.render.gapmap import design_colours, design_short

    doc = gaps_doc(run_cli, options, studied_catalogue)
    colours = design_colours(load_catalogue(studied_catalogue).vocab)
    page.goto((site / "bewijskaart" / "index.html").as_uri() + ("?" + urlencode(options) if options else ""))
    total = len(cli_ids(run_cli, [], "", studied_catalogue))
    expect(page.locator("#selection-count")).to_have_text(re.compile(rf"^{doc['entries']} van {total} vermeldingen, "))
    text = page.eval_on_selector_all("#gapmap-table tbody tr", "rows => rows.map(r => [r.dataset.row, [...r.cells].slice(1).map(c => c.textContent)])")
    marks = page.eval_on_selector_all("#gapmap tbody tr", """rows => rows.map(r => [r.dataset.row, [...r.cells].slice(1).map(c => {
        const dot = c.querySelector('circle'); return dot ? [dot.getAttribute('class'), Number(dot.getAttribute('r')),
        [...c.querySelectorAll('.cell-list > ul > li > a')].map(a => a.textContent)] : c.textContent; })])""")
    names = {e: n for e, n in page.evaluate("Object.entries(JSON.parse(document.getElementById('gapmap-data').textContent).entries).map(([k, v]) => [k, v.name])")}
    want_text, want_marks = [], []
    for row in doc["map"]:
        carried = bool(row["entries"])
        want_text.append([row["id"], [f"{c['count']} {design_short(c['design'], 'nl')}" if c["count"] else ("·" if carried else "–") for c in row["cells"]]])
        want_marks.append([row["id"], [[f"design-{colours[c['design']]}", None, [names[e] for e in c["entries"]]] if c["count"] else ("·" + ("geen studie: een leemte" if carried else "geen geselecteerde vermelding heeft dit werkzaam element, er valt niets te onderzoeken")) for c in row["cells"]]])
    assert text == want_text
    assert [[r, [[m[0], None, m[2]] if isinstance(m, list) else m for m in cells]] for r, cells in marks] == [
        [r, [m if isinstance(m, list) else m.replace("·", "–", 1) if "geselecteerde" in m else m for m in cells]] for r, cells in want_marks]
    counts = {c["count"]: m[1] for row, (_, cells) in zip(doc["map"], marks) for c, m in zip(row["cells"], cells) if c["count"]}
    assert [counts[n] for n in sorted(counts)] == sorted(counts.values())  # more studies, a larger mark
    if options:
        expect(page.locator("#selection-words")).not_to_have_text("Geen selectie: alle interventies en praktijkvoorbeelden.")


@pytest.mark.parametrize("query", ["", "?target=vso"])
def test_an_english_bewijskaart_marks_the_records_own_study_titles_as_dutch(run_cli, page, studied_catalogue: Path, tmp_path: Path, query: str) -> None:  # type: ignore[no-untyped-def]
    # a study's own title is the catalogue's Dutch, jwtool's "Study of ..." is the page's English;
    # as the page is rendered ("") and as its script draws it again for a selection ("?target=vso")
    from jwtool.labels.fields import study_title

    assert run_cli("render", "overview", "--format", "html", "--lang", "en", "-o", str(tmp_path / "site"), "--catalogue", str(studied_catalogue)).exit_code == 0
    cat = load_catalogue(studied_catalogue)
    own = {own: {study_title(s, e, "en")[0] for e in cat.entries for s in e.studies if study_title(s, e, "en")[1] is own} for own in (True, False)}
    page.goto((tmp_path / "site" / "bewijskaart" / "index.html").as_uri() + query)
    shown = page.eval_on_selector_all("#gapmap .cell-list ul.studies > li", """items => items.map(li => {
        const first = li.firstChild; return [first.nodeType === 1 ? first.getAttribute('lang') : null, first.textContent.trim()]; })""")
    assert {t for _, t in shown} & own[True] and {t for _, t in shown} & own[False]  # the map shows titles of both kinds
    assert all(lang == ("nl" if t in own[True] else None) for lang, t in shown), [x for x in shown if (x[0] == "nl") != (x[1] in own[True])][:3]


def test_the_bewijskaart_says_it_does_not_search_text(run_cli, page, site: Path, studied_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    # `jwtool gaps` has no text search; the map, which agrees with it, names a q= and maps the facets
    doc = gaps_doc(run_cli, [("target", "vso")], studied_catalogue)
    page.goto((site / "bewijskaart" / "index.html").as_uri() + "?target=vso&q=zzzz")
    expect(page.locator("#selection-text")).to_have_text("De bewijskaart filtert niet op zoektekst ('zzzz'), net als jwtool gaps; het overzicht doet dat wel.")
    expect(page.locator("#selection-count")).to_have_text(re.compile(rf"^{doc['entries']} van "))
    page.goto((site / "bewijskaart" / "index.html").as_uri() + "?target=vso")
    expect(page.locator("#selection-text")).to_be_hidden()


def test_ten_map_combinations_at_least() -> None:
    assert len(MAP_COMBINATIONS) >= 10


def test_the_bewijskaart_reads_at_a_glance_by_mouse_keyboard_and_screen_reader(page, site: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto((site / "bewijskaart" / "index.html").as_uri())
    legend, table = page.locator("#gapmap-legend").bounding_box(), page.locator("#gapmap").bounding_box()
    assert legend and table and legend["y"] + legend["height"] <= table["y"]  # the legend comes first
    assert page.locator("#gapmap-legend .legend-designs li").count() == len(page.evaluate("Object.keys(JSON.parse(document.getElementById('gapmap-data').textContent).ranks)"))
    cell = page.locator("#gapmap td.mark-cell").first
    tip = cell.locator(".tip")
    expect(tip).to_be_hidden()
    cell.locator("summary").hover()
    expect(tip).to_be_visible()
    expect(tip).to_have_text(re.compile(r"^\d+ studies? · \S"))
    page.mouse.move(0, 0)
    expect(tip).to_be_hidden()
    page.focus("#gapmap td.mark-cell summary >> nth=1")  # reached by keyboard
    second = page.locator("#gapmap td.mark-cell").nth(1)
    expect(second.locator(".tip")).to_be_visible()
    name = second.locator("summary .visually-hidden").text_content()
    assert re.fullmatch(r"[^,]+, [^:]+: \d+ studies?; sterkste opzet: .+", name or ""), name  # what a screen reader reads
    page.keyboard.press("Enter")
    expect(second.locator(".cell-list")).to_be_visible()
    links = second.locator(".cell-list a")
    assert links.count() >= 1 and second.locator(".cell-list ul.studies li").count() >= 1
    page.keyboard.press("Tab")  # into the opened list: its first entry
    assert page.evaluate("document.activeElement.closest('.cell-list') !== null")
    assert page.locator("#gapmap-text").evaluate("d => !d.open")  # the text table is there, folded
    page.locator("#gapmap-text > summary").click()
    expect(page.locator("#gapmap-table")).to_be_visible()


def test_on_a_phone_the_bewijskaart_keeps_its_row_names_in_view(chromium, site: Path) -> None:  # type: ignore[no-untyped-def]
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto((site / "bewijskaart" / "index.html").as_uri() + "?outcome=werk")
        box = page.locator(".gap-scroll:has(#gapmap)")
        box.scroll_into_view_if_needed()
        box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        assert box.evaluate("el => el.scrollLeft > 0")
        name = page.locator("#gapmap tbody th").first.bounding_box()
        assert name and 0 <= name["x"] and name["x"] + name["width"] <= 390  # sticks to the left edge
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        assert page.evaluate(BROKEN_WORDS, "#gapmap tbody th") == []
    finally:
        page.close()


def test_the_old_folder_of_the_bewijskaart_sends_the_reader_on(page, site: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto((site / "studiekaart" / "index.html").as_uri())
    page.wait_for_url("**/bewijskaart/index.html")
    expect(page.locator("h1")).to_have_text(re.compile("^Bewijskaart"))
    page.goto((site / "studiekaart" / "index.html").as_uri() + "?target=vso#gapmap")  # an old link with a selection keeps it
    page.wait_for_url("**/bewijskaart/index.html?target=vso#gapmap")
    expect(page.locator("#gapmap-selection, .selection").first).to_contain_text("vso")


def test_facets_open_where_the_link_selects_and_stay_closed_elsewhere(page, site: Path) -> None:  # type: ignore[no-untyped-def]
    page.goto((site / "index.html").as_uri() + "?outcome=work&target=vso&target=pro&min-design=kwalitatief")
    expect(page.locator("#filter-count")).to_be_visible()
    opened = page.eval_on_selector_all("details[data-facet]", "ds => ds.filter(d => d.open).map(d => d.dataset.facet)")
    assert sorted(opened) == ["min-design", "outcome", "target"]
    closed = page.eval_on_selector_all("details[data-facet]", "ds => ds.filter(d => !d.open).map(d => d.dataset.facet)")
    assert closed and set(closed).isdisjoint(opened)
    expect(page.locator("details[data-facet='target'] summary")).to_have_text("Doelgroep (2 gekozen)")
    expect(page.locator("details[data-facet='phase'] summary")).to_have_text("Fase")
    # a screen reader still meets each facet's options as a group named by its legend
    assert page.locator("details[data-facet='target'] fieldset#facet-target > legend").text_content() == "Doelgroep"
    page.goto((site / "index.html").as_uri())
    expect(page.locator("#filter-count")).to_be_visible()
    assert page.eval_on_selector_all("details[data-facet]", "ds => ds.filter(d => d.open).length") == 0


@pytest.mark.parametrize(("query", "notice"), [
    ("?outcome=wrok", "Onbekende waarde in de link: outcome=wrok."),
    ("?target=vsoo&phase=nazorg", "Onbekende waarde in de link: target=vsoo."),
    ("?kind=interventi&kind=praktijkvoorbeeld", "Onbekende waarde in de link: kind=interventi."),
])
def test_a_value_the_page_does_not_know_is_named_not_silently_dropped(run_cli, page, site: Path, studied_catalogue: Path, query: str, notice: str) -> None:  # type: ignore[no-untyped-def]
    name, value = notice.rsplit(" ", 1)[1].rstrip(".").split("=")
    assert run_cli("search", f"--{name}", value, "--catalogue", studied_catalogue).exit_code == 2  # the CLI refuses it too
    page.goto((site / "index.html").as_uri() + query)
    expect(page.locator("#filter-unknown")).to_have_text(notice)
    page.goto((site / "index.html").as_uri() + "?outcome=werk")
    expect(page.locator("#filter-count")).to_be_visible()
    expect(page.locator("#filter-unknown")).to_be_hidden()


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_page_scrolls_sideways_on_a_phone(chromium, site: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto((site / PAGE_TYPES[kind]).as_uri() + ("?target=vso&phase=nazorg" if kind == "index" else ""))
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        page.close()


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_axe_finds_no_serious_or_critical_violation(chromium, axe_source: str, site: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    for width in (1280, 390):
        context = chromium.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)  # to inject axe
        try:
            page = context.new_page()
            page.goto((site / PAGE_TYPES[kind]).as_uri())
            assert serious_axe_violations(page, axe_source) == [], (kind, width)
        finally:
            context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_finding_s_one_word_cells_never_break_inside_the_word(chromium, site: Path, width: int) -> None:  # type: ignore[no-untyped-def]
    """Direction and outcome words ("positief", "Zelfredzaamheid") stay whole: a table at 1280 px,
    a card per finding at 390 px."""
    page = chromium.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto((site / PAGE_TYPES["entry-with-studies"]).as_uri())
        lines = page.eval_on_selector_all("table.findings tbody td:first-of-type", """cells => cells.map(td => {
            const text = [...td.childNodes].find(n => n.nodeType === 3), range = document.createRange();
            range.selectNodeContents(text);
            return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })""")
        assert lines and set(lines) == {1}
        shown = page.eval_on_selector_all("table.findings tbody tr", "rows => rows.map(r => getComputedStyle(r).display)")
        assert set(shown) == ({"table-row"} if width == 1280 else {"block"})
    finally:
        page.close()


def test_a_printed_entry_s_figure_and_finding_tables_break_no_word(chromium, site: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Printed on A4 portrait, the tables of figures and findings keep their columns as wide as
    their longest word, as on screen: no 'Uitko / mst', 'deelne / mers' in a column a fifth of
    the half page beside the labels."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((site / "interventies" / "aanpak-drechtsteden" / "index.html").as_uri())
        pdf = tmp_path / "entry.pdf"
        pdf.write_bytes(page.pdf(format="A4"))
    finally:
        page.close()
    require(shutil.which("pdftotext") is not None, "pdftotext (apt-get install poppler-utils)")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = set(text.split())
    assert {"Uitkomst", "Richting", "Vergelijking", "Maat", "Waarde", "deelnemers", "participatieplek."} <= words, sorted(words)
    assert not {"Uitko", "Richti", "Vergel", "deelne", "deelnem"} & words


def test_a_printed_bewijskaart_writes_each_marks_count_and_design(chromium, site: Path, run_cli, studied_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """On paper (also in grey) a mark says what its size and colour say, '1 MON', cell by cell as
    `jwtool gaps` counts them; also in the cells the page's script draws for a selection."""
    require(shutil.which("pdftotext") is not None, "pdftotext (apt-get install poppler-utils)")
    rows = csv.DictReader(io.StringIO(run_cli("gaps", "--format", "csv", "--target", "vso", "--catalogue", studied_catalogue).stdout.lstrip("\ufeff")))
    counts = [r["count"] for r in rows if r["count"] != "0"]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((site / "bewijskaart" / "index.html").as_uri() + "?target=vso")
        expect(page.locator("#gapmap .mark-print")).to_have_count(len(counts))
        marks = page.eval_on_selector_all("#gapmap .mark-print", "els => els.map(e => e.textContent)")
        pdf = tmp_path / "bewijskaart.pdf"
        pdf.write_bytes(page.pdf(format="A4"))
    finally:
        page.close()
    assert [m.split()[0] for m in marks] == counts and all(re.fullmatch(r"\d+ [A-Z]+", m) for m in marks), marks
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert all(m in text for m in marks), (marks, text[:500])


@pytest.mark.parametrize("width", [1280, 1024])
def test_no_name_in_the_index_breaks_inside_a_word_beside_the_facets(chromium, site: Path, width: int) -> None:  # type: ignore[no-untyped-def]
    page = chromium.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto((site / "index.html").as_uri())
        assert page.evaluate(BROKEN_WORDS, "#index-table th, #index-table td") == []
    finally:
        page.close()


def _pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF (pdftotext puts a form feed after each page)."""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")[:-1]


def _word_height(pdf: Path, word: str) -> float:
    """The height in points of the first `word` in the PDF: the same word in the same style is as
    high on every page unless Chromium shrank the page to fit something too wide."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    m = re.search(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">' + re.escape(word) + "</word>", bbox)
    assert m, word
    return float(m[2]) - float(m[1])


@pytest.mark.parametrize("slug", ["jongerenpunten", "boris-brengt-je-bij-een-baan", "learn2work", "rode-loper-achterhoek"])
def test_a_printed_entry_starts_its_fields_on_page_one_at_full_size_and_ends_with_more_than_the_footer(
        chromium, site: Path, tmp_path: Path, slug: str) -> None:  # type: ignore[no-untyped-def]
    """Printed on A4 (as from the browser's print dialog), an entry's field list follows its summary
    on page 1 (a grid of all fields with break-after: avoid on every dt went whole to page 2); a
    table of figures or findings prints inside the margins at 100% (too wide beside the labels,
    Chromium shrank the page to ~77%); and the last page holds more than the footer."""
    require(shutil.which("pdftotext") is not None, "pdftotext (apt-get install poppler-utils)")
    pdfs, titles = {}, {}
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        for name in ("jongerenpunten", slug):
            page.goto((site / "interventies" / name / "index.html").as_uri())
            page.emulate_media(media="print")
            labels = page.eval_on_selector_all("article.entry > dl.fields dt", "dts => dts.map(d => d.textContent.trim())")
            footer = " ".join(page.locator("footer.site").inner_text().split())
            titles[name] = page.locator("h1").inner_text().split()[0]
            pdfs[name] = tmp_path / f"{name}.pdf"
            pdfs[name].write_bytes(page.pdf(format="A4", prefer_css_page_size=True))
    finally:
        page.close()
    pages = [" ".join(p.split()) for p in _pdf_pages(pdfs[slug])]
    assert labels and labels[0] in pages[0] and labels[1] in pages[0], (labels[:2], pages[0][:300])
    assert pages[-1] != footer and len(pages[-1]) > len(footer), pages[-1]
    # the title's first word, 1.9rem on every entry: as high here as on an entry without tables
    assert _word_height(pdfs[slug], titles[slug]) == pytest.approx(_word_height(pdfs["jongerenpunten"], titles["jongerenpunten"]), abs=0.05)


def _print_a4(chromium, url: str, pdf: Path) -> None:  # type: ignore[no-untyped-def]
    """The page printed on A4 as from a desktop browser's print dialog (1280 px window, the page's
    own @page sizes, so a landscape table gets its landscape pages)."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url)
        pdf.write_bytes(page.pdf(format="A4", prefer_css_page_size=True))
    finally:
        page.close()


PRINT_ENDS = ["elementen-per-fase/index.html", "bewijskaart/index.html",
              *(f"interventies/{slug}/index.html" for slug in ("2getthere", "project-ja", "doorstroomprogramma-alliantie-mbo-arbeidsmarkt"))]


@pytest.mark.parametrize("path", PRINT_ENDS)
def test_a_printed_page_never_ends_on_a_page_of_only_the_footer(chromium, site: Path, tmp_path: Path, path: str) -> None:  # type: ignore[no-untyped-def]
    """Printed on A4, the last page holds part of the page's content, never the footer alone (at
    the end, a footer that did not fit under the last field took a page of its own; after the
    landscape table of elementen-per-fase the change of page type always forced one) nor nothing."""
    require(shutil.which("pdftotext") is not None, "pdftotext (apt-get install poppler-utils)")
    pdf = tmp_path / "page.pdf"
    _print_a4(chromium, (site / path).as_uri(), pdf)
    footer = " ".join((site / path).read_text(encoding="utf-8").split('<footer class="site">')[1].split("</footer>")[0].split())
    footer = " ".join(re.sub(r"<[^>]+>", "", footer).split())
    pages = [" ".join(p.split()) for p in _pdf_pages(pdf)]
    assert footer.startswith("Gemaakt met jwtool") and footer in " ".join(pages), footer  # printed once, whole
    last = pages[-1].replace(footer, "").strip()
    assert last, (len(pages), pages[-1])


def test_a_printed_bewijskaart_ends_with_more_than_one_row(chromium, site: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The study map prints on landscape pages; its last page holds more than one row of the table
    (a row taller than needed, its name on three lines in a 10rem column, and the footer that
    carried the last row along made a fifth page of one row under the repeated header)."""
    require(shutil.which("pdftotext") is not None, "pdftotext (apt-get install poppler-utils)")
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((site / "bewijskaart" / "index.html").as_uri())
        rows = page.eval_on_selector_all("#gapmap tbody th", "ths => ths.map(th => th.textContent.trim())")
        pdf = tmp_path / "bewijskaart.pdf"
        pdf.write_bytes(page.pdf(format="A4", prefer_css_page_size=True))
    finally:
        page.close()
    # in content order (-raw) a name on two lines reads as one; -layout puts its row's marks between them
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")[:-1]
    pages = [" ".join(p.split()) for p in raw]
    on_page = [[r for r in rows if " ".join(r.split()) in p] for p in pages]
    assert sum(map(len, on_page)) == len(rows), on_page  # every row printed, each name whole on one page
    assert len(on_page[-1]) > 1, (len(pages), on_page[-1])


def test_a_printed_index_breaks_no_name_inside_a_word(chromium, site: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Printed on A4 from a wide window, the index is a table whose name column is as wide as its
    longest word ('Doorstroomprogramma', 'Combinatiefunctionarissen'), as on screen; a name breaks
    only between words or after a hyphen."""
    require(shutil.which("pdftotext") is not None, "pdftotext (apt-get install poppler-utils)")
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto((site / "index.html").as_uri())
        names = page.eval_on_selector_all("#index-table tbody th a", "links => links.map(a => a.textContent)")
        pdf = tmp_path / "index.pdf"
        pdf.write_bytes(page.pdf(format="A4", prefer_css_page_size=True))
    finally:
        page.close()
    words = set(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    whole = {w for n in names for w in n.split() if "-" not in w}
    assert len(names) > 20 and "Doorstroomprogramma" in whole
    assert sorted(whole - words) == []
