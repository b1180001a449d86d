"""The graphs of shared working elements (networkx): the bipartite graph of entries and their
elements and its projections, clusters (Louvain communities with a fixed seed), bridging
elements (betweenness) and co-occurring pairs, summarised for ``jwtool map`` and the overview.

Counting and likeness, which need no graph, are in :mod:`jwtool.graph.analysis`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from jwtool.catalogue.model import Entry
from jwtool.catalogue.vocabularies import Vocabulary, group_label
from jwtool.graph import nx
from jwtool.graph.analysis import (
    DEFAULT_SEED,
    DEFAULT_SOURCE,
    ELEMENT,
    ENTRY,
    EXTRA_TYPES,
    FACTOR,
    PROJECTIONS,
    TARGET,
    ElementUse,
    check_choice,
    element_order,
    element_use,
    node_id,
    order_key,
    vocabulary,
)

# --- The graph --------------------------------------------------------------------------------


def build_graph(entries: Sequence[Entry], vocab: dict[str, Vocabulary], include: Iterable[str] = (), source: str = DEFAULT_SOURCE) -> nx.Graph:
    """The bipartite graph: entries (``bipartite=0``) linked to the elements (``1``) tagged on
    their working elements, components or both (``source``, a graph attribute ``elements_from``).

    ``include`` adds further node types on the non-entry side: ``"factors"`` (success factors of
    section 3.2) and ``"targets"`` (education levels and target characteristics). List-valued
    attributes stay lists here; exporters that need scalars join them.
    """

    include = set(include)
    unknown = include - set(EXTRA_TYPES)
    if unknown:
        raise ValueError(f"unknown node type(s) {', '.join(sorted(unknown))}; choose from: {', '.join(EXTRA_TYPES)}")
    g = nx.Graph(projection="bipartite", elements_from=source,
                 node_types=[ENTRY, ELEMENT] + [EXTRA_TYPES[k] for k in EXTRA_TYPES if k in include])
    ev = vocabulary(vocab, "evidence-levels")
    ranks = {t.id: (t.rank if t.rank is not None else i) for i, t in enumerate(ev.ordered())}
    entries = sorted(entries, key=Entry.sort_key)
    for e in entries:
        attrs: dict[str, Any] = {
            "type": ENTRY, "ref": e.id, "label": e.name, "bipartite": 0, "kind": e.kind,
            "phases": list(e.phases), "education_levels": list(e.education_levels),
            "characteristics": list(e.characteristics), "evidence_level": e.evidence_level,
            "element_count": len(e.elements_from(source)),
        }
        if e.evidence_level in ranks:
            attrs["evidence_rank"] = ranks[e.evidence_level]
        g.add_node(node_id(ENTRY, e.id), **attrs)
    _add_elements(g, entries, vocab, source)
    # the further node types: (node id prefix, type, vocabulary, an entry's ids)
    sides = [(FACTOR, FACTOR, "success-factors", lambda e: e.factor_ids)] if "factors" in include else []
    if "targets" in include:
        sides += [("level", TARGET, "education-levels", lambda e: e.education_levels),
                  ("trait", TARGET, "target-characteristics", lambda e: e.characteristics)]
    for prefix, kind, name, ids in sides:
        _add_side(g, entries, vocabulary(vocab, name), kind, ids, prefix)
    order = order_key(element_order(vocab))
    for e in entries:
        texts: dict[str, list[str]] = {}
        for w in e.tagged_items(source):
            for eid in w.get("elements") or []:
                if isinstance(eid, str):
                    texts.setdefault(eid, []).append(" ".join(str(w.get("text", "")).split()))
        for eid in sorted(texts, key=order):
            g.add_edge(node_id(ENTRY, e.id), node_id(ELEMENT, eid), relation=ELEMENT, texts=texts[eid])
    for prefix, kind, _, ids in sides:  # after the elements: an entry's links list its elements first
        for e in entries:
            for i in dict.fromkeys(ids(e)):
                g.add_edge(node_id(ENTRY, e.id), node_id(prefix, i), relation=kind)
    return g


def _add_elements(g: nx.Graph, entries: Sequence[Entry], vocab: dict[str, Vocabulary], source: str) -> None:
    """A node for every element ``entries`` name, in vocabulary order."""
    wev = vocabulary(vocab, "working-elements")
    order = order_key(element_order(vocab))
    for use in sorted(element_use(entries, vocab, source), key=lambda u: order(u.id)):
        g.add_node(node_id(ELEMENT, use.id), type=ELEMENT, ref=use.id, label=use.label, bipartite=1, group=use.group,
                   group_label=group_label(wev.groups.get(use.group, {}), fallback=use.group), entry_count=use.count)


def _add_side(g: nx.Graph, entries: Sequence[Entry], v: Vocabulary, kind: str, ids: Any, prefix: str) -> None:
    counts = Counter(i for e in entries for i in dict.fromkeys(ids(e)))
    for i in sorted(counts, key=order_key({t.id: n for n, t in enumerate(v)})):
        g.add_node(node_id(prefix, i), type=kind, ref=i, label=v.label(i), bipartite=1, vocabulary=v.name, entry_count=counts[i])


def nodes_of(g: nx.Graph, kind: str) -> list[str]:
    return [n for n, t in g.nodes(data="type") if t == kind]


def project(g: nx.Graph, onto: str) -> nx.Graph:
    """One side of the bipartite graph, linked through the working elements they share.

    ``entries``: two entries are linked when they share an element (``weight`` = number shared,
    ``jaccard``, ``shared`` = element ids). ``elements``: two elements are linked when an entry
    names both (``weight`` = number of such entries, ``entries`` = their ids).
    """

    if onto not in ("entries", "elements"):
        raise ValueError(f"unknown projection {onto!r}; choose entries or elements")
    side, other = (ENTRY, ELEMENT) if onto == "entries" else (ELEMENT, ENTRY)
    p = nx.Graph(projection=onto, elements_from=g.graph.get("elements_from", DEFAULT_SOURCE), node_types=[side])
    keep = nodes_of(g, side)
    p.add_nodes_from((n, g.nodes[n]) for n in keep)
    opos = {n: i for i, n in enumerate(nodes_of(g, other))}
    near = {n: {x for x in g[n] if x in opos} for n in keep}
    for i, a in enumerate(keep):
        for b in keep[i + 1:]:
            shared = sorted(near[a] & near[b], key=opos.__getitem__)
            if not shared:
                continue
            refs = [g.nodes[x]["ref"] for x in shared]
            if onto == "entries":
                p.add_edge(a, b, weight=len(shared), jaccard=round(len(shared) / len(near[a] | near[b]), 4), shared=refs)
            else:
                p.add_edge(a, b, weight=len(shared), entries=refs)
    return p


def element_network(entries: Sequence[Entry], vocab: dict[str, Vocabulary], source: str = DEFAULT_SOURCE) -> nx.Graph:
    """The ``elements`` projection of :func:`project` without its per-edge entry lists, built in one
    pass over the entries (:func:`cooccurrence`): the overview draws it for catalogues too large to draw every entry."""
    p = nx.Graph(projection="elements", elements_from=source, node_types=[ELEMENT])
    _add_elements(p, entries, vocab, source)
    pairs = cooccurrence(entries, vocab, source=source).edges(data="weight")
    p.add_weighted_edges_from((node_id(ELEMENT, a), node_id(ELEMENT, b), w) for a, b, w in pairs)
    return p


def graph_for(entries: Sequence[Entry], vocab: dict[str, Vocabulary], projection: str = "bipartite", include: Iterable[str] = (), source: str = DEFAULT_SOURCE) -> nx.Graph:
    """The graph an export writes: the bipartite graph or one of its projections."""
    check_choice(projection, PROJECTIONS, "projection")
    include = list(include)
    if include and projection != "bipartite":
        raise ValueError("further node types (--include) only apply to the bipartite graph; projections link entries or elements through shared working elements")
    g = build_graph(entries, vocab, include, source)
    return g if projection == "bipartite" else project(g, projection)


# --- The map: clusters, bridges, co-occurrence -------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    number: int  # 1-based, largest cluster first
    entries: tuple[Entry, ...]
    characteristic: tuple[str, ...]  # element ids that mark this cluster, most characteristic first
    counts: dict[str, int]  # element id -> entries in this cluster that name it


@dataclass(frozen=True)
class Bridge:
    id: str
    label: str
    centrality: float  # betweenness in the element network, normalised, rounded to 4 decimals
    clusters: tuple[int, ...]  # the clusters whose entries name this element
    count: int


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    entries: tuple[Entry, ...]

    @property
    def count(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class MapSummary:
    entries: tuple[Entry, ...]  # all entries considered
    elements: tuple[ElementUse, ...]
    clusters: tuple[Cluster, ...]
    bridges: tuple[Bridge, ...]
    pairs: tuple[Pair, ...]
    unconnected: tuple[Entry, ...]  # entries that name no working element
    seed: int
    labels: dict[str, str]  # element id -> label
    source: str = DEFAULT_SOURCE  # where the element ids came from (ELEMENT_SOURCES)


def _sorted_ids(entries: Sequence[Entry], key: Any, source: str = DEFAULT_SOURCE) -> list[list[str]]:
    """Each entry's element ids in vocabulary order, without repeats."""
    return [sorted(set(e.elements_from(source)), key=key) for e in entries]


def cooccurrence(entries: Sequence[Entry], vocab: dict[str, Vocabulary], sorted_ids: list[list[str]] | None = None, source: str = DEFAULT_SOURCE) -> nx.Graph:
    """The element network: two elements are linked when entries name both (``weight`` = how
    many). Built in vocabulary order, so the result does not depend on the order of entries.

    Its size depends on the vocabulary, not on the catalogue: it stays small at 10,000 entries,
    where the entries projection would have tens of millions of edges.
    """
    key = order_key(element_order(vocab))
    ids_of = sorted_ids if sorted_ids is not None else _sorted_ids(entries, key, source)
    weights = Counter(pair for ids in ids_of for pair in combinations(ids, 2))
    named = {x for ids in ids_of for x in ids}
    g = nx.Graph()
    g.add_nodes_from(sorted(named, key=key))
    g.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(weights.items(), key=lambda kv: (key(kv[0][0]), key(kv[0][1]))))
    return g


def communities(entries: Sequence[Entry], vocab: dict[str, Vocabulary], seed: int = DEFAULT_SEED, network: nx.Graph | None = None, source: str = DEFAULT_SOURCE) -> list[list[Entry]]:
    """Groups of entries that share working elements.

    Louvain (fixed seed) finds communities in the element network (:func:`cooccurrence`); each
    entry joins the community that holds most of its elements (ties: the larger community, then
    the one whose elements come first in the vocabulary). Entries without elements are left out.
    Linear in the number of entries.
    """

    g = network if network is not None else cooccurrence(entries, vocab, source=source)
    if g.number_of_nodes() == 0:
        return []
    key = order_key(element_order(vocab))
    found = [sorted(c, key=key) for c in nx.community.louvain_communities(g, weight="weight", seed=seed)]
    found.sort(key=lambda c: key(c[0]))
    community_of = {el: i for i, c in enumerate(found) for el in c}
    groups: dict[int, list[Entry]] = {}
    for e in entries:
        votes = Counter(community_of[el] for el in set(e.elements_from(source)) if el in community_of)
        if votes:
            best = min(votes, key=lambda c: (-votes[c], -len(found[c]), c))
            groups.setdefault(best, []).append(e)
    ordered = [sorted(members, key=Entry.sort_key) for members in groups.values()]
    ordered.sort(key=lambda c: (-len(c), c[0].sort_key()))
    return ordered


def _characteristic(members: Sequence[Entry], uses: Sequence[ElementUse], order: dict[str, int], n: int = 3, source: str = DEFAULT_SOURCE) -> tuple[tuple[str, ...], dict[str, int]]:
    """Elements most typical of a cluster: common inside it (coverage) and rare outside it
    (precision); score = (inside / cluster size) × (inside / everywhere)."""
    counts = Counter(eid for e in members for eid in e.elements_from(source))
    total = {u.id: u.count for u in uses}
    need = 2 if len(members) > 1 else 1
    key = order_key(order)
    scored = sorted((-(c / len(members)) * (c / total[k]), -c, key(k)) for k, c in counts.items() if c >= need)
    ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], key(kv[0]))))
    return tuple(s[-1][1] for s in scored[:n]), ordered


def summarize(entries: Sequence[Entry], vocab: dict[str, Vocabulary], seed: int = DEFAULT_SEED, top: int = 10, source: str = DEFAULT_SOURCE) -> MapSummary:
    """Clusters with their characteristic elements, the elements that bridge clusters (highest
    betweenness among elements named in two or more clusters) and the most frequent pairs."""

    entries = sorted(entries, key=Entry.sort_key)
    order = element_order(vocab)
    uses = element_use(entries, vocab, source)
    key = order_key(order)
    sorted_ids = _sorted_ids(entries, key, source)  # for the network and the pairs: one sort per entry
    network = cooccurrence(entries, vocab, sorted_ids)
    clusters = [Cluster(i, tuple(members), *_characteristic(members, uses, order, source=source))
                for i, members in enumerate(communities(entries, vocab, seed, network, source), 1)]
    cluster_of = {e.id: c.number for c in clusters for e in c.entries}

    # bridges: elements named in two or more clusters, ranked by betweenness in the element network
    betweenness = nx.betweenness_centrality(network, normalized=True) if network.number_of_nodes() > 2 else {}
    spans = {u.id: tuple(sorted({cluster_of[e.id] for e in u.entries if e.id in cluster_of})) for u in uses}
    bridges = [Bridge(u.id, u.label, round(betweenness.get(u.id, 0.0), 4), spans[u.id], u.count) for u in uses if len(spans[u.id]) >= 2]
    bridges.sort(key=lambda b: (-b.centrality, -len(b.clusters), *key(b.id)))

    # pairs: one pass over the entries (k elements give k(k-1)/2 pairs), not over all element pairs
    holders: dict[tuple[str, str], list[Entry]] = {}
    for e, ids in zip(entries, sorted_ids):
        for pair in combinations(ids, 2):
            holders.setdefault(pair, []).append(e)
    pairs = [Pair(a, b, tuple(both)) for (a, b), both in holders.items() if len(both) >= 2]  # one entry is not yet a pattern
    pairs.sort(key=lambda p: (-p.count, order.get(p.a, len(order)), order.get(p.b, len(order)), p.a, p.b))

    labels = {u.id: u.label for u in uses}
    unconnected = tuple(e for e in entries if not e.elements_from(source))
    return MapSummary(tuple(entries), tuple(uses), tuple(clusters), tuple(bridges[:top]), tuple(pairs[:top]), unconnected, seed, labels, source)


