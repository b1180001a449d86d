"""The map of shared working elements: analysis, networks (networkx), exports (GraphML, GEXF, JSON, DOT, Mermaid) and SVG.

networkx takes longer to import than typer itself, and what imports this package often builds
no graph (``jwtool map --help``, ``jwtool render overview --help``). So :data:`nx` is networkx
imported lazily, by the standard library's recipe (``importlib.util.LazyLoader``): the modules
here import it at their top like any library, and it loads when a graph is first built.
"""

import importlib.util
import sys
from types import ModuleType


def _lazy(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


nx = _lazy("networkx")
