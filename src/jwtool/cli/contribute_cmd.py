"""Contributing by pull request: ``jwtool new``, ``jwtool diff`` and ``jwtool history``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from jwtool.catalogue.layout import Layout, is_bundled
from jwtool.catalogue.load import load_catalogue, load_vocabularies
from jwtool.catalogue.text import key
from jwtool.cli.common import (
    CatalogueOpt,
    err,
    fail,
    format_option,
    formats,
    limits,
    out,
    root,
    usage_error,
    use_cache,
)
from jwtool.contribute.git import UNSHALLOW_HINT, GitError, history_cut
from jwtool.contribute.git import history as git_history
from jwtool.query.export import json_text
from jwtool.query.refs import RefError, resolve_ref

_KEY = "Key fields (asked interactively when missing and stdin is a terminal)"


def _interactive(no_input: bool) -> bool:
    return not no_input and sys.stdin is not None and sys.stdin.isatty()


def _ask(label: str, convert: Callable[[str], Any], default: str = "") -> Any:
    """Prompt until the answer converts; an empty answer keeps the placeholder (None)."""
    from jwtool.contribute.scaffold import ScaffoldError

    while True:
        answer = typer.prompt(label, default=default, show_default=bool(default), err=True).strip()
        if not answer:
            return None
        try:
            return convert(answer)
        except ScaffoldError as exc:
            err(f"jwtool: {exc}")


def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Name of the intervention as the report writes it.", show_default=False)],
    kind: Annotated[Optional[str], typer.Option("--kind", "-k", help="interventie (appendix 2 row) or praktijkvoorbeeld (chapters 4-6). Default: interventie.", show_default=False)] = None,
    slug: Annotated[Optional[str], typer.Option("--id", metavar="SLUG", help="Id and file name (default: made from NAME).", show_default=False)] = None,
    summary: Annotated[Optional[str], typer.Option("--summary", metavar="TEXT", help="One or two sentences from the report.", rich_help_panel=_KEY, show_default=False)] = None,
    phase: Annotated[Optional[list[str]], typer.Option("--phase", "-p", metavar="PHASE", help="tijdens-school, overgang or nazorg (repeat or separate with commas).", rich_help_panel=_KEY, show_default=False)] = None,
    evidence_level: Annotated[Optional[str], typer.Option("--evidence-level", metavar="LEVEL", help="Level on the evidence ladder, e.g. niet-onderzocht or eerste-aanwijzingen.", rich_help_panel=_KEY, show_default=False)] = None,
    source_title: Annotated[Optional[str], typer.Option("--source-title", metavar="TEXT", help="Title of the main source.", rich_help_panel=_KEY, show_default=False)] = None,
    source_url: Annotated[Optional[str], typer.Option("--source-url", metavar="URL", help="http(s) address of the main source.", rich_help_panel=_KEY, show_default=False)] = None,
    source_kind: Annotated[Optional[str], typer.Option("--source-kind", metavar="KIND", help="evaluatie, factsheet, beschrijving, website or rapport.", rich_help_panel=_KEY, show_default=False)] = None,
    report: Annotated[Optional[str], typer.Option("--report", metavar="ID", help="Report id from catalogue.yaml (default: the only report, if there is one).", rich_help_panel=_KEY, show_default=False)] = None,
    table: Annotated[Optional[str], typer.Option("--table", metavar="TABLE", help="Appendix table of an interventie: B2.1 or B2.2.", rich_help_panel=_KEY, show_default=False)] = None,
    order: Annotated[Optional[int], typer.Option("--order", metavar="N", min=1, help="Row number in the appendix table.", rich_help_panel=_KEY, show_default=False)] = None,
    section: Annotated[Optional[list[str]], typer.Option("--section", metavar="SECTION", help="Report section that discusses it, e.g. 3.1 or 'bijlage 2' (repeatable).", rich_help_panel=_KEY, show_default=False)] = None,
    last_reviewed: Annotated[Optional[str], typer.Option("--last-reviewed", metavar="YYYY-MM-DD", help="Date you checked the entry against its sources.", rich_help_panel=_KEY, show_default=False)] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt; leave missing key fields as placeholders.")] = False,
    catalogue: CatalogueOpt = None,
) -> None:
    """Create interventions/<id>.yaml with every field, a Dutch comment above each and placeholders.

    The new file fails 'jwtool validate' until every '<vul in: …>' is filled in or removed.
    On a terminal, key fields that no option gives are asked for; an empty answer keeps the
    placeholder. Refuses to overwrite an existing file (exit 1).

    Example: jwtool new "Boris brengt je bij een baan" --phase tijdens-school --no-input
    """
    from jwtool.contribute.scaffold import (
        KINDS,
        SOURCE_KINDS,
        TABLES,
        Draft,
        ScaffoldError,
        check_choice,
        check_date,
        check_name,
        check_sections,
        check_slug,
        check_terms,
        check_url,
        entry_path,
        entry_schema,
        render,
        write_new,
    )

    base = root(catalogue)
    if is_bundled(base):
        usage_error("no catalogue to add to here: run inside a catalogue (a folder with interventions/) or pass --catalogue DIR")
    layout = Layout(base)
    vocab, _, _ = load_vocabularies(layout, limits())
    reports = _report_ids(layout)
    ask = _interactive(no_input)
    try:
        draft = Draft(name=check_name(name))
        draft.kind = check_choice(kind, KINDS, "--kind") if kind else "interventie"
        draft.id = check_slug(slug if slug is not None else draft.slug)
        draft.summary = summary.strip() or None if summary is not None else None
        draft.phases = check_terms(phase or [], vocab["phases"], "--phase")
        draft.evidence_level = check_terms([evidence_level], vocab["evidence-levels"], "--evidence-level")[0] if evidence_level else None
        draft.source_title = source_title.strip() or None if source_title is not None else None
        draft.source_url = check_url(source_url) if source_url else None
        draft.source_kind = check_choice(source_kind, SOURCE_KINDS, "--source-kind") if source_kind else None
        if report is not None and reports and report not in reports:
            raise ScaffoldError(f"unknown --report {report!r}; catalogue.yaml lists: {', '.join(reports)}")
        draft.report = report or (reports[0] if len(reports) == 1 else None)
        if (table is not None or order is not None) and draft.kind == "praktijkvoorbeeld":
            raise ScaffoldError("a praktijkvoorbeeld has no appendix row; leave out --table and --order")
        draft.table = check_choice(table, TABLES, "--table") if table else None
        draft.order = order
        draft.sections = check_sections(section or [])
        draft.last_reviewed = check_date(last_reviewed) if last_reviewed else None
    except ScaffoldError as exc:
        usage_error(str(exc))

    path = entry_path(layout, draft.id)
    if path.exists() or path.is_symlink():
        fail(f"{layout.rel(path)} already exists; edit that file, or choose another id with --id")
    try:
        other = resolve_ref(_entries(ctx, base), draft.name)
        if _same_name(other, draft.name):
            fail(f"the name {draft.name!r} is already used by {other.file}; edit that entry, or give the new one a distinguishing name")
    except RefError:
        pass

    if ask:
        _prompt_missing(draft, vocab, reports)

    text = render(draft, vocab, entry_schema(layout))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_new(path, text)
    except FileExistsError:
        fail(f"{layout.rel(path)} already exists; edit that file, or choose another id with --id")
    except OSError as exc:
        fail(f"cannot write {layout.rel(path)}: {exc.strerror or exc}")
    out(layout.rel(path))
    left = text.count("\"<vul in:")
    err(f"jwtool: created {layout.rel(path)} with {left} field(s) to fill in (marked '<vul in: …>'); "
        f"fill them in or remove what the report does not say, then run: jwtool validate {layout.rel(path)}")


def _prompt_missing(draft: Any, vocab: dict[str, Any], reports: list[str]) -> None:
    from jwtool.contribute.scaffold import (
        SOURCE_KINDS,
        TABLES,
        check_choice,
        check_date,
        check_sections,
        check_terms,
        check_url,
    )

    ladder = ", ".join(t.id for t in vocab["evidence-levels"].ordered())
    if draft.summary is None:
        draft.summary = _ask("Summary (samenvatting, one or two sentences from the report)", lambda s: s)
    if not draft.phases:
        draft.phases = _ask("Phases (fasen: tijdens-school, overgang, nazorg; comma-separated)", lambda s: check_terms([s], vocab["phases"], "phase")) or []
    if draft.evidence_level is None:
        default = "niet-onderzocht" if draft.kind == "praktijkvoorbeeld" else ""
        draft.evidence_level = _ask(f"Evidence level (bewijskracht: {ladder})", lambda s: check_terms([s], vocab["evidence-levels"], "evidence level")[0], default)
    if draft.source_title is None:
        draft.source_title = _ask("Main source title (titel van de bron)", lambda s: s)
    if draft.source_url is None:
        draft.source_url = _ask("Main source URL (http(s)://…)", check_url)
    if draft.source_kind is None and (draft.source_title or draft.source_url):
        draft.source_kind = _ask(f"Source kind ({', '.join(SOURCE_KINDS)})", lambda s: check_choice(s, SOURCE_KINDS, "source kind"))
    if draft.report is None and reports:
        draft.report = _ask(f"Report id ({', '.join(reports)})", lambda s: check_choice(s, tuple(reports), "report"))
    if draft.kind == "interventie":
        if draft.table is None:
            draft.table = _ask("Appendix table (B2.1 or B2.2)", lambda s: check_choice(s, TABLES, "table"))
        if draft.order is None:
            draft.order = _ask("Row number in that table (rijnummer)", _positive)
    if not draft.sections:
        draft.sections = _ask("Report sections that discuss it (paragrafen, e.g. 3.1, bijlage 2)", lambda s: check_sections([s])) or []
    if draft.last_reviewed is None:
        import datetime as _dt

        draft.last_reviewed = _ask("Last reviewed (YYYY-MM-DD)", check_date, _dt.date.today().isoformat())


def _positive(text: str) -> int:
    from jwtool.contribute.scaffold import ScaffoldError

    if not text.isdigit() or int(text) < 1:
        raise ScaffoldError(f"{text!r} is not a row number (1, 2, 3, …)")
    return int(text)


def _report_ids(layout: Any) -> list[str]:
    from jwtool.catalogue.yamlfile import read_yaml

    if not layout.meta_file.is_file():
        return []
    data = read_yaml(layout.meta_file, "catalogue.yaml", limits()).data
    reports = data.get("reports") if isinstance(data, dict) else None
    return [r["id"] for r in reports or [] if isinstance(r, dict) and isinstance(r.get("id"), str)]


def _entries(ctx: typer.Context, base: Path) -> list[Any]:

    return load_catalogue(base, limits(), use_cache=use_cache(ctx), summary=True).entries


def _same_name(entry: Any, name: str) -> bool:

    return any(key(n) == key(name) for n in (entry.id, entry.name, *entry.aliases))


# ----------------------------------------------------------------------------- diff and history

DiffFormat = formats("DiffFormat", ["text", "md", "json"])


def diff(
    rev: Annotated[str, typer.Argument(metavar="REV", help="The git revision to compare from, e.g. origin/main or HEAD~1.", show_default=False)],
    rev2: Annotated[Optional[str], typer.Argument(metavar="REV2", help="The revision to compare to (default: the working tree, with uncommitted changes).", show_default=False)] = None,
    fmt: Annotated[DiffFormat, format_option("text, md (Markdown, for a pull-request comment) or json.")] = DiffFormat.text,
    catalogue: CatalogueOpt = None,
) -> None:
    """Show what changed in the catalogue between two git revisions: entries added, removed,
    renamed, and every changed field (old → new).

    Example: jwtool diff origin/main --format md
    """
    from jwtool.contribute.diff import catalogue_diff, to_json, to_markdown, to_text

    base = root(catalogue)
    try:
        result = catalogue_diff(base, rev, rev2, limits())
    except GitError as exc:
        usage_error(str(exc))
    reporters = {"text": to_text, "md": to_markdown, "json": to_json}  # one per DiffFormat
    out(reporters[fmt.value](result))


HistoryFormat = formats("HistoryFormat", ["text", "json"])


def history(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="REF", help="Entry id, name, alias or file (interventions/<id>.yaml; also of a removed entry).", show_default=False)],
    fmt: Annotated[HistoryFormat, format_option("text or json.")] = HistoryFormat.text,
    catalogue: CatalogueOpt = None,
) -> None:
    """Show an entry's change log from git: date, author and message of every commit that
    changed its file, newest first, following renames.

    Example: jwtool history boris-brengt-je-bij-een-baan
    """

    base = root(catalogue)
    rel, entry_id, entry_name = _history_target(ctx, base, ref)
    try:
        changes = git_history(base, rel)
        cut = history_cut(base, changes)
    except GitError as exc:
        usage_error(str(exc))
    if cut:
        err(f"jwtool: warning: this is a shallow clone: the history of {rel} is cut at commit {cut[:10]} and older "
            f"changes are not shown; {UNSHALLOW_HINT}")
    if fmt == "json":
        doc: dict[str, object] = {"id": entry_id, "name": entry_name, "file": rel, "changes": [c.to_dict() for c in changes]}
        if cut:
            doc["cut_at"] = cut  # a shallow clone: changes before this commit are not known
        out(json_text(doc))
        return
    if not changes:
        err(f"jwtool: {rel} has no committed history yet")
        return
    out(f"{entry_name} ({rel}): {len(changes)} change(s){' or more (shallow clone)' if cut else ''}")
    for c in changes:
        moved = f"  [{c.file}]" if c.file != rel else ""
        out(f"{c.date[:10]}  {c.commit[:10]}  {c.author}: {c.message}{moved}")
    if cut:
        out(f"…  history cut here at {cut[:10]}: older changes are not in this clone")


def _history_target(ctx: typer.Context, base: Path, ref: str) -> tuple[str, str, str]:
    """The file (relative to the catalogue), id and name that ``ref`` names; removed entries by file or id."""

    layout = Layout(base)
    as_path = Path(ref)
    if ref.endswith((".yaml", ".yml")):
        candidate = as_path if as_path.is_absolute() else (Path.cwd() / as_path)
        rel = layout.rel(candidate) if candidate.exists() else (ref if ref.startswith("interventions/") else f"interventions/{as_path.name}")
        stem = Path(rel).stem
        return rel, stem, stem
    try:
        entry = resolve_ref(_entries(ctx, base), ref)
        return entry.file, entry.id, entry.name
    except RefError as exc:
        gone = f"interventions/{ref}.yaml"
        try:
            if git_history(base, gone):  # an entry that was removed: its history is still there
                return gone, ref, ref
        except GitError:
            pass
        usage_error(str(exc))
