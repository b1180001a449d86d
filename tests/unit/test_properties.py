"""Property-based: whatever text or entry a stranger sends, the loader and the validator return
(never raise), and every problem they report has a position and a known rule."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from conftest import report_text_without_tables
from jwtool.catalogue.yamlfile import _FastLoader, read_yaml
from jwtool.validate.rules import RULES, validate

REPO = Path(__file__).resolve().parents[2]
BASE = yaml.safe_load((Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "minimal.yaml").read_text(encoding="utf-8"))
BASE["last_reviewed"] = str(BASE["last_reviewed"])

TOKENS = list("abcé: -\n\t[]{},&*!|>'\"#%@`?\\0123456789") + ["\r", "\ufeff", "\x00", "<<: ", "---\n", "!!python/object:os.system ", "&a ", "*a", "id: ", "name: "]
YAMLISH = st.lists(st.sampled_from(TOKENS), max_size=120).map("".join)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.text(max_size=40))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=12)


def _check(problems: list[Any]) -> None:
    for p in problems:
        assert p.line >= 1 and p.column >= 1, p
        assert p.rule in RULES, p
        assert p.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=YAMLISH)
@pytest.mark.slow
def test_loader_never_raises_on_yaml_like_text(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        doc = read_yaml(path, "x.yaml")
        _check(doc.problems)
        assert doc.data is None or isinstance(doc.data, dict)
        assert doc.data is not None or doc.problems


def _read_text(text: str) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        return read_yaml(path, "x.yaml")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=YAMLISH)
@example(text="a: !\n")  # the non-specific tag: libyaml and the YAML spec say '', pure-Python PyYAML None
@pytest.mark.slow
def test_a_file_that_loads_cleanly_holds_what_pyyaml_reads_in_it(text: str) -> None:
    # jwtool builds plain documents itself (faster); the result must be what PyYAML's C loader,
    # which jwtool parses with, builds, value for value
    doc = _read_text(text)
    if doc.ok:
        try:
            expected = yaml.load(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"), Loader=yaml.CSafeLoader)
        except (yaml.YAMLError, ValueError):
            return
        assert doc.data == expected


@settings(max_examples=200, deadline=None)
@given(value=VALUES)
@pytest.mark.slow
def test_any_plain_data_loads_as_pyyaml_loads_it(value: Any) -> None:
    text = yaml.safe_dump({"k": value}, allow_unicode=True)
    assert _read_text(text).data == yaml.safe_load(text)  # (not always == value: PyYAML folds "\x85")


@pytest.mark.parametrize("text", [
    "k: !!int '7'\n", "k: !!str 7\n", "k: !!float 1\n", "k: !!binary aGFsbG8=\n", "k: !!set {a, b}\n",
    "k: !!omap [a: 1, b: 2]\n", "k: !!pairs [a: 1, a: 2]\n", "1: een\n2.5: twee\n~: niets\ntrue: ja\n",
])
def test_tagged_and_unusual_values_load_as_pyyaml_loads_them(text: str) -> None:
    doc = _read_text(text)
    assert (doc.data, doc.problems) == (yaml.safe_load(text), [])


def test_dates_stay_text_and_a_list_as_key_is_a_syntax_problem() -> None:
    assert _read_text("k: 2024-01-02\n").data == {"k": "2024-01-02"}
    assert [(p.rule, p.line) for p in _read_text("? [a, b]\n: 1\n").problems] == [("yaml-syntax", 1)]


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text(max_size=12), st.sampled_from(["", "~", "null", "Yes", "off", "<<", "=", "0x1F", "-.inf", "1_000", "2024-01-02", "1:30", ".5e+3"])),
       implicit=st.tuples(st.booleans(), st.booleans()))
def test_the_loader_tags_values_as_pyyaml_does(value: str, implicit: tuple[bool, bool]) -> None:
    # _FastLoader.resolve stands in for PyYAML's (a third of a parse): the same tag for every node
    loader = _FastLoader("")
    ours, pyyaml = loader.resolve, lambda *a: yaml.resolver.BaseResolver.resolve(loader, *a)
    assert ours(ScalarNode, value, implicit) == pyyaml(ScalarNode, value, implicit)
    for kind in (SequenceNode, MappingNode):
        assert ours(kind, None, implicit[0]) == pyyaml(kind, None, implicit[0])
    loader.dispose()


@pytest.mark.parametrize(("value", "not_finite"), [
    (".nan", True), (".NaN", True), ("-.inf", True), ("+.INF", True), ("1.0e+999", True), ("-" + "9" * 400 + ".0", True), ("!!float .inf", True),
    ("1.5e+300", False), ("1e999", False), (".info", False), ("'.nan'", False), ("9" * 400, False), ("[1.0, 2.5]", False),
])
def test_every_number_that_is_not_finite_is_a_problem(value: str, not_finite: bool) -> None:
    doc = _read_text(f"k: {value}\nlijst: [{value}]\n")
    assert [(p.rule, p.path) for p in doc.problems] == ([("number", "/lijst/0"), ("number", "/k")] if not_finite else [])


@st.composite
def mutated_entries(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = yaml.safe_load(yaml.safe_dump(BASE))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["drop", "replace", "add", "nest"]))
        keys = sorted(entry)
        if action == "drop" and keys:
            entry.pop(draw(st.sampled_from(keys)))
        elif action == "replace" and keys:
            entry[draw(st.sampled_from(keys))] = draw(VALUES)
        elif action == "add":
            entry[draw(st.text(min_size=1, max_size=12))] = draw(VALUES)
        elif action == "nest" and isinstance(entry.get("target_group"), dict):
            entry["target_group"][draw(st.sampled_from(["age", "education_levels", "characteristics", "x"]))] = draw(VALUES)
    return entry


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry=mutated_entries())
@pytest.mark.slow
def test_validator_never_raises_on_mutated_entries(entry: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "interventions").mkdir()
        shutil.copy(REPO / "catalogue.yaml", root / "catalogue.yaml")
        (root / "sources").mkdir()
        # the main report that BASE cites, by section only: without its tables, no row waits for an entry
        (root / "sources" / "kwetsbare-jongeren-2023.yaml").write_text(report_text_without_tables(), encoding="utf-8")
        (root / "interventions" / "minimal.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True), encoding="utf-8")
        report = validate(root)
        _check(report.problems)
        if entry == BASE:
            assert report.problems == []
