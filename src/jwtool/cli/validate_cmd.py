"""``jwtool validate``: check entries, vocabularies and catalogue.yaml."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from jwtool.catalogue import progress
from jwtool.catalogue.limits import MAX_FILE_SIZE_CAP
from jwtool.catalogue.problems import Problem, problems_to_json
from jwtool.cli.common import (
    format_option,
    formats,
    limits,
    out,
    root,
    usage_error,
)
from jwtool.cli.framework import EXIT_OK, EXIT_PROBLEMS, counted, err, message, message_lang
from jwtool.contribute.git import GitError, changed_entry_files
from jwtool.validate.rules import validate as run
from jwtool.validate.studies import SILENCED

# --format: how the problems are printed, one reporter per format. A warning a reviewed marker
# silences is in the JSON (severity "silenced") and counted in the summary line; as text only with
# --show-reviewed, so that a source's own contradiction stays one command away. Text and GitHub
# annotations speak the message language; JSON is the same in every language (its messages are
# English, see jwtool.catalogue.problems), so scripts can rely on it.
REPORTERS: dict[str, Callable[[list[Problem]], Iterable[str]]] = {
    "text": lambda problems: (p.format(message_lang()) for p in problems if p.severity != SILENCED),
    "json": lambda problems: [problems_to_json(problems)],
    "github": lambda problems: (p.format_github(message_lang()) for p in problems if p.severity != SILENCED),
}
Format = formats("ValidateFormat", REPORTERS)


def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(metavar="PATH", help="opt.validate.paths", show_default=False)] = None,
    fmt: Annotated[Format, format_option("opt.validate.format")] = Format.text,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", metavar="REV", help="opt.validate.changed_since")] = None,
    show_reviewed: Annotated[bool, typer.Option("--show-reviewed", help="opt.validate.show_reviewed")] = False,
    # declared here, not left to the global --catalogue, so that --help lists it before --max-file-size
    catalogue: Annotated[Optional[Path], typer.Option("--catalogue", metavar="DIR", help="opt.catalogue", show_default=False)] = None,
    max_file_size: Annotated[Optional[int], typer.Option("--max-file-size", metavar="BYTES", help="opt.max_file_size",
                                                         min=1, max=MAX_FILE_SIZE_CAP, show_default=False)] = None,
) -> None:
    """Check the catalogue: YAML syntax, duplicate keys, schema, ids, vocabularies, numbers, URLs."""
    lim = limits(max_file_size)
    base = root(catalogue)
    selected: list[Path] | None = None
    if paths:
        missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
        if missing:
            usage_error(message("cli.validate.missing", paths=", ".join(missing)))
        for p in paths:
            if not _in_catalogue(p, base):
                usage_error(_not_in_catalogue(p, base))
        if not any(_whole_catalogue(p, base) for p in paths):
            selected = [p.absolute() for p in paths]
    if changed_since is not None:
        try:
            changed = changed_entry_files(base, changed_since)
        except GitError as exc:
            usage_error(exc)
        selected = [p for p in changed if selected is None or any(p.is_relative_to(s) for s in selected)]

    progress.enable(fmt.value != "json", lang=message_lang())
    report = run(base, selected, lim)  # no changed entries ([]) still checks vocabularies and catalogue.yaml
    problems = report.problems
    if show_reviewed and fmt.value == "text":
        problems = [replace(p, severity="reviewed") if p.severity == SILENCED else p for p in problems]
    for line in REPORTERS[fmt.value](problems):
        out(line)
    silenced = ", " + counted("count.silenced", report.silenced) if report.silenced else ""
    hint = message("cli.validate.show_reviewed") if report.silenced and not show_reviewed and fmt.value == "text" else ""
    summary = message("cli.validate.summary", errors=counted("count.errors", report.errors), warnings=counted("count.warnings", report.warnings),
                      silenced=silenced, files=counted("count.files", report.files_checked), hint=hint)
    err(message("cli.note" if report.errors or report.warnings else "cli.validate.ok", message=summary))
    raise typer.Exit(EXIT_PROBLEMS if report.errors else EXIT_OK)


# What a named PATH may be: the catalogue itself, or a file or folder of its entries, sources,
# schemas or catalogue.yaml. Anything else (a file elsewhere, another catalogue's entry, docs/)
# would be checked by nothing, and "ok" would be a lie, so it is a usage error.
_PARTS = ("interventions", "sources", "schemas", "catalogue.yaml")


def _spellings(path: Path) -> list[Path]:
    """``path`` as given (made absolute, ``..`` folded) and with its links resolved."""
    try:
        return [Path(os.path.abspath(path)), path.resolve()]
    except (OSError, RuntimeError):
        return [Path(os.path.abspath(path))]


def _whole_catalogue(path: Path, base: Path) -> bool:
    """The catalogue, its interventions/ folder, or a file every entry depends on (a source, a
    schema or vocabulary, catalogue.yaml): checking it means checking the whole catalogue."""
    return any(p in (b, b / "interventions") or any(p.is_relative_to(b / part) for part in _PARTS[1:])
               for p in _spellings(path) for b in _spellings(base))


def _in_catalogue(path: Path, base: Path) -> bool:
    return any(p == b or any(p.is_relative_to(b / part) for part in _PARTS)
               for p in _spellings(path) for b in _spellings(base))


def _not_in_catalogue(path: Path, base: Path) -> str:
    """The usage error for a PATH outside the catalogue, naming the catalogue it belongs to when
    it sits in another catalogue's interventions/ or sources/ folder."""
    here = Path(os.path.abspath(path))
    for folder in (here, *here.parents):
        if folder.name in ("interventions", "sources") and (folder.parent / "interventions").is_dir():
            other = os.path.relpath(folder.parent)
            return message("cli.validate.other_catalogue", path=str(path), catalogue=str(base), other=other)
    return message("cli.validate.outside", path=str(path), catalogue=str(base))

