"""``jwtool export``: the full records of matching entries, for pandas, R or Excel."""

# No `from __future__ import annotations` here: `with_filters` copies the signature, and typer
# would then see the options' annotations as unevaluated strings.
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from jwtool.catalogue import progress
from jwtool.cli.common import (
    check_output,
    fail,
    format_option,
    formats,
    note,
    open_catalogue,
    usage_error,
    write_output,
)
from jwtool.cli.filters import matching, with_filters
from jwtool.cli.framework import counted, message, message_lang
from jwtool.query import dataset
from jwtool.query import export as ex
from jwtool.query.filters import RawFilters
from jwtool.render import citations

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Entry

def _full(cat: "Catalogue", entries: list["Entry"]) -> Callable[[Iterable["Entry"]], Iterable["Entry"]]:
    """The entries' full records, read one at a time as they are written, with a progress bar."""
    return lambda chosen: progress.track(cat.full(chosen), len(entries), "export")


# --format for entries: one exporter per format, (entries, catalogue, the filters asked) -> text
EXPORTERS: dict[str, Callable[[list["Entry"], "Catalogue", RawFilters], Iterable[str]]] = {
    "json": lambda entries, cat, filters: ex.dump_chunks(ex.export_document(
        entries, cat.meta, {n: v.version for n, v in cat.vocab.items()}, filters.given() | ({"element_source": filters.element_source} if filters.element else {}), _full(cat, entries))),
    "jsonl": lambda entries, cat, filters: ex.jsonl_chunks(_full(cat, entries)(entries)),
    "csv": lambda entries, cat, filters: ex.csv_chunks(entries, ex.load_schema_columns(cat.layout.schemas), full=_full(cat, entries)),
}
# ... the reference-manager formats, which export every source, and the dataset formats (-o only)
DATASET_FORMATS = ("datapackage", "sqlite")
ExportFormat = formats("ExportFormat", [*EXPORTERS, *citations.EXPORT_FORMATS, *DATASET_FORMATS])


@with_filters
def export(
    fmt: Annotated[ExportFormat, format_option("opt.export.format")] = ExportFormat.json,
    output_arg: Annotated[Optional[str], typer.Option("--output", "-o", metavar="PATH", help="opt.export.output", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="opt.export.force")] = False,
    filters: RawFilters = RawFilters(),
) -> None:
    """Export the full records of the matching entries (all entries without filters)."""
    output = Path(output_arg) if output_arg else None  # a folder only for a data package (-o pkg/)
    if output_arg and output_arg.endswith(("/", os.sep)) and fmt.value != "datapackage":
        usage_error(message("click.folder_for_file", value=output_arg))
    if fmt.value in DATASET_FORMATS:
        _dataset(fmt.value, output, force, filters)
        return
    check_output(output, force)
    cat = open_catalogue(summary=True)  # the full records are read as they are written
    if fmt in citations.EXPORT_FORMATS:
        ids = sorted(cat.library.sources)
        if filters.given():  # the references behind the matching entries
            cited = {i for e in matching(filters, cat) for i in e.cited}
            ids = [i for i in ids if i in cited]
        sources = [cat.library.sources[k] for k in ids]
        path = write_output(citations.render(sources, fmt.value), output, cat.layout, force)
        if path is not None:
            note(counted("cli.export.wrote_sources", len(sources), path=path))
        return
    entries = matching(filters, cat)
    progress.enable(fmt.value != "json", lang=message_lang())
    data = EXPORTERS[fmt.value](entries, cat, filters)
    path = write_output(data, output, cat.layout, force)
    if path is not None:
        note(counted("cli.export.wrote_entries", len(entries), path=path))


def _dataset(fmt: str, output: Optional[Path], force: bool, filters: RawFilters) -> None:
    """Write the matching entries as a Frictionless data package (a folder) or an SQLite file."""
    if output is None:
        usage_error(message(f"cli.export.{fmt}_needs_output"))
    check_output(output, force, folder="datapackage" if fmt == "datapackage" else None)
    cat = open_catalogue()
    entries = matching(filters, cat)
    tables = dataset.tables(entries, [cat.library.sources[k] for k in sorted(cat.library.sources)], cat.vocab)
    if fmt == "datapackage":
        written = write_output(dataset.datapackage_files(tables, cat.meta), output, cat.layout, force, folder="datapackage")
        note(counted("cli.export.wrote_datapackage", len(entries), tables=len(tables), path=f"{written}/"))
        return
    with tempfile.TemporaryDirectory(prefix="jwtool-sqlite-") as tmp:
        db = Path(tmp) / "catalogue.sqlite"
        try:
            dataset.write_sqlite(str(db), tables, cat.meta)
        except ValueError as exc:
            fail(message("cli.cannot_write", path=output, error=exc))
        path = write_output(db.read_bytes(), output, cat.layout, force)
    note(counted("cli.export.wrote_sqlite", len(entries), tables=len(tables), path=path))
