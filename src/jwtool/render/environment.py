"""Render the report's appendix and a reading overview of the catalogue from Jinja2 templates.

The work is split in two: plain functions here turn entries into *view models* (dicts of
strings, lists and labels, sorted and deterministic), and templates only lay them out. Word output
(:mod:`jwtool.render.docx`) reads the same view model, so every format shows the same rows.

Entries are untrusted, so escaping is not left to template authors' care: HTML templates are
autoescaped, Markdown templates escape every ``{{ value }}`` through ``finalize`` (a template
must opt out explicitly with a filter that returns Markup), and links are only made for http(s)
URLs. Templates are looked up in ``--templates DIR`` first, then in the catalogue's
``templates/``; an undefined variable is an error, not an empty string.
"""

from __future__ import annotations

import base64
import hashlib
import re
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from jwtool.catalogue.files import Outside, confine
from jwtool.catalogue.text import http_url, visible
from jwtool.labels import LabelError, Message, label
from jwtool.render.bounds import RenderLimits, TemplateLimit, Watch, check_binop
from jwtool.render.escaping import HTML_FILTERS, MARKDOWN_FILTERS, markdown_finalize

if TYPE_CHECKING:
    from jinja2 import Environment

    from jwtool.catalogue.load import Catalogue


FORMATS_APPENDIX = ("md", "html", "docx", "pdf")
FORMATS_OVERVIEW = ("md", "html")
STYLES = ("full", "summary")

FULL_COLUMNS = ("target_group", "goals", "activities", "course", "results", "evidence", "working_elements")
SUMMARY_COLUMNS = ("target_group", "goals", "components")

# The overview's parts by name: each one's anchor on the one-page overview and its folder in the
# site (templates: ``addresses.map``). Addresses, not words shown: the same in every language and
# never renamed, since people link to them (a folder that moved: jwtool.render.site.MOVED).
ADDRESSES = {"index": "index", "map": "kaart", "gaps": "elementen-per-fase", "gapmap": "bewijskaart", "evidence": "bewijsniveaus",
             "entries": "interventies"}


_BATCH = 8192  # characters of a page produced between two looks at the template's bounds


class RenderError(Exception):
    """A template cannot be found, parsed or filled; the message names the template and line."""


def _label_filter(lang: str) -> Any:
    def label_filter(key: str, **kwargs: Any) -> str:
        try:
            return label(key, lang, **kwargs)
        except LabelError as exc:
            raise RenderError(*exc.args) from None

    return label_filter


def template_dirs(cat: Catalogue, extra: Path | None = None) -> list[Path]:
    """Where templates are looked up: ``--templates DIR`` first, then the catalogue's templates/
    (which must itself stay inside the catalogue; every file in a folder must stay in that folder,
    see :func:`confined`)."""
    dirs = [extra] if extra is not None else []
    try:
        cat.layout.confine(cat.layout.templates)
    except Outside as exc:
        raise RenderError(Message("error.in_file", file=cat.layout.rel(cat.layout.templates),
                                  message=Message("problem.folder_loop") if exc.rule == "unreadable" else exc.message)) from None
    dirs.append(cat.layout.templates)
    return dirs


def confined(path: Path, folder: Path) -> Path:
    """``path`` (a template or asset found in ``folder``) if its links keep it in that folder, else
    a :class:`RenderError` naming it: a template linked to ``/proc/self/environ`` is never read."""
    try:
        confine(path, folder, templates=True)
    except Outside as exc:
        raise RenderError(Message("error.in_file", file=str(path), message=exc.message)) from None
    return path


class ConfinedLoader(FileSystemLoader):
    """Jinja's file loader for one folder, refusing a template that a symbolic link takes out of it."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder

    def get_source(self, environment: Any, template: str) -> Any:
        path = self.folder.joinpath(*split_template_path(template))
        if path.is_symlink() or path.exists():
            confined(path, self.folder)
        return super().get_source(environment, template)


_DICT_ATTRIBUTES = frozenset(dir(dict))


class BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox with the bounds of :mod:`jwtool.render.bounds` (``env.limits``): an
    operation whose result alone would pass them is refused before it runs."""

    intercepted_binops = frozenset(["*", "**"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            self.limits = RenderLimits.from_env()
        except ValueError as exc:
            raise RenderError(*exc.args) from None

    def getattr(self, obj: Any, attribute: str) -> Any:
        # View models are dicts: for a key that names no dict attribute, Jinja's lookup ends at
        # obj[attribute] after a failed getattr; take it directly (the same value, no exception)
        if type(obj) is dict and attribute in obj and attribute not in _DICT_ATTRIBUTES:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        check_binop(self.limits, operator, left, right)
        return super().call_binop(context, operator, left, right)


def environment(dirs: Sequence[Path], fmt: str, lang: str) -> Environment:
    """A strict environment: HTML autoescaped, Markdown escaped by ``finalize``.

    Sandboxed: templates come from the catalogue's templates/ or ``--templates DIR``, so a pull
    request can change them; Jinja's sandbox refuses access to internals (``__class__``,
    ``__subclasses__``, ``__globals__``...), which is how a template would reach ``os.popen``.
    The refusal is a ``SecurityError``, reported like any other template error.
    """
    html = fmt == "html"
    loader = ChoiceLoader([ConfinedLoader(d) for d in dirs])
    env = BoundedSandbox(loader=loader, autoescape=html, finalize=None if html else markdown_finalize,
                         undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                         auto_reload=False)
    env.filters.update(HTML_FILTERS if html else MARKDOWN_FILTERS, http_url=http_url, label=_label_filter(lang))
    env.tests["http_url"] = lambda v: bool(http_url(v))
    env.globals.update(lang=lang, addresses=ADDRESSES)
    return env


def render_template(dirs: Sequence[Path], name: str, fmt: str, lang: str, context: dict[str, Any]) -> str:
    """Fill one template; every Jinja2 problem becomes a :class:`RenderError` with file and line."""
    return "".join(template_chunks(environment(dirs, fmt, lang), dirs, name, context))


def template_chunks(env: Environment, dirs: Sequence[Path], name: str, context: dict[str, Any]) -> Iterator[str]:
    """The filled template as a stream of text that ends with a newline; Jinja2 problems (also
    in pieces rendered on the way) become a :class:`RenderError` with file and line."""
    last = ""
    watch = Watch(getattr(env, "limits", RenderLimits()))
    watch.start()
    try:
        watch.enter()
        try:
            chunks = env.get_template(name).generate(**context)
        finally:
            watch.leave()
        while True:
            batch: list[str] = []
            size = 0
            watch.enter()  # the bounds count only while the template runs, not while its output is written
            try:
                for chunk in chunks:  # some 8 KB at a time: Jinja's chunks are small, the watch costs a little each time
                    batch.append(chunk)
                    size += len(chunk)
                    if size >= _BATCH:
                        break
            finally:
                watch.leave()
            text = "".join(batch)
            if not text:  # a batch short of _BATCH ran to the end of the chunks
                break
            last = text
            yield visible(text, start=False)  # a control character that reached a page is shown, not kept raw
    except TemplateLimit:
        raise RenderError(Message("error.template.stopped", name=name, why=watch.message())) from None
    except MemoryError:
        if watch.capped:  # the console script's own bound (jwtool.render.bounds)
            raise RenderError(Message("error.template.stopped", name=name, why=Message("error.template.memory", memory=watch.limits.memory_text()))) from None
        raise RenderError(Message("error.template.system_memory", name=name, memory=watch.limits.memory_text())) from None
    except TemplateNotFound as exc:
        raise RenderError(Message("error.template.not_found", name=repr(exc.name), dirs=", ".join(str(d) for d in dirs))) from None
    except TemplateSyntaxError as exc:
        raise RenderError(Message("error.template.syntax", file=exc.filename or exc.name, line=exc.lineno, detail=str(exc.message))) from None
    except TemplateError as exc:
        raise RenderError(Message("error.template.failed", name=name, where=_template_line(exc), detail=_jinja_detail(str(exc)))) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as exc:
        # a template is code from a pull request: what it does wrong ({{ 1/0 }}, range(10**9) in
        # the sandbox) is the template's error, reported at its line
        raise RenderError(Message("error.template.failed", name=name, where=_template_line(exc), detail=_exception(exc))) from None
    finally:
        watch.stop()
    if not last.endswith("\n"):
        yield "\n"


# Jinja's own (English) words for the mistakes a template writer makes most -> jwtool's label
_JINJA_WORDS = {
    r"'(?P<name>[^']*)' is undefined": "error.template.undefined",
    r"'(?P<object>.*?)(?: object)?' (?:object )?has no attribute '(?P<name>[^']*)'": "error.template.no_attribute",
    r"access to attribute '(?P<name>[^']*)' of '(?P<object>[^']*)' object is unsafe\.": "error.template.unsafe",
}


def _jinja_detail(text: str) -> Message:
    """A template's error in jwtool's words, with what to do; any other quotes Jinja's own."""
    for pattern, key in _JINJA_WORDS.items():
        found = re.fullmatch(pattern, text)
        if found:
            return Message(key, **found.groupdict())
    return Message("error.template.quoted", detail=text)


def _exception(exc: BaseException) -> Message:
    """What went wrong in a template: jwtool's own words (a bound), or Python's, quoted."""
    said = exc.args[0] if exc.args else None
    detail = said if isinstance(said, Message) else Message("error.template.quoted", detail=str(exc))
    return Message("error.template.exception", kind=type(exc).__name__, detail=detail)


def _template_line(exc: BaseException) -> str:
    """Where in a template the exception was raised, as " (<file>:<line>)" of the innermost one; "" if in none."""
    found = [f" ({f.f_code.co_filename}:{n})" for f, n in traceback.walk_tb(exc.__traceback__) if f.f_code.co_filename.endswith(".j2")]
    return found[-1] if found else ""


def find_template(dirs: Sequence[Path], name: str) -> Path | None:
    """The first ``name`` in ``dirs`` (a stylesheet, script or reference.docx), confined to its folder."""
    for d in dirs:
        if (d / name).is_file() or (d / name).is_symlink():
            return confined(d / name, d)
    return None


def marks_js(dirs: Sequence[Path]) -> tuple[str, ...]:
    """``("marks.js",)``, the script that keeps the Bewijskaart's tips and lists on the screen, if
    the templates folders have it (a folder of templates from before it still renders without)."""
    return ("marks.js",) if find_template(dirs, "marks.js") is not None else ()


def inline_asset(dirs: Sequence[Path], *names: str) -> str:
    """CSS or JS files from the templates folders, inlined one after the other (the page then
    needs no other file)."""
    return "\n".join(_asset(dirs, name) for name in names)


def _asset(dirs: Sequence[Path], name: str) -> str:
    path = find_template(dirs, name)
    if path is None:
        raise RenderError(Message("error.template.not_found", name=repr(name), dirs=", ".join(str(d) for d in dirs)))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RenderError(Message("error.cannot_read", path=str(path), error=str(exc))) from None
    if "</" in text:
        raise RenderError(Message("error.template.asset_end", path=str(path)))
    return text.replace("\r\n", "\n")


def svg_styles(svg: str | None) -> list[str]:
    """Contents of <style> elements inside the inlined SVG map: they need a CSP hash too."""
    return re.findall(r"<style[^>]*>(.*?)</style>", svg, flags=re.DOTALL) if svg else []


def _hashes(texts: Sequence[str]) -> str:
    """The CSP sources that allow exactly these inline texts (their SHA-256), or 'none'."""
    return " ".join(sorted({"'sha256-" + base64.b64encode(hashlib.sha256(t.encode("utf-8")).digest()).decode("ascii") + "'" for t in texts})) or "'none'"


def csp(style_hashes: Sequence[str] = (), script_hashes: Sequence[str] = ()) -> str:
    """A Content-Security-Policy for a page that loads nothing: only its own hashed inline CSS/JS."""
    return (f"default-src 'none'; img-src 'self' data:; style-src {_hashes(style_hashes)}; script-src {_hashes(script_hashes)}; "
            "base-uri 'none'; form-action 'none'")
