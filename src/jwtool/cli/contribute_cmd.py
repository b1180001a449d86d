"""Contributing by pull request: ``jwtool new`` writes a new entry (and, if needed, its source) from the schema."""

from __future__ import annotations

import datetime as _dt
import functools
import os
import shlex
import sys
from contextlib import suppress
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from jwtool.catalogue.layout import Layout, is_bundled
from jwtool.catalogue.load import load_vocabularies
from jwtool.catalogue.sources import CSL_TYPE
from jwtool.catalogue.text import PLACEHOLDER_START, key
from jwtool.cli.common import command_here, fail, limits, note, out, quiet_catalogue, root, usage_error, warn
from jwtool.cli.framework import EXIT_PROBLEMS, counted, err, message, message_lang
from jwtool.contribute.newsource import SOURCE_KINDS, from_answer, read_library, render_record, source_path
from jwtool.contribute.options import NewOptions, draft_from_options
from jwtool.contribute.scaffold import (
    ScaffoldError,
    SchemaFileError,
    check_choice,
    check_date,
    check_sections,
    check_terms,
    check_url,
    entry_path,
    entry_schema,
    render,
    write_new,
)
from jwtool.labels import Message, os_error
from jwtool.query.refs import RefError, resolve_ref
from jwtool.validate.rules import term_key

_KEY = "panel.new.key"


def _ask(label: str, convert: Callable[[str], Any], default: str = "") -> Any:
    """Prompt until the answer converts; an empty answer keeps the placeholder (None)."""

    while True:
        answer = typer.prompt(label, default=default, show_default=bool(default), err=True).strip()
        if not answer:
            return None
        try:
            return convert(answer)
        except ScaffoldError as exc:
            note(exc)


def new(
    name: Annotated[Optional[str], typer.Argument(metavar="NAME", help="opt.new.name", show_default=False)] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", "-k", help="opt.new.kind", show_default=False)] = None,
    slug: Annotated[Optional[str], typer.Option("--id", metavar="SLUG", help="opt.new.slug", show_default=False)] = None,
    summary: Annotated[Optional[str], typer.Option("--summary", metavar="TEXT", help="opt.new.summary", rich_help_panel=_KEY, show_default=False)] = None,
    phase: Annotated[Optional[list[str]], typer.Option("--phase", "-p", metavar="PHASE", help="opt.new.phase", rich_help_panel=_KEY, show_default=False)] = None,
    evidence_level: Annotated[Optional[str], typer.Option("--evidence-level", metavar="LEVEL", help="opt.new.evidence_level", rich_help_panel=_KEY, show_default=False)] = None,
    source: Annotated[Optional[str], typer.Option("--source", metavar="ID", help="opt.new.source", rich_help_panel=_KEY, show_default=False)] = None,
    source_url: Annotated[Optional[str], typer.Option("--source-url", metavar="URL", help="opt.new.source_url", rich_help_panel=_KEY, show_default=False)] = None,
    source_title: Annotated[Optional[str], typer.Option("--source-title", metavar="TEXT", help="opt.new.source_title", rich_help_panel=_KEY, show_default=False)] = None,
    source_kind: Annotated[Optional[str], typer.Option("--source-kind", metavar="KIND", help="opt.new.source_kind", rich_help_panel=_KEY, show_default=False)] = None,
    report: Annotated[Optional[str], typer.Option("--report", metavar="ID", hidden=True, help="opt.new.report", show_default=False)] = None,
    table: Annotated[Optional[str], typer.Option("--table", metavar="TABLE", help="opt.new.table", rich_help_panel=_KEY, show_default=False)] = None,
    order: Annotated[Optional[int], typer.Option("--order", metavar="N", min=1, help="opt.new.order", rich_help_panel=_KEY, show_default=False)] = None,
    section: Annotated[Optional[list[str]], typer.Option("--section", metavar="SECTION", help="opt.new.section", rich_help_panel=_KEY, show_default=False)] = None,
    last_reviewed: Annotated[Optional[str], typer.Option("--last-reviewed", metavar="YYYY-MM-DD", help="opt.new.last_reviewed", rich_help_panel=_KEY, show_default=False)] = None,
    from_issue: Annotated[Optional[Path], typer.Option("--from-issue", metavar="FILE", help="opt.new.from_issue", show_default=False)] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="opt.new.no_input")] = False,
) -> None:
    """Create interventions/<id>.yaml with every field, a Dutch comment above each and placeholders."""

    base = root()
    if is_bundled(base):
        usage_error(message("cli.new.no_catalogue"))
    layout = Layout(base)
    schema = _entry_schema(layout)  # before any question: a broken schema must not cost the answers
    vocab, _, _ = load_vocabularies(layout, limits())
    library = read_library(layout, limits())
    options = NewOptions(name=name, kind=kind, slug=slug, summary=summary, phase=phase or [], evidence_level=evidence_level, source=source,
                         source_url=source_url, source_title=source_title, source_kind=source_kind, report=report, table=table, order=order,
                         section=section or [], last_reviewed=last_reviewed, from_issue=from_issue)
    entries = functools.cache(lambda: quiet_catalogue(base).entries)  # read once, and only if needed
    try:
        draft, chosen = draft_from_options(options, vocab, library, lambda: {(s, t, r): e.file for e in entries() for s, t, r in e.rows})
    except ScaffoldError as exc:
        usage_error(exc)

    path = entry_path(layout, draft.id)
    if path.exists() or path.is_symlink():
        fail(message("cli.new.exists", file=layout.rel(path)))
    with suppress(RefError):
        other = resolve_ref(entries(), draft.name)
        if any(key(n) == key(draft.name) for n in (other.id, other.name, *other.aliases)):
            fail(message("cli.new.name_taken", name=draft.name, file=other.file))

    # ask for what is missing, on a terminal; an issue form holds every answer
    if not no_input and from_issue is None and sys.stdin is not None and sys.stdin.isatty():
        chosen = _prompt_missing(draft, vocab, library, chosen)
    if chosen is not None:
        draft.source = chosen.id
    _write_files(layout, path, render(draft, vocab, schema), chosen)


def _entry_schema(layout: Layout) -> dict[str, Any]:
    """The catalogue's entry schema; one that cannot be used stops ``new`` with the problem lines
    ``jwtool validate`` prints for it (on stderr: stdout holds the paths of written files) and exit 1."""

    try:
        return entry_schema(layout)
    except SchemaFileError as exc:
        for problem in exc.args[0]:
            err(problem.format(message_lang()))
        raise typer.Exit(EXIT_PROBLEMS) from None


def _write_files(layout: Layout, path: Path, text: str, chosen: Any) -> None:
    """The new source file (if any), then the entry; a failed entry leaves no new source behind."""

    written: list[Path] = []
    files = [(source_path(layout, chosen.id), render_record(chosen.record))] if chosen is not None and chosen.record is not None else []
    files.append((path, text))
    try:
        for target, content in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_new(target, content)
            written.append(target)
    except OSError as exc:
        for done in written:
            done.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):
            fail(message("cli.new.exists", file=layout.rel(target)))
        fail(message("cli.cannot_write", path=layout.rel(target), error=os_error(exc)))
    ordered = [path] + [w for w in written if w != path]  # the entry first: scripts read its path from the first line
    for done in ordered:
        out(layout.rel(done))
    if chosen is not None and chosen.reused is not None:
        _say_reused(chosen)
    left = sum(content.count(f'"{PLACEHOLDER_START}') for _, content in files)
    note(counted("cli.new.created", left, files=message("cli.and").join(str(layout.rel(w)) for w in ordered), command=command_here(layout.root, "validate", path)))
    # every file belongs in the commit: an entry whose new source stays untracked fails in a clone
    note(counted("cli.new.commit", len(written), paths=" ".join(shlex.quote(os.path.relpath(w)) for w in ordered)))


def _say_reused(chosen: Any) -> None:
    """Which existing source the entry cites instead of a new one, and each value given for the
    new one that the existing record says differently (it was not written anywhere)."""

    source = chosen.reused
    note(message("cli.new.source_reused", id=source.id, title=source.title, file=source.file))
    for field, given, has in chosen.differs:
        warn(message("cli.new.source_differs", field=message(f"cli.new.source_field.{field}"), given=repr(given), id=source.id, file=source.file,
                     has=repr(has) if has else message("cli.new.source_none")))


def _prompt_missing(draft: Any, vocab: dict[str, Any], library: Any, chosen: Any) -> Any:
    """Ask for the key fields no option gave; returns the source the entry cites (or None)."""

    ladder = ", ".join(t.id for t in vocab["evidence-levels"].ordered())
    if draft.summary is None:
        draft.summary = _ask(message("prompt.new.summary"), lambda s: s)
    if not draft.phases:
        draft.phases = _ask(message("prompt.new.phases"), lambda s: check_terms([s], vocab["phases"], Message(term_key("phases")))) or []
    if draft.evidence_level is None:
        default = "niet-onderzocht" if draft.kind == "praktijkvoorbeeld" else ""
        draft.evidence_level = _ask(message("prompt.new.evidence_level", ladder=ladder), lambda s: check_terms([s], vocab["evidence-levels"], Message(term_key("evidence-levels")))[0], default)
    if chosen is None:
        known = sorted(library.sources)
        shown = ", ".join(known[:5]) + (", …" if len(known) > 5 else "")
        chosen = _ask(message("prompt.new.source", shown=shown), lambda s: from_answer(library, s))
    if chosen is not None and chosen.record is not None:  # a new source: what it is
        record = chosen.record
        if "URL" not in record:
            url = _ask(message("prompt.new.source_url"), check_url)
            if url:
                record["URL"] = chosen.url = url
        if str(record["title"]).startswith(PLACEHOLDER_START):
            record["title"] = _ask(message("prompt.new.source_title"), lambda s: s) or record["title"]
        if str(record["kind"]).startswith(PLACEHOLDER_START):
            new_kind = _ask(message("prompt.new.source_kind", kinds=", ".join(SOURCE_KINDS)), lambda s: check_choice(s, SOURCE_KINDS, Message("error.what.source_kind")))
            if new_kind:
                record["kind"], record["type"] = new_kind, CSL_TYPE[new_kind]
    if not draft.sections:
        draft.sections = _ask(message("prompt.new.sections"), lambda s: check_sections([s])) or []
    if draft.last_reviewed is None:
        draft.last_reviewed = _ask(message("prompt.new.last_reviewed"), check_date, _dt.date.today().isoformat())
    return chosen
