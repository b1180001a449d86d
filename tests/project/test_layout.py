"""The package shows its pipeline and stays readable: one subpackage per step, no import cycles,
no long modules, and jwtool's own modules imported at the top of a module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "jwtool"
STEPS = ["catalogue", "validate", "query", "graph", "render", "contribute", "labels", "cli"]
MAX_LINES = 500
# Modules that load PyYAML when imported: others import them where a file is parsed, so that
# `jwtool --help` reads no YAML library.
def modules() -> dict[str, Path]:
    return {".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__"): p for p in sorted(SRC.rglob("*.py"))}


def imported(node: ast.ImportFrom, known: dict[str, Path]) -> set[str]:
    """The jwtool modules an import statement loads (``from jwtool.x import y`` may name a module y)."""
    names = {f"{node.module}.{a.name}" for a in node.names} & set(known)
    return ({node.module} & set(known)) | names


def top_level_imports(path: Path, known: dict[str, Path]) -> set[str]:
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jwtool"):
            found |= imported(node, known)
    return found


def test_every_module_sits_in_the_subpackage_of_its_step() -> None:
    loose = sorted(p.name for p in SRC.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert loose == []
    assert sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()) == sorted(STEPS)


def test_no_module_level_import_cycle() -> None:
    known = modules()
    graph = {m: top_level_imports(p, known) for m, p in known.items()}
    cycles: list[list[str]] = []

    def visit(m: str, stack: list[str], done: set[str]) -> None:
        if m in stack:
            cycles.append(stack[stack.index(m):] + [m])
            return
        if m in done:
            return
        done.add(m)
        for d in sorted(graph[m]):
            visit(d, [*stack, m], done)

    done: set[str] = set()
    for m in sorted(graph):
        visit(m, [], done)
    assert cycles == []


@pytest.mark.slow
def test_the_steps_depend_on_earlier_steps_only() -> None:
    # catalogue → validate → query → graph → render → contribute → cli; labels (words and the
    # wording of fields) sit just above catalogue and serve every later step. The label lookup
    # itself (jwtool.labels: the two label files and Message) imports no jwtool module, so every
    # step may use it: catalogue words its problems with it.
    order = ["catalogue", "labels", "validate", "query", "graph", "render", "contribute", "cli"]
    known = modules()
    assert top_level_imports(known["jwtool.labels"], known) == set()
    backwards = sorted(f"{m} imports {d}" for m, p in known.items() if m.count(".") >= 1 and m.split(".")[1] in order
                       for d in top_level_imports(p, known) if d.count(".") >= 1 and d.split(".")[1] in order and d != "jwtool.labels"
                       and order.index(d.split(".")[1]) > order.index(m.split(".")[1]))
    assert backwards == []


def test_no_module_is_longer_than_a_reader_can_hold() -> None:
    long = {m: n for m, p in modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


@pytest.mark.slow
def test_jwtool_modules_are_imported_at_the_top() -> None:
    # what keeps start-up fast is the one boundary where a command's module is imported when it
    # runs (jwtool.cli.framework.load_command); below it every module imports like any library
    known = modules()
    inside: list[str] = []
    for m, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in (n for n in ast.walk(fn) if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("jwtool")):
                if m != "jwtool.__main__":
                    inside.append(f"{m}: from {node.module} import ...")
    assert inside == []


def private_imports(path: Path, known: dict[str, Path]) -> list[str]:
    """``from jwtool.x import _name`` and ``module._name`` for a jwtool module bound in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, modules_bound = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jwtool"):
            found += [f"from {node.module} import {a.name}" for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
            modules_bound |= {a.asname or a.name for a in node.names if f"{node.module}.{a.name}" in known}
        elif isinstance(node, ast.Import):
            modules_bound |= {a.asname for a in node.names if a.asname and a.name in known}
    found += [f"{node.value.id}.{node.attr}" for node in ast.walk(tree) if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id in modules_bound and node.attr.startswith("_") and not node.attr.startswith("__")]
    return found


@pytest.mark.slow
def test_no_module_uses_another_modules_private_names() -> None:
    # a name with a leading underscore is its module's own; what another module needs is public
    known = modules()
    assert {m: found for m, p in known.items() if (found := private_imports(p, known))} == {}


def test_the_private_import_check_finds_both_forms(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from jwtool.render.environment import _hidden, csp\nfrom jwtool.render import site\nsite._x()\n", encoding="utf-8")
    assert private_imports(sample, modules()) == ["from jwtool.render.environment import _hidden", "site._x"]
