"""Search forgives typos in names, aliases and REF; a REF that names nothing gets "bedoelde u …?";
a filtered search that finds nothing says which one filter to drop (issue 19, point 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from jwtool.catalogue.load import Catalogue
from jwtool.query.refs import RefError, resolve_ref
from jwtool.query.search import FUZZY, search


def found(run_cli, *args: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    r = run_cli("search", *args, "-f", "json", "--catalogue", REPO)
    assert r.exit_code == 0, r.stderr
    return [(row["id"], row["match"]["tier"]) for row in json.loads(r.stdout)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Borris", [("boris-brengt-je-bij-een-baan", FUZZY)]),
    ("transitecoach", [("transitiecoach", FUZZY), ("transitiecoach-vso-pro", FUZZY)]),
    ("praktijkverklaing", [("praktijkleren-met-de-praktijkverklaring", FUZZY)]),
    ("lern2work", [("learn2work", FUZZY)]),
])
def test_a_typo_in_a_name_still_finds_the_entry(run_cli, text: str, expected: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    assert found(run_cli, text) == expected


def test_a_fuzzy_answer_says_so_on_stderr_in_the_chosen_language(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("search", "Borris", "--catalogue", REPO)
    assert r.stdout.splitlines()[1].startswith("boris-brengt-je-bij-een-baan\t")
    assert "jwtool: geen vermelding bevat 'Borris' zo geschreven; deze namen lijken erop" in r.stderr
    r = run_cli("search", "Borris", "--lang", "en", "--catalogue", REPO)
    assert "jwtool: no entry holds 'Borris' as written; these names are like it" in r.stderr


def test_exact_hits_come_first_and_shut_out_guesses(bundled: Catalogue) -> None:
    # "boris" is written in an entry: only exact hits, as without forgiveness
    exact = search(bundled.entries, "boris", bundled.vocab)
    assert exact and search(bundled.entries, "boris", bundled.vocab, fuzzy=True) == exact
    assert all(h.tier != FUZZY for h in exact)
    # a word of the text that some entry holds must still occur as written: only the typo is forgiven
    assert [h.entry.id for h in search(bundled.entries, "Borris baan", bundled.vocab, fuzzy=True)] == ["boris-brengt-je-bij-een-baan"]
    assert search(bundled.entries, "Borris zeppelin", bundled.vocab, fuzzy=True) == []


def test_short_words_and_far_words_are_not_guessed(bundled: Catalogue) -> None:
    assert search(bundled.entries, "kx", bundled.vocab, fuzzy=True) == []  # too short to forgive
    assert search(bundled.entries, "zeppelin", bundled.vocab, fuzzy=True) == []  # like no name
    assert search(bundled.entries, "Borris", bundled.vocab) == []  # the library is exact unless asked


def test_forgiving_search_is_deterministic(bundled: Catalogue) -> None:
    first = search(bundled.entries, "transitecoach", bundled.vocab, fuzzy=True)
    assert first == search(list(reversed(bundled.entries)), "transitecoach", bundled.vocab, fuzzy=True)


# --- REF: "bedoelde u …?" ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("show",), ("similar",), ("compare", "kix")])
def test_a_mistyped_ref_suggests_the_entry_in_dutch(run_cli, command: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    args = [command[0], "borris-brengt", *command[1:]]
    r = run_cli(*args, "--catalogue", REPO)
    assert r.exit_code == 1 and r.stdout == ""
    assert "jwtool: fout: geen vermelding 'borris-brengt'; bedoelde u 'boris-brengt-je-bij-een-baan' (Boris brengt je bij ‘n baan)?" in r.stderr


def test_a_mistyped_ref_suggests_the_entry_in_english(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("show", "borris-brengt", "--lang", "en", "--catalogue", REPO)
    assert "jwtool: error: no entry 'borris-brengt'; did you mean 'boris-brengt-je-bij-een-baan' (Boris brengt je bij ‘n baan)?" in r.stderr


def test_ref_suggestions_forgive_typos_and_guess_nothing_for_nonsense(bundled: Catalogue) -> None:
    for typo, wanted in [("borris-brengt", "boris-brengt-je-bij-een-baan"), ("lern2work", "learn2work"), ("jongeren aan zett", "jongeren-aan-zet")]:
        with pytest.raises(RefError) as caught:
            resolve_ref(bundled.entries, typo)
        assert caught.value.candidates[0].id == wanted, typo
    with pytest.raises(RefError) as caught:
        resolve_ref(bundled.entries, "zeppelin")
    assert caught.value.candidates == [] and "run 'jwtool list'" in str(caught.value)


# --- which filter to drop ---------------------------------------------------------------------------


def test_an_empty_filtered_search_says_which_single_filter_to_drop(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("search", "--target", "vso", "--phase", "nazorg", "--catalogue", mini_catalogue)
    assert r.exit_code == 0 and r.stdout == ""
    assert r.stderr.splitlines() == ["jwtool: geen interventies of praktijkvoorbeelden gevonden",
                                     "jwtool: zonder --target vso: 3 vermeldingen; zonder --phase nazorg: 2 vermeldingen"]
    r = run_cli("search", "--target", "vso", "--phase", "nazorg", "--kind", "interventie", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.stderr.splitlines() == ["jwtool: no entries match", "jwtool: without --target vso: 2 entries; without --phase nazorg: 1 entry"]


def test_the_hint_counts_with_the_text_and_names_repeated_options(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    # "stage" is in beta (nazorg), delta and alpha; none of them is a praktijkvoorbeeld in nazorg with vso or pro
    r = run_cli("search", "stage", "--target", "vso", "--target", "pro", "--phase", "nazorg", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.stderr.splitlines()[-1] == "jwtool: without --phase nazorg: 2 entries; without --target vso --target pro: 1 entry"


def test_no_hint_without_filters_and_a_plain_line_when_no_single_filter_helps(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("search", "zeppelin", "--catalogue", mini_catalogue).stderr.splitlines() == ["jwtool: geen interventies of praktijkvoorbeelden gevonden"]
    r = run_cli("search", "zeppelin", "--phase", "nazorg", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.stderr.splitlines() == ["jwtool: no entries match", "jwtool: dropping any one filter still finds nothing"]
