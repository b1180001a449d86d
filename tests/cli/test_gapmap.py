"""The evidence gap map in its standard form (issue 18, point 4): working elements (or groups, or
entries) × outcome domains, each cell the number of distinct studies with a finding on that
outcome, the strongest design among them and the entries behind it; empty cells are gaps."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import HOSTILE_TEXT
from jwtool.catalogue.load import load_catalogue
from jwtool.catalogue.model import Study
from jwtool.graph.gapmap import design_ranks, gap_map, strongest
from jwtool.render.gapmap import CSV_COLUMNS, mark_radius

REPO = Path(__file__).resolve().parents[2]
# The outcome domains are the columns: werk, onderwijs, werk-of-onderwijs, ... (nine).
OUTCOMES = [t["id"] for t in yaml.safe_load((REPO / "schemas" / "vocabularies" / "outcome-domains.yaml").read_text(encoding="utf-8"))["terms"]]


def _cells(gm, row_id: str) -> dict[str, tuple[int, str, list[str], list[str]]]:  # type: ignore[no-untyped-def]
    """outcome -> (count, strongest design, entry ids, study ids) of one row, non-empty cells only."""
    row = next(r for r in gm.rows if r.id == row_id)
    return {c.outcome: (c.count, c.design, [e.id for e in c.entries], list(c.studies)) for c in row.cells if c.count}


@pytest.fixture
def cat(gapmap_catalogue: Path):  # type: ignore[no-untyped-def]
    return load_catalogue(gapmap_catalogue, use_cache=False)


# --- the library -------------------------------------------------------------------------------


def test_a_cell_counts_each_study_once_and_names_the_strongest_design(cat) -> None:  # type: ignore[no-untyped-def]
    gm = gap_map(cat.entries, cat.vocab)
    # alpha-monitor has two findings on werk and counts once; alpha-vergelijking (controlegroep)
    # outranks monitoring and beta's kwalitatief interviews
    assert _cells(gm, "individuele-begeleiding") == {
        "werk": (3, "controlegroep", ["alpha", "beta"], ["alpha-monitor", "alpha-vergelijking", "beta-interviews"]),
        "onderwijs": (1, "gerandomiseerd", ["beta"], ["beta-rct"]),  # a study of two designs: the stronger counts
        "welzijn-participatie": (1, "kwalitatief", ["delta"], ["delta-gesprekken"]),
        "ervaringen": (1, "monitoring", ["alpha"], ["alpha-monitor"]),
    }
    row = next(r for r in gm.rows if r.id == "individuele-begeleiding")
    assert row.count == 5 and [e.id for e in row.entries] == ["alpha", "beta", "delta"]


def test_every_element_and_outcome_of_the_vocabularies_is_kept_so_the_gaps_show(cat) -> None:  # type: ignore[no-untyped-def]
    gm = gap_map(cat.entries, cat.vocab)
    assert [r.id for r in gm.rows] == [t.id for t in cat.vocab["working-elements"]]
    assert [c for c, _ in gm.columns] == [t.id for t in cat.vocab["outcome-domains"]]
    assert all(len(r.cells) == len(gm.columns) for r in gm.rows)
    intensive = next(r for r in gm.rows if r.id == "intensieve-begeleiding")
    assert intensive.entries == () and intensive.count == 0 and all(c.count == 0 and c.design == "" for c in intensive.cells)
    # gamma carries maatwerk but has no study; beta's studies fill maatwerk's cells
    assert _cells(gm, "maatwerk") == {"werk": (1, "kwalitatief", ["beta"], ["beta-interviews"]),
                                      "onderwijs": (1, "gerandomiseerd", ["beta"], ["beta-rct"])}


def test_the_element_tags_come_from_components_working_elements_or_both(cat) -> None:  # type: ignore[no-untyped-def]
    # alpha's components tag loopbaanorientatie; only gamma (no studies) names it as a working element
    for source, expected in (("all", {"werk": 2, "ervaringen": 1}), ("components", {"werk": 2, "ervaringen": 1}), ("working-elements", {})):
        gm = gap_map(cat.entries, cat.vocab, source=source)
        assert {o: n for o, (n, *_) in _cells(gm, "loopbaanorientatie").items()} == expected, source
    # werkervaring: alpha's Stage component alone, or alpha, beta and delta's working elements
    assert _cells(gap_map(cat.entries, cat.vocab, source="components"), "werkervaring")["werk"][2] == ["alpha"]
    assert _cells(gap_map(cat.entries, cat.vocab, source="working-elements"), "werkervaring")["werk"][2] == ["alpha", "beta"]


def test_groups_rows_gather_the_entries_of_their_elements(cat) -> None:  # type: ignore[no-untyped-def]
    wev = cat.vocab["working-elements"]
    gm = gap_map(cat.entries, cat.vocab, rows_by="groups")
    assert [r.id for r in gm.rows] == list(wev.groups)
    assert _cells(gm, "begeleiding")["werk"] == (3, "controlegroep", ["alpha", "beta"], ["alpha-monitor", "alpha-vergelijking", "beta-interviews"])
    assert _cells(gm, "samenwerking") == {}  # a group no entry draws on is a row of gaps
    # a study reached through two elements of one group still counts once
    assert _cells(gm, "werk-en-praktijk")["werk"][0] == 3


def test_entries_rows_show_each_entry_s_own_studies_in_report_order(cat) -> None:  # type: ignore[no-untyped-def]
    gm = gap_map(cat.entries, cat.vocab, rows_by="entries")
    assert [r.id for r in gm.rows] == ["alpha", "beta", "gamma", "delta", "epsilon"]
    assert _cells(gm, "alpha") == {"werk": (2, "controlegroep", ["alpha"], ["alpha-monitor", "alpha-vergelijking"]),
                                   "ervaringen": (1, "monitoring", ["alpha"], ["alpha-monitor"])}
    assert _cells(gm, "gamma") == {}


def test_the_strongest_design_is_the_highest_rank_and_an_unknown_design_the_weakest(cat) -> None:  # type: ignore[no-untyped-def]
    ranks = design_ranks(cat.vocab)
    assert ranks["gerandomiseerd"] > ranks["controlegroep"] > ranks["monitoring"] > ranks["theoretisch"]
    s = lambda *designs: Study(id="s", designs=designs, findings=())  # noqa: E731
    assert strongest([s("kwalitatief"), s("voor-nameting", "theoretisch")], ranks) == "voor-nameting"
    assert strongest([s("onbekend"), s("theoretisch")], ranks) == "theoretisch"
    assert strongest([], ranks) == ""


def test_the_map_is_the_same_whatever_the_order_of_the_entries(cat) -> None:  # type: ignore[no-untyped-def]
    from jwtool.render.gapmap import document

    assert document(gap_map(cat.entries, cat.vocab), cat.vocab) == document(gap_map(cat.entries[::-1], cat.vocab), cat.vocab)


def test_unknown_rows_or_sources_are_refused(cat) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="elements, groups, entries"):
        gap_map(cat.entries, cat.vocab, rows_by="phases")
    with pytest.raises(ValueError, match="all, components, working-elements"):
        gap_map(cat.entries, cat.vocab, source="notes")


# --- the command line --------------------------------------------------------------------------


def test_json_keeps_ids_and_gives_each_cell_its_count_design_entries_and_studies(run_cli, gapmap_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, "--format", "json", "--lang", "en")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert (doc["rows"], doc["from"], doc["entries"]) == ("elements", "all", 5)
    assert [c["id"] for c in doc["columns"]][:2] == ["werk", "onderwijs"]
    assert doc["designs"][0]["id"] == "gerandomiseerd"
    row = next(x for x in doc["map"] if x["id"] == "individuele-begeleiding")
    assert row["name"] == "Individuele begeleiding" and row["group"] == "begeleiding"  # JSON is the same in every language
    assert row["cells"][0] == {"outcome": "werk", "count": 3, "design": "controlegroep", "entries": ["alpha", "beta"],
                               "studies": ["alpha-monitor", "alpha-vergelijking", "beta-interviews"]}
    assert row["cells"][OUTCOMES.index("startkwalificatie")] == {"outcome": "startkwalificatie", "count": 0, "design": None, "entries": [], "studies": []}


def test_csv_is_long_one_line_per_cell_for_pandas_or_r(run_cli, gapmap_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, "--rows", "entries", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 5 * len(OUTCOMES)  # every entry × every outcome domain, gaps included
    alpha_work = next(x for x in rows if x["row_id"] == "alpha" and x["outcome"] == "werk")
    assert alpha_work == {"row_kind": "entries", "row_id": "alpha", "row_name": "Alfa naar werk", "row_entries": "1", "outcome": "werk", "outcome_name": "Werk",
                          "count": "2", "design": "controlegroep", "design_name": "Vergelijking met een controle- of vergelijkingsgroep",
                          "entries": "alpha", "studies": "alpha-monitor | alpha-vergelijking"}
    assert next(x for x in rows if x["row_id"] == "gamma" and x["outcome"] == "werk")["count"] == "0"


def test_csv_tells_a_gap_from_a_row_no_entry_has(run_cli, gapmap_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    rows = list(csv.DictReader(io.StringIO(run_cli("gaps", "--catalogue", gapmap_catalogue, "--format", "csv").stdout.lstrip("\ufeff"))))
    werk = {x["row_id"]: (x["row_entries"], x["count"]) for x in rows if x["outcome"] == "werk"}
    assert werk["maatwerk"] == ("2", "1") and werk["loopbaancompetenties"] == ("1", "0")  # the latter: a gap
    assert werk["warme-overdracht"] == ("0", "0")  # nobody has it: not a gap in the studies


def test_markdown_is_a_table_with_a_legend(run_cli, gapmap_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, "--rows", "groups", "--format", "md", "--lang", "en")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("| Group of working elements | Work | Education and return to school |")
    assert lines[1] == "|" + " --- |" * (1 + len(OUTCOMES))
    assert "| Guidance of the young person | 3 CG | 1 RCT | · |" in r.stdout
    assert "RCT = Randomised trial" in lines[-1] and "· = no study, a gap" in lines[-1]


def test_piped_the_table_is_a_header_and_tab_separated_rows_and_the_legend_goes_to_stderr(run_cli, gapmap_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, "--from", "working-elements", env={"NO_COLOR": "1"})
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["Werkzaam element", "Werk", "Onderwijs en terugkeer naar school"]
    assert lines[1].split("\t")[:4] == ["Individuele begeleiding", "3 CG", "1 RCT", "·"]
    assert "Loopbaanoriëntatie\t·\t·" in r.stdout  # only gamma names it as a working element, and has no study
    assert "\x1b" not in r.stdout
    assert "RCT = Gerandomiseerd onderzoek;" in r.stderr and "· = geen studie, een leemte" in r.stderr
    assert "(RCT)" not in r.stderr  # the legend does not repeat the short label it explains


def test_on_a_terminal_a_table_with_the_legend_under_it(run_cli, terminal, gapmap_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    terminal(200)
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, "--rows", "entries", "--lang", "en")
    assert r.exit_code == 0, r.stderr
    assert "Studies by outcome: 5 studies in 5 entries" in r.stdout
    assert re.search(r"Alfa naar werk\s+2 CG\s+·", r.stdout)
    assert any(line.startswith("A cell: the number of studies") for line in r.stdout.splitlines())
    assert r.stdout.rstrip().endswith("· = no study, a gap.")  # entries rows always have their entry: no "–"
    assert "\x1b" not in r.stdout


def _names(gapmap_catalogue: Path, lang: str, table: bool) -> list[str]:
    """The names a terminal shows: every row's; the corner and every outcome in a table, in the
    compact form the outcomes that some row has a study on."""
    from jwtool.render import gapmap as doc

    cat = load_catalogue(gapmap_catalogue, use_cache=False)
    gm = gap_map(cat.entries, cat.vocab)
    rows = [doc.row_label(gm, r.id, r.label, cat.vocab, lang) for r in gm.rows]
    studied = {c.outcome for r in gm.rows for c in r.cells if c.count}
    outcomes = [doc.column_label(c, cat.vocab, lang) for c, _ in gm.columns if table or c in studied]
    return rows + outcomes + ([doc.label("gapmap.rows.elements", lang)] if table else [])


@pytest.mark.parametrize("width", [60, 80, 100, 160, 200])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_on_a_terminal_of_any_width_no_word_is_cut_in_two(run_cli, terminal, gapmap_catalogue: Path, width: int, lang: str) -> None:  # type: ignore[no-untyped-def]
    terminal(width)
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, "--lang", lang)
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    shown = set(r.stdout.split())
    for name in _names(gapmap_catalogue, lang, table=width >= 160):
        assert set(name.split()) <= shown, name  # every word of every header and row name whole


def test_on_a_wide_terminal_the_row_names_get_their_room(run_cli, terminal, gapmap_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    terminal(180)  # nine outcome columns
    r = run_cli("gaps", "--catalogue", gapmap_catalogue)
    assert re.search(r"^ ?Trainen van \(loopbaan\)competenties +· ", r.stdout, re.MULTILINE)  # one line, not squeezed
    assert re.search(r"^ ?Individuele begeleiding +3 CG +1 RCT +· ", r.stdout, re.MULTILINE)


def test_on_a_narrow_terminal_each_row_lists_its_outcomes_with_studies(run_cli, terminal, gapmap_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    terminal(80)
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, "--from", "working-elements")
    lines = [line.rstrip() for line in r.stdout.splitlines()]
    assert lines[0] == "Studies per uitkomst: 5 studies in 5 vermeldingen"
    at = lines.index("Individuele begeleiding")
    assert lines[at + 1:at + 3] == ["  Werk 3 CG · Onderwijs en terugkeer naar school 1 RCT ·",  # an outcome stays with its count
                                    "  Welzijn en participatie 1 KWAL · Ervaringen en tevredenheid 1 MON"]
    at = lines.index("Loopbaanoriëntatie")  # gamma has it, without a study: a gap
    assert lines[at + 1] == "  · geen studie: een leemte"
    at = lines.index("Intensieve begeleiding")  # no entry has it: nothing to study
    assert lines[at + 1] == "  – geen geselecteerde vermelding heeft dit werkzaam element, er valt niets te"
    assert "· = geen studie, een leemte. – = geen geselecteerde vermelding heeft dit werkzaam element" in " ".join(lines)


# --- a gap, or no entry at all -----------------------------------------------------------------


def test_a_row_no_selected_entry_carries_is_marked_apart_from_a_gap(run_cli, gapmap_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, "--from", "working-elements", "--lang", "en")
    assert "Intensive guidance\t–\t–\t–" in r.stdout  # no entry has the element
    assert "Career orientation\t·\t·" in r.stdout  # gamma has it, no study: a gap
    assert "· = no study, a gap. – = no selected entry has this working element, there is nothing to study." in r.stderr
    md = run_cli("gaps", "--catalogue", gapmap_catalogue, "--from", "working-elements", "--format", "md", "--lang", "en").stdout
    assert "| Intensive guidance | – | – |" in md and "| Career orientation | · | · |" in md
    assert "– = no selected entry has this working element" in md.splitlines()[-1]
    groups = run_cli("gaps", "--catalogue", gapmap_catalogue, "--rows", "groups", "--kind", "praktijkvoorbeeld", "--format", "md", "--lang", "en").stdout
    assert "– = no selected entry has an element of this group" in groups
    doc = json.loads(run_cli("gaps", "--catalogue", gapmap_catalogue, "--format", "json").stdout)
    row = next(x for x in doc["map"] if x["id"] == "intensieve-begeleiding")
    assert row["entries"] == [] and {c["count"] for c in row["cells"]} == {0}  # JSON as before: entries say it


@pytest.mark.slow
def test_the_html_gap_map_marks_rows_without_entries_and_explains_every_marker(run_cli, gapmap_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "page.html"
    assert run_cli("render", "overview", "--catalogue", gapmap_catalogue, "-o", out).exit_code == 0
    section = out.read_text(encoding="utf-8").split('<section id="bewijskaart"')[1].split("</section>")[0]
    row = section.split('<th scope="row">Intensieve begeleiding</th>')[1].split("</tr>")[0]
    none = ('<td class="gap-cell no-entries"><span aria-hidden="true">–</span><span class="visually-hidden">'
            "geen geselecteerde vermelding heeft dit werkzaam element, er valt niets te onderzoeken</span></td>")
    assert row.count(none) == len(OUTCOMES) and "leemte" not in row
    gap = section.split('<th scope="row">Loopbaanoriëntatie</th>')[1].split("</tr>")[0]
    assert 'class="gap-cell"' in gap and "no-entries" not in gap
    legend = section.split('<div class="gap-legend" id="gapmap-legend">')[1].split('<p class="map-caption"')[0]  # above the map
    assert '<li><span class="swatch gap-cell" aria-hidden="true">·</span> geen studie: een leemte</li>' in legend
    assert '<li><span class="swatch gap-cell no-entries" aria-hidden="true">–</span> geen geselecteerde vermelding heeft dit werkzaam element' in legend
    assert '<li><span class="swatch empty-row" aria-hidden="true">Werkzaam element</span> grijze naam: geen enkele studie in deze rij</li>' in legend
    md = run_cli("render", "overview", "--catalogue", gapmap_catalogue, "--format", "md", "-o", tmp_path / "o.md")
    assert md.exit_code == 0
    text = (tmp_path / "o.md").read_text(encoding="utf-8")
    assert "| Intensieve begeleiding | – |" in text and "; – = geen geselecteerde vermelding heeft dit werkzaam element" in text
    assert "RCT = Gerandomiseerd onderzoek;" in text and "= Gerandomiseerd onderzoek (RCT)" not in text  # no "RCT = … (RCT)"
    assert "RCT = Gerandomiseerd onderzoek;" in section and "= Gerandomiseerd onderzoek (RCT)" not in section


def test_the_search_filters_apply(run_cli, gapmap_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, "--kind", "praktijkvoorbeeld", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["entries"] == 2
    row = next(x for x in doc["map"] if x["id"] == "individuele-begeleiding")
    assert {c["outcome"]: c["count"] for c in row["cells"] if c["count"]} == {"welzijn-participatie": 1}
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, "--target", "vso", "--rows", "entries", "--format", "json")
    assert [x["id"] for x in json.loads(r.stdout)["map"]] == ["alpha", "delta"]


@pytest.mark.parametrize("args", [("--rows", "phases"), ("--from", "notes"), ("--format", "xml"), ("--kind", "nope"), ("--lang", "fr")])
def test_a_bad_option_is_a_usage_error(run_cli, gapmap_catalogue: Path, args: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, *args)
    assert r.exit_code == 2 and r.stdout == ""
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(("args", "meant"), [
    (("gaps", "--rows", "element"), "elements"), (("gaps", "--rows", "Groups"), "groups"),
    (("gaps", "--from", "component"), "components"), (("elements", "--from", "werkzame-elementen"), "working-elements"),
    (("gaps", "--kind", "praktijkvoorbeld"), "praktijkvoorbeeld"), (("elements", "--by", "phases"), "phase"),
])
def test_a_mistyped_choice_suggests_the_closest_value(run_cli, gapmap_catalogue: Path, args: tuple[str, ...], meant: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(*args, "--catalogue", gapmap_catalogue)
    assert r.exit_code == 2 and f"(bedoelde u {meant!r}?)" in r.stderr


def test_a_choice_far_from_every_value_suggests_nothing(run_cli, gapmap_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("gaps", "--rows", "xyz", "--catalogue", gapmap_catalogue)
    assert r.exit_code == 2 and "bedoelde u" not in r.stderr and "kies uit: elements, groups, entries" in r.stderr


def test_the_csv_starts_with_a_bom_and_the_readme_says_how_to_read_it(run_cli, gapmap_catalogue: Path, repo_root: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("gaps", "--catalogue", gapmap_catalogue, "--format", "csv")
    assert r.stdout.startswith("\ufeffrow_kind,")
    section = (repo_root / "README.md").read_text(encoding="utf-8").split("### `jwtool gaps`")[1].split("\n### ")[0]
    assert "byte order mark (BOM)" in section
    assert 'read.csv("gaps.csv", fileEncoding = "UTF-8-BOM")' in section
    assert 'read_csv("gaps.csv", encoding="utf-8-sig")' in section


# --- the overview and the site -----------------------------------------------------------------


def test_the_html_overview_has_the_gap_map_with_shaded_cells_links_legend_and_gaps(run_cli, gapmap_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "page.html"
    assert run_cli("render", "overview", "--catalogue", gapmap_catalogue, "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    section = html.split('<section id="bewijskaart"')[1].split("</section>")[0]
    assert 'href="#bewijskaart"' in html  # in the contents
    first = section.split('<th scope="row">Individuele begeleiding</th>')[1].split("</tr>")[0]
    werk = first.split("</td>")[0]
    # a mark sized by its 3 studies (the map's most) and coloured by its strongest design, controlegroep (2nd strongest)
    assert f'<circle class="design-2" cx="16.0" cy="16.0" r="{mark_radius(3, 3)}"/>' in werk
    assert '<span class="tip" aria-hidden="true">3 studies · Vergelijking met een controle- of vergelijkingsgroep</span>' in werk  # hover, focus
    assert "Individuele begeleiding, Werk: 3 studies; sterkste opzet: Vergelijking met een controle- of vergelijkingsgroep" in werk  # read out
    assert '<a href="#e-alpha">Alfa naar werk</a>' in werk and '<a href="#e-beta">Bèta Perspectief</a>' in werk
    assert "Studie naar Alfa naar werk <span class=\"designs\">(Vergelijking met een controle- of vergelijkingsgroep)</span>" in werk  # its studies, untitled: named in words
    onderwijs = first.split("</td>")[1]
    assert f'<circle class="design-1" cx="16.0" cy="16.0" r="{mark_radius(1, 3)}"/>' in onderwijs and mark_radius(1, 3) < mark_radius(3, 3)
    assert 'class="gap-cell"' in first and "geen studie: een leemte" in first
    assert "Gerandomiseerd onderzoek (RCT)</span></li>" in section
    text = section.split('<table class="gap outcome-map text" id="gapmap-table">')[1]  # the text table stays
    assert '<th scope="row">Individuele begeleiding</th>\n<td>3 CG</td><td>1 RCT</td><td class="gap-cell">·</td>' in text
    assert 'class="gap-scroll" tabindex="0" role="region"' in section
    assert html.count('id="gap-phases"') == 1  # the gap maps by phase and level stay


def test_the_site_has_the_gap_map_on_its_own_page_linked_from_every_page(run_cli, gapmap_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "site"
    assert run_cli("render", "overview", "--catalogue", gapmap_catalogue, "-o", out).exit_code == 0
    page = (out / "bewijskaart" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../interventies/alpha/index.html">Alfa naar werk</a>' in page
    assert 'aria-current="page">Bewijskaart</a>' in page  # the evidence gap map (element × outcome) at bewijskaart/
    assert '<title>Bewijskaart: ' in page
    phases = (out / "elementen-per-fase" / "index.html").read_text(encoding="utf-8")
    assert 'aria-current="page">Elementen per fase</a>' in phases and "<title>Werkzame elementen per fase en bewijsniveau · " in phases
    for other in ("index.html", "kaart/index.html", "interventies/alpha/index.html"):
        text = (out / other).read_text(encoding="utf-8")
        assert re.search(r'href="(\.\./)*bewijskaart/index\.html"', text), other
        assert re.search(r'href="(\.\./)*elementen-per-fase/index\.html"', text), other
    # the old folder of the Bewijskaart sends an old link on
    moved = (out / "studiekaart" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../bewijskaart/index.html">' in moved
    assert '<a href="../bewijskaart/index.html">Bewijskaart</a>' in moved


def test_the_markdown_overview_has_the_gap_map_table(run_cli, gapmap_catalogue: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "o.md"
    assert run_cli("render", "overview", "--catalogue", gapmap_catalogue, "--format", "md", "-o", out).exit_code == 0
    md = out.read_text(encoding="utf-8").split('<a id="bewijskaart"></a>')[1].split('<a id="interventies"></a>')[0]
    assert "| Individuele begeleiding | 3 CG<br>[Alfa naar werk](#e-alpha)<br>[Bèta Perspectief](#e-beta) | 1 RCT<br>[Bèta Perspectief](#e-beta) | · |" in md
    assert "RCT = Gerandomiseerd onderzoek;" in md and "(RCT)" not in md


@pytest.fixture
def hostile_with_study(hostile_catalogue: Path) -> Path:
    """The hostile entry (a name of script, a javascript: link, a formula and a pipe) with one study on werk."""
    path = hostile_catalogue / "interventions" / "hostile.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["evidence"]["studies"] = [{"id": "hostile-studie", "designs": ["monitoring"], "description": HOSTILE_TEXT, "title": HOSTILE_TEXT,
                                    "cites": [{"source": "kwetsbare-jongeren-2023", "sections": ["2.1"]}],
                                    "findings": [{"outcome": "werk", "direction": "positief", "comparison": False, "quote": HOSTILE_TEXT}]}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return hostile_catalogue


def test_hostile_names_are_text_in_every_gap_map_output(run_cli, hostile_with_study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "page.html"
    assert run_cli("render", "overview", "--catalogue", hostile_with_study, "-o", out).exit_code == 0
    section = out.read_text(encoding="utf-8").split('<section id="bewijskaart"')[1].split("</section>")[0]
    assert "<script>" not in section and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert 'href="#e-hostile"' in section and "javascript:" not in section.split("href=")[1].split(">")[0]
    md = run_cli("gaps", "--catalogue", hostile_with_study, "--rows", "entries", "--format", "md").stdout
    row = next(line for line in md.splitlines() if "alert" in line)
    assert "\\<script\\>" in row and row.count(" | ") == len(OUTCOMES)  # the pipe in the name is escaped: still one cell per column
    rows = list(csv.reader(io.StringIO(run_cli("gaps", "--catalogue", hostile_with_study, "--rows", "entries", "--format", "csv").stdout.lstrip("\ufeff"))))
    assert rows[1][2] == HOSTILE_TEXT  # a name that is not a formula is kept as written


def test_every_design_of_the_vocabulary_has_a_short_label_in_both_languages(cat) -> None:  # type: ignore[no-untyped-def]
    from jwtool.render.gapmap import design_short

    for lang in ("nl", "en"):
        shorts = [design_short(t.id, lang) for t in cat.vocab["study-designs"]]
        assert all(s and len(s) <= 5 and s.upper() == s for s in shorts), (lang, shorts)
        assert len(set(shorts)) == len(shorts), lang
    assert design_short("onbekende-opzet", "nl") == "onbekende-opzet"  # a design the labels do not know: its id
