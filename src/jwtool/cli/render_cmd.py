"""``jwtool render appendix|overview``: the report's appendix and a reading overview."""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from jwtool.catalogue import progress
from jwtool.catalogue.files import OutputError, check_folder, write_folder_atomic
from jwtool.catalogue.layout import Layout
from jwtool.cli.common import (
    CatalogueOpt,
    check_output,
    choice,
    cli_lang,
    fail,
    format_option,
    formats,
    is_terminal,
    note,
    open_catalogue,
    root,
    usage_error,
    warn,
    write_output,
)
from jwtool.cli.filters import resolved, with_filters
from jwtool.cli.framework import Command, Group, message
from jwtool.query.filters import RawFilters, filter_entries
from jwtool.render.appendix import AppendixError, appendix_entries, render_appendix, report_tables
from jwtool.render.environment import FORMATS_APPENDIX, FORMATS_OVERVIEW, STYLES, RenderError
from jwtool.render.overview import overview_chunks
from jwtool.render.pdf import MISSING, soffice
from jwtool.render.site import site_files

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jwtool.catalogue.load import Catalogue

AppendixFormat = formats("AppendixFormat", FORMATS_APPENDIX)
OverviewFormat = formats("OverviewFormat", FORMATS_OVERVIEW)

render_app = typer.Typer(cls=Group, help="cmd.render", no_args_is_help=True, add_completion=False, rich_markup_mode=None)

OutputOpt = Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="opt.render.output", show_default=False)]
ForceOpt = Annotated[bool, typer.Option("--force", help="opt.render.force")]
TemplatesOpt = Annotated[Optional[Path], typer.Option("--templates", metavar="DIR", help="opt.render.templates", show_default=False)]
LangOpt = Annotated[Optional[str], typer.Option("--lang", metavar="nl|en", help="opt.render.lang", show_default=False)]


def _templates(path: Optional[Path]) -> Optional[Path]:
    if path is None:
        return None
    if not path.is_dir():
        usage_error(message("cli.no_such_folder", option="--templates", path=path))
    return path.resolve()


def _emit(data: "bytes | Iterable[str]", output: Optional[Path], force: bool, cat: "Catalogue", binary: bool = False, new_folder: bool = False) -> None:
    if output is None and binary and is_terminal():
        usage_error(message("cli.render.binary"))
    written = write_output(data, output, cat.layout, force, new_folder)
    if written is not None:
        note(message("cli.wrote", path=written))


@render_app.command("appendix", cls=Command)
@with_filters
def appendix(
    ctx: typer.Context,
    fmt: Annotated[AppendixFormat, format_option("opt.appendix.format")] = AppendixFormat.md,
    style: Annotated[str, typer.Option("--style", metavar="full|summary", help="opt.appendix.style")] = "full",
    output: OutputOpt = None,
    force: ForceOpt = False,
    templates: TemplatesOpt = None,
    reference_docx: Annotated[Optional[Path], typer.Option("--reference-docx", metavar="FILE", help="opt.appendix.reference_docx", show_default=False)] = None,
    lang: LangOpt = None,
    source: Annotated[Optional[str], typer.Option("--source", metavar="ID", help="opt.appendix.source", show_default=False)] = None,
    catalogue: CatalogueOpt = None,
    filters: RawFilters = RawFilters(),  # noqa: B008 - replaced by the filter options
) -> None:
    """Render a report's tables from the entries that cite their rows, in the report's order:
    for the 2023 report, interventions during the school career (B2.1) and for (early) school
    leavers (B2.2), with their sources as numbered links. An entry that is no row of the
    report never appears. A source that declares no tables gets a table per kind (interventions,
    practice examples) of the entries that cite it, with the same columns.

    All search filters apply. Word output has real tables with columns sized to their text and a
    header row that repeats on every page, rows kept whole on a page, captions with the report's
    own numbers (text, so a report's field update keeps them), page numbers, Dutch as its
    language, landscape pages and named styles (JW Tabelkop, JW Tabeltekst, ...).

    Example: jwtool render appendix --format docx --target vso -o bijlage-vso.docx
    """

    fmt = fmt.value
    choice(style, list(STYLES), "--style")
    lang = cli_lang(ctx, lang)
    tdir = _templates(templates)
    if reference_docx is not None and not reference_docx.is_file():
        usage_error(message("cli.no_such_file", option="--reference-docx", path=reference_docx))
    if fmt == "pdf" and soffice() is None:
        fail(MISSING)
    check_output(output, catalogue, force)
    cat = open_catalogue(ctx, catalogue, summary=True)

    try:
        sid, tables = report_tables(cat, source, style)
    except AppendixError as exc:
        usage_error(str(exc))
    shown = appendix_entries(filter_entries(cat.entries, resolved(filters, cat)), sid, tables)
    if not any(shown.values()):
        warn(message("cli.render.empty"))
    # chosen among the summaries; only the entries the tables show are read in full
    entries = list(cat.full({e.file: e for rows in shown.values() for e in rows}.values()))
    try:
        data = render_appendix(cat, entries, fmt, style, lang, tdir, reference_docx, sid)
    except RenderError as exc:
        fail(str(exc))
    _emit(data, output, force, cat, binary=fmt in ("docx", "pdf"))


@render_app.command("overview", cls=Command)
def overview(
    ctx: typer.Context,
    fmt: Annotated[OverviewFormat, format_option("opt.overview.format")] = OverviewFormat.html,
    output_arg: Annotated[Optional[str], typer.Option("--output", "-o", metavar="PATH", help="opt.overview.output_arg", show_default=False)] = None,
    force: ForceOpt = False,
    templates: TemplatesOpt = None,
    lang: LangOpt = None,
    catalogue: CatalogueOpt = None,
) -> None:
    """Render the whole catalogue for reading: an index of every entry, one section per entry
    with all fields and sources, the working-element map, an evidence gap map, the
    comparability caveat, the source report and the date of the catalogue.

    The HTML page works offline from disk (no network, no CDN) and can be printed.

    Example: jwtool render overview --format html -o site/
    """

    fmt = fmt.value
    lang = cli_lang(ctx, lang)
    tdir = _templates(templates)

    # `-o site` (or `-o site.v2/`): a folder, like a static-site generator. HTML: the site of pages
    # (jwtool.render.site), written whole; Markdown: README.md in it, made only once complete.
    output = Path(output_arg) if output_arg else None
    is_folder = output is not None and (output_arg.endswith(("/", os.sep)) or output.is_dir() or (not output.exists() and not output.suffix))
    if is_folder and fmt == "html":
        _site(ctx, output, force, tdir, lang, catalogue)
        return
    new_folder = is_folder and not output.is_dir()
    if output is not None and is_folder:
        output = output / "README.md"
    check_output(output, catalogue, force, new_folder)
    cat = open_catalogue(ctx, catalogue, summary=True)  # each section reads its entry in full
    try:
        _emit(overview_chunks(cat, fmt, lang, tdir), output, force, cat, new_folder=new_folder)
    except RenderError as exc:
        fail(str(exc))


def _site(ctx: typer.Context, output: Path, force: bool, tdir: Optional[Path], lang: str, catalogue: Optional[Path]) -> None:
    """Write the overview as a site into the folder ``output`` (see :mod:`jwtool.render.site`)."""
    try:
        check_folder(output, Layout(root(catalogue)), force)
    except OutputError as exc:
        usage_error(str(exc))
    cat = open_catalogue(ctx, catalogue, summary=True)  # each page reads its entry in full
    progress.enable()
    try:
        written = write_folder_atomic(output, site_files(cat, lang, tdir), cat.layout, force)
    except RenderError as exc:
        fail(str(exc))
    except OutputError as exc:
        usage_error(str(exc))
    except OSError as exc:
        fail(message("cli.cannot_write", path=output, error=exc.strerror or exc))
    note(message("cli.wrote", path=f"{written}/"))
