"""`jwtool compare`: aspects side by side, shared working elements, Jaccard, and the caveat."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jwtool.catalogue.load import load_catalogue
from jwtool.labels import label
from jwtool.labels.view import label_key
from jwtool.query.compare import ASPECTS, compare, jaccard
from jwtool.query.refs import resolve_refs

CAVEAT = ("De resultaten zijn onderling echter lastig vergelijkbaar door verschillen in de precieze "
          "doelgroep en daarnaast wordt doorgaans geen gebruik gemaakt van een controlegroep.")


@pytest.fixture
def mini(mini_catalogue: Path):
    return load_catalogue(mini_catalogue)


def test_working_elements_are_shared_by_all_by_some_or_unique(mini) -> None:
    c = compare(resolve_refs(mini.entries, ["alpha", "beta", "delta"]), mini.vocab, mini.meta)
    assert list(c.element_share.items()) == [  # shared first, then in the order the entries name them
        ("individuele-begeleiding", "all"), ("werkervaring", "all"), ("nazorg", "unique"), ("maatwerk", "unique"),
    ]
    two = compare(resolve_refs(mini.entries, ["alpha", "gamma"]), mini.vocab, mini.meta)
    assert set(two.element_share.values()) == {"unique"}
    some = compare(resolve_refs(mini.entries, ["beta", "gamma", "epsilon"]), mini.vocab, mini.meta)
    assert some.element_share["maatwerk"] == "some"
    assert [e.id for e in some.holders("maatwerk")] == ["beta", "gamma"]


def test_jaccard_matrix_only_for_three_or_more(mini) -> None:
    assert compare(resolve_refs(mini.entries, ["alpha", "beta"]), mini.vocab).similarity is None
    c = compare(resolve_refs(mini.entries, ["alpha", "beta", "gamma"]), mini.vocab)
    # alpha {ib, werkervaring, nazorg}, beta {ib, werkervaring, maatwerk}, gamma {maatwerk, loopbaanorientatie}
    assert c.similarity == ((1.0, 0.5, 0.0), (0.5, 1.0, 0.25), (0.0, 0.25, 1.0))
    assert jaccard(set(), set()) is None


def test_aspects_are_the_rows_the_issue_names(mini) -> None:
    c = compare(resolve_refs(mini.entries, ["alpha", "beta"]), mini.vocab, lang="en")
    assert [a.key for a in c.aspects] == ["providers", "phases", "target_group", "ages", "goals", "components",
                                           "course", "working_elements", "evidence", "results"]
    by_key = {a.key: a.values for a in c.aspects}
    assert by_key["ages"] == (("15 to 18 years",), ("16 to 27 years",))  # worded as in every output (jwtool.labels.fields)
    assert by_key["components"] == (("Loopbaanoriëntatie", "Stage"), ())
    assert by_key["results"][0] == ("30 van de 40 leerlingen (75%) vonden werk.",)
    assert by_key["evidence"][1][-2:] == ("With control group", "Study (Qualitative study): Work (unclear)")
    # each study: its designs, and per outcome the direction and whether it rests on a comparison
    assert by_key["evidence"][0][-1] == ("Study (Comparison or control group, Monitoring figures): Work (positive, with comparison), "
                                         "Experiences and satisfaction (unclear)")


def test_the_caveat_comes_from_catalogue_yaml(mini) -> None:
    c = compare(resolve_refs(mini.entries, ["alpha", "beta"]), mini.vocab, mini.meta)
    assert c.caveat == CAVEAT
    assert c.caveat_source.startswith("Kwetsbare jongeren van school naar werk (Regioplan, 2023), paragraaf 3.1")


def test_the_caveat_quotes_the_main_source_only_where_an_entry_comes_from_it(mini, catalogue_2025: Path) -> None:
    # mini's catalogue.yaml quotes its main source, the 2023 report; the 2025 entries never cite it
    other = load_catalogue(catalogue_2025)
    c = compare(other.entries[:2], other.vocab, mini.meta)
    assert (c.caveat, c.caveat_source) == (label("caveat.default", "nl"), "")
    c = compare([mini.entries[0], other.entries[0]], mini.vocab, mini.meta)
    assert c.caveat == CAVEAT and c.caveat_source.startswith("Kwetsbare jongeren van school naar werk (Regioplan, 2023)")


def test_the_caveat_is_there_even_without_catalogue_yaml(mini) -> None:
    # jwtool's own general caveat, in the language asked for, quoting no source
    c = compare(resolve_refs(mini.entries, ["alpha", "beta"]), mini.vocab, {})
    assert (c.caveat, c.caveat_source) == (label("caveat.default", "nl"), "") and "controlegroep" in c.caveat
    c = compare(resolve_refs(mini.entries, ["alpha", "beta"]), mini.vocab, {}, lang="en")
    assert c.caveat == label("caveat.default", "en") and "control group" in c.caveat


def test_compare_refuses_one_entry_or_the_same_twice(mini) -> None:
    with pytest.raises(ValueError, match="at least two"):
        compare(resolve_refs(mini.entries, ["alpha"]))
    with pytest.raises(ValueError, match="alpha is named twice"):
        compare(resolve_refs(mini.entries, ["alpha", "Alfa"]))


# --- CLI -------------------------------------------------------------------------------------------


def test_compare_json(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("compare", "alpha", "beta", "gamma", "--format", "json", "--catalogue", mini_catalogue)
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert list(doc) == ["entries", "aspects", "working_elements", "similarity", "caveat"]
    assert doc["entries"][0] == {"id": "alpha", "name": "Alfa naar werk", "kind": "interventie"}
    assert [a["aspect"] for a in doc["aspects"]] == [key for key, _, _ in ASPECTS]
    assert doc["working_elements"][0] == {"id": "individuele-begeleiding", "label": doc["working_elements"][0]["label"],
                                          "shared": "some", "entries": ["alpha", "beta"]}
    assert doc["similarity"] == {"method": "jaccard", "of": "working elements", "ids": ["alpha", "beta", "gamma"],
                                 "matrix": [[1.0, 0.5, 0.0], [0.5, 1.0, 0.25], [0.0, 0.25, 1.0]]}
    assert doc["caveat"]["text"] == CAVEAT


def test_compare_markdown_puts_the_caveat_under_the_results(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("compare", "alpha", "beta", "-f", "md", "--lang", "en", "--catalogue", mini_catalogue)
    lines = r.stdout.splitlines()
    assert lines[0] == "| Aspect | Alfa naar werk | Bèta Perspectief |"
    results = next(i for i, line in enumerate(lines) if line.startswith("| Results / experiences |"))
    assert lines[results + 1] == ""
    assert lines[results + 2].startswith("> **Caveat:** De resultaten zijn onderling echter lastig vergelijkbaar")
    assert "Similarity" not in r.stdout  # two entries: no matrix
    assert "\n- **Shared by all:** Individual guidance, Gaining work experience\n" in r.stdout  # the elements' English labels


def test_compare_markdown_escapes_entry_text(run_cli, mini_catalogue: Path) -> None:
    path = mini_catalogue / "interventions" / "beta.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: Bèta Perspectief", "name: \"B|ta <img src=x onerror=alert(1)>\""), encoding="utf-8")
    r = run_cli("compare", "alpha", "beta", "-f", "md", "--catalogue", mini_catalogue)
    assert r"B\|ta \<img src=x onerror=alert(1)\>" in r.stdout
    assert re.search(r"(?<!\\)<img", r.stdout) is None


def test_compare_piped_text_has_every_aspect_and_the_caveat_after_results(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("compare", "alpha", "delta", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.exit_code == 0
    text = r.stdout
    for _, field, _ in ASPECTS:
        assert f"\n{label(label_key(field), 'en')}\n" in text
    assert text.index("\nResults / experiences\n") < text.index("Caveat: " + CAVEAT) < text.index("\nWorking elements\n  Shared by all")


def test_compare_needs_two_refs(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("compare", "alpha", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "minstens twee vermeldingen" in r.stderr


def test_compare_the_same_entry_twice_is_a_usage_error(run_cli, mini_catalogue: Path, english) -> None:
    r = run_cli("compare", "alpha", "Alfa naar werk", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "alpha is named twice" in r.stderr


def test_compare_unknown_ref_exits_1_with_suggestion(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("compare", "alpha", "bta", "--lang", "en", "--catalogue", mini_catalogue)
    assert r.exit_code == 1 and "did you mean 'beta'" in r.stderr


def test_compare_bad_format(run_cli, mini_catalogue: Path) -> None:
    r = run_cli("compare", "alpha", "beta", "-f", "csv", "--catalogue", mini_catalogue)
    assert r.exit_code == 2 and "'csv' is geen van de mogelijke waarden; kies uit: text, json, md" in r.stderr


# --- 80 columns: nothing cut ------------------------------------------------------------------------

TWO = ["boris-brengt-je-bij-een-baan", "learn2work"]
FOUR = ["boris-brengt-je-bij-een-baan", "learn2work", "zowhat", "transitiecoach-vso-pro"]


@pytest.mark.parametrize("refs", [TWO, FOUR], ids=["two", "four"])
def test_compare_fits_80_columns_without_cutting_words(run_cli, repo_root: Path, terminal, refs: list[str]) -> None:
    terminal(80)
    r = run_cli("compare", *refs, "--lang", "en", "--catalogue", repo_root)
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    printed = set(r.stdout.split())
    cat = load_catalogue(repo_root)
    c = compare(resolve_refs(cat.entries, refs), cat.vocab, cat.meta, lang="en")
    words = {w for a in c.aspects for value in a.values for line in value for w in line.split()}
    words |= {w for e in c.entries for w in e.name.split()} | set(c.caveat.split())
    assert words - printed == set()  # every word of every cell appears whole
    flat = " ".join(r.stdout.split())
    assert flat.index("Results") < flat.index("Caveat: " + " ".join(CAVEAT.split()))


def test_compare_of_two_on_80_columns_is_a_table(run_cli, repo_root: Path, terminal) -> None:
    terminal(80)
    r = run_cli("compare", *TWO, "--lang", "en", "--catalogue", repo_root)
    header = r.stdout.splitlines()[1]
    assert "Boris brengt je bij ‘n baan" in header and "Learn2Work" in header


def test_compare_of_four_on_80_columns_stacks_aspects(run_cli, repo_root: Path, terminal) -> None:
    terminal(80)
    r = run_cli("compare", *FOUR, "--lang", "en", "--catalogue", repo_root)
    assert r.stdout.startswith("Providers\n  Boris brengt je bij ‘n baan")
    assert re.search(r"Similarity of working elements \(Jaccard\)\n +1 +2 +3 +4", r.stdout)


def test_compare_of_four_on_a_wide_terminal_is_one_column_per_entry(run_cli, repo_root: Path, terminal) -> None:
    terminal(200)
    r = run_cli("compare", *FOUR, "--catalogue", repo_root)
    header = " ".join(r.stdout.splitlines()[1].split())
    assert header == "Boris brengt je bij ‘n baan Learn2Work ZoWh@t Transitiecoach voor vso-/pro-leerlingen"


def test_a_verdict_that_ends_a_sentence_is_not_followed_by_a_semicolon(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("compare", "boris", "bridge")
    assert result.exit_code == 0
    assert ".;" not in result.stdout
    assert "doorstroom naar werk. Studie (" in " ".join(result.stdout.split())
