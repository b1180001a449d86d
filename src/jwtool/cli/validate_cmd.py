"""``jwtool validate``: check entries, vocabularies and catalogue.yaml."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from jwtool.catalogue import progress
from jwtool.catalogue.layout import CatalogueError, named_paths
from jwtool.catalogue.limits import MAX_FILE_SIZE_CAP
from jwtool.catalogue.problems import Problem, problems_to_json
from jwtool.cli.common import format_option, formats, limits, out, root, usage_error
from jwtool.cli.framework import EXIT_OK, EXIT_PROBLEMS, counted, err, message, message_lang, settings
from jwtool.contribute.git import GitError, entry_changes
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
    added: list[Path] = []
    try:
        selected = named_paths(paths or [], base)
        if changed_since is not None:
            changed, added = entry_changes(base, changed_since)
            selected = [p for p in changed if selected is None or any(p.is_relative_to(s) for s in selected)]
    except (CatalogueError, GitError) as exc:
        usage_error(exc)

    progress.enable(fmt.value != "json", lang=message_lang())
    report = run(base, selected, lim, added=added, use_cache=settings().use_cache)  # no changed entries ([]) still checks vocabularies and catalogue.yaml
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

