"""The library behind list/show/search: references, text search and ranking (no CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jwtool.catalogue.load import load_catalogue
from jwtool.query.filters import RawFilters, filter_entries, resolve_filters
from jwtool.query.refs import RefError, resolve_ref
from jwtool.query.search import search, snippet


@pytest.fixture
def mini(mini_catalogue: Path):
    return load_catalogue(mini_catalogue)


@pytest.mark.parametrize("ref", ["alpha", "Alfa naar werk", "ALFA NAAR WERK", "alfa", "Alfa", "alf", "ALP"])
def test_a_reference_is_an_id_alias_name_or_unique_prefix(mini, ref: str) -> None:
    assert resolve_ref(mini.entries, ref).id == "alpha"


@pytest.mark.parametrize("ref", ["Bèta Perspectief", "beta perspectief", "BETA-PERSPECTIEF", "bèta", "Beta"])
def test_names_match_with_or_without_accents(mini, ref: str) -> None:
    assert resolve_ref(mini.entries, ref).id == "beta"

def test_an_exact_name_wins_over_a_longer_name_it_prefixes(mini_catalogue: Path) -> None:
    path = mini_catalogue / "interventions" / "delta.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Delta Coach", "name: Alfa Coach"), encoding="utf-8")
    cat = load_catalogue(mini_catalogue)
    assert resolve_ref(cat.entries, "alfa").id == "alpha"
    with pytest.raises(RefError) as exc:
        resolve_ref(cat.entries, "alf")
    assert exc.value.ambiguous
    assert {e.id for e in exc.value.candidates} == {"alpha", "delta"}
    assert "matches 2 entries; did you mean 'alpha' (Alfa naar werk), 'delta' (Alfa Coach)?" in str(exc.value)


def test_an_unknown_reference_suggests_close_names(mini) -> None:
    with pytest.raises(RefError) as exc:
        resolve_ref(mini.entries, "gamm route")
    assert not exc.value.ambiguous
    assert [e.id for e in exc.value.candidates][:1] == ["gamma"]
    assert str(exc.value).startswith("no entry 'gamm route'; did you mean 'gamma' (Gamma Route)")


def test_a_reference_without_letters_names_nothing(mini) -> None:
    with pytest.raises(RefError, match="run 'jwtool list'"):
        resolve_ref(mini.entries, " -- ")


def test_search_is_case_and_accent_insensitive(mini) -> None:
    assert {h.entry.id for h in search(mini.entries, "ORIENTATIE", mini.vocab)} == {"alpha", "beta", "gamma"}
    assert {h.entry.id for h in search(mini.entries, "oriëntatie", mini.vocab)} == {"alpha", "beta", "gamma"}


def test_working_element_hits_rank_above_body_text(mini) -> None:
    hits = search(mini.entries, "orientatie", mini.vocab)
    assert [(h.entry.id, h.tier) for h in hits] == [("gamma", "element"), ("alpha", "body"), ("beta", "body")]
    assert hits[0].snippet == "Loopbaanoriëntatie"


def test_name_hits_rank_above_working_elements_and_body(mini) -> None:
    hits = search(mini.entries, "coach", mini.vocab)  # delta's name, and its working element "Een vaste coach"
    assert [(h.entry.id, h.tier, h.field) for h in hits] == [("delta", "name", "name")]
    hits = search(mini.entries, "alfa", mini.vocab)
    assert hits[0].entry.id == "alpha" and hits[0].tier == "name" and hits[0].snippet == "Alfa naar werk"


def test_every_word_must_occur_and_the_phrase_ranks_higher(mini) -> None:
    assert [h.entry.id for h in search(mini.entries, "stage plaatsing", mini.vocab)] == ["alpha"]
    assert search(mini.entries, "stage zeppelin", mini.vocab) == []
    hits = search(mini.entries, "naar werk", mini.vocab)
    assert hits[0].entry.id == "alpha" and hits[0].field == "name"


def test_snippets_show_the_original_text_around_the_match() -> None:
    text = "Een heel lang verhaal " * 6 + "over loopbaanoriëntatie en werk, " + "en nog veel meer tekst " * 6
    s = snippet(text, "orientatie", width=60)
    assert "loopbaanoriëntatie" in s and s.startswith("…") and s.endswith("…")
    assert len(s) <= 62
    assert snippet("Kort.", "kort") == "Kort."


def test_search_without_text_keeps_report_order(mini) -> None:
    assert [h.entry.id for h in search(mini.entries, "  ", mini.vocab)] == ["alpha", "beta", "gamma", "delta", "epsilon"]


def test_filters_and_text_combine(mini) -> None:
    f = resolve_filters(RawFilters(phase=["nazorg"]), mini.vocab)
    assert [h.entry.id for h in search(filter_entries(mini.entries, f), "orientatie", mini.vocab)] == ["gamma", "beta"]
