"""rich, for what the CLI draws on a terminal (tables, padded text, rules), loaded on first use.

Piped text, JSON, CSV and every message are written without rich, and rich takes about half as
long to import as typer. So the command modules name what they draw as ``draw.Table``,
``draw.Text``, ... (:pep:`562`), and rich loads when a command first draws on a terminal.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> the rich module that holds it (``box`` is the module itself)
_FROM = {"Console": "rich.console", "Text": "rich.text", "Span": "rich.text", "Table": "rich.table", "Padding": "rich.padding",
         "Rule": "rich.rule", "Style": "rich.style", "Measurement": "rich.measure", "box": "rich.box"}


def __getattr__(name: str) -> Any:
    if name not in _FROM:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(_FROM[name])
    return module if name == "box" else getattr(module, name)
