"""``render overview --format html -o DIR``: the overview as a small static site.

Pages (every one self-contained, offline, under a strict CSP, linked with relative paths that
name ``index.html`` so the site also works opened from disk):

- ``index.html``: introduction, facets and the list of every entry (the only page with a script)
- ``interventies/<id>/index.html``: one entry with its studies and sources
- ``kaart/index.html``, ``bewijskaart/index.html``: the map and the gap maps
- ``studiekaart/index.html``: the evidence gap map of working elements × outcome domains
- ``bewijsniveaus/index.html``: what each evidence level requires, and what the levels are not

The files are produced in a fixed order from sorted data, so a re-render is byte-identical.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jwtool.catalogue.model import Entry
from jwtool.render.environment import _asset, _csp, _css, _svg_styles, environment, template_chunks, template_dirs
from jwtool.render.overview import Pieces, overview_context

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue

ENTRY_FOLDER = "interventies"
# page name -> (template, folder); the index is the site's top
PAGES = {"index": ("site/index.html.j2", ""), "kaart": ("site/map.html.j2", "kaart"),
         "bewijskaart": ("site/gaps.html.j2", "bewijskaart"),
         "studiekaart": ("site/gapmap.html.j2", "studiekaart"), "bewijsniveaus": ("site/evidence.html.j2", "bewijsniveaus")}


def entry_path(slug: str) -> str:
    """The stable path of an entry's page inside the site."""
    return f"{ENTRY_FOLDER}/{slug}/index.html"


def site_files(cat: Catalogue, lang: str = "nl", templates: Path | None = None,
               entries: Sequence[Entry] | None = None) -> Iterator[tuple[str, Iterator[str]]]:
    """Every page of the site as (path inside the site, its text as a stream), in a fixed order."""
    dirs = template_dirs(cat, templates)
    env = environment(dirs, "html", lang)
    chosen = sorted(entries if entries is not None else cat.entries, key=Entry.sort_key)
    pieces = Pieces(cat, env, "html", lang, chosen)
    context = overview_context(cat, chosen, lang, "html", pieces)
    css = _css(dirs, "overview.css")
    script = _asset(dirs, "overview.js")
    svg_styles = _svg_styles(context["map_svg"])
    for page, (template, folder) in PAGES.items():
        root = "../" if folder else ""
        with_script = page == "index"
        page_context = {**context, "page": page, "site_root": root, "entries": [e.at(root) for e in context["entries"]], "css": css, "script": script if with_script else "",
                        "csp": _csp(style_hashes=[css, *(svg_styles if page == "kaart" else [])],
                                    script_hashes=[script] if with_script else [])}
        yield (f"{folder}/index.html" if folder else "index.html"), _text(env, dirs, template, page_context)
    below = [e.at("../../") for e in context["entries"]]  # as an entry's own page links them
    entry_context = {**context, "page": "", "site_root": "../../", "entries": below, "css": css, "script": "", "csp": _csp(style_hashes=[css])}
    for e in below:
        yield entry_path(pieces.anchors[e.id][2:]), _text(env, dirs, "site/entry.html.j2", {**entry_context, "entry": e})


def _text(env: Any, dirs: Sequence[Path], template: str, context: dict[str, Any]) -> Iterator[str]:
    """A page as a stream of text: the index of a large catalogue is never whole in memory."""
    return template_chunks(env, dirs, template, context)
