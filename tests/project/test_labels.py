"""One label source, two languages: every word jwtool puts around entry content comes from the
catalogue in ``src/jwtool/locale`` (nl and en), and one module words a field for every output."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import pytest

from jwtool.catalogue.model import Entry
from jwtool.labels import LANGS, LOCALE_DIR, LabelError, fields, label, labels, plural

SRC = Path(__file__).resolve().parents[2] / "src" / "jwtool"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# The modules that put words in front of people (the renders, the map, show/compare/list).
OUTPUT_MODULES = ["render/appendix.py", "render/overview.py", "render/environment.py", "render/docx.py", "labels/fields.py", "labels/view.py",
                  "render/views.py", "render/rows.py", "query/compare.py", "graph/svg.py", "cli/find_cmd.py", "cli/show_cmd.py", "cli/compare_cmd.py", "cli/graph_cmd.py", "cli/map_cmd.py", "cli/tables.py",
                  "render/gapmap.py", "cli/gaps_cmd.py"]
# Prose in those modules that is not a label: the Word styles' names (a report restyles them by
# name), the document keywords and a value of the compare JSON (data for scripts).
NOT_LABELS = {"JW Tabelkop", "JW Tabeltekst", "JW Tabelopsomming", "JW Interventienaam", "JW Bron", "JW Toelichting",
              "Table Grid", "jeugdwerkloosheid; interventies", "working elements"}
# Diagnostics (stderr) and --help texts are messages, not labels around content; rich styles are no words.
MESSAGE_CALLS = {"err", "fail", "usage_error", "choice", "Option", "Argument", "format_option"}  # choice(): a usage error; format_option(): --help text
NOT_SHOWN_KEYWORDS = {"help", "metavar", "style", "header_style"}
RICH_STYLE = re.compile(r"^((bold|dim|italic|underline|reverse|red|green|yellow|blue|magenta|cyan|white|black) ?)+$")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages_with_the_same_placeholders() -> None:
    nl, en = labels("nl"), labels("en")
    assert sorted(set(nl) ^ set(en)) == []
    assert {k: _placeholders(v) for k, v in nl.items()} == {k: _placeholders(v) for k, v in en.items()}


def test_a_count_has_a_form_for_one_and_for_many() -> None:
    for lang in LANGS:
        table = labels(lang)
        stems = {k.rsplit(".", 1)[0] for k in table if k.endswith((".one", ".other"))}
        for stem in stems:
            assert f"{stem}.one" in table and f"{stem}.other" in table, stem
    assert plural("map.entries", 1, "nl") == "1 vermelding"
    assert plural("map.entries", 3, "nl") == "3 vermeldingen"
    assert plural("map.entries", 1, "en") == "1 entry"
    assert plural("map.entries", 0, "en") == "0 entries"


def test_an_unknown_key_or_language_is_a_clear_error() -> None:
    with pytest.raises(LabelError, match=r"no label 'nope' in .*nl\.yaml"):
        label("nope", "nl")
    with pytest.raises(LabelError, match="choose one of: nl, en"):
        labels("fr")


def test_the_label_files_hold_only_quoted_texts_under_string_keys() -> None:
    # an unquoted `no:` or `yes:` key is a boolean in YAML: the label would silently go missing
    for lang in LANGS:
        text = (LOCALE_DIR / f"{lang}.yaml").read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip() and not line.startswith("#"):
                assert re.fullmatch(r'("[a-z]+"|[a-z][A-Za-z0-9_.]*[a-z0-9]): ".*"', line), f"{lang}.yaml:{n}: {line}"


# calls whose first argument is a label key: the label itself, the CLI's message() and the
# library's Message() (a problem or error worded later, in the command's language)
KEY_CALLS = {"label", "message", "Message"}


def _keys_used_in_code() -> set[str]:
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    if node.func.id in KEY_CALLS:
                        used.add(first.value)
                    elif node.func.id == "plural":
                        used |= {f"{first.value}.one", f"{first.value}.other"}
    return used


def test_every_key_a_message_is_built_from_exists_in_both_languages() -> None:
    # keys built at run time: a vocabulary's kind of term, a severity, the JSON types a schema asks for
    from jwtool.catalogue.vocabularies import VOCABULARY_NAMES
    from jwtool.validate.rules import VOCAB_REFS, term_key
    from jwtool.validate.schema import _TYPES

    built = {term_key(name) for name, _ in VOCAB_REFS} | {f"severity.{s}" for s in ("error", "warning", "silenced", "reviewed")}
    built |= {f"problem.schema.expected.{t}" for t in _TYPES} | {f"problem.schema.got.{t}" for t in ("text", "number", "boolean", "list", "mapping", "nothing", "unknown")}
    built |= {f"problem.holds.{t}" for t in ("list", "text", "number", "boolean", "unknown")} | {"problem.studies.one", "problem.studies.other"}
    assert {n for n, _ in VOCAB_REFS} <= set(VOCABULARY_NAMES)
    for lang in LANGS:
        assert sorted(built - set(labels(lang))) == [], lang


@pytest.mark.slow
def test_the_key_scan_finds_the_library_s_messages() -> None:
    used = _keys_used_in_code()
    assert {"problem.placeholder", "error.not_a_catalogue", "error.output.exists", "problem.schema.unknown_field", "cli.validate.summary"} <= used


def _keys_used_in_templates() -> set[str]:
    used: set[str] = set()
    for path in TEMPLATES.rglob("*.j2"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""labels\[["']([^"']+)["']\]""", text))
        used |= set(re.findall(r"""["']([^"']+)["']\s*\|\s*label\b""", text))
    return used


@pytest.mark.slow
def test_every_key_used_in_code_and_templates_exists() -> None:
    code, templates = _keys_used_in_code(), _keys_used_in_templates()
    assert len(code) > 30 and len(templates) > 50  # the scans find the lookups
    for lang in LANGS:
        assert sorted((code | templates) - set(labels(lang))) == [], lang


# Label families looked up by a key built at run time from data: a declared table's id, an entry's kind.
DATA_KEYED = ("table.", "count.")


def unused_labels(table: dict[str, str], text: str, used: set[str]) -> list[str]:
    """Keys of ``table`` that ``text`` (the code and templates) never names: not quoted whole, not
    the family of a quoted plural, and not under a stem a key is built from (f"scale.{key}",
    'fig.' ~ name)."""
    def built(k: str) -> bool:
        parts = k.split(".")
        return any(re.search(re.escape(".".join(parts[:i]) + ".") + r"""(\{|["']\s*[~+])""", text) for i in range(1, len(parts)))

    def quoted(k: str) -> bool:
        return bool(re.search(f"[\"']{re.escape(k)}[\"']", text))

    return [k for k in table if k not in used and not quoted(k) and not built(k) and not k.startswith(DATA_KEYED)
            and not (k.endswith((".one", ".other")) and quoted(k.rsplit(".", 1)[0]))]


@pytest.mark.slow
def test_every_label_is_used() -> None:
    # no label is left behind when the output that showed it changes
    text = "\n".join(p.read_text(encoding="utf-8") for p in [*SRC.rglob("*.py"), *TEMPLATES.rglob("*.j2"), *TEMPLATES.rglob("*.js")])
    used = _keys_used_in_code() | _keys_used_in_templates()
    for lang in LANGS:
        assert unused_labels(labels(lang), text, used) == [], lang


def test_a_label_beside_used_ones_is_still_unused() -> None:
    text = 'label("gapmap.legend.title", lang) label(f"scale.{key}", lang)'
    assert unused_labels({"gapmap.legend.title": "", "gapmap.legend.shade": "", "scale.local": ""}, text, set()) == ["gapmap.legend.shade"]


def _prose_literals(path: Path) -> list[tuple[int, str]]:
    """String constants that read as words to a person: two or more words of letters, outside
    docstrings, exception messages and keyword arguments that are not shown (style=, overflow=)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and ast.get_docstring(node):
            skip.add(id(node.body[0].value))  # type: ignore[attr-defined]
        if isinstance(node, ast.Raise):
            skip |= {id(n) for n in ast.walk(node)}
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if name in MESSAGE_CALLS:
                skip |= {id(n) for n in ast.walk(node)}
            for kw in node.keywords:
                if kw.arg in NOT_SHOWN_KEYWORDS:
                    skip |= {id(n) for n in ast.walk(kw.value)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value.strip()
            if text in NOT_LABELS or RICH_STYLE.match(text) or "<" in text or "{" in text and "}" in text and not re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", re.sub(r"\{[^}]*\}", "", text)):
                continue
            if re.search(r"[A-Za-zÀ-ÿ]{2,} [A-Za-zÀ-ÿ(]{2,}", text):
                found.append((node.lineno, text))
    return found


@pytest.mark.parametrize("module", OUTPUT_MODULES)
def test_no_output_module_holds_a_label_literal(module: str) -> None:
    assert _prose_literals(SRC / module) == []


def test_each_field_has_one_label_per_language() -> None:
    # fields are labelled by their path (f.<path>), once: no second family of labels for a card,
    # a table column or a compared aspect, and no text under two field keys
    from jwtool.labels.view import SECTIONS, label_key

    for lang in LANGS:
        table = labels(lang)
        assert [k for k in table if k.startswith(("card.", "col.", "compare.aspect."))] == [], lang
        field_texts = [v for k, v in table.items() if k.startswith("f.")]
        assert sorted({t for t in field_texts if field_texts.count(t) > 1}) == [], lang
        for section, keys in SECTIONS:
            for key in (section, *keys) if section else keys:
                assert label_key(key) in table, (lang, key)


def test_only_the_vocabularies_choose_a_label_by_language() -> None:
    # a term's or group's label in a language is chosen in one place (Term.label_for, group_label)
    chooser = re.compile(r"""lang\s*[!=]=\s*["'](en|nl)["']|\.get\(["']label_en["']\)""")
    found = [f"{p.relative_to(SRC)}:{n}" for p in SRC.rglob("*.py") if p.name != "vocabularies.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1) if chooser.search(line)]
    assert found == []


def test_the_label_files_point_at_files_that_exist() -> None:
    for lang in LANGS:
        comments = "\n".join(line for line in (LOCALE_DIR / f"{lang}.yaml").read_text(encoding="utf-8").splitlines() if line.startswith("#"))
        for path in re.findall(r"src/jwtool/[\w/]+\.py", comments):
            assert (SRC.parents[1] / path).is_file(), (lang, path)


def test_without_a_caveat_of_its_own_a_catalogue_gets_jwtool_s_in_its_language() -> None:
    assert fields.caveat({}, "en") == (label("caveat.default", "en"), "")
    assert fields.caveat({"caveat": "Eigen woorden.", "caveat_source": "Rapport, p. 3"}, "en") == ("Eigen woorden.", "Rapport, p. 3")


def test_the_literal_scan_finds_a_label_written_in_code(tmp_path: Path) -> None:
    # the scan can fail: a label typed into code is caught, a docstring or error message is not
    path = tmp_path / "m.py"
    path.write_text('"""A module."""\n\ndef f():\n    """Does f."""\n    if 1:\n        raise ValueError("bad value here")\n'
                    '    return "Working elements named together"\n', encoding="utf-8")
    assert _prose_literals(path) == [(7, "Working elements named together")]


# --- the map speaks the language of its page ------------------------------------------------------


@pytest.mark.parametrize(("lang", "wanted", "foreign"), [
    ("nl", ["(werkzaam element, 1 vermelding)", "(interventie)", "(praktijkvoorbeeld)", "Interventie (rij in bijlagetabel B2.1, B2.2)", "vermeldingen en"],
     ["working element", "entries", "(entry)", "Intervention (row of"]),
    ("en", ["(working element, 1 entry)", "(intervention)", "(practice example)", "Intervention (row of appendix table B2.1, B2.2)", "entries and"],
     ["werkzaam element", "1 entries", "Interventie (rij", "(entry)"]),
])
def test_the_overview_map_is_worded_in_the_language_of_the_page(bundled, lang: str, wanted: list[str], foreign: list[str]) -> None:  # type: ignore[no-untyped-def]
    from jwtool.render.overview import map_svg

    svg = map_svg(bundled.entries, bundled, lang)
    for text in wanted:
        assert text in svg, text
    for text in foreign:
        assert not re.search(r"(?<!\d)" + re.escape(text), svg), text  # "1 entries", but not "11 entries"


# --- one module words a field for every output ----------------------------------------------------


def _entry(**data: object) -> Entry:
    return Entry({"id": "x", **data})


@pytest.mark.parametrize(("age", "nl", "en"), [
    ({"min": 16, "max": 27}, "16 tot en met 27 jaar", "16 to 27 years"),
    ({"min": 16}, "vanaf 16 jaar", "16 years and older"),
    ({"max": 23}, "tot en met 23 jaar", "up to 23 years"),
    ({}, "", ""),
])
def test_ages_read_the_same_in_every_output(age: dict[str, int], nl: str, en: str) -> None:
    e = _entry(target_group={"description": "d", "age": age})
    assert (fields.age(e, "nl"), fields.age(e, "en")) == (nl, en)


def test_years_region_scale_and_figures_are_worded_by_the_label_catalogue() -> None:
    course = {"start_year": 2010, "status": "lopend", "scale": {"participants": 651, "schools": 53, "year": 2016}}
    assert fields.period(course, "nl") == "sinds 2010" and fields.period({"start_year": 2010, "end_year": 2016}, "en") == "2010–2016"
    assert fields.period({"start_year": True}, "en") == ""  # not a year: left out
    assert fields.status(course, "en") == "ongoing"
    assert fields.scale(course, "nl") == ["651 deelnemers", "53 scholen", "peiljaar 2016"]
    e = _entry(region={"scope": "regionaal", "names": ["Achterhoek"]},
               results={"figures": [{"measure": "aan het werk", "value": 30, "unit": "procent", "n": 40, "year": 2021}]})
    assert (fields.region(e, "nl"), fields.region(e, "en")) == ("regionaal, Achterhoek", "regional, Achterhoek")
    assert fields.region(_entry(region={"names": "Proefstad"}), "en") == "Proefstad"  # one name not in a list still counts
    [figure] = fields.figures(e, "en")
    assert fields.figure_line(figure, "en") == "aan het werk: 30 % (n=40, 2021)"


@pytest.mark.slow
def test_show_compare_and_the_overview_word_a_field_alike(run_cli, mini_catalogue: Path) -> None:  # type: ignore[no-untyped-def]
    shown = run_cli("show", "alpha", "--lang", "en", "--catalogue", mini_catalogue).stdout
    compared = run_cli("compare", "alpha", "beta", "--lang", "en", "--catalogue", mini_catalogue).stdout
    overview = run_cli("render", "overview", "--format", "md", "--lang", "en", "--catalogue", mini_catalogue).stdout
    for output in (shown, compared, overview):
        assert "15 to 18 years" in output


def test_a_label_file_change_shows_in_the_next_render(mini_catalogue: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import jwtool.labels
    from jwtool.catalogue.load import load_catalogue
    from jwtool.render.appendix import render_appendix

    locale = tmp_path / "locale"
    locale.mkdir()
    for lang in LANGS:
        text = (LOCALE_DIR / f"{lang}.yaml").read_text(encoding="utf-8")
        (locale / f"{lang}.yaml").write_text(text.replace('"Bronnen"', '"Geraadpleegde bronnen"'), encoding="utf-8")
    monkeypatch.setattr(jwtool.labels, "LOCALE_DIR", locale)
    labels.cache_clear()
    try:
        cat = load_catalogue(mini_catalogue)
        assert "## Geraadpleegde bronnen" in render_appendix(cat, cat.entries, "md").decode()
    finally:
        monkeypatch.undo()
        labels.cache_clear()


# --- the scaffold's guidance is the schema's ------------------------------------------------------


def test_every_field_of_the_entry_schema_has_dutch_guidance(repo_root: Path) -> None:
    schema = json.loads((repo_root / "schemas" / "intervention.schema.json").read_text(encoding="utf-8"))

    def walk(node: dict, path: str) -> None:  # type: ignore[type-arg]
        for key, sub in (node.get("properties") or {}).items():
            assert sub.get("title") and sub.get("description"), f"{path}{key}"
            assert not re.search(r"\b(the|and|only|which|verbatim|with)\b", sub["description"]), f"{path}{key}: {sub['description']}"
            walk(sub, f"{path}{key}.")
            if isinstance(sub.get("items"), dict):
                walk(sub["items"], f"{path}{key}[].")

    walk(schema, "")
    for name, sub in schema["$defs"].items():
        walk(sub, f"$defs/{name}.")


def test_new_writes_the_schema_s_description_and_example_above_each_field(empty_catalogue: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = empty_catalogue / "schemas" / "intervention.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["summary"]["description"] = "Twee zinnen uit het rapport, niet meer."
    schema["properties"]["summary"]["examples"] = ["Een coach voor elke jongere."]
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    assert run_cli("new", "Proefaanpak", "--no-input", "--catalogue", empty_catalogue).exit_code == 0
    text = (empty_catalogue / "interventions" / "proefaanpak.yaml").read_text(encoding="utf-8")
    assert "# (verplicht) Twee zinnen uit het rapport, niet meer. Voorbeeld: Een coach voor elke jongere.\nsummary:" in text


def test_scaffold_holds_no_copy_of_the_schema_s_help_text(repo_root: Path) -> None:
    source = (SRC / "contribute" / "scaffold.py").read_text(encoding="utf-8")
    for text in ("Letterlijke kolom", "Voorbeeld: boris", "alleen als genoemd"):
        assert text not in source


# --- words: an entry is "vermelding" where it may be a practice example -----------------------------

# Labels that name or count any entry (an intervention or a practice example): English says "entry",
# so Dutch says "vermelding", as the --help texts do; "interventie" is only for kind: interventie.
ANY_ENTRY = ["ref.ambiguous", "ref.suggest", "ref.unknown", "map.entries.one", "map.entries.other", "gapmap.selection.count",
             "gapmap.rows.entries", "graph.col.entries", "gapmap.none.elements", "search.fuzzy", "site.fuzzy", "search.without.other", "graph.pairs.none",
             # the site and the maps count and name every entry, practice examples too
             "site.ladder.entries.one", "site.ladder.entries.other", "site.ladder.lead", "overview.gap.intro", "site.none",
             "site.entry.back", "overview.map.alt", "overview.map.alt.elements", "overview.map.pending", "map.type.entry",
             "map.desc.entries", "gapmap.legend.open", "map.mermaid_note"]


@pytest.mark.parametrize("key", ANY_ENTRY)
def test_a_label_about_any_entry_says_vermelding_not_interventie(key: str) -> None:
    assert "entr" in labels("en")[key].lower()
    assert "vermelding" in labels("nl")[key].lower() and "interventie" not in labels("nl")[key].lower()


def test_english_says_working_element_for_a_werkzaam_element_never_effective_element() -> None:
    # one term for one thing on the English site: the gap map, Elementen per fase, the map, the fields
    english = labels("en")
    assert not [k for k, v in english.items() if re.search(r"effective\s+elements?\b", v, re.I)]
    assert english["overview.map"] == "Map of working elements" and english["overview.gap.element"] == "Working element"
    assert sum("working element" in v.lower() for v in english.values()) >= 40


def test_a_folder_is_de_map_and_a_missing_field_at_the_top_is_missing_in_the_file() -> None:
    assert label("error.output.folder_exists", "nl", path="site") == "de map site bestaat al en is niet leeg; vervang die met --force"
    assert label("problem.the_entry", "nl") == "het bestand"  # an entry's, a source's or catalogue.yaml's top level
