"""What changed, from git: ``jwtool diff`` (the catalogue between two revisions) and ``jwtool history`` (one entry's commits)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from jwtool.catalogue.layout import Layout
from jwtool.cli.common import format_option, formats, limits, not_found, note, out, quiet_catalogue, root, usage_error, warn
from jwtool.cli.framework import counted, message, message_lang
from jwtool.contribute.diff import catalogue_diff, to_json, to_markdown, to_text
from jwtool.contribute.git import UNSHALLOW_HINT, GitError, history_cut
from jwtool.contribute.git import history as git_history
from jwtool.query.export import json_text
from jwtool.query.refs import RefError, resolve_ref

DiffFormat = formats("DiffFormat", ["text", "md", "json"])


def diff(
    rev: Annotated[str, typer.Argument(metavar="REV", help="opt.diff.rev", show_default=False)],
    rev2: Annotated[Optional[str], typer.Argument(metavar="REV2", help="opt.diff.rev2", show_default=False)] = None,
    fmt: Annotated[DiffFormat, format_option("opt.diff.format")] = DiffFormat.text,
) -> None:
    """Show what changed in the catalogue between two git revisions: entries added, removed, renamed, and every changed field (old → new)."""

    base = root()
    try:
        result = catalogue_diff(base, rev, rev2, limits())
    except GitError as exc:
        usage_error(exc)
    reporters = {"text": to_text, "md": to_markdown}  # one per DiffFormat; JSON is the same in every language
    out(reporters[fmt.value](result, message_lang()) if fmt.value in reporters else to_json(result))


HistoryFormat = formats("HistoryFormat", ["text", "json"])


def history(
    ref: Annotated[str, typer.Argument(metavar="REF", help="opt.history.ref", show_default=False)],
    fmt: Annotated[HistoryFormat, format_option("opt.history.format")] = HistoryFormat.text,
) -> None:
    """Show an entry's change log from git: date, author and message of every commit that changed its file, newest first, following renames."""

    base = root()
    rel, entry_id, entry_name = _history_target(base, ref)
    try:
        changes, cut = history_cut(base, git_history(base, rel))
    except GitError as exc:
        usage_error(exc)
    if cut:
        warn(message("cli.history.shallow", file=rel, commit=cut[:10], hint=UNSHALLOW_HINT))
    if fmt == "json":
        doc: dict[str, object] = {"id": entry_id, "name": entry_name, "file": rel, "changes": [c.to_dict() for c in changes]}
        if cut:
            doc["cut_at"] = cut  # a shallow clone: changes before this commit are not known
        out(json_text(doc))
        return
    if not changes and not cut:
        note(message("cli.history.none", file=rel))
        return
    out(counted("cli.history.title", len(changes), name=entry_name, file=rel, since=message("cli.history.since_cut", commit=cut[:10]) if cut else ""))
    for c in changes:
        moved = f"  [{c.file}]" if c.file != rel else ""
        out(f"{c.date[:10]}  {c.commit[:10]}  {c.author}: {c.message}{moved}")
    if cut:
        out(message("cli.history.cut", commit=cut[:10]))


def _history_target(base: Path, ref: str) -> tuple[str, str, str]:
    """The file (relative to the catalogue), id and name that ``ref`` names; removed entries by file or id."""

    if ref.endswith((".yaml", ".yml")):
        candidate = Path.cwd() / ref  # (an absolute path stays itself)
        rel = Layout(base).rel(candidate) if candidate.exists() else (ref if ref.startswith("interventions/") else f"interventions/{Path(ref).name}")
        entry = next((e for e in quiet_catalogue(base).entries if e.file == rel), None)
        return (rel, entry.id, entry.name) if entry is not None else (rel, Path(rel).stem, Path(rel).stem)
    cat = quiet_catalogue(base)
    try:
        entry = resolve_ref(cat.entries, ref)
        return entry.file, entry.id, entry.name
    except RefError as exc:
        gone = f"interventions/{ref}.yaml"
        try:
            if git_history(base, gone):  # an entry that was removed (or cannot be read now): its history is still there
                return gone, ref, ref
        except GitError:
            pass
        not_found(cat, ref, exc)  # "no such entry" is 1, as in show, compare and cite (README: exit codes)
