"""The search filters as one option bundle, shared by search, export, elements, map and render.

Decorate a command with :func:`with_filters` and give it a ``filters: RawFilters`` parameter; the
decorator adds ``--target``, ``--phase``, ... to its signature so typer shows them, and hands
the values over as one object; :func:`matching` gives the entries they select.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from jwtool.catalogue.model import ELEMENT_SOURCES
from jwtool.cli.common import note, unknown_value, usage_error
from jwtool.cli.framework import message
from jwtool.query.filters import AGES, FilterError, RawFilters, filter_entries, resolve_filters

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Entry

_PANEL = "panel.filters"

_FILTER_PARAMS: dict[str, tuple[Any, Any]] = {
    "target": (Annotated[Optional[list[str]], typer.Option("--target", "-t", metavar="LEVEL|TRAIT", help="opt.filter.target", rich_help_panel=_PANEL, show_default=False)], None),
    "phase": (Annotated[Optional[list[str]], typer.Option("--phase", "-p", metavar="PHASE", help="opt.filter.phase", rich_help_panel=_PANEL, show_default=False)], None),
    "element": (Annotated[Optional[list[str]], typer.Option("--element", "-e", metavar="ELEMENT", help="opt.filter.element", rich_help_panel=_PANEL, show_default=False)], None),
    "goal": (Annotated[Optional[list[str]], typer.Option("--goal", "-g", metavar="GOAL", help="opt.filter.goal", rich_help_panel=_PANEL, show_default=False)], None),
    "min_evidence": (Annotated[Optional[str], typer.Option("--min-evidence", metavar="LEVEL", help="opt.filter.min_evidence", rich_help_panel=_PANEL, show_default=False)], None),
    "age": (Annotated[Optional[list[int]], typer.Option("--age", metavar="N", help="opt.filter.age", rich_help_panel=_PANEL, show_default=False)], None),
    "provider": (Annotated[Optional[list[str]], typer.Option("--provider", metavar="TEXT", help="opt.filter.provider", rich_help_panel=_PANEL, show_default=False)], None),
    "kind": (Annotated[Optional[list[str]], typer.Option("--kind", "-k", metavar="KIND", help="opt.filter.kind", rich_help_panel=_PANEL, show_default=False)], None),
    "element_source": (Annotated[str, typer.Option("--from", metavar="|".join(ELEMENT_SOURCES), help="opt.filter.element_source", rich_help_panel=_PANEL)], "all"),
    "region": (Annotated[Optional[list[str]], typer.Option("--region", metavar="TEXT", help="opt.filter.region", rich_help_panel=_PANEL, show_default=False)], None),
    "outcome": (Annotated[Optional[list[str]], typer.Option("--outcome", metavar="OUTCOME", help="opt.filter.outcome", rich_help_panel=_PANEL, show_default=False)], None),
    "min_design": (Annotated[Optional[str], typer.Option("--min-design", metavar="DESIGN", help="opt.filter.min_design", rich_help_panel=_PANEL, show_default=False)], None),
}


def with_filters(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add the filter options to a command that takes ``filters: RawFilters``."""
    # Resolve string annotations (modules with `from __future__ import annotations`) here, so
    # typer sees real types in the signature we hand it.
    hints = typing.get_type_hints(fn, include_extras=True)
    sig = inspect.signature(fn)
    kept = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in sig.parameters.values() if p.name != "filters"]
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=ann)
             for name, (ann, default) in _FILTER_PARAMS.items()]

    @functools.wraps(fn)
    def wrapper(**kwargs: Any) -> Any:
        raw = {name: kwargs.pop(name, None) for name in _FILTER_PARAMS}
        # not given: [] for a repeatable option, "all" for --from; --min-evidence and --min-design as they come
        kwargs["filters"] = RawFilters(**{k: v if k in ("min_evidence", "min_design") else v or _FILTER_PARAMS[k][1] or [] for k, v in raw.items()})
        return fn(**kwargs)

    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in kept] + extra
    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {k: v for k, v in hints.items() if k != "filters"} | {name: ann for name, (ann, _) in _FILTER_PARAMS.items()}
    return wrapper


def matching(raw: RawFilters, cat: Catalogue, *, say_none: bool = False) -> list[Entry]:
    """The catalogue's entries that pass the filters, resolved against its vocabularies: an
    unknown value is a usage error (exit 2). ``say_none``: a note on stderr when none passes."""

    try:
        filters = resolve_filters(raw, cat.vocab)
    except FilterError as exc:
        if exc.option == "--age":
            usage_error(message("cli.bad_age", value=exc.value, low=AGES.start, high=AGES.stop - 1))
        usage_error(unknown_value(exc.option, exc.value, exc.valid, exc.suggestions))
    found = filter_entries(cat.entries, filters)
    if say_none and not found:
        note(message("cli.no_match"))
    return found
