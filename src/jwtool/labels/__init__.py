"""Every label jwtool shows, in Dutch and English, from one message catalogue.

The catalogue is ``nl.yaml`` and ``en.yaml`` beside this module: flat ``key: text``
files, read once with PyYAML's C safe loader. YAML rather than gettext ``.po`` files: the labels
are a few hundred short strings looked up by key (not by English source text), and YAML needs no
compile step, no Babel and no extra dependency. Text may hold ``{placeholders}`` filled with
:meth:`str.format`; a count is worded by :func:`plural` (keys ``<key>.one`` and ``<key>.other``).
Entry content is never translated, only the words around it.

A message the library gives (a validation problem, an error) is a :class:`Message`: a label key
with its values, worded in English where it is used as text (``str``, JSON, logs) and in the
command's language where the CLI prints it (:meth:`Message.text`).
"""

from __future__ import annotations

import errno
import functools
from pathlib import Path
from typing import Any

import yaml

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"  # every output speaks Dutch unless --lang or $JWTOOL_LANG says otherwise
LOCALE_DIR = Path(__file__).parent


class LabelError(LookupError):
    """A label key that the catalogue does not hold, or a language it does not have."""


def catalogue_file(lang: str) -> Path:
    return LOCALE_DIR / f"{lang}.yaml"


@functools.cache
def labels(lang: str) -> dict[str, str]:
    """The whole table of one language (key -> text), as templates receive it."""
    if lang not in LANGS:
        raise LabelError(f"no labels for language {lang!r}; choose one of: {', '.join(LANGS)}")

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where PyYAML was built with it
    data = yaml.load(catalogue_file(lang).read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        # e.g. an unquoted `no:` key, which YAML reads as the boolean false
        raise LabelError(f"{catalogue_file(lang)}: every line must be `key: \"text\"` with a quoted text and a string key")
    return data


def label(key: str, lang: str, /, **values: Any) -> str:
    """The text of ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    text = labels(lang).get(key)
    if text is None:
        raise LabelError(f"no label {key!r} in {catalogue_file(lang)}")
    return text.format(**values) if values else text


def plural_key(key: str, n: int) -> str:
    """``key.one`` for a count of 1, else ``key.other``: the label that words ``n`` things."""
    return f"{key}.{'one' if n == 1 else 'other'}"


def plural(key: str, n: int, lang: str, /, **values: Any) -> str:
    """The label :func:`plural_key` chooses; ``{n}`` is the count."""
    return label(plural_key(key, n), lang, n=n, **values)


def label_or(key: str, lang: str, default: str) -> str:
    """The text of ``key``, or ``default`` when there is none (a vocabulary value without a label)."""
    return labels(lang).get(key, default)


class Message(str):
    """A message from the library to a person: a label key and its values, so that it can be
    worded in any language (:meth:`text`). As a ``str`` it is its English wording, so that JSON,
    logs and ``str(exc)`` are the same whatever language a command speaks. A value may itself be a
    :class:`Message` (a hint), worded in the same language as the message around it."""

    key: str
    values: tuple[tuple[str, Any], ...]

    def __new__(cls, key: str, /, **values: Any) -> Message:
        self = super().__new__(cls, label(key, "en", **values))
        self.key, self.values = key, tuple(values.items())
        return self

    def __reduce__(self) -> Any:  # copy and pickle rebuild it from its key and values
        return _rebuild, (self.key, self.values)

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return label(self.key, lang, **{k: v.text(lang) if isinstance(v, Message) else v for k, v in self.values})


def _rebuild(key: str, values: tuple[tuple[str, Any], ...]) -> Message:
    return Message(key, **dict(values))


def worded(text: object, lang: str) -> str:
    """A library's message in ``lang``: a :class:`Message`, an exception that carries one (its
    first argument), or plain text (shown as it is)."""
    if isinstance(text, BaseException) and text.args:
        text = text.args[0]
    return text.text(lang) if isinstance(text, Message) else str(text)


OS_ERRORS = ("ENOENT", "EACCES", "EPERM", "EISDIR", "ENOTDIR", "ENOSPC", "EROFS", "ELOOP", "EEXIST", "EIO")  # worded by labels error.os.*


def os_error(exc: OSError) -> Message | str:
    """What the system says about a failed read or write: a message (``error.os.enospc``) for
    the common errors, whose English is the system's own wording; else the system's words."""
    name = errno.errorcode.get(exc.errno or -1, "")
    return Message(f"error.os.{name.lower()}") if name in OS_ERRORS else (exc.strerror or str(exc))
