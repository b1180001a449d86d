"""`jwtool search --outcome X` and `--min-design D` (issue 18, point 4): entries with a study
finding on an outcome domain, and entries with a study at least as strong as a design; values
resolve through the vocabularies (ids, labels, English synonyms), the same semantics serve the
page (issue 19, points 1-2), and summary-mode loads filter alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from jwtool.catalogue.load import load_catalogue
from jwtool.query.filters import FilterError, RawFilters, filter_entries, resolve_filters
from jwtool.render.filterdata import filter_data

# studied_mini (tests/conftest.py TEST_STUDIES): alpha has a controlegroep study on werk and a
# kwalitatief one on ervaringen; beta a monitoring study on onderwijs and werk; the rest none.


def ids(run_cli, catalogue: Path, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
    r = run_cli("search", *args, "--format", "json", "--catalogue", catalogue)
    assert r.exit_code == 0, r.stderr
    return [row["id"] for row in json.loads(r.stdout)]


@pytest.mark.parametrize(("args", "expected"), [
    (["--outcome", "werk"], ["alpha", "beta"]),
    (["--outcome", "work"], ["alpha", "beta"]),  # English synonym
    (["--outcome", "Werk"], ["alpha", "beta"]),  # the label, any case
    (["--outcome", "ervaringen"], ["alpha"]),
    (["--outcome", "education"], ["beta"]),
    (["--outcome", "ervaringen", "--outcome", "onderwijs"], ["alpha", "beta"]),  # repeated: OR
    (["--outcome", "kosten-baten"], []),
    (["--outcome", "werk", "--target", "vso"], ["alpha"]),  # different options: AND
    (["--min-design", "comparison"], ["alpha"]),  # a synonym of controlegroep
    (["--min-design", "controlegroep"], ["alpha"]),
    (["--min-design", "monitoring"], ["alpha", "beta"]),  # a stronger study counts too
    (["--min-design", "theoretisch"], ["alpha", "beta"]),  # any ranked study; no study is no match
    (["--min-design", "gerandomiseerd"], []),
    (["--min-design", "monitoring", "--outcome", "onderwijs"], ["beta"]),
])
@pytest.mark.slow
def test_outcome_and_design_filters_select_from_the_studies(run_cli, studied_mini: Path, args: list[str], expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert ids(run_cli, studied_mini, *args) == expected


def test_the_strongest_design_of_a_study_counts() -> None:
    from jwtool.catalogue.model import Entry

    cat = load_catalogue(REPO)
    study = {"id": "s", "designs": ["monitoring", "controlegroep"], "findings": [{"outcome": "werk"}]}
    entry = Entry({"id": "x", "name": "X", "kind": "interventie", "evidence": {"studies": [study]}}, Path("x.yaml"))
    f = resolve_filters(RawFilters(min_design="controlegroep"), cat.vocab)
    assert filter_entries([entry], f) == [entry]
    assert filter_entries([entry], resolve_filters(RawFilters(min_design="gerandomiseerd"), cat.vocab)) == []


@pytest.mark.parametrize(("option", "value", "hint"), [
    ("--outcome", "wrk", "bedoelde u 'werk'?"),
    ("--outcome", "zeppelin", "kies uit: werk, onderwijs"),
    ("--min-design", "controlegroepp", "bedoelde u 'controlegroep'?"),
    ("--min-design", "rct-ish", "kies uit: gerandomiseerd, controlegroep"),
])
def test_an_unknown_outcome_or_design_is_a_usage_error(run_cli, studied_mini: Path, option: str, value: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("search", option, value, "--catalogue", studied_mini)
    assert r.exit_code == 2 and r.stdout == ""
    assert f"onbekende waarde voor {option}: {value!r}" in r.stderr and hint in r.stderr
    assert "Traceback" not in r.stderr


def test_resolving_raises_a_filter_error_with_the_valid_values(studied_mini: Path) -> None:
    cat = load_catalogue(studied_mini)
    with pytest.raises(FilterError) as exc:
        resolve_filters(RawFilters(outcome=["werkk"]), cat.vocab)
    assert exc.value.option == "--outcome" and "ervaringen" in exc.value.valid


def test_summary_loads_filter_on_studies_as_full_loads_do(studied_mini: Path) -> None:
    full, summary = load_catalogue(studied_mini), load_catalogue(studied_mini, summary=True)
    for raw in (RawFilters(outcome=["werk"]), RawFilters(outcome=["ervaringen"]), RawFilters(min_design="monitoring"),
                RawFilters(min_design="comparison", outcome=["work"])):
        want = [e.id for e in filter_entries(full.entries, resolve_filters(raw, full.vocab))]
        assert want and [e.id for e in filter_entries(summary.entries, resolve_filters(raw, summary.vocab))] == want


def test_the_drop_one_filter_hint_names_outcome_and_design(run_cli, studied_mini: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("search", "--outcome", "work", "--min-design", "comparison", "--target", "mbo-2", "--catalogue", studied_mini)
    assert r.exit_code == 0 and r.stdout.splitlines()[1:] == []
    assert "zonder --target mbo-2: 1 vermelding" in r.stderr
    r = run_cli("search", "--outcome", "ervaringen", "--target", "mbo-2", "--catalogue", studied_mini)
    # without the outcome, mbo-2 finds beta and epsilon (it says "mbo" without a level)
    assert "zonder --outcome ervaringen: 2 vermeldingen; zonder --target mbo-2: 1 vermelding" in r.stderr
    assert "zonder --target mbo-2: 1 vermelding" in r.stderr
    r = run_cli("search", "--min-design", "controlegroep", "--target", "mbo-2", "--catalogue", studied_mini)
    assert "zonder --min-design controlegroep: 2 vermeldingen; zonder --target mbo-2: 1 vermelding" in r.stderr


def test_the_json_rows_keep_their_shape(run_cli, studied_mini: Path) -> None:  # type: ignore[no-untyped-def]
    plain = json.loads(run_cli("search", "--format", "json", "--catalogue", studied_mini).stdout)
    filtered = json.loads(run_cli("search", "--outcome", "werk", "--format", "json", "--catalogue", studied_mini).stdout)
    assert [sorted(r) for r in filtered] == [sorted(r) for r in plain if r["id"] in ("alpha", "beta")]


def test_the_page_data_offers_every_outcome_and_design_with_the_clis_sets(studied_mini: Path) -> None:
    cat = load_catalogue(studied_mini)
    data = filter_data(cat, cat.entries, with_text=False)
    assert list(data["facets"]["outcome"]) == [t.id for t in cat.vocab["outcome-domains"]]
    assert list(data["facets"]["min-design"]) == [t.id for t in cat.vocab["study-designs"].ordered()]
    for facet, field in (("outcome", "outcome"), ("min-design", "min_design")):
        for value, chosen in data["facets"][facet].items():
            raw = RawFilters(**{field: [value] if field == "outcome" else value})
            assert chosen == [e.id for e in filter_entries(cat.entries, resolve_filters(raw, cat.vocab))]
    assert data["facets"]["outcome"]["werk"] == ["alpha", "beta"]
    assert data["spellings"]["outcome"]["work"] == "werk" and data["spellings"]["min-design"]["comparison"] == "controlegroep"
