"""What jwtool adds to typer, in one place: commands loaded on demand, option values checked
without pydantic, and options that every command accepts before or after its name.

* **Commands on demand** (click's lazy-group pattern). :data:`jwtool.cli.COMMANDS` names each
  command's module; :class:`LazyGroup` imports a module only when its command runs or shows its
  own help. ``jwtool --help`` lists the commands from their help texts in the label catalogue,
  without importing any of them.
* **Plain value checks.** typer checks every option value with a pydantic ``TypeAdapter``;
  importing pydantic alone costs more than typer itself. :class:`Plain` checks the types jwtool's
  options use (text, whole numbers with bounds, paths, fixed choices) directly and words the
  problem itself; any other type keeps typer's check.
* **Global options anywhere.** ``--catalogue``, ``--lang``, ``--no-cache`` and ``--debug`` are
  options of the root command and of every command (a command that declares one itself keeps
  its own), so ``jwtool --catalogue DIR render …`` and ``jwtool render … --catalogue DIR`` are
  the same command line. Their values meet in :class:`Settings` (``ctx.obj``).
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional, Union, get_args, get_origin

import typer
from typer._click.globals import get_current_context  # noqa: PLC2701
from typer._coercion import RuntimeParam  # noqa: PLC2701 - the one seam typer offers for coercion
from typer.core import TyperCommand, TyperGroup, _TyperParameter  # noqa: PLC2701
from typer.main import get_command_from_info
from typer.models import CommandInfo

from jwtool.catalogue.limits import one_run_per_process  # noqa: F401 - for the console script and the commands
from jwtool.catalogue.text import visible
from jwtool.catalogue.vocabularies import suggest
from jwtool.labels import DEFAULT_LANG, LANGS, Message, label_or, plural_key, worded

_click = typer._click  # noqa: SLF001 - typer's own copy of click, whose classes its commands are
_BOOLS = {"1": True, "true": True, "yes": True, "ja": True, "0": False, "false": False, "no": False, "nee": False}
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


@dataclass
class Settings:
    """The global options of one command line (``ctx.obj``): set by the root command, and again by
    a command when they follow its name (that value wins)."""

    use_cache: bool = True
    lang: str | None = None
    catalogue: Path | None = None


def settings() -> Settings:
    """The settings of the running command line (defaults outside one, e.g. in a library call)."""
    ctx = get_current_context(silent=True)
    found = ctx.find_object(Settings) if ctx is not None else None
    return found if found is not None else Settings()


def _set(ctx: Any, name: str, value: Any) -> None:
    if value is None or value is False or value == "" or ctx.resilient_parsing:  # `--lang ""`: as if not given
        return
    target = ctx.ensure_object(Settings)
    if name == "no_cache":
        target.use_cache = False
    elif name != "debug":  # --debug is read from the command line itself, see jwtool.cli.main
        setattr(target, name, value)


def _store(name: str) -> Any:
    return lambda ctx, _param, value: _set(ctx, name, value)


def _global_options(
    catalogue: Annotated[Optional[Path], typer.Option("--catalogue", metavar="DIR", help="opt.catalogue", show_default=False, expose_value=False, callback=_store("catalogue"))] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", metavar="nl|en", help="opt.lang", show_default=False, expose_value=False, callback=_store("lang"))] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="opt.no_cache", expose_value=False, callback=_store("no_cache"))] = False,
    debug: Annotated[bool, typer.Option("--debug", help="opt.debug", expose_value=False, callback=_store("debug"))] = False,
) -> None:
    """The options every command accepts (see the module docstring); they store into :class:`Settings`."""


class Plain(RuntimeParam):
    """An option value checked and converted without pydantic: text, yes/no, whole or decimal
    numbers (within ``min``/``max``), paths and fixed choices (an Enum), alone or repeated."""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return type(value)(self._one(v, param, ctx) for v in value)
        return self._one(value, param, ctx)

    def _one(self, value: Any, param: Any, ctx: Any) -> Any:
        kind = plain_type(self.annotation)
        info = self.parameter_info
        if kind is str:
            return str(value)
        if kind is bool:
            if str(value).lower() in _BOOLS:  # (True and False too)
                return _BOOLS[str(value).lower()]
            raise _click.exceptions.BadParameter(message("click.not_a_choice", value=value, hint="", choices="true, false"), ctx=ctx, param=param)
        if kind is Path:
            if isinstance(value, str) and value.endswith(("/", os.sep)) and param.metavar == "FILE":  # Path() would drop the slash
                raise _click.exceptions.BadParameter(message("click.folder_for_file", value=value), ctx=ctx, param=param)
            return value if isinstance(value, Path) else Path(value)
        if kind in (int, float):
            try:
                number = kind(value)
            except (TypeError, ValueError):
                raise _click.exceptions.BadParameter(message("click.not_a_number" if kind is int else "click.not_a_decimal", value=value), ctx=ctx, param=param) from None
            if (info.min is not None and number < info.min) or (info.max is not None and number > info.max):
                raise _click.exceptions.BadParameter(_bounded(info.min, info.max, ("click.out_of_range", "click.too_small", "click.too_large"), value=value),
                                                     ctx=ctx, param=param)
            return number
        # an Enum of fixed choices
        if isinstance(value, kind):
            return value
        fold = (lambda s: s) if info.case_sensitive else str.casefold
        for member in kind:
            if fold(str(member.value)) == fold(str(value)):
                return member
        options = [str(m.value) for m in kind]
        raise _click.exceptions.BadParameter(message("click.not_a_choice", value=value, hint=_closest(str(value), options), choices=", ".join(options)), ctx=ctx, param=param)


def plain_type(annotation: Any) -> Any:
    """The type :class:`Plain` checks for an annotation (``Optional[list[int]]`` → ``int``), or
    None when typer must check it."""
    origin = get_origin(annotation)
    if origin is Union:
        args = [a for a in get_args(annotation) if a is not type(None)]
        return plain_type(args[0]) if len(args) == 1 else None
    if origin in (list, tuple):
        args = get_args(annotation)
        return plain_type(args[0]) if len(set(args) - {Ellipsis}) == 1 else None
    if annotation in (str, bool, int, float) or (isinstance(annotation, type) and issubclass(annotation, (Path, Enum))):
        return Path if isinstance(annotation, type) and issubclass(annotation, Path) else annotation
    return None


def use_plain_checks(command: Any) -> None:
    """Give every option of ``command`` whose type :class:`Plain` knows a :class:`Plain` check."""
    for param in command.params:
        _plain(param)


def _plain(param: Any) -> None:
    if isinstance(param, _TyperParameter) and getattr(param, "_runtime_param", None) is None and param.type_descriptor.file_annotation is None:
        desc = param.type_descriptor
        if plain_type(desc.annotation) is not None and desc.parameter_info.parser is None:
            param._runtime_param = Plain(parameter_info=desc.parameter_info, annotation=desc.annotation)  # noqa: SLF001


def add_global_options(command: Any) -> None:
    """Add the global options ``command`` does not declare itself (see the module docstring), fresh
    click options for each command."""
    taken = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
    fresh = get_command_from_info(CommandInfo(name="global", callback=_global_options),
                                  pretty_exceptions_short=True, rich_markup_mode=None)
    use_plain_checks(fresh)
    command.params.extend(o for o in fresh.params if not set(o.opts) & taken)


class Texts:
    """Help in the language of the command line, every text from the label catalogue: the
    command's help is the label ``cmd.<name>`` (``cmd.render.overview``), an option's ``help=`` is
    the key of its label, headings and click's own words are ``click.*`` labels."""

    help_key = "cmd.jwtool"

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = [message("click.options_metavar") if p == "[OPTIONS]" else message("click.command_metavar") if p == "COMMAND [ARGS]..." else metavars(p)
                  for p in self.collect_usage_pieces(ctx)]  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=message("click.usage") + " ")

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        formatter.write_paragraph()
        with formatter.indentation():
            for i, paragraph in enumerate(message(self.help_key).split("\n\n")):
                if i:
                    formatter.write_paragraph()
                formatter.write_text(paragraph)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = help_record(param, ctx)
            if record is not None:
                heading = "click.arguments" if param.param_type_name == "argument" else getattr(param, "rich_help_panel", None) or "click.options"
                sections.setdefault(heading, []).append(record)
        for heading in sorted(sections, key=lambda h: (h != "click.arguments", h != "click.options")):
            with formatter.section(message(heading)):
                formatter.write_dl(sections[heading])
        if isinstance(self, TyperGroup):
            self.format_commands(ctx, formatter)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None and option.help != "click.help":
            option.help = "click.help"
            _plain(option)
        return option


def metavars(text: str) -> str:
    """Placeholders of values (FILE, DIR, TEXT, ...) in the message language (labels ``metavar.*``)."""
    lang = message_lang()
    return re.sub(r"\b[A-Z]{2,}\b", lambda m: label_or(f"metavar.{m.group().lower()}", lang, m.group()), text)


def help_record(param: Any, ctx: Any) -> tuple[str, str] | None:
    """One row of the options table: typer's names and value type, the help in the message
    language, and the default, bounds or "required" worded by labels."""
    record = param.get_help_record(ctx)
    if record is None:
        return None
    names = metavars(re.sub(r" <(?:str|path|int|float|list\[\w+\])>", "", record[0]))  # a Python type is no help
    extra = []
    default = param.default
    if param.param_type_name == "option" and param.show_default is not False and default not in (None, False, True, (), []) and not callable(default):
        shown = default.value if isinstance(default, Enum) else default
        extra.append(message("click.default", default=shown))
    info = getattr(getattr(param, "type_descriptor", None), "parameter_info", None)
    if info is not None and (info.min is not None or info.max is not None):
        extra.append(_bounded(info.min, info.max, ("click.bounds", "click.at_least", "click.at_most")))
    if param.required:
        extra.append(message("click.required"))
    text = message(param.help) if param.help else ""
    return names, f"{text}  [{'; '.join(extra)}]" if extra else text


class Command(Texts, TyperCommand):
    """A jwtool command: plain value checks, global options, help from the label catalogue."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_plain_checks(self)
        add_global_options(self)


class LazyGroup(Texts, TyperGroup):
    """The root command, and a group of commands (``jwtool render``): its commands are imported
    when they are used (see the module docstring).

    ``lazy_commands`` maps a command's name to ``"module:attribute"`` (a typer command function),
    or to a dict like it for a group of subcommands. A command's help is the label
    ``<commands_key>.<name>``: ``cmd.validate``, ``cmd.render.overview``.
    """

    lazy_commands: dict[str, Any] = {}
    commands_key = "cmd"

    def __init__(self, *args: Any, lazy_commands: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_plain_checks(self)
        if lazy_commands is not None:
            self.lazy_commands = lazy_commands
        self._loaded: dict[str, Any] = {}

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        """Every run (the console script, ``python -m jwtool``, a test's ``CliRunner``) chooses the
        language of its help and usage messages from its own command line first."""
        set_message_lang(list(sys.argv[1:] if args is None else args))
        return super().main(args, *rest, **kwargs)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.lazy_commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.lazy_commands:
            return None
        if cmd_name not in self._loaded:
            self._loaded[cmd_name] = load_command(cmd_name, self.lazy_commands[cmd_name])
            self._loaded[cmd_name].help_key = f"{self.commands_key}.{cmd_name}"
        return self._loaded[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The list of commands, each with the first sentence of its help, without importing it."""
        width = max(formatter.width - 6 - max(map(len, self.lazy_commands)), 20)
        cut = _click.utils.make_default_short_help  # as click cuts a command's help
        rows = [(name, cut(message(f"{self.commands_key}.{name}"), width)) for name in self.lazy_commands]
        with formatter.section(message("click.commands")):
            formatter.write_dl(rows)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0]
        command = self.get_command(ctx, name)
        if command is None and not ctx.resilient_parsing:
            if name.startswith("-"):
                self.parse_args(ctx, args)  # an unknown option: say so, not "no such command"
            ctx.fail(message("click.no_such_command", name=name, hint=_closest(name, list(self.lazy_commands))))
        return (name if command else None), command, args[1:]


def load_command(name: str, target: str | dict[str, Any]) -> Any:
    """Import the module of one command and build its click command; for a group, build the group
    (its commands load when they are used)."""
    if isinstance(target, dict):
        group = LazyGroup(name=name, lazy_commands=target, no_args_is_help=True, rich_markup_mode=None)
        group.commands_key = f"cmd.{name}"
        add_global_options(group)
        return group
    module_name, _, attribute = target.partition(":")
    obj = getattr(importlib.import_module(module_name), attribute)
    return get_command_from_info(CommandInfo(name=name, callback=obj, cls=Command), pretty_exceptions_short=True, rich_markup_mode=None)


def command_modules(commands: dict[str, Any]) -> set[str]:
    """The modules of every command in ``commands`` (:data:`jwtool.cli.COMMANDS`), subcommands too."""
    return {module for target in commands.values()
            for module in (command_modules(target) if isinstance(target, dict) else {target.partition(":")[0]})}


def show_usage_error(exc: Any) -> int:
    """Print a usage error as click does (usage line, where to find help, the problem), worded in
    the message language; returns its exit code (2)."""

    ctx = exc.ctx
    if isinstance(exc, _click.exceptions.NoArgsIsHelpError):
        sys.stderr.write(ctx.get_help() + "\n")
        return exc.exit_code  # type: ignore[no-any-return]
    if ctx is not None:
        sys.stderr.write(ctx.get_usage() + "\n")
        if ctx.command.get_help_option(ctx) is not None:
            sys.stderr.write(message("click.try_help", command=f"{ctx.command_path} {ctx.help_option_names[0]}") + "\n")
        sys.stderr.write("\n")
    sys.stderr.write(visible(message("cli.error", message=usage_message(exc))) + "\n")
    return exc.exit_code  # type: ignore[no-any-return]


def usage_message(exc: Any) -> str:
    """What is wrong on the command line, in the message language, from the parts click keeps."""

    errors = _click.exceptions
    hint = getattr(exc, "param_hint", None)
    name = ((hint if isinstance(hint, str) else " / ".join(hint)) if hint
            else exc.param.get_error_hint() if getattr(exc, "param", None) is not None else "")
    if isinstance(exc, errors.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "option")
        return message("click.missing_argument" if kind == "argument" else "click.missing_option", name=name)
    if isinstance(exc, errors.BadParameter):
        return message("click.bad_value", name=name, message=exc.message) if name else exc.message
    if isinstance(exc, errors.NoSuchOption):
        return message("click.no_such_option", name=exc.option_name, hint=_closest(exc.option_name, list(exc.possibilities or [])))
    patterns = {
        r"Option '(?P<name>[^']*)' requires (an argument|\d+ arguments)\.": "click.needs_value",
        r"Option '(?P<name>[^']*)' does not take a value\.": "click.takes_no_value",
        r"Got unexpected extra argument(?:s|\(s\))? \((?P<name>.*)\)": "click.extra_arguments",  # click; typer's own copy says 'argument(s)'
        r"Missing command\.": "click.missing_command",
        r"Argument '(?P<name>[^']*)' takes \d+ values\.": "click.bad_value_count",
    }
    for pattern, key in patterns.items():
        found = re.fullmatch(pattern, exc.message)
        if found:
            return message(key, **found.groupdict())
    return exc.message  # type: ignore[no-any-return]


# -- texts ------------------------------------------------------------------------------------

_MESSAGE_LANG: list[str] = []  # set by jwtool.cli.main from the command line


def set_message_lang(args: list[str]) -> None:
    """Choose the language of help and usage messages from the command line itself (``--lang``
    anywhere in it), so that they speak it even when parsing fails or ``--help`` comes first."""
    _MESSAGE_LANG.clear()
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            _MESSAGE_LANG.append(args[i + 1])
        elif arg.startswith("--lang="):
            _MESSAGE_LANG.append(arg.partition("=")[2])


def message_lang() -> str:
    """The language of messages: the last ``--lang`` on the command line, else ``$JWTOOL_LANG``,
    else Dutch; an unknown one falls back to Dutch (and is reported where it is checked)."""

    for lang in reversed(_MESSAGE_LANG):
        if lang in LANGS:
            return lang
    env = os.environ.get("JWTOOL_LANG", "").strip()
    return env if env in LANGS else DEFAULT_LANG


def err(text: str) -> None:
    """A diagnostic line on stderr; control characters (e.g. in a file name) shown as escapes."""
    sys.stderr.write(visible(text.rstrip("\n") + "\n"))


def counted(stem: str, n: int, **values: Any) -> str:
    """``stem.one`` for a count of 1, else ``stem.other``, in the message language ("1 fout", "3 fouten")."""
    return message(plural_key(stem, n), n=n, **values)


def message(key: str, **values: Any) -> str:
    """The label ``key`` in the message language, ``{placeholders}`` filled."""

    lang = message_lang()
    text = label_or(key, lang, key)
    return text.format(**{k: worded(v, lang) if isinstance(v, (Message, BaseException)) else v for k, v in values.items()}) if values else text


def choice(value: str, options: list[str], option: str) -> str:
    """``value`` if it is one of ``options``; else a usage error (exit 2) that names ``option``
    (``--rows``), suggests the closest value, as an unknown vocabulary value does, and lists them all."""
    if value not in options:
        raise _click.exceptions.UsageError(unknown_value(option, value, options, suggest(value, options)), ctx=get_current_context(silent=True))
    return value


def unknown_value(option: str, value: str, valid: list[str], suggestions: list[str]) -> str:
    """"onbekende waarde voor --outcome: 'wrk' (bedoelde u 'werk'?); kies uit: …", in the message language."""
    hint = message("click.did_you_mean", names=", ".join(repr(s) for s in suggestions)) if suggestions else ""
    return message("cli.unknown_value", option=option, value=value, hint=hint, choices=", ".join(valid))


def _closest(value: str, options: list[str]) -> str:
    """" (bedoelde u 'x'?)" for the option closest to a mistyped value, or nothing."""

    found = suggest(value, options)
    return message("click.did_you_mean", names=", ".join(repr(s) for s in found)) if found else ""


def _bounded(low: Any, high: Any, keys: tuple[str, str, str], **values: Any) -> str:
    """The first of ``keys`` for both bounds, the second for ``low`` only, the third for ``high`` only."""
    return message(keys[0] if low is not None and high is not None else keys[1] if low is not None else keys[2], low=low, high=high, **values)
