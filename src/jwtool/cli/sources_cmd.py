"""``jwtool cite`` (an entry's sources as a reference list) and ``jwtool upgrade`` (migrate a catalogue)."""

from __future__ import annotations

from typing import Annotated

import typer

from jwtool.catalogue import progress
from jwtool.catalogue.sources import Source
from jwtool.cli.common import choice, fail, limits, not_found, note, open_catalogue, out, root
from jwtool.cli.framework import message, message_lang
from jwtool.contribute.upgrade import UpgradeError
from jwtool.contribute.upgrade import upgrade as upgrade_catalogue
from jwtool.query.refs import RefError, resolve_ref
from jwtool.render import citations


def cite(
    ref: Annotated[str, typer.Argument(metavar="REF", help="opt.cite.ref", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="opt.cite.fmt")] = "apa",
    lang: Annotated[str, typer.Option("--lang", metavar="LANG", help="opt.cite.lang")] = "nl",
) -> None:
    """Print the sources an entry cites as references, for a report or a reference manager."""
    choice(fmt, list(citations.FORMATS), "--format")
    choice(lang, ["nl", "en"], "--lang")
    cat = open_catalogue(summary=True)
    chosen: list[Source]
    source = cat.library.get(ref)
    try:
        entry = resolve_ref(cat.entries, ref)
    except RefError as exc:
        if source is None:
            not_found(cat, ref, exc)
        chosen = [source]
    else:
        ids = entry.cited
        missing = [i for i in ids if cat.library.get(i) is None]
        if missing:
            fail(message("cli.cite.missing", file=entry.file, ids=", ".join(repr(m) for m in missing)))
        chosen = [s for s in (cat.library.get(i) for i in ids) if s is not None]
        if not chosen:
            fail(message("cli.cite.none", id=entry.id))
    out(citations.render(chosen, fmt, lang))


def upgrade() -> None:
    """Migrate a catalogue in place to the current format (schema version 3)."""
    progress.enable(lang=message_lang())
    try:
        result = upgrade_catalogue(root(), limits())  # $JWTOOL_MAX_FILE_SIZE, as every reader
    except UpgradeError as exc:
        fail(exc)
    for rel in result.created:
        note(message("cli.created", path=rel))
    for rel in result.written:
        note(message("cli.upgrade.done", path=rel))
    if not result.created and not result.written:
        note(message("cli.upgrade.nothing"))

