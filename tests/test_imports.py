"""Start-up stays fast: each command imports only the heavy third-party libraries it uses.

jwtool's own modules are imported at the top of each module (they are small); what is deferred
to the function that needs it is networkx, jinja2, jsonschema, python-docx, PyYAML and rich's
tables.

Run in a fresh interpreter per command, since the test process itself has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ["networkx", "jinja2", "jsonschema", "jsonschema_rs", "docx", "yaml", "rich.table", "difflib", "csv", "rapidfuzz"]

PROBE = """
import json, sys
from jwtool.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def loaded(*args: str, cwd: Path) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], capture_output=True, text=True, cwd=cwd, timeout=120)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


@pytest.mark.slow
@pytest.mark.parametrize(("args", "forbidden"), [
    (["--help"], {"networkx", "jinja2", "jsonschema", "jsonschema_rs", "docx", "yaml"}),
    (["--version"], {"networkx", "jinja2", "jsonschema", "jsonschema_rs", "docx", "yaml"}),
    (["search", "--target", "vso"], {"networkx", "jinja2", "jsonschema", "jsonschema_rs", "docx", "rapidfuzz"}),
    (["list"], {"networkx", "jinja2", "jsonschema", "jsonschema_rs", "docx", "rapidfuzz"}),
    (["show", "learn2work"], {"networkx", "jinja2", "jsonschema", "jsonschema_rs", "docx", "rapidfuzz"}),
    (["validate"], {"networkx", "jinja2", "docx"}),
    (["elements"], {"networkx", "jinja2", "jsonschema", "docx"}),
    (["export", "--format", "json"], {"networkx", "jinja2", "jsonschema", "docx"}),
])
def test_a_command_imports_only_what_it_uses(args: list[str], forbidden: set[str], repo_root: Path) -> None:
    assert loaded(*args, cwd=repo_root) & forbidden == set()


@pytest.mark.slow
def test_graph_and_render_commands_do_load_their_libraries(repo_root: Path) -> None:
    # the probe must be able to fail: these commands really need them
    assert "networkx" in loaded("map", cwd=repo_root)
    assert "jinja2" in loaded("render", "appendix", "--format", "md", cwd=repo_root)
