"""``jwtool validate``: check entries, vocabularies and catalogue.yaml."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from jwtool.catalogue import progress
from jwtool.catalogue.problems import Problem, problems_to_json
from jwtool.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    CatalogueOpt,
    MaxSizeOpt,
    err,
    format_option,
    formats,
    limits,
    out,
    root,
    usage_error,
)
from jwtool.cli.framework import message, message_lang
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
    catalogue: CatalogueOpt = None,
    max_file_size: MaxSizeOpt = None,
) -> None:
    """Check the catalogue: YAML syntax, duplicate keys, schema, ids, vocabularies, numbers, URLs.

    Prints one problem a line, sorted, as FILE:LINE:COLUMN: SEVERITY: FIELD: MESSAGE [RULE].
    Exit 0 when clean, 1 when a problem is found, 2 for usage errors.

    Example: jwtool validate interventions/learn2work.yaml --format json
    """
    lim = limits(max_file_size)
    base = root(catalogue)
    selected: list[Path] | None = None
    if paths:
        missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
        if missing:
            usage_error(message("cli.validate.missing", paths=", ".join(missing)))
        selected = [p.absolute() for p in paths]
    if changed_since is not None:
        try:
            changed = changed_entry_files(base, changed_since)
        except GitError as exc:
            usage_error(exc)
        selected = [p for p in changed if selected is None or any(p == s or s in p.parents for s in selected)]


    progress.enable(fmt.value != "json")
    report = run(base, selected, lim) if selected is None or selected else _only_catalogue_checks(base, lim)
    problems = report.problems
    if show_reviewed and fmt.value == "text":
        problems = [replace(p, severity="reviewed") if p.severity == SILENCED else p for p in problems]
    for line in REPORTERS[fmt.value](problems):
        out(line)
    silenced = message("cli.validate.silenced", n=report.silenced) if report.silenced else ""
    hint = message("cli.validate.show_reviewed") if report.silenced and not show_reviewed and fmt.value == "text" else ""
    summary = message("cli.validate.summary", errors=report.errors, warnings=report.warnings, silenced=silenced, files=report.files_checked, hint=hint)
    err(message("cli.note" if report.errors or report.warnings else "cli.validate.ok", message=summary))
    raise typer.Exit(EXIT_PROBLEMS if report.errors else EXIT_OK)


def _only_catalogue_checks(base: Path, lim: object):  # type: ignore[no-untyped-def]
    """--changed-since with no changed entries still checks vocabularies and catalogue.yaml."""

    return run(base, [], lim)  # type: ignore[arg-type]
