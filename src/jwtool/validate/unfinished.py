"""Before a render hands a catalogue on: the entries a reader would see unfinished, naming a
vocabulary term the catalogue does not know (the page would show its raw id) or holding a
placeholder that ``jwtool new`` left (``<vul in: …>``). A quick look at what the summaries hold,
not a validation: ``jwtool validate`` says where each problem is and how to fix it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from jwtool.catalogue.model import VOCAB_REFS, Entry, values_at
from jwtool.catalogue.text import PLACEHOLDER_START

if TYPE_CHECKING:
    from jwtool.catalogue.vocabularies import Vocabulary


def unfinished(entries: Iterable[Entry], vocab: dict[str, Vocabulary]) -> list[str]:
    """The ids of ``entries`` (summaries will do) with a term their vocabulary lacks or a placeholder."""
    refs = [(vocab[name], steps) for name, steps in VOCAB_REFS if name in vocab]
    return [e.id for e in entries
            if any(isinstance(v, str) and v not in vocab for vocab, steps in refs for v in values_at(e.data, steps))
            or PLACEHOLDER_START in json.dumps(e.data, ensure_ascii=False)]
