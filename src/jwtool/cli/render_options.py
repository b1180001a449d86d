"""What ``jwtool render appendix`` and ``jwtool render overview`` share: options, the check of
``--templates`` and writing the result."""

# No `from __future__ import annotations` here: typer reads the options' annotations.
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from jwtool.cli.common import is_terminal, note, usage_error, write_output
from jwtool.cli.framework import message

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jwtool.catalogue.load import Catalogue

OutputOpt = Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="opt.render.output", show_default=False)]
ForceOpt = Annotated[bool, typer.Option("--force", help="opt.render.force")]
TemplatesOpt = Annotated[Optional[Path], typer.Option("--templates", metavar="DIR", help="opt.render.templates", show_default=False)]
LangOpt = Annotated[Optional[str], typer.Option("--lang", metavar="nl|en", help="opt.render.lang", show_default=False)]


def templates_folder(path: Optional[Path]) -> Optional[Path]:
    """The folder of ``--templates``, resolved; a usage error when there is no such folder."""
    if path is None:
        return None
    if not path.is_dir():
        usage_error(message("cli.no_such_folder", option="--templates", path=path))
    return path.resolve()


def emit(data: "bytes | Iterable[str]", output: Optional[Path], force: bool, cat: "Catalogue", binary: bool = False, new_folder: bool = False,
         named: bool = True) -> None:
    """Write a rendered document to ``output`` (stdout when None; never a binary one to a terminal);
    ``named=False``: jwtool chose the file's name in the user's folder (see ``write_output``)."""
    if output is None and binary and is_terminal():
        usage_error(message("cli.render.binary"))
    written = write_output(data, output, cat.layout, force, new_folder, named=named)
    if written is not None:
        note(message("cli.wrote", path=written))
