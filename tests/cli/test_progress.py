"""Long work shows rich's progress bar on stderr in a terminal, and nothing when stderr is piped,
under --format json or in CI (issue 28 item 6). Terminals are real pseudo-terminals (pty)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from jwtool.catalogue import progress

# jwtool with the bar's delay at 0, so the bundled catalogue's short runs show it too
RUN = "import sys, jwtool.catalogue.progress as p; p.DELAY = 0; from jwtool.cli import main; main(sys.argv[1:])"
BAR = "━"  # rich's bar


def in_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[str, str]:
    """Run jwtool with stderr on a pseudo-terminal (stdout a pipe); (stdout, what the terminal got)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", RUN, *args], stdout=subprocess.PIPE, stderr=slave, cwd=cwd,
                            env={**env, "COLUMNS": "100", "TERM": "xterm"})
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    out, _ = proc.communicate(timeout=60)
    return out.decode(), seen.decode(errors="replace")


def quiet_env() -> dict[str, str]:
    """The environment without the CI markers (the CI run sets both; a bar must show here anyway)."""
    return {k: v for k, v in os.environ.items() if k not in ("CI", "JWTOOL_CI")}


def test_track_passes_every_item_through_unchanged_and_draws_nothing_when_not_enabled(capsys: pytest.CaptureFixture[str]) -> None:
    progress.enable(False)
    assert list(progress.track(iter(range(1000)), 1000, "test")) == list(range(1000))
    assert capsys.readouterr().err == ""


def test_a_quick_run_never_shows_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before DELAY seconds of work nothing is drawn, so rich is not even imported for it."""
    monkeypatch.setattr(progress, "wanted", lambda: True)
    monkeypatch.delitem(sys.modules, "rich.progress", raising=False)
    assert list(progress.track(range(50), 50, "test")) == list(range(50))
    assert "rich.progress" not in sys.modules


def test_the_site_bar_counts_every_page_it_writes_and_no_more(bundled, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The bar's total is the number of pages (the old folders' redirects too): it never ends at 48/47."""
    from jwtool.catalogue import files
    from jwtool.render import site

    counted: list[tuple[int, int]] = []
    monkeypatch.setattr(files, "track", lambda items, total, what: counted.append((total, len(list(items)))) or [])
    pages = site.site_files(bundled)
    files.write_folder_atomic(tmp_path / "site", pages)
    assert counted == [(len(pages), len(pages))]


def test_a_bar_is_named_from_the_label_catalogue_in_the_commands_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from jwtool.labels import label

    names: list[str] = []

    class Progress:  # rich's, as far as track uses it
        def __init__(self, *columns: object, **options: object) -> None: ...
        def __enter__(self) -> Progress: return self
        def __exit__(self, *exc: object) -> None: ...
        def add_task(self, name: str, **options: object) -> int:
            names.append(name)
            return 0

        def advance(self, task: int) -> None: ...

    monkeypatch.setattr("rich.progress.Progress", Progress)
    monkeypatch.setattr(progress, "wanted", lambda: True)
    monkeypatch.setattr(progress, "DELAY", 0)
    for lang in ("nl", "en"):
        progress.enable(True, lang)
        for what in ("site", "validate", "export", "upgrade", "datapackage"):
            assert list(progress.track(range(3), 3, what)) == [0, 1, 2]
    progress.enable(False)
    assert names == [label(f"progress.{what}", lang) for lang in ("nl", "en") for what in ("site", "validate", "export", "upgrade", "datapackage")]
    assert names[1] == "controleren" and names[6] == "validate"


@pytest.mark.slow
def test_validate_in_a_terminal_shows_a_bar_on_stderr_and_leaves_stdout_alone(repo_root: Path) -> None:
    out, terminal = in_a_terminal(["validate", "--format", "text"], {**quiet_env(), "JWTOOL_LANG": "nl"}, repo_root)
    assert BAR in terminal and "controleren" in terminal  # the bar's name in the command's language
    assert BAR not in out
    out, terminal = in_a_terminal(["--lang", "en", "validate", "--format", "text"], quiet_env(), repo_root)
    assert BAR in terminal and "validate" in terminal


@pytest.mark.slow
@pytest.mark.parametrize(("args", "env"), [
    (["validate", "--format", "json"], {}),
    (["validate"], {"CI": "true"}),
    (["validate"], {"JWTOOL_CI": "1"}),
    (["export", "--format", "json"], {}),
])
def test_no_bar_under_format_json_or_in_ci(args: list[str], env: dict[str, str], repo_root: Path) -> None:
    _, terminal = in_a_terminal(args, {**quiet_env(), **env}, repo_root)
    assert BAR not in terminal


@pytest.mark.slow
def test_no_bar_when_stderr_is_piped(repo_root: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", RUN, "validate"], capture_output=True, text=True, cwd=repo_root, env=quiet_env(), timeout=120)
    assert BAR not in proc.stderr and "\x1b[" not in proc.stderr


@pytest.mark.slow
def test_the_site_and_an_export_show_a_bar_in_a_terminal(repo_root: Path, tmp_path: Path) -> None:
    _, terminal = in_a_terminal(["render", "overview", "-o", str(tmp_path / "site") + "/"], quiet_env(), repo_root)
    assert BAR in terminal and "site" in terminal
    assert (tmp_path / "site" / "index.html").is_file()
    counts = [(int(m), int(n)) for m, n in re.findall(r"(\d+)/(\d+)", re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal))]
    assert counts and all(m <= n for m, n in counts), counts  # never past its total (was 48/47)
    _, terminal = in_a_terminal(["export", "--format", "csv", "-o", str(tmp_path / "all.csv")], quiet_env(), repo_root)
    assert BAR in terminal and "export" in terminal
