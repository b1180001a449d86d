"""Every JSON output has a JSON Schema in schemas/ that real outputs meet, and its documentation
names exactly the schema's keys: `export --format json`, `validate --format json`, `gaps --format
json` and the graph export (`map --export json`: outputs validated in test_graph_cli.py, docs/graph-format.md checked here)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.conftest import REPO

SCHEMAS = REPO / "schemas"


def _validator(name: str) -> Any:
    import jsonschema
    from referencing import Registry, Resource

    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        spec = json.loads(path.read_text(encoding="utf-8"))
        resources.append((spec["$id"], Resource.from_contents(spec)))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _errors(name: str, doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in _validator(name).iter_errors(doc)]


EXPORT_QUERIES = [(), ("--target", "vso"), ("--outcome", "werk", "--min-design", "monitoring"), ("--element", "maatwerk", "--from", "components"),
                  ("--phase", "nazorg", "--goal", "werk", "--min-evidence", "goed-beschreven", "--age", "17", "--kind", "interventie")]


@pytest.mark.parametrize("query", EXPORT_QUERIES)
def test_the_json_export_meets_its_schema(run_cli, query: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("export", *query)
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert _errors("export.schema.json", doc) == []
    assert bool(doc["query"]) == bool(query)


def test_the_json_export_schema_refuses_what_the_export_never_writes(run_cli) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(run_cli("export", "--target", "vso").stdout)
    assert _errors("export.schema.json", doc | {"query": {"reports": ["x"]}})
    assert _errors("export.schema.json", doc | {"entries": [{"id": "x"}]})


def test_export_of_a_catalogue_without_catalogue_yaml_meets_the_schema(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    (mini_catalogue / "catalogue.yaml").unlink()
    r = run_cli("export", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["catalogue"] == {} and _errors("export.schema.json", doc) == []


@pytest.mark.slow
def test_validate_json_meets_its_schema(run_cli, catalogue_copy: Path, hostile_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    path = catalogue_copy / "interventions" / "zowhat.yaml"
    text = path.read_text(encoding="utf-8")
    date = yaml.safe_load(text)["last_reviewed"]
    path.write_text(text.replace(f'last_reviewed: "{date}"', f"last_reviewed: {date}").replace("kind: interventie", "kind: iets"), encoding="utf-8")
    for cat, extra in ((catalogue_copy, ()), (catalogue_copy, ("--show-reviewed",)), (hostile_catalogue, ())):
        doc = json.loads(run_cli("validate", "--format", "json", *extra, "--catalogue", cat).stdout)
        assert _errors("validate-report.schema.json", doc) == []
    assert {p["severity"] for p in doc} | {"error", "warning"} >= {"error"}
    problems = json.loads(run_cli("validate", "--format", "json", "--show-reviewed", "--catalogue", catalogue_copy).stdout)
    assert {"error", "warning", "silenced"} <= {p["severity"] for p in problems}


@pytest.mark.parametrize("extra", [(), ("--rows", "groups"), ("--rows", "entries"), ("--from", "components", "--target", "vso")])
def test_gaps_json_meets_its_schema(run_cli, extra: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(run_cli("gaps", "--format", "json", *extra).stdout)
    assert _errors("gaps.schema.json", doc) == []
    assert doc["map"] and any(c["count"] for r in doc["map"] for c in r["cells"])


# --- the documentation names exactly the schema's keys --------------------------------------------


def _table_keys(markdown: str, after: str) -> list[str]:
    """The first column (`key`) of the first table after the heading or text ``after``."""
    keys: list[str] = []
    started = False
    for line in markdown.split(after, 1)[1].splitlines():
        if line.startswith("|"):
            started = True
            m = re.match(r"^\| `([^`]+)` \|", line)
            if m:
                keys.append(m.group(1))
        elif started:
            break
    return keys


def test_export_format_doc_names_every_key_and_filter_of_the_schema() -> None:
    doc = (REPO / "docs" / "export-format.md").read_text(encoding="utf-8")
    schema = json.loads((SCHEMAS / "export.schema.json").read_text(encoding="utf-8"))
    assert _table_keys(doc, "| Key | Meaning |") == list(schema["properties"])
    query_row = next(line for line in doc.splitlines() if line.startswith("| `query` |"))
    values = set(schema["properties"]["query"]["properties"]["element_source"]["enum"])
    named = set(re.findall(r"`([a-z][a-z_-]*)`", query_row)) - {"query"} - values
    assert named == set(schema["properties"]["query"]["properties"]), "docs/export-format.md's query row and the schema's query keys differ"
    assert "reports" not in doc


def test_the_export_query_keys_are_the_filters_jwtool_has() -> None:
    from dataclasses import fields

    from jwtool.query.filters import RawFilters

    schema = json.loads((SCHEMAS / "export.schema.json").read_text(encoding="utf-8"))
    assert set(schema["properties"]["query"]["properties"]) == {f.name for f in fields(RawFilters)}


# Every other JSON output, from the bundled catalogue (its git history for history and diff) and
# from a hostile one, for which a JSON Schema in schemas/ holds
OUTPUTS = [
    ("list.schema.json", ("list",)), ("list.schema.json", ("search", "leerbedrijf")), ("list.schema.json", ("search", "zowat")),
    ("list.schema.json", ("search", "--target", "vso")),
    ("compare.schema.json", ("compare", "boris", "zowhat", "transitieroute")),
    ("elements.schema.json", ("elements",)), ("elements.schema.json", ("elements", "--by", "phase", "--from", "components")),
    ("similar.schema.json", ("similar", "boris")), ("map.schema.json", ("map",)), ("map.schema.json", ("map", "--from", "working-elements")),
]
HOSTILE_OUTPUTS = [("list.schema.json", ("list",)), ("list.schema.json", ("search", "script")), ("elements.schema.json", ("elements", "--by", "kind")),
                   ("similar.schema.json", ("similar", "hostile")), ("map.schema.json", ("map",))]


@pytest.mark.parametrize(("schema", "command"), OUTPUTS)
def test_every_other_json_output_meets_its_schema(run_cli, repo_root: Path, schema: str, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(*command, "--format", "json", "--catalogue", repo_root)
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc and _errors(schema, doc) == []


@pytest.mark.parametrize(("schema", "command"), HOSTILE_OUTPUTS)
def test_json_outputs_of_a_hostile_catalogue_meet_their_schemas(run_cli, hostile_catalogue: Path,  # type: ignore[no-untyped-def]
                                                                schema: str, command: tuple[str, ...]) -> None:
    r = run_cli(*command, "--format", "json", "--catalogue", hostile_catalogue)
    assert r.exit_code == 0, r.stderr
    assert _errors(schema, json.loads(r.stdout)) == []


@pytest.mark.slow
def test_history_and_diff_json_meet_their_schemas(repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    boris = "interventions/boris-brengt-je-bij-een-baan.yaml"
    repo.edit(boris, "level: niet-onderzocht", "level: eerste-aanwijzingen")
    repo.commit("Boris: eerste aanwijzingen")
    repo.git("mv", boris, "interventions/boris.yaml")
    (repo.path / "sources" / "hanzen-2015.yaml").unlink()
    for schema, command in (("history.schema.json", ("history", "boris")), ("diff.schema.json", ("diff", "HEAD~1", "HEAD")),
                            ("diff.schema.json", ("diff", "HEAD"))):
        r = run_cli(*command, "--format", "json", "--catalogue", repo.path)
        assert r.exit_code == 0, r.stderr
        doc = json.loads(r.stdout)
        assert _errors(schema, doc) == []
    assert doc["by_kind"]["entries"]["renamed"] == 1 and doc["sources"][0]["status"] == "removed"


def test_show_json_is_the_entry_and_meets_the_entry_schema(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert _errors("intervention.schema.json", json.loads(run_cli("show", "boris", "--format", "json").stdout)) == []


def test_the_output_schemas_refuse_what_jwtool_never_writes(run_cli) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(run_cli("search", "leerbedrijf", "--format", "json").stdout)
    assert _errors("list.schema.json", [rows[0] | {"score": 0}]) and _errors("list.schema.json", [{k: v for k, v in rows[0].items() if k != "match"}])
    similar = json.loads(run_cli("similar", "boris", "--format", "json").stdout)
    assert _errors("similar.schema.json", similar | {"similar": [similar["similar"][0] | {"shared": []}]})


@pytest.mark.parametrize(("heading", "schema", "pointer"), [
    ("## `jwtool validate --format json`", "validate-report.schema.json", ("items",)),
    ("## `jwtool gaps --format json`", "gaps.schema.json", ()),
    ("Each cell (`map[].cells[]`):", "gaps.schema.json", ("properties", "map", "items", "properties", "cells", "items")),
    ("## `jwtool list --format json` and `jwtool search --format json`", "list.schema.json", ("items",)),
    ("## `jwtool compare --format json`", "compare.schema.json", ()),
    ("## `jwtool elements --format json`", "elements.schema.json", ("oneOf", 0)),
    ("With `--by phase|evidence|target|kind`:", "elements.schema.json", ("oneOf", 1)),
    ("## `jwtool similar --format json`", "similar.schema.json", ()),
    ("## `jwtool map --format json`", "map.schema.json", ()),
    ("## `jwtool history --format json`", "history.schema.json", ()),
    ("## `jwtool diff --format json`", "diff.schema.json", ()),
])
def test_json_outputs_doc_names_exactly_the_schemas_keys(heading: str, schema: str, pointer: tuple[str, ...]) -> None:
    doc = (REPO / "docs" / "json-outputs.md").read_text(encoding="utf-8")
    node = json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    for key in pointer:
        node = node[key]
    assert _table_keys(doc, heading) == list(node["properties"])


def test_every_json_output_schema_is_listed_in_the_docs() -> None:
    doc = (REPO / "docs" / "json-outputs.md").read_text(encoding="utf-8")
    inputs = {"intervention.schema.json", "source.schema.json", "catalogue.schema.json", "vocabulary.schema.json"}
    outputs = {p.name for p in SCHEMAS.glob("*.schema.json")} - inputs
    assert {"export.schema.json", "graph-export.schema.json", "validate-report.schema.json", "gaps.schema.json"} <= outputs
    assert all(f"../schemas/{name}" in doc for name in outputs | {"intervention.schema.json"})
    assert {name for name, _ in OUTPUTS} <= outputs


def _ticked(text: str) -> set[str]:
    return set(re.findall(r"`([a-z][a-z_-]*)`", text))


def test_graph_format_doc_names_exactly_the_schemas_keys() -> None:
    """docs/graph-format.md against schemas/graph-export.schema.json: the top-level table, the
    `graph` row, each node type's attributes and each projection's link keys."""
    doc = (REPO / "docs" / "graph-format.md").read_text(encoding="utf-8")
    schema = json.loads((SCHEMAS / "graph-export.schema.json").read_text(encoding="utf-8"))
    top = doc.split("## Top level", 1)[1].split("\n## ", 1)[0]
    assert [line.split("|")[1].strip().strip("`") for line in top.splitlines() if line.startswith("| `")] == list(schema["properties"])
    rows = {line.split("|")[1].strip(): line for line in doc.splitlines() if line.startswith("| `")}
    graph = schema["properties"]["graph"]["properties"]
    values = {str(v) for p in graph.values() for v in p.get("enum", []) + p.get("items", {}).get("enum", [])}
    assert _ticked(rows["`graph`"].split("|")[2]) - values == set(graph)
    node = schema["$defs"]["node"]
    common = set(node["properties"])
    for case in node["allOf"]:
        types = case["if"]["properties"]["type"]
        attributes = set(case["then"]["properties"]) - common
        row = rows[" ".join(f"`{t}`," for t in types.get("enum", [types.get("const")]))[:-1]]
        values = {"interventie", "praktijkvoorbeeld", *case["then"]["properties"].get("vocabulary", {}).get("enum", [])}
        assert _ticked(row.split("|")[2]) - values == attributes, row
    link = schema["$defs"]["link"]
    relations = set(link["properties"]["relation"]["enum"])
    named = set().union(*(_ticked(rows[f"`{p}`"].split("|")[3]) for p in ("bipartite", "entries", "elements")))
    assert named - relations == set(link["properties"]) - {"source", "target"}
