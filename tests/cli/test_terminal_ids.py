"""On a terminal of any width an entry id is never cut in two: ids are what users type into
``show`` and ``compare``. Every id a command prints piped appears at least as often, whole on one line,
on a terminal of 60, 80 and 120 columns; a URL on the ``show`` card is whole on one line."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result

WIDTHS = [60, 80, 120]
COMMANDS = [["list"], ["elements"], ["map"], ["similar", "boris"], ["search", "--target", "vso"]]


def bundled_ids(repo_root: Path) -> list[str]:
    return sorted(p.stem for p in (repo_root / "interventions").glob("*.yaml"))


def id_counts(text: str, ids: list[str]) -> Counter[str]:
    """How often each id stands whole on a line of ``text`` (not inside a longer id or word)."""
    counts: Counter[str] = Counter()
    for line in text.splitlines():
        for eid in ids:
            counts[eid] += len(re.findall(rf"(?<![\w-]){re.escape(eid)}(?![\w-])", line))
    return +counts


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
@pytest.mark.slow
def test_no_entry_id_is_cut_on_a_terminal(args: list[str], width: int, repo_root: Path, run_cli: Callable[..., Result],
                                          terminal: Callable[[int], None]) -> None:
    ids = bundled_ids(repo_root)
    piped = run_cli(*args, cwd=repo_root)
    assert piped.exit_code == 0, piped.stderr
    expected = id_counts(piped.stdout, ids)
    assert expected, "the piped output names entries by id"
    terminal(width)
    shown = run_cli(*args, cwd=repo_root)
    assert shown.exit_code == 0, shown.stderr
    counts = id_counts(shown.stdout, ids)  # a terminal may say more (similar's title names REF), never less
    assert {eid: (counts[eid], n) for eid, n in expected.items() if counts[eid] < n} == {}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("ref", ["boris", "learn2work"])
def test_a_url_on_the_card_is_whole_on_one_line(ref: str, width: int, repo_root: Path, run_cli: Callable[..., Result],
                                                terminal: Callable[[int], None]) -> None:
    piped = run_cli("show", ref, cwd=repo_root)
    urls = re.findall(r"https?://\S+", piped.stdout)
    assert urls
    terminal(width)
    lines = run_cli("show", ref, cwd=repo_root).stdout.splitlines()
    for url in urls:
        assert any(url in line for line in lines), url


@pytest.mark.parametrize("width", [60, 80])
def test_list_items_on_the_card_hang_under_their_text(width: int, repo_root: Path, run_cli: Callable[..., Result],
                                                      terminal: Callable[[int], None]) -> None:
    terminal(width)
    lines = run_cli("show", "boris", cwd=repo_root).stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "• Voortgezet speciaal onderwijs" in line)
    bullet = lines[at].index("•")
    assert "(vso)" in lines[at] or lines[at + 1].index("(vso)") == bullet + 2


def test_the_map_wraps_its_last_line_to_the_terminal(repo_root: Path, run_cli: Callable[..., Result], terminal: Callable[[int], None]) -> None:
    terminal(80)
    result = run_cli("map", cwd=repo_root)
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 80
