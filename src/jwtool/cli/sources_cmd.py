"""``jwtool cite`` (an entry's sources as a reference list) and ``jwtool upgrade`` (migrate a catalogue)."""

from __future__ import annotations

from typing import Annotated

import typer

from jwtool.catalogue.sources import Source
from jwtool.cli.common import CatalogueOpt, choice, err, fail, limits, open_catalogue, out, root
from jwtool.contribute.upgrade import UpgradeError
from jwtool.contribute.upgrade import upgrade as upgrade_catalogue
from jwtool.query.refs import RefError, resolve_ref
from jwtool.render import citations


def cite(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="REF", help="An entry (id, alias, name or unique prefix) or a source id.", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="apa (a reference list, APA 7th edition), bibtex, ris or csl-json.")] = "apa",
    lang: Annotated[str, typer.Option("--lang", metavar="LANG", help="Language of APA's words (z.d., Geraadpleegd): nl or en.")] = "nl",
    catalogue: CatalogueOpt = None,
) -> None:
    """Print the sources an entry cites as references, for a report or a reference manager.

    APA by default, as Dutch research reports cite; --format bibtex, ris or csl-json for
    Zotero, EndNote and Mendeley.

    Example: jwtool cite boris --format bibtex > boris.bib
    """
    choice(fmt, list(citations.FORMATS), "format")
    choice(lang, ["nl", "en"], "lang")
    cat = open_catalogue(ctx, catalogue, summary=True)
    chosen: list[Source]
    source = cat.library.get(ref)
    try:
        entry = resolve_ref(cat.entries, ref)
    except RefError as exc:
        if source is None:
            fail(str(exc))
        chosen = [source]
    else:
        ids = list(dict.fromkeys(c["source"] for c in entry.cites if isinstance(c.get("source"), str)))
        missing = [i for i in ids if cat.library.get(i) is None]
        if missing:
            fail(f"{entry.file} cites {', '.join(repr(m) for m in missing)}, which is not in sources/; run 'jwtool validate'")
        chosen = [s for s in (cat.library.get(i) for i in ids) if s is not None]
        if not chosen:
            fail(f"{entry.id} cites no source; add one under cites (see CONTRIBUTING.md)")
    out(citations.render(chosen, fmt, lang))


def upgrade(
    catalogue: CatalogueOpt = None,
) -> None:
    """Migrate a catalogue in place to the current format (schema version 3).

    From version 1: moves the reports of catalogue.yaml and the sources written inside entries to
    sources/ (one file per source, each once), and rewrites every entry's provenance and sources
    as cites with locators. From version 2: turns each plain-text component into {text,
    elements: []} and drops each evidence.studies URL that a cited source has (any other URL
    becomes a source and a cite). Comments and key order are kept; running it again changes nothing.

    Example: jwtool upgrade && git diff --stat
    """
    try:
        result = upgrade_catalogue(root(catalogue), limits())  # $JWTOOL_MAX_FILE_SIZE, as every reader
    except UpgradeError as exc:
        fail(str(exc))
    for rel in result.created:
        err(f"jwtool: created {rel}")
    for rel in result.written:
        err(f"jwtool: upgraded {rel}")
    if not result.created and not result.written:
        err("jwtool: nothing to upgrade; the catalogue is in the current format")

