"""The cache keys a file on a stamp that a restored mtime cannot fool (issue 15)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _rewrite_in_place_keeping_mtime(path: Path, old: str, new: str) -> None:
    """Same size, same inode, and the mtime put back, as ``touch -r`` or ``rsync -t`` leave it."""
    assert len(old) == len(new)
    st = path.stat()
    with path.open("r+", encoding="utf-8") as fh:
        text = fh.read()
        fh.seek(0)
        fh.write(text.replace(old, new))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_ino, after.st_mtime_ns) == (st.st_size, st.st_ino, st.st_mtime_ns)


@pytest.mark.parametrize("command", [["list"], ["list", "--format", "json"], ["search", "--kind", "interventie"], ["export", "--format", "json"],
                                     ["map", "--export", "json"], ["render", "overview", "--format", "md"]])
def test_an_entry_rewritten_with_its_mtime_restored_is_seen_by_every_cached_command(run_cli, mini_catalogue: Path, command: list[str]) -> None:
    first = run_cli(*command, "--catalogue", mini_catalogue)  # fills the caches
    assert first.exit_code == 0 and "Gamma Route" in first.stdout
    _rewrite_in_place_keeping_mtime(mini_catalogue / "interventions" / "gamma.yaml", "name: Gamma Route", "name: Gamma Rauta")
    again = run_cli(*command, "--catalogue", mini_catalogue)
    assert "Gamma Rauta" in again.stdout and "Gamma Route" not in again.stdout


def test_the_cache_stamp_has_ctime() -> None:
    from jwtool.catalogue import cache

    st = os.stat(__file__)
    assert cache.stamp(__file__) == f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
