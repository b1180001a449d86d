"""Search, show and compare answer every word a user could take from the catalogue, and any
text at all: exit 0 or 1 with a message, never an internal error (issue 15)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, Result
from jwtool.catalogue.load import Catalogue
from jwtool.catalogue.text import fold
from jwtool.query.compare import compare
from jwtool.query.refs import RefError, resolve_ref
from jwtool.query.search import search
from jwtool.render.rows import hit_row, render_rows
from jwtool.render.views import card_text, comparison_text


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


@functools.cache
def catalogue_words() -> list[str]:
    """Every token (run of letters and digits, folded) of every name, label, id and text in the
    bundled catalogue's YAML files, plus every whole id such as ``bewijs-van-leren``; deduplicated.
    Read when a test first needs it, not at import: only slow tests do, and every pytest process
    imports this module (a quarter of a second of pure-Python YAML at each start)."""
    files = sorted((REPO / "interventions").glob("*.yaml")) + sorted((REPO / "schemas" / "vocabularies").glob("*.yaml")) + [REPO / "catalogue.yaml"]
    words: set[str] = set()
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for text in _strings(data):
            words.update(re.findall(r"\w+", fold(text)))
        words.update(fold(t["id"]) for t in data.get("terms") or [] if isinstance(t, dict) and isinstance(t.get("id"), str))
        if isinstance(data.get("id"), str):
            words.add(fold(data["id"]))
    return sorted(words)


def test_a_word_only_in_a_working_element_id_is_found_with_a_snippet(bundled: Catalogue) -> None:
    # "leren" is in the element id bewijs-van-leren, not in its label "Bewijs van wat geleerd is"
    hits = search(bundled.entries, "leren", bundled.vocab)
    boris = [h for h in hits if h.entry.id == "boris-brengt-je-bij-een-baan"]
    assert boris and "leren" in fold(boris[0].snippet)


def test_search_leren_on_the_command_line(run_cli: Callable[..., Result]) -> None:
    found = run_cli("search", "leren")
    assert found.exit_code == 0, found.stderr
    assert "interne fout" not in found.stderr and "boris-brengt-je-bij-een-baan" in found.stdout


@pytest.mark.slow
def test_every_catalogue_word_searches_shows_and_compares(bundled: Catalogue) -> None:
    """What search, show and compare do for each word, through the library and the views that
    print it; the only failure allowed is "no such entry" (exit 1 on the command line)."""
    words = catalogue_words()
    assert len(words) > 1000  # the catalogue was really read
    other = bundled.entries[0]
    for word in words:
        hits = search(bundled.entries, word, bundled.vocab)
        render_rows([hit_row(h) for h in hits], "text", True)
        assert all(word in fold(h.snippet) for h in hits), word
        try:
            entry = resolve_ref(bundled.entries, word)
        except RefError as exc:  # show and compare: "no such entry, did you mean ...", exit 1
            assert str(exc), word
            continue
        card_text(entry, bundled.vocab)
        if entry is not other:
            comparison_text(compare([entry, other], bundled.vocab, bundled.meta))


def _answers_with_a_message(result: Result, codes: tuple[int, ...] = (0, 1)) -> None:
    assert "interne fout" not in result.output, result.output
    assert result.exit_code in codes, result.output
    if result.exit_code:
        assert result.stderr.startswith("jwtool: fout: "), result.output


COMMAND_TEXT = st.one_of(st.deferred(lambda: st.sampled_from(catalogue_words())), st.text(min_size=1, max_size=30).filter(lambda t: t.strip() and not t.startswith("-") and "\x00" not in t))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=COMMAND_TEXT)
@pytest.mark.slow
def test_search_show_and_compare_of_any_text_exit_0_or_1_with_a_message(run_cli: Callable[..., Result], text: str) -> None:
    _answers_with_a_message(run_cli("search", text))
    _answers_with_a_message(run_cli("show", text))
    _answers_with_a_message(run_cli("compare", text, "kix"), (0, 1, 2))  # 2: TEXT names kix too


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=40))
@pytest.mark.slow
def test_library_search_of_any_text_never_raises(bundled: Catalogue, text: str) -> None:
    for hit in search(bundled.entries, text, bundled.vocab):
        assert hit.entry.id and isinstance(hit.snippet, str)
