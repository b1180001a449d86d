"""Shared fixtures: the real catalogue, a small hand-made one, and a CLI runner.

Tests read like specifications; put new shared fixtures here instead of copying them.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check what holds, not how fast: a loaded CI machine must not turn a slow example
# into a failure (hypothesis's default 200 ms deadline did, under load, in test_markdown_escaping).
settings.register_profile("jwtool", deadline=None)
settings.load_profile("jwtool")

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "fixtures"

# `.ci/run` sets JWTOOL_CI=1: there every optional tool (Chromium, Graphviz, LibreOffice) and the
# source report are installed, so a test that cannot find one fails instead of skipping, and the
# run fails if anything is skipped apart from ROOT_ONLY_SKIPS.
IN_CI = os.environ.get("JWTOOL_CI") == "1"
# Tests that cannot run as root (CI runs as root); the only skips CI accepts.
ROOT_ONLY_SKIPS = {
    "tests/cli/test_validate_rules.py::test_unreadable_file_is_one_line_not_a_traceback",
}
# The 2023 report the catalogue was taken from: JWTOOL_REPORT, or ../shared/seed/ beside the clone.
REPORT = Path(os.environ.get("JWTOOL_REPORT") or REPO.parent / "shared" / "seed" / "000_32bff5beeb345958.txt")


def default_signals() -> None:
    """For ``Popen(preexec_fn=...)`` in the signal tests: the child starts with SIGINT, SIGHUP and
    SIGTERM at their defaults, as from a terminal, whatever the test run inherited (`nohup` ignores
    SIGHUP and a background job SIGINT; jwtool rightly keeps an ignored signal ignored)."""
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


def require(available: bool, what: str) -> None:
    """Skip the calling test when ``what`` is missing, with the reason shown; in CI, fail instead."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"JWTOOL_CI=1 requires {what}")
    pytest.skip(f"{what} is not available")


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI, a skip other than a root-only one fails the run: green must mean "it ran"."""
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)
    unexpected = sorted(set(_skipped) - ROOT_ONLY_SKIPS)
    if IN_CI and unexpected:
        print("\nJWTOOL_CI=1: these tests were skipped but must run in CI:\n  " + "\n  ".join(unexpected))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int):  # pytest-randomly shuffled the order: say how to get it again
        terminalreporter.write_line(f"test order: --randomly-seed={seed} (replay: make test PYTEST_ARGS='-p randomly --randomly-seed={seed}')")


# Stable rich output regardless of the terminal the tests run in.
os.environ["COLUMNS"] = "100"
os.environ.pop("JWTOOL_CATALOGUE", None)
os.environ.pop("NO_COLOR", None)
# Tests never read or write the user's cache.
os.environ["JWTOOL_CACHE_DIR"] = _CACHE_DIR = tempfile.mkdtemp(prefix="jwtool-test-cache-")


# git that ignores the user's configuration, with fixed dates
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_DATE": "2024-03-01T10:00:00+01:00",
    "GIT_COMMITTER_DATE": "2024-03-01T10:00:00+01:00",
}


@dataclass
class Repo:
    """A git repository for tests: run git in it, commit everything, replace text in a file."""

    path: Path

    def git(self, *args: str, author: str = "Ada Onderzoeker") -> str:
        proc = subprocess.run(
            ["git", "-C", str(self.path), "-c", f"user.name={author}", "-c", "user.email=ada@example.org",
             "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
            capture_output=True, text=True, check=True, env={**os.environ, **GIT_ENV},
        )
        return proc.stdout

    def commit(self, message: str, author: str = "Ada Onderzoeker") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, author=author)

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.path / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def git_repo(path: Path) -> Repo:
    """Make ``path`` a fresh git repository with everything in it as one commit."""
    repo = Repo(path)
    repo.git("init", "-q")
    repo.commit("Catalogus")
    return repo


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def at_once(work: Callable[[], object], times: int = 5, threads: int = 4) -> list[BaseException]:
    """Run ``work`` ``times`` times in each of ``threads`` threads at once; the exceptions raised."""
    import threading

    errors: list[BaseException] = []

    def loop() -> None:
        try:
            for _ in range(times):
                work()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)

    started = [threading.Thread(target=loop) for _ in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join()
    return errors


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def bundled():  # type: ignore[no-untyped-def]
    """The bundled catalogue (the repository's own), loaded once for the whole session: read it, never
    change it (a writable copy is ``catalogue_copy``)."""
    from jwtool.catalogue.load import load_catalogue

    return load_catalogue(REPO)


def _copy_catalogue(dest: Path) -> Path:
    dest.mkdir()
    for name in ("interventions", "sources", "schemas", "templates"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("_proposals"))
    shutil.copy(REPO / "catalogue.yaml", dest / "catalogue.yaml")
    return dest


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A writable copy of the real catalogue (entries, schemas, catalogue.yaml, templates)."""
    return _copy_catalogue(tmp_path / "catalogue")


@pytest.fixture(scope="session")
def committed_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real catalogue as a git repository with one commit, packed: made once, cloned by ``repo``."""
    path = git_repo(_copy_catalogue(tmp_path_factory.mktemp("committed") / "catalogue")).path
    subprocess.run(["git", "-C", str(path), "repack", "-a", "-d", "-q"], check=True, capture_output=True, env={**os.environ, **GIT_ENV})
    return path


@pytest.fixture
def repo(committed_catalogue: Path, tmp_path: Path) -> Repo:
    """The real catalogue as a fresh git repository with one commit (a clone of
    ``committed_catalogue`` without its remote: a quarter of the files and work of copying and
    committing each time)."""
    dest = tmp_path / "catalogue"
    subprocess.run(["git", "clone", "-q", str(committed_catalogue), str(dest)], check=True, capture_output=True, env={**os.environ, **GIT_ENV})
    clone = Repo(dest)
    clone.git("remote", "remove", "origin")
    return clone


# Test studies in the shape of evidence.studies (issue 18), so the outcome and design filters
# select non-trivial sets whatever studies the catalogue holds itself: entry id -> (designs,
# outcomes) per study. They are appended to the entry's own studies, with ids "test-<entry>-<n>".
TEST_STUDIES: dict[str, list[tuple[list[str], list[str]]]] = {
    "boris-brengt-je-bij-een-baan": [(["kwalitatief"], ["ervaringen"])],
    "heilige-boontjes": [(["controlegroep"], ["werk", "onderwijs"])],
    "learn2work": [(["voor-nameting", "monitoring"], ["werk"])],
    "tops4jobs": [(["vergelijking-andere-projecten"], ["werk", "kosten-baten"])],
    "een-nieuw-perspectief": [(["gerandomiseerd"], ["welzijn-participatie"]), (["kwalitatief"], ["ervaringen"])],
    "aanpak-drechtsteden": [(["monitoring"], ["startkwalificatie", "werk"])],
    "transitieroute": [(["kwalitatief"], ["vaardigheden"])],
    "route-arbeid": [(["monitoring"], ["werk"])],
    "zowhat": [(["theoretisch"], ["zelfredzaamheid"])],
    "praktijkleren-met-de-praktijkverklaring": [(["kosten-baten"], ["kosten-baten", "startkwalificatie"])],
    "alpha": [(["controlegroep"], ["werk"]), (["kwalitatief"], ["ervaringen"])],
    "beta": [(["monitoring"], ["onderwijs", "werk"])],
}


def study(sid: str, designs: list[str], *outcomes: str, comparison: bool = False) -> dict[str, object]:
    """A study record in the shape of evidence.studies: citing the report by section, one positive
    finding per outcome given (repeats allowed) with a placeholder quote."""
    return {"id": sid, "designs": designs, "description": f"Beschrijving van {sid}.",
            "cites": [{"source": "kwetsbare-jongeren-2023", "sections": ["bijlage 2"]}],
            "findings": [{"outcome": o, "direction": "positief", "comparison": comparison, "quote": f"Citaat {sid} over {o}."} for o in outcomes]}


def put_studies(root: Path, studies: dict[str, list[dict[str, object]]], *, replace: bool = False) -> Path:
    """Give the entries of the catalogue at ``root`` that exist there the ``studies`` (entry id ->
    study records), after their own studies or, with ``replace``, instead of them."""
    import yaml

    for entry_id, records in studies.items():
        path = root / "interventions" / f"{entry_id}.yaml"
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        evidence = data.setdefault("evidence", {})
        evidence["studies"] = ([] if replace else evidence.get("studies") or []) + records
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def add_test_studies(root: Path) -> Path:
    """Append TEST_STUDIES (ids "test-<entry>-<n>"; a finding compares when a design does)."""
    compare = {"gerandomiseerd", "controlegroep", "vergelijking-andere-projecten"}
    return put_studies(root, {eid: [study(f"test-{eid}-{n}", designs, *outcomes, comparison=bool(compare & set(designs)))
                                    for n, (designs, outcomes) in enumerate(planned, 1)] for eid, planned in TEST_STUDIES.items()})


@pytest.fixture(scope="session")
def studied_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real catalogue with TEST_STUDIES added; shared by the session, so read only."""
    return add_test_studies(_copy_catalogue(tmp_path_factory.mktemp("studied") / "catalogue"))


@pytest.fixture
def studied_mini(mini_catalogue: Path) -> Path:
    """The mini catalogue with TEST_STUDIES added (alpha: controlegroep/werk and kwalitatief/ervaringen; beta: monitoring/onderwijs+werk)."""
    return add_test_studies(mini_catalogue)


@pytest.fixture
def mini_catalogue(tmp_path: Path) -> Path:
    """A small hand-made catalogue (tests/fixtures/mini) with the real schemas and vocabularies."""
    dest = tmp_path / "mini"
    shutil.copytree(DATA / "mini", dest)
    shutil.copytree(REPO / "schemas", dest / "schemas", ignore=shutil.ignore_patterns("_proposals"))
    return dest


CATALOGUE_2025 = DATA / "catalogue-2025"


@pytest.fixture
def catalogue_2025(tmp_path: Path) -> Path:
    """A second, FICTIONAL catalogue (tests/fixtures/catalogue-2025, with the real schemas): four entries
    from an invented "Evaluatierapport Werkroutes 2025" (source ``werkroutes-2025``, no tables) and an
    invented effect study, with studies and findings. No output for it may mention the 2023 report."""
    dest = tmp_path / "catalogue-2025"
    shutil.copytree(CATALOGUE_2025, dest)
    shutil.copytree(REPO / "schemas", dest / "schemas", ignore=shutil.ignore_patterns("_proposals"))
    return dest


@pytest.fixture
def empty_catalogue(tmp_path: Path) -> Path:
    """Schemas, vocabularies and catalogue.yaml, but no entries: add files to test one rule."""
    dest = tmp_path / "empty"
    (dest / "interventions").mkdir(parents=True)
    shutil.copytree(REPO / "schemas", dest / "schemas", ignore=shutil.ignore_patterns("_proposals"))
    shutil.copy(REPO / "catalogue.yaml", dest / "catalogue.yaml")
    _report_without_tables(dest)
    return dest


def _report_without_tables(dest: Path) -> None:
    """sources/ with only the main report, its tables left out: entries may cite it by section,
    and no declared row waits for an entry (which would be a row-gap problem)."""
    (dest / "sources").mkdir(exist_ok=True)
    (dest / "sources" / "kwetsbare-jongeren-2023.yaml").write_text(report_text_without_tables(), encoding="utf-8")


@functools.cache
def report_text_without_tables() -> str:
    """The main report's source file with its tables left out, made once per test process: reading
    and writing it again with pure-Python YAML took most of ``empty_catalogue``'s time (and of
    ``hostile_catalogue``'s). Tests never change the repository's file, so the text holds for the run."""
    import yaml

    record = yaml.safe_load((REPO / "sources" / "kwetsbare-jongeren-2023.yaml").read_text(encoding="utf-8"))
    record.pop("tables", None)
    return yaml.safe_dump(record, allow_unicode=True, sort_keys=False)


@pytest.fixture
def run_cli(capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``jwtool ARGS`` in-process through the real entry point; returns exit code and output."""
    from jwtool.cli import main
    from jwtool.cli.common import reset_consoles

    def run(*args: str | os.PathLike[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        for k, v in (env or {}).items():
            monkeypatch.setenv(k, v)
        reset_consoles()
        capfd.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capfd.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in English (``JWTOOL_LANG=en``), for tests that read what ``validate`` and the
    library say; tests/test_cli_messages.py checks that every message speaks both languages."""
    monkeypatch.setenv("JWTOOL_LANG", "en")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Make commands believe stdout is a terminal of the given width (rich tables, no colour).

    Call it before ``run_cli``: ``terminal(80)``. Patches ``console`` in every loaded
    ``jwtool.cli`` module, since commands import it by name.
    """
    import importlib
    import sys

    from jwtool.cli import COMMANDS
    from jwtool.cli.framework import command_modules

    for module in command_modules(COMMANDS):  # commands load on demand: load them all now, to patch them
        importlib.import_module(module)

    def use(width: int) -> None:
        from rich.console import Console

        from jwtool.cli.common import make_console

        def fake(stderr: bool = False) -> Console:
            return make_console(sys.stderr if stderr else sys.stdout, terminal=True, colour=False, width=width)

        for name, module in list(sys.modules.items()):
            if (name == "jwtool.cli" or name.startswith("jwtool.cli.")) and hasattr(module, "console"):
                monkeypatch.setattr(module, "console", fake)
            if (name == "jwtool.cli" or name.startswith("jwtool.cli.")) and hasattr(module, "is_terminal"):
                monkeypatch.setattr(module, "is_terminal", lambda: True)

    return use


HOSTILE_TEXT = '<script>alert(1)</script> [klik](javascript:alert(1)) =HYPERLINK("http://x") | einde'


@pytest.fixture
def hostile_catalogue(empty_catalogue: Path) -> Path:
    """A catalogue with one appendix entry (row 1 of tables B2.1 and 3.1 of the main report) whose
    every text field, and every field of the two sources it cites besides the report, holds
    script, a javascript: link, a spreadsheet formula and a table pipe (issue 8: outputs must
    show it as text). One source's URL is javascript:, the other's an http URL with a query. Its
    study (a title, quote and figure of the same text) cites the javascript: source."""
    import yaml

    t = HOSTILE_TEXT
    entry = {
        "id": "hostile", "name": t, "aliases": [t], "kind": "interventie", "summary": t,
        "providers": {"description": t, "organisations": [t], "commissioned_by": [t], "developed_by": [t]},
        "region": {"scope": "lokaal", "names": [t]}, "phases": ["tijdens-school"],
        "target_group": {"description": t, "summary": t, "education_levels": ["vso"], "characteristics": ["beperking"]},
        "goals": {"description": t, "summary": t, "tags": ["werk"]},
        "components": [t, t], "activities": t + "\n" + t,
        "course": {"description": t, "start_year": 2020, "status": "lopend"},
        "results": {"description": t, "figures": [{"measure": t, "value": 1, "unit": "aantal", "period": t, "quote": t}]},
        "evidence": {"verdict": t, "level": "niet-onderzocht", "studies": [{
            "id": "hostile-study", "title": t, "designs": ["controlegroep"], "description": t, "participants": 3, "period": t,
            "cites": [{"source": "hostile-source", "page": t, "sections": [t], "quote": t, "note": t}],
            "findings": [{"outcome": "werk", "direction": "positief", "comparison": True, "quote": t, "note": t,
                          "figure": {"measure": t, "value": 1, "unit": "aantal", "period": t, "quote": t}}],
            "notes": [t]}]},
        "working_elements": [{"text": t, "elements": ["maatwerk"]}],
        "success_factors": [{"factor": "samenwerking-disciplines", "title": t, "example": t, "section": "3.2"}],
        "cites": [{"source": "kwetsbare-jongeren-2023", "rows": [{"table": "B2.1", "row": 1}, {"table": "3.1", "row": 1}], "sections": [t], "quote": t, "page": t},
                  {"source": "hostile-source", "note": t},
                  {"source": "hostile-link", "note": t}],
        "notes": [t], "last_reviewed": "2026-01-02",
    }
    people = [{"family": t, "given": t}]
    sources = [
        {"id": "hostile-source", "type": "webpage", "kind": "website", "title": t, "author": people, "publisher": t, "URL": "javascript:alert(1)", "note": t},
        {"id": "hostile-link", "type": "report", "kind": "evaluatie", "title": t, "author": people, "publisher": t, "URL": "https://example.org/x?a=1&b=2", "note": t},
    ]
    for source in sources:
        (empty_catalogue / "sources" / f"{source['id']}.yaml").write_text(yaml.safe_dump(source, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = empty_catalogue / "sources" / "kwetsbare-jongeren-2023.yaml"
    record = yaml.safe_load(report.read_text(encoding="utf-8"))
    full = ["interventie", "target_group", "goals", "activities", "course", "results", "evidence", "working_elements"]
    record["tables"] = [{"id": "B2.1", "title": "Interventies tijdens de schoolloopbaan", "rows": 1, "columns": full},
                        {"id": "3.1", "title": "Interventies tijdens de schoolloopbaan", "rows": 1, "columns": ["interventie", "target_group", "goals", "components"], "summary": True}]
    report.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (empty_catalogue / "interventions" / "hostile.yaml").write_text(yaml.safe_dump(entry, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return empty_catalogue


CHROMIUM = os.environ.get("JWTOOL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, studied_catalogue: Path) -> Path:
    """The site of ``studied_catalogue``, rendered once for the session's browser tests (read only)."""
    from typer.testing import CliRunner

    from jwtool.cli import app

    out = tmp_path_factory.mktemp("site") / "site"
    result = CliRunner().invoke(app, ["render", "overview", "--format", "html", "-o", str(out), "--catalogue", str(studied_catalogue)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    """Headless Debian Chromium driven by Playwright (never `playwright install`)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright is not None, "playwright (pip install -e '.[test]')")
    require(Path(CHROMIUM).is_file(), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def serious_axe_violations(page: object, axe_source: str) -> list[tuple[str, str, list[object]]]:
    """axe-core run on the page as it is now (the page's context needs ``bypass_csp=True`` so the
    script can be injected): every serious or critical violation as (rule, impact, first targets)."""
    page.add_script_tag(content=axe_source)  # type: ignore[attr-defined]
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")  # type: ignore[attr-defined]
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


# Every word of the selected cells whose glyphs sit on more than one line (a word broken inside;
# a break after a hyphen in "vso-/pro-leerlingen" is where a word may break, so those are left out).
BROKEN_WORDS = """(selector) => { const bad = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT); let node;
    while ((node = walker.nextNode())) { const words = /[^\\s-]+(?=\\s|$)/g; let m;
      while ((m = words.exec(node.data))) { const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) bad.push(m[0]); } } }
  return bad; }"""


AXE_DIR = Path(__file__).resolve().parent / "tools" / "axe"  # package.json + package-lock.json pin axe-core


def _npm_tool(path: str) -> Path:
    """A file of the test tools pinned in tests/tools/axe/package-lock.json (axe-core, vnu-jar), installed
    into tests/tools/axe/node_modules with `npm ci` on first use (install scripts off: vnu-jar's would
    download a Java runtime; the system's is used)."""
    target = AXE_DIR / "node_modules" / path
    if not target.is_file() and shutil.which("npm"):
        with subprocess.Popen(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", str(AXE_DIR)], cwd=AXE_DIR,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as proc:
            proc.communicate()
    return target


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script (from the npm registry, pinned in tests/tools/axe/package-lock.json); in CI a
    missing npm or axe fails."""
    script = _npm_tool("axe-core/axe.min.js")
    require(script.is_file(), "axe-core (npm ci --prefix tests/tools/axe)")
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def vnu() -> Callable[[list[Path]], list[str]]:
    """The Nu Html Checker (vnu-jar from npm, pinned in tests/tools/axe/package-lock.json; needs Java):
    ``vnu(files)`` checks them all in one run and returns every error as "file:line: message"."""
    import json

    jar = _npm_tool("vnu-jar/build/dist/vnu.jar")
    require(jar.is_file(), "the Nu Html Checker (npm ci --prefix tests/tools/axe)")
    require(shutil.which("java") is not None, "Java (apt-get install default-jre-headless)")

    def check(files: list[Path]) -> list[str]:
        proc = subprocess.run(["java", "-Xss16m", "-jar", str(jar), "--format", "json", "--errors-only", *map(str, files)],
                              capture_output=True, text=True, check=False, timeout=600)
        messages = json.loads(proc.stderr or proc.stdout)["messages"]
        return [f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m.get('message', '')}"
                for m in messages if m.get("type") in ("error", "non-document-error")]

    return check


GAPMAP_STUDIES = {
    # alpha-monitor has two findings on werk: it counts once per cell
    "alpha": [study("alpha-monitor", ["monitoring"], "werk", "werk", "ervaringen"), study("alpha-vergelijking", ["controlegroep"], "werk")],
    "beta": [study("beta-rct", ["kwalitatief", "gerandomiseerd"], "onderwijs"), study("beta-interviews", ["kwalitatief"], "werk")],
    "delta": [study("delta-gesprekken", ["kwalitatief"], "welzijn-participatie")],
}


@pytest.fixture
def gapmap_catalogue(mini_catalogue: Path) -> Path:
    """The mini catalogue with studies (GAPMAP_STUDIES) and tagged components (alpha: Loopbaanoriëntatie
    is loopbaanorientatie, Stage is werkervaring), for the evidence gap map. Elements from the working
    elements: alpha, beta, delta individuele-begeleiding and werkervaring; gamma (no studies)
    loopbaanorientatie and maatwerk; beta maatwerk."""
    import yaml

    alpha = mini_catalogue / "interventions" / "alpha.yaml"
    data = yaml.safe_load(alpha.read_text(encoding="utf-8"))
    data["components"] = [{"text": "Loopbaanoriëntatie", "elements": ["loopbaanorientatie"]}, {"text": "Stage", "elements": ["werkervaring"]}]
    alpha.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return put_studies(mini_catalogue, GAPMAP_STUDIES, replace=True)
