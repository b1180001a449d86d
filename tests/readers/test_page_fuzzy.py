"""The HTML overview forgives typos exactly as ``jwtool search`` does (issue 19, point 8): the page
gets the name words and the cutoff from Python, and its one rule of its own, the similarity of a
typed word and a name word, is rapidfuzz's ``fuzz.ratio`` — checked here under Node.js on many
word pairs, the boundary of the cutoff included."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from conftest import REPO, require
from jwtool.catalogue.load import load_catalogue
from jwtool.query.search import FUZZY_CUTOFF, FUZZY_MIN_LENGTH, name_tokens
from jwtool.render.filterdata import filter_data

PAGE_SCRIPT = REPO / "templates" / "overview.js"


def page_function(name: str) -> str:
    """The source of one function of the page's script, as the page runs it."""
    source = PAGE_SCRIPT.read_text(encoding="utf-8")
    found = re.search(rf"^(\s*)function {name}\(.*?^\1\}}$", source, re.M | re.S)
    assert found, f"templates/overview.js has no function {name}"
    return found.group(0)


@pytest.fixture(scope="module")
def js_similar() -> Iterator[Callable[[str, str, int], bool]]:
    """``similar(a, b, cutoff)`` of the page, run by one Node.js process for the whole module."""
    node = shutil.which("node")
    require(node is not None, "Node.js (node)")
    program = page_function("similar") + """
require("readline").createInterface({input: process.stdin}).on("line", function (line) {
  var q = JSON.parse(line);
  process.stdout.write(JSON.stringify(similar(q[0], q[1], q[2])) + "\\n");
});
"""
    proc = subprocess.Popen([str(node), "-e", program], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
    assert proc.stdin is not None and proc.stdout is not None

    def ask(a: str, b: str, cutoff: int) -> bool:
        proc.stdin.write(json.dumps([a, b, cutoff]) + "\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
        return bool(json.loads(proc.stdout.readline()))  # type: ignore[union-attr]

    try:
        yield ask
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
        proc.stdout.close()


def cli_similar(a: str, b: str, cutoff: int) -> bool:
    """The rule of jwtool.query.search.fuzzy_search: a nonzero ratio at this cutoff."""
    return bool(fuzz.ratio(a, b, score_cutoff=cutoff))


NAME_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=24)
TYPED_WORD = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1, max_size=24)


@st.composite
def typo_of(draw: st.DrawFn) -> tuple[str, str]:
    """A name word and the same word with one to three letters dropped, added or changed: the
    pairs that land near the cutoff."""
    word = draw(NAME_WORD)
    typed = list(word)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(typed)))
        change = draw(st.sampled_from(["drop", "add", "swap"]))
        if change == "drop" and at < len(typed) and len(typed) > 1:
            del typed[at]
        elif change == "add":
            typed.insert(at, draw(st.sampled_from("aeiouéß𝔘x")))
        elif at < len(typed):
            typed[at] = draw(st.sampled_from("aeiou"))
    return "".join(typed), word


@settings(max_examples=600, deadline=None)
@given(pair=st.one_of(typo_of(), st.tuples(TYPED_WORD, NAME_WORD)), cutoff=st.one_of(st.just(FUZZY_CUTOFF), st.integers(1, 100)))
@example(pair=("borris", "boris"), cutoff=FUZZY_CUTOFF)
@example(pair=("transitecoach", "transitiecoach"), cutoff=FUZZY_CUTOFF)
@example(pair=("abcdefghij", "abcdefgxyz"), cutoff=FUZZY_CUTOFF)  # ratio 70
@example(pair=("abcdefghijk", "abcdefghi"), cutoff=FUZZY_CUTOFF)  # 2*9/20: exactly 90
@example(pair=("aaaaaaaaaaa", "aaaaaaaab"), cutoff=FUZZY_CUTOFF)  # 2*8/20 = 0.8
@example(pair=("abcdefghijkl", "abcdefghjklm"), cutoff=FUZZY_CUTOFF)
@example(pair=("abcdefghijkxyz", "abcdefghijk"), cutoff=FUZZY_CUTOFF)  # 22/25 = 88
@example(pair=("abcdefghi", "abcdefghijk"), cutoff=90)  # exactly at the cutoff
@example(pair=("abcdefghijklmnopq", "abcdefghijklmnopqrst"), cutoff=FUZZY_CUTOFF)  # 34/37
@pytest.mark.slow
def test_the_page_measures_similarity_exactly_as_rapidfuzz(js_similar, pair: tuple[str, str], cutoff: int) -> None:  # type: ignore[no-untyped-def]
    a, b = pair
    assert js_similar(a, b, cutoff) == cli_similar(a, b, cutoff), (a, b, fuzz.ratio(a, b))


def test_a_pair_exactly_at_the_cutoff_is_like_on_both_sides(js_similar) -> None:  # type: ignore[no-untyped-def]
    # 2 * LCS / (len a + len b) = 2 * 17 / 40 = 0.85: the cutoff itself counts as like
    a, b = "abcdefghijklmnopqxyz", "abcdefghijklmnopqrst"[:17] + "uvw"
    assert fuzz.ratio(a, b) == pytest.approx(FUZZY_CUTOFF)
    assert js_similar(a, b, FUZZY_CUTOFF) and cli_similar(a, b, FUZZY_CUTOFF)


def test_the_page_data_carries_the_clis_name_words_and_cutoff() -> None:
    cat = load_catalogue(REPO)
    data = filter_data(cat, cat.entries, with_text=False)
    assert (data["fuzzy_cutoff"], data["fuzzy_min_length"]) == (FUZZY_CUTOFF, FUZZY_MIN_LENGTH)
    assert data["names"] == {e.id: name_tokens(e) for e in cat.entries}
    assert "boris" in data["names"]["boris-brengt-je-bij-een-baan"]
    assert "transitiecoach" in data["names"]["transitiecoach"]
