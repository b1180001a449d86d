"""The command line: a thin layer that parses options, calls the library and prints.

Commands are registered here, in one place (:data:`COMMANDS`); each lives in its own module (one
per command group), which is imported only when its command runs (see
:mod:`jwtool.cli.framework`), so ``jwtool --help`` imports none of them.
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import suppress
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from jwtool import __version__
from jwtool.__main__ import exit_interrupted
from jwtool.cli.framework import EXIT_INTERRUPTED, EXIT_PROBLEMS, LazyGroup, Settings, choice, err, message, one_run_per_process, show_usage_error
from jwtool.labels import LANGS

# name -> "module:attribute" (a command function), or for a group of commands (render) a dict of
# its subcommands alike; in the order `jwtool --help` lists them. Each command's help is the label
# cmd.<name> (cmd.<name>.<sub>).
COMMANDS: dict[str, Any] = {
    "validate": "jwtool.cli.validate_cmd:validate",
    "list": "jwtool.cli.find_cmd:list_entries",
    "show": "jwtool.cli.show_cmd:show",
    "search": "jwtool.cli.find_cmd:search",
    "compare": "jwtool.cli.compare_cmd:compare",
    "export": "jwtool.cli.export_cmd:export",
    "cite": "jwtool.cli.sources_cmd:cite",
    "new": "jwtool.cli.contribute_cmd:new",
    "diff": "jwtool.cli.history_cmd:diff",
    "history": "jwtool.cli.history_cmd:history",
    "upgrade": "jwtool.cli.sources_cmd:upgrade",
    "elements": "jwtool.cli.graph_cmd:elements",
    "similar": "jwtool.cli.graph_cmd:similar",
    "map": "jwtool.cli.map_cmd:map_",
    "gaps": "jwtool.cli.gaps_cmd:gaps",
    "render": {
        "appendix": "jwtool.cli.render_appendix_cmd:appendix",
        "overview": "jwtool.cli.render_overview_cmd:overview",
    },
}


class Commands(LazyGroup):
    lazy_commands = COMMANDS


app = typer.Typer(
    name="jwtool",
    cls=Commands,
    help="cmd.jwtool",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"jwtool {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="opt.version")] = None,
    catalogue: Annotated[Optional[Path], typer.Option("--catalogue", metavar="DIR", help="opt.catalogue", show_default=False)] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", metavar="nl|en", help="opt.lang", show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="opt.no_cache")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="opt.debug")] = False,
) -> None:
    # --debug is read by main() from the command line itself: it must work when parsing fails too
    if lang is not None:
        choice(lang, list(LANGS), "--lang")
    ctx.obj = Settings(use_cache=not no_cache and os.environ.get("JWTOOL_NO_CACHE", "") in ("", "0"), lang=lang, catalogue=catalogue)


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
            err(message("cli.interrupted"))  # typer turns Ctrl-C into a silent exit code 130
    except typer.Exit as exc:
        code = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        err(message("cli.interrupted"))
        code = EXIT_INTERRUPTED
    except Terminated as exc:
        with suppress(OSError):  # after SIGHUP the terminal may be gone
            err(message("cli.terminated", signal=signal.Signals(exc.signum).name))
        code = exc.code
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: not an error of ours
        sys.stderr.close()
        code = 0
    except typer._click.exceptions.UsageError as exc:  # noqa: SLF001
        code = show_usage_error(exc)
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        if _raised("jwtool.catalogue.files", "OutputLost", exc):
            err(message("cli.output_lost", error=exc))
            code = EXIT_PROBLEMS
        elif _raised("jwtool.query.export", "NotJSONError", exc):
            # a value JSON cannot hold, met while writing JSON: bad data, not a bug of jwtool
            err(message("cli.error", message=message("cli.not_json")))
            code = EXIT_PROBLEMS
        elif hasattr(exc, "show") and hasattr(exc, "exit_code"):  # other click exceptions
            exc.show()
            code = exc.exit_code
        elif os.environ.get("JWTOOL_DEBUG") or "--debug" in (argv if argv is not None else sys.argv):
            raise
        else:
            err(message("cli.internal_error", name=type(exc).__name__, error=exc))
            code = EXIT_PROBLEMS
    if code == EXIT_INTERRUPTED:
        exit_interrupted()
    sys.exit(code if isinstance(code, int) else 0)


def _raised(module: str, name: str, exc: Exception) -> bool:
    """Whether ``exc`` is ``module.name``, without importing the module: a command that raised it
    has imported it."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(exc, getattr(loaded, name))


def _tolerant_output() -> None:
    """Write what the output encoding cannot hold (cp1252 has no '→', ASCII no 'ë'; a file name
    may hold undecodable bytes) as ``\\u2192``-style escapes instead of ending the command with
    UnicodeEncodeError half-way through its output."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
