"""The graph library: counting, cross-tabulation, likeness, clusters and the SVG drawing.

Pinned on the hand-made mini catalogue (every number checked by hand), on small graphs built
here, and on the real catalogue where the report itself says which elements recur (section 3.1).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jwtool.catalogue.load import Catalogue, load_catalogue
from jwtool.catalogue.model import Entry
from jwtool.graph.analysis import ENTRY, crosstab, element_use, node_id, similar
from jwtool.graph.network import build_graph, communities, graph_for, project, summarize
from jwtool.graph.svg import group_colours, render_svg
from jwtool.query.filters import RawFilters, filter_entries, resolve_filters

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"

# Section 3.1 of the report, "Onderdelen en werkzame factoren": the elements it names as recurring.
REPORT_3_1_RECURRING = {"individuele-begeleiding", "werkervaring", "loopbaancompetenties", "loopbaanorientatie",
                        "maatwerk", "bewijs-van-leren", "nazorg"}


@pytest.fixture(scope="module")
def mini(bundled: Catalogue) -> Catalogue:
    cat = load_catalogue(MINI)
    cat.vocab = bundled.vocab  # the mini catalogue uses the real vocabularies
    return cat


def make(eid: str, elements: list[str], order: int, kind: str = "interventie", **extra: object) -> Entry:
    data = {"id": eid, "name": eid.title(), "kind": kind, "provenance": {"table": "B2.1", "order": order},
            "working_elements": [{"text": e, "elements": [e]} for e in elements]} | extra
    return Entry(data, f"interventions/{eid}.yaml")


def interventions(cat: Catalogue) -> list[Entry]:
    """The appendix interventions: the ones section 3.1 of the report discusses."""
    return filter_entries(cat.entries, resolve_filters(RawFilters(kind=["interventie"]), cat.vocab))


# --- counting -----------------------------------------------------------------------------------


def test_element_use_counts_each_element_once_per_entry_most_shared_first(mini: Catalogue) -> None:
    uses = element_use(mini.entries, mini.vocab)
    assert [(u.id, u.count) for u in uses] == [
        ("individuele-begeleiding", 3), ("werkervaring", 3), ("maatwerk", 2),
        # ties keep the order of working-elements.yaml
        ("loopbaancompetenties", 1), ("loopbaanorientatie", 1), ("nazorg", 1),
    ]
    first = uses[0]
    assert [e.id for e in first.entries] == ["alpha", "beta", "delta"]
    assert first.share == pytest.approx(3 / 5)
    assert first.label == "Individuele begeleiding" and first.group == "begeleiding"


def test_element_use_ignores_an_element_named_twice_by_one_entry(mini: Catalogue) -> None:
    entry = make("twice", ["maatwerk", "maatwerk"], 1)
    assert [(u.id, u.count) for u in element_use([entry], mini.vocab)] == [("maatwerk", 1)]


def test_crosstab_by_phase_keeps_every_phase_and_shows_the_gaps(mini: Catalogue) -> None:
    tab = crosstab(mini.entries, mini.vocab, "phase")
    assert [c for c, _ in tab.columns] == ["tijdens-school", "overgang", "nazorg"]
    rows = {r.id: r for r in tab.rows}
    assert [[e.id for e in cell] for cell in rows["individuele-begeleiding"].cells] == [["alpha"], ["delta"], ["beta"]]
    assert rows["maatwerk"].counts == (0, 1, 2)  # gamma is overgang and nazorg, beta nazorg
    assert rows["loopbaancompetenties"].counts == (0, 0, 1)  # a gap during school and at the transition
    assert [len(es) for es in tab.column_entries] == [1, 2, 3]


def test_crosstab_by_evidence_lists_levels_in_rank_order(mini: Catalogue) -> None:
    tab = crosstab(mini.entries, mini.vocab, "evidence")
    assert [c for c, _ in tab.columns][:3] == ["niet-onderzocht", "goed-beschreven", "goed-onderbouwd"]
    rows = {r.id: r for r in tab.rows}
    cols = [c for c, _ in tab.columns]
    assert rows["nazorg"].counts[cols.index("goed-beschreven")] == 1
    assert sum(rows["nazorg"].counts) == 1


def test_crosstab_by_target_and_kind(mini: Catalogue) -> None:
    by_target = crosstab(mini.entries, mini.vocab, "target")
    cols = [c for c, _ in by_target.columns]
    assert {"vso", "pro", "mbo-2", "entree"} <= set(cols)
    werk = next(r for r in by_target.rows if r.id == "werkervaring")
    assert [e.id for e in werk.cells[cols.index("vso")]] == ["alpha", "delta"]
    by_kind = crosstab(mini.entries, mini.vocab, "kind")
    assert [c for c, _ in by_kind.columns] == ["interventie", "praktijkvoorbeeld"]
    assert next(r for r in by_kind.rows if r.id == "werkervaring").counts == (2, 1)


def test_crosstab_rejects_an_unknown_attribute(mini: Catalogue) -> None:
    with pytest.raises(ValueError, match="phase, evidence, target, kind"):
        crosstab(mini.entries, mini.vocab, "colour")


# --- likeness -----------------------------------------------------------------------------------


def test_similar_ranks_by_jaccard_and_names_the_shared_elements(mini: Catalogue) -> None:
    alpha = mini.by_id()["alpha"]
    found = similar(alpha, mini.entries)
    assert [(m.entry.id, round(m.score, 3), m.shared) for m in found] == [
        ("delta", 0.667, ("individuele-begeleiding", "werkervaring")),
        ("beta", 0.5, ("individuele-begeleiding", "werkervaring")),
    ]  # gamma and epsilon share nothing with alpha and are left out


def test_similar_breaks_ties_by_report_order(mini: Catalogue) -> None:
    delta = mini.by_id()["delta"]
    found = similar(delta, mini.entries)
    assert [(m.entry.id, round(m.score, 3)) for m in found] == [("alpha", 0.667), ("beta", 0.667)]


def test_similar_top_and_an_entry_without_elements(mini: Catalogue) -> None:
    assert len(similar(mini.by_id()["beta"], mini.entries, top=1)) == 1
    assert similar(make("none", [], 9), mini.entries) == []


# --- the graph ----------------------------------------------------------------------------------


def test_bipartite_graph_has_entry_attributes_and_element_groups(mini: Catalogue) -> None:
    g = build_graph(mini.entries, mini.vocab)
    alpha = g.nodes[node_id(ENTRY, "alpha")]
    assert alpha["bipartite"] == 0 and alpha["kind"] == "interventie"
    assert alpha["phases"] == ["tijdens-school"] and alpha["education_levels"] == ["vso", "pro"]
    assert alpha["evidence_level"] == "goed-beschreven" and alpha["evidence_rank"] == 1
    element = g.nodes["element:werkervaring"]
    assert element["bipartite"] == 1 and element["group"] == "werk-en-praktijk" and element["entry_count"] == 3
    assert g.edges["entry:beta", "element:werkervaring"]["texts"] == ["Stage"]
    assert g.number_of_nodes() == 5 + 6 and g.number_of_edges() == 3 + 3 + 2 + 2 + 1


def test_success_factors_and_target_groups_are_further_node_types(mini: Catalogue, bundled: Catalogue) -> None:
    g = build_graph(mini.entries, mini.vocab, include=["targets"])
    assert g.nodes["level:vso"]["type"] == "target" and g.nodes["level:vso"]["entry_count"] == 2
    assert g.has_edge("entry:alpha", "trait:beperking")
    boris = build_graph(bundled.entries, bundled.vocab, include=["factors"])
    assert boris.has_edge("entry:boris-brengt-je-bij-een-baan", "factor:samenwerking-disciplines")
    with pytest.raises(ValueError, match="factors, targets"):
        build_graph(mini.entries, mini.vocab, include=["colours"])


def test_projections_link_through_shared_elements(mini: Catalogue) -> None:
    g = build_graph(mini.entries, mini.vocab)
    entries = project(g, "entries")
    assert entries.edges["entry:alpha", "entry:delta"] == {"weight": 2, "jaccard": 0.6667, "shared": ["individuele-begeleiding", "werkervaring"]}
    assert "entry:epsilon" in entries and entries.degree("entry:epsilon") == 0
    elements = project(g, "elements")
    assert elements.edges["element:individuele-begeleiding", "element:werkervaring"] == {"weight": 3, "entries": ["alpha", "beta", "delta"]}
    with pytest.raises(ValueError, match="only apply to the bipartite graph"):
        graph_for(mini.entries, mini.vocab, "entries", ["factors"])


# --- clusters, bridges, pairs -------------------------------------------------------------------


def two_groups() -> list[Entry]:
    """Two groups of three entries, held together by maatwerk alone."""
    return [
        make("a1", ["individuele-begeleiding", "werkervaring"], 1),
        make("a2", ["individuele-begeleiding", "werkervaring"], 2),
        make("a3", ["individuele-begeleiding", "werkervaring", "maatwerk"], 3),
        make("b1", ["vertrouwensband", "intensieve-begeleiding"], 4),
        make("b2", ["vertrouwensband", "intensieve-begeleiding"], 5),
        make("b3", ["vertrouwensband", "intensieve-begeleiding", "maatwerk"], 6),
        make("loner", [], 7),
    ]


def test_summarize_finds_the_two_groups_and_the_element_that_bridges_them(mini: Catalogue) -> None:
    s = summarize(two_groups(), mini.vocab)
    assert [[e.id for e in c.entries] for c in s.clusters] == [["a1", "a2", "a3"], ["b1", "b2", "b3"]]
    assert set(s.clusters[0].characteristic) == {"individuele-begeleiding", "werkervaring"}
    assert set(s.clusters[1].characteristic) == {"vertrouwensband", "intensieve-begeleiding"}
    assert [(b.id, b.clusters) for b in s.bridges] == [("maatwerk", (1, 2))]
    assert s.bridges[0].centrality > 0
    assert [(p.a, p.b, p.count) for p in s.pairs] == [
        ("individuele-begeleiding", "werkervaring", 3), ("intensieve-begeleiding", "vertrouwensband", 3)]
    assert [e.id for e in s.unconnected] == ["loner"]


def test_communities_are_the_same_for_the_same_seed(bundled: Catalogue) -> None:
    first = [[e.id for e in c] for c in communities(bundled.entries, bundled.vocab, seed=7)]
    again = [[e.id for e in c] for c in communities(list(reversed(bundled.entries)), bundled.vocab, seed=7)]
    assert first == again


def test_summarize_on_the_mini_catalogue(mini: Catalogue) -> None:
    s = summarize(mini.entries, mini.vocab)
    # ib+werkervaring hold alpha, beta and delta; maatwerk+loopbaanoriëntatie are gamma's own community
    assert [[e.id for e in c.entries] for c in s.clusters] == [["alpha", "beta", "delta"], ["gamma"], ["epsilon"]]
    assert s.clusters[0].characteristic == ("individuele-begeleiding", "werkervaring")
    assert s.clusters[1].characteristic == ("loopbaanorientatie", "maatwerk")
    assert s.clusters[2].characteristic == ("loopbaancompetenties",)
    assert [(p.a, p.b, p.count) for p in s.pairs] == [("individuele-begeleiding", "werkervaring", 3)]
    assert [(b.id, b.clusters) for b in s.bridges] == [("maatwerk", (1, 2))]  # beta and gamma both name it


# --- the real catalogue against the report ------------------------------------------------------


def test_the_most_shared_elements_of_the_interventions_are_those_section_3_1_names(bundled: Catalogue) -> None:
    uses = element_use(interventions(bundled), bundled.vocab)
    top3 = {u.id for u in uses[:3]}
    assert top3 <= REPORT_3_1_RECURRING, [(u.id, u.count) for u in uses[:5]]
    # "Individuele begeleiding komt in een groot deel van de bovenstaande interventies terug"
    count = {u.id: u.count for u in uses}
    assert count["individuele-begeleiding"] == max(count.values())


def test_every_element_section_3_1_calls_recurring_recurs(bundled: Catalogue) -> None:
    count = {u.id: u.count for u in element_use(interventions(bundled), bundled.vocab)}
    assert {e: count.get(e, 0) for e in REPORT_3_1_RECURRING if count.get(e, 0) < 2} == {}


def test_proof_of_learning_is_boris_and_praktijkleren_as_the_report_says(bundled: Catalogue) -> None:
    # "bij twee van de interventies (Boris en Praktijkleren met praktijkverklaring)"
    uses = {u.id: u for u in element_use(interventions(bundled), bundled.vocab)}
    assert [e.id for e in uses["bewijs-van-leren"].entries] == ["boris-brengt-je-bij-een-baan", "praktijkleren-met-de-praktijkverklaring"]
    # the report's two examples of aftercare
    assert {"doorstroomprogramma-alliantie-mbo-arbeidsmarkt", "soepelere-overgang-naar-werk"} <= {e.id for e in uses["nazorg"].entries}


def test_career_orientation_is_most_common_during_school(bundled: Catalogue) -> None:
    # "Dit onderdeel komt vaker voor bij interventies die tijdens de schoolloopbaan starten."
    tab = crosstab(interventions(bundled), bundled.vocab, "phase")
    row = next(r for r in tab.rows if r.id == "loopbaanorientatie")
    cols = [c for c, _ in tab.columns]
    assert row.counts[cols.index("tijdens-school")] == max(row.counts)


def test_similar_to_boris_is_praktijkleren_which_the_report_groups_with_it(bundled: Catalogue) -> None:
    by_id = bundled.by_id()
    boris, praktijk = by_id["boris-brengt-je-bij-een-baan"], by_id["praktijkleren-met-de-praktijkverklaring"]
    among_interventions = similar(boris, interventions(bundled))
    assert among_interventions[0].entry.id == praktijk.id
    assert "bewijs-van-leren" in among_interventions[0].shared
    assert praktijk.id in [m.entry.id for m in similar(boris, bundled.entries, top=3)]
    assert boris.id in [m.entry.id for m in similar(praktijk, bundled.entries, top=3)]


# --- SVG ----------------------------------------------------------------------------------------


def test_render_svg_is_deterministic_wellformed_and_coloured_by_group(mini: Catalogue) -> None:
    svg = render_svg(mini.entries, mini.vocab)
    assert svg == render_svg(list(mini.entries), mini.vocab)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Alfa naar werk" in texts and "Werkervaring opdoen" in texts
    colours = group_colours(mini.vocab)
    assert f'fill="{colours["werk-en-praktijk"]}"' in svg and f'fill="{colours["begeleiding"]}"' in svg
    assert "http://" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from anywhere


def test_render_svg_draws_projections(mini: Catalogue) -> None:
    for projection in ("entries", "elements"):
        svg = render_svg(graph_for(mini.entries, mini.vocab, projection), mini.vocab)
        ET.fromstring(svg)
        assert svg.count('class="jwg-node jwg-') == (5 if projection == "entries" else 6)


def test_render_svg_escapes_entry_text(mini: Catalogue) -> None:
    evil = make("evil", ["maatwerk"], 1, name='<script>alert("x")</script> & "Co"')
    svg = render_svg([evil], mini.vocab)
    root = ET.fromstring(svg)  # still well-formed
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert '&lt;script&gt;alert("x")&lt;/script&gt; &amp; "Co"' in svg


def test_the_element_network_is_the_elements_projection_without_entry_lists(bundled: Catalogue) -> None:
    from jwtool.graph.network import element_network

    direct = element_network(bundled.entries, bundled.vocab)
    projected = graph_for(bundled.entries, bundled.vocab, "elements")
    assert list(direct.nodes(data=True)) == list(projected.nodes(data=True))
    weights = {frozenset((a, b)): w for a, b, w in projected.edges(data="weight")}
    assert {frozenset((a, b)): w for a, b, w in direct.edges(data="weight")} == weights
    assert direct.graph["projection"] == "elements"


def test_render_svg_shows_long_names_whole_where_the_width_allows(mini: Catalogue) -> None:
    """A name longer than MAX_LABEL is no longer cut at 48 characters: it takes the width the map
    has left (up to WIDTH_BUDGET), else two lines when its neighbours take one; the drawing stays
    the same bytes for the same entries and well-formed."""
    from jwtool.graph.svg import MAX_LABEL, WIDTH_BUDGET

    long_one = "Doorstroomprogramma van de Alliantie Mbo & Arbeidsmarkt"  # 55 characters
    longest = " ".join(["Aandacht voor het toekomstplan met middelen Extra begeleiding en nazorg mbo"] * 2)  # 151: more than the width has
    entries = [make("a", ["maatwerk"], 1, name="Kort"), make("b", ["maatwerk"], 1, name=long_one),
               make("c", ["maatwerk"], 1, name="Ook kort"), make("d", ["maatwerk"], 1, name=longest), make("e", ["maatwerk"], 1, name="Kort ook")]
    assert len(long_one) > MAX_LABEL
    svg = render_svg(entries, mini.vocab)
    assert svg == render_svg(list(entries), mini.vocab)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    shown = ["".join(t.itertext()) for t in root.iter(f"{ns}text")]
    assert long_one in shown and "…" not in "".join(shown)
    lines = [[s.text for s in t.iter(f"{ns}tspan")] for t in root.iter(f"{ns}text")]
    assert [line for line in lines if line] and " ".join(next(line for line in lines if line)) == longest  # on two lines
    assert float(root.get("width", "0")) <= WIDTH_BUDGET
