"""Commands are loaded on demand: `jwtool --help` imports none of them, a command only its own.

jwtool's modules import what they use at the top, like any library; what keeps start-up fast is
the one boundary in :mod:`jwtool.cli.framework`, where a command's module is imported only when
that command runs. Run in a fresh interpreter per command line, since the test process itself has
imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jwtool.cli import COMMANDS
from jwtool.cli.framework import command_modules

COMMAND_MODULES = sorted(command_modules(COMMANDS))
HEAVY = ["networkx", "jinja2", "jsonschema", "jsonschema_rs", "docx", "rich", "pydantic", "rapidfuzz", "ruamel", "citeproc", "bibtexparser",
         "multiprocessing", "concurrent"]  # the last two: worker processes (jwtool.catalogue.workers), only when they start

PROBE = """
import json, sys
from jwtool.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
# a module imported lazily (jwtool.graph's networkx) counts once it has loaded
loaded = [m for m, module in sys.modules.items() if type(module).__name__ != "_LazyModule"]
print(json.dumps(sorted(m for m in loaded if m.startswith("jwtool") or m.partition(".")[0] in {heavy!r})), file=sys.stderr)
"""


def loaded(*args: str, cwd: Path) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], capture_output=True, text=True, cwd=cwd, timeout=120)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["--lang", "en", "--help"]])
def test_help_and_version_import_no_command_and_no_heavy_library(args: list[str], repo_root: Path) -> None:
    modules = loaded(*args, cwd=repo_root)
    assert modules & set(COMMAND_MODULES) == set()
    assert {m.partition(".")[0] for m in modules} & set(HEAVY) == set()


@pytest.mark.slow
@pytest.mark.parametrize(("args", "module"), [
    (["search", "--target", "vso"], "jwtool.cli.find_cmd"),
    (["elements", "--help"], "jwtool.cli.graph_cmd"),
    (["map", "--help"], "jwtool.cli.map_cmd"),
    (["render", "overview", "--help"], "jwtool.cli.render_overview_cmd"),
    (["render", "appendix", "--help"], "jwtool.cli.render_appendix_cmd"),
    (["validate", "--help"], "jwtool.cli.validate_cmd"),
    (["diff", "--help"], "jwtool.cli.history_cmd"),
    (["new", "--help"], "jwtool.cli.contribute_cmd"),
])
def test_a_command_imports_its_own_module_and_no_other(args: list[str], module: str, repo_root: Path) -> None:
    modules = loaded(*args, cwd=repo_root)
    assert module in modules
    assert modules & set(COMMAND_MODULES) == {module}


@pytest.mark.slow
@pytest.mark.parametrize(("args", "unused"), [
    (["search", "--target", "vso"], {"networkx", "jinja2", "rapidfuzz", "rich", "multiprocessing"}),  # no text to forgive typos in, no Markdown card; piped: no table
    (["list"], {"networkx", "jinja2", "rapidfuzz", "rich", "multiprocessing"}),
    *((args, {"rich"}) for args in (["show", "boris"], ["compare", "boris", "learn2work"], ["elements"], ["gaps"], ["similar", "boris"], ["map"])),  # piped: plain text
    (["elements", "--help"], {"networkx"}),  # counting needs no graph; that is map's
    (["similar", "--help"], {"networkx"}),
    (["render", "appendix", "--help"], {"networkx"}),  # the overview's map is not the appendix's
    (["map", "--help"], {"networkx"}),  # networkx loads when a graph is built (jwtool.graph)
    (["render", "overview", "--help"], {"networkx"}),
    (["diff", "--help"], {"jsonschema", "jinja2", "networkx"}),  # git and the diff only: new's schema stack is new's
    (["history", "--help"], {"jsonschema", "jinja2", "networkx"}),
])
def test_a_command_imports_no_heavy_library_it_does_not_use(args: list[str], unused: set[str], repo_root: Path) -> None:
    assert {m.partition(".")[0] for m in loaded(*args, cwd=repo_root)} & unused == set()


@pytest.mark.slow
def test_networkx_loads_when_a_graph_is_built(repo_root: Path) -> None:
    assert "networkx" in {m.partition(".")[0] for m in loaded("map", "--format", "json", cwd=repo_root)}


@pytest.mark.slow
def test_options_are_checked_without_pydantic(repo_root: Path) -> None:
    # typer checks option values with pydantic, which costs more to import than typer itself
    assert "pydantic" not in {m.partition(".")[0] for m in loaded("search", "--target", "vso", "--age", "17", cwd=repo_root)}


def test_every_registered_command_loads(run_cli) -> None:  # type: ignore[no-untyped-def]
    for name in COMMANDS:
        r = run_cli(name, "--help")
        assert r.exit_code == 0, (name, r.stderr)
        assert f"jwtool {name}" in r.stdout
