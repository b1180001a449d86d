"""The map in formats other tools read: GraphML and GEXF (Gephi, Cytoscape), node-link JSON
(D3, networkx; layout in docs/graph-format.md), DOT (Graphviz), Mermaid (GitHub Markdown), SVG.

Every exporter returns text and is deterministic: the same graph gives the same bytes (no dates,
nodes and edges in graph order). Text from entries is escaped for the target syntax.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.vocabularies import Vocabulary
from jwtool.graph import nx
from jwtool.graph.svg import OTHER, group_colours, render_svg
from jwtool.labels import DEFAULT_LANG
from jwtool.query.export import dumps

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("graphml", "gexf", "json", "dot", "mermaid", "svg")
SUFFIXES = {".graphml": "graphml", ".gexf": "gexf", ".json": "json", ".dot": "dot", ".gv": "dot",
            ".mmd": "mermaid", ".mermaid": "mermaid", ".md": "mermaid", ".svg": "svg"}
FORMAT_NAME = "jwtool-graph"
FORMAT_VERSION = 1
LIST_SEPARATOR = "; "


def format_for(path: Path) -> str | None:
    """The export format a file name asks for, from its suffix."""
    return SUFFIXES.get(path.suffix.lower())


def _scalars(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: LIST_SEPARATOR.join(map(str, v)) if isinstance(v, (list, tuple)) else v
            for k, v in attrs.items() if v is not None}


def _scalar_copy(g: nx.Graph) -> nx.Graph:
    """GraphML and GEXF hold scalars only: lists are joined with ``"; "``."""
    h = nx.Graph(**_scalars(g.graph))
    h.add_nodes_from((n, _scalars(d)) for n, d in g.nodes(data=True))
    h.add_edges_from((a, b, _scalars(d)) for a, b, d in g.edges(data=True))
    return h


def to_graphml(g: nx.Graph) -> str:
    buf = io.BytesIO()
    nx.write_graphml(_scalar_copy(g), buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue().decode("utf-8")


def to_gexf(g: nx.Graph) -> str:
    writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:  # no date of today in the file: the same graph gives the same bytes
        meta.attrib.pop("lastmodifieddate", None)
        creator = meta.find("creator")
        if creator is not None:
            creator.text = "jwtool"
    writer.add_graph(_scalar_copy(g))
    graph = writer.xml.find("graph")
    if graph is not None and not graph.get("name"):  # networkx writes name="", which GEXF's schema has no place for
        graph.attrib.pop("name", None)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue().decode("utf-8")


def _node_json(n: str, d: dict[str, Any]) -> dict[str, Any]:
    head = {"id": n, "type": d.get("type"), "ref": d.get("ref"), "label": d.get("label")}
    return head | {k: d[k] for k in sorted(d) if k not in head and k != "bipartite"}


def to_json_data(g: nx.Graph) -> dict[str, Any]:
    """The versioned node-link document; see docs/graph-format.md and
    schemas/graph-export.schema.json. ``networkx.node_link_graph(doc, edges="links")`` reads it."""
    graph = {"projection": g.graph.get("projection", "bipartite"), "node_types": list(g.graph.get("node_types", [])),
             "nodes": g.number_of_nodes(), "links": g.number_of_edges(), "elements_from": g.graph.get("elements_from", "all")}
    links = [{"source": a, "target": b} | {k: d[k] for k in sorted(d)} for a, b, d in g.edges(data=True)]
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "directed": False, "multigraph": False,
            "graph": graph, "nodes": [_node_json(n, d) for n, d in g.nodes(data=True)], "links": links}


def to_json(g: nx.Graph) -> str:
    return dumps(to_json_data(g))


# --- DOT ---------------------------------------------------------------------------------------


def dot_quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped (so no ``\\N``-style escapes
    slip through), line breaks as ``\\n``."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return '"' + "".join(c for c in text if c >= " " or c == "\t") + '"'


def _dot_attrs(attrs: dict[str, Any]) -> str:
    parts = [f"{k}={dot_quote(f'{v:.4g}' if isinstance(v, float) else str(v))}" for k, v in attrs.items()]
    return " [" + ", ".join(parts) + "]" if parts else ""


def to_dot(g: nx.Graph, vocab: dict[str, Vocabulary]) -> str:
    colours = group_colours(vocab)
    projection = str(g.graph.get("projection", "bipartite"))
    lines = [
        f"graph {dot_quote('jwtool-' + projection)} {{",
        '  graph [rankdir="LR", overlap="false", splines="true", fontname="Helvetica"];',
        '  node [fontname="Helvetica", fontsize="10"];',
        '  edge [color="#55555580"];',
    ]
    for n, d in g.nodes(data=True):
        attrs: dict[str, Any] = {"label": d.get("label", n), "tooltip": f"{d.get('ref', '')} ({d.get('type', '')})", "class": d.get("type", "")}
        if d.get("type") == "entry":
            attrs |= {"shape": "box", "style": "filled" if d.get("kind") == "interventie" else "solid",
                      "fillcolor": "#DDDDDD"}
        elif d.get("type") == "element":
            attrs |= {"shape": "ellipse", "style": "filled", "fillcolor": colours.get(str(d.get("group", "")), OTHER)}
        else:
            attrs |= {"shape": "diamond"}
        lines.append(f"  {dot_quote(n)}{_dot_attrs(attrs)};")
    for a, b, w in g.edges(data="weight"):
        attrs = {"weight": w, "penwidth": min(6, 0.5 + 0.5 * int(w))} if w is not None else {}
        lines.append(f"  {dot_quote(a)} -- {dot_quote(b)}{_dot_attrs(attrs)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- Mermaid -----------------------------------------------------------------------------------

_MERMAID_UNSAFE = re.compile(r'["#<>&`\[\]{}|\\;]')


def mermaid_label(text: str) -> str:
    """Text for a quoted Mermaid label: markup characters as ``#<code>;`` entities, one line."""
    flat = " ".join(str(text).split())
    if not flat.isprintable():
        flat = "".join(c for c in flat if c.isprintable())
    return _MERMAID_UNSAFE.sub(lambda m: f"#{ord(m.group(0))};", flat)


_MERMAID_SHAPE = {"entry": ('["', '"]'), "element": ('(["', '"])')}  # anything else: a rhombus
_MERMAID_PREFIX = {"entry": "E", "element": "W", "factor": "F", "level": "L", "trait": "T"}


def mermaid_ids(nodes: list[str]) -> dict[str, str]:
    """Node ids Mermaid accepts: ASCII letters, digits and ``_``, starting with a capital and
    ``_`` (so an id never reads as a keyword such as ``end`` or as an ``o``/``x`` edge end), unique:
    ``E_`` entries, ``W_`` working elements, ``F_`` factors, ``L_`` levels, ``T_`` characteristics."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for n in nodes:
        kind, _, ref = n.partition(":")
        base = _MERMAID_PREFIX.get(kind, "N") + "_" + (re.sub(r"[^A-Za-z0-9]+", "_", ref).strip("_") or "x")
        candidate, i = base, 2
        while candidate in used:
            candidate, i = f"{base}_{i}", i + 1
        used.add(candidate)
        out[n] = candidate
    return out


def to_mermaid(g: nx.Graph, vocab: dict[str, Vocabulary]) -> str:
    """A Mermaid flowchart, bare, as a ``.mmd`` file and mermaid's parser take it
    (:func:`fenced` puts it in a Markdown document)."""

    colours = group_colours(vocab)
    ids = mermaid_ids(list(g.nodes()))
    lines = ["flowchart LR"]
    for n, d in g.nodes(data=True):
        start, end = _MERMAID_SHAPE.get(str(d.get("type")), ('{"', '"}'))
        lines.append(f"  {ids[n]}{start}{mermaid_label(str(d.get('label', n)))}{end}")
    for a, b, w in g.edges(data="weight"):
        lines.append(f"  {ids[a]} ---|{int(w)}| {ids[b]}" if isinstance(w, int) and w > 1 else f"  {ids[a]} --- {ids[b]}")
    for group, colour in colours.items():
        cls = "grp_" + re.sub(r"[^A-Za-z0-9]+", "_", group)
        members = [ids[n] for n, d in g.nodes(data=True) if d.get("type") == "element" and d.get("group") == group]
        if members:
            lines += [f"  classDef {cls} fill:{colour},stroke:#333333,color:#000000", f"  class {','.join(members)} {cls}"]
    interventions = [ids[n] for n, d in g.nodes(data=True) if d.get("type") == "entry" and d.get("kind") == "interventie"]
    if interventions:
        lines += ["  classDef interventie fill:#DDDDDD,stroke:#444444", f"  class {','.join(interventions)} interventie"]
    return "\n".join(lines) + "\n"


def fenced(diagram: str) -> str:
    """A Mermaid diagram as a fenced ```mermaid block, for a Markdown file (GitHub renders it)."""
    return f"```mermaid\n{diagram}```\n"


def export(g: nx.Graph, fmt: str, vocab: dict[str, Vocabulary], lang: str = DEFAULT_LANG) -> str:
    """The graph as text in ``fmt`` (one of :data:`FORMATS`); the SVG drawing's own words in ``lang``."""
    writers: dict[str, Callable[[nx.Graph], str]] = {
        "graphml": to_graphml, "gexf": to_gexf, "json": to_json, "dot": lambda g: to_dot(g, vocab),
        "mermaid": lambda g: to_mermaid(g, vocab), "svg": lambda g: render_svg(g, vocab, lang=lang)}
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return writers[fmt](g)
