"""``render overview --format html -o DIR``: the overview as a small static site.

Pages (every one self-contained, offline, under a strict CSP, linked with relative paths that
name ``index.html`` so the site also works opened from disk):

- ``index.html``: introduction, facets and the list of every entry
- ``interventies/<id>/index.html``: one entry with its studies and sources
- ``kaart/index.html``: the map of entries and the working elements they share
- ``bewijskaart/index.html``: the Bewijskaart, the evidence gap map of working elements × outcome
  domains; it takes the index's facet filters from its address (``?target=vso&outcome=werk``), as
  ``jwtool gaps`` takes them. Like ``gaps`` it has no text search: a ``q=`` is named, not applied.
- ``elementen-per-fase/index.html``: the working elements per phase and per evidence level
- ``studiekaart/index.html``: a page that sends an old link on to ``bewijskaart/`` (the folder's
  name until the folders were named after their pages), with the link's selection (``moved.js``)
- ``bewijsniveaus/index.html``: what each evidence level requires, and what the levels are not

The index and the Bewijskaart have a script each (``selection.js`` before their own: the selection
both make as ``jwtool search`` does). The files are produced in a fixed order from sorted data, so a re-render is byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.model import Entry
from jwtool.render.environment import ADDRESSES, csp, environment, find_template, inline_asset, marks_js, svg_styles, template_chunks, template_dirs
from jwtool.render.filterdata import as_json, fold_tables
from jwtool.render.gapmap import page_data
from jwtool.render.overview import Pieces, overview_context

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue

# page -> its template; the folder is the page's address (ADDRESSES), the index is the site's top
PAGES = {"index": "site/index.html.j2", "map": "site/map.html.j2", "gaps": "site/gaps.html.j2", "gapmap": "site/gapmap.html.j2",
         "evidence": "site/evidence.html.j2"}
# an old folder -> the page that now holds what it held (its page sends the reader on)
MOVED = {"studiekaart": "gapmap"}


def entry_path(slug: str) -> str:
    """The stable path of an entry's page inside the site."""
    return f"{ADDRESSES['entries']}/{slug}/index.html"


def site_files(cat: Catalogue, lang: str = "nl", templates: Path | None = None,
               entries: Sequence[Entry] | None = None) -> list[tuple[str, Callable[[], Iterator[str]]]]:
    """Every page of the site as (path inside the site, a function that renders its text as a
    stream), in a fixed order: what :func:`jwtool.catalogue.files.write_folder_atomic` writes, on
    every core. What the pages share is made here, once; each page is rendered when it is written."""
    chosen = sorted(entries if entries is not None else cat.entries, key=Entry.sort_key)
    dirs = template_dirs(cat, templates)
    env = environment(dirs, "html", lang)
    pieces = Pieces(cat, env, "html", lang, chosen)
    context = overview_context(cat, chosen, lang, "html", pieces)
    css = inline_asset(dirs, "overview.css")
    map_styles = svg_styles(context["map_svg"])
    scripts = {"index": inline_asset(dirs, "selection.js", "overview.js"), "gapmap": inline_asset(dirs, "selection.js", "gapmap.js", *marks_js(dirs))}
    # an old folder's page keeps a link's selection with moved.js; templates from before it send the reader on without
    forward = inline_asset(dirs, "moved.js") if find_template(dirs, "moved.js") is not None else ""

    def page(template: str, page_context: dict[str, Any], extra: Callable[[], dict[str, Any]] | None = None) -> Callable[[], Iterator[str]]:
        return lambda: template_chunks(env, dirs, template, {**page_context, **(extra() if extra else {})})

    def linked(root: str, gapmap: bool) -> Callable[[], dict[str, Any]]:  # made by the page's worker, not here
        return lambda: {"entries": [e.at(root) for e in context["entries"]],
                        **({"gapmap_json": map_json(cat, chosen, lang, pieces.anchors, context["facets"], context["filter_data"])} if gapmap else {})}

    files = []
    for name, template in PAGES.items():
        folder = "" if name == "index" else ADDRESSES[name]
        root = "../" if folder else ""
        page_script = scripts.get(name, "")
        page_context = {**context, "page": name, "site_root": root, "css": css, "script": page_script,
                        "csp": csp(style_hashes=[css, *(map_styles if name == "map" else [])], script_hashes=[page_script] if page_script else [])}
        files.append((f"{folder}/index.html" if folder else "index.html", page(template, page_context, linked(root, name == "gapmap"))))
    for old, new in MOVED.items():
        moved = {**context, "page": "", "site_root": "../", "css": css, "script": forward, "csp": csp(style_hashes=[css], script_hashes=[forward] if forward else []),
                 "moved_to": ADDRESSES[new], "moved_page": new}
        files.append((f"{old}/index.html", page("site/moved.html.j2", moved)))
    below = [e.at("../../") for e in context["entries"]]  # as an entry's own page links them
    entry_context = {**context, "page": "", "site_root": "../../", "entries": below, "css": css, "script": "", "csp": csp(style_hashes=[css])}
    files += [(entry_path(pieces.anchors[e.id][2:]), page("site/entry.html.j2", {**entry_context, "entry": e})) for e in below]
    return files


def map_json(cat: Catalogue, chosen: Sequence[Entry], lang: str, anchors: dict[str, str], facets: list[dict[str, Any]], data: dict[str, Any]) -> str:
    """The Bewijskaart page's data: which entries each filter value selects (as on the index, so a
    link means the same on both pages), the names of the facets and values (to say in words what
    is selected), and what the map is drawn from (:func:`jwtool.render.gapmap.page_data`).
    ``data``: the index's :func:`filter_data <jwtool.render.filterdata.filter_data>`, computed once."""
    words = {f["name"]: {"label": f["label"], "values": {o["id"]: o["label"] for o in f["options"]}} for f in facets}
    return as_json({"ids": data["ids"], "facets": data["facets"], "facet_order": data["facet_order"],
                    "spellings": data["spellings"], "words": words, **page_data(chosen, cat, lang, anchors),
                    "entry_base": f"../{ADDRESSES['entries']}/",
                    "marks": fold_tables()["marks"], "casefold": fold_tables()["casefold"]})
