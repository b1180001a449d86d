"""Long work shows rich's progress bar on stderr in a terminal, and nothing when stderr is piped,
under --format json or in CI (issue 28 item 6). Terminals are real pseudo-terminals (pty)."""

from __future__ import annotations

import os
import pty
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


@pytest.mark.slow
def test_validate_in_a_terminal_shows_a_bar_on_stderr_and_leaves_stdout_alone(repo_root: Path) -> None:
    out, terminal = in_a_terminal(["validate", "--format", "text"], quiet_env(), repo_root)
    assert BAR in terminal and "validate" in terminal
    assert BAR not in out


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
    _, terminal = in_a_terminal(["export", "--format", "csv", "-o", str(tmp_path / "all.csv")], quiet_env(), repo_root)
    assert BAR in terminal and "export" in terminal
