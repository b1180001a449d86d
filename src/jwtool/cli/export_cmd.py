"""``jwtool export``: the full records of matching entries, for pandas, R or Excel."""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Optional

import typer

from jwtool.cli.common import (
    CatalogueOpt,
    check_output,
    choice,
    err,
    open_catalogue,
    write_output,
)
from jwtool.cli.filters import resolved, with_filters
from jwtool.query import export as ex
from jwtool.query.filters import RawFilters, filter_entries
from jwtool.render import citations

FORMATS = ["json", "jsonl", "csv", *citations.EXPORT_FORMATS]


@with_filters
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="json (versioned envelope, see docs/export-format.md), jsonl (one entry per line), csv (one row per entry, UTF-8 with BOM); csl-json, bibtex or ris: every source in sources/, for reference managers.")] = "json",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
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
    choice(fmt, FORMATS, "format")

    check_output(output, catalogue, force)
    cat = open_catalogue(ctx, catalogue)
    if fmt in citations.EXPORT_FORMATS:
        sources = [cat.library.sources[k] for k in sorted(cat.library.sources)]
        path = write_output(citations.render(sources, fmt), output, cat.layout, force)
        if path is not None:
            err(f"jwtool: wrote {len(sources)} sources to {path}")
        return
    entries = filter_entries(cat.entries, resolved(filters, cat))
    if fmt == "json":
        query = {k: v for k, v in asdict(filters).items() if v not in (None, [])}
        data = ex.dump_chunks(ex.export_document(entries, cat.meta, {n: v.version for n, v in cat.vocab.items()}, query))
    elif fmt == "jsonl":
        data = ex.jsonl_chunks(entries)
    else:
        data = ex.csv_chunks(entries, ex.load_schema_columns(cat.layout.schemas))
    path = write_output(data, output, cat.layout, force)
    if path is not None:
        err(f"jwtool: wrote {len(entries)} entries to {path}")
