"""Every graph export read back by its consumer: GEXF against the official GEXF 1.2draft schema
and by networkx, GraphML by networkx and igraph, DOT by Graphviz, Mermaid by mermaid's own parser
(in headless Chromium), node-link JSON by networkx; and every link carries the entry's wording."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from tests.conftest import DATA, require

MERMAID_DIR = Path(__file__).resolve().parents[1] / "tools" / "mermaid"  # package.json + package-lock.json pin mermaid


def _export(run_cli, catalogue: Path, fmt: str, *extra: str, suffix: str = "") -> str:  # type: ignore[no-untyped-def]
    r = run_cli("map", "--export", fmt, *extra, "--catalogue", catalogue)
    assert r.exit_code == 0, r.stderr
    return r.stdout


PROJECTIONS = [(), ("--projection", "entries"), ("--projection", "elements"), ("--include", "factors", "--include", "targets")]


def test_every_element_link_carries_the_entries_wording(run_cli, repo_root: Path) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(_export(run_cli, repo_root, "json"))
    links = {(link["source"], link["target"]): link for link in doc["links"]}
    boris = links[("entry:boris-brengt-je-bij-een-baan", "element:werkervaring")]
    assert "Samenwerking met erkend leerbedrijf" in boris["texts"]
    element_links = [link for link in doc["links"] if link["relation"] == "element"]
    assert element_links and all(link["texts"] and all(t.strip() for t in link["texts"]) for link in element_links)


@pytest.mark.parametrize("extra", PROJECTIONS)
@pytest.mark.slow
def test_gexf_is_valid_against_the_official_schema_and_reads_into_networkx(run_cli, repo_root: Path, hostile_catalogue: Path, extra: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    import xmlschema

    schema = xmlschema.XMLSchema(str(DATA / "gexf-1.2draft" / "gexf.xsd"))
    for catalogue in (repo_root, hostile_catalogue):
        text = _export(run_cli, catalogue, "gexf", *extra)
        errors = [str(e).splitlines()[0] for e in schema.iter_errors(text)]
        assert errors == []
        g = nx.read_gexf(__import__("io").BytesIO(text.encode("utf-8")))
        assert g.number_of_nodes() > 0


@pytest.mark.parametrize("extra", PROJECTIONS)
def test_graphml_reads_into_igraph_and_networkx_alike(run_cli, repo_root: Path, tmp_path: Path, extra: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    import igraph

    path = tmp_path / "map.graphml"
    path.write_text(_export(run_cli, repo_root, "graphml", *extra), encoding="utf-8")
    g = nx.read_graphml(path)
    ig = igraph.Graph.Read_GraphML(str(path))
    assert (ig.vcount(), ig.ecount()) == (g.number_of_nodes(), g.number_of_edges()) and ig.vcount() > 0
    assert sorted(ig.vs["id"]) == sorted(g.nodes)
    assert {v["id"]: v["label"] for v in ig.vs} == {n: d["label"] for n, d in g.nodes(data=True)}


def test_dot_reads_in_graphviz_with_every_node(run_cli, repo_root: Path) -> None:  # type: ignore[no-untyped-def]
    require(shutil.which("dot") is not None, "Graphviz (dot)")
    dot = _export(run_cli, repo_root, "dot")
    done = subprocess.run(["dot", "-Tjson"], input=dot.encode("utf-8"), capture_output=True, timeout=120, check=False)
    assert done.returncode == 0 and not done.stderr, done.stderr.decode()
    drawn = json.loads(done.stdout)
    doc = json.loads(_export(run_cli, repo_root, "json"))
    assert len(drawn["objects"]) == len(doc["nodes"]) and len(drawn["edges"]) == len(doc["links"])


@pytest.fixture(scope="session")
def mermaid_source() -> str:
    """mermaid's browser bundle (from the npm registry, pinned in tests/tools/mermaid/package-lock.json),
    installed into tests/tools/mermaid/node_modules with `npm ci` on first use."""
    script = MERMAID_DIR / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if not script.is_file() and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(MERMAID_DIR)], cwd=MERMAID_DIR,
                       capture_output=True, timeout=600, check=False)
    require(script.is_file(), "mermaid (npm ci --prefix tests/tools/mermaid)")
    return script.read_text(encoding="utf-8")


@pytest.mark.browser
@pytest.mark.slow
def test_mermaid_export_is_a_bare_diagram_that_mermaid_parses(run_cli, repo_root: Path, hostile_catalogue: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                              chromium, mermaid_source: str) -> None:
    diagrams = [_export(run_cli, c, "mermaid", *extra) for c in (repo_root, hostile_catalogue) for extra in PROJECTIONS]
    assert all(d.startswith("flowchart LR\n") for d in diagrams)  # bare: what a .mmd file holds
    page = chromium.new_page()
    try:
        page.add_script_tag(content=mermaid_source)
        parse = "async (text) => { try { return await mermaid.parse(text) ? 'ok' : 'no'; } catch (e) { return String(e.message || e); } }"
        for d in diagrams:
            assert page.evaluate(parse, d) == "ok"
        assert page.evaluate(parse, "flowchart LR\n  A[\"x\"] --- ") != "ok"  # the parser does refuse a broken diagram
        assert page.evaluate(parse, "```mermaid\n" + diagrams[0] + "```\n") != "ok"  # and a fenced one
    finally:
        page.close()
    md, mmd = tmp_path / "map.md", tmp_path / "map.mmd"
    for path in (md, mmd):
        assert run_cli("map", "-o", path, "--catalogue", repo_root).exit_code == 0
    assert mmd.read_text(encoding="utf-8") == diagrams[0]
    assert md.read_text(encoding="utf-8") == "```mermaid\n" + diagrams[0] + "```\n"
