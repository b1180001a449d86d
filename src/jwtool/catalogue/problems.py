"""Problems found in catalogue files, and how they are printed.

A problem carries a position (``file:line:column``, 1-based) and a stable rule id, for editors, CI
annotations and tests. Its message is a :class:`jwtool.labels.Message`: worded in the command's
language as text, in English in JSON (so ``--format json`` is the same in every language).
"""

from __future__ import annotations

import json
import reprlib
from dataclasses import asdict, dataclass
from typing import Any

from jwtool.labels import Message, worded

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    rule: str
    message: str  # a Message, whose str is its English wording
    path: str = ""  # JSON Pointer into the document, "" for the whole file
    severity: str = ERROR

    @property
    def dotted(self) -> str:
        return dotted(self.path)

    def text(self, lang: str = "en") -> str:
        """``FIELD: MESSAGE [RULE]`` in ``lang``."""
        where = f"{self.dotted}: " if self.path else ""
        return f"{where}{worded(self.message, lang)} [{self.rule}]"

    def located(self) -> Message:
        """``FILE:LINE:COLUMN: SEVERITY: FIELD: MESSAGE [RULE]`` as a message (part of another one)."""
        return Message("problem.located", file=self.file, line=self.line, column=self.column, severity=Message(f"severity.{self.severity}"),
                       field=f"{self.dotted}: " if self.path else "", message=self.message, rule=self.rule)

    def format(self, lang: str = "en") -> str:
        """:meth:`located` in ``lang``: one line of ``jwtool validate``."""
        return self.located().text(lang)

    def format_github(self, lang: str = "en") -> str:
        """A GitHub Actions workflow command, so the problem shows as a PR annotation."""
        level = "error" if self.severity == ERROR else "warning"
        text = self.text(lang).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        file = self.file.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{level} file={file},line={self.line},col={self.column},title={self.rule}::{text}"

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        return {k: d[k] for k in ("file", "line", "column", "severity", "rule", "path", "message")}


def dotted(pointer: str) -> str:
    """A JSON Pointer as a readable field path: ``/evidence/studies/0/id`` → ``evidence.studies[0].id``."""
    out = ""
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.rule, p.path, p.message))


def problems_to_json(problems: list[Problem]) -> str:
    return json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=2, allow_nan=False)


def position_of(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + 1
    start = text.rfind("\n", 0, index) + 1
    return line, index - start + 1


Finding = tuple[str, str, Message, bool]  # (rule, pointer, message, position on the key?)


_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxlevel = 60, 60, 3, 3, 2


def short(value: Any) -> str:
    """A value cut to a readable length for a message."""
    return _SHORT.repr(value)
