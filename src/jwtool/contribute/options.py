"""Which options of ``jwtool new`` go together, and the draft entry they describe: the command
line collects them (:class:`NewOptions`), :func:`draft_from_options` checks each value and the
rules between them; every problem is a :class:`~jwtool.contribute.scaffold.ScaffoldError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from jwtool.contribute.issueform import draft_from_issue
from jwtool.contribute.newsource import SOURCE_KINDS, by_id, check_row, new_or_existing
from jwtool.contribute.scaffold import (
    KINDS,
    Draft,
    ScaffoldError,
    check_choice,
    check_date,
    check_name,
    check_sections,
    check_slug,
    check_terms,
    check_url,
)
from jwtool.labels import Message


@dataclass
class NewOptions:
    """The options of ``jwtool new`` as given (None: not given)."""

    name: str | None = None
    kind: str | None = None
    slug: str | None = None
    summary: str | None = None
    phase: list[str] = field(default_factory=list)
    evidence_level: str | None = None
    source: str | None = None
    source_url: str | None = None
    source_title: str | None = None
    source_kind: str | None = None
    report: str | None = None  # the old name of --source
    table: str | None = None
    order: int | None = None
    section: list[str] = field(default_factory=list)
    last_reviewed: str | None = None
    from_issue: Path | None = None


def draft_from_options(o: NewOptions, vocab: dict[str, Any], library: Any, claimed_rows: Callable[[], dict[tuple[str, str, int], str]]) -> tuple[Draft, Any]:
    """The draft entry the options describe and the source it cites (None: not known yet).

    ``claimed_rows`` gives the table rows other entries already claim; it is called only when
    ``--table``/``--order`` are given (it reads the catalogue)."""
    if o.from_issue is not None:
        if any(getattr(o, f.name) not in (None, []) for f in fields(o) if f.name != "from_issue"):
            raise ScaffoldError(Message("error.new.from_issue_alone"))
        return draft_from_issue(o.from_issue, vocab, library)  # type: ignore[no-any-return]
    if o.name is None:
        raise ScaffoldError(Message("error.new.no_name"))
    draft = Draft(name=check_name(o.name))
    draft.kind = check_choice(o.kind, KINDS, "--kind") if o.kind else "interventie"
    draft.id = check_slug(o.slug if o.slug is not None else draft.slug)
    draft.summary = (o.summary or "").strip() or None
    draft.phases = check_terms(o.phase, vocab["phases"], "--phase")
    draft.evidence_level = check_terms([o.evidence_level], vocab["evidence-levels"], "--evidence-level")[0] if o.evidence_level else None
    url = check_url(o.source_url) if o.source_url else None
    title = (o.source_title or "").strip() or None
    new_kind = check_choice(o.source_kind, SOURCE_KINDS, "--source-kind") if o.source_kind else None
    if o.source is not None and o.report is not None and o.source != o.report:
        raise ScaffoldError(Message("error.new.report_and_source"))
    given = o.source or o.report
    if given is not None and (url or title):
        raise ScaffoldError(Message("error.new.source_twice"))
    chosen = (by_id(library, str(given), "--source" if o.source else "--report") if given is not None
              else new_or_existing(library, title, url, new_kind) if url or title else None)
    if o.table is not None or o.order is not None:
        if chosen is None:
            raise ScaffoldError(Message("error.new.row_without_source"))
        check_row(chosen, o.table, o.order, claimed_rows())
    draft.table, draft.order = o.table, o.order
    draft.column_hints = chosen.hints(o.table) if chosen is not None else {}
    draft.sections = check_sections(o.section)
    draft.last_reviewed = check_date(o.last_reviewed) if o.last_reviewed else None
    return draft, chosen
