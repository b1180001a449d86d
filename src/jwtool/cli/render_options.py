"""What ``jwtool render appendix`` and ``jwtool render overview`` share: options, the check of
``--templates`` and writing the result."""

# No `from __future__ import annotations` here: typer reads the options' annotations.
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from jwtool.cli.common import command_here, is_terminal, note, usage_error, warn, write_output
from jwtool.cli.framework import counted, message
from jwtool.validate.unfinished import unfinished

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Entry

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


def warn_unfinished(cat: "Catalogue", entries: "Iterable[Entry]") -> None:
    """Say which of the entries a render hands on a reader would see unfinished
    (:func:`jwtool.validate.unfinished.unfinished`), and the command that says what is wrong."""
    ids = unfinished(entries, cat.vocab)
    if ids:
        shown = ", ".join(ids[:UNFINISHED_NAMED]) + (" …" if len(ids) > UNFINISHED_NAMED else "")
        warn(message("cli.render.unfinished", entries=counted("map.entries", len(ids)), ids=shown,
                     command=command_here(cat.root, "validate", cat.root)))


UNFINISHED_NAMED = 10  # the warning names this many entries at most


def emit(data: "bytes | Iterable[str]", output: Optional[Path], force: bool, cat: "Catalogue", binary: bool = False, new_folder: bool = False,
         named: bool = True) -> None:
    """Write a rendered document to ``output`` (stdout when None; never a binary one to a terminal);
    ``named=False``: jwtool chose the file's name in the user's folder (see ``write_output``)."""
    if output is None and binary and is_terminal():
        usage_error(message("cli.render.binary"))
    written = write_output(data, output, cat.layout, force, new_folder, named=named)
    if written is not None:
        note(message("cli.wrote", path=written))
