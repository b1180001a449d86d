"""The command line: a thin layer that parses options, calls the library and prints.

Commands are registered here, in one place; each lives in its own module (one per command group),
and the library behind them imports heavy libraries (jsonschema, networkx, jinja2) only when a
command runs, so ``jwtool --help`` stays fast.
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import suppress
from typing import Annotated, Optional

import typer

from jwtool import __version__
from jwtool.cli.common import EXIT_INTERRUPTED, EXIT_PROBLEMS, LangOpt, Settings, choice, err, one_run_per_process, out
from jwtool.cli.compare_cmd import compare
from jwtool.cli.contribute_cmd import diff, history, new
from jwtool.cli.export_cmd import export
from jwtool.cli.find_cmd import list_entries, search, show
from jwtool.cli.gaps_cmd import gaps
from jwtool.cli.graph_cmd import elements, map_, similar
from jwtool.cli.render_cmd import render_app
from jwtool.cli.sources_cmd import cite, upgrade
from jwtool.cli.validate_cmd import validate
from jwtool.labels import LANGS
from jwtool.query.export import NotJSONError
from jwtool.render.output import OutputLost

app = typer.Typer(
    name="jwtool",
    help="Catalogue of interventions against youth unemployment (aanpak jeugdwerkloosheid): validate, search, compare, map and render.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _version(value: bool) -> None:
    if value:
        out(f"jwtool {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a full traceback on internal errors (for maintainers).")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Parse every entry file again instead of using the cache of parsed entries (also: JWTOOL_NO_CACHE=1).")] = False,
    lang: LangOpt = None,
) -> None:
    # --debug is read by main() from the command line itself: it must work when parsing fails too
    if lang is not None:
        choice(lang, list(LANGS), "language")
    ctx.obj = Settings(use_cache=not no_cache and os.environ.get("JWTOOL_NO_CACHE", "") in ("", "0"), lang=lang)


app.command("validate")(validate)
app.command("list")(list_entries)
app.command("show")(show)
app.command("search")(search)
app.command("compare")(compare)
app.command("export")(export)
app.command("cite")(cite)
app.command("new")(new)
app.command("diff")(diff)
app.command("history")(history)
app.command("upgrade")(upgrade)
app.command("elements")(elements)
app.command("similar")(similar)
app.command("map")(map_)
app.command("gaps")(gaps)
app.add_typer(render_app, name="render")


class Terminated(SystemExit):
    """SIGTERM or SIGHUP, raised where the program is so that it unwinds like Ctrl-C (temporary
    files are removed); exit 128 + the signal number, as a shell reports a killed process."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def _terminate(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: exit 0/1/2, 130 on Ctrl-C, 143/129 on SIGTERM/SIGHUP, one line
    instead of a traceback."""
    _tolerant_output()
    if argv is None:
        one_run_per_process()
        if hasattr(signal, "SIGPIPE"):
            # `jwtool list | head`: end quietly when the reader goes away, like other Unix tools
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:  # keep `nohup`
                signal.signal(signum, _terminate)
    try:
        code = app(args=argv, prog_name="jwtool", standalone_mode=False)
        if code == EXIT_INTERRUPTED:
            err("jwtool: interrupted")  # typer turns Ctrl-C into a silent exit code 130
    except typer.Exit as exc:
        code = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        err("jwtool: interrupted")
        code = EXIT_INTERRUPTED
    except Terminated as exc:
        with suppress(OSError):  # after SIGHUP the terminal may be gone
            err(f"jwtool: terminated by {signal.Signals(exc.signum).name}")
        code = exc.code
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: not an error of ours
        sys.stderr.close()
        code = 0
    except OutputLost as exc:
        err(f"jwtool: cannot write output: {exc}")
        code = EXIT_PROBLEMS
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # click/typer usage errors
            exc.show()
            code = exc.exit_code
        elif _is_not_json(exc):
            err(f"jwtool: error: {exc}")
            code = EXIT_PROBLEMS
        elif os.environ.get("JWTOOL_DEBUG") or "--debug" in (argv if argv is not None else sys.argv):
            raise
        else:
            err(f"jwtool: internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback, and please report it)")
            code = EXIT_PROBLEMS
    if code == EXIT_INTERRUPTED:
        _forget_interrupt()
    sys.exit(code if isinstance(code, int) else 0)


def _tolerant_output() -> None:
    """Write what the output encoding cannot hold (cp1252 has no '→', ASCII no 'ë'; a file name
    may hold undecodable bytes) as ``\\u2192``-style escapes instead of ending the command with
    UnicodeEncodeError half-way through its output."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _is_not_json(exc: Exception) -> bool:
    """A value JSON cannot hold, met while writing JSON: bad data, not a bug of jwtool."""

    return isinstance(exc, NotJSONError)


def _forget_interrupt() -> None:
    """Exit 130 after Ctrl-C, as promised, and not by the signal.

    CPython remembers a KeyboardInterrupt raised inside code run by ``exec`` of a string (which
    dataclasses and typer do while a command's modules load) even when it is caught, and then
    ends the process by SIGINT (-2) instead of the exit code. Running such code once more resets
    that memory.
    """
    exec("")  # noqa: S102 - a constant empty string
