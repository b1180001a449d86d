"""``jwtool render appendix``: a report's tables (the 2023 report's appendix B2) from the entries that cite their rows."""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
from pathlib import Path
from typing import Annotated, Optional

import typer

from jwtool.cli.common import check_output, choice, cli_lang, fail, format_option, formats, open_catalogue, usage_error, warn
from jwtool.cli.filters import matching, with_filters
from jwtool.cli.framework import message
from jwtool.cli.render_options import ForceOpt, LangOpt, OutputOpt, TemplatesOpt, emit, templates_folder, warn_unfinished
from jwtool.query.filters import RawFilters
from jwtool.render.appendix import AppendixError, appendix_entries, missing_rows, render_appendix, report_tables
from jwtool.render.environment import FORMATS_APPENDIX, STYLES, RenderError
from jwtool.render.pdf import MISSING, soffice

AppendixFormat = formats("AppendixFormat", FORMATS_APPENDIX)


@with_filters
def appendix(
    fmt: Annotated[AppendixFormat, format_option("opt.appendix.format")] = AppendixFormat.md,
    style: Annotated[str, typer.Option("--style", metavar="full|summary", help="opt.appendix.style")] = "full",
    output: OutputOpt = None,
    force: ForceOpt = False,
    templates: TemplatesOpt = None,
    reference_docx: Annotated[Optional[Path], typer.Option("--reference-docx", metavar="FILE", help="opt.appendix.reference_docx", show_default=False)] = None,
    lang: LangOpt = None,
    source: Annotated[Optional[str], typer.Option("--source", metavar="ID", help="opt.appendix.source", show_default=False)] = None,
    filters: RawFilters = RawFilters(),  # noqa: B008 - replaced by the filter options
) -> None:
    """Render a report's tables from the entries that cite their rows, in the report's order."""

    fmt = fmt.value
    choice(style, list(STYLES), "--style")
    lang = cli_lang(lang)
    tdir = templates_folder(templates)
    if reference_docx is not None and fmt not in ("docx", "pdf"):
        usage_error(message("cli.appendix.reference_docx_format", format=fmt))
    if reference_docx is not None and not reference_docx.is_file():
        usage_error(message("cli.no_such_file", option="--reference-docx", path=reference_docx))
    if fmt == "pdf" and soffice() is None:
        fail(message(MISSING))
    check_output(output, force)
    cat = open_catalogue(summary=True)

    try:
        sid, tables = report_tables(cat, source, style)
    except AppendixError as exc:
        usage_error(exc)
    shown = appendix_entries(matching(filters, cat), sid, tables)
    gaps = missing_rows(shown, sid, tables) if not filters.given() else {}
    if gaps:  # the whole report's tables, yet a row is missing: the appendix would not be the report's
        rows = "; ".join(message("cli.appendix.table_rows", table=t, rows=", ".join(map(str, ns))) for t, ns in gaps.items())
        fail(message("cli.appendix.missing_rows", rows=rows, hint=message("cli.appendix.broken_hint", files=", ".join(cat.broken)) if cat.broken else ""))
    if not any(shown.values()):
        warn(message("cli.render.empty"))
    # chosen among the summaries; the render reads each entry the tables show in full as it writes its row
    entries = list({e.file: e for rows in shown.values() for e in rows}.values())
    warn_unfinished(cat, entries)
    try:
        data = render_appendix(cat, entries, fmt, style, lang, tdir, reference_docx, sid)
    except RenderError as exc:
        fail(exc)
    emit(data, output, force, cat, binary=fmt in ("docx", "pdf"))
