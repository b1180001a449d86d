"""The parsed-catalogue cache: same answers as without it, and never stale."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import at_once

from jwtool import cache
from jwtool.catalogue import load_catalogue


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("JWTOOL_CACHE_DIR", str(folder))
    monkeypatch.delenv("JWTOOL_NO_CACHE", raising=False)
    return folder


@pytest.fixture
def parsed_files(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """Start counting: the returned list fills with the catalogue files parsed from then on."""

    def start() -> list[str]:
        import jwtool.load

        parsed: list[str] = []
        real = jwtool.load.read_yaml

        def counting(file: Path, rel: str, *args: object, **kw: object):  # type: ignore[no-untyped-def]
            if rel.startswith("interventions/"):
                parsed.append(rel)
            return real(file, rel, *args, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(jwtool.load, "read_yaml", counting)
        return parsed

    return start


def ids(root: Path, **kw: object) -> list[str]:
    return [e.id for e in load_catalogue(root, **kw).entries]  # type: ignore[arg-type]


def test_cached_and_uncached_loads_agree(mini_catalogue: Path) -> None:
    plain = load_catalogue(mini_catalogue, use_cache=False)
    first = load_catalogue(mini_catalogue)  # fills the cache
    second = load_catalogue(mini_catalogue)  # served from it
    assert [e.data for e in first.entries] == [e.data for e in second.entries] == [e.data for e in plain.entries]


def test_summaries_hold_what_filters_need_and_not_the_long_texts(mini_catalogue: Path) -> None:
    load_catalogue(mini_catalogue)
    alpha = next(e for e in load_catalogue(mini_catalogue, summary=True).entries if e.id == "alpha")
    assert alpha.education_levels == ["vso", "pro"] and alpha.element_ids == ["individuele-begeleiding", "werkervaring", "nazorg"]
    assert alpha.age == (15, 18) and alpha.evidence_level == "goed-beschreven"
    assert "activities" not in alpha.data and "results" not in alpha.data


def test_a_changed_file_is_read_again(mini_catalogue: Path) -> None:
    load_catalogue(mini_catalogue, summary=True)
    path = mini_catalogue / "interventions" / "gamma.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Gamma Route", "name: Gamma Route Nieuw"), encoding="utf-8")
    names = {e.id: e.name for e in load_catalogue(mini_catalogue, summary=True).entries}
    assert names["gamma"] == "Gamma Route Nieuw"


def test_after_an_edit_only_that_file_is_parsed_and_the_full_cache_is_left_alone(mini_catalogue: Path, parsed_files: Callable[[], list[str]]) -> None:
    load_catalogue(mini_catalogue)  # full cache and summary index
    full = cache.cache_path(mini_catalogue)
    before = full.stat().st_mtime_ns, full.read_bytes()
    path = mini_catalogue / "interventions" / "gamma.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Gamma Route", "name: Gamma Route Nieuw"), encoding="utf-8")
    parsed = parsed_files()
    summaries = load_catalogue(mini_catalogue, summary=True)
    assert parsed == ["interventions/gamma.yaml"]
    assert (full.stat().st_mtime_ns, full.read_bytes()) == before
    plain = load_catalogue(mini_catalogue, summary=True, use_cache=False)
    assert [(e.file, e.data) for e in summaries.entries] == [(e.file, e.data) for e in plain.entries]
    parsed.clear()
    assert load_catalogue(mini_catalogue, summary=True).entries[0].data == plain.entries[0].data
    assert parsed == []  # the index is fresh again
    full_entries = load_catalogue(mini_catalogue).entries  # the full load catches up with the edit
    assert {e.id: e.name for e in full_entries}["gamma"] == "Gamma Route Nieuw"


def test_added_and_removed_files_are_noticed(mini_catalogue: Path) -> None:
    assert "zeta" not in ids(mini_catalogue, summary=True)
    src = (mini_catalogue / "interventions" / "epsilon.yaml").read_text(encoding="utf-8")
    (mini_catalogue / "interventions" / "zeta.yaml").write_text(src.replace("epsilon", "zeta").replace("Epsilon", "Zeta"), encoding="utf-8")
    (mini_catalogue / "interventions" / "delta.yaml").unlink()
    now = ids(mini_catalogue, summary=True)
    assert "zeta" in now and "delta" not in now


def test_a_corrupt_cache_is_ignored(mini_catalogue: Path, private_cache: Path) -> None:
    load_catalogue(mini_catalogue, summary=True)
    for f in private_cache.iterdir():
        f.write_text("{not json", encoding="utf-8")
    assert len(ids(mini_catalogue, summary=True)) == 5


def test_no_cache_leaves_no_files(mini_catalogue: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWTOOL_NO_CACHE", "1")
    load_catalogue(mini_catalogue)
    assert not private_cache.exists()


def test_broken_files_are_not_cached(mini_catalogue: Path, private_cache: Path) -> None:
    (mini_catalogue / "interventions" / "kapot.yaml").write_text("id: kapot\nname: [\n", encoding="utf-8")
    cat = load_catalogue(mini_catalogue)
    assert cat.broken == ["interventions/kapot.yaml"]
    stored = cache._read(cache.cache_path(mini_catalogue), "max_file_size=1048576")
    assert stored and "interventions/kapot.yaml" not in stored
    assert load_catalogue(mini_catalogue).broken == ["interventions/kapot.yaml"]


def test_two_processes_at_once_leave_a_complete_cache(mini_catalogue: Path) -> None:
    def work() -> None:
        assert len(load_catalogue(mini_catalogue, summary=True).entries) == 5

    assert at_once(work) == []
    folder = cache.cache_path(mini_catalogue).parent
    assert not [f for f in os.listdir(folder) if f.endswith(".tmp")]
    lines = cache.cache_path(mini_catalogue).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)[0] for line in lines[1:]] == [f"interventions/{n}.yaml" for n in ("alpha", "beta", "delta", "epsilon", "gamma")]


def test_show_and_compare_read_only_the_files_they_name(run_cli, mini_catalogue: Path, parsed_files: Callable[[], list[str]]) -> None:  # type: ignore[no-untyped-def]
    # at 10,000 entries loading every entry for one card took seconds; the summaries find the ref
    before = run_cli("show", "gamma", "--format", "json", "--catalogue", mini_catalogue).stdout  # also fills the caches
    parsed = parsed_files()
    shown = run_cli("show", "gamma", "--format", "json", "--catalogue", mini_catalogue)
    assert shown.exit_code == 0 and shown.stdout == before
    assert json.loads(shown.stdout)["id"] == "gamma"
    assert parsed == ["interventions/gamma.yaml"]
    parsed.clear()
    assert run_cli("compare", "alpha", "beta", "--catalogue", mini_catalogue).exit_code == 0
    assert parsed == ["interventions/alpha.yaml", "interventions/beta.yaml"]
