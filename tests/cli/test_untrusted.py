"""A catalogue's own schemas, templates and files are input from a pull request, not code (issue 15):
they reach nothing outside the catalogue, cannot hang jwtool, and a broken one is a problem line."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


def _set_schema_property(catalogue: Path, field: str, subschema: dict[str, object]) -> None:
    path = catalogue / "schemas" / "intervention.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"][field] = subschema
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


@pytest.fixture
def schema_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on loopback that serves a valid schema at any path and records every
    request: a $ref to it must never be fetched."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            requests.append(self.path)
            body = b'{"type": "string"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with ThreadingHTTPServer(("127.0.0.1", 0), Handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}", requests
        finally:
            server.shutdown()
            thread.join()


@pytest.mark.slow
def test_a_schema_ref_to_the_network_is_refused_without_a_request(run_cli, mini_catalogue: Path, schema_server: tuple[str, list[str]], english) -> None:
    url, requests = schema_server
    _set_schema_property(mini_catalogue, "summary", {"$ref": f"{url}/summary.json"})
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert requests == []
    assert "schemas/intervention.schema.json:" in result.stdout
    assert f"$ref '{url}/summary.json' cannot be used" in result.stdout
    assert "outside the catalogue's schemas/ folder" in result.stdout
    assert "[schema-file]" in result.stdout and "interne fout" not in result.output


@pytest.mark.parametrize("ref", ["file://{secret}", "../../secret.json", "../../secret.json#/definitions/x"])
def test_a_schema_ref_to_a_file_outside_schemas_is_refused_without_reading_it(run_cli, mini_catalogue: Path, ref: str, english) -> None:
    # secret.json sits beside the catalogue and is a valid schema that every entry fails: had it
    # been read, the entries would get 'expected a whole number' problems.
    secret = mini_catalogue.parent / "secret.json"
    secret.write_text('{"type": "integer", "definitions": {"x": {"type": "integer"}}}', encoding="utf-8")
    _set_schema_property(mini_catalogue, "summary", {"$ref": ref.format(secret=secret)})
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    problems = result.stdout.splitlines()
    assert len(problems) == 1, problems
    assert problems[0].startswith("schemas/intervention.schema.json:")
    assert "outside the catalogue's schemas/ folder" in problems[0] and "[schema-file]" in problems[0]


def test_a_schema_ref_to_another_file_in_schemas_works(run_cli, mini_catalogue: Path, english) -> None:
    (mini_catalogue / "schemas" / "extra.json").write_text('{"$defs": {"short": {"type": "string", "maxLength": 5}}}', encoding="utf-8")
    _set_schema_property(mini_catalogue, "summary", {"$ref": "extra.json#/$defs/short"})
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert "interventions/alpha.yaml:" in result.stdout and "is too long" in result.stdout
    assert "schema-file" not in result.stdout


@pytest.mark.slow
def test_neither_validator_fetches_or_reads_a_ref_outside_schemas(mini_catalogue: Path, schema_server: tuple[str, list[str]]) -> None:
    """Both libraries, asked directly (not through the up-front check): jsonschema-rs cannot be
    built and jsonschema reports the $ref as unresolvable, though the server and the file would
    each have served a valid schema; and no request was made."""
    from referencing.exceptions import Unresolvable

    from jwtool.validate.schema import LocalSchemas

    url, requests = schema_server
    schemas = mini_catalogue / "schemas"
    secret = mini_catalogue.parent / "secret.json"
    secret.write_text('{"type": "integer"}', encoding="utf-8")
    for ref in (f"{url}/x.json", secret.as_uri(), "../../secret.json"):
        schema = {"properties": {"a": {"$ref": ref}}}
        local = LocalSchemas(schemas, schemas / "intervention.schema.json", schema)
        assert local.fast_validator(schema) is None
        with pytest.raises(Unresolvable):
            list(local.full_validator(schema).iter_errors({"a": 1}))
    assert requests == []


@pytest.mark.slow
def test_a_backtracking_pattern_in_a_schema_does_not_hang_validate(mini_catalogue: Path, english) -> None:
    _set_schema_property(mini_catalogue, "summary", {"type": "string", "pattern": "^(a+)+$"})
    alpha = mini_catalogue / "interventions" / "alpha.yaml"
    text = alpha.read_text(encoding="utf-8")
    alpha.write_text("\n".join("summary: " + "a" * 40 + "!" if line.startswith("summary:") else line for line in text.splitlines()) + "\n", encoding="utf-8")
    with subprocess.Popen([sys.executable, "-m", "jwtool", "validate", "--catalogue", str(mini_catalogue)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        try:
            stdout, _ = proc.communicate(timeout=60)  # Python's re needs 2^40 steps: hours
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail("validate hung on a backtracking pattern")
    assert proc.returncode == 1
    assert "interventions/alpha.yaml:" in stdout and "does not match '^(a+)+$'" in stdout


def test_a_pattern_that_needs_backtracking_is_refused_where_it_stands(run_cli, mini_catalogue: Path, english) -> None:
    _set_schema_property(mini_catalogue, "summary", {"type": "string", "pattern": "^(?=a)(a)\\1$"})
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    text = (mini_catalogue / "schemas" / "intervention.schema.json").read_text(encoding="utf-8")
    row = next(i for i, t in enumerate(text.splitlines(), 1) if "(?=a)" in t)
    assert line.startswith(f"schemas/intervention.schema.json:{row}:")
    assert "cannot be run in linear time" in line and "lookaround or backreferences" in line
    assert result.stderr.count("\n") == 1  # only jwtool's summary: RE2 itself prints nothing


@pytest.mark.parametrize("name, text", [("intervention", "null"), ("source", "null"), ("catalogue", "null"), ("vocabulary", "null"),
                                        ("intervention", "[]")])
def test_a_schema_that_is_not_a_json_object_fails_validate_with_one_problem(run_cli, mini_catalogue: Path, name: str, text: str, english) -> None:
    """A pull request that replaces a schema with ``null`` (or any other non-object) must not
    switch that schema's checks off silently: validate fails and names the file."""
    (mini_catalogue / "schemas" / f"{name}.schema.json").write_text(f"{text}\n", encoding="utf-8")
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"schemas/{name}.schema.json:1:1: error: the schema is not a JSON object; "
                                          "no file was checked against this schema [schema-file]"]
    assert "Traceback" not in result.output and "internal error" not in result.output


@pytest.mark.parametrize("text, at", [('[1, ""]\n', "1:1"), ('\n  ["", {"type": "string"}]\n', "2:3"), ('\t""\n', "1:2")],
                         ids=["list", "after-blank-lines", "string"])
def test_a_schema_that_is_not_a_json_object_is_reported_where_its_value_starts(run_cli, mini_catalogue: Path, text: str, at: str, english) -> None:
    """The whole value is wrong, so the problem stands where it begins: not at an empty string
    inside it, which is where a refused $ref or pattern would be looked for."""
    (mini_catalogue / "schemas" / "intervention.schema.json").write_text(text, encoding="utf-8")
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"schemas/intervention.schema.json:{at}: error: the schema is not a JSON object; "
                                          "no file was checked against this schema [schema-file]"]


NOT_JSON_SCHEMA = [  # (schema text, where the offending value stands, JSON pointer, what is wrong, worded as an entry's error)
    ('{\n  "type": "object",\n  "properties": null\n}\n', "3:17", "/properties", "expected a mapping of fields, got nothing"),
    ('{\n  "properties": {\n    "id": null\n  }\n}\n', "3:11", "/properties/id", "expected object/boolean, got nothing"),
    ('{\n  "required": 5,\n  "properties": {}\n}\n', "2:15", "/required", "expected a list, got number 5"),
]


@pytest.mark.parametrize("text, at, pointer, detail", NOT_JSON_SCHEMA, ids=["properties-null", "property-null", "required-number"])
def test_an_object_that_is_not_json_schema_fails_validate_at_the_offending_value(
        run_cli, mini_catalogue: Path, text: str, at: str, pointer: str, detail: str, english) -> None:
    """A JSON object is not yet a schema: both validators would stop halfway through an entry
    (AttributeError, TypeError). The meta-schema finds the value at fault, and says how to fix it."""
    (mini_catalogue / "schemas" / "intervention.schema.json").write_text(text, encoding="utf-8")
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"schemas/intervention.schema.json:{at}: error: {pointer}: not valid JSON Schema (draft 2020-12): {detail}; correct the schema there, "
        "or restore the file from the jwtool release; no file was checked against this schema [schema-file]"]
    assert "internal error" not in result.output


def test_what_is_wrong_with_a_schema_is_said_in_dutch(run_cli, mini_catalogue: Path) -> None:
    """Worded as the same error in an entry would be: no English from jsonschema, no Python None."""
    (mini_catalogue / "schemas" / "intervention.schema.json").write_text(NOT_JSON_SCHEMA[0][0], encoding="utf-8")
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert ": fout: /properties: geen geldig JSON Schema (draft 2020-12): verwacht: een verzameling velden, gevonden: niets; " in result.stdout
    assert "None" not in result.stdout and "is not of type" not in result.stdout


@pytest.mark.parametrize("ref", ["#/notes", "extra.json"], ids=["unknown-keyword", "other-file"])
def test_a_ref_to_something_that_is_not_json_schema_is_refused_where_the_ref_stands(run_cli, mini_catalogue: Path, ref: str, english) -> None:
    """What a $ref reaches outside the schema's own keywords (under a keyword JSON Schema does not
    know, or in another file of schemas/) is checked too: ``{"type": 5}`` crashed jsonschema."""
    (mini_catalogue / "schemas" / "extra.json").write_text('{"type": 5}', encoding="utf-8")
    path = mini_catalogue / "schemas" / "intervention.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["notes"] = {"type": 5}
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    _set_schema_property(mini_catalogue, "summary", {"$ref": ref})
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    row = next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if f'"$ref": "{ref}"' in t)
    assert line.startswith(f"schemas/intervention.schema.json:{row}:")
    assert (f"/properties/summary: $ref '{ref}' cannot be used: /type: not valid JSON Schema (draft 2020-12): "
            "5 is not valid under any of the given schemas") in line and line.endswith("[schema-file]")


def _chain_of_refs(catalogue: Path, length: int) -> Path:
    """The entry schema with summary a $ref to d0, d0 a $ref to d1, ..., d<length> a text."""
    path = catalogue / "schemas" / "intervention.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["$defs"].update({f"d{i}": {"$ref": f"#/$defs/d{i + 1}"} for i in range(length)})
    schema["$defs"][f"d{length}"] = {"type": "string"}
    schema["properties"]["summary"] = {"$ref": "#/$defs/d0"}
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    return path


def _fail_alpha(catalogue: Path, line: str) -> None:
    """alpha.yaml with one more line that the schema rejects, so that jsonschema (not only the
    faster jsonschema-rs, which says yes or no) explains it."""
    alpha = catalogue / "interventions" / "alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


def test_a_chain_of_refs_deeper_than_the_bound_is_refused_at_the_ref_that_passes_it(run_cli, mini_catalogue: Path, english) -> None:
    """1,200 $defs each a $ref to the next: jsonschema follows them two Python frames a $ref and
    stopped with RecursionError (an internal error) on the first entry it had to explain."""
    path = _chain_of_refs(mini_catalogue, 1200)
    _fail_alpha(mini_catalogue, "unknown_field: 1")
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    # root, properties, summary, then a level a $ref: d62 is the 65th level
    row = next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if t.strip() == '"$ref": "#/$defs/d62"')
    assert line.startswith(f"schemas/intervention.schema.json:{row}:")
    assert ("the schema goes more than 64 levels deep here (each object, list and $ref followed counts as one; "
            "jwtool's own schemas need at most 20)") in line and line.endswith("no file was checked against this schema [schema-file]")
    assert "internal error" not in result.output


def test_nesting_deeper_than_the_bound_is_refused_where_it_passes_it(run_cli, mini_catalogue: Path, english) -> None:
    """Without a $ref on the way, the problem stands on the level that passes the bound."""
    node: dict[str, object] = {"type": "string"}
    for _ in range(100):
        node = {"allOf": [node]}
    _set_schema_property(mini_catalogue, "summary", node)
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    lines = (mini_catalogue / "schemas" / "intervention.schema.json").read_text(encoding="utf-8").splitlines()
    # root, properties, summary, then two levels an allOf (its list, the item): the 32nd list is the 65th level
    row = [i for i, t in enumerate(lines, 1) if '"allOf": [' in t][31]
    assert line.startswith(f"schemas/intervention.schema.json:{row}:{lines[row - 1].index('[') + 1}: ")
    assert "more than 64 levels deep" in line and line.endswith("[schema-file]")


def _with_defs(catalogue: Path, defs: dict[str, object], properties: dict[str, object]) -> Path:
    """The entry schema with ``defs`` added to its $defs and ``properties`` set in its properties."""
    path = catalogue / "schemas" / "intervention.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["$defs"].update(defs)
    schema["properties"].update(properties)
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    return path


def _summary_5(catalogue: Path) -> None:
    """alpha.yaml with ``summary: 5`` where the entry schema wants a text."""
    alpha = catalogue / "interventions" / "alpha.yaml"
    text = alpha.read_text(encoding="utf-8")
    alpha.write_text("\n".join("summary: 5" if line.startswith("summary:") else line for line in text.splitlines()) + "\n", encoding="utf-8")


# $defs whose $refs lead from a back to a without going into a property or item of the value, as
# (defs, the $ref the problem stands on: the last line in the file that holds it)
REF_LOOPS = [
    ({"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "#/$defs/b"),
    ({"a": {"$ref": "#/$defs/a"}}, "#/$defs/a"),
    ({"a": {"allOf": [{"$ref": "#/$defs/b"}]}, "b": {"not": {"$ref": "#/$defs/a"}}}, "#/$defs/b"),
    ({"a": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/a"}]}}, "#/$defs/a"),  # checks beside the loop: jsonschema-rs still took 5
    ({"a": {"type": "string", "if": {"minLength": 1}, "then": {"$ref": "#/$defs/a"}}}, "#/$defs/a"),  # jsonschema: RecursionError
]


@pytest.mark.parametrize("defs, ref", REF_LOOPS, ids=["mutual", "self", "allOf-not", "anyOf-beside-a-type", "if-then"])
def test_a_ref_loop_that_checks_no_part_of_the_value_is_refused_at_a_ref_of_the_loop(
        run_cli, mini_catalogue: Path, defs: dict[str, object], ref: str, english) -> None:
    """jsonschema-rs took any value where such a loop stands (``summary: 5`` passed validate without
    a word), jsonschema followed it until RecursionError; neither is bounded by the depth, as no $ref
    is followed twice. Now the schema is refused, like one too deep, at a $ref of the loop."""
    path = _with_defs(mini_catalogue, defs, {"summary": {"$ref": "#/$defs/a"}})
    _summary_5(mini_catalogue)
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    lines = path.read_text(encoding="utf-8").splitlines()
    row = max(i for i, t in enumerate(lines, 1) if t.strip().startswith(f'"$ref": "{ref}"'))
    assert line.startswith(f"schemas/intervention.schema.json:{row}:{lines[row - 1].index(chr(34) + '#') + 1}: error: ")
    assert (f"$ref '{ref}' leads in a loop back to itself without describing a property or item on the way "
            "(only through $ref, allOf/anyOf/oneOf/not, if/then/else or dependentSchemas), so a value there cannot be checked; "
            "let the loop describe a property or item, or remove it; no file was checked against this schema [schema-file]") in line
    assert "internal error" not in result.output


def test_a_ref_loop_is_said_in_dutch(run_cli, mini_catalogue: Path) -> None:
    _with_defs(mini_catalogue, REF_LOOPS[0][0], {"summary": {"$ref": "#/$defs/a"}})
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert ("$ref '#/$defs/b' verwijst in een kring naar zichzelf zonder onderweg een eigenschap of item te beschrijven "
            "(alleen via $ref, allOf/anyOf/oneOf/not, if/then/else of dependentSchemas), zodat een waarde daar niet te controleren is; "
            "laat de kring een eigenschap of item beschrijven of verwijder hem; ") in result.stdout


# $refs that come back to where they started, but only inside a property or item of the value
RECURSIVE = [
    ({"node": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, {"summary": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/node"}]}}),
    ({}, {"again": {"$ref": "#"}}),
    ({"node": {"anyOf": [{"type": "string"}, {"allOf": [{"type": "object", "properties": {"x": {"$ref": "#/$defs/node"}}}]}]}}, {"summary": {"$ref": "#/$defs/node"}}),
]


@pytest.mark.parametrize("defs, properties", RECURSIVE, ids=["items", "root-from-a-property", "allOf-then-properties"])
def test_a_recursive_schema_that_goes_into_the_value_is_accepted(
        run_cli, mini_catalogue: Path, defs: dict[str, object], properties: dict[str, object], english) -> None:
    _with_defs(mini_catalogue, defs, properties)
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 0 and "[schema-file]" not in result.stdout
    _summary_5(mini_catalogue)
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1 and result.stdout.startswith("interventions/alpha.yaml:")


ESCAPE = ("{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}"
          "{{ c()._module.__builtins__['__import__']('os').popen('echo ran > ' ~ marker).read() }}{% endif %}{% endfor %}\n")


def test_a_template_from_templates_option_cannot_reach_python_internals(run_cli, mini_catalogue: Path, tmp_path: Path, english) -> None:
    house = tmp_path / "house"
    house.mkdir()
    (house / "appendix.md.j2").write_text("{% set marker = '" + str(tmp_path / "ran") + "' %}" + ESCAPE, encoding="utf-8")
    result = run_cli("render", "appendix", "--format", "md", "--templates", house, "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert not (tmp_path / "ran").exists()
    assert f"template appendix.md.j2 ({house / 'appendix.md.j2'}:1)" in result.stderr
    assert "access to attribute '__class__' of 'str' object is unsafe" in result.stderr
    assert "interne fout" not in result.output


@pytest.mark.parametrize("body", ["{% for i in range(10**9) %}{{ i }}{% endfor %}", "{{ 1 / 0 }}", "{{ [1][5] }}"])
def test_a_template_that_fails_is_an_error_at_its_line_not_an_internal_error(run_cli, mini_catalogue: Path, tmp_path: Path, body: str, english) -> None:
    house = tmp_path / "house"
    house.mkdir()
    (house / "appendix.md.j2").write_text("# Bijlage\n" + body + "\n", encoding="utf-8")
    result = run_cli("render", "appendix", "--format", "md", "--templates", house, "--catalogue", mini_catalogue)
    assert result.exit_code == 1 and "interne fout" not in result.output
    assert f"template appendix.md.j2 ({house / 'appendix.md.j2'}:2)" in result.stderr


def test_a_catalogue_template_cannot_reach_os_popen(run_cli, catalogue_copy: Path, tmp_path: Path) -> None:
    entry = catalogue_copy / "templates" / "partials" / "entry.md.j2"
    entry.write_text("{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('touch "
                     + str(tmp_path / "ran") + "').read() }}\n", encoding="utf-8")
    result = run_cli("--no-cache", "render", "overview", "--format", "md", "--catalogue", catalogue_copy, "-o", tmp_path / "out.md")
    assert result.exit_code == 1
    assert not (tmp_path / "ran").exists() and not (tmp_path / "out.md").exists()
    assert "entry.md.j2" in result.stderr and "niet gebruiken (sjablonen draaien afgeschermd); haal het weg" in result.stderr
    assert "interne fout" not in result.output


def test_a_symlink_loop_is_one_problem_per_file_and_other_commands_skip_it(run_cli, mini_catalogue: Path, english) -> None:
    folder = mini_catalogue / "interventions"
    (folder / "a.yaml").symlink_to("b.yaml")
    (folder / "b.yaml").symlink_to("a.yaml")
    result = run_cli("validate", "--catalogue", mini_catalogue)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"interventions/{name}:1:1: error: cannot read file: it is a symbolic link that leads back to itself (a loop); "
        "replace it with the file itself [unreadable]" for name in ("a.yaml", "b.yaml")]
    alone = run_cli("validate", folder / "a.yaml", "--catalogue", mini_catalogue)
    assert alone.exit_code == 1 and alone.stdout.count("[unreadable]") == 1
    for command in (["list"], ["search", "alpha"], ["show", "alpha"], ["export", "--format", "json"], ["map"]):
        other = run_cli(*command, "--catalogue", mini_catalogue)
        assert other.exit_code == 0, (command, other.output)
        assert "interne fout" not in other.output


@pytest.mark.slow
def test_a_catalogue_title_longer_than_word_allows_is_cut_in_the_metadata_only(run_cli, mini_catalogue: Path, tmp_path: Path) -> None:
    from docx import Document

    title = ("Interventies aanpak jeugdwerkloosheid " * 9)[:308]
    meta = mini_catalogue / "catalogue.yaml"
    meta.write_text("\n".join(f"title: {title}" if line.startswith("title:") else line for line in meta.read_text(encoding="utf-8").splitlines()) + "\n", encoding="utf-8")
    assert run_cli("validate", "--catalogue", mini_catalogue).exit_code == 0
    result = run_cli("render", "appendix", "--format", "docx", "--catalogue", mini_catalogue, "-o", tmp_path / "out.docx")
    assert result.exit_code == 0, result.output
    subject = Document(str(tmp_path / "out.docx")).core_properties.subject
    assert len(subject) == 255 and subject.endswith("…") and title.startswith(subject[:-1])
    html = run_cli("render", "overview", "--format", "html", "--catalogue", mini_catalogue)
    assert title in html.stdout  # the title people read stays whole
