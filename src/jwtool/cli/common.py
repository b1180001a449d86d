"""What every command shares: its catalogue and language, output formats, consoles and messages.

Consoles are built lazily (never at import), plain when piped, and respect NO_COLOR.
"""

from __future__ import annotations

import enum
import gc
import os
import shlex
import sys
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from jwtool.catalogue.files import OutputError, check_folder, check_target, write_atomic, write_folder_atomic, write_stdout
from jwtool.catalogue.layout import CatalogueError, Layout, find_root
from jwtool.catalogue.limits import DEFAULT_MAX_FILE_SIZE, MAX_FILE_SIZE_CAP, Limits
from jwtool.catalogue.load import load_catalogue, read_entry
from jwtool.catalogue.sources import OldFormatError
from jwtool.catalogue.text import first_hidden, key, visible
from jwtool.cli import draw
from jwtool.cli.framework import EXIT_PROBLEMS, EXIT_USAGE, choice, counted, err, message, message_lang, one_run_per_process, settings, unknown_value  # noqa: F401
from jwtool.labels import DEFAULT_LANG, LANGS, os_error, worded
from jwtool.query.refs import RefError, resolve_ref

if TYPE_CHECKING:
    from jwtool.catalogue.load import Catalogue
    from jwtool.catalogue.model import Entry


_consoles: dict[str, Any] = {}


def cli_lang(lang: str | None = None) -> str:
    """The language of a command's words: its own ``--lang`` (render's), else the global
    ``--lang``, else ``$JWTOOL_LANG``, else Dutch. An unknown language is a usage error (exit 2),
    never ignored."""
    chosen = lang or settings().lang
    if chosen is None:
        env = os.environ.get("JWTOOL_LANG", "").strip()
        if env and env not in LANGS:
            usage_error(message("cli.bad_env_lang", value=env, choices=", ".join(LANGS)))
        chosen = env or DEFAULT_LANG
    return choice(chosen, list(LANGS), "--lang")


def console(stderr: bool = False) -> draw.Console:
    """A rich console for stdout or stderr; colour only on a TTY and without NO_COLOR."""
    name = "err" if stderr else "out"
    if name not in _consoles:
        stream = sys.stderr if stderr else _Stdout()
        tty = stream.isatty()
        _consoles[name] = make_console(stream, terminal=tty, colour=tty and "NO_COLOR" not in os.environ, width=None if tty else int(os.environ.get("COLUMNS", "0") or 0) or 100)
    return _consoles[name]  # type: ignore[no-any-return]


def make_console(stream: Any, *, terminal: bool, colour: bool, width: int | None) -> draw.Console:
    """A rich console that shows control characters in what it prints as visible escapes
    (:func:`jwtool.catalogue.text.visible`), before layout, so they are measured as what is shown."""

    def shown(text: draw.Text) -> draw.Text:
        if first_hidden(text.plain) is None:
            return text
        cuts = sorted({i + d for i, c in enumerate(text.plain) if first_hidden(c) is not None for d in (0, 1)})
        out = text.blank_copy()
        for part in text.divide(cuts):
            if first_hidden(part.plain) is not None:
                escaped = visible(part.plain)
                part = draw.Text(escaped, style=part.style, spans=[draw.Span(0, len(escaped), s.style) for s in part.spans])
            out.append_text(part)
        return out

    class SafeConsole(draw.Console):
        def render_str(self, text: str, **kwargs: Any) -> draw.Text:
            return super().render_str(visible(text), **kwargs)

        def render(self, renderable: Any, options: Any = None) -> Any:
            return super().render(shown(renderable) if isinstance(renderable, draw.Text) else renderable, options)

    return SafeConsole(
        file=stream,
        stderr=stream is sys.stderr,
        force_terminal=terminal,
        no_color=not colour,
        color_system="auto" if colour else None,
        highlight=False,
        soft_wrap=not terminal,
        emoji=False,
        markup=False,
        width=width,
    )


def is_terminal() -> bool:
    """Whether stdout is a terminal, without building a rich console (importing rich costs ~40 ms)."""
    return sys.stdout is not None and sys.stdout.isatty()


class _Stdout:
    """What the stdout console writes to: :func:`jwtool.catalogue.files.write_stdout`, so tables and cards
    are checked like every other output."""

    @property
    def encoding(self) -> str:
        return getattr(sys.stdout, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        write_stdout(text)
        return len(text)

    def flush(self) -> None:
        """Nothing to do: every write reached stdout whole."""

    def isatty(self) -> bool:
        return is_terminal()


def reset_consoles() -> None:
    """Forget consoles (tests swap sys.stdout between invocations)."""
    _consoles.clear()


def out(text: str = "") -> None:
    """Write plain text to stdout (JSON, CSV, Markdown and piped text), ending with a newline;
    control characters shown as visible escapes (valid JSON escapes too: JSON keeps its
    meaning); checked (see :func:`jwtool.catalogue.files.write_stdout`)."""

    write_stdout(visible(text if text.endswith("\n") or not text else text + "\n"))


def fail(text: str | BaseException, code: int = EXIT_PROBLEMS) -> NoReturn:
    """One line on stderr and an exit code; never a traceback. ``text``: words of the CLI, or the
    library's :class:`jwtool.labels.Message` (or an exception carrying one), worded in the
    message language."""
    err(message("cli.error", message=worded(text, message_lang())))
    raise typer.Exit(code)


def usage_error(text: str | BaseException) -> NoReturn:
    fail(text, EXIT_USAGE)


def warn(text: str | BaseException) -> None:
    """A warning on stderr: the run goes on."""
    err(message("cli.warning", message=worded(text, message_lang())))


def note(text: str | BaseException) -> None:
    """What a command did or found, on stderr ("jwtool: …"), beside its output on stdout."""
    err(message("cli.note", message=worded(text, message_lang())))


def limits(max_file_size: int | None = None) -> Any:
    """The resource limits: ``--max-file-size`` (checked by its option), else
    ``$JWTOOL_MAX_FILE_SIZE`` (checked here: a bad value is a usage error, never ignored)."""

    if max_file_size is None:
        env = os.environ.get("JWTOOL_MAX_FILE_SIZE", "").strip()
        if env and not (env.isascii() and env.isdigit() and 1 <= int(env) <= MAX_FILE_SIZE_CAP):
            usage_error(message("cli.bad_env_max_file_size", value=env, cap=MAX_FILE_SIZE_CAP))
        max_file_size = int(env) if env else DEFAULT_MAX_FILE_SIZE
    return Limits(max_file_size=max_file_size)


def root(catalogue: Path | None = None) -> Path:
    try:
        return find_root(catalogue if catalogue is not None else settings().catalogue)
    except CatalogueError as exc:
        usage_error(exc)


def command_here(base: Path, command: str, path: Path) -> str:
    """``jwtool COMMAND PATH`` as the user can type it in the folder they are in: PATH relative to
    that folder, and ``--catalogue DIR`` unless jwtool would find ``base`` there on its own."""
    try:
        found = find_root()
    except CatalogueError:
        found = None
    where = "" if found is not None and found.resolve() == base.resolve() else f"--catalogue {shlex.quote(os.path.relpath(base))} "
    return f"jwtool {where}{command} {shlex.quote(os.path.relpath(path))}"


def open_catalogue(*, summary: bool = False) -> Catalogue:
    """Load the catalogue for a read-only command; warn (stderr) about files that could not be read.

    ``summary=True`` (list, filters, graph) loads entries without their long verbatim texts.
    """

    once = one_run_per_process.called  # type: ignore[attr-defined]
    if once:
        gc.disable()  # until the catalogue is frozen: a collection right after loading would walk all of it once more
    cat = quiet_catalogue(root(), summary=summary)
    if once:
        gc.freeze()  # the catalogue lives to the end of the run: collections (Jinja makes many) need not walk it
        gc.enable()
    if cat.meta_problem is not None:  # the title, main source and caveat are missing: say where and why
        p = cat.meta_problem
        warn(message("cli.broken_meta", file=p.file, line=p.line, column=p.column, field=f"{p.dotted}: " if p.path else "", message=worded(p.message, message_lang())))
    if cat.broken:
        shown = ", ".join(cat.broken[:3]) + (", …" if len(cat.broken) > 3 else "")
        warn(counted("cli.broken_files", len(cat.broken), files=shown))
    return cat


def quiet_catalogue(base: Path, summary: bool = True) -> Catalogue:
    """The catalogue at ``base`` (cached unless ``--no-cache``), quietly: no warning about
    unreadable files (``new`` and ``history`` only look up an entry by them)."""
    try:
        return load_catalogue(base, limits(), use_cache=settings().use_cache, summary=summary)
    except OldFormatError as exc:  # a catalogue of another format: one message, nothing written
        fail(exc)


def not_found(cat: Catalogue, ref: str, exc: RefError, lang: str | None = None) -> NoReturn:
    """Exit 1 for a REF that names no entry: "no entry REF, did you mean …?", unless REF is the
    file name, or the start of the file name, of one entry file that could not be read. That entry
    is there: the message names its file and the ``validate`` that says what is wrong with it."""
    if not exc.ambiguous:
        read, wanted = {e.file for e in cat.entries}, key(ref)
        unread = [rel for rel in cat.broken if PurePosixPath(rel).parts[0] == "interventions" and rel not in read]
        named = [rel for rel in unread if key(PurePosixPath(rel).stem) == wanted] or [
            rel for rel in unread if len(wanted) >= 3 and key(PurePosixPath(rel).stem).startswith(wanted)]
        if len(named) == 1:
            fail(message("cli.unreadable_ref", file=named[0], command=command_here(cat.root, "validate", cat.root / named[0])))
    fail(exc.message(lang or message_lang()))


def write_output(data: Any, output: Path | None, layout: Any, force: bool, new_folder: bool = False, folder: str | None = None,
                 named: bool = True) -> Path | None:
    """Data to stdout, or atomically to ``-o FILE`` (refused into the catalogue or over an existing
    file: exit 2; a disk or permission error: exit 1). Returns the written path, or None for stdout.

    A stream of text chunks goes to the file as it comes; for stdout it is collected first, so a
    failure half-way prints nothing. ``new_folder`` and ``named`` (False: the user named only the
    folder of ``output``, so no existing file is replaced): see :func:`jwtool.catalogue.files.write_atomic`;
    ``folder``: ``data`` is the (name, content) files of a folder of that kind ("site",
    "datapackage"), written whole, replacing with ``force`` only a folder of the same kind.
    """

    if output is None:
        text = data if isinstance(data, (str, bytes)) else "".join(data)
        write_stdout(visible(text).encode("utf-8") if isinstance(text, str) else text)  # a document is UTF-8, as its file would be
        return None
    try:
        if folder:
            return write_folder_atomic(output, data, layout, force, folder)
        return write_atomic(output, data, layout, force, new_folder, named)
    except OutputError as exc:
        usage_error(exc)
    except OSError as exc:
        fail(message("cli.cannot_write", path=output, error=os_error(exc)))


def check_output(output: Path | None, force: bool, new_folder: bool = False, folder: str | None = None, named: bool = True) -> None:
    """Refuse a bad ``-o`` (exists without --force, inside the catalogue, no such folder) before
    the catalogue is loaded, not after seconds of work (the write itself checks again)."""
    if output is None:
        return
    try:
        if folder:
            check_folder(output, Layout(root()), force, folder)
        else:
            check_target(output, Layout(root()), force, new_folder, named)
    except OutputError as exc:
        usage_error(exc)


def formats(name: str, names: Iterable[str]) -> Any:
    """The ``--format`` values of a command, from the names of its reporters: an enumeration, which
    typer turns into a ``click.Choice``, so ``--help`` lists them and any other value is a usage
    error (exit 2) before the command runs."""
    return enum.Enum(name, [(n, n) for n in names], type=str)


def format_option(help: str) -> Any:
    return typer.Option("--format", "-f", help=help, case_sensitive=False)


def entry_ref(cat: Catalogue, ref: str, *, full: bool = True, lang: str = DEFAULT_LANG) -> Entry:
    """The entry REF names (``full``: with all its fields), or exit 1 with "bedoelde u …?" /
    "did you mean …?" in ``lang`` (typos forgiven: :func:`jwtool.query.refs.suggestions`).

    REF is resolved on the catalogue's summaries (ids, names and aliases are in them) and only
    that entry's file is read, so `show` stays fast in a large catalogue.
    """

    try:
        found = resolve_ref(cat.entries, ref)
    except RefError as exc:
        not_found(cat, ref, exc, lang)
    if not (full and cat.summary):
        return found
    whole = read_entry(cat.root, found.file, limits(), cat.library)
    if whole is None:
        fail(message("cli.unreadable_entry", file=found.file))
    return whole
