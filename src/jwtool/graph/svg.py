"""A drawing of the map as SVG: for ``jwtool map --export svg`` and for inlining in the HTML overview.

The layout is computed here, not by a physics simulation, so the same catalogue always gives the
same bytes and labels never overlap. The bipartite graph is drawn in two columns (entries left,
working elements right, grouped and coloured by their group in working-elements.yaml; entries
ordered next to the elements they name). A projection (entries or elements only) is drawn as an
arc diagram. All text is XML-escaped; the drawing refers to nothing outside itself (no fonts, no
scripts, no links), so it is safe to inline.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.vocabularies import Vocabulary, group_label
from jwtool.graph import nx
from jwtool.graph.analysis import NODE_TYPES, vocabulary
from jwtool.graph.network import build_graph
from jwtool.labels import DEFAULT_LANG, label, label_or, plural

if TYPE_CHECKING:
    import networkx as nx

    from jwtool.catalogue.model import Entry

def escape(text: str) -> str:
    """Text as the content of an SVG element: ``&``, ``<`` and ``>`` escaped (quotes need none there)."""
    return html.escape(text, quote=False)


# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#000000")
OTHER = "#999999"
ENTRY_FILL = {"interventie": "#444444", "praktijkvoorbeeld": "#FFFFFF"}
FONT = 12
ROW = 20
CHAR_WIDTH = 6.6  # average advance of a 12px sans-serif character, for reserving label space
MAX_LABEL = 48  # a label is never cut shorter than this
WIDTH_BUDGET = 1200.0  # the two-column map's width: whole labels where that leaves room (a 1280 px screen shows it unscaled)
LINE = 13.0  # the distance between the two lines of a wrapped label


def group_colours(vocab: dict[str, Vocabulary]) -> dict[str, str]:
    """A colour per working-element group, in the order the vocabulary lists the groups."""
    return {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(vocabulary(vocab, "working-elements").groups)}


def _short(text: str, cap: int = MAX_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= cap else text[: cap - 1].rstrip() + "…"


def _caps(left: int, right: int, room: float) -> tuple[int, int]:
    """The longest label, in characters, of each column, so that both fit ``room`` characters:
    whole labels if they fit, else the longer column gives way (never below MAX_LABEL)."""
    if left + right <= room:
        return left, right
    if min(left, right) <= room / 2:
        give = int(room) - min(left, right)
        left, right = (give, right) if left >= right else (left, give)
    else:
        left = right = int(room // 2)
    return max(left, MAX_LABEL), max(right, MAX_LABEL)


def _two_lines(text: str, cap: int) -> list[str] | None:
    """``text`` on two lines of at most ``cap`` characters, split at the space nearest its middle; None if it cannot be."""
    words = text.split(" ")
    splits = [(abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))), i) for i in range(1, len(words))]
    for _, i in sorted(splits):
        first, second = " ".join(words[:i]), " ".join(words[i:])
        if len(first) <= cap and len(second) <= cap:
            return [first, second]
    return None


def _lines(g: nx.Graph, column: list[str], cap: int) -> dict[str, list[str]]:
    """Each node's label as lines: whole on one line if it fits ``cap`` characters, else on two
    lines if its neighbours in the column take one each (so no two labels touch), else cut."""
    text = {n: " ".join(str(g.nodes[n].get("label", "")).split()) for n in column}
    out: dict[str, list[str]] = {}
    for i, n in enumerate(column):
        if len(text[n]) <= cap:
            out[n] = [text[n]]
            continue
        before = column[i - 1] if i else None
        after = column[i + 1] if i + 1 < len(column) else None
        free = (before is None or len(out[before]) == 1) and (after is None or len(text[after]) <= cap)
        two = _two_lines(text[n], cap) if free else None
        out[n] = two or [_short(text[n], cap)]
    return out


def _n(x: float) -> str:
    """Coordinates with one decimal: stable bytes and small files."""
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _square(x: float, y: float, fill: str) -> str:
    return (f'<rect x="{_n(x - 4.5)}" y="{_n(y - 4.5)}" width="9" height="9" fill="{fill}"'
            ' stroke="#444444" stroke-width="1.5"/>')


def _disc(x: float, y: float, radius: float, fill: str) -> str:
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{fill}" stroke="#333333" stroke-width="0.8"/>'


def _colour(data: dict[str, Any], colours: dict[str, str]) -> str:
    kind = data.get("type")
    return colours.get(str(data.get("group", "")), OTHER) if kind == "element" else "#444444" if kind == "entry" else "#777777"


def _title(data: dict[str, Any], lang: str) -> str:
    """A node's tooltip: label, reference, and what it is ("werkzaam element, 3 interventies")."""
    kind = str(data.get("type"))
    if kind not in NODE_TYPES:
        return f"{data.get('label', '')} [{data.get('ref', '')}]"
    count = data.get("entry_count")
    own = f"kind.{data['kind']}" if kind == "entry" and data.get("kind") else f"map.type.{kind}"  # a practice example says so
    what = [label_or(own, lang, label(f"map.type.{kind}", lang)).lower()] + ([plural("map.entries", count, lang)] if isinstance(count, int) else [])
    return f"{data.get('label', '')} [{data.get('ref', '')}] ({', '.join(what)})"


def _node(x: float, y: float, data: dict[str, Any], colours: dict[str, str], anchor: str, radius: float, lang: str,
          lines: list[str] | None = None) -> list[str]:
    kind = str(data.get("type", ""))
    css = kind if kind in NODE_TYPES else "other"
    out = [f'<g class="jwg-node jwg-{css}">', f"<title>{escape(_title(data, lang))}</title>"]
    out.append(_square(x, y, ENTRY_FILL.get(str(data.get("kind", "")), "#BBBBBB")) if kind == "entry" else _disc(x, y, radius, _colour(data, colours)))
    dx = -(radius + 6) if anchor == "end" else radius + 6
    lines = lines or [_short(str(data.get("label", "")))]
    if len(lines) == 1:
        out.append(f'<text x="{_n(x + dx)}" y="{_n(y + FONT * 0.35)}" text-anchor="{anchor}">{escape(lines[0])}</text>')
    else:  # two lines around the mark's height
        first = y + FONT * 0.35 - LINE / 2
        spans = "".join(f'<tspan x="{_n(x + dx)}" y="{_n(first + i * LINE)}">{escape(line)}</tspan>' for i, line in enumerate(lines))
        out.append(f'<text text-anchor="{anchor}">{spans}</text>')
    out.append("</g>")
    return out


def _radius(data: dict[str, Any]) -> float:
    count = data.get("entry_count")
    return min(9.0, 3.5 + 1.2 * math.sqrt(count)) if isinstance(count, int) else 4.5


def _legend(colours: dict[str, str], vocab: dict[str, Vocabulary], x: float, y: float, entries: bool, lang: str,
            kinds: dict[str, str] | None = None) -> tuple[list[str], float]:
    wev = vocabulary(vocab, "working-elements")
    out = ['<g class="jwg-legend">']
    items: list[tuple[Any, str]] = []  # (how the mark is drawn at a height, text)
    if entries:
        items += [(lambda cy, f=ENTRY_FILL[k]: _square(x, cy, f), (kinds or {}).get(k) or label(f"kind.{k}", lang))
                  for k in ("interventie", "praktijkvoorbeeld")]
    items += [(lambda cy, f=colours[g]: _disc(x, cy, 5, f), group_label(wev.groups[g], lang, g)) for g in colours]
    for i, (mark, text) in enumerate(items):
        cy = y + i * ROW
        out += [mark(cy), f'<text x="{_n(x + 12)}" y="{_n(cy + FONT * 0.35)}">{escape(text)}</text>']
    out.append("</g>")
    return out, len(items) * ROW


def _bipartite_layout(g: nx.Graph) -> tuple[list[str], list[str]]:
    """Left: entries; right: the other nodes, elements grouped, most shared first in a group.
    Entries sit at the mean height of the elements they name (the barycentre heuristic). The
    sorts are stable: ties keep graph order."""
    right = [n for n, t in g.nodes(data="type") if t != "entry"]
    group = {n: f"{g.nodes[n].get('type')}:{g.nodes[n].get('group', '')}" for n in right}
    group_pos = {k: i for i, k in enumerate(dict.fromkeys(group.values()))}  # in order of first appearance
    right.sort(key=lambda n: (group_pos[group[n]], -int(g.nodes[n].get("entry_count", 0))))
    rpos = {n: i for i, n in enumerate(right)}
    left = [n for n, t in g.nodes(data="type") if t == "entry"]

    def centre(n: str) -> tuple[int, float]:
        ys = [rpos[m] for m in g[n] if m in rpos]
        return (0, sum(ys) / len(ys)) if ys else (1, 0.0)

    left.sort(key=centre)
    return left, right


def _draw_bipartite(g: nx.Graph, vocab: dict[str, Vocabulary], title: str, lang: str, kinds: dict[str, str] | None = None) -> str:
    colours = group_colours(vocab)
    left, right = _bipartite_layout(g)
    margin, top = 16.0, 44.0
    fixed = 2 * margin + 12 + 360 + 12
    full = [max((len(" ".join(str(g.nodes[n].get("label", "")).split())) for n in c), default=0) for c in (left, right)]
    cap_left, cap_right = _caps(full[0], full[1], (WIDTH_BUDGET - fixed) / CHAR_WIDTH)
    lines = {**_lines(g, left, cap_left), **_lines(g, right, cap_right)}

    def widest(column: list[str]) -> float:
        return max((len(line) * CHAR_WIDTH for n in column for line in lines[n]), default=0.0)

    x1 = margin + widest(left) + 12
    x2 = x1 + 360
    rows = max(len(left), len(right), 1)
    y_of = {n: top + (rows - len(column)) * ROW / 2 + i * ROW for column in (left, right) for i, n in enumerate(column)}
    legend_y = top + rows * ROW + 16
    legend, legend_h = _legend(colours, vocab, x1, legend_y, entries=True, lang=lang, kinds=kinds)
    width = x2 + 12 + widest(right) + margin
    height = legend_y + legend_h + 8
    desc = label("map.desc.bipartite", lang, entries=plural("map.entries", len(left), lang), linked=plural("map.linked", len(right), lang))
    parts = _head(width, height, title, desc)
    parts.append('<g class="jwg-edges" fill="none" stroke-opacity="0.5" stroke-width="1.2">')
    mid = (x1 + x2) / 2
    for a, b in g.edges():
        a, b = (a, b) if a in left or b not in left else (b, a)
        ya, yb = y_of[a], y_of[b]
        parts.append(f'<path d="M{_n(x1)} {_n(ya)}C{_n(mid)} {_n(ya)} {_n(mid)} {_n(yb)} {_n(x2)} {_n(yb)}" stroke="{_colour(g.nodes[b], colours)}"/>')
    parts.append("</g>")
    nodes = [line for n in left for line in _node(x1, y_of[n], g.nodes[n], colours, "end", 4.5, lang, lines[n])]
    nodes += [line for n in right for line in _node(x2, y_of[n], g.nodes[n], colours, "start", _radius(g.nodes[n]), lang, lines[n])]
    return _finish(parts, nodes, legend)


def _arc_order(g: nx.Graph) -> list[str]:
    """Elements by group; entries by cluster (Louvain, fixed seed), so that arcs stay short."""

    nodes = list(g.nodes())
    idx = {n: i for i, n in enumerate(nodes)}
    if nodes and g.nodes[nodes[0]].get("type") == "element":
        group = {n: str(g.nodes[n].get("group", "")) for n in nodes}
        gpos = {k: i for i, k in enumerate(dict.fromkeys(group.values()))}
        return sorted(nodes, key=lambda n: gpos[group[n]])  # stable: graph order within a group
    linked = g.subgraph([n for n in nodes if g.degree(n)])
    found = nx.community.louvain_communities(linked, weight="jaccard", seed=42) if linked.number_of_nodes() else []
    groups = sorted((sorted(c, key=idx.__getitem__) for c in found), key=lambda c: (-len(c), idx[c[0]]))
    ordered = [n for c in groups for n in c]
    return ordered + [n for n in nodes if n not in set(ordered)]


def _draw_arcs(g: nx.Graph, vocab: dict[str, Vocabulary], title: str, lang: str, kinds: dict[str, str] | None = None) -> str:
    """A projection as an arc diagram: nodes in one column, labels left, a half-circle on the
    right joins two nodes that are linked; line width = weight (shared elements or entries)."""
    colours = group_colours(vocab)
    nodes = _arc_order(g)
    margin, top = 16.0, 44.0
    x = margin + max((len(_short(str(g.nodes[n].get("label", "")))) * CHAR_WIDTH for n in nodes), default=0.0) + 16  # the longest label
    y_of = {n: top + i * ROW for i, n in enumerate(nodes)}
    span = (len(nodes) - 1) * ROW if nodes else 0
    entries = bool(nodes) and g.nodes[nodes[0]].get("type") == "entry"
    legend_y = top + max(len(nodes), 1) * ROW + 16
    legend, legend_h = _legend(colours if not entries else {}, vocab, margin + 6, legend_y, entries=entries, lang=lang, kinds=kinds)
    width = max(x + span / 2 + 16 + margin, margin + 320)
    height = legend_y + legend_h + 8
    desc = label("map.desc.entries" if entries else "map.desc.elements", lang, nodes=plural("map.nodes", len(nodes), lang))
    parts = _head(width, height, title, desc)
    parts.append('<g class="jwg-edges" fill="none" stroke="#555555" stroke-opacity="0.4">')
    for a, b, w in sorted(g.edges(data="weight", default=1), key=lambda e: (min(y_of[e[0]], y_of[e[1]]), max(y_of[e[0]], y_of[e[1]]))):
        ya, yb = sorted((y_of[a], y_of[b]))
        r = (yb - ya) / 2
        colour = _colour(g.nodes[a], colours) if not entries and g.nodes[a].get("group") == g.nodes[b].get("group") else "#555555"
        parts.append(f'<path d="M{_n(x)} {_n(ya)}A{_n(r)} {_n(r)} 0 0 1 {_n(x)} {_n(yb)}" stroke="{colour}" stroke-width="{_n(min(6.0, 0.8 * float(w)))}"/>')
    parts.append("</g>")
    return _finish(parts, [line for n in nodes for line in _node(x, y_of[n], g.nodes[n], colours, "end", _radius(g.nodes[n]), lang)], legend)


def _finish(parts: list[str], nodes: list[str], legend: list[str]) -> str:
    """The drawing so far, then its nodes and its legend, closed."""
    font = f'font-family="sans-serif" font-size="{FONT}" fill="#222222"'
    return "\n".join([*parts, f'<g class="jwg-nodes" {font}>', *nodes, "</g>", f"<g {font}>", *legend, "</g>", "</svg>\n"])


def _head(width: float, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="jwg-map" role="img" width="{_n(width)}" height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(desc)}</desc>",
        '<rect class="jwg-background" width="100%" height="100%" fill="#FFFFFF"/>',
        f'<text x="16" y="26" font-family="sans-serif" font-size="16" font-weight="bold" fill="#222222">{escape(title)}</text>',
    ]


def render_svg(graph_or_entries: nx.Graph | Sequence[Entry], vocab: dict[str, Vocabulary], title: str | None = None,
               lang: str = DEFAULT_LANG, kinds: dict[str, str] | None = None) -> str:
    """The SVG document (a string starting with ``<svg``) for a graph from :mod:`jwtool.graph`
    (bipartite or a projection) or for a list of entries (drawn as their bipartite graph), with
    its words in ``lang`` (Dutch unless told otherwise). ``kinds``: the legend's text per kind of
    entry (:func:`jwtool.labels.view.kind_legend`), by default the kind's label."""

    g = graph_or_entries if isinstance(graph_or_entries, nx.Graph) else build_graph(list(graph_or_entries), vocab)
    projection = str(g.graph.get("projection", "bipartite"))
    if title is None:
        title = label(f"map.title.{projection if projection in ('entries', 'elements') else 'bipartite'}", lang)
    if projection == "bipartite":
        return _draw_bipartite(g, vocab, title, lang, kinds)
    return _draw_arcs(g, vocab, title, lang, kinds)

