"""`jwtool export`: versioned JSON, JSON Lines and flat CSV for pandas, R and Excel."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jwtool.catalogue.model import Entry
from jwtool.catalogue.yamlfile import read_yaml
from jwtool.query.export import (
    EXPORT_VERSION,
    csv_chunks,
    dump_chunks,
    dumps,
    flatten,
    neutralise,
    schema_columns,
)


def csv_rows(raw: bytes) -> list[dict[str, str]]:
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_json_export_is_a_versioned_envelope_with_full_records(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("export", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert list(doc) == ["format", "version", "catalogue", "vocabularies", "query", "count", "entries", "sources"]
    assert doc["format"] == "jwtool-export" and doc["version"] == EXPORT_VERSION == 1
    assert doc["catalogue"]["caveat"].startswith("De resultaten zijn onderling echter lastig vergelijkbaar")
    assert doc["vocabularies"]["working-elements"] >= 1
    assert doc["query"] == {} and doc["count"] == 5
    assert doc["entries"][0] == read_yaml(mini_catalogue / "interventions" / "alpha.yaml", "alpha.yaml").data


def test_json_export_carries_the_record_of_every_source_its_entries_cite(run_cli, mini_catalogue: Path) -> None:
    doc = json.loads(run_cli("export", "--catalogue", mini_catalogue).stdout)
    cited = {c["source"] for e in doc["entries"] for c in e["cites"]}
    assert list(doc["sources"]) == sorted(cited)
    for sid, record in doc["sources"].items():
        assert record == read_yaml(mini_catalogue / "sources" / f"{sid}.yaml", f"{sid}.yaml").data
    only_alpha = json.loads(run_cli("export", "--catalogue", mini_catalogue, "--target", "vso").stdout)
    assert set(only_alpha["sources"]) == {c["source"] for e in only_alpha["entries"] for c in e["cites"]}


def test_json_export_records_the_filters(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("export", "-f", "json", "--target", "vso", "--phase", "overgang", "--catalogue", mini_catalogue)
    doc = json.loads(r.stdout)
    assert doc["query"] == {"target": ["vso"], "phase": ["overgang"]}
    assert [e["id"] for e in doc["entries"]] == ["delta"] and doc["count"] == 1
    by_element = json.loads(run_cli("export", "-f", "json", "--element", "maatwerk", "--from", "working-elements", "--catalogue", mini_catalogue).stdout)
    assert by_element["query"] == {"element": ["maatwerk"], "element_source": "working-elements"}


def test_jsonl_is_one_entry_per_line(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("export", "--format", "jsonl", "--kind", "praktijkvoorbeeld", "--catalogue", mini_catalogue)
    lines = r.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["delta", "epsilon"]


def test_csv_to_stdout_starts_with_a_bom(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("export", "-f", "csv", "--catalogue", mini_catalogue)
    assert r.exit_code == 0
    assert r.stdout.startswith("\ufeffid,name,")


def test_csv_is_one_row_per_entry_with_dotted_columns_and_joined_lists(run_cli, mini_catalogue: Path) -> None:
    out = mini_catalogue.parent / "out.csv"
    assert run_cli("export", "-f", "csv", "-o", out, "--catalogue", mini_catalogue).exit_code == 0
    rows = csv_rows(out.read_bytes())
    assert [row["id"] for row in rows] == ["alpha", "beta", "gamma", "delta", "epsilon"]
    alpha = rows[0]
    assert alpha["target_group.education_levels"] == "vso | pro"
    assert alpha["target_group.age.min"] == "15" and alpha["target_group.age.max"] == "18"
    assert alpha["working_elements.text"] == "Individuele begeleiding | Werkervaring opdoen | Nazorg"
    assert alpha["working_elements.elements"] == "individuele-begeleiding | werkervaring | nazorg"
    assert alpha["results.figures.value"] == "75 | 30"
    assert alpha["evidence.control_group"] == "true"
    assert rows[1]["name"] == "Bèta Perspectief"  # UTF-8 survives
    assert alpha["components.text"] == "Loopbaanoriëntatie | Stage" and alpha["components.elements"] == ""  # both untagged
    assert rows[1]["components.text"] == ""


def test_csv_columns_follow_the_schema_whatever_the_filter(run_cli, mini_catalogue: Path) -> None:
    a, b = mini_catalogue.parent / "a.csv", mini_catalogue.parent / "b.csv"
    run_cli("export", "-f", "csv", "-o", a, "--catalogue", mini_catalogue)
    run_cli("export", "-f", "csv", "-o", b, "--kind", "praktijkvoorbeeld", "--catalogue", mini_catalogue)
    header_a = a.read_bytes().decode("utf-8-sig").splitlines()[0]
    header_b = b.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header_a == header_b
    assert header_a.startswith("id,name,aliases,kind,summary,providers.description,")


def test_csv_neutralises_formulas(run_cli, mini_catalogue: Path) -> None:
    path = mini_catalogue / "interventions" / "epsilon.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "summary: Een handgemaakt praktijkvoorbeeld van een training voor gediplomeerde mbo'ers.",
        "summary: '=HYPERLINK(\"http://evil.example\",\"klik\")'"), encoding="utf-8")
    out = mini_catalogue.parent / "x.csv"
    run_cli("export", "-f", "csv", "-o", out, "--catalogue", mini_catalogue)
    epsilon = csv_rows(out.read_bytes())[-1]
    assert epsilon["summary"] == "'=HYPERLINK(\"http://evil.example\",\"klik\")"


@pytest.mark.parametrize(("cell", "safe"), [
    ("=1+1", "'=1+1"), ("+31 6", "'+31 6"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("  =1", "'  =1"), ("vso-/pro", "vso-/pro"), ("", ""),
])
def test_neutralise(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe


def test_flatten_lists_of_objects_keep_item_positions() -> None:
    flat = flatten({"sources": [{"title": "A", "url": "https://a"}, {"title": "B"}], "tags": [], "age": {"min": 16}})
    assert flat == {"sources.title": "A | B", "sources.url": "https://a | ", "age.min": "16"}


def test_schema_columns_follow_refs_and_array_items() -> None:
    schema = {"$defs": {"t": {"type": "string"}}, "properties": {
        "a": {"$ref": "#/$defs/t"},
        "b": {"type": "object", "properties": {"c": {"type": "integer"}}},
        "d": {"type": "array", "items": {"type": "object", "properties": {"e": {}, "f": {}}}},
        "g": {"type": "array", "items": {"type": "string"}},
    }}
    assert schema_columns(schema) == ["a", "b.c", "d.e", "d.f", "g"]


def test_output_file_is_not_overwritten_without_force(run_cli, mini_catalogue: Path) -> None:
    out = mini_catalogue.parent / "e.json"
    out.write_text("keep me", encoding="utf-8")
    r = run_cli("export", "-o", out, "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "bestaat al; overschrijf het met --force" in r.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    r = run_cli("export", "-o", out, "--force", "--catalogue", mini_catalogue)
    assert r.exit_code == 0 and "5 vermeldingen naar" in r.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["count"] == 5
    assert [p.name for p in out.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_output_is_never_written_into_the_catalogue_data(run_cli, mini_catalogue: Path, english) -> None:
    r = run_cli("export", "-o", mini_catalogue / "interventions" / "all.json", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "refusing to write" in r.stderr
    assert not (mini_catalogue / "interventions" / "all.json").exists()


def test_output_into_a_missing_folder_is_a_usage_error(run_cli, mini_catalogue: Path, english) -> None:
    r = run_cli("export", "-o", mini_catalogue.parent / "no" / "such" / "x.json", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_export_with_an_unknown_filter_value_exits_2(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("export", "--element", "toverstaf", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "onbekende waarde voor --element: 'toverstaf'" in r.stderr and r.stdout == ""


def test_export_bad_format(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("export", "-f", "xlsx", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "'xlsx' is geen van de mogelijke waarden; kies uit: json, jsonl, csv, csl-json, bibtex, ris" in r.stderr


def test_export_is_byte_identical_between_runs(run_cli, repo_root: Path) -> None:
    first = run_cli("export", "-f", "csv", "--catalogue", repo_root).stdout
    assert first and first == run_cli("export", "-f", "csv", "--catalogue", repo_root).stdout


def test_write_atomic_cleans_up_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from jwtool.catalogue import files

    def boom(src: str, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "link", boom)  # the last step of a write without --force
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(tmp_path / "x.txt", "data")
    assert list(tmp_path.iterdir()) == []


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
                       lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5), max_leaves=40)


@given(JSONISH)
@pytest.mark.slow
def test_the_streamed_json_is_the_json_text(data: object) -> None:
    # the export file is written from the stream; stdout and other commands use dumps
    assert "".join(dump_chunks(data)) == dumps(data)


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_are_refused_streamed_or_not(number: float) -> None:
    from jwtool.query.export import NotJSONError

    with pytest.raises(NotJSONError):
        dumps({"value": number})
    with pytest.raises(NotJSONError):
        "".join(dump_chunks({"value": number}))


def test_a_large_export_is_streamed_in_pieces_that_join_to_the_document() -> None:
    data = {"entries": [{"name": "Boris brengt je bij een baan", "n": i} for i in range(5000)]}
    chunks = list(dump_chunks(data))
    assert len(chunks) > 1 and "".join(chunks) == dumps(data)


def test_a_large_csv_export_is_streamed_in_whole_rows() -> None:
    entries = [Entry({"id": f"e{i}", "name": f"Regel {i}\nmet =1+1 en \"quotes\"", "extra": {"x": i}}, f"interventions/e{i}.yaml") for i in range(1200)]
    chunks = list(csv_chunks(entries, ["id", "name"]))
    assert len(chunks) == 4 and chunks[0].startswith("\ufeffid,name,extra.x\r\n")
    rows = list(csv.reader(io.StringIO("".join(chunks)[1:])))
    assert rows[0] == ["id", "name", "extra.x"] and len(rows) == 1201
    assert rows[1200] == ["e1199", "Regel 1199\nmet =1+1 en \"quotes\"", "1199"]
    assert all(chunk.endswith("\r\n") for chunk in chunks)  # no row is cut between two pieces
