"""``jwtool render overview``: the whole catalogue for reading, as one page or as a site of pages."""

# No `from __future__ import annotations` here: typer reads the options' annotations.
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from jwtool.catalogue import progress
from jwtool.cli.common import check_output, cli_lang, fail, format_option, formats, note, open_catalogue, write_output
from jwtool.cli.framework import message, message_lang
from jwtool.cli.render_options import ForceOpt, LangOpt, TemplatesOpt, emit, templates_folder, warn_unfinished
from jwtool.render.environment import FORMATS_OVERVIEW, RenderError
from jwtool.render.overview import overview_chunks
from jwtool.render.site import site_files

OverviewFormat = formats("OverviewFormat", FORMATS_OVERVIEW)


def overview(
    fmt: Annotated[OverviewFormat, format_option("opt.overview.format")] = OverviewFormat.html,
    output_arg: Annotated[Optional[str], typer.Option("--output", "-o", metavar="PATH", help="opt.overview.output_arg", show_default=False)] = None,
    force: ForceOpt = False,
    templates: TemplatesOpt = None,
    lang: LangOpt = None,
) -> None:
    """Render the whole catalogue for reading: an index, a section per entry, the element map and the gap map."""

    fmt = fmt.value
    lang = cli_lang(lang)
    tdir = templates_folder(templates)

    # `-o site` (or `-o site.v2/`): a folder, like a static-site generator. HTML: the site of pages
    # (jwtool.render.site), written whole; Markdown: README.md in it, made only once complete, and
    # only as a new file (the user named the folder, not README.md: --force replaces only a named
    # file), never in the catalogue's own folder.
    output = Path(output_arg) if output_arg else None
    is_folder = output is not None and (output_arg.endswith(("/", os.sep)) or output.is_dir() or (not output.exists() and not output.suffix))
    if is_folder and fmt == "html":
        _site(output, force, tdir, lang)
        return
    new_folder = is_folder and not output.is_dir()
    if output is not None and is_folder:
        output = output / "README.md"
    check_output(output, force, new_folder, named=not is_folder)
    cat = open_catalogue(summary=True)  # each section reads its entry in full
    warn_unfinished(cat, cat.entries)
    try:
        emit(overview_chunks(cat, fmt, lang, tdir), output, force, cat, new_folder=new_folder, named=not is_folder)
    except RenderError as exc:
        fail(exc)


def _site(output: Path, force: bool, tdir: Optional[Path], lang: str) -> None:
    """Write the overview as a site into the folder ``output`` (see :mod:`jwtool.render.site`)."""
    check_output(output, force, folder="site")
    cat = open_catalogue(summary=True)  # each page reads its entry in full
    warn_unfinished(cat, cat.entries)
    progress.enable(lang=message_lang())
    try:
        written = write_output(site_files(cat, lang, tdir), output, cat.layout, force, folder="site")
    except RenderError as exc:
        fail(exc)
    note(message("cli.wrote", path=f"{written}/"))
