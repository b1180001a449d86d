"""``jwtool export``: the full records of matching entries, for pandas, R or Excel."""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from jwtool.cli.common import (
    CatalogueOpt,
    check_output,
    format_option,
    formats,
    note,
    open_catalogue,
    write_output,
)
from jwtool.cli.filters import resolved, with_filters
from jwtool.cli.framework import message
from jwtool.query import export as ex
from jwtool.query.filters import RawFilters, filter_entries
from jwtool.render import citations

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Entry

# --format for entries: one exporter per format, (entries, catalogue, the filters asked) -> text
EXPORTERS: dict[str, Callable[[list["Entry"], "Catalogue", RawFilters], Iterable[str]]] = {
    "json": lambda entries, cat, filters: ex.dump_chunks(ex.export_document(
        entries, cat.meta, {n: v.version for n, v in cat.vocab.items()}, filters.given() | ({"element_source": filters.element_source} if filters.element else {}))),
    "jsonl": lambda entries, cat, filters: ex.jsonl_chunks(entries),
    "csv": lambda entries, cat, filters: ex.csv_chunks(entries, ex.load_schema_columns(cat.layout.schemas)),
}
# ... and the reference-manager formats, which export every source
ExportFormat = formats("ExportFormat", [*EXPORTERS, *citations.EXPORT_FORMATS])


@with_filters
def export(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, format_option("opt.export.format")] = ExportFormat.json,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="opt.export.output", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="opt.export.force")] = False,
    catalogue: CatalogueOpt = None,
    filters: RawFilters = RawFilters(),
) -> None:
    """Export the full records of the matching entries (all entries without filters).

    CSV has one row per entry, nested fields as dotted columns (target_group.age.min), lists
    joined with " | ", UTF-8 with a byte order mark so Excel reads Dutch text correctly, and
    cells that a spreadsheet would run as a formula prefixed with a quote.

    --format csl-json, bibtex or ris exports every source instead (filters do not apply).

    Example: jwtool export --format csv --target vso -o vso.csv
    """
    check_output(output, catalogue, force)
    cat = open_catalogue(ctx, catalogue)
    if fmt in citations.EXPORT_FORMATS:
        sources = [cat.library.sources[k] for k in sorted(cat.library.sources)]
        path = write_output(citations.render(sources, fmt.value), output, cat.layout, force)
        if path is not None:
            note(message("cli.export.wrote_sources", n=len(sources), path=path))
        return
    entries = filter_entries(cat.entries, resolved(filters, cat))
    data = EXPORTERS[fmt.value](entries, cat, filters)
    path = write_output(data, output, cat.layout, force)
    if path is not None:
        note(message("cli.export.wrote_entries", n=len(entries), path=path))
