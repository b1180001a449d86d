"""`jwtool elements`, `similar` and `map` on the command line, and every graph export loading back."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from conftest import require

EVIL_NAME = 'Evil "quote" <script>alert(1)</script> # [x] {y} | end; \\N & co'


@pytest.fixture
def hostile_catalogue(mini_catalogue: Path) -> Path:
    """The mini catalogue plus an entry whose name tries to break every output syntax."""
    (mini_catalogue / "interventions" / "zz-evil.yaml").write_text(
        "id: zz-evil\n"
        f"name: {json.dumps(EVIL_NAME)}\n"
        "kind: praktijkvoorbeeld\n"
        "phases: [overgang]\n"
        "working_elements:\n"
        "  - {text: 'Maatwerk \"x\" <b>', elements: [maatwerk]}\n", encoding="utf-8")
    return mini_catalogue


# --- elements -----------------------------------------------------------------------------------


def test_elements_lists_counts_shares_and_entries_most_shared_first(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("elements", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    header, *lines = [line.split("\t") for line in r.stdout.splitlines()]
    assert header == ["AANTAL", "AANDEEL", "WERKZAAM ELEMENT", "VERMELDINGEN"]
    assert lines[0] == ["3", "60%", "Individuele begeleiding", "alpha, beta, delta"]
    assert [line[2] for line in lines] == ["Individuele begeleiding", "Werkervaring opdoen", "Maatwerk",
                                           "Trainen van (loopbaan)competenties", "Loopbaanoriëntatie", "Nazorg"]


def test_elements_json(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("elements", "--format", "json", "--catalogue", mini_catalogue)
    doc = json.loads(r.stdout)
    assert doc["entries"] == 5
    first = doc["elements"][0]
    assert first == {"id": "individuele-begeleiding", "name": "Individuele begeleiding", "group": "begeleiding",
                     "count": 3, "share": 0.6, "entries": [{"id": "alpha", "name": "Alfa naar werk"},
                                                           {"id": "beta", "name": "Bèta Perspectief"},
                                                           {"id": "delta", "name": "Delta Coach"}]}


def test_elements_filters_apply(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("elements", "--target", "vso", "-f", "json", "--catalogue", mini_catalogue)
    doc = json.loads(r.stdout)
    assert doc["entries"] == 2  # alpha and delta
    assert [(e["id"], e["count"]) for e in doc["elements"]] == [("individuele-begeleiding", 2), ("werkervaring", 2), ("nazorg", 1)]


def test_elements_by_phase_is_a_gap_map(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("elements", "--by", "phase", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert rows[0] == ["WERKZAAM ELEMENT", "Tijdens school", "De overgang van school naar vervolg", "Na de overgang (nazorg)", "TOTAAL"]
    assert ["Maatwerk", "-", "1", "2", "2"] in rows  # "-": no entry, a gap
    assert rows[-1] == ["(vermeldingen)", "1", "2", "3", "5"]


@pytest.mark.parametrize("by, column", [("evidence", "goed-beschreven"), ("target", "vso"), ("kind", "praktijkvoorbeeld")])
def test_elements_by_other_attributes_json(run_cli, mini_catalogue: Path, by: str, column: str) -> None:
    r = run_cli("elements", "--by", by, "-f", "json", "--catalogue", mini_catalogue)
    doc = json.loads(r.stdout)
    assert doc["by"] == by and column in [c["id"] for c in doc["columns"]]
    row = next(e for e in doc["elements"] if e["id"] == "individuele-begeleiding")
    assert [c["column"] for c in row["cells"]] == [c["id"] for c in doc["columns"]]
    assert sum(1 for c in row["cells"] for _ in c["entries"]) >= row["count"]


def test_elements_errors(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("elements", "--by", "colour", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "phase, evidence, target, kind" in r.stderr
    r = run_cli("elements", "--target", "vsoo", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "vso" in r.stderr and "Traceback" not in r.output
    r = run_cli("elements", "--format", "yaml", "--catalogue", mini_catalogue)
    assert r.exit_code == 2


def test_elements_with_no_matching_entries_says_so(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("elements", "--target", "vso", "--phase", "nazorg", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.exit_code == 0 and r.stdout == "" and "no entries match" in r.stderr
    r = run_cli("elements", "--target", "vso", "--phase", "nazorg", "-f", "json", "--catalogue", mini_catalogue)
    assert json.loads(r.stdout) == {"from": "all", "entries": 0, "elements": []}


def test_elements_from_components_says_no_entry_has_tagged_components(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("elements", "--from", "components", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.exit_code == 0 and r.stdout == ""
    assert "none of the 5 entries selected has tagged components" in r.stderr and "names a working element" not in r.stderr
    r = run_cli("elements", "--from", "components", "--catalogue", mini_catalogue)
    assert "geen van de 5 vermeldingen in de selectie heeft onderdelen met werkzame elementen" in r.stderr


# --- similar ------------------------------------------------------------------------------------


def test_similar_names_the_shared_elements(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("similar", "alpha", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == [
        "#\tSCORE\tID\tNAAM\tGEDEELDE ELEMENTEN",
        "1\t0.67\tdelta\tDelta Coach\tIndividuele begeleiding, Werkervaring opdoen",
        "2\t0.50\tbeta\tBèta Perspectief\tIndividuele begeleiding, Werkervaring opdoen",
    ]


def test_similar_by_name_or_alias_top_and_json(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("similar", "Alfa", "--top", "1", "--format", "json", "--catalogue", mini_catalogue)
    doc = json.loads(r.stdout)
    assert doc["ref"]["id"] == "alpha"
    assert doc["similar"] == [{"id": "delta", "name": "Delta Coach", "score": 0.6667, "shared": [
        {"id": "individuele-begeleiding", "name": "Individuele begeleiding"}, {"id": "werkervaring", "name": "Werkervaring opdoen"}]}]


def test_similar_filters_limit_the_candidates(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("similar", "alpha", "--kind", "interventie", "-f", "json", "--catalogue", mini_catalogue)
    assert [m["id"] for m in json.loads(r.stdout)["similar"]] == ["beta"]


def test_similar_errors(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("similar", "omega", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.exit_code == 1 and "no entry 'omega'" in r.stderr
    r = run_cli("similar", "alpha", "--top", "0", "--catalogue", mini_catalogue)
    assert r.exit_code == 2
    r = run_cli("similar", "--catalogue", mini_catalogue)
    assert r.exit_code == 2


def test_similar_for_an_entry_without_elements(run_cli, mini_catalogue: Path) -> None:
    (mini_catalogue / "interventions" / "bare.yaml").write_text("id: bare\nname: Bare\nkind: praktijkvoorbeeld\n", encoding="utf-8")
    r = run_cli("similar", "bare", "--catalogue", mini_catalogue)
    assert r.exit_code == 0 and r.stdout == "" and "noemt geen werkzame elementen" in r.stderr


def test_similar_on_the_real_catalogue_groups_boris_with_praktijkleren(run_cli, repo_root: Path) -> None:
    r = run_cli("similar", "Boris", "--kind", "interventie", "-f", "json", "--catalogue", repo_root)
    first = json.loads(r.stdout)["similar"][0]
    assert first["id"] == "praktijkleren-met-de-praktijkverklaring"
    assert "bewijs-van-leren" in [e["id"] for e in first["shared"]]


# --- map: the summary ---------------------------------------------------------------------------


def test_map_prints_clusters_bridges_and_pairs(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("map", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("Kaart van 5 vermeldingen en 6 werkzame elementen\n")
    assert "1\t3\tIndividuele begeleiding · Werkervaring opdoen\tAlfa naar werk, Bèta Perspectief, Delta Coach" in r.stdout
    assert "2\t1\tLoopbaanoriëntatie · Maatwerk\tGamma Route" in r.stdout
    assert "0.300\t1, 2\t2\tMaatwerk" in r.stdout
    assert "3\tIndividuele begeleiding + Werkervaring opdoen\talpha, beta, delta" in r.stdout


def test_map_json_and_seed_and_top(run_cli, repo_root: Path) -> None:
    args = ("map", "--kind", "interventie", "-f", "json", "--top", "2", "--catalogue", repo_root)
    first = run_cli(*args, "--seed", "3")
    doc = json.loads(first.stdout)
    assert doc["seed"] == 3 and doc["entries"] == 18
    assert len(doc["bridges"]) == 2 and len(doc["pairs"]) == 2
    assert sum(len(c["entries"]) for c in doc["clusters"]) + len(doc["unconnected"]) == doc["entries"]
    assert run_cli(*args, "--seed", "3").stdout == first.stdout


def test_map_lists_entries_without_elements(run_cli, mini_catalogue: Path) -> None:
    (mini_catalogue / "interventions" / "bare.yaml").write_text("id: bare\nname: Bare\nkind: praktijkvoorbeeld\n", encoding="utf-8")
    r = run_cli("map", "--lang", "en", "--catalogue", mini_catalogue)
    assert "Not on the map (1 entry names no working element): bare" in r.stdout


# --- map: exports -------------------------------------------------------------------------------


def export(run_cli, catalogue: Path, fmt: str, *extra: str) -> str:
    r = run_cli("map", "--export", fmt, *extra, "--catalogue", catalogue)
    assert r.exit_code == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "dot", "mermaid", "svg"])
@pytest.mark.parametrize("projection", ["bipartite", "entries", "elements"])
@pytest.mark.slow
def test_every_export_gives_identical_bytes_twice(run_cli, tmp_path: Path, repo_root: Path, fmt: str, projection: str) -> None:
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    for path in (a, b):
        r = run_cli("map", "--export", fmt, "--projection", projection, "-o", path, "--catalogue", repo_root)
        assert r.exit_code == 0, r.stderr
        assert f"jwtool: {fmt} (" in r.stderr and "geschreven" in r.stderr
    assert a.read_bytes() == b.read_bytes() and a.stat().st_size > 0


def test_graphml_and_gexf_load_back_with_their_attributes(run_cli, tmp_path: Path, mini_catalogue: Path) -> None:
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"map.{fmt}"
        assert run_cli("map", "-o", path, "--include", "targets", "--catalogue", mini_catalogue).exit_code == 0
        g = read(path)
        assert g.number_of_nodes() == 5 + 6 + 5 + 2  # entries, elements, education levels, characteristics
        alpha = g.nodes["entry:alpha"]
        assert alpha["education_levels"] == "vso; pro" and alpha["kind"] == "interventie"
        assert g.nodes["element:werkervaring"]["group"] == "werk-en-praktijk"
        assert g.has_edge("entry:beta", "element:maatwerk")


@pytest.mark.slow
def test_json_export_validates_against_its_schema_and_loads_into_networkx(run_cli, hostile_catalogue: Path, repo_root: Path) -> None:
    import jsonschema

    schema = json.loads((repo_root / "schemas" / "graph-export.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for extra in ((), ("--include", "factors", "--include", "targets"), ("--projection", "entries"), ("--projection", "elements")):
        for catalogue in (hostile_catalogue, repo_root):
            doc = json.loads(export(run_cli, catalogue, "json", *extra))
            errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)]
            assert errors == [], (extra, errors[:3])
            g = nx.node_link_graph(doc, edges="links")
            assert g.number_of_nodes() == doc["graph"]["nodes"] and g.number_of_edges() == doc["graph"]["links"]


def test_json_schema_rejects_a_broken_export(run_cli, mini_catalogue: Path, repo_root: Path) -> None:
    import jsonschema

    schema = json.loads((repo_root / "schemas" / "graph-export.schema.json").read_text(encoding="utf-8"))
    doc = json.loads(export(run_cli, mini_catalogue, "json"))
    doc["nodes"][0]["phases"] = "tijdens-school"  # a list became a string
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(doc))


@pytest.mark.parametrize("texts", [None, [], [""], ["  "]])
def test_json_schema_requires_the_wording_on_every_element_link(run_cli, mini_catalogue: Path, repo_root: Path,  # type: ignore[no-untyped-def]
                                                              texts: list[str] | None) -> None:
    """An element link without the entry's wording (the empty strings of issue 25) fails the schema."""
    import jsonschema

    schema = json.loads((repo_root / "schemas" / "graph-export.schema.json").read_text(encoding="utf-8"))
    doc = json.loads(export(run_cli, mini_catalogue, "json"))
    link = next(link for link in doc["links"] if link["relation"] == "element")
    assert link["texts"] and not list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    if texts is None:
        del link["texts"]
    else:
        link["texts"] = texts
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(doc))


def test_dot_export_escapes_text(run_cli, hostile_catalogue: Path) -> None:
    dot = export(run_cli, hostile_catalogue, "dot")
    assert 'label="Evil \\"quote\\" <script>alert(1)</script> # [x] {y} | end; \\\\N & co"' in dot


@pytest.mark.parametrize("projection", ["bipartite", "entries", "elements"])
def test_dot_export_is_read_by_graphviz(run_cli, hostile_catalogue: Path, projection: str) -> None:
    require(shutil.which("dot") is not None, "Graphviz (dot)")
    dot = export(run_cli, hostile_catalogue, "dot", "--projection", projection)
    done = subprocess.run(["dot", "-Tsvg"], input=dot.encode("utf-8"), capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    svg = ET.fromstring(done.stdout)
    titles = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert any(t and "Evil" in t for t in titles) or projection == "elements"


def test_mermaid_export_is_a_bare_diagram_with_safe_ids_and_escaped_labels(run_cli, hostile_catalogue: Path) -> None:
    text = export(run_cli, hostile_catalogue, "mermaid")
    lines = text.splitlines()
    assert lines[0] == "flowchart LR" and "```" not in text
    body = lines[1:]
    nodes = [line.strip() for line in body if re.match(r"\s+[A-Z]_\w+[\[(]", line)]
    assert len(nodes) == 6 + 6
    assert all(re.fullmatch(r"[A-Z]_[A-Za-z0-9_]+(\[\"[^\"]*\"\]|\(\[\"[^\"]*\"\]\))", n) for n in nodes), nodes
    evil = next(n for n in nodes if n.startswith("E_zz_evil"))
    label = evil[len('E_zz_evil["'):-len('"]')]
    assert not set(re.sub(r"#\d+;", "", label)) & set('"#<>&`[]{}|\\;')  # only as #<code>; entities
    assert "#34;quote#34;" in label and "#60;script#62;" in label
    edges = [line.strip() for line in body if "---" in line]
    assert "E_alpha --- W_werkervaring" in edges


def test_svg_export_escapes_text_and_is_wellformed(run_cli, hostile_catalogue: Path) -> None:
    svg = export(run_cli, hostile_catalogue, "svg")
    root = ET.fromstring(svg)
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert any("Evil" in (t.text or "") for t in root.iter("{http://www.w3.org/2000/svg}text"))


def test_export_format_from_the_file_suffix(run_cli, tmp_path: Path, mini_catalogue: Path) -> None:
    for suffix, marker in ((".gv", "graph "), (".mmd", "flowchart LR"), (".md", "```mermaid\nflowchart LR"), (".svg", "<svg"), (".json", '"format": "jwtool-graph"')):
        path = tmp_path / f"map{suffix}"
        r = run_cli("map", "-o", path, "--catalogue", mini_catalogue)
        assert r.exit_code == 0, r.stderr
        assert marker in path.read_text(encoding="utf-8")


def test_an_export_format_that_contradicts_the_file_suffix_is_a_usage_error(run_cli, tmp_path: Path, mini_catalogue: Path, english) -> None:
    path = tmp_path / "map.graphml"
    r = run_cli("map", "--export", "svg", "-o", path, "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and not path.exists()
    assert "'map.graphml' names a graphml file, but --export svg writes svg" in r.stderr
    for name, fmt in (("map.txt", "svg"), ("map.mmd", "mermaid")):  # a suffix that says nothing, or the same
        assert run_cli("map", "--export", fmt, "-o", tmp_path / name, "--catalogue", mini_catalogue).exit_code == 0


def test_export_to_stdout_without_output(run_cli, mini_catalogue: Path) -> None:
    assert export(run_cli, mini_catalogue, "mermaid").startswith("flowchart LR\n")


def test_export_refuses_to_overwrite_without_force(run_cli, tmp_path: Path, mini_catalogue: Path) -> None:
    path = tmp_path / "map.graphml"
    path.write_text("keep me", encoding="utf-8")
    r = run_cli("map", "-o", path, "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "--force" in r.stderr and path.read_text(encoding="utf-8") == "keep me"
    r = run_cli("map", "-o", path, "--force", "--catalogue", mini_catalogue)
    assert r.exit_code == 0 and path.read_text(encoding="utf-8").startswith("<?xml")


def test_export_never_writes_into_the_catalogue_data(run_cli, mini_catalogue: Path, english) -> None:
    path = mini_catalogue / "interventions" / "map.json"
    r = run_cli("map", "-o", path, "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "refusing" in r.stderr and not path.exists()
    assert not list((mini_catalogue / "interventions").glob(".map.json.*"))


@pytest.mark.parametrize("args, message", [
    (("-o", "map.txt"), "valt het exportformaat niet af te leiden"),
    (("--export", "png"), "graphml, gexf, json, dot, mermaid, svg"),
    (("--projection", "entries"), "geldt voor een export"),
    (("--export", "json", "--projection", "clusters"), "bipartite, entries, elements"),
    (("--export", "json", "--include", "colours"), "factors, targets"),
    (("--export", "json", "--include", "factors", "--projection", "entries"), "alleen knopen toe aan de bipartiete graaf"),
    (("--export", "json", "--format", "json"), "--format kiest"),
    (("--force",), "geldt voor een export"),
    (("--top", "0"), ""),
])
def test_map_usage_errors(run_cli, tmp_path: Path, mini_catalogue: Path, args: tuple[str, ...], message: str) -> None:
    r = run_cli("map", *args, "--catalogue", mini_catalogue, cwd=tmp_path)
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "Traceback" not in r.output


@pytest.mark.parametrize(("lang", "text", "not_there"), [
    ("nl", "Overschrijf het BESTAND van -o als het al bestaat (alleen bij een export).", "datapakket"),
    ("en", "Overwrite the -o FILE if it exists (only with an export).", "data package"),
])
def test_map_s_force_help_speaks_of_its_own_export_file(run_cli, lang: str, text: str, not_there: str) -> None:
    r = run_cli("map", "--help", env={"JWTOOL_LANG": lang})
    assert r.exit_code == 0
    shown = " ".join(r.stdout.split())  # the help text wrapped into lines
    assert f"--force {text}" in shown and not_there not in shown


# --- help and start-up --------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["elements", "similar", "map"])
def test_help_has_an_example(run_cli, command: str) -> None:
    r = run_cli(command, "--help")
    assert r.exit_code == 0 and f"Voorbeeld: jwtool {command}" in r.stdout


@pytest.mark.slow
def test_counting_and_likeness_do_not_import_networkx() -> None:
    # the graphs are in jwtool.graph.network; counting (elements) and likeness (similar) need none
    # (jwtool.graph imports networkx lazily: it is in sys.modules, but loads only when a graph is built)
    code = "import sys, jwtool.graph.analysis; print(type(sys.modules.get('networkx')).__name__ not in ('NoneType', '_LazyModule'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr
